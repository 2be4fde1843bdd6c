//! The case screen's service level in words: each target's state, hours
//! used or left and its due time in local time, then the policy; two lines.

use super::text::{fit_spans, local_short, span};
use super::Theme;
use crate::domain::sla::words::target_words;
use crate::domain::sla::{CaseSla, SlaState, Target};
use chrono::{DateTime, Utc};
use ratatui::style::Style;
use ratatui::text::Line;

fn style(t: &Target, theme: &Theme) -> Style {
    match t.state {
        SlaState::Breached => theme.error,
        SlaState::AtRisk => theme.warn,
        SlaState::Met => theme.ok,
        SlaState::Running => Style::default(),
    }
}

pub fn lines(sla: &CaseSla, width: usize, now: DateTime<Utc>, theme: &Theme) -> Vec<Line<'static>> {
    let words = |t: &Target| span(target_words(t, |d| local_short(d, now)), style(t, theme));
    let first = vec![
        span("SLA ", theme.header),
        span("first response ", theme.dim),
        words(&sla.first_response),
    ];
    let second = vec![
        span("    resolution     ", theme.dim),
        words(&sla.resolution),
        span(format!(" · policy {}", sla.policy), theme.dim),
    ];
    vec![
        Line::from(fit_spans(first, width)),
        Line::from(fit_spans(second, width)),
    ]
}
