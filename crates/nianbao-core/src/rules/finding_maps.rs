//! From what a rule's `check` returns to findings: each finding map is
//! checked field by field, located in the report (table, row, column,
//! section, paragraph, recognition note) and given its severity.

use rhai::{Dynamic, Map};

use super::meta::to_json;
use super::rule::Rule;
use crate::finding::{CellRef, Finding, FindingCell, Location, RuleError, Severity};
use crate::model::{Origin, Report};
use crate::schema::TableKey;

pub(super) fn rule_error(rule: &Rule, line: Option<usize>, message: String) -> RuleError {
    RuleError {
        rule: Some(rule.meta.id.clone()),
        file: rule.meta.file.clone(),
        line,
        message,
    }
}

const FINDING_KEYS: &[&str] = &[
    "message",
    "note",
    "cells",
    "severity",
    "table",
    "row",
    "column",
    "section",
    "paragraph",
    "expected",
    "found",
];

pub(super) fn to_finding(
    rule: &Rule,
    report: &Report,
    item: Dynamic,
    severity_override: Option<Severity>,
) -> Result<Finding, RuleError> {
    let bad = |msg: String| rule_error(rule, rule.check_line, msg);
    let type_name = item.type_name();
    let Some(map) = item.try_cast::<Map>() else {
        return Err(bad(format!(
            "问题应为对象映射 #{{ message: … }}，实为 {type_name}"
        )));
    };
    if let Some(k) = map.keys().find(|k| !FINDING_KEYS.contains(&k.as_str())) {
        return Err(bad(format!(
            "问题中有未知字段 \"{k}\"；可用字段：{}",
            FINDING_KEYS.join("、")
        )));
    }
    let get_str =
        |k: &str| map_str(&map, k).map_err(|t| bad(format!("字段 {k} 应为字符串，实为 {t}")));
    let get_int = |k: &str| -> Result<Option<i64>, RuleError> {
        match map.get(k) {
            None => Ok(None),
            Some(v) if v.is_unit() => Ok(None),
            Some(v) => v
                .as_int()
                .map(Some)
                .map_err(|t| bad(format!("字段 {k} 应为整数，实为 {t}"))),
        }
    };
    let message = get_str("message")?.ok_or_else(|| bad("问题缺少 message 字段".into()))?;
    // `note: n.index`: the finding is about a recognition note, located where it was made.
    let note = match get_int("note")? {
        None => None,
        Some(i) => Some(
            usize::try_from(i)
                .ok()
                .and_then(|i| report.notes.get(i))
                .ok_or_else(|| bad(format!("没有第 {i} 条识别记录（note）")))?,
        ),
    };
    let table = get_str("table")?.or_else(|| note.and_then(|n| n.table).map(|t| t.as_str().into()));
    let row = get_str("row")?.or_else(|| note.and_then(|n| n.row.clone()));
    let column = get_str("column")?;
    let mut loc = match &table {
        Some(t) => table_location(report, t, row.as_deref(), column.as_deref()).map_err(&bad)?,
        None => Location::default(),
    };
    if let Some(n) = note {
        if !matches!(n.origin, Origin::Unknown) {
            loc.cell = None;
            apply_origin(&mut loc, Some(&n.origin));
        }
    }
    let cells = match map.get("cells") {
        None => Vec::new(),
        Some(v) if v.is_unit() => Vec::new(),
        Some(v) => {
            let t = table
                .as_deref()
                .ok_or_else(|| bad("字段 cells 需要同时给出 table".into()))?;
            let items = v
                .clone()
                .try_cast::<rhai::Array>()
                .ok_or_else(|| bad(format!("字段 cells 应为数组，实为 {}", v.type_name())))?;
            items
                .into_iter()
                .map(|item| finding_cell(report, t, item).map_err(&bad))
                .collect::<Result<Vec<_>, _>>()?
        }
    };
    if let Some(n) = get_int("section")? {
        loc.section = Some(n.clamp(0, 7) as u8);
        if loc.line.is_none() {
            // 0 is the opening (title, intro), 7 the 落款: point at their first line.
            let origin = match n {
                0 => report.preamble.first().map(|p| p.origin.clone()),
                7 => report.closing.first().map(|p| p.origin.clone()),
                _ => report.section(n as u8).map(|s| s.heading_origin.clone()),
            };
            apply_origin(&mut loc, origin.as_ref());
        }
    }
    if let Some(n) = get_int("paragraph")? {
        let found = report.paragraphs().nth((n as usize).saturating_sub(1));
        if let Some((section, p)) = found {
            loc.paragraph = Some(n as usize);
            loc.section = Some(section);
            apply_origin(&mut loc, Some(&p.origin));
        }
    }
    // Configuration wins; else a rule may raise or lower one finding
    // (TXT-FEE: a warning, an error when the tables contradict the silence).
    let severity = match (severity_override, get_str("severity")?) {
        (Some(s), _) => s,
        (None, Some(s)) => Severity::parse(&s).ok_or_else(|| {
            bad(format!(
                "字段 severity 应为 error、warning 或 info，实为 \"{s}\""
            ))
        })?,
        (None, None) => rule.meta.severity,
    };
    Ok(Finding {
        rule: rule.meta.id.clone(),
        severity,
        message,
        location: loc,
        cells,
        expected: map.get("expected").and_then(to_json),
        found: map.get("found").and_then(to_json),
        basis: rule.meta.basis.clone(),
        also: Vec::new(),
    })
}

