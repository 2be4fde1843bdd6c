//! Cases and touchpoints: every write is one transaction that also appends
//! its events and refreshes the case's stored summary and flags.

use super::db::{params, Connection, OptionalExtension};
use super::events::{append, append_text, Event, EventText};
use super::rows::*;
use super::sla_cache::SetupCache;
use super::summary::{
    derived_and_figures, labelled, summary_of, ReadySummary, Summarizer, Summary, SummaryRates,
    SUMMARY_COLUMNS,
};
use super::vendors::vendor_id;
use super::{Result, Store, StoreError};
use crate::domain::friction::Thresholds;
use crate::domain::time::from_millis;
use crate::domain::time_rules::{check_new, refuse_new_problems, time_problems, WriteClock};
use crate::domain::{case::in_time_order, Case, Resolution, Status, Touchpoint};
use chrono::{DateTime, Utc};
use serde_json::Value;

/// How a case given to `merge_case` was taken in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merge {
    Created(i64),
    Updated(i64),
    Unchanged(i64),
}

/// A case named by id, ref or uid, as every command's `CASE` argument.
pub struct CaseRef;

impl CaseRef {
    pub fn resolve(conn: &Connection, key: &str) -> Result<i64> {
        let key = key.trim().trim_start_matches('#');
        let found: Option<i64> = if let Ok(id) = key.parse::<i64>() {
            conn.query_row("SELECT id FROM cases WHERE id = ?1", [id], |r| r.get(0))
                .optional()?
        } else {
            None
        };
        let found = match found {
            Some(id) => Some(id),
            None => conn
                .query_row(
                    "SELECT id FROM cases WHERE ref = ?1 OR uid = ?1 LIMIT 1",
                    [key],
                    |r| r.get(0),
                )
                .optional()?,
        };
        found.ok_or_else(|| StoreError::NoSuchCase(key.to_string()))
    }
}

pub(super) fn to_json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Field-by-field differences between two versions of a record.
pub(super) fn diff(
    old: &Value,
    new: &Value,
    skip: &[&str],
) -> Vec<(String, Option<Value>, Option<Value>)> {
    let (Some(o), Some(n)) = (old.as_object(), new.as_object()) else {
        return Vec::new();
    };
    let mut keys: Vec<&String> = o
        .keys()
        .chain(n.keys())
        .filter(|k| !skip.contains(&k.as_str()))
        .collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| o.get(*k) != n.get(*k))
        .map(|k| (k.clone(), o.get(k).cloned(), n.get(k).cloned()))
        .collect()
}

pub(super) fn load_case(conn: &Connection, id: i64) -> Result<Case> {
    let sql = format!("SELECT {CASE_COLUMNS} FROM {CASE_FROM} WHERE c.id = ?1");
    let mut case = conn
        .prepare_cached(&sql)?
        .query_row([id], |r| case_from_row(r, 0))
        .optional()?
        .ok_or_else(|| StoreError::NoSuchCase(id.to_string()))?;
    let mut stmt =
        conn.prepare_cached("SELECT tag FROM case_tags WHERE case_id = ?1 ORDER BY tag")?;
    case.tags = stmt
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    super::events::with_past_resolutions(conn, &mut case)?;
    Ok(case)
}

