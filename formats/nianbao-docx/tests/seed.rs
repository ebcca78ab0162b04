//! tests/fixtures/seed.docx was written by LibreOffice (`cargo xtask fixtures`
//! from tests/fixtures/src/seed.html, with real gridSpan/vMerge cells and the
//! vertical 「自\n然\n人」 header). Read through this adapter and core
//! recognition it must give exactly the hand transcription in seed.yaml.

use nianbao_core::recognize::recognize;
use nianbao_core::schema::TableKey;

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name)
}

#[test]
fn seed_docx_matches_the_yaml_transcription_cell_by_cell() {
    let bytes = std::fs::read(fixture("seed.docx")).unwrap();
    let doc = nianbao_docx::read(&bytes).unwrap();
    let from_docx = recognize(&doc, "seed.docx", "docx");
    let yaml = std::fs::read_to_string(fixture("seed.yaml")).unwrap();
    let from_yaml = nianbao_yaml::parse_report(&yaml).unwrap();
    assert!(from_docx.notes.is_empty(), "{:#?}", from_docx.notes);
    for key in TableKey::ALL {
        let (d, y) = (from_docx.table(key).unwrap(), from_yaml.table(key).unwrap());
        assert_eq!(d.cells.len(), y.cells.len(), "{key:?}");
        for ((row, col), cell) in &y.cells {
            let got = d
                .cell(row, col)
                .unwrap_or_else(|| panic!("{key:?} {row}.{col} missing"));
            assert_eq!(got.value, cell.value, "{key:?} {row}.{col}");
        }
    }
    let texts = |r: &nianbao_core::Report| {
        r.paragraphs()
            .map(|(s, p)| (s, p.text.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(texts(&from_docx), texts(&from_yaml));
    assert_eq!(from_docx.meta.agency.as_deref(), Some("洮南市林业和草原局"));
}
