//! The rules, one function each, registered in `RULES` in the spec's order.
//! To add a pattern: add its variant, write its function, add one line to RULES.

use super::{CaseView, Flag, Pattern, Thresholds};
use crate::domain::case::Touchpoint;
use crate::domain::enums::{Ask, Category, StartedBy, TouchOutcome, WaitingOn};
use crate::domain::measures::{channel_map, contacts};
use crate::domain::time::short_duration;
use chrono::{DateTime, Utc};

pub struct Rule {
    pub pattern: Pattern,
    pub id: &'static str,
    pub definition: &'static str,
    pub check: fn(&CaseView, &Thresholds) -> Option<Flag>,
}

pub static RULES: &[Rule] = &[
    Rule {
        pattern: Pattern::Unreachable,
        id: "unreachable",
        definition: "a customer touch found no way to reach the vendor on that channel",
        check: unreachable,
    },
    Rule {
        pattern: Pattern::DroppedContact,
        id: "dropped_contact",
        definition: "a contact was dropped (silence, disconnect, chat closed)",
        check: dropped_contact,
    },
    Rule {
        pattern: Pattern::BrokenPromise,
        id: "broken_promise",
        definition: "the vendor promised to come back by a time and did not",
        check: broken_promise,
    },
    Rule {
        pattern: Pattern::SlowResponse,
        id: "slow_response",
        definition: "one stretch of waiting on the vendor lasted longer than the threshold",
        check: slow_response,
    },
    Rule {
        pattern: Pattern::RepeatContact,
        id: "repeat_contact",
        definition: "the customer had to make many contacts on one case",
        check: repeat_contact,
    },
    Rule {
        pattern: Pattern::LongHold,
        id: "long_hold",
        definition: "a touch kept the customer on hold or in a queue too long",
        check: long_hold,
    },
    Rule {
        pattern: Pattern::ChannelSwitch,
        id: "channel_switch",
        definition: "the customer had to try many channels",
        check: channel_switch,
    },
    Rule {
        pattern: Pattern::Runaround,
        id: "runaround",
        definition: "the customer was sent from party to party",
        check: runaround,
    },
    Rule {
        pattern: Pattern::LostRecord,
        id: "lost_record",
        definition: "the vendor had no record of the customer's earlier contact or order",
        check: lost_record,
    },
    Rule {
        pattern: Pattern::BurdensomeRemedy,
        id: "burdensome_remedy",
        definition: "the remedy offered costs the customer more than the problem",
        check: burdensome_remedy,
    },
    Rule {
        pattern: Pattern::Contradiction,
        id: "contradiction",
        definition: "the vendor contradicted what it had said before",
        check: contradiction,
    },
    Rule {
        pattern: Pattern::Loop,
        id: "loop",
        definition: "the customer was sent round in a circle",
        check: loop_rule,
    },
    Rule {
        pattern: Pattern::ForcedEscalation,
        id: "forced_escalation",
        definition: "the customer had to escalate to get help",
        check: forced_escalation,
    },
    Rule {
        pattern: Pattern::SelfResolved,
        id: "self_resolved",
        definition: "the customer fixed it at their own cost",
        check: self_resolved,
    },
    Rule {
        pattern: Pattern::Churn,
        id: "churn",
        definition: "the customer moved their business elsewhere",
        check: churn,
    },
    Rule {
        pattern: Pattern::Delight,
        id: "delight",
        definition: "positive: the vendor went out of its way to delight the customer",
        check: delight,
    },
];

pub fn rule(p: Pattern) -> &'static Rule {
    // RULES holds every variant once, in declaration order.
    &RULES[p as usize]
}

fn fire(pattern: Pattern, evidence: Vec<i64>, explanation: String) -> Option<Flag> {
    Some(Flag {
        pattern,
        evidence,
        explanation,
    })
}

/// Fires on every touch that matches, with those touches as evidence.
fn touches_where(
    view: &CaseView,
    pattern: Pattern,
    what: &str,
    hit: impl Fn(&Touchpoint) -> bool,
) -> Option<Flag> {
    let hits: Vec<&Touchpoint> = view.touches.iter().filter(|t| hit(t)).collect();
    if hits.is_empty() {
        return None;
    }
    let channels: Vec<String> =
        hits.iter()
            .map(|t| t.channel.to_string())
            .fold(Vec::new(), |mut acc, c| {
                if !acc.contains(&c) {
                    acc.push(c);
                }
                acc
            });
    let times = if hits.len() == 1 {
        "once".to_string()
    } else {
        format!("{} times", hits.len())
    };
    fire(
        pattern,
        hits.iter().map(|t| t.id).collect(),
        format!("{what} {times} ({})", channels.join(", ")),
    )
}

