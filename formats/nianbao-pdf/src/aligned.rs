//! Tables drawn without ruling lines, from the alignment of their text.
//!
//! A *data line* has numbers set apart from the rest by clear gaps
//! (「规章　0　0　0」). A run of data lines, with the wrapped label pieces
//! next to them and the header lines above, is a table. Its number columns
//! are where the numbers of the data lines stand; everything left of them is
//! one label column. Header lines go into one header row, each piece into the
//! column under which it stands, so a vertical 「自/然/人」 becomes 「自然人」;
//! a label wrapped over several lines joins the data line it is nearest to.
//! Merged cells cannot be seen without lines, so the grid has none, as in a
//! text dump; core reads such tables in the official column order.

use crate::lines::{Chunk, Line, join};

/// Whether a chunk is a number as written in a table cell (or a dash/blank mark).
fn is_number(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty()
        && t.chars().count() <= 16
        && t.chars()
            .any(|c| c.is_ascii_digit() || "０１２３４５６７８９—-－/／无".contains(c))
        && t.chars()
            .all(|c| c.is_ascii_digit() || "０１２３４５６７８９.,．，%％—-－/／无 ".contains(c))
}

fn is_data(line: &Line) -> bool {
    let numbers = line.chunks.iter().filter(|c| is_number(&c.text)).count();
    numbers >= 1 && line.chunks.len() >= 2
}

/// A table found among a page's lines: which lines, and the grid.
pub struct Found {
    pub first: usize,
    pub last: usize,
    pub rows: Vec<Vec<String>>,
}

/// Finds the tables among the lines of one page (top to bottom). `left` is
/// the body's left margin; `heading` tells a section heading.
pub fn tables(lines: &[Line], left: f32, heading: impl Fn(&str) -> bool) -> Vec<Found> {
    let mut out = Vec::new();
    // Rows of a table can be far apart (padding, cells of several lines).
    let near = |a: &Line, b: &Line| (a.y - b.y).abs() <= 3.0 * a.size.max(b.size);
    let mut floor = 0;
    let mut i = 0;
    while i < lines.len() {
        if !is_data(&lines[i]) {
            i += 1;
            continue;
        }
        // Down: data lines, and the pieces between them (labels wrapped
        // over several lines), within the rhythm of the rows.
        let mut last = i;
        while last + 1 < lines.len() {
            let next = &lines[last + 1];
            if is_data(next) {
                if !near(&lines[last], next) {
                    break;
                }
                last += 1;
                continue;
            }
            // Pieces up to the next data line.
            let mut j = last + 1;
            while j < lines.len()
                && j <= last + 6
                && !is_data(&lines[j])
                && !heading(&lines[j].text)
                && near(&lines[j - 1], &lines[j])
            {
                j += 1;
            }
            let reaches = j < lines.len()
                && is_data(&lines[j])
                && near(&lines[j - 1], &lines[j])
                && (lines[last].y - lines[j].y).abs() <= 8.0 * lines[j].size;
            if reaches {
                last = j;
            } else if is_data(&lines[last]) && !heading(&next.text) && near(&lines[last], next) {
                // The last row's label goes on below its numbers.
                last += 1;
                break;
            } else {
                break;
            }
        }
        // Up: header lines, set in from the margin or in several pieces.
        let mut first = i;
        while first > floor {
            let prev = &lines[first - 1];
            let header_like = prev.chunks.len() >= 2 || prev.x0 > left + 2.0 * prev.size;
            if heading(&prev.text) || !header_like || !near(prev, &lines[first]) {
                break;
            }
            first -= 1;
        }
        let data = (first..=last).filter(|k| is_data(&lines[*k])).count();
        if data >= 2 || (data == 1 && first < i) {
            out.push(Found {
                first,
                last,
                rows: grid(&lines[first..=last]),
            });
            floor = last + 1;
        }
        i = last + 1;
    }
    out
}

/// Column intervals from the numbers of the data lines.
fn columns(lines: &[Line]) -> Vec<(f32, f32)> {
    let mut spans: Vec<(f32, f32)> = lines
        .iter()
        .filter(|l| is_data(l))
        .flat_map(|l| l.chunks.iter().filter(|c| is_number(&c.text)))
        .map(|c| (c.x0, c.x1))
        .collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut cols: Vec<(f32, f32)> = Vec::new();
    for (a, b) in spans {
        match cols.last_mut() {
            Some(last) if a <= last.1 + 2.0 => last.1 = last.1.max(b),
            _ => cols.push((a, b)),
        }
    }
    cols
}

