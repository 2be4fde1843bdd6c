//! What the next action reads from the file's own history (how often each
//! channel got an answer), and the open cases in triage order with their next
//! action for `casebook next`.

use super::query::compile_for;
use super::{Result, Store, StoreError};
use crate::domain::derived::sla_urgency;
use crate::domain::enums::{StartedBy, TouchOutcome};
use crate::domain::friction::{self, CaseView, Flag};
use crate::domain::next_action::{
    self, needs_channel_answers, ChannelAnswerRate, ChannelAnswers, NextAction, NextActionInput,
};
use crate::domain::query::Query;
use crate::domain::sla::SlaSetup;
use crate::domain::urgency::OPEN_WORK_URGENCY;
use crate::domain::{Case, Channel, Touchpoint};
use crate::store::query::SortKey;
use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use std::collections::{BTreeMap, HashMap};

impl Store {
    /// Customer contacts per channel and how many got the vendor's answer:
    /// for one vendor (by name), or for every vendor (None).
    pub fn channel_answer_rates(&self, vendor: Option<&str>) -> Result<Vec<ChannelAnswerRate>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT t.channel, t.outcome, count(*) FROM touchpoints t JOIN cases c ON c.id = t.case_id
             WHERE t.started_by = 'customer'
               AND (CAST(?1 AS TEXT) IS NULL OR c.vendor_id = (SELECT id FROM vendors WHERE name_key = lower(?1)))
             GROUP BY t.channel, t.outcome",
        )?;
        let mut by_channel: BTreeMap<String, ChannelAnswerRate> = BTreeMap::new();
        let mut rows = stmt.query([vendor])?;
        while let Some(r) = rows.next()? {
            let channel: String = r.get(0)?;
            let outcome: TouchOutcome = super::rows::parsed(&r, 1)?;
            let n = r.get::<_, i64>(2)? as usize;
            let Ok(ch) = Channel::new(&channel) else {
                continue;
            };
            // The answer rule is the TTFR rule, applied to a contact of this outcome.
            let probe = Touchpoint::new(
                DateTime::<Utc>::UNIX_EPOCH,
                ch,
                StartedBy::Customer,
                outcome,
            );
            let e = by_channel
                .entry(channel.clone())
                .or_insert(ChannelAnswerRate {
                    channel,
                    contacts: 0,
                    answered: 0,
                });
            e.contacts += n;
            if next_action::answered(&probe) {
                e.answered += n;
            }
        }
        Ok(by_channel.into_values().collect())
    }

    /// The next action of a case, reading the channel answer rates only when
    /// the rules need them.
    pub fn next_action(
        &self,
        case: &Case,
        touches: &[Touchpoint],
        flags: &[Flag],
        now: DateTime<Utc>,
    ) -> Result<Option<NextAction>> {
        let sla = self.sla_setup()?;
        self.next_action_with(
            case,
            touches,
            flags,
            now,
            sla.as_deref(),
            &mut AnswerRates::default(),
        )
    }

    /// The next action of a case with the SLA setup given and the channel
    /// answer rates read once per vendor into `rates` (for listings).
    fn next_action_with(
        &self,
        case: &Case,
        touches: &[Touchpoint],
        flags: &[Flag],
        now: DateTime<Utc>,
        sla: Option<&SlaSetup>,
        rates: &mut AnswerRates,
    ) -> Result<Option<NextAction>> {
        let answers = if !case.status.is_done() && needs_channel_answers(touches) {
            rates.for_vendor(self, &case.vendor)?
        } else {
            ChannelAnswers::default()
        };
        let sla = sla
            .and_then(|s| s.case_sla(case, touches, now))
            .and_then(|s| sla_urgency(&s));
        Ok(next_action::next_action(&NextActionInput {
            case,
            touches,
            flags,
            now,
            thresholds: &self.thresholds,
            settings: &self.summary_rates.next_action,
            sla: sla.as_ref(),
            answers: &answers,
        }))
    }

    /// The largest case id (0 in an empty file), for the width of an id column.
    pub fn largest_case_id(&self) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached("SELECT coalesce(max(id), 0) FROM cases")?
            .query_row([], |r| r.get(0))?)
    }

    /// The open cases matching a query, in triage order (the stored
    /// urgency and time left, then oldest), each with its next action, given to `each` one
    /// at a time as SQL reads them: the stored next action (kept by
    /// `write_summary`) picks the cases, and only those given are loaded and
    /// their action's text and evidence worked out. At most `limit`; how
    /// many were given. Run `refresh_due(now)` first, so the stored actions
    /// are those of `now`.
    pub fn each_next_action<E: From<StoreError>>(
        &self,
        query: &Query,
        now: DateTime<Utc>,
        limit: Option<usize>,
        mut each: impl FnMut(&Case, &NextAction) -> std::result::Result<(), E>,
    ) -> std::result::Result<usize, E> {
        let w = compile_for(query, now, true);
        let mut values = w.values;
        values.push(Value::Integer(OPEN_WORK_URGENCY));
        let floor = values.len();
        values.push(Value::Integer(
            limit.map_or(i64::MAX, |n| i64::try_from(n).unwrap_or(i64::MAX)),
        ));
        // The urgency floor keeps the walk on the open cases' part of the
        // triage index (cases_urgency), in its order.
        let sql = format!(
            "SELECT c.id FROM cases c JOIN vendors v ON v.id = c.vendor_id
             WHERE ({}) AND c.urgency >= ?{floor} AND c.next_action IS NOT NULL
             ORDER BY c.urgency DESC, c.urgency_due ASC, c.opened_at ASC, c.id ASC LIMIT ?{}",
            w.sql,
            floor + 1
        );
        let sla = self.sla_setup()?;
        let mut rates = AnswerRates::default();
        let mut stmt = self.conn.prepare(&sql).map_err(StoreError::from)?;
        let mut rows = stmt
            .query(super::db::params_from_iter(values.iter()))
            .map_err(StoreError::from)?;
        let mut given = 0;
        while let Some(row) = rows.next().map_err(StoreError::from)? {
            let id: i64 = row.get(0).map_err(StoreError::from)?;
            let case = self.case(id)?;
            let touches = self.touches(id)?;
            let flags = friction::flags(
                &CaseView {
                    case: &case,
                    touches: &touches,
                    now,
                },
                &self.thresholds,
            );
            let action =
                self.next_action_with(&case, &touches, &flags, now, sla.as_deref(), &mut rates)?;
            if let Some(a) = action {
                each(&case, &a)?;
                given += 1;
            }
        }
        Ok(given)
    }

    /// Open cases matching a query (give it `status:open` to read only
    /// those), in triage order, each with its next action, every one worked
    /// out live and held in memory: the reference that `each_next_action`
    /// (what `casebook next` uses) is checked against.
    pub fn next_actions(
        &self,
        query: &Query,
        now: DateTime<Utc>,
    ) -> Result<Vec<(Case, NextAction)>> {
        let rows = self.case_page(query, SortKey::Urgency, false, 0, i64::MAX as usize, now)?;
        let mut out = Vec::new();
        for row in rows {
            let case = self.case(row.id)?;
            if case.status.is_done() {
                continue;
            }
            let touches = self.touches(row.id)?;
            let flags = friction::flags(
                &CaseView {
                    case: &case,
                    touches: &touches,
                    now,
                },
                &self.thresholds,
            );
            if let Some(a) = self.next_action(&case, &touches, &flags, now)? {
                out.push((case, a));
            }
        }
        Ok(out)
    }
}

/// The channel answer rates a listing has read: each vendor's once, and
/// every vendor's once (a pass over the touches), only when a case needs them.
#[derive(Default)]
struct AnswerRates {
    vendors: HashMap<String, Vec<ChannelAnswerRate>>,
    all_vendors: Option<Vec<ChannelAnswerRate>>,
}

impl AnswerRates {
    fn for_vendor(&mut self, store: &Store, vendor: &str) -> Result<ChannelAnswers> {
        let key = super::vendors::name_key(vendor);
        let own = match self.vendors.get(&key) {
            Some(r) => r.clone(),
            None => {
                let r = store.channel_answer_rates(Some(vendor))?;
                self.vendors.insert(key, r.clone());
                r
            }
        };
        let all = match &self.all_vendors {
            Some(r) => r.clone(),
            None => {
                let r = store.channel_answer_rates(None)?;
                self.all_vendors = Some(r.clone());
                r
            }
        };
        Ok(ChannelAnswers {
            vendor: own,
            all_vendors: all,
        })
    }
}
