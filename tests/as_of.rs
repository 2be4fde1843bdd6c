#![allow(clippy::unwrap_used)]
//! `--as-of T` shows what had happened by T (the spec's "Point in time"),
//! writes nothing, and no impossible time gets in on any path: the tryout
//! scenarios of issue 17, each a test.

mod common;

use common::{casebook_at, stderr_of, stdout_of};
use serde_json::Value;
use std::path::Path;

const NOW: &str = "2026-11-23T00:00:00Z";

fn run(db: &Path, now: &str, args: &[&str]) -> String {
    stdout_of(casebook_at(db, now).args(args))
}

fn fails(db: &Path, now: &str, args: &[&str]) -> String {
    stderr_of(casebook_at(db, now).args(args))
}

fn json(db: &Path, now: &str, args: &[&str]) -> Value {
    serde_json::from_str(&run(db, now, args)).unwrap()
}

fn demo(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("demo.sqlite3");
    run(&db, NOW, &["demo"]);
    db
}

/// Every number in a JSON document, with where it is.
fn numbers(v: &Value, path: String, out: &mut Vec<(String, f64)>) {
    match v {
        Value::Number(n) => out.push((path, n.as_f64().unwrap_or(0.0))),
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                numbers(x, format!("{path}[{i}]"), out);
            }
        }
        Value::Object(o) => {
            for (k, x) in o {
                numbers(x, format!("{path}.{k}"), out);
            }
        }
        _ => {}
    }
}

/// No duration (nor count) is negative; friction scores and margins may be.
fn no_negative_duration(v: &Value, what: &str) {
    let mut all = Vec::new();
    numbers(v, String::new(), &mut all);
    for (path, x) in all {
        let signed = ["friction_score", "margin", "left_hours", "low", "high"]
            .iter()
            .any(|k| path.contains(k));
        assert!(signed || x >= 0.0, "{what}: {path} = {x}");
    }
}

#[test]
fn a_case_opened_later_does_not_exist_and_nothing_is_negative() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let t = "2026-11-01T00:00:00Z";
    let listed = json(&db, t, &["list", "status:open", "--json"]);
    let rows = listed.as_array().unwrap();
    assert!(!rows.is_empty());
    for r in rows {
        let opened = r["opened_at"].as_str().unwrap();
        assert!(opened <= t, "{r}");
    }
    no_negative_duration(&listed, "list");
    // Some cases of the demo's background were opened after the 1st.
    let all_now = json(&db, NOW, &["list", "--json"])
        .as_array()
        .unwrap()
        .len();
    let all_then = json(&db, t, &["list", "--json"]).as_array().unwrap().len();
    assert!(all_then < all_now, "{all_then} then, {all_now} now");
    // Before any case: nothing at all.
    let r = json(&db, "2018-01-01", &["report", "--by", "vendor", "--json"]);
    assert_eq!(r["overall"]["cases"], 0, "{r}");
    assert_eq!(r["groups"].as_array().unwrap().len(), 0);
    for by in ["vendor", "channel", "category", "party", "stage"] {
        let r = json(&db, t, &["report", "--by", by, "--json"]);
        no_negative_duration(&r, by);
    }
    no_negative_duration(&json(&db, t, &["flags", "--json"]), "flags");
}

