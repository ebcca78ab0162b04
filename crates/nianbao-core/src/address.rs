//! Where a piece of a document is in its file, beyond its place in the
//! generic document: the page and the boxes it is drawn in (PDF), the sheet
//! and A1 address (workbooks), the source line (HTML).
//!
//! Adapters fill [`Addresses`] beside the [`crate::document::Document`], keyed
//! by the same [`Origin`]s as the cells and paragraphs; [`crate::check`] copies
//! the address of each finding's place into its [`Location`] (`page`, `sheet`,
//! `cell_ref`, `line`), and `nianbao annotate` uses the boxes to mark a PDF.
//! None of this enters the fingerprint: it changes when the document is
//! edited elsewhere.

use std::collections::HashMap;

use crate::finding::Location;
use crate::model::{Origin, Report};
use crate::schema::TableKey;

/// A rectangle on a page, in PDF user space (points, y grows upwards).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageBox {
    /// 1-based page number.
    pub page: u32,
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl PageBox {
    /// Whether the point lies inside the box, with `slack` points to spare.
    pub fn contains(&self, x: f32, y: f32, slack: f32) -> bool {
        x >= self.x0 - slack && x <= self.x1 + slack && y >= self.y0 - slack && y <= self.y1 + slack
    }
}

/// Where one cell or paragraph is in the file. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Address {
    /// 1-based page (PDF): the first page it is on.
    pub page: Option<u32>,
    /// The worksheet's name (XLSX, XLS).
    pub sheet: Option<String>,
    /// The cell's A1 address on that sheet: `D27`.
    pub cell_ref: Option<String>,
    /// 1-based line of the source (HTML).
    pub line: Option<usize>,
    /// PDF: the boxes it occupies, one per line of a paragraph and one per
    /// page of a cell broken across a page break.
    pub boxes: Vec<PageBox>,
}

/// The addresses of a document's cells and paragraphs, by origin.
#[derive(Debug, Clone, Default)]
pub struct Addresses {
    map: HashMap<Origin, Address>,
}

impl Addresses {
    pub fn insert(&mut self, origin: Origin, address: Address) {
        self.map.insert(origin, address);
    }

    pub fn get(&self, origin: &Origin) -> Option<&Address> {
        self.map.get(origin)
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// A mark to write into a copy of the input (`nianbao annotate`): where it
/// goes and what it says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Note {
    /// The cell or paragraph it is about; `None` for the document as a whole
    /// (the writer marks the first paragraph).
    pub at: Option<Origin>,
    /// PDF: the boxes to highlight (the address of `at`).
    pub boxes: Vec<PageBox>,
    /// Workbooks: the sheet and A1 cell of `at`.
    pub sheet: Option<String>,
    pub cell_ref: Option<String>,
    /// The text, one line per paragraph of the comment.
    pub lines: Vec<String>,
}

impl Note {
    /// A note on `at`, with what `addresses` knows of where that is.
    pub fn new(at: Option<Origin>, addresses: &Addresses, lines: Vec<String>) -> Note {
        let address = at.as_ref().and_then(|o| addresses.get(o));
        Note {
            boxes: address.map(|a| a.boxes.clone()).unwrap_or_default(),
            sheet: address.and_then(|a| a.sheet.clone()),
            cell_ref: address.and_then(|a| a.cell_ref.clone()),
            at,
            lines,
        }
    }
}

/// The author named on every comment and note nianbao writes.
pub const AUTHOR: &str = "nianbao";

/// The A1 address of a 0-based (row, column): `(26, 3)` → `D27`.
pub fn a1(row: u32, column: u32) -> String {
    let mut letters = Vec::new();
    let mut c = u64::from(column) + 1;
    while c > 0 {
        let rem = ((c - 1) % 26) as u8;
        letters.push(char::from(b'A' + rem));
        c = (c - 1) / 26;
    }
    letters.reverse();
    let mut s: String = letters.into_iter().collect();
    s.push_str(&(u64::from(row) + 1).to_string());
    s
}

fn known(o: &Origin) -> Option<Origin> {
    (*o != Origin::Unknown).then(|| o.clone())
}

/// The first place of the report (its title line, else its first heading):
/// where a finding about the report as a whole is marked.
pub fn first_place(report: &Report) -> Option<Origin> {
    report
        .preamble
        .iter()
        .map(|p| &p.origin)
        .chain(report.sections.iter().map(|s| &s.heading_origin))
        .chain(report.closing.iter().map(|p| &p.origin))
        .find_map(known)
}

/// Where a section is, or would be: its heading; for a missing section, the
/// heading of the next section present (the place it should have come
/// before), else the 落款, else the report's last paragraph.
fn section_place(report: &Report, n: u8) -> Option<Origin> {
    match n {
        0 => report
            .preamble
            .first()
            .and_then(|p| known(&p.origin))
            .or_else(|| first_place(report)),
        1..=6 => report
            .sections
            .iter()
            .filter(|s| s.number >= n)
            .min_by_key(|s| s.number)
            .and_then(|s| known(&s.heading_origin))
            .or_else(|| report.closing.first().and_then(|p| known(&p.origin)))
            .or_else(|| {
                report
                    .paragraphs()
                    .last()
                    .and_then(|(_, p)| known(&p.origin))
            }),
        _ => report
            .closing
            .first()
            .and_then(|p| known(&p.origin))
            .or_else(|| {
                report
                    .paragraphs()
                    .last()
                    .and_then(|(_, p)| known(&p.origin))
            }),
    }
}

/// The origin of the place a finding is about: its cell, its paragraph, its
/// table's first cell, its section's heading (or where the section should
/// be). `None` when the location names no place (a finding about the report
/// as a whole; see [`first_place`]).
pub fn place(loc: &Location, report: &Report) -> Option<Origin> {
    if let Some(c) = &loc.cell {
        return Some(Origin::Table {
            table_index: c.table_index,
            row: c.row,
            column: c.column,
        });
    }
    if let Some(n) = loc.paragraph {
        if let Some((_, p)) = report.paragraphs().nth(n.saturating_sub(1)) {
            if let Some(o) = known(&p.origin) {
                return Some(o);
            }
        }
    }
    if let Some(t) = loc.table.as_deref().and_then(TableKey::parse) {
        if let Some(o) = report.table(t).and_then(|t| known(&t.origin)) {
            return Some(o);
        }
    }
    loc.section.and_then(|n| section_place(report, n))
}

/// Copies the address of the finding's place into its location: `page`,
/// `sheet`, `cell_ref`, and `line` when the location has none yet.
pub fn resolve(loc: &mut Location, report: &Report, addresses: &Addresses) {
    if addresses.is_empty() {
        return;
    }
    let Some(address) = place(loc, report).and_then(|o| addresses.get(&o)) else {
        return;
    };
    loc.page = address.page.or(loc.page);
    if address.sheet.is_some() {
        loc.sheet = address.sheet.clone();
    }
    if address.cell_ref.is_some() {
        loc.cell_ref = address.cell_ref.clone();
    }
    if loc.line.is_none() {
        loc.line = address.line;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::CellRef;
    use crate::model::{Paragraph, Section};

    #[test]
    fn a1_addresses() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(26, 3), "D27");
        assert_eq!(a1(0, 25), "Z1");
        assert_eq!(a1(0, 26), "AA1");
        assert_eq!(a1(9, 701), "ZZ10");
        assert_eq!(a1(0, 702), "AAA1");
        assert_eq!(a1(1_048_575, 16_383), "XFD1048576");
    }

