//! `nianbao annotate`: the findings written into copies of the files. The
//! copies are read back here with the zip crate and plain string handling
//! (not with nianbao's own readers): one Word comment per finding, around the
//! cell or paragraph it is about; a cell note per finding cell in a
//! workbook; one highlight and one note per finding in a PDF, appended as an
//! incremental update. `tests/annotate.sh` (CI) reads them with python-docx,
//! openpyxl, LibreOffice, qpdf and poppler.

use std::io::Read;

use crate::common::{check_json, nianbao, root};

fn annotate(args: &[&str]) -> std::process::Output {
    nianbao()
        .arg("annotate")
        .args(args)
        .output()
        .expect("the nianbao binary runs")
}

fn entries(bytes: &[u8]) -> Vec<(String, Vec<u8>, u32)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index_raw(i).unwrap();
            let mut raw = Vec::new();
            f.read_to_end(&mut raw).unwrap();
            (f.name().unwrap().to_string(), raw, f.crc32())
        })
        .collect()
}

fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// Text between two markers, tags removed.
fn text_between(xml: &str, from: &str, to: &str) -> String {
    let a = xml.find(from).unwrap_or_else(|| panic!("{from}")) + from.len();
    let b = a + xml[a..].find(to).unwrap_or_else(|| panic!("{to}"));
    let mut out = String::new();
    let mut in_tag = false;
    for c in xml[a..b].chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// (severity 错误/警告/提示, rule, message) of each finding, in order.
fn said(json: &serde_json::Value) -> Vec<String> {
    json["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {}",
                f["rule"], f["message"], f["location"], f["fingerprint"]
            )
        })
        .collect()
}

fn label(severity: &str) -> &'static str {
    match severity {
        "error" => "错误",
        "warning" => "警告",
        _ => "提示",
    }
}

#[test]
fn a_docx_gets_one_comment_per_finding_on_its_cell_or_paragraph() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("年报.批注.docx");
    let original = std::fs::read(root().join("tests/fixtures/seed.docx")).unwrap();
    let run = annotate(&["tests/fixtures/seed.docx", "-o", out.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1), "{run:?}");
    assert_eq!(
        std::fs::read(root().join("tests/fixtures/seed.docx")).unwrap(),
        original,
        "the original is not changed"
    );
    let copy = std::fs::read(&out).unwrap();
    let (_, json) = check_json(&["tests/fixtures/seed.docx"]);
    let findings = json["files"][0]["findings"].as_array().unwrap();
    assert!(findings.len() > 10);

    // Only the main part, its relationships, the content types and the new
    // comments part differ; every other entry is the same bytes.
    let (before, after) = (entries(&original), entries(&copy));
    let changed = [
        "word/document.xml",
        "word/_rels/document.xml.rels",
        "[Content_Types].xml",
    ];
    for (name, raw, crc) in &before {
        let (_, raw2, crc2) = after.iter().find(|(n, _, _)| n == name).unwrap();
        if !changed.contains(&name.as_str()) {
            assert!(
                raw == raw2 && crc == crc2,
                "{name} was not copied as it was"
            );
        }
    }
    assert_eq!(after.len(), before.len() + 1);
    assert!(part(&copy, "[Content_Types].xml").contains(
        "<Override PartName=\"/word/comments.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml\"/>"
    ));
    assert!(part(&copy, "word/_rels/document.xml.rels").contains("Target=\"comments.xml\""));

    let comments = part(&copy, "word/comments.xml");
    let document = part(&copy, "word/document.xml");
    assert_eq!(comments.matches("<w:comment ").count(), findings.len());
    assert_eq!(
        comments.matches("w:author=\"nianbao\"").count(),
        findings.len()
    );
    for (id, f) in findings.iter().enumerate() {
        // The comment says what the finding says.
        let text = text_between(
            &comments,
            &format!("<w:comment w:id=\"{id}\" "),
            "</w:comment>",
        );
        let head = format!(
            "{} [{}] {}",
            label(f["severity"].as_str().unwrap()),
            f["rule"].as_str().unwrap(),
            f["message"].as_str().unwrap()
        );
        assert!(text.contains(&head), "{text}\n{head}");
        assert!(text.contains(f["basis"].as_str().unwrap()), "{text}");
        // It is anchored on the cell or paragraph.
        let anchored = text_between(
            &document,
            &format!("<w:commentRangeStart w:id=\"{id}\"/>"),
            &format!("<w:commentRangeEnd w:id=\"{id}\"/>"),
        );
        assert_eq!(
            document
                .matches(&format!("<w:commentReference w:id=\"{id}\"/>"))
                .count(),
            1
        );
        let loc = &f["location"];
        if !loc["cell"].is_null() {
            // A number cell: the comment is on exactly that number.
            assert_eq!(anchored, f["found"].to_string(), "{f}");
        } else if !loc["paragraph"].is_null() {
            // A paragraph: the one that holds what was found.
            assert!(!anchored.is_empty(), "{f}");
            if let Some(found) = f["found"].as_str() {
                let found: String = found.chars().take(8).collect();
                assert!(anchored.contains(&found), "{f}: {anchored}");
            }
        } else if loc["section"].is_u64() && f["rule"] != "STR-TITLE" && f["rule"] != "STR-PERIOD" {
            // A section's finding is on its heading.
            assert!(
                nianbao_core::recognize::section_heading(&anchored).is_some()
                    || loc["section"] == 7,
                "{f}: {anchored}"
            );
        }
    }

    // Checking the copy finds the same, at the same places.
    let (code, again) = check_json(&[out.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(said(&again), said(&json));
}

/// A DOCX with one part replaced, every other entry as it was.
fn with_part(docx: &[u8], name: &str, text: &str) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).unwrap();
        if f.name().unwrap() == name {
            drop(f);
            out.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            out.write_all(text.as_bytes()).unwrap();
        } else {
            out.raw_copy_file(f).unwrap();
        }
    }
    out.finish().unwrap().into_inner()
}

