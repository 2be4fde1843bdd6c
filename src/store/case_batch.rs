//! Cases read a batch at a time: many cases, each with its tags, its
//! touches in time order, what its trail says of its timed fields and the
//! summary its row keeps, in one statement of each kind for the whole batch
//! rather than one per case. On a server every statement is a round trip:
//! re-deriving the cases that came due in a day (thousands at a million
//! cases) read each one with five.

use super::db::{params_from_iter, Connection};
use super::events::{last_timed_changes, with_past_resolutions};
use super::rows::{case_from_row, placeholders, touch_from_row, CASE_COLUMNS, CASE_FROM};
use super::rows::{TOUCH_COLUMNS, TOUCH_FROM};
use super::summary::{kept_columns, SUMMARY_COLUMNS};
use super::Result;
use crate::domain::case::in_time_order;
use crate::domain::time::from_millis;
use crate::domain::{Case, Touchpoint};
use rusqlite::types::Value;
use std::collections::HashMap;

/// How many cases a batch reads at most: their rows stay well under a
/// megabyte, and a statement's parameters under both engines' limits.
pub(super) const BATCH: usize = 500;

/// A case as read for re-deriving its summary.
pub(super) struct LoadedCase {
    pub case: Case,
    /// In time order.
    pub touches: Vec<Touchpoint>,
    /// The summary its row holds (`SUMMARY_COLUMNS`).
    pub kept: Vec<Value>,
}

/// The cases of `ids` that exist, in the order of `ids` (at most `BATCH`).
pub(super) fn load_cases(conn: &Connection, ids: &[i64]) -> Result<Vec<LoadedCase>> {
    debug_assert!(ids.len() <= BATCH);
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = placeholders(ids.len());
    let summary: Vec<String> = SUMMARY_COLUMNS.iter().map(|c| format!("c.{c}")).collect();
    let first_kept = CASE_COLUMNS.split(',').count();
    let mut cases: HashMap<i64, (Case, Vec<Value>)> = HashMap::with_capacity(ids.len());
    {
        let sql = format!(
            "SELECT {CASE_COLUMNS}, {} FROM {CASE_FROM} WHERE c.id IN ({list})",
            summary.join(", ")
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(ids), |r| {
            Ok((case_from_row(r, 0)?, kept_columns(r, first_kept)?))
        })?;
        for row in rows {
            let (case, kept) = row?;
            cases.insert(case.id, (case, kept));
        }
    }
    let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
    {
        let sql = format!(
            "SELECT case_id, tag FROM case_tags WHERE case_id IN ({list}) ORDER BY case_id, tag"
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(ids), |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?;
        for row in rows {
            let (id, tag) = row?;
            tags.entry(id).or_default().push(tag);
        }
    }
    let mut touches: HashMap<i64, Vec<Touchpoint>> = HashMap::new();
    {
        let sql = format!(
            "SELECT t.case_id, {TOUCH_COLUMNS} FROM {TOUCH_FROM} WHERE t.case_id IN ({list})
             ORDER BY t.case_id, t.at, t.id"
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(ids), |r| {
            Ok((r.get::<_, i64>(0)?, touch_from_row(r, 1)?))
        })?;
        for row in rows {
            let (id, touch) = row?;
            touches.entry(id).or_default().push(touch);
        }
    }
    let last_changes = last_timed_changes(conn, ids)?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let Some((mut case, kept)) = cases.remove(id) else {
            continue;
        };
        case.tags = tags.remove(id).unwrap_or_default();
        if case.reopens > 0 {
            // Rare: the trail's changes themselves, read for the case alone.
            with_past_resolutions(conn, &mut case)?;
        } else {
            case.changed_at = last_changes.get(id).copied().map(from_millis);
        }
        let mut touches = touches.remove(id).unwrap_or_default();
        in_time_order(&mut touches);
        out.push(LoadedCase {
            case,
            touches,
            kept,
        });
    }
    Ok(out)
}

/// The flags each of the cases `ids` has as rows of `case_flags` (what
/// `flag:` finds it by), in name order; none for a case without.
pub(super) fn flag_rows(conn: &Connection, ids: &[i64]) -> Result<HashMap<i64, Vec<String>>> {
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let sql = format!(
        "SELECT case_id, pattern FROM case_flags WHERE case_id IN ({}) ORDER BY case_id, pattern",
        placeholders(ids.len())
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(ids), |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
    })?;
    for row in rows {
        let (id, pattern) = row?;
        out.entry(id).or_default().push(pattern);
    }
    Ok(out)
}

/// Whether a case's flag rows (`flag_rows`, in name order) are the flags
/// its list names.
pub(super) fn rows_match_list(list: &str, rows: Option<&Vec<String>>) -> bool {
    let mut listed: Vec<&str> = list.split_whitespace().collect();
    listed.sort_unstable();
    let rows = rows.map(Vec::as_slice).unwrap_or_default();
    listed.len() == rows.len() && listed.iter().zip(rows).all(|(a, b)| a == b)
}
