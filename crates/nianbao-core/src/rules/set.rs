//! The rule set of a run: every rule compiled once, the packs that adjust
//! them, the base and added layers they came from, and the settings that
//! configuration changes.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rhai::Engine;

use super::compile::{compile_rule, const_line, read_rule_dir, validate_pack};
use super::engine::{Limits, new_engine};
use super::meta::json_to_dynamic;
use super::pack;
use super::rule::{Rule, RuleSource, SettingError};
use crate::finding::{RuleError, Severity};

/// The compiled rules of a run, shared read-only by every worker thread.
pub struct RuleSet {
    pub(super) engine: Arc<Engine>,
    pub(super) timeout: Duration,
    pub(super) rules: Vec<Rule>,
    /// Provincial and city packs' adjustments of other rules.
    pub(super) packs: Vec<pack::Pack>,
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
        let engine = Arc::new(new_engine(limits));
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
        Ok(RuleSet::load(read_rule_dir(dir)?, limits))
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
}
