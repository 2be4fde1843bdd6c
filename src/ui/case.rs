//! The case screen: its fields and measures, the channel map, the flags with
//! their explanations, and the timeline, where the selected flag's evidence
//! is marked.

use super::text::{dur, fit, fit_spans, local, local_short, safe_line, safe_text, span, wrap};
use super::{channel_map, Theme};
use crate::app::case_view::{CaseScreen, Entry};
use crate::app::App;
use crate::domain::{StartedBy, WaitingOn};
use crate::store::Event;
use chrono::{DateTime, Utc};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, Wrap};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, s: &CaseScreen, theme: &Theme) {
    let roomy = area.height >= 18;
    let flag_rows = if roomy {
        let most = (area.height / 5).max(4) as usize;
        // One more row when a flag is selected: its explanation wraps.
        let wrapped = u16::from(s.flag.is_some() && s.flags.len() > 1);
        (s.flags.len().min(most) as u16).max(1) + 1 + wrapped
    } else {
        1
    };
    let next_rows = u16::from(s.next_action.is_some());
    // The service level takes two lines of the header when a policy applies.
    let sla_rows = if roomy && s.sla.is_some() { 2 } else { 0 };
    // A roomy header: the title, three rows of facts and figures, and what
    // the case cost (two rows from a 24-row window up, where it may wrap).
    let head_rows = next_rows
        + sla_rows
        + match area.height {
            22.. => 6,
            18.. => 5,
            _ => 2,
        };
    let map_rows = if roomy { 3 } else { 1 };
    let detail_rows = if roomy { 3 } else { 0 };
    // The timeline takes what it needs; spare rows go below the detail.
    let rest = area
        .height
        .saturating_sub(head_rows + map_rows + flag_rows + detail_rows);
    let timeline_rows = (s.timeline.len() as u16 + 1).clamp(3.min(rest), rest.max(1));
    let [head, map, flags, timeline, detail, _] = Layout::vertical([
        Constraint::Length(head_rows),
        Constraint::Length(map_rows),
        Constraint::Length(flag_rows),
        Constraint::Length(timeline_rows),
        Constraint::Length(detail_rows),
        Constraint::Min(0),
    ])
    .areas(area);
    super::case_header::draw(frame, head, app, s, theme, roomy);
    if roomy {
        let [title, bar] =
            Layout::vertical([Constraint::Length(1), Constraint::Length(2)]).areas(map);
        frame.render_widget(
            Line::styled(
                "where the time went (channel map, one stage per touch)",
                theme.header,
            ),
            title,
        );
        channel_map::draw(frame, bar, s, theme, true);
    } else {
        channel_map::draw(frame, map, s, theme, false);
    }
    flag_list(frame, flags, s, theme, roomy);
    timeline_table(frame, timeline, s, theme, app.now);
    if roomy {
        detail_lines(frame, detail, s, theme);
    }
}

/// An explanation with its times on the local clock, like every time shown.
fn local_text(text: &str) -> String {
    crate::domain::time::localize_utc_times(text, &chrono::Local)
}

