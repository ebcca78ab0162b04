//! The review workflow (issue 11): write a baseline, edit the report the way
//! a clerk re-submits it, and see only what is new; `[[ignore]]` with and
//! without a match; malformed baselines; suppressed counts in every format.
//!
//! Each test works in a temporary folder holding a copy of the seed report.
//! The human-output snapshots run with a copy of four table rules only
//! (`--rules`), so that they do not change as national rules are added.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::root;
use calamine::{Data, Reader, Xlsx, open_workbook};
use insta_cmd::assert_cmd_snapshot;
use serde_json::Value;

/// The table rules the snapshots use.
const SNAPSHOT_RULES: [&str; 4] = [
    "r3_ident.rhai",
    "r3_resultsum.rhai",
    "r3_rowsum.rhai",
    "r4_blocksum.rhai",
];

struct Work {
    dir: tempfile::TempDir,
}

impl Work {
    /// A folder with `seed.yaml` (a copy of the fixture) and `rules/` (four
    /// table rules).
    fn new() -> Work {
        let dir = tempfile::tempdir().unwrap();
        let seed = std::fs::read_to_string(root().join("tests/fixtures/seed.yaml")).unwrap();
        std::fs::write(dir.path().join("seed.yaml"), seed).unwrap();
        std::fs::create_dir(dir.path().join("rules")).unwrap();
        for r in SNAPSHOT_RULES {
            std::fs::copy(
                root().join("rules/national").join(r),
                dir.path().join("rules").join(r),
            )
            .unwrap();
        }
        Work { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `nianbao` run inside the folder (paths in output are relative).
    fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_nianbao"));
        c.current_dir(self.dir.path()).env_remove("NO_COLOR");
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }

    fn json(&self, args: &[&str]) -> (i32, Value) {
        let mut all = vec!["check", "--format", "json"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (out.status.code().unwrap(), v)
    }

    /// Edits `seed.yaml` the way a clerk re-submits it: a paragraph added
    /// to section 六 (every table line moves down), （七）总计·自然人 corrected
    /// from 0 to 1 (the real error, half fixed: 总计 stays 0), and a number
    /// changed in table 四 (维持 1 while its 总计 stays 0).
    fn resubmit(&self) {
        let p = self.path("seed.yaml");
        let text = std::fs::read_to_string(&p).unwrap();
        let edits = [
            (
                "      - \"全面推进政务公开工作",
                "      - \"下一步，我局将按照要求持续改进。\"\n      - \"全面推进政务公开工作",
            ),
            ("result_total: {natural: 0,", "result_total: {natural: 1,"),
            ("review: {upheld: 0,", "review: {upheld: 1,"),
        ];
        let mut edited = text.clone();
        for (from, to) in edits {
            assert!(edited.contains(from), "the fixture has {from}");
            edited = edited.replacen(from, to, 1);
        }
        std::fs::write(&p, edited).unwrap();
    }
}

/// (rule, column key) of a list of findings (or baseline entries), sorted.
fn keys(list: &Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["location"]["column_key"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

fn has(list: &[(String, String)], rule: &str, column: &str) -> bool {
    list.iter().any(|(r, c)| r == rule && c == column)
}

/// The rules merged into a list's finding for a column (`also`, issue 22).
fn also_of(list: &Value, rule: &str, column: &str) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule && f["location"]["column_key"] == column)
        .map(|f| {
            f["also"]
                .as_array()
                .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
                .unwrap_or_default()
        })
        .unwrap_or_default()
}

/// How many rules' findings a list stands for: each merged rule counts.
fn parts(list: &Value) -> usize {
    list.as_array()
        .unwrap()
        .iter()
        .map(|f| 1 + f["also"].as_array().map_or(0, Vec::len))
        .sum()
}

#[test]
fn a_resubmitted_report_shows_only_what_is_new() {
    let w = Work::new();
    // Accept everything the seed has today (whatever the national rules are).
    let (code, before) = w.json(&["--write-baseline", "基线.json", "seed.yaml"]);
    assert_eq!(code, 0, "writing a baseline accepts the findings");
    let accepted = before["files"][0]["findings"].as_array().unwrap().len();
    assert!(accepted >= 4);
    let baseline: Value =
        serde_json::from_str(&std::fs::read_to_string(w.path("基线.json")).unwrap()).unwrap();
    // One entry per rule of a merged finding (R3-RESULTSUM also R3-IDENT).
    assert_eq!(
        baseline["accepted"].as_array().unwrap().len(),
        parts(&before["files"][0]["findings"])
    );

    // Unchanged: nothing new, everything accepted, nothing fixed, exit 0.
    let (code, same) = w.json(&["--baseline", "基线.json", "seed.yaml"]);
    assert_eq!(code, 0);
    assert_eq!(same["files"][0]["findings"], serde_json::json!([]));
    assert_eq!(same["summary"]["suppressed"], accepted);
    assert_eq!(same["summary"]["fixed"], 0);

    w.resubmit();
    let (code, after) = w.json(&["--baseline", "基线.json", "--show-suppressed", "seed.yaml"]);
    assert_eq!(code, 1, "new findings fail the run");
    let new = keys(&after["files"][0]["findings"]);
    let suppressed = keys(&after["files"][0]["suppressed_findings"]);
    let fixed = keys(&after["fixed"]);
    // The changed number in table 四 is new.
    assert!(has(&new, "R4-BLOCKSUM", "total"), "{new:?}");
    // The 总计 cell is still wrong (accepted by R3-RESULTSUM and R3-IDENT),
    // and the half-fix (自然人 1, 总计 still 0) breaks the row sum too: the
    // three rules give one finding, shown because one part of it is new.
    assert!(has(&new, "R3-RESULTSUM", "total"), "{new:?}");
    assert_eq!(
        also_of(&after["files"][0]["findings"], "R3-RESULTSUM", "total"),
        ["R3-IDENT", "R3-ROWSUM"]
    );
    assert!(!has(&suppressed, "R3-RESULTSUM", "total"), "{suppressed:?}");
    // Its accepted parts use their entries: not reported as fixed.
    assert!(!has(&fixed, "R3-IDENT", "total") && !has(&fixed, "R3-RESULTSUM", "total"));
    // The 自然人 column is fixed.
    assert!(has(&fixed, "R3-IDENT", "natural"), "{fixed:?}");
    assert!(has(&fixed, "R3-RESULTSUM", "natural"), "{fixed:?}");
    assert!(!has(&new, "R3-IDENT", "natural") && !has(&suppressed, "R3-IDENT", "natural"));
    // Counts agree with the lists.
    assert_eq!(after["summary"]["suppressed"], suppressed.len());
    assert_eq!(after["files"][0]["suppressed"], suppressed.len());
    assert_eq!(after["summary"]["fixed"], fixed.len());
    assert_eq!(after["baseline"], "基线.json");
    // Suppressed findings are marked and carry their fingerprint.
    let s = &after["files"][0]["suppressed_findings"][0];
    assert!(
        !suppressed.is_empty(),
        "the text findings are still accepted"
    );
    assert_eq!(s["suppression"]["kind"], "baseline");
    assert_eq!(s["fingerprint"].as_str().unwrap().len(), 16);
    // The same fingerprints as in the baseline.
    let fps: Vec<&str> = baseline["accepted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["fingerprint"].as_str().unwrap())
        .collect();
    for s in after["files"][0]["suppressed_findings"].as_array().unwrap() {
        assert!(fps.contains(&s["fingerprint"].as_str().unwrap()));
    }

    // Without --show-suppressed the suppressed findings are only counted.
    let (_, plain) = w.json(&["--baseline", "基线.json", "seed.yaml"]);
    assert!(plain["files"][0].get("suppressed_findings").is_none());
    assert_eq!(plain["files"][0]["suppressed"], suppressed.len());
}

#[test]
fn the_baseline_file_is_sorted_and_stable() {
    let w = Work::new();
    let write = |name: &str| {
        let out = w.run(&["check", "-q", "--write-baseline", name, "seed.yaml"]);
        assert_eq!(out.status.code(), Some(0));
        std::fs::read_to_string(w.path(name)).unwrap()
    };
    let a = write("a.json");
    let b = write("b.json");
    assert_eq!(a, b, "the same findings give the same bytes");
    // Re-writing through the old baseline keeps it identical.
    let out = w.run(&[
        "check",
        "-q",
        "--baseline",
        "a.json",
        "--write-baseline",
        "a.json",
        "seed.yaml",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(w.path("a.json")).unwrap(), b);

    let doc: Value = serde_json::from_str(&a).unwrap();
    assert_eq!(doc["kind"], "nianbao-baseline");
    let entries = doc["accepted"].as_array().unwrap();
    let order: Vec<(String, String)> = entries
        .iter()
        .map(|e| {
            (
                e["rule"].as_str().unwrap().to_string(),
                e["location"]["column_key"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted, "entries sorted by rule, then place");
    // What a reviewer reads in a diff; nothing that moves with an edit.
    let e = entries
        .iter()
        .find(|e| e["rule"] == "R3-RESULTSUM" && e["location"]["column_key"] == "natural")
        .unwrap();
    assert_eq!(e["agency"], "洮南市林业和草原局");
    assert_eq!(e["year"], 2023);
    assert_eq!(e["location"]["place"], "表三（七）总计·自然人");
    assert_eq!(e["found"], 0);
    assert!(e["message"].as_str().unwrap().contains("应为 1"));
    assert!(e.get("line").is_none() && e["location"].get("line").is_none());
    assert!(!a.contains("seed.yaml"), "no paths in a baseline");
}

#[test]
fn checking_part_of_a_batch_does_not_report_the_rest_as_fixed() {
    let w = Work::new();
    let seed = std::fs::read_to_string(w.path("seed.yaml")).unwrap();
    std::fs::write(w.path("other.yaml"), seed.replace("洮南市", "大安市")).unwrap();
    let out = w.run(&[
        "check",
        "-q",
        "--write-baseline",
        "b.json",
        "seed.yaml",
        "other.yaml",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let (code, json) = w.json(&["--baseline", "b.json", "seed.yaml"]);
    assert_eq!(code, 0);
    assert_eq!(
        json["fixed"],
        serde_json::json!([]),
        "大安市 was not checked"
    );
    // Disabling a rule is not fixing its findings either.
    std::fs::write(
        w.path("nianbao.toml"),
        "[rules]\ndisable = [\"R3-IDENT\"]\n",
    )
    .unwrap();
    let (_, json) = w.json(&["--baseline", "b.json", "seed.yaml"]);
    assert_eq!(json["fixed"], serde_json::json!([]));
}

#[test]
fn malformed_baselines_stop_the_run_with_a_clear_message() {
    let w = Work::new();
    let cases: [(&str, &str, &str); 5] = [
        (
            "broken.json",
            "{\"kind\": \"nianbao-baseline\",",
            "不是有效的 JSON（第 1 行",
        ),
        ("other.json", "{\"accepted\": []}", "不是 nianbao 基线文件"),
        (
            "bad-entry.json",
            "{\"kind\": \"nianbao-baseline\", \"version\": 1, \"fingerprint_version\": 1, \"accepted\": [{\"fingerprint\": \"xyz\"}]}",
            "accepted 第 1 项的 fingerprint",
        ),
        (
            "future.json",
            "{\"kind\": \"nianbao-baseline\", \"version\": 9, \"fingerprint_version\": 1, \"accepted\": []}",
            "版本 9 不受支持",
        ),
        ("missing.json", "", "文件不存在"),
    ];
    for (name, text, want) in cases {
        if !text.is_empty() {
            std::fs::write(w.path(name), text).unwrap();
        }
        let out = w.run(&["check", "--baseline", name, "seed.yaml"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(out.stdout.is_empty(), "{name}: nothing checked");
        assert!(err.contains(&format!("基线文件 {name}")), "{name}: {err}");
        assert!(err.contains(want), "{name}: {err}");
    }
    // A JSON check result passed by mistake is recognised.
    let out = w.run(&["check", "-q", "--format", "json", "seed.yaml"]);
    std::fs::write(w.path("result.json"), &out.stdout).unwrap();
    let out = w.run(&["check", "--baseline", "result.json", "seed.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("这是检查结果（--format json），不是基线")
    );
}

const IGNORES: &str = r#"# 审核组的决定
[[ignore]]
rule = "R3-IDENT"
agency = "洮南市林业和草原局"
table = "t3"
column = "natural"
reason = "已电话核实：自然人申请 1 件，原件如此"

[[ignore]]
rule = "R4-BLOCKSUM"
file = "*.docx"
reason = "只对 DOCX 原件生效"
"#;

/// For the re-submitted report: the new row-sum finding is accepted by an
/// ignore; the second ignore matches nothing.
const REVIEW_IGNORES: &str = r#"[[ignore]]
rule = "R3-ROWSUM"
table = "t3"
row = "result_total"
reason = "总计列待下一版更正，本轮不再提示"

[[ignore]]
rule = "R4-BLOCKSUM"
file = "*.docx"
reason = "只对 DOCX 原件生效"
"#;

#[test]
fn ignores_with_and_without_a_match() {
    let w = Work::new();
    std::fs::write(w.path("nianbao.toml"), IGNORES).unwrap();
    let (code, json) = w.json(&["--show-suppressed", "seed.yaml"]);
    assert_eq!(code, 1, "the other findings still count");
    // R3-IDENT blames （七）总计·自然人 for the same values as R3-RESULTSUM:
    // one finding (R3-RESULTSUM, also R3-IDENT). Ignoring one of its rules
    // does not hide what the other says, as with two findings before.
    let findings = &json["files"][0]["findings"];
    let list = keys(findings);
    assert!(has(&list, "R3-RESULTSUM", "natural"));
    assert_eq!(also_of(findings, "R3-RESULTSUM", "natural"), ["R3-IDENT"]);
    assert_eq!(also_of(findings, "R3-RESULTSUM", "total"), ["R3-IDENT"]);
    let s = json["files"][0]["suppressed_findings"].as_array().unwrap();
    assert!(s.is_empty());
    // The ignore applied to its part: it is not unused.
    assert_eq!(
        json["unused_ignores"],
        serde_json::json!([{"config": "nianbao.toml", "line": 9, "rule": "R4-BLOCKSUM", "reason": "只对 DOCX 原件生效"}])
    );
    assert_eq!(json["summary"]["unused_ignores"], 1);
    assert_eq!(json["summary"]["suppressed"], 0);

    // Ignoring the other rule there too hides the cell's finding.
    let both = IGNORES.replace(
        "[[ignore]]\nrule = \"R4-BLOCKSUM\"",
        "[[ignore]]\nrule = \"R3-RESULTSUM\"\ntable = \"t3\"\ncolumn = \"natural\"\nreason = \"同上\"\n\n[[ignore]]\nrule = \"R4-BLOCKSUM\"",
    );
    std::fs::write(w.path("nianbao.toml"), both).unwrap();
    let (_, json) = w.json(&["--show-suppressed", "seed.yaml"]);
    let s = json["files"][0]["suppressed_findings"].as_array().unwrap();
    assert_eq!(s.len(), 1);
    assert_eq!(s[0]["rule"], "R3-RESULTSUM");
    assert_eq!(s[0]["location"]["column_key"], "natural");
    assert_eq!(s[0]["suppression"]["reason"], "同上");
    assert!(!has(
        &keys(&json["files"][0]["findings"]),
        "R3-RESULTSUM",
        "natural"
    ));
    assert_eq!(json["summary"]["unused_ignores"], 1);
    std::fs::write(w.path("nianbao.toml"), IGNORES).unwrap();

    // A different agency: the first ignore no longer matches either.
    let seed = std::fs::read_to_string(w.path("seed.yaml")).unwrap();
    std::fs::write(w.path("seed.yaml"), seed.replace("洮南市", "大安市")).unwrap();
    let (_, json) = w.json(&["seed.yaml"]);
    assert_eq!(json["summary"]["suppressed"], 0);
    assert_eq!(json["unused_ignores"].as_array().unwrap().len(), 2);
}

#[test]
fn an_ignore_needs_a_reason() {
    let w = Work::new();
    std::fs::write(w.path("nianbao.toml"), "[[ignore]]\nrule = \"R3-IDENT\"\n").unwrap();
    let out = w.run(&["check", "seed.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("nianbao.toml:1: [[ignore]]（规则 R3-IDENT）缺少 reason"),
        "{err}"
    );
}

/// The closing line on stderr has the elapsed time: redacted in snapshots.
const ELAPSED: (&str, &str) = (r"用时 [0-9.]+ 秒（每秒 [0-9.]+ 个文件）", "用时 [ELAPSED]");

#[test]
fn human_output_with_a_baseline() {
    let w = Work::new();
    let out = w.run(&[
        "check",
        "-q",
        "--no-builtin-rules",
        "--rules",
        "rules",
        "--write-baseline",
        "基线.json",
        "seed.yaml",
    ]);
    assert_eq!(out.status.code(), Some(0));
    w.resubmit();
    std::fs::write(w.path("nianbao.toml"), REVIEW_IGNORES).unwrap();
    insta::with_settings!({ filters => vec![ELAPSED] }, {
        assert_cmd_snapshot!("baseline_and_ignores", w.cmd().args(["check", "--no-builtin-rules", "--rules", "rules", "--baseline", "基线.json", "seed.yaml"]));
        assert_cmd_snapshot!("baseline_and_ignores_shown", w.cmd().args(["check", "-q", "--no-builtin-rules", "--rules", "rules", "--baseline", "基线.json", "--show-suppressed", "seed.yaml"]));
    });
}

#[test]
fn human_output_when_everything_is_accepted() {
    let w = Work::new();
    insta::with_settings!({ filters => vec![ELAPSED] }, {
        assert_cmd_snapshot!("write_baseline", w.cmd().args(["check", "--no-builtin-rules", "--rules", "rules", "--write-baseline", "基线.json", "seed.yaml"]));
        assert_cmd_snapshot!("nothing_new", w.cmd().args(["check", "--no-builtin-rules", "--rules", "rules", "--baseline", "基线.json", "seed.yaml"]));
    });
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    }
}

fn sheet(path: &Path, name: &str) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    wb.worksheet_range(name)
        .unwrap()
        .rows()
        .map(|r| r.iter().map(cell_text).collect())
        .collect()
}

#[test]
fn every_output_format_shows_what_was_suppressed() {
    let w = Work::new();
    let out = w.run(&["check", "-q", "--write-baseline", "基线.json", "seed.yaml"]);
    assert_eq!(out.status.code(), Some(0));
    w.resubmit();
    let (_, json) = w.json(&["--baseline", "基线.json", "--show-suppressed", "seed.yaml"]);
    let suppressed = json["summary"]["suppressed"].as_u64().unwrap() as usize;
    let fixed = json["summary"]["fixed"].as_u64().unwrap() as usize;
    let active = json["files"][0]["findings"].as_array().unwrap().len();
    assert!(suppressed > 0 && fixed > 0 && active > 0);

    // SARIF: suppressed results carry `suppressions`; new ones are "new".
    let out = w.run(&[
        "check",
        "--format",
        "sarif",
        "--baseline",
        "基线.json",
        "seed.yaml",
    ]);
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let with_suppressions: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(with_suppressions.len(), suppressed);
    assert_eq!(results.len(), suppressed + active);
    assert_eq!(with_suppressions[0]["suppressions"][0]["kind"], "external");
    assert_eq!(with_suppressions[0]["baselineState"], "unchanged");
    assert!(results.iter().any(|r| r["baselineState"] == "new"));
    assert!(
        results
            .iter()
            .all(|r| r["fingerprints"]["nianbao/v1"].is_string())
    );
    assert_eq!(sarif["runs"][0]["properties"]["suppressed"], suppressed);
    assert_eq!(
        sarif["runs"][0]["properties"]["fixed"]
            .as_array()
            .unwrap()
            .len(),
        fixed
    );

    // HTML: the counts, the fixed list; rows for suppressed findings only when asked.
    let out = w.run(&[
        "check",
        "--format",
        "html",
        "--baseline",
        "基线.json",
        "seed.yaml",
    ]);
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(html.contains(&format!("<b class=\"\">{suppressed}</b>已接受（未计入）")));
    assert!(html.contains(&format!("<b class=\"\">{fixed}</b>已整改")));
    assert!(html.contains("id=\"fixed\""));
    assert_eq!(html.matches("<tr data-severity=").count(), active);
    let out = w.run(&[
        "check",
        "--format",
        "html",
        "--baseline",
        "基线.json",
        "--show-suppressed",
        "seed.yaml",
    ]);
    let html = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        html.matches("<tr data-severity=").count(),
        active + suppressed
    );
    assert_eq!(
        html.matches("data-suppressed=\"baseline\"").count(),
        suppressed
    );

    // XLSX: 已接受 per file, the 已整改 sheet, marked rows with --show-suppressed.
    let xlsx = w.path("审核.xlsx");
    let out = w.run(&[
        "check",
        "--format",
        "xlsx",
        "-o",
        xlsx.to_str().unwrap(),
        "--baseline",
        "基线.json",
        "--show-suppressed",
        "seed.yaml",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let sum = sheet(&xlsx, "汇总");
    let col = sum[0].iter().position(|h| h == "已接受").unwrap();
    assert_eq!(sum[1][col], suppressed.to_string());
    assert_eq!(sheet(&xlsx, "已整改").len(), 1 + fixed);
    let list = sheet(&xlsx, "问题清单");
    let how = list[0].iter().position(|h| h == "处理").unwrap();
    assert_eq!(list.len(), 1 + active + suppressed);
    assert_eq!(
        list[1..]
            .iter()
            .filter(|r| r.get(how).is_some_and(|c| c == "已接受（基线）"))
            .count(),
        suppressed
    );
}
