//! Cases, touchpoints and vendors: the things a user logs.

use super::enums::{
    Ask, Category, Channel, JourneyStage, Priority, Resolution, StartedBy, Status, TouchOutcome,
    WaitingOn,
};
use super::money::Money;
use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};

/// One problem of one customer with one vendor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    /// The small number people use; 0 until the case is stored.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub id: i64,
    /// Stable across export and import; made when the case is first stored.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uid: String,
    /// The importer's own key for the case.
    #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    pub title: String,
    pub vendor: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marketplace: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_ref: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default = "default_category")]
    pub category: Category,
    /// Where in the journey; when absent, the category's default (`stage()`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<JourneyStage>,
    #[serde(default = "default_priority")]
    pub priority: Priority,
    #[serde(default = "default_status")]
    pub status: Status,
    pub opened_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Resolution>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchase_amount: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_amount: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_cost: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_minutes: Option<i64>,
    #[serde(default)]
    pub churned: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csat: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effort: Option<u8>,
    /// How many times the case went from resolved or closed back to open work.
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    pub reopens: u32,
    #[serde(default)]
    pub tags: Vec<String>,
    /// When the case was resolved before each reopening (the trail's
    /// record, read by the store; not part of the case's JSON): from each
    /// such resolution until the next touch, the ball is with nobody.
    #[serde(skip)]
    pub resolved_before: Vec<DateTime<Utc>>,
    /// When the trail last recorded a change to the case's timed fields
    /// (status, resolution, closing, outcome, reopens), if ever: read by the
    /// store with the case, not part of its JSON.
    #[serde(skip)]
    pub changed_at: Option<DateTime<Utc>>,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}
fn is_zero_u32(n: &u32) -> bool {
    *n == 0
}
fn default_category() -> Category {
    Category::Other
}
fn default_priority() -> Priority {
    Priority::Normal
}
fn default_status() -> Status {
    Status::Open
}

/// One contact on a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Touchpoint {
    #[serde(default, skip_serializing_if = "is_zero")]
    pub id: i64,
    pub at: DateTime<Utc>,
    pub channel: Channel,
    #[serde(rename = "from")]
    pub started_by: StartedBy,
    /// The vendor the customer dealt with at this touch; the case's vendor when empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_minutes: Option<f64>,
    pub outcome: TouchOutcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ask: Option<Ask>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promise_due: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting_on: Option<WaitingOn>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl Touchpoint {
    /// The party of the touch, or the case's vendor when none was given.
    pub fn party_or<'a>(&'a self, vendor: &'a str) -> &'a str {
        self.party
            .as_deref()
            .filter(|p| !p.is_empty())
            .unwrap_or(vendor)
    }
}

/// A problem with a case's or touchpoint's fields, with what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct Invalid {
    pub field: &'static str,
    pub reason: String,
}

fn invalid(field: &'static str, reason: impl Into<String>) -> Invalid {
    Invalid {
        field,
        reason: reason.into(),
    }
}

/// Longest text accepted in a name (a title, a vendor…); a note has any length.
pub const MAX_NAME_CHARS: usize = 500;

/// Trims a name and rejects control characters; emoji, combining marks and
/// right-to-left text are all kept as they are.
pub fn clean_name(field: &'static str, text: &str) -> Result<String, Invalid> {
    let t = text.trim();
    if t.is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    if t.chars().any(char::is_control) {
        return Err(invalid(
            field,
            "must not contain control characters (tabs, newlines, escapes)",
        ));
    }
    if t.chars().count() > MAX_NAME_CHARS {
        return Err(invalid(
            field,
            format!("is longer than {MAX_NAME_CHARS} characters"),
        ));
    }
    Ok(t.to_string())
}

/// A note is kept exactly as given, of any length and with every character
/// (escapes, bells, carriage returns, C1 controls included), so that JSON
/// reads it back as it was written. What could drive a terminal is made
/// harmless where it is drawn (`src/ui/text.rs`, the CLI's `SafeOut`).
pub fn clean_note(text: &str) -> Result<String, Invalid> {
    Ok(text.to_string())
}

impl Case {
    /// A new open case with the data model's defaults.
    pub fn new(title: &str, vendor: &str, opened_at: DateTime<Utc>) -> Case {
        Case {
            id: 0,
            uid: String::new(),
            reference: None,
            title: title.to_string(),
            vendor: vendor.to_string(),
            marketplace: None,
            product: None,
            order_ref: None,
            customer: None,
            owner: None,
            category: Category::Other,
            stage: None,
            priority: Priority::Normal,
            status: Status::Open,
            opened_at,
            resolved_at: None,
            closed_at: None,
            outcome: None,
            purchase_amount: None,
            refund_amount: None,
            currency: None,
            customer_cost: None,
            customer_minutes: None,
            churned: false,
            csat: None,
            effort: None,
            reopens: 0,
            tags: Vec::new(),
            resolved_before: Vec::new(),
            changed_at: None,
        }
    }

