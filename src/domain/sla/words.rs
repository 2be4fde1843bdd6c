//! A service-level target in words, for people: the human `show` and the
//! case screen say the same.

use super::{SlaState, Target};
use chrono::{DateTime, Utc};

/// One target in words: "met (2.5 h of 4 h)", "at risk: 0.5 h left of 4 h, due …".
pub fn target_words(t: &Target, when: impl Fn(DateTime<Utc>) -> String) -> String {
    let fig = |h: f64| format!("{} h", super::super::measures::round4(h));
    let due = t
        .due_at
        .map_or(String::new(), |d| format!(", due {}", when(d)));
    match t.state {
        SlaState::Met => format!("met ({} of {})", fig(t.used_hours), fig(t.target_hours)),
        SlaState::Breached => format!(
            "breached ({} over {}{due})",
            fig(-t.left_hours),
            fig(t.target_hours)
        ),
        SlaState::AtRisk | SlaState::Running => format!(
            "{}{} left of {}{}",
            if t.state == SlaState::AtRisk {
                "at risk: "
            } else {
                ""
            },
            fig(t.left_hours),
            fig(t.target_hours),
            if t.due_at.is_none() && t.counting {
                " (paused: the ball is not with the vendor)".to_string()
            } else {
                due
            }
        ),
    }
}
