//! `nianbao check --timings`: where the time of a run went — loading the
//! rules, reading files, recognising them, the shared text data and each
//! rule — summed over the batch (over every worker thread), sorted, with
//! shares, like ESLint's `TIMING`.

use std::collections::BTreeMap;
use std::time::Duration;

use nianbao_core::FileResult;
use serde::Serialize;

/// One line of the table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// `load`, `read`, `recognize`, `shared` or `rule`.
    pub kind: &'static str,
    /// The rule id for `rule`; a Chinese label for the steps.
    pub name: String,
    /// Milliseconds, summed over the files (and threads).
    pub ms: f64,
    /// Share of `total_ms`, 0.0–1.0.
    pub share: f64,
}

/// The run's timings, as printed on stderr and put into JSON.
#[derive(Debug, Clone, Serialize)]
pub struct Timings {
    /// Files checked (read or not).
    pub files: usize,
    /// Worker threads.
    pub threads: usize,
    pub total_ms: f64,
    pub load_ms: f64,
    pub read_ms: f64,
    pub recognize_ms: f64,
    pub shared_ms: f64,
    pub rules_ms: f64,
    /// Every step and rule, slowest first (ties by name).
    pub entries: Vec<Entry>,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

impl Timings {
    /// Sums the per-file timings of `results`; `load` is the time spent
    /// compiling the rule sets.
    pub fn of(results: &[FileResult], load: Duration, threads: usize) -> Timings {
        let (mut read, mut recognize, mut shared) =
            (Duration::ZERO, Duration::ZERO, Duration::ZERO);
        let mut rules: BTreeMap<&str, Duration> = BTreeMap::new();
        for r in results {
            read += r.timings.read;
            recognize += r.timings.recognize;
            shared += r.timings.shared;
            for (id, d) in &r.timings.rules {
                *rules.entry(id.as_str()).or_default() += *d;
            }
        }
        let rules_total: Duration = rules.values().sum();
        let total = load + read + recognize + shared + rules_total;
        let share = |d: Duration| {
            if total.is_zero() {
                0.0
            } else {
                d.as_secs_f64() / total.as_secs_f64()
            }
        };
        let step = |kind: &'static str, name: &str, d: Duration| Entry {
            kind,
            name: name.to_string(),
            ms: ms(d),
            share: share(d),
        };
        let mut entries = vec![
            step("load", "加载规则（编译脚本）", load),
            step("read", "读取文件（解析格式）", read),
            step("recognize", "识别（章节、表格、元数据）", recognize),
        ];
        if !shared.is_zero() {
            entries.push(step("shared", "共享文本数据（段落、句子）", shared));
        }
        entries.extend(rules.iter().map(|(id, d)| step("rule", id, *d)));
        entries.sort_by(|a, b| b.ms.total_cmp(&a.ms).then_with(|| a.name.cmp(&b.name)));
        Timings {
            files: results.len(),
            threads,
            total_ms: ms(total),
            load_ms: ms(load),
            read_ms: ms(read),
            recognize_ms: ms(recognize),
            shared_ms: ms(shared),
            rules_ms: ms(rules_total),
            entries,
        }
    }

    /// The table for stderr.
    pub fn table(&self) -> String {
        let mut out = format!(
            "耗时统计（{} 个文件，{} 个线程，各线程时间之和）\n",
            self.files, self.threads
        );
        let width = self
            .entries
            .iter()
            .map(|e| display_width(&e.name))
            .max()
            .unwrap_or(0)
            .max(display_width("规则 / 步骤"));
        let pad = |s: &str| {
            let n = width - display_width(s);
            format!("{s}{}", " ".repeat(n))
        };
        out.push_str(&format!(
            "{} {:>12} {:>7}\n",
            pad("规则 / 步骤"),
            "毫秒",
            "占比"
        ));
        for e in &self.entries {
            out.push_str(&format!(
                "{} {:>14.3} {:>8.1}%\n",
                pad(&e.name),
                e.ms,
                e.share * 100.0
            ));
        }
        out.push_str(&format!(
            "{} {:>14.3} {:>8.1}%\n",
            pad("合计"),
            self.total_ms,
            100.0
        ));
        out.push_str(&format!(
            "其中 读取 {:.1}%，识别 {:.1}%，共享文本数据 {:.1}%，规则 {:.1}%，加载规则 {:.1}%\n",
            self.percent(self.read_ms),
            self.percent(self.recognize_ms),
            self.percent(self.shared_ms),
            self.percent(self.rules_ms),
            self.percent(self.load_ms),
        ));
        out
    }

    fn percent(&self, ms: f64) -> f64 {
        if self.total_ms > 0.0 {
            ms / self.total_ms * 100.0
        } else {
            0.0
        }
    }
}

/// Columns a string takes in a terminal: CJK and full-width characters two.
fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn result(read: u64, recognize: u64, rules: &[(&str, u64)]) -> FileResult {
        let mut r = FileResult::empty(Path::new("x.docx"));
        r.timings.read = Duration::from_millis(read);
        r.timings.recognize = Duration::from_millis(recognize);
        r.timings.rules = rules
            .iter()
            .map(|(id, d)| (id.to_string(), Duration::from_millis(*d)))
            .collect();
        r
    }

    #[test]
    fn sums_over_files_sorts_and_shares() {
        let results = [
            result(10, 5, &[("A-1", 1), ("B-1", 20)]),
            result(30, 5, &[("A-1", 3), ("B-1", 20)]),
        ];
        let t = Timings::of(&results, Duration::from_millis(6), 2);
        assert_eq!(t.files, 2);
        assert!((t.total_ms - 100.0).abs() < 1e-9);
        assert!((t.rules_ms - 44.0).abs() < 1e-9);
        let got: Vec<(&str, &str, i64)> = t
            .entries
            .iter()
            .map(|e| (e.kind, e.name.as_str(), (e.share * 100.0).round() as i64))
            .collect();
        assert_eq!(
            got,
            [
                ("rule", "B-1", 40),
                ("read", "读取文件（解析格式）", 40),
                ("recognize", "识别（章节、表格、元数据）", 10),
                ("load", "加载规则（编译脚本）", 6),
                ("rule", "A-1", 4),
            ]
        );
        let table = t.table();
        assert!(table.contains("B-1"), "{table}");
        assert!(table.lines().last().unwrap_or("").contains("规则 44.0%"));
    }

    #[test]
    fn wide_characters_take_two_columns() {
        assert_eq!(display_width("合计"), 4);
        assert_eq!(display_width("R3-IDENT"), 8);
    }
}
