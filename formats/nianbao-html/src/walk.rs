//! The parsed page to core's generic document, in one iterative walk (no
//! recursion: deeply nested markup cannot overflow the stack).

use ego_tree::NodeRef;
use ego_tree::iter::Edge;
use nianbao_core::adapter::AdapterError;
use nianbao_core::address::{Address, Addresses};
use nianbao_core::document::{Block, Document, GridTable, TextBlock};
use nianbao_core::model::Origin;
use nianbao_core::recognize::{
    PORTAL_META_KEYS, parse_date, portal_meta, section_heading, title_start,
};
use nianbao_htmlgrid::{
    BLOCK_TAGS, Lines, MAX_DEPTH, cell_text, collapse, data_table, elements, is_skipped, is_space,
    nesting_depth,
};
use scraper::Node;

/// Portal boilerplate lines: navigation trails, article info, print links, footers.
const BOILERPLATE: &[&str] = &[
    "当前位置",
    "您现在的位置",
    "您的位置",
    "发布时间：",
    "发布日期：",
    "发布机构：",
    "浏览次数",
    "访问次数",
    "字号：",
    "【打印",
    "打印本页",
    "关闭窗口",
    "分享到",
    "网站标识码",
    "ICP备",
    "公网安备",
    "主办单位：",
    "承办单位：",
    "版权所有",
    "技术支持：",
    "扫一扫",
];

/// A paragraph (with its source line) or a table (with its cells' lines).
enum Item {
    Paragraph(String, Option<usize>),
    Table(GridTable, Vec<(Origin, usize)>),
}

#[derive(Default)]
struct Walker {
    items: Vec<Item>,
    buf: String,
    /// The source line where the buffered text starts.
    line: Option<usize>,
    chars: usize,
    link_chars: usize,
    links: usize,
    tables: usize,
}

impl Walker {
    fn text(&mut self, t: &str, line: Option<usize>) {
        if self.line.is_none() {
            // The line of the first character that is not space.
            if let Some(at) = t.find(|c| !is_space(c)) {
                self.line = line.map(|l| l + t[..at].matches('\n').count());
            }
        }
        self.buf.push_str(t);
        let n = t.chars().filter(|c| !is_space(*c)).count();
        self.chars += n;
        if self.links > 0 {
            self.link_chars += n;
        }
    }

    fn flush(&mut self) {
        let text = collapse(&self.buf);
        let only_links = self.chars > 0 && self.link_chars == self.chars;
        let line = self.line.take();
        self.buf.clear();
        self.chars = 0;
        self.link_chars = 0;
        // A portal's metadata line (「发布日期：…」) goes to recognition, which
        // reads the publication date and keeps the block out of the report.
        let meta = portal_meta(&text).is_some();
        if text.is_empty() || only_links || (!meta && is_boilerplate(&text)) {
            return;
        }
        self.items.push(Item::Paragraph(text, line));
    }
}

