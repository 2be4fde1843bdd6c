//! The touchpoint form: defaults that make logging a touch take seconds (now,
//! the case's last channel and party), and an outcome proposed from the note.

use super::form::{Field, Form, Kind, Purpose};
use super::suggest::outcome_from_note;
use crate::domain::{Ask, Case, Channel, StartedBy, TouchOutcome, Touchpoint, WaitingOn};
use chrono::{DateTime, Local, Utc};

fn names<T: ToString>(all: &[T]) -> Vec<String> {
    all.iter().map(ToString::to_string).collect()
}

fn channels(current: &str) -> Vec<String> {
    let mut all: Vec<String> = Channel::KNOWN.iter().map(|s| s.to_string()).collect();
    if !current.is_empty() && !all.iter().any(|c| c == current) {
        all.push(current.to_string());
    }
    all
}

/// The outcome a new touch starts with: a live conversation usually gave
/// information; a message sent usually awaits an answer.
pub fn default_outcome(channel: &str) -> TouchOutcome {
    match channel {
        "phone" | "chat" | "in_person" | "store" => TouchOutcome::InfoGiven,
        _ => TouchOutcome::Sent,
    }
}

pub fn local_text(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
}

/// The form's starting values, as text.
struct Values {
    at: String,
    channel: String,
    from: String,
    party: String,
    outcome: String,
    note: String,
    minutes: String,
    wait: String,
    ask: String,
    promise_due: String,
    waiting_on: String,
}

impl Values {
    fn of(t: &Touchpoint) -> Values {
        let minutes = |m: Option<f64>| m.map(|m| m.to_string()).unwrap_or_default();
        Values {
            at: local_text(t.at),
            channel: t.channel.to_string(),
            from: t.started_by.to_string(),
            party: t.party.clone().unwrap_or_default(),
            outcome: t.outcome.to_string(),
            note: t.note.clone(),
            minutes: minutes(t.minutes),
            wait: minutes(t.wait_minutes),
            ask: t.ask.map(|a| a.to_string()).unwrap_or_default(),
            promise_due: t.promise_due.map(local_text).unwrap_or_default(),
            waiting_on: t.waiting_on.map(|w| w.to_string()).unwrap_or_default(),
        }
    }
}

fn fields(case: &Case, v: &Values) -> Vec<Field> {
    let mut party = Field::text("party", "party", &v.party, false);
    party.hint = Some(format!("blank = {}", case.vendor));
    vec![
        Field::new("at", "when", Kind::Time { required: true }, &v.at),
        Field::choice("channel", "channel", channels(&v.channel), None, &v.channel),
        Field::choice("from", "started by", names(StartedBy::ALL), None, &v.from),
        party,
        Field::choice(
            "outcome",
            "outcome",
            names(TouchOutcome::ALL),
            None,
            &v.outcome,
        ),
        Field::new("note", "note", Kind::Note, &v.note),
        Field::new("minutes", "minutes", Kind::Minutes, &v.minutes),
        Field::new("wait_minutes", "on hold (min)", Kind::Minutes, &v.wait),
        Field::choice(
            "ask",
            "vendor asked",
            names(Ask::ALL),
            Some("(nothing)"),
            &v.ask,
        ),
        Field::new(
            "promise_due",
            "promised by",
            Kind::Time { required: false },
            &v.promise_due,
        ),
        Field::choice(
            "waiting_on",
            "then waits on",
            names(WaitingOn::ALL),
            Some("(by the rule)"),
            &v.waiting_on,
        ),
    ]
}

