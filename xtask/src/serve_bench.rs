//! `cargo xtask bench-serve`: the review desk's speed against issue 20's
//! targets, measured over real HTTP on 127.0.0.1 with the release binary.
//!
//! ```text
//! cargo xtask bench-serve                  # 200 reports, 3 rounds; table + target/bench-serve.json
//! cargo xtask bench-serve --files 50 --rounds 1
//! ```
//!
//! - (a) one ~20-page DOCX (a WPS-shaped corpus report whose section 一 is
//!   repeated until its text is about 20 pages long) from POST /api/check to
//!   the findings: median of 10 round trips, target under 300 ms.
//! - (b) the WPS-shaped corpus reports (`bench gen`, cached under
//!   target/) uploaded as the page does, one request per file into one batch
//!   (the first file makes the batch, the rest follow from 4 client threads
//!   with its `batch` id) until all are answered, against `nianbao check
//!   --format json -o /dev/null` on the same folder: median of the rounds
//!   each, interleaved; target: serve ≤ 1.5 × check.
//!
//! Each batch round runs against a fresh server and data folder, so no
//! round sees files an earlier one stored.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::corpus;

const SINGLE_MS_MAX: f64 = 300.0;
const BATCH_RATIO_MAX: f64 = 1.5;
const SINGLE_RUNS: usize = 10;
const CLIENT_THREADS: usize = 4;
/// A corpus report is about 6 pages (its app.xml says so, LibreOffice agrees).
const CORPUS_PAGES: usize = 6;
const LONG_PAGES: usize = 20;

pub fn run(args: &[String]) -> Result<()> {
    let mut files: u64 = 200;
    let mut rounds: usize = 3;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let value = |v: Option<&String>| v.context("bench-serve [--files N] [--rounds N]").cloned();
        match a.as_str() {
            "--files" => files = value(it.next())?.parse()?,
            "--rounds" => rounds = value(it.next())?.parse()?,
            other => bail!("unknown argument {other:?} (bench-serve [--files N] [--rounds N])"),
        }
    }
    if files < 2 || rounds == 0 {
        bail!("bench-serve needs at least 2 files and 1 round");
    }
    crate::cargo(&["build", "--release", "-p", "nianbao-cli"])?;
    let root = root();
    let nianbao = root.join("target/release/nianbao");
    let work = root.join("target/bench-serve");
    std::fs::create_dir_all(&work)?;

    let corpus_dir = work.join(format!("corpus-wps-{files}"));
    corpus::generate(&corpus_dir, files, &corpus::WPS)?;
    let reports = docx_files(&corpus_dir)?;
    let long = long_report()?;
    std::fs::write(work.join("long-20-pages.docx"), &long.bytes)?;
    eprintln!(
        "== long report: {} KB, {} characters of text ({}× a corpus report's {}), written to {}",
        long.bytes.len() / 1024,
        long.text_chars,
        long.repeats,
        long.base_chars,
        work.join("long-20-pages.docx").display()
    );

    // (a) one long report, one request at a time.
    let server = Server::start(&nianbao, &work.join("data-single"))?;
    let agent = agent();
    upload(&agent, &server.url, "long-20-pages.docx", &long.bytes, None)?; // warm-up
    let mut single = Vec::with_capacity(SINGLE_RUNS);
    let mut long_findings = 0;
    for _ in 0..SINGLE_RUNS {
        let start = Instant::now();
        let answer = upload(&agent, &server.url, "long-20-pages.docx", &long.bytes, None)?;
        single.push(start.elapsed().as_secs_f64() * 1000.0);
        long_findings = findings_of(&answer);
    }
    drop(server);
    let single_ms = median(&mut single);

    // (b) the batch against `check`, interleaved so that load from other
    // users of the machine falls on both alike.
    let corpus_arg = corpus_dir.to_str().context("non-UTF-8 target path")?;
    let check_args = ["check", "--format", "json", "-o", "/dev/null", corpus_arg];
    run_check(&nianbao, &check_args)?; // warms the page cache
    let (mut serve_s, mut check_s) = (Vec::new(), Vec::new());
    let mut serve_findings = 0;
    for round in 0..rounds {
        eprintln!("== round {}/{rounds}", round + 1);
        let data = work.join("data-batch");
        let server = Server::start(&nianbao, &data)?;
        let (seconds, found) = batch(&server.url, &reports)?;
        drop(server);
        serve_s.push(seconds);
        serve_findings = found;
        let start = Instant::now();
        run_check(&nianbao, &check_args)?;
        check_s.push(start.elapsed().as_secs_f64());
    }
    let serve_med = median(&mut serve_s);
    let check_med = median(&mut check_s);
    let ratio = serve_med / check_med;

    let single_ok = single_ms < SINGLE_MS_MAX;
    let ratio_ok = ratio <= BATCH_RATIO_MAX;
    println!("\nnianbao serve on {} cores", cores());
    println!("| measure | figure | target | |");
    println!("|---|---|---|---|");
    println!(
        "| ~{LONG_PAGES}-page DOCX, POST /api/check round trip (median of {SINGLE_RUNS}) | {single_ms:.0} ms | < {SINGLE_MS_MAX:.0} ms | {} |",
        verdict(single_ok)
    );
    println!(
        "| {} reports, one request each from {CLIENT_THREADS} threads, one batch (median of {rounds}) | {serve_med:.2} s | | |",
        reports.len()
    );
    println!(
        "| nianbao check --format json on the same files (median of {rounds}) | {check_med:.2} s | | |"
    );
    println!(
        "| serve / check | {ratio:.2}× | ≤ {BATCH_RATIO_MAX}× | {} |",
        verdict(ratio_ok)
    );
    let json = serde_json::json!({
        "cores": cores(),
        "single": {
            "file": "long-20-pages.docx",
            "bytes": long.bytes.len(),
            "text_chars": long.text_chars,
            "findings": long_findings,
            "runs_ms": single,
            "median_ms": single_ms,
            "target_ms": SINGLE_MS_MAX,
            "met": single_ok,
        },
        "batch": {
            "files": reports.len(),
            "client_threads": CLIENT_THREADS,
            "findings": serve_findings,
            "serve_s": serve_s,
            "check_s": check_s,
            "serve_median_s": serve_med,
            "check_median_s": check_med,
            "ratio": ratio,
            "target_ratio": BATCH_RATIO_MAX,
            "met": ratio_ok,
        },
    });
    let out = root.join("target/bench-serve.json");
    std::fs::write(&out, serde_json::to_string_pretty(&json)?)?;
    println!("\nwritten to {}", out.display());
    Ok(())
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "not met" }
}

