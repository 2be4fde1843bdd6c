//! The one connection the store's operations talk through, whichever engine
//! holds the data: an SQLite file (embedded, the default) or a PostgreSQL
//! database (a team's). Its shape is rusqlite's, which the store was written
//! against: statements with positional parameters, rows read by index into
//! SQLite's five value types (`rusqlite::types::Value`), `Result` with
//! `rusqlite::Error`. On PostgreSQL each statement is translated once
//! (`dialect.rs`) and its values are converted to and from the column types
//! the server infers (`pg.rs`); a server's error travels inside
//! `rusqlite::Error::UserFunctionError` and is told apart by
//! [`server_error`].
//!
//! What only one engine has (pragmas, the backup API, full-text tables,
//! LISTEN/NOTIFY) is reached through [`Connection::sqlite`] and
//! [`Connection::postgres`], in the store's engine-specific files.

mod dialect;
pub(crate) mod pg;
mod pg_rows;

pub use pg_rows::CopyTable;

use rusqlite::types::{ToSql, ToSqlOutput, Value, ValueRef};
pub use rusqlite::{Error, OptionalExtension, Result};

/// Which engine a connection talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

pub struct Connection {
    inner: Inner,
}

enum Inner {
    Sqlite(rusqlite::Connection),
    Postgres(Box<pg::Pg>),
}

impl From<rusqlite::Connection> for Connection {
    fn from(c: rusqlite::Connection) -> Self {
        Connection {
            inner: Inner::Sqlite(c),
        }
    }
}

impl Connection {
    pub fn postgres_from(pg: pg::Pg) -> Connection {
        Connection {
            inner: Inner::Postgres(Box::new(pg)),
        }
    }

    pub fn engine(&self) -> Engine {
        match self.inner {
            Inner::Sqlite(_) => Engine::Sqlite,
            Inner::Postgres(_) => Engine::Postgres,
        }
    }

    /// The SQLite connection, for what only a file has.
    pub fn sqlite(&self) -> Option<&rusqlite::Connection> {
        match &self.inner {
            Inner::Sqlite(c) => Some(c),
            Inner::Postgres(_) => None,
        }
    }

    pub fn sqlite_mut(&mut self) -> Option<&mut rusqlite::Connection> {
        match &mut self.inner {
            Inner::Sqlite(c) => Some(c),
            Inner::Postgres(_) => None,
        }
    }

    /// The PostgreSQL connection, for what only a server has.
    pub fn postgres(&self) -> Option<&pg::Pg> {
        match &self.inner {
            Inner::Sqlite(_) => None,
            Inner::Postgres(p) => Some(p),
        }
    }

