//! One urgency, the spec's (issue 20): open work; then service level
//! breached, then at risk, by time left; then broken promises; then
//! priority; then flags; then age. The same order in `list`, `casebook
//! next` and the app's Cases table.

#![allow(clippy::unwrap_used)]

mod common;
mod tui_support;

use casebook::app::{Action, App};
use casebook::store::paging::PageStart;
use casebook::store::query::SortKey;
use casebook::store::Store;
use chrono::DateTime;
use common::{Db, NOW};
use serde_json::Value;

/// The cases, by title, in the order the spec gives:
/// - "breached long ago": Comcast, opened 226 days ago, never answered;
/// - "breached lately": Comcast, opened 2 days ago, never answered (its first
///   response fell due after the other's);
/// - "at risk": Comcast, answered at once, 20 h into a 24 h resolution target
///   (4 h left, under the 25 % of 6 h);
/// - "broken promise": Acme (no policy), urgent, its promise due an hour
///   ago: a fresh broken promise, the one the old order put first;
/// - "running": Comcast, opened an hour ago, answered at once;
/// - "low": Acme, low priority, a month old.
///
/// Comcast's policy: 24x7, first response 4 h, resolution 24 h.
const ORDER: [&str; 6] = [
    "breached long ago",
    "breached lately",
    "at risk",
    "broken promise",
    "running",
    "low",
];

fn file() -> Db {
    let db = Db::new();
    let add = |vendor: &str, title: &str, opened: &str, priority: &str| {
        db.run(&[
            "add",
            "--vendor",
            vendor,
            "--title",
            title,
            "--opened",
            opened,
            "--priority",
            priority,
        ])
        .trim()
        .to_string()
    };
    let touch = |id: &str, at: &str, outcome: &str, extra: &[&str]| {
        let mut args = vec![
            "touch",
            id,
            "--at",
            at,
            "--from",
            "vendor",
            "--channel",
            "phone",
            "--outcome",
            outcome,
        ];
        args.extend_from_slice(extra);
        db.run(&args);
    };
    // Added in an order unlike the urgency's, so that ids do not give it.
    let low = add("Acme", "low", "-30d", "low");
    let _ = low;
    let promise = add("Acme", "broken promise", "-10d", "urgent");
    touch(&promise, "-2d", "promise", &["--promise-due", "-1h"]);
    let running = add("Comcast", "running", "-1h", "normal");
    touch(&running, "-1h", "info_given", &[]);
    let at_risk = add("Comcast", "at risk", "-20h", "normal");
    touch(&at_risk, "-20h", "info_given", &[]);
    add("Comcast", "breached lately", "-2d", "normal");
    add("Comcast", "breached long ago", "-226d", "normal");
    db.run(&[
        "sla",
        "policy",
        "add",
        "comcast",
        "--vendor",
        "Comcast",
        "--calendar",
        "24x7",
        "--first-response",
        "4",
        "--resolution",
        "24",
    ]);
    db
}

fn titles(rows: &Value, key: &str) -> Vec<String> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r[key].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn list_and_next_put_breaches_and_risks_before_a_broken_promise() {
    let db = file();
    let list = db.json(&["list", "--json"]);
    assert_eq!(titles(&list, "title"), ORDER);
    let states: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["sla_state"].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(
        states,
        ["breached", "breached", "at_risk", "-", "running", "-"]
    );
    assert_eq!(list[3]["flags"][0], "broken_promise");
    let next = db.json(&["next", "--json"]);
    assert_eq!(titles(&next, "title"), ORDER);
    // Pages read by key give the same order, a row at a time.
    let mut paged = Vec::new();
    let store = Store::open(&db.path).unwrap();
    let now: DateTime<chrono::Utc> = NOW.parse().unwrap();
    let all = casebook::domain::query::Query::parse("").unwrap();
    let mut after: Option<Vec<rusqlite::types::Value>> = None;
    for _ in 0..ORDER.len() {
        let start = match &after {
            None => PageStart::First,
            Some(k) => PageStart::After(k),
        };
        let rows = store
            .case_page_from(&all, SortKey::Urgency, false, start, 1, now)
            .unwrap();
        paged.push(rows[0].title.clone());
        after = Some(rows[0].key.clone());
    }
    assert_eq!(paged, ORDER);
}

#[test]
fn the_cases_table_is_in_the_same_order() {
    let db = file();
    tui_support::utc();
    let now: DateTime<chrono::Utc> = NOW.parse().unwrap();
    let mut app = App::new(Store::open(&db.path).unwrap(), now, false).unwrap();
    app.update(Action::Resize(120, 30));
    let shown: Vec<String> = app.cases.rows.iter().map(|r| r.title.clone()).collect();
    assert_eq!(shown, ORDER);
    let screen = tui_support::render(&mut app, 120, 30).join("\n");
    assert!(screen.contains("sort urgency"), "{screen}");
}
