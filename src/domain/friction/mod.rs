//! Friction patterns ("sales prevention"): rules that read one case and its
//! touches and say which patterns fired, with the evidence that made them fire.

mod rules;
pub mod stats;

use super::case::{Case, Touchpoint};
use super::money::Money;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use rules::{clock_instants, RULES};

/// One pattern the engine can find.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pattern {
    Unreachable,
    DroppedContact,
    BrokenPromise,
    SlowResponse,
    RepeatContact,
    LongHold,
    ChannelSwitch,
    Runaround,
    LostRecord,
    BurdensomeRemedy,
    Contradiction,
    Loop,
    ForcedEscalation,
    SelfResolved,
    Churn,
    Delight,
}

impl Pattern {
    /// The stable id, as in the spec and the JSON.
    pub fn id(self) -> &'static str {
        rules::rule(self).id
    }

    /// Delight is the one positive signal; every other pattern is friction.
    pub fn is_positive(self) -> bool {
        self == Pattern::Delight
    }

    pub fn from_id(id: &str) -> Option<Pattern> {
        let key = id.trim().to_lowercase().replace('-', "_");
        RULES.iter().find(|r| r.id == key).map(|r| r.pattern)
    }

    /// The pattern's bit in a `PatternSet`.
    pub fn bit(self) -> u32 {
        1 << (self as u32)
    }

    pub fn all_ids() -> String {
        RULES.iter().map(|r| r.id).collect::<Vec<_>>().join(", ")
    }
}

/// A set of patterns as bits (`Pattern::bit`), as the store keeps a case's
/// patterns beside its report figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PatternSet(pub u32);

impl PatternSet {
    pub fn of(patterns: impl IntoIterator<Item = Pattern>) -> PatternSet {
        PatternSet(patterns.into_iter().fold(0, |m, p| m | p.bit()))
    }

    pub fn insert(&mut self, p: Pattern) {
        self.0 |= p.bit();
    }

    pub fn contains(self, p: Pattern) -> bool {
        self.0 & p.bit() != 0
    }

    /// Its patterns, in rule order.
    pub fn iter(self) -> impl Iterator<Item = Pattern> {
        let mut left = self.0 & ((1u32 << RULES.len()) - 1);
        std::iter::from_fn(move || {
            let i = left.trailing_zeros() as usize;
            left &= left.checked_sub(1)?;
            Some(RULES[i].pattern)
        })
    }
}

impl Serialize for Pattern {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

/// A pattern that fired on a case, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flag {
    pub pattern: Pattern,
    /// The touchpoints that made it fire (ids); empty for case-level patterns.
    pub evidence: Vec<i64>,
    pub explanation: String,
}

/// The thresholds the user can change in the config file's `[friction]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    /// `slow_response`: a stretch of vendor wait longer than this, in hours.
    pub slow_response_hours: f64,
    /// `repeat_contact`: at least this many customer contacts.
    pub repeat_contacts: usize,
    /// `long_hold`: a wait above this, in minutes.
    pub long_hold_minutes: f64,
    /// `channel_switch`: customer contacts over at least this many channels.
    pub switch_channels: usize,
    /// `runaround`: at least this many changes of party…
    pub runaround_party_changes: usize,
    /// …or at least this many transfers.
    pub runaround_transfers: usize,
    /// `loop`: this many touches in a row with the same party, channel and failed outcome.
    pub loop_repeats: usize,
    /// `burdensome_remedy`: what each ask costs the customer, in money; an offer
    /// whose ask costs more than the purchase fires.
    pub ask_cost: BTreeMap<String, Money>,
    /// Per vendor and channel: fewer cases than this is "too few cases".
    pub min_cases: usize,
    /// The z value of the Wilson interval (1.96 for 95 %).
    pub confidence_z: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            slow_response_hours: 48.0,
            repeat_contacts: 3,
            long_hold_minutes: 20.0,
            switch_channels: 3,
            runaround_party_changes: 2,
            runaround_transfers: 2,
            loop_repeats: 3,
            ask_cost: BTreeMap::from([
                ("return_item".to_string(), Money(3000)),
                ("visit_store".to_string(), Money(1500)),
            ]),
            min_cases: 5,
            confidence_z: 1.96,
        }
    }
}

/// What a rule reads: the case, its touches in time order, and the time now.
pub struct CaseView<'a> {
    pub case: &'a Case,
    pub touches: &'a [Touchpoint],
    pub now: DateTime<Utc>,
}

/// Every pattern that fires on a case, in the order of the spec's table.
pub fn flags(view: &CaseView, th: &Thresholds) -> Vec<Flag> {
    RULES.iter().filter_map(|r| (r.check)(view, th)).collect()
}
