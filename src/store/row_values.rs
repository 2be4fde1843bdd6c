//! A case's and a touch's row as written: their columns and values in one
//! order, shared by a file's row-by-row writes (cases.rs) and a server's
//! bulk ones (server_rows.rs). The macros expand where `params!`, `millis`
//! and `millis_opt` are in scope.

/// A case row's own columns, in the order of `case_values!`.
pub(super) const CASE_COLS: &str =
    "uid, ref, title, vendor_id, marketplace_id, product, order_ref, customer, owner, \
    category, priority, status, opened_at, resolved_at, closed_at, outcome, purchase_amount, \
    refund_amount, currency, customer_cost, customer_minutes, churned, csat, effort, reopens, stage";

/// The values of a case's row: `CASE_COLS`, then its id (NULL for none).
macro_rules! case_values {
    ($case:expr, $vendor:expr, $marketplace:expr) => {{
        let case = $case;
        params![
            case.uid,
            case.reference,
            case.title,
            $vendor,
            $marketplace,
            case.product,
            case.order_ref,
            case.customer,
            case.owner,
            case.category.as_str(),
            case.priority.as_str(),
            case.status.as_str(),
            millis(case.opened_at),
            millis_opt(case.resolved_at),
            millis_opt(case.closed_at),
            case.outcome.map(|o| o.as_str()),
            case.purchase_amount.map(|m| m.0),
            case.refund_amount.map(|m| m.0),
            case.currency,
            case.customer_cost.map(|m| m.0),
            case.customer_minutes,
            case.churned,
            case.csat,
            case.effort,
            case.reopens,
            case.stage().as_str(),
            if case.id > 0 { Some(case.id) } else { None },
        ]
    }};
}
pub(super) use case_values;

/// A touch row's columns, in the order of `touch_values!`.
pub(super) const TOUCH_COLS: &str = "case_id, at, channel, started_by, party_id, minutes, \
    wait_minutes, outcome, ask, promise_due, waiting_on, note, id";

/// The values of a touch's row: `TOUCH_COLS` (the id NULL for none).
macro_rules! touch_values {
    ($case_id:expr, $t:expr, $party:expr) => {{
        let t = $t;
        params![
            $case_id,
            millis(t.at),
            t.channel.as_str(),
            t.started_by.as_str(),
            $party,
            t.minutes,
            t.wait_minutes,
            t.outcome.as_str(),
            t.ask.map(|a| a.as_str()),
            millis_opt(t.promise_due),
            t.waiting_on.map(|w| w.as_str()),
            t.note,
            if t.id > 0 { Some(t.id) } else { None },
        ]
    }};
}
pub(super) use touch_values;

/// The case an incoming one is: by uid, else by ref.
pub(super) const EXISTING_CASE: &str =
    "SELECT coalesce((SELECT id FROM cases WHERE uid = ?1 AND ?1 <> ''),
                     (SELECT id FROM cases WHERE ref = ?2))";
