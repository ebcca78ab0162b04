//! One compiled rule, the script it came from, and its settings: the
//! defaults of its script, what configuration set, what packs change.

use std::sync::Arc;

use rhai::{AST, Map};

use super::meta::{RuleMeta, to_json};
use super::pack;
use crate::finding::Severity;

pub struct Rule {
    pub meta: RuleMeta,
    /// What configuration made of the rule: on/off, severity, parameters.
    pub settings: RuleSettings,
    /// Pack rules apply only to reports of their province (or city).
    pub scope: Option<pack::Scope>,
    pub(super) ast: AST,
    /// Line of `fn check`, for errors raised where the script has no position.
    pub(super) check_line: Option<usize>,
    /// Loaded from the base (built-in) rules of [`RuleSet::load_layered`].
    pub(super) from_base: bool,
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
#[derive(Clone)]
pub struct RuleSource {
    pub path: String,
    pub text: String,
}