fn flag_list(frame: &mut Frame, area: Rect, s: &CaseScreen, theme: &Theme, roomy: bool) {
    let w = area.width as usize;
    if !roomy || area.height < 2 {
        let names: Vec<&str> = s.flags.iter().map(|f| f.pattern.id()).collect();
        let text = match s.selected_flag() {
            Some(f) => format!("{}: {}", f.pattern.id(), local_text(&f.explanation)),
            None if names.is_empty() => "no flags".into(),
            None => format!("flags: {} (n: why)", names.join(" ")),
        };
        frame.render_widget(Line::styled(fit(&text, w), theme.flag), area);
        return;
    }
    let title = format!(
        "flags ({}) — n / N to go through them and mark their evidence",
        s.flags.len()
    );
    let mut lines = vec![Line::styled(fit(&title, w), theme.header)];
    if s.flags.is_empty() {
        lines.push(Line::styled(
            "none: no friction pattern fired on this case",
            theme.dim,
        ));
    }
    let rows = area.height.saturating_sub(1) as usize;
    // The selected flag's explanation is wrapped in full under its name.
    let indent = 20;
    let selected_text = s.selected_flag().map(|f| {
        wrap(
            &format!("{}{}", local_text(&f.explanation), evidence_text(f)),
            w.saturating_sub(indent).max(10),
        )
    });
    let tall = selected_text
        .as_ref()
        .map_or(1, |l| l.len().clamp(1, rows.max(1)));
    let first = s
        .flag
        .map_or(0, |i| i.saturating_sub(rows.saturating_sub(tall)));
    let mut left = rows;
    for (i, f) in s.flags.iter().enumerate().skip(first) {
        if left == 0 {
            break;
        }
        if s.flag == Some(i) {
            let wrapped = selected_text.clone().unwrap_or_default();
            for (j, piece) in wrapped.into_iter().take(left).enumerate() {
                let head = if j == 0 {
                    format!("▶ {:<18}", f.pattern.id())
                } else {
                    " ".repeat(indent)
                };
                lines.push(
                    Line::from(vec![span(head, theme.key), span(piece, Style::default())])
                        .style(theme.selected),
                );
                left -= 1;
            }
            continue;
        }
        left -= 1;
        let evidence = evidence_text(f);
        let style = if f.pattern.is_positive() {
            theme.delight
        } else {
            theme.flag
        };
        let spans = vec![
            span("  ", theme.key),
            span(format!("{:<18}", f.pattern.id()), style),
            span(local_text(&f.explanation), Style::default()),
            span(evidence, theme.dim),
        ];
        lines.push(Line::from(fit_spans(spans, w)));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// " [#3 #4]", or " (the case as a whole)" for case-level patterns.
fn evidence_text(f: &crate::domain::friction::Flag) -> String {
    if f.evidence.is_empty() {
        " (the case as a whole)".to_string()
    } else {
        let ids: Vec<String> = f.evidence.iter().map(|e| format!("#{e}")).collect();
        format!(" [{}]", ids.join(" "))
    }
}

fn who(t: StartedBy) -> &'static str {
    match t {
        StartedBy::Customer => "cust",
        StartedBy::Vendor => "vend",
    }
}

fn event_text(e: &Event) -> String {
    e.summary()
}

/// An event in the timeline: what it did, and who did it.
fn event_row_text(e: &Event) -> String {
    format!("{} · by {}", e.summary(), e.shown_actor())
}

fn timeline_table(
    frame: &mut Frame,
    area: Rect,
    s: &CaseScreen,
    theme: &Theme,
    now: DateTime<Utc>,
) {
    let wide = area.width >= 140;
    // Columns that say nothing on this case are left out: the party when
    // every touch was with the case's vendor, the hold when none was timed.
    let parties = s
        .touches
        .iter()
        .any(|t| t.party_or(&s.case.vendor) != s.case.vendor);
    let holds = s.touches.iter().any(|t| t.wait_minutes.is_some());
    let mid = area.width >= 60;
    let mut cols: Vec<(&str, Constraint)> = vec![
        ("", Constraint::Length(1)),
        ("when", Constraint::Length(if wide { 16 } else { 11 })),
        ("channel", Constraint::Length(9)),
    ];
    if mid {
        cols.push(("from", Constraint::Length(4)));
    }
    let party_w = if wide { 22 } else { 12 };
    if mid && (parties || wide) {
        cols.push(("party", Constraint::Length(party_w as u16)));
    }
    cols.push(("outcome", Constraint::Length(12)));
    if mid && (holds || wide) {
        cols.push(("hold", Constraint::Length(4)));
    }
    if mid {
        cols.push(("then", Constraint::Length(9)));
    }
    cols.push(("note", Constraint::Fill(1)));
    let visible = area.height.saturating_sub(1) as usize;
    let top = s.selected.saturating_sub(visible.saturating_sub(1));
    let rows = s
        .timeline
        .iter()
        .enumerate()
        .skip(top)
        .take(visible)
        .map(|(i, entry)| {
            let mut row = match entry {
                Entry::Touch(ti) => {
                    let t = &s.touches[*ti];
                    let evidence = s.is_evidence(t.id);
                    let cells = cols.iter().map(|(name, _)| match *name {
                        "" => Cell::from(if evidence { "●" } else { "" }),
                        "when" => Cell::from(if wide {
                            local(t.at)
                        } else {
                            local_short(t.at, now)
                        }),
                        "channel" => Cell::from(safe_line(t.channel.as_str()).into_owned()),
                        "from" => Cell::from(who(t.started_by)),
                        "party" => Cell::from(fit(t.party_or(&s.case.vendor), party_w)),
                        "outcome" => {
                            let style = if t.outcome.is_failure() {
                                theme.flag
                            } else {
                                Style::default()
                            };
                            Cell::from(Span::styled(t.outcome.to_string(), style))
                        }
                        "hold" => {
                            Cell::from(t.wait_minutes.map_or(String::new(), |w| format!("{w}m")))
                        }
                        "then" => then_cell(s, t.id, theme),
                        _ => Cell::from(safe_line(&t.note).into_owned()),
                    });
                    let r = Row::new(cells.collect::<Vec<_>>());
                    if evidence {
                        r.style(theme.evidence)
                    } else {
                        r
                    }
                }
                Entry::Event(ei) => {
                    let e = &s.events[*ei];
                    let cells = cols.iter().map(|(name, _)| match *name {
                        "when" => Cell::from(if wide {
                            local(e.at)
                        } else {
                            local_short(e.at, now)
                        }),
                        "channel" => Cell::from("(event)"),
                        "note" => Cell::from(safe_line(&event_row_text(e)).into_owned()),
                        _ => Cell::from(""),
                    });
                    Row::new(cells.collect::<Vec<_>>()).style(theme.dim)
                }
            };
            if i == s.selected {
                row = row.style(theme.selected);
            }
            row
        });
    let table = Table::new(rows, cols.iter().map(|c| c.1))
        .header(Row::new(cols.iter().map(|c| c.0)).style(theme.header))
        .column_spacing(1);
    frame.render_widget(table, area);
}

/// Who held the ball after a touch, and for how long ("v 2d 1h").
fn then_cell(s: &CaseScreen, touch_id: i64, theme: &Theme) -> Cell<'static> {
    match s.stage_of(touch_id) {
        Some(st) => {
            let (who, style) = match st.waiting_on {
                WaitingOn::Vendor => ("v", theme.flag),
                WaitingOn::Customer => ("c", theme.bar),
                WaitingOn::Nobody => ("-", theme.dim),
            };
            Cell::from(Span::styled(
                format!("{who} {}", dur(st.end - st.start)),
                style,
            ))
        }
        None => Cell::from(""),
    }
}

