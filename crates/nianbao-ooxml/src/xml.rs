//! Text written into XML parts.

/// Escapes text for XML content and attribute values, and drops the
/// characters XML 1.0 cannot hold (control characters other than tab and
/// line feed, U+FFFE, U+FFFF). Tab and line feed are kept: in a cell note
/// they are text; a writer that wants them as spaces replaces them first.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// `xml` with `text` inserted before the last occurrence of `closing`
/// (`</Relationships>`, `</Types>`); `None` when there is none.
pub fn insert_before_last(xml: &str, closing: &str, text: &str) -> Option<String> {
    let at = xml.rfind(closing)?;
    let mut out = String::with_capacity(xml.len() + text.len());
    out.push_str(&xml[..at]);
    out.push_str(text);
    out.push_str(&xml[at..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped_and_characters_xml_cannot_hold_are_dropped() {
        assert_eq!(
            escape("a<b & \"c\" > d's"),
            "a&lt;b &amp; &quot;c&quot; &gt; d's"
        );
        assert_eq!(
            escape("一\t二\n三\r\u{1}\u{1f}\u{fffe}\u{ffff}四"),
            "一\t二\n三四"
        );
        assert_eq!(escape("第（一）项 ５"), "第（一）项 ５");
    }

    #[test]
    fn text_goes_before_the_last_closing_tag() {
        assert_eq!(
            insert_before_last("<a><b></b></b></a>", "</b>", "X").as_deref(),
            Some("<a><b></b>X</b></a>")
        );
        assert_eq!(
            insert_before_last("<Types></Types>", "</Types>", "<Default/>").as_deref(),
            Some("<Types><Default/></Types>")
        );
        assert_eq!(insert_before_last("<Types/>", "</Types>", "X"), None);
    }
}
