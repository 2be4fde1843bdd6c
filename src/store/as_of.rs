//! The casebook as it stood at a moment (`--as-of`, the spec's "Point in
//! time"), computed in memory and never written.
//!
//! Most cases are settled by then: done, with nothing after, their figures
//! the same at any clock (`case_figures.settled_at`). Only the others, the
//! cases open at the moment or changed after it, are cut at the moment
//! (src/domain/as_of.rs) and measured there; their rows go into tables of
//! this connection's own temporary database. Views of the same names as
//! the file's tables then stand in for them, so that every query (lists,
//! filters, flags, screens) reads the past unchanged: the settled cases'
//! rows as kept, the others' as cut, no case opened later, no touch or
//! event after the moment. The file is not written: its bytes and its
//! `writes` count stay as they were.

use super::cases::{load_case, load_touches};
use super::db::Connection;
use super::event_value::StoredText;
use super::figures::Tables;
use super::rows::{case_from_row, millis, touch_from_row, CASE_COLUMNS, CASE_FROM, TOUCH_COLUMNS};
use super::summary::{summary_of, write_into};
use super::{Result, Store};
use crate::domain::as_of::{case_as_of, resolutions_before_reopening, FieldChange};
use crate::domain::case::in_time_order;
use crate::domain::time::from_millis;
use crate::domain::{Case, Touchpoint};
use chrono::{DateTime, Utc};

/// The view's own tables, in this connection's temporary database.
const PAST: Tables = Tables {
    cases: "temp.cases_at",
    flags: "temp.case_flags_at",
    figures: "temp.case_figures_at",
};

/// The cases not settled by `t` among those opened by then: the ones whose
/// figures at `t` differ from the kept ones.
pub(super) fn unsettled_by(conn: &Connection, t: DateTime<Utc>) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare(
        "SELECT case_id FROM main.case_figures
         WHERE opened_at <= ?1 AND (settled_at IS NULL OR settled_at > ?1)
         ORDER BY case_id",
    )?;
    let rows = stmt.query_map([millis(t)], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Calls `f` with each of the cases `ids` (ascending) as it stood at `t`,
/// read in one pass (cases with their touches up to `t`, and their trail's
/// changes to the timed fields beside them) rather than case by case. Tags
/// are not read; notes only when `with_notes`.
pub(super) fn each_case_at(
    conn: &Connection,
    ids: &[i64],
    t: DateTime<Utc>,
    with_notes: bool,
    mut f: impl FnMut(Case, Vec<Touchpoint>) -> Result<()>,
) -> Result<()> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS as_of_ids (id INTEGER PRIMARY KEY);
         DELETE FROM temp.as_of_ids;",
    )?;
    // Many ids a statement (on a server, each statement is a round trip).
    for some in ids.chunks(super::case_batch::BATCH) {
        let values: Vec<String> = (1..=some.len()).map(|i| format!("(?{i})")).collect();
        let sql = format!(
            "INSERT INTO temp.as_of_ids (id) VALUES {}",
            values.join(", ")
        );
        conn.prepare_cached(&sql)?
            .execute(super::db::params_from_iter(some))?;
    }
    let touch_columns = if with_notes {
        TOUCH_COLUMNS.to_string()
    } else {
        TOUCH_COLUMNS.replace("t.note", "''")
    };
    let mut cases = conn.prepare(&format!(
        "SELECT {CASE_COLUMNS}, {touch_columns} FROM {CASE_FROM}
         LEFT JOIN touchpoints t ON t.case_id = c.id AND t.at <= ?1
         LEFT JOIN vendors p ON p.id = t.party_id
         WHERE c.id IN (SELECT id FROM temp.as_of_ids)
         ORDER BY c.id, t.at, t.id"
    ))?;
    let mut changes = conn.prepare(
        "SELECT case_id, at, field, old_value, new_value FROM events
         WHERE case_id IN (SELECT id FROM temp.as_of_ids)
           AND kind IN ('status_changed', 'field_changed')
           AND field IN ('status', 'resolved_at', 'closed_at', 'outcome', 'reopens')
         ORDER BY case_id, id",
    )?;
    let mut changes = changes.query([])?;
    let mut pending: Option<(i64, FieldChange)> = None;
    let mut changes_of = |id: i64| -> Result<Vec<FieldChange>> {
        let mut out = Vec::new();
        loop {
            if pending.is_none() {
                let Some(r) = changes.next()? else {
                    return Ok(out);
                };
                pending = Some((
                    r.get(0)?,
                    FieldChange {
                        at: from_millis(r.get(1)?),
                        field: r.get(2)?,
                        old: r.get::<_, StoredText>(3)?.json(),
                        new: r.get::<_, StoredText>(4)?.json(),
                    },
                ));
            }
            match pending.take() {
                Some((case, c)) if case == id => out.push(c),
                Some((case, c)) if case < id => drop(c),
                other => {
                    pending = other;
                    return Ok(out);
                }
            }
        }
    };
    let mut finish = |case: Case, mut touches: Vec<Touchpoint>| -> Result<()> {
        let mut case = case;
        let trail = changes_of(case.id)?;
        if case.reopens > 0 {
            case.resolved_before = resolutions_before_reopening(&trail);
        }
        in_time_order(&mut touches);
        match case_as_of(&case, &touches, &trail, t) {
            Some((c, ts)) => f(c, ts),
            None => Ok(()),
        }
    };
    let mut rows = cases.query([millis(t)])?;
    let mut current: Option<(Case, Vec<Touchpoint>)> = None;
    const T: usize = 27;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        if current.as_ref().is_none_or(|(c, _)| c.id != id) {
            if let Some((c, ts)) = current.take() {
                finish(c, ts)?;
            }
            current = Some((case_from_row(&row, 0)?, Vec::new()));
        }
        if row.get::<_, Option<i64>>(T)?.is_some() {
            if let Some((_, ts)) = current.as_mut() {
                ts.push(touch_from_row(&row, T)?);
            }
        }
    }
    if let Some((c, ts)) = current {
        finish(c, ts)?;
    }
    Ok(())
}

