//! Markdown events to core's generic document.

use nianbao_core::adapter::{AdapterError, ReadErrorKind};
use nianbao_core::address::{Address, Addresses};
use nianbao_core::document::{Block, Document, GridCell, GridTable, TextBlock};
use nianbao_core::model::Origin;
use nianbao_core::recognize::{classify, section_heading, unnumbered_section};
use nianbao_core::schema::TableKey;
use nianbao_core::value::{Value, parse_cell_text};
use nianbao_htmlgrid::{MAX_DEPTH, MAX_TABLE_CELLS, Piece, collapse, nesting_depth};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::pandoc;

/// Paragraphs and tables of one document; a report has a few hundred.
pub const MAX_BLOCKS: usize = 200_000;
/// HTML in the Markdown that html5ever parses, in total.
const MAX_HTML_BYTES: usize = 8 << 20;
/// A hard line break inside a table cell, kept through [`collapse`].
const CELL_BREAK: char = '\u{2028}';

/// A table cell before it gets its place in the document.
#[derive(Clone, Default)]
struct Cell {
    text: String,
    merged_from: Option<(usize, usize)>,
    /// 1-based source line.
    line: Option<usize>,
}

enum Item {
    Paragraph(String, Option<usize>),
    Table(Vec<Vec<Cell>>),
}

#[derive(Default)]
struct Walker {
    items: Vec<Item>,
    cells: usize,
    html_bytes: usize,
    /// The paragraph being collected: soft breaks are `\n`.
    buf: String,
    buf_line: Option<usize>,
    cell: Option<Cell>,
    row: Vec<Cell>,
    rows: Vec<Vec<Cell>>,
    html: Option<(String, usize)>,
    code: bool,
    image: usize,
    metadata: bool,
    /// The next number of each open list (`None` for bullets).
    lists: Vec<Option<u64>>,
    /// Items that are Markdown headings.
    headings: Vec<usize>,
}

/// Byte offset to 1-based line, within one parsed segment.
struct LineIndex {
    starts: Vec<usize>,
    base: usize,
}

impl LineIndex {
    fn new(text: &str, base: usize) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts, base }
    }

    fn line(&self, offset: usize) -> usize {
        self.base + self.starts.partition_point(|&s| s <= offset)
    }
}

impl Walker {
    fn push(&mut self, item: Item) -> Result<(), AdapterError> {
        if self.items.len() >= MAX_BLOCKS {
            return Err(AdapterError::too_large(format!(
                "Markdown 文件的段落和表格超过 {MAX_BLOCKS} 个，不像年报，拒绝读取"
            )));
        }
        self.items.push(item);
        Ok(())
    }

    fn text(&mut self, t: &str, line: usize) {
        if self.image > 0 || self.metadata {
            return;
        }
        if let Some(cell) = &mut self.cell {
            cell.text.push_str(t);
            return;
        }
        if self.buf_line.is_none() && t.chars().any(|c| !c.is_whitespace()) {
            self.buf_line = Some(line);
        }
        self.buf.push_str(t);
    }

    fn hard_break(&mut self) -> Result<(), AdapterError> {
        match &mut self.cell {
            Some(cell) => {
                cell.text.push(CELL_BREAK);
                Ok(())
            }
            None => self.flush(),
        }
    }

    /// Ends the paragraph being collected. Lines joined by soft breaks are
    /// one paragraph, except a section heading on a line of its own (a
    /// converter that left out the blank line after it).
    fn flush(&mut self) -> Result<(), AdapterError> {
        let buf = std::mem::take(&mut self.buf);
        let Some(first) = self.buf_line.take() else {
            return Ok(());
        };
        let mut group = String::new();
        let mut group_line = first;
        for (k, line) in buf.split('\n').enumerate() {
            let heading = {
                let t = line.trim();
                section_heading(t).is_some() && !t.contains('。')
            };
            if heading && !group.trim().is_empty() {
                self.paragraph(&group, group_line)?;
                group.clear();
            }
            if group.trim().is_empty() {
                group_line = first + k;
            }
            group.push_str(line);
            group.push('\n');
            if heading {
                self.paragraph(&group, group_line)?;
                group.clear();
            }
        }
        self.paragraph(&group, group_line)
    }

    fn paragraph(&mut self, text: &str, line: usize) -> Result<(), AdapterError> {
        let text = collapse(text);
        if text.is_empty() {
            return Ok(());
        }
        self.push(Item::Paragraph(text, Some(line)))
    }

