//! An export carries the whole setup (vendors' aliases, service-level
//! calendars and policies, the at-risk share, saved views) and an import into
//! a new file restores it: export → import → export is the same document in
//! JSON and JSON Lines, and importing it again writes nothing.

#![allow(clippy::unwrap_used)]

mod common;

use casebook::store::Store;
use common::Db;
use serde_json::Value;

/// A casebook with cases, aliases, two calendars, three policies, an
/// at-risk share and two saved views.
fn set_up() -> Db {
    let db = Db::new();
    db.run(&["demo", "--stories-only"]);
    db.run(&[
        "sla",
        "calendar",
        "add",
        "Paris office",
        "--tz",
        "Europe/Paris",
        "--hours",
        "mon-fri 09:00-12:00,13:00-17:00",
        "--hours",
        "sat 10:00-14:00",
        "--holiday",
        "2026-12-25",
        "--holiday",
        "2027-01-01",
    ]);
    db.run(&[
        "sla",
        "calendar",
        "add",
        "NY",
        "--tz",
        "America/New_York",
        "--hours",
        "mon-fri 08:00-20:00",
    ]);
    for args in [
        &["gold", "--vendor", "Comcast", "--calendar", "Paris office"][..],
        &["urgent", "--priority", "urgent", "--calendar", "NY"][..],
        &["base", "--calendar", "24x7"][..],
    ] {
        let mut all = vec!["sla", "policy", "add"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--first-response", "4.5", "--resolution", "40"]);
        db.run(&all);
    }
    db.run(&["sla", "at-risk", "0.3"]);
    let mut store = Store::open(&db.path).unwrap();
    store
        .save_view("Comcast open", "vendor:comcast status:open")
        .unwrap();
    store.save_view("late", "sla:breached age>7d").unwrap();
    db
}

fn views(db: &Db) -> Vec<(String, String)> {
    Store::open_existing(&db.path)
        .unwrap()
        .saved_views()
        .unwrap()
}

/// Every row of every table, one line each: what "writes nothing" compares.
fn dump(db: &Db) -> Vec<String> {
    let conn =
        rusqlite::Connection::open_with_flags(&db.path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|t| t.unwrap())
        .collect();
    let mut out = Vec::new();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                let cell = |i| match r.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                    other => format!("{other:?}"),
                };
                Ok(format!(
                    "{table}: {}",
                    (0..n).map(cell).collect::<Vec<_>>().join("|")
                ))
            })
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        rows.sort();
        // Every write transaction counts itself (for readers to compare
        // views): a counter, not content.
        out.extend(rows.into_iter().filter(|r| !r.starts_with("meta: writes|")));
    }
    out
}

/// Fails with the rows that differ, if any.
fn same_rows(after: &[String], before: &[String], what: &str) {
    let gone: Vec<_> = before.iter().filter(|r| !after.contains(r)).collect();
    let new: Vec<_> = after.iter().filter(|r| !before.contains(r)).collect();
    assert!(
        gone.is_empty() && new.is_empty(),
        "{what}: rows gone {gone:#?}, rows new {new:#?}"
    );
}

#[test]
fn export_import_export_keeps_the_setup_in_both_formats() {
    let from = set_up();
    for format in ["json", "jsonl"] {
        let exported = from.run(&["export", "--format", format]);
        let to = Db::new();
        let f = to.file_arg(&format!("all.{format}"), &exported);
        let said = to.run(&["import", &f]);
        assert!(said.contains("4 new"), "{said}");
        assert!(
            said.contains(
                "setup added: calendar 'NY', calendar 'Paris office', policy 'base', \
                 policy 'gold', policy 'urgent', at-risk share 0.3, \
                 view 'Comcast open', view 'late'"
            ),
            "{said}"
        );
        assert_eq!(
            to.run(&["export", "--format", format]),
            exported,
            "{format}"
        );
        for list in [
            &["sla", "list", "--json"][..],
            &["sla", "calendar", "list", "--json"][..],
            &["sla", "list"][..],
            &["list", "sla:running"][..],
        ] {
            assert_eq!(to.run(list), from.run(list), "{format}: {list:?}");
        }
        assert_eq!(views(&to), views(&from), "{format}");
        assert!(to.run(&["check"]).starts_with("ok"), "{format}");
        let policies = to.json(&["sla", "list", "--json"]);
        assert_eq!(policies["at_risk_share"], 0.3);
        assert_eq!(policies["policies"].as_array().unwrap().len(), 3);

        // The same file again writes nothing: no event, no setup, no row.
        let before = dump(&to);
        let events = to.event_count();
        let again = to.run(&["import", &f]);
        assert!(again.contains("0 new, 0 updated, 4 unchanged"), "{again}");
        assert!(!again.contains("setup"), "{again}");
        assert_eq!(to.event_count(), events);
        same_rows(&dump(&to), &before, format);
    }
}

