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

pub use nianbao_htmlgrid::MAX_TABLE_CELLS;

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

/// Elements of one page. A report page has a few thousand (its largest
/// table ~300 cells, the portal's menus the rest); html5ever keeps every
/// element in memory, at a few hundred bytes each, so a page is refused
/// before parsing when it has more than this.
pub const MAX_ELEMENTS: usize = 200_000;

/// Reads an HTML page from its bytes.
pub fn read(bytes: &[u8]) -> Result<Document, AdapterError> {
    let text = decode(bytes)?;
    let elements = count_start_tags(&text, MAX_ELEMENTS + 1);
    if elements > MAX_ELEMENTS {
        return Err(AdapterError::too_large(format!(
            "网页的标签超过 {MAX_ELEMENTS} 个，不像年报网页，拒绝读取"
        )));
    }
    walk::document(&text)
}

/// Start tags (`<` and a letter) up to `stop`: an upper bound of the elements
/// the parser will build, as comments and scripts may hold some.
fn count_start_tags(text: &str, stop: usize) -> usize {
    let bytes = text.as_bytes();
    let mut n = 0;
    for at in (0..bytes.len()).filter(|&i| bytes[i] == b'<') {
        if bytes.get(at + 1).is_some_and(u8::is_ascii_alphabetic) {
            n += 1;
            if n >= stop {
                break;
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_of_too_many_elements_is_refused_before_parsing() {
        let page = format!(
            "<html><body><table>{}</table></body></html>",
            "<tr><td>1</td></tr>".repeat(MAX_ELEMENTS / 2)
        );
        let err = read(page.as_bytes()).unwrap_err();
        assert!(err.message.contains("标签超过"), "{err}");
        // Less-than signs in text are not tags.
        assert_eq!(count_start_tags("a < b <= c <1 <p>x</p>", 100), 1);
        assert_eq!(count_start_tags(&"<p>".repeat(50), 10), 10);
    }
}