/// How a document reads: every paragraph and cell with its text, merge and
/// origin (nianbao's DOCX reader: the copy must read exactly as the original).
fn reading(doc: &nianbao_core::document::Document) -> Vec<String> {
    use nianbao_core::document::Block;
    doc.blocks
        .iter()
        .flat_map(|b| match b {
            Block::Paragraph(p) => vec![format!("{:?} {}", p.origin, p.text)],
            Block::Table(t) => t
                .rows
                .iter()
                .flatten()
                .map(|c| format!("{:?} {:?} {}", c.origin, c.merged_from, c.text))
                .collect(),
        })
        .collect()
}

/// A copy must read exactly as its original, also where the paragraph a
/// comment goes on sits inside another paragraph: a text box in a cell (its
/// empty paragraph, ended before the cell's own, is where the cell's comment
/// starts), and — found by `cargo xtask fuzz --seconds 300 --seed 20261202` —
/// a `w:tc` holding an empty paragraph inside a run of the first paragraph.
/// An empty `<w:p/>` that gets a comment is written `<w:p>…</w:p>`; that used
/// to end the paragraph around it, and the copy lost that paragraph's text.
#[test]
fn a_docx_copy_reads_exactly_as_its_original_with_paragraphs_nested_in_runs() {
    let dir = tempfile::tempdir().unwrap();
    let seed = std::fs::read(root().join("tests/fixtures/seed.docx")).unwrap();
    let xml = part(&seed, "word/document.xml");
    let run = "<w:r><w:rPr></w:rPr><w:t>2023</w:t>";
    assert!(xml.contains(run));
    let xml = xml
        .replacen(
            run,
            "<w:r><w:rPr></w:rPr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:t>2023</w:t>",
            1,
        )
        .replace(
            "<w:t>0</w:t></w:r>",
            "<w:t>0</w:t></w:r><w:r><w:pict><v:shape><v:textbox><w:txbxContent><w:p/></w:txbxContent></v:textbox></v:shape></w:pict></w:r>",
        );
    let src = dir.path().join("nested.docx");
    std::fs::write(&src, with_part(&seed, "word/document.xml", &xml)).unwrap();
    let out = dir.path().join("nested.批注.docx");
    let run = annotate(&[src.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1), "{run:?}");
    let original = nianbao_docx::read(&std::fs::read(&src).unwrap()).unwrap();
    let copy = nianbao_docx::read(&std::fs::read(&out).unwrap()).unwrap();
    assert!(reading(&original)[0].contains("2023年度，根据"));
    assert_eq!(reading(&copy), reading(&original));
    let (_, json) = check_json(&["tests/fixtures/seed.docx"]);
    let (_, nested) = check_json(&[src.to_str().unwrap()]);
    let (_, again) = check_json(&[out.to_str().unwrap()]);
    assert_eq!(said(&nested).len(), said(&json).len());
    assert_eq!(said(&again), said(&nested));
    // The cells' comments start in the text boxes' paragraphs.
    let marked = part(&std::fs::read(&out).unwrap(), "word/document.xml");
    assert!(marked.contains("<w:txbxContent><w:p><w:commentRangeStart"));
}

