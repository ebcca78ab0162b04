//! nianbao core: the report model, the format-adapter trait, recognition of the
//! national tables, the Rhai rule engine and findings. See `ARCHITECTURE.md`.

#![forbid(unsafe_code)]

pub mod adapter;
pub mod address;
mod address_map;
pub mod area;
pub mod check;
mod division;
pub mod document;
pub mod finding;
pub mod fingerprint;
pub mod merge;
pub mod model;
pub mod recognize;
pub mod region;
pub mod rules;
pub mod schema;
pub mod value;

pub use adapter::{AdapterError, Annotator, FormatAdapter, Input, Parsed, ReadErrorKind, Registry};
pub use check::{
    CheckOptions, Checked, FileResult, ReadError, Timings, check_bytes, check_file,
    check_file_with, read_bytes_timed, read_file, read_report, read_report_timed,
    read_report_with_addresses,
};
pub use finding::{Finding, Location, RuleError, Severity, Suppressed, Suppression};
pub use model::Report;
pub use rules::{Limits, RuleSet, RuleSource};