    fn end_cell(&mut self) -> Result<(), AdapterError> {
        if let Some(mut cell) = self.cell.take() {
            self.cells += 1;
            if self.cells > MAX_TABLE_CELLS {
                return Err(AdapterError::too_large(format!(
                    "Markdown 文件中的表格过大（超过 {MAX_TABLE_CELLS} 个单元格），拒绝读取"
                )));
            }
            cell.text = cell
                .text
                .split(CELL_BREAK)
                .map(collapse)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("\n");
            self.row.push(cell);
        }
        Ok(())
    }

    /// A table of rows of text cells: rows left empty (pandoc's blank pipe
    /// header) are dropped, a table one column wide is paragraphs.
    fn table(&mut self, rows: Vec<Vec<Cell>>) -> Result<(), AdapterError> {
        let rows: Vec<Vec<Cell>> = rows
            .into_iter()
            .filter(|r| r.iter().any(|c| !c.text.is_empty()))
            .collect();
        if rows.iter().map(Vec::len).max().unwrap_or(0) < 2 {
            for cell in rows.into_iter().flatten() {
                self.push(Item::Paragraph(cell.text.replace('\n', ""), cell.line))?;
            }
            return Ok(());
        }
        self.push(Item::Table(rows))
    }

    fn html_block(&mut self, html: &str, line: usize) -> Result<(), AdapterError> {
        self.html_bytes += html.len();
        if self.html_bytes > MAX_HTML_BYTES {
            return Err(AdapterError::too_large(format!(
                "Markdown 文件中的 HTML 超过 {} MiB，拒绝读取",
                MAX_HTML_BYTES >> 20
            )));
        }
        let depth = nesting_depth(html);
        if depth > MAX_DEPTH {
            return Err(AdapterError::of_at(
                ReadErrorKind::TooLarge,
                format!("HTML 标签嵌套超过 {MAX_DEPTH} 层（约 {depth} 层），拒绝读取"),
                line,
                1,
            ));
        }
        let at = |l: usize| line + l.saturating_sub(1);
        for piece in nianbao_htmlgrid::fragment(html, 1)? {
            match piece {
                Piece::Text(t, l) => self.push(Item::Paragraph(t, Some(at(l.unwrap_or(1)))))?,
                Piece::Table((caption, grid, lines)) => {
                    if let Some(c) = caption.filter(|c| !c.is_empty()) {
                        self.push(Item::Paragraph(c, Some(line)))?;
                    }
                    let line_of =
                        |o: &Origin| lines.iter().find(|(x, _)| x == o).map(|(_, l)| at(*l));
                    let rows = grid
                        .rows
                        .iter()
                        .map(|r| {
                            r.iter()
                                .map(|c| Cell {
                                    text: c.text.clone(),
                                    merged_from: c.merged_from,
                                    line: line_of(&c.origin),
                                })
                                .collect()
                        })
                        .collect();
                    self.cells += grid.rows.iter().map(Vec::len).sum::<usize>();
                    self.push(Item::Table(rows))?;
                }
            }
        }
        Ok(())
    }

