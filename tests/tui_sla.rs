//! Service levels in the terminal app, on the support lead's morning of
//! issue 9 (the same cases as tests/sla.rs, written through the store):
//! the Cases screen in order of time left, the SLA screen that lists and
//! edits policies and calendars, and the case screen's service level in words.
//!
//! Calendar "NY": America/New_York, mon–fri 09:00–17:00. Policy
//! "comcast-urgent": Comcast's urgent cases, 4 business hours to a first
//! response, 24 to resolution. Now: Monday 2024-03-11 14:00Z = 10:00 EDT.
#![allow(clippy::unwrap_used)]

mod tui_support;

use casebook::app::{Action, App};
use casebook::domain::sla::{Calendar, Policy};
use casebook::domain::{Case, Channel, Priority, Resolution, StartedBy, TouchOutcome, Touchpoint};
use casebook::store::Store;
use chrono::{DateTime, Utc};
use ratatui::crossterm::event::KeyCode;
use tui_support::{key, render, typed, utc};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn now() -> DateTime<Utc> {
    at("2024-03-11T14:00:00Z")
}

fn touch(when: &str, from: StartedBy, channel: Channel, outcome: TouchOutcome) -> Touchpoint {
    Touchpoint::new(at(when), channel, from, outcome)
}

/// Cases 1–7 (A–G) of tests/sla.rs, the NY calendar and the policy.
fn morning_store() -> Store {
    let mut store = Store::in_memory().unwrap();
    let n = now();
    let mut add = |title: &str, priority: Priority, opened: &str, touches: Vec<Touchpoint>| {
        let mut c = Case::new(title, "Comcast", at(opened));
        c.priority = priority;
        store.create_case(c, touches, n).unwrap()
    };
    use Priority::{Normal, Urgent};
    add("A", Urgent, "2024-03-08T20:00:00Z", vec![]);
    add("B", Urgent, "2024-03-07T14:00:00Z", vec![]);
    add(
        "C",
        Urgent,
        "2024-03-11T13:30:00Z",
        vec![
            touch(
                "2024-03-11T13:30:00Z",
                StartedBy::Customer,
                Channel::new("email").unwrap(),
                TouchOutcome::Sent,
            ),
            touch(
                "2024-03-11T13:45:00Z",
                StartedBy::Vendor,
                Channel::new("phone").unwrap(),
                TouchOutcome::InfoRequest,
            ),
        ],
    );
    add("D", Urgent, "2024-03-11T12:00:00Z", vec![]);
    add("E", Urgent, "2024-03-08T19:30:00Z", vec![]);
    add("F", Normal, "2024-03-08T19:30:00Z", vec![]);
    add(
        "G",
        Urgent,
        "2024-03-08T14:00:00Z",
        vec![touch(
            "2024-03-08T16:00:00Z",
            StartedBy::Vendor,
            Channel::new("phone").unwrap(),
            TouchOutcome::Resolved,
        )],
    );
    store
        .resolve(7, Resolution::Repair, None, at("2024-03-08T16:00:00Z"), n)
        .unwrap();
    let ny = Calendar::new(
        "NY",
        "America/New_York",
        &["mon-fri 09:00-17:00".to_string()],
        [chrono::NaiveDate::from_ymd_opt(2024, 7, 4).unwrap()].into(),
    )
    .unwrap();
    store.put_sla_calendar(&ny, n).unwrap();
    store
        .put_sla_policy(
            &Policy {
                name: "comcast-urgent".into(),
                vendor: Some("Comcast".into()),
                priority: Some(Urgent),
                calendar: "NY".into(),
                first_response_hours: 4.0,
                resolution_hours: 24.0,
            },
            n,
        )
        .unwrap();
    store
}

fn morning_app() -> App {
    utc();
    let mut app = App::new(morning_store(), now(), false).unwrap();
    app.update(Action::Resize(80, 24));
    app
}

/// The table's rows as (id, the sla cell), read off the screen.
fn sla_cells(screen: &[String]) -> Vec<(i64, String)> {
    let head = screen.iter().position(|l| l.starts_with("id ")).unwrap();
    let col = screen[head].find("sla").unwrap();
    screen[head + 1..]
        .iter()
        .map_while(|l| {
            let id = l.get(..5)?.trim().parse::<i64>().ok()?;
            let cell: String = l.chars().skip(col).take(15).collect();
            Some((id, cell.trim().to_string()))
        })
        .collect()
}

fn shows(screen: &[String], text: &str) {
    assert!(
        screen.iter().any(|l| l.contains(text)),
        "'{text}' is not on screen:\n{}",
        screen.join("\n")
    );
}

fn clear_field(app: &mut App) {
    for _ in 0..40 {
        key(app, KeyCode::Backspace);
    }
}

