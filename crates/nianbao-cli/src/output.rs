//! Helpers shared by the output writers: atomic file writes, rule metadata
//! lookup, and plain-text renderings of locations and values.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use anyhow::Context;
use nianbao_core::rules::RuleMeta;
use nianbao_core::{FileResult, RuleError, Severity, Suppression};

use crate::review::Review;
use crate::summary::Summary;

/// Everything a writer needs about a finished run.
pub struct Run<'a> {
    pub results: &'a [FileResult],
    /// Every loaded rule by id (across the run's configurations).
    pub metas: BTreeMap<&'a str, &'a RuleMeta>,
    /// Rules that failed to load.
    pub load_errors: Vec<RuleError>,
    pub summary: Summary,
    pub review: Review,
    /// `--timings`: where the time went.
    pub timings: Option<crate::timings::Timings>,
}

impl Run<'_> {
    /// Every rule id that appears: the loaded rules and any id in a finding
    /// (suppressed ones too).
    pub fn rule_ids(&self) -> Vec<String> {
        let mut ids: std::collections::BTreeSet<String> =
            self.metas.keys().map(|k| k.to_string()).collect();
        for r in self.results {
            for f in r
                .findings
                .iter()
                .chain(r.suppressed.iter().map(|s| &s.finding))
            {
                ids.insert(f.rule.clone());
            }
        }
        ids.into_iter().collect()
    }
}

/// 「已接受（基线）」 or 「已忽略：理由（nianbao.toml:7）」
pub fn suppression_zh(by: &Suppression) -> String {
    match by {
        Suppression::Baseline => "已接受（基线）".into(),
        Suppression::Ignore {
            reason,
            config,
            line,
        } => format!("已忽略：{reason}（{config}:{line}）"),
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder,
/// then a rename, so a reader never sees half a report.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        anyhow::bail!("目录 {} 不存在，无法写入 {}", dir.display(), path.display());
    }
    let mut builder = tempfile::Builder::new();
    builder.prefix(".nianbao-").suffix(".tmp");
    // A temporary file is private (0600); the file it becomes is an ordinary
    // one: 0666 less the umask, as any program's new file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("无法在目录 {} 中写入 {}", dir.display(), path.display()))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("无法写入 {}", path.display()))?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("无法写入 {}", path.display()))?;
    Ok(())
}

/// Finding counts of one file: (error, warning, info).
pub fn counts(r: &FileResult) -> (usize, usize, usize) {
    let mut c = (0, 0, 0);
    for f in &r.findings {
        match f.severity {
            Severity::Error => c.0 += 1,
            Severity::Warning => c.1 += 1,
            Severity::Info => c.2 += 1,
        }
    }
    c
}

/// 「未发现问题」/「有问题」/「无法读取」/「规则运行失败」
pub fn status_zh(r: &FileResult) -> &'static str {
    if r.read_error.is_some() {
        "无法读取"
    } else if !r.rule_errors.is_empty() {
        "规则运行失败"
    } else if r.findings.iter().any(|f| f.severity != Severity::Info) {
        "有问题"
    } else {
        "未发现问题"
    }
}

/// A JSON value as a reader sees it: strings bare, blank as 「（空白）」.
pub fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) if s.is_empty() => "（空白）".into(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The agency for grouping: 「（未识别单位）」 when unknown.
pub fn agency_of(r: &FileResult) -> &str {
    r.agency.as_deref().unwrap_or("（未识别单位）")
}

/// A path as a SARIF `uri`: `/` separators, relative paths kept relative,
/// absolute ones as `file://`, and everything outside RFC 3986's unreserved
/// set (and `/`) percent-encoded.
pub fn path_uri(path: &str) -> String {
    let p = path.replace('\\', "/");
    let mut out = String::new();
    let body = if p.starts_with('/') {
        out.push_str("file://");
        p.as_str()
    } else if p.len() > 2 && p.as_bytes()[1] == b':' {
        out.push_str("file:///");
        p.as_str()
    } else {
        p.strip_prefix("./").unwrap_or(&p)
    };
    for b in body.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            b':' if out.starts_with("file:///") => out.push(':'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(
            path_uri("tests/fixtures/seed.yaml"),
            "tests/fixtures/seed.yaml"
        );
        assert_eq!(path_uri("./a b.yaml"), "a%20b.yaml");
        assert_eq!(
            path_uri("/tmp/年报.yaml"),
            "file:///tmp/%E5%B9%B4%E6%8A%A5.yaml"
        );
    }

    #[test]
    fn atomic_write_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.txt");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        #[cfg(unix)]
        {
            // The permissions of any new file under this umask (0644 under
            // 022), not a temporary file's 0600.
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            let ordinary = dir.path().join("ordinary.txt");
            std::fs::write(&ordinary, b"x").unwrap();
            assert_eq!(mode(&p), mode(&ordinary));
            std::fs::remove_file(&ordinary).unwrap();
        }
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }
}
