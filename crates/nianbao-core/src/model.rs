//! The report model every rule sees, whatever the input format.
//!
//! Keys and shapes here are a public contract (see `docs/model.md`).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::schema::{TableKey, TableSchema};
use crate::value::Value;

/// Where a piece of the model came from in the input file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Default)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Origin {
    /// A cell of a physical table (all 1-based): the n-th table of the
    /// document, its row and column in the merge-expanded grid.
    Table {
        table_index: usize,
        row: usize,
        column: usize,
    },
    /// A node of a YAML document.
    Yaml {
        path: String,
        line: usize,
        column: usize,
    },
    /// A line of a text file (1-based).
    Line { line: usize },
    /// A paragraph of a document (1-based, counting paragraphs only).
    Paragraph { index: usize },
    #[default]
    Unknown,
}

impl Origin {
    /// The source line, when the format has lines.
    pub fn line(&self) -> Option<usize> {
        match self {
            Origin::Yaml { line, .. } | Origin::Line { line } => Some(*line),
            _ => None,
        }
    }
}

/// One table cell: the typed value, the text as written, and where it was.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    pub value: Value,
    pub text: String,
    pub origin: Origin,
}

/// A recognised national table: cells addressed by (row key, column key).
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub key: TableKey,
    pub cells: BTreeMap<(String, String), Cell>,
    /// Where the table itself starts in the input.
    pub origin: Origin,
    /// Rows absent because another row holds their numbers: the 2019
    /// format's single 「（六）其他处理」 row is read as `other_other` and holds
    /// the block, so `other_no_correction` and `other_no_fee` count as 0 in sums.
    #[serde(skip_serializing_if = "std::collections::BTreeSet::is_empty")]
    pub absorbed: std::collections::BTreeSet<String>,
    /// A row holding numbers could not be placed (an unknown row, a text row
    /// whose numbers did not fit its columns): sums over several rows would
    /// be wrong, so they are unknown, and the note's rule says why, once.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub incomplete: bool,
}

impl Table {
    pub fn new(key: TableKey, origin: Origin) -> Table {
        Table {
            key,
            cells: BTreeMap::new(),
            origin,
            absorbed: Default::default(),
            incomplete: false,
        }
    }

    pub fn schema(&self) -> &'static TableSchema {
        self.key.schema()
    }

    pub fn cell(&self, row: &str, column: &str) -> Option<&Cell> {
        // Rules look cells up thousands of times per report: the key is
        // built in a reused per-thread buffer instead of two new Strings.
        thread_local! {
            static KEY: std::cell::RefCell<(String, String)> = const {
                std::cell::RefCell::new((String::new(), String::new()))
            };
        }
        KEY.with(|k| {
            let Ok(mut k) = k.try_borrow_mut() else {
                return self.cells.get(&(row.to_string(), column.to_string()));
            };
            k.0.clear();
            k.0.push_str(row);
            k.1.clear();
            k.1.push_str(column);
            self.cells.get(&*k)
        })
    }

    pub fn set(&mut self, row: &str, column: &str, cell: Cell) {
        self.cells
            .insert((row.to_string(), column.to_string()), cell);
    }

    /// Sets the cell unless the table has one there already (one lookup
    /// for both); whether it was set.
    pub fn set_new(&mut self, row: &str, column: &str, cell: impl FnOnce() -> Cell) -> bool {
        match self.cells.entry((row.to_string(), column.to_string())) {
            std::collections::btree_map::Entry::Occupied(_) => false,
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(cell());
                true
            }
        }
    }

    /// Whether any cell of the row was found in the input.
    pub fn has_row(&self, row: &str) -> bool {
        self.cells.keys().any(|(r, _)| r == row)
    }
}

/// A paragraph of running text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Paragraph {
    pub text: String,
    pub origin: Origin,
}

/// One of the six sections 一…六 of the national format.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// 1 to 6.
    pub number: u8,
    /// The heading as written: 「一、总体情况」.
    pub heading: String,
    pub heading_origin: Origin,
    pub paragraphs: Vec<Paragraph>,
}

/// A people's government's consolidated report or a department's own report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReporterKind {
    Department,
    Government,
}

impl ReporterKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReporterKind::Department => "department",
            ReporterKind::Government => "government",
        }
    }
}

