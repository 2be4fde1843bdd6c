//! A note keeps every character as given, at any length: 10 MB with every
//! control character (C0, DEL, C1, bidirectional marks) reads back exactly
//! through export and import, in JSON and JSON Lines.

#![allow(clippy::unwrap_used)]

mod common;

use common::Db;
use serde_json::Value;

/// About 10 MB: every control character and some text, over and over.
fn hostile_note() -> String {
    let mut unit: String = (0u32..0x20)
        .chain([0x7f])
        .chain(0x80..0xa0)
        .filter_map(char::from_u32)
        .collect();
    unit.push_str("\r\n\u{202e}evil\u{2066}\u{200f} é 語 🙂 \r plain words\n");
    let mut note = String::with_capacity(10_500_000);
    while note.len() < 10_000_000 {
        note.push_str(&unit);
    }
    note
}

fn note_of(doc: &Value) -> &str {
    doc["cases"][0]["touchpoints"][0]["note"].as_str().unwrap()
}

#[test]
fn a_10_mb_note_with_every_control_reads_back_exactly() {
    let note = hostile_note();
    let doc = serde_json::json!({"casebook": 1, "cases": [{
        "ref": "long", "title": "Long note", "vendor": "Acme",
        "opened_at": "2024-01-01T00:00:00Z",
        "touchpoints": [{"at": "2024-01-01T01:00:00Z", "channel": "email",
                         "from": "customer", "outcome": "sent", "note": note}]}]});
    let db = Db::new();
    let f = db.file_arg("long.json", &doc.to_string());
    assert!(db.run(&["import", &f]).contains("1 new"));
    let out: Value = serde_json::from_str(&db.run(&["export"])).unwrap();
    assert!(note_of(&out) == note, "the note changed on its way through");
    // Into a new file, by JSON Lines: the same again, and nothing to change
    // on a second import.
    let lines = db.run(&["export", "--format", "jsonl"]);
    let db2 = Db::new();
    let f2 = db2.file_arg("long.jsonl", &lines);
    assert!(db2.run(&["import", &f2]).contains("1 new"));
    assert!(db2
        .run(&["import", &f2])
        .contains("0 new, 0 updated, 1 unchanged"));
    let out2: Value = serde_json::from_str(&db2.run(&["export"])).unwrap();
    assert!(
        note_of(&out2) == note,
        "the note changed in the second file"
    );
}

/// `touch --note` keeps escapes, bells and carriage returns as given, while
/// a title still refuses them.
#[test]
fn touch_keeps_a_note_s_controls_and_titles_still_refuse_them() {
    let db = Db::new();
    db.run(&["add", "--vendor", "Acme", "--title", "Kettle"]);
    let note = "ring\u{7}\u{1b}[31mred\r\nnext\u{85}line";
    db.run(&[
        "touch",
        "1",
        "--channel",
        "phone",
        "--from",
        "customer",
        "--outcome",
        "sent",
        "--note",
        note,
    ]);
    let shown = db.json(&["show", "1", "--json"]);
    assert_eq!(shown["touchpoints"][0]["note"], note);
    let err = db.fails(&["add", "--vendor", "Acme", "--title", "bad\u{1b}title"]);
    assert!(err.contains("control characters"), "{err}");
}
