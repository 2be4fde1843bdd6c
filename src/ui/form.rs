//! A form drawn over the screen: a label and an input per field, the reason
//! beside any bad value, the outcome proposed from the note, and the keys.

use super::text::{centered, fit, fit_spans, safe_line, span, width, wrap};
use super::Theme;
use crate::app::form::{Field, Form, Kind};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

/// The label's width, before each field's value.
const LABEL_W: u16 = 15;

/// Where a field's parts go in a body `body_w` cells wide: the input's
/// width, and the hint's lines under the input when it does not fit beside
/// (wrapped, never cut; when `show_below`, see [`Hints`]).
struct Placing {
    input_w: u16,
    hint_beside: bool,
    hint_below: Vec<String>,
}

fn place(f: &Field, body_w: u16, show_below: bool) -> Placing {
    let value_w = body_w.saturating_sub(LABEL_W);
    let hint = f.hint.as_deref().filter(|_| f.kind != Kind::Note);
    // Inputs take three fifths of the width (at least 30 cells), the hint the rest.
    let input_w = if f.kind == Kind::Note || hint.is_none() {
        value_w
    } else {
        (value_w * 3 / 5).max(30).min(value_w)
    };
    let room = value_w.saturating_sub(input_w + 1) as usize;
    match hint {
        Some(h) if width(h) <= room => Placing {
            input_w,
            hint_beside: true,
            hint_below: Vec::new(),
        },
        Some(h) => Placing {
            input_w: value_w,
            hint_beside: false,
            hint_below: if show_below {
                wrap(h, value_w.saturating_sub(2).max(1) as usize)
            } else {
                Vec::new()
            },
        },
        None => Placing {
            input_w,
            hint_beside: false,
            hint_below: Vec::new(),
        },
    }
}

/// Which fields show a hint that does not fit beside the input under it:
/// every field when the form has the rows, else the focused one alone.
#[derive(Clone, Copy)]
enum Hints {
    All,
    Focused(usize),
}

impl Hints {
    fn below(self, i: usize) -> bool {
        match self {
            Hints::All => true,
            Hints::Focused(f) => f == i,
        }
    }
}

/// Rows a field takes: the note gets a few; an error adds one, a hint
/// under the input its lines.
fn rows(f: &Field, note_rows: u16, body_w: u16, show_below: bool) -> u16 {
    let base = if f.kind == Kind::Note { note_rows } else { 1 };
    base + u16::from(f.error.is_some()) + place(f, body_w, show_below).hint_below.len() as u16
}

fn all_rows(form: &Form, note_rows: u16, body_w: u16, hints: Hints) -> u16 {
    form.fields
        .iter()
        .enumerate()
        .map(|(i, f)| rows(f, note_rows, body_w, hints.below(i)))
        .sum()
}

pub fn draw(frame: &mut Frame, area: Rect, form: &Form, theme: &Theme) {
    // The form takes the window's width.
    let rect_w = area.width.saturating_sub(2);
    let body_w = rect_w.saturating_sub(2);
    // The body's rows: the window's less the border, the footer and a margin.
    let room = area.height.saturating_sub(5);
    let hints = if all_rows(form, 4, body_w, Hints::All) <= room {
        Hints::All
    } else {
        Hints::Focused(form.focus)
    };
    let wanted = all_rows(form, 4, body_w, hints) + 5;
    let rect = centered(area, rect_w, wanted.min(area.height));
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
    let fixed = all_rows(form, 0, body.width, hints);
    let note_rows = body.height.saturating_sub(fixed).clamp(1, 4);
    fields(frame, body, form, note_rows, hints, theme);
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

fn fields(frame: &mut Frame, body: Rect, form: &Form, note_rows: u16, hints: Hints, theme: &Theme) {
    // Scroll so that the focused field is in view.
    let heights: Vec<u16> = form
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| rows(f, note_rows, body.width, hints.below(i)))
        .collect();
    let mut first = 0;
    while first < form.focus {
        let span_rows: u16 = heights[first..=form.focus].iter().sum();
        if span_rows <= body.height {
            break;
        }
        first += 1;
    }
    let mut y = body.y;
    for (i, f) in form.fields.iter().enumerate().skip(first) {
        let h = heights[i];
        if y + h > body.y + body.height {
            break;
        }
        let focused = i == form.focus;
        let placing = place(f, body.width, hints.below(i));
        let below = placing.hint_below.len() as u16;
        let input_rows = h - u16::from(f.error.is_some()) - below;
        let label = Rect::new(body.x, y, LABEL_W.min(body.width), 1);
        let label_style = if focused { theme.key } else { theme.dim };
        let mark = if focused { "›" } else { " " };
        frame.render_widget(
            Line::styled(format!("{mark}{:>13} ", fit(f.label, 13)), label_style),
            label,
        );
        let value_w = body.width.saturating_sub(LABEL_W);
        let input = Rect::new(
            body.x + LABEL_W + 2,
            y,
            placing.input_w.saturating_sub(2),
            input_rows,
        );
        draw_value(frame, input, f, focused, theme);
        if let (Some(hint), true) = (&f.hint, placing.hint_beside) {
            let hint_w = value_w.saturating_sub(placing.input_w + 1);
            let r = Rect::new(body.x + LABEL_W + placing.input_w + 1, y, hint_w, 1);
            frame.render_widget(Line::styled(fit(hint, hint_w as usize), theme.dim), r);
        }
        for (n, line) in placing.hint_below.iter().enumerate() {
            let r = Rect::new(body.x + LABEL_W + 2, y + input_rows + n as u16, value_w, 1);
            frame.render_widget(Line::styled(line.clone(), theme.dim), r);
        }
        if let Some(e) = &f.error {
            let r = Rect::new(body.x + LABEL_W, y + input_rows + below, value_w, 1);
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
                frame.render_widget(&t, area);
                return;
            }
            // Not focused: the start of the text, as it reads (the input
            // would show the part around its cursor, often the tail).
            let w = area.width as usize;
            let lines: Vec<Line> = if f.kind == Kind::Note {
                t.lines()
                    .iter()
                    .flat_map(|l| wrap(&safe_line(l), w.max(1)))
                    .take(area.height as usize)
                    .map(|l| Line::styled(l, theme.dim))
                    .collect()
            } else {
                vec![Line::styled(fit(&t.lines().join(" "), w), theme.dim)]
            };
            frame.render_widget(Paragraph::new(lines), area);
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
