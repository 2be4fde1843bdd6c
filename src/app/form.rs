//! A form: labelled fields, one focused, each checked as it is typed so the
//! reason for a bad value shows beside it. Text is edited in ratatui-textarea
//! inputs; fields with a closed list of values are chosen with ← → or a letter.

use super::suggest::Suggestion;
use crate::domain::query::parse_duration;
use crate::domain::time::parse_at;
use crate::domain::{Case, Money, Touchpoint};
use chrono::{DateTime, Local, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Modifier, Style};
use ratatui_textarea::{CursorMove, Input, TextArea, WrapMode};

/// What kind of value a field takes, and so how it is checked.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// One line of text; `required` ones must not be empty.
    Text { required: bool },
    /// Free text over several lines.
    Note,
    /// One of a closed list; `blank` names the empty choice when there is one.
    Choice {
        options: Vec<String>,
        blank: Option<&'static str>,
    },
    /// A time as the command line takes it (`now`, `-2h`, `2024-05-01 14:30`…).
    Time { required: bool },
    /// A number of minutes, optional (`12`, `1.5`, or `2h`).
    Minutes,
    /// An amount such as 129.99, optional.
    Money,
    /// A whole number in a range, optional.
    Int { min: i64, max: i64 },
    /// A number of hours above 0 (an SLA target), required.
    Hours,
}

pub struct Field {
    /// The name the store's validation uses, so its errors land here.
    pub name: &'static str,
    pub label: &'static str,
    pub kind: Kind,
    pub text: TextArea<'static>,
    /// For choices: 0 is blank when the field has one, else the first option.
    pub choice: usize,
    pub error: Option<String>,
    /// What the value will be taken as (a parsed time, the default party…).
    pub hint: Option<String>,
    /// The value was filled in for the user (now, the last party, the value
    /// being edited) and not yet touched: the first character typed
    /// replaces it; any other key keeps it for editing.
    pub prefilled: bool,
}

/// What a form is for, and what it was opened on.
#[derive(Debug, Clone, PartialEq)]
pub enum Purpose {
    NewCase,
    EditCase(Box<Case>),
    NewTouch {
        case_id: i64,
    },
    EditTouch {
        case_id: i64,
        original: Box<Touchpoint>,
    },
    Resolve {
        case_id: i64,
    },
    /// A service-level policy: a new one, or the one of this name.
    SlaPolicy {
        original: Option<String>,
    },
    /// A business calendar: a new one, or the one of this name.
    SlaCalendar {
        original: Option<String>,
    },
    /// The share of a target left under which it is at risk.
    SlaAtRisk,
}

pub struct Form {
    pub purpose: Purpose,
    pub title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// A problem with the form as a whole (or from the store).
    pub error: Option<String>,
    /// An outcome proposed from the note (touch forms).
    pub suggestion: Option<Suggestion>,
    /// Esc was pressed on a changed form: asking before dropping it.
    pub confirm_discard: bool,
    /// The record changed elsewhere since the form opened, in a field this
    /// form changes too; the user was told, and saving again puts theirs over it.
    pub overwrite: bool,
    /// A time more than a day ahead was pointed out; saving again keeps it.
    pub future_ok: bool,
    pub changed: bool,
    /// The user picked the outcome: the channel no longer sets its default.
    pub outcome_chosen: bool,
    pub now: DateTime<Utc>,
    /// Every name a vendor is known by (name or alias, and the vendor's name),
    /// for the vendor fields' completion.
    pub vendor_names: Vec<(String, String)>,
    /// New vendor names the user was asked about: saving again creates them.
    pub new_vendors_ok: Vec<String>,
}

fn text_input(value: &str) -> TextArea<'static> {
    let mut t = TextArea::new(value.lines().map(String::from).collect());
    if t.lines().is_empty() {
        t = TextArea::default();
    }
    t.set_cursor_line_style(Style::default());
    t.set_cursor_style(Style::default());
    t.move_cursor(CursorMove::Bottom);
    t.move_cursor(CursorMove::End);
    t
}

impl Field {
    pub fn text(name: &'static str, label: &'static str, value: &str, required: bool) -> Field {
        Self::new(name, label, Kind::Text { required }, value)
    }

    pub fn new(name: &'static str, label: &'static str, kind: Kind, value: &str) -> Field {
        let mut f = Field {
            name,
            label,
            kind,
            text: TextArea::default(),
            choice: 0,
            error: None,
            hint: None,
            prefilled: false,
        };
        f.reset_text(value);
        if matches!(f.kind, Kind::Choice { .. }) {
            f.select(value);
        } else if f.kind != Kind::Note && !value.trim().is_empty() {
            f.set_prefilled(true);
        }
        f
    }

    pub fn choice(
        name: &'static str,
        label: &'static str,
        options: Vec<String>,
        blank: Option<&'static str>,
        value: &str,
    ) -> Field {
        Self::new(name, label, Kind::Choice { options, blank }, value)
    }

