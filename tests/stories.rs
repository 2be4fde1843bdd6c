//! Every measure and every friction flag on the four demo stories, with the
//! numbers worked out by hand from the stories' times (see src/io/demo.json;
//! all times below in UTC).

#![allow(clippy::unwrap_used)]

use casebook::domain::friction::{flags, CaseView, Pattern};
use casebook::domain::measures::{channel_map, measure, CaseMeasures};
use casebook::domain::WaitingOn;
use casebook::store::report::{GroupBy, Window};
use casebook::store::Store;
use chrono::{DateTime, TimeZone, Utc};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap()
}

fn demo() -> Store {
    let mut store = Store::in_memory().unwrap();
    casebook::io::demo::load(&mut store, now()).unwrap();
    store
}

fn measures_of(store: &Store, key: &str) -> CaseMeasures {
    let id = store.find_case(key).unwrap();
    measure(&store.case(id).unwrap(), &store.touches(id).unwrap(), now())
}

fn flags_of(store: &Store, key: &str) -> Vec<(Pattern, Vec<i64>)> {
    let id = store.find_case(key).unwrap();
    let case = store.case(id).unwrap();
    let touches = store.touches(id).unwrap();
    flags(
        &CaseView {
            case: &case,
            touches: &touches,
            now: now(),
        },
        &store.thresholds,
    )
    .into_iter()
    .map(|f| (f.pattern, f.evidence))
    .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn missing_screw_measures() {
    let m = measures_of(&demo(), "demo-screw");
    // opened 03-01 17:00. First vendor answer: #2 (vendor email) 03-03 17:30 → 48 h 30 m.
    assert!(close(m.ttfr_hours.unwrap(), 48.5));
    // resolved 03-12 20:00: 11 d 3 h = 267 h.
    assert!(close(m.ttr_hours.unwrap(), 267.0));
    assert_eq!(m.age_hours, None);
    // Ball in court, touch by touch:
    //   #1 sent       → vendor   03-01 17:05 → 03-03 17:30 = 48 h 25 m
    //   #2 promise    → vendor   03-03 17:30 → 03-05 16:00 = 46 h 30 m
    //   #3 offer      → customer 03-05 16:00 → 03-06 18:00 = 26 h
    //   #4 escalated  → vendor   03-06 18:00 → 03-07 15:00 = 21 h
    //   #5 info_given → vendor   03-07 15:00 → 03-07 16:00 = 1 h
    //   #6 sent       → vendor   03-07 16:00 → 03-12 20:00 = 124 h
    //   #7 resolved   → nobody, and the clock stops at resolution; #8 comes after it.
    // vendor = 48.41667 + 46.5 + 21 + 1 + 124 = 240.91667 h; customer = 26 h.
    assert!(close(
        m.vendor_wait_hours,
        48.0 + 25.0 / 60.0 + 46.5 + 21.0 + 1.0 + 124.0
    ));
    assert!(close(m.customer_wait_hours, 26.0));
    assert_eq!((m.touches, m.contacts, m.reopens), (8, 3, 0));
}

#[test]
fn missing_screw_channel_map_splits_stage_by_stage() {
    let store = demo();
    let id = store.find_case("demo-screw").unwrap();
    let stages = channel_map(&store.case(id).unwrap(), &store.touches(id).unwrap(), now());
    let split: Vec<(i64, WaitingOn, f64)> = stages
        .iter()
        .map(|s| (s.touch_id, s.waiting_on, s.hours()))
        .collect();
    assert_eq!(
        split.len(),
        6,
        "#7 ends at resolution, #8 is after it: {split:?}"
    );
    assert_eq!(split[2].0, 3);
    assert_eq!(split[2].1, WaitingOn::Customer);
    assert!(close(split[2].2, 26.0));
    assert!(close(split[5].2, 124.0));
}

#[test]
fn cable_signup_measures() {
    let m = measures_of(&demo(), "demo-cable");
    // opened 06-01 16:00; #2 chat (customer, info_given: a person answered) at 16:20 → 20 m.
    assert!(close(m.ttfr_hours.unwrap(), 20.0 / 60.0));
    assert_eq!(m.ttr_hours, None);
    // Open: age = now (2026-11-23 00:00) − 2020-06-01 16:00.
    // 2020-06-01 → 2026-06-01 is 6 years with one leap day (2024): 2191 days;
    // 2026-06-01 → 11-23 is 29+31+31+30+31+23 = 175 days; 2366 days − 16 h = 56 768 h.
    assert!(close(m.age_hours.unwrap(), 56_768.0));
    // Vendor wait: 20 m (#1) + 24 h 15 m (#3) + 5 m (#5) + 10 m (#6) + 25 m (#7)
    //   + 7 h 20 m (#8) + 14 h (#9) = 2 795 m = 46.58333 h, plus #10 (loop, 06-03 16:00)
    //   to now: 56 768 − 48 = 56 720 h.  Customer wait: 25 m (#2, call elsewhere) + 1 h (#4).
    assert!(close(m.vendor_wait_hours, 2795.0 / 60.0 + 56_720.0));
    assert!(close(m.customer_wait_hours, 85.0 / 60.0));
    assert_eq!((m.touches, m.contacts), (10, 9));
}

#[test]
fn phone_number_measures() {
    let m = measures_of(&demo(), "demo-phone");
    // opened 15:00; the phone call at 15:20 was answered and fixed it; resolved 15:32.
    assert!(close(m.ttfr_hours.unwrap(), 20.0 / 60.0));
    assert!(close(m.ttr_hours.unwrap(), 32.0 / 60.0));
    // 15:00 → 15:20 waits on the vendor (web unreachable); 15:20 → 15:32 on nobody.
    assert!(close(m.vendor_wait_hours, 20.0 / 60.0));
    assert!(close(m.customer_wait_hours, 0.0));
    assert_eq!((m.touches, m.contacts), (2, 2));
}

#[test]
fn delight_measures() {
    let m = measures_of(&demo(), "demo-delight");
    assert!(close(m.ttfr_hours.unwrap(), 0.0));
    assert!(close(m.ttr_hours.unwrap(), 0.0));
    assert!(close(m.vendor_wait_hours + m.customer_wait_hours, 0.0));
    assert_eq!((m.touches, m.contacts), (1, 0));
}

#[test]
fn each_story_gets_exactly_its_patterns_with_evidence() {
    use Pattern::*;
    let store = demo();
    // Touch ids on a fresh database: screw 1–8, cable 9–18, phone 19–20, delight 21.
    assert_eq!(
        flags_of(&store, "demo-screw"),
        vec![
            (SlowResponse, vec![1, 6]), // 48 h 25 m and 124 h of vendor wait, both over 48 h
            (RepeatContact, vec![1, 4, 6]),
            (ChannelSwitch, vec![1, 4, 6]), // email, phone, claim
            (BurdensomeRemedy, vec![3]),    // return the whole cabinet for one screw
            (ForcedEscalation, vec![4]),
            (SelfResolved, vec![]), // customer_cost 25.00
            (Churn, vec![]),
            (Delight, vec![8]),
        ]
    );
    assert_eq!(
        flags_of(&store, "demo-cable"),
        vec![
            (Unreachable, vec![9]),
            (DroppedContact, vec![13, 14]),
            (SlowResponse, vec![18]), // still waiting on the vendor since 2020
            (RepeatContact, vec![9, 10, 11, 13, 14, 15, 16, 17, 18]),
            (ChannelSwitch, vec![9, 10, 11]), // web, chat, phone
            (Runaround, vec![10]),            // chat said to call elsewhere
            (LostRecord, vec![15]),
            (Contradiction, vec![16]),
            (Loop, vec![17, 18]),
        ]
    );
    // Unreachable on the web, not on the phone.
    assert_eq!(
        flags_of(&store, "demo-phone"),
        vec![(Unreachable, vec![19])]
    );
    assert_eq!(flags_of(&store, "demo-delight"), vec![(Delight, vec![21])]);
}

#[test]
fn report_by_vendor_on_the_stories() {
    let store = demo();
    let r = store
        .report(
            GroupBy::Vendor,
            Window {
                since: None,
                until: None,
            },
            now(),
        )
        .unwrap();
    let keys: Vec<&str> = r.groups.iter().map(|g| g.key.as_str()).collect();
    assert_eq!(
        keys,
        ["Comcast", "Southwest Airlines", "We Love Our Customers"]
    );
    let comcast = &r.groups[0];
    let f = &comcast.figures;
    assert_eq!((f.cases, f.open, f.resolved), (2, 1, 1));
    assert_eq!(
        (f.ttfr_hours.n, f.ttfr_hours.median, f.ttfr_hours.p90),
        (2, Some(0.3333), Some(0.3333))
    );
    assert_eq!((f.ttr_hours.n, f.ttr_hours.median), (1, Some(0.5333)));
    // cable 56 766.58333 + phone 0.33333
    assert_eq!(f.vendor_wait_hours, 56_766.916_7);
    assert_eq!(f.customer_wait_hours, 1.4167);
    assert_eq!((f.touches_per_case, f.contacts_per_case), (6.0, 5.5));
    // unreachable on both cases (rate 1) + 8 more patterns on one of two (0.5 each)
    assert_eq!(comcast.friction_score, 5.0);
    let seller = &r.groups[2];
    assert_eq!(seller.figures.escalation_rate, 1.0);
    assert_eq!(seller.figures.self_resolved_rate, 1.0);
    assert_eq!(seller.figures.refund_total.to_string(), "154.99");
    assert_eq!(seller.figures.customer_cost_total.to_string(), "25.00");
    // 8 patterns, one of them delight: 7 − 1 = 6
    assert_eq!(seller.friction_score, 6.0);
    assert_eq!(r.groups[1].friction_score, -1.0);
    // Over all four: ttfr [0, 0.3333, 0.3333, 48.5] → median 0.3333,
    // p90 at rank 2.7: 0.3333 + 0.7 × (48.5 − 0.3333) = 34.05.
    let all = &r.overall.figures;
    assert_eq!(
        (all.ttfr_hours.median, all.ttfr_hours.p90),
        (Some(0.3333), Some(34.05))
    );
    // ttr [0, 0.5333, 267] → median 0.5333, p90 at rank 1.8: 0.5333 + 0.8 × 266.4667 = 213.7067.
    assert_eq!(
        (all.ttr_hours.median, all.ttr_hours.p90),
        (Some(0.5333), Some(213.7067))
    );
    // Four cases are too few to flag anyone, and the report says so.
    assert!(comcast.patterns["unreachable"].too_few_cases);
    assert!(!comcast.patterns["unreachable"].flagged);
}

#[test]
fn report_by_channel_puts_patterns_under_their_evidence() {
    let store = demo();
    let r = store
        .report(
            GroupBy::Channel,
            Window {
                since: None,
                until: None,
            },
            now(),
        )
        .unwrap();
    let group = |k: &str| r.groups.iter().find(|g| g.key == k).unwrap();
    // A case under every channel it used: web (cable, phone number), email (screw).
    assert_eq!(group("web").figures.cases, 2);
    assert_eq!(group("email").figures.cases, 1);
    // unreachable fired on the web in both Comcast cases, never on the phone.
    assert_eq!(group("web").patterns["unreachable"].cases, 2);
    assert!(!group("phone").patterns.contains_key("unreachable"));
    // No case began on the phone, but three used it (screw, cable, phone number):
    // the phone's row counts those three, and its pattern rates are out of them.
    assert_eq!(group("phone").figures.cases, 3);
    assert_eq!(group("phone").pattern_cases, 3);
    assert_eq!(group("phone").patterns["dropped_contact"].rate, 0.3333);
}

#[test]
fn every_filter_counts_what_its_pages_show() {
    use casebook::domain::query::Query;
    use casebook::store::query::SortKey;
    let store = demo();
    for (q, expected) in [
        ("flag:unreachable", 2),
        ("channel:phone", 3),
        ("channel:claim flag:delight", 1),
        ("!flag:delight", 2),
        ("tag:hardware", 1),
        ("vendor:xfinity", 2), // an alias of Comcast
        ("vendor:amazon", 1),  // a marketplace
        ("silence", 1),
        ("status:open channel:web", 1),
    ] {
        let query = Query::parse(q).unwrap();
        let page = store
            .case_page(&query, SortKey::Urgency, false, 0, 50, now())
            .unwrap();
        let count = store.case_count(&query, now()).unwrap();
        assert_eq!((page.len(), count), (expected, expected), "{q}");
    }
}

#[test]
fn the_note_index_follows_every_write() {
    use casebook::domain::query::Query;
    use casebook::domain::{Channel, StartedBy, TouchOutcome, Touchpoint};
    let mut store = demo();
    let found = |store: &Store, word: &str| {
        store
            .case_count(&Query::parse(word).unwrap(), now())
            .unwrap()
    };
    assert_eq!(found(&store, "factory"), 1); // indexed by the demo's import
    let mut t = Touchpoint::new(
        now(),
        Channel::new("chat").unwrap(),
        StartedBy::Customer,
        TouchOutcome::Sent,
    );
    t.note = "asked about the warranty".into();
    let id = store.add_touch(4, t.clone(), now()).unwrap();
    assert_eq!(found(&store, "warranty"), 1);
    t.id = id;
    let original = t.clone();
    t.note = "asked about the indemnity".into();
    store.update_touch_from(&original, t, now(), false).unwrap();
    assert_eq!(
        (found(&store, "warranty"), found(&store, "indemnity")),
        (0, 1)
    );
    store.delete_touch(id, now()).unwrap();
    assert_eq!(found(&store, "indemnity"), 0);
    // A failed import leaves nothing queued behind it.
    let bad = "{\"title\":\"x\",\"vendor\":\"V\",\"opened_at\":\"2024-01-01T00:00:00Z\",\
               \"touchpoints\":[{\"at\":\"2024-01-01T00:00:00Z\",\"channel\":\"chat\",\"from\":\"customer\",\"outcome\":\"sent\",\"note\":\"zebra\"}]}\n";
    let (v, recs) =
        casebook::io::json::parse("t.jsonl", bad, casebook::io::json::Format::Jsonl).unwrap();
    casebook::io::json::import(&mut store, &v, recs, true, now()).unwrap(); // a dry run rolls back
    assert_eq!(found(&store, "zebra"), 0);
    assert_eq!(found(&store, "factory"), 1);
}
