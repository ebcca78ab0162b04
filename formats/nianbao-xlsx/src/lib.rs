//! XLSX and XLS input: workbooks read with calamine.
//!
//! Each visible worksheet becomes one or more grid tables of core's generic
//! document (several when blank rows separate them), merged regions expanded
//! the way the DOCX adapter expands `gridSpan`/`vMerge`, so recognition sees
//! the same shape. Rows of running text on a sheet (a section heading such as
//! 「三、收到和处理政府信息公开申请情况」 above a table, or a whole report pasted
//! into column A) become paragraphs. Cell values: numbers as written (1.0 is
//! 「1」, 1.5 stays 「1.5」), formula cells by their cached value, text as is
//! (core normalises 「 ３ 」).

#![forbid(unsafe_code)]

mod annotate;
mod layout;
mod value;
mod xls_guard;

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Seek};

use calamine::{Dimensions, Reader, SheetType, SheetVisible, Xls, Xlsx, XlsxError};
use nianbao_core::adapter::{AdapterError, Annotator, FormatAdapter, Input, Parsed, ReadErrorKind};
use nianbao_core::address::Note;
use nianbao_core::document::Document;
use nianbao_ooxml::{Limits, Package, PackageError, PackageErrorKind};

pub use annotate::annotate;
pub use layout::MAX_GRID_CELLS;
pub use value::{data_text, number_text};
pub use xls_guard::MAX_XLS_GRID_CELLS;

/// No report part is anywhere near this; a larger one is refused before calamine inflates it.
pub const MAX_ENTRY_BYTES: u64 = 64 * 1024 * 1024;
/// All parts of the zip together.
pub const MAX_TOTAL_BYTES: u64 = 256 * 1024 * 1024;
/// The name of the format in messages.
const FORMAT: &str = "XLSX";
const LIMITS: Limits = Limits {
    entries: 10_000,
    entry_bytes: MAX_ENTRY_BYTES,
    total_bytes: MAX_TOTAL_BYTES,
    // Deflate reaches ~1000:1 only on degenerate data; sheet XML compresses ~10:1.
    ratio: 200,
    ratio_from_bytes: 1 << 20,
};
/// Non-empty cells read from one workbook; a report has a few hundred.
pub const MAX_CELLS: usize = 200_000;

pub struct XlsxAdapter;

impl FormatAdapter for XlsxAdapter {
    fn name(&self) -> &'static str {
        "xlsx"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["xlsx", "xlsm", "xls"]
    }

    fn sniff(&self, bytes: &[u8]) -> bool {
        let head = &bytes[..bytes.len().min(64 * 1024)];
        (bytes.starts_with(b"PK\x03\x04") && head.windows(3).any(|w| w == b"xl/"))
            || (is_ole2(bytes) && contains_utf16(bytes, "Workbook"))
    }

    fn read(&self, input: &Input<'_>) -> Result<Parsed, AdapterError> {
        read(input.bytes).map(Parsed::Document)
    }

    fn annotator(&self) -> Option<&dyn Annotator> {
        Some(self)
    }
}

impl Annotator for XlsxAdapter {
    fn annotate(&self, bytes: &[u8], notes: &[Note]) -> Result<Vec<u8>, AdapterError> {
        annotate(bytes, notes)
    }
}

/// One worksheet as read: non-empty cell texts by (row, column), 0-based, and merges.
#[derive(Debug, Default, Clone)]
pub struct SheetCells {
    pub name: String,
    pub cells: BTreeMap<(u32, u32), String>,
    pub merges: Vec<Dimensions>,
}

/// Reads a workbook (XLSX by its zip signature, XLS by its OLE2 signature).
pub fn read(bytes: &[u8]) -> Result<Document, AdapterError> {
    let sheets = read_sheets(bytes)?;
    if sheets.iter().all(|s| s.cells.is_empty()) {
        return Err(AdapterError::of(
            ReadErrorKind::Empty,
            "工作簿是空的：所有可见的工作表都没有内容",
        ));
    }
    layout::document(&sheets)
}

