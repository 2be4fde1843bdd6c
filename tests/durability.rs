//! Nothing confirmed is lost when other programs open the file.
//!
//! POSIX advisory locks belong to the process: closing any descriptor of the
//! database file drops all of SQLite's locks on it, and another program that
//! then opens and closes the file believes it is the last user and deletes
//! the write-ahead log under us. Every later write goes into the deleted log
//! and vanishes. These tests hold the app's shape (a writer and a background
//! reader in one process), let other SQLite programs open and close the file,
//! write, kill the process, and read the write back from a third process.

#![allow(clippy::unwrap_used)]

use casebook::domain::Case;
use casebook::store::Store;
use chrono::{TimeZone, Utc};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const CHILD_ENV: &str = "CASEBOOK_DURABILITY_CHILD";

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap()
}

fn wal(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push("-wal");
    PathBuf::from(p)
}

/// The other SQLite programs a user might run on the file while the app is
/// open: casebook's own command line always, and the `sqlite3` shell and
/// Python's sqlite3 module where the machine has them.
fn other_readers(path: &Path) -> Vec<(String, Command)> {
    let mut readers = Vec::new();
    let mut cli = Command::new(env!("CARGO_BIN_EXE_casebook"));
    cli.args(["--db", path.to_str().unwrap(), "list", "--json"]);
    readers.push(("casebook list".to_string(), cli));
    if Command::new("sqlite3").arg("-version").output().is_ok() {
        let mut c = Command::new("sqlite3");
        c.args([path.to_str().unwrap(), "SELECT count(*) FROM cases;"]);
        readers.push(("sqlite3 shell".to_string(), c));
    } else {
        eprintln!("durability: no sqlite3 shell here; testing with casebook and python only");
    }
    if Command::new("python3").arg("--version").output().is_ok() {
        let mut c = Command::new("python3");
        c.args([
            "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); \
             print(c.execute('select count(*) from cases').fetchone()[0]); c.close()",
            path.to_str().unwrap(),
        ]);
        readers.push(("python sqlite3".to_string(), c));
    } else {
        eprintln!("durability: no python3 here; testing without Python's sqlite3");
    }
    readers
}

/// The child process: the app's two connections, a write on request, then
/// it waits to be killed.
#[test]
fn durability_child() {
    let Ok(path) = std::env::var(CHILD_ENV) else {
        return; // only runs when started by the test below
    };
    let path = PathBuf::from(path);
    let mut writer = Store::open(&path).unwrap();
    // The app's background reader opens its own connection beside the writer.
    let reader = Store::open_existing(&path).unwrap();
    println!("ready");
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    while let Some(Ok(line)) = lines.next() {
        if let Some(title) = line.strip_prefix("write ") {
            let id = writer
                .create_case(Case::new(title, "Acme", now()), vec![], now())
                .unwrap();
            // The reader sees it too: the two connections share the file.
            assert!(reader.case(id).is_ok());
            println!("written {id}");
        }
        std::io::stdout().flush().unwrap();
    }
    // Wait to be killed, as a user's process might be at any moment.
    std::thread::sleep(std::time::Duration::from_secs(600));
}

#[test]
fn other_programs_reading_the_file_never_lose_a_confirmed_write() {
    if std::env::var(CHILD_ENV).is_ok() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cases.sqlite3");
    {
        let mut s = Store::open(&path).unwrap();
        s.create_case(Case::new("before", "Acme", now()), vec![], now())
            .unwrap();
    }
    let mut child = KillOnDrop(
        Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "durability_child",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, &path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut to_child = child.0.stdin.take().unwrap();
    let mut from_child = BufReader::new(child.0.stdout.take().unwrap()).lines();
    let mut expect = |word: &str| loop {
        let line = from_child.next().expect("the child ended early").unwrap();
        if line.contains(word) {
            return line;
        }
    };
    expect("ready");
    assert!(
        wal(&path).exists(),
        "the app's -wal file exists while it is open"
    );

    let mut titles = Vec::new();
    for (i, (name, mut reader)) in other_readers(&path).into_iter().enumerate() {
        let out = reader.output().unwrap();
        assert!(
            out.status.success(),
            "{name} could not read the file: {out:?}"
        );
        assert!(
            wal(&path).exists(),
            "{name} opened and closed the file, and the app's -wal file was deleted under it"
        );
        let title = format!("saved after {name} read the file ({i})");
        writeln!(to_child, "write {title}").unwrap();
        to_child.flush().unwrap();
        expect("written");
        assert!(wal(&path).exists(), "the -wal file exists after the write");
        titles.push(title);
    }
    // The process dies without closing anything.
    child.0.kill().unwrap();
    child.0.wait().unwrap();

    // A third process reads every confirmed write.
    let out = Command::new(env!("CARGO_BIN_EXE_casebook"))
        .args(["--db", path.to_str().unwrap(), "list", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let listed = String::from_utf8(out.stdout).unwrap();
    for t in &titles {
        assert!(listed.contains(t.as_str()), "lost: {t}\n{listed}");
    }
    assert!(listed.contains("before"));
    let check = Command::new(env!("CARGO_BIN_EXE_casebook"))
        .args(["--db", path.to_str().unwrap(), "check"])
        .output()
        .unwrap();
    assert!(check.status.success(), "{check:?}");
}

/// A child process that a failing test does not leave behind.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn reading_commands_never_create_a_file_or_directory() {
    let dir = tempfile::tempdir().unwrap();
    let missing_dir = dir.path().join("no-such-dir");
    let path = missing_dir.join("cases.sqlite3");
    let db = path.to_str().unwrap();
    for args in [
        vec!["list"],
        vec!["show", "1"],
        vec!["report"],
        vec!["flags"],
        vec!["export"],
        vec!["check"],
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
        vec![], // the app itself
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_casebook"))
            .arg("--db")
            .arg(db)
            .args(&args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success(),
            "{args:?} succeeded on a missing file"
        );
        assert!(err.contains("does not exist"), "{args:?}: {err}");
        assert!(
            !missing_dir.exists(),
            "{args:?} created {}",
            missing_dir.display()
        );
    }
    // A writing command creates both.
    let out = Command::new(env!("CARGO_BIN_EXE_casebook"))
        .args(["--db", db, "add", "--vendor", "Acme", "--title", "first"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(path.exists());
}

#[test]
fn the_store_never_opens_the_database_file_itself() {
    // The rule behind the test above, checked in the source: only SQLite
    // touches the file (stat is allowed: it opens no descriptor).
    let open = include_str!("../src/store/open.rs");
    for forbidden in ["File::open", "OpenOptions", "File::create"] {
        assert!(
            !open.contains(forbidden),
            "src/store/open.rs uses {forbidden} on the database file"
        );
    }
}
