//! The terminal app without a terminal: keys in, state and data out. The
//! query language's results on the demo stories, through the triage screen;
//! forms, status and resolution by keys; live refresh from another process.
#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod tui_support;

use casebook::app::{Action, App, Mode, Tab};
use casebook::domain::{Status, TouchOutcome};
use casebook::store::Store;
use ratatui::crossterm::event::KeyCode;
use tui_support::*;

#[track_caller]
fn query_lists(app: &mut App, query: &str, ids: &[i64]) {
    filter(app, query);
    assert_eq!(app.cases.error, None, "{query}");
    let mut got = listed(app);
    got.sort();
    assert_eq!(got, ids, "{query}");
    assert_eq!(app.cases.total, ids.len(), "{query}");
    // What is listed is what is drawn.
    let s = render(app, 80, 24);
    for id in ids {
        assert!(
            s.iter().any(|l| l.starts_with(&format!("{id:>5} "))),
            "{query}: case {id} not drawn"
        );
    }
}

#[test]
fn the_query_language_on_the_demo_stories() {
    let mut app = demo_app();
    query_lists(&mut app, "", &[1, 2, 3, 4]);
    query_lists(&mut app, "vendor:comcast", &[2, 3]);
    // A marketplace counts as a vendor of the case.
    query_lists(&mut app, "vendor:amazon", &[1]);
    query_lists(&mut app, "vendor:\"we love\"", &[1]);
    query_lists(&mut app, "status:open", &[2]);
    query_lists(&mut app, "status:resolved", &[1, 3, 4]);
    query_lists(&mut app, "-status:resolved", &[2]);
    query_lists(&mut app, "status:waiting_vendor,closed", &[2]);
    query_lists(&mut app, "channel:claim", &[1]);
    query_lists(&mut app, "channel:web", &[2, 3]);
    query_lists(&mut app, "category:praise", &[4]);
    query_lists(&mut app, "flag:delight", &[1, 4]);
    query_lists(&mut app, "flag:unreachable", &[2, 3]);
    query_lists(&mut app, "flag:lost_record", &[2]);
    query_lists(&mut app, "tag:hardware", &[1]);
    // Now is the day after the airline's gift.
    query_lists(&mut app, "age>7d", &[1, 2, 3]);
    query_lists(&mut app, "age<2d", &[4]);
    query_lists(&mut app, "screw", &[1]);
    // Free words search the notes too.
    query_lists(&mut app, "silence", &[2]);
    query_lists(
        &mut app,
        "vendor:comcast flag:unreachable status:resolved",
        &[3],
    );
    query_lists(&mut app, "nothing-like-this", &[]);
    let s = render(&mut app, 80, 24);
    assert!(s.iter().any(|l| l.contains("No case matches the filter")));
}

#[test]
fn a_bad_query_is_shown_inline_and_keeps_the_results() {
    let mut app = demo_app();
    filter(&mut app, "vendor:comcast");
    filter(&mut app, "colour:red");
    // Still typing: Enter does not leave a bad filter.
    assert_eq!(app.mode(), Mode::Filter);
    let e = app.cases.error.clone().unwrap();
    assert!(e.message.contains("unknown key 'colour'"), "{e:?}");
    let s = render(&mut app, 80, 24);
    assert!(
        s[2].contains("✗ 'colour:red': unknown key 'colour'"),
        "{}",
        s.join("\n")
    );
    // Esc goes back to the filter before.
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.mode(), Mode::Cases);
    assert_eq!(app.cases.query_text, "vendor:comcast");
    assert_eq!(listed(&app), vec![2, 3]);
    assert_eq!(app.cases.error, None);
    // Esc on the screen clears the filter.
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.cases.total, 4);
}

#[test]
fn the_table_follows_the_filter_as_it_is_typed() {
    let mut app = demo_app();
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "vendor:south");
    assert_eq!(listed(&app), vec![4]);
    typed(&mut app, " \"open");
    // An open quote does not parse: the last good result stays.
    assert!(app.cases.error.is_some());
    assert_eq!(listed(&app), vec![4]);
}