#[test]
fn a_case_resolved_later_is_open_at_the_moment_with_its_status_then() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.sqlite3");
    let at = |s: &str| format!("2026-03-02T{s}:00Z");
    run(
        &db,
        &at("09:00"),
        &[
            "add",
            "--vendor",
            "Acme",
            "--title",
            "t",
            "--opened",
            &at("09:00"),
        ],
    );
    run(&db, &at("10:00"), &["status", "1", "waiting_customer"]);
    run(
        &db,
        &at("12:00"),
        &["resolve", "1", "--outcome", "credit", "--refund", "5"],
    );
    let then = json(&db, &at("11:00"), &["show", "1", "--json"]);
    assert_eq!(then["status"], "waiting_customer", "{then}");
    assert!(then.get("resolved_at").is_none(), "{then}");
    assert!(then.get("outcome").is_none(), "{then}");
    assert!(then["measures"]["ttr_hours"].is_null());
    assert_eq!(then["measures"]["age_hours"], 2.0);
    let before = json(&db, &at("09:30"), &["show", "1", "--json"]);
    assert_eq!(before["status"], "open");
    let after = json(&db, &at("13:00"), &["show", "1", "--json"]);
    assert_eq!(after["status"], "resolved");
    assert_eq!(after["measures"]["ttr_hours"], 3.0);
    // The list agrees with show.
    let listed = json(&db, &at("11:00"), &["list", "--json"]);
    assert_eq!(listed[0]["status"], "waiting_customer", "{listed}");
    // So does the report: one open case then, one resolved after.
    let r = json(&db, &at("11:00"), &["report", "--json"]);
    assert_eq!(
        (
            r["overall"]["open"].clone(),
            r["overall"]["resolved"].clone()
        ),
        (1.into(), 0.into())
    );
    let r = json(&db, &at("13:00"), &["report", "--json"]);
    assert_eq!(r["overall"]["resolved"], 1);
}

/// The file's bytes, its write-ahead log's and its `writes` count.
fn file_state(db: &Path) -> (Vec<u8>, Option<Vec<u8>>, String) {
    let wal = std::fs::read(db.with_extension("sqlite3-wal")).ok();
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let writes: String = conn
        .query_row("SELECT value FROM meta WHERE key = 'writes'", [], |r| {
            r.get(0)
        })
        .unwrap_or_default();
    drop(conn);
    (std::fs::read(db).unwrap(), wal, writes)
}

#[test]
fn an_earlier_clock_is_a_view_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    // The file's newest clock: a look at NOW brings everything up to it.
    run(&db, NOW, &["list", "--limit", "1"]);
    run(&db, NOW, &["check"]);
    let before = file_state(&db);
    for t in [
        "2026-10-01",
        "2026-11-22T12:00:00Z",
        "2020-06-03",
        "2030-01-01",
    ] {
        for args in [
            &["list", "--json"][..],
            &["report", "--by", "channel", "--json"],
            &["flags", "--json"],
            &["next", "--json"],
            &["show", "demo-cable", "--json"],
            &["history", "demo-cable"],
            &["export"],
        ] {
            run(&db, t, args);
        }
    }
    assert!(before == file_state(&db), "an --as-of wrote to the file");
}

