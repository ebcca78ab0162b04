//! The zip container: what is not a DOCX is refused with a clear message, and
//! no entry is inflated past a fixed limit (zip bombs).

use nianbao_core::adapter::{AdapterError, ReadErrorKind};
use nianbao_ooxml::{Limits, Package, PackageError, PackageErrorKind};

/// No report part is anywhere near this; a larger one is refused.
pub const MAX_ENTRY_BYTES: u64 = 64 * 1024 * 1024;
/// The parts read, together.
pub const MAX_TOTAL_BYTES: u64 = 128 * 1024 * 1024;

/// The name of the format in messages.
pub(crate) const FORMAT: &str = "DOCX";

pub(crate) const LIMITS: Limits = Limits {
    entries: 10_000,
    entry_bytes: MAX_ENTRY_BYTES,
    total_bytes: MAX_TOTAL_BYTES,
    // Deflate reaches ~1000:1 only on degenerate data; XML compresses ~10:1.
    ratio: 200,
    ratio_from_bytes: 0,
};

/// A package error as the adapter reports it, of the kind it is.
pub(crate) fn package_error(e: PackageError) -> AdapterError {
    let kind = match e.kind {
        PackageErrorKind::Damaged => ReadErrorKind::Damaged,
        PackageErrorKind::TooLarge => ReadErrorKind::TooLarge,
        PackageErrorKind::Encrypted => ReadErrorKind::Encrypted,
        PackageErrorKind::Write => ReadErrorKind::Other,
    };
    AdapterError::of(kind, e.message)
}

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
    let mut package = Package::open(bytes, FORMAT, LIMITS).map_err(package_error)?;
    let main = main_part(&mut package).unwrap_or_else(|| "word/document.xml".to_string());
    let document = package
        .read_text(&main)
        .map_err(package_error)?
        .ok_or_else(|| AdapterError::damaged(format!("DOCX 中缺少正文（{main}）")))?;
    let numbering = package
        .read_text("word/numbering.xml")
        .map_err(package_error)?;
    let styles = match numbering {
        Some(_) => package
            .read_text("word/styles.xml")
            .map_err(package_error)?,
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
fn main_part(package: &mut Package<'_>) -> Option<String> {
    let rels = package
        .read_text_within("_rels/.rels", 1024 * 1024)
        .ok()??;
    nianbao_ooxml::main_part(&nianbao_ooxml::relationships(&rels, FORMAT).ok()?)
}
