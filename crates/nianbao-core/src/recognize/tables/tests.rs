//! Tests of table recognition on grids as the adapters give them.

use super::*;

fn seed_t3_rows() -> Vec<Vec<&'static str>> {
    let mut rows: Vec<Vec<&str>> = vec![
        vec![
            "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
            "",
            "",
            "申请人情况",
            "申请人情况",
            "申请人情况",
            "申请人情况",
            "申请人情况",
            "申请人情况",
            "申请人情况",
        ],
        vec![
            "",
            "",
            "",
            "自\n然\n人",
            "法人或其他组织",
            "法人或其他组织",
            "法人或其他组织",
            "法人或其他组织",
            "法人或其他组织",
            "总计",
        ],
        vec![
            "",
            "",
            "",
            "自\n然\n人",
            "商业企业",
            "科研机构",
            "社会公益组织",
            "法律服务机构",
            "其他",
            "总计",
        ],
        vec![
            "一、本年新收政府信息公开申请数量",
            "一、本年新收政府信息公开申请数量",
            "一、本年新收政府信息公开申请数量",
            "1",
            "0",
            "0",
            "0",
            "0",
            "0",
            "1",
        ],
        vec![
            "二、上年结转政府信息公开申请数量",
            "二、上年结转政府信息公开申请数量",
            "二、上年结转政府信息公开申请数量",
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
        ],
        vec![
            "三、本年度办理结果",
            "（一）予以公开",
            "（一）予以公开",
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
        ],
        vec![
            "三、本年度办理结果",
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
        ],
    ];
    let leaves = [
        ("（三）不予公开", "1.属于国家秘密"),
        ("（三）不予公开", "2.其他法律行政法规禁止公开"),
        ("（三）不予公开", "3.危及“三安全一稳定”"),
        ("（三）不予公开", "4.保护第三方合法权益"),
        ("（三）不予公开", "5.属于三类内部事务信息"),
        ("（三）不予公开", "6.属于四类过程性信息"),
        ("（三）不予公开", "7.属于行政执法案卷"),
        ("（三）不予公开", "8.属于行政查询事项"),
        ("（四）无法提供", "1.本机关不掌握相关政府信息"),
        ("（四）无法提供", "2.没有现成信息需要另行制作"),
        ("（四）无法提供", "3.补正后申请内容仍不明确"),
        ("（五）不予处理", "1.信访举报投诉类申请"),
        ("（五）不予处理", "2.重复申请"),
        ("（五）不予处理", "3.要求提供公开出版物"),
        ("（五）不予处理", "4.无正当理由大量反复申请"),
        ("（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
        (
            "（六）其他处理",
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ),
        (
            "（六）其他处理",
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ),
        ("（六）其他处理", "3.其他"),
    ];
    for (group, leaf) in leaves {
        let n = if leaf.starts_with("4.保护") {
            "1"
        } else {
            "0"
        };
        rows.push(vec![
            "三、本年度办理结果",
            group,
            leaf,
            n,
            "0",
            "0",
            "0",
            "0",
            "0",
            n,
        ]);
    }
    rows.push(vec![
        "三、本年度办理结果",
        "（七）总计",
        "（七）总计",
        "0",
        "0",
        "0",
        "0",
        "0",
        "0",
        "0",
    ]);
    rows.push(vec![
        "四、结转下年度继续办理",
        "四、结转下年度继续办理",
        "四、结转下年度继续办理",
        "0",
        "0",
        "0",
        "0",
        "0",
        "0",
        "0",
    ]);
    rows
}

#[test]
fn a_subtotal_column_is_noted_as_extra() {
    let mut rows = seed_t3_rows();
    for (i, row) in rows.iter_mut().enumerate() {
        let cell = match i {
            0 => "申请人情况",
            1 => "法人或其他组织",
            2 => "小计",
            _ => "0",
        };
        row.insert(9, cell);
    }
    let mut rec = TableRecognizer::default();
    rec.add(&GridTable::from_rows(2, &rows), None);
    let codes: Vec<(&str, &str)> = rec
        .notes
        .iter()
        .map(|n| (n.code.as_str(), n.message.as_str()))
        .collect();
    assert_eq!(
        codes,
        [("extra-column", "表三有规定格式之外的数据列「小计」")]
    );
    let t3 = &rec.tables[&TableKey::T3];
    assert_eq!(t3.cell("new", "total").unwrap().value, Value::Int(1));
}

