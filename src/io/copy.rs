//! One casebook into another (a file into a team's database, and back),
//! through the export and import that already exist: the source's JSON
//! Lines export is written, on a thread of its own, into a pipe in memory,
//! and the destination's JSON Lines import reads it from there as it would
//! read a file. The pipe holds a few chunks at a time, so a copy's memory is
//! the export's and the import's, whatever the number of cases; the import
//! is one transaction on the destination, as ever, and it takes the copy as
//! whole only once the export has said it ended: an export that stops
//! midway (an error, a panic) stops the import too, and nothing is kept.

use super::json::{self, Format, ImportOptions};
use super::json_lines;
use super::ImportSummary;
use crate::store::Store;
use chrono::{DateTime, Utc};
use std::io::{BufRead, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

/// How many bytes the export hands over at a time.
const CHUNK: usize = 64 * 1024;
/// How many chunks may wait for the import: what bounds the pipe's memory.
const WAITING: usize = 16;

enum Piece {
    Bytes(Vec<u8>),
    /// The export finished: what came before is all of it.
    End,
}

/// The export's end of the pipe.
struct PipeWriter {
    send: SyncSender<Piece>,
    buffer: Vec<u8>,
}

impl PipeWriter {
    fn hand_over(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let full = std::mem::replace(&mut self.buffer, Vec::with_capacity(CHUNK));
        self.send.send(Piece::Bytes(full)).map_err(|_| gone())
    }

    /// Says that the export is whole; without it, the import fails.
    fn finish(mut self) -> std::io::Result<()> {
        self.hand_over()?;
        self.send.send(Piece::End).map_err(|_| gone())
    }
}

fn gone() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::BrokenPipe,
        "the destination stopped taking the copy",
    )
}

impl Write for PipeWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= CHUNK {
            self.hand_over()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.hand_over()
    }
}

/// The import's end of the pipe: the export's bytes, then the end of the
/// stream only if the export said it finished; else an error, and `cut`
/// set.
struct PipeReader<'a> {
    receive: Receiver<Piece>,
    chunk: Vec<u8>,
    at: usize,
    ended: bool,
    cut: &'a AtomicBool,
}

impl BufRead for PipeReader<'_> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        while self.at >= self.chunk.len() && !self.ended {
            match self.receive.recv() {
                Ok(Piece::Bytes(bytes)) => {
                    self.chunk = bytes;
                    self.at = 0;
                }
                Ok(Piece::End) => self.ended = true,
                Err(_) => {
                    self.cut.store(true, Ordering::SeqCst);
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::UnexpectedEof,
                        "the source's export stopped before its end",
                    ));
                }
            }
        }
        Ok(&self.chunk[self.at.min(self.chunk.len())..])
    }

    fn consume(&mut self, n: usize) {
        self.at += n;
    }
}

impl Read for PipeReader<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

/// Copies every case of `source` (with its touches and trail), its vendors'
/// aliases and its setup into `dest`, in one transaction on `dest`, as an
/// import of `source`'s export would; `label` names the source in the
/// import's errors, and `progress` hears the summary every 1 000 cases.
pub fn copy(
    source: &mut Store,
    dest: &mut Store,
    label: &str,
    options: ImportOptions,
    now: DateTime<Utc>,
    progress: impl FnMut(&ImportSummary),
) -> anyhow::Result<ImportSummary> {
    let cut = AtomicBool::new(false);
    let (send, receive) = sync_channel(WAITING);
    std::thread::scope(|scope| {
        // Moved in as `&mut`: a store may go to another thread, not be shared.
        let exporter = scope.spawn(move || -> anyhow::Result<()> {
            let source: &Store = source;
            let mut pipe = PipeWriter {
                send,
                buffer: Vec::with_capacity(CHUNK),
            };
            json::export(source, Format::Jsonl, &mut pipe)?;
            pipe.finish()?;
            Ok(())
        });
        let reader = PipeReader {
            receive,
            chunk: Vec::new(),
            at: 0,
            ended: false,
            cut: &cut,
        };
        // The reader is gone once this returns: an export still writing
        // stops at its next chunk.
        let imported = json_lines::import_stream(dest, label, reader, options, now, progress);
        let exported = exporter
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the export stopped (it panicked)")));
        match (imported, exported) {
            // The import took the stream to its end, which only a finished
            // export gives.
            (Ok(summary), _) => Ok(summary),
            // The import failed because the export stopped: the export's
            // reason is the one to give.
            (Err(_), Err(e)) if cut.load(Ordering::SeqCst) => {
                Err(e.context(format!("reading {label}")))
            }
            (Err(e), _) => Err(e.into()),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pipe(cut: &AtomicBool) -> (PipeWriter, PipeReader<'_>) {
        let (send, receive) = sync_channel(2);
        (
            PipeWriter {
                send,
                buffer: Vec::new(),
            },
            PipeReader {
                receive,
                chunk: Vec::new(),
                at: 0,
                ended: false,
                cut,
            },
        )
    }

    #[test]
    fn the_reader_gets_every_byte_then_the_end() {
        let cut = AtomicBool::new(false);
        let (mut w, mut r) = pipe(&cut);
        let text = "x".repeat(3 * CHUNK + 17);
        let got = std::thread::scope(|s| {
            s.spawn(move || {
                w.write_all(text.as_bytes()).unwrap();
                w.finish().unwrap();
            });
            let mut got = String::new();
            r.read_to_string(&mut got).unwrap();
            got
        });
        assert_eq!(got.len(), 3 * CHUNK + 17);
        assert!(!cut.load(Ordering::SeqCst));
    }

    #[test]
    fn a_writer_gone_without_finishing_is_an_error_not_an_end() {
        let cut = AtomicBool::new(false);
        let (mut w, mut r) = pipe(&cut);
        w.write_all(b"{\"title\": \"half").unwrap();
        w.flush().unwrap();
        drop(w);
        let mut got = String::new();
        let err = r.read_to_string(&mut got).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
        assert!(cut.load(Ordering::SeqCst));
    }

    #[test]
    fn a_reader_gone_stops_the_writer() {
        let cut = AtomicBool::new(false);
        let (mut w, r) = pipe(&cut);
        drop(r);
        let err = w.write_all(&vec![b'x'; 2 * CHUNK]).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe);
    }
}
