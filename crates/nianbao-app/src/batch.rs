//! Checking files on a worker pool, each with the rule set of its
//! configuration, with panic isolation so that one bad file never stops the
//! batch (or the server).
//!
//! # Invariants
//! - The panic hook is installed once per process ([`install_panic_hook`]),
//!   never swapped per batch: two batches may run at once (the server). It
//!   records where a panic happened only on a thread that is checking a file
//!   (a thread-local flag set around each check) and hands every other panic
//!   to the hook that was there before.
//! - Rule sets are compiled once per configuration and shared read-only by
//!   every worker ([`Profiles`]); nothing here is global per batch.

use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Once;

use nianbao_core::{
    CheckOptions, Checked, FileResult, ReadError, ReadErrorKind, Registry, RuleSet,
};
use rayon::prelude::*;

use crate::Error;
use crate::profile::Profiles;

thread_local! {
    /// Whether this thread is inside a guarded check.
    static CHECKING: Cell<bool> = const { Cell::new(false) };
    /// Where the last panic in a guarded check on this thread happened.
    static PANIC_AT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs, once per process, the panic hook that keeps a panic inside a
/// check quiet (its place goes into the file's error instead of across a
/// progress bar) and leaves every other panic to the previous hook.
pub fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if CHECKING.with(Cell::get) {
                let at = info
                    .location()
                    .map(|l| format!("{}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                PANIC_AT.with(|p| *p.borrow_mut() = Some(at));
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs `f` with a panic turned into the message of an internal error.
fn guarded<T>(path: &Path, f: impl FnOnce() -> T) -> Result<T, ReadError> {
    install_panic_hook();
    let was = CHECKING.with(|c| c.replace(true));
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        test_panic(path);
        f()
    }));
    CHECKING.with(|c| c.set(was));
    outcome.map_err(|payload| {
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
        ReadError::new(
            ReadErrorKind::Other,
            format!("内部错误，此文件未能检查（请报告此问题）：{what}{at}"),
        )
    })
}

/// Checks one file on disk; a panic becomes the file's error.
pub fn check_one(
    registry: &Registry,
    rules: &RuleSet,
    options: &CheckOptions<'_>,
    path: &Path,
) -> FileResult {
    check_one_keeping(registry, rules, options, path, |_| ()).0
}

/// [`check_one`], also giving what `keep` takes from the checked file while
/// its report is at hand (the notes of an annotated copy, say).
pub fn check_one_keeping<T>(
    registry: &Registry,
    rules: &RuleSet,
    options: &CheckOptions<'_>,
    path: &Path,
    keep: impl FnOnce(&Checked) -> T,
) -> (FileResult, Option<T>) {
    let started = std::time::Instant::now();
    let bytes = match nianbao_core::read_file(path) {
        Ok(b) => b,
        Err(e) => {
            let mut r = FileResult::empty(path);
            r.read_error = Some(e);
            return (r, None);
        }
    };
    let file_time = started.elapsed();
    let (mut r, kept) = check_bytes_keeping(registry, rules, options, path, &bytes, keep);
    r.timings.read += file_time;
    (r, kept)
}

/// Checks a file given as bytes (an upload); `path` names it. A panic
/// becomes the file's error.
pub fn check_bytes_keeping<T>(
    registry: &Registry,
    rules: &RuleSet,
    options: &CheckOptions<'_>,
    path: &Path,
    bytes: &[u8],
    keep: impl FnOnce(&Checked) -> T,
) -> (FileResult, Option<T>) {
    match guarded(path, || {
        let checked = nianbao_core::check_bytes(registry, rules, path, bytes, options);
        let kept = checked.report.is_some().then(|| keep(&checked));
        (checked.result, kept)
    }) {
        Ok(done) => done,
        Err(e) => {
            let mut r = FileResult::empty(path);
            r.read_error = Some(e);
            (r, None)
        }
    }
}

/// The options of file `i`: the run's flags win over its configuration.
pub fn options_of<'a>(
    profiles: &'a Profiles,
    i: usize,
    run: &CheckOptions<'a>,
) -> CheckOptions<'a> {
    let profile = profiles.of(i);
    CheckOptions {
        reporter_kind: profile.options.reporter_kind,
        province: run.province.or(profile.province.as_deref()),
        city: run.city.or(profile.city.as_deref()),
        previous: run.previous,
    }
}

