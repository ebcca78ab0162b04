//! Plain-text reports, in two layouts:
//!
//! - text dumps of a DOCX (as the seed file): paragraphs are lines; a table is
//!   a run of rows separated by blank lines, each cell a line that starts with
//!   a tab, a cell's further lines (vertical headers such as 「自\n然\n人」)
//!   following without a tab. A dump keeps one cell per merged cell, so rows
//!   have different lengths. Row labels are on the left and numbers on the
//!   right, so rows are right-aligned; core recognition then reads the columns
//!   in the official order when the header names them all.
//! - `pdftotext -layout` style text (no tab-indented cells): see [`layout`].
//!   Rows whose numbers cannot be placed are not guessed at: they become
//!   recognition notes (`cell-count`, `unknown-row`) of the report.

#![forbid(unsafe_code)]

pub mod layout;

use nianbao_core::adapter::{AdapterError, FormatAdapter, Input, Parsed, ReadErrorKind};
use nianbao_core::document::{Block, Document, GridCell, GridTable, TextBlock};
use nianbao_core::model::{Origin, RecognitionNote};
use nianbao_core::recognize::recognize;

pub struct TextAdapter;

impl FormatAdapter for TextAdapter {
    fn name(&self) -> &'static str {
        "text"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["txt", "text"]
    }

    fn sniff(&self, bytes: &[u8]) -> bool {
        let head = &bytes[..bytes.len().min(4096)];
        !head.contains(&0) && decode(head).is_ok_and(|t| t.contains("政府信息公开"))
    }

    fn read(&self, input: &Input<'_>) -> Result<Parsed, AdapterError> {
        // UTF-16 (as Windows Notepad saves "Unicode") has zero bytes but a BOM.
        let utf16 = encoding_rs::Encoding::for_bom(input.bytes)
            .is_some_and(|(enc, _)| enc != encoding_rs::UTF_8);
        if !utf16 && input.bytes.contains(&0) {
            return Err(AdapterError::not_this_format(
                "不是文本文件（含有二进制内容；若是无 BOM 的 UTF-16 文本，请另存为 UTF-8）",
            ));
        }
        let text = decode(input.bytes)?;
        let (doc, notes) = read_text(&text);
        if notes.is_empty() {
            return Ok(Parsed::Document(doc));
        }
        // Notes of rows that could not be placed go with the recognised report.
        let mut report = recognize(&doc, &input.path.display().to_string(), self.name());
        nianbao_core::recognize::add_notes(&mut report, notes);
        Ok(Parsed::Report(Box::new(report)))
    }
}

/// Whether the text is a dump with one table cell per tab-indented line.
pub fn is_cell_dump(text: &str) -> bool {
    text.lines().any(|l| l.starts_with('\t'))
}

/// Reads either layout: a cell dump, else `pdftotext -layout` style text.
pub fn read_text(text: &str) -> (Document, Vec<RecognitionNote>) {
    if is_cell_dump(text) {
        (parse(text), Vec::new())
    } else {
        layout::parse(text)
    }
}

/// UTF-8 (with or without BOM), UTF-16 with a BOM, else GB18030 (a superset
/// of GBK), as Chinese Windows tools save text.
pub fn decode(bytes: &[u8]) -> Result<String, AdapterError> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom..]);
        return if had_errors {
            Err(AdapterError::damaged(format!(
                "文本不是有效的 {} 编码",
                enc.name()
            )))
        } else {
            Ok(text.into_owned())
        };
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_string());
    }
    let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
    if had_errors {
        return Err(AdapterError::of(
            ReadErrorKind::UnsupportedFormat,
            "无法识别文本编码（支持 UTF-8 和 GBK/GB18030）",
        ));
    }
    Ok(text.into_owned())
}

/// One table being collected.
#[derive(Default)]
struct TableBuilder {
    rows: Vec<Vec<(String, usize)>>,
    row: Vec<(String, usize)>,
}

impl TableBuilder {
    fn end_row(&mut self) {
        if !self.row.is_empty() {
            self.rows.push(std::mem::take(&mut self.row));
        }
    }