#[test]
fn saved_views_are_kept_in_the_database() {
    let mut app = demo_app();
    filter(&mut app, "vendor:comcast status:open");
    key(&mut app, KeyCode::Char('w'));
    assert_eq!(app.mode(), Mode::Prompt);
    typed(&mut app, "comcast open");
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        app.store.saved_views().unwrap(),
        vec![(
            "comcast open".to_string(),
            "vendor:comcast status:open".to_string()
        )]
    );
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.cases.total, 4);
    key(&mut app, KeyCode::Char('v'));
    assert_eq!(app.mode(), Mode::Views);
    let s = render(&mut app, 80, 24);
    assert!(s.iter().any(|l| l.contains("comcast open")));
    key(&mut app, KeyCode::Enter);
    assert_eq!(listed(&app), vec![2]);
    assert_eq!(app.cases.query_text, "vendor:comcast status:open");
    // Deleting asks first.
    key(&mut app, KeyCode::Char('v'));
    key(&mut app, KeyCode::Char('d'));
    assert_eq!(app.mode(), Mode::Confirm);
    key(&mut app, KeyCode::Char('y'));
    assert!(app.store.saved_views().unwrap().is_empty());
}

#[test]
fn sorting_by_any_column_and_reversing() {
    let mut app = demo_app();
    key(&mut app, KeyCode::Char('s'));
    assert_eq!(app.cases.sort.label(), "id");
    assert_eq!(listed(&app), vec![1, 2, 3, 4]);
    key(&mut app, KeyCode::Char('i'));
    assert_eq!(listed(&app), vec![4, 3, 2, 1]);
    key(&mut app, KeyCode::Char('s'));
    // By age, oldest first.
    assert_eq!(app.cases.sort.label(), "age");
    assert_eq!(listed(&app)[0], 1);
    for _ in 0..5 {
        key(&mut app, KeyCode::Char('s'));
    }
    assert_eq!(app.cases.sort.label(), "touches");
    assert_eq!(listed(&app), vec![2, 1, 3, 4]);
    key(&mut app, KeyCode::Char('S'));
    assert_eq!(app.cases.sort.label(), "flags");
    let s = render(&mut app, 80, 24);
    assert!(s[2].contains("flags▼"), "{}", s[2]);
}

#[test]
fn logging_a_touch_by_keys_with_the_proposed_outcome() {
    let mut app = demo_app();
    // The open case is first; Enter opens it, t starts a touch.
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.case.as_ref().unwrap().case.id, 2);
    key(&mut app, KeyCode::Char('t'));
    assert_eq!(app.mode(), Mode::Form);
    typed(&mut app, "Called again; the rep went silent and hung up");
    // Proposed, not taken.
    let Some(casebook::app::Modal::Form(form)) = &app.modal else {
        panic!("no form")
    };
    assert_eq!(form.suggestion.unwrap().outcome, TouchOutcome::Dropped);
    assert_eq!(form.value("outcome"), "info_given");
    // Defaults: the last touch's channel, the customer, now.
    assert_eq!(form.value("channel"), "phone");
    assert_eq!(form.value("from"), "customer");
    assert_eq!(form.value("at"), "now");
    let s = render(&mut app, 80, 24);
    assert!(s
        .iter()
        .any(|l| l.contains("“went silent”: outcome dropped?")));
    ctrl(&mut app, 'y');
    key(&mut app, KeyCode::Enter);
    assert!(app.modal.is_none());
    let touches = app.store.touches(2).unwrap();
    let t = touches.last().unwrap();
    assert_eq!(t.outcome, TouchOutcome::Dropped);
    assert_eq!(t.note, "Called again; the rep went silent and hung up");
    assert_eq!(t.at, now());
    assert!(app.flash.as_ref().unwrap().text.contains("added to case 2"));
    // The case screen shows it, selected.
    let screen = app.case.as_ref().unwrap();
    assert_eq!(screen.selected_touch().unwrap().id, t.id);
    assert!(screen.flags.iter().any(|f| f.evidence.contains(&t.id)));
}