pub fn document(text: &str) -> Result<Document, AdapterError> {
    let depth = nesting_depth(text);
    if depth > MAX_DEPTH {
        return Err(AdapterError::too_large(format!(
            "网页的标签嵌套超过 {MAX_DEPTH} 层（约 {depth} 层），不像年报网页，拒绝读取"
        )));
    }
    let (html, lines) = nianbao_htmlgrid::parse(text);
    let mut w = Walker::default();
    let mut skip: Option<ego_tree::NodeId> = None;
    for edge in html.tree.root().traverse() {
        match edge {
            Edge::Open(node) => {
                if skip.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(t) => w.text(t, lines.get(&node.id()).copied()),
                    Node::Element(el) => {
                        let name = el.name();
                        if is_skipped(el) {
                            skip = Some(node.id());
                            continue;
                        }
                        if name == "table" {
                            if let Some(rows) = meta_table(node, &lines) {
                                w.flush();
                                for (text, line) in rows {
                                    w.items.push(Item::Paragraph(text, line));
                                }
                                skip = Some(node.id());
                                continue;
                            }
                            if let Some((caption, grid, cell_lines)) =
                                data_table(node, w.tables + 1, &lines)?
                            {
                                w.flush();
                                if let Some(c) = caption {
                                    let line = lines.get(&node.id()).copied();
                                    w.items.push(Item::Paragraph(c, line));
                                }
                                w.tables += 1;
                                w.items.push(Item::Table(grid, cell_lines));
                                skip = Some(node.id());
                                continue;
                            }
                        }
                        if name == "a" {
                            w.links += 1;
                        }
                        if name == "br" || BLOCK_TAGS.contains(&name) {
                            w.flush();
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if skip == Some(node.id()) {
                    skip = None;
                    continue;
                }
                if skip.is_some() {
                    continue;
                }
                if let Node::Element(el) = node.value() {
                    if el.name() == "a" {
                        w.links = w.links.saturating_sub(1);
                    }
                    if BLOCK_TAGS.contains(&el.name()) {
                        w.flush();
                    }
                }
            }
        }
    }
    w.flush();
    Ok(finish(trim(w.items)))
}

fn is_boilerplate(text: &str) -> bool {
    text.chars().count() <= 200 && BOILERPLATE.iter().any(|b| text.contains(b))
}

/// A portal's metadata block set as a table (「索引号：」 | 「…」 | 「发布机构：」 |
/// 「…」): each row as one line of `key：value` pairs, when every row is that.
fn meta_table(table: NodeRef<'_, Node>, lines: &Lines) -> Option<Vec<(String, Option<usize>)>> {
    let mut out = Vec::new();
    for (tr, _) in table
        .descendants()
        .filter_map(|n| n.value().as_element().map(|e| (n, e)))
        .filter(|(_, e)| e.name() == "tr")
    {
        let mut line = String::new();
        for (td, _) in elements(tr).filter(|(_, e)| matches!(e.name(), "td" | "th")) {
            let text = cell_text(td).replace('\n', "");
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            let bare = text.trim_end_matches([':', '：', ' ', '\u{3000}']);
            if !line.is_empty() && !line.ends_with('：') {
                line.push(' ');
            }
            if PORTAL_META_KEYS.contains(&bare) {
                line.push_str(bare);
                line.push('：');
            } else {
                line.push_str(text);
            }
        }
        if line.is_empty() {
            continue;
        }
        portal_meta(&line)?;
        out.push((line, lines.get(&tr.id()).copied()));
    }
    (!out.is_empty()).then_some(out)
}

/// The report's title line, not a sentence.
fn is_title(text: &str) -> bool {
    (text.contains("年度报告") || (text.contains("年报") && text.contains("政府信息公开")))
        && text.chars().count() <= 80
        && !text.ends_with('。')
}

/// Site text around the report: paragraphs before its title line (the last
/// one before the first section heading and table) and after the
/// 落款 date (the first date line after the last section heading).
fn trim(mut items: Vec<Item>) -> Vec<Item> {
    let is_para = |i: &Item, f: &dyn Fn(&str) -> bool| matches!(i, Item::Paragraph(t, _) if f(t));
    let body_start = items
        .iter()
        .position(|i| matches!(i, Item::Table(..)) || is_para(i, &|t| section_heading(t).is_some()))
        .unwrap_or(items.len());
    // The last title line before the body: site chrome above the article can
    // hold 「政府信息公开年度报告」 as a column heading, the article title is last.
    if let Some(title) = items[..body_start]
        .iter()
        .rposition(|i| is_para(i, &is_title))
    {
        // A title set over several lines: the agency or year on the line above.
        let above: Vec<&str> = items[..=title]
            .iter()
            .map(|i| match i {
                Item::Paragraph(t, _) => t.trim(),
                Item::Table(..) => "",
            })
            .collect();
        let title = title_start(&above, title, title);
        let mut k = 0;
        items.retain(|i| {
            k += 1;
            k > title || matches!(i, Item::Table(..)) || is_para(i, &|t| portal_meta(t).is_some())
        });
    }
    let last_heading = items
        .iter()
        .rposition(|i| is_para(i, &|t| section_heading(t).is_some()));
    if let Some(h) = last_heading {
        if let Some(date) = items[h..]
            .iter()
            .position(|i| is_para(i, &|t| parse_date(t).is_some()))
        {
            let mut k = 0;
            items.retain(|i| {
                k += 1;
                k <= h + date + 1 || matches!(i, Item::Table(..))
            });
        }
    }
    items
}

fn finish(items: Vec<Item>) -> Document {
    let mut index = 0;
    let mut addresses = Addresses::default();
    let mut at = |origin: &Origin, line: usize| {
        addresses.insert(
            origin.clone(),
            Address {
                line: Some(line),
                ..Address::default()
            },
        )
    };
    let blocks = items
        .into_iter()
        .map(|i| match i {
            Item::Paragraph(text, line) => {
                index += 1;
                let origin = Origin::Paragraph { index };
                if let Some(line) = line {
                    at(&origin, line);
                }
                Block::Paragraph(TextBlock { text, origin })
            }
            Item::Table(t, lines) => {
                for (origin, line) in &lines {
                    at(origin, *line);
                }
                Block::Table(t)
            }
        })
        .collect();
    Document { blocks, addresses }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(html: &str) -> Vec<String> {
        document(html)
            .unwrap()
            .blocks
            .iter()
            .map(|b| match b {
                Block::Paragraph(p) => format!("p:{}", p.text),
                Block::Table(t) => format!("t:{}x{}", t.rows.len(), t.width()),
            })
            .collect()
    }

    fn table(html: &str) -> GridTable {
        document(html)
            .unwrap()
            .blocks
            .into_iter()
            .find_map(|b| match b {
                Block::Table(t) => Some(t),
                _ => None,
            })
            .unwrap()
    }

    #[test]
    fn paragraphs_and_cells_know_their_source_line() {
        let doc = document(
            "<html><body>\n<p>一、总体情况</p>\n<p>\n　　本机关\n全年</p>\n<table>\n<tr><td>规章</td>\n<td rowspan=2>3</td></tr><tr><td>x</td></tr>\n</table></body></html>",
        )
        .unwrap();
        let line = |o: Origin| doc.addresses.get(&o).and_then(|a| a.line);
        assert_eq!(line(Origin::Paragraph { index: 1 }), Some(2));
        // The first character that is not space (U+3000 is text here).
        assert_eq!(line(Origin::Paragraph { index: 2 }), Some(4));
        let cell = |row, column| Origin::Table {
            table_index: 1,
            row,
            column,
        };
        assert_eq!(line(cell(1, 1)), Some(7));
        assert_eq!(line(cell(1, 2)), Some(8));
        // A row-spanning cell: its copies have the line of its <td>.
        assert_eq!(line(cell(2, 2)), Some(8));
    }

    #[test]
    fn rowspan_colspan_are_expanded_like_docx_merges() {
        let t = table(
            "<table><tr><td rowspan=2 colspan=2>A</td><td>申请人情况</td></tr>\
             <tr><td>自<br>然<br/>人</td></tr>\
             <tr><td>x</td><td colspan=2>&nbsp;1&nbsp;</td></tr></table>",
        );
        let text = |r: usize, c: usize| t.rows[r][c].text.as_str();
        assert_eq!((t.rows.len(), t.width()), (3, 3));
        assert_eq!(text(1, 1), "A");
        assert_eq!(t.rows[1][1].merged_from, Some((0, 0)));
        assert_eq!(t.rows[0][0].merged_from, None);
        assert_eq!(text(1, 2), "自\n然\n人");
        assert_eq!(text(2, 1), "1");
        assert_eq!(t.rows[2][2].merged_from, Some((2, 1)));
        assert_eq!(
            t.rows[2][2].origin,
            Origin::Table {
                table_index: 1,
                row: 3,
                column: 3
            }
        );
    }

    #[test]
    fn huge_and_zero_spans_are_bounded() {
        let t = table(
            "<table><tr><td rowspan=0>a</td><td rowspan=99999>b</td></tr><tr><td>c</td></tr></table>",
        );
        assert_eq!((t.rows.len(), t.width()), (2, 3));
        let mut rows = String::new();
        for _ in 0..1100 {
            rows.push_str("<tr><td colspan=1000>x</td></tr>");
        }
        let err = document(&format!("<table>{rows}</table>")).unwrap_err();
        assert!(err.message.contains("过大"), "{err}");
    }

    #[test]
    fn paragraphs_breaks_and_whitespace() {
        assert_eq!(
            blocks(
                "<div><p>　　一、总体情况</p><p>当前,在优营商环境\n  的关键时期, Word\nfile&nbsp;&nbsp;x</p>\
                 <p style=\"text-align:right\">洮南市林业和草原局<br>2024年1月3日</p><p>&nbsp;</p></div>"
            ),
            [
                "p:一、总体情况",
                "p:当前,在优营商环境的关键时期, Word file x",
                "p:洮南市林业和草原局",
                "p:2024年1月3日"
            ]
        );
    }

    #[test]
    fn layout_tables_are_page_flow() {
        let long = "政务公开工作取得实效。".repeat(40);
        assert_eq!(
            blocks(&format!(
                "<table><tr><td><p>一、总体情况</p><p>{long}</p>\
                 <table><tr><td>规章</td><td>0</td></tr></table></td></tr></table>\
                 <table><tr><td>只有一列</td></tr></table>"
            )),
            [
                "p:一、总体情况",
                &format!("p:{long}"),
                "t:1x2",
                "p:只有一列"
            ]
        );
        // A two-column layout (menu | article) is flow too: its cells are running text.
        assert_eq!(
            blocks(&format!(
                "<table><tr><td><a href=/>首页</a></td><td><p>{long}</p></td></tr></table>"
            )),
            [format!("p:{long}")]
        );
    }

    #[test]
    fn portal_chrome_is_left_out() {
        let page = "<html><head><title>某局2023年政府信息公开工作年度报告</title>\
            <script>document.write('一、总体情况')</script><style>p{}</style></head><body>\
            <div class=\"nav\"><ul><li><a>首页</a></li></ul></div>\
            <ul><li><a href=/>政府信息公开工作年度报告</a></li></ul>\
            <div>当前位置：<a>首页</a> &gt; <a>年报</a></div>\
            <div class=left><h3>政府信息公开年度报告</h3></div>\
            <h1>某局2023年政府信息公开工作年度报告</h1>\
            <div class=info>发布时间：2024-01-05 浏览次数：3</div>\
            <p>一、总体情况</p><p>正文。</p><div style=\"display: none\">隐藏</div><p hidden>也隐藏</p>\
            <p>六、其他需要报告的事项</p><p>无。</p><p>某局</p><p>2024年1月3日</p>\
            <div class=\"share\">分享到：微信</div><div>【<a>打印本页</a>】</div>\
            <div class=\"related\"><a>某局2022年政府信息公开工作年度报告</a></div>\
            <p>地址：某市某路1号，电话：1234567。</p>\
            <footer><p>网站标识码：1234</p></footer></body></html>";
        assert_eq!(
            blocks(page),
            [
                "p:某局2023年政府信息公开工作年度报告",
                "p:一、总体情况",
                "p:正文。",
                "p:六、其他需要报告的事项",
                "p:无。",
                "p:某局",
                "p:2024年1月3日"
            ]
        );
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing_and_moderate_nesting_is_walked() {
        let deep = format!(
            "{}一、总体情况{}",
            "<div>".repeat(100_000),
            "</div>".repeat(100_000)
        );
        let err = document(&deep).unwrap_err();
        assert!(err.message.contains("嵌套"), "{err}");
        let unclosed = "<b>x".repeat(5000);
        assert!(document(&unclosed).is_err());
        let ok = format!(
            "{}一、总体情况{}",
            "<div><span>".repeat(400),
            "</span></div>".repeat(400)
        );
        assert_eq!(blocks(&ok), ["p:一、总体情况"]);
    }
}
