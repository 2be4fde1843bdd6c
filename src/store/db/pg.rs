//! A PostgreSQL connection behind the store's connection: statements
//! translated and prepared once, values converted to the types the server
//! infers for each parameter, and each column's value read back as one of
//! SQLite's five types (integers of every width and whole numerics as
//! integers, reals, text, bytes).

use super::dialect;
use postgres::types::{IsNull, Kind, ToSql as PgToSql, Type};
use rusqlite::types::{Value, ValueRef};
use rusqlite::{Error, Result};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::Arc as Rc;

pub struct Pg {
    pub(super) client: RefCell<Slot>,
    prepared: RefCell<HashMap<String, Kept>>,
    changes: Cell<u64>,
    in_transaction: Cell<bool>,
    /// The schema casebook's tables are in (SQLite's `main.`).
    schema: String,
    /// Whether this connection listens for other clients' writes, and how
    /// many it has heard of.
    listening: Cell<bool>,
    heard: Cell<i64>,
    /// Cursors opened so far (their names).
    cursors: Cell<u64>,
    /// Rows waiting to be sent in bulk (see pg_rows.rs).
    pub(super) bulk: RefCell<super::pg_rows::Bulk>,
}

/// Where the client is.
pub(super) enum Slot {
    Here(Box<postgres::Client>),
    /// On a thread that sends rows in bulk (pg_rows.rs); it comes back
    /// with how that went.
    Away(
        std::thread::JoinHandle<(
            Box<postgres::Client>,
            std::result::Result<(), postgres::Error>,
        )>,
    ),
    /// Gone with a thread that failed.
    Lost,
}

/// A statement kept prepared, with its text as the server read it and
/// what it may write.
type Kept = (Rc<postgres::Statement>, Rc<String>, Writes);

/// A prepared statement of a connection.
pub struct Prepared<'c> {
    pg: &'c Pg,
    statement: Rc<postgres::Statement>,
    /// Its text as the server reads it.
    translated: Rc<String>,
    writes: Writes,
}

/// What a statement may write, as its first words say.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Writes {
    /// Nothing: a SELECT (or a cursor's DECLARE, FETCH, CLOSE).
    Nothing,
    /// Rows added to this table only: a plain INSERT (no `DO UPDATE`).
    Adds(String),
    /// Rows of this table only added, changed or removed: an UPDATE, an
    /// upsert, or a DELETE from a table no other table's rows follow.
    Rewrites(String),
    /// Anything.
    Changes,
}

/// The tables whose deleted rows take others' rows with them (a case its
/// touches, tags, flags and figures; a vendor its aliases).
const DELETES_FOLLOWED: [&str; 2] = ["cases", "vendors"];

impl Writes {
    pub(super) fn of(sql: &str) -> Writes {
        let words: Vec<String> = (sql.split_whitespace().take(3))
            .map(|w| w.to_ascii_uppercase())
            .collect();
        let table = |n: usize| {
            let word = sql.split_whitespace().nth(n).unwrap_or_default();
            word.split('(').next().unwrap_or_default().to_string()
        };
        let second = |w: &str| words.get(1).is_some_and(|x| x == w);
        match words.first().map(String::as_str) {
            Some("SELECT" | "DECLARE" | "FETCH" | "CLOSE") => Writes::Nothing,
            Some("INSERT") if second("INTO") => {
                if sql.to_ascii_uppercase().contains("DO UPDATE") {
                    Writes::Rewrites(table(2))
                } else {
                    Writes::Adds(table(2))
                }
            }
            Some("UPDATE") => Writes::Rewrites(table(1)),
            Some("DELETE") if second("FROM") && !DELETES_FOLLOWED.contains(&table(2).as_str()) => {
                Writes::Rewrites(table(2))
            }
            _ => Writes::Changes,
        }
    }
}

