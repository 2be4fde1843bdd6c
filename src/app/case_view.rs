//! The case screen's state: the case, its timeline (touches and audit events
//! in time order), its measures and channel map, and its flags, one of which
//! may be selected to mark its evidence in the timeline.

use crate::domain::cost::{case_cost, CaseCost};
use crate::domain::friction::{self, CaseView, Flag};
use crate::domain::measures::{channel_map, measure, CaseMeasures, Stage};
use crate::domain::next_action::NextAction;
use crate::domain::sla::CaseSla;
use crate::domain::Money;
use crate::domain::{Case, Touchpoint};
use crate::store::{Event, Result, Store};
use chrono::{DateTime, Utc};

/// One line of the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// An index into `touches`.
    Touch(usize),
    /// An index into `events`.
    Event(usize),
}

pub struct CaseScreen {
    pub case: Case,
    pub touches: Vec<Touchpoint>,
    pub events: Vec<Event>,
    pub flags: Vec<Flag>,
    pub measures: CaseMeasures,
    pub stages: Vec<Stage>,
    /// Each stage's cost to serve (the cost of the touch that began it).
    pub stage_costs: Vec<Money>,
    /// The channel map's bar draws cost instead of time.
    pub map_shows_cost: bool,
    pub cost: CaseCost,
    pub next_action: Option<NextAction>,
    /// Its service level now (None when no policy applies).
    pub sla: Option<CaseSla>,
    pub timeline: Vec<Entry>,
    /// The selected line of the timeline.
    pub selected: usize,
    /// The selected flag, whose evidence is marked.
    pub flag: Option<usize>,
    pub show_events: bool,
}

/// Events worth a line of their own: a touch's own creation is the touch.
fn shown(e: &Event) -> bool {
    e.kind != "touch_added"
}

impl CaseScreen {
    pub fn load(store: &Store, id: i64, now: DateTime<Utc>) -> Result<CaseScreen> {
        let mut screen = CaseScreen {
            case: store.case(id)?,
            touches: Vec::new(),
            events: Vec::new(),
            flags: Vec::new(),
            measures: measure(&Case::new("", "", now), &[], now),
            stages: Vec::new(),
            stage_costs: Vec::new(),
            map_shows_cost: false,
            cost: CaseCost::default(),
            next_action: None,
            sla: None,
            timeline: Vec::new(),
            selected: 0,
            flag: None,
            show_events: true,
        };
        screen.reload(store, now)?;
        // Start on the latest touch: it is where work goes on.
        screen.selected = screen
            .timeline
            .iter()
            .rposition(|e| matches!(e, Entry::Touch(_)))
            .unwrap_or(0);
        Ok(screen)
    }

    /// Re-reads everything, keeping the selected touch and flag.
    pub fn reload(&mut self, store: &Store, now: DateTime<Utc>) -> Result<()> {
        let keep = self.selected_touch().map(|t| t.id);
        let keep_flag = self.selected_flag().map(|f| f.pattern);
        let id = self.case.id;
        self.case = store.case(id)?;
        self.touches = store.touches(id)?;
        self.events = store.events(id)?;
        self.flags = friction::flags(
            &CaseView {
                case: &self.case,
                touches: &self.touches,
                now,
            },
            &store.thresholds,
        );
        self.measures = measure(&self.case, &self.touches, now);
        self.stages = channel_map(&self.case, &self.touches, now);
        let rates = &store.summary_rates.cost;
        self.stage_costs = self
            .stages
            .iter()
            .map(|st| {
                self.touches
                    .iter()
                    .find(|t| t.id == st.touch_id)
                    .map(|t| rates.touch_cost(t))
                    .unwrap_or_default()
            })
            .collect();
        self.cost = case_cost(&self.case, &self.touches, rates);
        self.next_action = store.next_action(&self.case, &self.touches, &self.flags, now)?;
        self.sla = store
            .sla_setup()?
            .and_then(|s| s.case_sla(&self.case, &self.touches, now));
        self.build_timeline();
        self.flag = keep_flag.and_then(|p| self.flags.iter().position(|f| f.pattern == p));
        if let Some(id) = keep {
            self.select_touch(id);
        }
        self.selected = self.selected.min(self.timeline.len().saturating_sub(1));
        Ok(())
    }

    /// Touches and events merged by time (a touch before an event at the same time).
    fn build_timeline(&mut self) {
        let mut entries: Vec<(DateTime<Utc>, u8, Entry)> = self
            .touches
            .iter()
            .enumerate()
            .map(|(i, t)| (t.at, 0, Entry::Touch(i)))
            .collect();
        if self.show_events {
            entries.extend(
                self.events
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| shown(e))
                    .map(|(i, e)| (e.at, 1, Entry::Event(i))),
            );
        }
        entries.sort_by_key(|(at, order, _)| (*at, *order));
        self.timeline = entries.into_iter().map(|(_, _, e)| e).collect();
    }

    pub fn toggle_events(&mut self) {
        let keep = self.selected_touch().map(|t| t.id);
        self.show_events = !self.show_events;
        self.build_timeline();
        if let Some(id) = keep {
            self.select_touch(id);
        }
        self.selected = self.selected.min(self.timeline.len().saturating_sub(1));
    }

    pub fn selected_touch(&self) -> Option<&Touchpoint> {
        match self.timeline.get(self.selected) {
            Some(Entry::Touch(i)) => self.touches.get(*i),
            _ => None,
        }
    }

    pub fn selected_flag(&self) -> Option<&Flag> {
        self.flag.and_then(|i| self.flags.get(i))
    }

    pub fn select_touch(&mut self, id: i64) {
        if let Some(pos) = self
            .timeline
            .iter()
            .position(|e| matches!(e, Entry::Touch(i) if self.touches[*i].id == id))
        {
            self.selected = pos;
        }
    }

    pub fn move_to(&mut self, pos: usize) {
        self.selected = pos.min(self.timeline.len().saturating_sub(1));
    }

    pub fn move_by(&mut self, delta: isize) {
        self.move_to((self.selected as isize + delta).max(0) as usize);
    }

    /// Selects the next (or previous) flag and moves to its first evidence.
    pub fn cycle_flag(&mut self, step: isize) {
        let n = self.flags.len() as isize;
        if n == 0 {
            return;
        }
        let next = match self.flag {
            None if step > 0 => 0,
            None => n - 1,
            Some(i) => (i as isize + step).rem_euclid(n),
        } as usize;
        self.flag = Some(next);
        if let Some(first) = self.flags[next].evidence.first().copied() {
            self.select_touch(first);
        }
    }

    /// Whether a touch is evidence of the selected flag.
    pub fn is_evidence(&self, touch_id: i64) -> bool {
        self.selected_flag()
            .is_some_and(|f| f.evidence.contains(&touch_id))
    }

    /// The stage of the channel map that a touch began.
    pub fn stage_of(&self, touch_id: i64) -> Option<&Stage> {
        self.stages.iter().find(|s| s.touch_id == touch_id)
    }
}
