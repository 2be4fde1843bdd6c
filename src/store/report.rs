//! The report: group figures and friction rates per vendor, channel,
//! category or party, computed one case at a time in a single pass.

use super::rows::*;
use super::{Result, Store};
use crate::domain::cost::CaseCost;
use crate::domain::cost_group::CostFacts;
use crate::domain::friction::stats::{PatternRate, PatternTally};
use crate::domain::friction::{self, CaseView, Flag, Pattern};
use crate::domain::measures::{measure, CaseFacts, CaseMeasures, GroupFigures, GroupTally};
use crate::domain::sla::{tally::SlaFacts, SlaState};
use crate::domain::{Case, Money, Touchpoint};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    Vendor,
    Channel,
    Category,
    Party,
    Stage,
}

impl GroupBy {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Vendor => "vendor",
            GroupBy::Channel => "channel",
            GroupBy::Category => "category",
            GroupBy::Party => "party",
            GroupBy::Stage => "stage",
        }
    }
}

/// Which cases go into a report: opened in [since, until).
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub key: String,
    #[serde(flatten)]
    pub figures: GroupFigures,
    pub friction_score: f64,
    /// How many cases the pattern rates are out of: the group's cases, or by
    /// channel and party the cases that used that channel or party.
    pub pattern_cases: usize,
    pub patterns: BTreeMap<&'static str, PatternRate>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub by: GroupBy,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub groups: Vec<Group>,
    /// The same figures over every case in the window.
    pub overall: Group,
    pub notes: Vec<String>,
}

const NO_CHANNEL: &str = "(no touches)";

impl Store {
    /// Calls `f` with each case in the window (by id) and its touches in time
    /// order, reading one case at a time. Tags are not loaded; notes only
    /// when `with_notes` (reports do not need them, and they are most of the bytes).
    pub fn each_case(
        &self,
        window: Window,
        with_notes: bool,
        f: impl FnMut(Case, Vec<Touchpoint>) -> Result<()>,
    ) -> Result<()> {
        self.each_case_where(window, with_notes, false, f)
    }

    /// `each_case`, leaving out (when `live_only`) the cases whose measures
    /// are kept in the store.
    fn each_case_where(
        &self,
        window: Window,
        with_notes: bool,
        live_only: bool,
        mut f: impl FnMut(Case, Vec<Touchpoint>) -> Result<()>,
    ) -> Result<()> {
        let touch_columns = if with_notes {
            TOUCH_COLUMNS.to_string()
        } else {
            TOUCH_COLUMNS.replace("t.note", "''")
        };
        let sql = format!(
            "SELECT {CASE_COLUMNS}, {touch_columns} FROM {CASE_FROM}
             LEFT JOIN touchpoints t ON t.case_id = c.id LEFT JOIN vendors p ON p.id = t.party_id
             WHERE (?1 IS NULL OR c.opened_at >= ?1) AND (?2 IS NULL OR c.opened_at < ?2)
               AND (?3 = 0 OR c.m_cached = 0)
             ORDER BY c.id, t.at, t.id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(rusqlite::params![
            millis_opt(window.since),
            millis_opt(window.until),
            live_only
        ])?;
        let mut current: Option<(Case, Vec<Touchpoint>)> = None;
        const T: usize = 27;
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            if current.as_ref().is_none_or(|(c, _)| c.id != id) {
                if let Some((c, mut ts)) = current.take() {
                    crate::domain::case::in_time_order(&mut ts);
                    f(c, ts)?;
                }
                current = Some((case_from_row(row, 0)?, Vec::new()));
            }
            if row.get::<_, Option<i64>>(T)?.is_some() {
                if let Some((_, ts)) = current.as_mut() {
                    ts.push(touch_from_row(row, T)?);
                }
            }
        }
        if let Some((c, mut ts)) = current {
            crate::domain::case::in_time_order(&mut ts);
            f(c, ts)?;
        }
        Ok(())
    }

    /// Calls `f` with each case in the window that has flags at `now`, and
    /// its flags, reading one case at a time (the output streams).
    pub fn each_flagged(
        &self,
        window: Window,
        now: DateTime<Utc>,
        mut f: impl FnMut(&Case, Vec<Flag>) -> Result<()>,
    ) -> Result<()> {
        self.each_case(window, false, |case, touches| {
            let flags = friction::flags(
                &CaseView {
                    case: &case,
                    touches: &touches,
                    now,
                },
                &self.thresholds,
            );
            if flags.is_empty() {
                return Ok(());
            }
            f(&case, flags)
        })
    }

