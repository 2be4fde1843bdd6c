//! `PgTarget`: a PostgreSQL URL completed by PostgreSQL's environment, the
//! password file and libpq's defaults, as psql would read it.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::passfile::{default_passfile, passfile_password, read_passfile};
use super::redact::scrub;
use super::url::{parse_url, percent_encode, url_passwords};

/// Where libpq looks for the server's socket when no host is given (the
/// Debian and Ubuntu packages' `DEFAULT_PGSOCKET_DIR`).
pub const DEFAULT_SOCKET_DIR: &str = "/var/run/postgresql";

/// The port when none is given.
pub const DEFAULT_PORT: u16 = 5432;

/// The connect timeout when neither the URL nor `PGCONNECT_TIMEOUT` gives one.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The `application_name` the server sees when none is given.
pub const DEFAULT_APPLICATION_NAME: &str = "casebook";

/// What is read from the environment where the URL leaves a parameter out,
/// as libpq does.
const ENVIRONMENT: [(&str, &str); 11] = [
    ("host", "PGHOST"),
    ("port", "PGPORT"),
    ("user", "PGUSER"),
    ("password", "PGPASSWORD"),
    ("dbname", "PGDATABASE"),
    ("sslmode", "PGSSLMODE"),
    ("sslrootcert", "PGSSLROOTCERT"),
    ("connect_timeout", "PGCONNECT_TIMEOUT"),
    ("application_name", "PGAPPNAME"),
    ("passfile", "PGPASSFILE"),
    ("target_session_attrs", "PGTARGETSESSIONATTRS"),
];

/// libpq's `sslmode`: whether and how a TCP connection uses TLS. A
/// connection over a Unix socket never does, whatever the mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsMode {
    /// Never.
    Disable,
    /// Plain first; TLS if the server refuses the plain connection.
    Allow,
    /// TLS when the server offers it, else plain (libpq's default).
    Prefer,
    /// TLS or nothing; the certificate is not checked (unless a root
    /// certificate file is given, as libpq does).
    Require,
    /// TLS with a certificate signed by a trusted authority.
    VerifyCa,
    /// As `VerifyCa`, and the certificate names the host.
    VerifyFull,
}

impl TlsMode {
    fn parse(text: &str) -> Result<TlsMode, String> {
        Ok(match text {
            "disable" => TlsMode::Disable,
            "allow" => TlsMode::Allow,
            "prefer" => TlsMode::Prefer,
            "require" => TlsMode::Require,
            "verify-ca" => TlsMode::VerifyCa,
            "verify-full" => TlsMode::VerifyFull,
            _ => {
                return Err(format!(
                    "sslmode \"{}\" is not one of disable, allow, prefer, require, verify-ca, verify-full",
                    text.escape_debug()
                ))
            }
        })
    }

    /// The mode as libpq spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            TlsMode::Disable => "disable",
            TlsMode::Allow => "allow",
            TlsMode::Prefer => "prefer",
            TlsMode::Require => "require",
            TlsMode::VerifyCa => "verify-ca",
            TlsMode::VerifyFull => "verify-full",
        }
    }
}

/// A password, which no `Debug` prints.
#[derive(Clone, PartialEq, Eq)]
pub(super) struct Secret(pub(super) String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"***\"")
    }
}

/// One server address of the URL (libpq takes a comma-separated list and
/// tries each in turn), with the password that goes to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Endpoint {
    pub(super) host: Host,
    pub(super) port: u16,
    pub(super) password: Option<Secret>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Host {
    /// A host name or IP address.
    Tcp(String),
    /// The directory holding the server's socket, `.s.PGSQL.<port>`.
    Socket(PathBuf),
}

impl Endpoint {
    /// The endpoint as a message names it, after libpq's wording.
    pub(super) fn describe(&self) -> String {
        match &self.host {
            Host::Tcp(name) => format!("at host \"{}\", port {}", name.escape_debug(), self.port),
            Host::Socket(dir) => format!(
                "on socket \"{}\"",
                dir.join(format!(".s.PGSQL.{}", self.port))
                    .display()
                    .to_string()
                    .escape_debug()
            ),
        }
    }
}

