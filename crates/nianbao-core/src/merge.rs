//! One finding per wrong cell (issue 22, item 8).
//!
//! Two rules often blame the same cell for the same reason: in table 三,
//! R3-RESULTSUM (（七）总计 is the sum of the 21 results) and R3-IDENT (新收 +
//! 上年结转 = 总计 + 结转下年度) both say 「（七）总计·自然人 应为 1，实为 0」.
//! A reviewer should see, and a Word copy should carry, one comment for that
//! cell. Findings merge when they name the same single table cell (table, row
//! key, column key; not a grouped finding with `cells`) with an expected
//! value, and expect and find the same values. Text findings never merge.
//!
//! Which finding stays (its rule id, location and fingerprint):
//! 1. one whose message opens with the cell's own name (「表三（七）总计·自然人
//!    应为 …」, as the rule API's `place()` writes it) states what that cell
//!    must hold; one that opens otherwise (「表三·自然人：新收与上年结转之和
//!    …」) states a relation between groups of cells, and is the one folded in;
//! 2. then the more severe;
//! 3. then the first in run order (rules run in id order).
//!
//! The one that stays takes the highest severity of the group, appends the
//! other messages (「；同时，…」) and bases, and lists the other rule ids in
//! [`Finding::also`]. Its fingerprint does not change.

use crate::finding::Finding;
use crate::fingerprint::normalize_value;
use crate::schema::TableKey;

/// Merges findings that blame the same cell for the same values, keeping
/// the order of the findings that stay.
pub fn merge_same_cell(findings: Vec<Finding>) -> Vec<Finding> {
    let keys: Vec<Option<CellKey>> = findings.iter().map(cell_key).collect();
    // For each finding, the index of the one it merges into (itself when it stays).
    let mut into: Vec<usize> = (0..findings.len()).collect();
    for i in 0..findings.len() {
        let Some(key) = &keys[i] else { continue };
        if into[i] != i {
            continue;
        }
        let group: Vec<usize> = (i..findings.len())
            .filter(|&j| into[j] == j && keys[j].as_ref() == Some(key))
            .collect();
        if group.len() < 2 {
            continue;
        }
        let keeper = group
            .iter()
            .copied()
            .min_by_key(|&j| {
                let f = &findings[j];
                (!states_cell_value(f), f.severity, j)
            })
            .unwrap_or(i);
        for j in group {
            into[j] = keeper;
        }
    }

    let mut slots: Vec<Option<Finding>> = findings.into_iter().map(Some).collect();
    for j in 0..slots.len() {
        let keeper = into[j];
        if keeper == j {
            continue;
        }
        let Some(other) = slots[j].take() else {
            continue;
        };
        if let Some(kept) = slots[keeper].as_mut() {
            fold(kept, other);
        }
    }
    slots.into_iter().flatten().collect()
}

/// What must be equal for two findings to merge; `None` for a finding that
/// never merges.
#[derive(Debug, PartialEq, Eq)]
struct CellKey {
    table: String,
    row: String,
    column: String,
    expected: String,
    found: String,
}

fn cell_key(f: &Finding) -> Option<CellKey> {
    if !f.cells.is_empty() {
        return None;
    }
    let l = &f.location;
    Some(CellKey {
        table: l.table.clone()?,
        row: l.row_key.clone()?,
        column: l.column_key.clone()?,
        expected: normalize_value(f.expected.as_ref()?),
        found: f.found.as_ref().map(normalize_value).unwrap_or_default(),
    })
}

/// Whether the message opens with the cell's own name (「表三（七）总计·自然人」).
fn states_cell_value(f: &Finding) -> bool {
    let l = &f.location;
    let (Some(table), Some(row), Some(column)) = (&l.table, &l.row_key, &l.column_key) else {
        return false;
    };
    TableKey::parse(table).is_some_and(|t| f.message.starts_with(&t.schema().place(row, column)))
}

