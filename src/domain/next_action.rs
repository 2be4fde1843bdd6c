//! The next best action for an open case: the spec's rules in order, the
//! first that applies wins, each with its reason and evidence.

use super::action_words::{customer_owes, outcome_words, since_phrase, touch_phrase};
use super::case::{Case, Touchpoint};
use super::enums::{StartedBy, TouchOutcome, WaitingOn};
use super::friction::{Flag, Pattern, Thresholds};
use super::measures::{ball_after_last, is_vendor_answer};
use super::time::age_text;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// The rule ids, in the order they are tried.
pub const RULE_IDS: &[&str] = &[
    "chase_promise",
    "answer_sla",
    "escalate_marketplace",
    "switch_channel",
    "escalate",
    "await_promise",
    "nudge_customer",
    "follow_up",
    "wait",
];

/// The config file's `[next_action]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NextActionSettings {
    /// `nudge_customer`: the ball has been with the customer longer than this.
    pub nudge_customer_hours: f64,
}

impl Default for NextActionSettings {
    fn default() -> Self {
        NextActionSettings {
            nudge_customer_hours: 72.0,
        }
    }
}

/// What `answer_sla` reads of a case's SLA state (the SLA module's to fill).
#[derive(Debug, Clone, PartialEq)]
pub struct SlaUrgency {
    pub breached: bool,
    pub at_risk: bool,
    /// Which target: "first response" or "resolution".
    pub target: String,
}

/// How often a vendor answered a customer's contact on one channel.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelAnswerRate {
    pub channel: String,
    pub contacts: usize,
    pub answered: usize,
}

impl ChannelAnswerRate {
    pub fn rate(&self) -> f64 {
        if self.contacts == 0 {
            0.0
        } else {
            self.answered as f64 / self.contacts as f64
        }
    }
}

/// The file's own history of answers per channel: this vendor's, and every vendor's.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChannelAnswers {
    pub vendor: Vec<ChannelAnswerRate>,
    pub all_vendors: Vec<ChannelAnswerRate>,
}

/// The suggestion (`show --json`'s `"next_action"`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NextAction {
    pub id: &'static str,
    pub text: String,
    pub evidence: Vec<i64>,
}

/// What the rules read. `touches` in time order; `flags` as the friction
/// rules gave them at `now`; `answers` only matters to `switch_channel`
/// (see `needs_channel_answers`), so it may be left empty otherwise.
pub struct NextActionInput<'a> {
    pub case: &'a Case,
    pub touches: &'a [Touchpoint],
    pub flags: &'a [Flag],
    pub now: DateTime<Utc>,
    pub thresholds: &'a Thresholds,
    pub settings: &'a NextActionSettings,
    pub sla: Option<&'a SlaUrgency>,
    pub answers: &'a ChannelAnswers,
}

fn action(id: &'static str, text: String, evidence: Vec<i64>) -> Option<NextAction> {
    Some(NextAction { id, text, evidence })
}

fn when(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn hours(h: f64) -> Duration {
    Duration::milliseconds((h * 3_600_000.0).round() as i64)
}

/// What a service-level target's state stands on: the customer's contacts
/// the vendor has not answered yet (first response: those before its first
/// answer), or every contact of the customer's (resolution).
fn sla_evidence(target: &str, touches: &[Touchpoint]) -> Vec<i64> {
    let customer = touches
        .iter()
        .filter(|t| t.started_by == StartedBy::Customer);
    if target == "first response" {
        let answered = touches.iter().position(is_vendor_answer);
        let before = &touches[..answered.unwrap_or(touches.len())];
        before
            .iter()
            .filter(|t| t.started_by == StartedBy::Customer)
            .map(|t| t.id)
            .collect()
    } else {
        customer.map(|t| t.id).collect()
    }
}

/// The customer's last two contacts, when both failed on one channel.
pub fn failed_twice_on_one_channel(touches: &[Touchpoint]) -> Option<[&Touchpoint; 2]> {
    let mut contacts = touches
        .iter()
        .rev()
        .filter(|t| t.started_by == StartedBy::Customer);
    let last = contacts.next()?;
    let before = contacts.next()?;
    (last.outcome.is_failure() && before.outcome.is_failure() && last.channel == before.channel)
        .then_some([before, last])
}

/// Whether the rules would read the channel answer rates for this case.
pub fn needs_channel_answers(touches: &[Touchpoint]) -> bool {
    failed_twice_on_one_channel(touches).is_some()
}

/// Promises still to come: due after now, with no vendor-started touch since they were made.
fn pending_promises(
    touches: &[Touchpoint],
    now: DateTime<Utc>,
) -> impl Iterator<Item = &Touchpoint> {
    touches.iter().enumerate().filter_map(move |(i, t)| {
        let due = t.promise_due?;
        let kept = touches[i + 1..]
            .iter()
            .any(|u| u.started_by == StartedBy::Vendor);
        (due > now && !kept).then_some(t)
    })
}

/// Who has held the ball since when: since the last touch (or the opening
/// when there is none), as `measures::ball_after_last` says.
fn ball(case: &Case, touches: &[Touchpoint]) -> (WaitingOn, DateTime<Utc>) {
    let with = ball_after_last(case, touches);
    let since = touches.last().map_or(case.opened_at, |t| t.at);
    // A resolution since reopened, after the last touch: nobody's ball.
    match case
        .resolved_before
        .iter()
        .copied()
        .filter(|r| *r >= since)
        .max()
    {
        Some(r) => (WaitingOn::Nobody, r),
        None => (with, since),
    }
}

fn best_channel<'a>(
    rates: &'a [ChannelAnswerRate],
    avoid: &str,
    min_contacts: usize,
) -> Option<&'a ChannelAnswerRate> {
    rates
        .iter()
        .filter(|r| r.channel != avoid && r.contacts >= min_contacts.max(1))
        .max_by(|a, b| {
            a.rate()
                .total_cmp(&b.rate())
                .then(a.contacts.cmp(&b.contacts))
                .then(b.channel.cmp(&a.channel))
        })
}