    /// The options of a choice, the blank one first.
    pub fn options(&self) -> Vec<String> {
        match &self.kind {
            Kind::Choice { options, blank } => blank
                .map(|b| vec![b.to_string()])
                .unwrap_or_default()
                .into_iter()
                .chain(options.iter().cloned())
                .collect(),
            _ => Vec::new(),
        }
    }

    fn has_blank(&self) -> bool {
        matches!(&self.kind, Kind::Choice { blank: Some(_), .. })
    }

    /// Picks the option with this value (blank when none matches and blank is allowed).
    pub fn select(&mut self, value: &str) {
        let offset = usize::from(self.has_blank());
        if let Kind::Choice { options, .. } = &self.kind {
            self.choice = options
                .iter()
                .position(|o| o.eq_ignore_ascii_case(value))
                .map_or(0, |i| i + offset);
        }
    }

    /// The value as typed (trimmed), or the chosen option ("" for blank).
    pub fn value(&self) -> String {
        match &self.kind {
            Kind::Choice { .. } => {
                if self.has_blank() && self.choice == 0 {
                    String::new()
                } else {
                    self.options().get(self.choice).cloned().unwrap_or_default()
                }
            }
            Kind::Note => self.text.lines().join("\n"),
            _ => self.text.lines().join(" ").trim().to_string(),
        }
    }

    /// Checks the value; sets `error` and `hint`.
    pub fn check(&mut self, now: DateTime<Utc>) {
        let v = self.value();
        self.error = None;
        if matches!(self.kind, Kind::Time { .. }) {
            self.hint = v.is_empty().then(|| TIME_FORMS.to_string());
        }
        match &self.kind {
            Kind::Text { required: true } | Kind::Time { required: true } if v.is_empty() => {
                self.error = Some("must not be empty".into());
            }
            Kind::Time { .. } if !v.is_empty() => match parse_at(&v, now, &Local) {
                Ok(t) => {
                    self.hint = Some(
                        t.with_timezone(&Local)
                            .format("%a %Y-%m-%d %H:%M")
                            .to_string(),
                    )
                }
                Err(_) => self.error = Some(
                    "not a time: try now, 14:00, tomorrow, yesterday, +1d, -2h, 2024-05-01 14:30"
                        .into(),
                ),
            },
            Kind::Minutes if !v.is_empty() && minutes(&v).is_none() => {
                self.error = Some("a number of minutes such as 12 or 1.5 (or 2h)".into());
            }
            Kind::Money if !v.is_empty() => {
                if let Err(e) = Money::parse(&v) {
                    self.error = Some(e.to_string());
                }
            }
            Kind::Hours if !v.parse::<f64>().is_ok_and(|h| h.is_finite() && h > 0.0) => {
                self.error = Some("a number of hours above 0, such as 4 or 0.5".into());
            }
            Kind::Int { min, max } if !v.is_empty() => match v.parse::<i64>() {
                Ok(n) if (*min..=*max).contains(&n) => {}
                _ => self.error = Some(format!("a whole number from {min} to {max}")),
            },
            _ => {}
        }
    }

    fn cycle(&mut self, step: isize) {
        let n = self.options().len() as isize;
        if n > 0 {
            self.choice = (self.choice as isize + step).rem_euclid(n) as usize;
        }
    }

    /// The next option after the current one that starts with `c`.
    fn jump(&mut self, c: char) {
        let options = self.options();
        let n = options.len();
        let c = c.to_ascii_lowercase();
        let start = if self.has_blank() { 1 } else { 0 };
        for step in 1..=n {
            let i = (self.choice + step) % n;
            if i >= start && options[i].starts_with(c) {
                self.choice = i;
                return;
            }
        }
    }

    /// A key for this field; true when the value changed.
    fn input(&mut self, key: KeyEvent) -> bool {
        let before = self.value();
        if matches!(self.kind, Kind::Choice { .. }) {
            match key.code {
                KeyCode::Left => self.cycle(-1),
                KeyCode::Right | KeyCode::Char(' ') => self.cycle(1),
                KeyCode::Backspace | KeyCode::Delete if self.has_blank() => self.choice = 0,
                KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => self.jump(c),
                _ => {}
            }
        } else if key.code == KeyCode::Char('u') && key.modifiers == KeyModifiers::CONTROL {
            // ctrl-u clears the field, as on a shell's line.
            self.set_prefilled(false);
            self.reset_text("");
            self.set_focus(true);
        } else {
            let typed = matches!(key.code, KeyCode::Char(_))
                && !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
            if self.prefilled && typed {
                self.reset_text("");
                self.set_focus(true);
            }
            self.set_prefilled(false);
            let newline = key.code == KeyCode::Enter && key.modifiers.contains(KeyModifiers::ALT)
                || key.code == KeyCode::Char('j') && key.modifiers == KeyModifiers::CONTROL;
            if newline {
                if self.kind == Kind::Note {
                    self.text.insert_newline();
                }
            } else if key.code != KeyCode::Enter {
                self.text.input(Input::from(key));
            }
        }
        self.value() != before
    }

