//! demo, backup, check.

use super::Context;
use anyhow::{bail, Result};
use std::io::Write;
use std::path::Path;

pub fn demo(cx: &mut Context, stories_only: bool, out: &mut dyn Write) -> Result<()> {
    let s = crate::io::demo::load(&mut cx.store, cx.now)?;
    writeln!(
        out,
        "demo stories in {}: {} new, {} already there",
        cx.store.path.display(),
        s.created,
        s.unchanged + s.updated
    )?;
    if stories_only {
        return Ok(());
    }
    // The background goes in once: its dates are relative to the first load.
    use crate::io::background;
    if cx.store.find_case(background::FIRST_REF).is_ok() {
        writeln!(out, "background: already there (tag:generated)")?;
        return Ok(());
    }
    let now = cx.now;
    let cases = background::cases(now);
    cx.store.in_transaction(|w| {
        w.expect(&cases.iter().map(|(c, ts)| (c, &ts[..])).collect::<Vec<_>>())?;
        for (case, touches) in cases {
            w.merge_case(case, touches, None, now)?;
        }
        Ok(())
    })?;
    writeln!(
        out,
        "background: {} generated cases with {} vendors (tag:generated), so that Vendors and Channels have something to compare",
        background::CASES,
        background::VENDOR_COUNT
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

pub fn check(cx: &mut Context, repair: bool, out: &mut dyn Write) -> Result<()> {
    // A file others can read is left as it is, but said so: a warning on
    // stderr, not a problem, so the report and the exit status are the
    // integrity check's.
    if let Some(exposure) = crate::private_files::exposure(&cx.store.path) {
        let warning = format!("warning: {exposure}");
        eprintln!("{}", crate::text::safe_text(&warning));
    }
    if repair {
        let n = cx.store.repair_flag_rows()?;
        writeln!(out, "repaired the flag rows of {n} case(s)")?;
    }
    let mut problems = cx.store.check()?;
    problems.extend(cx.store.impossible_times()?);
    // The stored flags and triage order agree with a fresh derivation of
    // every case (a full read: check is the one command that sweeps).
    if problems.is_empty() && !cx.store.read_only {
        cx.bring_up_to_date()?;
        problems.extend(cx.store.derived_mismatches(cx.now)?);
    }
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

pub fn generate(cx: &mut Context, cases: usize, seed: u64, out: &mut dyn Write) -> Result<()> {
    let started = std::time::Instant::now();
    let mut rng = fastrand::Rng::with_seed(seed);
    let now = cx.now;
    let mut touches = 0usize;
    const BATCH: usize = 5_000;
    let mut done = 0;
    while done < cases {
        let n = BATCH.min(cases - done);
        cx.store.in_transaction(|w| {
            // A few hundred at a time, which the store is told of first.
            let mut i = done;
            let size = w.batch_size(500);
            while i < done + n {
                let batch: Vec<_> = (i..(i + size).min(done + n))
                    .map(|k| crate::io::generate::case(&mut rng, k + 1, now))
                    .collect();
                i += batch.len();
                w.expect(&batch.iter().map(|(c, ts)| (c, &ts[..])).collect::<Vec<_>>())?;
                for (case, ts) in batch {
                    touches += ts.len();
                    w.merge_case(case, ts, None, now)?;
                }
            }
            Ok(())
        })?;
        done += n;
    }
    writeln!(
        out,
        "generated {cases} case(s) with {touches} touchpoints in {:.1} s",
        started.elapsed().as_secs_f64()
    )?;
    Ok(())
}
