//! What a case costs: handled minutes, the vendor's cost to serve, the
//! customer's hours and all-in cost, the margin after service and the revenue
//! at risk, with the rates of the config file's `[cost]` tables. Also the
//! customer effort estimate for cases with no logged effort.

use super::answer::is_vendor_answer;
use super::case::{Case, Touchpoint};
use super::enums::{Ask, JourneyStage, Resolution, StartedBy, TouchOutcome};
use super::money::Money;
use super::rounding::round4;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The key of `[cost.minute]` and `[cost.default_minutes]` for every channel not named.
pub const OTHER_CHANNELS: &str = "other";

/// The rates of the config file's `[cost]` table. A channel named in
/// `[cost.minute]` or `[cost.default_minutes]` replaces only its own default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CostRates {
    /// What an hour of the customer's time is worth.
    pub customer_hour: Money,
    /// The vendor's cost of a handled minute, per channel (`other`: every other channel).
    #[serde(deserialize_with = "over_default_rates")]
    pub minute: BTreeMap<String, Money>,
    /// A touch's length when it has no `minutes`, per channel.
    #[serde(deserialize_with = "over_default_minutes")]
    pub default_minutes: BTreeMap<String, f64>,
}

fn default_rates() -> BTreeMap<String, Money> {
    BTreeMap::from([
        ("phone".to_string(), Money(100)),
        ("chat".to_string(), Money(60)),
        ("email".to_string(), Money(40)),
        (OTHER_CHANNELS.to_string(), Money(50)),
    ])
}

fn default_minutes() -> BTreeMap<String, f64> {
    BTreeMap::from([
        ("phone".to_string(), 8.0),
        ("chat".to_string(), 10.0),
        ("email".to_string(), 4.0),
        (OTHER_CHANNELS.to_string(), 5.0),
    ])
}

fn over_default_rates<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, Money>, D::Error> {
    let mut rates = default_rates();
    for (k, v) in BTreeMap::<String, Money>::deserialize(d)? {
        if v.0 < 0 {
            return Err(serde::de::Error::custom(format!(
                "minute.{k} must not be negative"
            )));
        }
        rates.insert(k.trim().to_lowercase(), v);
    }
    Ok(rates)
}

fn over_default_minutes<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, f64>, D::Error> {
    let mut minutes = default_minutes();
    for (k, v) in BTreeMap::<String, f64>::deserialize(d)? {
        if !v.is_finite() || v < 0.0 {
            return Err(serde::de::Error::custom(format!(
                "default_minutes.{k} must be a number of minutes, not below 0"
            )));
        }
        minutes.insert(k.trim().to_lowercase(), v);
    }
    Ok(minutes)
}

impl Default for CostRates {
    fn default() -> Self {
        CostRates {
            customer_hour: Money(2500),
            minute: default_rates(),
            default_minutes: default_minutes(),
        }
    }
}

impl CostRates {
    fn per_channel<T: Copy + Default>(map: &BTreeMap<String, T>, channel: &str) -> T {
        map.get(channel)
            .or_else(|| map.get(OTHER_CHANNELS))
            .copied()
            .unwrap_or_default()
    }

    /// A touch's handled minutes: its `minutes`, else its channel's default.
    pub fn handled_minutes(&self, t: &Touchpoint) -> f64 {
        t.minutes
            .unwrap_or_else(|| Self::per_channel(&self.default_minutes, t.channel.as_str()))
    }

    /// What the touch cost the vendor: handled minutes × the channel's rate
    /// when it carries the vendor's answer, else nothing. Rounded to the cent.
    pub fn touch_cost(&self, t: &Touchpoint) -> Money {
        if !is_vendor_answer(t) {
            return Money::ZERO;
        }
        let rate = Self::per_channel(&self.minute, t.channel.as_str());
        Money((self.handled_minutes(t) * rate.0 as f64).round() as i64)
    }
}

/// A case's cost figures (`show --json`'s `"cost"`).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct CaseCost {
    /// The vendor's cost: the sum of its answered touches' costs.
    pub to_serve: Money,
    /// The customer's time: handled and waiting minutes of their own contacts,
    /// plus `customer_minutes`, in hours.
    pub customer_hours: f64,
    /// `customer_cost` plus customer hours at the customer-hour rate.
    pub customer_all_in: Money,
    pub refunds: Money,
    /// `purchase_amount` − cost to serve − refunds.
    pub margin: Money,
    /// `purchase_amount` of a churned case.
    pub revenue_at_risk: Money,
}

