//! From worksheet cells to core's generic document.
//!
//! A sheet is cut into blocks at blank rows. Inside a block, a row holding one
//! cell that is a section heading 「三、……」 becomes a paragraph and cuts the
//! block; rows of one cell of running text (a sentence, a date) at the top or
//! bottom of a block become paragraphs; the rest is a grid table. A block
//! without any row of two or more cells is running text, one paragraph per row.

use std::collections::{BTreeSet, HashMap};

use nianbao_core::adapter::AdapterError;
use nianbao_core::address::{Address, Addresses, a1};
use nianbao_core::document::{Block, Document, GridCell, GridTable, TextBlock};
use nianbao_core::model::Origin;
use nianbao_core::recognize::{parse_date, section_heading};

use crate::SheetCells;

/// Grid positions in one block (rows × columns of its bounding box).
pub const MAX_GRID_CELLS: u64 = 200_000;

/// A grid position of a sheet: its text and, for a merged copy, the top-left cell.
#[derive(Clone, Default)]
struct Slot {
    text: String,
    merged_from: Option<(u32, u32)>,
}

struct Counters {
    table: usize,
    paragraph: usize,
    /// The sheet being read, and the sheet and A1 address of every cell and
    /// paragraph so far.
    sheet: String,
    addresses: Addresses,
}

impl Counters {
    /// Records that `origin` is the sheet cell at 0-based `(row, column)`.
    fn place(&mut self, origin: &Origin, (row, column): (u32, u32)) {
        self.addresses.insert(
            origin.clone(),
            Address {
                sheet: Some(self.sheet.clone()),
                cell_ref: Some(a1(row, column)),
                ..Address::default()
            },
        );
    }
}

pub fn document(sheets: &[SheetCells]) -> Result<Document, AdapterError> {
    let mut blocks = Vec::new();
    let mut n = Counters {
        table: 0,
        paragraph: 0,
        sheet: String::new(),
        addresses: Addresses::default(),
    };
    for sheet in sheets {
        n.sheet.clone_from(&sheet.name);
        sheet_blocks(sheet, &mut n, &mut blocks)?;
    }
    Ok(Document {
        blocks,
        addresses: n.addresses,
    })
}

fn sheet_blocks(
    sheet: &SheetCells,
    n: &mut Counters,
    out: &mut Vec<Block>,
) -> Result<(), AdapterError> {
    // Covered positions of merged regions whose top-left cell has text.
    let mut covered: HashMap<(u32, u32), (u32, u32)> = HashMap::new();
    let mut budget = MAX_GRID_CELLS;
    for m in &sheet.merges {
        let (top, left) = m.start;
        if m.end.0 < top || m.end.1 < left || !sheet.cells.contains_key(&m.start) {
            continue;
        }
        budget = budget.checked_sub(m.len()).ok_or_else(|| too_big(sheet))?;
        for r in top..=m.end.0 {
            for c in left..=m.end.1 {
                if (r, c) != (top, left) {
                    covered.entry((r, c)).or_insert((top, left));
                }
            }
        }
    }
    let rows: BTreeSet<u32> = sheet
        .cells
        .keys()
        .map(|p| p.0)
        .chain(covered.keys().map(|p| p.0))
        .collect();
    // Blocks: runs of consecutive non-blank rows.
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for r in rows {
        match runs.last_mut() {
            Some(run) if run.1 + 1 == r => run.1 = r,
            _ => runs.push((r, r)),
        }
    }
    for (top, bottom) in runs {
        let cols = sheet
            .cells
            .keys()
            .chain(covered.keys())
            .filter(|p| (top..=bottom).contains(&p.0))
            .map(|p| p.1);
        let (left, right) = cols.fold((u32::MAX, 0), |(lo, hi), c| (lo.min(c), hi.max(c)));
        let size = u64::from(bottom - top + 1) * u64::from(right - left + 1);
        if size > MAX_GRID_CELLS {
            return Err(too_big(sheet));
        }
        let grid: Vec<Vec<Slot>> = (top..=bottom)
            .map(|r| {
                (left..=right)
                    .map(|c| match covered.get(&(r, c)) {
                        Some(&from) => Slot {
                            text: sheet.cells.get(&from).cloned().unwrap_or_default(),
                            merged_from: Some(from),
                        },
                        None => Slot {
                            text: sheet.cells.get(&(r, c)).cloned().unwrap_or_default(),
                            merged_from: None,
                        },
                    })
                    .collect()
            })
            .collect();
        block_to_document(&grid, top, left, n, out);
    }
    Ok(())
}

fn too_big(sheet: &SheetCells) -> AdapterError {
    AdapterError::too_large(format!(
        "工作表「{}」的表格过大（超过 {MAX_GRID_CELLS} 个单元格），不像年报，拒绝读取",
        sheet.name
    ))
}

/// A row of one cell: its text and its sheet position.
type Single<'a> = Option<(&'a str, (u32, u32))>;

