//! Cell notes written into a copy of an XLSX workbook (`nianbao annotate`).
//!
//! A note (Excel's 「批注」) on a cell is three parts: the comments part of the
//! sheet (`xl/commentsN.xml`, the text by cell reference), a legacy VML
//! drawing (`xl/drawings/vmlDrawingN.vml`, the note's box, which Excel needs
//! to show it) and a `<legacyDrawing>` in the sheet naming the drawing; the
//! sheet's relationships name both parts and `[Content_Types].xml` their
//! types. Notes already on a sheet are kept: new ones are appended, and a
//! finding on a cell that already has a note is added to that note's text
//! (a cell holds one note). Several findings on one cell make one note.
//! Every other entry of the zip is copied as it was (`raw_copy_file`).

use std::collections::{BTreeMap, HashMap};

use nianbao_core::adapter::{AdapterError, ReadErrorKind};
use nianbao_core::address::{AUTHOR, Note};
use nianbao_ooxml::{
    Package, escape, insert_before_last, main_part, relationships, relative, rels_of, resolve,
};
use quick_xml::Reader;
use quick_xml::events::Event;

use crate::{FORMAT, package_error};

const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const COMMENTS_TYPE: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments";
const VML_TYPE: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing";
const COMMENTS_CONTENT_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml";
const VML_CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.vmlDrawing";
const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
/// Sheet children that come after `legacyDrawing` (ECMA-376 CT_Worksheet).
const AFTER_LEGACY_DRAWING: &[&str] = &[
    "legacyDrawingHF",
    "drawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
];

/// The original is not as its format says (it was read, so rarely seen).
fn err(message: impl Into<String>) -> AdapterError {
    AdapterError::damaged(message)
}

/// Reads one part as text, bounded (the zip was guarded before).
fn read_text(zip: &mut Package<'_>, name: &str) -> Result<Option<String>, AdapterError> {
    zip.read_text(name).map_err(package_error)
}

/// The relationships of a relationships part.
fn parse_rels(xml: &str) -> Result<Vec<nianbao_ooxml::Relationship>, AdapterError> {
    relationships(xml, FORMAT).map_err(package_error)
}

/// An element's local name and its attributes (qualified names).
type Tag = (String, HashMap<String, String>);

/// Start tags of an XML part with their attributes, in order.
fn tags(xml: &str, what: &str) -> Result<Vec<Tag>, AdapterError> {
    let mut r = Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match r
            .read_event()
            .map_err(|e| err(format!("XLSX 的 {what} 格式错误：{e}")))?
        {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.local_name().as_ref().to_string();
                let mut attrs = HashMap::new();
                for a in e.attributes().flatten() {
                    let key = a.key.as_ref().to_string();
                    if let Ok(v) = a.normalized_value(quick_xml::XmlVersion::Implicit1_0) {
                        attrs.insert(key, v.into_owned());
                    }
                }
                out.push((name, attrs));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// 0-based (row, column) of an A1 reference.
fn parse_a1(r: &str) -> Option<(u32, u32)> {
    let split = r.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = r.split_at(split);
    if letters.is_empty() || !letters.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let col = letters.bytes().try_fold(0u32, |n, b| {
        n.checked_mul(26)?.checked_add(u32::from(b - b'A' + 1))
    })?;
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col.checked_sub(1)?))
}

/// What a pass over a sheet finds: where `<legacyDrawing>` goes (before the
/// first top-level child that must follow it, else before `</worksheet>`),
/// the root's namespace prefix, and the `r:id` of a legacy drawing it has.
struct SheetSlot {
    at: usize,
    prefix: String,
    legacy: Option<String>,
}

