//! The spec's speed targets on a generated data set (100 000 cases, about
//! 1 000 000 touchpoints by default; CASEBOOK_BENCH_CASES to change it).
//! Prints one line per figure. Run: `cargo bench --bench scale`.
//! Timings are wall-clock on this machine; run it on an idle machine.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use casebook::domain::query::Query;
use casebook::store::paging::PageStart;
use casebook::store::query::SortKey;
use casebook::store::report::{GroupBy, Window};
use casebook::store::Store;
use chrono::{DateTime, TimeZone, Utc};
use rusqlite::types::Value;
use std::process::Command;
use std::time::{Duration, Instant};

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    println!("{what:<48} {:>10.1} ms", took.as_secs_f64() * 1000.0);
    (out, took)
}

/// The best of a few runs, for the quick queries.
fn best_of(what: &str, runs: usize, mut f: impl FnMut()) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let start = Instant::now();
        f();
        best = best.min(start.elapsed());
    }
    println!(
        "{what:<48} {:>10.2} ms (best of {runs})",
        best.as_secs_f64() * 1000.0
    );
    best
}

/// Runs the casebook binary on a file at the bench's fixed time; it must succeed.
fn casebook(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_casebook"))
        .arg("--db")
        .arg(db)
        .args(["--now", "2026-11-23T00:00:00Z"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Rows a page holds when the bench pages through the table.
const PAGE: usize = 50;

/// Where a page starts: after the row with this key (the first page when
/// there is none).
fn after(key: &[Value]) -> PageStart<'_> {
    if key.is_empty() {
        PageStart::First
    } else {
        PageStart::After(key)
    }
}

/// Pages from the first row to row `depth`, each page after the key of the
/// last row read; returns the key of row `depth` (empty when `depth` is 0).
fn walk_by_key(
    store: &Store,
    q: &Query,
    sort: SortKey,
    depth: usize,
    now: DateTime<Utc>,
) -> Vec<Value> {
    let mut key = Vec::new();
    let mut read = 0;
    while read < depth {
        let page = store
            .case_page_from(q, sort, false, after(&key), PAGE.min(depth - read), now)
            .unwrap();
        let last = page.last().expect("the table has `depth` rows");
        read += page.len();
        key = last.key.clone();
    }
    key
}

fn main() {
    let cases: usize = std::env::var("CASEBOOK_BENCH_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // CASEBOOK_BENCH_DB=FILE measures the queries on a file generated before,
    // without generating or importing again.
    let given = std::env::var("CASEBOOK_BENCH_DB")
        .ok()
        .map(std::path::PathBuf::from);
    let db = given
        .clone()
        .unwrap_or_else(|| dir.path().join("bench.sqlite3"));
    let bin = env!("CARGO_BIN_EXE_casebook");
    println!("casebook scale bench: {cases} cases in {}", db.display());

    // Generate through the binary, as a user would.
    let (_, gen) = timed("generate", || {
        if given.is_some() {
            return;
        }
        let out = casebook(&db, &["generate", "--cases", &cases.to_string()]);
        print!("  {}", String::from_utf8_lossy(&out.stdout));
    });
    let mut store = Store::open(&db).unwrap();
    let touches: i64 = {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.query_row("SELECT count(*) FROM touchpoints", [], |r| r.get(0))
            .unwrap()
    };
    println!(
        "{:<48} {:>10.0} touchpoints/s",
        "  generate rate",
        touches as f64 / gen.as_secs_f64()
    );
    store.refresh_due(now).unwrap();

    let all = Query::default();
    best_of("triage: first page (50, by urgency) + count", 5, || {
        store
            .case_page(&all, SortKey::Urgency, false, 0, 50, now)
            .unwrap();
        store.case_count(&all, now).unwrap();
    });
    // Deep paging as the Cases screen does it: each page starts
    // after the key of the last row read (keyset), never at an OFFSET.
    let total = store.case_count(&all, now).unwrap();
    let depth = 50_000.min(total.saturating_sub(PAGE) / PAGE * PAGE);
    let mut deep_key = Vec::new();
    best_of(
        &format!("triage: reach row {depth} by age (by key, {PAGE} a page)"),
        3,
        || deep_key = walk_by_key(&store, &all, SortKey::Age, depth, now),
    );
    best_of(
        &format!("triage: the page after row {depth} by age, by key"),
        5,
        || {
            let page = store
                .case_page_from(&all, SortKey::Age, false, after(&deep_key), PAGE, now)
                .unwrap();
            assert_eq!(page.len(), PAGE.min(total - depth));
        },
    );
    for q in [
        "vendor:042 status:open",
        "flag:broken_promise",
        "age>30d channel:phone",
        "category:billing priority:urgent",
        "refund",
    ] {
        let query = Query::parse(q).unwrap();
        best_of(&format!("filter '{q}': page + count"), 3, || {
            store
                .case_page(&query, SortKey::Urgency, false, 0, 50, now)
                .unwrap();
            store.case_count(&query, now).unwrap();
        });
    }

    let window = Window {
        since: None,
        until: None,
    };
    let (_, report) = timed("report --by vendor (library)", || {
        store.report(GroupBy::Vendor, window, now).unwrap()
    });
    let (_, cli_report) = timed("report --by vendor --json (the binary)", || {
        casebook(&db, &["report", "--by", "vendor", "--json"]);
    });
    if Command::new("sqlite3").arg("--version").output().is_ok() {
        let sql = include_str!("report_by_vendor.sql")
            .replace("0 /*NOW*/", &now.timestamp_millis().to_string());
        let (_, hand) = timed("the same figures in hand-written SQL (sqlite3)", || {
            let mut child = Command::new("sqlite3")
                .arg(&db)
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap();
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(sql.as_bytes())
                .unwrap();
            assert!(child.wait().unwrap().success());
        });
        println!(
            "{:<48} {:>10.2} ×",
            "  report (binary) / hand-written SQL",
            cli_report.as_secs_f64() / hand.as_secs_f64()
        );
    } else {
        println!("sqlite3 shell not found: the SQL comparison is skipped");
    }
    let _ = report;

    if std::path::Path::new("/usr/bin/time").exists() {
        let out = Command::new("/usr/bin/time")
            .args([
                "-f",
                "%M",
                bin,
                "--db",
                db.to_str().unwrap(),
                "report",
                "--by",
                "channel",
            ])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        let kib: f64 = err
            .lines()
            .last()
            .and_then(|l| l.trim().parse().ok())
            .unwrap_or(f64::NAN);
        println!(
            "{:<48} {:>10.1} MB",
            "peak memory of report --by channel",
            kib / 1024.0
        );
    }

    if given.is_some() {
        return;
    }
    // Export as JSON Lines and import into a new file.
    let jsonl = dir.path().join("all.jsonl");
    timed("export --format jsonl", || {
        casebook(
            &db,
            &["export", "--format", "jsonl", "-o", jsonl.to_str().unwrap()],
        );
    });
    let fresh = dir.path().join("imported.sqlite3");
    let (_, imp) = timed("import the JSON Lines into a new file", || {
        casebook(&fresh, &["import", jsonl.to_str().unwrap()]);
    });
    println!(
        "{:<48} {:>10.0} touchpoints/s",
        "  import rate",
        touches as f64 / imp.as_secs_f64()
    );
}
