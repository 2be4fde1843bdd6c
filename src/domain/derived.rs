//! What the store keeps beside each case because screens sort and filter on
//! it: the friction flags, the triage urgency, and the one instant at which
//! any of it next changes with the clock alone.
//!
//! Derived data that moves with the clock (a promise falls due, a wait grows
//! past a threshold, an SLA target comes near) is re-derived when its next
//! instant arrives, never by sweeping every open case. Every part that reads
//! the clock adds its instants here, in this one place, and the store keeps
//! the earliest (`cases.next_change_at`, indexed) and re-derives the cases
//! whose instant has passed.

use super::case::{Case, Touchpoint};
use super::friction::{self, CaseView, Flag, Thresholds};
use super::next_action::{
    self, ChannelAnswers, NextAction, NextActionInput, NextActionSettings, SlaUrgency,
};
use super::sla::{CaseSla, SlaSetup, SlaState};
use super::urgency::{self, Urgency};
use chrono::{DateTime, Utc};

/// A case's derived data at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct Derived {
    pub flags: Vec<Flag>,
    /// The triage order (see `urgency`).
    pub urgency: Urgency,
    /// The next action, its id at least: the channel answer rates are not
    /// read here (they only name the channel of `switch_channel`).
    pub next_action: Option<NextAction>,
    /// The earliest instant after `now` at which the flags or the urgency
    /// change with nothing else logged; None when only a write can change them.
    pub next_change: Option<DateTime<Utc>>,
    /// The service level under the policy that applies (None without one).
    pub sla: Option<CaseSla>,
}

impl Derived {
    pub fn flag_ids(&self) -> Vec<&'static str> {
        self.flags.iter().map(|f| f.pattern.id()).collect()
    }
}

/// Derives a case's stored data without service levels; `touches` in time order.
pub fn derive(case: &Case, touches: &[Touchpoint], now: DateTime<Utc>, th: &Thresholds) -> Derived {
    derive_all(case, touches, now, th, None, &NextActionSettings::default())
}

/// Derives a case's stored data, its service level among them.
pub fn derive_with_sla(
    case: &Case,
    touches: &[Touchpoint],
    now: DateTime<Utc>,
    th: &Thresholds,
    sla: Option<&SlaSetup>,
) -> Derived {
    derive_all(case, touches, now, th, sla, &NextActionSettings::default())
}

/// What `answer_sla` reads: the worse of the targets whose clock still
/// counts: breached before at risk; of two in one state, the one reached
/// (or due) first, as urgency orders them; first response on a tie.
pub fn sla_urgency(sla: &CaseSla) -> Option<SlaUrgency> {
    [
        ("first response", &sla.first_response),
        ("resolution", &sla.resolution),
    ]
    .into_iter()
    .filter(|(_, t)| t.counting && t.state >= SlaState::AtRisk)
    .min_by(|(_, a), (_, b)| {
        // A paused target (no instant) after one whose clock runs.
        let when = |t: &crate::domain::sla::Target| {
            t.reached_at
                .map_or((1, DateTime::<Utc>::MAX_UTC), |d| (0, d))
        };
        b.state.cmp(&a.state).then(when(a).cmp(&when(b)))
    })
    .map(|(name, t)| SlaUrgency {
        breached: t.state == SlaState::Breached,
        at_risk: t.state == SlaState::AtRisk,
        target: name.to_string(),
    })
}

/// Derives a case's stored data: flags, urgency, service level, next action
/// and the next instant any of them changes.
pub fn derive_all(
    case: &Case,
    touches: &[Touchpoint],
    now: DateTime<Utc>,
    th: &Thresholds,
    sla: Option<&SlaSetup>,
    next: &NextActionSettings,
) -> Derived {
    let view = CaseView { case, touches, now };
    let flags = friction::flags(&view, th);
    let ids: Vec<&str> = flags.iter().map(|f| f.pattern.id()).collect();
    let sla = sla.and_then(|s| s.case_sla(case, touches, now));
    let urgency = urgency::urgency(case, &ids, sla.as_ref());
    let sla_change = sla.as_ref().and_then(CaseSla::next_change);
    let urgent = sla.as_ref().and_then(sla_urgency);
    let next_action = next_action::next_action(&NextActionInput {
        case,
        touches,
        flags: &flags,
        now,
        thresholds: th,
        settings: next,
        sla: urgent.as_ref(),
        answers: &ChannelAnswers::default(),
    });
    let next_change = earliest_after(
        now,
        friction::clock_instants(&view, th)
            .into_iter()
            .chain(sla_change)
            .chain(next_action::next_change(case, touches, now, th, next)),
    );
    Derived {
        flags,
        urgency,
        next_action,
        next_change,
        sla,
    }
}

