//! The Rhai rule engine: load every `*.rhai`, compile once, run on each report.
//!
//! A rule file declares its metadata as top-level constants and a
//! `fn check(report)` that returns an array of finding maps:
//!
//! ```rhai
//! const ID = "R3-IDENT";
//! const TITLE = "…";
//! const SEVERITY = "error";
//! const BASIS = "…";
//! const DESCRIPTION = "…";
//! fn check(report) { [] }
//! ```

pub mod api;
pub mod derived;
pub mod pack;
pub mod text;

use std::cell::Cell as StdCell;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rhai::{AST, Dynamic, Engine, EvalAltResult, Map, Position, Scope};

use crate::finding::{CellRef, Finding, FindingCell, Location, RuleError, Severity};
use crate::model::{Origin, Report};
use crate::schema::TableKey;

/// Sandbox limits, set explicitly because Rhai's defaults differ between
/// debug and release builds.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_operations: u64,
    pub max_call_levels: usize,
    pub max_string_size: usize,
    pub max_array_size: usize,
    pub max_map_size: usize,
    /// Wall-clock limit for one rule on one report.
    pub timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_operations: 2_000_000,
            max_call_levels: 48,
            max_string_size: 1 << 20,
            max_array_size: 100_000,
            max_map_size: 10_000,
            timeout: Duration::from_secs(2),
        }
    }
}

thread_local! {
    static DEADLINE: StdCell<Option<Instant>> = const { StdCell::new(None) };
}

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
    pub examples: Vec<Example>,
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

pub struct Rule {
    pub meta: RuleMeta,
    /// What configuration made of the rule: on/off, severity, parameters.
    pub settings: RuleSettings,
    /// Pack rules apply only to reports of their province (or city).
    pub scope: Option<pack::Scope>,
    ast: AST,
    /// Line of `fn check`, for errors raised where the script has no position.
    check_line: Option<usize>,
    /// Loaded from the base (built-in) rules of [`RuleSet::load_layered`].
    from_base: bool,
}

/// A rule's effective settings after configuration (`nianbao.toml`, packs).
#[derive(Debug, Clone)]
pub struct RuleSettings {
    pub enabled: bool,
    /// Set by configuration: overrides the rule's and each finding's severity.
    pub severity: Option<Severity>,
    pub params: Arc<Map>,
    /// Parameters set by the user's configuration; packs do not override them.
    pub configured: std::collections::BTreeSet<String>,
}

/// Why a rule setting could not be applied (an unknown id, parameter or type).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SettingError(pub String);

/// A rule's settings in force for a report: configuration over the packs
/// that apply over the script's defaults.
pub struct InForce {
    pub params: Arc<Map>,
    /// `None`: each finding's own severity, else the rule's.
    pub severity: Option<Severity>,
    /// The packs that changed the severity or a parameter (their names).
    pub changed_by: Vec<String>,
}

impl InForce {
    /// A parameter's value in force, as JSON.
    pub fn param(&self, name: &str) -> Option<serde_json::Value> {
        self.params.get(name).and_then(to_json)
    }
}

impl Rule {
    /// Whether the rule is one of the base (built-in) rules of
    /// [`RuleSet::load_layered`], not one added over them.
    pub fn is_base(&self) -> bool {
        self.from_base
    }

    /// The settings in force under these packs (from [`RuleSet::packs_for`]);
    /// what the user's configuration set wins over a pack.
    pub fn in_force(&self, packs: &[&pack::Pack]) -> InForce {
        let mut params = self.settings.params.clone();
        let mut severity = None;
        let mut changed_by = Vec::new();
        for p in packs {
            if let Some(s) = p.severity.get(&self.meta.id) {
                severity = Some(*s);
                if *s != self.meta.severity {
                    changed_by.push(p.name.clone());
                }
            }
            if let Some(over) = p.params.get(&self.meta.id) {
                let mut m = (*params).clone();
                for (k, v) in over {
                    if !self.settings.configured.contains(k.as_str()) {
                        let old = m.insert(k.clone(), v.clone());
                        if old.as_ref().and_then(to_json) != to_json(v) {
                            changed_by.push(p.name.clone());
                        }
                    }
                }
                params = Arc::new(m);
            }
        }
        changed_by.dedup();
        InForce {
            params,
            severity: self.settings.severity.or(severity),
            changed_by,
        }
    }

    /// A parameter's effective value (after configuration), as JSON.
    pub fn param(&self, name: &str) -> Option<serde_json::Value> {
        self.settings.params.get(name).and_then(to_json)
    }
}

/// One rule script to load: a display path and its text.
pub struct RuleSource {
    pub path: String,
    pub text: String,
}

/// The compiled rules of a run, shared read-only by every worker thread.
pub struct RuleSet {
    engine: Engine,
    timeout: Duration,
    rules: Vec<Rule>,
    /// Provincial and city packs' adjustments of other rules.
    packs: Vec<pack::Pack>,
    /// Rules that failed to load; the others still run.
    pub load_errors: Vec<RuleError>,
    /// How many rules came from the base set and how many were added
    /// ([`RuleSet::load_layered`]), for saying what a run used.
    pub layers: Layers,
}

