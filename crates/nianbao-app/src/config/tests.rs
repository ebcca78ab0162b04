use super::*;

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(text, "nianbao.toml", Path::new("/x"))
}

fn err(text: &str) -> String {
    parse(text).unwrap_err().to_string()
}

#[test]
fn every_key() {
    let c = parse(
        r#"
province = "jilin"
city = "baicheng"
reporter_kind = "government"
rules_dir = "rules"
extend_rules = ["./more", "../other"]

[deadlines]
department = "01-31"
government = "03-31"

[rules]
enable = ["A-1"]
disable = ["B-2"]

[rules.severity]
"C-3" = "warning"

[rules.params.TXT-DUPLICATE]
min_chars = 40
ratio = 0.5
words = ["甲", "乙"]

[[ignore]]
rule = "NUM-REGULATION"
agency = "某市 人民政府"
reason = "设区的市人民政府，可制定规章"
table = "t2"
row = "regulation"
column = "in_force"
file = "**/*.docx"
section = 2
"#,
    )
    .unwrap();
    assert_eq!(c.province.unwrap().value, "jilin");
    assert_eq!(c.city.unwrap().value, "baicheng");
    assert_eq!(c.reporter_kind.unwrap().value, ReporterKind::Government);
    assert_eq!(c.rules_dir.unwrap().value, Path::new("/x/rules"));
    assert_eq!(c.extend_rules[1].value, Path::new("/x/../other"));
    assert_eq!(c.deadlines.department.unwrap().value.to_string(), "01-31");
    assert_eq!(c.rules.enable[0].value, "A-1");
    assert_eq!(c.rules.disable[0].line, 14);
    assert_eq!(c.rules.severity[0].1, Severity::Warning);
    let params: Vec<(&str, String, usize)> = c
        .rules
        .params
        .iter()
        .map(|p| (p.name.as_str(), p.value.to_string(), p.line))
        .collect();
    assert_eq!(
        params,
        [
            ("min_chars", "40".to_string(), 20),
            ("ratio", "0.5".to_string(), 21),
            ("words", "[\"甲\",\"乙\"]".to_string(), 22)
        ]
    );
    let ig = &c.ignores[0];
    assert_eq!(ig.line, 24);
    assert_eq!(ig.agency.as_ref().unwrap().1, "某市人民政府");
    assert_eq!(ig.section, Some(2));
}

#[test]
fn mistakes_name_the_line_in_chinese() {
    assert_eq!(
        err("province = \"jilin\"\nprovnice = \"x\"\n"),
        "nianbao.toml:2: 未知的配置项「provnice」（可用：province、city、reporter_kind、deadlines、rules_dir、extend_rules、rules、ignore、serve）"
    );
    assert_eq!(
        err("[rules]\nenable = \"A-1\"\n"),
        "nianbao.toml:2: rules.enable 应为字符串数组，如 [\"…\"]，实为字符串"
    );
    assert_eq!(
        err("[rules]\ndisable = [\"r3-ident\"]\n"),
        "nianbao.toml:2: rules.disable 中「r3-ident」不是规则编号（应如 R3-IDENT：大写字母、数字和连字符）"
    );
    assert!(
        err("[rules.severity]\nR3-IDENT = \"fatal\"\n")
            .starts_with("nianbao.toml:2: 规则 R3-IDENT 的级别应为")
    );
    assert!(
        err("\n\n[deadlines]\ndepartment = \"02-30\"\n")
            .starts_with("nianbao.toml:4: deadlines.department")
    );
    assert!(err("reporter_kind = \"city\"\n").starts_with("nianbao.toml:1: reporter_kind 应为"));
    assert!(err("province = \"吉林\"\n").contains("小写拼音"));
    assert!(
        err("a = [\n").starts_with("nianbao.toml:"),
        "{}",
        err("a = [\n")
    );
    assert!(err("x = 1\nx = 2\n").contains("TOML 语法错误"));
    assert!(
        err("[rules.params.A-1]\nn = 1979-05-27\n")
            .starts_with("nianbao.toml:2: rules.params.A-1.n 应为数字")
    );
}

#[test]
fn ignores_need_a_rule_and_a_reason_and_known_keys() {
    assert!(
        err("[[ignore]]\nrule = \"A-1\"\n")
            .starts_with("nianbao.toml:1: [[ignore]]（规则 A-1）缺少 reason")
    );
    assert!(
        err("[[ignore]]\nreason = \"r\"\n").starts_with("nianbao.toml:1: [[ignore]] 缺少 rule")
    );
    assert!(
        err("[[ignore]]\nrule = \"A-1\"\nreason = \"r\"\nrow = \"regulation\"\n")
            .starts_with("nianbao.toml:4: ignore.row 须与 table")
    );
    assert_eq!(
        err("[[ignore]]\nrule = \"A-1\"\nreason = \"r\"\ntable = \"t2\"\nrow = \"regulatoin\"\n"),
        "nianbao.toml:5: 表二没有行「regulatoin」（键见 docs/model.md）"
    );
    assert!(
        err("[[ignore]]\nrule = \"A-1\"\nreason = \"r\"\nagnecy = \"x\"\n")
            .starts_with("nianbao.toml:4: [[ignore]] 中未知的配置项「agnecy」")
    );
}

