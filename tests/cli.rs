//! The real binary end to end on temporary databases.

#![allow(clippy::unwrap_used)]

mod common;

use assert_cmd::prelude::*;
use common::Db;
use predicates::prelude::*;
use serde_json::Value;
use std::process::Command;

impl Db {
    /// Every row of every table, to prove a failed command wrote nothing.
    fn snapshot(&self) -> String {
        let conn = rusqlite::Connection::open(&self.path).unwrap();
        let mut out = String::new();
        for table in [
            "vendors",
            "cases",
            "touchpoints",
            "events",
            "case_tags",
            "case_flags",
        ] {
            let mut stmt = conn
                .prepare(&format!("SELECT * FROM {table} ORDER BY 1"))
                .unwrap();
            let n = stmt.column_count();
            let rows = stmt
                .query_map([], |r| {
                    Ok((0..n)
                        .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                        .collect::<Vec<_>>()
                        .join("|"))
                })
                .unwrap();
            for row in rows {
                out.push_str(&format!("{table}: {}\n", row.unwrap()));
            }
        }
        out
    }
}

#[test]
fn log_a_case_by_hand_and_measure_it() {
    let db = Db::new();
    let id = db.run(&[
        "add",
        "--vendor",
        "Acme Router Co",
        "--title",
        "Router drops Wi-Fi",
        "--category",
        "defect",
        "--opened",
        "2026-11-20 09:00",
        "--amount",
        "89.90",
        "--priority",
        "high",
    ]);
    assert_eq!(id.trim(), "1");
    // 2 h later the customer calls, holds 25 min, a person answers and promises a call back by 11-21 12:00.
    db.run(&[
        "touch",
        "1",
        "--channel",
        "phone",
        "--from",
        "customer",
        "--outcome",
        "promise",
        "--at",
        "2026-11-20 11:00",
        "--wait",
        "25",
        "--minutes",
        "10",
        "--promise-due",
        "2026-11-21 12:00",
        "--note",
        "Rep will call back tomorrow",
    ]);
    // Nobody calls; the customer emails on 11-22 09:00 and the vendor asks for the serial number at 10:00.
    db.run(&[
        "touch",
        "1",
        "--channel",
        "email",
        "--from",
        "customer",
        "--outcome",
        "sent",
        "--at",
        "2026-11-22 09:00",
    ]);
    db.run(&[
        "touch",
        "1",
        "--channel",
        "email",
        "--from",
        "vendor",
        "--outcome",
        "info_request",
        "--at",
        "2026-11-22 10:00",
        "--ask",
        "provide_info",
    ]);
    db.run(&[
        "resolve",
        "1",
        "--outcome",
        "replacement",
        "--at",
        "2026-11-22 16:00",
    ]);
    let shown = db.json(&["show", "1", "--json"]);
    let m = &shown["measures"];
    // ttfr: 09:00 → 11:00 (an answered call) = 2 h; ttr: 11-20 09:00 → 11-22 16:00 = 55 h.
    assert_eq!(m["ttfr_hours"], 2.0);
    assert_eq!(m["ttr_hours"], 55.0);
    assert_eq!(m["age_hours"], Value::Null);
    // vendor: 11-20 11:00 → 11-22 09:00 (46 h) + 09:00 → 10:00 (1 h) = 47 h; customer: 10:00 → 16:00 = 6 h.
    assert_eq!(m["vendor_wait_hours"], 47.0);
    assert_eq!(m["customer_wait_hours"], 6.0);
    assert_eq!(
        (m["touches"].as_u64(), m["contacts"].as_u64()),
        (Some(3), Some(2))
    );
    let patterns: Vec<&str> = shown["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["pattern"].as_str().unwrap())
        .collect();
    assert_eq!(patterns, ["broken_promise", "long_hold"]);
    assert_eq!(shown["flags"][0]["evidence"], serde_json::json!([1]));
    assert_eq!(shown["purchase_amount"], "89.90");
    assert_eq!(shown["status"], "resolved");
    // The audit trail has every step.
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let kinds: Vec<String> = conn
        .prepare("SELECT kind || coalesce(':' || field, '') FROM events ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(
        kinds[..4],
        ["created", "touch_added", "touch_added", "touch_added"]
    );
    assert!(
        kinds.contains(&"status_changed:status".to_string()),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&"field_changed:outcome".to_string()),
        "{kinds:?}"
    );
}

