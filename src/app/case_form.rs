//! The case forms: a new case, an edited one, and resolving one.

use super::form::{Field, Form, Kind, Purpose};
use super::touch_form::local_text;
use crate::domain::{
    Case, Category, Channel, JourneyStage, Money, Priority, Resolution, StartedBy, TouchOutcome,
    Touchpoint,
};
use chrono::{DateTime, Utc};

fn names<T: ToString>(all: &[T]) -> Vec<String> {
    all.iter().map(ToString::to_string).collect()
}

fn money(m: Option<Money>) -> String {
    m.map(|m| m.to_string()).unwrap_or_default()
}

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("")
}

fn shared_fields(c: &Case, opened: &str) -> Vec<Field> {
    vec![
        Field::text("title", "title", &c.title, true),
        Field::text("vendor", "vendor", &c.vendor, true),
        Field::text("marketplace", "bought via", opt(&c.marketplace), false),
        Field::text("product", "product", opt(&c.product), false),
        Field::choice(
            "category",
            "category",
            names(Category::ALL),
            None,
            c.category.as_str(),
        ),
        Field::choice(
            "stage",
            "stage",
            names(JourneyStage::ALL),
            Some("(by category)"),
            c.stage.map_or("", |s| s.as_str()),
        ),
        Field::choice(
            "priority",
            "priority",
            names(Priority::ALL),
            None,
            c.priority.as_str(),
        ),
        Field::new("opened_at", "opened", Kind::Time { required: true }, opened),
    ]
}

fn detail_fields(c: &Case) -> Vec<Field> {
    vec![
        Field::text("order_ref", "order", opt(&c.order_ref), false),
        Field::new(
            "purchase_amount",
            "purchase",
            Kind::Money,
            &money(c.purchase_amount),
        ),
        Field::text("currency", "currency", opt(&c.currency), false),
        Field::text("customer", "customer", opt(&c.customer), false),
        Field::text("owner", "owner", opt(&c.owner), false),
        Field::text("tags", "tags", &c.tags.join(", "), false),
        Field::text("ref", "ref", opt(&c.reference), false),
    ]
}

/// A new case: opened now; optionally a first contact on a channel.
pub fn new_case(now: DateTime<Utc>) -> Form {
    let c = Case::new("", "", now);
    let mut fields = shared_fields(&c, "now");
    fields.push(Field::choice(
        "channel",
        "first contact",
        Channel::KNOWN.iter().map(|s| s.to_string()).collect(),
        Some("(none yet)"),
        "",
    ));
    fields.extend(detail_fields(&c));
    let mut form = Form::new(Purpose::NewCase, "New case".into(), fields, now);
    if let Some(f) = form.field_mut("channel") {
        f.hint = Some("logs it as a first touch (sent)".into());
    }
    form
}

pub fn edit_case(c: &Case, now: DateTime<Utc>) -> Form {
    let mut fields = shared_fields(c, &local_text(c.opened_at));
    fields.extend(detail_fields(c));
    fields.extend([
        Field::new(
            "refund_amount",
            "refunded",
            Kind::Money,
            &money(c.refund_amount),
        ),
        Field::new(
            "customer_cost",
            "customer cost",
            Kind::Money,
            &money(c.customer_cost),
        ),
        Field::new(
            "customer_minutes",
            "customer minutes",
            Kind::Int {
                min: 0,
                max: 10_000_000,
            },
            &c.customer_minutes
                .map(|m| m.to_string())
                .unwrap_or_default(),
        ),
        Field::choice(
            "churned",
            "churned",
            vec!["no".into(), "yes".into()],
            None,
            if c.churned { "yes" } else { "no" },
        ),
        Field::new(
            "csat",
            "csat (1-5)",
            Kind::Int { min: 1, max: 5 },
            &c.csat.map(|n| n.to_string()).unwrap_or_default(),
        ),
        Field::new(
            "effort",
            "effort (1-7)",
            Kind::Int { min: 1, max: 7 },
            &c.effort.map(|n| n.to_string()).unwrap_or_default(),
        ),
    ]);
    Form::new(
        Purpose::EditCase(Box::new(c.clone())),
        format!("Case {}", c.id),
        fields,
        now,
    )
}