/// The row's text and sheet position when all its non-empty positions are
/// one cell that starts in this row (`r`; the row's first column is `left`).
fn single(row: &[Slot], r: u32, left: u32) -> Single<'_> {
    let mut found: Single<'_> = None;
    for (c, slot) in row.iter().enumerate() {
        if slot.text.trim().is_empty() {
            continue;
        }
        match slot.merged_from {
            Some((fr, _)) if fr != r => return None,
            Some(_) => {}
            None if found.is_some() => return None,
            None => found = Some((&slot.text, (r, left + c as u32))),
        }
    }
    found
}

/// A sentence, a long line or a date: running text, not a table caption.
fn is_prose(text: &str) -> bool {
    let t = text.trim();
    t.ends_with(['。', '！', '？', '；', '：', ':', ';'])
        || t.chars().count() > 40
        || parse_date(t).is_some()
}

fn block_to_document(
    grid: &[Vec<Slot>],
    top: u32,
    left: u32,
    n: &mut Counters,
    out: &mut Vec<Block>,
) {
    let singles: Vec<Single<'_>> = grid
        .iter()
        .enumerate()
        .map(|(i, row)| single(row, top + i as u32, left))
        .collect();
    let mut start = 0;
    for i in 0..=grid.len() {
        let heading = singles
            .get(i)
            .copied()
            .flatten()
            .filter(|(t, _)| section_heading(t).is_some());
        if i < grid.len() && heading.is_none() {
            continue;
        }
        piece(grid, &singles, start, i, top, left, n, out);
        if let Some(single) = heading {
            paragraph(single, n, out);
        }
        start = i + 1;
    }
}

/// Rows `a..b` of a block: leading and trailing prose rows as paragraphs,
/// the rest as one table (or all paragraphs when no row has two cells).
#[allow(clippy::too_many_arguments)]
fn piece(
    grid: &[Vec<Slot>],
    singles: &[Single<'_>],
    a: usize,
    b: usize,
    top: u32,
    left: u32,
    n: &mut Counters,
    out: &mut Vec<Block>,
) {
    if a >= b {
        return;
    }
    if singles[a..b].iter().all(Option::is_some) {
        for single in singles[a..b].iter().flatten() {
            paragraph(*single, n, out);
        }
        return;
    }
    let prose = |i: usize| singles[i].is_some_and(|(t, _)| is_prose(t));
    let mut first = a;
    while first < b && prose(first) {
        if let Some(single) = singles[first] {
            paragraph(single, n, out);
        }
        first += 1;
    }
    let mut last = b;
    while last > first && prose(last - 1) {
        last -= 1;
    }
    if first < last {
        out.push(Block::Table(table(grid, first, last, top, left, n)));
    }
    for single in singles[last..b].iter().flatten() {
        paragraph(*single, n, out);
    }
}

fn paragraph((text, at): (&str, (u32, u32)), n: &mut Counters, out: &mut Vec<Block>) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    n.paragraph += 1;
    let origin = Origin::Paragraph { index: n.paragraph };
    n.place(&origin, at);
    out.push(Block::Paragraph(TextBlock {
        text: text.to_string(),
        origin,
    }));
}

