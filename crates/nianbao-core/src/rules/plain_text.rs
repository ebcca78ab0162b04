//! Text helpers for rule scripts: what Rhai lacks for Chinese prose
//! (regular expressions, sentence splitting, similarity, Chinese numerals).
//! Native, so a rule comparing every sentence pair stays fast.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use regex::{Regex, RegexBuilder};
use rhai::{Array, Dynamic, Engine, EvalAltResult, INT, ImmutableString, Map, Position};

type Res<T> = Result<T, Box<EvalAltResult>>;

fn fail<T>(message: String) -> Res<T> {
    Err(Box::new(EvalAltResult::ErrorRuntime(
        message.into(),
        Position::NONE,
    )))
}

const MAX_PATTERN: usize = 2_000;
const CACHE_SIZE: usize = 256;

thread_local! {
    // Scripts pass literal patterns; compiling them once per thread keeps a
    // rule's cost per report to the matching itself. Shared by `Rc`, not
    // cloned: a cloned `Regex` gets a new, empty search cache, and building
    // that (the lazy DFA's tables) cost more than the match.
    static REGEX_CACHE: RefCell<HashMap<String, Rc<Regex>>> = RefCell::new(HashMap::new());
    /// Sorted character bigrams of recently compared texts (rules compare
    /// every sentence with every other, so each text comes back many times).
    static BIGRAMS: RefCell<HashMap<String, Rc<[u64]>>> = RefCell::new(HashMap::new());
}

pub(crate) fn compiled(pattern: &str) -> Res<Rc<Regex>> {
    if pattern.len() > MAX_PATTERN {
        return fail(format!("正则表达式过长（{} 字节）", pattern.len()));
    }
    if let Some(re) = REGEX_CACHE.with(|c| c.borrow().get(pattern).cloned()) {
        return Ok(re);
    }
    let re = Rc::new(
        RegexBuilder::new(pattern)
            .size_limit(1 << 20)
            .dfa_size_limit(1 << 20)
            .build()
            .or_else(|e| fail(format!("正则表达式有误：{pattern}：{e}")))?,
    );
    REGEX_CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= CACHE_SIZE {
            c.clear();
        }
        c.insert(pattern.to_string(), re.clone());
    });
    Ok(re)
}

/// Char offsets of byte offsets met in increasing order, counting each
/// stretch of text once (a text with many matches is not recounted from
/// its start for each).
struct CharOffsets<'a> {
    text: &'a str,
    byte: usize,
    chars: usize,
}

impl CharOffsets<'_> {
    fn at(&mut self, byte: usize) -> INT {
        if byte < self.byte {
            (self.byte, self.chars) = (0, 0);
        }
        self.chars += self.text[self.byte..byte].chars().count();
        self.byte = byte;
        self.chars as INT
    }
}

/// Every match of `re` in `text` as `#{text, start, end, groups}`, plus the
/// given extra fields.
pub(crate) fn match_maps(re: &Regex, text: &str, extra: &[(&str, INT)], out: &mut Array) {
    let mut offsets = CharOffsets {
        text,
        byte: 0,
        chars: 0,
    };
    for caps in re.captures_iter(text).take(10_000) {
        let Some(whole) = caps.get(0) else { continue };
        let mut m = Map::new();
        m.insert("text".into(), whole.as_str().into());
        m.insert("start".into(), offsets.at(whole.start()).into());
        m.insert("end".into(), offsets.at(whole.end()).into());
        let groups: Array = caps
            .iter()
            .skip(1)
            .map(|g| g.map_or(Dynamic::UNIT, |g| g.as_str().into()))
            .collect();
        m.insert("groups".into(), groups.into());
        for (k, v) in extra {
            m.insert((*k).into(), (*v).into());
        }
        out.push(Dynamic::from(m));
    }
}

fn matches(text: &str, pattern: &str) -> Res<Array> {
    let re = compiled(pattern)?;
    let mut out = Array::new();
    match_maps(&re, text, &[], &mut out);
    Ok(out)
}

