//! Fonts as far as reading text needs them: character codes → Unicode, and
//! glyph advances for positions.
//!
//! Covers what Word, WPS and LibreOffice write for Chinese text: simple fonts
//! (TrueType/Type1/Type3, one byte per code) with a `/ToUnicode` CMap or a
//! standard encoding, and composite `Type0` fonts with `Identity-H` (two bytes
//! per code) plus `/ToUnicode`, or the predefined Chinese CMaps
//! (`UniGB-UCS2-H`, `GBK-EUC-H`, …) whose codes are Unicode or GBK themselves.

use std::collections::HashMap;

use lopdf::{Dictionary, Document, Encoding, Object};

use crate::limits::MAX_STREAM_BYTES;

/// How many bytes make one character code.
#[derive(Debug, Clone, Copy, PartialEq)]
enum CodeBytes {
    One,
    Two,
    /// GBK-style: a lead byte 0x81..=0xFE starts a two-byte code.
    Gbk,
}

/// What a code means when the `/ToUnicode` CMap does not say.
enum Fallback<'a> {
    /// A simple font's `/Encoding` (or the standard encoding).
    Simple(Encoding<'a>),
    /// Unknown encoding: printable ASCII codes stand for themselves.
    Ascii,
    /// Codes are UTF-16BE (`UniGB-UCS2-H`, `UniGB-UTF16-H`, …).
    Ucs2,
    /// Codes are GBK bytes (`GBK-EUC-H`, `GBKp-EUC-H`, `GB-EUC-H`, …).
    Gbk,
    /// Codes are glyph ids with no known meaning (`Identity-H` without `/ToUnicode`).
    None,
}

enum Widths {
    Simple {
        first: u32,
        widths: Vec<f32>,
        missing: f32,
    },
    Cid {
        default: f32,
        widths: HashMap<u32, f32>,
    },
}

pub struct Font<'a> {
    code_bytes: CodeBytes,
    to_unicode: Option<Encoding<'a>>,
    fallback: Fallback<'a>,
    widths: Widths,
    /// Glyph space → text space (1/1000, or a Type 3 font's `/FontMatrix`).
    scale: f32,
}

/// One character code of a shown string.
pub struct Code {
    /// The Unicode text (U+FFFD when unknown).
    pub text: String,
    /// The advance in text space units per unit of font size.
    pub advance: f32,
    /// A single-byte code 32, which word spacing applies to.
    pub is_space: bool,
}

fn num(o: &Object) -> Option<f32> {
    o.as_float().ok().filter(|v| v.is_finite())
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map(|(_, o)| o).unwrap_or(o)
}

fn get<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    d.get(key).ok().map(|o| deref(doc, o))
}

/// The `/ToUnicode` CMap of a font, parsed by lopdf (bounded decompression).
fn to_unicode<'a>(doc: &'a Document, font: &'a Dictionary) -> Option<Encoding<'a>> {
    let stream = font.get(b"ToUnicode").ok()?;
    if !matches!(deref(doc, stream), Object::Stream(_)) {
        return None;
    }
    // lopdf reads the CMap when the dictionary has no /Encoding; hand it one
    // that has only the /ToUnicode entry.
    let mut only = Dictionary::new();
    only.set("Type", Object::Name(b"Font".to_vec()));
    only.set("ToUnicode", stream.clone());
    match only.get_font_encoding_with_limit(doc, MAX_STREAM_BYTES) {
        Ok(Encoding::UnicodeMapEncoding(map)) => Some(Encoding::UnicodeMapEncoding(map)),
        _ => None,
    }
}

