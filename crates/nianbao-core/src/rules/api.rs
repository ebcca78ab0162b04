//! What rule scripts see: a read-only view of the report.
//!
//! Views hold an `Arc` of the report, so handing them to scripts copies a
//! pointer, not the tables. Names here are a public contract (`docs/rule-api.md`).

use std::sync::Arc;

use rhai::{Array, Dynamic, Engine, EvalAltResult, INT, ImmutableString, Map, Position};

use super::derived::{Derived, ParagraphView, SentenceView};
use crate::model::{Cell, Report};
use crate::schema::{TableKey, TableSchema};
use crate::value::Value;

type Res<T> = Result<T, Box<EvalAltResult>>;

fn fail<T>(message: String) -> Res<T> {
    Err(Box::new(EvalAltResult::ErrorRuntime(
        message.into(),
        Position::NONE,
    )))
}

/// The report as one rule sees it: the report, plus that rule's parameters
/// (defaults from its `const PARAMS`, overridden by configuration).
#[derive(Clone)]
pub struct ReportView {
    pub report: Arc<Report>,
    pub params: Arc<Map>,
    /// Last year's report of the same agency, for cross-year rules.
    pub previous: Option<Arc<Report>>,
    /// What every rule shares about this report, built once.
    pub derived: Arc<Derived>,
}

impl ReportView {
    fn r(&self) -> &Arc<Report> {
        &self.report
    }
}

#[derive(Clone)]
pub struct TableView {
    key: TableKey,
    /// The report's shared data, and through it the report.
    derived: Arc<Derived>,
}

#[derive(Clone)]
pub struct CellView {
    key: TableKey,
    row: &'static str,
    column: &'static str,
    cell: Cell,
}

#[derive(Clone)]
pub struct SectionView {
    report: Arc<Report>,
    index: usize,
    derived: Arc<Derived>,
}

fn opt_str(s: &Option<String>) -> Dynamic {
    s.as_ref().map_or(Dynamic::UNIT, |s| s.clone().into())
}

/// Every match of `pattern` in every paragraph's normalised text, with the
/// paragraph's index and section (`report.find`).
fn find(derived: &Derived, pattern: &str) -> Res<Array> {
    let re = super::text_values::compiled(pattern)?;
    let views = derived.paragraph_views();
    let mut out = Array::new();
    let mut search = |i: usize| {
        let p = &views[i];
        super::text_values::match_maps(
            &re,
            &p.normalized,
            &[("paragraph", p.index), ("section", p.section)],
            &mut out,
        );
    };
    // Most patterns match in few paragraphs: one search over the joined text
    // says which, and only those are searched one by one (the same matches).
    if re.line_anchored {
        (0..views.len()).for_each(&mut search);
    } else {
        derived
            .paragraphs_touched(&re)
            .into_iter()
            .for_each(&mut search);
    }
    Ok(out)
}

