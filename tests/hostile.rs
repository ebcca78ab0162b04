//! The hostile corpus (issue 9), run as one batch: every file either gives
//! findings or exit 2 with a clear Chinese message naming it; none panics,
//! none hangs (limits stop them, not timeouts), and the whole run stays under
//! an address-space cap set with `ulimit -v`, so memory is bounded too.
//!
//! Small cases are committed in `tests/hostile/files/` and
//! `tests/hostile/rules/`; large ones (zip bombs, a table of a million rows,
//! ten thousand nested tables, deeply nested XML) are generated here.

use std::io::Write;
use std::path::Path;
use std::process::Output;

use crate::common::root;
use zip::write::SimpleFileOptions;

/// Address space for one run (KiB): the run must fit, whatever it is fed.
const ULIMIT_KB: u64 = 2 * 1024 * 1024;

fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opt = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(false);
    for (name, data) in entries {
        w.start_file(*name, opt).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn document(body: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    )
    .into_bytes()
}

fn docx(body: &str) -> Vec<u8> {
    zip(&[("word/document.xml", &document(body))])
}

/// A one-sheet workbook around this worksheet XML.
fn xlsx(sheet: &str) -> Vec<u8> {
    const NS: &str = "http://schemas.openxmlformats.org";
    let types = format!(
        r#"<Types xmlns="{NS}/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#
    );
    let rels = format!(
        r#"<Relationships xmlns="{NS}/package/2006/relationships"><Relationship Id="rId1" Type="{NS}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
    );
    let workbook = format!(
        r#"<workbook xmlns="{NS}/spreadsheetml/2006/main" xmlns:r="{NS}/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#
    );
    let workbook_rels = format!(
        r#"<Relationships xmlns="{NS}/package/2006/relationships"><Relationship Id="rId1" Type="{NS}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
    );
    zip(&[
        ("[Content_Types].xml", types.as_bytes()),
        ("_rels/.rels", rels.as_bytes()),
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", workbook_rels.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ])
}

/// Tiny deterministic generator for incompressible-looking numbers.
fn digits(i: u64) -> u64 {
    i.wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407)
        >> 40
}

/// A zip whose central directory lies about an entry's size: `real` bytes
/// inflate from it, the directory says 1,000.
fn lying_bomb(real: usize) -> Vec<u8> {
    let mut bytes = zip(&[("word/document.xml", &vec![b' '; real])]);
    let real32 = (real as u32).to_le_bytes();
    let small = 1000u32.to_le_bytes();
    // Patch every occurrence of the true size (local header and central directory).
    let mut i = 0;
    while i + 4 <= bytes.len() {
        if bytes[i..i + 4] == real32 {
            bytes[i..i + 4].copy_from_slice(&small);
        }
        i += 1;
    }
    bytes
}

/// Writes the generated half of the corpus into `dir`.
fn generate(dir: &Path) {
    let put = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).unwrap();
    let seed = std::fs::read(root().join("tests/fixtures/seed.docx")).unwrap();
    // Flat bombs: 100 MB of spaces in a few hundred KB, declared honestly
    // (refused from the header) and with the sizes patched to lie (refused
    // after inflating just past the cap).
    put(
        "bomb_flat.docx",
        &zip(&[("word/document.xml", &vec![b' '; 100 << 20])]),
    );
    put("bomb_lying.docx", &lying_bomb(80 << 20));
    // Nested bomb: zips of zips inside an otherwise good report. Only the
    // parts of a report are ever read, so it is checked normally.
    let inner = zip(&[("zeros.bin", &vec![0u8; 30 << 20])]);
    let middle = zip(&(0..8)
        .map(|i| (format!("inner{i}.zip"), inner.clone()))
        .collect::<Vec<_>>()
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect::<Vec<_>>());
    let mut entries: Vec<(String, Vec<u8>)> = {
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(seed.clone())).unwrap();
        (0..z.len())
            .map(|i| {
                let mut f = z.by_index(i).unwrap();
                let mut data = Vec::new();
                std::io::Read::read_to_end(&mut f, &mut data).unwrap();
                (f.name().unwrap().to_string(), data)
            })
            .collect()
    };
    entries.push(("word/embeddings/oleObject1.zip".into(), middle));
    // Entries named to escape a folder: never written anywhere.
    entries.push(("../../nianbao_escaped.txt".into(), b"escaped".to_vec()));
    entries.push((
        "word/../../../nianbao_escaped2.txt".into(),
        b"escaped".to_vec(),
    ));
    let refs: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    put("nested_bomb_and_dotdot.docx", &zip(&refs));
    // Truncated in the middle.
    put("truncated.docx", &seed[..seed.len() / 2]);
    // Malformed XML.
    put(
        "malformed.docx",
        &zip(&[(
            "word/document.xml",
            b"<w:document><w:body><w:p><w:r><w:t>\xe4\xb8\x80\xe3\x80\x81</w:r></w:body>",
        )]),
    );
    // Zero-byte parts.
    put(
        "zero_byte_entries.docx",
        &zip(&[
            ("word/document.xml", b""),
            ("word/numbering.xml", b""),
            ("word/styles.xml", b""),
        ]),
    );
    // 10^6 nested content controls: deep XML, read without recursion.
    let depth = 1_000_000;
    put(
        "deep_xml.docx",
        &docx(&format!(
            "{}<w:p><w:r><w:t>深</w:t></w:r></w:p>{}",
            "<w:sdt><w:sdtContent>".repeat(depth),
            "</w:sdtContent></w:sdt>".repeat(depth)
        )),
    );
    // A table of 10^6 rows (numbers vary, so it is no zip bomb).
    let mut rows = String::with_capacity(80 << 20);
    for i in 0..1_000_000u64 {
        rows.push_str("<w:tr><w:tc><w:p><w:r><w:t>");
        rows.push_str(&digits(i).to_string());
        rows.push_str("</w:t></w:r></w:p></w:tc></w:tr>");
    }
    put("rows_1e6.docx", &docx(&format!("<w:tbl>{rows}</w:tbl>")));
    drop(rows);
    // Spans multiplying a row: 300 rows of 64 cells spanning 64 columns each.
    let wide_row = format!(
        "<w:tr>{}</w:tr>",
        "<w:tc><w:tcPr><w:gridSpan w:val=\"64\"/></w:tcPr><w:p/></w:tc>".repeat(64)
    );
    put(
        "wide_spans.docx",
        &docx(&format!("<w:tbl>{}</w:tbl>", wide_row.repeat(300))),
    );
    // 10^4 tables nested in one another.
    let n = 10_000;
    put(
        "nested_tables_1e4.docx",
        &docx(&format!(
            "{}<w:p><w:r><w:t>1</w:t></w:r></w:p>{}",
            "<w:tbl><w:tr><w:tc>".repeat(n),
            "</w:tc></w:tr></w:tbl>".repeat(n)
        )),
    );
    // A workbook of 10^6 numeric cells (1000 × 1000), varied so it is no bomb.
    let mut sheet = String::with_capacity(24 << 20);
    sheet.push_str(r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#);
    for r in 0..1000u64 {
        sheet.push_str("<row>");
        for c in 0..1000u64 {
            sheet.push_str("<c><v>");
            sheet.push_str(&digits(r * 1000 + c).to_string());
            sheet.push_str("</v></c>");
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    put("cells_1e6.xlsx", &xlsx(&sheet));
    drop(sheet);
    // 50 MB pages: the seed page with a 37 MB inline image (a real report,
    // checked), and a 50 MB table of five million cells (refused unparsed).
    let page = std::fs::read_to_string(root().join("tests/fixtures/portal-utf8.html")).unwrap();
    let image: String = (0..37u64 << 20)
        .map(|i| char::from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef"[(digits(i) % 32) as usize]))
        .collect();
    let with_image = page.replace(
        "</body>",
        &format!(r#"<img src="data:image/png;base64,{image}"></body>"#),
    );
    assert!(with_image.len() > 37 << 20);
    put("image_50mb.html", with_image.as_bytes());
    let mut table = String::with_capacity(52 << 20);
    table.push_str("<html><body><table>");
    let mut i = 0u64;
    while table.len() < 50 << 20 {
        table.push_str("<tr>");
        for _ in 0..10 {
            table.push_str("<td>");
            table.push_str(&(digits(i) % 100_000).to_string());
            table.push_str("</td>");
            i += 1;
        }
        table.push_str("</tr>\n");
    }
    table.push_str("</table></body></html>");
    put("table_50mb.html", table.as_bytes());
    drop(table);
    // Markdown: quotes and lists nested 100,000 and 5,000 deep, a pipe
    // table of 600,000 rows, a file over the size cap.
    put("quotes_deep.md", "> ".repeat(100_000).as_bytes());
    let lists: String = (0..5_000)
        .map(|i| format!("{}- 项\n", "  ".repeat(i)))
        .collect();
    put("lists_deep.md", lists.as_bytes());
    put(
        "rows_6e5.md",
        format!("|a|b|\n|-|-|\n{}", "|1|2|\n".repeat(600_000)).as_bytes(),
    );
    put("over_cap.md", &vec![b'#'; 33 << 20]);
    // YAML: 40,000 aliases of a 10,000-character string (400 MB if expanded).
    let mut yaml = format!("closing:\n  - &s \"{}\"\n", "年".repeat(10_000));
    for _ in 0..40_000 {
        yaml.push_str("  - *s\n");
    }
    put("alias_strings.yaml", yaml.as_bytes());
}

/// `nianbao ARGS` under the address-space cap.
fn capped(args: &[&str]) -> Output {
    let bin = env!("CARGO_BIN_EXE_nianbao");
    std::process::Command::new("sh")
        .current_dir(root())
        .arg("-c")
        .arg(format!("ulimit -v {ULIMIT_KB} && exec \"$0\" \"$@\""))
        .arg(bin)
        .args(args)
        .output()
        .unwrap()
}

enum Expect {
    /// Exit 2 for this file, with a message containing this.
    Refused(&'static str),
    /// Read, and findings given.
    Findings,
}

#[test]
fn the_hostile_corpus_as_one_batch() {
    let dir = tempfile::tempdir().unwrap();
    let generated = dir.path().join("generated");
    std::fs::create_dir(&generated).unwrap();
    generate(&generated);
    let out = capped(&[
        "check",
        "--format",
        "json",
        "tests/hostile/files",
        generated.to_str().unwrap(),
        "tests/fixtures/seed.yaml",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}); stderr: {stderr}"));
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    use Expect::*;
    let expected: &[(&str, Expect)] = &[
        ("not_a_zip.docx", Refused("不是 zip")),
        ("legacy.doc", Refused("旧版 .doc")),
        ("encrypted.docx", Refused("加密")),
        ("empty.docx", Refused("文件是空的")),
        ("empty.yaml", Refused("文件是空的")),
        ("empty.txt", Refused("文件是空的")),
        ("seed_utf16.txt", Findings),
        ("seed_utf16_nobom.txt", Refused("UTF-16")),
        ("seed_gbk.txt", Findings),
        ("billion_laughs.yaml", Refused("YAML")),
        ("deep.yaml", Refused("YAML")),
        ("bomb_flat.docx", Refused("压缩炸弹")),
        ("bomb_lying.docx", Refused("压缩炸弹")),
        ("nested_bomb_and_dotdot.docx", Findings),
        ("truncated.docx", Refused("损坏")),
        ("malformed.docx", Refused("XML")),
        ("zero_byte_entries.docx", Refused("未识别到年报内容")),
        ("deep_xml.docx", Refused("未识别到年报内容")),
        ("rows_1e6.docx", Refused("表格过大")),
        ("wide_spans.docx", Refused("表格过大")),
        ("nested_tables_1e4.docx", Refused("未识别到年报内容")),
        ("alias_strings.yaml", Refused("YAML")),
        ("corner_bomb.xls", Refused("范围过大")),
        ("dimensions_bomb.xls", Refused("范围过大")),
        ("cells_1e6.xlsx", Refused("非空单元格超过")),
        ("image_50mb.html", Findings),
        ("table_50mb.html", Refused("标签超过")),
        ("quotes_deep.md", Refused("未识别到年报内容")),
        ("lists_deep.md", Refused("未识别到年报内容")),
        ("rows_6e5.md", Refused("表格过大")),
        ("over_cap.md", Refused("MiB")),
        ("seed.yaml", Findings),
    ];
    let files = json["files"].as_array().unwrap();
    assert_eq!(files.len(), expected.len(), "every file reported once");
    for file in files {
        let path = file["path"].as_str().unwrap();
        let name = Path::new(path).file_name().unwrap().to_str().unwrap();
        let (_, want) = expected
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("unexpected file {path}"));
        let errors = file["errors"].as_array().unwrap();
        let message = errors
            .first()
            .and_then(|e| e["message"].as_str())
            .unwrap_or("");
        assert!(!message.contains("内部错误"), "{name} panicked: {message}");
        match want {
            Refused(needle) => {
                assert!(
                    message.contains(needle),
                    "{name}: want 「{needle}」, got 「{message}」"
                );
                assert!(
                    message
                        .chars()
                        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
                );
            }
            Findings => {
                assert!(errors.is_empty(), "{name}: {errors:?}");
                assert!(
                    !file["findings"].as_array().unwrap().is_empty(),
                    "{name} was read and checked"
                );
            }
        }
    }
    // The human output names each refused file.
    let human = capped(&["check", "tests/hostile/files", generated.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&human.stdout);
    for (name, want) in expected {
        if matches!(want, Refused(_)) && *name != "seed.yaml" {
            assert!(text.contains(name), "{name} named in:\n{text}");
        }
    }
    // `annotate` over the same corpus, under the same cap: every file that
    // was read is copied (the DOCX with comments), every other one is named
    // with its reason; nothing panics.
    let copies = dir.path().join("批注");
    let annotated = capped(&[
        "annotate",
        "-q",
        "tests/hostile/files",
        generated.to_str().unwrap(),
        "--out-dir",
        copies.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&annotated.stdout);
    assert_eq!(annotated.status.code(), Some(2), "{text}");
    assert!(!text.contains("内部错误"), "{text}");
    assert_eq!(text.lines().count(), expected.len() - 1, "{text}");
    assert!(
        copies.join("nested_bomb_and_dotdot.docx").is_file(),
        "{text}"
    );
    for (name, want) in expected {
        let line = text.lines().find(|l| l.contains(name));
        match want {
            Refused(_) => assert!(
                line.is_some_and(|l| l.contains("未生成批注副本")),
                "{name}: {line:?}"
            ),
            Findings if name.ends_with(".docx") => {
                assert!(
                    line.is_some_and(|l| l.contains("条批注")),
                    "{name}: {line:?}"
                )
            }
            Findings => {}
        }
    }
    // Nothing escaped the folder.
    for escaped in ["nianbao_escaped.txt", "nianbao_escaped2.txt"] {
        assert!(!dir.path().join(escaped).exists());
        assert!(!root().join(escaped).exists());
        assert!(!std::env::temp_dir().join(escaped).exists());
    }
}

/// Rules that loop forever, recurse without end, build a 1 GB string, throw,
/// or return the wrong type: each is stopped by a limit and reported with its
/// file and line; the good rule still runs; exit 2.
#[test]
fn hostile_rules_are_stopped_by_limits() {
    let out = capped(&[
        "check",
        "--format",
        "json",
        "--no-builtin-rules",
        "--rules",
        "tests/hostile/rules",
        "tests/fixtures/seed.yaml",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let file = &json["files"][0];
    let errors = file["errors"].as_array().unwrap();
    for (rule, script, needle) in [
        ("H-LOOP", "infinite_loop.rhai", "运算次数超过上限"),
        ("H-RECURSE", "deep_recursion.rhai", "调用层数超过上限"),
        ("H-STRING", "big_string.rhai", "数据大小超过上限"),
        ("H-THROW", "throw.rhai", "规则抛出错误"),
        ("H-TYPE", "wrong_type.rhai", "必须返回问题数组"),
    ] {
        let e = errors
            .iter()
            .find(|e| e["rule"] == rule)
            .unwrap_or_else(|| panic!("{rule} not reported: {errors:?}"));
        assert!(e["file"].as_str().unwrap().ends_with(script), "{e}");
        assert!(e["line"].as_u64().is_some(), "{e}");
        assert!(e["message"].as_str().unwrap().contains(needle), "{e}");
    }
    let findings: Vec<&str> = file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(findings, ["H-FINE"]);
}
