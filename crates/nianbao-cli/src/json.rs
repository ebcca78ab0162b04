//! `--format json`: the stable machine format documented in `docs/json.md`.

use nianbao_core::{FileResult, RuleError};
use serde::Serialize;
use serde_json::json;

use crate::summary::Summary;

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

pub fn render(results: &[FileResult], load_errors: &[RuleError], summary: &Summary) -> String {
    let files: Vec<_> = results
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
            json!({
                "path": r.path,
                "format": r.format,
                "agency": r.agency,
                "year": r.year,
                "findings": r.findings,
                "errors": errors,
            })
        })
        .collect();
    let doc = json!({
        "version": VERSION,
        "files": files,
        "errors": load_errors,
        "summary": summary,
    });
    // Serialising a Value cannot fail; the compact form is the fallback.
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| doc.to_string());
    s.push('\n');
    s
}
