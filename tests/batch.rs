//! Batch checking at scale and the reviewer outputs: a generated folder of
//! more than 200 good, bad and corrupt reports checked in parallel; stable
//! order across `--jobs`; panic isolation; SARIF, XLSX and HTML read back.

use std::path::{Path, PathBuf};

use crate::common::{self, nianbao, root, run};
use calamine::{Data, Reader, Xlsx, open_workbook};

const CITIES: [&str; 5] = ["洮南市", "白城市", "大安市", "镇赉县", "通榆县"];
const GOOD: usize = 100;
const BAD: usize = 80;
const CORRUPT: usize = 25;

struct Folder {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

/// A folder of `GOOD` clean reports, `BAD` reports with arithmetic errors,
/// `CORRUPT` files that cannot be read, and files the walk must skip.
fn generate() -> Folder {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("2024年报");
    let clean = std::fs::read_to_string(root().join("tests/fixtures/clean.yaml")).unwrap();
    let seed = std::fs::read_to_string(root().join("tests/fixtures/seed.yaml")).unwrap();
    for sub in ["good", "bad/nested/deeper", "corrupt"] {
        std::fs::create_dir_all(base.join(sub)).unwrap();
    }
    for i in 0..GOOD {
        let city = CITIES[i % CITIES.len()];
        let text = clean.replace("洮南市", city);
        std::fs::write(base.join(format!("good/{i:03}-{city}.yaml")), text).unwrap();
    }
    for i in 0..BAD {
        let city = CITIES[i % CITIES.len()];
        let (text, sub) = if i % 2 == 0 {
            (seed.replace("洮南市", city), "bad")
        } else {
            // A clean report with one broken count: 新收 natural 5 → 7.
            let broken = clean.replacen("new: {natural: 5,", "new: {natural: 7,", 1);
            assert_ne!(broken, clean);
            (broken.replace("洮南市", city), "bad/nested/deeper")
        };
        std::fs::write(base.join(format!("{sub}/{i:03}-{city}.yaml")), text).unwrap();
    }
    for i in 0..CORRUPT {
        let p = base.join(format!("corrupt/{i:03}.yaml"));
        match i % 3 {
            0 => std::fs::write(&p, "tables:\n  t3:\n    new: {natural: 1\n").unwrap(),
            1 => std::fs::write(&p, [0u8, 159, 146, 150, 1, 2, 3, 255]).unwrap(),
            _ => std::fs::write(&p, "tables:\n  t3:\n    new:\n      nautral: 1\n").unwrap(),
        }
    }
    // Skipped by the walk: hidden, lock files, unsupported extensions.
    std::fs::write(base.join("good/.hidden.yaml"), "{{{").unwrap();
    std::fs::write(base.join("good/~$lock.yaml"), "{{{").unwrap();
    std::fs::create_dir_all(base.join(".git")).unwrap();
    std::fs::write(base.join(".git/x.yaml"), "{{{").unwrap();
    // Not a format nianbao reads (.md is one: Markdown reports).
    std::fs::write(base.join("readme.rst"), "not a report").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&base, base.join("bad/nested/loop")).unwrap();
    Folder {
        _dir: dir,
        path: base,
    }
}

fn check(args: &[&str], dir: &Path) -> std::process::Output {
    nianbao()
        .arg("check")
        .args(args)
        .arg(dir)
        .output()
        .expect("nianbao runs")
}

fn json_of(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn a_generated_folder_is_checked_in_parallel() {
    let f = generate();
    let out = check(&["--format", "json", "--jobs", "2"], &f.path);
    assert_eq!(out.status.code(), Some(2), "corrupt files mean exit 2");
    assert!(
        out.stderr.is_empty(),
        "machine formats print nothing on stderr"
    );
    let json = json_of(&out);
    let files = json["files"].as_array().unwrap();
    assert_eq!(files.len(), GOOD + BAD + CORRUPT);
    let paths: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "sorted by path");
    for f in files {
        let p = f["path"].as_str().unwrap();
        let findings = f["findings"].as_array().unwrap().len();
        let errors = f["errors"].as_array().unwrap().len();
        if p.contains("/corrupt/") {
            assert_eq!(errors, 1, "{p}");
            assert_eq!(f["errors"][0]["kind"], "read");
        } else if p.contains("/good/") {
            assert_eq!((findings, errors), (0, 0), "{p}: {f}");
        } else {
            assert!(p.contains("/bad/"), "{p}");
            assert!(findings > 0 && errors == 0, "{p}: {f}");
        }
    }
    let s = &json["summary"];
    assert_eq!(s["files"], GOOD + BAD + CORRUPT);
    assert_eq!(s["unreadable"], CORRUPT);
    assert_eq!(s["files_with_findings"], BAD);
}

