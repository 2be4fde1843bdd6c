//! Screens' and `list`'s queries: the filter language compiled to SQL with
//! bound values, sorted on indexed columns, one page at a time.

use super::{Result, Store};
use crate::domain::query::{Comparison, Query, StatusFilter, Term};
use crate::domain::{Priority, Status};
use chrono::{DateTime, Utc};
use rusqlite::types::Value;

/// Where a page starts.
#[derive(Debug, Clone, Copy)]
pub enum PageStart<'a> {
    /// The first rows of the order.
    First,
    /// The rows after the row with this key (`CaseRow::key`).
    After(&'a [Value]),
    /// The row with this key, if it is still there, and the rows after it.
    At(&'a [Value]),
}

/// One row of the triage table.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CaseRow {
    pub id: i64,
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    pub title: String,
    pub vendor: String,
    pub status: Status,
    pub priority: Priority,
    pub opened_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub last_channel: Option<String>,
    pub last_touch_at: Option<DateTime<Utc>>,
    pub touches: i64,
    pub flags: Vec<String>,
    /// The stored service level: the worse state of the two targets, when
    /// the first one falls or fell due (None while paused), the least time left.
    pub sla_state: Option<String>,
    pub sla_due_at: Option<DateTime<Utc>>,
    pub sla_left_hours: Option<f64>,
    /// The id of the next action of an open case (src/domain/next_action.rs).
    pub next_action: Option<String>,
    /// The row's values of the sort it was read in: where the next page
    /// starts (src/store/paging.rs).
    #[serde(skip)]
    pub key: Vec<rusqlite::types::Value>,
}

/// What the triage table can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// Open work first; then service level breached, at risk (by time
    /// left); then broken promises, priority, more flags, oldest.
    #[default]
    Urgency,
    Id,
    Age,
    Vendor,
    LastChannel,
    Status,
    Flags,
    Touches,
    /// Service level by time left: breached first (longest overdue first),
    /// then by when a target falls due; paused clocks by time left; no SLA last.
    TimeLeft,
}

impl SortKey {
    pub const ALL: [SortKey; 9] = [
        SortKey::Urgency,
        SortKey::Id,
        SortKey::Age,
        SortKey::Vendor,
        SortKey::LastChannel,
        SortKey::Status,
        SortKey::Flags,
        SortKey::Touches,
        SortKey::TimeLeft,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Urgency => "urgency",
            SortKey::Id => "id",
            SortKey::Age => "age",
            SortKey::Vendor => "vendor",
            SortKey::LastChannel => "channel",
            SortKey::Status => "status",
            SortKey::Flags => "flags",
            SortKey::Touches => "touches",
            SortKey::TimeLeft => "sla",
        }
    }
}

/// A WHERE clause and its bound values.
pub struct Compiled {
    pub sql: String,
    pub values: Vec<Value>,
}

fn placeholders(values: &mut Vec<Value>, items: impl IntoIterator<Item = Value>) -> String {
    let mut marks = Vec::new();
    for v in items {
        values.push(v);
        marks.push(format!("?{}", values.len()));
    }
    marks.join(", ")
}

