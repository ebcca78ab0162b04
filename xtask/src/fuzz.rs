//! `cargo xtask fuzz --seconds N`: structure-aware mutation fuzzing on stable
//! Rust (cargo-fuzz needs nightly, which this project does not use).
//!
//! One target per input format (DOCX, XLSX/XLS, HTML, PDF, text, YAML,
//! Markdown) and one
//! for the recognition step. Each starts from the real fixtures, applies a few
//! mutations that know the format (XML elements and attributes that matter
//! in a report — merges, numbering, tracked changes, fields; sheet cells and
//! merge ranges; HTML spans, charsets and nesting; PDF objects, streams and
//! cross-references; YAML anchors and nesting, text table lines), and runs the whole pipeline: adapter, then
//! recognition, then every national rule; for DOCX, XLSX and PDF also
//! `nianbao annotate`'s writer, whose copy must read back exactly as the original
//! (every paragraph and cell: text, merges, origins, addresses). A
//! panic is a finding: its input is
//! saved under `target/fuzz/<target>/` and the run fails. The slowest input
//! is reported too, since a hang would show there first.
//!
//! ```text
//! cargo xtask fuzz --seconds 56          # split across the targets (CI smoke)
//! cargo xtask fuzz --seconds 600 --seed 7
//! ```

use std::io::{Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use nianbao_core::adapter::{FormatAdapter, Input, Parsed};
use nianbao_core::document::{Block, Document, GridCell, GridTable, TextBlock};
use nianbao_core::model::Origin;
use nianbao_core::recognize::recognize;
use nianbao_core::schema::{T2, T3, T4};
use nianbao_core::{Limits, RuleSet};

use crate::rng::Rng;

struct Target {
    name: &'static str,
    seeds: Vec<Vec<u8>>,
    mutate: fn(&mut Rng, &[u8]) -> Vec<u8>,
}

#[derive(Default)]
struct Stats {
    execs: u64,
    refused: u64,
    crashes: Vec<String>,
    slowest: Duration,
}

pub fn run(args: &[String]) -> Result<()> {
    let mut seconds = 40u64;
    let mut seed = 1u64;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seconds" => seconds = it.next().context("--seconds N")?.parse()?,
            "--seed" => seed = it.next().context("--seed N")?.parse()?,
            other => bail!("unknown argument {other:?} (fuzz [--seconds N] [--seed N])"),
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let rules = RuleSet::load_dir(&root.join("rules"), &Limits::default())?;
    if !rules.load_errors.is_empty() {
        bail!("the national rules do not load: {:?}", rules.load_errors);
    }
    let fixtures = root.join("tests/fixtures");
    let read_all = |ext: &str| -> Result<Vec<Vec<u8>>> {
        let mut out = Vec::new();
        for dir in [
            fixtures.clone(),
            fixtures.join("clean"),
            fixtures.join("real/markdown"),
        ] {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
            paths.sort();
            for p in paths {
                if p.extension().is_some_and(|e| e == ext) {
                    out.push(std::fs::read(&p)?);
                }
            }
        }
        Ok(out)
    };
    let targets = [
        Target {
            name: "docx",
            seeds: read_all("docx")?,
            mutate: mutate_docx,
        },
        Target {
            name: "xlsx",
            seeds: [read_all("xlsx")?, read_all("xls")?].concat(),
            mutate: mutate_xlsx,
        },
        Target {
            name: "html",
            seeds: read_all("html")?,
            mutate: mutate_html,
        },
        Target {
            name: "pdf",
            seeds: read_all("pdf")?,
            mutate: mutate_pdf,
        },
        Target {
            name: "text",
            seeds: read_all("txt")?,
            mutate: mutate_text,
        },
        Target {
            name: "yaml",
            seeds: read_all("yaml")?,
            mutate: mutate_yaml,
        },
        Target {
            name: "markdown",
            seeds: read_all("md")?,
            mutate: mutate_markdown,
        },
        Target {
            name: "recognize",
            seeds: vec![Vec::new()],
            mutate: |_, _| Vec::new(),
        },
    ];
    // Panics are expected findings here: keep them off stderr, keep where.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        LAST_PANIC.with(|p| *p.borrow_mut() = at);
    }));
    let per_target = Duration::from_secs(seconds) / targets.len() as u32;
    let out_dir = root.join("target/fuzz");
    let mut failed = false;
    println!(
        "{:<10} {:>8} {:>9} {:>11} {:>13} {:>8}",
        "target", "seconds", "inputs", "refused", "slowest ms", "crashes"
    );
    for (i, target) in targets.iter().enumerate() {
        if target.seeds.is_empty() {
            println!("{:<10} no seed fixtures, skipped", target.name);
            continue;
        }
        let mut rng = Rng::new(seed.wrapping_mul(0x9E37_79B9).wrapping_add(i as u64));
        let start = Instant::now();
        let mut stats = Stats::default();
        while start.elapsed() < per_target {
            let input = if target.name == "recognize" {
                Vec::new()
            } else {
                let mut bytes = rng.pick(&target.seeds).clone();
                for _ in 0..1 + rng.below(4) {
                    bytes = (target.mutate)(&mut rng, &bytes);
                }
                bytes
            };
            let doc_seed = rng.next();
            let t0 = Instant::now();
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                run_one(target.name, &input, doc_seed, &rules)
            }));
            let took = t0.elapsed();
            stats.slowest = stats.slowest.max(took);
            stats.execs += 1;
            match outcome {
                Ok(true) => {}
                Ok(false) => stats.refused += 1,
                Err(payload) => {
                    let what = payload
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| payload.downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    let at = LAST_PANIC.with(|p| p.borrow().clone());
                    let key = format!("{what} at {at}");
                    if !stats.crashes.contains(&key) {
                        let dir = out_dir.join(target.name);
                        std::fs::create_dir_all(&dir)?;
                        let file = dir.join(format!("crash-{}", stats.crashes.len()));
                        let saved = if target.name == "recognize" {
                            format!("document seed {doc_seed}").into_bytes()
                        } else {
                            input.clone()
                        };
                        std::fs::write(&file, saved)?;
                        eprintln!(
                            "{}: panic {key}; input saved to {}",
                            target.name,
                            file.display()
                        );
                        stats.crashes.push(key);
                    }
                }
            }
        }
        failed |= !stats.crashes.is_empty();
        println!(
            "{:<10} {:>8.1} {:>9} {:>11} {:>13.1} {:>8}",
            target.name,
            start.elapsed().as_secs_f64(),
            stats.execs,
            stats.refused,
            stats.slowest.as_secs_f64() * 1000.0,
            stats.crashes.len()
        );
    }
    let _ = std::panic::take_hook();
    if failed {
        bail!("fuzzing found panics (inputs in {})", out_dir.display());
    }
    Ok(())
}

