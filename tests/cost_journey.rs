//! Cost, journey stage, sales prevented and next action through the real
//! binary, on the demo stories, every figure worked by hand.

#![allow(clippy::unwrap_used)]

mod common;

use common::Db;
use serde_json::{json, Value};

/// The demo stories alone, with a config file of their own.
fn demo() -> Db {
    let db = Db::with_config();
    db.run(&["demo", "--stories-only"]);
    db
}

#[test]
fn the_missing_screw_costs_the_seller_the_marketplace_and_the_customer() {
    let db = demo();
    let shown = db.json(&["show", "demo-screw", "--json"]);
    // Vendor's answers: 4 emails × 4 min × 0.40 = 6.40, the escalation call
    // 25 × 1.00, Amazon's call back 10 × 1.00: 41.40. The customer: email 4,
    // call 25 + 12 on hold, claim 5 (default), and 300 minutes of his own: 346
    // minutes = 5.7667 h, at 25.00 an hour 144.17, plus 25.00 spent: 169.17.
    // Margin: 129.99 − 41.40 − 154.99 = −66.40; churned: 129.99 at risk.
    assert_eq!(
        shown["cost"],
        json!({"to_serve": "41.40", "customer_hours": 5.7667, "customer_all_in": "169.17",
               "refunds": "154.99", "margin": "-66.40", "revenue_at_risk": "129.99"})
    );
    assert_eq!(shown["stage"], "delivery");
    assert_eq!(shown["next_action"], Value::Null);
    // Each stage carries the cost of the touch that began it: the escalation call.
    let call = shown["channel_map"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["channel"] == "phone" && s["party"] == "Amazon" && s["cost"] == "25.00");
    assert!(call.is_some(), "{}", shown["channel_map"]);
    let text = db.run(&["show", "demo-screw"]);
    assert!(
        text.contains("sale 129.99 USD · service cost the vendor 41.40 · refunds 154.99 · margin -66.40 · the customer 169.17 and 5.8 h · 129.99 at risk (churned)"),
        "{text}"
    );
}

