//! A form drawn over the screen: a label and an input per field, the reason
//! beside any bad value, the outcome proposed from the note, and the keys.

use super::text::{centered, fit, fit_spans, span};
use super::Theme;
use crate::app::form::{Field, Form, Kind};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

/// Rows a field takes: the note gets a few; an error adds one.
fn rows(f: &Field, note_rows: u16) -> u16 {
    let base = if f.kind == Kind::Note { note_rows } else { 1 };
    base + u16::from(f.error.is_some())
}

pub fn draw(frame: &mut Frame, area: Rect, form: &Form, theme: &Theme) {
    let wanted: u16 = form.fields.iter().map(|f| rows(f, 4)).sum::<u16>() + 5;
    let rect = centered(
        area,
        area.width.saturating_sub(2).min(96),
        wanted.min(area.height),
    );
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Line::styled(
            fit(
                &format!(" {} ", form.title),
                rect.width.saturating_sub(4) as usize,
            ),
            theme.title,
        ));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    if inner.height < 2 || inner.width < 10 {
        return;
    }
    let footer_rows = 1 + u16::from(form.suggestion.is_some() && form.error.is_some());
    let footer_rows = footer_rows.min(inner.height.saturating_sub(1));
    let [body, footer] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(footer_rows)]).areas(inner);
    let fixed: u16 = form.fields.iter().map(|f| rows(f, 0)).sum();
    let note_rows = body.height.saturating_sub(fixed).clamp(1, 4);
    fields(frame, body, form, note_rows, theme);
    footer_lines(frame, footer, form, theme);
    if form.confirm_discard {
        let q = centered(area, 44.min(area.width), 3);
        frame.render_widget(Clear, q);
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                span("Drop the changes? ", theme.title),
                span("y", theme.key),
                span(" yes  ", theme.dim),
                span("n", theme.key),
                span(" no", theme.dim),
            ]))
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.border),
            ),
            q,
        );
    }
}

fn fields(frame: &mut Frame, body: Rect, form: &Form, note_rows: u16, theme: &Theme) {
    // Scroll so that the focused field is in view.
    let heights: Vec<u16> = form.fields.iter().map(|f| rows(f, note_rows)).collect();
    let mut first = 0;
    while first < form.focus {
        let span_rows: u16 = heights[first..=form.focus].iter().sum();
        if span_rows <= body.height {
            break;
        }
        first += 1;
    }
    let label_w: u16 = 15;
    let mut y = body.y;
    for (i, f) in form.fields.iter().enumerate().skip(first) {
        let h = heights[i];
        if y + h > body.y + body.height {
            break;
        }
        let focused = i == form.focus;
        let input_rows = h - u16::from(f.error.is_some());
        let label = Rect::new(body.x, y, label_w.min(body.width), 1);
        let label_style = if focused { theme.key } else { theme.dim };
        let mark = if focused { "›" } else { " " };
        frame.render_widget(
            Line::styled(format!("{mark}{:>13} ", fit(f.label, 13)), label_style),
            label,
        );
        let value_w = body.width.saturating_sub(label_w);
        let input_w = if f.kind == Kind::Note {
            value_w
        } else {
            value_w.min(40)
        };
        let input = Rect::new(
            body.x + label_w + 2,
            y,
            input_w.saturating_sub(2),
            input_rows,
        );
        draw_value(frame, input, f, focused, theme);
        let hint_w = value_w.saturating_sub(input_w + 1);
        if let (Some(hint), true) = (&f.hint, hint_w > 4 && f.kind != Kind::Note) {
            let r = Rect::new(body.x + label_w + input_w + 1, y, hint_w, 1);
            frame.render_widget(Line::styled(fit(hint, hint_w as usize), theme.dim), r);
        }
        if let Some(e) = &f.error {
            let r = Rect::new(body.x + label_w, y + input_rows, value_w, 1);
            frame.render_widget(
                Line::styled(fit(&format!("✗ {e}"), value_w as usize), theme.error),
                r,
            );
        }
        y += h;
    }
}

fn draw_value(frame: &mut Frame, area: Rect, f: &Field, focused: bool, theme: &Theme) {
    match &f.kind {
        Kind::Choice { .. } => {
            let options = f.options();
            let value = options.get(f.choice).cloned().unwrap_or_default();
            let style = if focused {
                theme.selected
            } else {
                Style::default()
            };
            let mut spans = vec![span(value, style)];
            if focused {
                spans.push(span("  ← → ", theme.key));
                spans.push(span(
                    format!("{}/{}", f.choice + 1, options.len()),
                    theme.dim,
                ));
            }
            frame.render_widget(Line::from(spans), area);
        }
        _ => {
            let mut t = f.text.clone();
            if f.kind == Kind::Note && f.text.is_empty() && focused {
                t.set_placeholder_text("what happened, in the customer's words");
                t.set_placeholder_style(theme.dim);
            }
            if focused {
                t.set_style(Style::default());
            } else {
                t.set_style(theme.dim);
            }
            frame.render_widget(&t, area);
        }
    }
}

fn footer_lines(frame: &mut Frame, area: Rect, form: &Form, theme: &Theme) {
    let w = area.width as usize;
    let mut lines = Vec::new();
    if let Some(s) = &form.suggestion {
        lines.push(Line::from(fit_spans(
            vec![
                span(
                    format!("the note says “{}”: outcome ", s.phrase),
                    theme.warn,
                ),
                span(s.outcome.to_string(), theme.title),
                span("?  ", theme.warn),
                span("ctrl-y", theme.key),
                span(" takes it", theme.dim),
            ],
            w,
        )));
    }
    if let Some(e) = &form.error {
        lines.push(Line::styled(fit(&format!("✗ {e}"), w), theme.error));
    }
    if lines.is_empty() {
        lines.push(Line::styled(
            fit("Enter saves · Esc cancels · F1 lists every key", w),
            theme.dim,
        ));
    }
    let skip = lines.len().saturating_sub(area.height as usize);
    frame.render_widget(
        Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()),
        area,
    );
}
