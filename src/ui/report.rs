//! The Vendors and Channels screens: the report's groups ranked (friction
//! score first), a bar of each median time to resolution, and for the
//! selected group its patterns against the baseline, cases opened over time
//! (a sparkline) and its resolution times (a histogram).

use super::text::{bar, count_in, fit, fit_spans, hours_in, money_in, pct, score_in, span};
use super::Theme;
use crate::app::reports::{ReportScreen, HISTOGRAM_LABELS};
use crate::app::App;
use crate::store::report::{Group, GroupBy};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, Cell, Paragraph, Row, Sparkline, Table};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, s: &ReportScreen, theme: &Theme) {
    let Some(report) = &s.report else {
        let msg = "making the report… (a large database takes a few seconds; keys work meanwhile)";
        frame.render_widget(Line::styled(fit(msg, area.width as usize), theme.dim), area);
        return;
    };
    let groups = s.groups();
    let w = area.width as usize;
    let what = match s.by {
        GroupBy::Channel => {
            "channels · a case counts under every channel it used; a pattern under its evidence's"
        }
        GroupBy::Stage => "journey stages",
        _ => "vendors",
    };
    let toggle = match s.home {
        GroupBy::Vendor => " · J vendors/stages",
        _ => "",
    };
    let title = format!(
        "{} {what} · ranked by {} (s){toggle}",
        groups.len(),
        s.rank.label()
    );
    let table_rows = (groups.len() as u16 + 3).min(area.height / 2).max(4);
    let [head, table, detail] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(table_rows),
        Constraint::Min(0),
    ])
    .areas(area);
    frame.render_widget(Line::styled(fit(&title, w), theme.header), head);
    group_table(frame, table, s, &groups, &report.overall, theme);
    if let Some(g) = s.selected_group() {
        if detail.height >= 3 {
            group_detail(frame, detail, s, g, app, theme);
        }
    }
}

/// A column of the group table: its header, its width, and its cell for a
/// group in the width it was given (numbers are made to fit, never cut).
type GroupCell<'a> = Box<dyn Fn(&Group, usize) -> Cell<'static> + 'a>;

