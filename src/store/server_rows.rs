//! What only a server does when it takes in many cases (import, `generate`,
//! `demo`): a new case's rows (the case with its summary, tags, touches,
//! events, flags and figures) wait to go in bulk, with COPY, instead of one
//! statement each (see db/pg_rows.rs). They are the rows, values and ids
//! that `cases::insert_case` writes into a file, row by row.

use super::db::{params, pg::Pg, value_of, Connection, CopyTable};
use super::row_values::{case_values, touch_values, CASE_COLS, EXISTING_CASE, TOUCH_COLS};
use super::rows::*;
use super::summary::{Summary, SUMMARY_COLUMNS};
use super::vendors::vendor_id;
use super::Result;
use crate::domain::{Case, Touchpoint};
use rusqlite::types::Value;
use std::sync::LazyLock;

static CASES: LazyLock<CopyTable> = LazyLock::new(|| CopyTable {
    name: "cases",
    columns: (CASE_COLS.split(", ").map(str::trim))
        .chain(["id"])
        .chain(SUMMARY_COLUMNS)
        .collect(),
    rank: 0,
});

static TOUCHPOINTS: LazyLock<CopyTable> = LazyLock::new(|| CopyTable {
    name: "touchpoints",
    columns: TOUCH_COLS.split(", ").map(str::trim).collect(),
    rank: 1,
});

static CASE_TAGS: LazyLock<CopyTable> = LazyLock::new(|| CopyTable {
    name: "case_tags",
    columns: vec!["case_id", "tag"],
    rank: 1,
});

static CASE_FLAGS: LazyLock<CopyTable> = LazyLock::new(|| CopyTable {
    name: "case_flags",
    columns: vec!["case_id", "pattern"],
    rank: 1,
});

static EVENTS: LazyLock<CopyTable> = LazyLock::new(|| CopyTable {
    name: "events",
    columns: vec![
        "at",
        "case_id",
        "touchpoint_id",
        "kind",
        "field",
        "old_value",
        "new_value",
        "id",
    ],
    rank: 2,
});

/// Events whose actor is given (an imported trail's).
static EVENTS_BY: LazyLock<CopyTable> = LazyLock::new(|| CopyTable {
    name: "events",
    columns: EVENTS.columns.iter().copied().chain(["actor"]).collect(),
    rank: 2,
});

static CASE_FIGURES: LazyLock<CopyTable> = LazyLock::new(|| CopyTable {
    name: "case_figures",
    columns: vec![
        "case_id",
        "opened_at",
        "vendor_id",
        "category",
        "stage",
        "valid_until",
        "ball",
        "ball_since",
        "record",
        "channels",
        "parties",
        "settled_at",
        "figures_from",
    ],
    rank: 2,
});

/// The server, when this connection writes in bulk.
pub(super) fn bulk(conn: &Connection) -> Option<&Pg> {
    conn.postgres().filter(|pg| pg.bulk())
}

/// The case an incoming one is, by uid else by ref (`EXISTING_CASE`):
/// none, without asking, when `expect_cases` found neither; else asked,
/// after sending the rows waiting only when one of them holds that uid or
/// ref.
pub(super) fn existing_case(conn: &Connection, pg: &Pg, case: &Case) -> Result<Option<i64>> {
    let uid_absent = case.uid.is_empty() || pg.take_absent("cases", "uid", &case.uid);
    let ref_absent = (case.reference.as_deref()).is_none_or(|r| pg.take_absent("cases", "ref", r));
    if uid_absent && ref_absent {
        return Ok(None);
    }
    let waiting = pg.is_waiting("uid", &case.uid)
        || (case.reference.as_deref()).is_some_and(|r| pg.is_waiting("ref", r));
    if waiting {
        return Ok(conn
            .prepare_cached(EXISTING_CASE)?
            .query_row(params![case.uid, case.reference], |r| r.get(0))?);
    }
    let uid = Value::Text(case.uid.clone());
    let reference = case.reference.clone().map_or(Value::Null, Value::Text);
    let rows = pg
        .prepare(EXISTING_CASE)?
        .query_ignoring_deferred(&[uid, reference])?;
    Ok(match rows.first().and_then(|r| r.first()) {
        Some(Value::Integer(id)) => Some(*id),
        _ => None,
    })
}

