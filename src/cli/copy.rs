//! copy: this casebook to another, or another into this one.

use super::transfer::{import_bar, show_progress, write_summary, Sides};
use super::{db_place, machine_clock, open_place, Cli};
use crate::io::json::ImportOptions;
use crate::store::Place;
use anyhow::{bail, Result};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("way").required(true).args(["to", "from"]))]
pub struct CopyArgs {
    /// Copy this casebook (--db) into PLACE: a file, or a postgresql:// URL (created if need be)
    #[arg(long, value_name = "PLACE")]
    pub to: Option<PathBuf>,
    /// Copy the casebook at PLACE (a file, or a postgresql:// URL) into this one (--db)
    #[arg(long, value_name = "PLACE")]
    pub from: Option<PathBuf>,
    /// A calendar, policy, at-risk share or saved view the destination has otherwise takes the source's [default: the destination's is kept]
    #[arg(long)]
    pub replace_setup: bool,
    /// Print the summary as JSON
    #[arg(long)]
    pub json: bool,
}

/// The copy's summary with `--json`: the import's, with where from and to.
#[derive(serde::Serialize)]
struct Copied<'a> {
    from: String,
    to: String,
    #[serde(flatten)]
    summary: &'a crate::io::ImportSummary,
}

/// A place given to --to or --from; a password written in it is warned
/// about (every account sees the arguments), never repeated.
fn place_of(option: &str, text: &std::path::Path) -> Result<Place> {
    let s = text.to_string_lossy();
    if crate::db_url::is_postgres_url(&s) && crate::db_url::holds_password(&s) {
        eprintln!(
            "{}",
            super::PASSWORD_IN_ARGUMENTS.replacen("--db", option, 1)
        );
    }
    Ok(Place::parse(text)?)
}

/// Whether two places are one casebook: the same file (by its real path),
/// or the same database on the same server as the same role.
fn same_casebook(a: &Place, b: &Place) -> bool {
    match (a, b) {
        (Place::File(a), Place::File(b)) => match (a.canonicalize(), b.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        },
        (Place::Server(_), Place::Server(_)) => a.shown() == b.shown(),
        _ => false,
    }
}

pub fn copy(cli: &Cli, a: &CopyArgs) -> Result<()> {
    if cli.as_of.is_some() {
        bail!("copy takes each casebook whole, as it is now: drop --as-of (and CASEBOOK_NOW)");
    }
    let here = db_place(cli)?;
    let (from, to) = match (&a.to, &a.from) {
        (Some(to), None) => (here, place_of("--to", to)?),
        (None, Some(from)) => (place_of("--from", from)?, here),
        _ => bail!("give one of --to PLACE or --from PLACE"),
    };
    let (shown_from, shown_to) = (from.shown(), to.shown());
    if same_casebook(&from, &to) {
        bail!("{shown_from} and {shown_to} are the same casebook: nothing to copy");
    }
    // The source first: a missing one creates nothing at the destination.
    let mut source = open_place(cli, &from, false, false).map_err(|e| {
        match e.downcast_ref::<crate::store::StoreError>() {
            Some(crate::store::StoreError::NoSuchFile(p)) => {
                anyhow::anyhow!("{} does not exist: nothing was copied", p.display())
            }
            _ => e,
        }
    })?;
    // A new destination file that the copy fails to fill is removed again.
    let new_file = match &to {
        Place::File(p) if !p.exists() => Some(p.clone()),
        _ => None,
    };
    let result = (|| -> Result<crate::io::ImportSummary> {
        let mut dest = open_place(cli, &to, true, false)?;
        if dest.read_only {
            bail!("{shown_to} can only be read");
        }
        // Every time in the source was accepted there already, those more
        // than a day ahead too.
        dest.allow_future = true;
        let now = dest.clock(machine_clock()?)?;
        let options = ImportOptions {
            dry_run: false,
            replace_setup: a.replace_setup,
        };
        let bar = import_bar();
        let summary =
            crate::io::copy::copy(&mut source, &mut dest, &shown_from, options, now, |s| {
                show_progress(&bar, s, false)
            })?;
        bar.finish_and_clear();
        Ok(summary)
    })();
    let summary = match result {
        Ok(summary) => summary,
        Err(e) => {
            if let Some(p) = new_file {
                remove_database_file(&p);
            }
            return Err(e.context(format!(
                "nothing was copied from {shown_from} to {shown_to}"
            )));
        }
    };
    let mut stdout = std::io::stdout().lock();
    if a.json {
        let copied = Copied {
            from: shown_from,
            to: shown_to,
            summary: &summary,
        };
        writeln!(stdout, "{}", serde_json::to_string_pretty(&copied)?)?;
    } else {
        let mut out = super::safe_out::SafeOut::new(stdout);
        let sides = Sides {
            ours: &shown_to,
            theirs: &format!("{shown_from}'s"),
        };
        write_summary(
            &mut out,
            &format!("copied {shown_from} to {shown_to}: "),
            sides,
            &summary,
        )?;
        out.flush()?;
    }
    Ok(())
}

/// Removes a database file the copy created (with SQLite's files beside it).
fn remove_database_file(path: &std::path::Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}
