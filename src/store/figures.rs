//! Each case's report figures, kept in `case_figures` (migration 08): written
//! with the rest of a case's derived data, read by the report in one pass.

use super::db::{params, Connection, OptionalExtension};
use super::rows::millis;
use super::vendors::vendor_id;
use super::Result;
use crate::domain::case_figures::{CaseFigures, Member};
use crate::domain::cost::CaseCost;
use crate::domain::cost_group::CostFacts;
use crate::domain::friction::{Pattern, PatternSet};
use crate::domain::measures::{CaseFacts, CaseMeasures};
use crate::domain::sla::{tally::SlaFacts, SlaState};
use crate::domain::time::{from_millis, hours};
use crate::domain::{Case, Money, WaitingOn};
use chrono::{DateTime, Utc};
use rusqlite::types::Value;

/// The record's layout version (its first byte); another means "measure live".
const FORMAT: u8 = 1;
const RECORD_LEN: usize = 122;
const OPEN: u8 = 1;
const ESCALATED: u8 = 2;
const SALE_PREVENTED: u8 = 4;
const NONE_U8: u8 = 0xff;

fn sla_code(s: SlaState) -> u8 {
    match s {
        SlaState::Met => 0,
        SlaState::Running => 1,
        SlaState::AtRisk => 2,
        SlaState::Breached => 3,
    }
}

fn sla_state(code: u8) -> SlaState {
    match code & 3 {
        0 => SlaState::Met,
        1 => SlaState::Running,
        2 => SlaState::AtRisk,
        _ => SlaState::Breached,
    }
}

fn ball_code(w: WaitingOn) -> u8 {
    match w {
        WaitingOn::Nobody => 0,
        WaitingOn::Vendor => 1,
        WaitingOn::Customer => 2,
    }
}

/// A case's figures as one fixed little-endian record: six bytes (format,
/// bits, ball, service levels, logged and estimated effort), then
/// valid_until and ball_since (i64 ms; MAX and MIN for none), five f64
/// (ttfr and ttr, NaN for none; vendor and customer wait; customer hours),
/// three u32 (touches, contacts, patterns) and six i64 amounts in cents
/// (refund, customer cost, cost to serve, customer all-in, margin, revenue
/// at risk).
fn record(f: &CaseFigures, valid_until: Option<DateTime<Utc>>) -> Vec<u8> {
    let facts = &f.facts;
    let m = &facts.measures;
    let c = &facts.cost;
    let bits = if facts.is_open { OPEN } else { 0 }
        | if facts.escalated { ESCALATED } else { 0 }
        | if c.sale_prevented { SALE_PREVENTED } else { 0 };
    let mut out = Vec::with_capacity(RECORD_LEN);
    out.extend([
        FORMAT,
        bits,
        ball_code(f.ball),
        facts.sla.map_or(NONE_U8, |s| {
            4 * sla_code(s.first_response) + sla_code(s.resolution)
        }),
        c.effort_logged.unwrap_or(NONE_U8),
        c.effort_estimated.unwrap_or(NONE_U8),
    ]);
    out.extend(valid_until.map_or(i64::MAX, millis).to_le_bytes());
    out.extend(f.ball_since.map_or(i64::MIN, millis).to_le_bytes());
    for x in [
        m.ttfr_hours.unwrap_or(f64::NAN),
        m.ttr_hours.unwrap_or(f64::NAN),
        m.vendor_wait_hours,
        m.customer_wait_hours,
        c.cost.customer_hours,
    ] {
        out.extend(x.to_le_bytes());
    }
    for x in [m.touches as u32, m.contacts as u32, f.patterns.0] {
        out.extend(x.to_le_bytes());
    }
    for x in [
        facts.refund.0,
        facts.customer_cost.0,
        c.cost.to_serve.0,
        c.cost.customer_all_in.0,
        c.cost.margin.0,
        c.cost.revenue_at_risk.0,
    ] {
        out.extend(x.to_le_bytes());
    }
    out
}

/// Reads a record's fields in order.
struct Fields<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Fields<'_> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0; N];
        out.copy_from_slice(&self.bytes[self.at..self.at + N]);
        self.at += N;
        out
    }
    fn i64(&mut self) -> i64 {
        i64::from_le_bytes(self.take())
    }
    fn f64(&mut self) -> f64 {
        f64::from_le_bytes(self.take())
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take())
    }
}

fn defined(x: f64) -> Option<f64> {
    (!x.is_nan()).then_some(x)
}

fn some_u8(x: u8) -> Option<u8> {
    (x != NONE_U8).then_some(x)
}

