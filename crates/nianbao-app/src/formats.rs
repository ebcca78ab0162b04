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

/// A recognised report as the YAML the YAML adapter reads back (`extract`).
pub fn report_to_yaml(report: &nianbao_core::Report) -> String {
    nianbao_yaml::to_yaml(report)
}

/// A report written in the model's YAML (a rule's examples).
pub fn report_from_yaml(text: &str) -> Result<nianbao_core::Report, nianbao_core::AdapterError> {
    nianbao_yaml::parse_report(text)
}