impl TableView {
    fn schema(&self) -> &'static TableSchema {
        self.key.schema()
    }

    fn report(&self) -> &Report {
        self.derived.report()
    }

    /// The table's cell at schema keys (shared by every rule of the report).
    fn lookup(&self, row: &str, column: &str) -> Option<&Cell> {
        self.derived.table_cell(self.key, row, column)
    }

    /// The present cells that `keep` accepts, row by row in the official
    /// order, in one native call (rules that look at every cell would pay
    /// several script calls per cell otherwise).
    fn cells_where(&self, keep: impl Fn(&Cell) -> bool) -> Array {
        if self.report().table(self.key).is_none() {
            return Array::new();
        }
        self.schema()
            .rows
            .iter()
            .flat_map(|r| r.columns.iter().map(move |c| (r.key, *c)))
            .filter_map(|(row, column)| {
                let cell = self.lookup(row, column).filter(|c| keep(c))?;
                Some(Dynamic::from(CellView {
                    key: self.key,
                    row,
                    column,
                    cell: cell.clone(),
                }))
            })
            .collect()
    }

    fn row_key(&self, row: &str) -> Res<&'static str> {
        match self.schema().row(row) {
            Some(r) => Ok(r.key),
            None => fail(format!(
                "{} 没有行 \"{row}\"（见 docs/model.md）",
                self.schema().label
            )),
        }
    }

    fn column_key(&self, column: &str) -> Res<&'static str> {
        match self.schema().column(column) {
            Some(c) => Ok(c.key),
            None => fail(format!(
                "{} 没有列 \"{column}\"（见 docs/model.md）",
                self.schema().label
            )),
        }
    }

    fn cell(&self, row: &str, column: &str) -> Res<Dynamic> {
        let (row, column) = (self.row_key(row)?, self.column_key(column)?);
        Ok(self.lookup(row, column).map_or(Dynamic::UNIT, |c| {
            Dynamic::from(CellView {
                key: self.key,
                row,
                column,
                cell: c.clone(),
            })
        }))
    }

    /// Sum of count cells; `()` when any is missing or not a whole number.
    /// A row whose numbers another row holds ([`crate::model::Table::absorbed`])
    /// counts as 0.
    fn sum(&self, cells: impl Iterator<Item = Res<(&'static str, &'static str)>>) -> Res<Dynamic> {
        let Some(table) = self.report().table(self.key) else {
            return Ok(Dynamic::UNIT);
        };
        let mut total: INT = 0;
        for rc in cells {
            let (row, column) = rc?;
            let n = match self.lookup(row, column) {
                Some(c) => c.value.as_count(),
                None if table.absorbed.contains(row) => Some(0),
                None => None,
            };
            let Some(n) = n else {
                return Ok(Dynamic::UNIT);
            };
            total = total.saturating_add(n);
        }
        Ok(total.into())
    }
}

