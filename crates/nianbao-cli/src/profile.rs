//! Profiles: one compiled rule set per distinct configuration of a run.
//!
//! Files of a batch may sit under different `nianbao.toml` files. Each
//! distinct configuration is read and compiled once, before checking, and
//! shared read-only by every worker thread; each file points at its profile.
//! (Provincial packs chosen by the configuration plug in at [`rule_sources`].)

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use nianbao_core::rules::RuleMeta;
use nianbao_core::{CheckOptions, Limits, RuleError, RuleSet, RuleSource};

use crate::config::{Config, Discovery};
use crate::embedded;

/// Which configuration applies (`--config`, `--no-config`, or the search).
#[derive(Debug, Clone)]
pub enum ConfigChoice {
    Discover,
    File(PathBuf),
    None,
}

impl ConfigChoice {
    pub fn from_flags(config: Option<PathBuf>, no_config: bool) -> ConfigChoice {
        match (config, no_config) {
            (_, true) => ConfigChoice::None,
            (Some(p), false) => ConfigChoice::File(p),
            (None, false) => ConfigChoice::Discover,
        }
    }
}

/// The rule folder given on the command line: `--rules DIR` adds its rules
/// to the built-in ones (a rule with a built-in id replaces that rule);
/// `--no-builtin-rules` leaves the built-in ones out.
#[derive(Debug, Clone, Copy, Default)]
pub struct CliRules<'a> {
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
    /// Reads every configuration the files need and compiles one rule set
    /// per distinct configuration, with the command line's rule folder.
    pub fn for_files(
        files: &[PathBuf],
        choice: &ConfigChoice,
        cli_rules: CliRules<'_>,
    ) -> anyhow::Result<Profiles> {
        let config_of: Vec<Option<PathBuf>> = match choice {
            ConfigChoice::None => vec![None; files.len()],
            ConfigChoice::File(p) => vec![Some(p.clone()); files.len()],
            ConfigChoice::Discover => {
                let mut d = Discovery::new();
                files.iter().map(|f| d.for_file(f)).collect()
            }
        };
        let mut index: HashMap<Option<PathBuf>, usize> = HashMap::new();
        let mut list = Vec::new();
        let mut of_file = Vec::with_capacity(files.len());
        // With no file to check, the profile of the working directory still
        // names the rules (for empty outputs).
        let wanted: Vec<Option<PathBuf>> = if files.is_empty() {
            vec![single_config_path(choice)]
        } else {
            config_of
        };
        for c in &wanted {
            let i = match index.get(c) {
                Some(i) => *i,
                None => {
                    let config = c.as_deref().map(Config::load).transpose()?.map(Arc::new);
                    list.push(Profile::build(config, cli_rules)?);
                    index.insert(c.clone(), list.len() - 1);
                    list.len() - 1
                }
            };
            of_file.push(i);
        }
        if files.is_empty() {
            of_file.clear();
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

/// The configuration for commands without files (`rules list|explain|test`):
/// `--config`, else the one found from the working directory upward.
pub fn single_config_path(choice: &ConfigChoice) -> Option<PathBuf> {
    match choice {
        ConfigChoice::None => None,
        ConfigChoice::File(p) => Some(p.clone()),
        ConfigChoice::Discover => Discovery::new().of_cwd(),
    }
}

impl Profile {
    /// The profile of one configuration (or none).
    pub fn build(config: Option<Arc<Config>>, cli_rules: CliRules<'_>) -> anyhow::Result<Profile> {
        let (base, added) = rule_sources(config.as_deref(), cli_rules)?;
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

    /// The profile for commands without files.
    pub fn single(choice: &ConfigChoice, cli_rules: CliRules<'_>) -> anyhow::Result<Profile> {
        let config = single_config_path(choice)
            .as_deref()
            .map(Config::load)
            .transpose()?
            .map(Arc::new);
        Profile::build(config, cli_rules)
    }
}

/// The rule scripts of a profile, as (base, added): the base is the built-in
/// rules, or the configuration's `rules_dir` in their place, or nothing with
/// `--no-builtin-rules`; added are `--rules DIR` and every `extend_rules`
/// folder (a folder named twice is read once).
pub fn rule_sources(
    config: Option<&Config>,
    cli_rules: CliRules<'_>,
) -> anyhow::Result<(Vec<RuleSource>, Vec<RuleSource>)> {
    let config_path = config.map_or("", |c| c.path.as_str());
    let base = match (
        cli_rules.no_builtin,
        config.and_then(|c| c.rules_dir.as_ref()),
    ) {
        (true, _) => Vec::new(),
        (false, Some(dir)) => read_rule_dir(&dir.value).with_context(|| {
            format!(
                "{config_path}:{}: 无法读取规则目录 {}（rules_dir）",
                dir.line,
                dir.value.display()
            )
        })?,
        (false, None) => embedded::sources(),
    };
    let mut added = Vec::new();
    let mut seen = std::collections::HashSet::new();
    if let Some(dir) = cli_rules.dir {
        if !dir.is_dir() {
            anyhow::bail!("规则目录 {} 不存在（--rules）", dir.display());
        }
        seen.insert(dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf()));
        added.extend(
            read_rule_dir(dir).with_context(|| format!("无法读取规则目录 {}", dir.display()))?,
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
        added.extend(read_rule_dir(&dir.value).with_context(|| {
            format!(
                "{config_path}:{}: 无法读取规则目录 {}（extend_rules）",
                dir.line,
                dir.value.display()
            )
        })?);
    }
    Ok((base, added))
}

/// 「规则：内置 39 条 + my-rules/ 2 条（其中 1 条替换同编号的内置规则：…）」 when a run's rules
/// are not the built-in set alone, so a changed rule set is never silent.
pub fn rules_note(rules: &RuleSet, cli_rules: CliRules<'_>) -> Option<String> {
    let l = &rules.layers;
    if l.added == 0 && l.replaced.is_empty() && !cli_rules.no_builtin {
        return None;
    }
    let base = if cli_rules.no_builtin {
        "不用内置规则".to_string()
    } else {
        format!("内置 {} 条", l.base)
    };
    let from = cli_rules.dir.map_or("自定义规则目录".to_string(), |d| {
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

/// Every `*.rhai` under `dir`, recursively, named by its path.
pub fn read_rule_dir(dir: &Path) -> std::io::Result<Vec<RuleSource>> {
    let mut out = Vec::new();
    collect(dir, &mut out)?;
    Ok(out)
}

fn collect(dir: &Path, out: &mut Vec<RuleSource>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        if e.file_type()?.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|x| x == "rhai") {
            out.push(RuleSource {
                text: std::fs::read_to_string(&path)?,
                path: crate::config::display_path(&path),
            });
        }
    }
    Ok(())
}