thread_local! {
    static LAST_PANIC: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Adapter → recognition → rules. `false` when the input was refused
/// (an error, as it should be for broken input).
fn run_one(target: &str, input: &[u8], doc_seed: u64, rules: &RuleSet) -> bool {
    let path = Path::new("fuzz");
    let parsed = match target {
        "docx" => nianbao_docx::DocxAdapter.read(&Input { path, bytes: input }),
        "xlsx" => nianbao_xlsx::XlsxAdapter.read(&Input { path, bytes: input }),
        "html" => nianbao_html::HtmlAdapter.read(&Input { path, bytes: input }),
        "pdf" => nianbao_pdf::PdfAdapter.read(&Input { path, bytes: input }),
        "text" => nianbao_text::TextAdapter.read(&Input { path, bytes: input }),
        "yaml" => nianbao_yaml::YamlAdapter.read(&Input { path, bytes: input }),
        "markdown" => nianbao_markdown::MarkdownAdapter.read(&Input { path, bytes: input }),
        _ => Ok(Parsed::Document(random_document(&mut Rng::new(doc_seed)))),
    };
    let (report, doc) = match parsed {
        Ok(Parsed::Document(doc)) => (recognize(&doc, "fuzz", target), Some(doc)),
        Ok(Parsed::Report(r)) => (*r, None),
        Err(e) => {
            // Refusals must say something.
            assert!(!e.message.trim().is_empty(), "empty error message");
            return false;
        }
    };
    let report = Arc::new(report);
    let outcome = rules.check(&report);
    // A national rule failing on a report is an engine bug worth seeing.
    if let Some(e) = outcome.errors.first() {
        panic!("rule {:?} failed: {}", e.rule, e.message);
    }
    if let Some(doc) = doc.filter(|_| matches!(target, "docx" | "pdf" | "xlsx")) {
        annotate_back(target, input, &doc, &report, &outcome.findings);
    }
    true
}

/// How a document reads, block by block: each paragraph's text, origin and
/// address; each table's grid (every cell's text, merge and origin) and the
/// addresses of its cells.
fn reading(doc: &Document) -> Vec<String> {
    let address = |o: &Origin| format!("{:?}", doc.addresses.get(o));
    doc.blocks
        .iter()
        .map(|b| match b {
            Block::Paragraph(p) => format!("{:?} {:?} {}", p.origin, p.text, address(&p.origin)),
            Block::Table(t) => {
                let cells: Vec<String> = t
                    .rows
                    .iter()
                    .map(|row| {
                        row.iter()
                            .map(|c| {
                                format!(
                                    "{:?} {:?} {:?} {}",
                                    c.origin,
                                    c.text,
                                    c.merged_from,
                                    address(&c.origin)
                                )
                            })
                            .collect::<Vec<_>>()
                            .join(" | ")
                    })
                    .collect();
                format!(
                    "{:?} {}x{}\n{}",
                    t.origin,
                    t.rows.len(),
                    t.width(),
                    cells.join("\n")
                )
            }
        })
        .collect()
}

/// `nianbao annotate`'s writers on an input that was read: a note per
/// finding, plus one on every table's first cell and on the document as a
/// whole; the copy must read back as the same text.
fn annotate_back(
    target: &str,
    input: &[u8],
    doc: &Document,
    report: &nianbao_core::Report,
    findings: &[nianbao_core::Finding],
) {
    use nianbao_core::address::{Note, place};
    let note = |at: Option<Origin>| {
        let lines = vec!["错误 [R3-X] <&>\u{1}\"".into(), "依据：".into()];
        Note::new(at, &doc.addresses, lines)
    };
    let mut notes: Vec<Note> = findings
        .iter()
        .map(|f| note(place(&f.location, report)))
        .collect();
    notes.extend(doc.blocks.iter().filter_map(|b| match b {
        Block::Table(t) => Some(note(Some(t.origin.clone()))),
        Block::Paragraph(_) => None,
    }));
    notes.push(note(None));
    let (copy, read) = match target {
        "docx" => match nianbao_docx::annotate(input, &notes) {
            Ok(copy) => {
                let read = nianbao_docx::read(&copy);
                (copy, read.map_err(|e| e.message))
            }
            // The writer's own check found that the copy would read
            // differently: the bug this target looks for.
            Err(e) if e.message == nianbao_docx::COPY_DIFFERS => {
                panic!("the annotated copy reads differently (refused by annotate)")
            }
            // Refused as a whole: a reason must be given.
            Err(e) => return assert!(!e.message.trim().is_empty(), "empty error message"),
        },
        "xlsx" => match nianbao_xlsx::annotate(input, &notes) {
            Ok(copy) => {
                let read = nianbao_xlsx::read(&copy);
                (copy, read.map_err(|e| e.message))
            }
            Err(e) => return assert!(!e.message.trim().is_empty(), "empty error message"),
        },
        _ => match nianbao_pdf::annotate(input, &notes) {
            Ok(copy) => {
                let read = nianbao_pdf::read(&copy);
                (copy, read.map_err(|e| e.to_string()))
            }
            Err(e) => return assert!(!e.to_string().trim().is_empty(), "empty error message"),
        },
    };
    match read {
        Ok(again) => assert_eq!(
            reading(&again),
            reading(doc),
            "the annotated copy reads differently"
        ),
        Err(e) => panic!(
            "the annotated copy ({} bytes) cannot be read: {e}",
            copy.len()
        ),
    }
    if target == "pdf" {
        assert!(
            copy.starts_with(input),
            "the original is not a prefix of the copy"
        );
    }
}

/// Fragments that matter to the DOCX reader, inserted at random element
/// boundaries.
const XML_FRAGMENTS: &[&str] = &[
    "<w:tbl>",
    "</w:tbl>",
    "<w:tr>",
    "</w:tr>",
    "<w:tc>",
    "</w:tc>",
    "<w:p>",
    "</w:p>",
    "<w:p/>",
    "<w:tc><w:tcPr><w:gridSpan w:val=\"4294967296\"/></w:tcPr><w:p/></w:tc>",
    "<w:tc><w:tcPr><w:gridSpan w:val=\"-3\"/></w:tcPr><w:p/></w:tc>",
    "<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>",
    "<w:tc><w:tcPr><w:vMerge w:val=\"restart\"/><w:gridSpan w:val=\"64\"/></w:tcPr><w:p/></w:tc>",
    "<w:pPr><w:numPr><w:ilvl w:val=\"8\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr>",
    "<w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr>",
    "<w:pPr><w:rPr><w:del w:id=\"1\" w:author=\"x\"/></w:rPr></w:pPr>",
    "<w:trPr><w:del w:id=\"2\" w:author=\"x\"/></w:trPr>",
    "<w:del><w:r><w:delText>删</w:delText></w:r></w:del>",
    "<w:ins><w:r><w:t>增</w:t></w:r></w:ins>",
    "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>",
    "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>",
    "<w:r><w:t>一、总体情况</w:t></w:r>",
    "<w:r><w:t>（七）总计</w:t></w:r>",
    "<w:r><w:t>１２</w:t></w:r>",
    "<w:r><w:t>&#0;&#xFFFF;&#x10FFFF;&amp;&lt;</w:t></w:r>",
    "<w:r><w:tab/><w:br/></w:r>",
    "<mc:AlternateContent><mc:Fallback>",
    "</mc:Fallback></mc:AlternateContent>",
    "<w:sdt><w:sdtContent>",
    "</w:sdtContent></w:sdt>",
    "<![CDATA[x]]>",
    "<!-- c -->",
    "<?pi x?>",
    "\u{feff}",
];

fn splice_points(s: &str) -> Vec<usize> {
    s.match_indices('<').map(|(i, _)| i).collect()
}

/// One markup-aware mutation: fragments spliced in at tag boundaries, runs
/// of elements deleted, duplicated or swapped, numbers in a tag changed.
fn mutate_xml(rng: &mut Rng, xml: &str, fragments: &[&str]) -> String {
    let points = splice_points(xml);
    if points.is_empty() {
        return format!("{xml}{}", *rng.pick::<&str>(fragments));
    }
    let at = *rng.pick(&points);
    let end = *rng.pick(&points);
    let (lo, hi) = (at.min(end), at.max(end));
    match rng.below(7) {
        // Insert a fragment.
        0 | 1 => format!(
            "{}{}{}",
            &xml[..at],
            *rng.pick::<&str>(fragments),
            &xml[at..]
        ),
        // Delete a run of elements (often unbalancing them).
        2 => format!("{}{}", &xml[..lo], &xml[hi..]),
        // Duplicate a run of elements.
        3 if hi - lo < 200_000 => format!("{}{}", &xml[..hi], &xml[lo..]),
        // Change the numbers in one tag: spans, levels, ids.
        4 => {
            let tag_end = xml[at..].find('>').map_or(xml.len(), |i| at + i);
            let tag = &xml[at..tag_end];
            let n = *rng.pick(&[
                "0",
                "-1",
                "1",
                "9",
                "64",
                "4294967296",
                "99999999999999999999",
                "x",
            ]);
            let mut out = String::with_capacity(tag.len());
            let mut in_digits = false;
            for c in tag.chars() {
                if c.is_ascii_digit() {
                    if !in_digits {
                        out.push_str(n);
                    }
                    in_digits = true;
                } else {
                    in_digits = false;
                    out.push(c);
                }
            }
            format!("{}{}{}", &xml[..at], out, &xml[tag_end..])
        }
        // Truncate.
        5 => xml[..at].to_string(),
        // Swap two runs of elements.
        _ => {
            let mid = *rng.pick(&points);
            let mut p = [lo, mid, hi];
            p.sort_unstable();
            format!(
                "{}{}{}{}",
                &xml[..p[0]],
                &xml[p[1]..p[2]],
                &xml[p[0]..p[1]],
                &xml[p[2]..]
            )
        }
    }
}

fn mutate_docx(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    mutate_zip(
        rng,
        bytes,
        &["word/document.xml", "word/numbering.xml", "word/styles.xml"],
        XML_FRAGMENTS,
    )
}

/// Fragments that matter to the workbook reader: cells of every type, merge
/// ranges (some absurd), shared-string indexes out of range.
const XLSX_FRAGMENTS: &[&str] = &[
    "<row r=\"1048576\">",
    "</row>",
    "<c r=\"XFD1048576\"><v>1</v></c>",
    "<c r=\"A1\" t=\"s\"><v>999999</v></c>",
    "<c r=\"B2\" t=\"inlineStr\"><is><t>（七）总计</t></is></c>",
    "<c r=\"C3\" t=\"str\"><f>SUM(A1:A3)</f><v>１２</v></c>",
    "<c r=\"D4\" t=\"e\"><v>#DIV/0!</v></c>",
    "<c r=\"E5\"><v>1.5</v></c>",
    "<c r=\"F6\"><v>1e308</v></c>",
    "<c r=\"ZZZZZZ9\"><v>-3</v></c>",
    "<mergeCells count=\"1\"><mergeCell ref=\"A1:XFD1048576\"/></mergeCells>",
    "<mergeCell ref=\"B1:A9\"/>",
    "<si><t>自\n然\n人</t></si>",
    "<si><r><t>申请人</t></r><r><t>情况</t></r></si>",
    "<dimension ref=\"A1:XFD1048576\"/>",
    "<!-- c -->",
    "\u{feff}",
];

fn mutate_xlsx(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    if bytes.starts_with(b"PK") {
        mutate_zip(
            rng,
            bytes,
            &[
                "xl/worksheets/sheet1.xml",
                "xl/sharedStrings.xml",
                "xl/workbook.xml",
            ],
            XLSX_FRAGMENTS,
        )
    } else {
        // An OLE2 .xls: no structure worth knowing at this level.
        flip_bytes(rng, bytes)
    }
}

const HTML_FRAGMENTS: &[&str] = &[
    "<table>",
    "</table>",
    "<tr>",
    "</tr>",
    "<td>",
    "</td>",
    "<td rowspan=\"4294967296\" colspan=\"-2\">1</td>",
    "<td colspan=\"1000\">２</td>",
    "<td rowspan=\"65534\">无</td>",
    "<th>自<br>然<br>人</th>",
    "<p>一、总体情况</p>",
    "<div style=\"display:none\">",
    "</div>",
    "<script>document.write('<table>')</script>",
    "<meta charset=\"gbk\">",
    "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-16\">",
    "&nbsp;&#0;&#x110000;&amp",
    "<br>",
    "<![CDATA[x]]>",
    "<!-- c",
    "<table><tr><td><table><tr><td>",
    "\u{feff}",
];

fn mutate_html(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    match std::str::from_utf8(bytes) {
        Ok(page) if !rng.chance(10) => mutate_xml(rng, page, HTML_FRAGMENTS).into_bytes(),
        // GBK pages, and damage to the encoding itself.
        _ => flip_bytes(rng, bytes),
    }
}

/// PDF syntax spliced in at token boundaries: objects, streams with lying
/// lengths, references to nowhere or to themselves, broken xref.
const PDF_FRAGMENTS: &[&[u8]] = &[
    b" obj ",
    b" endobj ",
    b"stream\n",
    b"\nendstream",
    b" /Length 99999999 ",
    b" /Length -1 ",
    b" 1 0 R ",
    b" 99999 0 R ",
    b" /Filter /FlateDecode ",
    b" /Filter /DCTDecode ",
    b"<< /Type /Page /Contents 3 0 R >>",
    b"[ 0 0 1e308 -1e308 ]",
    b" BT /F1 12 Tf (\xe4\xb8\x80) Tj ET ",
    b" 0 0 100 100 re f ",
    b" q q q q q ",
    b" Q Q Q ",
    b"xref\n0 1\n",
    b"trailer << /Root 1 0 R /Size 4294967296 >>",
    b"%%EOF",
    b"<FEFF4E00>",
    b"(\\",
];

fn mutate_pdf(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    if rng.chance(40) {
        return flip_bytes(rng, bytes);
    }
    let points: Vec<usize> = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| b.is_ascii_whitespace())
        .map(|(i, _)| i)
        .collect();
    if points.is_empty() {
        return flip_bytes(rng, bytes);
    }
    let at = *rng.pick(&points);
    let end = *rng.pick(&points);
    let (lo, hi) = (at.min(end), at.max(end));
    match rng.below(4) {
        0 | 1 => [&bytes[..at], *rng.pick(PDF_FRAGMENTS), &bytes[at..]].concat(),
        2 if hi - lo < 4096 => [&bytes[..lo], &bytes[hi..]].concat(),
        _ => {
            // Change the number after this point: lengths, offsets, counts.
            let mut b = bytes.to_vec();
            if let Some(d) = b[at..].iter().position(u8::is_ascii_digit) {
                let n = *rng.pick(&[&b"0"[..], b"9", b"65535", b"4294967295"]);
                let i = at + d;
                let j = b[i..]
                    .iter()
                    .position(|c| !c.is_ascii_digit())
                    .map_or(b.len(), |k| i + k);
                b.splice(i..j, n.iter().copied());
            }
            b
        }
    }
}

