//! `nianbao.toml`: per-folder settings (docs/config.md).
//!
//! Found like ruff's `ruff.toml`: the nearest `nianbao.toml` in the checked
//! file's folder or a parent wins; a file with none above it uses the one found
//! from the working directory upward; `--config FILE` replaces the search and
//! `--no-config` turns it off. Nearest wins outright: files are not merged.
//!
//! The file is read with toml's span-keeping parser (`DeTable`), not serde,
//! so that every mistake — an unknown key, a wrong type, an unknown rule id or
//! parameter — is reported as `file:line: 说明` in Chinese.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use nianbao_core::fingerprint::normalize_text;
use nianbao_core::model::ReporterKind;
use nianbao_core::rules::SettingError;
use nianbao_core::schema::TableKey;
use nianbao_core::{FileResult, Finding, RuleSet, Severity};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

pub const FILE_NAME: &str = "nianbao.toml";

/// The rule that reads `[deadlines]`, and the parameters it receives.
pub const DEADLINE_RULE: &str = "DAT-DEADLINE";
pub const DEADLINE_PARAMS: [&str; 2] = ["department_deadline", "government_deadline"];

/// A configuration mistake: `file:line: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// A value and the line it was written on.
#[derive(Debug, Clone, PartialEq)]
pub struct At<T> {
    pub value: T,
    pub line: usize,
}

/// A calendar day without a year: `"01-31"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthDay {
    pub month: u32,
    pub day: u32,
}

impl fmt::Display for MonthDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}-{:02}", self.month, self.day)
    }
}

/// `[deadlines]`: when each kind of report is due (month-day of the year after
/// the report year). Handed to the `DAT-DEADLINE` rule as its parameters.
#[derive(Debug, Clone, Default)]
pub struct Deadlines {
    pub department: Option<At<MonthDay>>,
    pub government: Option<At<MonthDay>>,
}

/// One `[rules.params.ID] name = value`.
#[derive(Debug, Clone)]
pub struct ParamSetting {
    pub rule: String,
    pub name: String,
    pub value: serde_json::Value,
    pub line: usize,
}

/// `[rules]`.
#[derive(Debug, Clone, Default)]
pub struct RulesConfig {
    pub enable: Vec<At<String>>,
    pub disable: Vec<At<String>>,
    /// `[rules.severity] ID = "warning"`.
    pub severity: Vec<(At<String>, Severity)>,
    pub params: Vec<ParamSetting>,
}

/// A `file = "…"` glob of an `[[ignore]]`, anchored at the config's folder.
#[derive(Debug, Clone)]
pub struct FileGlob {
    pub text: String,
    pattern: glob::Pattern,
}

impl FileGlob {
    /// A pattern without `/` matches the file name; one with `/` matches the
    /// path relative to the folder of the configuration file.
    pub fn matches(&self, file: &Path, config_dir: &Path) -> bool {
        let opts = glob::MatchOptions {
            case_sensitive: true,
            require_literal_separator: true,
            require_literal_leading_dot: false,
        };
        if !self.text.contains('/') {
            return file
                .file_name()
                .is_some_and(|n| self.pattern.matches_with(&n.to_string_lossy(), opts));
        }
        let abs = absolute(file);
        let Ok(rel) = abs.strip_prefix(config_dir) else {
            return false;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        self.pattern
            .matches_with(rel.trim_start_matches("./"), opts)
    }
}

/// `[[ignore]]`: findings a reviewer has decided not to see, with a reason.
#[derive(Debug, Clone)]
pub struct Ignore {
    /// Line of the entry (its first key).
    pub line: usize,
    pub rule: String,
    pub reason: String,
    /// As written, and normalised for comparison.
    pub agency: Option<(String, String)>,
    pub file: Option<FileGlob>,
    pub table: Option<String>,
    pub row: Option<String>,
    pub column: Option<String>,
    pub section: Option<u8>,
}

impl Ignore {
    pub fn matches(&self, f: &Finding, r: &FileResult, config_dir: &Path) -> bool {
        let l = &f.location;
        f.rule == self.rule
            && self.agency.as_ref().is_none_or(|(_, norm)| {
                r.agency.as_deref().map(normalize_text).as_ref() == Some(norm)
            })
            && self
                .table
                .as_ref()
                .is_none_or(|t| l.table.as_ref() == Some(t))
            && self
                .row
                .as_ref()
                .is_none_or(|x| l.row_key.as_ref() == Some(x))
            && self
                .column
                .as_ref()
                .is_none_or(|x| l.column_key.as_ref() == Some(x))
            && self.section.is_none_or(|s| l.section == Some(s))
            && self
                .file
                .as_ref()
                .is_none_or(|g| g.matches(Path::new(&r.path), config_dir))
    }
}

/// A parsed `nianbao.toml`.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file, as shown in messages (relative to the working directory when under it).
    pub path: String,
    /// Its folder, absolute: relative paths and `file` globs start here.
    pub dir: PathBuf,
    /// Province, in pinyin (`jilin`): selects the provincial rule pack.
    pub province: Option<At<String>>,
    /// City, in pinyin (`baicheng`): selects a city pack under the province.
    pub city: Option<At<String>>,
    /// Overrides the reporter kind inferred from the agency name.
    pub reporter_kind: Option<At<ReporterKind>>,
    pub deadlines: Deadlines,
    /// Replaces the built-in rules (absolute).
    pub rules_dir: Option<At<PathBuf>>,
    /// Loaded on top of the built-in (or `rules_dir`) rules (absolute).
    pub extend_rules: Vec<At<PathBuf>>,
    pub rules: RulesConfig,
    pub ignores: Vec<Ignore>,
}

