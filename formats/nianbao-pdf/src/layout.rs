//! Pages → the generic document: tables from ruling lines (joined across page
//! breaks), the remaining lines into paragraphs in reading order.

use nianbao_core::address::{Address, Addresses, PageBox};
use nianbao_core::document::{Block, Document, GridCell, GridTable, TextBlock};
use nianbao_core::model::Origin;

use crate::interp::{Glyph, Page, Segment};
use crate::lines::{Line, join, lines};
use crate::ruling::{LaidCell, Ruled, cells, regions};

/// What a page shows, top to bottom.
enum Item {
    Line(Line),
    Table(Box<Ruled>, Vec<Glyph>),
    /// A table without ruling lines, already laid out (see [`crate::aligned`]),
    /// and its box (`x0, y0, x1, y1`).
    Aligned(Vec<Vec<String>>, [f32; 4]),
}

impl Item {
    fn top(&self) -> f32 {
        match self {
            Item::Line(l) => l.top(),
            Item::Table(r, _) => r.y1,
            Item::Aligned(_, rect) => rect[3],
        }
    }
}

/// Whether a line runs through the glyph at mid-height over its whole width:
/// struck-through text, as a word processor exports a tracked deletion (the
/// DOCX reader drops `w:del` too). Underlines (tracked insertions) lie below
/// the baseline and do not count, and neither does text on ruled or squared
/// paper: a strike is the only line across the glyph's box.
fn struck(g: &Glyph, horizontal: &[&Segment]) -> bool {
    if g.w <= 0.0 {
        return false;
    }
    // `horizontal` is sorted by height: look only at the lines level with the
    // glyph, and give up on a band crowded with lines (a drawing, or input
    // built to make this quadratic).
    let (bottom, top) = (g.y - 0.3 * g.size, g.y + g.size);
    let from = horizontal.partition_point(|s| s.pos <= bottom);
    let band = horizontal[from..].iter().take_while(|s| s.pos < top);
    let slack = 0.15 * g.w;
    let mut across = None;
    for (seen, s) in band.enumerate() {
        if seen >= 16 {
            return false;
        }
        if s.lo <= g.x + slack && s.hi >= g.right() - slack {
            if across.is_some() {
                return false;
            }
            across = Some(s.pos);
        }
    }
    across.is_some_and(|pos| pos > g.y + 0.15 * g.size && pos < g.y + 0.5 * g.size)
}

/// Page numbers and the like: 「- 1 -」, 「第 1 页 共 3 页」, 「1/3」.
fn is_page_number(text: &str) -> bool {
    let rest: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && !"-—–_第页共/()（）".contains(*c))
        .collect();
    !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit()) && rest.len() <= 8
}

fn page_items(page: &Page) -> Vec<Item> {
    let regions = regions(&page.segments);
    let mut in_table: Vec<Vec<Glyph>> = vec![Vec::new(); regions.len()];
    let mut free: Vec<&Glyph> = Vec::new();
    let mut strikes: Vec<&Segment> = page.segments.iter().filter(|s| s.horizontal).collect();
    strikes.sort_by(|a, b| a.pos.total_cmp(&b.pos));
    for g in page.glyphs.iter().filter(|g| !struck(g, &strikes)) {
        match regions.iter().position(|r| r.contains(g)) {
            Some(i) => in_table[i].push(g.clone()),
            None => free.push(g),
        }
    }
    let mut items: Vec<Item> = lines(&free)
        .into_iter()
        .filter(|l| band(l, page) == 0 || !is_page_number(&l.text))
        .map(Item::Line)
        .collect();
    for (mut r, g) in regions.into_iter().zip(in_table) {
        r.on_page(page.number as u32);
        items.push(Item::Table(Box::new(r), g));
    }
    items.sort_by(|a, b| b.top().total_cmp(&a.top()));
    items
}

/// Where a line sits on its page: -1 in the top margin band, 1 in the bottom
/// band, 0 in the body.
fn band(line: &Line, page: &Page) -> i8 {
    let rel = (line.y - page.y0) / (page.y1 - page.y0).max(1.0);
    if rel > 0.92 {
        -1
    } else if rel < 0.08 {
        1
    } else {
        0
    }
}