/// A new touch on a case: now, the last touch's channel and party, started
/// by the customer; the cursor in the note.
pub fn new_touch(case: &Case, touches: &[Touchpoint], now: DateTime<Utc>) -> Form {
    let last = touches.last();
    let channel = last.map_or("phone".to_string(), |l| l.channel.to_string());
    let values = Values {
        at: "now".into(),
        outcome: default_outcome(&channel).to_string(),
        channel,
        from: StartedBy::Customer.to_string(),
        party: last.and_then(|l| l.party.clone()).unwrap_or_default(),
        note: String::new(),
        minutes: String::new(),
        wait: String::new(),
        ask: String::new(),
        promise_due: String::new(),
        waiting_on: String::new(),
    };
    let mut form = Form::new(
        Purpose::NewTouch { case_id: case.id },
        format!("New touch on case {}: {}", case.id, case.title),
        fields(case, &values),
        now,
    );
    form.focus_name("note");
    form
}

pub fn edit_touch(case: &Case, t: &Touchpoint, now: DateTime<Utc>) -> Form {
    let mut form = Form::new(
        Purpose::EditTouch {
            case_id: case.id,
            original: Box::new(t.clone()),
        },
        format!("Touch #{} on case {}", t.id, case.id),
        fields(case, &Values::of(t)),
        now,
    );
    form.outcome_chosen = true;
    form.focus_name("note");
    form
}

/// Keeps the form's helpers in step after a field changed: the outcome
/// follows the channel until the user picks one; the note may propose one.
pub fn after_change(form: &mut Form, field: &str) {
    match field {
        "outcome" => form.outcome_chosen = true,
        "channel" if !form.outcome_chosen => {
            let outcome = default_outcome(&form.value("channel"));
            if let Some(f) = form.field_mut("outcome") {
                f.select(outcome.as_str());
            }
        }
        _ => {}
    }
    let current = form.value("outcome");
    form.suggestion =
        outcome_from_note(&form.value("note")).filter(|s| s.outcome.as_str() != current);
}

/// Takes the proposed outcome.
pub fn accept_suggestion(form: &mut Form) -> bool {
    let Some(s) = form.suggestion.take() else {
        return false;
    };
    if let Some(f) = form.field_mut("outcome") {
        f.select(s.outcome.as_str());
    }
    form.outcome_chosen = true;
    form.changed = true;
    true
}

/// The touch the form describes, or the field that is wrong and why.
pub fn touch_from(form: &Form) -> Result<Touchpoint, (&'static str, String)> {
    let parse =
        |name: &'static str| -> Result<String, (&'static str, String)> { Ok(form.value(name)) };
    let original = match &form.purpose {
        Purpose::EditTouch { original, .. } => Some(original.as_ref()),
        _ => None,
    };
    // An untouched time keeps its seconds: re-saving changes nothing.
    let kept =
        |name: &str, t: Option<DateTime<Utc>>| t.filter(|t| form.value(name) == local_text(*t));
    let at = kept("at", original.map(|o| o.at))
        .or_else(|| form.time("at"))
        .ok_or(("at", "not a time".to_string()))?;
    let channel = Channel::new(&parse("channel")?).map_err(|e| ("channel", e.to_string()))?;
    let from: StartedBy = parse("from")?
        .parse()
        .map_err(|e| ("from", format!("{e}")))?;
    let outcome: TouchOutcome = parse("outcome")?
        .parse()
        .map_err(|e| ("outcome", format!("{e}")))?;
    let mut t = Touchpoint::new(at, channel, from, outcome);
    if let Purpose::EditTouch { original, .. } = &form.purpose {
        t.id = original.id;
    }
    t.party = form.opt("party");
    t.minutes = form.opt("minutes").and_then(|_| form.minutes("minutes"));
    t.wait_minutes = form
        .opt("wait_minutes")
        .and_then(|_| form.minutes("wait_minutes"));
    t.ask = form
        .opt("ask")
        .map(|a| a.parse())
        .transpose()
        .map_err(|e| ("ask", format!("{e}")))?;
    t.promise_due = kept("promise_due", original.and_then(|o| o.promise_due))
        .or_else(|| form.time("promise_due"));
    t.waiting_on = form
        .opt("waiting_on")
        .map(|w| w.parse())
        .transpose()
        .map_err(|e| ("waiting_on", format!("{e}")))?;
    t.note = form.value("note");
    Ok(t)
}
