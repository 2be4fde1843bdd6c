//! Everything a user (or the event loop) can ask the app to do. The keymap
//! turns keys into these; `App::update` carries them out.

use crate::domain::Status;
use ratatui::crossterm::event::KeyEvent;

/// The top-level screens, in the order of their tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tab {
    Cases,
    Vendors,
    Channels,
    /// Service levels: the policies and their calendars.
    Sla,
}

impl Tab {
    pub const ALL: [Tab; 4] = [Tab::Cases, Tab::Vendors, Tab::Channels, Tab::Sla];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Cases => "Cases",
            Tab::Vendors => "Vendors",
            Tab::Channels => "Channels",
            Tab::Sla => "SLA",
        }
    }

    pub fn index(self) -> usize {
        match self {
            Tab::Cases => 0,
            Tab::Vendors => 1,
            Tab::Channels => 2,
            Tab::Sla => 3,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Nothing to do (an unbound key).
    None,
    Quit,
    /// `q` / `Esc`: leave the current screen or modal.
    Back,
    ShowHelp,
    HideHelp,
    Tab(Tab),
    NextTab,
    PrevTab,

    // Moving in lists and tables.
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Enter: open the selected case, or the selected group's cases.
    Open,
    /// Re-read the screen from the database.
    Reload,

    // The triage screen.
    EditFilter,
    ClearFilter,
    SortNext,
    SortPrev,
    SortReverse,
    ShowViews,
    SaveView,

    // Changing data (each ends in one store call).
    NewCase,
    EditCase,
    NewTouch,
    EditTouch,
    DeleteTouch,
    StatusMenu,
    SetStatus(Status),
    Resolve,
    /// Take back the last change made in this session.
    Undo,

    // The case screen.
    NextFlag,
    PrevFlag,
    ToggleEvents,
    /// The channel map's bar: time or cost to serve.
    ToggleMapCost,
    /// The vendors scorecard: grouped by vendor or by journey stage.
    ToggleStage,
    PrevCase,
    NextCase,

    // The service-level screen.
    NewPolicy,
    NewCalendar,
    /// Edit the selected policy or calendar.
    EditSla,
    SetAtRisk,

    // Modals, forms and the filter line.
    /// A key for the text input that has the focus.
    Input(KeyEvent),
    Submit,
    Cancel,
    NextField,
    PrevField,
    /// Take the outcome the touch form proposes from the note.
    AcceptSuggestion,
    /// Delete the selected saved view.
    Delete,
    Yes,
    No,

    // From the event loop.
    Tick,
    Resize(u16, u16),
}
