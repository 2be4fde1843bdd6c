//! Keys are data: for each mode (a screen, or the modal on top of it) a table
//! of bindings, each with its keys, its action and one line of help. The help
//! screen is drawn from the same tables, so it lists every key there is.

use super::action::{Action, Tab};
use crate::domain::Status;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What has the keyboard: a screen, or something drawn over it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    Cases,
    Case,
    Vendors,
    Channels,
    /// The service levels: policies and calendars.
    Sla,
    /// Typing in the filter line of the triage screen.
    Filter,
    Form,
    /// A one-line question (the name of a saved view).
    Prompt,
    Views,
    Status,
    Confirm,
    Help,
}

/// One key with its modifiers (Shift is implied by upper-case letters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key(pub KeyCode, pub KeyModifiers);

pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    pub help: &'static str,
}

const fn ch(c: char) -> Key {
    Key(KeyCode::Char(c), KeyModifiers::NONE)
}
const fn ctrl(c: char) -> Key {
    Key(KeyCode::Char(c), KeyModifiers::CONTROL)
}
const fn code(c: KeyCode) -> Key {
    Key(c, KeyModifiers::NONE)
}
const fn b(keys: &'static [Key], action: Action, help: &'static str) -> Binding {
    Binding { keys, action, help }
}

const ENTER: Key = code(KeyCode::Enter);
const ESC: Key = code(KeyCode::Esc);
const UP: Key = code(KeyCode::Up);
const DOWN: Key = code(KeyCode::Down);
const LEFT: Key = code(KeyCode::Left);
const RIGHT: Key = code(KeyCode::Right);
const TAB: Key = code(KeyCode::Tab);
const BACKTAB: Key = code(KeyCode::BackTab);
const F1: Key = code(KeyCode::F(1));

static GLOBAL: &[Binding] = &[
    b(&[ch('?'), F1], Action::ShowHelp, "this help"),
    b(
        &[ch('/')],
        Action::EditFilter,
        "filter the cases: type a query (from any screen; see the Cases help)",
    ),
    b(
        &[ch('1')],
        Action::Tab(Tab::Cases),
        "Cases: the triage table (from a case too)",
    ),
    b(
        &[ch('2')],
        Action::Tab(Tab::Vendors),
        "Vendors: scorecards per vendor",
    ),
    b(
        &[ch('3')],
        Action::Tab(Tab::Channels),
        "Channels: scorecards per channel",
    ),
    b(
        &[ch('4')],
        Action::Tab(Tab::Sla),
        "SLA: service-level policies and business calendars",
    ),
    b(&[TAB], Action::NextTab, "next screen"),
    b(&[BACKTAB], Action::PrevTab, "previous screen"),
    b(
        &[ctrl('r')],
        Action::Reload,
        "re-read the database (changes made elsewhere show within a second anyway)",
    ),
    b(
        &[ch('u')],
        Action::Undo,
        "undo your last change since the app opened (again: the one before)",
    ),
    b(&[ctrl('c')], Action::Quit, "quit at once"),
];

static MOVE: &[Binding] = &[
    b(&[ch('j'), DOWN], Action::Down, "down"),
    b(&[ch('k'), UP], Action::Up, "up"),
    b(
        &[code(KeyCode::PageDown), ctrl('d'), ctrl('f')],
        Action::PageDown,
        "page down",
    ),
    b(
        &[code(KeyCode::PageUp), ctrl('u'), ctrl('b')],
        Action::PageUp,
        "page up",
    ),
    b(&[ch('g'), code(KeyCode::Home)], Action::Top, "first"),
    b(&[ch('G'), code(KeyCode::End)], Action::Bottom, "last"),
];

static CASES: &[Binding] = &[
    b(
        &[ENTER, ch('l'), RIGHT],
        Action::Open,
        "open the selected case",
    ),
    b(&[ch('s')], Action::SortNext, "sort by the next column"),
    b(&[ch('S')], Action::SortPrev, "sort by the previous column"),
    b(&[ch('i')], Action::SortReverse, "reverse the order"),
    b(
        &[ch('v')],
        Action::ShowViews,
        "saved views: apply or delete one",
    ),
    b(
        &[ch('w')],
        Action::SaveView,
        "save the filter as a named view",
    ),
    b(&[ch('a')], Action::NewCase, "log a new case"),
    b(&[ch('e')], Action::EditCase, "edit the selected case"),
    b(
        &[ch('t')],
        Action::NewTouch,
        "log a touch (call, chat, email…) on it",
    ),
    b(&[ch('x')], Action::StatusMenu, "change its status"),
    b(&[ch('r')], Action::Resolve, "resolve it (outcome, refund)"),
    b(&[ESC], Action::Back, "clear the filter"),
    b(&[ch('q')], Action::Quit, "quit"),
];