#[test]
fn impossible_times_are_refused_on_every_path() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.sqlite3");
    run(
        &db,
        NOW,
        &[
            "add",
            "--vendor",
            "Acme",
            "--title",
            "t",
            "--opened",
            "2026-11-20 09:00",
            "--channel",
            "email",
        ],
    );
    // JSON: a touch before its case opened; a case opened in 2099.
    let early = dir.path().join("early.json");
    std::fs::write(
        &early,
        r#"{"casebook": 1, "cases": [{"ref": "e1", "title": "t", "vendor": "Acme",
            "opened_at": "2026-11-10T09:00:00Z",
            "touchpoints": [{"at": "2026-11-09T09:00:00Z", "channel": "email", "from": "customer", "outcome": "sent"}]}]}"#,
    )
    .unwrap();
    let err = fails(&db, NOW, &["import", early.to_str().unwrap()]);
    assert!(
        err.contains("before the case was opened (2026-11-10 09:00)"),
        "{err}"
    );
    assert!(err.contains("case e1"), "{err}");
    let typo = dir.path().join("typo.jsonl");
    std::fs::write(
        &typo,
        r#"{"ref": "f1", "title": "t", "vendor": "Acme", "opened_at": "2099-11-10T09:00:00Z"}"#,
    )
    .unwrap();
    let err = fails(&db, NOW, &["import", typo.to_str().unwrap()]);
    assert!(err.contains("more than a day ahead"), "{err}");
    assert!(err.contains("case f1"), "{err}");
    run(&db, NOW, &["--future", "import", typo.to_str().unwrap()]);
    // CSV: the same rule (closed before created).
    let csv = dir.path().join("t.csv");
    std::fs::write(
        &csv,
        "ref,title,vendor,opened_at,resolved_at\nc1,t,Acme,2026-11-10 09:00,2026-11-09 09:00\n",
    )
    .unwrap();
    let err = fails(
        &db,
        NOW,
        &[
            "import",
            csv.to_str().unwrap(),
            "--map",
            "ref=ref",
            "--map",
            "title=title",
            "--map",
            "vendor=vendor",
            "--map",
            "opened_at=opened_at",
            "--map",
            "resolved_at=resolved_at",
        ],
    );
    assert!(err.contains("before the case was opened"), "{err}");
    // Case 1, and f1 (opened in 2099: not yet, as of NOW).
    assert_eq!(
        json(&db, NOW, &["list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        json(&db, "2099-12-01", &["list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // An opening moved after the case's touches, as the case form would.
    run(
        &db,
        NOW,
        &[
            "touch",
            "1",
            "--channel",
            "email",
            "--from",
            "vendor",
            "--outcome",
            "info_given",
            "--at",
            "2026-11-20 10:00",
        ],
    );
    let err = fails(&db, NOW, &["edit", "1", "--opened", "2026-11-21 09:00"]);
    assert!(
        err.contains("before the case was opened (2026-11-21 09:00)"),
        "{err}"
    );
    // A resolution before the opening is refused; one before the vendor's
    // answer is a case resolved without it, and is allowed.
    let err = fails(
        &db,
        NOW,
        &["resolve", "1", "--outcome", "none", "--at", "2026-11-19"],
    );
    assert!(
        err.contains("before the case was opened (2026-11-20 09:00)"),
        "{err}"
    );
    run(
        &db,
        NOW,
        &[
            "resolve",
            "1",
            "--outcome",
            "self_resolved",
            "--at",
            "2026-11-20 09:30",
        ],
    );
    let shown = json(&db, NOW, &["show", "1", "--json"]);
    assert_eq!(shown["measures"]["ttr_hours"], 0.5);
    assert_eq!(shown["measures"]["ttfr_hours"], 1.0);
    assert_eq!(shown["measures"]["vendor_wait_hours"], 0.5);
    // Before 1970.
    let err = fails(
        &db,
        NOW,
        &[
            "add",
            "--vendor",
            "Acme",
            "--title",
            "t",
            "--opened",
            "1969-07-20",
        ],
    );
    assert!(err.contains("before 1970"), "{err}");
}

#[test]
fn check_lists_the_impossible_times_a_file_holds_and_edit_fixes_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.sqlite3");
    run(
        &db,
        NOW,
        &[
            "add",
            "--vendor",
            "Acme",
            "--title",
            "t",
            "--opened",
            "2026-11-20 09:00",
            "--channel",
            "email",
        ],
    );
    run(
        &db,
        NOW,
        &[
            "touch",
            "1",
            "--channel",
            "phone",
            "--from",
            "vendor",
            "--outcome",
            "info_given",
            "--at",
            "2026-11-20 11:00",
        ],
    );
    // As a file written before the rule could hold it: the opening after a touch.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute(
        "UPDATE cases SET opened_at = opened_at + 5 * 3600000, next_change_at = 0",
        [],
    )
    .unwrap();
    drop(conn);
    let out = casebook_at(&db, NOW).arg("check").output().unwrap();
    assert!(!out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("before the case was opened (2026-11-20 14:00)")
            && text.contains("casebook edit 1 --opened 2026-11-20T09:00:00Z"),
        "{text}"
    );
    // No figure is negative meanwhile.
    no_negative_duration(&json(&db, NOW, &["show", "1", "--json"]), "show");
    for by in ["vendor", "channel", "category", "party", "stage"] {
        no_negative_duration(&json(&db, NOW, &["report", "--by", by, "--json"]), by);
    }
    no_negative_duration(&json(&db, NOW, &["list", "--json"]), "list");
    // The fix, through events as every change is.
    run(&db, NOW, &["edit", "1", "--opened", "2026-11-20T09:00:00Z"]);
    assert!(run(&db, NOW, &["check"]).starts_with("ok:"));
    assert!(run(&db, NOW, &["history", "1"]).contains("opened_at"));
}

