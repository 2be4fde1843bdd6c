//! A pass over every case in a window, by id, for the outputs that take
//! them all (flags, export): the cases and their touches come in one
//! statement; what else a case has (what its trail says of its timed
//! fields, its tags, its events) is read for a run of cases at a time, one
//! statement each for the run's range of ids, rather than case by case: on
//! a server every statement is a round trip.

use super::db::{Connection, Row};
use super::events::{field_change, raw_event, with_timed_changes};
use super::grouping::Window;
use super::rows::{
    case_from_row, millis_opt, touch_from_row, CASE_COLUMNS, CASE_FROM, TOUCH_COLUMNS,
};
use super::{RawEvent, Result, Store};
use crate::domain::case::in_time_order;
use crate::domain::{Case, Touchpoint};

/// How many cases a run holds at most, unless the store says otherwise
/// (`Store::cases_read_together`).
pub const CASES_READ_TOGETHER: usize = 500;

/// How many touches a run holds at most: a run's memory stays bounded
/// however many touches its cases have.
const TOUCHES_READ_TOGETHER: usize = 20_000;

/// How wide a range of ids a run spans at most, in runs' lengths: a window
/// that keeps few of the ids reads little more than its own cases' rows.
const SPAN_IN_RUNS: i64 = 8;

/// The changes to the timed fields of a range of cases, by case and
/// oldest first.
const TIMED_CHANGES: &str = "SELECT case_id, at, field, old_value, new_value FROM events
     WHERE case_id BETWEEN ?1 AND ?2 AND kind IN ('status_changed', 'field_changed')
       AND field IN ('status', 'resolved_at', 'closed_at', 'outcome', 'reopens')
     ORDER BY case_id, id";

/// The tags of a range of cases, by case and tag.
const TAGS: &str =
    "SELECT case_id, tag FROM case_tags WHERE case_id BETWEEN ?1 AND ?2 ORDER BY case_id, tag";

/// The events of a range of cases, by case and oldest first.
const EVENTS: &str =
    "SELECT case_id, at, kind, touchpoint_id, field, old_value, new_value, actor FROM events
     WHERE case_id BETWEEN ?1 AND ?2 ORDER BY case_id, id";

/// What a pass reads beside each case's fields and touches.
#[derive(Debug, Clone, Copy)]
struct Reading {
    /// The touches' notes (most of the bytes: reports and flags go without).
    notes: bool,
    tags: bool,
    /// The events, their values as kept (export).
    events: bool,
}

/// The rows of a run's cases, (case id, row) by case id, handed out case
/// by case in the same order.
struct ByCase<T>(std::iter::Peekable<std::vec::IntoIter<(i64, T)>>);

impl<T> ByCase<T> {
    fn new(rows: Vec<(i64, T)>) -> Self {
        ByCase(rows.into_iter().peekable())
    }

    /// The rows of `sql` (the case id, then what `row` reads from column 1
    /// on) for the cases with ids from `first` to `last` (`?1`, `?2`), read
    /// whole in one statement.
    fn between(
        conn: &Connection,
        sql: &str,
        (first, last): (i64, i64),
        row: impl Fn(&Row, usize) -> rusqlite::Result<T>,
    ) -> Result<Self> {
        let mut stmt = conn.prepare_cached(sql)?;
        let rows = stmt.query_map([first, last], |r| Ok((r.get(0)?, row(r, 1)?)))?;
        Ok(ByCase::new(rows.collect::<rusqlite::Result<_>>()?))
    }

    /// The rows of case `id`, past those of the cases before it (in the
    /// run's range of ids but not in the pass: outside its window).
    fn of(&mut self, id: i64) -> Vec<T> {
        while self.0.next_if(|(case, _)| *case < id).is_some() {}
        std::iter::from_fn(|| self.0.next_if(|(case, _)| *case == id).map(|(_, row)| row)).collect()
    }
}

impl Store {
    /// Calls `f` with each case in the window (by id) and its touches in time
    /// order. Tags are not loaded; notes only when `with_notes` (reports do
    /// not need them, and they are most of the bytes).
    ///
    /// One statement for the cases and touches: a file's rows stream from
    /// SQLite, a server's through a cursor (a batch at a time, one
    /// snapshot), so the memory is a run's whatever the number of cases.
    pub fn each_case(
        &self,
        window: Window,
        with_notes: bool,
        mut f: impl FnMut(Case, Vec<Touchpoint>) -> Result<()>,
    ) -> Result<()> {
        let reading = Reading {
            notes: with_notes,
            tags: false,
            events: false,
        };
        self.pass(window, reading, &mut |case, touches, _| f(case, touches))
    }

