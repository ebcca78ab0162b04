//! The reader must read every committed DOCX fixture, and a set of tricky
//! snippets, exactly as the reader before the streamlining of issue 21 did:
//! `same_output.tsv` holds digests of the generic document and the anchors
//! that reader gave. Run with `NIANBAO_WRITE_DIGESTS=1` to rewrite the file
//! (only when a change of output is intended and reviewed).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::numbering::Numbering;
use crate::styles::Styles;
use crate::xml::{Anchors, parse_with_anchors};

const DIGESTS: &str = "src/same_output.tsv";

/// Snippets of `document.xml` for what the fixtures may not hold.
const SNIPPETS: &[(&str, &str)] = &[
    (
        "entities_and_space",
        r#"<w:body><w:p><w:r><w:t xml:space="preserve"> a&amp;b &lt;c&gt; &#x4E00;&#20108; &quot;&apos; &bogus; </w:t></w:r></w:p></w:body>"#,
    ),
    (
        "line_ends_in_text",
        "<w:body><w:p><w:r><w:t>one\r\ntwo\rthree\nfour</w:t></w:r></w:p></w:body>",
    ),
    (
        "tabs_breaks_fields",
        r#"<w:body><w:p><w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:cr/><w:ptab/></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:t>code</w:t></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:body>"#,
    ),
    (
        "tracked_changes",
        r#"<w:body><w:p><w:pPr><w:rPr><w:del w:id="1"/></w:rPr><w:pPrChange w:id="2"><w:pPr><w:pStyle w:val="X"/></w:pPr></w:pPrChange></w:pPr><w:ins><w:r><w:t>kept</w:t></w:r></w:ins><w:del><w:r><w:delText>gone</w:delText></w:r></w:del></w:p><w:p><w:r><w:rPr><w:rPrChange w:id="3"><w:rPr><w:b/></w:rPr></w:rPrChange></w:rPr><w:t>next</w:t></w:r><w:moveFrom><w:r><w:t>moved</w:t></w:r></w:moveFrom></w:p></w:body>"#,
    ),
    (
        "alternate_content",
        r#"<w:body><w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>box</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:p><w:r><w:t>old box</w:t></w:r></w:p></w:pict></mc:Fallback></mc:AlternateContent><w:t>after</w:t></w:r></w:p><w:p></w:p><w:p/></w:body>"#,
    ),
    (
        "tables_merges_nesting",
        r#"<w:body><w:tbl><w:tr><w:trPr><w:del w:id="9"/></w:trPr><w:tc><w:p><w:r><w:t>deleted row</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>A</w:t></w:r></w:p><w:p><w:r><w:t>A2</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:gridSpan w:val="x"/></w:tcPr><w:tbl><w:tr><w:tc><w:p><w:r><w:t>inner</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p/></w:tc></w:tr><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:tcPr><w:gridSpan w:val="999"/></w:tcPr><w:p><w:pPr><w:rPr><w:del w:id="4"/></w:rPr></w:pPr><w:r><w:t>carried</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p><w:r><w:t>body</w:t></w:r><w:commentRangeStart w:id="17"/><w:commentReference w:id="3"/></w:p></w:body>"#,
    ),
    (
        "numbering_ids_without_parts",
        r#"<w:body><w:p><w:pPr><w:pStyle w:val="1"/><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>heading</w:t></w:r></w:p><w:p><w:pPr><w:numPr><w:ilvl w:val="bad"/><w:numId w:val="2"/></w:numPr></w:pPr><w:r><w:t>item</w:t></w:r></w:p></w:body>"#,
    ),
    (
        "mark_deleted_before_table",
        r#"<w:body><w:p><w:pPr><w:rPr><w:del w:id="1"/></w:rPr></w:pPr><w:r><w:t>runs on</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>c</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p><w:pPr><w:rPr><w:del w:id="2"/></w:rPr></w:pPr><w:r><w:t>into</w:t></w:r></w:p><w:p><w:r><w:t> next </w:t></w:r></w:p></w:body>"#,
    ),
    (
        "truncated_table",
        r#"<w:body><w:tbl><w:tr><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr></w:body>"#,
    ),
    (
        "bad_xml",
        r#"<w:body><w:p><w:r><w:t>x</w:r></w:p></w:body>"#,
    ),
];

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

/// The committed `.docx` fixtures, by path under `tests/fixtures`, sorted.
fn fixtures() -> Vec<(String, PathBuf)> {
    let root = fixtures_dir();
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "docx") {
                let name = path.strip_prefix(&root).unwrap().to_string_lossy();
                out.push((name.replace('\\', "/"), path));
            }
        }
    }
    out.sort();
    out
}

/// FNV-1a, 64 bits: stable across Rust versions, unlike `DefaultHasher`.
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The anchors in a stable order.
fn anchors_text(a: &Anchors) -> String {
    let mut paragraphs: Vec<_> = a.paragraphs.iter().collect();
    paragraphs.sort_by_key(|(k, _)| **k);
    let mut cells: Vec<_> = a.cells.iter().collect();
    cells.sort_by_key(|(k, _)| **k);
    format!(
        "{paragraphs:?} {cells:?} {:?} {:?}",
        a.first, a.max_comment_id
    )
}

/// What the reader makes of a `document.xml` with its numbering.
fn digest_xml(xml: &str, numbering: impl Fn() -> Numbering) -> String {
    let plain = crate::xml::parse_document(xml, numbering());
    let anchored = parse_with_anchors(xml, numbering());
    let doc = format!("{plain:?}");
    let anchors = match &anchored {
        Ok((d, a)) => format!("{d:?} {}", anchors_text(a)),
        Err(e) => format!("{e:?}"),
    };
    format!("{:016x}\t{}\t{:016x}", fnv(&doc), doc.len(), fnv(&anchors))
}

fn digest_docx(bytes: &[u8]) -> String {
    let parts = match crate::container::open(bytes) {
        Ok(p) => p,
        Err(e) => return format!("{:016x}", fnv(&format!("{e:?}"))),
    };
    let numbering = || {
        let styles = match &parts.styles {
            Some(xml) => Styles::parse(xml).unwrap_or_default(),
            None => Styles::default(),
        };
        match &parts.numbering {
            Some(xml) => Numbering::parse(xml, styles).unwrap_or_default(),
            None => Numbering::default(),
        }
    };
    let whole = format!("{:?}", crate::read(bytes));
    format!(
        "{}\t{:016x}",
        digest_xml(&parts.document, numbering),
        fnv(&whole)
    )
}

fn current() -> String {
    let mut out = String::new();
    for (name, path) in fixtures() {
        let bytes = std::fs::read(&path).unwrap();
        let _ = writeln!(out, "{name}\t{}", digest_docx(&bytes));
    }
    for (name, xml) in SNIPPETS {
        let _ = writeln!(
            out,
            "snippet:{name}\t{}",
            digest_xml(xml, Numbering::default)
        );
    }
    out
}

#[test]
fn every_fixture_reads_as_before() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(DIGESTS);
    let now = current();
    if std::env::var_os("NIANBAO_WRITE_DIGESTS").is_some() {
        std::fs::write(&path, &now).unwrap();
        return;
    }
    let before = std::fs::read_to_string(&path).unwrap();
    assert!(now.lines().count() > 20, "fixtures not found");
    let changed: Vec<_> = now
        .lines()
        .zip(before.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert!(
        changed.is_empty() && now.lines().count() == before.lines().count(),
        "documents differ from the recorded ones:\n{changed:#?}"
    );
}
