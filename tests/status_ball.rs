//! Ball in court, the status's last word (issue 20): after the last touch of
//! a case that is not resolved, `waiting_customer` puts the ball with the
//! customer and `waiting_vendor`/`escalated` with the vendor, in every
//! figure: waits, channel map, the service-level clock, flags, next action
//! and the report. Through the real binary, with the machine's clock set to
//! NOW so that the report reads the figures the store keeps.
//!
//! Every case opens at 2024-03-01 00:00Z; NOW is 99 h later.

#![allow(clippy::unwrap_used)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::PathBuf;
use tempfile::TempDir;

const NOW: &str = "2024-03-05T03:00:00Z";
const OPENED: &str = "2024-03-01T00:00:00Z";

struct Db {
    _dir: TempDir,
    path: PathBuf,
}

impl Db {
    fn new() -> Db {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("ball.sqlite3");
        Db { _dir: dir, path }
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::cargo_bin("casebook")
            .unwrap()
            .env("TZ", "UTC")
            .env("CASEBOOK_CLOCK", NOW)
            .env_remove("CASEBOOK_NOW")
            .env_remove("CASEBOOK_DB")
            .arg("--db")
            .arg(&self.path)
            .args(args)
            .output()
            .unwrap();
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

    fn add(&self, vendor: &str, title: &str) {
        self.run(&[
            "add", "--vendor", vendor, "--title", title, "--opened", OPENED,
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
}

/// 1 (Acme): the customer emails at 01:00, the vendor answers at 03:00
/// (`info_given`: by the touch's rule the ball goes back to the vendor), and
/// the case is set to `waiting_customer` at 04:00.
/// 2 (Acme): no touch, set to `waiting_customer` at 00:30.
/// 3 (Beta): the vendor asks for information at 01:00 (the customer's ball by
/// the touch's rule), and the case is set to `waiting_vendor` at 02:00.
/// Acme's cases are under a 24x7 policy: first response 4 h, resolution 48 h.
fn cases() -> Db {
    let db = Db::new();
    db.add("Acme", "Parcel never arrived");
    db.touch("1", "2024-03-01T01:00:00Z", "customer", "email", "sent");
    db.touch("1", "2024-03-01T03:00:00Z", "vendor", "email", "info_given");
    db.run(&[
        "status",
        "1",
        "waiting_customer",
        "--at",
        "2024-03-01T04:00:00Z",
    ]);
    db.add("Acme", "No touch yet");
    db.run(&[
        "status",
        "2",
        "waiting_customer",
        "--at",
        "2024-03-01T00:30:00Z",
    ]);
    db.add("Beta", "Router drops");
    db.touch(
        "3",
        "2024-03-01T01:00:00Z",
        "vendor",
        "phone",
        "info_request",
    );
    db.run(&[
        "status",
        "3",
        "waiting_vendor",
        "--at",
        "2024-03-01T02:00:00Z",
    ]);
    db.run(&[
        "sla",
        "policy",
        "add",
        "acme",
        "--vendor",
        "Acme",
        "--calendar",
        "24x7",
        "--first-response",
        "4",
        "--resolution",
        "48",
    ]);
    db
}

#[test]
fn waiting_customer_pauses_the_vendor_wait_the_clock_and_the_follow_up() {
    let db = cases();
    let show = db.json(&["show", "1", "--json"]);
    let m = &show["measures"];
    // Vendor: 01:00 → 03:00. Customer: 03:00 → NOW (96 h), though the last
    // touch alone would have put it with the vendor.
    assert_eq!(m["vendor_wait_hours"], 2.0);
    assert_eq!(m["customer_wait_hours"], 96.0);
    let stages: Vec<(&str, f64)> = show["channel_map"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["waiting_on"].as_str().unwrap(),
                s["hours"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(stages, vec![("vendor", 2.0), ("customer", 96.0)]);
    // Resolution: 1 h before the first touch, 2 h with the vendor, then
    // paused: 3 h used of 48, no due time while paused.
    let r = &show["sla"]["resolution"];
    assert_eq!(r["used_hours"], 3.0);
    assert_eq!(r["left_hours"], 45.0);
    assert_eq!(r["state"], "running");
    assert_eq!(r["due_at"], Value::Null);
    // 96 h with the customer, over the 72 h of nudge_customer; no slow
    // response (the vendor's one stretch was 2 h).
    assert_eq!(show["next_action"]["id"], "nudge_customer");
    assert_eq!(show["next_action"]["evidence"], serde_json::json!([2]));
    assert_eq!(show["flags"], serde_json::json!([]));
    let list = db.json(&["list", "parcel", "--json"]);
    let row = &list[0];
    assert_eq!(row["id"], 1);
    assert_eq!(row["next_action"], "nudge_customer");
    assert_eq!(row["flags"], serde_json::json!([]));
    assert_eq!(row["sla_state"], "running");
    assert_eq!(row["sla_due_at"], Value::Null);
}

#[test]
fn waiting_customer_without_touches_stops_the_resolution_clock_from_the_opening() {
    let db = cases();
    let show = db.json(&["show", "2", "--json"]);
    // No touch: the time is nobody's wait, and the resolution clock (which
    // runs before a first touch because the vendor owes an answer) does not
    // run while the status gives the customer the ball.
    assert_eq!(show["measures"]["vendor_wait_hours"], 0.0);
    assert_eq!(show["measures"]["customer_wait_hours"], 0.0);
    let r = &show["sla"]["resolution"];
    assert_eq!(r["used_hours"], 0.0);
    assert_eq!(r["state"], "running");
    assert_eq!(r["due_at"], Value::Null);
    // The first response is still owed: no touch carries an answer.
    assert_eq!(show["sla"]["first_response"]["state"], "breached");
}

#[test]
fn waiting_vendor_gives_the_vendor_the_ball_after_a_request_for_information() {
    let db = cases();
    let show = db.json(&["show", "3", "--json"]);
    // 01:00 → NOW: 98 h on the vendor, none on the customer.
    assert_eq!(show["measures"]["vendor_wait_hours"], 98.0);
    assert_eq!(show["measures"]["customer_wait_hours"], 0.0);
    let flags: Vec<&str> = show["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["pattern"].as_str().unwrap())
        .collect();
    assert_eq!(flags, vec!["slow_response"]);
    assert_eq!(show["flags"][0]["evidence"], serde_json::json!([3]));
    assert_eq!(show["next_action"]["id"], "follow_up");
}

#[test]
fn the_report_follows_the_status() {
    let db = cases();
    let report = db.json(&["report", "--by", "vendor", "--json"]);
    let group = |key: &str| {
        report["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["key"] == key)
            .unwrap()
            .clone()
    };
    let acme = group("Acme");
    assert_eq!(acme["vendor_wait_hours"], 2.0);
    assert_eq!(acme["customer_wait_hours"], 96.0);
    let beta = group("Beta");
    assert_eq!(beta["vendor_wait_hours"], 98.0);
    assert_eq!(beta["customer_wait_hours"], 0.0);
    // Back to open: the touch's rule again (info_given: the vendor's ball).
    db.run(&["status", "1", "open", "--at", "2024-03-01T05:00:00Z"]);
    let show = db.json(&["show", "1", "--json"]);
    assert_eq!(show["measures"]["vendor_wait_hours"], 98.0);
    assert_eq!(show["measures"]["customer_wait_hours"], 0.0);
    let report = db.json(&["report", "--by", "vendor", "--json"]);
    let acme = &report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == "Acme")
        .unwrap()
        .clone();
    assert_eq!(acme["vendor_wait_hours"], 98.0);
    assert_eq!(acme["customer_wait_hours"], 0.0);
}
