//! Provincial and city rule packs: `rules/provinces/<pinyin>/` (and
//! `rules/provinces/<pinyin>/<city>/`) apply only to reports of that province
//! (or city). A pack's `pack.rhai` names its source document and may raise or
//! lower a national rule's severity or change its parameters — never switch it
//! off (only the user's own configuration may).
//!
//! ```rhai
//! const PACK = #{
//!     name: "吉林省",
//!     source: "吉林省政务公开办《关于做好2023年度政府信息公开工作年度报告编制发布工作的通知》",
//!     severity: #{ "STR-PERIOD": "error" },
//!     params: #{ "DAT-DEADLINE": #{ department_deadline: "01-31" } },
//! };
//! ```

use std::collections::BTreeMap;

use rhai::{Dynamic, Engine, Map};

use crate::finding::{RuleError, Severity};

/// Where a rule or pack applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// Pinyin of the province, the folder name: `jilin`.
    pub province: String,
    /// The city's name (from the pack's `city`), for city packs: 「武威市」.
    pub city: Option<String>,
    /// The city pack's folder under the province: `wuwei`.
    pub city_folder: Option<String>,
}

impl Scope {
    /// 「jilin」 or 「gansu/武威市」.
    pub fn label(&self) -> String {
        match &self.city {
            Some(c) => format!("{}/{c}", self.province),
            None => self.province.clone(),
        }
    }

    /// Whether a report of this province and city is in scope. The city is
    /// the configured one (`city = "wuwei"`, a pack folder) when there is
    /// one, else the name of the agency's city.
    pub fn applies_to(&self, province: Option<&str>, city: CityOf<'_>) -> bool {
        province == Some(self.province.as_str())
            && match (&self.city, city) {
                (None, _) => true,
                (Some(_), CityOf::Folder(f)) => self.city_folder.as_deref() == Some(f),
                (Some(c), CityOf::Name(n)) => n == Some(c.as_str()),
            }
    }
}

/// The city a report belongs to, as the run knows it.
#[derive(Debug, Clone, Copy)]
pub enum CityOf<'a> {
    /// Configured, as a pack folder name (pinyin).
    Folder(&'a str),
    /// The name of the agency's city (「武威市」), if resolved.
    Name(Option<&'a str>),
}

/// The folders of a path under `provinces/`: (province, city folder).
pub fn folders(path: &str) -> Option<(String, Option<String>)> {
    let parts: Vec<&str> = path.split(['/', '\\']).collect();
    let at = parts.iter().rposition(|p| *p == "provinces")?;
    let dirs = &parts[at + 1..parts.len().saturating_sub(1)];
    match dirs {
        [p] => Some((p.to_string(), None)),
        [p, c, ..] => Some((p.to_string(), Some(c.to_string()))),
        [] => None,
    }
}

/// A pack's declaration.
#[derive(Debug, Clone)]
pub struct Pack {
    pub file: String,
    pub name: String,
    pub source: String,
    pub scope: Scope,
    pub severity: BTreeMap<String, Severity>,
    pub params: BTreeMap<String, Map>,
}

pub fn parse(engine: &Engine, path: &str, text: &str) -> Result<Pack, RuleError> {
    let err = |line: Option<usize>, message: String| RuleError {
        rule: None,
        file: path.to_string(),
        line,
        message,
    };
    let ast = engine
        .compile(text)
        .map_err(|e| err(e.1.line(), format!("脚本语法错误：{}", e.0)))?;
    let line = text
        .lines()
        .position(|l| l.trim_start().starts_with("const PACK"))
        .map(|i| i + 1);
    let shape = "pack.rhai 应声明 const PACK = #{ name: \"…\", source: \"…\", severity: #{…}, params: #{…} };";
    let map = ast
        .iter_literal_variables(true, false)
        .find(|(n, _, _)| *n == "PACK")
        .and_then(|(_, _, v)| v.try_cast::<Map>())
        .ok_or_else(|| err(line, shape.into()))?;
    let text_of = |k: &str| map.get(k).and_then(|v| v.clone().into_string().ok());
    if let Some(k) = map
        .keys()
        .find(|k| !["name", "source", "city", "severity", "params"].contains(&k.as_str()))
    {
        let why = if ["disable", "disabled", "enabled", "remove"].contains(&k.as_str()) {
            "：规则包不能停用全国规则，只能调整级别或参数；确需停用请在 nianbao.toml 的 [rules] disable 中设置"
                .to_string()
        } else {
            String::new()
        };
        return Err(err(line, format!("PACK 中有未知字段 \"{k}\"{why}")));
    }
    let (Some(name), Some(source)) = (text_of("name"), text_of("source")) else {
        return Err(err(
            line,
            format!("PACK 缺少 name 或 source（规则包须写明依据的文件）；{shape}"),
        ));
    };
    let Some((province, city_folder)) = folders(path) else {
        return Err(err(
            None,
            "pack.rhai 应放在 provinces/<省拼音>/ 或 provinces/<省拼音>/<市>/ 下".into(),
        ));
    };
    let city = match (city_folder.as_ref(), text_of("city")) {
        (Some(_), Some(c)) => Some(c),
        (Some(f), None) => {
            return Err(err(
                line,
                format!("市级规则包 {f} 的 PACK 须写明 city（市的全称，如 \"武威市\"）"),
            ));
        }
        (None, _) => None,
    };
    let mut severity = BTreeMap::new();
    if let Some(v) = map.get("severity") {
        let m = v.clone().try_cast::<Map>().ok_or_else(|| {
            err(
                line,
                "PACK.severity 应为 #{ \"规则编号\": \"warning\" }".into(),
            )
        })?;
        for (id, s) in m {
            let s = s
                .into_string()
                .ok()
                .and_then(|s| Severity::parse(&s))
                .ok_or_else(|| {
                    err(
                        line,
                        format!("PACK.severity 中 {id} 的级别应为 error、warning 或 info"),
                    )
                })?;
            severity.insert(id.to_string(), s);
        }
    }
    let mut params = BTreeMap::new();
    if let Some(v) = map.get("params") {
        let m = v.clone().try_cast::<Map>().ok_or_else(|| {
            err(
                line,
                "PACK.params 应为 #{ \"规则编号\": #{ 参数: 值 } }".into(),
            )
        })?;
        for (id, p) in m {
            let p = p
                .try_cast::<Map>()
                .ok_or_else(|| err(line, format!("PACK.params 中 {id} 应为 #{{ 参数: 值 }}")))?;
            params.insert(id.to_string(), p);
        }
    }
    Ok(Pack {
        file: path.to_string(),
        name,
        source,
        scope: Scope {
            province,
            city,
            city_folder,
        },
        severity,
        params,
    })
}

/// Whether a pack's value may replace a parameter's default (same type).
pub fn same_type(default: &Dynamic, value: &Dynamic) -> bool {
    default.type_id() == value.type_id() || (default.is_float() && value.is_int())
}
