//! PDF input: published reports read from their text layer, deterministically.
//!
//! lopdf parses the file (bounded decompression, lenient cross-reference
//! repair, empty-password decryption); [`interp`] runs each page's content and
//! keeps the characters with their positions (simple and `Type0`/`Identity-H`
//! fonts through `/ToUnicode`) and the straight lines drawn; [`layout`] turns
//! them into paragraphs in reading order and grid tables: cells from ruling
//! lines, merged cells repeated over their span as the DOCX adapter does, a
//! table continued on the next page joined to its first part. Recognising the
//! national tables then happens in core, as for every format.
//!
//! A PDF with no text layer (a scan) is refused with a clear message: nianbao
//! does no OCR.

mod aligned;
mod annotate;
mod font;
mod interp;
mod layout;
mod limits;
mod lines;
mod ruling;
#[cfg(test)]
mod tests;
mod unify;

use nianbao_core::adapter::{AdapterError, Annotator, FormatAdapter, Input, Parsed, ReadErrorKind};
use nianbao_core::address::Note;
use nianbao_core::document::Document;

pub use annotate::annotate;

/// Bounds that keep time and memory proportionate on any input.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Pages read at most; a longer file is refused (a report has tens).
    pub max_pages: usize,
    /// Content-stream operations over the whole document.
    pub max_operations: usize,
    /// Characters on one page.
    pub max_glyphs_per_page: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_pages: 500,
            max_operations: 20_000_000,
            max_glyphs_per_page: 200_000,
        }
    }
}

/// Why a PDF could not be read. `Display` is the Chinese message users see.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PdfError {
    #[error("不是 PDF 文件（缺少 %PDF- 文件头）")]
    NotPdf,
    #[error("PDF 文件不完整（缺少文件结尾标记 %%EOF，可能下载或复制时被截断），无法读取")]
    Truncated,
    #[error("该 PDF 已加密，需要打开密码，nianbao 无法读取；请提供未加密的文件")]
    Encrypted,
    #[error("PDF 文件已损坏，无法读取：{0}")]
    Damaged(String),
    #[error("PDF 中没有页面")]
    NoPages,
    #[error("PDF 共 {pages} 页，超过上限 {max} 页（年度报告通常只有几十页），拒绝读取")]
    TooManyPages { pages: usize, max: usize },
    #[error("PDF 内容过于复杂（{0}），拒绝读取")]
    TooComplex(String),
    #[error("该 PDF 无文字层（可能为扫描件），无法检查")]
    NoText,
    #[error("该 PDF 的文字都是斜排或旋转的，无法按行读取")]
    Turned,
    #[error("该 PDF 的文字无法解码（字体没有 ToUnicode 映射），无法检查")]
    Undecodable,
    /// `annotate` only: the file reads (repaired) but an update cannot be appended.
    #[error(
        "该 PDF 的交叉引用表有误（阅读器会自行修复），无法在原文件后追加注释；可先用 PDF 软件另存一份再批注"
    )]
    NoUpdate,
}

impl PdfError {
    pub fn kind(&self) -> ReadErrorKind {
        match self {
            PdfError::NotPdf => ReadErrorKind::NotThisFormat,
            PdfError::Truncated | PdfError::Damaged(_) | PdfError::NoUpdate => {
                ReadErrorKind::Damaged
            }
            PdfError::Encrypted => ReadErrorKind::Encrypted,
            PdfError::NoPages => ReadErrorKind::Empty,
            PdfError::TooManyPages { .. } | PdfError::TooComplex(_) => ReadErrorKind::TooLarge,
            // Rotated or undecodable text is no more readable than none.
            PdfError::NoText | PdfError::Turned | PdfError::Undecodable => {
                ReadErrorKind::NoTextLayer
            }
        }
    }
}

impl From<PdfError> for AdapterError {
    fn from(e: PdfError) -> AdapterError {
        AdapterError::of(e.kind(), e.to_string())
    }
}

