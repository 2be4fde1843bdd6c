//! A case as it stood at a moment (`--as-of T`, the spec's "Point in
//! time"): what had happened by T, and nothing after.
//!
//! - A case opened after T does not exist.
//! - Touchpoints after T did not happen.
//! - The fields that change with time (status, resolution and closing
//!   times, outcome, reopen count) are as they were at T: each change the
//!   trail recorded after T is undone, newest first; then a resolution or a
//!   closing after T did not happen either (the case is open at T, with no
//!   outcome, its status the last it was given at or before T, else `open`).
//! - Fields with no time of their own (title, category, amounts, tags,
//!   churned) are as logged.
//!
//! The same cut, applied to an export, gives a file that holds only what had
//! happened by T: the property test reads both and compares.

use super::case::{Case, Touchpoint};
use super::enums::{Resolution, Status};
use chrono::{DateTime, Utc};
use serde_json::Value;

/// One change to a case's own field, as the trail records it.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    pub at: DateTime<Utc>,
    pub field: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

/// The fields whose value depends on when the case is looked at.
const TIMED_FIELDS: [&str; 5] = ["status", "resolved_at", "closed_at", "outcome", "reopens"];

/// Whether a change touches a field that `case_as_of` winds back.
pub fn is_timed(field: &str) -> bool {
    TIMED_FIELDS.contains(&field)
}

fn time_of(v: &Option<Value>) -> Option<DateTime<Utc>> {
    match v {
        Some(Value::String(s)) => DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|t| t.with_timezone(&Utc)),
        _ => None,
    }
}

fn text_of(v: &Option<Value>) -> Option<&str> {
    match v {
        Some(Value::String(s)) => Some(s),
        _ => None,
    }
}

/// When the case was resolved (or closed) before each time it was reopened,
/// oldest first: the value a reopening cleared. `changes` oldest first.
pub fn resolutions_before_reopening(changes: &[FieldChange]) -> Vec<DateTime<Utc>> {
    let mut out: Vec<DateTime<Utc>> = Vec::new();
    let mut last_at: Option<DateTime<Utc>> = None;
    for c in changes {
        let cleared = matches!(c.new, None | Some(Value::Null));
        if !cleared || !(c.field == "resolved_at" || c.field == "closed_at") {
            continue;
        }
        let Some(old) = time_of(&c.old) else {
            continue;
        };
        // A reopening clears the resolution and the closing at one instant:
        // the resolution is the one that counts.
        if last_at == Some(c.at) {
            if c.field == "resolved_at" {
                if let Some(l) = out.last_mut() {
                    *l = old;
                }
            }
            continue;
        }
        last_at = Some(c.at);
        out.push(old);
    }
    out
}

