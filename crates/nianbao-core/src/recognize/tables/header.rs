//! Header recognition: which physical column holds which official column,
//! from the header band of table 三 (labels split over rows joined, merges
//! lost in text dumps) or the header rows of table 二.

use crate::document::{GridCell, GridTable};
use crate::schema::TableSchema;

use super::labels::{first_text, match_row, norm};

/// Which official column each physical column holds.
#[derive(Clone)]
pub(super) struct ColumnMap {
    /// Column key per physical column (None = label or unknown column).
    pub(super) keys: Vec<Option<&'static str>>,
    /// The first physical data column; columns left of it hold row labels.
    pub(super) first_data: usize,
}

impl ColumnMap {
    /// The same data columns, in the same order, as the last columns of a
    /// grid `width` wide.
    pub(super) fn right_aligned(&self, width: usize) -> ColumnMap {
        let data: Vec<&'static str> = self.keys.iter().flatten().copied().collect();
        let first_data = width.saturating_sub(data.len());
        let mut keys = vec![None; width];
        for (i, k) in data.into_iter().enumerate() {
            if let Some(slot) = keys.get_mut(first_data + i) {
                *slot = Some(k);
            }
        }
        ColumnMap { keys, first_data }
    }
}

/// The header band of table 三: for each column, the lowest header cell that
/// is exactly a column label (so 「法人或其他组织」 gives way to 「商业企业」).
pub(super) fn header_columns(grid: &GridTable, schema: &'static TableSchema) -> Option<ColumnMap> {
    // Row labels are on the left, so the first data row starts with one.
    let first_row = grid
        .rows
        .iter()
        .position(|row| match_row(schema, &first_text(row)).is_some())?;
    let width = grid.width();
    let mut keys: Vec<Option<&'static str>> = vec![None; width];
    for (c, key) in keys.iter_mut().enumerate() {
        *key = header_key(grid, first_row, c, schema);
    }
    // The same key twice (a merged header over a label column): keep the rightmost
    // run's first column, since label columns are on the left.
    let first_data = keys.iter().position(Option::is_some)?;
    let mut seen = Vec::new();
    for key in keys.iter_mut() {
        if let Some(k) = *key {
            if seen.contains(&k) {
                *key = None;
            } else {
                seen.push(k);
            }
        }
    }
    if seen.len() < schema.columns.len() {
        if let Some(map) = official_order(grid, first_row, schema) {
            return Some(map);
        }
    }
    (seen.len() >= 2).then_some(ColumnMap { keys, first_data })
}

/// The column key of column `c` from the header band above `first_row`: the
/// lowest cell that is a column label, or the lowest cells joined when a label
/// is split over header rows (「商业」 above 「企业」, one character per row).
fn header_key(
    grid: &GridTable,
    first_row: usize,
    c: usize,
    schema: &'static TableSchema,
) -> Option<&'static str> {
    // The column's header texts bottom up, a vertically merged cell once.
    let mut texts: Vec<String> = Vec::new();
    for row in grid.rows[..first_row].iter().rev() {
        let Some(cell) = row.get(c) else { continue };
        let h = cell.label();
        if !h.is_empty() && texts.last().map(String::as_str) != Some(h) {
            texts.push(h.to_string());
        }
    }
    let label_key = |h: &str| {
        schema
            .columns
            .iter()
            .find(|k| norm(k.label) == h)
            .map(|k| k.key)
    };
    if let Some(key) = texts.iter().find_map(|h| label_key(h)) {
        return Some(key);
    }
    let mut joined = String::new();
    for h in texts.iter().take(8) {
        joined.insert_str(0, h);
        if let Some(key) = label_key(&joined) {
            return Some(key);
        }
    }
    None
}

/// When merged header cells were lost (a text dump keeps one cell per merge),
/// but the header names every column, the data are the last columns in the
/// official order: inputs that drop merges right-align their rows.
fn official_order(
    grid: &GridTable,
    first_row: usize,
    schema: &'static TableSchema,
) -> Option<ColumnMap> {
    let header: String = grid.rows[..first_row]
        .iter()
        .flatten()
        .map(GridCell::label)
        .collect();
    if !schema
        .columns
        .iter()
        .all(|c| header.contains(&*norm(c.label)))
    {
        return None;
    }
    let width = grid.width();
    let n = schema.columns.len();
    let first_data = width.checked_sub(n)?;
    let mut keys = vec![None; width];
    for (i, c) in schema.columns.iter().enumerate() {
        keys[first_data + i] = Some(c.key);
    }
    Some(ColumnMap { keys, first_data })
}

/// A table 二 header row: 「信息内容 | 本年制发件数 | …」.
pub(super) fn t2_header(row: &[GridCell]) -> Option<ColumnMap> {
    let keys: Vec<Option<&'static str>> = row
        .iter()
        .map(|cell| {
            let h = cell.label();
            let key = match () {
                _ if h.contains("制发件数") => "issued",
                _ if h.contains("废止件数") => "abolished",
                _ if h.contains("有效件数") => "in_force",
                _ if h.contains("处理决定数量") => "decisions",
                _ if h.contains("收费金额") => "amount",
                _ => return None,
            };
            Some(key)
        })
        .collect();
    let first_data = keys.iter().position(Option::is_some)?;
    Some(ColumnMap { keys, first_data })
}

pub(super) fn is_header_row(row: &[GridCell], schema: &TableSchema) -> bool {
    row.iter().any(|c| {
        let h = c.label();
        schema.columns.iter().any(|k| norm(k.label) == h)
    })
}
