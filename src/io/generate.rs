//! A synthetic data set for scale: many vendors, years of cases, ten
//! touches a case on average, drawn from a seeded generator so that the
//! same seed gives the same data.

use crate::domain::{
    Ask, Case, Category, Channel, Priority, StartedBy, Status, TouchOutcome, Touchpoint,
};
use crate::domain::{Money, Resolution};
use chrono::{DateTime, Duration, Utc};

const VENDOR_COUNT: usize = 200;
const CHANNELS: [&str; 8] = [
    "phone", "chat", "email", "web", "app", "store", "social", "claim",
];

/// The `i`-th generated case with its touches; cases spread over the three
/// years before `now`.
pub fn case(rng: &mut fastrand::Rng, i: usize, now: DateTime<Utc>) -> (Case, Vec<Touchpoint>) {
    let vendor = format!(
        "Vendor {:03}",
        rng.usize(..VENDOR_COUNT).min(rng.usize(..VENDOR_COUNT))
    );
    let opened = now - Duration::minutes(rng.i64(60..3 * 365 * 24 * 60));
    let mut case = Case::new(
        &format!(
            "Generated case {i}: {}",
            pick(
                rng,
                &[
                    "no refund",
                    "late parcel",
                    "broken on arrival",
                    "double charge",
                    "cannot log in",
                    "outage"
                ]
            )
        ),
        &vendor,
        opened,
    );
    case.reference = Some(format!("gen-{i}"));
    case.category = Category::ALL[rng.usize(..Category::ALL.len())];
    case.priority = Priority::ALL[rng.usize(..Priority::ALL.len())];
    case.purchase_amount = Some(Money(rng.i64(500..50_000)));
    case.currency = Some("USD".into());
    let n = rng.usize(1..20);
    let mut touches = Vec::with_capacity(n);
    let mut at = opened;
    for k in 0..n {
        // Nothing is logged after now.
        if at > now {
            break;
        }
        let from = if k % 2 == 0 || rng.bool() {
            StartedBy::Customer
        } else {
            StartedBy::Vendor
        };
        let outcome = TouchOutcome::ALL[rng.usize(..TouchOutcome::ALL.len())];
        let channel = Channel::new(pick(rng, &CHANNELS)).unwrap_or_else(|_| unreachable!());
        let mut t = Touchpoint::new(at, channel, from, outcome);
        t.minutes = Some(rng.usize(1..60) as f64);
        if rng.u8(..4) == 0 {
            t.wait_minutes = Some(rng.usize(0..45) as f64);
        }
        if rng.u8(..10) == 0 {
            t.ask = Some(Ask::ALL[rng.usize(..Ask::ALL.len())]);
        }
        if outcome == TouchOutcome::Promise {
            t.promise_due = Some(at + Duration::hours(rng.i64(1..72)));
        }
        t.note = format!("touch {k} of case {i}");
        touches.push(t);
        at += Duration::minutes(rng.i64(5..4 * 24 * 60));
    }
    if rng.u8(..5) != 0 && at < now {
        case.status = Status::Resolved;
        case.resolved_at = Some(at);
        case.outcome = Some(Resolution::ALL[rng.usize(..Resolution::ALL.len())]);
        if matches!(
            case.outcome,
            Some(Resolution::FullRefund | Resolution::PartialRefund)
        ) {
            case.refund_amount = case.purchase_amount;
        }
    } else {
        case.status = [
            Status::Open,
            Status::WaitingVendor,
            Status::WaitingCustomer,
            Status::Escalated,
        ][rng.usize(..4)];
    }
    case.churned = rng.u8(..20) == 0;
    if rng.u8(..10) == 0 {
        case.customer_cost = Some(Money(rng.i64(100..5_000)));
    }
    (case, touches)
}

fn pick<'a>(rng: &mut fastrand::Rng, from: &[&'a str]) -> &'a str {
    from[rng.usize(..from.len())]
}
