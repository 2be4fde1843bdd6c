//! The property the spec's "Point in time" promises: for random cases (the
//! project's own generator, plus status changes, resolutions, reopenings
//! and touches logged at random later times) and a random moment T, the
//! report (every `--by`, JSON byte for byte), `list --json` and `flags
//! --json` as of T over the whole file equal those at T over a fresh file
//! that holds only what had happened by T: the export cut at T by this
//! test's own code (not the product's), imported, read with the clock at T.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{DateTime, Duration, Utc};
use common::{casebook_at, stdout_of};
use proptest::prelude::*;
use serde_json::{Map, Value};
use std::path::Path;

const NOW: &str = "2026-06-01T00:00:00Z";

fn now() -> DateTime<Utc> {
    NOW.parse().unwrap()
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn time(v: &Value) -> Option<DateTime<Utc>> {
    v.as_str().and_then(|s| s.parse().ok())
}

fn run(db: &Path, at: &str, args: &[&str]) -> String {
    stdout_of(casebook_at(db, at).args(args))
}

/// One later change to a case, as a user would log it at the time.
#[derive(Debug, Clone)]
enum Op {
    Status(&'static str),
    Resolve,
    Reopen,
    Touch(&'static str, &'static str),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        prop_oneof![
            Just("waiting_customer"),
            Just("waiting_vendor"),
            Just("escalated"),
            Just("open")
        ]
        .prop_map(Op::Status),
        Just(Op::Resolve),
        Just(Op::Reopen),
        prop_oneof![
            Just(("customer", "sent")),
            Just(("vendor", "info_request")),
            Just(("vendor", "promise")),
            Just(("customer", "escalated"))
        ]
        .prop_map(|(f, o)| Op::Touch(f, o)),
    ]
}

/// Applies the ops to a case, at increasing times after its last event;
/// the times they were logged at.
fn apply(db: &Path, case: &Value, ops: &[(Op, i64)]) -> Vec<DateTime<Utc>> {
    let mut done = Vec::new();
    let id = case["id"].to_string();
    let mut at = case["touchpoints"]
        .as_array()
        .and_then(|t| t.last())
        .and_then(|t| time(&t["at"]))
        .or_else(|| time(&case["opened_at"]))
        .unwrap();
    for (op, minutes) in ops {
        at += Duration::minutes(*minutes);
        if at >= now() {
            return done;
        }
        done.push(at);
        let t = stamp(at);
        let args: Vec<String> = match op {
            Op::Status(s) => vec![
                "status".into(),
                id.clone(),
                s.to_string(),
                "--at".into(),
                t.clone(),
            ],
            Op::Resolve => vec![
                "resolve".into(),
                id.clone(),
                "--outcome".into(),
                "credit".into(),
                "--at".into(),
                t.clone(),
            ],
            Op::Reopen => vec![
                "status".into(),
                id.clone(),
                "open".into(),
                "--at".into(),
                t.clone(),
            ],
            Op::Touch(from, outcome) => {
                let mut a = vec![
                    "touch".into(),
                    id.clone(),
                    "--channel".into(),
                    "email".into(),
                    "--from".into(),
                    from.to_string(),
                    "--outcome".into(),
                    outcome.to_string(),
                    "--at".into(),
                    t.clone(),
                ];
                if *outcome == "promise" {
                    a.extend(["--promise-due".into(), stamp(at + Duration::hours(20))]);
                }
                a
            }
        };
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(db, &t, &args);
    }
    done
}

/// The fields that change with time, wound back by the trail's changes
/// after `t`, newest first.
fn wind_back(case: &mut Map<String, Value>, events: &[Value], t: DateTime<Utc>) {
    for e in events.iter().rev() {
        if time(&e["at"]).is_none_or(|at| at <= t) {
            continue;
        }
        let Some(field) = e["field"].as_str() else {
            continue;
        };
        if !["status", "resolved_at", "closed_at", "outcome", "reopens"].contains(&field) {
            continue;
        }
        match &e["old"] {
            Value::Null => {
                case.remove(field);
            }
            old => {
                case.insert(field.to_string(), old.clone());
            }
        }
    }
}

/// The export as it would have been at `t`: this test's own reading of the
/// spec's rule.
fn cut(doc: &Value, t: DateTime<Utc>) -> Value {
    let mut out = doc.clone();
    let cases = out["cases"].as_array_mut().unwrap();
    cases.retain(|c| time(&c["opened_at"]).unwrap() <= t);
    for c in cases.iter_mut() {
        let c = c.as_object_mut().unwrap();
        let events = c["events"].as_array().cloned().unwrap_or_default();
        wind_back(c, &events, t);
        let later =
            |k: &str, c: &Map<String, Value>| c.get(k).and_then(time).is_some_and(|x| x > t);
        let (had_resolution, had_closing) =
            (c.contains_key("resolved_at"), c.contains_key("closed_at"));
        if later("resolved_at", c) {
            c.remove("resolved_at");
            c.remove("closed_at");
            c.remove("outcome");
        }
        if later("closed_at", c) {
            c.remove("closed_at");
        }
        let status = c["status"].as_str().unwrap_or("open").to_string();
        let stands = match status.as_str() {
            "resolved" => c.contains_key("resolved_at") || !had_resolution,
            "closed" => c.contains_key("closed_at") || !had_closing,
            _ => true,
        };
        if !stands {
            if c.contains_key("resolved_at") {
                c.insert("status".into(), "resolved".into());
            } else {
                c.insert("status".into(), "open".into());
                c.remove("outcome");
            }
        }
        if c.get("reopens").is_some_and(|r| r == 0) {
            c.remove("reopens");
        }
        if let Some(Value::Array(ts)) = c.get_mut("touchpoints") {
            ts.retain(|x| time(&x["at"]).unwrap() <= t);
        }
        if let Some(Value::Array(es)) = c.get_mut("events") {
            es.retain(|x| time(&x["at"]).unwrap() <= t);
        }
    }
    out
}

const POLICY: [&str; 10] = [
    "sla",
    "policy",
    "add",
    "all",
    "--calendar",
    "24x7",
    "--first-response",
    "30",
    "--resolution",
    "200",
];

fn outputs(db: &Path, at: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for by in ["vendor", "channel", "category", "party", "stage"] {
        out.push((
            by.to_string(),
            run(db, at, &["report", "--by", by, "--json"]),
        ));
    }
    out.push(("list".into(), run(db, at, &["list", "--json"])));
    out.push(("flags".into(), run(db, at, &["flags", "--json"])));
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]
    #[test]
    fn the_file_as_of_t_reads_as_a_fresh_file_of_what_had_happened_by_t(
        seed in 0u64..1000,
        later in proptest::collection::vec(
            proptest::collection::vec((op(), 30i64..40_000), 1..6), 4..8),
        pick in 0usize..1000,
        near in -90i64..90,
        back_minutes in 0i64..(2 * 365 * 24 * 60),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let whole = dir.path().join("whole.sqlite3");
        run(&whole, NOW, &["generate", "--cases", "25", "--seed", &seed.to_string()]);
        run(&whole, NOW, &POLICY);
        let exported: Value = serde_json::from_str(&run(&whole, NOW, &["export"])).unwrap();
        let mut logged = Vec::new();
        for (case, ops) in exported["cases"].as_array().unwrap().iter().zip(&later) {
            logged.extend(apply(&whole, case, ops));
        }
        // Where a clock-driven change falls: a few hours to three days after
        // an open case's last touch (a wait crossing the slow-response
        // threshold, a promise falling due).
        let quiet: Vec<DateTime<Utc>> = exported["cases"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["status"] != "resolved" && c["status"] != "closed")
            .filter_map(|c| c["touchpoints"].as_array()?.last().and_then(|t| time(&t["at"])))
            .collect();
        // A moment just before or after a logged change, or in the days
        // after an open case's last touch, where a wrong cut or a kept
        // figure that no longer held shows; sometimes any moment of the
        // last two years.
        let t = match pick % 3 {
            0 => logged.get(pick / 3 % logged.len().max(1)).map(|x| *x + Duration::minutes(near)),
            1 => quiet.get(pick / 3 % quiet.len().max(1)).map(|x| *x + Duration::minutes(back_minutes % (72 * 60))),
            _ => None,
        }
        .unwrap_or_else(|| now() - Duration::minutes(back_minutes));
        let at = stamp(t);
        let doc: Value = serde_json::from_str(&run(&whole, NOW, &["export"])).unwrap();
        let cut_file = dir.path().join("cut.json");
        std::fs::write(&cut_file, serde_json::to_string(&cut(&doc, t)).unwrap()).unwrap();
        let fresh = dir.path().join("fresh.sqlite3");
        run(&fresh, &at, &["import", cut_file.to_str().unwrap()]);
        run(&fresh, &at, &POLICY);
        for ((what, a), (_, b)) in outputs(&whole, &at).into_iter().zip(outputs(&fresh, &at)) {
            prop_assert!(a == b, "{} as of {}: the whole file\n{}\nthe fresh one\n{}", what, at, a, b);
        }
    }
}
