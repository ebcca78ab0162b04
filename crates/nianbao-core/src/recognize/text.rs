//! Running text: section headings, the 落款 (closing), and report metadata.

use crate::model::{AgencySource, DateText, Meta, Paragraph, Published, ReporterKind, Section};

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

/// Keys of the metadata block a government portal prints above a report
/// (索引号、发布机构、名称、文号、发布日期…): the portal's, not the report's.
pub const PORTAL_META_KEYS: &[&str] = &[
    "索引号",
    "发布机构",
    "发文机关",
    "发文机构",
    "名称",
    "文号",
    "发文字号",
    "发文日期",
    "发布日期",
    "成文日期",
    "生效日期",
    "主题分类",
    "主题词",
    "信息分类",
    "组配分类",
    "体裁分类",
    "公开方式",
    "公开范围",
    "公开时限",
    "公开形式",
    "有效性",
    "所属机构",
];

/// The `key：value` pairs of a portal metadata line (「索引号：…」, or several
/// on one line 「索引号：… 发布机构：…」), when the line is only that.
pub fn portal_meta(text: &str) -> Option<Vec<(String, String)>> {
    let t = text.trim();
    // Each key followed by a colon (spaces allowed around it), where it starts.
    let mut keys: Vec<(usize, usize, &str)> = Vec::new();
    for key in PORTAL_META_KEYS {
        for (at, _) in t.match_indices(key) {
            let rest = t[at + key.len()..].trim_start_matches([' ', '\u{3000}', '\t']);
            if !rest.starts_with([':', '：']) {
                continue;
            }
            // A key starts the line or follows a space (「名称」 inside 「发布机构名称：」 does not).
            let before = t[..at].chars().next_back();
            if before.is_some_and(|c| !c.is_whitespace()) {
                continue;
            }
            let value_at = t.len() - rest.len() + rest.chars().next().map_or(0, char::len_utf8);
            keys.push((at, value_at, key));
        }
    }
    keys.sort_unstable();
    if keys.first().is_none_or(|k| k.0 != 0) {
        return None;
    }
    let pairs = keys
        .iter()
        .enumerate()
        .map(|(i, &(_, value_at, key))| {
            let end = keys.get(i + 1).map_or(t.len(), |k| k.0);
            let value = t.get(value_at..end.max(value_at)).unwrap_or("").trim();
            (key.to_string(), value.to_string())
        })
        .collect();
    Some(pairs)
}

