//! Per vendor and per channel: how often each pattern fires there, against
//! how often it fires over all cases, with a Wilson interval so that one bad
//! case does not flag a vendor.

use super::{Pattern, PatternSet, Thresholds, RULES};
use crate::domain::rounding::round4;
use serde::Serialize;
use std::collections::BTreeMap;

/// The Wilson score interval for `hits` out of `n` at a given z.
pub fn wilson(hits: usize, n: usize, z: f64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let n_f = n as f64;
    let p = hits as f64 / n_f;
    let z2 = z * z;
    let centre = p + z2 / (2.0 * n_f);
    let margin = z * (p * (1.0 - p) / n_f + z2 / (4.0 * n_f * n_f)).sqrt();
    let denom = 1.0 + z2 / n_f;
    (
        ((centre - margin) / denom).max(0.0),
        ((centre + margin) / denom).min(1.0),
    )
}

/// One pattern's figures in one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatternRate {
    /// Cases in the group where the pattern fired.
    pub cases: usize,
    pub rate: f64,
    /// The rate over all cases.
    pub baseline: f64,
    /// The Wilson interval of the rate.
    pub low: f64,
    pub high: f64,
    /// The lower bound is above the baseline, with enough cases.
    pub flagged: bool,
    /// Fewer cases in the group than the configured minimum.
    pub too_few_cases: bool,
}

/// Counts of cases with each pattern, in one group or over all cases.
#[derive(Debug, Clone, Default)]
pub struct PatternTally {
    pub cases: usize,
    /// Cases per pattern, by `Pattern as usize`.
    hits: [usize; PATTERNS],
}

const PATTERNS: usize = Pattern::Delight as usize + 1;

impl PatternTally {
    /// Counts one case, given the patterns that fired on it (each once).
    pub fn add(&mut self, patterns: PatternSet) {
        self.cases += 1;
        for p in patterns.iter() {
            self.hits[p as usize] += 1;
        }
    }

    /// Adds another group's counts.
    pub fn merge(&mut self, o: &PatternTally) {
        self.cases += o.cases;
        for (mine, theirs) in self.hits.iter_mut().zip(o.hits) {
            *mine += theirs;
        }
    }

    /// Cases where `p` fired.
    pub fn hits(&self, p: Pattern) -> usize {
        self.hits[p as usize]
    }

    pub fn rate(&self, p: Pattern) -> f64 {
        if self.cases == 0 {
            0.0
        } else {
            self.hits(p) as f64 / self.cases as f64
        }
    }

    /// The figures of every pattern that fired in the group, against the baseline.
    pub fn rates(
        &self,
        baseline: &PatternTally,
        th: &Thresholds,
    ) -> BTreeMap<&'static str, PatternRate> {
        let mut out = BTreeMap::new();
        for (p, hits) in RULES
            .iter()
            .map(|r| (r.pattern, self.hits(r.pattern)))
            .filter(|(_, hits)| *hits > 0)
        {
            let (low, high) = wilson(hits, self.cases, th.confidence_z);
            let base = baseline.rate(p);
            let too_few = self.cases < th.min_cases;
            out.insert(
                p.id(),
                PatternRate {
                    cases: hits,
                    rate: round4(self.rate(p)),
                    baseline: round4(base),
                    low: round4(low),
                    high: round4(high),
                    flagged: !too_few && low > base,
                    too_few_cases: too_few,
                },
            );
        }
        out
    }

    /// The friction score: the expected number of friction patterns on one
    /// case of the group (the sum of their rates), less the rate of delight.
    /// 0 is a group where nothing ever went wrong; each point is one more
    /// pattern per case on average.
    pub fn friction_score(&self) -> f64 {
        let score: f64 = RULES
            .iter()
            .map(|r| {
                if r.pattern.is_positive() {
                    -self.rate(r.pattern)
                } else {
                    self.rate(r.pattern)
                }
            })
            .sum();
        (score * 100.0).round() / 100.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tally_counts_each_pattern_of_each_case_once() {
        let mut t = PatternTally::default();
        t.add(PatternSet::of([Pattern::Unreachable, Pattern::Delight]));
        t.add(PatternSet::of([Pattern::Delight]));
        t.add(PatternSet::default());
        assert_eq!(t.cases, 3);
        assert_eq!(t.hits(Pattern::Unreachable), 1);
        assert_eq!(t.hits(Pattern::Delight), 2);
        assert_eq!(t.hits(Pattern::Churn), 0);
        let all = PatternSet::of(RULES.iter().map(|r| r.pattern));
        assert_eq!(all.iter().count(), RULES.len());
        assert_eq!(
            PatternSet::of([Pattern::Churn, Pattern::Unreachable])
                .iter()
                .collect::<Vec<_>>(),
            [Pattern::Unreachable, Pattern::Churn]
        );
    }

    #[test]
    fn wilson_matches_the_textbook() {
        // 0 of 10 at 95 %: (0, 0.2775)
        let (lo, hi) = wilson(0, 10, 1.96);
        assert_eq!(lo, 0.0);
        assert!((hi - 0.27753).abs() < 1e-4, "{hi}");
        // 5 of 10: (0.2366, 0.7634)
        let (lo, hi) = wilson(5, 10, 1.96);
        assert!(
            (lo - 0.23659).abs() < 1e-4 && (hi - 0.76341).abs() < 1e-4,
            "{lo} {hi}"
        );
        // 1 of 1: (0.2065, 1)
        let (lo, hi) = wilson(1, 1, 1.96);
        assert!((lo - 0.20654).abs() < 1e-4 && hi == 1.0, "{lo} {hi}");
    }
}