/// The next action of an open case; None for a done one.
pub fn next_action(i: &NextActionInput) -> Option<NextAction> {
    let case = i.case;
    if case.status.is_done() {
        return None;
    }
    let flag = |p: Pattern| i.flags.iter().find(|f| f.pattern == p);
    if let Some(f) = flag(Pattern::BrokenPromise) {
        // The latest promise broken is the one to cite; the others are evidence.
        let broken: Vec<&Touchpoint> = i
            .touches
            .iter()
            .filter(|t| f.evidence.contains(&t.id))
            .collect();
        let promise = broken.iter().max_by_key(|t| t.promise_due).copied();
        let party = promise.map_or(case.vendor.as_str(), |t| t.party_or(&case.vendor));
        let due = promise
            .and_then(|t| t.promise_due)
            .map_or(String::new(), |d| format!(" (due {})", when(d)));
        let earlier = match broken.len() {
            0 | 1 => String::new(),
            2 => ", and so was 1 before it".to_string(),
            n => format!(", and so were {} before it", n - 1),
        };
        return action(
            "chase_promise",
            format!("Chase {party}: its promise to come back{due} was broken{earlier}"),
            f.evidence.clone(),
        );
    }
    if let Some(sla) = i.sla.filter(|s| s.breached || s.at_risk) {
        let state = if sla.breached { "breached" } else { "at risk" };
        return action(
            "answer_sla",
            format!("Answer now: the {} target is {state}", sla.target),
            sla_evidence(&sla.target, i.touches),
        );
    }
    if let Some(market) = case.marketplace.as_deref().filter(|m| !m.is_empty()) {
        let reached = i
            .touches
            .iter()
            .any(|t| t.party_or(&case.vendor).eq_ignore_ascii_case(market));
        let mut evidence: Vec<i64> =
            flag(Pattern::Runaround).map_or(Vec::new(), |f| f.evidence.clone());
        evidence.extend(
            i.touches
                .iter()
                .filter(|t| t.outcome == TouchOutcome::Refused)
                .map(|t| t.id),
        );
        let fired = flag(Pattern::Runaround).is_some()
            || i.touches.iter().any(|t| t.outcome == TouchOutcome::Refused);
        if fired && !reached {
            evidence.sort_unstable();
            evidence.dedup();
            return action(
                "escalate_marketplace",
                format!("Escalate to {market}: {} will not help", case.vendor),
                evidence,
            );
        }
    }
    if let Some([before, last]) = failed_twice_on_one_channel(i.touches) {
        let channel = last.channel.as_str();
        let min = i.thresholds.min_cases;
        let own = best_channel(&i.answers.vendor, channel, min);
        let (best, (whose, note)) = match own {
            Some(b) => (Some(b), (case.vendor.as_str(), String::new())),
            None => (
                best_channel(&i.answers.all_vendors, channel, min),
                (
                    "all vendors",
                    format!(" ({} has too little history)", case.vendor),
                ),
            ),
        };
        let failed = format!(
            "{channel} ({}, then {})",
            outcome_words(before.outcome),
            outcome_words(last.outcome)
        );
        let text = match best {
            Some(b) => format!(
                "Switch from {failed} to {}: {whose} answered {:.0} % of {} contacts there{note}",
                b.channel,
                b.rate() * 100.0,
                b.contacts
            ),
            None => {
                format!("Switch from {failed}: no other channel has enough history to name one")
            }
        };
        return action("switch_channel", text, vec![before.id, last.id]);
    }
    let contacts: Vec<i64> = i
        .touches
        .iter()
        .filter(|t| t.started_by == StartedBy::Customer)
        .map(|t| t.id)
        .collect();
    let escalated = case.status == super::enums::Status::Escalated
        || i.touches
            .iter()
            .any(|t| t.outcome == TouchOutcome::Escalated);
    if contacts.len() >= i.thresholds.repeat_contacts && !escalated {
        // To whoever the customer last dealt with.
        let party = i
            .touches
            .iter()
            .rev()
            .find(|t| t.started_by == StartedBy::Customer)
            .map_or(case.vendor.as_str(), |t| t.party_or(&case.vendor));
        return action(
            "escalate",
            format!(
                "Escalate to a supervisor at {party}: {} contacts and nothing escalated yet",
                contacts.len()
            ),
            contacts,
        );
    }
    if let Some(p) = pending_promises(i.touches, i.now).min_by_key(|t| t.promise_due) {
        let due = p.promise_due.unwrap_or(i.now);
        return action(
            "await_promise",
            format!(
                "Wait until {}, then chase: {} promised to come back by then",
                when(due),
                p.party_or(&case.vendor)
            ),
            vec![p.id],
        );
    }
    let (on, since) = ball(case, i.touches);
    let last = i.touches.last();
    let evidence: Vec<i64> = last.map(|t| t.id).into_iter().collect();
    let waited = age_text(i.now - since);
    // Whom the ball is with: the party of the last touch.
    let party = last.map_or(case.vendor.as_str(), |t| t.party_or(&case.vendor));
    let owes = last.map_or_else(
        || "to reply".to_string(),
        |t| customer_owes(t, &case.vendor),
    );
    let nudge_after = hours(i.settings.nudge_customer_hours);
    let follow_after = hours(i.thresholds.slow_response_hours);
    if on == WaitingOn::Customer && i.now - since > nudge_after {
        return action(
            "nudge_customer",
            format!("Nudge the customer {owes}: the ball has been with them for {waited}"),
            evidence,
        );
    }
    let since_last = since_phrase(last, &case.vendor, since, i.now);
    if on == WaitingOn::Vendor && i.now - since > follow_after {
        return action(
            "follow_up",
            format!("Follow up with {party}: nothing since {since_last}"),
            evidence,
        );
    }
    let got_through = last.is_none_or(|t| {
        t.started_by == StartedBy::Vendor
            || !matches!(
                t.outcome,
                TouchOutcome::Dropped | TouchOutcome::NoAnswer | TouchOutcome::Unreachable
            )
    });
    let text = match on {
        // The last contact reached no one: nobody is going to answer it.
        WaitingOn::Vendor if !got_through => format!(
            "Contact {party} again, or wait until {} and follow up: {since_last}",
            when(since + follow_after)
        ),
        WaitingOn::Vendor => format!(
            "Wait for {party} until {}, then follow up: the ball is with it since {since_last}",
            when(since + follow_after)
        ),
        WaitingOn::Customer => format!(
            "Wait for the customer {owes} until {}, then nudge",
            when(since + nudge_after)
        ),
        // The last touch left nothing pending, yet the case is open.
        WaitingOn::Nobody => match last {
            Some(t) => format!(
                "Resolve, or ask the customer to confirm first: {} left nothing pending",
                touch_phrase(t, &case.vendor)
            ),
            None => "Resolve, or ask the customer to confirm first: nothing is pending".into(),
        },
    };
    action("wait", text, evidence)
}

