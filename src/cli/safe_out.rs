//! Human output on its way to the terminal: every control character and
//! bidirectional mark that a field may carry (a note, an imported title)
//! is shown by a visible stand-in, never sent raw. Machine output (JSON,
//! CSV, an export) goes out untouched.

use crate::text::safe_text;
use std::io::{self, Write};

/// A writer that makes text safe for a terminal as it passes; line breaks
/// and tabs stay. A character cut between two writes waits for its end.
pub struct SafeOut<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> SafeOut<W> {
    pub fn new(inner: W) -> SafeOut<W> {
        SafeOut {
            inner,
            pending: Vec::new(),
        }
    }
}

impl<W: Write> Write for SafeOut<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        let valid = match std::str::from_utf8(&self.pending) {
            Ok(s) => s.len(),
            // An unfinished character at the end waits; a broken one shows as �.
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => {
                let text = String::from_utf8_lossy(&self.pending).into_owned();
                self.pending.clear();
                self.inner.write_all(safe_text(&text).as_bytes())?;
                return Ok(buf.len());
            }
        };
        let rest = self.pending.split_off(valid);
        let text = String::from_utf8_lossy(&self.pending).into_owned();
        self.pending = rest;
        self.inner.write_all(safe_text(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            let text = String::from_utf8_lossy(&self.pending).into_owned();
            self.pending.clear();
            self.inner.write_all(safe_text(&text).as_bytes())?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for SafeOut<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_bidi_marks_are_shown_not_sent() {
        let mut out = SafeOut::new(Vec::new());
        writeln!(out, "a\u{1b}[31mb\u{202e}c").unwrap();
        // A character split across two writes arrives whole.
        let e = "é".as_bytes();
        out.write_all(&e[..1]).unwrap();
        out.write_all(&e[1..]).unwrap();
        out.flush().unwrap();
        let text = String::from_utf8(out.inner.clone()).unwrap();
        assert_eq!(text, "a␛[31mb�c\né");
    }
}
