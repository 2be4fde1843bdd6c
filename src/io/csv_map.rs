//! How a CSV file's columns map to casebook's fields: `--map FIELD=COLUMN`
//! (or `FIELD==TEXT` for a fixed value), and presets for exports people
//! already have.

use super::csv_values::*;
use crate::domain::{Priority, Resolution, Status};

/// A field of a case that a CSV column can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    Ref,
    Title,
    Vendor,
    OpenedAt,
    ResolvedAt,
    ClosedAt,
    Status,
    Category,
    Stage,
    Priority,
    Channel,
    Product,
    Customer,
    Owner,
    Tags,
    Outcome,
    PurchaseAmount,
    RefundAmount,
    Currency,
    Note,
}

const FIELDS: &[(&str, Field)] = &[
    ("ref", Field::Ref),
    ("title", Field::Title),
    ("vendor", Field::Vendor),
    ("opened_at", Field::OpenedAt),
    ("resolved_at", Field::ResolvedAt),
    ("closed_at", Field::ClosedAt),
    ("status", Field::Status),
    ("category", Field::Category),
    ("stage", Field::Stage),
    ("priority", Field::Priority),
    ("channel", Field::Channel),
    ("product", Field::Product),
    ("customer", Field::Customer),
    ("owner", Field::Owner),
    ("tags", Field::Tags),
    ("outcome", Field::Outcome),
    ("purchase_amount", Field::PurchaseAmount),
    ("refund_amount", Field::RefundAmount),
    ("currency", Field::Currency),
    ("note", Field::Note),
];

impl Field {
    pub fn name(self) -> &'static str {
        FIELDS
            .iter()
            .find(|(_, f)| *f == self)
            .map_or("?", |(n, _)| n)
    }
}

/// Where a field's value comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A column, by its header.
    Column(String),
    /// Several columns joined, the empty ones left out.
    Join(Vec<String>, &'static str),
    /// The same text on every case.
    Literal(String),
}

