//! tests/fixtures/seed.docx was written by LibreOffice (`cargo xtask fixtures`
//! from tests/fixtures/src/seed.html, with real gridSpan/vMerge cells and the
//! vertical 「自\n然\n人」 header). Read through this adapter and core
//! recognition it must give exactly the hand transcription in seed.yaml.
//! So must numbering.docx (headings numbered automatically, from
//! src/numbering.fodt) and tracked.docx (tracked changes, once accepted, from
//! src/tracked.fodt).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;

use nianbao_core::recognize::recognize;
use nianbao_core::schema::TableKey;

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name)
}

/// Every paragraph, heading and cell value as the YAML transcription has it.
fn same_as_seed_yaml(name: &str) {
    let bytes = std::fs::read(fixture(name)).unwrap();
    let doc = nianbao_docx::read(&bytes).unwrap();
    let from_docx = recognize(&doc, name, "docx");
    let yaml = std::fs::read_to_string(fixture("seed.yaml")).unwrap();
    let from_yaml = nianbao_yaml::parse_report(&yaml).unwrap();
    assert!(from_docx.notes.is_empty(), "{name}: {:#?}", from_docx.notes);
    for key in TableKey::ALL {
        let (d, y) = (from_docx.table(key).unwrap(), from_yaml.table(key).unwrap());
        assert_eq!(d.cells.len(), y.cells.len(), "{name}: {key:?}");
        for ((row, col), cell) in &y.cells {
            let got = d
                .cell(row, col)
                .unwrap_or_else(|| panic!("{name}: {key:?} {row}.{col} missing"));
            assert_eq!(got.value, cell.value, "{name}: {key:?} {row}.{col}");
        }
    }
    let texts = |r: &nianbao_core::Report| {
        r.paragraphs()
            .map(|(s, p)| (s, p.text.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(texts(&from_docx), texts(&from_yaml), "{name}");
    let headings = |r: &nianbao_core::Report| {
        r.sections
            .iter()
            .map(|s| (s.number, s.heading.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(headings(&from_docx).len(), 6, "{name}");
    assert_eq!(headings(&from_docx), headings(&from_yaml), "{name}");
    assert_eq!(
        from_docx.meta.agency.as_deref(),
        Some("洮南市林业和草原局"),
        "{name}"
    );
    assert_eq!(from_docx.meta.year, Some(2023), "{name}");
}

fn part(name: &str, part: &str) -> String {
    let file = std::fs::File::open(fixture(name)).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut s = String::new();
    zip.by_name(part).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn seed_docx_matches_the_yaml_transcription_cell_by_cell() {
    same_as_seed_yaml("seed.docx");
}

/// LibreOffice wrote the section headings as Heading 1 paragraphs numbered
/// through the style, and the （一） sub-headings as a list: no label is text.
#[test]
fn automatic_chinese_numbering_written_by_libreoffice() {
    let numbering = part("numbering.docx", "word/numbering.xml");
    assert!(
        numbering.contains("w:numFmt w:val=\"chineseCounting\"")
            || numbering.contains("w:numFmt w:val=\"chineseCountingThousand\""),
        "{numbering}"
    );
    let styles = part("numbering.docx", "word/styles.xml");
    let heading1 = styles
        .split("<w:style ")
        .find(|s| s.contains("w:styleId=\"Heading1\""))
        .unwrap();
    assert!(heading1.contains("<w:numPr>"), "numbered through the style");
    let document = part("numbering.docx", "word/document.xml");
    for (text, label) in [
        ("总体情况", "一、"),
        ("其他需要报告的事项", "六、"),
        ("组织推动全省", "（一）"),
        ("全力做好宣传", "（五）"),
    ] {
        assert!(document.contains(&format!(">{text}")), "{text}");
        assert!(
            !document.contains(&format!("{label}{text}")),
            "{label} is automatic, not text"
        );
    }
    same_as_seed_yaml("numbering.docx");
}

/// Insertions and deletions in a table cell, a paragraph and a heading: the
/// report read is the one with every change accepted.
#[test]
fn tracked_changes_written_by_libreoffice_are_read_accepted() {
    let document = part("tracked.docx", "word/document.xml");
    for deleted in [
        "<w:delText>2022</w:delText>",
        "<w:delText>625</w:delText>",
        "<w:delText>2</w:delText>",
    ] {
        assert!(document.contains(deleted), "{deleted}");
    }
    assert!(document.contains("<w:t>需要报告的</w:t></w:r></w:ins>"));
    same_as_seed_yaml("tracked.docx");
}
