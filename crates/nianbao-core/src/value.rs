//! Typed cell values and the one place where cell text becomes a value.

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

/// What a table cell holds, after normalisation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "lowercase")]
pub enum Value {
    /// A whole number (possibly negative: NUM-TYPE reports that).
    Int(i64),
    /// A number with a fractional part; legitimate only for the fee.
    Decimal(f64),
    /// Nothing written in the cell.
    Blank,
    /// 「无」, 「—」, 「/」 and the like: written, but not a number.
    Dash,
    /// Anything else, e.g. 「一」 or 「约3件」.
    Text,
}

impl Value {
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Int(_) => "int",
            Value::Decimal(_) => "decimal",
            Value::Blank => "blank",
            Value::Dash => "dash",
            Value::Text => "text",
        }
    }

    /// The value for arithmetic: blank and dash count as 0, text has none.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Decimal(d) => Some(*d),
            Value::Blank | Value::Dash => Some(0.0),
            Value::Text => None,
        }
    }

    /// The value of a count cell for arithmetic: blank/dash are 0; decimals and text have none.
    pub fn as_count(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Blank | Value::Dash => Some(0),
            Value::Decimal(_) | Value::Text => None,
        }
    }
}

/// Marks that mean "nothing to report" rather than a number.
const DASHES: &[&str] = &[
    "无", "/", "-", "--", "—", "——", "–", "－", "\\", "空", "暂无", "没有", "N/A", "n/a",
];

/// Parses the text of a cell: NFKC (full-width digits), whitespace removed,
/// thousands separators dropped. The original text is kept by the caller.
/// Chinese characters and full-width punctuation: between two of them a line
/// break is not a space, and each is two columns wide in fixed-width text.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{2010}'..='\u{206F}'
        | '\u{3000}'..='\u{303F}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FF00}'..='\u{FFEF}')
}

pub fn parse_cell_text(text: &str) -> Value {
    // Most cells are blank or a plain count: what the general path below
    // makes of them, without normalising a copy first.
    if text.is_empty() {
        return Value::Blank;
    }
    if text.len() <= 18 && text.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(v) = text.parse() {
            return Value::Int(v);
        }
    }
    parse_normalized(text)
}

/// `parse_cell_text` for any text: normalised (NFKC, no whitespace) first.
fn parse_normalized(text: &str) -> Value {
    let norm: String = nfkc_filtered(text, |c| {
        (!c.is_whitespace() && c != '\u{200b}' && c != '\u{feff}').then_some(c)
    });
    if norm.is_empty() {
        return Value::Blank;
    }
    if DASHES.contains(&norm.as_str()) {
        return Value::Dash;
    }
    let digits = norm
        .strip_suffix('件')
        .or_else(|| norm.strip_suffix('个'))
        .unwrap_or(&norm);
    parse_number(digits).unwrap_or(Value::Text)
}

fn parse_number(s: &str) -> Option<Value> {
    let (negative, body) = match s.strip_prefix('-').or_else(|| s.strip_prefix('−')) {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if body.is_empty() || !body.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    // 「1,234」 is a thousands separator, but only in groups of three.
    let plain: String = if body.contains(',') {
        let mut parts = body.split(',');
        let head = parts.next()?;
        if head.is_empty() || head.len() > 3 {
            return None;
        }
        let mut out = head.to_string();
        for p in parts {
            let int_part = p.split('.').next().unwrap_or(p);
            if int_part.len() != 3 {
                return None;
            }
            out.push_str(p);
        }
        out
    } else {
        body.to_string()
    };
    if plain.chars().all(|c| c.is_ascii_digit()) {
        let v: i64 = plain.parse().ok()?;
        return Some(Value::Int(if negative { -v } else { v }));
    }
    let (int_part, frac) = plain.split_once('.')?;
    if int_part.is_empty()
        || frac.is_empty()
        || !int_part.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let v: f64 = plain.parse().ok()?;
    let v = if negative { -v } else { v };
    // 「3.0」 and 「3.00」 are whole numbers written with decimals.
    if frac.chars().all(|c| c == '0') && v.abs() < 9.0e15 {
        return Some(Value::Int(v as i64));
    }
    Some(Value::Decimal(v))
}

/// Normalises a label for matching: NFKC, no whitespace, unified quotes and
/// brackets, so 「自\n然\n人」, 「( 一 )予以公开」 and 「（一）予以公开」 compare equal.
pub fn normalize_label(text: &str) -> String {
    nfkc_filtered(text, |c| {
        if c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}' {
            return None;
        }
        Some(match c {
            '“' | '”' | '「' | '」' | '『' | '』' | '\'' | '‘' | '’' => '"',
            '【' | '[' | '〔' => '(',
            '】' | ']' | '〕' => ')',
            '、' | '．' | '。' => '.',
            _ => c,
        })
    })
}

/// NFKC of one character when it is ASCII, a CJK unified ideograph, a
/// full-width form or common CJK punctuation; `None` for anything else. None
/// of these decomposes into more than one character or composes with a
/// neighbour, so mapping them one by one is exactly NFKC of the string.
fn simple_nfkc(c: char) -> Option<char> {
    match c {
        '\0'..='\x7f' | '\u{4e00}'..='\u{9fff}' => Some(c),
        // Full-width ASCII: 「１２」, 「（」, 「，」.
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0),
        '\u{3000}' => Some(' '),
        '\u{3001}' | '\u{3002}' | '\u{3008}'..='\u{3011}' | '\u{3014}'..='\u{301b}' => Some(c),
        '—' | '‘' | '’' | '“' | '”' | '·' => Some(c),
        _ => None,
    }
}

