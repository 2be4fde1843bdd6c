//! Human tables: columns padded by display width, so that emoji and wide
//! characters line up; long cells are cut with an ellipsis.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Cuts text to a display width, ending with '…' when cut.
pub fn fit(text: &str, width: usize) -> String {
    // One line: a line break shows as ⏎, an escape as ␛, a bidi mark as �.
    let clean = crate::text::safe_line(text).into_owned();
    if clean.width() <= width {
        return clean;
    }
    let mut out = String::new();
    let mut w = 0;
    for c in clean.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw + 1 > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

/// A table with a header row; `max` caps each column's width.
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    right: Vec<bool>,
    max: Vec<usize>,
}

impl Table {
    pub fn new(header: &[&str]) -> Table {
        Table {
            header: header.iter().map(|s| s.to_string()).collect(),
            rows: Vec::new(),
            right: vec![false; header.len()],
            max: vec![60; header.len()],
        }
    }

    /// Right-aligns the given columns (numbers).
    pub fn right(mut self, cols: &[usize]) -> Table {
        for &c in cols {
            self.right[c] = true;
        }
        self
    }

    pub fn max_width(mut self, col: usize, width: usize) -> Table {
        self.max[col] = width;
        self
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn render(&self) -> String {
        let cells: Vec<Vec<String>> = std::iter::once(&self.header)
            .chain(&self.rows)
            .map(|r| self.fitted(r))
            .collect();
        let widths: Vec<usize> = (0..self.header.len())
            .map(|i| {
                cells
                    .iter()
                    .map(|r| r.get(i).map_or(0, |c| c.width()))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        cells.iter().map(|r| self.line(r, &widths)).collect()
    }

    /// With every column's width given in advance (each cut to its max),
    /// rows can be printed one at a time, as they come, and still line up:
    /// the header line (`None`) or one row's.
    pub fn fixed_line(&self, widths: &[usize], cells: Option<&[String]>) -> String {
        let widths: Vec<usize> = widths
            .iter()
            .zip(&self.max)
            .zip(&self.header)
            .map(|((w, max), h)| (*w).min(*max).max(h.width()))
            .collect();
        let cells = self.fitted(cells.unwrap_or(&self.header));
        let cells: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| fit(c, *w)).collect();
        self.line(&cells, &widths)
    }

    fn fitted(&self, row: &[String]) -> Vec<String> {
        row.iter()
            .enumerate()
            .map(|(i, c)| fit(c, self.max[i]))
            .collect()
    }

    fn line(&self, cells: &[String], widths: &[usize]) -> String {
        let line: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                // The last column, left-aligned, needs no padding (and may
                // have no limit: a pipe gets long text whole).
                let last = i + 1 == cells.len() && !self.right[i];
                let pad = if last {
                    String::new()
                } else {
                    " ".repeat(widths[i].saturating_sub(c.width()))
                };
                if self.right[i] {
                    format!("{pad}{c}")
                } else {
                    format!("{c}{pad}")
                }
            })
            .collect();
        let mut out = line.join("  ").trim_end().to_string();
        out.push('\n');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_by_display_width_and_cuts_long_cells() {
        let mut t = Table::new(&["a", "b"]).right(&[1]).max_width(0, 5);
        t.row(vec!["日本語です長い".into(), "1".into()]);
        t.row(vec!["x".into(), "200".into()]);
        assert_eq!(t.render(), "a        b\n日本…    1\nx      200\n");
        // Fixed widths: each row alone lines up with the header.
        let row = |a: &str, b: &str| vec![a.to_string(), b.to_string()];
        assert_eq!(t.fixed_line(&[9, 3], None), "a        b\n");
        assert_eq!(t.fixed_line(&[9, 3], Some(&row("x", "7"))), "x        7\n");
        assert_eq!(t.fixed_line(&[3, 3], Some(&row("abcd", "7"))), "ab…    7\n");
    }
}
