//! The rules: per-rule fixtures that must fail and pass, rules edited without
//! recompiling, and broken scripts that must not take the others down.

use std::path::Path;
use std::time::Instant;

use crate::common::{check_json, root, run};

/// Every rule carries failing and passing examples; `rules test` runs them.
#[test]
fn every_rule_passes_its_own_examples() {
    let out = run(&["rules", "test"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    let listed = String::from_utf8(run(&["rules", "list"]).stdout).unwrap();
    assert_eq!(
        text.matches("通过  ").count(),
        listed.lines().count(),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

/// A rule author's example that does not hold makes `rules test` fail, naming it.
#[test]
fn a_wrong_example_fails_rules_test() {
    let dir = tempfile::tempdir().unwrap();
    copy_rules(dir.path());
    let path = dir.path().join("r4_blocksum.rhai");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("expect: 1,", "expect: 3,", 1)).unwrap();
    let no_examples = dir.path().join("r3_rowsum.rhai");
    let text = std::fs::read_to_string(&no_examples).unwrap();
    let start = text.find("const EXAMPLES").unwrap();
    let end = text.find("fn check").unwrap();
    std::fs::write(&no_examples, format!("{}{}", &text[..start], &text[end..])).unwrap();

    let out = run(&["rules", "test", dir.path().to_str().unwrap()]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("失败  R4-BLOCKSUM"), "{text}");
    assert!(text.contains("应报告 3 项，实际 1 项"), "{text}");
    assert!(
        text.contains("失败  R3-ROWSUM") && text.contains("缺少示例"),
        "{text}"
    );
    // The folder's copies replace the built-in rules of the same ids.
    assert!(text.contains("条规则通过，2 条失败"), "{text}");
}

#[test]
fn rules_list_and_explain() {
    insta::assert_snapshot!(String::from_utf8(run(&["rules", "list"]).stdout).unwrap());
    let out = run(&["rules", "explain", "r3-resultsum"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
    assert_eq!(run(&["rules", "explain", "NOPE"]).status.code(), Some(2));
}

/// An example a rule author broke (here a missing comma) fails `rules test`
/// with its line, while checking, which does not read the examples, runs
/// the rule.
#[test]
fn a_broken_example_fails_rules_test_and_checking_still_runs_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r3_rowsum.rhai");
    let text = std::fs::read_to_string(root().join("rules/national/r3_rowsum.rhai")).unwrap();
    let broken = text.replacen("expect: 1,", "expect: 1", 1);
    assert_ne!(broken, text);
    // Rhai names the token after the missing comma: the next line.
    let line = broken
        .lines()
        .position(|l| l.trim_end().ends_with("expect: 1"))
        .unwrap()
        + 2;
    std::fs::write(&path, broken).unwrap();
    let rules = dir.path().to_str().unwrap();

    let out = run(&["rules", "test", rules]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("失败  R3-ROWSUM"), "{text}");
    assert!(text.contains("示例无法读取：脚本语法错误"), "{text}");
    assert!(text.contains(&format!("（第 {line} 行）")), "{text}");

    let (_, json) = check_json(&[
        "--no-builtin-rules",
        "--rules",
        rules,
        "tests/fixtures/seed.yaml",
    ]);
    assert_eq!(json["errors"], serde_json::json!([]), "{json}");
    assert_eq!(json["files"][0]["errors"], serde_json::json!([]), "{json}");
}

fn copy_rules(to: &Path) {
    for entry in std::fs::read_dir(root().join("rules/national")).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
    }
}

/// A provincial author edits a script and re-runs the same binary.
#[test]
fn an_edited_rule_changes_the_output_without_recompiling() {
    let dir = tempfile::tempdir().unwrap();
    copy_rules(dir.path());
    let rules = dir.path().to_str().unwrap();
    let (_, before) = check_json(&[
        "--no-builtin-rules",
        "--rules",
        rules,
        "tests/fixtures/seed.yaml",
    ]);
    let r3 = |json: &serde_json::Value| -> Vec<serde_json::Value> {
        json["files"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"].as_str().unwrap().starts_with("R3-"))
            .cloned()
            .collect()
    };
    // R3-IDENT's two findings are merged into R3-RESULTSUM's (issue 22).
    assert_eq!(r3(&before).len(), 2);
    assert!(
        r3(&before)
            .iter()
            .all(|f| f["also"] == serde_json::json!(["R3-IDENT"]))
    );

    let path = dir.path().join("r3_resultsum.rhai");
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text
        .replace(
            "const SEVERITY = \"error\";",
            "const SEVERITY = \"warning\";",
        )
        .replace("（21 项办理结果之和）", "（本省口径：21 项之和）");
    assert_ne!(text, edited);
    std::fs::write(&path, edited).unwrap();
    std::fs::remove_file(dir.path().join("r3_ident.rhai")).unwrap();

    let (code, after) = check_json(&[
        "--no-builtin-rules",
        "--rules",
        rules,
        "tests/fixtures/seed.yaml",
    ]);
    let findings = r3(&after);
    assert_eq!(findings.len(), 2, "R3-IDENT removed: {findings:?}");
    assert!(findings.iter().all(|f| f.get("also").is_none()));
    assert!(findings.iter().all(|f| f["severity"] == "warning"));
    assert!(
        findings[0]["message"]
            .as_str()
            .unwrap()
            .contains("本省口径")
    );
    assert_eq!(code, 1);
}

const META: &str = "const TITLE = \"t\";\nconst SEVERITY = \"error\";\nconst BASIS = \"b\";\n";

#[test]
fn broken_rules_name_file_and_line_and_the_others_still_run() {
    let dir = tempfile::tempdir().unwrap();
    copy_rules(dir.path());
    let write = |name: &str, id: &str, body: &str| {
        std::fs::write(
            dir.path().join(name),
            format!("const ID = \"{id}\";\n{META}{body}"),
        )
        .unwrap();
    };
    // Line numbers: the header above is 4 lines.
    write(
        "x_syntax.rhai",
        "X-SYNTAX",
        "fn check(report) {\n    let x = ;\n}\n",
    );
    write(
        "x_loop.rhai",
        "X-LOOP",
        "fn check(report) {\n    let i = 0;\n    loop { i += 1; }\n}\n",
    );
    write(
        "x_recurse.rhai",
        "X-RECURSE",
        "fn f(n) { f(n + 1) }\nfn check(report) {\n    f(0)\n}\n",
    );
    write(
        "x_memory.rhai",
        "X-MEMORY",
        "fn check(report) {\n    let s = \"ab\";\n    loop { s += s; }\n}\n",
    );
    write(
        "x_throw.rhai",
        "X-THROW",
        "fn check(report) {\n    let t = report.table(\"t3\");\n    t.cell(\"nope\", \"natural\")\n}\n",
    );
    write("x_type.rhai", "X-TYPE", "fn check(report) {\n    42\n}\n");
    write(
        "x_field.rhai",
        "X-FIELD",
        "fn check(report) {\n    [#{ mesage: \"typo\" }]\n}\n",
    );
    std::fs::write(
        dir.path().join("x_nometa.rhai"),
        "fn check(report) { [] }\n",
    )
    .unwrap();

    let started = Instant::now();
    let (code, json) = check_json(&[
        "--rules",
        dir.path().to_str().unwrap(),
        "tests/fixtures/seed.yaml",
    ]);
    assert!(
        started.elapsed().as_secs() < 20,
        "runaway scripts are stopped quickly"
    );
    assert_eq!(code, 2);
    assert_eq!(
        json["files"][0]["findings"].as_array().unwrap().len(),
        21,
        "the national rules still report"
    );

    let name = |e: &serde_json::Value| {
        Path::new(e["file"].as_str().unwrap())
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .to_string()
    };
    let mut errors: Vec<(String, Option<u64>, String)> = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .chain(json["files"][0]["errors"].as_array().unwrap())
        .map(|e| {
            (
                name(e),
                e["line"].as_u64(),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    errors.sort();
    let summary: Vec<(&str, Option<u64>)> =
        errors.iter().map(|(f, l, _)| (f.as_str(), *l)).collect();
    assert_eq!(
        summary,
        [
            ("x_field.rhai", Some(5)),
            // Rhai gives runaway scripts no position: the line of `fn check` is named.
            ("x_loop.rhai", Some(5)),
            ("x_memory.rhai", Some(5)),
            ("x_nometa.rhai", None),
            ("x_recurse.rhai", Some(6)),
            ("x_syntax.rhai", Some(6)),
            ("x_throw.rhai", Some(7)),
            ("x_type.rhai", Some(5)),
        ],
        "{errors:#?}"
    );
    let message = |f: &str| errors.iter().find(|e| e.0 == f).unwrap().2.clone();
    assert!(message("x_field.rhai").contains("mesage"));
    assert!(message("x_throw.rhai").contains("nope"));
    assert!(message("x_nometa.rhai").contains("const ID"));
}

/// Issue 22, items 1 and 2: `--rules DIR` adds to the built-in rules (a
/// newcomer's folder never silently drops the national checks), says so once,
/// and the same folder named by `extend_rules` and `rules test` is read once;
/// a script that does not compile counts as failed.
#[test]
fn a_rule_folder_adds_to_the_built_in_rules_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let mine = dir.path().join("my-rules");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(
        mine.join("x_one.rhai"),
        "const ID = \"X-ONE\";\nconst TITLE = \"t\";\nconst SEVERITY = \"info\";\nconst BASIS = \"b\";\n\
         const EXAMPLES = [#{ name: \"a\", expect: 1, report: `sections: [{heading: 一、总体情况}]` }, #{ name: \"b\", expect: 0, report: `meta: {}` }];\n\
         fn check(report) { if report.sections.len() == 0 { [] } else { [#{ message: \"one\" }] } }\n",
    )
    .unwrap();
    let m = mine.to_str().unwrap();
    let out = run(&[
        "check",
        "--format",
        "json",
        "--rules",
        m,
        "tests/fixtures/seed.yaml",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = json["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"X-ONE") && rules.contains(&"R3-RESULTSUM"),
        "{rules:?}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("规则：内置 ") && stderr.contains("/ 1 条"),
        "{stderr}"
    );

    // The same folder through the configuration and the command line: once.
    std::fs::write(
        dir.path().join("nianbao.toml"),
        format!("extend_rules = [\"{m}\"]\n"),
    )
    .unwrap();
    let config = dir.path().join("nianbao.toml");
    let out = run(&["rules", "test", m, "--config", config.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !text.contains("重复") && text.contains("通过  X-ONE"),
        "{text}"
    );

    // A script with a syntax error is a failed rule in the summary.
    std::fs::write(
        mine.join("x_bad.rhai"),
        "const ID = \"X-BAD\";\nfn check(r) { let = ; }\n",
    )
    .unwrap();
    let out = run(&["rules", "test", m, "--no-config"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains("条规则通过，1 条失败") && text.contains("x_bad.rhai"),
        "{text}"
    );
}
