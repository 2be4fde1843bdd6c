//! Small boxes over the screen: the status menu, the saved views, the name
//! of a view to save, a yes/no question.

use super::text::{centered, fit, safe_line, span};
use super::Theme;
use crate::app::{App, Modal};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

const STATUS_KEYS: [(&str, &str); 6] = [
    ("o", "open"),
    ("v", "waiting_vendor"),
    ("c", "waiting_customer"),
    ("e", "escalated"),
    ("r", "resolved…"),
    ("x", "closed"),
];

fn boxed(frame: &mut Frame, area: Rect, w: u16, h: u16, title: &str, theme: &Theme) -> Rect {
    let rect = centered(area, w.min(area.width), h.min(area.height));
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Line::styled(
            fit(&format!(" {title} "), rect.width.saturating_sub(2) as usize),
            theme.title,
        ));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    inner
}

pub fn draw(frame: &mut Frame, area: Rect, modal: &Modal, app: &App, theme: &Theme) {
    match modal {
        Modal::Status { case_id, selected } => {
            let inner = boxed(
                frame,
                area,
                34,
                10,
                &format!("Status of case {case_id}"),
                theme,
            );
            let lines: Vec<Line> = STATUS_KEYS
                .iter()
                .enumerate()
                .map(|(i, (k, name))| {
                    let style = if i == *selected {
                        theme.selected
                    } else {
                        Style::default()
                    };
                    Line::from(vec![span(format!(" {k} "), theme.key), span(*name, style)])
                })
                .chain([Line::styled(" Enter picks · Esc cancels", theme.dim)])
                .collect();
            frame.render_widget(Paragraph::new(lines), inner);
        }
        Modal::Views { views, selected } => {
            let h = (views.len() as u16 + 3).min(area.height);
            let inner = boxed(frame, area, 70, h, "Saved views", theme);
            let w = inner.width as usize;
            let rows = inner.height.saturating_sub(1) as usize;
            let first = selected.saturating_sub(rows.saturating_sub(1));
            let mut lines: Vec<Line> = views
                .iter()
                .enumerate()
                .skip(first)
                .take(rows)
                .map(|(i, (name, query))| {
                    let style = if i == *selected {
                        theme.selected
                    } else {
                        Style::default()
                    };
                    Line::styled(fit(&format!(" {name:<16} {query}"), w), style)
                })
                .collect();
            lines.push(Line::styled(
                " Enter applies · d deletes · Esc closes",
                theme.dim,
            ));
            frame.render_widget(Paragraph::new(lines), inner);
        }
        Modal::SaveView { name, error } => {
            let inner = boxed(frame, area, 60, 6, "Save the filter as a view", theme);
            let [q, input, msg] = Layout::vertical([
                Constraint::Length(1),
                Constraint::Length(1),
                Constraint::Length(2),
            ])
            .areas(inner);
            frame.render_widget(
                Line::styled(fit(&app.cases.query_text, q.width as usize), theme.dim),
                q,
            );
            let [label, field] =
                Layout::horizontal([Constraint::Length(6), Constraint::Min(1)]).areas(input);
            frame.render_widget(Line::styled("name: ", theme.key), label);
            frame.render_widget(name.as_ref(), field);
            let text = match error {
                Some(e) => Line::styled(safe_line(&format!("✗ {e}")).into_owned(), theme.error),
                None => Line::styled("Enter saves · Esc cancels", theme.dim),
            };
            frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), msg);
        }
        Modal::Confirm { question, .. } => {
            let inner = boxed(frame, area, 64, 5, "Are you sure?", theme);
            frame.render_widget(
                Paragraph::new(vec![
                    Line::raw(safe_line(question).into_owned()),
                    Line::from(vec![
                        span("y", theme.key),
                        span(" yes   ", theme.dim),
                        span("n", theme.key),
                        span(" no", theme.dim),
                    ]),
                ])
                .wrap(Wrap { trim: true }),
                inner,
            );
        }
        Modal::Form(_) => {}
    }
}
