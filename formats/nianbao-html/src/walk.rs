//! The parsed page to core's generic document, in one iterative walk (no
//! recursion: deeply nested markup cannot overflow the stack).

use ego_tree::NodeRef;
use ego_tree::iter::Edge;
use nianbao_core::adapter::AdapterError;
use nianbao_core::address::{Address, Addresses};
use nianbao_core::document::{Block, Document, GridCell, GridTable, TextBlock};
use nianbao_core::model::Origin;
use nianbao_core::recognize::{
    PORTAL_META_KEYS, parse_date, portal_meta, section_heading, title_start,
};
use scraper::Node;
use scraper::node::Element;

use crate::MAX_TABLE_CELLS;
use crate::lines::Lines;

/// Elements whose content is never report text.
const SKIPPED_TAGS: &[&str] = &[
    "head", "title", "script", "style", "noscript", "template", "iframe", "object", "embed", "svg",
    "math", "canvas", "select", "option", "button", "textarea", "input", "nav", "footer", "aside",
    "map", "audio", "video",
];

/// Class or id values of portal chrome (compared whole, case-insensitively).
const CHROME: &[&str] = &[
    "nav",
    "navbar",
    "navigation",
    "menu",
    "mainmenu",
    "topmenu",
    "topnav",
    "subnav",
    "topbar",
    "breadcrumb",
    "breadcrumbs",
    "crumb",
    "crumbs",
    "position",
    "location",
    "footer",
    "foot",
    "copyright",
    "share",
    "sidebar",
    "related",
    "links",
    "friendlink",
    "toolbar",
    "search",
];

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

/// Elements that start and end a paragraph (or a line inside a cell).
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "html",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// html5ever's tree builder is quadratic in the depth of open elements (40 000
/// nested `<div>` take 15 s); real pages nest less than 100 deep.
pub const MAX_DEPTH: usize = 1000;

const VOID_TAGS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "basefont", "bgsound", "frame", "keygen",
];

/// Elements whose end tag may be left out: they cannot nest without a parent
/// that is counted.
const OPTIONAL_END_TAGS: &[&str] = &[
    "p", "li", "dt", "dd", "td", "th", "tr", "tbody", "thead", "tfoot", "option", "optgroup",
    "colgroup", "caption", "rb", "rt", "rp", "rtc", "html", "head", "body",
];

/// Raw-text elements: their content is not markup.
const RAW_TEXT_TAGS: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "noembed", "noframes",
];

/// An upper estimate of the element nesting depth, from the tags alone
/// (linear; unclosed elements count as open).
fn nesting_depth(text: &str) -> usize {
    let b = text.as_bytes();
    let (mut i, mut depth, mut max) = (0, 0usize, 0usize);
    let name_at = |at: usize| -> String {
        b[at..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase() as char)
            .collect()
    };
    while let Some(off) = b[i..].iter().position(|&c| c == b'<') {
        let at = i + off + 1;
        i = at;
        if b[at..].starts_with(b"!--") {
            i = find_from(b, at + 3, b"-->").map_or(b.len(), |e| e + 3);
            continue;
        }
        let closing = b.get(at) == Some(&b'/');
        let name = name_at(if closing { at + 1 } else { at });
        if name.is_empty()
            || VOID_TAGS.contains(&name.as_str())
            || OPTIONAL_END_TAGS.contains(&name.as_str())
        {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
            continue;
        }
        if RAW_TEXT_TAGS.contains(&name.as_str()) {
            let end = format!("</{name}");
            let lower_from = |from: usize| {
                b[from..]
                    .windows(end.len())
                    .position(|w| w.eq_ignore_ascii_case(end.as_bytes()))
                    .map(|p| from + p)
            };
            i = lower_from(at).unwrap_or(b.len());
            continue;
        }
        depth += 1;
        max = max.max(depth);
    }
    max
}

