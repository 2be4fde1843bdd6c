//! Opening a team's casebook on a PostgreSQL server: its migrations
//! (migrations/postgres/, each numbered and recorded in `casebook_schema`),
//! whether this role may write, and the store over the connection.

use super::db::{pg::Pg, Connection, OptionalExtension};
use super::{Result, Store, StoreError};
use include_dir::{include_dir, Dir};
use std::path::PathBuf;
use std::sync::LazyLock;

static MIGRATIONS_DIR: Dir = include_dir!("$CARGO_MANIFEST_DIR/migrations/postgres");

/// The migrations, in their order: (number, name, SQL).
static MIGRATIONS: LazyLock<Vec<(i64, &'static str, &'static str)>> = LazyLock::new(|| {
    let mut all: Vec<_> = MIGRATIONS_DIR
        .dirs()
        .filter_map(|d| {
            let name = d.path().file_name()?.to_str()?;
            let number = name.split('-').next()?.parse().ok()?;
            let sql = d.get_file(d.path().join("up.sql"))?.contents_utf8()?;
            Some((number, name, sql))
        })
        .collect();
    all.sort();
    all
});

/// The newest server schema this casebook knows.
pub static SERVER_SCHEMA_VERSION: LazyLock<i64> =
    LazyLock::new(|| MIGRATIONS.last().map_or(0, |m| m.0));

/// From this range of case ids on, a report's pass is read on two
/// connections: a second connection to a server (a process of its own,
/// which takes this one's snapshot) costs more than a file's (20 000).
const SPLIT_REPORTS_FROM: i64 = 100_000;

/// Only one client upgrades a schema at a time (a key of casebook's own).
const MIGRATION_LOCK: i64 = 0x4342_4B31;

impl Store {
    /// Opens a casebook on a server: `shown` names it in messages (never
    /// with a password). `create`: an empty database becomes a casebook
    /// (for the commands that write); else it is refused as empty.
    pub fn open_server(
        client: postgres::Client,
        shown: &str,
        create: bool,
        dry_run: bool,
    ) -> Result<Store> {
        let path = PathBuf::from(shown);
        let conn = Connection::postgres_from(Pg::new(client)?);
        let version = schema_version(&conn)?;
        if version > *SERVER_SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path,
                found: version,
                known: *SERVER_SCHEMA_VERSION,
            });
        }
        if version == 0 && !create {
            return Err(StoreError::Empty(path));
        }
        let mut read_only = !may_write(&conn)?;
        if version < *SERVER_SCHEMA_VERSION {
            if dry_run && version > 0 {
                return Err(StoreError::CannotOpen {
                    path,
                    reason: "its schema needs upgrading, which a dry run does not do; import without --dry-run (or run any command that writes) once".into(),
                });
            }
            if !dry_run {
                migrate(&conn).map_err(|e| match e {
                    StoreError::ReadOnlyRole(_) => StoreError::CannotOpen {
                        path: path.clone(),
                        reason: "its schema needs upgrading, and this role may only read; ask its owner to run casebook once".into(),
                    },
                    other => other,
                })?;
                read_only = !may_write(&conn)?;
            }
        }
        conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS pending_notes (first BIGINT PRIMARY KEY, last BIGINT NOT NULL)",
        )?;
        // No JIT: compiling a statement's expressions took 10-20 ms of a
        // list page's 20 ms at a million cases (a free word: 50-60 ms ->
        // 20-40 ms), and gained nothing measurable on a report's pass.
        conn.execute_batch(&format!(
            "SET lock_timeout = {}; SET jit = off",
            super::DEFAULT_BUSY_TIMEOUT.as_millis()
        ))?;
        let mut store = Store::over(conn, path, read_only, dry_run);
        store.split_reports_from = SPLIT_REPORTS_FROM;
        Ok(store)
    }
}

