//! The domain core: pure types and rules. No SQL, no terminal, no I/O.

pub mod action_words;
pub mod answer;
pub mod as_of;
pub mod case;
pub mod case_figures;
pub mod close_names;
pub mod cost;
pub mod cost_group;
pub mod derived;
pub mod enums;
pub mod friction;
pub mod measures;
pub mod money;
pub mod next_action;
pub mod query;
pub mod report_tally;
pub mod rounding;
pub mod sla;
pub mod time;
pub mod time_rules;
pub mod urgency;

pub use case::{Case, Touchpoint};
pub use enums::*;
pub use money::Money;
