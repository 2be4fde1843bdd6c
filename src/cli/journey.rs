//! `casebook next`, and the cost and next-action lines of `show`.

use super::table::Table;
use super::Context;
use crate::domain::cost::{CaseCost, CostRates};
use crate::domain::measures::{channel_map, round4};
use crate::domain::next_action::{NextAction, RULE_IDS};
use crate::domain::query::Query;
use crate::domain::time::localize_utc_times;
use crate::domain::{Case, Status, Touchpoint};
use crate::io::json::ShownStage;
use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::io::Write;

/// The channel map with each stage's hours and cost to serve (the cost of
/// the touch that began it).
pub fn shown_stages(
    case: &Case,
    touches: &[Touchpoint],
    rates: &CostRates,
    now: DateTime<Utc>,
) -> Vec<ShownStage> {
    channel_map(case, touches, now)
        .into_iter()
        .map(|stage| {
            let cost = touches
                .iter()
                .find(|t| t.id == stage.touch_id)
                .map(|t| rates.touch_cost(t))
                .unwrap_or_default();
            ShownStage {
                hours: round4(stage.hours()),
                stage,
                cost,
            }
        })
        .collect()
}

/// "Chase Amazon: … [touches #3 #5]", its times on the local clock.
pub fn action_line(a: &NextAction) -> String {
    let text = localize_utc_times(&a.text, &chrono::Local);
    if a.evidence.is_empty() {
        return text;
    }
    let ev: Vec<String> = a.evidence.iter().map(|e| format!("#{e}")).collect();
    format!("{text}  [touches {}]", ev.join(" "))
}

/// One line: what the sale earned, what service cost the vendor, what it cost
/// the customer in money and hours.
pub fn cost_line(case: &Case, c: &CaseCost) -> String {
    let cur = case
        .currency
        .as_deref()
        .map_or(String::new(), |c| format!(" {c}"));
    let mut parts = Vec::new();
    if let Some(p) = case.purchase_amount {
        parts.push(format!("sale {p}{cur}"));
    }
    parts.push(format!("service cost the vendor {}", c.to_serve));
    if c.refunds.0 != 0 {
        parts.push(format!("refunds {}", c.refunds));
    }
    if case.purchase_amount.is_some() || c.refunds.0 != 0 {
        parts.push(format!("margin {}", c.margin));
    }
    parts.push(format!(
        "the customer {} and {:.1} h",
        c.customer_all_in, c.customer_hours
    ));
    if c.revenue_at_risk.0 != 0 {
        parts.push(format!("{} at risk (churned)", c.revenue_at_risk));
    }
    parts.join(" · ")
}

#[derive(Serialize)]
struct NextRecord<'a> {
    case: i64,
    #[serde(rename = "ref")]
    reference: Option<&'a str>,
    title: &'a str,
    vendor: &'a str,
    status: &'a str,
    next_action: &'a NextAction,
}

/// Open cases in urgency order, each with its next action, printed as they
/// are read (`limit`: at most that many).
pub fn next(
    cx: &mut Context,
    query: &str,
    limit: Option<usize>,
    json: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let q = Query::parse(&format!("status:open {query}"))
        .map_err(|e| anyhow::anyhow!("bad query: {e}"))?;
    cx.bring_up_to_date()?;
    let record = |c: &Case, a: &NextAction| -> Result<String> {
        Ok(serde_json::to_string_pretty(&NextRecord {
            case: c.id,
            reference: c.reference.as_deref(),
            title: &c.title,
            vendor: &c.vendor,
            status: c.status.as_str(),
            next_action: a,
        })?)
    };
    // One more than asked for is read, to say whether there are more.
    let wanted = limit.map(|n| n.saturating_add(1));
    let mut shown = 0usize;
    let mut more = false;
    let mut room = |shown: usize| {
        let fits = limit.is_none_or(|n| shown < n);
        more |= !fits;
        fits
    };
    if json {
        // Laid out as the pretty printer lays out a whole list.
        cx.store.each_next_action(&q, cx.now, wanted, |c, a| {
            if !room(shown) {
                return Ok(());
            }
            let text = record(c, a)?.replace('\n', "\n  ");
            let sep = if shown == 0 { "[\n  " } else { ",\n  " };
            write!(out, "{sep}{text}")?;
            shown += 1;
            Ok::<(), anyhow::Error>(())
        })?;
        writeln!(out, "{}", if shown == 0 { "[]" } else { "\n]" })?;
        return Ok(());
    }
    let widths = next_widths(cx)?;
    // The action's words take what the terminal leaves; a pipe gets them whole.
    let before_action: Vec<usize> = widths[..4]
        .iter()
        .zip([usize::MAX, 24, usize::MAX, usize::MAX])
        .zip(["id", "vendor", "status", "action"])
        .map(|((w, max), head)| (*w).min(max).max(head.len()))
        .collect();
    let action_room =
        super::term_width::room_for_last(super::term_width::stdout_columns(), &before_action);
    let t = Table::new(&["id", "vendor", "status", "action", "next"])
        .right(&[0])
        .max_width(1, 24)
        .max_width(4, action_room);
    write!(out, "{}", t.fixed_line(&widths, None))?;
    cx.store.each_next_action(&q, cx.now, wanted, |c, a| {
        if !room(shown) {
            return Ok(());
        }
        shown += 1;
        let cells = [
            c.id.to_string(),
            c.vendor.clone(),
            c.status.to_string(),
            a.id.to_string(),
            action_line(a),
        ];
        write!(out, "{}", t.fixed_line(&widths, Some(&cells)))?;
        Ok::<(), anyhow::Error>(())
    })?;
    match more {
        true => writeln!(out, "{shown} open case(s) shown; more past --limit {shown}")?,
        false => writeln!(out, "{shown} open case(s)")?,
    }
    Ok(())
}

/// Column widths known before any row is read: the largest case id's, the
/// longest vendor name's, the longest open status's and rule id's.
fn next_widths(cx: &Context) -> Result<Vec<usize>> {
    use unicode_width::UnicodeWidthStr;
    let id = cx.store.largest_case_id()?.to_string().len();
    let vendor = cx
        .store
        .vendors()?
        .iter()
        .map(|(name, _)| crate::text::safe_line(name).width())
        .max()
        .unwrap_or(0);
    let status = Status::ALL
        .iter()
        .filter(|s| !s.is_done())
        .map(|s| s.as_str().len())
        .max()
        .unwrap_or(0);
    let action = RULE_IDS.iter().map(|r| r.len()).max().unwrap_or(0);
    Ok(vec![id, vendor, status, action, usize::MAX])
}