#[test]
fn events_cannot_be_changed_or_deleted() {
    let db = Db::new();
    db.run(&["demo", "--stories-only"]);
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let upd = conn
        .execute("UPDATE events SET kind = 'x'", [])
        .unwrap_err()
        .to_string();
    assert!(upd.contains("append-only"), "{upd}");
    let del = conn
        .execute("DELETE FROM events", [])
        .unwrap_err()
        .to_string();
    assert!(del.contains("append-only"), "{del}");
}

#[test]
fn the_demo_has_a_background_that_shows_real_differences() {
    let db = Db::new();
    let first = db.run(&["demo"]);
    assert!(first.contains("4 new"), "{first}");
    assert!(
        first.contains("background: 600 generated cases with 36 vendors"),
        "{first}"
    );
    // Loading again adds nothing.
    let again = db.run(&["demo"]);
    assert!(
        again.contains("0 new, 4 already there") && again.contains("already there (tag:generated)"),
        "{again}"
    );
    let listed = db.json(&["list", "tag:generated", "--json", "--limit", "1000"]);
    assert_eq!(listed.as_array().unwrap().len(), 600);
    assert_eq!(
        db.json(&["list", "--json", "--limit", "1000"])
            .as_array()
            .unwrap()
            .len(),
        604
    );
    // The stories keep their ids and their own figures.
    let shown = db.json(&["show", "demo-screw", "--json"]);
    assert_eq!(shown["id"], 1);
    let r = db.json(&["report", "--by", "vendor", "--json"]);
    let group = |k: &str| {
        r["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["key"] == k)
            .unwrap()
            .clone()
    };
    assert_eq!(group("Comcast")["cases"], 2);
    assert_eq!(group("Comcast")["ttr_hours"]["median"], 0.5333);
    // The first screens have something to say: vendors with enough cases,
    // and patterns flagged against the baseline, per vendor and per channel.
    let groups = r["groups"].as_array().unwrap();
    assert!(groups.len() >= 36);
    let flagged = |r: &serde_json::Value| {
        r["groups"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|g| {
                g["patterns"]
                    .as_object()
                    .unwrap()
                    .values()
                    .any(|p| p["flagged"] == true)
            })
            .count()
    };
    assert!(flagged(&r) >= 5, "{}", flagged(&r));
    let by_channel = db.json(&["report", "--by", "channel", "--json"]);
    assert!(flagged(&by_channel) >= 2, "{}", flagged(&by_channel));
}

#[test]
fn demo_report_by_vendor_has_the_figures() {
    let db = Db::new();
    db.run(&["demo", "--stories-only"]);
    assert!(db
        .run(&["demo", "--stories-only"])
        .contains("0 new, 4 already there"));
    let r = db.json(&["report", "--by", "vendor", "--json"]);
    assert_eq!(r["by"], "vendor");
    let comcast = &r["groups"][0];
    assert_eq!(comcast["key"], "Comcast");
    assert_eq!(comcast["cases"], 2);
    assert_eq!(comcast["ttr_hours"]["median"], 0.5333);
    assert_eq!(comcast["refund_total"], "0.00");
    assert_eq!(comcast["friction_score"], 5.0);
    assert_eq!(comcast["patterns"]["unreachable"]["cases"], 2);
    assert_eq!(comcast["patterns"]["unreachable"]["baseline"], 0.5);
    let table = db.run(&["report", "--by", "vendor"]);
    assert!(table.contains("We Love Our Customers"), "{table}");
    assert!(table.contains("too few cases"), "{table}");
    let csv = db.run(&["report", "--by", "channel", "--csv"]);
    assert!(csv.starts_with("key,cases,open,resolved,ttfr_n"), "{csv}");
    assert!(csv.contains("\nweb,2,1,1,"), "{csv}");
}

#[test]
fn report_window_keeps_only_cases_opened_in_it() {
    let db = Db::new();
    db.run(&["demo", "--stories-only"]);
    let r = db.json(&[
        "report",
        "--since",
        "2020-01-01",
        "--until",
        "2022-01-01",
        "--json",
    ]);
    assert_eq!(r["overall"]["cases"], 2); // cable (2020) and phone (2021)
    assert_eq!(r["groups"].as_array().unwrap().len(), 1);
    // A window that ends before it starts is a mistake, said as such.
    let err = db.fails(&["report", "--since", "2022-01-01", "--until", "2020-01-01"]);
    assert!(
        err.contains("--since (2022-01-01) must be before --until"),
        "{err}"
    );
}

#[test]
fn an_error_is_said_once() {
    let db = Db::new();
    let err = db.fails(&["add", "--vendor", "Acme", "--title", "a\u{1}b"]);
    assert_eq!(
        err.matches("must not contain control characters").count(),
        1,
        "{err}"
    );
}

#[test]
fn show_prints_whole_notes_wrapped() {
    let db = Db::new();
    let id = db.run(&["add", "--vendor", "Acme", "--title", "Long story"]);
    let note = "The rep said the part was on back order, then that it had shipped, \
                then that there was no record of the order at all; a supervisor \
                finally found it in another warehouse.\nSecond line.";
    db.run(&[
        "touch",
        id.trim(),
        "--channel",
        "phone",
        "--from",
        "customer",
        "--outcome",
        "info_given",
        "--note",
        note,
    ]);
    let out = db.run(&["show", id.trim()]);
    let words: Vec<&str> = out.split_whitespace().collect();
    let want: Vec<&str> = note.split_whitespace().collect();
    assert!(
        words.windows(want.len()).any(|w| w == want.as_slice()),
        "{out}"
    );
    assert!(out.lines().all(|l| l.chars().count() <= 100), "{out}");
    assert!(out.lines().any(|l| l.trim() == "Second line."), "{out}");
}

#[test]
fn export_import_export_is_identical_and_a_second_import_changes_nothing() {
    let a = Db::new();
    a.run(&["demo", "--stories-only"]);
    a.run(&[
        "touch",
        "demo-cable",
        "--channel",
        "email",
        "--from",
        "customer",
        "--outcome",
        "sent",
        "--note",
        "Ünïcödé 📺 שלום",
    ]);
    let first = a.run(&["export"]);
    let file = a.file("export.json", &first);
    let b = Db::new();
    let msg = b.run(&["import", file.to_str().unwrap()]);
    assert!(msg.contains("4 new"), "{msg}");
    let second = b.run(&["export"]);
    assert_eq!(first, second);
    let before = b.snapshot();
    let again = b.run(&["import", file.to_str().unwrap()]);
    assert!(again.contains("0 new, 0 updated, 4 unchanged"), "{again}");
    assert_eq!(before, b.snapshot());
    // JSON Lines the same way.
    let lines = a.run(&["export", "--format", "jsonl"]);
    let lf = a.file("export.jsonl", &lines);
    let c = Db::new();
    c.run(&["import", lf.to_str().unwrap()]);
    assert_eq!(lines, c.run(&["export", "--format", "jsonl"]));
    // Importing into the database it came from changes nothing either.
    let snap = a.snapshot();
    assert!(a
        .run(&["import", file.to_str().unwrap()])
        .contains("4 unchanged"));
    assert_eq!(snap, a.snapshot());
}

#[test]
fn hand_written_case_json_measures_to_the_second() {
    let db = Db::new();
    let doc = r#"{"casebook": 1, "cases": [
      {"ref": "hand-1", "title": "Parcel never came", "vendor": "Parcelco",
       "opened_at": "2024-03-01T10:00:00+01:00", "resolved_at": "2024-03-04T10:00:01+01:00",
       "status": "resolved", "refund_amount": 19.99, "purchase_amount": "19.99",
       "touchpoints": [
         {"at": "2024-03-01T10:00:00+01:00", "channel": "chat", "from": "customer", "outcome": "no_answer"},
         {"at": "2024-03-01T11:30:30+01:00", "channel": "email", "from": "vendor", "outcome": "info_request"},
         {"at": "2024-03-02T11:30:30+01:00", "channel": "email", "from": "customer", "outcome": "info_given"}
       ]}]}"#;
    let f = db.file("hand.json", doc);
    db.run(&["import", f.to_str().unwrap()]);
    let m = db.json(&["show", "hand-1", "--json"])["measures"].clone();
    // ttfr: 10:00:00 → 11:30:30 = 1.508333 h (5 430 s); ttr: 3 days and 1 s = 72.000278 h.
    assert_eq!(m["ttfr_hours"], 1.5083);
    assert_eq!(m["ttr_hours"], 72.0003);
    // vendor: 10:00:00 → 11:30:30 (5 430 s) + 03-02 11:30:30 → 03-04 10:00:01 (167 371 s) = 172 801 s = 48.0003 h
    assert_eq!(m["vendor_wait_hours"], 48.0003);
    // customer: 24 h exactly
    assert_eq!(m["customer_wait_hours"], 24.0);
    let shown = db.json(&["show", "hand-1", "--json"]);
    assert_eq!(shown["refund_amount"], "19.99");
    assert_eq!(shown["opened_at"], "2024-03-01T09:00:00Z");
}