impl<'a> Font<'a> {
    pub fn new(doc: &'a Document, dict: &'a Dictionary) -> Font<'a> {
        let subtype = get(doc, dict, b"Subtype")
            .and_then(|o| o.as_name().ok())
            .unwrap_or(b"");
        if subtype == b"Type0" {
            Font::composite(doc, dict)
        } else {
            Font::simple(doc, dict, subtype == b"Type3")
        }
    }

    fn simple(doc: &'a Document, dict: &'a Dictionary, type3: bool) -> Font<'a> {
        let first = get(doc, dict, b"FirstChar")
            .and_then(num)
            .unwrap_or(0.0)
            .clamp(0.0, 255.0) as u32;
        let widths: Vec<f32> = get(doc, dict, b"Widths")
            .and_then(|o| o.as_array().ok())
            .map(|a| {
                a.iter()
                    .take(256)
                    .map(|w| num(deref(doc, w)).unwrap_or(0.0))
                    .collect()
            })
            .unwrap_or_default();
        let missing = get(doc, dict, b"FontDescriptor")
            .and_then(|o| o.as_dict().ok())
            .and_then(|d| get(doc, d, b"MissingWidth"))
            .and_then(num)
            // Standard 14 fonts come without widths: a typical Latin advance.
            .unwrap_or(if widths.is_empty() { 500.0 } else { 0.0 });
        let scale = if type3 {
            get(doc, dict, b"FontMatrix")
                .and_then(|o| o.as_array().ok())
                .and_then(|a| a.first())
                .and_then(num)
                .map(f32::abs)
                .filter(|s| *s > 0.0 && *s < 1.0)
                .unwrap_or(0.001)
        } else {
            0.001
        };
        let fallback = match dict.get_font_encoding(doc) {
            Ok(Encoding::UnicodeMapEncoding(_)) | Err(_) => Fallback::Ascii,
            Ok(e) => Fallback::Simple(e),
        };
        Font {
            code_bytes: CodeBytes::One,
            to_unicode: to_unicode(doc, dict),
            fallback,
            widths: Widths::Simple {
                first,
                widths,
                missing,
            },
            scale,
        }
    }

    fn composite(doc: &'a Document, dict: &'a Dictionary) -> Font<'a> {
        let cmap = get(doc, dict, b"Encoding")
            .and_then(|o| o.as_name().ok())
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_default();
        let (code_bytes, fallback) = if cmap.starts_with("Identity") {
            (CodeBytes::Two, Fallback::None)
        } else if cmap.contains("UCS2") || cmap.contains("UTF16") {
            (CodeBytes::Two, Fallback::Ucs2)
        } else if cmap.starts_with("GB") {
            (CodeBytes::Gbk, Fallback::Gbk)
        } else {
            (CodeBytes::Two, Fallback::None)
        };
        let descendant = get(doc, dict, b"DescendantFonts")
            .and_then(|o| o.as_array().ok())
            .and_then(|a| a.first())
            .and_then(|o| deref(doc, o).as_dict().ok());
        let mut default = 1000.0;
        let mut widths = HashMap::new();
        if let Some(d) = descendant {
            default = get(doc, d, b"DW").and_then(num).unwrap_or(1000.0);
            if let Some(w) = get(doc, d, b"W").and_then(|o| o.as_array().ok()) {
                read_cid_widths(doc, w, &mut widths);
            }
        }
        Font {
            code_bytes,
            to_unicode: to_unicode(doc, dict),
            fallback,
            widths: Widths::Cid { default, widths },
            scale: 0.001,
        }
    }

    /// Splits a shown string into codes.
    pub fn codes(&self, bytes: &[u8]) -> Vec<Code> {
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let len = match self.code_bytes {
                CodeBytes::One => 1,
                CodeBytes::Two => 2,
                CodeBytes::Gbk if (0x81..=0xfe).contains(&bytes[i]) => 2,
                CodeBytes::Gbk => 1,
            }
            .min(bytes.len() - i);
            let raw = &bytes[i..i + len];
            i += len;
            let code = raw.iter().fold(0u32, |c, b| (c << 8) | u32::from(*b));
            out.push(Code {
                text: crate::unify::ideographs(&self.unicode(code, raw)),
                advance: self.width(code) * self.scale,
                is_space: len == 1 && code == 32,
            });
        }
        out
    }

    fn unicode(&self, code: u32, raw: &[u8]) -> String {
        if let Some(Encoding::UnicodeMapEncoding(map)) = &self.to_unicode
            && let Some(units) = map.get(code, raw.len() as u8)
        {
            let s = String::from_utf16_lossy(&units);
            // Some producers map unknown glyphs to U+0000 or U+FFFD: fall through.
            if !s.is_empty() && !s.contains(['\0', '\u{fffd}']) {
                return s;
            }
        }
        match &self.fallback {
            Fallback::Simple(enc) => {
                let mut s = String::new();
                match enc.write_to_string(raw, &mut s) {
                    Ok(()) if !s.is_empty() && !s.contains('\0') => s,
                    _ if raw[0].is_ascii_graphic() || raw[0] == b' ' => {
                        (raw[0] as char).to_string()
                    }
                    _ => "\u{fffd}".into(),
                }
            }
            Fallback::Ascii if raw[0].is_ascii_graphic() || raw[0] == b' ' => {
                (raw[0] as char).to_string()
            }
            Fallback::Ascii => "\u{fffd}".into(),
            Fallback::Ucs2 => String::from_utf16_lossy(&[code as u16]),
            Fallback::Gbk => {
                let (s, _, _) = encoding_rs::GBK.decode(raw);
                s.into_owned()
            }
            Fallback::None => "\u{fffd}".into(),
        }
    }

    fn width(&self, code: u32) -> f32 {
        match &self.widths {
            Widths::Simple {
                first,
                widths,
                missing,
            } => code
                .checked_sub(*first)
                .and_then(|i| widths.get(i as usize))
                .copied()
                .unwrap_or(*missing),
            Widths::Cid { default, widths } => widths.get(&code).copied().unwrap_or(*default),
        }
    }
}

/// `/W` of a CIDFont: `c [w1 w2 …]` and `c_first c_last w` entries.
fn read_cid_widths(doc: &Document, w: &[Object], out: &mut HashMap<u32, f32>) {
    const MAX_ENTRIES: usize = 70_000;
    let mut i = 0;
    while i < w.len() && out.len() < MAX_ENTRIES {
        let Some(first) = num(deref(doc, &w[i])).map(|f| f as u32) else {
            return;
        };
        match w.get(i + 1).map(|o| deref(doc, o)) {
            Some(Object::Array(list)) => {
                for (k, v) in list.iter().enumerate().take(MAX_ENTRIES) {
                    if let Some(v) = num(deref(doc, v)) {
                        out.insert(first.saturating_add(k as u32), v);
                    }
                }
                i += 2;
            }
            Some(last) => {
                let (Some(last), Some(v)) =
                    (num(last), w.get(i + 2).and_then(|o| num(deref(doc, o))))
                else {
                    return;
                };
                let last = (last as u32).min(first.saturating_add(MAX_ENTRIES as u32));
                for c in first..=last {
                    out.insert(c, v);
                }
                i += 3;
            }
            None => return,
        }
    }
}
