//! The DOCX reader on small documents written here, one WordprocessingML
//! feature at a time, and on bad input of every kind.

use std::io::{Cursor, Write};

use nianbao_core::document::{Block, GridTable};
use zip::write::SimpleFileOptions;

fn docx(document: &str, numbering: Option<&str>) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opt = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    w.start_file("[Content_Types].xml", opt).unwrap();
    w.write_all(b"<Types/>").unwrap();
    w.start_file("_rels/.rels", opt).unwrap();
    w.write_all(br#"<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#).unwrap();
    w.start_file("word/document.xml", opt).unwrap();
    w.write_all(
        format!(r#"<w:document xmlns:w="w"><w:body>{document}</w:body></w:document>"#).as_bytes(),
    )
    .unwrap();
    if let Some(n) = numbering {
        w.start_file("word/numbering.xml", opt).unwrap();
        w.write_all(n.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn texts(blocks: &[Block]) -> Vec<String> {
    blocks
        .iter()
        .map(|b| match b {
            Block::Paragraph(p) => p.text.clone(),
            Block::Table(t) => format!("[table {}x{}]", t.rows.len(), t.width()),
        })
        .collect()
}

fn p(inner: &str) -> String {
    format!("<w:p>{inner}</w:p>")
}

fn r(text: &str) -> String {
    format!("<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r>")
}

#[test]
fn runs_tabs_breaks_entities_and_tracked_changes() {
    let body = [
        p(&format!("{}{}", r("一、总"), r("体情况"))),
        p(&format!("{}<w:r><w:tab/></w:r>{}<w:r><w:br/></w:r>{}", r("A"), r("B"), r("C"))),
        p(&r("R&amp;D &#x4E00; &lt;x&gt;")),
        p(&format!(
            "{}<w:del><w:r><w:delText>删掉的</w:delText></w:r></w:del><w:ins><w:r><w:t>新增的</w:t></w:r></w:ins>",
            r("保留")
        )),
        p(&format!(
            "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText>PAGE \\* MERGEFORMAT</w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>{}<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>",
            r("3")
        )),
        p(&format!("<w:sdt><w:sdtContent>{}</w:sdtContent></w:sdt>", r("控件内文字"))),
        p(""),
    ]
    .concat();
    let doc = nianbao_docx::read(&docx(&body, None)).unwrap();
    assert_eq!(
        texts(&doc.blocks),
        [
            "一、总体情况",
            "A\tB\nC",
            "R&D 一 <x>",
            "保留新增的",
            "3",
            "控件内文字"
        ]
    );
}

fn tc(props: &str, text: &str) -> String {
    format!("<w:tc><w:tcPr>{props}</w:tcPr>{}</w:tc>", p(&r(text)))
}

fn table(rows: &[Vec<String>]) -> String {
    let rows: String = rows
        .iter()
        .map(|cells| format!("<w:tr>{}</w:tr>", cells.concat()))
        .collect();
    format!("<w:tbl>{rows}</w:tbl>")
}

fn grid(doc: &nianbao_core::document::Document, i: usize) -> &GridTable {
    doc.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .nth(i)
        .unwrap()
}

#[test]
fn grid_span_and_vertical_merge_are_expanded() {
    let body = table(&[
        vec![
            tc("<w:vMerge w:val=\"restart\"/>", "三、本年度办理结果"),
            tc("<w:gridSpan w:val=\"2\"/>", "（一）予以公开"),
            tc("", "1"),
        ],
        vec![
            tc("<w:vMerge/>", ""),
            tc("", "（三）不予公开"),
            tc("", "1.属于国家秘密"),
            tc("", "２"),
        ],
    ]);
    let doc = nianbao_docx::read(&docx(&body, None)).unwrap();
    let g = grid(&doc, 0);
    let row = |r: usize| {
        g.rows[r]
            .iter()
            .map(|c| (c.text.as_str(), c.merged_from))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        row(0),
        [
            ("三、本年度办理结果", None),
            ("（一）予以公开", None),
            ("（一）予以公开", Some((0, 1))),
            ("1", None)
        ]
    );
    assert_eq!(
        row(1),
        [
            ("三、本年度办理结果", Some((0, 0))),
            ("（三）不予公开", None),
            ("1.属于国家秘密", None),
            ("２", None)
        ]
    );
}

#[test]
fn nested_tables_are_kept_apart() {
    let inner = table(&[vec![tc("", "内")]]);
    let body = table(&[vec![
        format!("<w:tc>{}{inner}</w:tc>", p(&r("外"))),
        tc("", "9"),
    ]]);
    let doc = nianbao_docx::read(&docx(&body, None)).unwrap();
    assert_eq!(texts(&doc.blocks), ["[table 1x2]", "[table 1x1]"]);
    assert_eq!(grid(&doc, 0).rows[0][0].text, "外");
    assert_eq!(grid(&doc, 1).rows[0][0].text, "内");
}

#[test]
fn automatic_numbering_becomes_heading_text() {
    let numbering = r#"<w:numbering xmlns:w="w"><w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl></w:abstractNum><w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num></w:numbering>"#;
    let heading = |t: &str| {
        format!(
            "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"5\"/></w:numPr></w:pPr>{}</w:p>",
            r(t)
        )
    };
    let body = [
        heading("总体情况"),
        p(&r("正文")),
        heading("主动公开政府信息情况"),
    ]
    .concat();
    let doc = nianbao_docx::read(&docx(&body, Some(numbering))).unwrap();
    assert_eq!(
        texts(&doc.blocks),
        ["一、总体情况", "正文", "二、主动公开政府信息情况"]
    );
}

fn error(bytes: &[u8]) -> String {
    nianbao_docx::read(bytes).unwrap_err().message
}

#[test]
fn bad_input_gives_a_clear_error() {
    assert!(error(b"just text renamed to .docx").contains("不是 zip"));
    let good = docx(&p(&r("x")), None);
    assert!(error(&good[..good.len() / 2]).contains("损坏"));
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend_from_slice(&[0; 64]);
    assert!(error(&ole).contains("旧版 .doc"));
    ole.extend(
        "EncryptedPackage"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes()),
    );
    assert!(error(&ole).contains("加密"));
    assert!(error(&docx("<w:p><w:r><w:t>unclosed</w:r></w:p>", None)).contains("XML"));
    let unclosed = error(&docx("<w:tbl><w:tr><w:tc><w:p></w:p></w:tc></w:tr>", None));
    assert!(
        unclosed.contains("XML") || unclosed.contains("表格"),
        "{unclosed}"
    );

    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    w.start_file("word/other.xml", SimpleFileOptions::default())
        .unwrap();
    w.write_all(b"<x/>").unwrap();
    assert!(error(&w.finish().unwrap().into_inner()).contains("缺少正文"));
}

#[test]
fn a_zip_bomb_is_refused_without_inflating_it() {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opt = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(false);
    w.start_file("word/document.xml", opt).unwrap();
    let zeros = vec![b' '; 1024 * 1024];
    for _ in 0..80 {
        w.write_all(&zeros).unwrap();
    }
    let bytes = w.finish().unwrap().into_inner();
    assert!(
        bytes.len() < 1024 * 1024,
        "the bomb is small: {}",
        bytes.len()
    );
    let msg = error(&bytes);
    assert!(msg.contains("压缩炸弹"), "{msg}");
}