impl Store {
    /// Makes this store a view of the file as it stood at `t`: nothing is
    /// written from here on (writes are refused), and derived data is not
    /// brought up to date. `tables`: also make the view's tables stand in for
    /// the file's (what lists and screens read); a report alone does not need
    /// them. Returns how many cases were measured at `t`.
    pub fn view_as_of(&mut self, t: DateTime<Utc>, tables: bool) -> Result<usize> {
        self.view_as_of_told(t, tables, |_| {})
    }

    /// `view_as_of`, telling `about_to` how many cases it is about to
    /// measure at `t` before it starts (a long wait, on many cases, is not
    /// a silent one).
    pub fn view_as_of_told(
        &mut self,
        t: DateTime<Utc>,
        tables: bool,
        about_to: impl FnOnce(usize),
    ) -> Result<usize> {
        self.as_of = Some(t);
        // Kept figures made with other thresholds or rates than this
        // store's hold for no case: every case is measured at `t`.
        let kept_hold = self.derived_setup_current()?;
        if (!tables && kept_hold) || self.as_of_tables {
            return Ok(0);
        }
        let ids = match kept_hold {
            true => unsettled_by(&self.conn, t)?,
            false => {
                let mut stmt = self
                    .conn
                    .prepare("SELECT id FROM main.cases WHERE opened_at <= ?1 ORDER BY id")?;
                let rows = stmt.query_map([millis(t)], |r| r.get(0))?;
                rows.collect::<rusqlite::Result<Vec<i64>>>()?
            }
        };
        about_to(ids.len());
        let at = millis(t);
        self.conn.execute_batch(
            "CREATE TEMP TABLE cases_at AS SELECT * FROM main.cases WHERE 1 = 0;
             CREATE UNIQUE INDEX cases_at_id ON cases_at(id);
             CREATE TEMP TABLE case_flags_at AS SELECT * FROM main.case_flags WHERE 1 = 0;
             CREATE TEMP TABLE case_figures_at AS SELECT * FROM main.case_figures WHERE 1 = 0;
             CREATE UNIQUE INDEX case_figures_at_id ON case_figures_at(case_id);",
        )?;
        let sla = self.sla_cache.get(&self.conn)?;
        let mut copy = self
            .conn
            .prepare("INSERT INTO temp.cases_at SELECT * FROM main.cases WHERE id = ?1")?;
        let mut timed = self.conn.prepare(
            "UPDATE temp.cases_at SET status = ?2, resolved_at = ?3, closed_at = ?4,
                 outcome = ?5, reopens = ?6 WHERE id = ?1",
        )?;
        let mut measured = 0;
        let (th, rates) = (&self.thresholds, &self.summary_rates);
        each_case_at(&self.conn, &ids, t, true, |case, touches| {
            copy.execute([case.id])?;
            timed.execute(super::db::params![
                case.id,
                case.status.as_str(),
                case.resolved_at.map(millis),
                case.closed_at.map(millis),
                case.outcome.map(|o| o.as_str()),
                case.reopens,
            ])?;
            let s = summary_of(&case, &touches, t, th, rates, sla.as_deref());
            write_into(&self.conn, PAST, &case, &s, false, true)?;
            measured += 1;
            Ok(())
        })?;
        drop((copy, timed));
        // The file's rows stand for the cases settled by `t` (none when the
        // kept figures do not hold).
        let settled = if kept_hold { at } else { i64::MIN };
        self.conn.execute_batch(&format!(
            "CREATE TEMP VIEW cases AS
                 SELECT * FROM main.cases
                  WHERE opened_at <= {at} AND id NOT IN (SELECT id FROM temp.cases_at)
                 UNION ALL SELECT * FROM temp.cases_at;
             CREATE TEMP VIEW case_flags AS
                 SELECT * FROM main.case_flags
                  WHERE case_id IN (SELECT case_id FROM main.case_figures WHERE settled_at <= {settled})
                 UNION ALL SELECT * FROM temp.case_flags_at;
             CREATE TEMP VIEW case_figures AS
                 SELECT * FROM main.case_figures WHERE settled_at <= {settled}
                 UNION ALL SELECT * FROM temp.case_figures_at;
             CREATE TEMP VIEW touchpoints AS SELECT * FROM main.touchpoints WHERE at <= {at};
             CREATE TEMP VIEW events AS SELECT * FROM main.events WHERE at <= {at};"
        ))?;
        self.as_of_tables = true;
        Ok(measured)
    }
}

