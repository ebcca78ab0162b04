//! Row alignment: giving each data row of table 三 its official row, by
//! the official order and the closest label (dynamic programming), so that
//! a typo lands on its own row and two rows never share a key.

use std::borrow::Cow;

use std::sync::LazyLock;

use crate::address_map::{Address, AddressMap};
use crate::document::GridCell;
use crate::schema::{RowSpec, T2, T3, T4, TableSchema};

use super::labels::{
    bigrams, char_mask, common_bigrams, has_keywords, match_row, norm, strip_numbering,
};

/// A row of table 三 with a label and data, before it is given its official row.
pub(super) struct DataRow<'g> {
    /// Row in the grid.
    pub(super) r: usize,
    pub(super) leaf: String,
    /// Column of the leaf label cell.
    pub(super) leaf_at: usize,
    pub(super) data: Vec<(&'static str, &'g GridCell)>,
    pub(super) has_numbers: bool,
}

/// Above this many candidate rows (a damaged file repeating rows), rows are
/// matched one by one by their keywords instead of aligned.
const MAX_ALIGNED_ROWS: usize = 1_000;

/// The rows of block （六） that the 2019 single row holds besides `other_other`.
pub const UNSPLIT_OTHER_ABSORBS: [&str; 2] = ["other_no_correction", "other_no_fee"];

/// 「（六）其他处理」 as a data row: the 2019 format's single row for the block
/// that the 2021 format splits in three. It reads as the block's sum.
pub fn is_unsplit_other_block(leaf: &str) -> bool {
    strip_numbering(leaf) == "其他处理"
}

/// A label prepared once for [`row_score`]: normalised, its numbering, and
/// the bigrams of the rest.
#[derive(Clone)]
struct Prepared<'a> {
    label: Cow<'a, str>,
    /// Where the label's numbering ends (0: none).
    rest_at: usize,
    grams: Vec<(char, char)>,
    /// [`char_mask`] of the label.
    mask: u64,
}

impl<'a> Prepared<'a> {
    fn new(label: Cow<'a, str>) -> Prepared<'a> {
        let rest_at = label.len() - strip_numbering(&label).len();
        let grams = bigrams(&label[rest_at..]);
        let mask = char_mask(&label);
        Prepared {
            label,
            rest_at,
            grams,
            mask,
        }
    }

    /// [`strip_numbering`] of the label.
    fn rest(&self) -> &str {
        &self.label[self.rest_at..]
    }

    /// The label's numbering, 「2.」 or 「(六)」, if it has one.
    fn numbering(&self) -> Option<&str> {
        (self.rest_at > 0).then(|| &self.label[..self.rest_at])
    }
}

/// The official row labels of a national table, prepared once per run.
fn officials(schema: &'static TableSchema) -> Cow<'static, [Prepared<'static>]> {
    static PREPARED: LazyLock<AddressMap<Vec<Prepared<'static>>>> = LazyLock::new(|| {
        [&T2, &T3, &T4]
            .into_iter()
            .map(|schema| (address_of(schema), prepare(schema)))
            .collect()
    });
    fn address_of(schema: &'static TableSchema) -> Address {
        (std::ptr::from_ref(schema) as usize, 0)
    }
    fn prepare(schema: &'static TableSchema) -> Vec<Prepared<'static>> {
        schema
            .rows
            .iter()
            .map(|s| Prepared::new(norm(s.label)))
            .collect()
    }
    match PREPARED.get(&address_of(schema)) {
        Some(prepared) => Cow::Borrowed(prepared),
        // Not a national table (none today): prepared for this call.
        None => Cow::Owned(prepare(schema)),
    }
}

/// How well a row label fits an official row; `None` when it cannot be that row.
fn row_score(spec: &'static RowSpec, official: &Prepared<'_>, leaf: &Prepared<'_>) -> Option<f64> {
    let (ours, theirs) = (leaf.rest(), official.rest());
    if ours == theirs {
        return Some(4.0);
    }
    if spec.key == "other_other" && is_unsplit_other_block(&leaf.label) {
        return Some(3.0);
    }
    // 「其他」 names row （六）3 only as a short label: inside a longer one
    // (「2.其他法律行政法」, wrapped) it says nothing about the row.
    let generic = spec.keywords == ["其他"] && ours.chars().count() > 6;
    if !generic && has_keywords(spec, &leaf.label, leaf.mask) {
        let specificity: usize = spec.keywords.iter().map(|k| k.chars().count()).sum();
        return Some(2.0 + specificity as f64 * 0.01);
    }
    let (a, b) = (leaf.grams.len(), official.grams.len());
    // Dice can reach 0.5 only when the lengths are within a factor of three.
    if a == 0 || b == 0 || a > 3 * b || b > 3 * a {
        return None;
    }
    let similarity = 2.0 * common_bigrams(&leaf.grams, &official.grams) as f64 / (a + b) as f64;
    let same_number = leaf.numbering().is_some() && leaf.numbering() == official.numbering();
    (similarity >= 0.5).then_some(similarity + if same_number { 0.25 } else { 0.0 })
}

/// Gives each data row its official row, or none: the assignment that keeps
/// the official order and has the best total fit (dynamic programming over
/// rows × official rows). `filled` official rows (read from an earlier
/// fragment) are not given again. Equal fits go to the earlier row.
pub(super) fn align_rows(
    schema: &'static TableSchema,
    rows: &[DataRow<'_>],
    filled: &[bool],
) -> Vec<Option<&'static RowSpec>> {
    let specs = schema.rows;
    if rows.len() > MAX_ALIGNED_ROWS {
        let mut used = filled.to_vec();
        return rows
            .iter()
            .map(|row| {
                let spec = match_row(schema, &row.leaf)?;
                let i = schema.row_index(spec.key)?;
                (!std::mem::replace(&mut used[i], true)).then_some(spec)
            })
            .collect();
    }
    let (n, m) = (rows.len(), specs.len());
    let officials = officials(schema);
    let score: Vec<Vec<Option<f64>>> = rows
        .iter()
        .map(|row| {
            let leaf = Prepared::new(Cow::Borrowed(row.leaf.as_str()));
            specs
                .iter()
                .zip(officials.iter())
                .zip(filled)
                .map(|((spec, official), &f)| {
                    if f {
                        None
                    } else {
                        row_score(spec, official, &leaf)
                    }
                })
                .collect()
        })
        .collect();
    // best[i][j]: the best total for the first i rows and the first j official rows.
    let mut best = vec![vec![0.0f64; m + 1]; n + 1];
    for i in 1..=n {
        for j in 1..=m {
            let mut b = best[i - 1][j].max(best[i][j - 1]);
            if let Some(s) = score[i - 1][j - 1] {
                b = b.max(best[i - 1][j - 1] + s);
            }
            best[i][j] = b;
        }
    }
    let mut out = vec![None; n];
    let (mut i, mut j) = (n, m);
    while i > 0 && j > 0 {
        // Prefer leaving the later row out, so a repeated row keeps its first value.
        if best[i][j] == best[i - 1][j] {
            i -= 1;
        } else if best[i][j] == best[i][j - 1] {
            j -= 1;
        } else {
            out[i - 1] = Some(&specs[j - 1]);
            i -= 1;
            j -= 1;
        }
    }
    out
}
