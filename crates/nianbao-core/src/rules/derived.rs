//! What rules share about one report: its paragraphs as script values,
//! their normalised text, sentences and section texts, built in Rust once,
//! on first use, instead of once per rule.
//!
//! The text helpers `normalize(text)` and `sentences(text)` recognise a
//! paragraph's own text (the same string, not an equal copy) and answer from
//! here, so scripts written against the plain helpers get the shared data
//! without changing.

use std::cell::{Cell, RefCell};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use rhai::{Array, Dynamic, INT, ImmutableString};

use crate::address_map::{AddressMap, address};
use crate::model::{Cell as TableCell, Report};
use crate::schema::TableKey;

/// A paragraph as scripts see it.
#[derive(Clone)]
pub struct ParagraphView {
    pub text: ImmutableString,
    /// `normalize` of `text`.
    pub normalized: ImmutableString,
    pub section: INT,
    /// 1-based, over the whole report.
    pub index: INT,
}

/// A sentence of a paragraph's text as written (`report.sentences`).
#[derive(Clone)]
pub struct SentenceView {
    pub text: ImmutableString,
    pub paragraph: INT,
    pub section: INT,
    /// Characters other than punctuation, digits and whitespace.
    pub letters: INT,
}

struct Paragraphs {
    views: Vec<ParagraphView>,
    /// `views` as a script array, cloned for each `report.paragraphs`.
    array: Array,
    /// Where each paragraph's text and normalised text start, with their
    /// lengths: (address, length) → (paragraph, is normalised).
    by_address: AddressMap<(usize, bool)>,
}

/// One report's shared data.
pub struct Derived {
    report: Arc<Report>,
    paragraphs: OnceLock<Paragraphs>,
    /// Sentences of each paragraph's text, and of its normalised text.
    sentences: OnceLock<Vec<[OnceLock<Array>; 2]>>,
    all_sentences: OnceLock<Vec<SentenceView>>,
    sentence_array: OnceLock<Array>,
    /// Section text (paragraphs joined by line breaks), by section index.
    section_texts: OnceLock<Vec<ImmutableString>>,
    /// Every paragraph's normalised text, joined by line breaks.
    text: OnceLock<ImmutableString>,
    /// Where each paragraph's normalised text starts in `text`.
    text_starts: OnceLock<Vec<usize>>,
    /// Enumeration markers and headings of every paragraph.
    enumerations: OnceLock<Array>,
    /// Each national table's cells by their place in its schema, in the
    /// order of [`TableKey::ALL`].
    table_cells: [OnceLock<Option<SchemaCells>>; 3],
}

/// A table's cells in a grid of its schema's rows and columns. Rules look
/// cells up hundreds of times per report (every row of 表三 by every
/// applicant column, several rules over): an index into this grid costs a
/// fraction of a search of the table's map, whose keys are pairs of strings.
struct SchemaCells {
    columns: usize,
    cells: Vec<Option<TableCell>>,
}

