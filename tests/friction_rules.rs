//! Each friction rule: a case where it fires (with its evidence) and a close
//! case where it must not, off by one on every threshold.

#![allow(clippy::unwrap_used)]

use casebook::domain::friction::{flags, CaseView, Flag, Pattern, Thresholds};
use casebook::domain::*;
use chrono::{DateTime, Duration, TimeZone, Utc};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 6, 9, 0, 0).unwrap()
}

/// A story under test: a case and its touches, numbered from 1 in order.
struct Story {
    case: Case,
    touches: Vec<Touchpoint>,
    now: DateTime<Utc>,
}

fn story() -> Story {
    Story {
        case: Case::new("test", "Vendor", t0()),
        touches: Vec::new(),
        now: t0() + Duration::days(365),
    }
}

impl Story {
    /// Adds a touch `hours` after opening.
    fn touch(mut self, hours: f64, channel: &str, from: StartedBy, outcome: TouchOutcome) -> Story {
        let mut t = Touchpoint::new(
            t0() + Duration::seconds((hours * 3600.0) as i64),
            Channel::new(channel).unwrap(),
            from,
            outcome,
        );
        t.id = self.touches.len() as i64 + 1;
        self.touches.push(t);
        self
    }

    fn last(mut self, f: impl FnOnce(&mut Touchpoint)) -> Story {
        f(self.touches.last_mut().unwrap());
        self
    }

    fn with(mut self, f: impl FnOnce(&mut Case)) -> Story {
        f(&mut self.case);
        self
    }

    fn resolved_at(self, hours: f64) -> Story {
        self.with(|c| {
            c.status = Status::Resolved;
            c.resolved_at = Some(t0() + Duration::seconds((hours * 3600.0) as i64));
        })
    }

    fn flag(&self, p: Pattern) -> Option<Flag> {
        self.flag_with(p, &Thresholds::default())
    }

    fn flag_with(&self, p: Pattern, th: &Thresholds) -> Option<Flag> {
        let view = CaseView {
            case: &self.case,
            touches: &self.touches,
            now: self.now,
        };
        flags(&view, th).into_iter().find(|f| f.pattern == p)
    }

    fn evidence(&self, p: Pattern) -> Vec<i64> {
        self.flag(p)
            .unwrap_or_else(|| panic!("{} did not fire", p.id()))
            .evidence
    }
}

use StartedBy::{Customer as C, Vendor as V};
use TouchOutcome as O;

#[test]
fn unreachable_is_a_customer_touch_that_found_no_way_in() {
    let s = story()
        .touch(0.0, "web", C, O::Unreachable)
        .touch(1.0, "phone", C, O::Resolved);
    assert_eq!(s.evidence(Pattern::Unreachable), [1]);
    // A vendor-started touch marked unreachable is the vendor failing to reach the customer: not this pattern.
    let s = story().touch(0.0, "phone", V, O::Unreachable);
    assert!(s.flag(Pattern::Unreachable).is_none());
}

#[test]
fn dropped_contact() {
    let s = story()
        .touch(0.0, "phone", C, O::Dropped)
        .touch(1.0, "phone", C, O::NoAnswer);
    assert_eq!(s.evidence(Pattern::DroppedContact), [1]);
    assert!(story()
        .touch(0.0, "phone", C, O::NoAnswer)
        .flag(Pattern::DroppedContact)
        .is_none());
}

#[test]
fn broken_promise_needs_a_passed_due_time_with_no_vendor_touch_by_then() {
    let promised = || {
        story()
            .touch(0.0, "phone", C, O::Promise)
            .last(|t| t.promise_due = Some(t0() + Duration::hours(24)))
    };
    // Nobody came back: broken.
    let s = promised().touch(30.0, "email", C, O::Sent);
    assert_eq!(s.evidence(Pattern::BrokenPromise), [1]);
    // The vendor came back exactly at the due time: kept.
    let s = promised().touch(24.0, "phone", V, O::InfoGiven);
    assert!(s.flag(Pattern::BrokenPromise).is_none());
    // …one minute late: broken.
    let s = promised().touch(24.0 + 1.0 / 60.0, "phone", V, O::InfoGiven);
    assert_eq!(s.evidence(Pattern::BrokenPromise), [1]);
    // A customer touch by then does not keep a vendor's promise.
    let s = promised().touch(2.0, "phone", C, O::Sent);
    assert_eq!(s.evidence(Pattern::BrokenPromise), [1]);
    // Due after the case was resolved: nothing broken.
    let s = promised().resolved_at(23.0);
    assert!(s.flag(Pattern::BrokenPromise).is_none());
    // Due still in the future: nothing broken yet.
    let mut s = promised();
    s.now = t0() + Duration::hours(23);
    assert!(s.flag(Pattern::BrokenPromise).is_none());
}

