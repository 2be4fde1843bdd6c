//! One import that comes back to the same case: later lines merge into what
//! earlier lines of the same file created.

mod common;
use common::Db;

/// Two lines for one case (`ref` r1): the second gives the first's touch
/// (same time, channel, starter and outcome) another note. The note was
/// queued for the full-text index, not yet in it, when the second line
/// changed it; taking the old text out of the index then damaged it, and the
/// import failed with "database disk image is malformed".
#[test]
fn a_later_line_can_change_a_note_an_earlier_line_added() {
    let db = Db::new();
    let touch = |note: &str| {
        format!(
            r#"{{"ref":"r1","title":"Refund","vendor":"Acme","opened_at":"2024-01-01T00:00:00Z","touchpoints":[{{"at":"2024-01-01T00:00:00Z","channel":"phone","from":"customer","outcome":"sent","note":"{note}"}}]}}"#
        )
    };
    let lines = format!("{}\n{}\n", touch("first words"), touch("second words"));
    let f = db.file_arg("same.jsonl", &lines);
    let out = db.run(&["import", &f]);
    assert!(
        out.contains("2 case(s) read: 1 new, 1 updated, 0 unchanged"),
        "{out}"
    );
    // The index holds the note as it is now, and only that.
    assert!(db.run(&["list", "second"]).contains("Refund"));
    assert!(!db.run(&["list", "first"]).contains("Refund"));
    assert!(db.run(&["check"]).starts_with("ok"));
}
