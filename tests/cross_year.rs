//! Cross-year checks (`--previous`, `--previous-dir`) on two years of the
//! same agency: consistent, and copied with tables that do not carry over.

use crate::common::{check_json, run};

const THIS_YEAR: &str = "tests/fixtures/cross-year/2023/洮南市教育局.yaml";

fn rules_of(json: &serde_json::Value, file: usize) -> Vec<String> {
    let mut v: Vec<String> = json["files"][file]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn consistent_years_give_nothing() {
    let (code, json) = check_json(&[
        THIS_YEAR,
        "--previous",
        "tests/fixtures/cross-year/2022/洮南市教育局.yaml",
    ]);
    assert_eq!(rules_of(&json, 0), Vec::<String>::new());
    assert_eq!(code, 0);
    assert_eq!(
        json["files"][0]["previous"],
        "tests/fixtures/cross-year/2022/洮南市教育局.yaml"
    );
}

#[test]
fn a_copied_report_with_broken_carry_over() {
    let (code, json) = check_json(&[
        THIS_YEAR,
        "--previous",
        "tests/fixtures/cross-year/2022-copied/洮南市教育局.yaml",
    ]);
    assert_eq!(code, 1);
    assert_eq!(
        rules_of(&json, 0),
        ["X-CARRY", "X-CARRY", "X-SIMILAR", "X-SIMILAR", "X-VALID"]
    );
    let f = &json["files"][0]["findings"];
    let carry = f
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "X-CARRY")
        .unwrap();
    assert_eq!(
        (carry["expected"].as_i64(), carry["found"].as_i64()),
        (Some(3), Some(1))
    );
    assert_eq!(carry["location"]["row_key"], "carried_over");
    let valid = f
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "X-VALID")
        .unwrap();
    assert_eq!(
        (valid["expected"].as_i64(), valid["found"].as_i64()),
        (Some(6), Some(9))
    );
    let similar = f
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "X-SIMILAR")
        .unwrap();
    assert!(similar["message"].as_str().unwrap().contains("上年「"));
}

#[test]
fn without_last_year_the_cross_year_rules_are_silent() {
    let (code, json) = check_json(&[THIS_YEAR]);
    assert_eq!(code, 0);
    assert!(json["files"][0].get("previous").is_none());
}

#[test]
fn a_folder_is_paired_by_agency_and_year_and_the_unpaired_are_named() {
    let out = run(&[
        "check",
        "tests/fixtures/cross-year/2023",
        "tests/fixtures/clean/city_government.yaml",
        "--previous-dir",
        "tests/fixtures/cross-year/2022-copied",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stdout.contains("[X-CARRY]"), "{stdout}");
    assert!(
        stderr.contains("1 个文件未找到同一机关上一年度的报告")
            && stderr.contains("city_government.yaml"),
        "{stderr}"
    );
}

#[test]
fn previous_needs_one_file_and_a_readable_report() {
    let out = run(&[
        "check",
        "tests/fixtures/cross-year/2023",
        "tests/fixtures/clean",
        "--previous",
        "tests/fixtures/cross-year/2022/洮南市教育局.yaml",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--previous-dir"));
    let out = run(&["check", THIS_YEAR, "--previous", "tests/fixtures/nope.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("无法读取上一年度报告"));
}