/// Characters other than punctuation (`\p{P}`), digits and whitespace.
pub fn letter_count(text: &str) -> usize {
    thread_local! {
        // Runs, not single characters: one search per run.
        static SKIP: Option<Regex> = Regex::new(r"[\p{P}\d\s]+").ok();
    }
    let skipped = SKIP.with(|re| {
        re.as_ref().map_or(0, |re| {
            re.find_iter(text).map(|m| m.as_str().chars().count()).sum()
        })
    });
    text.chars().count() - skipped
}

/// NFKC (full-width digits and letters to half-width) without whitespace.
pub fn normalize(text: &str) -> String {
    // Rules normalise every paragraph, often: the fast path of the table
    // reader skips full NFKC for plain CJK, ASCII and full-width text.
    crate::value::nfkc_filtered(text, |c| (!c.is_whitespace()).then_some(c))
}

/// Sentences, split after 。！？； and line breaks, trimmed, empty ones dropped.
pub fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        if c == '\n' || c == '\r' {
            push_sentence(&mut out, &mut cur);
            continue;
        }
        cur.push(c);
        if matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';') {
            push_sentence(&mut out, &mut cur);
        }
    }
    push_sentence(&mut out, &mut cur);
    out
}

fn push_sentence(out: &mut Vec<String>, cur: &mut String) {
    let s = cur.trim();
    if !s.is_empty() {
        out.push(s.to_string());
    }
    cur.clear();
}

/// The letters of a text for comparison: no punctuation or spaces, numbers
/// masked (so 「2022年」 and 「2023年」 compare equal).
fn letters(text: &str) -> Vec<char> {
    crate::value::nfkc_filtered(text, |c| {
        // Most letters are ASCII or common ideographs: no Unicode table lookup.
        let letter = c.is_ascii_alphanumeric()
            || ('\u{4e00}'..='\u{9fff}').contains(&c)
            || (!c.is_ascii() && c.is_alphanumeric());
        letter.then_some(if c.is_ascii_digit() { '0' } else { c })
    })
    .chars()
    .collect()
}

/// Dice coefficient of character bigrams (0.0–1.0), after [`letters`].
pub fn similarity(a: &str, b: &str) -> f64 {
    let (ga, gb) = (bigrams(a), bigrams(b));
    match (ga.len(), gb.len()) {
        // Fewer than two letters: equal non-empty texts are the same, else not.
        (0, 0) => {
            let (a, b) = (letters(a), letters(b));
            return if a == b && !a.is_empty() { 1.0 } else { 0.0 };
        }
        (0, _) | (_, 0) => return 0.0,
        _ => {}
    }
    let common = crate::value::common_sorted(&ga, &gb);
    2.0 * common as f64 / (ga.len() + gb.len()) as f64
}

/// The sorted bigrams of [`letters`], each pair of chars packed in a u64;
/// memoised per thread (bounded).
fn bigrams(text: &str) -> Rc<[u64]> {
    if let Some(g) = BIGRAMS.with(|c| c.borrow().get(text).cloned()) {
        return g;
    }
    let l = letters(text);
    let mut g: Vec<u64> = l
        .windows(2)
        .map(|w| (u64::from(w[0]) << 32) | u64::from(w[1]))
        .collect();
    g.sort_unstable();
    let g: Rc<[u64]> = g.into();
    BIGRAMS.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= 4 * CACHE_SIZE {
            c.clear();
        }
        c.insert(text.to_string(), g.clone());
    });
    g
}

