//! Pure text functions for rules, without Rhai: normalising, sentences,
//! letter counts, similarity of texts, Chinese numerals. Native, so a rule
//! comparing every sentence pair stays fast. A leaf: the script-facing
//! modules (`text`, `derived`, `api`) import it, it imports none of them.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use regex::Regex;

/// Texts whose bigrams are memoised per thread before the memo is emptied.
const BIGRAMS_CACHE_SIZE: usize = 4 * 256;

thread_local! {
    /// Sorted character bigrams of recently compared texts (rules compare
    /// every sentence with every other, so each text comes back many times).
    static BIGRAMS: RefCell<HashMap<String, Rc<[u64]>>> = RefCell::new(HashMap::new());
}

/// Word lists whose automaton is kept per thread before the memo is emptied.
const WORD_LISTS_CACHE_SIZE: usize = 16;

thread_local! {
    /// Automatons of recently searched word lists (a rule passes the same
    /// dictionary for every report), with each distinct word's positions,
    /// keyed by a hash of the words: finding a list hashes the words once
    /// and compares them, without copying a dictionary per report.
    static WORD_LISTS: RefCell<HashMap<u64, Vec<Rc<WordList>>>> = RefCell::new(HashMap::new());
    static WORD_HASHER: ahash::RandomState = ahash::RandomState::new();
}

struct WordList {
    words: Vec<String>,
    automaton: Option<aho_corasick::AhoCorasick>,
    /// Per pattern of the automaton, the positions of that word in the list.
    positions: Vec<Vec<usize>>,
    /// Positions of empty words (in every text).
    empty: Vec<usize>,
}

impl WordList {
    fn new<S: AsRef<str>>(words: &[S]) -> WordList {
        let words: Vec<String> = words.iter().map(|w| w.as_ref().to_string()).collect();
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut patterns: Vec<&str> = Vec::new();
        let mut positions: Vec<Vec<usize>> = Vec::new();
        let mut empty = Vec::new();
        for (i, w) in words.iter().enumerate() {
            if w.is_empty() {
                empty.push(i);
                continue;
            }
            let id = *index.entry(w.as_str()).or_insert_with(|| {
                patterns.push(w.as_str());
                positions.push(Vec::new());
                patterns.len() - 1
            });
            positions[id].push(i);
        }
        let automaton = aho_corasick::AhoCorasick::new(&patterns).ok();
        WordList {
            words,
            automaton,
            positions,
            empty,
        }
    }
}

/// The positions in `words` of the words that occur in `text`, in order:
/// what `text.contains(word)` says of each, in one pass over the text
/// instead of one per word (TXT-TYPO looks for a dictionary of misspellings).
pub fn words_in<S: AsRef<str>>(text: &str, words: &[S]) -> Vec<usize> {
    let key = WORD_HASHER.with(|h| {
        use std::hash::{BuildHasher, Hash, Hasher};
        let mut hasher = h.build_hasher();
        words.len().hash(&mut hasher);
        for w in words {
            w.as_ref().hash(&mut hasher);
        }
        hasher.finish()
    });
    let same = |list: &WordList| {
        list.words.len() == words.len()
            && list.words.iter().zip(words).all(|(a, b)| a == b.as_ref())
    };
    let list = WORD_LISTS.with(|c| {
        c.borrow()
            .get(&key)
            .and_then(|lists| lists.iter().find(|l| same(l)).cloned())
    });
    let list = list.unwrap_or_else(|| {
        let list = Rc::new(WordList::new(words));
        WORD_LISTS.with(|c| {
            let mut c = c.borrow_mut();
            if c.len() >= WORD_LISTS_CACHE_SIZE {
                c.clear();
            }
            c.entry(key).or_default().push(list.clone());
        });
        list
    });
    let mut found: Vec<usize> = list.empty.clone();
    match &list.automaton {
        Some(ac) => {
            let mut seen = vec![false; list.positions.len()];
            let mut left = seen.len();
            for m in ac.find_overlapping_iter(text) {
                let id = m.pattern().as_usize();
                if !seen[id] {
                    seen[id] = true;
                    found.extend(&list.positions[id]);
                    left -= 1;
                    if left == 0 {
                        break;
                    }
                }
            }
        }
        // Too large an automaton: the plain search.
        None => found.extend(
            list.words
                .iter()
                .enumerate()
                .filter(|(_, w)| !w.is_empty() && text.contains(w.as_str()))
                .map(|(i, _)| i),
        ),
    }
    found.sort_unstable();
    found
}

