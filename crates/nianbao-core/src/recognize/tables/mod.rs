//! Recognising tables 二, 三 and 四 in merge-expanded grids.
//!
//! Labels are compared after [`normalize_label`], so vertical headers
//! (「自\n然\n人」), stray spaces and full-width punctuation do not matter.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::LazyLock;

use crate::document::{GridCell, GridTable};
use crate::model::{Cell, Origin, RecognitionNote, Table};
use crate::schema::{RowSpec, T2, T3, T4, TableKey, TableSchema};
use crate::value::{Value, normalize_label, parse_cell_text};

/// [`normalize_label`] of a string of the schema (a label or a keyword),
/// computed once for the whole run rather than on every comparison.
fn norm(s: &'static str) -> Cow<'static, str> {
    static NORMALIZED: LazyLock<HashMap<(usize, usize), String>> = LazyLock::new(|| {
        let mut map = HashMap::new();
        for schema in [&T2, &T3, &T4] {
            let strings = schema
                .rows
                .iter()
                .flat_map(|r| std::iter::once(r.label).chain(r.keywords.iter().copied()))
                .chain(schema.columns.iter().map(|c| c.label));
            for s in strings {
                map.insert((s.as_ptr() as usize, s.len()), normalize_label(s));
            }
        }
        map
    });
    match NORMALIZED.get(&(s.as_ptr() as usize, s.len())) {
        Some(n) => Cow::Borrowed(n.as_str()),
        // Not a schema string: normalised each time.
        None => Cow::Owned(normalize_label(s)),
    }
}

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
        .map(|c| normalize_label(&c.text))
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

#[derive(Clone)]
struct ColumnMap {
    /// Column key per physical column (None = label or unknown column).
    keys: Vec<Option<&'static str>>,
    /// The first physical data column; columns left of it hold row labels.
    first_data: usize,
}

impl ColumnMap {
    /// The same data columns, in the same order, as the last columns of a
    /// grid `width` wide.
    fn right_aligned(&self, width: usize) -> ColumnMap {
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
            let norm = normalize_label(&cell.text);
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
        let text = match cell.merged_from {
            Some(_) => String::new(),
            None => cell.text.clone(),
        };
        let table = self.table(key, grid);
        if table.cell(row, col).is_some() {
            let origin = cell.origin.clone();
            let place = key.schema().place(row, col);
            self.push_note(RecognitionNote {
                code: "duplicate-row".into(),
                table: Some(key),
                row: None,
                message: format!("{place} 出现不止一次，只取第一次的值"),
                origin,
            });
            return;
        }
        table.set(
            row,
            col,
            Cell {
                value: parse_cell_text(&text),
                text,
                origin: cell.origin.clone(),
            },
        );
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
            let label_at = row
                .iter()
                .position(|c| normalize_label(&c.text) == leaf)
                .unwrap_or(0);
            let label_end = row[label_at..]
                .iter()
                .position(|c| normalize_label(&c.text) != leaf)
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
            let header: Vec<String> = grid.rows[..data_row]
                .iter()
                .filter_map(|row| row.get(c))
                .map(|cell| normalize_label(&cell.text))
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
                .map(|c| normalize_label(&c.text))
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

/// A row of table 三 with a label and data, before it is given its official row.
struct DataRow<'g> {
    /// Row in the grid.
    r: usize,
    leaf: String,
    /// Column of the leaf label cell.
    leaf_at: usize,
    data: Vec<(&'static str, &'g GridCell)>,
    has_numbers: bool,
}

/// Above this many candidate rows (a damaged file repeating rows), rows are
/// matched one by one by their keywords instead of aligned.
const MAX_ALIGNED_ROWS: usize = 1_000;

/// The rows of block （六） that the 2019 single row holds besides `other_other`.
pub const UNSPLIT_OTHER_ABSORBS: [&str; 2] = ["other_no_correction", "other_no_fee"];

/// 「（六）其他处理」 as a data row: the 2019 format's single row for the block
/// that the 2021 format splits in three. It reads as the block's sum.
pub fn is_unsplit_other_block(leaf: &str) -> bool {
    strip_numbering(leaf) == "其他处理"
}

/// A label prepared once for [`row_score`]: normalised, its numbering, and
/// the bigrams of the rest.
struct Prepared<'a> {
    label: Cow<'a, str>,
    grams: Vec<(char, char)>,
}

impl<'a> Prepared<'a> {
    fn new(label: Cow<'a, str>) -> Prepared<'a> {
        let grams = bigrams(strip_numbering(&label));
        Prepared { label, grams }
    }

    fn rest(&self) -> &str {
        strip_numbering(&self.label)
    }
}

/// How well a row label fits an official row; `None` when it cannot be that row.
fn row_score(spec: &RowSpec, official: &Prepared<'_>, leaf: &Prepared<'_>) -> Option<f64> {
    let (ours, theirs) = (leaf.rest(), official.rest());
    if ours == theirs {
        return Some(4.0);
    }
    if spec.key == "other_other" && is_unsplit_other_block(&leaf.label) {
        return Some(3.0);
    }
    // 「其他」 names row （六）3 only as a short label: inside a longer one
    // (「2.其他法律行政法」, wrapped) it says nothing about the row.
    let generic = spec.keywords == ["其他"] && ours.chars().count() > 6;
    if !generic && spec.keywords.iter().all(|k| leaf.label.contains(&*norm(k))) {
        let specificity: usize = spec.keywords.iter().map(|k| k.chars().count()).sum();
        return Some(2.0 + specificity as f64 * 0.01);
    }
    let (a, b) = (leaf.grams.len(), official.grams.len());
    // Dice can reach 0.5 only when the lengths are within a factor of three.
    if a == 0 || b == 0 || a > 3 * b || b > 3 * a {
        return None;
    }
    let similarity = 2.0 * common_bigrams(&leaf.grams, &official.grams) as f64 / (a + b) as f64;
    let same_number =
        numbering(&leaf.label).is_some() && numbering(&leaf.label) == numbering(&official.label);
    (similarity >= 0.5).then_some(similarity + if same_number { 0.25 } else { 0.0 })
}

/// How alike a written row label is to an official one (0–1), numbering
/// aside: the Dice coefficient of their character bigrams after
/// [`normalize_label`]. 「2.其他法律行政止公开」 against 「2.其他法律行政法规禁止公开」
/// is about 0.8.
pub fn label_similarity(written: &str, official: &str) -> f64 {
    let (a, b) = (normalize_label(written), normalize_label(official));
    bigram_dice(strip_numbering(&a), strip_numbering(&b))
}

/// The share (0–1) of an official label's character bigrams found in a text
/// that may hold more than the label (a wrapped label with its neighbours).
pub fn label_coverage(text: &str, official: &str) -> f64 {
    let (t, o) = (normalize_label(text), normalize_label(official));
    let want = bigrams(strip_numbering(&o));
    if want.is_empty() {
        return 0.0;
    }
    common_bigrams(&bigrams(&t), &want) as f64 / want.len() as f64
}

/// 「2.」 or 「(六)」 at the start of a label.
fn numbering(label: &str) -> Option<&str> {
    let rest = strip_numbering(label);
    (rest.len() < label.len()).then(|| &label[..label.len() - rest.len()])
}

/// The character bigrams of a label, sorted.
fn bigrams(s: &str) -> Vec<(char, char)> {
    let chars: Vec<char> = s.chars().collect();
    let mut g: Vec<(char, char)> = chars.windows(2).map(|w| (w[0], w[1])).collect();
    g.sort_unstable();
    g
}

/// Bigrams two sorted lists share.
fn common_bigrams(a: &[(char, char)], b: &[(char, char)]) -> usize {
    crate::value::common_sorted(a, b)
}

/// Dice coefficient of the character bigrams of two labels (0–1).
fn bigram_dice(a: &str, b: &str) -> f64 {
    let (ga, gb) = (bigrams(a), bigrams(b));
    if ga.is_empty() || gb.is_empty() {
        return 0.0;
    }
    2.0 * common_bigrams(&ga, &gb) as f64 / (ga.len() + gb.len()) as f64
}

/// Gives each data row its official row, or none: the assignment that keeps
/// the official order and has the best total fit (dynamic programming over
/// rows × official rows). `filled` official rows (read from an earlier
/// fragment) are not given again. Equal fits go to the earlier row.
fn align_rows(
    schema: &'static TableSchema,
    rows: &[DataRow<'_>],
    filled: &[bool],
) -> Vec<Option<&'static RowSpec>> {
    let specs = schema.rows;
    if rows.len() > MAX_ALIGNED_ROWS {
        let mut used = filled.to_vec();
        return rows
            .iter()
            .map(|row| {
                let spec = match_row(schema, &row.leaf)?;
                let i = schema.row_index(spec.key)?;
                (!std::mem::replace(&mut used[i], true)).then_some(spec)
            })
            .collect();
    }
    let (n, m) = (rows.len(), specs.len());
    let officials: Vec<Prepared<'_>> = specs.iter().map(|s| Prepared::new(norm(s.label))).collect();
    let score: Vec<Vec<Option<f64>>> = rows
        .iter()
        .map(|row| {
            let leaf = Prepared::new(Cow::Borrowed(row.leaf.as_str()));
            specs
                .iter()
                .zip(&officials)
                .zip(filled)
                .map(|((spec, official), &f)| {
                    if f {
                        None
                    } else {
                        row_score(spec, official, &leaf)
                    }
                })
                .collect()
        })
        .collect();
    // best[i][j]: the best total for the first i rows and the first j official rows.
    let mut best = vec![vec![0.0f64; m + 1]; n + 1];
    for i in 1..=n {
        for j in 1..=m {
            let mut b = best[i - 1][j].max(best[i][j - 1]);
            if let Some(s) = score[i - 1][j - 1] {
                b = b.max(best[i - 1][j - 1] + s);
            }
            best[i][j] = b;
        }
    }
    let mut out = vec![None; n];
    let (mut i, mut j) = (n, m);
    while i > 0 && j > 0 {
        // Prefer leaving the later row out, so a repeated row keeps its first value.
        if best[i][j] == best[i - 1][j] {
            i -= 1;
        } else if best[i][j] == best[i][j - 1] {
            j -= 1;
        } else {
            out[i - 1] = Some(&specs[j - 1]);
            i -= 1;
            j -= 1;
        }
    }
    out
}

/// The header band of table 三: for each column, the lowest header cell that
/// is exactly a column label (so 「法人或其他组织」 gives way to 「商业企业」).
fn header_columns(grid: &GridTable, schema: &'static TableSchema) -> Option<ColumnMap> {
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
        let h = normalize_label(&cell.text);
        if !h.is_empty() && texts.last() != Some(&h) {
            texts.push(h);
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
        .map(|c| normalize_label(&c.text))
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
fn t2_header(row: &[GridCell]) -> Option<ColumnMap> {
    let keys: Vec<Option<&'static str>> = row
        .iter()
        .map(|cell| {
            let h = normalize_label(&cell.text);
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

/// The distinct physical cells of a row from `from` on (merged copies skipped).
fn distinct_cells(row: &[GridCell], r: usize, from: usize) -> Vec<usize> {
    (from..row.len())
        .filter(|&c| match row[c].merged_from {
            None => true,
            Some((mr, mc)) => mr != r || mc < from,
        })
        .collect()
}

fn first_text(row: &[GridCell]) -> String {
    row.iter()
        .map(|c| normalize_label(&c.text))
        .find(|t| !t.is_empty())
        .unwrap_or_default()
}

/// The most specific label of a row and its column: the last non-empty label
/// cell left of the data.
fn leaf_label_at(row: &[GridCell], first_data: usize) -> Option<(usize, String)> {
    row[..first_data.min(row.len())]
        .iter()
        .enumerate()
        .rev()
        .map(|(c, cell)| (c, normalize_label(&cell.text)))
        .find(|(_, t)| !t.is_empty() && parse_cell_text(t).as_f64().is_none())
}

/// The most specific label of a row: the last non-empty label cell left of the data.
fn leaf_label(row: &[GridCell], first_data: usize) -> String {
    row[..first_data.min(row.len())]
        .iter()
        .rev()
        .map(|c| normalize_label(&c.text))
        .find(|t| !t.is_empty() && parse_cell_text(t).as_f64().is_none())
        .unwrap_or_default()
}

/// The row whose keywords all occur in the label; the most specific wins.
fn match_row(schema: &'static TableSchema, label: &str) -> Option<&'static RowSpec> {
    if label.is_empty() {
        return None;
    }
    schema
        .rows
        .iter()
        .filter(|spec| spec.keywords.iter().all(|k| label.contains(&*norm(k))))
        .max_by_key(|spec| {
            spec.keywords
                .iter()
                .map(|k| k.chars().count())
                .sum::<usize>()
        })
}

fn is_header_row(row: &[GridCell], schema: &TableSchema) -> bool {
    row.iter().any(|c| {
        let h = normalize_label(&c.text);
        schema.columns.iter().any(|k| norm(k.label) == h)
    })
}

/// 「(七)总计」 → 「总计」, 「1.属于国家秘密」 → 「属于国家秘密」, 「一.本年新收…」 → 「本年新收…」.
fn strip_numbering(label: &str) -> &str {
    let s = label;
    if let Some(rest) = s.strip_prefix('(') {
        if let Some(i) = rest.find(')') {
            return &rest[i + 1..];
        }
    }
    let digits_end = s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || "一二三四五六七八九十".contains(*c)))
        .map_or(s.len(), |(i, _)| i);
    match s[digits_end..].strip_prefix('.') {
        Some(rest) if digits_end > 0 => rest,
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed_t3_rows() -> Vec<Vec<&'static str>> {
        let mut rows: Vec<Vec<&str>> = vec![
            vec![
                "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
                "",
                "",
                "申请人情况",
                "申请人情况",
                "申请人情况",
                "申请人情况",
                "申请人情况",
                "申请人情况",
                "申请人情况",
            ],
            vec![
                "",
                "",
                "",
                "自\n然\n人",
                "法人或其他组织",
                "法人或其他组织",
                "法人或其他组织",
                "法人或其他组织",
                "法人或其他组织",
                "总计",
            ],
            vec![
                "",
                "",
                "",
                "自\n然\n人",
                "商业企业",
                "科研机构",
                "社会公益组织",
                "法律服务机构",
                "其他",
                "总计",
            ],
            vec![
                "一、本年新收政府信息公开申请数量",
                "一、本年新收政府信息公开申请数量",
                "一、本年新收政府信息公开申请数量",
                "1",
                "0",
                "0",
                "0",
                "0",
                "0",
                "1",
            ],
            vec![
                "二、上年结转政府信息公开申请数量",
                "二、上年结转政府信息公开申请数量",
                "二、上年结转政府信息公开申请数量",
                "0",
                "0",
                "0",
                "0",
                "0",
                "0",
                "0",
            ],
            vec![
                "三、本年度办理结果",
                "（一）予以公开",
                "（一）予以公开",
                "0",
                "0",
                "0",
                "0",
                "0",
                "0",
                "0",
            ],
            vec![
                "三、本年度办理结果",
                "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                "0",
                "0",
                "0",
                "0",
                "0",
                "0",
                "0",
            ],
        ];
        let leaves = [
            ("（三）不予公开", "1.属于国家秘密"),
            ("（三）不予公开", "2.其他法律行政法规禁止公开"),
            ("（三）不予公开", "3.危及“三安全一稳定”"),
            ("（三）不予公开", "4.保护第三方合法权益"),
            ("（三）不予公开", "5.属于三类内部事务信息"),
            ("（三）不予公开", "6.属于四类过程性信息"),
            ("（三）不予公开", "7.属于行政执法案卷"),
            ("（三）不予公开", "8.属于行政查询事项"),
            ("（四）无法提供", "1.本机关不掌握相关政府信息"),
            ("（四）无法提供", "2.没有现成信息需要另行制作"),
            ("（四）无法提供", "3.补正后申请内容仍不明确"),
            ("（五）不予处理", "1.信访举报投诉类申请"),
            ("（五）不予处理", "2.重复申请"),
            ("（五）不予处理", "3.要求提供公开出版物"),
            ("（五）不予处理", "4.无正当理由大量反复申请"),
            ("（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
            (
                "（六）其他处理",
                "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            ),
            (
                "（六）其他处理",
                "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            ),
            ("（六）其他处理", "3.其他"),
        ];
        for (group, leaf) in leaves {
            let n = if leaf.starts_with("4.保护") {
                "1"
            } else {
                "0"
            };
            rows.push(vec![
                "三、本年度办理结果",
                group,
                leaf,
                n,
                "0",
                "0",
                "0",
                "0",
                "0",
                n,
            ]);
        }
        rows.push(vec![
            "三、本年度办理结果",
            "（七）总计",
            "（七）总计",
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
        ]);
        rows.push(vec![
            "四、结转下年度继续办理",
            "四、结转下年度继续办理",
            "四、结转下年度继续办理",
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
        ]);
        rows
    }

    #[test]
    fn a_subtotal_column_is_noted_as_extra() {
        let mut rows = seed_t3_rows();
        for (i, row) in rows.iter_mut().enumerate() {
            let cell = match i {
                0 => "申请人情况",
                1 => "法人或其他组织",
                2 => "小计",
                _ => "0",
            };
            row.insert(9, cell);
        }
        let mut rec = TableRecognizer::default();
        rec.add(&GridTable::from_rows(2, &rows), None);
        let codes: Vec<(&str, &str)> = rec
            .notes
            .iter()
            .map(|n| (n.code.as_str(), n.message.as_str()))
            .collect();
        assert_eq!(
            codes,
            [("extra-column", "表三有规定格式之外的数据列「小计」")]
        );
        let t3 = &rec.tables[&TableKey::T3];
        assert_eq!(t3.cell("new", "total").unwrap().value, Value::Int(1));
    }

    #[test]
    fn a_row_repeated_ten_thousand_times_gives_bounded_notes() {
        let mut rows = seed_t3_rows();
        let last = rows.last().unwrap().clone();
        rows.extend(std::iter::repeat_n(last, 10_000));
        let mut rec = TableRecognizer::default();
        rec.add(&GridTable::from_rows(2, &rows), None);
        let notes = rec.take_notes();
        let duplicates: Vec<_> = notes.iter().filter(|n| n.code == "duplicate-row").collect();
        assert_eq!(duplicates.len(), MAX_NOTES_PER_KIND + 1);
        // 10,000 repeated rows, one note each, twenty listed.
        let summary = duplicates.last().unwrap();
        assert_eq!(summary.message, "表三另有 9980 处同类情况，未逐条列出");
        assert_eq!(summary.table, Some(TableKey::T3));
        // The first value stands.
        let t3 = &rec.tables[&TableKey::T3];
        assert_eq!(
            t3.cell("carried_forward", "total").unwrap().value,
            Value::Int(0)
        );
    }

    #[test]
    fn seed_table_three_maps_every_row_and_column() {
        let grid = GridTable::from_rows(2, &seed_t3_rows());
        assert_eq!(classify(&grid), Some(TableKey::T3));
        let mut rec = TableRecognizer::default();
        rec.add(&grid, None);
        let t3 = &rec.tables[&TableKey::T3];
        assert_eq!(t3.cells.len(), 25 * 7, "notes: {:?}", rec.notes);
        assert_eq!(
            t3.cell("withheld_third_party", "natural").unwrap().value,
            Value::Int(1)
        );
        assert_eq!(
            t3.cell("other_other", "total").unwrap().value,
            Value::Int(0)
        );
        assert_eq!(t3.cell("new", "total").unwrap().value, Value::Int(1));
        assert_eq!(
            t3.cell("withheld_law", "other").unwrap().origin,
            Origin::Table {
                table_index: 2,
                row: 9,
                column: 9
            }
        );
        assert!(rec.notes.is_empty(), "{:?}", rec.notes);
    }

    #[test]
    fn a_page_break_fragment_continues_table_three() {
        let rows = seed_t3_rows();
        let (head, tail) = rows.split_at(10);
        let mut rec = TableRecognizer::default();
        rec.add(&GridTable::from_rows(2, head), Some(3));
        rec.add(&GridTable::from_rows(3, tail), Some(3));
        assert_eq!(rec.tables[&TableKey::T3].cells.len(), 25 * 7);
    }

    #[test]
    fn seed_table_two_with_its_sub_headers() {
        let rows = vec![
            vec![
                "第二十条第（一）项",
                "第二十条第（一）项",
                "第二十条第（一）项",
                "第二十条第（一）项",
            ],
            vec!["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            vec!["规章", "0", "0", "0"],
            vec!["行政规范性文件", "0", "0", "0"],
            vec![
                "第二十条第（五）项",
                "第二十条第（五）项",
                "第二十条第（五）项",
                "第二十条第（五）项",
            ],
            vec![
                "信息内容",
                "本年处理决定数量",
                "本年处理决定数量",
                "本年处理决定数量",
            ],
            vec!["行政许可", "652", "652", "652"],
            vec![
                "信息内容",
                "本年收费金额（单位：万元）",
                "本年收费金额（单位：万元）",
                "本年收费金额（单位：万元）",
            ],
            vec!["行政事业性收费", "1.25", "", ""],
        ];
        let mut grid = GridTable::from_rows(1, &rows);
        // 「652」 is one cell merged over three grid columns.
        grid.rows[6][2].merged_from = Some((6, 1));
        grid.rows[6][3].merged_from = Some((6, 1));
        let mut rec = TableRecognizer::default();
        rec.add(&grid, None);
        let t2 = &rec.tables[&TableKey::T2];
        assert_eq!(
            t2.cell("licensing", "decisions").unwrap().value,
            Value::Int(652)
        );
        assert_eq!(
            t2.cell("regulation", "in_force").unwrap().value,
            Value::Int(0)
        );
        assert_eq!(
            t2.cell("fee", "amount").unwrap().value,
            Value::Decimal(1.25)
        );
        assert_eq!(t2.cells.len(), 8);
    }

    #[test]
    fn seed_table_four_three_header_rows() {
        let mut rows = vec![
            vec!["行政复议"; 5]
                .into_iter()
                .chain(vec!["行政诉讼"; 10])
                .collect::<Vec<_>>(),
            vec!["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
                .into_iter()
                .chain(vec!["未经复议直接起诉"; 5])
                .chain(vec!["复议后起诉"; 5])
                .collect(),
        ];
        let outcomes = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];
        rows.push(
            ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
                .into_iter()
                .chain(outcomes)
                .chain(outcomes)
                .collect(),
        );
        rows.push(vec![
            "1", "0", "0", "0", "1", "0", "0", "0", "0", "0", "0", "2", "0", "0", "2",
        ]);
        let mut rec = TableRecognizer::default();
        rec.add(&GridTable::from_rows(3, &rows), None);
        let t4 = &rec.tables[&TableKey::T4];
        assert_eq!(t4.cells.len(), 15);
        assert_eq!(t4.cell("review", "upheld").unwrap().value, Value::Int(1));
        assert_eq!(
            t4.cell("post_review_suit", "corrected").unwrap().value,
            Value::Int(2)
        );
        assert_eq!(
            t4.cell("direct_suit", "total").unwrap().value,
            Value::Int(0)
        );
    }

    /// The template as issued: the data row is there, every cell blank.
    #[test]
    fn table_four_with_its_data_row_left_blank_is_recognised() {
        let outcomes = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];
        let blocks = ["行政复议", "未经复议直接起诉", "复议后起诉"];
        let grid = GridTable::from_rows(
            5,
            &[
                blocks.iter().flat_map(|b| [*b; 5]).collect::<Vec<_>>(),
                (0..3).flat_map(|_| outcomes).collect(),
                vec![""; 15],
            ],
        );
        let mut rec = TableRecognizer::default();
        rec.add(&grid, None);
        assert!(rec.notes.is_empty(), "{:?}", rec.notes);
        let t4 = &rec.tables[&TableKey::T4];
        assert_eq!(t4.cells.len(), 15);
        assert_eq!(t4.cell("review", "upheld").unwrap().value, Value::Blank);
        // Without a data row it is still no table.
        let mut rec = TableRecognizer::default();
        rec.add(
            &GridTable::from_rows(
                6,
                &grid.rows[..2]
                    .iter()
                    .map(|r| r.iter().map(|c| c.text.as_str()).collect::<Vec<_>>())
                    .collect::<Vec<_>>(),
            ),
            None,
        );
        assert!(!rec.tables.contains_key(&TableKey::T4));
    }

    /// LibreOffice Calc's HTML import fits table 四 to the page's widest
    /// table: each of its cells spans two grid columns.
    #[test]
    fn table_four_numbers_merged_across_columns_count_once() {
        let outcomes = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];
        let blocks = ["行政复议", "未经复议直接起诉", "复议后起诉"];
        let mut grid = GridTable::from_rows(
            4,
            &[
                blocks.iter().flat_map(|b| [*b; 10]).collect::<Vec<_>>(),
                (0..3)
                    .flat_map(|_| outcomes.iter().flat_map(|o| [*o; 2]))
                    .collect(),
                (0..15)
                    .flat_map(|i| [if i == 11 { "2" } else { "0" }; 2])
                    .collect(),
            ],
        );
        for row in 1..3 {
            for c in (1..30).step_by(2) {
                grid.rows[row][c].merged_from = Some((row, c - 1));
            }
        }
        let mut rec = TableRecognizer::default();
        rec.add(&grid, None);
        assert!(rec.notes.is_empty(), "{:?}", rec.notes);
        let t4 = &rec.tables[&TableKey::T4];
        assert_eq!(t4.cells.len(), 15);
        assert_eq!(
            t4.cell("post_review_suit", "corrected").unwrap().value,
            Value::Int(2)
        );
    }

    #[test]
    fn numbering_is_stripped_for_label_comparison() {
        assert_eq!(strip_numbering("(七)总计"), "总计");
        assert_eq!(strip_numbering("1.属于国家秘密"), "属于国家秘密");
        assert_eq!(strip_numbering("一.本年新收"), "本年新收");
        assert_eq!(strip_numbering("总计"), "总计");
    }

    #[test]
    fn a_label_cut_short_by_wrapping_is_not_an_altered_label() {
        let mut rows = seed_t3_rows();
        rows[23][2] = "1.申请人无正当理由逾期不补正、行政机关不再处理其政";
        rows[24][2] = "要求缴纳费用、行政机关不再处理其政府信息公开申请";
        let mut rec = TableRecognizer::default();
        rec.add(&GridTable::from_rows(1, &rows), None);
        assert!(rec.notes.is_empty(), "{:?}", rec.notes);
        assert_eq!(rec.tables[&TableKey::T3].cells.len(), 25 * 7);
    }

    #[test]
    fn altered_labels_are_noted() {
        let mut rows = seed_t3_rows();
        rows[6][2] = "（二）部分公开（区分处理的，只计这一情况，不计其他情形）";
        let mut rec = TableRecognizer::default();
        rec.add(&GridTable::from_rows(1, &rows), None);
        assert_eq!(rec.notes.len(), 1);
        assert_eq!(rec.notes[0].code, "label-variant");
    }

    #[test]
    fn an_altered_table_two_label_is_noted_at_its_row() {
        let rows = vec![
            vec![
                "第二十条第（一）项",
                "第二十条第（一）项",
                "第二十条第（一）项",
                "第二十条第（一）项",
            ],
            vec!["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            vec!["规章", "0", "0", "0"],
            vec!["规范性文件", "3", "1", "12"],
        ];
        let mut rec = TableRecognizer::default();
        rec.add(&GridTable::from_rows(0, &rows), None);
        let t2 = rec.tables[&TableKey::T2].clone();
        assert_eq!(
            t2.cell("normative", "in_force").unwrap().value,
            Value::Int(12)
        );
        let notes = notes_of(&mut rec);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(notes[0].0, "label-variant");
        assert_eq!(notes[0].1.as_deref(), Some("normative"));
    }

    fn notes_of(rec: &mut TableRecognizer) -> Vec<(String, Option<String>, String)> {
        rec.take_notes()
            .into_iter()
            .map(|n| (n.code, n.row, n.message))
            .collect()
    }

    /// A real table 三: 「2.其他法律行政止公开」 (a typo) and the 2019 single row
    /// 「（六）其他处理」 instead of its three sub-rows.
    #[test]
    fn a_typo_and_the_unsplit_block_six_each_keep_their_own_row() {
        let mut rows = seed_t3_rows();
        rows[8][2] = "2.其他法律行政止公开";
        rows[8][3] = "2";
        rows[8][9] = "2";
        // Rows 23–25 are (六)1–3: one row (六) takes their place, holding 3.
        rows.drain(23..26);
        rows.insert(
            23,
            vec![
                "三、本年度办理结果",
                "（六）其他处理",
                "（六）其他处理",
                "3",
                "0",
                "0",
                "0",
                "0",
                "0",
                "3",
            ],
        );
        let mut rec = TableRecognizer::default();
        rec.add(&GridTable::from_rows(2, &rows), None);
        let t3 = rec.tables[&TableKey::T3].clone();
        assert_eq!(
            t3.cell("withheld_law", "natural").unwrap().value,
            Value::Int(2)
        );
        assert_eq!(
            t3.cell("other_other", "total").unwrap().value,
            Value::Int(3)
        );
        assert!(!t3.has_row("other_no_correction"));
        let notes = notes_of(&mut rec);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert_eq!(notes[0].0, "label-variant");
        assert_eq!(notes[0].1.as_deref(), Some("withheld_law"));
        assert!(
            notes[0].2.contains("2.其他法律行政法规禁止公开"),
            "{}",
            notes[0].2
        );
        assert_eq!(notes[1].0, "old-format");
        assert_eq!(notes[1].1.as_deref(), Some("other_other"));
        // The label note points at the label cell of its row.
        let rec_notes = {
            let mut rec = TableRecognizer::default();
            rec.add(&GridTable::from_rows(2, &rows), None);
            rec.take_notes()
        };
        assert_eq!(
            rec_notes[0].origin,
            Origin::Table {
                table_index: 2,
                row: 9,
                column: 3
            }
        );
    }

    #[test]
    fn header_labels_split_over_two_rows_are_joined() {
        let mut rows = seed_t3_rows();
        rows[2] = vec![
            "",
            "",
            "",
            "自\n然\n人",
            "商业",
            "科研",
            "社会公益",
            "法律服务",
            "其他",
            "总计",
        ];
        rows.insert(
            3,
            vec![
                "",
                "",
                "",
                "自\n然\n人",
                "企业",
                "机构",
                "组织",
                "机构",
                "其他",
                "总计",
            ],
        );
        let mut rec = TableRecognizer::default();
        rec.add(&GridTable::from_rows(2, &rows), None);
        assert!(rec.notes.is_empty(), "{:?}", rec.notes);
        let t3 = &rec.tables[&TableKey::T3];
        assert_eq!(t3.cells.len(), 25 * 7);
        assert_eq!(
            t3.cell("withheld_third_party", "natural").unwrap().value,
            Value::Int(1)
        );
    }

    #[test]
    fn rows_out_of_order_or_repeated_are_noted_once_per_row() {
        let mut rows = seed_t3_rows();
        let total = rows[26].clone();
        rows.push(total);
        let mut rec = TableRecognizer::default();
        rec.add(&GridTable::from_rows(2, &rows), None);
        let notes = notes_of(&mut rec);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(notes[0].0, "duplicate-row");
        assert_eq!(notes[0].1.as_deref(), Some("result_total"));
    }

    #[test]
    fn a_2019_table_two_is_noted_and_not_read_into_2021_keys() {
        let rows = vec![
            vec!["第二十条第（一）项", "", "", ""],
            vec![
                "信息内容",
                "本年新制作数量",
                "本年新公开数量",
                "对外公开总数量",
            ],
            vec!["规章", "0", "0", "3"],
            vec!["规范性文件", "2", "2", "10"],
        ];
        let mut rec = TableRecognizer::default();
        rec.add(&GridTable::from_rows(1, &rows), Some(2));
        assert!(!rec.tables.contains_key(&TableKey::T2));
        assert!(rec.old_format_tables().contains(&TableKey::T2));
        let notes = notes_of(&mut rec);
        assert!(notes.iter().all(|n| n.0 == "old-format"), "{notes:?}");
    }

    #[test]
    fn missing_rows_of_table_three_are_named_in_one_note() {
        let mut rows = seed_t3_rows();
        rows.remove(8); // 2.其他法律行政法规禁止公开
        rows.remove(8); // 3.危及“三安全一稳定”
        let mut rec = TableRecognizer::default();
        rec.add(&GridTable::from_rows(2, &rows), None);
        rec.note_missing_rows();
        let notes = notes_of(&mut rec);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(notes[0].0, "missing-row");
        assert!(
            notes[0]
                .2
                .contains("「（三）2.其他法律行政法规禁止公开」「（三）3.危及“三安全一稳定”」")
        );
        // The 2019 single （六） row holds its block: nothing is missing.
        let mut rows = seed_t3_rows();
        rows.drain(23..26);
        rows.insert(
            23,
            vec![
                "三、本年度办理结果",
                "（六）其他处理",
                "（六）其他处理",
                "0",
                "0",
                "0",
                "0",
                "0",
                "0",
                "0",
            ],
        );
        let mut rec = TableRecognizer::default();
        rec.add(&GridTable::from_rows(2, &rows), None);
        rec.note_missing_rows();
        assert!(notes_of(&mut rec).iter().all(|n| n.0 != "missing-row"));
    }

    #[test]
    fn a_fragment_with_another_width_after_a_page_break_is_read_from_the_right() {
        let rows = seed_t3_rows();
        let (head, tail) = rows.split_at(10);
        // The continuation lost one label column (another layout on the new page).
        let tail: Vec<Vec<&str>> = tail.iter().map(|r| r[1..].to_vec()).collect();
        let mut rec = TableRecognizer::default();
        rec.add(&GridTable::from_rows(2, head), Some(3));
        rec.add(&GridTable::from_rows(3, &tail), Some(3));
        let t3 = &rec.tables[&TableKey::T3];
        assert_eq!(t3.cells.len(), 25 * 7, "{:?}", rec.notes);
        assert_eq!(t3.cell("new", "total").unwrap().value, Value::Int(1));
        assert_eq!(
            t3.cell("carried_forward", "natural").unwrap().value,
            Value::Int(0)
        );
    }
}