/// Mutates one of `parts` (the first most often) inside a zip container, or
/// now and then the container's bytes.
fn mutate_zip(rng: &mut Rng, bytes: &[u8], targets: &[&str], fragments: &[&str]) -> Vec<u8> {
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return flip_bytes(rng, bytes);
    };
    // Occasionally damage the container itself.
    if rng.chance(10) {
        return flip_bytes(rng, bytes);
    }
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..zip.len() {
        let Ok(mut f) = zip.by_index(i) else {
            continue;
        };
        let name = f.name().map(|n| n.to_string()).unwrap_or_default();
        let mut data = Vec::new();
        if f.read_to_end(&mut data).is_err() {
            continue;
        }
        parts.push((name, data));
    }
    let want = if rng.chance(80) {
        targets[0]
    } else {
        *rng.pick(&targets[1..])
    };
    for (name, data) in parts.iter_mut() {
        if name == want
            && let Ok(xml) = std::str::from_utf8(data)
        {
            *data = mutate_xml(rng, xml, fragments).into_bytes();
        }
    }
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opt = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in &parts {
        if w.start_file(name.as_str(), opt).is_err() || w.write_all(data).is_err() {
            return bytes.to_vec();
        }
    }
    w.finish()
        .map(|c| c.into_inner())
        .unwrap_or_else(|_| bytes.to_vec())
}

