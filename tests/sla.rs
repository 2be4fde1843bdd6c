//! Service levels end to end through the real binary: the support lead's
//! morning of issue 9. Every figure below is worked by hand in the comments.
//!
//! Calendar "NY": America/New_York, mon–fri 09:00–17:00. Policy
//! "comcast-urgent": Comcast's urgent cases, 4 business hours to a first
//! response, 24 to resolution. Now: Monday 2024-03-11 14:00Z = 10:00 EDT
//! (New York moved its clocks on Sunday 03-10).

#![allow(clippy::unwrap_used)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::PathBuf;
use tempfile::TempDir;

const NOW: &str = "2024-03-11T14:00:00Z";

struct Db {
    _dir: TempDir,
    path: PathBuf,
}

impl Db {
    fn new() -> Db {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("sla.sqlite3");
        Db { _dir: dir, path }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::cargo_bin("casebook").unwrap();
        c.env("TZ", "UTC")
            .env_remove("CASEBOOK_NOW")
            .env_remove("CASEBOOK_DB")
            .arg("--db")
            .arg(&self.path)
            .args(["--as-of", NOW])
            .args(args);
        c
    }

    fn run(&self, args: &[&str]) -> String {
        let out = self.cmd(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.run(args)).unwrap()
    }

    fn add(&self, title: &str, priority: &str, opened: &str) {
        self.run(&[
            "add",
            "--vendor",
            "Comcast",
            "--title",
            title,
            "--priority",
            priority,
            "--opened",
            opened,
        ]);
    }

    fn touch(&self, case: &str, at: &str, from: &str, channel: &str, outcome: &str) {
        self.run(&[
            "touch",
            case,
            "--at",
            at,
            "--from",
            from,
            "--channel",
            channel,
            "--outcome",
            outcome,
        ]);
    }

    fn ids(&self, args: &[&str]) -> Vec<i64> {
        let mut all = vec!["list", "--json"];
        all.extend_from_slice(args);
        self.json(&all)
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect()
    }
}

fn morning() -> Db {
    let db = Db::new();
    // 1 A: opened Fri 15:00 EST, untouched.
    db.add("A", "urgent", "2024-03-08T20:00:00Z");
    // 2 B: opened Thu 09:00 EST, untouched.
    db.add("B", "urgent", "2024-03-07T14:00:00Z");
    // 3 C: opened Mon 09:30 EDT; the customer emails, the vendor calls back at
    // 09:45 asking for information (the ball goes to the customer).
    db.add("C", "urgent", "2024-03-11T13:30:00Z");
    db.touch("3", "2024-03-11T13:30:00Z", "customer", "email", "sent");
    db.touch(
        "3",
        "2024-03-11T13:45:00Z",
        "vendor",
        "phone",
        "info_request",
    );
    // 4 D: opened Mon 08:00 EDT, before the desk opens.
    db.add("D", "urgent", "2024-03-11T12:00:00Z");
    // 5 E: opened Fri 14:30 EST, untouched.
    db.add("E", "urgent", "2024-03-08T19:30:00Z");
    // 6 F: a normal-priority case: no policy applies.
    db.add("F", "normal", "2024-03-08T19:30:00Z");
    // 7 G: opened Fri 09:00 EST, fixed by phone at 11:00 EST.
    db.add("G", "urgent", "2024-03-08T14:00:00Z");
    db.touch("7", "2024-03-08T16:00:00Z", "vendor", "phone", "resolved");
    db.run(&[
        "resolve",
        "7",
        "--outcome",
        "repair",
        "--at",
        "2024-03-08T16:00:00Z",
    ]);
    db.run(&[
        "sla",
        "calendar",
        "add",
        "NY",
        "--tz",
        "America/New_York",
        "--hours",
        "mon-fri 09:00-17:00",
        "--holiday",
        "2024-07-04",
    ]);
    db.run(&[
        "sla",
        "policy",
        "add",
        "comcast-urgent",
        "--vendor",
        "comcast",
        "--priority",
        "urgent",
        "--calendar",
        "NY",
        "--first-response",
        "4",
        "--resolution",
        "24",
    ]);
    db
}

