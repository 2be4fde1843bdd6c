//! `casebook sla`: business calendars and service-level policies.

use super::table::Table;
use super::Context;
use crate::domain::sla::words::target_words;
use crate::domain::sla::{calendar::parse_holidays, Calendar, CaseSla, Policy};
use crate::domain::Priority;
use anyhow::{Context as _, Result};
use clap::Subcommand;
use serde_json::json;
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum SlaCommand {
    /// Business calendars: a time zone, weekly hours, holidays (24x7 is built in)
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// Service-level policies
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// List the policies (and the at-risk share)
    List {
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Remove a policy
    Remove {
        /// The policy's name
        name: String,
    },
    /// Set the share of a target left under which it is at risk [default: 0.25]
    AtRisk {
        /// A share from 0 to 1, such as 0.25
        share: f64,
    },
}

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Add (or replace) a calendar
    Add {
        /// The calendar's name, used by policies
        name: String,
        /// An IANA time zone, such as America/New_York
        #[arg(long)]
        tz: String,
        /// Opening hours, such as "mon-fri 09:00-17:00" or "sat 10:00-14:00" (repeat for more)
        #[arg(long, required = true)]
        hours: Vec<String>,
        /// A day closed all day, YYYY-MM-DD (repeat for more)
        #[arg(long)]
        holiday: Vec<String>,
    },
    /// List the calendars
    List {
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Remove a calendar no policy uses
    Remove {
        /// The calendar's name
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Add (or replace) a policy; the most specific applies (vendor and priority, vendor, priority, neither)
    Add {
        /// The policy's name
        name: String,
        /// Only this vendor's cases
        #[arg(long)]
        vendor: Option<String>,
        /// Only cases of this priority: low, normal, high, urgent
        #[arg(long)]
        priority: Option<String>,
        /// The business calendar whose open hours count (24x7: every hour)
        #[arg(long)]
        calendar: String,
        /// Hours of open time to the first vendor answer
        #[arg(long, value_name = "HOURS")]
        first_response: f64,
        /// Hours of open time to resolution, paused while the case waits on the customer
        #[arg(long, value_name = "HOURS")]
        resolution: f64,
    },
}

pub fn run(cx: &mut Context, command: &SlaCommand, out: &mut dyn Write) -> Result<()> {
    match command {
        SlaCommand::Calendar(CalendarCommand::Add {
            name,
            tz,
            hours,
            holiday,
        }) => {
            let cal = Calendar::new(name.trim(), tz, hours, parse_holidays(holiday)?)?;
            let n = cx.store.put_sla_calendar(&cal, cx.now)?;
            writeln!(out, "calendar {} saved ({n} cases rechecked)", cal.name)?;
        }
        SlaCommand::Calendar(CalendarCommand::List { json }) => {
            let cals = cx.store.sla_calendars()?;
            if *json {
                let list: Vec<_> = cals
                    .iter()
                    .map(|c| {
                        json!({"name": c.name, "tz": c.zone.name(), "hours": c.hours,
                               "holidays": c.holidays.iter().map(|d| d.to_string()).collect::<Vec<_>>()})
                    })
                    .collect();
                writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
            } else {
                let mut t = Table::new(&["calendar", "zone", "hours", "holidays"]);
                for c in &cals {
                    let hol: Vec<String> = c.holidays.iter().map(|d| d.to_string()).collect();
                    t.row(vec![
                        c.name.clone(),
                        c.zone.name().to_string(),
                        c.hours.join("; "),
                        hol.join(", "),
                    ]);
                }
                write!(out, "{}", t.render())?;
            }
        }
        SlaCommand::Calendar(CalendarCommand::Remove { name }) => {
            cx.store.remove_sla_calendar(name)?;
            writeln!(out, "calendar {name} removed")?;
        }
        SlaCommand::Policy(PolicyCommand::Add {
            name,
            vendor,
            priority,
            calendar,
            first_response,
            resolution,
        }) => {
            let priority: Option<Priority> = priority
                .as_deref()
                .map(str::parse)
                .transpose()
                .context("--priority")?;
            let policy = Policy {
                name: crate::domain::case::clean_name("name", name)?,
                vendor: vendor.clone(),
                priority,
                calendar: calendar.clone(),
                first_response_hours: *first_response,
                resolution_hours: *resolution,
            };
            // A policy may come before its vendor's first case, but a typo
            // would govern nothing: say so, with the names it may mean.
            if let Some(v) = &policy.vendor {
                if let Some(close) = cx.store.unknown_vendor(v)? {
                    eprintln!(
                        "{}",
                        crate::text::safe_text(&unknown_vendor_warning(v, &close))
                    );
                }
            }
            let n = cx.store.put_sla_policy(&policy, cx.now)?;
            writeln!(out, "policy {} saved ({n} cases rechecked)", policy.name)?;
        }
        SlaCommand::List { json } => {
            let policies = cx.store.sla_policies()?;
            let share = cx.store.sla_at_risk_share()?;
            if *json {
                let doc = json!({"at_risk_share": share, "policies": policies});
                writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
            } else {
                let mut t = Table::new(&[
                    "policy",
                    "vendor",
                    "priority",
                    "calendar",
                    "first response",
                    "resolution",
                ])
                .right(&[4, 5]);
                for p in &policies {
                    t.row(vec![
                        p.name.clone(),
                        p.vendor.clone().unwrap_or_else(|| "any".into()),
                        p.priority.map_or("any".into(), |p| p.to_string()),
                        p.calendar.clone(),
                        format!("{} h", p.first_response_hours),
                        format!("{} h", p.resolution_hours),
                    ]);
                }
                write!(out, "{}", t.render())?;
                writeln!(
                    out,
                    "at risk: less than {:.0} % of a target left",
                    share * 100.0
                )?;
            }
        }
        SlaCommand::Remove { name } => {
            let n = cx.store.remove_sla_policy(name, cx.now)?;
            writeln!(out, "policy {name} removed ({n} cases rechecked)")?;
        }
        SlaCommand::AtRisk { share } => {
            let n = cx.store.set_sla_at_risk_share(*share, cx.now)?;
            writeln!(
                out,
                "at risk below {share} of a target ({n} cases rechecked)"
            )?;
        }
    }
    Ok(())
}

/// The SLA lines of the human `show`.
pub fn show_words(sla: Option<&CaseSla>, out: &mut dyn Write) -> Result<()> {
    writeln!(out, "\nservice level")?;
    match sla {
        None => writeln!(out, "  no policy applies")?,
        Some(s) => {
            writeln!(out, "  {:<24}{}", "policy", s.policy)?;
            let local = super::cases::local;
            writeln!(
                out,
                "  {:<24}{}",
                "first response",
                target_words(&s.first_response, local)
            )?;
            writeln!(
                out,
                "  {:<24}{}",
                "resolution",
                target_words(&s.resolution, local)
            )?;
        }
    }
    Ok(())
}

/// The warning for a policy naming no known vendor.
pub fn unknown_vendor_warning(vendor: &str, close: &[String]) -> String {
    let close = if close.is_empty() {
        String::new()
    } else {
        format!(" (close: {})", close.join(", "))
    };
    format!(
        "warning: no vendor is named '{vendor}' yet{close}; the policy governs its cases once some are logged"
    )
}
