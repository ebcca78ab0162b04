//! One file, end to end: bytes → adapter → report → rules → findings.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::adapter::{AdapterError, Input, Parsed, ReadErrorKind, Registry, write_located};
use crate::address::{Addresses, Note};
use crate::finding::{Finding, RuleError, Suppressed};
use crate::model::{Report, ReporterKind};
use crate::recognize::recognize;
use crate::rules::RuleSet;

/// Files larger than this are refused before reading (no report is this big).
pub const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

/// Why a file could not be checked. Displays as 「第 l 行第 c 列：message」
/// when the place is known, like [`AdapterError`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct ReadError {
    /// Not in the JSON output (a contract): adding it there would be additive.
    #[serde(skip)]
    pub kind: ReadErrorKind,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

impl ReadError {
    pub fn new(kind: ReadErrorKind, message: impl Into<String>) -> ReadError {
        ReadError {
            kind,
            message: message.into(),
            line: None,
            column: None,
        }
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write_located(f, self.line, self.column, &self.message)
    }
}

impl From<AdapterError> for ReadError {
    fn from(e: AdapterError) -> ReadError {
        ReadError {
            kind: e.kind,
            message: e.message,
            line: e.line,
            column: e.column,
        }
    }
}

/// The result of checking one file.
#[derive(Debug, Serialize)]
pub struct FileResult {
    pub path: String,
    /// The adapter used, when one was chosen.
    pub format: Option<String>,
    pub findings: Vec<Finding>,
    /// The file could not be read.
    pub read_error: Option<ReadError>,
    /// Rules that failed on this file.
    pub rule_errors: Vec<RuleError>,
    /// Agency and year, for headings in output.
    pub agency: Option<String>,
    pub year: Option<i32>,
    /// Last year's report it was compared with (`--previous`, `--previous-dir`).
    pub previous: Option<String>,
    /// Findings taken out of `findings` by a baseline or an `[[ignore]]`
    /// (filled by the caller after checking; empty from [`check_file`]).
    pub suppressed: Vec<Suppressed>,
    /// Where the time went (`nianbao check --timings`).
    #[serde(skip)]
    pub timings: Timings,
}

/// Time spent on one file, step by step (`nianbao check --timings`).
#[derive(Debug, Clone, Default)]
pub struct Timings {
    /// Reading the file and the adapter's parse (bytes → document). An
    /// adapter that recognises the report itself (plain text read as
    /// `pdftotext -layout`) counts that here too.
    pub read: Duration,
    /// Recognition: sections, metadata and the national tables.
    pub recognize: Duration,
    /// Each rule that ran, by id, in the order run.
    pub rules: Vec<(String, Duration)>,
    /// Building the report's shared text data (normalised paragraphs, sentences…),
    /// done once for all rules on first use and not counted in any rule.
    pub shared: Duration,
}

impl FileResult {
    /// A result with nothing in it yet, for `path`.
    pub fn empty(path: &Path) -> FileResult {
        FileResult {
            path: path.display().to_string(),
            format: None,
            findings: Vec::new(),
            read_error: None,
            rule_errors: Vec::new(),
            agency: None,
            year: None,
            previous: None,
            suppressed: Vec::new(),
            timings: Timings::default(),
        }
    }
}

/// Finds last year's report for a report (for cross-year rules).
pub type PreviousLookup<'a> = dyn Fn(&Report) -> Option<Arc<Report>> + Sync + 'a;

/// What the caller (configuration, flags) imposes on a check. The default
/// changes nothing.
#[derive(Default, Clone, Copy)]
pub struct CheckOptions<'a> {
    /// Replaces the reporter kind inferred from the agency name (or given in
    /// YAML) before the rules run (`reporter_kind` in `nianbao.toml`).
    pub reporter_kind: Option<ReporterKind>,
    /// The province's pinyin (`--province`, configuration): selects the
    /// provincial rule pack and settles agency names found in several provinces.
    pub province: Option<&'a str>,
    /// The city's pinyin (configuration): selects the city pack of that folder.
    pub city: Option<&'a str>,
    /// Last year's reports, for the cross-year rules.
    pub previous: Option<&'a PreviousLookup<'a>>,
}

impl CheckOptions<'_> {
    /// Applies the options to a report that has been read.
    pub fn apply(&self, report: &mut Report) {
        if let Some(kind) = self.reporter_kind {
            report.meta.reporter_kind = Some(kind);
        }
        if let Some(p) = self.province {
            apply_province(report, p);
        }
    }
}

/// Re-resolves the agency's region within the given province.
fn apply_province(report: &mut Report, province: &str) {
    let fits = report
        .meta
        .region
        .as_ref()
        .is_some_and(|r| r.province_pinyin == province);
    if !fits {
        report.meta.region = report
            .meta
            .agency
            .as_deref()
            .and_then(|a| crate::region::resolve_agency(a, Some(province)));
    }
}

/// An agency's name as used to pair this year's report with last year's:
/// NFKC, no whitespace or punctuation.
pub fn agency_key(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    name.nfkc().filter(|c| c.is_alphanumeric()).collect()
}