fn median(v: &mut [f64]) -> f64 {
    let mut sorted = v.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The sorted `.docx` files under `dir`, with their names relative to it.
fn docx_files(dir: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    for sub in std::fs::read_dir(dir)? {
        let sub = sub?.path();
        if !sub.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&sub)? {
            let f = f?.path();
            if f.extension().is_some_and(|e| e == "docx") {
                let name = f.strip_prefix(dir)?.to_string_lossy().into_owned();
                out.push((name, std::fs::read(&f)?));
            }
        }
    }
    out.sort();
    Ok(out)
}

fn run_check(nianbao: &Path, args: &[&str]) -> Result<()> {
    let status = Command::new(nianbao)
        .args(args)
        .stdout(Stdio::null())
        .status()
        .with_context(|| format!("running {}", nianbao.display()))?;
    // nianbao exits 1 when it finds something: that is the expected outcome.
    if !matches!(status.code(), Some(0 | 1)) {
        bail!("nianbao {args:?} failed: {status}");
    }
    Ok(())
}

/// `nianbao serve --listen 127.0.0.1:0` on a fresh data folder; stopped on drop.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(nianbao: &Path, data: &Path) -> Result<Server> {
        if data.exists() {
            std::fs::remove_dir_all(data)?;
        }
        std::fs::create_dir_all(data)?;
        let log = data.with_extension("log");
        let child = Command::new(nianbao)
            .args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(data)
            .stdout(std::fs::File::create(&log)?)
            .stderr(std::fs::File::create(data.with_extension("err"))?)
            .spawn()
            .with_context(|| format!("starting {} serve", nianbao.display()))?;
        let mut server = Server {
            child,
            url: String::new(),
        };
        // Port 0: the system picks a free port; the server prints the address it got.
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            let printed = std::fs::read_to_string(&log).unwrap_or_default();
            // The line is Chinese around the address: 「审核页面：http://127.0.0.1:N/ （…」.
            if let Some(at) = printed.find("http://127.0.0.1:") {
                let url = printed[at..].split_whitespace().next().unwrap_or_default();
                server.url = url.trim_end_matches('/').to_string();
                return Ok(server);
            }
            if let Some(status) = server.child.try_wait()? {
                bail!("nianbao serve stopped ({status}): {printed}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        bail!("nianbao serve printed no address in 30 s")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// POSTs one file to /api/check (into `batch` when given), as the page does.
fn upload(
    agent: &ureq::Agent,
    url: &str,
    name: &str,
    bytes: &[u8],
    batch: Option<i64>,
) -> Result<serde_json::Value> {
    let boundary = "nianbao-bench-serve-3f9c";
    let mut body = Vec::with_capacity(bytes.len() + 512);
    if let Some(id) = batch {
        write!(
            body,
            "--{boundary}\r\nContent-Disposition: form-data; name=\"batch\"\r\n\r\n{id}\r\n"
        )?;
    }
    write!(
        body,
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )?;
    body.extend_from_slice(bytes);
    write!(body, "\r\n--{boundary}--\r\n")?;
    let mut resp = agent
        .post(format!("{url}/api/check"))
        .header(
            "Content-Type",
            &format!("multipart/form-data; boundary={boundary}"),
        )
        .send(&body[..])
        .with_context(|| format!("POST /api/check {name}"))?;
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string()?;
    if status != 200 {
        bail!("POST /api/check {name}: {status} {text}");
    }
    let answer: serde_json::Value = serde_json::from_str(&text)?;
    if answer["files"].as_array().is_none_or(|f| f.len() != 1) {
        bail!("POST /api/check {name}: no file in the answer");
    }
    Ok(answer)
}

fn findings_of(answer: &serde_json::Value) -> usize {
    answer["files"].as_array().map_or(0, |files| {
        files
            .iter()
            .map(|f| f["findings"].as_array().map_or(0, Vec::len))
            .sum()
    })
}

/// Uploads every report into one batch: the first alone (it makes the
/// batch), the rest from the client threads. Returns the seconds from the
/// first request to the last answer, and the findings answered.
fn batch(url: &str, reports: &[(String, Vec<u8>)]) -> Result<(f64, usize)> {
    let start = Instant::now();
    let ((first_name, first_bytes), rest) = reports.split_first().context("no reports")?;
    let first = upload(&agent(), url, first_name, first_bytes, None)?;
    let id = first["batch"]
        .as_i64()
        .context("no batch id in the answer")?;
    let next = AtomicUsize::new(0);
    let found = std::thread::scope(|s| {
        let workers: Vec<_> = (0..CLIENT_THREADS)
            .map(|_| {
                s.spawn(|| -> Result<usize> {
                    let agent = agent();
                    let mut found = 0;
                    while let Some((name, bytes)) = rest.get(next.fetch_add(1, Ordering::Relaxed)) {
                        found += findings_of(&upload(&agent, url, name, bytes, Some(id))?);
                    }
                    Ok(found)
                })
            })
            .collect();
        let mut total = findings_of(&first);
        for w in workers {
            total += w
                .join()
                .map_err(|_| anyhow::anyhow!("client thread panicked"))??;
        }
        Ok::<_, anyhow::Error>(total)
    })?;
    Ok((start.elapsed().as_secs_f64(), found))
}

/// The ~20-page DOCX of measure (a) and how it was made.
struct LongReport {
    bytes: Vec<u8>,
    text_chars: usize,
    base_chars: usize,
    repeats: usize,
}

/// WPS-shaped corpus report 0 with the prose paragraphs of its section 一
/// repeated in place until its text is about `LONG_PAGES / CORPUS_PAGES`
/// times the original's: the same tables, a long 总体情况.
fn long_report() -> Result<LongReport> {
    let base = corpus::report(0, &corpus::WPS)?.bytes;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&base))?;
    let xml = {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("word/document.xml")?, &mut s)?;
        s
    };
    // Before the first table: title, introduction, heading 一, its prose,
    // heading 二. The prose is what is repeated.
    let first_table = xml.find("<w:tbl>").context("no table in the report")?;
    let ends: Vec<usize> = xml[..first_table]
        .match_indices("</w:p>")
        .map(|(i, m)| i + m.len())
        .collect();
    let (Some(&prose_start), Some(&prose_end)) =
        (ends.get(2), ends.get(ends.len().wrapping_sub(2)))
    else {
        bail!("the report's section 一 has no prose");
    };
    if prose_end <= prose_start {
        bail!("the report's section 一 has no prose");
    }
    let prose = &xml[prose_start..prose_end];
    let base_chars = text_chars(&xml);
    let prose_chars = text_chars(prose).max(1);
    let want = base_chars * LONG_PAGES / CORPUS_PAGES;
    let repeats = want.saturating_sub(base_chars).div_ceil(prose_chars);
    let mut long = String::with_capacity(xml.len() + prose.len() * repeats);
    long.push_str(&xml[..prose_end]);
    for _ in 0..repeats {
        long.push_str(prose);
    }
    long.push_str(&xml[prose_end..]);

    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opt = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i)?;
        let name = entry.name()?.to_string();
        let mut content = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut content)?;
        out.start_file(name.as_str(), opt)?;
        match name.as_str() {
            "word/document.xml" => out.write_all(long.as_bytes())?,
            "docProps/app.xml" => out.write_all(
                String::from_utf8_lossy(&content)
                    .replace(
                        &format!("<Pages>{CORPUS_PAGES}</Pages>"),
                        &format!("<Pages>{LONG_PAGES}</Pages>"),
                    )
                    .as_bytes(),
            )?,
            _ => out.write_all(&content)?,
        }
    }
    let text_chars = text_chars(&long);
    Ok(LongReport {
        bytes: out.finish()?.into_inner(),
        text_chars,
        base_chars,
        repeats,
    })
}

/// Characters inside `<w:t>` elements.
fn text_chars(xml: &str) -> usize {
    let mut n = 0;
    let mut rest = xml;
    while let Some(i) = rest.find("<w:t") {
        rest = &rest[i + 4..];
        if !(rest.starts_with('>') || rest.starts_with(' ')) {
            continue;
        }
        let Some(open) = rest.find('>') else { break };
        rest = &rest[open + 1..];
        let Some(close) = rest.find("</w:t>") else {
            break;
        };
        n += rest[..close].chars().count();
        rest = &rest[close..];
    }
    n
}