/// Where a rule set's rules came from: the base (built-in) rules and the
/// rules added over them; an added rule with a base rule's id replaces it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layers {
    pub base: usize,
    pub added: usize,
    /// Ids of base rules that an added rule replaced.
    pub replaced: Vec<String>,
}

/// What a run knows besides the report itself.
#[derive(Default, Clone, Copy)]
pub struct Context<'a> {
    /// Last year's report of the same agency (cross-year rules).
    pub previous: Option<&'a Arc<Report>>,
    /// The province's pinyin, when given (`--province`, configuration);
    /// otherwise the one of the agency's region.
    pub province: Option<&'a str>,
    /// The city pack folder's pinyin (`city` in `nianbao.toml`); otherwise
    /// the agency's city selects city packs by name.
    pub city: Option<&'a str>,
}

/// What running the rules on one report gave.
#[derive(Debug, Default)]
pub struct RuleOutcome {
    pub findings: Vec<Finding>,
    pub errors: Vec<RuleError>,
    /// Time in each rule that ran, by id (`nianbao check --timings`).
    pub timings: Vec<(String, Duration)>,
    /// Time building the report's shared text data, not counted in any rule.
    pub shared: Duration,
}

pub fn new_engine(limits: &Limits) -> Engine {
    let mut engine = Engine::new();
    engine
        .set_max_operations(limits.max_operations)
        .set_max_call_levels(limits.max_call_levels)
        .set_max_expr_depths(64, 32)
        .set_max_string_size(limits.max_string_size)
        .set_max_array_size(limits.max_array_size)
        .set_max_map_size(limits.max_map_size)
        .set_max_variables(1_000)
        .set_max_functions(500)
        .set_max_modules(0)
        // The engine is shared by every worker thread. Rhai's string interner
        // sits behind one lock, and a thread that finds it taken sleeps 10 ms
        // (rhai 1.27, `locked_write`): with two threads the batch ran at 1.1
        // cores. Interning only saves small allocations; without it the
        // workers share nothing mutable.
        .set_max_strings_interned(0)
        .set_strict_variables(true)
        // Constant expressions folded and constant conditions pruned once,
        // when a script is compiled, not on every report.
        .set_optimization_level(rhai::OptimizationLevel::Full);
    engine.disable_symbol("eval");
    // Scripts must not print into the report output.
    engine.on_print(|_| {});
    engine.on_debug(|_, _, _| {});
    engine.on_progress(|ops| {
        if ops % 4096 != 0 {
            return None;
        }
        DEADLINE.with(|d| {
            d.get()
                .filter(|t| Instant::now() >= *t)
                .map(|_| Dynamic::from("timeout"))
        })
    });
    api::register(&mut engine);
    text::register(&mut engine);
    engine
}

impl RuleSet {
    /// Compiles every source. Files that fail are reported in `load_errors`.
    pub fn load(sources: Vec<RuleSource>, limits: &Limits) -> RuleSet {
        RuleSet::load_layered(Vec::new(), sources, limits)
    }

    /// Loads `base` (the built-in rules), then `added` over them: an added
    /// rule with a base rule's id replaces it (a copied and edited rule), the
    /// same file given twice counts once, and two added rules with one id are
    /// an error.
    pub fn load_layered(base: Vec<RuleSource>, added: Vec<RuleSource>, limits: &Limits) -> RuleSet {
        let engine = new_engine(limits);
        let mut rules: Vec<Rule> = Vec::new();
        let mut load_errors = Vec::new();
        let mut layers = Layers::default();
        let mut base = base;
        base.sort_by(|a, b| a.path.cmp(&b.path));
        let mut added = added;
        added.sort_by(|a, b| a.path.cmp(&b.path));
        added.dedup_by(|a, b| a.path == b.path);
        let base_count = base.len();
        let mut packs = Vec::new();
        for (i, src) in base.into_iter().chain(added).enumerate() {
            let from_base = i < base_count;
            if src.path.rsplit(['/', '\\']).next() == Some("pack.rhai") {
                match pack::parse(&engine, &src.path, &src.text) {
                    Ok(p) => {
                        // An added pack for a province (or city) replaces the built-in one.
                        if !from_base {
                            let label = p.scope.label();
                            packs.retain(|(q, base): &(pack::Pack, bool)| {
                                !(*base && q.scope.label() == label)
                            });
                        }
                        packs.push((p, from_base));
                    }
                    Err(e) => load_errors.push(e),
                }
                continue;
            }
            match compile_rule(&engine, &src) {
                Ok(rule) => {
                    let same = rules.iter().position(|r| r.meta.id == rule.meta.id);
                    let replaces = same.filter(|&k| !from_base && rules[k].from_base);
                    if let Some(k) = replaces {
                        // The user's copy of a built-in rule wins over it.
                        layers.replaced.push(rule.meta.id.clone());
                        rules[k] = rule;
                        continue;
                    }
                    if let Some(other) = same.map(|k| &rules[k]) {
                        load_errors.push(RuleError {
                            rule: Some(rule.meta.id.clone()),
                            file: src.path.clone(),
                            line: const_line(&src.text, "ID"),
                            message: format!(
                                "规则编号 {} 与 {} 重复",
                                rule.meta.id, other.meta.file
                            ),
                        });
                    } else {
                        rules.push(Rule { from_base, ..rule });
                    }
                }
                Err(e) => load_errors.push(e),
            }
        }
        layers.base = rules.iter().filter(|r| r.from_base).count();
        layers.added = rules.len() - layers.base;
        rules.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
        let packs = packs
            .into_iter()
            .map(|(p, _)| p)
            .filter(|p| match validate_pack(p, &rules) {
                Ok(()) => true,
                Err(e) => {
                    load_errors.push(e);
                    false
                }
            })
            .collect();
        RuleSet {
            engine,
            timeout: limits.timeout,
            rules,
            packs,
            load_errors,
            layers,
        }
    }

