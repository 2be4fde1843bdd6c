//! The setup an export carries beside its cases: vendors' aliases, the
//! service-level calendars and policies, the at-risk share, the saved views.
//! An import restores it before the cases: what the file lacks is added, what
//! it has the same changes nothing, and what it has otherwise is kept as the
//! file has it (and named in the summary) unless the import replaces it.

use crate::domain::case::clean_name;
use crate::domain::query::Query;
use crate::domain::sla::{Calendar, Policy, ALWAYS_OPEN};
use crate::domain::Priority;
use crate::store::{self, Store, Writer};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VendorRecord {
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

/// The setup as a file writes it (`"setup": {...}`); every part may be absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SetupRecord {
    /// The calendars policies count in (the built-in 24x7 is not written).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calendars: Vec<CalendarRecord>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<PolicyRecord>,
    /// Written when the file was given one (else it has the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_risk_share: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub views: Vec<ViewRecord>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalendarRecord {
    pub name: String,
    pub tz: String,
    pub hours: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyRecord {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    pub calendar: String,
    pub first_response_hours: f64,
    pub resolution_hours: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ViewRecord {
    pub name: String,
    pub query: String,
}

/// What a file carries beside its cases, read and checked.
#[derive(Debug, Clone, Default)]
pub struct FileSetup {
    pub vendors: Vec<VendorRecord>,
    pub calendars: Vec<Calendar>,
    pub policies: Vec<Policy>,
    pub at_risk_share: Option<f64>,
    pub views: Vec<ViewRecord>,
}

/// What restoring a setup did, each item named (`policy 'gold'`).
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct SetupChanges {
    /// Items the file did not have.
    #[serde(rename = "setup_added", skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<String>,
    /// Items the file had otherwise, replaced by the import's (`--replace-setup`).
    #[serde(rename = "setup_replaced", skip_serializing_if = "Vec::is_empty")]
    pub replaced: Vec<String>,
    /// Items the file had otherwise, kept as they were.
    #[serde(rename = "setup_kept", skip_serializing_if = "Vec::is_empty")]
    pub kept: Vec<String>,
}

impl SetupRecord {
    pub fn is_empty(&self) -> bool {
        *self == SetupRecord::default()
    }

    /// The store's setup, as an export writes it.
    pub fn of_store(store: &Store) -> store::Result<SetupRecord> {
        Ok(SetupRecord {
            calendars: store
                .sla_calendars()?
                .iter()
                .filter(|c| !c.name.eq_ignore_ascii_case(ALWAYS_OPEN))
                .map(|c| CalendarRecord {
                    name: c.name.clone(),
                    tz: c.zone.name().to_string(),
                    hours: c.hours.clone(),
                    holidays: c.holidays.iter().copied().collect(),
                })
                .collect(),
            policies: store
                .sla_policies()?
                .into_iter()
                .map(|p| PolicyRecord {
                    name: p.name,
                    vendor: p.vendor,
                    priority: p.priority,
                    calendar: p.calendar,
                    first_response_hours: p.first_response_hours,
                    resolution_hours: p.resolution_hours,
                })
                .collect(),
            at_risk_share: store.chosen_sla_at_risk_share()?,
            views: store
                .saved_views()?
                .into_iter()
                .map(|(name, query)| ViewRecord { name, query })
                .collect(),
        })
    }

    /// Checks every part; the error names it (`setup.calendars[0] (EU): …`).
    pub fn read(self, vendors: Vec<VendorRecord>) -> Result<FileSetup, String> {
        let mut calendars = Vec::new();
        for (i, c) in self.calendars.into_iter().enumerate() {
            let what =
                |e: &dyn std::fmt::Display| format!("setup.calendars[{i}] ({}): {e}", c.name);
            let name = clean_name("name", &c.name).map_err(|e| what(&e))?;
            let holidays = c.holidays.iter().copied().collect();
            let cal = Calendar::new(&name, &c.tz, &c.hours, holidays).map_err(|e| what(&e))?;
            calendars.push(cal);
        }
        let mut policies = Vec::new();
        for (i, p) in self.policies.into_iter().enumerate() {
            let name = clean_name("name", &p.name)
                .map_err(|e| format!("setup.policies[{i}] ({}): {e}", p.name))?;
            policies.push(Policy {
                name,
                vendor: p.vendor,
                priority: p.priority,
                calendar: p.calendar,
                first_response_hours: p.first_response_hours,
                resolution_hours: p.resolution_hours,
            });
        }
        for (i, v) in self.views.iter().enumerate() {
            let what = |e: &dyn std::fmt::Display| format!("setup.views[{i}] ({}): {e}", v.name);
            clean_name("name", &v.name).map_err(|e| what(&e))?;
            Query::parse(&v.query).map_err(|e| what(&e))?;
        }
        Ok(FileSetup {
            vendors,
            calendars,
            policies,
            at_risk_share: self.at_risk_share,
            views: self.views,
        })
    }
}

/// Vendors with aliases, as an export writes them.
pub fn vendor_records(store: &Store) -> store::Result<Vec<VendorRecord>> {
    Ok(store
        .vendors()?
        .into_iter()
        .filter(|(_, aliases)| !aliases.is_empty())
        .map(|(name, aliases)| VendorRecord { name, aliases })
        .collect())
}

fn same_calendar(a: &Calendar, b: &Calendar) -> bool {
    a.zone == b.zone && a.hours == b.hours && a.holidays == b.holidays
}

fn same_policy(a: &Policy, b: &Policy) -> bool {
    let key = |v: &Option<String>| v.as_deref().map(|v| v.trim().to_lowercase());
    key(&a.vendor) == key(&b.vendor)
        && a.priority == b.priority
        && a.calendar.eq_ignore_ascii_case(&b.calendar)
        && a.first_response_hours == b.first_response_hours
        && a.resolution_hours == b.resolution_hours
}

/// What to do with one item of the file's setup, given the store's.
enum Step {
    Add,
    Replace,
    Keep,
    Nothing,
}

fn step(found: Option<bool>, replace: bool) -> Step {
    match found {
        None => Step::Add,
        Some(true) => Step::Nothing,
        Some(false) if replace => Step::Replace,
        Some(false) => Step::Keep,
    }
}

impl SetupChanges {
    /// Notes a step; whether it writes.
    fn note(&mut self, step: Step, item: String) -> bool {
        match step {
            Step::Add => self.added.push(item),
            Step::Replace => self.replaced.push(item),
            Step::Keep => self.kept.push(item),
            Step::Nothing => return false,
        }
        matches!(step, Step::Add | Step::Replace)
    }
}

/// A setup item the store refuses (a policy on a calendar there is none
/// of) names the item.
fn naming(item: &str) -> impl Fn(store::StoreError) -> store::StoreError + '_ {
    move |e| match e {
        store::StoreError::Invalid(i) => store::StoreError::Invalid(crate::domain::case::Invalid {
            field: "setup",
            reason: format!("{item}: {i}"),
        }),
        other => other,
    }
}

/// Restores a file's setup in the import's transaction (calendars before the
/// policies that use them); a changed service level rechecks every case.
pub fn restore(
    w: &mut Writer,
    setup: &FileSetup,
    replace: bool,
    now: DateTime<Utc>,
) -> store::Result<SetupChanges> {
    let mut changes = SetupChanges::default();
    let mut sla_changed = false;
    for v in &setup.vendors {
        for a in &v.aliases {
            w.add_vendor_alias(&v.name, a)?;
        }
    }
    let calendars = w.sla_calendars()?;
    for cal in &setup.calendars {
        let found = calendars
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(&cal.name))
            .map(|c| same_calendar(c, cal));
        // The built-in calendar is never replaced.
        let replace = replace && !cal.name.eq_ignore_ascii_case(ALWAYS_OPEN);
        let item = format!("calendar '{}'", cal.name);
        if changes.note(step(found, replace), item.clone()) {
            w.put_sla_calendar(cal).map_err(naming(&item))?;
            sla_changed = true;
        }
    }
    let policies = w.sla_policies()?;
    for policy in &setup.policies {
        let found = policies
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(&policy.name))
            .map(|p| same_policy(p, policy));
        let item = format!("policy '{}'", policy.name);
        if changes.note(step(found, replace), item.clone()) {
            w.put_sla_policy(policy).map_err(naming(&item))?;
            sla_changed = true;
        }
    }
    if let Some(share) = setup.at_risk_share {
        let found = w.chosen_sla_at_risk_share()?.map(|s| s == share);
        let item = format!("at-risk share {share}");
        if changes.note(step(found, replace), item.clone()) {
            w.set_sla_at_risk_share(share).map_err(naming(&item))?;
            sla_changed = true;
        }
    }
    let views = w.saved_views()?;
    for view in &setup.views {
        let found = views
            .iter()
            .find(|(name, _)| *name == view.name)
            .map(|(_, query)| *query == view.query);
        let item = format!("view '{}'", view.name);
        if changes.note(step(found, replace), item.clone()) {
            w.save_view(&view.name, &view.query)
                .map_err(naming(&item))?;
        }
    }
    if sla_changed {
        w.recheck_sla(now)?;
    }
    Ok(changes)
}
