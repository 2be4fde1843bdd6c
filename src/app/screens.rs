//! Keys on each screen: moving, filtering, opening a case, ranking the
//! report screens, and taking in reports made in the background.

use super::background::Done;
use super::case_view::CaseScreen;
use super::reports::ReportScreen;
use super::{Action, App, Tab};
use crate::store::report::GroupBy;

impl App {
    pub(super) fn switch(&mut self, tab: Tab) {
        self.tab = tab;
        self.load_report(true);
    }

    /// The Cases table itself, from anywhere: a case open over it closes,
    /// its row selected (`1`, and the filter line).
    pub(super) fn show_table(&mut self) {
        if let Some(case) = self.case.take() {
            self.cases.select_id(case.case.id);
        }
        self.switch(Tab::Cases);
    }

    /// Makes the report of the report screen on show (only when stale, or always).
    pub(super) fn load_report(&mut self, only_stale: bool) {
        let now = self.now;
        let screen = match self.tab {
            Tab::Vendors => &mut self.vendors,
            Tab::Channels => &mut self.channels,
            Tab::Sla if !only_stale || self.sla.stale => return self.load_sla(),
            Tab::Cases | Tab::Sla => return,
        };
        if only_stale && !screen.stale {
            return;
        }
        match self.background.as_mut() {
            Some(bg) => {
                if bg.report(screen.by, now) {
                    screen.making = true;
                } else {
                    screen.again = true;
                }
            }
            None => {
                let r = screen.load(&self.store, now);
                self.check(r);
            }
        }
    }

    /// Takes in what the background jobs finished.
    pub(super) fn take_finished(&mut self) {
        let Some(bg) = self.background.as_mut() else {
            return;
        };
        for done in bg.finished() {
            self.dirty = true;
            match done {
                // A refresh that wrote moves the data version: the screens follow.
                Done::Flags(r) => {
                    self.check(r);
                }
                Done::Report(by, result) => {
                    // The vendors screen may be grouped by stage (see toggle_stage).
                    let to_vendors = by == self.vendors.by;
                    let screen = if to_vendors {
                        &mut self.vendors
                    } else {
                        &mut self.channels
                    };
                    screen.making = false;
                    let again = std::mem::take(&mut screen.again);
                    let r = (*result).map(|data| screen.apply(data));
                    if again {
                        screen.stale = true;
                    }
                    self.check(r);
                    let shown = matches!(
                        (self.tab, to_vendors),
                        (Tab::Vendors, true) | (Tab::Channels, false)
                    );
                    if again && shown {
                        self.load_report(true);
                    }
                }
            }
        }
    }

    pub(super) fn report_screen_mut(&mut self) -> Option<&mut ReportScreen> {
        match self.tab {
            Tab::Vendors => Some(&mut self.vendors),
            Tab::Channels => Some(&mut self.channels),
            Tab::Cases | Tab::Sla => None,
        }
    }

    pub(super) fn update_filter(&mut self, action: Action) {
        let now = self.now;
        let r = match action {
            Action::Input(key) => self.cases.type_key(key, &self.store, now),
            Action::Submit => {
                let r = self.cases.apply_pending(&self.store, now, true);
                self.check(r);
                if !self.cases.finish_editing() {
                    self.complain("the filter does not parse: fix it, or Esc to cancel");
                }
                Ok(())
            }
            Action::Cancel => self.cases.cancel_editing(&self.store, now),
            _ => Ok(()),
        };
        self.check(r);
    }

    pub(super) fn update_cases(&mut self, action: Action) {
        let now = self.now;
        let page = self.cases.height as isize;
        let s = &self.store;
        let r = match action {
            Action::Down => self.cases.move_by(1, s, now),
            Action::Up => self.cases.move_by(-1, s, now),
            Action::PageDown => self.cases.move_by(page, s, now),
            Action::PageUp => self.cases.move_by(-page, s, now),
            Action::Top => self.cases.move_to(0, s, now),
            Action::Bottom => self.cases.move_to(usize::MAX / 2, s, now),
            Action::SortNext => self.cases.cycle_sort(1, s, now),
            Action::SortPrev => self.cases.cycle_sort(-1, s, now),
            Action::SortReverse => self.cases.reverse(s, now),
            Action::Back => {
                if self.cases.query_text.is_empty() {
                    self.say("q quits");
                    Ok(())
                } else {
                    self.cases.set_filter("", s, now).map(|_| ())
                }
            }
            Action::Open => {
                if let Some(id) = self.cases.selected_row().map(|r| r.id) {
                    self.open_case(id);
                }
                Ok(())
            }
            other => {
                self.update_writes(other);
                Ok(())
            }
        };
        self.check(r);
    }

    pub fn open_case(&mut self, id: i64) {
        let r = CaseScreen::load(&self.store, id, self.now);
        if let Some(screen) = self.check(r) {
            self.case = Some(screen);
            self.tab = Tab::Cases;
        }
    }

    pub(super) fn update_case(&mut self, action: Action) {
        let Some(case) = self.case.as_mut() else {
            return;
        };
        let page = usize::from(self.size.1.saturating_sub(14)).max(1) as isize;
        match action {
            Action::Down => case.move_by(1),
            Action::Up => case.move_by(-1),
            Action::PageDown => case.move_by(page),
            Action::PageUp => case.move_by(-page),
            Action::Top => case.move_to(0),
            Action::Bottom => case.move_to(usize::MAX),
            Action::NextFlag => case.cycle_flag(1),
            Action::PrevFlag => case.cycle_flag(-1),
            Action::ToggleEvents => case.toggle_events(),
            Action::ToggleMapCost => case.map_shows_cost = !case.map_shows_cost,
            Action::Back => {
                let id = case.case.id;
                self.case = None;
                self.cases.select_id(id);
            }
            Action::PrevCase | Action::NextCase => {
                let id = case.case.id;
                self.cases.select_id(id);
                let step = if action == Action::NextCase { 1 } else { -1 };
                let now = self.now;
                let r = self.cases.move_by(step, &self.store, now);
                self.check(r);
                match self.cases.selected_row().map(|r| r.id) {
                    Some(next) if next != id => self.open_case(next),
                    _ => self.say("no more cases in the list"),
                }
            }
            other => self.update_writes(other),
        }
    }

    pub(super) fn update_report(&mut self, action: Action) {
        let Some(screen) = self.report_screen_mut() else {
            return;
        };
        match action {
            Action::Down => screen.move_by(1),
            Action::Up => screen.move_by(-1),
            Action::PageDown => screen.move_by(10),
            Action::PageUp => screen.move_by(-10),
            Action::Top => screen.move_to(0),
            Action::Bottom => screen.move_to(usize::MAX),
            Action::ToggleStage if screen.home == GroupBy::Vendor => {
                screen.toggle_stage();
                let by = screen.by.as_str();
                self.say(format!("grouped by {by}"));
                self.load_report(true);
            }
            Action::SortNext => {
                screen.cycle_rank();
                let label = screen.rank.label();
                self.say(format!("ranked by {label}"));
            }
            // Like every other screen: Esc goes back, here to the cases.
            Action::Back => self.switch(Tab::Cases),
            Action::Open => {
                if let Some(q) = screen.drill_down_query() {
                    self.tab = Tab::Cases;
                    self.case = None;
                    let now = self.now;
                    let r = self.cases.set_filter(&q, &self.store, now);
                    self.check(r);
                }
            }
            _ => {}
        }
    }
}