#[test]
fn slow_response_is_one_stretch_of_vendor_wait_over_the_threshold() {
    // 48 h exactly is not over 48 h.
    let s = story()
        .touch(0.0, "email", C, O::Sent)
        .touch(48.0, "email", V, O::InfoGiven)
        .resolved_at(48.0);
    assert!(s.flag(Pattern::SlowResponse).is_none());
    // One second more is.
    let s = story()
        .touch(0.0, "email", C, O::Sent)
        .touch(48.0 + 1.0 / 3600.0, "email", V, O::Resolved)
        .resolved_at(49.0);
    assert_eq!(s.evidence(Pattern::SlowResponse), [1]);
    // Waiting on the customer for a week is not the vendor's slowness.
    let s = story()
        .touch(0.0, "email", V, O::InfoRequest)
        .touch(168.0, "email", C, O::InfoGiven)
        .resolved_at(168.0);
    assert!(s.flag(Pattern::SlowResponse).is_none());
    // Two stretches of 30 h do not add up to one slow response.
    let s = story()
        .touch(0.0, "email", C, O::Sent)
        .touch(30.0, "email", C, O::Sent)
        .touch(60.0, "email", V, O::Resolved)
        .resolved_at(60.0);
    assert!(s.flag(Pattern::SlowResponse).is_none());
    // The threshold comes from the config.
    let th = Thresholds {
        slow_response_hours: 24.0,
        ..Thresholds::default()
    };
    assert_eq!(
        s.flag_with(Pattern::SlowResponse, &th).unwrap().evidence,
        [1, 2]
    );
}

#[test]
fn repeat_contact_counts_customer_contacts() {
    let two = story()
        .touch(0.0, "email", C, O::Sent)
        .touch(1.0, "email", V, O::InfoRequest)
        .touch(2.0, "email", C, O::InfoGiven);
    assert!(two.flag(Pattern::RepeatContact).is_none());
    let three = two.touch(3.0, "phone", C, O::Sent);
    assert_eq!(three.evidence(Pattern::RepeatContact), [1, 3, 4]);
    let th = Thresholds {
        repeat_contacts: 4,
        ..Thresholds::default()
    };
    assert!(three.flag_with(Pattern::RepeatContact, &th).is_none());
}

#[test]
fn long_hold_is_a_wait_above_the_threshold() {
    let s = story()
        .touch(0.0, "phone", C, O::Resolved)
        .last(|t| t.wait_minutes = Some(20.0));
    assert!(s.flag(Pattern::LongHold).is_none());
    let s = story()
        .touch(0.0, "phone", C, O::Resolved)
        .last(|t| t.wait_minutes = Some(21.0));
    assert_eq!(s.evidence(Pattern::LongHold), [1]);
}

#[test]
fn channel_switch_counts_the_customers_own_channels() {
    let s = story()
        .touch(0.0, "email", C, O::Sent)
        .touch(1.0, "chat", C, O::NoAnswer)
        .touch(2.0, "phone", V, O::InfoGiven);
    // The vendor's phone call is not the customer switching.
    assert!(s.flag(Pattern::ChannelSwitch).is_none());
    let s = s.touch(3.0, "phone", C, O::Sent);
    assert_eq!(s.evidence(Pattern::ChannelSwitch), [1, 2, 4]);
}