fn flip_bytes(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    let mut b = bytes.to_vec();
    if b.is_empty() {
        return vec![0xD0, 0xCF];
    }
    match rng.below(3) {
        0 => {
            for _ in 0..1 + rng.below(8) {
                let i = rng.below(b.len() as u64) as usize;
                b[i] = rng.next() as u8;
            }
        }
        1 => b.truncate(rng.below(b.len() as u64) as usize),
        _ => {
            let i = rng.below(b.len() as u64) as usize;
            let chunk = b[i..].iter().take(64).copied().collect::<Vec<_>>();
            b.splice(i..i, chunk);
        }
    }
    b
}

const TEXT_FRAGMENTS: &[&str] = &[
    "\t",
    "\t\t\t",
    "\n",
    "一、总体情况",
    "三、收到和处理政府信息公开申请情况",
    "（七）总计",
    "自然人",
    "１２",
    "-3",
    "9999999999999999999999",
    "1.5",
    "无",
    "—",
    "\u{3000}",
    "\r\n",
    "\u{fffd}",
    "2024年1月3日",
    "二〇二四年十三月四十日",
];

/// Line-level mutations: what text dumps and YAML files get wrong.
fn mutate_lines(rng: &mut Rng, bytes: &[u8], fragments: &[&str]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes);
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if lines.is_empty() {
        lines.push(String::new());
    }
    let i = rng.below(lines.len() as u64) as usize;
    let j = rng.below(lines.len() as u64) as usize;
    match rng.below(6) {
        0 => {
            lines.remove(i);
        }
        1 => {
            let l = lines[i].clone();
            lines.insert(j, l);
        }
        2 => lines.swap(i, j),
        3 => {
            let l = &mut lines[i];
            let cut = l
                .char_indices()
                .map(|(k, _)| k)
                .nth(rng.below(l.chars().count() as u64 + 1) as usize)
                .unwrap_or(l.len());
            let fragment = *rng.pick::<&str>(fragments);
            l.insert_str(cut, fragment);
        }
        4 => {
            // Replace every number on the line.
            let n = *rng.pick(&["0", "-1", "18446744073709551616", "1e308", "１２"]);
            let mut out = String::new();
            let mut in_digits = false;
            for c in lines[i].chars() {
                if c.is_ascii_digit() {
                    if !in_digits {
                        out.push_str(n);
                    }
                    in_digits = true;
                } else {
                    in_digits = false;
                    out.push(c);
                }
            }
            lines[i] = out;
        }
        _ => lines.truncate(i),
    }
    let mut out = lines.join("\n").into_bytes();
    if rng.chance(5) {
        out = flip_bytes(rng, &out);
    }
    out
}