/// Rows `a..b` of the block as a grid, empty edge columns trimmed.
fn table(
    grid: &[Vec<Slot>],
    a: usize,
    b: usize,
    top: u32,
    left: u32,
    n: &mut Counters,
) -> GridTable {
    n.table += 1;
    let table_index = n.table;
    let rows = &grid[a..b];
    let used = |c: usize| rows.iter().any(|row| !row[c].text.trim().is_empty());
    let width = rows.first().map_or(0, Vec::len);
    let c0 = (0..width).find(|&c| used(c)).unwrap_or(0);
    let c1 = (0..width).rfind(|&c| used(c)).map_or(0, |c| c + 1);
    // Absolute sheet position → position in this grid.
    let row0 = top + a as u32;
    let col0 = left + c0 as u32;
    let inside = |(r, c): (u32, u32)| {
        (r >= row0
            && c >= col0
            && ((r - row0) as usize) < rows.len()
            && ((c - col0) as usize) < c1 - c0)
            .then(|| ((r - row0) as usize, (c - col0) as usize))
    };
    let cells = rows
        .iter()
        .enumerate()
        .map(|(r, row)| {
            row[c0..c1]
                .iter()
                .enumerate()
                .map(|(c, slot)| {
                    let origin = Origin::Table {
                        table_index,
                        row: r + 1,
                        column: c + 1,
                    };
                    // A merged copy is addressed by the merged cell's
                    // top-left cell, where its value is.
                    let at = slot
                        .merged_from
                        .unwrap_or((row0 + r as u32, col0 + c as u32));
                    n.place(&origin, at);
                    GridCell {
                        text: slot.text.clone(),
                        // A merge reaching in from outside this grid: this copy stands alone.
                        merged_from: slot.merged_from.and_then(inside),
                        origin,
                        ..Default::default()
                    }
                })
                .collect()
        })
        .collect();
    GridTable {
        rows: cells,
        origin: Origin::Table {
            table_index,
            row: 1,
            column: 1,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::Dimensions;

    type Span = ((u32, u32), (u32, u32));

    fn sheet(cells: &[((u32, u32), &str)], merges: &[Span]) -> SheetCells {
        SheetCells {
            name: "Sheet1".into(),
            cells: cells.iter().map(|(p, t)| (*p, t.to_string())).collect(),
            merges: merges
                .iter()
                .map(|(s, e)| Dimensions::new(*s, *e))
                .collect(),
        }
    }

    fn kinds(doc: &Document) -> Vec<String> {
        doc.blocks
            .iter()
            .map(|b| match b {
                Block::Paragraph(p) => format!("p:{}", p.text),
                Block::Table(t) => format!("t:{}x{}", t.rows.len(), t.width()),
            })
            .collect()
    }

    #[test]
    fn merges_are_expanded_like_docx_spans() {
        // A1:B1 merged across, A2:A3 merged down.
        let s = sheet(
            &[
                ((0, 0), "申请人情况"),
                ((1, 0), "自然人"),
                ((1, 1), "1"),
                ((2, 1), "2"),
            ],
            &[((0, 0), (0, 1)), ((1, 0), (2, 0))],
        );
        let doc = document(&[s]).unwrap();
        let Block::Table(t) = &doc.blocks[0] else {
            panic!("{:?}", kinds(&doc))
        };
        assert_eq!(t.rows[0][1].text, "申请人情况");
        assert_eq!(t.rows[0][1].merged_from, Some((0, 0)));
        assert_eq!(t.rows[0][0].merged_from, None);
        assert_eq!(t.rows[2][0].text, "自然人");
        assert_eq!(t.rows[2][0].merged_from, Some((1, 0)));
        assert_eq!(
            t.rows[2][1].origin,
            Origin::Table {
                table_index: 1,
                row: 3,
                column: 2
            }
        );
    }

    #[test]
    fn blank_rows_separate_tables_and_headings_become_paragraphs() {
        let s = sheet(
            &[
                ((0, 0), "二、主动公开政府信息情况"),
                ((1, 0), "信息内容"),
                ((1, 1), "本年制发件数"),
                ((2, 0), "规章"),
                ((2, 1), "0"),
                ((4, 1), "行政许可"),
                ((4, 2), "652"),
                ((5, 0), "三、收到和处理政府信息公开申请情况"),
                ((6, 0), "自然人"),
                ((6, 1), "总计"),
                ((7, 0), "本表由办公室填报。"),
            ],
            &[((5, 0), (5, 3))],
        );
        let doc = document(&[s]).unwrap();
        assert_eq!(
            kinds(&doc),
            [
                "p:二、主动公开政府信息情况",
                "t:2x2",
                "t:1x2",
                "p:三、收到和处理政府信息公开申请情况",
                "t:1x2",
                "p:本表由办公室填报。"
            ]
        );
    }

    #[test]
    fn a_caption_row_stays_in_the_table_and_text_only_blocks_are_paragraphs() {
        let s = sheet(
            &[
                ((0, 0), "2023年度，我局……如下："),
                ((1, 0), "一、总体情况"),
                ((2, 0), "正文。"),
                ((4, 0), "第二十条第（一）项"),
                ((5, 0), "信息内容"),
                ((5, 1), "本年制发件数"),
                ((7, 0), "洮南市林业和草原局"),
                ((8, 0), "2024年1月3日"),
            ],
            &[((4, 0), (4, 1))],
        );
        let doc = document(&[s]).unwrap();
        assert_eq!(
            kinds(&doc),
            [
                "p:2023年度，我局……如下：",
                "p:一、总体情况",
                "p:正文。",
                "t:2x2",
                "p:洮南市林业和草原局",
                "p:2024年1月3日"
            ]
        );
    }

    #[test]
    fn huge_merges_and_sparse_corners_are_refused_not_allocated() {
        let s = sheet(&[((0, 0), "x")], &[((0, 0), (1_048_575, 16_383))]);
        assert!(document(&[s]).unwrap_err().message.contains("过大"));
        // Two cells far apart on separate rows are two small blocks, not one huge grid.
        let s = sheet(&[((0, 0), "a"), ((1_048_575, 16_383), "b")], &[]);
        assert_eq!(kinds(&document(&[s]).unwrap()), ["p:a", "p:b"]);
        // ...but far apart in one row is a wide grid, which is bounded.
        let s = sheet(&[((0, 0), "a"), ((0, 16_383), "b")], &[]);
        assert_eq!(kinds(&document(&[s]).unwrap()), ["t:1x16384"]);
    }
}
