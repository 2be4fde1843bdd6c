//! Reading CSV through a mapping into case records. Times without a zone are
//! read as UTC, so durations are the file's own wall-clock differences.

use super::csv_map::{EventLog, Field, Mapping, Source};
use super::csv_values::lookup;
use super::json::CaseRecord;
use super::ImportError;
use crate::domain::time_rules::{time_problems, WriteClock};
use crate::domain::{Case, Channel, Money, StartedBy, Status, TouchOutcome, Touchpoint};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use std::collections::{BTreeMap, HashMap};

/// The vendor of a row whose vendor cell is blank.
pub const UNKNOWN_VENDOR: &str = "(unknown)";

const NAIVE_FORMATS: &[&str] = &[
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%Y/%m/%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
];
const DATE_FORMATS: &[&str] = &["%Y-%m-%d", "%m/%d/%Y", "%Y/%m/%d"];

/// A time in any of the forms exports use.
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S %z") {
        return Some(t.with_timezone(&Utc));
    }
    for f in NAIVE_FORMATS {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Some(t.and_utc());
        }
    }
    for f in DATE_FORMATS {
        if let Ok(d) = NaiveDate::parse_from_str(s, f) {
            return d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
        }
    }
    None
}

/// Whitespace runs (line breaks, tabs, repeated spaces) as single spaces.
pub fn fold_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What a CSV file gave, beside its cases: notes on columns it lacks, how
/// many titles had their whitespace folded to single spaces, how many cases
/// had no vendor (they go to `(unknown)`), and the values no mapping knows
/// (taken as `other`), by column and value, with how many rows had each.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CsvNotes {
    pub missing: Vec<String>,
    pub folded_titles: usize,
    pub blank_vendors: usize,
    pub unknown_values: BTreeMap<(String, String), usize>,
}

/// How a CSV file is read: strictly (a value no mapping knows stops the
/// import), and what it gave besides its cases.
struct Reading {
    strict: bool,
    notes: CsvNotes,
}

/// One data row with its header, and where it is in the file.
struct Row<'a> {
    cells: &'a csv::StringRecord,
    index: &'a HashMap<String, usize>,
    file: &'a str,
    line: usize,
}