/// The number of a channel name in `channel_names` (added when new).
fn channel_number(conn: &Connection, name: &str) -> Result<i64> {
    // A bulk write on a server asks once per channel (see db/pg_rows.rs).
    let server = conn.postgres();
    if let Some(id) = server.and_then(|pg| pg.looked_up("channel", name)) {
        return Ok(id);
    }
    let found = conn
        .prepare_apart("SELECT id FROM channel_names WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()?;
    let id = match found {
        Some(id) => id,
        None => conn
            .prepare_apart("INSERT INTO channel_names (name) VALUES (?1) RETURNING id")?
            .query_row([name], |r| r.get(0))?,
    };
    if let Some(pg) = server {
        pg.keep_looked_up("channel", name, id);
    }
    Ok(id)
}

/// Members as kept: per member its number and pattern bits, u32 little-endian.
fn encode(members: &[Member], number: impl Fn(&str) -> Result<i64>) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(8 * members.len());
    for m in members {
        out.extend((number(&m.key)? as u32).to_le_bytes());
        out.extend(m.patterns.0.to_le_bytes());
    }
    Ok(out)
}

/// The members kept in a `channels` or `parties` column: (number, patterns).
pub(super) fn decode(bytes: &[u8]) -> impl Iterator<Item = (u32, PatternSet)> + '_ {
    bytes.chunks_exact(8).map(|m| {
        let mut fields = Fields { bytes: m, at: 0 };
        (fields.u32(), PatternSet(fields.u32()))
    })
}

fn encoded_channels(conn: &Connection, f: &CaseFigures) -> Result<Vec<u8>> {
    encode(&f.channels, |k| channel_number(conn, k))
}

fn encoded_parties(conn: &Connection, f: &CaseFigures) -> Result<Vec<u8>> {
    encode(&f.parties, |k| vendor_id(conn, k))
}

/// Where a summary is written: the file's own tables, or a view of the
/// past's tables in memory (src/store/as_of.rs).
#[derive(Debug, Clone, Copy)]
pub(super) struct Tables {
    pub cases: &'static str,
    pub flags: &'static str,
    pub figures: &'static str,
}

impl Tables {
    pub const FILE: Tables = Tables {
        cases: "cases",
        flags: "case_flags",
        figures: "case_figures",
    };
}

/// What a case's figures row keeps of its summary.
pub(super) struct KeptFigures<'a> {
    pub figures: &'a CaseFigures,
    /// Its next change: the figures hold until then.
    pub valid_until: Option<DateTime<Utc>>,
    pub settled_at: Option<DateTime<Utc>>,
    pub figures_from: DateTime<Utc>,
}

/// Keeps a case's figures, valid until its next change, in `into`.
pub(super) fn write_figures(
    conn: &Connection,
    into: Tables,
    case: &Case,
    s: &KeptFigures,
) -> Result<()> {
    let (f, valid_until, settled_at) = (s.figures, s.valid_until, s.settled_at);
    let channels = encoded_channels(conn, f)?;
    let parties = encoded_parties(conn, f)?;
    conn.prepare_cached(&format!(
        "INSERT INTO {} (case_id, opened_at, vendor_id, category, stage,
            valid_until, ball, ball_since, record, channels, parties, settled_at, figures_from)
         SELECT id, opened_at, vendor_id, category, stage, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9
         FROM {} WHERE id = ?1
         ON CONFLICT (case_id) DO UPDATE SET opened_at = excluded.opened_at,
           vendor_id = excluded.vendor_id, category = excluded.category, stage = excluded.stage,
           valid_until = excluded.valid_until, ball = excluded.ball, ball_since = excluded.ball_since,
           record = excluded.record, channels = excluded.channels, parties = excluded.parties,
           settled_at = excluded.settled_at, figures_from = excluded.figures_from",
        into.figures, into.cases
    ))?
    .execute(params![
        case.id,
        valid_until.map(millis),
        ball_code(f.ball),
        f.ball_since.map(millis),
        record(f, valid_until),
        channels,
        parties,
        settled_at.map(millis),
        millis(s.figures_from),
    ])?;
    Ok(())
}

/// A new case's row of `case_figures` after its first five columns (case_id,
/// opened_at, vendor_id, category, stage): valid_until, ball, ball_since,
/// record, channels, parties, settled_at, figures_from, as `write_figures`
/// writes them.
pub(super) fn figures_values(conn: &Connection, s: &KeptFigures) -> Result<[Value; 8]> {
    let (f, valid_until) = (s.figures, s.valid_until);
    let opt = |t: Option<DateTime<Utc>>| t.map_or(Value::Null, |t| Value::Integer(millis(t)));
    Ok([
        opt(valid_until),
        Value::Integer(ball_code(f.ball).into()),
        opt(f.ball_since),
        Value::Blob(record(f, valid_until)),
        Value::Blob(encoded_channels(conn, f)?),
        Value::Blob(encoded_parties(conn, f)?),
        opt(s.settled_at),
        Value::Integer(millis(s.figures_from)),
    ])
}

