//! The triage screen: the filter line, the table of cases (one page), and a
//! preview of the selected case.

use super::text::{fit, fit_spans, span};
use super::Theme;
use crate::app::App;
use crate::store::query::{CaseRow, SortKey};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let screen = &app.cases;
    let error_rows = u16::from(screen.error.is_some());
    let preview_rows = if area.height >= 14 { 2 } else { 0 };
    let [filter, error, table, preview] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(error_rows),
        Constraint::Min(2),
        Constraint::Length(preview_rows),
    ])
    .areas(area);
    filter_line(frame, filter, app, theme);
    if let Some(e) = &screen.error {
        let msg = format!("✗ '{}': {}", e.near, e.message);
        frame.render_widget(
            Line::styled(fit(&msg, error.width as usize), theme.error),
            error,
        );
    }
    cases_table(frame, table, app, theme);
    if preview_rows > 0 {
        preview_lines(frame, preview, app, theme);
    }
}

fn filter_line(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let s = &app.cases;
    let arrow = if s.descending { "▼" } else { "▲" };
    let status = format!(
        " {} of {} · sort {} {arrow}",
        if s.total == 0 { 0 } else { s.selected + 1 },
        s.total,
        s.sort.label()
    );
    let status = fit(&status, (area.width as usize).saturating_sub(12));
    let sw = super::text::width(&status) as u16;
    let [left, right] =
        Layout::horizontal([Constraint::Min(10), Constraint::Length(sw)]).areas(area);
    frame.render_widget(Line::styled(status, theme.dim), right);
    let [prompt, input] =
        Layout::horizontal([Constraint::Length(2), Constraint::Min(1)]).areas(left);
    frame.render_widget(Span::styled("/ ", theme.key), prompt);
    if s.editing {
        frame.render_widget(&s.filter, input);
    } else if s.query_text.is_empty() {
        let hint = "filter (press /): vendor:comcast status:open flag:loop age>7d words";
        frame.render_widget(
            Line::styled(fit(hint, input.width as usize), theme.dim),
            input,
        );
    } else {
        frame.render_widget(
            Line::styled(fit(&s.query_text, input.width as usize), theme.title),
            input,
        );
    }
}

/// The columns shown at a width: (header, constraint, sort key). The SLA
/// column shows when some case has a service-level policy.
/// The id column is as wide as the file's largest id, so no id loses a digit.
fn columns(
    width: u16,
    sla: bool,
    widest_id: i64,
) -> Vec<(&'static str, Constraint, Option<SortKey>)> {
    let digits = widest_id.max(1).to_string().len() as u16;
    let mut cols = vec![
        (
            "id",
            Constraint::Length(digits.max(if width < 50 { 4 } else { 5 })),
            Some(SortKey::Id),
        ),
        ("age", Constraint::Length(7), Some(SortKey::Age)),
        (
            "vendor",
            Constraint::Length(match width {
                150.. => 24,
                130.. => 20,
                50.. => 14,
                _ => 10,
            }),
            Some(SortKey::Vendor),
        ),
    ];
    if width >= 60 {
        cols.push(("last ch", Constraint::Length(9), Some(SortKey::LastChannel)));
    }
    let status_w = match width {
        130.. => 16,
        70.. => 13,
        _ => 8,
    };
    cols.push((
        "status",
        Constraint::Length(status_w),
        Some(SortKey::Status),
    ));
    if sla && width >= 60 {
        cols.push(("sla", Constraint::Length(15), Some(SortKey::TimeLeft)));
    }
    // With a title column the title takes the spare width; without one, the flags.
    let flags_w = match width {
        150.. => Constraint::Length(34),
        110.. => Constraint::Length(20),
        _ => Constraint::Fill(1),
    };
    cols.push(("flags", flags_w, Some(SortKey::Flags)));
    if width >= 50 {
        cols.push(("tch", Constraint::Length(3), Some(SortKey::Touches)));
    }
    if width >= 90 {
        cols.push(("next", Constraint::Length(14), None));
    }
    if width >= 110 {
        cols.push(("title", Constraint::Fill(1), None));
    }
    cols
}

/// The status in the room the column has.
fn status_text(r: &CaseRow, width: usize) -> String {
    let s = r.status.as_str();
    match (s, width) {
        (_, 16..) => s.to_string(),
        ("waiting_vendor", 11..) => "wait vendor".into(),
        ("waiting_customer", 13..) => "wait customer".into(),
        ("waiting_vendor", _) => "wait ven".into(),
        ("waiting_customer", _) => "wait cus".into(),
        ("escalated", ..9) => "escalatd".into(),
        (other, _) => other.into(),
    }
}

/// "chase promise" for `chase_promise`; empty for a done case.
fn action_label(r: &CaseRow) -> String {
    r.next_action.as_deref().unwrap_or("").replace('_', " ")
}

fn flag_spans(flags: &[String], theme: &Theme) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    for (i, f) in flags.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw(" "));
        }
        let style = match f.as_str() {
            "delight" => theme.delight,
            "broken_promise" => theme.error,
            _ => theme.flag,
        };
        spans.push(span(f.clone(), style));
    }
    spans
}

