//! The password file (`~/.pgpass`, or PGPASSFILE): found, refused when
//! others may read it, and matched line by line as libpq does.

use std::path::{Path, PathBuf};

/// `~/.pgpass` (on Windows `%APPDATA%\postgresql\pgpass.conf`).
pub(super) fn default_passfile(var: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    if cfg!(windows) {
        var("APPDATA").map(|dir| Path::new(&dir).join("postgresql").join("pgpass.conf"))
    } else {
        var("HOME").map(|home| Path::new(&home).join(".pgpass"))
    }
}

/// The password file's text, unless it is missing, not a plain file, or
/// (on Unix) others may read or write it: libpq ignores it then, with a
/// warning.
pub(super) fn read_passfile(path: &Path, warnings: &mut Vec<String>) -> Option<String> {
    let metadata = std::fs::metadata(path).ok()?;
    if !metadata.is_file() {
        warnings.push(format!(
            "WARNING: password file \"{}\" is not a plain file",
            path.display()
        ));
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if metadata.permissions().mode() & 0o077 != 0 {
            warnings.push(format!(
                "WARNING: password file \"{}\" has group or world access; permissions should be u=rw (0600) or less",
                path.display()
            ));
            return None;
        }
    }
    std::fs::read(path)
        .ok()
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
}

/// The password of the first line of a password file that matches
/// (`host:port:database:user:password`, each of the first four `*` for
/// any, `\` escaping `:` and `\`; lines starting `#` are comments).
pub(super) fn passfile_password(
    text: &str,
    host: &str,
    port: &str,
    dbname: &str,
    user: &str,
) -> Option<String> {
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields = passfile_fields(line);
        if fields.len() < 5 {
            continue;
        }
        let matches = |(raw, value): &(String, String), wanted: &str| raw == "*" || value == wanted;
        if matches(&fields[0], host)
            && matches(&fields[1], port)
            && matches(&fields[2], dbname)
            && matches(&fields[3], user)
        {
            let password = fields[4].1.clone();
            return (!password.is_empty()).then_some(password);
        }
    }
    None
}

/// A password file line's fields, each as written and unescaped.
fn passfile_fields(line: &str) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    let (mut raw, mut value) = (String::new(), String::new());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                raw.push(c);
                if let Some(next) = chars.next() {
                    raw.push(next);
                    value.push(next);
                }
            }
            ':' => fields.push((std::mem::take(&mut raw), std::mem::take(&mut value))),
            _ => {
                raw.push(c);
                value.push(c);
            }
        }
    }
    fields.push((raw, value));
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_file_lines_split_on_unescaped_colons() {
        let fields = passfile_fields(r"a\:b:*:\*:u:p\\w\:d");
        let values: Vec<&str> = fields.iter().map(|(_, v)| v.as_str()).collect();
        assert_eq!(values, ["a:b", "*", "*", "u", r"p\w:d"]);
        assert_eq!(fields[1].0, "*");
        assert_eq!(fields[2].0, r"\*");
    }

    #[test]
    fn the_first_matching_password_file_line_wins() {
        let text = "\
# comment:*:*:*:no
other:*:*:*:not-this
localhost:5432:cases:ana:local\\:pw
/tmp/pg.x:*:*:*:socket-pw
db.example.com:6543:*:bob:bob-pw
\\*:*:*:*:literal-star
*:*:*:*:anything
";
        let find = |h, p, d, u| passfile_password(text, h, p, d, u);
        assert_eq!(
            find("localhost", "5432", "cases", "ana").as_deref(),
            Some("local:pw")
        );
        assert_eq!(
            find("localhost", "5433", "cases", "ana").as_deref(),
            Some("anything")
        );
        assert_eq!(
            find("/tmp/pg.x", "5432", "x", "y").as_deref(),
            Some("socket-pw")
        );
        assert_eq!(
            find("db.example.com", "6543", "z", "bob").as_deref(),
            Some("bob-pw")
        );
        assert_eq!(find("*", "1", "z", "q").as_deref(), Some("literal-star"));
        assert_eq!(
            find("elsewhere", "1", "z", "q").as_deref(),
            Some("anything")
        );
        assert_eq!(passfile_password("h:1:d:u:", "h", "1", "d", "u"), None);
        assert_eq!(passfile_password("h:1:d", "h", "1", "d", "u"), None);
    }
}