fn like(s: &str) -> String {
    let escaped = s
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Compiles a query to a WHERE clause over `cases c`, with every user value
/// bound, never pasted; in the form that counts all matches fastest.
pub fn compile(q: &Query, now: DateTime<Utc>) -> Compiled {
    compile_for(q, now, false)
}

/// A term on a case's touches, tags or flags. A page walks cases in order
/// and stops after a screenful, so it asks each case (EXISTS, through the
/// case's index); a count wants them all, so it gathers the matching ids once (IN).
fn related(for_page: bool, table: &str, column: &str, marks: String) -> String {
    if for_page {
        format!(
            "EXISTS (SELECT 1 FROM {table} x WHERE x.case_id = c.id AND x.{column} IN ({marks}))"
        )
    } else {
        format!("c.id IN (SELECT case_id FROM {table} WHERE {column} IN ({marks}))")
    }
}

pub(super) fn compile_for(q: &Query, now: DateTime<Utc>, for_page: bool) -> Compiled {
    let mut values = Vec::new();
    let mut parts = Vec::new();
    for clause in &q.clauses {
        let sql = match &clause.term {
            Term::Vendor(names) => {
                // Vendors are few: find the matching ones (by name or alias)
                // first, then the cases through their indexes.
                let ors: Vec<String> = names
                    .iter()
                    .map(|n| {
                        values.push(Value::Text(like(n)));
                        let i = values.len();
                        let ids = format!(
                            "(SELECT id FROM vendors WHERE name_key LIKE ?{i} ESCAPE '\\' \
                             UNION SELECT vendor_id FROM vendor_aliases WHERE alias_key LIKE ?{i} ESCAPE '\\')"
                        );
                        format!("c.vendor_id IN {ids} OR c.marketplace_id IN {ids}")
                    })
                    .collect();
                format!("({})", ors.join(" OR "))
            }
            Term::VendorIs(names) => {
                let keys = names
                    .iter()
                    .map(|n| Value::Text(super::vendors::name_key(n)))
                    .collect::<Vec<_>>();
                let marks = placeholders(&mut values, keys);
                format!(
                    "c.vendor_id IN (SELECT id FROM vendors WHERE name_key IN ({marks}) \
                     UNION SELECT vendor_id FROM vendor_aliases WHERE alias_key IN ({marks}))"
                )
            }
            Term::Status(filters) => {
                let mut ors = Vec::new();
                let mut exact = Vec::new();
                for f in filters {
                    match f {
                        StatusFilter::AnyOpen => {
                            ors.push("c.status NOT IN ('resolved','closed')".to_string())
                        }
                        StatusFilter::Is(s) => exact.push(Value::Text(s.as_str().into())),
                    }
                }
                if !exact.is_empty() {
                    ors.push(format!(
                        "c.status IN ({})",
                        placeholders(&mut values, exact)
                    ));
                }
                format!("({})", ors.join(" OR "))
            }
            Term::Channel(chs) => related(
                for_page,
                "touchpoints",
                "channel",
                placeholders(
                    &mut values,
                    chs.iter().map(|c| Value::Text(c.as_str().into())),
                ),
            ),
            Term::NoTouches => {
                "NOT EXISTS (SELECT 1 FROM touchpoints x WHERE x.case_id = c.id)".to_string()
            }
            Term::Category(cats) => format!(
                "c.category IN ({})",
                placeholders(
                    &mut values,
                    cats.iter().map(|c| Value::Text(c.as_str().into()))
                )
            ),
            Term::Stage(stages) => format!(
                "c.stage IN ({})",
                placeholders(
                    &mut values,
                    stages.iter().map(|c| Value::Text(c.as_str().into()))
                )
            ),
            Term::Priority(ps) => format!(
                "c.priority IN ({})",
                placeholders(
                    &mut values,
                    ps.iter().map(|p| Value::Text(p.as_str().into()))
                )
            ),
            Term::Flag(ps) => related(
                for_page,
                "case_flags",
                "pattern",
                placeholders(&mut values, ps.iter().map(|p| Value::Text(p.id().into()))),
            ),
            Term::Tag(tags) => related(
                for_page,
                "case_tags",
                "tag",
                placeholders(&mut values, tags.iter().map(|t| Value::Text(t.clone()))),
            ),
            Term::Owner(owners) => {
                let ors: Vec<String> = owners
                    .iter()
                    .map(|o| {
                        values.push(Value::Text(like(o)));
                        format!("lower(c.owner) LIKE ?{} ESCAPE '\\'", values.len())
                    })
                    .collect();
                format!("({})", ors.join(" OR "))
            }
            Term::Sla(states) => format!(
                "c.sla_state IN ({})",
                placeholders(
                    &mut values,
                    states.iter().map(|s| Value::Text(s.as_str().into()))
                )
            ),
            Term::Age(cmp, d) => {
                // Age is older than d ⇔ opened before now − d.
                values.push(Value::Integer((now - *d).timestamp_millis()));
                let op = match cmp {
                    Comparison::Over => "<",
                    Comparison::AtLeast => "<=",
                    Comparison::Under => ">",
                    Comparison::AtMost => ">=",
                };
                format!("c.opened_at {op} ?{}", values.len())
            }
            Term::Word(w) => {
                // Titles by substring; notes by word prefix, through their
                // full-text index; a case's ref or uid whole (as `show` takes it).
                values.push(Value::Text(like(w)));
                let i = values.len();
                // FTS5 reads its query as C text: a NUL would end it mid-phrase.
                let phrase = w.replace('"', "\"\"").replace('\0', " ");
                values.push(Value::Text(format!("\"{phrase}\"*")));
                let j = values.len();
                values.push(Value::Text(w.clone()));
                let k = values.len();
                format!(
                    "(c.title LIKE ?{i} ESCAPE '\\' OR c.ref = ?{k} OR c.uid = ?{k} OR c.id IN \
                     (SELECT t.case_id FROM touchpoints t WHERE t.id IN \
                     (SELECT rowid FROM touch_notes WHERE touch_notes MATCH ?{j})))"
                )
            }
        };
        parts.push(if clause.negated {
            format!("NOT {sql}")
        } else {
            sql
        });
    }
    Compiled {
        sql: if parts.is_empty() {
            EVERY_CASE.into()
        } else {
            parts.join(" AND ")
        },
        values,
    }
}

/// The condition of a query without clauses: every case.
const EVERY_CASE: &str = "1 = 1";

impl Store {
    /// One page of the triage table, `offset` rows in: the pages before it
    /// are walked by key (no OFFSET), so prefer `case_page_from` with the
    /// key of a row already read.
    pub fn case_page(
        &self,
        q: &Query,
        sort: SortKey,
        descending: bool,
        offset: usize,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Result<Vec<CaseRow>> {
        let mut skipped = 0;
        let mut key: Option<Vec<Value>> = None;
        while skipped < offset {
            let step = (offset - skipped).min(1000);
            let start = key.as_deref().map_or(PageStart::First, PageStart::After);
            let rows = self.case_page_from(q, sort, descending, start, step, now)?;
            let Some(last) = rows.last() else {
                return Ok(Vec::new());
            };
            skipped += rows.len();
            key = Some(last.key.clone());
        }
        let start = key.as_deref().map_or(PageStart::First, PageStart::After);
        self.case_page_from(q, sort, descending, start, limit, now)
    }

    /// How many cases match a query.
    /// Runs the reads of `f`, stopping them when `stop` says so (asked every
    /// few thousand steps of SQLite's work): they then fail with
    /// `StoreError::Interrupted`. For the app's filter, which a new key makes
    /// stale: a slow filter never holds up the typing.
    pub fn interruptible<T>(
        &self,
        stop: fn() -> bool,
        f: impl FnOnce(&Self) -> Result<T>,
    ) -> Result<T> {
        let Some(file) = self.conn.sqlite() else {
            return f(self);
        };
        file.progress_handler(4_000, Some(stop))?;
        let done = f(self);
        file.progress_handler(0, None::<fn() -> bool>)?;
        done
    }

    pub fn case_count(&self, q: &Query, now: DateTime<Utc>) -> Result<usize> {
        let w = compile(q, now);
        // Every case: a server keeps the number (a count of a million rows
        // there takes a sixth of a second, at each reload of the list) of
        // the cases it holds, not of a view of the past's.
        let every_case = w.values.is_empty() && w.sql == EVERY_CASE;
        if every_case && !self.as_of_tables && self.conn.postgres().is_some() {
            return Ok(super::open_server::kept_case_count(&self.conn)? as usize);
        }
        let sql = format!("SELECT count(*) FROM cases c WHERE {}", w.sql);
        let n: i64 = self
            .conn
            .prepare_cached(&sql)?
            .query_row(super::db::params_from_iter(w.values.iter()), |r| r.get(0))?;
        Ok(n as usize)
    }

    /// Saved views (named filters), by name.
    pub fn saved_views(&self) -> Result<Vec<(String, String)>> {
        load_views(&self.conn)
    }

    pub fn save_view(&mut self, name: &str, query: &str) -> Result<()> {
        self.writable()?;
        write_view(&self.conn, name, query)
    }

    pub fn delete_view(&mut self, name: &str) -> Result<()> {
        self.writable()?;
        self.conn
            .execute("DELETE FROM saved_views WHERE name = ?1", [name])?;
        Ok(())
    }
}

/// Saved views (named filters), by name.
pub(super) fn load_views(conn: &super::db::Connection) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare("SELECT name, query FROM saved_views ORDER BY name")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Checks a view (its name, its query) and adds or replaces it.
pub(super) fn write_view(conn: &super::db::Connection, name: &str, query: &str) -> Result<()> {
    let name = crate::domain::case::clean_name("view name", name)?;
    Query::parse(query).map_err(|e| crate::domain::case::Invalid {
        field: "query",
        reason: e.to_string(),
    })?;
    conn.execute(
        "INSERT INTO saved_views (name, query) VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET query = excluded.query",
        [&name, query],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_read_stops_when_asked_and_the_next_one_runs_whole() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap();
        let mut store = Store::in_memory().unwrap();
        crate::io::demo::load(&mut store, now).unwrap();
        store
            .in_transaction(|w| {
                for (case, touches) in crate::io::background::cases(now) {
                    w.merge_case(case, touches, None, now)?;
                }
                Ok(())
            })
            .unwrap();
        let q = Query::parse("zzz").unwrap();
        let stopped = store.interruptible(|| true, |s| s.case_count(&q, now));
        assert!(
            matches!(stopped, Err(super::super::StoreError::Interrupted)),
            "{stopped:?}"
        );
        let whole = store.interruptible(|| false, |s| s.case_count(&q, now));
        assert_eq!(whole.unwrap(), 0);
        // The handler is gone after: a plain read is not stopped.
        let all = Query::parse("").unwrap();
        assert_eq!(store.case_count(&all, now).unwrap(), 604);
    }
}
