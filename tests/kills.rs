//! Killing the process at any moment loses nothing confirmed and corrupts
//! nothing; two writers at once both land; "locked" reaches the user only
//! after the busy timeout, which the config sets.

#![allow(clippy::unwrap_used)]

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const NOW: &str = "2026-11-23T12:00:00Z";

fn casebook(db: &Path) -> Command {
    let mut c = common::casebook_at(db, NOW);
    c.stdin(Stdio::null());
    c
}

fn run(db: &Path, args: &[&str]) -> Output {
    casebook(db).args(args).output().unwrap()
}

fn ok(db: &Path, args: &[&str]) -> String {
    let out = run(db, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json(db: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(db, args)).unwrap()
}

fn case_count(db: &Path) -> usize {
    json(db, &["list", "--json"]).as_array().unwrap().len()
}

fn kill9(child: &mut Child) {
    // SIGKILL: no destructor, no handler, nothing flushed.
    let _ = child.kill();
    let _ = child.wait();
}

/// A JSON Lines file of `n` cases with four touches each.
fn jsonl(dir: &Path, n: usize) -> PathBuf {
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&format!(
            "{{\"ref\": \"k-{i}\", \"title\": \"Case {i}\", \"vendor\": \"Vendor {}\", \"opened_at\": \"2026-01-01T00:00:00Z\", \
             \"touchpoints\": [\
             {{\"at\": \"2026-01-01T01:00:00Z\", \"channel\": \"phone\", \"from\": \"customer\", \"outcome\": \"no_answer\", \"note\": \"try {i}\"}},\
             {{\"at\": \"2026-01-02T01:00:00Z\", \"channel\": \"chat\", \"from\": \"customer\", \"outcome\": \"promise\", \"promise_due\": \"2026-01-03T00:00:00Z\"}},\
             {{\"at\": \"2026-01-04T01:00:00Z\", \"channel\": \"email\", \"from\": \"vendor\", \"outcome\": \"info_request\"}},\
             {{\"at\": \"2026-01-05T01:00:00Z\", \"channel\": \"email\", \"from\": \"customer\", \"outcome\": \"info_given\"}}]}}\n",
            i % 17
        ));
    }
    let path = dir.join(format!("cases-{n}.jsonl"));
    std::fs::write(&path, text).unwrap();
    path
}

fn seeded(dir: &Path, name: &str) -> PathBuf {
    let db = dir.join(name);
    ok(&db, &["demo", "--stories-only"]);
    db
}

#[test]
fn an_import_killed_at_any_moment_is_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let n = 2000;
    let file = jsonl(dir.path(), n);
    // How long a whole import takes here, to spread the kills across it.
    let probe = seeded(dir.path(), "probe.sqlite3");
    let started = Instant::now();
    ok(&probe, &["import", file.to_str().unwrap()]);
    let whole = started.elapsed().as_millis().max(50) as u64;
    let mut rng = fastrand::Rng::with_seed(7);
    let mut seen = (0, 0);
    for round in 0..8 {
        let db = seeded(dir.path(), &format!("kill-{round}.sqlite3"));
        let before = case_count(&db);
        let mut child = casebook(&db)
            .args(["import", file.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.u64(0..whole * 12 / 10)));
        kill9(&mut child);
        ok(&db, &["check"]);
        let after = case_count(&db);
        if after == before {
            seen.0 += 1;
        } else {
            assert_eq!(after, before + n, "round {round}: a partial import");
            seen.1 += 1;
            // And every touch of it is there.
            let shown = json(&db, &["show", "k-1999", "--json"]);
            assert_eq!(shown["touchpoints"].as_array().unwrap().len(), 4);
        }
    }
    eprintln!(
        "kills: {} before the commit, {} after (import took {whole} ms)",
        seen.0, seen.1
    );
}

