//! Tests of loading, configuring and running rules.

use std::sync::Arc;

use super::*;
use crate::finding::{CellRef, Severity};
use crate::model::{Cell, Origin, Paragraph, Report, Table};
use crate::schema::TableKey;
use crate::value::Value;

fn src(path: &str, text: &str) -> RuleSource {
    RuleSource {
        path: path.into(),
        text: text.into(),
    }
}

const HEAD: &str = "const TITLE = \"t\";\nconst SEVERITY = \"warning\";\nconst BASIS = \"b\";\n";

#[test]
fn one_compiled_rule_set_serves_every_thread() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<RuleSet>();
}

#[test]
fn metadata_errors_name_the_line() {
    let set = RuleSet::load(
        vec![
            src(
                "a.rhai",
                "const ID = \"A-1\";\nconst TITLE = \"t\";\nconst SEVERITY = \"fatal\";\nconst BASIS = \"b\";\nfn check(r) { [] }",
            ),
            src(
                "b.rhai",
                &format!("const ID = \"lower\";\n{HEAD}fn check(r) {{ [] }}"),
            ),
            src(
                "c.rhai",
                &format!("const ID = \"C-1\";\n{HEAD}fn check(r) {{ [] }}"),
            ),
            src(
                "d.rhai",
                &format!("const ID = \"C-1\";\n{HEAD}fn check(r) {{ [] }}"),
            ),
            src(
                "e.rhai",
                &format!("const ID = \"E-1\";\n{HEAD}fn helper(r) {{ [] }}"),
            ),
        ],
        &Limits::default(),
    );
    let got: Vec<(&str, Option<usize>)> = set
        .load_errors
        .iter()
        .map(|e| (e.file.as_str(), e.line))
        .collect();
    assert_eq!(
        got,
        [
            ("a.rhai", Some(3)),
            ("b.rhai", Some(1)),
            ("d.rhai", Some(1)),
            ("e.rhai", None)
        ]
    );
    assert!(set.load_errors[2].message.contains("重复"));
    assert_eq!(set.rules().len(), 1);
}

#[test]
fn parameters_severity_and_switches_come_from_configuration() {
    let text = format!(
        "const ID = \"P-1\";\n{HEAD}const PARAMS = #{{ limit: 3, ratio: 0.5 }};\nfn check(r) {{\n  [#{{ message: `${{r.param(\"limit\")}} ${{r.param(\"ratio\")}}` }}, #{{ message: \"x\", severity: \"error\" }}]\n}}"
    );
    let mut set = RuleSet::load(vec![src("p.rhai", &text)], &Limits::default());
    assert!(set.load_errors.is_empty(), "{:?}", set.load_errors);
    assert_eq!(set.rules()[0].meta.params["limit"], serde_json::json!(3));
    let report = Arc::new(Report::default());
    let out = set.check(&report);
    assert_eq!(out.findings[0].message, "3 0.5");
    assert_eq!(out.findings[0].severity, Severity::Warning);
    assert_eq!(out.findings[1].severity, Severity::Error);

    set.set_param("P-1", "limit", serde_json::json!(10))
        .unwrap();
    set.set_param("P-1", "ratio", serde_json::json!(1)).unwrap();
    assert!(
        set.set_param("P-1", "limit", serde_json::json!("ten"))
            .is_err()
    );
    assert!(set.set_param("P-1", "nope", serde_json::json!(1)).is_err());
    assert!(
        set.set_param("NOPE-1", "limit", serde_json::json!(1))
            .is_err()
    );
    set.set_severity("P-1", Severity::Info).unwrap();
    let out = set.check(&report);
    assert_eq!(out.findings[0].message, "10 1.0");
    assert!(out.findings.iter().all(|f| f.severity == Severity::Info));

    set.set_enabled("P-1", false).unwrap();
    assert!(set.check(&report).findings.is_empty());
}

#[test]
fn findings_get_labels_and_origins_from_the_model() {
    let set = RuleSet::load(
        vec![src(
            "r.rhai",
            &format!(
                "const ID = \"T-1\";\n{HEAD}fn check(r) {{\n  let t = r.table(\"t3\");\n  let c = t.cell(\"new\", \"natural\");\n  [#{{ table: \"t3\", row: \"new\", column: \"natural\", message: c.place, expected: 2, found: c.num }}]\n}}"
            ),
        )],
        &Limits::default(),
    );
    assert!(set.load_errors.is_empty(), "{:?}", set.load_errors);
    let mut report = Report::default();
    let mut t3 = Table::new(TableKey::T3, Origin::Unknown);
    let origin = Origin::Table {
        table_index: 2,
        row: 4,
        column: 4,
    };
    t3.set(
        "new",
        "natural",
        Cell {
            value: Value::Int(1),
            text: "1".into(),
            origin,
        },
    );
    report.tables.insert(TableKey::T3, t3);
    let out = set.check(&Arc::new(report));
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let f = &out.findings[0];
    assert_eq!(f.message, "表三 一、本年新收·自然人");
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.location.row.as_deref(), Some("一、本年新收"));
    assert_eq!(f.location.column.as_deref(), Some("自然人"));
    assert_eq!(
        f.location.cell,
        Some(CellRef {
            table_index: 2,
            row: 4,
            column: 4
        })
    );
    assert_eq!(f.found, Some(serde_json::json!(1)));
}

#[test]
fn one_paragraph_is_read_by_the_index_a_match_names() {
    let set = RuleSet::load(
        vec![src(
            "r.rhai",
            &format!(
                "const ID = \"G-1\";\n{HEAD}fn check(r) {{\n  let out = [];\n  for m in r.find(`乙`) {{\n    let p = r.paragraph(m.paragraph);\n    out.push(#{{ message: `${{p.index}} ${{p.text}} ${{r.paragraph(m.paragraph - 1).text}}` }});\n  }}\n  out.push(#{{ message: `${{r.paragraph(0) == ()}} ${{r.paragraph(3) == ()}} ${{r.paragraph(-1) == ()}} ${{r.paragraph(-9223372036854775807 - 1) == ()}}` }});\n  out\n}}"
            ),
        )],
        &Limits::default(),
    );
    assert!(set.load_errors.is_empty(), "{:?}", set.load_errors);
    let paragraph = |text: &str| Paragraph {
        text: text.into(),
        origin: Origin::Unknown,
    };
    let report = Report {
        preamble: vec![paragraph("甲"), paragraph("乙")],
        ..Report::default()
    };
    let out = set.check(&Arc::new(report));
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let messages: Vec<&str> = out.findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(messages, ["2 乙 甲", "true true true true"]);
}
