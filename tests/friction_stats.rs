//! Per-vendor and per-channel flagging on a small generated set whose rates,
//! bounds and flags are worked out by hand.

#![allow(clippy::unwrap_used)]

use casebook::domain::*;
use casebook::store::report::{GroupBy, Window};
use casebook::store::Store;
use chrono::{Duration, TimeZone, Utc};

/// Vendor A: 10 cases, 9 with a dropped call. B: 10 cases, 1. C: 2 cases, both.
/// Every case has one touch; the others are answered calls that resolve.
fn generated() -> Store {
    let mut store = Store::in_memory().unwrap();
    let t0 = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
    let mut n = 0;
    for (vendor, cases, dropped) in [("A", 10, 9), ("B", 10, 1), ("C", 2, 2)] {
        for i in 0..cases {
            n += 1;
            let opened = t0 + Duration::hours(n);
            let mut case = Case::new(&format!("case {n}"), vendor, opened);
            let outcome = if i < dropped {
                TouchOutcome::Dropped
            } else {
                TouchOutcome::Resolved
            };
            let channel = if vendor == "B" { "chat" } else { "phone" };
            let touch = Touchpoint::new(
                opened,
                Channel::new(channel).unwrap(),
                StartedBy::Customer,
                outcome,
            );
            case.status = Status::Resolved;
            case.resolved_at = Some(opened + Duration::minutes(30));
            store.create_case(case, vec![touch], opened).unwrap();
        }
    }
    store
}

#[test]
fn a_vendor_is_flagged_only_when_its_lower_bound_clears_the_baseline() {
    let store = generated();
    let now = Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 0).unwrap();
    let r = store
        .report(
            GroupBy::Vendor,
            Window {
                since: None,
                until: None,
            },
            now,
        )
        .unwrap();
    let p =
        |k: &str| r.groups.iter().find(|g| g.key == k).unwrap().patterns["dropped_contact"].clone();
    // Baseline: 12 dropped of 22 cases = 0.5455.
    // A: 9/10 = 0.9, Wilson 95 %: (0.9 + 1.9208/10 − 1.96·√(0.09/10 + 3.8416/400)) / (1 + 3.8416/10)
    //    = (1.09208 − 0.26734) / 1.38416 = 0.5958 > 0.5455 → flagged.
    let a = p("A");
    assert_eq!(
        (a.cases, a.rate, a.baseline, a.low, a.high),
        (9, 0.9, 0.5455, 0.5958, 0.9821)
    );
    assert!(a.flagged && !a.too_few_cases);
    // B: 1/10: low 0.0179 → not flagged.
    let b = p("B");
    assert_eq!((b.cases, b.rate, b.low, b.high), (1, 0.1, 0.0179, 0.4042));
    assert!(!b.flagged && !b.too_few_cases);
    // C: 2/2 is a rate of 1, but 2 cases are too few (minimum 5): never flagged on so little.
    let c = p("C");
    assert_eq!((c.cases, c.rate, c.low), (2, 1.0, 0.3424));
    assert!(!c.flagged && c.too_few_cases);
    // Friction score: the dropped-contact rate is each vendor's only pattern.
    let score = |k: &str| r.groups.iter().find(|g| g.key == k).unwrap().friction_score;
    assert_eq!((score("A"), score("B"), score("C")), (0.9, 0.1, 1.0));
}

#[test]
fn the_minimum_number_of_cases_comes_from_the_config() {
    let mut store = generated();
    store.thresholds.min_cases = 2;
    let now = Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 0).unwrap();
    let r = store
        .report(
            GroupBy::Vendor,
            Window {
                since: None,
                until: None,
            },
            now,
        )
        .unwrap();
    let c = &r.groups.iter().find(|g| g.key == "C").unwrap().patterns["dropped_contact"];
    // Enough cases now, but the lower bound 0.3424 is under the baseline 0.5455.
    assert!(!c.too_few_cases && !c.flagged);
}

#[test]
fn per_channel_the_same_arithmetic_applies() {
    let store = generated();
    let now = Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 0).unwrap();
    let r = store
        .report(
            GroupBy::Channel,
            Window {
                since: None,
                until: None,
            },
            now,
        )
        .unwrap();
    // phone: vendors A and C, 12 cases, 11 dropped: 0.9167; low = Wilson(11, 12) lower bound.
    let phone = r.groups.iter().find(|g| g.key == "phone").unwrap();
    assert_eq!(phone.figures.cases, 12);
    let d = &phone.patterns["dropped_contact"];
    assert_eq!((d.cases, d.rate, d.baseline), (11, 0.9167, 0.5455));
    // (0.91667 + 0.16007 − 1.96·√(0.0063657 + 0.0066694)) / 1.32013 = 0.6461
    assert_eq!(d.low, 0.6461);
    assert!(d.flagged);
    let chat = &r.groups.iter().find(|g| g.key == "chat").unwrap().patterns["dropped_contact"];
    assert!(!chat.flagged);
}
