//! Writes inside one transaction (imports, demo loading, generate): the
//! `Writer` a caller is lent, the indexes an import into an empty file
//! defers, and merging incoming cases by uid or ref.

use super::cases::{
    insert_case, load_case, load_touches, names_as_stored, refresh_summary, same_contact,
    same_touch, touch_event, update_case_fields, write_touch_row, Merge,
};
use super::db::{params, Connection};
use super::events::{append, EventText};
use super::note_index::flush_notes;
use super::row_values::EXISTING_CASE;
use super::sla_cache::SetupCache;
use super::summary::{ReadySummary, Summarizer, SummaryRates};
use super::vendors::vendor_id;
use super::{Result, Store};
use crate::domain::case::in_time_order;
use crate::domain::friction::Thresholds;
use crate::domain::time_rules::{refuse_new_problems, time_problems, WriteClock};
use crate::domain::{Case, Touchpoint};
use chrono::{DateTime, Utc};

/// The page cache, and so the sorter's memory, while an import builds the
/// indexes it deferred (`Writer::defer_indexes`): 16 MiB.
const INDEX_BUILD_CACHE_KIB: i64 = -16_384;

impl Store {
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
            latest: None,
        };
        let out = f(&mut w)?;
        let deferred = std::mem::take(&mut w.deferred);
        // The new cases' derived data is as of the writes' clock.
        if let Some(latest) = w.latest {
            super::cases::derived_clock(&tx, latest)?;
        }
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

/// Indexes that nothing a write reads (they order and filter the triage
/// table, the reports and searches), on the tables an import fills: an
/// import into a file or a database without cases drops them at its start and builds each
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
    // A server's note index (a file's is a table of its own, kept as notes
    // go in): built in one pass, it costs a fraction of keeping it row by
    // row.
    "touchpoints_note_search",
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
    /// The latest clock a case was written with.
    latest: Option<DateTime<Utc>>,
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
        let empty: bool =
            self.conn
                .query_row("SELECT NOT EXISTS (SELECT 1 FROM cases)", [], |r| r.get(0))?;
        if !empty {
            return Ok(false);
        }
        // Each index's statement, as the engine keeps it.
        let server = self.conn.sqlite().is_none();
        let schema = match server {
            false => "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL",
            true => {
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
            }
        };
        let indexes: Vec<(String, String)> = self
            .conn
            .prepare(schema)?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        // On a server, only the tables' owner may drop their indexes: a
        // writer that may not imports with them kept.
        if server {
            self.conn
                .execute_batch("SAVEPOINT casebook_defer_indexes")?;
        }
        for (name, sql) in indexes {
            if DEFERRABLE_INDEXES.contains(&name.as_str()) {
                let dropped = self.conn.execute_batch(&format!("DROP INDEX \"{name}\""));
                if let (true, Err(_)) = (server, &dropped) {
                    self.conn
                        .execute_batch("ROLLBACK TO SAVEPOINT casebook_defer_indexes")?;
                    self.deferred.clear();
                    return Ok(false);
                }
                dropped?;
                self.deferred.push(sql);
            }
        }
        if server {
            self.conn
                .execute_batch("RELEASE SAVEPOINT casebook_defer_indexes")?;
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
        self.latest = self.latest.max(Some(now));
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

    /// Says which cases come next, with their touches (as `merge_case`
    /// will be given them, in any order): on a server, whether they are new,
    /// and which of the ids they come with are taken, is asked for all of
    /// them at once, and the rows written so far go meanwhile. Nothing on a
    /// file, which has no round trips to save.
    pub fn expect(&mut self, cases: &[(&Case, &[Touchpoint])]) -> Result<()> {
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
