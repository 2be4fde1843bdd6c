//! Adds cases into a report's groups, one case at a time. Every grouping is
//! the same sum: a case falls under one key (its vendor, category or stage,
//! with all its patterns) or under several (each channel or party it used,
//! with the patterns whose evidence lies there), and into the overall figures
//! once.
//!
//! A case's figures go into one cell: the cases with the same set of keys.
//! Cells never overlap, so the overall figures are the sum of all cells and a
//! group's figures the sum of the cells that hold its key, taken once at the
//! end; a case with three channels costs one sum, not four.

use super::friction::stats::PatternTally;
use super::friction::PatternSet;
use super::measures::{CaseFacts, GroupTally};
use foldhash::HashMap;

/// One group's sums: its figures and its pattern counts.
#[derive(Debug, Clone, Default)]
pub struct GroupSums {
    pub figures: GroupTally,
    pub patterns: PatternTally,
}

#[derive(Debug, Clone, Default)]
pub struct ReportTally {
    index: HashMap<String, usize>,
    /// Each group's key and pattern counts.
    groups: Vec<(String, PatternTally)>,
    /// The cell of each single key (by group), and of each set of keys.
    single_cells: Vec<Option<usize>>,
    set_cells: HashMap<Vec<usize>, usize>,
    /// Each cell's groups and the figures of its cases.
    cells: Vec<(Vec<usize>, GroupTally)>,
    /// The patterns over every case: the baseline of the rates.
    baseline: PatternTally,
    /// Open cases counted (they have an age, not a time to resolution).
    open: usize,
    /// The groups of the case being added, sorted.
    keys: Vec<usize>,
}

impl ReportTally {
    /// Counts one case under each of `members` (key, patterns seen there).
    pub fn add<'a>(
        &mut self,
        facts: &CaseFacts,
        patterns: PatternSet,
        members: impl IntoIterator<Item = (&'a str, PatternSet)>,
    ) {
        let found: Vec<(usize, PatternSet)> = members
            .into_iter()
            .map(|(key, seen)| (self.group(key), seen))
            .collect();
        self.add_at(facts, patterns, found);
    }

    /// `add` with the members' groups already found (`group`), each once.
    pub fn add_at(
        &mut self,
        facts: &CaseFacts,
        patterns: PatternSet,
        members: impl IntoIterator<Item = (usize, PatternSet)>,
    ) {
        self.open += usize::from(facts.is_open);
        self.baseline.add(patterns);
        self.keys.clear();
        for (g, seen) in members {
            self.groups[g].1.add(seen);
            self.keys.push(g);
        }
        let cell = self.cell();
        self.cells[cell].1.add(facts);
    }

    /// The cell of the groups in `self.keys`.
    fn cell(&mut self) -> usize {
        if let [g] = self.keys[..] {
            if let Some(c) = self.single_cells[g] {
                return c;
            }
            self.cells.push((vec![g], GroupTally::default()));
            self.single_cells[g] = Some(self.cells.len() - 1);
            return self.cells.len() - 1;
        }
        self.keys.sort_unstable();
        if let Some(&c) = self.set_cells.get(&self.keys[..]) {
            return c;
        }
        self.cells.push((self.keys.clone(), GroupTally::default()));
        self.set_cells
            .insert(self.keys.clone(), self.cells.len() - 1);
        self.cells.len() - 1
    }

    /// The group of `key` (made when new), to pass to `add_at`.
    pub fn group(&mut self, key: &str) -> usize {
        // A few groups (channels, categories) are found faster by looking.
        if self.groups.len() <= 16 {
            if let Some(i) = self.groups.iter().position(|(k, _)| k == key) {
                return i;
            }
        } else if let Some(&i) = self.index.get(key) {
            return i;
        }
        self.groups.push((key.to_string(), PatternTally::default()));
        self.single_cells.push(None);
        self.index.insert(key.to_string(), self.groups.len() - 1);
        self.groups.len() - 1
    }

    /// The groups, in no particular order; the overall figures; the baseline;
    /// the open cases.
    pub fn into_groups(self) -> (Vec<(String, GroupSums)>, GroupTally, PatternTally, usize) {
        let mut figures = vec![GroupTally::default(); self.groups.len()];
        let mut overall = GroupTally::default();
        for (keys, sums) in &self.cells {
            overall.merge(sums);
            for &g in keys {
                figures[g].merge(sums);
            }
        }
        let groups = self
            .groups
            .into_iter()
            .zip(figures)
            .filter(|(_, f)| f.cases() > 0)
            .map(|((key, patterns), figures)| (key, GroupSums { figures, patterns }))
            .collect();
        (groups, overall, self.baseline, self.open)
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
    fn a_partition_sums_its_groups_into_the_overall_figures() {
        let mut t = ReportTally::default();
        let slow = PatternSet::of([Pattern::SlowResponse]);
        let a = t.group("Acme");
        let b = t.group("Bolt");
        t.add_at(&facts(true, None), slow, [(a, slow)]);
        t.add_at(
            &facts(false, Some(4.0)),
            PatternSet::default(),
            [(b, PatternSet::default())],
        );
        t.add_at(&facts(false, Some(2.0)), slow, [(a, slow)]);
        let (groups, overall, baseline, open) = t.into_groups();
        assert_eq!((groups.len(), open), (2, 1));
        assert_eq!(
            (baseline.cases, baseline.hits(Pattern::SlowResponse)),
            (3, 2)
        );
        let overall = overall.figures();
        assert_eq!((overall.cases, overall.open, overall.resolved), (3, 1, 2));
        assert_eq!(overall.ttr_hours.n, 2);
        assert_eq!(overall.ttr_hours.median, Some(3.0));
        assert_eq!(overall.vendor_wait_hours, 6.0);
        assert_eq!(overall.touches_per_case, 3.0);
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
        assert_eq!(baseline.hits(Pattern::SlowResponse), 2);
        assert_eq!(baseline.hits(Pattern::Unreachable), 1);
        let overall = overall.figures();
        assert_eq!((overall.cases, overall.open), (2, 1));
        assert_eq!(overall.vendor_wait_hours, 4.0);
        let get = |k: &str| groups.iter().find(|(g, _)| g == k).unwrap().1.clone();
        let phone = get("phone");
        assert_eq!(phone.patterns.cases, 2);
        assert_eq!(phone.patterns.hits(Pattern::SlowResponse), 2);
        assert_eq!(phone.figures.figures().ttr_hours.n, 1);
        let email = get("email");
        assert_eq!(email.patterns.cases, 1);
        assert_eq!(email.patterns.hits(Pattern::SlowResponse), 0);
    }
}