/// The case and its touches as they stood at `t`, or None when it had not
/// been opened yet. `changes` are the case's recorded field changes, oldest
/// first; `touches` in time order.
pub fn case_as_of(
    case: &Case,
    touches: &[Touchpoint],
    changes: &[FieldChange],
    t: DateTime<Utc>,
) -> Option<(Case, Vec<Touchpoint>)> {
    if case.opened_at > t {
        return None;
    }
    let mut c = case.clone();
    for change in changes.iter().rev().filter(|x| x.at > t) {
        match change.field.as_str() {
            "status" => {
                if let Some(s) = text_of(&change.old).and_then(|s| s.parse::<Status>().ok()) {
                    c.status = s;
                }
            }
            "resolved_at" => c.resolved_at = time_of(&change.old),
            "closed_at" => c.closed_at = time_of(&change.old),
            "outcome" => {
                c.outcome = text_of(&change.old).and_then(|s| s.parse::<Resolution>().ok())
            }
            "reopens" => {
                c.reopens = change
                    .old
                    .as_ref()
                    .and_then(Value::as_u64)
                    .map_or(0, |n| n as u32)
            }
            _ => {}
        }
    }
    let (had_resolution, had_closing) = (c.resolved_at.is_some(), c.closed_at.is_some());
    if c.resolved_at.is_some_and(|r| r > t) {
        c.resolved_at = None;
        c.closed_at = None;
        c.outcome = None;
    }
    if c.closed_at.is_some_and(|x| x > t) {
        c.closed_at = None;
    }
    if c.status.is_done() {
        // A done status stands unless the time it came with did not come yet.
        let stands = match c.status {
            Status::Resolved => c.resolved_at.is_some() || !had_resolution,
            _ => c.closed_at.is_some() || !had_closing,
        };
        if !stands {
            c.status = if c.resolved_at.is_some() {
                Status::Resolved
            } else {
                c.outcome = None;
                Status::Open
            };
        }
    }
    // The resolutions undone by a reopening at or before t.
    if changes.is_empty() {
        c.resolved_before.retain(|r| *r <= t);
    } else {
        let by_then: Vec<FieldChange> = changes.iter().filter(|x| x.at <= t).cloned().collect();
        c.resolved_before = resolutions_before_reopening(&by_then);
    }
    // The trail's last change by then, when the trail was read.
    if !changes.is_empty() {
        c.changed_at = changes.iter().map(|x| x.at).filter(|at| *at <= t).max();
    }
    let kept = touches.iter().filter(|x| x.at <= t).cloned().collect();
    Some((c, kept))
}

/// The instant from which a case's figures never change again, whatever
/// the clock: a done case whose derived data has no next change holds from
/// its last fact on. None for a case that still changes with the clock.
pub fn settled_at(
    case: &Case,
    touches: &[Touchpoint],
    next_change: Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    if !case.status.is_done() || next_change.is_some() {
        return None;
    }
    let mut last = case.opened_at;
    for t in [case.resolved_at, case.closed_at].into_iter().flatten() {
        last = last.max(t);
    }
    for t in touches {
        last = last.max(t.at);
        if let Some(due) = t.promise_due {
            last = last.max(due);
        }
    }
    Some(last)
}

