//! Provincial and city rule packs: chosen by the agency's region (or
//! `--province`), editable without a compiler, unable to switch a national
//! rule off; and `rules new` for a provincial author.

use std::path::Path;

use crate::common::{check_json, root, run};

fn finding<'a>(json: &'a serde_json::Value, rule: &str) -> Option<&'a serde_json::Value> {
    json["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).unwrap();
        }
    }
}

/// A file under a temp dir with the text of `fixture`, `from` replaced by `to`.
fn renamed(dir: &Path, fixture: &str, from: &str, to: &str, name: &str) -> String {
    let text = std::fs::read_to_string(root().join(fixture)).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text.replace(from, to)).unwrap();
    path.to_str().unwrap().to_string()
}

/// The seed is from 吉林省: the jilin pack makes a missing 统计期限 an error.
#[test]
fn the_jilin_pack_applies_to_the_seed() {
    let (_, json) = check_json(&["tests/fixtures/seed.yaml"]);
    assert_eq!(finding(&json, "STR-PERIOD").unwrap()["severity"], "error");
    // The same report from a Hebei agency: the national warning.
    let dir = tempfile::tempdir().unwrap();
    let f = renamed(
        dir.path(),
        "tests/fixtures/seed.yaml",
        "洮南市",
        "石家庄市",
        "seed.yaml",
    );
    let (_, json) = check_json(&[&f]);
    assert_eq!(finding(&json, "STR-PERIOD").unwrap()["severity"], "warning");
    assert!(finding(&json, "SC-SOURCE").is_none());
}

#[test]
fn province_flag_selects_the_sichuan_pack() {
    let (_, json) = check_json(&["--province", "sichuan", "tests/fixtures/seed.yaml"]);
    assert!(finding(&json, "SC-SOURCE").is_some());
    assert!(
        finding(&json, "SC-OVERVIEW").is_none(),
        "the seed has （一）…（五）"
    );
    assert_eq!(finding(&json, "STR-PERIOD").unwrap()["severity"], "error");
    let out = run(&["check", "--province", "四川", "tests/fixtures/seed.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("sichuan"));
}

/// City packs apply to the city and its counties only.
#[test]
fn the_wuwei_pack_limits_the_overview() {
    let dir = tempfile::tempdir().unwrap();
    let clean = "tests/fixtures/clean/county_department.yaml";
    let long = std::fs::read_to_string(root().join(clean))
        .unwrap()
        .replace(
            "      - （一）主动公开。",
            "      - 本局坚持以公开为常态、不公开为例外，围绕群众关切，持续深化政务公开，推动教育领域信息公开标准化规范化建设，不断提升公开质量和实效，让群众看得到、听得懂、能监督，为办好人民满意的教育营造良好环境。\n      - 全年召开党组会议专题研究政务公开工作两次，印发年度政务公开工作要点，细化分解任务二十三项，逐项明确责任科室、完成时限和工作标准，按季度调度推进情况并通报，确保各项任务落到实处，形成了主要领导亲自抓、分管领导具体抓、业务科室协同抓的工作格局。\n      - （一）主动公开。",
        );
    for (city, expect) in [("武威市凉州区", true), ("白城市洮北区", false)] {
        let path = dir.path().join(format!("{city}.yaml"));
        std::fs::write(&path, long.replace("洮南市", city)).unwrap();
        let (_, json) = check_json(&[path.to_str().unwrap()]);
        let f = finding(&json, "WW-OVERVIEW");
        assert_eq!(f.is_some(), expect, "{city}: {json}");
        if let Some(f) = f {
            assert_eq!(f["expected"], 1000);
            assert!(f["found"].as_i64().unwrap() > 1000);
        }
    }
}

/// `city` in nianbao.toml names a city pack by its folder: the report of a
/// 白城 agency gets the 武威 pack when the configuration says so.
#[test]
fn a_configured_city_selects_its_pack() {
    let dir = tempfile::tempdir().unwrap();
    let clean = "tests/fixtures/clean/county_department.yaml";
    let paragraph = "      - 本局坚持以公开为常态、不公开为例外，围绕群众关切，持续深化政务公开，推动教育领域信息公开标准化规范化建设，不断提升公开质量和实效，让群众看得到、听得懂、能监督。\n";
    let long = std::fs::read_to_string(root().join(clean))
        .unwrap()
        .replace(
            "      - （一）主动公开。",
            &format!("{}      - （一）主动公开。", paragraph.repeat(12)),
        )
        .replace("洮南市", "白城市洮北区");
    let path = dir.path().join("report.yaml");
    std::fs::write(&path, long).unwrap();
    let (_, json) = check_json(&[path.to_str().unwrap()]);
    assert!(
        finding(&json, "WW-OVERVIEW").is_none(),
        "a 白城 agency, no config"
    );
    std::fs::write(
        dir.path().join("nianbao.toml"),
        "province = \"gansu\"\ncity = \"wuwei\"\n",
    )
    .unwrap();
    let (_, json) = check_json(&[path.to_str().unwrap()]);
    assert!(finding(&json, "WW-OVERVIEW").is_some(), "{json}");
    // A city without a pack is allowed and selects none; a province that
    // does not exist is an error naming the line.
    std::fs::write(
        dir.path().join("nianbao.toml"),
        "province = \"gansu\"\ncity = \"lanzhou\"\n",
    )
    .unwrap();
    let (_, json) = check_json(&[path.to_str().unwrap()]);
    assert!(finding(&json, "WW-OVERVIEW").is_none());
    std::fs::write(dir.path().join("nianbao.toml"), "province = \"sichuann\"\n").unwrap();
    let out = run(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("nianbao.toml:1") && err.contains("sichuann"),
        "{err}"
    );
}

/// 怀化市's earlier internal deadline, through a pack parameter of DAT-DEADLINE.
#[test]
fn the_huaihua_pack_moves_the_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("tests/fixtures/clean/county_department.yaml"))
        .unwrap()
        .replace("2024年1月18日", "2024年1月25日");
    for (city, expect) in [("怀化市鹤城区", true), ("白城市洮北区", false)] {
        let path = dir.path().join(format!("{city}.yaml"));
        std::fs::write(&path, text.replace("洮南市", city)).unwrap();
        let (_, json) = check_json(&[path.to_str().unwrap()]);
        assert_eq!(
            finding(&json, "DAT-DEADLINE").is_some(),
            expect,
            "{city}: {json}"
        );
    }
}

