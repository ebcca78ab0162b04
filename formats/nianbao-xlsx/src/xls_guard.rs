//! Bounds an `.xls` before calamine reads it.
//!
//! calamine parses every sheet of an XLS up front and sizes its buffers from
//! what the file declares: a DIMENSIONS record reserves rows × columns cells,
//! and each sheet becomes a dense grid spanning its first to its last cell.
//! A 6 KB file with one cell at A1 and one at IV65536 (or a DIMENSIONS record
//! claiming 4·10⁹ rows) therefore asks for gigabytes, and a failed allocation
//! aborts the whole process — no `catch_unwind` can save the rest of a batch.
//! So the BIFF records are walked here first, the way calamine walks them,
//! and the file is refused when what calamine would allocate exceeds a budget
//! far above any real report (a few hundred cells).

use std::io::{Cursor, Read};

use nianbao_core::adapter::AdapterError;

/// Grid cells (DIMENSIONS reservations plus dense value and formula grids)
/// calamine may allocate over the whole workbook: about 50 MB at most.
pub const MAX_XLS_GRID_CELLS: u64 = 1 << 20;
/// The Workbook stream of a report is tens of KB.
const MAX_STREAM_BYTES: u64 = 64 * 1024 * 1024;
const MAX_SHEETS: usize = 1_000;

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const BOUND_SHEET: u16 = 0x0085;
const FILE_PASS: u16 = 0x002F;
const DIMENSIONS: u16 = 0x0200;
const FORMULA: u16 = 0x0006;
const MUL_RK: u16 = 0x00BD;
/// Records whose data starts with the row and column of the one cell they fill.
const CELL_RECORDS: [u16; 7] = [0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, FORMULA];

pub fn guard_xls(bytes: &[u8]) -> Result<(), AdapterError> {
    let stream = workbook_stream(bytes)?;
    let sheets = sheet_positions(&stream)?;
    let mut total = 0u64;
    for pos in sheets {
        let sheet = stream
            .get(pos..)
            .ok_or_else(|| damaged("工作表的位置超出了 Workbook 流（BoundSheet 记录有误）"))?;
        total = total.saturating_add(sheet_cost(sheet)?);
        if total > MAX_XLS_GRID_CELLS {
            return Err(AdapterError::too_large(format!(
                "XLS 工作表声明的范围过大（超过 {MAX_XLS_GRID_CELLS} 个单元格），不像年报，疑似恶意文件，拒绝读取"
            )));
        }
    }
    Ok(())
}

fn damaged(why: &str) -> AdapterError {
    AdapterError::damaged(format!("XLS 文件已损坏：{why}"))
}

fn workbook_stream(bytes: &[u8]) -> Result<Vec<u8>, AdapterError> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|e| damaged(&format!("OLE2 复合文档结构无效（{e}）")))?;
    let name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|n| file.is_stream(n))
        .ok_or_else(|| damaged("没有 Workbook 流"))?;
    let stream = file
        .open_stream(name)
        .map_err(|e| damaged(&format!("Workbook 流无法读取（{e}）")))?;
    if stream.len() > MAX_STREAM_BYTES {
        return Err(AdapterError::too_large(
            "XLS 的 Workbook 流过大，不像年报，拒绝读取",
        ));
    }
    let mut out = Vec::new();
    stream
        .take(MAX_STREAM_BYTES)
        .read_to_end(&mut out)
        .map_err(|e| damaged(&format!("Workbook 流无法读取（{e}）")))?;
    Ok(out)
}

/// BIFF records of a stream as (type, data); stops at the first truncated one
/// (calamine reports that as an error of its own).
fn records(stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut rest = stream;
    std::iter::from_fn(move || {
        let typ = u16::from_le_bytes([*rest.first()?, *rest.get(1)?]);
        let len = usize::from(u16::from_le_bytes([*rest.get(2)?, *rest.get(3)?]));
        let data = rest.get(4..4 + len)?;
        rest = &rest[4 + len..];
        Some((typ, data))
    })
}

fn u16_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_le_bytes([
        *data.get(at)?,
        *data.get(at + 1)?,
    ])))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    let b = data.get(at..at + 4)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Stream offsets of the sheets, from the BoundSheet records of the globals.
