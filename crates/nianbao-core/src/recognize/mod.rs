//! From a generic [`Document`] to the [`Report`] model: sections, metadata and
//! the national tables. This is the only place the national format is
//! recognised, so every format adapter stays thin.

pub mod tables;
pub mod text;

use crate::document::{Block, Document};
use crate::model::{Meta, Paragraph, RecognitionNote, Report};
use crate::schema::TableKey;

pub use tables::{TableRecognizer, classify};
pub use text::{infer_meta, parse_date, section_heading, split_sections};

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
    let (preamble, sections, closing) = split_sections(paragraphs);
    let mut meta = Meta::default();
    infer_meta(&mut meta, &preamble, &closing);
    let mut notes = recognizer.take_notes();
    for key in TableKey::ALL {
        if !recognizer.tables.contains_key(&key) {
            notes.push(RecognitionNote {
                code: "table-missing".into(),
                table: Some(key),
                message: format!("未识别到{}（{}）", key.schema().label, key.schema().title),
                origin: Default::default(),
            });
        }
    }
    Report {
        path: path.to_string(),
        format: format.to_string(),
        meta,
        preamble,
        sections,
        closing,
        tables: recognizer.tables,
        notes,
    }
}
