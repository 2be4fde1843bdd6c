//! `?`: every key of the screen it was opened from (from the keymap's own
//! tables), and what the screen's words and figures mean.

use super::text::{centered, span};
use super::Theme;
use crate::app::keymap::{self, Mode};
use crate::app::{App, Help};
use crate::domain::friction::RULES;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

fn title(mode: Mode) -> &'static str {
    match mode {
        Mode::Cases => "Cases: the triage table",
        Mode::Case => "Case",
        Mode::Vendors => "Vendors",
        Mode::Channels => "Channels",
        Mode::Sla => "Service levels",
        Mode::Filter => "The filter line",
        Mode::Form => "Forms",
        Mode::Prompt => "Saving a view",
        Mode::Views => "Saved views",
        Mode::Status => "Status",
        Mode::Confirm => "A question",
        Mode::Help => "Help",
    }
}

const QUERY_LANGUAGE: &[&str] = &[
    "vendor:comcast      vendor or marketplace name contains the text",
    "vendor=Comcast      exactly that vendor, by name or alias (not what it sold as a marketplace)",
    "status:open         any status but resolved or closed (or status:waiting_vendor, …)",
    "channel:phone       the case had a touch on that channel",
    "touches:0           the case has no touch yet",
    "category:billing    priority:high    owner:ana    tag:hardware",
    "flag:broken_promise a friction pattern fired on the case",
    "age>7d  age<36h     time since opening (m h d w y)",
    "words               in the title, in any touch's note, or a case's ref",
    "a,b  means either; -term negates it; \"vendor:we love\" keeps spaces",
];

const SCORE: &[&str] = &[
    "friction score = sum of the group's friction pattern rates minus its delight rate",
    "(the patterns a case of the group shows on average, less the share that delighted; 0 is none)",
    "rate: share of the group's cases with the pattern; baseline: the same over all cases",
    "low: the Wilson 95% lower bound of the rate; FLAGGED when low is above the baseline",
    "and the group has enough cases (fewer is \"too few cases\", never flagged)",
    "ttr: time to resolution (open cases have an age instead and are left out)",
    "ranked by friction score, but groups with fewer than min_cases cases",
    "come after all the others (a score on a few cases says little)",
    "columns: cases · open · ttr med: median time to resolution, and its bar",
    "ven/case, cus/case: hours waited on the vendor / the customer, per case",
    "ttr p90 · score · patterns that fired; !name: flagged (above baseline)",
    "cases/of: the group's cases with the pattern / all the group's cases;",
    "all: the baseline; low: the lower bound; verdict: FLAGGED, ok, too few",
    "sparkline: cases opened per period, oldest left; histogram: resolution times",
    "Channels: a case counts under every channel it used, so channels add up",
    "to more than (all); a pattern counts under its evidence's channel, so a",
    "channel's score counts only what went wrong there, less than (all)'s",
    "Enter lists exactly the cases a row counts (vendor=NAME, channel:NAME)",
];

fn section(lines: &mut Vec<Line<'static>>, heading: &str, theme: &Theme) {
    lines.push(Line::raw(""));
    lines.push(Line::styled(heading.to_string(), theme.header));
}

