//! A case's stored summary: what its row keeps beyond its own fields (counts,
//! channels, the derived data of src/domain/derived.rs, cost and, for a done
//! case, its measures), its flags and its report figures. Computed by one
//! function, written by one: after the case's row (an UPDATE) or, when the
//! ids are known before writing, in the row's INSERT itself.

use super::db::{params, Connection, OptionalExtension};
use super::figures::{KeptFigures, Tables};
use super::rows::millis;
use super::Result;
use crate::domain::as_of::{figures_hold_from, settled_at};
use crate::domain::case::in_time_order;
use crate::domain::case_figures::CaseFigures;
use crate::domain::cost::{case_cost, estimated_effort, is_sale_prevented, CostRates};
use crate::domain::derived::{derive_all, Derived};
use crate::domain::friction::Thresholds;
use crate::domain::measures::contacts;
use crate::domain::next_action::NextActionSettings;
use crate::domain::sla::{CaseSla, SlaSetup};
use crate::domain::time::to_millis;
use crate::domain::{Case, Touchpoint};
use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use std::sync::Arc;

/// What a case's stored summary reads besides the friction thresholds.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct SummaryRates {
    pub cost: CostRates,
    pub next_action: NextActionSettings,
}

impl SummaryRates {
    pub(crate) fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The summary columns of `cases`, in the order of `Summary::columns`.
pub(super) const SUMMARY_COLUMNS: [&str; 30] = [
    "touch_count",
    "contact_count",
    "first_channel",
    "last_channel",
    "last_touch_at",
    "flag_list",
    "urgency",
    "m_cached",
    "m_ttfr_hours",
    "m_ttr_hours",
    "m_vendor_wait_hours",
    "m_customer_wait_hours",
    "m_escalated",
    "next_change_at",
    "sla_policy",
    "sla_state",
    "sla_first_response",
    "sla_resolution",
    "sla_due_at",
    "sla_left_hours",
    // The cost, effort estimate, sale prevented and next action (migration
    // 07), so that reports and the triage screen read them.
    "cost_to_serve",
    "cost_customer_hours",
    "cost_customer_all_in",
    "cost_margin",
    "cost_revenue_at_risk",
    "effort_estimate",
    "sale_prevented",
    "next_action",
    // Whether no service-level clock runs (migration 09): a paused case
    // has no due time to show, as `show` says.
    "sla_paused",
    // The triage order's second number (migration 11, domain/urgency.rs):
    // a breached or at-risk case's time left.
    "urgency_due",
];

/// A case's stored summary, ready to write.
#[derive(Debug, Clone)]
pub struct Summary {
    /// The values of `SUMMARY_COLUMNS`.
    pub(super) columns: [Value; 30],
    pub(super) flags: Vec<&'static str>,
    pub(super) figures: CaseFigures,
    pub(super) next_change: Option<DateTime<Utc>>,
    /// From when the figures hold at any clock (see `as_of::settled_at`).
    pub(super) settled_at: Option<DateTime<Utc>>,
    /// From when the report figures hold at every clock up to `now` (see
    /// `as_of::figures_hold_from`).
    pub(super) figures_from: DateTime<Utc>,
}

impl Summary {
    /// What the case's figures row keeps of it.
    pub(super) fn kept(&self) -> KeptFigures<'_> {
        KeptFigures {
            figures: &self.figures,
            valid_until: self.next_change,
            settled_at: self.settled_at,
            figures_from: self.figures_from,
        }
    }
}

fn opt<T: Into<Value>>(v: Option<T>) -> Value {
    v.map_or(Value::Null, Into::into)
}

/// Whether an open case under a policy has no clock running (paused while
/// the ball is with the customer or nobody): it has no due time then.
fn sla_paused(case: &Case, sla: Option<&crate::domain::sla::CaseSla>) -> bool {
    sla.is_some_and(|s| {
        !case.status.is_done()
            && s.first_response.due_at.is_none()
            && s.resolution.due_at.is_none()
            && s.due().is_some()
    })
}

