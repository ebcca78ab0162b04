//! `--format sarif`: SARIF 2.1.0 for code-scanning viewers.
//!
//! Written with `serde_json` (as ruff does) rather than a typed SARIF crate:
//! the subset used is small, there is no build script to compile, and the
//! output is checked against the official schema in the tests
//! (`tests/sarif-schema-2.1.0.json`).

use nianbao_core::fingerprint::fingerprint;
use nianbao_core::{FileResult, Finding, Severity, Suppression};
use serde_json::{Map, Value, json};

use crate::Run;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

pub fn render(run: &Run) -> String {
    let results = run.results;
    let summary = &run.summary;
    let metas = &run.metas;
    let ids = run.rule_ids();
    let with_baseline = run.review.baseline.is_some();
    let descriptors: Vec<Value> = ids
        .iter()
        .map(|id| match metas.get(id.as_str()) {
            Some(m) => json!({
                "id": m.id,
                "name": m.id,
                "shortDescription": { "text": m.title },
                "fullDescription": { "text": m.description },
                "help": {
                    "text": format!("{}\n\n{}\n\n依据：{}", m.title, m.description, m.basis),
                    "markdown": format!("**{}**\n\n{}\n\n依据：{}", m.title, m.description, m.basis),
                },
                "defaultConfiguration": { "level": level(m.severity) },
                "properties": { "basis": m.basis, "file": m.file },
            }),
            None => json!({ "id": id, "shortDescription": { "text": id } }),
        })
        .collect();

    // Artifacts: one per file, in output order; results point at them by index.
    let artifacts: Vec<Value> = results
        .iter()
        .map(|r| {
            let mut a = json!({ "location": { "uri": path_uri(&r.path) } });
            if let Some(f) = &r.format {
                a["properties"] = json!({ "format": f });
            }
            a
        })
        .collect();

    let mut out = Vec::new();
    let mut notes = Vec::new();
    for (i, r) in results.iter().enumerate() {
        for f in &r.findings {
            let rule_index = ids.iter().position(|id| *id == f.rule);
            let mut res = result(r, i, f, rule_index);
            if with_baseline {
                res["baselineState"] = json!("new");
            }
            out.push(res);
        }
        // Suppressed findings are results with `suppressions`, which
        // SARIF viewers hide by default (SARIF §3.27.23).
        for s in &r.suppressed {
            let rule_index = ids.iter().position(|id| *id == s.finding.rule);
            let mut res = result(r, i, &s.finding, rule_index);
            let justification = match &s.by {
                Suppression::Baseline => format!(
                    "已接受：列在基线 {} 中",
                    run.review.baseline.as_deref().unwrap_or("")
                ),
                Suppression::Ignore {
                    reason,
                    config,
                    line,
                } => format!("已忽略：{reason}（{config}:{line}）"),
            };
            res["suppressions"] = json!([{
                "kind": "external",
                "status": "accepted",
                "justification": justification,
            }]);
            if with_baseline && s.by == Suppression::Baseline {
                res["baselineState"] = json!("unchanged");
            }
            out.push(res);
        }
        if let Some(e) = &r.read_error {
            let mut loc = json!({ "artifactLocation": { "uri": path_uri(&r.path), "index": i } });
            if let Some(line) = e.line {
                loc["region"] = json!({ "startLine": line });
            }
            notes.push(json!({
                "level": "error",
                "message": { "text": format!("无法读取：{}", e.message) },
                "locations": [{ "physicalLocation": loc }],
                "descriptor": { "id": "read-error" },
            }));
        }
        for e in &r.rule_errors {
            notes.push(json!({
                "level": "error",
                "message": { "text": format!("规则运行失败：{e}") },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": path_uri(&r.path), "index": i } } }],
                "descriptor": { "id": e.rule.clone().unwrap_or_else(|| "rule-error".into()) },
            }));
        }
    }
    let mut config_notes: Vec<Value> = run
        .load_errors
        .iter()
        .map(|e| {
            let mut loc = json!({ "artifactLocation": { "uri": path_uri(&e.file) } });
            if let Some(line) = e.line {
                loc["region"] = json!({ "startLine": line });
            }
            json!({
                "level": "error",
                "message": { "text": format!("规则加载失败：{}", e.message) },
                "locations": [{ "physicalLocation": loc }],
                "descriptor": { "id": e.rule.clone().unwrap_or_else(|| "rule-load-error".into()) },
            })
        })
        .collect();
    for u in &run.review.unused_ignores {
        config_notes.push(json!({
            "level": "warning",
            "message": { "text": format!("[[ignore]]（规则 {}，理由「{}」）没有匹配任何问题，可以删除", u.rule, u.reason) },
            "locations": [{ "physicalLocation": {
                "artifactLocation": { "uri": path_uri(&u.config) },
                "region": { "startLine": u.line },
            }}],
            "descriptor": { "id": "unused-ignore" },
        }));
    }

    let doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "nianbao",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": descriptors,
            }},
            "artifacts": artifacts,
            "results": out,
            "invocations": [{
                "executionSuccessful": summary.exit_code() != 2,
                "toolExecutionNotifications": notes,
                "toolConfigurationNotifications": config_notes,
            }],
            "columnKind": "unicodeCodePoints",
            "properties": {
                "suppressed": summary.suppressed,
                "baseline": run.review.baseline,
                "fixed": run.review.fixed,
            },
        }],
    });
    // Serialising a Value cannot fail; the compact form is the fallback.
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| doc.to_string());
    s.push('\n');
    s
}

