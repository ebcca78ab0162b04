//! Finding fingerprints: an identity for a finding that survives a clerk
//! re-submitting the report (edited paragraphs, moved tables, a new file name),
//! so that a reviewer's accepted findings (a baseline) still match.
//!
//! The key is the rule id, the agency and report year, the location keys
//! (table, row key, column key, section) and a normalised form of the value
//! found. Paths, lines, pages, sheets, paragraph numbers, cell positions and the message
//! (which quotes the expected value) are left out on purpose: they change when
//! the document is edited elsewhere. Documented in `docs/json.md`.

use unicode_normalization::UnicodeNormalization;

use crate::finding::Finding;

/// Bumped when the key changes; baselines written with another version do
/// not match and must be rewritten.
pub const VERSION: u32 = 1;

/// A stable text form of a name for comparison: NFKC (full-width letters and
/// digits folded), every whitespace character removed.
pub fn normalize_text(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// The found value as the fingerprint sees it: numbers in their shortest
/// form (`1.0` → `1`), text normalised, arrays element by element.
pub fn normalize_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::Bool(b) => b.to_string(),
        serde_json::Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (_, Some(u), _) => u.to_string(),
            (_, _, Some(f)) if f.fract() == 0.0 && f.abs() < 1e15 => (f as i64).to_string(),
            (_, _, Some(f)) => f.to_string(),
            _ => n.to_string(),
        },
        serde_json::Value::String(s) => normalize_text(s),
        serde_json::Value::Array(a) => a.iter().map(normalize_value).collect::<Vec<_>>().join(","),
        serde_json::Value::Object(_) => normalize_text(&v.to_string()),
    }
}

/// The fields that make up a fingerprint, joined by U+001F.
pub fn key(finding: &Finding, agency: Option<&str>, year: Option<i32>) -> String {
    let loc = &finding.location;
    let parts: [String; 9] = [
        format!("nianbao-fp-{VERSION}"),
        finding.rule.clone(),
        agency.map(normalize_text).unwrap_or_default(),
        year.map(|y| y.to_string()).unwrap_or_default(),
        loc.table.clone().unwrap_or_default(),
        loc.row_key.clone().unwrap_or_default(),
        loc.column_key.clone().unwrap_or_default(),
        loc.section.map(|s| s.to_string()).unwrap_or_default(),
        found_key(finding),
    ];
    parts.join("\u{1f}")
}

/// The value found; for a finding grouping many cells, the cells' row and
/// column keys (sorted) after it, so the group keeps its identity when the
/// document is edited elsewhere and becomes a new finding when a cell is
/// added to or fixed in it. A single finding's part is as before.
fn found_key(finding: &Finding) -> String {
    let mut key = finding
        .found
        .as_ref()
        .map(normalize_value)
        .unwrap_or_default();
    if !finding.cells.is_empty() {
        let mut cells: Vec<String> = finding
            .cells
            .iter()
            .map(|c| {
                let l = &c.location;
                format!(
                    "{}/{}",
                    l.row_key.as_deref().unwrap_or_default(),
                    l.column_key.as_deref().unwrap_or_default()
                )
            })
            .collect();
        cells.sort();
        key.push('\u{1e}');
        key.push_str(&cells.join(","));
    }
    key
}

/// 16 lower-case hex digits: FNV-1a (64 bit) of the UTF-8 bytes of [`key`].
/// FNV-1a is fixed by its definition (unlike `std`'s hasher), so the value is
/// the same on every platform and release.
pub fn fingerprint(finding: &Finding, agency: Option<&str>, year: Option<i32>) -> String {
    format!("{:016x}", fnv1a64(key(finding, agency, year).as_bytes()))
}

fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{CellRef, Location, Severity};

    fn finding(line: usize, found: serde_json::Value) -> Finding {
        Finding {
            rule: "R3-RESULTSUM".into(),
            severity: Severity::Error,
            message: format!("表三（七）总计·自然人 应为 {line}，实为 0"),
            location: Location {
                table: Some("t3".into()),
                table_label: Some("表三".into()),
                row: Some("（七）总计".into()),
                row_key: Some("result_total".into()),
                column: Some("自然人".into()),
                column_key: Some("natural".into()),
                section: Some(3),
                paragraph: None,
                line: Some(line),
                page: Some(line as u32),
                sheet: Some(format!("表{line}")),
                cell_ref: Some(format!("D{line}")),
                cell: Some(CellRef {
                    table_index: line,
                    row: 1,
                    column: 1,
                }),
            },
            cells: Vec::new(),
            expected: Some(serde_json::json!(line)),
            found: Some(found),
            basis: "b".into(),
            also: Vec::new(),
        }
    }

    #[test]
    fn the_known_value_of_fnv1a() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
    }

    #[test]
    fn lines_pages_cells_messages_and_expected_values_do_not_count() {
        let a = fingerprint(
            &finding(67, serde_json::json!(0)),
            Some("洮南市林业和草原局"),
            Some(2023),
        );
        let b = fingerprint(
            &finding(90, serde_json::json!(0.0)),
            Some(" 洮南市林业和草原局 "),
            Some(2023),
        );
        assert_eq!(a, b);
        assert_eq!(a.len(), 16);
    }

    #[test]
    fn rule_agency_year_place_and_found_value_do() {
        let base = fingerprint(&finding(1, serde_json::json!(0)), Some("甲局"), Some(2023));
        let mut other_rule = finding(1, serde_json::json!(0));
        other_rule.rule = "R3-IDENT".into();
        let mut other_column = finding(1, serde_json::json!(0));
        other_column.location.column_key = Some("total".into());
        for other in [
            fingerprint(&finding(1, serde_json::json!(5)), Some("甲局"), Some(2023)),
            fingerprint(&finding(1, serde_json::json!(0)), Some("乙局"), Some(2023)),
            fingerprint(&finding(1, serde_json::json!(0)), Some("甲局"), Some(2024)),
            fingerprint(&other_rule, Some("甲局"), Some(2023)),
            fingerprint(&other_column, Some("甲局"), Some(2023)),
        ] {
            assert_ne!(base, other);
        }
    }

    #[test]
    fn a_grouped_finding_is_identified_by_its_cells() {
        let cell = |row: &str, column: &str| crate::finding::FindingCell {
            location: Location {
                row_key: Some(row.into()),
                column_key: Some(column.into()),
                ..Location::default()
            },
            found: Some(serde_json::json!("")),
        };
        let group = |cells: Vec<crate::finding::FindingCell>| {
            let mut f = finding(1, serde_json::json!(""));
            f.rule = "NUM-BLANK".into();
            f.location.row_key = None;
            f.location.column_key = None;
            f.cells = cells;
            fingerprint(&f, Some("甲局"), Some(2023))
        };
        let ab = group(vec![cell("new", "natural"), cell("new", "other")]);
        // Same cells in another order (a re-read), same identity.
        assert_eq!(
            ab,
            group(vec![cell("new", "other"), cell("new", "natural")])
        );
        // One cell fixed: a different finding.
        assert_ne!(ab, group(vec![cell("new", "natural")]));
    }

    #[test]
    fn text_is_compared_after_width_and_space_folding() {
        assert_eq!(
            normalize_value(&serde_json::json!("２０２３年 1月")),
            "2023年1月"
        );
        assert_eq!(normalize_value(&serde_json::json!([1, "a b"])), "1,ab");
    }
}