    /// The packs loaded (for `rules list` and docs).
    pub fn packs(&self) -> &[pack::Pack] {
        &self.packs
    }

    /// Loads every `*.rhai` under `dir` (recursively); messages name each file by its path.
    pub fn load_dir(dir: &Path, limits: &Limits) -> std::io::Result<RuleSet> {
        let mut sources = Vec::new();
        collect_rhai(dir, &mut sources)?;
        Ok(RuleSet::load(sources, limits))
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.meta.id == id)
    }

    fn rule_mut(&mut self, id: &str) -> Result<&mut Rule, SettingError> {
        self.rules
            .iter_mut()
            .find(|r| r.meta.id == id)
            .ok_or_else(|| {
                SettingError(format!(
                    "没有规则 {id}（用 nianbao rules list 查看全部规则）"
                ))
            })
    }

    /// Turns a rule on or off.
    pub fn set_enabled(&mut self, id: &str, enabled: bool) -> Result<(), SettingError> {
        self.rule_mut(id)?.settings.enabled = enabled;
        Ok(())
    }

    /// Overrides a rule's severity for every finding it gives.
    pub fn set_severity(&mut self, id: &str, severity: Severity) -> Result<(), SettingError> {
        self.rule_mut(id)?.settings.severity = Some(severity);
        Ok(())
    }

    /// Sets a parameter the rule declares in `const PARAMS`. The value must
    /// have the default's type (an integer where a float is declared is accepted).
    pub fn set_param(
        &mut self,
        id: &str,
        name: &str,
        value: serde_json::Value,
    ) -> Result<(), SettingError> {
        let rule = self.rule_mut(id)?;
        let Some(default) = rule.meta.params.get(name) else {
            let known: Vec<&str> = rule.meta.params.keys().map(String::as_str).collect();
            return Err(SettingError(if known.is_empty() {
                format!("规则 {id} 没有参数")
            } else {
                format!(
                    "规则 {id} 没有参数 \"{name}\"（可用：{}）",
                    known.join("、")
                )
            }));
        };
        let value = match (default, &value) {
            (serde_json::Value::Number(d), serde_json::Value::Number(v)) if d.is_f64() => {
                serde_json::Value::from(v.as_f64().unwrap_or_default())
            }
            (d, v)
                if std::mem::discriminant(d) == std::mem::discriminant(v)
                    && d.is_i64() == v.is_i64() =>
            {
                value
            }
            _ => {
                return Err(SettingError(format!(
                    "规则 {id} 的参数 {name} 应与默认值 {default} 同类型，实为 {value}"
                )));
            }
        };
        let mut params = (*rule.settings.params).clone();
        params.insert(name.into(), json_to_dynamic(&value));
        rule.settings.params = Arc::new(params);
        rule.settings.configured.insert(name.to_string());
        Ok(())
    }

    /// Runs every rule on the report; a failing rule does not stop the others.
    pub fn check(&self, report: &Arc<Report>) -> RuleOutcome {
        self.check_with(report, &Context::default())
    }

    /// As [`RuleSet::check`], with what else the run knows: last year's
    /// report, the province. Pack rules run only for their province (or city),
    /// and packs adjust severities and parameters of the rules they name.
    pub fn check_with(&self, report: &Arc<Report>, ctx: &Context<'_>) -> RuleOutcome {
        let region = report.meta.region.as_ref();
        let province = ctx.province.or(region.map(|r| r.province_pinyin.as_str()));
        let city = match ctx.city {
            Some(folder) => pack::CityOf::Folder(folder),
            None => pack::CityOf::Name(region.and_then(|r| r.city.as_deref())),
        };
        let packs = self.packs_for(province, city);
        let mut out = RuleOutcome::default();
        let derived = Arc::new(derived::Derived::new(report.clone()));
        derived::take_shared_time();
        for rule in self.rules.iter().filter(|r| r.settings.enabled) {
            if rule
                .scope
                .as_ref()
                .is_some_and(|s| !s.applies_to(province, city))
            {
                continue;
            }
            let InForce {
                params, severity, ..
            } = rule.in_force(&packs);
            let started = Instant::now();
            let result = self.run_in(rule, &derived, ctx.previous, params, severity);
            // Shared data built during the rule is not the rule's own time.
            let shared = derived::take_shared_time();
            out.shared += shared;
            let own = started.elapsed().saturating_sub(shared);
            out.timings.push((rule.meta.id.clone(), own));
            match result {
                Ok(mut f) => out.findings.append(&mut f),
                Err(e) => out.errors.push(e),
            }
        }
        out
    }

    /// The packs that apply to a province and city, province packs first
    /// so that a city pack has the last word.
    pub fn packs_for(&self, province: Option<&str>, city: pack::CityOf<'_>) -> Vec<&pack::Pack> {
        let mut packs: Vec<&pack::Pack> = self
            .packs
            .iter()
            .filter(|p| p.scope.applies_to(province, city))
            .collect();
        packs.sort_by_key(|p| p.scope.city.is_some());
        packs
    }

    /// Runs one rule on a report (for `rules test`).
    pub fn run(&self, rule: &Rule, report: &Arc<Report>) -> Result<Vec<Finding>, RuleError> {
        self.run_with(rule, report, None)
    }

    /// Runs one rule, with last year's report when there is one.
    pub fn run_with(
        &self,
        rule: &Rule,
        report: &Arc<Report>,
        previous: Option<&Arc<Report>>,
    ) -> Result<Vec<Finding>, RuleError> {
        self.run_in(
            rule,
            &Arc::new(derived::Derived::new(report.clone())),
            previous,
            rule.settings.params.clone(),
            rule.settings.severity,
        )
    }

    fn run_in(
        &self,
        rule: &Rule,
        derived: &Arc<derived::Derived>,
        previous: Option<&Arc<Report>>,
        params: Arc<Map>,
        severity: Option<Severity>,
    ) -> Result<Vec<Finding>, RuleError> {
        let report = derived.report();
        // A requirement that did not exist in the report's year says nothing.
        if !rule.meta.applies_to_year(report.meta.year) {
            return Ok(Vec::new());
        }
        let _current = derived::Current::set(derived);
        DEADLINE.with(|d| d.set(Some(Instant::now() + self.timeout)));
        let mut scope = Scope::new();
        let options = rhai::CallFnOptions::new()
            .eval_ast(false)
            .rewind_scope(true);
        let result = self.engine.call_fn_with_options::<Dynamic>(
            options,
            &mut scope,
            &rule.ast,
            "check",
            (api::ReportView {
                report: report.clone(),
                params,
                previous: previous.cloned(),
                derived: derived.clone(),
            },),
        );
        DEADLINE.with(|d| d.set(None));
        let value = result.map_err(|e| runtime_error(rule, &e))?;
        if value.is_unit() {
            return Ok(Vec::new());
        }
        let Some(items) = value.clone().try_cast::<rhai::Array>() else {
            return Err(rule_error(
                rule,
                rule.check_line,
                format!("check 必须返回问题数组，实际返回了 {}", value.type_name()),
            ));
        };
        items
            .into_iter()
            .map(|item| to_finding(rule, report, item, severity))
            .collect()
    }
}

