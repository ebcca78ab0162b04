//! The formats this build reads. Adding a format: a crate under `formats/`
//! and one `register` line here.

use nianbao_core::Registry;

pub fn registry() -> Registry {
    let mut r = Registry::new();
    r.register(nianbao_yaml::YamlAdapter);
    r.register(nianbao_html::HtmlAdapter);
    r.register(nianbao_markdown::MarkdownAdapter);
    r.register(nianbao_text::TextAdapter);
    r.register(nianbao_xlsx::XlsxAdapter);
    r.register(nianbao_docx::DocxAdapter);
    r.register(nianbao_pdf::PdfAdapter);
    r
}
