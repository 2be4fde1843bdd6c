//! What is drawn over a screen and takes its keys: a form, the status menu,
//! the saved views, a one-line prompt, a yes/no question.

use super::form::Form;
use super::keymap::Mode;
use super::{touch_form, Action, App};
use crate::domain::Status;
use ratatui::style::{Modifier, Style};
use ratatui_textarea::{CursorMove, Input, TextArea};

/// A yes/no question and what a yes does.
#[derive(Debug, Clone, PartialEq)]
pub enum Confirm {
    DeleteTouch { case_id: i64, touch_id: i64 },
    DeleteView(String),
    RemovePolicy(String),
    RemoveCalendar(String),
}

pub enum Modal {
    Form(Box<Form>),
    Status {
        case_id: i64,
        selected: usize,
    },
    Views {
        views: Vec<(String, String)>,
        selected: usize,
    },
    /// The name under which to save the filter.
    SaveView {
        name: Box<TextArea<'static>>,
        error: Option<String>,
    },
    Confirm {
        question: String,
        then: Confirm,
    },
}

impl Modal {
    pub fn mode(&self) -> Mode {
        match self {
            Modal::Form(_) => Mode::Form,
            Modal::Status { .. } => Mode::Status,
            Modal::Views { .. } => Mode::Views,
            Modal::SaveView { .. } => Mode::Prompt,
            Modal::Confirm { .. } => Mode::Confirm,
        }
    }

    pub fn save_view(name: &str) -> Modal {
        let mut t = TextArea::new(vec![name.to_string()]);
        t.set_cursor_line_style(Style::default());
        t.set_cursor_style(Style::default().add_modifier(Modifier::REVERSED));
        t.move_cursor(CursorMove::End);
        Modal::SaveView {
            name: Box::new(t),
            error: None,
        }
    }
}

/// The statuses of the status menu, in its order.
pub const STATUS_MENU: [Status; 6] = [
    Status::Open,
    Status::WaitingVendor,
    Status::WaitingCustomer,
    Status::Escalated,
    Status::Resolved,
    Status::Closed,
];

impl App {
    pub(super) fn update_modal(&mut self, action: Action) {
        if action == Action::Quit {
            self.quit = true;
            return;
        }
        if action == Action::ShowHelp {
            self.help = Some(super::Help {
                mode: self.mode(),
                scroll: 0,
            });
            return;
        }
        let Some(modal) = self.modal.take() else {
            return;
        };
        match modal {
            Modal::Form(form) => self.update_form(form, action),
            Modal::Status { case_id, selected } => match action {
                Action::Down | Action::Up | Action::Top | Action::Bottom => {
                    let selected = match action {
                        Action::Down => (selected + 1).min(STATUS_MENU.len() - 1),
                        Action::Up => selected.saturating_sub(1),
                        Action::Top => 0,
                        _ => STATUS_MENU.len() - 1,
                    };
                    self.modal = Some(Modal::Status { case_id, selected });
                }
                Action::Submit => match STATUS_MENU[selected] {
                    Status::Resolved => self.open_resolve(case_id),
                    s => self.set_status(case_id, s),
                },
                Action::SetStatus(s) => self.set_status(case_id, s),
                Action::Resolve => self.open_resolve(case_id),
                Action::Cancel => {}
                _ => self.modal = Some(Modal::Status { case_id, selected }),
            },
            Modal::Views { views, selected } => {
                let n = views.len();
                match action {
                    Action::Submit => {
                        if let Some((name, query)) = views.get(selected) {
                            let now = self.now;
                            let r = self.cases.set_filter(query, &self.store, now);
                            if self.check(r) == Some(true) {
                                self.say(format!("view '{name}': {query}"));
                            }
                        }
                    }
                    Action::Delete => {
                        if let Some((name, _)) = views.get(selected) {
                            self.modal = Some(Modal::Confirm {
                                question: format!("Delete the saved view '{name}'?"),
                                then: Confirm::DeleteView(name.clone()),
                            });
                        }
                    }
                    Action::Cancel => {}
                    a => {
                        let selected = match a {
                            Action::Down => (selected + 1).min(n.saturating_sub(1)),
                            Action::Up => selected.saturating_sub(1),
                            Action::Top => 0,
                            Action::Bottom => n.saturating_sub(1),
                            _ => selected,
                        };
                        self.modal = Some(Modal::Views { views, selected });
                    }
                }
            }
            Modal::SaveView { mut name, error } => match action {
                Action::Submit => {
                    let text = name.lines().join(" ");
                    let query = self.cases.query_text.clone();
                    match self.store.save_view(&text, &query) {
                        Ok(()) => self.say(format!("saved the view '{}'", text.trim())),
                        Err(e) => {
                            self.modal = Some(Modal::SaveView {
                                name,
                                error: Some(e.to_string()),
                            })
                        }
                    }
                }
                Action::Cancel => {}
                Action::Input(key) => {
                    name.input(Input::from(key));
                    self.modal = Some(Modal::SaveView { name, error: None });
                }
                _ => self.modal = Some(Modal::SaveView { name, error }),
            },
            Modal::Confirm { question, then } => match action {
                Action::Yes => self.confirmed(then),
                Action::No => {}
                _ => self.modal = Some(Modal::Confirm { question, then }),
            },
        }
    }

    fn update_form(&mut self, mut form: Box<Form>, action: Action) {
        if form.confirm_discard {
            match action {
                Action::Yes => return,
                Action::No => form.confirm_discard = false,
                _ => {}
            }
            self.modal = Some(Modal::Form(form));
            return;
        }
        let touch = matches!(
            form.purpose,
            super::form::Purpose::NewTouch { .. } | super::form::Purpose::EditTouch { .. }
        );
        match action {
            Action::Cancel if form.changed => form.confirm_discard = true,
            Action::Cancel => return,
            Action::NextField => form.next(1),
            Action::PrevField => form.next(-1),
            Action::AcceptSuggestion if touch && touch_form::accept_suggestion(&mut form) => {
                touch_form::after_change(&mut form, "outcome");
            }
            Action::Input(key) if super::vendor_names::accept(&mut form, key) => {}
            Action::Input(key) => {
                if let Some(name) = form.input(key) {
                    if touch {
                        touch_form::after_change(&mut form, name);
                    } else {
                        super::sla_form::after_change(&mut form, name);
                    }
                    super::vendor_names::hint(&mut form, name);
                }
            }
            Action::Submit => {
                // The form comes back only when it could not be saved.
                if let Some(form) = self.submit(form) {
                    self.modal = Some(Modal::Form(form));
                }
                return;
            }
            _ => {}
        }
        self.modal = Some(Modal::Form(form));
    }
}