fn collect_rhai(dir: &Path, out: &mut Vec<RuleSource>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let ty = e.file_type()?;
        if ty.is_dir() {
            collect_rhai(&path, out)?;
        } else if path.extension().is_some_and(|x| x == "rhai") {
            let text = std::fs::read_to_string(&path)?;
            out.push(RuleSource {
                path: path.display().to_string(),
                text,
            });
        }
    }
    Ok(())
}

fn compile_rule(engine: &Engine, src: &RuleSource) -> Result<Rule, RuleError> {
    let mut ast = engine.compile(&src.text).map_err(|e| RuleError {
        rule: None,
        file: src.path.clone(),
        line: e.1.line(),
        message: format!("脚本语法错误：{}", e.0),
    })?;
    ast.set_source(src.path.as_str());
    let err = |line: Option<usize>, message: String| RuleError {
        rule: None,
        file: src.path.clone(),
        line,
        message,
    };
    let consts: Vec<(String, Dynamic)> = ast
        .iter_literal_variables(true, false)
        .map(|(name, _, value)| (name.to_string(), value))
        .collect();
    let text = |name: &str| -> Result<String, RuleError> {
        consts
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.clone().into_string().ok())
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| {
                err(
                    const_line(&src.text, name),
                    format!("缺少规则元数据：const {name} = \"…\";"),
                )
            })
    };
    let id = text("ID")?;
    if !id.split('-').all(|part| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    }) {
        return Err(err(
            const_line(&src.text, "ID"),
            format!("规则编号 \"{id}\" 不合规范：只用大写字母、数字和连字符，如 R3-IDENT"),
        ));
    }
    let severity_text = text("SEVERITY")?;
    let severity = Severity::parse(&severity_text).ok_or_else(|| {
        err(
            const_line(&src.text, "SEVERITY"),
            format!("SEVERITY 应为 error、warning 或 info，实为 \"{severity_text}\""),
        )
    })?;
    let examples = match consts.iter().find(|(n, _)| n == "EXAMPLES") {
        Some((_, v)) => parse_examples(v).map_err(|m| err(const_line(&src.text, "EXAMPLES"), m))?,
        None => Vec::new(),
    };
    let params = match consts.iter().find(|(n, _)| n == "PARAMS") {
        Some((_, v)) => parse_params(v).map_err(|m| err(const_line(&src.text, "PARAMS"), m))?,
        None => Map::new(),
    };
    let first_year = match consts.iter().find(|(n, _)| n == "FIRST_YEAR") {
        Some((_, v)) => Some(
            v.as_int()
                .ok()
                .and_then(|y| i32::try_from(y).ok())
                .filter(|y| (2000..=2100).contains(y))
                .ok_or_else(|| {
                    err(
                        const_line(&src.text, "FIRST_YEAR"),
                        format!("FIRST_YEAR 应为年份，如 2021，实为 {v}"),
                    )
                })?,
        ),
        None => None,
    };
    let scope = match pack::folders(&src.path) {
        None => None,
        Some((province, None)) => Some(pack::Scope {
            province,
            city: None,
            city_folder: None,
        }),
        Some((province, Some(folder))) => Some(pack::Scope {
            province,
            city: Some(text("CITY").map_err(|_| {
                err(
                    None,
                    format!("市级规则包 {folder} 中的规则须写明 const CITY = \"…市\";（市的全称）"),
                )
            })?),
            city_folder: Some(folder),
        }),
    };
    let meta = RuleMeta {
        id,
        title: text("TITLE")?,
        severity,
        basis: text("BASIS")?,
        description: text("DESCRIPTION").unwrap_or_default(),
        file: src.path.clone(),
        examples,
        params: params
            .iter()
            .filter_map(|(k, v)| Some((k.to_string(), to_json(v)?)))
            .collect(),
        scope: scope.as_ref().map(pack::Scope::label),
        first_year,
    };
    let has_check = ast
        .iter_functions()
        .any(|f| f.name == "check" && f.params.len() == 1);
    if !has_check {
        return Err(RuleError {
            rule: Some(meta.id),
            ..err(None, "缺少 fn check(report) 函数".into())
        });
    }
    let check_line = src
        .text
        .lines()
        .position(|l| l.trim_start().starts_with("fn check"))
        .map(|i| i + 1);
    Ok(Rule {
        meta,
        settings: RuleSettings {
            enabled: true,
            severity: None,
            params: Arc::new(params),
            configured: Default::default(),
        },
        scope,
        ast,
        check_line,
        from_base: false,
    })
}

