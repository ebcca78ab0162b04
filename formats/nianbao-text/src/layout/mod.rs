//! `pdftotext -layout` style text: each printed line is a line of text, so a
//! table row is one line (its label, then its numbers separated by spaces) and
//! long labels wrap onto the lines above and below the numbers.
//!
//! Tables 二, 三 and 四 are rebuilt from what is known of them: inside the
//! sections 二, 三 and 四, every line ending in numbers is a row; it is matched
//! to the official rows in their order by the row keywords of the schema, found
//! in its own label or in the label fragments around it, read column by column
//! (a wrapped 「三、本年度办理结果」 on the left does not garble 「另行制作」 on the
//! right). A row with the official number of numbers becomes a grid row with
//! the official label; a row with another count is not guessed at but noted
//! (`cell-count`), as is a line of numbers that matches no row (`unknown-row`).
//!
//! Outside the tables, lines are joined into paragraphs: a blank line, a
//! section heading, an indented line or a line shorter than the text width
//! ends one; the spaces pdftotext puts around digits between Chinese
//! characters (「2023 年度」) are removed.
//!
//! Text without columns (`pdftotext` without `-layout`, or copied out of a PDF
//! viewer) is read the same way with three differences ([`is_flow`]): a line
//! continues on the next unless it ends a sentence or is short, or the next
//! is a heading (一、 （一） 1.); page numbers and running headers or footers
//! between pages are dropped without ending the paragraph; and a table cell
//! printed as a line of its own is put back on its label's line (「规章」 /
//! 「0」 / 「0」 / 「0」). A table whose rows then do not all fall into place (the
//! cells of tables 三 and 四 come out column by column, in an order that cannot
//! be undone) is not read: one `table-unreadable` note says so. Tables 三 and
//! 四 are never read from such text (their cells under vertical headers come
//! out in an order that can look right and be wrong); table 二 only when every
//! row has its label followed by exactly its cells.

use nianbao_core::document::{Block, Document, GridCell, GridTable, TextBlock};
use nianbao_core::model::{Origin, RecognitionNote};
use nianbao_core::recognize::section_heading;
use nianbao_core::recognize::tables::{
    OLD_FORMAT_MARKS, is_unsplit_other_block, label_coverage, label_similarity,
};
use nianbao_core::schema::{T4, TableKey, TableSchema};
use nianbao_core::value::is_cjk;
use nianbao_core::value::normalize_label;

/// Words a section heading 二/三/四 has; a line of table 三 such as
/// 「四、结转下年度继续办理」 whose numbers wrapped is not the heading of 四.
fn heading_fits(n: u8, text: &str) -> bool {
    match n {
        2 => text.contains("主动公开"),
        3 => text.contains("申请"),
        4 => text.contains("复议") || text.contains("诉讼"),
        _ => true,
    }
}

/// Header words that start a table before its first row of numbers.
fn header_words(n: u8) -> &'static [&'static str] {
    match n {
        2 => &["第二十条", "信息内容", "本年制发件数", "处理决定数量"],
        3 => &["申请人情况", "本列数据", "自然人"],
        _ => &["行政复议", "行政诉讼", "结果维持"],
    }
}

struct Line {
    /// 1-based line number in the file.
    no: usize,
    text: String,
    /// Whitespace-separated pieces with their column (in characters).
    segs: Vec<(usize, String)>,
    /// How many trailing pieces are numbers.
    numbers: usize,
}

impl Line {
    fn new(no: usize, raw: &str) -> Line {
        let text = raw.replace('\u{c}', "").trim_end().to_string();
        let mut segs = Vec::new();
        let mut start: Option<(usize, usize)> = None;
        for (col, (byte, c)) in text.char_indices().enumerate() {
            match (c.is_whitespace(), start) {
                (true, Some((col0, b0))) => {
                    segs.push((col0, text[b0..byte].to_string()));
                    start = None;
                }
                (false, None) => start = Some((col, byte)),
                _ => {}
            }
        }
        if let Some((col0, b0)) = start {
            segs.push((col0, text[b0..].to_string()));
        }
        let numbers = segs.iter().rev().take_while(|(_, s)| is_number(s)).count();
        Line {
            no,
            text,
            segs,
            numbers,
        }
    }

    fn is_blank(&self) -> bool {
        self.segs.is_empty()
    }

