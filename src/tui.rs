//! Terminal set-up and restore, and the event loop. The terminal is put back
//! as it was on quit, on error (a guard's Drop), on panic (a hook) and on
//! SIGTERM, SIGHUP or SIGINT (a flag the loop checks every tick). A watchdog
//! thread covers the loop being stuck: when a signal's flag is not acted on
//! within a second, or the terminal has gone away (hung up), it restores
//! what it can and exits.

use crate::app::{Action, App};
use crate::cli::{self, Cli};
use crate::ui::{self, Theme};
use anyhow::{bail, Context as _, Result};
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, Event, KeyEventKind};
use ratatui::crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::crossterm::{cursor, execute};
use ratatui::Terminal;
use std::io::{stdout, IsTerminal, Stdout};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Once};
use std::time::{Duration, Instant};

/// How often the loop wakes without a key: to follow the clock, notice a
/// change written by another process, and expire messages.
const TICK: Duration = Duration::from_millis(250);

/// Puts the terminal back: cooked mode, main screen, cursor shown. Safe to
/// call more than once.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(stdout(), LeaveAlternateScreen, cursor::Show);
}

/// Restores the terminal when dropped, however the loop ends.
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        restore();
    }
}

/// Watches for a stop that the loop does not act on, and for a terminal that
/// hung up (crossterm then reads end-of-file forever and never returns).
fn watchdog(stop: Arc<AtomicBool>, finished: Arc<AtomicBool>) {
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_millis(500));
        if finished.load(Ordering::Relaxed) {
            return;
        }
        // isatty fails on a hung-up terminal: nobody is there any more.
        let hung_up = !std::io::stdin().is_terminal();
        if hung_up {
            stop.store(true, Ordering::Relaxed);
        }
        if stop.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_secs(1));
            if !finished.load(Ordering::Relaxed) {
                restore();
                std::process::exit(if hung_up { 129 } else { 143 });
            }
            return;
        }
    });
}

/// Restores the terminal before the panic message is printed, so it is readable.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

fn enter() -> Result<Terminal<CrosstermBackend<Stdout>>> {
    enable_raw_mode().context("cannot put the terminal in raw mode")?;
    execute!(
        stdout(),
        EnterAlternateScreen,
        cursor::Hide,
        Clear(ClearType::All)
    )?;
    Ok(Terminal::new(CrosstermBackend::new(stdout()))?)
}

pub fn run(cli: &Cli) -> Result<()> {
    // Open everything before taking over the screen, so errors print plainly.
    let (mut store, first_run) = cli::first_run::open_for_app(cli)?;
    let now = match &cli.as_of {
        Some(_) => {
            let t = cli::now(cli)?;
            store.real_clock = false;
            // Earlier than the newest clock the file has seen: a view of
            // the past, computed in memory, that writes nothing.
            if store.newest_clock()?.is_some_and(|newest| newest > t) {
                store.view_as_of_told(t, true, |n| cli::say_measuring(n, t))?;
            }
            t
        }
        None => store.clock(cli::machine_clock()?)?,
    };
    if !stdout().is_terminal() || !std::io::stdin().is_terminal() {
        bail!("the terminal app needs a terminal; for scripts, use a subcommand (casebook --help)");
    }
    let mut app = App::new(store, now, cli.as_of.is_none())?;
    app.typeahead_guard = true;
    if let Some(note) = first_run {
        // On the status line, and under the app once it is gone.
        eprintln!("{note}");
        app.say(note);
    }
    app.as_of_set = cli.as_of.is_some();
    // A slow filter stops for the next key (the key is read, the filter runs
    // again after a pause in the typing).
    app.cases.input_waiting =
        || ratatui::crossterm::event::poll(std::time::Duration::ZERO).unwrap_or(false);
    app.start_background();
    let stop = Arc::new(AtomicBool::new(false));
    // Which signal ended the app: it exits with 128 + its number, as a shell expects.
    let signalled = Arc::new(AtomicUsize::new(0));
    for signal in [
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGINT,
    ] {
        signal_hook::flag::register(signal, Arc::clone(&stop))?;
        signal_hook::flag::register_usize(signal, Arc::clone(&signalled), signal as usize)?;
    }
    install_panic_hook();
    let finished = Arc::new(AtomicBool::new(false));
    watchdog(Arc::clone(&stop), Arc::clone(&finished));
    let restore_guard = Restore;
    let mut terminal = enter()?;
    let result = event_loop(&mut terminal, &mut app, &stop, &Theme::from_env());
    finished.store(true, Ordering::Relaxed);
    let signal = signalled.load(Ordering::Relaxed);
    if signal != 0 && result.is_ok() {
        drop(terminal);
        drop(restore_guard);
        drop(app);
        std::process::exit(128 + signal as i32);
    }
    result
}

fn event_loop(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    app: &mut App,
    stop: &AtomicBool,
    theme: &Theme,
) -> Result<()> {
    let size = terminal.size()?;
    app.update(Action::Resize(size.width, size.height));
    let mut last_tick = Instant::now();
    while !app.quit && !stop.load(Ordering::Relaxed) {
        if app.dirty {
            // Keys already waiting before this frame is drawn were typed
            // before it could be seen (asked before drawing: a key that comes
            // once the frame is up, however soon, was typed at it).
            let typed_ahead = event::poll(Duration::ZERO).unwrap_or(true);
            terminal.draw(|frame| ui::draw(frame, app, theme))?;
            app.dirty = false;
            app.shown(typed_ahead);
        }
        let timeout = TICK.saturating_sub(last_tick.elapsed());
        let ready = match event::poll(timeout) {
            Ok(ready) => ready,
            // A signal interrupted the wait: go round and look at the flag.
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => false,
            Err(e) => return Err(e.into()),
        };
        if ready {
            match event::read() {
                Ok(Event::Key(key)) if key.kind != KeyEventKind::Release => app.on_key(key),
                Ok(Event::Resize(w, h)) => app.update(Action::Resize(w, h)),
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e.into()),
            }
        }
        if last_tick.elapsed() >= TICK {
            app.update(Action::Tick);
            last_tick = Instant::now();
        }
    }
    Ok(())
}
