//! The PostgreSQL server that tests may use: the URL in `CASEBOOK_PG` (a
//! throwaway cluster from `tests/pg_cluster.sh`, which `.ci/run` starts).
//! Without it, the PostgreSQL tests skip, saying why once.

use casebook::db_url::PgTarget;
use std::io::Write;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Once;
use std::time::{SystemTime, UNIX_EPOCH};

/// The server's URL, or `None` (saying once why the tests skip).
pub fn server() -> Option<String> {
    match std::env::var("CASEBOOK_PG") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            static SAID: Once = Once::new();
            SAID.call_once(|| {
                // Straight to stderr, past the test harness's capture.
                let _ = writeln!(
                    std::io::stderr(),
                    "skipping PostgreSQL tests: CASEBOOK_PG is not set (start a throwaway cluster with: eval \"$(bash tests/pg_cluster.sh start)\")"
                );
            });
            None
        }
    }
}

/// A new, empty database on the server, named from `tag`, the process id,
/// a counter and the time; its URL (the server's, with that database).
/// `None` when there is no server. Panics when there is one but it fails.
pub fn fresh_database(tag: &str) -> Option<String> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let url = server()?;
    let tag: String = tag
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(24)
        .collect();
    let micros = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() % 1_000_000_000_000)
        .unwrap_or(0);
    let name = format!(
        "cb_{tag}_{}_{}_{micros}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let target = PgTarget::parse(&url).unwrap_or_else(|e| panic!("CASEBOOK_PG: {e}"));
    let mut client = target
        .connect()
        .unwrap_or_else(|e| panic!("CASEBOOK_PG ({}): {e}", target.shown()));
    client
        .batch_execute(&format!("CREATE DATABASE \"{name}\""))
        .unwrap_or_else(|e| panic!("creating database {name}: {e}"));
    Some(with_dbname(&url, &name))
}

/// The role a session on `url` runs as (`session_user`): the actor of the
/// events it writes.
pub fn role(url: &str) -> String {
    let target = PgTarget::parse(url).unwrap_or_else(|e| panic!("{e}"));
    let mut client = target
        .connect()
        .unwrap_or_else(|e| panic!("{}: {e}", target.shown()));
    client
        .query_one("SELECT session_user::text", &[])
        .unwrap_or_else(|e| panic!("session_user: {e}"))
        .get(0)
}

/// `url` naming database `dbname` instead of its own (in its path; any
/// `dbname=` parameter goes).
pub fn with_dbname(url: &str, dbname: &str) -> String {
    let (body, query) = match url.split_once('?') {
        Some((body, query)) => (body, Some(query)),
        None => (url, None),
    };
    let after_scheme = body.find("://").map_or(0, |i| i + 3);
    let authority_end = body[after_scheme..]
        .find('/')
        .map_or(body.len(), |i| after_scheme + i);
    let mut out = format!("{}/{dbname}", &body[..authority_end]);
    let kept: Vec<&str> = query
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("dbname="))
        .collect();
    if !kept.is_empty() {
        out.push('?');
        out.push_str(&kept.join("&"));
    }
    out
}

/// `url` with `userinfo` (`user` or `user:password`) in place of its own.
pub fn with_userinfo(url: &str, userinfo: &str) -> String {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[after_scheme..];
    let hosts_from = match rest.find(['@', '/', '?']) {
        Some(i) if rest[i..].starts_with('@') => after_scheme + i + 1,
        _ => after_scheme,
    };
    format!("{}{userinfo}@{}", &url[..after_scheme], &url[hosts_from..])
}
