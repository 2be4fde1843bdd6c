//! The store's SQL, written for SQLite, as PostgreSQL reads it. The store
//! keeps to SQL both engines share; what differs only in spelling is
//! rewritten here, once per statement:
//! - parameters `?1`, `?` become `$1`, `$n`;
//! - `LIKE` becomes `ILIKE` (SQLite's LIKE ignores the case of ASCII letters);
//! - the two-argument scalar `MAX(a, b)` and `MIN(a, b)` become `GREATEST` and `LEAST`;
//! - `IFNULL` becomes `COALESCE`; `CAST(… AS INTEGER)` casts to `BIGINT`
//!   (times are milliseconds), `AS REAL` to `DOUBLE PRECISION`;
//! - `temp.` becomes `pg_temp.`, `main.` the schema casebook's tables are in; `BEGIN IMMEDIATE` becomes `BEGIN`;
//! - `INSERT OR IGNORE` becomes `INSERT … ON CONFLICT DO NOTHING`;
//! - `json_extract(x, '$.key')` becomes `casebook_json_text(x, '$.key')`;
//! - the note search `SELECT rowid FROM touch_notes WHERE touch_notes MATCH ?n`
//!   reads the touches' `note_search` column through `casebook_note_query`
//!   (both functions are in migrations/postgres), and the touches it names,
//!   `FROM touchpoints t WHERE t.id IN (that)`, read their own column.
//!
//! Text in quotes and comments is left as it is.

const NOTE_SEARCH: &str = "SELECT rowid FROM touch_notes WHERE touch_notes MATCH ?";

/// The touches whose notes match, as the query language asks for them: on
/// a server, the touches' own column (a semi-join of the table with itself
/// made the planner read every touch: 2.4 s at a million cases, against
/// 7 ms through the note index).
const TOUCHES_BY_NOTE: &str =
    "FROM touchpoints t WHERE t.id IN (SELECT rowid FROM touch_notes WHERE touch_notes MATCH ?";