    /// Checks and tidies every field: names trimmed, ranges checked, times in order.
    pub fn validate(&mut self) -> Result<(), Invalid> {
        self.title = clean_name("title", &self.title)?;
        // A case without a stage takes its category's once, when first checked.
        self.stage = Some(self.stage());
        self.vendor = clean_name("vendor", &self.vendor)?;
        for (field, value) in [
            ("marketplace", &mut self.marketplace),
            ("product", &mut self.product),
            ("order_ref", &mut self.order_ref),
            ("customer", &mut self.customer),
            ("owner", &mut self.owner),
            ("ref", &mut self.reference),
            ("currency", &mut self.currency),
        ] {
            if let Some(v) = value.as_deref() {
                *value = if v.trim().is_empty() {
                    None
                } else {
                    Some(clean_name(field, v)?)
                };
            }
        }
        if let Some(c) = &self.currency {
            if !(c.len() == 3 && c.chars().all(|ch| ch.is_ascii_alphabetic())) {
                return Err(invalid(
                    "currency",
                    format!("'{c}' is not a three-letter code such as USD"),
                ));
            }
            self.currency = Some(c.to_ascii_uppercase());
        }
        if let Some(c) = self.csat {
            if !(1..=5).contains(&c) {
                return Err(invalid("csat", format!("{c} is outside 1–5")));
            }
        }
        if let Some(e) = self.effort {
            if !(1..=7).contains(&e) {
                return Err(invalid("effort", format!("{e} is outside 1–7")));
            }
        }
        for (field, amount) in [
            ("purchase_amount", self.purchase_amount),
            ("refund_amount", self.refund_amount),
            ("customer_cost", self.customer_cost),
        ] {
            if amount.is_some_and(|m| m.0 < 0) {
                return Err(invalid(field, "must not be negative"));
            }
        }
        if self.customer_minutes.is_some_and(|m| m < 0) {
            return Err(invalid("customer_minutes", "must not be negative"));
        }
        // Times against each other and against now: src/domain/time_rules.rs,
        // which every path that writes calls.
        let mut tags = Vec::new();
        for t in &self.tags {
            let t = clean_name("tags", t)?.to_lowercase();
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        tags.sort();
        self.tags = tags;
        self.opened_at = self.opened_at.trunc_subsecs(3);
        self.resolved_at = self.resolved_at.map(|t| t.trunc_subsecs(3));
        self.closed_at = self.closed_at.map(|t| t.trunc_subsecs(3));
        Ok(())
    }

    /// The case's journey stage: as set, else its category's default.
    pub fn stage(&self) -> JourneyStage {
        self.stage
            .unwrap_or_else(|| JourneyStage::of_category(self.category))
    }

    /// Moves the case to a new status at a time, keeping the resolution and
    /// closing times and the reopen count true to the move.
    ///
    /// Reopening (a resolved or closed case back to open work) counts one
    /// reopen and clears the resolution: its time, its closing time and its
    /// outcome, which no longer hold (the audit trail keeps them). Refund
    /// amounts stay: money paid back was paid back.
    pub fn set_status(&mut self, status: Status, at: DateTime<Utc>) {
        if self.status.is_done() && !status.is_done() {
            self.reopens += 1;
            if let Some(r) = self.resolved_at.or(self.closed_at) {
                self.resolved_before.push(r);
            }
            self.resolved_at = None;
            self.closed_at = None;
            // The old outcome no longer holds: a new resolution gives one.
            self.outcome = None;
        }
        match status {
            Status::Resolved => {
                self.resolved_at.get_or_insert(at);
                self.closed_at = None;
            }
            Status::Closed => {
                self.closed_at.get_or_insert(at);
            }
            _ => {}
        }
        self.status = status;
    }
}

impl Touchpoint {
    pub fn new(
        at: DateTime<Utc>,
        channel: Channel,
        started_by: StartedBy,
        outcome: TouchOutcome,
    ) -> Touchpoint {
        Touchpoint {
            id: 0,
            at,
            channel,
            started_by,
            party: None,
            minutes: None,
            wait_minutes: None,
            outcome,
            ask: None,
            promise_due: None,
            waiting_on: None,
            note: String::new(),
        }
    }