    fn is_numbers(&self) -> bool {
        self.numbers > 0
    }

    fn label_segs(&self) -> &[(usize, String)] {
        &self.segs[..self.segs.len() - self.numbers]
    }

    fn number_segs(&self) -> &[(usize, String)] {
        &self.segs[self.segs.len() - self.numbers..]
    }

    fn heading(&self) -> Option<u8> {
        if self.is_numbers() {
            return None;
        }
        section_heading(&self.text)
    }

    fn indent(&self) -> usize {
        self.segs.first().map_or(0, |s| s.0)
    }
}

/// A count as printed in a table cell: digits (also full-width, with
/// separators or a fraction) or a dash standing for none.
fn is_number(s: &str) -> bool {
    let digits = s.trim_start_matches(['-', '+', '－']);
    let mut chars = digits.chars();
    let first_digit = chars
        .next()
        .is_some_and(|c| c.is_ascii_digit() || ('０'..='９').contains(&c));
    (first_digit
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c) || ",.，．%".contains(c)))
        || matches!(s, "—" | "——" | "－" | "-" | "/" | "／" | "无")
}

/// A page number line (「- 3 -」, 「第 3 页」, 「3/12」).
fn is_page_number(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let core = t.trim_matches(['-', '—', '－']);
    let core = core
        .strip_prefix('第')
        .and_then(|c| c.split('页').next())
        .unwrap_or(core);
    let core = core.split(['/', '共']).next().unwrap_or(core);
    !core.is_empty() && t != core && core.chars().all(|c| c.is_ascii_digit())
}

/// Whether the text has no columns: wrapped lines of a PDF without the
/// spacing of `pdftotext -layout` (where rows are lines with runs of spaces).
pub fn is_flow(text: &str) -> bool {
    let spaced = text
        .lines()
        .filter(|l| {
            let t = l.trim();
            t.contains("   ") || l.starts_with("    ")
        })
        .count();
    let lines = text.lines().filter(|l| !l.trim().is_empty()).count();
    spaced * 20 < lines.max(1)
}

/// The title (「…年度报告」 on a line of its own before 一) does not run on.
fn is_title_line(t: &str) -> bool {
    t.contains("年度报告") && t.chars().count() <= 60 && !t.contains(['，', '。', '；'])
}

/// Ends a sentence (or a clause that ends a line of its own in lists).
fn ends_sentence(t: &str) -> bool {
    t.ends_with(['。', '！', '？', '!', '?', '：', ':', '；', ';', '…'])
}

/// A line that starts a paragraph of its own: 一、 （一） 1. ① and the like.
fn starts_item(t: &str) -> bool {
    let t = t.trim_start();
    if section_heading(t).is_some() {
        return true;
    }
    let mut chars = t.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let second = chars.next();
    let numeral = |c: char| "一二三四五六七八九十".contains(c);
    match first {
        // 「（一）」「(2)」, not 「（2.01%）」.
        '（' | '(' => {
            let inner: String = t
                .chars()
                .skip(1)
                .take_while(|&c| numeral(c) || c.is_ascii_digit())
                .collect();
            !inner.is_empty() && t[first.len_utf8() + inner.len()..].starts_with(['）', ')'])
        }
        '①'..='⑳' => true,
        c if numeral(c) => matches!(second, Some('、')),
        c if c.is_ascii_digit() => {
            let rest = t.trim_start_matches(|c: char| c.is_ascii_digit());
            rest.starts_with(['.', '．', '、'])
                && rest
                    .chars()
                    .nth(1)
                    .is_some_and(|c| !c.is_ascii_digit() && !c.is_whitespace())
        }
        _ => false,
    }
}

/// Reads layout text; the notes say which rows could not be placed.
pub fn parse(text: &str) -> (Document, Vec<RecognitionNote>) {
    parse_as(text, is_flow(text))
}