/// Running headers and footers: the same text (digits aside) in the same
/// margin band on at least half the pages, and on two or more.
fn drop_running_lines(pages: &[Page], items: &mut [Vec<Item>]) {
    if pages.len() < 2 {
        return;
    }
    let key = |l: &Line, p: &Page| {
        let text: String = l.text.chars().filter(|c| !c.is_ascii_digit()).collect();
        (band(l, p), text)
    };
    let mut seen: std::collections::HashMap<(i8, String), usize> = Default::default();
    for (page, list) in pages.iter().zip(items.iter()) {
        let mut keys: Vec<(i8, String)> = list
            .iter()
            .filter_map(|i| match i {
                Item::Line(l) if band(l, page) != 0 => Some(key(l, page)),
                _ => None,
            })
            .collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            *seen.entry(k).or_default() += 1;
        }
    }
    let running = |k: &(i8, String)| {
        seen.get(k)
            .is_some_and(|n| *n >= 2 && *n * 2 >= pages.len())
    };
    for (page, list) in pages.iter().zip(items.iter_mut()) {
        list.retain(|i| match i {
            Item::Line(l) => band(l, page) == 0 || !running(&key(l, page)),
            Item::Table(..) | Item::Aligned(..) => true,
        });
    }
}

/// Layout measures of the body text, taken over the whole document.
struct Measures {
    left: f32,
    right: f32,
    /// Usual baseline distance between lines of one paragraph.
    pitch: f32,
}

fn mode(values: impl Iterator<Item = f32>) -> Option<f32> {
    let mut counts: std::collections::BTreeMap<i64, usize> = Default::default();
    for v in values {
        *counts.entry((v * 2.0).round() as i64).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(k, n)| (*n, -k))
        .map(|(k, _)| k as f32 / 2.0)
}

fn measures(pages: &[Vec<Item>]) -> Measures {
    let all: Vec<&Line> = pages
        .iter()
        .flatten()
        .filter_map(|i| match i {
            Item::Line(l) => Some(l),
            _ => None,
        })
        .collect();
    let left = mode(all.iter().map(|l| l.x0)).unwrap_or(0.0);
    // The right margin: where full lines end. The rightmost end that another
    // line shares (justified text), so that one overlong line does not count;
    // with no such pair, the rightmost end.
    let mut rights: Vec<f32> = all.iter().map(|l| l.x1).collect();
    rights.sort_by(|a, b| b.total_cmp(a));
    let right = rights
        .windows(2)
        .find(|w| w[0] - w[1] <= 6.0)
        .map(|w| w[0])
        .or(rights.first().copied())
        .unwrap_or(left + 400.0);
    let mut gaps = Vec::new();
    for page in pages {
        let mut prev: Option<&Line> = None;
        for item in page {
            match item {
                Item::Line(l) => {
                    if let Some(p) = prev {
                        let gap = p.y - l.y;
                        if gap > 0.0 && gap < 3.0 * l.size && (p.size - l.size).abs() < 0.5 {
                            gaps.push(gap);
                        }
                    }
                    prev = Some(l);
                }
                Item::Table(..) | Item::Aligned(..) => prev = None,
            }
        }
    }
    let pitch = mode(gaps.into_iter()).unwrap_or(0.0);
    Measures { left, right, pitch }
}

/// The box a line of text takes on its page: baseline to ascent, and a
/// little below for descenders.
fn line_box(line: &Line, page: u32) -> PageBox {
    PageBox {
        page,
        x0: line.x0,
        y0: line.y - 0.2 * line.size,
        x1: line.x1,
        y1: line.y + 0.9 * line.size,
    }
}

/// Builds paragraphs from lines.
struct Paragraphs<'m> {
    m: &'m Measures,
    text: String,
    last: Option<(Line, usize)>,
    /// The boxes of the paragraph's lines so far.
    boxes: Vec<PageBox>,
}

