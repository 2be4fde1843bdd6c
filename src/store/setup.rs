//! The setup an import restores (service-level calendars and policies, the
//! at-risk share, saved views), read and written inside its transaction, so
//! that it is kept or rolled back with the cases.

use super::writer::Writer;
use super::{query, sla, sla_read, Result};
use crate::domain::sla::{Calendar, Policy};
use chrono::{DateTime, Utc};

impl Writer<'_> {
    /// Every calendar, the built-in `24x7` among them.
    pub fn sla_calendars(&self) -> Result<Vec<Calendar>> {
        sla_read::load_calendars(self.conn)
    }

    pub fn sla_policies(&self) -> Result<Vec<Policy>> {
        sla_read::load_policies(self.conn)
    }

    /// The at-risk share the file was given, or None while it has the default.
    pub fn chosen_sla_at_risk_share(&self) -> Result<Option<f64>> {
        sla_read::chosen_at_risk_share(self.conn)
    }

    pub fn saved_views(&self) -> Result<Vec<(String, String)>> {
        query::load_views(self.conn)
    }

    /// Adds or replaces a calendar; `recheck_sla` then brings the cases up to it.
    pub fn put_sla_calendar(&mut self, cal: &Calendar) -> Result<()> {
        self.sla_cache.forget();
        sla::write_calendar(self.conn, cal)
    }

    /// Adds or replaces a policy; `recheck_sla` then brings the cases up to it.
    pub fn put_sla_policy(&mut self, policy: &Policy) -> Result<()> {
        self.sla_cache.forget();
        sla::write_policy(self.conn, policy)
    }

    /// Sets the at-risk share; `recheck_sla` then brings the cases up to it.
    pub fn set_sla_at_risk_share(&mut self, share: f64) -> Result<()> {
        self.sla_cache.forget();
        sla::write_at_risk_share(self.conn, share)
    }

    pub fn save_view(&mut self, name: &str, query: &str) -> Result<()> {
        query::write_view(self.conn, name, query)
    }

    /// Recomputes every case's service level after a change of the setup;
    /// how many cases were rechecked.
    pub fn recheck_sla(&mut self, now: DateTime<Utc>) -> Result<usize> {
        sla::recompute(self.conn, self.thresholds, self.rates, self.sla_cache, now)
    }
}
