//! Running text: section headings, the 落款 (closing), and report metadata.

use crate::model::{DateText, Meta, Paragraph, ReporterKind, Section};

const NUMERALS: [char; 6] = ['一', '二', '三', '四', '五', '六'];

/// If the paragraph is a section heading 「一、总体情况」, its number (1–6).
pub fn section_heading(text: &str) -> Option<u8> {
    let t = text.trim_start_matches(|c: char| c.is_whitespace());
    let mut chars = t.chars();
    let first = chars.next()?;
    let number = NUMERALS.iter().position(|&n| n == first)? as u8 + 1;
    let sep = chars.next()?;
    if !matches!(sep, '、' | '.' | '．' | '，' | ' ' | '\u{3000}') {
        return None;
    }
    let rest: String = chars.collect();
    let rest = rest.trim();
    // Headings are short and are not sentences.
    if rest.is_empty() || rest.chars().count() > 40 || rest.ends_with('。') {
        return None;
    }
    Some(number)
}

/// Splits running text into preamble, sections and closing lines.
/// Headings must increase; a 「三、」 inside section 五 is body text.
pub fn split_sections(
    paragraphs: Vec<Paragraph>,
) -> (Vec<Paragraph>, Vec<Section>, Vec<Paragraph>) {
    let mut preamble = Vec::new();
    let mut sections: Vec<Section> = Vec::new();
    for p in paragraphs {
        let last = sections.last().map_or(0, |s| s.number);
        match section_heading(&p.text) {
            Some(n) if n > last => sections.push(Section {
                number: n,
                heading: p.text.trim().to_string(),
                heading_origin: p.origin,
                paragraphs: Vec::new(),
            }),
            _ => match sections.last_mut() {
                Some(s) => s.paragraphs.push(p),
                None => preamble.push(p),
            },
        }
    }
    let closing = match sections.last_mut() {
        Some(last) => split_closing(&mut last.paragraphs),
        None => split_closing(&mut preamble),
    };
    (preamble, sections, closing)
}

/// Takes the 落款 off the end: a date line and the short name lines before it.
fn split_closing(paragraphs: &mut Vec<Paragraph>) -> Vec<Paragraph> {
    while paragraphs.last().is_some_and(|p| p.text.trim().is_empty()) {
        paragraphs.pop();
    }
    let Some(date_at) = paragraphs
        .iter()
        .rposition(|p| parse_date(&p.text).is_some())
    else {
        return Vec::new();
    };
    // Only trailing lines after the date may follow it (rare), and they must be short.
    if paragraphs[date_at + 1..]
        .iter()
        .any(|p| !is_short_line(&p.text))
    {
        return Vec::new();
    }
    let mut start = date_at;
    while start > 0 && start + 3 > date_at && is_name_line(&paragraphs[start - 1].text) {
        start -= 1;
    }
    paragraphs.split_off(start)
}

fn is_short_line(text: &str) -> bool {
    let t = text.trim();
    t.chars().count() <= 40 && !t.contains(['。', '，', '；', ','])
}

fn is_name_line(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty() && is_short_line(t) && section_heading(t).is_none() && !t.starts_with('（')
}

/// Parses a line that is only a date: 「2024年1月3日」, 「２０２４年１月３日」, 「二〇二四年一月三日」.
pub fn parse_date(text: &str) -> Option<DateText> {
    let t: String = crate::value::nfkc_filtered(text, |c| (!c.is_whitespace()).then_some(c));
    let t = t.replace(['〇', '○', 'O'], "0");
    let (y, rest) = t.split_once('年')?;
    let (m, rest) = rest.split_once('月')?;
    let d = rest
        .strip_suffix('日')
        .or_else(|| rest.strip_suffix('号'))?;
    let year = chinese_or_arabic(y)?;
    let month = chinese_or_arabic(m)?;
    let day = chinese_or_arabic(d)?;
    if !(1900..=2200).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(DateText {
        text: text.trim().to_string(),
        year: year as i32,
        month: month as u32,
        day: day as u32,
    })
}

/// 「2024」, 「二0二四」 (digit by digit), 「十二」, 「三十一」.
fn chinese_or_arabic(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    if s.chars().all(|c| c.is_ascii_digit()) {
        return s.parse().ok();
    }
    let digit = |c: char| -> Option<u64> {
        Some(match c {
            '0' => 0,
            '一' => 1,
            '二' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => c.to_digit(10)? as u64,
        })
    };
    if let Some((tens, ones)) = s.split_once('十') {
        let t = if tens.is_empty() {
            1
        } else {
            digit(tens.chars().next()?)?
        };
        let o = if ones.is_empty() {
            0
        } else {
            digit(ones.chars().next()?)?
        };
        if tens.chars().count() > 1 || ones.chars().count() > 1 {
            return None;
        }
        return Some(t * 10 + o);
    }
    s.chars().try_fold(0, |acc, c| Some(acc * 10 + digit(c)?))
}

