//! Each next-action rule firing on a case written out here, the order among
//! them when several apply, and when the action next changes with the clock.

#![allow(clippy::unwrap_used)]

use casebook::domain::friction::{flags, CaseView, Thresholds};
use casebook::domain::next_action::*;
use casebook::domain::*;
use chrono::{DateTime, Duration, TimeZone, Utc};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 6, 9, 0, 0).unwrap()
}

fn at(hours: f64) -> DateTime<Utc> {
    t0() + Duration::seconds((hours * 3600.0) as i64)
}

struct Story {
    case: Case,
    touches: Vec<Touchpoint>,
    now: DateTime<Utc>,
    sla: Option<SlaUrgency>,
    answers: ChannelAnswers,
}

fn story(now_hours: f64) -> Story {
    Story {
        case: Case::new("test", "Seller", t0()),
        touches: Vec::new(),
        now: at(now_hours),
        sla: None,
        answers: ChannelAnswers::default(),
    }
}

impl Story {
    fn touch(mut self, hours: f64, channel: &str, from: StartedBy, outcome: TouchOutcome) -> Story {
        let mut t = Touchpoint::new(at(hours), Channel::new(channel).unwrap(), from, outcome);
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
    fn action(&self) -> Option<NextAction> {
        let th = Thresholds::default();
        let view = CaseView {
            case: &self.case,
            touches: &self.touches,
            now: self.now,
        };
        let fl = flags(&view, &th);
        next_action(&NextActionInput {
            case: &self.case,
            touches: &self.touches,
            flags: &fl,
            now: self.now,
            thresholds: &th,
            settings: &NextActionSettings::default(),
            sla: self.sla.as_ref(),
            answers: &self.answers,
        })
    }
    fn id(&self) -> &'static str {
        self.action().unwrap().id
    }
    fn next_change(&self) -> Option<DateTime<Utc>> {
        next_change(
            &self.case,
            &self.touches,
            self.now,
            &Thresholds::default(),
            &NextActionSettings::default(),
        )
    }
}

use StartedBy::{Customer, Vendor};
use TouchOutcome::*;

/// A promise made at 1 h, due at 24 h.
fn promised(now_hours: f64) -> Story {
    story(now_hours)
        .touch(1.0, "phone", Customer, Promise)
        .last(|t| {
            t.party = Some("Marketplace".into());
            t.promise_due = Some(at(24.0));
        })
}

#[test]
fn a_done_case_has_no_action() {
    let s = promised(100.0).with(|c| {
        c.status = Status::Resolved;
        c.resolved_at = Some(at(2.0));
    });
    assert_eq!(s.action(), None);
    assert_eq!(s.next_change(), None);
}

#[test]
fn chase_promise_cites_the_promise_to_its_party() {
    let a = promised(30.0).action().unwrap();
    assert_eq!(a.id, "chase_promise");
    assert_eq!(a.evidence, vec![1]);
    assert!(a.text.contains("Marketplace"), "{}", a.text);
    assert!(a.text.contains("2025-01-07 09:00"), "{}", a.text);
}

#[test]
fn await_promise_until_it_falls_due_then_chase() {
    let s = promised(10.0);
    let a = s.action().unwrap();
    assert_eq!((a.id, a.evidence), ("await_promise", vec![1]));
    // Awaited until its due time, when the action changes (it breaks just
    // after, which the flags schedule).
    assert_eq!(s.next_change(), Some(at(24.0)));
    // Kept: the vendor came back, nothing to await.
    let kept = promised(10.0).touch(5.0, "phone", Vendor, InfoGiven);
    assert_eq!(kept.id(), "wait");
    // The last touch resolved it, yet the case is open: say so, and cite it.
    let done = story(10.0).touch(5.0, "phone", Customer, Resolved);
    let a = done.action().unwrap();
    assert_eq!(
        (a.id, a.text.as_str(), a.evidence),
        (
            "wait",
            "Resolve, or ask the customer to confirm first: the customer's phone contact (resolved) left nothing pending",
            vec![1]
        )
    );
    // Awaiting says until when, and what comes next.
    assert_eq!(
        s.action().unwrap().text,
        "Wait until 2025-01-07 09:00 UTC, then chase: Marketplace promised to come back by then"
    );
}

