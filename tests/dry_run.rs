//! `import --dry-run` never creates or changes a file, whatever happens:
//! on a path with no file, on an empty file and on a casebook, with an
//! import that would succeed and one that fails.

#![allow(clippy::unwrap_used)]

mod common;

use common::{casebook, stderr_of, stdout_of, Db};
use std::path::Path;

const GOOD: &str = r#"{"casebook":1,"cases":[{"ref":"a","title":"Kettle","vendor":"Acme","opened_at":"2024-01-01T00:00:00Z"}]}"#;
const BAD: &str = r#"{"casebook":1,"cases":[{"ref":"a","title":"Kettle","vendor":"Acme","opened_at":"2024-01-01T00:00:00Z"},{"ref":"b","title":"Bad","vendor":"Acme","opened_at":"not a time"}]}"#;

/// The names in a folder, sorted, and each file's size and time of change
/// (a `stat`: only SQLite opens the database file).
fn folder(dir: &Path) -> Vec<(String, u64, std::time::SystemTime)> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let m = e.metadata().unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                m.len(),
                m.modified().unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_dry_run_creates_no_file_where_there_is_none() {
    let files = tempfile::tempdir().unwrap();
    let good = files.path().join("good.json");
    let bad = files.path().join("bad.json");
    std::fs::write(&good, GOOD).unwrap();
    std::fs::write(&bad, BAD).unwrap();
    let target = tempfile::tempdir().unwrap();
    // In a folder that does not exist either.
    let db = target.path().join("new").join("cases.sqlite3");
    let out = stdout_of(casebook(&db).args(["import", good.to_str().unwrap(), "--dry-run"]));
    assert!(
        out.contains("dry run, nothing written: 1 case(s) read: 1 new"),
        "{out}"
    );
    let err = stderr_of(casebook(&db).args(["import", bad.to_str().unwrap(), "--dry-run"]));
    assert!(err.contains("line"), "{err}");
    assert!(
        folder(target.path()).is_empty(),
        "{:?}",
        folder(target.path())
    );
}

#[test]
fn a_dry_run_changes_no_file_there_is() {
    let db = Db::new();
    let good = db.file_arg("good.json", GOOD);
    let bad = db.file_arg("bad.json", BAD);
    // An empty file stays empty.
    std::fs::write(&db.path, b"").unwrap();
    let before = folder(db.dir.path());
    db.run(&["import", &good, "--dry-run"]);
    db.fails(&["import", &bad, "--dry-run"]);
    assert_eq!(folder(db.dir.path()), before);
    // A casebook with cases (and one without): the dry runs leave it as it was.
    std::fs::remove_file(&db.path).unwrap();
    db.run(&["add", "--vendor", "Zed", "--title", "Other"]);
    db.run(&["delete", "1"]);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let before = folder(db.dir.path());
    let events = db.event_count();
    let out = db.run(&["import", &good, "--dry-run"]);
    assert!(out.contains("1 new"), "{out}");
    db.fails(&["import", &bad, "--dry-run"]);
    assert_eq!(folder(db.dir.path()), before);
    assert_eq!(db.event_count(), events);
}