fn find_from(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// A cell holding this much text is a layout container, not a data cell.
const MAX_DATA_CELL_CHARS: usize = 300;

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
        return Err(AdapterError::new(format!(
            "网页的标签嵌套超过 {MAX_DEPTH} 层（约 {depth} 层），不像年报网页，拒绝读取"
        )));
    }
    let (html, lines) = crate::lines::parse(text);
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

fn is_skipped(el: &Element) -> bool {
    if SKIPPED_TAGS.contains(&el.name()) || el.attr("hidden").is_some() {
        return true;
    }
    if el.attr("style").is_some_and(|s| {
        let s: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        s.contains("display:none") || s.contains("visibility:hidden")
    }) {
        return true;
    }
    let chrome = |v: &str| CHROME.iter().any(|c| c.eq_ignore_ascii_case(v));
    el.id().is_some_and(chrome) || el.classes().any(chrome)
}

fn is_boilerplate(text: &str) -> bool {
    text.chars().count() <= 200 && BOILERPLATE.iter().any(|b| text.contains(b))
}

/// HTML whitespace (not U+3000, which is text in Chinese).
fn is_space(c: char) -> bool {
    c.is_whitespace() && c != '\u{3000}'
}

/// Chinese characters and full-width punctuation, between which a source line
/// break is not a space.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{2010}'..='\u{206F}'
        | '\u{3000}'..='\u{303F}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FF00}'..='\u{FFEF}')
}

/// Collapses HTML whitespace: a run with a line break next to Chinese text
/// disappears, any other run is one space; &nbsp; is a space; ends trimmed.
fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending: Option<bool> = None;
    for c in s.chars() {
        let c = if c == '\u{a0}' { ' ' } else { c };
        if is_space(c) {
            pending = Some(pending.unwrap_or(false) || c == '\n' || c == '\r');
            continue;
        }
        if let Some(newline) = pending.take() {
            let prev = out.chars().next_back();
            if let Some(p) = prev {
                if !(newline && (is_cjk(p) || is_cjk(c))) {
                    out.push(' ');
                }
            }
        }
        out.push(c);
    }
    out.trim().to_string()
}