/// 宿迁市 penalises similarity with last year's report above 50 %.
#[test]
fn the_suqian_pack_lowers_the_similarity_threshold() {
    let (_, json) = check_json(&[
        "tests/fixtures/packs/宿迁市教育局-2023.yaml",
        "--previous",
        "tests/fixtures/packs/宿迁市教育局-2022.yaml",
    ]);
    let f = finding(&json, "X-SIMILAR").expect("X-SIMILAR in 宿迁市");
    assert!(f["message"].as_str().unwrap().contains("阈值 50%"));
    let dir = tempfile::tempdir().unwrap();
    let now = renamed(
        dir.path(),
        "tests/fixtures/packs/宿迁市教育局-2023.yaml",
        "宿迁市",
        "白城市",
        "a.yaml",
    );
    let before = renamed(
        dir.path(),
        "tests/fixtures/packs/宿迁市教育局-2022.yaml",
        "宿迁市",
        "白城市",
        "b.yaml",
    );
    let (_, json) = check_json(&[&now, "--previous", &before]);
    assert!(
        finding(&json, "X-SIMILAR").is_none(),
        "national threshold 0.8"
    );
}

/// A provincial office edits its pack and re-runs the same binary.
#[test]
fn an_edited_pack_changes_the_output_without_recompiling() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("rules"), dir.path());
    let pack = dir.path().join("provinces/jilin/pack.rhai");
    let text = std::fs::read_to_string(&pack).unwrap();
    std::fs::write(
        &pack,
        text.replace("\"STR-PERIOD\": \"error\"", "\"STR-PERIOD\": \"info\""),
    )
    .unwrap();
    let rules = dir.path().to_str().unwrap();
    let (_, json) = check_json(&["--rules", rules, "tests/fixtures/seed.yaml"]);
    assert_eq!(finding(&json, "STR-PERIOD").unwrap()["severity"], "info");

    // A pack cannot switch a national rule off: the pack is refused, named.
    std::fs::write(
        &pack,
        "const PACK = #{ name: \"吉林省\", source: \"x\", disable: [\"TXT-PUNCT\"] };\n",
    )
    .unwrap();
    let (code, json) = check_json(&["--rules", rules, "tests/fixtures/seed.yaml"]);
    assert_eq!(code, 2);
    let errors = json["errors"].to_string() + json["files"][0]["errors"].to_string().as_str();
    assert!(
        errors.contains("pack.rhai") && errors.contains("不能停用全国规则"),
        "{json}"
    );
    assert!(
        finding(&json, "TXT-PUNCT").is_some(),
        "the national rule still runs"
    );
}

#[test]
fn rules_new_writes_a_skeleton_that_passes_rules_test() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    let r = rules.to_str().unwrap();
    let out = run(&[
        "rules",
        "new",
        "--province",
        "jilin",
        "JL-CONTACT",
        "--dir",
        r,
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(rules.join("provinces/jilin/jl_contact.rhai").exists());
    let out = run(&[
        "rules",
        "new",
        "--province",
        "gansu",
        "--city",
        "wuwei",
        "--city-name",
        "武威市",
        "WW-CONTACT",
        "--dir",
        r,
    ]);
    assert_eq!(out.status.code(), Some(0));
    let out = run(&["rules", "test", r]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("2 条规则通过"), "{text}");
    let listed = String::from_utf8(run(&["rules", "list", "--rules", r]).stdout).unwrap();
    assert!(listed.contains("（仅 gansu/武威市）"), "{listed}");
    // Again: refused, the file is not overwritten.
    let out = run(&[
        "rules",
        "new",
        "--province",
        "jilin",
        "JL-CONTACT",
        "--dir",
        r,
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["rules", "new", "--province", "jilin", "bad id", "--dir", r]);
    assert_eq!(out.status.code(), Some(2));
}

/// Issue 22, item 5: `rules list` and `rules explain` show what `check`
/// applies under a province's pack (by `--province` or the configuration).
#[test]
fn rules_list_and_explain_show_what_a_province_pack_changes() {
    let list =
        String::from_utf8(run(&["rules", "list", "--no-config", "--province", "jilin"]).stdout)
            .unwrap();
    let period = list.lines().find(|l| l.starts_with("STR-PERIOD")).unwrap();
    assert!(
        period.contains("错误") && period.ends_with("（吉林省调整）"),
        "{period}"
    );
    let plain = String::from_utf8(run(&["rules", "list", "--no-config"]).stdout).unwrap();
    assert!(!plain.contains("调整"), "{plain}");

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("nianbao.toml");
    std::fs::write(&config, "province = \"jilin\"\n").unwrap();
    let out = run(&[
        "rules",
        "explain",
        "STR-PERIOD",
        "--config",
        config.to_str().unwrap(),
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("级别：错误（吉林省；默认 警告）"), "{text}");
}
