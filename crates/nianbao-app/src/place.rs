//! How places and values read in every output: a finding's location as
//! 「表三（七）总计·自然人（第 57 行）」, a value as a reader sees it, a file's
//! status and counts. A leaf: the renderers, review and annotating import it,
//! it imports none of them.

use std::fmt::Write as _;

use nianbao_core::finding::Location;
use nianbao_core::{FileResult, Severity, Suppression};

const SECTION_NAMES: [&str; 8] = [
    "正文开头",
    "第一部分",
    "第二部分",
    "第三部分",
    "第四部分",
    "第五部分",
    "第六部分",
    "落款",
];

/// 「表三（七）总计·自然人（第 57 行）」
pub fn location(loc: &Location) -> Option<String> {
    let mut s = String::new();
    if let Some(t) = &loc.table_label {
        s.push_str(t);
        if let Some(r) = &loc.row {
            if !r.starts_with('（') {
                s.push(' ');
            }
            s.push_str(r);
        }
        if let Some(c) = &loc.column {
            s.push('·');
            s.push_str(c);
        }
    } else if let Some(n) = loc.section {
        s.push_str(SECTION_NAMES[usize::from(n.min(7))]);
        if let Some(p) = loc.paragraph {
            let _ = write!(s, "第 {p} 段");
        }
    }
    let mut at = Vec::new();
    if let Some(p) = loc.page {
        at.push(format!("第 {p} 页"));
    }
    if let Some(r) = sheet_cell(loc) {
        at.push(r);
    } else if let Some(c) = &loc.cell {
        at.push(format!(
            "文档第 {} 个表格第 {} 行第 {} 列",
            c.table_index, c.row, c.column
        ));
    }
    if let Some(l) = loc.line {
        at.push(format!("第 {l} 行"));
    }
    if !at.is_empty() {
        let _ = write!(s, "（{}）", at.join("，"));
    }
    (!s.is_empty()).then_some(s)
}

/// 「表三!D27」: the worksheet and cell as Excel writes a reference (the
/// sheet's name quoted when it has spaces or punctuation).
pub fn sheet_cell(loc: &Location) -> Option<String> {
    let (sheet, cell) = (loc.sheet.as_deref()?, loc.cell_ref.as_deref()?);
    if sheet.chars().all(|c| c.is_alphanumeric() || c == '_') {
        Some(format!("{sheet}!{cell}"))
    } else {
        Some(format!("'{}'!{cell}", sheet.replace('\'', "''")))
    }
}

/// 「已接受（基线）」 or 「已忽略：理由（nianbao.toml:7）」
pub fn suppression_zh(by: &Suppression) -> String {
    match by {
        Suppression::Baseline => "已接受（基线）".into(),
        Suppression::Ignore {
            reason,
            config,
            line,
        } => format!("已忽略：{reason}（{config}:{line}）"),
    }
}

/// Finding counts of one file: (error, warning, info).
pub fn counts(r: &FileResult) -> (usize, usize, usize) {
    let mut c = (0, 0, 0);
    for f in &r.findings {
        match f.severity {
            Severity::Error => c.0 += 1,
            Severity::Warning => c.1 += 1,
            Severity::Info => c.2 += 1,
        }
    }
    c
}

/// 「未发现问题」/「有问题」/「无法读取」/「规则运行失败」
pub fn status_zh(r: &FileResult) -> &'static str {
    if r.read_error.is_some() {
        "无法读取"
    } else if !r.rule_errors.is_empty() {
        "规则运行失败"
    } else if r.findings.iter().any(|f| f.severity != Severity::Info) {
        "有问题"
    } else {
        "未发现问题"
    }
}

/// A JSON value as a reader sees it: strings bare, blank as 「（空白）」.
pub fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) if s.is_empty() => "（空白）".into(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The agency for grouping: 「（未识别单位）」 when unknown.
pub fn agency_of(r: &FileResult) -> &str {
    r.agency.as_deref().unwrap_or("（未识别单位）")
}
