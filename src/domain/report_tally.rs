//! Adds cases into a report's groups, one case at a time. Every grouping is
//! the same sum: a case falls under one key (its vendor, category or stage,
//! with all its patterns) or under several (each channel or party it used,
//! with the patterns whose evidence lies there), and into the overall figures
//! once.

use super::friction::stats::PatternTally;
use super::friction::PatternSet;
use super::measures::{CaseFacts, GroupTally};
use std::collections::HashMap;

/// One group's sums: its figures and its pattern counts.
#[derive(Debug, Clone, Default)]
pub struct GroupSums {
    pub figures: GroupTally,
    pub patterns: PatternTally,
}

#[derive(Debug, Clone, Default)]
pub struct ReportTally {
    index: HashMap<String, usize>,
    groups: Vec<(String, GroupSums)>,
    pub overall: GroupTally,
    /// The patterns over every case: the baseline of the rates.
    pub baseline: PatternTally,
    /// Open cases counted (they have an age, not a time to resolution).
    pub open: usize,
}

impl ReportTally {
    /// Counts one case under each of `members` (key, patterns seen there).
    pub fn add<'a>(
        &mut self,
        facts: &CaseFacts,
        patterns: PatternSet,
        members: impl IntoIterator<Item = (&'a str, PatternSet)>,
    ) {
        self.open += usize::from(facts.is_open);
        self.overall.add(facts);
        self.baseline.add(patterns.iter());
        for (key, seen) in members {
            let sums = self.group(key);
            sums.figures.add(facts);
            sums.patterns.add(seen.iter());
        }
    }

    fn group(&mut self, key: &str) -> &mut GroupSums {
        let i = match self.index.get(key) {
            Some(&i) => i,
            None => {
                self.groups.push((key.to_string(), GroupSums::default()));
                self.index.insert(key.to_string(), self.groups.len() - 1);
                self.groups.len() - 1
            }
        };
        &mut self.groups[i].1
    }

    /// The groups, in no particular order.
    pub fn into_groups(self) -> (Vec<(String, GroupSums)>, GroupTally, PatternTally, usize) {
        (self.groups, self.overall, self.baseline, self.open)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::cost_group::CostFacts;
    use crate::domain::friction::Pattern;
    use crate::domain::measures::CaseMeasures;
    use crate::domain::Money;

    fn facts(open: bool, ttr: Option<f64>) -> CaseFacts {
        CaseFacts {
            measures: CaseMeasures {
                ttfr_hours: Some(1.0),
                ttr_hours: ttr,
                age_hours: None,
                vendor_wait_hours: 2.0,
                customer_wait_hours: 0.5,
                touches: 3,
                contacts: 2,
                reopens: 0,
            },
            is_open: open,
            escalated: false,
            self_resolved: false,
            refund: Money(0),
            customer_cost: Money(0),
            cost: CostFacts::default(),
            sla: None,
        }
    }

    #[test]
    fn a_case_counts_once_overall_and_once_under_each_member() {
        let mut t = ReportTally::default();
        let slow = PatternSet::of([Pattern::SlowResponse]);
        let both = PatternSet::of([Pattern::SlowResponse, Pattern::Unreachable]);
        t.add(
            &facts(true, None),
            both,
            [("phone", both), ("email", PatternSet::default())],
        );
        t.add(&facts(false, Some(4.0)), slow, [("phone", slow)]);
        let (groups, overall, baseline, open) = t.into_groups();
        assert_eq!(open, 1);
        assert_eq!(baseline.cases, 2);
        assert_eq!(baseline.hits[&Pattern::SlowResponse], 2);
        assert_eq!(baseline.hits[&Pattern::Unreachable], 1);
        let overall = overall.figures();
        assert_eq!((overall.cases, overall.open), (2, 1));
        assert_eq!(overall.vendor_wait_hours, 4.0);
        let get = |k: &str| groups.iter().find(|(g, _)| g == k).unwrap().1.clone();
        let phone = get("phone");
        assert_eq!(phone.patterns.cases, 2);
        assert_eq!(phone.patterns.hits[&Pattern::SlowResponse], 2);
        assert_eq!(phone.figures.figures().ttr_hours.n, 1);
        let email = get("email");
        assert_eq!(email.patterns.cases, 1);
        assert!(email.patterns.hits.is_empty());
    }
}
