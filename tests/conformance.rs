#![allow(clippy::unwrap_used)]
//! One casebook, two engines: the same commands on a file and on a
//! PostgreSQL database give the same output, byte for byte (reports,
//! lists, `show --json`, flags, next, history, exports), after the same
//! writes (import, add, touch, status, resolve, edit, delete, restore,
//! service levels, each preset's import). The only thing allowed to differ
//! is a new case's random uid, which is replaced before comparing.
//!
//! Who wrote an event is the operating-system user on a file and the role on
//! a server: the commands on the file run as a user named as the server's
//! role (`USER` and `LOGNAME` in their environment), so that the trail's
//! actors, too, are compared as they are, not normalized.
//!
//! Without a server (CASEBOOK_PG unset) the test runs the script on the
//! file alone, so that its commands are still checked, and says it skipped
//! the comparison.

mod common;

use std::path::Path;

/// The machine's clock for every command: writes happen "now", reads
/// measure to it, on both engines alike.
const CLOCK: &str = "2026-12-07T10:00:00Z";

fn run(db: &str, args: &[&str], stdin: Option<&[u8]>, actor: &str) -> (bool, String, String) {
    run_at(db, CLOCK, args, stdin, actor)
}

fn run_at(
    db: &str,
    clock: &str,
    args: &[&str],
    stdin: Option<&[u8]>,
    actor: &str,
) -> (bool, String, String) {
    let mut c = common::casebook_clocked(db, clock);
    c.env("USER", actor).env("LOGNAME", actor).args(args);
    if let Some(input) = stdin {
        c.write_stdin(input.to_vec());
    }
    let out = c.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A new case's uid is random (UUID v7): the one thing the engines may not share.
fn without_new_uids(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // 8-4-4-4-12 hex digits with a 7 as the version digit
        if i + 36 <= bytes.len() && text.is_char_boundary(i + 36) && is_v7(&text[i..i + 36]) {
            out.push_str("<uid>");
            i += 36;
        } else {
            let ch = text[i..].chars().next().unwrap();
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

fn is_v7(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && [8, 13, 18, 23].iter().all(|&k| b[k] == b'-')
        && b[14] == b'7'
        && b.iter()
            .enumerate()
            .all(|(k, c)| [8, 13, 18, 23].contains(&k) || c.is_ascii_hexdigit())
}

/// The steps: (args, whether the output is compared).
fn script(fixtures: &Path, seed: &Path, side: &Path) -> Vec<(Vec<String>, bool)> {
    let s = |args: &[&str]| args.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    let fixture = |name: &str| fixtures.join(name).display().to_string();
    let seed = seed.display().to_string();
    let side = side.display().to_string();
    let mut steps: Vec<(Vec<String>, bool)> = vec![
        (s(&["import", &seed]), true),
        (s(&["import", &seed]), true),
        (
            s(&["import", "--preset", "zendesk", &fixture("zendesk.csv")]),
            true,
        ),
        (
            s(&["import", "--preset", "nyc311", &fixture("nyc311.csv")]),
            true,
        ),
        (
            s(&["import", "--preset", "cfpb", &fixture("cfpb.csv")]),
            true,
        ),
        (
            s(&[
                "import",
                "--preset",
                "helpdesk-log",
                &fixture("helpdesk-log.csv"),
            ]),
            true,
        ),
        // New cases without ids (generate says how long it took: not compared).
        (s(&["generate", "--cases", "30", "--seed", "5"]), false),
        // Cases from another file (see `side_file`): some known, some new
        // with ids already taken, one given twice.
        (s(&["import", &side]), true),
        (
            s(&[
                "add",
                "--vendor",
                "Acme Support",
                "--title",
                "Drawer screws missing",
                "--channel",
                "phone",
                "--opened",
                "2026-12-01 09:00",
                "--priority",
                "high",
            ]),
            true,
        ),
        (
            s(&[
                "touch",
                "demo-cable",
                "--channel",
                "chat",
                "--from",
                "customer",
                "--outcome",
                "promise",
                "--at",
                "2026-12-02 10:00",
                "--promise-due",
                "2026-12-04 10:00",
                "--minutes",
                "12",
                "--wait",
                "30",
                "--note",
                "Promised a callback: ünïcode, 'quotes', 100%",
            ]),
            true,
        ),
        (
            s(&[
                "status",
                "demo-cable",
                "escalated",
                "--at",
                "2026-12-03 08:00",
            ]),
            true,
        ),
        (
            s(&[
                "resolve",
                "demo-phone",
                "--outcome",
                "workaround",
                "--at",
                "2026-12-05 12:00",
            ]),
            true,
        ),
        (
            s(&[
                "edit",
                "demo-screw",
                "--owner",
                "ana",
                "--priority",
                "urgent",
            ]),
            true,
        ),
        (
            s(&[
                "sla",
                "calendar",
                "add",
                "office",
                "--tz",
                "Europe/Paris",
                "--hours",
                "mon-fri 09:00-17:00",
            ]),
            true,
        ),
        (
            s(&[
                "sla",
                "policy",
                "add",
                "standard",
                "--calendar",
                "office",
                "--first-response",
                "8",
                "--resolution",
                "40",
            ]),
            true,
        ),
        (s(&["delete", "bg-7"]), true),
        (s(&["restore", "bg-7"]), true),
        (s(&["delete", "bg-8"]), true),
    ];
    let reads: &[&[&str]] = &[
        &["list", "--json"],
        &["list"],
        &["list", "--sort", "age", "--limit", "40"],
        &["list", "--sort", "vendor", "--json"],
        &["list", "--sort", "channel", "--json"],
        &["list", "--sort", "sla", "--json"],
        &["list", "--sort", "touches", "--json"],
        &["list", "status:open", "--json"],
        &["list", "vendor:comcast", "--json"],
        &["list", "flag:runaround", "--json"],
        &["list", "sla:breached", "--json"],
        &["list", "age>30d", "channel:phone", "--json"],
        &["list", "callback", "--json"],
        &["list", "unicode", "--json"],
        &["list", "ÜNÏC", "--json"],
        &["list", "quotes", "--json"],
        &["list", "drawer", "--json"],
        &["list", "tag:generated", "--limit", "5", "--json"],
        &["show", "demo-screw", "--json"],
        &["show", "demo-cable", "--json"],
        &["show", "demo-cable"],
        &["flags", "--json"],
        &["next", "--json"],
        &["next"],
        &["history", "demo-cable", "--json"],
        &["history", "bg-7"],
        &["report", "--json"],
        &["report", "--by", "channel", "--json"],
        &["report", "--by", "category", "--json"],
        &["report", "--by", "party", "--json"],
        &["report", "--by", "stage", "--json"],
        &["report", "--csv"],
        &[
            "report",
            "--since",
            "2026-01-01",
            "--until",
            "2026-07-01",
            "--json",
        ],
        &["report"],
        &["export"],
        &["export", "--format", "csv"],
        &["sla", "calendar", "list"],
        &["--as-of", "2026-06-30", "report", "--json"],
        &["--as-of", "2026-06-30", "list", "--json"],
    ];
    steps.extend(reads.iter().map(|r| (s(r), true)));
    steps
}

/// The places a comparison runs on: a new file `name` in `dir`, and a fresh
/// database on the server named from `name` when there is one (else it
/// says the comparison is skipped); with the actor the file's commands run
/// as (the server's role).
fn both_engines(dir: &Path, name: &str) -> (Vec<String>, String) {
    let server = common::pg::fresh_database(name);
    let actor = server
        .as_deref()
        .map_or_else(|| "postgres".to_string(), common::pg::role);
    let mut places = vec![dir.join(format!("{name}.sqlite3")).display().to_string()];
    match server {
        Some(db) => places.push(db),
        None => eprintln!("the comparison with PostgreSQL is skipped: the file alone is checked"),
    }
    (places, actor)
}

/// A JSON Lines export of 40 generated cases from another file: ids that
/// the casebook it goes into has taken, the script's `generate` made the
/// first 30 (the same cases, under other uids and ids), and at its end the
/// third case again with another title and the 35th again as it is.
fn side_file(dir: &Path, actor: &str) -> std::path::PathBuf {
    let db = dir.join("side.sqlite3").display().to_string();
    let (ok, _, err) = run(
        &db,
        &["generate", "--cases", "40", "--seed", "5"],
        None,
        actor,
    );
    assert!(ok, "generate: {err}");
    let (ok, export, err) = run(&db, &["export", "--format", "jsonl"], None, actor);
    assert!(ok, "export: {err}");
    let mut lines: Vec<String> = export.lines().map(String::from).collect();
    let line_of = |r: &str| {
        let key = format!("\"ref\":\"{r}\"");
        lines.iter().find(|l| l.contains(&key)).cloned().unwrap()
    };
    let again = line_of("gen-3").replacen("\"title\":\"", "\"title\":\"Again: ", 1);
    let same = line_of("gen-35");
    lines.extend([again, same]);
    let path = dir.join("side.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

#[test]
fn the_same_commands_give_the_same_output_on_a_file_and_on_postgresql() {
    let dir = tempfile::tempdir().unwrap();
    let server = common::pg::fresh_database("conformance");
    // The file's writer is named as the server's role.
    let actor = server
        .as_deref()
        .map_or_else(|| "postgres".to_string(), common::pg::role);
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    // The seed: the demo as an export, so that both engines hold the same uids.
    let seed_db = dir.path().join("seed.sqlite3").display().to_string();
    let (ok, _, err) = run(&seed_db, &["demo"], None, &actor);
    assert!(ok, "demo: {err}");
    let (ok, export, err) = run(&seed_db, &["export"], None, &actor);
    assert!(ok, "export: {err}");
    let seed = dir.path().join("seed.json");
    std::fs::write(&seed, export).unwrap();

    let file = dir.path().join("cases.sqlite3").display().to_string();
    if server.is_none() {
        eprintln!("the comparison with PostgreSQL is skipped: the script runs on the file alone");
    }
    let mut differences = Vec::new();
    let side = side_file(dir.path(), &actor);
    for (args, compared) in script(&fixtures, &seed, &side) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (ok, out, err) = run(&file, &args, None, &actor);
        assert!(ok, "on the file, {args:?} failed: {err}");
        let Some(server) = &server else { continue };
        let (pg_ok, pg_out, pg_err) = run(server, &args, None, &actor);
        assert!(pg_ok, "on PostgreSQL, {args:?} failed: {pg_err}");
        let (a, b) = (without_new_uids(&out), without_new_uids(&pg_out));
        if compared && a != b {
            let line = a
                .lines()
                .zip(b.lines())
                .position(|(x, y)| x != y)
                .unwrap_or(a.lines().count().min(b.lines().count()));
            differences.push(format!(
                "{args:?}: first difference at line {}\n  file:       {}\n  postgresql: {}",
                line + 1,
                a.lines().nth(line).unwrap_or("(end)"),
                b.lines().nth(line).unwrap_or("(end)")
            ));
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

/// The cases whose derived data came due are re-derived a batch at a time
/// (src/store/case_batch.rs): 1 200 generated cases three days on, then
/// with other friction thresholds, which re-derive every case (more than
/// two batches). Both engines give the same lists, flags and report after
/// each, and `check` finds every case as a fresh derivation gives it.
#[test]
fn the_cases_that_came_due_are_brought_up_to_date_alike_on_both_engines() {
    let dir = tempfile::tempdir().unwrap();
    let (places, actor) = both_engines(dir.path(), "conformance_due");
    let config = dir.path().join("casebook.toml");
    std::fs::write(&config, "[friction]\nslow_response_hours = 24\n").unwrap();
    let config = config.display().to_string();
    let (made, later) = ("2026-11-23T00:00:00Z", "2026-11-26T09:00:00Z");
    let mut outputs = Vec::new();
    for db in &places {
        let (ok, _, err) = run_at(
            db,
            made,
            &["generate", "--cases", "1200", "--seed", "3"],
            None,
            &actor,
        );
        assert!(ok, "generate on {db}: {err}");
        let mut out = Vec::new();
        for with in [&[][..], &["--config", config.as_str()]] {
            let mut text = String::new();
            for read in [
                &["list", "--sort", "urgency", "--limit", "2000", "--json"][..],
                &["flags", "--json"],
                &["report", "--json"],
            ] {
                let args = [with, read].concat();
                let (ok, got, err) = run_at(db, later, &args, None, &actor);
                assert!(ok, "{args:?} on {db}: {err}");
                text.push_str(&without_new_uids(&got));
            }
            // Its message names the place: not compared.
            let args = [with, &["check"]].concat();
            let (ok, got, err) = run_at(db, later, &args, None, &actor);
            assert!(ok, "check on {db}: {got}{err}");
            out.push(text);
        }
        assert!(out[0] != out[1], "other thresholds changed nothing on {db}");
        outputs.push(out);
    }
    if let [a, b] = &outputs[..] {
        assert!(a[0] == b[0], "the file and PostgreSQL differ three days on");
        assert!(
            a[1] == b[1],
            "the file and PostgreSQL differ with other thresholds"
        );
    }
}

/// On a server, a report's pass is read on two connections (the second
/// takes the first one's snapshot) once the cases are many, and an
/// `--as-of` view's cases measured at the moment are too: the report is the
/// one read on a single connection, for every grouping.
#[test]
fn a_report_read_on_two_connections_of_a_server_is_the_one_read_on_one() {
    use casebook::store::report::{GroupBy, Window};
    use casebook::store::{Place, Store};
    let Some(db) = common::pg::fresh_database("two_readers") else {
        eprintln!("skipped: CASEBOOK_PG is not set (no PostgreSQL server)");
        return;
    };
    let actor = common::pg::role(&db);
    let (made, later) = ("2026-11-23T00:00:00Z", "2026-11-26T09:00:00Z");
    let (ok, _, err) = run_at(
        &db,
        made,
        &["generate", "--cases", "3000", "--seed", "4"],
        None,
        &actor,
    );
    assert!(ok, "generate: {err}");
    let now = chrono::DateTime::parse_from_rfc3339(later)
        .unwrap()
        .to_utc();
    let past = chrono::DateTime::parse_from_rfc3339("2026-06-30T00:00:00Z")
        .unwrap()
        .to_utc();
    let place = Place::parse(Path::new(&db)).unwrap();
    for as_of in [None, Some(past)] {
        let mut one = Store::open_existing_at(&place).unwrap();
        let mut two = Store::open_existing_at(&place).unwrap();
        one.split_reports_from = i64::MAX;
        one.live_on_two_threads = usize::MAX;
        two.split_reports_from = 0;
        two.live_on_two_threads = 0;
        if let Some(t) = as_of {
            one.view_as_of(t, false).unwrap();
            two.view_as_of(t, false).unwrap();
        }
        let window = Window {
            since: None,
            until: None,
        };
        for by in [
            GroupBy::Vendor,
            GroupBy::Channel,
            GroupBy::Category,
            GroupBy::Party,
            GroupBy::Stage,
        ] {
            let a = serde_json::to_string(&one.report(by, window, now).unwrap()).unwrap();
            let b = serde_json::to_string(&two.report(by, window, now).unwrap()).unwrap();
            assert!(a == b, "by {by:?}, as of {as_of:?}: two connections differ");
        }
    }
}

/// An import whose cases and touches come with ids the casebook partly
/// holds, over several of a server's batches (500 cases, whose taken ids
/// it asks once a batch): each row gets the id it comes with when free,
/// else the largest so far plus one, on both engines alike.
#[test]
fn an_import_whose_ids_are_partly_taken_gives_the_same_ids_on_both_engines() {
    let dir = tempfile::tempdir().unwrap();
    let (places, actor) = both_engines(dir.path(), "ids_taken");
    let side = dir.path().join("side.sqlite3").display().to_string();
    let (ok, _, err) = run(
        &side,
        &["generate", "--cases", "1300", "--seed", "7"],
        None,
        &actor,
    );
    assert!(ok, "generate: {err}");
    let lines = dir.path().join("side.jsonl");
    let (ok, export, err) = run(&side, &["export", "--format", "jsonl"], None, &actor);
    assert!(ok, "export: {err}");
    // Refs of their own: new cases, not the ones generated in the casebook.
    std::fs::write(&lines, export.replace("\"ref\":\"gen-", "\"ref\":\"side-")).unwrap();
    let lines = lines.display().to_string();
    let mut outputs = Vec::new();
    for db in &places {
        let (ok, _, err) = run(
            db,
            &["generate", "--cases", "600", "--seed", "8"],
            None,
            &actor,
        );
        assert!(ok, "generate on {db}: {err}");
        let (ok, said, err) = run(db, &["import", &lines], None, &actor);
        assert!(
            ok && said.contains("1300 new"),
            "import on {db}: {said}{err}"
        );
        let (ok, export, err) = run(db, &["export", "--format", "jsonl"], None, &actor);
        assert!(ok, "export on {db}: {err}");
        outputs.push(without_new_uids(&export));
    }
    if let [a, b] = &outputs[..] {
        assert!(a == b, "the file and PostgreSQL gave other ids");
    }
}

/// The case list's count of every case (which a server keeps) is, in a
/// view of the past, the count of the cases opened by then, on both
/// engines alike.
#[test]
fn the_count_of_every_case_in_a_view_of_the_past_is_the_views() {
    use casebook::domain::query::Query;
    use casebook::store::{Place, Store};
    let dir = tempfile::tempdir().unwrap();
    let (places, actor) = both_engines(dir.path(), "past_count");
    let now = chrono::DateTime::parse_from_rfc3339(CLOCK)
        .unwrap()
        .to_utc();
    let past = chrono::DateTime::parse_from_rfc3339("2026-06-30T00:00:00Z")
        .unwrap()
        .to_utc();
    let every = Query::parse("").unwrap();
    let mut counts = Vec::new();
    for db in &places {
        let (ok, _, err) = run(
            db,
            &["generate", "--cases", "300", "--seed", "9"],
            None,
            &actor,
        );
        assert!(ok, "generate on {db}: {err}");
        let place = Place::parse(Path::new(db)).unwrap();
        let all = Store::open_existing_at(&place)
            .unwrap()
            .case_count(&every, now)
            .unwrap();
        assert_eq!(all, 300);
        let mut then = Store::open_existing_at(&place).unwrap();
        then.view_as_of(past, true).unwrap();
        let by_then = then.case_count(&every, past).unwrap();
        let listed = then
            .case_page(
                &every,
                casebook::store::query::SortKey::Id,
                false,
                0,
                1_000,
                past,
            )
            .unwrap()
            .len();
        assert_eq!(by_then, listed, "on {db}");
        assert!(by_then < all, "on {db}: {by_then} of {all}");
        counts.push(by_then);
    }
    if let [a, b] = &counts[..] {
        assert_eq!(a, b);
    }
}