#[test]
fn runaround_by_party_changes_transfers_or_call_elsewhere() {
    let p = |party: &str| {
        let party = party.to_string();
        move |t: &mut Touchpoint| t.party = Some(party)
    };
    // One change of party (seller → marketplace) is not a runaround.
    let one = story()
        .touch(0.0, "email", C, O::Sent)
        .last(p("Seller"))
        .touch(1.0, "phone", C, O::Escalated)
        .last(p("Market"));
    assert!(one.flag(Pattern::Runaround).is_none());
    // Two changes are.
    let two = one.touch(2.0, "phone", C, O::Sent).last(p("Carrier"));
    assert_eq!(two.evidence(Pattern::Runaround), [2, 3]);
    // A touch with no party is the case's vendor: Vendor → vendor (any case) is no change.
    let same = story()
        .touch(0.0, "email", C, O::Sent)
        .touch(1.0, "email", C, O::Sent)
        .last(p("vendor"))
        .touch(2.0, "email", C, O::Sent);
    assert!(same.flag(Pattern::Runaround).is_none());
    // One transfer is not; two are.
    let t1 = story()
        .touch(0.0, "phone", C, O::Transferred)
        .touch(0.5, "phone", C, O::Sent);
    assert!(t1.flag(Pattern::Runaround).is_none());
    let t2 = t1.touch(1.0, "phone", C, O::Transferred);
    assert_eq!(t2.evidence(Pattern::Runaround), [1, 3]);
    // Being told to call elsewhere is, at once.
    let e = story()
        .touch(0.0, "chat", C, O::InfoGiven)
        .last(|t| t.ask = Some(Ask::CallElsewhere));
    assert_eq!(e.evidence(Pattern::Runaround), [1]);
}

#[test]
fn lost_record_and_contradiction() {
    let s = story()
        .touch(0.0, "phone", C, O::NoRecord)
        .touch(1.0, "phone", C, O::Contradicted);
    assert_eq!(s.evidence(Pattern::LostRecord), [1]);
    assert_eq!(s.evidence(Pattern::Contradiction), [2]);
    let s = story().touch(0.0, "phone", C, O::InfoGiven);
    assert!(s.flag(Pattern::LostRecord).is_none() && s.flag(Pattern::Contradiction).is_none());
}

#[test]
fn burdensome_remedy() {
    let ask_return = |t: &mut Touchpoint| t.ask = Some(Ask::ReturnItem);
    // Return the whole item for a missing part.
    let s = story()
        .with(|c| c.category = Category::MissingPart)
        .touch(0.0, "email", V, O::Offer)
        .last(ask_return);
    assert_eq!(s.evidence(Pattern::BurdensomeRemedy), [1]);
    // The same ask on a defect, for a 200.00 purchase: the return (30.00 by default) costs less.
    let defect = || story().with(|c| c.category = Category::Defect);
    let s = defect()
        .with(|c| c.purchase_amount = Some(Money(20000)))
        .touch(0.0, "email", V, O::Offer)
        .last(ask_return);
    assert!(s.flag(Pattern::BurdensomeRemedy).is_none());
    // …for a 29.99 purchase it costs more than the problem.
    let s = defect()
        .with(|c| c.purchase_amount = Some(Money(2999)))
        .touch(0.0, "email", V, O::Offer)
        .last(ask_return);
    assert_eq!(s.evidence(Pattern::BurdensomeRemedy), [1]);
    // …for exactly 30.00 it does not.
    let s = defect()
        .with(|c| c.purchase_amount = Some(Money(3000)))
        .touch(0.0, "email", V, O::Offer)
        .last(ask_return);
    assert!(s.flag(Pattern::BurdensomeRemedy).is_none());
}

#[test]
fn loop_by_outcome_or_three_same_failures_in_a_row() {
    let s = story().touch(0.0, "web", C, O::Loop);
    assert_eq!(s.evidence(Pattern::Loop), [1]);
    // Two no-answers in a row: not yet.
    let two = story()
        .touch(0.0, "phone", C, O::NoAnswer)
        .touch(1.0, "phone", C, O::NoAnswer);
    assert!(two.flag(Pattern::Loop).is_none());
    let three = two.touch(2.0, "phone", C, O::NoAnswer);
    assert_eq!(three.evidence(Pattern::Loop), [1, 2, 3]);
    // Three in a row but on different channels: not a loop.
    let mixed = story()
        .touch(0.0, "phone", C, O::NoAnswer)
        .touch(1.0, "chat", C, O::NoAnswer)
        .touch(2.0, "phone", C, O::NoAnswer);
    assert!(mixed.flag(Pattern::Loop).is_none());
    // Three same outcomes that are not failures: not a loop.
    let fine = story()
        .touch(0.0, "email", C, O::Sent)
        .touch(1.0, "email", C, O::Sent)
        .touch(2.0, "email", C, O::Sent);
    assert!(fine.flag(Pattern::Loop).is_none());
}

