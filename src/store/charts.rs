//! Queries behind the terminal app's charts: cases opened per period (the
//! sparklines) and resolution times in buckets (the histograms), per group,
//! each one GROUP BY over the cases table, never a full load.

use super::report::GroupBy;
use super::rows::millis;
use super::{Result, Store};
use crate::domain::time::from_millis;
use chrono::{DateTime, Duration, Utc};
use rusqlite::types::Value;
use std::collections::BTreeMap;

/// Counts per group, in the order of the buckets asked for.
pub type Counts = BTreeMap<String, Vec<u64>>;

/// The SQL expression of a case's group and the rows it comes from, the
/// same keys as the report's figures: the vendor's name, every channel the
/// case used, or the category. Cases are not grouped by party here (a case
/// belongs to many parties); `None` says so.
fn group_key(by: GroupBy) -> Option<(&'static str, &'static str)> {
    const CASES: &str = "cases c JOIN vendors v ON v.id = c.vendor_id";
    match by {
        GroupBy::Vendor => Some(("v.name", CASES)),
        GroupBy::Channel => Some((
            "coalesce(tc.channel, '(no touches)')",
            "cases c LEFT JOIN (SELECT DISTINCT case_id, channel FROM touchpoints) tc
             ON tc.case_id = c.id",
        )),
        GroupBy::Category => Some(("c.category", CASES)),
        GroupBy::Stage => Some(("c.stage", CASES)),
        GroupBy::Party => None,
    }
}

impl Store {
    /// When the first and the last case were opened.
    pub fn opened_span(&self) -> Result<Option<(DateTime<Utc>, DateTime<Utc>)>> {
        let (lo, hi): (Option<i64>, Option<i64>) = self.conn.query_row(
            "SELECT min(opened_at), max(opened_at) FROM cases",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(lo
            .zip(hi)
            .map(|(lo, hi)| (from_millis(lo), from_millis(hi))))
    }

    /// Cases opened in each of `buckets` periods of length `bucket` from
    /// `start`, per group.
    pub fn cases_opened_per_period(
        &self,
        by: GroupBy,
        start: DateTime<Utc>,
        bucket: Duration,
        buckets: usize,
    ) -> Result<Counts> {
        let mut out = Counts::new();
        let (Some((key, from)), true) = (group_key(by), bucket.num_milliseconds() > 0) else {
            return Ok(out);
        };
        let sql = format!(
            "SELECT {key}, (c.opened_at - ?1) / ?2, count(*)
             FROM {from}
             WHERE c.opened_at >= ?1 AND c.opened_at < ?1 + ?2 * ?3
             GROUP BY 1, 2"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(
            rusqlite::params![millis(start), bucket.num_milliseconds(), buckets as i64],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            },
        )?;
        for row in rows {
            let (k, i, n) = row?;
            let counts = out.entry(k).or_insert_with(|| vec![0; buckets]);
            if let Some(slot) = usize::try_from(i).ok().and_then(|i| counts.get_mut(i)) {
                *slot = n.max(0) as u64;
            }
        }
        Ok(out)
    }

    /// Resolved cases per group in buckets of time to resolution: bucket i
    /// holds the cases under `edges_hours[i]` (and at or over the edge
    /// before); the last bucket holds the rest, so there are `edges + 1`.
    pub fn resolution_histogram(&self, by: GroupBy, edges_hours: &[f64]) -> Result<Counts> {
        let mut out = Counts::new();
        let Some((key, from)) = group_key(by) else {
            return Ok(out);
        };
        let mut values = Vec::new();
        let mut arms = String::new();
        for (i, edge) in edges_hours.iter().enumerate() {
            values.push(Value::Real(*edge));
            arms.push_str(&format!(" WHEN ttr < ?{} THEN {i}", values.len()));
        }
        let sql = format!(
            "SELECT k, CASE{arms} ELSE {} END AS b, count(*) FROM
               (SELECT {key} AS k, (c.resolved_at - c.opened_at) / 3600000.0 AS ttr
                FROM {from}
                WHERE c.resolved_at IS NOT NULL)
             GROUP BY 1, 2",
            edges_hours.len()
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(values.iter()), |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?;
        for row in rows {
            let (k, i, n) = row?;
            let counts = out
                .entry(k)
                .or_insert_with(|| vec![0; edges_hours.len() + 1]);
            if let Some(slot) = usize::try_from(i).ok().and_then(|i| counts.get_mut(i)) {
                *slot = n.max(0) as u64;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn demo_counts_and_histogram() {
        let now = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
        let mut store = Store::in_memory().unwrap();
        crate::io::demo::load(&mut store, now).unwrap();
        let (lo, hi) = store.opened_span().unwrap().unwrap();
        assert!(lo < hi);
        let per = store
            .cases_opened_per_period(GroupBy::Vendor, lo, Duration::weeks(1000), 1)
            .unwrap();
        assert_eq!(per["Comcast"], vec![2]);
        let hist = store
            .resolution_histogram(GroupBy::Vendor, &[1.0, 24.0])
            .unwrap();
        // The phone number took 32 minutes; the screw eleven days.
        assert_eq!(hist["Comcast"], vec![1, 0, 0]);
        assert_eq!(hist["We Love Our Customers"], vec![0, 0, 1]);
        let by_channel = store
            .resolution_histogram(GroupBy::Channel, &[1.0])
            .unwrap();
        assert_eq!(by_channel["web"], vec![1, 0]);
    }
}
