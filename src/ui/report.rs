//! The Vendors and Channels screens: the report's groups ranked (friction
//! score first), a bar of each median time to resolution, and for the
//! selected group its patterns against the baseline, cases opened over time
//! (a sparkline) and its resolution times (a histogram).

use super::text::{bar, count_in, fit, fit_spans, hours, hours_opt, money_in, pct, span};
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
    let bar_cells: u16 = if wide {
        16
    } else if narrow {
        0
    } else {
        8
    };
    let max_ttr = groups
        .iter()
        .filter_map(|g| g.figures.ttr_hours.median)
        .fold(0.0, f64::max);
    let key_w: u16 = if wide {
        24
    } else if narrow {
        14
    } else {
        16
    };
    let mut widths = vec![
        Constraint::Length(key_w),
        Constraint::Length(6),
        Constraint::Length(5),
        Constraint::Length(7),
        Constraint::Length(bar_cells),
        Constraint::Length(6),
    ];
    let mut head = vec![s.by.as_str(), "cases", "open", "ttr med", "", "score"];
    if area.width >= 70 {
        widths.insert(5, Constraint::Length(8));
        head.insert(5, "ven/case");
    }
    if wide {
        widths.insert(6, Constraint::Length(8));
        head.insert(6, "cus/case");
        widths.insert(7, Constraint::Length(7));
        head.insert(7, "ttr p90");
    }
    // What friction cost (vendor's and customer's), and the vendor's cost per case.
    let show_cost_per_case = area.width >= 100;
    let show_friction_cost = area.width >= 80;
    if show_cost_per_case {
        widths.push(Constraint::Length(9));
        head.push("cost/case");
    }
    if show_friction_cost {
        widths.push(Constraint::Length(10));
        head.push("fric cost");
    }
    widths.push(Constraint::Fill(1));
    head.push("patterns (! flagged)");
    let cols = head.len() - usize::from(show_cost_per_case) - usize::from(show_friction_cost);
    let visible = area.height.saturating_sub(2) as usize;
    let top = s.selected.saturating_sub(visible.saturating_sub(1));
    let row = |g: &Group| {
        let f = &g.figures;
        // Waits are summed over the group; per case they compare across groups.
        let per_case = |h: f64| if f.cases > 0 { h / f.cases as f64 } else { 0.0 };
        let mut cells: Vec<Cell> = vec![
            Cell::from(fit(&g.key, key_w as usize)),
            Cell::from(Line::from(count_in(f.cases, 6)).right_aligned()),
            Cell::from(Line::from(count_in(f.open, 5)).right_aligned()),
            Cell::from(Line::from(hours_opt(f.ttr_hours.median)).right_aligned()),
            Cell::from(Line::styled(
                bar(
                    f.ttr_hours.median.unwrap_or(0.0),
                    max_ttr,
                    bar_cells as usize,
                ),
                theme.bar,
            )),
        ];
        if cols > 7 {
            cells.push(Cell::from(
                Line::from(hours(per_case(f.vendor_wait_hours))).right_aligned(),
            ));
        }
        if cols > 9 {
            cells.push(Cell::from(
                Line::from(hours(per_case(f.customer_wait_hours))).right_aligned(),
            ));
            cells.push(Cell::from(
                Line::from(hours_opt(f.ttr_hours.p90)).right_aligned(),
            ));
        }
        cells.push(Cell::from(
            Line::from(format!("{:.2}", g.friction_score)).right_aligned(),
        ));
        if show_cost_per_case {
            cells.push(Cell::from(
                Line::from(money_in(f.cost.cost_to_serve_per_case, 8)).right_aligned(),
            ));
        }
        if show_friction_cost {
            cells.push(Cell::from(
                Line::from(money_in(f.cost.friction_cost, 9)).right_aligned(),
            ));
        }
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
        cells.push(Cell::from(Line::styled(text.join(" "), theme.flag)));
        Row::new(cells)
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
