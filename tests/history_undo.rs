//! The audit trail read back and changes taken back through it: history,
//! delete and restore on the command line, `u` in the app. Undo writes new
//! events; old ones are never edited.

#![allow(clippy::unwrap_used)]

mod common;
mod tui_support;

use casebook::domain::Status;
use ratatui::crossterm::event::KeyCode;
use tui_support::*;

fn cli(db: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = common::casebook_at(db, "2026-11-23T12:00:00Z")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn history_delete_and_restore_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite3");
    assert!(
        cli(
            &db,
            &[
                "add",
                "--vendor",
                "Acme",
                "--title",
                "Broken kettle",
                "--opened",
                "-2d"
            ]
        )
        .0
    );
    assert!(
        cli(
            &db,
            &[
                "touch",
                "1",
                "--channel",
                "phone",
                "--from",
                "customer",
                "--outcome",
                "promise",
                "--note",
                "they will call back",
                "--at",
                "-1d"
            ]
        )
        .0
    );
    assert!(cli(&db, &["status", "1", "waiting_vendor"]).0);
    let (ok, out, _) = cli(&db, &["history", "1"]);
    assert!(ok);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[1].contains("case logged"), "{out}");
    assert!(lines[2].contains("touch #1 logged"), "{out}");
    assert!(lines[3].contains("status open → waiting_vendor"), "{out}");
    // Delete the case: gone from every listing, its trail kept.
    assert!(cli(&db, &["delete", "1"]).0);
    let (_, listed, _) = cli(&db, &["list", "--json"]);
    assert_eq!(listed.trim(), "[]");
    let (ok, out, _) = cli(&db, &["history", "1"]);
    assert!(ok && out.contains("case deleted"), "{out}");
    // Restore brings back the case, its touch and its note's search.
    let (ok, out, err) = cli(&db, &["restore", "1"]);
    assert!(ok, "{err}");
    assert!(out.contains("restored case 1"));
    let (_, found, _) = cli(&db, &["list", "call", "back", "--json"]);
    let found: serde_json::Value = serde_json::from_str(&found).unwrap();
    assert_eq!(found[0]["id"], 1);
    let (_, shown, _) = cli(&db, &["show", "1", "--json"]);
    let shown: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(shown["status"], "waiting_vendor");
    assert_eq!(shown["touchpoints"][0]["id"], 1);
    // Restoring what is not deleted says so.
    let (ok, _, err) = cli(&db, &["restore", "1"]);
    assert!(!ok && err.contains("case 1 was not deleted"), "{err}");
    assert_eq!(
        err.matches("was not deleted").count(),
        1,
        "said once: {err}"
    );
    let (ok, _, err) = cli(&db, &["restore", "--touch", "1"]);
    assert!(!ok && err.contains("was not deleted"), "{err}");
    assert!(cli(&db, &["check"]).0);
}

#[test]
fn u_takes_back_the_sessions_changes_newest_first() {
    let mut app = demo_app();
    let events_before = app.store.history(2).unwrap().len();
    app.open_case(2);
    // A touch, then a status change (x opens the status menu).
    key(&mut app, KeyCode::Char('t'));
    typed(&mut app, "called again");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.store.touches(2).unwrap().len(), 11);
    key(&mut app, KeyCode::Char('x'));
    app.update(casebook::app::Action::SetStatus(Status::Escalated));
    assert_eq!(app.store.case(2).unwrap().status, Status::Escalated);
    // u: the status comes back, then the touch goes.
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(app.store.case(2).unwrap().status, Status::WaitingVendor);
    assert_eq!(app.store.touches(2).unwrap().len(), 11);
    assert!(
        app.flash.as_ref().unwrap().text.contains("undone"),
        "{:?}",
        app.flash.as_ref().map(|f| &f.text)
    );
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(app.store.touches(2).unwrap().len(), 10);
    key(&mut app, KeyCode::Char('u'));
    assert!(app.flash.as_ref().unwrap().text.contains("nothing to undo"));
    // Undo appended events, and after each a marker naming what it took
    // back; none was removed.
    let trail = app.store.history(2).unwrap();
    assert_eq!(trail.len(), events_before + 4 + 2);
    let last = &trail[trail.len() - 2];
    assert!(last.event.summary().contains("deleted"), "{last:?}");
    assert!(last.undo);
    assert_eq!(trail.last().unwrap().event.kind, casebook::store::UNDO);
}

#[test]
fn history_marks_what_an_undo_wrote() {
    utc();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("u.sqlite3");
    let mut store = casebook::store::Store::open(&db).unwrap();
    casebook::io::demo::load(&mut store, now()).unwrap();
    let mut app = casebook::app::App::new(store, now(), false).unwrap();
    app.open_case(2);
    key(&mut app, KeyCode::Char('x'));
    app.update(casebook::app::Action::SetStatus(Status::Escalated));
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(app.store.case(2).unwrap().status, Status::WaitingVendor);
    drop(app);
    let (ok, out, err) = cli(&db, &["history", "2"]);
    assert!(ok, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    let n = lines.len();
    // The change, then its undo marked as one, then the marker.
    assert!(
        lines[n - 3].contains("status waiting_vendor → escalated"),
        "{out}"
    );
    assert!(!lines[n - 3].contains("undo"), "{out}");
    assert!(
        lines[n - 2].contains("undo: status escalated → waiting_vendor"),
        "{out}"
    );
    let change_id = lines[n - 3].split_whitespace().next().unwrap();
    assert!(
        lines[n - 1].contains(&format!("undo (u): took back event(s) #{change_id}")),
        "{out}"
    );
    let (_, json, _) = cli(&db, &["history", "2", "--json"]);
    let events: serde_json::Value = serde_json::from_str(&json).unwrap();
    let events = events.as_array().unwrap();
    assert_eq!(events[events.len() - 2]["undo"], true);
    assert!(events[events.len() - 3].get("undo").is_none());
}

#[test]
fn undo_does_not_put_back_what_someone_changed_since() {
    let mut app = demo_app();
    app.open_case(2);
    key(&mut app, KeyCode::Char('x'));
    app.update(casebook::app::Action::SetStatus(Status::Escalated));
    assert_eq!(app.store.case(2).unwrap().status, Status::Escalated);
    // Meanwhile (another window): the case is resolved.
    let case = app.store.case(2).unwrap();
    let mut resolved = case.clone();
    resolved.status = Status::Resolved;
    app.store
        .update_case_from(&case, resolved, now(), false)
        .unwrap();
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(app.store.case(2).unwrap().status, Status::Resolved);
    assert!(
        app.flash.as_ref().unwrap().text.contains("cannot undo"),
        "{:?}",
        app.flash.as_ref().map(|f| &f.text)
    );
}
