//! Rows sent in bulk, for an import's thousands of new cases. On a server
//! every statement is a round trip, and a case is some thirty rows (the
//! case, its touches, tags, flags, events and figures): one INSERT each made
//! an import wait on the socket most of its time. Inside a bulk transaction
//! (`Pg::begin_bulk`: the store's `in_transaction`, which import, `generate`
//! and `demo` write through) rows wait here instead, already in COPY's
//! binary format, and go to their tables with one `COPY … FROM STDIN` a
//! table: before the next statement the connection runs (so that every read
//! and every trigger sees them), and before the commit; a rollback drops
//! them. Once they pass a few megabytes, or when the writer says a batch is
//! done (`send_soon`), they go from another thread, with the client, while
//! this one makes the next rows: the server inserts one batch while the
//! writer prepares the next. The next statement waits for them.
//!
//! Their ids are given here as the server would give them: the one a row
//! comes with when it is free, else the table's largest plus one (the
//! `casebook_next_id` trigger's rule, and SQLite's for rowids). That holds
//! because a bulk transaction holds casebook's write lock (its first
//! statement wrote meta 'writes'), so no other writer adds rows meanwhile,
//! and because a statement of this connection that writes makes the next id
//! be asked of the server again. The caller keeps one rule: a row's id is
//! taken (`new_ids`) just before the row is deferred, with no statement in
//! between.
//!
//! For the same reason a bulk transaction keeps what it looked up (a
//! vendor's id by its name, a channel's number) until a statement writes.

use super::pg::{wrap, Param, Pg, Slot, Writes};
use bytes::{BufMut, Bytes, BytesMut};
use postgres::types::{IsNull, ToSql, Type};
use rusqlite::types::Value;
use rusqlite::{Error, Result};
use std::collections::{HashMap, HashSet};
use std::io::Write;

/// A table rows are copied into, with the columns each row gives, in order.
#[derive(Debug)]
pub struct CopyTable {
    pub name: &'static str,
    pub columns: Vec<&'static str>,
    /// Tables are sent in this order: a table a row's foreign key names first.
    pub rank: u8,
}

/// When the rows waiting are sent whatever comes next: memory stays small,
/// and the server works on one batch while the next is made.
const SEND_FROM_BYTES: usize = 4 << 20;

/// How many rows a bulk transaction adds to a table, at the least, for the
/// table to be analyzed before the commit (see `analyze_grown`).
const ANALYZE_FROM: u64 = 100_000;

#[derive(Default)]
pub(super) struct Bulk {
    on: bool,
    /// One per table written so far (kept, emptied as sent), by rank.
    buffers: Vec<Buffer>,
    bytes: usize,
    /// Each table's largest id, rows waiting included.
    largest: HashMap<&'static str, i64>,
    /// The ids given since the rows were last sent, by table.
    unsent: HashMap<&'static str, HashSet<i64>>,
    /// What the transaction looked up, by kind and key.
    looked_up: HashMap<&'static str, HashMap<String, i64>>,
    /// Keys of rows waiting (a case's uid, its ref), by kind.
    waiting: HashMap<&'static str, HashSet<String>>,
    /// Keys no row holds, neither sent nor waiting, by table and column
    /// (`note_absent`).
    absent: HashMap<(String, &'static str), HashSet<String>>,
    /// Rows sent so far by the transaction, by table (see `analyze_grown`).
    sent: HashMap<&'static str, u64>,
    /// `SELECT id FROM t WHERE id = ANY($1)`, prepared once a table.
    taken: HashMap<&'static str, postgres::Statement>,
    /// Ids asked of the server ahead (`ask_taken`), by table: whether a
    /// row holds each, those this transaction gave since included.
    taken_known: HashMap<&'static str, HashMap<i64, bool>>,
}

struct Buffer {
    table: &'static CopyTable,
    types: Vec<Type>,
    data: BytesMut,
    rows: usize,
}

/// COPY's binary format: its signature, flags and header extension.
const HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";

/// The kinds of lookup (`Pg::looked_up`) whose answers a change to `table`
/// may change: a channel's number, a vendor's id by name or alias, the
/// count of writes.
fn lookups_reading(table: &str) -> &'static [&'static str] {
    match table {
        "channel_names" => &["channel"],
        "vendors" | "vendor_aliases" => &["vendor"],
        "meta" => &["writes"],
        _ => &[],
    }
}

