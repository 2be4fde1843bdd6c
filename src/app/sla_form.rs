//! The service-level forms: a policy, a business calendar, and the share of
//! a target left under which it is at risk.

use super::form::{Field, Form, Kind, Purpose};
use crate::domain::sla::calendar::{parse_holidays, BadCalendar};
use crate::domain::sla::{Calendar, Policy};
use crate::domain::Priority;
use chrono::{DateTime, Utc};

/// What a bad value says, and on which field.
type Bad = (&'static str, String);

fn hours_text(h: f64) -> String {
    format!("{h}")
}

/// A new policy (on the first calendar after 24x7, if any) or an edited one.
pub fn policy(p: Option<&Policy>, calendars: &[Calendar], now: DateTime<Utc>) -> Form {
    let names: Vec<String> = calendars.iter().map(|c| c.name.clone()).collect();
    let default_cal = names
        .iter()
        .find(|n| *n != crate::domain::sla::ALWAYS_OPEN)
        .or(names.first())
        .cloned()
        .unwrap_or_default();
    let priorities = Priority::ALL.iter().map(|p| p.to_string()).collect();
    let fields = vec![
        Field::text("name", "name", p.map_or("", |p| &p.name), true),
        Field::text(
            "vendor",
            "vendor",
            p.and_then(|p| p.vendor.as_deref()).unwrap_or(""),
            false,
        ),
        Field::choice(
            "priority",
            "priority",
            priorities,
            Some("any"),
            &p.and_then(|p| p.priority)
                .map_or(String::new(), |p| p.to_string()),
        ),
        Field::choice(
            "calendar",
            "calendar",
            names,
            None,
            p.map_or(default_cal.as_str(), |p| &p.calendar),
        ),
        Field::new(
            "first_response",
            "first resp. h",
            Kind::Hours,
            &p.map_or(String::new(), |p| hours_text(p.first_response_hours)),
        ),
        Field::new(
            "resolution",
            "resolution h",
            Kind::Hours,
            &p.map_or(String::new(), |p| hours_text(p.resolution_hours)),
        ),
    ];
    let title = match p {
        Some(p) => format!("Policy {} (empty vendor or any priority: all)", p.name),
        None => "New policy (the most specific one applies to a case)".into(),
    };
    let mut form = Form::new(
        Purpose::SlaPolicy {
            original: p.map(|p| p.name.clone()),
        },
        title,
        fields,
        now,
    );
    hint_vendor(&mut form);
    form
}

/// A new calendar or an edited one. Hours are separated by `;`.
pub fn calendar(c: Option<&Calendar>, now: DateTime<Utc>) -> Form {
    let holidays: Vec<String> = c
        .map(|c| c.holidays.iter().map(|d| d.to_string()).collect())
        .unwrap_or_default();
    let fields = vec![
        Field::text("name", "name", c.map_or("", |c| &c.name), true),
        Field::text(
            "zone",
            "time zone",
            c.map_or("America/New_York", |c| c.zone.name()),
            true,
        ),
        Field::text(
            "hours",
            "hours",
            &c.map_or("mon-fri 09:00-17:00".into(), |c| c.hours.join("; ")),
            true,
        ),
        Field::text("holidays", "holidays", &holidays.join(" "), false),
    ];
    let title = match c {
        Some(c) => format!("Calendar {}", c.name),
        None => "New business calendar".into(),
    };
    let mut form = Form::new(
        Purpose::SlaCalendar {
            original: c.map(|c| c.name.clone()),
        },
        title,
        fields,
        now,
    );
    for name in ["zone", "hours", "holidays"] {
        hint(&mut form, name);
    }
    form
}

pub fn at_risk(share: f64, now: DateTime<Utc>) -> Form {
    let fields = vec![Field::new(
        "at_risk",
        "at risk under %",
        Kind::Int { min: 0, max: 99 },
        &format!("{}", (share * 100.0).round()),
    )];
    Form::new(
        Purpose::SlaAtRisk,
        "At risk: less than this share of a target left".into(),
        fields,
        now,
    )
}

fn hint(form: &mut Form, name: &str) {
    let text = match name {
        "zone" => "an IANA zone: America/New_York, Europe/Paris, UTC…",
        "hours" => "days then times, ; between: mon-fri 09:00-17:00; sat 10:00-14:00",
        "holidays" => "days closed: 2024-12-25 2025-01-01",
        _ => return,
    };
    if let Some(f) = form.field_mut(name) {
        f.hint = Some(text.into());
    }
}

fn hint_vendor(form: &mut Form) {
    if let Some(f) = form.field_mut("vendor") {
        f.hint = Some("empty: any vendor".into());
    }
}

/// After a field changed: its value checked at once where it can be.
pub fn after_change(form: &mut Form, name: &str) {
    if !matches!(form.purpose, Purpose::SlaCalendar { .. }) {
        return;
    }
    let problem = match calendar_from(form) {
        Err((field, reason)) if field == name => Some(reason),
        _ => None,
    };
    if let Some(f) = form.field_mut(name) {
        if f.error.is_none() {
            f.error = problem;
        }
    }
}

/// The hours lines of the form (`;` or line breaks between them).
fn hours_lines(text: &str) -> Vec<String> {
    text.split([';', '\n'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

pub fn calendar_from(form: &Form) -> Result<Calendar, Bad> {
    let holidays: Vec<String> = form
        .value("holidays")
        .split([',', ' ', ';'])
        .filter(|d| !d.is_empty())
        .map(String::from)
        .collect();
    let holidays = parse_holidays(&holidays).map_err(|e| ("holidays", e.to_string()))?;
    let name = crate::domain::case::clean_name("name", &form.value("name"))
        .map_err(|e| ("name", e.reason))?;
    Calendar::new(
        &name,
        &form.value("zone"),
        &hours_lines(&form.value("hours")),
        holidays,
    )
    .map_err(|e| {
        let field = match e {
            BadCalendar::Zone(_) => "zone",
            BadCalendar::Holiday(_) => "holidays",
            BadCalendar::Hours(_) | BadCalendar::NeverOpen => "hours",
        };
        (field, e.to_string())
    })
}

pub fn policy_from(form: &Form) -> Result<Policy, Bad> {
    let name = crate::domain::case::clean_name("name", &form.value("name"))
        .map_err(|e| ("name", e.reason))?;
    let priority = match form.value("priority").as_str() {
        "" => None,
        p => Some(
            p.parse::<Priority>()
                .map_err(|e| ("priority", e.to_string()))?,
        ),
    };
    let hours = |field: &'static str| {
        form.value(field)
            .parse::<f64>()
            .ok()
            .filter(|h| h.is_finite() && *h > 0.0)
            .ok_or((field, "a number of hours above 0".to_string()))
    };
    Ok(Policy {
        name,
        vendor: form.opt("vendor"),
        priority,
        calendar: form.value("calendar"),
        first_response_hours: hours("first_response")?,
        resolution_hours: hours("resolution")?,
    })
}
