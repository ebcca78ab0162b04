//! A finished run: what every renderer (human, JSON, SARIF, HTML, XLSX) is given.

use std::collections::BTreeMap;

use nianbao_core::rules::RuleMeta;
use nianbao_core::{FileResult, RuleError};

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

impl<'a> Run<'a> {
    /// The run of `results` checked with `profiles`, after `review`: its
    /// summary counts what the review left; no timings.
    pub fn new(
        results: &'a [FileResult],
        profiles: &'a crate::profile::Profiles,
        review: Review,
    ) -> Run<'a> {
        let load_errors = profiles.load_errors();
        let summary = Summary::of(results, &load_errors).with_review(&review);
        Run {
            results,
            metas: profiles.metas(),
            load_errors,
            summary,
            review,
            timings: None,
        }
    }

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