/// A cell's text: `<br>` and block elements are line breaks.
fn cell_text(cell: NodeRef<'_, Node>) -> String {
    let mut raw = String::new();
    let mut skip: Option<ego_tree::NodeId> = None;
    for edge in cell.traverse() {
        match edge {
            Edge::Open(node) if skip.is_none() => match node.value() {
                Node::Text(t) => raw.push_str(t),
                Node::Element(el) if node.id() != cell.id() => {
                    if is_skipped(el) {
                        skip = Some(node.id());
                    } else if el.name() == "br" || BLOCK_TAGS.contains(&el.name()) {
                        raw.push('\n');
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                if skip == Some(node.id()) {
                    skip = None;
                } else if skip.is_none()
                    && node.id() != cell.id()
                    && node
                        .value()
                        .as_element()
                        .is_some_and(|el| BLOCK_TAGS.contains(&el.name()))
                {
                    raw.push('\n');
                }
            }
            _ => {}
        }
    }
    raw.split('\n')
        .map(collapse)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn elements<'a>(node: NodeRef<'a, Node>) -> impl Iterator<Item = (NodeRef<'a, Node>, &'a Element)> {
    node.children()
        .filter_map(|n| n.value().as_element().map(|el| (n, el)))
}

fn span(el: &Element, attr: &str, max: usize) -> usize {
    el.attr(attr)
        .and_then(|v| v.trim().parse::<usize>().ok())
        .map_or(1, |n| n.min(max))
}

/// A data table: its caption, its grid, and the source line of each grid
/// position (the line of the `<td>` that covers it).
type DataTable = (Option<String>, GridTable, Vec<(Origin, usize)>);

/// A table without nested tables, at least two columns wide and without
/// cells of running text, as a grid (with its caption); `None` for a layout table.
fn data_table(
    table: NodeRef<'_, Node>,
    table_index: usize,
    lines: &Lines,
) -> Result<Option<DataTable>, AdapterError> {
    if table
        .descendants()
        .skip(1)
        .any(|n| n.value().as_element().is_some_and(|e| e.name() == "table"))
    {
        return Ok(None);
    }
    let mut caption = None;
    let mut trs = Vec::new();
    for (node, el) in elements(table) {
        match el.name() {
            "tr" => trs.push(node),
            "thead" | "tbody" | "tfoot" => trs.extend(
                elements(node)
                    .filter(|(_, e)| e.name() == "tr")
                    .map(|(n, _)| n),
            ),
            "caption" => caption = Some(cell_text(node).replace('\n', "")),
            _ => {}
        }
    }
    // The HTML table model: each cell goes to the next free column of its row.
    let n_rows = trs.len();
    let mut grid: Vec<Vec<Option<GridCell>>> = vec![Vec::new(); n_rows];
    let mut placed = 0usize;
    let mut cell_lines = Vec::new();
    for (r, tr) in trs.iter().enumerate() {
        let mut col = 0;
        for (node, el) in elements(*tr).filter(|(_, e)| matches!(e.name(), "td" | "th")) {
            let text = cell_text(node);
            if text.chars().count() > MAX_DATA_CELL_CHARS {
                return Ok(None);
            }
            let colspan = span(el, "colspan", 1000).max(1);
            let line = lines.get(&node.id()).copied();
            // rowspan="0" reaches to the end of the table.
            let rowspan = match span(el, "rowspan", 65534) {
                0 => n_rows - r,
                n => n.min(n_rows - r),
            };
            while grid[r].get(col).is_some_and(Option::is_some) {
                col += 1;
            }
            placed += colspan * rowspan;
            if placed > MAX_TABLE_CELLS {
                return Err(AdapterError::new(format!(
                    "网页中的表格过大（超过 {MAX_TABLE_CELLS} 个单元格），拒绝读取"
                )));
            }
            for dr in 0..rowspan {
                let row = &mut grid[r + dr];
                if row.len() < col + colspan {
                    row.resize(col + colspan, None);
                }
                for dc in 0..colspan {
                    let merged_from = (dr, dc) != (0, 0);
                    // A later cell never overwrites an earlier span (overlapping spans).
                    if row[col + dc].is_none() {
                        let origin = Origin::Table {
                            table_index,
                            row: r + dr + 1,
                            column: col + dc + 1,
                        };
                        if let Some(line) = line {
                            cell_lines.push((origin.clone(), line));
                        }
                        row[col + dc] = Some(GridCell {
                            text: text.clone(),
                            merged_from: merged_from.then_some((r, col)),
                            origin,
                        });
                    }
                }
            }
            col += colspan;
        }
    }
    let width = grid.iter().map(Vec::len).max().unwrap_or(0);
    if width < 2 {
        return Ok(None);
    }
    let rows: Vec<Vec<GridCell>> = grid
        .into_iter()
        .enumerate()
        .map(|(r, row)| {
            (0..width)
                .map(|c| {
                    row.get(c).cloned().flatten().unwrap_or_else(|| {
                        GridCell::new(
                            "",
                            Origin::Table {
                                table_index,
                                row: r + 1,
                                column: c + 1,
                            },
                        )
                    })
                })
                .collect()
        })
        .collect();
    Ok(Some((
        caption.filter(|c| !c.is_empty()),
        GridTable {
            rows,
            origin: Origin::Table {
                table_index,
                row: 1,
                column: 1,
            },
        },
        cell_lines,
    )))
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
        // Markup-looking text in scripts and comments, and optional end tags, do not count.
        let page = format!(
            "<script>{}</script><!-- {} -->{}<ul>{}</ul>",
            "<div>".repeat(5000),
            "<div>".repeat(5000),
            "<p>段落".repeat(5000),
            "<li>项".repeat(5000)
        );
        assert!(nesting_depth(&page) < 5, "{}", nesting_depth(&page));
    }
}
