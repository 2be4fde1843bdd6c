//! Derived data on a schedule: after any sequence of writes and clock moves,
//! the flags, triage order and next-change instant the store keeps equal a
//! fresh derivation, although only the cases whose instant came due are
//! re-derived when the clock moves.

#![allow(clippy::unwrap_used)]

use casebook::domain::{
    Case, Channel, Priority, StartedBy, Status, TouchOutcome, Touchpoint, WaitingOn,
};
use casebook::store::Store;
use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    NewCase {
        urgent: bool,
    },
    Touch {
        case: usize,
        minutes_ago: i64,
        by_vendor: bool,
        outcome: usize,
        promise_hours: Option<i64>,
        waiting_on: Option<usize>,
    },
    Status {
        case: usize,
        status: usize,
    },
    Advance {
        minutes: i64,
    },
}

const OUTCOMES: [TouchOutcome; 8] = [
    TouchOutcome::Sent,
    TouchOutcome::Promise,
    TouchOutcome::InfoRequest,
    TouchOutcome::Resolved,
    TouchOutcome::NoAnswer,
    TouchOutcome::Escalated,
    TouchOutcome::Offer,
    TouchOutcome::InfoGiven,
];
const STATUSES: [Status; 4] = [
    Status::Open,
    Status::WaitingVendor,
    Status::Resolved,
    Status::Closed,
];
const WAITS: [WaitingOn; 3] = [WaitingOn::Vendor, WaitingOn::Customer, WaitingOn::Nobody];

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        any::<bool>().prop_map(|urgent| Op::NewCase { urgent }),
        (
            0usize..8,
            0i64..600,
            any::<bool>(),
            0usize..OUTCOMES.len(),
            proptest::option::of(0i64..120),
            proptest::option::of(0usize..3)
        )
            .prop_map(
                |(case, minutes_ago, by_vendor, outcome, promise_hours, waiting_on)| {
                    Op::Touch {
                        case,
                        minutes_ago,
                        by_vendor,
                        outcome,
                        promise_hours,
                        waiting_on,
                    }
                }
            ),
        (0usize..8, 0usize..STATUSES.len()).prop_map(|(case, status)| Op::Status { case, status }),
        // From a minute to five days: thresholds of 48 h are crossed often.
        (1i64..7200).prop_map(|minutes| Op::Advance { minutes }),
        (1i64..7200).prop_map(|minutes| Op::Advance { minutes }),
    ]
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn stored_derived_data_equals_fresh_after_any_writes_and_clock_moves(
        ops in proptest::collection::vec(op(), 1..40)
    ) {
        let mut store = Store::in_memory().unwrap();
        let mut now = start();
        let mut cases: Vec<(i64, DateTime<Utc>)> = Vec::new();
        for op in ops {
            match op {
                Op::NewCase { urgent } => {
                    let mut c = Case::new("case", "Acme", now);
                    if urgent {
                        c.priority = Priority::Urgent;
                    }
                    cases.push((store.create_case(c, vec![], now).unwrap(), now));
                }
                Op::Touch { case, minutes_ago, by_vendor, outcome, promise_hours, waiting_on } => {
                    let Some(&(id, opened)) = cases.get(case % cases.len().max(1)) else { continue };
                    let at = (now - Duration::minutes(minutes_ago)).max(opened);
                    let by = if by_vendor { StartedBy::Vendor } else { StartedBy::Customer };
                    let mut t = Touchpoint::new(at, Channel::new("phone").unwrap(), by, OUTCOMES[outcome]);
                    t.promise_due = promise_hours.map(|h| at + Duration::hours(h));
                    t.waiting_on = waiting_on.map(|w| WAITS[w]);
                    store.add_touch(id, t, now).unwrap();
                }
                Op::Status { case, status } => {
                    let Some(&(id, _)) = cases.get(case % cases.len().max(1)) else { continue };
                    store.set_status(id, STATUSES[status], now, now).unwrap();
                }
                Op::Advance { minutes } => now += Duration::minutes(minutes),
            }
            store.refresh_due(now).unwrap();
            let wrong = store.derived_mismatches(now).unwrap();
            prop_assert!(wrong.is_empty(), "at {now}: {wrong:?}");
        }
    }
}

#[test]
fn moving_the_clock_re_derives_only_the_cases_that_came_due() {
    let mut store = Store::in_memory().unwrap();
    // A new file records its thresholds, so its flags need no recomputing.
    store.set_thresholds(Default::default()).unwrap();
    let now = start();
    // Ten quiet cases (a touch that leaves the ball with nobody), one with
    // a promise due in two hours, one waiting on the vendor since now.
    for _ in 0..10 {
        let id = store
            .create_case(Case::new("quiet", "Acme", now), vec![], now)
            .unwrap();
        let t = Touchpoint::new(
            now,
            Channel::new("email").unwrap(),
            StartedBy::Vendor,
            TouchOutcome::Resolved,
        );
        store.add_touch(id, t, now).unwrap();
    }
    let promised = store
        .create_case(Case::new("promised", "Acme", now), vec![], now)
        .unwrap();
    let mut p = Touchpoint::new(
        now,
        Channel::new("phone").unwrap(),
        StartedBy::Vendor,
        TouchOutcome::Promise,
    );
    p.promise_due = Some(now + Duration::hours(2));
    p.waiting_on = Some(WaitingOn::Customer);
    store.add_touch(promised, p, now).unwrap();
    let waiting = store
        .create_case(Case::new("waiting", "Acme", now), vec![], now)
        .unwrap();
    let t = Touchpoint::new(
        now,
        Channel::new("email").unwrap(),
        StartedBy::Customer,
        TouchOutcome::Sent,
    );
    store.add_touch(waiting, t, now).unwrap();

    assert_eq!(store.refresh_due(now + Duration::hours(1)).unwrap(), 0);
    // The promise falls due: that case alone.
    assert_eq!(store.refresh_due(now + Duration::hours(3)).unwrap(), 1);
    assert_eq!(store.refresh_due(now + Duration::hours(3)).unwrap(), 0);
    // 48 h of vendor wait: the waiting case alone.
    assert_eq!(store.refresh_due(now + Duration::hours(49)).unwrap(), 1);
    assert!(store
        .derived_mismatches(now + Duration::hours(49))
        .unwrap()
        .is_empty());
    let q = casebook::domain::query::Query::parse("flag:broken_promise").unwrap();
    let rows = store
        .case_page(
            &q,
            casebook::store::query::SortKey::Id,
            false,
            0,
            50,
            now + Duration::hours(49),
        )
        .unwrap();
    assert_eq!(
        rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![promised]
    );
}
