//! The audit trail: every change appends an event; none is ever changed.

use super::db::{params, Connection, Engine, Row};
use super::event_value::{KeptValue, StoredText};
use super::{Result, Store};
use crate::domain::as_of::{resolutions_before_reopening, FieldChange};
use crate::domain::time::from_millis;
use crate::domain::Case;
use chrono::{DateTime, Utc};
use rusqlite::types::Value as SqlValue;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;

/// One change, with the old and new value (JSON text, or null), and who
/// made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub at: DateTime<Utc>,
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub touchpoint: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(default)]
    pub old: Option<Value>,
    #[serde(default)]
    pub new: Option<Value>,
    /// Who wrote it, as the trail says: the operating-system user on a file,
    /// the database role on a server; `None` (null) when unknown (written
    /// before casebook recorded it, or imported without one). A new event is
    /// written as whoever writes it (see [`Actor`]), whatever this says.
    #[serde(default)]
    pub actor: Option<String>,
}

/// Who an event is written as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// Whoever writes it now: the operating-system user on a file
    /// (`os_user::login_name`), the session's role on a server
    /// (`session_user`, never a name the client says).
    Writer,
    /// As an imported trail says (`None`: unknown, and it stays unknown).
    Given(Option<String>),
}

/// The actor as `history` and the app show it.
pub fn shown_actor(actor: Option<&str>) -> &str {
    actor.unwrap_or("unknown")
}

/// The kind of the marker an undo appends after its events: `old` holds the
/// first and last event it took back, `new` the first and last it wrote.
pub const UNDO: &str = "undo";

/// The events of a trail that an undo wrote, by the markers among them:
/// (first id, last id) of each undo's own events.
pub fn undo_ranges<'a>(events: impl IntoIterator<Item = &'a Event>) -> Vec<(i64, i64)> {
    events
        .into_iter()
        .filter(|e| e.kind == UNDO)
        .filter_map(|e| {
            let pair = e.new.as_ref()?.as_array()?;
            Some((pair.first()?.as_i64()?, pair.get(1)?.as_i64()?))
        })
        .collect()
}

impl Event {
    /// Who wrote it, as shown: `unknown` when the trail does not say.
    pub fn shown_actor(&self) -> &str {
        shown_actor(self.actor.as_deref())
    }

    /// One line saying what the event did, for the timeline and `history`.
    pub fn summary(&self) -> String {
        let value = |v: &Option<Value>| match v {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => "—".into(),
            Some(other) => other.to_string(),
        };
        let touch = self.touchpoint.unwrap_or(0);
        match (self.kind.as_str(), &self.field) {
            ("created", _) => "case logged".into(),
            ("status_changed", _) => format!("status {} → {}", value(&self.old), value(&self.new)),
            ("field_changed", Some(f)) => {
                format!("{f}: {} → {}", value(&self.old), value(&self.new))
            }
            ("touch_added", _) => format!("touch #{touch} logged"),
            ("touch_changed", _) => format!("touch #{touch} edited"),
            ("touch_deleted", _) => format!("touch #{touch} deleted"),
            ("touch_restored", _) => format!("touch #{touch} restored"),
            ("case_deleted", _) => "case deleted (casebook restore brings it back)".into(),
            ("case_restored", _) => "case restored".into(),
            (UNDO, _) => {
                let range = |v: &Option<Value>| {
                    let pair = v.as_ref().and_then(Value::as_array);
                    let n = |i: usize| pair.and_then(|p| p.get(i)).and_then(Value::as_i64);
                    match (n(0), n(1)) {
                        (Some(a), Some(b)) if a == b => format!("#{a}"),
                        (Some(a), Some(b)) => format!("#{a}–#{b}"),
                        _ => "?".into(),
                    }
                };
                format!("undo (u): took back event(s) {}", range(&self.old))
            }
            (kind, _) => kind.replace('_', " "),
        }
    }
}

/// An event as export writes it: its values the JSON text they were kept
/// as, not parsed and written again (the same bytes as a parsed `Event`
/// gives for every value casebook wrote, which is compact serde_json text;
/// the same JSON for any other). Serialized as `Event` is.
#[derive(Debug, Serialize)]
pub struct RawEvent {
    pub at: DateTime<Utc>,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub touchpoint: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub old: Option<Box<RawValue>>,
    pub new: Option<Box<RawValue>>,
    pub actor: Option<String>,
}

/// A value's text as raw JSON; text that is not JSON as a JSON string, as
/// `StoredText::json` reads it.
fn raw(text: Option<String>) -> rusqlite::Result<Option<Box<RawValue>>> {
    let Some(text) = text else {
        return Ok(None);
    };
    match RawValue::from_string(text.clone()) {
        Ok(v) => Ok(Some(v)),
        Err(_) => serde_json::value::to_raw_value(&text)
            .map(Some)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e))),
    }
}