fn group_table(
    frame: &mut Frame,
    area: Rect,
    s: &ReportScreen,
    groups: &[&Group],
    overall: &Group,
    theme: &Theme,
) {
    let wide = area.width >= 130;
    let narrow = area.width < 60;
    let max_ttr = groups
        .iter()
        .filter_map(|g| g.figures.ttr_hours.median)
        .fold(0.0, f64::max);
    let right = |text: String| Cell::from(Line::from(text).right_aligned());
    // Waits are summed over the group; per case they compare across groups.
    let per_case = |g: &Group, h: f64| {
        if g.figures.cases > 0 {
            h / g.figures.cases as f64
        } else {
            0.0
        }
    };
    let mut cols: Vec<(&str, Constraint, GroupCell)> = Vec::new();
    let key_w = match (wide, narrow) {
        (true, _) => Constraint::Length(24),
        (_, true) => Constraint::Fill(1),
        _ => Constraint::Length(16),
    };
    cols.push((
        s.by.as_str(),
        key_w,
        Box::new(|g, w| Cell::from(fit(&g.key, w))),
    ));
    cols.push((
        "cases",
        Constraint::Length(if narrow { 5 } else { 6 }),
        Box::new(move |g, w| right(count_in(g.figures.cases, w))),
    ));
    cols.push((
        "open",
        Constraint::Length(if narrow { 4 } else { 5 }),
        Box::new(move |g, w| right(count_in(g.figures.open, w))),
    ));
    cols.push((
        "ttr med",
        Constraint::Length(7),
        Box::new(move |g, w| right(hours_in(g.figures.ttr_hours.median, w))),
    ));
    if !narrow {
        let cells = if wide { 16 } else { 8 };
        cols.push((
            "",
            Constraint::Length(cells),
            Box::new(move |g, _| {
                let median = g.figures.ttr_hours.median.unwrap_or(0.0);
                Cell::from(Line::styled(
                    bar(median, max_ttr, cells as usize),
                    theme.bar,
                ))
            }),
        ));
    }
    if area.width >= 70 {
        cols.push((
            "ven/case",
            Constraint::Length(8),
            Box::new(move |g, w| {
                right(hours_in(Some(per_case(g, g.figures.vendor_wait_hours)), w))
            }),
        ));
    }
    if wide {
        cols.push((
            "cus/case",
            Constraint::Length(8),
            Box::new(move |g, w| {
                right(hours_in(
                    Some(per_case(g, g.figures.customer_wait_hours)),
                    w,
                ))
            }),
        ));
        cols.push((
            "ttr p90",
            Constraint::Length(7),
            Box::new(move |g, w| right(hours_in(g.figures.ttr_hours.p90, w))),
        ));
    }
    cols.push((
        "score",
        Constraint::Length(6),
        Box::new(move |g, w| right(score_in(g.friction_score, w))),
    ));
    // What friction cost (vendor's and customer's), and the vendor's cost per case.
    if area.width >= 100 {
        cols.push((
            "cost/case",
            Constraint::Length(9),
            Box::new(move |g, w| right(money_in(g.figures.cost.cost_to_serve_per_case, w))),
        ));
    }
    if area.width >= 80 {
        cols.push((
            "fric cost",
            Constraint::Length(10),
            Box::new(move |g, w| right(money_in(g.figures.cost.friction_cost, w))),
        ));
    }
    if !narrow {
        cols.push((
            "patterns (! flagged)",
            Constraint::Fill(1),
            Box::new(move |g, w| {
                let mut pats: Vec<(&str, bool)> = g
                    .patterns
                    .iter()
                    .filter(|(id, _)| **id != "delight")
                    .map(|(id, p)| (*id, p.flagged))
                    .collect();
                pats.sort_by_key(|(id, flagged)| (!flagged, *id));
                let text: Vec<String> = pats
                    .iter()
                    .map(|(id, f)| if *f { format!("!{id}") } else { id.to_string() })
                    .collect();
                Cell::from(Line::styled(fit(&text.join(" "), w), theme.flag))
            }),
        ));
    }
    let widths: Vec<Constraint> = cols.iter().map(|c| c.1).collect();
    // The widths the table will give each column, so each cell is made to fit.
    let col_widths: Vec<usize> = Layout::horizontal(widths.clone())
        .spacing(1)
        .split(Rect::new(0, 0, area.width, 1))
        .iter()
        .map(|r| r.width as usize)
        .collect();
    let visible = area.height.saturating_sub(2) as usize;
    let top = s.selected.saturating_sub(visible.saturating_sub(1));
    let row = |g: &Group| {
        Row::new(
            cols.iter()
                .zip(&col_widths)
                .map(|((_, _, cell), w)| cell(g, *w))
                .collect::<Vec<_>>(),
        )
    };
    let mut rows: Vec<Row> = groups
        .iter()
        .enumerate()
        .skip(top)
        .take(visible)
        .map(|(i, g)| {
            let r = row(g);
            if i == s.selected {
                r.style(theme.selected)
            } else {
                r
            }
        })
        .collect();
    rows.push(row(overall).style(theme.dim));
    let head: Vec<String> = cols
        .iter()
        .zip(&col_widths)
        .map(|((name, _, _), w)| fit(name, *w))
        .collect();
    let table = Table::new(rows, widths)
        .header(Row::new(head).style(theme.header))
        .column_spacing(1);
    frame.render_widget(table, area);
}

fn group_detail(
    frame: &mut Frame,
    area: Rect,
    s: &ReportScreen,
    g: &Group,
    app: &App,
    theme: &Theme,
) {
    let side_by_side = area.width >= 76;
    let (left, right) = if side_by_side {
        let [l, r] = Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)])
            .spacing(2)
            .areas(area);
        (l, Some(r))
    } else {
        (area, None)
    };
    patterns(frame, left, g, app, theme);
    if let Some(r) = right {
        charts(frame, r, s, g, theme);
    }
}