#[test]
fn cases_screen_orders_by_time_left_breached_first() {
    let mut app = morning_app();
    // S goes back from the urgency sort to the last one: time left.
    key(&mut app, KeyCode::Char('S'));
    let s = render(&mut app, 80, 24);
    shows(&s, "sort sla");
    // B breached on Thursday 13:00 EST (3d 20h ago); E due 10:30 EDT (at
    // risk, 30m); A due 11:00; D due 13:00 (its first response 09:00–13:00);
    // C paused with 23.75 h left; G met; F has no policy.
    assert_eq!(
        sla_cells(&s),
        [
            (2, "breached 3d 20h".to_string()),
            (5, "at risk 30m".into()),
            (1, "running 1h 0m".into()),
            (4, "running 3h 0m".into()),
            (3, "paused 23h 45m".into()),
            (7, "met".into()),
            (6, "".into()),
        ]
    );
}

#[test]
fn the_case_screen_says_its_service_level_in_words() {
    let mut app = morning_app();
    app.open_case(2);
    let s = render(&mut app, 80, 24);
    shows(
        &s,
        "SLA first response breached (13 h over 4 h, due 03-07 18:00)",
    );
    shows(
        &s,
        "    resolution     7 h left of 24 h, due 03-11 21:00 · policy comcast-urgent",
    );
    app.open_case(3);
    let s = render(&mut app, 80, 24);
    shows(&s, "SLA first response met (0.25 h of 4 h)");
    shows(&s, "resolution     23.75 h left of 24 h (paused");
    // No policy, no line.
    app.open_case(6);
    let s = render(&mut app, 80, 24);
    assert!(
        !s.iter().any(|l| l.contains("SLA first")),
        "{}",
        s.join("\n")
    );
}

#[test]
fn the_vendors_screen_carries_the_groups_service_levels() {
    let mut app = morning_app();
    key(&mut app, KeyCode::Char('2'));
    let s = render(&mut app, 80, 24);
    // Six cases under a policy; first responses decided: B breached, C and G
    // met (2 of 3); resolutions decided: G met; B is open and breached.
    shows(&s, "SLA on 6 case(s) · 1 open breached");
    shows(&s, "met: first response 67% · resolution 100%");
}

/// The sla cell of one case on the Cases screen (sorted by time left).
fn cell_of(app: &mut App, id: i64) -> String {
    key(app, KeyCode::Char('1'));
    let s = render(app, 80, 24);
    let cells = sla_cells(&s);
    key(app, KeyCode::Char('4'));
    cells
        .into_iter()
        .find(|(i, _)| *i == id)
        .map(|(_, c)| c)
        .unwrap_or_else(|| panic!("case {id} is not listed:\n{}", s.join("\n")))
}

#[test]
fn the_sla_screen_lists_and_edits_policies_and_calendars() {
    let mut app = morning_app();
    key(&mut app, KeyCode::Char('S'));
    key(&mut app, KeyCode::Char('4'));
    let s = render(&mut app, 80, 24);
    for text in [
        "Policies (1)",
        "comcast-urgent     Comcast           urgent   NY             4 h     24 h      6",
        "Business calendars (2)",
        "24x7       UTC                 every hour (built in)",
        "NY         America/New_York    mon-fri 09:00-17:00           2024-07-04",
        "at risk: less than 25 % of a target left",
    ] {
        shows(&s, text);
    }

    // A policy for normal priority: F (opened Friday 14:30 EST) has used
    // 2.5 h on Friday and 1 h this morning of 8: due 14:30 EDT.
    key(&mut app, KeyCode::Char('a'));
    typed(&mut app, "normal");
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    typed(&mut app, "n");
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    typed(&mut app, "8");
    key(&mut app, KeyCode::Tab);
    typed(&mut app, "40");
    key(&mut app, KeyCode::Enter);
    assert!(app.modal.is_none());
    let s = render(&mut app, 80, 24);
    shows(
        &s,
        "normal             any               normal   NY             8 h     40 h      1",
    );
    assert_eq!(cell_of(&mut app, 6), "running 4h 30m");

    // Edited to 2 hours, it is breached: due Friday 16:30 EST (21:30Z), 2d 16h 30m ago.
    assert_eq!(app.sla.selected, 1);
    key(&mut app, KeyCode::Enter);
    for _ in 0..4 {
        key(&mut app, KeyCode::Tab);
    }
    clear_field(&mut app);
    typed(&mut app, "2");
    key(&mut app, KeyCode::Enter);
    assert!(app.modal.is_none());
    assert_eq!(cell_of(&mut app, 6), "breached 2d 16h");

    // A calendar with a zone that does not exist says so beside the field,
    // and nothing is saved until it is fixed.
    key(&mut app, KeyCode::Char('c'));
    typed(&mut app, "LDN");
    key(&mut app, KeyCode::Tab);
    clear_field(&mut app);
    typed(&mut app, "Mars/Base");
    key(&mut app, KeyCode::Enter);
    let s = render(&mut app, 80, 24);
    shows(&s, "unknown time zone 'Mars/Base'");
    assert!(app.modal.is_some());
    assert_eq!(app.store.sla_calendars().unwrap().len(), 2);
    clear_field(&mut app);
    typed(&mut app, "Europe/London");
    key(&mut app, KeyCode::Enter);
    assert!(app.modal.is_none());
    let s = render(&mut app, 80, 24);
    shows(&s, "LDN        Europe/London       mon-fri 09:00-17:00");

    // A calendar in use cannot go; a policy can, after a yes.
    app.sla.select_name("NY");
    key(&mut app, KeyCode::Char('d'));
    key(&mut app, KeyCode::Char('y'));
    let flash = app.flash.as_ref().unwrap();
    assert!(
        flash.error && flash.text.contains("remove them first"),
        "{}",
        flash.text
    );
    app.sla.select_name("normal");
    key(&mut app, KeyCode::Char('d'));
    key(&mut app, KeyCode::Char('y'));
    assert_eq!(app.store.sla_policies().unwrap().len(), 1);
    assert_eq!(cell_of(&mut app, 6), "");

    // At risk under half a target left: A (1 h of 4 left) is at risk now.
    assert_eq!(cell_of(&mut app, 1), "running 1h 0m");
    key(&mut app, KeyCode::Char('r'));
    clear_field(&mut app);
    typed(&mut app, "50");
    key(&mut app, KeyCode::Enter);
    let s = render(&mut app, 80, 24);
    shows(&s, "at risk: less than 50 % of a target left");
    assert_eq!(cell_of(&mut app, 1), "at risk 1h 0m");
}