fn unreachable(v: &CaseView, _: &Thresholds) -> Option<Flag> {
    touches_where(
        v,
        Pattern::Unreachable,
        "no way found to reach the vendor",
        |t| t.started_by == StartedBy::Customer && t.outcome == TouchOutcome::Unreachable,
    )
}

fn dropped_contact(v: &CaseView, _: &Thresholds) -> Option<Flag> {
    touches_where(v, Pattern::DroppedContact, "contact dropped", |t| {
        t.outcome == TouchOutcome::Dropped
    })
}

fn lost_record(v: &CaseView, _: &Thresholds) -> Option<Flag> {
    touches_where(v, Pattern::LostRecord, "vendor had no record", |t| {
        t.outcome == TouchOutcome::NoRecord
    })
}

fn contradiction(v: &CaseView, _: &Thresholds) -> Option<Flag> {
    touches_where(
        v,
        Pattern::Contradiction,
        "vendor contradicted itself",
        |t| t.outcome == TouchOutcome::Contradicted,
    )
}

fn delight(v: &CaseView, _: &Thresholds) -> Option<Flag> {
    touches_where(v, Pattern::Delight, "vendor delighted the customer", |t| {
        t.started_by == StartedBy::Vendor && t.outcome == TouchOutcome::Delight
    })
}

fn long_hold(v: &CaseView, th: &Thresholds) -> Option<Flag> {
    let what = format!("held or queued over {} min", th.long_hold_minutes);
    touches_where(v, Pattern::LongHold, &what, |t| {
        t.wait_minutes.is_some_and(|w| w > th.long_hold_minutes)
    })
}

fn broken_promise(v: &CaseView, _: &Thresholds) -> Option<Flag> {
    // A promise breaks once its due time has passed while the case was still
    // unresolved, with no vendor-started touch after it and by then.
    let stop = v
        .case
        .resolved_at
        .or(v.case.closed_at)
        .unwrap_or(v.now)
        .min(v.now);
    let mut broken = Vec::new();
    for (i, t) in v.touches.iter().enumerate() {
        let Some(due) = t.promise_due else { continue };
        if due >= stop {
            continue;
        }
        let kept = v.touches[i + 1..]
            .iter()
            .any(|u| u.started_by == StartedBy::Vendor && u.at <= due);
        if !kept {
            broken.push(t);
        }
    }
    if broken.is_empty() {
        return None;
    }
    let dues: Vec<String> = broken
        .iter()
        .filter_map(|t| t.promise_due)
        .map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string())
        .collect();
    fire(
        Pattern::BrokenPromise,
        broken.iter().map(|t| t.id).collect(),
        format!(
            "vendor promised to come back by {} and did not",
            dues.join(", ")
        ),
    )
}

fn slow_response(v: &CaseView, th: &Thresholds) -> Option<Flag> {
    let slow: Vec<_> = channel_map(v.case, v.touches, v.now)
        .into_iter()
        .filter(|s| s.waiting_on == WaitingOn::Vendor && s.hours() > th.slow_response_hours)
        .collect();
    let longest = slow.iter().map(|s| s.end - s.start).max()?;
    fire(
        Pattern::SlowResponse,
        slow.iter().map(|s| s.touch_id).collect(),
        format!(
            "waited on the vendor longer than {}h {} (longest {})",
            th.slow_response_hours,
            if slow.len() == 1 {
                "once".to_string()
            } else {
                format!("{} times", slow.len())
            },
            short_duration(longest)
        ),
    )
}

fn repeat_contact(v: &CaseView, th: &Thresholds) -> Option<Flag> {
    let n = contacts(v.touches);
    if n < th.repeat_contacts {
        return None;
    }
    let evidence = v
        .touches
        .iter()
        .filter(|t| t.started_by == StartedBy::Customer)
        .map(|t| t.id)
        .collect();
    fire(
        Pattern::RepeatContact,
        evidence,
        format!(
            "the customer made {n} contacts (threshold {})",
            th.repeat_contacts
        ),
    )
}

