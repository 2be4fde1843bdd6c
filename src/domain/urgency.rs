//! Urgency, the triage order of the spec: open work before resolved; then
//! service level breached, then at risk, by time left; then broken promises;
//! then priority; then the number of friction flags; then age.
//!
//! The store keeps it as two numbers beside the case (`cases.urgency`,
//! higher first, and `cases.urgency_due`, lower first) and orders by them,
//! then by the opening (oldest first) and the id, on one index
//! (`cases_urgency`), so a million cases page in milliseconds. Both change
//! only at instants `derived::derive_all` already schedules (a target
//! entering at risk or breached, a promise breaking, a flag firing).

use super::case::Case;
use super::enums::Priority;
use super::sla::{CaseSla, SlaState, Target};
use chrono::{DateTime, Utc};

/// The part of `Urgency::rank` that open work has and done work has not:
/// every open case's rank is at least this, every done case's below it.
pub const OPEN_WORK_URGENCY: i64 = 1_000_000;
/// Above every broken promise, priority and flag count (at most 131 599).
const BREACHED: i64 = 400_000;
const AT_RISK: i64 = 200_000;
/// What the tie-breakers below the service level can add up to, plus one.
const REST_SPAN: i64 = 1 << 17;
/// Due instants in seconds stay below this (the year 19 000); a paused
/// target's time left is counted from it, so it comes after every due time.
const PAUSED_FROM: i64 = 1 << 39;

/// A case's place in the triage order: `rank` descending, then `due`
/// ascending (then oldest, then id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Urgency {
    /// Open work (`OPEN_WORK_URGENCY`), plus breached or at risk; for a case
    /// with neither, plus its broken promise, priority and flags.
    pub rank: i64,
    /// For a breached or at-risk case, its time left (the instant its
    /// earliest such target is or was reached: the least time left first;
    /// a paused target, whose clock does not move, after those, by its open
    /// hours left), with the broken promise, priority and flags below it.
    /// 0 for every other case.
    pub due: i64,
}

/// The urgency of a case with these friction flags (their ids) and service level.
pub fn urgency(case: &Case, flags: &[&str], sla: Option<&CaseSla>) -> Urgency {
    let rest = rest(case, flags);
    if case.status.is_done() {
        return Urgency { rank: rest, due: 0 };
    }
    match at_stake(sla) {
        Some((state, key)) => Urgency {
            rank: OPEN_WORK_URGENCY
                + if state == SlaState::Breached {
                    BREACHED
                } else {
                    AT_RISK
                },
            due: key * REST_SPAN + (REST_SPAN - 1 - rest),
        },
        None => Urgency {
            rank: OPEN_WORK_URGENCY + rest,
            due: 0,
        },
    }
}

/// Broken promise, then priority, then the number of flags, as one number.
fn rest(case: &Case, flags: &[&str]) -> i64 {
    let promise = if flags.contains(&"broken_promise") {
        100_000
    } else {
        0
    };
    let priority = match case.priority {
        Priority::Urgent => 30_000,
        Priority::High => 20_000,
        Priority::Normal => 10_000,
        Priority::Low => 0,
    };
    // Sixteen patterns at most: the count never reaches the priority's step.
    promise + priority + 100 * (flags.len() as i64).min(99)
}

/// The worse state of the targets whose clock still counts, when breached
/// or at risk, and its time-left key (see `Urgency::due`).
fn at_stake(sla: Option<&CaseSla>) -> Option<(SlaState, i64)> {
    let sla = sla?;
    let targets = [&sla.first_response, &sla.resolution];
    let state = targets
        .iter()
        .filter(|t| t.counting && t.state >= SlaState::AtRisk)
        .map(|t| t.state)
        .max()?;
    let worst: Vec<&&Target> = targets
        .iter()
        .filter(|t| t.counting && t.state == state)
        .collect();
    let key = match worst.iter().filter_map(|t| t.reached_at).min() {
        Some(at) => seconds(at).clamp(0, PAUSED_FROM - 1),
        None => {
            let left = worst
                .iter()
                .map(|t| t.left_hours)
                .fold(f64::INFINITY, f64::min);
            PAUSED_FROM + ((left.max(0.0) * 3600.0) as i64).min(PAUSED_FROM - 1)
        }
    };
    Some((state, key))
}

fn seconds(at: DateTime<Utc>) -> i64 {
    at.timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn at(h: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap() + Duration::hours(h)
    }

    fn target(state: SlaState, reached: Option<i64>, left: f64) -> Target {
        Target {
            target_hours: 10.0,
            used_hours: 10.0 - left,
            left_hours: left,
            state,
            due_at: reached.map(at),
            reached_at: reached.map(at),
            next_change: None,
            changed: None,
            counting: true,
        }
    }

    fn sla(first: Target, resolution: Target) -> CaseSla {
        CaseSla {
            policy: "p".into(),
            first_response: first,
            resolution,
        }
    }

    fn key(case: &Case, flags: &[&str], s: Option<&CaseSla>) -> (i64, i64) {
        let u = urgency(case, flags, s);
        (-u.rank, u.due)
    }

    #[test]
    fn breached_then_at_risk_by_time_left_then_promises_priority_flags() {
        let case = Case::new("x", "Acme", at(0));
        let mut urgent = case.clone();
        urgent.priority = Priority::Urgent;
        let met = target(SlaState::Met, None, 5.0);
        let breached_long_ago = sla(target(SlaState::Breached, Some(1), -9.0), met.clone());
        let breached_lately = sla(target(SlaState::Breached, Some(5), -5.0), met.clone());
        let at_risk_soon = sla(met.clone(), target(SlaState::AtRisk, Some(7), 1.0));
        let at_risk_later = sla(met.clone(), target(SlaState::AtRisk, Some(9), 2.0));
        let at_risk_paused = sla(met.clone(), target(SlaState::AtRisk, None, 0.5));
        let running = sla(met.clone(), target(SlaState::Running, Some(20), 8.0));
        let six = ["a", "b", "c", "d", "e", "f"];
        let order = [
            key(&case, &six, Some(&breached_long_ago)),
            key(&case, &[], Some(&breached_lately)),
            key(&case, &[], Some(&at_risk_soon)),
            key(&case, &["broken_promise"], Some(&at_risk_later)),
            key(&case, &[], Some(&at_risk_later)),
            key(&case, &[], Some(&at_risk_paused)),
            key(&case, &["broken_promise"], Some(&running)),
            key(&urgent, &[], None),
            key(&case, &["slow_response"], None),
            key(&case, &[], Some(&running)),
        ];
        for pair in order.windows(2) {
            assert!(pair[0] < pair[1], "{pair:?}");
        }
        // Done work after all open work, whatever its service level.
        let mut done = case.clone();
        done.set_status(crate::domain::Status::Resolved, at(3));
        let done_key = key(&done, &six, Some(&breached_long_ago));
        assert!(order.iter().all(|k| *k < done_key));
    }

    #[test]
    fn a_target_whose_clock_stopped_is_not_at_stake() {
        let case = Case::new("x", "Acme", at(0));
        let mut answered_late = target(SlaState::Breached, Some(1), -3.0);
        answered_late.counting = false;
        let s = sla(answered_late, target(SlaState::Running, Some(40), 30.0));
        assert_eq!(urgency(&case, &[], Some(&s)), urgency(&case, &[], None));
    }
}