impl Paragraphs<'_> {
    fn centered(&self, l: &Line) -> bool {
        let mid = (self.m.left + self.m.right) / 2.0;
        l.x0 > self.m.left + l.size && ((l.x0 + l.x1) / 2.0 - mid).abs() < 1.5 * l.size
    }

    /// Whether `line` (on `page`) starts a new paragraph after the last line.
    fn starts_new(&self, line: &Line, page: usize) -> bool {
        let Some((prev, prev_page)) = &self.last else {
            return true;
        };
        let size = line.size;
        if (prev.size - size).abs() > 0.15 * size.max(prev.size) {
            return true;
        }
        let indented = line.x0 > self.m.left + 0.8 * size;
        let short = prev.x1 < self.m.right - 2.0 * size;
        if *prev_page != page {
            return indented || short;
        }
        let gap = prev.y - line.y;
        let normal = gap > 0.0 && gap <= self.m.pitch * 1.15 + 1.0;
        if !normal {
            return true;
        }
        // A title on two centred lines is one paragraph.
        if self.centered(prev) && self.centered(line) {
            return false;
        }
        indented || short
    }
}

/// Replaces runs of lines that form a table without ruling lines.
fn find_aligned(items: &mut Vec<Item>, left: f32) {
    let heading = |t: &str| nianbao_core::recognize::section_heading(t).is_some();
    let old = std::mem::take(items);
    let mut run: Vec<Line> = Vec::new();
    let flush = |run: &mut Vec<Line>, items: &mut Vec<Item>| {
        let found = crate::aligned::tables(run, left, heading);
        // Each table's box: the lines it was made of.
        let tops: Vec<[f32; 4]> = found
            .iter()
            .map(|f| {
                run.get(f.first..=f.last)
                    .unwrap_or_default()
                    .iter()
                    .map(|l| line_box(l, 0))
                    .fold([f32::MAX, f32::MAX, f32::MIN, f32::MIN], |a, b| {
                        [
                            a[0].min(b.x0),
                            a[1].min(b.y0),
                            a[2].max(b.x1),
                            a[3].max(b.y1),
                        ]
                    })
            })
            .collect();
        let mut lines = std::mem::take(run).into_iter().enumerate();
        for (f, top) in found.into_iter().zip(tops) {
            for (_, l) in lines.by_ref().take_while(|(k, _)| *k < f.first) {
                items.push(Item::Line(l));
            }
            // take_while consumed line `first`; skip through `last`.
            for _ in f.first..f.last {
                lines.next();
            }
            items.push(Item::Aligned(f.rows, top));
        }
        items.extend(lines.map(|(_, l)| Item::Line(l)));
    };
    for item in old {
        match item {
            Item::Line(l) => run.push(l),
            other => {
                flush(&mut run, items);
                items.push(other);
            }
        }
    }
    flush(&mut run, items);
}

