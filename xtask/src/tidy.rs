//! `cargo xtask tidy`: what the architecture promises, checked on the tree
//! (ARCHITECTURE.md, "Code map"). Run by `.ci/run`.
//!
//! - every workspace crate declares `[lints] workspace = true`;
//! - the crate graph: core depends on no crate of ours; a format crate on
//!   core and the shared helper crates only, never on another format, the
//!   application or a front end; the application on core, helpers and
//!   formats; a front end (CLI, server) on the application and core, never on
//!   a format crate or on another front end;
//! - ARCHITECTURE.md names every crate;
//! - no source file over 1,000 lines;
//! - every recognition note code (a kebab-case literal in core or a format
//!   crate, such as `"unknown-row"`) is read by some rule script, so no note
//!   is written that no rule turns into a finding or an info.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

const MAX_LINES: usize = 1000;

/// Note codes no built-in rule needs to read, and why.
const UNREAD_NOTES: &[(&str, &str)] = &[(
    "table-missing",
    "STR-TABLE reads a table's absence from report.tables; the note is for scripts and `extract` readers",
)];

/// What a crate is, by where it lives and what it is called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Core,
    /// A crate that formats share (HTML grids, Office packages).
    Helper,
    Format,
    App,
    FrontEnd,
    Xtask,
}

struct Member {
    name: String,
    dir: PathBuf,
    kind: Kind,
    /// Our crates among its `[dependencies]` (not dev- or build-).
    deps: Vec<String>,
    lints: bool,
}

fn kind_of(dir: &Path, name: &str) -> Kind {
    match name {
        "nianbao-core" => Kind::Core,
        "nianbao-app" => Kind::App,
        "nianbao-cli" | "nianbao-server" => Kind::FrontEnd,
        "xtask" => Kind::Xtask,
        _ if dir.starts_with("formats") => Kind::Format,
        _ => Kind::Helper,
    }
}

/// The package name, our dependencies and whether `[lints] workspace = true`.
fn read_manifest(text: &str) -> (String, Vec<String>, bool) {
    let mut section = String::new();
    let (mut name, mut deps, mut lints) = (String::new(), Vec::new(), false);
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line.trim_matches(|c| c == '[' || c == ']').to_string();
            continue;
        }
        let key = line
            .split(['=', '.'])
            .next()
            .unwrap_or_default()
            .trim()
            .trim_matches('"');
        match section.as_str() {
            "package" if key == "name" => {
                name = line
                    .split('=')
                    .nth(1)
                    .unwrap_or_default()
                    .trim()
                    .trim_matches('"')
                    .to_string();
            }
            "dependencies" if key.starts_with("nianbao-") => deps.push(key.to_string()),
            "lints" if line.replace(' ', "") == "workspace=true" => lints = true,
            _ => {}
        }
    }
    (name, deps, lints)
}

fn members(root: &Path) -> Result<Vec<Member>> {
    let mut out = Vec::new();
    let mut dirs: Vec<PathBuf> = Vec::new();
    for group in ["crates", "formats"] {
        for e in std::fs::read_dir(root.join(group)).with_context(|| format!("reading {group}/"))? {
            dirs.push(PathBuf::from(group).join(e?.file_name()));
        }
    }
    dirs.push(PathBuf::from("xtask"));
    dirs.sort();
    for dir in dirs {
        let manifest = root.join(&dir).join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&manifest) else {
            continue;
        };
        let (name, deps, lints) = read_manifest(&text);
        out.push(Member {
            kind: kind_of(&dir, &name),
            name,
            dir,
            deps,
            lints,
        });
    }
    Ok(out)
}