#[test]
fn bad_values_are_explained_beside_their_field_and_nothing_is_written() {
    let mut app = demo_app();
    key(&mut app, KeyCode::Char('t'));
    // From the note, down to minutes.
    key(&mut app, KeyCode::Tab);
    typed(&mut app, "ten");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode(), Mode::Form);
    let s = render(&mut app, 80, 24);
    assert!(
        s.iter().any(|l| l.contains("✗ a number of minutes")),
        "{}",
        s.join("\n")
    );
    assert_eq!(app.store.touches(2).unwrap().len(), 10);
    // Esc on a changed form asks; n keeps it, y drops it.
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.mode(), Mode::Confirm);
    key(&mut app, KeyCode::Char('n'));
    assert_eq!(app.mode(), Mode::Form);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('y'));
    assert!(app.modal.is_none());
    assert_eq!(app.store.touches(2).unwrap().len(), 10);
}

#[test]
fn status_and_resolution_by_single_keys() {
    let mut app = demo_app();
    key(&mut app, KeyCode::Char('x'));
    assert_eq!(app.mode(), Mode::Status);
    key(&mut app, KeyCode::Char('c'));
    assert_eq!(app.store.case(2).unwrap().status, Status::WaitingCustomer);
    // Resolve: outcome by its first letter, a refund, Enter.
    key(&mut app, KeyCode::Char('r'));
    key(&mut app, KeyCode::Enter);
    // No outcome chosen yet: said so, nothing written.
    assert_eq!(app.mode(), Mode::Form);
    assert_eq!(app.store.case(2).unwrap().status, Status::WaitingCustomer);
    typed(&mut app, "c");
    key(&mut app, KeyCode::Tab);
    typed(&mut app, "8.00");
    key(&mut app, KeyCode::Enter);
    let c = app.store.case(2).unwrap();
    assert_eq!(c.status, Status::Resolved);
    assert_eq!(c.outcome.unwrap().as_str(), "credit");
    assert_eq!(c.refund_amount.unwrap().to_string(), "8.00");
    assert_eq!(c.resolved_at, Some(now()));
}

#[test]
fn a_new_case_by_form_opens_on_screen() {
    let mut app = demo_app();
    key(&mut app, KeyCode::Char('a'));
    typed(&mut app, "Router never arrived");
    key(&mut app, KeyCode::Tab);
    typed(&mut app, "Acme Networks");
    // Down to the category: type its first letter until late_delivery.
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    typed(&mut app, "l");
    key(&mut app, KeyCode::Enter);
    // A vendor nobody knows: the form asks before creating it.
    let s = render(&mut app, 80, 24).join("\n");
    assert!(
        s.contains("'Acme Networks' is not a known vendor: Enter again creates it"),
        "{s}"
    );
    assert_eq!(app.cases.total, 4);
    key(&mut app, KeyCode::Enter);
    assert!(
        app.modal.is_none(),
        "{:?}",
        app.flash.as_ref().map(|f| &f.text)
    );
    let screen = app.case.as_ref().unwrap();
    assert_eq!(screen.case.title, "Router never arrived");
    assert_eq!(screen.case.vendor, "Acme Networks");
    assert_eq!(screen.case.category.as_str(), "late_delivery");
    assert_eq!(app.cases.total, 5);
    // A required field left empty is refused with the reason.
    key(&mut app, KeyCode::Char('q'));
    key(&mut app, KeyCode::Char('a'));
    key(&mut app, KeyCode::Enter);
    let s = render(&mut app, 80, 24);
    assert!(s.iter().any(|l| l.contains("✗ must not be empty")));
    assert_eq!(app.cases.total, 5);
}

