//! Service levels in the database: calendars, policies, the at-risk share,
//! and each case's SLA as of its last write (columns `sla_*` of `cases`,
//! migration 06), written beside the case's summary.

use super::db::{params, Connection, OptionalExtension};
use super::sla_cache::{ForgetAfter, SetupCache};
use super::sla_read::{at_risk_share, bad, chosen_at_risk_share, load_calendars, load_policies};
use super::{Result, Store};
use crate::domain::friction::Thresholds;
use crate::domain::sla::{self, Calendar, Policy, SlaSetup};
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// Adds or replaces a calendar's row (the built-in 24x7 is refused).
pub(super) fn write_calendar(conn: &Connection, cal: &Calendar) -> Result<()> {
    if cal.name.eq_ignore_ascii_case(sla::ALWAYS_OPEN) {
        return Err(bad("calendar", "24x7 is built in and cannot be changed"));
    }
    let holidays: Vec<String> = cal.holidays.iter().map(|d| d.to_string()).collect();
    conn.execute(
        "INSERT INTO sla_calendars (name, zone, hours, holidays) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(name) DO UPDATE SET zone = excluded.zone, hours = excluded.hours,
         holidays = excluded.holidays",
        params![
            cal.name,
            cal.zone.name(),
            cal.hours.join("\n"),
            holidays.join("\n")
        ],
    )?;
    Ok(())
}

/// Checks a policy (its hours, its calendar) and adds or replaces its row;
/// a vendor known by an alias is stored under its own name.
pub(super) fn write_policy(conn: &Connection, policy: &Policy) -> Result<()> {
    for (what, h) in [
        ("first_response", policy.first_response_hours),
        ("resolution", policy.resolution_hours),
    ] {
        if !(h.is_finite() && h > 0.0 && h <= 100_000.0) {
            return Err(bad(what, format!("{h} is not a number of hours above 0")));
        }
    }
    let calendar: Option<String> = conn
        .query_row(
            "SELECT name FROM sla_calendars WHERE name = ?1",
            [&policy.calendar],
            |r| r.get(0),
        )
        .optional()?;
    let Some(calendar) = calendar else {
        return Err(bad(
            "calendar",
            format!(
                "no calendar '{}': add it with 'casebook sla calendar add', or use 24x7",
                policy.calendar
            ),
        ));
    };
    let vendor: Option<String> = match policy.vendor.as_deref() {
        None => None,
        Some(v) => {
            Some(super::vendors::stored_name(conn, v)?.unwrap_or_else(|| v.trim().to_string()))
        }
    };
    conn.execute(
        "INSERT INTO sla_policies
         (name, vendor, priority, calendar, first_response_hours, resolution_hours)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (name) DO UPDATE SET name = excluded.name, vendor = excluded.vendor,
           priority = excluded.priority, calendar = excluded.calendar,
           first_response_hours = excluded.first_response_hours,
           resolution_hours = excluded.resolution_hours",
        params![
            policy.name.trim(),
            vendor,
            policy.priority.map(|p| p.as_str()),
            calendar,
            policy.first_response_hours,
            policy.resolution_hours
        ],
    )?;
    Ok(())
}

/// Checks and keeps the share of a target left under which it is at risk.
pub(super) fn write_at_risk_share(conn: &Connection, share: f64) -> Result<()> {
    if !(share.is_finite() && (0.0..1.0).contains(&share)) {
        return Err(bad(
            "at_risk",
            format!("{share} is not a share from 0 to below 1"),
        ));
    }
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('sla_at_risk_share', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [share.to_string()],
    )?;
    Ok(())
}

impl Store {
    /// The SLA setup as stored (None when there is no policy).
    pub fn sla_setup(&self) -> Result<Option<Arc<SlaSetup>>> {
        self.sla_cache.get(&self.conn)
    }

    /// Every calendar, the built-in `24x7` among them.
    pub fn sla_calendars(&self) -> Result<Vec<Calendar>> {
        load_calendars(&self.conn)
    }

    pub fn sla_policies(&self) -> Result<Vec<Policy>> {
        load_policies(&self.conn)
    }

    /// How many cases each policy applies to now (as last derived).
    pub fn sla_policy_cases(&self) -> Result<Vec<(String, usize)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT sla_policy, count(*) FROM cases WHERE sla_policy IS NOT NULL GROUP BY sla_policy",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as usize)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Adds or replaces a calendar; the cases under it are recomputed.
    pub fn put_sla_calendar(&mut self, cal: &Calendar, now: DateTime<Utc>) -> Result<usize> {
        self.save_sla_calendar(cal, None, now)
    }

