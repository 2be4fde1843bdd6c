//! demo, backup, check.

use super::Context;
use anyhow::{bail, Result};
use std::io::Write;
use std::path::Path;

pub fn demo(cx: &mut Context, out: &mut dyn Write) -> Result<()> {
    let s = crate::io::demo::load(&mut cx.store, cx.now)?;
    writeln!(
        out,
        "demo stories in {}: {} new, {} already there",
        cx.store.path.display(),
        s.created,
        s.unchanged + s.updated
    )?;
    Ok(())
}

pub fn backup(cx: &mut Context, path: &Path, out: &mut dyn Write) -> Result<()> {
    cx.store.backup(path)?;
    writeln!(
        out,
        "backed up {} to {}",
        cx.store.path.display(),
        path.display()
    )?;
    Ok(())
}

pub fn check(cx: &mut Context, out: &mut dyn Write) -> Result<()> {
    let problems = cx.store.check()?;
    if problems.is_empty() {
        writeln!(
            out,
            "ok: {} passes the integrity check; schema version {}",
            cx.store.path.display(),
            cx.store.schema_version()?
        )?;
        return Ok(());
    }
    for p in &problems {
        writeln!(out, "{p}")?;
    }
    bail!(
        "{} problem(s) found in {}",
        problems.len(),
        cx.store.path.display()
    )
}
