//! Cases and touchpoints: every write is one transaction that also appends
//! its events and refreshes the case's stored summary and flags.

use super::db::{params, Connection, OptionalExtension};
use super::events::{append, append_text, Event, EventText};
use super::note_index::{flush_notes, is_queued, queue_note, queue_touch_notes, unindex_note};
use super::row_values::{case_values, touch_values, CASE_COLS, TOUCH_COLS};
use super::rows::*;
use super::sla_cache::SetupCache;
use super::summary::{labelled, summary_of, ReadySummary, Summary, SummaryRates, SUMMARY_COLUMNS};
use super::vendors::vendor_id;
use super::{Result, Store, StoreError};
use crate::domain::friction::Thresholds;
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
    let now = derived_clock(conn, now)?;
    let s = summary_of(case, touches, now, th, rates, sla.as_deref());
    super::summary::write(conn, case, &s, false, false)
}

/// The clock a write's derived data is made at, and from then on the one
/// the file's derived data is as of (`derived_at`): the write's own clock,
/// or the file's when that is later. A write made with an earlier clock
/// (`--as-of` in the past, a teammate's machine set behind) never takes a
/// case's stored flags, service levels and figures back to it: they would
/// disagree with every other case's and with a fresh measure (a resolution
/// kept as met that took longer than its target, measured before the
/// resolution had come).
pub(super) fn derived_clock(conn: &Connection, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let kept: Option<i64> = conn
        .prepare_cached("SELECT value FROM meta WHERE key = 'derived_at'")?
        .query_row([], |r| r.get::<_, String>(0))
        .optional()?
        .and_then(|v| v.parse().ok());
    match kept {
        Some(d) if d >= now.timestamp_millis() => Ok(crate::domain::time::from_millis(d)),
        _ => {
            conn.prepare_cached(
                "INSERT INTO meta (key, value) VALUES ('derived_at', ?1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?
            .execute([now.timestamp_millis().to_string()])?;
            Ok(now)
        }
    }
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
pub(super) fn same_touch(kept: &Touchpoint, t: &Touchpoint) -> bool {
    Touchpoint {
        id: kept.id,
        ..t.clone()
    } == *kept
}

/// The case's vendor, marketplace and touch parties under the names the
/// store keeps them as (a name in other letters or an alias is that vendor).
pub(super) fn names_as_stored(
    conn: &Connection,
    case: &mut Case,
    touches: &mut [Touchpoint],
) -> Result<()> {
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
pub(super) fn same_contact(a: &Touchpoint, b: &Touchpoint) -> bool {
    a.at == b.at && a.channel == b.channel && a.started_by == b.started_by && a.outcome == b.outcome
}

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
}