pub(super) fn load_touches(conn: &Connection, case_id: i64) -> Result<Vec<Touchpoint>> {
    let sql = format!(
        "SELECT {TOUCH_COLUMNS} FROM {TOUCH_FROM} WHERE t.case_id = ?1 ORDER BY t.at, t.id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut touches: Vec<Touchpoint> = stmt
        .query_map([case_id], |r| touch_from_row(r, 0))?
        .collect::<rusqlite::Result<_>>()?;
    in_time_order(&mut touches);
    Ok(touches)
}

/// The statements that write a case's row, made once: an import writes
/// thousands of rows a second.
struct CaseSql {
    insert: String,
    insert_with_summary: String,
    update: String,
}

/// A case row's own columns, in the order of `case_values!`.
pub(super) const CASE_COLS: &str =
    "uid, ref, title, vendor_id, marketplace_id, product, order_ref, customer, owner, \
    category, priority, status, opened_at, resolved_at, closed_at, outcome, purchase_amount, \
    refund_amount, currency, customer_cost, customer_minutes, churned, csat, effort, reopens, stage";

/// The values of a case's row: `CASE_COLS`, then its id (NULL for none).
macro_rules! case_values {
    ($case:expr, $vendor:expr, $marketplace:expr) => {{
        let case = $case;
        params![
            case.uid,
            case.reference,
            case.title,
            $vendor,
            $marketplace,
            case.product,
            case.order_ref,
            case.customer,
            case.owner,
            case.category.as_str(),
            case.priority.as_str(),
            case.status.as_str(),
            millis(case.opened_at),
            millis_opt(case.resolved_at),
            millis_opt(case.closed_at),
            case.outcome.map(|o| o.as_str()),
            case.purchase_amount.map(|m| m.0),
            case.refund_amount.map(|m| m.0),
            case.currency,
            case.customer_cost.map(|m| m.0),
            case.customer_minutes,
            case.churned,
            case.csat,
            case.effort,
            case.reopens,
            case.stage().as_str(),
            if case.id > 0 { Some(case.id) } else { None },
        ]
    }};
}
pub(super) use case_values;

/// A touch row's columns, in the order of `touch_values!`.
pub(super) const TOUCH_COLS: &str = "case_id, at, channel, started_by, party_id, minutes, \
    wait_minutes, outcome, ask, promise_due, waiting_on, note, id";

/// The values of a touch's row: `TOUCH_COLS` (the id NULL for none).
macro_rules! touch_values {
    ($case_id:expr, $t:expr, $party:expr) => {{
        let t = $t;
        params![
            $case_id,
            millis(t.at),
            t.channel.as_str(),
            t.started_by.as_str(),
            $party,
            t.minutes,
            t.wait_minutes,
            t.outcome.as_str(),
            t.ask.map(|a| a.as_str()),
            millis_opt(t.promise_due),
            t.waiting_on.map(|w| w.as_str()),
            t.note,
            if t.id > 0 { Some(t.id) } else { None },
        ]
    }};
}
pub(super) use touch_values;

static CASE_SQL: std::sync::LazyLock<CaseSql> = std::sync::LazyLock::new(|| {
    const COLS: &str = CASE_COLS;
    let insert = |more: &str, more_values: &str| {
        format!(
            "INSERT INTO cases ({COLS}, id{more}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26,?27{more_values})
             ON CONFLICT (id) DO NOTHING RETURNING id"
        )
    };
    let summary_values: String = (28..28 + SUMMARY_COLUMNS.len())
        .map(|i| format!(",?{i}"))
        .collect();
    let sets: Vec<String> = COLS
        .split(", ")
        .enumerate()
        .map(|(i, c)| format!("{c} = ?{}", i + 1))
        .collect();
    CaseSql {
        insert: insert("", ""),
        insert_with_summary: insert(
            &format!(", {}", SUMMARY_COLUMNS.join(", ")),
            &summary_values,
        ),
        update: format!("UPDATE cases SET {} WHERE id = ?27", sets.join(", ")),
    }
});

/// Writes a case's own fields (insert when `case.id` is 0 or free, else
/// update); an insert writes `summary` in the same row when given.
fn write_case_row(
    conn: &Connection,
    case: &Case,
    insert: bool,
    summary: Option<&Summary>,
) -> Result<i64> {
    let vendor = vendor_id(conn, &case.vendor)?;
    let marketplace = case
        .marketplace
        .as_deref()
        .map(|m| vendor_id(conn, m))
        .transpose()?;
    let values = case_values!(case, vendor, marketplace);
    let id = if insert {
        // The id it comes with when that is free, else the next one: the
        // primary key says which, in the same statement.
        let sql = match summary {
            Some(_) => &CASE_SQL.insert_with_summary,
            None => &CASE_SQL.insert,
        };
        let mut all: Vec<&dyn rusqlite::ToSql> = values.to_vec();
        if let Some(s) = summary {
            all.extend(s.columns.iter().map(|v| v as &dyn rusqlite::ToSql));
        }
        let mut stmt = conn.prepare_cached(sql)?;
        match stmt.query_row(&*all, |r| r.get(0)).optional()? {
            Some(id) => id,
            None => {
                all[26] = &None::<i64>;
                stmt.query_row(&*all, |r| r.get(0))?
            }
        }
    } else {
        conn.prepare_cached(&CASE_SQL.update)?.execute(values)?;
        case.id
    };
    if !insert {
        conn.prepare_cached("DELETE FROM case_tags WHERE case_id = ?1")?
            .execute([id])?;
    }
    let mut tag_insert =
        conn.prepare_cached("INSERT OR IGNORE INTO case_tags (case_id, tag) VALUES (?1, ?2)")?;
    for tag in &case.tags {
        tag_insert.execute(params![id, tag])?;
    }
    Ok(id)
}

/// Notes wait in a temporary table until the transaction's end, then enter
/// the full-text index in one statement (see migrations/sqlite/02-note-search).
/// The table holds runs of touch ids, `first..=last`, that never overlap (a
/// note indexed twice would damage the index): a new case's touches are one
/// run, one row, not one row each.
fn queue_note(conn: &Connection, touch_id: i64) -> Result<()> {
    queue_notes(conn, touch_id, touch_id)
}

fn queue_notes(conn: &Connection, first: i64, last: i64) -> Result<()> {
    if conn.sqlite().is_none() {
        // A server's note index is a generated column: nothing waits.
        return Ok(());
    }
    let overlaps: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM temp.pending_notes WHERE first BETWEEN ?1 AND ?2)
                 OR coalesce((SELECT last FROM temp.pending_notes WHERE first < ?1
                              ORDER BY first DESC LIMIT 1) >= ?1, 0)",
        )?
        .query_row([first, last], |r| r.get(0))?;
    if !overlaps {
        conn.prepare_cached("INSERT INTO temp.pending_notes (first, last) VALUES (?1, ?2)")?
            .execute([first, last])?;
        return Ok(());
    }
    // Rare (a touch queued, deleted and written again in one transaction):
    // one at a time, the ones not yet queued.
    for id in first..=last {
        if !is_queued(conn, id)? {
            conn.prepare_cached("INSERT INTO temp.pending_notes (first, last) VALUES (?1, ?1)")?
                .execute([id])?;
        }
    }
    Ok(())
}

fn is_queued(conn: &Connection, touch_id: i64) -> Result<bool> {
    if conn.sqlite().is_none() {
        return Ok(false);
    }
    Ok(conn
        .prepare_cached(
            "SELECT coalesce((SELECT last FROM temp.pending_notes WHERE first <= ?1
                              ORDER BY first DESC LIMIT 1) >= ?1, 0)",
        )?
        .query_row([touch_id], |r| r.get(0))?)
}

/// Queues the notes of touches just written, by runs of consecutive ids.
fn queue_touch_notes(conn: &Connection, touches: &[Touchpoint]) -> Result<()> {
    let mut ids: Vec<i64> = touches.iter().map(|t| t.id).collect();
    ids.sort_unstable();
    let mut runs = ids.chunk_by(|a, b| b - a == 1);
    runs.try_for_each(|run| queue_notes(conn, run[0], run[run.len() - 1]))
}

/// Takes a note out of the full-text index (it needs the old text).
pub(super) fn unindex_note(conn: &Connection, touch_id: i64, note: &str) -> Result<()> {
    if !note.is_empty() && conn.sqlite().is_some() {
        conn.prepare_cached(
            "INSERT INTO touch_notes (touch_notes, rowid, note) VALUES ('delete', ?1, ?2)",
        )?
        .execute(params![touch_id, note])?;
    }
    Ok(())
}

/// Indexes the queued notes; every write calls it before it commits.
pub(super) fn flush_notes(conn: &Connection) -> Result<()> {
    if conn.sqlite().is_none() {
        return Ok(());
    }
    conn.prepare_cached(
        // CROSS JOIN keeps the pending notes as the outer loop: a plain JOIN
        // let SQLite scan every touchpoint on each write (a second at ten
        // million touches) to find the few that were queued.
        "INSERT INTO touch_notes (rowid, note) SELECT t.id, t.note FROM temp.pending_notes p
         CROSS JOIN touchpoints t ON t.id BETWEEN p.first AND p.last WHERE t.note <> ''",
    )?
    .execute([])?;
    conn.prepare_cached("DELETE FROM temp.pending_notes")?
        .execute([])?;
    Ok(())
}