const TOP_KEYS: &[&str] = &[
    "province",
    "city",
    "reporter_kind",
    "deadlines",
    "rules_dir",
    "extend_rules",
    "rules",
    "ignore",
];
const RULES_KEYS: &[&str] = &["enable", "disable", "severity", "params"];
const DEADLINE_KEYS: &[&str] = &["department", "government"];
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

/// The absolute form of a path (without resolving symlinks).
pub fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// A path for messages: relative to the working directory when under it.
pub fn display_path(p: &Path) -> String {
    let abs = absolute(p);
    match std::env::current_dir()
        .ok()
        .and_then(|cwd| abs.strip_prefix(cwd).ok().map(Path::to_path_buf))
    {
        Some(rel) if !rel.as_os_str().is_empty() => rel.display().to_string(),
        _ => p.display().to_string(),
    }
}

impl Config {
    /// Reads and parses a configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let shown = display_path(path);
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: shown.clone(),
            line: None,
            message: match e.kind() {
                std::io::ErrorKind::NotFound => "配置文件不存在".into(),
                std::io::ErrorKind::InvalidData => "配置文件不是 UTF-8 文本".into(),
                _ => format!("无法读取配置文件：{e}"),
            },
        })?;
        let dir = absolute(path)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        Config::parse(&text, &shown, &dir)
    }

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
                _ => return Err(p.unknown(key, "", TOP_KEYS)),
            }
        }
        Ok(c)
    }

    /// Applies `[rules]`, `[deadlines]` and checks the rule ids of
    /// `[[ignore]]` against a compiled rule set.
    pub fn apply(&self, rules: &mut RuleSet) -> Result<(), ConfigError> {
        let at = |line: usize, e: SettingError| ConfigError {
            file: self.path.clone(),
            line: Some(line),
            message: e.0,
        };
        for id in &self.rules.enable {
            if let Some(d) = self.rules.disable.iter().find(|d| d.value == id.value) {
                return Err(at(
                    id.line.max(d.line),
                    SettingError(format!("规则 {} 既在 enable 中又在 disable 中", id.value)),
                ));
            }
            rules
                .set_enabled(&id.value, true)
                .map_err(|e| at(id.line, e))?;
        }
        for id in &self.rules.disable {
            rules
                .set_enabled(&id.value, false)
                .map_err(|e| at(id.line, e))?;
        }
        for (id, severity) in &self.rules.severity {
            rules
                .set_severity(&id.value, *severity)
                .map_err(|e| at(id.line, e))?;
        }
        // Deadlines become the deadline rule's parameters when that rule is
        // loaded; `[rules.params.DAT-DEADLINE]` below still wins.
        if let Some(rule) = rules.get(DEADLINE_RULE) {
            let declared: Vec<String> = rule.meta.params.keys().cloned().collect();
            for (name, d) in DEADLINE_PARAMS
                .iter()
                .zip([&self.deadlines.department, &self.deadlines.government])
            {
                if let Some(d) = d.as_ref().filter(|_| declared.iter().any(|n| n == name)) {
                    rules
                        .set_param(DEADLINE_RULE, name, d.value.to_string().into())
                        .map_err(|e| at(d.line, e))?;
                }
            }
        }
        for s in &self.rules.params {
            rules
                .set_param(&s.rule, &s.name, s.value.clone())
                .map_err(|e| at(s.line, e))?;
        }
        for ig in &self.ignores {
            if rules.get(&ig.rule).is_none() {
                return Err(at(
                    ig.line,
                    SettingError(format!(
                        "[[ignore]] 的规则 {} 不存在（用 nianbao rules list 查看全部规则）",
                        ig.rule
                    )),
                ));
            }
        }
        Ok(())
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

/// Finds the nearest `nianbao.toml` for each checked file.
pub struct Discovery {
    /// The one found from the working directory upward.
    from_cwd: Option<PathBuf>,
    by_dir: HashMap<PathBuf, Option<PathBuf>>,
}

impl Default for Discovery {
    fn default() -> Self {
        Self::new()
    }
}

impl Discovery {
    pub fn new() -> Discovery {
        let from_cwd = std::env::current_dir().ok().and_then(|d| nearest(&d));
        Discovery {
            from_cwd,
            by_dir: HashMap::new(),
        }
    }

    /// The configuration found from the working directory upward.
    pub fn of_cwd(&self) -> Option<PathBuf> {
        self.from_cwd.clone()
    }

    /// The nearest configuration above `file`, else the working directory's.
    pub fn for_file(&mut self, file: &Path) -> Option<PathBuf> {
        let abs = absolute(file);
        let dir = if abs.is_dir() {
            abs
        } else {
            abs.parent().map(Path::to_path_buf).unwrap_or(abs)
        };
        let found = self
            .by_dir
            .entry(dir.clone())
            .or_insert_with(|| nearest(&dir))
            .clone();
        found.or_else(|| self.from_cwd.clone())
    }
}

fn nearest(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
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
            "nianbao.toml:2: 未知的配置项「provnice」（可用：province、city、reporter_kind、deadlines、rules_dir、extend_rules、rules、ignore）"
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
        assert!(
            err("reporter_kind = \"city\"\n").starts_with("nianbao.toml:1: reporter_kind 应为")
        );
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
            err(
                "[[ignore]]\nrule = \"A-1\"\nreason = \"r\"\ntable = \"t2\"\nrow = \"regulatoin\"\n"
            ),
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
        let doc = include_str!("../../../docs/config.md");
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
}