fn sla_case(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("sla.sqlite3");
    let at = |s: &str| format!("2026-03-02T{s}:00Z");
    run(
        &db,
        &at("09:00"),
        &[
            "add",
            "--vendor",
            "Acme",
            "--title",
            "t",
            "--opened",
            &at("09:00"),
        ],
    );
    run(
        &db,
        &at("09:00"),
        &[
            "sla",
            "policy",
            "add",
            "all",
            "--calendar",
            "24x7",
            "--first-response",
            "4",
            "--resolution",
            "24",
        ],
    );
    run(
        &db,
        &at("09:00"),
        &[
            "touch",
            "1",
            "--channel",
            "email",
            "--from",
            "customer",
            "--outcome",
            "sent",
            "--at",
            &at("09:00"),
        ],
    );
    run(
        &db,
        &at("10:00"),
        &[
            "touch",
            "1",
            "--channel",
            "email",
            "--from",
            "vendor",
            "--outcome",
            "info_given",
            "--at",
            &at("10:00"),
        ],
    );
    run(
        &db,
        &at("12:00"),
        &[
            "resolve",
            "1",
            "--outcome",
            "explained",
            "--at",
            &at("12:00"),
        ],
    );
    run(
        &db,
        &at("14:00"),
        &["status", "1", "open", "--at", &at("14:00")],
    );
    db
}

#[test]
fn a_reopened_case_s_clock_stays_paused_until_its_next_touch() {
    let dir = tempfile::tempdir().unwrap();
    let db = sla_case(dir.path());
    let shown = json(&db, "2026-03-02T18:00:00Z", &["show", "1", "--json"]);
    let r = &shown["sla"]["resolution"];
    assert_eq!(r["used_hours"], 3.0, "{shown}");
    assert!(r["due_at"].is_null(), "{r}");
    // The report's waits agree with the case's: nothing since 12:00.
    let r = json(&db, "2026-03-02T15:00:00Z", &["report", "--json"]);
    assert_eq!(r["overall"]["vendor_wait_hours"], 3.0, "{r}");
    let shown = json(&db, "2026-03-02T15:00:00Z", &["show", "1", "--json"]);
    assert_eq!(shown["measures"]["vendor_wait_hours"], 3.0, "{shown}");
    // The list says the same: paused, no due time.
    let listed = json(&db, "2026-03-02T18:00:00Z", &["list", "--json"]);
    assert!(listed[0]["sla_due_at"].is_null(), "{listed}");
    run(
        &db,
        "2026-03-02T16:00:00Z",
        &[
            "touch",
            "1",
            "--channel",
            "email",
            "--from",
            "customer",
            "--outcome",
            "sent",
            "--at",
            "2026-03-02T16:00:00Z",
        ],
    );
    let shown = json(&db, "2026-03-02T18:00:00Z", &["show", "1", "--json"]);
    let r = &shown["sla"]["resolution"];
    assert_eq!(r["used_hours"], 5.0, "{shown}");
    assert_eq!(r["due_at"], "2026-03-03T13:00:00Z", "{r}");
    // Waits follow the same clock: nothing from 12:00 to 16:00.
    assert_eq!(shown["measures"]["vendor_wait_hours"], 5.0, "{shown}");
}

