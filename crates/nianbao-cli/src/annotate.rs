//! `nianbao annotate`: the findings of a check written back into copies of
//! the files (see `nianbao_app::annotate`), each file parsed once. Here: which
//! copy goes where, and the report of what was written. The originals are
//! never written to.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::bail;
use nianbao_app::annotate::{self as marks, Marked};
use nianbao_app::fs::write_atomic;
use nianbao_app::summary::Summary;
use nianbao_app::{cross_year, files, formats, review};
use nianbao_core::{FileResult, Registry};
use rayon::prelude::*;

use crate::discovery::{self, ConfigChoice};

/// What `nianbao annotate` was asked for (the options it shares with `check`).
pub struct Options {
    pub paths: Vec<PathBuf>,
    pub output: Option<PathBuf>,
    pub out_dir: Option<PathBuf>,
    pub rules: Option<PathBuf>,
    pub no_builtin_rules: bool,
    pub jobs: Option<usize>,
    pub quiet: bool,
    pub previous: Option<PathBuf>,
    pub previous_dir: Option<PathBuf>,
    pub province: Option<String>,
    pub config: Option<PathBuf>,
    pub no_config: bool,
    pub baseline: Option<PathBuf>,
}

/// Each file to check, with the path of its annotated copy: `-o FILE` for a
/// single file, else under `--out-dir` with the file's path below the folder
/// given (a file given by itself goes to the top of `--out-dir`).
fn targets(o: &Options, registry: &Registry) -> anyhow::Result<Vec<(PathBuf, PathBuf)>> {
    let mut out = Vec::new();
    match (&o.output, &o.out_dir) {
        (Some(file), None) => {
            let [one] = o.paths.as_slice() else {
                bail!("-o 只能用于一个文件；批注多个文件或目录请用 --out-dir 目录");
            };
            if one.is_dir() {
                bail!("-o 只能用于一个文件；批注目录请用 --out-dir 目录");
            }
            out.push((one.clone(), file.clone()));
        }
        (None, Some(dir)) => {
            // Copies written into a folder being annotated are not annotated again.
            let skip = dir.canonicalize().ok();
            for p in &o.paths {
                for f in files::expand(std::slice::from_ref(p), registry) {
                    let inside = skip
                        .as_ref()
                        .is_some_and(|d| f.canonicalize().is_ok_and(|c| c.starts_with(d)));
                    if inside {
                        continue;
                    }
                    let rel = if p.is_dir() {
                        f.strip_prefix(p)
                            .map(Path::to_path_buf)
                            .unwrap_or_else(|_| {
                                f.file_name().map(PathBuf::from).unwrap_or_default()
                            })
                    } else {
                        f.file_name().map(PathBuf::from).unwrap_or_default()
                    };
                    out.push((f.clone(), dir.join(rel)));
                }
            }
        }
        (Some(_), Some(_)) => bail!("-o 与 --out-dir 只能用一个"),
        (None, None) => bail!(
            "请用 -o 文件 指定批注副本（如 -o 年报.批注.docx），或用 --out-dir 目录；原文件不会被修改"
        ),
    }
    Ok(out)
}

/// Whether two paths name the same file (the second may not exist yet).
fn same_file(a: &Path, b: &Path) -> bool {
    let Ok(a) = a.canonicalize() else {
        return false;
    };
    if let Ok(b) = b.canonicalize() {
        return a == b;
    }
    let parent = match b.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.canonicalize().ok(),
        _ => std::env::current_dir().ok(),
    };
    parent
        .zip(b.file_name())
        .is_some_and(|(p, n)| p.join(n) == a)
}

/// What became of one file.
enum Outcome {
    /// The copy was written with this many marks.
    Marked(usize),
    /// Could not be checked, or its copy could not be written: why.
    Failed(String),
}

/// Writes the annotated copy of one checked file, with the notes the check
/// placed for the findings that remain after the review.
fn annotate_one(
    registry: &Registry,
    r: &FileResult,
    marked: Option<Vec<Marked>>,
    source: &Path,
    target: &Path,
) -> Outcome {
    if let Some(e) = &r.read_error {
        return Outcome::Failed(format!("无法读取：{e}"));
    }
    let format = r.format.as_deref().unwrap_or_default();
    if !marks::can_annotate(registry, format) {
        return Outcome::Failed(format!(
            "{format} 格式不能写入批注（可批注 {}）；请用 nianbao check 查看问题",
            marks::annotatable(registry)
        ));
    }
    let result = (|| -> anyhow::Result<usize> {
        let bytes = std::fs::read(source).map_err(|e| anyhow::anyhow!("无法读取文件: {e}"))?;
        let notes = marks::remaining_notes(marked.unwrap_or_default(), &r.findings);
        let copy = marks::annotate(registry, format, &bytes, &notes)?;
        if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| anyhow::anyhow!("无法创建目录 {}: {e}", dir.display()))?;
        }
        write_atomic(target, &copy)?;
        Ok(r.findings.len())
    })();
    match result {
        Ok(n) => Outcome::Marked(n),
        Err(e) => Outcome::Failed(format!("{e:#}")),
    }
}

