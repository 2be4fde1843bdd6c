//! Reading back casebook's own CSV export (`src/io/csv_export.rs`): one row
//! per touch, the case's fields on each of its rows. Every column is the
//! field of its name; case and touch ids are kept where the file has them
//! free, so export → import into a new file → export gives the same bytes.
//! A file is taken as casebook's own when its header has the columns only
//! casebook's export has (`case_id`, `uid`, `touch_id`, `touch_outcome`)
//! and no column casebook's export does not have; an older export, without
//! the columns added since, reads too.

use super::csv_export::{HEADER, TAG_SEPARATOR};
use super::csv_import::{parse_time, Lines};
use super::json::CaseRecord;
use super::ImportError;
use crate::domain::{Case, Channel, Money, Touchpoint};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::str::FromStr;

/// The columns that say a file is casebook's own export.
const OWN: [&str; 4] = ["case_id", "uid", "touch_id", "touch_outcome"];

/// The file's text without its byte-order mark.
fn body(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Whether `text` is a CSV export of casebook's own (see the module's note).
pub fn is_own(text: &str) -> bool {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body(text).as_bytes());
    let Some(Ok(header)) = r.records().next() else {
        return false;
    };
    OWN.iter().all(|c| header.iter().any(|h| h == *c)) && header.iter().all(|h| HEADER.contains(&h))
}

/// One row of the file, read by column name.
struct Row<'a> {
    cells: &'a csv::StringRecord,
    index: &'a HashMap<&'a str, usize>,
    file: &'a str,
    line: usize,
}

impl Row<'_> {
    /// The cell as written (empty when the file lacks the column).
    fn raw(&self, column: &str) -> &str {
        self.index
            .get(column)
            .and_then(|i| self.cells.get(*i))
            .unwrap_or("")
    }

    fn bad(&self, column: &str, reason: impl std::fmt::Display) -> ImportError {
        ImportError::BadRecord {
            file: self.file.to_string(),
            line: self.line,
            reason: format!("column '{column}': {reason}"),
        }
    }

    /// A text cell with the export's guard taken off: one leading `'`.
    fn text(&self, column: &str) -> String {
        let raw = self.raw(column);
        raw.strip_prefix('\'').unwrap_or(raw).to_string()
    }

    fn optional_text(&self, column: &str) -> Option<String> {
        Some(self.text(column)).filter(|t| !t.is_empty())
    }

    fn parsed<T: FromStr>(&self, column: &str) -> Result<Option<T>, ImportError>
    where
        T::Err: std::fmt::Display,
    {
        let raw = self.raw(column).trim();
        if raw.is_empty() {
            return Ok(None);
        }
        raw.parse()
            .map(Some)
            .map_err(|e| self.bad(column, format!("'{raw}': {e}")))
    }

    fn required<T: FromStr>(&self, column: &str) -> Result<T, ImportError>
    where
        T::Err: std::fmt::Display,
    {
        self.parsed(column)?
            .ok_or_else(|| self.bad(column, "is empty"))
    }

    fn time(&self, column: &str) -> Result<Option<DateTime<Utc>>, ImportError> {
        let raw = self.raw(column).trim();
        if raw.is_empty() {
            return Ok(None);
        }
        parse_time(raw)
            .map(Some)
            .ok_or_else(|| self.bad(column, format!("'{raw}' is not a time")))
    }

    fn money(&self, column: &str) -> Result<Option<Money>, ImportError> {
        let raw = self.raw(column).trim();
        if raw.is_empty() {
            return Ok(None);
        }
        Money::parse(raw).map(Some).map_err(|e| self.bad(column, e))
    }

    /// The case's fields, as its first row has them.
    fn case(&self) -> Result<Case, ImportError> {
        let opened = self
            .time("opened_at")?
            .ok_or_else(|| self.bad("opened_at", "is empty"))?;
        let mut c = Case::new(&self.text("title"), &self.text("vendor"), opened);
        c.id = self.parsed("case_id")?.unwrap_or(0);
        c.uid = self.raw("uid").trim().to_string();
        c.reference = self.optional_text("ref");
        c.marketplace = self.optional_text("marketplace");
        c.product = self.optional_text("product");
        c.order_ref = self.optional_text("order_ref");
        c.customer = self.optional_text("customer");
        c.owner = self.optional_text("owner");
        c.category = self.parsed("category")?.unwrap_or(c.category);
        c.stage = self.parsed("stage")?;
        c.priority = self.parsed("priority")?.unwrap_or(c.priority);
        c.status = self.parsed("status")?.unwrap_or(c.status);
        c.resolved_at = self.time("resolved_at")?;
        c.closed_at = self.time("closed_at")?;
        c.outcome = self.parsed("outcome")?;
        c.purchase_amount = self.money("purchase_amount")?;
        c.refund_amount = self.money("refund_amount")?;
        c.currency = self.optional_text("currency");
        c.customer_cost = self.money("customer_cost")?;
        c.churned = self.parsed("churned")?.unwrap_or(false);
        c.customer_minutes = self.parsed("customer_minutes")?;
        c.csat = self.parsed("csat")?;
        c.effort = self.parsed("effort")?;
        c.reopens = self.parsed("reopens")?.unwrap_or(0);
        c.tags = self.optional_text("tags").map_or(Vec::new(), |t| {
            t.split(TAG_SEPARATOR).map(String::from).collect()
        });
        c.validate().map_err(|e| self.bad(e.field, e.reason))?;
        Ok(c)
    }

    /// The row's touch, or None on the row of a case without touches.
    fn touch(&self) -> Result<Option<Touchpoint>, ImportError> {
        let Some(at) = self.time("at")? else {
            return Ok(None);
        };
        let channel = self.raw("channel").trim();
        let channel = Channel::new(channel).map_err(|e| self.bad("channel", e))?;
        let mut t = Touchpoint::new(
            at,
            channel,
            self.required("from")?,
            self.required("touch_outcome")?,
        );
        t.id = self.parsed("touch_id")?.unwrap_or(0);
        t.party = self.optional_text("party");
        t.minutes = self.parsed("minutes")?;
        t.wait_minutes = self.parsed("wait_minutes")?;
        t.ask = self.parsed("ask")?;
        t.promise_due = self.time("promise_due")?;
        t.waiting_on = self.parsed("waiting_on")?;
        t.note = self.text("note");
        t.validate()
            .map_err(|e| self.bad(&format!("touch {}", e.field), e.reason))?;
        Ok(Some(t))
    }

    /// Which case the row belongs to: its id, else its uid, else its ref.
    fn case_key(&self) -> (&str, &str, &str) {
        (
            self.raw("case_id").trim(),
            self.raw("uid").trim(),
            self.raw("ref"),
        )
    }
}

