//! The audit trail read back, and changes taken back through it: deleting
//! and restoring a case or a touch, and undoing a range of a case's events.
//! Nothing here edits an old event: every restore and undo is a new write
//! with events of its own, so the trail tells what happened, undo included.

use super::cases::{
    insert_case, load_case, load_touches, refresh_summary, to_json, touch_event,
    update_case_fields, write_touch_row,
};
use super::db::{Connection, OptionalExtension};
use super::edits::Clash;
use super::event_value::StoredText;
use super::events::{append, Event, EventText, UNDO};
use super::note_index::{flush_notes, unindex_note};
use super::summary::SummaryRates;
use super::{write_tx, Result, Store, StoreError};
use crate::domain::time::from_millis;
use crate::domain::{Case, Touchpoint};
use chrono::{DateTime, Utc};
use serde_json::Value;

/// One event with its number in the trail.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Numbered {
    pub id: i64,
    #[serde(flatten)]
    pub event: Event,
    /// Written by an undo (`u` in the app), as a marker after it says.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub undo: bool,
}

fn event_from_row(r: &super::db::Row) -> rusqlite::Result<Numbered> {
    Ok(Numbered {
        id: r.get(0)?,
        event: Event {
            at: from_millis(r.get(1)?),
            kind: r.get(2)?,
            touchpoint: r.get(3)?,
            field: r.get(4)?,
            old: r.get::<_, StoredText>(5)?.json(),
            new: r.get::<_, StoredText>(6)?.json(),
            actor: r.get(7)?,
        },
        undo: false,
    })
}

const EVENT_COLUMNS: &str = "id, at, kind, touchpoint_id, field, old_value, new_value, actor";

/// A case's events after `after` and up to `upto`, newest first.
fn events_between(conn: &Connection, case_id: i64, after: i64, upto: i64) -> Result<Vec<Numbered>> {
    let sql = format!(
        "SELECT {EVENT_COLUMNS} FROM events WHERE case_id = ?1 AND id > ?2 AND id <= ?3 ORDER BY id DESC"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([case_id, after, upto], event_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn nothing_to_restore(what: String) -> StoreError {
    StoreError::Invalid(crate::domain::case::Invalid {
        field: "restore",
        reason: what,
    })
}

/// Deletes a case with its touches; the event keeps all of it.
fn delete_case_in(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<()> {
    let case = load_case(conn, id)?;
    let touches = load_touches(conn, id)?;
    for t in &touches {
        unindex_note(conn, t.id, &t.note)?;
    }
    let mut kept = to_json(&Case { id: 0, ..case });
    if let Some(obj) = kept.as_object_mut() {
        obj.insert("touchpoints".into(), to_json(&touches));
    }
    append(
        conn,
        id,
        &Event {
            at: now,
            kind: "case_deleted".into(),
            touchpoint: None,
            field: None,
            old: Some(kept),
            new: None,
            actor: None,
        },
    )?;
    conn.execute("DELETE FROM cases WHERE id = ?1", [id])?;
    Ok(())
}

/// Brings back the newest deletion of a case, under its old id when free.
fn restore_case_in(
    conn: &Connection,
    id: i64,
    now: DateTime<Utc>,
    th: &crate::domain::friction::Thresholds,
    rates: &SummaryRates,
    sla: &super::sla_cache::SetupCache,
) -> Result<i64> {
    let kept: Option<String> = conn
        .query_row(
            "SELECT old_value FROM events WHERE case_id = ?1 AND kind = 'case_deleted' ORDER BY id DESC LIMIT 1",
            [id],
            |r| Ok(r.get::<_, StoredText>(0)?.0),
        )
        .optional()?
        .flatten();
    let exists: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM cases WHERE id = ?1)",
        [id],
        |r| r.get(0),
    )?;
    let Some(kept) = kept.filter(|_| !exists) else {
        return Err(nothing_to_restore(format!("case {id} was not deleted")));
    };
    let mut value: Value =
        serde_json::from_str(&kept).map_err(|e| StoreError::Migration(e.to_string()))?;
    let touches: Vec<Touchpoint> = value
        .as_object_mut()
        .and_then(|o| o.remove("touchpoints"))
        .map(serde_json::from_value)
        .transpose()
        .map_err(|e| StoreError::Migration(e.to_string()))?
        .unwrap_or_default();
    let mut case: Case =
        serde_json::from_value(value).map_err(|e| StoreError::Migration(e.to_string()))?;
    case.id = id;
    let restored = Event {
        at: now,
        kind: "case_restored".into(),
        touchpoint: None,
        field: None,
        old: None,
        new: Some(Value::String(format!("restored from event of case {id}"))),
        actor: None,
    };
    insert_case(
        conn,
        case,
        touches,
        Some(&[EventText::by_writer(restored)]),
        None,
        now,
        th,
        rates,
        sla,
        // A case comes back as it was deleted, whenever its times lie.
        true,
    )
}

/// Brings back a deleted touch under its old id.
fn restore_touch_in(conn: &Connection, touch_id: i64, now: DateTime<Utc>) -> Result<i64> {
    let found: Option<(i64, String)> = conn
        .query_row(
            "SELECT case_id, old_value FROM events WHERE touchpoint_id = ?1 AND kind = 'touch_deleted' ORDER BY id DESC LIMIT 1",
            [touch_id],
            |r| Ok((r.get(0)?, r.get::<_, StoredText>(1)?.0.unwrap_or_default())),
        )
        .optional()?;
    let exists: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM touchpoints WHERE id = ?1)",
        [touch_id],
        |r| r.get(0),
    )?;
    let Some((case_id, old)) = found.filter(|_| !exists) else {
        return Err(nothing_to_restore(format!(
            "touch #{touch_id} was not deleted"
        )));
    };
    load_case(conn, case_id)?;
    let mut touch: Touchpoint =
        serde_json::from_str(&old).map_err(|e| StoreError::Migration(e.to_string()))?;
    touch.id = touch_id;
    write_touch_row(conn, case_id, &touch, true)?;
    append(
        conn,
        case_id,
        &touch_event("touch_restored", &touch, None, now),
    )?;
    Ok(case_id)
}

