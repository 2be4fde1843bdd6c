//! JSON Lines read as a stream: one line in memory at a time, parsed on a
//! second thread while the first writes, so that an import's memory stays the
//! same whatever the size of the file. A file whose casebook has a setup
//! starts with a header line, `{"casebook": 1, "vendors": [...], "setup": {...}}`;
//! one without starts with its first case, as files written by hand do.

use super::json::{
    import_with, newer_format, record, CaseRecord, ImportOptions, Incoming, VERSION,
};
use super::setup::{vendor_records, FileSetup, SetupRecord, VendorRecord};
use super::{ImportError, ImportSummary};
use crate::store::{Store, Summarizer};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::io::BufRead;

/// The first line of a JSON Lines export whose casebook has a setup.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Header {
    pub casebook: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vendors: Vec<VendorRecord>,
    #[serde(default, skip_serializing_if = "SetupRecord::is_empty")]
    pub setup: SetupRecord,
}

impl Header {
    pub fn of_store(store: &Store) -> crate::store::Result<Header> {
        Ok(Header {
            casebook: VERSION,
            vendors: vendor_records(store)?,
            setup: SetupRecord::of_store(store)?,
        })
    }

    /// Whether there is nothing to carry (then no header line is written).
    pub fn is_empty(&self) -> bool {
        self.vendors.is_empty() && self.setup.is_empty()
    }
}

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
    /// Whether `text` holds line `line`, read by `header` and not yet a case.
    pending: bool,
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
            pending: false,
            done: false,
        }
    }

    fn bad(&mut self, reason: String) -> ImportError {
        self.done = true;
        ImportError::BadRecord {
            file: self.file.clone(),
            line: self.line,
            reason,
        }
    }

    /// Reads the next line that is not blank into `text`, without its line
    /// ending; false at the end of the stream.
    fn next_line(&mut self) -> Result<bool, ImportError> {
        loop {
            self.text.clear();
            match self.reader.read_line(&mut self.text) {
                Ok(0) => {
                    self.done = true;
                    return Ok(false);
                }
                Ok(_) => {
                    self.line += 1;
                    // As `str::lines`: the line ending, "\n" or "\r\n", is not part of it.
                    let end = self
                        .text
                        .trim_end_matches('\n')
                        .trim_end_matches('\r')
                        .len();
                    self.text.truncate(end);
                    if !self.text.trim().is_empty() {
                        return Ok(true);
                    }
                }
                Err(e) => return Err(self.unreadable(e)),
            }
        }
    }

    /// The setup of the header line, when the stream starts with one (an
    /// object with a `casebook` key); else nothing, and the first line is
    /// the first case. Called before the first case.
    pub fn header(&mut self) -> Result<FileSetup, ImportError> {
        if self.done || !self.next_line()? {
            return Ok(FileSetup::default());
        }
        let is_header = serde_json::from_str::<serde_json::Value>(&self.text)
            .is_ok_and(|v| v.get("casebook").is_some());
        if !is_header {
            self.pending = true;
            return Ok(FileSetup::default());
        }
        let header: Header = serde_json::from_str(&self.text)
            .map_err(|e| self.bad(format!("the header line: {e}")))?;
        if header.casebook != VERSION {
            return Err(self.bad(newer_format(header.casebook)));
        }
        header.setup.read(header.vendors).map_err(|e| self.bad(e))
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
        if !std::mem::take(&mut self.pending) {
            if self.done {
                return None;
            }
            match self.next_line() {
                Ok(true) => {}
                Ok(false) => return None,
                Err(e) => return Some(Err(e)),
            }
        }
        self.index += 1;
        let rec = record(&self.file, &self.text, self.line, self.index, self.now);
        self.done = rec.is_err();
        Some(rec)
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
/// writes, all in one transaction (see `import_each`): its header's setup
/// first, then the cases.
pub fn import_stream(
    store: &mut Store,
    file: &str,
    reader: impl BufRead + Send,
    options: ImportOptions,
    now: DateTime<Utc>,
    progress: impl FnMut(&ImportSummary),
) -> Result<ImportSummary, ImportError> {
    let mut lines = JsonLines::new(file, reader, now);
    let setup = lines.header()?;
    // The reading thread summarizes new cases as the writer would, with the
    // setup as restored: it starts once that is done.
    let (start, started) = std::sync::mpsc::sync_channel::<Summarizer>(1);
    let (send, receive) = std::sync::mpsc::sync_channel::<Vec<_>>(WAITING);
    std::thread::scope(|scope| {
        // The sender moves in: the writer's loop ends when reading does, and
        // reading stops when the writer has gone (a bad record, an error).
        scope.spawn(move || {
            let Ok(summarizer) = started.recv() else {
                return;
            };
            let mut batch = Vec::with_capacity(BATCH);
            for rec in lines {
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
        // Moved in: a writer that stops before it starts the reader (a bad
        // setup) drops `start`, and the reader ends instead of waiting.
        let records = move |w: &crate::store::Writer| {
            let _ = start.send(w.summarizer(now)?);
            Ok(receive.into_iter().flatten())
        };
        import_with(store, &setup, records, options, now, progress)
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