/// Lays out the pages as one document.
pub fn document(pages: &[Page]) -> Document {
    let mut per_page: Vec<Vec<Item>> = pages.iter().map(page_items).collect();
    drop_running_lines(pages, &mut per_page);
    let m = measures(&per_page);
    for items in &mut per_page {
        find_aligned(items, m.left);
    }
    // Reading order, with a table split by a page break joined into one.
    let mut items: Vec<(Item, usize)> = Vec::new();
    for (p, page_items) in per_page.into_iter().enumerate() {
        for (k, item) in page_items.into_iter().enumerate() {
            if let (0, Item::Table(next, glyphs)) = (k, &item)
                && let Some((Item::Table(prev, prev_glyphs), prev_page)) = items.last_mut()
                && *prev_page + 1 == p
                && (prev.x0 - next.x0).abs() < 3.0
                && (prev.x1 - next.x1).abs() < 3.0
            {
                let dy = prev.y0 - next.y1;
                let mut next = (**next).clone();
                next.shift(dy);
                let glyphs: Vec<Glyph> = glyphs
                    .iter()
                    .cloned()
                    .map(|mut g| {
                        g.y += dy;
                        g
                    })
                    .collect();
                if row_continues(prev, prev_glyphs, &next, &glyphs) {
                    // Word and LibreOffice let a row break across pages; the
                    // borders drawn at the break do not end the row.
                    let seam = prev.y0;
                    prev.drop_lines_at(seam);
                    next.drop_lines_at(seam);
                }
                prev.append(next);
                prev_glyphs.extend(glyphs);
                *prev_page = p;
                continue;
            }
            items.push((item, p));
        }
    }

    let mut blocks = Vec::new();
    let mut addresses = Addresses::default();
    let mut paragraphs = 0;
    let mut tables = 0;
    let mut para = Paragraphs {
        m: &m,
        text: String::new(),
        last: None,
        boxes: Vec::new(),
    };
    let mut flush =
        |para: &mut Paragraphs<'_>, blocks: &mut Vec<Block>, addresses: &mut Addresses| {
            let text = std::mem::take(&mut para.text);
            let boxes = std::mem::take(&mut para.boxes);
            para.last = None;
            if !text.trim().is_empty() {
                paragraphs += 1;
                let origin = Origin::Paragraph { index: paragraphs };
                addresses.insert(origin.clone(), at(boxes));
                blocks.push(Block::Paragraph(TextBlock {
                    text: text.trim().to_string(),
                    origin,
                }));
            }
        };
    let number = |p: usize| pages.get(p).map_or(p + 1, |page| page.number) as u32;
    for (item, page) in items {
        match item {
            Item::Line(line) => {
                if para.starts_new(&line, page) {
                    flush(&mut para, &mut blocks, &mut addresses);
                }
                join(&mut para.text, &line.text);
                para.boxes.push(line_box(&line, number(page)));
                para.last = Some((line, page));
            }
            Item::Table(region, glyphs) => {
                flush(&mut para, &mut blocks, &mut addresses);
                let refs: Vec<&Glyph> = glyphs.iter().collect();
                let laid = cells(&region, &refs);
                if laid.is_empty() {
                    continue;
                }
                tables += 1;
                let table = grid_table(tables, laid, |rect| region.page_boxes(rect));
                blocks.push(Block::Table(table.grid));
                for (origin, address) in table.addresses {
                    addresses.insert(origin, address);
                }
            }
            Item::Aligned(rows, rect) => {
                flush(&mut para, &mut blocks, &mut addresses);
                if rows.is_empty() {
                    continue;
                }
                tables += 1;
                // Without lines there are no cell boxes: every cell is
                // placed on the table's box.
                let laid = rows
                    .into_iter()
                    .map(|r| {
                        r.into_iter()
                            .map(|text| LaidCell {
                                text,
                                merged_from: None,
                                rect: Some(rect),
                            })
                            .collect()
                    })
                    .collect();
                let page = number(page);
                let table = grid_table(tables, laid, |[x0, y0, x1, y1]| {
                    vec![PageBox {
                        page,
                        x0,
                        y0,
                        x1,
                        y1,
                    }]
                });
                blocks.push(Block::Table(table.grid));
                for (origin, address) in table.addresses {
                    addresses.insert(origin, address);
                }
            }
        }
    }
    flush(&mut para, &mut blocks, &mut addresses);
    Document { blocks, addresses }
}

/// The address of something drawn in `boxes`: its first page, and the boxes.
fn at(boxes: Vec<PageBox>) -> Address {
    Address {
        page: boxes.first().map(|b| b.page),
        boxes,
        ..Address::default()
    }
}