/// Rows read a batch at a time through a server-side cursor, so that a
/// million cases stream in bounded memory; other statements may run between
/// two batches (the cursor lives until its transaction ends). Where no
/// transaction is open, the cursor opens one of its own and commits it when
/// dropped (a cursor reads one snapshot, whatever is written meanwhile).
pub struct Cursor<'c> {
    pg: &'c Pg,
    name: String,
    batch: std::vec::IntoIter<Vec<Value>>,
    current: Option<Vec<Value>>,
    done: bool,
    own_transaction: bool,
}

/// Rows a cursor fetches at a time.
const CURSOR_BATCH: usize = 2_000;

/// With CASEBOOK_DEBUG_SQL set, a statement the server refused is printed
/// with its error (for casebook's developers).
fn debug_sql(sql: &str, e: &postgres::Error) {
    if std::env::var_os("CASEBOOK_DEBUG_SQL").is_some() {
        eprintln!("-- refused: {e:?}\n{sql}");
    }
}

/// The client went with a thread that failed.
fn lost() -> Error {
    Error::UserFunctionError(
        "lost the connection to the database server (a thread sending rows failed)".into(),
    )
}

/// A server's error, carried in rusqlite's.
pub fn wrap(e: postgres::Error) -> Error {
    Error::UserFunctionError(Box::new(e))
}

impl Pg {
    pub fn new(mut client: postgres::Client) -> Result<Pg> {
        let schema: String = client
            .query_one("SELECT quote_ident(current_schema())", &[])
            .map_err(wrap)?
            .get(0);
        Ok(Pg {
            schema,
            client: RefCell::new(Slot::Here(Box::new(client))),
            prepared: RefCell::new(HashMap::new()),
            changes: Cell::new(0),
            in_transaction: Cell::new(false),
            listening: Cell::new(false),
            heard: Cell::new(0),
            cursors: Cell::new(0),
            bulk: RefCell::new(Default::default()),
        })
    }

    /// Another connection, from `connect`, in a transaction that sees what
    /// this one's open transaction sees (`pg_export_snapshot`, as pg_dump's
    /// parallel workers do); None outside a transaction, or when the new
    /// connection cannot be made or take the snapshot.
    pub fn reader_of_this_view(
        &self,
        connect: impl FnOnce() -> std::result::Result<postgres::Client, String>,
    ) -> Result<Option<Pg>> {
        if !self.in_transaction() {
            return Ok(None);
        }
        let snapshot: String = self
            .client()?
            .query_one("SELECT pg_export_snapshot()", &[])
            .map_err(wrap)?
            .get(0);
        let Ok(mut client) = connect() else {
            return Ok(None);
        };
        let begin = format!(
            "BEGIN ISOLATION LEVEL REPEATABLE READ; SET TRANSACTION SNAPSHOT '{}'",
            snapshot.replace('\'', "''")
        );
        if client.batch_execute(&begin).is_err() {
            return Ok(None);
        }
        let pg = Pg::new(client)?;
        pg.in_transaction.set(true);
        Ok(Some(pg))
    }

    /// How many writes this connection has been told of (NOTIFY casebook,
    /// sent by every write at its commit: migrations/postgres): it moves
    /// when anyone writes, which is how screens learn to refresh, without
    /// reading a table. The first call starts listening.
    pub fn writes_heard(&self) -> Result<i64> {
        let mut client = self.client()?;
        if !self.listening.get() {
            client.batch_execute("LISTEN casebook").map_err(wrap)?;
            self.listening.set(true);
        }
        let mut notifications = client.notifications();
        let mut heard = self.heard.get();
        let mut pending = notifications.iter();
        while postgres::fallible_iterator::FallibleIterator::next(&mut pending)
            .map_err(wrap)?
            .is_some()
        {
            heard += 1;
        }
        self.heard.set(heard);
        Ok(heard)
    }

