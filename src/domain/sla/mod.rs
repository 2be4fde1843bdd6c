//! Service levels: policies (targets for first response and resolution per
//! vendor and priority, counted in a calendar's open hours) and the two
//! clocks of a case.
//!
//! - The **first-response** clock runs from `opened_at` to the first touch
//!   that carries the vendor's answer (the TTFR rule of `measures`).
//! - The **resolution** clock runs from `opened_at` to the resolution (or
//!   the close, or now) and is paused while the ball is with the customer or
//!   with nobody (the ball in court of `measures`). Time before the first
//!   touch runs: the case is open and the vendor owes an answer. A reopened
//!   case resumes at its next touch that leaves the ball with the vendor.

pub mod calendar;
pub mod tally;
#[cfg(test)]
mod tests;
pub mod words;

pub use calendar::{Calendar, ALWAYS_OPEN};

use super::case::{Case, Touchpoint};
use super::enums::{Priority, WaitingOn};
use super::measures::{ball_after_last, channel_map, clock_end, is_vendor_answer, round4};
use super::time::hours;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use std::collections::HashMap;

/// Less than this share of a target left puts it at risk (the default).
pub const DEFAULT_AT_RISK_SHARE: f64 = 0.25;

/// A service-level policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Policy {
    pub name: String,
    pub vendor: Option<String>,
    pub priority: Option<Priority>,
    pub calendar: String,
    pub first_response_hours: f64,
    pub resolution_hours: f64,
}

impl Policy {
    /// How specific the policy is for a case, or None if it does not apply:
    /// vendor and priority 3, vendor 2, priority 1, neither 0.
    pub fn specificity(&self, vendor: &str, priority: Priority) -> Option<u8> {
        let vendor_ok = self
            .vendor
            .as_deref()
            .map(|v| v.trim().to_lowercase() == vendor.trim().to_lowercase());
        let priority_ok = self.priority.map(|p| p == priority);
        if vendor_ok == Some(false) || priority_ok == Some(false) {
            return None;
        }
        Some(2 * u8::from(vendor_ok.is_some()) + u8::from(priority_ok.is_some()))
    }
}

/// The most specific policy for a case (ties go to the first by name).
pub fn policy_for<'a>(
    policies: &'a [Policy],
    vendor: &str,
    priority: Priority,
) -> Option<&'a Policy> {
    let mut best: Option<(&Policy, u8)> = None;
    for p in policies {
        if let Some(s) = p.specificity(vendor, priority) {
            let better = match best {
                None => true,
                Some((b, bs)) => s > bs || (s == bs && p.name < b.name),
            };
            if better {
                best = Some((p, s));
            }
        }
    }
    best.map(|(p, _)| p)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaState {
    Met,
    Running,
    AtRisk,
    Breached,
}

impl SlaState {
    pub fn as_str(self) -> &'static str {
        match self {
            SlaState::Met => "met",
            SlaState::Running => "running",
            SlaState::AtRisk => "at_risk",
            SlaState::Breached => "breached",
        }
    }

    pub fn parse(s: &str) -> Option<SlaState> {
        [
            SlaState::Met,
            SlaState::Running,
            SlaState::AtRisk,
            SlaState::Breached,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// When a clock runs: stretches of time, the last one open-ended while it runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Clock {
    pub runs: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)>,
    /// Whether the clock has stopped for good (answered, resolved, closed).
    pub stopped: bool,
}

impl Clock {
    /// Open time used by `now`.
    pub fn used(&self, cal: &Calendar, now: DateTime<Utc>) -> Duration {
        self.runs
            .iter()
            .map(|&(a, b)| cal.open_between(a, b.unwrap_or(now).min(now)))
            .fold(Duration::zero(), |x, y| x + y)
    }

    /// Whether the clock is running at the end (an open-ended stretch).
    pub fn running(&self) -> bool {
        self.runs.last().is_some_and(|r| r.1.is_none())
    }

    /// The instant at which the clock reaches `amount` of open time, if it does
    /// (in the past, or in the future if it keeps running).
    pub fn reaches(&self, cal: &Calendar, amount: Duration) -> Option<DateTime<Utc>> {
        let mut left = amount;
        for &(a, b) in &self.runs {
            match b {
                Some(b) => {
                    let open = cal.open_between(a, b);
                    if open >= left {
                        return cal.add_open(a, left);
                    }
                    left -= open;
                }
                None => return cal.add_open(a, left),
            }
        }
        None
    }
}