thread_local! {
    /// The report whose rules run on this thread, for the text helpers.
    static CURRENT: RefCell<Option<Arc<Derived>>> = const { RefCell::new(None) };
    /// Time spent building shared data since last taken; nesting depth.
    static SHARED_TIME: Cell<Duration> = const { Cell::new(Duration::ZERO) };
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// Runs `build`, counting its time as shared (outermost call only).
fn timed<T>(build: impl FnOnce() -> T) -> T {
    let depth = DEPTH.with(|d| {
        let v = d.get();
        d.set(v + 1);
        v
    });
    let started = Instant::now();
    let out = build();
    DEPTH.with(|d| d.set(depth));
    if depth == 0 {
        SHARED_TIME.with(|t| t.set(t.get() + started.elapsed()));
    }
    out
}

/// The time spent building shared data on this thread since the last call.
pub fn take_shared_time() -> Duration {
    SHARED_TIME.with(|t| t.replace(Duration::ZERO))
}

/// Makes `derived` the current report of this thread while the guard lives.
pub struct Current {
    previous: Option<Arc<Derived>>,
}

impl Current {
    pub fn set(derived: &Arc<Derived>) -> Current {
        Current {
            previous: CURRENT.with(|c| c.replace(Some(derived.clone()))),
        }
    }
}

impl Drop for Current {
    fn drop(&mut self) {
        let previous = self.previous.take();
        CURRENT.with(|c| *c.borrow_mut() = previous);
    }
}

fn with_current<T>(f: impl FnOnce(&Derived) -> Option<T>) -> Option<T> {
    CURRENT.with(|c| c.borrow().as_deref().and_then(f))
}

impl Derived {
    pub fn new(report: Arc<Report>) -> Derived {
        Derived {
            report,
            paragraphs: OnceLock::new(),
            sentences: OnceLock::new(),
            all_sentences: OnceLock::new(),
            sentence_array: OnceLock::new(),
            section_texts: OnceLock::new(),
            text: OnceLock::new(),
            text_starts: OnceLock::new(),
            enumerations: OnceLock::new(),
            table_cells: Default::default(),
        }
    }

    /// The cell of a national table at a row and column of its schema, as
    /// `Table::cell` finds it; `None` for keys the schema does not have.
    pub fn table_cell(&self, key: TableKey, row: &str, column: &str) -> Option<&TableCell> {
        let slot = TableKey::ALL.iter().position(|k| *k == key)?;
        let grid = self.table_cells[slot]
            .get_or_init(|| {
                let table = self.report.table(key)?;
                let schema = key.schema();
                timed(|| {
                    let columns = schema.columns.len();
                    let mut cells = vec![None; schema.rows.len() * columns];
                    // The map is ordered by row: each row's index is found once.
                    let mut row: Option<(&str, Option<usize>)> = None;
                    for ((r, c), cell) in &table.cells {
                        let ri = match row {
                            Some((last, ri)) if last == r => ri,
                            _ => {
                                let ri = schema.row_index(r);
                                row = Some((r, ri));
                                ri
                            }
                        };
                        if let (Some(ri), Some(ci)) = (ri, schema.column_index(c)) {
                            cells[ri * columns + ci] = Some(cell.clone());
                        }
                    }
                    Some(SchemaCells { columns, cells })
                })
            })
            .as_ref()?;
        let schema = key.schema();
        let (ri, ci) = (schema.row_index(row)?, schema.column_index(column)?);
        grid.cells.get(ri * grid.columns + ci)?.as_ref()
    }

    /// Every paragraph's normalised text, joined by line breaks (`report.text`).
    pub fn text(&self) -> ImmutableString {
        self.text
            .get_or_init(|| {
                let views = &self.paragraphs().views;
                timed(|| {
                    views
                        .iter()
                        .map(|v| v.normalized.as_str())
                        .collect::<Vec<_>>()
                        .join("\n")
                        .into()
                })
            })
            .clone()
    }

    /// The paragraphs (indices into `paragraph_views`) that some match of
    /// `re` in `text()` touches, in order: one search over the whole text
    /// instead of one per paragraph. Every paragraph in which `re` matches
    /// on its own is among them, provided `re` has no line anchors (`^`,
    /// `$`; a word boundary is fine: the line break joining two paragraphs
    /// is not a word character, like the edge of a paragraph on its own). A
    /// paragraph's own match is a match of the joined text at the same
    /// place, and a search that has not passed that place finds a match
    /// starting no later, which either touches the paragraph or ends before
    /// it. So searching just these paragraphs one by one gives exactly what
    /// searching every paragraph gives.
    pub fn paragraphs_touched(&self, re: &regex::Regex) -> Vec<usize> {
        let text = self.text();
        let views = &self.paragraphs().views;
        let starts = self.text_starts.get_or_init(|| {
            timed(|| {
                let mut at = 0;
                views
                    .iter()
                    .map(|v| {
                        let start = at;
                        at += v.normalized.len() + 1;
                        start
                    })
                    .collect()
            })
        });
        let mut touched = Vec::new();
        for m in re.find_iter(&text) {
            // The first paragraph ending at or after the match's start.
            let mut i = starts
                .partition_point(|&st| st <= m.start())
                .saturating_sub(1);
            while i < views.len() && starts[i] <= m.end() {
                // Matches come in order: a paragraph is met again only last.
                if starts[i] + views[i].normalized.len() >= m.start() && touched.last() != Some(&i)
                {
                    touched.push(i);
                }
                i += 1;
            }
        }
        touched
    }

    pub fn report(&self) -> &Arc<Report> {
        &self.report
    }

    fn paragraphs(&self) -> &Paragraphs {
        self.paragraphs.get_or_init(|| {
            timed(|| {
                let views: Vec<ParagraphView> = self
                    .report
                    .paragraphs()
                    .enumerate()
                    .map(|(i, (section, p))| ParagraphView {
                        text: p.text.as_str().into(),
                        normalized: super::plain_text::normalize(&p.text).into(),
                        section: section as INT,
                        index: i as INT + 1,
                    })
                    .collect();
                let mut by_address =
                    AddressMap::with_capacity_and_hasher(views.len() * 2, Default::default());
                for (i, v) in views.iter().enumerate() {
                    // An equal normalised text is the paragraph's own.
                    by_address.insert(address(v.normalized.as_str()), (i, true));
                    by_address.insert(address(v.text.as_str()), (i, false));
                }
                let array = views.iter().cloned().map(Dynamic::from).collect();
                Paragraphs {
                    views,
                    array,
                    by_address,
                }
            })
        })
    }

    /// Every paragraph in reading order (`report.paragraphs`).
    pub fn paragraph_array(&self) -> Array {
        self.paragraphs().array.clone()
    }

    /// The paragraphs of one section (0 preamble, 7 closing).
    pub fn paragraphs_of(&self, section: u8) -> Array {
        self.paragraphs()
            .views
            .iter()
            .filter(|v| v.section == section as INT)
            .cloned()
            .map(Dynamic::from)
            .collect()
    }

    pub fn paragraph_views(&self) -> &[ParagraphView] {
        &self.paragraphs().views
    }

    /// The paragraph whose text (or normalised text) `s` is, by identity.
    fn paragraph_of(&self, s: &str) -> Option<(usize, bool)> {
        self.paragraphs().by_address.get(&address(s)).copied()
    }

    fn sentence_cells(&self) -> &Vec<[OnceLock<Array>; 2]> {
        self.sentences.get_or_init(|| {
            (0..self.paragraphs().views.len())
                .map(|_| [OnceLock::new(), OnceLock::new()])
                .collect()
        })
    }

    fn paragraph_sentences(&self, i: usize, normalized: bool) -> Array {
        self.sentence_cells()[i][usize::from(normalized)]
            .get_or_init(|| {
                timed(|| {
                    let v = &self.paragraphs().views[i];
                    let text = if normalized { &v.normalized } else { &v.text };
                    super::plain_text::sentences(text)
                        .into_iter()
                        .map(Dynamic::from)
                        .collect()
                })
            })
            .clone()
    }

    /// Every sentence of every paragraph as written, with its letter count.
    fn sentence_views(&self) -> &[SentenceView] {
        self.all_sentences.get_or_init(|| {
            let views = &self.paragraphs().views;
            let per_paragraph: Vec<Array> = (0..views.len())
                .map(|i| self.paragraph_sentences(i, false))
                .collect();
            timed(|| {
                let mut out = Vec::new();
                for (v, sentences) in views.iter().zip(per_paragraph) {
                    for s in sentences {
                        let text = s.into_immutable_string().unwrap_or_default();
                        let letters = super::plain_text::letter_count(&text) as INT;
                        out.push(SentenceView {
                            text,
                            paragraph: v.index,
                            section: v.section,
                            letters,
                        });
                    }
                }
                out
            })
        })
    }

    /// Every sentence of every paragraph as written (`report.sentences`).
    pub fn sentence_array(&self) -> Array {
        self.sentence_array
            .get_or_init(|| {
                let views = self.sentence_views();
                timed(|| views.iter().cloned().map(Dynamic::from).collect())
            })
            .clone()
    }

    /// Pairs of sentences (`report.sentences`) with at least `min_letters`
    /// letters whose `similarity` is at least `threshold`:
    /// `#{a, b, similarity}`, `a` before `b`, in the order of `b` then `a`.
    pub fn near_duplicate_sentences(&self, min_letters: INT, threshold: f64) -> Array {
        // The native sentence list, not the script array: no copy of every
        // sentence to pick the long ones.
        let long: Vec<&SentenceView> = self
            .sentence_views()
            .iter()
            .filter(|s| s.letters >= min_letters)
            .collect();
        let texts: Vec<&str> = long.iter().map(|s| s.text.as_str()).collect();
        super::plain_text::near_duplicates(&texts, threshold)
            .into_iter()
            .map(|(i, j, sim)| {
                let mut m = rhai::Map::new();
                m.insert("a".into(), Dynamic::from(long[i].clone()));
                m.insert("b".into(), Dynamic::from(long[j].clone()));
                m.insert("similarity".into(), sim.into());
                Dynamic::from(m)
            })
            .collect()
    }

    /// The enumeration markers of every paragraph in reading order
    /// (`report.enumerations`): `#{kind, n, text, start, paragraph, section}`
    /// as `enumeration_markers` gives them, and for a short
    /// paragraph that reads as a heading without a marker at its start (no
    /// sentence punctuation, at most 30 characters) a marker of kind
    /// `heading` (n 0) first, so that a list after a heading can restart.
    pub fn enumerations(&self) -> Array {
        self.enumerations
            .get_or_init(|| {
                let views = &self.paragraphs().views;
                timed(|| {
                    let mut out = Array::new();
                    for v in views {
                        let extra = [("paragraph", v.index), ("section", v.section)];
                        let markers = super::text_values::marker_maps(&v.text, &extra);
                        let starts_with_marker = markers.first().is_some_and(|m| {
                            m.clone()
                                .try_cast::<rhai::Map>()
                                .and_then(|m| m.get("start").and_then(|s| s.as_int().ok()))
                                == Some(0)
                        });
                        let t = v.normalized.as_str();
                        let heading = !starts_with_marker
                            && !t.is_empty()
                            && t.chars().count() <= 30
                            && !t.contains(['。', ';', ',', ':', '；', '，', '：'])
                            && !t.ends_with(['、', '!', '?']);
                        if heading {
                            out.push(super::text_values::marker_map(
                                "heading",
                                0,
                                t.to_string(),
                                0,
                                &extra,
                            ));
                        }
                        out.extend(markers);
                    }
                    out
                })
            })
            .clone()
    }

    /// A section's text, its paragraphs joined by line breaks.
    pub fn section_text(&self, index: usize) -> ImmutableString {
        self.section_texts
            .get_or_init(|| {
                timed(|| {
                    self.report
                        .sections
                        .iter()
                        .map(|s| {
                            s.paragraphs
                                .iter()
                                .map(|p| p.text.as_str())
                                .collect::<Vec<_>>()
                                .join("\n")
                                .into()
                        })
                        .collect()
                })
            })
            .get(index)
            .cloned()
            .unwrap_or_default()
    }
}

/// `normalize(text)` of the current report's paragraph text, if `text` is one.
pub fn normalized_of(text: &str) -> Option<ImmutableString> {
    with_current(|d| {
        let (i, _) = d.paragraph_of(text)?;
        Some(d.paragraphs().views[i].normalized.clone())
    })
}

/// `sentences(text)` of the current report's paragraph text, if `text` is one.
pub fn sentences_of(text: &str) -> Option<Array> {
    with_current(|d| {
        let (i, normalized) = d.paragraph_of(text)?;
        Some(d.paragraph_sentences(i, normalized))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Origin, Paragraph, Section};
    use crate::rules::{Limits, RuleSet, RuleSource};

    /// A report with one preamble paragraph and section 一 of these paragraphs.
    fn report_of(section_one: &[&str]) -> Arc<Report> {
        let p = |t: &str| Paragraph {
            text: t.into(),
            origin: Origin::Unknown,
        };
        let mut r = Report::default();
        r.preamble.push(p("本报告由某局编制。"));
        r.sections.push(Section {
            number: 1,
            heading: "一、总体情况".into(),
            heading_origin: Origin::Unknown,
            paragraphs: section_one.iter().map(|t| p(t)).collect(),
        });
        Arc::new(r)
    }

    fn report() -> Arc<Report> {
        report_of(&["全年收到申请１２件。办结 3 件；", "全省第一。"])
    }

    /// A rule that reports what the shared data gives, as one message.
    fn run(body: &str) -> String {
        let text = format!(
            "const ID = \"T-1\";\nconst TITLE = \"t\";\nconst SEVERITY = \"info\";\nconst BASIS = \"b\";\nfn check(report) {{\n{body}\n}}"
        );
        let set = RuleSet::load(
            vec![RuleSource {
                path: "t.rhai".into(),
                text,
            }],
            &Limits::default(),
        );
        assert!(set.load_errors.is_empty(), "{:?}", set.load_errors);
        let out = set.check(&report());
        assert!(out.errors.is_empty(), "{:?}", out.errors);
        out.findings[0].message.clone()
    }

    #[test]
    fn shared_text_data_as_scripts_see_it() {
        assert_eq!(
            run(
                "let p = report.paragraphs[1]; [#{ message: `${p.normalized}|${p.index}|${p.section}` }]"
            ),
            "全年收到申请12件。办结3件;|2|1"
        );
        assert_eq!(
            run("[#{ message: report.text }]"),
            "本报告由某局编制。\n全年收到申请12件。办结3件;\n全省第一。"
        );
        assert_eq!(
            run(
                "let out = []; for s in report.sentences { out.push(`${s.paragraph}:${s.section}:${s.letters}:${s.text}`); } [#{ message: join(out, \"/\") }]"
            ),
            "1:0:8:本报告由某局编制。/2:1:7:全年收到申请１２件。/2:1:3:办结 3 件；/3:1:4:全省第一。"
        );
        assert_eq!(
            run(
                "let out = []; for m in report.find(`(\\d+)件`) { out.push(`${m.paragraph}:${m.start}:${m.groups[0]}`); } [#{ message: join(out, \"/\") }]"
            ),
            "2:6:12/2:12:3"
        );
        // The plain helpers give the same answers for a paragraph's text,
        // and for any other text.
        assert_eq!(
            run(
                "let p = report.paragraphs[1]; [#{ message: `${normalize(p.text) == p.normalized}|${sentences(p.normalized).len()}|${normalize(\"１ ２\")}|${sentences(p.text)[1]}` }]"
            ),
            "true|2|12|办结 3 件；"
        );
        assert_eq!(
            run("[#{ message: report.section(1).text }]"),
            "全年收到申请１２件。办结 3 件；\n全省第一。"
        );
    }

    #[test]
    fn shared_data_is_timed_apart_from_the_rules() {
        take_shared_time();
        let d = Derived::new(report());
        assert_eq!(d.paragraph_array().len(), 3);
        assert!(!take_shared_time().is_zero());
        // Built once: asking again costs no shared time.
        assert_eq!(d.paragraph_array().len(), 3);
        assert!(take_shared_time().is_zero());
    }

    /// `report.find` searches only the paragraphs a search of the joined
    /// text touches: the same matches as searching every paragraph, for
    /// patterns that reach across the line break, that match empty, that
    /// have word boundaries; line anchors make it search every paragraph.
    #[test]
    fn paragraphs_touched_miss_no_paragraph_match() {
        let d = Derived::new(report_of(&[
            "共收到申请12件，其中",
            "自然人申请7件。",
            "",
            "2024年度",
            "ab cd",
            "未发生行政复议，办结3件；结转下年度继续办理1件。",
            "12",
        ]));
        let patterns = [
            r"(\d+)件",
            r"其中[^。]{0,20}",
            r"[^，。]{0,12}行政复议",
            r"件\s*自然人",
            r"\d*",
            r"x?",
            r"\bcd\b",
            r"\Bd",
            r"\d{4}年度?$",
            r"^\d+$",
            r"(?m)^自然人",
            r"\A本报告",
            r"[\s\S]{3}",
            r"。\n",
            r"办结(\d+)件",
        ];
        for pattern in patterns {
            let compiled = super::super::text_values::compiled(pattern).unwrap();
            let re = &compiled.re;
            let every: Vec<(usize, Vec<(usize, usize)>)> = d
                .paragraph_views()
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let ms = re.find_iter(&v.normalized).map(|m| (m.start(), m.end()));
                    (i, ms.collect())
                })
                .filter(|(_, ms): &(usize, Vec<_>)| !ms.is_empty())
                .collect();
            let searched: Vec<usize> = if compiled.line_anchored {
                (0..d.paragraph_views().len()).collect()
            } else {
                d.paragraphs_touched(re)
            };
            for (i, _) in &every {
                assert!(
                    searched.contains(i),
                    "{pattern}: paragraph {i} not searched"
                );
            }
        }
        let anchored = |p: &str| {
            super::super::text_values::compiled(p)
                .unwrap()
                .line_anchored
        };
        assert!(anchored(r"\d{4}年度?$"));
        assert!(anchored(r"(?m)^自然人"));
        assert!(anchored(r"\A本报告"));
        assert!(!anchored(r"[^，。]{0,12}行政复议"));
        assert!(!anchored(r"\bcd\b"));
        // Few paragraphs are searched when few match.
        let re = regex::Regex::new("行政复议").unwrap();
        assert_eq!(d.paragraphs_touched(&re), vec![6]);
    }

    #[test]
    fn a_table_cell_is_the_one_the_table_holds_at_those_keys() {
        use crate::model::{Cell as TableCell, Table};
        use crate::value::Value;
        let cell = |n: i64| TableCell {
            value: Value::Int(n),
            text: n.to_string(),
            origin: Origin::Unknown,
        };
        let mut t3 = Table::new(TableKey::T3, Origin::Unknown);
        let schema = TableKey::T3.schema();
        let mut n = 0;
        // Every other place of the schema holds a cell, each a different one.
        for (ri, row) in schema.rows.iter().enumerate() {
            for (ci, column) in schema.columns.iter().enumerate() {
                if (ri + ci) % 2 == 0 {
                    n += 1;
                    t3.set(row.key, column.key, cell(n));
                }
            }
        }
        // A key the schema does not have is never looked up by a rule.
        t3.set("no_such_row", "total", cell(-1));
        let mut report = Report::default();
        report.tables.insert(TableKey::T3, t3);
        let report = Arc::new(report);
        let d = Derived::new(report.clone());
        let t3 = report.table(TableKey::T3).unwrap();
        for row in schema.rows {
            for column in schema.columns {
                assert_eq!(
                    d.table_cell(TableKey::T3, row.key, column.key),
                    t3.cell(row.key, column.key),
                    "{} {}",
                    row.key,
                    column.key
                );
            }
        }
        assert!(d.table_cell(TableKey::T3, "no_such_row", "total").is_none());
        assert!(
            d.table_cell(TableKey::T3, "new", "no_such_column")
                .is_none()
        );
        assert!(d.table_cell(TableKey::T2, "new", "total").is_none());
    }
}
