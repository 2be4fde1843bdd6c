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

/// The value a table gives a source's value (any case, ends trimmed).
pub fn lookup<T: Copy>(table: &[(&str, T)], value: &str) -> Option<T> {
    let value = value.trim();
    table
        .iter()
        .find(|(v, _)| v.eq_ignore_ascii_case(value))
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
}