/// Checks every file on a local pool of `jobs` threads (0: all cores), each
/// with the rule set of its configuration; `done` is called as each file
/// finishes (progress). The results are in the order of `files`, whatever
/// the thread timing.
pub fn check_all(
    files: &[PathBuf],
    registry: &Registry,
    profiles: &Profiles,
    run: &CheckOptions<'_>,
    jobs: usize,
    done: &(dyn Fn() + Sync),
) -> Result<Vec<FileResult>, Error> {
    Ok(
        check_all_keeping(files, registry, profiles, run, jobs, done, |_| ())?
            .into_iter()
            .map(|(r, _)| r)
            .collect(),
    )
}

/// [`check_all`], keeping what `keep` takes from each readable file.
pub fn check_all_keeping<T: Send>(
    files: &[PathBuf],
    registry: &Registry,
    profiles: &Profiles,
    run: &CheckOptions<'_>,
    jobs: usize,
    done: &(dyn Fn() + Sync),
    keep: impl Fn(&Checked) -> T + Sync,
) -> Result<Vec<(FileResult, Option<T>)>, Error> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .thread_name(|i| format!("nianbao-{i}"))
        .build()
        .map_err(|e| Error::message(format!("无法启动检查线程：{e}")))?;
    Ok(pool.install(|| {
        files
            .par_iter()
            .enumerate()
            .map(|(i, p)| {
                let options = options_of(profiles, i, run);
                let r = check_one_keeping(registry, &profiles.of(i).rules, &options, p, &keep);
                done();
                r
            })
            .collect()
    }))
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

    fn seed() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/seed.yaml")
    }

    #[test]
    fn a_file_checked_from_its_bytes_gives_what_it_gives_from_disk() {
        let registry = crate::formats::registry();
        let profile =
            crate::profile::Profile::build(None, crate::profile::RuleOptions::default()).unwrap();
        let options = CheckOptions::default();
        let from_disk = check_one(&registry, &profile.rules, &options, &seed());
        let bytes = std::fs::read(seed()).unwrap();
        let (from_bytes, notes) = check_bytes_keeping(
            &registry,
            &profile.rules,
            &options,
            &seed(),
            &bytes,
            crate::annotate::notes_of,
        );
        assert!(!from_disk.findings.is_empty());
        assert_eq!(from_bytes.findings, from_disk.findings);
        assert_eq!(from_bytes.agency, from_disk.agency);
        // One placed note per finding, kept while the report was at hand.
        assert_eq!(notes.unwrap().len(), from_bytes.findings.len());
        // An upload that is no report says so, with no notes.
        let (r, notes) = check_bytes_keeping(
            &registry,
            &profile.rules,
            &options,
            Path::new("x.txt"),
            "你好".as_bytes(),
            crate::annotate::notes_of,
        );
        assert!(r.read_error.is_some());
        assert!(notes.is_none());
    }

    #[test]
    fn a_panic_in_a_check_is_that_files_error_and_the_hook_stays() {
        let r = guarded(Path::new("x.yaml"), || -> () { panic!("boom") });
        let e = r.unwrap_err();
        assert!(e.message.contains("boom"), "{}", e.message);
        assert!(e.message.contains("batch.rs"), "{}", e.message);
        // A second guarded call on another thread works the same way.
        let e = std::thread::spawn(|| guarded(Path::new("y.yaml"), || -> () { panic!("again") }))
            .join()
            .unwrap()
            .unwrap_err();
        assert!(e.message.contains("again"));
        assert!(!CHECKING.with(Cell::get));
    }
}