impl Pg {
    /// From here to the end of the transaction, new rows may wait and go in
    /// bulk (see the module's comment). Only inside a transaction that
    /// holds casebook's write lock.
    pub fn begin_bulk(&self) {
        if self.in_transaction() {
            self.bulk.borrow_mut().on = true;
        }
    }

    /// Whether rows may wait to go in bulk.
    pub fn bulk(&self) -> bool {
        self.bulk.borrow().on
    }

    /// Drops every row waiting and what was looked up (the transaction ended).
    pub(super) fn end_bulk(&self) {
        let mut bulk = self.bulk.borrow_mut();
        bulk.on = false;
        for b in bulk.buffers.iter_mut() {
            b.data.clear();
            b.rows = 0;
        }
        bulk.bytes = 0;
        bulk.largest.clear();
        bulk.unsent.clear();
        bulk.looked_up.clear();
        bulk.waiting.clear();
        bulk.absent.clear();
        bulk.sent.clear();
        bulk.taken_known.clear();
    }

    /// Before any statement: the rows waiting go in, and a statement that
    /// may write makes ids and lookups be asked of the server again: a row
    /// added to a table, that table's next id; anything else, every id and
    /// every lookup. (A lookup keeps only what it found, which a row added
    /// does not change: names are unique. No trigger of casebook's adds
    /// rows to another table.)
    pub(super) fn before_statement(&self, writes: &Writes) -> Result<()> {
        if !self.bulk.borrow().on {
            return Ok(());
        }
        self.send_deferred()?;
        let mut bulk = self.bulk.borrow_mut();
        match writes {
            Writes::Nothing => {}
            Writes::Adds(table) => {
                bulk.largest.remove(table.as_str());
                bulk.absent.retain(|(t, _), _| t != table);
                bulk.taken_known.remove(table.as_str());
            }
            Writes::Rewrites(table) => {
                bulk.largest.remove(table.as_str());
                bulk.absent.retain(|(t, _), _| t != table);
                bulk.taken_known.remove(table.as_str());
                for kind in lookups_reading(table) {
                    bulk.looked_up.remove(kind);
                }
            }
            Writes::Changes => {
                bulk.largest.clear();
                bulk.looked_up.clear();
                bulk.absent.clear();
                bulk.taken_known.clear();
            }
        }
        Ok(())
    }

    /// Keeps a row to send later into `table`: its values are those of the
    /// table's columns, in order.
    pub fn defer(&self, table: &'static CopyTable, values: &[Value]) -> Result<()> {
        debug_assert!(self.bulk(), "a row deferred outside a bulk transaction");
        debug_assert_eq!(values.len(), table.columns.len(), "{}", table.name);
        let at = self.buffer_of(table)?;
        let mut bulk = self.bulk.borrow_mut();
        let buffer = &mut bulk.buffers[at];
        let before = buffer.data.len();
        buffer.data.put_i16(values.len() as i16);
        for (value, ty) in values.iter().zip(&buffer.types) {
            let start = buffer.data.len();
            buffer.data.put_i32(0);
            let written = Param(value)
                .to_sql(ty, &mut buffer.data)
                .map_err(Error::ToSqlConversionFailure)?;
            match written {
                IsNull::Yes => {
                    buffer.data.truncate(start);
                    buffer.data.put_i32(-1);
                }
                IsNull::No => {
                    let len = (buffer.data.len() - start - 4) as i32;
                    buffer.data[start..start + 4].copy_from_slice(&len.to_be_bytes());
                }
            }
        }
        buffer.rows += 1;
        let grown = buffer.data.len() - before;
        bulk.bytes += grown;
        Ok(())
    }

