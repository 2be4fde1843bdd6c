//! The actions that change data. Each opens a form or a question, or ends in
//! exactly one store call (one transaction); nothing is written without the
//! user's say.

use super::form::{Form, Purpose};
use super::modal::{Confirm, Modal, STATUS_MENU};
use super::{case_form, touch_form, vendor_names, Action, App, Tab};
use crate::domain::Status;
use crate::store::StoreError;

/// What a failed save says, and on which field when it is about one.
type Failure = (Option<&'static str>, String);

fn bad_field((field, reason): (&'static str, String)) -> Failure {
    (Some(field), reason)
}

impl App {
    /// The case an action applies to: the open one, or the selected row.
    fn target_case(&mut self) -> Option<i64> {
        if let Some(c) = &self.case {
            return Some(c.case.id);
        }
        if self.tab == Tab::Cases {
            if let Some(r) = self.cases.selected_row() {
                return Some(r.id);
            }
        }
        self.complain("no case is selected");
        None
    }

    pub(super) fn writable(&mut self) -> bool {
        if let Some(t) = self.store.as_of {
            self.complain(format!(
                "this is the casebook as it stood at {}: a view of the past changes nothing",
                crate::domain::time::local_text(t)
            ));
            return false;
        }
        if self.store.read_only {
            let who = self.store.read_only_reason();
            self.complain(format!("{who}: nothing can be changed"));
        }
        !self.store.read_only
    }

    /// Shows a form, its vendor fields completing from the known vendors.
    pub(super) fn open_form(&mut self, mut form: Form) {
        // A message about the screen under the form ("select a touch…")
        // would read as if it were about the form.
        self.flash = None;
        let r = self.store.vendors();
        form.vendor_names = vendor_names::known(self.check(r).unwrap_or_default());
        self.modal = Some(Modal::Form(Box::new(form)));
    }

    pub(super) fn update_writes(&mut self, action: Action) {
        let now = self.now;
        match action {
            Action::NewCase if self.writable() => {
                self.open_form(case_form::new_case(now));
            }
            Action::EditCase if self.writable() => {
                let Some(id) = self.target_case() else { return };
                let r = self.store.case(id);
                if let Some(c) = self.check(r) {
                    self.open_form(case_form::edit_case(&c, now));
                }
            }
            Action::NewTouch if self.writable() => {
                let Some(id) = self.target_case() else { return };
                let r = self
                    .store
                    .case(id)
                    .and_then(|c| Ok((c, self.store.touches(id)?)));
                if let Some((c, touches)) = self.check(r) {
                    let form = touch_form::new_touch(&c, &touches, now);
                    self.open_form(form);
                }
            }
            Action::EditTouch if self.writable() => {
                let Some(screen) = &self.case else { return };
                match screen.selected_touch() {
                    Some(t) => {
                        let form = touch_form::edit_touch(&screen.case, t, now);
                        self.open_form(form);
                    }
                    None => self.complain("select a touch (j/k) to edit it"),
                }
            }
            Action::DeleteTouch if self.writable() => {
                let Some(screen) = &self.case else { return };
                match screen.selected_touch() {
                    Some(t) => {
                        self.modal = Some(Modal::Confirm {
                            question: format!(
                                "Delete touch #{} ({} {}, {})? The audit trail keeps it.",
                                t.id,
                                t.channel,
                                t.outcome,
                                super::touch_form::local_text(t.at)
                            ),
                            then: Confirm::DeleteTouch {
                                case_id: screen.case.id,
                                touch_id: t.id,
                            },
                        })
                    }
                    None => self.complain("select a touch (j/k) to delete it"),
                }
            }
            Action::StatusMenu if self.writable() => {
                let Some(id) = self.target_case() else { return };
                let r = self.store.case(id);
                if let Some(c) = self.check(r) {
                    let selected = STATUS_MENU.iter().position(|s| *s == c.status);
                    self.modal = Some(Modal::Status {
                        case_id: id,
                        selected: selected.unwrap_or(0),
                    });
                }
            }
            Action::Resolve if self.writable() => {
                if let Some(id) = self.target_case() {
                    self.open_resolve(id);
                }
            }
            Action::ShowViews => {
                let r = self.store.saved_views();
                match self.check(r) {
                    Some(v) if v.is_empty() => {
                        self.say("no saved views yet: / to filter, then w to save it")
                    }
                    Some(views) => self.modal = Some(Modal::Views { views, selected: 0 }),
                    None => {}
                }
            }
            Action::SaveView if self.writable() => {
                if self.cases.query_text.is_empty() {
                    self.complain("the filter is empty: / to type one, then w to save it");
                } else {
                    self.modal = Some(Modal::save_view(""));
                }
            }
            _ => {}
        }
    }

    pub(super) fn open_resolve(&mut self, case_id: i64) {
        let r = self.store.case(case_id);
        if let Some(c) = self.check(r) {
            self.modal = Some(Modal::Form(Box::new(case_form::resolve(&c, self.now))));
        }
    }

    pub(super) fn set_status(&mut self, case_id: i64, status: Status) {
        let now = self.now;
        let before = self.store.last_event_id().unwrap_or(i64::MAX);
        let r = self.store.set_status(case_id, status, now, now);
        if let Some(c) = self.check(r) {
            let reopened = if c.reopens > 0 && !status.is_done() {
                format!(" (reopened {} time(s))", c.reopens)
            } else {
                String::new()
            };
            self.say(format!("case {case_id} is {status}{reopened}"));
            self.remember(case_id, before, format!("case {case_id} to {status}"));
            self.after_write(case_id);
        }
    }

    pub(super) fn confirmed(&mut self, then: Confirm) {
        let now = self.now;
        match then {
            Confirm::DeleteTouch { case_id, touch_id } => {
                let before = self.store.last_event_id().unwrap_or(i64::MAX);
                let r = self.store.delete_touch(touch_id, now);
                if self.check(r).is_some() {
                    self.say(format!(
                        "deleted touch #{touch_id} of case {case_id} (u brings it back)"
                    ));
                    self.remember(case_id, before, format!("deleting touch #{touch_id}"));
                    self.after_write(case_id);
                }
            }
            then @ (Confirm::RemovePolicy(_) | Confirm::RemoveCalendar(_)) => self.remove_sla(then),
            Confirm::DeleteView(name) => {
                let r = self.store.delete_view(&name);
                if self.check(r).is_some() {
                    self.say(format!("deleted the view '{name}'"));
                }
            }
        }
    }

    /// Saves a form with one store call; gives the form back when it cannot.
    pub(super) fn submit(&mut self, mut form: Box<Form>) -> Option<Box<Form>> {
        // "now" in a time field means when it is saved, not when the form opened.
        form.now = self.now;
        if let Some(bad) = form.first_error() {
            form.focus_name(bad);
            form.error = Some("fix the marked field first".into());
            return Some(form);
        }
        if matches!(
            form.purpose,
            Purpose::SlaPolicy { .. } | Purpose::SlaCalendar { .. } | Purpose::SlaAtRisk
        ) {
            return self.submit_sla(form);
        }
        if vendor_names::ask_before_creating(&mut form) {
            return Some(form);
        }
        let now = self.now;
        if !form.future_ok {
            if let Some((field, at)) = logged_time(&form) {
                if crate::domain::time::far_ahead(at, now) {
                    form.future_ok = true;
                    form.focus_name(field);
                    form.error = Some(format!(
                        "{} is more than a day ahead of now: Enter again to keep it, or fix it",
                        super::touch_form::local_text(at)
                    ));
                    return Some(form);
                }
            }
        }
        let overwrite = form.overwrite;
        // A time far ahead that the user kept when asked is meant.
        self.store.allow_future = form.future_ok;
        let before = self.store.last_event_id().unwrap_or(i64::MAX);
        let result: Result<(i64, String), Failure> = match &form.purpose {
            Purpose::NewCase => {
                case_form::case_from(&form)
                    .map_err(bad_field)
                    .and_then(|(c, touches)| {
                        self.store
                            .create_case(c, touches, now)
                            .map(|id| (id, format!("case {id} logged")))
                            .map_err(store_failure)
                    })
            }
            Purpose::EditCase(original) => {
                let id = original.id;
                case_form::case_from(&form)
                    .map_err(bad_field)
                    .and_then(|(c, _)| {
                        self.store
                            .update_case_from(original, c, now, overwrite)
                            .map(|n| (id, format!("case {id}: {n} field(s) changed")))
                            .map_err(store_failure)
                    })
            }
            Purpose::NewTouch { case_id } => {
                let id = *case_id;
                touch_form::touch_from(&form)
                    .map_err(bad_field)
                    .and_then(|t| {
                        self.store
                            .add_touch(id, t, now)
                            .map(|t| (id, format!("touch #{t} added to case {id}")))
                            .map_err(store_failure)
                    })
            }
            Purpose::EditTouch { case_id, original } => {
                let id = *case_id;
                touch_form::touch_from(&form)
                    .map_err(bad_field)
                    .and_then(|t| {
                        let tid = t.id;
                        self.store
                            .update_touch_from(original, t, now, overwrite)
                            .map(|()| (id, format!("touch #{tid} of case {id} saved")))
                            .map_err(store_failure)
                    })
            }
            Purpose::Resolve { case_id } => {
                let id = *case_id;
                case_form::resolution_from(&form)
                    .map_err(bad_field)
                    .and_then(|(outcome, refund, at)| {
                        self.store
                            .resolve(id, outcome, refund, at, now)
                            .map(|_| (id, format!("case {id} resolved: {outcome}")))
                            .map_err(|e| match store_failure(e) {
                                (Some("at"), reason) => (Some("resolved_at"), reason),
                                other => other,
                            })
                    })
            }
            // Saved by `submit_sla` above.
            Purpose::SlaPolicy { .. } | Purpose::SlaCalendar { .. } | Purpose::SlaAtRisk => {
                Err((None, "not a form about a case".into()))
            }
        };
        self.store.allow_future = false;
        match result {
            Ok((id, message)) => {
                self.remember(id, before, message.clone());
                self.say(message);
                let new_case = form.purpose == Purpose::NewCase;
                let new_touch = matches!(form.purpose, Purpose::NewTouch { .. });
                self.after_write(id);
                if new_case {
                    self.open_case(id);
                }
                if new_touch {
                    // Show the new touch: the latest one of the case.
                    if let Some(screen) = self.case.as_mut().filter(|s| s.case.id == id) {
                        if let Some(last) = screen.touches.iter().map(|t| t.id).max() {
                            screen.select_touch(last);
                        }
                    }
                }
                None
            }
            Err((Some(CHANGED_MEANWHILE), reason)) => {
                // Said once; the next save puts the user's values over theirs.
                form.overwrite = true;
                form.error = Some(reason);
                Some(form)
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

    /// Keeps a change made in this session for `u`: the case's events
    /// numbered after `before` up to the newest now.
    fn remember(&mut self, case_id: i64, before: i64, what: String) {
        if let Ok(upto) = self.store.last_event_id() {
            if upto > before {
                self.undo.push(super::Done::Case {
                    case_id,
                    after: before,
                    upto,
                    what,
                });
            }
        }
    }

    /// `u`: takes back the newest change of this session through new events.
    pub(super) fn undo_last(&mut self) {
        if !self.writable() {
            return;
        }
        let Some(done) = self.undo.pop() else {
            self.complain("nothing to undo: no change was made since the app opened");
            return;
        };
        let now = self.now;
        let (case_id, after, upto, what) = match done {
            super::Done::Case {
                case_id,
                after,
                upto,
                what,
            } => (case_id, after, upto, what),
            super::Done::Sla { before, what } => {
                match self.store.restore_sla(&before, now) {
                    Ok(_) => {
                        self.say(format!("undone: {what}"));
                        self.after_sla_undo();
                    }
                    Err(e) => self.complain(format!("cannot undo {what}: {e}")),
                }
                return;
            }
        };
        match self.store.undo(case_id, after, upto, now) {
            Ok(_) => {
                self.say(format!("undone: {what}"));
                if self.store.case(case_id).is_err() {
                    // Undoing a new case deletes it: back to the list.
                    self.case = None;
                }
                self.after_write(case_id);
            }
            Err(e) => self.complain(format!("cannot undo {what}: {e}")),
        }
    }

    /// After a write: the triage table and the case on screen show it, the
    /// report screens are remade when next shown.
    fn after_write(&mut self, case_id: i64) {
        self.reload();
        if self.case.is_none() {
            self.cases.select_id(case_id);
        }
    }
}

/// The time a form logs as having happened, and its field.
fn logged_time(form: &Form) -> Option<(&'static str, chrono::DateTime<chrono::Utc>)> {
    match &form.purpose {
        Purpose::NewCase | Purpose::EditCase(_) => case_form::case_from(form)
            .ok()
            .map(|(c, _)| ("opened_at", c.opened_at)),
        Purpose::NewTouch { .. } | Purpose::EditTouch { .. } => {
            touch_form::touch_from(form).ok().map(|t| ("at", t.at))
        }
        Purpose::Resolve { .. } => case_form::resolution_from(form)
            .ok()
            .map(|(_, _, at)| ("resolved_at", at)),
        Purpose::SlaPolicy { .. } | Purpose::SlaCalendar { .. } | Purpose::SlaAtRisk => None,
    }
}

/// Not a field: the record changed elsewhere since the form opened.
const CHANGED_MEANWHILE: &str = "(changed meanwhile)";

fn store_failure(e: StoreError) -> Failure {
    match e {
        e @ StoreError::Changed { .. } => (Some(CHANGED_MEANWHILE), e.to_string()),
        StoreError::Invalid(inv) => (Some(inv.field), inv.reason),
        other => (None, other.to_string()),
    }
}