static CASE: &[Binding] = &[
    b(
        &[ch('n')],
        Action::NextFlag,
        "next flag: explain it, mark its evidence",
    ),
    b(&[ch('N')], Action::PrevFlag, "previous flag"),
    b(
        &[ch('t')],
        Action::NewTouch,
        "log a touch (defaults: now, last channel and party)",
    ),
    b(&[ENTER], Action::EditTouch, "edit the selected touch"),
    b(
        &[ch('d'), code(KeyCode::Delete)],
        Action::DeleteTouch,
        "delete the selected touch (asks first)",
    ),
    b(&[ch('e')], Action::EditCase, "edit the case"),
    b(&[ch('x')], Action::StatusMenu, "change its status"),
    b(&[ch('r')], Action::Resolve, "resolve it (outcome, refund)"),
    b(
        &[ch('H')],
        Action::ToggleEvents,
        "show or hide the audit events in the timeline",
    ),
    b(
        &[ch('$')],
        Action::ToggleMapCost,
        "channel map: draw time or cost to serve per stage",
    ),
    b(&[ch('[')], Action::PrevCase, "previous case of the list"),
    b(&[ch(']')], Action::NextCase, "next case of the list"),
    b(
        &[ch('q'), ESC, ch('h'), LEFT],
        Action::Back,
        "back to the cases",
    ),
];

static REPORT: &[Binding] = &[
    b(
        &[ENTER, ch('l'), RIGHT],
        Action::Open,
        "list this group's cases",
    ),
    b(
        &[ch('s')],
        Action::SortNext,
        "rank by: friction score, friction cost, cases, median time to resolution, name",
    ),
    b(
        &[ch('J')],
        Action::ToggleStage,
        "vendors: group by vendor or by journey stage",
    ),
    b(&[ESC, ch('h'), LEFT], Action::Back, "back to the cases"),
    b(&[ch('q')], Action::Quit, "quit"),
];

static SLA: &[Binding] = &[
    b(&[ch('a')], Action::NewPolicy, "add a service-level policy"),
    b(&[ch('c')], Action::NewCalendar, "add a business calendar"),
    b(
        &[ENTER, ch('e')],
        Action::EditSla,
        "edit the selected policy or calendar",
    ),
    b(
        &[ch('d'), code(KeyCode::Delete)],
        Action::Delete,
        "remove the selected policy or calendar (asks first)",
    ),
    b(
        &[ch('r')],
        Action::SetAtRisk,
        "set the share of a target left under which it is at risk",
    ),
    b(&[ESC], Action::Back, "(nothing to leave here: q quits)"),
    b(&[ch('q')], Action::Quit, "quit"),
];

static FILTER: &[Binding] = &[
    b(
        &[ENTER],
        Action::Submit,
        "keep this filter and leave the line",
    ),
    b(
        &[ESC],
        Action::Cancel,
        "leave the line, back to the filter before",
    ),
    b(&[ctrl('c')], Action::Quit, "quit at once"),
];

static FORM: &[Binding] = &[
    b(&[ENTER, ctrl('s')], Action::Submit, "save"),
    b(
        &[ESC],
        Action::Cancel,
        "cancel (asks before dropping changes)",
    ),
    b(&[TAB, DOWN], Action::NextField, "next field"),
    b(&[BACKTAB, UP], Action::PrevField, "previous field"),
    b(
        &[ctrl('y')],
        Action::AcceptSuggestion,
        "take the outcome proposed from the note",
    ),
    b(&[F1], Action::ShowHelp, "this help"),
    b(
        &[ctrl('c')],
        Action::Quit,
        "quit at once (the form is not saved)",
    ),
];

static PROMPT: &[Binding] = &[
    b(&[ENTER], Action::Submit, "save"),
    b(&[ESC], Action::Cancel, "cancel"),
    b(&[F1], Action::ShowHelp, "this help"),
    b(&[ctrl('c')], Action::Quit, "quit at once"),
];

