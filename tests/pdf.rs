//! PDF input end to end: the PDF exports of the DOCX fixtures (made by real
//! tools, `cargo xtask pdf`) give what the DOCX files give, and every kind of
//! bad PDF is refused with its own message and exit code 2, never a panic.

use crate::common::{self, check_json, run};

/// What a finding says, without where (locations differ by format by nature).
fn said(json: &serde_json::Value) -> Vec<String> {
    let mut v: Vec<String> = json["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {} {}",
                f["rule"], f["message"], f["expected"], f["found"], f["location"]["row_key"]
            )
        })
        .collect();
    v.sort();
    v
}

/// The first read error of the first file.
fn read_error(json: &serde_json::Value) -> String {
    json["files"][0]["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn pdf_exports_give_the_findings_of_their_sources() {
    for (pdf, source) in [
        ("tests/fixtures/seed.pdf", "tests/fixtures/seed.yaml"),
        ("tests/fixtures/seed.pdf", "tests/fixtures/seed.docx"),
        (
            "tests/fixtures/seed-weasyprint.pdf",
            "tests/fixtures/seed.docx",
        ),
        (
            "tests/fixtures/fullwidth.pdf",
            "tests/fixtures/fullwidth.docx",
        ),
        // A row of table 三 broken across a page (its label's last character
        // on the next page), from LibreOffice with Noto CJK fonts.
        (
            "tests/fixtures/numbering.pdf",
            "tests/fixtures/numbering.docx",
        ),
        // Exported with tracked changes shown: deletions struck through,
        // insertions underlined.
        ("tests/fixtures/tracked.pdf", "tests/fixtures/tracked.docx"),
    ] {
        let (code, from_pdf) = check_json(&[pdf]);
        let (source_code, from_source) = check_json(&[source]);
        assert_eq!(from_pdf["files"][0]["format"], "pdf", "{pdf}");
        assert!(!said(&from_pdf).is_empty(), "{pdf}: the seed has findings");
        assert_eq!(said(&from_pdf), said(&from_source), "{pdf} vs {source}");
        assert_eq!(code, source_code, "{pdf}");
        assert_eq!(
            from_pdf["files"][0]["agency"], from_source["files"][0]["agency"],
            "{pdf}"
        );
    }
}

/// Everything recognised (metadata, sections, paragraphs, every table cell)
/// is the same as from the DOCX the PDF was exported from.
#[test]
fn extract_of_a_pdf_export_equals_extract_of_its_docx() {
    for (pdf, docx) in [
        ("tests/fixtures/seed.pdf", "tests/fixtures/seed.docx"),
        (
            "tests/fixtures/seed-weasyprint.pdf",
            "tests/fixtures/seed.docx",
        ),
        (
            "tests/fixtures/fullwidth.pdf",
            "tests/fixtures/fullwidth.docx",
        ),
    ] {
        let from_pdf = run(&["extract", pdf, "--to", "yaml"]);
        assert_eq!(from_pdf.status.code(), Some(0), "{pdf}");
        let from_docx = run(&["extract", docx, "--to", "yaml"]);
        // The first line names the source file.
        let body = |out: &[u8]| {
            String::from_utf8_lossy(out)
                .lines()
                .skip(1)
                .collect::<Vec<_>>()
                .join("\n")
        };
        let (p, d) = (body(&from_pdf.stdout), body(&from_docx.stdout));
        assert!(
            p.contains("withheld_third_party: {natural: 1"),
            "{pdf}:\n{p}"
        );
        assert_eq!(p, d, "{pdf} vs {docx}");
    }
}

fn refused(path: &str, message: &str) {
    let (code, json) = check_json(&[path]);
    assert_eq!(code, 2, "{path}: {json}");
    let got = read_error(&json);
    assert!(got.contains(message), "{path}: {got}");
    let out = run(&["extract", path, "--to", "yaml"]);
    assert_eq!(out.status.code(), Some(2), "{path}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(message), "{path}: {stderr}");
    assert!(!stderr.contains("panicked"), "{path}: {stderr}");
}

#[test]
fn a_scan_without_a_text_layer_is_named_as_such() {
    refused(
        "tests/fixtures/scanned.pdf",
        "该 PDF 无文字层（可能为扫描件），无法检查",
    );
}

#[test]
fn a_pdf_with_an_open_password_is_refused_and_one_with_only_permissions_is_read() {
    refused(
        "tests/fixtures/encrypted.pdf",
        "该 PDF 已加密，需要打开密码",
    );
    let out = run(&["extract", "tests/fixtures/restricted.pdf", "--to", "yaml"]);
    let yaml = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{yaml}");
    assert!(yaml.contains("heading: \"一、总体情况\""), "{yaml}");
}

/// Truncated, damaged, empty, not a PDF at all: exit 2 with the reason.
#[test]
fn broken_pdfs_are_refused_with_their_reason() {
    let dir = tempfile::tempdir().unwrap();
    let seed = std::fs::read(common::root().join("tests/fixtures/seed.pdf")).unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_str().unwrap().to_string()
    };
    refused(
        &write("截断.pdf", &seed[..seed.len() / 2]),
        "PDF 文件不完整",
    );
    refused(&write("空.pdf", b""), "文件是空的");
    refused(
        &write("伪装.pdf", "一、总体情况".as_bytes()),
        "不是 PDF 文件",
    );
    refused(
        &write("只有头尾.pdf", b"%PDF-1.7\n%garbage\n%%EOF\n"),
        "PDF 文件已损坏",
    );
    // Every object is damaged: the header and the end survive, the middle is noise.
    let mut noise = seed.clone();
    let n = noise.len();
    for (i, b) in noise[64..n - 64].iter_mut().enumerate() {
        *b = (i * 7919 % 251) as u8;
    }
    refused(&write("损坏.pdf", &noise), "PDF 文件已损坏");
    let pages = tiny_pdf(0);
    refused(&write("无页.pdf", &pages), "PDF 中没有页面");
}

#[test]
fn a_pdf_of_two_thousand_pages_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("2000页.pdf");
    std::fs::write(&p, tiny_pdf(2000)).unwrap();
    refused(p.to_str().unwrap(), "PDF 共 2000 页，超过上限 500 页");
}

