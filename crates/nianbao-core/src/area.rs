//! Functional areas: 国家级新区, 综合实验区, 开发区/高新区/经开区, 自贸试验区
//! 片区 and the like. Their 管委会 publish reports like any government, but
//! their names do not start with an administrative division's full name, so
//! [`crate::region::resolve`] cannot place them on its own.
//!
//! Two ways to place one, tried when the division table alone does not:
//! - the well-known areas whose names name no division (「两江新区」,
//!   「平潭综合实验区」) are listed in `data/areas.tsv` with the division they
//!   lie in and the level their agencies report at;
//! - a name that starts with a division's name or short name and goes on
//!   to an area word (「长春经济技术开发区管委会」, 「苏州工业园区」,
//!   「中国（福建）自由贸易试验区厦门片区」) lies in that division.
//!
//! A name with an area word that neither places stays unresolved; the
//! ORG-NAME rule then says so as an info, never a warning.

use std::sync::OnceLock;

use crate::division::{Level, Region};

const TABLE: &str = include_str!("../data/areas.tsv");

/// Words that end the name of a functional area. Longest first, so that
/// 「综合保税区」 is taken whole before 「保税区」.
const AREA_WORDS: &[&str] = &[
    "自由贸易试验区",
    "高新技术产业开发区",
    "经济技术开发区",
    "综合保税区",
    "高新技术产业园区",
    "综合实验区",
    "综合试验区",
    "深度合作区",
    "合作区",
    "开发区",
    "高新区",
    "经开区",
    "保税区",
    "工业园区",
    "产业园区",
    "园区",
    "新区",
    "实验区",
    "试验区",
    "示范区",
    "先行区",
    "生态城",
    "片区",
    "风景名胜区",
    "度假区",
    "旅游区",
    "港区",
    "管理区",
    "聚集区",
    "新城",
];

/// The kind of area an area word names, as shown to people.
fn kind_of(word: &str) -> &'static str {
    match word {
        "自由贸易试验区" | "片区" => "自由贸易试验区",
        "新区" => "新区",
        "综合实验区" | "综合试验区" | "实验区" | "试验区" => "实验区",
        "合作区" | "深度合作区" => "合作区",
        "示范区" | "先行区" => "示范区",
        _ => "开发区",
    }
}

/// The kind of area a name names, if it has an area word.
pub(crate) fn kind_of_name(name: &str) -> Option<&'static str> {
    first_area_word(name).map(|(_, w)| kind_of(w))
}

struct ListedArea {
    name: &'static str,
    /// The name and its aliases with ASCII brackets (as NFKC writes them),
    /// each with the name followed by 管 (「…管委会」), made once.
    spellings: Vec<(String, String)>,
    code: &'static str,
    level: Level,
    kind: &'static str,
}

fn listed() -> &'static [ListedArea] {
    static LISTED: OnceLock<Vec<ListedArea>> = OnceLock::new();
    LISTED.get_or_init(|| {
        TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| {
                let mut f = l.split('\t');
                let name = f.next()?;
                let aliases = f.next()?;
                let code = f.next()?;
                let level = match f.next()? {
                    "province" => Level::Province,
                    "city" => Level::City,
                    _ => Level::County,
                };
                let kind = f.next()?;
                let spellings = std::iter::once(name)
                    .chain(aliases.split('|').filter(|a| *a != "-"))
                    .map(|n| {
                        let n = n.replace('（', "(").replace('）', ")");
                        let managed = format!("{n}管");
                        (n, managed)
                    })
                    .collect();
                Some(ListedArea {
                    name,
                    spellings,
                    code,
                    level,
                    kind,
                })
            })
            .collect()
    })
}

/// Whether a name has an area word: a 管委会 of some area, placed or not.
pub fn is_area_name(name: &str) -> bool {
    AREA_WORDS.iter().any(|w| name.contains(w))
}

/// The first area word in `text`: its byte offset and the word.
fn first_area_word(text: &str) -> Option<(usize, &'static str)> {
    AREA_WORDS
        .iter()
        .filter_map(|w| text.find(w).map(|i| (i, *w)))
        .min_by_key(|(i, w)| (*i, std::cmp::Reverse(w.len())))
}

/// An area named right at the start of `rest` (what follows a division's
/// name): 「经济技术开发区管委会」 → the bytes of 「经济技术开发区」 and its kind.
/// Not when an agency word comes first (「人民政府办公室…园区」).
pub(crate) fn area_word_at_start(rest: &str) -> Option<(usize, &'static str)> {
    let (i, word) = first_area_word(rest)?;
    let before = &rest[..i];
    let agency_word = before.contains(|c| "局委办厅院所站队会府部处科室".contains(c));
    // 「新城镇人民政府」, 「港区街道」: a town or street named so, not an area.
    let town = rest[i + word.len()..].starts_with(['镇', '乡', '街', '村', '社']);
    (before.chars().count() <= 12 && !agency_word && !town).then(|| (i + word.len(), kind_of(word)))
}

