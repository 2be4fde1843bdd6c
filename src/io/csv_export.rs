//! CSV export for spreadsheets: one row per touchpoint (a case without
//! touches gets one row), the case's fields repeated. Cells a spreadsheet
//! would run as a formula are neutralised. JSON stays the lossless form, but
//! every field a touch has is here too (`tests/csv_import.rs` checks each one
//! against the touch's JSON).

use super::csv_safe;
use crate::domain::time::to_rfc3339;
use crate::domain::{Case, Touchpoint};
use crate::store::report::Window;
use crate::store::{Store, StoreError};
use chrono::{DateTime, Utc};
use std::io::Write;

const HEADER: [&str; 35] = [
    "case_id",
    "ref",
    "uid",
    "title",
    "vendor",
    "marketplace",
    "product",
    "order_ref",
    "customer",
    "owner",
    "category",
    "stage",
    "priority",
    "status",
    "opened_at",
    "resolved_at",
    "closed_at",
    "outcome",
    "purchase_amount",
    "refund_amount",
    "currency",
    "customer_cost",
    "churned",
    "touch_id",
    "at",
    "channel",
    "from",
    "party",
    "touch_outcome",
    "minutes",
    "wait_minutes",
    "ask",
    "promise_due",
    "waiting_on",
    "note",
];

fn time(t: Option<DateTime<Utc>>) -> String {
    t.map(to_rfc3339).unwrap_or_default()
}

fn text(t: &Option<String>) -> String {
    t.as_deref().map(csv_safe).unwrap_or_default()
}

fn number(n: Option<f64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

fn row(c: &Case, t: Option<&Touchpoint>) -> Vec<String> {
    let money = |m: Option<crate::domain::Money>| m.map(|m| m.to_string()).unwrap_or_default();
    vec![
        c.id.to_string(),
        text(&c.reference),
        c.uid.clone(),
        csv_safe(&c.title),
        csv_safe(&c.vendor),
        text(&c.marketplace),
        text(&c.product),
        text(&c.order_ref),
        text(&c.customer),
        text(&c.owner),
        c.category.to_string(),
        c.stage().to_string(),
        c.priority.to_string(),
        c.status.to_string(),
        to_rfc3339(c.opened_at),
        time(c.resolved_at),
        time(c.closed_at),
        c.outcome.map(|o| o.to_string()).unwrap_or_default(),
        money(c.purchase_amount),
        money(c.refund_amount),
        text(&c.currency),
        money(c.customer_cost),
        c.churned.to_string(),
        t.map(|t| t.id.to_string()).unwrap_or_default(),
        time(t.map(|t| t.at)),
        t.map(|t| t.channel.to_string()).unwrap_or_default(),
        t.map(|t| t.started_by.to_string()).unwrap_or_default(),
        t.map(|t| csv_safe(t.party_or(&c.vendor)))
            .unwrap_or_default(),
        t.map(|t| t.outcome.to_string()).unwrap_or_default(),
        number(t.and_then(|t| t.minutes)),
        number(t.and_then(|t| t.wait_minutes)),
        t.and_then(|t| t.ask)
            .map(|a| a.to_string())
            .unwrap_or_default(),
        time(t.and_then(|t| t.promise_due)),
        t.and_then(|t| t.waiting_on)
            .map(|w| w.to_string())
            .unwrap_or_default(),
        t.map(|t| csv_safe(&t.note)).unwrap_or_default(),
    ]
}

pub fn export(store: &Store, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(HEADER)?;
    let err = |e: csv::Error| StoreError::Output(e.to_string());
    store.each_case(
        Window {
            since: None,
            until: None,
        },
        true,
        |case, touches| {
            if touches.is_empty() {
                w.write_record(row(&case, None)).map_err(err)?;
            }
            for t in &touches {
                w.write_record(row(&case, Some(t))).map_err(err)?;
            }
            Ok(())
        },
    )?;
    w.flush()?;
    Ok(())
}