pub(super) fn write_touch_row(
    conn: &Connection,
    case_id: i64,
    t: &Touchpoint,
    insert: bool,
) -> Result<i64> {
    let id = write_touch_fields(conn, case_id, t, insert)?;
    if insert {
        queue_note(conn, id)?;
    }
    Ok(id)
}

/// `write_touch_row` but for the note of a new touch, which the caller queues.
fn write_touch_fields(
    conn: &Connection,
    case_id: i64,
    t: &Touchpoint,
    insert: bool,
) -> Result<i64> {
    if !insert {
        let old: Option<String> = conn
            .prepare_cached("SELECT note FROM touchpoints WHERE id = ?1")?
            .query_row([t.id], |r| r.get(0))
            .optional()?;
        if let Some(old) = old.filter(|o| *o != t.note) {
            // A note queued in this transaction (a touch an import added a
            // few lines before) is not in the index yet: taking it out would
            // damage the index.
            if !is_queued(conn, t.id)? {
                unindex_note(conn, t.id, &old)?;
                queue_note(conn, t.id)?;
            }
        }
    }
    let party = t.party.as_deref().map(|p| vendor_id(conn, p)).transpose()?;
    let values = touch_values!(case_id, t, party);
    if insert {
        // The id it comes with when that is free, else the next one.
        static INSERT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
            format!(
                "INSERT INTO touchpoints ({TOUCH_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)
                 ON CONFLICT (id) DO NOTHING RETURNING id"
            )
        });
        let mut stmt = conn.prepare_cached(&INSERT)?;
        match stmt.query_row(values, |r| r.get(0)).optional()? {
            Some(id) => Ok(id),
            None => {
                let mut values = values.to_vec();
                values[12] = &None::<i64>;
                Ok(stmt.query_row(&*values, |r| r.get(0))?)
            }
        }
    } else {
        conn.prepare_cached(
            "UPDATE touchpoints SET case_id = ?1, at = ?2, channel = ?3, started_by = ?4, party_id = ?5,
             minutes = ?6, wait_minutes = ?7, outcome = ?8, ask = ?9, promise_due = ?10, waiting_on = ?11,
             note = ?12 WHERE id = ?13",
        )?
        .execute(values)?;
        Ok(t.id)
    }
}

/// Recomputes the stored summary of a case (counts, channels, flags).
pub(super) fn refresh_summary(
    conn: &Connection,
    case_id: i64,
    now: DateTime<Utc>,
    th: &Thresholds,
    rates: &SummaryRates,
    sla: &SetupCache,
) -> Result<()> {
    let case = load_case(conn, case_id)?;
    let touches = load_touches(conn, case_id)?;
    write_summary(conn, &case, &touches, now, th, rates, sla)
}

/// Writes the stored summary of a case from the case and its touches in time
/// order (see src/store/summary.rs).
fn write_summary(
    conn: &Connection,
    case: &Case,
    touches: &[Touchpoint],
    now: DateTime<Utc>,
    th: &Thresholds,
    rates: &SummaryRates,
    sla: &SetupCache,
) -> Result<()> {
    let sla = sla.get(conn)?;
    let s = summary_of(case, touches, now, th, rates, sla.as_deref());
    super::summary::write(conn, case, &s, false, false)
}

/// Inserts a new case with its touches, and their events unless `history` is given.
#[allow(clippy::too_many_arguments)] // what a summary is derived from, as every caller holds it
pub(super) fn insert_case(
    conn: &Connection,
    mut case: Case,
    mut touches: Vec<Touchpoint>,
    history: Option<&[EventText]>,
    ready: Option<ReadySummary>,
    now: DateTime<Utc>,
    th: &Thresholds,
    rates: &SummaryRates,
    sla: &SetupCache,
    allow_future: bool,
) -> Result<i64> {
    case.validate()?;
    in_time_order(&mut touches);
    for t in touches.iter_mut() {
        t.validate()?;
    }
    check_new(&case, &touches, WriteClock { now, allow_future })?;
    if case.uid.is_empty() {
        // Time-ordered (UUID v7): a new case's uid goes at the end of the
        // uid index rather than at a random place in it.
        case.uid = uuid::Uuid::now_v7().to_string();
    }
    // The summary is known before writing (made with the touches told
    // apart as they will be, `labelled`): it goes into the case's INSERT,
    // not into an UPDATE after it that writes every index again, whether
    // the touches keep the ids they come with or take the next free ones.
    // Checked first: the summary reads the tidied touches.
    for t in touches.iter_mut() {
        t.validate()?;
    }
    // A trail that changed the case's timed fields (a status, a reopening)
    // is read with the case once written: the summary waits for it.
    let timed_trail = history.is_some_and(|h| {
        h.iter().any(|e| {
            matches!(e.kind.as_str(), "status_changed" | "field_changed")
                && e.field
                    .as_deref()
                    .is_some_and(crate::domain::as_of::is_timed)
        })
    });
    let mut early = if !timed_trail {
        let setup = sla.get(conn)?;
        match ready.and_then(|r| r.made_with(now, &setup)) {
            Some(s) => Some(s),
            None => Some(summary_of(
                &case,
                &labelled(&touches),
                now,
                th,
                rates,
                setup.as_deref(),
            )),
        }
    } else {
        None
    };
    let mut renumbered = Vec::new();
    // On a server writing in bulk, the rows wait to go together (a case
    // whose trail changed timed fields is read back: it goes row by row).
    let bulk = match (super::server_rows::bulk(conn), early.take()) {
        (Some(pg), Some(s)) => Some((pg, s)),
        (_, s) => {
            early = s;
            None
        }
    };
    let mut deferred = None;
    let id = match bulk {
        Some((pg, s)) => {
            let vendor = super::server_rows::defer_case(
                conn,
                pg,
                &mut case,
                &mut touches,
                &s,
                &mut renumbered,
            )?;
            deferred = Some((pg, s, vendor));
            case.id
        }
        None => {
            let id = write_case_row(conn, &case, true, early.as_ref())?;
            case.id = id;
            for t in touches.iter_mut() {
                let given = t.id;
                t.id = write_touch_fields(conn, id, t, true)?;
                renumbered.push((given, t.id));
            }
            queue_touch_notes(conn, &touches)?;
            id
        }
    };
    if history.is_none() {
        // One event for the case and the touches it came with: they were
        // logged together, in one action.
        let mut shown = to_json(&Case {
            id: 0,
            ..case.clone()
        });
        if let Some(obj) = shown.as_object_mut() {
            if !touches.is_empty() {
                obj.insert("touchpoints".into(), to_json(&touches));
            }
        }
        let created = Event {
            at: now,
            kind: "created".into(),
            touchpoint: None,
            field: None,
            old: None,
            new: Some(shown),
            actor: None,
        };
        append(conn, id, &created)?;
    }
    if let Some(events) = history {
        for e in events {
            let touchpoint = e.touchpoint.map(|old| {
                renumbered
                    .iter()
                    .find(|(g, _)| *g == old)
                    .map_or(old, |(_, n)| *n)
            });
            append_text(conn, id, e, touchpoint)?;
        }
    }
    if let Some((pg, s, vendor)) = deferred {
        super::server_rows::defer_derived(conn, pg, &case, vendor, &s)?;
        return Ok(id);
    }
    match early {
        Some(s) => super::summary::write(conn, &case, &s, true, true)?,
        None => refresh_summary(conn, id, now, th, rates, sla)?,
    }
    Ok(id)
}

