//! `casebook copy`: a casebook into another, file or PostgreSQL database,
//! through the export and the import. A copy exports the same document as
//! its original; copying again writes nothing; an individual's file copied
//! into a store with other cases adds its own, each with its trail; a copy
//! that fails keeps nothing of itself; no password is ever printed.
#![allow(clippy::unwrap_used)]

mod common;

use assert_cmd::Command;
use casebook::store::Store;
use std::path::Path;

/// The machine's clock for every command (copy takes no --as-of).
const CLOCK: &str = "2026-12-07T10:00:00Z";

fn cmd(db: &str) -> Command {
    common::casebook_clocked(db, CLOCK)
}

/// Runs a command that must succeed; its output.
fn run(db: &str, args: &[&str]) -> String {
    let out = cmd(db).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?} on {db}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs a command that must fail, and not by panicking; its error text.
fn fails(db: &str, args: &[&str]) -> String {
    let out = cmd(db).args(args).output().unwrap();
    assert!(!out.status.success(), "{args:?} on {db} succeeded");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!err.contains("panicked"), "{err}");
    err
}

fn path_of(dir: &Path, name: &str) -> String {
    dir.join(name).to_str().unwrap().to_string()
}

/// A casebook with the demo's stories, events of every kind (status,
/// resolution, edit, delete and restore), a vendor alias, two calendars,
/// two policies, an at-risk share and two saved views.
fn set_up(db: &str) {
    run(db, &["demo", "--stories-only"]);
    let id = run(
        db,
        &[
            "add",
            "--vendor",
            "Acme",
            "--title",
            "Router drops Wi-Fi",
            "--category",
            "defect",
            "--channel",
            "phone",
            "--amount",
            "89.90",
        ],
    );
    let id = id.trim();
    run(
        db,
        &[
            "touch",
            id,
            "--channel",
            "phone",
            "--from",
            "customer",
            "--outcome",
            "promise",
            "--wait",
            "25",
            "--promise-due",
            "2026-12-08 12:00",
            "--note",
            "Rep will call back\nline two \u{1b}[31m",
        ],
    );
    run(db, &["status", id, "waiting_vendor"]);
    run(
        db,
        &["edit", id, "--stage", "pre_sale", "--priority", "high"],
    );
    run(db, &["resolve", "demo-screw", "--outcome", "replacement"]);
    run(db, &["delete", "demo-screw"]);
    run(db, &["restore", "demo-screw"]);
    run(
        db,
        &[
            "sla",
            "calendar",
            "add",
            "Paris office",
            "--tz",
            "Europe/Paris",
            "--hours",
            "mon-fri 09:00-12:00,13:00-17:00",
            "--holiday",
            "2026-12-25",
        ],
    );
    run(
        db,
        &[
            "sla",
            "calendar",
            "add",
            "NY",
            "--tz",
            "America/New_York",
            "--hours",
            "mon-fri 08:00-20:00",
        ],
    );
    for args in [
        &["gold", "--vendor", "Acme", "--calendar", "Paris office"][..],
        &["urgent", "--priority", "urgent", "--calendar", "NY"][..],
    ] {
        let mut all = vec!["sla", "policy", "add"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--first-response", "4.5", "--resolution", "40"]);
        run(db, &all);
    }
    run(db, &["sla", "at-risk", "0.3"]);
    let mut store = Store::open(Path::new(db)).unwrap();
    store.add_vendor_alias("Acme", "Acme Support").unwrap();
    store
        .save_view("Acme open", "vendor:acme status:open")
        .unwrap();
    store.save_view("late", "sla:breached age>7d").unwrap();
}

/// A second person's casebook: cases of its own, with their trails.
fn someone_else(db: &str) {
    for (n, vendor) in [(1, "Globex"), (2, "Initech"), (3, "Globex")] {
        let id = run(
            db,
            &[
                "add",
                "--vendor",
                vendor,
                "--title",
                &format!("Someone else's case {n}"),
                "--channel",
                "chat",
                "--ref",
                &format!("other-{n}"),
            ],
        );
        run(db, &["status", id.trim(), "escalated"]);
    }
    run(db, &["resolve", "other-2", "--outcome", "credit"]);
    run(
        db,
        &[
            "sla",
            "policy",
            "add",
            "silver",
            "--vendor",
            "Globex",
            "--calendar",
            "24x7",
            "--first-response",
            "8",
            "--resolution",
            "72",
        ],
    );
}

/// Every row of every table of a file, one line each, but the counter of
/// write transactions: what "writes nothing" compares.
fn dump(db: &str) -> Vec<String> {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
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

fn event_count(db: &str) -> i64 {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap()
}

/// The audit trail of a case as `history --json` gives it, without the
/// numbers each casebook gives its own events and touches.
fn trail(db: &str, case: &str) -> Vec<serde_json::Value> {
    let v: serde_json::Value =
        serde_json::from_str(&run(db, &["history", case, "--json"])).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let mut e = e.clone();
            for key in ["id", "touchpoint"] {
                e.as_object_mut().unwrap().remove(key);
            }
            e
        })
        .collect()
}