/// The cost figures of a case.
pub fn case_cost(case: &Case, touches: &[Touchpoint], rates: &CostRates) -> CaseCost {
    let to_serve: Money = touches.iter().map(|t| rates.touch_cost(t)).sum();
    let customer_minutes: f64 = touches
        .iter()
        .filter(|t| t.started_by == StartedBy::Customer)
        .map(|t| rates.handled_minutes(t) + t.wait_minutes.unwrap_or(0.0))
        .sum::<f64>()
        + case.customer_minutes.unwrap_or(0) as f64;
    let time_cost = (customer_minutes * rates.customer_hour.0 as f64 / 60.0).round() as i64;
    let purchase = case.purchase_amount.unwrap_or_default();
    let refunds = case.refund_amount.unwrap_or_default();
    CaseCost {
        to_serve,
        customer_hours: round4(customer_minutes / 60.0),
        customer_all_in: Money(case.customer_cost.unwrap_or_default().0 + time_cost),
        refunds,
        margin: Money(purchase.0 - to_serve.0 - refunds.0),
        revenue_at_risk: if case.churned { purchase } else { Money::ZERO },
    }
}

/// A customer effort estimate from 1 (no effort) to 7, for a case with no
/// logged `effort`: 1, plus 1 for each contact after the first (at most 3),
/// plus 1 for each channel the customer used after the first (at most 2),
/// plus 1 for each transfer or "call elsewhere" (at most 2), plus 1 for each
/// full 20 minutes on hold or in a queue (at most 2); at most 7.
pub fn estimated_effort(touches: &[Touchpoint]) -> u8 {
    let contacts: Vec<&Touchpoint> = touches
        .iter()
        .filter(|t| t.started_by == StartedBy::Customer)
        .collect();
    let channels: BTreeSet<&str> = contacts.iter().map(|t| t.channel.as_str()).collect();
    let transfers = touches
        .iter()
        .filter(|t| t.outcome == TouchOutcome::Transferred || t.ask == Some(Ask::CallElsewhere))
        .count();
    let hold: f64 = touches.iter().filter_map(|t| t.wait_minutes).sum();
    let score = 1
        + contacts.len().saturating_sub(1).min(3)
        + channels.len().saturating_sub(1).min(2)
        + transfers.min(2)
        + ((hold / 20.0).floor() as usize).min(2);
    score.min(7) as u8
}