pub struct PdfAdapter;

impl FormatAdapter for PdfAdapter {
    fn name(&self) -> &'static str {
        "pdf"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["pdf"]
    }

    fn sniff(&self, bytes: &[u8]) -> bool {
        bytes.windows(5).take(1024).any(|w| w == b"%PDF-")
    }

    fn read(&self, input: &Input<'_>) -> Result<Parsed, AdapterError> {
        read(input.bytes)
            .map(Parsed::Document)
            .map_err(AdapterError::from)
    }

    fn annotator(&self) -> Option<&dyn Annotator> {
        Some(self)
    }
}

impl Annotator for PdfAdapter {
    fn annotate(&self, bytes: &[u8], notes: &[Note]) -> Result<Vec<u8>, AdapterError> {
        annotate(bytes, notes).map_err(AdapterError::from)
    }
}

/// Reads a PDF with the default limits.
pub fn read(bytes: &[u8]) -> Result<Document, PdfError> {
    read_with(bytes, &Limits::default())
}

fn load_error(e: lopdf::Error) -> PdfError {
    use lopdf::Error as E;
    match e {
        E::Decryption(_) | E::InvalidPassword => PdfError::Encrypted,
        E::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. }) => {
            PdfError::TooComplex("压缩流解压后超过 32 MiB".into())
        }
        e => PdfError::Damaged(e.to_string()),
    }
}

/// Reads a PDF: pages → characters and lines → paragraphs and tables.
pub fn read_with(bytes: &[u8], limits: &Limits) -> Result<Document, PdfError> {
    let doc = load(bytes, limits)?;
    let pages = doc.get_pages();
    let mut interp = interp::Interpreter::new(&doc, limits);
    let mut read = Vec::with_capacity(pages.len());
    for (i, id) in pages.values().enumerate() {
        read.push(interp.page(i + 1, *id)?);
    }
    let (mut shown, mut unknown) = (0usize, 0usize);
    for g in read.iter().flat_map(|p| &p.glyphs) {
        if !g.text.trim().is_empty() {
            shown += 1;
            if g.text.contains('\u{fffd}') {
                unknown += 1;
            }
        }
    }
    if shown == 0 {
        if read.iter().any(|p| p.turned > 0) {
            return Err(PdfError::Turned);
        }
        return Err(PdfError::NoText);
    }
    if unknown * 2 > shown {
        return Err(PdfError::Undecodable);
    }
    Ok(layout::document(&read))
}

/// Parses the file's objects with lopdf, refusing what cannot be read: not a
/// PDF, cut short, too many pages, an open password, no pages.
fn load(bytes: &[u8], limits: &Limits) -> Result<lopdf::Document, PdfError> {
    if !bytes.windows(5).take(1024).any(|w| w == b"%PDF-") {
        return Err(PdfError::NotPdf);
    }
    // Every writer ends the file with %%EOF (an incremental update adds
    // another); without one near the end the file was cut short.
    let tail = &bytes[bytes.len().saturating_sub(2048)..];
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err(PdfError::Truncated);
    }
    // The page count first, from the page tree alone, so a huge file is
    // refused before all its objects are parsed.
    let meta = lopdf::Document::load_metadata_mem(bytes).map_err(load_error)?;
    if meta.page_count as usize > limits.max_pages {
        return Err(PdfError::TooManyPages {
            pages: meta.page_count as usize,
            max: limits.max_pages,
        });
    }
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(limits::MAX_STREAM_BYTES),
        ..lopdf::LoadOptions::default()
    };
    let doc = lopdf::Document::load_mem_with_options(bytes, options).map_err(load_error)?;
    if doc.is_encrypted() && doc.encryption_state.is_none() {
        return Err(PdfError::Encrypted);
    }
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(PdfError::NoPages);
    }
    if pages.len() > limits.max_pages {
        return Err(PdfError::TooManyPages {
            pages: pages.len(),
            max: limits.max_pages,
        });
    }
    Ok(doc)
}
