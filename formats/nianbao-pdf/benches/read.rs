//! Time to read a PDF into the generic document, per file and per page:
//! `cargo bench -p nianbao-pdf`. Guides only; no timing is asserted anywhere.

// A bench of committed fixtures: a missing or unreadable one should stop it.
#![allow(clippy::expect_used)]

use divan::Bencher;
use divan::counter::ItemsCount;

fn main() {
    divan::main();
}

/// (fixture, pages)
const FILES: &[(&str, usize)] = &[
    ("seed.pdf", 3),
    ("fullwidth.pdf", 3),
    ("seed-weasyprint.pdf", 4),
];

#[divan::bench(args = FILES)]
fn read(bencher: Bencher, file: &(&str, usize)) {
    let path = format!(
        "{}/../../tests/fixtures/{}",
        env!("CARGO_MANIFEST_DIR"),
        file.0
    );
    let bytes = std::fs::read(&path).expect("the committed fixture");
    bencher
        .counter(ItemsCount::new(file.1))
        .bench(|| nianbao_pdf::read(divan::black_box(&bytes)).expect("readable"));
}
