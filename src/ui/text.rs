//! Small helpers for text on screen: widths, ellipses, times, durations.

use chrono::{DateTime, Duration, Local, Utc};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Span;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cuts text to a width in cells, ending in "…" when cut. Control characters
/// (which could drive the terminal) are shown as spaces.
pub fn fit(s: &str, max: usize) -> String {
    let clean: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if width(&clean) <= max {
        return clean;
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in clean.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
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

/// Text broken into lines of at most `max` cells at spaces (a word longer
/// than a line is cut into pieces); the lines of the text are kept.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut out = Vec::new();
    for para in text.split('\n') {
        let mut cur = String::new();
        for word in para.split(' ') {
            let mut word = word.to_string();
            loop {
                let sep = usize::from(!cur.is_empty());
                if width(&cur) + sep + width(&word) <= max {
                    if sep == 1 {
                        cur.push(' ');
                    }
                    cur.push_str(&word);
                    break;
                }
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                    continue;
                }
                // A word wider than a line: as much as fits, then the rest.
                let mut head = String::new();
                let mut rest = word.chars();
                for c in rest.by_ref() {
                    if width(&head) + width(&c.to_string()) > max {
                        let tail: String = std::iter::once(c).chain(rest).collect();
                        out.push(std::mem::take(&mut head));
                        word = tail;
                        break;
                    }
                    head.push(c);
                }
                if !head.is_empty() {
                    cur = head;
                    break;
                }
            }
        }
        out.push(cur);
    }
    out
}

/// Local time, to the minute.
pub fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
}

/// Local time without the year, for narrow columns.
pub fn local_short(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%m-%d %H:%M").to_string()
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

pub fn span(text: impl Into<String>, style: Style) -> Span<'static> {
    Span::styled(text.into(), style)
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
    fn wrap_breaks_at_spaces_and_keeps_lines() {
        assert_eq!(wrap("the vendor promised", 11), ["the vendor", "promised"]);
        assert_eq!(wrap("one\ntwo three", 20), ["one", "two three"]);
        assert_eq!(wrap("abcdefgh ij", 3), ["abc", "def", "gh", "ij"]);
        assert_eq!(wrap("", 5), [""]);
    }

    #[test]
    fn fit_counts_cells_and_cleans_control_characters() {
        assert_eq!(fit("hello", 10), "hello");
        assert_eq!(fit("hello world", 6), "hello…");
        assert_eq!(fit("日本語テキスト", 5), "日本…");
        assert_eq!(fit("a\u{1b}[2Jb", 10), "a [2Jb");
        assert_eq!(fit("abc", 0), "");
    }

    #[test]
    fn bars_in_eighths() {
        assert_eq!(bar(1.0, 1.0, 3), "███");
        assert_eq!(bar(0.5, 1.0, 1), "▌");
        assert_eq!(bar(0.0, 1.0, 3), "");
    }
}