#[test]
fn a_row_repeated_ten_thousand_times_gives_bounded_notes() {
    let mut rows = seed_t3_rows();
    let last = rows.last().unwrap().clone();
    rows.extend(std::iter::repeat_n(last, 10_000));
    let mut rec = TableRecognizer::default();
    rec.add(&GridTable::from_rows(2, &rows), None);
    let notes = rec.take_notes();
    let duplicates: Vec<_> = notes.iter().filter(|n| n.code == "duplicate-row").collect();
    assert_eq!(duplicates.len(), MAX_NOTES_PER_KIND + 1);
    // 10,000 repeated rows, one note each, twenty listed.
    let summary = duplicates.last().unwrap();
    assert_eq!(summary.message, "表三另有 9980 处同类情况，未逐条列出");
    assert_eq!(summary.table, Some(TableKey::T3));
    // The first value stands.
    let t3 = &rec.tables[&TableKey::T3];
    assert_eq!(
        t3.cell("carried_forward", "total").unwrap().value,
        Value::Int(0)
    );
}

#[test]
fn seed_table_three_maps_every_row_and_column() {
    let grid = GridTable::from_rows(2, &seed_t3_rows());
    assert_eq!(classify(&grid), Some(TableKey::T3));
    let mut rec = TableRecognizer::default();
    rec.add(&grid, None);
    let t3 = &rec.tables[&TableKey::T3];
    assert_eq!(t3.cells.len(), 25 * 7, "notes: {:?}", rec.notes);
    assert_eq!(
        t3.cell("withheld_third_party", "natural").unwrap().value,
        Value::Int(1)
    );
    assert_eq!(
        t3.cell("other_other", "total").unwrap().value,
        Value::Int(0)
    );
    assert_eq!(t3.cell("new", "total").unwrap().value, Value::Int(1));
    assert_eq!(
        t3.cell("withheld_law", "other").unwrap().origin,
        Origin::Table {
            table_index: 2,
            row: 9,
            column: 9
        }
    );
    assert!(rec.notes.is_empty(), "{:?}", rec.notes);
}

#[test]
fn a_page_break_fragment_continues_table_three() {
    let rows = seed_t3_rows();
    let (head, tail) = rows.split_at(10);
    let mut rec = TableRecognizer::default();
    rec.add(&GridTable::from_rows(2, head), Some(3));
    rec.add(&GridTable::from_rows(3, tail), Some(3));
    assert_eq!(rec.tables[&TableKey::T3].cells.len(), 25 * 7);
}

