//! Each case's report figures, kept in `case_figures` (migration 08): written
//! with the rest of a case's derived data, read by the report in one pass.

use super::rows::millis;
use super::vendors::vendor_id;
use super::Result;
use crate::domain::case_figures::{CaseFigures, Member};
use crate::domain::cost::CaseCost;
use crate::domain::cost_group::CostFacts;
use crate::domain::friction::PatternSet;
use crate::domain::measures::{CaseFacts, CaseMeasures};
use crate::domain::sla::{tally::SlaFacts, SlaState};
use crate::domain::time::{from_millis, hours};
use crate::domain::{Case, Money, WaitingOn};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, Row};

const OPEN: i64 = 1;
const ESCALATED: i64 = 2;
const SALE_PREVENTED: i64 = 4;
/// Between a member's key and its pattern bits, and between members.
const KEY_END: char = '\u{1f}';
const MEMBER_END: char = '\u{1e}';

fn sla_code(s: SlaState) -> i64 {
    match s {
        SlaState::Met => 0,
        SlaState::Running => 1,
        SlaState::AtRisk => 2,
        SlaState::Breached => 3,
    }
}

fn sla_state(code: i64) -> SlaState {
    match code & 3 {
        0 => SlaState::Met,
        1 => SlaState::Running,
        2 => SlaState::AtRisk,
        _ => SlaState::Breached,
    }
}

fn ball_code(w: WaitingOn) -> i64 {
    match w {
        WaitingOn::Nobody => 0,
        WaitingOn::Vendor => 1,
        WaitingOn::Customer => 2,
    }
}

fn encode(members: &[Member], key: impl Fn(&str) -> Result<String>) -> Result<String> {
    let mut out = String::new();
    for m in members {
        if !out.is_empty() {
            out.push(MEMBER_END);
        }
        out.push_str(&key(&m.key)?);
        out.push(KEY_END);
        out.push_str(&m.patterns.0.to_string());
    }
    Ok(out)
}

/// The members kept in a `channels` or `parties` column.
pub(super) fn decode(text: &str) -> impl Iterator<Item = (&str, PatternSet)> {
    text.split(MEMBER_END).filter_map(|m| {
        let (key, bits) = m.split_once(KEY_END)?;
        Some((key, PatternSet(bits.parse().ok()?)))
    })
}

/// Keeps a case's figures, valid until `valid_until` (its next change).
pub(super) fn write_figures(
    conn: &Connection,
    case: &Case,
    f: &CaseFigures,
    valid_until: Option<DateTime<Utc>>,
) -> Result<()> {
    let facts = &f.facts;
    let m = &facts.measures;
    let c = &facts.cost;
    let bits = if facts.is_open { OPEN } else { 0 }
        | if facts.escalated { ESCALATED } else { 0 }
        | if c.sale_prevented { SALE_PREVENTED } else { 0 };
    let channels = encode(&f.channels, |k| Ok(k.to_string()))?;
    let parties = encode(&f.parties, |k| Ok(vendor_id(conn, k)?.to_string()))?;
    conn.prepare_cached(
        "INSERT OR REPLACE INTO case_figures (case_id, opened_at, vendor_id, category, stage,
            valid_until, bits, ball, ball_since, ttfr_hours, ttr_hours, vendor_wait_hours,
            customer_wait_hours, touches, contacts, refund, customer_cost, cost_to_serve,
            customer_hours, customer_all_in, margin, revenue_at_risk, effort_logged,
            effort_estimated, sla, patterns, channels, parties)
         SELECT id, opened_at, vendor_id, category, stage, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,
            ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24
         FROM cases WHERE id = ?1",
    )?
    .execute(params![
        case.id,
        valid_until.map(millis),
        bits,
        ball_code(f.ball),
        f.ball_since.map(millis),
        m.ttfr_hours,
        m.ttr_hours,
        m.vendor_wait_hours,
        m.customer_wait_hours,
        m.touches as i64,
        m.contacts as i64,
        facts.refund.0,
        facts.customer_cost.0,
        c.cost.to_serve.0,
        c.cost.customer_hours,
        c.cost.customer_all_in.0,
        c.cost.margin.0,
        c.cost.revenue_at_risk.0,
        c.effort_logged,
        c.effort_estimated,
        facts
            .sla
            .map(|s| 4 * sla_code(s.first_response) + sla_code(s.resolution)),
        f.patterns.0,
        channels,
        parties,
    ])?;
    Ok(())
}