/// What a case's stored data is made of, fresh at `now`: its derived data
/// (flags, urgency, SLA, next action, next change) and its figures.
pub fn derived_and_figures(
    case: &Case,
    touches: &[Touchpoint],
    now: DateTime<Utc>,
    th: &Thresholds,
    rates: &SummaryRates,
    sla: Option<&SlaSetup>,
) -> (Derived, CaseFigures) {
    let derived = derive_all(case, touches, now, th, sla, &rates.next_action);
    let figures = CaseFigures::of(
        case,
        touches,
        now,
        &derived.flags,
        derived.sla.as_ref().map(|s| s.facts()),
        &rates.cost,
    );
    (derived, figures)
}

/// A case's report figures at `now` alone (its flags and service level, not
/// its next action or next change): what a report measures a case with.
pub fn figures_at(
    case: &Case,
    touches: &[Touchpoint],
    now: DateTime<Utc>,
    th: &Thresholds,
    rates: &SummaryRates,
    sla: Option<&SlaSetup>,
) -> CaseFigures {
    let flags = crate::domain::friction::flags(
        &crate::domain::friction::CaseView { case, touches, now },
        th,
    );
    let sla = sla.and_then(|s| s.case_sla(case, touches, now));
    CaseFigures::of(
        case,
        touches,
        now,
        &flags,
        sla.as_ref().map(|s| s.facts()),
        &rates.cost,
    )
}

/// The summary of a case from the case and its touches in time order. It
/// reads the touches' ids to tell them apart (a flag's evidence), so they
/// must be distinct (see `labelled`); it keeps none of them.
pub fn summary_of(
    case: &Case,
    touches: &[Touchpoint],
    now: DateTime<Utc>,
    th: &Thresholds,
    rates: &SummaryRates,
    sla: Option<&SlaSetup>,
) -> Summary {
    let (derived, figures) = derived_and_figures(case, touches, now, th, rates, sla);
    let flags = derived.flag_ids();
    // A done case's measures are fixed: kept on the case too (migration 04).
    let done = case.status.is_done().then_some(&figures.facts);
    let (policy, state, first_response, resolution, due_at, left_hours) =
        sla_columns(case, derived.sla.as_ref());
    let cost = case_cost(case, touches, &rates.cost);
    let friction = derived.flags.iter().any(|f| !f.pattern.is_positive());
    let channel = |t: Option<&Touchpoint>| opt(t.map(|t| t.channel.as_str().to_string()));
    let columns = [
        Value::Integer(touches.len() as i64),
        Value::Integer(contacts(touches) as i64),
        channel(touches.first()),
        channel(touches.last()),
        opt(touches.last().map(|t| millis(t.at))),
        Value::Text(flags.join(" ")),
        Value::Integer(derived.urgency.rank),
        Value::from(done.is_some()),
        opt(done.and_then(|f| f.measures.ttfr_hours)),
        opt(done.and_then(|f| f.measures.ttr_hours)),
        opt(done.map(|f| f.measures.vendor_wait_hours)),
        opt(done.map(|f| f.measures.customer_wait_hours)),
        opt(done.map(|f| f.escalated)),
        opt(derived.next_change.map(millis)),
        opt(policy),
        opt(state.map(str::to_string)),
        opt(first_response.map(str::to_string)),
        opt(resolution.map(str::to_string)),
        opt(due_at),
        opt(left_hours),
        Value::Integer(cost.to_serve.0),
        Value::Real(cost.customer_hours),
        Value::Integer(cost.customer_all_in.0),
        Value::Integer(cost.margin.0),
        Value::Integer(cost.revenue_at_risk.0),
        Value::Integer(estimated_effort(touches).into()),
        Value::from(is_sale_prevented(case, friction)),
        opt(derived.next_action.as_ref().map(|n| n.id.to_string())),
        Value::from(sla_paused(case, derived.sla.as_ref())),
        Value::Integer(derived.urgency.due),
    ];
    Summary {
        columns,
        flags,
        figures,
        next_change: derived.next_change,
        settled_at: settled_at(case, touches, derived.next_change),
        figures_from: figures_hold_from(
            case,
            touches,
            now,
            th.slow_response_hours,
            derived.sla.as_ref().and_then(|s| s.last_change()),
        ),
    }
}

