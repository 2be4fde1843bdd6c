//! Saving a form without losing anybody's update. A form remembers the
//! record as it was when it opened; on save, the fields the user changed are
//! applied on top of the record as it is now, so a change made meanwhile by
//! another window or process to other fields is kept. When both changed the
//! same field differently, nothing is written until the user says to put
//! theirs over it (`overwrite`): an old status, outcome, refund or
//! resolution is never put back silently.

use super::cases::{
    diff, load_case, load_touches, refresh_summary, to_json, touch_event, update_case_fields,
    write_touch_row,
};
use super::events::append;
use super::note_index::flush_notes;
use super::{Result, Store, StoreError};
use crate::domain::time_rules::{refuse_new_problems, time_problems};
use crate::domain::{Case, Touchpoint};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use std::fmt;

/// A field changed both in the form and, meanwhile, elsewhere.
#[derive(Debug, Clone, PartialEq)]
pub struct Clash {
    pub field: String,
    /// What it is now (their change).
    pub theirs: Option<Value>,
    /// What the form would make it.
    pub yours: Option<Value>,
}

impl fmt::Display for Clash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |v: &Option<Value>| match v {
            None | Some(Value::Null) => "(empty)".to_string(),
            Some(Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
        };
        write!(
            f,
            "{} is now {} (yours: {})",
            self.field,
            show(&self.theirs),
            show(&self.yours)
        )
    }
}

/// Your changes on top of the current record, and the fields where they clash.
fn three_way(
    original: &Value,
    current: &Value,
    edited: &Value,
    skip: &[&str],
) -> (Value, Vec<Clash>) {
    let mine = diff(original, edited, skip);
    let theirs: Vec<String> = diff(original, current, skip)
        .into_iter()
        .map(|(f, _, _)| f)
        .collect();
    let mut merged: Map<String, Value> = current.as_object().cloned().unwrap_or_default();
    let mut clashes = Vec::new();
    for (field, _, yours) in mine {
        let now_value = merged.get(&field).cloned();
        if theirs.contains(&field) && now_value != yours {
            clashes.push(Clash {
                field: field.clone(),
                theirs: now_value,
                yours: yours.clone(),
            });
        }
        match yours {
            Some(v) => merged.insert(field, v),
            None => merged.remove(&field),
        };
    }
    (Value::Object(merged), clashes)
}

fn from_json<T: serde::de::DeserializeOwned>(v: Value) -> Result<T> {
    serde_json::from_value(v).map_err(|e| StoreError::Migration(format!("merging an edit: {e}")))
}

/// Refuses a change to a case that gives it an impossible time (its
/// opening after a touch, a resolution before the opening…) it did not have
/// before.
fn check_case_times(
    conn: &super::db::Connection,
    old: &Case,
    new: &Case,
    clock: crate::domain::time_rules::WriteClock,
) -> Result<()> {
    let touches = load_touches(conn, old.id)?;
    refuse_new_problems(
        &time_problems(old, &touches, clock),
        time_problems(new, &touches, clock),
    )?;
    Ok(())
}

impl Store {
    /// Changes a case read inside the same transaction (status keys,
    /// resolve), for a change that took effect at `at` (now, or a status
    /// given with --at): its events carry that time, so that a look at an
    /// earlier moment sees the case as it was then.
    pub(super) fn modify_case_at(
        &mut self,
        id: i64,
        at: DateTime<Utc>,
        now: DateTime<Utc>,
        change: impl FnOnce(&mut Case) -> Result<()>,
    ) -> Result<Case> {
        self.writable()?;
        let clock = self.write_clock(now);
        let tx = super::write_tx(&mut self.conn)?;
        let old = load_case(&tx, id)?;
        let mut case = old.clone();
        change(&mut case)?;
        case.validate()?;
        check_case_times(&tx, &old, &case, clock)?;
        if update_case_fields(&tx, &old, &case, at)? > 0 {
            refresh_summary(
                &tx,
                id,
                now,
                &self.thresholds,
                &self.summary_rates,
                &self.sla_cache,
            )?;
        }
        flush_notes(&tx)?;
        tx.commit()?;
        Ok(case)
    }

    /// Saves a case edited in a form opened on `original`: the fields changed
    /// in the form go on top of the case as it is now. A status moved by the
    /// form follows the domain's rule (reopening counts and clears the
    /// outcome). Fails with `Changed` when a field the form changed was also
    /// changed meanwhile, unless `overwrite`. Returns how many fields changed.
    pub fn update_case_from(
        &mut self,
        original: &Case,
        edited: Case,
        now: DateTime<Utc>,
        overwrite: bool,
    ) -> Result<usize> {
        self.writable()?;
        let clock = self.write_clock(now);
        let tx = super::write_tx(&mut self.conn)?;
        let current = load_case(&tx, original.id)?;
        let skip = ["id", "uid"];
        let (merged, clashes) = three_way(
            &to_json(original),
            &to_json(&current),
            &to_json(&edited),
            &skip,
        );
        if !clashes.is_empty() && !overwrite {
            return Err(StoreError::Changed {
                what: format!("case {}", original.id),
                clashes,
            });
        }
        let mut case: Case = from_json(merged)?;
        case.id = current.id;
        case.uid = current.uid.clone();
        if case.status != current.status {
            let target = case.status;
            case.status = current.status;
            case.set_status(target, now);
        }
        case.validate()?;
        check_case_times(&tx, &current, &case, clock)?;
        let n = update_case_fields(&tx, &current, &case, now)?;
        if n > 0 {
            refresh_summary(
                &tx,
                case.id,
                now,
                &self.thresholds,
                &self.summary_rates,
                &self.sla_cache,
            )?;
        }
        flush_notes(&tx)?;
        tx.commit()?;
        Ok(n)
    }

    /// Saves a touch edited in a form opened on `original`, as
    /// `update_case_from` does for cases.
    pub fn update_touch_from(
        &mut self,
        original: &Touchpoint,
        edited: Touchpoint,
        now: DateTime<Utc>,
        overwrite: bool,
    ) -> Result<()> {
        self.writable()?;
        let case_id = self.touch_case(original.id)?;
        let clock = self.write_clock(now);
        let tx = super::write_tx(&mut self.conn)?;
        let current = load_touches(&tx, case_id)?
            .into_iter()
            .find(|t| t.id == original.id)
            .ok_or(StoreError::NoSuchTouch(original.id))?;
        let (merged, clashes) = three_way(
            &to_json(original),
            &to_json(&current),
            &to_json(&edited),
            &["id"],
        );
        if !clashes.is_empty() && !overwrite {
            return Err(StoreError::Changed {
                what: format!("touch #{}", original.id),
                clashes,
            });
        }
        let mut touch: Touchpoint = from_json(merged)?;
        touch.id = current.id;
        touch.validate()?;
        let case = load_case(&tx, case_id)?;
        refuse_new_problems(
            &time_problems(&case, std::slice::from_ref(&current), clock),
            time_problems(&case, std::slice::from_ref(&touch), clock),
        )?;
        if touch != current {
            write_touch_row(&tx, case_id, &touch, false)?;
            append(
                &tx,
                case_id,
                &touch_event("touch_changed", &touch, Some(&current), now),
            )?;
            refresh_summary(
                &tx,
                case_id,
                now,
                &self.thresholds,
                &self.summary_rates,
                &self.sla_cache,
            )?;
        }
        flush_notes(&tx)?;
        tx.commit()?;
        Ok(())
    }
}