pub fn run(o: Options) -> anyhow::Result<i32> {
    let started = Instant::now();
    let registry = formats::registry();
    let pairs = targets(&o, &registry)?;
    for (source, target) in &pairs {
        if same_file(source, target) {
            bail!(
                "批注副本不能覆盖原文件 {}：请换一个输出文件名或目录",
                source.display()
            );
        }
    }
    let files: Vec<PathBuf> = pairs.iter().map(|(s, _)| s.clone()).collect();
    if files.is_empty() {
        return Err(crate::batch::nothing_to_check(&o.paths, &registry));
    }
    let choice = ConfigChoice::from_flags(o.config.clone(), o.no_config);
    let cli_rules = nianbao_app::profile::RuleOptions {
        dir: o.rules.as_deref(),
        no_builtin: o.no_builtin_rules,
    };
    let profiles = discovery::profiles_for_files(&files, &choice, cli_rules)?;
    if let Some(note) = profiles
        .list
        .first()
        .and_then(|p| nianbao_app::profile::rules_note(&p.rules, cli_rules))
    {
        eprintln!("{note}");
    }
    let baseline = o.baseline.as_deref().map(review::read).transpose()?;
    if o.previous.is_some() && files.len() > 1 {
        bail!("--previous 只能与一个报告文件同用；批注多个文件请用 --previous-dir");
    }
    let last_year = match (&o.previous, &o.previous_dir) {
        (Some(f), _) => Some(cross_year::LastYear::file(&registry, f)?),
        (None, Some(d)) => Some(cross_year::LastYear::dir(&registry, d)?),
        (None, None) => None,
    };
    if let Some(p) = o.province.as_deref() {
        cross_year::check_province(p)?;
    }
    let lookup = |r: &nianbao_core::Report| last_year.as_ref().and_then(|l| l.find(r));
    let run_options = nianbao_core::CheckOptions {
        reporter_kind: None,
        province: o.province.as_deref(),
        city: None,
        previous: last_year
            .is_some()
            .then_some(&lookup as &nianbao_core::check::PreviousLookup),
    };
    let jobs = o.jobs.unwrap_or(0);
    // Each finding's note is placed while the file's report is at hand.
    let (mut results, marked): (Vec<FileResult>, Vec<Option<Vec<Marked>>>) =
        nianbao_app::batch::check_all_keeping(
            &files,
            &registry,
            &profiles,
            &run_options,
            jobs,
            &|| {},
            marks::notes_of,
        )?
        .into_iter()
        .unzip();
    // Accepted findings (baseline, [[ignore]]) are not marked.
    let review = review::apply(&mut results, &profiles, baseline.as_ref());
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build()?;
    let outcomes: Vec<Outcome> = pool.install(|| {
        results
            .par_iter()
            .zip(marked.into_par_iter())
            .zip(pairs.par_iter())
            .map(|((r, marked), (source, target))| {
                // A panic in a writer is this file's failure, not the batch's.
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    annotate_one(&registry, r, marked, source, target)
                }))
                .unwrap_or_else(|_| {
                    Outcome::Failed("内部错误，未能写入批注（请报告此问题）".into())
                })
            })
            .collect()
    });
    let mut failed = 0;
    let mut text = String::new();
    for ((r, (source, target)), outcome) in results.iter().zip(&pairs).zip(&outcomes) {
        let accepted = match r.suppressed.len() {
            0 => String::new(),
            n => format!("（已接受 {n} 项，未批注）"),
        };
        let line = match outcome {
            Outcome::Marked(0) if accepted.is_empty() => format!(
                "{} → {}：未发现问题，原样复制",
                source.display(),
                target.display()
            ),
            Outcome::Marked(0) => format!(
                "{} → {}：无新问题{accepted}，原样复制",
                source.display(),
                target.display()
            ),
            Outcome::Marked(n) => format!(
                "{} → {}：{n} 条批注{accepted}",
                source.display(),
                target.display()
            ),
            Outcome::Failed(why) => {
                failed += 1;
                format!("{}：未生成批注副本，{why}", source.display())
            }
        };
        text.push_str(&line);
        text.push('\n');
        for e in &r.rule_errors {
            text.push_str(&format!("  规则运行失败：{e}\n"));
        }
    }
    let load_errors = profiles.load_errors();
    for e in &load_errors {
        text.push_str(&format!("规则加载失败：{e}\n"));
    }
    crate::write_stdout(text.as_bytes())?;
    let summary = Summary::of(&results, &load_errors).with_review(&review);
    if !o.quiet {
        eprintln!("{}", summary.line_zh(started.elapsed()));
    }
    let code = summary.exit_code();
    Ok(if failed > 0 { 2 } else { code })
}
