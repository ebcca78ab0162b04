use super::*;

fn blocks(md: &str) -> Vec<String> {
    document(md)
        .unwrap()
        .blocks
        .iter()
        .map(|b| match b {
            Block::Paragraph(p) => format!("p:{}", p.text),
            Block::Table(t) => format!(
                "t:{}x{}:{}",
                t.rows.len(),
                t.width(),
                t.rows
                    .iter()
                    .map(|r| r
                        .iter()
                        .map(|c| c.text.as_str())
                        .collect::<Vec<_>>()
                        .join(","))
                    .collect::<Vec<_>>()
                    .join("/")
            ),
        })
        .collect()
}

#[test]
fn headings_of_any_level_are_paragraphs_of_their_text() {
    assert_eq!(
        blocks(
            "# 某局2023年政府信息公开工作年度报告\n\n## 一、总体情况\n\n本机关**认真**贯彻\n落实《条例》。\n\n### （一）主动公开\n"
        ),
        [
            "p:某局2023年政府信息公开工作年度报告",
            "p:一、总体情况",
            "p:本机关认真贯彻落实《条例》。",
            "p:（一）主动公开"
        ]
    );
}

#[test]
fn a_section_heading_on_its_own_line_inside_a_paragraph_is_its_own_paragraph() {
    assert_eq!(
        blocks("全年无收费。\n六、其他需要报告的事项\n本年度未收取信息处理费。\n"),
        [
            "p:全年无收费。",
            "p:六、其他需要报告的事项",
            "p:本年度未收取信息处理费。"
        ]
    );
}

#[test]
fn lists_keep_their_numbers_and_images_and_front_matter_are_left_out() {
    assert_eq!(
        blocks(
            "---\ntitle: x\n---\n\n![图片 1](a.png)\n\n1. 加强领导。\n2. 完善制度。\n\n- 要点\n\n    缩进的段落\n"
        ),
        ["p:1.加强领导。", "p:2.完善制度。", "p:要点", "p:缩进的段落"]
    );
}

#[test]
fn pipe_tables_are_grids_with_source_lines() {
    let doc = document("二、主动公开\n\n| | | |\n|---|---|---|\n| 信息内容 | 本年制发件数 | 本年废止件数 |\n| 规章 | 0 | 1<br>件 |\n").unwrap();
    let Block::Table(t) = &doc.blocks[1] else {
        panic!("not a table")
    };
    // The blank pipe header (as pandoc writes a table without one) is dropped.
    assert_eq!((t.rows.len(), t.width()), (2, 3));
    assert_eq!(t.rows[1][2].text, "1\n件");
    let line = |row, column| {
        doc.addresses
            .get(&Origin::Table {
                table_index: 1,
                row,
                column,
            })
            .and_then(|a| a.line)
    };
    assert_eq!(line(1, 1), Some(5));
    assert_eq!(line(2, 2), Some(6));
}

#[test]
fn html_table_blocks_are_grids_with_spans_expanded() {
    let md = "三、收到和处理政府信息公开申请情况\n\n<table>\n<tr><td rowspan=\"2\">一、本年新收</td><td>自然人</td></tr>\n<tr><td>7</td></tr>\n</table>\n\n四、行政复议\n";
    let doc = document(md).unwrap();
    assert_eq!(
        blocks(md),
        [
            "p:三、收到和处理政府信息公开申请情况",
            "t:2x2:一、本年新收,自然人/一、本年新收,7",
            "p:四、行政复议"
        ]
    );
    let Block::Table(t) = &doc.blocks[1] else {
        panic!("not a table")
    };
    assert_eq!(t.rows[1][0].merged_from, Some((0, 0)));
    let line = doc
        .addresses
        .get(&Origin::Table {
            table_index: 1,
            row: 2,
            column: 2,
        })
        .and_then(|a| a.line);
    assert_eq!(line, Some(5));
}