fn mutate_text(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    mutate_lines(rng, bytes, TEXT_FRAGMENTS)
}

/// Markdown block and inline syntax: headings, quotes and lists (nesting),
/// pipe-table lines, pandoc's table lines, HTML table blocks and spans.
const MARKDOWN_FRAGMENTS: &[&str] = &[
    "\n",
    "\n\n",
    "# ",
    "###### ",
    "> > > > ",
    "- ",
    "1. ",
    "    ",
    "```",
    "|",
    "|---|---|",
    "\n|---|---|---|\n",
    "\n  ---------- ------\n",
    "\n+------+----+\n",
    "\\",
    "<br>",
    "<table><tr><td rowspan=99999 colspan=0>",
    "</td></tr></table>",
    "<!--",
    "![图](x.png)",
    "[链接](",
    "**",
    "---\n",
    "一、总体情况",
    "三、收到和处理政府信息公开申请情况",
    "— 3 —",
];

fn mutate_markdown(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    if rng.chance(10) {
        return flip_bytes(rng, bytes);
    }
    mutate_lines(rng, bytes, MARKDOWN_FRAGMENTS)
}

const YAML_FRAGMENTS: &[&str] = &[
    "&a ",
    "*a",
    "[",
    "]",
    "{",
    "}",
    ": ",
    "- ",
    "\"",
    "'",
    "!!binary ",
    "!!str ",
    "? ",
    "|",
    ">-",
    "\t",
    "~",
    "<<: *a",
    "99999999999999999999999",
    "-.inf",
    ".nan",
    "0x1F",
    "一、总体情况",
    "---",
    "...",
    "%YAML 1.1",
];