#[test]
fn editing_a_case_leaves_an_event_in_the_timeline() {
    let mut app = demo_app();
    app.open_case(3);
    key(&mut app, KeyCode::Char('e'));
    // title, vendor, via, product, category, stage, priority: → raises it.
    for _ in 0..6 {
        key(&mut app, KeyCode::Tab);
    }
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.store.case(3).unwrap().priority.as_str(), "high");
    let s = render(&mut app, 120, 40);
    assert!(
        s.iter().any(|l| l.contains("priority: normal → high")),
        "{}",
        s.join("\n")
    );
    // H hides the events.
    key(&mut app, KeyCode::Char('H'));
    let s = render(&mut app, 120, 40);
    assert!(!s.iter().any(|l| l.contains("priority: normal → high")));
}

#[test]
fn deleting_a_touch_asks_first() {
    let mut app = demo_app();
    app.open_case(3);
    key(&mut app, KeyCode::Char('d'));
    assert_eq!(app.mode(), Mode::Confirm);
    key(&mut app, KeyCode::Char('n'));
    assert_eq!(app.store.touches(3).unwrap().len(), 2);
    key(&mut app, KeyCode::Char('d'));
    key(&mut app, KeyCode::Char('y'));
    assert_eq!(app.store.touches(3).unwrap().len(), 1);
}

#[test]
fn vendors_drill_down_to_their_cases_and_back_out() {
    let mut app = demo_app();
    key(&mut app, KeyCode::Char('2'));
    assert_eq!(app.tab, Tab::Vendors);
    // Second by friction score: Comcast.
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.tab, Tab::Cases);
    assert_eq!(app.cases.query_text, "\"vendor=Comcast\"");
    let mut ids = listed(&app);
    ids.sort();
    assert_eq!(ids, vec![2, 3]);
    // Enter, ], [ and q: into a case, the next, back, out.
    key(&mut app, KeyCode::Enter);
    let first = app.case.as_ref().unwrap().case.id;
    key(&mut app, KeyCode::Char(']'));
    let second = app.case.as_ref().unwrap().case.id;
    assert_ne!(first, second);
    key(&mut app, KeyCode::Char('['));
    assert_eq!(app.case.as_ref().unwrap().case.id, first);
    key(&mut app, KeyCode::Char('q'));
    assert!(app.case.is_none());
    key(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
}

#[test]
fn a_change_from_another_process_shows_within_a_tick() {
    utc();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("live.sqlite3");
    let mut other = Store::open(&path).unwrap();
    casebook::io::demo::load(&mut other, now()).unwrap();
    let mut app = App::new(Store::open(&path).unwrap(), now(), false).unwrap();
    app.update(Action::Resize(80, 24));
    app.open_case(2);
    assert_eq!(app.cases.total, 4);
    // Another process logs a case and a touch on the open one.
    let id = other
        .create_case(
            casebook::domain::Case::new("Late parcel", "Parcelco", now()),
            vec![],
            now(),
        )
        .unwrap();
    let t = casebook::domain::Touchpoint::new(
        now(),
        casebook::domain::Channel::known("email").unwrap(),
        casebook::domain::StartedBy::Vendor,
        TouchOutcome::InfoRequest,
    );
    other.add_touch(2, t, now()).unwrap();
    app.update(Action::Tick);
    assert_eq!(app.cases.total, 5);
    assert!(app.cases.rows.iter().any(|r| r.id == id));
    assert_eq!(app.case.as_ref().unwrap().touches.len(), 11);
    assert!(app.dirty);
}