/// The schema keys a script array names, each looked up by `key` (the
/// table's row or column keys), without copying the strings.
fn keys_of(array: &Array, key: impl Fn(&str) -> Res<&'static str>) -> Res<Vec<&'static str>> {
    // Every item a string first, then the lookups: a wrong type is
    // reported before an unknown key, as it always was.
    if let Some(d) = array.iter().find(|d| !d.is_string()) {
        return fail(format!("需要字符串键的数组，却有 {}", d.type_name()));
    }
    array
        .iter()
        .filter_map(|d| d.read_lock::<ImmutableString>())
        .map(|s| key(s.as_str()))
        .collect()
}

fn strs(keys: impl IntoIterator<Item = &'static str>) -> Array {
    keys.into_iter().map(Dynamic::from).collect()
}

pub fn register(engine: &mut Engine) {
    engine
        .register_type_with_name::<ReportView>("Report")
        .register_get("path", |r: &mut ReportView| r.report.path.clone())
        .register_get("format", |r: &mut ReportView| r.report.format.clone())
        .register_get("title", |r: &mut ReportView| opt_str(&r.report.meta.title))
        .register_get("agency", |r: &mut ReportView| {
            opt_str(&r.report.meta.agency)
        })
        .register_get("period", |r: &mut ReportView| {
            opt_str(&r.report.meta.period)
        })
        .register_get("year", |r: &mut ReportView| {
            r.report
                .meta
                .year
                .map_or(Dynamic::UNIT, |y| (y as INT).into())
        })
        .register_get("reporter_kind", |r: &mut ReportView| {
            r.report
                .meta
                .reporter_kind
                .map_or(Dynamic::UNIT, |k| k.as_str().into())
        })
        .register_get("signed", |r: &mut ReportView| {
            r.report.meta.signed.as_ref().map_or(Dynamic::UNIT, |d| {
                let mut m = Map::new();
                m.insert("text".into(), d.text.clone().into());
                m.insert("year".into(), (d.year as INT).into());
                m.insert("month".into(), (d.month as INT).into());
                m.insert("day".into(), (d.day as INT).into());
                m.into()
            })
        })
        .register_get("published", |r: &mut ReportView| {
            r.report.meta.published.as_ref().map_or(Dynamic::UNIT, |p| {
                let mut m = Map::new();
                m.insert("text".into(), p.date.text.clone().into());
                m.insert("year".into(), (p.date.year as INT).into());
                m.insert("month".into(), (p.date.month as INT).into());
                m.insert("day".into(), (p.date.day as INT).into());
                m.insert("source".into(), p.source.clone().into());
                m.into()
            })
        })
        .register_get("region", |r: &mut ReportView| {
            r.report.meta.region.as_ref().map_or(Dynamic::UNIT, |g| {
                let mut m = Map::new();
                m.insert("code".into(), g.code.clone().into());
                m.insert("name".into(), g.name.clone().into());
                m.insert("level".into(), g.level.as_str().into());
                m.insert("province".into(), g.province.clone().into());
                m.insert("province_pinyin".into(), g.province_pinyin.clone().into());
                m.insert("city".into(), opt_str(&g.city));
                m.insert("county".into(), opt_str(&g.county));
                m.insert("districted".into(), g.districted.into());
                m.insert("path".into(), g.path().into());
                m.insert("area".into(), opt_str(&g.area));
                m.into()
            })
        })
        .register_fn("table", |r: &mut ReportView, key: &str| -> Res<Dynamic> {
            let Some(key) = TableKey::parse(key) else {
                return fail(format!("没有表 \"{key}\"：可用 \"t2\"、\"t3\"、\"t4\""));
            };
            Ok(if r.report.table(key).is_some() {
                Dynamic::from(TableView {
                    key,
                    derived: r.derived.clone(),
                })
            } else {
                Dynamic::UNIT
            })
        })
        .register_fn("section", |r: &mut ReportView, n: INT| -> Dynamic {
            r.report
                .sections
                .iter()
                .position(|s| s.number as INT == n)
                .map_or(Dynamic::UNIT, |index| {
                    Dynamic::from(SectionView {
                        report: r.r().clone(),
                        index,
                        derived: r.derived.clone(),
                    })
                })
        })
        .register_get("sections", |r: &mut ReportView| -> Array {
            (0..r.report.sections.len())
                .map(|index| {
                    Dynamic::from(SectionView {
                        report: r.r().clone(),
                        index,
                        derived: r.derived.clone(),
                    })
                })
                .collect()
        })
        .register_get("paragraphs", |r: &mut ReportView| {
            r.derived.paragraph_array()
        })
        // One paragraph by its 1-based `index` (a match's `paragraph`),
        // without copying the whole list; `()` outside the report.
        .register_fn("paragraph", |r: &mut ReportView, index: INT| -> Dynamic {
            index
                .checked_sub(1)
                .and_then(|i| usize::try_from(i).ok())
                .and_then(|i| r.derived.paragraph_views().get(i))
                .map_or(Dynamic::UNIT, |v| Dynamic::from(v.clone()))
        })
        .register_get("preamble", |r: &mut ReportView| r.derived.paragraphs_of(0))
        .register_get("closing", |r: &mut ReportView| r.derived.paragraphs_of(7))
        .register_get("text", |r: &mut ReportView| r.derived.text())
        .register_get("sentences", |r: &mut ReportView| r.derived.sentence_array())
        .register_fn(
            "near_duplicate_sentences",
            |r: &mut ReportView, min_letters: INT, threshold: f64| {
                r.derived.near_duplicate_sentences(min_letters, threshold)
            },
        )
        .register_fn("find", |r: &mut ReportView, pattern: &str| {
            find(&r.derived, pattern)
        })
        .register_fn(
            "doubled",
            |r: &mut ReportView, single: &str, allow: Array| -> Array {
                let allow = super::text_values::strings(&allow);
                let mut out = Array::new();
                for p in r.derived.paragraph_views() {
                    out.extend(super::text_values::doubled_maps(
                        &p.normalized,
                        single,
                        &allow,
                        &[("paragraph", p.index), ("section", p.section)],
                    ));
                }
                out
            },
        )
        .register_get("enumerations", |r: &mut ReportView| {
            r.derived.enumerations()
        })
        .register_get("previous", |r: &mut ReportView| -> Dynamic {
            r.previous.as_ref().map_or(Dynamic::UNIT, |p| {
                Dynamic::from(ReportView {
                    report: p.clone(),
                    params: r.params.clone(),
                    previous: None,
                    derived: Arc::new(Derived::new(p.clone())),
                })
            })
        })
        .register_fn("param", |r: &mut ReportView, name: &str| -> Res<Dynamic> {
            match r.params.get(name) {
                Some(v) => Ok(v.clone()),
                None => fail(format!(
                    "规则没有参数 \"{name}\"：参数及其默认值须在 const PARAMS = #{{ … }} 中声明"
                )),
            }
        })
        .register_get("notes", |r: &mut ReportView| -> Array {
            r.report
                .notes
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    let mut m = Map::new();
                    m.insert("code".into(), n.code.clone().into());
                    m.insert(
                        "table".into(),
                        n.table.map_or(Dynamic::UNIT, |t| t.as_str().into()),
                    );
                    m.insert("row".into(), opt_str(&n.row));
                    m.insert("message".into(), n.message.clone().into());
                    // For `note: n.index` in a finding: located where the note is.
                    m.insert("index".into(), (i as INT).into());
                    m.into()
                })
                .collect()
        })
        .register_get("tables_only", |r: &mut ReportView| r.report.tables_only);

    engine
        .register_type_with_name::<TableView>("Table")
        .register_get("key", |t: &mut TableView| t.key.as_str())
        .register_get("label", |t: &mut TableView| t.schema().label)
        .register_get("title", |t: &mut TableView| t.schema().title)
        .register_get("rows", |t: &mut TableView| {
            strs(t.schema().rows.iter().map(|r| r.key))
        })
        .register_get("columns", |t: &mut TableView| {
            strs(t.schema().columns.iter().map(|c| c.key))
        })
        .register_fn("columns_of", |t: &mut TableView, row: &str| -> Res<Array> {
            let row = t.row_key(row)?;
            Ok(strs(
                t.schema()
                    .row(row)
                    .map_or(&[][..], |r| r.columns)
                    .iter()
                    .copied(),
            ))
        })
        .register_fn("group", |t: &mut TableView, name: &str| -> Res<Array> {
            match t.schema().group(name) {
                Some(g) => Ok(strs(g.keys.iter().copied())),
                None => fail(format!("{} 没有分组 \"{name}\"", t.schema().label)),
            }
        })
        .register_fn("cell", |t: &mut TableView, row: &str, col: &str| {
            t.cell(row, col)
        })
        // Every present cell in the official order, in one call: rules that
        // visit all cells (number types, blanks) pay one native call, not
        // three per cell.
        .register_get("cells", |t: &mut TableView| t.cells_where(|_| true))
        // The cells that are not a whole count ≥ 0 (blank and dash count
        // as 0): text, decimals, negative numbers. Usually none.
        .register_get("odd_cells", |t: &mut TableView| {
            t.cells_where(|cell| cell.value.as_count().is_none_or(|n| n < 0))
        })
        // Blank and dash cells (`is_blank`): NUM-BLANK's, usually none.
        .register_get("blank_cells", |t: &mut TableView| {
            t.cells_where(|cell| matches!(cell.value, Value::Blank | Value::Dash))
        })
        .register_fn(
            "has",
            |t: &mut TableView, row: &str, col: &str| -> Res<bool> {
                let (row, col) = (t.row_key(row)?, t.column_key(col)?);
                Ok(t.lookup(row, col).is_some())
            },
        )
        .register_fn(
            "sum",
            |t: &mut TableView, rows: Array, col: &str| -> Res<Dynamic> {
                let col = t.column_key(col)?;
                let rows = keys_of(&rows, |r| t.row_key(r))?;
                // Over several rows, a row whose numbers could not be placed
                // makes the sum unknown.
                if rows.len() > 1 && t.report().table(t.key).is_some_and(|t| t.incomplete) {
                    return Ok(Dynamic::UNIT);
                }
                t.sum(rows.into_iter().map(|r| Ok((r, col))))
            },
        )
        .register_fn(
            "sum_columns",
            |t: &mut TableView, row: &str, cols: Array| -> Res<Dynamic> {
                let row = t.row_key(row)?;
                let cols = keys_of(&cols, |c| t.column_key(c))?;
                t.sum(cols.into_iter().map(|c| Ok((row, c))))
            },
        )
        .register_fn("row_label", |t: &mut TableView, row: &str| -> Res<String> {
            let row = t.row_key(row)?;
            Ok(t.schema().row(row).map_or("", |r| r.display).to_string())
        })
        .register_fn(
            "column_label",
            |t: &mut TableView, col: &str| -> Res<String> {
                let col = t.column_key(col)?;
                Ok(t.schema().column(col).map_or("", |c| c.label).to_string())
            },
        )
        .register_fn(
            "place",
            |t: &mut TableView, row: &str, col: &str| -> Res<String> {
                let (row, col) = (t.row_key(row)?, t.column_key(col)?);
                Ok(t.schema().place(row, col))
            },
        );

    engine
        .register_type_with_name::<CellView>("Cell")
        .register_get("table", |c: &mut CellView| c.key.as_str())
        .register_get("row", |c: &mut CellView| c.row)
        .register_get("column", |c: &mut CellView| c.column)
        .register_get("place", |c: &mut CellView| {
            c.key.schema().place(c.row, c.column)
        })
        .register_get("text", |c: &mut CellView| c.cell.text.clone())
        .register_get("kind", |c: &mut CellView| c.cell.value.kind())
        .register_get("value", |c: &mut CellView| match c.cell.value {
            Value::Int(i) => Dynamic::from(i),
            Value::Decimal(d) => Dynamic::from(d),
            _ => Dynamic::UNIT,
        })
        .register_get("num", |c: &mut CellView| {
            c.cell.value.as_count().map_or(Dynamic::UNIT, Dynamic::from)
        })
        .register_get("is_int", |c: &mut CellView| {
            matches!(c.cell.value, Value::Int(_))
        })
        .register_get("is_number", |c: &mut CellView| {
            matches!(c.cell.value, Value::Int(_) | Value::Decimal(_))
        })
        .register_get("is_blank", |c: &mut CellView| {
            matches!(c.cell.value, Value::Blank | Value::Dash)
        })
        .register_get("is_money", |c: &mut CellView| {
            c.key.schema().column(c.column).map(|s| s.kind) == Some(crate::schema::ValueKind::Money)
        });

    engine
        .register_type_with_name::<SectionView>("Section")
        .register_get("number", |s: &mut SectionView| {
            s.report.sections[s.index].number as INT
        })
        .register_get("heading", |s: &mut SectionView| {
            s.report.sections[s.index].heading.clone()
        })
        .register_get("paragraphs", |s: &mut SectionView| {
            s.derived.paragraphs_of(s.report.sections[s.index].number)
        })
        .register_get("text", |s: &mut SectionView| {
            s.derived.section_text(s.index)
        });

    engine
        .register_type_with_name::<ParagraphView>("Paragraph")
        .register_get("text", |p: &mut ParagraphView| p.text.clone())
        .register_get("normalized", |p: &mut ParagraphView| p.normalized.clone())
        .register_get("section", |p: &mut ParagraphView| p.section)
        .register_get("index", |p: &mut ParagraphView| p.index);

    engine
        .register_type_with_name::<SentenceView>("Sentence")
        .register_get("text", |s: &mut SentenceView| s.text.clone())
        .register_get("paragraph", |s: &mut SentenceView| s.paragraph)
        .register_get("section", |s: &mut SentenceView| s.section)
        .register_get("letters", |s: &mut SentenceView| s.letters);
}