#[test]
fn comments_already_in_the_file_are_kept_and_new_ids_go_above_them() {
    let dir = tempfile::tempdir().unwrap();
    let once = dir.path().join("once.docx");
    let twice = dir.path().join("twice.docx");
    assert_eq!(
        annotate(&["tests/fixtures/seed.docx", "-o", once.to_str().unwrap()])
            .status
            .code(),
        Some(1)
    );
    let run = annotate(&[once.to_str().unwrap(), "-o", twice.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1), "{run:?}");
    let (first, second) = (
        std::fs::read(&once).unwrap(),
        std::fs::read(&twice).unwrap(),
    );
    let old = part(&first, "word/comments.xml");
    let new = part(&second, "word/comments.xml");
    let n = old.matches("<w:comment ").count();
    assert_eq!(new.matches("<w:comment ").count(), 2 * n);
    // The old comments are there as they were, then the new ones.
    let body =
        |s: &str| s[s.find("<w:comment ").unwrap()..s.rfind("</w:comments>").unwrap()].to_string();
    assert!(body(&new).starts_with(&body(&old)));
    assert!(new.contains(&format!("<w:comment w:id=\"{}\" ", 2 * n - 1)));
    let doc = part(&second, "word/document.xml");
    for id in 0..2 * n {
        assert_eq!(
            doc.matches(&format!("<w:commentRangeStart w:id=\"{id}\"/>"))
                .count(),
            1
        );
    }
    // No second relationship or content type for the same part.
    assert_eq!(
        part(&second, "word/_rels/document.xml.rels")
            .matches("comments.xml")
            .count(),
        1
    );
    assert_eq!(
        part(&second, "[Content_Types].xml")
            .matches("/word/comments.xml")
            .count(),
        1
    );
}

/// How often a PDF dictionary entry `key value` occurs (with or without a
/// space between, as writers differ).
fn entries_of(text: &str, key: &str, value: &str) -> usize {
    text.match_indices(key)
        .filter(|(i, _)| text[i + key.len()..].trim_start().starts_with(value))
        .count()
}

/// The UTF-16BE `/Contents <FEFF…>` strings of an appended PDF section.
fn contents(section: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(section);
    // (A page's /Contents is its content stream: a reference, not a string.)
    text.match_indices("/Contents")
        .map(|(i, m)| text[i + m.len()..].trim_start())
        .filter(|rest| rest.starts_with('<'))
        .map(|rest| {
            let hex = &rest[1..rest.find('>').unwrap()];
            let bytes: Vec<u8> = (0..hex.len())
                .step_by(2)
                .map(|k| u8::from_str_radix(&hex[k..k + 2], 16).unwrap())
                .collect();
            assert_eq!(&bytes[..2], [0xFE, 0xFF]);
            let units: Vec<u16> = bytes[2..]
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).unwrap()
        })
        .collect()
}