    /// Adds or replaces a calendar, in place of the calendar `replaces` when
    /// given (a rename: the policies on it move to the new name).
    pub fn save_sla_calendar(
        &mut self,
        cal: &Calendar,
        replaces: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<usize> {
        self.writable()?;
        let _fresh = ForgetAfter::new(&self.sla_cache);
        let renamed = replaces.filter(|old| !old.eq_ignore_ascii_case(&cal.name));
        if renamed.is_some_and(|old| old.eq_ignore_ascii_case(sla::ALWAYS_OPEN)) {
            return Err(bad("calendar", "24x7 is built in and cannot be changed"));
        }
        let th = self.thresholds.clone();
        let rates = self.summary_rates.clone();
        let tx = super::write_tx(&mut self.conn)?;
        write_calendar(&tx, cal)?;
        if let Some(old) = renamed {
            tx.execute(
                "UPDATE sla_policies SET calendar = ?2 WHERE calendar = ?1",
                params![old, cal.name],
            )?;
            tx.execute("DELETE FROM sla_calendars WHERE name = ?1", [old])?;
        }
        let n = recompute(&tx, &th, &rates, &self.sla_cache, now)?;
        tx.commit()?;
        Ok(n)
    }

    pub fn remove_sla_calendar(&mut self, name: &str) -> Result<()> {
        self.writable()?;
        let _fresh = ForgetAfter::new(&self.sla_cache);
        if name.eq_ignore_ascii_case(sla::ALWAYS_OPEN) {
            return Err(bad("calendar", "24x7 is built in and cannot be removed"));
        }
        let users: Vec<String> = self
            .conn
            .prepare("SELECT name FROM sla_policies WHERE calendar = ?1 ORDER BY name")?
            .query_map([name], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if !users.is_empty() {
            return Err(bad(
                "calendar",
                format!(
                    "'{name}' is used by the policies {}: remove them first",
                    users.join(", ")
                ),
            ));
        }
        if self
            .conn
            .execute("DELETE FROM sla_calendars WHERE name = ?1", [name])?
            == 0
        {
            return Err(bad("calendar", format!("no calendar '{name}'")));
        }
        Ok(())
    }

    /// Adds or replaces a policy; every case's SLA is recomputed.
    pub fn put_sla_policy(&mut self, policy: &Policy, now: DateTime<Utc>) -> Result<usize> {
        self.save_sla_policy(policy, None, now)
    }

    /// Adds or replaces a policy, in place of the policy `replaces` when
    /// given (a rename), in one transaction.
    pub fn save_sla_policy(
        &mut self,
        policy: &Policy,
        replaces: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<usize> {
        self.writable()?;
        let _fresh = ForgetAfter::new(&self.sla_cache);
        let th = self.thresholds.clone();
        let rates = self.summary_rates.clone();
        let tx = super::write_tx(&mut self.conn)?;
        write_policy(&tx, policy)?;
        if let Some(old) = replaces.filter(|old| !old.eq_ignore_ascii_case(policy.name.trim())) {
            tx.execute("DELETE FROM sla_policies WHERE name = ?1", [old])?;
        }
        let n = recompute(&tx, &th, &rates, &self.sla_cache, now)?;
        tx.commit()?;
        Ok(n)
    }

    pub fn remove_sla_policy(&mut self, name: &str, now: DateTime<Utc>) -> Result<usize> {
        self.writable()?;
        let _fresh = ForgetAfter::new(&self.sla_cache);
        let th = self.thresholds.clone();
        let rates = self.summary_rates.clone();
        let tx = super::write_tx(&mut self.conn)?;
        if tx.execute("DELETE FROM sla_policies WHERE name = ?1", [name])? == 0 {
            return Err(bad("policy", format!("no policy '{name}'")));
        }
        let n = recompute(&tx, &th, &rates, &self.sla_cache, now)?;
        tx.commit()?;
        Ok(n)
    }

    /// Sets the share of a target left under which it is at risk (0–1).
    pub fn set_sla_at_risk_share(&mut self, share: f64, now: DateTime<Utc>) -> Result<usize> {
        self.writable()?;
        let _fresh = ForgetAfter::new(&self.sla_cache);
        let th = self.thresholds.clone();
        let rates = self.summary_rates.clone();
        let tx = super::write_tx(&mut self.conn)?;
        write_at_risk_share(&tx, share)?;
        let n = recompute(&tx, &th, &rates, &self.sla_cache, now)?;
        tx.commit()?;
        Ok(n)
    }

    pub fn sla_at_risk_share(&self) -> Result<f64> {
        at_risk_share(&self.conn)
    }

    /// The at-risk share the file was given, or None while it has the default.
    pub fn chosen_sla_at_risk_share(&self) -> Result<Option<f64>> {
        chosen_at_risk_share(&self.conn)
    }
}

/// Recomputes the stored SLA of every case (policies and calendars change
/// rarely; a change can move any case).
pub(super) fn recompute(
    conn: &Connection,
    th: &Thresholds,
    rates: &super::SummaryRates,
    sla: &SetupCache,
    now: DateTime<Utc>,
) -> Result<usize> {
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM cases")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in &ids {
        super::cases::refresh_summary(conn, *id, now, th, rates, sla)?;
    }
    Ok(ids.len())
}
