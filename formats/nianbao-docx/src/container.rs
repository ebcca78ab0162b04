//! The zip container: what is not a DOCX is refused with a clear message, and
//! no entry is inflated past a fixed limit (zip bombs).

use std::io::{Cursor, Read};

use nianbao_core::adapter::{AdapterError, ReadErrorKind};
use zip::ZipArchive;

/// No report part is anywhere near this; a larger one is refused.
pub const MAX_ENTRY_BYTES: u64 = 64 * 1024 * 1024;
/// The parts read, together.
pub const MAX_TOTAL_BYTES: u64 = 128 * 1024 * 1024;
const MAX_ENTRIES: usize = 10_000;
/// Deflate reaches ~1000:1 only on degenerate data; XML compresses ~10:1.
const MAX_RATIO: u64 = 200;

pub struct Parts {
    /// The main part's name in the zip (`word/document.xml`).
    pub main: String,
    pub document: String,
    pub numbering: Option<String>,
    /// Read only when there is numbering: styles matter here only for theirs.
    pub styles: Option<String>,
}

pub fn is_ole2(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

/// Finds `EncryptedPackage` in an OLE2 file (UTF-16LE directory entry name).
fn is_encrypted_ooxml(bytes: &[u8]) -> bool {
    let name: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    bytes.windows(name.len()).any(|w| w == name.as_slice())
}

pub fn open(bytes: &[u8]) -> Result<Parts, AdapterError> {
    if is_ole2(bytes) {
        return Err(if is_encrypted_ooxml(bytes) {
            AdapterError::of(
                ReadErrorKind::Encrypted,
                "这是加密（设有密码）的 Word 文件，无法读取；请取消密码后另存为 .docx",
            )
        } else {
            AdapterError::of(
                ReadErrorKind::UnsupportedFormat,
                "这是旧版 .doc 文件，请另存为 .docx",
            )
        });
    }
    if !bytes.starts_with(b"PK") {
        return Err(AdapterError::not_this_format(
            "不是 DOCX 文件（不是 zip 压缩包）",
        ));
    }
    let mut zip = ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| AdapterError::damaged(format!("DOCX 文件已损坏，无法解压：{e}")))?;
    if zip.len() > MAX_ENTRIES {
        return Err(AdapterError::too_large(format!(
            "DOCX 中的文件过多（{} 个），拒绝读取",
            zip.len()
        )));
    }
    let main = main_part(&mut zip).unwrap_or_else(|| "word/document.xml".to_string());
    let mut budget = MAX_TOTAL_BYTES;
    let document = read_entry(&mut zip, &main, &mut budget)?
        .ok_or_else(|| AdapterError::damaged(format!("DOCX 中缺少正文（{main}）")))?;
    let numbering = read_entry(&mut zip, "word/numbering.xml", &mut budget)?;
    let styles = match numbering {
        Some(_) => read_entry(&mut zip, "word/styles.xml", &mut budget)?,
        None => None,
    };
    Ok(Parts {
        main,
        document,
        numbering,
        styles,
    })
}

/// The officeDocument target in `_rels/.rels` (some tools write `document2.xml`).
fn main_part(zip: &mut ZipArchive<Cursor<&[u8]>>) -> Option<String> {
    let mut budget = 1024 * 1024;
    let rels = read_entry(zip, "_rels/.rels", &mut budget).ok()??;
    let at = rels.find("/officeDocument\"")?;
    let start = rels[..at].rfind('<')?;
    let end = at + rels[at..].find('>')?;
    let tag = &rels[start..end];
    let target = tag.split("Target=\"").nth(1)?.split('"').next()?;
    Some(target.trim_start_matches('/').to_string())
}

pub(crate) fn read_entry(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    name: &str,
    budget: &mut u64,
) -> Result<Option<String>, AdapterError> {
    let mut file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => {
            return Err(AdapterError::damaged(format!(
                "DOCX 文件已损坏（{name}）：{e}"
            )));
        }
    };
    if file.encrypted() {
        return Err(AdapterError::of(
            ReadErrorKind::Encrypted,
            "DOCX 内容已加密，无法读取",
        ));
    }
    let declared = file.size();
    let limit = MAX_ENTRY_BYTES.min(*budget);
    if declared > limit || declared / file.compressed_size().max(1) > MAX_RATIO {
        return Err(AdapterError::too_large(format!(
            "DOCX 中的 {name} 解压后过大或压缩比异常（疑似压缩炸弹），拒绝读取"
        )));
    }
    // The declared size can lie: the cap on what is actually inflated is the defence.
    let mut data = Vec::with_capacity(declared as usize);
    (&mut file)
        .take(limit + 1)
        .read_to_end(&mut data)
        .map_err(|e| {
            // The zip crate stops an entry that inflates past its declared size.
            if e.to_string().contains("larger than its declared") {
                AdapterError::too_large(format!(
                    "DOCX 中的 {name} 解压后超过声明的大小（疑似压缩炸弹），拒绝读取"
                ))
            } else {
                AdapterError::damaged(format!("DOCX 文件已损坏，{name} 无法解压：{e}"))
            }
        })?;
    if data.len() as u64 > limit {
        return Err(AdapterError::too_large(format!(
            "DOCX 中的 {name} 解压后超过 {} MiB（疑似压缩炸弹），拒绝读取",
            limit / 1024 / 1024
        )));
    }
    *budget -= data.len() as u64;
    String::from_utf8(data)
        .map(Some)
        .map_err(|_| AdapterError::damaged(format!("DOCX 中的 {name} 不是 UTF-8 编码的 XML")))
}
