//! Recognising tables 二, 三 and 四 in merge-expanded grids: what each
//! physical table is ([`classify`]) and the [`TableRecognizer`] that reads
//! them into the model, one table after another.
//!
//! Labels are compared after [`normalize_label`], so vertical headers
//! (「自\n然\n人」), stray spaces and full-width punctuation do not matter.
//! Parts: `header` (which physical column is which), `labels` (comparing
//! and matching labels), `align` (table 三's rows to their official rows).

mod align;
mod header;
mod labels;

use std::collections::{BTreeMap, BTreeSet};

use crate::document::{GridCell, GridTable};
use crate::model::{Cell, Origin, RecognitionNote, Table};
use crate::schema::{RowSpec, T2, T3, T4, TableKey, TableSchema};
use crate::value::{Value, parse_cell_text};

use align::{DataRow, align_rows};
pub use align::{UNSPLIT_OTHER_ABSORBS, is_unsplit_other_block};
use header::{ColumnMap, header_columns, is_header_row, t2_header};
use labels::{
    distinct_cells, first_text, leaf_label, leaf_label_at, match_row, norm, strip_numbering,
};
pub use labels::{label_coverage, label_similarity};

/// Marks of the superseded 2019 试行 format.
pub const OLD_FORMAT_MARKS: &[&str] = &[
    "本年新制作数量",
    "对外公开总数量",
    "其他对外管理服务事项",
    "政府集中采购",
];

/// What a physical table looks like it is.
pub fn classify(grid: &GridTable) -> Option<TableKey> {
    let all: String = grid
        .rows
        .iter()
        .flatten()
        .map(GridCell::label)
        .collect::<Vec<_>>()
        .join("|");
    if all.contains("本年新收") || (all.contains("予以公开") && all.contains("结转")) {
        Some(TableKey::T3)
    } else if all.contains("复议后起诉") || (all.contains("行政复议") && all.contains("结果维持"))
    {
        Some(TableKey::T4)
    } else if [
        "本年制发件数",
        "行政许可",
        "行政事业性收费",
        "规章",
        "处理决定数量",
    ]
    .iter()
    .any(|k| all.contains(k))
    {
        Some(TableKey::T2)
    } else {
        None
    }
}

/// Carries state across physical tables (a table split by a page break).
#[derive(Default)]
pub struct TableRecognizer {
    pub tables: BTreeMap<TableKey, Table>,
    /// Read through [`TableRecognizer::take_notes`].
    notes: Vec<RecognitionNote>,
    /// Notes raised so far per code and table, kept or not.
    raised: BTreeMap<(String, Option<TableKey>), usize>,
    /// The column map of the last table 三 fragment, for continuations.
    last_t3: Option<ColumnMap>,
    old_format_tables: BTreeSet<TableKey>,
}

/// Notes of one code for one table that are kept. A damaged file can repeat
/// a row label thousands of times; a reviewer needs the first few, and the
/// rules see a bounded model.
pub const MAX_NOTES_PER_KIND: usize = 20;

impl TableRecognizer {
    fn push_note(&mut self, note: RecognitionNote) {
        let raised = self
            .raised
            .entry((note.code.clone(), note.table))
            .or_default();
        *raised += 1;
        if *raised <= MAX_NOTES_PER_KIND {
            self.notes.push(note);
        }
    }

    /// The notes, with one summary note for each kind that was cut short.
    pub fn take_notes(&mut self) -> Vec<RecognitionNote> {
        let mut notes = std::mem::take(&mut self.notes);
        for ((code, table), raised) in std::mem::take(&mut self.raised) {
            let Some(n) = raised.checked_sub(MAX_NOTES_PER_KIND).filter(|&n| n > 0) else {
                continue;
            };
            let place = table.map_or(String::new(), |t| t.schema().label.to_string());
            notes.push(RecognitionNote {
                code,
                table,
                message: format!("{place}另有 {n} 处同类情况，未逐条列出"),
                ..Default::default()
            });
        }
        notes
    }

