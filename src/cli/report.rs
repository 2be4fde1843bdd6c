//! report: group figures and friction per vendor, channel, category or party.

use super::table::Table;
use super::Context;
use crate::io::csv_safe;
use crate::store::report::{GroupBy, Report, Window};
use anyhow::Result;
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
#[command(
    after_help = "Friction score: the sum of the group's rates of every friction pattern (the expected \
number of friction patterns on one of its cases) less its rate of delight. A pattern is flagged when the \
lower bound of its 95% Wilson interval is above its rate over all cases and the group has enough cases \
(friction.min_cases in the config, default 5); below that it says 'too few cases'."
)]
pub struct ReportArgs {
    /// Group by vendor, channel (every channel a case used), category, party or journey stage
    #[arg(long, value_enum, default_value = "vendor")]
    pub by: GroupBy,
    /// Only cases opened at or after this time
    #[arg(long, value_name = "AT", allow_hyphen_values = true)]
    pub since: Option<String>,
    /// Only cases opened before this time
    #[arg(long, value_name = "AT", allow_hyphen_values = true)]
    pub until: Option<String>,
    /// Print JSON instead of a table
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV (one row per group) instead of a table
    #[arg(long)]
    pub csv: bool,
}

fn num(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{v:.1}"))
}

pub fn report(cx: &mut Context, a: &ReportArgs, out: &mut dyn Write) -> Result<()> {
    let window = Window {
        since: a.since.as_deref().map(|s| cx.at(Some(s))).transpose()?,
        until: a.until.as_deref().map(|s| cx.at(Some(s))).transpose()?,
    };
    if let (Some(since), Some(until)) = (window.since, window.until) {
        if since >= until {
            anyhow::bail!(
                "--since ({}) must be before --until ({}): no case could be opened in between",
                a.since.as_deref().unwrap_or_default(),
                a.until.as_deref().unwrap_or_default()
            );
        }
    }
    // Cases whose derived data came due, or all when the config changed.
    cx.bring_up_to_date()?;
    let report = cx.store.report(a.by, window, cx.now)?;
    if a.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
    } else if a.csv {
        write_csv(&report, out)?;
    } else {
        write_table(&report, out)?;
    }
    Ok(())
}

const CSV_HEADER: [&str; 33] = [
    "key",
    "cases",
    "open",
    "resolved",
    "ttfr_n",
    "ttfr_median_h",
    "ttfr_p90_h",
    "ttr_n",
    "ttr_median_h",
    "ttr_p90_h",
    "vendor_wait_h",
    "customer_wait_h",
    "touches_per_case",
    "contacts_per_case",
    "escalation_rate",
    "self_resolved_rate",
    "refund_total",
    "customer_cost_total",
    "friction_score",
    "sla_cases",
    "sla_first_response_met_rate",
    "sla_resolution_met_rate",
    "sla_breached_open",
    "cost_to_serve_per_case",
    "customer_hours_per_case",
    "margin_total",
    "revenue_at_risk",
    "friction_cost",
    "sales_prevented",
    "effort_logged_n",
    "effort_logged_mean",
    "effort_estimated_n",
    "effort_estimated_mean",
];