pub fn postgres(sql: &str, schema: &str) -> String {
    let sql = &note_search(sql);
    let chars: Vec<char> = sql.chars().collect();
    let mut out = String::with_capacity(sql.len() + 16);
    let mut i = 0;
    let mut next_param = 0usize;
    let mut ignore_conflicts = false;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\'' | '"' => {
                let end = quoted_end(&chars, i);
                out.extend(&chars[i..end]);
                i = end;
            }
            '-' if chars.get(i + 1) == Some(&'-') => {
                let end = chars[i..]
                    .iter()
                    .position(|&c| c == '\n')
                    .map_or(chars.len(), |p| i + p);
                out.extend(&chars[i..end]);
                i = end;
            }
            '?' => {
                let digits: String = chars[i + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                if digits.is_empty() {
                    next_param += 1;
                    out.push_str(&format!("${next_param}"));
                } else {
                    next_param = next_param.max(digits.parse().unwrap_or(0));
                    out.push('$');
                    out.push_str(&digits);
                }
                i += 1 + digits.len();
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let end = chars[i..]
                    .iter()
                    .position(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
                    .map_or(chars.len(), |p| i + p);
                let word: String = chars[i..end].iter().collect();
                let upper = word.to_ascii_uppercase();
                let after = |skip: usize| next_word(&chars, skip);
                match upper.as_str() {
                    "LIKE" => out.push_str("ILIKE"),
                    "JSON_EXTRACT" => out.push_str("casebook_json_text"),
                    "IFNULL" => out.push_str("COALESCE"),
                    "MAX" | "MIN" if chars.get(end) == Some(&'(') && two_args(&chars, end) => {
                        out.push_str(if upper == "MAX" { "GREATEST" } else { "LEAST" })
                    }
                    "TEMP" if chars.get(end) == Some(&'.') => out.push_str("pg_temp"),
                    "MAIN" if chars.get(end) == Some(&'.') => out.push_str(schema),
                    "IMMEDIATE" if out.trim_end().to_ascii_uppercase().ends_with("BEGIN") => {
                        while out.ends_with(' ') {
                            out.pop();
                        }
                    }
                    "INTEGER" if out.trim_end().to_ascii_uppercase().ends_with(" AS") => {
                        out.push_str("BIGINT")
                    }
                    "REAL" if out.trim_end().to_ascii_uppercase().ends_with(" AS") => {
                        out.push_str("DOUBLE PRECISION")
                    }
                    "OR" if out.trim_end().to_ascii_uppercase().ends_with("INSERT")
                        && after(end).0.eq_ignore_ascii_case("IGNORE") =>
                    {
                        ignore_conflicts = true;
                        i = after(end).1;
                        // drop "OR IGNORE": the space before INTO stays
                        if out.ends_with(' ') {
                            out.pop();
                        }
                        continue;
                    }
                    _ => out.push_str(&word),
                }
                i = end;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    if ignore_conflicts {
        let trimmed = out.trim_end().trim_end_matches(';').to_string();
        out = format!("{trimmed} ON CONFLICT DO NOTHING");
    }
    out
}

/// The note search's subquery, as the server's text search.
fn note_search(sql: &str) -> String {
    let sql = touches_by_note(sql);
    let mut out = String::with_capacity(sql.len());
    let mut rest = sql.as_str();
    while let Some(at) = rest.find(NOTE_SEARCH) {
        out.push_str(&rest[..at]);
        out.push_str("SELECT id FROM touchpoints WHERE note_search @@ casebook_note_query(?");
        rest = &rest[at + NOTE_SEARCH.len()..];
        let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
        out.push_str(&rest[..digits]);
        out.push(')');
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

/// `TOUCHES_BY_NOTE … ?n)` as `FROM touchpoints t WHERE t.note_search @@ casebook_note_query(?n)`.
fn touches_by_note(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut rest = sql;
    while let Some(at) = rest.find(TOUCHES_BY_NOTE) {
        out.push_str(&rest[..at]);
        rest = &rest[at + TOUCHES_BY_NOTE.len()..];
        let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
        if !rest[digits..].starts_with(')') {
            // not the whole subquery: left to `note_search`
            out.push_str(TOUCHES_BY_NOTE);
            continue;
        }
        out.push_str("FROM touchpoints t WHERE t.note_search @@ casebook_note_query(?");
        out.push_str(&rest[..digits]);
        out.push(')');
        rest = &rest[digits + 1..];
    }
    out.push_str(rest);
    out
}

/// Where the quoted text opened at `start` ends (after its closing quote;
/// a doubled quote is one quote inside).
fn quoted_end(chars: &[char], start: usize) -> usize {
    let quote = chars[start];
    let mut i = start + 1;
    while i < chars.len() {
        if chars[i] == quote {
            if chars.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    chars.len()
}

/// The next word after `from` (skipping spaces) and where it ends.
fn next_word(chars: &[char], from: usize) -> (String, usize) {
    let start = chars[from..]
        .iter()
        .position(|c| !c.is_whitespace())
        .map_or(chars.len(), |p| from + p);
    let end = chars[start..]
        .iter()
        .position(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
        .map_or(chars.len(), |p| start + p);
    (chars[start..end].iter().collect(), end)
}

/// Whether the parenthesis at `open` holds two or more arguments.
fn two_args(chars: &[char], open: usize) -> bool {
    let mut depth = 0;
    let mut i = open;
    while i < chars.len() {
        match chars[i] {
            '\'' | '"' => {
                i = quoted_end(chars, i);
                continue;
            }
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return false;
                }
            }
            ',' if depth == 1 => return true,
            _ => {}
        }
        i += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    fn postgres_(sql: &str) -> String {
        super::postgres(sql, "public")
    }

    #[test]
    fn spelling_is_rewritten_outside_quotes() {
        assert_eq!(
            postgres_("SELECT MAX(a, b), MAX(c), IFNULL(x, 'it''s ?1 LIKE') FROM t WHERE n LIKE ?2 AND m = ?"),
            "SELECT GREATEST(a, b), MAX(c), COALESCE(x, 'it''s ?1 LIKE') FROM t WHERE n ILIKE $2 AND m = $3"
        );
        assert_eq!(postgres_("BEGIN IMMEDIATE"), "BEGIN");
        assert_eq!(
            postgres_("SELECT CAST(value AS INTEGER) FROM temp.x"),
            "SELECT CAST(value AS BIGINT) FROM pg_temp.x"
        );
        assert_eq!(
            postgres_("INSERT OR IGNORE INTO case_tags (case_id, tag) VALUES (?1, ?2)"),
            "INSERT INTO case_tags (case_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING"
        );
        assert_eq!(
            postgres_("SELECT MIN(MAX(a, b), 3)"),
            "SELECT LEAST(GREATEST(a, b), 3)"
        );
    }

    #[test]
    fn the_touches_of_a_note_search_read_their_own_column() {
        assert_eq!(
            postgres_(
                "c.id IN (SELECT t.case_id FROM touchpoints t WHERE t.id IN \
                 (SELECT rowid FROM touch_notes WHERE touch_notes MATCH ?12))"
            ),
            "c.id IN (SELECT t.case_id FROM touchpoints t WHERE t.note_search @@ casebook_note_query($12))"
        );
        assert_eq!(
            postgres_("SELECT id FROM x WHERE id IN (SELECT rowid FROM touch_notes WHERE touch_notes MATCH ?1)"),
            "SELECT id FROM x WHERE id IN (SELECT id FROM touchpoints WHERE note_search @@ casebook_note_query($1))"
        );
    }
}
