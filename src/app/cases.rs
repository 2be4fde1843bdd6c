//! The triage screen's state: the filter (the query language, parsed as it
//! is typed), the sort, and the one page of rows around the selection.
//! Nothing here loads every case: the store is asked for a count and a page.

use crate::domain::query::{Query, QueryError};
use crate::store::paging::PageStart;
use crate::store::query::{CaseRow, SortKey};
use crate::store::{Result, Store, StoreError};
use chrono::{DateTime, Utc};
use ratatui::crossterm::event::KeyEvent;
use ratatui::style::{Modifier, Style};
use ratatui_textarea::{CursorMove, Input, TextArea};
use std::time::{Duration, Instant};

pub struct CasesScreen {
    /// The filter line (shown always; typed in after `/`).
    pub filter: TextArea<'static>,
    pub editing: bool,
    /// The filter in force, and its text.
    pub query: Query,
    pub query_text: String,
    /// The filter before `/`, restored by Esc.
    before_edit: String,
    /// Why the text in the filter line is not a query (shown under it).
    pub error: Option<QueryError>,
    pub sort: SortKey,
    pub descending: bool,
    /// The loaded page: rows `offset .. offset + rows.len()` of the result.
    pub rows: Vec<CaseRow>,
    pub offset: usize,
    pub total: usize,
    /// The largest case id in the file: the id column is as wide as it.
    pub widest_id: i64,
    /// The selected row and the first visible one, as positions in the result.
    pub selected: usize,
    pub top: usize,
    /// How many rows the table shows (from the terminal's size).
    pub height: usize,
    /// A typed filter waiting for a pause in the typing (on a large
    /// database, where each filtering takes a while), and since when.
    pending: Option<(String, Instant)>,
    /// Whether a key is waiting to be read: a filtering in progress stops
    /// for it (set by the event loop; never, in tests).
    pub input_waiting: fn() -> bool,
    /// How long the last filtering took.
    last_cost: Duration,
}

/// Filters that take longer than this wait for a pause in the typing.
const LIVE_UNDER: Duration = Duration::from_millis(40);
/// The pause.
const PAUSE: Duration = Duration::from_millis(300);

/// Sort keys whose natural order is "most first".
fn natural_descending(key: SortKey) -> bool {
    matches!(key, SortKey::Age | SortKey::Flags | SortKey::Touches)
}

fn line(text: &str) -> TextArea<'static> {
    let mut t = TextArea::new(vec![text.to_string()]);
    t.set_cursor_line_style(Style::default());
    t.set_cursor_style(Style::default());
    t.move_cursor(CursorMove::End);
    t
}

impl Default for CasesScreen {
    fn default() -> Self {
        CasesScreen {
            filter: line(""),
            editing: false,
            query: Query::default(),
            query_text: String::new(),
            before_edit: String::new(),
            error: None,
            sort: SortKey::Urgency,
            descending: false,
            rows: Vec::new(),
            offset: 0,
            total: 0,
            widest_id: 0,
            selected: 0,
            top: 0,
            height: 15,
            pending: None,
            last_cost: Duration::ZERO,
            input_waiting: || false,
        }
    }
}

impl CasesScreen {
    pub fn selected_row(&self) -> Option<&CaseRow> {
        self.selected
            .checked_sub(self.offset)
            .and_then(|i| self.rows.get(i))
    }

    /// The row at a position of the result, when it is loaded.
    pub fn row_at(&self, position: usize) -> Option<&CaseRow> {
        position
            .checked_sub(self.offset)
            .and_then(|i| self.rows.get(i))
    }

    /// Re-reads the count and the page around the visible rows, keeping the
    /// selection on the same case when it is still in view. The page is read
    /// again from the key of its first row (a case changed or gone meanwhile
    /// moves the rest up), never by an offset.
    pub fn load(&mut self, store: &Store, now: DateTime<Utc>) -> Result<()> {
        let keep = self.selected_row().map(|r| r.id);
        self.total = store.case_count(&self.query, now)?;
        self.widest_id = store.largest_case_id()?;
        self.clamp();
        let first = self.rows.first().map(|r| r.key.clone());
        match first {
            Some(key) if self.offset > 0 && self.offset < self.total => {
                let limit = self.rows.len().max(self.page_size());
                self.rows = store.case_page_from(
                    &self.query,
                    self.sort,
                    self.descending,
                    PageStart::At(&key),
                    limit,
                    now,
                )?;
            }
            _ => self.rows.clear(),
        }
        self.fetch(store, now)?;
        if let Some(id) = keep {
            if let Some(i) = self.rows.iter().position(|r| r.id == id) {
                self.selected = self.offset + i;
                self.scroll();
            }
        }
        Ok(())
    }