/// A calendar date as written in the report (落款).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DateText {
    pub text: String,
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

/// Report-level facts, given explicitly (YAML) or inferred from the text.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Meta {
    /// The title line, e.g. 「某市林业局2023年政府信息公开工作年度报告」.
    pub title: Option<String>,
    /// The agency's full name.
    pub agency: Option<String>,
    /// The year the report covers.
    pub year: Option<i32>,
    /// The 统计期限 sentence as written.
    pub period: Option<String>,
    /// The 落款 date.
    pub signed: Option<DateText>,
    pub reporter_kind: Option<ReporterKind>,
    /// The agency's region, resolved from its name (never read from input).
    pub region: Option<crate::region::Region>,
    /// Where `agency` was read: the input stated it, the title, the intro
    /// (「本报告由…编制」) or the 落款.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agency_source: Option<AgencySource>,
    /// The publication date a portal page states in its metadata block
    /// (「发布日期：2024-01-20」), which the deadline is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<Published>,
}

/// A publication date and the label it was given under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Published {
    pub date: DateText,
    /// The label as written: 「发布日期」 or 「发文日期」 (or `input` from YAML).
    pub source: String,
}

/// Where the agency's name was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AgencySource {
    /// Stated by the input (YAML `meta.agency`).
    Input,
    Title,
    /// 「本报告由…编制」 in the intro, or 「填报单位：…」 above a table.
    Intro,
    /// The 落款.
    Closing,
    /// The file's name (「白城市人民政府2023年统计表.xlsx」), for a workbook of
    /// tables whose sheets do not name the agency.
    FileName,
}

impl AgencySource {
    pub fn as_str(self) -> &'static str {
        match self {
            AgencySource::Input => "input",
            AgencySource::Title => "title",
            AgencySource::Intro => "intro",
            AgencySource::Closing => "closing",
            AgencySource::FileName => "file_name",
        }
    }

    /// 「标题」, for notes and `extract`.
    pub fn label_zh(self) -> &'static str {
        match self {
            AgencySource::Input => "输入文件的 meta.agency",
            AgencySource::Title => "标题",
            AgencySource::Intro => "引言「本报告由…编制」或「填报单位」",
            AgencySource::Closing => "落款",
            AgencySource::FileName => "文件名",
        }
    }
}

/// A note made while recognising the input, for structural rules to report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RecognitionNote {
    /// A stable code, e.g. `unknown-row`, `label-variant`, `table-missing`.
    pub code: String,
    pub table: Option<TableKey>,
    /// The official row the note is about, when it is about one row
    /// (`label-variant`, `duplicate-row`, `old-format` of a row).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<String>,
    pub message: String,
    pub origin: Origin,
}

/// A whole annual report, recognised.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// The input file as given on the command line.
    pub path: String,
    /// The adapter that read it: `yaml`, `docx`, …
    pub format: String,
    pub meta: Meta,
    /// Paragraphs before section 一 (title, intro).
    pub preamble: Vec<Paragraph>,
    pub sections: Vec<Section>,
    /// The 落款 lines after the last section (agency, date).
    pub closing: Vec<Paragraph>,
    pub tables: BTreeMap<TableKey, Table>,
    pub notes: Vec<RecognitionNote>,
    /// The document holds the statistical tables and no prose (a workbook of
    /// tables 二/三/四): rules about the title, period, sections and text do
    /// not apply.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub tables_only: bool,
}

impl Report {
    pub fn table(&self, key: TableKey) -> Option<&Table> {
        self.tables.get(&key)
    }

    pub fn section(&self, number: u8) -> Option<&Section> {
        self.sections.iter().find(|s| s.number == number)
    }

    /// Every paragraph in reading order, with the section it belongs to
    /// (0 = preamble, 1–6 = sections, 7 = closing).
    pub fn paragraphs(&self) -> impl Iterator<Item = (u8, &Paragraph)> {
        self.preamble
            .iter()
            .map(|p| (0, p))
            .chain(
                self.sections
                    .iter()
                    .flat_map(|s| s.paragraphs.iter().map(move |p| (s.number, p))),
            )
            .chain(self.closing.iter().map(|p| (7, p)))
    }
}
