//! What one case brings to every report grouping, in the form the store keeps
//! after each change (migration 08): its figures, who has held the ball since
//! its last touch, and the channels and parties it used with the patterns
//! whose evidence lies there. A report is then one pass over kept figures;
//! `at(now)` adds the wait that has run since the last touch, which is the
//! only part of the figures that moves with the clock between the instants of
//! `derived::derive_all`'s `next_change`.

use super::case::{Case, Touchpoint};
use super::cost::CostRates;
use super::cost_group::CostFacts;
use super::enums::WaitingOn;
use super::friction::{Flag, Pattern, PatternSet};
use super::measures::{ball_after_last, measure, paused_from, CaseFacts};
use super::sla::tally::SlaFacts;
use super::time::hours;
use chrono::{DateTime, Utc};

/// The key of a case without touches, by channel.
pub const NO_CHANNEL: &str = "(no touches)";

/// One channel or party a case used, and the patterns seen on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: String,
    pub patterns: PatternSet,
}

#[derive(Debug, Clone)]
pub struct CaseFigures {
    /// The figures; an open case's waits run up to `ball_since`.
    pub facts: CaseFacts,
    /// Who an open case has waited on since its last touch (Nobody for a
    /// done case or one without touches).
    pub ball: WaitingOn,
    pub ball_since: Option<DateTime<Utc>>,
    pub patterns: PatternSet,
    /// Every channel the case used, its first touch's (or `NO_CHANNEL`) among them.
    pub channels: Vec<Member>,
    /// Every party the case dealt with, the first touch's (or the vendor) among them.
    pub parties: Vec<Member>,
}

impl CaseFigures {
    /// The figures of a case from its touches (in time order), the flags and
    /// service levels derived at `now`, and the cost rates.
    pub fn of(
        case: &Case,
        touches: &[Touchpoint],
        now: DateTime<Utc>,
        flags: &[Flag],
        sla: Option<SlaFacts>,
        rates: &CostRates,
    ) -> CaseFigures {
        let open = !case.status.is_done();
        let last = touches.last().filter(|_| open);
        // A resolution since reopened, after the last touch: nobody has held
        // the ball since.
        let paused = last.and_then(|t| paused_from(case, t.at, DateTime::<Utc>::MAX_UTC));
        // An open case measured at its last touch (or that resolution): what
        // runs after is added by `at`.
        let since = paused.or(last.map(|t| t.at));
        let measured_at = since.unwrap_or(now);
        let patterns = PatternSet::of(flags.iter().map(|f| f.pattern));
        let self_resolved = patterns.contains(Pattern::SelfResolved);
        let mut facts = CaseFacts::of(
            case,
            touches,
            measure(case, touches, measured_at),
            self_resolved,
        );
        facts.measures.age_hours = None;
        let has_friction = flags.iter().any(|f| !f.pattern.is_positive());
        facts.cost = CostFacts::of(case, touches, has_friction, rates);
        facts.sla = sla;
        let channel = |t: &Touchpoint| t.channel.to_string();
        let party = |t: &Touchpoint| t.party_or(&case.vendor).to_string();
        let home_channel = touches.first().map_or(NO_CHANNEL.to_string(), channel);
        let home_party = touches.first().map_or(case.vendor.clone(), party);
        CaseFigures {
            facts,
            ball: match (last, paused) {
                (Some(_), None) => ball_after_last(case, touches),
                _ => WaitingOn::Nobody,
            },
            ball_since: since,
            patterns,
            channels: members(touches, flags, home_channel, channel),
            parties: members(touches, flags, home_party, party),
        }
    }

    /// The figures at `now` (not before `ball_since`): the running wait added.
    pub fn at(&self, now: DateTime<Utc>) -> CaseFacts {
        let mut facts = self.facts.clone();
        if let Some(since) = self.ball_since {
            let running = hours((now - since).max(chrono::Duration::zero()));
            match self.ball {
                WaitingOn::Vendor => facts.measures.vendor_wait_hours += running,
                WaitingOn::Customer => facts.measures.customer_wait_hours += running,
                WaitingOn::Nobody => {}
            }
        }
        facts
    }
}

/// The keys a case falls under (each once, sorted), with the patterns whose
/// evidence lies on touches of that key; a pattern without evidence falls
/// under `home`.
fn members(
    touches: &[Touchpoint],
    flags: &[Flag],
    home: String,
    key_of: impl Fn(&Touchpoint) -> String,
) -> Vec<Member> {
    let mut out: Vec<Member> = Vec::new();
    let mut add = |key: String, pattern: Option<Pattern>| {
        let i = match out.iter().position(|m| m.key == key) {
            Some(i) => i,
            None => {
                out.push(Member {
                    key,
                    patterns: PatternSet::default(),
                });
                out.len() - 1
            }
        };
        if let Some(p) = pattern {
            out[i].patterns.insert(p);
        }
    };
    add(home.clone(), None);
    for t in touches {
        add(key_of(t), None);
    }
    for f in flags {
        if f.evidence.is_empty() {
            add(home.clone(), Some(f.pattern));
        } else {
            for t in touches.iter().filter(|t| f.evidence.contains(&t.id)) {
                add(key_of(t), Some(f.pattern));
            }
        }
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out
}