#[test]
fn a_bad_record_stops_the_import_with_its_line_and_writes_nothing() {
    let db = Db::new();
    db.run(&["demo", "--stories-only"]);
    let before = db.snapshot();
    let lines = "{\"title\":\"ok\",\"vendor\":\"A\",\"opened_at\":\"2024-01-01T00:00:00Z\"}\n\
                 {\"title\":\"bad\",\"vendor\":\"A\",\"opened_at\":\"2024-01-01T00:00:00Z\",\"status\":\"pending\"}\n";
    let f = db.file("bad.jsonl", lines);
    let err = db.fails(&["import", f.to_str().unwrap()]);
    assert!(err.contains("bad.jsonl: line 2"), "{err}");
    assert!(
        err.contains("unknown status 'pending'; valid values: open, waiting_vendor"),
        "{err}"
    );
    assert_eq!(before, db.snapshot());
    // A JSON document: the line of the bad case inside it.
    let doc = "{\"casebook\": 1, \"cases\": [\n{\"title\":\"ok\",\"vendor\":\"A\",\"opened_at\":\"2024-01-01T00:00:00Z\"},\n\
               {\"title\":\"bad\",\"vendor\":\"A\",\"opened_at\":\"2024-13-01\"}\n]}";
    let f = db.file("bad.json", doc);
    let err = db.fails(&["import", f.to_str().unwrap()]);
    assert!(
        err.contains("bad.json: line 3: case 2: opened_at: bad time '2024-13-01'"),
        "{err}"
    );
    assert_eq!(before, db.snapshot());
    // --dry-run says what would happen and writes nothing.
    let good = db.file(
        "good.jsonl",
        "{\"title\":\"ok\",\"vendor\":\"A\",\"opened_at\":\"2024-01-01T00:00:00Z\"}\n",
    );
    let out = db.run(&["import", good.to_str().unwrap(), "--dry-run"]);
    assert!(
        out.contains("dry run, nothing written: 1 case(s) read: 1 new"),
        "{out}"
    );
    assert_eq!(before, db.snapshot());
}

