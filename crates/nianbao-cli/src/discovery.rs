//! Which `nianbao.toml` applies to each checked file: found like ruff's
//! `ruff.toml`, the nearest in the file's folder or a parent, else the one
//! found from the working directory upward. Finding files on disk is the
//! command line's business; the application core parses what it is given.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use nianbao_app::config::{Config, FILE_NAME, absolute};
use nianbao_app::profile::{Profile, Profiles, RuleOptions};

/// Finds the nearest `nianbao.toml` for each checked file.
pub struct Discovery {
    /// The one found from the working directory upward.
    from_cwd: Option<PathBuf>,
    by_dir: HashMap<PathBuf, Option<PathBuf>>,
}

impl Default for Discovery {
    fn default() -> Self {
        Self::new()
    }
}

impl Discovery {
    pub fn new() -> Discovery {
        let from_cwd = std::env::current_dir().ok().and_then(|d| nearest(&d));
        Discovery {
            from_cwd,
            by_dir: HashMap::new(),
        }
    }

    /// The configuration found from the working directory upward.
    pub fn of_cwd(&self) -> Option<PathBuf> {
        self.from_cwd.clone()
    }

    /// The nearest configuration above `file`, else the working directory's.
    pub fn for_file(&mut self, file: &Path) -> Option<PathBuf> {
        let abs = absolute(file);
        let dir = if abs.is_dir() {
            abs
        } else {
            abs.parent().map(Path::to_path_buf).unwrap_or(abs)
        };
        let found = self
            .by_dir
            .entry(dir.clone())
            .or_insert_with(|| nearest(&dir))
            .clone();
        found.or_else(|| self.from_cwd.clone())
    }
}

fn nearest(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

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

    /// The configuration of each file.
    pub fn for_files(&self, files: &[PathBuf]) -> Vec<Option<PathBuf>> {
        match self {
            ConfigChoice::None => vec![None; files.len()],
            ConfigChoice::File(p) => vec![Some(p.clone()); files.len()],
            ConfigChoice::Discover => {
                let mut d = Discovery::new();
                files.iter().map(|f| d.for_file(f)).collect()
            }
        }
    }

    /// The configuration for commands without files (`rules list|explain|test`):
    /// `--config`, else the one found from the working directory upward.
    pub fn single(&self) -> Option<PathBuf> {
        match self {
            ConfigChoice::None => None,
            ConfigChoice::File(p) => Some(p.clone()),
            ConfigChoice::Discover => Discovery::new().of_cwd(),
        }
    }
}

/// Reads every configuration the files need and compiles one rule set per
/// distinct configuration.
pub fn profiles_for_files(
    files: &[PathBuf],
    choice: &ConfigChoice,
    rules: RuleOptions<'_>,
) -> Result<Profiles, nianbao_app::Error> {
    Profiles::new(&choice.for_files(files), rules)
}

/// The profile for commands without files.
pub fn single_profile(
    choice: &ConfigChoice,
    rules: RuleOptions<'_>,
) -> Result<Profile, nianbao_app::Error> {
    let config = choice
        .single()
        .as_deref()
        .map(Config::load)
        .transpose()?
        .map(std::sync::Arc::new);
    Profile::build(config, rules)
}