/// A PostgreSQL server and database to connect to: a `postgresql://` URL
/// completed by PostgreSQL's environment and password file, as `psql` would
/// read it. Neither `Debug`, `shown()` nor any error message holds the
/// password.
#[derive(Clone)]
pub struct PgTarget {
    /// Everything but the host, port, password and TLS, which each attempt
    /// sets for its endpoint.
    pub(super) base: postgres::Config,
    pub(super) endpoints: Vec<Endpoint>,
    user: String,
    dbname: String,
    application_name: String,
    pub(super) tls: TlsMode,
    /// A PEM file of trusted certificates besides webpki-roots.
    pub(super) root_cert: Option<PathBuf>,
    /// `None`: wait as long as it takes (`connect_timeout=0`, as libpq).
    pub(super) connect_timeout: Option<Duration>,
    /// Where the password came from (`URL`, `PGPASSWORD`, the password file).
    password_source: Option<String>,
    shown: String,
}

impl fmt::Debug for PgTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgTarget")
            .field("shown", &self.shown)
            .field("endpoints", &self.endpoints)
            .field("user", &self.user)
            .field("dbname", &self.dbname)
            .field("application_name", &self.application_name)
            .field("sslmode", &self.tls.as_str())
            .field("root_cert", &self.root_cert)
            .field("connect_timeout", &self.connect_timeout)
            .field("password_source", &self.password_source)
            .finish_non_exhaustive()
    }
}

/// The outside world that `PgTarget::parse` reads, so that tests can give
/// their own.
struct Surroundings<'a> {
    /// An environment variable (`HOME` included).
    var: &'a dyn Fn(&str) -> Option<String>,
    /// The operating-system user, libpq's default user name.
    os_user: &'a dyn Fn() -> Option<String>,
}

impl PgTarget {
    /// Parses `postgresql://` or `postgres://` URLs as libpq does: user,
    /// password, host or a socket directory as `?host=/path` (also
    /// `%2F`-encoded host), port, dbname, and the parameters `sslmode`,
    /// `sslrootcert`, `connect_timeout` (seconds; 5 when absent),
    /// `application_name` ("casebook" when absent), `options`, `passfile`,
    /// `target_session_attrs`. Where the URL lacks them, PostgreSQL's
    /// environment applies as in psql (PGHOST, PGPORT, PGUSER, PGDATABASE,
    /// PGPASSWORD, PGSSLMODE, PGSSLROOTCERT, PGCONNECT_TIMEOUT, PGAPPNAME,
    /// PGPASSFILE), then the password file (PGPASSFILE or `~/.pgpass`,
    /// ignored with a warning on stderr when others may read it), then
    /// libpq's defaults: the socket in /var/run/postgresql, port 5432, the
    /// operating-system user, a database named as the user.
    pub fn parse(url: &str) -> Result<PgTarget, String> {
        let var = |name: &str| -> Option<String> {
            std::env::var(name).ok().or_else(|| {
                (name == "HOME")
                    .then(directories::BaseDirs::new)
                    .flatten()
                    .map(|dirs| dirs.home_dir().to_string_lossy().into_owned())
            })
        };
        let surroundings = Surroundings {
            var: &var,
            os_user: &os_user,
        };
        let (target, warnings) = PgTarget::parse_in(url, &surroundings)?;
        for warning in warnings {
            eprintln!("{warning}");
        }
        Ok(target)
    }

    /// `parse` in the given surroundings: the target and the warnings to print.
    fn parse_in(url: &str, s: &Surroundings) -> Result<(PgTarget, Vec<String>), String> {
        // Whatever went wrong, the message keeps no password of the URL's
        // or of the environment's.
        let mut secrets = url_passwords(url);
        secrets.extend((s.var)("PGPASSWORD"));
        PgTarget::read(url, s).map_err(|message| scrub(&message, &secrets))
    }

