//! The filter language of the triage screen and `casebook list`:
//! `vendor:comcast status:open flag:broken_promise age>7d channel:phone` plus
//! free words. Terms are ANDed; commas inside a value mean OR; a leading `-`
//! or `!` negates a term; quotes keep spaces ("vendor:\"we love\"").

use super::enums::{Category, Channel, JourneyStage, Priority, Status};
use super::friction::Pattern;
use super::sla::SlaState;
use chrono::Duration;

#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    /// Vendor or marketplace name contains any of these (case-insensitive).
    Vendor(Vec<String>),
    /// `vendor=NAME`: the case's own vendor is one of these, by its name or
    /// an alias, exactly (case-insensitive); a marketplace does not match.
    /// What a Vendors row counts, so that its drill-down lists those cases.
    VendorIs(Vec<String>),
    /// `open` means any status but resolved or closed.
    Status(Vec<StatusFilter>),
    /// The case had a touch on any of these channels.
    Channel(Vec<Channel>),
    /// `touches:0`: the case has no touch yet (the Channels screen's
    /// "(no touches)" row).
    NoTouches,
    Category(Vec<Category>),
    Stage(Vec<JourneyStage>),
    Priority(Vec<Priority>),
    Flag(Vec<Pattern>),
    Tag(Vec<String>),
    Owner(Vec<String>),
    /// The case's service level (the worse of its two targets) is one of these.
    Sla(Vec<SlaState>),
    /// Age since opening compared with a duration.
    Age(Comparison, Duration),
    /// A word in the title or in any touch's note.
    Word(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    AnyOpen,
    Is(Status),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Over,
    AtLeast,
    Under,
    AtMost,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    pub negated: bool,
    pub term: Term,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Query {
    pub clauses: Vec<Clause>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at '{near}')")]
pub struct QueryError {
    pub message: String,
    pub near: String,
}

pub const KEYS: &str = "vendor (vendor=NAME for exactly that vendor), status, channel, touches:0, category, stage, priority, flag, tag, owner, sla, age";

/// Splits on spaces, keeping quoted stretches together.
fn words(text: &str) -> Result<Vec<String>, QueryError> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for ch in text.chars() {
        match ch {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if quoted {
        return Err(QueryError {
            message: "a quote is not closed".into(),
            near: cur,
        });
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

/// Parses a duration such as `7d`, `36h`, `90m`, `2w`.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit())?;
    let (num, unit) = t.split_at(split);
    let n: i64 = num.parse().ok().filter(|n| *n <= 1_000_000)?;
    match unit {
        "m" | "min" => Some(Duration::minutes(n)),
        "h" => Some(Duration::hours(n)),
        "d" => Some(Duration::days(n)),
        "w" => Some(Duration::weeks(n)),
        "y" => Some(Duration::days(365 * n)),
        _ => None,
    }
}

fn list<T>(
    word: &str,
    value: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Vec<T>, QueryError> {
    let items: Vec<&str> = value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if items.is_empty() {
        return Err(QueryError {
            message: "a value is missing after ':'".into(),
            near: word.into(),
        });
    }
    items
        .into_iter()
        .map(|v| {
            parse(v).map_err(|message| QueryError {
                message,
                near: word.into(),
            })
        })
        .collect()
}

impl Query {
    pub fn parse(text: &str) -> Result<Query, QueryError> {
        let mut clauses = Vec::new();
        for word in words(text)? {
            let (negated, body) = match word.strip_prefix('-').or_else(|| word.strip_prefix('!')) {
                Some(rest) if !rest.is_empty() => (true, rest),
                _ => (false, word.as_str()),
            };
            let term = Self::term(&word, body)?;
            clauses.push(Clause { negated, term });
        }
        Ok(Query { clauses })
    }

    fn term(word: &str, body: &str) -> Result<Term, QueryError> {
        let lower = body.to_lowercase();
        if let Some(rest) = lower.strip_prefix("age") {
            let (cmp, value) = if let Some(v) = rest.strip_prefix(">=") {
                (Comparison::AtLeast, v)
            } else if let Some(v) = rest.strip_prefix("<=") {
                (Comparison::AtMost, v)
            } else if let Some(v) = rest.strip_prefix('>') {
                (Comparison::Over, v)
            } else if let Some(v) = rest.strip_prefix('<') {
                (Comparison::Under, v)
            } else {
                return Ok(Term::Word(body.to_string()));
            };
            let d = parse_duration(value).ok_or_else(|| QueryError {
                message: "age takes a duration such as 7d, 36h, 90m or 2w".into(),
                near: word.into(),
            })?;
            return Ok(Term::Age(cmp, d));
        }
        for prefix in ["vendor=", "v="] {
            if lower.starts_with(prefix) {
                // One name, commas and all ("Acme, Inc.").
                let value = body[prefix.len()..].trim();
                if value.is_empty() {
                    return Err(QueryError {
                        message: "a vendor's name is missing after '='".into(),
                        near: word.into(),
                    });
                }
                return Ok(Term::VendorIs(vec![value.to_string()]));
            }
        }
        let Some((key, value)) = body.split_once(':') else {
            return Ok(Term::Word(body.to_string()));
        };
        let err = |e: super::enums::UnknownValue| e.to_string();
        Ok(match key.to_lowercase().as_str() {
            "vendor" | "v" => Term::Vendor(list(word, value, |v| Ok(v.to_lowercase()))?),
            "status" | "s" => Term::Status(list(word, value, |v| {
                if v.eq_ignore_ascii_case("open") {
                    Ok(StatusFilter::AnyOpen)
                } else {
                    v.parse().map(StatusFilter::Is).map_err(err)
                }
            })?),
            "channel" | "ch" => Term::Channel(list(word, value, |v| Channel::new(v).map_err(err))?),
            "touches" => match value.trim().to_lowercase().as_str() {
                "0" | "none" => Term::NoTouches,
                _ => {
                    return Err(QueryError {
                        message: "touches takes 0: the cases with no touch yet".into(),
                        near: word.into(),
                    })
                }
            },
            "category" | "cat" => Term::Category(list(word, value, |v| v.parse().map_err(err))?),
            "stage" => Term::Stage(list(word, value, |v| v.parse().map_err(err))?),
            "priority" | "p" => Term::Priority(list(word, value, |v| v.parse().map_err(err))?),
            "flag" | "f" => Term::Flag(list(word, value, |v| {
                Pattern::from_id(v).ok_or_else(|| {
                    format!("unknown flag '{v}'; valid values: {}", Pattern::all_ids())
                })
            })?),
            "tag" | "t" => Term::Tag(list(word, value, |v| Ok(v.to_lowercase()))?),
            "owner" | "o" => Term::Owner(list(word, value, |v| Ok(v.to_lowercase()))?),
            "sla" => {
                Term::Sla(list(word, value, |v| {
                    SlaState::parse(&v.to_lowercase()).ok_or_else(|| {
                    format!("unknown sla state '{v}'; valid values: breached, at_risk, running, met")
                })
                })?)
            }
            other => {
                return Err(QueryError {
                    message: format!("unknown key '{other}'; keys: {KEYS}"),
                    near: word.into(),
                })
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_spec_example() {
        let q = Query::parse(
            "vendor:comcast status:open flag:broken_promise age>7d channel:phone modem",
        )
        .unwrap();
        assert_eq!(q.clauses.len(), 6);
        assert_eq!(q.clauses[0].term, Term::Vendor(vec!["comcast".into()]));
        assert_eq!(q.clauses[1].term, Term::Status(vec![StatusFilter::AnyOpen]));
        assert_eq!(q.clauses[2].term, Term::Flag(vec![Pattern::BrokenPromise]));
        assert_eq!(
            q.clauses[3].term,
            Term::Age(Comparison::Over, Duration::days(7))
        );
        assert_eq!(q.clauses[5].term, Term::Word("modem".into()));
    }

    #[test]
    fn negation_lists_and_quotes() {
        let q = Query::parse("-status:resolved,closed \"vendor:we love\"").unwrap();
        assert!(q.clauses[0].negated);
        assert_eq!(
            q.clauses[0].term,
            Term::Status(vec![
                StatusFilter::Is(Status::Resolved),
                StatusFilter::Is(Status::Closed)
            ])
        );
        assert_eq!(q.clauses[1].term, Term::Vendor(vec!["we love".into()]));
        let q = Query::parse("\"vendor=Acme Plus\"").unwrap();
        assert_eq!(q.clauses[0].term, Term::VendorIs(vec!["Acme Plus".into()]));
    }

    #[test]
    fn errors_say_what_and_where() {
        let e = Query::parse("status:pending").unwrap_err();
        assert!(
            e.message.contains("valid values: open, waiting_vendor"),
            "{e}"
        );
        assert_eq!(e.near, "status:pending");
        assert!(Query::parse("colour:red")
            .unwrap_err()
            .message
            .contains("unknown key 'colour'"));
        assert!(Query::parse("age>soon").is_err());
        assert!(Query::parse("flag:nope")
            .unwrap_err()
            .message
            .contains("broken_promise"));
        assert!(Query::parse("\"open").is_err());
        assert!(Query::parse("vendor:").is_err());
    }
}
