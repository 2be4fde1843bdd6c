//! Who did what: every event of the trail names its actor. On a file, the
//! operating-system user that ran casebook (`USER`, else `LOGNAME`, else the
//! account of the real uid); on PostgreSQL, the session's role, whatever the
//! client says. An event written before casebook recorded it says unknown.
//! Export writes the actor and import keeps it, unknown included, on both
//! engines; `history` and the app's Case screen show it.

#![allow(clippy::unwrap_used)]

mod common;
mod tui_support;

use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// The casebook binary on `db` (a file's path or a server's URL), run as the
/// operating-system user `user` (`None`: with neither USER nor LOGNAME set).
fn as_user(db: &str, user: Option<&str>) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_casebook"));
    c.env("TZ", "UTC")
        .env("CASEBOOK_NOW", common::NOW)
        .env_remove("CASEBOOK_DB")
        .env_remove("USER")
        .env_remove("LOGNAME");
    if let Some(user) = user {
        c.env("USER", user).env("LOGNAME", user);
    }
    c.arg("--db").arg(db);
    c
}

fn run(db: &str, user: &str, args: &[&str]) -> String {
    common::stdout_of(as_user(db, Some(user)).args(args))
}

/// Each event's actor in `history --json` (null when unknown).
fn actors(db: &str, case: &str) -> Vec<Value> {
    let out = run(db, "nobody", &["history", case, "--json"]);
    let trail: Value = serde_json::from_str(&out).unwrap();
    trail
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert!(e.get("actor").is_some(), "every event has the key: {e}");
            e["actor"].clone()
        })
        .collect()
}

fn path(p: &Path) -> String {
    p.display().to_string()
}

/// A file as the first schema left it, with a case and the event of its
/// creation (written before casebook recorded actors).
fn file_from_before_actors(db: &Path) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute_batch(include_str!("../migrations/sqlite/01-init/up.sql"))
        .unwrap();
    conn.pragma_update(None, "user_version", 1).unwrap();
    conn.execute_batch(
        "INSERT INTO vendors (id, name, name_key) VALUES (1, 'Old Vendor', 'old vendor');
         INSERT INTO cases (id, uid, ref, title, vendor_id, opened_at, priority)
           VALUES (1, 'u-old-1', 'old-1', 'Old case', 1, 1700000000000, 'high');
         INSERT INTO events (at, case_id, kind, new_value)
           VALUES (1700000000000, 1, 'created', '{\"title\":\"Old case\"}');",
    )
    .unwrap();
}

#[test]
fn history_names_the_operating_system_user_on_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = path(&dir.path().join("cases.sqlite3"));
    run(
        &db,
        "ana",
        &["add", "--vendor", "Acme", "--title", "Broken kettle"],
    );
    run(&db, "bob", &["status", "1", "escalated"]);
    // Without USER, LOGNAME says who logs in.
    let mut without_user = as_user(&db, None);
    without_user
        .env("LOGNAME", "carla")
        .args(["edit", "1", "--owner", "dan"]);
    common::stdout_of(&mut without_user);

    let text = run(&db, "nobody", &["history", "1"]);
    let lines: Vec<&str> = text.lines().collect();
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(header, ["event", "when", "actor", "what"], "{text}");
    let actor_column = |line: &str| line.split_whitespace().nth(3).unwrap().to_string();
    assert_eq!(actor_column(lines[1]), "ana", "{text}");
    assert!(lines[1].ends_with("case logged"), "{text}");
    assert_eq!(actor_column(lines[2]), "bob", "{text}");
    assert_eq!(actor_column(lines[3]), "carla", "{text}");
    assert_eq!(actors(&db, "1"), ["ana", "bob", "carla"]);
}

#[test]
fn an_event_written_before_actors_were_recorded_says_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("old.sqlite3");
    file_from_before_actors(&file);
    let db = path(&file);
    // Opening migrates it; the next change names its writer.
    run(&db, "ana", &["status", "old-1", "waiting_vendor"]);
    assert_eq!(actors(&db, "old-1"), [Value::Null, "ana".into()]);
    let text = run(&db, "nobody", &["history", "old-1"]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[1].split_whitespace().nth(3),
        Some("unknown"),
        "{text}"
    );
    assert_eq!(lines[2].split_whitespace().nth(3), Some("ana"), "{text}");
    assert!(run(&db, "ana", &["check"]).starts_with("ok:"));
}

/// A file whose case 1 has a trail by nobody known, ana and bob.
fn three_writers(dir: &Path) -> String {
    let file = dir.join("a.sqlite3");
    file_from_before_actors(&file);
    let db = path(&file);
    run(&db, "ana", &["status", "old-1", "waiting_vendor"]);
    run(
        &db,
        "bob",
        &[
            "touch",
            "old-1",
            "--channel",
            "phone",
            "--from",
            "customer",
            "--outcome",
            "promise",
            "--note",
            "they will call back",
        ],
    );
    db
}

