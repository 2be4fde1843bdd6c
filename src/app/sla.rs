//! The Service levels screen: the policies and the business calendars, one
//! list to move through (policies first), each added, edited or removed by
//! a form or a question; every save is one store call, and the cases' SLA
//! is rechecked in it.

use super::form::{Form, Purpose};
use super::modal::{Confirm, Modal};
use super::{sla_form, Action, App};
use crate::domain::sla::{Calendar, Policy, ALWAYS_OPEN};
use crate::store::{Result, Store, StoreError};

/// One line of the screen's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaItem {
    Policy(usize),
    Calendar(usize),
}

#[derive(Default)]
pub struct SlaScreen {
    pub policies: Vec<Policy>,
    pub calendars: Vec<Calendar>,
    /// How many cases each policy applies to, by name.
    pub cases: Vec<(String, usize)>,
    pub at_risk_share: f64,
    pub selected: usize,
    /// Re-read when next shown.
    pub stale: bool,
}

impl SlaScreen {
    pub fn new() -> SlaScreen {
        SlaScreen {
            stale: true,
            ..SlaScreen::default()
        }
    }

    pub fn load(&mut self, store: &Store) -> Result<()> {
        let keep = self.selected_item().map(|i| self.name_of(i).to_string());
        self.policies = store.sla_policies()?;
        self.calendars = store.sla_calendars()?;
        self.cases = store.sla_policy_cases()?;
        self.at_risk_share = store.sla_at_risk_share()?;
        self.stale = false;
        if let Some(name) = keep {
            self.select_name(&name);
        }
        self.selected = self.selected.min(self.len().saturating_sub(1));
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.policies.len() + self.calendars.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn item(&self, i: usize) -> Option<SlaItem> {
        let p = self.policies.len();
        if i < p {
            Some(SlaItem::Policy(i))
        } else if i < self.len() {
            Some(SlaItem::Calendar(i - p))
        } else {
            None
        }
    }

    pub fn selected_item(&self) -> Option<SlaItem> {
        self.item(self.selected)
    }

    fn name_of(&self, item: SlaItem) -> &str {
        match item {
            SlaItem::Policy(i) => &self.policies[i].name,
            SlaItem::Calendar(i) => &self.calendars[i].name,
        }
    }

    /// Selects a policy (or else a calendar) by name.
    pub fn select_name(&mut self, name: &str) {
        let found = (0..self.len()).find(|&i| {
            self.item(i)
                .is_some_and(|it| self.name_of(it).eq_ignore_ascii_case(name))
        });
        if let Some(i) = found {
            self.selected = i;
        }
    }

    pub fn cases_of(&self, policy: &str) -> usize {
        self.cases
            .iter()
            .find(|(p, _)| p.eq_ignore_ascii_case(policy))
            .map_or(0, |(_, n)| *n)
    }

    fn move_to(&mut self, i: usize) {
        self.selected = i.min(self.len().saturating_sub(1));
    }
}

impl App {
    pub(super) fn load_sla(&mut self) {
        let r = self.sla.load(&self.store);
        self.check(r);
    }

    pub(super) fn update_sla(&mut self, action: Action) {
        let now = self.now;
        let s = &mut self.sla;
        match action {
            Action::Down => s.move_to(s.selected + 1),
            Action::Up => s.move_to(s.selected.saturating_sub(1)),
            Action::PageDown => s.move_to(s.selected + 10),
            Action::PageUp => s.move_to(s.selected.saturating_sub(10)),
            Action::Top => s.move_to(0),
            Action::Bottom => s.move_to(usize::MAX),
            Action::Back => self.say("q quits"),
            Action::NewPolicy
            | Action::NewCalendar
            | Action::SetAtRisk
            | Action::EditSla
            | Action::Delete
                if !self.writable() => {}
            Action::NewPolicy => {
                let form = sla_form::policy(None, &self.sla.calendars, now);
                self.open_form(form);
            }
            Action::NewCalendar => {
                let form = sla_form::calendar(None, now);
                self.open_form(form);
            }
            Action::SetAtRisk => {
                let form = sla_form::at_risk(self.sla.at_risk_share, now);
                self.open_form(form);
            }
            Action::EditSla => match self.sla.selected_item() {
                Some(SlaItem::Policy(i)) => {
                    let p = &self.sla.policies[i];
                    let form = sla_form::policy(Some(p), &self.sla.calendars, now);
                    self.open_form(form);
                }
                Some(SlaItem::Calendar(i)) => {
                    let c = &self.sla.calendars[i];
                    if c.name == ALWAYS_OPEN {
                        self.complain("24x7 is built in: every hour counts, nothing to edit");
                    } else {
                        let form = sla_form::calendar(Some(c), now);
                        self.open_form(form);
                    }
                }
                None => self.complain("nothing to edit yet: a adds a policy, c a calendar"),
            },
            Action::Delete => match self.sla.selected_item() {
                Some(SlaItem::Policy(i)) => {
                    let name = self.sla.policies[i].name.clone();
                    let n = self.sla.cases_of(&name);
                    self.modal = Some(Modal::Confirm {
                        question: format!(
                            "Remove the policy '{name}'? Its {n} case(s) are rechecked under the next one that applies."
                        ),
                        then: Confirm::RemovePolicy(name),
                    });
                }
                Some(SlaItem::Calendar(i)) => {
                    let name = self.sla.calendars[i].name.clone();
                    self.modal = Some(Modal::Confirm {
                        question: format!("Remove the calendar '{name}'?"),
                        then: Confirm::RemoveCalendar(name),
                    });
                }
                None => {}
            },
            _ => {}
        }
    }

