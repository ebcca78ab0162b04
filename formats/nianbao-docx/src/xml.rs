//! One streaming pass over the main document part.

use nianbao_core::adapter::AdapterError;
use nianbao_core::document::{Block, Document, GridCell, GridTable, TextBlock};
use nianbao_core::model::Origin;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::numbering::Numbering;

/// Grid cells (after merges are expanded) in one document: a real report has
/// a few hundred; this bounds memory on hostile input (a table of a million
/// rows, or spans multiplying a row's width).
pub const MAX_CELLS: usize = 200_000;
/// Paragraphs in one document.
pub const MAX_PARAGRAPHS: usize = 200_000;

/// A cell as written: its text, how many grid columns it spans, its vMerge.
struct RawCell {
    text: String,
    span: usize,
    vmerge: VMerge,
}

#[derive(Clone, Copy, PartialEq)]
enum VMerge {
    None,
    Restart,
    Continue,
}

#[derive(Default)]
struct TableState {
    rows: Vec<Vec<RawCell>>,
    row: Vec<RawCell>,
    /// The row is a tracked deletion (`w:trPr/w:del`): gone once accepted.
    row_deleted: bool,
    cell: Option<RawCell>,
    index: usize,
}

/// The paragraph being read.
#[derive(Default)]
struct Para {
    text: String,
    style: Option<String>,
    num_id: Option<String>,
    ilvl: Option<u32>,
    /// The paragraph mark is a tracked deletion: once accepted, this paragraph
    /// runs on into the next one.
    mark_deleted: bool,
}

struct Parser {
    numbering: Numbering,
    blocks: Vec<Block>,
    tables: Vec<TableState>,
    /// Nested tables, emitted after the table that holds them.
    finished_nested: Vec<GridTable>,
    table_count: usize,
    paragraph_count: usize,
    para: Option<Para>,
    /// Text of paragraphs whose mark was deleted, waiting for the next paragraph.
    carry: String,
    in_text: bool,
    /// Inside w:pPr (paragraph properties) / w:trPr (row properties).
    in_ppr: bool,
    in_trpr: bool,
    /// Inside w:del / w:moveFrom (tracked deletion), mc:Fallback, w:instrText,
    /// or the old properties of a tracked formatting change (w:pPrChange …).
    skip_depth: usize,
    /// Between fldChar begin and separate: field codes, not text.
    in_field_code: bool,
    /// Cells (raw while reading, then expanded) and paragraphs still allowed.
    cells_left: usize,
    paragraphs_left: usize,
    /// A limit was passed: reading stops with this error.
    error: Option<AdapterError>,
}

use crate::numbering::attr;

/// Elements whose content is not part of the accepted text or properties.
fn skipped(name: &str) -> bool {
    matches!(
        name,
        "w:del" | "w:moveFrom" | "mc:Fallback" | "w:instrText" | "w:delText" | "w:delInstrText"
    ) || name.ends_with("PrChange")
}

fn predefined(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => return None,
    })
}

pub fn parse_document(xml: &str, numbering: Numbering) -> Result<Document, AdapterError> {
    let mut p = Parser {
        numbering,
        blocks: Vec::new(),
        tables: Vec::new(),
        finished_nested: Vec::new(),
        table_count: 0,
        paragraph_count: 0,
        para: None,
        carry: String::new(),
        in_text: false,
        in_ppr: false,
        in_trpr: false,
        skip_depth: 0,
        in_field_code: false,
        cells_left: MAX_CELLS,
        paragraphs_left: MAX_PARAGRAPHS,
        error: None,
    };
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(false);
    loop {
        let pos = reader.buffer_position();
        let event = reader.read_event().map_err(|e| {
            AdapterError::new(format!("DOCX 正文 XML 格式错误（第 {pos} 字节附近）：{e}"))
        })?;
        match event {
            Event::Start(e) => p.start(&e, false),
            Event::Empty(e) => p.start(&e, true),
            Event::End(e) => p.end(e.name().as_ref()),
            Event::Text(t) if p.in_text && p.skip_depth == 0 && !p.in_field_code => {
                let text = t.xml10_content();
                p.push_text(&text);
            }
            Event::GeneralRef(r) if p.in_text && p.skip_depth == 0 && !p.in_field_code => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => predefined(&r),
                };
                if let Some(c) = c {
                    p.push_text(c.encode_utf8(&mut [0; 4]));
                }
            }
            Event::Eof => break,
            _ => {}
        }
        if let Some(e) = p.error.take() {
            return Err(e);
        }
    }
    p.flush_carry();
    if !p.tables.is_empty() {
        return Err(AdapterError::new(
            "DOCX 正文不完整：表格没有结束（文件可能被截断）",
        ));
    }
    Ok(Document {
        blocks: p.blocks,
        ..Document::default()
    })
}