pub(super) fn touch_event(
    kind: &str,
    t: &Touchpoint,
    old: Option<&Touchpoint>,
    at: DateTime<Utc>,
) -> Event {
    let shown = |t: &Touchpoint| {
        let mut t = t.clone();
        t.id = 0;
        to_json(&t)
    };
    Event {
        at,
        kind: kind.into(),
        touchpoint: Some(t.id),
        field: None,
        old: old.map(shown),
        new: if kind == "touch_deleted" {
            None
        } else {
            Some(shown(t))
        },
        actor: None,
    }
}

/// Writes a changed case with one event per changed field; returns how many changed.
pub(super) fn update_case_fields(
    conn: &Connection,
    old: &Case,
    new: &Case,
    now: DateTime<Utc>,
) -> Result<usize> {
    let changes = diff(&to_json(old), &to_json(new), &["id", "uid"]);
    if changes.is_empty() {
        return Ok(0);
    }
    write_case_row(conn, new, false, None)?;
    for (field, o, n) in &changes {
        let kind = if field == "status" {
            "status_changed"
        } else {
            "field_changed"
        };
        append(
            conn,
            new.id,
            &Event {
                at: now,
                kind: kind.into(),
                touchpoint: None,
                field: Some(field.clone()),
                old: o.clone(),
                new: n.clone(),
                actor: None,
            },
        )?;
    }
    Ok(changes.len())
}

/// Two touches are the same when every field but the id agrees.
fn same_touch(kept: &Touchpoint, t: &Touchpoint) -> bool {
    Touchpoint {
        id: kept.id,
        ..t.clone()
    } == *kept
}

/// The case's vendor, marketplace and touch parties under the names the
/// store keeps them as (a name in other letters or an alias is that vendor).
fn names_as_stored(conn: &Connection, case: &mut Case, touches: &mut [Touchpoint]) -> Result<()> {
    let stored = |name: &mut String| -> Result<()> {
        if let Some(kept) = super::vendors::stored_name(conn, name)? {
            *name = kept;
        }
        Ok(())
    };
    stored(&mut case.vendor)?;
    if let Some(m) = case.marketplace.as_mut() {
        stored(m)?;
    }
    for t in touches.iter_mut() {
        if let Some(p) = t.party.as_mut() {
            stored(p)?;
        }
    }
    Ok(())
}

/// Two touches are the same contact when they agree on when, how, who and what came of it.
fn same_contact(a: &Touchpoint, b: &Touchpoint) -> bool {
    a.at == b.at && a.channel == b.channel && a.started_by == b.started_by && a.outcome == b.outcome
}

/// How far behind the file's newest clock the real clock may be and still
/// read the file as of that clock (skew between machines); further behind,
/// the clock was wrong and is corrected: the file's clock goes back, once.
const CLOCK_CORRECTED_MS: i64 = 24 * 3_600_000;

/// The page cache while re-deriving the cases that came due, or importing
/// (KiB, negative as SQLite's `cache_size` takes it): 64 MiB.
const REFRESH_CACHE_KIB: i64 = -65_536;

/// The page cache, and so the sorter's memory, while an import builds the
/// indexes it deferred (`Writer::defer_indexes`): 16 MiB.
const INDEX_BUILD_CACHE_KIB: i64 = -16_384;

impl Store {
    /// What a write at `now` is checked against.
    pub(super) fn write_clock(&self, now: DateTime<Utc>) -> WriteClock {
        WriteClock {
            now,
            allow_future: self.allow_future,
        }
    }

    /// The id of the case named by id, ref or uid.
    pub fn find_case(&self, key: &str) -> Result<i64> {
        CaseRef::resolve(&self.conn, key)
    }

    pub fn case(&self, id: i64) -> Result<Case> {
        load_case(&self.conn, id)
    }

    /// A case's touches in time order.
    pub fn touches(&self, case_id: i64) -> Result<Vec<Touchpoint>> {
        load_touches(&self.conn, case_id)
    }

