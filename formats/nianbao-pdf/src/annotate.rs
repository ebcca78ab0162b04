//! Notes written into a copy of a PDF (`nianbao annotate`), as an
//! incremental update: the original bytes are kept as they are and new
//! objects are appended after them (ISO 32000-1, 7.5.6), so the original is
//! a prefix of the copy and its text layer is untouched.
//!
//! Per note: a highlight annotation over the boxes of the cell or lines it is
//! about (one per page the boxes are on, its quadrilaterals the boxes), and a
//! text annotation (a note icon in the right margin, level with the first
//! box), both carrying the note's text as `/Contents` and `nianbao` as author.

use std::collections::BTreeMap;

use lopdf::{Dictionary, IncrementalDocument, Object, ObjectId, StringFormat};
use nianbao_core::address::{AUTHOR, Note, PageBox};

use crate::{Limits, PdfError};

/// A PDF text string: UTF-16BE with a byte-order mark.
fn text(s: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        bytes.extend_from_slice(&u.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

fn reals(values: &[f32]) -> Object {
    Object::Array(values.iter().map(|v| Object::Real(*v)).collect())
}

fn damaged(e: lopdf::Error) -> PdfError {
    PdfError::Damaged(e.to_string())
}

/// The visible area of a page: its crop box, else its media box, looked up
/// through the page tree (both are inherited).
fn page_box(doc: &lopdf::Document, page: ObjectId) -> [f32; 4] {
    let lookup = |key: &[u8]| -> Option<[f32; 4]> {
        let mut id = page;
        for _ in 0..32 {
            let dict = doc.get_dictionary(id).ok()?;
            if let Ok(Object::Array(a)) = dict.get(key).and_then(|o| match o {
                Object::Reference(r) => doc.get_object(*r),
                o => Ok(o),
            }) {
                let v: Vec<f32> = a.iter().filter_map(|o| o.as_float().ok()).collect();
                if let [x0, y0, x1, y1] = v[..] {
                    return Some([x0.min(x1), y0.min(y1), x0.max(x1), y0.max(y1)]);
                }
            }
            id = dict.get(b"Parent").and_then(Object::as_reference).ok()?;
        }
        None
    };
    lookup(b"CropBox")
        .or_else(|| lookup(b"MediaBox"))
        .unwrap_or([0.0, 0.0, 595.0, 842.0])
}

/// The note's boxes by page, in the order of their pages.
fn by_page(boxes: &[PageBox]) -> BTreeMap<u32, Vec<PageBox>> {
    let mut out: BTreeMap<u32, Vec<PageBox>> = BTreeMap::new();
    for b in boxes {
        out.entry(b.page).or_default().push(*b);
    }
    out
}

/// A copy of the PDF `bytes` with a highlight and a note per note: the
/// original bytes followed by an incremental update.
pub fn annotate(bytes: &[u8], notes: &[Note]) -> Result<Vec<u8>, PdfError> {
    // The same checks as reading: a file that cannot be read is not marked.
    let doc = crate::load(bytes, &Limits::default())?;
    // An update names the previous cross-reference section; a file whose own
    // is missing was only read by scanning for objects (viewers repair it
    // too), and an update of it would point nowhere.
    if doc.xref_start == 0 {
        return Err(unrepairable());
    }
    let pages = doc.get_pages();
    let first_page = *pages.keys().next().ok_or(PdfError::NoPages)?;
    // New objects go above every object number the file uses. The trailer's
    // /Size does not bound them: many producers number the cross-reference
    // stream itself at or above /Size without listing it, and an annotation
    // given its number would be read as that stream by other readers.
    let highest = doc.max_id.max(highest_object_header(bytes));
    let mut inc = IncrementalDocument::create_from(bytes.to_vec(), doc);
    inc.new_document.max_id = inc.new_document.max_id.max(highest);
    let mut new_annots: BTreeMap<u32, Vec<ObjectId>> = BTreeMap::new();
    for (k, note) in notes.iter().enumerate() {
        let contents = note.lines.join("\n");
        let groups = by_page(&note.boxes);
        // The note's icon: on its first page, in the right margin level with
        // its first box (at the top of the first page without boxes).
        let (note_page, top) = match groups.iter().next() {
            Some((page, boxes)) => (*page, boxes.iter().map(|b| b.y1).fold(f32::MIN, f32::max)),
            None => (first_page, f32::MAX),
        };
        for (page, boxes) in &groups {
            let Some(&page_id) = pages.get(page) else {
                continue;
            };
            let rect = boxes
                .iter()
                .fold([f32::MAX, f32::MAX, f32::MIN, f32::MIN], |r, b| {
                    [
                        r[0].min(b.x0),
                        r[1].min(b.y0),
                        r[2].max(b.x1),
                        r[3].max(b.y1),
                    ]
                });
            let quads: Vec<f32> = boxes
                .iter()
                .flat_map(|b| [b.x0, b.y1, b.x1, b.y1, b.x0, b.y0, b.x1, b.y0])
                .collect();
            let mut h = Dictionary::new();
            h.set("Type", Object::Name(b"Annot".to_vec()));
            h.set("Subtype", Object::Name(b"Highlight".to_vec()));
            h.set("Rect", reals(&rect));
            h.set("QuadPoints", reals(&quads));
            h.set("C", reals(&[1.0, 0.85, 0.0]));
            h.set("Contents", text(&contents));
            h.set("T", text(AUTHOR));
            h.set("NM", text(&format!("nianbao-{}-{page}", k + 1)));
            h.set("F", Object::Integer(4));
            h.set("P", Object::Reference(page_id));
            let id = inc
                .new_document
                .try_add_object(Object::Dictionary(h))
                .map_err(damaged)?;
            new_annots.entry(*page).or_default().push(id);
        }
        let Some(&page_id) = pages.get(&note_page) else {
            continue;
        };
        let mb = page_box(inc.get_prev_documents(), page_id);
        let top = top.min(mb[3] - 4.0).max(mb[1] + 24.0);
        let x = (mb[2] - 26.0).max(mb[0]);
        let mut t = Dictionary::new();
        t.set("Type", Object::Name(b"Annot".to_vec()));
        t.set("Subtype", Object::Name(b"Text".to_vec()));
        t.set("Rect", reals(&[x, top - 20.0, x + 20.0, top]));
        t.set("Name", Object::Name(b"Comment".to_vec()));
        t.set("Open", Object::Boolean(false));
        t.set("C", reals(&[1.0, 0.6, 0.0]));
        t.set("Contents", text(&contents));
        t.set("T", text(AUTHOR));
        t.set("NM", text(&format!("nianbao-{}", k + 1)));
        t.set("F", Object::Integer(4 | 8 | 16));
        t.set("P", Object::Reference(page_id));
        let id = inc
            .new_document
            .try_add_object(Object::Dictionary(t))
            .map_err(damaged)?;
        new_annots.entry(note_page).or_default().push(id);
    }
    for (page, ids) in new_annots {
        let Some(&page_id) = pages.get(&page) else {
            continue;
        };
        add_annots(&mut inc, page_id, ids)?;
    }
    let mut out = Vec::with_capacity(bytes.len() + 4096);
    inc.save_to(&mut out)
        .map_err(|e| PdfError::Damaged(e.to_string()))?;
    // The copy must read as a whole: with a damaged cross-reference table
    // (an offset that is wrong, repaired when the original was read), the
    // update can lose the pages.
    let again = crate::load(&out, &Limits::default()).map_err(|_| unrepairable())?;
    if again.get_pages().len() != pages.len() {
        return Err(unrepairable());
    }
    Ok(out)
}

/// Object numbers above this are not taken from a header found in the bytes
/// (the PDF implementation limit on indirect objects, ISO 32000-1 annex C):
/// a stream's binary data may happen to look like a header.
const MAX_OBJECT_NUMBER: u32 = 8_388_607;

/// PDF white-space characters (ISO 32000-1, 7.2.2).
fn is_white(b: u8) -> bool {
    matches!(b, 0 | b'\t' | b'\n' | 0x0C | b'\r' | b' ')
}

/// The start of the run of bytes satisfying `keep` that ends at `end`.
fn run_start(bytes: &[u8], end: usize, keep: fn(u8) -> bool) -> usize {
    let mut i = end;
    while i > 0 && keep(bytes[i - 1]) {
        i -= 1;
    }
    i
}

/// The highest object number of an object header (`12 0 obj`) anywhere in
/// the bytes: every object of every revision, cross-reference streams
/// included, whether or not a cross-reference section lists it.
fn highest_object_header(bytes: &[u8]) -> u32 {
    let mut highest = 0;
    let mut from = 0;
    while let Some(k) = bytes
        .get(from..)
        .and_then(|rest| rest.windows(3).position(|w| w == b"obj"))
    {
        let at = from + k;
        from = at + 3;
        // `obj` as a whole keyword, not the start of a longer name.
        if bytes
            .get(at + 3)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            continue;
        }
        let gen_end = run_start(bytes, at, is_white);
        let gen_start = run_start(bytes, gen_end, |b| b.is_ascii_digit());
        let num_end = run_start(bytes, gen_start, is_white);
        let num_start = run_start(bytes, num_end, |b| b.is_ascii_digit());
        if gen_end == at || gen_start == gen_end || num_end == gen_start || num_start == num_end {
            continue;
        }
        let number = std::str::from_utf8(&bytes[num_start..num_end])
            .ok()
            .and_then(|s| s.parse::<u32>().ok());
        if let Some(n) = number.filter(|n| *n <= MAX_OBJECT_NUMBER) {
            highest = highest.max(n);
        }
    }
    highest
}

fn unrepairable() -> PdfError {
    PdfError::NoUpdate
}

/// Appends annotation references to a page's `/Annots` (an array in the
/// page, an array object it refers to, or none yet).
fn add_annots(
    inc: &mut IncrementalDocument,
    page_id: ObjectId,
    ids: Vec<ObjectId>,
) -> Result<(), PdfError> {
    inc.opt_clone_object_to_new_document(page_id)
        .map_err(damaged)?;
    let refs = ids.into_iter().map(Object::Reference);
    let annots = inc
        .new_document
        .get_dictionary(page_id)
        .map_err(damaged)?
        .get(b"Annots")
        .ok()
        .cloned();
    match annots {
        Some(Object::Reference(array_id)) => {
            inc.opt_clone_object_to_new_document(array_id)
                .map_err(damaged)?;
            match inc.new_document.get_object_mut(array_id).map_err(damaged)? {
                Object::Array(a) => a.extend(refs),
                other => {
                    *other = Object::Array(refs.collect());
                }
            }
        }
        Some(Object::Array(mut a)) => {
            a.extend(refs);
            inc.new_document
                .get_dictionary_mut(page_id)
                .map_err(damaged)?
                .set("Annots", Object::Array(a));
        }
        _ => {
            inc.new_document
                .get_dictionary_mut(page_id)
                .map_err(damaged)?
                .set("Annots", Object::Array(refs.collect()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_strings_are_utf16_with_a_bom() {
        let Object::String(b, StringFormat::Hexadecimal) = text("表A") else {
            panic!()
        };
        assert_eq!(b, [0xFE, 0xFF, 0x88, 0x68, 0x00, 0x41]);
    }

    #[test]
    fn the_highest_object_header_counts_whole_headers_only() {
        let pdf =
            b"%PDF-1.7\n1 0 obj<<>>endobj\r\n12  0\nobj\n<</Type/XRef>>stream\nendstream endobj\n\
            99 0 objects 7 0 obj_x 3 obj 1.5 0 obj 9999999999 0 obj 8388608 0 obj";
        assert_eq!(highest_object_header(pdf), 12);
        assert_eq!(highest_object_header(b"obj"), 0);
        assert_eq!(highest_object_header(b""), 0);
        assert_eq!(highest_object_header(b" 0 obj"), 0);
        assert_eq!(highest_object_header(b"5 0 obj"), 5);
    }
}