    /// Forgets the loaded rows (a new filter or sort: their keys mean nothing).
    fn restart(&mut self) {
        self.rows.clear();
        self.offset = 0;
        self.selected = 0;
        self.top = 0;
    }

    fn page_size(&self) -> usize {
        self.height.max(1) * 3 + 20
    }

    /// Reads rows until the visible ones are loaded: from the start, from
    /// the end, or page by page by key from the loaded rows towards the view.
    fn fetch(&mut self, store: &Store, now: DateTime<Utc>) -> Result<()> {
        let h = self.height.max(1);
        let limit = self.page_size();
        let end = (self.top + h).min(self.total);
        let loaded_end = self.offset + self.rows.len();
        let covered = |s: &Self| s.top >= s.offset && end <= s.offset + s.rows.len();
        if !self.rows.is_empty() && covered(self) {
            return Ok(());
        }
        let near_start = self.top < limit;
        let near_end = self.total.saturating_sub(end) < limit;
        let (q, sort, desc) = (&self.query, self.sort, self.descending);
        if self.rows.is_empty() || (self.top > loaded_end + limit || end + limit < self.offset) {
            if near_start || !near_end {
                self.offset = 0;
                self.rows = store.case_page_from(q, sort, desc, PageStart::First, limit, now)?;
            } else {
                self.rows = store.case_page_before(q, sort, desc, None, limit, now)?;
                self.offset = self.total.saturating_sub(self.rows.len());
            }
        }
        // Walk by key towards the view: a page after the last loaded row,
        // or before the first, keeping at most two pages loaded.
        while !covered(self) {
            if end > self.offset + self.rows.len() {
                let Some(last) = self.rows.last() else { break };
                let more =
                    store.case_page_from(q, sort, desc, PageStart::After(&last.key), limit, now)?;
                if more.is_empty() {
                    break;
                }
                self.rows.extend(more);
                let extra = self.rows.len().saturating_sub(2 * limit);
                self.rows.drain(..extra);
                self.offset += extra;
            } else if self.top < self.offset {
                let Some(first) = self.rows.first() else {
                    break;
                };
                let mut more =
                    store.case_page_before(q, sort, desc, Some(&first.key), limit, now)?;
                if more.is_empty() {
                    // Rows before the first loaded one went away: start over.
                    self.offset = 0;
                    self.rows =
                        store.case_page_from(q, sort, desc, PageStart::First, limit, now)?;
                    break;
                }
                self.offset = self.offset.saturating_sub(more.len());
                more.append(&mut self.rows);
                more.truncate(2 * limit);
                self.rows = more;
            } else {
                break;
            }
        }
        Ok(())
    }

    fn clamp(&mut self) {
        self.selected = self.selected.min(self.total.saturating_sub(1));
        self.scroll();
    }

    /// Keeps the selection in view.
    fn scroll(&mut self) {
        let h = self.height.max(1);
        if self.selected < self.top {
            self.top = self.selected;
        } else if self.selected >= self.top + h {
            self.top = self.selected + 1 - h;
        }
        self.top = self.top.min(self.total.saturating_sub(h));
    }

    /// Moves the selection; fetches another page when the view leaves this one.
    pub fn move_to(&mut self, position: usize, store: &Store, now: DateTime<Utc>) -> Result<()> {
        self.selected = position;
        self.clamp();
        let end = (self.top + self.height).min(self.total);
        if self.top < self.offset || end > self.offset + self.rows.len() {
            self.fetch(store, now)?;
        }
        Ok(())
    }

    pub fn move_by(&mut self, delta: isize, store: &Store, now: DateTime<Utc>) -> Result<()> {
        let pos = (self.selected as isize + delta).max(0) as usize;
        self.move_to(pos, store, now)
    }

