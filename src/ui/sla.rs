//! The Service levels screen: the policies (with how many cases each
//! governs) and the business calendars, one selection across both, and the
//! at-risk share.

use super::text::{fit, span};
use super::Theme;
use crate::app::sla::{SlaItem, SlaScreen};
use crate::app::App;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Row, Table};
use ratatui::Frame;

fn hours(h: f64) -> String {
    format!("{} h", crate::domain::measures::round4(h))
}

pub fn draw(frame: &mut Frame, area: Rect, _app: &App, s: &SlaScreen, theme: &Theme) {
    let w = area.width as usize;
    let wide = area.width >= 70;
    // Each table: a title line, a header, its rows (at least one).
    let want_p = s.policies.len().max(1) as u16 + 2;
    let want_c = s.calendars.len().max(1) as u16 + 2;
    let room = area.height.saturating_sub(2);
    let p_rows = want_p.min(room.saturating_sub(want_c.min(room / 2)).max(3));
    let [p_area, gap, c_area, foot] = Layout::vertical([
        Constraint::Length(p_rows),
        Constraint::Length(u16::from(area.height > 14)),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    let _ = gap;
    let selected = s.selected_item();

    // Policies.
    let [p_title, p_table] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(p_area);
    let title = format!(
        "Policies ({}): the most specific applies — vendor and priority, vendor, priority, neither",
        s.policies.len()
    );
    frame.render_widget(Line::styled(fit(&title, w), theme.header), p_title);
    let mut head = vec![
        "policy", "vendor", "priority", "calendar", "1st resp", "resolve",
    ];
    let mut widths = vec![
        Constraint::Fill(2),
        Constraint::Fill(2),
        Constraint::Length(8),
        Constraint::Fill(1),
        Constraint::Length(8),
        Constraint::Length(8),
    ];
    if wide {
        head.push("cases");
        widths.push(Constraint::Length(6));
    }
    let picked = match selected {
        Some(SlaItem::Policy(i)) => Some(i),
        _ => None,
    };
    let visible = p_table.height.saturating_sub(1) as usize;
    let top = picked.map_or(0, |i| (i + 1).saturating_sub(visible));
    let mut rows: Vec<Row> = s
        .policies
        .iter()
        .enumerate()
        .skip(top)
        .take(visible)
        .map(|(i, p)| {
            let mut cells = vec![
                Cell::from(fit(&p.name, 40)),
                Cell::from(fit(p.vendor.as_deref().unwrap_or("any"), 40)),
                Cell::from(p.priority.map_or("any".into(), |p| p.to_string())),
                Cell::from(fit(&p.calendar, 40)),
                Cell::from(Line::from(hours(p.first_response_hours)).right_aligned()),
                Cell::from(Line::from(hours(p.resolution_hours)).right_aligned()),
            ];
            if wide {
                cells.push(Cell::from(
                    Line::from(s.cases_of(&p.name).to_string()).right_aligned(),
                ));
            }
            let row = Row::new(cells);
            if picked == Some(i) {
                row.style(theme.selected)
            } else {
                row
            }
        })
        .collect();
    if s.policies.is_empty() {
        rows.push(Row::new(vec![Cell::from(Line::styled(
            "none yet: a adds one (no case has a service level until then)",
            theme.dim,
        ))]));
        widths = vec![Constraint::Fill(1)];
        head = vec![""];
    }
    frame.render_widget(
        Table::new(rows, widths)
            .header(Row::new(head).style(theme.header))
            .column_spacing(1),
        p_table,
    );

    // Calendars.
    let [c_title, c_table] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(c_area);
    let title = format!(
        "Business calendars ({}): open hours count, in the calendar's zone",
        s.calendars.len()
    );
    frame.render_widget(Line::styled(fit(&title, w), theme.header), c_title);
    let picked = match selected {
        Some(SlaItem::Calendar(i)) => Some(i),
        _ => None,
    };
    let visible = c_table.height.saturating_sub(1) as usize;
    let top = picked.map_or(0, |i| (i + 1).saturating_sub(visible));
    let rows: Vec<Row> = s
        .calendars
        .iter()
        .enumerate()
        .skip(top)
        .take(visible)
        .map(|(i, c)| {
            let hours = if c.name == crate::domain::sla::ALWAYS_OPEN {
                "every hour (built in)".to_string()
            } else {
                c.hours.join("; ")
            };
            let holidays: Vec<String> = c.holidays.iter().map(|d| d.to_string()).collect();
            let row = Row::new(vec![
                Cell::from(fit(&c.name, 40)),
                Cell::from(c.zone.name().to_string()),
                Cell::from(hours),
                Cell::from(holidays.join(" ")),
            ]);
            if picked == Some(i) {
                row.style(theme.selected)
            } else {
                row
            }
        })
        .collect();
    let widths = [
        Constraint::Fill(1),
        Constraint::Fill(2),
        Constraint::Fill(3),
        Constraint::Fill(2),
    ];
    frame.render_widget(
        Table::new(rows, widths)
            .header(Row::new(["calendar", "zone", "hours", "holidays"]).style(theme.header))
            .column_spacing(1),
        c_table,
    );

    let share = format!(
        "at risk: less than {:.0} % of a target left",
        s.at_risk_share * 100.0
    );
    frame.render_widget(
        Line::from(vec![
            span(fit(&share, w.saturating_sub(12)), theme.dim),
            span("  r changes", theme.dim),
        ]),
        foot,
    );
}
