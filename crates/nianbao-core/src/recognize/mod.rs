//! From a generic [`Document`] to the [`Report`] model: sections, metadata and
//! the national tables. This is the only place the national format is
//! recognised, so every format adapter stays thin.

pub mod tables;
pub mod text;

use crate::document::{Block, Document};
use crate::model::{Meta, Paragraph, RecognitionNote, Report};
use crate::schema::TableKey;

pub use tables::{TableRecognizer, classify};
pub use text::{
    PORTAL_META_KEYS, infer_meta, is_tables_only, parse_date, parse_portal_date, portal_meta,
    section_heading, split_sections, take_portal_meta, title_span, title_start, unnumbered_section,
};

/// Recognises a document read by an adapter.
pub fn recognize(doc: &Document, path: &str, format: &str) -> Report {
    let mut paragraphs = Vec::new();
    let mut recognizer = TableRecognizer::default();
    let mut section: Option<u8> = None;
    for block in &doc.blocks {
        match block {
            Block::Paragraph(p) => {
                if let Some(n) = section_heading(&p.text) {
                    if section.is_none_or(|s| n > s) {
                        section = Some(n);
                    }
                }
                paragraphs.push(Paragraph {
                    text: p.text.clone(),
                    origin: p.origin.clone(),
                });
            }
            Block::Table(grid) => recognizer.add(grid, section),
        }
    }
    let published = take_portal_meta(&mut paragraphs);
    let tables_only = is_tables_only(!recognizer.tables.is_empty(), &paragraphs);
    let (preamble, sections, closing) = if tables_only {
        // Sheet captions such as 「三、收到和处理…情况」 are not sections of a report.
        (paragraphs, Vec::new(), Vec::new())
    } else {
        split_sections(paragraphs)
    };
    let mut meta = Meta {
        published,
        ..Meta::default()
    };
    let opening = sections
        .first()
        .filter(|s| s.number == 1)
        .map_or(&[][..], |s| &s.paragraphs[..]);
    infer_meta(&mut meta, &preamble, opening, &closing);
    if meta.agency.is_none() {
        // Nothing in the document names the agency (a workbook of bare
        // tables): its file name may. What depends on the agency is then
        // inferred from it as from any other source.
        if let Some(agency) = text::agency_from_file_name(path) {
            meta.agency = Some(agency);
            meta.agency_source = Some(crate::model::AgencySource::FileName);
            infer_meta(&mut meta, &preamble, opening, &closing);
        }
    }
    recognizer.note_missing_rows();
    let mut notes = recognizer.take_notes();
    for key in TableKey::ALL {
        if !recognizer.tables.contains_key(&key) && !recognizer.old_format_tables().contains(&key) {
            notes.push(RecognitionNote {
                code: "table-missing".into(),
                table: Some(key),
                message: format!("未识别到{}（{}）", key.schema().label, key.schema().title),
                ..Default::default()
            });
        }
    }
    let mut report = Report {
        path: path.to_string(),
        format: format.to_string(),
        meta,
        preamble,
        sections,
        closing,
        tables: recognizer.tables,
        notes: Vec::new(),
        tables_only,
    };
    add_notes(&mut report, notes);
    report
}

/// Adds recognition notes (recognition's own, or an adapter's such as the
/// text reader's `cell-count`) to a report. A table with a row of numbers
/// that could not be placed is marked `incomplete`.
pub fn add_notes(report: &mut Report, notes: Vec<RecognitionNote>) {
    for n in &notes {
        if matches!(n.code.as_str(), "unknown-row" | "cell-count") {
            if let Some(t) = n.table.and_then(|k| report.tables.get_mut(&k)) {
                t.incomplete = true;
            }
        }
    }
    report.notes.extend(notes);
}