#[test]
fn chase_cites_the_latest_broken_promise_and_counts_the_others() {
    // A second promise, by the seller, at 30 h due at 50 h; both broken by 100 h.
    let s = promised(100.0)
        .touch(30.0, "email", Vendor, Promise)
        .last(|t| t.promise_due = Some(at(50.0)));
    let a = s.action().unwrap();
    assert_eq!(a.id, "chase_promise");
    assert_eq!(
        a.text,
        "Chase Seller: its promise to come back (due 2025-01-08 11:00 UTC) was broken, and so was 1 before it"
    );
    assert_eq!(a.evidence, vec![1, 2]);
}

#[test]
fn answer_sla_when_breached_or_at_risk_and_after_a_broken_promise() {
    let mut s = story(1.0).touch(0.5, "email", Customer, Sent);
    s.sla = Some(SlaUrgency {
        breached: false,
        at_risk: true,
        target: "first response".into(),
    });
    let a = s.action().unwrap();
    assert_eq!(a.id, "answer_sla");
    assert_eq!(a.text, "Answer now: the first response target is at risk");
    s.sla = Some(SlaUrgency {
        breached: false,
        at_risk: false,
        target: "first response".into(),
    });
    assert_eq!(s.id(), "wait");
    let mut both = promised(30.0);
    both.sla = Some(SlaUrgency {
        breached: true,
        at_risk: false,
        target: "resolution".into(),
    });
    assert_eq!(both.id(), "chase_promise");
}

#[test]
fn escalate_marketplace_on_a_refusal_until_the_customer_went_there() {
    let s = story(2.0)
        .with(|c| c.marketplace = Some("Amazon".into()))
        .touch(1.0, "email", Customer, Refused);
    let a = s.action().unwrap();
    assert_eq!(
        (a.id, a.evidence.clone()),
        ("escalate_marketplace", vec![1])
    );
    assert_eq!(a.text, "Escalate to Amazon: Seller will not help");
    let went = s
        .touch(1.5, "phone", Customer, Promise)
        .last(|t| t.party = Some("amazon".into()));
    assert_ne!(went.id(), "escalate_marketplace");
    // No marketplace: nothing to escalate to.
    let none = story(2.0).touch(1.0, "email", Customer, Refused);
    assert_ne!(none.id(), "escalate_marketplace");
}

fn rate(channel: &str, contacts: usize, answered: usize) -> ChannelAnswerRate {
    ChannelAnswerRate {
        channel: channel.into(),
        contacts,
        answered,
    }
}

#[test]
fn switch_channel_names_the_vendors_best_channel_with_enough_cases() {
    let mut s = story(2.0)
        .touch(0.5, "phone", Customer, Dropped)
        .touch(1.0, "phone", Customer, NoAnswer);
    s.answers = ChannelAnswers {
        // chat: 3 of 4 (too few: min_cases is 5); email: 4 of 5 = 80 %; phone is the failing one.
        vendor: vec![
            rate("phone", 50, 45),
            rate("chat", 4, 3),
            rate("email", 5, 4),
        ],
        all_vendors: vec![rate("chat", 100, 90)],
    };
    let a = s.action().unwrap();
    assert_eq!(a.id, "switch_channel");
    assert_eq!(a.evidence, vec![1, 2]);
    assert_eq!(
        a.text,
        "Switch from phone (dropped, then no answer) to email: Seller answered 80 % of 5 contacts there"
    );
    // Without enough history of its own, every vendor's.
    s.answers.vendor = vec![rate("email", 2, 2)];
    assert_eq!(
        s.action().unwrap().text,
        "Switch from phone (dropped, then no answer) to chat: all vendors answered 90 % of 100 contacts there (Seller has too little history)"
    );
    // Two failures on different channels: no switch; the last contact got
    // through to no one, so waiting alone is not the advice.
    let mixed = story(2.0)
        .touch(0.5, "chat", Customer, Dropped)
        .touch(1.0, "phone", Customer, NoAnswer);
    assert!(!needs_channel_answers(&mixed.touches));
    let a = mixed.action().unwrap();
    assert_eq!(
        (a.id, a.text.as_str(), a.evidence),
        (
            "wait",
            "Contact Seller again, or wait until 2025-01-08 10:00 UTC and follow up: the customer's phone contact (no answer), 1h 0m ago",
            vec![2]
        )
    );
}

#[test]
fn escalate_after_repeat_contacts_unless_escalated() {
    let s = story(5.0)
        .touch(1.0, "email", Customer, Sent)
        .touch(2.0, "chat", Customer, InfoGiven)
        .touch(3.0, "phone", Customer, Promise);
    let a = s.action().unwrap();
    assert_eq!(
        a.text,
        "Escalate to a supervisor at Seller: 3 contacts and nothing escalated yet"
    );
    assert_eq!((a.id, a.evidence), ("escalate", vec![1, 2, 3]));
    let escalated = s.touch(4.0, "phone", Customer, Escalated);
    assert_ne!(escalated.id(), "escalate");
}

