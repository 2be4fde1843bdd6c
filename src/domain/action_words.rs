//! How a next action (src/domain/next_action.rs) words the touches it
//! cites and what the customer was asked to do, so that each suggestion
//! says who to turn to, about what, and until when.

use super::case::Touchpoint;
use super::enums::{Ask, StartedBy, TouchOutcome};
use super::time::age_text;
use chrono::{DateTime, Utc};

/// An outcome as words: `no_record` → "no record".
pub fn outcome_words(o: TouchOutcome) -> String {
    o.as_str().replace('_', " ")
}

/// "the customer's phone contact (dropped)" or "Amazon's email touch (offer)".
pub fn touch_phrase(t: &Touchpoint, vendor: &str) -> String {
    let outcome = outcome_words(t.outcome);
    match t.started_by {
        StartedBy::Customer => format!("the customer's {} contact ({outcome})", t.channel),
        StartedBy::Vendor => format!("{}'s {} touch ({outcome})", t.party_or(vendor), t.channel),
    }
}

/// The last touch and how long ago it was, or the opening when none was
/// logged: "the customer's email contact (sent), 3d 2h ago".
pub fn since_phrase(
    last: Option<&Touchpoint>,
    vendor: &str,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> String {
    // A touch dated after now (an import's clock ahead of this one).
    let ago = match now >= since {
        true => format!("{} ago", age_text(now - since)),
        false => format!("dated {} ahead", age_text(since - now)),
    };
    match last {
        Some(t) => format!("{}, {ago}", touch_phrase(t, vendor)),
        None => format!("the case was opened, {ago}"),
    }
}

/// What the customer owes after a touch that left the ball with them:
/// "to accept or refuse Amazon's offer".
pub fn customer_owes(t: &Touchpoint, vendor: &str) -> String {
    let party = t.party_or(vendor);
    match (t.outcome, t.ask) {
        (TouchOutcome::InfoRequest, _) => format!("to answer {party}'s request for information"),
        (TouchOutcome::Offer, _) => format!("to accept or refuse {party}'s offer"),
        (_, Some(Ask::ProvideInfo)) => format!("to give {party} the information it asked for"),
        (_, Some(Ask::ReturnItem)) => format!("to return the item, as {party} asked"),
        (_, Some(Ask::VisitStore)) => format!("to visit a store, as {party} asked"),
        (_, Some(Ask::CallElsewhere)) => format!("to call where {party} sent them"),
        (_, Some(Ask::Reinstall)) => format!("to reinstall, as {party} asked"),
        // The touch's `waiting_on` put the ball with the customer.
        _ => "to reply".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Channel;
    use chrono::{Duration, TimeZone};

    #[test]
    fn touches_and_asks_in_words() {
        let at = Utc.with_ymd_and_hms(2025, 1, 6, 9, 0, 0).unwrap();
        let mut t = Touchpoint::new(
            at,
            Channel::new("phone").unwrap(),
            StartedBy::Customer,
            TouchOutcome::NoRecord,
        );
        assert_eq!(
            touch_phrase(&t, "Acme"),
            "the customer's phone contact (no record)"
        );
        assert_eq!(
            since_phrase(Some(&t), "Acme", at, at + Duration::hours(50)),
            "the customer's phone contact (no record), 2d 2h ago"
        );
        assert_eq!(
            since_phrase(None, "Acme", at, at + Duration::days(120)),
            "the case was opened, 120d ago"
        );
        assert_eq!(
            since_phrase(Some(&t), "Acme", at, at - Duration::hours(3)),
            "the customer's phone contact (no record), dated 3h 0m ahead"
        );
        t.started_by = StartedBy::Vendor;
        t.outcome = TouchOutcome::Offer;
        t.party = Some("Amazon".into());
        assert_eq!(touch_phrase(&t, "Acme"), "Amazon's phone touch (offer)");
        assert_eq!(
            customer_owes(&t, "Acme"),
            "to accept or refuse Amazon's offer"
        );
        t.outcome = TouchOutcome::InfoGiven;
        t.ask = Some(Ask::ReturnItem);
        assert_eq!(
            customer_owes(&t, "Acme"),
            "to return the item, as Amazon asked"
        );
        t.ask = None;
        assert_eq!(customer_owes(&t, "Acme"), "to reply");
    }
}