#[test]
fn a_promise_due_now_gives_one_next_action_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.sqlite3");
    let at = |s: &str| format!("2026-03-02T{s}:00Z");
    run(
        &db,
        &at("09:00"),
        &[
            "add",
            "--vendor",
            "Acme",
            "--title",
            "t",
            "--opened",
            &at("09:00"),
        ],
    );
    run(
        &db,
        &at("09:00"),
        &[
            "touch",
            "1",
            "--channel",
            "phone",
            "--from",
            "customer",
            "--outcome",
            "promise",
            "--promise-due",
            &at("12:00"),
            "--at",
            &at("09:00"),
        ],
    );
    for t in [at("11:59"), at("12:00"), at("12:01")] {
        let shown = json(&db, &t, &["show", "1", "--json"])["next_action"]["id"].clone();
        let next = json(&db, &t, &["next", "--json"]);
        let listed = json(&db, &t, &["list", "--json"]);
        assert_eq!(next[0]["next_action"]["id"], shown, "next at {t}: {next}");
        assert_eq!(listed[0]["next_action"], shown, "list at {t}: {listed}");
    }
    // And the file's own stored data agrees at that instant (no --as-of).
    let out = casebook_at(&db, &at("12:00"))
        .arg("check")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn a_paused_breached_case_has_no_due_time_anywhere() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("b.sqlite3");
    let at = |s: &str| format!("2026-03-02T{s}:00Z");
    run(
        &db,
        &at("09:00"),
        &[
            "add",
            "--vendor",
            "Acme",
            "--title",
            "t",
            "--opened",
            &at("09:00"),
        ],
    );
    run(
        &db,
        &at("09:00"),
        &[
            "sla",
            "policy",
            "add",
            "p",
            "--calendar",
            "24x7",
            "--first-response",
            "1",
            "--resolution",
            "2",
        ],
    );
    run(
        &db,
        &at("09:00"),
        &[
            "touch",
            "1",
            "--channel",
            "email",
            "--from",
            "customer",
            "--outcome",
            "sent",
            "--at",
            &at("09:00"),
        ],
    );
    run(
        &db,
        &at("12:00"),
        &[
            "touch",
            "1",
            "--channel",
            "email",
            "--from",
            "vendor",
            "--outcome",
            "info_request",
            "--at",
            &at("12:00"),
        ],
    );
    let t = at("18:00");
    let shown = json(&db, &t, &["show", "1", "--json"]);
    assert_eq!(shown["sla"]["resolution"]["state"], "breached", "{shown}");
    assert!(shown["sla"]["resolution"]["due_at"].is_null(), "{shown}");
    let listed = json(&db, &t, &["list", "--json"]);
    assert_eq!(listed[0]["sla_state"], "breached", "{listed}");
    assert!(listed[0]["sla_due_at"].is_null(), "{listed}");
    let table = run(&db, &t, &["list"]);
    assert!(
        table.contains("breached") && !table.contains("breached 6h"),
        "{table}"
    );
    // Without --as-of the file's own stored row says the same.
    let live = casebook_at(&db, &t)
        .env_remove("CASEBOOK_NOW")
        .args(["list", "--json"])
        .output()
        .unwrap();
    let live: Value = serde_json::from_slice(&live.stdout).unwrap();
    assert!(live[0]["sla_due_at"].is_null(), "{live}");
}

/// The file's own stored next action changes at the instant a promise falls
/// due (to `wait`), as a fresh derivation at that instant says.
#[test]
fn the_stored_next_action_changes_the_instant_a_promise_falls_due() {
    use casebook::domain::{Case, Channel, StartedBy, TouchOutcome, Touchpoint};
    use casebook::store::Store;
    let at = |h: u32, m: u32| {
        chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 3, 2, h, m, 0).unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("p.sqlite3")).unwrap();
    let mut promise = Touchpoint::new(
        at(9, 0),
        Channel::new("phone").unwrap(),
        StartedBy::Customer,
        TouchOutcome::Promise,
    );
    promise.promise_due = Some(at(12, 0));
    store
        .create_case(Case::new("t", "Acme", at(9, 0)), vec![promise], at(9, 0))
        .unwrap();
    for now in [at(11, 59), at(12, 0), at(12, 1)] {
        store.refresh_due(now).unwrap();
        assert_eq!(
            store.derived_mismatches(now).unwrap(),
            Vec::<String>::new(),
            "at {now}"
        );
    }
}

