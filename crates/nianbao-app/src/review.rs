//! The review workflow: baselines of accepted findings, `[[ignore]]`
//! entries, and what is new, suppressed, fixed or unused (issue 11).
//!
//! A finding is identified by its fingerprint (`nianbao_core::fingerprint`).
//! Matching is by count: a baseline that lists a fingerprint twice accepts
//! two such findings; a third is new.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use nianbao_core::fingerprint::{self, fingerprint, normalize_text};
use nianbao_core::{FileResult, Finding, Suppressed, Suppression};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Error;
use crate::profile::Profiles;

/// `"kind"` of a baseline file, so that a JSON check result passed by mistake
/// is recognised.
pub const KIND: &str = "nianbao-baseline";
pub const VERSION: u64 = 1;

/// Where an accepted finding was: the fingerprint's location keys, and the
/// place in words for a person reading the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct EntryLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<u8>,
    /// 「表三（七）总计·自然人」
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
}

/// One accepted finding. Only `fingerprint` is used for matching; the other
/// fields are for people reading the file (or its diff).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub fingerprint: String,
    pub rule: String,
    pub agency: Option<String>,
    pub year: Option<i32>,
    pub location: EntryLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found: Option<Value>,
    pub message: String,
}

impl Entry {
    pub fn of(f: &Finding, agency: Option<&str>, year: Option<i32>) -> Entry {
        let l = &f.location;
        Entry {
            fingerprint: fingerprint(f, agency, year),
            rule: f.rule.clone(),
            agency: agency.map(str::to_string),
            year,
            location: EntryLocation {
                table: l.table.clone(),
                row_key: l.row_key.clone(),
                column_key: l.column_key.clone(),
                section: l.section,
                place: crate::place::location(&nianbao_core::Location {
                    line: None,
                    cell: None,
                    paragraph: None,
                    page: None,
                    sheet: None,
                    cell_ref: None,
                    ..l.clone()
                }),
            },
            found: f.found.clone(),
            message: f.message.clone(),
        }
    }

    fn sort_key(&self) -> impl Ord + '_ {
        (
            self.agency.as_deref().unwrap_or(""),
            self.year,
            self.rule.as_str(),
            self.location.section,
            self.location.table.as_deref().unwrap_or(""),
            self.location.row_key.as_deref().unwrap_or(""),
            self.location.column_key.as_deref().unwrap_or(""),
            self.fingerprint.as_str(),
            self.message.as_str(),
        )
    }
}

#[derive(Serialize)]
struct BaselineFile<'a> {
    kind: &'static str,
    version: u64,
    fingerprint_version: u32,
    accepted: &'a [Entry],
}

/// A baseline file, read.
#[derive(Debug, Clone)]
pub struct Baseline {
    pub path: String,
    pub entries: Vec<Entry>,
}