    fn read(url: &str, s: &Surroundings) -> Result<(PgTarget, Vec<String>), String> {
        let mut params = parse_url(url)?;
        let mut warnings = Vec::new();
        let password_in_url = params.get("password").is_some_and(|p| !p.is_empty());
        for (key, variable) in ENVIRONMENT {
            if !params.contains_key(key) {
                if let Some(value) = (s.var)(variable) {
                    params.insert(key.to_string(), value);
                }
            }
        }
        let param = |key: &str| {
            params
                .get(key)
                .map(String::as_str)
                .filter(|v| !v.is_empty())
        };

        let user = match param("user") {
            Some(user) => user.to_string(),
            None => (s.os_user)().ok_or(
                "no user name: the URL names none, PGUSER is not set, and the operating system's user could not be found",
            )?,
        };
        let dbname = param("dbname").unwrap_or(&user).to_string();
        let application_name = param("application_name")
            .or(param("fallback_application_name"))
            .unwrap_or(DEFAULT_APPLICATION_NAME)
            .to_string();
        let tls = match param("sslmode") {
            Some(mode) => TlsMode::parse(mode)?,
            None => TlsMode::Prefer,
        };
        let connect_timeout = match param("connect_timeout") {
            None => Some(DEFAULT_CONNECT_TIMEOUT),
            Some(text) => {
                let seconds: i64 = text.trim().parse().map_err(|_| {
                    format!(
                        "connect_timeout \"{}\" is not a whole number of seconds",
                        text.escape_debug()
                    )
                })?;
                // As libpq: zero or less waits as long as it takes, and the
                // shortest wait is two seconds.
                (seconds > 0).then(|| Duration::from_secs(seconds.max(2).unsigned_abs()))
            }
        };

        // Hosts and ports, as comma-separated lists.
        let hosts: Vec<&str> = match param("host") {
            Some(list) => list.split(',').map(str::trim).collect(),
            None => vec![""],
        };
        let ports: Vec<u16> = match param("port") {
            Some(list) => list
                .split(',')
                .map(|p| parse_port(p.trim()))
                .collect::<Result<_, _>>()?,
            None => vec![DEFAULT_PORT],
        };
        if ports.len() != 1 && ports.len() != hosts.len() {
            return Err(format!(
                "the URL gives {} ports for {} hosts (give one port, or one for each host)",
                ports.len(),
                hosts.len()
            ));
        }
        let mut endpoints = Vec::with_capacity(hosts.len());
        for (i, host) in hosts.iter().enumerate() {
            let host = if host.is_empty() {
                default_host()
            } else if host.starts_with('/') {
                Host::Socket(PathBuf::from(host))
            } else {
                Host::Tcp(host.to_string())
            };
            #[cfg(not(unix))]
            if matches!(host, Host::Socket(_)) {
                return Err("Unix sockets are not available on this system".to_string());
            }
            let port = if ports.len() == 1 { ports[0] } else { ports[i] };
            endpoints.push(Endpoint {
                host,
                port,
                password: None,
            });
        }

        // The password: the URL's or PGPASSWORD, else the password file's.
        let mut password_source = None;
        if let Some(password) = param("password") {
            for endpoint in &mut endpoints {
                endpoint.password = Some(Secret(password.to_string()));
            }
            password_source = Some(if password_in_url { "URL" } else { "PGPASSWORD" }.to_string());
        } else if let Some(path) = param("passfile")
            .map(PathBuf::from)
            .or_else(|| default_passfile(s.var))
        {
            if let Some(text) = read_passfile(&path, &mut warnings) {
                for endpoint in &mut endpoints {
                    let host = match &endpoint.host {
                        Host::Tcp(name) => name.clone(),
                        // libpq matches the default socket directory as
                        // `localhost`, any other by its path.
                        Host::Socket(dir) if dir == Path::new(DEFAULT_SOCKET_DIR) => {
                            "localhost".to_string()
                        }
                        Host::Socket(dir) => dir.to_string_lossy().into_owned(),
                    };
                    let port = endpoint.port.to_string();
                    if let Some(password) = passfile_password(&text, &host, &port, &dbname, &user) {
                        endpoint.password = Some(Secret(password));
                        password_source = Some(format!("password file {}", path.display()));
                    }
                }
            }
        }

        // Trusted certificates besides webpki-roots: sslrootcert, else
        // libpq's ~/.postgresql/root.crt when it exists. `system` means
        // the usual authorities alone.
        let root_cert = match param("sslrootcert") {
            Some("system") => None,
            Some(path) => Some(PathBuf::from(path)),
            None => (s.var)("HOME")
                .map(|home| Path::new(&home).join(".postgresql").join("root.crt"))
                .filter(|path| path.is_file()),
        };

        let mut base = postgres::Config::new();
        base.user(&user)
            .dbname(&dbname)
            .application_name(&application_name);
        if let Some(options) = param("options") {
            base.options(options);
        }
        match param("target_session_attrs") {
            None | Some("any") => {}
            Some("read-write") => {
                base.target_session_attrs(postgres::config::TargetSessionAttrs::ReadWrite);
            }
            Some("read-only") => {
                base.target_session_attrs(postgres::config::TargetSessionAttrs::ReadOnly);
            }
            Some(other) => {
                return Err(format!(
                    "target_session_attrs \"{}\" is not one of any, read-write, read-only",
                    other.escape_debug()
                ))
            }
        }

        let shown = shown_url(&user, &endpoints, &dbname);
        Ok((
            PgTarget {
                base,
                endpoints,
                user,
                dbname,
                application_name,
                tls,
                root_cert,
                connect_timeout,
                password_source,
                shown,
            },
            warnings,
        ))
    }

