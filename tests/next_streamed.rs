//! `casebook next` reads the stored next action in SQL and works out the
//! text and evidence only for the rows it prints: its output must be what
//! computing every case live gives, in triage order, on the full demo and
//! on generated cases, now and after the clock has moved.

#![allow(clippy::unwrap_used)]

mod common;

use casebook::domain::friction::{self, CaseView, Thresholds};
use casebook::domain::query::Query;
use casebook::store::query::SortKey;
use casebook::store::Store;
use chrono::{DateTime, Utc};
use common::{Db, NOW};
use serde_json::{json, Value};

/// Every case of the file worked out live, from its fields and touches
/// alone (nothing stored is read): the open ones, in triage order
/// (urgency and time left, then oldest, then id), each with its next action.
fn live(db: &Db, now: &str) -> Value {
    let now: DateTime<Utc> = now.parse().unwrap();
    let store = Store::open(&db.path).unwrap();
    let th = Thresholds::default();
    let all = Query::parse("").unwrap();
    let ids: Vec<i64> = store
        .case_page(&all, SortKey::Id, false, 0, i64::MAX as usize, now)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    let mut open = Vec::new();
    for id in ids {
        let case = store.case(id).unwrap();
        let touches = store.touches(id).unwrap();
        let flags = friction::flags(
            &CaseView {
                case: &case,
                touches: &touches,
                now,
            },
            &th,
        );
        let Some(action) = store.next_action(&case, &touches, &flags, now).unwrap() else {
            continue;
        };
        let ids: Vec<&str> = flags.iter().map(|f| f.pattern.id()).collect();
        let sla = store
            .sla_setup()
            .unwrap()
            .and_then(|s| s.case_sla(&case, &touches, now));
        let u = casebook::domain::urgency::urgency(&case, &ids, sla.as_ref());
        let key = (-u.rank, u.due, case.opened_at, case.id);
        let record = json!({"case": case.id, "ref": case.reference, "title": case.title,
            "vendor": case.vendor, "status": case.status.as_str(),
            "next_action": action});
        open.push((key, record));
    }
    open.sort_by_key(|a| a.0);
    Value::Array(open.into_iter().map(|(_, r)| r).collect())
}

/// Forty days on: promises fall due, waits pass their thresholds.
const LATER: &str = "2027-01-02T00:00:00Z";

fn assert_same_as_live(db: &Db, now: &str, at_least: usize) {
    let listed = db.json_at(now, &["next", "--json"]);
    let live = live(db, now);
    assert!(
        live.as_array().unwrap().len() >= at_least,
        "{} open",
        live.as_array().unwrap().len()
    );
    assert_eq!(listed, live);
}

#[test]
fn next_on_the_full_demo_is_the_live_computation() {
    let db = Db::with_config();
    db.run_at(NOW, &["demo"]);
    assert_same_as_live(&db, NOW, 8);
    // The same file later: the stored actions that came due are re-derived.
    assert_same_as_live(&db, LATER, 8);
}

#[test]
fn next_on_generated_cases_is_the_live_computation() {
    let db = Db::with_config();
    db.run_at(NOW, &["generate", "--cases", "300", "--seed", "3"]);
    assert_same_as_live(&db, NOW, 20);
    assert_same_as_live(&db, LATER, 20);
}

#[test]
fn next_stops_at_its_limit_and_says_there_are_more() {
    let db = Db::with_config();
    db.run_at(NOW, &["generate", "--cases", "300", "--seed", "3"]);
    let all = db.json_at(NOW, &["next", "--json"]);
    let first = db.json_at(NOW, &["next", "--json", "--limit", "5"]);
    assert_eq!(first, json!(all.as_array().unwrap()[..5]));
    assert_eq!(
        db.json_at(NOW, &["next", "--json", "--limit", "0"]),
        json!([])
    );
    let n = all.as_array().unwrap().len().to_string();
    let exact = db.json_at(NOW, &["next", "--json", "--limit", &n]);
    assert_eq!(exact, all);

    let text = db.run_at(NOW, &["next", "--limit", "5"]);
    let lines: Vec<&str> = text.lines().collect();
    // The header, five cases, and the count.
    assert_eq!(lines.len(), 7, "{text}");
    assert!(lines[0].starts_with(" id  vendor"), "{text}");
    assert_eq!(lines[6], "5 open case(s) shown; more past --limit 5");
    // Rows printed one at a time still line up: every action id starts
    // under the header's "action".
    let col = lines[0].find("action").unwrap();
    for (line, case) in lines[1..6].iter().zip(all.as_array().unwrap()) {
        let id = case["next_action"]["id"].as_str().unwrap();
        assert_eq!(line.get(col..col + id.len()), Some(id), "{text}");
        assert!(line.contains(case["vendor"].as_str().unwrap()), "{line}");
    }
    let whole = db.run_at(NOW, &["next", "--limit", &n]);
    assert!(whole.ends_with(&format!("\n{n} open case(s)\n")), "{whole}");
}