impl Parser {
    fn push_text(&mut self, s: &str) {
        if let Some(para) = self.para.as_mut() {
            para.text.push_str(s);
        }
    }

    fn start(&mut self, e: &BytesStart<'_>, empty: bool) {
        let name = e.name();
        let name = name.as_ref();
        if self.skip_depth > 0 {
            if !empty && skipped(name) {
                self.skip_depth += 1;
            }
            return;
        }
        // A tracked deletion of a paragraph mark or a table row is a w:del
        // inside the properties, not around content.
        if name == "w:del" && (self.in_ppr || self.in_trpr) {
            if self.in_trpr {
                if let Some(t) = self.tables.last_mut() {
                    t.row_deleted = true;
                }
            } else if let Some(p) = self.para.as_mut() {
                p.mark_deleted = true;
            }
            return;
        }
        match name {
            _ if !empty && skipped(name) => self.skip_depth = 1,
            "w:p" if !empty => {
                self.para = Some(Para {
                    text: std::mem::take(&mut self.carry),
                    ..Para::default()
                })
            }
            "w:p" => {
                let text = std::mem::take(&mut self.carry);
                self.end_paragraph(Para {
                    text,
                    ..Para::default()
                })
            }
            "w:pPr" if !empty => self.in_ppr = true,
            "w:trPr" if !empty => self.in_trpr = true,
            "w:pStyle" => {
                if let Some(p) = self.para.as_mut() {
                    p.style = attr(e, "w:val");
                }
            }
            "w:t" if !empty => self.in_text = true,
            "w:tab" | "w:ptab" if self.para.is_some() => self.push_text("\t"),
            "w:br" | "w:cr" if self.para.is_some() => self.push_text("\n"),
            "w:fldChar" => match attr(e, "w:fldCharType").as_deref() {
                Some("begin") => self.in_field_code = true,
                Some("separate" | "end") => self.in_field_code = false,
                _ => {}
            },
            "w:numId" => {
                if let Some(p) = self.para.as_mut() {
                    p.num_id = attr(e, "w:val");
                }
            }
            "w:ilvl" => {
                if let Some(p) = self.para.as_mut() {
                    p.ilvl = attr(e, "w:val").and_then(|v| v.parse().ok());
                }
            }
            "w:tbl" if !empty => {
                self.flush_carry();
                self.table_count += 1;
                self.tables.push(TableState {
                    index: self.table_count,
                    ..TableState::default()
                });
            }
            "w:tc" if !empty => {
                if self.cells_left == 0 {
                    self.error = Some(too_many_cells());
                    return;
                }
                self.cells_left -= 1;
                if let Some(t) = self.tables.last_mut() {
                    t.cell = Some(RawCell {
                        text: String::new(),
                        span: 1,
                        vmerge: VMerge::None,
                    });
                }
            }
            "w:gridSpan" => {
                if let Some(c) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                    c.span = attr(e, "w:val")
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(1)
                        .clamp(1, 64);
                }
            }
            "w:vMerge" => {
                if let Some(c) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                    c.vmerge = if attr(e, "w:val").as_deref() == Some("restart") {
                        VMerge::Restart
                    } else {
                        VMerge::Continue
                    };
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, name: &str) {
        if self.skip_depth > 0 {
            if skipped(name) {
                self.skip_depth -= 1;
            }
            return;
        }
        match name {
            "w:t" => self.in_text = false,
            "w:pPr" => self.in_ppr = false,
            "w:trPr" => self.in_trpr = false,
            "w:p" => {
                if let Some(para) = self.para.take() {
                    self.end_paragraph(para);
                }
            }
            "w:tc" => {
                self.flush_carry();
                if let Some(t) = self.tables.last_mut() {
                    if let Some(c) = t.cell.take() {
                        t.row.push(c);
                    }
                }
            }
            "w:tr" => {
                if let Some(t) = self.tables.last_mut() {
                    let row = std::mem::take(&mut t.row);
                    if !std::mem::take(&mut t.row_deleted) {
                        t.rows.push(row);
                    }
                }
            }
            "w:tbl" => {
                if let Some(t) = self.tables.pop() {
                    // Raw cells were counted as read; the expanded grid must
                    // fit what is left (spans can multiply a row's width).
                    let raw: usize = t.rows.iter().map(Vec::len).sum();
                    let width = grid_width(&t);
                    let expanded = t.rows.len().saturating_mul(width);
                    if expanded > self.cells_left.saturating_add(raw) {
                        self.error = Some(too_many_cells());
                        return;
                    }
                    self.cells_left = (self.cells_left + raw).saturating_sub(expanded);
                    let grid = expand(t);
                    if self.tables.is_empty() {
                        self.blocks.push(Block::Table(grid));
                        for nested in self.finished_nested.drain(..) {
                            self.blocks.push(Block::Table(nested));
                        }
                    } else {
                        self.finished_nested.push(grid);
                    }
                }
            }
            _ => {}
        }
    }

    /// A paragraph whose mark was deleted right before a table or the end of
    /// a cell has nothing to run on into: it stays a paragraph.
    fn flush_carry(&mut self) {
        if !self.carry.is_empty() {
            let text = std::mem::take(&mut self.carry);
            self.end_paragraph(Para {
                text,
                ..Para::default()
            });
        }
    }

    fn end_paragraph(&mut self, para: Para) {
        let mut text = para.text;
        // Word gives the joined paragraph the properties of the mark that
        // survives, the next one: no label of its own.
        if para.mark_deleted {
            self.carry = text;
            return;
        }
        if para.num_id.is_some() || para.style.is_some() {
            if let Some(label) = self.numbering.paragraph_label(
                para.style.as_deref(),
                para.num_id.as_deref(),
                para.ilvl,
            ) {
                text.insert_str(0, &label);
            }
        }
        // Inside a cell, paragraphs are lines of the cell's text.
        if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
            if !cell.text.is_empty() {
                cell.text.push('\n');
            }
            cell.text.push_str(&text);
            return;
        }
        if self.tables.is_empty() {
            if self.paragraphs_left == 0 {
                self.error = Some(AdapterError::new(format!(
                    "DOCX 正文段落过多（超过 {MAX_PARAGRAPHS} 段），不像年度报告，拒绝读取"
                )));
                return;
            }
            self.paragraphs_left -= 1;
            self.paragraph_count += 1;
            if !text.trim().is_empty() {
                self.blocks.push(Block::Paragraph(TextBlock {
                    text: text.trim().to_string(),
                    origin: Origin::Paragraph {
                        index: self.paragraph_count,
                    },
                }));
            }
        }
    }
}