/// The earliest instant after `now` at which the next action may change with
/// the clock alone (a promise falls due, a wait crosses its threshold); None
/// when never. SLA instants are the SLA module's. It may be early (the
/// action is then re-derived unchanged), never late.
pub fn next_change(
    case: &Case,
    touches: &[Touchpoint],
    now: DateTime<Utc>,
    thresholds: &Thresholds,
    settings: &NextActionSettings,
) -> Option<DateTime<Utc>> {
    if case.status.is_done() {
        return None;
    }
    // A promise is awaited until its due time (then the action changes)
    // and breaks once `now` is past it (friction rules: due < now).
    let promises = pending_promises(touches, now)
        .filter_map(|t| t.promise_due)
        .flat_map(|d| [d, d + Duration::milliseconds(1)]);
    let (on, since) = ball(case, touches);
    let threshold = match on {
        WaitingOn::Customer => Some(hours(settings.nudge_customer_hours)),
        WaitingOn::Vendor => Some(hours(thresholds.slow_response_hours)),
        WaitingOn::Nobody => None,
    }
    .map(|h| since + h + Duration::milliseconds(1));
    promises.chain(threshold).filter(|t| *t > now).min()
}

/// Whether a touch counts as an answer on its channel (for the answer rates).
pub fn answered(t: &Touchpoint) -> bool {
    t.started_by == StartedBy::Customer && is_vendor_answer(t)
}
