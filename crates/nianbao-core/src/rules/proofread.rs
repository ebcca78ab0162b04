//! Proofreading helpers, without Rhai: text written twice (「的的」
//! 「落实落实」) and the enumeration markers that number a list (「（一）」
//! 「一是」「1.」).

use regex::Regex;

use super::plain_text::cn_int;

/// A stretch written twice in a row (「的的」「落实落实」), or a phrase
/// restarted with one character more (「可通过可以通过」).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doubled {
    /// Char offsets of the whole doubled stretch in the text searched.
    pub start: usize,
    pub end: usize,
    /// The doubled stretch as written.
    pub found: String,
    /// What it should read: the unit once (or the restarted phrase).
    pub expected: String,
    /// A restart (「可通过可以通过」) rather than an exact repetition.
    pub restart: bool,
}

/// Longest unit that is looked for twice in a row, in characters.
const MAX_UNIT: usize = 24;

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

fn is_cn_numeral(c: char) -> bool {
    "〇零一二三四五六七八九十百千万亿两".contains(c)
}

/// Whether each character sits inside 「」『』《》〈〉“”‘’ (quoted names and
/// titles are taken as written).
fn quoted_mask(c: &[char]) -> Vec<bool> {
    let mut depth = 0usize;
    c.iter()
        .map(|&ch| match ch {
            '「' | '『' | '《' | '〈' | '“' | '‘' => {
                depth += 1;
                true
            }
            '」' | '』' | '》' | '〉' | '”' | '’' => {
                depth = depth.saturating_sub(1);
                true
            }
            _ => depth > 0,
        })
        .collect()
}

/// Text written twice in a row in `text` (a paragraph's normalised text, so
/// a line break inside the paragraph does not hide it):
///
/// - a unit of 2–24 characters twice (「落实落实」, a whole phrase), made of
///   Chinese characters (and ASCII letters or digits) with at least one
///   Chinese character that is not a numeral, not one character repeated
///   (「哈哈哈哈」), not a numeral and a measure word (「一个一个」);
/// - a single character twice only if it is one of `single` (function
///   characters: 「的的」「了了」), and not part of an AABB form
///   (「实实在在」「的的确确」);
/// - a phrase of 3–8 Chinese characters followed by itself with one
///   character inserted inside (「可通过可以通过」);
///
/// and never inside quotation marks or book-title marks, nor where an
/// occurrence of an `allow` entry covers the whole stretch (「为了了解」,
/// 「不了了之」). At each position the longest stretch wins; stretches do not
/// overlap.
/// Bit `l` (1 ≤ l ≤ [`MAX_UNIT`]) set when `c[i + l] == c[i]`. A full
/// window is compared in one fixed-length loop the compiler vectorises.
fn recurrences(c: &[char], i: usize) -> u32 {
    let first = c[i];
    let mut bits = 0u32;
    if let Some(window) = c.get(i + 1..=i + MAX_UNIT) {
        for (k, &ch) in window.iter().enumerate() {
            bits |= u32::from(ch == first) << (k + 1);
        }
    } else {
        for (k, &ch) in c[i + 1..].iter().enumerate() {
            bits |= u32::from(ch == first) << (k + 1);
        }
    }
    bits
}

/// The set bits `l` of `bits` with `low ≤ l ≤ high`, highest first.
fn periods(bits: u32, low: usize, high: usize) -> impl Iterator<Item = usize> {
    let mut left = if high < low {
        0
    } else {
        // Bits low..=high (high ≤ MAX_UNIT < 31).
        bits & (((1u32 << (high + 1)) - 1) & !((1u32 << low) - 1))
    };
    std::iter::from_fn(move || {
        (left != 0).then(|| {
            let l = 31 - left.leading_zeros() as usize;
            left &= !(1u32 << l);
            l
        })
    })
}