    /// The URL as users may see it (the app's header, messages): the user,
    /// the hosts or socket directories, the port where not 5432, the
    /// database. Never the password.
    pub fn shown(&self) -> String {
        self.shown.clone()
    }

    /// The role that connects.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The database connected to.
    pub fn dbname(&self) -> &str {
        &self.dbname
    }

    /// The sslmode in force.
    pub fn tls_mode(&self) -> TlsMode {
        self.tls
    }

    /// How long one connection attempt may take; `None` when the URL asks
    /// to wait as long as it takes (`connect_timeout=0`).
    pub fn connect_timeout(&self) -> Option<Duration> {
        self.connect_timeout
    }
}

/// The host when none is given: the default socket directory (on Unix).
fn default_host() -> Host {
    if cfg!(unix) {
        Host::Socket(PathBuf::from(DEFAULT_SOCKET_DIR))
    } else {
        Host::Tcp("localhost".to_string())
    }
}

fn parse_port(text: &str) -> Result<u16, String> {
    if text.is_empty() {
        return Ok(DEFAULT_PORT);
    }
    text.parse::<u16>()
        .ok()
        .filter(|port| *port > 0)
        .ok_or_else(|| format!("port \"{}\" is not a port number", text.escape_debug()))
}

/// The operating-system user that runs casebook (libpq's default user).
fn os_user() -> Option<String> {
    crate::os_user::effective_account()
}

