//! The report: group figures and friction rates per vendor, channel,
//! category or party, computed one case at a time in a single pass.

use super::as_of::each_case_at;
use super::cases::{load_case, load_touches};
use super::charts::Counts;
use super::db::OptionalExtension;
use super::report_pass::{kept_pass, Numbered, SecondReader};
use super::rows::*;
use super::summary::figures_at;
use super::{Result, Store};
use crate::domain::friction::stats::{PatternRate, PatternTally};
use crate::domain::friction::{self, CaseView, Flag};
use crate::domain::measures::GroupFigures;
use crate::domain::report_tally::{ChartBuckets, ReportTally};
use crate::domain::{Case, Touchpoint};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

pub use super::grouping::{GroupBy, Window};

#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub key: String,
    #[serde(flatten)]
    pub figures: GroupFigures,
    pub friction_score: f64,
    /// How many cases the pattern rates are out of: the group's cases, or by
    /// channel and party the cases that used that channel or party.
    pub pattern_cases: usize,
    pub patterns: BTreeMap<&'static str, PatternRate>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub by: GroupBy,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub groups: Vec<Group>,
    /// The same figures over every case in the window.
    pub overall: Group,
    pub notes: Vec<String>,
}

/// What a report measures a case live with, and adds it to a tally.
struct Live<'a> {
    by: GroupBy,
    now: DateTime<Utc>,
    th: &'a crate::domain::friction::Thresholds,
    rates: &'a super::summary::SummaryRates,
    sla: Option<&'a crate::domain::sla::SlaSetup>,
}

impl Live<'_> {
    fn add(&self, tally: &mut ReportTally, case: &Case, touches: &[Touchpoint]) {
        let figures = figures_at(case, touches, self.now, self.th, self.rates, self.sla);
        let facts = figures.at(self.now);
        let opened_at = millis(case.opened_at);
        let single = match self.by {
            GroupBy::Vendor => Some(case.vendor.clone()),
            GroupBy::Category => Some(case.category.to_string()),
            GroupBy::Stage => Some(case.stage().to_string()),
            GroupBy::Channel | GroupBy::Party => None,
        };
        match (single, self.by) {
            (Some(key), _) => tally.add(
                &facts,
                opened_at,
                figures.patterns,
                [(key.as_str(), figures.patterns)],
            ),
            (None, GroupBy::Channel) => tally.add(
                &facts,
                opened_at,
                figures.patterns,
                figures
                    .channels
                    .iter()
                    .map(|m| (m.key.as_str(), m.patterns)),
            ),
            (None, _) => tally.add(
                &facts,
                opened_at,
                figures.patterns,
                figures.parties.iter().map(|m| (m.key.as_str(), m.patterns)),
            ),
        }
    }
}

impl Store {
    /// Calls `f` with each case in the window that has flags at `now`, and
    /// its flags, reading one case at a time (the output streams).
    pub fn each_flagged(
        &self,
        window: Window,
        now: DateTime<Utc>,
        mut f: impl FnMut(&Case, Vec<Flag>) -> Result<()>,
    ) -> Result<()> {
        self.each_case(window, false, |case, touches| {
            let flags = friction::flags(
                &CaseView {
                    case: &case,
                    touches: &touches,
                    now,
                },
                &self.thresholds,
            );
            if flags.is_empty() {
                return Ok(());
            }
            f(&case, flags)
        })
    }

    /// The flags of every case in the window, with the case they are on.
    pub fn all_flags(&self, window: Window, now: DateTime<Utc>) -> Result<Vec<(Case, Vec<Flag>)>> {
        let mut out = Vec::new();
        self.each_flagged(window, now, |case, flags| {
            out.push((case.clone(), flags));
            Ok(())
        })?;
        Ok(out)
    }

    /// The report: one pass over the kept figures of the cases in the
    /// window (migration 08), and a live measure of the few whose figures do
    /// not hold at `now` (past their next change, written by a reader that
    /// could not refresh them, or from before the file's last look).
    pub fn report(&self, by: GroupBy, window: Window, now: DateTime<Utc>) -> Result<Report> {
        Ok(self
            .report_with_charts(by, window, now, ChartBuckets::default())?
            .0)
    }

