//! The only place with SQL. Opens the file (pragmas, migrations), and reads
//! and writes cases, touchpoints, vendors and events as domain types.

mod as_of;
mod case_batch;
mod cases;
pub mod charts;
pub mod db;
mod derivation;
mod edits;
mod event_value;
mod events;
mod every_case;
mod figures;
mod grouping;
mod history;
mod journey;
mod note_index;
mod open;
mod open_server;
pub mod paging;
mod place;
pub mod query;
pub mod report;
mod report_pass;
mod row_values;
mod rows;
mod server_rows;
mod setup;
pub mod sla;
mod sla_cache;
mod sla_read;
pub mod sla_undo;
mod summary;
mod vendors;
mod writer;

pub use cases::{CaseRef, Merge};
pub use edits::Clash;
pub use events::{undo_ranges, Actor, Event, EventText, RawEvent, UNDO};
pub use history::Numbered;
pub use open::{default_path, Store, DEFAULT_BUSY_TIMEOUT, SCHEMA_VERSION};
pub use place::Place;
pub use summary::SummaryRates;
pub use summary::{ReadySummary, Summarizer};
pub use writer::Writer;

use crate::domain::case::Invalid;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} is not a casebook database (it is not an SQLite file, or it holds another program's data)")]
    NotADatabase(PathBuf),
    #[error("{path} was written by a newer casebook (schema {found}; this one knows up to {known}): upgrade casebook to open it")]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("{0} is read-only: it was opened read-only, so nothing can be changed (check the file's permissions)")]
    ReadOnly(PathBuf),
    #[error("this is the casebook as it stood at {} (--as-of): a view of the past writes nothing; drop --as-of to change it", crate::domain::time::local_text(*.0))]
    PastView(chrono::DateTime<chrono::Utc>),
    #[error("the database is locked by another process; try again in a moment")]
    Locked,
    #[error("{0} does not exist (nothing was created: give --db the right file, or create one with 'casebook add', 'import' or 'demo')")]
    NoSuchFile(PathBuf),
    #[error("{what} changed since this form opened: {}; save again to put yours over it, or Esc to keep theirs", clashes.iter().map(|c| c.to_string()).collect::<Vec<_>>().join("; "))]
    Changed { what: String, clashes: Vec<Clash> },
    #[error("{0} is empty: not a casebook database yet (nothing was written; 'casebook add', 'import' or 'demo' make it one)")]
    Empty(PathBuf),
    #[error("cannot open {path}: {reason}")]
    CannotOpen { path: PathBuf, reason: String },
    #[error("no case '{0}' (give its id, its ref or its uid)")]
    NoSuchCase(String),
    #[error("no touchpoint {0}")]
    NoSuchTouch(i64),
    // Transparent: its message is said once, not again as its own cause.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error("the disk is full or the file reached its size limit ({0}): nothing of this change was written; free some space and try again")]
    DiskFull(rusqlite::Error),
    #[error("the database file is damaged ({0}): it may be truncated or overwritten; nothing was changed. Restore it from a copy ('casebook backup' makes one)")]
    Damaged(rusqlite::Error),
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error("schema migration failed: {0}")]
    Migration(String),
    #[error("cannot write the output: {0}")]
    Output(String),
    /// A dry run's transaction is rolled back on purpose.
    #[error("dry run: nothing was written")]
    DryRun,
    #[error("{0}: this database role may only read, so nothing can be changed (ask for a writer role: see the README's \"Working as a team\")")]
    ReadOnlyRole(String),
    #[error("lost the connection to the database server ({0}); nothing of the unfinished change was kept: try again when the server is back")]
    ConnectionLost(String),
    #[error("database server: {0}")]
    Server(String),
    /// What only an SQLite file has, asked of a server.
    #[error("this works on a casebook file only, not on a PostgreSQL database")]
    FileOnly,
    /// A read stopped because its caller asked (`Store::interruptible`).
    #[error("stopped before it finished")]
    Interrupted,
}

