//! Automatic list numbering (`word/numbering.xml`): real reports often get
//! 「一、」 and 「（一）」 from here rather than from the text.

use std::collections::HashMap;

use nianbao_core::adapter::AdapterError;
use quick_xml::Reader;
use quick_xml::events::Event;

use crate::styles::Styles;
use crate::xml_attr::attr;

#[derive(Debug, Clone, Default)]
struct Level {
    format: String,
    text: String,
    start: u32,
    /// The paragraph style linked to this level (headings numbered by style).
    p_style: Option<String>,
}

#[derive(Debug, Default)]
struct Abstract {
    levels: HashMap<u32, Level>,
    /// `w:numStyleLink`: the levels are those of a numbering style's list.
    num_style_link: Option<String>,
}

#[derive(Debug, Default)]
struct Num {
    abstract_id: String,
    /// `w:lvlOverride/w:startOverride`: this instance restarts at these values.
    start_overrides: HashMap<u32, u32>,
}

#[derive(Debug, Default)]
pub struct Numbering {
    abstracts: HashMap<String, Abstract>,
    nums: HashMap<String, Num>,
    styles: Styles,
    /// Counters per (list instance, level). A list instance is the abstract
    /// list, shared by every w:num pointing to it, unless the w:num restarts
    /// the numbering with an override.
    counters: HashMap<(String, u32), u32>,
}

impl Numbering {
    pub fn parse(xml: &str, styles: Styles) -> Result<Numbering, AdapterError> {
        let mut n = Numbering {
            styles,
            ..Numbering::default()
        };
        let mut reader = Reader::from_str(xml);
        let (mut abs, mut num, mut lvl): (Option<String>, Option<String>, Option<u32>) =
            (None, None, None);
        let mut override_lvl: Option<u32> = None;
        loop {
            let event = reader.read_event().map_err(|e| {
                AdapterError::damaged(format!("DOCX 的编号定义（numbering.xml）格式错误：{e}"))
            })?;
            match event {
                Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                    "w:abstractNum" => {
                        abs = attr(&e, "w:abstractNumId");
                        if let Some(a) = &abs {
                            n.abstracts.entry(a.clone()).or_default();
                        }
                    }
                    "w:num" => num = attr(&e, "w:numId"),
                    "w:abstractNumId" => {
                        if let (Some(id), Some(a)) = (&num, attr(&e, "w:val")) {
                            n.nums.entry(id.clone()).or_default().abstract_id = a;
                        }
                    }
                    "w:lvlOverride" => {
                        override_lvl = attr(&e, "w:ilvl").and_then(|v| v.parse().ok())
                    }
                    "w:startOverride" => {
                        if let (Some(id), Some(l), Some(v)) = (
                            &num,
                            override_lvl,
                            attr(&e, "w:val").and_then(|v| v.parse().ok()),
                        ) {
                            n.nums
                                .entry(id.clone())
                                .or_default()
                                .start_overrides
                                .insert(l, v);
                        }
                    }
                    "w:numStyleLink" => {
                        if let Some(a) = &abs {
                            n.abstracts.entry(a.clone()).or_default().num_style_link =
                                attr(&e, "w:val");
                        }
                    }
                    "w:lvl" if num.is_none() => {
                        lvl = attr(&e, "w:ilvl").and_then(|v| v.parse().ok())
                    }
                    name @ ("w:numFmt" | "w:lvlText" | "w:start" | "w:pStyle") => {
                        if let (Some(a), Some(l), Some(v)) = (&abs, lvl, attr(&e, "w:val")) {
                            let level = n
                                .abstracts
                                .entry(a.clone())
                                .or_default()
                                .levels
                                .entry(l)
                                .or_insert(Level {
                                    start: 1,
                                    ..Level::default()
                                });
                            match name {
                                "w:numFmt" => level.format = v,
                                "w:lvlText" => level.text = v,
                                "w:pStyle" => level.p_style = Some(v),
                                _ => level.start = v.parse().unwrap_or(1),
                            }
                        }
                    }
                    _ => {}
                },
                Event::End(e) => match e.name().as_ref() {
                    "w:abstractNum" => abs = None,
                    "w:num" => num = None,
                    "w:lvl" => lvl = None,
                    "w:lvlOverride" => override_lvl = None,
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(n)
    }

    /// The abstract list behind `num_id`, following one `w:numStyleLink`.
    fn abstract_of(&self, num_id: &str) -> Option<(&str, &Abstract)> {
        let id = self.nums.get(num_id)?.abstract_id.as_str();
        let a = self.abstracts.get(id)?;
        match &a.num_style_link {
            Some(style) => {
                let linked = self.styles.numbering(style)?;
                let id = self.nums.get(&linked.num_id)?.abstract_id.as_str();
                Some((id, self.abstracts.get(id)?))
            }
            None => Some((id, a)),
        }
    }

    /// The label of a paragraph, 「一、」, from its own `w:numPr` (`num_id`,
    /// `ilvl`) or else from its paragraph style. Advances the list's counters.
    pub fn paragraph_label(
        &mut self,
        style: Option<&str>,
        num_id: Option<&str>,
        ilvl: Option<u32>,
    ) -> Option<String> {
        if let Some(num_id) = num_id {
            // numId 0 is "no numbering", even if the style has some.
            if num_id == "0" {
                return None;
            }
            return self.next_label(num_id, ilvl.unwrap_or(0));
        }
        let style = style?;
        let linked = self.styles.numbering(style)?;
        let ilvl = ilvl.or(linked.ilvl).or_else(|| {
            // The level that names this style.
            let (_, a) = self.abstract_of(&linked.num_id)?;
            a.levels
                .iter()
                .find(|(_, l)| l.p_style.as_deref() == Some(style))
                .map(|(i, _)| *i)
        });
        self.next_label(&linked.num_id, ilvl.unwrap_or(0))
    }

    /// The label of the next paragraph in list `num_id` at level `ilvl`: 「一、」.
    pub fn next_label(&mut self, num_id: &str, ilvl: u32) -> Option<String> {
        let (abs, abstract_list) = self.abstract_of(num_id)?;
        let levels = &abstract_list.levels;
        let level = levels.get(&ilvl)?.clone();
        let num = self.nums.get(num_id)?;
        let instance = if num.start_overrides.is_empty() {
            abs.to_string()
        } else {
            format!("num:{num_id}")
        };
        let start_of =
            |l: u32, lv: &Level| num.start_overrides.get(&l).copied().unwrap_or(lv.start);
        let start = start_of(ilvl, &level);
        let mut above = Vec::new();
        for l in 0..ilvl {
            if let Some(lv) = levels.get(&l) {
                above.push((l, lv.format.clone(), start_of(l, lv)));
            }
        }
        let value = {
            let c = self
                .counters
                .entry((instance.clone(), ilvl))
                .or_insert(start.saturating_sub(1));
            *c = c.saturating_add(1);
            *c
        };
        // A higher level restarts the levels below it.
        self.counters
            .retain(|(a, l), _| *a != instance || *l <= ilvl);
        if level.format == "none" || level.format == "bullet" {
            return None;
        }
        let mut text = level.text;
        if !text.contains('%') {
            return Some(text);
        }
        for (l, format, start) in above {
            let placeholder = format!("%{}", l + 1);
            if text.contains(&placeholder) {
                let n = self
                    .counters
                    .get(&(instance.clone(), l))
                    .copied()
                    .unwrap_or(start);
                text = text.replace(&placeholder, &format_number(n, &format));
            }
        }
        Some(text.replace(
            &format!("%{}", ilvl + 1),
            &format_number(value, &level.format),
        ))
    }
}

const DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/// 「一」…「九十九」 as Word's chineseCounting writes them.
fn chinese(n: u32) -> String {
    match n {
        0..=9 => DIGITS[n as usize].to_string(),
        10..=19 => format!(
            "十{}",
            if n % 10 == 0 {
                ""
            } else {
                DIGITS[(n % 10) as usize]
            }
        ),
        20..=99 => format!(
            "{}十{}",
            DIGITS[(n / 10) as usize],
            if n % 10 == 0 {
                ""
            } else {
                DIGITS[(n % 10) as usize]
            }
        ),
        _ => n.to_string(),
    }
}

fn format_number(n: u32, fmt: &str) -> String {
    match fmt {
        "chineseCounting"
        | "chineseCountingThousand"
        | "ideographTraditional"
        | "taiwaneseCounting"
        | "chineseLegalSimplified" => chinese(n),
        "ideographDigital" => n
            .to_string()
            .chars()
            .map(|c| DIGITS[c.to_digit(10).unwrap_or(0) as usize])
            .collect(),
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c))
            .collect(),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32(0x2460 + n - 1).map_or(n.to_string(), String::from)
        }
        "decimalEnclosedParen" | "decimalEnclosedFullstop" => n.to_string(),
        "lowerLetter" => letter(n, b'a'),
        "upperLetter" => letter(n, b'A'),
        _ => n.to_string(),
    }
}