/// The columns `kept_facts` reads, after the grouping column (index 0).
pub(super) const FIGURE_COLUMNS: &str = "valid_until, bits, ball, ball_since, ttfr_hours, \
    ttr_hours, vendor_wait_hours, customer_wait_hours, touches, contacts, refund, customer_cost, \
    cost_to_serve, customer_hours, customer_all_in, margin, revenue_at_risk, effort_logged, \
    effort_estimated, sla, patterns, case_id";

/// A row's figures at `now`, or None when the row does not hold at `now`
/// (past its next change, or a last touch still ahead of the clock): such a
/// case is measured live. Columns as in `FIGURE_COLUMNS`, from index 1.
/// `went_back`: the clock is earlier than the file's last look, so only the
/// figures that never change again (done cases with no next change) hold.
pub(super) fn kept_facts(
    r: &Row,
    now: i64,
    went_back: bool,
) -> rusqlite::Result<Option<(CaseFacts, PatternSet)>> {
    let valid_until: Option<i64> = r.get(1)?;
    let bits: i64 = r.get(2)?;
    let ball: i64 = r.get(3)?;
    let ball_since: Option<i64> = r.get(4)?;
    if valid_until.is_some_and(|v| v <= now)
        || ball_since.is_some_and(|s| s > now)
        || (went_back && (valid_until.is_some() || bits & OPEN != 0))
    {
        return Ok(None);
    }
    let mut vendor_wait: f64 = r.get(7)?;
    let mut customer_wait: f64 = r.get(8)?;
    if let (Some(since), true) = (ball_since, bits & OPEN != 0) {
        let running = hours(from_millis(now) - from_millis(since));
        match ball {
            1 => vendor_wait += running,
            2 => customer_wait += running,
            _ => {}
        }
    }
    let patterns = PatternSet(r.get::<_, i64>(21)? as u32);
    let refund = Money(r.get(11)?);
    let has_friction = patterns.iter().any(|p| !p.is_positive());
    let effort_logged: Option<u8> = r.get(18)?;
    let facts = CaseFacts {
        measures: CaseMeasures {
            ttfr_hours: r.get(5)?,
            ttr_hours: r.get(6)?,
            age_hours: None,
            vendor_wait_hours: vendor_wait,
            customer_wait_hours: customer_wait,
            touches: r.get::<_, i64>(9)? as usize,
            contacts: r.get::<_, i64>(10)? as usize,
            reopens: 0,
        },
        is_open: bits & OPEN != 0,
        escalated: bits & ESCALATED != 0,
        self_resolved: patterns.contains(crate::domain::friction::Pattern::SelfResolved),
        refund,
        customer_cost: Money(r.get(12)?),
        cost: CostFacts {
            cost: CaseCost {
                to_serve: Money(r.get(13)?),
                customer_hours: r.get(14)?,
                customer_all_in: Money(r.get(15)?),
                refunds: refund,
                margin: Money(r.get(16)?),
                revenue_at_risk: Money(r.get(17)?),
            },
            has_friction,
            sale_prevented: bits & SALE_PREVENTED != 0,
            effort_logged,
            effort_estimated: if effort_logged.is_none() {
                r.get(19)?
            } else {
                None
            },
        },
        sla: r.get::<_, Option<i64>>(20)?.map(|code| SlaFacts {
            first_response: sla_state(code >> 2),
            resolution: sla_state(code),
        }),
    };
    Ok(Some((facts, patterns)))
}

/// Whether a case has the figures `figures` would write (for `check`).
pub(super) fn figures_differ(
    conn: &Connection,
    case: &Case,
    fresh: &CaseFigures,
    valid_until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Option<String>> {
    let at = millis(now);
    let stored = conn
        .prepare_cached(&format!(
            "SELECT 0, {FIGURE_COLUMNS}, channels, parties FROM case_figures WHERE case_id = ?1"
        ))?
        .query_row([case.id], |r| {
            Ok((
                kept_facts(r, at, false)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, String>(23)?,
                r.get::<_, String>(24)?,
            ))
        });
    let (kept, until, channels, parties) = match stored {
        Ok(row) => row,
        Err(rusqlite::Error::QueryReturnedNoRows) => return Ok(Some("no report figures".into())),
        Err(e) => return Err(e.into()),
    };
    let fresh_channels = encode(&fresh.channels, |k| Ok(k.to_string()))?;
    let fresh_parties = encode(&fresh.parties, |k| Ok(vendor_id(conn, k)?.to_string()))?;
    let mut facts = fresh.at(now);
    facts.measures.reopens = 0;
    let same = kept
        .is_some_and(|(k, p)| format!("{k:?}") == format!("{facts:?}") && p == fresh.patterns)
        && until == valid_until.map(millis)
        && channels == fresh_channels
        && parties == fresh_parties;
    Ok((!same).then(|| "report figures differ".to_string()))
}
