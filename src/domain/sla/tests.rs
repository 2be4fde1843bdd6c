//! Business-time arithmetic and clocks, worked by hand.

use super::*;
use crate::domain::enums::{Channel, StartedBy, Status, TouchOutcome};
use chrono::TimeZone;
use std::collections::BTreeSet;

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn new_york(hours: &[&str], holidays: &[&str]) -> Calendar {
    let hours: Vec<String> = hours.iter().map(|s| s.to_string()).collect();
    let hol: Vec<String> = holidays.iter().map(|s| s.to_string()).collect();
    Calendar::new(
        "ny",
        "America/New_York",
        &hours,
        calendar::parse_holidays(&hol).unwrap(),
    )
    .unwrap()
}

fn office() -> Calendar {
    new_york(&["mon-fri 09:00-17:00"], &["2024-07-04"])
}

fn h(d: Duration) -> f64 {
    hours(d)
}

#[test]
fn across_a_night() {
    // Tue 2024-03-05 16:00 EST (21:00Z) → Wed 10:00 EST (15:00Z): 1 h + 1 h.
    let cal = office();
    assert_eq!(
        h(cal.open_between(utc(2024, 3, 5, 21, 0), utc(2024, 3, 6, 15, 0))),
        2.0
    );
    // 4 h from Tue 16:00: 1 h on Tuesday, 3 h on Wednesday → Wed 12:00 EST.
    assert_eq!(
        cal.add_open(utc(2024, 3, 5, 21, 0), Duration::hours(4)),
        Some(utc(2024, 3, 6, 17, 0))
    );
}

#[test]
fn across_a_weekend() {
    // Fri 2024-02-02 15:00 EST (20:00Z) → Mon 11:00 EST (16:00Z): 2 h + 2 h.
    let cal = office();
    assert_eq!(
        h(cal.open_between(utc(2024, 2, 2, 20, 0), utc(2024, 2, 5, 16, 0))),
        4.0
    );
    // Saturday and Sunday alone: nothing.
    assert_eq!(
        h(cal.open_between(utc(2024, 2, 3, 0, 0), utc(2024, 2, 5, 5, 0))),
        0.0
    );
}

#[test]
fn across_a_holiday() {
    // Wed 2024-07-03 16:00 EDT (20:00Z) → Fri 07-05 10:00 EDT (14:00Z);
    // Thursday 4 July is a holiday: 1 h + 1 h (10 h without the holiday).
    let cal = office();
    let (a, b) = (utc(2024, 7, 3, 20, 0), utc(2024, 7, 5, 14, 0));
    assert_eq!(h(cal.open_between(a, b)), 2.0);
    assert_eq!(
        h(new_york(&["mon-fri 09:00-17:00"], &[]).open_between(a, b)),
        10.0
    );
    // 4 h from Wed 16:00 EDT: 1 h Wednesday, then Friday 09:00 + 3 h = 12:00 EDT.
    assert_eq!(
        cal.add_open(a, Duration::hours(4)),
        Some(utc(2024, 7, 5, 16, 0))
    );
}

#[test]
fn spring_forward_in_new_york() {
    // Sunday 2024-03-10: 02:00 EST becomes 03:00 EDT; the day lasts 23 h.
    let always = new_york(&["mon-sun 00:00-24:00"], &[]);
    // Sat 12:00 EST (17:00Z) → Mon 00:00 EDT (04:00Z): 12 h + 23 h.
    assert_eq!(
        h(always.open_between(utc(2024, 3, 9, 17, 0), utc(2024, 3, 11, 4, 0))),
        35.0
    );
    // Open Sunday 01:00–05:00 wall time: 01:00 EST (06:00Z) → 05:00 EDT (09:00Z) = 3 h.
    let night = new_york(&["sun 01:00-05:00"], &[]);
    assert_eq!(
        h(night.open_between(utc(2024, 3, 10, 0, 0), utc(2024, 3, 11, 0, 0))),
        3.0
    );
    // 2 h 30 m of it from the start: 06:00Z + 2.5 h = 08:30Z (04:30 EDT).
    assert_eq!(
        night.add_open(utc(2024, 3, 10, 0, 0), Duration::minutes(150)),
        Some(utc(2024, 3, 10, 8, 30))
    );
    // An opening that starts in the gap (02:30) starts when the gap ends (03:00 EDT = 07:00Z).
    let gap = new_york(&["sun 02:30-04:00"], &[]);
    assert_eq!(
        h(gap.open_between(utc(2024, 3, 10, 0, 0), utc(2024, 3, 11, 0, 0))),
        1.0
    );
    // Business hours across the change: Fri 2024-03-08 15:00 EST (20:00Z) + 4 h
    // = 2 h Friday, then Monday 09:00 EDT (13:00Z) + 2 h = 15:00Z.
    assert_eq!(
        office().add_open(utc(2024, 3, 8, 20, 0), Duration::hours(4)),
        Some(utc(2024, 3, 11, 15, 0))
    );
}