/// The visible worksheets of a workbook, in tab order.
pub fn read_sheets(bytes: &[u8]) -> Result<Vec<SheetCells>, AdapterError> {
    if is_ole2(bytes) {
        if contains_utf16(bytes, "EncryptedPackage") {
            return Err(encrypted());
        }
        return read_xls(bytes);
    }
    if bytes.starts_with(b"PK") {
        guard_zip(bytes)?;
        return read_xlsx(bytes);
    }
    let text_start = bytes
        .iter()
        .position(|b| !b" \t\r\n\xEF\xBB\xBF".contains(b))
        .map(|i| &bytes[i..]);
    if text_start.is_some_and(|t| t.starts_with(b"<")) {
        return Err(AdapterError::not_this_format(
            "内容是 HTML 网页而不是 Excel 工作簿（网上系统导出的「.xls」常是网页）：请把扩展名改为 .html 再检查",
        ));
    }
    Err(AdapterError::not_this_format(
        "不是 Excel 工作簿（.xlsx 应为 zip 压缩包，.xls 应为 OLE2 复合文档）",
    ))
}

const ENCRYPTED: &str = "工作簿已加密（设有打开密码），无法读取；请取消密码后另存为 .xlsx";

fn encrypted() -> AdapterError {
    AdapterError::of(ReadErrorKind::Encrypted, ENCRYPTED)
}

fn is_ole2(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

/// Whether an OLE2 directory holds an entry of this name (UTF-16LE).
fn contains_utf16(bytes: &[u8], name: &str) -> bool {
    let needle: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

/// calamine has no zip-bomb limit of its own. The zip crate (9.x) stops
/// inflating an entry at its declared size, so bounding the declared sizes
/// here bounds what calamine can inflate.
fn guard_zip(bytes: &[u8]) -> Result<Package<'_>, AdapterError> {
    let mut package = Package::open(bytes, FORMAT, LIMITS).map_err(package_error)?;
    package.check_declared_sizes().map_err(package_error)?;
    Ok(package)
}

/// A package error as the adapter reports it, of the kind it is.
fn package_error(e: PackageError) -> AdapterError {
    let kind = match e.kind {
        PackageErrorKind::Damaged => ReadErrorKind::Damaged,
        PackageErrorKind::TooLarge => ReadErrorKind::TooLarge,
        PackageErrorKind::Encrypted => ReadErrorKind::Encrypted,
        PackageErrorKind::Write => ReadErrorKind::Other,
    };
    AdapterError::of(kind, e.message)
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<SheetCells>, AdapterError> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(xlsx_error)?;
    let names = visible_sheets(&wb);
    let mut out = Vec::with_capacity(names.len());
    let mut budget = MAX_CELLS;
    for name in names {
        let mut sheet = SheetCells {
            name: name.clone(),
            ..SheetCells::default()
        };
        {
            let mut cells = wb
                .worksheet_cells_reader(&name)
                .map_err(|e| sheet_error(&name, e))?;
            while let Some(cell) = cells.next_cell().map_err(|e| sheet_error(&name, e))? {
                let text = value::data_ref_text(cell.get_value());
                if text.trim().is_empty() {
                    continue;
                }
                budget = budget.checked_sub(1).ok_or_else(too_many_cells)?;
                sheet.cells.insert(cell.get_position(), text);
            }
        }
        sheet.merges = wb
            .merge_cells_by_sheet_name(&name)
            .map_err(|e| sheet_error(&name, e))?;
        out.push(sheet);
    }
    Ok(out)
}

/// calamine's XLS reader indexes record data without checking lengths (a
/// formula whose length field points past its record, a truncated string):
/// fuzzing found five such panics in `xls.rs` and `utils.rs`. The BIFF guard
/// bounds memory; a panic inside calamine is turned into this file's error
/// here, so a library user gets an error, not an unwind.
fn read_xls(bytes: &[u8]) -> Result<Vec<SheetCells>, AdapterError> {
    std::panic::catch_unwind(|| read_xls_unguarded(bytes)).unwrap_or_else(|_| {
        Err(AdapterError::damaged(
            "XLS 文件已损坏（记录长度与内容不符），无法读取；请用 Excel 或 WPS 打开后另存为 .xlsx",
        ))
    })
}

fn read_xls_unguarded(bytes: &[u8]) -> Result<Vec<SheetCells>, AdapterError> {
    if contains_utf16(bytes, "WordDocument") && !contains_utf16(bytes, "Workbook") {
        return Err(AdapterError::not_this_format(
            "这是 Word 的 .doc 文件，不是 Excel 工作簿",
        ));
    }
    xls_guard::guard_xls(bytes)?;
    let mut wb: Xls<_> = match Xls::new(Cursor::new(bytes)) {
        Ok(wb) => wb,
        Err(calamine::XlsError::Password) => return Err(encrypted()),
        Err(e) => {
            return Err(if contains_utf16(bytes, "WordDocument") {
                AdapterError::not_this_format("这是 Word 的 .doc 文件，不是 Excel 工作簿")
            } else {
                AdapterError::damaged(format!("XLS 文件已损坏或不是 Excel 工作簿：{e}"))
            });
        }
    };
    let names = visible_sheets(&wb);
    let mut out = Vec::with_capacity(names.len());
    let mut budget = MAX_CELLS;
    for name in names {
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| AdapterError::damaged(format!("工作表「{name}」无法读取：{e}")))?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut sheet = SheetCells {
            name: name.clone(),
            ..SheetCells::default()
        };
        for (r, c, data) in range.used_cells() {
            let text = value::data_text(data);
            if text.trim().is_empty() {
                continue;
            }
            budget = budget.checked_sub(1).ok_or_else(too_many_cells)?;
            sheet.cells.insert((r0 + r as u32, c0 + c as u32), text);
        }
        sheet.merges = wb
            .merge_cells_by_sheet_name(&name)
            .map_err(|e| AdapterError::damaged(format!("工作表「{name}」无法读取：{e}")))?;
        out.push(sheet);
    }
    Ok(out)
}

