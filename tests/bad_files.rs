//! Files that are not what casebook expects: not SQLite, truncated, empty,
//! written by a newer casebook, read-only, or on a full disk. Each gets a
//! clear message and a non-zero exit where it applies, and the file is left
//! byte for byte as it was.
#![allow(clippy::unwrap_used)]

mod common;

use assert_cmd::prelude::*;
use common::casebook;
use std::path::{Path, PathBuf};

fn ok(db: &Path, args: &[&str]) -> String {
    common::stdout_of(casebook(db).args(args))
}

/// Runs a command that must fail; its error text.
fn fails(db: &Path, args: &[&str]) -> String {
    common::stderr_of(casebook(db).args(args))
}

/// A small import file, written beside the database.
fn jsonl(dir: &Path) -> String {
    let p = dir.join("one.jsonl");
    std::fs::write(
        &p,
        "{\"ref\": \"new-1\", \"title\": \"New\", \"vendor\": \"V\", \"opened_at\": \"2024-01-01T00:00:00Z\"}\n",
    )
    .unwrap();
    p.to_str().unwrap().to_string()
}

/// Every kind of command: reading ones, then writing ones.
fn every_command(import: &str) -> Vec<Vec<String>> {
    let cmds: Vec<Vec<&str>> = vec![
        vec!["list"],
        vec!["show", "1"],
        vec!["flags"],
        vec!["report"],
        vec!["export"],
        vec!["check"],
        vec!["add", "--vendor", "V", "--title", "T"],
        vec![
            "touch",
            "1",
            "--channel",
            "phone",
            "--from",
            "customer",
            "--outcome",
            "sent",
        ],
        vec!["status", "1", "escalated"],
        vec!["resolve", "1", "--outcome", "credit"],
        vec!["import", import],
        vec!["demo"],
    ];
    cmds.into_iter()
        .map(|c| c.into_iter().map(String::from).collect())
        .collect()
}

/// Every command fails with `message` and leaves the file's bytes alone.
#[track_caller]
fn every_command_refuses(db: &Path, message: &str, only_reads: bool) {
    let before = std::fs::read(db).unwrap();
    let import = jsonl(db.parent().unwrap());
    for args in every_command(&import) {
        let writes = !matches!(
            args[0].as_str(),
            "list" | "show" | "flags" | "report" | "export" | "check"
        );
        if only_reads && writes {
            continue;
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let err = fails(db, &args);
        assert!(err.contains(message), "{args:?}: {err}");
        assert_eq!(
            std::fs::read(db).unwrap(),
            before,
            "{args:?} changed the file"
        );
    }
}

/// The demo stories and a few hundred generated cases, in a closed file.
fn real_database(dir: &Path, cases: &str) -> PathBuf {
    let db = dir.join("cases.sqlite3");
    ok(&db, &["demo"]);
    ok(&db, &["generate", "--cases", cases, "--seed", "3"]);
    db
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("notes.txt");
    std::fs::write(&db, "my shopping list\n".repeat(500)).unwrap();
    every_command_refuses(&db, "is not a casebook database", false);
    assert!(!dir.path().join("notes.txt-wal").exists());
}

#[test]
fn a_truncated_file_is_called_damaged_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let whole = std::fs::read(real_database(dir.path(), "100")).unwrap();
    for keep in [whole.len() / 2, 4096, 50] {
        let db = dir.path().join(format!("cut-{keep}.sqlite3"));
        std::fs::write(&db, &whole[..keep]).unwrap();
        let err = fails(&db, &["list"]);
        assert!(
            err.contains("is damaged") || err.contains("is not a casebook database"),
            "{keep}: {err}"
        );
        every_command_refuses(&db, "error: ", false);
    }
}

#[test]
fn an_empty_file_is_not_made_a_database_by_a_command_that_reads() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("empty.sqlite3");
    std::fs::write(&db, "").unwrap();
    every_command_refuses(&db, "is empty: not a casebook database yet", true);
    assert_eq!(std::fs::metadata(&db).unwrap().len(), 0);
    // A command that writes may make it one.
    ok(&db, &["add", "--vendor", "V", "--title", "T"]);
    assert!(ok(&db, &["list"]).contains("1 case(s)"));
}

#[test]
fn a_newer_schema_is_refused_by_every_command_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = real_database(dir.path(), "20");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    every_command_refuses(&db, "written by a newer casebook (schema 99", false);
}

#[test]
fn a_read_only_file_is_read_and_never_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = real_database(dir.path(), "20");
    let before = std::fs::read(&db).unwrap();
    let mut perms = std::fs::metadata(&db).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&db, perms.clone()).unwrap();
    let out = casebook(&db).arg("list").assert().success();
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("is read-only; opened it read-only"), "{err}");
    let import = jsonl(dir.path());
    for args in every_command(&import).into_iter().skip(6) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let err = fails(&db, &args);
        assert!(err.contains("is read-only"), "{args:?}: {err}");
    }
    assert_eq!(std::fs::read(&db).unwrap(), before);
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&db, perms).unwrap();
}

/// A full disk, simulated by a file size limit (`ulimit -f`, in the shell
/// that runs casebook): the import fails with a message, the transaction
/// rolls back, and the file is as it was and still passes its check.
#[test]
fn a_full_disk_fails_the_write_with_a_message_and_keeps_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = real_database(dir.path(), "50");
    // Something large to import: a few hundred cases from another file.
    let other = dir.path().join("other.sqlite3");
    ok(&other, &["generate", "--cases", "400", "--seed", "9"]);
    let big = dir.path().join("big.jsonl");
    // Other cases than the file's own (its refs are gen-1… too).
    let other_cases =
        ok(&other, &["export", "--format", "jsonl"]).replace("\"ref\":\"gen-", "\"ref\":\"other-");
    std::fs::write(&big, other_cases).unwrap();
    let before = std::fs::read(&db).unwrap();
    let exported = ok(&db, &["export"]);
    // 128 blocks of 512 bytes: far less than the import needs.
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -f 128 && exec \"$0\" --db \"$1\" import \"$2\"")
        .arg(env!("CARGO_BIN_EXE_casebook"))
        .arg(&db)
        .arg(&big)
        .env("TZ", "UTC")
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{:?}: {err}", out.status);
    assert!(
        err.contains("the disk is full or the file reached its size limit")
            && err.contains("nothing of this change was written"),
        "{err}"
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
    assert!(ok(&db, &["check"]).starts_with("ok:"));
    assert_eq!(ok(&db, &["export"]), exported);
}
