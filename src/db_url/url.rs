//! A PostgreSQL URL's parts, as libpq reads them, and percent-encoding.

use std::collections::HashMap;

use super::redact::{password_spans, SCHEMES};

/// The URL parameters casebook reads, as libpq names them.
pub(super) const PARAMETERS: [&str; 14] = [
    "host",
    "port",
    "user",
    "password",
    "dbname",
    "sslmode",
    "sslrootcert",
    "connect_timeout",
    "application_name",
    "fallback_application_name",
    "options",
    "passfile",
    "target_session_attrs",
    "ssl",
];

/// The passwords a URL holds, as written and percent-decoded.
pub(super) fn url_passwords(url: &str) -> Vec<String> {
    let mut found = Vec::new();
    for span in password_spans(url) {
        let raw = &url[span];
        found.push(raw.to_string());
        if let Ok(decoded) = percent_decode(raw) {
            found.push(decoded);
        }
    }
    found
}

/// Decodes `%XX`; `+` stays itself, as in libpq.
fn percent_decode(text: &str) -> Result<String, ()> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3).ok_or(())?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| ())?);
            if out.last() == Some(&0) {
                return Err(());
            }
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| ())
}

/// `text` percent-encoded but for unreserved characters and those of `keep`.
pub(super) fn percent_encode(text: &str, keep: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        let c = byte as char;
        if c.is_ascii_alphanumeric() || "-._~".contains(c) || (byte < 0x80 && keep.contains(c)) {
            out.push(c);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A URL's parts as libpq keywords: `user`, `password`, `host`, `port`,
/// `dbname` from the URL's body, then its query parameters (which override
/// them). Hosts and ports are comma-separated lists, as in libpq.
pub(super) fn parse_url(url: &str) -> Result<HashMap<String, String>, String> {
    let url = url.trim();
    let scheme = SCHEMES
        .iter()
        .find(|scheme| {
            url.get(..scheme.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(scheme))
        })
        .ok_or("a PostgreSQL URL starts with postgresql:// or postgres://")?;
    let rest = &url[scheme.len()..];
    let (body, query) = match rest.split_once('?') {
        Some((body, query)) => (body, Some(query)),
        None => (rest, None),
    };
    let decode = |text: &str, what: &str| {
        percent_decode(text).map_err(|()| format!("the URL's {what} has an invalid %-escape"))
    };
    let mut params = HashMap::new();

    // user[:password]@, if an `@` comes before any `/`.
    let mut hostspec = body;
    if let Some(end) = body
        .find(['@', '/'])
        .filter(|&end| body[end..].starts_with('@'))
    {
        let userspec = &body[..end];
        hostspec = &body[end + 1..];
        let (user, password) = match userspec.split_once(':') {
            Some((user, password)) => (user, Some(password)),
            None => (userspec, None),
        };
        if !user.is_empty() {
            params.insert("user".to_string(), decode(user, "user name")?);
        }
        if let Some(password) = password.filter(|p| !p.is_empty()) {
            params.insert("password".to_string(), decode(password, "password")?);
        }
    }

    // host[:port][,host[:port]…][/dbname]
    let (hostlist, dbname) = match hostspec.split_once('/') {
        Some((hosts, dbname)) => (hosts, Some(dbname)),
        None => (hostspec, None),
    };
    if !hostlist.is_empty() {
        let mut hosts = Vec::new();
        let mut ports = Vec::new();
        for item in hostlist.split(',') {
            let (host, port) = if let Some(inner) = item.strip_prefix('[') {
                let (host, after) = inner
                    .split_once(']')
                    .ok_or("the URL's IPv6 host lacks its closing ]")?;
                match after {
                    "" => (host, ""),
                    _ => (
                        host,
                        after.strip_prefix(':').ok_or(
                            "the URL's IPv6 host is followed by something other than :port",
                        )?,
                    ),
                }
            } else {
                item.split_once(':').unwrap_or((item, ""))
            };
            hosts.push(decode(host, "host")?);
            ports.push(decode(port, "port")?);
        }
        if hosts.iter().any(|h| !h.is_empty()) {
            params.insert("host".to_string(), hosts.join(","));
        }
        if ports.iter().any(|p| !p.is_empty()) {
            params.insert("port".to_string(), ports.join(","));
        }
    }
    if let Some(dbname) = dbname.filter(|d| !d.is_empty()) {
        params.insert("dbname".to_string(), decode(dbname, "database name")?);
    }

    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair
            .split_once('=')
            .ok_or("a parameter of the URL lacks its = (write key=value, joined by &)")?;
        let key = decode(key, "parameter name")?;
        let value = decode(value, "parameter value")?;
        if !PARAMETERS.contains(&key.as_str()) {
            return Err(format!(
                "the URL's parameter \"{}\" is not one casebook reads ({})",
                key.escape_debug(),
                PARAMETERS[..PARAMETERS.len() - 1].join(", ")
            ));
        }
        if key == "ssl" {
            // libpq's old spelling: ssl=true is sslmode=require.
            if value != "true" {
                return Err("the URL's parameter ssl takes only the value true".to_string());
            }
            params.insert("sslmode".to_string(), "require".to_string());
        } else {
            params.insert(key, value);
        }
    }
    Ok(params)
}
