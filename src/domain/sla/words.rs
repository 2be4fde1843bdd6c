//! A service-level target in words, for people: the human `show` and the
//! case screen say the same.

use super::{SlaState, Target};
use chrono::{DateTime, Utc};

/// One target in words: "met (2.5 h of 4 h)", "at risk: 0.5 h left of 4 h, due …".
pub fn target_words(t: &Target, when: impl Fn(DateTime<Utc>) -> String) -> String {
    // Adding 0.0 turns a negative zero (a rounded "-0") into a zero.
    let fig = |h: f64| format!("{} h", super::super::measures::round4(h) + 0.0);
    let due = t
        .due_at
        .map_or(String::new(), |d| format!(", due {}", when(d)));
    match t.state {
        SlaState::Met => format!("met ({} of {})", fig(t.used_hours), fig(t.target_hours)),
        // Breached at the very instant the target ran out: nothing over.
        SlaState::Breached if super::super::measures::round4(-t.left_hours) <= 0.0 => {
            format!("breached (all {} used{due})", fig(t.target_hours))
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn breached(left_hours: f64) -> Target {
        Target {
            target_hours: 40.0,
            used_hours: 40.0 - left_hours,
            left_hours,
            state: SlaState::Breached,
            due_at: None,
            reached_at: None,
            next_change: None,
            changed: None,
            counting: false,
        }
    }

    #[test]
    fn a_breach_says_how_far_over_and_never_minus_zero() {
        let words = |t: &Target| target_words(t, |d| d.to_string());
        assert_eq!(words(&breached(-2.5)), "breached (2.5 h over 40 h)");
        // Reached exactly, or over by less than the figures show.
        for left in [0.0, -0.0, -0.00001] {
            let w = words(&breached(left));
            assert_eq!(w, "breached (all 40 h used)", "{left}");
            assert!(!w.contains("-0"), "{w}");
        }
        let mut met = breached(0.0);
        met.state = SlaState::Met;
        met.used_hours = -0.0;
        assert_eq!(words(&met), "met (0 h of 40 h)");
    }
}