/// Reads casebook's own CSV export into case records (the rows of one case
/// follow each other, as the export writes them), or stops at the first
/// bad row, naming its line and column.
pub fn parse(file: &str, text: &str) -> Result<Vec<CaseRecord>, ImportError> {
    let text = body(text);
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| ImportError::BadRecord {
            file: file.into(),
            line: 1,
            reason: e.to_string(),
        })?
        .clone();
    let index: HashMap<&str, usize> = header.iter().enumerate().map(|(i, h)| (h, i)).collect();
    let mut lines = Lines::new(text.as_bytes(), 1);
    let mut records: Vec<CaseRecord> = Vec::new();
    let mut last_key: Option<(String, String, String)> = None;
    for rec in reader.records() {
        let cells = rec.map_err(|e| ImportError::BadRecord {
            file: file.into(),
            line: e.position().map_or(2, |p| lines.of(p.byte() as usize)),
            reason: e.to_string(),
        })?;
        let line = cells.position().map_or(2, |p| lines.of(p.byte() as usize));
        let row = Row {
            cells: &cells,
            index: &index,
            file,
            line,
        };
        let (id, uid, reference) = row.case_key();
        let key = (id.to_string(), uid.to_string(), reference.to_string());
        if last_key.as_ref() != Some(&key) {
            records.push(CaseRecord {
                case: row.case()?,
                touchpoints: Vec::new(),
                events: None,
            });
            last_key = Some(key);
        }
        let Some(current) = records.last_mut() else {
            continue;
        };
        if let Some(t) = row.touch()? {
            current.touchpoints.push(t);
        }
    }
    Ok(records)
}
