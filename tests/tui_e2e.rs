//! The real binary in a real terminal (tmux): open the app on the demo
//! stories, log a touch by keys alone, quit, and check both the data (with
//! `casebook show N --json`) and that the terminal was given back (main
//! screen, cooked mode, the shell answering). Skipped, saying why, when tmux
//! is not installed.
#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_casebook");
const NOW: &str = "2022-08-06T12:00:00Z";

/// A tmux server of our own (its own socket), killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(name: &str, db: &Path) -> Option<Tmux> {
        Tmux::start_with(name, &[&format!("CASEBOOK_DB={}", db.display())])
    }

    /// A session whose shell has these variables (`NAME=VALUE`) besides the
    /// time zone and the clock.
    fn start_with(name: &str, vars: &[&str]) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            eprintln!("skipped: tmux is not installed (the end-to-end test needs it)");
            return None;
        }
        let socket = format!("casebook-e2e-{name}-{}", std::process::id());
        let t = Tmux { socket };
        let mut args = vec![
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "e2e",
            "-x",
            "100",
            "-y",
            "30",
            "-e",
            "TZ=UTC",
            "-e",
        ];
        let now = format!("CASEBOOK_NOW={NOW}");
        args.push(&now);
        for v in vars {
            args.extend(["-e", v]);
        }
        args.push("sh");
        let ok = t.cmd(&args).status.success();
        assert!(ok, "tmux would not start a session");
        Some(t)
    }

    fn cmd(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs")
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend(keys);
        assert!(self.cmd(&args).status.success());
    }

    fn text(&self, text: &str) {
        assert!(self
            .cmd(&["send-keys", "-t", "e2e", "-l", text])
            .status
            .success());
    }

    fn pane(&self) -> String {
        String::from_utf8_lossy(&self.cmd(&["capture-pane", "-p", "-t", "e2e"]).stdout).into()
    }

    fn alternate_screen(&self) -> bool {
        let out = self.cmd(&["display-message", "-p", "-t", "e2e", "#{alternate_on}"]);
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }

    fn pane_pid(&self) -> String {
        let out = self.cmd(&["display-message", "-p", "-t", "e2e", "#{pane_pid}"]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Waits until the pane shows `text` (10 s at most).
    #[track_caller]
    fn wait_for(&self, text: &str) {
        self.wait_until(text, |pane| pane.contains(text));
    }

    #[track_caller]
    fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if ok(&self.pane()) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("'{what}' never showed; the pane:\n{}", self.pane());
    }

    /// Waits for the shell's prompt ($ or #, as root).
    #[track_caller]
    fn prompt(&self) {
        self.wait_until("a prompt", |pane| {
            pane.trim_end().ends_with('$') || pane.trim_end().ends_with('#')
        });
    }

    /// Checks that the shell has the terminal back, in cooked mode.
    #[track_caller]
    fn shell_is_back(&self) {
        let start = Instant::now();
        while self.alternate_screen() && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(100));
        }
        assert!(!self.alternate_screen(), "still on the alternate screen");
        // In raw mode Enter would not end the line: the shell answering
        // proves the line discipline is back; stty says so outright.
        self.text(
            "stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo | tr '\\n' + ; echo \"DONE-$?\"",
        );
        self.keys(&["Enter"]);
        self.wait_for("icanon+echo+DONE-0");
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
    }
}

fn demo_db(dir: &Path) -> PathBuf {
    let db = dir.join("e2e.sqlite3");
    let out = Command::new(BIN)
        .args(["--db"])
        .arg(&db)
        .args(["demo", "--stories-only"])
        .env("CASEBOOK_NOW", NOW)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    db
}