fn target(v: &Value) -> (f64, f64, f64, String, Value) {
    (
        v["target_hours"].as_f64().unwrap(),
        v["used_hours"].as_f64().unwrap(),
        v["left_hours"].as_f64().unwrap(),
        v["state"].as_str().unwrap().to_string(),
        v["due_at"].clone(),
    )
}

fn due(s: &str) -> Value {
    Value::String(s.into())
}

#[test]
fn show_gives_each_open_case_its_figures() {
    let db = morning();
    let sla = |id: &str| db.json(&["show", id, "--json"])["sla"].clone();

    // A: Friday 15:00–17:00 (2 h) + Monday 09:00–10:00 (1 h) = 3 h of 4: due
    // Monday 11:00 EDT (15:00Z). Resolution: 3 h of 24, 21 h more: Monday
    // 10:00–17:00 (7), Tuesday (8), Wednesday 09:00–15:00 (6) → 19:00Z.
    let a = sla("1");
    assert_eq!(a["policy"], "comcast-urgent");
    assert_eq!(
        target(&a["first_response"]),
        (4.0, 3.0, 1.0, "running".into(), due("2024-03-11T15:00:00Z"))
    );
    assert_eq!(
        target(&a["resolution"]),
        (
            24.0,
            3.0,
            21.0,
            "running".into(),
            due("2024-03-13T19:00:00Z")
        )
    );

    // B: Thursday 8 h + Friday 8 h + Monday 1 h = 17 h. First response fell
    // due Thursday 13:00 EST (18:00Z); resolution has 7 h left (not under 6):
    // Monday 10:00 + 7 h = 17:00 EDT (21:00Z).
    let b = sla("2");
    assert_eq!(
        target(&b["first_response"]),
        (
            4.0,
            17.0,
            -13.0,
            "breached".into(),
            due("2024-03-07T18:00:00Z")
        )
    );
    assert_eq!(
        target(&b["resolution"]),
        (
            24.0,
            17.0,
            7.0,
            "running".into(),
            due("2024-03-11T21:00:00Z")
        )
    );

    // C: answered after 15 min; the resolution clock ran 09:30–09:45 and is
    // paused since (the ball is with the customer): no due time.
    let c = sla("3");
    assert_eq!(
        target(&c["first_response"]),
        (4.0, 0.25, 3.75, "met".into(), Value::Null)
    );
    assert_eq!(
        target(&c["resolution"]),
        (24.0, 0.25, 23.75, "running".into(), Value::Null)
    );

    // E: Friday 14:30–17:00 (2.5 h) + Monday 1 h = 3.5 h: 0.5 h left, under
    // a quarter of 4 h: at risk, due 10:30 EDT (14:30Z).
    let e = sla("5");
    assert_eq!(
        target(&e["first_response"]),
        (4.0, 3.5, 0.5, "at_risk".into(), due("2024-03-11T14:30:00Z"))
    );

    // F: no policy for a normal-priority case. G: resolved in 2 h, both met.
    assert_eq!(sla("6"), Value::Null);
    let g = sla("7");
    assert_eq!(
        target(&g["resolution"]),
        (24.0, 2.0, 22.0, "met".into(), Value::Null)
    );

    // The human show says it in words.
    let words = db.run(&["show", "3"]);
    assert!(
        words.contains("policy                  comcast-urgent"),
        "{words}"
    );
    assert!(
        words.contains("first response          met (0.25 h of 4 h)"),
        "{words}"
    );
    assert!(words.contains("23.75 h left of 24 h (paused"), "{words}");
}