/// Worksheets shown to the user: hidden sheets and chart sheets are skipped.
fn visible_sheets<RS: Read + Seek, R: Reader<RS>>(wb: &R) -> Vec<String> {
    wb.sheets_metadata()
        .iter()
        .filter(|s| s.visible == SheetVisible::Visible && s.typ == SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect()
}

fn too_many_cells() -> AdapterError {
    AdapterError::too_large(format!(
        "工作簿的非空单元格超过 {MAX_CELLS} 个，不像年报，拒绝读取"
    ))
}

fn xlsx_error(e: XlsxError) -> AdapterError {
    match e {
        XlsxError::Password => encrypted(),
        XlsxError::Zip(e) => AdapterError::damaged(format!("XLSX 文件已损坏，无法解压：{e}")),
        e => AdapterError::damaged(format!("XLSX 文件已损坏或不是 Excel 工作簿：{e}")),
    }
}

fn sheet_error(name: &str, e: XlsxError) -> AdapterError {
    AdapterError::damaged(format!("工作表「{name}」已损坏，无法读取：{e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_a_workbook() {
        let err = read(b"\x00\x01junk").unwrap_err();
        assert!(err.message.contains("不是 Excel 工作簿"), "{err}");
        let err = read(b"\xEF\xBB\xBF <html><table></table></html>").unwrap_err();
        assert!(err.message.contains("HTML"), "{err}");
        let err = read(b"PK\x03\x04 truncated zip").unwrap_err();
        assert!(err.message.contains("已损坏"), "{err}");
    }

    #[test]
    fn encrypted_and_word_files_are_named() {
        let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        ole.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
        assert!(read(&ole).unwrap_err().message.contains("加密"));
        let mut doc = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        doc.extend(vec![0; 600]);
        doc.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
        assert!(read(&doc).unwrap_err().message.contains(".doc"));
    }

    #[test]
    fn zip_bombs_are_refused_before_calamine_inflates_them() {
        use std::io::Write;
        let mut buf = Cursor::new(Vec::new());
        let mut w = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
        w.write_all(&vec![b' '; 4 << 20]).unwrap();
        w.finish().unwrap();
        let err = read(buf.get_ref()).unwrap_err();
        assert!(err.message.contains("压缩炸弹"), "{err}");
    }

    #[test]
    fn sniffs_xlsx_but_not_docx() {
        assert!(XlsxAdapter.sniff(b"PK\x03\x04....[Content_Types].xml....xl/workbook.xml"));
        assert!(!XlsxAdapter.sniff(b"PK\x03\x04....word/document.xml"));
    }
}
