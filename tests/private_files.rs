//! Private by default (issue 21): every file and folder casebook creates is
//! its owner's alone, a file others can read is said to be so, and a
//! database password is kept out of sight. The binary runs under a umask of
//! 022, so that a file made without care would come out 0644. Tests run as
//! root, who ignores permission bits: they read modes, not access.
#![cfg(unix)]
#![allow(clippy::unwrap_used)]

mod common;
mod tui_support;

use assert_cmd::prelude::*;
use casebook::app::App;
use casebook::store::Store;
use common::{stderr_of, stdout_of, Db, NOW};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// The binary under a umask of 022, whatever the test runner's is.
fn loose(mut cmd: Command) -> Command {
    // SAFETY: umask is async-signal-safe and cannot fail.
    unsafe {
        cmd.pre_exec(|| {
            libc::umask(0o022);
            Ok(())
        });
    }
    cmd
}

/// The binary on `db`, under a umask of 022.
fn casebook(db: &Path) -> Command {
    loose(common::casebook(db))
}

/// The binary with no --db and no CASEBOOK_DB, its home in `home`.
fn casebook_at_home(home: &Path) -> Command {
    let mut c = loose(Command::new(env!("CARGO_BIN_EXE_casebook")));
    c.env("TZ", "UTC")
        .env("CASEBOOK_NOW", NOW)
        .env("HOME", home)
        .env_remove("CASEBOOK_DB")
        .env_remove("XDG_DATA_HOME")
        .env_remove("XDG_CONFIG_HOME");
    c
}

const ADD: [&str; 7] = [
    "add",
    "--vendor",
    "Acme",
    "--title",
    "Router drops Wi-Fi",
    "--category",
    "defect",
];

#[test]
fn every_command_that_creates_a_database_makes_it_0600_in_a_0700_folder() {
    let dir = tempfile::tempdir().unwrap();
    // A file to import: an export of one case.
    let source = dir.path().join("source.sqlite3");
    stdout_of(casebook(&source).args(ADD));
    let export = dir.path().join("cases.json");
    stdout_of(casebook(&source).args(["export", "-o"]).arg(&export));
    let export = export.to_str().unwrap();
    let commands: [&[&str]; 4] = [
        &ADD,
        &["demo", "--stories-only"],
        &["import", export],
        &["generate", "--cases", "2"],
    ];
    for args in commands {
        // A folder of its own, which the command creates too.
        let folder = dir.path().join(args[0]).join("new");
        let db = folder.join("cases.sqlite3");
        stdout_of(casebook(&db).args(args));
        assert_eq!(mode(&db), 0o600, "{args:?}: the database");
        assert_eq!(mode(&folder), 0o700, "{args:?}: its folder");
        assert_eq!(mode(folder.parent().unwrap()), 0o700, "{args:?}");
    }
}

#[test]
fn the_default_data_folder_is_0700_and_an_existing_folder_is_left_alone() {
    let home = tempfile::tempdir().unwrap();
    stdout_of(casebook_at_home(home.path()).args(ADD));
    let folder = home.path().join(".local/share/casebook");
    assert_eq!(mode(&folder.join("casebook.sqlite3")), 0o600);
    assert_eq!(mode(&folder), 0o700);
    assert_eq!(mode(&home.path().join(".local/share")), 0o700);

    // XDG_DATA_HOME, there already and open to all: only what casebook
    // makes in it is private.
    let data = home.path().join("data");
    std::fs::create_dir(&data).unwrap();
    chmod(&data, 0o755);
    stdout_of(
        casebook_at_home(home.path())
            .env("XDG_DATA_HOME", &data)
            .args(ADD),
    );
    assert_eq!(mode(&data.join("casebook/casebook.sqlite3")), 0o600);
    assert_eq!(mode(&data.join("casebook")), 0o700);
    assert_eq!(mode(&data), 0o755);
}

