//! Control characters, escape sequences and bidirectional marks carried by
//! any field (an imported title, a party, a note) never reach the terminal
//! raw: not in the command line's human output, not in its error messages,
//! not in the app. Notes keep their line breaks in the app's detail pane and
//! show them as ⏎ in one-line views.
#![allow(clippy::unwrap_used)]

mod common;
mod tui_support;

use assert_cmd::prelude::*;
use casebook::app::App;
use casebook::store::Store;
use tui_support::*;

/// Bidirectional controls that can make text read backwards (Trojan Source).
const BIDI: &[char] = &[
    '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}', '\u{200e}', '\u{200f}',
];

fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| {
            (c.is_control() && *c != '\n') || BIDI.contains(c) || ('\u{80}'..='\u{9f}').contains(c)
        })
        .collect()
}

/// One case whose every text field carries a bidi mark, and whose note has
/// line breaks, a tab and a right-to-left override.
const HOSTILE: &str = r#"{"casebook": 1, "cases": [
 {"ref": "evil", "title": "Invoice \u202egnp.exe\u202c", "vendor": "Acme\u2066 Corp\u2069",
  "product": "Kettle\u200f", "opened_at": "2024-01-01T00:00:00Z",
  "touchpoints": [{"at": "2024-01-01T01:00:00Z", "channel": "phone", "from": "customer",
    "outcome": "no_answer", "party": "Shop\u202b",
    "note": "first line\r\nsecond\tline \u202eevil\nthird \u001b[2J\u009b31m"}]}]}"#;

fn cmd(dir: &std::path::Path) -> std::process::Command {
    common::casebook_at(&dir.join("db.sqlite3"), "2024-02-01T00:00:00Z")
}

#[test]
fn the_command_line_shows_stand_ins_never_raw_controls() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hostile.json");
    std::fs::write(&file, HOSTILE).unwrap();
    cmd(dir.path()).arg("import").arg(&file).assert().success();
    for args in [
        &["list"][..],
        &["show", "evil"],
        &["flags"],
        &["report"],
        &["report", "--by", "party"],
    ] {
        let out = cmd(dir.path()).args(args).assert().success();
        let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        assert_eq!(raw_controls(&text), Vec::<char>::new(), "{args:?}:\n{text}");
        if args != ["flags"] {
            assert!(text.contains('\u{fffd}'), "{args:?}: no stand-in:\n{text}");
        }
    }
    let shown = cmd(dir.path()).args(["show", "evil"]).assert().success();
    let shown = String::from_utf8(shown.get_output().stdout.clone()).unwrap();
    assert!(shown.contains("Invoice �gnp.exe�"), "{shown}");
    // Whole notes keep their line breaks, every line made safe.
    assert!(
        shown.contains("first line\n        second line �evil\n        third ␛[2J"),
        "{shown}"
    );
    // JSON keeps the text as it is (its escapes are safe), for scripts.
    let json = cmd(dir.path())
        .args(["show", "evil", "--json"])
        .assert()
        .success();
    let json = String::from_utf8(json.get_output().stdout.clone()).unwrap();
    assert!(json.contains("Invoice \u{202e}gnp.exe\u{202c}"), "{json}");
    // An error message that quotes what was typed quotes it safely.
    let err = cmd(dir.path())
        .args(["show", "\u{1b}[2Jx\u{202e}"])
        .assert()
        .failure();
    let err = String::from_utf8(err.get_output().stderr.clone()).unwrap();
    assert_eq!(raw_controls(&err), Vec::<char>::new(), "{err}");
    assert!(err.contains("no case '␛[2Jx�'"), "{err}");
}

#[test]
fn the_app_shows_stand_ins_and_the_notes_line_breaks() {
    utc();
    let mut store = Store::in_memory().unwrap();
    // The hostile file's cases open after this test's clock: meant.
    store.allow_future = true;
    let (vendors, records) =
        casebook::io::json::parse("hostile.json", HOSTILE, casebook::io::json::Format::Json)
            .unwrap();
    casebook::io::json::import(&mut store, &vendors, records, false, now()).unwrap();
    let mut app = App::new(store, now(), false).unwrap();
    let cases = render(&mut app, 100, 24);
    let text = cases.join("\n");
    assert_eq!(raw_controls(&text), Vec::<char>::new(), "{text}");
    assert!(text.contains("Invoice �gnp.exe�"), "{text}");
    app.open_case(1);
    let case = render(&mut app, 100, 30);
    let text = case.join("\n");
    assert_eq!(raw_controls(&text), Vec::<char>::new(), "{text}");
    // The timeline's one line, and the detail pane's three.
    assert!(
        text.contains("first line⏎second line �evil⏎third"),
        "{text}"
    );
    let at = |s: &str| case.iter().position(|l| l.contains(s));
    let first = at("first line").unwrap();
    let detail = case.iter().rposition(|l| l.contains("first line")).unwrap();
    assert!(detail > first, "{text}");
    assert!(!case[detail].contains("second"), "{text}");
    assert!(case[detail + 1].starts_with("second line �evil"), "{text}");
    // The note keeps its escape and C1 control; the screen shows stand-ins.
    assert!(case[detail + 2].starts_with("third ␛[2J�31m"), "{text}");
    // Editing the touch puts the note as it is in the input, which draws no
    // control raw.
    app.update(casebook::app::Action::Down);
    app.update(casebook::app::Action::EditTouch);
    let form = render(&mut app, 100, 30);
    let text = form.join("\n");
    assert!(text.contains("Touch #1 on case 1"), "{text}");
    assert!(text.contains("third [2J31m"), "{text}");
    assert_eq!(raw_controls(&text), Vec::<char>::new(), "{text}");
}