/// The instant from which a case's report figures, derived at `now`, hold
/// at every earlier clock too, as far back as it (their waits aside, which
/// run from `ball_since`): its last fact (opening, touch, resolution,
/// closing, a change the trail recorded) or the last instant up to `now` at
/// which a flag or a service level changed with the clock alone. A view of
/// an earlier moment measures again only the cases whose figures changed
/// after it. Conservative: an instant that changed nothing only makes it later.
pub fn figures_hold_from(
    case: &Case,
    touches: &[Touchpoint],
    now: DateTime<Utc>,
    slow_response_hours: f64,
    sla_changed: Option<DateTime<Utc>>,
) -> DateTime<Utc> {
    let mut last = case.opened_at;
    let facts = [
        case.resolved_at,
        case.closed_at,
        case.changed_at,
        sla_changed,
    ];
    for t in facts.into_iter().flatten() {
        last = last.max(t);
    }
    for r in &case.resolved_before {
        last = last.max(*r);
    }
    let just_after = chrono::Duration::milliseconds(1);
    let slow = chrono::Duration::milliseconds((slow_response_hours.max(0.0) * 3_600_000.0) as i64);
    for (i, t) in touches.iter().enumerate() {
        last = last.max(t.at);
        // A promise falling due breaks it (unless kept): a change.
        if let Some(due) = t.promise_due.map(|d| d + just_after).filter(|d| *d <= now) {
            last = last.max(due);
        }
        // A stretch of vendor wait crossing the slow-response threshold.
        if super::measures::ball_after(case, touches, i) == super::enums::WaitingOn::Vendor {
            let crossing = t.at + slow + just_after;
            let before_next = touches.get(i + 1).is_none_or(|n| crossing <= n.at);
            if crossing <= now && before_next {
                last = last.max(crossing);
            }
        }
    }
    last
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::domain::{Channel, StartedBy, TouchOutcome};
    use chrono::{Duration, TimeZone};

    fn at(h: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap() + Duration::hours(h)
    }

    fn touch(h: i64) -> Touchpoint {
        Touchpoint::new(
            at(h),
            Channel::new("email").unwrap(),
            StartedBy::Customer,
            TouchOutcome::Sent,
        )
    }

    fn change(h: i64, field: &str, old: Value, new: Value) -> FieldChange {
        FieldChange {
            at: at(h),
            field: field.into(),
            old: Some(old),
            new: Some(new),
        }
    }

    #[test]
    fn a_case_opened_later_does_not_exist_and_later_touches_did_not_happen() {
        let c = Case::new("x", "v", at(10));
        assert!(case_as_of(&c, &[], &[], at(9)).is_none());
        let (_, ts) = case_as_of(&c, &[touch(10), touch(12)], &[], at(11)).unwrap();
        assert_eq!(ts.len(), 1);
    }

    #[test]
    fn a_resolution_after_the_moment_did_not_happen() {
        let mut c = Case::new("x", "v", at(0));
        c.set_status(Status::WaitingCustomer, at(2));
        c.set_status(Status::Resolved, at(5));
        c.outcome = Some(Resolution::Credit);
        let changes = [
            change(2, "status", "open".into(), "waiting_customer".into()),
            change(5, "status", "waiting_customer".into(), "resolved".into()),
            change(5, "resolved_at", Value::Null, to_json_time(at(5))),
            change(5, "outcome", Value::Null, "credit".into()),
        ];
        let (c3, _) = case_as_of(&c, &[], &changes, at(3)).unwrap();
        assert_eq!(c3.status, Status::WaitingCustomer);
        assert_eq!((c3.resolved_at, c3.outcome), (None, None));
        let (c1, _) = case_as_of(&c, &[], &changes, at(1)).unwrap();
        assert_eq!(c1.status, Status::Open);
        let (c6, _) = case_as_of(&c, &[], &changes, at(6)).unwrap();
        assert_eq!(c6.changed_at, Some(at(5)));
        assert_eq!(
            Case {
                changed_at: None,
                ..c6
            },
            c
        );
        // Without a trail (an imported case), a later resolution still goes.
        let (bare, _) = case_as_of(&c, &[], &[], at(3)).unwrap();
        assert_eq!((bare.status, bare.resolved_at), (Status::Open, None));
    }

    #[test]
    fn a_case_reopened_later_was_resolved_at_the_moment() {
        let mut c = Case::new("x", "v", at(0));
        c.set_status(Status::Resolved, at(3));
        c.outcome = Some(Resolution::Repair);
        c.set_status(Status::Open, at(6));
        let changes = [
            change(3, "status", "open".into(), "resolved".into()),
            change(3, "resolved_at", Value::Null, to_json_time(at(3))),
            change(3, "outcome", Value::Null, "repair".into()),
            change(6, "status", "resolved".into(), "open".into()),
            change(6, "resolved_at", to_json_time(at(3)), Value::Null),
            change(6, "outcome", "repair".into(), Value::Null),
            change(6, "reopens", 0.into(), 1.into()),
        ];
        assert_eq!(resolutions_before_reopening(&changes), [at(3)]);
        let (c4, _) = case_as_of(&c, &[], &changes, at(4)).unwrap();
        assert_eq!(c4.status, Status::Resolved);
        assert_eq!(c4.resolved_at, Some(at(3)));
        assert_eq!(c4.outcome, Some(Resolution::Repair));
        assert_eq!(c4.reopens, 0);
        assert!(c4.resolved_before.is_empty());
        let (c7, _) = case_as_of(&c, &[], &changes, at(7)).unwrap();
        assert_eq!((c7.reopens, c7.resolved_before.clone()), (1, vec![at(3)]));
    }

    fn to_json_time(t: DateTime<Utc>) -> Value {
        serde_json::to_value(t).unwrap()
    }
}