    fn para(i: usize) -> Paragraph {
        Paragraph {
            text: format!("p{i}"),
            origin: Origin::Paragraph { index: i },
        }
    }

    fn report() -> Report {
        let section = |n: u8, h: usize, ps: &[usize]| Section {
            number: n,
            heading: format!("h{n}"),
            heading_origin: Origin::Paragraph { index: h },
            paragraphs: ps.iter().map(|&i| para(i)).collect(),
        };
        Report {
            preamble: vec![para(1)],
            sections: vec![section(1, 2, &[3]), section(2, 4, &[]), section(4, 5, &[6])],
            closing: vec![para(7)],
            ..Report::default()
        }
    }

    #[test]
    fn findings_are_placed_on_their_cell_paragraph_or_heading() {
        let r = report();
        let at = |loc: Location| place(&loc, &r);
        let p = |index| Some(Origin::Paragraph { index });
        let cell = CellRef {
            table_index: 2,
            row: 27,
            column: 4,
        };
        assert_eq!(
            at(Location {
                cell: Some(cell),
                section: Some(3),
                ..Location::default()
            }),
            Some(Origin::Table {
                table_index: 2,
                row: 27,
                column: 4
            })
        );
        // Paragraph 2 of the report (the preamble's is 1) is section 一's.
        assert_eq!(
            at(Location {
                paragraph: Some(2),
                section: Some(1),
                ..Location::default()
            }),
            p(3)
        );
        let section = |n| Location {
            section: Some(n),
            ..Location::default()
        };
        assert_eq!(at(section(0)), p(1));
        assert_eq!(at(section(2)), p(4));
        // 三 is missing: where it should be, before 四.
        assert_eq!(at(section(3)), p(5));
        // 五 and 六 are missing: before the 落款.
        assert_eq!(at(section(6)), p(7));
        assert_eq!(at(section(7)), p(7));
        // A table that was not found: its section's place.
        assert_eq!(
            at(Location {
                table: Some("t3".into()),
                section: Some(3),
                ..Location::default()
            }),
            p(5)
        );
        assert_eq!(at(Location::default()), None);
        assert_eq!(first_place(&r), p(1));
    }

    #[test]
    fn resolve_copies_the_address_and_keeps_a_known_line() {
        let r = report();
        let mut addresses = Addresses::default();
        addresses.insert(
            Origin::Paragraph { index: 3 },
            Address {
                page: Some(2),
                line: Some(40),
                ..Address::default()
            },
        );
        let mut loc = Location {
            paragraph: Some(2),
            ..Location::default()
        };
        resolve(&mut loc, &r, &addresses);
        assert_eq!((loc.page, loc.line), (Some(2), Some(40)));
        let mut loc = Location {
            paragraph: Some(2),
            line: Some(9),
            ..Location::default()
        };
        resolve(&mut loc, &r, &addresses);
        assert_eq!((loc.page, loc.line), (Some(2), Some(9)));
    }
}
