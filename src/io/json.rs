//! Case JSON and JSON Lines: the export's own shape, read back losslessly.

pub use super::setup::VendorRecord;
use super::setup::{self, FileSetup, SetupRecord};
use super::{ImportError, ImportSummary};
use crate::domain::cost::CaseCost;
use crate::domain::friction::Flag;
use crate::domain::measures::{CaseMeasures, Stage};
use crate::domain::next_action::NextAction;
use crate::domain::Money;
use crate::domain::{Case, Touchpoint};
use crate::store::{Event, EventText, Merge, RawEvent, ReadySummary, Store, StoreError, Writer};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::io::Write;

/// One case as import reads it and export writes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CaseRecord {
    #[serde(flatten)]
    pub case: Case,
    #[serde(default)]
    pub touchpoints: Vec<Touchpoint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<Event>>,
}

/// A case as the writer takes it in: its events' values already the JSON
/// text the store keeps (made on the reading thread for JSON Lines).
#[derive(Debug, Clone)]
pub struct Incoming {
    pub case: Case,
    pub touchpoints: Vec<Touchpoint>,
    pub events: Option<Vec<EventText>>,
    /// Its summary if it is new, made beforehand (on the reading thread).
    pub summary: Option<ReadySummary>,
}

impl From<CaseRecord> for Incoming {
    fn from(r: CaseRecord) -> Self {
        Incoming {
            case: r.case,
            touchpoints: r.touchpoints,
            events: r
                .events
                .map(|list| list.into_iter().map(EventText::from).collect()),
            summary: None,
        }
    }
}

/// `show --json`: the case, its touches, its flags and its measures.
#[derive(Debug, Serialize)]
pub struct ShownCase<'a> {
    #[serde(flatten)]
    pub case: &'a Case,
    pub touchpoints: &'a [Touchpoint],
    pub flags: Vec<FlagRecord>,
    pub measures: CaseMeasures,
    /// The service level under the policy that applies, or null.
    pub sla: Option<crate::domain::sla::CaseSla>,
    pub cost: CaseCost,
    pub next_action: Option<NextAction>,
    /// The channel map, stage by stage, with each stage's hours and cost to serve.
    pub channel_map: Vec<ShownStage>,
}

/// One stage of the channel map in `show --json`.
#[derive(Debug, Serialize)]
pub struct ShownStage {
    #[serde(flatten)]
    pub stage: Stage,
    pub hours: f64,
    pub cost: Money,
}

/// One flag as `flags --json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct FlagRecord {
    pub case: i64,
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    pub pattern: &'static str,
    pub evidence: Vec<i64>,
    pub explanation: String,
}

impl FlagRecord {
    pub fn of(case: &Case, f: &Flag) -> FlagRecord {
        FlagRecord {
            case: case.id,
            reference: case.reference.clone(),
            pattern: f.pattern.id(),
            evidence: f.evidence.clone(),
            explanation: f.explanation.clone(),
        }
    }
}

#[derive(Deserialize)]
struct RawDocument<'a> {
    casebook: u32,
    #[serde(default)]
    vendors: Vec<VendorRecord>,
    #[serde(borrow, default)]
    setup: Option<&'a RawValue>,
    #[serde(borrow)]
    cases: Vec<&'a RawValue>,
}

/// The format version this casebook reads and writes.
pub const VERSION: u32 = 1;

/// The refusal of a file of a newer format.
pub(super) fn newer_format(found: u32) -> String {
    format!("\"casebook\": {found} is a newer format than this casebook reads ({VERSION})")
}

/// How an import takes in a file.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Report what would happen and write nothing.
    pub dry_run: bool,
    /// A calendar, policy, share or view the file has otherwise takes the import's.
    pub replace_setup: bool,
}

/// The format of an import or export file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Json,
    Jsonl,
    Csv,
}