/// A pack may only adjust rules that exist, parameters they declare, with
/// values of the declared type.
fn validate_pack(p: &pack::Pack, rules: &[Rule]) -> Result<(), RuleError> {
    let err = |message: String| RuleError {
        rule: None,
        file: p.file.clone(),
        line: None,
        message,
    };
    let find = |id: &str| {
        rules
            .iter()
            .find(|r| r.meta.id == id)
            .ok_or_else(|| err(format!("规则包「{}」调整了不存在的规则 {id}", p.name)))
    };
    for id in p.severity.keys() {
        find(id)?;
    }
    for (id, over) in &p.params {
        let rule = find(id)?;
        for (k, v) in over {
            let Some(default) = rule.settings.params.get(k.as_str()) else {
                return Err(err(format!(
                    "规则包「{}」设置了规则 {id} 没有的参数 {k}",
                    p.name
                )));
            };
            if !pack::same_type(default, v) {
                return Err(err(format!(
                    "规则包「{}」中 {id} 的参数 {k} 应与默认值 {default} 同类型，实为 {v}",
                    p.name
                )));
            }
        }
    }
    Ok(())
}

/// `const PARAMS = #{ name: default }`: numbers, strings, booleans or arrays of them.
fn parse_params(value: &Dynamic) -> Result<Map, String> {
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

fn json_to_dynamic(v: &serde_json::Value) -> Dynamic {
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

fn parse_examples(value: &Dynamic) -> Result<Vec<Example>, String> {
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

/// The line of `const NAME`, for metadata errors.
fn const_line(text: &str, name: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            l.strip_prefix("const ").is_some_and(|r| {
                r.trim_start().starts_with(name)
                    && r.trim_start()[name.len()..].trim_start().starts_with('=')
            })
        })
        .map(|i| i + 1)
}

fn rule_error(rule: &Rule, line: Option<usize>, message: String) -> RuleError {
    RuleError {
        rule: Some(rule.meta.id.clone()),
        file: rule.meta.file.clone(),
        line,
        message,
    }
}

fn runtime_error(rule: &Rule, e: &EvalAltResult) -> RuleError {
    let inner = e.unwrap_inner();
    let pos = [inner.position(), e.position()]
        .into_iter()
        .find(|p| !p.is_none())
        .unwrap_or(Position::NONE);
    let line = pos.line().or(rule.check_line);
    let message = match inner {
        EvalAltResult::ErrorTerminated(..) => "运行超时，已中止（是否有死循环？）".to_string(),
        EvalAltResult::ErrorTooManyOperations(..) => {
            "运算次数超过上限，已中止（是否有死循环？）".to_string()
        }
        EvalAltResult::ErrorStackOverflow(..) => {
            "调用层数超过上限，已中止（是否有无限递归？）".to_string()
        }
        EvalAltResult::ErrorDataTooLarge(what, ..) => {
            format!("数据大小超过上限（{what}），已中止（字符串、数组或对象过大）")
        }
        EvalAltResult::ErrorRuntime(v, ..) => format!("规则抛出错误：{v}"),
        other => format!("运行错误：{}", strip_position(&other.to_string())),
    };
    rule_error(rule, line, message)
}

/// Rhai appends " (line 3, position 5)"; the line is reported separately.
fn strip_position(s: &str) -> String {
    match s.rfind(" (line ") {
        Some(i) if s.ends_with(')') => s[..i].to_string(),
        _ => s.to_string(),
    }
}

const FINDING_KEYS: &[&str] = &[
    "message",
    "note",
    "cells",
    "severity",
    "table",
    "row",
    "column",
    "section",
    "paragraph",
    "expected",
    "found",
];

fn to_finding(
    rule: &Rule,
    report: &Report,
    item: Dynamic,
    severity_override: Option<Severity>,
) -> Result<Finding, RuleError> {
    let bad = |msg: String| rule_error(rule, rule.check_line, msg);
    let type_name = item.type_name();
    let Some(map) = item.try_cast::<Map>() else {
        return Err(bad(format!(
            "问题应为对象映射 #{{ message: … }}，实为 {type_name}"
        )));
    };
    if let Some(k) = map.keys().find(|k| !FINDING_KEYS.contains(&k.as_str())) {
        return Err(bad(format!(
            "问题中有未知字段 \"{k}\"；可用字段：{}",
            FINDING_KEYS.join("、")
        )));
    }
    let get_str =
        |k: &str| map_str(&map, k).map_err(|t| bad(format!("字段 {k} 应为字符串，实为 {t}")));
    let get_int = |k: &str| -> Result<Option<i64>, RuleError> {
        match map.get(k) {
            None => Ok(None),
            Some(v) if v.is_unit() => Ok(None),
            Some(v) => v
                .as_int()
                .map(Some)
                .map_err(|t| bad(format!("字段 {k} 应为整数，实为 {t}"))),
        }
    };
    let message = get_str("message")?.ok_or_else(|| bad("问题缺少 message 字段".into()))?;
    // `note: n.index`: the finding is about a recognition note, located where it was made.
    let note = match get_int("note")? {
        None => None,
        Some(i) => Some(
            usize::try_from(i)
                .ok()
                .and_then(|i| report.notes.get(i))
                .ok_or_else(|| bad(format!("没有第 {i} 条识别记录（note）")))?,
        ),
    };
    let table = get_str("table")?.or_else(|| note.and_then(|n| n.table).map(|t| t.as_str().into()));
    let row = get_str("row")?.or_else(|| note.and_then(|n| n.row.clone()));
    let column = get_str("column")?;
    let mut loc = match &table {
        Some(t) => table_location(report, t, row.as_deref(), column.as_deref()).map_err(&bad)?,
        None => Location::default(),
    };
    if let Some(n) = note {
        if !matches!(n.origin, Origin::Unknown) {
            loc.cell = None;
            apply_origin(&mut loc, Some(&n.origin));
        }
    }
    let cells = match map.get("cells") {
        None => Vec::new(),
        Some(v) if v.is_unit() => Vec::new(),
        Some(v) => {
            let t = table
                .as_deref()
                .ok_or_else(|| bad("字段 cells 需要同时给出 table".into()))?;
            let items = v
                .clone()
                .try_cast::<rhai::Array>()
                .ok_or_else(|| bad(format!("字段 cells 应为数组，实为 {}", v.type_name())))?;
            items
                .into_iter()
                .map(|item| finding_cell(report, t, item).map_err(&bad))
                .collect::<Result<Vec<_>, _>>()?
        }
    };
    if let Some(n) = get_int("section")? {
        loc.section = Some(n.clamp(0, 7) as u8);
        if loc.line.is_none() {
            // 0 is the opening (title, intro), 7 the 落款: point at their first line.
            let origin = match n {
                0 => report.preamble.first().map(|p| p.origin.clone()),
                7 => report.closing.first().map(|p| p.origin.clone()),
                _ => report.section(n as u8).map(|s| s.heading_origin.clone()),
            };
            apply_origin(&mut loc, origin.as_ref());
        }
    }
    if let Some(n) = get_int("paragraph")? {
        let found = report.paragraphs().nth((n as usize).saturating_sub(1));
        if let Some((section, p)) = found {
            loc.paragraph = Some(n as usize);
            loc.section = Some(section);
            apply_origin(&mut loc, Some(&p.origin));
        }
    }
    // Configuration wins; else a rule may raise or lower one finding
    // (TXT-FEE: a warning, an error when the tables contradict the silence).
    let severity = match (severity_override, get_str("severity")?) {
        (Some(s), _) => s,
        (None, Some(s)) => Severity::parse(&s).ok_or_else(|| {
            bad(format!(
                "字段 severity 应为 error、warning 或 info，实为 \"{s}\""
            ))
        })?,
        (None, None) => rule.meta.severity,
    };
    Ok(Finding {
        rule: rule.meta.id.clone(),
        severity,
        message,
        location: loc,
        cells,
        expected: map.get("expected").and_then(to_json),
        found: map.get("found").and_then(to_json),
        basis: rule.meta.basis.clone(),
        also: Vec::new(),
    })
}

/// A string field of a finding map: `None` when absent or `()`, else the
/// string, or the type name it has instead.
fn map_str(map: &Map, k: &str) -> Result<Option<String>, &'static str> {
    match map.get(k) {
        None => Ok(None),
        Some(v) if v.is_unit() => Ok(None),
        Some(v) => v.clone().into_string().map(Some),
    }
}

