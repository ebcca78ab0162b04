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

use std::fmt;
use std::path::{Path, PathBuf};

use nianbao_core::fingerprint::normalize_text;
use nianbao_core::model::ReporterKind;
use nianbao_core::rules::SettingError;
use nianbao_core::{FileResult, Finding, RuleSet, Severity};

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

/// One `[[serve.user]]`: a reviewer who may log in to `nianbao serve`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServeUser {
    pub name: String,
    /// The password as a PHC argon2 string (`nianbao serve hash-password`).
    pub password_hash: String,
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
    /// `[[serve.user]]`: who may log in to `nianbao serve` (line of each entry).
    pub serve_users: Vec<At<ServeUser>>,
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

mod parse;
#[cfg(test)]
mod tests;