fn grid(lines: &[Line]) -> Vec<Vec<String>> {
    let cols = columns(lines);
    let Some(data_left) = cols.first().map(|c| c.0) else {
        return Vec::new();
    };
    let first_data = lines.iter().position(is_data).unwrap_or(0);
    // Label columns: where the label pieces of the body start (a row label
    // in several levels, 「（六）其他处理」 beside 「2.申请人逾期……」).
    let mut label_x: Vec<f32> = lines[first_data..]
        .iter()
        .flat_map(|l| &l.chunks)
        .filter(|c| c.center() < data_left - 2.0)
        .map(|c| c.x0)
        .collect();
    label_x.sort_by(f32::total_cmp);
    let mut label_starts: Vec<f32> = Vec::new();
    for x in label_x {
        if label_starts.last().is_none_or(|s| x - s > 4.0) {
            label_starts.push(x);
        }
    }
    let labels = label_starts.len().max(1);
    let label_column = |x: f32| label_starts.partition_point(|s| *s <= x + 4.0).max(1) - 1;
    let width = cols.len() + labels;
    // Column of a chunk: a label column, else the number column it is under.
    let column = |c: &Chunk| -> usize {
        let x = c.center();
        if x < data_left - 2.0 {
            return label_column(c.x0);
        }
        labels - 1
            + cols
                .iter()
                .enumerate()
                .min_by(|(_, a), (_, b)| {
                    let da = if x < a.0 { a.0 - x } else { (x - a.1).max(0.0) };
                    let db = if x < b.0 { b.0 - x } else { (x - b.1).max(0.0) };
                    da.total_cmp(&db)
                })
                .map_or(0, |(i, _)| i + 1)
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    if first_data > 0 {
        // Header cells can stand closer than a chunk gap: split a header
        // chunk wherever its characters are apart at all, and put each piece
        // in the column it starts in (cells are filled from the left). A
        // label centred over several columns stays whole in one of them.
        let starts: Vec<f32> = cols.iter().map(|c| c.0 - 2.0).collect();
        let place = |x: f32| match starts.partition_point(|s| *s <= x) {
            0 => label_column(x),
            k => labels - 1 + k,
        };
        let mut header = vec![String::new(); width];
        for l in &lines[..first_data] {
            for c in &l.chunks {
                let mut piece = String::new();
                let mut piece_x = f32::MIN;
                let mut right = f32::MIN;
                for (text, x0, x1) in &c.chars {
                    if !piece.is_empty() && x0 - right > 0.15 * l.size {
                        join(&mut header[place(piece_x)], &piece);
                        piece.clear();
                    }
                    if piece.is_empty() {
                        piece_x = *x0;
                    }
                    piece.push_str(text);
                    right = *x1;
                }
                if !piece.is_empty() {
                    join(&mut header[place(piece_x)], &piece);
                }
            }
        }
        rows.push(header);
    }
    // Body: each data line is a row; a piece in several chunks (a sub-header)
    // is a row of its own; a single piece joins the nearest data line.
    let body = &lines[first_data..];
    // A sub-header stands over the number columns too.
    let anchors: Vec<usize> = (0..body.len())
        .filter(|k| {
            let l = &body[*k];
            is_data(l) || (l.chunks.len() >= 2 && l.chunks.iter().any(|c| column(c) >= labels))
        })
        .collect();
    let mut pieces: Vec<Vec<&Line>> = vec![Vec::new(); anchors.len()];
    for (k, l) in body.iter().enumerate() {
        let nearest = anchors
            .iter()
            .enumerate()
            .min_by(|(_, a), (_, b)| {
                (body[**a].y - l.y)
                    .abs()
                    .total_cmp(&(body[**b].y - l.y).abs())
            })
            .map(|(i, _)| i);
        if let Some(i) = anchors.iter().position(|a| *a == k).or(nearest) {
            pieces[i].push(l);
        }
    }
    for group in pieces {
        let mut row = vec![String::new(); width];
        // Top to bottom, left to right within a line.
        for l in group {
            for c in &l.chunks {
                join(&mut row[column(c)], &c.text);
            }
        }
        rows.push(row);
    }
    // No labels at all (table 四's one data row): no label column.
    if labels == 1 && rows.iter().all(|r| r[0].is_empty()) {
        for r in &mut rows {
            r.remove(0);
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(y: f32, pieces: &[(f32, &str)]) -> Line {
        let chunks: Vec<Chunk> = pieces
            .iter()
            .map(|(x, t)| Chunk {
                text: t.to_string(),
                x0: *x,
                x1: x + 12.0 * t.chars().count() as f32,
                chars: t
                    .chars()
                    .enumerate()
                    .map(|(i, c)| {
                        (
                            c.to_string(),
                            x + 12.0 * i as f32,
                            x + 12.0 * (i + 1) as f32,
                        )
                    })
                    .collect(),
            })
            .collect();
        Line {
            text: pieces.iter().map(|p| p.1).collect::<Vec<_>>().join(" "),
            x0: chunks.first().map_or(0.0, |c| c.x0),
            x1: chunks.last().map_or(0.0, |c| c.x1),
            y,
            size: 12.0,
            chunks,
        }
    }

    #[test]
    fn numbers_in_columns_with_wrapped_labels_and_a_vertical_header() {
        let lines = [
            line(800.0, &[(72.0, "三、收到和处理政府信息公开申请情况")]),
            line(780.0, &[(300.0, "自"), (340.0, "总")]),
            line(766.0, &[(300.0, "然"), (340.0, "计")]),
            line(752.0, &[(300.0, "人")]),
            line(730.0, &[(72.0, "一、本年新收"), (300.0, "1"), (340.0, "2")]),
            line(710.0, &[(72.0, "5.要求行政机关确认或重新出具已")]),
            line(700.0, &[(300.0, "0"), (340.0, "—")]),
            line(690.0, &[(72.0, "获取信息")]),
            line(660.0, &[(72.0, "四、政府信息公开行政复议、行政诉讼情况")]),
        ];
        let heading = |t: &str| t.starts_with("三、收到") || t.starts_with("四、政府");
        let found = tables(&lines, 72.0, heading);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].first, found[0].last), (1, 7));
        assert_eq!(
            found[0].rows,
            [
                ["", "自然人", "总计"],
                ["一、本年新收", "1", "2"],
                ["5.要求行政机关确认或重新出具已获取信息", "0", "—"],
            ]
        );
    }

    #[test]
    fn running_text_with_numbers_is_not_a_table() {
        let lines = [
            line(700.0, &[(72.0, "全年公开信息854条，比上年增加12条。")]),
            line(680.0, &[(72.0, "2024年1月3日")]),
        ];
        assert!(tables(&lines, 72.0, |_| false).is_empty());
    }
}