/// The numbers written in a text, as values, leaving out those that are a
/// year, month, day, 号 or percentage (followed by 年 月 日 号 %):
/// 「2024年办结12件，占3.5%」 gives 12. Digits other than ASCII ones (the
/// text is normalised: full-width digits are ASCII there) are left out too.
pub fn number_values(text: &str) -> Vec<f64> {
    thread_local! {
        static NUMBER: Option<Regex> = Regex::new(r"(\d+(?:\.\d+)?)(%|年|月|日|号)?").ok();
    }
    NUMBER.with(|re| {
        let Some(re) = re else { return Vec::new() };
        re.captures_iter(text)
            .filter(|c| c.get(2).is_none())
            .filter_map(|c| c.get(1)?.as_str().parse::<f64>().ok())
            .collect()
    })
}

/// A percentage written in a text, with what NUM-PERCENT reads around it.
#[derive(Debug, Clone, PartialEq)]
pub struct Percentage {
    /// As written: 「55.9%」.
    pub text: String,
    pub value: f64,
    /// Digits after the decimal point.
    pub decimals: usize,
    /// The [`sentences`] item it is in.
    pub sentence: String,
    /// The numbers ([`number_values`]) of the text before the first
    /// occurrence of `text`.
    pub numbers_ahead: Vec<f64>,
    /// The last clause of that text: what follows its last 「，,；;：:」.
    pub clause: String,
}

/// Every percentage of a text, sentence by sentence, in order.
pub fn percentages(text: &str) -> Vec<Percentage> {
    thread_local! {
        static PERCENT: Option<Regex> = Regex::new(r"(\d+(?:\.(\d+))?)%").ok();
    }
    PERCENT.with(|re| {
        let Some(re) = re else { return Vec::new() };
        let mut out = Vec::new();
        for sentence in sentences(text).into_iter().filter(|s| s.contains('%')) {
            for c in re.captures_iter(&sentence) {
                let (Some(all), Some(number)) = (c.get(0), c.get(1)) else {
                    continue;
                };
                let Ok(value) = number.as_str().parse::<f64>() else {
                    continue;
                };
                let ahead = &text[..text.find(all.as_str()).unwrap_or(0)];
                let clause = ahead
                    .rfind(['，', ',', '；', ';', '：', ':'])
                    .map_or(ahead, |at| {
                        let separator = ahead[at..].chars().next().map_or(0, char::len_utf8);
                        &ahead[at + separator..]
                    });
                out.push(Percentage {
                    text: all.as_str().to_string(),
                    value,
                    decimals: c.get(2).map_or(0, |d| d.as_str().chars().count()),
                    sentence: sentence.clone(),
                    numbers_ahead: number_values(ahead),
                    clause: clause.to_string(),
                });
            }
        }
        out
    })
}

/// Characters other than punctuation (`\p{P}`), digits and whitespace.
pub fn letter_count(text: &str) -> usize {
    text.chars().filter(|&c| !is_skipped(c)).count()
}

/// The class `[\p{P}\d\s]` (Unicode punctuation, decimal digits, white
/// space) as sorted code point ranges, taken from the regex parser so that
/// it is the class a regular expression would match; a search per sentence
/// with that regex was half of the rules' shared-data time (issue 21).
static SKIPPED: std::sync::LazyLock<Vec<(char, char)>> = std::sync::LazyLock::new(|| {
    use regex_syntax::hir::{Class, HirKind};
    match regex_syntax::parse(r"[\p{P}\d\s]").map(|h| h.into_kind()) {
        Ok(HirKind::Class(Class::Unicode(class))) => class
            .ranges()
            .iter()
            .map(|r| (r.start(), r.end()))
            .collect(),
        _ => Vec::new(),
    }
});

fn is_skipped(c: char) -> bool {
    // Common ideographs are letters: no search for most of a Chinese text.
    if ('\u{4e00}'..='\u{9fff}').contains(&c) {
        return false;
    }
    let ranges = &*SKIPPED;
    let i = ranges.partition_point(|&(_, end)| end < c);
    ranges.get(i).is_some_and(|&(start, _)| start <= c)
}

/// NFKC (full-width digits and letters to half-width) without whitespace.
pub fn normalize(text: &str) -> String {
    // Rules normalise every paragraph, often: the fast path of the table
    // reader skips full NFKC for plain CJK, ASCII and full-width text.
    crate::value::nfkc_filtered(text, |c| (!c.is_whitespace()).then_some(c))
}

