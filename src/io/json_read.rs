//! Reading one case record that serde could not take as it stands: times in
//! every form the README lists (not only RFC 3339), and, when it still does
//! not read, the field that is wrong and why.

use super::json::CaseRecord;
use crate::domain::time::{parse_at, to_rfc3339};
use crate::domain::{Case, Touchpoint};
use crate::store::Event;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

const CASE_TIMES: &[&str] = &["opened_at", "resolved_at", "closed_at"];
const TOUCH_TIMES: &[&str] = &["at", "promise_due"];

/// A field and what is wrong with it.
pub struct Wrong {
    pub field: String,
    pub reason: String,
}

fn wrong(field: impl Into<String>, reason: impl Into<String>) -> Wrong {
    Wrong {
        field: field.into(),
        reason: reason.into(),
    }
}

/// Rewrites the time fields of an object to RFC 3339, reading them as the
/// command line's `AT` does (a zone-less time is UTC; `now` and `-2d` count
/// from `now`).
fn times(
    obj: &mut Map<String, Value>,
    fields: &[&str],
    prefix: &str,
    now: DateTime<Utc>,
) -> Result<(), Wrong> {
    for f in fields {
        if let Some(Value::String(s)) = obj.get(*f) {
            let t =
                parse_at(s, now, &Utc).map_err(|e| wrong(format!("{prefix}{f}"), e.to_string()))?;
            let t = to_rfc3339(t);
            obj.insert((*f).to_string(), Value::String(t));
        }
    }
    Ok(())
}

fn read<T: DeserializeOwned>(value: Value, prefix: &str) -> Result<T, Wrong> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." {
            prefix.trim_end_matches('.').to_string()
        } else {
            format!("{prefix}{path}")
        };
        let reason = e.into_inner().to_string();
        // serde's own "at line 1 column 9" means nothing inside a Value.
        let reason = match reason.find(" at line ") {
            Some(i) => reason[..i].to_string(),
            None => reason,
        };
        wrong(if field.is_empty() { "case" } else { &field }, reason)
    })
}

/// The record read field by field; the first wrong field stops it.
pub fn record(value: Value, now: DateTime<Utc>) -> Result<CaseRecord, Wrong> {
    let Value::Object(mut obj) = value else {
        return Err(wrong("case", "is not a JSON object"));
    };
    times(&mut obj, CASE_TIMES, "", now)?;
    let touches = obj.remove("touchpoints");
    let events = obj.remove("events");
    let mut touchpoints: Vec<Touchpoint> = Vec::new();
    match touches {
        None | Some(Value::Null) => {}
        Some(Value::Array(list)) => {
            for (i, t) in list.into_iter().enumerate() {
                let prefix = format!("touchpoints[{i}].");
                let t = match t {
                    Value::Object(mut o) => {
                        times(&mut o, TOUCH_TIMES, &prefix, now)?;
                        Value::Object(o)
                    }
                    other => other,
                };
                touchpoints.push(read(t, &prefix)?);
            }
        }
        Some(_) => return Err(wrong("touchpoints", "is not a list")),
    }
    let events: Option<Vec<Event>> = match events {
        None | Some(Value::Null) => None,
        Some(e) => Some(read(e, "events")?),
    };
    let case: Case = read(Value::Object(obj), "")?;
    Ok(CaseRecord {
        case,
        touchpoints,
        events,
    })
}
