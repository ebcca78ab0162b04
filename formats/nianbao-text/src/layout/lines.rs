//! Printed lines: a line's pieces with their columns and its trailing
//! numbers, what a line is (a page number, the title, the start of an
//! item), and the clean-up of text without columns: running headers and
//! footers dropped, table cells printed one per line put back on their
//! label's line.

use nianbao_core::recognize::section_heading;
use nianbao_core::value::is_cjk;

/// One printed line: its pieces and how many of them, at the end, are numbers.
pub(super) struct Line {
    /// 1-based line number in the file.
    pub(super) no: usize,
    pub(super) text: String,
    /// Whitespace-separated pieces with their column (in characters).
    pub(super) segs: Vec<(usize, String)>,
    /// How many trailing pieces are numbers.
    pub(super) numbers: usize,
}

impl Line {
    pub(super) fn new(no: usize, raw: &str) -> Line {
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

    pub(super) fn is_blank(&self) -> bool {
        self.segs.is_empty()
    }

    pub(super) fn is_numbers(&self) -> bool {
        self.numbers > 0
    }

    pub(super) fn label_segs(&self) -> &[(usize, String)] {
        &self.segs[..self.segs.len() - self.numbers]
    }

    pub(super) fn number_segs(&self) -> &[(usize, String)] {
        &self.segs[self.segs.len() - self.numbers..]
    }

    pub(super) fn heading(&self) -> Option<u8> {
        if self.is_numbers() {
            return None;
        }
        section_heading(&self.text)
    }

    pub(super) fn indent(&self) -> usize {
        self.segs.first().map_or(0, |s| s.0)
    }
}

/// A count as printed in a table cell: digits (also full-width, with
/// separators or a fraction) or a dash standing for none.
pub(super) fn is_number(s: &str) -> bool {
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
pub(super) fn is_page_number(text: &str) -> bool {
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
pub(super) fn is_title_line(t: &str) -> bool {
    t.contains("年度报告") && t.chars().count() <= 60 && !t.contains(['，', '。', '；'])
}

/// Ends a sentence (or a clause that ends a line of its own in lists).
pub(super) fn ends_sentence(t: &str) -> bool {
    t.ends_with(['。', '！', '？', '!', '?', '：', ':', '；', ';', '…'])
}

/// A line that starts a paragraph of its own: 一、 （一） 1. ① and the like.
pub(super) fn starts_item(t: &str) -> bool {
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

/// The wrap width of text without columns: the width a tenth of the longer
/// lines reach.
pub(super) fn flow_width(lines: &[Line]) -> usize {
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
pub(super) fn drop_running_lines(lines: &mut [Line], breaks: &[bool], page_numbers: &[bool]) {
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
pub(super) fn join_cells(lines: &mut [Line], section_of: &[u8], headings: &[bool]) {
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

pub(super) fn display_width(s: &str) -> usize {
    s.chars().map(|c| if is_cjk(c) { 2 } else { 1 }).sum()
}
