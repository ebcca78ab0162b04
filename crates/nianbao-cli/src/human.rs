//! Human output: Chinese, grouped by file, coloured only on a terminal.

use std::fmt::Write;

use nianbao_core::{FileResult, Finding, RuleError, Severity, Suppressed, Suppression};

use nianbao_app::Run;
use nianbao_app::place::{location, suppression_zh, value_text as value};

pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn severity(&self, s: Severity) -> String {
        let code = match s {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
        };
        self.paint(code, s.label_zh())
    }
}

pub fn render(run: &Run, style: &Style) -> String {
    let summary = &run.summary;
    let review = &run.review;
    let load_errors = &run.load_errors;
    let mut out = String::new();
    if !load_errors.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            style.paint("1;31", "规则加载失败（其余规则照常运行）：")
        );
        for e in load_errors {
            let _ = writeln!(out, "  {}", rule_error(e));
        }
        out.push('\n');
    }
    for r in run.results {
        file(&mut out, r, style, review.show_suppressed);
    }
    if let Some(path) = &review.baseline {
        if review.fixed.is_empty() {
            let _ = writeln!(
                out,
                "已整改 0 项（基线 {path} 中的问题仍然存在或未在本次检查）。\n"
            );
        } else {
            let _ = writeln!(
                out,
                "{}",
                style.paint(
                    "1;32",
                    &format!(
                        "已整改 {} 项（基线 {path} 中有、本次不再出现）：",
                        review.fixed.len()
                    )
                )
            );
            for e in &review.fixed {
                let mut who = Vec::new();
                if let Some(a) = &e.agency {
                    who.push(a.clone());
                }
                if let Some(y) = e.year {
                    who.push(format!("{y} 年度"));
                }
                let _ = writeln!(out, "  [{}] {}", e.rule, e.message);
                let place = e.location.place.clone().unwrap_or_default();
                let _ = writeln!(
                    out,
                    "      {}{}",
                    who.join("，"),
                    if place.is_empty() {
                        String::new()
                    } else {
                        format!("：{place}")
                    }
                );
            }
            out.push('\n');
        }
    }
    for u in &review.unused_ignores {
        let _ = writeln!(
            out,
            "{} {}:{}：[[ignore]]（规则 {}，理由「{}」）没有匹配任何问题，可以删除。",
            style.paint("1;33", "未使用的忽略"),
            u.config,
            u.line,
            u.rule,
            u.reason
        );
    }
    if !review.unused_ignores.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "共检查 {} 个文件：错误 {} 项，警告 {} 项，提示 {} 项；无法读取 {} 个文件，规则运行失败 {} 次{}。",
        summary.files,
        summary.error,
        summary.warning,
        summary.info,
        summary.unreadable,
        summary.engine_errors,
        summary.review_zh(review.baseline.is_some())
    );
    out
}