    /// The flags of every case in the window, with the case they are on.
    pub fn all_flags(&self, window: Window, now: DateTime<Utc>) -> Result<Vec<(Case, Vec<Flag>)>> {
        let mut out = Vec::new();
        self.each_flagged(window, now, |case, flags| {
            out.push((case.clone(), flags));
            Ok(())
        })?;
        Ok(out)
    }

    /// Calls `f` with each done case whose measures the store keeps: its
    /// vendor, category, facts and flags, from the cases table alone.
    fn each_kept_case(
        &self,
        window: Window,
        by: GroupBy,
        mut f: impl FnMut(String, CaseFacts, Vec<Pattern>) -> Result<()>,
    ) -> Result<()> {
        let key = match by {
            GroupBy::Category => "c.category",
            GroupBy::Stage => "c.stage",
            _ => "v.name",
        };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {key}, c.m_ttfr_hours, c.m_ttr_hours, c.m_vendor_wait_hours,
                    c.m_customer_wait_hours, c.touch_count, c.contact_count, c.m_escalated,
                    c.refund_amount, c.customer_cost, c.flag_list, c.reopens,
                    c.cost_to_serve, c.cost_customer_hours, c.cost_customer_all_in, c.cost_margin,
                    c.cost_revenue_at_risk, c.sale_prevented, c.effort, c.effort_estimate,
                    c.sla_first_response, c.sla_resolution
             FROM cases c JOIN vendors v ON v.id = c.vendor_id
             WHERE c.m_cached = 1 AND (?1 IS NULL OR c.opened_at >= ?1) AND (?2 IS NULL OR c.opened_at < ?2)"
        ))?;
        let mut rows = stmt.query(rusqlite::params![
            millis_opt(window.since),
            millis_opt(window.until)
        ])?;
        while let Some(r) = rows.next()? {
            let flags: Vec<Pattern> = r
                .get::<_, String>(10)?
                .split_whitespace()
                .filter_map(Pattern::from_id)
                .collect();
            let money =
                |i: usize| -> rusqlite::Result<Money> { Ok(money_opt(r, i)?.unwrap_or_default()) };
            let effort_logged: Option<u8> = r.get(18)?;
            let cost = CostFacts {
                cost: CaseCost {
                    to_serve: money(12)?,
                    customer_hours: r.get::<_, Option<f64>>(13)?.unwrap_or(0.0),
                    customer_all_in: money(14)?,
                    refunds: money(8)?,
                    margin: money(15)?,
                    revenue_at_risk: money(16)?,
                },
                has_friction: flags.iter().any(|p| !p.is_positive()),
                sale_prevented: r.get::<_, Option<bool>>(17)?.unwrap_or(false),
                effort_logged,
                effort_estimated: if effort_logged.is_none() {
                    r.get(19)?
                } else {
                    None
                },
            };
            let facts = CaseFacts {
                measures: CaseMeasures {
                    ttfr_hours: r.get(1)?,
                    ttr_hours: r.get(2)?,
                    age_hours: None,
                    vendor_wait_hours: r.get::<_, Option<f64>>(3)?.unwrap_or(0.0),
                    customer_wait_hours: r.get::<_, Option<f64>>(4)?.unwrap_or(0.0),
                    touches: r.get::<_, i64>(5)? as usize,
                    contacts: r.get::<_, i64>(6)? as usize,
                    reopens: r.get(11)?,
                },
                is_open: false,
                escalated: r.get::<_, Option<bool>>(7)?.unwrap_or(false),
                self_resolved: flags.contains(&Pattern::SelfResolved),
                refund: money(8)?,
                customer_cost: money(9)?,
                cost,
                sla: match (
                    r.get::<_, Option<String>>(20)?,
                    r.get::<_, Option<String>>(21)?,
                ) {
                    (Some(a), Some(b)) => SlaState::parse(&a).zip(SlaState::parse(&b)).map(
                        |(first_response, resolution)| SlaFacts {
                            first_response,
                            resolution,
                        },
                    ),
                    _ => None,
                },
            };
            f(r.get(0)?, facts, flags)?;
        }
        Ok(())
    }

    pub fn report(&self, by: GroupBy, window: Window, now: DateTime<Utc>) -> Result<Report> {
        let th = &self.thresholds;
        let mut tallies: BTreeMap<String, GroupTally> = BTreeMap::new();
        let mut patterns: BTreeMap<String, PatternTally> = BTreeMap::new();
        let mut overall = GroupTally::default();
        let mut baseline = PatternTally::default();
        let mut open = 0usize;
        let sla = self.sla_setup()?;
        // By vendor or category, done cases come from their kept measures and
        // flags (see migration 04); the rest are measured live below.
        let cached = matches!(by, GroupBy::Vendor | GroupBy::Category | GroupBy::Stage);
        if cached {
            self.each_kept_case(window, by, |key, facts, flags| {
                overall.add(&facts);
                baseline.add(flags.iter().copied());
                tallies.entry(key.clone()).or_default().add(&facts);
                patterns.entry(key).or_default().add(flags);
                Ok(())
            })?;
        }
        self.each_case_where(window, false, cached, |case, touches| {
            let flags = friction::flags(
                &CaseView {
                    case: &case,
                    touches: &touches,
                    now,
                },
                th,
            );
            let self_resolved = flags.iter().any(|f| f.pattern == Pattern::SelfResolved);
            let mut facts = CaseFacts::of(
                &case,
                &touches,
                measure(&case, &touches, now),
                self_resolved,
            );
            let has_friction = flags.iter().any(|f| !f.pattern.is_positive());
            facts.cost = CostFacts::of(&case, &touches, has_friction, &self.summary_rates.cost);
            facts.sla = sla
                .as_ref()
                .and_then(|s| s.case_sla(&case, &touches, now))
                .map(|s| s.facts());
            open += usize::from(facts.is_open);
            overall.add(&facts);
            baseline.add(flags.iter().map(|f| f.pattern));
            let first_channel = touches
                .first()
                .map_or(NO_CHANNEL.to_string(), |t| t.channel.to_string());
            match by {
                GroupBy::Vendor | GroupBy::Category | GroupBy::Stage => {
                    let key = match by {
                        GroupBy::Vendor => case.vendor.clone(),
                        GroupBy::Category => case.category.to_string(),
                        _ => case.stage().to_string(),
                    };
                    tallies.entry(key.clone()).or_default().add(&facts);
                    patterns
                        .entry(key)
                        .or_default()
                        .add(flags.iter().map(|f| f.pattern));
                }
                GroupBy::Channel | GroupBy::Party => {
                    // A case falls under every channel (or party) it used,
                    // for its figures and as the denominator of the pattern
                    // rates alike; a pattern falls under the channel or party
                    // of its evidence.
                    let key_of = |t: &Touchpoint| match by {
                        GroupBy::Channel => t.channel.to_string(),
                        _ => t.party_or(&case.vendor).to_string(),
                    };
                    let mut members: BTreeSet<String> = touches.iter().map(key_of).collect();
                    let home = if by == GroupBy::Channel {
                        first_channel.clone()
                    } else {
                        touches.first().map_or(case.vendor.clone(), key_of)
                    };
                    members.insert(home.clone());
                    for m in &members {
                        tallies.entry(m.clone()).or_default().add(&facts);
                    }
                    let mut hits: BTreeMap<String, BTreeSet<Pattern>> = BTreeMap::new();
                    for f in &flags {
                        let keys: BTreeSet<String> = if f.evidence.is_empty() {
                            BTreeSet::from([home.clone()])
                        } else {
                            touches
                                .iter()
                                .filter(|t| f.evidence.contains(&t.id))
                                .map(key_of)
                                .collect()
                        };
                        for k in keys {
                            hits.entry(k).or_default().insert(f.pattern);
                        }
                    }
                    for m in members {
                        let tally = patterns.entry(m.clone()).or_default();
                        tally.add(hits.remove(&m).unwrap_or_default());
                    }
                }
            }
            Ok(())
        })?;
        let group = |key: String, tally: GroupTally, pt: &PatternTally| Group {
            key,
            figures: tally.figures(),
            friction_score: pt.friction_score(),
            pattern_cases: pt.cases,
            patterns: pt.rates(&baseline, th),
        };
        let mut groups: Vec<Group> = tallies
            .into_iter()
            .map(|(k, t)| {
                let pt = patterns.get(&k).cloned().unwrap_or_default();
                group(k, t, &pt)
            })
            .collect();
        groups.sort_by(|a, b| {
            b.figures
                .cases
                .cmp(&a.figures.cases)
                .then_with(|| a.key.cmp(&b.key))
        });
        let overall = group("(all)".into(), overall, &baseline);
        let mut notes = vec![format!(
            "{open} open case(s) have an age instead of a time to resolution and are left out of ttr_hours"
        )];
        if matches!(by, GroupBy::Channel) {
            notes.push("a case falls under every channel it used, so groups overlap and their cases add up to more than (all); a pattern falls under the channel of its evidence, so a channel's score counts only the patterns seen on it".into());
        }
        if matches!(by, GroupBy::Party) {
            notes.push("a case falls under every party it dealt with, so groups overlap; a pattern falls under the party of its evidence".into());
        }
        Ok(Report {
            by,
            since: window.since,
            until: window.until,
            groups,
            overall,
            notes,
        })
    }
}