/// The first-response clock: opened → the first vendor answer.
pub fn first_response_clock(case: &Case, touches: &[Touchpoint], now: DateTime<Utc>) -> Clock {
    let answer = touches.iter().find(|t| is_vendor_answer(t)).map(|t| t.at);
    let end = answer.or((case.status.is_done()).then(|| clock_end(case, now)));
    Clock {
        runs: vec![(case.opened_at, end.map(|e| e.max(case.opened_at)))],
        stopped: end.is_some(),
    }
}

/// The resolution clock: opened → resolution, paused while the ball is with
/// the customer or with nobody; time before the first touch runs.
pub fn resolution_clock(case: &Case, touches: &[Touchpoint], now: DateTime<Utc>) -> Clock {
    let done = case.status.is_done();
    let end = clock_end(case, now);
    let mut runs: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> = Vec::new();
    let first = touches.first().map_or(end, |t| t.at.min(end));
    // A resolution since reopened, before any touch: paused from there.
    let first = super::measures::paused_from(case, case.opened_at, first).unwrap_or(first);
    // Before the first touch the vendor owes an answer, unless the case has
    // no touch at all and its status puts the ball with the customer.
    let before_first_runs =
        ball_after_last(case, touches) == WaitingOn::Vendor || !touches.is_empty();
    if first > case.opened_at && before_first_runs {
        runs.push((case.opened_at, Some(first)));
    }
    for s in channel_map(case, touches, now) {
        if s.waiting_on != WaitingOn::Vendor {
            continue;
        }
        match runs.last_mut() {
            Some(last) if last.1 == Some(s.start) => last.1 = Some(s.end),
            _ => runs.push((s.start, Some(s.end))),
        }
    }
    // An open case whose last stretch reaches now keeps running.
    if !done {
        match runs.last_mut() {
            Some(last) if last.1 == Some(end) => last.1 = None,
            _ if touches.is_empty() && case.resolved_before.is_empty() && before_first_runs => {
                runs.push((case.opened_at, None))
            }
            _ => {}
        }
    }
    Clock {
        runs,
        stopped: done,
    }
}

/// One target's figures, as `show --json` gives them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    pub target_hours: f64,
    pub used_hours: f64,
    pub left_hours: f64,
    pub state: SlaState,
    /// When it falls due, for an open case whose clock runs (None while paused).
    pub due_at: Option<DateTime<Utc>>,
    /// When the target is reached (past or future), paused or not: the sort key.
    #[serde(skip)]
    pub reached_at: Option<DateTime<Utc>>,
    /// The next instant at which the state changes with the clock alone.
    #[serde(skip)]
    pub next_change: Option<DateTime<Utc>>,
    /// The last instant, up to now, at which it changed with the clock
    /// alone (entering at risk, breaching), if any.
    #[serde(skip)]
    pub changed: Option<DateTime<Utc>>,
    /// Whether the clock still counts (the case is open).
    #[serde(skip)]
    pub counting: bool,
}

fn ms(h: f64) -> Duration {
    Duration::milliseconds((h * 3_600_000.0).round() as i64)
}

/// A target's state on a clock at `now`.
pub fn target(
    clock: &Clock,
    cal: &Calendar,
    hours_target: f64,
    at_risk_share: f64,
    now: DateTime<Utc>,
) -> Target {
    let goal = ms(hours_target);
    let used = clock.used(cal, now);
    let left = goal - used;
    let risk_left = ms(hours_target * at_risk_share);
    let state = if clock.stopped {
        if used <= goal {
            SlaState::Met
        } else {
            SlaState::Breached
        }
    } else if used >= goal {
        SlaState::Breached
    } else if left < risk_left {
        SlaState::AtRisk
    } else {
        SlaState::Running
    };
    let reached_at = if clock.stopped {
        None
    } else {
        clock.reaches(cal, goal)
    };
    let running = !clock.stopped && clock.running();
    let next_change = match state {
        SlaState::Running if running => clock
            .reaches(cal, goal - risk_left + Duration::milliseconds(1))
            .filter(|t| *t > now),
        SlaState::AtRisk if running => reached_at.filter(|t| *t > now),
        _ => None,
    };
    let changed = [
        clock.reaches(cal, goal - risk_left + Duration::milliseconds(1)),
        clock.reaches(cal, goal),
    ]
    .into_iter()
    .flatten()
    .filter(|t| *t <= now)
    .max();
    Target {
        changed,
        target_hours: hours_target,
        used_hours: round4(hours(used)),
        left_hours: round4(hours(left)),
        state,
        due_at: if running { reached_at } else { None },
        reached_at,
        counting: !clock.stopped,
        next_change,
    }
}

/// A case's service level under its policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseSla {
    pub policy: String,
    pub first_response: Target,
    pub resolution: Target,
}