    pub fn prepare_cached(&self, sql: &str) -> Result<Statement<'_>> {
        Ok(Statement {
            inner: match &self.inner {
                Inner::Sqlite(c) => Stmt::Cached(c.prepare_cached(sql)?),
                Inner::Postgres(p) => Stmt::Pg(p.prepare(sql)?, Vec::new()),
            },
        })
    }

    /// `prepare_cached`, for a statement over tables that rows waiting to
    /// go in bulk never go to (vendors, channel names): on a server it runs
    /// without sending them first (see pg_rows.rs).
    pub fn prepare_apart(&self, sql: &str) -> Result<Statement<'_>> {
        Ok(Statement {
            inner: match &self.inner {
                Inner::Sqlite(c) => Stmt::Cached(c.prepare_cached(sql)?),
                Inner::Postgres(p) => Stmt::PgApart(p.prepare(sql)?),
            },
        })
    }

    pub fn prepare(&self, sql: &str) -> Result<Statement<'_>> {
        Ok(Statement {
            inner: match &self.inner {
                Inner::Sqlite(c) => Stmt::Plain(c.prepare(sql)?),
                Inner::Postgres(p) => Stmt::Pg(p.prepare(sql)?, Vec::new()),
            },
        })
    }

    pub fn execute<P: Params>(&self, sql: &str, params: P) -> Result<usize> {
        self.prepare(sql)?.execute(params)
    }

    pub fn query_row<T, P: Params, F>(&self, sql: &str, params: P, f: F) -> Result<T>
    where
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        self.prepare(sql)?.query_row(params, f)
    }

    /// Statements without parameters, separated by semicolons.
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        match &self.inner {
            Inner::Sqlite(c) => c.execute_batch(sql),
            Inner::Postgres(p) => p.batch(sql),
        }
    }

    /// A transaction that takes the write lock before it reads (SQLite's
    /// IMMEDIATE; on a server, the first write of `write_tx` takes its row lock).
    pub fn write_transaction(&mut self) -> Result<Transaction<'_>> {
        let begin = match self.inner {
            Inner::Sqlite(_) => "BEGIN IMMEDIATE",
            Inner::Postgres(_) => "BEGIN",
        };
        self.begin(begin)
    }

    pub fn transaction(&mut self) -> Result<Transaction<'_>> {
        self.begin("BEGIN")
    }

    /// A read view begun through a shared reference: every statement in it
    /// sees the database as of the same moment (on a server, REPEATABLE
    /// READ; a file's transaction always does). The caller makes sure no
    /// other transaction is open on the connection.
    pub fn unchecked_transaction(&self) -> Result<Transaction<'_>> {
        self.begin(match self.inner {
            Inner::Sqlite(_) => "BEGIN",
            Inner::Postgres(_) => "BEGIN ISOLATION LEVEL REPEATABLE READ",
        })
    }

    /// On a server, in a read view: another connection (made by `connect`)
    /// that sees the database as this one's view does (its snapshot,
    /// exported), so that a second thread reads the same moment. None on a
    /// file, outside a transaction, or when the server says no.
    pub fn reader_of_this_view(
        &self,
        connect: impl FnOnce() -> std::result::Result<postgres::Client, String>,
    ) -> Result<Option<Connection>> {
        match &self.inner {
            Inner::Postgres(p) => Ok(p
                .reader_of_this_view(connect)?
                .map(Connection::postgres_from)),
            Inner::Sqlite(_) => Ok(None),
        }
    }

    fn begin(&self, begin: &str) -> Result<Transaction<'_>> {
        self.execute_batch(begin)?;
        Ok(Transaction {
            conn: self,
            done: false,
        })
    }

    pub fn is_autocommit(&self) -> bool {
        match &self.inner {
            Inner::Sqlite(c) => c.is_autocommit(),
            Inner::Postgres(p) => !p.in_transaction(),
        }
    }

    /// How many rows the last INSERT, UPDATE or DELETE changed.
    pub fn changes(&self) -> u64 {
        match &self.inner {
            Inner::Sqlite(c) => c.changes(),
            Inner::Postgres(p) => p.changes(),
        }
    }
}

/// Rolled back when dropped without `commit`.
pub struct Transaction<'c> {
    conn: &'c Connection,
    done: bool,
}

impl Transaction<'_> {
    pub fn commit(mut self) -> Result<()> {
        self.done = true;
        self.conn.execute_batch("COMMIT")
    }

    pub fn rollback(mut self) -> Result<()> {
        self.done = true;
        self.conn.execute_batch("ROLLBACK")
    }
}

impl std::ops::Deref for Transaction<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if !self.done {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

pub struct Statement<'c> {
    inner: Stmt<'c>,
}

