//! Radical look-alikes → the ideographs they stand for.
//!
//! Some PDF writers (Chromium/Skia, some WPS versions) map glyphs in the
//! `/ToUnicode` CMap to the Kangxi Radicals (U+2F00…) or CJK Radicals
//! Supplement (U+2E80…) code points that look the same as the ideograph:
//! 「⼈⺠」 for 「人民」, 「⼀、总体情况」 for 「一、总体情况」. Text compares and
//! reads right only after mapping them back.

use unicode_normalization::char::decompose_compatible;

/// CJK Radicals Supplement forms that are whole characters, with the
/// ideograph they look like (Unicode's EquivalentUnifiedIdeograph data for
/// these code points; radicals that are only components are left alone).
const SUPPLEMENT: &[(char, char)] = &[
    ('\u{2E81}', '厂'),
    ('\u{2E87}', '几'),
    ('\u{2E8A}', '卜'),
    ('\u{2E8C}', '小'),
    ('\u{2E92}', '巳'),
    ('\u{2E93}', '幺'),
    ('\u{2E97}', '心'),
    ('\u{2E9B}', '旡'),
    ('\u{2E9C}', '日'),
    ('\u{2E9D}', '月'),
    ('\u{2E9F}', '母'),
    ('\u{2EA0}', '民'),
    ('\u{2EA9}', '王'),
    ('\u{2EAF}', '糸'),
    ('\u{2EBB}', '聿'),
    ('\u{2EBC}', '月'),
    ('\u{2EBD}', '臼'),
    ('\u{2EC1}', '虎'),
    ('\u{2EC4}', '西'),
    ('\u{2EC5}', '见'),
    ('\u{2EC6}', '角'),
    ('\u{2EC9}', '贝'),
    ('\u{2ECA}', '足'),
    ('\u{2ECB}', '车'),
    ('\u{2ED1}', '長'),
    ('\u{2ED3}', '长'),
    ('\u{2ED4}', '门'),
    ('\u{2ED7}', '雨'),
    ('\u{2ED8}', '青'),
    ('\u{2ED9}', '韦'),
    ('\u{2EDA}', '页'),
    ('\u{2EDB}', '风'),
    ('\u{2EDC}', '飞'),
    ('\u{2EDD}', '食'),
    ('\u{2EE1}', '首'),
    ('\u{2EE2}', '马'),
    ('\u{2EE3}', '骨'),
    ('\u{2EE4}', '鬼'),
    ('\u{2EE5}', '鱼'),
    ('\u{2EE6}', '鸟'),
    ('\u{2EE7}', '卤'),
    ('\u{2EE8}', '麦'),
    ('\u{2EE9}', '黄'),
    ('\u{2EEA}', '黾'),
    ('\u{2EEC}', '齐'),
    ('\u{2EEE}', '齿'),
    ('\u{2EF0}', '龙'),
    ('\u{2EF3}', '龟'),
];

/// Maps one character.
pub fn ideograph(c: char) -> char {
    match c {
        '\u{2F00}'..='\u{2FD5}' => {
            let mut out = c;
            decompose_compatible(c, |d| out = d);
            out
        }
        '\u{2E80}'..='\u{2EFF}' => SUPPLEMENT
            .binary_search_by_key(&c, |(r, _)| *r)
            .map_or(c, |i| SUPPLEMENT[i].1),
        _ => c,
    }
}

/// Maps every radical look-alike of a string.
pub fn ideographs(s: &str) -> String {
    s.chars().map(ideograph).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radicals_become_ideographs() {
        assert_eq!(ideographs("⼀、总体情况"), "一、总体情况");
        assert_eq!(ideographs("中华⼈⺠共和国"), "中华人民共和国");
        assert_eq!(ideographs("职能部⻔"), "职能部门");
        assert_eq!(ideographs("⺡"), "⺡");
    }

    #[test]
    fn the_table_is_sorted() {
        assert!(SUPPLEMENT.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
