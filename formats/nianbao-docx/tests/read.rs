//! The DOCX reader on small documents written here, one WordprocessingML
//! feature at a time, and on bad input of every kind.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Cursor, Write};

use nianbao_core::document::{Block, GridTable};
use zip::write::SimpleFileOptions;

fn docx(document: &str, numbering: Option<&str>) -> Vec<u8> {
    match numbering {
        Some(n) => docx_parts(document, &[("word/numbering.xml", n)]),
        None => docx_parts(document, &[]),
    }
}

fn docx_parts(document: &str, parts: &[(&str, &str)]) -> Vec<u8> {
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
    for (name, content) in parts {
        w.start_file(*name, opt).unwrap();
        w.write_all(content.as_bytes()).unwrap();
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

/// Two lists: 1 (一、 / （一）) and 2, whose levels come from the numbering
/// style "ReportList" (`w:numStyleLink`), as Word writes multilevel lists.
const NUMBERING: &str = r#"<w:numbering xmlns:w="w">
  <w:abstractNum w:abstractNumId="1">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:pStyle w:val="Heading1"/><w:numFmt w:val="chineseCountingThousand"/><w:lvlText w:val="%1、"/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:pStyle w:val="Heading2"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="2"><w:numStyleLink w:val="ReportList"/></w:abstractNum>
  <w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>
  <w:num w:numId="2"><w:abstractNumId w:val="2"/></w:num>
  <w:num w:numId="3"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="4"/></w:lvlOverride></w:num>
</w:numbering>"#;

const STYLES: &str = r#"<w:styles xmlns:w="w">
  <w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
  <w:style w:type="paragraph" w:styleId="Heading1"><w:basedOn w:val="Normal"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
  <w:style w:type="paragraph" w:styleId="Heading2"><w:basedOn w:val="Normal"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
  <w:style w:type="paragraph" w:styleId="ReportHeading"><w:basedOn w:val="Heading1"/></w:style>
  <w:style w:type="numbering" w:styleId="ReportList"><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
</w:styles>"#;

fn styled(style: &str, inner: &str) -> String {
    format!("<w:p><w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>{inner}</w:p>")
}

fn numbered(num_id: &str, ilvl: &str, inner: &str) -> String {
    format!(
        "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"{ilvl}\"/><w:numId w:val=\"{num_id}\"/></w:numPr></w:pPr>{inner}</w:p>"
    )
}

/// Headings numbered through their paragraph style, the level found by the
/// `w:pStyle` of the list level, inherited through `w:basedOn`.
#[test]
fn numbering_inherited_through_the_paragraph_style() {
    let body = [
        styled("Heading1", &r("总体情况")),
        styled("Heading2", &r("组织推动")),
        styled("Heading2", &r("主动公开")),
        p(&r("正文")),
        styled("ReportHeading", &r("主动公开政府信息情况")),
        styled("Heading2", &r("规章")),
        // Direct numId 0 switches the style's numbering off.
        format!(
            "<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/><w:numPr><w:numId w:val=\"0\"/></w:numPr></w:pPr>{}</w:p>",
            r("不编号")
        ),
        // A direct w:ilvl with the style's list.
        format!(
            "<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/><w:numPr><w:ilvl w:val=\"1\"/></w:numPr></w:pPr>{}</w:p>",
            r("二级")
        ),
        // The list of a numbering style, reached through w:numStyleLink.
        numbered("2", "0", &r("收到和处理政府信息公开申请情况")),
        // The old properties of a formatting change are not the paragraph's.
        format!(
            "<w:p><w:pPr><w:pPrChange w:id=\"9\"><w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr></w:pPrChange></w:pPr>{}</w:p>",
            r("曾是标题")
        ),
    ]
    .concat();
    let bytes = docx_parts(
        &body,
        &[
            ("word/numbering.xml", NUMBERING),
            ("word/styles.xml", STYLES),
        ],
    );
    let doc = nianbao_docx::read(&bytes).unwrap();
    assert_eq!(
        texts(&doc.blocks),
        [
            "一、总体情况",
            "（一）组织推动",
            "（二）主动公开",
            "正文",
            "二、主动公开政府信息情况",
            "（一）规章",
            "不编号",
            "（二）二级",
            "三、收到和处理政府信息公开申请情况",
            "曾是标题",
        ]
    );
}

/// A w:num with a start override is a list of its own, restarting there.
#[test]
fn a_start_override_restarts_the_list() {
    let body = [
        numbered("1", "0", &r("甲")),
        numbered("3", "0", &r("乙")),
        numbered("3", "0", &r("丙")),
        numbered("1", "0", &r("丁")),
    ]
    .concat();
    let doc = nianbao_docx::read(&docx(&body, Some(NUMBERING))).unwrap();
    assert_eq!(texts(&doc.blocks), ["一、甲", "四、乙", "五、丙", "二、丁"]);
}

/// A deleted paragraph mark joins the paragraph to the next one (which keeps
/// its own properties); a deleted table row is gone, an inserted one stays.
#[test]
fn deleted_paragraph_marks_and_table_rows_are_accepted() {
    let mark_deleted = |inner: &str| {
        format!(
            "<w:p><w:pPr><w:rPr><w:del w:id=\"1\" w:author=\"a\"/></w:rPr></w:pPr>{inner}</w:p>"
        )
    };
    let body = [
        mark_deleted(&r("一、总体")),
        p(&r("情况")),
        mark_deleted(&r("表前")),
        table(&[
            vec![tc("", "甲"), tc("", "1")],
            vec![
                "<w:trPr><w:del w:id=\"2\" w:author=\"a\" w:date=\"2024-01-01T00:00:00Z\"></w:del></w:trPr>"
                    .to_string(),
                tc("", "删掉的行"),
                tc("", "9"),
            ],
            vec![
                "<w:trPr><w:ins w:id=\"3\" w:author=\"a\"/></w:trPr>".to_string(),
                tc("", "新增的行"),
                tc("", "2"),
            ],
        ]),
        mark_deleted(&r("结尾")),
    ]
    .concat();
    let doc = nianbao_docx::read(&docx(&body, None)).unwrap();
    assert_eq!(
        texts(&doc.blocks),
        ["一、总体情况", "表前", "[table 2x2]", "结尾"]
    );
    let g = grid(&doc, 0);
    assert_eq!(g.rows[1][0].text, "新增的行");
}

/// A text box's paragraphs sit in a run of the paragraph that shows the
/// box: each is a paragraph of its own, read before the one around it, which
/// goes on after the box. `<w:p></w:p>` reads as `<w:p/>` wherever it is.
#[test]
fn paragraphs_inside_a_paragraph_are_read_and_the_paragraph_goes_on() {
    let boxed = |inner: &str| {
        format!(
            "<w:p><w:pPr><w:pStyle w:val=\"A\"/></w:pPr>{}<w:r><w:drawing><w:txbxContent>{inner}</w:txbxContent></w:drawing></w:r>{}</w:p>",
            r("图前"),
            r("图后")
        )
    };
    let body = [
        boxed(&p(&r("框中文字"))),
        boxed("<w:p/>"),
        boxed("<w:p></w:p>"),
        format!(
            "<w:p>{}<w:r><w:tc><w:p/></w:tc>{}</w:r></w:p>",
            r("甲"),
            r("乙")
        ),
    ]
    .concat();
    let doc = nianbao_docx::read(&docx(&body, None)).unwrap();
    assert_eq!(
        texts(&doc.blocks),
        ["框中文字", "图前图后", "图前图后", "图前图后", "甲乙"]
    );
    let deep = format!("{}{}", "<w:p>".repeat(300), "</w:p>".repeat(300));
    assert!(error(&docx(&deep, None)).contains("嵌套过深"));
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
