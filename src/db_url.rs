//! PostgreSQL URLs (`postgresql://user:password@host/db`): whether a text
//! holds one, whether that one carries a password, and the text with the
//! password hidden (`redact`); and `PgTarget`, a URL read as libpq reads it
//! (`url`, `target`, with PostgreSQL's environment and password file,
//! `passfile`) and connected to (`connect`, with TLS through rustls, `tls`).
//! No password is ever returned, shown or put in a message.

mod connect;
mod passfile;
mod redact;
mod target;
mod tls;
mod url;

pub use redact::{holds_password, is_postgres_url, redacted};
pub use target::{
    PgTarget, TlsMode, DEFAULT_APPLICATION_NAME, DEFAULT_CONNECT_TIMEOUT, DEFAULT_PORT,
    DEFAULT_SOCKET_DIR,
};