#[test]
fn cases_in_order_of_time_left_and_sla_filters() {
    let db = morning();
    // Breached B (due Thursday), then E (14:30Z), A (15:00Z), D (first
    // response 09:00–13:00 EDT, 17:00Z), then C paused (23.75 h left), G met,
    // and F without a policy.
    assert_eq!(db.ids(&["--sort", "sla"]), [2, 5, 1, 4, 3, 7, 6]);
    assert_eq!(db.ids(&["sla:breached"]), [2]);
    assert_eq!(db.ids(&["sla:at_risk"]), [5]);
    assert_eq!(db.ids(&["sla:met", "--sort", "id"]), [7]);
    assert_eq!(db.ids(&["sla:running", "--sort", "id"]), [1, 3, 4]);
    assert_eq!(
        db.ids(&["!sla:running", "sla:breached,at_risk,met", "--sort", "id"]),
        [2, 5, 7]
    );
    let table = db.run(&["list", "--sort", "sla"]);
    assert!(table.contains("breached 3d 20h"), "{table}");
    assert!(table.contains("at risk 30m"), "{table}");
    assert!(table.contains("paused 23h 45m"), "{table}");

    // An hour and a half later A and E have breached too: the clock alone
    // moved them (their next change came due), nothing was logged.
    let later = db
        .cmd(&[
            "list",
            "--json",
            "sla:breached",
            "--sort",
            "sla",
            "--as-of",
            "2024-03-11T15:30:00Z",
        ])
        .output()
        .unwrap();
    let rows: Value = serde_json::from_slice(&later.stdout).unwrap();
    let ids: Vec<i64> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [2, 5, 1]);
}

#[test]
fn report_groups_carry_service_levels() {
    let db = morning();
    let report = db.json(&["report", "--by", "vendor", "--json"]);
    let comcast = &report["groups"][0];
    assert_eq!(comcast["key"], "Comcast");
    // Six cases under a policy; first responses decided: B breached, C and G
    // met (2 of 3); resolutions decided: G met (1 of 1); one open case breached.
    assert_eq!(
        comcast["sla"],
        serde_json::json!({"cases": 6, "first_response_met_rate": 0.6667,
                           "resolution_met_rate": 1.0, "breached_open": 1})
    );
    // The same figures follow the friction score in the CSV's rows, and get
    // a table of their own in the human report.
    let csv = db.run(&["report", "--by", "vendor", "--csv"]);
    let mut lines = csv.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let comcast: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = |name: &str| comcast[head.iter().position(|h| *h == name).unwrap()];
    assert_eq!(comcast[0], "Comcast", "{csv}");
    assert_eq!(
        [
            "sla_cases",
            "sla_first_response_met_rate",
            "sla_resolution_met_rate",
            "sla_breached_open"
        ]
        .map(at),
        ["6", "0.6667", "1", "1"],
        "{csv}"
    );
    let table = db.run(&["report", "--by", "vendor"]);
    let row = table
        .lines()
        .skip_while(|l| !l.starts_with("service levels"))
        .find(|l| l.starts_with("Comcast"))
        .unwrap_or_else(|| panic!("{table}"));
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cells, ["Comcast", "6", "67%", "100%", "1"], "{table}");
}