fn letter(n: u32, base: u8) -> String {
    let i = ((n.max(1) - 1) % 26) as u8;
    ((base + i) as char).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML: &str = r#"<w:numbering xmlns:w="x">
      <w:abstractNum w:abstractNumId="0">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
      </w:abstractNum>
      <w:num w:numId="3"><w:abstractNumId w:val="0"/></w:num>
    </w:numbering>"#;

    #[test]
    fn chinese_counting_headings_and_sub_items() {
        let mut n = Numbering::parse(XML, Styles::default()).unwrap();
        assert_eq!(n.next_label("3", 0).as_deref(), Some("一、"));
        assert_eq!(n.next_label("3", 1).as_deref(), Some("（一）"));
        assert_eq!(n.next_label("3", 1).as_deref(), Some("（二）"));
        assert_eq!(n.next_label("3", 0).as_deref(), Some("二、"));
        assert_eq!(
            n.next_label("3", 1).as_deref(),
            Some("（一）"),
            "restarts under a new heading"
        );
        assert_eq!(n.next_label("9", 0), None);
    }

    #[test]
    fn number_formats() {
        assert_eq!(chinese(6), "六");
        assert_eq!(chinese(10), "十");
        assert_eq!(chinese(21), "二十一");
        assert_eq!(format_number(3, "decimalFullWidth"), "３");
        assert_eq!(format_number(2, "decimalEnclosedCircle"), "②");
    }
}
