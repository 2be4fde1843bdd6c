//! The Vendors and Channels screens' state: the report's groups (the same
//! figures as `casebook report`), ranked, and the series behind their charts.

use crate::domain::report_tally::ChartBuckets;
use crate::store::charts::Counts;
use crate::store::report::{Group, GroupBy, Report, Window};
use crate::store::{Result, Store};
use chrono::{DateTime, Datelike, Duration, Utc};

/// How the groups are ranked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rank {
    Friction,
    /// What friction cost: the vendor's cost to serve and the customer's
    /// all-in cost of the cases with a friction flag.
    FrictionCost,
    Cases,
    MedianTtr,
    Name,
}

impl Rank {
    pub fn label(self) -> &'static str {
        match self {
            Rank::Friction => "friction score",
            Rank::FrictionCost => "friction cost",
            Rank::Cases => "cases",
            Rank::MedianTtr => "median time to resolution",
            Rank::Name => "name",
        }
    }

    fn next(self) -> Rank {
        match self {
            Rank::Friction => Rank::FrictionCost,
            Rank::FrictionCost => Rank::Cases,
            Rank::Cases => Rank::MedianTtr,
            Rank::MedianTtr => Rank::Name,
            Rank::Name => Rank::Friction,
        }
    }
}

/// The resolution-time histogram's bucket edges (hours) and labels.
pub const HISTOGRAM_EDGES: [f64; 7] = [1.0, 4.0, 24.0, 72.0, 168.0, 336.0, 672.0];
pub const HISTOGRAM_LABELS: [&str; 8] = ["<1h", "<4h", "<1d", "<3d", "<1w", "<2w", "<4w", "4w+"];

/// The most periods a sparkline holds; periods grow past a week to fit.
const MAX_PERIODS: i64 = 52;

/// Cases opened per period: when the first period starts and how long each is.
#[derive(Debug, Clone, PartialEq)]
pub struct Periods {
    pub start: DateTime<Utc>,
    pub weeks: i64,
    pub count: usize,
}

/// Everything a report screen shows, made in one go (in the background
/// when the database is a file: a large one takes seconds).
pub struct ReportData {
    pub report: Report,
    pub periods: Option<Periods>,
    pub opened: Counts,
    pub histogram: Counts,
    /// Groups with fewer cases rank after the others (friction.min_cases).
    pub min_cases: usize,
}

impl ReportData {
    pub fn make(store: &Store, by: GroupBy, now: DateTime<Utc>) -> Result<ReportData> {
        let window = Window {
            since: None,
            until: None,
        };
        let periods = store.opened_span()?.map(|(lo, hi)| periods(lo, hi));
        // The charts are counted in the report's own pass.
        let charts = ChartBuckets {
            opened: periods.as_ref().map(|p| {
                (
                    p.start.timestamp_millis(),
                    Duration::weeks(p.weeks).num_milliseconds(),
                    p.count,
                )
            }),
            ttr_edges: HISTOGRAM_EDGES.to_vec(),
        };
        let (report, opened, histogram) = store.report_with_charts(by, window, now, charts)?;
        Ok(ReportData {
            report,
            periods,
            opened,
            histogram,
            min_cases: store.thresholds.min_cases,
        })
    }
}

pub struct ReportScreen {
    pub by: GroupBy,
    /// What the screen groups by when not grouped by journey stage.
    pub home: GroupBy,
    pub report: Option<Report>,
    /// Indexes into `report.groups`, in the order shown.
    pub order: Vec<usize>,
    pub rank: Rank,
    pub selected: usize,
    pub periods: Option<Periods>,
    pub opened: Counts,
    pub histogram: Counts,
    /// Groups with fewer cases than this rank after the others by friction.
    pub min_cases: usize,
    /// Data changed since the report was made: remake it when shown.
    pub stale: bool,
    /// A report is being made in the background…
    pub making: bool,
    /// …and the data changed since it was asked for: ask again when it comes.
    pub again: bool,
}

impl ReportScreen {
    pub fn new(by: GroupBy) -> ReportScreen {
        ReportScreen {
            by,
            home: by,
            report: None,
            order: Vec::new(),
            rank: Rank::Friction,
            selected: 0,
            periods: None,
            opened: Counts::new(),
            histogram: Counts::new(),
            min_cases: 0,
            stale: true,
            making: false,
            again: false,
        }
    }

    /// Makes the report and the chart series here and now.
    pub fn load(&mut self, store: &Store, now: DateTime<Utc>) -> Result<()> {
        let data = ReportData::make(store, self.by, now)?;
        self.apply(data);
        Ok(())
    }

    /// Shows a report made here or in the background, keeping the selected group.
    pub fn apply(&mut self, data: ReportData) {
        let keep = self.selected_group().map(|g| g.key.clone());
        self.report = Some(data.report);
        self.periods = data.periods;
        self.opened = data.opened;
        self.histogram = data.histogram;
        self.min_cases = data.min_cases;
        self.rank_groups();
        if let Some(key) = keep {
            self.select_key(&key);
        }
        self.stale = false;
    }

