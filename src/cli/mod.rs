//! The command line: clap definitions and one handler per subcommand.

mod cases;
mod copy;
mod docs;
mod edit;
pub mod first_run;
mod history;
mod journey;
mod json_array;
mod maintain;
mod report;
mod safe_out;
pub mod sla;
pub mod table;
mod term_width;
mod transfer;

use crate::config::Config;
use crate::domain::time::{far_ahead, parse_at};
use crate::store::Store;
use anyhow::{Context as _, Result};
use chrono::{DateTime, Local, Utc};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "casebook",
    version,
    about = "Log customer-service cases, measure time to resolution, find sales prevention.",
    long_about = "Log customer-service cases, measure time to resolution and every touchpoint, and find \
    'sales prevention': the ways a vendor or a channel makes getting help hard.\n\n\
    With no subcommand, opens the terminal app."
)]
pub struct Cli {
    /// The database file [default: $CASEBOOK_DB, then casebook.sqlite3 in the platform's data directory]
    #[arg(long, global = true, env = "CASEBOOK_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// The config file (TOML) [default: config.toml in the platform's config directory]
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Take this time as now: open cases' ages, waits, flags and SLA clocks
    /// are measured to it, so a report on open cases is reproducible [env: CASEBOOK_NOW]
    #[arg(
        long = "as-of",
        alias = "now",
        global = true,
        env = "CASEBOOK_NOW",
        hide_env = true,
        value_name = "AT",
        allow_hyphen_values = true
    )]
    pub as_of: Option<String>,
    /// Accept logged times more than a day ahead of now (they are refused as typos otherwise)
    #[arg(long, global = true)]
    pub future: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load the demo: the four stories, and a generated background (idempotent)
    Demo {
        /// Only the four stories, without the generated background
        #[arg(long)]
        stories_only: bool,
    },
    /// Log a new case; prints its id
    Add(cases::AddArgs),
    /// Log a touchpoint (a call, chat, email…) on a case
    Touch(cases::TouchArgs),
    /// Change a case's status
    Status {
        /// The case: its id, ref or uid
        case: String,
        /// open, waiting_vendor, waiting_customer, escalated, resolved, closed
        status: String,
        /// When [default: now]
        #[arg(long, value_name = "AT", allow_hyphen_values = true)]
        at: Option<String>,
    },
    /// Resolve a case with an outcome
    Resolve {
        /// The case: its id, ref or uid
        case: String,
        /// full_refund, partial_refund, replacement, repair, credit, workaround, self_resolved, explained, abandoned, none
        #[arg(long)]
        outcome: String,
        /// The amount refunded, such as 25.00
        #[arg(long)]
        refund: Option<String>,
        /// When [default: now]
        #[arg(long, value_name = "AT", allow_hyphen_values = true)]
        at: Option<String>,
    },
    /// List cases matching a query (vendor:X status:open flag:P sla:breached age>7d channel:C tag:T words…)
    List {
        /// The filter, in the query language (negate a term with a leading '!', or '-' after '--')
        query: Vec<String>,
        /// Sort by: urgency (open work; SLA breached, then at risk, by time left; broken promises; priority; flags; age), id, age, vendor, channel, status, flags, touches, sla (time left, breached first)
        #[arg(long, default_value = "urgency")]
        sort: String,
        /// Print at most this many
        #[arg(long)]
        limit: Option<usize>,
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Show one case: fields, timeline, flags, measures, channel map
    Show {
        /// The case: its id, ref or uid
        case: String,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// Change a case's own fields (stage, category, priority, title, owner)
    Edit(edit::EditArgs),
    /// Open cases in urgency order (SLA breached, then at risk, by time left; then broken promises, priority, flags, age), each with its next action (and why)
    Next {
        /// A filter in the query language, as for list
        query: Vec<String>,
        /// Print at most this many
        #[arg(long)]
        limit: Option<usize>,
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// The friction flags of one case or of all cases, with their evidence
    Flags {
        /// The case (its id, ref or uid) [default: every case]
        case: Option<String>,
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Group figures and friction per vendor, channel, category or party
    Report(report::ReportArgs),
    /// Import cases from JSON, JSON Lines or CSV (all or nothing; idempotent)
    Import(transfer::ImportArgs),
    /// Export every case as JSON, JSON Lines or CSV
    Export(transfer::ExportArgs),
    /// Copy this casebook to another (--to), or another into this one (--from): a file or a PostgreSQL URL; every case with its touches and trail, vendors' aliases and the setup (idempotent)
    Copy(copy::CopyArgs),
    /// Add a synthetic data set, for trying casebook at scale
    Generate {
        /// How many cases (about ten touches each)
        #[arg(long)]
        cases: usize,
        /// The seed: the same seed gives the same data
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// An online, consistent copy of the database
    Backup {
        /// Where to write the copy (must not exist)
        path: PathBuf,
    },
    /// Check the database's integrity and schema, and that every case's stored flags are current
    Check {
        /// First write again the flag rows that differ from a case's list
        /// of flags (files imported by builds before 2026-12-07)
        #[arg(long)]
        repair: bool,
    },
    /// A case's audit trail: every change, with the old and new value
    History {
        /// The case: its id, ref or uid (a deleted case's too)
        case: String,
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Delete a case and its touches (the audit trail keeps them; restore brings them back)
    Delete {
        /// The case: its id, ref or uid
        case: String,
    },
    /// Bring back a deleted case or touch
    Restore {
        /// The deleted case: the id it had, its ref or its uid
        case: Option<String>,
        /// A deleted touch, by its id
        #[arg(long, value_name = "ID", conflicts_with = "case")]
        touch: Option<i64>,
    },
    /// Service levels: business calendars and policies (first response, resolution)
    #[command(subcommand)]
    Sla(sla::SlaCommand),
    /// Print a shell completion script (see the README to install it)
    Completions {
        /// bash, zsh, fish, elvish or powershell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): casebook man > casebook.1
    Man,
}

/// What every handler needs: the store, the time now and the local zone.
pub struct Context {
    pub store: Store,
    pub now: DateTime<Utc>,
    /// `--future`: times more than a day ahead are meant.
    pub allow_future: bool,
}

/// From how many cases due a command says it is bringing them up to date.
const MANY_DUE: usize = 50_000;

/// From how many cases a view of the past says, before it starts, that it
/// measures them (seconds on a file, minutes on a server, at 100 000s).
const MANY_MEASURED: usize = 20_000;

/// Says on stderr that a view of the past is about to measure `n` cases at
/// `t`, when they are many.
pub fn say_measuring(n: usize, t: chrono::DateTime<chrono::Utc>) {
    if n >= MANY_MEASURED {
        eprintln!(
            "note: measuring {n} case(s) as they stood at {} (every case not settled by then); at this size it takes a while",
            t.format("%Y-%m-%d %H:%M UTC")
        );
    }
}

impl Context {
    /// Re-derives the cases whose derived data came due, first saying so
    /// when they are many (once after an upgrade, or after a long time away),
    /// so that a long wait is not a silent one.
    pub fn bring_up_to_date(&mut self) -> Result<()> {
        let due = self.store.cases_due(self.now)?;
        if due >= MANY_DUE {
            eprintln!(
                "note: bringing {due} case(s) up to date (their flags and figures changed with the clock, or the file was upgraded); this happens once"
            );
        }
        self.store.refresh_due(self.now)?;
        Ok(())
    }

    /// Parses a user's time (`AT`) of something that happened, against now
    /// and the local zone; more than a day ahead is refused without `--future`.
    pub fn at(&self, text: Option<&str>) -> Result<DateTime<Utc>> {
        let at = self.due(text)?;
        if far_ahead(at, self.now) && !self.allow_future {
            anyhow::bail!(
                "{} is more than a day ahead of now ({}); if that is meant, add --future",
                text.unwrap_or("now"),
                self.now.with_timezone(&Local).format("%Y-%m-%d %H:%M %Z")
            );
        }
        Ok(at)
    }

    /// Parses a time that may lie ahead (a promise's due time).
    pub fn due(&self, text: Option<&str>) -> Result<DateTime<Utc>> {
        match text {
            None => Ok(self.now),
            Some(t) => Ok(parse_at(t, self.now, &Local)?),
        }
    }
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

/// Where the user's casebook is: the file or server `--db` (or CASEBOOK_DB,
/// or the config) names, or the default file. A password written in the
/// arguments is warned about, never repeated.
pub fn db_place(cli: &Cli) -> Result<crate::store::Place> {
    match &cli.db {
        Some(p) => {
            let text = p.to_string_lossy();
            if crate::db_url::is_postgres_url(&text)
                && crate::db_url::holds_password(&text)
                && on_command_line(&text, std::env::args_os())
            {
                // Once, however many times the place is looked up.
                static WARNED: std::sync::Once = std::sync::Once::new();
                WARNED.call_once(|| eprintln!("{PASSWORD_IN_ARGUMENTS}"));
            }
            Ok(crate::store::Place::parse(p)?)
        }
        None => Ok(crate::store::Place::File(
            crate::store::default_path()
                .context("no home directory: give --db PATH or set CASEBOOK_DB")?,
        )),
    }
}

/// The database file the user chose, or the default (for what only a file has).
pub fn db_path(cli: &Cli) -> Result<PathBuf> {
    match db_place(cli)? {
        crate::store::Place::File(p) => Ok(p),
        crate::store::Place::Server(t) => anyhow::bail!(
            "{} is a PostgreSQL database: this works on a casebook file only",
            t.shown()
        ),
    }
}

/// Printed when a password is given in the arguments, where any account on
/// the machine can read it (`ps`); libpq's own places for it are private.
pub const PASSWORD_IN_ARGUMENTS: &str = "warning: the password in --db can be seen by every account on this machine in the process list (ps); \
keep it in ~/.pgpass (mode 0600) or in the PGPASSWORD variable, and leave it out of the URL";

/// Whether `value` (CASEBOOK_DB's, or --db's) was written in the arguments,
/// as `--db VALUE` or `--db=VALUE`, rather than taken from the environment.
fn on_command_line(value: &str, args: impl Iterator<Item = std::ffi::OsString>) -> bool {
    args.skip(1)
        .any(|arg| arg.to_string_lossy().contains(value))
}

pub fn load_config(cli: &Cli) -> Result<Config> {
    Ok(match &cli.config {
        Some(p) => Config::load(p, true)?,
        None => match crate::config::default_path() {
            Some(p) => Config::load(&p, false)?,
            None => Config::default(),
        },
    })
}

pub fn now(cli: &Cli) -> Result<DateTime<Utc>> {
    match &cli.as_of {
        Some(t) => Ok(parse_at(t, machine_clock()?, &Local)?),
        None => machine_clock(),
    }
}

/// The machine's clock: what it reads, or, for benchmarks and tests that
/// need the real clock at a chosen instant (the file's clock moves with it,
/// as with the real one, unlike --as-of), the RFC 3339 time in the
/// environment variable CASEBOOK_CLOCK.
pub fn machine_clock() -> Result<DateTime<Utc>> {
    crate::domain::time::machine_clock()
        .map_err(|t| anyhow::anyhow!("CASEBOOK_CLOCK '{t}' is not an RFC 3339 time"))
}

/// Opens the store with the user's config. Only `create` opens may make a
/// new file: commands that only read say that the file is missing instead.
pub fn open(cli: &Cli, create: bool) -> Result<Store> {
    open_as(cli, create, false)
}

/// `open`, or for a dry run a store that changes no file and creates none.
fn open_as(cli: &Cli, create: bool, dry_run: bool) -> Result<Store> {
    open_place(cli, &db_place(cli)?, create, dry_run)
}

/// Opens the casebook at `place` with the user's config (`open_as`).
fn open_place(
    cli: &Cli,
    place: &crate::store::Place,
    create: bool,
    dry_run: bool,
) -> Result<Store> {
    let config = load_config(cli)?;
    let mut store = if dry_run {
        Store::open_dry_run_at(place)?
    } else if create {
        Store::open_at(place)?
    } else {
        Store::open_existing_at(place)?
    };
    store.set_busy_timeout(std::time::Duration::from_millis(
        config.storage.busy_timeout_ms,
    ))?;
    store.set_thresholds(config.friction)?;
    store.set_summary_rates(crate::store::SummaryRates {
        cost: config.cost,
        next_action: config.next_action,
    })?;
    if store.read_only && place.is_server() {
        eprintln!(
            "note: this database role may only read {}; opened it read-only",
            store.path.display()
        );
    } else if store.read_only {
        eprintln!(
            "note: {} is read-only; opened it read-only",
            store.path.display()
        );
    }
    Ok(store)
}

/// Whether a command only reads (and so, under `--as-of`, reads a view of
/// the moment): Some(whether it needs the moment's tables), else None.
fn past_view(command: &Command) -> Option<bool> {
    match command {
        Command::Report(_) => Some(false),
        Command::List { .. }
        | Command::Show { .. }
        | Command::Flags { .. }
        | Command::Next { .. }
        | Command::History { .. }
        | Command::Export(_)
        | Command::Check { repair: false } => Some(true),
        _ => None,
    }
}

/// Runs one subcommand.
pub fn run(cli: &Cli, command: &Command) -> Result<()> {
    // These describe the command line; they need no database.
    match command {
        Command::Completions { shell } => return docs::completions(*shell, &mut std::io::stdout()),
        Command::Man => return docs::man(&mut std::io::stdout()),
        // Two casebooks, each opened by the command itself.
        Command::Copy(a) => return copy::copy(cli, a),
        _ => {}
    }
    let creates = matches!(
        command,
        Command::Demo { .. } | Command::Add(_) | Command::Import(_) | Command::Generate { .. }
    );
    let dry_run = matches!(command, Command::Import(a) if a.dry_run);
    let mut store = open_as(cli, creates && !dry_run, dry_run)?;
    store.allow_future = cli.future;
    let now = match &cli.as_of {
        Some(_) => {
            let t = now(cli)?;
            store.real_clock = false;
            // A look at the past (or ahead) is computed in memory: it writes
            // nothing. A report measures what it needs itself; the others
            // read the moment's tables.
            if let Some(tables) = past_view(command) {
                store.view_as_of_told(t, tables, |n| say_measuring(n, t))?;
            }
            t
        }
        None => store.clock(machine_clock()?)?,
    };
    let mut cx = Context {
        store,
        now,
        allow_future: cli.future,
    };
    // Human output passes through SafeOut; JSON, CSV and exports do not.
    let machine = match command {
        Command::List { json, .. }
        | Command::Show { json, .. }
        | Command::Flags { json, .. }
        | Command::Next { json, .. } => *json,
        Command::Report(a) => a.json || a.csv,
        Command::Import(a) => a.json,
        Command::Export(_) => true,
        _ => false,
    };
    let (mut raw, mut safe);
    let out: &mut dyn std::io::Write = if machine {
        // Buffered: a streamed listing is many small writes.
        raw = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        &mut raw
    } else {
        safe = safe_out::SafeOut::new(std::io::stdout().lock());
        &mut safe
    };
    let result = match command {
        Command::Demo { stories_only } => maintain::demo(&mut cx, *stories_only, out),
        Command::Add(a) => cases::add(&mut cx, a, out),
        Command::Touch(a) => cases::touch(&mut cx, a, out),
        Command::Status { case, status, at } => {
            cases::status(&mut cx, case, status, at.as_deref(), out)
        }
        Command::Resolve {
            case,
            outcome,
            refund,
            at,
        } => cases::resolve(
            &mut cx,
            case,
            outcome,
            refund.as_deref(),
            at.as_deref(),
            out,
        ),
        Command::List {
            query,
            sort,
            limit,
            json,
        } => cases::list(&mut cx, &query.join(" "), sort, *limit, *json, out),
        Command::Show { case, json } => cases::show(&mut cx, case, *json, out),
        Command::Edit(a) => edit::edit(&mut cx, a, out),
        Command::Next { query, limit, json } => {
            journey::next(&mut cx, &query.join(" "), *limit, *json, out)
        }
        Command::Flags { case, json } => cases::flags(&mut cx, case.as_deref(), *json, out),
        Command::Report(a) => report::report(&mut cx, a, out),
        Command::Import(a) => transfer::import(&mut cx, a, out),
        Command::Export(a) => transfer::export(&mut cx, a, out),
        Command::Generate { cases, seed } => maintain::generate(&mut cx, *cases, *seed, out),
        Command::Backup { path } => maintain::backup(&mut cx, path, out),
        Command::Check { repair } => maintain::check(&mut cx, *repair, out),
        Command::History { case, json } => history::history(&mut cx, case, *json, out),
        Command::Delete { case } => history::delete(&mut cx, case, out),
        Command::Restore { case, touch } => history::restore(&mut cx, case.as_deref(), *touch, out),
        Command::Sla(c) => sla::run(&mut cx, c, out),
        Command::Completions { .. } | Command::Man | Command::Copy(_) => Ok(()),
    };
    let flushed = out.flush();
    result?;
    Ok(flushed?)
}