    /// After a yes to removing a policy or a calendar.
    pub(super) fn remove_sla(&mut self, then: Confirm) {
        let now = self.now;
        let before = self.store.sla_snapshot();
        let (r, name) = match then {
            Confirm::RemovePolicy(name) => (self.store.remove_sla_policy(&name, now), name),
            Confirm::RemoveCalendar(name) => {
                (self.store.remove_sla_calendar(&name).map(|()| 0), name)
            }
            _ => return,
        };
        if self.check(r).is_some() {
            self.say(format!("removed {name}"));
            self.remember_sla(before, format!("removing {name}"));
            self.after_sla_change();
        }
    }

    /// Keeps an SLA change made in this session for `u`: the setup before it.
    fn remember_sla(&mut self, before: Result<crate::store::sla_undo::SlaSnapshot>, what: String) {
        if let Ok(before) = before {
            self.undo.push(super::Done::Sla {
                before: Box::new(before),
                what,
            });
        }
    }

    /// After `u` put an SLA setup back: every screen re-reads it.
    pub(super) fn after_sla_undo(&mut self) {
        self.after_sla_change();
    }

    /// Saves a service-level form; gives it back when it cannot be saved.
    pub(super) fn submit_sla(&mut self, mut form: Box<Form>) -> Option<Box<Form>> {
        let now = self.now;
        if self.ask_about_unknown_vendor(&mut form) {
            return Some(form);
        }
        let before = self.store.sla_snapshot();
        let result: std::result::Result<String, (Option<&'static str>, String)> =
            match &form.purpose {
                Purpose::SlaPolicy { original } => match sla_form::policy_from(&form) {
                    Err((f, reason)) => Err((Some(f), reason)),
                    Ok(p) => self
                        .store
                        .save_sla_policy(&p, original.as_deref(), now)
                        .map(|n| format!("policy {} saved: {n} case(s) rechecked", p.name))
                        .map_err(failure),
                },
                Purpose::SlaCalendar { original } => match sla_form::calendar_from(&form) {
                    Err((f, reason)) => Err((Some(f), reason)),
                    Ok(c) => self
                        .store
                        .save_sla_calendar(&c, original.as_deref(), now)
                        .map(|n| format!("calendar {} saved: {n} case(s) rechecked", c.name))
                        .map_err(failure),
                },
                Purpose::SlaAtRisk => match form.int("at_risk") {
                    None => Err((Some("at_risk"), "a whole number from 0 to 99".into())),
                    Some(pct) => self
                        .store
                        .set_sla_at_risk_share(pct as f64 / 100.0, now)
                        .map(|n| format!("at risk under {pct} % left: {n} case(s) rechecked"))
                        .map_err(failure),
                },
                _ => return Some(form),
            };
        match result {
            Ok(message) => {
                // "policy X saved", without the count of cases rechecked.
                let what = message.split(':').next().unwrap_or(&message).to_string();
                self.remember_sla(before, what);
                self.say(message);
                let name = form.opt("name");
                self.after_sla_change();
                if let Some(name) = name {
                    self.sla.select_name(&name);
                }
                None
            }
            Err((Some(field), reason)) => {
                form.show_error(field, reason);
                Some(form)
            }
            Err((None, reason)) => {
                form.error = Some(reason);
                Some(form)
            }
        }
    }

    /// A policy for a vendor no case names yet may be meant (its cases are
    /// still to come) or a typo: the first Enter says so, with the names it
    /// may mean, and the next saves it.
    fn ask_about_unknown_vendor(&mut self, form: &mut Form) -> bool {
        if !matches!(form.purpose, Purpose::SlaPolicy { .. }) {
            return false;
        }
        let Some(vendor) = form.opt("vendor") else {
            return false;
        };
        if form
            .new_vendors_ok
            .iter()
            .any(|v| v.eq_ignore_ascii_case(&vendor))
        {
            return false;
        }
        let r = self.store.unknown_vendor(&vendor);
        let Some(Some(close)) = self.check(r) else {
            return false;
        };
        form.new_vendors_ok.push(vendor.clone());
        form.focus_name("vendor");
        let close = if close.is_empty() {
            String::new()
        } else {
            format!(" (close: {})", close.join(", "))
        };
        form.error = Some(format!(
            "no vendor is named '{vendor}' yet{close}: Enter again saves the policy anyway"
        ));
        true
    }

    /// Every case's SLA may have moved: all screens re-read.
    fn after_sla_change(&mut self) {
        self.reload();
        self.load_sla();
    }
}

fn failure(e: StoreError) -> (Option<&'static str>, String) {
    match e {
        StoreError::Invalid(inv) => (Some(inv.field), inv.reason),
        other => (None, other.to_string()),
    }
}
