//! Automatic list numbering (`word/numbering.xml`): real reports often get
//! 「一、」 and 「（一）」 from here rather than from the text.

use std::collections::HashMap;

use nianbao_core::adapter::AdapterError;
use quick_xml::Reader;
use quick_xml::events::Event;

#[derive(Debug, Clone, Default)]
struct Level {
    format: String,
    text: String,
    start: u32,
}

#[derive(Debug, Default)]
pub struct Numbering {
    /// abstractNumId → levels by ilvl.
    abstracts: HashMap<String, HashMap<u32, Level>>,
    /// numId → abstractNumId.
    nums: HashMap<String, String>,
    /// Counters per (abstract list, level).
    counters: HashMap<(String, u32), u32>,
}

fn attr(e: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<String> {
    e.try_get_attribute(name)
        .ok()
        .flatten()
        .map(|a| a.value.into_owned())
}

impl Numbering {
    pub fn parse(xml: &str) -> Result<Numbering, AdapterError> {
        let mut n = Numbering::default();
        let mut reader = Reader::from_str(xml);
        let (mut abs, mut num, mut lvl): (Option<String>, Option<String>, Option<u32>) =
            (None, None, None);
        loop {
            let event = reader.read_event().map_err(|e| {
                AdapterError::new(format!("DOCX 的编号定义（numbering.xml）格式错误：{e}"))
            })?;
            match event {
                Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                    "w:abstractNum" => abs = attr(&e, "w:abstractNumId"),
                    "w:num" => num = attr(&e, "w:numId"),
                    "w:abstractNumId" => {
                        if let (Some(id), Some(a)) = (&num, attr(&e, "w:val")) {
                            n.nums.insert(id.clone(), a);
                        }
                    }
                    "w:lvl" => lvl = attr(&e, "w:ilvl").and_then(|v| v.parse().ok()),
                    name @ ("w:numFmt" | "w:lvlText" | "w:start") => {
                        if let (Some(a), Some(l), Some(v)) = (&abs, lvl, attr(&e, "w:val")) {
                            let level = n
                                .abstracts
                                .entry(a.clone())
                                .or_default()
                                .entry(l)
                                .or_insert(Level {
                                    start: 1,
                                    ..Level::default()
                                });
                            match name {
                                "w:numFmt" => level.format = v,
                                "w:lvlText" => level.text = v,
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
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(n)
    }

    /// The label of the next paragraph in list `num_id` at level `ilvl`: 「一、」.
    pub fn next_label(&mut self, num_id: &str, ilvl: u32) -> Option<String> {
        let abs = self.nums.get(num_id)?.clone();
        let levels = self.abstracts.get(&abs)?;
        let level = levels.get(&ilvl)?.clone();
        let start = level.start;
        let value = {
            let c = self
                .counters
                .entry((abs.clone(), ilvl))
                .or_insert(start - 1);
            *c += 1;
            *c
        };
        // A higher level restarts the levels below it.
        self.counters.retain(|(a, l), _| *a != abs || *l <= ilvl);
        if level.format == "none" || level.format == "bullet" {
            return None;
        }
        let mut text = level.text.clone();
        for l in 0..=ilvl {
            let placeholder = format!("%{}", l + 1);
            if !text.contains(&placeholder) {
                continue;
            }
            let (n, fmt) = if l == ilvl {
                (value, level.format.as_str())
            } else {
                let lv = levels.get(&l)?;
                (
                    self.counters
                        .get(&(abs.clone(), l))
                        .copied()
                        .unwrap_or(lv.start),
                    lv.format.as_str(),
                )
            };
            text = text.replace(&placeholder, &format_number(n, fmt));
        }
        Some(text)
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
        let mut n = Numbering::parse(XML).unwrap();
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
