//! The case screen's header: the title, then the case's facts and figures
//! flowed whole over the rows there are.

use super::text::{fit, fit_spans, hours, hours_opt, local, span};
use super::Theme;
use crate::app::case_view::CaseScreen;
use crate::app::App;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, s: &CaseScreen, theme: &Theme, roomy: bool) {
    let c = &s.case;
    let m = &s.measures;
    let w = area.width as usize;
    let mut lines = Vec::new();
    if let Some(a) = &s.next_action {
        // The evidence only when the whole line fits.
        let ev: Vec<String> = a.evidence.iter().map(|e| format!("#{e}")).collect();
        let ev = format!("  [{}]", ev.join(" "));
        // Its times on the local clock, like every time shown.
        let text = crate::domain::time::localize_utc_times(&a.text, &chrono::Local);
        let whole = super::text::width(&text) + 7 + super::text::width(&ev) <= w;
        let mut spans = vec![span("next ▸ ", theme.key), span(text, theme.warn)];
        if whole && !a.evidence.is_empty() {
            spans.push(span(ev, theme.dim));
        }
        lines.push(Line::from(fit_spans(spans, w)));
    }
    lines.push(Line::from(fit_spans(
        vec![
            span(format!("#{} ", c.id), theme.title),
            span(c.title.clone(), theme.title),
        ],
        w,
    )));
    let via = c
        .marketplace
        .as_ref()
        .map_or(String::new(), |m| format!(" via {m}"));
    let clock = match (m.age_hours, m.ttr_hours) {
        (Some(age), _) => format!("open for {}", hours(age)),
        (None, Some(ttr)) => format!("resolved in {}", hours(ttr)),
        (None, None) => "closed".into(),
    };
    // The facts flow over the header's rows whole, never cut mid-word; what
    // does not fit is left out from the end (the fields before the figures).
    let mut facts: Vec<(String, Style)> = vec![
        (format!("{}{via}", c.vendor), Style::default()),
        (c.status.to_string(), theme.dim),
        (clock, theme.warn),
        (c.priority.to_string(), theme.dim),
        (c.category.to_string(), theme.dim),
        (c.stage().to_string(), theme.dim),
        (format!("opened {}", local(c.opened_at)), theme.dim),
    ];
    if roomy {
        let plain = Style::default();
        facts.extend([
            (format!("first response {}", hours_opt(m.ttfr_hours)), plain),
            (
                format!("waited on vendor {}", hours(m.vendor_wait_hours)),
                plain,
            ),
            (
                format!("on customer {}", hours(m.customer_wait_hours)),
                plain,
            ),
            (
                format!("{} touches, {} by the customer", m.touches, m.contacts),
                plain,
            ),
            (format!("{} reopen(s)", m.reopens), plain),
        ]);
    }
    // What the case cost, what an individual came to see, wraps over rows of
    // its own rather than end where the facts before it ran out of room.
    let cost = if roomy {
        flow(
            cost_facts(s)
                .into_iter()
                .map(|f| (f, Style::default()))
                .collect(),
            w,
            2,
        )
    } else {
        Vec::new()
    };
    // Under a policy, its two lines close the header (the rows are kept for them).
    let sla = s
        .sla
        .as_ref()
        .filter(|_| roomy)
        .map(|sla| super::case_sla::lines(sla, w, app.now, theme))
        .unwrap_or_default();
    if roomy {
        facts.extend(fields_text(s).into_iter().map(|f| (f, theme.dim)));
    }
    let rows = area
        .height
        .saturating_sub((lines.len() + cost.len() + sla.len()) as u16) as usize;
    lines.extend(flow(facts, w, rows));
    lines.extend(cost);
    lines.extend(sla);
    frame.render_widget(Paragraph::new(lines), area);
}

/// Facts joined by " · " over at most `rows` lines of `w` cells, each fact
/// whole (one longer than a line is cut to it); the facts that do not fit are
/// left out.
fn flow(facts: Vec<(String, Style)>, w: usize, rows: usize) -> Vec<Line<'static>> {
    let mut lines: Vec<Vec<Span<'static>>> = Vec::new();
    let mut used = 0;
    for (text, style) in facts {
        let fw = super::text::width(&text);
        let count = lines.len();
        match lines.last_mut() {
            Some(cur) if used + 3 + fw <= w => {
                cur.push(span(" · ", style));
                cur.push(span(text, style));
                used += 3 + fw;
            }
            _ if count < rows => {
                used = fw.min(w);
                lines.push(vec![span(fit(&text, w), style)]);
            }
            _ => {}
        }
    }
    lines.into_iter().map(Line::from).collect()
}

/// What the sale earned, what service cost the vendor, what it cost the
/// customer in money and hours (src/domain/cost.rs).
fn cost_facts(s: &CaseScreen) -> Vec<String> {
    let c = &s.cost;
    let case = &s.case;
    let mut parts = Vec::new();
    if let Some(p) = case.purchase_amount {
        parts.push(format!("sale {p}"));
    }
    parts.push(format!("service cost the vendor {}", c.to_serve));
    if c.refunds.0 != 0 {
        parts.push(format!("refunds {}", c.refunds));
    }
    if case.purchase_amount.is_some() || c.refunds.0 != 0 {
        parts.push(format!("margin {}", c.margin));
    }
    parts.push(format!(
        "the customer {} and {}",
        c.customer_all_in,
        hours(c.customer_hours)
    ));
    if c.revenue_at_risk.0 != 0 {
        parts.push(format!("{} at risk", c.revenue_at_risk));
    }
    parts
}

/// The case's other fields that are set.
fn fields_text(s: &CaseScreen) -> Vec<String> {
    let c = &s.case;
    let cur = c.currency.clone().unwrap_or_default();
    let money =
        |m: Option<crate::domain::Money>| m.map(|m| format!("{m} {cur}").trim().to_string());
    let mut parts: Vec<String> = Vec::new();
    let mut push = |k: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            parts.push(format!("{k} {v}"));
        }
    };
    push("product", c.product.clone());
    push("order", c.order_ref.clone());
    push("owner", c.owner.clone());
    push("customer", c.customer.clone());
    push("paid", money(c.purchase_amount));
    push("refunded", money(c.refund_amount));
    push("customer spent", money(c.customer_cost));
    push("outcome", c.outcome.map(|o| o.to_string()));
    push("csat", c.csat.map(|n| n.to_string()));
    push("effort", c.effort.map(|n| n.to_string()));
    push("churned", c.churned.then(|| "yes".to_string()));
    push("tags", Some(c.tags.join(",")));
    push("ref", c.reference.clone());
    parts
}
