//! A rule's metadata as read from its constants without running it
//! (`ID`, `TITLE`, `SEVERITY`, `PARAMS`, `EXAMPLES`…), and the conversions
//! between script values and JSON that its parameters need.

use std::sync::{Arc, OnceLock};

use rhai::{Dynamic, Engine, Map};

use crate::finding::{RuleError, Severity};

/// A rule's metadata, read from its constants without running it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RuleMeta {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub basis: String,
    pub description: String,
    /// The file it was loaded from.
    pub file: String,
    /// Examples that `nianbao rules test` runs.
    pub examples: Examples,
    /// Parameters and their defaults (`const PARAMS = #{ … }`), read by the
    /// script through `report.param("name")`.
    pub params: std::collections::BTreeMap<String, serde_json::Value>,
    /// For pack rules: where they apply, 「jilin」 or 「gansu/武威市」.
    pub scope: Option<String>,
    /// The first report year the rule's requirement applies to (`const
    /// FIRST_YEAR = 2021;`, the year its source took effect): reports of an
    /// earlier year skip it; a report whose year is unknown is checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_year: Option<i32>,
}

impl RuleMeta {
    /// Whether the rule's requirement applies to a report of this year.
    pub fn applies_to_year(&self, year: Option<i32>) -> bool {
        match (self.first_year, year) {
            (Some(first), Some(y)) => y >= first,
            _ => true,
        }
    }
}

/// An example inside a rule: a (partial) report in the YAML schema and how
/// many findings of this rule it must give.
///
/// ```rhai
/// const EXAMPLES = [
///     #{ name: "总计少算", expect: 1, report: `tables: ...` },
/// ];
/// ```
#[derive(Debug, Clone, serde::Serialize)]
pub struct Example {
    pub name: String,
    pub expect: usize,
    /// YAML text of the report (docs/yaml.md).
    pub report: String,
    /// Last year's report, for cross-year rules.
    pub previous: Option<String>,
}

/// A rule's examples. A script is compiled for checking without its
/// `const EXAMPLES` (most of its text and of its compile time); the
/// examples are read from the whole script the first time they are asked
/// for, with the errors a whole compile gives, where they give them.
#[derive(Clone)]
pub struct Examples(Arc<ExamplesInner>);

struct ExamplesInner {
    read: OnceLock<Result<Vec<Example>, RuleError>>,
    /// The engine, the rule's id and its whole script, until it is read.
    later: Option<(Arc<Engine>, String, super::rule::RuleSource)>,
}

impl Examples {
    /// Examples read already (or none).
    pub fn read(examples: Vec<Example>) -> Examples {
        Examples(Arc::new(ExamplesInner {
            read: OnceLock::from(Ok(examples)),
            later: None,
        }))
    }

    /// Examples to read from the whole script when asked for.
    pub(super) fn later(engine: Arc<Engine>, id: String, src: super::rule::RuleSource) -> Examples {
        Examples(Arc::new(ExamplesInner {
            read: OnceLock::new(),
            later: Some((engine, id, src)),
        }))
    }

    /// The examples, or why they cannot be read (a syntax error in them, a
    /// wrong shape), naming the file and line.
    pub fn get(&self) -> Result<&[Example], &RuleError> {
        self.0
            .read
            .get_or_init(|| match &self.0.later {
                Some((engine, id, src)) => {
                    super::compile::examples_of(engine, src).map_err(|e| RuleError {
                        rule: Some(id.clone()),
                        ..e
                    })
                }
                None => Ok(Vec::new()),
            })
            .as_deref()
    }
}

impl std::fmt::Debug for Examples {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.read.get() {
            Some(read) => read.fmt(f),
            None => f.write_str("Examples(not read yet)"),
        }
    }
}

impl serde::Serialize for Examples {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.get().unwrap_or_default().serialize(s)
    }
}

/// `const PARAMS = #{ name: default }`: numbers, strings, booleans or arrays of them.
pub(super) fn parse_params(value: &Dynamic) -> Result<Map, String> {
    let shape = "PARAMS 应为对象映射，如 #{ max_chars: 1000, threshold: 0.5 }";
    let map = value
        .clone()
        .try_cast::<Map>()
        .ok_or_else(|| shape.to_string())?;
    for (k, v) in &map {
        let plain = |v: &Dynamic| v.is_int() || v.is_float() || v.is_string() || v.is_bool();
        let ok = plain(v)
            || v.clone()
                .try_cast::<rhai::Array>()
                .is_some_and(|a| a.iter().all(plain));
        if !ok {
            return Err(format!(
                "PARAMS 的 {k} 应为数字、字符串、布尔值或它们的数组，实为 {}",
                v.type_name()
            ));
        }
    }
    Ok(map)
}

pub(super) fn json_to_dynamic(v: &serde_json::Value) -> Dynamic {
    match v {
        serde_json::Value::Bool(b) => (*b).into(),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => i.into(),
            None => n.as_f64().unwrap_or_default().into(),
        },
        serde_json::Value::String(s) => s.clone().into(),
        serde_json::Value::Array(a) => a
            .iter()
            .map(json_to_dynamic)
            .collect::<rhai::Array>()
            .into(),
        _ => Dynamic::UNIT,
    }
}

pub(super) fn parse_examples(value: &Dynamic) -> Result<Vec<Example>, String> {
    let shape = "EXAMPLES 应为数组，每项形如 #{ name: \"…\", expect: 1, report: `…YAML…` }";
    let Some(items) = value.clone().try_cast::<rhai::Array>() else {
        return Err(shape.to_string());
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let map = item.try_cast::<Map>().ok_or_else(|| shape.to_string())?;
            if let Some(k) = map
                .keys()
                .find(|k| !["name", "expect", "report", "previous"].contains(&k.as_str()))
            {
                return Err(format!("EXAMPLES 第 {} 项有未知字段 \"{k}\"", i + 1));
            }
            let expect = map
                .get("expect")
                .and_then(|v| v.as_int().ok())
                .filter(|n| *n >= 0)
                .ok_or_else(|| {
                    format!("EXAMPLES 第 {} 项缺少 expect（应有的问题数，≥ 0）", i + 1)
                })?;
            let report = map
                .get("report")
                .and_then(|v| v.clone().into_string().ok())
                .ok_or_else(|| format!("EXAMPLES 第 {} 项缺少 report（YAML 文本）", i + 1))?;
            let name = map
                .get("name")
                .and_then(|v| v.clone().into_string().ok())
                .unwrap_or_else(|| format!("示例 {}", i + 1));
            let previous =
                match map.get("previous") {
                    None => None,
                    Some(v) => Some(v.clone().into_string().map_err(|_| {
                        format!("EXAMPLES 第 {} 项的 previous 应为 YAML 文本", i + 1)
                    })?),
                };
            Ok(Example {
                name,
                expect: expect as usize,
                report,
                previous,
            })
        })
        .collect()
}

pub(super) fn to_json(v: &Dynamic) -> Option<serde_json::Value> {
    if v.is_unit() {
        None
    } else if let Ok(i) = v.as_int() {
        Some(i.into())
    } else if let Ok(f) = v.as_float() {
        serde_json::Number::from_f64(f).map(serde_json::Value::Number)
    } else if let Ok(b) = v.as_bool() {
        Some(b.into())
    } else if let Some(a) = v.clone().try_cast::<rhai::Array>() {
        Some(a.iter().filter_map(to_json).collect::<Vec<_>>().into())
    } else {
        Some(v.to_string().into())
    }
}
