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

/// The characters of a text as bits of a 64-bit mask (by a hash of each
/// character): a text contains another only if its mask covers the
/// other's, so most labels are told apart from a row's keywords by one
/// comparison instead of a substring search per keyword (table 三's rows
/// are compared with every official row when they are aligned).
pub(super) fn char_mask(text: &str) -> u64 {
    text.chars().fold(0, |m, c| {
        m | 1 << (u32::from(c).wrapping_mul(0x9E37_79B9) >> 26)
    })
}

/// A row's keywords normalised, and the mask of their characters.
pub(super) struct RowKeywords {
    words: Vec<Cow<'static, str>>,
    mask: u64,
}

/// The [`RowKeywords`] of a row of the national tables, made once per run.
fn row_keywords(spec: &'static RowSpec) -> Option<&'static RowKeywords> {
    static KEYWORDS: LazyLock<AddressMap<RowKeywords>> = LazyLock::new(|| {
        let mut map = AddressMap::default();
        for schema in [&T2, &T3, &T4] {
            for spec in schema.rows {
                let words: Vec<Cow<'static, str>> = spec.keywords.iter().map(|k| norm(k)).collect();
                let mask = words.iter().fold(0, |m, w| m | char_mask(w));
                map.insert(row_address(spec), RowKeywords { words, mask });
            }
        }
        map
    });
    KEYWORDS.get(&row_address(spec))
}

/// A row of the schema by where it lives (two tables may have rows with
/// the same key string).
fn row_address(spec: &'static RowSpec) -> crate::address_map::Address {
    (std::ptr::from_ref(spec) as usize, 0)
}

/// Whether every keyword of the row occurs in `label`, whose
/// [`char_mask`] is `mask`.
pub(super) fn has_keywords(spec: &'static RowSpec, label: &str, mask: u64) -> bool {
    match row_keywords(spec) {
        Some(k) => k.mask & !mask == 0 && k.words.iter().all(|w| label.contains(&**w)),
        // Not a row of the national tables: its keywords normalised here.
        None => spec.keywords.iter().all(|k| label.contains(&*norm(k))),
    }
}

/// The row whose keywords all occur in the label; the most specific wins.
pub(super) fn match_row(schema: &'static TableSchema, label: &str) -> Option<&'static RowSpec> {
    if label.is_empty() {
        return None;
    }
    let mask = char_mask(label);
    schema
        .rows
        .iter()
        .filter(|spec| has_keywords(spec, label, mask))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The mask only rules out: every row and label of the national tables
    /// (and labels cut, wrapped or misspelt) give what a substring search
    /// per keyword gives.
    #[test]
    fn keywords_found_with_the_mask_as_without_it() {
        let mut labels: Vec<String> = vec![
            String::new(),
            "其他".into(),
            "2.其他法律行政止公开".into(),
            "(三)不予公开 1.属于国家秘密".into(),
            "本年新收政府信息公开申请数量".into(),
            "行政复议结果维持".into(),
            "ab".into(),
        ];
        for schema in [&T2, &T3, &T4] {
            for spec in schema.rows {
                let label = normalize_label(spec.label);
                let chars: Vec<char> = label.chars().collect();
                labels.push(chars[..chars.len() / 2].iter().collect());
                labels.push(chars[chars.len() / 2..].iter().collect());
                labels.push(format!("{label}{label}"));
                labels.push(label);
            }
        }
        let mut found = 0;
        for schema in [&T2, &T3, &T4] {
            for spec in schema.rows {
                for label in &labels {
                    let plain = spec.keywords.iter().all(|k| label.contains(&*norm(k)));
                    assert_eq!(
                        has_keywords(spec, label, char_mask(label)),
                        plain,
                        "{} in {label:?}",
                        spec.key
                    );
                    found += usize::from(plain);
                }
            }
        }
        assert!(found > 50, "{found}");
        assert!(char_mask("行政复议") & !char_mask("行政复议结果") == 0);
    }
}
