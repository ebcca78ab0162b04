//! Profiles: one compiled rule set per distinct configuration of a run.
//!
//! Files of a batch may sit under different `nianbao.toml` files. Each
//! distinct configuration is read and compiled once, before checking, and
//! shared read-only by every worker thread; each file points at its profile.
//! (Provincial packs chosen by the configuration plug in at [`rule_sources`].)
//! Which configuration applies to which file is the front end's decision.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use nianbao_core::rules::RuleMeta;
use nianbao_core::{CheckOptions, Limits, RuleError, RuleSet, RuleSource};

use crate::Error;
use crate::config::Config;
use crate::embedded;

/// A rule folder chosen for a run (the CLI's `--rules DIR`): its rules are
/// added to the built-in ones (a rule with a built-in id replaces that rule);
/// `no_builtin` leaves the built-in ones out.
#[derive(Debug, Clone, Copy, Default)]
pub struct RuleOptions<'a> {
    pub dir: Option<&'a Path>,
    pub no_builtin: bool,
}

/// A configuration and the rule set it makes.
pub struct Profile {
    pub config: Option<Arc<Config>>,
    pub rules: RuleSet,
    /// The configured reporter kind (other options come per run).
    pub options: CheckOptions<'static>,
    /// The configured province (pinyin), for packs and ambiguous names.
    pub province: Option<String>,
    /// The configured city (pinyin of its pack folder), for city packs.
    pub city: Option<String>,
}

/// The profiles of a run, and which one each file uses.
pub struct Profiles {
    pub list: Vec<Profile>,
    /// Index into `list`, per file (same order as the files).
    pub of_file: Vec<usize>,
}

impl Profiles {
    /// Reads every configuration the files need (`config_of[i]` is file
    /// i's, `None` for none) and compiles one rule set per distinct
    /// configuration, with the run's rule folder.
    pub fn new(
        config_of: &[Option<PathBuf>],
        rule_options: RuleOptions<'_>,
    ) -> Result<Profiles, Error> {
        let mut index: HashMap<Option<PathBuf>, usize> = HashMap::new();
        let mut list = Vec::new();
        let mut of_file = Vec::with_capacity(config_of.len());
        for c in config_of {
            let i = match index.get(c) {
                Some(i) => *i,
                None => {
                    let config = c.as_deref().map(Config::load).transpose()?.map(Arc::new);
                    list.push(Profile::build(config, rule_options)?);
                    index.insert(c.clone(), list.len() - 1);
                    list.len() - 1
                }
            };
            of_file.push(i);
        }
        Ok(Profiles { list, of_file })
    }

    pub fn of(&self, file_index: usize) -> &Profile {
        &self.list[self.of_file[file_index]]
    }

    /// Every loaded rule, by id (the first profile that has it), for titles
    /// and help text in the outputs.
    pub fn metas(&self) -> std::collections::BTreeMap<&str, &RuleMeta> {
        let mut m = std::collections::BTreeMap::new();
        for p in &self.list {
            for r in p.rules.rules() {
                m.entry(r.meta.id.as_str()).or_insert(&r.meta);
            }
        }
        m
    }

    /// Rules that failed to load, once each across profiles.
    pub fn load_errors(&self) -> Vec<RuleError> {
        let mut out: Vec<RuleError> = Vec::new();
        for p in &self.list {
            for e in &p.rules.load_errors {
                if !out.contains(e) {
                    out.push(e.clone());
                }
            }
        }
        out
    }
}

impl Profile {
    /// The profile of one configuration (or none).
    pub fn build(
        config: Option<Arc<Config>>,
        rule_options: RuleOptions<'_>,
    ) -> Result<Profile, Error> {
        let (base, added) = rule_sources(config.as_deref(), rule_options)?;
        let mut rules = RuleSet::load_layered(base, added, &Limits::default());
        let mut options = CheckOptions::default();
        if let Some(c) = &config {
            c.apply(&mut rules)?;
            options.reporter_kind = c.reporter_kind.as_ref().map(|k| k.value);
        }
        let province = config
            .as_ref()
            .and_then(|c| c.province.as_ref().map(|p| p.value.clone()));
        let city = config
            .as_ref()
            .and_then(|c| c.city.as_ref().map(|p| p.value.clone()));
        Ok(Profile {
            config,
            rules,
            options,
            province,
            city,
        })
    }
}