/// A string field of a finding map: `None` when absent or `()`, else the
/// string, or the type name it has instead.
fn map_str(map: &Map, k: &str) -> Result<Option<String>, &'static str> {
    match map.get(k) {
        None => Ok(None),
        Some(v) if v.is_unit() => Ok(None),
        Some(v) => v.clone().into_string().map(Some),
    }
}

/// The location of a table, a row or a cell of it, by keys.
fn table_location(
    report: &Report,
    table: &str,
    row: Option<&str>,
    column: Option<&str>,
) -> Result<Location, String> {
    let key = TableKey::parse(table).ok_or_else(|| format!("没有表 \"{table}\""))?;
    let schema = key.schema();
    let mut loc = Location {
        table: Some(table.to_string()),
        table_label: Some(schema.label.to_string()),
        ..Location::default()
    };
    if let Some(r) = row {
        let spec = schema
            .row(r)
            .ok_or_else(|| format!("{} 没有行 \"{r}\"", schema.label))?;
        loc.row = Some(spec.display.to_string());
        loc.row_key = Some(r.to_string());
    }
    if let Some(c) = column {
        let spec = schema
            .column(c)
            .ok_or_else(|| format!("{} 没有列 \"{c}\"", schema.label))?;
        loc.column = Some(spec.label.to_string());
        loc.column_key = Some(c.to_string());
    }
    let origin = match (report.table(key), row, column) {
        (Some(t), Some(r), Some(c)) => t.cell(r, c).map(|c| c.origin.clone()),
        (Some(t), Some(r), None) => t
            .cells
            .iter()
            .find(|((k, _), _)| k == r)
            .map(|(_, c)| c.origin.clone()),
        (Some(t), None, _) => Some(t.origin.clone()),
        _ => None,
    };
    apply_origin(&mut loc, origin.as_ref());
    loc.section = Some(match key {
        TableKey::T2 => 2,
        TableKey::T3 => 3,
        TableKey::T4 => 4,
    });
    Ok(loc)
}

/// One entry of a finding's `cells`: `#{ row, column, found }` in its table.
fn finding_cell(report: &Report, table: &str, item: Dynamic) -> Result<FindingCell, String> {
    let type_name = item.type_name();
    let map = item
        .try_cast::<Map>()
        .ok_or_else(|| format!("cells 的每一项应为 #{{ row, column, found }}，实为 {type_name}"))?;
    if let Some(k) = map
        .keys()
        .find(|k| !["row", "column", "found"].contains(&k.as_str()))
    {
        return Err(format!(
            "cells 中有未知字段 \"{k}\"；可用字段：row、column、found"
        ));
    }
    let text = |k: &str| map_str(&map, k).map_err(|t| format!("cells 中 {k} 应为字符串，实为 {t}"));
    Ok(FindingCell {
        location: table_location(
            report,
            table,
            text("row")?.as_deref(),
            text("column")?.as_deref(),
        )?,
        found: map.get("found").and_then(to_json),
    })
}

fn apply_origin(loc: &mut Location, origin: Option<&Origin>) {
    match origin {
        Some(Origin::Table {
            table_index,
            row,
            column,
        }) => {
            loc.cell = Some(CellRef {
                table_index: *table_index,
                row: *row,
                column: *column,
            })
        }
        Some(o) => loc.line = o.line().or(loc.line),
        None => {}
    }
}