/// Pairs `(i, j, similarity)`, `i < j`, of texts whose [`similarity`] is at
/// least `threshold`. Bigrams are counted once per text and pairs that cannot
/// reach the threshold by length alone are skipped, so a whole report's
/// sentences compare in one call.
pub fn near_duplicates(texts: &[String], threshold: f64) -> Vec<(usize, usize, f64)> {
    // Per text: its number of bigrams, and its distinct bigrams with their
    // counts, sorted, so a pair is compared by one merge instead of hashing.
    let grams: Vec<(usize, Vec<(u64, u32)>)> = texts
        .iter()
        .map(|t| {
            let l = letters(t);
            let mut keys: Vec<u64> = l
                .windows(2)
                .map(|w| (u64::from(w[0]) << 32) | u64::from(w[1]))
                .collect();
            keys.sort_unstable();
            let mut counted: Vec<(u64, u32)> = Vec::with_capacity(keys.len());
            for k in keys {
                match counted.last_mut() {
                    Some((last, n)) if *last == k => *n += 1,
                    _ => counted.push((k, 1)),
                }
            }
            (l.len().saturating_sub(1), counted)
        })
        .collect();
    let compare = |i: usize, j: usize| -> Option<f64> {
        let ((la, a), (lb, b)) = (&grams[i], &grams[j]);
        let total = (la + lb) as f64;
        // Even a full overlap of the shorter one could not reach it.
        if *la == 0 || *lb == 0 || 2.0 * (*la).min(*lb) as f64 / total < threshold {
            return None;
        }
        let sim = 2.0 * f64::from(common_count(a, b)) / total;
        (sim >= threshold).then_some(sim)
    };
    let mut out = Vec::new();
    if threshold <= 0.0 || threshold > 1.0 || texts.len() < 16 {
        for j in 0..grams.len() {
            for i in 0..j {
                if let Some(sim) = compare(i, j) {
                    out.push((i, j, sim));
                }
            }
        }
        return out;
    }
    for (i, j) in candidate_pairs(&grams, threshold) {
        if let Some(sim) = compare(i, j) {
            out.push((i, j, sim));
        }
    }
    out
}

/// The pairs `(i, j)`, `i < j`, sorted by `j` then `i`, that may reach the
/// threshold: those whose prefixes share a bigram (prefix filtering, as in
/// the AllPairs similarity join). Each text is a set of tokens (a bigram and
/// its occurrence number, so multisets work), ordered rarest first over all
/// texts. Dice ≥ t needs an overlap of at least t·l/(2−t) tokens for a text
/// of l tokens, whatever the other text, and two sets sharing at least α
/// tokens share one among the first l − α + 1 of each: pairs whose prefixes
/// share nothing cannot reach the threshold and are never compared.
fn candidate_pairs(grams: &[(usize, Vec<(u64, u32)>)], threshold: f64) -> Vec<(usize, usize)> {
    // Every token (bigram, occurrence) with its text, sorted: equal tokens
    // are neighbours, which numbers them and counts their texts without a
    // hash map.
    let mut all: Vec<(u64, u32, u32)> = Vec::with_capacity(grams.iter().map(|g| g.0).sum());
    for (text, (_, counted)) in grams.iter().enumerate() {
        for &(g, n) in counted {
            all.extend((0..n).map(|k| (g, k, text as u32)));
        }
    }
    all.sort_unstable();
    // Per text: (frequency, token id) of each of its tokens.
    let mut tokens: Vec<Vec<(u32, u32)>> = grams.iter().map(|g| Vec::with_capacity(g.0)).collect();
    let mut start = 0;
    let mut id = 0u32;
    while start < all.len() {
        let (g, k, _) = all[start];
        let end = start + all[start..].partition_point(|t| (t.0, t.1) == (g, k));
        let frequency = (end - start) as u32;
        for t in &all[start..end] {
            tokens[t.2 as usize].push((frequency, id));
        }
        id += 1;
        start = end;
    }
    // (token id, text) of every prefix token, sorted by token.
    let mut prefixes: Vec<(u32, u32)> = Vec::new();
    for (text, t) in tokens.iter_mut().enumerate() {
        t.sort_unstable();
        let l = t.len();
        // Floor, not ceil: a longer prefix is never wrong, only slower.
        let overlap = ((threshold * l as f64 / (2.0 - threshold)) - 1e-9)
            .floor()
            .max(0.0) as usize;
        let prefix = (l + 1).saturating_sub(overlap.max(1)).min(l);
        prefixes.extend(t[..prefix].iter().map(|&(_, id)| (id, text as u32)));
    }
    prefixes.sort_unstable();
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    while start < prefixes.len() {
        let id = prefixes[start].0;
        let end = start + prefixes[start..].partition_point(|p| p.0 == id);
        let texts = &prefixes[start..end];
        for (b, &(_, j)) in texts.iter().enumerate() {
            for &(_, i) in &texts[..b] {
                if i != j {
                    pairs.push((j as usize, i as usize));
                }
            }
        }
        start = end;
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs.into_iter().map(|(j, i)| (i, j)).collect()
}

/// Size of the multiset intersection of two sorted (bigram, count) lists.
fn common_count(a: &[(u64, u32)], b: &[(u64, u32)]) -> u32 {
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += a[i].1.min(b[j].1);
                i += 1;
                j += 1;
            }
        }
    }
    common
}

