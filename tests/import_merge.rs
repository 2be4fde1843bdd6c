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

/// A new case's summary goes into its row's INSERT, made with its touches
/// told apart as they will be; here the second case's touch ids are the
/// first's, so they are renumbered. Both cases end with the summary `check`
/// computes afresh, and the same flags.
#[test]
fn a_case_whose_touch_ids_are_taken_gets_the_same_summary() {
    let db = Db::new();
    let case = |r: &str, id: i64| {
        format!(
            r#"{{"id":{id},"ref":"{r}","title":"Refund","vendor":"Acme","opened_at":"2024-01-01T00:00:00Z","touchpoints":[{{"id":1,"at":"2024-01-01T00:00:00Z","channel":"phone","from":"customer","outcome":"no_answer"}},{{"id":2,"at":"2024-01-02T00:00:00Z","channel":"phone","from":"customer","outcome":"no_answer"}},{{"id":3,"at":"2024-01-03T00:00:00Z","channel":"email","from":"customer","outcome":"no_answer"}}]}}"#
        )
    };
    let lines = format!("{}\n{}\n", case("a", 1), case("b", 2));
    let f = db.file_arg("two.jsonl", &lines);
    let out = db.run(&["--as-of", "2024-02-01T00:00:00Z", "import", &f]);
    assert!(out.contains("2 new"), "{out}");
    assert!(db
        .run(&["--as-of", "2024-02-01T00:00:00Z", "check"])
        .starts_with("ok"));
    let shown = |c: &str| {
        let v: serde_json::Value = serde_json::from_str(&db.run(&[
            "--as-of",
            "2024-02-01T00:00:00Z",
            "show",
            c,
            "--json",
        ]))
        .unwrap();
        let ids: Vec<i64> = v["touchpoints"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_i64().unwrap())
            .collect();
        let flags: Vec<String> = v["flags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap_or_default().to_string())
            .collect();
        (ids, flags)
    };
    let (a_ids, a_flags) = shown("a");
    let (b_ids, b_flags) = shown("b");
    assert_eq!(a_ids, vec![1, 2, 3]);
    assert_eq!(b_ids, vec![4, 5, 6]);
    assert_eq!(a_flags, b_flags);
    assert!(!a_flags.is_empty(), "{a_flags:?}");
}

/// The same two cases at the machine's clock, where `flag:` reads the flags
/// the import kept (not a view computed for `--as-of`): the second case's
/// were missing, since its summary was written again after its renumbered
/// touches, found its flag list already in the row and wrote no flag rows.
#[test]
fn a_case_whose_touch_ids_are_taken_is_found_by_its_flags() {
    let db = Db::new();
    let case = |r: &str, id: i64| {
        format!(
            r#"{{"id":{id},"ref":"{r}","title":"Refund","vendor":"Acme","opened_at":"2024-01-01T00:00:00Z","touchpoints":[{{"id":1,"at":"2024-01-01T00:00:00Z","channel":"phone","from":"customer","outcome":"no_answer"}},{{"id":2,"at":"2024-01-02T00:00:00Z","channel":"phone","from":"customer","outcome":"no_answer"}},{{"id":3,"at":"2024-01-03T00:00:00Z","channel":"email","from":"customer","outcome":"no_answer"}}]}}"#
        )
    };
    let f = db.file_arg(
        "two.jsonl",
        &format!("{}\n{}\n", case("a", 1), case("b", 2)),
    );
    let at_clock = |args: &[&str]| {
        let mut c = db.cmd();
        c.env_remove("CASEBOOK_NOW")
            .env("CASEBOOK_CLOCK", "2024-02-01T00:00:00Z");
        common::stdout_of(c.args(args))
    };
    assert!(at_clock(&["import", &f]).contains("2 new"));
    let v: serde_json::Value = serde_json::from_str(&at_clock(&["flags", "a", "--json"])).unwrap();
    let patterns: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["pattern"].as_str().unwrap())
        .collect();
    assert!(!patterns.is_empty(), "{v}");
    for p in patterns {
        let listed = at_clock(&["list", &format!("flag:{p}")]);
        assert!(listed.contains("2 case(s)"), "flag:{p}: {listed}");
    }
}