    fn event(
        &mut self,
        event: Event<'_>,
        offset: usize,
        lines: &LineIndex,
    ) -> Result<(), AdapterError> {
        let line = lines.line(offset);
        match event {
            Event::Start(tag) => self.start(tag, line)?,
            Event::End(tag) => self.end(tag)?,
            Event::Text(t) | Event::Code(t) if self.code => {
                for (k, l) in t.split('\n').enumerate() {
                    self.text(l, line + k);
                    self.flush()?;
                }
            }
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                self.text(&t, line)
            }
            Event::Html(h) => match &mut self.html {
                Some((buf, _)) => buf.push_str(&h),
                None => self.html = Some((h.to_string(), line)),
            },
            Event::InlineHtml(h) => {
                let tag: String = h
                    .chars()
                    .filter(|c| c.is_ascii_alphabetic())
                    .collect::<String>()
                    .to_ascii_lowercase();
                if tag == "br" {
                    self.hard_break()?;
                }
            }
            Event::SoftBreak => match &mut self.cell {
                Some(cell) => cell.text.push(' '),
                None => self.buf.push('\n'),
            },
            Event::HardBreak => self.hard_break()?,
            Event::Rule | Event::FootnoteReference(_) | Event::TaskListMarker(_) => {}
        }
        Ok(())
    }

    fn start(&mut self, tag: Tag<'_>, line: usize) -> Result<(), AdapterError> {
        match tag {
            Tag::Image { .. } => self.image += 1,
            Tag::MetadataBlock(_) => self.metadata = true,
            Tag::CodeBlock(_) => {
                self.flush()?;
                self.code = true;
            }
            Tag::HtmlBlock => self.flush()?,
            Tag::List(start) => {
                self.flush()?;
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush()?;
                if let Some(Some(n)) = self.lists.last_mut() {
                    let number = format!("{n}.");
                    *n = n.saturating_add(1);
                    self.text(&number, line);
                }
            }
            Tag::Table(_) => {
                self.flush()?;
                self.rows.clear();
            }
            Tag::TableHead | Tag::TableRow => self.row.clear(),
            Tag::TableCell => {
                self.cell = Some(Cell {
                    line: Some(line),
                    ..Cell::default()
                })
            }
            Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::BlockQuote(_)
            | Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition => self.flush()?,
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, tag: TagEnd) -> Result<(), AdapterError> {
        match tag {
            TagEnd::Image => self.image = self.image.saturating_sub(1),
            TagEnd::MetadataBlock(_) => self.metadata = false,
            TagEnd::CodeBlock => {
                self.flush()?;
                self.code = false;
            }
            TagEnd::HtmlBlock => {
                if let Some((html, line)) = self.html.take() {
                    self.html_block(&html, line)?;
                }
            }
            TagEnd::List(_) => {
                self.flush()?;
                self.lists.pop();
            }
            TagEnd::TableCell => self.end_cell()?,
            TagEnd::TableHead | TagEnd::TableRow => {
                self.end_cell()?;
                let row = std::mem::take(&mut self.row);
                self.rows.push(row);
            }
            TagEnd::Table => {
                let rows = std::mem::take(&mut self.rows);
                self.table(rows)?;
            }
            TagEnd::Heading(_) => {
                let from = self.items.len();
                self.flush()?;
                self.headings.extend(from..self.items.len());
            }
            TagEnd::Paragraph
            | TagEnd::Item
            | TagEnd::BlockQuote(_)
            | TagEnd::FootnoteDefinition
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition => self.flush()?,
            _ => {}
        }
        Ok(())
    }

    /// One stretch of Markdown between pandoc tables; `base` is the number
    /// of lines before it.
    fn markdown(&mut self, text: &str, base: usize) -> Result<(), AdapterError> {
        let options = Options::ENABLE_TABLES | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
        let lines = LineIndex::new(text, base);
        for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
            self.event(event, range.start, &lines)?;
        }
        self.flush()
    }
}

pub fn document(text: &str) -> Result<Document, AdapterError> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut w = Walker::default();
    let mut at = 0;
    for found in pandoc::tables(&lines) {
        w.markdown(&lines[at..found.start].join("\n"), at)?;
        let rows = found
            .rows
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .map(|(text, line)| Cell {
                        text,
                        merged_from: None,
                        line: Some(line + 1),
                    })
                    .collect()
            })
            .collect();
        w.cells += lines[found.start..found.end].len();
        w.table(rows)?;
        at = found.end;
    }
    w.markdown(&lines[at..].join("\n"), at)?;
    number_headings(&mut w.items, &w.headings);
    Ok(finish(join_pieces(w.items)))
}

/// Section headings whose numbers a converter dropped (pandoc does not
/// render Word's automatic numbering: `# 总体情况`) get them back, when no
/// heading has a number and at least three name sections in order.
fn number_headings(items: &mut [Item], headings: &[usize]) {
    let text = |i: &Item| match i {
        Item::Paragraph(t, _) => Some(t.clone()),
        Item::Table(_) => None,
    };
    let texts: Vec<(usize, String)> = headings
        .iter()
        .filter_map(|&k| items.get(k).and_then(text).map(|t| (k, t)))
        .collect();
    if texts.iter().any(|(_, t)| section_heading(t).is_some()) {
        return;
    }
    // In order, as sections come: a later 「总体情况」 is a sub-heading.
    let mut named: Vec<(usize, u8)> = Vec::new();
    for (k, t) in &texts {
        if let Some(n) = unnumbered_section(t) {
            if named.last().is_none_or(|l| n > l.1) {
                named.push((*k, n));
            }
        }
    }
    if named.len() < 3 {
        return;
    }
    const NUMERALS: [&str; 6] = ["一", "二", "三", "四", "五", "六"];
    for (k, n) in named {
        if let Some(Item::Paragraph(t, _)) = items.get_mut(k) {
            *t = format!("{}、{t}", NUMERALS[usize::from(n - 1)]);
        }
    }
}

/// A page number or running footer a converter left between the pieces of a
/// table (「— 3 —」「第 3 页 共 10 页」「3/10」).
fn is_page_mark(text: &str) -> bool {
    text.chars().count() <= 16
        && text.chars().any(|c| c.is_ascii_digit())
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_whitespace() || "-—–/第页共,，PpAaGgEe".contains(c))
}

