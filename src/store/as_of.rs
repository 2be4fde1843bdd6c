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
use super::events::timed_changes;
use super::rows::millis;
use super::summary::{summary_of, write_into, Tables};
use super::{Result, Store};
use crate::domain::as_of::case_as_of;
use crate::domain::{Case, Touchpoint};
use chrono::{DateTime, Utc};
use rusqlite::Connection;

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

/// A case and its touches as they stood at `t` (None: not opened yet).
pub(super) fn case_at(
    conn: &Connection,
    id: i64,
    t: DateTime<Utc>,
) -> Result<Option<(Case, Vec<Touchpoint>)>> {
    let case = load_case(conn, id)?;
    let touches = load_touches(conn, id)?;
    let changes = timed_changes(conn, id)?;
    Ok(case_as_of(&case, &touches, &changes, t))
}

impl Store {
    /// Makes this store a view of the file as it stood at `t`: nothing is
    /// written from here on (writes are refused), and derived data is not
    /// brought up to date. `tables`: also make the view's tables stand in for
    /// the file's (what lists and screens read); a report alone does not need
    /// them. Returns how many cases were measured at `t`.
    pub fn view_as_of(&mut self, t: DateTime<Utc>, tables: bool) -> Result<usize> {
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
        let at = millis(t);
        self.conn.execute_batch(
            "CREATE TEMP TABLE cases_at AS SELECT * FROM main.cases WHERE 0;
             CREATE UNIQUE INDEX temp.cases_at_id ON cases_at(id);
             CREATE TEMP TABLE case_flags_at AS SELECT * FROM main.case_flags WHERE 0;
             CREATE TEMP TABLE case_figures_at AS SELECT * FROM main.case_figures WHERE 0;
             CREATE UNIQUE INDEX temp.case_figures_at_id ON case_figures_at(case_id);",
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
        for id in ids {
            let Some((case, touches)) = case_at(&self.conn, id, t)? else {
                continue;
            };
            copy.execute([id])?;
            timed.execute(rusqlite::params![
                id,
                case.status.as_str(),
                case.resolved_at.map(millis),
                case.closed_at.map(millis),
                case.outcome.map(|o| o.as_str()),
                case.reopens,
            ])?;
            let s = summary_of(
                &case,
                &touches,
                t,
                &self.thresholds,
                &self.summary_rates,
                sla.as_deref(),
            );
            write_into(&self.conn, PAST, &case, &s, false, true)?;
            measured += 1;
        }
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
