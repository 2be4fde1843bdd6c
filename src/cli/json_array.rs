//! A JSON array written one element at a time, laid out as serde_json's
//! pretty printer lays out a whole Vec, so that listings stream: memory
//! stays flat whatever the number of elements.

use serde::Serialize;
use std::io::Write;

pub struct JsonArray<'w> {
    out: &'w mut dyn Write,
    written: usize,
}

impl<'w> JsonArray<'w> {
    pub fn new(out: &'w mut dyn Write) -> Self {
        JsonArray { out, written: 0 }
    }

    /// Writes one element (indented as inside a pretty-printed array).
    pub fn push<T: Serialize>(&mut self, item: &T) -> anyhow::Result<()> {
        let text = serde_json::to_string_pretty(item)?;
        // A JSON string never holds a raw line break: every one is layout.
        let text = text.replace('\n', "\n  ");
        let sep = if self.written == 0 { "[\n  " } else { ",\n  " };
        write!(self.out, "{sep}{text}")?;
        self.written += 1;
        Ok(())
    }

    /// Closes the array; how many elements it holds.
    pub fn finish(self) -> anyhow::Result<usize> {
        if self.written == 0 {
            writeln!(self.out, "[]")?;
        } else {
            writeln!(self.out, "\n]")?;
        }
        Ok(self.written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lays_out_as_the_pretty_printer_does() {
        let items = [
            serde_json::json!({"a": 1, "b": [1, 2], "c": "x\ny"}),
            serde_json::json!({"a": 2, "b": [], "c": null}),
        ];
        for n in 0..=items.len() {
            let mut out = Vec::new();
            let mut arr = JsonArray::new(&mut out);
            for i in &items[..n] {
                arr.push(i).unwrap();
            }
            arr.finish().unwrap();
            let whole = serde_json::to_string_pretty(&items[..n]).unwrap() + "\n";
            assert_eq!(String::from_utf8(out).unwrap(), whole);
        }
    }
}
