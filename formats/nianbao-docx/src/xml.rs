//! One streaming pass over the main document part. When asked, the pass
//! also records where each paragraph and table cell is in the XML
//! ([`Anchors`]), so that comments can be written into a copy.

use std::collections::HashMap;
use std::io::BufRead as _;

use nianbao_core::adapter::AdapterError;
use nianbao_core::document::{Block, Document, GridCell, GridTable, TextBlock};
use nianbao_core::model::Origin;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::numbering::Numbering;
use crate::skim;

/// Grid cells (after merges are expanded) in one document: a real report has
/// a few hundred; this bounds memory on hostile input (a table of a million
/// rows, or spans multiplying a row's width).
pub const MAX_CELLS: usize = 200_000;
/// Paragraphs in one document.
pub const MAX_PARAGRAPHS: usize = 200_000;
/// Paragraphs open inside one another (a text box in a paragraph is one
/// level; hostile input can nest without end).
pub const MAX_NESTED_PARAGRAPHS: usize = 256;

/// A cell as written: its text, how many grid columns it spans, its vMerge,
/// and its number among the document's `w:tc` elements.
struct RawCell {
    text: String,
    span: usize,
    vmerge: VMerge,
    id: usize,
}

/// Where a paragraph is in the XML (byte offsets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ParaPos {
    /// Where its content starts: after the start tag and its `w:pPr`.
    pub content: usize,
    /// Where `</w:p>` starts; for an empty element `<w:p/>`, where its `/>` starts.
    pub end: usize,
    /// Written as the empty element `<w:p/>`.
    pub empty: bool,
}

/// Where the paragraphs and cells of the generic document are in the XML.
#[derive(Debug, Default)]
pub struct Anchors {
    /// Body paragraphs, by the index of their origin (`Origin::Paragraph`).
    pub paragraphs: HashMap<usize, ParaPos>,
    /// Grid positions (table index, row, column; 1-based as the origins):
    /// the first and last paragraph of the `w:tc` that shows it.
    pub cells: HashMap<(usize, usize, usize), (ParaPos, ParaPos)>,
    /// The first paragraph of the body.
    pub first: Option<ParaPos>,
    /// The largest comment id the document uses.
    pub max_comment_id: Option<u64>,
}

/// What the pass records for [`Anchors`].
#[derive(Default)]
struct Recorder {
    /// Content starts of the open `w:p` elements, innermost last.
    open: Vec<usize>,
    /// Paragraphs of each `w:tc`, by its id.
    cell_paras: Vec<Vec<ParaPos>>,
    anchors: Anchors,
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
    /// Paragraphs around the one being read (a text box's paragraphs sit in
    /// a run of the paragraph that shows the box), innermost last: each
    /// goes on once the paragraph inside it ends, so `<w:p></w:p>` inside a
    /// paragraph reads as `<w:p/>` does.
    outer: Vec<Option<Para>>,
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
    /// `w:tc` elements read so far.
    raw_cells: usize,
    /// Byte offsets of the event being handled: where it starts and ends.
    at: (usize, usize),
    /// Records anchors when asked for.
    rec: Option<Box<Recorder>>,
}

use crate::xml_attr::attr;

/// Every element [`Parser::start`] or [`Parser::end`] does something with,
/// in some state: the others can go unseen (see [`crate::skim`]).
fn acted_on(name: &str) -> bool {
    skipped(name)
        || matches!(
            name,
            "w:p"
                | "w:pPr"
                | "w:trPr"
                | "w:pStyle"
                | "w:t"
                | "w:tab"
                | "w:ptab"
                | "w:br"
                | "w:cr"
                | "w:fldChar"
                | "w:numId"
                | "w:ilvl"
                | "w:tbl"
                | "w:tc"
                | "w:tr"
                | "w:gridSpan"
                | "w:vMerge"
                | "w:del"
                | "w:commentRangeStart"
                | "w:commentRangeEnd"
                | "w:commentReference"
        )
}

/// Of those, the ones whose start tag means the same whatever was skipped
/// around it in a property subtree.
fn kept_when_skimming(name: &str) -> bool {
    matches!(
        name,
        "w:gridSpan" | "w:vMerge" | "w:pStyle" | "w:numId" | "w:ilvl"
    )
}

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
    parse(xml, numbering, false).map(|(doc, _)| doc)
}

