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
use super::measures::{CaseFacts, GroupFigures, GroupTally, Spread};
use foldhash::HashMap;

#[derive(Debug, Clone, Default)]
pub struct ReportTally {
    index: HashMap<String, usize>,
    /// Each group's key and pattern counts.
    groups: Vec<(String, PatternTally)>,
    /// The cell of each single key (by group), of each set of keys among
    /// the first 64 groups (by bits), and of each other set.
    single_cells: Vec<Option<usize>>,
    mask_cells: HashMap<u64, usize>,
    set_cells: HashMap<Vec<usize>, usize>,
    /// Each cell's groups and the figures of its cases.
    cells: Vec<(Vec<usize>, GroupTally)>,
    /// The patterns over every case: the baseline of the rates.
    baseline: PatternTally,
    /// Open cases counted (they have an age, not a time to resolution).
    open: usize,
    /// The groups of the case being added, sorted.
    keys: Vec<usize>,
    /// What the charts count, and each cell's counts (opened, then histogram).
    charts: ChartBuckets,
    cell_counts: Vec<Vec<u64>>,
}

/// The buckets the app's charts count per group, in the report's pass.
#[derive(Debug, Clone, Default)]
pub struct ChartBuckets {
    /// Cases opened per period: the first period's start and its length
    /// (ms since the epoch) and how many periods.
    pub opened: Option<(i64, i64, usize)>,
    /// Resolved cases by time to resolution: each bucket's upper edge in
    /// hours; the last bucket holds the rest. Empty: no histogram.
    pub ttr_edges: Vec<f64>,
}

impl ChartBuckets {
    fn opened_len(&self) -> usize {
        self.opened.map_or(0, |(_, _, n)| n)
    }

    fn len(&self) -> usize {
        let histogram = if self.ttr_edges.is_empty() {
            0
        } else {
            self.ttr_edges.len() + 1
        };
        self.opened_len() + histogram
    }

    /// Counts one case (opened at `opened_at` ms, with its time to resolution).
    fn count(&self, counts: &mut [u64], opened_at: i64, ttr_hours: Option<f64>) {
        if let Some((start, length, n)) = self.opened {
            if opened_at >= start && length > 0 {
                if let Some(slot) = usize::try_from((opened_at - start) / length)
                    .ok()
                    .filter(|i| *i < n)
                {
                    counts[slot] += 1;
                }
            }
        }
        if let (Some(ttr), false) = (ttr_hours, self.ttr_edges.is_empty()) {
            let bucket = self
                .ttr_edges
                .iter()
                .position(|edge| ttr < *edge)
                .unwrap_or(self.ttr_edges.len());
            counts[self.opened_len() + bucket] += 1;
        }
    }
}

impl ReportTally {
    /// A tally that also counts the charts' buckets per group.
    pub fn with_charts(charts: ChartBuckets) -> ReportTally {
        ReportTally {
            charts,
            ..ReportTally::default()
        }
    }

    /// Counts one case under each of `members` (key, patterns seen there).
    pub fn add<'a>(
        &mut self,
        facts: &CaseFacts,
        opened_at: i64,
        patterns: PatternSet,
        members: impl IntoIterator<Item = (&'a str, PatternSet)>,
    ) {
        let found: Vec<(usize, PatternSet)> = members
            .into_iter()
            .map(|(key, seen)| (self.group(key), seen))
            .collect();
        self.add_at(facts, opened_at, patterns, found);
    }

    /// `add` with the members' groups already found (`group`), each once;
    /// `opened_at` in ms since the epoch, for the charts.
    pub fn add_at(
        &mut self,
        facts: &CaseFacts,
        opened_at: i64,
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
        if !self.cell_counts.is_empty() {
            let ttr = facts.measures.ttr_hours;
            self.charts
                .count(&mut self.cell_counts[cell], opened_at, ttr);
        }
    }

    /// The cell of the groups in `self.keys`.
    fn cell(&mut self) -> usize {
        if let [g] = self.keys[..] {
            if let Some(c) = self.single_cells[g] {
                return c;
            }
            self.new_cell(vec![g]);
            self.single_cells[g] = Some(self.cells.len() - 1);
            return self.cells.len() - 1;
        }
        let mask = self
            .keys
            .iter()
            .try_fold(0u64, |m, &g| (g < 64).then(|| m | 1 << g));
        if let Some(&c) = mask.and_then(|m| self.mask_cells.get(&m)) {
            return c;
        }
        self.keys.sort_unstable();
        self.keys.dedup();
        if mask.is_none() {
            if let Some(&c) = self.set_cells.get(&self.keys[..]) {
                return c;
            }
        }
        self.new_cell(self.keys.clone());
        let c = self.cells.len() - 1;
        match mask {
            Some(m) => self.mask_cells.insert(m, c),
            None => self.set_cells.insert(self.keys.clone(), c),
        };
        c
    }

