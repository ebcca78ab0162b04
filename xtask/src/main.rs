//! Developer tasks: `cargo xtask <task>`.
//!
//! - `ci`: the full local check, the same commands as `.ci/run`.
//! - `fixtures`: regenerate the committed DOCX fixtures from their sources in
//!   `tests/fixtures/src/` (HTML and Flat ODT) with LibreOffice (`soffice`), so
//!   they are written by a real word processor, not by our own code
//!   (`fixtures.rs`).
//! - `bench`: speed and memory on a generated DOCX corpus against a raw
//!   scan of the same files (`bench.rs`, corpus in `corpus.rs`).
//! - `bench-serve`: `nianbao serve` over HTTP against `check` on the same
//!   corpus, issue 20's timing targets (`serve_bench.rs`).
//! - `fuzz`: structure-aware mutation fuzzing on stable (`fuzz.rs`).
//! - `docs`: regenerate `docs/rules.md` from the rules' metadata.
//! - `regions`: regenerate the administrative-division table in core.
//! - `format-fixtures`: regenerate the XLSX/XLS, GBK HTML and `pdftotext -layout`
//!   fixtures (`format_fixtures.rs`).
//! - `pdf`: regenerate the PDF fixtures (`pdf.rs`).
//! - `tidy`: what ARCHITECTURE.md promises, checked on the tree (`tidy.rs`).

#![forbid(unsafe_code)]

mod bench;
mod corpus;
mod fixtures;
mod fuzz;
mod markup;
mod prose;
mod rng;
mod serve_bench;
mod tidy;

use std::process::Command;

use anyhow::{Context, Result, bail};

mod docs;
mod format_fixtures;
mod pdf;
mod regions;

fn main() -> Result<()> {
    let task = std::env::args().nth(1).unwrap_or_default();
    match task.as_str() {
        "ci" => ci(),
        "fixtures" => fixtures::run(),
        "bench" => bench::run(&std::env::args().skip(2).collect::<Vec<_>>()),
        "bench-serve" => serve_bench::run(&std::env::args().skip(2).collect::<Vec<_>>()),
        "fuzz" => fuzz::run(&std::env::args().skip(2).collect::<Vec<_>>()),
        "docs" => docs::run(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")),
        "regions" => regions::run(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")),
        "format-fixtures" => format_fixtures::run(),
        "pdf" => pdf::pdf(),
        "tidy" => tidy::run(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")),
        _ => {
            eprintln!(
                "usage: cargo xtask <task>\n\ntasks:\n  ci        fmt check, tests, clippy (as .ci/run)\n  fixtures  regenerate tests/fixtures/*.docx with LibreOffice\n  bench     corpus of 2,000 DOCX reports, raw scan vs nianbao check, target/bench.json\n  bench-serve  nianbao serve over HTTP: a 20-page DOCX round trip, 200 reports in one batch vs check, target/bench-serve.json\n  fuzz      structure-aware mutation fuzzing of every adapter and recognition (--seconds N)\n  docs      regenerate docs/rules.md from the rules' metadata\n  regions   regenerate crates/nianbao-core/data/regions.tsv from the npm registry\n  format-fixtures  regenerate the XLSX/XLS, GBK HTML and pdftotext fixtures (soffice, iconv, pdftotext)\n  pdf       regenerate tests/fixtures/*.pdf (soffice, weasyprint, pdftoppm, img2pdf, qpdf)\n  tidy      the crate graph, lints, file sizes and note codes as ARCHITECTURE.md says"
            );
            bail!("unknown task {task:?}")
        }
    }
}

pub(crate) fn cargo(args: &[&str]) -> Result<()> {
    eprintln!("== cargo {}", args.join(" "));
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .status()
        .context("running cargo")?;
    if !status.success() {
        bail!("cargo {} failed", args.join(" "));
    }
    Ok(())
}

fn ci() -> Result<()> {
    cargo(&["fmt", "--all", "--", "--check"])?;
    tidy::run(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))?;
    cargo(&["test", "--workspace"])?;
    cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ])
}