/// A date as portals print it: 「2024-01-20」, 「2024/1/20」, 「2024.01.20」,
/// 「2024年01月20日」, a time after it allowed.
pub fn parse_portal_date(value: &str) -> Option<DateText> {
    let v = value.trim();
    let head = v.split([' ', '\u{3000}', '\t', 'T']).next().unwrap_or(v);
    if let Some(d) = parse_date(head) {
        return Some(d);
    }
    let parts: Vec<&str> = head.split(['-', '/', '.']).collect();
    let [y, m, d] = parts[..] else {
        return None;
    };
    let num = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.len() <= 4 && s.chars().all(|c| c.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (year, month, day) = (num(y)?, num(m)?, num(d)?);
    if y.len() != 4 || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(DateText {
        text: head.to_string(),
        year: year as i32,
        month,
        day,
    })
}

/// Takes a portal's metadata lines out of the paragraphs before the first
/// section heading (they are not the report: 「名称：…」 is no title) and
/// returns the publication date they give (a breadcrumb copied with the page
/// goes too): 发布日期, else 发文日期 (never
/// 成文日期, which is when it was written).
pub fn take_portal_meta(paragraphs: &mut Vec<Paragraph>) -> Option<Published> {
    const LOOK: usize = 30;
    let end = paragraphs
        .iter()
        .take(LOOK)
        .position(|p| section_heading(&p.text).is_some())
        .unwrap_or(paragraphs.len().min(LOOK));
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut k = 0;
    // A key whose value is on the next line (a table copied out as text).
    let mut waiting = false;
    paragraphs.retain(|p| {
        k += 1;
        if k > end {
            return true;
        }
        // A breadcrumb copied with the page (「当前位置：首页 > … > 年度报告」).
        let t = p.text.trim_start();
        if ["当前位置", "您现在的位置", "您的位置"]
            .iter()
            .any(|w| t.starts_with(w))
        {
            waiting = false;
            return false;
        }
        match portal_meta(&p.text) {
            Some(found) => {
                waiting = found.last().is_some_and(|(_, v)| v.is_empty());
                pairs.extend(found);
                false
            }
            None if waiting && is_short_line(&p.text) && !p.text.contains("年度报告") => {
                waiting = false;
                if let Some(last) = pairs.last_mut() {
                    last.1 = p.text.trim().to_string();
                }
                false
            }
            None => {
                waiting = false;
                true
            }
        }
    });
    ["发布日期", "发文日期"].iter().find_map(|want| {
        pairs
            .iter()
            .filter(|(key, _)| key == want)
            .find_map(|(key, value)| {
                parse_portal_date(value).map(|date| Published {
                    date,
                    source: key.clone(),
                })
            })
    })
}

/// The section a heading names when its number was lost (a converter that
/// dropped Word's automatic numbering writes `# 总体情况`): the words of the
/// six official titles, on a short line.
pub fn unnumbered_section(text: &str) -> Option<u8> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if t.chars().count() > 30 || t.ends_with('。') {
        return None;
    }
    const WORDS: [&[&str]; 6] = [
        &["总体情况"],
        &["主动公开政府信息"],
        &["收到和处理政府信息公开申请"],
        &["行政复议", "行政诉讼"],
        &["存在的主要问题", "改进情况"],
        &["其他需要报告的事项"],
    ];
    let n = WORDS
        .iter()
        .position(|words| words.iter().all(|w| t.contains(w)))?;
    Some(n as u8 + 1)
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
/// `opening` is the first paragraphs of section 一, where many templates
/// state the 统计期限.
pub fn infer_meta(
    meta: &mut Meta,
    preamble: &[Paragraph],
    opening: &[Paragraph],
    closing: &[Paragraph],
) {
    if meta.title.is_none() {
        meta.title = find_title(preamble);
    }
    if meta.signed.is_none() {
        meta.signed = closing.iter().rev().find_map(|p| parse_date(&p.text));
    }
    if meta.agency.is_some() {
        meta.agency_source.get_or_insert(AgencySource::Input);
    } else {
        let found = meta
            .title
            .as_deref()
            .and_then(agency_from_title)
            .map(|a| (a, AgencySource::Title))
            .or_else(|| {
                preamble
                    .iter()
                    .chain(opening)
                    .find_map(|p| agency_from_intro(&p.text))
                    .map(|a| (a, AgencySource::Intro))
            })
            .or_else(|| {
                closing
                    .iter()
                    .map(|p| p.text.trim())
                    .find(|t| !t.is_empty() && parse_date(t).is_none())
                    .map(|a| (a.to_string(), AgencySource::Closing))
            });
        if let Some((agency, source)) = found {
            meta.agency = Some(agency);
            meta.agency_source = Some(source);
        }
    }
    if meta.period.is_none() {
        // Joined, since a reflowed PDF or text dump can break the sentence
        // into two paragraphs (「…自2023年1月1日起至」 / 「2023年12月31日止。」).
        let joined = |ps: &[Paragraph]| ps.iter().map(|p| p.text.as_str()).collect::<String>();
        meta.period = find_period(&joined(preamble))
            .or_else(|| find_period(&joined(&opening[..opening.len().min(OPENING_PARAGRAPHS)])));
    }
    if meta.year.is_none() {
        // The year most places agree on, so one mistyped year (in the title,
        // say) is one DAT-YEAR finding rather than the year of every rule.
        // On a tie the earlier source wins: title, period, intro, 落款 − 1.
        let candidates = [
            meta.title.as_deref().and_then(year_before_nian),
            meta.period.as_deref().and_then(year_before_nian),
            preamble.iter().find_map(|p| year_of_report_phrase(&p.text)),
            meta.signed.as_ref().map(|d| d.year - 1),
        ];
        let votes = |y: i32| candidates.iter().filter(|c| **c == Some(y)).count();
        meta.year = candidates
            .iter()
            .flatten()
            .copied()
            .fold(None, |best: Option<i32>, y| match best {
                Some(b) if votes(b) >= votes(y) => Some(b),
                _ => Some(y),
            });
    }
    if meta.region.is_none() {
        meta.region = meta
            .agency
            .as_deref()
            .and_then(|a| crate::region::resolve_agency(a, None));
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

/// How many paragraphs of section 一 may still state the 统计期限 (the WPS
/// template puts it first in 一).
pub const OPENING_PARAGRAPHS: usize = 3;

/// The title, joined when it is set over several lines: 「洪泽区人民政府」 +
/// 「2023 年政府信息公开工作年度报告」, or 「2025 年上海市人民政府办公厅政府信息公开」 +
/// 「工作年度报告」. Only the short lines before the first sentence are looked at.
fn find_title(preamble: &[Paragraph]) -> Option<String> {
    let lines: Vec<&str> = preamble
        .iter()
        .map(|p| p.text.trim())
        .filter(|t| !t.is_empty())
        .take(12)
        .collect();
    let (start, end) = title_span(&lines)?;
    let title = lines[start..=end].concat();
    (title.chars().count() <= 80).then_some(title)
}

/// The lines `start..=end` that make the first title among `lines`: the
/// lines that hold 「…年度报告」 (a wrapped 「年度报」 + 「告」 included), with
/// the lines above that give its agency or year.
pub fn title_span(lines: &[&str]) -> Option<(usize, usize)> {
    for end in 0..lines.len() {
        let last = lines[end];
        if last.chars().count() > 80 || last.ends_with('。') {
            continue;
        }
        // The fewest lines ending here that hold 「年度报告」.
        let mut k = end;
        loop {
            if squeeze(&lines[k..=end].concat()).contains("年度报告") {
                return Some((title_start(lines, k, end), end));
            }
            if k == 0 || end - k >= 3 || !is_title_fragment(lines[k - 1]) {
                break;
            }
            k -= 1;
        }
    }
    None
}

/// Where a title whose 「年度报告」 is in `lines[k..=end]` starts: the lines
/// above are prepended while the title lacks its year or the agency before it
/// (a name or a year set on a line of its own), at most three.
pub fn title_start(lines: &[&str], k: usize, end: usize) -> usize {
    let joined = |start: usize| squeeze(&lines[start..=end].concat());
    let mut start = k;
    while start > 0
        && k - start < 3
        && is_title_fragment(lines[start - 1])
        && !names_agency_and_year(&joined(start))
    {
        start -= 1;
    }
    if start < k && !names_agency_and_year(&joined(start)) {
        // Joining did not make a title: keep the lines as they are.
        return k;
    }
    start
}

/// A line that can be (part of) a title: short, not a sentence, not a date.
fn is_title_fragment(t: &str) -> bool {
    !t.is_empty()
        && t.chars().count() <= 60
        && !t.contains(['。', '；', '：', ':'])
        && !t.ends_with('，')
        && parse_date(t).is_none()
        && section_heading(t).is_none()
}

fn squeeze(t: &str) -> String {
    crate::value::nfkc_filtered(t, |c| (!c.is_whitespace()).then_some(c))
}

/// Whether a squeezed title names a year and, before or after it, an agency.
fn names_agency_and_year(t: &str) -> bool {
    year_before_nian(t).is_some() && agency_from_title(t).is_some()
}

/// The agency in a title: 「洮南市林业和草原局2023年政府信息公开工作年度报告」 →
/// 「洮南市林业和草原局」; year first: 「2025年上海市人民政府办公厅政府信息公开工作
/// 年度报告」 → 「上海市人民政府办公厅」.
fn agency_from_title(title: &str) -> Option<String> {
    let t = squeeze(title);
    let digits_at = t.find(|c: char| c.is_ascii_digit())?;
    let before = t[..digits_at].trim_end_matches(['关', '于']);
    if before.chars().count() >= 2 {
        return Some(before.to_string());
    }
    // Year first: the agency sits between 「YYYY年(度)」 and 「政府信息公开…」.
    let after_year = t[digits_at..].trim_start_matches(|c: char| c.is_ascii_digit());
    let rest = after_year.strip_prefix('年')?;
    let rest = rest.strip_prefix('度').unwrap_or(rest);
    let end = rest.rfind("政府信息公开")?;
    let name = rest[..end].trim_end_matches('的');
    (name.chars().count() >= 2).then(|| name.to_string())
}

/// 「附件2：白城市人民政府2023年政府信息公开工作年度报告统计表.xlsx」 →
/// 「白城市人民政府」: the name before the year, or the whole name, when it
/// resolves to a region or functional area (so 「report_00001」 or 「报表」 do not).
pub fn agency_from_file_name(path: &str) -> Option<String> {
    let stem = std::path::Path::new(path).file_stem()?.to_str()?;
    let stem = squeeze(stem);
    // 「附件2：」, 「01_」, 「3.」 before the name.
    let stem = stem
        .trim_start_matches("附件")
        .trim_start_matches(|c: char| c.is_ascii_digit() || "_-.．、:：　 ".contains(c));
    let name = agency_from_title(stem).unwrap_or_else(|| stem.to_string());
    let name = name.trim_end_matches(['_', '-', '（', '(']);
    crate::region::resolve_agency(name, None)?;
    let agency_end = [
        "人民政府",
        "管理委员会",
        "管委会",
        "局",
        "委员会",
        "委",
        "办公室",
        "办",
        "厅",
        "院",
        "中心",
        "署",
    ];
    agency_end
        .iter()
        .any(|e| name.ends_with(e))
        .then(|| name.to_string())
}

/// 「本报告由洪泽区人民政府办公室编制」 → 「洪泽区人民政府办公室」; in a workbook
/// of tables, 「填报单位：某县财政局」.
fn agency_from_intro(text: &str) -> Option<String> {
    let t = squeeze(text);
    if let Some(rest) = t
        .strip_prefix("填报单位")
        .map(|r| r.trim_start_matches([':', '：']))
    {
        let name: String = rest
            .chars()
            .take_while(|c| !matches!(c, '(' | '（' | ',' | '，' | '填'))
            .collect();
        let n = name.chars().count();
        return (2..=40).contains(&n).then_some(name);
    }
    let at = t.find("本报告由")? + "本报告由".len();
    let rest = &t[at..];
    let end = ["根据", "依据", "按照", "编制", "汇总", "负责"]
        .iter()
        .filter_map(|w| rest.find(w))
        .min()?;
    let name = rest[..end].trim_end_matches(['，', ',']);
    let n = name.chars().count();
    (2..=40).contains(&n).then(|| name.to_string())
}

/// The first 「YYYY年」 in the text.
fn year_before_nian(text: &str) -> Option<i32> {
    let t = squeeze(text);
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
    let t = squeeze(text).replace("年01月01日", "年1月1日");
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

/// Whether a document with national tables has no prose around them: a
/// workbook of tables 二/三/四 with sheet captions, units and a note at most.
/// Prose is counted in sentences (paragraphs with 「。」), so captions such as
/// 「三、收到和处理政府信息公开申请情况」 and 「单位：件」 do not count.
pub fn is_tables_only(has_tables: bool, paragraphs: &[Paragraph]) -> bool {
    const MAX_PROSE_CHARS: usize = 150;
    if !has_tables {
        return false;
    }
    let mut prose = 0;
    for p in paragraphs {
        let t = p.text.trim();
        if t.contains('。') && section_heading(t).is_none() {
            prose += t.chars().count();
            if prose >= MAX_PROSE_CHARS {
                return false;
            }
        }
    }
    true
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
    fn portal_metadata_lines_are_taken_out_and_give_the_publication_date() {
        assert_eq!(
            portal_meta("索引号：000014349/2024-00012  发布机构：白城市人民政府"),
            Some(vec![
                ("索引号".into(), "000014349/2024-00012".into()),
                ("发布机构".into(), "白城市人民政府".into())
            ])
        );
        assert_eq!(
            portal_meta("名称 ： 白城市人民政府2023年政府信息公开工作年度报告"),
            Some(vec![(
                "名称".into(),
                "白城市人民政府2023年政府信息公开工作年度报告".into()
            )])
        );
        assert_eq!(portal_meta("根据索引号：123查询。"), None);
        assert_eq!(
            portal_meta("白城市人民政府2023年政府信息公开工作年度报告"),
            None
        );
        for (v, ymd) in [
            ("2024-01-20", (2024, 1, 20)),
            ("2024/3/5 10:30", (2024, 3, 5)),
            ("2024年01月20日", (2024, 1, 20)),
            ("2024.01.31", (2024, 1, 31)),
        ] {
            let d = parse_portal_date(v).unwrap();
            assert_eq!((d.year, d.month, d.day), ymd, "{v}");
        }
        assert!(parse_portal_date("2024-13-01").is_none() && parse_portal_date("24-1-1").is_none());
        let mut paras = vec![
            p("当前位置：首页 > 政府信息公开 > 年度报告"),
            p("索引号：000014349/2024-00012"),
            p("发布机构：白城市人民政府"),
            p("名称：白城市人民政府2023年政府信息公开工作年度报告"),
            p("成文日期：2024-01-10 发布日期："),
            p("2024-01-20"),
            p("白城市人民政府2023年政府信息公开工作年度报告"),
            p("一、总体情况"),
            p("名称：正文里的不算。"),
        ];
        let published = take_portal_meta(&mut paras).unwrap();
        assert_eq!(published.source, "发布日期");
        assert_eq!(published.date.day, 20);
        assert_eq!(paras.len(), 3);
        assert_eq!(
            paras[0].text,
            "白城市人民政府2023年政府信息公开工作年度报告"
        );
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
        infer_meta(&mut meta, &pre, &[], &closing);
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
        infer_meta(&mut meta, &pre, &[], &[]);
        assert_eq!(meta.agency.as_deref(), Some("白城市人民政府"));
        assert_eq!(meta.year, Some(2023));
        assert_eq!(meta.reporter_kind, Some(ReporterKind::Government));
        let mut meta = Meta::default();
        infer_meta(
            &mut meta,
            &[p("统计期限为2023年1月1日至12月31日。")],
            &[],
            &[],
        );
        assert_eq!(meta.period.as_deref(), Some("2023年1月1日至12月31日"));
    }

    #[test]
    fn a_title_over_two_lines_is_joined() {
        let cases: [(&[&str], &str, &str); 5] = [
            (
                &[
                    "洪泽区人民政府",
                    "2023 年政府信息公开工作年度报告",
                    "根据条例，现报告如下。",
                ],
                "洪泽区人民政府2023 年政府信息公开工作年度报告",
                "洪泽区人民政府",
            ),
            (
                &["2025 年上海市人民政府办公厅政府信息公开", "工作年度报告"],
                "2025 年上海市人民政府办公厅政府信息公开工作年度报告",
                "上海市人民政府办公厅",
            ),
            (
                &[
                    "索引号：000014349/2024-00012",
                    "白城市人民政府2023年政府信息公开工作年度报告",
                ],
                "白城市人民政府2023年政府信息公开工作年度报告",
                "白城市人民政府",
            ),
            (
                &[
                    "吉林省白城市",
                    "林业和草原局",
                    "2023年度政府信息公开工作年度报告",
                ],
                "林业和草原局2023年度政府信息公开工作年度报告",
                "林业和草原局",
            ),
            (
                &[
                    "白城市人民政府2023年",
                    "政府信息公开工作年度报",
                    "告",
                    "本报告根据《条例》编制。",
                ],
                "白城市人民政府2023年政府信息公开工作年度报告",
                "白城市人民政府",
            ),
        ];
        for (lines, title, agency) in cases {
            let pre: Vec<Paragraph> = lines.iter().map(|l| p(l)).collect();
            let mut meta = Meta::default();
            infer_meta(&mut meta, &pre, &[], &[]);
            assert_eq!(meta.title.as_deref(), Some(title), "{lines:?}");
            assert_eq!(meta.agency.as_deref(), Some(agency), "{lines:?}");
            assert_eq!(meta.agency_source, Some(AgencySource::Title));
        }
        // A year-first title names its year.
        let mut meta = Meta::default();
        infer_meta(
            &mut meta,
            &[
                p("2025 年上海市人民政府办公厅政府信息公开"),
                p("工作年度报告"),
            ],
            &[],
            &[],
        );
        assert_eq!(meta.year, Some(2025));
    }

    #[test]
    fn a_file_name_names_the_agency_only_when_it_is_a_place_s_agency() {
        for (path, want) in [
            (
                "汇总/附件2：白城市人民政府2023年政府信息公开工作年度报告统计表.xlsx",
                Some("白城市人民政府"),
            ),
            ("洮南市教育局.xlsx", Some("洮南市教育局")),
            (
                "01_长春经济技术开发区管委会2024年报表.xls",
                Some("长春经济技术开发区管委会"),
            ),
            ("seed-sheets.xlsx", None),
            ("report_00001.xlsx", None),
            ("2023年报表.xlsx", None),
            ("白城市2023年统计表.xlsx", None),
        ] {
            assert_eq!(agency_from_file_name(path).as_deref(), want, "{path}");
        }
    }

    #[test]
    fn the_agency_comes_from_the_intro_then_the_closing() {
        let mut meta = Meta::default();
        infer_meta(
            &mut meta,
            &[p("本报告由洪泽区交通运输局根据《条例》要求编制。")],
            &[],
            &[p("洪泽区交通运输局"), p("2024年1月20日")],
        );
        assert_eq!(meta.agency.as_deref(), Some("洪泽区交通运输局"));
        assert_eq!(meta.agency_source, Some(AgencySource::Intro));
        let mut meta = Meta::default();
        infer_meta(
            &mut meta,
            &[],
            &[],
            &[p("洪泽区交通运输局"), p("2024年1月20日")],
        );
        assert_eq!(meta.agency_source, Some(AgencySource::Closing));
    }

    #[test]
    fn the_period_is_found_in_the_opening_of_section_one_in_other_words() {
        for text in [
            "本报告中所列数据的统计期限自2024年1月1日起至2024年12月31日止。",
            "统计期限为 2025 年 1 月 1 日至\n12 月 31 日。",
            "统计期限从2024年1月1日到2024年12月31日止。",
            "本报告统计时间段为2024年01月01日至2024年12月31日。",
        ] {
            let mut meta = Meta::default();
            infer_meta(
                &mut meta,
                &[p("某局2024年政府信息公开工作年度报告")],
                &[p(text), p("正文。")],
                &[],
            );
            assert!(meta.period.is_some(), "{text}");
        }
        // Deep in the body it is not the report's statement of its period.
        let mut meta = Meta::default();
        let body: Vec<Paragraph> = (0..5)
            .map(|_| p("正文。"))
            .chain([p("统计期限为2024年1月1日至12月31日。")])
            .collect();
        infer_meta(&mut meta, &[], &body, &[]);
        assert_eq!(meta.period, None);
    }

    #[test]
    fn a_period_broken_over_two_paragraphs_is_found() {
        let mut meta = Meta::default();
        infer_meta(
            &mut meta,
            &[
                p("某局2023年政府信息公开工作年度报告"),
                p("本报告中所列数据的统计期限自2023年1月1日起至"),
                p("2023年12月31日止。本报告电子版可在门户网站下载。"),
            ],
            &[],
            &[],
        );
        assert_eq!(
            meta.period.as_deref(),
            Some("2023年1月1日起至2023年12月31日")
        );
    }

    #[test]
    fn tables_with_captions_only_are_a_tables_only_document() {
        let captions = [
            p("二、主动公开政府信息情况"),
            p("单位：件"),
            p("填报单位：某县财政局"),
            p("注：本表数据截至2024年12月31日。"),
        ];
        assert!(is_tables_only(true, &captions));
        assert!(!is_tables_only(false, &captions));
        let prose = [p(
            "2024年，我局认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，全面推进决策、执行、管理、服务、结果公开，持续加大主动公开力度，稳妥做好依申请公开工作，不断完善政务公开制度，切实保障人民群众的知情权、参与权、表达权和监督权，各项工作取得明显成效。全年主动公开政府信息一千余条。",
        )];
        assert!(!is_tables_only(true, &prose));
    }
}

#[cfg(test)]
mod unnumbered_tests {
    use super::*;

    #[test]
    fn official_titles_without_their_numbers_name_their_sections() {
        assert_eq!(unnumbered_section("总体情况"), Some(1));
        assert_eq!(
            unnumbered_section("政府信息公开行政复议、行政诉讼情况"),
            Some(4)
        );
        assert_eq!(unnumbered_section("存在的主要问题及改进情况"), Some(5));
        assert_eq!(unnumbered_section("其他需要报告的事项"), Some(6));
        assert_eq!(unnumbered_section("本机关总体情况良好。"), None);
        assert_eq!(unnumbered_section("概述"), None);
    }
}
