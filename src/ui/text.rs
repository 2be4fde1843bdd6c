//! Small helpers for text on screen: widths, ellipses, times, durations.

use crate::domain::Money;
use chrono::Datelike as _;
use chrono::{DateTime, Duration, Local, Utc};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Span;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// What a character that must not reach the terminal raw is shown as:
/// C0 controls as their control pictures (ESC as ␛), DEL as ␡, C1 controls
/// and bidirectional controls as �. None for a character that is safe.
fn stand_in(c: char) -> Option<char> {
    match c {
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32),
        '\u{7f}' => Some('␡'),
        '\u{80}'..='\u{9f}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}'
        | '\u{061c}' => Some('\u{fffd}'),
        _ => None,
    }
}

fn needs_care(c: char) -> bool {
    stand_in(c).is_some() || c == '\u{2028}' || c == '\u{2029}'
}

/// Text for one line of a terminal: a line break (\n, \r\n, \r, U+2028/9)
/// shows as ⏎, a tab as a space, and every other control or bidirectional
/// mark as a visible stand-in (␛, ␀, �…), never raw.
pub fn safe_line(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(needs_care) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' | '\u{2028}' | '\u{2029}' => out.push('⏎'),
            '\t' => out.push(' '),
            c => out.push(stand_in(c).unwrap_or(c)),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Text of several lines for a terminal: line breaks stay (\r\n and lone
/// \r become \n), tabs stay, everything else as in [`safe_line`].
pub fn safe_text(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| needs_care(c) && c != '\n' && c != '\t') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' | '\u{2028}' | '\u{2029}' => out.push('\n'),
            '\t' => out.push('\t'),
            c => out.push(stand_in(c).unwrap_or(c)),
        }
    }
    std::borrow::Cow::Owned(out)
}

pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cuts text to a width in cells, ending in "…" when cut. Control
/// characters (which could drive the terminal) are shown by stand-ins.
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

pub fn fit(s: &str, max: usize) -> String {
    let clean = safe_line(s).into_owned();
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
/// than a line is cut into pieces); the lines of the text are kept (a CRLF
/// line end is one line end).
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut out = Vec::new();
    for para in text.split('\n').map(|p| p.strip_suffix('\r').unwrap_or(p)) {
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
        assert_eq!(fit("a\u{1b}[2Jb", 10), "a␛[2Jb");
        assert_eq!(fit("abc", 0), "");
    }

    #[test]
    fn controls_and_bidi_marks_never_reach_the_terminal_raw() {
        let hostile = "a\u{1b}]0;pwned\u{7}b\u{9b}31m\u{202e}c\u{2066}d\u{200f}\u{7f}\u{0}";
        assert_eq!(safe_line(hostile), "a␛]0;pwned␇b�31m�c�d�␡␀");
        assert_eq!(
            safe_line("one\r\ntwo\nthree\rfour\tfive"),
            "one⏎two⏎three⏎four five"
        );
        assert_eq!(safe_text("one\r\ntwo\n\u{1b}[2J"), "one\ntwo\n␛[2J");
        assert!(matches!(
            safe_line("שלום 📺 é"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(span("x\u{202d}y", Style::default()).content, "x�y");
    }

    #[test]
    fn bars_in_eighths() {
        assert_eq!(bar(1.0, 1.0, 3), "███");
        assert_eq!(bar(0.5, 1.0, 1), "▌");
        assert_eq!(bar(0.0, 1.0, 3), "");
    }
}
