use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = casebook::cli::Cli::parse();
    let result = match &cli.command {
        Some(command) => casebook::cli::run(&cli, command),
        None => casebook::tui::run(&cli),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