fn channel_switch(v: &CaseView, th: &Thresholds) -> Option<Flag> {
    let mut seen: Vec<&str> = Vec::new();
    let mut evidence = Vec::new();
    for t in v
        .touches
        .iter()
        .filter(|t| t.started_by == StartedBy::Customer)
    {
        if !seen.contains(&t.channel.as_str()) {
            seen.push(t.channel.as_str());
            evidence.push(t.id);
        }
    }
    if seen.len() < th.switch_channels {
        return None;
    }
    fire(
        Pattern::ChannelSwitch,
        evidence,
        format!(
            "the customer tried {} channels: {}",
            seen.len(),
            seen.join(", ")
        ),
    )
}

fn runaround(v: &CaseView, th: &Thresholds) -> Option<Flag> {
    let vendor = v.case.vendor.as_str();
    let mut changes = Vec::new();
    for pair in v.touches.windows(2) {
        if !pair[0]
            .party_or(vendor)
            .eq_ignore_ascii_case(pair[1].party_or(vendor))
        {
            changes.push(pair[1].id);
        }
    }
    let transfers: Vec<i64> = v
        .touches
        .iter()
        .filter(|t| t.outcome == TouchOutcome::Transferred)
        .map(|t| t.id)
        .collect();
    let elsewhere: Vec<i64> = v
        .touches
        .iter()
        .filter(|t| t.ask == Some(Ask::CallElsewhere))
        .map(|t| t.id)
        .collect();
    let mut reasons = Vec::new();
    let mut evidence = Vec::new();
    if changes.len() >= th.runaround_party_changes {
        reasons.push(format!("the party changed {} times", changes.len()));
        evidence.extend(&changes);
    }
    if transfers.len() >= th.runaround_transfers {
        reasons.push(format!("{} transfers", transfers.len()));
        evidence.extend(&transfers);
    }
    if !elsewhere.is_empty() {
        reasons.push("the vendor said to call elsewhere".to_string());
        evidence.extend(&elsewhere);
    }
    if reasons.is_empty() {
        return None;
    }
    evidence.sort_unstable();
    evidence.dedup();
    fire(Pattern::Runaround, evidence, reasons.join("; "))
}

fn burdensome_remedy(v: &CaseView, th: &Thresholds) -> Option<Flag> {
    let missing_part = v.case.category == Category::MissingPart;
    let mut evidence = Vec::new();
    let mut reasons = Vec::new();
    for t in v.touches {
        let Some(ask) = t.ask else { continue };
        if missing_part && ask == Ask::ReturnItem {
            evidence.push(t.id);
            reasons.push("asked to return the whole item for a missing part".to_string());
            continue;
        }
        let cost = th.ask_cost.get(ask.as_str()).copied();
        if let (TouchOutcome::Offer, Some(cost), Some(purchase)) =
            (t.outcome, cost, v.case.purchase_amount)
        {
            if cost > purchase {
                evidence.push(t.id);
                reasons.push(format!(
                    "offer asks '{ask}' costing about {cost}, more than the purchase ({purchase})"
                ));
            }
        }
    }
    if evidence.is_empty() {
        return None;
    }
    reasons.dedup();
    fire(Pattern::BurdensomeRemedy, evidence, reasons.join("; "))
}

fn loop_rule(v: &CaseView, th: &Thresholds) -> Option<Flag> {
    let vendor = v.case.vendor.as_str();
    let mut evidence: Vec<i64> = v
        .touches
        .iter()
        .filter(|t| t.outcome == TouchOutcome::Loop)
        .map(|t| t.id)
        .collect();
    let marked = evidence.len();
    let same = |a: &Touchpoint, b: &Touchpoint| {
        a.outcome.is_failure()
            && a.outcome == b.outcome
            && a.channel == b.channel
            && a.party_or(vendor).eq_ignore_ascii_case(b.party_or(vendor))
    };
    let mut repeats = 0;
    let mut start = 0;
    while start < v.touches.len() {
        let mut end = start + 1;
        while end < v.touches.len() && same(&v.touches[start], &v.touches[end]) {
            end += 1;
        }
        if end - start >= th.loop_repeats.max(1) && v.touches[start].outcome.is_failure() {
            repeats += 1;
            evidence.extend(v.touches[start..end].iter().map(|t| t.id));
        }
        start = end;
    }
    if evidence.is_empty() {
        return None;
    }
    evidence.sort_unstable();
    evidence.dedup();
    let mut reasons = Vec::new();
    if marked > 0 {
        reasons.push(format!("{marked} touch(es) went round in a loop"));
    }
    if repeats > 0 {
        reasons.push(format!(
            "{} or more touches in a row with the same party, channel and failure",
            th.loop_repeats
        ));
    }
    fire(Pattern::Loop, evidence, reasons.join("; "))
}