fn sheet_positions(stream: &[u8]) -> Result<Vec<usize>, AdapterError> {
    let mut out = Vec::new();
    for (typ, data) in records(stream) {
        match typ {
            EOF => break,
            // calamine stops at an encrypted workbook before reading any sheet.
            FILE_PASS if u16_at(data, 0).is_some_and(|v| v != 0) => {
                return Err(crate::encrypted());
            }
            BOUND_SHEET => {
                let pos = u32_at(data, 0).ok_or_else(|| damaged("BoundSheet 记录过短"))?;
                out.push(pos as usize);
                if out.len() > MAX_SHEETS {
                    return Err(AdapterError::too_large(format!(
                        "XLS 中的工作表过多（超过 {MAX_SHEETS} 个），拒绝读取"
                    )));
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Bounding box of cell positions.
#[derive(Default)]
struct Span {
    min: (u32, u32),
    max: (u32, u32),
    any: bool,
}

impl Span {
    fn add(&mut self, row: u32, col: u32) {
        if self.any {
            self.min = (self.min.0.min(row), self.min.1.min(col));
            self.max = (self.max.0.max(row), self.max.1.max(col));
        } else {
            *self = Span {
                min: (row, col),
                max: (row, col),
                any: true,
            };
        }
    }

    fn area(&self) -> u64 {
        if !self.any {
            return 0;
        }
        let rows = u64::from(self.max.0 - self.min.0) + 1;
        let cols = u64::from(self.max.1 - self.min.1) + 1;
        rows.saturating_mul(cols)
    }
}

/// Cells calamine would allocate for one sheet: what DIMENSIONS reserves, the
/// dense value grid and the dense formula grid. Nested substreams (embedded
/// charts) are skipped, as calamine skips them.
fn sheet_cost(sheet: &[u8]) -> Result<u64, AdapterError> {
    let mut values = Span::default();
    let mut formulas = Span::default();
    let mut reserved = 0u64;
    let mut seen_bof = false;
    let mut depth = 0usize;
    for (typ, data) in records(sheet) {
        if depth > 0 {
            match typ {
                BOF => depth += 1,
                EOF => depth -= 1,
                _ => {}
            }
            continue;
        }
        match typ {
            BOF if seen_bof => depth += 1,
            BOF => seen_bof = true,
            EOF => break,
            DIMENSIONS => reserved = reserved.saturating_add(dimensions_area(data)?),
            MUL_RK => {
                if let (Some(row), Some(first)) = (u16_at(data, 0), u16_at(data, 2)) {
                    let last = data.len().checked_sub(2).and_then(|at| u16_at(data, at));
                    values.add(row, first);
                    values.add(row, last.unwrap_or(first));
                }
            }
            t if CELL_RECORDS.contains(&t) => {
                if let (Some(row), Some(col)) = (u16_at(data, 0), u16_at(data, 2)) {
                    values.add(row, col);
                    if t == FORMULA {
                        formulas.add(row, col);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(reserved
        .saturating_add(values.area())
        .saturating_add(formulas.area()))
}

/// The cells a DIMENSIONS record makes calamine reserve (its own arithmetic,
/// which underflows when the last row lies before the first).
fn dimensions_area(data: &[u8]) -> Result<u64, AdapterError> {
    let field = |v: Option<u32>| v.ok_or_else(|| damaged("DIMENSIONS 记录过短"));
    let (rf, rl, mut cf, cl) = match data.len() {
        10 => (
            field(u16_at(data, 0))?,
            field(u16_at(data, 2))?,
            field(u16_at(data, 4))?,
            field(u16_at(data, 6))?,
        ),
        14 | 16 => (
            field(u32_at(data, 0))?,
            field(u32_at(data, 4))?,
            field(u16_at(data, 8))?,
            field(u16_at(data, 10))?,
        ),
        // calamine refuses other lengths itself.
        _ => return Ok(0),
    };
    if cf > 0xFF || cl < cf {
        cf = 0;
    }
    if rl == 0 || cl == 0 {
        return Ok(1);
    }
    if rl - 1 < rf || cl - 1 < cf {
        return Err(damaged("DIMENSIONS 记录的末行（列）在首行（列）之前"));
    }
    Ok(u64::from(rl - rf).saturating_mul(u64::from(cl - cf)))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut out = typ.to_le_bytes().to_vec();
        out.extend((data.len() as u16).to_le_bytes());
        out.extend(data);
        out
    }

    fn number(row: u16, col: u16, v: f64) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend(col.to_le_bytes());
        d.extend(0u16.to_le_bytes());
        d.extend(v.to_le_bytes());
        record(0x0203, &d)
    }

    pub(crate) fn dimensions(rows: u32, cols: u16) -> Vec<u8> {
        let mut d = 0u32.to_le_bytes().to_vec();
        d.extend(rows.to_le_bytes());
        d.extend(0u16.to_le_bytes());
        d.extend(cols.to_le_bytes());
        d.extend(0u16.to_le_bytes());
        record(DIMENSIONS, &d)
    }

    /// A BIFF8 workbook of one sheet holding `sheet_records`, in an OLE2 file.
    pub(crate) fn xls(sheet_records: &[Vec<u8>]) -> Vec<u8> {
        let bof = |dt: u16| {
            let mut d = 0x0600u16.to_le_bytes().to_vec();
            d.extend(dt.to_le_bytes());
            d.extend([0u8; 12]);
            record(BOF, &d)
        };
        let bound_sheet = |pos: u32| {
            let mut d = pos.to_le_bytes().to_vec();
            d.extend([0, 0, 6, 0]);
            d.extend(b"Sheet1");
            record(BOUND_SHEET, &d)
        };
        let globals_len = bof(5).len() + bound_sheet(0).len() + record(EOF, &[]).len();
        let mut stream = bof(5);
        stream.extend(bound_sheet(globals_len as u32));
        stream.extend(record(EOF, &[]));
        stream.extend(bof(0x10));
        for r in sheet_records {
            stream.extend(r);
        }
        stream.extend(record(EOF, &[]));

        let mut file =
            cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))
                .unwrap();
        file.create_stream("/Workbook")
            .unwrap()
            .write_all(&stream)
            .unwrap();
        file.flush().unwrap();
        file.into_inner().into_inner()
    }

    /// Two cells at opposite corners of an XLS sheet: 16.7 million grid cells.
    pub(crate) fn corner_bomb() -> Vec<u8> {
        xls(&[number(0, 0, 1.0), number(65535, 255, 2.0)])
    }

    #[test]
    fn a_small_sheet_passes() {
        let bytes = xls(&[dimensions(3, 2), number(0, 0, 1.0), number(2, 1, 2.0)]);
        guard_xls(&bytes).unwrap();
        // calamine reads what the guard let through.
        let sheets = crate::read_sheets(&bytes).unwrap();
        assert_eq!(sheets[0].cells.len(), 2);
    }

    #[test]
    fn the_libreoffice_fixture_passes() {
        let bytes = include_bytes!("../../../tests/fixtures/seed-sheets.xls");
        guard_xls(bytes).unwrap();
    }

    #[test]
    fn cells_at_opposite_corners_are_refused() {
        let bytes = corner_bomb();
        assert!(bytes.len() < 8 * 1024, "{}", bytes.len());
        let err = guard_xls(&bytes).unwrap_err();
        assert!(err.message.contains("范围过大"), "{err}");
    }

    #[test]
    fn a_dimensions_record_claiming_billions_of_rows_is_refused() {
        let err = guard_xls(&xls(&[dimensions(u32::MAX, 256)])).unwrap_err();
        assert!(err.message.contains("范围过大"), "{err}");
        // Last row before the first: calamine's own arithmetic would underflow.
        let mut d = 10u32.to_le_bytes().to_vec();
        d.extend(5u32.to_le_bytes());
        d.extend([0, 0, 2, 0, 0, 0]);
        let err = guard_xls(&xls(&[record(DIMENSIONS, &d)])).unwrap_err();
        assert!(err.message.contains("已损坏"), "{err}");
    }

    #[test]
    fn a_sheet_position_past_the_stream_is_damage() {
        let mut bytes = xls(&[number(0, 0, 1.0)]);
        // Point the BoundSheet record far past the end of the stream.
        let at = bytes
            .windows(6)
            .position(|w| w == b"Sheet1")
            .unwrap()
            .checked_sub(8)
            .unwrap();
        bytes[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        let err = guard_xls(&bytes).unwrap_err();
        assert!(err.message.contains("已损坏"), "{err}");
    }

    /// A FORMULA record whose formula length points past the record: calamine
    /// slices past the end and panics; the adapter gives an error instead.
    #[test]
    fn a_formula_longer_than_its_record_is_an_error_not_a_panic() {
        let mut d = vec![0u8; 20];
        d.extend(1000u16.to_le_bytes());
        let bytes = xls(&[number(0, 0, 1.0), record(FORMULA, &d)]);
        guard_xls(&bytes).unwrap();
        let err = crate::read(&bytes).unwrap_err();
        assert!(err.message.contains("记录长度与内容不符"), "{err}");
    }

    #[test]
    fn junk_in_an_ole2_header_is_damage() {
        let mut bytes = corner_bomb();
        bytes[40..80].fill(0xFF);
        assert!(guard_xls(&bytes).is_err());
    }
}