/// Fills the metadata fields the input did not state, from the text.
pub fn infer_meta(meta: &mut Meta, preamble: &[Paragraph], closing: &[Paragraph]) {
    if meta.title.is_none() {
        meta.title = preamble
            .iter()
            .map(|p| p.text.trim())
            .find(|t| t.contains("年度报告") && t.chars().count() <= 80 && !t.ends_with('。'))
            .map(str::to_string);
    }
    if meta.signed.is_none() {
        meta.signed = closing.iter().rev().find_map(|p| parse_date(&p.text));
    }
    if meta.agency.is_none() {
        meta.agency = meta
            .title
            .as_deref()
            .and_then(agency_from_title)
            .or_else(|| {
                closing
                    .iter()
                    .map(|p| p.text.trim())
                    .find(|t| !t.is_empty() && parse_date(t).is_none())
                    .map(str::to_string)
            });
    }
    if meta.period.is_none() {
        meta.period = preamble.iter().find_map(|p| find_period(&p.text));
    }
    if meta.year.is_none() {
        meta.year = meta
            .title
            .as_deref()
            .and_then(year_before_nian)
            .or_else(|| meta.period.as_deref().and_then(year_before_nian))
            .or_else(|| preamble.iter().find_map(|p| year_of_report_phrase(&p.text)))
            .or_else(|| meta.signed.as_ref().map(|d| d.year - 1));
    }
    if meta.region.is_none() {
        meta.region = meta
            .agency
            .as_deref()
            .and_then(|a| crate::region::resolve(a, None));
    }
    if meta.reporter_kind.is_none() {
        meta.reporter_kind = meta.agency.as_deref().map(|a| {
            if a.ends_with("人民政府") {
                ReporterKind::Government
            } else {
                ReporterKind::Department
            }
        });
    }
}

/// 「洮南市林业和草原局2023年政府信息公开工作年度报告」 → 「洮南市林业和草原局」.
fn agency_from_title(title: &str) -> Option<String> {
    let t: String = crate::value::nfkc_filtered(title, |c| (!c.is_whitespace()).then_some(c));
    let digits_at = t.find(|c: char| c.is_ascii_digit())?;
    let name = t[..digits_at].trim_end_matches(['关', '于']);
    (!name.is_empty()).then(|| name.to_string())
}

/// The first 「YYYY年」 in the text.
fn year_before_nian(text: &str) -> Option<i32> {
    let t: String = crate::value::nfkc_filtered(text, Some);
    let idx = t.find('年')?;
    let head = &t[..idx];
    let digits: String = head
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect();
    if digits.len() != 4 {
        return None;
    }
    digits.chars().rev().collect::<String>().parse().ok()
}

/// 「2023年度，根据……」 or 「本报告……2023年1月1日至12月31日」.
fn year_of_report_phrase(text: &str) -> Option<i32> {
    let t: String = crate::value::nfkc_filtered(text, Some);
    let at = t.find("年度")?;
    let head = &t[..at];
    let digits: String = head
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect();
    (digits.len() == 4)
        .then(|| digits.chars().rev().collect::<String>().parse().ok())
        .flatten()
}

/// The 统计期限 phrase 「2023年1月1日至12月31日」 (also 「自…起至2023年12月31日止」).
fn find_period(text: &str) -> Option<String> {
    let t: String = crate::value::nfkc_filtered(text, |c| (!c.is_whitespace()).then_some(c));
    let at = t.find("年1月1日")?;
    let start = t[..at]
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit())
        .last()
        .map(|(i, _)| i)?;
    let tail = &t[at..];
    let end = tail.find("12月31日")?;
    if tail[..end].chars().count() > 16 {
        return None;
    }
    Some(t[start..at + end + "12月31日".len()].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Origin;

    fn p(t: &str) -> Paragraph {
        Paragraph {
            text: t.to_string(),
            origin: Origin::Unknown,
        }
    }

    #[test]
    fn headings() {
        assert_eq!(section_heading("　　一、总体情况"), Some(1));
        assert_eq!(section_heading("六、其他需要报告的事项"), Some(6));
        assert_eq!(section_heading("七、附则"), None);
        assert_eq!(
            section_heading("一、我局高度重视政务公开工作，将其作为重点。"),
            None
        );
    }

    #[test]
    fn dates() {
        let d = parse_date("2024年1月3日").unwrap();
        assert_eq!((d.year, d.month, d.day), (2024, 1, 3));
        let d = parse_date("二〇二四年一月三十一日").unwrap();
        assert_eq!((d.year, d.month, d.day), (2024, 1, 31));
        assert!(parse_date("2024年13月3日").is_none());
        assert!(parse_date("全年公开信息854条").is_none());
    }

    #[test]
    fn closing_is_split_from_the_last_section() {
        let paras = vec![
            p("前言"),
            p("一、总体情况"),
            p("正文。"),
            p("六、其他需要报告的事项"),
            p("无。"),
            p("洮南市林业和草原局"),
            p("2024年1月3日"),
        ];
        let (pre, secs, closing) = split_sections(paras);
        assert_eq!(pre.len(), 1);
        assert_eq!(secs.len(), 2);
        assert_eq!(secs[1].paragraphs.len(), 1);
        assert_eq!(closing.len(), 2);
        let mut meta = Meta::default();
        infer_meta(&mut meta, &pre, &closing);
        assert_eq!(meta.agency.as_deref(), Some("洮南市林业和草原局"));
        assert_eq!(meta.year, Some(2023));
        assert_eq!(meta.reporter_kind, Some(ReporterKind::Department));
    }

    #[test]
    fn title_gives_agency_and_year() {
        let mut meta = Meta::default();
        let pre = [
            p("白城市人民政府2023年政府信息公开工作年度报告"),
            p("本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。"),
        ];
        infer_meta(&mut meta, &pre, &[]);
        assert_eq!(meta.agency.as_deref(), Some("白城市人民政府"));
        assert_eq!(meta.year, Some(2023));
        assert_eq!(meta.reporter_kind, Some(ReporterKind::Government));
        let mut meta = Meta::default();
        infer_meta(&mut meta, &[p("统计期限为2023年1月1日至12月31日。")], &[]);
        assert_eq!(meta.period.as_deref(), Some("2023年1月1日至12月31日"));
    }
}
