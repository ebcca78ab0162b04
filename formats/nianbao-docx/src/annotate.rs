//! Word comments written into a copy of a DOCX (`nianbao annotate`).
//!
//! Only four parts change: the main document part gets
//! `w:commentRangeStart`/`w:commentRangeEnd` around each marked cell or
//! paragraph and a `w:commentReference` run at its end; the comments part
//! (`word/comments.xml`) gets one `w:comment` per note, after any comments the
//! file already has (ids above the largest in use); the main part's
//! relationships and `[Content_Types].xml` name the comments part when they
//! did not. Every other entry of the zip is copied as it was, compressed
//! bytes and all (`ZipWriter::raw_copy_file`).

use std::collections::{BTreeMap, HashMap};

use nianbao_core::adapter::{AdapterError, ReadErrorKind};
use nianbao_core::address::{AUTHOR, Note};
use nianbao_core::document::{Block, Document};
use nianbao_core::model::Origin;
use nianbao_ooxml::{Package, escape, insert_before_last, relationships, rels_of, resolve};
use quick_xml::Reader;
use quick_xml::events::Event;

use crate::container::{self, FORMAT, package_error};
use crate::numbering::Numbering;
use crate::styles::Styles;
use crate::xml::{Anchors, ParaPos, parse_with_anchors};
use crate::xml_attr::attr;

const COMMENTS_TYPE: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments";
const COMMENTS_CONTENT_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml";
const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// The original is not as its format says (it was read, so rarely seen).
fn err(message: impl Into<String>) -> AdapterError {
    AdapterError::damaged(message)
}

