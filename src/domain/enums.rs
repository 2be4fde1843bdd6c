//! The closed vocabularies of the data model. Each parses from text (trimmed,
//! case-insensitive) with an error that lists every valid value.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A value that is not one of an enum's names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} '{given}'; valid values: {valid}")]
pub struct UnknownValue {
    pub what: &'static str,
    pub given: String,
    pub valid: String,
}

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $what:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            pub fn valid_values() -> String {
                [$($text),+].join(", ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                // Stored values are exact names: match them without allocating.
                match s {
                    $($text => return Ok($name::$variant),)+
                    _ => {}
                }
                let key = s.trim().to_lowercase().replace(['-', ' '], "_");
                match key.as_str() {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownValue {
                        what: $what,
                        given: s.to_string(),
                        valid: $name::valid_values(),
                    }),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

vocabulary!(
    /// What kind of problem a case is about.
    Category, "category", {
    MissingPart => "missing_part",
    Defect => "defect",
    WrongItem => "wrong_item",
    LateDelivery => "late_delivery",
    Billing => "billing",
    Refund => "refund",
    AccountAccess => "account_access",
    ServiceActivation => "service_activation",
    Outage => "outage",
    Technical => "technical",
    Praise => "praise",
    Other => "other",
});

vocabulary!(Priority, "priority", {
    Low => "low",
    Normal => "normal",
    High => "high",
    Urgent => "urgent",
});

vocabulary!(Status, "status", {
    Open => "open",
    WaitingVendor => "waiting_vendor",
    WaitingCustomer => "waiting_customer",
    Escalated => "escalated",
    Resolved => "resolved",
    Closed => "closed",
});

impl Status {
    /// Resolved and closed cases are done; every other status is open work.
    pub fn is_done(self) -> bool {
        matches!(self, Status::Resolved | Status::Closed)
    }
}

vocabulary!(
    /// How a case ended for the customer.
    Resolution, "resolution outcome", {
    FullRefund => "full_refund",
    PartialRefund => "partial_refund",
    Replacement => "replacement",
    Repair => "repair",
    Credit => "credit",
    Workaround => "workaround",
    SelfResolved => "self_resolved",
    Explained => "explained",
    Abandoned => "abandoned",
    None => "none",
});

vocabulary!(
    /// Who started a touchpoint.
    StartedBy, "from (who started the touch)", {
    Customer => "customer",
    Vendor => "vendor",
});

vocabulary!(
    /// What came of one touchpoint.
    TouchOutcome, "touch outcome", {
    Sent => "sent",
    Resolved => "resolved",
    Promise => "promise",
    Offer => "offer",
    InfoRequest => "info_request",
    InfoGiven => "info_given",
    Escalated => "escalated",
    Transferred => "transferred",
    NoAnswer => "no_answer",
    Dropped => "dropped",
    Unreachable => "unreachable",
    NoRecord => "no_record",
    Contradicted => "contradicted",
    Loop => "loop",
    Refused => "refused",
    Delight => "delight",
    Other => "other",
});

impl TouchOutcome {
    /// The failed outcomes of the friction rules.
    pub fn is_failure(self) -> bool {
        use TouchOutcome::*;
        matches!(
            self,
            NoAnswer
                | Dropped
                | Unreachable
                | Transferred
                | Refused
                | NoRecord
                | Contradicted
                | Loop
        )
    }
}

vocabulary!(
    /// Where in the customer's journey a case happened.
    JourneyStage, "stage", {
    PreSale => "pre_sale",
    Order => "order",
    Delivery => "delivery",
    Use => "use",
    Billing => "billing",
    Cancel => "cancel",
});

impl JourneyStage {
    /// The stage a case of this category is in unless the user says otherwise.
    /// migrations/sqlite/07-cost-journey/up.sql fills old files by the same rule.
    pub fn of_category(category: Category) -> JourneyStage {
        use Category::*;
        match category {
            MissingPart | WrongItem | LateDelivery => JourneyStage::Delivery,
            ServiceActivation => JourneyStage::PreSale,
            Billing | Refund => JourneyStage::Billing,
            _ => JourneyStage::Use,
        }
    }
}

vocabulary!(
    /// What the vendor asked the customer to do.
    Ask, "ask", {
    None => "none",
    Wait => "wait",
    ProvideInfo => "provide_info",
    ReturnItem => "return_item",
    VisitStore => "visit_store",
    CallElsewhere => "call_elsewhere",
    Reinstall => "reinstall",
});

vocabulary!(
    /// Who a case waits on after a touch.
    WaitingOn, "waiting_on", {
    Vendor => "vendor",
    Customer => "customer",
    Nobody => "nobody",
});

/// A contact channel. The spec's channels are known; imports may add others,
/// which are kept lower-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Channel(String);

impl Channel {
    pub const KNOWN: &'static [&'static str] = &[
        "phone",
        "chat",
        "email",
        "web",
        "app",
        "store",
        "social",
        "mail",
        "in_person",
        "claim",
    ];

    /// Any non-empty name of printable characters, folded to lower case.
    pub fn new(name: &str) -> Result<Channel, UnknownValue> {
        // Most names are stored ones, already clean: take them as they are.
        if !name.is_empty()
            && name.len() <= 40
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Ok(Channel(name.to_string()));
        }
        let key = name.trim().to_lowercase().replace([' ', '-'], "_");
        if key.is_empty() || key.chars().any(char::is_control) || key.chars().count() > 40 {
            return Err(UnknownValue {
                what: "channel",
                given: name.to_string(),
                valid: format!("{} (or any other short name)", Self::KNOWN.join(", ")),
            });
        }
        Ok(Channel(key))
    }

    /// A channel known to the spec, for command-line input where typos should be caught.
    pub fn known(name: &str) -> Result<Channel, UnknownValue> {
        let ch = Self::new(name)?;
        if Self::KNOWN.contains(&ch.0.as_str()) {
            Ok(ch)
        } else {
            Err(UnknownValue {
                what: "channel",
                given: name.to_string(),
                valid: Self::KNOWN.join(", "),
            })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Channel {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Channel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Channel::new(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_case_insensitively_and_lists_valid_values() {
        assert_eq!(
            "Waiting_Vendor".parse::<Status>(),
            Ok(Status::WaitingVendor)
        );
        assert_eq!(
            "waiting-customer".parse::<Status>(),
            Ok(Status::WaitingCustomer)
        );
        let err = "pending".parse::<Status>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown status 'pending'; valid values: open, waiting_vendor, waiting_customer, escalated, resolved, closed"
        );
    }

    #[test]
    fn every_name_round_trips() {
        for o in TouchOutcome::ALL {
            assert_eq!(o.as_str().parse::<TouchOutcome>(), Ok(*o));
        }
        for c in Category::ALL {
            assert_eq!(c.as_str().parse::<Category>(), Ok(*c));
        }
    }

    #[test]
    fn stage_defaults_from_category() {
        assert_eq!(
            JourneyStage::of_category(Category::MissingPart),
            JourneyStage::Delivery
        );
        assert_eq!(
            JourneyStage::of_category(Category::WrongItem),
            JourneyStage::Delivery
        );
        assert_eq!(
            JourneyStage::of_category(Category::LateDelivery),
            JourneyStage::Delivery
        );
        assert_eq!(
            JourneyStage::of_category(Category::ServiceActivation),
            JourneyStage::PreSale
        );
        assert_eq!(
            JourneyStage::of_category(Category::Billing),
            JourneyStage::Billing
        );
        assert_eq!(
            JourneyStage::of_category(Category::Refund),
            JourneyStage::Billing
        );
        for c in [
            Category::Defect,
            Category::Outage,
            Category::Praise,
            Category::Other,
        ] {
            assert_eq!(JourneyStage::of_category(c), JourneyStage::Use);
        }
        assert_eq!(
            "Pre-Sale".parse::<JourneyStage>(),
            Ok(JourneyStage::PreSale)
        );
    }

    #[test]
    fn channels_fold_case_and_known_rejects_typos() {
        assert_eq!(Channel::new(" Fax ").unwrap().as_str(), "fax");
        assert_eq!(Channel::new("In Person").unwrap().as_str(), "in_person");
        assert!(Channel::known("phnoe")
            .unwrap_err()
            .to_string()
            .contains("phone, chat"));
        assert!(Channel::new("").is_err());
    }
}