fn too_many_cells() -> AdapterError {
    AdapterError::new(format!(
        "DOCX 中的表格过大（超过 {MAX_CELLS} 个单元格），不像年度报告，拒绝读取"
    ))
}

/// Grid columns: the widest row, spans counted.
fn grid_width(t: &TableState) -> usize {
    t.rows
        .iter()
        .map(|r| r.iter().map(|c| c.span).sum::<usize>())
        .max()
        .unwrap_or(0)
}

/// Expands spans and vertical merges into a rectangular grid.
fn expand(t: TableState) -> GridTable {
    let index = t.index;
    let width = grid_width(&t);
    let mut grid: Vec<Vec<GridCell>> = Vec::with_capacity(t.rows.len());
    for (r, row) in t.rows.into_iter().enumerate() {
        let origin = |c: usize| Origin::Table {
            table_index: index,
            row: r + 1,
            column: c + 1,
        };
        let mut cells: Vec<GridCell> = Vec::with_capacity(width);
        for raw in row {
            let col = cells.len();
            // A continued vertical merge takes the text of the cell above.
            let above = (raw.vmerge == VMerge::Continue)
                .then(|| grid.last().and_then(|prev: &Vec<GridCell>| prev.get(col)))
                .flatten()
                .map(|a| (a.merged_from.unwrap_or((r - 1, col)), a.text.clone()));
            let (merged_from, text) = match above {
                Some((from, text)) => (Some(from), text),
                None => (None, raw.text),
            };
            for i in 0..raw.span {
                cells.push(GridCell {
                    text: text.clone(),
                    merged_from: if i == 0 {
                        merged_from
                    } else {
                        Some(merged_from.unwrap_or((r, col)))
                    },
                    origin: origin(col + i),
                });
            }
        }
        while cells.len() < width {
            let c = cells.len();
            cells.push(GridCell::new("", origin(c)));
        }
        grid.push(cells);
    }
    GridTable {
        rows: grid,
        origin: Origin::Table {
            table_index: index,
            row: 1,
            column: 1,
        },
    }
}
