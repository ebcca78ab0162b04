//! `--format json`: the stable machine format documented in `docs/json.md`.

use nianbao_core::RuleError;
use nianbao_core::fingerprint::fingerprint;
use serde::Serialize;
use serde_json::{Value, json};

use crate::Run;

pub const VERSION: u32 = 1;

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum FileError<'a> {
    /// The file could not be read.
    Read {
        message: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        line: Option<usize>,
        #[serde(skip_serializing_if = "Option::is_none")]
        column: Option<usize>,
    },
    /// A rule failed on this file.
    Rule(&'a RuleError),
}

/// A value with `fingerprint` added (an additive field of version 1).
fn with_fingerprint(v: impl Serialize, fp: String) -> Value {
    let mut v = serde_json::to_value(v).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.insert("fingerprint".into(), Value::String(fp));
    }
    v
}

pub fn render(run: &Run) -> String {
    let files: Vec<_> = run
        .results
        .iter()
        .map(|r| {
            let mut errors: Vec<FileError> = Vec::new();
            if let Some(e) = &r.read_error {
                errors.push(FileError::Read {
                    message: &e.message,
                    line: e.line,
                    column: e.column,
                });
            }
            errors.extend(r.rule_errors.iter().map(FileError::Rule));
            let (agency, year) = (r.agency.as_deref(), r.year);
            let findings: Vec<Value> = r
                .findings
                .iter()
                .map(|f| with_fingerprint(f, fingerprint(f, agency, year)))
                .collect();
            let mut file = json!({
                "path": r.path,
                "format": r.format,
                "agency": r.agency,
                "year": r.year,
                "findings": findings,
                "errors": errors,
                "suppressed": r.suppressed.len(),
            });
            if let Some(p) = &r.previous {
                file["previous"] = p.as_str().into();
            }
            if run.review.show_suppressed {
                file["suppressed_findings"] = r
                    .suppressed
                    .iter()
                    .map(|s| with_fingerprint(s, fingerprint(&s.finding, agency, year)))
                    .collect();
            }
            file
        })
        .collect();
    let mut doc = json!({
        "version": VERSION,
        "files": files,
        "errors": run.load_errors,
        "summary": run.summary,
        "baseline": run.review.baseline,
        "fixed": run.review.fixed,
        "unused_ignores": run.review.unused_ignores,
    });
    if let Some(t) = &run.timings {
        doc["timings"] = serde_json::to_value(t).unwrap_or(Value::Null);
    }
    // Serialising a Value cannot fail; the compact form is the fallback.
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| doc.to_string());
    s.push('\n');
    s
}