/// For event logs (one row per event): which column names the case, which
/// holds each event's time and activity, and which activities resolve and close.
#[derive(Debug, Clone, PartialEq)]
pub struct EventLog {
    pub case_column: String,
    pub time_column: String,
    pub activity_column: String,
    pub actor_column: Option<String>,
    pub resolve_activity: String,
    pub close_activity: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Mapping {
    pub fields: Vec<(Field, Source)>,
    /// Values of the status column and what they mean; anything else must be a casebook status.
    pub status_values: Vec<(&'static str, Status)>,
    pub outcome_values: Vec<(&'static str, Resolution)>,
    /// Values of the priority column and what they mean; anything else must be a casebook priority.
    pub priority_values: Vec<(&'static str, Priority)>,
    /// Values of the channel column and the casebook channel each means;
    /// anything else must be a casebook channel, else it becomes `other`.
    pub channel_values: Vec<(&'static str, &'static str)>,
    /// Where the tags column splits into tags.
    pub tag_separators: &'static [char],
    /// Put before the ref column's value, so refs from different sources never meet.
    pub ref_prefix: String,
    pub event_log: Option<EventLog>,
    /// Fields the user mapped by hand: their columns must exist.
    pub explicit: Vec<Field>,
}

fn col(name: &str) -> Source {
    Source::Column(name.to_string())
}

pub const PRESETS: &str = "zendesk, nyc311, cfpb, helpdesk-log";

impl Mapping {
    pub fn empty() -> Mapping {
        Mapping {
            fields: Vec::new(),
            status_values: Vec::new(),
            outcome_values: Vec::new(),
            priority_values: Vec::new(),
            channel_values: Vec::new(),
            tag_separators: &[',', ';'],
            ref_prefix: String::new(),
            event_log: None,
            explicit: Vec::new(),
        }
    }

    pub fn source(&self, field: Field) -> Option<&Source> {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, s)| s)
    }

    /// Sets a field from `FIELD=COLUMN` or `FIELD==TEXT`, replacing a preset's choice.
    pub fn apply(&mut self, spec: &str) -> Result<(), String> {
        let (key, value) = spec
            .split_once('=')
            .ok_or_else(|| format!("--map '{spec}': write FIELD=COLUMN or FIELD==TEXT"))?;
        let field = FIELDS
            .iter()
            .find(|(n, _)| *n == key.trim())
            .map(|(_, f)| *f)
            .ok_or_else(|| {
                format!(
                    "--map '{spec}': unknown field '{key}'; fields: {}",
                    FIELDS
                        .iter()
                        .map(|(n, _)| *n)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
        let source = match value.strip_prefix('=') {
            Some(text) => Source::Literal(text.to_string()),
            None if value.trim().is_empty() => {
                return Err(format!("--map '{spec}': the column name is missing"))
            }
            None => col(value),
        };
        self.fields.retain(|(f, _)| *f != field);
        self.fields.push((field, source));
        self.explicit.push(field);
        Ok(())
    }

    /// The columns the mapping reads (`required`: only those a file must have:
    /// the vendor's, the opening time's, an event log's and any mapped by hand).
    pub fn columns(&self, required: bool) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let needed =
            |f: &Field| matches!(f, Field::Vendor | Field::OpenedAt) || self.explicit.contains(f);
        for (_, s) in self.fields.iter().filter(|(f, _)| !required || needed(f)) {
            match s {
                Source::Column(c) => out.push(c),
                Source::Join(cs, _) => out.extend(cs.iter().map(String::as_str)),
                Source::Literal(_) => {}
            }
        }
        if let Some(log) = &self.event_log {
            out.extend([
                log.case_column.as_str(),
                log.time_column.as_str(),
                log.activity_column.as_str(),
            ]);
        }
        out
    }

    /// One line per mapped column: where it comes from and what it becomes
    /// (for `import --dry-run`).
    pub fn describe(&self) -> Vec<String> {
        let mut fields = self.fields.clone();
        fields.sort_by_key(|(f, _)| *f);
        let has_channel = self.source(Field::Channel).is_some();
        let mut out: Vec<String> = fields
            .iter()
            .map(|(field, source)| {
                let from = match source {
                    Source::Column(c) => format!("column '{c}'"),
                    Source::Join(cs, sep) => format!(
                        "columns {} joined by '{sep}'",
                        cs.iter()
                            .map(|c| format!("'{c}'"))
                            .collect::<Vec<_>>()
                            .join(" + ")
                    ),
                    Source::Literal(t) => format!("the text '{t}'"),
                };
                let to = match field {
                    Field::Ref if !self.ref_prefix.is_empty() => {
                        format!("the case's ref, after '{}'", self.ref_prefix)
                    }
                    Field::Note if has_channel => "the note of that first touch (on channel other when the row has no channel)".into(),
                    Field::Note => "the note of a first touch on channel other (from the customer, outcome sent, at the opening time)".into(),
                    Field::Title => "the title (line breaks and runs of spaces folded to one space)".into(),
                    Field::Tags => format!(
                        "tags (split at {})",
                        if self.tag_separators.contains(&' ') {
                            "spaces"
                        } else {
                            "commas and semicolons"
                        }
                    ),
                    Field::Channel if !self.channel_values.is_empty() => format!(
                        "the channel of a first touch (from the customer, outcome sent, at the opening time): {}; any other value → other, counted",
                        self.channel_values
                            .iter()
                            .map(|(v, ch)| format!("{v} → {ch}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    Field::Channel => "the channel of a first touch (from the customer, outcome sent, at the opening time)".into(),
                    Field::Priority if !self.priority_values.is_empty() => format!(
                        "the priority ({} or a casebook priority)",
                        self.priority_values
                            .iter()
                            .map(|(v, p)| format!("{v} → {p}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    Field::Status if !self.status_values.is_empty() => format!(
                        "the status ({} or a casebook status)",
                        self.status_values
                            .iter()
                            .map(|(v, st)| format!("{v} → {st}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    f => format!("the case's {}", f.name()),
                };
                format!("{from} → {to}")
            })
            .collect();
        if let Some(log) = &self.event_log {
            out.push(format!("column '{}' → one case per value", log.case_column));
            out.push(format!(
                "column '{}' → each event's touch time; the first opens the case",
                log.time_column
            ));
            out.push(format!(
                "column '{}' → each touch's note; '{}' resolves the case, '{}' closes it",
                log.activity_column, log.resolve_activity, log.close_activity
            ));
            if let Some(a) = &log.actor_column {
                out.push(format!("column '{a}' → added to each touch's note"));
            }
        }
        if self.source(Field::Ref).is_none() {
            out.push("(no ref column) → each case's ref is a key made from its vendor, opening time, title and first touch, so that importing again changes nothing".into());
        }
        out
    }

    pub fn preset(name: &str) -> Result<Mapping, String> {
        let mut m = Mapping::empty();
        match name.to_lowercase().as_str() {
            // A Zendesk ticket export (Support > Reporting > CSV).
            "zendesk" => {
                m.ref_prefix = "zendesk-".into();
                m.fields = vec![
                    (Field::Ref, col("Id")),
                    (Field::Title, col("Subject")),
                    (Field::Vendor, col("Group")),
                    (Field::OpenedAt, col("Created at")),
                    (Field::ResolvedAt, col("Solved at")),
                    (Field::Status, col("Status")),
                    (Field::Priority, col("Priority")),
                    (Field::Channel, col("Via")),
                    (Field::Customer, col("Requester")),
                    (Field::Owner, col("Assignee")),
                    (Field::Tags, col("Tags")),
                ];
                m.status_values = ZENDESK_STATUSES.to_vec();
                m.priority_values = ZENDESK_PRIORITIES.to_vec();
                m.channel_values = ZENDESK_CHANNELS.to_vec();
                m.tag_separators = &[' ', ',', ';'];
            }
            // NYC 311 service requests (NYC Open Data, erm2-nwe9).
            "nyc311" => {
                m.ref_prefix = "nyc311-".into();
                m.fields = vec![
                    (Field::Ref, col("Unique Key")),
                    (
                        Field::Title,
                        Source::Join(vec!["Complaint Type".into(), "Descriptor".into()], ": "),
                    ),
                    (Field::Vendor, col("Agency")),
                    (Field::OpenedAt, col("Created Date")),
                    (Field::ResolvedAt, col("Closed Date")),
                    (Field::Status, col("Status")),
                    (Field::Channel, col("Open Data Channel Type")),
                ];
                m.status_values = NYC311_STATUSES.to_vec();
                m.channel_values = NYC311_CHANNELS.to_vec();
            }
            // The US CFPB consumer complaint database.
            "cfpb" => {
                m.ref_prefix = "cfpb-".into();
                m.fields = vec![
                    (Field::Ref, col("Complaint ID")),
                    (
                        Field::Title,
                        Source::Join(vec!["Issue".into(), "Sub-issue".into()], ": "),
                    ),
                    (Field::Vendor, col("Company")),
                    (Field::OpenedAt, col("Date received")),
                    (Field::Status, col("Company response to consumer")),
                    (Field::Outcome, col("Company response to consumer")),
                    (Field::Channel, col("Submitted via")),
                    (
                        Field::Product,
                        Source::Join(vec!["Product".into(), "Sub-product".into()], ": "),
                    ),
                    (Field::Tags, col("Tags")),
                    (Field::Note, col("Consumer complaint narrative")),
                ];
                m.status_values = CFPB_STATUSES.to_vec();
                m.outcome_values = CFPB_OUTCOMES.to_vec();
                m.channel_values = CFPB_CHANNELS.to_vec();
            }
            // An event log with one row per help-desk event (case, activity, time).
            "helpdesk-log" | "helpdesk" => {
                m.ref_prefix = "helpdesk-".into();
                m.fields = vec![
                    (Field::Ref, col("Case ID")),
                    (Field::Title, col("Case ID")),
                    (Field::Vendor, col("product")),
                    (Field::Customer, col("customer")),
                    (Field::Owner, col("workgroup")),
                    (Field::Channel, Source::Literal("helpdesk".into())),
                ];
                m.event_log = Some(EventLog {
                    case_column: "Case ID".into(),
                    time_column: "Complete Timestamp".into(),
                    activity_column: "Activity".into(),
                    actor_column: Some("Resource".into()),
                    resolve_activity: "Resolve ticket".into(),
                    close_activity: "Closed".into(),
                });
            }
            other => return Err(format!("unknown preset '{other}'; presets: {PRESETS}")),
        }
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_override_presets_and_literals_use_two_equals() {
        let mut m = Mapping::preset("zendesk").unwrap();
        m.apply("vendor==Acme Support").unwrap();
        assert_eq!(
            m.source(Field::Vendor),
            Some(&Source::Literal("Acme Support".into()))
        );
        m.apply("title=Summary").unwrap();
        assert_eq!(
            m.source(Field::Title),
            Some(&Source::Column("Summary".into()))
        );
        assert!(m
            .apply("colour=Red")
            .unwrap_err()
            .contains("unknown field 'colour'"));
        assert!(m.apply("title").is_err());
        assert!(Mapping::preset("salesforce")
            .unwrap_err()
            .contains("zendesk, nyc311"));
    }
}
