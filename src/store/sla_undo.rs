//! The service-level setup as a whole (calendars, policies, the at-risk
//! share), read before a change and written back to take it back: `u` in
//! the app undoes an SLA edit as it undoes a case's.

use super::db::params;
use super::sla::recompute;
use super::sla_cache::ForgetAfter;
use super::{Result, Store};
use crate::domain::sla::{self, Calendar, Policy};
use chrono::{DateTime, Utc};

/// Every calendar (the built-in 24x7 aside), every policy, and the at-risk share.
#[derive(Debug, Clone)]
pub struct SlaSnapshot {
    calendars: Vec<Calendar>,
    policies: Vec<Policy>,
    at_risk_share: f64,
}

impl Store {
    /// The setup as it is now, to put back later.
    pub fn sla_snapshot(&self) -> Result<SlaSnapshot> {
        Ok(SlaSnapshot {
            calendars: self
                .sla_calendars()?
                .into_iter()
                .filter(|c| !c.name.eq_ignore_ascii_case(sla::ALWAYS_OPEN))
                .collect(),
            policies: self.sla_policies()?,
            at_risk_share: self.sla_at_risk_share()?,
        })
    }

    /// Puts a setup read by `sla_snapshot` back in place of the one there
    /// is, in one transaction; every case's service level is rechecked.
    /// Returns how many cases were.
    pub fn restore_sla(&mut self, s: &SlaSnapshot, now: DateTime<Utc>) -> Result<usize> {
        self.writable()?;
        let _fresh = ForgetAfter::new(&self.sla_cache);
        let th = self.thresholds.clone();
        let rates = self.summary_rates.clone();
        let tx = super::write_tx(&mut self.conn)?;
        tx.execute("DELETE FROM sla_policies", [])?;
        tx.execute(
            "DELETE FROM sla_calendars WHERE name <> ?1 COLLATE NOCASE",
            [sla::ALWAYS_OPEN],
        )?;
        for c in &s.calendars {
            let holidays: Vec<String> = c.holidays.iter().map(|d| d.to_string()).collect();
            tx.execute(
                "INSERT INTO sla_calendars (name, zone, hours, holidays) VALUES (?1, ?2, ?3, ?4)",
                params![
                    c.name,
                    c.zone.name(),
                    c.hours.join("\n"),
                    holidays.join("\n")
                ],
            )?;
        }
        for p in &s.policies {
            tx.execute(
                "INSERT INTO sla_policies
                 (name, vendor, priority, calendar, first_response_hours, resolution_hours)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    p.name,
                    p.vendor,
                    p.priority.map(|p| p.as_str()),
                    p.calendar,
                    p.first_response_hours,
                    p.resolution_hours
                ],
            )?;
        }
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('sla_at_risk_share', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [s.at_risk_share.to_string()],
        )?;
        let n = recompute(&tx, &th, &rates, &self.sla_cache, now)?;
        tx.commit()?;
        Ok(n)
    }
}
