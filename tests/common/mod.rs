//! Shared by the tests that run the real binary: the command on a database
//! file at a fixed clock with times in UTC, and a temporary database to run
//! it on. (Cargo does not build `tests/common/` as a test of its own.)
#![allow(dead_code, clippy::unwrap_used)]

use assert_cmd::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;

pub mod pg;

/// The clock the command-line tests run at unless they say otherwise.
pub const NOW: &str = "2026-11-23T00:00:00Z";

/// The casebook binary on the database `db` with the clock at `now`, times
/// shown in UTC, and any CASEBOOK_DB of the environment ignored.
pub fn casebook_at(db: &Path, now: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_casebook"));
    c.env("TZ", "UTC")
        .env("CASEBOOK_NOW", now)
        .env_remove("CASEBOOK_DB")
        .arg("--db")
        .arg(db);
    c
}

/// The casebook binary on `db` (a file's path or a PostgreSQL URL) with
/// the machine's clock at `clock` (CASEBOOK_CLOCK: writes happen then, and
/// reads measure to it, as on a live machine), times in UTC.
pub fn casebook_clocked(db: &str, clock: &str) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::new(env!("CARGO_BIN_EXE_casebook"));
    c.env("TZ", "UTC")
        .env("CASEBOOK_CLOCK", clock)
        .env_remove("CASEBOOK_NOW")
        .env_remove("CASEBOOK_DB")
        .arg("--db")
        .arg(db);
    c
}

/// The casebook binary on the database `db` at `NOW`.
pub fn casebook(db: &Path) -> Command {
    casebook_at(db, NOW)
}

/// Runs a command that must succeed; its output.
pub fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.assert().success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

/// Runs a command that must fail; its error text.
pub fn stderr_of(cmd: &mut Command) -> String {
    let out = cmd.assert().failure();
    String::from_utf8(out.get_output().stderr.clone()).unwrap()
}

/// A database file (`cases.sqlite3`) in a temporary directory of its own,
/// removed when dropped.
pub struct Db {
    pub dir: TempDir,
    pub path: PathBuf,
    config: Option<PathBuf>,
}

impl Db {
    /// A new, empty file; commands read the default config.
    pub fn new() -> Db {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cases.sqlite3");
        Db {
            dir,
            path,
            config: None,
        }
    }

    /// A new, empty file whose commands read a config file of their own,
    /// empty until `config` writes it.
    pub fn with_config() -> Db {
        let mut db = Db::new();
        let config = db.dir.path().join("config.toml");
        std::fs::write(&config, "").unwrap();
        db.config = Some(config);
        db
    }

    /// Writes the config file that the commands read.
    pub fn config(&self, text: &str) {
        let config = self.config.as_ref().expect("a Db::with_config");
        std::fs::write(config, text).unwrap();
    }

    /// The binary on this file at `NOW`.
    pub fn cmd(&self) -> Command {
        self.cmd_at(NOW)
    }

    /// The binary on this file at `now`.
    pub fn cmd_at(&self, now: &str) -> Command {
        let mut c = casebook_at(&self.path, now);
        if let Some(config) = &self.config {
            c.arg("--config").arg(config);
        }
        c
    }

    /// Runs a command that must succeed at `NOW`; its output.
    pub fn run(&self, args: &[&str]) -> String {
        stdout_of(self.cmd().args(args))
    }

    /// Runs a command that must succeed at `now`; its output.
    pub fn run_at(&self, now: &str, args: &[&str]) -> String {
        stdout_of(self.cmd_at(now).args(args))
    }

    /// The JSON output of a command that must succeed at `NOW`.
    pub fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.run(args)).unwrap()
    }

    /// The JSON output of a command that must succeed at `now`.
    pub fn json_at(&self, now: &str, args: &[&str]) -> Value {
        serde_json::from_str(&self.run_at(now, args)).unwrap()
    }

    /// Runs a command that must fail at `NOW`; its error text.
    pub fn err(&self, args: &[&str]) -> String {
        stderr_of(self.cmd().args(args))
    }

    /// Runs a command that must fail at `NOW`, and not by panicking; its
    /// error text.
    pub fn fails(&self, args: &[&str]) -> String {
        let err = self.err(args);
        assert!(!err.contains("panicked"), "{err}");
        err
    }

    /// Writes a file beside the database; its path.
    pub fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    /// Writes a file beside the database; its path, as a command's argument.
    pub fn file_arg(&self, name: &str, text: &str) -> String {
        self.file(name, text).to_str().unwrap().to_string()
    }

    /// How many rows the audit trail holds, read through SQLite (read-only)
    /// once the commands have ended.
    pub fn event_count(&self) -> i64 {
        let conn = rusqlite::Connection::open_with_flags(
            &self.path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .unwrap();
        conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0))
            .unwrap()
    }
}
