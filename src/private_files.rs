//! Files readable by their owner alone. A casebook holds customers' personal
//! data, so what casebook creates (the database, the folder made for it, an
//! export, a backup) is mode 0600, a folder 0700; an existing file that others
//! can read is left as it is, and said to be so. Nothing here opens the
//! database file: SQLite's locks belong to the process, and closing any other
//! descriptor of the file would drop them (`stat` opens nothing).

use std::fmt;
use std::path::{Path, PathBuf};

/// The umask is the process's: two `privately` at once on two threads could
/// leave it at 077 for good.
#[cfg(unix)]
static UMASK_TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs `make` with the process's umask at 077, so that the files and
/// folders it creates are its owner's alone (SQLite creates a database with
/// mode 0644 less the umask, and gives its -wal, -shm and -journal the main
/// file's mode), then puts the umask back.
pub fn privately<T>(make: impl FnOnce() -> T) -> T {
    #[cfg(unix)]
    {
        let _turn = UMASK_TURN
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        struct Restore(libc::mode_t);
        impl Drop for Restore {
            fn drop(&mut self) {
                // SAFETY: umask only swaps the process's mask; it cannot fail.
                unsafe { libc::umask(self.0) };
            }
        }
        // SAFETY: as above.
        let _restore = Restore(unsafe { libc::umask(0o077) });
        make()
    }
    #[cfg(not(unix))]
    make()
}

/// Creates (or truncates) a file for writing that only its owner can read,
/// even if it was there before with a looser mode.
pub fn create(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let file = options.mode(0o600).open(path)?;
        // The mode above applies to a new file only.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        Ok(file)
    }
    #[cfg(not(unix))]
    options.open(path)
}

/// The permission bits of `path` when its group or other accounts have any
/// (read, write or search); None when only its owner has, or it cannot be
/// looked at, or the system has no such bits.
pub fn loose_mode(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        (mode & 0o077 != 0).then_some(mode)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// A database file that other accounts can get at, with its mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposure {
    pub path: PathBuf,
    pub mode: u32,
}

/// The database at `db`, if it is open to other accounts. Its -wal and -shm
/// are not looked at: SQLite makes them (and removes them when the last
/// connection closes) with the main file's mode, so they follow it.
pub fn exposure(db: &Path) -> Option<Exposure> {
    loose_mode(db).map(|mode| Exposure {
        path: db.to_path_buf(),
        mode,
    })
}

impl Exposure {
    /// The command that makes the file its owner's alone.
    pub fn fix(&self) -> String {
        format!("chmod 600 {}", shell_word(&self.path.to_string_lossy()))
    }
}

impl fmt::Display for Exposure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "other accounts can read {} (mode {:04o}), and it holds customers' personal data; to make it yours alone: {}",
            self.path.display(),
            self.mode,
            self.fix()
        )
    }
}

/// A path as one word for a POSIX shell: as it is when it is plain, else in
/// single quotes.
fn shell_word(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+,:@%=".contains(c));
    if plain {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    fn chmod(path: &Path, mode: u32) {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    /// The process's umask, read (and set to `to`) while no `privately` runs.
    fn swap_umask(to: libc::mode_t) -> libc::mode_t {
        let _turn = UMASK_TURN.lock().unwrap();
        unsafe { libc::umask(to) }
    }

    #[test]
    fn privately_makes_owner_only_files_and_puts_the_umask_back() {
        let dir = tempfile::tempdir().unwrap();
        let found = swap_umask(0o022);
        let inside = privately(|| {
            std::fs::create_dir_all(dir.path().join("d/e")).unwrap();
            std::fs::write(dir.path().join("f"), "x").unwrap();
            unsafe { libc::umask(0o077) }
        });
        let after = swap_umask(found);
        assert_eq!(inside, 0o077);
        assert_eq!(after, 0o022, "the umask is put back");
        assert_eq!(mode(&dir.path().join("d")), 0o700);
        assert_eq!(mode(&dir.path().join("d/e")), 0o700);
        assert_eq!(mode(&dir.path().join("f")), 0o600);
    }

    #[test]
    fn create_makes_a_0600_file_even_over_a_loose_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        std::fs::write(&path, "old").unwrap();
        chmod(&path, 0o644);
        std::io::Write::write_all(&mut create(&path).unwrap(), b"new").unwrap();
        assert_eq!(mode(&path), 0o600);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let fresh = dir.path().join("fresh.json");
        create(&fresh).unwrap();
        assert_eq!(mode(&fresh), 0o600);
    }

    #[test]
    fn exposure_names_a_loose_file_and_the_command_that_fixes_it() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("my cases.sqlite3");
        std::fs::write(&db, "").unwrap();
        chmod(&db, 0o600);
        assert_eq!(exposure(&db), None);
        for loose in [0o604, 0o640, 0o610, 0o700 | 0o001] {
            chmod(&db, loose);
            let e = exposure(&db).unwrap();
            assert_eq!(e.mode, loose);
            assert_eq!(e.fix(), format!("chmod 600 '{}'", db.display()));
            let text = e.to_string();
            assert!(text.contains(&format!("(mode {loose:04o})")), "{text}");
        }
        chmod(&db, 0o400);
        assert_eq!(exposure(&db), None);
        assert_eq!(exposure(&dir.path().join("missing")), None);
    }

    #[test]
    fn a_shell_word_survives_quotes() {
        assert_eq!(shell_word("/tmp/a.db"), "/tmp/a.db");
        assert_eq!(shell_word("it's.db"), r"'it'\''s.db'");
    }
}