    /// The client itself, for what the store's connection does not say
    /// (LISTEN, COPY, cancelling), once rows sent in bulk have gone (their
    /// error, if any, is this call's). Rows still waiting are not sent
    /// first: call `send_deferred` before a statement that needs them.
    pub fn client(&self) -> Result<std::cell::RefMut<'_, postgres::Client>> {
        let mut slot = self.client.borrow_mut();
        if let Slot::Away(_) = &*slot {
            let Slot::Away(sending) = std::mem::replace(&mut *slot, Slot::Lost) else {
                unreachable!()
            };
            let (client, sent) = sending.join().map_err(|_| lost())?;
            *slot = Slot::Here(client);
            sent.map_err(wrap)?;
        }
        match &*slot {
            Slot::Here(_) => Ok(std::cell::RefMut::map(slot, |s| match s {
                Slot::Here(c) => &mut **c,
                _ => unreachable!(),
            })),
            _ => Err(lost()),
        }
    }

    pub fn in_transaction(&self) -> bool {
        self.in_transaction.get()
    }

    pub fn changes(&self) -> u64 {
        self.changes.get()
    }

    pub fn prepare(&self, sql: &str) -> Result<Prepared<'_>> {
        if let Some((statement, translated, writes)) = self.prepared.borrow().get(sql) {
            return Ok(Prepared {
                pg: self,
                statement: statement.clone(),
                translated: translated.clone(),
                writes: writes.clone(),
            });
        }
        let translated = dialect::postgres(sql, &self.schema);
        let writes = Writes::of(&translated);
        let statement = Rc::new(
            self.client()?
                .prepare(&translated)
                .inspect_err(|e| debug_sql(&translated, e))
                .map_err(wrap)?,
        );
        let mut prepared = self.prepared.borrow_mut();
        // Temporary tables come and go (--as-of): a statement prepared over
        // one is not kept past a thousand others.
        if prepared.len() > 1_000 {
            prepared.clear();
        }
        let translated = Rc::new(translated);
        prepared.insert(
            sql.to_string(),
            (statement.clone(), translated.clone(), writes.clone()),
        );
        Ok(Prepared {
            pg: self,
            statement,
            translated,
            writes,
        })
    }

    pub fn batch(&self, sql: &str) -> Result<()> {
        let translated = dialect::postgres(sql, &self.schema);
        let first = translated.trim_start().to_ascii_uppercase();
        let ends = first.starts_with("COMMIT") || first.starts_with("ROLLBACK");
        if first.starts_with("COMMIT") {
            // The rows waiting go in before the commit; if they cannot,
            // nothing of the transaction is kept.
            if let Err(e) = self.send_deferred().and_then(|()| self.analyze_grown()) {
                let _ = self.client().map(|mut c| c.batch_execute("ROLLBACK"));
                self.in_transaction.set(false);
                self.end_bulk();
                return Err(e);
            }
        } else if ends || first.starts_with("BEGIN") {
            // What was sent or waits is dropped with the transaction.
            let _ = self.client();
            self.end_bulk();
        } else {
            self.before_statement(&Writes::Changes)?;
        }
        let result = self
            .client()?
            .batch_execute(&translated)
            .inspect_err(|e| debug_sql(&translated, e));
        if first.starts_with("BEGIN") {
            self.in_transaction.set(result.is_ok());
        } else if ends {
            self.in_transaction.set(false);
            self.end_bulk();
        }
        // Statements prepared over a table that a temporary view now
        // shadows (--as-of) would go on reading the table.
        if first.starts_with("CREATE") || first.starts_with("DROP") {
            self.prepared.borrow_mut().clear();
        }
        result.map_err(wrap)
    }

    /// Forgets every prepared statement (after the tables they read changed
    /// shape, as temporary views do).
    pub fn forget_prepared(&self) {
        self.prepared.borrow_mut().clear();
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        // Rows on their way are waited for, so that the connection closes
        // in order (the transaction they belong to was not committed).
        let _ = self.client();
    }
}