    fn rank_groups(&mut self) {
        let Some(r) = &self.report else {
            self.order.clear();
            return;
        };
        let mut order: Vec<usize> = (0..r.groups.len()).collect();
        let g = &r.groups;
        let ttr = |i: usize| g[i].figures.ttr_hours.median.unwrap_or(f64::NEG_INFINITY);
        match self.rank {
            // A score on one or two cases says little: groups with too few
            // cases to be flagged come after all the others.
            Rank::Friction => order.sort_by(|&a, &b| {
                let few = |i: usize| g[i].figures.cases < self.min_cases;
                few(a)
                    .cmp(&few(b))
                    .then(g[b].friction_score.total_cmp(&g[a].friction_score))
                    .then(g[b].figures.cases.cmp(&g[a].figures.cases))
                    .then(g[a].key.cmp(&g[b].key))
            }),
            Rank::FrictionCost => order.sort_by(|&a, &b| {
                g[b].figures
                    .cost
                    .friction_cost
                    .cmp(&g[a].figures.cost.friction_cost)
                    .then(g[a].key.cmp(&g[b].key))
            }),
            Rank::Cases => order.sort_by(|&a, &b| {
                g[b].figures
                    .cases
                    .cmp(&g[a].figures.cases)
                    .then(g[a].key.cmp(&g[b].key))
            }),
            Rank::MedianTtr => {
                order.sort_by(|&a, &b| ttr(b).total_cmp(&ttr(a)).then(g[a].key.cmp(&g[b].key)))
            }
            Rank::Name => {
                order.sort_by(|&a, &b| g[a].key.to_lowercase().cmp(&g[b].key.to_lowercase()))
            }
        }
        self.order = order;
        self.selected = self.selected.min(self.order.len().saturating_sub(1));
    }

    /// Switches between the screen's own grouping and the journey stage;
    /// the report is remade when shown.
    pub fn toggle_stage(&mut self) {
        self.by = if self.by == GroupBy::Stage {
            self.home
        } else {
            GroupBy::Stage
        };
        self.report = None;
        self.order.clear();
        self.selected = 0;
        self.stale = true;
    }

    pub fn cycle_rank(&mut self) {
        let keep = self.selected_group().map(|g| g.key.clone());
        self.rank = self.rank.next();
        self.rank_groups();
        if let Some(key) = keep {
            self.select_key(&key);
        }
    }

    fn select_key(&mut self, key: &str) {
        if let Some(pos) = self
            .order
            .iter()
            .position(|&i| self.report.as_ref().is_some_and(|r| r.groups[i].key == key))
        {
            self.selected = pos;
        }
    }

    /// The groups in the order shown.
    pub fn groups(&self) -> Vec<&Group> {
        match &self.report {
            Some(r) => self.order.iter().map(|&i| &r.groups[i]).collect(),
            None => Vec::new(),
        }
    }

    pub fn selected_group(&self) -> Option<&Group> {
        let r = self.report.as_ref()?;
        r.groups.get(*self.order.get(self.selected)?)
    }

    pub fn move_to(&mut self, pos: usize) {
        self.selected = pos.min(self.order.len().saturating_sub(1));
    }

    pub fn move_by(&mut self, delta: isize) {
        self.move_to((self.selected as isize + delta).max(0) as usize);
    }

    /// The filter that lists a group's cases on the triage screen.
    pub fn drill_down_query(&self) -> Option<String> {
        let g = self.selected_group()?;
        // The same cases the row counts: the vendor itself (not a name that
        // contains it, nor the cases it sold), or the cases that used the channel.
        let key = match self.by {
            GroupBy::Vendor | GroupBy::Party => "vendor=",
            GroupBy::Channel => "channel:",
            GroupBy::Category => "category:",
            GroupBy::Stage => "stage:",
        };
        // The cases no channel counts: those with no touch yet.
        if self.by == GroupBy::Channel && g.key == crate::domain::case_figures::NO_CHANNEL {
            return Some("touches:0".into());
        }
        if g.key.starts_with('(') {
            return None;
        }
        Some(format!("\"{key}{}\"", g.key.replace('"', "")))
    }
}

/// Periods of whole weeks from the Monday before the first case to the last,
/// at most `MAX_PERIODS` of them.
fn periods(first: DateTime<Utc>, last: DateTime<Utc>) -> Periods {
    let monday =
        first.date_naive() - Duration::days(i64::from(first.weekday().num_days_from_monday()));
    let start = monday.and_hms_opt(0, 0, 0).map_or(first, |d| d.and_utc());
    let span_weeks = (last - start).num_weeks() + 1;
    let weeks = (span_weeks + MAX_PERIODS - 1) / MAX_PERIODS;
    let weeks = weeks.max(1);
    let count = ((span_weeks + weeks - 1) / weeks).max(1) as usize;
    Periods {
        start,
        weeks,
        count,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn periods_cover_the_span_in_at_most_52() {
        let a = Utc.with_ymd_and_hms(2019, 3, 1, 17, 0, 0).unwrap();
        let b = Utc.with_ymd_and_hms(2022, 8, 5, 13, 40, 0).unwrap();
        let p = periods(a, b);
        assert!(p.count <= 52 && p.weeks >= 1);
        assert!(p.start <= a);
        assert!(p.start + Duration::weeks(p.weeks * p.count as i64) > b);
        let one = periods(a, a);
        assert_eq!((one.weeks, one.count), (1, 1));
    }
}