/// Reads and recognises one file.
pub fn read_report(registry: &Registry, path: &Path) -> Result<Report, ReadError> {
    read_report_timed(registry, path, &mut Timings::default()).map(|(report, _)| report)
}

/// Reads and recognises one file, keeping the pages, sheets and source lines
/// of its cells and paragraphs ([`Addresses`]).
pub fn read_report_with_addresses(
    registry: &Registry,
    path: &Path,
) -> Result<(Report, Addresses), ReadError> {
    read_report_timed(registry, path, &mut Timings::default())
}

/// [`read_report_with_addresses`], adding the time spent reading and
/// recognising to `timings`.
pub fn read_report_timed(
    registry: &Registry,
    path: &Path,
    timings: &mut Timings,
) -> Result<(Report, Addresses), ReadError> {
    let started = Instant::now();
    let bytes = read_file(path)?;
    timings.read += started.elapsed();
    read_bytes_timed(registry, path, &bytes, timings)
}

/// A file's bytes, refused before reading when it is a folder, empty or too large.
pub fn read_file(path: &Path) -> Result<Vec<u8>, ReadError> {
    // Callers say 「无法读取：」 before the reason; the reason says the rest.
    let meta = std::fs::metadata(path).map_err(|e| io_error(&e))?;
    if meta.is_dir() {
        return Err(ReadError::new(
            ReadErrorKind::NotAFile,
            "这是目录，不是文件",
        ));
    }
    if meta.len() == 0 {
        return Err(empty());
    }
    if meta.len() > MAX_INPUT_BYTES {
        return Err(too_large(meta.len()));
    }
    std::fs::read(path).map_err(|e| io_error(&e))
}

fn empty() -> ReadError {
    ReadError::new(ReadErrorKind::Empty, "文件是空的（0 字节）")
}

fn too_large(bytes: u64) -> ReadError {
    ReadError::new(
        ReadErrorKind::TooLarge,
        format!("文件过大（{bytes} 字节），拒绝读取"),
    )
}

/// Reads and recognises a file given as bytes (an upload has no path on
/// disk): `path` names it in messages and chooses the adapter by extension.
pub fn read_bytes_timed(
    registry: &Registry,
    path: &Path,
    bytes: &[u8],
    timings: &mut Timings,
) -> Result<(Report, Addresses), ReadError> {
    let started = Instant::now();
    let display = path.display().to_string();
    if bytes.is_empty() {
        return Err(empty());
    }
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    let Some(adapter) = registry.pick(path, bytes) else {
        let known: Vec<String> = registry
            .adapters()
            .flat_map(|a| a.extensions().iter().map(|e| format!(".{e}")))
            .collect();
        return Err(ReadError::new(
            ReadErrorKind::UnsupportedFormat,
            format!("不支持的文件格式（支持：{}）", known.join("、")),
        ));
    };
    let input = Input { path, bytes };
    let mut parsed = adapter.read(&input);
    // A file its extension's adapter cannot read may be another format under
    // the wrong name (a PDF saved as 「年报.docx」): read it by its content,
    // with a note; else the first adapter's reason stands.
    let mut adapter = adapter;
    let mut named_as = None;
    if parsed.is_err() {
        if let Some(other) = registry.by_content_except(bytes, adapter.name()) {
            if let Ok(p) = other.read(&input) {
                named_as = Some(adapter.name());
                adapter = other;
                parsed = Ok(p);
            }
        }
    }
    timings.read += started.elapsed();
    let (mut report, addresses) = match parsed? {
        Parsed::Report(r) => (*r, Addresses::default()),
        Parsed::Document(doc) => {
            let started = Instant::now();
            let report = recognize(&doc, &display, adapter.name());
            timings.recognize += started.elapsed();
            (report, doc.addresses)
        }
    };
    report.path = display;
    report.format = adapter.name().to_string();
    if named_as.is_some() {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        report.notes.push(crate::model::RecognitionNote {
            code: "content-format".into(),
            message: format!(
                "文件扩展名为 .{ext}，内容却是 {} 文件：已按内容读取（发送前请把扩展名改正）",
                adapter.name().to_uppercase()
            ),
            ..Default::default()
        });
    }
    // Nothing of the national format: checking it would only print silence.
    if report.tables.is_empty() && report.sections.is_empty() {
        return Err(ReadError::new(
            ReadErrorKind::NotAReport,
            "未识别到年报内容：没有表二、表三、表四，也没有「一、总体情况」等部分标题（这可能不是政府信息公开工作年度报告）",
        ));
    }
    Ok((report, addresses))
}

/// Checks one file. Never panics on bad input; errors are in the result.
pub fn check_file(registry: &Registry, rules: &RuleSet, path: &Path) -> FileResult {
    check_file_with(registry, rules, path, &CheckOptions::default())
}

