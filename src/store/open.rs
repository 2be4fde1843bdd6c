//! Opening a database file: checks, pragmas and migrations.

use super::db::Connection;
use super::summary::SummaryRates;
use super::{Result, StoreError};
use crate::domain::friction::Thresholds;
use crate::private_files::privately;
use include_dir::{include_dir, Dir};
use rusqlite::OpenFlags;
use rusqlite_migration::Migrations;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

static MIGRATIONS_DIR: Dir = include_dir!("$CARGO_MANIFEST_DIR/migrations/sqlite");
static MIGRATIONS: LazyLock<Migrations<'static>> = LazyLock::new(|| {
    Migrations::from_directory(&MIGRATIONS_DIR).expect("migrations/ is well formed")
});

/// 'CBK1', set by the first migration.
const APPLICATION_ID: i64 = 0x4342_4B31;

/// The newest schema this casebook knows: the number of migrations.
pub static SCHEMA_VERSION: LazyLock<i64> = LazyLock::new(|| MIGRATIONS_DIR.dirs().count() as i64);

/// An open casebook database.
pub struct Store {
    pub(crate) conn: Connection,
    pub path: PathBuf,
    pub read_only: bool,
    /// The friction thresholds the stored flags are computed with.
    pub thresholds: Thresholds,
    /// The cost rates and next-action thresholds the stored summary is computed with.
    pub summary_rates: SummaryRates,
    /// How long a write waits for another process's write to finish before
    /// "the database is locked" (the config's `[storage] busy_timeout_ms`).
    pub busy_timeout: std::time::Duration,
    /// The SLA setup as last read, for the cases written after it.
    pub(crate) sla_cache: super::sla_cache::SetupCache,
    /// From how wide a range of case ids a report reads on two connections.
    pub split_reports_from: i64,
    /// From how many cases measured at a moment of the past (`--as-of`) a
    /// report measures them on two threads.
    pub live_on_two_threads: usize,
    /// How many cases a pass over every case (flags, export) reads the rest
    /// of together, beside their touches (src/store/every_case.rs).
    pub cases_read_together: usize,
    /// A view of the file as it stood at this moment (`--as-of`): computed
    /// in memory, never written (src/store/as_of.rs).
    pub as_of: Option<chrono::DateTime<chrono::Utc>>,
    /// Whether the view's tables stand in for the file's (else a report
    /// measures what the moment needs itself).
    pub(crate) as_of_tables: bool,
    /// Whether `now` is the machine's clock (false under --as-of): only the
    /// real clock set back by more than a day takes the file's clock back.
    pub real_clock: bool,
    /// Whether times more than a day ahead are meant (`--future`, or a yes
    /// in the app): else a write with one is refused.
    pub allow_future: bool,
    /// Where it was opened (to open it again), when opened by place.
    pub place: Option<super::place::Place>,
    /// `import --dry-run`: nothing may change the file, not even an upgrade
    /// of its schema or the settings a new file records.
    dry_run: bool,
}

/// Below this range of case ids a second connection costs more than it saves.
pub const SPLIT_REPORTS_FROM: i64 = 20_000;

/// The busy timeout unless the config says otherwise.
pub const DEFAULT_BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// `casebook.sqlite3` in the platform's data directory.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "casebook")
        .map(|d| d.data_dir().join("casebook.sqlite3"))
}

fn cannot_open(path: &Path, reason: impl ToString) -> StoreError {
    StoreError::CannotOpen {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    }
}

impl Store {
    /// Opens (creating if need be) a database file, read-write if the file
    /// allows it and read-only otherwise, and brings its schema up to date.
    /// For the commands that write (add, import, demo, generate).
    pub fn open(path: &Path) -> Result<Store> {
        Self::open_as(path, true, false)
    }

    /// For `import --dry-run`: the file as it is, changed in nothing (its
    /// import is rolled back; no upgrade, no settings recorded), or, where
    /// there is no file or an empty one, a database in memory, so that
    /// none is created.
    pub fn open_dry_run(path: &Path) -> Result<Store> {
        match Self::open_as(path, false, true) {
            Err(StoreError::NoSuchFile(_) | StoreError::Empty(_)) => {
                let mut store = Self::in_memory()?;
                store.dry_run = true;
                Ok(store)
            }
            other => other,
        }
    }

    /// Opens a database file that must already exist: reading commands and
    /// the app never create a file (or its directory) by mistake.
    pub fn open_existing(path: &Path) -> Result<Store> {
        Self::open_as(path, false, false)
    }

