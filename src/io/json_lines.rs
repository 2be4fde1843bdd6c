//! JSON Lines read as a stream: one line in memory at a time, parsed on a
//! second thread while the first writes, so that an import's memory stays the
//! same whatever the size of the file.

use super::json::{import_each, record, CaseRecord, Incoming};
use super::{ImportError, ImportSummary};
use crate::store::{Store, Summarizer};
use chrono::{DateTime, Utc};
use std::io::BufRead;

/// The cases of a JSON Lines stream, one line read at a time; the first bad
/// line (or unreadable byte) is the last item.
pub struct JsonLines<R> {
    file: String,
    reader: R,
    now: DateTime<Utc>,
    /// The line last read, from 1.
    line: usize,
    /// The cases read so far (blank lines are not cases).
    index: usize,
    text: String,
    done: bool,
}

impl<R: BufRead> JsonLines<R> {
    /// Relative times in the file (`now`, `-2d`) count from `now`.
    pub fn new(file: &str, reader: R, now: DateTime<Utc>) -> Self {
        JsonLines {
            file: file.to_string(),
            reader,
            now,
            line: 0,
            index: 0,
            text: String::new(),
            done: false,
        }
    }

    fn unreadable(&mut self, e: std::io::Error) -> ImportError {
        self.done = true;
        let reason = if e.kind() == std::io::ErrorKind::InvalidData {
            "not UTF-8 text".to_string()
        } else {
            format!("cannot read: {e}")
        };
        ImportError::BadRecord {
            file: self.file.clone(),
            line: self.line + 1,
            reason,
        }
    }
}

impl<R: BufRead> Iterator for JsonLines<R> {
    type Item = Result<CaseRecord, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            self.text.clear();
            match self.reader.read_line(&mut self.text) {
                Ok(0) => self.done = true,
                Ok(_) => {
                    self.line += 1;
                    // As `str::lines`: the line ending, "\n" or "\r\n", is not part of it.
                    let line = self.text.strip_suffix('\n').unwrap_or(&self.text);
                    let line = line.strip_suffix('\r').unwrap_or(line);
                    if line.trim().is_empty() {
                        continue;
                    }
                    self.index += 1;
                    let rec = record(&self.file, line, self.line, self.index, self.now);
                    self.done = rec.is_err();
                    return Some(rec);
                }
                Err(e) => return Some(Err(self.unreadable(e))),
            }
        }
        None
    }
}

/// How many cases go from the reading thread to the writing one at a time:
/// handing them over one by one cost more than parsing them.
const BATCH: usize = 64;
/// How many batches may wait for the writer: what bounds the memory.
const WAITING: usize = 4;

/// A case as read, with what the writer would do first done here: its
/// content key filled in and, for the case it would be if new, its summary.
fn ready(summarizer: &Summarizer, rec: CaseRecord) -> Incoming {
    let mut incoming = Incoming::from(rec);
    super::content_key::fill_missing(&mut incoming.case, &incoming.touchpoints);
    incoming.summary = summarizer.ready(&incoming.case, &incoming.touchpoints);
    incoming
}

/// Imports a JSON Lines stream, parsed on a second thread while this one
/// writes, all in one transaction (see `import_each`).
pub fn import_stream(
    store: &mut Store,
    file: &str,
    reader: impl BufRead + Send,
    dry_run: bool,
    now: DateTime<Utc>,
    progress: impl FnMut(&ImportSummary),
) -> Result<ImportSummary, ImportError> {
    let summarizer = store.summarizer(now)?;
    let (send, receive) = std::sync::mpsc::sync_channel::<Vec<_>>(WAITING);
    std::thread::scope(|scope| {
        // The sender moves in: the writer's loop ends when reading does, and
        // reading stops when the writer has gone (a bad record, an error).
        scope.spawn(move || {
            let mut batch = Vec::with_capacity(BATCH);
            for rec in JsonLines::new(file, reader, now) {
                batch.push(rec.map(|rec| ready(&summarizer, rec)));
                if batch.len() == BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    if send.send(full).is_err() {
                        return;
                    }
                }
            }
            let _ = send.send(batch);
        });
        let records = receive.iter().flatten();
        let summary = import_each(store, &[], records, dry_run, now, progress);
        drop(receive);
        summary
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    const CASE: &str = r#"{"title":"Refund","vendor":"Acme","opened_at":"2026-01-02T03:04:05Z","touchpoints":[{"at":"2026-01-02T03:04:05Z","channel":"phone","from":"customer","outcome":"sent"}]}"#;

    /// A stream that hands out its lines one read at a time and counts how
    /// many bytes were taken from it; a reader that wanted the whole input
    /// first would take all of them before yielding one case.
    struct Counted {
        lines: Vec<u8>,
        taken: std::rc::Rc<std::cell::Cell<usize>>,
    }

    impl Read for Counted {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let from = self.taken.get();
            let n = buf.len().min(self.lines.len() - from).min(64);
            buf[..n].copy_from_slice(&self.lines[from..from + n]);
            self.taken.set(from + n);
            Ok(n)
        }
    }

    fn now() -> DateTime<Utc> {
        crate::domain::time::from_millis(1_800_000_000_000)
    }

    #[test]
    fn yields_each_case_before_reading_the_rest() {
        let lines = format!("{CASE}\n").repeat(1000).into_bytes();
        let total = lines.len();
        let taken = std::rc::Rc::new(std::cell::Cell::new(0));
        let stream = Counted {
            lines,
            taken: taken.clone(),
        };
        let mut cases = JsonLines::new(
            "s.jsonl",
            std::io::BufReader::with_capacity(256, stream),
            now(),
        );
        let first = cases.next().unwrap().unwrap();
        assert_eq!(first.case.title, "Refund");
        assert_eq!(first.touchpoints.len(), 1);
        // One line is about 190 bytes: the first case came after at most two
        // buffers' worth, not the 190 000 bytes of the whole stream.
        assert!(taken.get() <= 512, "took {} of {total} bytes", taken.get());
        assert_eq!(cases.count(), 999);
        assert_eq!(taken.get(), total);
    }

    #[test]
    fn names_the_line_of_a_bad_case_and_stops_there() {
        let text = format!("{CASE}\r\n\n{{\"title\": 3}}\n{CASE}\n");
        let got: Vec<_> = JsonLines::new("x.jsonl", text.as_bytes(), now()).collect();
        assert_eq!(got.len(), 2);
        assert!(got[0].is_ok());
        let err = got[1].as_ref().err().unwrap().to_string();
        assert!(err.starts_with("x.jsonl: line 3: case 2"), "{err}");
    }

    #[test]
    fn a_byte_that_is_not_utf8_is_named_by_its_line() {
        let mut bytes = format!("{CASE}\n").into_bytes();
        bytes.extend_from_slice(b"{\"title\": \"\xff\"}\n");
        let got: Vec<_> = JsonLines::new("x.jsonl", &bytes[..], now()).collect();
        assert_eq!(got.len(), 2);
        let err = got[1].as_ref().err().unwrap().to_string();
        assert_eq!(err, "x.jsonl: line 2: not UTF-8 text");
    }
}
