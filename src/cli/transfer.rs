//! import and export.

use super::Context;
use crate::io::csv_import;
use crate::io::csv_map::Mapping;
use crate::io::csv_own;
use crate::io::json::{self, Format, ImportOptions};
use crate::io::json_lines;
use crate::io::text_encoding::{self, TextEncoding};
use anyhow::Result;
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressFinish, ProgressStyle};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file to read (- for standard input)
    pub file: PathBuf,
    /// json, jsonl or csv [default: from the file name, else json]
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// A CSV preset: zendesk, nyc311, cfpb, helpdesk-log
    #[arg(long)]
    pub preset: Option<String>,
    /// A CSV column mapping, FIELD=COLUMN (repeat for more)
    #[arg(long = "map", value_name = "K=COL")]
    pub map: Vec<String>,
    /// Report what would happen and write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// JSON: a calendar, policy, at-risk share or saved view this casebook has otherwise takes the file's [default: this casebook's is kept]
    #[arg(long)]
    pub replace_setup: bool,
    /// The file's text encoding, when it is not UTF-8 (CSV and JSON)
    #[arg(long, value_enum)]
    pub encoding: Option<TextEncoding>,
    /// CSV: refuse a value no mapping knows (a channel) instead of taking it as other
    #[arg(long)]
    pub strict: bool,
    /// Print the summary as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// json, jsonl or csv (one row per touchpoint, or per case without touches)
    #[arg(long, value_enum, default_value = "json")]
    pub format: Format,
    /// Write to this file instead of standard output
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// The whole file, for the formats that are not read as a stream, as text
/// in its encoding (UTF-8 unless `--encoding` says otherwise).
fn read_whole(file: &Path, name: &str, encoding: Option<TextEncoding>) -> Result<String> {
    let bytes = if name == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes)?;
        bytes
    } else {
        std::fs::read(file).map_err(|e| anyhow::anyhow!("cannot read {name}: {e}"))?
    };
    Ok(text_encoding::decode(name, bytes, encoding)?)
}

/// The file (or standard input) as a stream of lines.
/// A JSON Lines file to read a line at a time; the bar follows its bytes.
fn open_lines(file: &Path, name: &str, bar: &ProgressBar) -> Result<Box<dyn BufRead + Send>> {
    const BUFFER: usize = 1 << 20;
    Ok(if name == "-" {
        Box::new(BufReader::with_capacity(BUFFER, std::io::stdin()))
    } else {
        let f =
            std::fs::File::open(file).map_err(|e| anyhow::anyhow!("cannot read {name}: {e}"))?;
        if let Some(meta) = f.metadata().ok().filter(|m| m.is_file()) {
            bar.set_length(meta.len());
            bar.set_style(bar_style("{bytes}/{total_bytes}"));
        }
        Box::new(BufReader::with_capacity(BUFFER, bar.wrap_read(f)))
    })
}

