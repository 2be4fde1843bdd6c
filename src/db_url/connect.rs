//! Connecting to a `PgTarget`: each host in turn, TLS as sslmode says, every
//! attempt given up on after the connect timeout.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use postgres::config::SslMode;
use postgres::tls::{MakeTlsConnect, TlsConnect};
use postgres::Socket;
use tokio_postgres_rustls::MakeRustlsConnect;

use super::redact::scrub;
use super::target::{Endpoint, Host, PgTarget, TlsMode};
use super::tls::{self, Verify};

impl PgTarget {
    /// Connects: each host in turn, each attempt failing within the connect
    /// timeout. The message of a failure names each host (and its port or
    /// socket) and why it failed, never the password.
    ///
    /// TLS follows `sslmode` as libpq does: `require` encrypts without
    /// checking the certificate (or checks it against `sslrootcert` when
    /// that is given); `verify-ca` checks it against webpki-roots and
    /// `sslrootcert`; `verify-full` also checks that it names the host;
    /// `prefer` tries TLS then plain, `allow` plain then TLS; `disable` and
    /// a Unix socket are plain.
    pub fn connect(&self) -> Result<postgres::Client, String> {
        let mut failures = Vec::new();
        for endpoint in &self.endpoints {
            match self.connect_to(endpoint) {
                Ok(client) => return Ok(client),
                Err(why) => failures.push(format!("{}: {why}", endpoint.describe())),
            }
        }
        let message = format!("could not connect to PostgreSQL {}", failures.join("; "));
        let secrets: Vec<String> = self
            .endpoints
            .iter()
            .filter_map(|e| e.password.as_ref().map(|p| p.0.clone()))
            .collect();
        Err(scrub(&message, &secrets))
    }

    /// One endpoint, with TLS as the mode says.
    fn connect_to(&self, endpoint: &Endpoint) -> Result<postgres::Client, String> {
        let mode = match endpoint.host {
            // libpq never asks for TLS over a Unix socket.
            Host::Socket(_) => TlsMode::Disable,
            Host::Tcp(_) => self.tls,
        };
        let unverified = || {
            if self.root_cert.is_some() {
                Verify::Authority
            } else {
                Verify::Nothing
            }
        };
        match mode {
            TlsMode::Disable => self.attempt(endpoint, None).map_err(|f| f.text),
            TlsMode::Allow => match self.attempt(endpoint, None) {
                // The server refused a plain connection: try TLS.
                Err(plain) if plain.refused => self
                    .attempt(endpoint, Some((SslMode::Require, unverified())))
                    .map_err(|tls| format!("{}; then with TLS: {}", plain.text, tls.text)),
                other => other.map_err(|f| f.text),
            },
            TlsMode::Prefer => {
                match self.attempt(endpoint, Some((SslMode::Prefer, unverified()))) {
                    // The TLS handshake failed: try plain.
                    Err(tls) if tls.in_handshake => self
                        .attempt(endpoint, None)
                        .map_err(|plain| format!("{}; then without TLS: {}", tls.text, plain.text)),
                    other => other.map_err(|f| f.text),
                }
            }
            TlsMode::Require => self
                .attempt(endpoint, Some((SslMode::Require, unverified())))
                .map_err(|f| f.text),
            TlsMode::VerifyCa => self
                .attempt(endpoint, Some((SslMode::Require, Verify::Authority)))
                .map_err(|f| f.text),
            TlsMode::VerifyFull => self
                .attempt(endpoint, Some((SslMode::Require, Verify::AuthorityAndName)))
                .map_err(|f| f.text),
        }
    }

    /// One connection attempt, plain (`tls` None) or with TLS, given up
    /// after the connect timeout whatever it is waiting for (the name's
    /// look-up, the socket, the handshake, the server's answer).
    fn attempt(
        &self,
        endpoint: &Endpoint,
        tls: Option<(SslMode, Verify)>,
    ) -> Result<postgres::Client, Failure> {
        let mut config = self.base.clone();
        match &endpoint.host {
            Host::Tcp(name) => {
                config.host(name);
            }
            #[cfg(unix)]
            Host::Socket(dir) => {
                config.host_path(dir);
            }
            #[cfg(not(unix))]
            Host::Socket(_) => {
                return Err(Failure::other(
                    "Unix sockets are not available on this system",
                ))
            }
        }
        config.port(endpoint.port);
        if let Some(password) = &endpoint.password {
            config.password(password.0.as_bytes());
        }
        if let Some(timeout) = self.connect_timeout {
            config.connect_timeout(timeout);
        }
        let handshake = Arc::new(AtomicBool::new(false));
        let (sender, receiver) = mpsc::channel();
        let spawned = match tls {
            None => {
                config.ssl_mode(SslMode::Disable);
                std::thread::Builder::new()
                    .name("pg-connect".into())
                    .spawn(move || {
                        let _ = sender.send(config.connect(postgres::NoTls));
                    })
            }
            Some((mode, verify)) => {
                config.ssl_mode(mode);
                let tls = Handshake {
                    inner: MakeRustlsConnect::new(
                        tls::client_config(verify, self.root_cert.as_deref())
                            .map_err(|e| Failure::other(&e))?,
                    ),
                    started: Arc::clone(&handshake),
                };
                std::thread::Builder::new()
                    .name("pg-connect".into())
                    .spawn(move || {
                        let _ = sender.send(config.connect(tls));
                    })
            }
        };
        spawned.map_err(|e| Failure::other(&format!("could not start a thread: {e}")))?;
        let outcome = match self.connect_timeout {
            // A moment beyond the timeout, so that the client's own message
            // (which says what it was waiting for) comes first when it can.
            Some(timeout) => receiver.recv_timeout(timeout + Duration::from_millis(250)),
            None => receiver
                .recv()
                .map_err(|_| mpsc::RecvTimeoutError::Disconnected),
        };
        // A thread given up on ends when its own attempt does (at once for a
        // connect that timed out; for a server that took the connection
        // but never answers, when that server closes it); a client it may
        // still make is dropped, closing the connection.
        match outcome {
            Ok(Ok(client)) => Ok(client),
            Ok(Err(error)) => Err(Failure {
                text: self.explain(&error, endpoint),
                refused: error.as_db_error().is_some(),
                in_handshake: handshake.load(Ordering::SeqCst) && error.as_db_error().is_none(),
            }),
            Err(mpsc::RecvTimeoutError::Timeout) => Err(Failure::other(&self.no_answer())),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(Failure::other(
                "the connection attempt ended without an answer",
            )),
        }
    }