impl Row<'_> {
    fn cell(&self, column: &str) -> &str {
        self.index
            .get(column)
            .and_then(|i| self.cells.get(*i))
            .map_or("", str::trim)
    }

    fn bad(&self, column: &str, reason: impl std::fmt::Display) -> ImportError {
        ImportError::BadRecord {
            file: self.file.to_string(),
            line: self.line,
            reason: format!("column '{column}': {reason}"),
        }
    }

    /// A field's text, or None when its cells are empty. Every field but the
    /// note is one line: its whitespace (line breaks, tabs, runs of spaces)
    /// folds to single spaces.
    fn text(&self, m: &Mapping, field: Field) -> Option<String> {
        let raw = self.raw_text(m, field)?;
        if field == Field::Note {
            return Some(raw);
        }
        Some(fold_whitespace(&raw)).filter(|t| !t.is_empty())
    }

    /// A field's text as the file has it, or None when its cells are empty.
    fn raw_text(&self, m: &Mapping, field: Field) -> Option<String> {
        let value = match m.source(field)? {
            Source::Column(c) => self.cell(c).to_string(),
            Source::Literal(t) => t.clone(),
            Source::Join(cols, sep) => cols
                .iter()
                .map(|c| self.cell(c))
                .filter(|v| !v.is_empty())
                .collect::<Vec<_>>()
                .join(sep),
        };
        (!value.is_empty()).then_some(value)
    }

    /// The column a field reads (for error messages).
    fn column(m: &Mapping, field: Field) -> String {
        match m.source(field) {
            Some(Source::Column(c)) => c.clone(),
            Some(Source::Join(cs, _)) => cs.join("+"),
            _ => field.name().to_string(),
        }
    }

    fn time(&self, m: &Mapping, field: Field) -> Result<Option<DateTime<Utc>>, ImportError> {
        match self.text(m, field) {
            None => Ok(None),
            Some(t) => parse_time(&t).map(Some).ok_or_else(|| {
                self.bad(&Self::column(m, field), format!("'{t}' is not a time (RFC 3339, YYYY-MM-DD HH:MM:SS, MM/DD/YYYY HH:MM:SS AM…)"))
            }),
        }
    }

    fn parsed<T: std::str::FromStr>(
        &self,
        m: &Mapping,
        field: Field,
    ) -> Result<Option<T>, ImportError>
    where
        T::Err: std::fmt::Display,
    {
        self.text(m, field)
            .map(|t| {
                t.parse::<T>()
                    .map_err(|e| self.bad(&Self::column(m, field), e))
            })
            .transpose()
    }

    fn money(&self, m: &Mapping, field: Field) -> Result<Option<Money>, ImportError> {
        self.text(m, field)
            .map(|t| Money::parse(&t).map_err(|e| self.bad(&Self::column(m, field), e)))
            .transpose()
    }

    /// The case this row describes (for event logs: the first event's row).
    fn case(&self, m: &Mapping, r: &mut Reading) -> Result<Case, ImportError> {
        let vendor = self.text(m, Field::Vendor).unwrap_or_else(|| {
            r.notes.blank_vendors += 1;
            UNKNOWN_VENDOR.to_string()
        });
        let opened = self.time(m, Field::OpenedAt)?;
        let opened = opened.ok_or_else(|| {
            self.bad(
                &Self::column(m, Field::OpenedAt),
                "the opening time is empty",
            )
        })?;
        let title = self
            .text(m, Field::Title)
            .unwrap_or_else(|| "(no title)".into());
        let mut case = Case::new(&title, &vendor, opened);
        case.reference = self
            .text(m, Field::Ref)
            .map(|r| format!("{}{r}", m.ref_prefix));
        case.product = self.text(m, Field::Product);
        case.customer = self.text(m, Field::Customer);
        case.owner = self.text(m, Field::Owner);
        case.currency = self.text(m, Field::Currency);
        case.category = self.parsed(m, Field::Category)?.unwrap_or(case.category);
        case.stage = self.parsed(m, Field::Stage)?;
        case.priority = match self.text(m, Field::Priority) {
            None => case.priority,
            Some(p) => match lookup(&m.priority_values, &p) {
                Some(p) => p,
                None => p
                    .parse()
                    .map_err(|e| self.bad(&Self::column(m, Field::Priority), e))?,
            },
        };
        case.purchase_amount = self.money(m, Field::PurchaseAmount)?;
        case.refund_amount = self.money(m, Field::RefundAmount)?;
        case.tags = self.text(m, Field::Tags).map_or(Vec::new(), |t| {
            t.split(m.tag_separators)
                .map(|s| s.trim().to_lowercase())
                .filter(|s| !s.is_empty())
                .collect()
        });
        if let Some(o) = self.text(m, Field::Outcome) {
            case.outcome = match lookup(&m.outcome_values, &o) {
                Some(r) => Some(r),
                None if !m.outcome_values.is_empty() => None,
                None => Some(
                    o.parse()
                        .map_err(|e| self.bad(&Self::column(m, Field::Outcome), e))?,
                ),
            };
        }
        Ok(case)
    }

    fn status(&self, m: &Mapping) -> Result<Option<Status>, ImportError> {
        let Some(s) = self.text(m, Field::Status) else {
            return Ok(None);
        };
        if let Some(st) = lookup(&m.status_values, &s) {
            return Ok(Some(st));
        }
        s.parse()
            .map(Some)
            .map_err(|e| self.bad(&Self::column(m, Field::Status), e))
    }

    /// The channel a row's value means: the mapping's word for it, else a
    /// casebook channel, else `other` (counted; refused when strict). A
    /// fixed text given with `--map channel==TEXT` is taken as it is.
    fn channel(&self, m: &Mapping, r: &mut Reading) -> Result<Option<Channel>, ImportError> {
        let Some(value) = self.text(m, Field::Channel) else {
            return Ok(None);
        };
        let column = Self::column(m, Field::Channel);
        let name = if matches!(m.source(Field::Channel), Some(Source::Literal(_))) {
            value
        } else if let Some(ch) = lookup(&m.channel_values, &value) {
            ch.to_string()
        } else if Channel::known(&value).is_ok() || value.eq_ignore_ascii_case("other") {
            value
        } else if m.channel_values.is_empty() {
            // No preset's table: the spec's rule, a channel of its own
            // (kept lower-case).
            value
        } else if r.strict {
            let mut known: Vec<&str> = m.channel_values.iter().map(|(v, _)| *v).collect();
            known.extend(Channel::KNOWN);
            known.push("other");
            return Err(self.bad(
                &column,
                format!(
                    "'{value}' is a channel no mapping knows (--strict refuses it; without --strict it is taken as other); known: {}",
                    known.join(", ")
                ),
            ));
        } else {
            *r.notes
                .unknown_values
                .entry((column.clone(), value))
                .or_default() += 1;
            "other".to_string()
        };
        Channel::new(&name)
            .map(Some)
            .map_err(|e| self.bad(&column, e))
    }

    /// A flat row: one case, with a first touch on its channel when there is one.
    fn record(&self, m: &Mapping, r: &mut Reading) -> Result<CaseRecord, ImportError> {
        let mut case = self.case(m, r)?;
        let resolved = self.time(m, Field::ResolvedAt)?;
        let closed = self.time(m, Field::ClosedAt)?;
        // A status column decides; without one, a resolution time resolves.
        let status = match self.status(m)? {
            Some(s) => s,
            None if closed.is_some() => Status::Closed,
            None if resolved.is_some() => Status::Resolved,
            None => Status::Open,
        };
        case.status = status;
        if status.is_done() {
            case.resolved_at = resolved;
            case.closed_at = closed.filter(|_| status == Status::Closed);
        }
        let mut touches = Vec::new();
        let note = self.text(m, Field::Note);
        // A note without a channel still needs a touch to live on: channel `other`.
        let channel = match (self.channel(m, r)?, &note) {
            (Some(ch), _) => Some(ch),
            (None, Some(_)) => Some(Channel::new("other").map_err(|e| self.bad("note", e))?),
            (None, None) => None,
        };
        if let Some(ch) = channel {
            let mut t =
                Touchpoint::new(case.opened_at, ch, StartedBy::Customer, TouchOutcome::Sent);
            t.note = note.unwrap_or_default();
            touches.push(t);
        }
        // The domain's rule on times, said at the row and column it comes
        // from (the store applies it again, with the clock, at the write).
        let clock = WriteClock {
            now: case.opened_at,
            allow_future: true,
        };
        if let Some(p) = time_problems(&case, &touches, clock).into_iter().next() {
            let field = match p.field {
                "resolved_at" => Field::ResolvedAt,
                "closed_at" => Field::ClosedAt,
                _ => Field::OpenedAt,
            };
            return Err(self.bad(&Self::column(m, field), p.reason));
        }
        Ok(CaseRecord {
            case,
            touchpoints: touches,
            events: None,
        })
    }
}