impl CaseSla {
    /// The worse of the two states: breached, at risk, running, met.
    pub fn state(&self) -> SlaState {
        self.first_response.state.max(self.resolution.state)
    }

    /// The earliest instant at which a target falls or fell due (the order by time left).
    pub fn due(&self) -> Option<DateTime<Utc>> {
        [self.first_response.reached_at, self.resolution.reached_at]
            .into_iter()
            .flatten()
            .min()
    }

    /// The states of the two targets, for a report's tally.
    pub fn facts(&self) -> tally::SlaFacts {
        tally::SlaFacts {
            first_response: self.first_response.state,
            resolution: self.resolution.state,
        }
    }

    /// The least time left of the targets still counting (None when both are final).
    pub fn left_hours(&self) -> Option<f64> {
        [&self.first_response, &self.resolution]
            .into_iter()
            .filter(|t| t.counting)
            .map(|t| t.left_hours)
            .min_by(f64::total_cmp)
    }

    /// The last instant up to now at which a state changed with the clock
    /// alone, if any.
    pub fn last_change(&self) -> Option<DateTime<Utc>> {
        self.first_response.changed.max(self.resolution.changed)
    }

    /// The earliest instant after `now` at which a state changes with the
    /// clock alone (entering at risk, breaching); None when paused or final.
    pub fn next_change(&self) -> Option<DateTime<Utc>> {
        [self.first_response.next_change, self.resolution.next_change]
            .into_iter()
            .flatten()
            .min()
    }
}

/// Everything needed to compute a case's SLA: the policies, their calendars
/// and the at-risk share.
#[derive(Debug, Clone)]
pub struct SlaSetup {
    pub policies: Vec<Policy>,
    calendars: HashMap<String, Calendar>,
    pub at_risk_share: f64,
}

impl SlaSetup {
    pub fn new(policies: Vec<Policy>, calendars: Vec<Calendar>, at_risk_share: f64) -> SlaSetup {
        let calendars = calendars
            .into_iter()
            .map(|c| (c.name.to_lowercase(), c))
            .collect();
        SlaSetup {
            policies,
            calendars,
            at_risk_share,
        }
    }

    /// The policy that applies to a case and its calendar, if any.
    pub fn applies(&self, vendor: &str, priority: Priority) -> Option<(&Policy, &Calendar)> {
        let p = policy_for(&self.policies, vendor, priority)?;
        Some((p, self.calendars.get(&p.calendar.to_lowercase())?))
    }

    pub fn calendar(&self, name: &str) -> Option<&Calendar> {
        self.calendars.get(&name.to_lowercase())
    }

    /// A case's service level, or None when no policy applies.
    pub fn case_sla(
        &self,
        case: &Case,
        touches: &[Touchpoint],
        now: DateTime<Utc>,
    ) -> Option<CaseSla> {
        let (p, cal) = self.applies(&case.vendor, case.priority)?;
        Some(case_sla(p, cal, case, touches, self.at_risk_share, now))
    }
}

/// A case's service level: both clocks under a policy and its calendar.
pub fn case_sla(
    policy: &Policy,
    cal: &Calendar,
    case: &Case,
    touches: &[Touchpoint],
    at_risk_share: f64,
    now: DateTime<Utc>,
) -> CaseSla {
    let fr = first_response_clock(case, touches, now);
    let res = resolution_clock(case, touches, now);
    CaseSla {
        policy: policy.name.clone(),
        first_response: target(&fr, cal, policy.first_response_hours, at_risk_share, now),
        resolution: target(&res, cal, policy.resolution_hours, at_risk_share, now),
    }
}

/// A case's stored service level in a few words, for tables: "breached 2h 0m",
/// "at risk 45m", "running 1d 3h" (wall time until due), "paused 5h 0m" (open
/// hours left while the ball is not with the vendor), "met", or "" without a policy.
pub fn cell(
    state: Option<&str>,
    due_at: Option<DateTime<Utc>>,
    left_hours: Option<f64>,
    now: DateTime<Utc>,
) -> String {
    use super::time::short_duration;
    let Some(state) = state.and_then(SlaState::parse) else {
        return String::new();
    };
    let word = match state {
        SlaState::AtRisk => "at risk",
        other => other.as_str(),
    };
    match (state, due_at, left_hours) {
        (SlaState::Met, _, _) => word.to_string(),
        (SlaState::Breached, Some(due), _) if due <= now => {
            format!("{word} {}", short_duration(now - due))
        }
        (_, Some(due), _) if due > now => format!("{word} {}", short_duration(due - now)),
        (_, None, Some(h)) if state != SlaState::Breached => {
            format!("paused {}", short_duration(ms(h)))
        }
        _ => word.to_string(),
    }
}