/// [`check_file`] with options: a configured reporter kind, a province, last year's reports.
pub fn check_file_with(
    registry: &Registry,
    rules: &RuleSet,
    path: &Path,
    options: &CheckOptions<'_>,
) -> FileResult {
    let started = Instant::now();
    match read_file(path) {
        Ok(bytes) => {
            let file_time = started.elapsed();
            let mut checked = check_bytes(registry, rules, path, &bytes, options);
            checked.result.timings.read += file_time;
            checked.result
        }
        Err(e) => {
            let mut result = FileResult::empty(path);
            result.read_error = Some(e);
            result
        }
    }
}

/// A checked file, with what writing its findings into a copy needs: the
/// report as recognised and where its cells and paragraphs are in the file.
pub struct Checked {
    pub result: FileResult,
    /// `None` when the file could not be read.
    pub report: Option<Arc<Report>>,
    pub addresses: Addresses,
}

impl Checked {
    /// One note per finding, placed where the finding points (else at the
    /// report's first place), with the text `lines` gives it.
    pub fn notes(&self, lines: impl Fn(&Finding) -> Vec<String>) -> Vec<Note> {
        let Some(report) = &self.report else {
            return Vec::new();
        };
        let whole = crate::address::first_place(report);
        self.result
            .findings
            .iter()
            .map(|f| {
                let at = crate::address::place(&f.location, report).or_else(|| whole.clone());
                Note::new(at, &self.addresses, lines(f))
            })
            .collect()
    }
}

/// Checks a file given as its bytes: an upload, or a file already read.
/// `path` names it in the result and messages.
pub fn check_bytes(
    registry: &Registry,
    rules: &RuleSet,
    path: &Path,
    bytes: &[u8],
    options: &CheckOptions<'_>,
) -> Checked {
    let mut result = FileResult::empty(path);
    let mut kept = None;
    let mut addresses = Addresses::default();
    match read_bytes_timed(registry, path, bytes, &mut result.timings) {
        Ok((mut report, read_addresses)) => {
            options.apply(&mut report);
            result.format = Some(report.format.clone());
            result.agency = report.meta.agency.clone();
            result.year = report.meta.year;
            let previous = options.previous.and_then(|find| find(&report));
            result.previous = previous.as_ref().map(|r| r.path.clone());
            let ctx = crate::rules::Context {
                previous: previous.as_ref(),
                province: options.province,
                city: options.city,
            };
            let report = Arc::new(report);
            let mut outcome = rules.check_with(&report, &ctx);
            // One finding per wrong cell, before addresses are resolved.
            outcome.findings = crate::merge::merge_same_cell(std::mem::take(&mut outcome.findings));
            for f in &mut outcome.findings {
                crate::address::resolve(&mut f.location, &report, &read_addresses);
                for c in &mut f.cells {
                    crate::address::resolve(&mut c.location, &report, &read_addresses);
                }
            }
            result.findings = outcome.findings;
            result.rule_errors = outcome.errors;
            result.timings.rules = outcome.timings;
            result.timings.shared = outcome.shared;
            kept = Some(report);
            addresses = read_addresses;
        }
        Err(e) => result.read_error = Some(e),
    }
    Checked {
        result,
        report: kept,
        addresses,
    }
}

fn io_error(e: &std::io::Error) -> ReadError {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => ReadError::new(ReadErrorKind::NotFound, "文件不存在"),
        PermissionDenied => ReadError::new(ReadErrorKind::Io, "没有读取权限"),
        _ => ReadError::new(ReadErrorKind::Io, e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_error_shows_its_place_as_the_adapter_error_did() {
        let located = AdapterError::at("YAML 格式错误", 3, 7);
        let e = ReadError::from(located.clone());
        assert_eq!(e.kind, ReadErrorKind::Damaged);
        assert_eq!(e.to_string(), located.to_string());
        assert_eq!(e.to_string(), "第 3 行第 7 列：YAML 格式错误");
        let line_only = ReadError {
            column: None,
            ..e.clone()
        };
        assert_eq!(line_only.to_string(), "第 3 行：YAML 格式错误");
        assert_eq!(
            ReadError::new(ReadErrorKind::Empty, "文件是空的").to_string(),
            "文件是空的"
        );
    }

    #[test]
    fn the_kind_is_not_in_the_json() {
        let e = ReadError::from(AdapterError::of_at(ReadErrorKind::TooLarge, "过大", 1, 2));
        assert_eq!(
            serde_json::to_string(&e).ok().as_deref(),
            Some(r#"{"message":"过大","line":1,"column":2}"#)
        );
    }

    #[test]
    fn file_system_refusals_have_their_kinds() {
        let dir = std::env::temp_dir();
        let kind = |p: &Path| read_file(p).err().map(|e| e.kind);
        assert_eq!(kind(&dir), Some(ReadErrorKind::NotAFile));
        assert_eq!(
            kind(&dir.join("nianbao-no-such-file.yaml")),
            Some(ReadErrorKind::NotFound)
        );
        let unknown = read_bytes_timed(
            &Registry::new(),
            Path::new("a.odt"),
            b"x",
            &mut Timings::default(),
        );
        assert_eq!(
            unknown.err().map(|e| e.kind),
            Some(ReadErrorKind::UnsupportedFormat)
        );
    }
}
