//! Pandoc's own table syntaxes, which CommonMark does not have: simple and
//! multiline tables (columns given by a line of dash runs) and grid tables
//! (`+---+` borders). `pandoc -t markdown` writes them, and read as
//! CommonMark their rows would become prose (and the dash lines thematic
//! breaks or setext headings). They are found line by line before the rest
//! is parsed; columns are measured in display width, as pandoc aligns them
//! (a Chinese character is two columns wide).

use unicode_width::UnicodeWidthChar;

/// A table found in the source: its lines `start..end` (0-based) and its rows
/// of cells, each cell with the 0-based line where its text starts.
pub struct Found {
    pub start: usize,
    pub end: usize,
    pub rows: Vec<Vec<(String, usize)>>,
}

/// Lines longer than this are not table lines (a pathological file must not
/// make column slicing quadratic).
const MAX_LINE_CHARS: usize = 4000;
/// Columns of one table; the national tables have at most 15.
const MAX_COLUMNS: usize = 200;

/// The pandoc tables of a document, in order, outside fenced code.
pub fn tables(lines: &[&str]) -> Vec<Found> {
    let mut found = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let t = line.trim_start();
        if let Some((c, n)) = fence {
            if t.chars().take_while(|&x| x == c).count() >= n && t.trim_matches(c).trim().is_empty()
            {
                fence = None;
            }
            i += 1;
            continue;
        }
        let run = t.chars().take_while(|&x| x == '`' || x == '~').count();
        if run >= 3 && line.len() - t.len() <= 3 {
            if let Some(c) = t.chars().next() {
                fence = Some((c, run));
            }
            i += 1;
            continue;
        }
        let after_blank = i == 0 || lines[i - 1].trim().is_empty();
        let table = if after_blank {
            table_at(lines, i)
        } else {
            None
        };
        match table {
            Some(f) => {
                i = f.end;
                found.push(f);
            }
            None => i += 1,
        }
    }
    found
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Runs of `-` in a line of dashes and spaces (indented at most 3), as
/// display-column ranges; `None` for any other line.
fn dash_runs(line: &str) -> Option<Vec<(usize, usize)>> {
    if indent(line) > 3 || line.chars().count() > MAX_LINE_CHARS {
        return None;
    }
    let body = line.trim_end();
    if body.is_empty() || !body.chars().all(|c| c == '-' || c == ' ') {
        return None;
    }
    let mut runs = Vec::new();
    let mut start = None;
    for (col, c) in body.chars().enumerate() {
        match (c, start) {
            ('-', None) => start = Some(col),
            (' ', Some(s)) => {
                runs.push((s, col));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        runs.push((s, body.chars().count()));
    }
    // A thematic break (`- - -`) is not a table's column line.
    (runs.iter().map(|(a, b)| b - a).sum::<usize>() >= 6).then_some(runs)
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

fn table_at(lines: &[&str], i: usize) -> Option<Found> {
    let line = lines[i];
    let t = line.trim_start();
    if indent(line) <= 3 && t.starts_with('+') && (t.starts_with("+-") || t.starts_with("+=")) {
        return grid_table(lines, i);
    }
    if let Some(runs) = dash_runs(line) {
        // A table that opens with a dash line ends with one.
        let close =
            (i + 1..lines.len().min(i + 20_000)).find(|&k| dash_runs(lines[k]).is_some())?;
        if runs.len() >= 2 {
            // Headerless: the opening line gives the columns.
            return sliced(lines, i + 1, close, &runs, i, close + 1);
        }
        // Multiline with a header: a full line, the header, the column line.
        let cols = dash_runs(lines[close]).filter(|r| r.len() >= 2)?;
        let end = (close + 1..lines.len().min(close + 20_000))
            .find(|&k| dash_runs(lines[k]).is_some_and(|r| r.len() == 1))?;
        let mut header = sliced(lines, i + 1, close, &cols, i, close)?;
        let body = sliced(lines, close + 1, end, &cols, close, end + 1)?;
        header.rows.extend(body.rows);
        header.end = end + 1;
        return Some(header);
    }
    // A simple table with a header line: text, then a line of two or more dash runs.
    let runs = lines
        .get(i + 1)
        .and_then(|l| dash_runs(l))
        .filter(|r| r.len() >= 2)?;
    if is_blank(line) || indent(line) > 3 {
        return None;
    }
    let mut end = i + 2;
    while end < lines.len() && !is_blank(lines[end]) && dash_runs(lines[end]).is_none() {
        end += 1;
    }
    let mut header = sliced(lines, i, i + 1, &runs, i, i + 1)?;
    let body = sliced(lines, i + 2, end, &runs, i + 1, end)?;
    header.rows.extend(body.rows);
    header.end = if lines.get(end).is_some_and(|l| dash_runs(l).is_some()) {
        end + 1
    } else {
        end
    };
    Some(header)
}

/// Rows of lines `from..to` cut at the columns of `runs`: one row per line,
/// or, when blank lines separate them (a multiline table), one row per group.
fn sliced(
    lines: &[&str],
    from: usize,
    to: usize,
    runs: &[(usize, usize)],
    start: usize,
    end: usize,
) -> Option<Found> {
    if runs.len() > MAX_COLUMNS || to < from {
        return None;
    }
    let body = &lines[from..to];
    if body.iter().any(|l| l.chars().count() > MAX_LINE_CHARS) {
        return None;
    }
    let multiline = body.iter().any(|l| is_blank(l));
    let mut rows = Vec::new();
    let mut group: Vec<(usize, &str)> = Vec::new();
    for (k, l) in body.iter().enumerate() {
        if is_blank(l) {
            if !group.is_empty() {
                rows.push(cut(&group, runs));
                group.clear();
            }
            continue;
        }
        group.push((from + k, l));
        if !multiline {
            rows.push(cut(&group, runs));
            group.clear();
        }
    }
    if !group.is_empty() {
        rows.push(cut(&group, runs));
    }
    Some(Found { start, end, rows })
}

/// One row from its lines: each character goes to the column whose run
/// starts at or before its display column.
fn cut(group: &[(usize, &str)], runs: &[(usize, usize)]) -> Vec<(String, usize)> {
    let mut cells: Vec<(Vec<String>, Option<usize>)> = vec![(Vec::new(), None); runs.len()];
    for &(n, line) in group {
        let mut parts = vec![String::new(); runs.len()];
        let mut col = 0;
        for c in line.chars() {
            let k = runs.iter().rposition(|r| r.0 <= col).unwrap_or(0);
            parts[k].push(c);
            col += c.width().unwrap_or(0);
        }
        for (cell, part) in cells.iter_mut().zip(parts) {
            let part = part.trim();
            if !part.is_empty() {
                cell.0.push(part.to_string());
                cell.1.get_or_insert(n);
            }
        }
    }
    let first = group.first().map_or(0, |g| g.0);
    cells
        .into_iter()
        .map(|(parts, line)| (join_cell(&parts), line.unwrap_or(first)))
        .collect()
}

/// A cell's lines joined: a line ending in `\` is a hard break (「自\」
/// 「然\」「人」), others wrap (no space between Chinese characters).
pub fn join_cell(parts: &[String]) -> String {
    let mut out = String::new();
    for (k, p) in parts.iter().enumerate() {
        let (p, hard) = match p.strip_suffix('\\') {
            Some(p) if !p.ends_with('\\') => (p.trim_end(), true),
            _ => (p.as_str(), false),
        };
        out.push_str(&unescape(p));
        if k + 1 < parts.len() {
            if hard {
                out.push('\n');
            } else {
                let last = out.chars().next_back();
                let next = parts[k + 1].chars().next();
                let cjk = last.is_some_and(nianbao_htmlgrid::is_cjk)
                    || next.is_some_and(nianbao_htmlgrid::is_cjk);
                if !cjk {
                    out.push(' ');
                }
            }
        }
    }
    out
}

/// Markdown backslash escapes and strong-emphasis marks taken off a cell's text.
fn unescape(s: &str) -> String {
    let s = s.replace("**", "");
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&n) = chars.peek() {
                if n.is_ascii_punctuation() {
                    out.push(n);
                    chars.next();
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

/// A grid table: columns at the `+` of its first border, rows between
/// border lines, cells between the `|` at those columns.
fn grid_table(lines: &[&str], i: usize) -> Option<Found> {
    let cols: Vec<usize> = display(lines[i].trim_end())
        .filter(|&(_, c)| c == '+')
        .map(|(col, _)| col)
        .collect();
    if cols.len() < 3 || cols.len() > MAX_COLUMNS + 1 {
        return None;
    }
    let mut end = i + 1;
    while end < lines.len() {
        let t = lines[end].trim_start();
        if !(t.starts_with('+') || t.starts_with('|'))
            || lines[end].chars().count() > MAX_LINE_CHARS
        {
            break;
        }
        end += 1;
    }
    let mut rows = Vec::new();
    let mut group: Vec<Vec<String>> = vec![Vec::new(); cols.len() - 1];
    let mut group_line: Option<usize> = None;
    for (n, line) in lines.iter().enumerate().take(end).skip(i + 1) {
        if line.trim_start().starts_with('+') {
            if let Some(first) = group_line.take() {
                rows.push(
                    std::mem::replace(&mut group, vec![Vec::new(); cols.len() - 1])
                        .into_iter()
                        .map(|parts| (join_cell(&parts), first))
                        .collect(),
                );
            }
            continue;
        }
        group_line.get_or_insert(n);
        let mut parts = vec![String::new(); cols.len() - 1];
        for (col, c) in display(line) {
            // Border characters at the column positions are not text.
            if c == '|' && cols.contains(&col) {
                continue;
            }
            if let Some(k) = cols.iter().rposition(|&b| b < col) {
                if let Some(p) = parts.get_mut(k) {
                    p.push(c);
                }
            }
        }
        for (cell, part) in group.iter_mut().zip(parts) {
            let part = part.trim();
            if !part.is_empty() {
                cell.push(part.to_string());
            }
        }
    }
    (!rows.is_empty()).then_some(Found {
        start: i,
        end,
        rows,
    })
}

/// Each character with its display column.
fn display(line: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut col = 0;
    line.chars().map(move |c| {
        let at = col;
        col += c.width().unwrap_or(0);
        (at, c)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<(usize, usize, Vec<Vec<String>>)> {
        let lines: Vec<&str> = src.lines().collect();
        tables(&lines)
            .into_iter()
            .map(|f| {
                let rows = f
                    .rows
                    .into_iter()
                    .map(|r| r.into_iter().map(|c| c.0).collect())
                    .collect();
                (f.start, f.end, rows)
            })
            .collect()
    }

    #[test]
    fn a_headerless_simple_table_is_cut_at_display_columns() {
        let src = "二、主动公开\n\n  -------------------- ------------ --------------\n  第二十条第（一）项                \n  规章                 0            3\n  行政规范性文件       2            9\n  -------------------- ------------ --------------\n\n三、收到";
        let t = texts(src);
        assert_eq!(t.len(), 1);
        assert_eq!((t[0].0, t[0].1), (2, 7));
        assert_eq!(t[0].2[0], ["第二十条第（一）项", "", ""]);
        assert_eq!(t[0].2[2], ["行政规范性文件", "2", "9"]);
    }

    #[test]
    fn a_multiline_table_joins_the_lines_of_each_row() {
        let src = "  ---------------- ------ ------\n  （本列数据）     自\\    总计\n                   然\\\n                   人\n\n  一、本年新收政府   7      9\n  信息公开申请数量\n  ---------------- ------ ------\n";
        let t = texts(src);
        assert_eq!(
            t[0].2,
            [
                vec!["（本列数据）", "自\n然\n人", "总计"],
                vec!["一、本年新收政府信息公开申请数量", "7", "9"]
            ]
        );
    }

    #[test]
    fn a_simple_table_with_a_header_and_a_grid_table() {
        let src = "  行政复议   总计\n  ---------- ------\n  1          1\n\n+------+-----+\n| 规章 | 0   |\n+======+=====+\n| 行政 | 1   |\n| 许可 |     |\n+------+-----+\n";
        let t = texts(src);
        assert_eq!(t[0].2, [vec!["行政复议", "总计"], vec!["1", "1"]]);
        assert_eq!(t[1].2, [vec!["规章", "0"], vec!["行政许可", "1"]]);
    }

    #[test]
    fn thematic_breaks_setext_underlines_and_code_are_not_tables() {
        assert!(texts("a\n\n---\n\nb\n\n- - -\n").is_empty());
        assert!(texts("标题\n--------\n正文\n").is_empty());
        assert!(texts("```\n  ------ ------\n  1      2\n  ------ ------\n```\n").is_empty());
    }
}