pub fn doubled(text: &str, single: &str, allow: &[String]) -> Vec<Doubled> {
    let c: Vec<char> = text.chars().collect();
    let n = c.len();
    let mut out = Vec::new();
    if n < 2 {
        return out;
    }
    let quoted = quoted_mask(&c);
    // Converted only when a doubling is found (most paragraphs have none).
    let allow_chars: std::cell::OnceCell<Vec<Vec<char>>> = std::cell::OnceCell::new();
    let word = |ch: char| is_han(ch) || ch.is_ascii_alphanumeric();
    let allowed = |s: usize, e: usize| {
        let allow = allow_chars.get_or_init(|| {
            allow
                .iter()
                .map(|a| a.chars().collect::<Vec<char>>())
                .filter(|a| !a.is_empty())
                .collect()
        });
        allow.iter().any(|a| {
            let len = a.len();
            if len < e - s || len > n {
                return false;
            }
            let first = e.saturating_sub(len);
            (first..=s.min(n - len)).any(|p| c[p..p + len] == a[..])
        })
    };
    let mut i = 0;
    while i + 1 < n {
        // Bit l set: the character comes again l characters on (l ≤
        // MAX_UNIT). A doubling of period l needs that; most positions have
        // no such l and are skipped, the others try only those periods.
        let again = recurrences(&c, i);
        if again == 0 {
            i += 1;
            continue;
        }
        let mut hit: Option<Doubled> = None;
        // Exact repetitions, longest first.
        for l in periods(again, 1, MAX_UNIT.min((n - i) / 2)) {
            if c[i..i + l] != c[i + l..i + 2 * l] {
                continue;
            }
            let unit = &c[i..i + l];
            if !unit.iter().all(|&ch| word(ch)) || quoted[i..i + 2 * l].iter().any(|&q| q) {
                continue;
            }
            if l == 1 {
                let aabb = (i + 3 < n && c[i + 2] == c[i + 3] && c[i + 2] != c[i])
                    || (i >= 2 && c[i - 2] == c[i - 1] && c[i - 1] != c[i]);
                if !single.contains(c[i]) || aabb {
                    continue;
                }
            } else if unit.iter().all(|&ch| ch == unit[0])
                || !unit.iter().any(|&ch| is_han(ch) && !is_cn_numeral(ch))
                || (l == 2 && is_cn_numeral(unit[0]))
            {
                continue;
            }
            // The whole stretch that repeats with this period (「政务服务服务中心」
            // repeats 「务服」 and 「服务」): allowed if any doubling in it is.
            let mut e = i + 2 * l;
            while e < n && c[e] == c[e - l] {
                e += 1;
            }
            if (i..=e - 2 * l).any(|p| allowed(p, p + 2 * l)) {
                continue;
            }
            hit = Some(Doubled {
                start: i,
                end: i + 2 * l,
                found: c[i..i + 2 * l].iter().collect(),
                expected: unit.iter().collect(),
                restart: false,
            });
            break;
        }
        // A phrase restarted with one character inserted inside it.
        if hit.is_none() {
            for l in periods(again, 3, 8) {
                if i + 2 * l + 1 > n || c[i + l - 1] != c[i + 2 * l] {
                    continue;
                }
                let (a, b) = (&c[i..i + l], &c[i + l..=i + 2 * l]);
                if !c[i..=i + 2 * l].iter().all(|&ch| is_han(ch))
                    || quoted[i..=i + 2 * l].iter().any(|&q| q)
                {
                    continue;
                }
                // B without one of its inner characters is A.
                let inserted = (1..l).any(|k| b[..k] == a[..k] && b[k + 1..] == a[k..]);
                if !inserted || allowed(i, i + 2 * l + 1) {
                    continue;
                }
                hit = Some(Doubled {
                    start: i,
                    end: i + 2 * l + 1,
                    found: c[i..=i + 2 * l].iter().collect(),
                    expected: b.iter().collect(),
                    restart: true,
                });
                break;
            }
        }
        match hit {
            Some(h) => {
                i = h.end;
                out.push(h);
            }
            None => i += 1,
        }
    }
    out
}

/// An enumeration marker in a paragraph (see [`enumeration_markers`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    /// `paren-cn` （一）, `digit` 1. / 1、, `paren-digit` （1） ⑴,
    /// `circled` ①, `shi` 一是, `di` 第一，
    pub kind: &'static str,
    pub n: i64,
    /// As written, without whitespace.
    pub text: String,
    /// Char offset in the paragraph's text with whitespace removed.
    pub start: usize,
}