fn result(r: &FileResult, index: usize, f: &Finding, rule_index: Option<usize>) -> Value {
    let loc = &f.location;
    let mut physical = json!({ "artifactLocation": { "uri": path_uri(&r.path), "index": index } });
    if let Some(line) = loc.line {
        physical["region"] = json!({ "startLine": line });
    }
    // SARIF has no pages or worksheet cells: they go in the property bag.
    let mut place = Map::new();
    if let Some(p) = loc.page {
        place.insert("page".into(), json!(p));
    }
    if let Some(s) = &loc.sheet {
        place.insert("sheet".into(), json!(s));
    }
    if let Some(c) = &loc.cell_ref {
        place.insert("cell_ref".into(), json!(c));
    }
    if !place.is_empty() {
        physical["properties"] = Value::Object(place);
    }
    let mut location = json!({ "physicalLocation": physical });
    // Logical location: table / row / column, keys in the qualified name,
    // official labels in the display name.
    let keys: Vec<&str> = [&loc.table, &loc.row_key, &loc.column_key]
        .into_iter()
        .filter_map(|k| k.as_deref())
        .collect();
    if !keys.is_empty() || loc.section.is_some() {
        let mut logical = Map::new();
        if let Some(name) = crate::place::location(&nianbao_core::Location {
            line: None,
            cell: None,
            page: None,
            sheet: None,
            cell_ref: None,
            ..loc.clone()
        }) {
            logical.insert("name".into(), json!(name));
        }
        if !keys.is_empty() {
            logical.insert("fullyQualifiedName".into(), json!(keys.join("/")));
        }
        logical.insert("kind".into(), json!("element"));
        logical.insert(
            "properties".into(),
            serde_json::to_value(loc).unwrap_or(Value::Null),
        );
        location["logicalLocations"] = json!([Value::Object(logical)]);
    }
    let mut res = json!({
        "ruleId": f.rule,
        "level": level(f.severity),
        "message": { "text": f.message },
        "locations": [location],
    });
    if let Some(i) = rule_index {
        res["ruleIndex"] = json!(i);
    }
    let mut props = Map::new();
    props.insert("basis".into(), json!(f.basis));
    if let Some(e) = &f.expected {
        props.insert("expected".into(), e.clone());
    }
    if let Some(x) = &f.found {
        props.insert("found".into(), x.clone());
    }
    if !f.also.is_empty() {
        props.insert("also".into(), json!(f.also));
    }
    res["properties"] = Value::Object(props);
    res["fingerprints"] = json!({
        format!("nianbao/v{}", nianbao_core::fingerprint::VERSION): fingerprint(f, r.agency.as_deref(), r.year)
    });
    res
}

/// A path as a SARIF `uri`: `/` separators, relative paths kept relative,
/// absolute ones as `file://`, and everything outside RFC 3986's unreserved
/// set (and `/`) percent-encoded.
pub fn path_uri(path: &str) -> String {
    let p = path.replace('\\', "/");
    let mut out = String::new();
    let body = if p.starts_with('/') {
        out.push_str("file://");
        p.as_str()
    } else if p.len() > 2 && p.as_bytes()[1] == b':' {
        out.push_str("file:///");
        p.as_str()
    } else {
        p.strip_prefix("./").unwrap_or(&p)
    };
    for b in body.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            b':' if out.starts_with("file:///") => out.push(':'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(
            path_uri("tests/fixtures/seed.yaml"),
            "tests/fixtures/seed.yaml"
        );
        assert_eq!(path_uri("./a b.yaml"), "a%20b.yaml");
        assert_eq!(
            path_uri("/tmp/年报.yaml"),
            "file:///tmp/%E5%B9%B4%E6%8A%A5.yaml"
        );
    }
}