    /// The report, and in the same pass the counts of the app's charts per
    /// group: cases opened per period and resolved cases per bucket of time
    /// to resolution (none by party: a case has many).
    pub fn report_with_charts(
        &self,
        by: GroupBy,
        window: Window,
        now: DateTime<Utc>,
        charts: ChartBuckets,
    ) -> Result<(Report, Counts, Counts)> {
        let th = &self.thresholds;
        let at = millis(now);
        // One view of the file for the whole report: the pass, the second
        // reader's half of it, and the cases measured live.
        let view = match self.conn.is_autocommit() {
            true => Some(self.conn.unchecked_transaction()?),
            false => None,
        };
        let went_back = self
            .conn
            .prepare_cached("SELECT value FROM meta WHERE key = 'derived_at'")?
            .query_row([], |r| r.get::<_, String>(0))
            .optional()?
            .and_then(|v| v.parse::<i64>().ok())
            .is_some_and(|d| at < d);
        let names_sql = match by {
            GroupBy::Vendor | GroupBy::Party => "SELECT id, name FROM vendors",
            GroupBy::Channel => "SELECT id, name FROM channel_names",
            GroupBy::Category | GroupBy::Stage => "",
        };
        let mut numbered = Numbered::default();
        if !names_sql.is_empty() {
            let mut stmt = self.conn.prepare_cached(names_sql)?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            numbered.names = rows.collect::<rusqlite::Result<_>>()?;
        }
        // A plain scan does not need the page cache the screens keep.
        let cache: Option<i64> = match self.conn.sqlite() {
            Some(file) => {
                let cache = file.pragma_query_value(None, "cache_size", |r| r.get(0))?;
                file.pragma_update(None, "cache_size", -2000)?;
                Some(cache)
            }
            None => None,
        };
        let charts = if by == GroupBy::Party {
            ChartBuckets::default()
        } else {
            charts
        };
        // A view of the past with its own tables is this connection's alone.
        let second = match &view {
            Some(_) if !self.as_of_tables => self.second_reader()?,
            _ => None,
        };
        // Without them, the pass itself keeps to what had happened by then.
        let as_of = self.as_of.filter(|_| !self.as_of_tables).map(millis);
        let went_back = went_back && !self.as_of_tables;
        let live_charts = charts.clone();
        let pass = kept_pass(
            &self.conn, second, by, window, at, went_back, as_of, numbered, charts,
        );
        if let (Some(file), Some(cache)) = (self.conn.sqlite(), cache) {
            file.pragma_update(None, "cache_size", cache)?;
        }
        let (mut tally, live) = pass?;
        let sla = self.sla_setup()?;
        let measure = Live {
            by,
            now,
            th,
            rates: &self.summary_rates,
            sla: sla.as_deref(),
        };
        match as_of {
            // A few cases past their next change, or from after the clock.
            None => {
                for id in live {
                    let case = load_case(&self.conn, id)?;
                    let touches = load_touches(&self.conn, id)?;
                    measure.add(&mut tally, &case, &touches);
                }
            }
            // Every case not settled by then, as it stood then: read in one
            // pass, half of them on a second connection's thread when many.
            Some(_) => {
                let other = match live.len() >= self.live_on_two_threads && view.is_some() {
                    true => self.reader_of_the_same_view()?,
                    false => None,
                };
                let (mine, theirs) = match &other {
                    Some(_) => live.split_at(live.len() / 2),
                    None => (&live[..], &[][..]),
                };
                let theirs = std::thread::scope(|scope| {
                    let handle = other.map(|conn| {
                        let (measure, charts) = (&measure, live_charts.clone());
                        scope.spawn(move || -> Result<ReportTally> {
                            let mut t = ReportTally::with_charts(charts);
                            each_case_at(&conn, theirs, now, false, |c, ts| {
                                measure.add(&mut t, &c, &ts);
                                Ok(())
                            })?;
                            Ok(t)
                        })
                    });
                    each_case_at(&self.conn, mine, now, false, |c, ts| {
                        measure.add(&mut tally, &c, &ts);
                        Ok(())
                    })?;
                    handle
                        .map(|h| {
                            h.join()
                                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                        })
                        .transpose()
                })?;
                if let Some(t) = theirs {
                    tally.merge(t);
                }
            }
        }
        drop(view);
        let (tallies, overall, baseline, open) = tally.into_groups();
        let group = |key: String, figures: GroupFigures, pt: &PatternTally| Group {
            key,
            figures,
            friction_score: pt.friction_score(),
            pattern_cases: pt.cases,
            patterns: pt.rates(&baseline, th),
        };
        let (mut opened, mut histogram) = (Counts::new(), Counts::new());
        let mut groups: Vec<Group> = Vec::with_capacity(tallies.len());
        for g in tallies {
            if g.opened.iter().any(|n| *n > 0) {
                opened.insert(g.key.clone(), g.opened);
            }
            if g.histogram.iter().any(|n| *n > 0) {
                histogram.insert(g.key.clone(), g.histogram);
            }
            groups.push(group(g.key, g.figures, &g.patterns));
        }
        groups.sort_by(|a, b| {
            b.figures
                .cases
                .cmp(&a.figures.cases)
                .then_with(|| a.key.cmp(&b.key))
        });
        let overall = group("(all)".into(), overall, &baseline);
        let mut notes = vec![format!(
            "{open} open case(s) have an age instead of a time to resolution and are left out of ttr_hours"
        )];
        if matches!(by, GroupBy::Channel) {
            notes.push("a case falls under every channel it used, so groups overlap and their cases add up to more than (all); a pattern falls under the channel of its evidence, so a channel's score counts only the patterns seen on it".into());
        }
        if matches!(by, GroupBy::Party) {
            notes.push("a case falls under every party it dealt with, so groups overlap; a pattern falls under the party of its evidence".into());
        }
        let report = Report {
            by,
            since: window.since,
            until: window.until,
            groups,
            overall,
            notes,
        };
        Ok((report, opened, histogram))
    }

