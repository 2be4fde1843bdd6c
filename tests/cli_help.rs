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

#[test]
fn completions_and_the_man_page_come_from_the_definitions() {
    let bin = env!("CARGO_BIN_EXE_casebook");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(bin)
            .args(args)
            .env_remove("CASEBOOK_DB")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let bash = run(&["completions", "bash"]);
    assert!(
        bash.contains("_casebook()") && bash.contains("--promise-due"),
        "{bash}"
    );
    let zsh = run(&["completions", "zsh"]);
    assert!(zsh.starts_with("#compdef casebook"), "{zsh}");
    let fish = run(&["completions", "fish"]);
    assert!(fish.contains("complete -c casebook"), "{fish}");
    let man = run(&["man"]);
    assert!(
        man.starts_with(".ie") || man.contains(".TH casebook 1"),
        "{man}"
    );
    assert!(man.contains(".TH casebook 1"), "{man}");
    // Each subcommand has its section, with its options explained.
    assert!(man.contains("casebook\\-touch"), "{man}");
    assert!(
        man.contains("When the vendor promised to come back"),
        "{man}"
    );
}
