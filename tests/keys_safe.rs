//! Keys never edit by surprise (issue 20): `/` on any screen opens the Cases
//! filter, `1` always shows the Cases table, and keys typed before a form or
//! popup was on screen are not taken by it. The app without a terminal;
//! tests/tui_e2e.rs types the same in a real one.
#![allow(clippy::unwrap_used)]

mod tui_support;

use casebook::app::{Action, App, Mode, Tab};
use ratatui::crossterm::event::KeyCode;
use tui_support::*;

/// A way to a screen.
type GoTo = fn(&mut App);

/// Every event of every case's trail.
fn trail(app: &App) -> usize {
    (1..=4).map(|id| app.store.events(id).unwrap().len()).sum()
}

fn open_first_case(app: &mut App) {
    key(app, KeyCode::Char('1'));
    key(app, KeyCode::Enter);
    assert_eq!(app.mode(), Mode::Case);
}

#[test]
fn a_filter_typed_on_any_screen_filters_the_cases_and_changes_nothing() {
    let mut app = demo_app();
    let before = trail(&app);
    let screens: [(&str, GoTo); 5] = [
        ("Cases", |app| key(app, KeyCode::Char('1'))),
        ("Case", open_first_case),
        ("Vendors", |app| key(app, KeyCode::Char('2'))),
        ("Channels", |app| key(app, KeyCode::Char('3'))),
        ("SLA", |app| key(app, KeyCode::Char('4'))),
    ];
    for (name, go) in screens {
        go(&mut app);
        typed(&mut app, "/vendor:comcast");
        key(&mut app, KeyCode::Enter);
        assert_eq!(app.mode(), Mode::Cases, "{name}");
        assert_eq!(app.cases.query_text, "vendor:comcast", "{name}");
        let mut ids = listed(&app);
        ids.sort();
        assert_eq!(ids, [2, 3], "{name}");
        assert!(app.modal.is_none(), "{name}");
        // Clear the filter for the next screen.
        key(&mut app, KeyCode::Esc);
    }
    assert_eq!(trail(&app), before);
}

#[test]
fn one_always_shows_the_cases_table() {
    let mut app = demo_app();
    open_first_case(&mut app);
    let id = app.case.as_ref().unwrap().case.id;
    key(&mut app, KeyCode::Char('2'));
    assert_eq!(app.tab, Tab::Vendors);
    key(&mut app, KeyCode::Char('1'));
    assert_eq!(app.mode(), Mode::Cases);
    assert!(app.case.is_none());
    // The case's row is still the one selected.
    assert_eq!(app.cases.selected_row().unwrap().id, id);
    // From the Case screen itself too.
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode(), Mode::Case);
    key(&mut app, KeyCode::Char('1'));
    assert_eq!(app.mode(), Mode::Cases);
}

#[test]
fn keys_typed_before_a_form_showed_are_not_taken_by_it() {
    let mut app = demo_app();
    app.typeahead_guard = true;
    let before = trail(&app);
    open_first_case(&mut app);
    let title = app.case.as_ref().unwrap().case.title.clone();
    // `e` opens the case form; the rest was typed before it was drawn.
    key(&mut app, KeyCode::Char('e'));
    assert_eq!(app.mode(), Mode::Form);
    typed(&mut app, "ndor:comcast");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode(), Mode::Form, "the form is still open, unsaved");
    app.update(Action::Tick);
    assert_eq!(trail(&app), before);
    // Drawn with no key waiting: now the user has seen it, and Esc closes it
    // unchanged.
    app.shown(false);
    key(&mut app, KeyCode::Esc);
    assert!(app.modal.is_none());
    assert_eq!(app.case.as_ref().unwrap().case.title, title);
    // The status popup: a letter typed ahead of it sets nothing.
    key(&mut app, KeyCode::Char('x'));
    assert_eq!(app.mode(), Mode::Status);
    key(&mut app, KeyCode::Char('c'));
    assert_eq!(app.mode(), Mode::Status);
    app.shown(true);
    key(&mut app, KeyCode::Char('c'));
    assert_eq!(app.mode(), Mode::Status);
    assert_eq!(trail(&app), before);
    // Seen: the next key is the user's answer.
    app.shown(false);
    key(&mut app, KeyCode::Char('c'));
    assert!(app.modal.is_none());
    assert_eq!(trail(&app), before + 1);
}