impl Format {
    /// From a file name's ending; JSON when it says nothing.
    pub fn guess(path: &str) -> Format {
        let lower = path.to_lowercase();
        if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") {
            Format::Jsonl
        } else if lower.ends_with(".csv") {
            Format::Csv
        } else {
            Format::Json
        }
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// How an error names a case: its place in the file (from 1) and its ref.
fn case_name(index: usize, reference: Option<&str>) -> String {
    match reference {
        Some(r) => format!("case {index} (ref '{r}')"),
        None => format!("case {index}"),
    }
}

/// Reads and checks one case record; errors name the line, the case (its
/// place in the file and its ref), the field and the reason.
pub(super) fn record(
    file: &str,
    text: &str,
    line: usize,
    index: usize,
    now: DateTime<Utc>,
) -> Result<CaseRecord, ImportError> {
    let bad = |line: usize, reason: String| ImportError::BadRecord {
        file: file.to_string(),
        line,
        reason,
    };
    let mut rec: CaseRecord = match serde_json::from_str(text) {
        Ok(rec) => rec,
        // The slow path: times in other forms, or a wrong field to name.
        Err(_) => {
            let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
                bad(
                    line + e.line().saturating_sub(1),
                    format!("{}: {e}", case_name(index, None)),
                )
            })?;
            let reference = value
                .get("ref")
                .and_then(|r| r.as_str())
                .map(str::to_string);
            let who = case_name(index, reference.as_deref());
            match super::json_read::record(value, now) {
                Ok(rec) => rec,
                Err(w) => return Err(bad(line, format!("{who}: {}: {}", w.field, w.reason))),
            }
        }
    };
    let what = case_name(index, rec.case.reference.as_deref());
    rec.case
        .validate()
        .map_err(|e| bad(line, format!("{what}: {e}")))?;
    for (i, t) in rec.touchpoints.iter_mut().enumerate() {
        t.validate()
            .map_err(|e| bad(line, format!("{what}: touchpoints[{i}].{e}")))?;
    }
    Ok(rec)
}

/// Parses a whole file into its setup (vendor aliases, service levels, saved
/// views) and records, or the first bad record; relative times (`now`,
/// `-2d`) count from the clock.
pub fn parse(
    file: &str,
    text: &str,
    format: Format,
) -> Result<(FileSetup, Vec<CaseRecord>), ImportError> {
    parse_with_now(file, text, format, Utc::now())
}

/// Parses a whole file into its setup and records, or the first bad
/// record; relative times (`now`, `-2d`) count from `now`.
pub fn parse_with_now(
    file: &str,
    text: &str,
    format: Format,
    now: DateTime<Utc>,
) -> Result<(FileSetup, Vec<CaseRecord>), ImportError> {
    let bad = |line: usize, reason: String| ImportError::BadRecord {
        file: file.to_string(),
        line,
        reason,
    };
    match format {
        Format::Jsonl => {
            let mut records = super::json_lines::JsonLines::new(file, text.as_bytes(), now);
            let setup = records.header()?;
            Ok((setup, records.collect::<Result<_, _>>()?))
        }
        Format::Json => {
            let doc: RawDocument =
                serde_json::from_str(text).map_err(|e| bad(e.line(), e.to_string()))?;
            if doc.casebook != VERSION {
                return Err(bad(1, newer_format(doc.casebook)));
            }
            let setup = match doc.setup {
                None => FileSetup {
                    vendors: doc.vendors,
                    ..Default::default()
                },
                Some(raw) => {
                    let line = line_of(text, raw.get().as_ptr() as usize - text.as_ptr() as usize);
                    serde_json::from_str::<SetupRecord>(raw.get())
                        .map_err(|e| bad(line + e.line() - 1, format!("setup: {e}")))?
                        .read(doc.vendors)
                        .map_err(|e| bad(line, e))?
                }
            };
            let mut out = Vec::with_capacity(doc.cases.len());
            for raw in doc.cases {
                let offset = raw.get().as_ptr() as usize - text.as_ptr() as usize;
                let index = out.len() + 1;
                out.push(record(file, raw.get(), line_of(text, offset), index, now)?);
            }
            Ok((setup, out))
        }
        Format::Csv => Err(bad(1, "CSV is read by the CSV importer".into())),
    }
}