#[test]
fn nudge_customer_after_72_hours_with_the_ball() {
    let s = story(70.0).touch(1.0, "email", Vendor, InfoRequest);
    assert_eq!(
        s.action().unwrap().text,
        "Wait for the customer to answer Seller's request for information until 2025-01-09 10:00 UTC, then nudge"
    );
    assert_eq!(s.next_change(), Some(at(73.0) + Duration::milliseconds(1)));
    let later = story(74.0).touch(1.0, "email", Vendor, InfoRequest);
    let a = later.action().unwrap();
    assert_eq!((a.id, a.evidence), ("nudge_customer", vec![1]));
    assert_eq!(
        a.text,
        "Nudge the customer to answer Seller's request for information: the ball has been with them for 3d 1h"
    );
    // An offer, by the marketplace: the customer owes it an answer.
    let offer = story(100.0)
        .touch(1.0, "phone", Vendor, Offer)
        .last(|t| t.party = Some("Amazon".into()));
    assert_eq!(
        offer.action().unwrap().text,
        "Nudge the customer to accept or refuse Amazon's offer: the ball has been with them for 4d 3h"
    );
}

#[test]
fn follow_up_after_the_slow_response_threshold() {
    let s = story(40.0).touch(1.0, "email", Customer, Sent);
    let a = s.action().unwrap();
    assert_eq!(
        (a.id, a.text.as_str(), a.evidence),
        (
            "wait",
            "Wait for Seller until 2025-01-08 10:00 UTC, then follow up: the ball is with it since the customer's email contact (sent), 1d 15h ago",
            vec![1]
        )
    );
    assert_eq!(s.next_change(), Some(at(49.0) + Duration::milliseconds(1)));
    let late = story(50.0).touch(1.0, "email", Customer, Sent);
    let a = late.action().unwrap();
    assert_eq!((a.id, a.evidence), ("follow_up", vec![1]));
    assert_eq!(
        a.text,
        "Follow up with Seller: nothing since the customer's email contact (sent), 2d 1h ago"
    );
    // With whoever holds the ball: the party of the last touch.
    let market = story(50.0)
        .touch(1.0, "claim", Customer, Sent)
        .last(|t| t.party = Some("Amazon".into()));
    assert!(market
        .action()
        .unwrap()
        .text
        .starts_with("Follow up with Amazon: nothing since the customer's claim contact (sent)"));
    // Nothing logged at all: from the opening.
    let a = story(49.0).action().unwrap();
    assert_eq!(
        (a.id, a.text.as_str()),
        (
            "follow_up",
            "Follow up with Seller: nothing since the case was opened, 2d 1h ago"
        )
    );
}

#[test]
fn the_first_rule_that_applies_wins() {
    // Broken promise, a refusal on a marketplace case, two failed phone calls,
    // three contacts and a long vendor silence all at once.
    let s = promised(200.0)
        .with(|c| c.marketplace = Some("Amazon".into()))
        .touch(2.0, "phone", Customer, Refused)
        .touch(3.0, "phone", Customer, NoAnswer);
    assert_eq!(s.id(), "chase_promise");
    // Without the broken promise (due later): the marketplace comes first.
    let s2 = story(200.0)
        .with(|c| c.marketplace = Some("Amazon".into()))
        .touch(1.0, "phone", Customer, Promise)
        .last(|t| t.promise_due = Some(at(500.0)))
        .touch(2.0, "phone", Customer, Refused)
        .touch(3.0, "phone", Customer, NoAnswer);
    assert_eq!(s2.id(), "escalate_marketplace");
    // Without the marketplace: switch channel before escalate.
    let s3 = story(200.0)
        .touch(1.0, "phone", Customer, Promise)
        .last(|t| t.promise_due = Some(at(500.0)))
        .touch(2.0, "phone", Customer, Refused)
        .touch(3.0, "phone", Customer, NoAnswer);
    assert_eq!(s3.id(), "switch_channel");
    // The last call answered: escalate (3 contacts) before awaiting the promise.
    let s4 = s3.touch(4.0, "phone", Customer, InfoGiven);
    assert_eq!(s4.id(), "escalate");
    // Escalated: the promise due later is awaited, before follow-up.
    let s5 = s4.touch(5.0, "phone", Customer, Escalated);
    assert_eq!(s5.id(), "await_promise");
}
