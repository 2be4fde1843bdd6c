//! Paging the triage table by key, never by OFFSET: a page starts after (or
//! ends before) the sort key of a row already shown, so the thousandth page
//! costs what the first does. Each sort is a list of key parts; "after a
//! row" is the union of one index seek per part (equal on the parts before
//! it, past the row on it), read deepest part first until the page is full.

pub use super::query::PageStart;
use super::query::{compile_for, CaseRow, SortKey};
use super::rows::{parsed, time, time_opt};
use super::{Result, Store};
use crate::domain::query::Query;
use chrono::{DateTime, Utc};
use rusqlite::types::Value;

/// One part of a sort: an SQL expression over `cases c` (and `vendors v`),
/// its direction, and whether it can be NULL (NULLs sort first ascending).
struct Part {
    expr: &'static str,
    ascending: bool,
    nullable: bool,
}

fn part(expr: &'static str, ascending: bool) -> Part {
    Part {
        expr,
        ascending,
        nullable: false,
    }
}

fn nullable(expr: &'static str, ascending: bool) -> Part {
    Part {
        expr,
        ascending,
        nullable: true,
    }
}

/// The parts of a sort, in order; `reverse` reads it backwards.
fn parts(sort: SortKey, descending: bool, reverse: bool) -> Vec<Part> {
    let dir = !descending;
    let mut ps = match sort {
        // Stored and indexed (see domain/urgency.rs): higher first, then
        // the least time left, then oldest.
        SortKey::Urgency => vec![
            part("c.urgency", !dir),
            part("c.urgency_due", dir),
            part("c.opened_at", dir),
            part("c.id", dir),
        ],
        SortKey::Id => vec![part("c.id", dir)],
        // Ascending age is youngest first: the latest opening first.
        SortKey::Age => vec![part("c.opened_at", !dir), part("c.id", dir)],
        SortKey::Vendor => vec![part("v.name_key", dir), part("c.id", dir)],
        SortKey::LastChannel => vec![nullable("c.last_channel", dir), part("c.id", dir)],
        SortKey::Status => vec![part("c.status", dir), part("c.id", dir)],
        SortKey::Flags => vec![part("length(c.flag_list)", dir), part("c.id", dir)],
        SortKey::Touches => vec![part("c.touch_count", dir), part("c.id", dir)],
        // Stored and indexed (migration 06); due times are instants, so
        // the order does not go stale as the clock runs.
        SortKey::TimeLeft => vec![
            part("(c.sla_policy IS NULL)", true),
            part("(c.sla_due_at IS NULL)", true),
            nullable("c.sla_due_at", dir),
            part("(c.sla_left_hours IS NULL)", true),
            nullable("c.sla_left_hours", dir),
            part("c.id", dir),
        ],
    };
    if reverse {
        for p in ps.iter_mut() {
            p.ascending = !p.ascending;
        }
    }
    ps
}