/// The schema's number (0: not a casebook yet).
pub(super) fn schema_version(conn: &Connection) -> Result<i64> {
    let recorded: bool = conn.query_row(
        "SELECT to_regclass('casebook_schema') IS NOT NULL",
        [],
        |r| r.get(0),
    )?;
    if !recorded {
        let foreign: i64 = conn.query_row(
            "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename IN ('cases', 'events')",
            [],
            |r| r.get(0),
        )?;
        if foreign > 0 {
            return Err(StoreError::NotADatabase(PathBuf::from("this database")));
        }
        return Ok(0);
    }
    Ok(conn.query_row(
        "SELECT coalesce(max(version), 0) FROM casebook_schema",
        [],
        |r| r.get(0),
    )?)
}

/// Whether this role may change the cases.
fn may_write(conn: &Connection) -> Result<bool> {
    let cases: bool =
        conn.query_row("SELECT to_regclass('cases') IS NOT NULL", [], |r| r.get(0))?;
    if !cases {
        return Ok(true);
    }
    Ok(conn.query_row(
        "SELECT has_table_privilege('cases', 'INSERT') AND has_table_privilege('events', 'INSERT')",
        [],
        |r| r.get(0),
    )?)
}

/// Applies the migrations this database lacks, each in its transaction,
/// one client at a time.
fn migrate(conn: &Connection) -> Result<()> {
    conn.execute_batch("BEGIN")?;
    let applied = (|| {
        conn.query_row(
            "SELECT pg_advisory_xact_lock(?1)::text",
            [MIGRATION_LOCK],
            |_| Ok(()),
        )?;
        // The database's owner owns casebook's tables, so that every role
        // that is a member of it (a team's writers) may write them, whoever
        // connected first.
        let owner: Option<String> = conn
            .query_row(
                "SELECT quote_ident(pg_get_userbyid(datdba)) FROM pg_database
                  WHERE datname = current_database()
                    AND pg_has_role(session_user, datdba, 'MEMBER')
                    AND pg_get_userbyid(datdba) <> session_user
                    AND NOT (SELECT rolsuper FROM pg_roles WHERE oid = datdba)",
                [],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(owner) = owner {
            conn.execute_batch(&format!("SET LOCAL ROLE {owner}"))?;
        }
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS casebook_schema (
                 version    BIGINT PRIMARY KEY,
                 name       TEXT NOT NULL,
                 applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                 applied_by TEXT NOT NULL DEFAULT session_user)",
        )?;
        let version: i64 = conn.query_row(
            "SELECT coalesce(max(version), 0) FROM casebook_schema",
            [],
            |r| r.get(0),
        )?;
        for (number, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > version) {
            conn.execute_batch(sql).map_err(|e| {
                StoreError::Migration(format!("{name}: {}", super::server_message(&e)))
            })?;
            conn.execute(
                "INSERT INTO casebook_schema (version, name) VALUES (?1, ?2)",
                super::db::params![number, name],
            )?;
        }
        Ok(())
    })();
    match applied {
        Ok(()) => conn.execute_batch("COMMIT").map_err(StoreError::from),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

/// What `check` finds wrong in a server's casebook: its schema's version,
/// and the triggers that keep the trail append-only. (Foreign keys and the
/// note index the server keeps itself.)
pub(super) fn check(conn: &Connection) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let version = schema_version(conn)?;
    if version != *SERVER_SCHEMA_VERSION {
        problems.push(format!(
            "schema: version {version}, expected {}",
            *SERVER_SCHEMA_VERSION
        ));
    }
    for trigger in ["events_are_never_updated", "events_are_never_deleted"] {
        let n: i64 = conn.query_row(
            "SELECT count(*) FROM pg_trigger WHERE tgname = ?1 AND tgrelid = to_regclass('events') AND tgenabled <> 'D'",
            [trigger],
            |r| r.get(0),
        )?;
        if n == 0 {
            problems.push(format!("schema: trigger {trigger} is missing or disabled"));
        }
    }
    let (kept, counted) = (kept_case_count(conn)?, counted_cases(conn)?);
    if kept != counted {
        problems.push(format!(
            "the count of cases kept says {kept}, and there are {counted}"
        ));
    }
    Ok(problems)
}

/// How many cases a server's casebook holds, as it keeps the number
/// (migrations/postgres/04-case-count): what a count of a million rows
/// would say, at once.
pub(super) fn kept_case_count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT n FROM case_count", [], |r| r.get(0))?)
}

fn counted_cases(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM cases", [], |r| r.get(0))?)
}