/// Reads layout text (`flow`: text without columns, see the module docs).
pub fn parse_as(text: &str, flow: bool) -> (Document, Vec<RecognitionNote>) {
    let mut lines: Vec<Line> = text
        .lines()
        .enumerate()
        .map(|(i, l)| Line::new(i + 1, l))
        .collect();
    // Page numbers: a line of one number next to a page break, or 「- 3 -」.
    let breaks: Vec<bool> = text.lines().map(|l| l.contains('\u{c}')).collect();
    let mut page_numbers = vec![false; lines.len()];
    for i in 0..lines.len() {
        let lone = lines[i].segs.len() == 1 && lines[i].numbers == 1;
        let near_break = breaks[i]
            || (i + 1..lines.len())
                .find(|&j| !lines[j].is_blank() || breaks[j])
                .is_some_and(|j| breaks[j])
            || i + 1 == lines.len();
        if (lone && near_break) || is_page_number(&lines[i].text) {
            page_numbers[i] = true;
            lines[i].segs.clear();
            lines[i].numbers = 0;
            lines[i].text.clear();
        }
    }
    if flow {
        drop_running_lines(&mut lines, &breaks, &page_numbers);
    }

    // Sections 一…六 by their headings, in increasing order.
    let mut section_of = vec![0u8; lines.len()];
    let mut headings = vec![false; lines.len()];
    let mut section = 0u8;
    for (i, line) in lines.iter().enumerate() {
        if let Some(n) = line.heading() {
            if n > section && heading_fits(n, &line.text) {
                section = n;
                headings[i] = true;
            }
        }
        section_of[i] = section;
    }

    if flow {
        join_cells(&mut lines, &section_of, &headings);
    }

    // The table lines of sections 二, 三 and 四.
    let mut notes = Vec::new();
    let mut tables: Vec<(usize, usize, GridTable)> = Vec::new();
    for n in 2..=4u8 {
        let region: Vec<usize> = (0..lines.len())
            .filter(|&i| section_of[i] == n && !headings[i])
            .collect();
        let start = region.iter().copied().find(|&i| {
            let l = &lines[i];
            l.is_numbers()
                || (!l.text.contains('。')
                    && header_words(n)
                        .iter()
                        .any(|w| normalize_label(&l.text).contains(w)))
        });
        let end = region.iter().copied().rfind(|&i| lines[i].is_numbers());
        let (Some(start), Some(mut end)) = (start, end) else {
            continue;
        };
        if end < start {
            continue;
        }
        // A wrapped label's last fragment right under the last row.
        while region.contains(&(end + 1))
            && !lines[end + 1].is_blank()
            && lines[end + 1].text.trim().chars().count() <= 20
        {
            end += 1;
        }
        let key = match n {
            2 => TableKey::T2,
            3 => TableKey::T3,
            _ => TableKey::T4,
        };
        let span = &lines[start..=end];
        let mut table_notes = Vec::new();
        let grid = match key {
            TableKey::T4 => t4_grid(span, &mut table_notes),
            // A 2019-format table 二 has other columns: its lines go to
            // recognition as they are, which notes the format and reads nothing.
            TableKey::T2 if is_old_format(span) => lines_grid(span),
            _ => rows_grid(key.schema(), span, &mut table_notes),
        };
        // Tables 三 and 四 have columns under vertical or two-row headers,
        // whose cells a reader without columns emits in no reliable order
        // (a 表四 read 14 2 1 3 for 14 3 2 1, its sum intact): never read.
        // Table 二's rows are a label and its own few cells, read only when
        // every row falls into place.
        if flow && (key != TableKey::T2 || !table_notes.is_empty() || grid.rows.len() < 2) {
            // Cells printed one per line in an order that cannot be undone:
            // nothing of the table is guessed at, and its lines are not prose.
            notes.push(note(
                "table-unreadable",
                key,
                format!(
                    "{}在这份文本中被拆成每格一行（从 PDF 复制或 pdftotext 未加 -layout 时常见），行列顺序无法还原，未读取；表格数据请以 PDF 或 DOCX 原件检查",
                    key.schema().label
                ),
                lines[start].no,
            ));
            let end = region.last().copied().unwrap_or(end).max(end);
            tables.push((start, end, GridTable::default()));
            continue;
        }
        notes.extend(table_notes);
        tables.push((start, end, grid));
    }

    // Paragraphs around the tables, tables in their place.
    let width = lines
        .iter()
        .enumerate()
        .filter(|(i, l)| !tables.iter().any(|t| (t.0..=t.1).contains(i)) && !l.text.contains("   "))
        .map(|(_, l)| display_width(l.text.trim()))
        .max()
        .unwrap_or(0);
    // Wrapped text has many lines of the page width, and pages are narrow; a
    // text of one paragraph per line (typed, or saved from Word) is not wrapped.
    let full_lines = lines
        .iter()
        .filter(|l| !l.is_blank() && display_width(l.text.trim()) + 4 >= width)
        .count();
    let wrapped = width <= 160 && full_lines >= 2;
    // Without columns the width is what most full lines reach (a long URL or
    // a table line can be wider).
    let width = if flow { flow_width(&lines) } else { width };
    let mut blocks = Vec::new();
    let mut para: Option<(usize, String, usize)> = None;
    let mut prev_full = false;
    let mut i = 0;
    while i < lines.len() {
        if let Some((_, end, grid)) = tables.iter().find(|t| t.0 == i) {
            flush(&mut para, &mut blocks);
            if !grid.rows.is_empty() {
                blocks.push(Block::Table(grid.clone()));
            }
            i = end + 1;
            continue;
        }
        let line = &lines[i];
        i += 1;
        if line.is_blank() {
            // Between pages (a page number, a running header) a paragraph goes on.
            if !flow {
                flush(&mut para, &mut blocks);
            }
            continue;
        }
        let text = line.text.trim();
        let new_paragraph = para.is_none()
            || line.heading().is_some()
            || !prev_full
            || (flow && starts_item(text))
            || (!flow && para.as_ref().is_some_and(|p| line.indent() > p.2));
        if new_paragraph {
            flush(&mut para, &mut blocks);
            para = Some((line.no, text.to_string(), line.indent()));
        } else if let Some(p) = para.as_mut() {
            let ascii_join = p.1.ends_with(|c: char| c.is_ascii_alphanumeric())
                && text.starts_with(|c: char| c.is_ascii_alphanumeric());
            if ascii_join {
                p.1.push(' ');
            }
            p.1.push_str(text);
        }
        prev_full = if flow {
            let w = display_width(text);
            // Lines wider than a page (typed, one paragraph per line) are not wrapped.
            width <= 160
                && line.heading().is_none()
                && !(section_of[i - 1] == 0 && is_title_line(text))
                && (w + 4 >= width || (!ends_sentence(text) && w * 4 >= width * 3))
        } else {
            wrapped && line.heading().is_none() && display_width(text) + 4 >= width
        };
        if line.heading().is_some() {
            flush(&mut para, &mut blocks);
        }
    }
    flush(&mut para, &mut blocks);
    (
        Document {
            blocks,
            ..Document::default()
        },
        notes,
    )
}