fn mutate_yaml(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    mutate_lines(rng, bytes, YAML_FRAGMENTS)
}

/// A random document of the shapes recognition sees: headings, table labels
/// from the schema, numbers, merged cells (some pointing nowhere sensible).
fn random_document(rng: &mut Rng) -> Document {
    let labels: Vec<&str> = [&T2, &T3, &T4]
        .iter()
        .flat_map(|s| {
            s.rows
                .iter()
                .map(|r| r.label)
                .chain(s.columns.iter().map(|c| c.label))
        })
        .chain([
            "一、本年新收政府信息公开申请数量",
            "申请人情况",
            "自\n然\n人",
            "法人或其他组织",
            "行政复议",
            "行政诉讼",
            "未经复议直接起诉",
            "复议后起诉",
            "第二十条第（一）项",
            "信息内容",
            "本年新制作数量",
            "",
        ])
        .collect();
    let headings = [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
        "2024年1月3日",
        "某某县人民政府",
        "某某县2023年政府信息公开工作年度报告",
    ];
    let mut blocks = Vec::new();
    let mut tables = 0;
    for b in 0..rng.below(20) {
        if rng.chance(60) {
            let text = if rng.chance(50) {
                rng.pick(&headings).to_string()
            } else {
                rng.pick(&labels).to_string()
            };
            blocks.push(Block::Paragraph(TextBlock {
                text,
                origin: Origin::Paragraph {
                    index: b as usize + 1,
                },
            }));
            continue;
        }
        tables += 1;
        let rows = rng.below(40) as usize;
        let width = rng.below(18) as usize;
        let grid = (0..rows)
            .map(|r| {
                (0..width)
                    .map(|c| {
                        let text = match rng.below(4) {
                            0 => rng.pick(&labels).to_string(),
                            1 => rng
                                .pick(&["", "无", "—", "１２", "-1", "1.5", "x"])
                                .to_string(),
                            _ => rng.below(1000).to_string(),
                        };
                        let merged_from = rng.chance(15).then(|| {
                            (
                                rng.below(rows as u64 + 3) as usize,
                                rng.below(width as u64 + 3) as usize,
                            )
                        });
                        GridCell {
                            text,
                            merged_from,
                            origin: Origin::Table {
                                table_index: tables,
                                row: r + 1,
                                column: c + 1,
                            },
                            ..Default::default()
                        }
                    })
                    .collect()
            })
            .collect();
        blocks.push(Block::Table(GridTable {
            rows: grid,
            origin: Origin::Table {
                table_index: tables,
                row: 1,
                column: 1,
            },
        }));
    }
    Document {
        blocks,
        ..Document::default()
    }
}