/// One of the well-known areas of `data/areas.tsv` (`name` is NFKC, without
/// whitespace and without a leading 中共).
pub(crate) fn listed_area(
    name: &str,
    province_hint: Option<&str>,
    region_of: impl Fn(u32) -> Option<Region>,
) -> Option<Region> {
    let a = listed().iter().find(|a| {
        a.spellings
            .iter()
            .any(|(n, managed)| name.starts_with(n.as_str()) || name.contains(managed.as_str()))
    })?;
    let parent = region_of(a.code.parse().ok()?)?;
    fits(&parent, province_hint).then(|| as_area(parent, a.name, a.level, a.kind))
}

/// Places an area's agency whose name starts with a division's short name
/// (「长春经济技术开发区管委会」) or is a free-trade zone's
/// (「中国（福建）自由贸易试验区厦门片区」). `division_prefixes` gives the
/// divisions a name may start with, by full or short name: `(code, bytes of
/// the name taken)`; `province_hint` is as in [`crate::region::resolve`].
pub(crate) fn resolve(
    name: &str,
    province_hint: Option<&str>,
    division_prefixes: impl Fn(&str) -> Vec<(u32, usize)>,
    region_of: impl Fn(u32) -> Option<Region>,
) -> Option<Region> {
    // 「中国（福建）自由贸易试验区厦门片区」: the province in brackets, then
    // a 片区 named after a division of it.
    let (name, free_trade_province) = match name.strip_prefix("中国(") {
        Some(rest) => {
            let close = rest.find(')')?;
            (&rest[close + 1..], Some(&rest[..close]))
        }
        None => (name, None),
    };
    let (word_at, word) = first_area_word(name)?;
    let area_name = &name[..word_at + word.len()];
    if let Some(province) = free_trade_province {
        // The 片区 within the province, else the province's area as a whole.
        let prov = division_prefixes(province)
            .into_iter()
            .filter_map(|(c, _)| region_of(c))
            .find(|r| r.level == Level::Province)?;
        if !fits(&prov, province_hint) {
            return None;
        }
        // 「厦门片区」 of 「自由贸易试验区厦门片区管委会」.
        let piece = name
            .strip_prefix("自由贸易试验区")
            .and_then(|rest| rest.find("片区").map(|i| &rest[..i + "片区".len()]));
        let placed = piece.and_then(|piece| {
            unique(
                division_prefixes(piece)
                    .into_iter()
                    .filter_map(|(c, _)| region_of(c))
                    .filter(|r| r.province == prov.province && r.level != Level::Province)
                    .collect(),
            )
        });
        let full = format!("中国（{province}）{area_name}{}", piece.unwrap_or(""));
        return Some(match placed {
            Some(r) => as_area(r, &full, Level::County, "自由贸易试验区"),
            None => as_area(prov, &full, Level::City, "自由贸易试验区"),
        });
    }
    // A division's name or short name right at the start, then the area.
    let candidates: Vec<Region> = division_prefixes(name)
        .into_iter()
        .filter(|(_, end)| *end <= word_at)
        .filter_map(|(c, _)| region_of(c))
        .filter(|r| fits(r, province_hint))
        .collect();
    // Cities and counties before provinces: 「吉林高新区」 is in 吉林市.
    let local: Vec<Region> = candidates
        .iter()
        .filter(|r| r.level != Level::Province)
        .cloned()
        .collect();
    let parent = if local.is_empty() {
        unique(candidates)?
    } else {
        unique(local)?
    };
    let level = if parent.level == Level::Province {
        Level::City
    } else {
        Level::County
    };
    Some(as_area(parent, area_name, level, kind_of(word)))
}

/// The one region of a list, if it holds exactly one (by code).
fn unique(mut found: Vec<Region>) -> Option<Region> {
    found.sort_by(|a, b| a.code.cmp(&b.code));
    found.dedup_by(|a, b| a.code == b.code);
    match found.len() {
        1 => found.pop(),
        _ => None,
    }
}

fn fits(r: &Region, province_hint: Option<&str>) -> bool {
    province_hint.is_none_or(|h| {
        let h = h.trim().to_lowercase();
        r.province.starts_with(&h) || r.province_pinyin == h
    })
}

/// The area as a region: named after itself, in its division.
fn as_area(parent: Region, name: &str, level: Level, kind: &str) -> Region {
    Region {
        name: name.to_string(),
        level,
        districted: false,
        area: Some(kind.to_string()),
        ..parent
    }
}
