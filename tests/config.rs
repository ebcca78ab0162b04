//! `nianbao.toml` through the built binary: discovery (nearest wins, the
//! working directory as fallback, `--config`, `--no-config`), rule switches,
//! severities and parameters, extra and replaced rule folders, the reporter
//! kind and deadlines, and mistakes reported as `file:line` with exit 2.
//!
//! Assertions name the rules they are about (R3-IDENT, R3-RESULTSUM on the
//! seed), never the whole list: national rules are still being added.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::root;
use serde_json::Value;

/// A rule for these tests: reports its parameters and the reporter kind.
const PROBE: &str = r#"const ID = "CFG-PROBE";
const TITLE = "配置测试规则";
const SEVERITY = "info";
const BASIS = "测试";
const PARAMS = #{ limit: 1000, label: "默认" };
const EXAMPLES = [
    #{ name: "有单位名称", expect: 1, report: `meta: {agency: 某局}` },
    #{ name: "无单位名称", expect: 0, report: `tables: {}` },
];
fn check(report) {
    if report.agency == () { return []; }
    [#{ message: `limit=${report.param("limit")} label=${report.param("label")} kind=${report.reporter_kind}` }]
}
"#;

/// A stand-in for the national deadline rule, to see `[deadlines]` arrive.
const DEADLINE: &str = r#"const ID = "DAT-DEADLINE";
const TITLE = "报送期限";
const SEVERITY = "info";
const BASIS = "测试";
const PARAMS = #{ department_deadline: "01-31", government_deadline: "03-31" };
fn check(report) {
    [#{ message: `${report.param("department_deadline")} ${report.param("government_deadline")}` }]
}
"#;

struct Work {
    dir: tempfile::TempDir,
}

impl Work {
    fn new() -> Work {
        Work {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// The seed with one more 上年结转: R3-IDENT then expects 2 in （七）总计
    /// where R3-RESULTSUM expects 1, so the two are not merged into one
    /// finding (issue 22) and each rule's severity shows.
    fn seed(&self, rel: &str) {
        let seed = std::fs::read_to_string(root().join("tests/fixtures/seed.yaml")).unwrap();
        let from = "carried_over: {natural: 0, commercial: 0, research: 0, public_interest: 0, legal_service: 0, other: 0, total: 0}";
        assert!(seed.contains(from));
        let seed = seed.replace(
            from,
            "carried_over: {natural: 1, commercial: 0, research: 0, public_interest: 0, legal_service: 0, other: 0, total: 1}",
        );
        self.write(rel, &seed);
    }

    fn run_in(&self, cwd: &Path, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_nianbao"))
            .current_dir(cwd)
            .args(args)
            .output()
            .unwrap()
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_in(self.dir.path(), args)
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["check", "--format", "json"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)))
    }
}

/// (path, rule, severity) of R3-IDENT and R3-RESULTSUM findings, first per
/// file and rule.
fn seen(json: &Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for f in json["files"].as_array().unwrap() {
        for rule in ["R3-IDENT", "R3-RESULTSUM"] {
            if let Some(x) = f["findings"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["rule"] == rule)
            {
                out.push((
                    f["path"].as_str().unwrap().to_string(),
                    rule.to_string(),
                    x["severity"].as_str().unwrap().to_string(),
                ));
            }
        }
    }
    out
}

fn triples(v: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    v.iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

#[test]
fn the_nearest_config_wins() {
    let w = Work::new();
    w.write("nianbao.toml", "[rules]\ndisable = [\"R3-IDENT\"]\n");
    w.write(
        "sub/nianbao.toml",
        "[rules.severity]\nR3-IDENT = \"warning\"\n",
    );
    w.seed("a.yaml");
    w.seed("sub/b.yaml");
    w.seed("sub/deeper/c.yaml");
    let elsewhere = tempfile::tempdir().unwrap();
    let d = elsewhere.path().join("d.yaml");
    std::fs::copy(root().join("tests/fixtures/seed.yaml"), &d).unwrap();
    let d = d.to_str().unwrap();

    let json = w.json(&["a.yaml", "sub/b.yaml", "sub/deeper/c.yaml", d]);
    assert_eq!(
        seen(&json),
        triples(&[
            ("a.yaml", "R3-RESULTSUM", "error"),
            ("sub/b.yaml", "R3-IDENT", "warning"),
            ("sub/b.yaml", "R3-RESULTSUM", "error"),
            ("sub/deeper/c.yaml", "R3-IDENT", "warning"),
            ("sub/deeper/c.yaml", "R3-RESULTSUM", "error"),
            // No config above it: the working directory's applies.
            (d, "R3-RESULTSUM", "error"),
        ])
    );
    // The same through a directory walk.
    let json = w.json(&["."]);
    let ident: Vec<(String, String, String)> = seen(&json)
        .into_iter()
        .filter(|(_, r, _)| r == "R3-IDENT")
        .collect();
    assert_eq!(
        ident,
        triples(&[
            ("./sub/b.yaml", "R3-IDENT", "warning"),
            ("./sub/deeper/c.yaml", "R3-IDENT", "warning"),
        ])
    );

    // --config replaces the search; --no-config turns it off.
    let json = w.json(&["--config", "sub/nianbao.toml", "a.yaml"]);
    assert_eq!(
        seen(&json),
        triples(&[
            ("a.yaml", "R3-IDENT", "warning"),
            ("a.yaml", "R3-RESULTSUM", "error"),
        ])
    );
    let json = w.json(&["--no-config", "a.yaml"]);
    assert_eq!(
        seen(&json),
        triples(&[
            ("a.yaml", "R3-IDENT", "error"),
            ("a.yaml", "R3-RESULTSUM", "error"),
        ])
    );
    // From a folder without a config of its own, files find theirs.
    let json = serde_json::from_slice::<Value>(
        &w.run_in(
            elsewhere.path(),
            &[
                "check",
                "--format",
                "json",
                w.path("a.yaml").to_str().unwrap(),
            ],
        )
        .stdout,
    )
    .unwrap();
    assert!(seen(&json).iter().all(|(_, r, _)| r != "R3-IDENT"));
}

#[test]
fn severity_and_switches_change_the_result() {
    let w = Work::new();
    w.seed("seed.yaml");
    w.write(
        "nianbao.toml",
        "[rules]\ndisable = [\"R3-IDENT\"]\n\n[rules.severity]\n\"R3-RESULTSUM\" = \"info\"\n",
    );
    let out = w.run(&["check", "--format", "json", "seed.yaml"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        seen(&json),
        triples(&[("seed.yaml", "R3-RESULTSUM", "info")])
    );
    // Info findings do not fail a run; whatever else the national rules
    // find in the seed still decides the exit code.
    let others = json["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] != "info")
        .count();
    assert_eq!(out.status.code(), Some(i32::from(others > 0)));

    // rules list / explain show the configuration.
    let list = String::from_utf8(w.run(&["rules", "list"]).stdout).unwrap();
    let line = |id: &str| {
        list.lines()
            .find(|l| l.starts_with(id))
            .unwrap()
            .to_string()
    };
    assert!(line("R3-IDENT").ends_with("（已停用）"), "{list}");
    assert!(line("R3-RESULTSUM").contains("提示"), "{list}");
    let explain = String::from_utf8(w.run(&["rules", "explain", "R3-RESULTSUM"]).stdout).unwrap();
    assert!(
        explain.contains("级别：提示（配置；默认 错误）"),
        "{explain}"
    );
    // --no-config on rules commands too.
    let out = w.run(&["rules", "list", "--no-config"]);
    assert_eq!(out.status.code(), Some(0));
    let list = String::from_utf8(out.stdout).unwrap();
    assert!(
        list.contains("R3-IDENT") && !list.contains("已停用"),
        "{list}"
    );
}

#[test]
fn parameters_extra_rules_and_the_reporter_kind() {
    let w = Work::new();
    w.seed("seed.yaml");
    w.write("my-rules/probe.rhai", PROBE);
    w.write("nianbao.toml", "extend_rules = [\"./my-rules\"]\n");
    let probe = |json: &Value| -> String {
        json["files"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "CFG-PROBE")
            .map(|f| f["message"].as_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let json = w.json(&["seed.yaml"]);
    assert_eq!(probe(&json), "limit=1000 label=默认 kind=department");
    assert!(
        seen(&json).iter().any(|(_, r, _)| r == "R3-IDENT"),
        "extend_rules adds to the built-in rules"
    );

    w.write(
        "nianbao.toml",
        "extend_rules = [\"./my-rules\"]\nreporter_kind = \"government\"\n\n[rules.params.CFG-PROBE]\nlimit = 40\nlabel = \"吉林\"\n",
    );
    let json = w.json(&["seed.yaml"]);
    assert_eq!(probe(&json), "limit=40 label=吉林 kind=government");
    let explain = String::from_utf8(w.run(&["rules", "explain", "CFG-PROBE"]).stdout).unwrap();
    assert!(explain.contains("limit = 40（默认 1000）"), "{explain}");
    // `rules test` runs the examples with the configured rules.
    let out = w.run(&["rules", "test"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("通过  CFG-PROBE"), "{text}");
}

#[test]
fn rules_dir_replaces_the_rules_and_deadlines_reach_the_deadline_rule() {
    let w = Work::new();
    w.seed("seed.yaml");
    w.write("only/deadline.rhai", DEADLINE);
    w.write(
        "nianbao.toml",
        "rules_dir = \"only\"\n\n[deadlines]\ndepartment = \"02-15\"\n",
    );
    let json = w.json(&["seed.yaml"]);
    let findings = json["files"][0]["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "only the rules of rules_dir run");
    assert_eq!(findings[0]["rule"], "DAT-DEADLINE");
    assert_eq!(findings[0]["message"], "02-15 03-31");
    // An explicit parameter wins over [deadlines].
    w.write(
        "nianbao.toml",
        "rules_dir = \"only\"\n\n[deadlines]\ndepartment = \"02-15\"\n\n[rules.params.DAT-DEADLINE]\ndepartment_deadline = \"01-20\"\n",
    );
    let json = w.json(&["seed.yaml"]);
    assert_eq!(json["files"][0]["findings"][0]["message"], "01-20 03-31");
}

/// The national DAT-DEADLINE rule reads `[deadlines]`: the seed is signed
/// 2024-01-03, in time for the national 01-31, late for a stricter 01-02.
#[test]
fn deadlines_reach_the_national_deadline_rule() {
    let w = Work::new();
    w.seed("seed.yaml");
    let deadline_findings = |w: &Work| {
        w.json(&["seed.yaml"])["files"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "DAT-DEADLINE")
            .count()
    };
    assert_eq!(deadline_findings(&w), 0);
    w.write("nianbao.toml", "[deadlines]\ndepartment = \"01-02\"\n");
    assert_eq!(deadline_findings(&w), 1);
    let explain = String::from_utf8(w.run(&["rules", "explain", "DAT-DEADLINE"]).stdout).unwrap();
    assert!(
        explain.contains("department_deadline = \"01-02\"（默认 \"01-31\"）"),
        "{explain}"
    );
}

#[test]
fn mistakes_stop_the_run_and_name_file_and_line() {
    let w = Work::new();
    w.seed("sub/seed.yaml");
    w.write("my-rules/probe.rhai", PROBE);
    let cases: [(&str, &str); 9] = [
        (
            "province = \"jilin\"\nprovnice = \"x\"\n",
            "sub/nianbao.toml:2: 未知的配置项「provnice」",
        ),
        (
            "[rules]\ndisable = [\"R3-IDENTT\"]\n",
            "sub/nianbao.toml:2: 没有规则 R3-IDENTT",
        ),
        (
            "\n[rules.severity]\nR3-IDENT = \"fatal\"\n",
            "sub/nianbao.toml:3: 规则 R3-IDENT 的级别应为",
        ),
        (
            "extend_rules = [\"../my-rules\"]\n[rules.params.CFG-PROBE]\nlimt = 3\n",
            "sub/nianbao.toml:3: 规则 CFG-PROBE 没有参数 \"limt\"（可用：label、limit）",
        ),
        (
            "extend_rules = [\"../my-rules\"]\n[rules.params.CFG-PROBE]\nlimit = \"many\"\n",
            "sub/nianbao.toml:3: 规则 CFG-PROBE 的参数 limit 应与默认值 1000 同类型",
        ),
        (
            "reporter_kind = 1\n",
            "sub/nianbao.toml:1: reporter_kind 应为字符串，实为整数",
        ),
        (
            "[rules]\nenable = [\"R3-IDENT\"\n",
            "sub/nianbao.toml:2: TOML 语法错误",
        ),
        (
            "rules_dir = \"nowhere\"\n",
            "sub/nianbao.toml:1: 无法读取规则目录",
        ),
        (
            "[[ignore]]\nrule = \"NOPE-1\"\nreason = \"x\"\n",
            "sub/nianbao.toml:1: [[ignore]] 的规则 NOPE-1 不存在",
        ),
    ];
    for (text, want) in cases {
        w.write("sub/nianbao.toml", text);
        let out = w.run(&["check", "sub/seed.yaml"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{text}: {err}");
        assert!(out.stdout.is_empty(), "{text}: nothing is checked");
        assert!(err.contains(want), "{text}\nwant {want}\ngot  {err}");
    }
    // A missing --config file.
    let out = w.run(&["check", "--config", "none.toml", "sub/seed.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("none.toml: 配置文件不存在"));
}

#[test]
fn a_config_error_as_the_user_sees_it() {
    let w = Work::new();
    w.seed("seed.yaml");
    w.write(
        "nianbao.toml",
        "province = \"jilin\"\n\n[rules]\ndisable = [\"R3-IDNET\"]\n",
    );
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nianbao"));
    cmd.current_dir(w.dir.path()).args(["check", "seed.yaml"]);
    insta_cmd::assert_cmd_snapshot!(cmd);
}

/// The README's example works with the built-in rules.
#[test]
fn the_readme_example_is_valid() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = &readme[readme.find("## 配置文件").unwrap()..];
    let start = section.find("```toml\n").unwrap() + 8;
    let end = start + section[start..].find("```").unwrap();
    let w = Work::new();
    w.write("nianbao.toml", &section[start..end]);
    std::fs::create_dir(w.path("my-rules")).unwrap();
    let out = w.run(&["rules", "list"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    w.seed("seed.yaml");
    let out = w.run(&["check", "seed.yaml"]);
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