fn patterns(frame: &mut Frame, area: Rect, g: &Group, app: &App, theme: &Theme) {
    let w = area.width as usize;
    let mut lines = vec![Line::styled(
        fit(
            &format!(
                "{}: friction score {:.2} over {} case(s) · friction cost {} · sales prevented {}",
                g.key,
                g.friction_score,
                g.pattern_cases,
                g.figures.cost.friction_cost,
                g.figures.cost.sales_prevented
            ),
            w,
        ),
        theme.header,
    )];
    let sla = &g.figures.sla;
    if sla.cases > 0 {
        let rate = |r: Option<f64>| r.map_or("—".into(), pct);
        let style = if sla.breached_open > 0 {
            theme.warn
        } else {
            Style::default()
        };
        let head = format!(
            "SLA on {} case(s) · {} open breached",
            sla.cases, sla.breached_open
        );
        let met = format!(
            "met: first response {} · resolution {}",
            rate(sla.first_response_met_rate),
            rate(sla.resolution_met_rate)
        );
        lines.push(Line::styled(fit(&head, w), style));
        lines.push(Line::raw(fit(&met, w)));
    }
    let mut pats: Vec<_> = g.patterns.iter().collect();
    pats.sort_by(|a, b| {
        b.1.flagged
            .cmp(&a.1.flagged)
            .then(b.1.rate.total_cmp(&a.1.rate))
    });
    if pats.is_empty() {
        lines.push(Line::styled("no pattern fired here", theme.dim));
    }
    let min = app.store.thresholds.min_cases;
    let roomy = w >= 60;
    // Each rate with its denominator: the cases of the group.
    let of = |hits: usize| format!("{hits}/{}", g.pattern_cases);
    if !pats.is_empty() && area.height > 2 {
        let head = if roomy {
            format!(
                "{:<18}{:>9} {:>4}    {:>4}  {:>4}  verdict",
                "pattern", "cases/of", "rate", "all", "low"
            )
        } else {
            format!(
                "{:<17}{:>6} {:>4}    {:>4} verdict",
                "pattern", "cases", "rate", "all"
            )
        };
        lines.push(Line::styled(fit(&head, w), theme.dim));
    }
    for (id, p) in pats {
        let (verdict, style) = match (p.flagged, p.too_few_cases, roomy) {
            (true, _, _) => ("FLAGGED".to_string(), theme.error),
            (_, true, true) => (format!("too few cases (<{min})"), theme.dim),
            (_, true, false) => ("too few".to_string(), theme.dim),
            (_, false, _) => ("ok".to_string(), theme.dim),
        };
        let name_style = if *id == "delight" {
            theme.delight
        } else {
            theme.flag
        };
        let figures = if roomy {
            format!(
                "{:>9} {:>4} vs {:>4}  {:>4}  ",
                of(p.cases),
                pct(p.rate),
                pct(p.baseline),
                pct(p.low)
            )
        } else {
            format!(
                "{:>6} {:>4} vs {:>4} ",
                of(p.cases),
                pct(p.rate),
                pct(p.baseline)
            )
        };
        let spans = vec![
            span(
                if roomy {
                    format!("{id:<18}")
                } else {
                    format!("{id:<17}")
                },
                name_style,
            ),
            span(figures, Style::default()),
            span(verdict, style),
        ];
        lines.push(Line::from(fit_spans(spans, w)));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// Sums neighbouring periods so a series fits a width.
fn squeeze(series: &[u64], width: usize) -> Vec<u64> {
    if width == 0 || series.len() <= width {
        return series.to_vec();
    }
    let per = series.len().div_ceil(width);
    series.chunks(per).map(|c| c.iter().sum()).collect()
}

fn charts(frame: &mut Frame, area: Rect, s: &ReportScreen, g: &Group, theme: &Theme) {
    let w = area.width.saturating_sub(1) as usize;
    let [spark_title, spark, hist_title, hist, _] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(2),
        Constraint::Length(1),
        Constraint::Max(7),
        Constraint::Min(0),
    ])
    .areas(area);
    let series = s.opened.get(&g.key).cloned().unwrap_or_default();
    let squeezed = squeeze(&series, w);
    let title = match &s.periods {
        Some(p) => {
            let per = series.len().div_ceil(w.max(1)).max(1) as i64 * p.weeks;
            format!(
                "cases opened per {per} week(s) since {}",
                p.start.format("%Y-%m-%d")
            )
        }
        None => "cases opened per week".into(),
    };
    frame.render_widget(Line::styled(fit(&title, w), theme.header), spark_title);
    frame.render_widget(Sparkline::default().data(squeezed).style(theme.bar), spark);
    let counts = s.histogram.get(&g.key).cloned().unwrap_or_default();
    let n: u64 = counts.iter().sum();
    frame.render_widget(
        Line::styled(
            fit(&format!("time to resolution ({n} resolved)"), w),
            theme.header,
        ),
        hist_title,
    );
    if hist.height >= 3 && n > 0 {
        let bars: Vec<Bar> = HISTOGRAM_LABELS
            .iter()
            .zip(counts.iter().chain(std::iter::repeat(&0)))
            .map(|(label, v)| Bar::default().value(*v).label(Line::from(*label)))
            .collect();
        let bar_width = ((hist.width.saturating_sub(7)) / 8).clamp(1, 5);
        frame.render_widget(
            BarChart::vertical(bars)
                .bar_width(bar_width)
                .bar_gap(1)
                .bar_style(theme.bar)
                .value_style(theme.selected),
            hist,
        );
    }
}