/// The earliest of the instants strictly after `now`.
pub fn earliest_after(
    now: DateTime<Utc>,
    instants: impl IntoIterator<Item = DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    instants.into_iter().filter(|t| *t > now).min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Channel, StartedBy, TouchOutcome};
    use chrono::{Duration, TimeZone};

    fn at(h: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap() + Duration::hours(h)
    }

    fn touch(id: i64, h: i64, by: StartedBy, outcome: TouchOutcome) -> Touchpoint {
        let mut t = Touchpoint::new(at(h), Channel::new("phone").unwrap(), by, outcome);
        t.id = id;
        t
    }

    #[test]
    fn a_running_vendor_wait_changes_just_after_the_threshold() {
        let case = Case::new("x", "Acme", at(0));
        let touches = [touch(1, 1, StartedBy::Customer, TouchOutcome::Sent)];
        let d = derive(&case, &touches, at(2), &Thresholds::default());
        assert!(d.flags.is_empty());
        // 48 h after the touch at hour 1, plus a millisecond.
        assert_eq!(d.next_change, Some(at(49) + Duration::milliseconds(1)));
        // At that instant the flag is there, and nothing else is scheduled.
        let later = derive(
            &case,
            &touches,
            at(49) + Duration::milliseconds(1),
            &Thresholds::default(),
        );
        assert_eq!(later.flag_ids(), vec!["slow_response"]);
        assert_eq!(later.next_change, None);
        assert!(later.urgency.rank > d.urgency.rank);
    }

    #[test]
    fn a_promise_breaks_just_after_it_falls_due_unless_kept() {
        let case = Case::new("x", "Acme", at(0));
        let mut promise = touch(1, 1, StartedBy::Vendor, TouchOutcome::Promise);
        promise.promise_due = Some(at(5));
        promise.waiting_on = Some(crate::domain::WaitingOn::Customer);
        let d = derive(
            &case,
            std::slice::from_ref(&promise),
            at(2),
            &Thresholds::default(),
        );
        // The awaited promise's next action changes at the due time itself,
        // the flag just after it.
        assert_eq!(d.next_change, Some(at(5)));
        let due = derive(
            &case,
            std::slice::from_ref(&promise),
            at(5),
            &Thresholds::default(),
        );
        assert!(due.flags.is_empty());
        assert_eq!(due.next_change, Some(at(5) + Duration::milliseconds(1)));
        let broken = derive(
            &case,
            std::slice::from_ref(&promise),
            at(5) + Duration::milliseconds(1),
            &Thresholds::default(),
        );
        assert_eq!(broken.flag_ids(), vec!["broken_promise"]);
        // Kept: a vendor touch came by then, so the clock changes nothing.
        let kept = [
            promise,
            touch(2, 4, StartedBy::Vendor, TouchOutcome::InfoGiven),
        ];
        let d = derive(&case, &kept, at(2), &Thresholds::default());
        assert_eq!(d.next_change, Some(at(52) + Duration::milliseconds(1)));
    }

    #[test]
    fn a_done_case_never_changes_with_the_clock() {
        let mut case = Case::new("x", "Acme", at(0));
        case.set_status(crate::domain::Status::Resolved, at(3));
        let touches = [touch(1, 1, StartedBy::Customer, TouchOutcome::Sent)];
        assert_eq!(
            derive(&case, &touches, at(2), &Thresholds::default()).next_change,
            None
        );
    }
}
