//! Parsing `nianbao.toml` with toml's span-keeping parser, so that every
//! mistake names its line.

use std::ops::Range;
use std::path::Path;

use nianbao_core::Severity;
use nianbao_core::model::ReporterKind;
use nianbao_core::schema::TableKey;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::*;

const TOP_KEYS: &[&str] = &[
    "province",
    "city",
    "reporter_kind",
    "deadlines",
    "rules_dir",
    "extend_rules",
    "rules",
    "ignore",
    "serve",
];
const RULES_KEYS: &[&str] = &["enable", "disable", "severity", "params"];
const DEADLINE_KEYS: &[&str] = &["department", "government"];
const SERVE_KEYS: &[&str] = &["user"];
const SERVE_USER_KEYS: &[&str] = &["name", "password_hash"];
const IGNORE_KEYS: &[&str] = &[
    "rule", "reason", "agency", "file", "table", "row", "column", "section",
];

type Entry<'t, 'i> = (
    &'t Spanned<std::borrow::Cow<'i, str>>,
    &'t Spanned<DeValue<'i>>,
);

/// Entries of a table in the order they are written, so that the first
/// mistake reported is the first in the file.
fn entries<'t, 'i>(table: &'t DeTable<'i>) -> Vec<Entry<'t, 'i>> {
    let mut v: Vec<Entry> = table.iter().collect();
    v.sort_by_key(|(k, _)| k.span().start);
    v
}

fn type_zh(v: &DeValue) -> &'static str {
    match v {
        DeValue::String(_) => "字符串",
        DeValue::Integer(_) => "整数",
        DeValue::Float(_) => "小数",
        DeValue::Boolean(_) => "布尔值",
        DeValue::Datetime(_) => "日期时间",
        DeValue::Array(_) => "数组",
        DeValue::Table(_) => "表",
    }
}

struct Parser<'a> {
    text: &'a str,
    file: String,
}