/// [`parse_document`], also recording where paragraphs and cells are.
pub fn parse_with_anchors(
    xml: &str,
    numbering: Numbering,
) -> Result<(Document, Anchors), AdapterError> {
    parse(xml, numbering, true).map(|(doc, a)| (doc, a.unwrap_or_default()))
}

fn parse(
    xml: &str,
    numbering: Numbering,
    record: bool,
) -> Result<(Document, Option<Anchors>), AdapterError> {
    let mut p = Parser {
        numbering,
        blocks: Vec::new(),
        tables: Vec::new(),
        finished_nested: Vec::new(),
        table_count: 0,
        paragraph_count: 0,
        para: None,
        outer: Vec::new(),
        carry: String::new(),
        in_text: false,
        in_ppr: false,
        in_trpr: false,
        skip_depth: 0,
        in_field_code: false,
        cells_left: MAX_CELLS,
        paragraphs_left: MAX_PARAGRAPHS,
        error: None,
        raw_cells: 0,
        at: (0, 0),
        rec: record.then(Box::default),
    };
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(false);
    loop {
        let pos = reader.buffer_position();
        let event = reader.read_event().map_err(|e| {
            AdapterError::damaged(format!("DOCX 正文 XML 格式错误（第 {pos} 字节附近）：{e}"))
        })?;
        p.at = (pos as usize, reader.buffer_position() as usize);
        match event {
            Event::Start(e) => {
                p.start(&e, false);
                // A property subtree: past its content to its end tag, which
                // is read as usual; what it holds for the reader is handed over.
                if let Some(end) = skim::end_tag(e.name().as_ref()).filter(|_| !p.in_text) {
                    let rest = xml.get(p.at.1..).unwrap_or_default();
                    let name = e.name();
                    if let Some(s) =
                        skim::skim(rest, name.as_ref(), end, acted_on, kept_when_skimming)
                    {
                        for k in s.kept() {
                            p.start(&BytesStart::from_content(k.content, k.name_len), k.empty);
                        }
                        reader.stream().consume(s.len);
                    }
                }
            }
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
        return Err(AdapterError::damaged(
            "DOCX 正文不完整：表格没有结束（文件可能被截断）",
        ));
    }
    Ok((
        Document {
            blocks: p.blocks,
            ..Document::default()
        },
        p.rec.map(|r| r.anchors),
    ))
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
        if let Some(rec) = self.rec.as_mut() {
            if matches!(
                name,
                "w:commentRangeStart" | "w:commentRangeEnd" | "w:commentReference"
            ) {
                if let Some(id) = attr(e, "w:id").and_then(|v| v.parse::<u64>().ok()) {
                    let max = &mut rec.anchors.max_comment_id;
                    *max = Some(max.map_or(id, |m| m.max(id)));
                }
            }
        }
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
                if self.outer.len() >= MAX_NESTED_PARAGRAPHS {
                    self.error = Some(AdapterError::too_large(format!(
                        "DOCX 正文段落嵌套过深（超过 {MAX_NESTED_PARAGRAPHS} 层），不像年度报告，拒绝读取"
                    )));
                    return;
                }
                if let Some(rec) = self.rec.as_mut() {
                    rec.open.push(self.at.1);
                }
                let inner = Some(Para {
                    text: std::mem::take(&mut self.carry),
                    ..Para::default()
                });
                self.outer.push(std::mem::replace(&mut self.para, inner));
            }
            "w:p" => {
                let text = std::mem::take(&mut self.carry);
                let pos = ParaPos {
                    content: self.at.1.saturating_sub(2),
                    end: self.at.1.saturating_sub(2),
                    empty: true,
                };
                self.end_paragraph_at(
                    Para {
                        text,
                        ..Para::default()
                    },
                    pos,
                )
            }
            "w:pPr" if !empty => self.in_ppr = true,
            "w:pPr" => self.after_ppr(),
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
                let id = self.raw_cells;
                self.raw_cells += 1;
                if let Some(rec) = self.rec.as_mut() {
                    rec.cell_paras.push(Vec::new());
                }
                if let Some(t) = self.tables.last_mut() {
                    t.cell = Some(RawCell {
                        text: String::new(),
                        span: 1,
                        vmerge: VMerge::None,
                        id,
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
            "w:pPr" => {
                self.in_ppr = false;
                self.after_ppr();
            }
            "w:trPr" => self.in_trpr = false,
            "w:p" => {
                let content = self.rec.as_mut().and_then(|r| r.open.pop());
                if let Some(para) = self.para.take() {
                    let pos = ParaPos {
                        content: content.unwrap_or(self.at.0),
                        end: self.at.0,
                        empty: false,
                    };
                    self.end_paragraph_at(para, pos);
                }
                self.para = self.outer.pop().flatten();
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
                    let index = t.index;
                    let (grid, ids) = expand(t);
                    if let Some(rec) = self.rec.as_mut() {
                        rec.place_cells(index, &ids);
                    }
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

    /// The paragraph's properties end here: its content starts after them.
    fn after_ppr(&mut self) {
        if let Some(last) = self.rec.as_mut().and_then(|r| r.open.last_mut()) {
            *last = self.at.1;
        }
    }

    /// Ends a paragraph found at `pos`, noting where it is when recording.
    fn end_paragraph_at(&mut self, para: Para, pos: ParaPos) {
        let cell = self
            .tables
            .last()
            .and_then(|t| t.cell.as_ref())
            .map(|c| c.id);
        let body = self.tables.is_empty();
        let before = self.paragraph_count;
        self.end_paragraph(para);
        let Some(rec) = self.rec.as_mut() else {
            return;
        };
        if let Some(id) = cell {
            if let Some(list) = rec.cell_paras.get_mut(id) {
                list.push(pos);
            }
        } else if body {
            rec.anchors.first.get_or_insert(pos);
            if self.paragraph_count > before {
                rec.anchors.paragraphs.insert(self.paragraph_count, pos);
            }
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
                self.error = Some(AdapterError::too_large(format!(
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
    AdapterError::too_large(format!(
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

impl Recorder {
    /// Notes, for every grid position of table `index`, the paragraphs of
    /// the `w:tc` that shows it (`ids`: the grid of `w:tc` ids).
    fn place_cells(&mut self, index: usize, ids: &[Vec<Option<usize>>]) {
        for (r, row) in ids.iter().enumerate() {
            for (c, id) in row.iter().enumerate() {
                let paras = id.and_then(|id| self.cell_paras.get(id));
                if let Some((first, last)) = paras.and_then(|p| p.first().zip(p.last())) {
                    self.anchors
                        .cells
                        .insert((index, r + 1, c + 1), (*first, *last));
                }
            }
        }
    }
}

/// Expands spans and vertical merges into a rectangular grid; also the grid
/// of the `w:tc` ids that show each position (a continued vertical merge
/// shows the cell where the merge starts).
fn expand(t: TableState) -> (GridTable, Vec<Vec<Option<usize>>>) {
    let index = t.index;
    let width = grid_width(&t);
    let mut grid: Vec<Vec<GridCell>> = Vec::with_capacity(t.rows.len());
    let mut ids: Vec<Vec<Option<usize>>> = Vec::with_capacity(t.rows.len());
    for (r, row) in t.rows.into_iter().enumerate() {
        let mut row_ids: Vec<Option<usize>> = Vec::with_capacity(width);
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
            let id = match merged_from {
                Some((fr, fc)) => ids.get(fr).and_then(|row| row.get(fc)).copied().flatten(),
                None => Some(raw.id),
            };
            for _ in 0..raw.span {
                row_ids.push(id);
            }
            for i in 0..raw.span {
                cells.push(GridCell {
                    text: text.clone(),
                    merged_from: if i == 0 {
                        merged_from
                    } else {
                        Some(merged_from.unwrap_or((r, col)))
                    },
                    origin: origin(col + i),
                    ..Default::default()
                });
            }
        }
        while cells.len() < width {
            let c = cells.len();
            cells.push(GridCell::new("", origin(c)));
            row_ids.push(None);
        }
        grid.push(cells);
        ids.push(row_ids);
    }
    (
        GridTable {
            rows: grid,
            origin: Origin::Table {
                table_index: index,
                row: 1,
                column: 1,
            },
        },
        ids,
    )
}