/// Before a batch of incoming cases: which of them no case is yet (by uid
/// and by ref), asked in two statements for all, so that taking them in
/// asks nothing more of the server; then the rows waiting go, from another
/// thread, while the batch is made.
pub(super) fn expect_cases(pg: &Pg, cases: &[(&Case, &[Touchpoint])]) -> Result<()> {
    let uids = (cases.iter())
        .filter(|(c, _)| !c.uid.is_empty())
        .map(|(c, _)| c.uid.clone())
        .collect();
    let refs = cases
        .iter()
        .filter_map(|(c, _)| c.reference.clone())
        .collect();
    pg.note_absent("cases", "uid", uids)?;
    pg.note_absent("cases", "ref", refs)?;
    // The ids they come with: which are taken, asked once for them all
    // (an import of cases whose ids the database holds asked per case).
    let case_ids: Vec<i64> = cases.iter().map(|(c, _)| c.id).collect();
    let touch_ids: Vec<i64> = (cases.iter())
        .flat_map(|(_, ts)| ts.iter().map(|t| t.id))
        .collect();
    pg.ask_taken("cases", &case_ids)?;
    pg.ask_taken("touchpoints", &touch_ids)?;
    Ok(pg.send_soon()?)
}

/// An event's row (`EVENTS` but its id), to go in bulk with the next id:
/// by the session's role (the column's default) unless `given` says whom.
pub(super) fn defer_event(
    pg: &Pg,
    values: [Value; 7],
    given: Option<Option<String>>,
) -> Result<()> {
    let id = pg.new_ids("events", &[0])?[0];
    let mut row = Vec::with_capacity(9);
    row.extend(values);
    row.push(Value::Integer(id));
    match given {
        None => Ok(pg.defer(&EVENTS, &row)?),
        Some(actor) => {
            row.push(actor.map_or(Value::Null, Value::Text));
            Ok(pg.defer(&EVENTS_BY, &row)?)
        }
    }
}

/// A new case's row with its summary, its tags and its touches, to go in
/// bulk. Its id and its touches' are given here (the ones they come with
/// when free, as on a file) and set on `case` and `touches`; `renumbered`
/// gets each touch's (given, kept) id. Returns the case's vendor id, for
/// `defer_derived`.
pub(super) fn defer_case(
    conn: &Connection,
    pg: &Pg,
    case: &mut Case,
    touches: &mut [Touchpoint],
    summary: &Summary,
    renumbered: &mut Vec<(i64, i64)>,
) -> Result<i64> {
    // Names first, in the order a file's rows look them up: a new vendor's
    // INSERT may send the rows waiting, and must come before any id is given.
    let vendor = vendor_id(conn, &case.vendor)?;
    let marketplace = (case.marketplace.as_deref())
        .map(|m| vendor_id(conn, m))
        .transpose()?;
    let parties = touches
        .iter()
        .map(|t| t.party.as_deref().map(|p| vendor_id(conn, p)).transpose())
        .collect::<Result<Vec<_>>>()?;
    // From the ids on, nothing asks the server before the rows are deferred.
    let given: Vec<i64> = touches.iter().map(|t| t.id.max(0)).collect();
    case.id = pg.new_ids("cases", &[case.id.max(0)])?[0];
    let ids = pg.new_ids("touchpoints", &given)?;
    for ((t, given), id) in touches.iter_mut().zip(given).zip(ids) {
        t.id = id;
        renumbered.push((given, id));
    }
    let mut row = case_values!(&*case, vendor, marketplace)
        .iter()
        .map(|v| value_of(*v))
        .collect::<rusqlite::Result<Vec<Value>>>()?;
    row.extend(summary.columns.iter().cloned());
    pg.defer(&CASES, &row)?;
    pg.wait_key("uid", &case.uid);
    if let Some(r) = &case.reference {
        pg.wait_key("ref", r);
    }
    let mut tags: Vec<&String> = Vec::with_capacity(case.tags.len());
    for tag in &case.tags {
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    for tag in tags {
        pg.defer(&CASE_TAGS, &[case.id.into(), tag.clone().into()])?;
    }
    for (t, party) in touches.iter().zip(parties) {
        let row = touch_values!(case.id, t, party)
            .iter()
            .map(|v| value_of(*v))
            .collect::<rusqlite::Result<Vec<Value>>>()?;
        pg.defer(&TOUCHPOINTS, &row)?;
    }
    Ok(vendor)
}

/// A new case's flags and report figures, to go in bulk (what
/// `summary::write` writes for a case just inserted with its summary).
pub(super) fn defer_derived(
    conn: &Connection,
    pg: &Pg,
    case: &Case,
    vendor: i64,
    s: &Summary,
) -> Result<()> {
    for flag in &s.flags {
        pg.defer(&CASE_FLAGS, &[case.id.into(), flag.to_string().into()])?;
    }
    let mut row: Vec<Value> = vec![
        case.id.into(),
        millis(case.opened_at).into(),
        vendor.into(),
        case.category.as_str().to_string().into(),
        case.stage().as_str().to_string().into(),
    ];
    row.extend(super::figures::figures_values(conn, &s.kept())?);
    pg.defer(&CASE_FIGURES, &row)?;
    Ok(pg.send_if_large()?)
}
