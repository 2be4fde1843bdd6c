//! How an event's old and new values are kept in the `events` table: as the
//! JSON text they are, except the large ones (a case as it was logged, with
//! its touches: what every `created` event holds, and half of a file's
//! bytes), which are kept packed with zstd, a third of the size. A packed
//! value is a BLOB, a plain one TEXT: the column's type says which, so files
//! written before packing read as they were.
//!
//! A deleted case's value stays text: `restore` finds it by its ref or uid
//! with SQL's `json_extract`.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSqlOutput, ValueRef};
use rusqlite::ToSql;
use serde_json::Value;
use std::cell::RefCell;

/// From how many bytes a value is packed: below it, packing gains little.
const PACK_FROM: usize = 512;
/// zstd's level: its fastest; higher levels gain a few per cent on values
/// this small, at several times the cost.
const LEVEL: i32 = 1;
/// The most a packed value may unpack to: SQLite's own limit on a value,
/// which the text was under before it was packed (each packed value records
/// its size, which is what is allocated; this bounds a damaged header).
const LARGEST: usize = 1_000_000_000;

thread_local! {
    // One zstd context per thread, kept: making one per value cost more than
    // packing the value (an import packs thousands a second, export unpacks them).
    static PACKER: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };
    static UNPACKER: RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { RefCell::new(None) };
}

/// An event's value as it goes into the table.
#[derive(Debug, Clone, PartialEq)]
pub enum KeptValue {
    Text(String),
    Packed(Vec<u8>),
}

impl KeptValue {
    /// The value of an event of `kind`, packed when that pays.
    pub fn of(kind: &str, text: String) -> KeptValue {
        if text.len() < PACK_FROM || kind == "case_deleted" {
            return KeptValue::Text(text);
        }
        match pack(text.as_bytes()) {
            Ok(packed) if packed.len() < text.len() => KeptValue::Packed(packed),
            _ => KeptValue::Text(text),
        }
    }

    /// The JSON text it holds.
    pub fn text(&self) -> Result<String, String> {
        match self {
            KeptValue::Text(t) => Ok(t.clone()),
            KeptValue::Packed(bytes) => unpack(bytes),
        }
    }
}

impl ToSql for KeptValue {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            KeptValue::Text(t) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
            KeptValue::Packed(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
        })
    }
}

fn pack(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    PACKER.with_borrow_mut(|kept| {
        let packer = match kept {
            Some(p) => p,
            None => kept.insert(zstd::bulk::Compressor::new(LEVEL)?),
        };
        packer.compress(bytes)
    })
}

fn unpack(bytes: &[u8]) -> Result<String, String> {
    let damaged = |e: &dyn std::fmt::Display| format!("a packed event value: {e}");
    let raw = UNPACKER.with_borrow_mut(|kept| {
        let unpacker = match kept {
            Some(u) => u,
            None => kept.insert(zstd::bulk::Decompressor::new().map_err(|e| damaged(&e))?),
        };
        unpacker.decompress(bytes, LARGEST).map_err(|e| damaged(&e))
    })?;
    String::from_utf8(raw).map_err(|e| damaged(&e))
}

/// An event's value as read back: its JSON text, or None.
pub(super) struct StoredText(pub Option<String>);

impl FromSql for StoredText {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        match value {
            ValueRef::Null => Ok(StoredText(None)),
            ValueRef::Text(t) => Ok(StoredText(Some(
                std::str::from_utf8(t)
                    .map_err(|e| FromSqlError::Other(Box::new(e)))?
                    .to_owned(),
            ))),
            ValueRef::Blob(b) => unpack(b)
                .map(|t| StoredText(Some(t)))
                .map_err(|e| FromSqlError::Other(e.into())),
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

impl StoredText {
    /// The value as JSON (text that is not JSON as a JSON string).
    pub(super) fn json(self) -> Option<Value> {
        self.0
            .map(|t| serde_json::from_str(&t).unwrap_or(Value::String(t)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    fn a_case_as_logged(touches: usize) -> String {
        let touches: Vec<String> = (0..touches)
            .map(|i| {
                format!(r#"{{"at":"2026-01-0{}T10:00:00Z","channel":"phone","from":"customer","outcome":"no_answer","note":"touch {i}"}}"#, 1 + i % 9)
            })
            .collect();
        format!(
            r#"{{"title":"Refund","vendor":"Acme","opened_at":"2026-01-01T09:00:00Z","touchpoints":[{}]}}"#,
            touches.join(",")
        )
    }

    fn round_trip(kept: &KeptValue) -> Option<String> {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (v)").unwrap();
        conn.execute("INSERT INTO t VALUES (?1)", [kept]).unwrap();
        conn.query_row("SELECT v FROM t", [], |r| r.get::<_, StoredText>(0))
            .unwrap()
            .0
    }

    #[test]
    fn a_large_value_is_packed_and_reads_back_as_it_was() {
        let text = a_case_as_logged(12);
        let kept = KeptValue::of("created", text.clone());
        let KeptValue::Packed(bytes) = &kept else {
            panic!("not packed: {kept:?}");
        };
        assert!(
            bytes.len() * 3 < text.len(),
            "{} of {}",
            bytes.len(),
            text.len()
        );
        assert_eq!(round_trip(&kept).as_deref(), Some(text.as_str()));
        assert_eq!(kept.text().unwrap(), text);
    }

    #[test]
    fn small_values_and_a_deleted_case_stay_text() {
        let small = r#""open""#.to_string();
        assert_eq!(
            KeptValue::of("status_changed", small.clone()),
            KeptValue::Text(small)
        );
        let deleted = a_case_as_logged(12);
        assert_eq!(
            KeptValue::of("case_deleted", deleted.clone()),
            KeptValue::Text(deleted.clone())
        );
        assert_eq!(round_trip(&KeptValue::Text(deleted.clone())), Some(deleted));
    }

    #[test]
    fn a_damaged_packed_value_is_an_error_not_a_wrong_value() {
        let conn = Connection::open_in_memory().unwrap();
        let got = conn.query_row("SELECT x'28b52ffd0000'", [], |r| r.get::<_, StoredText>(0));
        assert!(got.is_err());
    }
}
