//! Whether a touch carries the vendor's answer: the one rule the measures,
//! the service levels and the cost of a case share.

use super::case::Touchpoint;
use super::enums::{StartedBy, TouchOutcome};

/// Whether a touch carries the vendor's answer: any vendor-started touch, or
/// a customer-started one that reached somebody (a call a person answered
/// counts; an email sent, or a call nobody took, does not).
pub fn is_vendor_answer(t: &Touchpoint) -> bool {
    use TouchOutcome::*;
    match t.started_by {
        StartedBy::Vendor => true,
        StartedBy::Customer => {
            !matches!(t.outcome, Sent | NoAnswer | Dropped | Unreachable | Other)
        }
    }
}
