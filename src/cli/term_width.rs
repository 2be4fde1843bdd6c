//! How wide the terminal the output goes to is: the command line cuts long
//! cells to it, and cuts nothing when the output is not a terminal (a pipe
//! or a file keeps every character).

use std::io::IsTerminal as _;

/// The columns of the terminal standard output is, or None when it is not one.
pub fn stdout_columns() -> Option<usize> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    columns_of_stdout()
}

#[cfg(unix)]
fn columns_of_stdout() -> Option<usize> {
    // SAFETY: TIOCGWINSZ fills the winsize it is given, and nothing else.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) } == 0;
    (ok && size.ws_col > 0).then_some(size.ws_col as usize)
}

#[cfg(not(unix))]
fn columns_of_stdout() -> Option<usize> {
    std::env::var("COLUMNS").ok()?.parse().ok()
}

/// The width left for a last column after the others and the two spaces
/// between columns, on a terminal `columns` wide (at least 20, so a narrow
/// terminal still shows the start); no limit when the output is no terminal.
pub fn room_for_last(columns: Option<usize>, others: &[usize]) -> usize {
    match columns {
        Some(c) => c
            .saturating_sub(others.iter().map(|w| w + 2).sum::<usize>())
            .max(20),
        None => usize::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_column_takes_what_the_terminal_leaves() {
        assert_eq!(room_for_last(Some(250), &[3, 20, 14, 16]), 250 - 61);
        assert_eq!(room_for_last(Some(100), &[3, 20, 14, 16]), 39);
        assert_eq!(room_for_last(Some(40), &[3, 20, 14, 16]), 20);
        assert_eq!(room_for_last(None, &[3, 20, 14, 16]), usize::MAX);
    }
}