/// Damage anywhere in a real file (cut short at any point, bytes flipped)
/// gives a result or an error, never a panic.
#[test]
fn damaged_copies_of_a_real_pdf_never_panic() {
    let seed = std::fs::read(common::root().join("tests/fixtures/seed.pdf")).unwrap();
    let n = seed.len();
    for k in 1..40 {
        let cut = n * k / 40;
        // Cut, with the end marker put back so the damage reaches the parser.
        let mut cut_bytes = seed[..cut].to_vec();
        cut_bytes.extend_from_slice(b"\n%%EOF\n");
        let _ = nianbao_pdf::read(&cut_bytes);
        // A run of flipped bytes.
        let mut flipped = seed.clone();
        for b in flipped[cut..(cut + 512).min(n - 16)].iter_mut() {
            *b ^= 0x5a;
        }
        let _ = nianbao_pdf::read(&flipped);
    }
}

/// A minimal valid PDF with `pages` pages of one line of Latin text each.
fn tiny_pdf(pages: usize) -> Vec<u8> {
    let mut objects: Vec<String> = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".into(),
        String::new(), // the page tree, below
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".into(),
    ];
    let mut kids = Vec::new();
    for i in 0..pages {
        let page = objects.len() + 1;
        kids.push(format!("{page} 0 R"));
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
            page + 1
        ));
        let content = format!("BT /F1 12 Tf 72 720 Td (Page {}) Tj ET", i + 1);
        objects.push(format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len() + 1
        ));
    }
    objects[1] = format!(
        "<< /Type /Pages /Kids [{}] /Count {pages} >>",
        kids.join(" ")
    );
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// The part of an extract from `  t3:` (or `  t4:`) to the next table key.
fn table_block(yaml: &str, key: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in yaml.lines() {
        if line.starts_with("  t") && line.ends_with(':') {
            inside = line.trim() == format!("{key}:");
        } else if !line.starts_with("    ") {
            inside = false;
        }
        if inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Tables drawn without any ruling line (WeasyPrint, borders removed): tables
/// 三 and 四 are read from the alignment of the text as from the DOCX, and
/// most of table 二.
#[test]
fn tables_without_ruling_lines_are_read_from_alignment() {
    let pdf = run(&["extract", "tests/fixtures/seed-unruled.pdf", "--to", "yaml"]);
    let docx = run(&["extract", "tests/fixtures/seed.docx", "--to", "yaml"]);
    assert_eq!(pdf.status.code(), Some(0));
    let (pdf, docx) = (
        String::from_utf8_lossy(&pdf.stdout),
        String::from_utf8_lossy(&docx.stdout),
    );
    for key in ["t3", "t4"] {
        let want = table_block(&docx, key);
        assert!(
            want.lines().count() > 3,
            "{key} in the DOCX extract:\n{docx}"
        );
        assert_eq!(table_block(&pdf, key), want, "{key}");
    }
    // Table 二's sub-tables on the first page (the last two, alone at the
    // top of the next page, are not read: a known limit).
    let t2 = table_block(&pdf, "t2");
    for row in [
        "normative: {issued: 0, abolished: 0, in_force: 0}",
        "licensing: {decisions: 652}",
        "penalty: {decisions: 0}",
    ] {
        assert!(t2.contains(row), "{row} in\n{t2}");
    }
}
