//! Times that cannot be: a touch before its case was opened is refused with
//! the opening time; a time more than a day ahead is asked about (app) or
//! needs --future (command line); a timeline spanning years shows them.

#![allow(clippy::unwrap_used)]

mod common;
mod tui_support;

use casebook::app::Modal;
use ratatui::crossterm::event::KeyCode;
use tui_support::*;

const NOW: &str = "2026-11-23T12:00:00Z";

fn cli(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    common::casebook_at(db, NOW).args(args).output().unwrap()
}

#[test]
fn the_command_line_refuses_a_touch_before_opening_and_asks_for_future() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.sqlite3");
    let add = cli(
        &db,
        &[
            "add",
            "--vendor",
            "Acme",
            "--title",
            "t",
            "--opened",
            "2026-11-20 09:00",
        ],
    );
    assert!(add.status.success(), "{add:?}");
    let touch = |extra: &[&str]| {
        let mut args = vec![
            "touch",
            "1",
            "--channel",
            "phone",
            "--from",
            "customer",
            "--outcome",
            "sent",
        ];
        args.extend_from_slice(extra);
        cli(&db, &args)
    };
    let early = touch(&["--at", "2026-11-19 10:00"]);
    let err = String::from_utf8_lossy(&early.stderr);
    assert!(!early.status.success());
    assert!(
        err.contains("before the case was opened (2026-11-20 09:00)"),
        "{err}"
    );
    let ahead = touch(&["--at", "+3d"]);
    let err = String::from_utf8_lossy(&ahead.stderr);
    assert!(!ahead.status.success());
    assert!(
        err.contains("more than a day ahead") && err.contains("--future"),
        "{err}"
    );
    // Nothing was written by either.
    let shown = cli(&db, &["show", "1", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(v["touchpoints"].as_array().unwrap().len(), 0);
    // Within a day ahead, and a promise due later, need nothing.
    assert!(touch(&["--at", "+20h"]).status.success());
    assert!(touch(&["--promise-due", "+5d"]).status.success());
    // With --future, it is meant.
    assert!(touch(&["--at", "+3d", "--future"]).status.success());
    let opened_ahead = cli(
        &db,
        &[
            "add",
            "--vendor",
            "Acme",
            "--title",
            "u",
            "--opened",
            "2027-01-01",
        ],
    );
    assert!(!opened_ahead.status.success());
}

#[test]
fn the_app_asks_before_logging_a_time_far_ahead_and_refuses_one_before_opening() {
    let mut app = demo_app();
    app.open_case(2); // opened 2020-06-01
    key(&mut app, KeyCode::Char('t'));
    let set_at = |app: &mut casebook::app::App, text: &str| {
        let Some(Modal::Form(f)) = &mut app.modal else {
            panic!("no form")
        };
        f.field_mut("at").unwrap().set_text(text);
    };
    set_at(&mut app, "2020-05-01 10:00");
    key(&mut app, KeyCode::Enter);
    let s = screen(&mut app);
    assert!(s.contains("before the case was opened"), "{s}");
    assert_eq!(app.store.touches(2).unwrap().len(), 10);

    set_at(&mut app, "2030-01-01 10:00");
    key(&mut app, KeyCode::Enter);
    let s = screen(&mut app);
    assert!(s.contains("more than a day ahead"), "{s}");
    assert_eq!(app.store.touches(2).unwrap().len(), 10);
    // Enter again keeps it.
    key(&mut app, KeyCode::Enter);
    assert!(app.modal.is_none(), "{}", screen(&mut app));
    assert_eq!(app.store.touches(2).unwrap().len(), 11);
}

#[test]
fn the_timeline_shows_the_year_when_it_is_not_this_one() {
    let mut app = demo_app(); // now is 2022-08-06
    app.open_case(1); // the missing screw, 2019
    let s = render(&mut app, 100, 60).join("\n");
    assert!(s.contains("\n  2019-03-01  email"), "{s}");
    app.open_case(4); // the gift at the gate, this year
    let s = render(&mut app, 100, 60).join("\n");
    assert!(s.contains("\n  08-05 13:40 in_person"), "{s}");
}

/// The app on a view of the past (--as-of earlier than the file's newest
/// clock): the header says so, cases opened later are not there, and no key
/// opens a form or a status menu: a view changes nothing.
#[test]
fn the_app_on_a_view_of_the_past_shows_it_and_changes_nothing() {
    utc();
    let mut store = demo_store();
    // Before the cable sign-up (2020-06-01) but after the missing screw.
    let t = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2019, 6, 1, 0, 0, 0).unwrap();
    store.view_as_of(t, true).unwrap();
    let mut app = casebook::app::App::new(store, t, false).unwrap();
    app.update(casebook::app::Action::Resize(100, 24));
    let s = screen(&mut app);
    assert!(s.contains("as of 2019-06-01 00:00"), "{s}");
    assert_eq!(listed(&app), vec![1], "{s}");
    for k in ['a', 't', 'x', 'r'] {
        key(&mut app, KeyCode::Char(k));
        assert!(app.modal.is_none(), "{k}: {}", screen(&mut app));
    }
    let s = screen(&mut app);
    assert!(s.contains("as it stood at 2019-06-01 00:00"), "{s}");
}