impl Parser<'_> {
    fn line(&self, span: &Range<usize>) -> usize {
        let end = span.start.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }

    fn err(&self, span: &Range<usize>, message: String) -> ConfigError {
        ConfigError {
            file: self.file.clone(),
            line: Some(self.line(span)),
            message,
        }
    }

    fn unknown(
        &self,
        key: &Spanned<std::borrow::Cow<str>>,
        in_: &str,
        known: &[&str],
    ) -> ConfigError {
        self.err(
            &key.span(),
            format!(
                "{in_}未知的配置项「{}」（可用：{}）",
                key.get_ref(),
                known.join("、")
            ),
        )
    }

    fn string(&self, name: &str, v: &Spanned<DeValue>) -> Result<At<String>, ConfigError> {
        match v.get_ref() {
            DeValue::String(s) => Ok(At {
                value: s.to_string(),
                line: self.line(&v.span()),
            }),
            other => Err(self.err(
                &v.span(),
                format!("{name} 应为字符串，实为{}", type_zh(other)),
            )),
        }
    }

    fn strings(&self, name: &str, v: &Spanned<DeValue>) -> Result<Vec<At<String>>, ConfigError> {
        match v.get_ref() {
            DeValue::Array(items) => items.iter().map(|i| self.string(name, i)).collect(),
            other => Err(self.err(
                &v.span(),
                format!("{name} 应为字符串数组，如 [\"…\"]，实为{}", type_zh(other)),
            )),
        }
    }

    fn table<'t, 'i>(
        &self,
        name: &str,
        v: &'t Spanned<DeValue<'i>>,
    ) -> Result<&'t DeTable<'i>, ConfigError> {
        match v.get_ref() {
            DeValue::Table(t) => Ok(t),
            other => Err(self.err(
                &v.span(),
                format!("{name} 应为表（[{name}]），实为{}", type_zh(other)),
            )),
        }
    }

    fn pinyin(&self, name: &str, v: &Spanned<DeValue>) -> Result<At<String>, ConfigError> {
        let s = self.string(name, v)?;
        if s.value.is_empty() || !s.value.chars().all(|c| c.is_ascii_lowercase()) {
            return Err(self.err(
                &v.span(),
                format!(
                    "{name} 应为小写拼音，如 \"jilin\"、\"baicheng\"，实为 \"{}\"",
                    s.value
                ),
            ));
        }
        Ok(s)
    }

    fn month_day(&self, name: &str, v: &Spanned<DeValue>) -> Result<At<MonthDay>, ConfigError> {
        let s = self.string(name, v)?;
        let parsed = s.value.split_once('-').and_then(|(m, d)| {
            let ok = |x: &str| x.len() == 2 && x.chars().all(|c| c.is_ascii_digit());
            if !ok(m) || !ok(d) {
                return None;
            }
            let (month, day) = (m.parse::<u32>().ok()?, d.parse::<u32>().ok()?);
            let days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
            (1..=12)
                .contains(&month)
                .then_some(())
                .filter(|()| (1..=days[month as usize - 1]).contains(&day))
                .map(|()| MonthDay { month, day })
        });
        match parsed {
            Some(md) => Ok(At {
                value: md,
                line: s.line,
            }),
            None => Err(self.err(
                &v.span(),
                format!(
                    "deadlines.{name} 应为「月-日」，如 \"01-31\"，实为 \"{}\"",
                    s.value
                ),
            )),
        }
    }

    fn rule_id(
        &self,
        what: &str,
        v: &Spanned<std::borrow::Cow<str>>,
    ) -> Result<At<String>, ConfigError> {
        let id = v.get_ref().to_string();
        check_id_form(&id).map_err(|m| self.err(&v.span(), format!("{what}{m}")))?;
        Ok(At {
            value: id,
            line: self.line(&v.span()),
        })
    }

    fn json(
        &self,
        what: &str,
        v: &Spanned<DeValue>,
        nested: bool,
    ) -> Result<serde_json::Value, ConfigError> {
        let bad = |m: String| self.err(&v.span(), m);
        Ok(match v.get_ref() {
            DeValue::String(s) => serde_json::Value::String(s.to_string()),
            DeValue::Boolean(b) => (*b).into(),
            DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
                .map_err(|_| bad(format!("{what} 的整数超出范围：{i}")))?
                .into(),
            DeValue::Float(f) => f
                .as_str()
                .replace('_', "")
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(serde_json::Value::Number)
                .ok_or_else(|| bad(format!("{what} 应为有限的数，实为 {f}")))?,
            DeValue::Array(items) if !nested => serde_json::Value::Array(
                items
                    .iter()
                    .map(|i| self.json(what, i, true))
                    .collect::<Result<_, _>>()?,
            ),
            other => {
                return Err(bad(format!(
                    "{what} 应为数字、字符串、布尔值或它们的数组，实为{}",
                    type_zh(other)
                )));
            }
        })
    }
}

/// Rule ids: upper-case letters, digits and hyphens (as the rule loader requires).
fn check_id_form(id: &str) -> Result<(), String> {
    let ok = id.split('-').all(|p| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "「{id}」不是规则编号（应如 R3-IDENT：大写字母、数字和连字符）"
        ))
    }
}