/// The location of a table, a row or a cell of it, by keys.
fn table_location(
    report: &Report,
    table: &str,
    row: Option<&str>,
    column: Option<&str>,
) -> Result<Location, String> {
    let key = TableKey::parse(table).ok_or_else(|| format!("没有表 \"{table}\""))?;
    let schema = key.schema();
    let mut loc = Location {
        table: Some(table.to_string()),
        table_label: Some(schema.label.to_string()),
        ..Location::default()
    };
    if let Some(r) = row {
        let spec = schema
            .row(r)
            .ok_or_else(|| format!("{} 没有行 \"{r}\"", schema.label))?;
        loc.row = Some(spec.display.to_string());
        loc.row_key = Some(r.to_string());
    }
    if let Some(c) = column {
        let spec = schema
            .column(c)
            .ok_or_else(|| format!("{} 没有列 \"{c}\"", schema.label))?;
        loc.column = Some(spec.label.to_string());
        loc.column_key = Some(c.to_string());
    }
    let origin = match (report.table(key), row, column) {
        (Some(t), Some(r), Some(c)) => t.cell(r, c).map(|c| c.origin.clone()),
        (Some(t), Some(r), None) => t
            .cells
            .iter()
            .find(|((k, _), _)| k == r)
            .map(|(_, c)| c.origin.clone()),
        (Some(t), None, _) => Some(t.origin.clone()),
        _ => None,
    };
    apply_origin(&mut loc, origin.as_ref());
    loc.section = Some(match key {
        TableKey::T2 => 2,
        TableKey::T3 => 3,
        TableKey::T4 => 4,
    });
    Ok(loc)
}

