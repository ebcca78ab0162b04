//! Paragraph styles (`word/styles.xml`), read only for their list numbering:
//! Word and LibreOffice number headings through the style (「标题 1」 carries
//! `w:numPr`), so the paragraph itself only names the style.

use std::collections::HashMap;

use nianbao_core::adapter::AdapterError;
use quick_xml::Reader;
use quick_xml::events::Event;

use crate::xml_attr::attr;

/// A `basedOn` chain longer than this is a loop or garbage.
const MAX_CHAIN: usize = 32;

#[derive(Debug, Default, Clone)]
struct Style {
    based_on: Option<String>,
    num_id: Option<String>,
    ilvl: Option<u32>,
}

#[derive(Debug, Default)]
pub struct Styles {
    styles: HashMap<String, Style>,
}

/// The list a style puts its paragraphs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StyleNumbering {
    pub num_id: String,
    /// When the style names no level, the level is the one whose `w:pStyle`
    /// links back to the style (see [`crate::numbering::Numbering`]).
    pub ilvl: Option<u32>,
}

impl Styles {
    pub fn parse(xml: &str) -> Result<Styles, AdapterError> {
        let mut styles = Styles::default();
        // Most styles.xml files number nothing: skip the parse.
        if !xml.contains("numId") {
            return Ok(styles);
        }
        let mut reader = Reader::from_str(xml);
        let mut current: Option<(String, Style)> = None;
        // Inside w:pPrChange (the formatting before a tracked change).
        let mut old_depth = 0usize;
        loop {
            let event = reader.read_event().map_err(|e| {
                AdapterError::damaged(format!("DOCX 的样式定义（styles.xml）格式错误：{e}"))
            })?;
            match event {
                Event::Start(e) if e.name().as_ref().ends_with("PrChange") => old_depth += 1,
                Event::End(e) if e.name().as_ref().ends_with("PrChange") => {
                    old_depth = old_depth.saturating_sub(1)
                }
                Event::Start(e) | Event::Empty(e) if old_depth == 0 => match e.name().as_ref() {
                    "w:style" => {
                        current = attr(&e, "w:styleId").map(|id| (id, Style::default()));
                    }
                    "w:basedOn" => {
                        if let Some((_, s)) = current.as_mut() {
                            s.based_on = attr(&e, "w:val");
                        }
                    }
                    "w:numId" => {
                        if let Some((_, s)) = current.as_mut() {
                            s.num_id = attr(&e, "w:val");
                        }
                    }
                    "w:ilvl" => {
                        if let Some((_, s)) = current.as_mut() {
                            s.ilvl = attr(&e, "w:val").and_then(|v| v.parse().ok());
                        }
                    }
                    _ => {}
                },
                Event::End(e) if e.name().as_ref() == "w:style" => {
                    if let Some((id, s)) = current.take() {
                        styles.styles.insert(id, s);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(styles)
    }

    /// The numbering of paragraph style `id`, inherited through `w:basedOn`.
    /// A style with `w:numId` 0 switches off what it inherits.
    pub fn numbering(&self, id: &str) -> Option<StyleNumbering> {
        let mut id = id;
        let mut ilvl = None;
        for _ in 0..MAX_CHAIN {
            let style = self.styles.get(id)?;
            ilvl = ilvl.or(style.ilvl);
            if let Some(num_id) = &style.num_id {
                return (num_id != "0").then(|| StyleNumbering {
                    num_id: num_id.clone(),
                    ilvl,
                });
            }
            id = style.based_on.as_deref()?;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML: &str = r#"<w:styles xmlns:w="w">
      <w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
      <w:style w:type="paragraph" w:styleId="Heading1"><w:basedOn w:val="Normal"/>
        <w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>
        <w:pPrChange w:id="1"><w:pPr><w:numPr><w:numId w:val="9"/></w:numPr></w:pPr></w:pPrChange></w:pPr></w:style>
      <w:style w:type="paragraph" w:styleId="MyHeading"><w:basedOn w:val="Heading1"/></w:style>
      <w:style w:type="paragraph" w:styleId="Heading2"><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
      <w:style w:type="paragraph" w:styleId="Plain"><w:basedOn w:val="Heading1"/><w:pPr><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr></w:style>
      <w:style w:type="paragraph" w:styleId="LoopA"><w:basedOn w:val="LoopB"/></w:style>
      <w:style w:type="paragraph" w:styleId="LoopB"><w:basedOn w:val="LoopA"/></w:style>
    </w:styles>"#;

    #[test]
    fn numbering_is_inherited_through_based_on() {
        let s = Styles::parse(XML).unwrap();
        let num = |id: &str, ilvl: Option<u32>| {
            Some(StyleNumbering {
                num_id: id.into(),
                ilvl,
            })
        };
        assert_eq!(
            s.numbering("Heading1"),
            num("1", Some(0)),
            "not the old value"
        );
        assert_eq!(s.numbering("MyHeading"), num("1", Some(0)));
        assert_eq!(s.numbering("Heading2"), num("1", None));
        assert_eq!(s.numbering("Plain"), None, "numId 0 switches it off");
        assert_eq!(s.numbering("Normal"), None);
        assert_eq!(s.numbering("Missing"), None);
        assert_eq!(s.numbering("LoopA"), None, "a basedOn loop ends");
    }
}
