//! The command line's side of a batch: the progress bar, and the error of a
//! run with nothing to check. Checking itself is `nianbao_app::batch`.

use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use nianbao_core::Registry;

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