/// A record's figures at `now` (ms), or None when they do not hold at `now`
/// (past its next change, a last touch still ahead of the clock, a
/// placeholder or another layout): such a case is measured live.
/// `went_back`: the clock is earlier than the file's last look, so only the
/// figures that never change again (done cases with no next change) hold.
pub(super) fn kept_facts(
    record: Option<&[u8]>,
    now: i64,
    went_back: bool,
) -> Option<(CaseFacts, PatternSet)> {
    let bytes = record.filter(|b| b.len() == RECORD_LEN && b[0] == FORMAT)?;
    let (bits, ball, sla, effort_logged, effort_estimated) = (
        bytes[1],
        bytes[2],
        bytes[3],
        some_u8(bytes[4]),
        some_u8(bytes[5]),
    );
    let mut r = Fields { bytes, at: 6 };
    let valid_until = r.i64();
    let ball_since = r.i64();
    let open = bits & OPEN != 0;
    if valid_until <= now
        || (ball_since != i64::MIN && ball_since > now)
        || (went_back && (valid_until != i64::MAX || open))
    {
        return None;
    }
    let ttfr_hours = defined(r.f64());
    let ttr_hours = defined(r.f64());
    let mut vendor_wait = r.f64();
    let mut customer_wait = r.f64();
    let customer_hours = r.f64();
    if open && ball_since != i64::MIN {
        let running = hours(from_millis(now) - from_millis(ball_since));
        match ball {
            1 => vendor_wait += running,
            2 => customer_wait += running,
            _ => {}
        }
    }
    let touches = r.u32() as usize;
    let contacts = r.u32() as usize;
    let patterns = PatternSet(r.u32());
    let [refund, customer_cost, to_serve, all_in, margin, at_risk] =
        [r.i64(), r.i64(), r.i64(), r.i64(), r.i64(), r.i64()].map(Money);
    let facts = CaseFacts {
        measures: CaseMeasures {
            ttfr_hours,
            ttr_hours,
            age_hours: None,
            vendor_wait_hours: vendor_wait,
            customer_wait_hours: customer_wait,
            touches,
            contacts,
            reopens: 0,
        },
        is_open: open,
        escalated: bits & ESCALATED != 0,
        self_resolved: patterns.contains(Pattern::SelfResolved),
        refund,
        customer_cost,
        cost: CostFacts {
            cost: CaseCost {
                to_serve,
                customer_hours,
                customer_all_in: all_in,
                refunds: refund,
                margin,
                revenue_at_risk: at_risk,
            },
            has_friction: patterns.iter().any(|p| !p.is_positive()),
            sale_prevented: bits & SALE_PREVENTED != 0,
            effort_logged,
            effort_estimated,
        },
        sla: (sla != NONE_U8).then(|| SlaFacts {
            first_response: sla_state(sla >> 2),
            resolution: sla_state(sla),
        }),
    };
    Some((facts, patterns))
}

/// Whether a case has the figures `fresh` would write (for `check`).
pub(super) fn figures_differ(
    conn: &Connection,
    case: &Case,
    fresh: &CaseFigures,
    valid_until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Option<String>> {
    let stored = conn
        .prepare_cached(
            "SELECT record, valid_until, channels, parties FROM case_figures WHERE case_id = ?1",
        )?
        .query_row([case.id], |r| {
            Ok((
                kept_facts(r.get_ref(0)?.as_blob_or_null()?, millis(now), false),
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, Vec<u8>>(2)?,
                r.get::<_, Vec<u8>>(3)?,
            ))
        });
    let (kept, until, channels, parties) = match stored {
        Ok(row) => row,
        Err(rusqlite::Error::QueryReturnedNoRows) => return Ok(Some("no report figures".into())),
        Err(e) => return Err(e.into()),
    };
    let fresh_channels = encoded_channels(conn, fresh)?;
    let fresh_parties = encoded_parties(conn, fresh)?;
    let mut facts = fresh.at(now);
    facts.measures.reopens = 0;
    let same = kept
        .is_some_and(|(k, p)| format!("{k:?}") == format!("{facts:?}") && p == fresh.patterns)
        && until == valid_until.map(millis)
        && channels == fresh_channels
        && parties == fresh_parties;
    Ok((!same).then(|| "report figures differ".to_string()))
}