/// On a terminal (else nothing is drawn), how far an import has come: a bar
/// over the file's bytes or the cases parsed, with what has been read.
pub(super) fn import_bar() -> ProgressBar {
    // Cleared however the import ends, an error included.
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
        .with_finish(ProgressFinish::AndClear);
    if let Ok(style) = ProgressStyle::with_template("{spinner} {elapsed} {msg}") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

fn bar_style(amount: &str) -> ProgressStyle {
    ProgressStyle::with_template(&format!(
        "{{elapsed:>3}} {{msg}} [{{wide_bar}}] {amount} · {{eta}} left"
    ))
    .unwrap_or_else(|_| ProgressStyle::default_bar())
}

pub(super) fn show_progress(bar: &ProgressBar, s: &crate::io::ImportSummary, by_case: bool) {
    if by_case {
        bar.set_position(s.read as u64);
    }
    bar.set_message(format!("{} cases, {} touches", s.read, s.touchpoints));
}

pub fn import(cx: &mut Context, a: &ImportArgs, out: &mut dyn Write) -> Result<()> {
    let name = a.file.display().to_string();
    let bar = import_bar();
    // A file read whole is parsed first: the bar counts its cases.
    let by_cases = |n: usize| {
        bar.set_length(n as u64);
        bar.set_style(bar_style("{pos}/{len} cases"));
    };
    let format = a.format.unwrap_or_else(|| Format::guess(&name));
    let options = ImportOptions {
        dry_run: a.dry_run,
        replace_setup: a.replace_setup,
    };
    // A CSV file without a preset or a mapping is read first, to see whether
    // it is casebook's own export.
    let mut whole = if format == Format::Csv && a.preset.is_none() && a.map.is_empty() {
        Some(read_whole(&a.file, &name, a.encoding)?)
    } else {
        None
    };
    let own_csv = whole.as_deref().is_some_and(csv_own::is_own);
    let summary = if own_csv {
        // casebook's own CSV export: every column is the field of its name.
        let text = whole.take().unwrap_or_default();
        let records = csv_own::parse(&name, &text)?;
        by_cases(records.len());
        if a.dry_run && !a.json {
            writeln!(
                out,
                "casebook's own CSV export: each column is read back as the field of its name"
            )?;
        }
        json::import_each(
            &mut cx.store,
            &Default::default(),
            records.into_iter().map(|r| Ok(r.into())),
            options,
            cx.now,
            |s| show_progress(&bar, s, true),
        )?
    } else if format == Format::Csv || a.preset.is_some() || !a.map.is_empty() {
        let mut mapping = match &a.preset {
            Some(p) => Mapping::preset(p).map_err(anyhow::Error::msg)?,
            None => Mapping::empty(),
        };
        for spec in &a.map {
            mapping.apply(spec).map_err(anyhow::Error::msg)?;
        }
        let text = match whole.take() {
            Some(text) => text,
            None => read_whole(&a.file, &name, a.encoding)?,
        };
        let (records, notes) = csv_import::parse_strictly(&name, &text, &mapping, a.strict)?;
        for n in &notes.missing {
            bar.suspend(|| eprintln!("note: {n}"));
        }
        by_cases(records.len());
        if a.dry_run && !a.json {
            writeln!(out, "what each mapped column becomes:")?;
            for line in mapping.describe() {
                writeln!(out, "  {line}")?;
            }
        }
        if notes.folded_titles > 0 && !a.json {
            writeln!(
                out,
                "{} title(s) had line breaks or runs of spaces: folded to single spaces",
                notes.folded_titles
            )?;
        }
        let mut summary = json::import_each(
            &mut cx.store,
            &Default::default(),
            records.into_iter().map(|r| Ok(r.into())),
            options,
            cx.now,
            |s| show_progress(&bar, s, true),
        )?;
        summary.blank_vendors = notes.blank_vendors;
        summary.unknown_values = notes
            .unknown_values
            .into_iter()
            .map(|((column, value), rows)| crate::io::UnknownValueCount {
                column,
                value,
                rows,
            })
            .collect();
        summary
    } else if format == Format::Jsonl && a.encoding.is_none() {
        let lines = open_lines(&a.file, &name, &bar)?;
        json_lines::import_stream(&mut cx.store, &name, lines, options, cx.now, |s| {
            show_progress(&bar, s, false)
        })?
    } else {
        let text = read_whole(&a.file, &name, a.encoding)?;
        let (setup, records) = json::parse_with_now(&name, &text, format, cx.now)?;
        by_cases(records.len());
        json::import_each(
            &mut cx.store,
            &setup,
            records.into_iter().map(|r| Ok(r.into())),
            options,
            cx.now,
            |s| show_progress(&bar, s, true),
        )?
    };
    bar.finish_and_clear();
    if a.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&summary)?)?;
    } else {
        let prefix = if a.dry_run {
            "dry run, nothing written: "
        } else {
            ""
        };
        let sides = Sides {
            ours: "this casebook",
            theirs: "the file's",
        };
        write_summary(out, prefix, sides, &summary)?;
        for u in &summary.unknown_values {
            writeln!(
                out,
                "'{}' in column '{}' is a value no mapping knows: taken as other ({} row(s); --strict refuses it)",
                u.value, u.column, u.rows
            )?;
        }
    }
    Ok(())
}

/// Who is who in an import's summary: the casebook written to, and the
/// file (or casebook) it takes in.
pub(super) struct Sides<'a> {
    pub ours: &'a str,
    pub theirs: &'a str,
}

/// An import's (or a copy's) summary as people read it: after `prefix`,
/// the cases read and what became of them, the blank vendors, and what
/// became of the setup.
pub(super) fn write_summary(
    out: &mut dyn Write,
    prefix: &str,
    sides: Sides,
    summary: &crate::io::ImportSummary,
) -> Result<()> {
    let Sides { ours, theirs } = sides;
    writeln!(
        out,
        "{prefix}{} case(s) read: {} new, {} updated, {} unchanged ({} touchpoints)",
        summary.read, summary.created, summary.updated, summary.unchanged, summary.touchpoints
    )?;
    if summary.blank_vendors > 0 {
        writeln!(
            out,
            "{} case(s) with a blank vendor: filed under the vendor {}",
            summary.blank_vendors,
            csv_import::UNKNOWN_VENDOR
        )?;
    }
    let setup = &summary.setup;
    for (items, what) in [
        (&setup.added, "setup added".to_string()),
        (
            &setup.replaced,
            format!("setup replaced by {theirs} (--replace-setup)"),
        ),
        (
            &setup.kept,
            format!("setup kept as {ours} has it, though {theirs} differs (--replace-setup takes {theirs})"),
        ),
    ] {
        if !items.is_empty() {
            writeln!(out, "{what}: {}", items.join(", "))?;
        }
    }
    Ok(())
}

pub fn export(cx: &mut Context, a: &ExportArgs, out: &mut dyn Write) -> Result<()> {
    match &a.output {
        None => json::export(&cx.store, a.format, out),
        Some(path) => {
            // Write beside the target and rename, so a failed export leaves no
            // half file; readable by its owner alone, as the database is.
            let tmp = path.with_extension("part");
            let file = crate::private_files::create(&tmp)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", tmp.display()))?;
            let mut w = std::io::BufWriter::new(file);
            json::export(&cx.store, a.format, &mut w)?;
            w.into_inner()
                .map_err(|e| anyhow::anyhow!("{e}"))?
                .sync_all()?;
            std::fs::rename(&tmp, path)?;
            Ok(())
        }
    }
}