/// An event with its old and new values already as the events table keeps
/// them (JSON text, packed when large): an import makes it on its reading
/// thread, so that the writing one only writes.
#[derive(Debug, Clone, PartialEq)]
pub struct EventText {
    pub at: DateTime<Utc>,
    pub kind: String,
    pub touchpoint: Option<i64>,
    pub field: Option<String>,
    pub old: Option<KeptValue>,
    pub new: Option<KeptValue>,
    pub actor: Actor,
}

/// An event of a trail read from a file: written as by the actor it names.
impl From<Event> for EventText {
    fn from(e: Event) -> Self {
        let kept = |v: Value| KeptValue::of(&e.kind, v.to_string());
        EventText {
            old: e.old.map(kept),
            new: e.new.map(kept),
            at: e.at,
            kind: e.kind,
            touchpoint: e.touchpoint,
            field: e.field,
            actor: Actor::Given(e.actor),
        }
    }
}

impl EventText {
    /// A new event, written as by whoever writes it.
    pub fn by_writer(e: Event) -> Self {
        EventText {
            actor: Actor::Writer,
            ..e.into()
        }
    }
}

pub fn append(conn: &Connection, case_id: i64, e: &Event) -> Result<()> {
    // A server keeps every value as text (and compresses large ones itself).
    let server = conn.postgres().is_some();
    let kept = |v: &Value| match server {
        true => KeptValue::Text(v.to_string()),
        false => KeptValue::of(&e.kind, v.to_string()),
    };
    let (old, new) = (e.old.as_ref().map(kept), e.new.as_ref().map(kept));
    insert(
        conn,
        case_id,
        e.at,
        &e.kind,
        e.touchpoint,
        e.field.as_deref(),
        old.as_ref(),
        new.as_ref(),
        &Actor::Writer,
    )
}

/// Appends an event about `touchpoint` (the touch's id in this file, which
/// may differ from the one the event carries from an imported file), as by
/// the actor it says.
pub fn append_text(
    conn: &Connection,
    case_id: i64,
    e: &EventText,
    touchpoint: Option<i64>,
) -> Result<()> {
    let (old, new) = (e.old.as_ref(), e.new.as_ref());
    insert(
        conn,
        case_id,
        e.at,
        &e.kind,
        touchpoint,
        e.field.as_deref(),
        old,
        new,
        &e.actor,
    )
}

#[allow(clippy::too_many_arguments)] // the columns of an event
fn insert(
    conn: &Connection,
    case_id: i64,
    at: DateTime<Utc>,
    kind: &str,
    touchpoint: Option<i64>,
    field: Option<&str>,
    old: Option<&KeptValue>,
    new: Option<&KeptValue>,
    actor: &Actor,
) -> Result<()> {
    if let Some(pg) = conn.postgres().filter(|pg| pg.bulk()) {
        // In bulk, with the next id (see server_rows.rs).
        let text = |v: Option<&KeptValue>| -> Result<SqlValue> {
            Ok(match v {
                Some(v) => SqlValue::Text(v.text().map_err(super::StoreError::Server)?),
                None => SqlValue::Null,
            })
        };
        let values = [
            at.timestamp_millis().into(),
            case_id.into(),
            touchpoint.into(),
            kind.to_string().into(),
            field.map(str::to_string).into(),
            text(old)?,
            text(new)?,
        ];
        let given = match actor {
            Actor::Writer => None,
            Actor::Given(name) => Some(name.clone()),
        };
        return super::server_rows::defer_event(pg, values, given);
    }
    // A server keeps every value as text (and compresses large ones itself).
    let unpacked = |v: Option<&KeptValue>| -> Result<Option<KeptValue>> {
        match v {
            Some(packed @ KeptValue::Packed(_)) if conn.postgres().is_some() => Ok(Some(
                KeptValue::Text(packed.text().map_err(super::StoreError::Server)?),
            )),
            other => Ok(other.cloned()),
        }
    };
    let (old, new) = (unpacked(old)?, unpacked(new)?);
    // On a server the writer is the session's role, which the server says
    // itself; on a file, the operating-system user. An imported event keeps
    // the actor its file gives, unknown included.
    let (sql, actor) = match (actor, conn.engine()) {
        (Actor::Writer, Engine::Postgres) => (INSERT_BY_ROLE, None),
        (Actor::Writer, Engine::Sqlite) => (INSERT, crate::os_user::login_name()),
        (Actor::Given(name), _) => (INSERT, name.clone()),
    };
    conn.prepare_cached(sql)?.execute(params![
        at.timestamp_millis(),
        case_id,
        touchpoint,
        kind,
        field,
        old,
        new,
        actor
    ])?;
    Ok(())
}

const INSERT: &str =
    "INSERT INTO events (at, case_id, touchpoint_id, kind, field, old_value, new_value, actor)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

/// PostgreSQL only: `?8` is NULL, and the role is the server's to say.
const INSERT_BY_ROLE: &str =
    "INSERT INTO events (at, case_id, touchpoint_id, kind, field, old_value, new_value, actor)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, COALESCE(?8, session_user))";

