//! `casebook edit`: change a case's own fields, and its times (the way to
//! fix a time that cannot be, which `casebook check` lists).

use super::Context;
use anyhow::Result;
use clap::Args;
use std::io::Write;

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The case: its id, ref or uid
    pub case: String,
    /// pre_sale, order, delivery, use, billing, cancel
    #[arg(long)]
    pub stage: Option<String>,
    /// missing_part, defect, wrong_item, late_delivery, billing, refund, account_access, service_activation, outage, technical, praise, other
    #[arg(long)]
    pub category: Option<String>,
    /// low, normal, high, urgent
    #[arg(long)]
    pub priority: Option<String>,
    /// A new title
    #[arg(long)]
    pub title: Option<String>,
    /// Who on the support team holds it
    #[arg(long)]
    pub owner: Option<String>,
    /// When the case was opened (to fix a time that cannot be: a touch
    /// before the opening, an opening ahead of now)
    #[arg(long, value_name = "AT", allow_hyphen_values = true)]
    pub opened: Option<String>,
    /// When a resolved case was resolved
    #[arg(long, value_name = "AT", allow_hyphen_values = true)]
    pub resolved: Option<String>,
    /// When a closed case was closed
    #[arg(long, value_name = "AT", allow_hyphen_values = true)]
    pub closed: Option<String>,
}

pub fn edit(cx: &mut Context, a: &EditArgs, out: &mut dyn Write) -> Result<()> {
    let id = cx.store.find_case(&a.case)?;
    let original = cx.store.case(id)?;
    let mut case = original.clone();
    if let Some(s) = &a.stage {
        case.stage = Some(s.parse()?);
    }
    if let Some(c) = &a.category {
        case.category = c.parse()?;
    }
    if let Some(p) = &a.priority {
        case.priority = p.parse()?;
    }
    if let Some(t) = &a.title {
        case.title = t.clone();
    }
    if let Some(o) = &a.owner {
        case.owner = Some(o.clone());
    }
    if let Some(t) = &a.opened {
        case.opened_at = cx.at(Some(t))?;
    }
    if let Some(t) = &a.resolved {
        if case.resolved_at.is_none() {
            anyhow::bail!("case {id} is not resolved: 'casebook resolve' resolves it");
        }
        case.resolved_at = Some(cx.at(Some(t))?);
    }
    if let Some(t) = &a.closed {
        if case.closed_at.is_none() {
            anyhow::bail!("case {id} is not closed: 'casebook status {id} closed' closes it");
        }
        case.closed_at = Some(cx.at(Some(t))?);
    }
    let changed = cx.store.update_case_from(&original, case, cx.now, false)?;
    writeln!(out, "case {id}: {changed} field(s) changed")?;
    Ok(())
}