#[test]
fn help_on_the_sla_screen_lists_its_keys_and_the_rules() {
    let mut app = morning_app();
    key(&mut app, KeyCode::Char('4'));
    key(&mut app, KeyCode::Char('?'));
    let s = render(&mut app, 100, 40);
    for text in [
        "Keys — Service levels",
        "add a service-level policy",
        "add a business calendar",
        "remove the selected policy or calendar (asks first)",
        "a case falls under the most specific policy",
    ] {
        shows(&s, text);
    }
}

#[test]
fn a_policy_for_a_vendor_no_case_names_asks_first_with_the_close_names() {
    let mut app = morning_app();
    key(&mut app, KeyCode::Char('4'));
    key(&mut app, KeyCode::Char('a'));
    typed(&mut app, "typo");
    key(&mut app, KeyCode::Tab);
    typed(&mut app, "Comcats");
    for _ in 0..3 {
        key(&mut app, KeyCode::Tab);
    }
    typed(&mut app, "8");
    key(&mut app, KeyCode::Tab);
    typed(&mut app, "40");
    key(&mut app, KeyCode::Enter);
    // Not saved yet: the form says why, with the name it may mean.
    assert!(app.modal.is_some());
    let s = render(&mut app, 100, 30);
    shows(
        &s,
        "no vendor is named 'Comcats' yet (close: Comcast): Enter again saves",
    );
    assert!(!app
        .store
        .sla_policies()
        .unwrap()
        .iter()
        .any(|p| p.name == "typo"));
    // Enter again: meant, saved.
    key(&mut app, KeyCode::Enter);
    assert!(app.modal.is_none());
    assert!(app
        .store
        .sla_policies()
        .unwrap()
        .iter()
        .any(|p| p.name == "typo"));
}

#[test]
fn u_undoes_an_sla_edit_as_it_undoes_a_case_edit() {
    let mut app = morning_app();
    let cells_before = sla_cells(&render(&mut app, 120, 40));
    assert!(!cells_before.is_empty());
    key(&mut app, KeyCode::Char('4'));
    let names = |app: &App| -> Vec<String> {
        app.store
            .sla_policies()
            .unwrap()
            .into_iter()
            .map(|p| p.name)
            .collect()
    };
    let before = names(&app);
    // A policy for normal priority, as in the test above.
    key(&mut app, KeyCode::Char('a'));
    typed(&mut app, "normal");
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    typed(&mut app, "n");
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    typed(&mut app, "8");
    key(&mut app, KeyCode::Tab);
    typed(&mut app, "40");
    key(&mut app, KeyCode::Enter);
    assert!(names(&app).contains(&"normal".to_string()));
    // u: the policy is gone, and every case's service level is as it was.
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(names(&app), before);
    assert!(
        app.flash
            .as_ref()
            .unwrap()
            .text
            .contains("undone: policy normal saved"),
        "{:?}",
        app.flash.as_ref().map(|f| &f.text)
    );
    key(&mut app, KeyCode::Char('1'));
    assert_eq!(sla_cells(&render(&mut app, 120, 40)), cells_before);
    // A removal comes back too.
    key(&mut app, KeyCode::Char('4'));
    for _ in 0..5 {
        key(&mut app, KeyCode::Char('k'));
    }
    key(&mut app, KeyCode::Char('d'));
    let s = render(&mut app, 120, 40);
    shows(&s, "Remove the policy 'comcast-urgent'?");
    key(&mut app, KeyCode::Char('y'));
    assert!(names(&app).is_empty(), "{:?}", names(&app));
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(names(&app), before);
}