#[test]
fn a_pdf_gets_an_incremental_update_with_a_highlight_and_a_note_per_finding() {
    let dir = tempfile::tempdir().unwrap();
    for fixture in ["seed.pdf", "numbering.pdf", "restricted.pdf"] {
        let src = format!("tests/fixtures/{fixture}");
        let out = dir.path().join(fixture);
        let original = std::fs::read(root().join(&src)).unwrap();
        let run = annotate(&[&src, "-o", out.to_str().unwrap()]);
        assert_eq!(run.status.code(), Some(1), "{fixture}: {run:?}");
        let copy = std::fs::read(&out).unwrap();
        assert!(
            copy.starts_with(&original),
            "{fixture}: the original bytes are a prefix"
        );
        let added = &copy[original.len()..];
        let (_, json) = check_json(&[&src]);
        let findings = json["files"][0]["findings"].as_array().unwrap();
        let text = String::from_utf8_lossy(added);
        let highlights = entries_of(&text, "/Subtype", "/Highlight");
        let notes = entries_of(&text, "/Subtype", "/Text");
        assert_eq!(notes, findings.len(), "{fixture}");
        assert!(highlights >= findings.len(), "{fixture}: {highlights}");
        // The strings of an encrypted file (permissions only) are encrypted
        // as the file's own: not readable here.
        if fixture == "restricted.pdf" {
            assert!(!text.contains("/Contents<FEFF"), "encrypted like the rest");
            continue;
        }
        every_annotation_resolves(fixture, &original, &copy);
        let texts = contents(added);
        assert_eq!(texts.len(), notes + highlights);
        for f in findings {
            let head = format!(
                "{} [{}] {}",
                label(f["severity"].as_str().unwrap()),
                f["rule"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            );
            assert!(
                texts.iter().any(|t| t.starts_with(&head)),
                "{fixture}: {head}"
            );
        }
    }
    // Checking the copies finds the same (the encrypted one included).
    for fixture in ["seed.pdf", "numbering.pdf", "restricted.pdf"] {
        let (_, json) = check_json(&[&format!("tests/fixtures/{fixture}")]);
        let (code, again) = check_json(&[dir.path().join(fixture).to_str().unwrap()]);
        assert_eq!(code, 1, "{fixture}");
        assert_eq!(said(&again), said(&json), "{fixture}");
    }
}

/// Object numbers of the object headers (`12 0 obj`) in some PDF bytes.
fn object_headers(bytes: &[u8]) -> Vec<u32> {
    let text = String::from_utf8_lossy(bytes);
    let words: Vec<&str> = text.split_ascii_whitespace().collect();
    words
        .windows(3)
        .filter(|w| w[2] == "obj" && w[1].bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|w| w[0].parse().ok())
        .collect()
}

/// The copy of a PDF read with lopdf: every `/Annots` entry of every page is
/// an annotation, and the update rewrites no object of the original but its
/// pages and `/Annots` arrays — every new object is numbered above every
/// object of the original (its cross-reference streams included).
fn every_annotation_resolves(name: &str, original: &[u8], copy: &[u8]) {
    let doc = lopdf::Document::load_mem(copy).unwrap();
    let mut annots = 0;
    for (n, page) in doc.get_pages() {
        let dict = doc.get_dictionary(page).unwrap();
        let Ok(list) = dict.get(b"Annots") else {
            continue;
        };
        let list = match list {
            lopdf::Object::Reference(r) => doc.get_object(*r).unwrap(),
            o => o,
        };
        for a in list.as_array().unwrap() {
            let id = a.as_reference().unwrap();
            let d = doc.get_dictionary(id).unwrap_or_else(|e| {
                panic!("{name}: page {n}: /Annots entry {id:?} is not a dictionary: {e}")
            });
            assert_eq!(
                d.get(b"Type").and_then(lopdf::Object::as_name).ok(),
                Some(&b"Annot"[..]),
                "{name}: page {n}: /Annots entry {id:?} is {d:?}"
            );
            annots += 1;
        }
    }
    assert!(annots > 0, "{name}: no annotations");
    let before = lopdf::Document::load_mem(original).unwrap();
    let old = object_headers(original);
    let highest = old.iter().copied().max().unwrap();
    for n in object_headers(&copy[original.len()..]) {
        if n > highest {
            continue;
        }
        assert!(
            old.contains(&n),
            "{name}: object {n} is new but not above {highest}"
        );
        let rewritten = before.get_object((n, 0)).unwrap_or_else(|e| {
            panic!("{name}: the update rewrites object {n}, which is not the original's: {e}")
        });
        let page = rewritten.as_dict().is_ok_and(|d| d.has_type(b"Page"));
        assert!(
            page || rewritten.as_array().is_ok(),
            "{name}: the update rewrites object {n}: {rewritten:?}"
        );
    }
}

/// `pdf` (written with a cross-reference table) rewritten as many producers
/// write files: its last cross-reference section a stream whose own object
/// number is `gap` above the trailer's `/Size` and not listed in itself.
fn with_xref_stream_above_size(pdf: &[u8], gap: u32) -> Vec<u8> {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let start = doc.xref_start;
    assert!(pdf[start..].starts_with(b"xref"), "a table to replace");
    let size = doc.reference_table.size;
    let mut rows = Vec::new();
    for n in 0..size {
        let (kind, offset, generation) = match doc.reference_table.get(n) {
            Some(lopdf::xref::XrefEntry::Normal { offset, generation }) => {
                (1u8, *offset, *generation)
            }
            _ => (0, 0, 0),
        };
        rows.push(kind);
        rows.extend_from_slice(&offset.to_be_bytes());
        rows.extend_from_slice(&generation.to_be_bytes());
    }
    let reference = |key: &[u8]| {
        doc.trailer
            .get(key)
            .and_then(lopdf::Object::as_reference)
            .map(|(n, g)| format!("/{} {n} {g} R", String::from_utf8_lossy(key)))
            .unwrap_or_default()
    };
    let mut out = pdf[..start].to_vec();
    out.extend_from_slice(
        format!(
            "{} 0 obj\n<</Type/XRef/Size {size}/W[1 4 2]/Index[0 {size}]{}{}/Length {}>>\nstream\n",
            size + gap,
            reference(b"Root"),
            reference(b"Info"),
            rows.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(&rows);
    out.extend_from_slice(format!("\nendstream\nendobj\nstartxref\n{start}\n%%EOF\n").as_bytes());
    out
}

#[test]
fn new_objects_go_above_a_cross_reference_stream_numbered_at_or_above_the_size() {
    let dir = tempfile::tempdir().unwrap();
    for fixture in ["seed.pdf", "numbering.pdf"] {
        let pdf = std::fs::read(root().join("tests/fixtures").join(fixture)).unwrap();
        let (_, json) = check_json(&[&format!("tests/fixtures/{fixture}")]);
        for gap in [0, 3] {
            let name = format!("{gap}-{fixture}");
            let original = with_xref_stream_above_size(&pdf, gap);
            let src = dir.path().join(&name);
            std::fs::write(&src, &original).unwrap();
            // The rewritten file reads as its source.
            let (_, same) = check_json(&[src.to_str().unwrap()]);
            assert_eq!(said(&same), said(&json), "{name}");
            let out = dir.path().join(format!("批注-{name}"));
            let run = annotate(&[src.to_str().unwrap(), "-o", out.to_str().unwrap()]);
            assert_eq!(run.status.code(), Some(1), "{name}: {run:?}");
            let copy = std::fs::read(&out).unwrap();
            assert!(
                copy.starts_with(&original),
                "{name}: the original is a prefix"
            );
            every_annotation_resolves(&name, &original, &copy);
            let (_, again) = check_json(&[out.to_str().unwrap()]);
            assert_eq!(said(&again), said(&json), "{name}");
        }
    }
}

#[test]
fn a_folder_is_annotated_into_another_with_its_structure_and_exit_codes_as_check() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("2024年报");
    std::fs::create_dir_all(input.join("县区")).unwrap();
    let copy = |from: &str, to: &str| {
        std::fs::copy(root().join("tests/fixtures").join(from), input.join(to)).unwrap();
    };
    copy("seed.docx", "甲局.docx");
    copy("seed.pdf", "县区/乙局.pdf");
    copy("seed.yaml", "丙局.yaml");
    std::fs::write(input.join("坏.docx"), b"PK\x03\x04 not really").unwrap();
    let out = dir.path().join("批注");
    let run = annotate(&[input.to_str().unwrap(), "--out-dir", out.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    // The YAML file and the broken DOCX could not be marked: exit 2, the rest is done.
    assert_eq!(run.status.code(), Some(2), "{stdout}");
    assert!(out.join("甲局.docx").is_file(), "{stdout}");
    assert!(out.join("县区/乙局.pdf").is_file(), "{stdout}");
    assert!(!out.join("丙局.yaml").exists());
    assert!(!out.join("坏.docx").exists());
    assert!(
        stdout.contains("坏.docx：未生成批注副本，无法读取"),
        "{stdout}"
    );
    assert!(
        stdout.contains("丙局.yaml：未生成批注副本，yaml 格式不能写入批注"),
        "{stdout}"
    );

    // The original is never the output, and -o takes one file.
    let same = annotate(&["tests/fixtures/seed.docx", "-o", "tests/fixtures/seed.docx"]);
    assert_eq!(same.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&same.stderr).contains("不能覆盖原文件"));
    let many = annotate(&[
        "tests/fixtures/seed.docx",
        "tests/fixtures/seed.pdf",
        "-o",
        "x.docx",
    ]);
    assert_eq!(many.status.code(), Some(2));
    let none = annotate(&["tests/fixtures/seed.docx"]);
    assert_eq!(none.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&none.stderr).contains("--out-dir"));
}

#[test]
fn accepted_findings_are_not_marked() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    let run = nianbao()
        .args([
            "check",
            "-q",
            "tests/fixtures/seed.docx",
            "--write-baseline",
        ])
        .arg(&baseline)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0));
    let out = dir.path().join("a.docx");
    let run = annotate(&[
        "tests/fixtures/seed.docx",
        "--baseline",
        baseline.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    let copy = std::fs::read(&out).unwrap();
    assert_eq!(
        copy,
        std::fs::read(root().join("tests/fixtures/seed.docx")).unwrap()
    );
    assert!(
        String::from_utf8_lossy(&run.stdout).contains("无新问题（已接受 21 项，未批注），原样复制"),
        "{run:?}"
    );
}

/// The comments part of a worksheet in a workbook copy, found through the
/// workbook's and the sheet's relationships.
fn sheet_comments(bytes: &[u8], sheet: &str) -> String {
    let workbook = part(bytes, "xl/workbook.xml");
    let at = workbook.find(&format!("name=\"{sheet}\"")).unwrap();
    let tag = &workbook[at..at + workbook[at..].find("/>").unwrap()];
    let rid = tag
        .split("r:id=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let rels = part(bytes, "xl/_rels/workbook.xml.rels");
    let target = |rels: &str, pick: &dyn Fn(&str) -> bool| -> String {
        rels.split("<Relationship ")
            .find(|r| pick(r))
            .unwrap_or_else(|| panic!("{rels}"))
            .split("Target=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string()
    };
    let sheet_part = format!(
        "xl/{}",
        target(&rels, &|r| r.contains(&format!("Id=\"{rid}\"")))
    );
    let (dir, file) = sheet_part.rsplit_once('/').unwrap();
    let sheet_rels = part(bytes, &format!("{dir}/_rels/{file}.rels"));
    let comments = target(&sheet_rels, &|r| r.contains("relationships/comments\""));
    let name = comments
        .strip_prefix("../")
        .map_or(format!("{dir}/{comments}"), |c| format!("xl/{c}"));
    part(bytes, &name)
}

#[test]
fn a_workbook_gets_a_note_on_each_finding_cell() {
    let dir = tempfile::tempdir().unwrap();
    let src = "tests/fixtures/seed-sheets.xlsx";
    let out = dir.path().join("a.xlsx");
    let original = std::fs::read(root().join(src)).unwrap();
    let run = annotate(&[src, "-o", out.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1), "{run:?}");
    let copy = std::fs::read(&out).unwrap();
    let (_, json) = check_json(&[src]);
    let findings = json["files"][0]["findings"].as_array().unwrap();
    let mut on_cells = 0;
    for f in findings {
        let loc = &f["location"];
        let (Some(sheet), Some(cell)) = (loc["sheet"].as_str(), loc["cell_ref"].as_str()) else {
            continue;
        };
        let comments = sheet_comments(&copy, sheet);
        let note = text_between(&comments, &format!("<comment ref=\"{cell}\""), "</comment>");
        let head = format!(
            "{} [{}] {}",
            label(f["severity"].as_str().unwrap()),
            f["rule"].as_str().unwrap(),
            f["message"].as_str().unwrap()
        );
        assert!(note.contains(&head), "{sheet}!{cell}: {note}");
        on_cells += 1;
    }
    assert!(on_cells >= 2, "{on_cells}");
    // One note per cell: R3-IDENT and R3-RESULTSUM share 表三!D29 (one
    // finding since issue 22; the annotator also joins a cell's findings).
    let t3 = sheet_comments(&copy, "表三");
    assert_eq!(t3.matches("<comment ref=\"D29\"").count(), 1);
    assert!(t3.contains("R3-IDENT") && t3.contains("R3-RESULTSUM"));
    // Other entries as they were; the copy checks the same.
    let (before, after) = (entries(&original), entries(&copy));
    let mut changed: Vec<&str> = before
        .iter()
        .filter(|(name, raw, _)| after.iter().find(|(n, _, _)| n == name).unwrap().1 != *raw)
        .map(|(name, _, _)| name.as_str())
        .collect();
    changed.sort();
    // 表二 and 表三 (sheet1, sheet3) get their <legacyDrawing>; nothing else.
    assert_eq!(
        changed,
        [
            "[Content_Types].xml",
            "xl/worksheets/sheet1.xml",
            "xl/worksheets/sheet3.xml"
        ]
    );
    assert_eq!(
        after.len(),
        before.len() + 6,
        "2 comments, 2 drawings, 2 sheet rels"
    );
    let (code, again) = check_json(&[out.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(said(&again), said(&json));

    // Annotating the copy again adds to the notes already there.
    let twice = dir.path().join("b.xlsx");
    assert_eq!(
        annotate(&[out.to_str().unwrap(), "-o", twice.to_str().unwrap()])
            .status
            .code(),
        Some(1)
    );
    let t3_twice = sheet_comments(&std::fs::read(&twice).unwrap(), "表三");
    assert_eq!(
        t3_twice.matches("<comment ref=").count(),
        t3.matches("<comment ref=").count()
    );
    assert_eq!(
        t3_twice.matches("R3-RESULTSUM").count(),
        2 * t3.matches("R3-RESULTSUM").count()
    );
    assert_eq!(t3_twice.matches("<author>nianbao</author>").count(), 1);

    // An .xls file is checked but cannot take notes.
    let xls = annotate(&[
        "tests/fixtures/seed-sheets.xls",
        "-o",
        dir.path().join("c.xls").to_str().unwrap(),
    ]);
    assert_eq!(xls.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&xls.stdout).contains("另存为 .xlsx"),
        "{xls:?}"
    );
}
