//! Rows to domain types and back.

use super::db::Row;
use crate::domain::time::{from_millis, to_millis};
use crate::domain::{Case, Channel, Money, Touchpoint};
use chrono::{DateTime, Utc};
use rusqlite::types::{FromSql, FromSqlError, ValueRef};
use std::str::FromStr;

/// The columns `case_from_row` reads, from `cases c` joined to its vendor `v`
/// and marketplace `m`.
pub const CASE_COLUMNS: &str = "c.id, c.uid, c.ref, c.title, v.name, m.name, c.product, c.order_ref, \
     c.customer, c.owner, c.category, c.priority, c.status, c.opened_at, c.resolved_at, c.closed_at, \
     c.outcome, c.purchase_amount, c.refund_amount, c.currency, c.customer_cost, c.customer_minutes, \
     c.churned, c.csat, c.effort, c.reopens, c.stage";

pub const CASE_FROM: &str =
    "cases c JOIN vendors v ON v.id = c.vendor_id LEFT JOIN vendors m ON m.id = c.marketplace_id";

/// Reads an enum stored as its name.
pub fn parsed<T: FromStr>(row: &Row, i: usize) -> rusqlite::Result<T>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    // Read in place: no String is made for a value that becomes an enum.
    let s = row.get_ref(i)?.as_str()?;
    s.parse().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

pub fn parsed_opt<T: FromStr>(row: &Row, i: usize) -> rusqlite::Result<Option<T>>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    let s = row.get_ref(i)?.as_str_or_null()?;
    s.map(|s| {
        s.parse().map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
        })
    })
    .transpose()
}

pub fn time(row: &Row, i: usize) -> rusqlite::Result<DateTime<Utc>> {
    Ok(from_millis(row.get(i)?))
}

pub fn time_opt(row: &Row, i: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
    Ok(row.get::<_, Option<i64>>(i)?.map(from_millis))
}

pub fn money_opt(row: &Row, i: usize) -> rusqlite::Result<Option<Money>> {
    Ok(row.get::<_, Option<i64>>(i)?.map(Money))
}

pub fn millis(t: DateTime<Utc>) -> i64 {
    to_millis(t)
}

pub fn millis_opt(t: Option<DateTime<Utc>>) -> Option<i64> {
    t.map(to_millis)
}

pub struct ChannelSql(pub Channel);
impl FromSql for ChannelSql {
    fn column_result(v: ValueRef<'_>) -> Result<Self, FromSqlError> {
        let s = v.as_str()?;
        Channel::new(s)
            .map(ChannelSql)
            .map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

/// A case from a row of CASE_COLUMNS starting at `o`; tags are read apart.
pub fn case_from_row(row: &Row, o: usize) -> rusqlite::Result<Case> {
    Ok(Case {
        id: row.get(o)?,
        uid: row.get(o + 1)?,
        reference: row.get(o + 2)?,
        title: row.get(o + 3)?,
        vendor: row.get(o + 4)?,
        marketplace: row.get(o + 5)?,
        product: row.get(o + 6)?,
        order_ref: row.get(o + 7)?,
        customer: row.get(o + 8)?,
        owner: row.get(o + 9)?,
        category: parsed(row, o + 10)?,
        priority: parsed(row, o + 11)?,
        status: parsed(row, o + 12)?,
        opened_at: time(row, o + 13)?,
        resolved_at: time_opt(row, o + 14)?,
        closed_at: time_opt(row, o + 15)?,
        outcome: parsed_opt(row, o + 16)?,
        purchase_amount: money_opt(row, o + 17)?,
        refund_amount: money_opt(row, o + 18)?,
        currency: row.get(o + 19)?,
        customer_cost: money_opt(row, o + 20)?,
        customer_minutes: row.get(o + 21)?,
        churned: row.get(o + 22)?,
        csat: row.get(o + 23)?,
        effort: row.get(o + 24)?,
        reopens: row.get(o + 25)?,
        stage: Some(parsed(row, o + 26)?),
        tags: Vec::new(),
        resolved_before: Vec::new(),
        changed_at: None,
    })
}

/// The columns `touch_from_row` reads, from `touchpoints t` with party `p`.
pub const TOUCH_COLUMNS: &str =
    "t.id, t.at, t.channel, t.started_by, p.name, t.minutes, t.wait_minutes, \
     t.outcome, t.ask, t.promise_due, t.waiting_on, t.note";

pub const TOUCH_FROM: &str = "touchpoints t LEFT JOIN vendors p ON p.id = t.party_id";

pub fn touch_from_row(row: &Row, o: usize) -> rusqlite::Result<Touchpoint> {
    Ok(Touchpoint {
        id: row.get(o)?,
        at: time(row, o + 1)?,
        channel: row.get::<_, ChannelSql>(o + 2)?.0,
        started_by: parsed(row, o + 3)?,
        party: row.get(o + 4)?,
        minutes: row.get(o + 5)?,
        wait_minutes: row.get(o + 6)?,
        outcome: parsed(row, o + 7)?,
        ask: parsed_opt(row, o + 8)?,
        promise_due: time_opt(row, o + 9)?,
        waiting_on: parsed_opt(row, o + 10)?,
        note: row.get(o + 11)?,
    })
}

/// `?1, ?2, …` for `n` values (an `IN` list of many ids).
pub fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}