/// One entry of a finding's `cells`: `#{ row, column, found }` in its table.
fn finding_cell(report: &Report, table: &str, item: Dynamic) -> Result<FindingCell, String> {
    let type_name = item.type_name();
    let map = item
        .try_cast::<Map>()
        .ok_or_else(|| format!("cells 的每一项应为 #{{ row, column, found }}，实为 {type_name}"))?;
    if let Some(k) = map
        .keys()
        .find(|k| !["row", "column", "found"].contains(&k.as_str()))
    {
        return Err(format!(
            "cells 中有未知字段 \"{k}\"；可用字段：row、column、found"
        ));
    }
    let text = |k: &str| map_str(&map, k).map_err(|t| format!("cells 中 {k} 应为字符串，实为 {t}"));
    Ok(FindingCell {
        location: table_location(
            report,
            table,
            text("row")?.as_deref(),
            text("column")?.as_deref(),
        )?,
        found: map.get("found").and_then(to_json),
    })
}

fn apply_origin(loc: &mut Location, origin: Option<&Origin>) {
    match origin {
        Some(Origin::Table {
            table_index,
            row,
            column,
        }) => {
            loc.cell = Some(CellRef {
                table_index: *table_index,
                row: *row,
                column: *column,
            })
        }
        Some(o) => loc.line = o.line().or(loc.line),
        None => {}
    }
}