/// NFKC then `map` (which may drop characters), with a fast path for text
/// made only of [`simple_nfkc`] characters, as table cells and labels are:
/// full normalisation is most of the cost of reading a table otherwise.
pub fn nfkc_filtered(text: &str, map: impl Fn(char) -> Option<char>) -> String {
    // Every paragraph of every report comes through here: the characters
    // that come out as they went in (most of them) are copied a run at a
    // time, not pushed one by one.
    let mut out = String::with_capacity(text.len());
    let mut run = 0;
    for (i, c) in text.char_indices() {
        let Some(simple) = simple_nfkc(c) else {
            out.clear();
            out.extend(text.nfkc().filter_map(map));
            return out;
        };
        let mapped = map(simple);
        if mapped == Some(c) {
            continue;
        }
        out.push_str(&text[run..i]);
        out.extend(mapped);
        run = i + c.len_utf8();
    }
    out.push_str(&text[run..]);
    out
}

/// [`nfkc_filtered`], appending to `out`: one pass for text the fast path
/// takes whole; at the first character it does not, what was appended is
/// dropped and the text normalised in full.
pub fn nfkc_filtered_into(text: &str, map: impl Fn(char) -> Option<char>, out: &mut Vec<char>) {
    let start = out.len();
    for c in text.chars() {
        let Some(simple) = simple_nfkc(c) else {
            out.truncate(start);
            out.extend(text.nfkc().filter_map(map));
            return;
        };
        out.extend(map(simple));
    }
}

/// How many items two sorted lists share, counting repeats (a merge walk);
/// the core of the bigram similarities of recognition and of rules.
pub fn common_sorted<T: Ord>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    common
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path is exactly NFKC for every character it takes.
    #[test]
    fn simple_nfkc_agrees_with_nfkc() {
        let mut taken = 0;
        for c in (0..0x11_0000).filter_map(char::from_u32) {
            if let Some(m) = simple_nfkc(c) {
                taken += 1;
                assert_eq!(
                    m.to_string(),
                    c.to_string().nfkc().collect::<String>(),
                    "U+{:04X}",
                    c as u32
                );
            }
        }
        assert!(taken > 20_000);
        let mixed = "（一）予以公开　１２件，“三安全一稳定”";
        assert_eq!(nfkc_filtered(mixed, Some), mixed.nfkc().collect::<String>());
        // Outside the fast path: ①, the Kangxi radical ⼀, combining marks.
        for s in ["①", "⼀", "e\u{301}", "㎡"] {
            assert_eq!(nfkc_filtered(s, Some), s.nfkc().collect::<String>());
        }
    }

    /// Copying unchanged runs gives what mapping one character at a time gives.
    #[test]
    fn nfkc_filtered_copies_runs_as_mapping_each_character_would() {
        let texts = [
            "",
            "全年收到申请１２件，　其中 自然人 7 件。",
            "“三安全一稳定”【规章】 ab\tc",
            "二〇二三年①㎡",
            "　",
            "x",
        ];
        let drop_spaces = |c: char| (!c.is_whitespace()).then_some(c);
        let quotes = |c: char| Some(if c == '“' { '"' } else { c });
        for t in texts {
            for map in [
                &drop_spaces as &dyn Fn(char) -> Option<char>,
                &quotes,
                &Some,
            ] {
                // Appended after what `out` holds, which stays.
                let mut into = vec!['前'];
                nfkc_filtered_into(t, map, &mut into);
                let want: Vec<char> = std::iter::once('前')
                    .chain(nfkc_filtered(t, map).chars())
                    .collect();
                assert_eq!(into, want, "{t:?}");
            }
        }
    }

    #[test]
    fn numbers_in_their_real_spellings() {
        assert_eq!(parse_cell_text("12"), Value::Int(12));
        assert_eq!(parse_cell_text(" １２ "), Value::Int(12));
        assert_eq!(parse_cell_text("1,234"), Value::Int(1234));
        assert_eq!(parse_cell_text("3.00"), Value::Int(3));
        assert_eq!(parse_cell_text("-2"), Value::Int(-2));
        assert_eq!(parse_cell_text("1.5"), Value::Decimal(1.5));
        assert_eq!(parse_cell_text("０.２５"), Value::Decimal(0.25));
        assert_eq!(parse_cell_text("5件"), Value::Int(5));
    }

    /// Blank and plain-digit cells skip the normalisation: same values.
    #[test]
    fn plain_counts_parse_as_the_general_path_parses_them() {
        let nineteen = "1".repeat(19);
        let twenty = "9".repeat(20);
        for t in [
            "",
            "0",
            "007",
            "12",
            "999999999999999999",
            &nineteen,
            &twenty,
        ] {
            assert_eq!(parse_cell_text(t), parse_normalized(t), "{t:?}");
        }
    }

    #[test]
    fn blanks_dashes_and_text() {
        assert_eq!(parse_cell_text(""), Value::Blank);
        assert_eq!(parse_cell_text(" \u{3000}\n"), Value::Blank);
        assert_eq!(parse_cell_text("无"), Value::Dash);
        assert_eq!(parse_cell_text("—"), Value::Dash);
        assert_eq!(parse_cell_text("／"), Value::Dash);
        assert_eq!(parse_cell_text("一"), Value::Text);
        assert_eq!(parse_cell_text("1.2.3"), Value::Text);
        assert_eq!(parse_cell_text("12,34"), Value::Text);
        assert_eq!(parse_cell_text("."), Value::Text);
    }

    #[test]
    fn labels_compare_across_widths_and_line_breaks() {
        assert_eq!(normalize_label("自\n然\n人"), "自然人");
        assert_eq!(
            normalize_label("（一）予以公开"),
            normalize_label("(一) 予以公开")
        );
        assert_eq!(
            normalize_label("3.危及“三安全一稳定”"),
            normalize_label("3．危及\"三安全一稳定\"")
        );
    }
}