#[test]
fn nothing_is_written_to_a_read_only_database() {
    utc();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ro.sqlite3");
    {
        let mut s = Store::open(&path).unwrap();
        casebook::io::demo::load(&mut s, now()).unwrap();
    }
    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&path, perms).unwrap();
    let store = Store::open(&path).unwrap();
    if !store.read_only {
        eprintln!("skipped: the file is writable anyway here");
        return;
    }
    let mut app = App::new(store, now(), false).unwrap();
    key(&mut app, KeyCode::Char('t'));
    assert!(app.modal.is_none());
    assert!(app.flash.as_ref().unwrap().text.contains("read-only"));
}

#[test]
fn on_a_file_reports_are_made_in_the_background() {
    utc();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bg.sqlite3");
    let mut store = Store::open(&path).unwrap();
    casebook::io::demo::load(&mut store, now()).unwrap();
    let mut app = App::new(store, now(), false).unwrap();
    app.start_background();
    key(&mut app, KeyCode::Char('2'));
    let start = std::time::Instant::now();
    // The flag refresh started with the app writes too: the report may be
    // made twice (once more after the refresh's change shows).
    while (app.vendors.report.is_none()
        || app.vendors.making
        || app.background.as_ref().unwrap().busy())
        && start.elapsed() < std::time::Duration::from_secs(10)
    {
        std::thread::sleep(std::time::Duration::from_millis(20));
        app.update(Action::Tick);
    }
    let groups: Vec<String> = app.vendors.groups().iter().map(|g| g.key.clone()).collect();
    assert_eq!(groups.len(), 3, "{groups:?}");
    assert!(!app.vendors.making);
    let s = render(&mut app, 80, 24);
    assert!(s.iter().any(|l| l.contains("Southwest")));
}

/// Opens every row of a report screen and checks that Enter lists exactly
/// the cases the row counts.
#[track_caller]
fn every_row_drills_down_to_its_count(app: &mut App, tab: char) -> Vec<(String, usize)> {
    let mut seen = Vec::new();
    key(app, KeyCode::Char(tab));
    let rows = if tab == '2' {
        app.vendors.groups().len()
    } else {
        app.channels.groups().len()
    };
    for i in 0..rows {
        key(app, KeyCode::Char(tab));
        let screen = if tab == '2' {
            &mut app.vendors
        } else {
            &mut app.channels
        };
        screen.move_to(i);
        let g = screen.selected_group().unwrap();
        let (name, count) = (g.key.clone(), g.figures.cases);
        key(app, KeyCode::Enter);
        if name.starts_with('(') {
            continue;
        }
        assert_eq!(app.tab, Tab::Cases, "{name}");
        assert_eq!(app.cases.total, count, "{name}: the row and its cases");
        assert_eq!(listed(app).len(), count, "{name}");
        seen.push((name, count));
    }
    seen
}

#[test]
fn a_reviewer_checks_a_vendors_figure_by_opening_its_cases() {
    utc();
    let mut store = Store::in_memory().unwrap();
    for (title, vendor, via) in [
        ("Broken kettle", "Acme", None),
        ("Late sofa", "Acme Plus", None),
        ("Wrong size", "Zed", Some("Acme")),
    ] {
        let mut case = casebook::domain::Case::new(title, vendor, now());
        case.marketplace = via.map(String::from);
        store.create_case(case, vec![], now()).unwrap();
    }
    let mut app = App::new(store, now(), false).unwrap();
    app.update(Action::Resize(80, 24));
    let mut seen = every_row_drills_down_to_its_count(&mut app, '2');
    seen.sort();
    let names = |v: &[(String, usize)]| {
        v.iter()
            .map(|(n, c)| format!("{n} {c}"))
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&seen), ["Acme 1", "Acme Plus 1", "Zed 1"]);
    // Acme's one case, not the two other names that contain "Acme".
    filter(&mut app, "vendor=acme");
    assert_eq!(listed(&app), vec![1]);

    // The demo's claim channel: used by one case (the screw), counted once
    // and listed once; every channel the same way.
    let mut app = demo_app();
    let seen = every_row_drills_down_to_its_count(&mut app, '3');
    assert!(seen.contains(&("claim".to_string(), 1)), "{seen:?}");
    assert!(seen.contains(&("phone".to_string(), 3)), "{seen:?}");
    let claim = app
        .channels
        .groups()
        .into_iter()
        .find(|g| g.key == "claim")
        .unwrap();
    assert_eq!((claim.figures.cases, claim.pattern_cases), (1, 1));
}

