//! Micro-benchmarks of the hot paths of one check, on committed fixtures:
//! DOCX parse, recognition, the national rule set, and the whole pipeline.
//! `cargo bench -p nianbao-cli --bench hot_paths`. They guide profiling; the
//! speed targets are end to end (`cargo xtask bench`), and no timing is
//! asserted anywhere.

// A bench of committed fixtures: a missing or unreadable one should stop it.
#![allow(clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use divan::Bencher;
use nianbao_core::adapter::{FormatAdapter, Input, Parsed};
use nianbao_core::document::Document;
use nianbao_core::recognize::recognize;
use nianbao_core::{Limits, RuleSet};

fn main() {
    divan::main();
}

const FIXTURES: &[&str] = &["seed.docx", "fullwidth.docx", "numbering.docx"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(root().join("tests/fixtures").join(name)).expect("the committed fixture")
}

fn document(bytes: &[u8]) -> Document {
    let input = Input {
        path: Path::new("bench.docx"),
        bytes,
    };
    match nianbao_docx::DocxAdapter.read(&input).expect("readable") {
        Parsed::Document(doc) => doc,
        Parsed::Report(_) => unreachable!("DOCX gives a document"),
    }
}

fn national_rules() -> RuleSet {
    let rules = RuleSet::load_dir(&root().join("rules"), &Limits::default())
        .expect("the repository's rules");
    assert!(rules.load_errors.is_empty(), "{:?}", rules.load_errors);
    rules
}

/// Bytes to generic document: unzip, one XML pass, merges expanded.
#[divan::bench(args = FIXTURES)]
fn docx_read(bencher: Bencher, name: &str) {
    let bytes = bytes(name);
    bencher.bench(|| document(divan::black_box(&bytes)));
}

/// Generic document to the report model: sections, metadata, tables.
#[divan::bench(args = FIXTURES)]
fn recognition(bencher: Bencher, name: &str) {
    let doc = document(&bytes(name));
    bencher.bench(|| recognize(divan::black_box(&doc), "bench.docx", "docx"));
}

/// Every rule of the repository on one recognised report.
#[divan::bench(args = FIXTURES)]
fn rules(bencher: Bencher, name: &str) {
    let report = Arc::new(recognize(&document(&bytes(name)), "bench.docx", "docx"));
    let rules = national_rules();
    bencher.bench(|| rules.check(divan::black_box(&report)));
}

/// The three together, as `nianbao check` runs them per file.
#[divan::bench(args = FIXTURES)]
fn pipeline(bencher: Bencher, name: &str) {
    let bytes = bytes(name);
    let rules = national_rules();
    bencher.bench(|| {
        let report = Arc::new(recognize(
            &document(divan::black_box(&bytes)),
            "bench.docx",
            "docx",
        ));
        rules.check(&report)
    });
}