fn file(out: &mut String, r: &FileResult, style: &Style, show_suppressed: bool) {
    let mut head = style.paint("1", &r.path);
    match (&r.agency, r.year) {
        (Some(a), Some(y)) => head.push_str(&format!("（{a}，{y} 年度）")),
        (Some(a), None) => head.push_str(&format!("（{a}）")),
        (None, Some(y)) => head.push_str(&format!("（{y} 年度）")),
        (None, None) => {}
    }
    let _ = writeln!(out, "{head}");
    if let Some(e) = &r.read_error {
        let _ = writeln!(out, "  {} 无法读取：{e}", style.paint("1;31", "失败"));
    }
    for e in &r.rule_errors {
        let _ = writeln!(
            out,
            "  {} {}",
            style.paint("1;31", "规则失败"),
            rule_error(e)
        );
    }
    if r.read_error.is_none() && r.findings.is_empty() && r.rule_errors.is_empty() {
        if r.suppressed.is_empty() {
            let _ = writeln!(out, "  未发现问题。");
        } else {
            let _ = writeln!(out, "  未发现新问题。");
        }
    }
    for f in sorted(&r.findings) {
        finding(out, f, style, None);
    }
    if !r.suppressed.is_empty() {
        if show_suppressed {
            let mut v: Vec<&Suppressed> = r.suppressed.iter().collect();
            v.sort_by(|a, b| {
                (a.finding.severity, &a.finding.rule).cmp(&(b.finding.severity, &b.finding.rule))
            });
            for s in v {
                finding(out, &s.finding, style, Some(&s.by));
            }
        } else {
            let baseline = r
                .suppressed
                .iter()
                .filter(|s| s.by == Suppression::Baseline)
                .count();
            let ignored = r.suppressed.len() - baseline;
            let why = match (baseline, ignored) {
                (b, 0) => format!("基线 {b} 项"),
                (0, i) => format!("忽略规则 {i} 项"),
                (b, i) => format!("基线 {b} 项，忽略规则 {i} 项"),
            };
            let _ = writeln!(
                out,
                "  {}",
                style.paint(
                    "2",
                    &format!(
                        "另有已接受的问题 {} 项未显示（{why}；加 --show-suppressed 显示）",
                        r.suppressed.len()
                    )
                )
            );
        }
    }
    out.push('\n');
}

fn sorted(findings: &[Finding]) -> Vec<&Finding> {
    let mut v: Vec<&Finding> = findings.iter().collect();
    // Stable: errors first, then by rule; a rule's own order is kept.
    v.sort_by(|a, b| {
        a.severity
            .cmp(&b.severity)
            .then_with(|| a.rule.cmp(&b.rule))
    });
    v
}

/// Cells of a grouped finding printed before 「等，共 N 处」 (JSON lists all).
const GROUPED_CELLS_SHOWN: usize = 3;

fn finding(out: &mut String, f: &Finding, style: &Style, suppressed: Option<&Suppression>) {
    let mark = match suppressed {
        Some(Suppression::Baseline) => style.paint("2", "（已接受）"),
        Some(Suppression::Ignore { .. }) => style.paint("2", "（已忽略）"),
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "  {mark}{}[{}] {}",
        style.severity(f.severity),
        f.rule,
        f.message
    );
    if f.cells.is_empty() {
        if let Some(loc) = location(&f.location) {
            let _ = writeln!(out, "      位置：{loc}");
        }
    } else {
        // A grouped finding: the first few cells and how many in all.
        let shown: Vec<String> = f
            .cells
            .iter()
            .take(GROUPED_CELLS_SHOWN)
            .filter_map(|c| location(&c.location))
            .collect();
        let more = f.cells.len().saturating_sub(GROUPED_CELLS_SHOWN);
        let tail = if more > 0 {
            format!(" 等，共 {} 处", f.cells.len())
        } else {
            format!("，共 {} 处", f.cells.len())
        };
        let _ = writeln!(out, "      位置：{}{tail}", shown.join("；"));
    }
    match (&f.expected, &f.found) {
        (Some(e), Some(x)) => {
            let _ = writeln!(out, "      应为：{}　实为：{}", value(e), value(x));
        }
        (Some(e), None) => {
            let _ = writeln!(out, "      应为：{}", value(e));
        }
        (None, Some(x)) => {
            let _ = writeln!(out, "      实为：{}", value(x));
        }
        (None, None) => {}
    }
    let _ = writeln!(out, "      依据：{}", f.basis);
    if !f.also.is_empty() {
        let _ = writeln!(out, "      另见：{}", f.also.join("、"));
    }
    if let Some(by) = suppressed {
        let _ = writeln!(out, "      处理：{}", suppression_zh(by));
    }
}

fn rule_error(e: &RuleError) -> String {
    let id = e
        .rule
        .as_deref()
        .map(|r| format!("[{r}] "))
        .unwrap_or_default();
    match e.line {
        Some(l) => format!("{id}{}:{l}：{}", e.file, e.message),
        None => format!("{id}{}：{}", e.file, e.message),
    }
}
