//! Characters → text lines: glyphs on one baseline, left to right, with
//! spaces only where Latin words are apart (never between CJK characters).

use crate::interp::Glyph;

#[derive(Debug, Clone)]
pub struct Line {
    pub text: String,
    pub x0: f32,
    pub x1: f32,
    /// Baseline.
    pub y: f32,
    /// The largest font size on the line.
    pub size: f32,
    /// Pieces of the line set apart by a clear gap (cells of a table drawn
    /// without lines).
    pub chunks: Vec<Chunk>,
}

#[derive(Debug, Clone)]
pub struct Chunk {
    pub text: String,
    pub x0: f32,
    pub x1: f32,
    /// Each character with its left and right x.
    pub chars: Vec<(String, f32, f32)>,
}

impl Chunk {
    pub fn center(&self) -> f32 {
        (self.x0 + self.x1) / 2.0
    }
}

impl Line {
    /// Top of the line box.
    pub fn top(&self) -> f32 {
        self.y + self.size * 0.85
    }
}

/// Whether a character is wide (CJK ideographs, kana, full-width forms and
/// punctuation), i.e. written without spaces around it.
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF
        | 0x2E80..=0x303F
        | 0x3040..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7AF
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFFEF
        | 0x20000..=0x3FFFF)
}

/// Joins two pieces of one flowing text (lines of a paragraph or of a cell):
/// nothing between CJK, a space between Latin words.
pub fn join(out: &mut String, next: &str) {
    let next = next.trim();
    if next.is_empty() {
        return;
    }
    let end = out.trim_end();
    out.truncate(end.len());
    if let (Some(a), Some(b)) = (out.chars().last(), next.chars().next())
        && (a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric()
            || (a == ',' || a == ';' || a == ':') && b.is_ascii_alphabetic())
    {
        out.push(' ');
    }
    out.push_str(next);
}

/// A gap wider than this (in font sizes) between characters separates chunks.
const CHUNK_GAP: f32 = 0.9;

/// Groups glyphs into lines, top to bottom.
pub fn lines(glyphs: &[&Glyph]) -> Vec<Line> {
    let mut sorted: Vec<&Glyph> = glyphs.to_vec();
    sorted.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
    let mut groups: Vec<Vec<&Glyph>> = Vec::new();
    for g in sorted {
        match groups.last_mut() {
            Some(group)
                if {
                    let base = group[0];
                    (base.y - g.y).abs() <= 0.3 * base.size.max(g.size)
                } =>
            {
                group.push(g)
            }
            _ => groups.push(vec![g]),
        }
    }
    groups.into_iter().filter_map(make_line).collect()
}

fn make_line(mut glyphs: Vec<&Glyph>) -> Option<Line> {
    glyphs.sort_by(|a, b| a.x.total_cmp(&b.x));
    let mut text = String::new();
    let mut prev: Option<&Glyph> = None;
    let (mut x0, mut x1, mut size) = (f32::MAX, f32::MIN, 0.0f32);
    let y = glyphs.first()?.y;
    let mut chunks: Vec<Chunk> = Vec::new();
    // The right end of the last visible character.
    let mut ink_right = f32::MIN;
    for g in glyphs {
        if let Some(p) = prev {
            // Fake bold: the same character drawn again a hair to the right.
            if p.text == g.text && (g.x - p.x).abs() < 0.3 * g.size.max(0.1) {
                continue;
            }
        }
        if !g.text.trim().is_empty() {
            let gap = g.x - ink_right;
            let digits = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
            let (a, b) = (
                chunks.last().and_then(|c| c.text.trim_end().chars().last()),
                g.text.chars().next(),
            );
            // Numbers in narrow columns stand closer than words do.
            let apart = gap > CHUNK_GAP * g.size
                || (digits(a) && digits(b) && gap > 0.25 * g.size)
                || (digits(a) != digits(b) && gap > 0.4 * g.size);
            match chunks.last_mut() {
                Some(c) if !apart => {
                    c.text.push_str(&g.text);
                    c.x1 = g.right();
                    c.chars.push((g.text.clone(), g.x, g.right()));
                }
                _ => chunks.push(Chunk {
                    text: g.text.clone(),
                    x0: g.x,
                    x1: g.right(),
                    chars: vec![(g.text.clone(), g.x, g.right())],
                }),
            }
            ink_right = g.right();
        } else if let Some(c) = chunks.last_mut() {
            c.text.push_str(&g.text);
        }
        if let Some(p) = prev {
            let gap = g.x - p.right();
            let (a, b) = (
                p.text.chars().last().unwrap_or(' '),
                g.text.chars().next().unwrap_or(' '),
            );
            let spaced = a == ' ' || b == ' ';
            if !spaced
                && ((gap > 0.25 * g.size && !is_wide(a) && !is_wide(b)) || gap > 1.5 * g.size)
            {
                text.push(' ');
            }
        }
        text.push_str(&g.text);
        x0 = x0.min(g.x);
        x1 = x1.max(g.right());
        size = size.max(g.size);
        prev = Some(g);
    }
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return None;
    }
    for c in &mut chunks {
        c.text = c.text.trim().to_string();
    }
    Some(Line {
        text: trimmed.to_string(),
        x0,
        x1,
        y,
        size,
        chunks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(text: &str, x: f32, y: f32) -> Glyph {
        Glyph {
            text: text.into(),
            x,
            y,
            w: if text.is_ascii() { 6.0 } else { 12.0 },
            size: 12.0,
        }
    }

    #[test]
    fn cjk_lines_have_no_spaces_and_latin_words_do() {
        let glyphs = [
            g("年", 0.0, 100.0),
            g("报", 12.0, 100.0),
            g("A", 0.0, 80.0),
            g("B", 20.0, 80.0),
            g("2", 40.0, 80.1),
        ];
        let refs: Vec<&Glyph> = glyphs.iter().collect();
        let lines = lines(&refs);
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["年报", "A B 2"]);
    }

    #[test]
    fn a_character_drawn_twice_for_bold_is_read_once() {
        let glyphs = [
            g("总", 0.0, 100.0),
            g("总", 0.4, 100.0),
            g("计", 12.0, 100.0),
        ];
        let refs: Vec<&Glyph> = glyphs.iter().collect();
        assert_eq!(lines(&refs)[0].text, "总计");
    }

    #[test]
    fn joining_lines() {
        let mut s = String::from("政府信息");
        join(&mut s, "公开");
        assert_eq!(s, "政府信息公开");
        let mut s = String::from("annual");
        join(&mut s, "report");
        assert_eq!(s, "annual report");
        let mut s = String::from("共 12");
        join(&mut s, "件");
        assert_eq!(s, "共 12件");
    }
}
