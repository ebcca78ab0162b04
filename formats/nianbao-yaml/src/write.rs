//! Writing a report in the YAML schema (`nianbao extract --to yaml`), so that
//! what was recognised can be read, corrected by hand and checked again.

use std::fmt::Write;

use nianbao_core::model::{AgencySource, Paragraph, Report};
use nianbao_core::schema::TableKey;
use nianbao_core::value::Value;

/// A double-quoted YAML scalar: safe for any text.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn list(out: &mut String, indent: &str, items: &[Paragraph]) {
    if items.is_empty() {
        out.push_str(" []\n");
        return;
    }
    out.push('\n');
    for p in items {
        let _ = writeln!(out, "{indent}- {}", quote(&p.text));
    }
}

pub fn to_yaml(report: &Report) -> String {
    let mut out = String::new();
    let m = &report.meta;
    let _ = writeln!(out, "# nianbao extract of {}", report.path);
    let mut meta = Vec::new();
    if let Some(t) = &m.title {
        meta.push(format!("title: {}", quote(t)));
    }
    if let Some(a) = &m.agency {
        // Where recognition found the name, for the reader; reading the
        // file back takes it as stated.
        match m.agency_source {
            Some(src) if src != AgencySource::Input => {
                meta.push(format!("agency: {}  # 取自{}", quote(a), src.label_zh()))
            }
            _ => meta.push(format!("agency: {}", quote(a))),
        }
    }
    if let Some(y) = m.year {
        meta.push(format!("year: {y}"));
    }
    if let Some(p) = &m.period {
        meta.push(format!("period: {}", quote(p)));
    }
    if let Some(d) = &m.signed {
        meta.push(format!("signed: {}", quote(&d.text)));
    }
    if let Some(p) = &m.published {
        meta.push(format!(
            "published: {{date: {}, source: {}}}",
            quote(&p.date.text),
            quote(&p.source)
        ));
    }
    if let Some(k) = m.reporter_kind {
        meta.push(format!("reporter_kind: {}", k.as_str()));
    }
    if meta.is_empty() {
        out.push_str("meta: {}\n");
    } else {
        out.push_str("meta:\n");
        for line in meta {
            let _ = writeln!(out, "  {line}");
        }
    }
    out.push_str("preamble:");
    list(&mut out, "  ", &report.preamble);
    out.push_str("sections:");
    if report.sections.is_empty() {
        out.push_str(" []\n");
    } else {
        out.push('\n');
        for s in &report.sections {
            let _ = writeln!(out, "  - heading: {}", quote(&s.heading));
            out.push_str("    paragraphs:");
            list(&mut out, "      ", &s.paragraphs);
        }
    }
    out.push_str("closing:");
    list(&mut out, "  ", &report.closing);
    // Absent tables are noted by every check; only what the file itself showed is kept.
    let notes: Vec<_> = report
        .notes
        .iter()
        .filter(|n| n.code != "table-missing")
        .collect();
    if !notes.is_empty() {
        out.push_str("notes:\n");
        for n in notes {
            let _ = write!(out, "  - {{code: {}", quote(&n.code));
            if let Some(t) = n.table {
                let _ = write!(out, ", table: {}", t.as_str());
            }
            if let Some(r) = &n.row {
                let _ = write!(out, ", row: {}", quote(r));
            }
            let _ = writeln!(out, ", message: {}}}", quote(&n.message));
        }
    }
    out.push_str("tables:");
    if report.tables.is_empty() {
        out.push_str(" {}\n");
        return out;
    }
    out.push('\n');
    for key in TableKey::ALL {
        let Some(table) = report.table(key) else {
            continue;
        };
        let schema = key.schema();
        let _ = writeln!(out, "  {}:", key.as_str());
        for row in schema.rows {
            let cells: Vec<String> = row
                .columns
                .iter()
                .filter_map(|col| {
                    let cell = table.cell(row.key, col)?;
                    let v = match cell.value {
                        Value::Int(i) => i.to_string(),
                        Value::Decimal(d) => d.to_string(),
                        _ => quote(cell.text.trim()),
                    };
                    Some(format!("{col}: {v}"))
                })
                .collect();
            if !cells.is_empty() {
                let _ = writeln!(out, "    {}: {{{}}}", row.key, cells.join(", "));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_survives_a_round_trip() {
        let text =
            "tables:\n  t3:\n    new: {natural: 无, commercial: \"a\\\"b\\\\c\", total: 1.5}\n";
        let report = crate::parse_report(text).unwrap();
        let again = crate::parse_report(&to_yaml(&report)).unwrap();
        let t = again.table(TableKey::T3).unwrap();
        assert_eq!(t.cell("new", "natural").unwrap().value, Value::Dash);
        assert_eq!(t.cell("new", "commercial").unwrap().text, "a\"b\\c");
        assert_eq!(t.cell("new", "total").unwrap().value, Value::Decimal(1.5));
    }
}
