//! The seed text dump and the seed printed to PDF and read back by
//! `pdftotext -layout`, read through this adapter and core recognition, give
//! exactly the report transcribed by hand in tests/fixtures/seed.yaml.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use nianbao_core::recognize::recognize;
use nianbao_core::schema::TableKey;

fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn seed_dump_matches_the_yaml_transcription_cell_by_cell() {
    let doc = nianbao_text::parse(&fixture("seed.txt"));
    same_as_yaml(recognize(&doc, "seed.txt", "text"));
}

#[test]
fn seed_pdftotext_layout_matches_the_yaml_transcription_cell_by_cell() {
    let text = fixture("seed-layout.txt");
    assert!(!nianbao_text::is_cell_dump(&text));
    let (doc, notes) = nianbao_text::read_text(&text);
    assert!(notes.is_empty(), "{notes:#?}");
    same_as_yaml(recognize(&doc, "seed-layout.txt", "text"));
}

fn same_as_yaml(from_text: nianbao_core::Report) {
    let from_yaml = nianbao_yaml::parse_report(&fixture("seed.yaml")).unwrap();
    assert!(from_text.notes.is_empty(), "{:#?}", from_text.notes);
    for key in TableKey::ALL {
        let (t, y) = (from_text.table(key).unwrap(), from_yaml.table(key).unwrap());
        assert_eq!(t.cells.len(), y.cells.len(), "{key:?}");
        for ((row, col), cell) in &y.cells {
            let got = t
                .cell(row, col)
                .unwrap_or_else(|| panic!("{key:?} {row}.{col} missing"));
            assert_eq!(got.value, cell.value, "{key:?} {row}.{col}");
        }
    }
    let headings = |r: &nianbao_core::Report| {
        r.sections
            .iter()
            .map(|s| s.heading.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(headings(&from_text), headings(&from_yaml));
    let texts = |r: &nianbao_core::Report| {
        r.paragraphs()
            .map(|(s, p)| (s, p.text.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(texts(&from_text), texts(&from_yaml));
    assert_eq!(from_text.meta.agency.as_deref(), Some("洮南市林业和草原局"));
    assert_eq!(from_text.meta.year, Some(2023));
    assert_eq!(
        from_text
            .meta
            .signed
            .as_ref()
            .map(|d| (d.year, d.month, d.day)),
        Some((2024, 1, 3))
    );
}
