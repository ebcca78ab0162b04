//! Running rules on a report: which rules and packs apply, the settings in
//! force, the time each rule takes apart from the shared data it builds,
//! the deadline, and the errors a script raises.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rhai::{Dynamic, EvalAltResult, Map, Position, Scope};

use super::engine::DEADLINE;
use super::finding_maps::{rule_error, to_finding};
use super::rule::{InForce, Rule};
use super::set::RuleSet;
use super::{api, derived, pack};
use crate::finding::{Finding, RuleError, Severity};
use crate::model::Report;

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

impl RuleSet {
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
        let returned = value.type_name();
        let Some(items) = value.try_cast::<rhai::Array>() else {
            return Err(rule_error(
                rule,
                rule.check_line,
                format!("check 必须返回问题数组，实际返回了 {returned}"),
            ));
        };
        items
            .into_iter()
            .map(|item| to_finding(rule, report, item, severity))
            .collect()
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
