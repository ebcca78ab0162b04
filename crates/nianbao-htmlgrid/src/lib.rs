//! HTML tables to core's grids, shared by the formats that meet HTML: web
//! pages (`nianbao-html`) and the `<table>` blocks that PDF converters write
//! into Markdown (`nianbao-markdown`). The page is parsed by html5ever
//! (through scraper) with the source line of every element kept
//! ([`lines`]); a data table becomes a [`GridTable`] with `rowspan`/`colspan`
//! expanded the way the DOCX adapter expands merges, `<br>` and block
//! elements inside a cell being line breaks (「自<br>然<br>人」). A table
//! holding other tables, one column wide, or with cells of running text is a
//! layout table (`None`): its text is flow.

#![forbid(unsafe_code)]

pub mod lines;

use ego_tree::NodeRef;
use ego_tree::iter::Edge;
use nianbao_core::adapter::AdapterError;
use nianbao_core::document::{GridCell, GridTable};
use nianbao_core::model::Origin;
use scraper::Node;
use scraper::node::Element;

pub use lines::{Lines, parse};

/// Grid positions of one table; a report's largest table has ~300.
pub const MAX_TABLE_CELLS: usize = 1_000_000;

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

/// Elements that start and end a paragraph (or a line inside a cell).
pub const BLOCK_TAGS: &[&str] = &[
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
pub fn nesting_depth(text: &str) -> usize {
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

/// HTML whitespace (not U+3000, which is text in Chinese).
pub fn is_space(c: char) -> bool {
    c.is_whitespace() && c != '\u{3000}'
}

pub use nianbao_core::value::is_cjk;

/// Collapses HTML whitespace: a run with a line break next to Chinese text
/// disappears, any other run is one space; &nbsp; is a space; ends trimmed.
pub fn collapse(s: &str) -> String {
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
pub fn cell_text(cell: NodeRef<'_, Node>) -> String {
    let mut lines = Vec::new();
    flow(cell, &mut |_| None, &mut |text, _| lines.push(text));
    lines.join("\n")
}

/// What an HTML fragment holds, in order.
pub enum Piece {
    /// A line of text outside data tables (at `<br>` and block elements), with its source line.
    Text(String, Option<usize>),
    Table(DataTable),
}

/// An HTML fragment (a block of HTML in a Markdown file) as lines of text and
/// data tables; tables are numbered from `first_table`. Source lines are
/// counted from the fragment's first line.
pub fn fragment(text: &str, first_table: usize) -> Result<Vec<Piece>, AdapterError> {
    let (html, lines) = parse(text);
    let mut pieces = Vec::new();
    let mut failed = None;
    let mut tables = 0;
    let out = std::cell::RefCell::new(&mut pieces);
    flow(
        html.tree.root(),
        &mut |node| {
            if failed.is_some() {
                return None;
            }
            match data_table(node, first_table + tables, &lines) {
                Ok(Some(t)) => {
                    tables += 1;
                    out.borrow_mut().push(Piece::Table(t));
                    Some(())
                }
                Ok(None) => None,
                Err(e) => {
                    failed = Some(e);
                    Some(())
                }
            }
        },
        &mut |t, at| {
            let line = at.and_then(|id| lines.get(&id).copied());
            out.borrow_mut().push(Piece::Text(t, line));
        },
    );
    match failed {
        Some(e) => Err(e),
        None => Ok(pieces),
    }
}

/// Walks `root` without recursion: each `<table>` is offered to `table`
/// (which takes it whole by returning `Some`), other text is cut into lines
/// at `<br>` and block elements, each handed to `line` collapsed, with the
/// text node it starts at.
fn flow(
    root: NodeRef<'_, Node>,
    table: &mut dyn FnMut(NodeRef<'_, Node>) -> Option<()>,
    line: &mut dyn FnMut(String, Option<ego_tree::NodeId>),
) {
    let mut raw = String::new();
    let mut start = None;
    let mut flush = |raw: &mut String, start: &mut Option<ego_tree::NodeId>| {
        let text = collapse(raw);
        raw.clear();
        let at = start.take();
        if !text.is_empty() {
            line(text, at);
        }
    };
    let mut skip: Option<ego_tree::NodeId> = None;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) if skip.is_none() => match node.value() {
                Node::Text(t) => {
                    if start.is_none() && t.chars().any(|c| !is_space(c)) {
                        start = Some(node.id());
                    }
                    raw.push_str(t);
                }
                Node::Element(el) if node.id() != root.id() => {
                    let skipped = is_skipped(el);
                    let taken = !skipped && el.name() == "table" && {
                        flush(&mut raw, &mut start);
                        table(node).is_some()
                    };
                    if skipped || taken {
                        skip = Some(node.id());
                    } else if el.name() == "br" || BLOCK_TAGS.contains(&el.name()) {
                        flush(&mut raw, &mut start);
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                if skip == Some(node.id()) {
                    skip = None;
                } else if skip.is_none()
                    && node.id() != root.id()
                    && node
                        .value()
                        .as_element()
                        .is_some_and(|el| BLOCK_TAGS.contains(&el.name()))
                {
                    flush(&mut raw, &mut start);
                }
            }
            _ => {}
        }
    }
    flush(&mut raw, &mut start);
}

/// The element children of a node.
pub fn elements<'a>(
    node: NodeRef<'a, Node>,
) -> impl Iterator<Item = (NodeRef<'a, Node>, &'a Element)> {
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
pub type DataTable = (Option<String>, GridTable, Vec<(Origin, usize)>);

/// A table without nested tables, at least two columns wide and without
/// cells of running text, as a grid (with its caption); `None` for a layout table.
pub fn data_table(
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
                return Err(AdapterError::too_large(format!(
                    "表格过大（超过 {MAX_TABLE_CELLS} 个单元格），拒绝读取"
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
                            ..Default::default()
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

pub fn is_skipped(el: &Element) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn show(html: &str) -> Vec<String> {
        fragment(html, 1)
            .unwrap()
            .into_iter()
            .map(|p| match p {
                Piece::Text(t, line) => format!("{}:{t}", line.unwrap_or(0)),
                Piece::Table((_, g, _)) => format!(
                    "t{}:{}x{}:{}",
                    match g.origin {
                        Origin::Table { table_index, .. } => table_index,
                        _ => 0,
                    },
                    g.rows.len(),
                    g.width(),
                    g.rows[1][1].text
                ),
            })
            .collect()
    }

    #[test]
    fn a_fragment_is_lines_of_text_and_data_tables() {
        assert_eq!(
            show(
                "<div align=center>某局2023年<br>年度报告</div>\n<table><tr><td rowspan=2>a</td><td>b</td></tr>\n\
                 <tr><td>自<br>然<br>人</td></tr></table>\n<p>一、总体情况</p><table><tr><td>一列</td></tr></table>\
                 <table><tr><td>x</td><td>1</td></tr><tr><td>y</td><td>2</td></tr></table>"
            ),
            [
                "1:某局2023年",
                "1:年度报告",
                "t1:2x2:自\n然\n人",
                "4:一、总体情况",
                "4:一列",
                "t2:2x2:2"
            ]
        );
    }

    #[test]
    fn cell_text_breaks_lines_at_br_and_blocks() {
        let (html, _) = parse(
            "<table><tr><td><p>自</p>然<br/>人 <span>x</span><script>s</script></td></tr></table>",
        );
        let td = html
            .tree
            .nodes()
            .find(|n| n.value().as_element().is_some_and(|e| e.name() == "td"))
            .unwrap();
        assert_eq!(cell_text(td), "自\n然\n人 x");
    }

    #[test]
    fn nesting_depth_is_estimated_from_tags() {
        // Markup-looking text in scripts and comments, and optional end tags, do not count.
        let page = format!(
            "<script>{}</script><!-- {} -->{}<ul>{}</ul>",
            "<div>".repeat(5000),
            "<div>".repeat(5000),
            "<p>段落".repeat(5000),
            "<li>项".repeat(5000)
        );
        assert!(nesting_depth(&page) < 5, "{}", nesting_depth(&page));
        assert_eq!(nesting_depth(&"<div>".repeat(50)), 50);
    }
}