fn numbers(rows: &[Vec<Cell>]) -> usize {
    rows.iter()
        .flatten()
        .filter(|c| c.merged_from.is_none())
        .filter(|c| matches!(parse_cell_text(&c.text), Value::Int(_) | Value::Decimal(_)))
        .count()
}

fn kind(rows: &[Vec<Cell>]) -> Option<TableKey> {
    let grid = GridTable {
        rows: rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| GridCell::new(c.text.clone(), Origin::default()))
                    .collect()
            })
            .collect(),
        origin: Origin::default(),
    };
    classify(&grid)
}

/// Whether `next` continues `table`: `table` is only a header so far, or
/// `next` is (or looks like the rest of) the same national table, cut at a
/// page break. Table 二 and 三 continue in pieces without a header of their own.
fn continues(table: &[Vec<Cell>], next: &[Vec<Cell>]) -> bool {
    if numbers(table) == 0 {
        return true;
    }
    match (kind(table), kind(next)) {
        (Some(a), Some(b)) => a == b,
        (Some(TableKey::T2 | TableKey::T3), None) => true,
        _ => false,
    }
}

/// Joins the pieces of a table: consecutive tables with at most page marks
/// between them, when the later one continues the earlier. Rows of another
/// width are aligned on the right (labels left, numbers right).
fn join_pieces(items: Vec<Item>) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::new();
    for item in items {
        let Item::Table(next) = item else {
            out.push(item);
            continue;
        };
        let table_at = out
            .iter()
            .rposition(|i| !matches!(i, Item::Paragraph(t, _) if is_page_mark(t)));
        let joinable =
            table_at.is_some_and(|k| matches!(&out[k], Item::Table(t) if continues(t, &next)));
        match table_at {
            Some(k) if joinable => {
                out.truncate(k + 1);
                if let Some(Item::Table(rows)) = out.last_mut() {
                    append(rows, next);
                }
            }
            _ => out.push(Item::Table(next)),
        }
    }
    out
}

fn append(rows: &mut Vec<Vec<Cell>>, next: Vec<Vec<Cell>>) {
    let width = |rows: &[Vec<Cell>]| rows.iter().map(Vec::len).max().unwrap_or(0);
    let (old, new) = (width(rows), width(&next));
    if new > old {
        pad(rows, new - old, 0);
    }
    let offset = rows.len();
    let mut next = next;
    pad(&mut next, old.saturating_sub(new), offset);
    rows.extend(next);
}

/// Adds `n` empty cells on the left of each row; `row_offset` is where the
/// rows will be (merge references move with them).
fn pad(rows: &mut [Vec<Cell>], n: usize, row_offset: usize) {
    for row in rows.iter_mut() {
        for c in row.iter_mut() {
            c.merged_from = c.merged_from.map(|(r, col)| (r + row_offset, col + n));
        }
        if n > 0 {
            let line = row.first().and_then(|c| c.line);
            row.splice(
                0..0,
                (0..n).map(|_| Cell {
                    line,
                    ..Cell::default()
                }),
            );
        }
    }
}

fn finish(items: Vec<Item>) -> Document {
    let mut addresses = Addresses::default();
    let mut at = |origin: &Origin, line: Option<usize>| {
        if let Some(line) = line {
            addresses.insert(
                origin.clone(),
                Address {
                    line: Some(line),
                    ..Address::default()
                },
            );
        }
    };
    let (mut paragraphs, mut tables) = (0, 0);
    let mut blocks = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Item::Paragraph(text, line) => {
                paragraphs += 1;
                let origin = Origin::Paragraph { index: paragraphs };
                at(&origin, line);
                blocks.push(Block::Paragraph(TextBlock { text, origin }));
            }
            Item::Table(rows) => {
                tables += 1;
                let table_index = tables;
                let width = rows.iter().map(Vec::len).max().unwrap_or(0);
                let grid_rows = rows
                    .into_iter()
                    .enumerate()
                    .map(|(r, row)| {
                        let mut row = row;
                        row.resize_with(width, Cell::default);
                        row.into_iter()
                            .enumerate()
                            .map(|(c, cell)| {
                                let origin = Origin::Table {
                                    table_index,
                                    row: r + 1,
                                    column: c + 1,
                                };
                                at(&origin, cell.line);
                                GridCell {
                                    text: cell.text,
                                    merged_from: cell.merged_from,
                                    origin,
                                    ..Default::default()
                                }
                            })
                            .collect()
                    })
                    .collect();
                blocks.push(Block::Table(GridTable {
                    rows: grid_rows,
                    origin: Origin::Table {
                        table_index,
                        row: 1,
                        column: 1,
                    },
                }));
            }
        }
    }
    Document { blocks, addresses }
}

#[cfg(test)]
mod tests;