    fn new_cell(&mut self, keys: Vec<usize>) {
        self.cells.push((keys, GroupTally::default()));
        let buckets = self.charts.len();
        if buckets > 0 {
            self.cell_counts.push(vec![0; buckets]);
        }
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

    /// Adds another tally of other cases (made with the same chart buckets),
    /// as if its cases had been added to this one.
    pub fn merge(&mut self, other: ReportTally) {
        let to_mine: Vec<usize> = other.groups.iter().map(|(k, _)| self.group(k)).collect();
        for ((_, patterns), &g) in other.groups.iter().zip(&to_mine) {
            self.groups[g].1.merge(patterns);
        }
        for (c, (keys, figures)) in other.cells.iter().enumerate() {
            self.keys.clear();
            self.keys.extend(keys.iter().map(|g| to_mine[*g]));
            let mine = self.cell();
            self.cells[mine].1.merge(figures);
            if let (Some(theirs), Some(counts)) =
                (other.cell_counts.get(c), self.cell_counts.get_mut(mine))
            {
                for (n, m) in counts.iter_mut().zip(theirs) {
                    *n += m;
                }
            }
        }
        self.baseline.merge(&other.baseline);
        self.open += other.open;
    }

    /// The groups' figures and pattern counts, in no particular order; the
    /// overall figures; the baseline; the open cases. Each cell's values are
    /// sorted once (on two threads when there are many), and each group's
    /// percentiles are read from the sorted runs of its cells.
    pub fn into_groups(mut self) -> (Vec<GroupResult>, GroupFigures, PatternTally, usize) {
        sort_cells(&mut self.cells);
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); self.groups.len()];
        for (c, (keys, _)) in self.cells.iter().enumerate() {
            for &g in keys {
                members[g].push(c);
            }
        }
        let cells = &self.cells;
        let (counts, charts) = (&self.cell_counts, &self.charts);
        let counts_of = |of: &[usize]| -> (Vec<u64>, Vec<u64>) {
            let mut sum = vec![0; charts.len()];
            for &c in of {
                for (total, n) in sum.iter_mut().zip(counts.get(c).into_iter().flatten()) {
                    *total += n;
                }
            }
            let histogram = sum.split_off(charts.opened_len());
            (sum, histogram)
        };
        let figures_of = |of: &mut dyn Iterator<Item = usize>| -> GroupFigures {
            let mut sums = GroupTally::default();
            let mut ttfr: Vec<&[f64]> = Vec::new();
            let mut ttr: Vec<&[f64]> = Vec::new();
            for c in of {
                let cell = &cells[c].1;
                sums.merge_sums(cell);
                let (a, b) = cell.sorted_values();
                ttfr.push(a);
                ttr.push(b);
            }
            sums.figures_with(Spread::of_sorted_runs(&ttfr), Spread::of_sorted_runs(&ttr))
        };
        let finish = |part: Vec<((String, PatternTally), Vec<usize>)>| -> Vec<GroupResult> {
            part.into_iter()
                .map(|((key, patterns), of)| {
                    let (opened, histogram) = counts_of(&of);
                    GroupResult {
                        key,
                        figures: figures_of(&mut of.into_iter()),
                        patterns,
                        opened,
                        histogram,
                    }
                })
                .collect()
        };
        let mut groups: Vec<_> = self
            .groups
            .into_iter()
            .zip(members)
            .filter(|(_, of)| !of.is_empty())
            .collect();
        // A group over many cells counts its ranks over many runs: with
        // many cells, half the groups are finished on a second thread.
        let (overall, groups) = if cells.len() >= 32 {
            let second = groups.split_off(groups.len() / 2);
            std::thread::scope(|scope| {
                let other = scope.spawn(|| finish(second));
                let overall = figures_of(&mut (0..cells.len()));
                let mut done = finish(groups);
                done.extend(
                    other
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                );
                (overall, done)
            })
        } else {
            (figures_of(&mut (0..cells.len())), finish(groups))
        };
        (groups, overall, self.baseline, self.open)
    }
}