fn forced_escalation(v: &CaseView, _: &Thresholds) -> Option<Flag> {
    let before = |t: &Touchpoint| v.case.resolved_at.is_none_or(|r| t.at < r);
    touches_where(
        v,
        Pattern::ForcedEscalation,
        "the customer escalated",
        |t| {
            t.started_by == StartedBy::Customer && t.outcome == TouchOutcome::Escalated && before(t)
        },
    )
}

fn self_resolved(v: &CaseView, _: &Thresholds) -> Option<Flag> {
    let c = v.case;
    let mut reasons = Vec::new();
    if c.outcome == Some(crate::domain::enums::Resolution::SelfResolved) {
        reasons.push("outcome is self_resolved".to_string());
    }
    if let Some(cost) = c.customer_cost.filter(|m| m.0 > 0) {
        let currency = c.currency.as_deref().unwrap_or("");
        reasons.push(
            format!("customer_cost is {cost} {currency}")
                .trim_end()
                .to_string(),
        );
        if let Some(m) = c.customer_minutes.filter(|m| *m > 0) {
            reasons.push(format!("customer_minutes is {m}"));
        }
    }
    if reasons.is_empty() {
        return None;
    }
    fire(
        Pattern::SelfResolved,
        Vec::new(),
        format!("the customer coped alone: {}", reasons.join(", ")),
    )
}

fn churn(v: &CaseView, _: &Thresholds) -> Option<Flag> {
    v.case.churned.then(|| Flag {
        pattern: Pattern::Churn,
        evidence: Vec::new(),
        explanation: "churned is true: the customer moved business elsewhere".to_string(),
    })
}

/// The instants after `now` at which a rule's verdict would change with the
/// clock alone, nothing else being logged: a promise falls due unkept, or a
/// stretch of vendor wait that is still running crosses the slow-response
/// threshold. Only these two rules read the clock; the others change only
/// when the case or its touches do. A done case's clock has stopped.
pub fn clock_instants(v: &CaseView, th: &Thresholds) -> Vec<DateTime<Utc>> {
    let mut instants = Vec::new();
    // A done case's clock has stopped at its resolution: nothing changes
    // after it, but a resolution logged ahead of the clock leaves the time
    // until then to run.
    let end = crate::domain::measures::clock_end(v.case, v.now);
    let done = v.case.status.is_done();
    if done && end <= v.now {
        return instants;
    }
    let before_end = |t: DateTime<Utc>| !done || t <= end;
    let just_after = chrono::Duration::milliseconds(1);
    for (i, t) in v.touches.iter().enumerate() {
        // broken_promise: a due time still ahead breaks the promise just after
        // it passes, unless a vendor-started touch already came by then.
        if let Some(due) = t.promise_due {
            let kept = v.touches[i + 1..]
                .iter()
                .any(|u| u.started_by == StartedBy::Vendor && u.at <= due);
            if due >= v.now && !kept && (!done || due < end) {
                instants.push(due + just_after);
            }
        }
        // slow_response: this touch's stretch grows with the clock until the
        // next touch; it fires just after it passes the threshold.
        if crate::domain::measures::ball_after(v.case, v.touches, i) == WaitingOn::Vendor {
            let Ok(threshold) = chrono::Duration::from_std(std::time::Duration::from_secs_f64(
                th.slow_response_hours.max(0.0) * 3600.0,
            )) else {
                continue;
            };
            let crossing = t.at + threshold + just_after;
            let before_next = v.touches.get(i + 1).is_none_or(|n| crossing <= n.at);
            if crossing > v.now && before_next && before_end(crossing) {
                instants.push(crossing);
            }
        }
    }
    instants
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_registered_in_variant_order() {
        for (i, r) in RULES.iter().enumerate() {
            assert_eq!(r.pattern as usize, i, "{} is out of place", r.id);
        }
        assert_eq!(RULES.len(), Pattern::Delight as usize + 1);
    }
}