#[test]
fn a_prefilled_field_is_replaced_by_typing_and_cleared_by_ctrl_u() {
    let mut app = demo_app();
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('t'));
    let form = |app: &App| match &app.modal {
        Some(casebook::app::Modal::Form(f)) => f.value("at"),
        _ => panic!("no form"),
    };
    // Up to the time ("now"): typing replaces it, it does not append.
    let Some(casebook::app::Modal::Form(f)) = &mut app.modal else {
        panic!("no form")
    };
    f.focus_name("at");
    typed(&mut app, "yesterday");
    assert_eq!(form(&app), "yesterday");
    // Typed text is the user's own: more typing appends.
    typed(&mut app, " 14:00");
    assert_eq!(form(&app), "yesterday 14:00");
    ctrl(&mut app, 'u');
    assert_eq!(form(&app), "");
    typed(&mut app, "tomorrow");
    let s = render(&mut app, 80, 24).join("\n");
    // 2022-08-07 12:00 UTC, a Sunday.
    assert!(s.contains("Sun 2022-08-07 12:00"), "{s}");
    // In a fresh form, a key that is not a character keeps the value for editing.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('y'));
    assert!(app.modal.is_none());
    key(&mut app, KeyCode::Char('t'));
    let Some(casebook::app::Modal::Form(f)) = &mut app.modal else {
        panic!("no form")
    };
    f.focus_name("at");
    key(&mut app, KeyCode::Backspace);
    typed(&mut app, "w-1d");
    assert_eq!(form(&app), "now-1d");
}

#[test]
fn age_is_time_since_opening_in_full_and_sorts_as_shown() {
    utc();
    let mut store = Store::in_memory().unwrap();
    let opened = now() - chrono::Duration::hours(211 * 24 + 16);
    let mut done = casebook::domain::Case::new("Old and done", "Acme", opened);
    done.status = Status::Resolved;
    done.resolved_at = Some(opened + chrono::Duration::hours(2));
    store.create_case(done, vec![], now()).unwrap();
    let young = now() - chrono::Duration::hours(30);
    store
        .create_case(
            casebook::domain::Case::new("Young", "Acme", young),
            vec![],
            now(),
        )
        .unwrap();
    let mut app = App::new(store, now(), false).unwrap();
    for width in [80, 200] {
        let s = render(&mut app, width, 24).join("\n");
        // Not "11d 16h", and not the 2 hours it took: its age.
        assert!(s.contains(" 211d "), "{s}");
        assert!(s.contains(" 1d 6h "), "{s}");
    }
    // Sorted by age, oldest first when descending: the order of the column.
    while app.cases.sort.label() != "age" {
        key(&mut app, KeyCode::Char('s'));
    }
    let mut orders = vec![listed(&app)];
    key(&mut app, KeyCode::Char('i'));
    orders.push(listed(&app));
    orders.sort();
    assert_eq!(orders, vec![vec![1, 2], vec![2, 1]]);
}

#[test]
fn esc_backs_out_of_vendors_and_channels_and_a_reopened_case_has_no_outcome() {
    let mut app = demo_app();
    for tab in ['2', '3'] {
        key(&mut app, KeyCode::Char(tab));
        assert_ne!(app.tab, Tab::Cases);
        key(&mut app, KeyCode::Esc);
        assert_eq!(app.tab, Tab::Cases, "{tab}");
        assert!(!app.quit);
    }
    // The screw was resolved (workaround… then refunds); reopened, it has no outcome.
    assert!(app.store.case(1).unwrap().outcome.is_some());
    app.store.set_status(1, Status::Open, now(), now()).unwrap();
    app.open_case(1);
    let s = render(&mut app, 120, 30);
    // The header's facts (the timeline has its own "outcome" column), below
    // the next action.
    let head = s[1..7].join("\n");
    assert!(
        head.contains("1 reopen(s)") && !head.contains("outcome"),
        "{head}"
    );
    assert_eq!(app.store.case(1).unwrap().outcome, None);
}

