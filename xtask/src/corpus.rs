//! The benchmark corpus: realistic DOCX reports, generated deterministically
//! (a fixed seed; the same files on every machine), in two shapes of XML
//! around the same text ([`Markup`]): the lighter one of version 4 and the
//! one WPS Office writes (version 5, issue 21), whose tables carry most of
//! a 250 KB `document.xml`.
//!
//! What makes them realistic: every part WPS writes (styles, numbering,
//! settings, theme, font table, docProps with the KSO build), verbose run
//! properties on every run, runs split at script changes (and, in the light
//! shape, at random edit points, with bookmarks and proofing marks between
//! runs), table cells with full `w:tcPr`, the national tables with their
//! real merged header cells (`w:gridSpan`, `w:vMerge`), the vertical
//! 「自然人」 header, automatic numbering for the headings in some files,
//! agencies and numbers that vary, and a few percent of files with a real
//! defect.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use anyhow::Result;

pub use crate::rng::Rng;
use zip::write::SimpleFileOptions;

pub use crate::markup::{LIGHT, Markup, WPS};

/// Bumped whenever the generated files change, so a cached corpus is redone.
pub const VERSION: u32 = 5;

/// Provinces, a prefecture-level city (设区的市) of each, and county-level
/// places under that city, as in the national division table, so that every
/// agency's name places it (ORG-NAME) at the level its tables assume.
const PLACES: &[(&str, &str, &[&str])] = &[
    (
        "吉林省",
        "白城市",
        &["洮南市", "镇赉县", "通榆县", "大安市"],
    ),
    (
        "吉林省",
        "松原市",
        &["长岭县", "乾安县", "前郭尔罗斯蒙古族自治县"],
    ),
    ("吉林省", "通化市", &["辉南县", "柳河县", "集安市"]),
    ("河北省", "保定市", &["清苑区", "涿州市"]),
    ("山西省", "大同市", &["阳高县"]),
    ("辽宁省", "鞍山市", &["海城市"]),
    ("江苏省", "徐州市", &["丰县"]),
    ("浙江省", "绍兴市", &["新昌县"]),
    ("安徽省", "芜湖市", &["繁昌区"]),
    ("福建省", "泉州市", &["惠安县"]),
    ("江西省", "赣州市", &["瑞金市"]),
    ("山东省", "潍坊市", &["寿光市"]),
    ("河南省", "洛阳市", &["新安县"]),
    ("湖北省", "宜昌市", &["秭归县"]),
    ("湖南省", "岳阳市", &["华容县"]),
    ("广东省", "佛山市", &["顺德区"]),
    ("四川省", "绵阳市", &["江油市"]),
    ("贵州省", "遵义市", &["仁怀市"]),
    ("云南省", "曲靖市", &["宣威市"]),
    ("陕西省", "宝鸡市", &["凤翔区"]),
    ("甘肃省", "天水市", &["秦安县"]),
];
const DEPARTMENTS: &[&str] = &[
    "人民政府",
    "林业和草原局",
    "教育局",
    "公安局",
    "民政局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化广播电视和旅游局",
    "卫生健康委员会",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "政务服务和数字化建设管理局",
];

const HEADINGS: [&str; 6] = [
    "总体情况",
    "主动公开政府信息情况",
    "收到和处理政府信息公开申请情况",
    "政府信息公开行政复议、行政诉讼情况",
    "存在的主要问题及改进情况",
    "其他需要报告的事项",
];

