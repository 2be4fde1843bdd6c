//! Terminal set-up and restore, and the event loop.

use crate::cli::Cli;

pub fn run(_cli: &Cli) -> anyhow::Result<()> {
    anyhow::bail!("the terminal app is not built yet: use a subcommand (casebook --help)")
}