/// The URL shown to users: `postgresql://user@host:port/db`, or for Unix
/// sockets `postgresql://user@/db?host=/dir`. No password.
fn shown_url(user: &str, endpoints: &[Endpoint], dbname: &str) -> String {
    let user = percent_encode(user, "");
    let dbname = percent_encode(dbname, "");
    let any_socket = endpoints.iter().any(|e| matches!(e.host, Host::Socket(_)));
    if any_socket {
        let hosts: Vec<String> = endpoints
            .iter()
            .map(|e| match &e.host {
                Host::Tcp(name) => percent_encode(name, ":"),
                Host::Socket(dir) => percent_encode(&dir.to_string_lossy(), "/"),
            })
            .collect();
        let mut shown = format!("postgresql://{user}@/{dbname}?host={}", hosts.join(","));
        if endpoints.iter().any(|e| e.port != DEFAULT_PORT) {
            let ports: Vec<String> = endpoints.iter().map(|e| e.port.to_string()).collect();
            shown.push_str(&format!("&port={}", ports.join(",")));
        }
        shown
    } else {
        let hosts: Vec<String> = endpoints
            .iter()
            .map(|e| {
                let name = match &e.host {
                    Host::Tcp(name) if name.contains(':') => {
                        format!("[{}]", percent_encode(name, ":"))
                    }
                    Host::Tcp(name) => percent_encode(name, ""),
                    Host::Socket(_) => String::new(),
                };
                if e.port == DEFAULT_PORT {
                    name
                } else {
                    format!("{name}:{}", e.port)
                }
            })
            .collect();
        format!("postgresql://{user}@{}/{dbname}", hosts.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// Parses `url` in an environment of `vars` alone, run by OS user `ana`.
    fn parse_with(url: &str, vars: &[(&str, &str)]) -> Result<(PgTarget, Vec<String>), String> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let var = move |name: &str| vars.get(name).cloned();
        let os_user = || Some("ana".to_string());
        PgTarget::parse_in(
            url,
            &Surroundings {
                var: &var,
                os_user: &os_user,
            },
        )
    }

    fn target(url: &str, vars: &[(&str, &str)]) -> PgTarget {
        parse_with(url, vars).unwrap().0
    }

    fn socket(dir: &str, port: u16) -> (Host, u16) {
        (Host::Socket(PathBuf::from(dir)), port)
    }

    fn tcp(name: &str, port: u16) -> (Host, u16) {
        (Host::Tcp(name.to_string()), port)
    }

    fn hosts(t: &PgTarget) -> Vec<(Host, u16)> {
        t.endpoints
            .iter()
            .map(|e| (e.host.clone(), e.port))
            .collect()
    }

    fn password(t: &PgTarget) -> Option<String> {
        t.endpoints[0].password.as_ref().map(|p| p.0.clone())
    }

    #[test]
    fn libpq_defaults_apply_where_the_url_and_environment_say_nothing() {
        for url in ["postgresql://", "postgres:///", "POSTGRESQL://@/"] {
            let t = target(url, &[]);
            assert_eq!(hosts(&t), vec![socket(DEFAULT_SOCKET_DIR, 5432)], "{url}");
            assert_eq!((t.user(), t.dbname()), ("ana", "ana"));
            assert_eq!(t.tls_mode(), TlsMode::Prefer);
            assert_eq!(t.connect_timeout(), Some(Duration::from_secs(5)));
            assert_eq!(t.application_name, "casebook");
            assert_eq!(password(&t), None);
            assert_eq!(t.shown(), "postgresql://ana@/ana?host=/var/run/postgresql");
        }
    }

    #[test]
    fn a_socket_directory_comes_as_a_host_parameter_or_an_encoded_host() {
        let t = target(
            "postgresql://postgres@/postgres?host=/tmp/casebook-pg.x1",
            &[],
        );
        assert_eq!(hosts(&t), vec![socket("/tmp/casebook-pg.x1", 5432)]);
        assert_eq!((t.user(), t.dbname()), ("postgres", "postgres"));
        assert_eq!(
            t.shown(),
            "postgresql://postgres@/postgres?host=/tmp/casebook-pg.x1"
        );

        let t = target(
            "postgresql://lead@%2Fvar%2Flib%2Fpostgresql:5433/casebook",
            &[],
        );
        assert_eq!(hosts(&t), vec![socket("/var/lib/postgresql", 5433)]);
        assert_eq!(
            t.shown(),
            "postgresql://lead@/casebook?host=/var/lib/postgresql&port=5433"
        );

        // The issue's own example; the query's host overrides the body's.
        let t = target("postgresql://lead@/casebook?host=/run/postgresql", &[]);
        assert_eq!(hosts(&t), vec![socket("/run/postgresql", 5432)]);
        let t = target(
            "postgresql://lead@elsewhere/casebook?host=%2Frun%2Fpostgresql&port=6000",
            &[],
        );
        assert_eq!(hosts(&t), vec![socket("/run/postgresql", 6000)]);
    }

    #[test]
    fn tcp_hosts_ports_lists_and_ipv6() {
        let t = target("postgresql://ana@db.example.com:6543/cases", &[]);
        assert_eq!(hosts(&t), vec![tcp("db.example.com", 6543)]);
        assert_eq!(t.shown(), "postgresql://ana@db.example.com:6543/cases");

        let t = target("postgres://u@h1,h2:5433,[::1]:5434/db", &[]);
        assert_eq!(
            hosts(&t),
            vec![tcp("h1", 5432), tcp("h2", 5433), tcp("::1", 5434)]
        );
        assert_eq!(t.shown(), "postgresql://u@h1,h2:5433,[::1]:5434/db");

        let t = target("postgresql://u@[2001:db8::7]/db", &[]);
        assert_eq!(hosts(&t), vec![tcp("2001:db8::7", 5432)]);

        let t = target("postgresql:///db?host=a,b&port=1,2", &[]);
        assert_eq!(hosts(&t), vec![tcp("a", 1), tcp("b", 2)]);
        assert!(parse_with("postgresql:///db?host=a,b,c&port=1,2", &[]).is_err());
    }

    #[test]
    fn names_are_percent_decoded_and_shown_encoded() {
        let t = target("postgresql://ana%40team@h/cases%20%C3%A9t%C3%A9", &[]);
        assert_eq!((t.user(), t.dbname()), ("ana@team", "cases été"));
        assert_eq!(t.shown(), "postgresql://ana%40team@h/cases%20%C3%A9t%C3%A9");
        assert!(parse_with("postgresql://h/db%zz", &[]).is_err());
        assert!(parse_with("postgresql://h/db%00", &[]).is_err());
    }

    #[test]
    fn the_environment_fills_in_what_the_url_leaves_out() {
        let env = [
            ("PGHOST", "db.example.com"),
            ("PGPORT", "6543"),
            ("PGUSER", "bob"),
            ("PGDATABASE", "team"),
            ("PGSSLMODE", "verify-full"),
            ("PGCONNECT_TIMEOUT", "9"),
            ("PGAPPNAME", "triage"),
            ("PGSSLROOTCERT", "/etc/ssl/team-ca.pem"),
        ];
        let t = target("postgresql://", &env);
        assert_eq!(hosts(&t), vec![tcp("db.example.com", 6543)]);
        assert_eq!((t.user(), t.dbname()), ("bob", "team"));
        assert_eq!(t.tls_mode(), TlsMode::VerifyFull);
        assert_eq!(t.connect_timeout(), Some(Duration::from_secs(9)));
        assert_eq!(t.application_name, "triage");
        assert_eq!(t.root_cert, Some(PathBuf::from("/etc/ssl/team-ca.pem")));

        // What the URL says wins.
        let t = target(
            "postgresql://carol@other/db2?sslmode=disable&connect_timeout=3&application_name=x",
            &env,
        );
        assert_eq!(hosts(&t), vec![tcp("other", 6543)]);
        assert_eq!((t.user(), t.dbname()), ("carol", "db2"));
        assert_eq!(t.tls_mode(), TlsMode::Disable);
        assert_eq!(t.connect_timeout(), Some(Duration::from_secs(3)));
        assert_eq!(t.application_name, "x");

        // PGHOST may name a socket directory.
        let t = target("postgresql:///cases", &[("PGHOST", "/srv/pg")]);
        assert_eq!(hosts(&t), vec![socket("/srv/pg", 5432)]);
    }

    #[test]
    fn sslmode_and_connect_timeout_read_as_libpq_reads_them() {
        for (mode, want) in [
            ("disable", TlsMode::Disable),
            ("allow", TlsMode::Allow),
            ("prefer", TlsMode::Prefer),
            ("require", TlsMode::Require),
            ("verify-ca", TlsMode::VerifyCa),
            ("verify-full", TlsMode::VerifyFull),
        ] {
            let t = target(&format!("postgresql://h/db?sslmode={mode}"), &[]);
            assert_eq!(t.tls_mode(), want);
            assert_eq!(want.as_str(), mode);
        }
        assert_eq!(
            target("postgresql://h/db?ssl=true", &[]).tls_mode(),
            TlsMode::Require
        );
        let err = parse_with("postgresql://h/db?sslmode=on", &[]).unwrap_err();
        assert!(err.contains("sslmode \"on\""), "{err}");

        let timeout = |t: &str| {
            target(&format!("postgresql://h/db?connect_timeout={t}"), &[]).connect_timeout()
        };
        assert_eq!(timeout("0"), None);
        assert_eq!(timeout("-3"), None);
        assert_eq!(timeout("1"), Some(Duration::from_secs(2)));
        assert_eq!(timeout(" 12 "), Some(Duration::from_secs(12)));
        assert!(parse_with("postgresql://h/db?connect_timeout=soon", &[]).is_err());
    }

    #[test]
    fn unknown_or_malformed_parameters_are_refused() {
        let err = parse_with("postgresql://h/db?sslcert=/x", &[]).unwrap_err();
        assert!(err.contains("\"sslcert\""), "{err}");
        assert!(parse_with("postgresql://h/db?sslmode", &[]).is_err());
        assert!(parse_with("postgresql://h:port/db", &[]).is_err());
        assert!(parse_with("postgresql://h:70000/db", &[]).is_err());
        assert!(parse_with("mysql://h/db", &[]).is_err());
        assert!(parse_with("postgresql://[::1/db", &[]).is_err());
        assert!(parse_with("postgresql:///db?target_session_attrs=primary", &[]).is_err());
        assert!(parse_with("postgresql:///db?target_session_attrs=read-write", &[]).is_ok());
    }

    /// A password file in a temporary home, with the given mode.
    fn home_with_pgpass(text: &str, mode: u32) -> tempfile::TempDir {
        let home = tempfile::tempdir().unwrap();
        let path = home.path().join(".pgpass");
        std::fs::write(&path, text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        home
    }

    #[test]
    fn the_password_file_is_read_from_home_or_pgpassfile() {
        let home = home_with_pgpass(
            "localhost:5432:ana:ana:default-socket\n/tmp/pg.x:5432:*:*:other-socket\n",
            0o600,
        );
        let home_dir = home.path().to_str().unwrap();
        // The default socket directory matches as `localhost`.
        let (t, warnings) = parse_with("postgresql://", &[("HOME", home_dir)]).unwrap();
        assert_eq!(password(&t).as_deref(), Some("default-socket"));
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(format!("{t:?}").contains(".pgpass"));
        // Another socket directory matches by its path.
        let t = target("postgresql:///db?host=/tmp/pg.x", &[("HOME", home_dir)]);
        assert_eq!(password(&t).as_deref(), Some("other-socket"));
        // No line for this one.
        let t = target("postgresql://h/db", &[("HOME", home_dir)]);
        assert_eq!(password(&t), None);

        // PGPASSFILE and passfile= name another file.
        let other = home_with_pgpass("h:5432:db:ana:from-pgpassfile\n", 0o600);
        let file = other.path().join(".pgpass");
        let file = file.to_str().unwrap();
        let t = target(
            "postgresql://h/db",
            &[("HOME", home_dir), ("PGPASSFILE", file)],
        );
        assert_eq!(password(&t).as_deref(), Some("from-pgpassfile"));
        let t = target(
            &format!("postgresql://h/db?passfile={file}"),
            &[("HOME", home_dir)],
        );
        assert_eq!(password(&t).as_deref(), Some("from-pgpassfile"));

        // A password in the URL or PGPASSWORD comes first.
        let t = target(
            "postgresql://",
            &[("HOME", home_dir), ("PGPASSWORD", "env-pw")],
        );
        assert_eq!(password(&t).as_deref(), Some("env-pw"));
        assert_eq!(t.password_source.as_deref(), Some("PGPASSWORD"));
        let t = target(
            "postgresql://:url-pw@/",
            &[("HOME", home_dir), ("PGPASSWORD", "env-pw")],
        );
        assert_eq!(password(&t).as_deref(), Some("url-pw"));
        assert_eq!(t.password_source.as_deref(), Some("URL"));
    }

    #[cfg(unix)]
    #[test]
    fn a_password_file_others_may_read_is_ignored_with_a_warning() {
        for mode in [0o640, 0o604, 0o660, 0o644] {
            let home = home_with_pgpass("*:*:*:*:too-open\n", mode);
            let (t, warnings) =
                parse_with("postgresql://", &[("HOME", home.path().to_str().unwrap())]).unwrap();
            assert_eq!(password(&t), None, "{mode:o}");
            assert_eq!(warnings.len(), 1);
            assert!(
                warnings[0].contains("has group or world access"),
                "{warnings:?}"
            );
            assert!(!warnings[0].contains("too-open"));
        }
        let home = home_with_pgpass("*:*:*:*:owner-only\n", 0o400);
        let t = target("postgresql://", &[("HOME", home.path().to_str().unwrap())]);
        assert_eq!(password(&t).as_deref(), Some("owner-only"));
        // A folder in its place is no password file either.
        let (_, warnings) = parse_with(
            "postgresql://",
            &[("PGPASSFILE", home.path().to_str().unwrap())],
        )
        .unwrap();
        assert!(warnings[0].contains("not a plain file"), "{warnings:?}");
    }

    #[test]
    fn the_password_never_shows() {
        let secret = "Hunter2-s3cr3t";
        for url in [
            format!("postgresql://ana:{secret}@db.example.com/cases"),
            format!("postgresql://ana@db.example.com/cases?password={secret}"),
            format!("postgresql://ana:{secret}@/cases?host=/tmp/nowhere-casebook-test&connect_timeout=2"),
        ] {
            let t = target(&url, &[]);
            assert_eq!(password(&t).as_deref(), Some(secret));
            assert!(!t.shown().contains(secret), "{}", t.shown());
            let debug = format!("{t:?}");
            assert!(!debug.contains(secret), "{debug}");
            assert!(debug.contains("***"), "{debug}");
        }
        // Nor in the environment's.
        let t = target("postgresql://h/db", &[("PGPASSWORD", secret)]);
        assert!(!format!("{t:?}").contains(secret));
        assert!(!t.shown().contains(secret));

        // Nor in a parse error, whatever the error quotes.
        for url in [
            format!("postgresql://ana:{secret}@h:notaport/db"),
            format!("postgresql://ana:{secret}@h/db?{secret}=1"),
            format!("postgresql://ana:{secret}@h/db?sslmode={secret}"),
            format!("postgresql://ana:{secret}@h/db?connect_timeout={secret}"),
            format!("postgresql://ana:%48unter2-s3cr3t@h/db?port={secret}"),
        ] {
            let err = parse_with(&url, &[]).unwrap_err();
            assert!(!err.contains(secret), "{err}");
        }
        let err = parse_with("postgresql://h/db?sslmode=x", &[("PGPASSWORD", "x")]).unwrap_err();
        assert!(!err.contains("\"x\""), "{err}");

        // Nor in a connection's error (no server has that socket).
        let t = target(
            &format!(
                "postgresql://ana:{secret}@/{secret}?host=/tmp/nowhere-casebook-test/{secret}"
            ),
            &[],
        );
        let err = t.connect().map(|_| ()).unwrap_err();
        assert!(!err.contains(secret), "{err}");
        assert!(err.contains("/tmp/nowhere-casebook-test/"), "{err}");
    }
}