enum Stmt<'c> {
    Cached(rusqlite::CachedStatement<'c>),
    Plain(rusqlite::Statement<'c>),
    /// The prepared statement and the values bound one by one so far.
    Pg(pg::Prepared<'c>, Vec<Value>),
    /// A statement that needs no row waiting in bulk sent first.
    PgApart(pg::Prepared<'c>),
}

impl<'c> Statement<'c> {
    fn sqlite(&mut self) -> Option<&mut rusqlite::Statement<'c>> {
        match &mut self.inner {
            Stmt::Cached(s) => Some(s),
            Stmt::Plain(s) => Some(s),
            Stmt::Pg(..) | Stmt::PgApart(_) => None,
        }
    }

    pub fn execute<P: Params>(&mut self, params: P) -> Result<usize> {
        if let Some(s) = self.sqlite() {
            return params.with_values(&mut |v| s.execute(v));
        }
        match &self.inner {
            Stmt::Pg(p, _) => params.with_values(&mut |v| p.execute(&owned(v)?)),
            Stmt::PgApart(p) => params.with_values(&mut |v| {
                let rows = p.query_ignoring_deferred(&owned(v)?)?;
                Ok(rows.len())
            }),
            _ => unreachable!(),
        }
    }

    pub fn query<P: Params>(&mut self, params: P) -> Result<Rows<'_>> {
        let s = match &mut self.inner {
            Stmt::Cached(s) => &mut **s,
            Stmt::Plain(s) => s,
            Stmt::Pg(p, _) => {
                let cursor = params.with_values(&mut |v| p.open_cursor(&owned(v)?))?;
                return Ok(Rows::PgCursor(cursor));
            }
            Stmt::PgApart(p) => {
                let rows = params.with_values(&mut |v| p.query_ignoring_deferred(&owned(v)?))?;
                return Ok(Rows::Pg(rows.into_iter(), None));
            }
        };
        if s.parameter_count() > 0 {
            s.clear_bindings();
        }
        params.with_values(&mut |v| {
            for (i, value) in v.iter().enumerate() {
                s.raw_bind_parameter(i + 1, value)?;
            }
            Ok(())
        })?;
        Ok(Rows::Sqlite(s.raw_query()))
    }

    /// Every row at once on a server (for the small reads: a case's
    /// touches, a lookup); a file's stream as with `query`.
    fn query_whole<P: Params>(&mut self, params: P) -> Result<Rows<'_>> {
        if let Stmt::Pg(p, _) = &self.inner {
            let rows = params.with_values(&mut |v| p.query(&owned(v)?))?;
            return Ok(Rows::Pg(rows.into_iter(), None));
        }
        self.query(params)
    }

    /// The rows, each mapped by `f`. On a server they are read whole: for
    /// a read of any size, use `query`, which streams.
    pub fn query_map<T, P: Params, F>(&mut self, params: P, f: F) -> Result<MappedRows<'_, F>>
    where
        F: FnMut(&Row<'_>) -> Result<T>,
    {
        Ok(MappedRows {
            rows: self.query_whole(params)?,
            f,
        })
    }

    pub fn query_row<T, P: Params, F>(&mut self, params: P, f: F) -> Result<T>
    where
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        let mut rows = self.query_whole(params)?;
        match rows.next()? {
            Some(row) => f(&row),
            None => Err(Error::QueryReturnedNoRows),
        }
    }

    /// Gives every row to `f` in turn, which may not use the connection
    /// meanwhile: on a server the rows stream as the server sends them,
    /// with no cursor and no round trip per batch, and are read in place
    /// (for a pass over a large table, such as the report's).
    pub fn for_each_row<P: Params>(
        &mut self,
        params: P,
        mut f: impl FnMut(&Row<'_>) -> Result<()>,
    ) -> Result<()> {
        match &self.inner {
            Stmt::Pg(p, _) | Stmt::PgApart(p) => {
                params.with_values(&mut |v| p.for_each_row(&owned(v)?, &mut f))
            }
            _ => {
                let mut rows = self.query(params)?;
                while let Some(row) = rows.next()? {
                    f(&row)?;
                }
                Ok(())
            }
        }
    }

    pub fn exists<P: Params>(&mut self, params: P) -> Result<bool> {
        Ok(self.query_whole(params)?.next()?.is_some())
    }

    /// Binds parameter `index` (from 1) for `raw_execute`.
    pub fn raw_bind_parameter<T: ToSql>(&mut self, index: usize, value: T) -> Result<()> {
        if let Some(s) = self.sqlite() {
            return s.raw_bind_parameter(index, value);
        }
        let Stmt::Pg(_, bound) = &mut self.inner else {
            unreachable!("bound one by one on a statement made with `prepare` or `prepare_cached`")
        };
        if bound.len() < index {
            bound.resize(index, Value::Null);
        }
        bound[index - 1] = value_of(&value)?;
        Ok(())
    }

    pub fn raw_execute(&mut self) -> Result<usize> {
        if let Some(s) = self.sqlite() {
            return s.raw_execute();
        }
        let Stmt::Pg(p, bound) = &mut self.inner else {
            unreachable!()
        };
        let values = std::mem::take(bound);
        p.execute(&values)
    }
}

/// The rows of a query, one at a time. A file's rows stream from SQLite; a
/// server's arrive whole (`query_map`, `query_row`) or a batch at a time
/// through a cursor (`query`).
pub enum Rows<'s> {
    Sqlite(rusqlite::Rows<'s>),
    Pg(std::vec::IntoIter<Vec<Value>>, Option<Vec<Value>>),
    PgCursor(pg::Cursor<'s>),
}

impl Rows<'_> {
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<Row<'_>>> {
        match self {
            Rows::Sqlite(rows) => Ok(rows.next()?.map(Row::Sqlite)),
            Rows::Pg(rows, current) => {
                *current = rows.next();
                Ok(current.as_deref().map(Row::Values))
            }
            Rows::PgCursor(cursor) => Ok(cursor.next_row()?.map(Row::Values)),
        }
    }
}