fn show_json(db: &Path, case: &str) -> serde_json::Value {
    let out = Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(["show", case, "--json"])
        .env("CASEBOOK_NOW", NOW)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_touch_logged_by_keys_is_in_the_database_and_the_terminal_is_restored() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let Some(tmux) = Tmux::start("touch", &db) else {
        return;
    };
    tmux.prompt();
    tmux.text(BIN);
    tmux.keys(&["Enter"]);
    tmux.wait_for("1 of 4 · sort urgency");
    assert!(tmux.alternate_screen());
    // The open cable sign-up is first: open it, log a touch.
    tmux.keys(&["Enter"]);
    tmux.wait_for("› case 2");
    tmux.keys(&["t"]);
    tmux.wait_for("New touch on case 2");
    tmux.text("Pressed 1 again and the line went dead: they hung up");
    tmux.wait_for("outcome dropped?");
    tmux.keys(&["C-y"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("added to case 2");
    tmux.keys(&["q"]);
    tmux.wait_for("1 of 4 · sort urgency");
    tmux.keys(&["q"]);
    tmux.shell_is_back();

    let shown = show_json(&db, "2");
    let touches = shown["touchpoints"].as_array().unwrap();
    assert_eq!(touches.len(), 11);
    let t = touches.last().unwrap();
    assert_eq!(
        t["note"],
        "Pressed 1 again and the line went dead: they hung up"
    );
    assert_eq!(t["outcome"], "dropped");
    assert_eq!(t["channel"], "phone");
    assert_eq!(t["from"], "customer");
    assert_eq!(t["at"], NOW);
}

#[test]
fn sigterm_gives_the_terminal_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let Some(tmux) = Tmux::start("term", &db) else {
        return;
    };
    tmux.prompt();
    tmux.text(BIN);
    tmux.keys(&["Enter"]);
    tmux.wait_for("1 of 4 · sort urgency");
    // The app is the shell's child: find it by the pane's pid, send SIGTERM.
    let shell = tmux.pane_pid();
    let ps = Command::new("ps")
        .args(["-o", "pid=", "--ppid", &shell])
        .output()
        .unwrap();
    let pid = String::from_utf8_lossy(&ps.stdout).trim().to_string();
    assert!(!pid.is_empty(), "no child of the shell {shell}");
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    // Ended by SIGTERM: status 128 + 15, as a shell expects.
    let start = Instant::now();
    while tmux.alternate_screen() && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(100));
    }
    tmux.text("echo \"EXIT-$?\"");
    tmux.keys(&["Enter"]);
    tmux.wait_for("EXIT-143");
    tmux.shell_is_back();
}

/// An import on a terminal shows how far it has come, and clears that line
/// when it ends. The cases come through a pipe that stalls after 2 000 of
/// them (a pipe has no length: a spinner with the cases and touches read).
#[test]
fn an_import_shows_its_progress_on_a_terminal_and_clears_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("import.sqlite3");
    let Some(tmux) = Tmux::start("import", &db) else {
        return;
    };
    let line = |i: usize| {
        format!(
            r#"{{"ref":"p-{i}","title":"Case {i}","vendor":"Acme","opened_at":"2022-01-01T00:00:00Z","touchpoints":[{{"at":"2022-01-01T00:00:00Z","channel":"phone","from":"customer","outcome":"sent"}}]}}"#
        )
    };
    let part = |name: &str, range: std::ops::Range<usize>| {
        let p = dir.path().join(name);
        let text: Vec<String> = range.map(line).collect();
        std::fs::write(&p, text.join("\n") + "\n").unwrap();
        p.display().to_string()
    };
    let (first, rest) = (part("first.jsonl", 0..2000), part("rest.jsonl", 2000..2500));
    tmux.prompt();
    tmux.text(&format!(
        "(cat {first}; sleep 3; cat {rest}) | {BIN} import - --format jsonl ; echo \"IMPORTED-$?\""
    ));
    tmux.keys(&["Enter"]);
    // Written in batches: 1 000 at least are in while the pipe stalls.
    tmux.wait_for("1000 cases, 1000 touches");
    tmux.wait_for("IMPORTED-0");
    let pane = tmux.pane();
    assert!(
        pane.contains("2500 case(s) read: 2500 new"),
        "the summary is missing:\n{pane}"
    );
    assert!(
        !pane.contains("cases, "),
        "the progress line was left on the screen:\n{pane}"
    );
}

/// Every event of the demo stories' trails, by `casebook history`.
fn trail_events(db: &Path) -> usize {
    (1..=4)
        .map(|id| {
            let out = Command::new(BIN)
                .arg("--db")
                .arg(db)
                .args(["history", &id.to_string(), "--json"])
                .env("CASEBOOK_NOW", NOW)
                .output()
                .unwrap();
            assert!(out.status.success(), "{out:?}");
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            v.as_array().map_or(0, Vec::len)
        })
        .sum()
}

