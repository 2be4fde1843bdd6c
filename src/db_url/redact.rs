//! Finding the password of a PostgreSQL URL in a text, and hiding it.

use std::ops::Range;

/// The schemes libpq reads as a connection URL.
pub(super) const SCHEMES: [&str; 2] = ["postgresql://", "postgres://"];

/// Whether `text` is a PostgreSQL URL (any case of the scheme).
pub fn is_postgres_url(text: &str) -> bool {
    let text = text.trim_start();
    SCHEMES.iter().any(|scheme| {
        text.get(..scheme.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(scheme))
    })
}

/// Whether a PostgreSQL URL anywhere in `text` carries a password: in its
/// user part (`user:password@`) or as a `password=` parameter.
pub fn holds_password(text: &str) -> bool {
    !password_spans(text).is_empty()
}

/// `text` with the password of every PostgreSQL URL in it replaced by `***`,
/// for a message that quotes it (a config file's line in a parse error).
pub fn redacted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut kept = 0;
    for span in password_spans(text) {
        out.push_str(&text[kept..span.start]);
        out.push_str("***");
        kept = span.end;
    }
    out.push_str(&text[kept..]);
    out
}

/// Where the passwords of the PostgreSQL URLs in `text` lie, in order.
pub(super) fn password_spans(text: &str) -> Vec<Range<usize>> {
    // The same byte offsets: only ASCII letters change.
    let lower = text.to_ascii_lowercase();
    let mut spans = Vec::new();
    let mut from = 0;
    while let Some(found) = lower[from..].find("postgres") {
        let start = from + found;
        from = start + "postgres".len();
        let rest = &lower[start..];
        let Some(scheme) = SCHEMES.iter().find(|s| rest.starts_with(**s)) else {
            continue;
        };
        // The URL runs to the first space or quote (in TOML, a string's end).
        let at = start + scheme.len();
        let url = &text[at..];
        let url = &url[..url
            .find(|c: char| c.is_whitespace() || c == '"' || c == '\'')
            .unwrap_or(url.len())];
        let shift = |r: Range<usize>| at + r.start..at + r.end;
        spans.extend(user_part_password(url).map(shift));
        spans.extend(parameter_passwords(url).into_iter().map(shift));
        from = at + url.len();
    }
    spans
}

/// As libpq reads it: a user part ends at the first `@`, if that comes
/// before any `/`; a password is what follows its first `:`.
fn user_part_password(url: &str) -> Option<Range<usize>> {
    let end = url.find(['@', '/'])?;
    if !url[end..].starts_with('@') {
        return None;
    }
    let colon = url[..end].find(':')?;
    (colon + 1 < end).then_some(colon + 1..end)
}

/// The values of `?password=…` and `&password=…`.
fn parameter_passwords(url: &str) -> Vec<Range<usize>> {
    let Some(question) = url.find('?') else {
        return Vec::new();
    };
    let mut spans = Vec::new();
    let mut offset = question + 1;
    for pair in url[question + 1..].split('&') {
        if let Some((key, value)) = pair.split_once('=') {
            if key.eq_ignore_ascii_case("password") && !value.is_empty() {
                let value_at = offset + key.len() + 1;
                spans.push(value_at..value_at + value.len());
            }
        }
        offset += pair.len() + 1;
    }
    spans
}

/// `text` with every one of `secrets` (that is not empty) replaced by `***`.
pub(super) fn scrub(text: &str, secrets: &[String]) -> String {
    let mut text = text.to_string();
    for secret in secrets {
        if !secret.is_empty() {
            text = text.replace(secret.as_str(), "***");
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_found_in_the_user_part_or_a_parameter() {
        for text in [
            "postgresql://user:secret@db.example.com/cases",
            "postgres://user:secret@localhost",
            "POSTGRESQL://u:p@h/db",
            "db = \"postgresql://ana:s3cr%40t@h:5432/cases?sslmode=require\"",
            "# old: postgres://:pw@h/db",
            "postgresql://ana@h/db?sslmode=require&password=x",
            "[a]\nurl = 'postgresql://u:p@h'\n",
        ] {
            assert!(holds_password(text), "{text}");
        }
    }

    #[test]
    fn a_url_without_a_password_is_not_flagged() {
        for text in [
            "postgresql://ana@h/db",
            "postgresql://ana:@h/db",
            "postgresql://h/db?user=ana",
            "postgresql:///cases",
            "postgresql://h/db/with:colon@later",
            "busy_timeout_ms = 5000",
            "postgres is a database; user:pw@host is not a URL",
            "",
        ] {
            assert!(!holds_password(text), "{text}");
        }
    }

    #[test]
    fn redacting_hides_every_password_and_keeps_the_rest() {
        assert_eq!(
            redacted("1 | db = \"postgresql://ana:s3cr%40t@h/db?sslmode=require&password=x\"\n"),
            "1 | db = \"postgresql://ana:***@h/db?sslmode=require&password=***\"\n"
        );
        assert_eq!(
            redacted("postgres://a:b@h and POSTGRES://c:d@h"),
            "postgres://a:***@h and POSTGRES://c:***@h"
        );
        assert_eq!(redacted("postgresql://ana@h/db"), "postgresql://ana@h/db");
    }

    #[test]
    fn the_scheme_is_recognised_in_any_case() {
        assert!(is_postgres_url("postgresql://h/db"));
        assert!(is_postgres_url("Postgres://h"));
        assert!(!is_postgres_url("cases.sqlite3"));
        assert!(!is_postgres_url("./postgresql://x"));
        assert!(!is_postgres_url("post"));
    }
}
