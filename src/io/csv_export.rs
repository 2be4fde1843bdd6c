//! CSV export for spreadsheets: one row per touchpoint (a case without
//! touches gets one row), the case's fields repeated. Cells a spreadsheet
//! would run as a formula are neutralised. Every field a case and a touch
//! have is a column (`tests/csv_import.rs` checks each one against the
//! JSON), so that `import` reads the file back (`src/io/csv_own.rs`); JSON
//! stays the form that also carries the history and the setup.

use super::csv_safe;
use crate::domain::time::to_rfc3339;
use crate::domain::{Case, Touchpoint};
use crate::store::report::Window;
use crate::store::{Store, StoreError};
use chrono::{DateTime, Utc};
use std::io::Write;

/// The columns, in order; `src/io/csv_own.rs` reads them back by name.
pub const HEADER: [&str; 40] = [
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
    "customer_minutes",
    "csat",
    "effort",
    "reopens",
    "tags",
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

/// A text cell: neutralised as a formula would be (`csv_safe`), and a cell
/// that starts with `'` itself gets one more, so that reading the file back
/// takes exactly one `'` away from any cell that starts with one.
pub fn guarded(cell: &str) -> String {
    if cell.starts_with('\'') {
        format!("'{cell}")
    } else {
        csv_safe(cell)
    }
}

fn text(t: &Option<String>) -> String {
    t.as_deref().map(guarded).unwrap_or_default()
}

/// Tags hold no control characters: one a line keeps them apart exactly.
pub const TAG_SEPARATOR: &str = "\n";

fn number(n: Option<f64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

fn row(c: &Case, t: Option<&Touchpoint>) -> Vec<String> {
    let money = |m: Option<crate::domain::Money>| m.map(|m| m.to_string()).unwrap_or_default();
    vec![
        c.id.to_string(),
        text(&c.reference),
        c.uid.clone(),
        guarded(&c.title),
        guarded(&c.vendor),
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
        c.customer_minutes
            .map(|m| m.to_string())
            .unwrap_or_default(),
        c.csat.map(|n| n.to_string()).unwrap_or_default(),
        c.effort.map(|n| n.to_string()).unwrap_or_default(),
        c.reopens.to_string(),
        guarded(&c.tags.join(TAG_SEPARATOR)),
        t.map(|t| t.id.to_string()).unwrap_or_default(),
        time(t.map(|t| t.at)),
        t.map(|t| t.channel.to_string()).unwrap_or_default(),
        t.map(|t| t.started_by.to_string()).unwrap_or_default(),
        // As the touch has it: empty when the touch names no party (then it
        // is the case's vendor), so that the file reads back as it was.
        t.and_then(|t| t.party.as_deref())
            .map(guarded)
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
        t.map(|t| guarded(&t.note)).unwrap_or_default(),
    ]
}

pub fn export(store: &Store, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(HEADER)?;
    let err = |e: csv::Error| StoreError::Output(e.to_string());
    store.each_case_to_export(
        Window {
            since: None,
            until: None,
        },
        false,
        |case, touches, _| {
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
