//! `nianbao check` end to end on the fixtures: snapshots of both output
//! formats, exit codes, and bad input that must not stop a run.

use crate::common::{self, check_json, nianbao, rule_columns, run};
use insta_cmd::assert_cmd_snapshot;

#[test]
fn seed_has_the_real_arithmetic_error_and_no_other_table_error() {
    let (code, json) = check_json(&["tests/fixtures/seed.yaml"]);
    assert_eq!(code, 1);
    // Text rules are tested in tests/national.rs; here, the tables.
    let mut got = arithmetic(rule_columns(&json));
    got.sort();
    // R3-IDENT blames the same cells for the same values: merged (`also`).
    let want = [("R3-RESULTSUM", "natural"), ("R3-RESULTSUM", "total")];
    assert_eq!(got, want.map(|(r, c)| (r.to_string(), c.to_string())));
    let f = &json["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "R3-RESULTSUM" && f["location"]["column_key"] == "natural")
        .unwrap()
        .clone();
    assert_eq!(
        f["message"],
        "表三（七）总计·自然人 应为 1（21 项办理结果之和），实为 0；同时，表三·自然人：新收与上年结转之和为 1，办理结果总计与结转下年度之和为 0，两者应相等（第一项 + 第二项 = 第三项 + 第四项）"
    );
    assert_eq!(f["also"], serde_json::json!(["R3-IDENT"]));
    assert_eq!(
        (f["expected"].as_i64(), f["found"].as_i64()),
        (Some(1), Some(0))
    );
    assert_eq!(f["location"]["row_key"], "result_total");
    assert_eq!(f["location"]["line"], 67, "the YAML line of （七）总计");
}

/// Two rules that blame the same cell for the same values give one finding
/// (issue 22, item 8): the seed's wrong （七）总计 cells, one line each.
#[test]
fn one_finding_per_wrong_cell() {
    let (_, json) = check_json(&["tests/fixtures/seed.yaml"]);
    let cells: Vec<String> = json["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["location"]["column_key"].is_string())
        .map(|f| {
            let l = &f["location"];
            format!(
                "{}/{}/{}: {} also {} ({} -> {}) {}",
                l["table"].as_str().unwrap(),
                l["row_key"].as_str().unwrap(),
                l["column_key"].as_str().unwrap(),
                f["rule"].as_str().unwrap(),
                f["also"],
                f["found"],
                f["expected"],
                f["severity"].as_str().unwrap(),
            )
        })
        .collect();
    insta::assert_snapshot!(cells.join("\n"));
}

#[test]
fn clean_report_is_clean() {
    let (code, json) = check_json(&["tests/fixtures/clean.yaml"]);
    assert_eq!(json["files"][0]["findings"], serde_json::json!([]));
    assert_eq!(code, 0);
}

/// Findings of the table rules only.
fn arithmetic(found: Vec<(String, String)>) -> Vec<(String, String)> {
    found
        .into_iter()
        .filter(|(rule, _)| ["R3-", "R4-", "NUM-"].iter().any(|p| rule.starts_with(p)))
        .collect()
}

/// The closing line on stderr has the elapsed time: redacted in snapshots.
const ELAPSED: (&str, &str) = (r"用时 [0-9.]+ 秒（每秒 [0-9.]+ 个文件）", "用时 [ELAPSED]");

#[test]
fn human_output_seed() {
    insta::with_settings!({ filters => vec![ELAPSED] }, {
        assert_cmd_snapshot!(nianbao().args(["check", "tests/fixtures/seed.yaml"]));
    });
}

#[test]
fn human_output_clean() {
    insta::with_settings!({ filters => vec![ELAPSED] }, {
        assert_cmd_snapshot!(nianbao().args(["check", "tests/fixtures/clean.yaml"]));
    });
}

#[test]
fn json_output_seed() {
    assert_cmd_snapshot!(nianbao().args(["check", "--format", "json", "tests/fixtures/seed.yaml"]));
}

#[test]
fn json_output_clean() {
    assert_cmd_snapshot!(nianbao().args([
        "check",
        "--format",
        "json",
        "tests/fixtures/clean.yaml"
    ]));
}

#[test]
fn no_colour_when_not_a_terminal() {
    let out = run(&["check", "tests/fixtures/seed.yaml"]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\x1b'));
}

#[test]
fn unreadable_files_are_reported_and_the_others_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.yaml");
    std::fs::write(&broken, "tables:\n  t3:\n    new: {natural: 1\n").unwrap();
    let junk = dir.path().join("junk.bin");
    std::fs::write(&junk, [0u8, 159, 146, 150, 1, 2, 3]).unwrap();
    let missing = dir.path().join("missing.yaml");
    let (code, json) = check_json(&[
        broken.to_str().unwrap(),
        "tests/fixtures/seed.yaml",
        junk.to_str().unwrap(),
        missing.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "could not run on every file");
    let files = json["files"].as_array().unwrap();
    assert_eq!(files.len(), 4);
    let err = |i: usize| files[i]["errors"][0].clone();
    assert_eq!(err(0)["kind"], "read");
    assert!(
        err(0)["line"].as_u64().is_some(),
        "YAML errors name the line: {}",
        err(0)
    );
    assert_eq!(
        files[1]["findings"].as_array().unwrap().len(),
        21,
        "the good file is still checked"
    );
    assert!(
        err(2)["message"]
            .as_str()
            .unwrap()
            .contains("不支持的文件格式")
    );
    assert!(err(3)["message"].as_str().unwrap().contains("不存在"));
    assert_eq!(json["summary"]["unreadable"], 3);
}

#[test]
fn unknown_keys_in_yaml_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("typo.yaml");
    std::fs::write(&f, "tables:\n  t3:\n    new:\n      nautral: 1\n").unwrap();
    let out = run(&["check", f.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text.contains("第 4 行") && text.contains("nautral"),
        "{text}"
    );
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    assert_eq!(run(&["check"]).status.code(), Some(2));
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(run(&["--help"]).status.code(), Some(0));
}

#[test]
fn a_directory_is_walked_in_path_order() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("县直部门");
    std::fs::create_dir(&sub).unwrap();
    std::fs::copy(
        common::root().join("tests/fixtures/seed.yaml"),
        sub.join("b.yaml"),
    )
    .unwrap();
    std::fs::copy(
        common::root().join("tests/fixtures/clean.yaml"),
        dir.path().join("a.yaml"),
    )
    .unwrap();
    std::fs::write(dir.path().join("~$a.yaml"), "lock file").unwrap();
    std::fs::write(dir.path().join(".hidden.yaml"), "hidden").unwrap();
    std::fs::write(dir.path().join("notes.rst"), "not a report").unwrap();
    let (code, json) = check_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 1);
    let paths: Vec<String> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            f["path"]
                .as_str()
                .unwrap()
                .replace(dir.path().to_str().unwrap(), "")
        })
        .collect();
    assert_eq!(paths, ["/a.yaml", "/县直部门/b.yaml"]);
}

