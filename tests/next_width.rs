//! `casebook next` cuts an action's words only to a terminal's width: a
//! pipe or a file gets them whole, however long.
#![allow(clippy::unwrap_used)]

mod common;

use common::Db;

#[test]
fn next_prints_a_long_action_whole_when_the_output_is_no_terminal() {
    let db = Db::new();
    let vendor = format!("The {} Company", "Very Long Name ".repeat(10).trim());
    db.run(&[
        "add",
        "--vendor",
        &vendor,
        "--title",
        "A refund that never came",
        "--channel",
        "phone",
        "--opened",
        "2026-11-01",
    ]);
    let json = db.json(&["next", "--json"]);
    let text = json[0]["next_action"]["text"].as_str().unwrap().to_string();
    assert!(text.chars().count() > 150, "{text}");
    let plain = db.run(&["next"]);
    assert!(plain.contains(&text), "{text}\n{plain}");
}
