//! The derived data that moves with the clock: the file's clock, the cases
//! whose next change came due (re-derived then, never by a sweep), and
//! `check`'s comparison of every case with a fresh derivation.

use super::case_batch;
use super::db::{Connection, OptionalExtension};
use super::figures::Tables;
use super::note_index::flush_notes;
use super::rows::millis;
use super::summary::{derived_and_figures, summary_of, write_over};
use super::{Result, Store, StoreError};
use crate::domain::time::from_millis;
use chrono::{DateTime, Utc};

/// How far behind the file's newest clock the real clock may be and still
/// read the file as of that clock (skew between machines); further behind,
/// the clock was wrong and is corrected: the file's clock goes back, once.
const CLOCK_CORRECTED_MS: i64 = 24 * 3_600_000;

/// The page cache while re-deriving the cases that came due, or importing
/// (KiB, negative as SQLite's `cache_size` takes it): 64 MiB.
const REFRESH_CACHE_KIB: i64 = -65_536;

impl Store {
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
    pub(super) fn with_large_cache<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T>,
    ) -> Result<T> {
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
        // On a server, what is looked up (a channel's number, a vendor's
        // id) is asked once, not once a case.
        if let Some(pg) = tx.postgres() {
            pg.begin_bulk();
        }
        // A batch of cases read at a time (src/store/case_batch.rs).
        for batch in ids.chunks(case_batch::BATCH) {
            for loaded in case_batch::load_cases(&tx, batch)? {
                let sla = self.sla_cache.get(&tx)?;
                let s = summary_of(
                    &loaded.case,
                    &loaded.touches,
                    now,
                    &self.thresholds,
                    &self.summary_rates,
                    sla.as_deref(),
                );
                let kept = Some(loaded.kept.as_slice());
                write_over(&tx, Tables::FILE, &loaded.case, &s, false, false, kept)?;
            }
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
            Ok(Stored {
                id: r.get(0)?,
                flags: r.get(1)?,
                urgency: (r.get(2)?, r.get(5)?),
                next: r.get(3)?,
                action: r.get(4)?,
            })
        })?;
        let mut problems = Vec::new();
        // A batch of cases read at a time (src/store/case_batch.rs).
        let mut batch = Vec::with_capacity(case_batch::BATCH);
        for row in stored {
            batch.push(row?);
            if batch.len() == case_batch::BATCH {
                self.compare_with_fresh(&batch, now, &mut problems)?;
                batch.clear();
            }
        }
        self.compare_with_fresh(&batch, now, &mut problems)?;
        Ok(problems)
    }

    /// Writes again the flag rows (what `flag:` finds a case by) of every
    /// case whose rows differ from its list of flags, as files imported by
    /// builds before 2026-12-07 can hold (a case whose touch ids were
    /// taken lost its rows); returns how many cases. One transaction.
    pub fn repair_flag_rows(&mut self) -> Result<usize> {
        self.writable()?;
        let tx = super::write_tx(&mut self.conn)?;
        let mut astray: Vec<(i64, String)> = Vec::new();
        {
            let mut stmt = tx.prepare("SELECT id, flag_list FROM cases ORDER BY id")?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
            let mut batch = Vec::with_capacity(case_batch::BATCH);
            let mut look = |batch: &mut Vec<(i64, String)>| -> Result<()> {
                let ids: Vec<i64> = batch.iter().map(|(id, _)| *id).collect();
                let rows = case_batch::flag_rows(&tx, &ids)?;
                for (id, list) in batch.drain(..) {
                    if !case_batch::rows_match_list(&list, rows.get(&id)) {
                        astray.push((id, list));
                    }
                }
                Ok(())
            };
            for row in rows {
                batch.push(row?);
                if batch.len() == case_batch::BATCH {
                    look(&mut batch)?;
                }
            }
            look(&mut batch)?;
        }
        for (id, list) in &astray {
            tx.execute("DELETE FROM case_flags WHERE case_id = ?1", [id])?;
            for pattern in list.split_whitespace() {
                tx.execute(
                    "INSERT INTO case_flags (case_id, pattern) VALUES (?1, ?2)",
                    super::db::params![id, pattern],
                )?;
            }
        }
        tx.commit()?;
        Ok(astray.len())
    }

    /// `derived_mismatches` for a batch of cases: what each row keeps
    /// (its flags, also as rows of their own, its urgency, next change,
    /// next action and report figures) against a fresh derivation.
    fn compare_with_fresh(
        &self,
        batch: &[Stored],
        now: DateTime<Utc>,
        problems: &mut Vec<String>,
    ) -> Result<()> {
        let ids: Vec<i64> = batch.iter().map(|s| s.id).collect();
        let mut loaded: std::collections::HashMap<i64, case_batch::LoadedCase> =
            (case_batch::load_cases(&self.conn, &ids)?.into_iter())
                .map(|l| (l.case.id, l))
                .collect();
        let flag_rows = case_batch::flag_rows(&self.conn, &ids)?;
        let sla = self.sla_cache.get(&self.conn)?;
        for stored in batch {
            let id = stored.id;
            // Gone since the first read (deleted by another client).
            let Some(case_batch::LoadedCase { case, touches, .. }) = loaded.remove(&id) else {
                continue;
            };
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
            let (flags, urgency, next, action) =
                (&stored.flags, stored.urgency, stored.next, &stored.action);
            if *flags != fresh_flags
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
            // The rows `flag:` finds a case by say what its list says.
            let rows = flag_rows.get(&id);
            if !case_batch::rows_match_list(flags, rows) {
                problems.push(format!(
                    "case {id}: flags listed '{flags}', flag rows '{}' (`casebook check --repair` writes the rows again)",
                    rows.map(|r| r.join(" ")).unwrap_or_default()
                ));
            }
        }
        Ok(())
    }
}

/// What a case's row keeps of its derived data (`derived_mismatches`).
struct Stored {
    id: i64,
    flags: String,
    urgency: (i64, i64),
    next: Option<i64>,
    action: Option<String>,
}
