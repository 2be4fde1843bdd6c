//! Small helpers for text on screen: amounts, times, durations, bars; the
//! terminal-safe text helpers (`crate::text`) are re-exported for the views.

use crate::domain::Money;
pub use crate::text::{fit, safe_line, safe_text, width, wrap};
use chrono::Datelike as _;
use chrono::{DateTime, Duration, Local, Utc};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Span;

/// A count in at most `max` characters: whole when it fits, else in
/// thousands or millions ("215k", "1.0M"), never cut.
pub fn count_in(n: usize, max: usize) -> String {
    let whole = n.to_string();
    if whole.len() <= max {
        return whole;
    }
    let thousands = format!("{}k", n / 1_000);
    if n < 1_000_000 && thousands.len() <= max {
        return thousands;
    }
    let millions = format!("{:.1}M", n as f64 / 1e6);
    if millions.len() <= max {
        millions
    } else {
        format!("{}M", n / 1_000_000)
    }
}

/// An amount in at most `max` characters: whole with cents when it fits,
/// else whole units, thousands or millions ("215k", "192.9M"), never cut.
pub fn money_in(m: Money, max: usize) -> String {
    let whole = m.to_string();
    if whole.len() <= max {
        return whole;
    }
    let units = m.0 as f64 / 100.0;
    [
        format!("{units:.0}"),
        format!("{:.0}k", units / 1e3),
        format!("{:.1}M", units / 1e6),
        format!("{:.0}M", units / 1e6),
    ]
    .into_iter()
    .find(|s| s.len() <= max)
    .unwrap_or_else(|| format!("{:.0}G", units / 1e9))
}

/// Spans cut to a total width, the last one ending in "…" when cut.
pub fn fit_spans(spans: Vec<Span<'static>>, max: usize) -> Vec<Span<'static>> {
    let mut out = Vec::new();
    let mut used = 0;
    for s in spans {
        let w = width(&s.content);
        if used + w <= max {
            used += w;
            out.push(s);
        } else {
            let rest = max.saturating_sub(used);
            if rest > 0 {
                out.push(Span::styled(fit(&s.content, rest), s.style));
            }
            break;
        }
    }
    out
}

/// A number of hours in at most `max` characters: "16d 18h" when it fits,
/// else in its largest unit alone, rounded ("17d", "2y"); "—" for none.
/// Never cut: a cut would drop the leading digits or the sign.
pub fn hours_in(h: Option<f64>, max: usize) -> String {
    let Some(h) = h else {
        return "—".into();
    };
    let whole = hours(h);
    if width(&whole) <= max {
        return whole;
    }
    let sign = if h < 0.0 { "-" } else { "" };
    let a = h.abs();
    let shorter = [
        format!("{sign}{a:.0}h"),
        format!("{sign}{:.0}d", a / 24.0),
        format!("{sign}{:.0}w", a / (24.0 * 7.0)),
        format!("{sign}{:.1}y", a / (24.0 * 365.0)),
        format!("{sign}{:.0}y", a / (24.0 * 365.0)),
    ];
    let first_unit = if a < 24.0 { 0 } else { 1 };
    shorter[first_unit..]
        .iter()
        .find(|s| s.len() <= max)
        .cloned()
        .unwrap_or_else(|| shorter[4].clone())
}

/// A friction score in at most `max` characters: two decimals when they
/// fit, else fewer; the sign always kept.
pub fn score_in(x: f64, max: usize) -> String {
    (0..=2)
        .rev()
        .map(|d| format!("{x:.d$}"))
        .find(|s| s.len() <= max)
        .unwrap_or_else(|| format!("{x:.0}"))
}

/// Local time, to the minute.
pub fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
}

/// Local time for narrow columns: without the year in the current year,
/// else the date with its year (a timeline spanning years stays readable).
pub fn local_short(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let t = t.with_timezone(&Local);
    if t.year() == now.with_timezone(&Local).year() {
        t.format("%m-%d %H:%M").to_string()
    } else {
        t.format("%Y-%m-%d").to_string()
    }
}

/// "3d 4h" for a duration.
pub fn dur(d: Duration) -> String {
    crate::domain::time::short_duration(d)
}

/// "3d 4h" for a number of hours, to the nearest minute (report figures
/// are rounded to 4 decimals, which would otherwise lose a minute).
pub fn hours(h: f64) -> String {
    dur(Duration::minutes((h * 60.0).round() as i64))
}

pub fn hours_opt(h: Option<f64>) -> String {
    h.map_or("—".into(), hours)
}

/// A percentage with no decimals.
pub fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// A span of one line of text, made safe for the terminal.
pub fn span(text: impl Into<String>, style: Style) -> Span<'static> {
    let text = text.into();
    let safe = match safe_line(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(s) => s,
    };
    Span::styled(safe, style)
}

/// A rectangle of at most `w`×`h` in the middle of `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// A horizontal bar of `value / max` over `cells` cells, in eighths.
pub fn bar(value: f64, max: f64, cells: usize) -> String {
    if max <= 0.0 || !value.is_finite() || cells == 0 {
        return String::new();
    }
    let eighths = ((value / max).clamp(0.0, 1.0) * (cells * 8) as f64).round() as usize;
    let mut s = "█".repeat(eighths / 8);
    let part = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"][eighths % 8];
    s.push_str(part);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_too_wide_for_their_column_shrink_instead_of_being_cut() {
        assert_eq!(money_in(Money(12_345), 10), "123.45");
        assert_eq!(money_in(Money(19_292_247_121), 10), "192922471");
        assert_eq!(money_in(Money(19_292_247_121), 8), "192922k");
        assert_eq!(money_in(Money(19_292_247_121), 6), "192.9M");
        assert_eq!(money_in(Money(-1_234_567), 8), "-12346");
    }

    #[test]
    fn counts_too_wide_for_their_column_shrink_instead_of_being_cut() {
        assert_eq!(count_in(999_999, 6), "999999");
        assert_eq!(count_in(1_000_000, 6), "1.0M");
        assert_eq!(count_in(215_412, 5), "215k");
        assert_eq!(count_in(12_345_678, 5), "12.3M");
        assert_eq!(count_in(123_456_789, 4), "123M");
    }

    #[test]
    fn durations_and_scores_too_wide_for_their_column_shrink_instead_of_being_cut() {
        assert_eq!(hours_in(Some(16.0 * 24.0 + 18.0), 7), "16d 18h");
        assert_eq!(hours_in(Some(16.0 * 24.0 + 18.0), 6), "17d");
        assert_eq!(hours_in(Some(-(16.0 * 24.0 + 18.0)), 6), "-17d");
        assert_eq!(hours_in(Some(364.0 * 24.0 + 23.0), 7), "365d");
        assert_eq!(hours_in(Some(13.5), 5), "14h");
        assert_eq!(hours_in(None, 3), "—");
        assert_eq!(score_in(-1.0, 6), "-1.00");
        assert_eq!(score_in(-1.0, 4), "-1.0");
        assert_eq!(score_in(-12.25, 3), "-12");
    }

    #[test]
    fn spans_never_carry_control_characters() {
        assert_eq!(span("x\u{202d}y", Style::default()).content, "x�y");
    }

    #[test]
    fn bars_in_eighths() {
        assert_eq!(bar(1.0, 1.0, 3), "███");
        assert_eq!(bar(0.5, 1.0, 1), "▌");
        assert_eq!(bar(0.0, 1.0, 3), "");
    }
}