#[test]
fn fall_back_in_new_york() {
    // Sunday 2024-11-03: 02:00 EDT becomes 01:00 EST; the day lasts 25 h.
    let always = new_york(&["mon-sun 00:00-24:00"], &[]);
    assert_eq!(
        h(always.open_between(utc(2024, 11, 3, 4, 0), utc(2024, 11, 4, 5, 0))),
        25.0
    );
    // Open 00:00–04:00 wall time: 00:00 EDT (04:00Z) → 04:00 EST (09:00Z) = 5 h.
    let night = new_york(&["sun 00:00-04:00"], &[]);
    assert_eq!(
        h(night.open_between(utc(2024, 11, 3, 0, 0), utc(2024, 11, 4, 0, 0))),
        5.0
    );
    // An opening from 01:00 (twice on the clock) starts at the first 01:00 (EDT, 05:00Z).
    let twice = new_york(&["sun 01:00-03:00"], &[]);
    assert_eq!(
        h(twice.open_between(utc(2024, 11, 3, 0, 0), utc(2024, 11, 4, 0, 0))),
        3.0
    );
    // An opening until 01:30 (twice on the clock) ends at the second (EST, 06:30Z): 2.5 h.
    let until = new_york(&["sun 00:00-01:30"], &[]);
    assert_eq!(
        h(until.open_between(utc(2024, 11, 3, 0, 0), utc(2024, 11, 4, 0, 0))),
        2.5
    );
    // 4.5 h into the night opening: 04:00Z + 4.5 h = 08:30Z (03:30 EST).
    assert_eq!(
        night.add_open(utc(2024, 11, 3, 0, 0), Duration::minutes(270)),
        Some(utc(2024, 11, 3, 8, 30))
    );
}

#[test]
fn hours_parse_and_merge() {
    let cal = new_york(
        &["mon-fri 09:00-12:00,13:00-17:00", "fri-sun 11:00-14:00"],
        &[],
    );
    assert_eq!(
        cal.week_lines(),
        [
            "mon 09:00-12:00,13:00-17:00",
            "tue 09:00-12:00,13:00-17:00",
            "wed 09:00-12:00,13:00-17:00",
            "thu 09:00-12:00,13:00-17:00",
            "fri 09:00-17:00",
            "sat 11:00-14:00",
            "sun 11:00-14:00"
        ]
    );
    for bad in [
        "mon",
        "funday 09:00-17:00",
        "mon 17:00-09:00",
        "mon 09:00-25:00",
        "mon 9-5",
    ] {
        assert!(calendar::parse_hours(bad).is_err(), "{bad}");
    }
    assert!(Calendar::new(
        "x",
        "Mars/Olympus",
        &["mon 09:00-17:00".into()],
        BTreeSet::new()
    )
    .is_err());
    assert!(Calendar::new("x", "UTC", &[], BTreeSet::new()).is_err());
    let always = Calendar::always_open();
    assert_eq!(
        h(always.open_between(utc(2024, 3, 9, 17, 0), utc(2024, 3, 11, 4, 0))),
        35.0
    );
}

fn policy(name: &str, vendor: Option<&str>, priority: Option<Priority>) -> Policy {
    Policy {
        name: name.into(),
        vendor: vendor.map(Into::into),
        priority,
        calendar: ALWAYS_OPEN.into(),
        first_response_hours: 4.0,
        resolution_hours: 24.0,
    }
}