    /// Calls `f` with each case in the window (by id), its tags included,
    /// its touches in time order with their notes, and when `with_events`
    /// its events oldest first, their values as kept (else none): what an
    /// export writes, read as `each_case` reads.
    pub fn each_case_to_export(
        &self,
        window: Window,
        with_events: bool,
        mut f: impl FnMut(Case, Vec<Touchpoint>, Vec<RawEvent>) -> Result<()>,
    ) -> Result<()> {
        let reading = Reading {
            notes: true,
            tags: true,
            events: with_events,
        };
        self.pass(window, reading, &mut f)
    }

    fn pass(
        &self,
        window: Window,
        reading: Reading,
        f: &mut dyn FnMut(Case, Vec<Touchpoint>, Vec<RawEvent>) -> Result<()>,
    ) -> Result<()> {
        let touch_columns = if reading.notes {
            TOUCH_COLUMNS.to_string()
        } else {
            TOUCH_COLUMNS.replace("t.note", "''")
        };
        let sql = format!(
            "SELECT {CASE_COLUMNS}, {touch_columns} FROM {CASE_FROM}
             LEFT JOIN touchpoints t ON t.case_id = c.id LEFT JOIN vendors p ON p.id = t.party_id
             WHERE (CAST(?1 AS INTEGER) IS NULL OR c.opened_at >= ?1) AND (CAST(?2 AS INTEGER) IS NULL OR c.opened_at < ?2)
             ORDER BY c.id, t.at, t.id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let (since, until) = (millis_opt(window.since), millis_opt(window.until));
        let mut rows = stmt.query(super::db::params![since, until])?;
        let most = self.cases_read_together.max(1);
        let span = most as i64 * SPAN_IN_RUNS;
        // The run: cases read whole (a case's rows end where the next
        // case's begin), their touches, not yet handed over.
        let mut run: Vec<(Case, Vec<Touchpoint>)> = Vec::with_capacity(most);
        let mut touches = 0;
        const T: usize = 27;
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            if run.last().is_none_or(|(c, _)| c.id != id) {
                let full = run.len() >= most
                    || touches >= TOUCHES_READ_TOGETHER
                    || run.first().is_some_and(|(c, _)| id - c.id >= span);
                if full {
                    self.hand_over(&mut run, reading, f)?;
                    touches = 0;
                }
                run.push((case_from_row(&row, 0)?, Vec::new()));
            }
            if row.get::<_, Option<i64>>(T)?.is_some() {
                if let Some((_, ts)) = run.last_mut() {
                    ts.push(touch_from_row(&row, T)?);
                    touches += 1;
                }
            }
        }
        self.hand_over(&mut run, reading, f)
    }

    /// Reads what else the run's cases have, a statement for each kind of
    /// row over the run's range of ids, and hands each case to `f`, by id.
    fn hand_over(
        &self,
        run: &mut Vec<(Case, Vec<Touchpoint>)>,
        reading: Reading,
        f: &mut dyn FnMut(Case, Vec<Touchpoint>, Vec<RawEvent>) -> Result<()>,
    ) -> Result<()> {
        let (Some((first, _)), Some((last, _))) = (run.first(), run.last()) else {
            return Ok(());
        };
        let (range, conn) = ((first.id, last.id), &self.conn);
        let mut changes = ByCase::between(conn, TIMED_CHANGES, range, field_change)?;
        let mut tags = match reading.tags {
            true => ByCase::between(conn, TAGS, range, |r, o| r.get(o))?,
            false => ByCase::new(Vec::new()),
        };
        let mut events = match reading.events {
            true => ByCase::between(conn, EVENTS, range, raw_event)?,
            false => ByCase::new(Vec::new()),
        };
        for (mut case, mut touches) in run.drain(..) {
            let id = case.id;
            with_timed_changes(&mut case, &changes.of(id));
            case.tags = tags.of(id);
            in_time_order(&mut touches);
            f(case, touches, events.of(id))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::ByCase;

    #[test]
    fn each_case_gets_its_own_rows_and_none_of_another_cases() {
        let mut rows = ByCase::new(vec![(1, 'a'), (1, 'b'), (2, 'x'), (4, 'c'), (6, 'd')]);
        assert_eq!(rows.of(1), vec!['a', 'b']);
        assert_eq!(rows.of(3), Vec::<char>::new());
        assert_eq!(rows.of(4), vec!['c']);
        assert_eq!(rows.of(6), vec!['d']);
        assert_eq!(rows.of(7), Vec::<char>::new());
    }
}
