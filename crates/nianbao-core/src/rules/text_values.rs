//! Text helpers' results as script values: regular-expression matches,
//! doublings and enumeration markers as Rhai maps, and the caches of
//! compiled patterns (one per thread, over one for the process). It imports only the pure text modules, so that the
//! shared report data (`derived`), the report API (`api`) and the
//! registration of the text helpers (`text`) can all use it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::{LazyLock, RwLock};

use regex::{Regex, RegexBuilder};
use rhai::{Array, Dynamic, EvalAltResult, INT, Map, Position};

use super::proofread::{doubled, enumeration_markers};

pub(crate) type Res<T> = Result<T, Box<EvalAltResult>>;

pub(crate) fn fail<T>(message: String) -> Res<T> {
    Err(Box::new(EvalAltResult::ErrorRuntime(
        message.into(),
        Position::NONE,
    )))
}

const MAX_PATTERN: usize = 2_000;
const CACHE_SIZE: usize = 256;

thread_local! {
    // Scripts pass literal patterns; compiling them once (see `COMPILED`)
    // keeps a rule's cost per report to the matching itself. Within a
    // thread shared by `Rc`, not cloned: a cloned `Regex` gets a new, empty
    // search cache, and building that (the lazy DFA's tables) cost more than
    // the match; so a thread clones a pattern once, from `COMPILED`.
    // Looked up on every regex helper call: ahash, not SipHash, over the
    // pattern text (keys random per process, as script text may come from
    // a report).
    static REGEX_CACHE: RefCell<HashMap<String, Rc<Pattern>, ahash::RandomState>> =
        RefCell::new(HashMap::default());
}

/// Patterns compiled on any thread, for the others: a thread's first use of
/// a pattern takes a clone (the compiled program is shared, the clone gets
/// its own search cache) instead of compiling it again. The national rules'
/// patterns take ~20 ms to compile, on every worker thread before this.
/// Bounded and emptied whole like the per-thread caches.
type SharedPatterns = HashMap<String, (Regex, bool), ahash::RandomState>;
static COMPILED: LazyLock<RwLock<SharedPatterns>> = LazyLock::new(Default::default);

/// A script's regular expression, compiled, with what `report.find` needs
/// to know of it.
pub(crate) struct Pattern {
    pub re: Regex,
    /// Whether it has a line anchor (`^`, `$`, `\A`, `\z`, multi-line or
    /// not), which matches differently in a paragraph on its own and in the
    /// paragraphs joined by line breaks. A pattern the parser refuses counts
    /// as anchored (the cautious answer).
    pub line_anchored: bool,
}

impl std::ops::Deref for Pattern {
    type Target = Regex;
    fn deref(&self) -> &Regex {
        &self.re
    }
}

pub(crate) fn compiled(pattern: &str) -> Res<Rc<Pattern>> {
    if pattern.len() > MAX_PATTERN {
        return fail(format!("正则表达式过长（{} 字节）", pattern.len()));
    }
    if let Some(re) = REGEX_CACHE.with(|c| c.borrow().get(pattern).cloned()) {
        return Ok(re);
    }
    let shared = COMPILED.read().ok().and_then(|m| m.get(pattern).cloned());
    let (re, line_anchored) = match shared {
        Some(found) => found,
        None => {
            let re = RegexBuilder::new(pattern)
                .size_limit(1 << 20)
                .dfa_size_limit(1 << 20)
                .build()
                .or_else(|e| fail(format!("正则表达式有误：{pattern}：{e}")))?;
            let line_anchored = has_line_anchors(pattern);
            if let Ok(mut m) = COMPILED.write() {
                if m.len() >= CACHE_SIZE {
                    m.clear();
                }
                m.entry(pattern.to_string())
                    .or_insert_with(|| (re.clone(), line_anchored));
            }
            (re, line_anchored)
        }
    };
    let compiled = Rc::new(Pattern { re, line_anchored });
    REGEX_CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= CACHE_SIZE {
            c.clear();
        }
        c.insert(pattern.to_string(), compiled.clone());
    });
    Ok(compiled)
}

fn has_line_anchors(pattern: &str) -> bool {
    use regex_syntax::hir::Look;
    regex_syntax::parse(pattern).map_or(true, |hir| {
        let looks = hir.properties().look_set();
        [
            Look::Start,
            Look::End,
            Look::StartLF,
            Look::EndLF,
            Look::StartCRLF,
            Look::EndCRLF,
        ]
        .into_iter()
        .any(|l| looks.contains(l))
    })
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
pub(crate) fn matches(text: &str, pattern: &str) -> Res<Array> {
    let re = compiled(pattern)?;
    let mut out = Array::new();
    match_maps(&re, text, &[], &mut out);
    Ok(out)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::plain_text::letter_count;

    #[test]
    fn a_pattern_compiled_on_one_thread_serves_the_others() {
        let pattern = r"共享(\d+)次[^。]{0,3}";
        let first = compiled(pattern).unwrap();
        let here: Vec<String> = first
            .captures_iter("共享12次了。共享3次")
            .map(|c| c[1].to_string())
            .collect();
        let there = std::thread::spawn(move || {
            let re = compiled(pattern).unwrap();
            let found: Vec<String> = re
                .captures_iter("共享12次了。共享3次")
                .map(|c| c[1].to_string())
                .collect();
            (found, re.line_anchored)
        })
        .join()
        .unwrap();
        assert_eq!(here, ["12", "3"]);
        assert_eq!(there, (here, false));
        // A pattern that does not compile is an error on every thread, and not stored.
        assert!(compiled("(未闭合").is_err());
        assert!(
            std::thread::spawn(|| compiled("(未闭合").is_err())
                .join()
                .unwrap()
        );
        assert!(!COMPILED.read().unwrap().contains_key("(未闭合"));
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
}