    pub fn validate(&mut self) -> Result<(), Invalid> {
        if let Some(p) = self.party.as_deref() {
            self.party = if p.trim().is_empty() {
                None
            } else {
                Some(clean_name("party", p)?)
            };
        }
        for (field, m) in [
            ("minutes", self.minutes),
            ("wait_minutes", self.wait_minutes),
        ] {
            if let Some(m) = m {
                if !m.is_finite() || !(0.0..=1_000_000.0).contains(&m) {
                    return Err(invalid(
                        field,
                        format!("{m} is not a number of minutes from 0 to 1000000"),
                    ));
                }
            }
        }
        if let Some(due) = self.promise_due {
            if due < self.at {
                return Err(invalid("promise_due", "is before the touch itself"));
            }
        }
        self.note = clean_note(&self.note)?;
        self.at = self.at.trunc_subsecs(3);
        self.promise_due = self.promise_due.map(|t| t.trunc_subsecs(3));
        Ok(())
    }
}

impl Touchpoint {
    /// A touch cannot come before its case was opened.
    pub fn check_after_opening(&self, opened_at: DateTime<Utc>) -> Result<(), Invalid> {
        if self.at < opened_at {
            return Err(invalid(
                "at",
                format!(
                    "is before the case was opened ({}); change the touch's time or the case's opening",
                    super::time::to_rfc3339(opened_at)
                ),
            ));
        }
        Ok(())
    }
}

/// Sorts touches into the order every measure and rule reads them in: by
/// time, and touches logged at the same instant by what they are (the
/// customer's contact before the vendor's answer, then outcome, channel,
/// party, note, ask, whom it waits on, promise, minutes and hold), so the
/// order they were logged or imported in never changes a figure. Only
/// touches alike in all of that (the same in every figure) fall back to
/// their id.
pub fn in_time_order(touches: &mut [Touchpoint]) {
    touches.sort_by(|a, b| {
        a.at.cmp(&b.at)
            .then_with(|| {
                let vendor = |t: &Touchpoint| t.started_by == StartedBy::Vendor;
                vendor(a).cmp(&vendor(b))
            })
            .then_with(|| a.outcome.as_str().cmp(b.outcome.as_str()))
            .then_with(|| a.channel.cmp(&b.channel))
            .then_with(|| a.party.cmp(&b.party))
            .then_with(|| a.note.cmp(&b.note))
            .then_with(|| a.ask.map(Ask::as_str).cmp(&b.ask.map(Ask::as_str)))
            .then_with(|| {
                let on = |t: &Touchpoint| t.waiting_on.map(WaitingOn::as_str);
                on(a).cmp(&on(b))
            })
            .then_with(|| a.promise_due.cmp(&b.promise_due))
            .then_with(|| by_number(a.minutes, b.minutes))
            .then_with(|| by_number(a.wait_minutes, b.wait_minutes))
            .then(a.id.cmp(&b.id))
    });
}

/// None first, then by value.
fn by_number(a: Option<f64>, b: Option<f64>) -> std::cmp::Ordering {
    match (a, b) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        _ => a.is_some().cmp(&b.is_some()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn touches_at_one_instant_alike_but_for_whom_they_wait_on_keep_one_order() {
        // Found by the property test: the order of logging moved a minute of
        // waiting between the vendor and the customer.
        let t = Utc.with_ymd_and_hms(2024, 3, 6, 5, 40, 0).unwrap();
        let touch = |id: i64, waiting_on: Option<WaitingOn>| {
            let mut x = Touchpoint::new(
                t,
                Channel::new("email").unwrap(),
                StartedBy::Customer,
                TouchOutcome::InfoGiven,
            );
            x.id = id;
            x.waiting_on = waiting_on;
            x
        };
        let mut one = vec![touch(1, Some(WaitingOn::Customer)), touch(2, None)];
        let mut other = vec![touch(1, None), touch(2, Some(WaitingOn::Customer))];
        in_time_order(&mut one);
        in_time_order(&mut other);
        let waits = |ts: &[Touchpoint]| ts.iter().map(|x| x.waiting_on).collect::<Vec<_>>();
        assert_eq!(waits(&one), waits(&other));
        assert_eq!(waits(&one), [None, Some(WaitingOn::Customer)]);
    }

    #[test]
    fn reopening_counts_and_clears_resolution() {
        let t = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
        let mut c = Case::new("x", "v", t);
        c.set_status(Status::Resolved, t + chrono::Duration::hours(5));
        c.outcome = Some(crate::domain::Resolution::Workaround);
        assert_eq!(c.resolved_at, Some(t + chrono::Duration::hours(5)));
        c.outcome = Some(Resolution::Credit);
        c.refund_amount = Some(Money(800));
        c.set_status(Status::Open, t + chrono::Duration::hours(6));
        assert_eq!((c.reopens, c.resolved_at, c.outcome), (1, None, None));
        assert_eq!(c.refund_amount, Some(Money(800)));
        c.set_status(Status::WaitingVendor, t + chrono::Duration::hours(7));
        assert_eq!(c.reopens, 1);
    }

    #[test]
    fn validation_keeps_strange_text_and_rejects_control_characters() {
        let t = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
        let mut c = Case::new("  Écran cassé 📺 שלום é  ", "Comcast", t);
        c.validate().unwrap();
        assert_eq!(c.title, "Écran cassé 📺 שלום é");
        let mut bad = Case::new("a\u{1b}[2Jb", "v", t);
        assert_eq!(bad.validate().unwrap_err().field, "title");
        let mut neg = Case::new("a", "v", t);
        neg.csat = Some(9);
        assert!(neg
            .validate()
            .unwrap_err()
            .to_string()
            .contains("outside 1–5"));
    }
}