    /// Recognises one physical table. `hint` is the section it sits in, if known.
    pub fn add(&mut self, grid: &GridTable, hint: Option<u8>) {
        let kind = classify(grid).or_else(|| {
            // A header-less fragment right after table 三 continues it.
            (self.last_t3.is_some() && self.rows_match(grid, &T3) > 0).then_some(TableKey::T3)
        });
        let kind = kind.or(match hint {
            Some(2) => Some(TableKey::T2),
            Some(3) => Some(TableKey::T3),
            Some(4) => Some(TableKey::T4),
            _ => None,
        });
        let old_format = self.note_old_format(grid, kind);
        match kind {
            // A 2019-format table 二 has other columns (本年新制作数量, 对外公开总数量…):
            // read into the 2021 keys its numbers would mean something else.
            Some(TableKey::T2) if old_format => {
                self.old_format_tables.insert(TableKey::T2);
            }
            Some(TableKey::T2) => self.read_t2(grid),
            Some(TableKey::T3) => self.read_t3(grid),
            Some(TableKey::T4) => self.read_t4(grid),
            None => {}
        }
    }

    /// After every table is read: one note naming the rows table 三 lacks, so
    /// that the sums depending on them stay silent for a reason the reader
    /// sees. Rows an earlier note already explains (an unknown or unread row)
    /// are that note's.
    pub fn note_missing_rows(&mut self) {
        let Some(t3) = self.tables.get(&TableKey::T3) else {
            return;
        };
        let explained = self.notes.iter().any(|n| {
            n.table == Some(TableKey::T3)
                && ["unknown-row", "cell-count", "duplicate-row", "no-columns"]
                    .contains(&n.code.as_str())
        });
        let missing: Vec<&str> = T3
            .rows
            .iter()
            .filter(|r| !t3.has_row(r.key) && !t3.absorbed.contains(r.key))
            .map(|r| r.display)
            .collect();
        if missing.is_empty() || explained {
            return;
        }
        let origin = t3.origin.clone();
        self.push_note(RecognitionNote {
            code: "missing-row".into(),
            table: Some(TableKey::T3),
            row: None,
            message: format!(
                "表三缺少行「{}」，依赖这些行的勾稽关系未核对",
                missing.join("」「")
            ),
            origin,
        });
    }

    /// Tables seen in the 2019 format and left unread.
    pub fn old_format_tables(&self) -> &BTreeSet<TableKey> {
        &self.old_format_tables
    }

    /// Notes each 2019-format label; whether there was one.
    fn note_old_format(&mut self, grid: &GridTable, kind: Option<TableKey>) -> bool {
        let mut found = false;
        for cell in grid
            .rows
            .iter()
            .flatten()
            .filter(|c| c.merged_from.is_none())
        {
            let norm = cell.label();
            if let Some(mark) = OLD_FORMAT_MARKS.iter().find(|m| norm.contains(*m)) {
                found = true;
                self.push_note(RecognitionNote {
                    code: "old-format".into(),
                    table: kind,
                    row: None,
                    message: format!("出现 2019 年试行格式的栏目「{mark}」"),
                    origin: cell.origin.clone(),
                });
            }
        }
        found
    }

    fn table(&mut self, key: TableKey, grid: &GridTable) -> &mut Table {
        self.tables
            .entry(key)
            .or_insert_with(|| Table::new(key, grid.origin.clone()))
    }

    fn rows_match(&self, grid: &GridTable, schema: &'static TableSchema) -> usize {
        grid.rows
            .iter()
            .filter(|row| match_row(schema, &leaf_label(row, row.len())).is_some())
            .count()
    }

    fn read_t3(&mut self, grid: &GridTable) {
        let width = grid.width();
        let map = header_columns(grid, &T3).or_else(|| {
            self.last_t3.as_ref().map(|m| {
                if m.keys.len() == width {
                    m.clone()
                } else {
                    // A fragment after a page break laid out with other column
                    // widths: its data are still the rightmost columns.
                    m.right_aligned(width)
                }
            })
        });
        let Some(map) = map else {
            self.push_note(RecognitionNote {
                code: "no-columns".into(),
                table: Some(TableKey::T3),
                row: None,
                message: "表三未找到申请人情况的列标题（自然人、商业企业……总计）".into(),
                origin: grid.origin.clone(),
            });
            return;
        };
        let continued = self.last_t3.is_some();
        self.last_t3 = Some(map.clone());
        if !continued {
            self.note_columns(grid, &T3, &map);
        }
        self.read_rows(grid, &T3, &map);
    }

