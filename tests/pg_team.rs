//! A team's casebook on PostgreSQL: several writers at once lose nothing,
//! a killed import keeps nothing, a role that may only read is told so, the
//! trail stays append-only in the database itself, a schema newer than the
//! binary is refused. Each test skips, saying why, without CASEBOOK_PG.

#![allow(clippy::unwrap_used)]

mod common;

use assert_cmd::Command;

const CLOCK: &str = "2026-12-07T10:00:00Z";

fn casebook(db: &str) -> Command {
    common::casebook_clocked(db, CLOCK)
}

fn ok(c: &mut Command) -> String {
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn failed(c: &mut Command) -> String {
    let out = c.output().unwrap();
    assert!(
        !out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn sql(url: &str, query: &str) -> i64 {
    let mut client = casebook::db_url::PgTarget::parse(url)
        .unwrap()
        .connect()
        .unwrap();
    let row = client.query_one(query, &[]).unwrap();
    row.get(0)
}

fn run_sql(url: &str, statements: &str) {
    let mut client = casebook::db_url::PgTarget::parse(url)
        .unwrap()
        .connect()
        .unwrap();
    client.batch_execute(statements).unwrap();
}

#[test]
fn several_writers_at_once_lose_nothing() {
    let Some(db) = common::pg::fresh_database("writers") else {
        return;
    };
    ok(casebook(&db).args([
        "add",
        "--vendor",
        "Acme",
        "--title",
        "Shared case",
        "--ref",
        "shared",
    ]));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let db = db.clone();
            std::thread::spawn(move || {
                for i in 0..8 {
                    let note = format!("writer {w} touch {i}");
                    ok(casebook(&db).args([
                        "touch",
                        "shared",
                        "--channel",
                        "phone",
                        "--from",
                        "customer",
                        "--outcome",
                        "sent",
                        "--note",
                        &note,
                    ]));
                    let title = format!("case {w}-{i}");
                    ok(casebook(&db).args(["add", "--vendor", "Acme", "--title", &title]));
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    assert_eq!(sql(&db, "SELECT count(*) FROM touchpoints"), 32);
    assert_eq!(sql(&db, "SELECT count(*) FROM cases"), 33);
    assert_eq!(
        sql(&db, "SELECT count(DISTINCT id) FROM cases"),
        33,
        "every case got an id of its own"
    );
    // Each write left its event; the case's summary counts every touch.
    assert_eq!(
        sql(
            &db,
            "SELECT count(*) FROM events WHERE kind = 'touch_added'"
        ),
        32
    );
    assert_eq!(
        sql(&db, "SELECT touch_count FROM cases WHERE ref = 'shared'"),
        32
    );
    let list = ok(casebook(&db).args(["list", "shared", "--json"]));
    assert!(list.contains("\"touches\": 32"), "{list}");
}

#[test]
fn an_import_killed_midway_keeps_nothing() {
    let Some(db) = common::pg::fresh_database("killed") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.sqlite3").display().to_string();
    ok(casebook(&file).args(["generate", "--cases", "2000"]));
    let export = dir.path().join("big.jsonl");
    ok(casebook(&file)
        .args(["export", "--format", "jsonl", "-o"])
        .arg(&export));
    let mut import = std::process::Command::new(env!("CARGO_BIN_EXE_casebook"))
        .env("CASEBOOK_CLOCK", CLOCK)
        .env_remove("CASEBOOK_DB")
        .args(["--db", &db, "import"])
        .arg(&export)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Killed midway (the import takes several seconds at this size).
    std::thread::sleep(std::time::Duration::from_millis(800));
    let still_running = import.try_wait().unwrap().is_none();
    import.kill().unwrap();
    import.wait().unwrap();
    // The server ends the dead client's transaction: nothing of it is kept.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let cases = sql(&db, "SELECT count(*) FROM cases");
    if still_running {
        assert_eq!(cases, 0, "a killed import keeps nothing");
        assert_eq!(sql(&db, "SELECT count(*) FROM touchpoints"), 0);
        assert_eq!(sql(&db, "SELECT count(*) FROM events"), 0);
    } else {
        eprintln!("the import finished before it could be killed: it is whole");
        assert_eq!(cases, 2000);
    }
    // A re-run completes it.
    let out = ok(casebook(&db).arg("import").arg(&export));
    assert!(out.contains("2000 case(s) read"), "{out}");
    assert_eq!(sql(&db, "SELECT count(*) FROM cases"), 2000);
}

/// An import into a database without cases drops the indexes no write
/// reads and builds each again in one pass before its commit: afterwards
/// every index is there and the note search finds what it found before.
/// A writer granted the tables' rows but not their ownership (who may not
/// drop their indexes) imports with them kept.
#[test]
fn an_import_into_an_empty_database_builds_its_indexes_again() {
    let Some(server) = common::pg::server() else {
        return;
    };
    let indexes = "SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema()";
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("some.sqlite3").display().to_string();
    ok(casebook(&file).args(["generate", "--cases", "300"]));
    let export = dir.path().join("some.jsonl");
    ok(casebook(&file)
        .args(["export", "--format", "jsonl", "-o"])
        .arg(&export));
    let found_in_file = ok(casebook(&file).args(["list", "refund", "--limit", "500", "--json"]));
    // One database made a casebook by its first case, emptied; its
    // indexes as the schema makes them.
    let made = |tag: &str| {
        let db = common::pg::fresh_database(tag).unwrap();
        ok(casebook(&db).args(["add", "--vendor", "Acme", "--title", "First"]));
        ok(casebook(&db).args(["delete", "1"]));
        db
    };
    // An index built again is another object (another oid).
    let note_index = "SELECT 'touchpoints_note_search'::regclass::oid::bigint";
    let owner = made("indexes_owner");
    let expected = sql(&owner, indexes);
    let before = sql(&owner, note_index);
    ok(casebook(&owner).arg("import").arg(&export));
    assert_eq!(sql(&owner, indexes), expected);
    assert_ne!(
        sql(&owner, note_index),
        before,
        "the note index was kept row by row"
    );
    let found = ok(casebook(&owner).args(["list", "refund", "--limit", "500", "--json"]));
    assert_eq!(found, found_in_file);
    // A writer with rights on the rows only.
    let granted = made("indexes_granted");
    let role = format!("granted_{}", std::process::id());
    run_sql(
        &server,
        &format!("DROP ROLE IF EXISTS {role}; CREATE ROLE {role} LOGIN"),
    );
    run_sql(
        &granted,
        &format!(
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
             GRANT CREATE ON SCHEMA public TO {role}"
        ),
    );
    let as_granted = common::pg::with_userinfo(&granted, &role);
    let before = sql(&granted, note_index);
    ok(casebook(&as_granted).arg("import").arg(&export));
    assert_eq!(sql(&granted, indexes), expected);
    assert_eq!(sql(&granted, note_index), before);
    assert_eq!(sql(&granted, "SELECT count(*) FROM cases"), 300);
}

/// The number of cases a server keeps (for the case list's count, at
/// once) follows every way cases come and go: generate, add, a second
/// import of the same cases (which adds none), delete, restore, a killed
/// import (kept nothing), and `check` compares it with a count.
#[test]
fn the_number_of_cases_kept_follows_every_write() {
    let Some(db) = common::pg::fresh_database("counted") else {
        return;
    };
    let kept = "SELECT n FROM case_count";
    let counted = "SELECT count(*) FROM cases";
    ok(casebook(&db).args(["generate", "--cases", "40"]));
    assert_eq!((sql(&db, kept), sql(&db, counted)), (40, 40));
    ok(casebook(&db).args(["add", "--vendor", "Acme", "--title", "One more"]));
    assert_eq!(sql(&db, kept), 41);
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("all.jsonl");
    ok(casebook(&db)
        .args(["export", "--format", "jsonl", "-o"])
        .arg(&export));
    ok(casebook(&db).arg("import").arg(&export));
    assert_eq!(sql(&db, kept), 41);
    ok(casebook(&db).args(["delete", "3"]));
    assert_eq!((sql(&db, kept), sql(&db, counted)), (40, 40));
    ok(casebook(&db).args(["restore", "3"]));
    assert_eq!((sql(&db, kept), sql(&db, counted)), (41, 41));
    let out = ok(casebook(&db).arg("check"));
    assert!(out.starts_with("ok"), "{out}");
    // A count gone wrong (written by hand) is what `check` reports.
    run_sql(&db, "UPDATE case_count SET n = 7");
    let out = casebook(&db).arg("check").output().unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("the count of cases kept says 7, and there are 41"),
        "{said}"
    );
}

#[test]
fn a_role_that_may_only_read_opens_read_only_and_is_told_so() {
    let Some(db) = common::pg::fresh_database("reader") else {
        return;
    };
    ok(casebook(&db).args([
        "add", "--vendor", "Acme", "--title", "A case", "--ref", "one",
    ]));
    let role = format!("reader_{}", std::process::id());
    run_sql(
        &db,
        &format!("DROP ROLE IF EXISTS {role}; CREATE ROLE {role} LOGIN; GRANT pg_read_all_data TO {role};"),
    );
    let reader = common::pg::with_userinfo(&db, &role);
    let listed = casebook(&reader).args(["list", "--json"]).output().unwrap();
    assert!(listed.status.success());
    assert!(String::from_utf8_lossy(&listed.stdout).contains("A case"));
    assert!(
        String::from_utf8_lossy(&listed.stderr).contains("may only read"),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    let err = failed(casebook(&reader).args([
        "touch",
        "one",
        "--channel",
        "phone",
        "--from",
        "customer",
        "--outcome",
        "sent",
    ]));
    assert!(err.contains("this database role may only read"), "{err}");
    assert!(!err.to_lowercase().contains("permission denied"), "{err}");
    assert_eq!(sql(&db, "SELECT count(*) FROM touchpoints"), 0);
}

#[test]
fn the_trail_is_append_only_in_the_database_itself() {
    let Some(db) = common::pg::fresh_database("trail") else {
        return;
    };
    ok(casebook(&db).args(["add", "--vendor", "Acme", "--title", "A case"]));
    let mut client = casebook::db_url::PgTarget::parse(&db)
        .unwrap()
        .connect()
        .unwrap();
    for statement in [
        "UPDATE events SET kind = 'x'",
        "DELETE FROM events",
        "TRUNCATE events",
    ] {
        let err = client.batch_execute(statement).unwrap_err();
        assert!(
            err.to_string().contains("append-only") || format!("{err:?}").contains("append-only"),
            "{statement}: {err:?}"
        );
    }
    assert_eq!(sql(&db, "SELECT count(*) FROM events"), 1);
    let check = ok(casebook(&db).arg("check"));
    assert!(check.starts_with("ok:"), "{check}");
}

#[test]
fn a_schema_newer_than_the_binary_is_refused() {
    let Some(db) = common::pg::fresh_database("newer") else {
        return;
    };
    ok(casebook(&db).args(["add", "--vendor", "Acme", "--title", "A case"]));
    run_sql(
        &db,
        "INSERT INTO casebook_schema (version, name) VALUES (99, '99-from-the-future')",
    );
    let err = failed(casebook(&db).arg("list"));
    assert!(err.contains("newer casebook"), "{err}");
    assert!(err.contains("schema 99"), "{err}");
}

#[test]
fn an_empty_database_is_not_made_a_casebook_by_a_command_that_reads() {
    let Some(db) = common::pg::fresh_database("empty") else {
        return;
    };
    let err = failed(casebook(&db).arg("list"));
    assert!(err.contains("is empty"), "{err}");
    assert_eq!(
        sql(
            &db,
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ),
        0
    );
}

/// The README's "Working as a team", followed: a database owned by a group
/// of writers, two writers (the first to connect makes the schema, the
/// other writes to it at once), a reader; each event names its writer.
#[test]
fn the_readme_team_setup_gives_two_writers_and_a_reader() {
    let Some(server) = common::pg::server() else {
        return;
    };
    let n = std::process::id();
    let (team, ana, bob, rita, db) = (
        format!("team_{n}"),
        format!("ana_{n}"),
        format!("bob_{n}"),
        format!("rita_{n}"),
        format!("casebook_team_{n}"),
    );
    run_sql(
        &server,
        &format!(
            "CREATE ROLE {team} NOLOGIN;
             CREATE ROLE {ana} LOGIN IN ROLE {team};
             CREATE ROLE {bob} LOGIN IN ROLE {team};
             CREATE ROLE {rita} LOGIN;
             GRANT pg_read_all_data TO {rita};"
        ),
    );
    run_sql(&server, &format!("CREATE DATABASE {db} OWNER {team}"));
    let url = common::pg::with_dbname(&server, &db);
    let as_role = |role: &str| common::pg::with_userinfo(&url, role);
    ok(casebook(&as_role(&ana)).args([
        "add",
        "--vendor",
        "Acme",
        "--title",
        "Logged by ana",
        "--ref",
        "a1",
    ]));
    ok(casebook(&as_role(&bob)).args([
        "touch",
        "a1",
        "--channel",
        "phone",
        "--from",
        "customer",
        "--outcome",
        "sent",
    ]));
    ok(casebook(&as_role(&bob)).args(["status", "a1", "escalated"]));
    let history = ok(casebook(&as_role(&rita)).args(["history", "a1", "--json"]));
    assert!(history.contains("touch_added"), "{history}");
    let err = failed(casebook(&as_role(&rita)).args(["status", "a1", "open"]));
    assert!(err.contains("this database role may only read"), "{err}");
    // The group owns the tables, whoever made them.
    assert_eq!(
        sql(
            &url,
            &format!("SELECT count(*) FROM pg_tables WHERE tablename = 'cases' AND tableowner = '{team}'")
        ),
        1
    );
}

/// A long write elsewhere (an import) holds the store's write lock: reading
/// goes on, untouched by it; a write waits the config's busy timeout, then
/// says the database is locked, never hangs.
#[test]
fn a_writer_waits_its_busy_timeout_and_readers_never_wait() {
    let Some(db) = common::pg::fresh_database("locked") else {
        return;
    };
    ok(casebook(&db).args(["add", "--vendor", "Acme", "--title", "A case"]));
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[storage]\nbusy_timeout_ms = 700\n").unwrap();
    let mut holder = casebook::db_url::PgTarget::parse(&db)
        .unwrap()
        .connect()
        .unwrap();
    holder
        .batch_execute("BEGIN; UPDATE meta SET value = value WHERE key = 'writes';")
        .unwrap();
    let started = std::time::Instant::now();
    let listed = ok(casebook(&db).arg("--config").arg(&config).arg("list"));
    assert!(listed.contains("A case"), "{listed}");
    let err = failed(
        casebook(&db)
            .arg("--config")
            .arg(&config)
            .args(["add", "--vendor", "Acme", "--title", "Another"]),
    );
    assert!(err.contains("locked"), "{err}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    holder.batch_execute("ROLLBACK").unwrap();
    ok(casebook(&db).args(["add", "--vendor", "Acme", "--title", "Another"]));
    assert_eq!(sql(&db, "SELECT count(*) FROM cases"), 2);
}