/// Writes a summary: the case's row (unless `in_row`: its INSERT held the
/// columns already), its flags and its figures. `fresh`: the case was just
/// inserted, so it has no flags to take away.
pub(super) fn write(
    conn: &Connection,
    case: &Case,
    s: &Summary,
    in_row: bool,
    fresh: bool,
) -> Result<()> {
    write_into(conn, Tables::FILE, case, s, in_row, fresh)
}

/// Writes a summary into `into`.
pub(super) fn write_into(
    conn: &Connection,
    into: Tables,
    case: &Case,
    s: &Summary,
    in_row: bool,
    fresh: bool,
) -> Result<()> {
    // What the row holds now (nothing to compare for a new case).
    let kept: Option<Vec<Value>> = match (in_row, fresh) {
        (false, false) => {
            let sql = format!(
                "SELECT {} FROM {} WHERE id = ?1",
                SUMMARY_COLUMNS.join(", "),
                into.cases
            );
            conn.prepare_cached(&sql)?
                .query_row([case.id], |r| kept_columns(r, 0))
                .optional()?
        }
        _ => None,
    };
    write_over(conn, into, case, s, in_row, fresh, kept.as_deref())
}

/// The summary columns a row holds, from `SUMMARY_COLUMNS` at `first` on.
pub(super) fn kept_columns(r: &super::db::Row, first: usize) -> rusqlite::Result<Vec<Value>> {
    (first..first + SUMMARY_COLUMNS.len())
        .map(|i| r.get::<_, Value>(i))
        .collect()
}

