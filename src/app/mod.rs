//! The terminal app's state and behaviour, with no terminal: `App::update`
//! takes an `Action` (from the keymap or the event loop) and changes the
//! state; writes go to the store there, one call (one transaction) each.
//! Tests drive it by sending actions or keys and reading the state.

pub mod action;
pub mod background;
pub mod case_form;
pub mod case_view;
pub mod cases;
pub mod form;
pub mod keymap;
mod modal;
mod reconnect;
pub mod reports;
mod screens;
pub mod sla;
pub mod sla_form;
pub mod suggest;
pub mod touch_form;
pub mod vendor_names;
mod writes;

pub use action::{Action, Tab};
pub use keymap::Mode;
pub use modal::{Confirm, Modal};

use crate::store::report::GroupBy;
use crate::store::Store;
use background::Background;
use case_view::CaseScreen;
use cases::CasesScreen;
use chrono::{DateTime, Utc};
use ratatui::crossterm::event::KeyEvent;
use reports::ReportScreen;
use sla::SlaScreen;
use std::time::{Duration, Instant};

/// A message at the bottom of the screen for a few seconds.
pub struct Flash {
    pub text: String,
    pub error: bool,
    pub until: Instant,
}

/// The help drawn over the screen, for the mode it was opened from.
pub struct Help {
    pub mode: Mode,
    pub scroll: u16,
}

pub struct App {
    pub store: Store,
    pub now: DateTime<Utc>,
    /// The clock follows the wall clock (false when `--now` fixed it).
    pub live_clock: bool,
    /// Whether the clock was set with --as-of (the header says so).
    pub as_of_set: bool,
    pub tab: Tab,
    pub cases: CasesScreen,
    /// The case opened from the triage screen, drawn over it.
    pub case: Option<CaseScreen>,
    pub vendors: ReportScreen,
    pub channels: ReportScreen,
    pub sla: SlaScreen,
    pub modal: Option<Modal>,
    pub help: Option<Help>,
    pub flash: Option<Flash>,
    pub quit: bool,
    /// The terminal's size, which sets how many rows a page holds.
    pub size: (u16, u16),
    /// Something changed since the last draw.
    pub dirty: bool,
    /// Slow jobs on their own thread (None for an in-memory database, and
    /// until `start_background`): without it they run in `update`.
    pub background: Option<Background>,
    data_version: i64,
    /// When the app last tried to reconnect to a server it lost.
    reconnect_tried: Option<Instant>,
    flags_refreshed: Instant,
    /// The changes made in this session, newest last, for `u`.
    undo: Vec<Done>,
    /// Keys typed before a form, popup or question was on screen are not
    /// taken by it: a key never leads, through screens the user did not see,
    /// to a change. The event loop turns it on and says when a frame has
    /// been seen (`shown`); tests that drive `update` directly leave it off.
    pub typeahead_guard: bool,
    /// The modal on screen has been seen with no key waiting.
    modal_seen: bool,
}

/// One change made in the app, as `u` takes it back.
#[derive(Debug, Clone)]
enum Done {
    /// The events it appended to one case's trail.
    Case {
        case_id: i64,
        /// The newest event before it and the newest after it.
        after: i64,
        upto: i64,
        what: String,
    },
    /// A service-level edit: the setup as it was before it.
    Sla {
        before: Box<crate::store::sla_undo::SlaSnapshot>,
        what: String,
    },
}

const FLASH_FOR: Duration = Duration::from_secs(5);
/// How often the app asks for the cases whose derived data came due (an
/// index lookup that finds nothing most of the time).
const REFRESH_FLAGS_EVERY: Duration = Duration::from_secs(15);