/// The titles of a casebook's cases, and how many there are.
fn titles(db: &str) -> Vec<String> {
    let listed: serde_json::Value = serde_json::from_str(&run(db, &["list", "--json"])).unwrap();
    let mut titles: Vec<String> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap().to_string())
        .collect();
    titles.sort();
    titles
}

#[test]
fn a_file_copied_to_a_file_exports_the_same_document() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        path_of(dir.path(), "a.sqlite3"),
        path_of(dir.path(), "b.sqlite3"),
        path_of(dir.path(), "c.sqlite3"),
    );
    set_up(&a);
    let said = run(&a, &["copy", "--to", &b]);
    assert!(
        said.starts_with(&format!(
            "copied {a} to {b}: 5 case(s) read: 5 new, 0 updated, 0 unchanged"
        )),
        "{said}"
    );
    assert!(
        said.contains(
            "setup added: calendar 'NY', calendar 'Paris office', policy 'gold', \
             policy 'urgent', at-risk share 0.3, view 'Acme open', view 'late'"
        ),
        "{said}"
    );
    // The other way round: this casebook takes another's.
    let said = run(&c, &["copy", "--from", &a, "--json"]);
    let summary: serde_json::Value = serde_json::from_str(&said).unwrap();
    assert_eq!(summary["from"], a.as_str());
    assert_eq!(summary["to"], c.as_str());
    assert_eq!(summary["created"], 5);
    for format in ["json", "jsonl"] {
        let original = run(&a, &["export", "--format", format]);
        assert!(original.contains("Acme Support"), "{original}");
        assert_eq!(
            run(&b, &["export", "--format", format]),
            original,
            "{format}"
        );
        assert_eq!(
            run(&c, &["export", "--format", format]),
            original,
            "{format}"
        );
    }
    for list in [
        &["sla", "list", "--json"][..],
        &["list", "--json"][..],
        &["report", "--by", "vendor", "--json"][..],
    ] {
        assert_eq!(run(&b, list), run(&a, list), "{list:?}");
    }
    // The trail is the same, but for the numbers each casebook gives its events.
    assert_eq!(trail(&b, "demo-screw"), trail(&a, "demo-screw"));
    assert!(run(&b, &["check"]).starts_with("ok"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&b).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
}

#[test]
fn copying_twice_writes_nothing_the_second_time() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (
        path_of(dir.path(), "a.sqlite3"),
        path_of(dir.path(), "b.sqlite3"),
    );
    set_up(&a);
    run(&a, &["copy", "--to", &b]);
    let events = event_count(&b);
    let before = dump(&b);
    let source_before = dump(&a);
    for args in [&["copy", "--to", &b][..], &["copy", "--from", &a][..]] {
        let db = if args[1] == "--to" { &a } else { &b };
        let said = run(db, args);
        assert!(
            said.contains("5 case(s) read: 0 new, 0 updated, 5 unchanged"),
            "{said}"
        );
        assert!(!said.contains("setup"), "{said}");
        assert_eq!(event_count(&b), events, "{args:?}");
        assert_eq!(dump(&b), before, "{args:?}");
    }
    // The source is only read.
    assert_eq!(dump(&a), source_before);
}