    /// The buffer of `table`, made on its first row: its columns' types are
    /// the server's.
    fn buffer_of(&self, table: &'static CopyTable) -> Result<usize> {
        if let Some(at) =
            (self.bulk.borrow().buffers.iter()).position(|b| std::ptr::eq(b.table, table))
        {
            return Ok(at);
        }
        let sql = format!("SELECT {} FROM {}", table.columns.join(", "), table.name);
        let statement = self.client()?.prepare(&sql).map_err(wrap)?;
        let types = statement
            .columns()
            .iter()
            .map(|c| c.type_().clone())
            .collect();
        let mut bulk = self.bulk.borrow_mut();
        let at = bulk.buffers.partition_point(|b| b.table.rank <= table.rank);
        bulk.buffers.insert(
            at,
            Buffer {
                table,
                types,
                data: BytesMut::new(),
                rows: 0,
            },
        );
        Ok(at)
    }

    /// Sends every row waiting, a COPY per table, in the tables' order, and
    /// waits for them to be in.
    pub fn send_deferred(&self) -> Result<()> {
        let copies = self.take_copies();
        let mut client = self.client()?;
        if copies.is_empty() {
            return Ok(());
        }
        copy_all(&mut client, &copies).map_err(wrap)
    }

    /// Sends every row waiting from another thread, with the client: the
    /// next use of the client waits for them (see `Pg::client`).
    pub fn send_soon(&self) -> Result<()> {
        let copies = self.take_copies();
        if copies.is_empty() {
            return Ok(());
        }
        drop(self.client()?);
        let mut slot = self.client.borrow_mut();
        let Slot::Here(mut client) = std::mem::replace(&mut *slot, Slot::Lost) else {
            unreachable!("the client was just brought back")
        };
        *slot = Slot::Away(std::thread::spawn(move || {
            let sent = copy_all(&mut client, &copies);
            (client, sent)
        }));
        Ok(())
    }

    /// Sends the rows waiting (from another thread) once they pass a few
    /// megabytes.
    pub fn send_if_large(&self) -> Result<()> {
        if self.bulk.borrow().bytes >= SEND_FROM_BYTES {
            self.send_soon()?;
        }
        Ok(())
    }

    /// The rows waiting as COPY statements with their data, in the tables'
    /// order; from here on they count as sent (whatever asks the server
    /// next waits for them).
    fn take_copies(&self) -> Vec<(String, Bytes)> {
        let mut bulk = self.bulk.borrow_mut();
        if bulk.bytes == 0 {
            return Vec::new();
        }
        bulk.bytes = 0;
        bulk.unsent.clear();
        bulk.waiting.clear();
        let mut copies = Vec::new();
        let Bulk { buffers, sent, .. } = &mut *bulk;
        for buffer in buffers.iter_mut().filter(|b| b.rows > 0) {
            *sent.entry(buffer.table.name).or_default() += buffer.rows as u64;
            let sql = format!(
                "COPY {} ({}) FROM STDIN (FORMAT binary)",
                buffer.table.name,
                buffer.table.columns.join(", ")
            );
            let mut data = BytesMut::with_capacity(HEADER.len() + buffer.data.len() + 2);
            data.put_slice(HEADER);
            data.put_slice(&buffer.data);
            data.put_i16(-1);
            buffer.data.clear();
            buffer.rows = 0;
            copies.push((sql, data.freeze()));
        }
        copies
    }