    /// "no answer within N s".
    fn no_answer(&self) -> String {
        match self.connect_timeout {
            Some(timeout) => format!("no answer within {} s (connect_timeout)", timeout.as_secs()),
            None => "no answer".to_string(),
        }
    }

    /// The client's error as a message: the server's own words when it
    /// answered, else what failed on the way.
    fn explain(&self, error: &postgres::Error, endpoint: &Endpoint) -> String {
        if let Some(db) = error.as_db_error() {
            let mut text = format!("{}: {}", db.severity(), db.message());
            if let Some(hint) = db.hint() {
                text.push_str(&format!(" ({hint})"));
            }
            return text;
        }
        let io = std::error::Error::source(error)
            .and_then(|source| source.downcast_ref::<std::io::Error>());
        if let Some(io) = io {
            use std::io::ErrorKind;
            match io.kind() {
                ErrorKind::TimedOut => return self.no_answer(),
                ErrorKind::NotFound | ErrorKind::ConnectionRefused => {
                    let running = match endpoint.host {
                        Host::Socket(_) => {
                            "is the server running there, with its socket in that directory?"
                        }
                        Host::Tcp(_) => {
                            "is the server running there and accepting TCP connections?"
                        }
                    };
                    return format!("{io}; {running}");
                }
                _ => {}
            }
        }
        // The client's words, then the causes it names.
        let mut text = error.to_string();
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            text.push_str(&format!(": {cause}"));
            source = cause.source();
        }
        if text == "invalid configuration: password missing" {
            return "the server asks for a password and none was given (in the URL, PGPASSWORD or ~/.pgpass)".to_string();
        }
        text
    }
}

/// A failed attempt: its message, whether the server itself refused it, and
/// whether it failed in (or after) the TLS handshake without the server's
/// word.
struct Failure {
    text: String,
    refused: bool,
    in_handshake: bool,
}

impl Failure {
    fn other(text: &str) -> Failure {
        Failure {
            text: text.to_string(),
            refused: false,
            in_handshake: false,
        }
    }
}

/// `MakeRustlsConnect`, noting when a TLS handshake begins (the server said
/// yes to TLS), so that `prefer` knows to try plain after a failed one.
struct Handshake {
    inner: MakeRustlsConnect,
    started: Arc<AtomicBool>,
}

type RustlsConnect = <MakeRustlsConnect as MakeTlsConnect<Socket>>::TlsConnect;

struct HandshakeConnect {
    inner: RustlsConnect,
    started: Arc<AtomicBool>,
}

impl MakeTlsConnect<Socket> for Handshake {
    type Stream = <MakeRustlsConnect as MakeTlsConnect<Socket>>::Stream;
    type TlsConnect = HandshakeConnect;
    type Error = <MakeRustlsConnect as MakeTlsConnect<Socket>>::Error;

    fn make_tls_connect(&mut self, domain: &str) -> Result<HandshakeConnect, Self::Error> {
        Ok(HandshakeConnect {
            inner: MakeTlsConnect::<Socket>::make_tls_connect(&mut self.inner, domain)?,
            started: Arc::clone(&self.started),
        })
    }
}

impl TlsConnect<Socket> for HandshakeConnect {
    type Stream = <RustlsConnect as TlsConnect<Socket>>::Stream;
    type Error = <RustlsConnect as TlsConnect<Socket>>::Error;
    type Future = <RustlsConnect as TlsConnect<Socket>>::Future;

    fn connect(self, stream: Socket) -> Self::Future {
        self.started.store(true, Ordering::SeqCst);
        self.inner.connect(stream)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_socket_fails_at_once_naming_it() {
        let t = PgTarget::parse("postgresql://u@/db?host=/tmp/nowhere-casebook-test&port=5499")
            .unwrap();
        let started = std::time::Instant::now();
        let err = t.connect().map(|_| ()).unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        assert!(
            err.contains("on socket \"/tmp/nowhere-casebook-test/.s.PGSQL.5499\""),
            "{err}"
        );
    }
}
