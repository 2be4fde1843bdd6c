//! The terminal app's charts: cases opened per period (the sparklines) and
//! resolution times in buckets (the histograms), per group. They are counted
//! in the report's own pass (`Store::report_with_charts`); here is the span
//! of opening times that sizes the periods.

use super::{Result, Store};
use crate::domain::time::from_millis;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// Counts per group, in the order of the buckets asked for.
pub type Counts = BTreeMap<String, Vec<u64>>;

impl Store {
    /// When the first and the last case were opened.
    pub fn opened_span(&self) -> Result<Option<(DateTime<Utc>, DateTime<Utc>)>> {
        let (lo, hi): (Option<i64>, Option<i64>) = self.conn.query_row(
            // Two subqueries: each reads one end of the opened_at index;
            // min and max in one SELECT would read all of it.
            "SELECT (SELECT min(opened_at) FROM cases), (SELECT max(opened_at) FROM cases)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(lo
            .zip(hi)
            .map(|(lo, hi)| (from_millis(lo), from_millis(hi))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::report_tally::ChartBuckets;
    use crate::store::report::{GroupBy, Window};
    use crate::store::rows::millis;
    use chrono::{Duration, TimeZone};

    #[test]
    fn demo_counts_and_histogram() {
        let now = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
        let mut store = Store::in_memory().unwrap();
        crate::io::demo::load(&mut store, now).unwrap();
        let (lo, hi) = store.opened_span().unwrap().unwrap();
        assert!(lo < hi);
        let charts = |edges: &[f64]| ChartBuckets {
            opened: Some((millis(lo), Duration::weeks(1000).num_milliseconds(), 1)),
            ttr_edges: edges.to_vec(),
        };
        let whole = Window {
            since: None,
            until: None,
        };
        let (_, per, hist) = store
            .report_with_charts(GroupBy::Vendor, whole, now, charts(&[1.0, 24.0]))
            .unwrap();
        assert_eq!(per["Comcast"], vec![2]);
        // The phone number took 32 minutes; the screw eleven days.
        assert_eq!(hist["Comcast"], vec![1, 0, 0]);
        assert_eq!(hist["We Love Our Customers"], vec![0, 0, 1]);
        let (_, _, by_channel) = store
            .report_with_charts(GroupBy::Channel, whole, now, charts(&[1.0]))
            .unwrap();
        assert_eq!(by_channel["web"], vec![1, 0]);
        let (_, by_party, _) = store
            .report_with_charts(GroupBy::Party, whole, now, charts(&[1.0]))
            .unwrap();
        assert!(by_party.is_empty(), "a case has many parties: no chart");
    }
}