impl Config {
    /// Parses configuration text; `file` names it in messages, `dir` anchors
    /// relative paths.
    pub fn parse(text: &str, file: &str, dir: &Path) -> Result<Config, ConfigError> {
        let p = Parser {
            text,
            file: file.to_string(),
        };
        let doc = DeTable::parse(text).map_err(|e| ConfigError {
            file: file.to_string(),
            line: e.span().map(|s| p.line(&s)),
            message: format!("TOML 语法错误：{}", e.message().trim()),
        })?;
        let mut c = Config {
            path: file.to_string(),
            dir: dir.to_path_buf(),
            ..Config::default()
        };
        for (key, value) in entries(doc.get_ref()) {
            match key.get_ref().as_ref() {
                "province" => {
                    let province = p.pinyin("province", value)?;
                    let known = nianbao_core::region::province_pinyins();
                    if !known.contains(&province.value.as_str()) {
                        return Err(p.err(
                            &value.span(),
                            format!(
                                "未知的省份「{}」：province 应为省份拼音之一：{}",
                                province.value,
                                known.join("、")
                            ),
                        ));
                    }
                    c.province = Some(province);
                }
                "city" => c.city = Some(p.pinyin("city", value)?),
                "reporter_kind" => {
                    let s = p.string("reporter_kind", value)?;
                    let kind = match s.value.as_str() {
                        "department" => ReporterKind::Department,
                        "government" => ReporterKind::Government,
                        other => {
                            return Err(p.err(
                                &value.span(),
                                format!(
                                    "reporter_kind 应为 \"department\"（部门）或 \"government\"（人民政府），实为 \"{other}\""
                                ),
                            ));
                        }
                    };
                    c.reporter_kind = Some(At {
                        value: kind,
                        line: s.line,
                    });
                }
                "rules_dir" => {
                    let s = p.string("rules_dir", value)?;
                    c.rules_dir = Some(At {
                        value: dir.join(&s.value),
                        line: s.line,
                    });
                }
                "extend_rules" => {
                    c.extend_rules = p
                        .strings("extend_rules", value)?
                        .into_iter()
                        .map(|s| At {
                            value: dir.join(&s.value),
                            line: s.line,
                        })
                        .collect();
                }
                "deadlines" => {
                    for (k, v) in entries(p.table("deadlines", value)?) {
                        match k.get_ref().as_ref() {
                            "department" => {
                                c.deadlines.department = Some(p.month_day("department", v)?)
                            }
                            "government" => {
                                c.deadlines.government = Some(p.month_day("government", v)?)
                            }
                            _ => return Err(p.unknown(k, "[deadlines] 中", DEADLINE_KEYS)),
                        }
                    }
                }
                "rules" => c.rules = parse_rules(&p, p.table("rules", value)?)?,
                "ignore" => {
                    let DeValue::Array(items) = value.get_ref() else {
                        return Err(
                            p.err(&value.span(), "ignore 应写成 [[ignore]] 表的数组".into())
                        );
                    };
                    for item in items.iter() {
                        c.ignores.push(parse_ignore(&p, item)?);
                    }
                }
                "serve" => c.serve_users = parse_serve(&p, p.table("serve", value)?)?,
                _ => return Err(p.unknown(key, "", TOP_KEYS)),
            }
        }
        Ok(c)
    }
}

fn parse_rules(p: &Parser, t: &DeTable) -> Result<RulesConfig, ConfigError> {
    let mut r = RulesConfig::default();
    for (k, v) in entries(t) {
        match k.get_ref().as_ref() {
            name @ ("enable" | "disable") => {
                let ids = p.strings(&format!("rules.{name}"), v)?;
                for id in &ids {
                    check_id_form(&id.value).map_err(|m| ConfigError {
                        file: p.file.clone(),
                        line: Some(id.line),
                        message: format!("rules.{name} 中{m}"),
                    })?;
                }
                if name == "enable" {
                    r.enable = ids;
                } else {
                    r.disable = ids;
                }
            }
            "severity" => {
                for (id, sev) in entries(p.table("rules.severity", v)?) {
                    let id = p.rule_id("[rules.severity] 中", id)?;
                    let s = p.string(&format!("rules.severity.{}", id.value), sev)?;
                    let severity = Severity::parse(&s.value).ok_or_else(|| {
                        p.err(
                            &sev.span(),
                            format!(
                                "规则 {} 的级别应为 \"error\"、\"warning\" 或 \"info\"，实为 \"{}\"（停用规则请用 rules.disable）",
                                id.value, s.value
                            ),
                        )
                    })?;
                    r.severity.push((id, severity));
                }
            }
            "params" => {
                for (id, table) in entries(p.table("rules.params", v)?) {
                    let id = p.rule_id("[rules.params] 中", id)?;
                    let what = format!("rules.params.{}", id.value);
                    for (name, value) in entries(p.table(&what, table)?) {
                        let json = p.json(&format!("{what}.{}", name.get_ref()), value, false)?;
                        r.params.push(ParamSetting {
                            rule: id.value.clone(),
                            name: name.get_ref().to_string(),
                            value: json,
                            line: p.line(&name.span()),
                        });
                    }
                }
            }
            _ => return Err(p.unknown(k, "[rules] 中", RULES_KEYS)),
        }
    }
    Ok(r)
}

