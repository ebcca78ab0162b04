//! Findings written into a copy of the checked file, where its reader
//! works: Word comments on the cells and paragraphs of a DOCX, cell notes in
//! an XLSX, highlights and notes on the pages of a PDF. Bytes in, bytes out:
//! the front end decides where the copy goes.
//!
//! The file is parsed once: the check hands over, while its report is at
//! hand, one placed note per finding ([`notes_of`]); after the review has
//! taken out accepted findings, the notes of those that remain
//! ([`remaining_notes`]) go to the annotator of the file's format.

use nianbao_core::address::Note;
use nianbao_core::{Checked, Finding, Registry};

use crate::place::{location, value_text};

/// A finding and the note that marks it in the copy.
pub type Marked = (Finding, Note);

/// Why a copy could not be made, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnnotateError {
    /// The format cannot carry notes; names the formats that can.
    #[error("{format} 格式不能写入批注（可批注 {can}）；请用 nianbao check 查看问题")]
    Unsupported { format: String, can: String },
    /// The format's annotator refused the file.
    #[error("{0}")]
    Failed(String),
}

/// The comment's text: severity and rule, message, expected and found, basis.
pub fn note_lines(f: &Finding) -> Vec<String> {
    let mut lines = vec![format!(
        "{} [{}] {}",
        f.severity.label_zh(),
        f.rule,
        f.message
    )];
    match (&f.expected, &f.found) {
        (Some(e), Some(x)) => {
            lines.push(format!("应为：{}　实为：{}", value_text(e), value_text(x)))
        }
        (Some(e), None) => lines.push(format!("应为：{}", value_text(e))),
        (None, Some(x)) => lines.push(format!("实为：{}", value_text(x))),
        (None, None) => {}
    }
    if !f.cells.is_empty() {
        // A grouped finding is one mark, on its first cell; the note names all.
        const LISTED: usize = 30;
        let places: Vec<String> = f
            .cells
            .iter()
            .take(LISTED)
            .filter_map(|c| location(&c.location))
            .collect();
        let more = if f.cells.len() > LISTED { " 等" } else { "" };
        lines.push(format!(
            "共 {} 处：{}{more}",
            f.cells.len(),
            places.join("；")
        ));
    }
    lines.push(format!("依据：{}", f.basis));
    if !f.also.is_empty() {
        lines.push(format!("另见：{}", f.also.join("、")));
    }
    lines
}

/// Every finding of a checked file with its placed note.
pub fn notes_of(checked: &Checked) -> Vec<Marked> {
    let notes = checked.notes(note_lines);
    checked.result.findings.iter().cloned().zip(notes).collect()
}

/// The notes of the findings still in `findings` (after a baseline or an
/// `[[ignore]]` took some out), in the order of `findings`.
pub fn remaining_notes(mut marked: Vec<Marked>, findings: &[Finding]) -> Vec<Note> {
    findings
        .iter()
        .filter_map(|f| {
            let i = marked.iter().position(|(g, _)| g == f)?;
            Some(marked.swap_remove(i).1)
        })
        .collect()
}

/// The formats a copy can be annotated in, as 「.docx、.pdf、.xlsx」.
pub fn annotatable(registry: &Registry) -> String {
    let mut names: Vec<String> = registry
        .annotatable()
        .map(|a| format!(".{}", a.name()))
        .collect();
    names.sort();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} 和 {last}", rest.join("、")),
        _ => names.join(""),
    }
}

/// Whether files of this format can be annotated.
pub fn can_annotate(registry: &Registry, format: &str) -> bool {
    registry
        .by_name(format)
        .is_some_and(|a| a.annotator().is_some())
}

/// The annotated copy of a file of `format` (the adapter's name, as in
/// `FileResult::format`): the original bytes when there is nothing to mark.
pub fn annotate(
    registry: &Registry,
    format: &str,
    bytes: &[u8],
    notes: &[Note],
) -> Result<Vec<u8>, AnnotateError> {
    let Some(annotator) = registry.by_name(format).and_then(|a| a.annotator()) else {
        return Err(AnnotateError::Unsupported {
            format: format.to_string(),
            can: annotatable(registry),
        });
    };
    if notes.is_empty() {
        return Ok(bytes.to_vec());
    }
    annotator
        .annotate(bytes, notes)
        .map_err(|e| AnnotateError::Failed(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_formats_that_can_be_annotated_come_from_the_registry() {
        let registry = crate::formats::registry();
        assert_eq!(annotatable(&registry), ".docx、.pdf 和 .xlsx");
        assert!(can_annotate(&registry, "docx"));
        assert!(!can_annotate(&registry, "yaml"));
        let e = annotate(&registry, "yaml", b"x", &[]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "yaml 格式不能写入批注（可批注 .docx、.pdf 和 .xlsx）；请用 nianbao check 查看问题"
        );
    }
}