/// The enumeration markers of one paragraph's text, in order, as items of a
/// list are numbered: 「（一）」「1.」「1、」「（1）」「⑴」「①」「一是」「第一，」.
/// Only where an item begins (start of the paragraph, or after 。；：！？ —
/// for 「一是」 also after ，、), so that 「第一季度」「1.5倍」「2024.1」
/// 「〔2021〕1号」「第（三）项」「1、2月」 are not markers. A line of a table read
/// as text (three numbers apart) has none.
pub fn enumeration_markers(text: &str) -> Vec<Marker> {
    // Every character is tested: a match, not a search of a string.
    fn is_cn_digit(c: char) -> bool {
        matches!(
            c,
            '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
        )
    }
    thread_local! {
        static TABLE_ROW: Option<Regex> =
            Regex::new(r"\d+[ \t\u{3000}\u{a0}]+\d+[ \t\u{3000}\u{a0}]+\d+").ok();
    }
    // A table row needs one of its separators: prose without any (most
    // Chinese paragraphs) is not searched.
    let separated = text.contains([' ', '\t', '\u{3000}', '\u{a0}']);
    if separated && TABLE_ROW.with(|re| re.as_ref().is_some_and(|re| re.is_match(text))) {
        return Vec::new();
    }
    // Whitespace out, full-width ASCII to half-width; circled digits kept.
    let mut written: Vec<char> = Vec::with_capacity(text.len());
    let mut c: Vec<char> = Vec::with_capacity(text.len());
    for ch in text.chars().filter(|ch| !ch.is_whitespace()) {
        written.push(ch);
        c.push(match ch {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(ch as u32 - 0xfee0).unwrap_or(ch),
            _ => ch,
        });
    }
    let n = c.len();
    let item_start = |i: usize, commas: bool| {
        i == 0
            || matches!(c[i - 1], '。' | ';' | ':' | '!' | '?')
            || (commas && matches!(c[i - 1], ',' | '、'))
    };
    let cn_run = |from: usize| -> usize {
        let mut j = from;
        while j < n && j - from < 3 && is_cn_digit(c[j]) {
            j += 1;
        }
        j
    };
    let digit_run = |from: usize| -> usize {
        let mut j = from;
        while j < n && j - from < 3 && c[j].is_ascii_digit() {
            j += 1;
        }
        j
    };
    let cited = |j: usize| j < n && "项款条目号".contains(c[j]);
    let mut out = Vec::new();
    let mut push = |kind: &'static str, number: Option<i64>, from: usize, to: usize| {
        if let Some(n) = number.filter(|n| (1..=99).contains(n)) {
            out.push(Marker {
                kind,
                n,
                text: written[from..to].iter().collect(),
                start: from,
            });
        }
    };
    let cn = |from: usize, to: usize| cn_int(&c[from..to].iter().collect::<String>());
    let num = |from: usize, to: usize| c[from..to].iter().collect::<String>().parse::<i64>().ok();
    let mut i = 0;
    while i < n {
        let ch = c[i];
        match ch {
            '①'..='⑳' => push("circled", Some(ch as i64 - '①' as i64 + 1), i, i + 1),
            '⑴'..='⒇' => push("paren-digit", Some(ch as i64 - '⑴' as i64 + 1), i, i + 1),
            '(' if item_start(i, false) => {
                let j = cn_run(i + 1);
                if j > i + 1 && j < n && c[j] == ')' && !cited(j + 1) {
                    push("paren-cn", cn(i + 1, j), i, j + 1);
                    i = j + 1;
                    continue;
                }
                let j = digit_run(i + 1);
                if j > i + 1 && j - i - 1 <= 2 && j < n && c[j] == ')' && !cited(j + 1) {
                    push("paren-digit", num(i + 1, j), i, j + 1);
                    i = j + 1;
                    continue;
                }
            }
            '0'..='9' if item_start(i, false) => {
                let j = digit_run(i);
                if j - i <= 2
                    && j + 1 < n
                    && matches!(c[j], '.' | '、')
                    && !c[j + 1].is_ascii_digit()
                    && c[j + 1] != '%'
                {
                    push("digit", num(i, j), i, j + 1);
                    i = j + 1;
                    continue;
                }
            }
            '第' if item_start(i, false) => {
                let j = cn_run(i + 1);
                if j > i + 1 && j < n && matches!(c[j], ',' | ':') {
                    push("di", cn(i + 1, j), i, j);
                    i = j;
                    continue;
                }
            }
            _ if is_cn_digit(ch) && item_start(i, true) => {
                let j = cn_run(i);
                if j < n && c[j] == '是' && !(j + 1 < n && c[j + 1] == '否') {
                    push("shi", cn(i, j), i, j + 1);
                    i = j + 1;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::plain_text::normalize;

    #[test]
    fn recurrences_and_periods_are_the_plain_comparisons() {
        let c: Vec<char> = "公开公开的的政府信息公开工作，政府信息公开申请办理公开了了"
            .chars()
            .collect();
        for i in 0..c.len() {
            let bits = recurrences(&c, i);
            for l in 1..=MAX_UNIT {
                let same = i + l < c.len() && c[i + l] == c[i];
                assert_eq!(bits >> l & 1 == 1, same, "{i} {l}");
            }
            assert_eq!(bits & 1, 0);
            for (low, high) in [(1, MAX_UNIT), (3, 8), (1, 1), (5, 2)] {
                let want: Vec<usize> = (low..=high).rev().filter(|&l| bits >> l & 1 == 1).collect();
                assert_eq!(periods(bits, low, high).collect::<Vec<_>>(), want);
            }
        }
    }

    fn found(text: &str) -> Vec<(String, String)> {
        let allow: Vec<String> = [
            "为了了解",
            "不了了之",
            "目的的",
            "现在在",
            "参与与",
            "以及及",
            "服务服务中心",
        ]
        .map(String::from)
        .into();
        doubled(&normalize(text), "的了在和与及对将并被把或于", &allow)
            .into_iter()
            .map(|d| (d.found, d.expected))
            .collect()
    }

    #[test]
    fn text_written_twice() {
        let pair = |a: &str, b: &str| vec![(a.to_string(), b.to_string())];
        assert_eq!(found("加强政务公开的的制度建设"), pair("的的", "的"));
        assert_eq!(found("认真落实落实各项要求"), pair("落实落实", "落实"));
        assert_eq!(found("进一步进一步规范"), pair("进一步进一步", "进一步"));
        assert_eq!(
            found("召开专场新闻发布会召开专场新闻发布会3场"),
            pair("召开专场新闻发布会召开专场新闻发布会", "召开专场新闻发布会")
        );
        // Across a line break inside the paragraph.
        assert_eq!(found("主动公开\n公开政府信息"), pair("公开公开", "公开"));
        assert_eq!(
            found("群众可通过可以通过热线反映"),
            pair("可通过可以通过", "可以通过")
        );
        for ok in [
            "常常 渐渐 人人 层层 件件 项项 年年 时时处处 一一对应 谢谢 个个 天天 家家户户",
            "实实在在、的的确确、方方面面、不了了之、为了了解群众需求",
            "以营利为目的的行为，现在在线办理，参与与监督，以及及时回应",
            "《哈哈哈哈》「公开公开」，数字11、2022年、二零二零年、一个一个地核对",
            "我市市场监管局局长，本市市民，全省省直单位",
            "坚持公开公正开展评议",
            "全区政务服务服务中心",
        ] {
            assert_eq!(found(ok), vec![], "{ok}");
        }
    }

    #[test]
    fn enumeration_markers_only_where_items_begin() {
        let m = |t: &str| -> Vec<(String, i64)> {
            enumeration_markers(t)
                .into_iter()
                .map(|m| (format!("{}:{}", m.kind, m.text), m.n))
                .collect()
        };
        assert_eq!(
            m("（一）主动公开。一是加强，二是完善；三是落实。"),
            [
                ("paren-cn:（一）".into(), 1),
                ("shi:一是".into(), 1),
                ("shi:二是".into(), 2),
                ("shi:三是".into(), 3)
            ]
        );
        assert_eq!(
            m("具体包括：1.制度；2、平台；（3）队伍；①一；⑵二。第一，加强；第二，完善。"),
            [
                ("digit:1.".into(), 1),
                ("digit:2、".into(), 2),
                ("paren-digit:（3）".into(), 3),
                ("circled:①".into(), 1),
                ("paren-digit:⑵".into(), 2),
                ("di:第一".into(), 1),
                ("di:第二".into(), 2)
            ]
        );
        for none in [
            "第一季度收到申请5件，第一批、第一时间处理。",
            "增长1.5倍。2024.1发布。依据国办发〔2021〕1号。",
            "依据《条例》第三十六条第（三）项。1、2月份较多。",
            "（一）本年新收政府信息公开申请数量 12 0 0 0 0 0 12",
            "唯一是，统一是",
        ] {
            assert_eq!(m(none), vec![], "{none}");
        }
    }
}