pub struct MappedRows<'s, F> {
    rows: Rows<'s>,
    f: F,
}

impl<T, F> Iterator for MappedRows<'_, F>
where
    F: FnMut(&Row<'_>) -> Result<T>,
{
    type Item = Result<T>;
    fn next(&mut self) -> Option<Result<T>> {
        match self.rows.next() {
            Ok(Some(row)) => Some((self.f)(&row)),
            Ok(None) => None,
            Err(e) => Some(Err(e)),
        }
    }
}

/// One row: read a column by its index into any `FromSql` type.
pub enum Row<'r> {
    Sqlite(&'r rusqlite::Row<'r>),
    Values(&'r [Value]),
    /// A server's row as it arrived, read in place (`for_each_row`).
    Server(&'r postgres::Row),
}

impl Row<'_> {
    pub fn get<I: ColumnIndex, T: rusqlite::types::FromSql>(&self, i: I) -> Result<T> {
        let i = i.index();
        match self {
            Row::Sqlite(r) => r.get(i),
            Row::Values(values) => {
                let value = values.get(i).ok_or(Error::InvalidColumnIndex(i))?;
                T::column_result(ValueRef::from(value)).map_err(|e| match e {
                    rusqlite::types::FromSqlError::InvalidType => {
                        Error::InvalidColumnType(i, format!("{i}"), value.data_type())
                    }
                    other => Error::FromSqlConversionFailure(i, value.data_type(), Box::new(other)),
                })
            }
            Row::Server(_) => {
                let value = self.get_ref(i)?;
                T::column_result(value).map_err(|e| match e {
                    rusqlite::types::FromSqlError::InvalidType => {
                        Error::InvalidColumnType(i, format!("{i}"), value.data_type())
                    }
                    other => Error::FromSqlConversionFailure(i, value.data_type(), Box::new(other)),
                })
            }
        }
    }

    pub fn get_ref<I: ColumnIndex>(&self, i: I) -> Result<ValueRef<'_>> {
        let i = i.index();
        match self {
            Row::Sqlite(r) => r.get_ref(i),
            Row::Values(values) => values
                .get(i)
                .map(ValueRef::from)
                .ok_or(Error::InvalidColumnIndex(i)),
            Row::Server(row) => pg::value_ref(row, i),
        }
    }
}

/// A column's position in a row (from 0).
pub trait ColumnIndex {
    fn index(self) -> usize;
}

impl ColumnIndex for usize {
    fn index(self) -> usize {
        self
    }
}