    /// Columns the national format does not have (e.g. a 「法人或其他组织」
    /// subtotal column holding numbers) and columns it has that are missing.
    fn note_columns(&mut self, grid: &GridTable, schema: &'static TableSchema, map: &ColumnMap) {
        let missing: Vec<&str> = schema
            .columns
            .iter()
            .filter(|c| !map.keys.contains(&Some(c.key)))
            .map(|c| c.label)
            .collect();
        if !missing.is_empty() {
            self.push_note(RecognitionNote {
                code: "missing-column".into(),
                table: Some(schema.key),
                row: None,
                message: format!("{}缺少列「{}」", schema.label, missing.join("」「")),
                origin: grid.origin.clone(),
            });
        }
        let first_row = grid
            .rows
            .iter()
            .position(|row| match_row(schema, &first_text(row)).is_some())
            .unwrap_or(0);
        for c in map.first_data..grid.width() {
            if map.keys.get(c).copied().flatten().is_some() {
                continue;
            }
            let has_numbers = grid.rows[first_row..].iter().any(|row| {
                row.get(c).is_some_and(|cell| {
                    cell.merged_from.is_none()
                        && matches!(
                            parse_cell_text(&cell.text),
                            Value::Int(_) | Value::Decimal(_)
                        )
                })
            });
            if !has_numbers {
                continue;
            }
            let label = grid.rows[..first_row]
                .iter()
                .rev()
                .filter_map(|row| row.get(c))
                .map(|cell| cell.text.split_whitespace().collect::<String>())
                .find(|t| !t.is_empty())
                .unwrap_or_else(|| format!("第 {} 列", c + 1));
            self.push_note(RecognitionNote {
                code: "extra-column".into(),
                table: Some(schema.key),
                row: None,
                message: format!("{}有规定格式之外的数据列「{label}」", schema.label),
                origin: grid.rows[first_row]
                    .get(c)
                    .map_or_else(|| grid.origin.clone(), |cell| cell.origin.clone()),
            });
        }
    }