/// Renders a baseline: entries sorted by agency, year, rule and place, two
/// spaces of indent, one key per line, so that a re-run diffs cleanly.
pub fn render(entries: &[Entry]) -> String {
    let mut sorted = entries.to_vec();
    sorted.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let doc = BaselineFile {
        kind: KIND,
        version: VERSION,
        fingerprint_version: fingerprint::VERSION,
        accepted: &sorted,
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// Reads a baseline; every problem is a Chinese message naming the file.
pub fn read(path: &Path) -> Result<Baseline, Error> {
    let shown = crate::config::display_path(path);
    let text = std::fs::read_to_string(path).map_err(|e| {
        fail(
            &shown,
            match e.kind() {
                std::io::ErrorKind::NotFound => "文件不存在（先用 --write-baseline 生成）".into(),
                std::io::ErrorKind::InvalidData => "不是 UTF-8 文本".into(),
                _ => format!("无法读取：{e}"),
            },
        )
    })?;
    parse(&text, &shown)
}

fn fail(shown: &str, message: String) -> Error {
    Error::message(format!("基线文件 {shown}：{message}"))
}

/// Reads a baseline from its text (an upload, or a file already read);
/// `shown` names it in messages.
pub fn parse(text: &str, shown: &str) -> Result<Baseline, Error> {
    let fail = |m: String| fail(shown, m);
    let doc: Value = serde_json::from_str(text).map_err(|e| {
        fail(format!(
            "不是有效的 JSON（第 {} 行第 {} 列）",
            e.line(),
            e.column().max(1)
        ))
    })?;
    let Some(obj) = doc.as_object() else {
        return Err(fail("应为 JSON 对象（由 --write-baseline 生成）".into()));
    };
    if obj.contains_key("files") && obj.contains_key("summary") {
        return Err(fail(
            "这是检查结果（--format json），不是基线；请用 --write-baseline 文件 生成基线".into(),
        ));
    }
    if obj.get("kind").and_then(Value::as_str) != Some(KIND) {
        return Err(fail(format!(
            "缺少 \"kind\": \"{KIND}\"，不是 nianbao 基线文件（由 --write-baseline 生成）"
        )));
    }
    match obj.get("version").and_then(Value::as_u64) {
        Some(VERSION) => {}
        other => {
            return Err(fail(format!(
                "版本 {} 不受支持（本程序读取版本 {VERSION}）",
                other.map_or("（缺失）".to_string(), |v| v.to_string())
            )));
        }
    }
    let fp_version = obj.get("fingerprint_version").and_then(Value::as_u64);
    if fp_version != Some(u64::from(fingerprint::VERSION)) {
        return Err(fail(format!(
            "指纹版本 {} 与本程序（{}）不同，无法比对；请用 --write-baseline 重新生成",
            fp_version.map_or("（缺失）".to_string(), |v| v.to_string()),
            fingerprint::VERSION
        )));
    }
    let Some(items) = obj.get("accepted").and_then(Value::as_array) else {
        return Err(fail("缺少 \"accepted\" 数组".into()));
    };
    let mut entries = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let n = i + 1;
        let fp = item.get("fingerprint").and_then(Value::as_str);
        if !fp.is_some_and(|s| s.len() == 16 && s.bytes().all(|b| b.is_ascii_hexdigit())) {
            return Err(fail(format!(
                "accepted 第 {n} 项的 fingerprint 缺失或格式不对（应为 16 位十六进制）"
            )));
        }
        let entry: Entry = serde_json::from_value(item.clone()).map_err(|e| {
            fail(format!(
                "accepted 第 {n} 项格式不对（应有 fingerprint、rule、agency、year、location、message）：{e}"
            ))
        })?;
        entries.push(entry);
    }
    Ok(Baseline {
        path: shown.to_string(),
        entries,
    })
}

/// An `[[ignore]]` that matched nothing in this run.
#[derive(Debug, Clone, Serialize)]
pub struct UnusedIgnore {
    pub config: String,
    pub line: usize,
    pub rule: String,
    pub reason: String,
}

/// What the review step found, beside the per-file `suppressed` lists.
#[derive(Debug, Default)]
pub struct Review {
    /// The `--baseline` file, when one was given.
    pub baseline: Option<String>,
    /// Baseline entries that no longer occur.
    pub fixed: Vec<Entry>,
    pub unused_ignores: Vec<UnusedIgnore>,
    /// `--show-suppressed`.
    pub show_suppressed: bool,
}

/// Moves ignored and baseline findings from `findings` to `suppressed`, and
/// works out what is fixed and which ignores went unused.
///
/// A baseline entry counts as fixed only when a report of the same agency
/// and year was checked in this run and the entry's rule ran on it without
/// error, so checking part of a folder does not report the rest as fixed.
pub fn apply(
    results: &mut [FileResult],
    profiles: &Profiles,
    baseline: Option<&Baseline>,
) -> Review {
    let mut remaining: HashMap<&str, usize> = HashMap::new();
    for e in baseline.map(|b| b.entries.as_slice()).unwrap_or_default() {
        *remaining.entry(e.fingerprint.as_str()).or_default() += 1;
    }
    // (profile, ignore index) → used
    let mut used: BTreeSet<(usize, usize)> = BTreeSet::new();
    // (normalised agency, year) → rules that ran on such a report
    let mut ran: HashMap<(String, Option<i32>), BTreeSet<String>> = HashMap::new();

    for (i, r) in results.iter_mut().enumerate() {
        let pi = profiles.of_file[i];
        let profile = &profiles.list[pi];
        if r.read_error.is_none() {
            let failed: BTreeSet<&str> = r
                .rule_errors
                .iter()
                .filter_map(|e| e.rule.as_deref())
                .collect();
            let set = ran
                .entry((
                    r.agency.as_deref().map(normalize_text).unwrap_or_default(),
                    r.year,
                ))
                .or_default();
            for rule in profile.rules.rules() {
                if rule.settings.enabled && !failed.contains(rule.meta.id.as_str()) {
                    set.insert(rule.meta.id.clone());
                }
            }
        }
        let findings = std::mem::take(&mut r.findings);
        let mut keep = Vec::with_capacity(findings.len());
        for f in findings {
            // A finding merged from several rules (`Finding::also`) is
            // suppressed only when each rule's part is, as their separate
            // findings were before merging; each part uses its own entry and
            // the finding shows its first part's suppression.
            let mut parts: Vec<Option<Suppression>> = Vec::new();
            for view in nianbao_core::merge::rule_views(&f) {
                let fp = fingerprint(&view, r.agency.as_deref(), r.year);
                let in_baseline = match remaining.get_mut(fp.as_str()) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        true
                    }
                    _ => false,
                };
                let ignore = profile.config.as_ref().and_then(|c| {
                    c.ignores
                        .iter()
                        .enumerate()
                        .find(|(_, ig)| ig.matches(&view, r, &c.dir))
                        .map(|(j, ig)| {
                            used.insert((pi, j));
                            Suppression::Ignore {
                                reason: ig.reason.clone(),
                                config: c.path.clone(),
                                line: ig.line,
                            }
                        })
                });
                parts.push(ignore.or(in_baseline.then_some(Suppression::Baseline)));
            }
            let by = if parts.iter().all(Option::is_some) {
                parts.into_iter().next().flatten()
            } else {
                None
            };
            match by {
                Some(by) => r.suppressed.push(Suppressed { finding: f, by }),
                None => keep.push(f),
            }
        }
        r.findings = keep;
    }

    let mut fixed = Vec::new();
    if let Some(b) = baseline {
        for e in &b.entries {
            let Some(n) = remaining.get_mut(e.fingerprint.as_str()) else {
                continue;
            };
            if *n == 0 {
                continue;
            }
            let key = (
                e.agency.as_deref().map(normalize_text).unwrap_or_default(),
                e.year,
            );
            if ran.get(&key).is_some_and(|rules| rules.contains(&e.rule)) {
                *n -= 1;
                fixed.push(e.clone());
            }
        }
        fixed.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }

    // Ignores of the configurations in use that matched nothing.
    let mut unused = Vec::new();
    let in_use: BTreeSet<usize> = profiles.of_file.iter().copied().collect();
    for pi in in_use {
        let Some(c) = &profiles.list[pi].config else {
            continue;
        };
        for (j, ig) in c.ignores.iter().enumerate() {
            if !used.contains(&(pi, j)) {
                unused.push(UnusedIgnore {
                    config: c.path.clone(),
                    line: ig.line,
                    rule: ig.rule.clone(),
                    reason: ig.reason.clone(),
                });
            }
        }
    }
    // Two profiles may share a configuration file (no: one per path), but
    // keep the list unique and ordered for stable output.
    let mut seen = BTreeMap::new();
    for u in unused {
        seen.entry((u.config.clone(), u.line)).or_insert(u);
    }

    Review {
        baseline: baseline.map(|b| b.path.clone()),
        fixed,
        unused_ignores: seen.into_values().collect(),
        show_suppressed: false,
    }
}

/// The baseline of a run: every finding not covered by an `[[ignore]]`
/// (those shown and those accepted before).
pub fn entries_of(results: &[FileResult]) -> Vec<Entry> {
    let mut out = Vec::new();
    for r in results {
        let all = r.findings.iter().chain(
            r.suppressed
                .iter()
                .filter(|s| s.by == Suppression::Baseline)
                .map(|s| &s.finding),
        );
        for f in all {
            // One entry per rule of a merged finding: the baseline reads
            // the same before and after merging.
            for view in nianbao_core::merge::rule_views(f) {
                out.push(Entry::of(&view, r.agency.as_deref(), r.year));
            }
        }
    }
    out
}