#[test]
fn seed_table_two_with_its_sub_headers() {
    let rows = vec![
        vec![
            "第二十条第（一）项",
            "第二十条第（一）项",
            "第二十条第（一）项",
            "第二十条第（一）项",
        ],
        vec!["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        vec!["规章", "0", "0", "0"],
        vec!["行政规范性文件", "0", "0", "0"],
        vec![
            "第二十条第（五）项",
            "第二十条第（五）项",
            "第二十条第（五）项",
            "第二十条第（五）项",
        ],
        vec![
            "信息内容",
            "本年处理决定数量",
            "本年处理决定数量",
            "本年处理决定数量",
        ],
        vec!["行政许可", "652", "652", "652"],
        vec![
            "信息内容",
            "本年收费金额（单位：万元）",
            "本年收费金额（单位：万元）",
            "本年收费金额（单位：万元）",
        ],
        vec!["行政事业性收费", "1.25", "", ""],
    ];
    let mut grid = GridTable::from_rows(1, &rows);
    // 「652」 is one cell merged over three grid columns.
    grid.rows[6][2].merged_from = Some((6, 1));
    grid.rows[6][3].merged_from = Some((6, 1));
    let mut rec = TableRecognizer::default();
    rec.add(&grid, None);
    let t2 = &rec.tables[&TableKey::T2];
    assert_eq!(
        t2.cell("licensing", "decisions").unwrap().value,
        Value::Int(652)
    );
    assert_eq!(
        t2.cell("regulation", "in_force").unwrap().value,
        Value::Int(0)
    );
    assert_eq!(
        t2.cell("fee", "amount").unwrap().value,
        Value::Decimal(1.25)
    );
    assert_eq!(t2.cells.len(), 8);
}

#[test]
fn seed_table_four_three_header_rows() {
    let mut rows = vec![
        vec!["行政复议"; 5]
            .into_iter()
            .chain(vec!["行政诉讼"; 10])
            .collect::<Vec<_>>(),
        vec!["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
            .into_iter()
            .chain(vec!["未经复议直接起诉"; 5])
            .chain(vec!["复议后起诉"; 5])
            .collect(),
    ];
    let outcomes = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];
    rows.push(
        ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
            .into_iter()
            .chain(outcomes)
            .chain(outcomes)
            .collect(),
    );
    rows.push(vec![
        "1", "0", "0", "0", "1", "0", "0", "0", "0", "0", "0", "2", "0", "0", "2",
    ]);
    let mut rec = TableRecognizer::default();
    rec.add(&GridTable::from_rows(3, &rows), None);
    let t4 = &rec.tables[&TableKey::T4];
    assert_eq!(t4.cells.len(), 15);
    assert_eq!(t4.cell("review", "upheld").unwrap().value, Value::Int(1));
    assert_eq!(
        t4.cell("post_review_suit", "corrected").unwrap().value,
        Value::Int(2)
    );
    assert_eq!(
        t4.cell("direct_suit", "total").unwrap().value,
        Value::Int(0)
    );
}

/// The template as issued: the data row is there, every cell blank.
#[test]
fn table_four_with_its_data_row_left_blank_is_recognised() {
    let outcomes = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];
    let blocks = ["行政复议", "未经复议直接起诉", "复议后起诉"];
    let grid = GridTable::from_rows(
        5,
        &[
            blocks.iter().flat_map(|b| [*b; 5]).collect::<Vec<_>>(),
            (0..3).flat_map(|_| outcomes).collect(),
            vec![""; 15],
        ],
    );
    let mut rec = TableRecognizer::default();
    rec.add(&grid, None);
    assert!(rec.notes.is_empty(), "{:?}", rec.notes);
    let t4 = &rec.tables[&TableKey::T4];
    assert_eq!(t4.cells.len(), 15);
    assert_eq!(t4.cell("review", "upheld").unwrap().value, Value::Blank);
    // Without a data row it is still no table.
    let mut rec = TableRecognizer::default();
    rec.add(
        &GridTable::from_rows(
            6,
            &grid.rows[..2]
                .iter()
                .map(|r| r.iter().map(|c| c.text.as_str()).collect::<Vec<_>>())
                .collect::<Vec<_>>(),
        ),
        None,
    );
    assert!(!rec.tables.contains_key(&TableKey::T4));
}

/// LibreOffice Calc's HTML import fits table 四 to the page's widest
/// table: each of its cells spans two grid columns.
#[test]
fn table_four_numbers_merged_across_columns_count_once() {
    let outcomes = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];
    let blocks = ["行政复议", "未经复议直接起诉", "复议后起诉"];
    let mut grid = GridTable::from_rows(
        4,
        &[
            blocks.iter().flat_map(|b| [*b; 10]).collect::<Vec<_>>(),
            (0..3)
                .flat_map(|_| outcomes.iter().flat_map(|o| [*o; 2]))
                .collect(),
            (0..15)
                .flat_map(|i| [if i == 11 { "2" } else { "0" }; 2])
                .collect(),
        ],
    );
    for row in 1..3 {
        for c in (1..30).step_by(2) {
            grid.rows[row][c].merged_from = Some((row, c - 1));
        }
    }
    let mut rec = TableRecognizer::default();
    rec.add(&grid, None);
    assert!(rec.notes.is_empty(), "{:?}", rec.notes);
    let t4 = &rec.tables[&TableKey::T4];
    assert_eq!(t4.cells.len(), 15);
    assert_eq!(
        t4.cell("post_review_suit", "corrected").unwrap().value,
        Value::Int(2)
    );
}

#[test]
fn numbering_is_stripped_for_label_comparison() {
    assert_eq!(strip_numbering("(七)总计"), "总计");
    assert_eq!(strip_numbering("1.属于国家秘密"), "属于国家秘密");
    assert_eq!(strip_numbering("一.本年新收"), "本年新收");
    assert_eq!(strip_numbering("总计"), "总计");
}

