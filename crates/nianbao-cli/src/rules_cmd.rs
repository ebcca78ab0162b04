//! `nianbao rules list | explain ID | test [DIR]`.

use std::sync::Arc;

use nianbao_core::RuleSet;

/// `rules list`: id, severity, title.
pub fn list(rules: &RuleSet) -> String {
    rules
        .rules()
        .iter()
        .map(|r| {
            format!(
                "{:<14} {:<4} {}\n",
                r.meta.id,
                r.meta.severity.label_zh(),
                r.meta.title
            )
        })
        .collect()
}

/// `rules explain ID`: everything a reviewer needs to trust a finding.
pub fn explain(rules: &RuleSet, id: &str) -> Option<String> {
    let r = rules.get(&id.to_ascii_uppercase())?;
    let m = &r.meta;
    let mut s = format!(
        "{}  {}\n级别：{}\n依据：{}\n文件：{}\n\n{}\n",
        m.id,
        m.title,
        m.severity.label_zh(),
        m.basis,
        m.file,
        m.description
    );
    if !m.params.is_empty() {
        s.push_str("\n参数（可在 nianbao.toml 中修改）：\n");
        for (name, value) in &m.params {
            match r.param(name) {
                Some(v) if &v != value => s.push_str(&format!("  {name} = {v}（默认 {value}）\n")),
                _ => s.push_str(&format!("  {name} = {value}\n")),
            }
        }
    }
    if !m.examples.is_empty() {
        s.push_str("\n示例：\n");
        for e in &m.examples {
            s.push_str(&format!("  {}（应报告 {} 项）\n", e.name, e.expect));
        }
    }
    Some(s)
}

/// `rules test`: every example of every rule, run through the YAML adapter and
/// that rule alone. Returns the report and whether everything passed.
pub fn test(rules: &RuleSet) -> (String, bool) {
    let mut out = String::new();
    let (mut passed, mut failed) = (0, 0);
    for rule in rules.rules() {
        let m = &rule.meta;
        let mut problems = Vec::new();
        if !m.examples.iter().any(|e| e.expect > 0) || !m.examples.iter().any(|e| e.expect == 0) {
            problems.push(
                "缺少示例：每条规则至少要有一个应报告问题的示例和一个不应报告问题的示例"
                    .to_string(),
            );
        }
        for e in &m.examples {
            let got = nianbao_yaml::parse_report(&e.report)
                .map_err(|err| format!("示例 YAML 有误：{err}"))
                .and_then(|report| {
                    rules
                        .run(rule, &Arc::new(report))
                        .map_err(|err| format!("规则运行失败：{err}"))
                });
            match got {
                Ok(findings) if findings.len() == e.expect => {}
                Ok(findings) => {
                    let mut p = format!(
                        "「{}」应报告 {} 项，实际 {} 项",
                        e.name,
                        e.expect,
                        findings.len()
                    );
                    for f in findings {
                        p.push_str(&format!("\n      - {}", f.message));
                    }
                    problems.push(p);
                }
                Err(msg) => problems.push(format!("「{}」{msg}", e.name)),
            }
        }
        if problems.is_empty() {
            passed += 1;
            out.push_str(&format!("通过  {}（{} 个示例）\n", m.id, m.examples.len()));
        } else {
            failed += 1;
            out.push_str(&format!("失败  {}  {}\n", m.id, m.file));
            for p in problems {
                out.push_str(&format!("    {p}\n"));
            }
        }
    }
    out.push_str(&format!("\n{} 条规则通过，{} 条失败。\n", passed, failed));
    (out, failed == 0)
}
