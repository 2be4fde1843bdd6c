//! Importing the same data again writes nothing: a vendor written in other
//! letters or through one of its aliases is the vendor already kept, and a
//! case whose content is unchanged appends no event.

#![allow(clippy::unwrap_used)]

mod common;

use common::Db;

/// Comcast, known as Xfinity too.
const SETUP: &str =
    r#"{"casebook":1,"vendors":[{"name":"Comcast","aliases":["Xfinity"]}],"cases":[]}"#;

/// One vendor spelled two ways (`Acme Support`, `acme support`) and one
/// reached through its alias.
const TICKETS: &str = "\
Id,Subject,Group,Created at,Status,Via
1,Router drops Wi-Fi,Acme Support,2024-05-14 09:00:00,open,email
2,Refund missing,acme support,2024-05-14 10:00:00,open,email
3,No sign-up page,Xfinity,2024-05-14 11:00:00,open,email
";

/// A case whose vendor, marketplace and touch party come through the alias
/// and in other letters.
const CASES: &str = r#"{"ref":"j1","title":"Install","vendor":"xfinity","marketplace":"ACME SUPPORT","opened_at":"2024-05-01T00:00:00Z","touchpoints":[{"at":"2024-05-01T01:00:00Z","channel":"phone","from":"customer","outcome":"promise","party":"XFINITY","note":"call back"},{"at":"2024-05-01T01:00:00Z","channel":"phone","from":"customer","outcome":"promise","party":"comcast","note":"call back, again"}]}
"#;

#[test]
fn vendors_in_other_letters_or_through_an_alias_write_nothing_again() {
    let db = Db::new();
    db.run(&["import", &db.file_arg("setup.json", SETUP)]);
    let csv = db.file_arg("tickets.csv", TICKETS);
    let jsonl = db.file_arg("cases.jsonl", CASES);
    let first = db.run(&["import", &csv, "--preset", "zendesk"]);
    assert!(first.contains("3 new"), "{first}");
    assert!(db.run(&["import", &jsonl]).contains("1 new"));
    let events = db.event_count();
    for _ in 0..2 {
        let again = db.run(&["import", &csv, "--preset", "zendesk"]);
        assert!(again.contains("0 new, 0 updated, 3 unchanged"), "{again}");
        let again = db.run(&["import", &jsonl]);
        assert!(again.contains("0 new, 0 updated, 1 unchanged"), "{again}");
    }
    assert_eq!(db.event_count(), events, "a re-import appended events");
    // Both spellings are one vendor, and the alias is Comcast.
    let vendors: Vec<String> = db.json(&["report", "--json"])["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(vendors, ["Acme Support", "Comcast"]);
}
