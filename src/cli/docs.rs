//! completions and man: the shell completions and the manual page, made
//! from the same clap definitions as the command line itself.

use super::Cli;
use anyhow::Result;
use clap::CommandFactory;
use std::io::Write;

/// The completion script for a shell, on standard output.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> Result<()> {
    let mut cmd = Cli::command();
    // Made in memory first: the generator panics on a closed pipe (`| head`).
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "casebook", &mut script);
    out.write_all(&script)?;
    Ok(())
}

/// The manual page (roff), on standard output: casebook(1), with a section
/// for each subcommand.
pub fn man(out: &mut dyn Write) -> Result<()> {
    let cmd = Cli::command();
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    man.render_subcommands_section(out)?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("casebook-{}", sub.get_name());
        let sub = sub
            .clone()
            .display_name(name)
            .bin_name(format!("casebook {}", sub.get_name()));
        let page = clap_mangen::Man::new(sub);
        page.render_name_section(out)?;
        page.render_synopsis_section(out)?;
        page.render_description_section(out)?;
        page.render_options_section(out)?;
    }
    man.render_version_section(out)?;
    Ok(())
}
