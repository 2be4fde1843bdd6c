//! The outputs that take every case (flags, export) read what else a case
//! has (its tags, its events, what its trail says of its timed fields) for
//! a run of cases at a time (src/store/every_case.rs): each case gets its
//! own and no other case's, whatever the run's length, wherever a run
//! begins and ends, with a window that leaves cases out between the ones
//! it keeps, and a deleted case among them; on a file and on PostgreSQL.
#![allow(clippy::unwrap_used)]

mod common;

use casebook::domain::{Case, Channel, StartedBy, Status, TouchOutcome, Touchpoint};
use casebook::store::report::Window;
use casebook::store::{Place, Store};
use chrono::{DateTime, Duration, Utc};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// Eleven cases: tags on every third, up to three touches with notes, a
/// resolution on some, a resolution then a reopening on others, opened
/// alternately early and late (so that a window keeps every other one),
/// and the fifth deleted (its trail stays, its case is gone).
fn fill(store: &mut Store) {
    let now = at("2026-12-01T00:00:00Z");
    let day = at("2026-11-01T09:00:00Z");
    for k in 0..11i64 {
        let opened = day + Duration::days(if k % 2 == 0 { k } else { k + 14 });
        let mut case = Case::new(&format!("case {k}"), "Acme", opened);
        if k % 3 == 0 {
            case.tags = vec![format!("t{k}"), "vip".into()];
        }
        let touches = (0..k % 4)
            .map(|j| {
                let mut t = Touchpoint::new(
                    opened + Duration::hours(j + 1),
                    Channel::new("phone").unwrap(),
                    StartedBy::Customer,
                    TouchOutcome::Sent,
                );
                t.note = format!("note {k}.{j}");
                t
            })
            .collect();
        let id = store.create_case(case, touches, now).unwrap();
        let later = |h: i64| opened + Duration::hours(10 + h);
        if k % 2 == 1 || k % 4 == 2 {
            store
                .set_status(id, Status::Resolved, later(k), now)
                .unwrap();
        }
        if k % 2 == 1 {
            store
                .set_status(id, Status::Open, later(k + 1), now)
                .unwrap();
        }
        if k == 5 {
            store.delete_case(id, now).unwrap();
        }
    }
}

/// What a pass gave for a case: its fields (all of them, as Debug shows
/// them, the ones JSON leaves out included), its touches, its events.
type Seen = (String, String, String);

fn seen(case: &Case, touches: &[Touchpoint], events: &impl serde::Serialize) -> Seen {
    (
        format!("{case:?}"),
        format!("{touches:?}"),
        serde_json::to_string(events).unwrap(),
    )
}

/// The same, each case read alone.
fn one_by_one(store: &Store, window: Window, notes: bool, tags: bool, events: bool) -> Vec<Seen> {
    let mut out = Vec::new();
    let ids: Vec<i64> = (1..=11).collect();
    for id in ids {
        let Ok(mut case) = store.case(id) else {
            continue;
        };
        if window.since.is_some_and(|s| case.opened_at < s) {
            continue;
        }
        if !tags {
            case.tags.clear();
        }
        let mut touches = store.touches(id).unwrap();
        if !notes {
            touches.iter_mut().for_each(|t| t.note.clear());
        }
        let trail = match events {
            true => store.raw_events(id).unwrap(),
            false => Vec::new(),
        };
        out.push(seen(&case, &touches, &trail));
    }
    out
}

fn check(store: &mut Store, engine: &str) {
    fill(store);
    let reopened = store.case(2).unwrap();
    assert_eq!(reopened.reopens, 1, "{engine}");
    assert_eq!(reopened.resolved_before.len(), 1, "{engine}");
    assert!(store.case(3).unwrap().changed_at.is_some(), "{engine}");
    let windows = [
        Window {
            since: None,
            until: None,
        },
        Window {
            since: Some(at("2026-11-14T00:00:00Z")),
            until: None,
        },
    ];
    for run in [1, 2, 3, 4, 500] {
        store.cases_read_together = run;
        for window in windows {
            let what = format!("{engine}, runs of {run}, since {:?}", window.since);
            for with_events in [true, false] {
                let mut got = Vec::new();
                store
                    .each_case_to_export(window, with_events, |c, ts, es| {
                        got.push(seen(&c, &ts, &es));
                        Ok(())
                    })
                    .unwrap();
                let want = one_by_one(store, window, true, true, with_events);
                assert_eq!(got, want, "export, events {with_events}: {what}");
            }
            for notes in [true, false] {
                let mut got = Vec::new();
                store
                    .each_case(window, notes, |c, ts| {
                        got.push(seen(&c, &ts, &()));
                        Ok(())
                    })
                    .unwrap();
                let want: Vec<Seen> = one_by_one(store, window, notes, false, false)
                    .into_iter()
                    .map(|(c, t, _)| (c, t, "null".into()))
                    .collect();
                assert_eq!(got, want, "each_case, notes {notes}: {what}");
            }
        }
    }
}

#[test]
fn a_pass_over_every_case_gives_each_case_its_own_tags_events_and_trail_on_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("runs.sqlite3")).unwrap();
    check(&mut store, "file");
}

#[test]
fn a_pass_over_every_case_gives_each_case_its_own_tags_events_and_trail_on_postgresql() {
    let Some(url) = common::pg::fresh_database("every_case") else {
        return;
    };
    let place = Place::parse(std::path::Path::new(&url)).unwrap();
    let mut store = Store::open_at(&place).unwrap();
    check(&mut store, "postgresql");
}