/// Folds `other` into `kept`: severity, message, basis, rule ids.
fn fold(kept: &mut Finding, other: Finding) {
    kept.severity = kept.severity.min(other.severity);
    let head = kept.message.trim_end_matches('。').to_string();
    kept.message = format!("{head}；同时，{}", other.message);
    if !kept.basis.contains(&other.basis) {
        kept.basis.push('；');
        kept.basis.push_str(&other.basis);
    }
    for id in std::iter::once(other.rule).chain(other.also) {
        if id != kept.rule && !kept.also.contains(&id) {
            kept.also.push(id);
        }
    }
}

/// The finding as each of its rules would have reported it alone: itself,
/// then a copy under each id of [`Finding::also`]. Location and found value
/// are shared, so each copy has the fingerprint that rule's own finding had
/// before merging: baselines and `[[ignore]]` entries written for either
/// rule still apply.
pub fn rule_views(f: &Finding) -> Vec<std::borrow::Cow<'_, Finding>> {
    let mut views = vec![std::borrow::Cow::Borrowed(f)];
    for id in &f.also {
        let mut one = f.clone();
        one.rule = id.clone();
        one.also = Vec::new();
        views.push(std::borrow::Cow::Owned(one));
    }
    views
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Location, Severity};
    use serde_json::json;

    const IDENT_BASIS: &str = "附件表三（第一项加第二项之和，等于第三项加第四项之和）";
    const SUM_BASIS: &str = "附件表三（（一）至（六）各项之和为（七）总计）";

    fn cell(column: &str) -> Location {
        Location {
            table: Some("t3".into()),
            table_label: Some("表三".into()),
            row: Some("（七）总计".into()),
            row_key: Some("result_total".into()),
            column_key: Some(column.into()),
            section: Some(3),
            line: Some(67),
            ..Location::default()
        }
    }

    fn ident(column: &str, expected: i64) -> Finding {
        Finding {
            rule: "R3-IDENT".into(),
            severity: Severity::Warning,
            message:
                "表三·自然人：新收与上年结转之和为 1，办理结果总计与结转下年度之和为 0，两者应相等"
                    .into(),
            location: cell(column),
            cells: Vec::new(),
            expected: Some(json!(expected)),
            found: Some(json!(0)),
            basis: IDENT_BASIS.into(),
            also: Vec::new(),
        }
    }

    fn resultsum(column: &str, expected: i64) -> Finding {
        Finding {
            rule: "R3-RESULTSUM".into(),
            severity: Severity::Error,
            message: format!(
                "{} 应为 {expected}（21 项办理结果之和），实为 0",
                TableKey::T3.schema().place("result_total", column)
            ),
            location: cell(column),
            cells: Vec::new(),
            expected: Some(json!(expected)),
            found: Some(json!(0)),
            basis: SUM_BASIS.into(),
            also: Vec::new(),
        }
    }

    fn text(paragraph: usize) -> Finding {
        Finding {
            rule: "TXT-PUNCT".into(),
            severity: Severity::Info,
            message: "本段有半角标点".into(),
            location: Location {
                section: Some(1),
                paragraph: Some(paragraph),
                ..Location::default()
            },
            cells: Vec::new(),
            expected: Some(json!("，")),
            found: Some(json!(",")),
            basis: "标点".into(),
            also: Vec::new(),
        }
    }

    fn rules(findings: &[Finding]) -> Vec<(&str, Vec<&str>)> {
        findings
            .iter()
            .map(|f| (f.rule.as_str(), f.also.iter().map(String::as_str).collect()))
            .collect()
    }

    #[test]
    fn same_cell_same_values_merge_into_the_finding_that_states_the_value() {
        // R3-IDENT runs first; the sum rule, which names the cell, stays.
        let merged = merge_same_cell(vec![ident("natural", 1), resultsum("natural", 1)]);
        assert_eq!(rules(&merged), vec![("R3-RESULTSUM", vec!["R3-IDENT"])]);
        let f = &merged[0];
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(
            f.message,
            "表三（七）总计·自然人 应为 1（21 项办理结果之和），实为 0；同时，表三·自然人：新收与上年结转之和为 1，办理结果总计与结转下年度之和为 0，两者应相等"
        );
        assert_eq!(f.basis, format!("{SUM_BASIS}；{IDENT_BASIS}"));
        assert_eq!(f.location, cell("natural"));
    }

    #[test]
    fn the_highest_severity_is_kept_and_equal_bases_are_named_once() {
        let mut a = resultsum("natural", 1);
        a.severity = Severity::Info;
        let mut b = ident("natural", 1);
        b.severity = Severity::Error;
        b.basis = SUM_BASIS.into();
        let merged = merge_same_cell(vec![a, b]);
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].rule, "R3-RESULTSUM");
        assert_eq!(merged[0].severity, Severity::Error);
        assert_eq!(merged[0].basis, SUM_BASIS);
    }

    #[test]
    fn a_different_expected_or_found_value_does_not_merge() {
        let merged = merge_same_cell(vec![ident("natural", 2), resultsum("natural", 1)]);
        assert_eq!(rules(&merged).len(), 2);
        let mut other_found = ident("natural", 1);
        other_found.found = Some(json!(5));
        let merged = merge_same_cell(vec![other_found, resultsum("natural", 1)]);
        assert_eq!(merged.len(), 2);
        assert!(merged.iter().all(|f| f.also.is_empty()));
    }

    #[test]
    fn a_different_cell_does_not_merge() {
        let findings = vec![
            ident("natural", 1),
            ident("total", 1),
            resultsum("natural", 1),
            resultsum("total", 1),
        ];
        let merged = merge_same_cell(findings);
        assert_eq!(
            rules(&merged),
            vec![
                ("R3-RESULTSUM", vec!["R3-IDENT"]),
                ("R3-RESULTSUM", vec!["R3-IDENT"]),
            ]
        );
        assert_eq!(merged[0].location.column_key.as_deref(), Some("natural"));
        assert_eq!(merged[1].location.column_key.as_deref(), Some("total"));
    }

    #[test]
    fn text_grouped_and_valueless_findings_are_untouched() {
        let mut grouped = resultsum("natural", 1);
        grouped.cells = vec![crate::finding::FindingCell {
            location: cell("natural"),
            found: Some(json!(0)),
        }];
        let mut no_expected = ident("natural", 1);
        no_expected.expected = None;
        let mut no_expected_either = resultsum("natural", 1);
        no_expected_either.expected = None;
        let findings = vec![
            text(2),
            text(2),
            grouped,
            resultsum("natural", 1),
            no_expected,
            no_expected_either,
        ];
        let merged = merge_same_cell(findings.clone());
        assert_eq!(merged, findings);
    }

    #[test]
    fn without_a_finding_naming_the_cell_the_first_in_run_order_stays() {
        let mut a = ident("natural", 1);
        a.rule = "R3-A".into();
        let merged = merge_same_cell(vec![a, ident("natural", 1), text(3)]);
        assert_eq!(
            rules(&merged),
            vec![("R3-A", vec!["R3-IDENT"]), ("TXT-PUNCT", vec![])]
        );
    }

    #[test]
    fn each_rule_view_has_that_rules_unmerged_fingerprint() {
        use crate::fingerprint::fingerprint;
        let before: Vec<String> = [ident("natural", 1), resultsum("natural", 1)]
            .iter()
            .map(|f| fingerprint(f, Some("甲局"), Some(2023)))
            .collect();
        let merged = merge_same_cell(vec![ident("natural", 1), resultsum("natural", 1)]);
        let views: Vec<String> = rule_views(&merged[0])
            .iter()
            .map(|f| fingerprint(f, Some("甲局"), Some(2023)))
            .collect();
        assert_eq!(views, vec![before[1].clone(), before[0].clone()]);
    }
}