fn to_json(v: &Dynamic) -> Option<serde_json::Value> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Cell, Table};
    use crate::value::Value;

    fn src(path: &str, text: &str) -> RuleSource {
        RuleSource {
            path: path.into(),
            text: text.into(),
        }
    }

    const HEAD: &str =
        "const TITLE = \"t\";\nconst SEVERITY = \"warning\";\nconst BASIS = \"b\";\n";

    #[test]
    fn one_compiled_rule_set_serves_every_thread() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<RuleSet>();
    }

    #[test]
    fn metadata_errors_name_the_line() {
        let set = RuleSet::load(
            vec![
                src(
                    "a.rhai",
                    "const ID = \"A-1\";\nconst TITLE = \"t\";\nconst SEVERITY = \"fatal\";\nconst BASIS = \"b\";\nfn check(r) { [] }",
                ),
                src(
                    "b.rhai",
                    &format!("const ID = \"lower\";\n{HEAD}fn check(r) {{ [] }}"),
                ),
                src(
                    "c.rhai",
                    &format!("const ID = \"C-1\";\n{HEAD}fn check(r) {{ [] }}"),
                ),
                src(
                    "d.rhai",
                    &format!("const ID = \"C-1\";\n{HEAD}fn check(r) {{ [] }}"),
                ),
                src(
                    "e.rhai",
                    &format!("const ID = \"E-1\";\n{HEAD}fn helper(r) {{ [] }}"),
                ),
            ],
            &Limits::default(),
        );
        let got: Vec<(&str, Option<usize>)> = set
            .load_errors
            .iter()
            .map(|e| (e.file.as_str(), e.line))
            .collect();
        assert_eq!(
            got,
            [
                ("a.rhai", Some(3)),
                ("b.rhai", Some(1)),
                ("d.rhai", Some(1)),
                ("e.rhai", None)
            ]
        );
        assert!(set.load_errors[2].message.contains("重复"));
        assert_eq!(set.rules().len(), 1);
    }

    #[test]
    fn parameters_severity_and_switches_come_from_configuration() {
        let text = format!(
            "const ID = \"P-1\";\n{HEAD}const PARAMS = #{{ limit: 3, ratio: 0.5 }};\nfn check(r) {{\n  [#{{ message: `${{r.param(\"limit\")}} ${{r.param(\"ratio\")}}` }}, #{{ message: \"x\", severity: \"error\" }}]\n}}"
        );
        let mut set = RuleSet::load(vec![src("p.rhai", &text)], &Limits::default());
        assert!(set.load_errors.is_empty(), "{:?}", set.load_errors);
        assert_eq!(set.rules()[0].meta.params["limit"], serde_json::json!(3));
        let report = Arc::new(Report::default());
        let out = set.check(&report);
        assert_eq!(out.findings[0].message, "3 0.5");
        assert_eq!(out.findings[0].severity, Severity::Warning);
        assert_eq!(out.findings[1].severity, Severity::Error);

        set.set_param("P-1", "limit", serde_json::json!(10))
            .unwrap();
        set.set_param("P-1", "ratio", serde_json::json!(1)).unwrap();
        assert!(
            set.set_param("P-1", "limit", serde_json::json!("ten"))
                .is_err()
        );
        assert!(set.set_param("P-1", "nope", serde_json::json!(1)).is_err());
        assert!(
            set.set_param("NOPE-1", "limit", serde_json::json!(1))
                .is_err()
        );
        set.set_severity("P-1", Severity::Info).unwrap();
        let out = set.check(&report);
        assert_eq!(out.findings[0].message, "10 1.0");
        assert!(out.findings.iter().all(|f| f.severity == Severity::Info));

        set.set_enabled("P-1", false).unwrap();
        assert!(set.check(&report).findings.is_empty());
    }

    #[test]
    fn findings_get_labels_and_origins_from_the_model() {
        let set = RuleSet::load(
            vec![src(
                "r.rhai",
                &format!(
                    "const ID = \"T-1\";\n{HEAD}fn check(r) {{\n  let t = r.table(\"t3\");\n  let c = t.cell(\"new\", \"natural\");\n  [#{{ table: \"t3\", row: \"new\", column: \"natural\", message: c.place, expected: 2, found: c.num }}]\n}}"
                ),
            )],
            &Limits::default(),
        );
        assert!(set.load_errors.is_empty(), "{:?}", set.load_errors);
        let mut report = Report::default();
        let mut t3 = Table::new(TableKey::T3, Origin::Unknown);
        let origin = Origin::Table {
            table_index: 2,
            row: 4,
            column: 4,
        };
        t3.set(
            "new",
            "natural",
            Cell {
                value: Value::Int(1),
                text: "1".into(),
                origin,
            },
        );
        report.tables.insert(TableKey::T3, t3);
        let out = set.check(&Arc::new(report));
        assert!(out.errors.is_empty(), "{:?}", out.errors);
        let f = &out.findings[0];
        assert_eq!(f.message, "表三 一、本年新收·自然人");
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(f.location.row.as_deref(), Some("一、本年新收"));
        assert_eq!(f.location.column.as_deref(), Some("自然人"));
        assert_eq!(
            f.location.cell,
            Some(CellRef {
                table_index: 2,
                row: 4,
                column: 4
            })
        );
        assert_eq!(f.found, Some(serde_json::json!(1)));
    }
}