/// A filter typed on every screen filters the cases and edits nothing; keys
/// typed in one burst after a key that opens a form or a popup are not
/// taken by it (issue 20: "Parcel never arrived → ndor:comcast").
#[test]
fn a_filter_typed_on_every_screen_leaves_the_trail_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let before = trail_events(&db);
    assert!(before > 0);
    let Some(tmux) = Tmux::start("filter", &db) else {
        return;
    };
    tmux.prompt();
    tmux.text(BIN);
    tmux.keys(&["Enter"]);
    tmux.wait_for("1 of 4 · sort urgency");
    let filter_everywhere = |go: &[&str], shows: &str| {
        tmux.keys(go);
        tmux.wait_for(shows);
        tmux.text("/vendor:comcast");
        tmux.keys(&["Enter"]);
        tmux.wait_for("/ vendor:comcast");
        tmux.wait_for(" of 2 · sort urgency");
        // Back to every case for the next screen.
        tmux.keys(&["Escape"]);
        tmux.wait_for("1 of 4");
    };
    filter_everywhere(&["1"], "sort urgency");
    filter_everywhere(&["Enter"], "› case 2");
    filter_everywhere(&["2"], "friction");
    filter_everywhere(&["3"], "friction");
    filter_everywhere(&["4"], "polic");
    // On the Case screen, `e` and the rest of a word in one burst: the form
    // opens, the rest is not typed into it, Enter saves nothing.
    tmux.keys(&["1", "Enter"]);
    tmux.wait_for("› case 2");
    tmux.text("endor:comcast\r");
    tmux.wait_for("Tab/↑↓ fields");
    // The form was seen once the burst was over: Esc closes it unchanged.
    std::thread::sleep(Duration::from_millis(300));
    assert!(!tmux.pane().contains("comcast"), "{}", tmux.pane());
    tmux.keys(&["Escape"]);
    tmux.wait_until("the form closed", |pane| !pane.contains("Tab/↑↓ fields"));
    // `x` and a letter in one burst: the status popup sets nothing.
    tmux.text("xc");
    tmux.wait_for("Status of case 2");
    std::thread::sleep(Duration::from_millis(300));
    tmux.keys(&["Escape"]);
    tmux.wait_until("the popup closed", |pane| {
        !pane.contains("Status of case 2")
    });
    tmux.keys(&["q"]);
    tmux.wait_for("1 of 4 · sort urgency");
    tmux.keys(&["q"]);
    tmux.shell_is_back();
    assert_eq!(trail_events(&db), before);
    assert_eq!(show_json(&db, "2")["status"], "waiting_vendor");
}

/// The first run starts (issue 20): with no file at the default path the app
/// makes it in its own data folder and says where; a missing `--db PATH` is
/// asked about before the terminal is taken over ("n" creates nothing).
#[test]
fn the_first_run_creates_the_file_and_asks_about_a_named_one() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let Some(tmux) = Tmux::start_with("first", &[&format!("XDG_DATA_HOME={}", data.display())])
    else {
        return;
    };
    tmux.prompt();
    // The default path: $XDG_DATA_HOME/casebook/casebook.sqlite3.
    tmux.text(&format!("env -u CASEBOOK_DB {BIN}"));
    tmux.keys(&["Enter"]);
    let made = data.join("casebook").join("casebook.sqlite3");
    tmux.wait_for("a new casebook: created");
    tmux.wait_for("sort urgency");
    assert!(made.exists(), "{} was not made", made.display());
    tmux.keys(&["q"]);
    tmux.shell_is_back();
    // It said where, and the words stay under the app once it is gone.
    tmux.wait_for(&format!("created {}", made.display()));

    // A named file: asked first; "n" leaves nothing behind.
    let named = dir.path().join("mine").join("cases.sqlite3");
    tmux.text(&format!(
        "clear; env -u CASEBOOK_DB {BIN} --db {}",
        named.display()
    ));
    tmux.keys(&["Enter"]);
    tmux.wait_for(&format!("create {}? (y/n)", named.display()));
    assert!(!tmux.alternate_screen(), "asked inside the app");
    tmux.text("n");
    tmux.keys(&["Enter"]);
    tmux.wait_for("nothing was created");
    assert!(!named.exists() && !dir.path().join("mine").exists());
    // "y" makes it and opens the app on it.
    tmux.text(&format!(
        "clear; env -u CASEBOOK_DB {BIN} --db {}",
        named.display()
    ));
    tmux.keys(&["Enter"]);
    tmux.wait_for("(y/n)");
    tmux.text("y");
    tmux.keys(&["Enter"]);
    tmux.wait_for("sort urgency");
    assert!(named.exists());
    tmux.keys(&["q"]);
    tmux.shell_is_back();
}
