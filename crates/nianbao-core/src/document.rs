//! The generic document that format adapters produce: paragraphs and tables of
//! cell text in reading order, merges already expanded. Recognising the
//! national format from it happens once, in [`crate::recognize`].

use std::sync::OnceLock;

use crate::address::Addresses;
use crate::model::Origin;
use crate::value::normalize_label;

#[derive(Debug, Clone, Default)]
pub struct Document {
    pub blocks: Vec<Block>,
    /// Pages, sheets and source lines of the blocks' origins, where the
    /// format has them (empty for DOCX, text and YAML).
    pub addresses: Addresses,
}

#[derive(Debug, Clone)]
pub enum Block {
    Paragraph(TextBlock),
    Table(GridTable),
}

/// A paragraph of text with its origin.
#[derive(Debug, Clone)]
pub struct TextBlock {
    pub text: String,
    pub origin: Origin,
}

/// A physical table as a rectangular grid. A merged cell appears in every
/// grid position it covers: the top-left copy has `merged_from == None`, the
/// others point back to it, so labels can be read from any covered position
/// while a number spanning columns is counted once.
#[derive(Debug, Clone, Default)]
pub struct GridTable {
    pub rows: Vec<Vec<GridCell>>,
    /// Where the table starts (for messages about the table as a whole).
    pub origin: Origin,
}

#[derive(Clone, Default)]
pub struct GridCell {
    pub text: String,
    /// (row, column), 0-based, of the cell this one is a copy of.
    pub merged_from: Option<(usize, usize)>,
    pub origin: Origin,
    /// [`normalize_label`] of `text`, made the first time recognition asks
    /// ([`GridCell::label`]): recognition compares each cell's label many
    /// times. Adapters leave it empty (`Default::default()`).
    pub normalized_label: OnceLock<String>,
}

// By hand: the label cache is not part of what was read, and the reader's
// same-output digests print documents with `{:?}`.
impl std::fmt::Debug for GridCell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GridCell")
            .field("text", &self.text)
            .field("merged_from", &self.merged_from)
            .field("origin", &self.origin)
            .finish()
    }
}

impl GridCell {
    pub fn new(text: impl Into<String>, origin: Origin) -> GridCell {
        GridCell {
            text: text.into(),
            merged_from: None,
            origin,
            normalized_label: OnceLock::new(),
        }
    }

    /// The cell's text as a label ([`normalize_label`]), computed once.
    pub fn label(&self) -> &str {
        self.normalized_label
            .get_or_init(|| normalize_label(&self.text))
    }
}

impl GridTable {
    /// Builds a grid from rows of plain strings (tests, text adapters); rows are
    /// padded to the widest one. `table_index` is 1-based.
    pub fn from_rows(table_index: usize, rows: &[Vec<&str>]) -> GridTable {
        let width = rows.iter().map(Vec::len).max().unwrap_or(0);
        let rows = rows
            .iter()
            .enumerate()
            .map(|(r, cells)| {
                (0..width)
                    .map(|c| {
                        GridCell::new(
                            cells.get(c).copied().unwrap_or(""),
                            Origin::Table {
                                table_index,
                                row: r + 1,
                                column: c + 1,
                            },
                        )
                    })
                    .collect()
            })
            .collect();
        GridTable {
            rows,
            origin: Origin::Table {
                table_index,
                row: 1,
                column: 1,
            },
        }
    }

    pub fn width(&self) -> usize {
        self.rows.iter().map(Vec::len).max().unwrap_or(0)
    }
}