#[test]
fn configured_rates_change_the_figures() {
    let db = demo();
    db.config(
        "[cost]\ncustomer_hour = \"60.00\"\n[cost.minute]\nemail = \"1.00\"\nphone = \"2.00\"\n",
    );
    let cost = &db.json(&["show", "demo-screw", "--json"])["cost"];
    // 4 emails × 4 × 1.00 = 16.00; calls 35 × 2.00 = 70.00: 86.00.
    // Customer: 346 minutes at 1.00 a minute = 346.00 + 25.00.
    assert_eq!(cost["to_serve"], "86.00");
    assert_eq!(cost["customer_all_in"], "371.00");
    assert_eq!(cost["margin"], "-111.00");
    // The report reads the stored figures, recomputed for the new rates.
    let r = db.json(&["report", "--by", "stage", "--json"]);
    let delivery = r["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == "delivery")
        .unwrap();
    assert_eq!(delivery["cost_to_serve_per_case"], "86.00");
}

#[test]
fn report_by_stage_on_the_demo_by_hand() {
    let db = demo();
    let r = db.json(&["report", "--by", "stage", "--json"]);
    let group = |k: &str| {
        r["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["key"] == k)
            .unwrap()
            .clone()
    };
    let pick = |g: &Value| {
        json!([
            g["cases"],
            g["cost_to_serve_per_case"],
            g["customer_hours_per_case"],
            g["margin_total"],
            g["revenue_at_risk"],
            g["friction_cost"],
            g["sales_prevented"],
            g["effort_logged"],
            g["effort_estimated"]
        ])
    };
    // The cable sign-up: answered touches chat 10 × 0.60, phone 25 + 8 + 20 +
    // 10 + 15 at 1.00, web loop 20 × 0.50 = 94.00; the customer 157 minutes =
    // 2.6167 h, 65.42; friction cost 94.00 + 65.42. Open with friction before
    // a sale: a sale prevented. Effort: 9 contacts +3, 3 channels +2, "call
    // elsewhere" +1, 38 minutes on hold +1: 8, at most 7.
    assert_eq!(
        pick(&group("pre_sale")),
        json!([1, "94.00", 2.6167, "-94.00", "0.00", "159.42", 1,
               {"n": 0, "mean": null}, {"n": 1, "mean": 7.0}])
    );
    assert_eq!(
        pick(&group("delivery")),
        json!([1, "41.40", 5.7667, "-66.40", "129.99", "210.57", 0,
               {"n": 1, "mean": 6.0}, {"n": 0, "mean": null}])
    );
    // The phone number (12 minutes' call: 12.00; the customer 10 + 12 + 4 =
    // 26 minutes, 10.83; effort 1 + 1 contact + 1 channel = 3) and the gate
    // agent's thanks (in person, 5 minutes × 0.50 = 2.50; logged effort 1).
    assert_eq!(
        pick(&group("use")),
        json!([2, "7.25", 0.2167, "-14.50", "0.00", "22.83", 0,
               {"n": 1, "mean": 1.0}, {"n": 1, "mean": 3.0}])
    );
    assert_eq!(r["overall"]["sales_prevented"], 1);
    let csv = db.run(&["report", "--by", "stage", "--csv"]);
    assert!(csv.lines().next().unwrap().ends_with(
        "cost_to_serve_per_case,customer_hours_per_case,margin_total,revenue_at_risk,friction_cost,sales_prevented,effort_logged_n,effort_logged_mean,effort_estimated_n,effort_estimated_mean"
    ));
    assert!(csv.contains("pre_sale,1,1,0,"), "{csv}");
    assert!(
        csv.lines().any(|l| l.starts_with("pre_sale,")
            && l.ends_with(",94.00,2.6167,-94.00,0.00,159.42,1,0,,1,7")),
        "{csv}"
    );
    // By vendor the same figures come from the kept columns of done cases.
    let v = db.json(&["report", "--by", "vendor", "--json"]);
    let comcast = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == "Comcast")
        .unwrap();
    // (94.00 + 12.00) / 2 = 53.00; friction 159.42 + 22.83.
    assert_eq!(comcast["cost_to_serve_per_case"], "53.00");
    assert_eq!(comcast["friction_cost"], "182.25");
}

#[test]
fn every_open_demo_case_has_a_next_action() {
    let db = demo();
    let next = db.json(&["next", "--json"]);
    let list = next.as_array().unwrap();
    // Only the cable sign-up is open: nine contacts and nothing escalated.
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["ref"], "demo-cable");
    assert_eq!(list[0]["next_action"]["id"], "escalate");
    assert_eq!(
        list[0]["next_action"]["evidence"].as_array().unwrap().len(),
        9
    );
    let shown = db.json(&["show", "demo-cable", "--json"]);
    assert_eq!(shown["next_action"], list[0]["next_action"]);
    assert_eq!(shown["stage"], "pre_sale");
    assert!(db
        .run(&["next"])
        .contains("Escalate to a supervisor at Comcast: 9 contacts and nothing escalated yet"));
}