#[test]
fn an_individuals_file_adds_its_cases_with_their_trail() {
    let dir = tempfile::tempdir().unwrap();
    let (team, mine) = (
        path_of(dir.path(), "team.sqlite3"),
        path_of(dir.path(), "mine.sqlite3"),
    );
    set_up(&team);
    someone_else(&mine);
    let team_titles = titles(&team);
    let team_trails: Vec<_> = (1..=5).map(|id| trail(&team, &id.to_string())).collect();
    let said = run(&mine, &["copy", "--to", &team]);
    assert!(
        said.contains("3 case(s) read: 3 new, 0 updated, 0 unchanged"),
        "{said}"
    );
    assert!(said.contains("setup added: policy 'silver'"), "{said}");
    let mut all = team_titles.clone();
    all.extend(titles(&mine));
    all.sort();
    assert_eq!(titles(&team), all);
    // The team's own cases are as they were; the new ones keep their trail.
    for (id, before) in (1..=5).zip(&team_trails) {
        assert_eq!(&trail(&team, &id.to_string()), before, "case {id}");
    }
    for n in 1..=3 {
        let r = format!("other-{n}");
        let theirs = trail(&mine, &r);
        assert!(theirs.len() >= 2, "{theirs:?}");
        assert_eq!(trail(&team, &r), theirs, "{r}");
    }
    // Again: nothing new.
    let events = event_count(&team);
    let again = run(&team, &["copy", "--from", &mine]);
    assert!(again.contains("0 new, 0 updated, 3 unchanged"), "{again}");
    assert_eq!(event_count(&team), events);
}

#[test]
fn a_setup_that_differs_is_kept_unless_replace_setup() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (
        path_of(dir.path(), "a.sqlite3"),
        path_of(dir.path(), "b.sqlite3"),
    );
    set_up(&a);
    someone_else(&b);
    run(
        &b,
        &[
            "sla",
            "policy",
            "add",
            "gold",
            "--calendar",
            "24x7",
            "--first-response",
            "8",
            "--resolution",
            "40",
        ],
    );
    run(&b, &["sla", "at-risk", "0.2"]);
    let said = run(&a, &["copy", "--to", &b]);
    assert!(
        said.contains(&format!(
            "setup kept as {b} has it, though {a}'s differs (--replace-setup takes {a}'s): \
             policy 'gold', at-risk share 0.3"
        )),
        "{said}"
    );
    let mine: serde_json::Value =
        serde_json::from_str(&run(&b, &["sla", "list", "--json"])).unwrap();
    assert_eq!(mine["at_risk_share"], 0.2);
    let said = run(&a, &["copy", "--to", &b, "--replace-setup"]);
    assert!(
        said.contains(&format!(
            "setup replaced by {a}'s (--replace-setup): policy 'gold', at-risk share 0.3"
        )),
        "{said}"
    );
    let policies = |db: &str| {
        let v: serde_json::Value =
            serde_json::from_str(&run(db, &["sla", "list", "--json"])).unwrap();
        (v["at_risk_share"].clone(), v["policies"].clone())
    };
    let (share, theirs) = policies(&a);
    let (mine, now) = policies(&b);
    assert_eq!(mine, share);
    let gold = |list: &serde_json::Value| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "gold")
            .cloned()
    };
    assert_eq!(gold(&now), gold(&theirs));
    // Nothing is removed: the destination's own policy stays.
    assert!(now.to_string().contains("silver"), "{now}");
}

#[test]
fn a_copy_that_fails_midway_keeps_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, fresh) = (
        path_of(dir.path(), "a.sqlite3"),
        path_of(dir.path(), "b.sqlite3"),
        path_of(dir.path(), "fresh.sqlite3"),
    );
    set_up(&a);
    someone_else(&b);
    // A case the import refuses, last in the export: a touch before its
    // case was opened (a file written before the rule may hold one).
    let id = run(
        &a,
        &[
            "add",
            "--vendor",
            "Zeta",
            "--title",
            "Last one",
            "--channel",
            "web",
        ],
    );
    let conn = rusqlite::Connection::open(&a).unwrap();
    conn.execute(
        "UPDATE touchpoints SET at = at - 86400000 WHERE case_id = ?1",
        [id.trim().parse::<i64>().unwrap()],
    )
    .unwrap();
    drop(conn);
    let before = dump(&b);
    let err = fails(&a, &["copy", "--to", &b]);
    assert!(err.contains("Last one") || err.contains("before"), "{err}");
    assert_eq!(dump(&b), before);
    // A destination file the copy made is gone again.
    fails(&a, &["copy", "--to", &fresh]);
    assert!(!Path::new(&fresh).exists());
}