fn cases_table(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let s = &app.cases;
    let sla = s.rows.iter().any(|r| r.sla_state.is_some()) || s.sort == SortKey::TimeLeft;
    let cols = columns(area.width, sla, s.widest_id);
    let visible = area.height.saturating_sub(1) as usize;
    // Keep the selection in view even if the app's idea of the height is off.
    let mut top = s.top;
    if s.selected >= top + visible.max(1) {
        top = s.selected + 1 - visible.max(1);
    }
    top = top.min(s.selected);
    let widths: Vec<Constraint> = cols.iter().map(|c| c.1).collect();
    let col_widths = Layout::horizontal(widths.clone())
        .spacing(1)
        .split(Rect::new(0, 0, area.width, 1));
    let header = Row::new(cols.iter().map(|(name, _, key)| {
        let mark = match key {
            Some(k) if *k == s.sort => {
                if s.descending {
                    "▼"
                } else {
                    "▲"
                }
            }
            _ => "",
        };
        Cell::from(format!("{name}{mark}"))
    }))
    .style(theme.header);
    let rows = (top..(top + visible).min(s.total)).filter_map(|pos| {
        let r = s.row_at(pos)?;
        let done = r.status.is_done();
        // Age is time since opening, for every case: what `age>7d` and the
        // age sort go by.
        let age = crate::domain::time::age_text(app.now - r.opened_at);
        let mut cells = Vec::new();
        for (i, (name, _, _)) in cols.iter().enumerate() {
            let w = col_widths.get(i).map_or(10, |c| c.width as usize);
            let cell = match *name {
                "id" => Cell::from(Line::from(format!("{}", r.id)).right_aligned()),
                "age" => Cell::from(Line::from(age.clone()).right_aligned()),
                "vendor" => Cell::from(fit(&r.vendor, w)),
                "last ch" => Cell::from(fit(r.last_channel.as_deref().unwrap_or_default(), w)),
                "status" => Cell::from(status_text(r, w)),
                "sla" => {
                    let text = crate::domain::sla::cell(
                        r.sla_state.as_deref(),
                        r.sla_due_at,
                        r.sla_left_hours,
                        app.now,
                    );
                    let style = match r.sla_state.as_deref() {
                        Some("breached") | Some("at_risk") => theme.flag,
                        _ => ratatui::style::Style::default(),
                    };
                    Cell::from(Line::styled(fit(&text, w), style))
                }
                "flags" if w < 12 && !r.flags.is_empty() => {
                    Cell::from(Line::styled(r.flags.len().to_string(), theme.flag))
                }
                "flags" => {
                    let mut spans = flag_spans(&r.flags, theme);
                    if done {
                        spans = spans.into_iter().map(|s| s.style(theme.dim)).collect();
                    }
                    Cell::from(Line::from(fit_spans(spans, w)))
                }
                "tch" => Cell::from(Line::from(r.touches.to_string()).right_aligned()),
                "next" => Cell::from(Line::styled(
                    fit(&action_label(r), w),
                    if r.next_action.as_deref() == Some("wait") {
                        theme.dim
                    } else {
                        theme.key
                    },
                )),
                _ => Cell::from(fit(&r.title, w)),
            };
            cells.push(cell);
        }
        let mut row = Row::new(cells);
        if done {
            row = row.style(theme.dim);
        }
        if pos == s.selected {
            row = row.style(theme.selected);
        }
        Some(row)
    });
    let table = Table::new(rows, widths).header(header).column_spacing(1);
    frame.render_widget(table, area);
    if s.total == 0 {
        let msg = if s.query_text.is_empty() {
            "No cases yet. Press a to log one (or run `casebook demo` for the demo stories)."
        } else {
            "No case matches the filter. Esc clears it."
        };
        if area.height > 2 {
            let r = Rect::new(area.x + 1, area.y + 2, area.width.saturating_sub(2), 1);
            frame.render_widget(Line::styled(fit(msg, r.width as usize), theme.dim), r);
        }
    }
}

fn preview_lines(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(r) = app.cases.selected_row() else {
        return;
    };
    let w = area.width as usize;
    let title = Line::from(fit_spans(
        vec![
            span(format!("#{} ", r.id), theme.title),
            span(r.title.clone(), Style::default()),
        ],
        w,
    ));
    let mut info = vec![span(
        format!(
            "{} · {} · {}",
            r.vendor,
            r.priority,
            super::text::local(r.opened_at)
        ),
        theme.dim,
    )];
    if r.next_action.is_some() {
        info.push(Span::raw(" · "));
        info.push(span(format!("next: {}", action_label(r)), theme.key));
    }
    if !r.flags.is_empty() {
        info.push(Span::raw(" · "));
        info.extend(flag_spans(&r.flags, theme));
    }
    let [a, b] = Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);
    frame.render_widget(title, a);
    frame.render_widget(Line::from(fit_spans(info, w)), b);
}
