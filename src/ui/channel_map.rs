//! The channel map drawn: one bar across the width, a stage per touch, each
//! as long as the time it took (or, toggled with `$`, its cost to serve) and
//! filled by who held the ball — where the time and the cost went.

use super::text::{hours, pct, span};
use super::Theme;
use crate::app::case_view::CaseScreen;
use crate::domain::measures::Stage;
use crate::domain::WaitingOn;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::Frame;

/// Cells per stage, in proportion to its time (largest remainders first).
/// When the width allows, every stage first gets an equal share of half the
/// width (1 to 7 cells: room for its channel's name or initial), so that a
/// long wait does not squeeze the touches before it into nothing; the other
/// half goes in proportion to time.
pub fn cells(stages: &[Stage], width: usize) -> Vec<usize> {
    let hours: Vec<f64> = stages.iter().map(Stage::hours).collect();
    cells_by(&hours, width)
}

/// Cells per stage in proportion to any weight (time, cost).
pub fn cells_by(weights: &[f64], width: usize) -> Vec<usize> {
    let total: f64 = weights.iter().sum();
    if total <= 0.0 || width == 0 {
        return vec![0; weights.len()];
    }
    let floor = if width >= 2 * weights.len() {
        (width / (2 * weights.len())).clamp(1, 7)
    } else {
        0
    };
    let room = width - floor * weights.len();
    let exact: Vec<f64> = weights.iter().map(|w| w / total * room as f64).collect();
    let mut out: Vec<usize> = exact.iter().map(|x| floor + x.floor() as usize).collect();
    let mut rest = width.saturating_sub(out.iter().sum());
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())));
    for i in order {
        if rest == 0 {
            break;
        }
        out[i] += 1;
        rest -= 1;
    }
    out
}

/// The bar: each stage labelled with its channel where it fits.
pub fn bar(screen: &CaseScreen, width: usize, theme: &Theme) -> Line<'static> {
    let stages = &screen.stages;
    if stages.is_empty() {
        return Line::styled(
            "no time to map yet: no touches, or none before the clock stopped",
            theme.dim,
        );
    }
    let selected = screen.selected_touch().map(|t| t.id);
    let mut spans = Vec::new();
    let widths = if screen.map_shows_cost {
        let costs: Vec<f64> = screen.stage_costs.iter().map(|m| m.0 as f64).collect();
        if costs.iter().sum::<f64>() <= 0.0 {
            return Line::styled(
                "no cost to serve yet: no touch carried the vendor's answer",
                theme.dim,
            );
        }
        cells_by(&costs, width)
    } else {
        cells(stages, width)
    };
    for (stage, n) in stages.iter().zip(widths) {
        if n == 0 {
            continue;
        }
        let (style, fill) = match stage.waiting_on {
            WaitingOn::Vendor => (theme.vendor_wait, theme.wait_fill(true, false)),
            WaitingOn::Customer => (theme.customer_wait, theme.wait_fill(false, true)),
            WaitingOn::Nobody => (theme.nobody_wait, theme.wait_fill(false, false)),
        };
        let name = stage.channel.as_str();
        let label = if super::text::width(name) < n {
            name.to_string()
        } else if n >= 2 {
            name.chars().take(1).collect()
        } else {
            String::new()
        };
        let pad = n - super::text::width(&label);
        let text = format!("{label}{}", fill.to_string().repeat(pad));
        let mut style = style;
        if Some(stage.touch_id) == selected {
            style = style.add_modifier(Modifier::UNDERLINED | Modifier::BOLD);
        }
        spans.push(Span::styled(text, style));
    }
    Line::from(spans)
}

/// "■ vendor 5d 2h 83%  ░ customer 1d 1h 17%  · nobody".
pub fn legend(screen: &CaseScreen, theme: &Theme) -> Line<'static> {
    if screen.map_shows_cost {
        return cost_legend(screen, theme);
    }
    let v = screen.measures.vendor_wait_hours;
    let c = screen.measures.customer_wait_hours;
    let total = v + c;
    let share = |x: f64| {
        if total > 0.0 {
            pct(x / total)
        } else {
            "—".into()
        }
    };
    let swatch = |style, fill: char| span(format!("{fill}{fill}"), style);
    Line::from(vec![
        swatch(theme.vendor_wait, theme.wait_fill(true, false)),
        span(
            format!(" waiting on vendor {} ({})  ", hours(v), share(v)),
            theme.dim,
        ),
        swatch(theme.customer_wait, theme.wait_fill(false, true)),
        span(
            format!(" on customer {} ({})  ", hours(c), share(c)),
            theme.dim,
        ),
        swatch(theme.nobody_wait, theme.wait_fill(false, false)),
        span(" nobody", theme.dim),
    ])
}

/// "cost to serve 41.40 · largest: #4 phone Amazon 25.00 · $ time".
fn cost_legend(screen: &CaseScreen, theme: &Theme) -> Line<'static> {
    let total: i64 = screen.stage_costs.iter().map(|m| m.0).sum();
    let largest = screen
        .stages
        .iter()
        .zip(&screen.stage_costs)
        .max_by_key(|(_, c)| c.0)
        .filter(|(_, c)| c.0 > 0)
        .map_or(String::new(), |(st, c)| {
            format!(
                " · largest: #{} {} {} {c}",
                st.touch_id, st.channel, st.party
            )
        });
    Line::from(vec![
        span(
            format!("cost to serve {}{largest}", crate::domain::Money(total)),
            theme.dim,
        ),
        span("  ($ time)", theme.key),
    ])
}

pub fn draw(frame: &mut Frame, area: Rect, screen: &CaseScreen, theme: &Theme, with_legend: bool) {
    if area.height == 0 {
        return;
    }
    let w = area.width as usize;
    frame.render_widget(bar(screen, w, theme), Rect { height: 1, ..area });
    if with_legend && area.height > 1 {
        let r = Rect {
            y: area.y + 1,
            height: 1,
            ..area
        };
        let legend = legend(screen, theme);
        frame.render_widget(Line::from(super::text::fit_spans(legend.spans, w)), r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Channel;
    use chrono::{TimeZone, Utc};

    #[test]
    fn cells_add_up_to_the_width_in_proportion() {
        let t0 = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
        let stage = |h0: i64, h1: i64| Stage {
            touch_id: h0,
            channel: Channel::new("phone").unwrap(),
            party: "x".into(),
            start: t0 + chrono::Duration::hours(h0),
            end: t0 + chrono::Duration::hours(h1),
            waiting_on: WaitingOn::Vendor,
        };
        let stages = vec![stage(0, 30), stage(30, 40), stage(40, 100)];
        let c = cells(&stages, 20);
        assert_eq!(c.iter().sum::<usize>(), 20);
        // 3 cells each, then 11 in proportion: 3.3, 1.1, 6.6 (+1 to the largest remainder).
        assert_eq!(c, vec![6, 4, 10]);
        // A long last stage does not hide the short ones.
        let stages = vec![stage(0, 1), stage(1, 2), stage(2, 10_000)];
        assert_eq!(cells(&stages, 20), vec![3, 3, 14]);
        assert_eq!(cells(&stages, 5), vec![0, 0, 5]);
        assert_eq!(cells(&[], 10), Vec::<usize>::new());
    }
}