/// The example in docs/config.md uses every key and must stay valid.
#[test]
fn the_documented_example_parses() {
    let doc = include_str!("../../../../docs/config.md");
    let start = doc
        .find("```toml\n")
        .expect("docs/config.md has a toml example")
        + 8;
    let end = start + doc[start..].find("```").unwrap();
    let c = parse(&doc[start..end]).unwrap();
    assert!(c.province.is_some() && c.city.is_some() && c.reporter_kind.is_some());
    assert!(c.rules_dir.is_some() && !c.extend_rules.is_empty());
    assert!(c.deadlines.department.is_some() && c.deadlines.government.is_some());
    assert!(!c.rules.enable.is_empty() && !c.rules.disable.is_empty());
    assert!(!c.rules.severity.is_empty() && !c.rules.params.is_empty());
    assert_eq!(c.ignores.len(), 2);
    assert_eq!(c.serve_users.len(), 1);
}

#[test]
fn file_globs_match_names_or_paths_under_the_config() {
    let g = |s: &str| FileGlob {
        text: s.into(),
        pattern: glob::Pattern::new(s).unwrap(),
    };
    let dir = Path::new("/data/2024");
    assert!(g("*.docx").matches(Path::new("/data/2024/a/某市.docx"), dir));
    assert!(g("a/**/*.docx").matches(Path::new("/data/2024/a/b/某市.docx"), dir));
    assert!(!g("a/*.docx").matches(Path::new("/data/2024/a/b/某市.docx"), dir));
    assert!(!g("a/*.docx").matches(Path::new("/elsewhere/a/x.docx"), dir));
}

const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG";

#[test]
fn serve_users_are_read_with_their_lines() {
    let c = parse(&format!(
        "province = \"jilin\"\n\n[[serve.user]]\nname = \"张三\"\npassword_hash = \"{HASH}\"\n\n\
         [[serve.user]]\nname = \"李四\"\npassword_hash = \"{HASH}\"\n"
    ))
    .unwrap();
    let users: Vec<(&str, usize)> = c
        .serve_users
        .iter()
        .map(|u| (u.value.name.as_str(), u.line))
        .collect();
    assert_eq!(users, [("张三", 3), ("李四", 7)]);
    assert_eq!(c.serve_users[0].value.password_hash, HASH);
    assert!(parse("").unwrap().serve_users.is_empty());
}

#[test]
fn serve_users_reject_unknown_keys_and_plain_passwords() {
    assert_eq!(
        err(&format!(
            "[[serve.user]]\nname = \"张三\"\npassword = \"123456\"\npassword_hash = \"{HASH}\"\n"
        )),
        "nianbao.toml:3: [[serve.user]] 中未知的配置项「password」（可用：name、password_hash）"
    );
    assert!(
        err("[serve]\nport = 80\n").starts_with("nianbao.toml:2: [serve] 中未知的配置项「port」")
    );
    for bad in [
        "123456",
        "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ",
        "$bcrypt$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub",
        "$argon2id$v=19$m=19456,t=2$c29tZXNhbHQ$RdescudvJCsgt3ub",
        "$argon2id$v=x$m=19456,t=2,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub",
    ] {
        let e = err(&format!(
            "[[serve.user]]\nname = \"张三\"\n\npassword_hash = '{bad}'\n"
        ));
        assert!(
            e.starts_with("nianbao.toml:4: serve.user.password_hash 应为 argon2 密码哈希"),
            "{bad}: {e}"
        );
    }
    // Without the version field, as some tools write it.
    assert!(
        parse("[[serve.user]]\nname = \"a\"\npassword_hash = '$argon2i$m=4096,t=3,p=1$c2FsdHNhbHQ$aGFzaA'\n")
            .is_ok()
    );
    assert!(
        err(&format!("[[serve.user]]\npassword_hash = \"{HASH}\"\n"))
            .starts_with("nianbao.toml:1: [[serve.user]] 缺少 name")
    );
    assert!(
        err(&format!(
            "[[serve.user]]\nname = \"张三\"\npassword_hash = \"{HASH}\"\n\
             [[serve.user]]\nname = \"张三\"\npassword_hash = \"{HASH}\"\n"
        ))
        .contains("用户「张三」重复（第 1 行已有）")
    );
}
