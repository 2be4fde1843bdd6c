//! history, delete, restore: the audit trail, and taking changes back.

use super::table::Table;
use super::Context;
use anyhow::{bail, Result};
use chrono::Local;
use std::io::Write;

pub fn history(cx: &mut Context, case: &str, json: bool, out: &mut dyn Write) -> Result<()> {
    let id = match cx.store.find_case(case) {
        Ok(id) => id,
        // A deleted case keeps its trail.
        Err(e) => cx.store.deleted_case_id(case)?.ok_or(e)?,
    };
    let events = cx.store.history(id)?;
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&events)?)?;
        return Ok(());
    }
    let mut t = Table::new(&["event", "when", "actor", "what"])
        .right(&[0])
        .max_width(2, 24);
    for n in &events {
        t.row(vec![
            format!("{}", n.id),
            n.event
                .at
                .with_timezone(&Local)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            n.event.shown_actor().to_string(),
            if n.undo && n.event.kind != crate::store::UNDO {
                format!("undo: {}", n.event.summary())
            } else {
                n.event.summary()
            },
        ]);
    }
    write!(out, "{}", t.render())?;
    Ok(())
}

pub fn delete(cx: &mut Context, case: &str, out: &mut dyn Write) -> Result<()> {
    let id = cx.store.find_case(case)?;
    cx.store.delete_case(id, cx.now)?;
    writeln!(
        out,
        "deleted case {id}; 'casebook restore {id}' brings it back"
    )?;
    Ok(())
}

pub fn restore(
    cx: &mut Context,
    case: Option<&str>,
    touch: Option<i64>,
    out: &mut dyn Write,
) -> Result<()> {
    match (case, touch) {
        (None, Some(t)) => {
            let case_id = cx.store.restore_touch(t, cx.now)?;
            writeln!(out, "restored touch #{t} of case {case_id}")?;
        }
        (Some(c), None) => {
            let Some(id) = cx.store.deleted_case_id(c)? else {
                bail!("no deleted case '{c}' (give the id it had, its ref or its uid)");
            };
            let now_id = cx.store.restore_case(id, cx.now)?;
            writeln!(out, "restored case {now_id}")?;
        }
        _ => bail!("give a deleted case (its id, ref or uid) or --touch ID"),
    }
    Ok(())
}