/// The header's line (0-based) and its column index: the first of the first
/// 20 lines that has every column the mapping reads (exports sometimes begin
/// with lines of their own).
fn find_header(file: &str, text: &str, m: &Mapping) -> Result<(usize, usize), ImportError> {
    let wanted = m.columns(true);
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').take(20).enumerate() {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(line.as_bytes());
        if let Some(Ok(rec)) = r.records().next() {
            let cols: Vec<&str> = rec.iter().map(str::trim).collect();
            if wanted.iter().all(|w| cols.contains(w)) {
                return Ok((i, offset));
            }
        }
        offset += line.len();
    }
    let first: Vec<String> = text
        .lines()
        .next()
        .map_or(Vec::new(), |l| l.split(',').map(String::from).collect());
    let missing: Vec<&&str> = wanted
        .iter()
        .filter(|w| !first.iter().any(|c| c.trim().trim_matches('"') == **w))
        .collect();
    Err(ImportError::BadRecord {
        file: file.into(),
        line: 1,
        reason: format!(
            "no header line with the columns {missing:?} (give --preset or --map FIELD=COLUMN)"
        ),
    })
}

/// Reads a whole CSV file into case records, or stops at the first bad row.
/// Also returns notes on columns of the mapping that the file does not have,
/// and how many titles were folded to one line.
pub fn parse(
    file: &str,
    text: &str,
    m: &Mapping,
) -> Result<(Vec<CaseRecord>, CsvNotes), ImportError> {
    parse_strictly(file, text, m, false)
}