/// An event that changed one of a case's timed fields (a literal, for
/// `concat!`).
macro_rules! timed_change {
    () => {
        "kind IN ('status_changed', 'field_changed')
         AND field IN ('status', 'resolved_at', 'closed_at', 'outcome', 'reopens')"
    };
}
const TIMED_CHANGE: &str = timed_change!();

/// A case's recorded changes to the fields that depend on when it is looked
/// at (status, resolution, closing, outcome, reopens), oldest first.
pub(super) fn timed_changes(conn: &Connection, case_id: i64) -> Result<Vec<FieldChange>> {
    let mut stmt = conn.prepare_cached(concat!(
        "SELECT at, field, old_value, new_value FROM events WHERE case_id = ?1 AND ",
        timed_change!(),
        " ORDER BY id"
    ))?;
    let rows = stmt.query_map([case_id], |r| field_change(r, 0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A change to a timed field from a row of (at, field, old, new) starting at `o`.
pub(super) fn field_change(r: &Row, o: usize) -> rusqlite::Result<FieldChange> {
    Ok(FieldChange {
        at: from_millis(r.get(o)?),
        field: r.get(o + 1)?,
        old: r.get::<_, StoredText>(o + 2)?.json(),
        new: r.get::<_, StoredText>(o + 3)?.json(),
    })
}

/// Fills in what the trail says of a case's timed fields: when it last
/// changed one, and when a reopened case was resolved before.
pub(super) fn with_past_resolutions(conn: &Connection, case: &mut Case) -> Result<()> {
    if case.reopens > 0 {
        with_timed_changes(case, &timed_changes(conn, case.id)?);
        return Ok(());
    }
    let at: Option<i64> = conn
        .prepare_cached(concat!(
            "SELECT max(at) FROM events WHERE case_id = ?1 AND ",
            timed_change!()
        ))?
        .query_row([case.id], |r| r.get(0))?;
    case.changed_at = at.map(from_millis);
    Ok(())
}

/// When each of the cases `ids` last changed a timed field (ms), for those
/// that ever did: `with_past_resolutions`'s `changed_at` for many cases in
/// one statement.
pub(super) fn last_timed_changes(
    conn: &Connection,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, i64>> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let sql = format!(
        "SELECT case_id, max(at) FROM events WHERE case_id IN ({}) AND {TIMED_CHANGE}
         GROUP BY case_id",
        super::rows::placeholders(ids.len())
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(super::db::params_from_iter(ids), |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// `with_past_resolutions` from the case's changes to its timed fields
/// (all of them, oldest first), already read.
pub(super) fn with_timed_changes(case: &mut Case, changes: &[FieldChange]) {
    if case.reopens > 0 {
        case.resolved_before = resolutions_before_reopening(changes);
    }
    case.changed_at = changes.iter().map(|c| c.at).max();
}

/// An event from a row of (at, kind, touchpoint, field, old, new, actor)
/// starting at `o`, its values as kept.
pub(super) fn raw_event(r: &Row, o: usize) -> rusqlite::Result<RawEvent> {
    Ok(RawEvent {
        at: from_millis(r.get(o)?),
        kind: r.get(o + 1)?,
        touchpoint: r.get(o + 2)?,
        field: r.get(o + 3)?,
        old: raw(r.get::<_, StoredText>(o + 4)?.0)?,
        new: raw(r.get::<_, StoredText>(o + 5)?.0)?,
        actor: r.get(o + 6)?,
    })
}

impl Store {
    /// A case's events, oldest first, their values as kept (for export).
    pub fn raw_events(&self, case_id: i64) -> Result<Vec<RawEvent>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT at, kind, touchpoint_id, field, old_value, new_value, actor FROM events WHERE case_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([case_id], |r| raw_event(r, 0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A case's events, oldest first.
    pub fn events(&self, case_id: i64) -> Result<Vec<Event>> {
        let parsed = |v: Option<Box<RawValue>>| {
            v.map(|v| serde_json::from_str(v.get()).unwrap_or(Value::Null))
        };
        Ok(self
            .raw_events(case_id)?
            .into_iter()
            .map(|e| Event {
                at: e.at,
                kind: e.kind,
                touchpoint: e.touchpoint,
                field: e.field,
                old: parsed(e.old),
                new: parsed(e.new),
                actor: e.actor,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Export writes a kept value as it is, and reads text that is not JSON
    /// as a JSON string, as the parsed `Event` does: the same bytes either way.
    #[test]
    fn a_raw_value_is_written_as_the_parsed_one_is() {
        for text in [
            r#"{"title":"Refund","touchpoints":[{"minutes":45.0,"note":"été \"quoted\""}]}"#,
            r#""open""#,
            "42",
            "not json at all",
            "",
        ] {
            let parsed = StoredText(Some(text.to_string())).json();
            let kept = raw(Some(text.to_string())).unwrap();
            assert_eq!(
                serde_json::to_string(&kept).unwrap(),
                serde_json::to_string(&parsed).unwrap(),
                "{text}"
            );
        }
        assert!(raw(None).unwrap().is_none());
    }
}