/// What a statement's parameters can be given as: `params![…]`, an array,
/// `[]`, or [`params_from_iter`].
pub trait Params {
    fn with_values<R>(self, f: &mut dyn FnMut(&[&dyn ToSql]) -> Result<R>) -> Result<R>;
}

impl Params for &[&dyn ToSql] {
    fn with_values<R>(self, f: &mut dyn FnMut(&[&dyn ToSql]) -> Result<R>) -> Result<R> {
        f(self)
    }
}

impl Params for [&dyn ToSql; 0] {
    fn with_values<R>(self, f: &mut dyn FnMut(&[&dyn ToSql]) -> Result<R>) -> Result<R> {
        f(&[])
    }
}

macro_rules! array_params {
    ($($n:literal)*) => {$(
        impl<T: ToSql> Params for [T; $n] {
            fn with_values<R>(self, f: &mut dyn FnMut(&[&dyn ToSql]) -> Result<R>) -> Result<R> {
                let refs: Vec<&dyn ToSql> = self.iter().map(|v| v as &dyn ToSql).collect();
                f(&refs)
            }
        }

        impl<T: ToSql> Params for &[T; $n] {
            fn with_values<R>(self, f: &mut dyn FnMut(&[&dyn ToSql]) -> Result<R>) -> Result<R> {
                let refs: Vec<&dyn ToSql> = self.iter().map(|v| v as &dyn ToSql).collect();
                f(&refs)
            }
        }
    )*};
}
array_params!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);

impl<T: ToSql> Params for &Vec<T> {
    fn with_values<R>(self, f: &mut dyn FnMut(&[&dyn ToSql]) -> Result<R>) -> Result<R> {
        let refs: Vec<&dyn ToSql> = self.iter().map(|v| v as &dyn ToSql).collect();
        f(&refs)
    }
}

pub struct FromIter<I>(I);

/// Parameters from an iterator of values, in order.
pub fn params_from_iter<I>(iter: I) -> FromIter<I>
where
    I: IntoIterator,
    I::Item: ToSql,
{
    FromIter(iter)
}

impl<I> Params for FromIter<I>
where
    I: IntoIterator,
    I::Item: ToSql,
{
    fn with_values<R>(self, f: &mut dyn FnMut(&[&dyn ToSql]) -> Result<R>) -> Result<R> {
        let items: Vec<I::Item> = self.0.into_iter().collect();
        let refs: Vec<&dyn ToSql> = items.iter().map(|v| v as &dyn ToSql).collect();
        f(&refs)
    }
}

/// `params![a, b]`: the values of a statement's `?1`, `?2`, … in order.
#[macro_export]
macro_rules! sql_params {
    () => { &[] as &[&dyn rusqlite::types::ToSql] };
    ($($p:expr),+ $(,)?) => { &[$(&$p as &dyn rusqlite::types::ToSql),+] as &[&dyn rusqlite::types::ToSql] };
}
pub use crate::sql_params as params;

/// A parameter's value, owned.
pub fn value_of(v: &dyn ToSql) -> Result<Value> {
    Ok(match v.to_sql()? {
        ToSqlOutput::Borrowed(r) => match r {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(i) => Value::Integer(i),
            ValueRef::Real(f) => Value::Real(f),
            ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => Value::Blob(b.to_vec()),
        },
        ToSqlOutput::Owned(v) => v,
        other => {
            return Err(Error::ToSqlConversionFailure(
                format!("a value of a kind the server does not take: {other:?}").into(),
            ))
        }
    })
}

fn owned(values: &[&dyn ToSql]) -> Result<Vec<Value>> {
    values.iter().map(|v| value_of(*v)).collect()
}

/// The server's own error, when `e` came from PostgreSQL.
pub fn server_error(e: &Error) -> Option<&postgres::Error> {
    match e {
        Error::UserFunctionError(inner) => inner.downcast_ref::<postgres::Error>(),
        _ => None,
    }
}
