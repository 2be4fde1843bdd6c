//! Drawing only: each screen and modal has its file; this one lays out the
//! frame (tabs, screen, bottom line) and draws layers in order, modals last.
//! Nothing here changes the app or the data.

mod case;
mod case_header;
mod case_sla;
mod cases;
mod channel_map;
mod form;
pub mod help;
mod popup;
mod report;
mod sla;
pub mod text;
pub mod theme;

use crate::app::{keymap, App, Modal, Mode, Tab};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;
pub use theme::Theme;

/// The smallest terminal the app draws in.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 12;

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area, theme);
        return;
    }
    let [top, body, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    tabs(frame, top, app, theme);
    match app.tab {
        Tab::Cases => match &app.case {
            Some(screen) => case::draw(frame, body, app, screen, theme),
            None => cases::draw(frame, body, app, theme),
        },
        Tab::Vendors => report::draw(frame, body, app, &app.vendors, theme),
        Tab::Channels => report::draw(frame, body, app, &app.channels, theme),
        Tab::Sla => sla::draw(frame, body, app, &app.sla, theme),
    }
    bottom_line(frame, bottom, app, theme);
    if let Some(modal) = &app.modal {
        match modal {
            Modal::Form(f) => form::draw(frame, body, f, theme),
            other => popup::draw(frame, body, other, app, theme),
        }
    }
    if let Some(h) = &app.help {
        help::draw(frame, area, h, app, theme);
    }
}

fn too_small(frame: &mut Frame, area: Rect, theme: &Theme) {
    let msg = vec![
        Line::styled("terminal too small", theme.title),
        Line::raw(format!(
            "{}×{} needed, now {}×{}",
            MIN_WIDTH, MIN_HEIGHT, area.width, area.height
        )),
        Line::raw("q quits"),
    ];
    let rect = text::centered(area, area.width, 3.min(area.height));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(msg).centered().wrap(Wrap { trim: true }),
        rect,
    );
}

fn tabs(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let narrow = area.width < 60;
    let mut spans = if narrow {
        Vec::new()
    } else {
        vec![Span::styled(" casebook ", theme.title)]
    };
    for t in Tab::ALL {
        let label = if narrow {
            format!("{} {}", t.index() + 1, t.title())
        } else {
            format!(" {} {} ", t.index() + 1, t.title())
        };
        let style = if t == app.tab {
            theme.tab_active
        } else {
            theme.tab
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    if let (Tab::Cases, Some(c)) = (app.tab, &app.case) {
        spans.push(Span::styled(format!("› case {}", c.case.id), theme.title));
    }
    let used: usize = spans.iter().map(|s| text::width(&s.content)).sum();
    let working = app.background.as_ref().is_some_and(|b| b.busy());
    let right = match (app.store.read_only, working) {
        (true, _) => "read-only  ? help ",
        (false, true) => "working…  ? help ",
        (false, false) => "? help ",
    };
    // A fixed clock (--as-of) is said first: every figure is as of it.
    let room = (area.width as usize).saturating_sub(used);
    let right = match app.as_of_set || app.store.as_of.is_some() {
        false => right.to_string(),
        true => {
            let as_of = format!("as of {} ", crate::domain::time::local_text(app.now));
            // Said first: every figure is as of it.
            match room > text::width(&as_of) + text::width(right) + 1 {
                true => format!("{as_of} {right}"),
                false => as_of,
            }
        }
    };
    if room > text::width(&right) {
        spans.push(Span::raw(" ".repeat(room - text::width(&right))));
        spans.push(Span::styled(right, theme.dim));
    }
    frame.render_widget(
        Line::from(text::fit_spans(spans, area.width as usize)),
        area,
    );
}

fn bottom_line(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let width = area.width as usize;
    let line = match &app.flash {
        Some(f) => Line::styled(
            text::fit(&f.text, width),
            if f.error { theme.error } else { theme.ok },
        ),
        None => {
            let mode = app.mode();
            let hints = if mode == Mode::Help {
                keymap::hints(Mode::Help)
            } else {
                keymap::hints(mode)
            };
            hint_line(hints, width, theme)
        }
    };
    frame.render_widget(line, area);
}

/// "Enter open  / filter …": each key bold, its word plain, cut to the width.
pub fn hint_line(hints: &str, width: usize, theme: &Theme) -> Line<'static> {
    let mut spans = Vec::new();
    for (i, part) in hints.split("  ").enumerate() {
        if i > 0 {
            spans.push(Span::raw("  "));
        }
        match part.split_once(' ') {
            Some((k, what)) => {
                spans.push(Span::styled(k.to_string(), theme.key));
                spans.push(Span::styled(format!(" {what}"), theme.dim));
            }
            None => spans.push(Span::styled(part.to_string(), theme.key)),
        }
    }
    Line::from(text::fit_spans(spans, width))
}