/// Why `from` may not depend on `to`, if it may not.
fn forbidden(from: Kind, to: Kind) -> Option<&'static str> {
    use Kind::*;
    match (from, to) {
        (Core, _) => Some("core depends on no crate of ours"),
        (Helper, Core) => None,
        (Helper, _) => Some("a shared helper crate depends on core only"),
        (Format, Core | Helper) => None,
        (Format, _) => Some("a format crate depends on core and the shared helpers only"),
        (App, Core | Helper | Format) => None,
        (App, _) => Some("the application core knows no front end"),
        (FrontEnd, App | Core) => None,
        (FrontEnd, _) => {
            Some("a front end goes through the application (formats are the app's registry)")
        }
        (Xtask, _) => None,
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for e in std::fs::read_dir(dir)? {
        let path = e?.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            rust_files(&path, out)?;
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// Kebab-case string literals (`"unknown-row"`) in a source file, outside
/// `#[cfg(test)]` modules kept in their own `tests.rs`.
fn kebab_literals(text: &str, out: &mut BTreeSet<String>) {
    let mut rest = text;
    while let Some(i) = rest.find('"') {
        rest = &rest[i + 1..];
        let Some(j) = rest.find('"') else { break };
        let lit = &rest[..j];
        let words: Vec<&str> = lit.split('-').collect();
        if words.len() > 1
            && words
                .iter()
                .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
        {
            out.insert(lit.to_string());
        }
        rest = &rest[j + 1..];
    }
}

pub fn run(root: &Path) -> Result<()> {
    let mut problems = Vec::new();
    let members = members(root)?;
    let kind_by_name = |n: &str| members.iter().find(|m| m.name == n).map(|m| m.kind);
    let architecture =
        std::fs::read_to_string(root.join("ARCHITECTURE.md")).context("reading ARCHITECTURE.md")?;
    for m in &members {
        if !m.lints {
            problems.push(format!(
                "{}/Cargo.toml: add `[lints] workspace = true`",
                m.dir.display()
            ));
        }
        for d in &m.deps {
            if let Some(why) = kind_by_name(d).and_then(|k| forbidden(m.kind, k)) {
                problems.push(format!("{} depends on {d}: {why}", m.name));
            }
        }
        if m.kind != Kind::Xtask && !architecture.contains(&format!("`{}`", m.name)) {
            problems.push(format!(
                "ARCHITECTURE.md: the code map does not name `{}`",
                m.name
            ));
        }
    }

    let mut sources = Vec::new();
    for m in &members {
        rust_files(&root.join(&m.dir), &mut sources)?;
    }
    let mut codes = BTreeSet::new();
    for path in &sources {
        let text = std::fs::read_to_string(path)?;
        let shown = path
            .strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string();
        let lines = text.lines().count();
        if lines > MAX_LINES {
            problems.push(format!(
                "{shown}: {lines} lines (over {MAX_LINES}: split it along its seams)"
            ));
        }
        // Recognition notes are written by core's recognition and check and
        // by format crates; adapter.rs names error kinds, not notes.
        let recognition = (shown.starts_with("crates/nianbao-core/src")
            && !shown.ends_with("/adapter.rs"))
            || (shown.starts_with("formats/") && shown.contains("/src/"));
        if recognition && !shown.ends_with("tests.rs") {
            kebab_literals(&text, &mut codes);
        }
    }
    let mut rules = String::new();
    let mut scripts = Vec::new();
    collect_scripts(&root.join("rules"), &mut scripts)?;
    for s in &scripts {
        rules.push_str(&std::fs::read_to_string(s)?);
    }
    for code in &codes {
        let explained = UNREAD_NOTES.iter().any(|(c, _)| c == code);
        if !explained && !rules.contains(&format!("\"{code}\"")) {
            problems.push(format!(
                "recognition note code \"{code}\" is read by no rule in rules/ (a note no rule turns into a finding)"
            ));
        }
    }

    if problems.is_empty() {
        eprintln!(
            "tidy: {} crates, {} source files, {} note codes: all as ARCHITECTURE.md says",
            members.len(),
            sources.len(),
            codes.len()
        );
        Ok(())
    } else {
        for p in &problems {
            eprintln!("tidy: {p}");
        }
        bail!("tidy found {} problem(s)", problems.len())
    }
}

fn collect_scripts(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for e in std::fs::read_dir(dir)? {
        let path = e?.path();
        if path.is_dir() {
            collect_scripts(&path, out)?;
        } else if path.extension().is_some_and(|x| x == "rhai") {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_are_read_for_what_tidy_checks() {
        let (name, deps, lints) = read_manifest(
            "[package]\nname = \"nianbao-x\"\n\n[lints]\nworkspace = true\n\n[dependencies]\nnianbao-core.workspace = true\nnianbao-docx = { path = \"../d\" }\nserde = \"1\"\n\n[dev-dependencies]\nnianbao-pdf.workspace = true\n",
        );
        assert_eq!(name, "nianbao-x");
        assert_eq!(deps, ["nianbao-core", "nianbao-docx"]);
        assert!(lints);
    }

    #[test]
    fn the_crate_graph_rules() {
        use Kind::*;
        assert!(forbidden(Format, Format).is_some());
        assert!(forbidden(Format, Helper).is_none());
        assert!(forbidden(Core, Helper).is_some());
        assert!(forbidden(FrontEnd, Format).is_some());
        assert!(forbidden(FrontEnd, App).is_none());
        assert!(forbidden(App, FrontEnd).is_some());
    }

    #[test]
    fn note_codes_are_kebab_literals() {
        let mut s = BTreeSet::new();
        kebab_literals(
            r#"code: "unknown-row".into(), x: "w:val", "a-", "table", "cell-count""#,
            &mut s,
        );
        assert_eq!(
            s.into_iter().collect::<Vec<_>>(),
            ["cell-count", "unknown-row"]
        );
    }

    #[test]
    fn the_tree_is_tidy() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        run(&root).unwrap();
    }
}