#[test]
fn a_label_cut_short_by_wrapping_is_not_an_altered_label() {
    let mut rows = seed_t3_rows();
    rows[23][2] = "1.申请人无正当理由逾期不补正、行政机关不再处理其政";
    rows[24][2] = "要求缴纳费用、行政机关不再处理其政府信息公开申请";
    let mut rec = TableRecognizer::default();
    rec.add(&GridTable::from_rows(1, &rows), None);
    assert!(rec.notes.is_empty(), "{:?}", rec.notes);
    assert_eq!(rec.tables[&TableKey::T3].cells.len(), 25 * 7);
}

#[test]
fn altered_labels_are_noted() {
    let mut rows = seed_t3_rows();
    rows[6][2] = "（二）部分公开（区分处理的，只计这一情况，不计其他情形）";
    let mut rec = TableRecognizer::default();
    rec.add(&GridTable::from_rows(1, &rows), None);
    assert_eq!(rec.notes.len(), 1);
    assert_eq!(rec.notes[0].code, "label-variant");
}

#[test]
fn an_altered_table_two_label_is_noted_at_its_row() {
    let rows = vec![
        vec![
            "第二十条第（一）项",
            "第二十条第（一）项",
            "第二十条第（一）项",
            "第二十条第（一）项",
        ],
        vec!["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        vec!["规章", "0", "0", "0"],
        vec!["规范性文件", "3", "1", "12"],
    ];
    let mut rec = TableRecognizer::default();
    rec.add(&GridTable::from_rows(0, &rows), None);
    let t2 = rec.tables[&TableKey::T2].clone();
    assert_eq!(
        t2.cell("normative", "in_force").unwrap().value,
        Value::Int(12)
    );
    let notes = notes_of(&mut rec);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0].0, "label-variant");
    assert_eq!(notes[0].1.as_deref(), Some("normative"));
}

fn notes_of(rec: &mut TableRecognizer) -> Vec<(String, Option<String>, String)> {
    rec.take_notes()
        .into_iter()
        .map(|n| (n.code, n.row, n.message))
        .collect()
}

/// A real table 三: 「2.其他法律行政止公开」 (a typo) and the 2019 single row
/// 「（六）其他处理」 instead of its three sub-rows.
#[test]
fn a_typo_and_the_unsplit_block_six_each_keep_their_own_row() {
    let mut rows = seed_t3_rows();
    rows[8][2] = "2.其他法律行政止公开";
    rows[8][3] = "2";
    rows[8][9] = "2";
    // Rows 23–25 are (六)1–3: one row (六) takes their place, holding 3.
    rows.drain(23..26);
    rows.insert(
        23,
        vec![
            "三、本年度办理结果",
            "（六）其他处理",
            "（六）其他处理",
            "3",
            "0",
            "0",
            "0",
            "0",
            "0",
            "3",
        ],
    );
    let mut rec = TableRecognizer::default();
    rec.add(&GridTable::from_rows(2, &rows), None);
    let t3 = rec.tables[&TableKey::T3].clone();
    assert_eq!(
        t3.cell("withheld_law", "natural").unwrap().value,
        Value::Int(2)
    );
    assert_eq!(
        t3.cell("other_other", "total").unwrap().value,
        Value::Int(3)
    );
    assert!(!t3.has_row("other_no_correction"));
    let notes = notes_of(&mut rec);
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert_eq!(notes[0].0, "label-variant");
    assert_eq!(notes[0].1.as_deref(), Some("withheld_law"));
    assert!(
        notes[0].2.contains("2.其他法律行政法规禁止公开"),
        "{}",
        notes[0].2
    );
    assert_eq!(notes[1].0, "old-format");
    assert_eq!(notes[1].1.as_deref(), Some("other_other"));
    // The label note points at the label cell of its row.
    let rec_notes = {
        let mut rec = TableRecognizer::default();
        rec.add(&GridTable::from_rows(2, &rows), None);
        rec.take_notes()
    };
    assert_eq!(
        rec_notes[0].origin,
        Origin::Table {
            table_index: 2,
            row: 9,
            column: 3
        }
    );
}

