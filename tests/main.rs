//! The integration tests, one module a file, built as one test binary (`it`)
//! so that a change relinks one executable, not thirteen. Run one file's
//! tests with `cargo test --test it cli::` (a filter on the module path).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod annotate;
mod batch;
mod cli;
mod config;
mod cross_year;
mod formats;
mod hostile;
mod national;
mod packs;
mod pdf;
mod precision;
mod read_errors;
mod review;
mod rules;