/// Notes are queued for the full-text index by runs of touch ids (a case's
/// touches are one run); the second case's touch ids are taken, so its
/// touches are renumbered into a run of their own. Each note is found for
/// its case alone, and `check` compares the index with the notes: it finds
/// a note taken out of the index.
#[test]
fn each_note_is_indexed_once_and_check_finds_a_damaged_index() {
    let db = Db::new();
    let case = |r: &str, word: &str| {
        let touches: Vec<String> = (1..=4)
            .map(|i| {
                format!(
                    r#"{{"id":{i},"at":"2024-01-0{i}T00:00:00Z","channel":"phone","from":"customer","outcome":"no_answer","note":"{word} call {i}"}}"#
                )
            })
            .collect();
        format!(
            r#"{{"ref":"{r}","title":"Case {r}","vendor":"Acme","opened_at":"2024-01-01T00:00:00Z","touchpoints":[{}]}}"#,
            touches.join(",")
        )
    };
    let lines = format!("{}\n{}\n", case("a", "apricot"), case("b", "bramble"));
    let f = db.file_arg("two.jsonl", &lines);
    assert!(db.run(&["import", &f]).contains("2 new"));
    let found = |word: &str| db.json(&["list", word, "--json"]);
    let refs = |v: serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|c| c["ref"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(refs(found("apricot")), ["a"]);
    assert_eq!(refs(found("bramble")), ["b"]);
    assert_eq!(refs(found("call")).len(), 2);
    assert!(db.run(&["check"]).starts_with("ok"));

    let conn = rusqlite::Connection::open(&db.path).unwrap();
    conn.execute(
        "INSERT INTO touch_notes (touch_notes, rowid, note) VALUES ('delete', 1, 'apricot call 1')",
        [],
    )
    .unwrap();
    drop(conn);
    let out = db.cmd().arg("check").output().unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("note search: 1 note(s) not in the index"),
        "{said}"
    );
}

/// The indexes a file has, by name, with the SQL that made them.
fn indexes(db: &Db) -> Vec<(String, String)> {
    let read = || -> rusqlite::Result<Vec<(String, String)>> {
        let conn = rusqlite::Connection::open_with_flags(
            &db.path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )?;
        let mut stmt = conn.prepare(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect()
    };
    read().expect("the file's indexes")
}

/// An import into a file without cases drops the indexes that only order
/// and filter, and builds them again before it commits: the file ends with
/// the indexes a file that had a case before has, and the filters and
/// `check` agree; an import that fails (or a dry run) leaves them as they were.
#[test]
fn an_import_into_an_empty_file_ends_with_every_index() {
    let case = |r: &str, vendor: &str| {
        format!(
            r#"{{"ref":"{r}","title":"Refund","vendor":"{vendor}","opened_at":"2024-01-01T00:00:00Z","tags":["vip"],"touchpoints":[{{"at":"2024-01-01T00:00:00Z","channel":"phone","from":"customer","outcome":"no_answer"}},{{"at":"2024-01-02T00:00:00Z","channel":"chat","from":"customer","outcome":"no_answer"}}]}}"#
        )
    };
    let lines = format!("{}\n{}\n", case("a", "Acme"), case("b", "Bolt"));
    let fresh = Db::new();
    let f = fresh.file_arg("two.jsonl", &lines);
    let bad = fresh.file_arg(
        "bad.jsonl",
        &format!("{}\n{{\"title\": 3}}\n", case("c", "Acme")),
    );
    // A failed import and a dry run into the new file: nothing is written.
    fresh.fails(&["import", &bad]);
    let schema = indexes(&fresh);
    assert!(
        schema.iter().any(|(n, _)| n == "cases_urgency"),
        "{schema:?}"
    );
    fresh.run(&["import", &f, "--dry-run"]);
    assert_eq!(indexes(&fresh), schema);
    assert!(fresh.run(&["import", &f]).contains("2 new"));
    assert_eq!(indexes(&fresh), schema);
    // The same import into a file that had a case keeps its indexes as
    // they are, row by row.
    let kept = Db::new();
    kept.run(&[
        "add",
        "--vendor",
        "Acme",
        "--title",
        "Before",
        "--opened",
        "2024-01-01",
    ]);
    kept.run(&["import", &f]);
    assert_eq!(indexes(&kept), schema);
    for db in [&fresh, &kept] {
        assert!(db.run(&["list", "vendor:bolt"]).contains("1 case(s)"));
        assert!(db
            .run(&["list", "tag:vip channel:chat"])
            .contains("2 case(s)"));
        assert!(db.run(&["check"]).starts_with("ok"));
    }
}
