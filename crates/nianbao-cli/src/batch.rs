//! Batch checking: the directory walk, the parallel run on a local rayon
//! pool, and panic isolation so that one bad file never stops the batch.

use std::cell::RefCell;
use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use nianbao_core::{CheckOptions, FileResult, ReadError, Registry, RuleSet, check_file_with};

use crate::profile::Profiles;
use rayon::prelude::*;

/// Directories deeper than this are not walked (a guard on top of the
/// visited-directory set).
const MAX_DEPTH: usize = 64;

/// Files as given; directories walked for the formats this build reads,
/// their files sorted by path. The order is the output order.
pub fn expand(paths: &[PathBuf], registry: &Registry) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found = Vec::new();
            let mut visited = HashSet::new();
            walk(p, registry, &mut found, &mut visited, 0);
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    out
}

/// The error of a run that found no report to check: nothing checked is not
/// a clean result (exit 2, not 0).
pub fn nothing_to_check(paths: &[PathBuf], registry: &Registry) -> anyhow::Error {
    let paths: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let extensions: Vec<String> = registry
        .adapters()
        .flat_map(|a| a.extensions().iter().map(|e| format!(".{e}")))
        .collect();
    anyhow::anyhow!(
        "{} 中没有可检查的报告文件（支持 {}）",
        paths.join("、"),
        extensions.join(" ")
    )
}

fn skipped(name: &str) -> bool {
    // Hidden files and folders; Office lock files (`~$x.docx`).
    name.starts_with('.') || name.starts_with("~$")
}

fn walk(
    dir: &Path,
    registry: &Registry,
    out: &mut Vec<PathBuf>,
    visited: &mut HashSet<PathBuf>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    // Symlink loops: a directory is walked once, by its canonical path.
    let Ok(canonical) = dir.canonicalize() else {
        return;
    };
    if !visited.insert(canonical) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        if skipped(&e.file_name().to_string_lossy()) {
            continue;
        }
        if path.is_dir() {
            walk(&path, registry, out, visited, depth + 1);
        } else if registry.handles_extension(&path) {
            out.push(path);
        }
    }
}

/// The progress bar: on stderr, only when asked for (a terminal, human
/// output, not `--quiet`).
pub fn progress(total: usize, show: bool) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} [{bar:30}] {pos}/{len} 个文件 {rate} 预计剩余 {eta} {wide_msg}",
    ) {
        let style = style.progress_chars("=> ").with_key(
            "rate",
            |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "每秒 {:.0} 个", s.per_sec());
            },
        );
        pb.set_style(style);
    }
    pb
}

thread_local! {
    /// Where the last panic on this thread happened, for the error message.
    static PANIC_AT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Checks every file on a local pool of `jobs` threads (0: all cores), each
/// with the rule set of its configuration. The results are in the order of
/// `files`, whatever the thread timing.
pub fn check_all(
    files: &[PathBuf],
    registry: &Registry,
    profiles: &Profiles,
    run: &CheckOptions<'_>,
    jobs: usize,
    pb: &ProgressBar,
) -> anyhow::Result<Vec<FileResult>> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .thread_name(|i| format!("nianbao-{i}"))
        .build()?;
    // A panic becomes that file's error; its location is kept for the
    // message instead of being printed across the progress bar.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        PANIC_AT.with(|p| *p.borrow_mut() = Some(at));
    }));
    let results = pool.install(|| {
        files
            .par_iter()
            .enumerate()
            .map(|(i, p)| {
                let profile = profiles.of(i);
                // Flags win over the configuration.
                let options = CheckOptions {
                    reporter_kind: profile.options.reporter_kind,
                    province: run.province.or(profile.province.as_deref()),
                    city: run.city.or(profile.city.as_deref()),
                    previous: run.previous,
                };
                let r = check_one(registry, &profile.rules, &options, p);
                pb.inc(1);
                r
            })
            .collect()
    });
    std::panic::set_hook(previous);
    Ok(results)
}

/// `check_file`, with a panic turned into a per-file error.
pub fn check_one(
    registry: &Registry,
    rules: &RuleSet,
    options: &CheckOptions<'_>,
    path: &Path,
) -> FileResult {
    match catch_unwind(AssertUnwindSafe(|| {
        test_panic(path);
        check_file_with(registry, rules, path, options)
    })) {
        Ok(r) => r,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "未知错误".into());
            let at = PANIC_AT.with(|p| p.borrow_mut().take()).unwrap_or_default();
            let at = if at.is_empty() {
                String::new()
            } else {
                format!("（{at}）")
            };
            FileResult {
                read_error: Some(ReadError {
                    message: format!("内部错误，此文件未能检查（请报告此问题）：{what}{at}"),
                    line: None,
                    column: None,
                }),
                ..FileResult::empty(path)
            }
        }
    }
}

/// Tests only (debug builds): `NIANBAO_TEST_PANIC=name` makes the check of
/// any file with that file name panic, to prove the batch survives it.
#[cfg(debug_assertions)]
fn test_panic(path: &Path) {
    let name = std::env::var_os("NIANBAO_TEST_PANIC");
    if name.is_some() && path.file_name() == name.as_deref() {
        panic!("NIANBAO_TEST_PANIC");
    }
}

#[cfg(not(debug_assertions))]
fn test_panic(_: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_and_lock_files_are_skipped() {
        assert!(skipped(".git"));
        assert!(skipped("~$报告.docx"));
        assert!(!skipped("报告.yaml"));
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_end() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("a");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("r.yaml"), "meta: {}\n").unwrap();
        std::os::unix::fs::symlink(dir.path(), sub.join("loop")).unwrap();
        let files = expand(&[dir.path().to_path_buf()], &crate::registry::registry());
        assert_eq!(files, vec![sub.join("r.yaml")]);
    }
}