impl App {
    /// Opens the app on a store and loads the triage screen. The stored flags
    /// of open cases move with time: `start_background` recomputes them.
    pub fn new(store: Store, now: DateTime<Utc>, live_clock: bool) -> anyhow::Result<App> {
        let data_version = store.data_version()?;
        let mut app = App {
            store,
            now,
            live_clock,
            as_of_set: false,
            tab: Tab::Cases,
            cases: CasesScreen::default(),
            case: None,
            vendors: ReportScreen::new(GroupBy::Vendor),
            channels: ReportScreen::new(GroupBy::Channel),
            sla: SlaScreen::new(),
            modal: None,
            help: None,
            flash: None,
            reconnect_tried: None,
            quit: false,
            size: (80, 24),
            dirty: true,
            background: None,
            data_version,
            flags_refreshed: Instant::now(),
            undo: Vec::new(),
            typeahead_guard: false,
            modal_seen: true,
        };
        app.resize(80, 24);
        app.cases.load(&app.store, now)?;
        let mut notes = Vec::new();
        if app.store.read_only {
            let who = app.store.read_only_reason();
            notes.push(format!("{who}: you can look, not change"));
        }
        if let Some(t) = app.store.as_of {
            notes.push(format!(
                "the casebook as it stood at {}: you can look, not change",
                crate::domain::time::local_text(t)
            ));
        }
        // Said once, at the start: the file is left as it is.
        let exposure = crate::private_files::exposure(&app.store.path);
        if let Some(exposure) = &exposure {
            notes.push(exposure.to_string());
        }
        if exposure.is_some() {
            app.complain(notes.join("; "));
        } else if !notes.is_empty() {
            app.say(notes.join("; "));
        }
        Ok(app)
    }

    /// Moves slow work (reports, the flag refresh) off the keyboard's
    /// thread, and starts the flag refresh. Not for in-memory databases.
    pub fn start_background(&mut self) {
        // A view of the past lives in this connection alone.
        if self.store.path.as_os_str() == ":memory:" || self.store.as_of.is_some() {
            return;
        }
        let place = self
            .store
            .place
            .clone()
            .unwrap_or_else(|| crate::store::Place::File(self.store.path.clone()));
        let mut bg = Background::new(place, self.store.thresholds.clone());
        bg.refresh_due(self.now);
        self.background = Some(bg);
        self.flags_refreshed = Instant::now();
    }

    /// What has the keyboard now.
    pub fn mode(&self) -> Mode {
        if self.help.is_some() {
            return Mode::Help;
        }
        match &self.modal {
            Some(Modal::Form(f)) if f.confirm_discard => return Mode::Confirm,
            Some(m) => return m.mode(),
            None => {}
        }
        match self.tab {
            Tab::Cases if self.cases.editing => Mode::Filter,
            Tab::Cases if self.case.is_some() => Mode::Case,
            Tab::Cases => Mode::Cases,
            Tab::Vendors => Mode::Vendors,
            Tab::Channels => Mode::Channels,
            Tab::Sla => Mode::Sla,
        }
    }

    /// A key, through the keymap.
    pub fn on_key(&mut self, key: KeyEvent) {
        let action = keymap::action(self.mode(), key);
        self.update(action);
    }

    pub fn say(&mut self, text: impl Into<String>) {
        self.flash = Some(Flash {
            text: text.into(),
            error: false,
            until: Instant::now() + FLASH_FOR,
        });
    }

    pub fn complain(&mut self, text: impl std::fmt::Display) {
        self.flash = Some(Flash {
            text: text.to_string(),
            error: true,
            until: Instant::now() + FLASH_FOR * 2,
        });
    }