/// What a finding says, without where (locations differ by format by nature).
fn said(json: &serde_json::Value) -> Vec<String> {
    let mut v: Vec<String> = json["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {} {}",
                f["rule"], f["message"], f["expected"], f["found"], f["location"]["row_key"]
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn the_seed_text_dump_gives_the_same_findings_as_its_yaml_transcription() {
    let (code_txt, txt) = check_json(&["tests/fixtures/seed.txt"]);
    let (code_yaml, yaml) = check_json(&["tests/fixtures/seed.yaml"]);
    assert_eq!(txt["files"][0]["format"], "text");
    assert_eq!(said(&txt), said(&yaml));
    assert_eq!(said(&txt).len(), 21);
    assert_eq!((code_txt, code_yaml), (1, 1));
}

#[test]
fn human_output_seed_text() {
    insta::with_settings!({ filters => vec![ELAPSED] }, {
        assert_cmd_snapshot!(nianbao().args(["check", "tests/fixtures/seed.txt"]));
    });
}

#[test]
fn the_seed_docx_written_by_libreoffice_gives_the_same_findings_as_its_yaml() {
    let (code, docx) = check_json(&["tests/fixtures/seed.docx"]);
    let (_, yaml) = check_json(&["tests/fixtures/seed.yaml"]);
    assert_eq!(docx["files"][0]["format"], "docx");
    assert_eq!(said(&docx), said(&yaml));
    assert_eq!(code, 1);
    let cell = &docx["files"][0]["findings"][0]["location"]["cell"];
    assert_eq!(
        cell,
        &serde_json::json!({"table_index": 2, "row": 27, "column": 4})
    );
}

/// Real LibreOffice files: section headings and （一） sub-headings numbered
/// automatically (numbering.xml, through the Heading 1 style and directly), and
/// tracked changes (read accepted). Both are the seed, so they must say what
/// seed.yaml says, and recognise its six sections.
#[test]
fn automatic_numbering_and_tracked_changes_give_the_seed_findings() {
    let (_, yaml) = check_json(&["tests/fixtures/seed.yaml"]);
    for fixture in [
        "tests/fixtures/numbering.docx",
        "tests/fixtures/tracked.docx",
    ] {
        let (code, docx) = check_json(&[fixture]);
        assert_eq!(docx["files"][0]["format"], "docx", "{fixture}");
        assert_eq!(said(&docx), said(&yaml), "{fixture}");
        assert_eq!(code, 1, "{fixture}");
        let out = run(&["extract", "--to", "json", fixture]);
        let model: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let headings: Vec<&str> = model["sections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["heading"].as_str().unwrap())
            .collect();
        assert_eq!(
            headings,
            [
                "一、总体情况",
                "二、主动公开政府信息情况",
                "三、收到和处理政府信息公开申请情况",
                "四、政府信息公开行政复议、行政诉讼情况",
                "五、存在的主要问题及改进情况",
                "六、其他需要报告的事项"
            ],
            "{fixture}"
        );
    }
}

#[test]
fn a_legacy_doc_file_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("旧格式.doc");
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.extend_from_slice(&[0; 512]);
    std::fs::write(&f, bytes).unwrap();
    let (code, json) = check_json(&[f.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        json["files"][0]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("请另存为 .docx")
    );
}

/// `extract` writes what was recognised in the YAML schema; checking that
/// YAML gives the same findings as checking the original.
#[test]
fn extract_round_trips_to_identical_findings() {
    let dir = tempfile::tempdir().unwrap();
    for source in [
        "tests/fixtures/seed.docx",
        "tests/fixtures/numbering.docx",
        "tests/fixtures/tracked.docx",
        "tests/fixtures/seed.txt",
        "tests/fixtures/clean.yaml",
    ] {
        let out = run(&["extract", source]);
        assert_eq!(out.status.code(), Some(0), "{source}");
        let yaml = dir.path().join("extracted.yaml");
        std::fs::write(&yaml, &out.stdout).unwrap();
        let (_, original) = check_json(&[source]);
        let (_, again) = check_json(&[yaml.to_str().unwrap()]);
        assert_eq!(said(&again), said(&original), "{source}");
        assert_eq!(
            again["files"][0]["agency"], original["files"][0]["agency"],
            "{source}"
        );
    }
    let json = run(&["extract", "--to", "json", "tests/fixtures/seed.docx"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["tables"]["t3"]["withheld_third_party"]["natural"], 1);
    assert_eq!(
        run(&["extract", "tests/fixtures/missing.docx"])
            .status
            .code(),
        Some(2)
    );
}

/// LibreOffice-written seed with 「１」 full-width digits and a blank cell:
/// the same arithmetic findings, plus NUM-BLANK for the blank.
#[test]
fn full_width_digits_and_blanks_in_a_real_docx() {
    let (code, json) = check_json(&["tests/fixtures/fullwidth.docx"]);
    assert_eq!(code, 1);
    let mut got = arithmetic(rule_columns(&json));
    got.sort();
    let want = [
        ("NUM-BLANK", "commercial"),
        ("R3-RESULTSUM", "natural"),
        ("R3-RESULTSUM", "total"),
    ];
    assert_eq!(got, want.map(|(r, c)| (r.to_string(), c.to_string())));
}

#[test]
fn a_file_with_nothing_of_the_national_format_cannot_be_checked() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("会议纪要.txt");
    std::fs::write(
        &f,
        "关于召开政府信息公开工作会议的通知\n请各单位准时参加。\n",
    )
    .unwrap();
    let (code, json) = check_json(&[f.to_str().unwrap()]);
    assert_eq!(code, 2);
    let msg = json["files"][0]["errors"][0]["message"].as_str().unwrap();
    assert!(msg.contains("未识别到年报内容"), "{msg}");
}

/// The national rule ids, from the rule files.
fn national_rule_ids() -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(common::root().join("rules/national"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .map(|text| {
            let line = text
                .lines()
                .find(|l| l.starts_with("const ID"))
                .unwrap()
                .to_string();
            line.split('"').nth(1).unwrap().to_string()
        })
        .collect();
    ids.sort();
    ids
}

#[test]
fn timings_table_on_stderr_sums_the_batch_sorted_with_shares() {
    let out = run(&[
        "check",
        "--timings",
        "--quiet",
        "--jobs",
        "2",
        "tests/fixtures/seed.yaml",
        "tests/fixtures/seed.docx",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines[0], "耗时统计（2 个文件，2 个线程，各线程时间之和）",
        "{stderr}"
    );
    assert!(lines[1].starts_with("规则 / 步骤"), "{stderr}");
    // name, milliseconds, share (%) of every entry, then 合计 and a summary line.
    let rows: Vec<(String, f64, f64)> = lines[2..lines.len() - 2]
        .iter()
        .map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(cols.len(), 3, "{l}");
            let share = cols[2].strip_suffix('%').unwrap().parse().unwrap();
            (cols[0].to_string(), cols[1].parse().unwrap(), share)
        })
        .collect();
    let names: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    for step in [
        "读取文件（解析格式）",
        "识别（章节、表格、元数据）",
        "加载规则（编译脚本）",
    ] {
        assert!(names.contains(&step), "{step} in {stderr}");
    }
    for id in national_rule_ids() {
        assert_eq!(
            names.iter().filter(|n| **n == id).count(),
            1,
            "{id} once in {stderr}"
        );
    }
    assert!(
        rows.windows(2).all(|w| w[0].1 >= w[1].1),
        "slowest first: {stderr}"
    );
    let shares: f64 = rows.iter().map(|r| r.2).sum();
    assert!((shares - 100.0).abs() < 0.1 * rows.len() as f64, "{stderr}");
    assert!(lines[lines.len() - 2].starts_with("合计"), "{stderr}");
    assert!(lines[lines.len() - 1].starts_with("其中 读取 "), "{stderr}");
    // The findings are the same as without --timings.
    let plain = run(&[
        "check",
        "tests/fixtures/seed.yaml",
        "tests/fixtures/seed.docx",
    ]);
    assert_eq!(out.stdout, plain.stdout);
}

#[test]
fn timings_in_json_only_when_asked() {
    let (_, json) = check_json(&["tests/fixtures/seed.yaml"]);
    assert!(json.get("timings").is_none());
    let (code, json) = check_json(&[
        "--timings",
        "--jobs",
        "2",
        "tests/fixtures/seed.yaml",
        "tests/fixtures/seed.docx",
    ]);
    assert_eq!(code, 1);
    let t = &json["timings"];
    assert_eq!(
        (t["files"].as_u64(), t["threads"].as_u64()),
        (Some(2), Some(2))
    );
    let entries = t["entries"].as_array().unwrap();
    let ms = |e: &serde_json::Value| e["ms"].as_f64().unwrap();
    assert!(entries.windows(2).all(|w| ms(&w[0]) >= ms(&w[1])));
    let sum: f64 = entries.iter().map(ms).sum();
    let total = t["total_ms"].as_f64().unwrap();
    assert!((sum - total).abs() < 1e-6 * total.max(1.0), "{t}");
    let rules: Vec<&serde_json::Value> = entries.iter().filter(|e| e["kind"] == "rule").collect();
    let rules_ms: f64 = rules.iter().map(|e| ms(e)).sum();
    assert!((rules_ms - t["rules_ms"].as_f64().unwrap()).abs() < 1e-6 * total.max(1.0));
    let mut ids: Vec<String> = rules
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_string())
        .filter(|id| !id.starts_with("X-"))
        .collect();
    ids.sort();
    assert_eq!(ids, national_rule_ids(), "every rule that ran, once");
    for kind in ["load", "read", "recognize"] {
        assert_eq!(
            entries.iter().filter(|e| e["kind"] == kind).count(),
            1,
            "{kind}"
        );
    }
    // seed.docx is recognised from a document; seed.yaml is read as a report.
    assert!(t["read_ms"].as_f64().unwrap() > 0.0);
    assert!(t["recognize_ms"].as_f64().unwrap() > 0.0);
    let shares: f64 = entries.iter().map(|e| e["share"].as_f64().unwrap()).sum();
    assert!((shares - 1.0).abs() < 1e-9, "{shares}");
}

/// Issue 22, item 3: a run that checks nothing is not a clean result.
#[test]
fn nothing_to_check_and_a_mistyped_previous_dir_exit_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("readme.md.bak"), "x").unwrap();
    let empty = dir.path().to_str().unwrap();
    for args in [
        vec!["check", empty],
        vec!["annotate", empty, "--out-dir", empty],
    ] {
        let out = run(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("没有可检查的报告文件"), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    let out = run(&[
        "check",
        "tests/fixtures/seed.yaml",
        "--previous-dir",
        "tests/fixtures/no-such-folder",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("上一年度报告目录 tests/fixtures/no-such-folder 不存在"),
        "{stderr}"
    );
}

/// Issue 22, item 4: what `-o` writes is an ordinary file (not a temporary
/// file's 0600), and the run says where it went; a missing folder is named.
#[test]
fn written_files_are_ordinary_files_and_are_announced() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.json");
    let out = run(&[
        "check",
        "tests/fixtures/seed.yaml",
        "--format",
        "json",
        "-o",
        target.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("已写入 {}", target.display())),
        "{stderr}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let ordinary = dir.path().join("ordinary");
        std::fs::write(&ordinary, "x").unwrap();
        assert_eq!(mode(&target), mode(&ordinary));
    }
    let missing = dir.path().join("none/out.json");
    let out = run(&[
        "check",
        "tests/fixtures/seed.yaml",
        "-o",
        missing.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("不存在") && !stderr.contains(".nianbao-"),
        "{stderr}"
    );
}

/// Issue 22, item 9: a workbook of bare tables named after its agency is
/// grouped under that agency, not 「（未识别单位）」.
#[test]
fn a_tables_only_workbook_takes_its_agency_from_its_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let named = dir
        .path()
        .join("洮南市林业和草原局2023年政府信息公开工作年度报告统计表.xlsx");
    std::fs::copy(
        common::root().join("tests/fixtures/seed-sheets.xlsx"),
        &named,
    )
    .unwrap();
    let (_, json) = check_json(&["--no-config", named.to_str().unwrap()]);
    assert_eq!(json["files"][0]["agency"], "洮南市林业和草原局", "{json}");
    let out = run(&["extract", named.to_str().unwrap()]);
    let yaml = String::from_utf8(out.stdout).unwrap();
    assert!(yaml.contains("# 取自文件名"), "{yaml}");
}

/// Issue 22, item 7: command-line mistakes are told in Chinese, with clap's
/// suggestion, and exit 2.
#[test]
fn usage_errors_are_in_chinese() {
    for (args, says) in [
        (&["chek"][..], "不认识的命令 chek（是不是 check？）"),
        (&["check", "--bogus", "x"][..], "不认识的选项 --bogus"),
        (
            &["check", "--format", "xml", "x"][..],
            "的值「xml」无效，可选：human、json、sarif、html、xlsx",
        ),
        (&["check", "-j", "abc", "x"][..], "应为正整数"),
        (
            &["check", "--previous-dir"][..],
            "--previous-dir <DIR> 缺少值",
        ),
    ] {
        let out = run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("命令行有误") && stderr.contains(says),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("error:"), "{stderr}");
    }
}

/// Issue 22, item 7: a file whose content is another format than its
/// extension is read by its content, with one note (STR-FILE), not refused.
#[test]
fn a_pdf_named_docx_is_read_as_the_pdf_it_is_with_one_note() {
    let dir = tempfile::tempdir().unwrap();
    let named = dir.path().join("年报.docx");
    std::fs::copy(common::root().join("tests/fixtures/seed.pdf"), &named).unwrap();
    let (code, json) = check_json(&["--no-config", named.to_str().unwrap()]);
    let (_, pdf) = check_json(&["--no-config", "tests/fixtures/seed.pdf"]);
    assert_eq!(code, 1);
    let rules = |j: &serde_json::Value| -> Vec<String> {
        j["files"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .filter(|r| r != "STR-FILE")
            .collect()
    };
    assert_eq!(rules(&json), rules(&pdf));
    let notes: Vec<_> = json["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "STR-FILE")
        .collect();
    assert_eq!(notes.len(), 1, "{json}");
    assert!(
        notes[0]["message"]
            .as_str()
            .unwrap()
            .contains("内容却是 PDF")
    );
}

/// Issue 22, item 6: every command of the README's 「Try it」 block runs and
/// does what its line says (exit 0 or 1, output or the file it writes), with
/// the placeholders filled in and written files in a scratch folder.
#[test]
#[cfg(unix)]
fn readme_commands_work_as_described() {
    let root = common::root();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let block = readme
        .split("## Try it")
        .nth(1)
        .and_then(|rest| rest.split("```").nth(1))
        .expect("README has a 「Try it」 code block");
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(root.join("tests"), dir.path().join("tests")).unwrap();
    std::fs::create_dir(dir.path().join("scratch")).unwrap();
    // The placeholders: a rule folder of one rule, and a report.
    let mine = dir.path().join("my-rules");
    std::fs::create_dir(&mine).unwrap();
    std::fs::copy(
        root.join("rules/national/str_title.rhai"),
        mine.join("str_title.rhai"),
    )
    .unwrap();
    let mut ran = 0;
    for line in block
        .lines()
        .filter(|l| l.starts_with("cargo run --release -- "))
    {
        let command = line["cargo run --release -- ".len()..]
            .split(" #")
            .next()
            .unwrap()
            .trim();
        let args: Vec<String> = command
            .split_whitespace()
            .map(|a| match a {
                "<my-rules/>" => "my-rules/".to_string(),
                "<report.docx>" => "tests/fixtures/seed.docx".to_string(),
                a => {
                    assert!(!a.starts_with('<'), "unknown placeholder {a} in: {line}");
                    a.to_string()
                }
            })
            .collect();
        // Paths outside the repository (../shared) exist only beside it.
        let mut args = args;
        if let Some(a) = args.iter_mut().find(|a| a.starts_with("../")) {
            let outside = root.join(&*a);
            if !outside.exists() {
                continue;
            }
            *a = outside.display().to_string();
        }
        let out = common::nianbao()
            .current_dir(dir.path())
            .args(&args)
            .output()
            .unwrap();
        let code = out.status.code();
        assert!(
            matches!(code, Some(0) | Some(1)),
            "{line}\nexit {code:?}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let wrote = args
            .iter()
            .position(|a| a == "-o")
            .map(|i| dir.path().join(&args[i + 1]));
        match wrote {
            Some(file) => assert!(file.is_file(), "{line}: no {file:?}"),
            None => assert!(!out.stdout.is_empty(), "{line}: no output"),
        }
        ran += 1;
    }
    assert!(ran >= 15, "only {ran} README commands ran");
}