    fn finish(mut self) -> GridTable {
        self.end_row();
        let width = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let first_line = self.rows.first().and_then(|r| r.first()).map_or(0, |c| c.1);
        let rows = self
            .rows
            .into_iter()
            .map(|cells| {
                let pad = width - cells.len();
                let line = cells.first().map_or(first_line, |c| c.1);
                (0..pad)
                    .map(|_| GridCell::new("", Origin::Line { line }))
                    .chain(
                        cells
                            .into_iter()
                            .map(|(text, line)| GridCell::new(text, Origin::Line { line })),
                    )
                    .collect()
            })
            .collect();
        GridTable {
            rows,
            origin: Origin::Line { line: first_line },
        }
    }
}

/// Splits a cell dump into paragraphs and tables (see the module docs).
pub fn parse(text: &str) -> Document {
    let mut blocks = Vec::new();
    let mut table: Option<TableBuilder> = None;
    let mut previous_blank = false;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim_end_matches('\r');
        if let Some(cell) = line.strip_prefix('\t') {
            let t = table.get_or_insert_with(TableBuilder::default);
            if previous_blank {
                t.end_row();
            }
            t.row.push((cell.to_string(), line_no));
            previous_blank = false;
            continue;
        }
        if line.trim().is_empty() && !line.contains('\u{a0}') {
            previous_blank = true;
            continue;
        }
        match table.as_mut() {
            // A further line of the last cell (no blank line in between).
            Some(t) if !previous_blank && !t.row.is_empty() => {
                if let Some(cell) = t.row.last_mut() {
                    cell.0.push('\n');
                    cell.0.push_str(line);
                }
            }
            _ => {
                if let Some(t) = table.take() {
                    blocks.push(Block::Table(t.finish()));
                }
                let clean = line.replace("[bookmark: _GoBack]", "");
                let clean = clean.trim_matches(|c: char| c.is_whitespace());
                if !clean.is_empty() {
                    blocks.push(Block::Paragraph(TextBlock {
                        text: clean.to_string(),
                        origin: Origin::Line { line: line_no },
                    }));
                }
            }
        }
        previous_blank = false;
    }
    if let Some(t) = table.take() {
        blocks.push(Block::Table(t.finish()));
    }
    Document {
        blocks,
        ..Document::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_rows_tables_and_paragraphs() {
        let doc = parse(
            "标题\n\t信息内容\n\t本年处理决定数量\n\n\t行政许可\n\t652\n\n\n　　三、收到和处理政府信息公开申请情况\n\t\n\t自\n然\n人\n\t总计\n",
        );
        let kinds: Vec<&str> = doc
            .blocks
            .iter()
            .map(|b| match b {
                Block::Paragraph(_) => "p",
                Block::Table(_) => "t",
            })
            .collect();
        assert_eq!(kinds, ["p", "t", "p", "t"]);
        let Block::Table(t) = &doc.blocks[1] else {
            unreachable!()
        };
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[1][1].text, "652");
        assert_eq!(t.rows[1][1].origin, Origin::Line { line: 6 });
        let Block::Table(t) = &doc.blocks[3] else {
            unreachable!()
        };
        assert_eq!(t.rows[0][1].text, "自\n然\n人");
    }

    #[test]
    fn short_rows_are_right_aligned() {
        let doc = parse(
            "\t一、本年新收\n\t1\n\t2\n\n\t\n\t（一）予以公开\n\t3\n\t4\n\n\t\n\t\n\t1.属于国家秘密\n\t5\n\t6\n",
        );
        let Block::Table(t) = &doc.blocks[0] else {
            unreachable!()
        };
        let row = |r: usize| {
            t.rows[r]
                .iter()
                .map(|c| c.text.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(row(0), ["", "", "一、本年新收", "1", "2"]);
        assert_eq!(row(1), ["", "", "（一）予以公开", "3", "4"]);
        assert_eq!(row(2), ["", "", "1.属于国家秘密", "5", "6"]);
    }

    #[test]
    fn encodings() {
        let (gbk, _, _) = encoding_rs::GBK.encode("一、总体情况");
        assert_eq!(decode(&gbk).unwrap(), "一、总体情况");
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("正文".as_bytes());
        assert_eq!(decode(&bom).unwrap(), "正文");
        assert!(
            TextAdapter
                .read(&Input {
                    path: std::path::Path::new("x.txt"),
                    bytes: &[1, 0, 2]
                })
                .is_err()
        );
    }
}
