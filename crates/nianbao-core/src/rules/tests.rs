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

/// A script is compiled for checking without its examples; they are read
/// from the whole script when asked for, with the errors and lines a whole
/// compile gives, and what follows them keeps its line numbers.
#[test]
fn examples_are_read_when_asked_for_and_lines_stay() {
    let rule = |examples: &str| {
        format!(
            "const ID = \"E-1\";\n{HEAD}const EXAMPLES = [\n{examples}\n];\nfn check(r) {{\n  throw \"停\";\n}}"
        )
    };
    let good = rule(
        "#{ name: \"有\", expect: 1, report: `meta: {}` },\n#{ name: \"无\", expect: 0, report: `a: \"\\${x};\"` },",
    );
    let wrong_shape = rule("#{ name: \"缺 expect\", report: `meta: {}` },");
    let syntax = rule("#{ name: \"少逗号\" expect: 1, report: `meta: {}` },");
    let set = RuleSet::load(
        vec![
            src("good.rhai", &good),
            src("shape.rhai", &wrong_shape.replace("E-1", "E-2")),
            src("syntax.rhai", &syntax.replace("E-1", "E-3")),
        ],
        &Limits::default(),
    );
    // All three load: checking does not read the examples.
    assert!(set.load_errors.is_empty(), "{:?}", set.load_errors);
    assert_eq!(set.rules().len(), 3);
    let examples = |id: &str| set.get(id).unwrap().meta.examples.get();
    let read = examples("E-1").unwrap();
    assert_eq!(
        read.iter()
            .map(|e| (e.name.as_str(), e.expect))
            .collect::<Vec<_>>(),
        [("有", 1), ("无", 0)]
    );
    assert_eq!(read[1].report, "a: \"${x};\"");
    // The shape and the syntax errors of the examples, at their lines.
    let shape = examples("E-2").unwrap_err();
    assert_eq!((shape.rule.as_deref(), shape.line), (Some("E-2"), Some(5)));
    assert!(shape.message.contains("缺少 expect"), "{}", shape.message);
    let syntax = examples("E-3").unwrap_err();
    assert_eq!(
        (syntax.rule.as_deref(), syntax.file.as_str()),
        (Some("E-3"), "syntax.rhai")
    );
    assert_eq!(syntax.line, Some(6));
    assert!(syntax.message.contains("语法错误"), "{}", syntax.message);
    // A runtime error after the examples names the line of the whole script.
    let err = set
        .run(set.get("E-1").unwrap(), &Arc::new(Report::default()))
        .unwrap_err();
    assert_eq!(err.line, Some(10), "{err:?}");
    // A script with no examples has none, and a broken one outside its
    // examples is a load error as before.
    let set = RuleSet::load(
        vec![
            src(
                "none.rhai",
                &format!("const ID = \"N-1\";\n{HEAD}fn check(r) {{ [] }}"),
            ),
            src(
                "bad.rhai",
                &good
                    .replace("throw \"停\";", "let = ;")
                    .replace("E-1", "B-1"),
            ),
        ],
        &Limits::default(),
    );
    assert!(
        set.get("N-1")
            .unwrap()
            .meta
            .examples
            .get()
            .unwrap()
            .is_empty()
    );
    assert_eq!(set.load_errors.len(), 1);
    assert_eq!(set.load_errors[0].file, "bad.rhai");
    assert_eq!(set.load_errors[0].line, Some(10));
}