/// Whether the first row of `next` (a table continued on the next page, moved
/// up to join `prev`) is the rest of the last row of `prev`: text only left of
/// where that row's numbers start, and no digits. A header row repeated at the
/// top of the page has text over the number columns, so it stays a row.
fn row_continues(prev: &Ruled, prev_glyphs: &[Glyph], next: &Ruled, glyphs: &[Glyph]) -> bool {
    let (prev_rows, next_rows) = (prev.row_edges(), next.row_edges());
    let (Some(&[last_top, seam]), Some(&[_, first_bottom])) = (
        prev_rows.get(prev_rows.len().saturating_sub(2)..),
        next_rows.get(..2),
    ) else {
        return false;
    };
    let in_band = |g: &&Glyph, top: f32, bottom: f32| {
        let y = g.center().1;
        y < top && y > bottom
    };
    // Where the row's numbers start: the first column whose text is all digits.
    let Some((xs, _)) = prev.grid() else {
        return false;
    };
    let Some(numbers_from) = xs
        .windows(2)
        .map(|w| (w[0], w[1]))
        .find_map(|(left, right)| {
            let mut cell = prev_glyphs
                .iter()
                .filter(|g| in_band(g, last_top, seam) && (left..right).contains(&g.center().0))
                .peekable();
            (cell.peek().is_some() && cell.all(|g| g.text.chars().all(|c| c.is_ascii_digit())))
                .then_some(left)
        })
    else {
        return false;
    };
    let mut rest = glyphs
        .iter()
        .filter(|g| in_band(g, seam, first_bottom))
        .peekable();
    rest.peek().is_some()
        && rest.all(|g| g.right() <= numbers_from && !g.text.chars().any(|c| c.is_ascii_digit()))
}

/// A grid table and the page boxes of its cells.
struct Laid {
    grid: GridTable,
    addresses: Vec<(Origin, Address)>,
}

/// The grid of table `index`; `boxes` places a cell's rectangle on the pages.
fn grid_table(
    index: usize,
    laid: Vec<Vec<LaidCell>>,
    boxes: impl Fn([f32; 4]) -> Vec<PageBox>,
) -> Laid {
    let origin = |r: usize, c: usize| Origin::Table {
        table_index: index,
        row: r + 1,
        column: c + 1,
    };
    let mut addresses = Vec::new();
    let rows = laid
        .into_iter()
        .enumerate()
        .map(|(r, row)| {
            row.into_iter()
                .enumerate()
                .map(|(c, cell)| {
                    if let Some(rect) = cell.rect {
                        addresses.push((origin(r, c), at(boxes(rect))));
                    }
                    GridCell {
                        text: cell.text,
                        merged_from: cell.merged_from,
                        origin: origin(r, c),
                        ..Default::default()
                    }
                })
                .collect()
        })
        .collect();
    Laid {
        grid: GridTable {
            rows,
            origin: origin(0, 0),
        },
        addresses,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers() {
        assert!(is_page_number("- 1 -"));
        assert!(is_page_number("第 2 页 共 10 页"));
        assert!(is_page_number("3/10"));
        assert!(!is_page_number("2024年1月3日"));
        assert!(!is_page_number("一、总体情况"));
    }

    /// As LibreOffice exports a tracked change: 「2」 deleted, 「1」 inserted.
    #[test]
    fn struck_through_glyphs_are_deleted_text_and_underlined_ones_are_not() {
        let glyph = |text: &str, x: f32| Glyph {
            text: text.into(),
            x,
            y: 693.2,
            w: 6.0,
            size: 12.0,
        };
        let line = |pos: f32, lo: f32, hi: f32| Segment {
            horizontal: true,
            pos,
            lo,
            hi,
        };
        let strike = line(696.6, 202.8, 208.8);
        let underline = line(692.1, 208.8, 214.8);
        // Sorted by height, as page_items passes them.
        let segs = [&underline, &strike];
        assert!(struck(&glyph("2", 202.8), &segs));
        assert!(!struck(&glyph("1", 208.8), &segs));
        // A line over part of a glyph only is not a strike.
        assert!(!struck(&glyph("3", 205.8), &[&line(696.6, 208.0, 230.0)]));
        // Squared paper: several lines cross every glyph.
        let grid: Vec<Segment> = (0..8)
            .map(|k| line(690.0 + 3.2 * k as f32, 0.0, 500.0))
            .collect();
        let grid: Vec<&Segment> = grid.iter().collect();
        assert!(!struck(&glyph("4", 100.0), &grid));
    }
}