#[test]
fn export_and_import_keep_who_did_what() {
    let dir = tempfile::tempdir().unwrap();
    let a = three_writers(dir.path());
    let expected: Vec<Value> = vec![Value::Null, "ana".into(), "bob".into()];
    assert_eq!(actors(&a, "old-1"), expected);
    let trail = run(&a, "nobody", &["history", "old-1", "--json"]);

    for format in ["json", "jsonl"] {
        let exported = run(&a, "nobody", &["export", "--format", format]);
        assert!(exported.contains("\"actor\":\"ana\""), "{exported}");
        assert!(exported.contains("\"actor\":null"), "{exported}");
        let export_file = dir.path().join(format!("a.{format}"));
        std::fs::write(&export_file, &exported).unwrap();
        // Imported by carol: the events keep their own actors, not hers.
        let b = path(&dir.path().join(format!("b-{format}.sqlite3")));
        run(&b, "carol", &["import", &path(&export_file)]);
        assert_eq!(actors(&b, "old-1"), expected, "{format}");
        assert_eq!(
            run(&b, "nobody", &["history", "old-1", "--json"]),
            trail,
            "{format}"
        );
        // What she changes after is hers.
        run(&b, "carol", &["status", "old-1", "escalated"]);
        assert_eq!(actors(&b, "old-1")[3], "carol");
    }

    // An export from before actors has none: its events stay unknown.
    let exported = run(&a, "nobody", &["export"]);
    let mut doc: Value = serde_json::from_str(&exported).unwrap();
    for case in doc["cases"].as_array_mut().unwrap() {
        for e in case["events"].as_array_mut().unwrap() {
            e.as_object_mut().unwrap().remove("actor");
        }
    }
    let older = dir.path().join("older.json");
    std::fs::write(&older, doc.to_string()).unwrap();
    let c = path(&dir.path().join("c.sqlite3"));
    run(&c, "carol", &["import", &path(&older)]);
    assert_eq!(actors(&c, "old-1"), [Value::Null, Value::Null, Value::Null]);
}

#[test]
fn the_case_screen_names_who_wrote_each_event() {
    use ratatui::crossterm::event::KeyCode;
    use tui_support::*;
    let mut app = demo_app();
    // The cable story: its case, its timeline with the events shown.
    app.open_case(2);
    let s = render(&mut app, 120, 40);
    let event_row = s.iter().find(|l| l.contains("(event)")).unwrap();
    assert!(
        event_row.contains(&format!("case logged · by {WRITER}")),
        "{}",
        s.join("\n")
    );
    // The last entry (the event) selected: its line says who, in full.
    key(&mut app, KeyCode::End);
    let s = render(&mut app, 120, 40);
    assert!(
        s.iter()
            .any(|l| l.contains(&format!("by {WRITER}: case logged"))),
        "{}",
        s.join("\n")
    );
    // H hides the events, and with them their actors.
    key(&mut app, KeyCode::Char('H'));
    let s = render(&mut app, 120, 40);
    assert!(!s.iter().any(|l| l.contains("(event)")), "{}", s.join("\n"));
}

#[test]
fn on_postgresql_an_event_names_the_role_whatever_the_client_says() {
    let Some(url) = common::pg::fresh_database("actor_role") else {
        return;
    };
    let role = common::pg::role(&url);
    assert_ne!(role, "ana");
    run(
        &url,
        "ana",
        &["add", "--vendor", "Acme", "--title", "Broken kettle"],
    );
    run(&url, "ana", &["status", "1", "escalated"]);
    assert_eq!(actors(&url, "1"), [role.clone(), role.clone()]);
    let text = run(&url, "ana", &["history", "1"]);
    assert_eq!(
        text.lines().nth(1).unwrap().split_whitespace().nth(3),
        Some(role.as_str()),
        "{text}"
    );
}

#[test]
fn a_file_copied_to_postgresql_keeps_who_did_what() {
    let Some(url) = common::pg::fresh_database("actor_copy") else {
        return;
    };
    let role = common::pg::role(&url);
    let dir = tempfile::tempdir().unwrap();
    let a = three_writers(dir.path());
    let export_file = dir.path().join("a.json");
    std::fs::write(&export_file, run(&a, "nobody", &["export"])).unwrap();
    run(&url, "carol", &["import", &path(&export_file)]);
    // As the file said, unknown included (not the importing role).
    let kept: Vec<Value> = vec![Value::Null, "ana".into(), "bob".into()];
    assert_eq!(actors(&url, "old-1"), kept);
    assert_eq!(
        run(&url, "nobody", &["history", "old-1", "--json"]),
        run(&a, "nobody", &["history", "old-1", "--json"])
    );
    // A change on the server is the role's.
    run(&url, "carol", &["status", "old-1", "escalated"]);
    let mut all = kept.clone();
    all.push(role.clone().into());
    assert_eq!(actors(&url, "old-1"), all);
    // And back to a file: every actor as the server kept it.
    std::fs::write(&export_file, run(&url, "nobody", &["export"])).unwrap();
    let back = path(&dir.path().join("back.sqlite3"));
    run(&back, "carol", &["import", &path(&export_file)]);
    assert_eq!(actors(&back, "old-1"), all);
}