    /// Another connection to the file or the server that sees it as of the
    /// same write as this one's open read (None where there can be none).
    fn reader_of_the_same_view(&self) -> Result<Option<super::db::Connection>> {
        if let Some(super::Place::Server(target)) = &self.place {
            return Ok(self.conn.reader_of_this_view(|| target.connect())?);
        }
        if self.path.as_os_str() == ":memory:" || self.conn.sqlite().is_none() {
            return Ok(None);
        }
        let flags =
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let Ok(conn) = rusqlite::Connection::open_with_flags(&self.path, flags) else {
            return Ok(None);
        };
        conn.busy_timeout(self.busy_timeout)?;
        conn.pragma_update(None, "cache_size", -2000)?;
        conn.execute_batch("BEGIN")?;
        let conn = super::db::Connection::from(conn);
        if super::writes_seen(&conn)? != super::writes_seen(&self.conn)? {
            return Ok(None);
        }
        Ok(Some(conn))
    }

    /// A second connection for the report's pass when the file is large
    /// enough to gain from reading on two threads, seeing the file as of the
    /// same write as this one's open read (else none: the pass reads alone).
    fn second_reader(&self) -> Result<Option<SecondReader>> {
        let (first, last): (Option<i64>, Option<i64>) = self.conn.query_row(
            "SELECT (SELECT min(case_id) FROM case_figures), (SELECT max(case_id) FROM case_figures)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let (Some(first), Some(last)) = (first, last) else {
            return Ok(None);
        };
        if last - first < self.split_reports_from {
            return Ok(None);
        }
        // The second view starts now; the first started at the count above.
        let Some(conn) = self.reader_of_the_same_view()? else {
            return Ok(None);
        };
        Ok(Some(SecondReader {
            conn,
            from_case: first + (last - first) / 2,
        }))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::domain::Status;
    use chrono::TimeZone;

    /// The second reader is used only when it sees the file as of the same
    /// write as the first reader's open view.
    #[test]
    fn a_second_reader_is_refused_when_a_write_came_between_the_two_views() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("two.sqlite3");
        let now = Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap();
        let mut store = Store::open(&path).unwrap();
        crate::io::demo::load(&mut store, now).unwrap();
        store.split_reports_from = 0;
        let mut other = Store::open_existing(&path).unwrap();
        let id = other.find_case("1").unwrap();

        let view = store.conn.unchecked_transaction().unwrap();
        assert!(store.second_reader().unwrap().is_some());
        drop(view);

        let view = store.conn.unchecked_transaction().unwrap();
        super::super::writes_seen(&store.conn).unwrap();
        other
            .set_status(id, Status::WaitingVendor, now, now)
            .unwrap();
        assert!(store.second_reader().unwrap().is_none());
        drop(view);

        // Once the first view ends, the next report sees the write and splits.
        let view = store.conn.unchecked_transaction().unwrap();
        assert!(store.second_reader().unwrap().is_some());
        drop(view);
    }
}