fn write_csv(report: &Report, out: &mut dyn Write) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_HEADER)?;
    let opt = |x: Option<f64>| x.map_or(String::new(), |v| v.to_string());
    for g in report.groups.iter().chain(std::iter::once(&report.overall)) {
        let f = &g.figures;
        w.write_record([
            csv_safe(&g.key),
            f.cases.to_string(),
            f.open.to_string(),
            f.resolved.to_string(),
            f.ttfr_hours.n.to_string(),
            opt(f.ttfr_hours.median),
            opt(f.ttfr_hours.p90),
            f.ttr_hours.n.to_string(),
            opt(f.ttr_hours.median),
            opt(f.ttr_hours.p90),
            f.vendor_wait_hours.to_string(),
            f.customer_wait_hours.to_string(),
            f.touches_per_case.to_string(),
            f.contacts_per_case.to_string(),
            f.escalation_rate.to_string(),
            f.self_resolved_rate.to_string(),
            f.refund_total.to_string(),
            f.customer_cost_total.to_string(),
            g.friction_score.to_string(),
            f.sla.cases.to_string(),
            opt(f.sla.first_response_met_rate),
            opt(f.sla.resolution_met_rate),
            f.sla.breached_open.to_string(),
            f.cost.cost_to_serve_per_case.to_string(),
            f.cost.customer_hours_per_case.to_string(),
            f.cost.margin_total.to_string(),
            f.cost.revenue_at_risk.to_string(),
            f.cost.friction_cost.to_string(),
            f.cost.sales_prevented.to_string(),
            f.cost.effort_logged.n.to_string(),
            opt(f.cost.effort_logged.mean),
            f.cost.effort_estimated.n.to_string(),
            opt(f.cost.effort_estimated.mean),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// The groups' service levels, when some case has a policy.
fn write_sla_table(report: &Report, out: &mut dyn Write) -> Result<()> {
    if report.overall.figures.sla.cases == 0 {
        return Ok(());
    }
    let rate = |r: Option<f64>| r.map_or("-".into(), |r| format!("{:.0}%", r * 100.0));
    let mut t = Table::new(&[
        report.by.as_str(),
        "sla cases",
        "1st resp met",
        "resolution met",
        "breached open",
    ])
    .right(&[1, 2, 3, 4])
    .max_width(0, 28);
    for g in report.groups.iter().chain(std::iter::once(&report.overall)) {
        let s = &g.figures.sla;
        if s.cases == 0 && g.key != report.overall.key {
            continue;
        }
        t.row(vec![
            g.key.clone(),
            s.cases.to_string(),
            rate(s.first_response_met_rate),
            rate(s.resolution_met_rate),
            s.breached_open.to_string(),
        ]);
    }
    writeln!(out)?;
    writeln!(
        out,
        "service levels (met: of the targets already met or breached; breached open: open cases past a target)"
    )?;
    write!(out, "{}", t.render())?;
    Ok(())
}

fn write_cost_table(report: &Report, out: &mut dyn Write) -> Result<()> {
    let mut t = Table::new(&[
        report.by.as_str(),
        "cost/case",
        "cust h/case",
        "margin",
        "at risk",
        "friction cost",
        "sales prevented",
        "effort logged",
        "effort est.",
    ])
    .right(&[1, 2, 3, 4, 5, 6, 7, 8])
    .max_width(0, 28);
    let mean = |m: crate::domain::cost_group::Mean| {
        m.mean.map_or("-".into(), |v| format!("{v:.1} ({})", m.n))
    };
    for g in report.groups.iter().chain(std::iter::once(&report.overall)) {
        let c = &g.figures.cost;
        t.row(vec![
            g.key.clone(),
            c.cost_to_serve_per_case.to_string(),
            format!("{:.2}", c.customer_hours_per_case),
            c.margin_total.to_string(),
            c.revenue_at_risk.to_string(),
            c.friction_cost.to_string(),
            c.sales_prevented.to_string(),
            mean(c.effort_logged),
            mean(c.effort_estimated),
        ]);
    }
    writeln!(
        out,
        "what it cost (cost to serve: the vendor's; friction cost: vendor's and customer's on cases with friction; effort 1–7: mean (cases))"
    )?;
    write!(out, "{}", t.render())?;
    Ok(())
}

fn write_table(report: &Report, out: &mut dyn Write) -> Result<()> {
    let mut t = Table::new(&[
        report.by.as_str(),
        "cases",
        "open",
        "ttfr med",
        "ttfr p90",
        "ttr med",
        "ttr p90",
        "vendor wait",
        "cust wait",
        "touch/case",
        "escal",
        "self-res",
        "refunds",
        "friction",
    ])
    .right(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13])
    .max_width(0, 28);
    for g in report.groups.iter().chain(std::iter::once(&report.overall)) {
        let f = &g.figures;
        t.row(vec![
            g.key.clone(),
            f.cases.to_string(),
            f.open.to_string(),
            num(f.ttfr_hours.median),
            num(f.ttfr_hours.p90),
            num(f.ttr_hours.median),
            num(f.ttr_hours.p90),
            format!("{:.1}", f.vendor_wait_hours),
            format!("{:.1}", f.customer_wait_hours),
            format!("{:.1}", f.touches_per_case),
            format!("{:.0}%", f.escalation_rate * 100.0),
            format!("{:.0}%", f.self_resolved_rate * 100.0),
            f.refund_total.to_string(),
            format!("{:.2}", g.friction_score),
        ]);
    }
    writeln!(
        out,
        "times in hours (ttfr: time to first response; ttr: time to resolution)"
    )?;
    write!(out, "{}", t.render())?;
    write_sla_table(report, out)?;
    writeln!(out)?;
    write_cost_table(report, out)?;
    writeln!(out)?;
    writeln!(
        out,
        "friction patterns against the rate over all cases (flagged: 95% lower bound above it)"
    )?;
    for g in &report.groups {
        let mut lines = Vec::new();
        for (id, p) in &g.patterns {
            let verdict = if p.flagged {
                "FLAGGED"
            } else if p.too_few_cases {
                "too few cases"
            } else {
                "within baseline"
            };
            lines.push(format!(
                "    {id:<18} {:>3} case(s)  rate {:>5.1}%  baseline {:>5.1}%  low {:>5.1}%  {verdict}",
                p.cases,
                p.rate * 100.0,
                p.baseline * 100.0,
                p.low * 100.0
            ));
        }
        if !lines.is_empty() {
            writeln!(out, "  {} (friction score {:.2})", g.key, g.friction_score)?;
            for l in lines {
                writeln!(out, "{l}")?;
            }
        }
    }
    for n in &report.notes {
        writeln!(out, "note: {n}")?;
    }
    Ok(())
}
