//! What a report groups by, and which cases it reads: shared by the report
//! and its pass over the stored figures.

use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    Vendor,
    Channel,
    Category,
    Party,
    Stage,
}

impl GroupBy {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Vendor => "vendor",
            GroupBy::Channel => "channel",
            GroupBy::Category => "category",
            GroupBy::Party => "party",
            GroupBy::Stage => "stage",
        }
    }
}

/// Which cases go into a report: opened in [since, until).
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}