static VIEWS: &[Binding] = &[
    b(&[ENTER], Action::Submit, "apply the view"),
    b(
        &[ch('d'), code(KeyCode::Delete)],
        Action::Delete,
        "delete the view (asks first)",
    ),
    b(&[ESC, ch('q')], Action::Cancel, "close"),
    b(&[ch('?'), F1], Action::ShowHelp, "this help"),
    b(&[ctrl('c')], Action::Quit, "quit at once"),
];

static STATUS: &[Binding] = &[
    b(&[ch('o')], Action::SetStatus(Status::Open), "open"),
    b(
        &[ch('v')],
        Action::SetStatus(Status::WaitingVendor),
        "waiting_vendor",
    ),
    b(
        &[ch('c')],
        Action::SetStatus(Status::WaitingCustomer),
        "waiting_customer",
    ),
    b(
        &[ch('e')],
        Action::SetStatus(Status::Escalated),
        "escalated",
    ),
    b(&[ch('r')], Action::Resolve, "resolved… (asks the outcome)"),
    b(&[ch('x')], Action::SetStatus(Status::Closed), "closed"),
    b(&[ENTER], Action::Submit, "the highlighted status"),
    b(&[ESC, ch('q')], Action::Cancel, "cancel"),
    b(&[ch('?'), F1], Action::ShowHelp, "this help"),
    b(&[ctrl('c')], Action::Quit, "quit at once"),
];

static CONFIRM: &[Binding] = &[
    b(&[ch('y')], Action::Yes, "yes"),
    b(&[ch('n'), ESC, ch('q')], Action::No, "no"),
    b(&[ctrl('c')], Action::Quit, "quit at once"),
];

static HELP: &[Binding] = &[
    b(
        &[ESC, ch('q'), ch('?'), F1],
        Action::HideHelp,
        "close the help",
    ),
    b(&[ch('j'), DOWN], Action::Down, "scroll down"),
    b(&[ch('k'), UP], Action::Up, "scroll up"),
    b(
        &[code(KeyCode::PageDown), ch(' ')],
        Action::PageDown,
        "page down",
    ),
    b(&[code(KeyCode::PageUp)], Action::PageUp, "page up"),
    b(&[ch('g'), code(KeyCode::Home)], Action::Top, "top"),
    b(&[ctrl('c')], Action::Quit, "quit at once"),
];

/// The tables that apply in a mode, most specific first.
pub fn tables(mode: Mode) -> Vec<&'static [Binding]> {
    match mode {
        Mode::Cases => vec![CASES, MOVE, GLOBAL],
        Mode::Case => vec![CASE, MOVE, GLOBAL],
        Mode::Vendors | Mode::Channels => vec![REPORT, MOVE, GLOBAL],
        Mode::Sla => vec![SLA, MOVE, GLOBAL],
        Mode::Filter => vec![FILTER],
        Mode::Form => vec![FORM],
        Mode::Prompt => vec![PROMPT],
        Mode::Views => vec![VIEWS, MOVE],
        Mode::Status => vec![STATUS, MOVE],
        Mode::Confirm => vec![CONFIRM],
        Mode::Help => vec![HELP],
    }
}

/// Modes where keys that are not bound are typed into a text input.
fn takes_text(mode: Mode) -> bool {
    matches!(mode, Mode::Filter | Mode::Form | Mode::Prompt)
}

/// Upper-case letters arrive with Shift on some terminals and without on
/// others; Shift+Tab arrives as BackTab with Shift. Both are the same key here.
fn normalise(key: KeyEvent) -> Key {
    let mut mods = key.modifiers;
    if matches!(key.code, KeyCode::Char(_) | KeyCode::BackTab) {
        mods.remove(KeyModifiers::SHIFT);
    }
    Key(key.code, mods)
}

/// The action of a key in a mode.
pub fn action(mode: Mode, key: KeyEvent) -> Action {
    let k = normalise(key);
    for table in tables(mode) {
        if let Some(bind) = table.iter().find(|bind| bind.keys.contains(&k)) {
            return bind.action.clone();
        }
    }
    if takes_text(mode) {
        Action::Input(key)
    } else {
        Action::None
    }
}