#[test]
fn the_most_specific_policy_applies() {
    let all = [
        policy("a-everyone", None, None),
        policy("b-urgent", None, Some(Priority::Urgent)),
        policy("c-comcast", Some("Comcast"), None),
        policy("d-comcast-urgent", Some("Comcast"), Some(Priority::Urgent)),
    ];
    let pick = |v, p| policy_for(&all, v, p).map(|p| p.name.as_str());
    assert_eq!(pick("comcast", Priority::Urgent), Some("d-comcast-urgent"));
    assert_eq!(pick("Comcast", Priority::Low), Some("c-comcast"));
    assert_eq!(pick("Acme", Priority::Urgent), Some("b-urgent"));
    assert_eq!(pick("Acme", Priority::Low), Some("a-everyone"));
    assert_eq!(policy_for(&all[1..], "Acme", Priority::Low), None);
}

fn touch(at: DateTime<Utc>, by: StartedBy, outcome: TouchOutcome) -> Touchpoint {
    Touchpoint::new(at, Channel::new("email").unwrap(), by, outcome)
}

#[test]
fn resolution_pauses_on_an_info_request_and_resumes() {
    // 24x7; opened day 1 00:00; the vendor asks for information at 02:00
    // (the ball goes to the customer); the customer answers at 10:00.
    let cal = Calendar::always_open();
    let p = policy("p", None, None);
    let case = Case::new("t", "v", utc(2024, 5, 6, 0, 0));
    let ask = touch(
        utc(2024, 5, 6, 2, 0),
        StartedBy::Vendor,
        TouchOutcome::InfoRequest,
    );
    let answer = touch(
        utc(2024, 5, 6, 10, 0),
        StartedBy::Customer,
        TouchOutcome::InfoGiven,
    );

    // At 09:00 the clock is paused: 2 h used, no due time, nothing changes by itself.
    let at9 = case_sla(
        &p,
        &cal,
        &case,
        std::slice::from_ref(&ask),
        0.25,
        utc(2024, 5, 6, 9, 0),
    );
    assert_eq!(
        (at9.resolution.used_hours, at9.resolution.left_hours),
        (2.0, 22.0)
    );
    assert_eq!(at9.resolution.state, SlaState::Running);
    assert_eq!(at9.resolution.due_at, None);
    assert_eq!(at9.resolution.next_change, None);
    // First response: the vendor's own touch at 02:00 answered, within 4 h.
    assert_eq!(
        (at9.first_response.used_hours, at9.first_response.state),
        (2.0, SlaState::Met)
    );
    assert_eq!(at9.next_change(), None);

    // At 12:00, after the customer's answer: 2 h + 2 h used, 20 h left,
    // due at 12:00 + 20 h; at risk when under 6 h are left: after 12:00 + 14 h.
    let now = utc(2024, 5, 6, 12, 0);
    let s = case_sla(&p, &cal, &case, &[ask, answer], 0.25, now);
    assert_eq!(
        (s.resolution.used_hours, s.resolution.left_hours),
        (4.0, 20.0)
    );
    assert_eq!(s.resolution.due_at, Some(utc(2024, 5, 7, 8, 0)));
    assert_eq!(
        s.next_change(),
        Some(utc(2024, 5, 7, 2, 0) + Duration::milliseconds(1))
    );
    assert_eq!(s.state(), SlaState::Running);
}