    /// The case a touchpoint belongs to.
    pub fn touch_case(&self, touch_id: i64) -> Result<i64> {
        self.conn
            .query_row(
                "SELECT case_id FROM touchpoints WHERE id = ?1",
                [touch_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(StoreError::NoSuchTouch(touch_id))
    }

    /// Logs a new case (and any touches it comes with); returns its id.
    pub fn create_case(
        &mut self,
        case: Case,
        touches: Vec<Touchpoint>,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        self.writable()?;
        let tx = super::write_tx(&mut self.conn)?;
        let id = insert_case(
            &tx,
            case,
            touches,
            None,
            None,
            now,
            &self.thresholds,
            &self.summary_rates,
            &self.sla_cache,
            self.allow_future,
        )?;
        flush_notes(&tx)?;
        tx.commit()?;
        Ok(id)
    }

    /// Moves a case to a status at a time (reopening counts).
    pub fn set_status(
        &mut self,
        id: i64,
        status: Status,
        at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Case> {
        self.modify_case_at(id, at, now, |case| {
            case.set_status(status, at);
            Ok(())
        })
    }

    /// Resolves a case with an outcome and optional refund.
    pub fn resolve(
        &mut self,
        id: i64,
        outcome: Resolution,
        refund: Option<crate::domain::Money>,
        at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Case> {
        self.modify_case_at(id, at, now, |case| {
            if case.status == Status::Resolved {
                case.resolved_at = Some(at);
            }
            case.set_status(Status::Resolved, at);
            case.outcome = Some(outcome);
            if refund.is_some() {
                case.refund_amount = refund;
            }
            Ok(())
        })
    }

    /// Logs a touch on a case; returns its id.
    pub fn add_touch(
        &mut self,
        case_id: i64,
        mut touch: Touchpoint,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        self.writable()?;
        touch.validate()?;
        touch.id = 0;
        let clock = self.write_clock(now);
        let tx = super::write_tx(&mut self.conn)?;
        let case = load_case(&tx, case_id)?;
        refuse_new_problems(
            &time_problems(&case, &[], clock),
            time_problems(&case, std::slice::from_ref(&touch), clock),
        )?;
        touch.id = write_touch_row(&tx, case_id, &touch, true)?;
        append(&tx, case_id, &touch_event("touch_added", &touch, None, now))?;
        refresh_summary(
            &tx,
            case_id,
            now,
            &self.thresholds,
            &self.summary_rates,
            &self.sla_cache,
        )?;
        flush_notes(&tx)?;
        tx.commit()?;
        Ok(touch.id)
    }

    /// Deletes a touch; its event keeps what it was.
    pub fn delete_touch(&mut self, touch_id: i64, now: DateTime<Utc>) -> Result<()> {
        self.writable()?;
        let case_id = self.touch_case(touch_id)?;
        let tx = super::write_tx(&mut self.conn)?;
        let old = load_touches(&tx, case_id)?
            .into_iter()
            .find(|t| t.id == touch_id)
            .ok_or(StoreError::NoSuchTouch(touch_id))?;
        unindex_note(&tx, touch_id, &old.note)?;
        tx.execute("DELETE FROM touchpoints WHERE id = ?1", [touch_id])?;
        append(
            &tx,
            case_id,
            &touch_event("touch_deleted", &old, Some(&old), now),
        )?;
        refresh_summary(
            &tx,
            case_id,
            now,
            &self.thresholds,
            &self.summary_rates,
            &self.sla_cache,
        )?;
        flush_notes(&tx)?;
        tx.commit()?;
        Ok(())
    }

    /// Whether the stored derived data was made with this store's friction
    /// thresholds and cost rates (else every case is derived again).
    pub fn derived_setup_current(&self) -> Result<bool> {
        let meta = |key: &str| -> Result<Option<String>> {
            Ok(self
                .conn
                .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
                .query_row([key], |r| r.get(0))
                .optional()?)
        };
        let th_json = serde_json::to_string(&self.thresholds).unwrap_or_default();
        Ok(
            meta("flag_thresholds")?.as_deref() == Some(th_json.as_str())
                && meta("summary_rates")?.as_deref() == Some(self.summary_rates.to_json().as_str()),
        )
    }

    /// The newest clock the file has seen, if any: the one its stored
    /// derived data was last brought to, or its last write's.
    pub fn newest_clock(&self) -> Result<Option<DateTime<Utc>>> {
        let derived: Option<i64> = self
            .conn
            .prepare_cached("SELECT value FROM meta WHERE key = 'derived_at'")?
            .query_row([], |r| r.get::<_, String>(0))
            .optional()?
            .and_then(|v| v.parse().ok());
        let written: Option<i64> = self
            .conn
            .prepare_cached("SELECT at FROM events ORDER BY id DESC LIMIT 1")?
            .query_row([], |r| r.get(0))
            .optional()?;
        Ok(derived.max(written).map(from_millis))
    }

    /// The clock the stored derived data was last brought to, if any.
    fn derived_clock(&self) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM meta WHERE key = 'derived_at'")?
            .query_row([], |r| r.get::<_, String>(0))
            .optional()?
            .and_then(|v| v.parse().ok()))
    }

    /// The clock the stored derived data is as of (the newest the file has
    /// seen), if any: a clock a little behind it reads the file as of it.
    pub fn clock(&self, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
        let derived_at = self.derived_clock()?;
        Ok(match derived_at {
            Some(d) if d > millis(now) && d - millis(now) <= CLOCK_CORRECTED_MS => from_millis(d),
            _ => now,
        })
    }

    /// How many cases' derived data has come due at `now` (all of them once
    /// after an upgrade): what `refresh_due` is about to re-derive.
    pub fn cases_due(&self, now: DateTime<Utc>) -> Result<usize> {
        if self.read_only {
            return Ok(0);
        }
        let n: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM cases WHERE next_change_at <= ?1")?
            .query_row([millis(now)], |r| r.get(0))?;
        Ok(n as usize)
    }

    /// Brings every case's derived data (flags, urgency, and what else reads
    /// the clock) up to `now`: re-derives only the cases whose next change
    /// instant has passed, found through an index. Two things re-derive more:
    /// thresholds other than the ones the stored flags were made with (every
    /// case), and a clock set earlier than the file's last look (`--as-of` in
    /// the past: the open cases, once). Returns how many were re-derived.
    pub fn refresh_due(&mut self, now: DateTime<Utc>) -> Result<usize> {
        if self.read_only || self.as_of.is_some() {
            return Ok(0);
        }
        let th_json = serde_json::to_string(&self.thresholds).unwrap_or_default();
        let mut at = millis(now);
        let meta = |conn: &Connection, key: &str| -> Result<Option<String>> {
            Ok(conn
                .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
                .query_row([key], |r| r.get(0))
                .optional()?)
        };
        // A look without the write lock first: most of the time nothing is
        // due, and a reader must not wait for another process's long import.
        // Changed cost rates re-derive every case too (their cost is kept).
        let same_thresholds = self.derived_setup_current()?;
        let derived_at: Option<i64> = meta(&self.conn, "derived_at")?.and_then(|v| v.parse().ok());
        // The stored data never goes back with a clock a little behind (a
        // teammate's skewed clock, an --as-of write): it stays as of the
        // newest clock. Only the real clock set back by more than a day (it
        // was wrong, and was corrected) brings it back, once.
        let went_back = derived_at.is_some_and(|d| d - at > CLOCK_CORRECTED_MS) && self.real_clock;
        if let Some(d) = derived_at.filter(|d| *d > at && !went_back) {
            at = d;
        }
        let any_due: bool = self
            .conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM cases WHERE next_change_at <= ?1)")?
            .query_row([at], |r| r.get(0))?;
        if same_thresholds && !went_back && !any_due {
            return Ok(0);
        }
        // Without waiting: another writer at work means a later look.
        let free = match self.conn.sqlite() {
            Some(file) => {
                file.busy_timeout(std::time::Duration::ZERO)?;
                let free = file.execute_batch("BEGIN IMMEDIATE; ROLLBACK;");
                file.busy_timeout(self.busy_timeout)?;
                free
            }
            // On a server, the store's write lock (the 'writes' row), not waited for.
            None => {
                self.conn.execute_batch("BEGIN")?;
                let free = self
                    .conn
                    .execute_batch("SELECT 1 FROM meta WHERE key = 'writes' FOR UPDATE NOWAIT");
                self.conn.execute_batch("ROLLBACK")?;
                free
            }
        };
        if let Err(e) = free {
            return match StoreError::from(e) {
                // Another process is writing: the derived data catches up at
                // the next look, and what is read now is at most a little behind.
                StoreError::Locked => Ok(0),
                other => Err(other),
            };
        }
        // Room for the pages a day's due cases touch, so that none is
        // written out twice (the cache spilling mid-transaction).
        self.with_large_cache(|store| {
            store.refresh_in_tx(at, went_back, same_thresholds, derived_at, th_json)
        })
    }

    /// Runs `f` with a file's page cache at `REFRESH_CACHE_KIB` (a server
    /// keeps its own).
    fn with_large_cache<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        let Some(file) = self.conn.sqlite() else {
            return f(self);
        };
        let cache: i64 = file.pragma_query_value(None, "cache_size", |r| r.get(0))?;
        file.pragma_update(None, "cache_size", REFRESH_CACHE_KIB)?;
        let result = f(self);
        if let Some(file) = self.conn.sqlite() {
            file.pragma_update(None, "cache_size", cache)?;
        }
        result
    }