#[test]
fn bad_values_get_clear_messages_and_write_nothing() {
    let db = Db::new();
    db.run(&["demo", "--stories-only"]);
    let before = db.snapshot();
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "add",
                "--vendor",
                "V",
                "--title",
                "T",
                "--opened",
                "2024-13-01",
            ],
            "bad time '2024-13-01'",
        ),
        (
            &["add", "--vendor", "V", "--title", "T", "--amount", "12.345"],
            "bad amount '12.345'",
        ),
        (
            &["add", "--vendor", "V", "--title", "T", "--amount", "ten"],
            "bad amount 'ten'",
        ),
        (
            &[
                "add",
                "--vendor",
                "V",
                "--title",
                "T",
                "--category",
                "broken",
            ],
            "valid values: missing_part, defect",
        ),
        (
            &["add", "--vendor", "V", "--title", "T", "--priority", "asap"],
            "valid values: low, normal, high, urgent",
        ),
        (
            &[
                "add",
                "--vendor",
                "V",
                "--title",
                "T",
                "--channel",
                "pigeon",
            ],
            "valid values: phone, chat",
        ),
        (
            &["add", "--vendor", "V", "--title", "bad\u{1b}[31m"],
            "title: must not contain control characters",
        ),
        (
            &["add", "--vendor", " ", "--title", "T"],
            "vendor: must not be empty",
        ),
        (
            &[
                "touch",
                "1",
                "--channel",
                "phone",
                "--from",
                "robot",
                "--outcome",
                "sent",
            ],
            "valid values: customer, vendor",
        ),
        (
            &[
                "touch",
                "1",
                "--channel",
                "phone",
                "--from",
                "customer",
                "--outcome",
                "meh",
            ],
            "unknown touch outcome 'meh'",
        ),
        (
            &[
                "touch",
                "99",
                "--channel",
                "phone",
                "--from",
                "customer",
                "--outcome",
                "sent",
            ],
            "no case '99'",
        ),
        (
            &[
                "touch",
                "1",
                "--channel",
                "phone",
                "--from",
                "customer",
                "--outcome",
                "sent",
                "--wait",
                "-5",
            ],
            "wait_minutes",
        ),
        (&["status", "1", "finished"], "unknown status 'finished'"),
        (
            &["resolve", "1", "--outcome", "happy"],
            "valid values: full_refund",
        ),
        (
            &["resolve", "1", "--outcome", "none", "--at", "1999-01-01"],
            "before the case was opened",
        ),
        (&["list", "colour:red"], "unknown key 'colour'"),
        (
            &["import", "/nonexistent/file.json"],
            "cannot read /nonexistent/file.json",
        ),
        (&["show", "no-such-ref"], "no case 'no-such-ref'"),
    ];
    for (args, expected) in cases {
        let err = db.fails(args);
        assert!(
            err.contains(expected),
            "{args:?}: expected {expected:?} in {err:?}"
        );
    }
    assert_eq!(before, db.snapshot());
}

