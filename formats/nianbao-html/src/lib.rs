//! HTML input: report pages as government portals publish them.
//!
//! Bytes are decoded by BOM, then the `<meta charset>` / `http-equiv`
//! declaration, then as UTF-8 when valid, else GB18030 (a superset of GBK and
//! GB2312); a declaration that the bytes contradict (a 「gb2312」 page that is
//! really UTF-8, or the reverse) loses to the bytes. The page is parsed by
//! html5ever (through scraper), so broken markup is repaired the way browsers
//! repair it.
//!
//! Data tables become grid tables with `rowspan`/`colspan` expanded the way
//! the DOCX adapter expands merges; `<br>` and block elements inside a cell are
//! line breaks (「自<br>然<br>人」). Layout tables (holding other tables, one
//! column wide, or cells of running text) are read as page flow. Text outside
//! tables becomes paragraphs at block elements and `<br>`. Site chrome is left
//! out: scripts and styles, `<nav>`/`<footer>`/`<aside>`, elements hidden or
//! classed as navigation, footer, breadcrumb, share or related links,
//! paragraphs that are only links, portal boilerplate (「当前位置」「发布时间」
//! 「网站标识码」…), text before the report's title line and after its 落款 date.

#![forbid(unsafe_code)]

mod decode;
mod walk;

use nianbao_core::adapter::{AdapterError, FormatAdapter, Input, Parsed};
use nianbao_core::document::Document;

pub use decode::decode;

/// Grid positions of one table; a report's largest table has ~300.
pub const MAX_TABLE_CELLS: usize = 1_000_000;

pub struct HtmlAdapter;

impl FormatAdapter for HtmlAdapter {
    fn name(&self) -> &'static str {
        "html"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["html", "htm", "shtml", "xhtml"]
    }

    fn sniff(&self, bytes: &[u8]) -> bool {
        let head = &bytes[..bytes.len().min(1024)];
        let lower = head.to_ascii_lowercase();
        let has = |n: &[u8]| lower.windows(n.len()).any(|w| w == n);
        has(b"<html") || has(b"<!doctype html")
    }

    fn read(&self, input: &Input<'_>) -> Result<Parsed, AdapterError> {
        read(input.bytes).map(Parsed::Document)
    }
}

/// Reads an HTML page from its bytes.
pub fn read(bytes: &[u8]) -> Result<Document, AdapterError> {
    let text = decode(bytes)?;
    walk::document(&text)
}
