//! The report's one pass over kept figures (`case_figures`), on two threads:
//! this one steps through the rows and copies each row's key and record into
//! a batch; a second decodes the records and adds them up. Reading and adding
//! overlap, so the pass takes about as long as SQLite's scan alone.

use super::figures::{decode, kept_facts};
use super::report::{GroupBy, Window};
use super::rows::millis_opt;
use super::Result;
use crate::domain::friction::PatternSet;
use crate::domain::report_tally::{ChartBuckets, ReportTally};
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use std::collections::HashMap;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

/// Rows handed from the reading thread to the adding one: each row's key
/// (text or blob) and record are bytes in `data`.
#[derive(Default)]
struct Batch {
    data: Vec<u8>,
    rows: Vec<Row>,
}

#[derive(Clone, Copy)]
struct Row {
    case_id: i64,
    opened_at: i64,
    /// A number key (vendor id), else 0.
    number: i64,
    key_start: usize,
    record_start: usize,
    end: usize,
}

const BATCH_ROWS: usize = 2048;

/// Groups by number (vendor or channel id), found once per number.
#[derive(Default)]
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

/// Adds up the kept figures of the cases in the window under `by`; returns
/// the tally and the cases whose kept figures do not hold at `at` (to be
/// measured live).
pub(super) fn kept_pass(
    conn: &Connection,
    by: GroupBy,
    window: Window,
    at: i64,
    went_back: bool,
    numbered: Numbered,
    charts: ChartBuckets,
) -> Result<(ReportTally, Vec<i64>)> {
    let key_column = match by {
        GroupBy::Vendor => "vendor_id",
        GroupBy::Category => "category",
        GroupBy::Stage => "stage",
        GroupBy::Channel => "channels",
        GroupBy::Party => "parties",
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT {key_column}, record, case_id, opened_at FROM case_figures
         WHERE (?1 IS NULL OR opened_at >= ?1) AND (?2 IS NULL OR opened_at < ?2)"
    ))?;
    let mut rows = stmt.query(rusqlite::params![
        millis_opt(window.since),
        millis_opt(window.until)
    ])?;
    let (full, filled) = sync_channel::<Batch>(4);
    let (empty, spent) = sync_channel::<Batch>(4);
    std::thread::scope(|scope| {
        let tally = ReportTally::with_charts(charts);
        let adder = scope.spawn(move || add_up(by, at, went_back, numbered, tally, filled, empty));
        let read = (|| -> Result<()> {
            let mut batch = Batch::default();
            while let Some(r) = rows.next()? {
                let key_start = batch.data.len();
                let number = match r.get_ref(0)? {
                    ValueRef::Integer(n) => n,
                    ValueRef::Text(b) | ValueRef::Blob(b) => {
                        batch.data.extend_from_slice(b);
                        0
                    }
                    _ => 0,
                };
                let record_start = batch.data.len();
                if let ValueRef::Blob(b) = r.get_ref(1)? {
                    batch.data.extend_from_slice(b);
                }
                batch.rows.push(Row {
                    case_id: r.get(2)?,
                    opened_at: r.get(3)?,
                    number,
                    key_start,
                    record_start,
                    end: batch.data.len(),
                });
                if batch.rows.len() == BATCH_ROWS {
                    let next = spent.try_recv().unwrap_or_default();
                    if full.send(std::mem::replace(&mut batch, next)).is_err() {
                        break;
                    }
                }
            }
            if !batch.rows.is_empty() {
                // The adder only stops early by panicking, reported below.
                let _ = full.send(batch);
            }
            Ok(())
        })();
        drop(full);
        let added = adder
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        read.map(|()| added)
    })
}

/// The adding thread: decodes each batch's rows and adds them up, handing
/// the emptied batch back for reuse.
fn add_up(
    by: GroupBy,
    at: i64,
    went_back: bool,
    mut numbered: Numbered,
    mut tally: ReportTally,
    filled: Receiver<Batch>,
    empty: SyncSender<Batch>,
) -> (ReportTally, Vec<i64>) {
    let mut live = Vec::new();
    let mut members: Vec<(usize, PatternSet)> = Vec::new();
    for mut batch in filled {
        for row in &batch.rows {
            let record = Some(&batch.data[row.record_start..row.end]).filter(|r| !r.is_empty());
            let Some((facts, patterns)) = kept_facts(record, at, went_back) else {
                live.push(row.case_id);
                continue;
            };
            let key = &batch.data[row.key_start..row.record_start];
            members.clear();
            match by {
                GroupBy::Vendor => members.push((numbered.group(row.number, &mut tally), patterns)),
                GroupBy::Category | GroupBy::Stage => {
                    let text = std::str::from_utf8(key).unwrap_or_default();
                    members.push((tally.group(text), patterns));
                }
                GroupBy::Channel | GroupBy::Party => {
                    for (id, seen) in decode(key) {
                        members.push((numbered.group(i64::from(id), &mut tally), seen));
                    }
                }
            }
            tally.add_at(&facts, row.opened_at, patterns, members.iter().copied());
        }
        batch.data.clear();
        batch.rows.clear();
        let _ = empty.try_send(batch);
    }
    (tally, live)
}