/// The rule scripts of a profile, as (base, added): the base is the built-in
/// rules, or the configuration's `rules_dir` in their place, or nothing with
/// `--no-builtin-rules`; added are `--rules DIR` and every `extend_rules`
/// folder (a folder named twice is read once).
pub fn rule_sources(
    config: Option<&Config>,
    rule_options: RuleOptions<'_>,
) -> Result<(Vec<RuleSource>, Vec<RuleSource>), Error> {
    let config_path = config.map_or("", |c| c.path.as_str());
    let base = match (
        rule_options.no_builtin,
        config.and_then(|c| c.rules_dir.as_ref()),
    ) {
        (true, _) => Vec::new(),
        (false, Some(dir)) => read_rule_dir(&dir.value).map_err(|e| {
            Error::io(
                format!(
                    "{config_path}:{}: 无法读取规则目录 {}（rules_dir）",
                    dir.line,
                    dir.value.display()
                ),
                e,
            )
        })?,
        (false, None) => embedded::sources(),
    };
    let mut added = Vec::new();
    let mut seen = std::collections::HashSet::new();
    if let Some(dir) = rule_options.dir {
        if !dir.is_dir() {
            return Err(Error::message(format!(
                "规则目录 {} 不存在（--rules）",
                dir.display()
            )));
        }
        seen.insert(dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf()));
        added.extend(
            read_rule_dir(dir)
                .map_err(|e| Error::io(format!("无法读取规则目录 {}", dir.display()), e))?,
        );
    }
    for dir in config
        .map(|c| c.extend_rules.as_slice())
        .unwrap_or_default()
    {
        let key = dir
            .value
            .canonicalize()
            .unwrap_or_else(|_| dir.value.clone());
        if !seen.insert(key) {
            continue;
        }
        added.extend(read_rule_dir(&dir.value).map_err(|e| {
            Error::io(
                format!(
                    "{config_path}:{}: 无法读取规则目录 {}（extend_rules）",
                    dir.line,
                    dir.value.display()
                ),
                e,
            )
        })?);
    }
    Ok((base, added))
}

/// 「规则：内置 39 条 + my-rules/ 2 条（其中 1 条替换同编号的内置规则：…）」 when a run's rules
/// are not the built-in set alone, so a changed rule set is never silent.
pub fn rules_note(rules: &RuleSet, rule_options: RuleOptions<'_>) -> Option<String> {
    let l = &rules.layers;
    if l.added == 0 && l.replaced.is_empty() && !rule_options.no_builtin {
        return None;
    }
    let base = if rule_options.no_builtin {
        "不用内置规则".to_string()
    } else {
        format!("内置 {} 条", l.base)
    };
    let from = rule_options.dir.map_or("自定义规则目录".to_string(), |d| {
        format!("{}/", d.display())
    });
    let replaced = if l.replaced.is_empty() {
        String::new()
    } else {
        format!(
            "（其中 {} 条替换同编号的内置规则：{}）",
            l.replaced.len(),
            l.replaced.join("、")
        )
    };
    Some(format!("规则：{base} + {from} {} 条{replaced}", l.added))
}

/// Every `*.rhai` under `dir`, recursively, each named by its path as the
/// user would write it (relative to the working directory when under it).
pub fn read_rule_dir(dir: &Path) -> std::io::Result<Vec<RuleSource>> {
    let mut sources = nianbao_core::rules::read_rule_dir(dir)?;
    for s in &mut sources {
        s.path = crate::config::display_path(Path::new(&s.path));
    }
    Ok(sources)
}
