//! import and export.

use super::Context;
use crate::io::csv_import;
use crate::io::csv_map::Mapping;
use crate::io::json::{self, Format};
use crate::io::json_lines;
use anyhow::Result;
use clap::Args;
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

/// The whole file, for the formats that are not read as a stream.
fn read_whole(file: &Path, name: &str) -> Result<String> {
    let bytes = if name == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes)?;
        bytes
    } else {
        std::fs::read(file).map_err(|e| anyhow::anyhow!("cannot read {name}: {e}"))?
    };
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{name}: not UTF-8 text (byte {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// The file (or standard input) as a stream of lines.
fn open_lines(file: &Path, name: &str) -> Result<Box<dyn BufRead + Send>> {
    const BUFFER: usize = 1 << 20;
    Ok(if name == "-" {
        Box::new(BufReader::with_capacity(BUFFER, std::io::stdin()))
    } else {
        let f =
            std::fs::File::open(file).map_err(|e| anyhow::anyhow!("cannot read {name}: {e}"))?;
        Box::new(BufReader::with_capacity(BUFFER, f))
    })
}

pub fn import(cx: &mut Context, a: &ImportArgs, out: &mut dyn Write) -> Result<()> {
    let name = a.file.display().to_string();
    let format = a.format.unwrap_or_else(|| Format::guess(&name));
    let summary = if format == Format::Csv || a.preset.is_some() || !a.map.is_empty() {
        let mut mapping = match &a.preset {
            Some(p) => Mapping::preset(p).map_err(anyhow::Error::msg)?,
            None => Mapping::empty(),
        };
        for spec in &a.map {
            mapping.apply(spec).map_err(anyhow::Error::msg)?;
        }
        let text = read_whole(&a.file, &name)?;
        let (records, notes) = csv_import::parse(&name, &text, &mapping)?;
        for n in &notes.missing {
            eprintln!("note: {n}");
        }
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
        json::import_each(
            &mut cx.store,
            &[],
            records.into_iter().map(|r| Ok(r.into())),
            a.dry_run,
            cx.now,
            show_progress,
        )?
    } else if format == Format::Jsonl {
        let lines = open_lines(&a.file, &name)?;
        json_lines::import_stream(
            &mut cx.store,
            &name,
            lines,
            a.dry_run,
            cx.now,
            show_progress,
        )?
    } else {
        let text = read_whole(&a.file, &name)?;
        let (vendors, records) = json::parse_with_now(&name, &text, format, cx.now)?;
        json::import_each(
            &mut cx.store,
            &vendors,
            records.into_iter().map(|r| Ok(r.into())),
            a.dry_run,
            cx.now,
            show_progress,
        )?
    };
    end_progress();
    if a.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&summary)?)?;
    } else {
        writeln!(
            out,
            "{}{} case(s) read: {} new, {} updated, {} unchanged ({} touchpoints)",
            if a.dry_run {
                "dry run, nothing written: "
            } else {
                ""
            },
            summary.read,
            summary.created,
            summary.updated,
            summary.unchanged,
            summary.touchpoints
        )?;
    }
    Ok(())
}

/// On a terminal, how far an import has come, on one line of stderr.
fn show_progress(s: &crate::io::ImportSummary) {
    use std::io::IsTerminal;
    if std::io::stderr().is_terminal() {
        eprint!("\r{} case(s), {} touchpoints read…", s.read, s.touchpoints);
    }
}

fn end_progress() {
    use std::io::IsTerminal;
    if std::io::stderr().is_terminal() {
        eprint!("\r\x1b[K");
    }
}

pub fn export(cx: &mut Context, a: &ExportArgs, out: &mut dyn Write) -> Result<()> {
    match &a.output {
        None => json::export(&cx.store, a.format, out),
        Some(path) => {
            // Write beside the target and rename, so a failed export leaves no half file.
            let tmp = path.with_extension("part");
            let file = std::fs::File::create(&tmp)
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
