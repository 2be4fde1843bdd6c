//! What the values of a source's own columns mean in casebook: Zendesk's
//! "Via" display values, NYC 311's channel types, the CFPB's "Submitted
//! via", the statuses and priorities of each. The README's tables are these.

use crate::domain::{Priority, Resolution, Status};

/// Zendesk's Via (how a ticket came in) → casebook's channel.
pub const ZENDESK_CHANNELS: &[(&str, &str)] = &[
    ("Mail", "email"),
    ("Email", "email"),
    ("Web form", "web"),
    ("Web Widget", "web"),
    ("Help Center", "web"),
    ("Phone call (incoming)", "phone"),
    ("Phone call (outgoing)", "phone"),
    ("Voicemail", "phone"),
    ("Chat", "chat"),
    ("Mobile SDK", "app"),
    ("Twitter", "social"),
    ("Twitter DM", "social"),
    ("Facebook Post", "social"),
    ("Facebook Message", "social"),
    ("API", "other"),
    ("Web service", "other"),
    ("Closed ticket", "other"),
    // Zendesk's own names for the same (its API's via types, which older
    // exports wrote): those that differ from a display value above by more
    // than letter case and `_` for a space (`web_form` is `Web form`).
    ("phone_call_inbound", "phone"),
    ("phone_call_outbound", "phone"),
    ("api_phone_call_inbound", "phone"),
    ("api_phone_call_outbound", "phone"),
    ("api_voicemail", "phone"),
    ("voice", "phone"),
    ("helpcenter", "web"),
    ("mobile", "app"),
];

/// Zendesk's ticket statuses.
pub const ZENDESK_STATUSES: &[(&str, Status)] = &[
    ("New", Status::Open),
    ("Open", Status::Open),
    ("Pending", Status::WaitingCustomer),
    ("On-hold", Status::WaitingVendor),
    ("Hold", Status::WaitingVendor),
    ("Solved", Status::Resolved),
    ("Closed", Status::Closed),
];

/// Zendesk's priorities; `-` is a ticket without one.
pub const ZENDESK_PRIORITIES: &[(&str, Priority)] = &[
    ("-", Priority::Normal),
    ("Low", Priority::Low),
    ("Normal", Priority::Normal),
    ("High", Priority::High),
    ("Urgent", Priority::Urgent),
];

/// NYC 311's Open Data Channel Type → casebook's channel.
pub const NYC311_CHANNELS: &[(&str, &str)] = &[
    ("PHONE", "phone"),
    ("ONLINE", "web"),
    ("MOBILE", "app"),
    ("UNKNOWN", "other"),
    ("OTHER", "other"),
];

/// NYC 311's request statuses.
pub const NYC311_STATUSES: &[(&str, Status)] = &[
    ("Closed", Status::Resolved),
    ("Open", Status::Open),
    ("Pending", Status::Open),
    ("Assigned", Status::Open),
    ("In Progress", Status::Open),
    ("Started", Status::Open),
    ("Email Sent", Status::WaitingCustomer),
    ("Unspecified", Status::Open),
];

/// The CFPB's Submitted via → casebook's channel. A referral came from
/// another agency, not from the consumer on a channel of the company's.
pub const CFPB_CHANNELS: &[(&str, &str)] = &[
    ("Web", "web"),
    ("Web Referral", "web"),
    ("Phone", "phone"),
    ("Email", "email"),
    ("Postal mail", "mail"),
    ("Fax", "mail"),
    ("Referral", "other"),
];

/// The CFPB's "Company response to consumer": the database has no closing
/// time, so answered complaints are closed, untimed.
pub const CFPB_STATUSES: &[(&str, Status)] = &[
    ("In progress", Status::Open),
    ("Closed with explanation", Status::Closed),
    ("Closed with non-monetary relief", Status::Closed),
    ("Closed with monetary relief", Status::Closed),
    ("Closed with relief", Status::Closed),
    ("Closed without relief", Status::Closed),
    ("Untimely response", Status::Closed),
    ("Closed", Status::Closed),
];

/// The CFPB's response as an outcome, where it says one.
pub const CFPB_OUTCOMES: &[(&str, Resolution)] = &[
    ("Closed with explanation", Resolution::Explained),
    ("Closed with non-monetary relief", Resolution::Workaround),
    ("Closed with monetary relief", Resolution::PartialRefund),
];

/// A source's value as the tables compare it: lower case, with `_` and `-`
/// read as spaces and runs of spaces as one, so that a display value and the
/// snake_case name older exports wrote for it (`Web form`, `web_form`;
/// `On-hold`, `on_hold`) are one value. Every reading of a source's value
/// goes through here: the first import and a re-import of the same ticket
/// written the other way agree, and its touch is found again rather than
/// added twice.
pub fn folded(value: &str) -> String {
    value
        .to_lowercase()
        .replace(['_', '-'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The value a table gives a source's value (see `folded`).
pub fn lookup<T: Copy>(table: &[(&str, T)], value: &str) -> Option<T> {
    let value = folded(value);
    table
        .iter()
        .find(|(v, _)| folded(v) == value)
        .map(|(_, t)| *t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_found_in_any_case() {
        assert_eq!(lookup(ZENDESK_CHANNELS, "web FORM "), Some("web"));
        assert_eq!(lookup(ZENDESK_PRIORITIES, "-"), Some(Priority::Normal));
        assert_eq!(lookup(NYC311_CHANNELS, "Carrier pigeon"), None);
    }

    #[test]
    fn snake_case_names_are_the_display_values() {
        for (old, channel) in [
            ("web_form", "web"),
            ("web_widget", "web"),
            ("mobile_sdk", "app"),
            ("closed_ticket", "other"),
            ("facebook_post", "social"),
            ("twitter_dm", "social"),
            ("phone_call_inbound", "phone"),
            ("voicemail", "phone"),
            ("mail", "email"),
        ] {
            assert_eq!(lookup(ZENDESK_CHANNELS, old), Some(channel), "{old}");
        }
        assert_eq!(
            lookup(ZENDESK_STATUSES, "on_hold"),
            Some(Status::WaitingVendor)
        );
        assert_eq!(lookup(NYC311_CHANNELS, "phone"), Some("phone"));
        assert_eq!(lookup(ZENDESK_CHANNELS, "web"), None);
    }
}
