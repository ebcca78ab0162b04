//! Tests of reading layout text and text without columns.

use super::lines::{is_number, is_page_number, starts_item};
use super::*;

fn grid_rows(doc: &Document, i: usize) -> Vec<Vec<String>> {
    let t = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .nth(i)
        .unwrap();
    t.rows
        .iter()
        .map(|r| r.iter().map(|c| c.text.clone()).collect())
        .collect()
}

fn paragraphs(doc: &Document) -> Vec<String> {
    doc.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some(p.text.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn numbers_and_page_numbers() {
    assert!(is_number("0") && is_number("1,234") && is_number("１２") && is_number("1.5"));
    assert!(is_number("—") && is_number("无"));
    assert!(!is_number("1.属于国家秘密") && !is_number("年"));
    assert!(is_page_number("- 3 -") && is_page_number("第 3 页") && is_page_number("3/12"));
    assert!(!is_page_number("3") && !is_page_number("2024 年 1 月 3 日"));
}

#[test]
fn wrapped_paragraphs_are_joined_and_pdftotext_spaces_removed() {
    let text = "2023 年度，根据《条例》规定，我局紧紧围绕政务公开工作要点，有效运用\n多种载体，充实公开内容，不断推进政务公开工作，提高行政工作透明度，\n做到应公开尽公开。全年公开信息 854 条。\n\n一、总体情况\n\n第一段较短。\n　　第二段缩进，另起一段。\n洮南市林业和草原局\n\n2024 年 1 月 3 日\n";
    let (doc, notes) = parse(text);
    assert!(notes.is_empty());
    assert_eq!(
        paragraphs(&doc),
        [
            "2023年度，根据《条例》规定，我局紧紧围绕政务公开工作要点，有效运用多种载体，充实公开内容，不断推进政务公开工作，提高行政工作透明度，做到应公开尽公开。全年公开信息854条。",
            "一、总体情况",
            "第一段较短。",
            "第二段缩进，另起一段。",
            "洮南市林业和草原局",
            "2024年1月3日"
        ]
    );
}

#[test]
fn text_without_columns_is_joined_across_wraps_and_pages_and_its_cells_put_back() {
    let text = "某局2023年政府信息公开工作年度报告\n一、总体情况\n（一）主动公开。全年主动公开政府信息326条，其中政策文件31条、招生\n信息48条、学生资助信息27条，占全部信息的14.72%，较上年增加\n- 2 -\n\u{c}某局2023年政府信息公开工作年度报告\n12条。公开行政许可决定14件。\n（二）依申请公开。全年收到申请9件，办结9件，结转下年度继续办\n理1件。本年度未发生行政复议和行政诉讼案件，运行情况总体平稳。\n- 3 -\n\u{c}某局2023年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\n本年制发件数 本年废止件数 现行有效件数\n规章\n0\n0\n0\n行政规范性文件 2\n1\n9\n- 4 -\n\u{c}某局2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n申请人情况\n7 1\n0\n（一）予以公开\n0\n";
    assert!(is_flow(text));
    let (doc, notes) = parse(text);
    assert_eq!(
        paragraphs(&doc),
        [
            "某局2023年政府信息公开工作年度报告",
            "一、总体情况",
            "（一）主动公开。全年主动公开政府信息326条，其中政策文件31条、招生信息48条、学生资助信息27条，占全部信息的14.72%，较上年增加12条。公开行政许可决定14件。",
            "（二）依申请公开。全年收到申请9件，办结9件，结转下年度继续办理1件。本年度未发生行政复议和行政诉讼案件，运行情况总体平稳。",
            "二、主动公开政府信息情况",
            "三、收到和处理政府信息公开申请情况",
        ]
    );
    let t2 = grid_rows(&doc, 0);
    assert_eq!(t2[1], ["规章", "0", "0", "0"]);
    assert_eq!(t2[2], ["行政规范性文件", "2", "1", "9"]);
    let codes: Vec<&str> = notes.iter().map(|n| n.code.as_str()).collect();
    assert_eq!(codes, ["table-unreadable"]);
    assert!(!is_flow(
        "标题\n规章          0      0      0\n行政许可      1\n"
    ));
    assert!(starts_item("（二）依申请公开") && starts_item("1.属于") && !starts_item("1.5万元"));
}

#[test]
fn one_paragraph_per_line_is_not_joined() {
    let long = "我局高度重视政务公开工作，".repeat(12);
    let text = format!("一、总体情况\n{long}\n{long}\n{long}\n二、主动公开政府信息情况\n");
    let (doc, _) = parse(&text);
    assert_eq!(paragraphs(&doc).len(), 5);
}

#[test]
fn rows_are_matched_by_keywords_across_wrapped_labels_column_by_column() {
    let text = "三、收到和处理政府信息公开申请情况\n\
                \x20                        申请人情况\n\
                一、本年新收政府信息公开申请数量         1 0     0   0   0   0   1\n\
                \x20        1.本机关不掌握相关政府信\n\
                \x20                        0 0     0   0   0   0   0\n\
                \x20    （四） 息\n\
                三、本年 无法提 2.没有现成信息需要另行制\n\
                \x20                        2 0     0   0   0   0   2\n\
                度办理结 供   作\n\
                \x20    （七）总计               2 0     0   0   0\n\
                \x20    （八）合计               2 0     0   0   0   0   2\n\
                四、政府信息公开行政复议、行政诉讼情况\n\
                0     0  0  0  0  0  0  0  0  0  0  0  0  0  0\n";
    let (doc, notes) = parse(text);
    let rows = grid_rows(&doc, 0);
    assert_eq!(rows[0][1], "自然人");
    assert_eq!(rows[1][0], "一、本年新收政府信息公开申请数量");
    assert_eq!(rows[2][0], "1.本机关不掌握相关政府信息");
    assert_eq!(rows[3][0], "2.没有现成信息需要另行制作");
    assert_eq!(rows[3][1..], ["2", "0", "0", "0", "0", "0", "2"]);
    assert_eq!(
        rows.len(),
        4,
        "the short 总计 row is not guessed at: {rows:?}"
    );
    let codes: Vec<(&str, usize)> = notes
        .iter()
        .map(|n| (n.code.as_str(), n.origin.line().unwrap_or(0)))
        .collect();
    assert_eq!(codes, [("cell-count", 10), ("unknown-row", 11)]);
    assert!(
        notes[0]
            .message
            .contains("「（七）总计」一行有 5 个数，应为 7 个")
    );
    let t4 = grid_rows(&doc, 1);
    assert_eq!((t4.len(), t4[2].len()), (3, 15));
    assert_eq!(t4[0][14], "复议后起诉");
    assert_eq!(t4[1][14], "总计");
}

#[test]
fn table_two_gets_its_sub_headers_and_table_four_labelled_blocks() {
    let text = "二、主动公开政府信息情况\n第二十条第（一）项\n信息内容 本年制发件数 本年废止件数 现行有效件数\n规章 0 0 0\n行政规范性文件 1 2 3\n行政许可 652\n行政事业性收费 1.5\n\
                四、政府信息公开行政复议、行政诉讼情况\n行政复议 0 0 0 0 0\n未经复议直接起诉 1 0 0 0 1\n复议后起诉 0 0 0 0\n";
    let (doc, notes) = parse_as(text, false);
    let t2 = grid_rows(&doc, 0);
    assert_eq!(
        t2[0],
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
    );
    assert_eq!(t2[2], ["行政规范性文件", "1", "2", "3"]);
    assert_eq!(t2[3][..2], ["信息内容", "本年处理决定数量"]);
    assert_eq!(t2[6][..2], ["行政事业性收费", "1.5"]);
    let t4 = grid_rows(&doc, 1);
    assert_eq!(t4[2].len(), 10);
    assert_eq!(t4[0][5], "未经复议直接起诉");
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0].message.contains("复议后起诉」一行有 4 个数"),
        "{}",
        notes[0].message
    );
}