#[test]
fn huge_and_strange_text_is_kept_exactly() {
    let db = Db::new();
    let title = "Écran cassé 📺 e\u{301} שלום עולם 🇫🇷 ok";
    db.run(&["add", "--vendor", "Ünïcode Ltd", "--title", title]);
    let long_note = "ab\u{202e}cd ".repeat(10_000);
    db.run(&[
        "touch",
        "1",
        "--channel",
        "chat",
        "--from",
        "customer",
        "--outcome",
        "sent",
        "--note",
        &long_note,
    ]);
    let shown = db.json(&["show", "1", "--json"]);
    assert_eq!(shown["title"], title);
    assert_eq!(shown["touchpoints"][0]["note"], long_note.as_str());
    // A note keeps every character as given (the terminal gets stand-ins
    // where it is drawn); JSON gives it back exactly.
    db.run(&[
        "touch",
        "1",
        "--channel",
        "chat",
        "--from",
        "customer",
        "--outcome",
        "sent",
        "--note",
        "a\u{1b}[2Jb\nc",
    ]);
    // Both touches were logged at the same instant: find the second by id.
    let shown = db.json(&["show", "1", "--json"]);
    let second = shown["touchpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == 2)
        .unwrap()
        .clone();
    assert!(
        second["note"] == "a\u{1b}[2Jb\nc",
        "the control character was dropped"
    );
    // A note has any length.
    let too_long = "x".repeat(100_001);
    db.run(&[
        "touch",
        "1",
        "--channel",
        "chat",
        "--from",
        "customer",
        "--outcome",
        "sent",
        "--note",
        &too_long,
    ]);
    // The human table lines up and does not break on them.
    let list = db.run(&["list"]);
    assert!(list.contains("Ünïcode Ltd"), "{list}");
}

#[test]
fn vendors_are_one_whatever_the_case() {
    let db = Db::new();
    db.run(&["add", "--vendor", "Comcast", "--title", "a"]);
    db.run(&["add", "--vendor", "comcast", "--title", "b"]);
    db.run(&["add", "--vendor", "COMCAST ", "--title", "c"]);
    let r = db.json(&["report", "--json"]);
    assert_eq!(r["groups"].as_array().unwrap().len(), 1);
    assert_eq!(r["groups"][0]["key"], "Comcast");
    assert_eq!(r["groups"][0]["cases"], 3);
}

#[test]
fn reopening_is_counted() {
    let db = Db::new();
    db.run(&[
        "add",
        "--vendor",
        "V",
        "--title",
        "T",
        "--opened",
        "2026-11-01",
    ]);
    db.run(&["resolve", "1", "--outcome", "repair", "--at", "2026-11-02"]);
    let out = db.run(&["status", "1", "open", "--at", "2026-11-03"]);
    assert!(out.contains("reopened 1 time"), "{out}");
    let m = db.json(&["show", "1", "--json"])["measures"].clone();
    assert_eq!(m["reopens"], 1);
    assert_eq!(m["ttr_hours"], Value::Null);
}

#[test]
fn list_filters_with_the_query_language() {
    let db = Db::new();
    db.run(&["demo", "--stories-only"]);
    let ids = |q: &str| -> Vec<i64> {
        db.json(&["list", q, "--json", "--sort", "id"])
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(ids("vendor:comcast"), [2, 3]);
    assert_eq!(ids("vendor:amazon"), [1]); // the marketplace counts
    assert_eq!(ids("status:open"), [2]);
    assert_eq!(ids("flag:unreachable"), [2, 3]);
    assert_eq!(ids("channel:claim"), [1]);
    assert_eq!(ids("!flag:delight"), [2, 3]);
    assert_eq!(ids("silence"), [2]); // a word in a note
    assert_eq!(ids("age>2200d"), [1, 2]); // opened before 2020-11-13
    assert_eq!(ids("age<1600d"), [4]); // opened after 2022-07-07
    assert_eq!(ids("tag:hardware category:missing_part"), [1]);
    assert_eq!(ids("vendor:\"%\""), Vec::<i64>::new()); // LIKE wildcards are literal
}

#[test]
fn not_a_database_newer_schema_read_only_and_locked() {
    let db = Db::new();
    // Not SQLite at all.
    let text = db.file("notes.txt", &"just some text\n".repeat(100));
    let err = common::casebook(&text)
        .arg("list")
        .assert()
        .failure()
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8(err)
        .unwrap()
        .contains("is not a casebook database"));
    // Another program's SQLite file.
    let other = db.dir.path().join("other.sqlite3");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute("CREATE TABLE t (x)", [])
        .unwrap();
    let err = common::casebook(&other)
        .arg("list")
        .assert()
        .failure()
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8(err)
        .unwrap()
        .contains("is not a casebook database"));
    // Written by a newer casebook.
    db.run(&["demo", "--stories-only"]);
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let err = db.fails(&["list"]);
    assert!(
        err.contains("written by a newer casebook (schema 99"),
        "{err}"
    );
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    conn.pragma_update(None, "user_version", version).unwrap();
    drop(conn);
    // Read-only: reads work (and say so), writes are refused.
    let mut perms = std::fs::metadata(&db.path).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&db.path, perms.clone()).unwrap();
    let out = db.cmd().arg("list").assert().success().get_output().clone();
    assert!(String::from_utf8(out.stderr).unwrap().contains("read-only"));
    assert!(String::from_utf8(out.stdout).unwrap().contains("4 case(s)"));
    let err = db.fails(&["add", "--vendor", "V", "--title", "T"]);
    assert!(err.contains("is read-only"), "{err}");
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&db.path, perms).unwrap();
    // Locked by another writer: a clear message after the busy timeout.
    let locker = rusqlite::Connection::open(&db.path).unwrap();
    locker.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let err = db.fails(&["add", "--vendor", "V", "--title", "T"]);
    assert!(err.contains("locked by another process"), "{err}");
    locker.execute_batch("ROLLBACK").unwrap();
}

