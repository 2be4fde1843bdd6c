//! Text for a terminal, shared by the command line and the app: control
//! characters and bidirectional marks made visible, widths in cells, text
//! cut or wrapped to a width. No terminal library: plain strings.

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
    }
}