const NUMERALS: [&str; 6] = ["一", "二", "三", "四", "五", "六"];

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A run of text split as WPS splits it: at every change between digits and
/// other text, and (in the light shape) at a few random edit points,
/// sometimes with a bookmark or a proofing mark between the pieces.
fn runs(out: &mut String, rng: &mut Rng, m: &Markup, text: &str, cell: bool) {
    let mut pieces: Vec<(bool, String)> = Vec::new();
    for ch in text.chars() {
        let digit = ch.is_ascii_digit() || ch == '.';
        match pieces.last_mut() {
            Some((d, s)) if *d == digit && !(m.edit_points && rng.chance(3)) => s.push(ch),
            _ => pieces.push((digit, ch.to_string())),
        }
    }
    for (digit, piece) in pieces {
        if m.edit_points && rng.chance(4) {
            out.push_str(r#"<w:proofErr w:type="spellStart"/>"#);
        }
        if m.edit_points && rng.chance(2) {
            let id = rng.below(1000);
            let _ = write!(
                out,
                r#"<w:bookmarkStart w:id="{id}" w:name="_Toc{id}"/><w:bookmarkEnd w:id="{id}"/>"#
            );
        }
        out.push_str("<w:r>");
        out.push_str(match (cell, digit) {
            (true, _) => m.rpr_cell,
            (false, true) => m.rpr_digit,
            (false, false) => m.rpr_cjk,
        });
        let space = if piece.starts_with(' ') || piece.ends_with(' ') {
            r#" xml:space="preserve""#
        } else {
            ""
        };
        let _ = write!(out, "<w:t{space}>{}</w:t></w:r>", esc(&piece));
    }
}

/// A paragraph's start tag, with the ids WPS gives every paragraph.
fn paragraph_start(out: &mut String, rng: &mut Rng, m: &Markup) {
    if m.para_ids {
        let id = rng.below(0x8000_0000);
        let _ = write!(out, r#"<w:p w14:paraId="{id:08X}">"#);
    } else {
        out.push_str("<w:p>");
    }
}

fn paragraph(out: &mut String, rng: &mut Rng, m: &Markup, text: &str, numbered: Option<u32>) {
    paragraph_start(out, rng, m);
    out.push_str(m.ppr_body);
    if let Some(ilvl) = numbered {
        let _ = write!(
            out,
            r#"<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="1"/></w:numPr>"#
        );
    }
    out.push_str(m.rpr_cjk);
    out.push_str("</w:pPr>");
    runs(out, rng, m, text, false);
    out.push_str("</w:p>");
}

/// A table cell: `span` grid columns, `vmerge` None / restart / continue.
#[derive(Clone)]
struct Tc {
    text: String,
    span: usize,
    vmerge: Option<bool>,
    vertical: bool,
}

fn tc(text: impl Into<String>) -> Tc {
    Tc {
        text: text.into(),
        span: 1,
        vmerge: None,
        vertical: false,
    }
}

fn span(text: impl Into<String>, span: usize) -> Tc {
    Tc { span, ..tc(text) }
}

fn restart(mut c: Tc) -> Tc {
    c.vmerge = Some(true);
    c
}

fn cont(span: usize) -> Tc {
    Tc {
        span,
        vmerge: Some(false),
        ..tc("")
    }
}

fn table(out: &mut String, rng: &mut Rng, m: &Markup, widths: &[u32], rows: &[Vec<Tc>]) {
    out.push_str(r#"<w:tbl><w:tblPr><w:tblStyle w:val="4"/><w:tblW w:w="0" w:type="auto"/><w:jc w:val="center"/><w:tblInd w:w="0" w:type="dxa"/><w:tblBorders><w:top w:val="none" w:color="auto" w:sz="0" w:space="0"/><w:left w:val="none" w:color="auto" w:sz="0" w:space="0"/><w:bottom w:val="none" w:color="auto" w:sz="0" w:space="0"/><w:right w:val="none" w:color="auto" w:sz="0" w:space="0"/><w:insideH w:val="none" w:color="auto" w:sz="0" w:space="0"/><w:insideV w:val="none" w:color="auto" w:sz="0" w:space="0"/></w:tblBorders><w:tblLayout w:type="autofit"/><w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>"#);
    for w in widths {
        let _ = write!(out, r#"<w:gridCol w:w="{w}"/>"#);
    }
    out.push_str("</w:tblGrid>");
    for row in rows {
        out.push_str(m.row_start);
        let mut col = 0;
        for c in row {
            let w: u32 = widths[col..(col + c.span).min(widths.len())].iter().sum();
            col += c.span;
            let _ = write!(out, r#"<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/>"#);
            if c.span > 1 {
                let _ = write!(out, r#"<w:gridSpan w:val="{}"/>"#, c.span);
            }
            match c.vmerge {
                Some(true) => out.push_str(r#"<w:vMerge w:val="restart"/>"#),
                Some(false) => out.push_str("<w:vMerge w:val=\"continue\"/>"),
                None => {}
            }
            out.push_str(m.tc_borders);
            if c.vertical {
                out.push_str(r#"<w:textDirection w:val="tbRlV"/>"#);
            }
            out.push_str("</w:tcPr>");
            let lines: Vec<&str> = c.text.split('\n').collect();
            for line in lines {
                paragraph_start(out, rng, m);
                out.push_str(m.ppr_cell);
                if m.cell_mark_rpr {
                    out.push_str(m.rpr_cell);
                }
                out.push_str("</w:pPr>");
                if !line.is_empty() {
                    runs(out, rng, m, line, true);
                }
                out.push_str("</w:p>");
            }
            out.push_str("</w:tc>");
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
}

/// The numbers of one report, consistent unless a defect is planted.
struct Numbers {
    t2: [[u64; 3]; 2],
    t2_single: [u64; 3],
    fee: String,
    /// t3[row][column], 28 rows of the table's data (new, carried_over, 21
    /// results, result_total, carried_forward), 7 columns (6 + total).
    t3: Vec<[String; 7]>,
    t4: [String; 15],
    /// The true totals of table 三 by data row (before a planted defect).
    t3_totals: [u64; 25],
    natural_new: u64,
    /// True totals of table 四: reviews, suits (direct and after review).
    reviews: u64,
    suits: u64,
}

const T3_RESULTS: [(&str, &str); 21] = [
    ("", "（一）予以公开"),
    (
        "",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    ),
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

/// The kinds of planted defects; `None` for a clean report.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Defect {
    ResultTotal,
    RowTotal,
    Blank,
    Text,
    Review,
}

/// The numbers of a report; only a districted city's government makes 规章.
fn numbers(rng: &mut Rng, defect: Option<Defect>, makes_regulations: bool) -> Numbers {
    let scale = *rng.pick(&[3u64, 10, 30, 120]);
    let regulations = if makes_regulations {
        let issued = rng.below(3);
        [issued, rng.below(2), issued + rng.below(30)]
    } else {
        [0, 0, 0]
    };
    let issued = rng.below(8);
    let t2 = [regulations, [issued, rng.below(4), issued + rng.below(40)]];
    let t2_single = [
        rng.below(scale * 20),
        rng.below(scale * 5),
        rng.below(scale),
    ];
    let fee = if rng.chance(80) {
        "0".to_string()
    } else {
        format!("{}.{}", rng.below(50), rng.below(100))
    };
    // Columns: natural, commercial, research, public_interest, legal_service, other.
    let mut cols = [[0u64; 25]; 6];
    for (c, col) in cols.iter_mut().enumerate() {
        let weight = if c == 0 { scale } else { scale / 6 + 1 };
        let new = rng.below(weight + 1);
        let carried = if rng.chance(30) { rng.below(3) } else { 0 };
        let mut left = new + carried;
        col[0] = new;
        col[1] = carried;
        let forward = if left > 0 && rng.chance(25) {
            rng.below(left.min(3) + 1)
        } else {
            0
        };
        left -= forward;
        while left > 0 {
            let r = if rng.chance(60) {
                0
            } else {
                rng.below(21) as usize
            };
            let k = rng.below(left) + 1;
            col[2 + r] += k;
            left -= k;
        }
        col[23] = col[2..23].iter().sum();
        col[24] = forward;
    }
    let mut t3: Vec<[String; 7]> = (0..25)
        .map(|r| {
            let mut row: [String; 7] = Default::default();
            let mut total = 0;
            for c in 0..6 {
                row[c] = cols[c][r].to_string();
                total += cols[c][r];
            }
            row[6] = total.to_string();
            row
        })
        .collect();
    let t3_totals: [u64; 25] = std::array::from_fn(|r| cols.iter().map(|c| c[r]).sum());
    let natural_new = cols[0][0];
    let mut t4 = [(); 15].map(|_| String::from("0"));
    // Most agencies have no review or suit in a year.
    let disputed = rng.chance(35);
    let mut block_totals = [0u64; 3];
    for (block, block_total) in block_totals.iter_mut().enumerate() {
        let parts = if disputed {
            [
                rng.below(3),
                rng.below(2),
                rng.below(2),
                rng.below(2) * u64::from(rng.chance(30)),
            ]
        } else {
            [0; 4]
        };
        *block_total = parts.iter().sum();
        for (i, p) in parts.iter().enumerate() {
            t4[block * 5 + i] = p.to_string();
        }
        t4[block * 5 + 4] = parts.iter().sum::<u64>().to_string();
    }
    match defect {
        Some(Defect::ResultTotal) => {
            let c = rng.below(6) as usize;
            let n: u64 = t3[23][c].parse().unwrap_or(0);
            t3[23][c] = (n + 1).to_string();
        }
        Some(Defect::RowTotal) => {
            let r = rng.below(25) as usize;
            let n: u64 = t3[r][6].parse().unwrap_or(0);
            t3[r][6] = (n + 2).to_string();
        }
        Some(Defect::Blank) => {
            let (r, c) = (rng.below(25) as usize, rng.below(7) as usize);
            t3[r][c] = if rng.chance(50) {
                String::new()
            } else {
                "无".into()
            };
        }
        Some(Defect::Text) => {
            let (r, c) = (rng.below(25) as usize, rng.below(6) as usize);
            t3[r][c] = "若干".into();
        }
        Some(Defect::Review) => {
            let n: u64 = t4[4].parse().unwrap_or(0);
            t4[4] = (n + 1).to_string();
        }
        None => {}
    }
    Numbers {
        t2,
        t2_single,
        fee,
        t3,
        t4,
        t3_totals,
        natural_new,
        reviews: block_totals[0],
        suits: block_totals[1] + block_totals[2],
    }
}

fn table2(out: &mut String, rng: &mut Rng, m: &Markup, n: &Numbers) {
    let s = |v: u64| v.to_string();
    let rows = vec![
        vec![span("第二十条第（一）项", 4)],
        vec![
            tc("信息内容"),
            tc("本年制发件数"),
            tc("本年废止件数"),
            tc("现行有效件数"),
        ],
        vec![
            tc("规章"),
            tc(s(n.t2[0][0])),
            tc(s(n.t2[0][1])),
            tc(s(n.t2[0][2])),
        ],
        vec![
            tc("行政规范性文件"),
            tc(s(n.t2[1][0])),
            tc(s(n.t2[1][1])),
            tc(s(n.t2[1][2])),
        ],
        vec![span("第二十条第（五）项", 4)],
        vec![tc("信息内容"), span("本年处理决定数量", 3)],
        vec![tc("行政许可"), span(s(n.t2_single[0]), 3)],
        vec![span("第二十条第（六）项", 4)],
        vec![tc("信息内容"), span("本年处理决定数量", 3)],
        vec![tc("行政处罚"), span(s(n.t2_single[1]), 3)],
        vec![tc("行政强制"), span(s(n.t2_single[2]), 3)],
        vec![span("第二十条第（八）项", 4)],
        vec![tc("信息内容"), span("本年收费金额（单位：万元）", 3)],
        vec![tc("行政事业性收费"), span(n.fee.clone(), 3)],
    ];
    table(out, rng, m, &[2400, 2200, 2200, 2200], &rows);
}

fn table3(out: &mut String, rng: &mut Rng, m: &Markup, n: &Numbers) {
    let vertical = rng.chance(50);
    let natural = if vertical {
        Tc {
            vertical: true,
            ..tc("自然人")
        }
    } else {
        tc("自\n然\n人")
    };
    let data = |r: usize| n.t3[r].iter().map(|v| tc(v.clone())).collect::<Vec<_>>();
    let mut rows = vec![
        vec![
            restart(span(
                "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
                3,
            )),
            span("申请人情况", 7),
        ],
        vec![
            cont(3),
            restart(natural),
            span("法人或其他组织", 5),
            restart(tc("总计")),
        ],
        vec![
            cont(3),
            cont(1),
            tc("商业企业"),
            tc("科研机构"),
            tc("社会公益组织"),
            tc("法律服务机构"),
            tc("其他"),
            cont(1),
        ],
        [vec![span("一、本年新收政府信息公开申请数量", 3)], data(0)].concat(),
        [vec![span("二、上年结转政府信息公开申请数量", 3)], data(1)].concat(),
    ];
    let mut group = "";
    for (i, (g, label)) in T3_RESULTS.iter().enumerate() {
        let first = if i == 0 {
            restart(tc("三、本年度办理结果"))
        } else {
            cont(1)
        };
        let mut row = vec![first];
        if g.is_empty() {
            row.push(span(*label, 2));
        } else {
            row.push(if *g != group {
                restart(tc(*g))
            } else {
                cont(1)
            });
            row.push(tc(*label));
        }
        group = g;
        row.extend(data(2 + i));
        rows.push(row);
    }
    rows.push([vec![cont(1), span("（七）总计", 2)], data(23)].concat());
    rows.push([vec![span("四、结转下年度继续办理", 3)], data(24)].concat());
    table(
        out,
        rng,
        m,
        &[600, 900, 2100, 700, 700, 700, 700, 700, 700, 700],
        &rows,
    );
}

fn table4(out: &mut String, rng: &mut Rng, m: &Markup, n: &Numbers) {
    let heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];
    let mut row1: Vec<Tc> = heads.iter().map(|h| restart(tc(*h))).collect();
    row1.push(span("未经复议直接起诉", 5));
    row1.push(span("复议后起诉", 5));
    let mut row2: Vec<Tc> = (0..5).map(|_| cont(1)).collect();
    for _ in 0..2 {
        row2.extend(heads.iter().map(|h| tc(*h)));
    }
    let rows = vec![
        vec![span("行政复议", 5), span("行政诉讼", 10)],
        row1,
        row2,
        n.t4.iter().map(|v| tc(v.clone())).collect(),
    ];
    table(out, rng, m, &[600; 15], &rows);
}

/// One generated report's document part and what the bench reports of it.
pub struct Doc {
    pub xml: String,
    pub agency: String,
    /// Chinese characters in the paragraphs of sections 一–六 (headings and
    /// body text, not tables, title, introduction or 落款).
    pub prose_han: usize,
}

/// One report's `word/document.xml`.
fn document(rng: &mut Rng, m: &Markup, defect: Option<Defect>) -> Doc {
    let (province, city, counties) = *rng.pick(PLACES);
    let dept = *rng.pick(DEPARTMENTS);
    let county = if rng.chance(60) {
        Some(*rng.pick(counties))
    } else {
        None
    };
    let place = county.unwrap_or(city);
    let agency = format!("{place}{dept}");
    let government = dept == "人民政府";
    let year = 2021 + rng.below(4);
    let auto_numbered = rng.chance(30);
    let n = numbers(rng, defect, government && county.is_none());
    let facts = crate::prose::Facts {
        agency: &agency,
        place,
        province,
        year,
        government,
        new: n.t3_totals[0],
        carried_over: n.t3_totals[1],
        natural_new: n.natural_new,
        result_total: n.t3_totals[23],
        disclosed: n.t3_totals[2],
        partial: n.t3_totals[3],
        carried_forward: n.t3_totals[24],
        no_fee: n.t3_totals[2 + 19],
        reviews: n.reviews,
        suits: n.suits,
        normative: n.t2[1],
    };
    let [one, five, six] = crate::prose::sections(rng, &facts);
    let mut out = String::with_capacity(512 * 1024);
    out.push_str(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:wpc="http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:wp14="http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:w10="urn:schemas-microsoft-com:office:word" xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" xmlns:wpg="http://schemas.microsoft.com/office/word/2010/wordprocessingGroup" xmlns:wpi="http://schemas.microsoft.com/office/word/2010/wordprocessingInk" xmlns:wne="http://schemas.microsoft.com/office/word/2006/wordml" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:wpsCustomData="http://www.wps.cn/officeDocument/2013/wpsCustomData" mc:Ignorable="w14 w15 wp14"><w:body>"#);
    paragraph(
        &mut out,
        rng,
        m,
        &format!("{agency}{year}年政府信息公开工作年度报告"),
        None,
    );
    let (area, phone) = (430 + rng.below(500), 2_000_000 + rng.below(7_000_000));
    paragraph(
        &mut out,
        rng,
        m,
        &format!(
            "本报告根据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）的要求，由{agency}编制。全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议及行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项六个部分。报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止，数据来源于本机关政府信息公开工作台账和相关业务系统的统计。本报告电子版可在「{place}人民政府」门户网站查阅或下载。如对本报告有疑问，请与{agency}办公室联系（联系电话：0{area}-{phone}）。"
        ),
        None,
    );
    let mut prose_han = 0;
    let mut body = [one, Vec::new(), Vec::new(), Vec::new(), five, six].into_iter();
    for (i, heading) in HEADINGS.iter().enumerate() {
        prose_han += crate::prose::han_chars(heading);
        if auto_numbered {
            paragraph(&mut out, rng, m, heading, Some(0));
        } else {
            paragraph(
                &mut out,
                rng,
                m,
                &format!("{}、{heading}", NUMERALS[i]),
                None,
            );
        }
        match i {
            1 => table2(&mut out, rng, m, &n),
            2 => table3(&mut out, rng, m, &n),
            3 => table4(&mut out, rng, m, &n),
            _ => {}
        }
        for p in body.next().unwrap_or_default() {
            prose_han += crate::prose::han_chars(&p.text);
            // Automatic numbering renders 「（一）」 from numbering.xml.
            match p.text.strip_prefix('（').and_then(|t| t.split_once('）')) {
                Some((_, rest)) if auto_numbered && p.sub => {
                    paragraph(&mut out, rng, m, rest, Some(1));
                }
                _ => paragraph(&mut out, rng, m, &p.text, None),
            }
        }
    }
    paragraph(&mut out, rng, m, &agency, None);
    let signed = format!("{}年1月{}日", year + 1, 5 + rng.below(20));
    paragraph(&mut out, rng, m, &signed, None);
    out.push_str(r#"<w:sectPr><w:footerReference r:id="rId3" w:type="default"/><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587" w:header="851" w:footer="992" w:gutter="0"/><w:cols w:space="0" w:num="1"/><w:docGrid w:type="lines" w:linePitch="579" w:charSpace="0"/></w:sectPr></w:body></w:document>"#);
    Doc {
        xml: out,
        agency,
        prose_han,
    }
}

const NUMBERING: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:abstractNum w:abstractNumId="0"><w:nsid w:val="5A1F3C2B"/><w:multiLevelType w:val="multilevel"/><w:tmpl w:val="5A1F3C2B"/><w:lvl w:ilvl="0" w:tentative="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="nothing"/><w:lvlText w:val="%1、"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:firstLine="640"/></w:pPr><w:rPr><w:rFonts w:hint="default" w:ascii="黑体" w:eastAsia="黑体"/></w:rPr></w:lvl><w:lvl w:ilvl="1" w:tentative="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="nothing"/><w:lvlText w:val="（%2）"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:firstLine="640"/></w:pPr><w:rPr><w:rFonts w:hint="default" w:ascii="楷体_GB2312" w:eastAsia="楷体_GB2312"/></w:rPr></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#;

/// A styles.xml of the size WPS writes (latent styles and all).
fn styles() -> String {
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="w14"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:asciiTheme="minorHAnsi" w:hAnsiTheme="minorHAnsi" w:eastAsiaTheme="minorEastAsia" w:cstheme="minorBidi"/><w:kern w:val="2"/><w:sz w:val="21"/><w:szCs w:val="24"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault/></w:docDefaults><w:latentStyles w:count="260" w:defQFormat="0" w:defUnhideWhenUsed="1" w:defSemiHidden="1" w:defUIPriority="99" w:defLockedState="0">"#,
    );
    for i in 0..260 {
        let _ = write!(
            s,
            r#"<w:lsdException w:name="Latent Style {i}" w:uiPriority="{}" w:semiHidden="0"/>"#,
            i % 100
        );
    }
    s.push_str(r#"</w:latentStyles><w:style w:type="paragraph" w:default="1" w:styleId="1"><w:name w:val="Normal"/><w:qFormat/><w:uiPriority w:val="0"/><w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr><w:rPr><w:rFonts w:asciiTheme="minorHAnsi" w:hAnsiTheme="minorHAnsi" w:eastAsiaTheme="minorEastAsia" w:cstheme="minorBidi"/><w:kern w:val="2"/><w:sz w:val="21"/><w:szCs w:val="24"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:style><w:style w:type="character" w:default="1" w:styleId="3"><w:name w:val="Default Paragraph Font"/><w:semiHidden/><w:uiPriority w:val="0"/></w:style><w:style w:type="table" w:default="1" w:styleId="2"><w:name w:val="Normal Table"/><w:semiHidden/><w:uiPriority w:val="0"/><w:tblPr><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style><w:style w:type="table" w:styleId="4"><w:name w:val="Table Grid"/><w:basedOn w:val="2"/><w:uiPriority w:val="0"/><w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr><w:tblPr><w:tblBorders><w:top w:val="single" w:color="auto" w:sz="4" w:space="0"/></w:tblBorders></w:tblPr></w:style></w:styles>"#);
    s
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/><Override PartName="/word/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/><Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>"#;

const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/></Relationships>"#;

const DOC_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme" Target="theme/theme1.xml"/><Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/><Relationship Id="rId6" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/></Relationships>"#;

fn theme() -> String {
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="WPS"><a:themeElements><a:clrScheme name="WPS">"#,
    );
    for (i, c) in [
        "000000", "FFFFFF", "44546A", "E7E6E6", "4472C4", "ED7D31", "A5A5A5", "FFC000", "5B9BD5",
        "70AD47", "0563C1", "954F72",
    ]
    .iter()
    .enumerate()
    {
        let _ = write!(s, r#"<a:c{i}><a:srgbClr val="{c}"/></a:c{i}>"#);
    }
    s.push_str(r#"</a:clrScheme><a:fontScheme name="WPS"><a:majorFont><a:latin typeface="Calibri Light"/><a:ea typeface=""/><a:cs typeface=""/><a:font script="Hans" typeface="宋体"/><a:font script="Hant" typeface="新細明體"/></a:majorFont><a:minorFont><a:latin typeface="Calibri"/><a:ea typeface=""/><a:cs typeface=""/><a:font script="Hans" typeface="宋体"/></a:minorFont></a:fontScheme><a:fmtScheme name="WPS"><a:fillStyleLst>"#);
    for i in 0..12 {
        let _ = write!(
            s,
            r#"<a:gradFill><a:gsLst><a:gs pos="{}"><a:schemeClr val="phClr"><a:lumOff val="17500"/></a:schemeClr></a:gs></a:gsLst><a:lin ang="{}" scaled="0"/></a:gradFill>"#,
            i * 1000,
            i * 540000
        );
    }
    s.push_str("</a:fillStyleLst></a:fmtScheme></a:themeElements></a:theme>");
    s
}

fn font_table() -> String {
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
    );
    for f in [
        "Times New Roman",
        "宋体",
        "Wingdings",
        "Arial",
        "黑体",
        "Courier New",
        "Symbol",
        "Calibri",
        "仿宋_GB2312",
        "楷体_GB2312",
        "方正小标宋简体",
        "微软雅黑",
        "Cambria Math",
        "等线",
    ] {
        let _ = write!(
            s,
            r#"<w:font w:name="{f}"><w:panose1 w:val="02010600030101010101"/><w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="default"/><w:sig w:usb0="00000003" w:usb1="288F0000" w:usb2="00000006" w:usb3="00000000" w:csb0="00040001" w:csb1="00000000"/></w:font>"#
        );
    }
    s.push_str("</w:fonts>");
    s
}

const SETTINGS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:zoom w:percent="100"/><w:bordersDoNotSurroundHeader w:val="1"/><w:bordersDoNotSurroundFooter w:val="1"/><w:documentProtection w:enforcement="0"/><w:defaultTabStop w:val="420"/><w:drawingGridVerticalSpacing w:val="156"/><w:displayHorizontalDrawingGridEvery w:val="1"/><w:displayVerticalDrawingGridEvery w:val="1"/><w:characterSpacingControl w:val="compressPunctuation"/><w:compat><w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/><w:doNotLeaveBackslashAlone/><w:ulTrailSpace/><w:doNotExpandShiftReturn/><w:adjustLineHeightInTable/><w:useFELayout/><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="14"/></w:compat><w:rsids><w:rsidRoot w:val="00000000"/></w:rsids><w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/><w:clrSchemeMapping w:bg1="light1" w:t1="dark1" w:bg2="light2" w:t2="dark2" w:accent1="accent1" w:accent2="accent2" w:accent3="accent3" w:accent4="accent4" w:accent5="accent5" w:accent6="accent6" w:hyperlink="hyperlink" w:followedHyperlink="followedHyperlink"/></w:settings>"#;

const FOOTER: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE  \* MERGEFORMAT </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:ftr>"#;

/// One generated DOCX file.
pub struct Generated {
    pub bytes: Vec<u8>,
    pub defect: Option<Defect>,
    /// Chinese characters of prose in sections 一–六.
    pub prose_han: usize,
}

/// One DOCX file's bytes, its planted defect and the size of its prose.
pub fn report(index: u64, m: &Markup) -> Result<Generated> {
    let mut rng = Rng::new(0x6E69_616E_6261_6F00 ^ index.wrapping_mul(0x2545_F491_4F6C_DD1D));
    let defect = if rng.chance(4) {
        Some(*rng.pick(&[
            Defect::ResultTotal,
            Defect::RowTotal,
            Defect::Blank,
            Defect::Text,
            Defect::Review,
        ]))
    } else {
        None
    };
    let Doc {
        xml: document,
        agency,
        prose_han,
    } = document(&mut rng, m, defect);
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::with_capacity(32 * 1024)));
    let opt = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let core = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>{agency}</dc:creator><cp:lastModifiedBy>Administrator</cp:lastModifiedBy><dcterms:created xsi:type="dcterms:W3CDTF">2024-01-0{}T08:00:00Z</dcterms:created></cp:coreProperties>"#,
        1 + index % 9
    );
    let parts: [(&str, &str); 12] = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        (
            "docProps/app.xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Template>Normal.dotm</Template><Pages>6</Pages><Application>WPS Office_12.1.0.16120_F1E327BC-269C-435d-A152-05C5408002CA</Application></Properties>"#,
        ),
        ("docProps/core.xml", &core),
        (
            "docProps/custom.xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="KSOProductBuildVer"><vt:lpwstr>2052-12.1.0.16120</vt:lpwstr></property></Properties>"#,
        ),
        ("word/_rels/document.xml.rels", DOC_RELS),
        ("word/document.xml", &document),
        ("word/styles.xml", &styles()),
        ("word/numbering.xml", NUMBERING),
        ("word/settings.xml", SETTINGS),
        ("word/fontTable.xml", &font_table()),
        ("word/theme/theme1.xml", &theme()),
    ];
    for (name, content) in parts {
        w.start_file(name, opt)?;
        w.write_all(content.as_bytes())?;
    }
    w.start_file("word/footer1.xml", opt)?;
    w.write_all(FOOTER.as_bytes())?;
    Ok(Generated {
        bytes: w.finish()?.into_inner(),
        defect,
        prose_han,
    })
}

/// The file in the corpus folder listing each report's defect and prose size.
pub const MANIFEST: &str = "manifest.tsv";

/// Writes `count` reports into `dir` (cached: skipped when the stamp says
/// the same version and count are there).
pub fn generate(dir: &Path, count: u64, m: &Markup) -> Result<bool> {
    let stamp = dir.join(".stamp");
    let want = format!("version {VERSION} shape {} files {count}\n", m.name);
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(want.as_str()) {
        return Ok(false);
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    let mut defects = 0;
    // One line per file: its path in `dir`, the planted defect or 「-」, and
    // its prose size.
    let mut manifest = String::new();
    for i in 0..count {
        let g = report(i, m)?;
        defects += u64::from(g.defect.is_some());
        // Folders of 100, as reports are filed by region.
        let sub = dir.join(format!("{:02}", i / 100));
        std::fs::create_dir_all(&sub)?;
        let path = sub.join(format!("report_{i:05}.docx"));
        std::fs::write(&path, g.bytes)?;
        let defect = g.defect.map_or("-".to_string(), |d| format!("{d:?}"));
        let _ = writeln!(
            manifest,
            "{:02}/report_{i:05}.docx\t{defect}\t{}",
            i / 100,
            g.prose_han
        );
    }
    std::fs::write(dir.join(MANIFEST), manifest)?;
    std::fs::write(&stamp, want)?;
    eprintln!(
        "generated {count} {}-shaped reports in {} ({defects} with a planted defect)",
        m.name,
        dir.display()
    );
    Ok(true)
}

/// How a generated `document.xml` is made up, to hold a shape to the sizes
/// seen in real files.
#[derive(Debug, Default, Clone, Copy)]
pub struct Sizes {
    pub document_bytes: usize,
    /// Bytes from `<w:tbl>` to `</w:tbl>`, all tables.
    pub table_bytes: usize,
    /// Characters inside `w:t`.
    pub text_chars: usize,
}

pub fn sizes(xml: &str) -> Sizes {
    let mut s = Sizes {
        document_bytes: xml.len(),
        ..Sizes::default()
    };
    let mut rest = xml;
    while let Some(start) = rest.find("<w:tbl>") {
        let end = rest[start..]
            .find("</w:tbl>")
            .map_or(rest.len(), |e| start + e + "</w:tbl>".len());
        s.table_bytes += end - start;
        rest = &rest[end..];
    }
    let mut rest = xml;
    while let Some(at) = rest.find("<w:t") {
        rest = &rest[at + 4..];
        if let Some(after) = rest.strip_prefix('>').or_else(|| {
            rest.strip_prefix(' ')
                .and_then(|r| r.find('>').map(|g| &r[g + 1..]))
        }) {
            let end = after.find('<').unwrap_or(after.len());
            s.text_chars += after[..end].chars().count();
            rest = &after[end..];
        }
    }
    s
}

/// Mean sizes of the first `n` reports of a shape.
pub fn mean_sizes(n: u64, m: &Markup) -> Sizes {
    let mut sum = Sizes::default();
    for i in 0..n {
        let mut rng = Rng::new(0x6E69_616E_6261_6F00 ^ i.wrapping_mul(0x2545_F491_4F6C_DD1D));
        let s = sizes(&document(&mut rng, m, None).xml);
        sum.document_bytes += s.document_bytes;
        sum.table_bytes += s.table_bytes;
        sum.text_chars += s.text_chars;
    }
    let n = n.max(1) as usize;
    Sizes {
        document_bytes: sum.document_bytes / n,
        table_bytes: sum.table_bytes / n,
        text_chars: sum.text_chars / n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The WPS shape has the element mix issue 21 describes on every cell,
    /// row, paragraph and run, and its tables carry most of the bytes. (The
    /// issue's 250 KB for ~320 cells cannot hold that mix, ≥ 900 bytes a
    /// cell; the mix is what a reader pays for, so it is kept, with the same
    /// text as the light shape.)
    #[test]
    fn the_wps_shape_is_as_wps_writes() {
        let light = mean_sizes(10, &LIGHT);
        let wps = mean_sizes(10, &WPS);
        assert_eq!(light.text_chars, wps.text_chars, "the same text");
        assert!((300_000..480_000).contains(&wps.document_bytes), "{wps:?}");
        assert!(wps.table_bytes * 100 / wps.document_bytes >= 75, "{wps:?}");
        assert!(wps.document_bytes / wps.text_chars >= 60, "{wps:?}");
        let mut rng = Rng::new(7);
        let xml = document(&mut rng, &WPS, None).xml;
        let count = |s: &str| xml.matches(s).count();
        assert!(count("<w:tc>") > 300, "about 320 cells");
        for (each, has) in [
            ("<w:tc>", "<w:tcBorders>"),
            ("<w:tc>", "<w:tcMar>"),
            ("<w:tc>", "<w:vAlign "),
            ("<w:tr>", "<w:tblPrEx>"),
            ("<w:tr>", "<w:trPr>"),
            ("<w:p ", "<w:pPr>"),
            ("<w:p ", "<w:suppressLineNumbers "),
            ("<w:r>", "<w:r><w:rPr><w:rFonts w:hint="),
        ] {
            assert_eq!(count(each), count(has), "{each} {has}");
        }
        assert_eq!(count("<w:p "), count("w14:paraId="));
    }
}