/// Writes a summary over the one the row holds (`kept`, its
/// `SUMMARY_COLUMNS`; none for a new case): only the columns that changed
/// are written, so that the indexes over the others are left alone (a case
/// re-derived as the clock moves changes little).
pub(super) fn write_over(
    conn: &Connection,
    into: Tables,
    case: &Case,
    s: &Summary,
    in_row: bool,
    fresh: bool,
    kept: Option<&[Value]>,
) -> Result<()> {
    if !in_row {
        let changed: Vec<usize> = (0..SUMMARY_COLUMNS.len())
            .filter(|&i| kept.is_none_or(|k| !same_value(&k[i], &s.columns[i])))
            .collect();
        if !changed.is_empty() {
            let sets: Vec<String> = changed
                .iter()
                .enumerate()
                .map(|(n, &i)| format!("{} = ?{}", SUMMARY_COLUMNS[i], n + 2))
                .collect();
            let sql = format!(
                "UPDATE {} SET {} WHERE id = ?1",
                into.cases,
                sets.join(", ")
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            stmt.raw_bind_parameter(1, case.id)?;
            for (n, &i) in changed.iter().enumerate() {
                stmt.raw_bind_parameter(n + 2, &s.columns[i])?;
            }
            stmt.raw_execute()?;
        }
    }
    // The flags, unless they are the ones kept (their list is a column).
    const FLAG_LIST: usize = 5;
    if kept.is_some_and(|k| same_value(&k[FLAG_LIST], &s.columns[FLAG_LIST])) {
        return super::figures::write_figures(conn, into, case, &s.kept());
    }
    if !fresh {
        conn.prepare_cached(&format!("DELETE FROM {} WHERE case_id = ?1", into.flags))?
            .execute([case.id])?;
    }
    let mut insert = conn.prepare_cached(&format!(
        "INSERT INTO {} (case_id, pattern) VALUES (?1, ?2)",
        into.flags
    ))?;
    for f in &s.flags {
        insert.execute(params![case.id, f])?;
    }
    super::figures::write_figures(conn, into, case, &s.kept())
}

/// Whether a kept value is the one to write (a whole REAL may come back as
/// an INTEGER, and the other way round).
fn same_value(kept: &Value, new: &Value) -> bool {
    match (kept, new) {
        (Value::Integer(a), Value::Real(b)) | (Value::Real(b), Value::Integer(a)) => {
            (*a as f64) == *b
        }
        _ => kept == new,
    }
}

/// What a case's summary is computed with, to compute it away from the
/// store: an import does it on its reading thread, so that the writing one
/// only writes.
#[derive(Debug, Clone)]
pub struct Summarizer {
    now: DateTime<Utc>,
    th: Thresholds,
    rates: SummaryRates,
    sla: Option<Arc<SlaSetup>>,
}

impl Summarizer {
    pub(super) fn new(
        now: DateTime<Utc>,
        th: Thresholds,
        rates: SummaryRates,
        sla: Option<Arc<SlaSetup>>,
    ) -> Summarizer {
        Summarizer {
            now,
            th,
            rates,
            sla,
        }
    }
}

/// A summary made by a `Summarizer` for a new case.
#[derive(Debug, Clone)]
pub struct ReadySummary {
    summary: Summary,
    now: DateTime<Utc>,
    sla: Option<Arc<SlaSetup>>,
}

impl Summarizer {
    /// The summary a new case would have, made on copies in the steps the
    /// writer takes (touches in time order, then case and touches checked and
    /// tidied, then told apart as `labelled` does). None for an invalid case
    /// (the writer finds out).
    pub fn ready(&self, case: &Case, touches: &[Touchpoint]) -> Option<ReadySummary> {
        let mut case = case.clone();
        let mut touches = touches.to_vec();
        in_time_order(&mut touches);
        let valid = case.validate().is_ok() && touches.iter_mut().all(|t| t.validate().is_ok());
        valid.then(|| ReadySummary {
            summary: summary_of(
                &case,
                &labelled(&touches),
                self.now,
                &self.th,
                &self.rates,
                self.sla.as_deref(),
            ),
            now: self.now,
            sla: self.sla.clone(),
        })
    }
}

impl ReadySummary {
    /// The summary, if it was made with what the writer would make it with.
    pub(super) fn made_with(
        self,
        now: DateTime<Utc>,
        sla: &Option<Arc<SlaSetup>>,
    ) -> Option<Summary> {
        let same_sla = match (&self.sla, sla) {
            (None, None) => true,
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        };
        (self.now == now && same_sla).then_some(self.summary)
    }
}

/// Whether every touch comes with an id of its own (none 0, none twice).
fn keeps_ids(touches: &[Touchpoint]) -> bool {
    let mut ids: Vec<i64> = touches.iter().map(|t| t.id).collect();
    ids.sort_unstable();
    ids.first().is_none_or(|first| *first > 0) && ids.windows(2).all(|w| w[0] != w[1])
}

/// The touches (in time order) as a new case's summary is made from them
/// before they are written: with their own ids when each has one (none 0,
/// none twice), else numbered 1, 2, … in that order. A summary reads ids
/// only to tell touches apart (a flag's evidence names the touches it rests
/// on, and the figures find each one's channel and party by it); nothing it
/// keeps holds an id. So it holds for whatever ids the file gives the
/// touches: their own where free, else the next ones, in the same order.
pub(super) fn labelled(touches: &[Touchpoint]) -> std::borrow::Cow<'_, [Touchpoint]> {
    if keeps_ids(touches) {
        return std::borrow::Cow::Borrowed(touches);
    }
    let mut out = touches.to_vec();
    for (i, t) in out.iter_mut().enumerate() {
        t.id = i as i64 + 1;
    }
    std::borrow::Cow::Owned(out)
}

impl super::Store {
    /// What this store computes a case's summary with at `now`.
    pub fn summarizer(&self, now: DateTime<Utc>) -> Result<Summarizer> {
        Ok(Summarizer {
            now,
            th: self.thresholds.clone(),
            rates: self.summary_rates.clone(),
            sla: self.sla_cache.get(&self.conn)?,
        })
    }
}

/// A case's SLA (as derived with its summary) as its `sla_*` columns hold it:
/// policy, state, first response, resolution, due at, hours left.
pub(crate) type SlaColumns = (
    Option<String>,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    Option<i64>,
    Option<f64>,
);

pub(crate) fn sla_columns(case: &Case, sla: Option<&CaseSla>) -> SlaColumns {
    let Some(s) = sla else {
        return (None, None, None, None, None, None);
    };
    (
        Some(s.policy.clone()),
        Some(s.state().as_str()),
        Some(s.first_response.state.as_str()),
        Some(s.resolution.state.as_str()),
        s.due().filter(|_| !case.status.is_done()).map(to_millis),
        s.left_hours(),
    )
}