impl Store {
    /// The impossible times a file holds (written before they were refused:
    /// a touch before its case was opened, a resolution or closing before
    /// the opening, a time before 1970), one line each with the case, the
    /// field, both times and the command that fixes it.
    pub fn impossible_times(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT id FROM cases WHERE resolved_at < opened_at OR closed_at < opened_at
                 OR opened_at < 0
             UNION SELECT t.case_id FROM touchpoints t JOIN cases c ON c.id = t.case_id
                 WHERE t.at < c.opened_at
             ORDER BY 1",
        )?;
        let ids: Vec<i64> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let clock = crate::domain::time_rules::WriteClock {
            now: chrono::Utc::now(),
            allow_future: true,
        };
        let mut out = Vec::new();
        for id in ids {
            let case = load_case(&self.conn, id)?;
            let touches = load_touches(&self.conn, id)?;
            let first_touch = touches.iter().map(|t| t.at).min();
            for p in crate::domain::time_rules::time_problems(&case, &touches, clock) {
                let fix = match (p.field, first_touch) {
                    ("at", Some(t)) => format!(
                        "casebook edit {id} --opened {} (or fix the touch's time in the app)",
                        crate::domain::time::to_rfc3339(t)
                    ),
                    ("resolved_at", _) => format!(
                        "casebook edit {id} --opened AT, or --resolved AT (a time after the opening)"
                    ),
                    ("closed_at", _) => format!(
                        "casebook edit {id} --opened AT, or --closed AT (a time after the opening)"
                    ),
                    _ => format!("casebook edit {id} --opened AT"),
                };
                out.push(format!("time: {}: {}; fix: {fix}", p.field, p.reason));
            }
        }
        Ok(out)
    }
}