impl Prepared<'_> {
    fn bound<'v>(&self, values: &'v [Value]) -> Result<Vec<Param<'v>>> {
        let types = self.statement.params();
        if types.len() != values.len() && !(values.is_empty() && types.is_empty()) {
            return Err(Error::InvalidParameterCount(values.len(), types.len()));
        }
        Ok(values.iter().map(Param).collect())
    }

    pub fn execute(&self, values: &[Value]) -> Result<usize> {
        self.pg.before_statement(&self.writes)?;
        let params = self.bound(values)?;
        let refs: Vec<&(dyn PgToSql + Sync)> =
            params.iter().map(|p| p as &(dyn PgToSql + Sync)).collect();
        let n = self
            .pg
            .client()?
            .execute(&*self.statement, &refs)
            .map_err(wrap)?;
        self.pg.changes.set(n);
        Ok(n as usize)
    }

    pub fn query(&self, values: &[Value]) -> Result<Vec<Vec<Value>>> {
        self.pg.before_statement(&self.writes)?;
        self.query_ignoring_deferred(values)
    }

    /// `query` without first sending the rows waiting in bulk: for a read
    /// whose answer they cannot change (see pg_rows.rs).
    pub fn query_ignoring_deferred(&self, values: &[Value]) -> Result<Vec<Vec<Value>>> {
        let params = self.bound(values)?;
        let refs: Vec<&(dyn PgToSql + Sync)> =
            params.iter().map(|p| p as &(dyn PgToSql + Sync)).collect();
        let rows = self
            .pg
            .client()?
            .query(&*self.statement, &refs)
            .map_err(wrap)?;
        if !rows.is_empty() && !self.statement.columns().is_empty() {
            // INSERT … RETURNING counts its rows as changes.
            self.pg.changes.set(rows.len() as u64);
        }
        rows.iter().map(row_values).collect()
    }
}

impl Prepared<'_> {
    /// Each row to `f` as it arrives (see `Statement::for_each_row`).
    pub fn for_each_row(
        &self,
        values: &[Value],
        f: &mut dyn FnMut(&super::Row<'_>) -> Result<()>,
    ) -> Result<()> {
        self.pg.before_statement(&self.writes)?;
        let params = self.bound(values)?;
        let mut client = self.pg.client()?;
        let mut rows = client
            .query_raw(&*self.statement, params.iter().map(|p| p as &dyn PgToSql))
            .map_err(wrap)?;
        while let Some(row) =
            postgres::fallible_iterator::FallibleIterator::next(&mut rows).map_err(wrap)?
        {
            f(&super::Row::Server(&row))?;
        }
        Ok(())
    }
}

/// Column `i` of a server's row as one of SQLite's types, read in place.
pub(super) fn value_ref(row: &postgres::Row, i: usize) -> Result<ValueRef<'_>> {
    let ty = row
        .columns()
        .get(i)
        .ok_or(Error::InvalidColumnIndex(i))?
        .type_()
        .clone();
    let raw = row
        .try_get::<_, Raw<'_>>(i)
        .map_err(|e| Error::FromSqlConversionFailure(i, rusqlite::types::Type::Null, e.into()))?;
    let Some(bytes) = raw.0 else {
        return Ok(ValueRef::Null);
    };
    let failed = |e: BoxError| Error::FromSqlConversionFailure(i, rusqlite::types::Type::Null, e);
    Ok(match ty {
        Type::BYTEA => ValueRef::Blob(bytes),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
            ValueRef::Text(bytes)
        }
        _ => match <Column as postgres::types::FromSql>::from_sql(&ty, bytes)
            .map_err(failed)?
            .0
        {
            Value::Integer(n) => ValueRef::Integer(n),
            Value::Real(x) => ValueRef::Real(x),
            Value::Null => ValueRef::Null,
            // Text of another type (an enum, JSON) is its bytes as they came.
            Value::Text(_) if ty != Type::JSONB => ValueRef::Text(bytes),
            _ => {
                return Err(failed(
                    format!("a column of type {ty}, read in place").into(),
                ))
            }
        },
    })
}

/// A column's bytes as they came, whatever its type.
struct Raw<'a>(Option<&'a [u8]>);

