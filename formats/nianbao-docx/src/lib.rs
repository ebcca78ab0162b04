//! DOCX input: the main document part streamed once with quick-xml, no DOM.
//!
//! Output is the generic document of core: paragraphs, and tables as
//! rectangular grids with `w:gridSpan` and `w:vMerge` expanded. Tracked
//! deletions, field codes and the fallback copy of alternate content are left
//! out (the text is read as if every tracked change were accepted); list
//! numbering from `word/numbering.xml`, given directly or through the
//! paragraph style (`word/styles.xml`), is rendered into the text so
//! 「一、总体情况」 is found even when 「一、」 is automatic.

#![forbid(unsafe_code)]

mod annotate;
mod container;
mod numbering;
#[cfg(test)]
mod same_output;
mod skim;
mod styles;
mod xml;
mod xml_attr;

use nianbao_core::adapter::{AdapterError, Annotator, FormatAdapter, Input, Parsed};
use nianbao_core::address::Note;

pub use annotate::{COPY_DIFFERS, annotate};
pub use container::{MAX_ENTRY_BYTES, MAX_TOTAL_BYTES};

pub struct DocxAdapter;

impl FormatAdapter for DocxAdapter {
    fn name(&self) -> &'static str {
        "docx"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["docx", "docm", "doc", "wps"]
    }

    fn sniff(&self, bytes: &[u8]) -> bool {
        container::is_ole2(bytes)
            || (bytes.starts_with(b"PK\x03\x04")
                && bytes.windows(5).take(64 * 1024).any(|w| w == b"word/"))
    }

    fn read(&self, input: &Input<'_>) -> Result<Parsed, AdapterError> {
        read(input.bytes).map(Parsed::Document)
    }

    fn annotator(&self) -> Option<&dyn Annotator> {
        Some(self)
    }
}

impl Annotator for DocxAdapter {
    fn annotate(&self, bytes: &[u8], notes: &[Note]) -> Result<Vec<u8>, AdapterError> {
        annotate(bytes, notes)
    }
}

/// Reads a DOCX from its bytes.
pub fn read(bytes: &[u8]) -> Result<nianbao_core::document::Document, AdapterError> {
    let parts = container::open(bytes)?;
    let styles = match &parts.styles {
        Some(xml) => styles::Styles::parse(xml)?,
        None => styles::Styles::default(),
    };
    let numbering = match &parts.numbering {
        Some(xml) => numbering::Numbering::parse(xml, styles)?,
        None => numbering::Numbering::default(),
    };
    xml::parse_document(&parts.document, numbering)
}
