//! Shared by the terminal app's tests: the demo data in memory (or in a
//! file), a fixed clock and time zone, keys, and screens drawn to text.
#![allow(dead_code, clippy::unwrap_used)]

use casebook::app::{Action, App};
use casebook::store::Store;
use casebook::ui::{self, Theme};
use chrono::{DateTime, TimeZone, Utc};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;

/// The day after the last demo story: the cable sign-up is still open.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2022, 8, 6, 12, 0, 0).unwrap()
}

/// Times on screen are local: the tests read them in UTC.
pub fn utc() {
    std::env::set_var("TZ", "UTC");
}

/// Each event names who wrote it (on a file, the operating-system user):
/// the tests write as one known user, so that screens are the same on every
/// machine.
pub const WRITER: &str = "ana";

pub fn known_writer() {
    std::env::set_var("USER", WRITER);
}

pub fn demo_store() -> Store {
    known_writer();
    let mut store = Store::in_memory().unwrap();
    casebook::io::demo::load(&mut store, now()).unwrap();
    store
}

/// The app on the demo stories, at 80×24.
pub fn demo_app() -> App {
    utc();
    let mut app = App::new(demo_store(), now(), false).unwrap();
    app.update(Action::Resize(80, 24));
    app
}

/// Draws the app at a size; the screen as lines of text.
pub fn render(app: &mut App, w: u16, h: u16) -> Vec<String> {
    render_with(app, w, h, &Theme::plain())
}

pub fn render_with(app: &mut App, w: u16, h: u16, theme: &Theme) -> Vec<String> {
    app.update(Action::Resize(w, h));
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| ui::draw(f, app, theme)).unwrap();
    let buf = terminal.backend().buffer().clone();
    (0..h)
        .map(|y| {
            (0..w)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect()
}

pub fn screen(app: &mut App) -> String {
    render(app, 80, 24).join("\n")
}

pub fn key(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

pub fn ctrl(app: &mut App, c: char) {
    app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

/// Types text, one key per character.
pub fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// Applies a filter the way a user does: `/`, the text, Enter.
pub fn filter(app: &mut App, text: &str) {
    key(app, KeyCode::Char('/'));
    while !app.cases.filter.is_empty() {
        key(app, KeyCode::Backspace);
    }
    typed(app, text);
    key(app, KeyCode::Enter);
}

/// The ids of the cases the triage table lists, in order.
pub fn listed(app: &App) -> Vec<i64> {
    app.cases.rows.iter().map(|r| r.id).collect()
}