#[test]
fn a_burst_of_touches_killed_at_random_keeps_every_confirmed_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path(), "burst.sqlite3");
    // One command's time here, to kill at random moments inside it.
    let started = Instant::now();
    ok(&db, &["list", "--json"]);
    let one = started.elapsed().as_millis().max(5) as u64;
    let mut rng = fastrand::Rng::with_seed(11);
    let mut confirmed = Vec::new();
    let attempts = 40;
    for i in 0..attempts {
        let note = format!("burst {i}");
        let mut child = casebook(&db)
            .args([
                "touch",
                "2",
                "--channel",
                "phone",
                "--from",
                "customer",
                "--outcome",
                "sent",
            ])
            .args(["--note", &note])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_millis(rng.u64(0..one * 2));
        let mut exited = None;
        while Instant::now() < deadline {
            if let Some(status) = child.try_wait().unwrap() {
                exited = Some(status);
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        match exited {
            Some(status) if status.success() => confirmed.push(note),
            Some(_) => {}
            None => kill9(&mut child),
        }
    }
    ok(&db, &["check"]);
    let shown = json(&db, &["show", "2", "--json"]);
    let notes: Vec<String> = shown["touchpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["note"].as_str().unwrap_or("").to_string())
        .collect();
    for note in &confirmed {
        assert!(notes.contains(note), "a confirmed touch was lost: {note}");
    }
    // Every touch that landed is whole: one of the burst's notes, once.
    let burst: Vec<&String> = notes.iter().filter(|n| n.starts_with("burst ")).collect();
    let mut unique = burst.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), burst.len());
    assert!(burst.len() >= confirmed.len() && burst.len() <= attempts);
    // The stored summary agrees with the touches (the list reads it).
    let listed = json(&db, &["list", "--json"]);
    let row = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == 2)
        .unwrap();
    assert_eq!(row["touches"].as_u64().unwrap() as usize, notes.len());
    eprintln!(
        "burst: {} confirmed, {} landed of {attempts}",
        confirmed.len(),
        burst.len()
    );
}

#[test]
fn two_writers_at_once_both_land_with_the_app_open() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path(), "two.sqlite3");
    let file = jsonl(dir.path(), 3000);
    // The app's two connections stay open throughout.
    let app = casebook::store::Store::open_existing(&db).unwrap();
    let reader = casebook::store::Store::open_existing(&db).unwrap();
    let mut import = casebook(&db)
        .args(["import", file.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A touch waits for the import's write lock as long as the import
    // takes (under a loaded CI machine, longer than the default 5 s).
    let config = dir.path().join("patient.toml");
    std::fs::write(&config, "[storage]\nbusy_timeout_ms = 120000\n").unwrap();
    let config = config.to_str().unwrap();
    let mut touched = 0;
    while import.try_wait().unwrap().is_none() || touched < 5 {
        let out = run(
            &db,
            &[
                "--config",
                config,
                "touch",
                "2",
                "--channel",
                "chat",
                "--from",
                "customer",
                "--outcome",
                "sent",
                "--note",
                &format!("during {touched}"),
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        touched += 1;
        assert!(app.case(2).is_ok() && reader.touches(2).is_ok());
    }
    let out = import.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(case_count(&db), 4 + 3000);
    let shown = json(&db, &["show", "2", "--json"]);
    let during = shown["touchpoints"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["note"].as_str().unwrap_or("").starts_with("during "))
        .count();
    assert_eq!(during, touched);
    ok(&db, &["check"]);
}

#[test]
fn locked_is_said_only_after_the_configured_busy_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path(), "busy.sqlite3");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[storage]\nbusy_timeout_ms = 400\n").unwrap();
    // Another program holds the write lock.
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let started = Instant::now();
    let out = run(
        &db,
        &[
            "--config",
            config.to_str().unwrap(),
            "touch",
            "2",
            "--channel",
            "chat",
            "--from",
            "customer",
            "--outcome",
            "sent",
        ],
    );
    let waited = started.elapsed();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("locked"), "{err}");
    assert!(
        waited >= Duration::from_millis(400),
        "said after {waited:?}"
    );
    // Released within the timeout, the write waits and lands.
    let releaser = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        holder.execute_batch("ROLLBACK").unwrap();
    });
    let out = run(
        &db,
        &[
            "touch",
            "2",
            "--channel",
            "chat",
            "--from",
            "customer",
            "--outcome",
            "sent",
            "--note",
            "waited",
        ],
    );
    releaser.join().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