#[test]
fn a_setup_that_differs_is_kept_unless_replaced() {
    let from = set_up();
    let exported = from.run(&["export"]);
    let to = Db::new();
    let f = to.file_arg("all.json", &exported);
    to.run(&["import", &f]);
    to.run(&[
        "sla",
        "policy",
        "add",
        "gold",
        "--vendor",
        "Comcast",
        "--calendar",
        "24x7",
        "--first-response",
        "8",
        "--resolution",
        "40",
    ]);
    to.run(&["sla", "at-risk", "0.2"]);
    let mut store = Store::open(&to.path).unwrap();
    store.save_view("late", "sla:breached").unwrap();
    drop(store);
    let mine = to.run(&["sla", "list", "--json"]);
    let before = dump(&to);

    let said = to.run(&["import", &f]);
    assert!(
        said.contains(
            "setup kept as this casebook has it, though the file's differs \
             (--replace-setup takes the file's): policy 'gold', at-risk share 0.3, view 'late'"
        ),
        "{said}"
    );
    assert_eq!(to.run(&["sla", "list", "--json"]), mine);
    same_rows(&dump(&to), &before, "a differing setup kept");
    let json = to.json(&["import", &f, "--json"]);
    assert_eq!(
        json["setup_kept"],
        serde_json::json!(["policy 'gold'", "at-risk share 0.3", "view 'late'"])
    );

    let said = to.run(&["import", &f, "--replace-setup"]);
    assert!(
        said.contains(
            "setup replaced by the file's (--replace-setup): policy 'gold', at-risk share 0.3, view 'late'"
        ),
        "{said}"
    );
    assert_eq!(
        to.run(&["sla", "list", "--json"]),
        from.run(&["sla", "list", "--json"])
    );
    assert_eq!(views(&to), views(&from));
    assert_eq!(to.run(&["export"]), exported);
}

#[test]
fn exports_without_a_setup_still_import() {
    let from = set_up();
    // A JSON document of before: no "setup" key.
    let mut doc: Value = serde_json::from_str(&from.run(&["export"])).unwrap();
    doc.as_object_mut().unwrap().remove("setup");
    let old = Db::new();
    let f = old.file_arg("old.json", &doc.to_string());
    assert!(old.run(&["import", &f]).contains("4 new"));
    assert_eq!(
        old.json(&["sla", "list", "--json"])["policies"],
        serde_json::json!([])
    );
    // JSON Lines of before: cases from the first line.
    let lines = from.run(&["export", "--format", "jsonl"]);
    let (header, cases) = lines.split_once('\n').unwrap();
    assert!(header.starts_with("{\"casebook\":1,"), "{header}");
    let old = Db::new();
    let f = old.file_arg("old.jsonl", cases);
    assert!(old.run(&["import", &f]).contains("4 new"));
    // A header of a newer format is refused, and nothing is written.
    let newer = header.replacen("\"casebook\":1", "\"casebook\":2", 1);
    let f = old.file_arg("newer.jsonl", &format!("{newer}\n{cases}"));
    let before = dump(&old);
    let err = old.fails(&["import", &f]);
    assert!(
        err.contains("newer.jsonl: line 1: \"casebook\": 2 is a newer format"),
        "{err}"
    );
    same_rows(&dump(&old), &before, "a newer header");
}

/// A setup the store refuses (a policy on a calendar the file lacks) stops
/// the import before any case, names the item, and writes nothing; the
/// JSON Lines reader waiting for the setup ends with it.
#[test]
fn a_bad_setup_stops_the_import_and_writes_nothing() {
    let from = set_up();
    let lines = from.run(&["export", "--format", "jsonl"]);
    let bad = lines.replacen("\"calendar\":\"NY\"", "\"calendar\":\"Nowhere\"", 1);
    assert_ne!(bad, lines);
    let to = Db::new();
    to.run(&["add", "--vendor", "V", "--title", "T"]);
    to.run(&["sla", "at-risk", "0.4"]);
    let before = dump(&to);
    let f = to.file_arg("bad.jsonl", &bad);
    // A reader left waiting would hang the import: a minute is far more
    // than it takes.
    let out = assert_cmd::Command::from_std(to.cmd())
        .args(["import", &f])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains("setup: policy 'urgent': calendar: no calendar 'Nowhere'"),
        "{err}"
    );
    same_rows(&dump(&to), &before, "a bad setup");
    // A calendar whose zone does not exist is named with its line.
    let bad = lines.replacen("Europe/Paris", "Europe/Atlantis", 1);
    let f = to.file_arg("zone.jsonl", &bad);
    let err = to.fails(&["import", &f]);
    assert!(
        err.contains("zone.jsonl: line 1: setup.calendars[1] (Paris office):"),
        "{err}"
    );
}
