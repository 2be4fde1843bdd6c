//! The demo data set: the four stories of the spec, loaded through the
//! importer (so loading twice changes nothing).

use super::json::{import, parse, Format};
use super::{ImportError, ImportSummary};
use crate::store::Store;
use chrono::{DateTime, Utc};

pub const DEMO_JSON: &str = include_str!("demo.json");

pub fn load(store: &mut Store, now: DateTime<Utc>) -> Result<ImportSummary, ImportError> {
    let (vendors, records) = parse("demo.json", DEMO_JSON, Format::Json)?;
    import(store, &vendors, records, false, now)
}
