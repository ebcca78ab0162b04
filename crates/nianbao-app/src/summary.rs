//! Counts over a run, and the exit code they imply.

use nianbao_core::{FileResult, RuleError, Severity};
use serde::Serialize;

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub files: usize,
    /// Files with at least one error or warning finding.
    pub files_with_findings: usize,
    /// Files that could not be read.
    pub unreadable: usize,
    pub error: usize,
    pub warning: usize,
    pub info: usize,
    /// Rule failures: scripts that did not load, or failed on some file.
    pub engine_errors: usize,
    /// Findings not counted: accepted in the baseline or matched by an
    /// `[[ignore]]` (not in `error`/`warning`/`info`).
    pub suppressed: usize,
    /// Baseline entries that no longer occur.
    pub fixed: usize,
    /// `[[ignore]]` entries that matched nothing.
    pub unused_ignores: usize,
}

impl Summary {
    pub fn of(results: &[FileResult], load_errors: &[RuleError]) -> Summary {
        let mut s = Summary {
            files: results.len(),
            engine_errors: load_errors.len(),
            ..Summary::default()
        };
        for r in results {
            if r.read_error.is_some() {
                s.unreadable += 1;
            }
            s.engine_errors += r.rule_errors.len();
            s.suppressed += r.suppressed.len();
            let mut counted = false;
            for f in &r.findings {
                match f.severity {
                    Severity::Error => s.error += 1,
                    Severity::Warning => s.warning += 1,
                    Severity::Info => s.info += 1,
                }
                counted |= f.severity != Severity::Info;
            }
            s.files_with_findings += usize::from(counted);
        }
        s
    }

    /// Adds the counts of the review step.
    pub fn with_review(mut self, review: &crate::review::Review) -> Summary {
        self.fixed = review.fixed.len();
        self.unused_ignores = review.unused_ignores.len();
        self
    }

    /// 「；已接受 N 项（未计入），已整改 M 项」 when the review step did something.
    pub fn review_zh(&self, baseline: bool) -> String {
        let mut s = String::new();
        if self.suppressed > 0 || baseline {
            s.push_str(&format!("；已接受 {} 项（未计入）", self.suppressed));
        }
        if baseline {
            s.push_str(&format!("，已整改 {} 项", self.fixed));
        }
        s
    }

    /// The closing line on stderr for human output, with the elapsed time
    /// (kept out of stdout so that stdout stays reproducible).
    pub fn line_zh(&self, elapsed: std::time::Duration) -> String {
        let secs = elapsed.as_secs_f64();
        let rate = if secs > 0.0 {
            self.files as f64 / secs
        } else {
            0.0
        };
        let accepted = if self.suppressed > 0 {
            format!("，已接受 {} 项", self.suppressed)
        } else {
            String::new()
        };
        format!(
            "完成：{} 个文件，错误 {} 项，警告 {} 项{accepted}，无法读取 {} 个文件，用时 {:.2} 秒（每秒 {:.1} 个文件）",
            self.files, self.error, self.warning, self.unreadable, secs, rate
        )
    }

    /// 0 clean, 1 error/warning findings, 2 something could not run.
    pub fn exit_code(&self) -> i32 {
        if self.unreadable > 0 || self.engine_errors > 0 {
            2
        } else if self.error + self.warning > 0 {
            1
        } else {
            0
        }
    }
}
