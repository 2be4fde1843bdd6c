//! `PgTarget` against a real server (the throwaway cluster of CASEBOOK_PG,
//! skipped without it), and the failures that need none: a socket that is
//! not there, a TCP host that never answers, a password in the URL.
#![allow(clippy::unwrap_used)]

mod common;

use casebook::db_url::PgTarget;
use common::pg;
use std::time::{Duration, Instant};

const SECRET: &str = "Pw-n0t-f0r-y0ur-eyes";

fn connect_error(url: &str) -> (String, Duration) {
    let target = PgTarget::parse(url).unwrap();
    let started = Instant::now();
    let err = match target.connect() {
        Ok(_) => panic!("{} connected", target.shown()),
        Err(err) => err,
    };
    (err, started.elapsed())
}

#[test]
fn connects_over_the_socket_and_runs_a_query() {
    let Some(url) = pg::server() else { return };
    let target = PgTarget::parse(&url).unwrap();
    let mut client = target.connect().unwrap();
    let one: i32 = client.query_one("SELECT 1", &[]).unwrap().get(0);
    assert_eq!(one, 1);
    let row = client
        .query_one(
            "SELECT current_setting('application_name'), current_user, \
             (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid())",
            &[],
        )
        .unwrap();
    let (app, user, tls): (String, String, bool) = (row.get(0), row.get(1), row.get(2));
    assert_eq!(app, "casebook");
    assert_eq!(user, target.user());
    assert!(!tls, "a Unix socket is never TLS");
}

#[test]
fn a_fresh_database_is_new_and_empty() {
    let Some(first) = pg::fresh_database("pg connect") else {
        return;
    };
    let second = pg::fresh_database("pg connect").unwrap();
    assert_ne!(first, second);
    for url in [first, second] {
        let target = PgTarget::parse(&url).unwrap();
        let mut client = target.connect().unwrap();
        let row = client
            .query_one(
                "SELECT current_database(), \
                 (SELECT count(*) FROM pg_tables WHERE schemaname = 'public')",
                &[],
            )
            .unwrap();
        let (name, tables): (String, i64) = (row.get(0), row.get(1));
        assert_eq!(name, target.dbname());
        assert!(name.starts_with("cb_pg_connect_"), "{name}");
        assert_eq!(tables, 0);
    }
}

#[test]
fn sslmode_require_on_a_socket_connects_plain_as_libpq() {
    let Some(url) = pg::server() else { return };
    let sep = if url.contains('?') { '&' } else { '?' };
    for mode in ["require", "verify-full", "disable", "allow"] {
        let target = PgTarget::parse(&format!("{url}{sep}sslmode={mode}")).unwrap();
        let mut client = target.connect().unwrap();
        let one: i32 = client.query_one("SELECT 1", &[]).unwrap().get(0);
        assert_eq!(one, 1, "{mode}");
    }
}

#[test]
fn a_wrong_socket_directory_fails_quickly_naming_it() {
    // Beside the cluster's own folder when there is one.
    let dir = match pg::server() {
        Some(url) => {
            let dir = url
                .split("host=")
                .nth(1)
                .unwrap_or("/tmp")
                .split('&')
                .next()
                .unwrap();
            format!("{dir}-not-there")
        }
        None => "/tmp/casebook-pg-not-there".to_string(),
    };
    let (err, took) = connect_error(&format!("postgresql://postgres@/postgres?host={dir}"));
    assert!(took < Duration::from_secs(1), "{took:?}: {err}");
    assert!(
        err.contains(&format!("on socket \"{dir}/.s.PGSQL.5432\"")),
        "{err}"
    );
}

#[test]
fn a_tcp_host_that_never_answers_fails_within_the_timeout_naming_it() {
    // 10.255.255.1: a private address that nothing routes to. The packets
    // vanish (the timeout), or the network refuses at once, or a proxy in
    // between answers something that is not PostgreSQL: each fails in time.
    let (err, took) = connect_error("postgresql://casebook@10.255.255.1/db?connect_timeout=2");
    assert!(took < Duration::from_secs(3), "{took:?}: {err}");
    assert!(err.contains("at host \"10.255.255.1\", port 5432"), "{err}");
    eprintln!("{took:?}: {err}");
}

#[test]
fn a_server_that_accepts_but_never_answers_is_given_up_on_in_time() {
    // A listening socket that nobody accepts from: the kernel completes the
    // TCP handshake, then nothing ever answers the startup message.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let (err, took) = connect_error(&format!(
        "postgresql://casebook:{SECRET}@127.0.0.1:{port}/db?connect_timeout=2&sslmode=disable"
    ));
    assert!(took >= Duration::from_secs(2), "{took:?}: {err}");
    assert!(took < Duration::from_secs(3), "{took:?}: {err}");
    assert!(
        err.contains(&format!(
            "at host \"127.0.0.1\", port {port}: no answer within 2 s"
        )),
        "{err}"
    );
    assert!(!err.contains(SECRET), "{err}");
    // The same with TLS asked for: the server never says yes or no.
    let (err, took) = connect_error(&format!(
        "postgresql://casebook@127.0.0.1:{port}/db?connect_timeout=2&sslmode=require"
    ));
    assert!(took < Duration::from_secs(3), "{took:?}: {err}");
    assert!(err.contains("no answer within 2 s"), "{err}");
}

#[test]
fn a_password_in_the_url_never_appears_in_an_error() {
    // No server at all.
    for url in [
        format!("postgresql://ana:{SECRET}@/db?host=/tmp/casebook-pg-not-there"),
        format!("postgresql://ana@/db?host=/tmp/casebook-pg-not-there&password={SECRET}"),
        format!("postgresql://ana:{SECRET}@10.255.255.1:5433/db?connect_timeout=2"),
    ] {
        let (err, _) = connect_error(&url);
        assert!(!err.contains(SECRET), "{err}");
        let target = PgTarget::parse(&url).unwrap();
        assert!(!target.shown().contains(SECRET));
        assert!(!format!("{target:?}").contains(SECRET));
    }
    // The server refuses: a role that does not exist.
    let Some(url) = pg::server() else { return };
    let url = pg::with_userinfo(&url, &format!("nobody_here:{SECRET}"));
    let (err, _) = connect_error(&url);
    assert!(!err.contains(SECRET), "{err}");
    assert!(err.contains("nobody_here"), "{err}");
    assert!(err.contains("on socket"), "{err}");
}

#[test]
fn a_password_the_server_does_not_ask_for_is_harmless() {
    // The throwaway cluster trusts its socket: the password goes unasked.
    let Some(url) = pg::server() else { return };
    let url = pg::with_userinfo(&url, &format!("postgres:{SECRET}"));
    let target = PgTarget::parse(&url).unwrap();
    assert!(!target.shown().contains(SECRET));
    let mut client = target.connect().unwrap();
    let one: i32 = client.query_one("SELECT 1", &[]).unwrap().get(0);
    assert_eq!(one, 1);
}

#[test]
fn url_helpers_swap_the_database_and_the_user() {
    let url = "postgresql://postgres@/postgres?host=/tmp/x";
    assert_eq!(
        pg::with_dbname(url, "cb_1"),
        "postgresql://postgres@/cb_1?host=/tmp/x"
    );
    assert_eq!(
        pg::with_dbname("postgresql://h?dbname=a&port=1", "b"),
        "postgresql://h/b?port=1"
    );
    assert_eq!(
        pg::with_userinfo(url, "u:p"),
        "postgresql://u:p@/postgres?host=/tmp/x"
    );
    assert_eq!(
        pg::with_userinfo("postgresql:///db", "u"),
        "postgresql://u@/db"
    );
}