/// A server's error as a person reads it: its message, detail and hint.
pub fn server_message(e: &rusqlite::Error) -> String {
    match db::server_error(e) {
        Some(pg) => match pg.as_db_error() {
            Some(d) => {
                let mut text = d.message().to_string();
                if let Some(detail) = d.detail() {
                    text.push_str(&format!(" ({detail})"));
                }
                text
            }
            None => match std::error::Error::source(pg) {
                Some(cause) => format!("{pg}: {cause}"),
                None => pg.to_string(),
            },
        },
        None => e.to_string(),
    }
}

fn from_server(pg: &postgres::Error, e: &rusqlite::Error) -> StoreError {
    use postgres::error::SqlState;
    let Some(code) = pg.code() else {
        let io = std::error::Error::source(pg).is_some_and(|c| c.is::<std::io::Error>());
        return if pg.is_closed() || io {
            StoreError::ConnectionLost(server_message(e))
        } else {
            StoreError::Server(server_message(e))
        };
    };
    if *code == SqlState::INSUFFICIENT_PRIVILEGE || *code == SqlState::READ_ONLY_SQL_TRANSACTION {
        StoreError::ReadOnlyRole("the database".into())
    } else if *code == SqlState::ADMIN_SHUTDOWN
        || *code == SqlState::CRASH_SHUTDOWN
        || *code == SqlState::CANNOT_CONNECT_NOW
        || code.code().starts_with("08")
    {
        StoreError::ConnectionLost(server_message(e))
    } else if *code == SqlState::DISK_FULL {
        StoreError::Server(server_message(e))
    } else if *code == SqlState::QUERY_CANCELED {
        StoreError::Interrupted
    } else if *code == SqlState::LOCK_NOT_AVAILABLE {
        StoreError::Locked
    } else {
        StoreError::Server(server_message(e))
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        if let Some(pg) = db::server_error(&e) {
            return from_server(pg, &e);
        }
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => StoreError::Locked,
            Some(ErrorCode::ReadOnly) => StoreError::ReadOnly(PathBuf::from("the database")),
            // A write that the disk (or a file size limit) refused shows as
            // SQLITE_FULL or as an I/O error.
            Some(ErrorCode::DiskFull) | Some(ErrorCode::SystemIoFailure) => StoreError::DiskFull(e),
            Some(ErrorCode::DatabaseCorrupt) => StoreError::Damaged(e),
            Some(ErrorCode::OperationInterrupted) => StoreError::Interrupted,
            _ => StoreError::Sqlite(e),
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Every write is one IMMEDIATE transaction: it takes the write lock before
/// it reads, so a second writer waits for the busy timeout instead of
/// failing at once when the first commits between its read and its write.
///
/// Each also counts itself in `meta` ('writes'), so that two readers can
/// tell whether they see the file as of the same write (the report's
/// two-connection pass).
pub(crate) fn write_tx(conn: &mut db::Connection) -> Result<db::Transaction<'_>> {
    let tx = conn.write_transaction()?;
    tx.prepare_cached(
        "INSERT INTO meta (key, value) VALUES ('writes', '1')
         ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(meta.value AS INTEGER) + 1 AS TEXT)",
    )?
    .execute([])?;
    Ok(tx)
}

/// The number of casebook writes the connection's current view includes.
pub(crate) fn writes_seen(conn: &db::Connection) -> Result<i64> {
    use rusqlite::OptionalExtension;
    // A bulk transaction holds the write lock: the count stays as it read it.
    let bulk = conn.postgres().filter(|pg| pg.bulk());
    if let Some(n) = bulk.and_then(|pg| pg.looked_up("writes", "")) {
        return Ok(n);
    }
    let n = conn
        .prepare_cached("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'writes'")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or(0);
    if let Some(pg) = bulk {
        pg.keep_looked_up("writes", "", n);
    }
    Ok(n)
}