#[test]
fn states_move_with_the_clock() {
    let cal = Calendar::always_open();
    let p = policy("p", None, None);
    let case = Case::new("t", "v", utc(2024, 5, 6, 0, 0));
    let sent = touch(
        utc(2024, 5, 6, 0, 0),
        StartedBy::Customer,
        TouchOutcome::Sent,
    );
    let at = |hh: i64| {
        case_sla(
            &p,
            &cal,
            &case,
            std::slice::from_ref(&sent),
            0.25,
            utc(2024, 5, 6, 0, 0) + Duration::hours(hh),
        )
    };
    // No answer yet: first response running, at risk after 3 h, breached at 4 h.
    assert_eq!(at(2).first_response.state, SlaState::Running);
    assert_eq!(
        at(2).first_response.next_change,
        Some(utc(2024, 5, 6, 3, 0) + Duration::milliseconds(1))
    );
    assert_eq!(at(3).first_response.state, SlaState::Running);
    let a = at(3);
    let later = case_sla(
        &p,
        &cal,
        &case,
        std::slice::from_ref(&sent),
        0.25,
        utc(2024, 5, 6, 3, 30),
    );
    assert_eq!(later.first_response.state, SlaState::AtRisk);
    assert_eq!(
        later.first_response.next_change,
        Some(utc(2024, 5, 6, 4, 0))
    );
    assert_eq!(a.first_response.due_at, Some(utc(2024, 5, 6, 4, 0)));
    let b = at(5);
    assert_eq!(
        (b.first_response.state, b.first_response.left_hours),
        (SlaState::Breached, -1.0)
    );
    assert_eq!(b.state(), SlaState::Breached);
    assert_eq!(b.due(), Some(utc(2024, 5, 6, 4, 0)));
    // Resolution's at-risk instant (after 18 h) is the next change once breached.
    assert_eq!(
        b.next_change(),
        Some(utc(2024, 5, 6, 18, 0) + Duration::milliseconds(1))
    );
}

#[test]
fn a_reopened_case_resumes() {
    // Resolved by phone at 01:00 (the ball with nobody), reopened at 05:00 by
    // the customer's email (the ball with the vendor); now 08:00: 1 h + 3 h.
    let cal = Calendar::always_open();
    let p = policy("p", None, None);
    let mut case = Case::new("t", "v", utc(2024, 5, 6, 0, 0));
    let fixed = touch(
        utc(2024, 5, 6, 1, 0),
        StartedBy::Vendor,
        TouchOutcome::Resolved,
    );
    case.set_status(Status::Resolved, utc(2024, 5, 6, 1, 0));
    let done = case_sla(
        &p,
        &cal,
        &case,
        std::slice::from_ref(&fixed),
        0.25,
        utc(2024, 5, 6, 3, 0),
    );
    assert_eq!(
        (done.resolution.used_hours, done.resolution.state),
        (1.0, SlaState::Met)
    );
    assert_eq!((done.resolution.due_at, done.next_change()), (None, None));
    case.set_status(Status::Open, utc(2024, 5, 6, 5, 0));
    let again = touch(
        utc(2024, 5, 6, 5, 0),
        StartedBy::Customer,
        TouchOutcome::Sent,
    );
    let s = case_sla(
        &p,
        &cal,
        &case,
        &[fixed, again],
        0.25,
        utc(2024, 5, 6, 8, 0),
    );
    assert_eq!(
        (s.resolution.used_hours, s.resolution.state),
        (4.0, SlaState::Running)
    );
    // 20 h left from 08:00.
    assert_eq!(s.resolution.due_at, Some(utc(2024, 5, 7, 4, 0)));
}

#[test]
fn business_hours_clock_on_new_york() {
    // Opened Fri 2024-03-08 15:00 EST (20:00Z), no answer; Monday 2024-03-11
    // 10:00 EDT (14:00Z): 2 h Friday + 1 h Monday = 3 h of a 4 h target;
    // due Monday 11:00 EDT (15:00Z), at risk already (1 h < 25 % of 4 h is false: 1 h = 25 %).
    let cal = office();
    let mut p = policy("p", None, None);
    p.calendar = "ny".into();
    let case = Case::new("t", "v", utc(2024, 3, 8, 20, 0));
    let s = case_sla(&p, &cal, &case, &[], 0.25, utc(2024, 3, 11, 14, 0));
    assert_eq!(
        (s.first_response.used_hours, s.first_response.left_hours),
        (3.0, 1.0)
    );
    assert_eq!(s.first_response.state, SlaState::Running);
    assert_eq!(s.first_response.due_at, Some(utc(2024, 3, 11, 15, 0)));
    // Exactly a quarter left is not less than a quarter: at risk one millisecond later.
    assert_eq!(
        s.first_response.next_change,
        Some(utc(2024, 3, 11, 14, 0) + Duration::milliseconds(1))
    );
    // Resolution: the same 3 h of 24; due after 21 more business hours:
    // Mon 10:00 + 7 h, Tue 8 h, Wed 6 h → Wed 15:00 EDT (19:00Z).
    assert_eq!(s.resolution.due_at, Some(utc(2024, 3, 13, 19, 0)));
}