#[test]
fn the_write_ahead_log_and_shared_memory_take_the_files_mode() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.sqlite3");
    let wal = dir.path().join("cases.sqlite3-wal");
    let shm = dir.path().join("cases.sqlite3-shm");
    // SQLite removes both when the last connection closes: look while a
    // long generate is writing.
    let mut child = casebook(&db)
        .args(["generate", "--cases", "1000000"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let seen = loop {
        if let (Ok(w), Ok(s)) = (std::fs::metadata(&wal), std::fs::metadata(&shm)) {
            break Some((
                w.permissions().mode() & 0o777,
                s.permissions().mode() & 0o777,
            ));
        }
        if start.elapsed() > Duration::from_secs(60) || child.try_wait().unwrap().is_some() {
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(seen, Some((0o600, 0o600)), "-wal and -shm");
    assert_eq!(mode(&db), 0o600);
}

#[test]
fn export_and_backup_write_0600_files() {
    let db = Db::new();
    stdout_of(casebook(&db.path).args(ADD));
    let dir = db.dir.path();

    let fresh = dir.join("fresh.json");
    stdout_of(casebook(&db.path).args(["export", "-o"]).arg(&fresh));
    assert_eq!(mode(&fresh), 0o600);

    // Over a file that others could read, and beside a stale half export
    // (a `.part`) that others could read: the result is private all the same.
    let again = dir.join("again.csv");
    let part = dir.join("again.part");
    for old in [&again, &part] {
        std::fs::write(old, "old").unwrap();
        chmod(old, 0o644);
    }
    stdout_of(
        casebook(&db.path)
            .args(["export", "--format", "csv", "-o"])
            .arg(&again),
    );
    assert_eq!(mode(&again), 0o600);
    assert!(std::fs::read_to_string(&again).unwrap().contains("Acme"));
    assert!(!part.exists());

    let backup = dir.join("backup.sqlite3");
    stdout_of(casebook(&db.path).arg("backup").arg(&backup));
    assert_eq!(mode(&backup), 0o600);
    assert!(stdout_of(casebook(&backup).arg("check")).starts_with("ok:"));
}

/// Runs `check`, which must succeed; its output and its warnings.
fn check(db: &Path) -> (String, String) {
    let out = casebook(db).arg("check").assert().success();
    let text = |bytes: &[u8]| String::from_utf8(bytes.to_vec()).unwrap();
    (
        text(&out.get_output().stdout),
        text(&out.get_output().stderr),
    )
}

#[test]
fn check_warns_of_a_file_others_can_read_and_leaves_it_alone() {
    let db = Db::new();
    stdout_of(casebook(&db.path).args(ADD));
    let (out, err) = check(&db.path);
    assert!(out.starts_with("ok:"), "{out}");
    assert!(!err.contains("warning"), "{err}");

    chmod(&db.path, 0o644);
    // A warning, not a problem: check still succeeds and says ok.
    let (out, err) = check(&db.path);
    let path = db.path.display();
    assert!(
        err.contains(&format!(
            "warning: other accounts can read {path} (mode 0644)"
        )),
        "{err}"
    );
    assert!(err.contains(&format!("chmod 600 {path}")), "{err}");
    assert!(out.starts_with("ok:"), "{out}");
    assert_eq!(mode(&db.path), 0o644, "the file is left as it was");

    // Group access alone is enough to be warned of.
    chmod(&db.path, 0o640);
    assert!(check(&db.path).1.contains("(mode 0640)"));
}

#[test]
fn the_app_says_once_at_the_start_that_others_can_read_the_file() {
    tui_support::utc();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cases.sqlite3");
    drop(Store::open(&path).unwrap());
    assert_eq!(mode(&path), 0o600);
    let app = App::new(
        Store::open_existing(&path).unwrap(),
        tui_support::now(),
        false,
    )
    .unwrap();
    assert!(app.flash.is_none());

    chmod(&path, 0o644);
    let mut app = App::new(
        Store::open_existing(&path).unwrap(),
        tui_support::now(),
        false,
    )
    .unwrap();
    let flash = app.flash.as_ref().expect("a note on the status line");
    assert!(flash.text.contains("(mode 0644)"), "{}", flash.text);
    assert!(flash.error);
    let screen = tui_support::render(&mut app, 200, 24);
    let bottom = screen.last().unwrap();
    assert!(
        bottom.contains(&format!("chmod 600 {}", path.display())),
        "{bottom}"
    );

    // Read-only and open to others: both are said.
    chmod(&path, 0o444);
    let store = Store::open_existing(&path).unwrap();
    assert!(store.read_only);
    let app = App::new(store, tui_support::now(), false).unwrap();
    let text = &app.flash.as_ref().unwrap().text;
    assert!(
        text.contains("read-only") && text.contains("(mode 0444)"),
        "{text}"
    );
}

#[test]
fn a_config_with_a_database_password_that_others_can_read_is_refused() {
    let db = Db::with_config();
    stdout_of(casebook(&db.path).args(ADD));
    let config = db.dir.path().join("config.toml");
    let list = || {
        let mut c = casebook(&db.path);
        c.arg("--config").arg(&config).arg("list");
        c
    };
    let secret = "hunter2";
    db.config("[storage]\nbusy_timeout_ms = 100\n# the team's server: postgresql://ana:hunter2@db.example.com/cases\n");
    chmod(&config, 0o644);
    let err = stderr_of(&mut list());
    assert!(err.contains("refused the config file"), "{err}");
    assert!(err.contains("holds a database password"), "{err}");
    assert!(err.contains("(mode 0644)"), "{err}");
    assert!(
        err.contains(&format!("chmod 600 {}", config.display())),
        "{err}"
    );
    assert!(!err.contains(secret), "{err}");

    chmod(&config, 0o600);
    stdout_of(&mut list());

    // Without a password, the mode is the owner's business.
    db.config("[storage]\nbusy_timeout_ms = 100\n# postgresql://ana@db.example.com/cases\n");
    chmod(&config, 0o644);
    stdout_of(&mut list());

    // A private config that does not parse: its error quotes the line,
    // the password hidden.
    db.config("db = \"postgresql://ana:hunter2@db.example.com/cases\"\n");
    chmod(&config, 0o600);
    let err = stderr_of(&mut list());
    assert!(err.contains("bad config file"), "{err}");
    assert!(err.contains("postgresql://ana:***@"), "{err}");
    assert!(!err.contains(secret), "{err}");
}

#[test]
fn a_password_on_the_command_line_is_warned_of_and_never_printed() {
    let cwd = tempfile::tempdir().unwrap();
    let url = "postgresql://ana:hunter2@db.example.com/cases";
    let bare = || {
        let mut c = casebook_at_home(cwd.path());
        c.current_dir(cwd.path());
        c
    };
    for args in [
        vec!["--db", url, "list"],
        vec!["list", &format!("--db={url}")],
    ] {
        let err = stderr_of(bare().args(&args));
        assert!(err.contains("process list"), "{args:?}: {err}");
        assert!(
            err.contains(".pgpass") && err.contains("PGPASSWORD"),
            "{err}"
        );
        // No server answers there: the error names the host, not the password.
        assert!(err.contains("db.example.com"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
    }
    // From the environment it is not in the process list: no warning.
    let err = stderr_of(
        bare()
            .env("CASEBOOK_DB", url)
            .args(["add", "--vendor", "A", "--title", "T"]),
    );
    assert!(!err.contains("process list"), "{err}");
    assert!(
        err.contains("db.example.com") && !err.contains("hunter2"),
        "{err}"
    );
    // No password, no warning.
    let err = stderr_of(bare().args(["--db", "postgresql://ana@db.example.com/cases", "list"]));
    assert!(!err.contains("process list"), "{err}");
    // Nothing was made of the URL: no folder named `postgresql:`.
    let made: Vec<_> = std::fs::read_dir(cwd.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(made.is_empty(), "{made:?}");
}