#[test]
fn stage_is_set_edited_filtered_and_exported() {
    let db = Db::with_config();
    let id = db.run(&[
        "add",
        "--vendor",
        "Acme",
        "--title",
        "Cannot find a plan",
        "--category",
        "technical",
        "--stage",
        "pre-sale",
    ]);
    let id = id.trim();
    assert_eq!(db.json(&["show", id, "--json"])["stage"], "pre_sale");
    db.run(&["edit", id, "--stage", "cancel"]);
    assert_eq!(db.json(&["show", id, "--json"])["stage"], "cancel");
    let listed = db.json(&["list", "stage:cancel", "--json"]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let e = db.err(&["edit", id, "--stage", "shopping"]);
    assert!(e.contains("pre_sale, order, delivery, use, billing, cancel"));
    // A case added without a stage takes its category's.
    let id2 = db.run(&[
        "add",
        "--vendor",
        "Acme",
        "--title",
        "Charged twice",
        "--category",
        "billing",
    ]);
    assert_eq!(db.json(&["show", id2.trim(), "--json"])["stage"], "billing");
    let exported = db.json(&["export"]);
    let stages: Vec<&str> = exported["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["stage"].as_str().unwrap())
        .collect();
    assert_eq!(stages, ["cancel", "billing"]);
}

#[test]
fn the_kept_next_action_moves_with_the_clock() {
    use casebook::domain::query::Query;
    use casebook::domain::*;
    use casebook::store::query::SortKey;
    use casebook::store::Store;
    use chrono::{Duration, TimeZone, Utc};
    let mut store = Store::in_memory().unwrap();
    store.set_thresholds(Default::default()).unwrap();
    let t0 = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
    let id = store
        .create_case(Case::new("x", "Acme", t0), vec![], t0)
        .unwrap();
    // The vendor asks for information: the ball is with the customer.
    let ask = Touchpoint::new(
        t0,
        Channel::new("email").unwrap(),
        StartedBy::Vendor,
        TouchOutcome::InfoRequest,
    );
    store.add_touch(id, ask, t0).unwrap();
    let kept = |store: &Store| {
        let q = Query::parse("").unwrap();
        store.case_page(&q, SortKey::Id, false, 0, 10, t0).unwrap()[0]
            .next_action
            .clone()
    };
    assert_eq!(kept(&store).as_deref(), Some("wait"));
    assert_eq!(store.refresh_due(t0 + Duration::hours(72)).unwrap(), 0);
    // Just after 72 hours with the customer, that case alone is re-derived.
    assert_eq!(store.refresh_due(t0 + Duration::hours(73)).unwrap(), 1);
    assert_eq!(kept(&store).as_deref(), Some("nudge_customer"));
    assert!(store
        .derived_mismatches(t0 + Duration::hours(73))
        .unwrap()
        .is_empty());
}

#[test]
fn answer_sla_comes_from_the_service_level() {
    let db = Db::with_config();
    // Opened 5 hours before now, one email sent and no answer: the first
    // response target (4 h, every hour counts) is breached.
    let id = db.run(&[
        "add",
        "--vendor",
        "Acme",
        "--title",
        "No answer",
        "--channel",
        "email",
        "--opened",
        "2026-11-22T19:00:00Z",
    ]);
    db.run(&[
        "sla",
        "policy",
        "add",
        "all",
        "--calendar",
        "24x7",
        "--first-response",
        "4",
        "--resolution",
        "100",
    ]);
    let shown = db.json(&["show", id.trim(), "--json"]);
    assert_eq!(shown["next_action"]["id"], "answer_sla");
    assert_eq!(
        shown["next_action"]["text"],
        "Answer now: the first response target is breached"
    );
    let next = db.json(&["next", "--json"]);
    assert_eq!(next[0]["next_action"]["id"], "answer_sla");
    // Kept on the case for the triage screen too.
    let listed = db.json(&["list", "--json"]);
    assert_eq!(listed[0]["next_action"], "answer_sla");
}

#[test]
fn answer_sla_cites_the_worse_target_and_its_evidence() {
    let db = Db::with_config();
    // Opened 7 hours before now, one email and no answer: both targets are
    // breached, the first response (4 h) three hours over, the resolution
    // (5 h) two: the first response is the worse.
    let id = db.run(&[
        "add",
        "--vendor",
        "Acme",
        "--title",
        "No answer",
        "--channel",
        "email",
        "--opened",
        "2026-11-22T17:00:00Z",
    ]);
    db.run(&[
        "sla",
        "policy",
        "add",
        "all",
        "--calendar",
        "24x7",
        "--first-response",
        "4",
        "--resolution",
        "5",
    ]);
    let shown = db.json(&["show", id.trim(), "--json"]);
    assert_eq!(
        shown["sla"]["first_response"]["state"], "breached",
        "{shown}"
    );
    assert_eq!(shown["sla"]["resolution"]["state"], "breached", "{shown}");
    assert_eq!(shown["next_action"]["id"], "answer_sla");
    assert_eq!(
        shown["next_action"]["text"],
        "Answer now: the first response target is breached"
    );
    // The evidence: the customer's email the vendor never answered (touch
    // #1, the file's first).
    assert_eq!(shown["next_action"]["evidence"], serde_json::json!([1]));
}
