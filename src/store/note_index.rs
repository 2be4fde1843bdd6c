//! A file's note search (FTS5, migrations/sqlite/02-note-search): notes
//! queued as a transaction writes touches, indexed in one statement at its
//! end. A server's index is a generated column, and these do nothing there.

use super::db::{params, Connection};
use super::Result;
use crate::domain::Touchpoint;

/// Notes wait in a temporary table until the transaction's end, then enter
/// the full-text index in one statement (see migrations/sqlite/02-note-search).
/// The table holds runs of touch ids, `first..=last`, that never overlap (a
/// note indexed twice would damage the index): a new case's touches are one
/// run, one row, not one row each.
pub(super) fn queue_note(conn: &Connection, touch_id: i64) -> Result<()> {
    queue_notes(conn, touch_id, touch_id)
}

pub(super) fn queue_notes(conn: &Connection, first: i64, last: i64) -> Result<()> {
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

pub(super) fn is_queued(conn: &Connection, touch_id: i64) -> Result<bool> {
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
pub(super) fn queue_touch_notes(conn: &Connection, touches: &[Touchpoint]) -> Result<()> {
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::store::Store;

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