fn order_of(ps: &[Part]) -> String {
    ps.iter()
        .map(|p| match (p.nullable, p.ascending) {
            // Said outright, as a server's default is the other way.
            (true, true) => format!("{} ASC NULLS FIRST", p.expr),
            (true, false) => format!("{} DESC NULLS LAST", p.expr),
            (false, true) => format!("{} ASC", p.expr),
            (false, false) => format!("{} DESC", p.expr),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// "Past `x` in this part's order", or None when nothing is past it.
fn past(p: &Part, x: &Value, values: &mut Vec<Value>) -> Option<String> {
    let is_null = matches!(x, Value::Null);
    match (p.ascending, is_null) {
        (true, true) => Some(format!("{} IS NOT NULL", p.expr)),
        (false, true) => None,
        (asc, false) => {
            values.push(x.clone());
            let op = if asc { ">" } else { "<" };
            let cmp = format!("{} {op} ?{}", p.expr, values.len());
            Some(if !asc && p.nullable {
                format!("({cmp} OR {} IS NULL)", p.expr)
            } else {
                cmp
            })
        }
    }
}

fn equal(p: &Part, x: &Value, values: &mut Vec<Value>) -> String {
    values.push(x.clone());
    let op = if p.nullable { "IS" } else { "=" };
    format!("{} {op} ?{}", p.expr, values.len())
}

const ROW_COLUMNS: &str = "c.id, c.ref, c.title, v.name, c.status, c.priority, c.opened_at, \
     c.resolved_at, c.last_channel, c.last_touch_at, c.touch_count, c.flag_list, \
     c.sla_state, c.sla_due_at, c.sla_left_hours, c.next_action, c.sla_paused";
const KEY_AT: usize = 17;

fn row_of(r: &super::db::Row, key_len: usize) -> rusqlite::Result<CaseRow> {
    Ok(CaseRow {
        id: r.get(0)?,
        reference: r.get(1)?,
        title: r.get(2)?,
        vendor: r.get(3)?,
        status: parsed(r, 4)?,
        priority: parsed(r, 5)?,
        opened_at: time(r, 6)?,
        resolved_at: time_opt(r, 7)?,
        last_channel: r.get(8)?,
        last_touch_at: time_opt(r, 9)?,
        touches: r.get(10)?,
        flags: r
            .get::<_, String>(11)?
            .split_whitespace()
            .map(String::from)
            .collect(),
        sla_state: r.get(12)?,
        // Paused: no due time (the order by time left still reads it).
        sla_due_at: time_opt(r, 13)?.filter(|_| !r.get::<_, bool>(16).unwrap_or(false)),
        sla_left_hours: r.get(14)?,
        next_action: r.get(15)?,
        key: (0..key_len)
            .map(|i| r.get::<_, Value>(KEY_AT + i))
            .collect::<rusqlite::Result<_>>()?,
    })
}

impl Store {
    /// Rows of the triage table in the order of `sort`, read one at a time
    /// (the output of `list` streams); at most `limit`.
    pub fn each_case_row(
        &self,
        q: &Query,
        sort: SortKey,
        descending: bool,
        limit: Option<usize>,
        now: DateTime<Utc>,
        mut f: impl FnMut(CaseRow) -> Result<()>,
    ) -> Result<()> {
        let ps = parts(sort, descending, false);
        let w = compile_for(q, now, true);
        let keys: Vec<&str> = ps.iter().map(|p| p.expr).collect();
        let sql = format!(
            "SELECT {ROW_COLUMNS}, {} FROM cases c JOIN vendors v ON v.id = c.vendor_id
             WHERE {} ORDER BY {} LIMIT {}",
            keys.join(", "),
            w.sql,
            order_of(&ps),
            limit.map_or(i64::MAX, |l| l.min(i64::MAX as usize) as i64)
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(super::db::params_from_iter(w.values.iter()))?;
        while let Some(r) = rows.next()? {
            f(row_of(&r, ps.len())?)?;
        }
        Ok(())
    }

    /// One page of the triage table, from `start` on.
    pub fn case_page_from(
        &self,
        q: &Query,
        sort: SortKey,
        descending: bool,
        start: PageStart,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Result<Vec<CaseRow>> {
        self.page(q, sort, descending, false, start, limit, now)
    }

    /// The `limit` rows just before the row with `key` (or the last rows of
    /// the order, when `key` is None), in the order of `sort`.
    pub fn case_page_before(
        &self,
        q: &Query,
        sort: SortKey,
        descending: bool,
        key: Option<&[Value]>,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Result<Vec<CaseRow>> {
        let start = key.map_or(PageStart::First, PageStart::After);
        let mut rows = self.page(q, sort, descending, true, start, limit, now)?;
        rows.reverse();
        Ok(rows)
    }

    #[allow(clippy::too_many_arguments)]
    fn page(
        &self,
        q: &Query,
        sort: SortKey,
        descending: bool,
        reverse: bool,
        start: PageStart,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Result<Vec<CaseRow>> {
        let ps = parts(sort, descending, reverse);
        let w = compile_for(q, now, true);
        let keys: Vec<&str> = ps.iter().map(|p| p.expr).collect();
        let read = |cond: &str, values: &[Value], n: usize| -> Result<Vec<CaseRow>> {
            let sql = format!(
                "SELECT {ROW_COLUMNS}, {} FROM cases c JOIN vendors v ON v.id = c.vendor_id
                 WHERE ({}) AND {cond} ORDER BY {} LIMIT ?{}",
                keys.join(", "),
                w.sql,
                order_of(&ps),
                values.len() + 1
            );
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let bound = values
                .iter()
                .cloned()
                .chain(std::iter::once(Value::Integer(n as i64)));
            let rows =
                stmt.query_map(super::db::params_from_iter(bound), |r| row_of(r, ps.len()))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        let (key, inclusive) = match start {
            PageStart::First => return read("1 = 1", &w.values, limit),
            PageStart::After(k) => (k, false),
            PageStart::At(k) => (k, true),
        };
        if key.len() != ps.len() {
            // A key from another sort: start over.
            return read("1 = 1", &w.values, limit);
        }
        let mut out = Vec::new();
        if inclusive {
            let mut values = w.values.clone();
            let eq: Vec<String> = ps
                .iter()
                .zip(key)
                .map(|(p, x)| equal(p, x, &mut values))
                .collect();
            out = read(&eq.join(" AND "), &values, limit)?;
        }
        // Deepest part first: the rows that share all but the last part with
        // the key come next in the order, then those sharing one part fewer...
        for level in (0..ps.len()).rev() {
            if out.len() >= limit {
                break;
            }
            let mut values = w.values.clone();
            let mut conds: Vec<String> = ps[..level]
                .iter()
                .zip(key)
                .map(|(p, x)| equal(p, x, &mut values))
                .collect();
            let Some(after) = past(&ps[level], &key[level], &mut values) else {
                continue;
            };
            conds.push(after);
            out.extend(read(&conds.join(" AND "), &values, limit - out.len())?);
        }
        Ok(out)
    }
}
