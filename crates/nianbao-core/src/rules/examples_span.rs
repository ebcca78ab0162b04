//! Finding a rule script's `const EXAMPLES = …;` statement without parsing
//! the script, so that checking compiles the script without its examples.
//!
//! The examples (reports in YAML, inside back-tick strings) are most of a
//! rule's text and about half of the time it takes to compile the built-in
//! rules: 15% of checking one small report. Only `rules test`, `explain` and
//! `docs` read them; they compile the whole script when they do.

use std::ops::Range;

/// The byte range of the top-level `const EXAMPLES = …;` statement, from
/// `const` to its `;`: found by following only what can hide a `;` or a
/// bracket (strings, back-tick strings and their `${…}`, comments).
/// `None` when there is no such statement or the scan is unsure (a raw
/// string, an unterminated string or comment): then the whole script is
/// compiled, as it always was.
pub(super) fn examples_statement(text: &str) -> Option<Range<usize>> {
    let b = text.as_bytes();
    // Bracket depth of each code context: the script's, then one per `${…}`
    // of a back-tick string being read.
    let mut depths: Vec<usize> = vec![0];
    let mut start: Option<usize> = None;
    let mut i = 0;
    while i < b.len() {
        let top_level = depths.len() == 1 && depths[0] == 0;
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = b[i..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(b.len(), |k| i + k);
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = block_comment_end(b, i)?;
                continue;
            }
            q @ (b'"' | b'\'') => {
                i = quoted_end(b, i, q)?;
                continue;
            }
            b'`' => {
                i = back_tick(b, i + 1, &mut depths)?;
                continue;
            }
            // Raw strings (#"…"#) are not followed here.
            b'#' if matches!(b.get(i + 1), Some(b'"' | b'#')) => return None,
            b'{' | b'[' | b'(' => *depths.last_mut()? += 1,
            // The `}` that ends a `${…}`: back inside its back-tick string.
            b'}' if depths.len() > 1 && depths.last() == Some(&0) => {
                depths.pop();
                i = back_tick(b, i + 1, &mut depths)?;
                continue;
            }
            b'}' | b']' | b')' => {
                let d = depths.last_mut()?;
                *d = d.checked_sub(1)?;
            }
            b';' if top_level => {
                if let Some(s) = start {
                    return Some(s..i + 1);
                }
            }
            b'c' if top_level && start.is_none() && starts_examples(b, i) => start = Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The script with the statement replaced by its line breaks alone: every
/// line after it keeps its number, so errors name the same line.
pub(super) fn without(text: &str, span: Range<usize>) -> String {
    let mut out = String::with_capacity(text.len() - span.len());
    out.push_str(&text[..span.start]);
    out.extend(text[span.clone()].chars().filter(|&c| c == '\n'));
    out.push_str(&text[span.end..]);
    out
}

fn is_ident(c: Option<&u8>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

/// `const`, white space, `EXAMPLES` as whole words at `i`.
fn starts_examples(b: &[u8], i: usize) -> bool {
    if (i > 0 && is_ident(b.get(i - 1))) || !b[i..].starts_with(b"const") {
        return false;
    }
    let mut j = i + 5;
    if !b.get(j).is_some_and(u8::is_ascii_whitespace) {
        return false;
    }
    while b.get(j).is_some_and(u8::is_ascii_whitespace) {
        j += 1;
    }
    b[j..].starts_with(b"EXAMPLES") && !is_ident(b.get(j + 8))
}

/// Just past a (nested) block comment starting at `i`.
fn block_comment_end(b: &[u8], mut i: usize) -> Option<usize> {
    let mut level = 0usize;
    loop {
        match (b.get(i)?, b.get(i + 1)) {
            (b'/', Some(b'*')) => {
                level += 1;
                i += 2;
            }
            (b'*', Some(b'/')) => {
                level -= 1;
                i += 2;
                if level == 0 {
                    return Some(i);
                }
            }
            _ => i += 1,
        }
    }
}

/// Just past a `"…"` string or `'…'` character starting at `i`: escapes,
/// a doubled quote inside, a line continuation; a bare line break ends the
/// scan (unsure).
fn quoted_end(b: &[u8], mut i: usize, quote: u8) -> Option<usize> {
    i += 1;
    loop {
        match *b.get(i)? {
            b'\\' => i += 2,
            b'\n' => return None,
            c if c == quote => {
                if b.get(i + 1) == Some(&quote) {
                    i += 2;
                } else {
                    return Some(i + 1);
                }
            }
            _ => i += 1,
        }
    }
}

/// Reads a back-tick string from `i` (just past its opening back-tick, or
/// past the `}` of an interpolation): just past its closing back-tick, or
/// just past a `${`, with a new code context pushed for it.
fn back_tick(b: &[u8], mut i: usize, depths: &mut Vec<usize>) -> Option<usize> {
    loop {
        match (*b.get(i)?, b.get(i + 1)) {
            // A doubled back-tick is one back-tick of the text.
            (b'`', Some(b'`')) => i += 2,
            (b'`', _) => return Some(i + 1),
            // `\${` is a `$` of the text.
            (b'\\', Some(b'$')) => i += 2,
            (b'$', Some(b'{')) => {
                depths.push(0);
                return Some(i + 2);
            }
            _ => i += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement(text: &str) -> Option<&str> {
        examples_statement(text).map(|r| &text[r])
    }

    #[test]
    fn the_statement_ends_at_its_own_semicolon() {
        let text = "const ID = \"A-1\";\n\
            const EXAMPLES = [\n\
            #{ name: \"分号；和 ; 括号 ] } ) 在字符串里\", expect: 1, report: `\n  a: \"x;\" ]\n  b: 'y'\n` },\n\
            // a comment ; ]\n\
            /* a /* nested */ comment ; ] */\n\
            #{ name: 'c', expect: 0, report: `x: ${1 + [2, 3].len()}; y: ${`in ${\"z;\"}`} ``;`` \\${ not` },\n\
            ];\n\
            fn check(report) { [] }\n";
        let s = statement(text).unwrap();
        assert!(s.starts_with("const EXAMPLES = ["), "{s}");
        assert!(s.ends_with("];"), "{s}");
        assert!(text[text.find(s).unwrap() + s.len()..].starts_with("\nfn check"));
        // Every line after it keeps its number.
        let blank = without(text, examples_statement(text).unwrap());
        assert!(!blank.contains("EXAMPLES"));
        let (old, new): (Vec<&str>, Vec<&str>) = (text.lines().collect(), blank.lines().collect());
        assert_eq!(old.len(), new.len());
        assert_eq!(old[..1], new[..1]);
        assert!(new[1..10].iter().all(|l| l.is_empty()));
        assert_eq!(old[10..], new[10..]);
        assert_eq!(new[10], "fn check(report) { [] }");
    }

    #[test]
    fn only_a_top_level_statement_counts() {
        // Inside a comment, a string, a function: not the statement.
        assert_eq!(
            statement("// const EXAMPLES = [];\nfn check(r) { [] }"),
            None
        );
        assert_eq!(
            statement("/* const EXAMPLES = []; */ fn check(r) { [] }"),
            None
        );
        assert_eq!(statement("const A = \"const EXAMPLES = [];\";"), None);
        assert_eq!(statement("fn f() { const EXAMPLES = []; }"), None);
        assert_eq!(statement("const EXAMPLES_OLD = [];"), None);
        assert_eq!(statement("const NO_EXAMPLES = [];"), None);
        assert_eq!(
            statement("fn f() { 1 }\nconst\tEXAMPLES=[1];"),
            Some("const\tEXAMPLES=[1];")
        );
    }

    #[test]
    fn an_unsure_scan_gives_up() {
        // Raw strings, unterminated strings or comments, unbalanced brackets.
        assert_eq!(statement("const EXAMPLES = [#\"x\"#];"), None);
        assert_eq!(statement("const EXAMPLES = [`open];"), None);
        assert_eq!(statement("const EXAMPLES = [\"open\n];"), None);
        assert_eq!(
            statement("const EXAMPLES = [1]; /* open"),
            Some("const EXAMPLES = [1];")
        );
        assert_eq!(statement("/* open\nconst EXAMPLES = [1];"), None);
        assert_eq!(statement("const EXAMPLES = [1]];"), None);
        assert_eq!(statement("const EXAMPLES = [1"), None);
    }

    #[test]
    fn every_built_in_rule_has_its_examples_found() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules");
        let sources = super::super::compile::read_rule_dir(&root).unwrap();
        let mut found = 0;
        for src in &sources {
            if src.path.ends_with("pack.rhai") {
                continue;
            }
            let s = statement(&src.text).unwrap_or_else(|| panic!("{}", src.path));
            assert!(
                s.starts_with("const EXAMPLES") && s.ends_with(';'),
                "{}",
                src.path
            );
            found += 1;
        }
        assert!(found >= 40, "{found}");
    }
}
