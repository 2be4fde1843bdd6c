//! The report is one pass over each case's kept figures (migration 08). A case
//! whose kept figures do not hold at the report's clock is measured live, so
//! the report is the same whether or not the store could refresh first: a
//! read-only file, a clock past many cases' next change, and a clock set
//! back before the file's last look all give the figures of a store brought
//! up to that clock.

#![allow(clippy::unwrap_used)]

use casebook::store::report::{GroupBy, Window};
use casebook::store::Store;
use chrono::{DateTime, TimeZone, Utc};
use serde_json::Value;
use std::path::Path;

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
}

const ALL: [GroupBy; 5] = [
    GroupBy::Vendor,
    GroupBy::Channel,
    GroupBy::Category,
    GroupBy::Party,
    GroupBy::Stage,
];
const WHOLE: Window = Window {
    since: None,
    until: None,
};

fn report(store: &Store, by: GroupBy, now: DateTime<Utc>) -> Value {
    serde_json::to_value(store.report(by, WHOLE, now).unwrap()).unwrap()
}

/// Equal but for the last bit of a sum taken in another order.
fn same(a: &Value, b: &Value, path: &str) {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!((x - y).abs() <= 1e-3, "{path}: {x} against {y}");
        }
        (Value::Object(x), Value::Object(y)) => {
            let keys: Vec<_> = x.keys().collect();
            assert_eq!(keys, y.keys().collect::<Vec<_>>(), "{path}");
            for k in keys {
                same(&x[k], &y[k], &format!("{path}.{k}"));
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{path}: lengths");
            for (i, (x, y)) in x.iter().zip(y).enumerate() {
                same(x, y, &format!("{path}[{i}]"));
            }
        }
        _ => assert_eq!(a, b, "{path}"),
    }
}

fn demo_file(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("demo.sqlite3");
    let mut store = Store::open(&path).unwrap();
    casebook::io::demo::load(&mut store, at(20, 0)).unwrap();
    // The demo's background, as `casebook demo` adds it.
    store
        .in_transaction(|w| {
            for (case, touches) in casebook::io::background::cases(at(20, 0)) {
                w.merge_case(case, touches, None, at(20, 0))?;
            }
            Ok(())
        })
        .unwrap();
    store.refresh_due(at(20, 0)).unwrap();
    path
}

/// A count from the file, through SQLite (a second connection).
fn count(path: &Path, sql: &str, at: DateTime<Utc>) -> i64 {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row(sql, [at.timestamp_millis()], |r| r.get(0))
        .unwrap()
}

fn copy(from: &Path, name: &str) -> std::path::PathBuf {
    let to = from.with_file_name(name);
    std::fs::copy(from, &to).unwrap();
    to
}

#[test]
fn cases_past_their_next_change_are_measured_live_when_the_store_cannot_refresh() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo_file(dir.path());
    let later = at(25, 0);
    let stale_file = copy(&demo, "stale.sqlite3");
    let due = count(
        &stale_file,
        "SELECT count(*) FROM case_figures WHERE valid_until <= ?1",
        later,
    );
    let stale = Store::open_existing(&stale_file).unwrap();
    assert!(due > 0, "some kept figures must be past their next change");
    let mut fresh = Store::open_existing(&copy(&demo, "fresh.sqlite3")).unwrap();
    assert_eq!(fresh.refresh_due(later).unwrap() as i64, due);
    for by in ALL {
        same(
            &report(&stale, by, later),
            &report(&fresh, by, later),
            by.as_str(),
        );
    }
}

#[test]
fn a_clock_set_back_measures_the_cases_that_move_with_it_live() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo_file(dir.path());
    let mut ahead = Store::open_existing(&copy(&demo, "ahead.sqlite3")).unwrap();
    ahead.refresh_due(at(28, 0)).unwrap();
    let mut fresh = Store::open_existing(&copy(&demo, "fresh.sqlite3")).unwrap();
    fresh.refresh_due(at(20, 1)).unwrap();
    for by in ALL {
        // `ahead` is not refreshed back: its open cases hold figures of the 28th.
        same(
            &report(&ahead, by, at(20, 1)),
            &report(&fresh, by, at(20, 1)),
            by.as_str(),
        );
    }
}

#[test]
fn an_open_case_waits_on_whoever_holds_the_ball_until_the_clock() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo_file(dir.path());
    let mut store = Store::open_existing(&demo).unwrap();
    let (a, b) = (at(21, 0), at(21, 10));
    store.refresh_due(a).unwrap();
    let before = report(&store, GroupBy::Vendor, a);
    store.refresh_due(b).unwrap();
    let after = report(&store, GroupBy::Vendor, b);
    // Each open case waiting on the vendor since before `a` adds 10 hours.
    let waiting = count(
        &demo,
        "SELECT count(*) FROM case_figures WHERE ball = 1 AND ball_since <= ?1",
        a,
    );
    assert!(waiting > 0);
    let wait = |v: &Value| v["overall"]["vendor_wait_hours"].as_f64().unwrap();
    let grew = wait(&after) - wait(&before);
    assert!(
        (grew - 10.0 * waiting as f64).abs() < 1e-3,
        "vendor wait grew {grew} h with {waiting} open cases waiting on the vendor"
    );
}

#[test]
fn a_report_read_on_two_connections_is_the_report_read_on_one() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo_file(dir.path());
    let mut split = Store::open_existing(&demo).unwrap();
    split.split_reports_from = 0;
    let mut whole = Store::open_existing(&demo).unwrap();
    whole.split_reports_from = i64::MAX;
    // Now, and later with cases past their next change measured live in
    // both halves.
    for now in [at(20, 0), at(26, 0)] {
        for by in ALL {
            assert_eq!(
                report(&split, by, now),
                report(&whole, by, now),
                "{} at {now}",
                by.as_str()
            );
        }
    }
}

#[test]
fn the_cases_said_to_be_due_are_the_cases_brought_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo_file(dir.path());
    let mut store = Store::open_existing(&demo).unwrap();
    assert_eq!(store.cases_due(at(20, 0)).unwrap(), 0);
    let due = store.cases_due(at(25, 0)).unwrap();
    assert!(due > 0);
    assert_eq!(store.refresh_due(at(25, 0)).unwrap(), due);
    assert_eq!(store.cases_due(at(25, 0)).unwrap(), 0);
}