#[test]
fn pieces_of_a_table_are_joined_and_other_tables_are_not() {
    let md = "| 行政复议 | | 行政诉讼 |\n|---|---|---|\n| 结果维持 | 总计 | 总计 |\n\n— 5 —\n\n| 1 | 1 | 0 |\n|---|---|---|\n\n| 本年新收 | 7 |\n|---|---|\n| 予以公开 | 5 |\n\n| 予以公开 | 5 |\n|---|---|\n| 结转下年度继续办理 | 0 |\n";
    assert_eq!(
        blocks(md),
        [
            "t:3x3:行政复议,,行政诉讼/结果维持,总计,总计/1,1,0",
            "t:4x2:本年新收,7/予以公开,5/予以公开,5/结转下年度继续办理,0"
        ]
    );
    // Table 四 after table 三 is a table of its own.
    let md = "| 本年新收 | 7 |\n|---|---|\n| 予以公开 | 5 |\n\n| 复议后起诉 | 1 |\n|---|---|\n";
    assert_eq!(blocks(md).len(), 2);
}

#[test]
fn a_narrower_piece_is_aligned_on_the_right() {
    let md = "| 一、本年新收 | | 3 | 5 |\n|---|---|---|---|\n\n| （二）部分公开 | 1 | 1 |\n|---|---|---|\n";
    assert_eq!(blocks(md), ["t:2x4:一、本年新收,,3,5/,（二）部分公开,1,1"]);
}

#[test]
fn a_one_column_table_is_paragraphs() {
    assert_eq!(
        blocks("| 某局2023年政府信息公开工作年度报告 |\n|---|\n| 一、总体情况 |\n"),
        ["p:某局2023年政府信息公开工作年度报告", "p:一、总体情况"]
    );
}

#[test]
fn pandoc_tables_are_read_between_markdown() {
    let md = "二、主动公开\n\n  -------------------- ------------ --------------\n  第二十条第（一）项                \n  规章                 0            3\n  -------------------- ------------ --------------\n\n三、收到\n";
    assert_eq!(
        blocks(md),
        [
            "p:二、主动公开",
            "t:2x3:第二十条第（一）项,,/规章,0,3",
            "p:三、收到"
        ]
    );
}

#[test]
fn hostile_markdown_is_bounded() {
    for md in [
        ">".repeat(100_000),
        "- ".repeat(50_000),
        (0..3000)
            .map(|i| format!("{}- a\n", "  ".repeat(i)))
            .collect(),
        "[".repeat(100_000),
        "*a".repeat(100_000),
        format!("|a|b|\n|-|-|\n{}", "|1|2|\n".repeat(100_000)),
        "<div>".repeat(10_000),
        "\n".repeat(100_000),
    ] {
        let t0 = std::time::Instant::now();
        let _ = document(&md);
        assert!(t0.elapsed().as_secs() < 20, "{}", &md[..20]);
    }
    let deep = format!("{}x", "<div>".repeat(5000));
    let err = document(&deep).unwrap_err();
    assert!(err.message.contains("嵌套"), "{err}");
    let err = crate::read(&vec![b'a'; crate::MAX_BYTES + 1]).unwrap_err();
    assert!(err.message.contains("MiB"), "{err}");
    let err = crate::read(b"\x00\x01").unwrap_err();
    assert!(err.message.contains("二进制"), "{err}");
}

#[test]
fn gbk_markdown_is_decoded() {
    let (gbk, _, _) = encoding_rs::GBK.encode("## 一、总体情况\n");
    let doc = crate::read(&gbk).unwrap();
    assert!(matches!(&doc.blocks[0], Block::Paragraph(p) if p.text == "一、总体情况"));
}

#[test]
fn section_headings_whose_numbers_a_converter_dropped_get_them_back() {
    let md = "# 总体情况\n\n正文。\n\n# 主动公开政府信息情况\n\n# 收到和处理政府信息公开申请情况\n\n## 总体情况\n";
    assert_eq!(
        blocks(md),
        [
            "p:一、总体情况",
            "p:正文。",
            "p:二、主动公开政府信息情况",
            "p:三、收到和处理政府信息公开申请情况",
            "p:总体情况"
        ]
    );
    // Numbered headings, or too few, are left as written.
    assert_eq!(
        blocks(
            "# 一、总体情况\n\n# 主动公开政府信息情况\n\n# 收到和处理政府信息公开申请情况\n\n# 行政复议、行政诉讼情况\n"
        )[1],
        "p:主动公开政府信息情况"
    );
    assert_eq!(blocks("# 总体情况\n\n总体情况\n")[0], "p:总体情况");
}