#[test]
fn policies_and_calendars_are_listed_checked_and_removed() {
    let db = morning();
    let list = db.json(&["sla", "list", "--json"]);
    assert_eq!(list["at_risk_share"], 0.25);
    assert_eq!(list["policies"][0]["vendor"], "Comcast");
    assert_eq!(list["policies"][0]["calendar"], "NY");
    // A calendar in use cannot go; a bad zone or bad hours are refused with the reason.
    let out = db
        .cmd(&["sla", "calendar", "remove", "NY"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("comcast-urgent"));
    let out = db
        .cmd(&[
            "sla",
            "calendar",
            "add",
            "X",
            "--tz",
            "Mars/Base",
            "--hours",
            "mon 09:00-17:00",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown time zone 'Mars/Base'"));
    let out = db
        .cmd(&[
            "sla",
            "calendar",
            "add",
            "X",
            "--tz",
            "UTC",
            "--hours",
            "mon 17:00-09:00",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad hours"));
    // With a share of 0.5, A (1 h left of 4) is at risk too.
    db.run(&["sla", "at-risk", "0.5"]);
    assert_eq!(db.ids(&["sla:at_risk", "--sort", "id"]), [1, 5]);
    // Without the policy no case has a service level.
    db.run(&["sla", "remove", "comcast-urgent"]);
    assert_eq!(db.json(&["show", "1", "--json"])["sla"], Value::Null);
    assert_eq!(db.ids(&["sla:breached"]), Vec::<i64>::new());
    db.run(&["sla", "calendar", "remove", "NY"]);
    let cals = db.json(&["sla", "calendar", "list", "--json"]);
    assert_eq!(cals.as_array().unwrap().len(), 1);
    assert_eq!(cals[0]["name"], "24x7");
    assert!(db.run(&["check"]).contains("ok"));
}

/// The store caches its SLA setup between writes: a policy that another
/// process adds or removes must reach the next case this one writes.
#[test]
fn a_policy_changed_by_another_process_reaches_the_next_write() {
    use casebook::domain::query::Query;
    use casebook::domain::sla::{Calendar, Policy};
    use casebook::domain::{Case, Priority};
    use casebook::store::{query::SortKey, Store};
    use chrono::{DateTime, Utc};

    let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    let now = at(NOW);
    let db = Db::new();
    let urgent = |title: &str, opened: &str| {
        let mut c = Case::new(title, "Comcast", at(opened));
        c.priority = Priority::Urgent;
        c
    };
    let states = |store: &Store| -> Vec<(i64, Option<String>)> {
        let q = Query::parse("").unwrap();
        store
            .case_page(&q, SortKey::Id, false, 0, 10, now)
            .unwrap()
            .into_iter()
            .map(|r| (r.id, r.sla_state))
            .collect()
    };
    // The app writes a case while there is no policy (and keeps that).
    let mut app = Store::open(&db.path).unwrap();
    app.create_case(urgent("A", "2024-03-08T20:00:00Z"), vec![], now)
        .unwrap();
    // The command line adds the calendar and the policy.
    let mut cli = Store::open(&db.path).unwrap();
    let ny = Calendar::new(
        "NY",
        "America/New_York",
        &["mon-fri 09:00-17:00".to_string()],
        Default::default(),
    )
    .unwrap();
    cli.put_sla_calendar(&ny, now).unwrap();
    let policy = Policy {
        name: "comcast-urgent".into(),
        vendor: Some("Comcast".into()),
        priority: Some(Priority::Urgent),
        calendar: "NY".into(),
        first_response_hours: 4.0,
        resolution_hours: 24.0,
    };
    cli.put_sla_policy(&policy, now).unwrap();
    // B, opened Thursday 09:00 EST, missed its first response that day.
    app.create_case(urgent("B", "2024-03-07T14:00:00Z"), vec![], now)
        .unwrap();
    assert_eq!(
        states(&app),
        [(1, Some("running".into())), (2, Some("breached".into()))]
    );
    // The policy goes: the next case the app writes has none.
    cli.remove_sla_policy("comcast-urgent", now).unwrap();
    app.create_case(urgent("C", "2024-03-07T14:00:00Z"), vec![], now)
        .unwrap();
    assert_eq!(states(&app), [(1, None), (2, None), (3, None)]);
}

#[test]
fn a_policy_for_a_vendor_no_case_names_is_saved_with_a_warning_naming_the_close_ones() {
    let db = morning();
    let out = db
        .cmd(&[
            "sla",
            "policy",
            "add",
            "typo",
            "--vendor",
            "Comcats",
            "--calendar",
            "24x7",
            "--first-response",
            "4",
            "--resolution",
            "10",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("warning: no vendor is named 'Comcats' yet (close: Comcast)"),
        "{err}"
    );
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("policy typo saved"));
    // A vendor the file knows: no warning.
    let out = db
        .cmd(&[
            "sla",
            "policy",
            "add",
            "known",
            "--vendor",
            "comcast",
            "--calendar",
            "24x7",
            "--first-response",
            "4",
            "--resolution",
            "10",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8(out.stderr).unwrap().contains("warning"));
}