impl<'a> postgres::types::FromSql<'a> for Raw<'a> {
    fn from_sql(_: &Type, raw: &'a [u8]) -> std::result::Result<Self, BoxError> {
        Ok(Raw(Some(raw)))
    }

    fn from_sql_null(_: &Type) -> std::result::Result<Self, BoxError> {
        Ok(Raw(None))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

impl<'c> Prepared<'c> {
    /// The rows through a cursor (see `Cursor`).
    pub fn open_cursor(&self, values: &[Value]) -> Result<Cursor<'c>> {
        let pg = self.pg;
        let own_transaction = !pg.in_transaction();
        if own_transaction {
            pg.batch("BEGIN")?;
        }
        let n = pg.cursors.get() + 1;
        pg.cursors.set(n);
        let mut cursor = Cursor {
            pg,
            name: format!("casebook_rows_{n}"),
            batch: Vec::new().into_iter(),
            current: None,
            done: false,
            own_transaction,
        };
        let declare = format!(
            "DECLARE {} NO SCROLL CURSOR FOR {}",
            cursor.name, self.translated
        );
        let statement = pg
            .client()?
            .prepare(&declare)
            .inspect_err(|e| debug_sql(&declare, e))
            .map_err(wrap)?;
        let declared = Prepared {
            pg,
            statement: Rc::new(statement),
            translated: Rc::new(declare),
            writes: Writes::Nothing,
        };
        declared.execute(values)?;
        cursor.fetch()?;
        Ok(cursor)
    }
}

impl Cursor<'_> {
    fn fetch(&mut self) -> Result<()> {
        let rows = self
            .pg
            .client()?
            .query(&format!("FETCH {CURSOR_BATCH} FROM {}", self.name), &[])
            .map_err(wrap)?;
        self.done = rows.len() < CURSOR_BATCH;
        self.batch = rows
            .iter()
            .map(row_values)
            .collect::<Result<Vec<_>>>()?
            .into_iter();
        Ok(())
    }

    pub fn next_row(&mut self) -> Result<Option<&[Value]>> {
        self.current = self.batch.next();
        if self.current.is_none() && !self.done {
            self.fetch()?;
            self.current = self.batch.next();
        }
        Ok(self.current.as_deref())
    }
}

impl Drop for Cursor<'_> {
    fn drop(&mut self) {
        if self.own_transaction {
            // As if each statement had committed on its own: what was
            // written meanwhile (a view's temporary tables) stays.
            let _ = self.pg.batch("COMMIT");
        } else {
            let _ =
                (self.pg.client()).map(|mut c| c.batch_execute(&format!("CLOSE {}", self.name)));
        }
    }
}

fn row_values(row: &postgres::Row) -> Result<Vec<Value>> {
    (0..row.len())
        .map(|i| {
            row.try_get::<_, Column>(i).map(|c| c.0).map_err(|e| {
                Error::FromSqlConversionFailure(i, rusqlite::types::Type::Null, e.into())
            })
        })
        .collect()
}

/// One parameter, converted to the type the server expects there.
#[derive(Debug)]
pub(super) struct Param<'v>(pub(super) &'v Value);

type BoxError = Box<dyn std::error::Error + Sync + Send>;

impl PgToSql for Param<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<IsNull, BoxError> {
        let wrong = || -> BoxError {
            format!("a {} value where the server expects {ty}", kind_of(self.0)).into()
        };
        match self.0 {
            Value::Null => Ok(IsNull::Yes),
            Value::Integer(i) => match *ty {
                Type::INT8 => i.to_sql(ty, out),
                Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                Type::FLOAT8 => (*i as f64).to_sql(ty, out),
                Type::FLOAT4 => (*i as f32).to_sql(ty, out),
                Type::BOOL => (*i != 0).to_sql(ty, out),
                Type::NUMERIC => Ok(numeric_from_integer(*i, out)),
                Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
                    i.to_string().as_str().to_sql(&Type::TEXT, out)
                }
                _ => Err(wrong()),
            },
            Value::Real(f) => match *ty {
                Type::FLOAT8 => f.to_sql(ty, out),
                Type::FLOAT4 => (*f as f32).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR | Type::UNKNOWN => {
                    f.to_string().as_str().to_sql(&Type::TEXT, out)
                }
                _ => Err(wrong()),
            },
            Value::Text(s) => match *ty {
                Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
                    s.as_str().to_sql(&Type::TEXT, out)
                }
                Type::JSON => s.as_str().to_sql(&Type::TEXT, out),
                Type::JSONB => {
                    out.extend_from_slice(&[1]);
                    out.extend_from_slice(s.as_bytes());
                    Ok(IsNull::No)
                }
                Type::INT8 => s.trim().parse::<i64>()?.to_sql(ty, out),
                Type::INT4 => s.trim().parse::<i32>()?.to_sql(ty, out),
                Type::FLOAT8 => s.trim().parse::<f64>()?.to_sql(ty, out),
                Type::BYTEA => s.as_bytes().to_sql(ty, out),
                _ => Err(wrong()),
            },
            Value::Blob(b) => match *ty {
                Type::BYTEA | Type::UNKNOWN => b.as_slice().to_sql(&Type::BYTEA, out),
                _ => Err(wrong()),
            },
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Integer(_) => "integer",
        Value::Real(_) => "real",
        Value::Text(_) => "text",
        Value::Blob(_) => "blob",
    }
}

