//! Import and export formats.

pub mod background;
pub mod content_key;
pub mod copy;
pub mod csv_export;
pub mod csv_import;
pub mod csv_map;
pub mod csv_own;
pub mod csv_values;
pub mod demo;
pub mod generate;
pub mod json;
pub mod json_lines;
pub mod json_read;
pub mod setup;
pub mod text_encoding;

use std::path::PathBuf;

/// A record that cannot be taken in: where it is and what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: line {line}: {reason}")]
    BadRecord {
        file: String,
        line: usize,
        reason: String,
    },
    #[error("cannot read {path}: {reason}")]
    Unreadable { path: PathBuf, reason: String },
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// What an import did, or with --dry-run would do.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    pub read: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub touchpoints: usize,
    pub dry_run: bool,
    /// CSV: cases whose vendor cell was blank, filed under `(unknown)`.
    #[serde(skip_serializing_if = "is_zero")]
    pub blank_vendors: usize,
    /// CSV: values no mapping knows, taken as `other`, with how many rows had each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown_values: Vec<UnknownValueCount>,
    /// JSON and JSON Lines: what became of the file's setup.
    #[serde(flatten)]
    pub setup: setup::SetupChanges,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// A value of a column that no mapping knows, and how many rows had it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UnknownValueCount {
    pub column: String,
    pub value: String,
    pub rows: usize,
}

/// A cell a spreadsheet would run as a formula gets a leading apostrophe.
pub fn csv_safe(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}