#[test]
fn header_labels_split_over_two_rows_are_joined() {
    let mut rows = seed_t3_rows();
    rows[2] = vec![
        "",
        "",
        "",
        "自\n然\n人",
        "商业",
        "科研",
        "社会公益",
        "法律服务",
        "其他",
        "总计",
    ];
    rows.insert(
        3,
        vec![
            "",
            "",
            "",
            "自\n然\n人",
            "企业",
            "机构",
            "组织",
            "机构",
            "其他",
            "总计",
        ],
    );
    let mut rec = TableRecognizer::default();
    rec.add(&GridTable::from_rows(2, &rows), None);
    assert!(rec.notes.is_empty(), "{:?}", rec.notes);
    let t3 = &rec.tables[&TableKey::T3];
    assert_eq!(t3.cells.len(), 25 * 7);
    assert_eq!(
        t3.cell("withheld_third_party", "natural").unwrap().value,
        Value::Int(1)
    );
}

#[test]
fn rows_out_of_order_or_repeated_are_noted_once_per_row() {
    let mut rows = seed_t3_rows();
    let total = rows[26].clone();
    rows.push(total);
    let mut rec = TableRecognizer::default();
    rec.add(&GridTable::from_rows(2, &rows), None);
    let notes = notes_of(&mut rec);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0].0, "duplicate-row");
    assert_eq!(notes[0].1.as_deref(), Some("result_total"));
}

#[test]
fn a_2019_table_two_is_noted_and_not_read_into_2021_keys() {
    let rows = vec![
        vec!["第二十条第（一）项", "", "", ""],
        vec![
            "信息内容",
            "本年新制作数量",
            "本年新公开数量",
            "对外公开总数量",
        ],
        vec!["规章", "0", "0", "3"],
        vec!["规范性文件", "2", "2", "10"],
    ];
    let mut rec = TableRecognizer::default();
    rec.add(&GridTable::from_rows(1, &rows), Some(2));
    assert!(!rec.tables.contains_key(&TableKey::T2));
    assert!(rec.old_format_tables().contains(&TableKey::T2));
    let notes = notes_of(&mut rec);
    assert!(notes.iter().all(|n| n.0 == "old-format"), "{notes:?}");
}

#[test]
fn missing_rows_of_table_three_are_named_in_one_note() {
    let mut rows = seed_t3_rows();
    rows.remove(8); // 2.其他法律行政法规禁止公开
    rows.remove(8); // 3.危及“三安全一稳定”
    let mut rec = TableRecognizer::default();
    rec.add(&GridTable::from_rows(2, &rows), None);
    rec.note_missing_rows();
    let notes = notes_of(&mut rec);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0].0, "missing-row");
    assert!(
        notes[0]
            .2
            .contains("「（三）2.其他法律行政法规禁止公开」「（三）3.危及“三安全一稳定”」")
    );
    // The 2019 single （六） row holds its block: nothing is missing.
    let mut rows = seed_t3_rows();
    rows.drain(23..26);
    rows.insert(
        23,
        vec![
            "三、本年度办理结果",
            "（六）其他处理",
            "（六）其他处理",
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
        ],
    );
    let mut rec = TableRecognizer::default();
    rec.add(&GridTable::from_rows(2, &rows), None);
    rec.note_missing_rows();
    assert!(notes_of(&mut rec).iter().all(|n| n.0 != "missing-row"));
}

#[test]
fn a_fragment_with_another_width_after_a_page_break_is_read_from_the_right() {
    let rows = seed_t3_rows();
    let (head, tail) = rows.split_at(10);
    // The continuation lost one label column (another layout on the new page).
    let tail: Vec<Vec<&str>> = tail.iter().map(|r| r[1..].to_vec()).collect();
    let mut rec = TableRecognizer::default();
    rec.add(&GridTable::from_rows(2, head), Some(3));
    rec.add(&GridTable::from_rows(3, &tail), Some(3));
    let t3 = &rec.tables[&TableKey::T3];
    assert_eq!(t3.cells.len(), 25 * 7, "{:?}", rec.notes);
    assert_eq!(t3.cell("new", "total").unwrap().value, Value::Int(1));
    assert_eq!(
        t3.cell("carried_forward", "natural").unwrap().value,
        Value::Int(0)
    );
}