    pub fn set_height(&mut self, height: usize) {
        self.height = height.max(1);
        self.scroll();
    }

    /// Applies a query text; a bad one keeps the filter in force and says why.
    pub fn apply(&mut self, text: &str, store: &Store, now: DateTime<Utc>) -> Result<bool> {
        self.pending = None;
        match Query::parse(text) {
            Ok(q) => {
                self.query = q;
                self.query_text = text.trim().to_string();
                self.error = None;
                self.restart();
                let started = Instant::now();
                match store.interruptible(self.input_waiting, |s| self.load(s, now)) {
                    Err(StoreError::Interrupted) => {
                        // A key came: it is read first, and this text (or
                        // the next) is filtered after a pause in the typing.
                        self.pending = Some((text.to_string(), Instant::now()));
                        self.last_cost = self.last_cost.max(started.elapsed()).max(LIVE_UNDER * 2);
                        Ok(false)
                    }
                    done => {
                        done?;
                        self.last_cost = started.elapsed();
                        Ok(true)
                    }
                }
            }
            Err(e) => {
                self.error = Some(e);
                Ok(false)
            }
        }
    }

    /// Sets the filter line's text and applies it (saved views, drill-downs).
    pub fn set_filter(&mut self, text: &str, store: &Store, now: DateTime<Utc>) -> Result<bool> {
        self.filter = line(text);
        self.apply(text, store, now)
    }

    pub fn start_editing(&mut self) {
        self.editing = true;
        self.before_edit = self.query_text.clone();
        self.filter
            .set_cursor_style(Style::default().add_modifier(Modifier::REVERSED));
        self.filter.move_cursor(CursorMove::End);
    }

    /// A key typed in the filter line: the table follows as soon as the text
    /// parses (after a pause in the typing when filtering is slow).
    pub fn type_key(&mut self, key: KeyEvent, store: &Store, now: DateTime<Utc>) -> Result<()> {
        if self.filter.input(Input::from(key)) {
            let text = self.filter.lines().join(" ");
            match Query::parse(&text) {
                Err(e) => {
                    self.error = Some(e);
                    self.pending = None;
                }
                Ok(_) if self.last_cost > LIVE_UNDER => {
                    self.error = None;
                    self.pending = Some((text, Instant::now()));
                }
                Ok(_) => {
                    self.apply(&text, store, now)?;
                }
            }
        }
        Ok(())
    }

    /// Applies a typed filter once the typing has paused; true when it did.
    pub fn apply_pending(
        &mut self,
        store: &Store,
        now: DateTime<Utc>,
        force: bool,
    ) -> Result<bool> {
        match self.pending.take() {
            Some((text, since)) if force || since.elapsed() >= PAUSE => {
                self.apply(&text, store, now)
            }
            other => {
                self.pending = other;
                Ok(false)
            }
        }
    }

    /// Enter: keeps the filter, unless it does not parse.
    pub fn finish_editing(&mut self) -> bool {
        if self.error.is_some() {
            return false;
        }
        self.editing = false;
        self.filter.set_cursor_style(Style::default());
        true
    }

    /// Esc: back to the filter in force before `/`.
    pub fn cancel_editing(&mut self, store: &Store, now: DateTime<Utc>) -> Result<()> {
        self.editing = false;
        let before = self.before_edit.clone();
        self.set_filter(&before, store, now)?;
        self.filter.set_cursor_style(Style::default());
        Ok(())
    }

    pub fn cycle_sort(&mut self, step: isize, store: &Store, now: DateTime<Utc>) -> Result<()> {
        let all = SortKey::ALL;
        let i = all.iter().position(|k| *k == self.sort).unwrap_or(0) as isize;
        self.sort = all[(i + step).rem_euclid(all.len() as isize) as usize];
        self.descending = natural_descending(self.sort);
        self.restart();
        self.load(store, now)
    }

    pub fn reverse(&mut self, store: &Store, now: DateTime<Utc>) -> Result<()> {
        self.descending = !self.descending;
        self.restart();
        self.load(store, now)
    }

    /// Selects a case by id if it is in the loaded page.
    pub fn select_id(&mut self, id: i64) {
        if let Some(i) = self.rows.iter().position(|r| r.id == id) {
            self.selected = self.offset + i;
            self.scroll();
        }
    }
}