/// The wrap width of text without columns: the width a tenth of the longer
/// lines reach.
fn flow_width(lines: &[Line]) -> usize {
    let mut widths: Vec<usize> = lines
        .iter()
        .map(|l| display_width(l.text.trim()))
        .filter(|&w| w >= 20)
        .collect();
    widths.sort_unstable_by(|a, b| b.cmp(a));
    widths.get(widths.len() / 10).copied().unwrap_or(0)
}

/// Running headers and footers: a line repeated three or more times is
/// dropped where it starts or ends a page (next to a page break or a page
/// number); elsewhere (the title under the running header) it stays.
fn drop_running_lines(lines: &mut [Line], breaks: &[bool], page_numbers: &[bool]) {
    let edge = |lines: &[Line], i: usize| {
        let before = (0..i)
            .rev()
            .find(|&j| !lines[j].is_blank() || page_numbers[j]);
        let after =
            (i + 1..lines.len()).find(|&j| !lines[j].is_blank() || page_numbers[j] || breaks[j]);
        breaks[i]
            || before.is_none_or(|j| page_numbers[j])
            || after.is_none_or(|j| page_numbers[j] || breaks[j])
    };
    let mut counts: std::collections::HashMap<String, Vec<usize>> = Default::default();
    for (i, l) in lines.iter().enumerate() {
        let t: String = l.text.chars().filter(|c| !c.is_whitespace()).collect();
        if t.chars().count() >= 4 && !l.is_numbers() && section_heading(&t).is_none() {
            counts.entry(t).or_default().push(i);
        }
    }
    for at in counts.into_values() {
        if at.len() < 3 {
            continue;
        }
        let mut drop: Vec<usize> = at.iter().copied().filter(|&i| edge(lines, i)).collect();
        if drop.len() == at.len() {
            // The title at the top of page 1 when there is no header there.
            drop.remove(0);
        }
        if drop.len() + 1 >= at.len() {
            for i in drop {
                lines[i].segs.clear();
                lines[i].numbers = 0;
                lines[i].text.clear();
            }
        }
    }
}

