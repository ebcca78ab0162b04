//! nianbao's application core: everything a front end needs to check
//! reports and show the results, shared by the command line and the review
//! page so that neither copies the other.
//!
//! - [`formats`]: the format registry of this build;
//! - [`embedded`], [`profile`], [`config`]: rule sets as a configuration makes them;
//! - [`files`], [`batch`]: report files under folders; checking files (from disk or
//!   from bytes) on a worker pool;
//! - [`review`]: baselines and ignores;
//! - [`run`], [`render`], [`summary`], [`timings`]: a finished run and its outputs;
//! - [`annotate`]: findings written into a copy of the file (bytes in, bytes out);
//! - [`cross_year`]: last year's reports.
//!
//! It knows nothing of clap, terminals or HTTP, and does not look for
//! configuration files on disk (the front end decides which applies).

#![forbid(unsafe_code)]

pub mod annotate;
pub mod batch;
pub mod config;
pub mod cross_year;
pub mod embedded;
mod error;
pub mod files;
pub mod formats;
pub mod fs;
pub mod place;
pub mod profile;
pub mod render;
pub mod review;
pub mod run;
pub mod summary;
pub mod timings;

pub use error::Error;
pub use run::Run;