/// All the lines of the help for a mode.
pub fn lines(mode: Mode, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(
        format!("Keys — {}", title(mode)),
        theme.header,
    )];
    let key_lines = keymap::help_lines(mode);
    let notes = keymap::text_notes(mode);
    let width = key_lines
        .iter()
        .map(|(k, _)| k.chars().count())
        .chain(notes.iter().map(|(k, _)| k.chars().count()))
        .max()
        .unwrap_or(8)
        + 2;
    for (keys, what) in key_lines {
        lines.push(Line::from(vec![
            span(format!("  {keys:<width$}"), theme.key),
            span(what, ratatui::style::Style::default()),
        ]));
    }
    for (keys, what) in notes {
        lines.push(Line::from(vec![
            span(format!("  {keys:<width$}"), theme.key),
            span(*what, ratatui::style::Style::default()),
        ]));
    }
    match mode {
        Mode::Cases | Mode::Filter => {
            section(
                &mut lines,
                "The filter's query language (terms are ANDed)",
                theme,
            );
            lines.extend(QUERY_LANGUAGE.iter().map(|l| Line::raw(format!("  {l}"))));
            section(&mut lines, "Columns", theme);
            lines.push(Line::raw(
                "  age: time since opening (as age>7d and the age sort) · tch: touches",
            ));
            lines.push(Line::raw(
                "  last ch: channel of the latest touch · ▲▼: the sort column and direction",
            ));
            lines.push(Line::raw(
                "  sort urgency: open first; then SLA breached, then at risk, by time left;",
            ));
            lines.push(Line::raw(
                "    then broken promises, priority, more flags, oldest",
            ));
        }
        Mode::Vendors | Mode::Channels => {
            section(&mut lines, "Figures", theme);
            lines.extend(SCORE.iter().map(|l| Line::raw(format!("  {l}"))));
        }
        Mode::Case => {
            section(&mut lines, "The channel map", theme);
            lines.push(Line::raw(
                "  one stage per touch, as long as the time until the next (or until resolution / now),",
            ));
            lines.push(Line::raw(
                "  filled by who the case waited on: the vendor, the customer, or nobody",
            ));
            lines.push(Line::raw(
                "  ● in the timeline: evidence of the selected flag · then: who waited, how long",
            ));
            lines.push(Line::raw(
                "  every time shown, flag explanations included, is local time ($TZ)",
            ));
        }
        Mode::Sla => {
            section(&mut lines, "Service levels", theme);
            for l in [
                "a case falls under the most specific policy: vendor and priority, then vendor,",
                "then priority, then neither (ties by name); its hours count in the calendar's open hours",
                "first response: opened → the first vendor answer; resolution: opened → resolved,",
                "paused while the ball is with the customer or with nobody",
                "calendar hours: days then times, ; between: mon-fri 09:00-17:00; sat 10:00-14:00",
                "a save rechecks every case; the Cases screen's sla sort puts breached first",
            ] {
                lines.push(Line::raw(format!("  {l}")));
            }
        }
        Mode::Form => {
            section(&mut lines, "Typing in a field", theme);
            lines.push(Line::raw(
                "  a prefilled value (dim) is replaced by the first character typed;",
            ));
            lines.push(Line::raw(
                "  any other key keeps it for editing · ctrl-u clears the field",
            ));
            lines.push(Line::raw(
                "  times: now · 14:00 (today) · tomorrow, yesterday (this time of day,",
            ));
            lines.push(Line::raw(
                "  or 'tomorrow 09:30') · +1d -2h -30m -1w · 2024-05-01 · 2024-05-01 14:30",
            ));
            lines.push(Line::raw(
                "  all times, typed and shown, are in the local time zone ($TZ)",
            ));
            lines.push(Line::raw(
                "  vendor, bought via, party: → at the end takes the known name shown",
            ));
            lines.push(Line::raw(
                "  (names and aliases); a name no vendor has asks before creating one",
            ));
            section(&mut lines, "Proposed outcomes", theme);
            lines.push(Line::raw(
                "  a note saying “went silent”, “hung up” proposes dropped; “no record of” no_record;",
            ));
            lines.push(Line::raw(
                "  “couldn't find a number” unreachable; “call back” promise. Nothing changes until ctrl-y.",
            ));
        }
        _ => {}
    }
    if matches!(
        mode,
        Mode::Case | Mode::Vendors | Mode::Channels | Mode::Cases
    ) {
        section(&mut lines, "Friction patterns", theme);
        for r in RULES {
            lines.push(Line::from(vec![
                span(format!("  {:<18} ", r.id), theme.flag),
                span(r.definition, ratatui::style::Style::default()),
            ]));
        }
    }
    lines
}

pub fn draw(frame: &mut Frame, area: Rect, help: &Help, _app: &App, theme: &Theme) {
    let rect = centered(area, area.width.saturating_sub(2).min(110), area.height);
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Line::styled(" Help — Esc closes, j/k scroll ", theme.title));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    // Long lines wrap: scrolling stops at the last wrapped line, not the last line.
    let text = Paragraph::new(lines(help.mode, theme)).wrap(Wrap { trim: false });
    let rows = u16::try_from(text.line_count(inner.width)).unwrap_or(u16::MAX);
    let max_scroll = rows.saturating_sub(inner.height);
    frame.render_widget(text.scroll((help.scroll.min(max_scroll), 0)), inner);
}