/// Puts table cells printed one per line back on their label's line, inside
/// sections 二, 三 and 四: a line of numbers only goes onto the line above.
fn join_cells(lines: &mut [Line], section_of: &[u8], headings: &[bool]) {
    let mut target: Option<usize> = None;
    for i in 0..lines.len() {
        if !(2..=4).contains(&section_of[i]) || headings[i] {
            target = None;
            continue;
        }
        if lines[i].is_blank() {
            continue;
        }
        let only_numbers = lines[i].numbers == lines[i].segs.len();
        match target {
            Some(t) if only_numbers => {
                let text = format!("{} {}", lines[t].text, lines[i].text.trim());
                let no = lines[t].no;
                lines[t] = Line::new(no, &text);
                lines[i].segs.clear();
                lines[i].numbers = 0;
                lines[i].text.clear();
            }
            _ => target = Some(i),
        }
    }
}

fn flush(para: &mut Option<(usize, String, usize)>, blocks: &mut Vec<Block>) {
    if let Some((line, text, _)) = para.take() {
        let text = tighten(&text);
        if !text.is_empty() {
            blocks.push(Block::Paragraph(TextBlock {
                text,
                origin: Origin::Line { line },
            }));
        }
    }
}

/// Removes the spaces pdftotext puts next to Chinese text (「2023 年度」,
/// 「854 条」); spaces between Latin words stay.
fn tighten(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == ' ' || c == '\t' {
            let j = (i..chars.len())
                .find(|&j| chars[j] != ' ' && chars[j] != '\t')
                .unwrap_or(chars.len());
            let before = out.chars().next_back();
            let after = chars.get(j).copied();
            let keep = match (before, after) {
                (Some(b), Some(a)) => !(is_cjk(b) || is_cjk(a)),
                _ => false,
            };
            if keep {
                out.push(' ');
            }
            i = j;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

fn display_width(s: &str) -> usize {
    s.chars().map(|c| if is_cjk(c) { 2 } else { 1 }).sum()
}

/// The label text of some lines read column by column, plus all of it in
/// reading order: each is searched for a row's keywords.
fn views(segs: &[&(usize, String)]) -> Vec<String> {
    let mut cols: Vec<usize> = segs.iter().map(|s| s.0).collect();
    cols.sort_unstable();
    cols.dedup();
    let mut v: Vec<String> = cols
        .iter()
        .map(|c| {
            normalize_label(
                &segs
                    .iter()
                    .filter(|s| s.0 == *c)
                    .map(|s| s.1.as_str())
                    .collect::<String>(),
            )
        })
        .collect();
    v.push(normalize_label(
        &segs.iter().map(|s| s.1.as_str()).collect::<String>(),
    ));
    v
}

/// The schema's row keywords, normalised once.
fn keywords(schema: &TableSchema) -> Vec<Vec<String>> {
    schema
        .rows
        .iter()
        .map(|r| r.keywords.iter().map(|k| normalize_label(k)).collect())
        .collect()
}

fn has_keywords(keywords: &[String], views: &[String]) -> bool {
    views
        .iter()
        .any(|v| keywords.iter().all(|k| v.contains(k.as_str())))
}

fn is_old_format(span: &[Line]) -> bool {
    span.iter().any(|l| {
        let t = normalize_label(&l.text);
        OLD_FORMAT_MARKS.iter().any(|m| t.contains(m))
    })
}

/// Each line one cell, as printed.
fn lines_grid(span: &[Line]) -> GridTable {
    let rows = span
        .iter()
        .map(|l| vec![GridCell::new(l.text.trim(), Origin::Line { line: l.no })])
        .collect();
    GridTable {
        rows,
        origin: Origin::Line {
            line: span.first().map_or(0, |l| l.no),
        },
    }
}

fn note(code: &str, key: TableKey, message: String, line: usize) -> RecognitionNote {
    RecognitionNote {
        code: code.into(),
        table: Some(key),
        message,
        origin: Origin::Line { line },
        ..Default::default()
    }
}

/// Tables 二 and 三: one line of numbers per row.
fn rows_grid(
    schema: &'static TableSchema,
    span: &[Line],
    notes: &mut Vec<RecognitionNote>,
) -> GridTable {
    let key = schema.key;
    let numbered: Vec<usize> = (0..span.len()).filter(|&i| span[i].is_numbers()).collect();
    let first_line = span.first().map_or(0, |l| l.no);
    let mut rows: Vec<Vec<GridCell>> = Vec::new();
    let header = |labels: &[&str], line: usize| -> Vec<GridCell> {
        labels
            .iter()
            .map(|l| GridCell::new(*l, Origin::Line { line }))
            .collect()
    };
    if key == TableKey::T3 {
        let mut h = vec![""];
        h.extend(schema.columns.iter().map(|c| c.label));
        rows.push(header(&h, first_line));
    }
    let kw = keywords(schema);
    let mut next = 0;
    let mut t2_header: Option<&str> = None;
    for (k, &i) in numbered.iter().enumerate() {
        let line = &span[i];
        let own: Vec<&(usize, String)> = line.label_segs().iter().collect();
        // A wrapped label spans a few lines around its numbers (at most 4 each side).
        let from = if k == 0 { 0 } else { numbered[k - 1] + 1 }.max(i.saturating_sub(4));
        let to = numbered
            .get(k + 1)
            .copied()
            .unwrap_or(span.len())
            .min(i + 5);
        let around: Vec<&(usize, String)> = (from..to)
            .filter(|&j| j == i || !span[j].is_numbers())
            .flat_map(|j| {
                if j == i {
                    line.label_segs().iter().collect::<Vec<_>>()
                } else {
                    span[j].segs.iter().collect()
                }
            })
            .collect();
        let (own_views, around_views) = (views(&own), views(&around));
        // The nearest official row whose keywords are in the label or around it
        // (rows come in the official order; missing rows are skipped).
        let found = (next..schema.rows.len())
            .find(|&j| has_keywords(&kw[j], &own_views) || has_keywords(&kw[j], &around_views));
        // A typo in the label (「2.其他法律行政止公开」) can make the keywords of a
        // later row match (「其他」): a nearer row whose label it resembles is the
        // row, and the label as written goes on to recognition, which notes it.
        // A label wrapped around a group label (「另」 / 「行制作」) can hide the
        // keywords altogether: the text around the numbers still resembles it.
        let own_label: String = own.iter().map(|s| s.1.as_str()).collect();
        let resembles = (next..schema.rows.len().min(next + 3)).find_map(|j| {
            let official = schema.rows[j].label;
            if label_similarity(&own_label, official) >= 0.6 {
                Some((j, true))
            } else if around_views
                .iter()
                .any(|v| label_coverage(v, official) >= 0.75)
            {
                Some((j, false))
            } else {
                None
            }
        });
        let (found, written) = match (found, resembles) {
            (Some(k), Some((r, written))) if r < k => (Some(r), written),
            (None, Some((r, written))) => (Some(r), written),
            (k, _) => (k, is_unsplit_other_block(&normalize_label(&own_label))),
        };
        let Some(j) = found else {
            let label: String = own.iter().map(|s| s.1.as_str()).collect();
            notes.push(note(
                "unknown-row",
                key,
                format!(
                    "{}中有无法识别的数据行「{}」（{} 个数）",
                    schema.label,
                    if label.is_empty() {
                        "（无行名）"
                    } else {
                        &label
                    },
                    line.numbers
                ),
                line.no,
            ));
            continue;
        };
        next = j + 1;
        let spec = &schema.rows[j];
        let want = spec.columns.len();
        if line.numbers != want {
            notes.push(note(
                "cell-count",
                key,
                format!(
                    "{}「{}」一行有 {} 个数，应为 {} 个：无法确定每个数属于哪一列，这一行未读取",
                    schema.label, spec.display, line.numbers, want
                ),
                line.no,
            ));
            continue;
        }
        if key == TableKey::T2 {
            // Table 二 is printed as small tables, each with its header row
            // (the rows of one header share their first column).
            let cols: Vec<&str> = spec
                .columns
                .iter()
                .filter_map(|c| schema.columns.iter().find(|s| s.key == *c))
                .map(|c| c.label)
                .collect();
            if t2_header != spec.columns.first().copied() {
                let mut labels = vec!["信息内容"];
                labels.extend(cols.iter().copied());
                rows.push(header(&labels, line.no));
                t2_header = spec.columns.first().copied();
            }
        }
        let origin = Origin::Line { line: line.no };
        // The official label, since a wrapped one is only partly on this line;
        // the label as written where recognition must see it (a typo, the
        // 2019 single （六） row).
        let label = if written {
            own_label.as_str()
        } else {
            spec.label
        };
        let mut row = vec![GridCell::new(label, origin.clone())];
        row.extend(
            line.number_segs()
                .iter()
                .map(|(_, s)| GridCell::new(s.as_str(), origin.clone())),
        );
        rows.push(row);
    }
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    for row in &mut rows {
        while row.len() < width {
            let origin = row.last().map(|c| c.origin.clone()).unwrap_or_default();
            row.push(GridCell::new("", origin));
        }
    }
    GridTable {
        rows,
        origin: Origin::Line { line: first_line },
    }
}

/// Table 四: 15 numbers on one line (or on consecutive lines, or one line of
/// 5 per block when the blocks are labelled).
fn t4_grid(span: &[Line], notes: &mut Vec<RecognitionNote>) -> GridTable {
    let first_line = span.first().map_or(0, |l| l.no);
    let numbered: Vec<&Line> = span.iter().filter(|l| l.is_numbers()).collect();
    let full = T4.rows.len() * T4.columns.len();
    let kw = keywords(&T4);
    let mut cells: Vec<Option<GridCell>> = vec![None; full];
    let labelled = numbered.iter().any(|l| {
        let v = views(&l.label_segs().iter().collect::<Vec<_>>());
        kw.iter().any(|k| has_keywords(k, &v))
    });
    if labelled {
        for l in &numbered {
            let v = views(&l.label_segs().iter().collect::<Vec<_>>());
            // The most specific block: 「复议后起诉」 also contains 「起诉」.
            let block = T4
                .rows
                .iter()
                .enumerate()
                .filter(|(b, _)| has_keywords(&kw[*b], &v))
                .max_by_key(|(_, r)| r.keywords.iter().map(|k| k.chars().count()).sum::<usize>());
            match block {
                Some((b, _)) if l.numbers == T4.columns.len() => {
                    for (c, (_, s)) in l.number_segs().iter().enumerate() {
                        cells[b * T4.columns.len() + c] =
                            Some(GridCell::new(s.as_str(), Origin::Line { line: l.no }));
                    }
                }
                Some((_, spec)) => notes.push(note(
                    "cell-count",
                    TableKey::T4,
                    format!(
                        "表四「{}」一行有 {} 个数，应为 {} 个：无法确定每个数属于哪一列，这一行未读取",
                        spec.display,
                        l.numbers,
                        T4.columns.len()
                    ),
                    l.no,
                )),
                None => notes.push(note(
                    "unknown-row",
                    TableKey::T4,
                    format!("表四中有无法识别的数据行（{} 个数）", l.numbers),
                    l.no,
                )),
            }
        }
    } else {
        let numbers: Vec<(usize, &str)> = numbered
            .iter()
            .flat_map(|l| l.number_segs().iter().map(move |(_, s)| (l.no, s.as_str())))
            .collect();
        if numbers.len() == full {
            for (k, (line, s)) in numbers.into_iter().enumerate() {
                cells[k] = Some(GridCell::new(s, Origin::Line { line }));
            }
        } else {
            notes.push(note(
                "cell-count",
                TableKey::T4,
                format!(
                    "表四应为 {full} 个数（行政复议、未经复议直接起诉、复议后起诉各 {} 个），实有 {} 个：无法确定每个数属于哪一列，表四未读取",
                    T4.columns.len(),
                    numbers.len()
                ),
                numbered.first().map_or(first_line, |l| l.no),
            ));
        }
    }
    let origin = Origin::Line { line: first_line };
    let mut blocks = Vec::new();
    let mut outcomes = Vec::new();
    let mut data = Vec::new();
    for (k, cell) in cells.into_iter().enumerate() {
        if let Some(cell) = cell {
            let (b, c) = (k / T4.columns.len(), k % T4.columns.len());
            blocks.push(GridCell::new(T4.rows[b].label, origin.clone()));
            outcomes.push(GridCell::new(T4.columns[c].label, origin.clone()));
            data.push(cell);
        }
    }
    GridTable {
        rows: vec![blocks, outcomes, data],
        origin,
    }
}

#[cfg(test)]
mod tests {
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
        assert!(
            starts_item("（二）依申请公开") && starts_item("1.属于") && !starts_item("1.5万元")
        );
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
}