fn clash(field: &str, theirs: Option<Value>, yours: Option<Value>) -> StoreError {
    StoreError::Changed {
        what: "the change to undo".into(),
        clashes: vec![Clash {
            field: field.to_string(),
            theirs,
            yours,
        }],
    }
}

/// Same record, ids aside.
fn same_touch(a: &Touchpoint, b: &Value) -> bool {
    let mut a = to_json(a);
    if let Some(o) = a.as_object_mut() {
        o.remove("id");
    }
    &a == b
}

impl Store {
    /// The newest event's number (0 for an empty trail).
    pub fn last_event_id(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT coalesce(max(id), 0) FROM events", [], |r| r.get(0))?)
    }

    /// The id a deleted case had, by that id, its ref or its uid.
    pub fn deleted_case_id(&self, key: &str) -> Result<Option<i64>> {
        let key = key.trim().trim_start_matches('#');
        Ok(self
            .conn
            .query_row(
                "SELECT case_id FROM events WHERE kind = 'case_deleted'
                   AND (CAST(case_id AS TEXT) = ?1 OR json_extract(old_value, '$.ref') = ?1
                        OR json_extract(old_value, '$.uid') = ?1)
                 ORDER BY id DESC LIMIT 1",
                [key],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// A case's whole trail, oldest first, also after the case was deleted.
    pub fn history(&self, case_id: i64) -> Result<Vec<Numbered>> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE case_id = ?1 ORDER BY id");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([case_id], event_from_row)?;
        let mut events: Vec<Numbered> = rows.collect::<rusqlite::Result<_>>()?;
        let undone = super::undo_ranges(events.iter().map(|n| &n.event));
        for n in &mut events {
            n.undo = n.event.kind == UNDO || undone.iter().any(|(a, b)| (*a..=*b).contains(&n.id));
        }
        Ok(events)
    }

    /// Deletes a case and its touches; `restore_case` brings them back.
    pub fn delete_case(&mut self, id: i64, now: DateTime<Utc>) -> Result<()> {
        self.writable()?;
        let tx = write_tx(&mut self.conn)?;
        delete_case_in(&tx, id, now)?;
        flush_notes(&tx)?;
        tx.commit()?;
        Ok(())
    }

    /// Restores a deleted case (by the id it had); returns its id now.
    pub fn restore_case(&mut self, id: i64, now: DateTime<Utc>) -> Result<i64> {
        self.writable()?;
        let tx = write_tx(&mut self.conn)?;
        let new_id = restore_case_in(
            &tx,
            id,
            now,
            &self.thresholds,
            &self.summary_rates,
            &self.sla_cache,
        )?;
        flush_notes(&tx)?;
        tx.commit()?;
        Ok(new_id)
    }

    /// Restores a deleted touch; returns its case.
    pub fn restore_touch(&mut self, touch_id: i64, now: DateTime<Utc>) -> Result<i64> {
        self.writable()?;
        let tx = write_tx(&mut self.conn)?;
        let case_id = restore_touch_in(&tx, touch_id, now)?;
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
        Ok(case_id)
    }

    /// Takes back a case's events numbered after `after` up to `upto`,
    /// newest first, in one transaction, by writing their opposites. A field
    /// or touch changed again since is not put back: the whole undo fails
    /// with what changed. Returns how many events were taken back.
    pub fn undo(
        &mut self,
        case_id: i64,
        after: i64,
        upto: i64,
        now: DateTime<Utc>,
    ) -> Result<usize> {
        self.writable()?;
        let tx = write_tx(&mut self.conn)?;
        let events = events_between(&tx, case_id, after, upto)?;
        let newest = |tx: &super::db::Transaction| -> Result<i64> {
            Ok(tx.query_row("SELECT COALESCE(MAX(id), 0) FROM events", [], |r| r.get(0))?)
        };
        let before_undo = newest(&tx)?;
        let mut case_gone = false;
        for Numbered { event: e, .. } in &events {
            match e.kind.as_str() {
                "created" | "case_restored" => {
                    delete_case_in(&tx, case_id, now)?;
                    case_gone = true;
                }
                "case_deleted" => {
                    restore_case_in(
                        &tx,
                        case_id,
                        now,
                        &self.thresholds,
                        &self.summary_rates,
                        &self.sla_cache,
                    )?;
                }
                "field_changed" | "status_changed" => {
                    let Some(field) = e.field.as_deref() else {
                        continue;
                    };
                    let current = load_case(&tx, case_id)?;
                    let mut value = to_json(&current);
                    let Some(obj) = value.as_object_mut() else {
                        continue;
                    };
                    if obj.get(field) != e.new.as_ref() {
                        return Err(clash(field, obj.get(field).cloned(), e.old.clone()));
                    }
                    match &e.old {
                        Some(v) if !v.is_null() => obj.insert(field.to_string(), v.clone()),
                        _ => obj.remove(field),
                    };
                    let mut back: Case = serde_json::from_value(value)
                        .map_err(|err| StoreError::Migration(err.to_string()))?;
                    back.id = current.id;
                    back.uid = current.uid.clone();
                    update_case_fields(&tx, &current, &back, now)?;
                }
                "touch_added" | "touch_restored" => {
                    let Some(tid) = e.touchpoint else { continue };
                    let Some(t) = load_touches(&tx, case_id)?
                        .into_iter()
                        .find(|t| t.id == tid)
                    else {
                        continue;
                    };
                    if let Some(new) = &e.new {
                        if !same_touch(&t, new) {
                            return Err(clash(&format!("touch #{tid}"), Some(to_json(&t)), None));
                        }
                    }
                    unindex_note(&tx, tid, &t.note)?;
                    tx.execute("DELETE FROM touchpoints WHERE id = ?1", [tid])?;
                    append(
                        &tx,
                        case_id,
                        &touch_event("touch_deleted", &t, Some(&t), now),
                    )?;
                }
                "touch_changed" => {
                    let (Some(tid), Some(old), Some(new)) = (e.touchpoint, &e.old, &e.new) else {
                        continue;
                    };
                    let Some(t) = load_touches(&tx, case_id)?
                        .into_iter()
                        .find(|t| t.id == tid)
                    else {
                        continue;
                    };
                    if !same_touch(&t, new) {
                        return Err(clash(
                            &format!("touch #{tid}"),
                            Some(to_json(&t)),
                            Some(old.clone()),
                        ));
                    }
                    let mut back: Touchpoint = serde_json::from_value(old.clone())
                        .map_err(|err| StoreError::Migration(err.to_string()))?;
                    back.id = tid;
                    write_touch_row(&tx, case_id, &back, false)?;
                    append(
                        &tx,
                        case_id,
                        &touch_event("touch_changed", &back, Some(&t), now),
                    )?;
                }
                "touch_deleted" => {
                    if let Some(tid) = e.touchpoint {
                        restore_touch_in(&tx, tid, now)?;
                    }
                }
                _ => {}
            }
        }
        // The trail says which events were an undo, and of what: a marker
        // after them (`history` marks the events it names as undo).
        let wrote = newest(&tx)?;
        append(
            &tx,
            case_id,
            &Event {
                at: now,
                kind: UNDO.into(),
                touchpoint: None,
                field: None,
                old: Some(serde_json::json!([after + 1, upto])),
                new: Some(serde_json::json!([before_undo + 1, wrote])),
                actor: None,
            },
        )?;
        if !case_gone {
            refresh_summary(
                &tx,
                case_id,
                now,
                &self.thresholds,
                &self.summary_rates,
                &self.sla_cache,
            )?;
        }
        flush_notes(&tx)?;
        tx.commit()?;
        Ok(events.len())
    }
}
