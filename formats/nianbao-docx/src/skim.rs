//! Skimming the property subtrees that WPS writes around every cell, row,
//! paragraph and run (issue 21: most of a 250 KB `document.xml`). Their
//! content matters to the reader in only a few elements — `w:gridSpan`,
//! `w:vMerge`, the numbering and style of a paragraph — so instead of one
//! XML event per element, the subtree is searched for its end tag and for
//! the `<` of each element inside; when anything the reader acts on in
//! some state (a tracked change, a comment mark, nested content, a comment
//! or CDATA) is there, the subtree is not skimmed but read event by event
//! as before, so the output is the same either way.

/// A skimmed subtree: how many bytes precede its end tag, and the tags
/// inside that must still be handled, in document order.
pub(crate) struct Skimmed<'a> {
    pub len: usize,
    kept: [Option<Kept<'a>>; MAX_KEPT],
}

/// A tag to handle: its content between `<` and `>` (without a trailing
/// `/`), the length of its name, whether it was an empty element.
#[derive(Clone, Copy)]
pub(crate) struct Kept<'a> {
    pub content: &'a str,
    pub name_len: usize,
    pub empty: bool,
}

/// A cell's `w:tcPr` keeps at most `w:gridSpan` and `w:vMerge`, a
/// paragraph's `w:pPr` `w:pStyle`, `w:numId` and `w:ilvl`.
const MAX_KEPT: usize = 4;

impl<'a> Skimmed<'a> {
    pub fn kept(&self) -> impl Iterator<Item = Kept<'a>> + '_ {
        self.kept.iter().map_while(|k| *k)
    }
}

/// The end tag of a subtree worth skimming, for the property elements the
/// reader needs little of.
pub(crate) fn end_tag(name: &str) -> Option<&'static str> {
    Some(match name {
        "w:rPr" => "</w:rPr>",
        "w:pPr" => "</w:pPr>",
        "w:tcPr" => "</w:tcPr>",
        "w:trPr" => "</w:trPr>",
        "w:tblPr" => "</w:tblPr>",
        "w:tblPrEx" => "</w:tblPrEx>",
        "w:tblGrid" => "</w:tblGrid>",
        "w:sectPr" => "</w:sectPr>",
        _ => return None,
    })
}

/// Skims `rest`, the content after the start tag of `name` up to its end
/// tag `end`. `acted_on` says which elements the reader does something
/// with, `keep` which of those it can be handed out of order with the
/// skipped ones. `None`: read it event by event.
pub(crate) fn skim<'a>(
    rest: &'a str,
    name: &str,
    end: &str,
    acted_on: impl Fn(&str) -> bool,
    keep: impl Fn(&str) -> bool,
) -> Option<Skimmed<'a>> {
    // One pass over the `<` of the subtree, which ends at the first end tag
    // `end` (a `<` stands in no attribute value or text; a comment or CDATA
    // that could hide one refuses the skim before it). A substring search
    // for the end tag first cost more to set up than the scan itself.
    let mut skimmed = Skimmed {
        len: 0,
        kept: [None; MAX_KEPT],
    };
    let mut kept = 0;
    for lt in memchr::memchr_iter(b'<', rest.as_bytes()) {
        let tag = &rest[lt + 1..];
        match tag.as_bytes().first() {
            Some(b'/') if rest[lt..].starts_with(end) => {
                skimmed.len = lt;
                return Some(skimmed);
            }
            Some(b'/') => continue,
            Some(b'!' | b'?') | None => return None,
            _ => {}
        }
        let name_len = tag
            .bytes()
            .position(|b| matches!(b, b' ' | b'/' | b'>' | b'\t' | b'\r' | b'\n'))
            .unwrap_or(tag.len());
        let inner = &tag[..name_len];
        if inner == name {
            return None;
        }
        if !acted_on(inner) {
            continue;
        }
        if !keep(inner) || kept == MAX_KEPT {
            return None;
        }
        let gt = tag_end(tag)?;
        let (content, empty) = match tag[..gt].strip_suffix('/') {
            Some(c) => (c, true),
            None => (&tag[..gt], false),
        };
        skimmed.kept[kept] = Some(Kept {
            content,
            name_len,
            empty,
        });
        kept += 1;
    }
    // No end tag.
    None
}

/// Where the `>` that ends a tag is (`>` may stand in attribute values).
fn tag_end(tag: &str) -> Option<usize> {
    let mut quote = None;
    for (i, b) in tag.bytes().enumerate() {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if q == b => quote = None,
            (None, b'>') => return Some(i),
            (None, b'<') => return None,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acted_on(n: &str) -> bool {
        matches!(n, "w:gridSpan" | "w:vMerge" | "w:del")
    }
    fn keep(n: &str) -> bool {
        n != "w:del"
    }

    #[test]
    fn keeps_what_is_needed_and_refuses_what_it_cannot_skip() {
        let rest = r#"<w:tcW w:w="1"/><w:gridSpan w:val="2"/><w:vMerge w:val="a>b"></w:vMerge></w:tcPr><w:p>"#;
        let s = skim(rest, "w:tcPr", "</w:tcPr>", acted_on, keep).unwrap();
        assert_eq!(&rest[s.len..], "</w:tcPr><w:p>");
        let kept: Vec<_> = s.kept().map(|k| (k.content, k.name_len, k.empty)).collect();
        assert_eq!(
            kept,
            [
                (r#"w:gridSpan w:val="2""#, 10, true),
                (r#"w:vMerge w:val="a>b""#, 8, false)
            ]
        );
        let refused = [
            r#"<w:del w:id="1"/></w:rPr>"#,
            "<!-- x --></w:rPr>",
            "<w:rPr></w:rPr></w:rPr>",
            "<w:b/>",
            "<w:b/></w:rPrX>",
            "<w:b/><!-- </w:rPr> --></w:rPr>",
        ];
        for rest in refused {
            assert!(
                skim(rest, "w:rPr", "</w:rPr>", acted_on, keep).is_none(),
                "{rest}"
            );
        }
    }
}