#[test]
fn output_is_the_same_for_any_number_of_jobs() {
    let f = generate();
    let one = check(&["--format", "json", "--jobs", "1"], &f.path);
    let four = check(&["--format", "json", "--jobs", "4"], &f.path);
    assert_eq!(one.status.code(), four.status.code());
    assert!(
        one.stdout == four.stdout,
        "JSON differs between --jobs 1 and 4"
    );
    let one = check(&["--format", "sarif", "-j", "1"], &f.path);
    let four = check(&["--format", "sarif", "-j", "4"], &f.path);
    assert!(
        one.stdout == four.stdout,
        "SARIF differs between --jobs 1 and 4"
    );
}

#[test]
fn a_panic_is_that_files_error_and_the_batch_goes_on() {
    let f = generate();
    let out = nianbao()
        .env("NIANBAO_TEST_PANIC", "001-白城市.yaml")
        .args(["check", "--format", "json", "--jobs", "2"])
        .arg(f.path.join("good"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let json = json_of(&out);
    let files = json["files"].as_array().unwrap();
    assert_eq!(files.len(), GOOD);
    let bad: Vec<_> = files
        .iter()
        .filter(|f| !f["errors"].as_array().unwrap().is_empty())
        .collect();
    assert_eq!(bad.len(), 1);
    assert!(
        bad[0]["path"]
            .as_str()
            .unwrap()
            .ends_with("001-白城市.yaml")
    );
    let msg = bad[0]["errors"][0]["message"].as_str().unwrap();
    assert!(
        msg.contains("内部错误") && msg.contains("NIANBAO_TEST_PANIC"),
        "{msg}"
    );
    assert_eq!(json["summary"]["unreadable"], 1);
}

#[test]
fn human_summary_line_goes_to_stderr_and_quiet_hides_it() {
    let out = run(&["check", "tests/fixtures/seed.yaml"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("完成：1 个文件，错误 3 项") && stderr.contains("用时"),
        "{stderr}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("用时"));
    let out = run(&["check", "--quiet", "tests/fixtures/seed.yaml"]);
    assert!(out.stderr.is_empty());
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn xlsx_needs_an_output_file() {
    let out = run(&["check", "--format", "xlsx", "tests/fixtures/seed.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("-o"));
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

#[test]
fn xlsx_reads_back_with_calamine() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("汇总.xlsx");
    let broken = dir.path().join("broken.yaml");
    std::fs::write(&broken, "tables:\n  t3:\n    new: {natural: 1\n").unwrap();
    let out = run(&[
        "check",
        "--format",
        "xlsx",
        "-o",
        xlsx.to_str().unwrap(),
        "tests/fixtures/seed.yaml",
        "tests/fixtures/clean.yaml",
        broken.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let json = common::check_json(&["tests/fixtures/seed.yaml"]).1;

    let mut wb: Xlsx<_> = open_workbook(&xlsx).unwrap();
    assert_eq!(
        wb.sheet_names(),
        vec!["汇总".to_string(), "问题清单".to_string()]
    );

    let sum = wb.worksheet_range("汇总").unwrap();
    let rows: Vec<Vec<String>> = sum
        .rows()
        .map(|r| r.iter().map(cell_text).collect())
        .collect();
    assert_eq!(rows.len(), 4, "header + 3 files");
    assert_eq!(
        &rows[0][..10],
        [
            "文件",
            "格式",
            "单位",
            "年度",
            "状态",
            "错误",
            "警告",
            "提示",
            "规则运行失败",
            "无法读取原因"
        ]
    );
    let r3 = rows[0].iter().position(|h| h == "R3-RESULTSUM").unwrap();
    assert_eq!(
        &rows[1][..9],
        [
            "tests/fixtures/seed.yaml",
            "yaml",
            "洮南市林业和草原局",
            "2023",
            "有问题",
            "3",
            "7",
            "11",
            "0"
        ]
    );
    assert_eq!(rows[1][r3], "2");
    assert_eq!(&rows[2][4..6], ["未发现问题", "0"]);
    assert_eq!(rows[3][4], "无法读取");
    assert!(!rows[3][9].is_empty(), "the read error is shown");

    let list = wb.worksheet_range("问题清单").unwrap();
    let rows: Vec<Vec<String>> = list
        .rows()
        .map(|r| r.iter().map(cell_text).collect())
        .collect();
    let findings = json["files"][0]["findings"].as_array().unwrap();
    assert_eq!(
        rows.len(),
        1 + findings.len(),
        "header + one row per finding"
    );
    let h = |name: &str| rows[0].iter().position(|c| c == name).unwrap();
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    for (row, f) in rows[1..].iter().zip(findings) {
        assert_eq!(row[h("文件")], "tests/fixtures/seed.yaml");
        assert_eq!(row[h("规则")], f["rule"].as_str().unwrap());
        assert_eq!(row[h("说明")], f["message"].as_str().unwrap());
        let level = match f["severity"].as_str().unwrap() {
            "error" => "错误",
            "warning" => "警告",
            _ => "提示",
        };
        assert_eq!(row[h("级别")], level);
        assert_eq!(row[h("表")], text(&f["location"]["table_label"]));
        assert_eq!(row[h("行")], text(&f["location"]["row"]));
        assert_eq!(row[h("列")], text(&f["location"]["column"]));
        assert_eq!(row[h("行号")], text(&f["location"]["line"]));
        assert_eq!(row[h("应为")], text(&f["expected"]));
        assert_eq!(row[h("实为")], text(&f["found"]));
        assert_eq!(row[h("依据")], f["basis"].as_str().unwrap());
    }
}

#[test]
fn xlsx_is_reproducible() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.xlsx");
    let b = dir.path().join("b.xlsx");
    for p in [&a, &b] {
        run(&[
            "check",
            "--format",
            "xlsx",
            "-o",
            p.to_str().unwrap(),
            "tests/fixtures/seed.yaml",
        ]);
    }
    assert!(std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap());
}

#[test]
fn html_report_is_self_contained_with_every_finding() {
    let f = generate();
    let html_path = f.path.parent().unwrap().join("报告.html");
    let out = nianbao()
        .args(["check", "--format", "html", "-o"])
        .arg(&html_path)
        .arg(&f.path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let html = std::fs::read_to_string(&html_path).unwrap();
    let json = json_of(&check(&["--format", "json"], &f.path));
    let findings: usize = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["findings"].as_array().unwrap().len())
        .sum();
    assert_eq!(html.matches("<tr data-severity=").count(), findings);
    assert!(html.contains("<html lang=\"zh-CN\">") && html.contains("按单位汇总"));
    for city in CITIES {
        assert!(html.contains(city), "agency {city} in the summary");
    }
    for external in ["src=", "<link", "http://", "https://", "@import"] {
        assert!(!html.contains(external), "no external assets: {external}");
    }
    assert!(html.contains("id=\"f-sev\"") && html.contains("id=\"f-rule\""));
}

fn redact_sarif(v: &mut serde_json::Value) {
    v["runs"][0]["tool"]["driver"]["version"] = "[VERSION]".into();
}

#[test]
fn sarif_output_seed() {
    let out = run(&["check", "--format", "sarif", "tests/fixtures/seed.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let run0 = &v["runs"][0];
    let results = run0["results"].as_array().unwrap();
    assert_eq!(results.len(), 21);
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
        assert!(rules[i]["help"]["text"].as_str().unwrap().contains("依据"));
        let loc = &r["locations"][0];
        assert_eq!(
            loc["physicalLocation"]["artifactLocation"]["uri"],
            "tests/fixtures/seed.yaml"
        );
        assert!(
            loc["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .is_some()
        );
        // Table findings name their cell logically; text findings their paragraph line.
        if r["ruleId"].as_str().unwrap().starts_with("R3-") {
            assert!(
                loc["logicalLocations"][0]["fullyQualifiedName"]
                    .as_str()
                    .unwrap()
                    .starts_with("t3/")
            );
        }
    }
    redact_sarif(&mut v);
    insta::assert_json_snapshot!(v);
}

#[test]
fn json_output_seed_with_jobs() {
    let out = run(&[
        "check",
        "--format",
        "json",
        "--jobs",
        "2",
        "tests/fixtures/seed.yaml",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    insta::assert_json_snapshot!(v);
}

#[test]
fn output_file_is_written_and_stdout_stays_empty() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("out.json");
    let out = run(&[
        "check",
        "--format",
        "json",
        "-o",
        p.to_str().unwrap(),
        "tests/fixtures/seed.yaml",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
    assert_eq!(v["summary"]["error"], 3);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names.len(), 1, "no temporary file left: {names:?}");
}
