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

mod grids;
mod lines;

use nianbao_core::document::{Block, Document, GridTable, TextBlock};
use nianbao_core::model::{Origin, RecognitionNote};
use nianbao_core::schema::TableKey;
use nianbao_core::value::is_cjk;
use nianbao_core::value::normalize_label;

use grids::{is_old_format, lines_grid, note, rows_grid, t4_grid};
pub use lines::is_flow;
use lines::{
    Line, display_width, drop_running_lines, ends_sentence, flow_width, is_page_number,
    is_title_line, join_cells, starts_item,
};

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

#[cfg(test)]
mod tests;