#[test]
fn forced_escalation_is_the_customer_escalating_before_resolution() {
    let s = story()
        .touch(0.0, "phone", C, O::Escalated)
        .resolved_at(5.0);
    assert_eq!(s.evidence(Pattern::ForcedEscalation), [1]);
    // The vendor escalating internally is not forced on the customer.
    assert!(story()
        .touch(0.0, "phone", V, O::Escalated)
        .flag(Pattern::ForcedEscalation)
        .is_none());
    // Escalating after the case was resolved is not escalating to get help.
    let s = story()
        .resolved_at(5.0)
        .touch(6.0, "phone", C, O::Escalated);
    assert!(s.flag(Pattern::ForcedEscalation).is_none());
}

#[test]
fn self_resolved_and_churn_explain_with_the_cases_fields() {
    let s = story().with(|c| c.customer_cost = Some(Money(1)));
    let f = s.flag(Pattern::SelfResolved).unwrap();
    assert!(f.evidence.is_empty());
    assert!(
        f.explanation.contains("customer_cost is 0.01"),
        "{}",
        f.explanation
    );
    let s = story().with(|c| c.outcome = Some(Resolution::SelfResolved));
    assert!(s
        .flag(Pattern::SelfResolved)
        .unwrap()
        .explanation
        .contains("outcome is self_resolved"));
    assert!(story()
        .with(|c| c.customer_cost = Some(Money(0)))
        .flag(Pattern::SelfResolved)
        .is_none());
    let s = story().with(|c| c.churned = true);
    assert!(s
        .flag(Pattern::Churn)
        .unwrap()
        .explanation
        .contains("churned"));
    assert!(story().flag(Pattern::Churn).is_none());
}

#[test]
fn delight_is_vendor_started() {
    let s = story().touch(0.0, "in_person", V, O::Delight);
    assert_eq!(s.evidence(Pattern::Delight), [1]);
    assert!(story()
        .touch(0.0, "email", C, O::Delight)
        .flag(Pattern::Delight)
        .is_none());
}

#[test]
fn every_flag_can_say_why_it_fired() {
    // A case that fires every touch-level pattern at once: each flag has evidence or, for
    // the case-level ones, an explanation naming the case's fields.
    let s = story()
        .with(|c| {
            c.category = Category::MissingPart;
            c.churned = true;
            c.customer_cost = Some(Money(500));
        })
        .touch(0.0, "web", C, O::Unreachable)
        .touch(1.0, "chat", C, O::Dropped)
        .touch(2.0, "phone", C, O::NoRecord)
        .last(|t| t.wait_minutes = Some(45.0))
        .touch(3.0, "phone", C, O::Contradicted)
        .touch(4.0, "phone", V, O::Offer)
        .last(|t| {
            t.ask = Some(Ask::ReturnItem);
            t.promise_due = Some(t0() + Duration::hours(5));
        })
        .touch(4.5, "email", C, O::Sent)
        .touch(100.0, "phone", C, O::Escalated)
        .last(|t| t.party = Some("Market".into()))
        .touch(101.0, "phone", C, O::Transferred)
        .last(|t| t.party = Some("Carrier".into()))
        .touch(102.0, "web", C, O::Loop)
        .touch(103.0, "app", V, O::Delight);
    let view = CaseView {
        case: &s.case,
        touches: &s.touches,
        now: s.now,
    };
    let all = flags(&view, &Thresholds::default());
    assert_eq!(
        all.len(),
        16,
        "{:?}",
        all.iter().map(|f| f.pattern.id()).collect::<Vec<_>>()
    );
    for f in &all {
        assert!(!f.explanation.is_empty());
        let case_level = matches!(f.pattern, Pattern::SelfResolved | Pattern::Churn);
        assert_eq!(f.evidence.is_empty(), case_level, "{}", f.pattern.id());
    }
}
