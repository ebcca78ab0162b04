//! Markdown input: reports converted to `.md` by PDF converters (MinerU,
//! marker…) and by pandoc.
//!
//! The text is parsed as CommonMark with GitHub pipe tables
//! (pulldown-cmark). Headings of any level are paragraphs of their text
//! (`## 一、总体情况` is section 一; `# 总体情况`, as pandoc writes a heading
//! whose number was Word's automatic numbering, gets 「一、」 back when at
//! least three headings name sections in order), list items keep their
//! number (「1.」),
//! images and front matter are left out. HTML blocks are read by
//! `nianbao-htmlgrid`: `<table>` with `rowspan`/`colspan` expanded, other
//! HTML as lines of text. Pandoc's own tables (`pandoc -t markdown`: simple,
//! multiline and grid tables) are found before parsing ([`pandoc`]), so their
//! rows never become prose. A table a converter cut into several pieces (at
//! page breaks, or a header-only piece) is joined back into one grid when
//! only page numbers lie between the pieces ([`walk`]); core recognition
//! then reads it as one table. Every paragraph and cell keeps its source line.

#![forbid(unsafe_code)]

pub mod pandoc;
mod walk;

use nianbao_core::adapter::{AdapterError, FormatAdapter, Input, Parsed, ReadErrorKind};
use nianbao_core::document::Document;

/// A report is well under 1 MiB of Markdown; a converter's output with
/// inlined images may be more.
pub const MAX_BYTES: usize = 32 << 20;

pub struct MarkdownAdapter;

impl FormatAdapter for MarkdownAdapter {
    fn name(&self) -> &'static str {
        "markdown"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["md", "markdown", "mkd"]
    }

    /// Text naming the report with a Markdown heading or pipe table.
    fn sniff(&self, bytes: &[u8]) -> bool {
        let head = &bytes[..bytes.len().min(8192)];
        let Some(text) = std::str::from_utf8(head)
            .ok()
            .or_else(|| std::str::from_utf8(&head[..head.len().saturating_sub(3)]).ok())
        else {
            return false;
        };
        let markdown = text.lines().any(|l| {
            let t = l.trim_start();
            t.starts_with("# ")
                || t.starts_with("## ")
                || t.starts_with("|--")
                || t.starts_with("| --")
        });
        markdown && text.contains("政府信息公开")
    }

    fn read(&self, input: &Input<'_>) -> Result<Parsed, AdapterError> {
        read(input.bytes).map(Parsed::Document)
    }
}

/// Reads a Markdown report from its bytes.
pub fn read(bytes: &[u8]) -> Result<Document, AdapterError> {
    if bytes.len() > MAX_BYTES {
        return Err(AdapterError::too_large(format!(
            "Markdown 文件超过 {} MiB，不像年报，拒绝读取",
            MAX_BYTES >> 20
        )));
    }
    let text = decode(bytes)?;
    walk::document(&text)
}

/// UTF-8 (a BOM is dropped), UTF-16 with a BOM, else GB18030 (a superset of
/// GBK), as Chinese Windows editors save text.
fn decode(bytes: &[u8]) -> Result<String, AdapterError> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, bad) = enc.decode_without_bom_handling(&bytes[bom..]);
        return match bad {
            false => Ok(text.into_owned()),
            true => Err(AdapterError::damaged(format!(
                "Markdown 文件不是有效的 {} 编码",
                enc.name()
            ))),
        };
    }
    if bytes.contains(&0) {
        return Err(AdapterError::not_this_format(
            "不是 Markdown 文本文件（含有二进制内容）",
        ));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(_) => match encoding_rs::GB18030.decode_without_bom_handling(bytes) {
            (text, false) => Ok(text.into_owned()),
            (_, true) => Err(AdapterError::of(
                ReadErrorKind::UnsupportedFormat,
                "无法识别 Markdown 文件的编码（支持 UTF-8 和 GBK/GB18030）",
            )),
        },
    }
}