/// Levenshtein distance in characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len() > 500 || b.len() > 500 {
        return a.len().max(b.len());
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// 「12」, 「１２」, 「十二」, 「两」, 「一百零五」, 「1,234」 → the integer.
pub fn cn_int(text: &str) -> Option<i64> {
    let t: String = normalize(text).replace(',', "");
    if t.is_empty() {
        return None;
    }
    if t.chars().all(|c| c.is_ascii_digit()) {
        return t.parse().ok();
    }
    let digit = |c: char| -> Option<i64> {
        Some(match c {
            '零' | '〇' => 0,
            '一' => 1,
            '二' | '两' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => return None,
        })
    };
    let (mut total, mut section, mut number) = (0i64, 0i64, 0i64);
    for c in t.chars() {
        if let Some(d) = digit(c) {
            number = d;
            continue;
        }
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            '万' => 10_000,
            _ => return None,
        };
        if unit == 10_000 {
            total = (total + section + number) * unit;
            section = 0;
        } else {
            section += if number == 0 && unit == 10 { 1 } else { number } * unit;
        }
        number = 0;
    }
    Some(total + section + number)
}

// ---------------------------------------------------------------------------
// Proofreading: text written twice, and enumeration markers.

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
    // Whether the character at each position comes again within MAX_UNIT
    // characters (a doubling needs it): most do not, and are skipped. Slots
    // by a hash of the character; a collision only costs a useless check.
    let mut near = vec![false; n];
    let mut slot = [u32::MAX; 512];
    for (i, &ch) in c.iter().enumerate().rev() {
        let k = ch as usize % slot.len();
        near[i] = slot[k] != u32::MAX && slot[k] as usize - i <= MAX_UNIT;
        slot[k] = i as u32;
    }
    let mut i = 0;
    while i + 1 < n {
        if !near[i] {
            i += 1;
            continue;
        }
        let mut hit: Option<Doubled> = None;
        // Exact repetitions, longest first.
        for l in (1..=MAX_UNIT.min((n - i) / 2)).rev() {
            if c[i] != c[i + l] || c[i..i + l] != c[i + l..i + 2 * l] {
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
            for l in (3..=8usize).rev() {
                if i + 2 * l + 1 > n || c[i] != c[i + l] || c[i + l - 1] != c[i + 2 * l] {
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
    thread_local! {
        static TABLE_ROW: Option<Regex> =
            Regex::new(r"\d+[ \t\u{3000}\u{a0}]+\d+[ \t\u{3000}\u{a0}]+\d+").ok();
    }
    if TABLE_ROW.with(|re| re.as_ref().is_some_and(|re| re.is_match(text))) {
        return Vec::new();
    }
    // Whitespace out, full-width ASCII to half-width; circled digits kept.
    let written: Vec<char> = text.chars().filter(|ch| !ch.is_whitespace()).collect();
    let c: Vec<char> = written
        .iter()
        .map(|&ch| match ch {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(ch as u32 - 0xfee0).unwrap_or(ch),
            _ => ch,
        })
        .collect();
    let n = c.len();
    let item_start = |i: usize, commas: bool| {
        i == 0
            || matches!(c[i - 1], '。' | ';' | ':' | '!' | '?')
            || (commas && matches!(c[i - 1], ',' | '、'))
    };
    let cn_run = |from: usize| -> usize {
        let mut j = from;
        while j < n && j - from < 3 && "一二三四五六七八九十".contains(c[j]) {
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
            _ if "一二三四五六七八九十".contains(ch) && item_start(i, true) => {
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

/// The strings of a script array (other items skipped).
pub(crate) fn strings(items: &Array) -> Vec<String> {
    items
        .iter()
        .filter_map(|d| d.clone().into_immutable_string().ok())
        .map(|s| s.to_string())
        .collect()
}

/// [`doubled`] as script maps `#{text, expected, restart, start, end}`, plus
/// the given extra fields.
pub(crate) fn doubled_maps(
    text: &str,
    single: &str,
    allow: &[String],
    extra: &[(&str, INT)],
) -> Array {
    doubled(text, single, allow)
        .into_iter()
        .map(|d| {
            let mut m = Map::new();
            m.insert("text".into(), d.found.into());
            m.insert("expected".into(), d.expected.into());
            m.insert("restart".into(), d.restart.into());
            m.insert("start".into(), (d.start as INT).into());
            m.insert("end".into(), (d.end as INT).into());
            for (k, v) in extra {
                m.insert((*k).into(), (*v).into());
            }
            Dynamic::from(m)
        })
        .collect()
}

/// [`enumeration_markers`] as script maps `#{kind, n, text, start}`, plus
/// the given extra fields.
pub(crate) fn marker_maps(text: &str, extra: &[(&str, INT)]) -> Array {
    enumeration_markers(text)
        .into_iter()
        .map(|mk| marker_map(mk.kind, mk.n, mk.text, mk.start, extra))
        .collect()
}

pub(crate) fn marker_map(
    kind: &str,
    n: i64,
    text: String,
    start: usize,
    extra: &[(&str, INT)],
) -> Dynamic {
    let mut m = Map::new();
    m.insert("kind".into(), kind.into());
    m.insert("n".into(), (n as INT).into());
    m.insert("text".into(), text.into());
    m.insert("start".into(), (start as INT).into());
    for (k, v) in extra {
        m.insert((*k).into(), (*v).into());
    }
    Dynamic::from(m)
}

pub fn register(engine: &mut Engine) {
    engine
        .register_fn("matches", |text: &str, pattern: &str| {
            matches(text, pattern)
        })
        .register_fn("is_match", |text: &str, pattern: &str| -> Res<bool> {
            Ok(compiled(pattern)?.is_match(text))
        })
        .register_fn(
            "replace_all",
            |text: &str, pattern: &str, with: &str| -> Res<String> {
                Ok(compiled(pattern)?.replace_all(text, with).into_owned())
            },
        )
        .register_fn("join", |items: Array, sep: &str| -> String {
            items
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(sep)
        })
        // A paragraph's own text is answered from the report's shared data.
        .register_fn("normalize", |text: &str| -> ImmutableString {
            super::derived::normalized_of(text).unwrap_or_else(|| normalize(text).into())
        })
        .register_fn("sentences", |text: &str| -> Array {
            super::derived::sentences_of(text)
                .unwrap_or_else(|| sentences(text).into_iter().map(Dynamic::from).collect())
        })
        .register_fn("similarity", similarity)
        .register_fn(
            "near_duplicates",
            |texts: Array, threshold: f64| -> Res<Array> {
                if texts.len() > 5_000 {
                    return fail(format!(
                        "near_duplicates 最多比较 5000 段文字，实为 {}",
                        texts.len()
                    ));
                }
                let texts: Vec<String> = texts.iter().map(|d| d.to_string()).collect();
                Ok(near_duplicates(&texts, threshold)
                    .into_iter()
                    .map(|(i, j, sim)| {
                        let mut m = Map::new();
                        m.insert("i".into(), (i as INT).into());
                        m.insert("j".into(), (j as INT).into());
                        m.insert("similarity".into(), sim.into());
                        Dynamic::from(m)
                    })
                    .collect())
            },
        )
        .register_fn("edit_distance", |a: &str, b: &str| {
            edit_distance(a, b) as INT
        })
        .register_fn("cn_int", |text: &str| -> Dynamic {
            cn_int(text).map_or(Dynamic::UNIT, Dynamic::from)
        })
        .register_fn("count_chars", |text: &str| -> INT {
            text.chars().filter(|c| !c.is_whitespace()).count() as INT
        })
        .register_fn("is_area_name", crate::area::is_area_name)
        .register_fn(
            "doubled",
            |text: &str, single: &str, allow: Array| -> Array {
                doubled_maps(text, single, &strings(&allow), &[])
            },
        )
        .register_fn("enumeration_markers", |text: &str| -> Array {
            marker_maps(text, &[])
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numerals() {
        for (t, n) in [
            ("12", 12),
            ("１２", 12),
            ("十二", 12),
            ("两", 2),
            ("二十", 20),
            ("一百零五", 105),
            ("三千二百", 3200),
            ("1,234", 1234),
            ("十", 10),
        ] {
            assert_eq!(cn_int(t), Some(n), "{t}");
        }
        assert_eq!(cn_int("若干"), None);
        assert_eq!(cn_int(""), None);
    }

    #[test]
    fn sentences_and_similarity() {
        let s = sentences("第一句。第二句；\n第三句");
        assert_eq!(s, ["第一句。", "第二句；", "第三句"]);
        assert!(similarity("2022年收到申请5件。", "2023年收到申请7件") > 0.99);
        assert!(similarity("推动工作健康有序开展", "完全不同的一句话") < 0.2);
        // Bigrams counted as a multiset: 「啊啊啊」 has two 「啊啊」, 「啊啊」 one.
        assert!((similarity("啊啊啊", "啊啊") - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(similarity("甲", "甲"), 1.0);
        assert_eq!(similarity("甲", "乙"), 0.0);
        assert_eq!(similarity("，。", "，。"), 0.0);
        assert_eq!(edit_distance("只计这一情况", "只计这一情形"), 1);
        let texts: Vec<String> = [
            "推动工作健康有序开展，完善制度",
            "一句完全无关的话",
            "推动工作健康有序开展，完善机制",
        ]
        .map(String::from)
        .into();
        let pairs = near_duplicates(&texts, 0.8);
        assert_eq!(pairs.len(), 1);
        assert_eq!((pairs[0].0, pairs[0].1), (0, 2));
        assert!((pairs[0].2 - similarity(&texts[0], &texts[2])).abs() < 1e-9);
        // Repeated bigrams count as a multiset there too.
        let texts: Vec<String> = ["啊啊啊", "啊啊啊啊啊", "啊啊哦啊啊"]
            .map(String::from)
            .into();
        for (i, j, sim) in near_duplicates(&texts, 0.0) {
            assert!(
                (sim - similarity(&texts[i], &texts[j])).abs() < 1e-9,
                "{i} {j}"
            );
        }
    }

    #[test]
    fn prefix_filtering_finds_every_pair_that_comparing_all_finds() {
        // Texts from a small alphabet, many near one another, some repeated.
        let alphabet: Vec<char> = "政府信息公开申请办理答复年度报告工作".chars().collect();
        let mut seed = 7u64;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        let base: Vec<String> = (0..12)
            .map(|_| {
                (0..(10 + next(30)))
                    .map(|_| alphabet[next(alphabet.len())])
                    .collect()
            })
            .collect();
        let texts: Vec<String> = (0..80)
            .map(|_| {
                let mut t: Vec<char> = base[next(base.len())].chars().collect();
                for _ in 0..next(4) {
                    let at = next(t.len());
                    t[at] = alphabet[next(alphabet.len())];
                }
                t.into_iter().collect()
            })
            .collect();
        for threshold in [0.3, 0.5, 0.8, 0.9, 1.0] {
            let mut all = Vec::new();
            for j in 0..texts.len() {
                for i in 0..j {
                    let sim = similarity(&texts[i], &texts[j]);
                    if sim >= threshold {
                        all.push((i, j));
                    }
                }
            }
            let got: Vec<(usize, usize)> = near_duplicates(&texts, threshold)
                .into_iter()
                .map(|(i, j, _)| (i, j))
                .collect();
            assert!(!all.is_empty(), "{threshold}");
            assert_eq!(got, all, "threshold {threshold}");
        }
    }

    #[test]
    fn regex_errors_and_offsets_in_chars() {
        let m = matches("全年收到申请12件", r"(\d+)件").unwrap();
        let m = m[0].clone().try_cast::<Map>().unwrap();
        assert_eq!(m["start"].as_int().unwrap(), 6);
        // Offsets of later matches count from where the last one was.
        let m = matches("一件，二件，三件", "件").unwrap();
        let starts: Vec<INT> = m
            .iter()
            .map(|m| {
                m.clone().try_cast::<Map>().unwrap()["start"]
                    .as_int()
                    .unwrap()
            })
            .collect();
        assert_eq!(starts, [1, 4, 7]);
        assert_eq!(letter_count("收到申请 12 件。"), 5);
        assert!(matches("x", "(").is_err());
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