    /// Only SQLite opens the file. POSIX advisory locks belong to the
    /// process, so closing any other descriptor of the database file would
    /// drop SQLite's locks, and another program could then delete the
    /// write-ahead log under us (tests/durability.rs). `stat` opens nothing,
    /// so it is the one look at the file taken here.
    /// A file (and folder) created here is its owner's alone: SQLite makes
    /// it under a umask of 077 (`private_files::privately`).
    fn open_as(path: &Path, create: bool, dry_run: bool) -> Result<Store> {
        let (user_read_only, creating) = match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => return Err(cannot_open(path, "it is a directory")),
            // A file without write permission is read-only even to root, who
            // could write it anyway: the user's intent is what counts.
            Ok(meta) => (meta.permissions().readonly(), false),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if !create {
                    return Err(StoreError::NoSuchFile(path.to_path_buf()));
                }
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    privately(|| std::fs::create_dir_all(dir)).map_err(|e| {
                        cannot_open(path, format!("cannot create {}: {e}", dir.display()))
                    })?;
                }
                (false, true)
            }
            Err(e) => return Err(cannot_open(path, e)),
        };
        let read_write = OpenFlags::SQLITE_OPEN_READ_WRITE
            | if create {
                OpenFlags::SQLITE_OPEN_CREATE
            } else {
                OpenFlags::empty()
            };
        let read_only = OpenFlags::SQLITE_OPEN_READ_ONLY;
        let no_mutex = OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = if user_read_only {
            rusqlite::Connection::open_with_flags(path, read_only | no_mutex)
        } else {
            let open_read_write =
                || rusqlite::Connection::open_with_flags(path, read_write | no_mutex);
            // SQLite creates the file as it opens it.
            let opened = if creating {
                privately(open_read_write)
            } else {
                open_read_write()
            };
            // SQLite falls back to reading by itself where the system refuses
            // writing; where it cannot even do that, ask for reading alone.
            opened.or_else(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::CannotOpen) | Some(rusqlite::ErrorCode::ReadOnly) => {
                    rusqlite::Connection::open_with_flags(path, read_only | no_mutex)
                }
                _ => Err(e),
            })
        }
        .map_err(|e| cannot_open(path, e))?;
        let read_only = conn
            .is_readonly(rusqlite::MAIN_DB)
            .map_err(|e| cannot_open(path, e))?;
        // An empty file (truncated to nothing, or made by `touch`) is left
        // as it is by a command that only reads: making it a database is a write.
        if !create {
            let tables = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            });
            if matches!(tables, Ok(0)) {
                return Err(StoreError::Empty(path.to_path_buf()));
            }
        }
        let mut store = Store::over(conn.into(), path.to_path_buf(), read_only, dry_run);
        store.prepare().map_err(|e| match e {
            StoreError::Sqlite(err)
                if err.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) =>
            {
                StoreError::NotADatabase(path.to_path_buf())
            }
            other => other,
        })?;
        Ok(store)
    }

    /// A store over an open connection, with the settings every store starts with.
    pub(super) fn over(conn: Connection, path: PathBuf, read_only: bool, dry_run: bool) -> Store {
        Store {
            conn,
            path,
            read_only,
            thresholds: Thresholds::default(),
            summary_rates: SummaryRates::default(),
            busy_timeout: DEFAULT_BUSY_TIMEOUT,
            sla_cache: Default::default(),
            split_reports_from: SPLIT_REPORTS_FROM,
            live_on_two_threads: 5_000,
            cases_read_together: super::every_case::CASES_READ_TOGETHER,
            as_of: None,
            as_of_tables: false,
            real_clock: true,
            allow_future: false,
            place: None,
            dry_run,
        }
    }

    /// Which engine holds this casebook.
    pub fn engine(&self) -> super::db::Engine {
        self.conn.engine()
    }

    /// An in-memory database, for tests.
    pub fn in_memory() -> Result<Store> {
        let conn = rusqlite::Connection::open_in_memory()?;
        let mut store = Store::over(conn.into(), PathBuf::from(":memory:"), false, false);
        store.prepare()?;
        Ok(store)
    }

    fn prepare(&mut self) -> Result<()> {
        let busy_timeout = self.busy_timeout;
        let file = self.file_mut()?;
        file.busy_timeout(busy_timeout)?;
        file.set_prepared_statement_cache_capacity(128);
        file.pragma_update(None, "foreign_keys", true)?;
        let version: i64 = file.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let app_id: i64 = file.pragma_query_value(None, "application_id", |r| r.get(0))?;
        let tables: i64 = file.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        if tables > 0 && app_id != APPLICATION_ID {
            return Err(StoreError::NotADatabase(self.path.clone()));
        }
        if version > *SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                found: version,
                known: *SCHEMA_VERSION,
            });
        }
        // Notes written in a transaction wait here to be indexed at its end.
        self.conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS pending_notes (first INTEGER PRIMARY KEY, last INTEGER NOT NULL)",
        )?;
        if self.read_only {
            if version < *SCHEMA_VERSION {
                return Err(StoreError::CannotOpen {
                    path: self.path.clone(),
                    reason: "it is read-only and its schema needs upgrading; make it writable once"
                        .into(),
                });
            }
            return Ok(());
        }
        if self.dry_run && version < *SCHEMA_VERSION {
            return Err(StoreError::CannotOpen {
                path: self.path.clone(),
                reason: "its schema needs upgrading, which a dry run does not do; import without --dry-run (or run any command that writes) once".into(),
            });
        }
        let in_memory = self.path.as_os_str() == ":memory:";
        let file = self.file_mut()?;
        if !in_memory {
            let mode: String =
                file.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(StoreError::Migration(format!(
                    "could not switch to WAL mode (got {mode})"
                )));
            }
        }
        file.pragma_update(None, "synchronous", "FULL")?;
        // 16 MiB of page cache: enough for imports and reports, and two
        // connections (the app has a reader beside its writer) stay small.
        file.pragma_update(None, "cache_size", -16_384)?;
        MIGRATIONS.to_latest(file).map_err(|e| match e {
            rusqlite_migration::Error::RusqliteError { err, .. } => StoreError::from(err),
            other => StoreError::Migration(other.to_string()),
        })?;
        Ok(())
    }

    /// Uses these cost rates and next-action thresholds; like `set_thresholds`,
    /// a new, empty file records them at once.
    pub fn set_summary_rates(&mut self, rates: SummaryRates) -> Result<()> {
        self.summary_rates = rates;
        if self.read_only || self.dry_run {
            return Ok(());
        }
        let empty: bool =
            self.conn
                .query_row("SELECT NOT EXISTS (SELECT 1 FROM cases)", [], |r| r.get(0))?;
        if empty {
            self.conn.execute(
                "INSERT INTO meta (key, value) VALUES ('summary_rates', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [self.summary_rates.to_json()],
            )?;
        }
        Ok(())
    }

    /// Uses these friction thresholds. A new, empty file records them at once,
    /// so that the flags its cases get need no recomputing later.
    pub fn set_thresholds(&mut self, thresholds: Thresholds) -> Result<()> {
        self.thresholds = thresholds;
        if self.read_only || self.dry_run {
            return Ok(());
        }
        let empty: bool =
            self.conn
                .query_row("SELECT NOT EXISTS (SELECT 1 FROM cases)", [], |r| r.get(0))?;
        if empty {
            let json = serde_json::to_string(&self.thresholds).unwrap_or_default();
            self.conn.execute(
                "INSERT INTO meta (key, value) VALUES ('flag_thresholds', ?1), ('summary_rates', ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [json, self.summary_rates.to_json()],
            )?;
        }
        Ok(())
    }

    /// How long writes wait for another process's write (the config's
    /// `[storage] busy_timeout_ms`).
    pub fn set_busy_timeout(&mut self, wait: std::time::Duration) -> Result<()> {
        self.busy_timeout = wait;
        if let Some(file) = self.conn.sqlite() {
            file.busy_timeout(wait)?;
        } else {
            // A server's writer waits as long for another's lock, then
            // hears "the database is locked" (lock_timeout).
            self.conn
                .execute_batch(&format!("SET lock_timeout = {}", wait.as_millis()))?;
        }
        Ok(())
    }

    /// Fails with a clear message when the file was opened read-only.
    pub(crate) fn writable(&self) -> Result<()> {
        if let Some(t) = self.as_of {
            return Err(StoreError::PastView(t));
        }
        if self.read_only && self.conn.postgres().is_some() {
            Err(StoreError::ReadOnlyRole(self.path.display().to_string()))
        } else if self.read_only {
            Err(StoreError::ReadOnly(self.path.clone()))
        } else {
            Ok(())
        }
    }

    /// SQLite's counter of changes made by other connections; it moves when
    /// another process writes, which is how screens learn to refresh.
    pub fn data_version(&self) -> Result<i64> {
        match self.conn.sqlite() {
            Some(file) => Ok(file.pragma_query_value(None, "data_version", |r| r.get(0))?),
            None => match self.conn.postgres() {
                Some(server) => Ok(server.writes_heard()?),
                None => super::writes_seen(&self.conn),
            },
        }
    }

    /// An online, consistent copy of the database at `dest`, readable by
    /// its owner alone.
    pub fn backup(&self, dest: &Path) -> Result<()> {
        if self.conn.postgres().is_some() {
            return Err(StoreError::Server(
                "a PostgreSQL database is backed up with the server's own tools: pg_dump (see the README's \"Working as a team\"), or 'casebook copy --to FILE' for a casebook file".into(),
            ));
        }
        if dest.exists() {
            return Err(cannot_open(
                dest,
                "it already exists; choose a new file for the backup",
            ));
        }
        let file = self.file()?;
        let mut out =
            privately(|| rusqlite::Connection::open(dest)).map_err(|e| cannot_open(dest, e))?;
        let backup = rusqlite::backup::Backup::new(file, &mut out)?;
        backup.run_to_completion(256, std::time::Duration::from_millis(5), None)?;
        Ok(())
    }

    /// Integrity, foreign keys and schema version; returns the problems found.
    pub fn check(&self) -> Result<Vec<String>> {
        if self.conn.postgres().is_some() {
            return super::open_server::check(&self.conn);
        }
        let mut problems = Vec::new();
        let file = self.file()?;
        let mut stmt = file.prepare("PRAGMA integrity_check")?;
        for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
            let line = row?;
            if line != "ok" {
                problems.push(format!("integrity: {line}"));
            }
        }
        let mut stmt = file.prepare("PRAGMA foreign_key_check")?;
        let fk: Vec<String> = stmt
            .query_map([], |r| {
                Ok(format!(
                    "foreign key: {} row {} points nowhere",
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?
                ))
            })?
            .collect::<std::result::Result<_, _>>()?;
        problems.extend(fk);
        let version: i64 = file.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version != *SCHEMA_VERSION {
            problems.push(format!(
                "schema: version {version}, expected {}",
                *SCHEMA_VERSION
            ));
        }
        if MIGRATIONS.validate().is_err() {
            problems.push("schema: the built-in migrations do not validate".into());
        }
        for trigger in ["events_are_never_updated", "events_are_never_deleted"] {
            let n: i64 = self.conn.query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = ?1",
                [trigger],
                |r| r.get(0),
            )?;
            if n == 0 {
                problems.push(format!("schema: trigger {trigger} is missing"));
            }
        }
        // The note index: whole in itself, and holding each touch with a
        // note once, and nothing else (empty notes are not indexed, so
        // FTS5's own check against the touches' text does not apply).
        if !self.read_only {
            if let Err(e) = self.conn.execute(
                "INSERT INTO touch_notes (touch_notes) VALUES ('integrity-check')",
                [],
            ) {
                problems.push(format!("note search: {e}"));
            }
        }
        let (missing, extra): (i64, i64) = self.conn.query_row(
            "SELECT (SELECT count(*) FROM touchpoints t WHERE t.note <> ''
                       AND NOT EXISTS (SELECT 1 FROM touch_notes_docsize d WHERE d.id = t.id)),
                    (SELECT count(*) FROM touch_notes_docsize d WHERE NOT EXISTS
                       (SELECT 1 FROM touchpoints t WHERE t.id = d.id AND t.note <> ''))",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if missing > 0 {
            problems.push(format!("note search: {missing} note(s) not in the index"));
        }
        if extra > 0 {
            problems.push(format!(
                "note search: {extra} entr(ies) for touches without that note"
            ));
        }
        Ok(problems)
    }

    pub fn schema_version(&self) -> Result<i64> {
        if self.conn.postgres().is_some() {
            return super::open_server::schema_version(&self.conn);
        }
        Ok(self
            .file()?
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// The SQLite connection, for what only a file has.
    pub(crate) fn file(&self) -> Result<&rusqlite::Connection> {
        self.conn.sqlite().ok_or(StoreError::FileOnly)
    }

    fn file_mut(&mut self) -> Result<&mut rusqlite::Connection> {
        self.conn.sqlite_mut().ok_or(StoreError::FileOnly)
    }
}
