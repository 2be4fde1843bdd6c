//! What the next action reads from the file's own history (how often each
//! channel got an answer), and the open cases in triage order with their next
//! action for `casebook next`.

use super::{Result, Store};
use crate::domain::derived::sla_urgency;
use crate::domain::enums::{StartedBy, TouchOutcome};
use crate::domain::friction::{self, CaseView, Flag};
use crate::domain::next_action::{
    self, needs_channel_answers, ChannelAnswerRate, ChannelAnswers, NextAction, NextActionInput,
};
use crate::domain::query::Query;
use crate::domain::{Case, Channel, Touchpoint};
use crate::store::query::SortKey;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

impl Store {
    /// Customer contacts per channel and how many got the vendor's answer:
    /// for one vendor (by name), or for every vendor (None).
    pub fn channel_answer_rates(&self, vendor: Option<&str>) -> Result<Vec<ChannelAnswerRate>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT t.channel, t.outcome, count(*) FROM touchpoints t JOIN cases c ON c.id = t.case_id
             WHERE t.started_by = 'customer'
               AND (?1 IS NULL OR c.vendor_id = (SELECT id FROM vendors WHERE name_key = lower(?1)))
             GROUP BY t.channel, t.outcome",
        )?;
        let mut by_channel: BTreeMap<String, ChannelAnswerRate> = BTreeMap::new();
        let mut rows = stmt.query([vendor])?;
        while let Some(r) = rows.next()? {
            let channel: String = r.get(0)?;
            let outcome: TouchOutcome = super::rows::parsed(r, 1)?;
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
        let answers = if !case.status.is_done() && needs_channel_answers(touches) {
            ChannelAnswers {
                vendor: self.channel_answer_rates(Some(&case.vendor))?,
                all_vendors: self.channel_answer_rates(None)?,
            }
        } else {
            ChannelAnswers::default()
        };
        let sla = self
            .sla_setup()?
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

    /// Open cases matching a query (give it `status:open` to read only those), in triage order, each with its next action.
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