/// A report of the past measured on two threads (two connections, half the
/// cases each) is the report measured on one.
#[test]
fn a_report_of_the_past_on_two_threads_is_the_report_on_one() {
    use casebook::store::report::{GroupBy, Window};
    use casebook::store::Store;
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let t: chrono::DateTime<chrono::Utc> = "2026-10-15T00:00:00Z".parse().unwrap();
    let window = Window {
        since: None,
        until: None,
    };
    for by in [GroupBy::Vendor, GroupBy::Channel, GroupBy::Party] {
        let report = |threads: usize| {
            let mut s = Store::open_existing(&db).unwrap();
            s.live_on_two_threads = threads;
            s.view_as_of(t, false).unwrap();
            serde_json::to_string(&s.report(by, window, t).unwrap()).unwrap()
        };
        assert_eq!(report(0), report(usize::MAX), "{}", by.as_str());
    }
}

/// The machine's clock a little behind the file's newest one (a teammate's
/// clock that runs slow): a command writes nothing and reads the file as of
/// its newest clock, at no cost.
#[test]
fn a_clock_a_little_behind_reads_as_of_the_newest_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let at_clock = |clock: &str, args: &[&str]| {
        let mut c = casebook_at(&db, NOW);
        c.env_remove("CASEBOOK_NOW").env("CASEBOOK_CLOCK", clock);
        stdout_of(c.args(args))
    };
    let ahead = at_clock("2026-11-25T12:00:00Z", &["list", "--json"]);
    let before = file_state(&db);
    let behind = at_clock("2026-11-25T11:00:00Z", &["list", "--json"]);
    assert!(
        before == file_state(&db),
        "a clock behind wrote to the file"
    );
    assert_eq!(ahead, behind);
    // Set back by more than a day (it was wrong), the file's clock follows once.
    let corrected = at_clock("2026-11-23T12:00:00Z", &["list", "--json"]);
    assert_ne!(corrected, ahead);
    let state = file_state(&db);
    at_clock("2026-11-23T12:00:00Z", &["list", "--json"]);
    assert!(state == file_state(&db), "the corrected clock wrote twice");
}

/// A touch logged at a clock before the case's own resolution (a clock set
/// back, a resolution logged ahead): the promise it made still breaks when
/// it falls due before the resolution, in the file's stored figures too.
#[test]
fn a_promise_due_before_a_later_logged_resolution_still_breaks() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.sqlite3");
    let at = |s: &str| format!("2026-03-0{s}:00Z");
    run(
        &db,
        &at("2T09:00"),
        &[
            "add",
            "--vendor",
            "Acme",
            "--title",
            "t",
            "--opened",
            &at("2T09:00"),
        ],
    );
    run(
        &db,
        &at("2T09:00"),
        &[
            "--future",
            "resolve",
            "1",
            "--outcome",
            "none",
            "--at",
            &at("5T09:00"),
        ],
    );
    run(
        &db,
        &at("2T10:00"),
        &[
            "touch",
            "1",
            "--channel",
            "email",
            "--from",
            "vendor",
            "--outcome",
            "promise",
            "--promise-due",
            &at("3T10:00"),
            "--at",
            &at("2T10:00"),
        ],
    );
    // Read by the file's own clock, later: the stored flags (list reads
    // them), brought up to date.
    let mut c = casebook_at(&db, NOW);
    c.env_remove("CASEBOOK_NOW")
        .env("CASEBOOK_CLOCK", "2026-03-06T00:00:00Z");
    let listed: Value = serde_json::from_str(&stdout_of(c.args(["list", "--json"]))).unwrap();
    assert_eq!(listed[0]["flags"][0], "broken_promise", "{listed}");
}

/// A view of the past says how many cases it is about to measure before it
/// measures them (the command line says so on stderr when they are many):
/// the number it then measured.
#[test]
fn a_view_of_the_past_says_how_many_cases_it_measures_before_it_starts() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let mut store = casebook::store::Store::open_existing(&db).unwrap();
    let t = chrono::DateTime::parse_from_rfc3339("2026-01-20T00:00:00Z")
        .unwrap()
        .to_utc();
    let mut told = None;
    let measured = store.view_as_of_told(t, true, |n| told = Some(n)).unwrap();
    assert!(measured > 0);
    assert_eq!(told, Some(measured));
}