/// Takes in parsed records, all in one transaction: all of them or none.
pub fn import(
    store: &mut Store,
    setup: &FileSetup,
    records: Vec<CaseRecord>,
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<ImportSummary, ImportError> {
    let options = ImportOptions {
        dry_run,
        ..Default::default()
    };
    import_each(
        store,
        setup,
        records.into_iter().map(|r| Ok(r.into())),
        options,
        now,
        |_| {},
    )
}

/// Takes in a file's setup and its records as they are parsed, all in one
/// transaction: a bad record stops it and nothing is written. `progress`
/// hears the summary every 1 000 cases.
pub fn import_each(
    store: &mut Store,
    setup: &FileSetup,
    records: impl Iterator<Item = Result<Incoming, ImportError>>,
    options: ImportOptions,
    now: DateTime<Utc>,
    progress: impl FnMut(&ImportSummary),
) -> Result<ImportSummary, ImportError> {
    import_with(store, setup, |_| Ok(records), options, now, progress)
}

/// How many cases an import takes in at a time (see `Writer::expect`).
const EXPECTED: usize = 500;

/// `import_each` whose records come from `records`, called once the setup is
/// restored (JSON Lines starts its reading thread there, with the summarizer
/// of the setup as restored).
pub(super) fn import_with<I: Iterator<Item = Result<Incoming, ImportError>>>(
    store: &mut Store,
    setup: &FileSetup,
    records: impl FnOnce(&Writer) -> Result<I, StoreError>,
    options: ImportOptions,
    now: DateTime<Utc>,
    mut progress: impl FnMut(&ImportSummary),
) -> Result<ImportSummary, ImportError> {
    let dry_run = options.dry_run;
    let mut summary = ImportSummary {
        dry_run,
        ..Default::default()
    };
    let mut bad_record = None;
    let result = store.in_transaction(|w| {
        // Into a new file, the indexes that only order and filter are built
        // once at the end rather than kept in order case by case.
        w.defer_indexes()?;
        summary.setup = setup::restore(w, setup, options.replace_setup, now)?;
        let mut records = records(w)?;
        let size = w.batch_size(EXPECTED);
        loop {
            // A batch at a time, which the store is told of first (a server
            // asks once for the batch whether its cases are new).
            let mut batch = Vec::with_capacity(size);
            let mut bad = None;
            for rec in records.by_ref() {
                match rec {
                    Ok(mut rec) => {
                        super::content_key::fill_missing(&mut rec.case, &rec.touchpoints);
                        batch.push(rec);
                    }
                    Err(e) => {
                        bad = Some(e);
                        break;
                    }
                }
                if batch.len() == size {
                    break;
                }
            }
            let last = bad.is_some() || batch.len() < size;
            w.expect(
                &(batch.iter())
                    .map(|r| (&r.case, &r.touchpoints[..]))
                    .collect::<Vec<_>>(),
            )?;
            for rec in batch {
                summary.read += 1;
                summary.touchpoints += rec.touchpoints.len();
                let merged = w.merge_ready(
                    rec.case,
                    rec.touchpoints,
                    rec.events.as_deref(),
                    rec.summary,
                    now,
                )?;
                match merged {
                    Merge::Created(_) => summary.created += 1,
                    Merge::Updated(_) => summary.updated += 1,
                    Merge::Unchanged(_) => summary.unchanged += 1,
                }
                if summary.read.is_multiple_of(1000) {
                    progress(&summary);
                }
            }
            if let Some(e) = bad {
                bad_record = Some(e);
                return Err(crate::store::StoreError::DryRun);
            }
            if last {
                break;
            }
        }
        if dry_run {
            // Roll back: the summary is what would have happened.
            return Err(crate::store::StoreError::DryRun);
        }
        Ok(())
    });
    if let Some(e) = bad_record {
        return Err(e);
    }
    match result {
        Ok(()) => Ok(summary),
        Err(crate::store::StoreError::DryRun) => Ok(summary),
        Err(e) => Err(e.into()),
    }
}

/// One case as export writes it: a `CaseRecord` whose events' values are
/// written as they were kept, not parsed and written again.
#[derive(Debug, Serialize)]
pub struct ExportRecord {
    #[serde(flatten)]
    pub case: Case,
    pub touchpoints: Vec<Touchpoint>,
    pub events: Vec<RawEvent>,
}

/// Writes every case as a JSON document or as JSON Lines, one case at a time.
pub fn export(store: &Store, format: Format, out: &mut dyn Write) -> anyhow::Result<()> {
    let window = crate::store::report::Window {
        since: None,
        until: None,
    };
    match format {
        Format::Jsonl => {
            // The setup, when there is one, on a first line of its own.
            let header = super::json_lines::Header::of_store(store)?;
            if !header.is_empty() {
                writeln!(out, "{}", serde_json::to_string(&header)?)?;
            }
            store.each_case_to_export(window, true, |case, touchpoints, events| {
                let rec = ExportRecord {
                    case,
                    touchpoints,
                    events,
                };
                let line = serde_json::to_string(&rec)
                    .map_err(|e| crate::store::StoreError::Output(e.to_string()))?;
                writeln!(out, "{line}")
                    .map_err(|e| crate::store::StoreError::Output(e.to_string()))?;
                Ok(())
            })?;
        }
        Format::Json => {
            write!(
                out,
                "{{\n\"casebook\": {VERSION},\n\"vendors\": {},\n\"setup\": {},\n\"cases\": [",
                serde_json::to_string(&setup::vendor_records(store)?)?,
                serde_json::to_string(&SetupRecord::of_store(store)?)?
            )?;
            let mut first = true;
            store.each_case_to_export(window, true, |case, touchpoints, events| {
                let rec = ExportRecord {
                    case,
                    touchpoints,
                    events,
                };
                let text = serde_json::to_string(&rec)
                    .map_err(|e| crate::store::StoreError::Output(e.to_string()))?;
                let sep = if first { "\n" } else { ",\n" };
                first = false;
                write!(out, "{sep}{text}")
                    .map_err(|e| crate::store::StoreError::Output(e.to_string()))?;
                Ok(())
            })?;
            writeln!(out, "\n]}}")?;
        }
        Format::Csv => super::csv_export::export(store, out)?,
    }
    Ok(())
}