    /// Reads the data rows of a table 三 fragment. Each row is given an
    /// official row by [`align_rows`]: the official order plus the closest
    /// label, so a typo (「2.其他法律行政止公开」) still lands on its own row and
    /// two rows never land on one key.
    fn read_rows(&mut self, grid: &GridTable, schema: &'static TableSchema, map: &ColumnMap) {
        let mut rows: Vec<DataRow<'_>> = Vec::new();
        for (r, row) in grid.rows.iter().enumerate() {
            let Some((leaf_at, leaf)) = leaf_label_at(row, map.first_data) else {
                continue;
            };
            let data: Vec<(&'static str, &GridCell)> = row
                .iter()
                .enumerate()
                .skip(map.first_data)
                .filter_map(|(c, cell)| Some((map.keys.get(c).copied().flatten()?, cell)))
                .collect();
            let has_numbers = data
                .iter()
                .any(|(_, c)| matches!(parse_cell_text(&c.text), Value::Int(_)));
            if match_row(schema, &leaf).is_none() && !has_numbers || is_header_row(row, schema) {
                continue;
            }
            rows.push(DataRow {
                r,
                leaf,
                leaf_at,
                data,
                has_numbers,
            });
        }
        let filled: Vec<bool> = {
            let table = self.tables.get(&schema.key);
            schema
                .rows
                .iter()
                .map(|spec| table.is_some_and(|t| t.has_row(spec.key)))
                .collect()
        };
        let assigned = align_rows(schema, &rows, &filled);
        let assigned_keys: Vec<&str> = assigned.iter().flatten().map(|s| s.key).collect();
        for (row, spec) in rows.iter().zip(assigned) {
            let origin = grid.rows[row.r][row.leaf_at].origin.clone();
            let Some(spec) = spec else {
                let taken = |spec: &RowSpec| {
                    schema.row_index(spec.key).is_some_and(|i| filled[i])
                        || assigned_keys.contains(&spec.key)
                };
                let (code, message) = match match_row(schema, &row.leaf) {
                    Some(spec) if taken(spec) => (
                        "duplicate-row",
                        format!(
                            "{}「{}」出现不止一次，只取第一次的值",
                            schema.label, spec.display
                        ),
                    ),
                    Some(_) => (
                        "unknown-row",
                        format!(
                            "{}中「{}」不在规定格式的位置上，未读取；跨行的合计因此未核对",
                            schema.label, row.leaf
                        ),
                    ),
                    None => (
                        "unknown-row",
                        format!(
                            "{}中有无法识别的数据行「{}」；跨行的合计因此未核对",
                            schema.label, row.leaf
                        ),
                    ),
                };
                if code == "unknown-row" && !row.has_numbers {
                    continue;
                }
                self.push_note(RecognitionNote {
                    code: code.into(),
                    table: Some(schema.key),
                    row: match_row(schema, &row.leaf).map(|s| s.key.to_string()),
                    message,
                    origin,
                });
                continue;
            };
            if spec.key == "other_other" && is_unsplit_other_block(&row.leaf) {
                let table = self.table(schema.key, grid);
                for key in UNSPLIT_OTHER_ABSORBS {
                    table.absorbed.insert(key.to_string());
                }
                self.push_note(RecognitionNote {
                    code: "old-format".into(),
                    table: Some(schema.key),
                    row: Some(spec.key.into()),
                    message: "表三「（六）其他处理」只有一行，没有分为 2021 年格式的三项（逾期不补正、逾期不缴费、其他），按该项合计读取".into(),
                    origin,
                });
            } else {
                self.note_label_variant(schema.key, spec, &row.leaf, origin);
            }
            for (col, cell) in &row.data {
                self.put(schema.key, grid, spec.key, col, cell);
            }
        }
    }

    fn put(
        &mut self,
        key: TableKey,
        grid: &GridTable,
        row: &'static str,
        col: &'static str,
        cell: &GridCell,
    ) {
        // A number merged over several grid positions counts once, at its
        // top-left cell; the covered positions read as blank.
        let set = self.table(key, grid).set_new(row, col, || {
            let text = match cell.merged_from {
                Some(_) => String::new(),
                None => cell.text.clone(),
            };
            Cell {
                value: parse_cell_text(&text),
                text,
                origin: cell.origin.clone(),
            }
        });
        if !set {
            self.push_note(RecognitionNote {
                code: "duplicate-row".into(),
                table: Some(key),
                row: None,
                message: format!(
                    "{} 出现不止一次，只取第一次的值",
                    key.schema().place(row, col)
                ),
                origin: cell.origin.clone(),
            });
        }
    }

    fn note_label_variant(&mut self, key: TableKey, spec: &RowSpec, leaf: &str, origin: Origin) {
        let (ours, official) = (strip_numbering(leaf), norm(spec.label));
        let theirs = strip_numbering(&official);
        // A label cut short by its cell's wrapping or a page break (the start or
        // the end of the official one) is not an altered label.
        let cut = ours.chars().count() >= 6 && (theirs.starts_with(ours) || theirs.ends_with(ours));
        if ours != theirs && !cut {
            self.push_note(RecognitionNote {
                code: "label-variant".into(),
                table: Some(key),
                row: Some(spec.key.into()),
                message: format!("「{leaf}」与规定的「{}」不一致", spec.label),
                origin,
            });
        }
    }

    fn read_t2(&mut self, grid: &GridTable) {
        // Table 二 is several small tables, each with its own header row.
        let mut map: Option<ColumnMap> = None;
        for (r, row) in grid.rows.iter().enumerate() {
            if let Some(m) = t2_header(row) {
                map = Some(m);
                continue;
            }
            let leaf = first_text(row);
            let Some(spec) = match_row(&T2, &leaf) else {
                continue;
            };
            // Data starts after the label (and its merged copies).
            let label_at = row.iter().position(|c| c.label() == leaf).unwrap_or(0);
            let label_end = row[label_at..]
                .iter()
                .position(|c| c.label() != leaf)
                .map_or(row.len(), |i| label_at + i);
            // 「规范性文件」 (the 2019 wording) or a misspelt label: the row is
            // read by its keywords and the altered label noted at its cell.
            if let Some(cell) = row.get(label_at) {
                self.note_label_variant(TableKey::T2, spec, &leaf, cell.origin.clone());
            }
            for col in spec.columns {
                let found = map.as_ref().and_then(|m| {
                    m.keys
                        .iter()
                        .enumerate()
                        .skip(label_end)
                        .find(|(_, k)| **k == Some(*col))
                        .map(|(c, _)| c)
                });
                // Without a header, the row's cells are in the official order.
                let c = found.or_else(|| {
                    let i = spec.columns.iter().position(|k| k == col)?;
                    distinct_cells(row, r, label_end).get(i).copied()
                });
                if let Some(c) = c.filter(|c| *c < row.len()) {
                    self.put(TableKey::T2, grid, spec.key, col, &row[c]);
                }
            }
        }
    }

    fn read_t4(&mut self, grid: &GridTable) {
        let width = grid.width();
        let counts = |row: &[GridCell]| {
            row.iter()
                .filter(|c| c.merged_from.is_none())
                .filter(|c| {
                    matches!(
                        parse_cell_text(&c.text),
                        Value::Int(_) | Value::Blank | Value::Dash
                    )
                })
                .count()
                >= 15
        };
        let written = grid.rows.iter().position(|row| {
            counts(row) && row.iter().any(|c| !c.text.trim().is_empty()) && !is_header_row(row, &T4)
        });
        // A data row left wholly blank (the template as issued) is still the
        // row: the one right under the header band, when it is the last.
        let blank = || {
            let header = grid.rows.iter().rposition(|row| is_header_row(row, &T4))?;
            let r = header + 1;
            let row = grid.rows.get(r)?;
            (r + 1 == grid.rows.len()
                && counts(row)
                && row.iter().all(|c| c.text.trim().is_empty()))
            .then_some(r)
        };
        let Some(data_row) = written.or_else(blank) else {
            self.push_note(RecognitionNote {
                code: "no-data-row".into(),
                table: Some(TableKey::T4),
                row: None,
                message: "表四未找到 15 个数字的数据行".into(),
                origin: grid.origin.clone(),
            });
            return;
        };
        let mut mapped: Vec<(usize, &'static str, &'static str)> = Vec::new();
        for c in 0..width {
            let header: Vec<&str> = grid.rows[..data_row]
                .iter()
                .filter_map(|row| row.get(c))
                .map(GridCell::label)
                .collect();
            let block = header
                .iter()
                .rev()
                .find_map(|h| T4.rows.iter().find(|r| norm(r.label) == *h));
            let outcome = header
                .iter()
                .rev()
                .find_map(|h| T4.columns.iter().find(|k| norm(k.label) == *h));
            if let (Some(block), Some(outcome)) = (block, outcome) {
                mapped.push((c, block.key, outcome.key));
            }
        }
        // A number merged across columns (a spreadsheet fitting table 四 to a
        // wider grid) counts once, at its first column.
        let mut seen: Vec<(&str, &str)> = Vec::new();
        mapped.retain(|&(c, block, outcome)| {
            let copy = grid.rows[data_row]
                .get(c)
                .and_then(|cell| cell.merged_from)
                .is_some_and(|(r, _)| r == data_row);
            let first = !seen.contains(&(block, outcome));
            seen.push((block, outcome));
            first || !copy
        });
        // Merges lost (text dumps): the 15 numbers in the official order.
        let full = T4.rows.len() * T4.columns.len();
        if mapped.len() < full && width >= full {
            let header: String = grid.rows[..data_row]
                .iter()
                .flatten()
                .map(GridCell::label)
                .collect();
            let named = T4
                .rows
                .iter()
                .map(|r| r.label)
                .chain(T4.columns.iter().map(|c| c.label));
            if named.into_iter().all(|l| header.contains(&*norm(l))) {
                mapped = T4
                    .rows
                    .iter()
                    .flat_map(|r| T4.columns.iter().map(move |c| (r.key, c.key)))
                    .enumerate()
                    .map(|(i, (r, c))| (width - full + i, r, c))
                    .collect();
            }
        }
        let numbers = grid.rows[data_row]
            .iter()
            .filter(|c| c.merged_from.is_none())
            .filter(|c| {
                matches!(
                    parse_cell_text(&c.text),
                    Value::Int(_) | Value::Decimal(_) | Value::Blank | Value::Dash
                )
            })
            .count();
        if numbers > full {
            self.push_note(RecognitionNote {
                code: "extra-column".into(),
                table: Some(TableKey::T4),
                row: None,
                message: format!("表四数据行有 {numbers} 个数值，规定格式为 {full} 列"),
                origin: grid.rows[data_row][0].origin.clone(),
            });
        } else if mapped.len() < full {
            self.push_note(RecognitionNote {
                code: "missing-column".into(),
                table: Some(TableKey::T4),
                row: None,
                message: format!("表四只识别出 {} 列，规定格式为 {full} 列", mapped.len()),
                origin: grid.rows[data_row][0].origin.clone(),
            });
        }
        for (c, block, outcome) in mapped {
            if let Some(cell) = grid.rows[data_row].get(c) {
                self.put(TableKey::T4, grid, block, outcome, cell);
            }
        }
    }
}

#[cfg(test)]
mod tests;