fn sheet_slot(xml: &str) -> Result<SheetSlot, AdapterError> {
    let mut r = Reader::from_str(xml);
    let mut depth = 0usize;
    let mut slot = SheetSlot {
        at: 0,
        prefix: String::new(),
        legacy: None,
    };
    let mut found = false;
    loop {
        let pos = r.buffer_position() as usize;
        let event = r
            .read_event()
            .map_err(|e| err(format!("XLSX 工作表 XML 格式错误：{e}")))?;
        let (e, empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 && !found {
                    slot.at = pos;
                    found = true;
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let local = e.local_name().as_ref().to_string();
        if depth == 0 {
            let name = e.name().as_ref().to_string();
            slot.prefix = name
                .split_once(':')
                .map(|(p, _)| format!("{p}:"))
                .unwrap_or_default();
        }
        if depth == 1 {
            if !found && AFTER_LEGACY_DRAWING.contains(&local.as_str()) {
                slot.at = pos;
                found = true;
            }
            if local == "legacyDrawing" {
                slot.legacy = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.local_name().as_ref() == "id")
                    .and_then(|a| {
                        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .ok()
                            .map(|v| v.into_owned())
                    });
            }
        }
        if !empty {
            depth += 1;
        }
    }
    if !found {
        return Err(err("XLSX 工作表不完整（没有 </worksheet>）"));
    }
    Ok(slot)
}

/// The `<comment>` element of one cell.
fn comment(cell: &str, author: usize, texts: &[String]) -> String {
    format!(
        "<comment ref=\"{cell}\" authorId=\"{author}\"><text><r><rPr><b/></rPr><t xml:space=\"preserve\">{AUTHOR}:</t></r>{}</text></comment>",
        runs(texts)
    )
}

/// The notes' text as runs, each note on its own lines.
fn runs(texts: &[String]) -> String {
    texts
        .iter()
        .map(|t| format!("<r><t xml:space=\"preserve\">\n{}</t></r>", escape(t)))
        .collect()
}

/// One VML note box, hidden until the cell is pointed at (as Excel writes them).
fn vml_shape(id: u64, (row, col): (u32, u32)) -> String {
    format!(
        "<v:shape id=\"_x0000_s{id}\" type=\"#_x0000_t202\" style=\"position:absolute;margin-left:80pt;margin-top:2pt;width:240pt;height:120pt;z-index:1;visibility:hidden\" fillcolor=\"#ffffe1\" o:insetmode=\"auto\"><v:fill color2=\"#ffffe1\"/><v:shadow on=\"t\" color=\"black\" obscured=\"t\"/><v:path o:connecttype=\"none\"/><v:textbox style=\"mso-direction-alt:auto\"><div style=\"text-align:left\"></div></v:textbox><x:ClientData ObjectType=\"Note\"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>{}, 15, {}, 2, {}, 15, {}, 16</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>{row}</x:Row><x:Column>{col}</x:Column></x:ClientData></v:shape>",
        col + 1,
        row,
        col + 5,
        row + 8,
    )
}

fn new_vml(idmap: u64, shapes: &str) -> String {
    format!(
        "<xml xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\" xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><o:shapelayout v:ext=\"edit\"><o:idmap v:ext=\"edit\" data=\"{idmap}\"/></o:shapelayout><v:shapetype id=\"_x0000_t202\" coordsize=\"21600,21600\" o:spt=\"202\" path=\"m,l,21600r21600,l21600,xe\"><v:stroke joinstyle=\"miter\"/><v:path gradientshapeok=\"t\" o:connecttype=\"rect\"/></v:shapetype>{shapes}</xml>"
    )
}

/// Numbers after `key` in a text (`_x0000_s1025`, `data="1"`), for ids in use.
fn numbers_after(text: &str, key: &str) -> Vec<u64> {
    text.match_indices(key)
        .filter_map(|(i, m)| {
            let rest = &text[i + m.len()..];
            let end = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            rest[..end].parse().ok()
        })
        .collect()
}

/// A name not taken: `xl/comments1.xml`, `xl/comments2.xml`, …
fn free_name(names: &[String], taken: &[String], stem: &str, ext: &str) -> String {
    (1..)
        .map(|n| format!("{stem}{n}.{ext}"))
        .find(|c| !names.contains(c) && !taken.contains(c))
        .unwrap_or_else(|| format!("{stem}.{ext}"))
}

fn free_id(ids: &[String], stem: &str) -> String {
    (1..)
        .map(|n| format!("{stem}{n}"))
        .find(|c| !ids.contains(c))
        .unwrap_or_else(|| stem.to_string())
}

/// A copy of the workbook `bytes` with a cell note per note (on the note's
/// sheet and cell; on the first sheet's A1 when it has none). XLSX only: an
/// `.xls` file is refused.
pub fn annotate(bytes: &[u8], notes: &[Note]) -> Result<Vec<u8>, AdapterError> {
    if !bytes.starts_with(b"PK") {
        return Err(AdapterError::of(
            ReadErrorKind::UnsupportedFormat,
            "只能给 .xlsx 工作簿加批注；.xls 请先另存为 .xlsx",
        ));
    }
    let mut zip = crate::guard_zip(bytes)?;
    let names = zip.names();
    let package =
        read_text(&mut zip, "_rels/.rels")?.ok_or_else(|| err("XLSX 中缺少 _rels/.rels"))?;
    let workbook_part =
        main_part(&parse_rels(&package)?).unwrap_or_else(|| "xl/workbook.xml".into());
    let workbook = read_text(&mut zip, &workbook_part)?
        .ok_or_else(|| err(format!("XLSX 中缺少 {workbook_part}")))?;
    let (wb_dir, wb_rels_name) = rels_of(&workbook_part);
    let wb_rels = parse_rels(
        &read_text(&mut zip, &wb_rels_name)?
            .ok_or_else(|| err(format!("XLSX 中缺少 {wb_rels_name}")))?,
    )?;
    // Sheet name → its part, in tab order.
    let sheets: Vec<(String, String)> = tags(&workbook, "工作簿")?
        .into_iter()
        .filter(|(n, _)| n == "sheet")
        .filter_map(|(_, a)| {
            let name = a.get("name")?.clone();
            let rid = a
                .get("r:id")
                .or_else(|| a.iter().find(|(k, _)| k.ends_with(":id")).map(|(_, v)| v))?;
            let target = wb_rels.iter().find(|r| &r.id == rid)?.target.clone();
            Some((name, resolve(&wb_dir, &target)))
        })
        .collect();
    let first = sheets
        .first()
        .ok_or_else(|| AdapterError::of(ReadErrorKind::Empty, "工作簿中没有工作表"))?
        .1
        .clone();
    // Notes by sheet part and cell; several on one cell make one note.
    let mut by_sheet: BTreeMap<String, BTreeMap<(u32, u32), Vec<String>>> = BTreeMap::new();
    for note in notes {
        let placed = note
            .sheet
            .as_deref()
            .zip(note.cell_ref.as_deref())
            .and_then(|(s, c)| {
                let part = sheets.iter().find(|(n, _)| n == s)?.1.clone();
                Some((part, parse_a1(c)?))
            });
        let (part, cell) = placed.unwrap_or_else(|| (first.clone(), (0, 0)));
        by_sheet
            .entry(part)
            .or_default()
            .entry(cell)
            .or_default()
            .push(note.lines.join("\n"));
    }

    let mut vml_maps: Vec<u64> = Vec::new();
    for n in names.iter().filter(|n| n.ends_with(".vml")) {
        if let Some(text) = read_text(&mut zip, n)? {
            vml_maps.extend(numbers_after(&text, "data=\""));
        }
    }
    let mut replaced: BTreeMap<String, String> = BTreeMap::new();
    let mut overrides: Vec<String> = Vec::new();
    let mut any_new_vml = false;
    for (part, cells) in &by_sheet {
        let sheet = read_text(&mut zip, part)?.ok_or_else(|| err(format!("XLSX 中缺少 {part}")))?;
        let (dir, rels_name) = rels_of(part);
        let rels_text = read_text(&mut zip, &rels_name)?;
        let rels = match &rels_text {
            Some(t) => parse_rels(t)?,
            None => Vec::new(),
        };
        let slot = sheet_slot(&sheet)?;
        let comments_part = rels
            .iter()
            .find(|r| r.rel_type == COMMENTS_TYPE)
            .map(|r| resolve(&dir, &r.target));
        let vml_part = slot
            .legacy
            .as_ref()
            .and_then(|rid| rels.iter().find(|r| &r.id == rid))
            .map(|r| resolve(&dir, &r.target));
        let taken: Vec<String> = replaced.keys().cloned().collect();
        let mut new_rels: Vec<String> = Vec::new();
        let mut ids: Vec<String> = rels.iter().map(|r| r.id.clone()).collect();
        let mut relate = |ty: &str, part_name: &str, ids: &mut Vec<String>| -> String {
            let id = free_id(ids, "rIdNianbao");
            ids.push(id.clone());
            new_rels.push(format!(
                "<Relationship Id=\"{id}\" Type=\"{ty}\" Target=\"{}\"/>",
                relative(&dir, part_name)
            ));
            id
        };

        // The comments part: existing (append, or add to a cell's note) or new.
        let existing = match &comments_part {
            Some(name) => read_text(&mut zip, name)?,
            None => None,
        };
        let mut shapes_for: Vec<(u32, u32)> = Vec::new();
        let comments_name;
        let comments_xml = match existing {
            Some(mut xml) => {
                comments_name = comments_part.clone().unwrap_or_default();
                let authors: Vec<String> = {
                    let mut r = Reader::from_str(&xml);
                    let mut out = Vec::new();
                    let mut inside = false;
                    loop {
                        match r.read_event() {
                            Ok(Event::Start(e)) if e.local_name().as_ref() == "author" => {
                                inside = true
                            }
                            Ok(Event::Text(t)) if inside => {
                                out.push(t.xml10_content().into_owned())
                            }
                            Ok(Event::End(e)) if e.local_name().as_ref() == "author" => {
                                inside = false
                            }
                            Ok(Event::Eof) | Err(_) => break,
                            _ => {}
                        }
                    }
                    out
                };
                let author = match authors.iter().position(|a| a == AUTHOR) {
                    Some(i) => i,
                    None => {
                        xml = insert_before_last(
                            &xml,
                            "</authors>",
                            &format!("<author>{AUTHOR}</author>"),
                        )
                        .ok_or_else(|| err("XLSX 的批注部分格式不符（没有 </authors>）"))?;
                        authors.len()
                    }
                };
                let mut added = String::new();
                for (&cell, texts) in cells {
                    let a1 = nianbao_core::address::a1(cell.0, cell.1);
                    let open = format!("<comment ref=\"{a1}\"");
                    match xml
                        .find(&open)
                        .and_then(|i| xml[i..].find("</text>").map(|j| i + j))
                    {
                        Some(end) => xml.insert_str(end, &runs(texts)),
                        None => {
                            added.push_str(&comment(&a1, author, texts));
                            shapes_for.push(cell);
                        }
                    }
                }
                if !added.is_empty() {
                    xml = match insert_before_last(&xml, "</commentList>", &added) {
                        Some(x) => x,
                        None => xml.replacen(
                            "<commentList/>",
                            &format!("<commentList>{added}</commentList>"),
                            1,
                        ),
                    };
                }
                xml
            }
            None => {
                comments_name = free_name(&names, &taken, "xl/comments", "xml");
                let list: String = cells
                    .iter()
                    .map(|(&cell, texts)| {
                        shapes_for.push(cell);
                        comment(&nianbao_core::address::a1(cell.0, cell.1), 0, texts)
                    })
                    .collect();
                relate(COMMENTS_TYPE, &comments_name, &mut ids);
                overrides.push(format!(
                    "<Override PartName=\"/{comments_name}\" ContentType=\"{COMMENTS_CONTENT_TYPE}\"/>"
                ));
                format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<comments xmlns=\"{MAIN_NS}\"><authors><author>{AUTHOR}</author></authors><commentList>{list}</commentList></comments>"
                )
            }
        };
        replaced.insert(comments_name, comments_xml);

        // The note boxes: into the sheet's drawing, or a new one.
        if !shapes_for.is_empty() {
            let vml_existing = match &vml_part {
                Some(name) => read_text(&mut zip, name)?.map(|t| (name.clone(), t)),
                None => None,
            };
            match vml_existing {
                Some((name, text)) => {
                    let next = numbers_after(&text, "_x0000_s")
                        .into_iter()
                        .max()
                        .unwrap_or(1024)
                        + 1;
                    let shapes: String = shapes_for
                        .iter()
                        .enumerate()
                        .map(|(k, &cell)| vml_shape(next + k as u64, cell))
                        .collect();
                    let text = insert_before_last(&text, "</xml>", &shapes)
                        .ok_or_else(|| err("XLSX 的绘图部分格式不符（没有 </xml>）"))?;
                    replaced.insert(name, text);
                }
                None => {
                    let idmap = vml_maps.iter().max().copied().unwrap_or(0) + 1;
                    vml_maps.push(idmap);
                    let shapes: String = shapes_for
                        .iter()
                        .enumerate()
                        .map(|(k, &cell)| vml_shape(idmap * 1024 + 1 + k as u64, cell))
                        .collect();
                    let taken: Vec<String> = replaced.keys().cloned().collect();
                    let name = free_name(&names, &taken, "xl/drawings/vmlDrawing", "vml");
                    let rid = relate(VML_TYPE, &name, &mut ids);
                    replaced.insert(name, new_vml(idmap, &shapes));
                    any_new_vml = true;
                    let element = format!(
                        "<{}legacyDrawing xmlns:r=\"{REL_NS}\" r:id=\"{rid}\"/>",
                        slot.prefix
                    );
                    let mut sheet = sheet.clone();
                    sheet.insert_str(slot.at, &element);
                    replaced.insert(part.clone(), sheet);
                }
            }
        }
        if !new_rels.is_empty() {
            let joined: String = new_rels.concat();
            let text = match &rels_text {
                Some(t) => insert_before_last(t, "</Relationships>", &joined)
                    .ok_or_else(|| err("XLSX 的关系文件格式不符（没有 </Relationships>）"))?,
                None => format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">{joined}</Relationships>"
                ),
            };
            replaced.insert(rels_name, text);
        }
    }

    let types = read_text(&mut zip, "[Content_Types].xml")?
        .ok_or_else(|| err("XLSX 中缺少 [Content_Types].xml"))?;
    let mut added = overrides.concat();
    if any_new_vml && !types.contains("Extension=\"vml\"") {
        added.push_str(&format!(
            "<Default Extension=\"vml\" ContentType=\"{VML_CONTENT_TYPE}\"/>"
        ));
    }
    if !added.is_empty() {
        let t = insert_before_last(&types, "</Types>", &added)
            .ok_or_else(|| err("XLSX 的 [Content_Types].xml 格式不符（没有 </Types>）"))?;
        replaced.insert("[Content_Types].xml".into(), t);
    }
    zip.rewrite(&replaced).map_err(package_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_and_paths() {
        assert_eq!(parse_a1("D29"), Some((28, 3)));
        assert_eq!(parse_a1("AA1"), Some((0, 26)));
        assert_eq!(parse_a1("A0"), None);
        assert_eq!(parse_a1("d3"), None);
        assert_eq!(
            relative("xl/worksheets/", "xl/comments1.xml"),
            "../comments1.xml"
        );
        assert_eq!(
            relative("xl/worksheets/", "xl/drawings/vmlDrawing1.vml"),
            "../drawings/vmlDrawing1.vml"
        );
        assert_eq!(
            resolve("xl/worksheets/", "../comments1.xml"),
            "xl/comments1.xml"
        );
    }

    #[test]
    fn the_legacy_drawing_goes_before_what_must_follow_it() {
        let sheet = "<worksheet><sheetData><row><c><v>1</v></c></row></sheetData><conditionalFormatting><cfRule><extLst/></cfRule></conditionalFormatting><pageSetup/><tableParts count=\"0\"/><extLst/></worksheet>";
        let slot = sheet_slot(sheet).unwrap();
        assert!(
            sheet[slot.at..].starts_with("<tableParts"),
            "{}",
            &sheet[slot.at..]
        );
        let sheet = "<x:worksheet xmlns:x=\"m\"><x:sheetData/><x:legacyDrawing r:id=\"rId9\"/></x:worksheet>";
        let slot = sheet_slot(sheet).unwrap();
        assert!(sheet[slot.at..].starts_with("</x:worksheet>"));
        assert_eq!(slot.prefix, "x:");
        assert_eq!(slot.legacy.as_deref(), Some("rId9"));
    }
}