/// One group of a finished tally.
#[derive(Debug, Clone)]
pub struct GroupResult {
    pub key: String,
    pub figures: GroupFigures,
    pub patterns: PatternTally,
    /// The charts' counts (`ChartBuckets`): cases opened per period, and
    /// resolved cases per time-to-resolution bucket; empty without charts.
    pub opened: Vec<u64>,
    pub histogram: Vec<u64>,
}

/// Sorts every cell's values, the cells shared between two threads by size.
fn sort_cells(cells: &mut [(Vec<usize>, GroupTally)]) {
    let total: usize = cells.iter().map(|(_, t)| t.cases()).sum();
    if total < 50_000 {
        cells.iter_mut().for_each(|(_, t)| t.sort_values());
        return;
    }
    let (mut half, mut taken) = (0, 0);
    while half < cells.len() && taken * 2 < total {
        taken += cells[half].1.cases();
        half += 1;
    }
    let (first, second) = cells.split_at_mut(half);
    std::thread::scope(|scope| {
        scope.spawn(|| first.iter_mut().for_each(|(_, t)| t.sort_values()));
        second.iter_mut().for_each(|(_, t)| t.sort_values());
    });
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
        t.add_at(&facts(true, None), 0, slow, [(a, slow)]);
        t.add_at(
            &facts(false, Some(4.0)),
            0,
            PatternSet::default(),
            [(b, PatternSet::default())],
        );
        t.add_at(&facts(false, Some(2.0)), 0, slow, [(a, slow)]);
        let (groups, overall, baseline, open) = t.into_groups();
        assert_eq!((groups.len(), open), (2, 1));
        assert_eq!(
            (baseline.cases, baseline.hits(Pattern::SlowResponse)),
            (3, 2)
        );
        assert_eq!((overall.cases, overall.open, overall.resolved), (3, 1, 2));
        assert_eq!(overall.ttr_hours.n, 2);
        assert_eq!(overall.ttr_hours.median, Some(3.0));
        assert_eq!(overall.vendor_wait_hours, 6.0);
        assert_eq!(overall.touches_per_case, 3.0);
    }

    #[test]
    fn the_charts_count_each_group_s_cases_by_period_and_time_to_resolution() {
        let day = 86_400_000;
        let mut t = ReportTally::with_charts(ChartBuckets {
            opened: Some((10 * day, 7 * day, 2)),
            ttr_edges: vec![1.0, 24.0],
        });
        let none = PatternSet::default();
        let (phone, email) = (t.group("phone"), t.group("email"));
        // Opened before the first period, in each period, after the last.
        t.add_at(&facts(false, Some(0.5)), 9 * day, none, [(phone, none)]);
        t.add_at(
            &facts(false, Some(24.0)),
            10 * day,
            none,
            [(phone, none), (email, none)],
        );
        t.add_at(
            &facts(true, None),
            17 * day,
            none,
            [(email, none), (phone, none)],
        );
        t.add_at(&facts(false, Some(3.0)), 24 * day, none, [(email, none)]);
        let (groups, _, _, _) = t.into_groups();
        let get = |k: &str| groups.iter().find(|g| g.key == k).unwrap().clone();
        assert_eq!(get("phone").opened, [1, 1]);
        assert_eq!(get("phone").histogram, [1, 0, 1]);
        assert_eq!(get("email").opened, [1, 1]);
        assert_eq!(get("email").histogram, [0, 1, 1]);
    }

    #[test]
    fn sets_of_keys_beyond_the_first_sixty_four_groups_count_alike() {
        let mut t = ReportTally::default();
        let none = PatternSet::default();
        let groups: Vec<usize> = (0..70).map(|i| t.group(&format!("party {i}"))).collect();
        // The same set twice, given in two orders; another set; a low pair.
        for keys in [[3, 68], [68, 3], [66, 67], [1, 2]] {
            let members = keys.map(|k| (groups[k], none));
            t.add_at(&facts(false, Some(1.0)), 0, none, members);
        }
        let (groups, overall, _, _) = t.into_groups();
        let cases = |k: &str| {
            groups
                .iter()
                .find(|g| g.key == k)
                .map_or(0, |g| g.figures.cases)
        };
        assert_eq!(overall.cases, 4);
        assert_eq!((cases("party 3"), cases("party 68")), (2, 2));
        assert_eq!((cases("party 66"), cases("party 67")), (1, 1));
        assert_eq!((cases("party 1"), cases("party 2")), (1, 1));
        assert_eq!(cases("party 0"), 0);
        assert_eq!(groups.len(), 6);
    }

    /// Every group's figures, patterns and charts, by key.
    fn finished(t: ReportTally) -> Vec<String> {
        let (mut groups, overall, baseline, open) = t.into_groups();
        groups.sort_by(|a, b| a.key.cmp(&b.key));
        let mut out: Vec<String> = groups.into_iter().map(|g| format!("{g:?}")).collect();
        out.push(format!("{overall:?} {baseline:?} {open}"));
        out
    }

    /// A case's facts, opening time, patterns and members.
    type Case = (CaseFacts, i64, PatternSet, Vec<(String, PatternSet)>);

    #[test]
    fn two_tallies_merged_read_as_one_tally_of_all_their_cases() {
        let mut rng = fastrand::Rng::with_seed(5);
        let day = 86_400_000;
        let charts = ChartBuckets {
            opened: Some((0, 7 * day, 4)),
            ttr_edges: vec![1.0, 24.0, 200.0],
        };
        for round in 0..20 {
            // Single keys, low sets and sets beyond the first 64 groups.
            let cases: Vec<Case> = (0..300)
                .map(|_| {
                    let ttr = rng.bool().then(|| f64::from(rng.u32(..4000)) / 12.0);
                    let mut f = facts(ttr.is_none(), ttr);
                    f.measures.vendor_wait_hours = f64::from(rng.u32(..100_000)) / 3_600.0;
                    let patterns = PatternSet::of(
                        [Pattern::SlowResponse, Pattern::Unreachable]
                            .into_iter()
                            .filter(|_| rng.bool()),
                    );
                    let groups = if round % 2 == 0 { 6 } else { 80 };
                    let members = (0..rng.usize(..4))
                        .map(|_| (format!("g{}", rng.usize(..groups)), patterns))
                        .collect();
                    (f, rng.i64(0..30 * day), patterns, members)
                })
                .collect();
            let add = |t: &mut ReportTally, part: &[Case]| {
                for (f, at, patterns, members) in part {
                    let mut seen: Vec<&(String, PatternSet)> = Vec::new();
                    for m in members {
                        if !seen.iter().any(|s| s.0 == m.0) {
                            seen.push(m);
                        }
                    }
                    t.add(
                        f,
                        *at,
                        *patterns,
                        seen.iter().map(|(k, p)| (k.as_str(), *p)),
                    );
                }
            };
            let mut whole = ReportTally::with_charts(charts.clone());
            add(&mut whole, &cases);
            let split = rng.usize(..=cases.len());
            let (mut first, mut second) = (
                ReportTally::with_charts(charts.clone()),
                ReportTally::with_charts(charts.clone()),
            );
            // The second half first meets its groups in another order.
            add(&mut second, &cases[split..]);
            add(&mut first, &cases[..split]);
            first.merge(second);
            assert_eq!(
                finished(first),
                finished(whole),
                "round {round}, split {split}"
            );
        }
    }

    #[test]
    fn a_case_counts_once_overall_and_once_under_each_member() {
        let mut t = ReportTally::default();
        let slow = PatternSet::of([Pattern::SlowResponse]);
        let both = PatternSet::of([Pattern::SlowResponse, Pattern::Unreachable]);
        t.add(
            &facts(true, None),
            0,
            both,
            [("phone", both), ("email", PatternSet::default())],
        );
        t.add(&facts(false, Some(4.0)), 0, slow, [("phone", slow)]);
        let (groups, overall, baseline, open) = t.into_groups();
        assert_eq!(open, 1);
        assert_eq!(baseline.cases, 2);
        assert_eq!(baseline.hits(Pattern::SlowResponse), 2);
        assert_eq!(baseline.hits(Pattern::Unreachable), 1);
        assert_eq!((overall.cases, overall.open), (2, 1));
        assert_eq!(overall.vendor_wait_hours, 4.0);
        let get = |k: &str| groups.iter().find(|g| g.key == k).unwrap().clone();
        let phone = get("phone");
        assert_eq!(phone.patterns.cases, 2);
        assert_eq!(phone.patterns.hits(Pattern::SlowResponse), 2);
        assert_eq!(phone.figures.ttr_hours.n, 1);
        let email = get("email");
        assert_eq!(email.patterns.cases, 1);
        assert_eq!(email.patterns.hits(Pattern::SlowResponse), 0);
    }
}
