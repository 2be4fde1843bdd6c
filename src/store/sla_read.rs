//! Reading the service-level setup: calendars, policies and the at-risk
//! share, as the writes (sla.rs) and the kept setup (sla_cache.rs) need it.

use super::db::{Connection, OptionalExtension};
use super::{Result, StoreError};
use crate::domain::case::Invalid;
use crate::domain::sla::{
    self, calendar::parse_holidays, Calendar, Policy, SlaSetup, DEFAULT_AT_RISK_SHARE,
};

pub(super) fn bad(field: &'static str, reason: impl Into<String>) -> StoreError {
    StoreError::Invalid(Invalid {
        field,
        reason: reason.into(),
    })
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(String::from)
        .collect()
}

pub(super) fn load_calendars(conn: &Connection) -> Result<Vec<Calendar>> {
    let mut stmt =
        conn.prepare_cached("SELECT name, zone, hours, holidays FROM sla_calendars ORDER BY name")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (name, zone, hours, holidays) = row?;
        if name == sla::ALWAYS_OPEN {
            out.push(Calendar::always_open());
            continue;
        }
        let cal = parse_holidays(&lines(&holidays))
            .and_then(|h| Calendar::new(&name, &zone, &lines(&hours), h))
            .map_err(|e| bad("calendar", format!("{name}: {e}")))?;
        out.push(cal);
    }
    Ok(out)
}

pub(super) fn load_policies(conn: &Connection) -> Result<Vec<Policy>> {
    let mut stmt = conn.prepare_cached(
        "SELECT name, vendor, priority, calendar, first_response_hours, resolution_hours
         FROM sla_policies ORDER BY name",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Policy {
            name: r.get(0)?,
            vendor: r.get(1)?,
            priority: r.get::<_, Option<String>>(2)?.and_then(|p| p.parse().ok()),
            calendar: r.get(3)?,
            first_response_hours: r.get(4)?,
            resolution_hours: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn at_risk_share(conn: &Connection) -> Result<f64> {
    Ok(chosen_at_risk_share(conn)?.unwrap_or(DEFAULT_AT_RISK_SHARE))
}

/// The at-risk share the file was given, or None while it has the default.
pub(super) fn chosen_at_risk_share(conn: &Connection) -> Result<Option<f64>> {
    let v: Option<String> = conn
        .prepare_cached("SELECT value FROM meta WHERE key = 'sla_at_risk_share'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(v.and_then(|v| v.parse().ok()))
}

/// The SLA setup, or None when no policy exists (then no case has an SLA).
pub(crate) fn load_setup(conn: &Connection) -> Result<Option<SlaSetup>> {
    let policies = load_policies(conn)?;
    if policies.is_empty() {
        return Ok(None);
    }
    Ok(Some(SlaSetup::new(
        policies,
        load_calendars(conn)?,
        at_risk_share(conn)?,
    )))
}
