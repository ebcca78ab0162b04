//! The Rhai rule engine: load every `*.rhai`, compile once, run on each report.
//!
//! A rule file declares its metadata as top-level constants and a
//! `fn check(report)` that returns an array of finding maps:
//!
//! ```rhai
//! const ID = "R3-IDENT";
//! const TITLE = "…";
//! const SEVERITY = "error";
//! const BASIS = "…";
//! const DESCRIPTION = "…";
//! fn check(report) { [] }
//! ```
//!
//! # Invariants
//!
//! The engine keeps some state per thread (`thread_local!`), never in the
//! shared [`RuleSet`], which every worker only reads:
//!
//! - `engine::DEADLINE`: when the rule now running must stop. Set from the
//!   rule set's own timeout just before a rule's `check` is called and reset
//!   to `None` right after, whatever it returned.
//! - `derived::CURRENT`: the shared data of the report whose rule is running,
//!   so that `normalize(text)` and `sentences(text)` can answer for a
//!   paragraph's own text. Set by a guard around each rule run that puts the
//!   previous value back when dropped; the `Arc` keeps the report (and so the
//!   string addresses it is looked up by) alive while it is current.
//! - `derived::SHARED_TIME` and `DEPTH`: time spent building shared data,
//!   taken (and so zeroed) before the first rule of a report and after each.
//! - `text_values::REGEX_CACHE` (256 patterns) and `plain_text::BIGRAMS`
//!   (1024 texts): memos of pure functions of their key (a pattern, a text),
//!   emptied whole when full; plus a few constant regexes built once per
//!   thread, and the key buffer of [`crate::model::Table::cell`], refilled
//!   at every lookup.
//! - One memo is shared by every thread: `text_values::COMPILED`, the
//!   compiled patterns (256), behind a lock taken only on a thread's first
//!   use of a pattern; each thread searches with its own clone of the
//!   `Regex` (its own search cache), kept in `REGEX_CACHE`.
//!
//! Why this is safe: a script runs synchronously on the thread that called
//! it, so a rayon worker runs one rule at a time from start to end and never
//! sees another report's deadline or data; the `Rc`s in the memos are not
//! `Send`, so nothing cached leaves its thread (a compiled pattern is shared
//! only as a clone). Several rule sets, batches or reports in one process
//! share only the memos, whose entries depend on their key alone, never on
//! a rule set, a report or configuration; the
//! deadline and the current report are set anew for every rule run. Nothing
//! is cleared at the end of a batch: the memos are bounded and live as long
//! as their thread.

pub mod api;
mod compile;
pub mod derived;
mod engine;
mod examples_span;
mod finding_maps;
mod meta;
pub mod pack;
mod percent;
mod plain_text;
mod proofread;
mod rule;
mod run;
mod set;
pub mod text;
mod text_values;

pub use compile::read_rule_dir;
pub use engine::{Limits, new_engine};
pub use meta::{Example, Examples, RuleMeta};
pub use rule::{InForce, Rule, RuleSettings, RuleSource, SettingError};
pub use run::{Context, RuleOutcome};
pub use set::{Layers, RuleSet};

#[cfg(test)]
mod tests;