    /// `refresh_due`'s transaction.
    fn refresh_in_tx(
        &mut self,
        at: i64,
        went_back: bool,
        same_thresholds: bool,
        derived_at: Option<i64>,
        th_json: String,
    ) -> Result<usize> {
        let rates_json = self.summary_rates.to_json();
        let tx = super::write_tx(&mut self.conn)?;
        let (sql, bound) = if !same_thresholds {
            ("SELECT id FROM cases", None)
        } else if went_back {
            (
                "SELECT id FROM cases WHERE status NOT IN ('resolved', 'closed') OR next_change_at IS NOT NULL",
                None,
            )
        } else {
            ("SELECT id FROM cases WHERE next_change_at <= ?1", Some(at))
        };
        let ids: Vec<i64> = {
            let mut stmt = tx.prepare(sql)?;
            let rows = stmt.query_map(super::db::params_from_iter(bound), |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let now = from_millis(at);
        for id in &ids {
            refresh_summary(
                &tx,
                *id,
                now,
                &self.thresholds,
                &self.summary_rates,
                &self.sla_cache,
            )?;
        }
        // Nothing due: nothing written, so other windows are not told to reload.
        if ids.is_empty() && same_thresholds {
            return Ok(0);
        }
        if derived_at.is_none_or(|d| d < at) || !same_thresholds || went_back {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('flag_thresholds', ?1), ('derived_at', ?2), ('summary_rates', ?3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [th_json, at.to_string(), rates_json],
            )?;
        }
        flush_notes(&tx)?;
        tx.commit()?;
        Ok(ids.len())
    }

    /// The cases whose stored derived data (flags, urgency, next action,
    /// next change) differ from what their fields and touches give at
    /// `now`; run after `refresh_due(now)`, it should find none. For
    /// `check` and the tests.
    pub fn derived_mismatches(&self, now: DateTime<Utc>) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, flag_list, urgency, next_change_at, next_action, urgency_due FROM cases ORDER BY id",
        )?;
        let stored = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, i64>(5)?,
            ))
        })?;
        let mut problems = Vec::new();
        let sla = self.sla_cache.get(&self.conn)?;
        for row in stored {
            let (id, flags, rank, next, action, due) = row?;
            let urgency = (rank, due);
            let case = load_case(&self.conn, id)?;
            let touches = load_touches(&self.conn, id)?;
            let (fresh, figures) = derived_and_figures(
                &case,
                &touches,
                now,
                &self.thresholds,
                &self.summary_rates,
                sla.as_deref(),
            );
            if let Some(problem) =
                super::figures::figures_differ(&self.conn, &case, &figures, fresh.next_change, now)?
            {
                problems.push(format!("case {id}: {problem}"));
            }
            let fresh_flags = fresh.flag_ids().join(" ");
            let fresh_action = fresh.next_action.as_ref().map(|a| a.id);
            if flags != fresh_flags
                || urgency != (fresh.urgency.rank, fresh.urgency.due)
                || next != fresh.next_change.map(millis)
                || action.as_deref() != fresh_action
            {
                problems.push(format!(
                    "case {id}: stored flags '{flags}', urgency {urgency:?}, next change {next:?}, \
                     next action {action:?}; fresh '{fresh_flags}', {:?}, {:?}, {fresh_action:?}",
                    (fresh.urgency.rank, fresh.urgency.due),
                    fresh.next_change.map(millis)
                ));
            }
        }
        Ok(problems)
    }

    /// Runs `f` in one transaction: all of it is written, or none.
    pub fn in_transaction<T>(&mut self, f: impl FnOnce(&mut Writer) -> Result<T>) -> Result<T> {
        self.writable()?;
        // Room for the pages a large import touches, so that none is written
        // out twice (the cache spilling mid-transaction).
        self.with_large_cache(|store| store.in_transaction_here(f))
    }

    fn in_transaction_here<T>(&mut self, f: impl FnOnce(&mut Writer) -> Result<T>) -> Result<T> {
        // A setup the writer changed is read again after, kept or rolled back.
        let _fresh = super::sla_cache::ForgetAfter::new(&self.sla_cache);
        let tx = super::write_tx(&mut self.conn)?;
        // On a server, new cases' rows go in bulk (see server_rows.rs).
        if let Some(pg) = tx.postgres() {
            pg.begin_bulk();
        }
        let mut w = Writer {
            conn: &tx,
            thresholds: &self.thresholds,
            rates: &self.summary_rates,
            sla_cache: &self.sla_cache,
            allow_future: self.allow_future,
            deferred: Vec::new(),
        };
        let out = f(&mut w)?;
        let deferred = std::mem::take(&mut w.deferred);
        flush_notes(&tx)?;
        if !deferred.is_empty() {
            // Indexes an import into an empty file dropped are built again,
            // each in one sorted pass, before anything is committed. SQLite
            // sorts in as much memory as the page cache may hold, beside
            // it: a smaller cache for the sorts keeps the two under the
            // import's peak (the pages it lets go were to be written at the
            // commit anyway).
            if let Some(file) = tx.sqlite() {
                file.pragma_update(None, "cache_size", INDEX_BUILD_CACHE_KIB)?;
            }
            for sql in deferred {
                tx.execute_batch(&sql)?;
            }
        }
        tx.commit()?;
        Ok(out)
    }
}

