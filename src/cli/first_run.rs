//! The app's first run: the casebook file is not there yet. At the default
//! path the app makes it (in its own data folder) and says where; at a path
//! the user named (`--db`, `CASEBOOK_DB`) it asks first, before the terminal
//! is taken over. Without a terminal to ask on, nothing is created and the
//! file is said to be missing, as for every command that only reads.

use super::{db_place, open, Cli};
use crate::store::Store;
use anyhow::{bail, Result};
use std::io::{BufRead, IsTerminal, Write};

/// Opens the app's file, creating it as above; the note to show once the
/// app is up (where a new file was made), if any.
pub fn open_for_app(cli: &Cli) -> Result<(Store, Option<String>)> {
    let path = match db_place(cli)? {
        crate::store::Place::File(path) => path,
        // A team's database is made casebook's by its first client.
        crate::store::Place::Server(_) => return Ok((open(cli, true)?, None)),
    };
    let missing = matches!(path.try_exists(), Ok(false));
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if !missing || !interactive {
        return Ok((open(cli, false)?, None));
    }
    if cli.db.is_some() {
        let question = format!("create {}? (y/n) ", path.display());
        let mut stdin = std::io::stdin().lock();
        if !ask(&question, &mut stdin, &mut std::io::stderr())? {
            bail!("nothing was created: {} does not exist", path.display());
        }
    }
    let store = open(cli, true)?;
    let note = format!("a new casebook: created {}", store.path.display());
    Ok((store, Some(note)))
}

/// Asks a yes-or-no question on a line of its own; yes only for `y` or `yes`.
pub fn ask(question: &str, input: &mut impl BufRead, out: &mut impl Write) -> Result<bool> {
    write!(out, "{question}")?;
    out.flush()?;
    let mut answer = String::new();
    input.read_line(&mut answer)?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_yes_is_yes() {
        for (typed, yes) in [
            ("y\n", true),
            ("YES\n", true),
            ("n\n", false),
            ("\n", false),
            ("", false),
            ("yep\n", false),
        ] {
            let mut out = Vec::new();
            assert_eq!(
                ask("create x? (y/n) ", &mut typed.as_bytes(), &mut out).unwrap(),
                yes,
                "{typed:?}"
            );
            assert_eq!(out, b"create x? (y/n) ");
        }
    }
}
