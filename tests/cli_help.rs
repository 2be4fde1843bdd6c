//! The command line's own description: every subcommand and argument says
//! what it is for, import and export say they take CSV, and the completions
//! and man page come from the same definitions.
#![allow(clippy::unwrap_used)]

use casebook::cli::Cli;
use clap::CommandFactory;

fn missing_help(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
    for arg in cmd.get_arguments() {
        let id = arg.get_id().as_str();
        if id == "help" || id == "version" || arg.is_hide_set() {
            continue;
        }
        if arg.get_help().is_none() && arg.get_long_help().is_none() {
            out.push(format!("{path} {id}"));
        }
    }
    for sub in cmd.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        if sub.get_about().is_none() {
            out.push(format!("{path} {} (the subcommand)", sub.get_name()));
        }
        missing_help(sub, &format!("{path} {}", sub.get_name()), out);
    }
}

#[test]
fn every_argument_says_what_it_is_for() {
    let mut missing = Vec::new();
    missing_help(&Cli::command(), "casebook", &mut missing);
    assert!(missing.is_empty(), "no help text: {missing:#?}");
}

#[test]
fn import_and_export_say_they_take_csv() {
    let mut cmd = Cli::command();
    for name in ["import", "export"] {
        let sub = cmd.find_subcommand_mut(name).unwrap();
        let help = sub.render_help().to_string();
        let about = sub.get_about().unwrap().to_string();
        assert!(about.contains("CSV"), "{name}: {about}");
        assert!(help.contains("CSV"), "{name}: {help}");
    }
}
