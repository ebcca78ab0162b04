//! YAML input: a whole report typed by hand (or written by `nianbao extract`),
//! already keyed by the model's table/row/column keys. The schema is in
//! `docs/yaml.md`.
//!
//! serde-saphyr rather than serde_yaml: serde_yaml is deprecated and archived
//! (RUSTSEC-2024-0320) and its forks sit on C-translated unsafe code;
//! serde-saphyr forbids `unsafe`, has resource budgets on by default and
//! gives line/column for every value through `Spanned`.

#![forbid(unsafe_code)]

mod write;

use std::collections::BTreeMap;
use std::fmt;

use nianbao_core::adapter::{AdapterError, FormatAdapter, Input, Parsed, ReadErrorKind};
use nianbao_core::model::{
    Cell, Meta, Origin, Paragraph, Published, RecognitionNote, Report, ReporterKind, Section, Table,
};
use nianbao_core::recognize::{
    infer_meta, is_tables_only, parse_date, parse_portal_date, section_heading,
};
use nianbao_core::schema::TableKey;
use nianbao_core::value::{Value, parse_cell_text};
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use serde_saphyr::Spanned;

pub use write::to_yaml;

pub struct YamlAdapter;

impl FormatAdapter for YamlAdapter {
    fn name(&self) -> &'static str {
        "yaml"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["yaml", "yml"]
    }

    fn sniff(&self, bytes: &[u8]) -> bool {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
        head.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#') && l != &"---")
            .take(3)
            .any(|l| {
                ["meta:", "tables:", "sections:", "preamble:"]
                    .iter()
                    .any(|k| l.starts_with(k))
            })
    }

    fn read(&self, input: &Input<'_>) -> Result<Parsed, AdapterError> {
        let text = std::str::from_utf8(input.bytes).map_err(|e| {
            AdapterError::of(
                ReadErrorKind::UnsupportedFormat,
                format!("YAML 文件不是 UTF-8 编码（第 {} 字节）", e.valid_up_to()),
            )
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        parse_report(text).map(|r| Parsed::Report(Box::new(r)))
    }
}

// ---- the on-disk schema -------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YamlReport {
    #[serde(default)]
    meta: YamlMeta,
    #[serde(default)]
    preamble: Vec<Spanned<String>>,
    #[serde(default)]
    sections: Vec<Spanned<YamlSection>>,
    #[serde(default)]
    closing: Vec<Spanned<String>>,
    /// What recognition noticed in the original file (written by `extract`),
    /// so structural findings survive the round trip.
    #[serde(default)]
    notes: Vec<Spanned<YamlNote>>,
    #[serde(default)]
    tables: BTreeMap<String, Spanned<YamlTable>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YamlNote {
    code: String,
    #[serde(default)]
    table: Option<String>,
    /// The official row key the note is about.
    #[serde(default)]
    row: Option<String>,
    message: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct YamlMeta {
    title: Option<String>,
    agency: Option<String>,
    year: Option<Spanned<i64>>,
    period: Option<String>,
    signed: Option<Spanned<String>>,
    reporter_kind: Option<Spanned<String>>,
    published: Option<YamlPublished>,
}

/// `published: {date: 2024-01-20, source: 发布日期}`: a portal's publication date.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YamlPublished {
    date: Spanned<String>,
    #[serde(default)]
    source: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YamlSection {
    heading: Spanned<String>,
    #[serde(default)]
    paragraphs: Vec<Spanned<String>>,
}

type YamlTable = BTreeMap<String, Spanned<BTreeMap<String, Spanned<Scalar>>>>;

/// Any scalar a cell may hold: `3`, `1.5`, `"无"`, `""`, `~`.
enum Scalar {
    Int(i64),
    Float(f64),
    Text(String),
    Null,
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Scalar, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, a string or nothing")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                i64::try_from(v)
                    .map(Scalar::Int)
                    .map_err(|_| E::custom("数字过大"))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar::Float(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar::Text(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar::Text(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
                Ok(Scalar::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Scalar, E> {
                Ok(Scalar::Null)
            }
        }
        d.deserialize_any(V)
    }
}

// ---- conversion ---------------------------------------------------------

/// Conversion from the raw YAML shape to the model.
struct Ctx;

fn origin(path: String, loc: &serde_saphyr::Location) -> Origin {
    Origin::Yaml {
        path,
        line: loc.line() as usize,
        column: loc.column() as usize,
    }
}

fn at(msg: String, loc: &serde_saphyr::Location) -> AdapterError {
    AdapterError::at(msg, loc.line() as usize, loc.column() as usize)
}

/// Parses a report in the YAML schema.
pub fn parse_report(text: &str) -> Result<Report, AdapterError> {
    let raw: YamlReport = serde_saphyr::from_str(text).map_err(|e| {
        let msg = format!("YAML 格式错误：{}", e.without_snippet());
        let msg = first_line(&msg);
        match e.location() {
            Some(l) if l.line() > 0 => at(msg, &l),
            _ => AdapterError::damaged(msg),
        }
    })?;
    Ctx.convert(raw)
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or(s).trim().to_string()
}

impl Ctx {
    fn paragraphs(&self, list: Vec<Spanned<String>>, path: &str) -> Vec<Paragraph> {
        list.into_iter()
            .enumerate()
            .map(|(i, s)| Paragraph {
                origin: origin(format!("{path}[{i}]"), &s.referenced),
                text: s.value,
            })
            .collect()
    }

    fn convert(&self, raw: YamlReport) -> Result<Report, AdapterError> {
        let preamble = self.paragraphs(raw.preamble, "preamble");
        let closing = self.paragraphs(raw.closing, "closing");
        let mut sections: Vec<Section> = Vec::new();
        for (i, s) in raw.sections.into_iter().enumerate() {
            let heading = s.value.heading;
            let Some(number) = section_heading(&heading.value) else {
                return Err(at(
                    format!(
                        "「{}」不是部分标题（应为「一、总体情况」这样的形式）",
                        heading.value
                    ),
                    &heading.referenced,
                ));
            };
            if let Some(prev) = sections.last().filter(|p| p.number >= number) {
                return Err(at(
                    format!(
                        "部分「{}」出现在「{}」之后，顺序不对",
                        heading.value, prev.heading
                    ),
                    &heading.referenced,
                ));
            }
            sections.push(Section {
                number,
                heading: heading.value.trim().to_string(),
                heading_origin: origin(format!("sections[{i}].heading"), &heading.referenced),
                paragraphs: self
                    .paragraphs(s.value.paragraphs, &format!("sections[{i}].paragraphs")),
            });
        }
        let mut tables = BTreeMap::new();
        for (key, table) in raw.tables {
            let Some(tk) = TableKey::parse(&key) else {
                return Err(at(
                    format!("未知的表「{key}」（可用 t2、t3、t4）"),
                    &table.referenced,
                ));
            };
            tables.insert(tk, self.table(tk, table)?);
        }
        let mut notes = Vec::new();
        for (i, n) in raw.notes.into_iter().enumerate() {
            let table = match n.value.table.as_deref() {
                None => None,
                Some(t) => Some(TableKey::parse(t).ok_or_else(|| {
                    at(format!("未知的表「{t}」（可用 t2、t3、t4）"), &n.referenced)
                })?),
            };
            if let (Some(r), Some(t)) = (&n.value.row, table) {
                if t.schema().row(r).is_none() {
                    return Err(at(
                        format!("{}没有行「{r}」", t.schema().label),
                        &n.referenced,
                    ));
                }
            }
            notes.push(RecognitionNote {
                code: n.value.code,
                table,
                row: n.value.row,
                message: n.value.message,
                origin: origin(format!("notes[{i}]"), &n.referenced),
            });
        }
        // The 2019 single （六） row, as `extract` writes it: its note says that
        // `other_other` holds the block.
        if notes.iter().any(|n| {
            n.code == "old-format"
                && n.table == Some(TableKey::T3)
                && n.row.as_deref() == Some("other_other")
        }) {
            if let Some(t3) = tables.get_mut(&TableKey::T3) {
                for key in nianbao_core::recognize::tables::UNSPLIT_OTHER_ABSORBS {
                    t3.absorbed.insert(key.to_string());
                }
            }
        }
        let mut meta = self.meta(raw.meta)?;
        let opening = sections
            .first()
            .filter(|s| s.number == 1)
            .map_or(&[][..], |s| &s.paragraphs[..]);
        infer_meta(&mut meta, &preamble, opening, &closing);
        // Tables with headings or captions but no prose: a workbook of tables.
        let prose: Vec<Paragraph> = preamble
            .iter()
            .chain(sections.iter().flat_map(|s| &s.paragraphs))
            .chain(&closing)
            .cloned()
            .collect();
        let tables_only = is_tables_only(!tables.is_empty(), &prose);
        let mut report = Report {
            path: String::new(),
            format: "yaml".into(),
            meta,
            preamble,
            sections,
            closing,
            tables,
            notes: Vec::new(),
            tables_only,
        };
        // As recognition does: a row that could not be placed marks its table.
        nianbao_core::recognize::add_notes(&mut report, notes);
        Ok(report)
    }

    fn meta(&self, m: YamlMeta) -> Result<Meta, AdapterError> {
        let year = match m.year {
            Some(y) if !(1990..=2200).contains(&y.value) => {
                return Err(at(format!("年份 {} 不合理", y.value), &y.referenced));
            }
            Some(y) => Some(y.value as i32),
            None => None,
        };
        let signed = match m.signed {
            Some(s) => Some(parse_date(&s.value).ok_or_else(|| {
                at(
                    format!("落款日期「{}」无法识别（应如 2024年1月3日）", s.value),
                    &s.referenced,
                )
            })?),
            None => None,
        };
        let published = match m.published {
            Some(p) => Some(Published {
                date: parse_portal_date(&p.date.value).ok_or_else(|| {
                    at(
                        format!("发布日期「{}」无法识别（应如 2024-01-20）", p.date.value),
                        &p.date.referenced,
                    )
                })?,
                source: p.source.unwrap_or_else(|| "input".into()),
            }),
            None => None,
        };
        let reporter_kind = match m.reporter_kind {
            Some(k) => Some(match k.value.as_str() {
                "department" => ReporterKind::Department,
                "government" => ReporterKind::Government,
                other => {
                    return Err(at(
                        format!("reporter_kind 应为 department 或 government，实为「{other}」"),
                        &k.referenced,
                    ));
                }
            }),
            None => None,
        };
        Ok(Meta {
            title: m.title,
            agency: m.agency,
            year,
            period: m.period,
            signed,
            reporter_kind,
            region: None,
            agency_source: None,
            published,
        })
    }

    fn table(&self, key: TableKey, raw: Spanned<YamlTable>) -> Result<Table, AdapterError> {
        let schema = key.schema();
        let mut table = Table::new(
            key,
            origin(format!("tables.{}", key.as_str()), &raw.referenced),
        );
        for (row, cells) in raw.value {
            let Some(spec) = schema.row(&row) else {
                let known: Vec<&str> = schema.rows.iter().map(|r| r.key).collect();
                return Err(at(
                    format!(
                        "{}没有行「{row}」；可用：{}",
                        schema.label,
                        known.join(", ")
                    ),
                    &cells.referenced,
                ));
            };
            for (col, v) in cells.value {
                if !spec.columns.contains(&col.as_str()) {
                    return Err(at(
                        format!(
                            "{}「{}」没有列「{col}」；可用：{}",
                            schema.label,
                            spec.key,
                            spec.columns.join(", ")
                        ),
                        &v.referenced,
                    ));
                }
                let (value, text) = match v.value {
                    Scalar::Int(i) => (Value::Int(i), i.to_string()),
                    Scalar::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                        (Value::Int(f as i64), f.to_string())
                    }
                    Scalar::Float(f) => (Value::Decimal(f), f.to_string()),
                    Scalar::Text(t) => (parse_cell_text(&t), t),
                    Scalar::Null => (Value::Blank, String::new()),
                };
                let path = format!("tables.{}.{}.{}", key.as_str(), spec.key, col);
                table.set(
                    spec.key,
                    &col,
                    Cell {
                        value,
                        text,
                        origin: origin(path, &v.referenced),
                    },
                );
            }
        }
        Ok(table)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_keep_their_type_and_line() {
        let r = parse_report(
            "tables:\n  t3:\n    new: {natural: 1, other: 无, total: ~}\n    carried_over:\n      natural: \"１２\"\n")
        .unwrap();
        let t3 = r.table(TableKey::T3).unwrap();
        let c = t3.cell("new", "natural").unwrap();
        assert_eq!(c.value, Value::Int(1));
        assert_eq!(c.origin.line(), Some(3));
        assert_eq!(t3.cell("new", "other").unwrap().value, Value::Dash);
        assert_eq!(t3.cell("new", "total").unwrap().value, Value::Blank);
        let c = t3.cell("carried_over", "natural").unwrap();
        assert_eq!(
            (c.value.clone(), c.origin.line()),
            (Value::Int(12), Some(5))
        );
    }

    #[test]
    fn unknown_keys_name_the_line() {
        let e = parse_report("tables:\n  t3:\n    new:\n      nautral: 1\n").unwrap_err();
        assert_eq!(e.line, Some(4), "{e}");
        assert!(e.message.contains("nautral"), "{e}");
        let e = parse_report("meta:\n  agncy: x\n").unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        let e = parse_report("tables:\n  t3:\n    neww:\n      natural: 1\n").unwrap_err();
        assert!(e.message.contains("neww"), "{e}");
    }

    #[test]
    fn broken_yaml_is_an_error_not_a_panic() {
        for text in [
            "tables: [",
            "\t- :",
            "meta: {year: abc}",
            "sections:\n  - heading: 随便写\n",
        ] {
            assert!(parse_report(text).is_err(), "{text}");
        }
    }

    #[test]
    fn meta_is_inferred_from_closing_lines() {
        let r = parse_report(
            "sections:\n  - heading: 一、总体情况\n    paragraphs: [正文]\nclosing: [洮南市林业和草原局, 2024年1月3日]\n")
        .unwrap();
        assert_eq!(r.meta.agency.as_deref(), Some("洮南市林业和草原局"));
        assert_eq!(r.meta.year, Some(2023));
    }

    #[test]
    fn notes_round_trip_through_extract() {
        let text = "notes:\n  - {code: extra-column, table: t3, message: \"表三有规定格式之外的数据列「小计」\"}\n";
        let report = parse_report(text).unwrap();
        assert_eq!(report.notes.len(), 1);
        assert_eq!(report.notes[0].table, Some(TableKey::T3));
        let again = parse_report(&crate::to_yaml(&report)).unwrap();
        assert_eq!(again.notes[0].code, "extra-column");
        assert_eq!(again.notes[0].message, report.notes[0].message);
        assert!(parse_report("notes:\n  - {code: x, table: t9, message: m}\n").is_err());
    }
}