/// `parse`, and when `strict`, a value no mapping knows stops the import
/// instead of being taken as `other`.
pub fn parse_strictly(
    file: &str,
    text: &str,
    m: &Mapping,
    strict: bool,
) -> Result<(Vec<CaseRecord>, CsvNotes), ImportError> {
    // A byte-order mark (spreadsheets write one) is not part of the first column's name.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if m.source(Field::Vendor).is_none()
        || (m.source(Field::OpenedAt).is_none() && m.event_log.is_none())
    {
        return Err(ImportError::BadRecord {
            file: file.into(),
            line: 1,
            reason: "the mapping needs at least vendor and opened_at (e.g. --map vendor=Company --map opened_at=Created)".into(),
        });
    }
    let (header_line, offset) = find_header(file, text, m)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(&text.as_bytes()[offset..]);
    let headers = reader
        .headers()
        .map_err(|e| ImportError::BadRecord {
            file: file.into(),
            line: header_line + 1,
            reason: e.to_string(),
        })?
        .clone();
    let mut index = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        index.entry(h.trim().to_string()).or_insert(i);
    }
    let mut missing: Vec<String> = m
        .columns(false)
        .into_iter()
        .filter(|c| !index.contains_key(*c))
        .map(|c| format!("{file} has no column '{c}': left empty"))
        .collect();
    missing.dedup();
    let mut rows = Vec::new();
    let mut lines = Lines::new(&text.as_bytes()[offset..], header_line + 1);
    for rec in reader.records() {
        let rec = rec.map_err(|e| ImportError::BadRecord {
            file: file.into(),
            line: e
                .position()
                .map_or(header_line + 1, |p| lines.of(p.byte() as usize)),
            reason: e.to_string(),
        })?;
        let line = rec
            .position()
            .map_or(header_line + 1, |p| lines.of(p.byte() as usize));
        rows.push((line, rec));
    }
    let mut reading = Reading {
        strict,
        notes: CsvNotes {
            missing,
            ..CsvNotes::default()
        },
    };
    let records = match &m.event_log {
        None => rows
            .iter()
            .map(|(line, cells)| {
                Row {
                    cells,
                    index: &index,
                    file,
                    line: *line,
                }
                .record(m, &mut reading)
            })
            .collect::<Result<Vec<_>, _>>()?,
        Some(log) => event_log(file, &rows, &index, m, log, &mut reading)?,
    };
    let folded_titles = rows
        .iter()
        .filter(|(line, cells)| {
            let row = Row {
                cells,
                index: &index,
                file,
                line: *line,
            };
            row.raw_text(m, Field::Title)
                .is_some_and(|t| fold_whitespace(&t) != t)
        })
        .count();
    Ok((
        records,
        CsvNotes {
            folded_titles,
            ..reading.notes
        },
    ))
}

/// The line (from 1) a record starts on, from the byte it starts at. The
/// CSV reader's own count is a line short after a CRLF line end: it ends a
/// record at the CR and counts the LF with the next one.
pub(super) struct Lines<'a> {
    text: &'a [u8],
    at: usize,
    line: usize,
}

impl<'a> Lines<'a> {
    /// Lines of `text`, whose first byte is on line `line` (from 1).
    pub(super) fn new(text: &'a [u8], line: usize) -> Self {
        Lines { text, at: 0, line }
    }

