//! No lost updates: a form saves the fields it changed on top of the record
//! as it is now; a field changed both here and elsewhere is never put back
//! silently; reopening counts and clears the outcome.

#![allow(clippy::unwrap_used)]

mod tui_support;

use casebook::app::{Action, App};
use casebook::domain::{
    Case, Channel, Money, Resolution, StartedBy, Status, TouchOutcome, Touchpoint,
};
use casebook::store::{Store, StoreError};
use chrono::Duration;
use ratatui::crossterm::event::KeyCode;
use tui_support::*;

fn case_with_touch(store: &mut Store) -> (i64, i64) {
    let id = store
        .create_case(
            Case::new("Router dead", "Netco", now() - Duration::days(2)),
            vec![],
            now(),
        )
        .unwrap();
    let t = Touchpoint::new(
        now() - Duration::days(1),
        Channel::new("phone").unwrap(),
        StartedBy::Customer,
        TouchOutcome::Promise,
    );
    let tid = store.add_touch(id, t, now()).unwrap();
    (id, tid)
}

#[test]
fn an_edit_keeps_a_resolution_made_meanwhile_in_other_fields() {
    let mut store = Store::in_memory().unwrap();
    let (id, _) = case_with_touch(&mut store);
    let opened_on = store.case(id).unwrap();
    // Another window resolves the case with a refund while the form is open.
    store
        .resolve(
            id,
            Resolution::PartialRefund,
            Some(Money(2500)),
            now(),
            now(),
        )
        .unwrap();
    // The form changes the title only.
    let mut edited = opened_on.clone();
    edited.title = "Router dead on arrival".into();
    assert_eq!(
        store
            .update_case_from(&opened_on, edited, now(), false)
            .unwrap(),
        1
    );
    let c = store.case(id).unwrap();
    assert_eq!(c.title, "Router dead on arrival");
    assert_eq!(c.status, Status::Resolved);
    assert_eq!(c.outcome, Some(Resolution::PartialRefund));
    assert_eq!(c.refund_amount, Some(Money(2500)));
    assert_eq!(c.resolved_at, Some(now()));
}

#[test]
fn a_clash_is_refused_until_confirmed_and_then_reopens_by_the_rule() {
    let mut store = Store::in_memory().unwrap();
    let (id, _) = case_with_touch(&mut store);
    let opened_on = store.case(id).unwrap();
    store
        .resolve(id, Resolution::Credit, Some(Money(800)), now(), now())
        .unwrap();
    let mut edited = opened_on.clone();
    edited.status = Status::WaitingCustomer;
    let err = store
        .update_case_from(&opened_on, edited.clone(), now(), false)
        .unwrap_err();
    let StoreError::Changed { clashes, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(clashes.len(), 1);
    assert_eq!(clashes[0].field, "status");
    let said = err.to_string();
    assert!(
        said.contains("status is now resolved (yours: waiting_customer)"),
        "{said}"
    );
    // Nothing was written.
    assert_eq!(store.case(id).unwrap().status, Status::Resolved);
    // Confirmed: the case is reopened, which counts and clears the outcome;
    // the refund stays.
    store
        .update_case_from(&opened_on, edited, now(), true)
        .unwrap();
    let c = store.case(id).unwrap();
    assert_eq!(c.status, Status::WaitingCustomer);
    assert_eq!((c.reopens, c.outcome, c.resolved_at), (1, None, None));
    assert_eq!(c.refund_amount, Some(Money(800)));
}

#[test]
fn a_touch_edit_keeps_a_change_made_meanwhile() {
    let mut store = Store::in_memory().unwrap();
    let (id, tid) = case_with_touch(&mut store);
    let opened_on = store.touches(id).unwrap()[0].clone();
    // Elsewhere: the outcome is corrected.
    let mut theirs = opened_on.clone();
    theirs.outcome = TouchOutcome::Dropped;
    store
        .update_touch_from(&opened_on, theirs, now(), false)
        .unwrap();
    // Here: a note is added.
    let mut mine = opened_on.clone();
    mine.note = "line went silent".into();
    store
        .update_touch_from(&opened_on, mine.clone(), now(), false)
        .unwrap();
    let t = store.touches(id).unwrap()[0].clone();
    assert_eq!(
        (t.id, t.outcome, t.note.as_str()),
        (tid, TouchOutcome::Dropped, "line went silent")
    );
    // Both changing the outcome clashes.
    let mut clash = mine;
    clash.outcome = TouchOutcome::Resolved;
    let err = store
        .update_touch_from(&opened_on, clash, now(), false)
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("outcome is now dropped (yours: resolved)"),
        "{err}"
    );
}

#[test]
fn the_app_says_what_changed_and_saves_over_it_only_when_asked() {
    utc();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two.sqlite3");
    let mut other = Store::open(&path).unwrap();
    casebook::io::demo::load(&mut other, now()).unwrap();
    let mut app = App::new(Store::open(&path).unwrap(), now(), false).unwrap();
    app.update(Action::Resize(80, 24));
    app.open_case(3);
    key(&mut app, KeyCode::Char('e'));
    // Another process raises the priority while the form is open.
    let theirs = other.case(3).unwrap();
    let mut urgent = theirs.clone();
    urgent.priority = casebook::domain::Priority::Urgent;
    other
        .update_case_from(&theirs, urgent, now(), false)
        .unwrap();
    // The form raises it too, to a different value: title, vendor, via,
    // product, category, stage, priority.
    for _ in 0..6 {
        key(&mut app, KeyCode::Tab);
    }
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Enter);
    let s = screen(&mut app);
    assert!(s.contains("changed since this form opened"), "{s}");
    assert_eq!(app.store.case(3).unwrap().priority.as_str(), "urgent");
    // Saving again puts the user's value over theirs.
    key(&mut app, KeyCode::Enter);
    assert!(app.modal.is_none(), "{}", screen(&mut app));
    assert_eq!(app.store.case(3).unwrap().priority.as_str(), "high");
}