/// A whole number as NUMERIC's binary form: base-10000 digits.
fn numeric_from_integer(i: i64, out: &mut bytes::BytesMut) -> IsNull {
    let negative = i < 0;
    let mut n = i.unsigned_abs();
    let mut digits = Vec::new();
    while n > 0 {
        digits.push((n % 10_000) as i16);
        n /= 10_000;
    }
    digits.reverse();
    let weight = digits.len() as i16 - 1;
    out.extend_from_slice(&(digits.len() as i16).to_be_bytes());
    out.extend_from_slice(&weight.max(0).to_be_bytes());
    out.extend_from_slice(&(if negative { 0x4000u16 } else { 0 }).to_be_bytes());
    out.extend_from_slice(&0i16.to_be_bytes());
    for d in digits {
        out.extend_from_slice(&d.to_be_bytes());
    }
    IsNull::No
}

/// A column's value, whatever its type, as one of SQLite's.
struct Column(Value);

impl<'a> postgres::types::FromSql<'a> for Column {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> std::result::Result<Self, BoxError> {
        Ok(Column(match *ty {
            Type::INT8 => Value::Integer(<i64 as postgres::types::FromSql>::from_sql(ty, raw)?),
            Type::INT4 => Value::Integer(i32::from_sql(ty, raw)?.into()),
            Type::INT2 => Value::Integer(i16::from_sql(ty, raw)?.into()),
            Type::OID => Value::Integer(u32::from_sql(ty, raw)?.into()),
            Type::BOOL => Value::Integer(bool::from_sql(ty, raw)?.into()),
            Type::FLOAT8 => Value::Real(f64::from_sql(ty, raw)?),
            Type::FLOAT4 => Value::Real(f32::from_sql(ty, raw)?.into()),
            Type::NUMERIC => numeric(raw)?,
            Type::BYTEA => Value::Blob(raw.to_vec()),
            Type::JSONB => Value::Text(String::from_utf8(raw.get(1..).unwrap_or(&[]).to_vec())?),
            _ => match ty.kind() {
                Kind::Simple | Kind::Enum(_) | Kind::Domain(_) => {
                    Value::Text(String::from_utf8(raw.to_vec())?)
                }
                _ => {
                    return Err(
                        format!("a column of type {ty}, which casebook does not read").into(),
                    )
                }
            },
        }))
    }