    /// Records come in order, so each count goes on from the last.
    pub(super) fn of(&mut self, byte: usize) -> usize {
        let mut start = byte.min(self.text.len());
        // A record starts after the line end the reader left behind.
        while start < self.text.len() && matches!(self.text[start], b'\r' | b'\n') {
            start += 1;
        }
        let start = start.max(self.at);
        self.line += self.text[self.at..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        self.at = start;
        self.line
    }
}

/// Folds an event log into one case per case id, one touch per event.
fn event_log(
    file: &str,
    rows: &[(usize, csv::StringRecord)],
    index: &HashMap<String, usize>,
    m: &Mapping,
    log: &EventLog,
    r: &mut Reading,
) -> Result<Vec<CaseRecord>, ImportError> {
    let m = &Mapping {
        fields: without_opened(m),
        ..m.clone()
    };
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, Vec<(DateTime<Utc>, Row)>> = HashMap::new();
    for (line, cells) in rows {
        let row = Row {
            cells,
            index,
            file,
            line: *line,
        };
        let key = row.cell(&log.case_column).to_string();
        if key.is_empty() {
            return Err(row.bad(&log.case_column, "the case id is empty"));
        }
        let raw = row.cell(&log.time_column);
        let at = parse_time(raw)
            .ok_or_else(|| row.bad(&log.time_column, format!("'{raw}' is not a time")))?;
        if !groups.contains_key(&key) {
            order.push(key.clone());
        }
        groups.entry(key).or_default().push((at, row));
    }
    let mut out = Vec::with_capacity(order.len());
    for key in order {
        let Some(mut events) = groups.remove(&key) else {
            continue;
        };
        events.sort_by_key(|(at, r)| (*at, r.line));
        let (opened, first) = &events[0];
        let mut case = first.case(m, r)?;
        case.opened_at = *opened;
        let mut touches = Vec::with_capacity(events.len());
        for (at, row) in &events {
            let activity = row.cell(&log.activity_column);
            if activity.eq_ignore_ascii_case(&log.resolve_activity) {
                case.resolved_at = Some(*at);
            }
            if activity.eq_ignore_ascii_case(&log.close_activity) {
                case.closed_at = Some(*at);
            }
            let channel = row
                .channel(m, r)?
                .unwrap_or_else(|| Channel::new("other").unwrap_or_else(|_| unreachable!()));
            let outcome = if activity.eq_ignore_ascii_case(&log.resolve_activity) {
                TouchOutcome::Resolved
            } else {
                TouchOutcome::Other
            };
            let mut t = Touchpoint::new(*at, channel, StartedBy::Vendor, outcome);
            let actor = log
                .actor_column
                .as_deref()
                .map(|c| row.cell(c))
                .filter(|a| !a.is_empty());
            t.note = match actor {
                Some(a) => format!("{activity} ({a})"),
                None => activity.to_string(),
            };
            touches.push(t);
        }
        case.status = if case.closed_at.is_some() {
            Status::Closed
        } else if case.resolved_at.is_some() {
            Status::Resolved
        } else {
            Status::Open
        };
        out.push(CaseRecord {
            case,
            touchpoints: touches,
            events: None,
        });
    }
    Ok(out)
}

/// An event log's case takes its opening time from its first event.
fn without_opened(m: &Mapping) -> Vec<(Field, Source)> {
    let mut fields: Vec<(Field, Source)> = m
        .fields
        .iter()
        .filter(|(f, _)| *f != Field::OpenedAt)
        .cloned()
        .collect();
    if let Some(log) = &m.event_log {
        fields.push((Field::OpenedAt, Source::Column(log.time_column.clone())));
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_the_forms_exports_use() {
        let t = |s| parse_time(s).map(crate::domain::time::to_rfc3339);
        assert_eq!(t("06/26/2018 10:58:54 AM").unwrap(), "2018-06-26T10:58:54Z");
        assert_eq!(t("06/26/2018 12:50:01 PM").unwrap(), "2018-06-26T12:50:01Z");
        assert_eq!(
            t("2012/10/09 14:50:17.000").unwrap(),
            "2012-10-09T14:50:17Z"
        );
        assert_eq!(t("2020-03-18").unwrap(), "2020-03-18T00:00:00Z");
        assert_eq!(
            t("2024-05-14 09:56:38 -0700").unwrap(),
            "2024-05-14T16:56:38Z"
        );
        assert_eq!(
            t("2024-05-14T09:56:38+02:00").unwrap(),
            "2024-05-14T07:56:38Z"
        );
        assert!(t("yesterday").is_none());
    }
}