/// Sentences, split after 。！？； and line breaks, trimmed, empty ones dropped.
pub fn sentences(text: &str) -> Vec<String> {
    // Split points found on the text itself, each sentence copied once.
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '\n' | '\r' => {
                push_sentence(&mut out, &text[start..i]);
                start = i + 1;
            }
            '。' | '！' | '？' | '；' | '!' | '?' | ';' => {
                let end = i + c.len_utf8();
                push_sentence(&mut out, &text[start..end]);
                start = end;
            }
            _ => {}
        }
    }
    push_sentence(&mut out, &text[start..]);
    out
}

fn push_sentence(out: &mut Vec<String>, sentence: &str) {
    let s = sentence.trim();
    if !s.is_empty() {
        out.push(s.to_string());
    }
}

/// The letters of a text for comparison: no punctuation or spaces, numbers
/// masked (so 「2022年」 and 「2023年」 compare equal).
fn letters(text: &str) -> Vec<char> {
    let mut out = Vec::new();
    letters_into(text, &mut out);
    out
}

/// [`letters`] into a buffer the caller reuses.
fn letters_into(text: &str, out: &mut Vec<char>) {
    out.clear();
    crate::value::nfkc_filtered_into(
        text,
        |c| {
            // Most letters are ASCII or common ideographs: no Unicode table lookup.
            let letter = c.is_ascii_alphanumeric()
                || ('\u{4e00}'..='\u{9fff}').contains(&c)
                || (!c.is_ascii() && c.is_alphanumeric());
            letter.then_some(if c.is_ascii_digit() { '0' } else { c })
        },
        out,
    );
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
        if c.len() >= BIGRAMS_CACHE_SIZE {
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
pub fn near_duplicates<S: AsRef<str>>(texts: &[S], threshold: f64) -> Vec<(usize, usize, f64)> {
    // Per text: its number of bigrams, and its distinct bigrams with their
    // counts, sorted, so a pair is compared by one merge instead of hashing.
    let mut chars = Vec::new();
    let mut keys = Vec::new();
    let grams: Vec<(usize, Vec<(u64, u32)>)> = texts
        .iter()
        .map(|t| {
            letters_into(t.as_ref(), &mut chars);
            keys.clear();
            keys.extend(
                chars
                    .windows(2)
                    .map(|w| (u64::from(w[0]) << 32) | u64::from(w[1])),
            );
            keys.sort_unstable();
            let mut counted: Vec<(u64, u32)> = Vec::with_capacity(keys.len());
            for &k in &keys {
                match counted.last_mut() {
                    Some((last, n)) if *last == k => *n += 1,
                    _ => counted.push((k, 1)),
                }
            }
            (keys.len(), counted)
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
    // How rare a token is only orders the tokens: any order that is the same
    // in every text finds every pair, rarer first only finds fewer false
    // candidates. So texts are counted per slot of a token's hash, not per
    // token (a collision makes a token look more common, never less), which
    // costs one multiply and one increment per token: numbering the tokens
    // with a hash map, or sorting them all, cost most of the search.
    const SLOT_BITS: u32 = 12;
    let slot = |g: u64, k: u32| -> usize {
        let key = g ^ u64::from(k).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (key.wrapping_mul(0x517c_c1b7_2722_0a95) >> (64 - SLOT_BITS)) as usize
    };
    let mut frequency = vec![0u32; 1 << SLOT_BITS];
    for (_, counted) in grams {
        for &(g, n) in counted {
            for k in 0..n {
                frequency[slot(g, k)] += 1;
            }
        }
    }
    // The prefix tokens of every text, as (bigram, occurrence, text).
    let mut prefixes: Vec<(u64, u32, u32)> = Vec::new();
    let mut tokens: Vec<(u32, u64, u32)> = Vec::new();
    for (text, (_, counted)) in grams.iter().enumerate() {
        tokens.clear();
        for &(g, n) in counted {
            tokens.extend((0..n).map(|k| (frequency[slot(g, k)], g, k)));
        }
        let l = tokens.len();
        // Floor, not ceil: a longer prefix is never wrong, only slower.
        let overlap = ((threshold * l as f64 / (2.0 - threshold)) - 1e-9)
            .floor()
            .max(0.0) as usize;
        let prefix = (l + 1).saturating_sub(overlap.max(1)).min(l);
        // The `prefix` first tokens in that order; their own order is not needed.
        if prefix > 0 && prefix < l {
            tokens.select_nth_unstable(prefix - 1);
        }
        // A token in no other text (its slot counts one) pairs with nothing.
        prefixes.extend(
            tokens[..prefix]
                .iter()
                .filter(|t| t.0 > 1)
                .map(|&(_, g, k)| (g, k, text as u32)),
        );
    }
    // Equal tokens side by side, their texts in increasing order.
    prefixes.sort_unstable();
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for group in prefixes.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
        for (b, &(_, _, j)) in group.iter().enumerate() {
            pairs.extend(group[..b].iter().map(|&(_, _, i)| (j, i)));
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
        .into_iter()
        .map(|(j, i)| (i as usize, j as usize))
        .collect()
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

#[cfg(test)]
mod tests {

    #[test]
    fn letter_count_is_the_regex_class() {
        let re = Regex::new(r"[\p{P}\d\s]").unwrap();
        let mut buf = [0u8; 4];
        for c in (0..0x11_0000).filter_map(char::from_u32) {
            let skipped = re.is_match(c.encode_utf8(&mut buf));
            assert_eq!(is_skipped(c), skipped, "U+{:04X}", c as u32);
        }
        assert_eq!(letter_count("收到申请 12 件。「公开」"), 7);
    }

    #[test]
    fn number_values_leave_out_dates_and_percentages() {
        assert_eq!(
            number_values("2024年1月5日，办结1191件，占55.9%，其中3.5件、12号文、007"),
            vec![1191.0, 3.5, 7.0]
        );
        assert!(number_values("没有数字").is_empty());
    }

    #[test]
    fn percentages_with_the_numbers_and_clause_before_them() {
        let got = percentages("办结40件，其中予以公开30件，公开率75%。同比增长2.50%；无");
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].text, "75%");
        assert_eq!((got[0].value, got[0].decimals), (75.0, 0));
        assert_eq!(got[0].sentence, "办结40件，其中予以公开30件，公开率75%。");
        assert_eq!(got[0].numbers_ahead, vec![40.0, 30.0]);
        assert_eq!(got[0].clause, "公开率");
        assert_eq!((got[1].value, got[1].decimals), (2.5, 2));
        assert_eq!(got[1].sentence, "同比增长2.50%；");
        // 。 does not end a clause there, as in the rule's regex.
        assert_eq!(got[1].clause, "公开率75%。同比增长");
        // What comes before is the text before the first occurrence of the
        // same percentage; no separator: the whole text before it.
        let got = percentages("占12%（12%）");
        assert_eq!(got.len(), 2);
        assert_eq!(
            (got[1].clause.as_str(), got[1].numbers_ahead.len()),
            ("占", 0)
        );
        assert!(percentages("没有百分比，100件").is_empty());
        // The clause is what NUM-PERCENT's regex took as the last clause.
        let last = Regex::new("[^，,；;：:]*$").unwrap();
        let pieces = [
            "占", "12", "，", ",", "；", ":", "：", "3.5%", "。", "率", "4%",
        ];
        let mut seed = 11u64;
        for _ in 0..500 {
            let mut text = String::new();
            for _ in 0..12 {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                text.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            for p in percentages(&text) {
                let ahead = &text[..text.find(&p.text).unwrap()];
                assert_eq!(p.clause, last.find(ahead).unwrap().as_str(), "{text}");
                assert_eq!(p.numbers_ahead, number_values(ahead), "{text}");
            }
        }
    }

    #[test]
    fn words_in_is_contains_for_each_word() {
        let words: Vec<String> = ["公开", "", "申请", "公开", "信息公开", "复议", "开申", "x"]
            .into_iter()
            .map(String::from)
            .collect();
        for text in ["", "政府信息公开申请", "复议", "公开申请公开", "abc"] {
            let expected: Vec<usize> = (0..words.len())
                .filter(|&i| text.contains(words[i].as_str()))
                .collect();
            assert_eq!(words_in(text, &words), expected, "{text}");
        }
        // Lists are told apart by their words, not by where they live or
        // what they share: each answer is the list's own.
        let other: Vec<&str> = vec!["公开", "", "申请", "公开", "信息公开", "复议", "开申", "y"];
        assert_eq!(words_in("x y 公开", &other), vec![0, 1, 3, 7]);
        assert_eq!(words_in("x y 公开", &words), vec![0, 1, 3, 7]);
        assert_eq!(words_in("x 公开", &other[..7]), vec![0, 1, 3]);
    }

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
        let s = sentences("  甲。 \r\n乙!丙?；\u{3000}丁 ");
        assert_eq!(s, ["甲。", "乙!", "丙?", "；", "丁"]);
        assert!(sentences(" \n\r ").is_empty());
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
}