#[test]
fn refuses_a_casebook_onto_itself_and_a_missing_source() {
    let dir = tempfile::tempdir().unwrap();
    let (a, missing) = (
        path_of(dir.path(), "a.sqlite3"),
        path_of(dir.path(), "missing.sqlite3"),
    );
    run(&a, &["demo", "--stories-only"]);
    let same = path_of(dir.path(), "./a.sqlite3");
    let err = fails(&a, &["copy", "--to", &same]);
    assert!(err.contains("the same casebook"), "{err}");
    let err = fails(&a, &["copy", "--from", &missing]);
    assert!(err.contains("does not exist"), "{err}");
    assert!(!Path::new(&missing).exists());
    let err = fails(&a, &["copy"]);
    assert!(err.contains("--to") && err.contains("--from"), "{err}");
}

#[test]
fn never_prints_a_password() {
    let dir = tempfile::tempdir().unwrap();
    let a = path_of(dir.path(), "a.sqlite3");
    run(&a, &["demo", "--stories-only"]);
    let url = format!(
        "postgresql://someone:s3cr3t-pw@/casebook?host={}&connect_timeout=2",
        dir.path().join("no-server").display()
    );
    for args in [["copy", "--to", &url], ["copy", "--from", &url]] {
        let out = cmd(&a).args(args).output().unwrap();
        assert!(!out.status.success());
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!all.contains("s3cr3t"), "{all}");
        assert!(all.contains("someone@"), "{all}");
    }
}

/// How many events a PostgreSQL casebook holds.
fn pg_event_count(url: &str) -> i64 {
    let target = casebook::db_url::PgTarget::parse(url).unwrap();
    let mut client = target.connect().unwrap();
    client
        .query_one("SELECT count(*) FROM events", &[])
        .unwrap()
        .get(0)
}

#[test]
fn a_file_through_postgres_and_back_exports_the_same_document() {
    let Some(pg) = common::pg::fresh_database("copy_roundtrip") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (a, back) = (
        path_of(dir.path(), "a.sqlite3"),
        path_of(dir.path(), "back.sqlite3"),
    );
    set_up(&a);
    let said = run(&a, &["copy", "--to", &pg]);
    assert!(said.contains("5 new, 0 updated, 0 unchanged"), "{said}");
    let said = run(&back, &["copy", "--from", &pg]);
    assert!(said.contains("5 new, 0 updated, 0 unchanged"), "{said}");
    for format in ["json", "jsonl"] {
        let original = run(&a, &["export", "--format", format]);
        assert_eq!(
            run(&pg, &["export", "--format", format]),
            original,
            "{format}"
        );
        assert_eq!(
            run(&back, &["export", "--format", format]),
            original,
            "{format}"
        );
    }
    // Again, both ways: nothing is written.
    let (events, back_events) = (pg_event_count(&pg), event_count(&back));
    let back_rows = dump(&back);
    let again = run(&pg, &["copy", "--from", &a]);
    assert!(again.contains("0 new, 0 updated, 5 unchanged"), "{again}");
    let again = run(&pg, &["copy", "--to", &back]);
    assert!(again.contains("0 new, 0 updated, 5 unchanged"), "{again}");
    assert_eq!(pg_event_count(&pg), events);
    assert_eq!(event_count(&back), back_events);
    assert_eq!(dump(&back), back_rows);
}

#[test]
fn a_second_file_copied_into_postgres_adds_its_cases() {
    let Some(pg) = common::pg::fresh_database("copy_second") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = (
        path_of(dir.path(), "first.sqlite3"),
        path_of(dir.path(), "second.sqlite3"),
    );
    set_up(&first);
    someone_else(&second);
    run(&first, &["copy", "--to", &pg]);
    let before = pg_event_count(&pg);
    let team_titles = titles(&pg);
    let said = run(&pg, &["copy", "--from", &second]);
    assert!(
        said.contains("3 case(s) read: 3 new, 0 updated, 0 unchanged"),
        "{said}"
    );
    assert!(said.contains("setup added: policy 'silver'"), "{said}");
    assert_eq!(
        pg_event_count(&pg),
        before + event_count(&second),
        "every event of the second file, and no other"
    );
    let mut all = team_titles;
    all.extend(titles(&second));
    all.sort();
    assert_eq!(titles(&pg), all);
    for n in 1..=3 {
        let r = format!("other-{n}");
        assert_eq!(trail(&pg, &r), trail(&second, &r), "{r}");
    }
}