    /// Before the commit of a bulk transaction: the tables it grew by a
    /// tenth or more (at least `ANALYZE_FROM` rows) get their statistics
    /// made again, in the transaction, which sees its own rows. Else the
    /// planner would read a large import with the statistics of the tables
    /// before it (autovacuum's look, during the import, sees none of its
    /// rows): a note search at a million cases read every touch (2.4 s)
    /// instead of the word's few through the note index. A failed ANALYZE
    /// keeps the import (a savepoint).
    pub(super) fn analyze_grown(&self) -> Result<()> {
        let sent: Vec<(&'static str, u64)> = (self.bulk.borrow().sent.iter())
            .filter(|(_, n)| **n >= ANALYZE_FROM)
            .map(|(t, n)| (*t, *n))
            .collect();
        if sent.is_empty() {
            return Ok(());
        }
        let mut client = self.client()?;
        let names: Vec<&str> = sent.iter().map(|(t, _)| *t).collect();
        let known: HashMap<String, f32> = (client
            .query(
                "SELECT relname::text, reltuples FROM pg_class
                 WHERE relname::text = ANY($1::text[]) AND relnamespace = current_schema()::regnamespace",
                &[&names],
            )
            .map_err(wrap)?)
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
        let grown: Vec<&str> = (sent.iter())
            .filter(|(t, n)| {
                let before = known.get(*t).copied().unwrap_or(0.0).max(0.0) as f64;
                *n as f64 >= before / 10.0
            })
            .map(|(t, _)| *t)
            .collect();
        if grown.is_empty() {
            return Ok(());
        }
        let analyze = format!("SAVEPOINT casebook_analyze; ANALYZE {}", grown.join(", "));
        match client.batch_execute(&analyze) {
            Ok(()) => client.batch_execute("RELEASE SAVEPOINT casebook_analyze"),
            Err(_) => client.batch_execute("ROLLBACK TO SAVEPOINT casebook_analyze"),
        }
        .map_err(wrap)
    }

    /// The ids of new rows of `table`, in order: each the id it comes with
    /// (`given`, 0 for none) when that is free, else the largest so far plus
    /// one, as inserting them one by one would give. Asks the server at most
    /// twice (the table's largest id, once a transaction; which of the given
    /// ids below it are taken), sending nothing.
    pub fn new_ids(&self, table: &'static str, given: &[i64]) -> Result<Vec<i64>> {
        let mut largest = match self.bulk.borrow().largest.get(table) {
            Some(n) => *n,
            None => self.largest_id(table)?,
        };
        // Those asked ahead are known; the others are asked now.
        let below: Vec<i64> = {
            let bulk = self.bulk.borrow();
            let known = bulk.taken_known.get(table);
            (given.iter().copied())
                .filter(|g| *g > 0 && *g <= largest)
                .filter(|g| known.is_none_or(|k| !k.contains_key(g)))
                .collect()
        };
        let taken = if below.is_empty() {
            HashSet::new()
        } else {
            self.taken_ids(table, below)?
        };
        let mut bulk = self.bulk.borrow_mut();
        let Bulk {
            unsent,
            taken_known,
            ..
        } = &mut *bulk;
        let unsent = unsent.entry(table).or_default();
        let mut known = taken_known.get_mut(table);
        let mut ids = Vec::with_capacity(given.len());
        for &g in given {
            let holds = |g: &i64| match known.as_ref().and_then(|k| k.get(g)) {
                Some(held) => *held,
                None => taken.contains(g),
            };
            let free = g > largest || (g > 0 && !holds(&g) && !unsent.contains(&g));
            let id = if free { g } else { largest + 1 };
            largest = largest.max(id);
            unsent.insert(id);
            // An id known free is taken from now on.
            if let Some(held) = known.as_mut().and_then(|k| k.get_mut(&id)) {
                *held = true;
            }
            ids.push(id);
        }
        bulk.largest.insert(table, largest);
        Ok(ids)
    }

    /// Asks once which of `ids` (those a batch of rows comes with) rows of
    /// `table` hold, so that `new_ids` need not ask row by row.
    pub fn ask_taken(&self, table: &'static str, ids: &[i64]) -> Result<()> {
        let largest = match self.bulk.borrow().largest.get(table) {
            Some(n) => *n,
            None => self.largest_id(table)?,
        };
        self.bulk.borrow_mut().largest.insert(table, largest);
        let mut asked: Vec<i64> = (ids.iter().copied())
            .filter(|g| *g > 0 && *g <= largest)
            .collect();
        asked.sort_unstable();
        asked.dedup();
        if asked.is_empty() {
            return Ok(());
        }
        let taken = self.taken_ids(table, asked.clone())?;
        let mut bulk = self.bulk.borrow_mut();
        let unsent = bulk.unsent.get(table).cloned().unwrap_or_default();
        let known = bulk.taken_known.entry(table).or_default();
        for id in asked {
            known.insert(id, taken.contains(&id) || unsent.contains(&id));
        }
        Ok(())
    }

    fn largest_id(&self, table: &'static str) -> Result<i64> {
        let sql = format!("SELECT coalesce(max(id), 0)::int8 FROM {table}");
        let row = self.client()?.query_one(&sql, &[]).map_err(wrap)?;
        Ok(row.get(0))
    }

    /// Which of `ids` the server holds in `table` (rows waiting aside).
    fn taken_ids(&self, table: &'static str, ids: Vec<i64>) -> Result<HashSet<i64>> {
        let prepared = self.bulk.borrow().taken.get(table).cloned();
        let statement = match prepared {
            Some(s) => s,
            None => {
                let sql = format!("SELECT id FROM {table} WHERE id = ANY($1::int8[])");
                let s = self.client()?.prepare(&sql).map_err(wrap)?;
                self.bulk.borrow_mut().taken.insert(table, s.clone());
                s
            }
        };
        let rows = self.client()?.query(&statement, &[&ids]).map_err(wrap)?;
        Ok(rows.iter().map(|r| r.get::<_, i64>(0)).collect())
    }

    /// What this bulk transaction looked up under `kind` and `key` (a kind
    /// named by `lookups_reading`).
    pub fn looked_up(&self, kind: &'static str, key: &str) -> Option<i64> {
        self.bulk.borrow().looked_up.get(kind)?.get(key).copied()
    }

    /// Keeps a lookup's answer until a statement writes (in a bulk
    /// transaction; else nothing is kept).
    pub fn keep_looked_up(&self, kind: &'static str, key: &str, id: i64) {
        let mut bulk = self.bulk.borrow_mut();
        if bulk.on {
            (bulk.looked_up.entry(kind).or_default()).insert(key.to_string(), id);
        }
    }

    /// Notes that a row waiting holds `key` under `kind` (until it is sent).
    pub fn wait_key(&self, kind: &'static str, key: &str) {
        let mut bulk = self.bulk.borrow_mut();
        (bulk.waiting.entry(kind).or_default()).insert(key.to_string());
    }

    /// Whether a row waiting holds `key` under `kind`.
    pub fn is_waiting(&self, kind: &'static str, key: &str) -> bool {
        (self.bulk.borrow().waiting.get(kind)).is_some_and(|keys| keys.contains(key))
    }

    /// Asks once which of `keys` no row of `table` holds in its unique
    /// column `kind`, and notes them as absent (those of rows waiting
    /// aside) until `take_absent` takes one, or a statement adds rows to
    /// `table` or writes anything else.
    /// (Rows waiting are not sent for it: this is what lets a writer ask
    /// for a batch of cases at once, and go on while rows are on their way.)
    pub fn note_absent(&self, table: &str, kind: &'static str, keys: Vec<String>) -> Result<()> {
        if keys.is_empty() || !self.bulk() {
            return Ok(());
        }
        let sql = format!("SELECT {kind} FROM {table} WHERE {kind} = ANY($1::text[])");
        let found: HashSet<String> = (self.client()?.query(&sql, &[&keys]).map_err(wrap)?)
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut bulk = self.bulk.borrow_mut();
        let waiting = bulk.waiting.get(kind).cloned().unwrap_or_default();
        let absent = bulk.absent.entry((table.to_string(), kind)).or_default();
        for key in keys {
            if !found.contains(&key) && !waiting.contains(&key) {
                absent.insert(key);
            }
        }
        Ok(())
    }

    /// Whether `key` was noted absent under `kind`; it is not any more (the
    /// caller is about to add it).
    pub fn take_absent(&self, table: &str, kind: &'static str, key: &str) -> bool {
        let mut bulk = self.bulk.borrow_mut();
        let keys = bulk.absent.get_mut(&(table.to_string(), kind));
        keys.is_some_and(|keys| keys.remove(key))
    }
}

/// Runs each COPY with its data.
fn copy_all(
    client: &mut postgres::Client,
    copies: &[(String, Bytes)],
) -> std::result::Result<(), postgres::Error> {
    for (sql, data) in copies {
        let mut copy = client.copy_in(sql.as_str())?;
        // The writer keeps what it is given until `finish`: this cannot fail.
        let _ = copy.write_all(data);
        copy.finish()?;
    }
    Ok(())
}