/// Friction that stood between a customer and a sale: a `pre_sale` case that
/// ended `abandoned`, churned, or is still open with a friction flag.
pub fn is_sale_prevented(case: &Case, has_friction: bool) -> bool {
    case.stage() == JourneyStage::PreSale
        && (case.outcome == Some(Resolution::Abandoned)
            || case.churned
            || (!case.status.is_done() && has_friction))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::enums::{Category, Channel, Status};
    use chrono::{TimeZone, Utc};

    fn touch(ch: &str, from: StartedBy, outcome: TouchOutcome) -> Touchpoint {
        let at = Utc.with_ymd_and_hms(2024, 1, 1, 9, 0, 0).unwrap();
        Touchpoint::new(at, Channel::new(ch).unwrap(), from, outcome)
    }

    /// A case written out: $100 purchase, $30 refund, $12 spent coping, 30
    /// minutes of the customer's own time, and four touches.
    fn priced_case() -> (Case, Vec<Touchpoint>) {
        let mut c = Case::new("t", "v", Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap());
        c.purchase_amount = Some(Money(10000));
        c.refund_amount = Some(Money(3000));
        c.customer_cost = Some(Money(1200));
        c.customer_minutes = Some(30);
        // A 12-minute call a person answered, with 15 minutes on hold.
        let mut call = touch("phone", StartedBy::Customer, TouchOutcome::Promise);
        call.minutes = Some(12.0);
        call.wait_minutes = Some(15.0);
        // An email sent: no answer (costs the vendor nothing), 4 default minutes for the customer.
        let email = touch("email", StartedBy::Customer, TouchOutcome::Sent);
        // The vendor's chat back, default 10 minutes.
        let chat = touch("chat", StartedBy::Vendor, TouchOutcome::Offer);
        // A vendor letter (mail: every other channel), 3 minutes.
        let mut letter = touch("mail", StartedBy::Vendor, TouchOutcome::InfoGiven);
        letter.minutes = Some(3.0);
        (c, vec![call, email, chat, letter])
    }

    #[test]
    fn each_cost_figure_with_default_rates() {
        let (c, ts) = priced_case();
        let r = CostRates::default();
        // to serve: phone 12 × 1.00 + chat 10 × 0.60 + mail 3 × 0.50 = 12 + 6 + 1.50
        // customer hours: (12 + 15) + (4 + 0) + 30 = 61 minutes
        // all-in: 12.00 + 61/60 × 25.00 = 12.00 + 25.4167 → 37.42
        // margin: 100 − 19.50 − 30 = 50.50
        assert_eq!(
            case_cost(&c, &ts, &r),
            CaseCost {
                to_serve: Money(1950),
                customer_hours: 1.0167,
                customer_all_in: Money(3742),
                refunds: Money(3000),
                margin: Money(5050),
                revenue_at_risk: Money::ZERO,
            }
        );
        assert_eq!(r.touch_cost(&ts[1]), Money::ZERO);
        assert_eq!(r.handled_minutes(&ts[1]), 4.0);
    }

    #[test]
    fn each_cost_figure_with_configured_rates() {
        let (mut c, ts) = priced_case();
        c.churned = true;
        let config = "customer_hour = \"60.00\"\n[minute]\nphone = \"2.00\"\nother = \"1.00\"\n[default_minutes]\nchat = 20\n";
        let r: CostRates = toml::from_str(config).unwrap();
        // email and chat keep their defaults unless named; mail is now 1.00.
        assert_eq!(r.minute["chat"], Money(60));
        // to serve: 12 × 2.00 + 20 × 0.60 + 3 × 1.00 = 24 + 12 + 3 = 39.00
        // customer hours: 61 minutes; all-in 12.00 + 61.00 = 73.00
        // margin: 100 − 39 − 30 = 31.00; churned: 100.00 at risk
        let cost = case_cost(&c, &ts, &r);
        assert_eq!(cost.to_serve, Money(3900));
        assert_eq!(cost.customer_hours, 1.0167);
        assert_eq!(cost.customer_all_in, Money(7300));
        assert_eq!(cost.margin, Money(3100));
        assert_eq!(cost.revenue_at_risk, Money(10000));
    }

    #[test]
    fn a_case_with_no_amounts_costs_only_its_touches() {
        let c = Case::new("t", "v", Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap());
        let ts = vec![touch("web", StartedBy::Customer, TouchOutcome::Resolved)];
        // web: 5 default minutes × 0.50 = 2.50; 5 customer minutes = 0.0833 h → 2.08
        let cost = case_cost(&c, &ts, &CostRates::default());
        assert_eq!(cost.to_serve, Money(250));
        assert_eq!(cost.customer_hours, 0.0833);
        assert_eq!(cost.customer_all_in, Money(208));
        assert_eq!((cost.refunds, cost.margin), (Money::ZERO, Money(-250)));
        assert_eq!(
            case_cost(&c, &[], &CostRates::default()),
            CaseCost::default()
        );
    }

    #[test]
    fn bad_rates_are_refused() {
        assert!(toml::from_str::<CostRates>("[minute]\nphone = \"-1\"\n").is_err());
        assert!(toml::from_str::<CostRates>("[default_minutes]\nphone = -1\n").is_err());
        assert!(toml::from_str::<CostRates>("custmer_hour = \"1\"\n").is_err());
    }

    #[test]
    fn effort_estimate_by_hand() {
        assert_eq!(estimated_effort(&[]), 1);
        let (_, ts) = priced_case();
        // 2 contacts (+1), phone and email (+1), no transfer, 15 min hold (+0) = 3
        assert_eq!(estimated_effort(&ts), 3);
        // One call with 40 minutes on hold: 1 + 2 (two full 20 minutes) = 3
        let mut held = touch("phone", StartedBy::Customer, TouchOutcome::InfoGiven);
        held.wait_minutes = Some(40.0);
        assert_eq!(estimated_effort(&[held]), 3);
        let mut many = ts.clone();
        for ch in ["chat", "web", "phone"] {
            let mut t = touch(ch, StartedBy::Customer, TouchOutcome::Transferred);
            t.wait_minutes = Some(20.0);
            many.push(t);
        }
        // 5 contacts (+3), 4 channels (+2), 3 transfers (+2), 75 min (+2) = 10 → 7
        assert_eq!(estimated_effort(&many), 7);
    }

    #[test]
    fn sales_prevented_only_before_the_sale() {
        let mut c = Case::new("t", "v", Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap());
        c.category = Category::ServiceActivation;
        assert!(is_sale_prevented(&c, true));
        assert!(!is_sale_prevented(&c, false));
        c.status = Status::Resolved;
        assert!(!is_sale_prevented(&c, true));
        c.outcome = Some(Resolution::Abandoned);
        assert!(is_sale_prevented(&c, false));
        c.stage = Some(JourneyStage::Use);
        assert!(!is_sale_prevented(&c, true));
    }
}