    pub fn set_text(&mut self, value: &str) {
        let focused = self.text.cursor_style() != Style::default();
        self.reset_text(value);
        self.set_focus(focused);
    }

    /// A new input holding `value`; a note wraps at words as it is typed.
    fn reset_text(&mut self, value: &str) {
        self.text = text_input(value);
        if self.kind == Kind::Note {
            self.text.set_wrap_mode(WrapMode::WordOrGlyph);
        }
    }

    /// Shows a prefilled value dim until the user types over it or keeps it.
    fn set_prefilled(&mut self, on: bool) {
        self.prefilled = on;
        self.text.set_style(if on {
            Style::default().add_modifier(Modifier::DIM)
        } else {
            Style::default()
        });
    }

    fn set_focus(&mut self, on: bool) {
        self.text.set_cursor_style(if on {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        });
    }
}

/// What a time field takes, shown beside it while it is empty.
pub const TIME_FORMS: &str = "now · 14:00 · tomorrow · yesterday · +1d · -2h · 2024-05-01 14:30";

/// Minutes from `12`, `1.5`, `90m` or `2h`.
pub fn minutes(text: &str) -> Option<f64> {
    let t = text.trim();
    if let Ok(m) = t.parse::<f64>() {
        return (m.is_finite() && m >= 0.0).then_some(m);
    }
    parse_duration(t).map(|d| d.num_seconds() as f64 / 60.0)
}

impl Form {
    pub fn new(purpose: Purpose, title: String, fields: Vec<Field>, now: DateTime<Utc>) -> Form {
        let mut form = Form {
            purpose,
            title,
            fields,
            focus: 0,
            error: None,
            suggestion: None,
            confirm_discard: false,
            overwrite: false,
            future_ok: false,
            changed: false,
            outcome_chosen: false,
            now,
            vendor_names: Vec::new(),
            new_vendors_ok: Vec::new(),
        };
        for f in &mut form.fields {
            f.check(now);
            // An empty field is not wrong before the user has had a go at it.
            if f.value().is_empty() {
                f.error = None;
            }
        }
        form.focus_on(0);
        form
    }

    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn field_mut(&mut self, name: &str) -> Option<&mut Field> {
        self.fields.iter_mut().find(|f| f.name == name)
    }

    /// A field's value ("" when the form has no such field).
    pub fn value(&self, name: &str) -> String {
        self.field(name).map(Field::value).unwrap_or_default()
    }

    pub fn focused(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    pub fn focus_on(&mut self, i: usize) {
        if self.fields.is_empty() {
            return;
        }
        self.focus = i.min(self.fields.len() - 1);
        let focus = self.focus;
        for (j, f) in self.fields.iter_mut().enumerate() {
            f.set_focus(j == focus);
        }
    }

    pub fn focus_name(&mut self, name: &str) {
        if let Some(i) = self.fields.iter().position(|f| f.name == name) {
            self.focus_on(i);
        }
    }

    pub fn next(&mut self, step: isize) {
        let n = self.fields.len() as isize;
        if n > 0 {
            self.focus_on((self.focus as isize + step).rem_euclid(n) as usize);
        }
    }

    /// A key for the focused field; returns the name of the field when its value changed.
    pub fn input(&mut self, key: KeyEvent) -> Option<&'static str> {
        let now = self.now;
        let field = self.fields.get_mut(self.focus)?;
        if !field.input(key) {
            return None;
        }
        field.check(now);
        self.changed = true;
        self.error = None;
        Some(field.name)
    }

    /// Checks every field; the name of the first bad one.
    pub fn first_error(&mut self) -> Option<&'static str> {
        let now = self.now;
        for f in &mut self.fields {
            f.check(now);
        }
        self.fields
            .iter()
            .find(|f| f.error.is_some())
            .map(|f| f.name)
    }

    /// Puts a store's validation error on its field when the form has it.
    pub fn show_error(&mut self, field: &str, reason: String) {
        match self.field_mut(field) {
            Some(f) => {
                f.error = Some(reason);
                self.focus_name(field);
            }
            None => self.error = Some(format!("{field}: {reason}")),
        }
    }

    /// A time field's value, parsed (None when empty).
    pub fn time(&self, name: &str) -> Option<DateTime<Utc>> {
        let v = self.value(name);
        (!v.is_empty())
            .then(|| parse_at(&v, self.now, &Local).ok())
            .flatten()
    }

    pub fn money(&self, name: &str) -> Option<Money> {
        Money::parse(&self.value(name)).ok()
    }

    pub fn minutes(&self, name: &str) -> Option<f64> {
        minutes(&self.value(name))
    }

    pub fn int(&self, name: &str) -> Option<i64> {
        self.value(name).parse().ok()
    }

    /// A text value, None when empty.
    pub fn opt(&self, name: &str) -> Option<String> {
        Some(self.value(name)).filter(|v| !v.is_empty())
    }
}
