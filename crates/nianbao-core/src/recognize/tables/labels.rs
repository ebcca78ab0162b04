//! Row and column labels: schema strings normalised once, numbering
//! stripped, labels compared by their character bigrams or matched to a
//! row's keywords, and a row's label read from its cells.

use std::borrow::Cow;
use std::sync::LazyLock;

use crate::address_map::{AddressMap, address};

use crate::document::GridCell;
use crate::schema::{RowSpec, T2, T3, T4, TableSchema};
use crate::value::{normalize_label, parse_cell_text};

/// [`normalize_label`] of a string of the schema (a label or a keyword),
/// computed once for the whole run rather than on every comparison.
pub(super) fn norm(s: &'static str) -> Cow<'static, str> {
    static NORMALIZED: LazyLock<AddressMap<String>> = LazyLock::new(|| {
        let mut map = AddressMap::default();
        for schema in [&T2, &T3, &T4] {
            let strings = schema
                .rows
                .iter()
                .flat_map(|r| std::iter::once(r.label).chain(r.keywords.iter().copied()))
                .chain(schema.columns.iter().map(|c| c.label));
            for s in strings {
                map.insert(address(s), normalize_label(s));
            }
        }
        map
    });
    match NORMALIZED.get(&address(s)) {
        Some(n) => Cow::Borrowed(n.as_str()),
        // Not a schema string: normalised each time.
        None => Cow::Owned(normalize_label(s)),
    }
}

/// How alike a written row label is to an official one (0–1), numbering
/// aside: the Dice coefficient of their character bigrams after
/// [`normalize_label`]. 「2.其他法律行政止公开」 against 「2.其他法律行政法规禁止公开」
/// is about 0.8.
pub fn label_similarity(written: &str, official: &str) -> f64 {
    let (a, b) = (normalize_label(written), normalize_label(official));
    bigram_dice(strip_numbering(&a), strip_numbering(&b))
}

/// The share (0–1) of an official label's character bigrams found in a text
/// that may hold more than the label (a wrapped label with its neighbours).
pub fn label_coverage(text: &str, official: &str) -> f64 {
    let (t, o) = (normalize_label(text), normalize_label(official));
    let want = bigrams(strip_numbering(&o));
    if want.is_empty() {
        return 0.0;
    }
    common_bigrams(&bigrams(&t), &want) as f64 / want.len() as f64
}

/// The character bigrams of a label, sorted.
pub(super) fn bigrams(s: &str) -> Vec<(char, char)> {
    let chars: Vec<char> = s.chars().collect();
    let mut g: Vec<(char, char)> = chars.windows(2).map(|w| (w[0], w[1])).collect();
    g.sort_unstable();
    g
}

/// Bigrams two sorted lists share.
pub(super) fn common_bigrams(a: &[(char, char)], b: &[(char, char)]) -> usize {
    crate::value::common_sorted(a, b)
}

/// Dice coefficient of the character bigrams of two labels (0–1).
fn bigram_dice(a: &str, b: &str) -> f64 {
    let (ga, gb) = (bigrams(a), bigrams(b));
    if ga.is_empty() || gb.is_empty() {
        return 0.0;
    }
    2.0 * common_bigrams(&ga, &gb) as f64 / (ga.len() + gb.len()) as f64
}

/// The distinct physical cells of a row from `from` on (merged copies skipped).
pub(super) fn distinct_cells(row: &[GridCell], r: usize, from: usize) -> Vec<usize> {
    (from..row.len())
        .filter(|&c| match row[c].merged_from {
            None => true,
            Some((mr, mc)) => mr != r || mc < from,
        })
        .collect()
}

pub(super) fn first_text(row: &[GridCell]) -> String {
    row.iter()
        .map(GridCell::label)
        .find(|t| !t.is_empty())
        .unwrap_or_default()
        .to_string()
}

/// The most specific label of a row and its column: the last non-empty label
/// cell left of the data.
pub(super) fn leaf_label_at(row: &[GridCell], first_data: usize) -> Option<(usize, String)> {
    row[..first_data.min(row.len())]
        .iter()
        .enumerate()
        .rev()
        .map(|(c, cell)| (c, cell.label()))
        .find(|(_, t)| !t.is_empty() && parse_cell_text(t).as_f64().is_none())
        .map(|(c, t)| (c, t.to_string()))
}

/// The most specific label of a row: the last non-empty label cell left of the data.
pub(super) fn leaf_label(row: &[GridCell], first_data: usize) -> String {
    row[..first_data.min(row.len())]
        .iter()
        .rev()
        .map(GridCell::label)
        .find(|t| !t.is_empty() && parse_cell_text(t).as_f64().is_none())
        .unwrap_or_default()
        .to_string()
}

/// The row whose keywords all occur in the label; the most specific wins.
pub(super) fn match_row(schema: &'static TableSchema, label: &str) -> Option<&'static RowSpec> {
    if label.is_empty() {
        return None;
    }
    schema
        .rows
        .iter()
        .filter(|spec| spec.keywords.iter().all(|k| label.contains(&*norm(k))))
        .max_by_key(|spec| {
            spec.keywords
                .iter()
                .map(|k| k.chars().count())
                .sum::<usize>()
        })
}

/// 「(七)总计」 → 「总计」, 「1.属于国家秘密」 → 「属于国家秘密」, 「一.本年新收…」 → 「本年新收…」.
pub(super) fn strip_numbering(label: &str) -> &str {
    let s = label;
    if let Some(rest) = s.strip_prefix('(') {
        if let Some(i) = rest.find(')') {
            return &rest[i + 1..];
        }
    }
    let digits_end = s
        .char_indices()
        .find(|(_, c)| {
            !(c.is_ascii_digit()
                || matches!(
                    c,
                    '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
                ))
        })
        .map_or(s.len(), |(i, _)| i);
    match s[digits_end..].strip_prefix('.') {
        Some(rest) if digits_end > 0 => rest,
        _ => s,
    }
}