fn parse_ignore(p: &Parser, item: &Spanned<DeValue>) -> Result<Ignore, ConfigError> {
    let t = p.table("ignore", item)?;
    let fields = entries(t);
    // The entry's line: its `[[ignore]]` header.
    let line = p.line(&item.span());
    let mut ig = Ignore {
        line,
        rule: String::new(),
        reason: String::new(),
        agency: None,
        file: None,
        table: None,
        row: None,
        column: None,
        section: None,
    };
    let mut row_at = None;
    let mut column_at = None;
    for (k, v) in &fields {
        let name = k.get_ref().as_ref();
        match name {
            "rule" => {
                let s = p.string("ignore.rule", v)?;
                check_id_form(&s.value)
                    .map_err(|m| p.err(&v.span(), format!("[[ignore]] 的 rule {m}")))?;
                ig.rule = s.value;
            }
            "reason" => ig.reason = p.string("ignore.reason", v)?.value.trim().to_string(),
            "agency" => {
                let s = p.string("ignore.agency", v)?.value;
                let norm = normalize_text(&s);
                ig.agency = Some((s, norm));
            }
            "file" => {
                let s = p.string("ignore.file", v)?.value;
                let pattern = glob::Pattern::new(&s).map_err(|e| {
                    p.err(
                        &v.span(),
                        format!("ignore.file 不是有效的通配符：{} （{}）", s, e.msg),
                    )
                })?;
                ig.file = Some(FileGlob { text: s, pattern });
            }
            "table" => {
                let s = p.string("ignore.table", v)?.value;
                if TableKey::parse(&s).is_none() {
                    return Err(p.err(
                        &v.span(),
                        format!("ignore.table 应为 \"t2\"、\"t3\" 或 \"t4\"，实为 \"{s}\""),
                    ));
                }
                ig.table = Some(s);
            }
            "row" => {
                ig.row = Some(p.string("ignore.row", v)?.value);
                row_at = Some(v.span());
            }
            "column" => {
                ig.column = Some(p.string("ignore.column", v)?.value);
                column_at = Some(v.span());
            }
            "section" => {
                let n = match v.get_ref() {
                    DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).ok(),
                    _ => None,
                };
                match n {
                    Some(n @ 0..=7) => ig.section = Some(n as u8),
                    _ => {
                        return Err(p.err(
                            &v.span(),
                            "ignore.section 应为 0 到 7 的整数（1–6 为第一至第六部分，0 为正文开头，7 为落款）".into(),
                        ));
                    }
                }
            }
            _ => return Err(p.unknown(k, "[[ignore]] 中", IGNORE_KEYS)),
        }
    }
    if ig.rule.is_empty() {
        return Err(p.err(
            &item.span(),
            "[[ignore]] 缺少 rule（要忽略的规则编号）".into(),
        ));
    }
    if ig.reason.is_empty() {
        return Err(ConfigError {
            file: p.file.clone(),
            line: Some(line),
            message: format!(
                "[[ignore]]（规则 {}）缺少 reason：请写明为何接受此问题，如 reason = \"设区的市人民政府，可制定规章\"",
                ig.rule
            ),
        });
    }
    // Row and column keys are checked against the table's schema.
    for (key, span, is_row) in [(&ig.row, &row_at, true), (&ig.column, &column_at, false)] {
        let (Some(key), Some(span)) = (key, span) else {
            continue;
        };
        let what = if is_row { "row" } else { "column" };
        let Some(table) = ig.table.as_deref().and_then(TableKey::parse) else {
            return Err(p.err(
                span,
                format!("ignore.{what} 须与 table 一起写（行、列键属于某张表，见 docs/model.md）"),
            ));
        };
        let schema = table.schema();
        let known = if is_row {
            schema.row(key).is_some()
        } else {
            schema.column(key).is_some()
        };
        if !known {
            return Err(p.err(
                span,
                format!(
                    "{}没有{}「{key}」（键见 docs/model.md）",
                    schema.label,
                    if is_row { "行" } else { "列" }
                ),
            ));
        }
    }
    Ok(ig)
}