#[test]
fn vendor_fields_complete_from_known_vendors_and_aliases() {
    let mut app = demo_app();
    key(&mut app, KeyCode::Char('a'));
    typed(&mut app, "No signal");
    key(&mut app, KeyCode::Tab);
    typed(&mut app, "xf");
    let s = render(&mut app, 80, 24).join("\n");
    assert!(s.contains("→ Xfinity (Comcast)"), "{s}");
    // → at the end takes it; an alias is a known vendor: no question.
    key(&mut app, KeyCode::Right);
    let Some(casebook::app::Modal::Form(f)) = &app.modal else {
        panic!("no form")
    };
    assert_eq!(f.value("vendor"), "Xfinity");
    key(&mut app, KeyCode::Enter);
    assert!(app.modal.is_none());
    let c = &app.case.as_ref().unwrap().case;
    assert_eq!(
        (c.title.as_str(), c.vendor.as_str()),
        ("No signal", "Comcast")
    );
}

#[test]
fn the_filter_finds_a_case_by_its_ref() {
    let mut app = demo_app();
    filter(&mut app, "demo-screw");
    assert_eq!(listed(&app), vec![1]);
    // A ref is matched whole: a piece of one is a word like any other.
    filter(&mut app, "demo-scr");
    assert!(listed(&app).is_empty(), "{:?}", listed(&app));
    filter(&mut app, "-demo-screw");
    assert!(!listed(&app).contains(&1));
}

#[test]
fn the_no_touches_row_of_channels_lists_the_cases_with_no_touch() {
    utc();
    let mut store = demo_store();
    let bare = casebook::domain::Case::new("Logged, nothing done yet", "Acme", now());
    let id = store.create_case(bare, Vec::new(), now()).unwrap();
    let mut app = casebook::app::App::new(store, now(), false).unwrap();
    key(&mut app, KeyCode::Char('3'));
    render(&mut app, 80, 24);
    let mut steps = 0;
    while app.channels.selected_group().map(|g| g.key.as_str()) != Some("(no touches)") {
        key(&mut app, KeyCode::Char('j'));
        steps += 1;
        assert!(steps < 20, "no '(no touches)' row");
    }
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.tab, casebook::app::Tab::Cases);
    assert_eq!(app.cases.query_text, "touches:0");
    assert_eq!(listed(&app), vec![id]);
    // And the query says so on its own, negated too.
    filter(&mut app, "-touches:0");
    assert!(!listed(&app).contains(&id) && !listed(&app).is_empty());
}

#[test]
fn a_form_opens_without_the_message_of_the_screen_under_it() {
    utc();
    let mut store = demo_store();
    let bare = casebook::domain::Case::new("Logged, nothing done yet", "Acme", now());
    let id = store.create_case(bare, Vec::new(), now()).unwrap();
    let mut app = casebook::app::App::new(store, now(), false).unwrap();
    app.open_case(id);
    render(&mut app, 80, 24);
    // No touch to edit: the status line says so.
    key(&mut app, KeyCode::Enter);
    let s = render(&mut app, 80, 24).join("\n");
    assert!(s.contains("select a touch"), "{s}");
    // t opens the touch form: the message was about the screen, not the form.
    key(&mut app, KeyCode::Char('t'));
    assert!(app.modal.is_some());
    let s = render(&mut app, 80, 24).join("\n");
    assert!(!s.contains("select a touch"), "{s}");
}
