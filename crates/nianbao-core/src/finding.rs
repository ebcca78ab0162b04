//! Findings (what a rule reports) and engine errors (why a rule could not run).

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    /// 错误 / 警告 / 提示
    pub fn label_zh(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Info => "提示",
        }
    }
}

/// A physical table cell, 1-based, in the merge-expanded grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CellRef {
    pub table_index: usize,
    pub row: usize,
    pub column: usize,
}

/// Where a finding points. Every field is optional: present when known.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Location {
    /// Table key: `t2`, `t3`, `t4`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// 「表三」
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_label: Option<String>,
    /// The row as the format names it: 「（七）总计」.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row_key: Option<String>,
    /// The column as the format names it: 「自然人」.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column_key: Option<String>,
    /// Section number 1–6 (0 = before section 一, 7 = 落款).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<u8>,
    /// Paragraph number in the whole report, 1-based.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paragraph: Option<usize>,
    /// Line in the input file (YAML, text, HTML).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Page of the input, 1-based (PDF).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Worksheet of the input (XLSX, XLS).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// A1 address of the cell on that worksheet: `D27`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell_ref: Option<String>,
    /// Physical cell (DOCX, XLSX, HTML).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<CellRef>,
}

/// One cell of a finding that groups the same problem in many cells of one
/// table (NUM-BLANK: every blank cell of table 三 in one finding).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingCell {
    pub location: Location,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    pub location: Location,
    /// Every cell of a grouped finding, in the table's order; `location` is
    /// the first. Empty for a finding about one place.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cells: Vec<FindingCell>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found: Option<serde_json::Value>,
    pub basis: String,
    /// Other rules that found the same cell wrong by the same values, merged
    /// into this finding (`merge.rs`): their relations are in `message` and
    /// `basis`. Empty for a finding of one rule.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
}

/// A rule that could not be loaded or could not run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct RuleError {
    /// The rule id, when the metadata could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The script file, as loaded (`rules/national/r3_ident.rhai` or a path under `--rules`).
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for RuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Why a finding is not counted: the reviewer accepted it in a baseline, or a
/// `[[ignore]]` of the configuration matched it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Suppression {
    /// Listed in the `--baseline` file.
    Baseline,
    /// An `[[ignore]]` entry: its reason and where it is written.
    Ignore {
        reason: String,
        /// The configuration file.
        config: String,
        line: usize,
    },
}

/// A finding that was suppressed, kept for counts and `--show-suppressed`.
/// Serialised as the finding's fields plus `suppression`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suppressed {
    #[serde(flatten)]
    pub finding: Finding,
    #[serde(rename = "suppression")]
    pub by: Suppression,
}