/// The largest `w:id` of the comments in a comments part.
fn max_comment_id(xml: &str) -> Result<Option<u64>, AdapterError> {
    let mut r = Reader::from_str(xml);
    let mut max: Option<u64> = None;
    loop {
        match r
            .read_event()
            .map_err(|e| err(format!("DOCX 的批注部分格式错误：{e}")))?
        {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "w:comment" => {
                if let Some(id) = attr(&e, "w:id").and_then(|v| v.parse::<u64>().ok()) {
                    max = Some(max.map_or(id, |m| m.max(id)));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(max)
}

/// Where a note's comment starts and ends.
fn place(anchors: &Anchors, at: Option<&Origin>) -> Option<(ParaPos, ParaPos)> {
    let found = match at {
        Some(Origin::Table {
            table_index,
            row,
            column,
        }) => anchors.cells.get(&(*table_index, *row, *column)).copied(),
        Some(Origin::Paragraph { index }) => anchors.paragraphs.get(index).map(|p| (*p, *p)),
        _ => None,
    };
    found.or(anchors.first.map(|p| (p, p)))
}

/// The main part with the comment marks written in: for each paragraph
/// touched, the range starts that open in it and the range ends (with their
/// reference runs) that close in it.
fn mark_document(xml: &str, marks: &[(ParaPos, ParaPos, u64)]) -> String {
    let mut starts: HashMap<ParaPos, Vec<u64>> = HashMap::new();
    let mut ends: HashMap<ParaPos, Vec<u64>> = HashMap::new();
    for (first, last, id) in marks {
        starts.entry(*first).or_default().push(*id);
        ends.entry(*last).or_default().push(*id);
    }
    let start_tags = |ids: &[u64]| -> String {
        ids.iter()
            .map(|id| format!("<w:commentRangeStart w:id=\"{id}\"/>"))
            .collect()
    };
    let end_tags = |ids: &[u64]| -> String {
        ids.iter()
            .map(|id| {
                format!(
                    "<w:commentRangeEnd w:id=\"{id}\"/><w:r><w:commentReference w:id=\"{id}\"/></w:r>"
                )
            })
            .collect()
    };
    // (offset, bytes replaced, text): never overlapping, applied in order.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let mut paras: Vec<ParaPos> = starts.keys().chain(ends.keys()).copied().collect();
    paras.sort_by_key(|p| (p.content, p.end));
    paras.dedup();
    for p in paras {
        let s = starts
            .get(&p)
            .map(|ids| start_tags(ids))
            .unwrap_or_default();
        let e = ends.get(&p).map(|ids| end_tags(ids)).unwrap_or_default();
        if p.empty {
            // <w:p/> → <w:p>…</w:p>
            edits.push((p.end, 2, format!(">{s}{e}</w:p>")));
        } else {
            if !s.is_empty() {
                edits.push((p.content, 0, s));
            }
            if !e.is_empty() {
                edits.push((p.end, 0, e));
            }
        }
    }
    edits.sort_by_key(|(at, _, _)| *at);
    let mut out = String::with_capacity(xml.len() + edits.iter().map(|e| e.2.len()).sum::<usize>());
    let mut from = 0;
    for (at, remove, text) in edits {
        if at < from || at + remove > xml.len() || !xml.is_char_boundary(at) {
            continue;
        }
        out.push_str(&xml[from..at]);
        out.push_str(&text);
        from = at + remove;
    }
    out.push_str(&xml[from..]);
    out
}

/// One `w:comment` element.
fn comment(id: u64, lines: &[String]) -> String {
    let mut c = format!("<w:comment w:id=\"{id}\" w:author=\"{AUTHOR}\" w:initials=\"NB\">");
    for (i, line) in lines.iter().enumerate() {
        c.push_str("<w:p>");
        if i == 0 {
            c.push_str("<w:r><w:annotationRef/></w:r>");
        }
        c.push_str("<w:r><w:t xml:space=\"preserve\">");
        // A line break or tab inside `w:t` would show as a space anyway.
        c.push_str(&escape(&line.replace(['\t', '\n'], " ")));
        c.push_str("</w:t></w:r></w:p>");
    }
    c.push_str("</w:comment>");
    c
}

/// A copy of the DOCX `bytes` with one Word comment per note, on the cell or
/// paragraph the note is about (the first paragraph when it is about none, or
/// when the place cannot be found). The original bytes are not changed.
pub fn annotate(bytes: &[u8], notes: &[Note]) -> Result<Vec<u8>, AdapterError> {
    let parts = container::open(bytes)?;
    let styles = match &parts.styles {
        Some(xml) => Styles::parse(xml)?,
        None => Styles::default(),
    };
    let numbering = match &parts.numbering {
        Some(xml) => Numbering::parse(xml, styles)?,
        None => Numbering::default(),
    };
    let (original, anchors) = parse_with_anchors(&parts.document, numbering)?;

    let mut package = Package::open(bytes, FORMAT, container::LIMITS).map_err(package_error)?;
    let (dir, rels_name) = rels_of(&parts.main);
    let rels = package.read_text(&rels_name).map_err(package_error)?;
    let types = package
        .read_text("[Content_Types].xml")
        .map_err(package_error)?
        .ok_or_else(|| err("DOCX 中缺少 [Content_Types].xml"))?;
    let related = match &rels {
        Some(xml) => relationships(xml, FORMAT).map_err(package_error)?,
        None => Vec::new(),
    };
    let existing = related
        .iter()
        .find(|r| r.rel_type == COMMENTS_TYPE)
        .map(|r| resolve(&dir, &r.target));
    let old_comments = match &existing {
        Some(name) => package.read_text(name).map_err(package_error)?,
        None => None,
    };
    let names = package.names();
    // A new comments part: word/comments.xml, unless an unrelated entry has that name.
    let comments_name = existing.clone().unwrap_or_else(|| {
        let mut name = format!("{dir}comments.xml");
        let mut n = 1;
        while names.contains(&name) {
            name = format!("{dir}comments{n}.xml");
            n += 1;
        }
        name
    });

    let used = [
        anchors.max_comment_id,
        old_comments
            .as_deref()
            .map(max_comment_id)
            .transpose()?
            .flatten(),
    ]
    .into_iter()
    .flatten()
    .max();
    let first_id = used.map_or(0, |m| m.saturating_add(1));
    let mut marks = Vec::with_capacity(notes.len());
    let mut elements = String::new();
    for (k, note) in notes.iter().enumerate() {
        let id = first_id.saturating_add(k as u64);
        let (first, last) = place(&anchors, note.at.as_ref()).ok_or_else(|| {
            AdapterError::of(ReadErrorKind::Empty, "DOCX 正文中没有段落，无法加批注")
        })?;
        marks.push((first, last, id));
        elements.push_str(&comment(id, &note.lines));
    }
    let document = mark_document(&parts.document, &marks);
    let comments = match &old_comments {
        Some(xml) => insert_before_last(xml, "</w:comments>", &elements)
            .ok_or_else(|| err("DOCX 的批注部分格式不符（没有 </w:comments>），无法追加批注"))?,
        None => format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n<w:comments xmlns:w=\"{W_NS}\">{elements}</w:comments>"
        ),
    };
    let new_rels = if existing.is_some() {
        None
    } else {
        let ids: Vec<&str> = related.iter().map(|r| r.id.as_str()).collect();
        let mut n = 1;
        let mut id = "rIdNianbaoComments".to_string();
        while ids.contains(&id.as_str()) {
            id = format!("rIdNianbaoComments{n}");
            n += 1;
        }
        let target = comments_name
            .strip_prefix(dir.as_str())
            .map_or_else(|| format!("/{comments_name}"), str::to_string);
        let rel =
            format!("<Relationship Id=\"{id}\" Type=\"{COMMENTS_TYPE}\" Target=\"{target}\"/>");
        Some(match &rels {
            Some(xml) => insert_before_last(xml, "</Relationships>", &rel)
                .ok_or_else(|| err("DOCX 的关系文件格式不符（没有 </Relationships>）"))?,
            None => format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">{rel}</Relationships>"
            ),
        })
    };
    let part_name = format!("/{comments_name}");
    let new_types = if types.contains(&format!("PartName=\"{part_name}\"")) {
        None
    } else {
        let o =
            format!("<Override PartName=\"{part_name}\" ContentType=\"{COMMENTS_CONTENT_TYPE}\"/>");
        Some(
            insert_before_last(&types, "</Types>", &o)
                .ok_or_else(|| err("DOCX 的 [Content_Types].xml 格式不符（没有 </Types>）"))?,
        )
    };

    let mut replaced: BTreeMap<&str, &str> = BTreeMap::new();
    replaced.insert(parts.main.as_str(), document.as_str());
    replaced.insert(comments_name.as_str(), comments.as_str());
    if let Some(r) = &new_rels {
        replaced.insert(rels_name.as_str(), r.as_str());
    }
    if let Some(t) = &new_types {
        replaced.insert("[Content_Types].xml", t.as_str());
    }
    let copy = package.rewrite(&replaced).map_err(package_error)?;
    // The marks must not change what the copy says: a copy that reads
    // differently is not written.
    match crate::read(&copy) {
        Ok(again) if same_reading(&again, &original) => Ok(copy),
        _ => Err(AdapterError::new(COPY_DIFFERS)),
    }
}

/// Why a copy is refused when, against every expectation, it would read
/// differently from its original.
pub const COPY_DIFFERS: &str =
    "加批注后的副本读出的内容与原文件不同，未写出副本（这是 nianbao 的缺陷，请报告）";

/// The same blocks: paragraph and cell texts, merges and origins.
fn same_reading(a: &Document, b: &Document) -> bool {
    a.blocks.len() == b.blocks.len()
        && a.blocks.iter().zip(&b.blocks).all(|pair| match pair {
            (Block::Paragraph(x), Block::Paragraph(y)) => x.text == y.text && x.origin == y.origin,
            (Block::Table(x), Block::Table(y)) => {
                x.origin == y.origin
                    && x.rows.len() == y.rows.len()
                    && x.rows.iter().zip(&y.rows).all(|(r, s)| {
                        r.len() == s.len()
                            && r.iter().zip(s).all(|(c, d)| {
                                c.text == d.text
                                    && c.merged_from == d.merged_from
                                    && c.origin == d.origin
                            })
                    })
            }
            _ => false,
        })
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Write};

    use zip::write::SimpleFileOptions;
    use zip::{CompressionMethod, ZipWriter};

    use super::*;

    #[test]
    fn marks_go_after_the_paragraph_properties_and_before_its_end() {
        let xml = "<w:body><w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:r><w:t>甲</w:t></w:r></w:p><w:p/></w:body>";
        let numbering = Numbering::default();
        let (_, anchors) = parse_with_anchors(xml, numbering).unwrap();
        let p1 = anchors.paragraphs[&1];
        let p2 = anchors.paragraphs[&2];
        assert!(p2.empty);
        let out = mark_document(xml, &[(p1, p1, 7), (p2, p2, 8), (p1, p1, 9)]);
        assert_eq!(
            out,
            "<w:body><w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr>\
             <w:commentRangeStart w:id=\"7\"/><w:commentRangeStart w:id=\"9\"/>\
             <w:r><w:t>甲</w:t></w:r>\
             <w:commentRangeEnd w:id=\"7\"/><w:r><w:commentReference w:id=\"7\"/></w:r>\
             <w:commentRangeEnd w:id=\"9\"/><w:r><w:commentReference w:id=\"9\"/></w:r></w:p>\
             <w:p><w:commentRangeStart w:id=\"8\"/><w:commentRangeEnd w:id=\"8\"/>\
             <w:r><w:commentReference w:id=\"8\"/></w:r></w:p></w:body>"
        );
    }

    /// A minimal DOCX whose body is `body`.
    fn docx(body: &str) -> Vec<u8> {
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        let opt = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        let parts = [
            ("[Content_Types].xml", "<Types></Types>".to_string()),
            (
                "_rels/.rels",
                "<Relationships><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>".to_string(),
            ),
            (
                "word/document.xml",
                format!("<w:document xmlns:w=\"{W_NS}\"><w:body>{body}</w:body></w:document>"),
            ),
        ];
        for (name, text) in parts {
            w.start_file(name, opt).unwrap();
            w.write_all(text.as_bytes()).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn texts(doc: &Document) -> Vec<String> {
        doc.blocks
            .iter()
            .map(|b| match b {
                Block::Paragraph(p) => p.text.clone(),
                Block::Table(t) => format!("[table {}x{}]", t.rows.len(), t.width()),
            })
            .collect()
    }

    /// Notes on every paragraph of the original, on its first paragraph
    /// (a note about nothing in particular) and on every cell.
    fn annotate_everywhere(bytes: &[u8]) -> (Document, Document) {
        let original = crate::read(bytes).unwrap();
        let addresses = nianbao_core::address::Addresses::default();
        let note = |at| Note::new(at, &addresses, vec!["错误 [X] 说明".into()]);
        let mut notes = vec![note(None)];
        for b in &original.blocks {
            match b {
                Block::Paragraph(p) => notes.push(note(Some(p.origin.clone()))),
                Block::Table(t) => notes.extend(
                    t.rows
                        .iter()
                        .flatten()
                        .map(|c| note(Some(c.origin.clone()))),
                ),
            }
        }
        let copy = annotate(bytes, &notes).unwrap();
        let again = crate::read(&copy).unwrap();
        assert!(
            same_reading(&again, &original),
            "{:?} vs {:?}",
            texts(&again),
            texts(&original)
        );
        (original, again)
    }

    /// Found by `cargo xtask fuzz --seed 20261202`: the first body paragraph
    /// is an empty `<w:p/>` inside a `w:tc` inside a run of a paragraph. Its
    /// comment makes it `<w:p>…</w:p>`, which must read as `<w:p/>` did: the
    /// paragraph around it is not lost.
    #[test]
    fn a_copy_reads_as_its_original_when_the_marked_paragraph_is_nested() {
        let body = "<w:p><w:pPr><w:jc w:val=\"left\"/></w:pPr><w:r><w:rPr></w:rPr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:t>2023</w:t></w:r><w:r><w:t>年度报告如下：</w:t></w:r></w:p>\
                    <w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p>";
        let (original, _) = annotate_everywhere(&docx(body));
        assert_eq!(texts(&original), ["2023年度报告如下：", "一、总体情况"]);
        // A text box's paragraphs inside a paragraph, empty or not, the
        // paragraph around them in a table cell and in the body.
        let boxed = |inner: &str| {
            format!(
                "<w:p><w:r><w:t>前</w:t></w:r><w:r><w:drawing><w:txbxContent>{inner}</w:txbxContent></w:drawing></w:r><w:r><w:t>后</w:t></w:r></w:p>"
            )
        };
        let body = format!(
            "{}{}<w:tbl><w:tr><w:tc>{}</w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>{}",
            boxed("<w:p/>"),
            boxed("<w:p><w:r><w:t>框</w:t></w:r></w:p><w:p></w:p>"),
            boxed("<w:p><w:r><w:t>格中框</w:t></w:r></w:p>"),
            boxed(&boxed("<w:p/>")),
        );
        let (original, _) = annotate_everywhere(&docx(&body));
        assert_eq!(
            texts(&original),
            ["前后", "框", "前后", "[table 1x2]", "前后", "前后"]
        );
    }

    #[test]
    fn comment_text_is_escaped() {
        let c = comment(3, &["a<b & \"c\"\u{1}".into(), "第二行".into()]);
        assert!(c.contains("a&lt;b &amp; &quot;c&quot;</w:t>"), "{c}");
        assert!(c.contains("w:id=\"3\" w:author=\"nianbao\""), "{c}");
        assert_eq!(c.matches("<w:p>").count(), 2);
    }
}