type Bad = (&'static str, String);

fn parsed<T: std::str::FromStr>(form: &Form, name: &'static str) -> Result<T, Bad>
where
    T::Err: std::fmt::Display,
{
    form.value(name)
        .parse()
        .map_err(|e: T::Err| (name, e.to_string()))
}

/// The case the form describes (and its first touch, for a new case).
pub fn case_from(form: &Form) -> Result<(Case, Vec<Touchpoint>), Bad> {
    let original = match &form.purpose {
        Purpose::EditCase(c) => Some(c.as_ref()),
        _ => None,
    };
    // An untouched opening time keeps its seconds.
    let opened = original
        .map(|o| o.opened_at)
        .filter(|t| form.value("opened_at") == local_text(*t))
        .or_else(|| form.time("opened_at"))
        .ok_or(("opened_at", "not a time".to_string()))?;
    let mut c = match original {
        Some(o) => o.clone(),
        None => Case::new("", "", opened),
    };
    c.title = form.value("title");
    c.vendor = form.value("vendor");
    c.opened_at = opened;
    c.marketplace = form.opt("marketplace");
    c.product = form.opt("product");
    c.category = parsed(form, "category")?;
    c.priority = parsed(form, "priority")?;
    // Blank: the category's stage, as the command line leaves it.
    c.stage = match form.opt("stage") {
        Some(v) => Some(
            v.parse()
                .map_err(|e: crate::domain::enums::UnknownValue| ("stage", e.to_string()))?,
        ),
        None => None,
    };
    c.order_ref = form.opt("order_ref");
    c.purchase_amount = form.money("purchase_amount");
    c.currency = form.opt("currency");
    c.customer = form.opt("customer");
    c.owner = form.opt("owner");
    c.reference = form.opt("ref");
    c.tags = form
        .value("tags")
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(String::from)
        .collect();
    if original.is_some() {
        c.refund_amount = form.money("refund_amount");
        c.customer_cost = form.money("customer_cost");
        c.customer_minutes = form.int("customer_minutes");
        c.churned = form.value("churned") == "yes";
        c.csat = form.int("csat").map(|n| n as u8);
        c.effort = form.int("effort").map(|n| n as u8);
    }
    let mut touches = Vec::new();
    if let Some(ch) = form.opt("channel") {
        let channel = Channel::known(&ch).map_err(|e| ("channel", e.to_string()))?;
        touches.push(Touchpoint::new(
            opened,
            channel,
            StartedBy::Customer,
            TouchOutcome::Sent,
        ));
    }
    Ok((c, touches))
}

/// Resolving a case: its outcome (to choose), a refund, and when.
pub fn resolve(c: &Case, now: DateTime<Utc>) -> Form {
    let fields = vec![
        Field::choice(
            "outcome",
            "outcome",
            names(Resolution::ALL),
            Some("(choose one)"),
            c.outcome.map_or("", |o| o.as_str()),
        ),
        Field::new(
            "refund_amount",
            "refund",
            Kind::Money,
            &money(c.refund_amount),
        ),
        Field::new(
            "resolved_at",
            "resolved",
            Kind::Time { required: true },
            "now",
        ),
    ];
    Form::new(
        Purpose::Resolve { case_id: c.id },
        format!("Resolve case {}: {}", c.id, c.title),
        fields,
        now,
    )
}

/// What resolving asks for: outcome, refund, time.
pub fn resolution_from(form: &Form) -> Result<(Resolution, Option<Money>, DateTime<Utc>), Bad> {
    if form.value("outcome").is_empty() {
        return Err(("outcome", "choose how the case ended (← →)".into()));
    }
    let outcome = parsed(form, "outcome")?;
    let at = form
        .time("resolved_at")
        .ok_or(("resolved_at", "not a time".to_string()))?;
    Ok((outcome, form.money("refund_amount"), at))
}