/// `[serve]`: only `[[serve.user]]` entries so far.
fn parse_serve(p: &Parser, t: &DeTable) -> Result<Vec<At<ServeUser>>, ConfigError> {
    let mut users: Vec<At<ServeUser>> = Vec::new();
    for (k, v) in entries(t) {
        if k.get_ref().as_ref() != "user" {
            return Err(p.unknown(k, "[serve] 中", SERVE_KEYS));
        }
        let DeValue::Array(items) = v.get_ref() else {
            return Err(p.err(
                &v.span(),
                "serve.user 应写成 [[serve.user]] 表的数组".into(),
            ));
        };
        for item in items.iter() {
            let user = parse_serve_user(p, item)?;
            if let Some(first) = users.iter().find(|u| u.value.name == user.value.name) {
                return Err(p.err(
                    &item.span(),
                    format!(
                        "[[serve.user]] 的用户「{}」重复（第 {} 行已有）",
                        user.value.name, first.line
                    ),
                ));
            }
            users.push(user);
        }
    }
    Ok(users)
}

fn parse_serve_user(p: &Parser, item: &Spanned<DeValue>) -> Result<At<ServeUser>, ConfigError> {
    let t = p.table("serve.user", item)?;
    let mut name = None;
    let mut hash = None;
    for (k, v) in entries(t) {
        match k.get_ref().as_ref() {
            "name" => {
                let s = p.string("serve.user.name", v)?;
                if s.value.trim().is_empty() {
                    return Err(p.err(&v.span(), "serve.user.name 不能为空".into()));
                }
                name = Some(s.value.trim().to_string());
            }
            "password_hash" => {
                let s = p.string("serve.user.password_hash", v)?;
                if !is_argon2_phc(&s.value) {
                    return Err(p.err(
                        &v.span(),
                        "serve.user.password_hash 应为 argon2 密码哈希（以 $argon2id$ 开头），\
                         请用 nianbao serve hash-password 生成，不要填写密码本身"
                            .into(),
                    ));
                }
                hash = Some(s.value);
            }
            _ => return Err(p.unknown(k, "[[serve.user]] 中", SERVE_USER_KEYS)),
        }
    }
    let missing = |what: &str| p.err(&item.span(), format!("[[serve.user]] 缺少 {what}"));
    Ok(At {
        value: ServeUser {
            name: name.ok_or_else(|| missing("name（用户名）"))?,
            password_hash: hash
                .ok_or_else(|| missing("password_hash（用 nianbao serve hash-password 生成）"))?,
        },
        line: p.line(&item.span()),
    })
}

/// The shape of a PHC argon2 string:
/// `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>` (salt and hash in the
/// PHC's unpadded base64). The server parses it fully when it starts.
fn is_argon2_phc(s: &str) -> bool {
    let fields: Vec<&str> = s.split('$').collect();
    let digits = |f: &str| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit());
    let b64 = |f: &str| {
        !f.is_empty()
            && f.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
    };
    let params = |f: &str| {
        let names: Vec<&str> = f
            .split(',')
            .filter_map(|kv| kv.split_once('='))
            .filter(|(_, v)| digits(v))
            .map(|(k, _)| k)
            .collect();
        names.len() == f.split(',').count() && ["m", "t", "p"].iter().all(|n| names.contains(n))
    };
    let rest = match fields.as_slice() {
        ["", "argon2id" | "argon2i" | "argon2d", rest @ ..] => rest,
        _ => return false,
    };
    // The version field is optional in PHC strings.
    let rest = match rest {
        [v, more @ ..] if v.starts_with("v=") => {
            if !v.strip_prefix("v=").is_some_and(digits) {
                return false;
            }
            more
        }
        _ => rest,
    };
    matches!(rest, [p, salt, hash] if params(p) && b64(salt) && b64(hash))
}
