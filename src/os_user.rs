//! The operating-system user that runs casebook: who writes an event into a
//! file (the trail's actor), and libpq's default user name on a server.

use std::sync::OnceLock;

/// The name an event written into a file is recorded as: `USER`, else
/// `LOGNAME` (as a login shell sets them), else the account of the real user
/// id in the password database. `None` when none of them says.
///
/// The environment comes first so that a login keeps the name it logged in
/// with (an account shared by several uids, a name set by `su -`); whoever
/// may write the file may change it anyway, so the name says who wrote,
/// not who was allowed to.
pub fn login_name() -> Option<String> {
    ["USER", "LOGNAME"]
        .iter()
        .filter_map(|var| std::env::var(var).ok())
        .find(|name| !name.trim().is_empty())
        .or_else(|| {
            // Read once: an import without a trail writes an event per case.
            static REAL: OnceLock<Option<String>> = OnceLock::new();
            REAL.get_or_init(real_account).clone()
        })
}

/// The account of the real user id.
#[cfg(unix)]
fn real_account() -> Option<String> {
    // SAFETY: getuid cannot fail and has no preconditions.
    account(unsafe { libc::getuid() })
}

#[cfg(not(unix))]
fn real_account() -> Option<String> {
    std::env::var("USERNAME").ok().filter(|u| !u.is_empty())
}

/// The operating-system user as libpq takes it for its default user name:
/// the account of the effective user id, else `USER`.
#[cfg(unix)]
pub fn effective_account() -> Option<String> {
    // SAFETY: geteuid cannot fail and has no preconditions.
    account(unsafe { libc::geteuid() })
        .or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty()))
}

#[cfg(not(unix))]
pub fn effective_account() -> Option<String> {
    std::env::var("USERNAME").ok().filter(|u| !u.is_empty())
}

/// The name of user id `uid` in the password database.
#[cfg(unix)]
fn account(uid: libc::uid_t) -> Option<String> {
    let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
    let mut buffer = vec![0 as libc::c_char; 16 * 1024];
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: getpwuid_r writes the entry's strings into `buffer`, which
    // outlives the read of `pw_name` below; `found` is null when there is none.
    let status = unsafe {
        libc::getpwuid_r(
            uid,
            &mut entry,
            buffer.as_mut_ptr(),
            buffer.len(),
            &mut found,
        )
    };
    if status == 0 && !found.is_null() && !entry.pw_name.is_null() {
        // SAFETY: a NUL-terminated string inside `buffer`.
        let name = unsafe { std::ffi::CStr::from_ptr(entry.pw_name) };
        return Some(name.to_string_lossy().into_owned()).filter(|n| !n.is_empty());
    }
    None
}

#[cfg(all(test, unix))]
mod tests {
    #[test]
    fn a_user_id_is_read_as_its_account_name() {
        // uid 0 is root in every password database.
        assert_eq!(super::account(0).as_deref(), Some("root"));
    }
}