    /// Shows an error instead of failing: the app never stops on one.
    fn check<T, E: std::fmt::Display>(&mut self, r: Result<T, E>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.complain(e);
                None
            }
        }
    }

    /// A frame was drawn; `keys_waiting`: keys had already been typed when
    /// it was (the user could not have seen it before typing them).
    pub fn shown(&mut self, keys_waiting: bool) {
        if !keys_waiting {
            self.modal_seen = true;
        }
    }

    pub fn update(&mut self, action: Action) {
        let before = self.modal.as_ref().map(std::mem::discriminant);
        let typed = !matches!(
            action,
            Action::Tick | Action::None | Action::Resize(..) | Action::Quit
        );
        if typed && self.modal.is_some() && !self.modal_seen {
            // Typed ahead of the modal: not for it.
            self.dirty = true;
            self.say("keys typed before this showed were not taken: nothing changed");
            return;
        }
        self.update_now(action);
        let after = self.modal.as_ref().map(std::mem::discriminant);
        if after.is_some() && after != before {
            self.modal_seen = !self.typeahead_guard;
        }
    }

    fn update_now(&mut self, action: Action) {
        if !matches!(action, Action::Tick | Action::None) {
            self.dirty = true;
        }
        if self.help.is_some() && action != Action::Quit {
            self.update_help(action);
            return;
        }
        if self.modal.is_some() && !matches!(action, Action::Tick | Action::Resize(..)) {
            self.update_modal(action);
            return;
        }
        match action {
            Action::None => {}
            Action::Quit => self.quit = true,
            Action::Tick => self.tick(),
            Action::Resize(w, h) => self.resize(w, h),
            Action::ShowHelp => {
                self.help = Some(Help {
                    mode: self.mode(),
                    scroll: 0,
                })
            }
            Action::Tab(Tab::Cases) => self.show_table(),
            Action::Tab(t) => self.switch(t),
            // From any screen: the table's filter line, the table under it.
            Action::EditFilter => {
                self.show_table();
                self.cases.start_editing();
            }
            Action::NextTab | Action::PrevTab => {
                let step = if action == Action::NextTab { 1 } else { 2 };
                self.switch(Tab::ALL[(self.tab.index() + step) % Tab::ALL.len()]);
            }
            Action::Reload => {
                self.reload();
                self.say("re-read from the database");
            }
            Action::Undo => self.undo_last(),
            _ if self.cases.editing && self.tab == Tab::Cases => self.update_filter(action),
            _ => match self.mode() {
                Mode::Cases => self.update_cases(action),
                Mode::Case => self.update_case(action),
                Mode::Vendors | Mode::Channels => self.update_report(action),
                Mode::Sla => self.update_sla(action),
                _ => {}
            },
        }
    }

    fn update_help(&mut self, action: Action) {
        let Some(help) = self.help.as_mut() else {
            return;
        };
        let page = self.size.1.saturating_sub(6).max(1);
        match action {
            Action::HideHelp | Action::Back | Action::Cancel => self.help = None,
            Action::Down => help.scroll = help.scroll.saturating_add(1),
            Action::Up => help.scroll = help.scroll.saturating_sub(1),
            Action::PageDown => help.scroll = help.scroll.saturating_add(page),
            Action::PageUp => help.scroll = help.scroll.saturating_sub(page),
            Action::Top => help.scroll = 0,
            Action::Tick => self.tick(),
            Action::Resize(w, h) => self.resize(w, h),
            _ => {}
        }
    }

    fn resize(&mut self, w: u16, h: u16) {
        self.size = (w, h);
        // Tabs, filter line, table header, preview (2) and footer.
        self.cases
            .set_height(usize::from(h.saturating_sub(6)).max(1));
    }

    /// Each tick: the clock, a change from another process, expired messages.
    fn tick(&mut self) {
        if self.live_clock {
            // The file's clock: never behind the newest it has seen.
            let machine = crate::domain::time::machine_clock().unwrap_or_else(|_| Utc::now());
            let now = self.store.clock(machine).unwrap_or(machine);
            if now.timestamp() / 60 != self.now.timestamp() / 60 {
                self.dirty = true;
            }
            self.now = now;
            if self.flags_refreshed.elapsed() >= REFRESH_FLAGS_EVERY {
                self.flags_refreshed = Instant::now();
                match self.background.as_mut() {
                    Some(bg) => bg.refresh_due(now),
                    None => {
                        let r = self.store.refresh_due(now);
                        self.check(r);
                        self.reload();
                    }
                }
            }
        }
        self.take_finished();
        let now = self.now;
        let r = self.cases.apply_pending(&self.store, now, false);
        if self.check(r) == Some(true) {
            self.dirty = true;
        }
        match self.store.data_version() {
            Ok(v) if v != self.data_version => {
                self.data_version = v;
                self.reload();
                self.dirty = true;
            }
            Ok(_) => {}
            Err(e) => self.on_store_error(&e),
        }
        if self
            .flash
            .as_ref()
            .is_some_and(|f| Instant::now() >= f.until)
        {
            self.flash = None;
            self.dirty = true;
        }
    }

    /// Re-reads what is on screen; the other report screens are remade when shown.
    pub fn reload(&mut self) {
        let now = self.now;
        self.vendors.stale = true;
        self.channels.stale = true;
        self.sla.stale = true;
        let r = self.cases.load(&self.store, now);
        self.check(r);
        if let Some(case) = self.case.as_mut() {
            match case.reload(&self.store, now) {
                Ok(()) => {}
                Err(crate::store::StoreError::NoSuchCase(_)) => self.case = None,
                Err(e) => self.complain(e),
            }
        }
        self.load_report(false);
    }
}