    fn from_sql_null(_: &Type) -> std::result::Result<Self, BoxError> {
        Ok(Column(Value::Null))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// NUMERIC's binary form, read as an integer when it is whole (a SUM of
/// integers) and as a real otherwise (an AVG).
fn numeric(raw: &[u8]) -> std::result::Result<Value, BoxError> {
    let word = |i: usize| -> std::result::Result<i16, BoxError> {
        raw.get(i * 2..i * 2 + 2)
            .map(|b| i16::from_be_bytes([b[0], b[1]]))
            .ok_or_else(|| "a short NUMERIC".into())
    };
    let ndigits = word(0)? as usize;
    let weight = word(1)? as i32;
    let sign = word(2)? as u16;
    let scale = word(3)?;
    if sign == 0xC000 {
        return Ok(Value::Real(f64::NAN));
    }
    let mut whole: i128 = 0;
    let mut real = 0f64;
    let mut fractional = false;
    for k in 0..ndigits {
        let d = word(4 + k)? as i128;
        let power = weight - k as i32;
        real += d as f64 * 10_000f64.powi(power);
        if power >= 0 {
            whole += d * 10_000i128.pow(power as u32);
        } else if d != 0 {
            fractional = true;
        }
    }
    let negative = sign == 0x4000;
    // A whole numeric of scale 0 (a SUM of integers) reads as SQLite's would.
    if !fractional && scale == 0 {
        if let Ok(i) = i64::try_from(if negative { -whole } else { whole }) {
            return Ok(Value::Integer(i));
        }
    }
    Ok(Value::Real(if negative { -real } else { real }))
}

#[cfg(test)]
mod tests {
    use super::Writes;

    /// A report's second reader on a server sees what the first one's view
    /// sees: not a write committed after that view began.
    #[test]
    fn a_second_reader_sees_the_first_readers_view() {
        let Ok(url) = std::env::var("CASEBOOK_PG") else {
            eprintln!("skipped: CASEBOOK_PG is not set (no PostgreSQL server)");
            return;
        };
        let target = crate::db_url::PgTarget::parse(&url).unwrap();
        let first = super::super::Connection::postgres_from(
            super::Pg::new(target.connect().unwrap()).unwrap(),
        );
        let table = format!("casebook_view_{}", std::process::id());
        first
            .execute_batch(&format!(
                "DROP TABLE IF EXISTS {table}; CREATE TABLE {table} (n BIGINT); INSERT INTO {table} VALUES (1)"
            ))
            .unwrap();
        let count = format!("SELECT count(*) FROM {table}");
        let view = first.unchecked_transaction().unwrap();
        let seen: i64 = first.query_row(&count, [], |r| r.get(0)).unwrap();
        assert_eq!(seen, 1);
        let mut writer = target.connect().unwrap();
        writer
            .batch_execute(&format!("INSERT INTO {table} VALUES (2)"))
            .unwrap();
        // The view itself still sees one row, and so does its second reader.
        let seen: i64 = first.query_row(&count, [], |r| r.get(0)).unwrap();
        assert_eq!(seen, 1, "the view saw a later write");
        let second = first
            .reader_of_this_view(|| target.connect())
            .unwrap()
            .expect("a second reader");
        let theirs: i64 = second.query_row(&count, [], |r| r.get(0)).unwrap();
        assert_eq!(theirs, 1, "the second reader saw a later write");
        drop(second);
        drop(view);
        writer
            .batch_execute(&format!("DROP TABLE {table}"))
            .unwrap();
    }

    #[test]
    fn a_statement_says_what_it_may_write() {
        assert_eq!(Writes::of("  select 1"), Writes::Nothing);
        assert_eq!(
            Writes::of("INSERT INTO vendors (name, name_key) VALUES ($1, $2) RETURNING id"),
            Writes::Adds("vendors".into())
        );
        assert_eq!(
            Writes::of(
                "INSERT INTO case_tags(case_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING"
            ),
            Writes::Adds("case_tags".into())
        );
        assert_eq!(
            Writes::of("INSERT INTO meta (key, value) VALUES ('writes', '1') ON CONFLICT (key) DO UPDATE SET value = 2"),
            Writes::Rewrites("meta".into())
        );
        assert_eq!(
            Writes::of("UPDATE cases SET title = $1"),
            Writes::Rewrites("cases".into())
        );
        assert_eq!(
            Writes::of("DELETE FROM case_flags WHERE case_id = $1"),
            Writes::Rewrites("case_flags".into())
        );
        // A case's or a vendor's rows follow it: anything may change.
        assert_eq!(
            Writes::of("DELETE FROM cases WHERE id = $1"),
            Writes::Changes
        );
        assert_eq!(
            Writes::of("DELETE FROM vendors WHERE id = $1"),
            Writes::Changes
        );
        assert_eq!(
            Writes::of("WITH x AS (SELECT 1) DELETE FROM t"),
            Writes::Changes
        );
    }
}
