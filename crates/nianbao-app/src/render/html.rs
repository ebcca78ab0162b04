//! `--format html`: one self-contained page in Chinese (inline CSS and a few
//! lines of JS, no external assets): totals, a summary by agency and by rule,
//! files that could not be read, and every finding, filterable by severity
//! and rule. All text is escaped.

use std::collections::BTreeMap;
use std::fmt::Write;

use nianbao_core::{FileResult, Finding, Severity, Suppression};

use crate::Run;
use crate::place::{agency_of, counts, status_zh, suppression_zh, value_text};

/// Escapes text for HTML element content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif;margin:24px;color:#222;background:#fafafa}
h1{font-size:22px;margin:0 0 12px}h2{font-size:18px;margin:28px 0 8px;border-left:4px solid #2f6fb0;padding-left:8px}
table{border-collapse:collapse;background:#fff;font-size:13px;margin-bottom:8px}
th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#e8eef6;position:sticky;top:0;white-space:nowrap}
#by-rule td:nth-child(-n+2),#findings td:nth-child(4),#findings td:nth-child(5){white-space:nowrap}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 16px;min-width:110px}
.card b{display:block;font-size:22px}.sev-error{color:#c0392b;font-weight:bold}.sev-warning{color:#b9770e;font-weight:bold}.sev-info{color:#2874a6}
.filters{margin:8px 0;display:flex;gap:12px;align-items:center;flex-wrap:wrap}
.muted{color:#777}tr.hidden{display:none}tr.suppressed td{color:#888}
"#;

const SCRIPT: &str = r#"
(function(){
  var sev=document.getElementById('f-sev'),rule=document.getElementById('f-rule'),text=document.getElementById('f-text'),shown=document.getElementById('f-count');
  function apply(){
    var s=sev.value,r=rule.value,t=text.value.trim(),n=0;
    var rows=document.querySelectorAll('#findings tbody tr');
    for(var i=0;i<rows.length;i++){
      var tr=rows[i],ok=(!s||tr.dataset.severity===s)&&(!r||tr.dataset.rule===r)&&(!t||tr.textContent.indexOf(t)>=0);
      tr.classList.toggle('hidden',!ok); if(ok)n++;
    }
    shown.textContent=n;
  }
  // Filters can be preset by the address: 报告.html#severity=error&rule=R3-IDENT
  var q=new URLSearchParams(location.hash.slice(1));
  if(q.get('severity'))sev.value=q.get('severity');
  if(q.get('rule'))rule.value=q.get('rule');
  if(q.get('q'))text.value=q.get('q');
  sev.addEventListener('change',apply);rule.addEventListener('change',apply);text.addEventListener('input',apply);apply();
})();
"#;

#[derive(Default)]
struct Tally {
    files: usize,
    with_findings: usize,
    unreadable: usize,
    error: usize,
    warning: usize,
    info: usize,
    suppressed: usize,
}

pub fn render(run: &Run) -> String {
    let results = run.results;
    let summary = &run.summary;
    let review = &run.review;
    let metas = &run.metas;
    let ids = run.rule_ids();
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str("<title>政府信息公开工作年度报告检查结果</title>\n<style>");
    h.push_str(STYLE);
    h.push_str("</style>\n</head>\n<body>\n<h1>政府信息公开工作年度报告检查结果</h1>\n");
    let _ = writeln!(
        h,
        "<p class=\"muted\">nianbao {} · 依据国办公开办函〔2021〕30号格式</p>",
        esc(env!("CARGO_PKG_VERSION"))
    );

    // Totals.
    h.push_str("<div class=\"cards\" id=\"totals\">\n");
    for (label, n, class) in [
        ("文件", summary.files, ""),
        ("有问题的文件", summary.files_with_findings, ""),
        ("错误", summary.error, "sev-error"),
        ("警告", summary.warning, "sev-warning"),
        ("提示", summary.info, "sev-info"),
        ("无法读取", summary.unreadable, ""),
        ("规则运行失败", summary.engine_errors, ""),
        ("已接受（未计入）", summary.suppressed, ""),
    ]
    .into_iter()
    .chain(
        review
            .baseline
            .as_ref()
            .map(|_| ("已整改", summary.fixed, "")),
    ) {
        let _ = writeln!(
            h,
            "<div class=\"card\"><b class=\"{class}\">{n}</b>{label}</div>"
        );
    }
    h.push_str("</div>\n");

    // By agency.
    let mut agencies: BTreeMap<&str, Tally> = BTreeMap::new();
    for r in results {
        let t = agencies.entry(agency_of(r)).or_default();
        let (e, w, i) = counts(r);
        t.files += 1;
        t.with_findings += usize::from(e + w > 0);
        t.unreadable += usize::from(r.read_error.is_some());
        t.error += e;
        t.warning += w;
        t.info += i;
        t.suppressed += r.suppressed.len();
    }
    h.push_str("<h2>按单位汇总</h2>\n<table id=\"by-agency\">\n<thead><tr><th>单位</th><th>文件</th><th>有问题的文件</th><th>错误</th><th>警告</th><th>提示</th><th>无法读取</th><th>已接受</th></tr></thead>\n<tbody>\n");
    for (a, t) in &agencies {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(a),
            t.files,
            t.with_findings,
            t.error,
            t.warning,
            t.info,
            t.unreadable,
            t.suppressed
        );
    }
    h.push_str("</tbody>\n</table>\n");

    // By rule.
    let mut by_rule: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for r in results {
        let mut seen = std::collections::BTreeSet::new();
        for f in &r.findings {
            let e = by_rule.entry(f.rule.as_str()).or_default();
            e.0 += 1;
            if seen.insert(f.rule.as_str()) {
                e.1 += 1;
            }
        }
    }
    h.push_str("<h2>按规则汇总</h2>\n<table id=\"by-rule\">\n<thead><tr><th>规则</th><th>级别</th><th>名称</th><th>问题数</th><th>涉及文件</th><th>依据</th></tr></thead>\n<tbody>\n");
    for id in &ids {
        let (n, files) = by_rule.get(id.as_str()).copied().unwrap_or((0, 0));
        let m = metas.get(id.as_str());
        let sev = m.map(|m| m.severity);
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{n}</td><td class=\"n\">{files}</td><td>{}</td></tr>",
            esc(id),
            sev.map(severity_html).unwrap_or_default(),
            esc(m.map_or("", |m| m.title.as_str())),
            esc(m.map_or("", |m| m.basis.as_str())),
        );
    }
    h.push_str("</tbody>\n</table>\n");

    // Files that could not be read or whose rules failed.
    let failed: Vec<&FileResult> = results
        .iter()
        .filter(|r| r.read_error.is_some() || !r.rule_errors.is_empty())
        .collect();
    if !failed.is_empty() || !run.load_errors.is_empty() {
        h.push_str("<h2>无法检查</h2>\n<table id=\"failures\">\n<thead><tr><th>文件</th><th>情况</th><th>原因</th></tr></thead>\n<tbody>\n");
        for e in &run.load_errors {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>规则加载失败</td><td>{}</td></tr>",
                esc(&e.file),
                esc(&e.to_string())
            );
        }
        for r in failed {
            let mut why: Vec<String> = Vec::new();
            if let Some(e) = &r.read_error {
                why.push(e.to_string());
            }
            why.extend(r.rule_errors.iter().map(|e| e.to_string()));
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&r.path),
                status_zh(r),
                esc(&why.join("；"))
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }

    // Every finding, with filters.
    h.push_str("<h2>问题清单</h2>\n<div class=\"filters\">\n<label>级别 <select id=\"f-sev\"><option value=\"\">全部</option>");
    for s in [Severity::Error, Severity::Warning, Severity::Info] {
        let _ = write!(
            h,
            "<option value=\"{}\">{}</option>",
            s.as_str(),
            s.label_zh()
        );
    }
    h.push_str(
        "</select></label>\n<label>规则 <select id=\"f-rule\"><option value=\"\">全部</option>",
    );
    for id in &ids {
        let title = metas.get(id.as_str()).map_or("", |m| m.title.as_str());
        let _ = write!(
            h,
            "<option value=\"{}\">{} {}</option>",
            esc(id),
            esc(id),
            esc(title)
        );
    }
    h.push_str("</select></label>\n<label>查找 <input id=\"f-text\" type=\"search\" placeholder=\"文件、单位、说明…\"></label>\n");
    let total: usize = results.iter().map(|r| r.findings.len()).sum();
    let rows = total
        + if review.show_suppressed {
            summary.suppressed
        } else {
            0
        };
    let _ = writeln!(
        h,
        "<span>显示 <b id=\"f-count\">{rows}</b> / {rows} 项</span>\n</div>"
    );
    h.push_str("<table id=\"findings\">\n<thead><tr><th>文件</th><th>单位</th><th>年度</th><th>级别</th><th>规则</th><th>说明</th><th>表</th><th>行</th><th>列</th><th>位置</th><th>应为</th><th>实为</th><th>依据</th></tr></thead>\n<tbody>\n");
    for r in results {
        for f in &r.findings {
            finding_row(&mut h, r, f, None);
        }
        if review.show_suppressed {
            for s in &r.suppressed {
                finding_row(&mut h, r, &s.finding, Some(&s.by));
            }
        }
    }
    h.push_str("</tbody>\n</table>\n");
    if total == 0 {
        h.push_str(if summary.suppressed > 0 {
            "<p>未发现新问题。</p>\n"
        } else {
            "<p>未发现问题。</p>\n"
        });
    }
    if summary.suppressed > 0 && !review.show_suppressed {
        let _ = writeln!(
            h,
            "<p class=\"muted\" id=\"suppressed-note\">另有已接受（基线或忽略规则）的问题 {} 项未列出；加 --show-suppressed 可列出。</p>",
            summary.suppressed
        );
    }
    if let Some(path) = &review.baseline {
        let _ = writeln!(
            h,
            "<h2>已整改</h2>\n<p class=\"muted\">基线 {} 中有、本次不再出现的问题：{} 项。</p>",
            esc(path),
            review.fixed.len()
        );
        if !review.fixed.is_empty() {
            h.push_str("<table id=\"fixed\">\n<thead><tr><th>单位</th><th>年度</th><th>规则</th><th>位置</th><th>说明</th></tr></thead>\n<tbody>\n");
            for e in &review.fixed {
                let _ = writeln!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(e.agency.as_deref().unwrap_or("")),
                    e.year.map(|y| y.to_string()).unwrap_or_default(),
                    esc(&e.rule),
                    esc(e.location.place.as_deref().unwrap_or("")),
                    esc(&e.message)
                );
            }
            h.push_str("</tbody>\n</table>\n");
        }
    }
    if !review.unused_ignores.is_empty() {
        h.push_str("<h2>未使用的忽略规则</h2>\n<table id=\"unused-ignores\">\n<thead><tr><th>配置</th><th>规则</th><th>理由</th></tr></thead>\n<tbody>\n");
        for u in &review.unused_ignores {
            let _ = writeln!(
                h,
                "<tr><td>{}:{}</td><td>{}</td><td>{}</td></tr>",
                esc(&u.config),
                u.line,
                esc(&u.rule),
                esc(&u.reason)
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
    h.push_str("<script>");
    h.push_str(SCRIPT);
    h.push_str("</script>\n</body>\n</html>\n");
    h
}

/// One row of 问题清单; a suppressed finding is marked and greyed.
fn finding_row(h: &mut String, r: &FileResult, f: &Finding, by: Option<&Suppression>) {
    let l = &f.location;
    let mut at = Vec::new();
    if let Some(page) = l.page {
        at.push(format!("第 {page} 页"));
    }
    if let Some(line) = l.line {
        at.push(format!("第 {line} 行"));
    }
    if let Some(cell) = crate::place::sheet_cell(l) {
        at.push(cell);
    } else if let Some(c) = &l.cell {
        at.push(format!(
            "第 {} 个表格第 {} 行第 {} 列",
            c.table_index, c.row, c.column
        ));
    }
    if l.table_label.is_none() {
        if let Some(s) = crate::place::location(l) {
            at = vec![s];
        }
    }
    let (attrs, mark) = match by {
        Some(by) => (
            format!(
                " class=\"suppressed\" data-suppressed=\"{}\"",
                match by {
                    Suppression::Baseline => "baseline",
                    Suppression::Ignore { .. } => "ignore",
                }
            ),
            format!("<br><small>{}</small>", esc(&suppression_zh(by))),
        ),
        None => (String::new(), String::new()),
    };
    let _ = writeln!(
        h,
        "<tr data-severity=\"{}\" data-rule=\"{}\"{attrs}><td>{}</td><td>{}</td><td>{}</td><td>{}{mark}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
        f.severity.as_str(),
        esc(&f.rule),
        esc(&r.path),
        esc(agency_of(r)),
        r.year.map(|y| y.to_string()).unwrap_or_default(),
        severity_html(f.severity),
        esc(&f.rule),
        esc(&f.message),
        esc(l.table_label.as_deref().unwrap_or("")),
        esc(l.row.as_deref().unwrap_or("")),
        esc(l.column.as_deref().unwrap_or("")),
        esc(&at.join("，")),
        f.expected
            .as_ref()
            .map(|v| esc(&value_text(v)))
            .unwrap_or_default(),
        f.found
            .as_ref()
            .map(|v| esc(&value_text(v)))
            .unwrap_or_default(),
        esc(&f.basis),
    );
}

fn severity_html(s: Severity) -> String {
    format!("<span class=\"sev-{}\">{}</span>", s.as_str(), s.label_zh())
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<script>\"a\" & 'b'</script>"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
    }
}