/// How a key is written in the help and the hints.
pub fn key_name(k: &Key) -> String {
    let base = match k.0 {
        KeyCode::Char(' ') => "space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "shift-Tab".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::Delete => "Del".into(),
        KeyCode::F(n) => format!("F{n}"),
        other => format!("{other:?}"),
    };
    if k.1.contains(KeyModifiers::CONTROL) {
        format!("ctrl-{base}")
    } else if k.1.contains(KeyModifiers::ALT) {
        format!("alt-{base}")
    } else {
        base
    }
}

/// Every key of a mode with its help, for the help screen: (keys, what it does).
pub fn help_lines(mode: Mode) -> Vec<(String, &'static str)> {
    tables(mode)
        .into_iter()
        .flat_map(|t| t.iter())
        .map(|bind| {
            let keys: Vec<String> = bind.keys.iter().map(key_name).collect();
            (keys.join(" "), bind.help)
        })
        .collect()
}

/// Keys that text inputs understand beyond the bound ones, for the help.
pub fn text_notes(mode: Mode) -> &'static [(&'static str, &'static str)] {
    match mode {
        Mode::Form => &[
            (
                "← → space",
                "choose among a field's values (or type its first letter)",
            ),
            ("alt-Enter ctrl-j", "a new line in the note"),
            ("ctrl-a ctrl-e", "start / end of the line"),
            (
                "ctrl-w ctrl-k",
                "delete a word back / to the end of the line",
            ),
            ("ctrl-z", "undo in the field"),
        ],
        Mode::Filter | Mode::Prompt => &[
            ("← → Home End", "move in the line"),
            (
                "ctrl-w ctrl-k",
                "delete a word back / to the end of the line",
            ),
        ],
        _ => &[],
    }
}

/// A short list of keys for the bottom line of a screen.
pub fn hints(mode: Mode) -> &'static str {
    match mode {
        Mode::Cases => "? help  Enter open  / filter  t touch  x status  r resolve  a add  s sort  v views  q quit",
        Mode::Case => "? help  t touch  Enter edit  n flags  x status  r resolve  e edit case  H events  q back",
        Mode::Vendors | Mode::Channels => "? help  j/k move  Enter cases  s rank by  1-4 screens  q quit",
        Mode::Sla => "? help  a add policy  c add calendar  Enter edit  d remove  r at risk  q quit",
        Mode::Filter => "Enter keep  Esc cancel  F1 help   e.g. vendor:comcast status:open flag:loop age>7d words",
        Mode::Form => "Enter save  Tab/↑↓ fields  ←→ choose  ctrl-y take suggestion  Esc cancel  F1 help",
        Mode::Prompt => "Enter save  Esc cancel",
        Mode::Views => "Enter apply  d delete  Esc close",
        Mode::Status => "o open  v waiting vendor  c waiting customer  e escalated  r resolved  x closed",
        Mode::Confirm => "y yes  n no",
        Mode::Help => "j/k scroll  Esc close",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(c, m)
    }

    #[test]
    fn vim_keys_and_arrows_agree_and_shifted_letters_match() {
        let plain = KeyModifiers::NONE;
        assert_eq!(
            action(Mode::Cases, key(KeyCode::Char('j'), plain)),
            Action::Down
        );
        assert_eq!(action(Mode::Cases, key(KeyCode::Down, plain)), Action::Down);
        assert_eq!(
            action(Mode::Cases, key(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Action::Bottom
        );
        assert_eq!(
            action(Mode::Form, key(KeyCode::Char('j'), plain)),
            Action::Input(key(KeyCode::Char('j'), plain))
        );
        assert_eq!(action(Mode::Case, key(KeyCode::Esc, plain)), Action::Back);
        assert_eq!(
            action(Mode::Cases, key(KeyCode::Char('Z'), plain)),
            Action::None
        );
    }

    #[test]
    fn no_key_is_bound_twice_in_one_mode() {
        for mode in [
            Mode::Cases,
            Mode::Case,
            Mode::Vendors,
            Mode::Sla,
            Mode::Filter,
            Mode::Form,
            Mode::Views,
            Mode::Status,
            Mode::Confirm,
            Mode::Help,
        ] {
            let mut seen = Vec::new();
            for t in tables(mode) {
                for bind in t {
                    for k in bind.keys {
                        assert!(!seen.contains(k), "{mode:?}: {k:?} is bound twice");
                        seen.push(*k);
                    }
                }
            }
        }
    }
}