/// The case an incoming one is: by uid, else by ref.
pub(super) const EXISTING_CASE: &str =
    "SELECT coalesce((SELECT id FROM cases WHERE uid = ?1 AND ?1 <> ''),
                     (SELECT id FROM cases WHERE ref = ?2))";

/// Indexes that nothing a write reads (they order and filter the triage
/// table, the reports and searches), on the tables an import fills: an
/// import into a file without cases drops them at its start and builds each
/// again in one sorted pass before it commits (`Writer::defer_indexes`), which
/// is cheaper than keeping them in order row by row as the cases go in
/// (their keys are scattered: opening times, statuses, urgency). An index
/// not named here is kept as it is.
const DEFERRABLE_INDEXES: &[&str] = &[
    "cases_vendor",
    "cases_status_opened",
    "cases_opened",
    "cases_category",
    "cases_last_channel",
    "cases_marketplace",
    "cases_next_change",
    "cases_sla_state",
    "cases_sla_time_left",
    "cases_urgency",
    "case_tags_tag",
    "case_flags_pattern",
    "touchpoints_channel",
];

/// Writes inside one transaction (imports, demo loading).
pub struct Writer<'a> {
    pub(super) conn: &'a Connection,
    pub(super) thresholds: &'a Thresholds,
    pub(super) rates: &'a SummaryRates,
    pub(super) sla_cache: &'a SetupCache,
    allow_future: bool,
    /// The statements that build the indexes `defer_indexes` dropped.
    deferred: Vec<String>,
}

