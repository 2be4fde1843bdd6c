//! The report's one pass over kept figures (`case_figures`). On a large
//! file it reads on two threads, each with its own connection and half of
//! the cases (by id), each adding up its half; the halves' tallies are then
//! merged. Both connections see the file as of the same write.

use super::db::Connection;
use super::figures::{decode, kept_facts};
use super::grouping::{GroupBy, Window};
use super::rows::millis_opt;
use super::Result;
use crate::domain::friction::PatternSet;
use crate::domain::report_tally::{ChartBuckets, ReportTally};
use rusqlite::types::ValueRef;
use std::collections::HashMap;

/// Groups by number (vendor or channel id), found once per number.
#[derive(Default, Clone)]
pub(super) struct Numbered {
    pub names: HashMap<i64, String>,
    /// The group of each number seen (ids are small and dense), else NONE.
    groups: Vec<usize>,
    /// Numbers too large to index by.
    sparse: HashMap<i64, usize>,
}

impl Numbered {
    const NONE: usize = usize::MAX;
    const DENSE: usize = 1 << 20;

    fn group(&mut self, id: i64, tally: &mut ReportTally) -> usize {
        let slot = usize::try_from(id).ok().filter(|s| *s < Self::DENSE);
        let known = match slot {
            Some(s) => self.groups.get(s).copied().filter(|g| *g != Self::NONE),
            None => self.sparse.get(&id).copied(),
        };
        if let Some(g) = known {
            return g;
        }
        let g = tally.group(self.names.get(&id).map_or("", String::as_str));
        match slot {
            Some(s) => {
                if s >= self.groups.len() {
                    self.groups.resize(s + 1, Self::NONE);
                }
                self.groups[s] = g;
            }
            None => {
                self.sparse.insert(id, g);
            }
        }
        g
    }
}

/// A second connection to the same file and the first case id it reads:
/// the report's rows split in two by case id, read on two threads.
pub(super) struct SecondReader {
    pub conn: Connection,
    pub from_case: i64,
}

/// What every part of the pass reads with.
#[derive(Clone, Copy)]
struct Pass {
    by: GroupBy,
    window: Window,
    at: i64,
    went_back: bool,
    /// A view of the past without its own tables (`--as-of`): the cases
    /// opened by then, kept figures only for those settled by then.
    as_of: Option<i64>,
}

/// Adds up the kept figures of the cases in the window under `by`; returns
/// the tally and the cases whose kept figures do not hold at `at` (to be
/// measured live). With a second reader, the cases from its first case id
/// on are added up on another thread.
#[allow(clippy::too_many_arguments)]
pub(super) fn kept_pass(
    conn: &Connection,
    second: Option<SecondReader>,
    by: GroupBy,
    window: Window,
    at: i64,
    went_back: bool,
    as_of: Option<i64>,
    numbered: Numbered,
    charts: ChartBuckets,
) -> Result<(ReportTally, Vec<i64>)> {
    let pass = Pass {
        by,
        window,
        at,
        went_back,
        as_of,
    };
    let split = second.as_ref().map_or(i64::MAX, |s| s.from_case);
    std::thread::scope(|scope| {
        let other = second.map(|second| {
            let (numbered, charts) = (numbered.clone(), charts.clone());
            scope.spawn(move || {
                let cases = (second.from_case, i64::MAX);
                add_up(&second.conn, pass, cases, numbered, charts)
            })
        });
        let mine = add_up(conn, pass, (i64::MIN, split), numbered, charts);
        let other = other
            .map(|o| {
                o.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .transpose();
        let (mut tally, mut live) = mine?;
        if let Some((theirs, their_live)) = other? {
            tally.merge(theirs);
            live.extend(their_live);
        }
        Ok((tally, live))
    })
}

/// Adds up the cases with ids in `cases` (from, to excluded).
fn add_up(
    conn: &Connection,
    pass: Pass,
    cases: (i64, i64),
    mut numbered: Numbered,
    charts: ChartBuckets,
) -> Result<(ReportTally, Vec<i64>)> {
    let key_column = match pass.by {
        GroupBy::Vendor => "vendor_id",
        GroupBy::Category => "category",
        GroupBy::Stage => "stage",
        GroupBy::Channel => "channels",
        GroupBy::Party => "parties",
    };
    // When the figures hold from: read only for a moment of the past.
    let since = match pass.as_of {
        Some(_) => "settled_at, figures_from",
        None => "NULL, NULL",
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT {key_column}, record, case_id, opened_at, {since} FROM case_figures
         WHERE (CAST(?1 AS INTEGER) IS NULL OR opened_at >= ?1) AND (CAST(?2 AS INTEGER) IS NULL OR opened_at < ?2)
           AND case_id >= ?3 AND case_id < ?4 AND (CAST(?5 AS INTEGER) IS NULL OR opened_at <= ?5)"
    ))?;
    let mut tally = ReportTally::with_charts(charts);
    let mut live = Vec::new();
    let mut members: Vec<(usize, PatternSet)> = Vec::new();
    let params = super::db::params![
        millis_opt(pass.window.since),
        millis_opt(pass.window.until),
        cases.0,
        cases.1,
        pass.as_of,
    ];
    // The rows stream in (on a server as it sends them): the pass asks
    // nothing else meanwhile.
    stmt.for_each_row(params, |r| {
        let record = match r.get_ref(1)? {
            ValueRef::Blob(b) if !b.is_empty() => Some(b),
            _ => None,
        };
        // At a moment of the past: the figures of a case settled by then,
        // or that have held since before it (their waits running from the
        // ball's holder on), are the kept ones.
        let kept = match pass.as_of {
            Some(t) => {
                let since = |i: usize| {
                    r.get::<_, Option<i64>>(i)
                        .map(|s| s.is_some_and(|s| s <= t))
                };
                match since(4)? || since(5)? {
                    true => kept_facts(record, pass.at, false),
                    false => None,
                }
            }
            None => kept_facts(record, pass.at, pass.went_back),
        };
        let Some((facts, patterns)) = kept else {
            live.push(r.get(2)?);
            return Ok(());
        };
        members.clear();
        match (pass.by, r.get_ref(0)?) {
            (GroupBy::Vendor, ValueRef::Integer(id)) => {
                members.push((numbered.group(id, &mut tally), patterns));
            }
            (GroupBy::Vendor, _) => members.push((tally.group(""), patterns)),
            (GroupBy::Category | GroupBy::Stage, key) => {
                let text = match key {
                    ValueRef::Text(b) => std::str::from_utf8(b).unwrap_or_default(),
                    _ => "",
                };
                members.push((tally.group(text), patterns));
            }
            (GroupBy::Channel | GroupBy::Party, key) => {
                let bytes = match key {
                    ValueRef::Blob(b) => b,
                    _ => &[],
                };
                for (id, seen) in decode(bytes) {
                    members.push((numbered.group(i64::from(id), &mut tally), seen));
                }
            }
        }
        tally.add_at(&facts, r.get(3)?, patterns, members.iter().copied());
        Ok(())
    })?;
    Ok((tally, live))
}