#[test]
fn backup_and_check() {
    let db = Db::new();
    db.run(&["demo", "--stories-only"]);
    assert!(db.run(&["check"]).starts_with("ok:"));
    let copy = db.dir.path().join("copy.sqlite3");
    db.run(&["backup", copy.to_str().unwrap()]);
    let out = common::casebook(&copy)
        .args(["show", "demo-screw", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["measures"]["ttr_hours"], 267.0);
    let err = db.fails(&["backup", copy.to_str().unwrap()]);
    assert!(err.contains("already exists"), "{err}");
}

/// A case whose flag rows were lost (files imported by builds before
/// 2026-12-07, whose touch ids were taken) is not found by `flag:`:
/// `check` names it, `check --repair` writes its rows again from its list.
#[test]
fn check_finds_lost_flag_rows_and_repair_writes_them_again() {
    let db = Db::new();
    db.run(&["demo", "--stories-only"]);
    let flagged = |db: &Db| db.json(&["list", "flag:channel_switch", "--json"]);
    let before = flagged(&db).as_array().unwrap().len();
    assert!(before > 0);
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let id: i64 = conn
        .query_row(
            "SELECT case_id FROM case_flags WHERE pattern = 'channel_switch' ORDER BY case_id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute("DELETE FROM case_flags WHERE case_id = ?1", [id])
        .unwrap();
    drop(conn);
    assert_eq!(flagged(&db).as_array().unwrap().len(), before - 1);
    let out = db
        .cmd()
        .arg("check")
        .assert()
        .failure()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8_lossy(&out);
    assert!(
        out.contains(&format!("case {id}: flags listed '"))
            && out.contains("flag rows ''")
            && out.contains("check --repair"),
        "{out}"
    );
    let repaired = db.run(&["check", "--repair"]);
    assert!(
        repaired.starts_with("repaired the flag rows of 1 case(s)\nok:"),
        "{repaired}"
    );
    assert_eq!(flagged(&db).as_array().unwrap().len(), before);
    assert!(db
        .run(&["check", "--repair"])
        .starts_with("repaired the flag rows of 0 case(s)"));
}

#[test]
fn flags_lists_patterns_with_evidence() {
    let db = Db::new();
    db.run(&["demo", "--stories-only"]);
    let all = db.json(&["flags", "--json"]);
    let of = |r: &str| -> Vec<String> {
        all.as_array()
            .unwrap()
            .iter()
            .filter(|f| f["ref"] == r)
            .map(|f| f["pattern"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(of("demo-phone"), ["unreachable"]);
    assert_eq!(of("demo-delight"), ["delight"]);
    let one = db.json(&["flags", "demo-screw", "--json"]);
    assert_eq!(one[3]["pattern"], "burdensome_remedy");
    assert_eq!(one[3]["evidence"], serde_json::json!([3]));
    assert_eq!(one[3]["case"], 1);
    let human = db.run(&["flags"]);
    assert!(
        human.contains("lost_record") && human.contains("#15"),
        "{human}"
    );
}

#[test]
fn help_lists_every_subcommand() {
    let out = Command::cargo_bin("casebook")
        .unwrap()
        .arg("--help")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let help = String::from_utf8(out).unwrap();
    for sub in [
        "demo", "add", "touch", "status", "resolve", "list", "show", "flags", "report", "import",
        "export", "copy", "backup", "check",
    ] {
        assert!(help.contains(sub), "{sub} missing from --help");
    }
    Command::cargo_bin("casebook")
        .unwrap()
        .args(["report", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Friction score"));
}

#[test]
fn an_older_file_is_migrated_without_losing_anything() {
    let db = Db::new();
    // A file as the first schema left it, with a case and a touch in it.
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    conn.execute_batch(include_str!("../migrations/sqlite/01-init/up.sql"))
        .unwrap();
    conn.pragma_update(None, "user_version", 1).unwrap();
    conn.execute_batch(
        "INSERT INTO vendors (id, name, name_key) VALUES (1, 'Old Vendor', 'old vendor');
         INSERT INTO cases (id, uid, title, vendor_id, opened_at, priority, flag_list)
           VALUES (1, 'u-1', 'Old case', 1, 1700000000000, 'high', 'broken_promise slow_response');
         INSERT INTO touchpoints (case_id, at, channel, started_by, outcome, note)
           VALUES (1, 1700000600000, 'phone', 'customer', 'dropped', 'line went silent');",
    )
    .unwrap();
    drop(conn);
    // Migrating fills the triage order by the rule of domain::urgency: open work
    // 1 000 000 + a broken promise 100 000 + high priority 20 000 + 2 flags × 100.
    // (Opening migrates; the first look after it derives the case afresh.)
    drop(casebook::store::Store::open(&db.path).unwrap());
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let urgency: i64 = conn
        .query_row("SELECT urgency FROM cases WHERE id = 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(urgency, 1_120_200);
    let mut case = casebook::domain::Case::new("x", "v", chrono::Utc::now());
    case.priority = casebook::domain::Priority::High;
    let fresh =
        casebook::domain::urgency::urgency(&case, &["broken_promise", "slow_response"], None);
    assert_eq!((fresh.rank, fresh.due), (urgency, 0));
    drop(conn);
    let out = db.run(&["list", "silent", "--json"]);
    let rows: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(rows[0]["title"], "Old case");
    assert!(db.run(&["check"]).starts_with("ok:"));
    let shown = db.json(&["show", "1", "--json"]);
    assert_eq!(shown["touchpoints"][0]["note"], "line went silent");
    // The report reads figures the migration left to the first look.
    let report = db.json(&["report", "--by", "channel", "--json"]);
    assert_eq!(report["groups"][0]["key"], "phone");
    assert_eq!(report["groups"][0]["cases"], 1);
    assert_eq!(report["overall"]["open"], 1);
}

#[test]
fn the_config_file_sets_thresholds_and_a_bad_one_names_the_key() {
    let db = Db::new();
    db.run(&["demo", "--stories-only"]);
    // With slow_response at 24 h, the phone-number story is still fine, but the
    // cable story's 24 h 15 m wait after signing up is now slow too.
    let cfg = db.file("casebook.toml", "[friction]\nslow_response_hours = 24\n");
    let out = db.json(&[
        "--config",
        cfg.to_str().unwrap(),
        "flags",
        "demo-cable",
        "--json",
    ]);
    let slow = out
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["pattern"] == "slow_response")
        .unwrap()
        .clone();
    assert_eq!(slow["evidence"], serde_json::json!([11, 18]));
    let bad = db.file("bad.toml", "[friction]\nslow_respnse_hours = 24\n");
    let err = db.fails(&["--config", bad.to_str().unwrap(), "list"]);
    assert!(
        err.contains("bad config file") && err.contains("slow_respnse_hours"),
        "{err}"
    );
    let err = db.fails(&["--config", "/nonexistent/casebook.toml", "list"]);
    assert!(
        err.contains("cannot read the config file /nonexistent/casebook.toml"),
        "{err}"
    );
}

/// A case's `created` event (the case and its touches as logged) is kept
/// packed when large: a BLOB a third of its text or less. `history` and
/// `export` read it back as the JSON it was, and deleting then restoring
/// the case (whose deleted value stays text for `restore` to find by ref)
/// gives the same case back.
#[test]
fn a_large_event_is_kept_packed_and_reads_back_as_it_was() {
    let db = Db::new();
    let touches: Vec<String> = (1..=9)
        .map(|i| {
            format!(
                r#"{{"at":"2024-01-0{i}T10:00:00Z","channel":"phone","from":"customer","outcome":"no_answer","note":"called again, number {i}, no answer"}}"#
            )
        })
        .collect();
    let line = format!(
        r#"{{"ref":"big-1","title":"Refund never came","vendor":"Acme","opened_at":"2024-01-01T09:00:00Z","touchpoints":[{}]}}"#,
        touches.join(",")
    );
    let f = db.file_arg("one.jsonl", &format!("{line}\n"));
    assert!(db.run(&["import", &f]).contains("1 new"));

    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let (kind, packed): (String, Vec<u8>) = conn
        .query_row(
            "SELECT kind, new_value FROM events WHERE kind = 'created'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    drop(conn);
    assert_eq!(kind, "created");

    let history = db.json(&["history", "big-1", "--json"]);
    let created = &history[0];
    assert_eq!(created["kind"], "created");
    assert_eq!(created["new"]["title"], "Refund never came");
    let logged = created["new"]["touchpoints"].as_array().unwrap();
    assert_eq!(logged.len(), 9);
    assert_eq!(logged[8]["note"], "called again, number 9, no answer");
    let text = created["new"].to_string();
    assert!(
        packed.len() * 3 <= text.len(),
        "{} bytes packed for {} of text",
        packed.len(),
        text.len()
    );

    let exported = db.run(&["export", "--format", "jsonl"]);
    let case: serde_json::Value = serde_json::from_str(exported.trim()).unwrap();
    assert_eq!(case["events"][0]["new"], created["new"]);

    db.run(&["delete", "big-1"]);
    db.run(&["restore", "big-1"]);
    let back = db.json(&["show", "big-1", "--json"]);
    assert_eq!(back["touchpoints"].as_array().unwrap().len(), 9);
    assert_eq!(back["title"], "Refund never came");
}