impl Writer<'_> {
    /// When the file holds no case yet (an import into a new file), drops
    /// the indexes no write reads (`DEFERRABLE_INDEXES`); the transaction
    /// builds them again before it commits, and a transaction rolled back
    /// (a bad record, a dry run) keeps them as they were. Into a file that
    /// holds cases it does nothing: building its indexes again would cost
    /// more than the cases an import adds. Returns whether it dropped them.
    pub fn defer_indexes(&mut self) -> Result<bool> {
        if !self.deferred.is_empty() {
            return Ok(true);
        }
        // A file's schema is read from SQLite's own table; a server builds
        // its indexes as rows come.
        if self.conn.sqlite().is_none() {
            return Ok(false);
        }
        let empty: bool =
            self.conn
                .query_row("SELECT NOT EXISTS (SELECT 1 FROM cases)", [], |r| r.get(0))?;
        if !empty {
            return Ok(false);
        }
        let indexes: Vec<(String, String)> = self
            .conn
            .prepare(
                "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (name, sql) in indexes {
            if DEFERRABLE_INDEXES.contains(&name.as_str()) {
                self.conn.execute_batch(&format!("DROP INDEX \"{name}\""))?;
                self.deferred.push(sql);
            }
        }
        Ok(!self.deferred.is_empty())
    }

    /// Takes in a case by its uid or ref: new ones are created (keeping their
    /// history when given), known ones get the changed fields and any new
    /// touches; nothing is ever deleted. Importing the same case twice changes nothing.
    pub fn merge_case(
        &mut self,
        case: Case,
        touches: Vec<Touchpoint>,
        history: Option<&[EventText]>,
        now: DateTime<Utc>,
    ) -> Result<Merge> {
        self.merge_ready(case, touches, history, None, now)
    }

    /// `merge_case` with the summary a new case would have, made beforehand
    /// (see `Summarizer`): used when it still holds.
    pub fn merge_ready(
        &mut self,
        mut case: Case,
        mut touches: Vec<Touchpoint>,
        history: Option<&[EventText]>,
        ready: Option<ReadySummary>,
        now: DateTime<Utc>,
    ) -> Result<Merge> {
        case.validate()?;
        in_time_order(&mut touches);
        // By uid, else by ref: one statement (an import asks it per case).
        let existing: Option<i64> = match super::server_rows::bulk(self.conn) {
            Some(pg) => super::server_rows::existing_case(self.conn, pg, &case)?,
            None => self
                .conn
                .prepare_cached(EXISTING_CASE)?
                .query_row(params![case.uid, case.reference], |r| r.get(0))?,
        };
        let Some(id) = existing else {
            return Ok(Merge::Created(insert_case(
                self.conn,
                case,
                touches,
                history,
                ready,
                now,
                self.thresholds,
                self.rates,
                self.sla_cache,
                self.allow_future,
            )?));
        };
        let old = load_case(self.conn, id)?;
        let clock = WriteClock {
            now,
            allow_future: self.allow_future,
        };
        let before = time_problems(&old, &load_touches(self.conn, id)?, clock);
        case.id = id;
        case.uid = old.uid.clone();
        // A vendor written in other letters or through an alias is the
        // vendor already kept: compare under the name it is kept as.
        names_as_stored(self.conn, &mut case, &mut touches)?;
        let mut changed = update_case_fields(self.conn, &old, &case, now)?;
        let known = load_touches(self.conn, id)?;
        let mut taken = vec![false; known.len()];
        for mut t in touches {
            t.validate()?;
            // The same touch if one is kept as it is, else the same contact
            // with other details; each kept touch answers one incoming touch.
            let found = (0..known.len())
                .find(|&i| !taken[i] && same_touch(&known[i], &t))
                .or_else(|| (0..known.len()).find(|&i| !taken[i] && same_contact(&known[i], &t)));
            if let Some(i) = found {
                taken[i] = true;
            }
            match found.map(|i| &known[i]) {
                Some(k) => {
                    t.id = k.id;
                    if *k != t {
                        write_touch_row(self.conn, id, &t, false)?;
                        append(
                            self.conn,
                            id,
                            &touch_event("touch_changed", &t, Some(k), now),
                        )?;
                        changed += 1;
                    }
                }
                None => {
                    t.id = 0;
                    t.id = write_touch_row(self.conn, id, &t, true)?;
                    append(self.conn, id, &touch_event("touch_added", &t, None, now))?;
                    changed += 1;
                }
            }
        }
        if changed == 0 {
            return Ok(Merge::Unchanged(id));
        }
        let merged = load_case(self.conn, id)?;
        let after = time_problems(&merged, &load_touches(self.conn, id)?, clock);
        refuse_new_problems(&before, after)?;
        refresh_summary(
            self.conn,
            id,
            now,
            self.thresholds,
            self.rates,
            self.sla_cache,
        )?;
        Ok(Merge::Updated(id))
    }

    /// Says which cases come next (as `merge_case` will be given them, in
    /// any order): on a server, whether they are new is asked for all of
    /// them at once, and the rows written so far go meanwhile. Nothing on
    /// a file, which has no round trips to save.
    pub fn expect(&mut self, cases: &[&Case]) -> Result<()> {
        match super::server_rows::bulk(self.conn) {
            Some(pg) => super::server_rows::expect_cases(pg, cases),
            None => Ok(()),
        }
    }

    /// How many cases to give `expect` at a time, of up to `most`: all of
    /// them on a server writing in bulk, one on a file (which gains nothing
    /// from it, and whose import reads the next cases while it writes).
    pub fn batch_size(&self, most: usize) -> usize {
        match super::server_rows::bulk(self.conn) {
            Some(_) => most,
            None => 1,
        }
    }

    pub fn add_vendor_alias(&mut self, vendor: &str, alias: &str) -> Result<()> {
        let id = vendor_id(self.conn, vendor)?;
        self.conn.execute(
            "INSERT INTO vendor_aliases (alias_key, alias, vendor_id) VALUES (?1, ?2, ?3)
             ON CONFLICT(alias_key) DO UPDATE SET vendor_id = excluded.vendor_id, alias = excluded.alias",
            params![super::vendors::name_key(alias), alias.trim(), id],
        )?;
        Ok(())
    }
}

impl Writer<'_> {
    /// What this writer computes a case's summary with at `now`, with the
    /// setup as written so far in its transaction.
    pub fn summarizer(&self, now: DateTime<Utc>) -> Result<Summarizer> {
        Ok(Summarizer::new(
            now,
            self.thresholds.clone(),
            self.rates.clone(),
            self.sla_cache.get(self.conn)?,
        ))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn runs(conn: &Connection) -> Vec<(i64, i64)> {
        let mut stmt = conn
            .prepare("SELECT first, last FROM temp.pending_notes ORDER BY first")
            .unwrap();
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        rows.map(|r| r.unwrap()).collect()
    }

    /// A run that would overlap one already queued is queued id by id, only
    /// the ids not yet queued: a note indexed twice damages the index.
    #[test]
    fn queued_runs_of_notes_never_overlap() {
        let store = Store::in_memory().unwrap();
        let conn = &store.conn;
        queue_notes(conn, 10, 15).unwrap();
        queue_notes(conn, 13, 17).unwrap();
        queue_note(conn, 12).unwrap();
        queue_notes(conn, 5, 10).unwrap();
        queue_notes(conn, 20, 20).unwrap();
        assert_eq!(
            runs(conn),
            [
                (5, 5),
                (6, 6),
                (7, 7),
                (8, 8),
                (9, 9),
                (10, 15),
                (16, 16),
                (17, 17),
                (20, 20)
            ]
        );
        for id in 5..=17 {
            assert!(is_queued(conn, id).unwrap(), "{id}");
        }
        for id in [4, 18, 19, 21] {
            assert!(!is_queued(conn, id).unwrap(), "{id}");
        }
    }

    #[test]
    fn a_new_case_s_touches_are_queued_as_runs_of_consecutive_ids() {
        let store = Store::in_memory().unwrap();
        let touch = |id| {
            Touchpoint {
            id,
            ..serde_json::from_str(
                r#"{"at":"2026-01-01T00:00:00Z","channel":"phone","from":"customer","outcome":"sent"}"#,
            )
            .unwrap()
        }
        };
        let touches: Vec<Touchpoint> = [7, 3, 4, 5, 9, 8].into_iter().map(touch).collect();
        queue_touch_notes(&store.conn, &touches).unwrap();
        assert_eq!(runs(&store.conn), [(3, 5), (7, 9)]);
    }
}
