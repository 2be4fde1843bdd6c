use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = casebook::cli::Cli::parse();
    // Past a file size limit (`ulimit -f`) the kernel kills the process
    // unless SIGXFSZ is handled; handled, the write fails and SQLite rolls
    // the transaction back, and the user gets a message instead.
    let _ = signal_hook::flag::register(
        signal_hook::consts::SIGXFSZ,
        std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
    );
    let result = match &cli.command {
        Some(command) => casebook::cli::run(&cli, command),
        None => casebook::tui::run(&cli),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stops early (`casebook report | head`) is not an error.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            // The message may quote a field or a file's text: never raw.
            let message = format!("{e:#}");
            eprintln!("error: {}", casebook::text::safe_text(&message));
            ExitCode::FAILURE
        }
    }
}

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
