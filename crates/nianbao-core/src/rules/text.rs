//! Text helpers for rule scripts: what Rhai lacks for Chinese prose
//! (regular expressions, sentence splitting, similarity, Chinese numerals),
//! registered on the engine. The functions themselves live in the pure
//! modules `plain_text` and `proofread` (re-exported here) and their script
//! values in `text_values`; a paragraph's own text is answered from the
//! report's shared data (`derived`).

use rhai::{Array, Dynamic, Engine, INT, ImmutableString, Map};

pub use super::plain_text::{
    cn_int, edit_distance, letter_count, near_duplicates, normalize, number_values, percentages,
    sentences, similarity, words_in,
};
pub use super::proofread::{Doubled, Marker, doubled, enumeration_markers};
use super::text_values::{Res, compiled, doubled_maps, fail, marker_maps, matches, strings};

/// The numbers of a script array (integers too); anything else is left out.
fn floats(items: &Array) -> Vec<f64> {
    items
        .iter()
        .filter_map(|d| {
            d.as_float()
                .ok()
                .or_else(|| d.as_int().ok().map(|i| i as f64))
        })
        .collect()
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
        .register_fn("number_values", |text: &str| -> Array {
            number_values(text)
                .into_iter()
                .map(Dynamic::from_float)
                .collect()
        })
        .register_fn("percentages", |text: &str| -> Array {
            percentages(text)
                .into_iter()
                .map(|p| {
                    let mut m = Map::new();
                    m.insert("text".into(), p.text.into());
                    m.insert("value".into(), Dynamic::from_float(p.value));
                    m.insert("decimals".into(), (p.decimals as INT).into());
                    m.insert("sentence".into(), p.sentence.into());
                    let numbers: Array = p
                        .numbers_ahead
                        .into_iter()
                        .map(Dynamic::from_float)
                        .collect();
                    m.insert("numbers_ahead".into(), numbers.into());
                    m.insert("clause".into(), p.clause.into());
                    Dynamic::from(m)
                })
                .collect()
        })
        .register_fn("words_in", |text: &str, words: Array| -> Array {
            // Shared strings, not copies: a dictionary comes every report.
            let words: Vec<ImmutableString> = words
                .iter()
                .filter_map(|d| d.clone().into_immutable_string().ok())
                .collect();
            words_in(text, &words)
                .into_iter()
                .map(|i| Dynamic::from(words[i].clone()))
                .collect()
        })
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
        })
        .register_fn(
            "percent_derivable",
            |parts: Array, bases: Array, stated: f64, decimals: INT| -> bool {
                super::percent::percent_derivable(
                    &floats(&parts),
                    &floats(&bases),
                    stated,
                    u32::try_from(decimals).unwrap_or(0),
                )
            },
        );
}