fn detail_lines(frame: &mut Frame, area: Rect, s: &CaseScreen, theme: &Theme) {
    let mut spans: Vec<Span> = Vec::new();
    let mut more: Vec<Line> = Vec::new();
    match s.timeline.get(s.selected) {
        Some(Entry::Touch(i)) => {
            let t = &s.touches[*i];
            spans.push(span(
                format!(
                    "#{} {} {} by {} · {} ",
                    t.id,
                    t.channel,
                    t.outcome,
                    t.started_by,
                    t.party_or(&s.case.vendor)
                ),
                theme.key,
            ));
            let mut extra = Vec::new();
            if let Some(m) = t.minutes {
                extra.push(format!("{m} min"));
            }
            if let Some(a) = t.ask {
                extra.push(format!("asked: {a}"));
            }
            if let Some(p) = t.promise_due {
                extra.push(format!("promised by {}", local(p)));
            }
            if let Some(w) = t.waiting_on {
                extra.push(format!("then waits on {w}"));
            }
            if !extra.is_empty() {
                spans.push(span(format!("({}) ", extra.join(", ")), theme.dim));
            }
            // A note's own lines stay lines, each made safe for the terminal.
            let note = safe_text(&t.note).into_owned().replace('\t', " ");
            let mut note = note.split('\n');
            spans.push(span(
                note.next().unwrap_or("").to_string(),
                Style::default(),
            ));
            more = note.map(|l| Line::raw(l.to_string())).collect();
        }
        Some(Entry::Event(i)) => {
            let e = &s.events[*i];
            spans.push(span(
                format!("event at {} by {}: ", local(e.at), e.shown_actor()),
                theme.key,
            ));
            spans.push(span(event_text(e), Style::default()));
        }
        None => spans.push(span("no touches yet: t logs one", theme.dim)),
    }
    frame.render_widget(
        Paragraph::new([vec![Line::from(spans)], more].concat()).wrap(Wrap { trim: false }),
        area,
    );
}
