//! Two people, two app windows, one team's casebook on PostgreSQL: what one
//! logs by keys shows in the other's open case within a couple of seconds
//! (LISTEN/NOTIFY), and the other way round. Skipped, saying why, without
//! tmux or a server (CASEBOOK_PG).
#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_casebook");
const CLOCK: &str = "2022-08-06T12:00:00Z";

/// A tmux server of our own running the app on `db`, killed when dropped.
struct Window {
    socket: String,
}

impl Window {
    fn open(name: &str, db: &str) -> Window {
        let w = Window {
            socket: format!("casebook-pg-{name}-{}", std::process::id()),
        };
        let app = format!("{BIN} --db '{db}'");
        let ok = w
            .cmd(&[
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                "app",
                "-x",
                "100",
                "-y",
                "30",
                "-e",
                "TZ=UTC",
                "-e",
                &format!("CASEBOOK_CLOCK={CLOCK}"),
                &app,
            ])
            .status
            .success();
        assert!(ok, "tmux would not start a session");
        w
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
        let mut args = vec!["send-keys", "-t", "app"];
        args.extend(keys);
        assert!(self.cmd(&args).status.success());
    }

    fn text(&self, text: &str) {
        assert!(self
            .cmd(&["send-keys", "-t", "app", "-l", text])
            .status
            .success());
    }

    fn pane(&self) -> String {
        String::from_utf8_lossy(&self.cmd(&["capture-pane", "-p", "-t", "app"]).stdout).into()
    }

    #[track_caller]
    fn wait_for(&self, text: &str, within: Duration) {
        let start = Instant::now();
        while start.elapsed() < within {
            if self.pane().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("'{text}' never showed; the pane:\n{}", self.pane());
    }

    /// Logs a touch with this note on the open case, by keys.
    fn log_touch(&self, note: &str) {
        self.keys(&["t"]);
        self.wait_for("New touch on case 2", Duration::from_secs(10));
        self.text(note);
        self.keys(&["C-y"]);
        self.keys(&["Enter"]);
        self.wait_for("added to case 2", Duration::from_secs(10));
    }
}

impl Drop for Window {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
    }
}

#[test]
fn two_app_windows_each_see_the_others_changes() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("skipped: tmux is not installed");
        return;
    }
    let Some(db) = common::pg::fresh_database("two_windows") else {
        return;
    };
    let demo = Command::new(BIN)
        .env("CASEBOOK_CLOCK", CLOCK)
        .args(["--db", &db, "demo", "--stories-only"])
        .output()
        .unwrap();
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );

    let ana = Window::open("ana", &db);
    let bob = Window::open("bob", &db);
    for w in [&ana, &bob] {
        w.wait_for("1 of 4 · sort urgency", Duration::from_secs(10));
        // The open cable sign-up is first: both open it.
        w.keys(&["Enter"]);
        w.wait_for("10 touches", Duration::from_secs(10));
    }
    ana.log_touch("Ana: called again, line went dead");
    ana.wait_for("11 touches", Duration::from_secs(5));
    bob.wait_for("11 touches", Duration::from_secs(3));
    bob.log_touch("Bob: wrote to the executive office");
    bob.wait_for("12 touches", Duration::from_secs(5));
    ana.wait_for("12 touches", Duration::from_secs(3));
}
