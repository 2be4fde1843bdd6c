//! `casebook edit`: change a case's own fields.

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
    let changed = cx.store.update_case_from(&original, case, cx.now, false)?;
    writeln!(out, "case {id}: {changed} field(s) changed")?;
    Ok(())
}
