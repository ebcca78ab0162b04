//! Bytes to text: BOM, then the page's charset declaration, then detection.

use encoding_rs::{Encoding, GB18030, GBK, UTF_8};
use nianbao_core::adapter::AdapterError;

/// Decodes a page. Fails only on bytes that are not text at all.
pub fn decode(bytes: &[u8]) -> Result<String, AdapterError> {
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom..]);
        return Ok(text.into_owned());
    }
    if bytes.contains(&0) {
        return Err(AdapterError::not_this_format(
            "不是 HTML 网页（含有二进制内容）",
        ));
    }
    let utf8 = std::str::from_utf8(bytes).ok();
    let declared = declared_charset(bytes);
    let enc = match declared {
        // A page declared as GBK that is valid UTF-8 with non-ASCII text was
        // re-encoded without its declaration being updated.
        Some(e) if is_chinese_legacy(e) => match utf8 {
            Some(s) if !s.is_ascii() => UTF_8,
            _ => GB18030,
        },
        Some(e) if e == UTF_8 && utf8.is_none() && decodes_cleanly(GB18030, bytes) => GB18030,
        Some(e) => e,
        None if utf8.is_some() => UTF_8,
        None => GB18030,
    };
    let (text, _) = enc.decode_without_bom_handling(bytes);
    Ok(text.into_owned())
}

fn is_chinese_legacy(e: &'static Encoding) -> bool {
    e == GBK || e == GB18030
}

fn decodes_cleanly(enc: &'static Encoding, bytes: &[u8]) -> bool {
    !enc.decode_without_bom_handling(bytes).1
}

/// The charset of the first `<meta charset=…>` or
/// `<meta http-equiv="Content-Type" content="…; charset=…">` in the first 4 KiB.
fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = bytes[..bytes.len().min(4096)].to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = find(&head[from..], b"<meta") {
        let start = from + at;
        let end = find(&head[start..], b">").map_or(head.len(), |e| start + e);
        let tag = &head[start..end];
        if let Some(c) = find(tag, b"charset") {
            let rest = &tag[c + b"charset".len()..];
            let rest = rest.trim_ascii_start();
            if let Some(value) = rest.strip_prefix(b"=") {
                let value = value
                    .trim_ascii_start()
                    .strip_prefix(b"\"")
                    .or_else(|| value.trim_ascii_start().strip_prefix(b"'"))
                    .unwrap_or(value.trim_ascii_start());
                let label: Vec<u8> = value
                    .iter()
                    .copied()
                    .take_while(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(b))
                    .collect();
                if let Some(enc) = Encoding::for_label(&label) {
                    // A page that calls itself UTF-16 but has no BOM is read as UTF-8 (WHATWG).
                    return Some(if enc.output_encoding() == UTF_8 {
                        UTF_8
                    } else {
                        enc
                    });
                }
            }
        }
        from = end;
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(meta: &str, body: &str) -> String {
        format!("<html><head>{meta}</head><body><p>{body}</p></body></html>")
    }

    #[test]
    fn gbk_by_declaration() {
        for meta in [
            r#"<meta charset="gb2312">"#,
            r#"<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=GBK">"#,
            "<meta charset=gb18030>",
        ] {
            let p = page(meta, "一、总体情况");
            let (bytes, _, _) = GBK.encode(&p);
            assert!(std::str::from_utf8(&bytes).is_err());
            assert!(decode(&bytes).unwrap().contains("一、总体情况"), "{meta}");
        }
    }

    #[test]
    fn utf8_by_bom_declaration_or_detection() {
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(page("", "正文").as_bytes());
        assert!(decode(&bom).unwrap().contains("<p>正文"));
        let declared = page(r#"<meta charset="utf-8">"#, "正文");
        assert!(decode(declared.as_bytes()).unwrap().contains("正文"));
        assert!(
            decode(page("", "正文").as_bytes())
                .unwrap()
                .contains("正文")
        );
    }

    #[test]
    fn undeclared_gbk_is_detected() {
        let p = page("", "收到和处理政府信息公开申请情况");
        let (bytes, _, _) = GBK.encode(&p);
        assert!(decode(&bytes).unwrap().contains("收到和处理"));
    }

    #[test]
    fn a_declaration_the_bytes_contradict_loses() {
        // Declared gb2312, bytes are UTF-8 (re-encoded by a CMS).
        let utf8 = page(r#"<meta charset="gb2312">"#, "行政复议");
        assert!(decode(utf8.as_bytes()).unwrap().contains("行政复议"));
        // Declared utf-8, bytes are GBK.
        let p = page(r#"<meta charset="utf-8">"#, "行政复议");
        let (gbk, _, _) = GBK.encode(&p);
        assert!(decode(&gbk).unwrap().contains("行政复议"));
    }

    #[test]
    fn binary_is_refused() {
        assert!(decode(&[0x3c, 0x00, 0x01, 0x02]).is_err());
    }
}
