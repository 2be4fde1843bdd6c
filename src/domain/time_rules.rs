//! Which times may be written: one rule, called by every path that writes
//! (commands, forms, every import format, edits of a case's or a touch's
//! times), so that no duration is ever negative.
//!
//! Refused: a touchpoint before its case was opened; a resolution or a
//! closing before the opening; an opening or a touch more than a day ahead
//! of now without `--future` (the app asks instead); any time before 1970.
//!
//! Allowed, with a meaning: a resolution before some of the case's touches.
//! A touch after the resolution is someone writing back after the case was
//! resolved (a thank-you, a late answer): it counts among the touches and
//! for the flags, but for neither wait nor any service-level clock, and it
//! does not reopen the case (reopening is a status change). A resolution
//! before the vendor's first answer is a case resolved without one (the
//! customer fixed it, or gave up): its time to first response, when an
//! answer came later, is longer than its time to resolution.

use super::case::{Case, Invalid, Touchpoint};
use super::time::{far_ahead, local_text};
use chrono::{DateTime, Utc};

/// What a write is checked against: the time now, and whether times more
/// than a day ahead are meant (`--future`, or a yes in the app).
#[derive(Debug, Clone, Copy)]
pub struct WriteClock {
    pub now: DateTime<Utc>,
    pub allow_future: bool,
}

/// How a message names a case: its ref, else its id, else its title.
pub fn case_name(case: &Case) -> String {
    match (&case.reference, case.id) {
        (Some(r), _) => format!("case {r}"),
        (None, id) if id > 0 => format!("case {id}"),
        _ => format!("case '{}'", case.title),
    }
}

fn problem(case: &Case, field: &'static str, reason: String) -> Invalid {
    Invalid {
        field,
        reason: format!("{reason} ({})", case_name(case)),
    }
}

/// Every impossible time in a case and its touches, each naming the case,
/// the field and both times (local, as everything is shown).
pub fn time_problems(case: &Case, touches: &[Touchpoint], clock: WriteClock) -> Vec<Invalid> {
    let mut out = Vec::new();
    let opened = case.opened_at;
    let before_1970 = |t: DateTime<Utc>| t.timestamp_millis() < 0;
    let ahead = |t: DateTime<Utc>| !clock.allow_future && far_ahead(t, clock.now);
    if before_1970(opened) {
        out.push(problem(
            case,
            "opened_at",
            format!("{} is before 1970", local_text(opened)),
        ));
    }
    if ahead(opened) {
        out.push(problem(
            case,
            "opened_at",
            format!(
                "{} is more than a day ahead of now ({}); if that is meant, add --future",
                local_text(opened),
                local_text(clock.now)
            ),
        ));
    }
    for (field, t) in [
        ("resolved_at", case.resolved_at),
        ("closed_at", case.closed_at),
    ] {
        if let Some(t) = t.filter(|t| *t < opened) {
            out.push(problem(
                case,
                field,
                format!(
                    "{} is before the case was opened ({})",
                    local_text(t),
                    local_text(opened)
                ),
            ));
        }
    }
    for t in touches {
        // Made only for a touch with a problem: a check of a large import
        // formats no time for the millions of touches that have none.
        let which = || {
            if t.id > 0 {
                format!("touch #{} at {}", t.id, local_text(t.at))
            } else {
                format!("a touch at {}", local_text(t.at))
            }
        };
        if t.at < opened {
            out.push(problem(
                case,
                "at",
                format!(
                    "{} is before the case was opened ({}); change the touch's time or the case's opening",
                    which(),
                    local_text(opened)
                ),
            ));
        } else if ahead(t.at) {
            out.push(problem(
                case,
                "at",
                format!(
                    "{} is more than a day ahead of now ({}); if that is meant, add --future",
                    which(),
                    local_text(clock.now)
                ),
            ));
        }
    }
    out
}

/// Refuses a write whose case and touches have an impossible time that
/// `before` (the same case before the write) did not have: a file written
/// before this rule may hold some, and a change that leaves them as they
/// were (a status, a note) is not held up by them.
pub fn refuse_new_problems(before: &[Invalid], after: Vec<Invalid>) -> Result<(), Invalid> {
    match after.into_iter().find(|p| !before.contains(p)) {
        Some(p) => Err(p),
        None => Ok(()),
    }
}

/// Checks a new case and its touches: any impossible time refuses it.
pub fn check_new(case: &Case, touches: &[Touchpoint], clock: WriteClock) -> Result<(), Invalid> {
    refuse_new_problems(&[], time_problems(case, touches, clock))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::domain::{Channel, StartedBy, TouchOutcome};
    use chrono::{Duration, TimeZone};

    fn at(h: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap() + Duration::hours(h)
    }

    fn clock() -> WriteClock {
        WriteClock {
            now: at(100),
            allow_future: false,
        }
    }

    fn touch(h: i64) -> Touchpoint {
        Touchpoint::new(
            at(h),
            Channel::new("email").unwrap(),
            StartedBy::Customer,
            TouchOutcome::Sent,
        )
    }

    #[test]
    fn each_impossible_time_is_named_with_its_case_field_and_both_times() {
        let mut c = Case::new("x", "v", at(0));
        c.reference = Some("r1".into());
        assert!(check_new(&c, &[touch(0), touch(5)], clock()).is_ok());
        let e = check_new(&c, &[touch(-2)], clock()).unwrap_err();
        assert_eq!(e.field, "at");
        assert!(e.reason.contains("case r1"), "{e}");
        assert!(e.reason.contains(&local_text(at(-2))), "{e}");
        assert!(e.reason.contains(&local_text(at(0))), "{e}");
        c.resolved_at = Some(at(-1));
        assert_eq!(
            check_new(&c, &[], clock()).unwrap_err().field,
            "resolved_at"
        );
        let mut far = Case::new("x", "v", at(130));
        assert_eq!(
            check_new(&far, &[], clock()).unwrap_err().field,
            "opened_at"
        );
        assert!(check_new(
            &far,
            &[],
            WriteClock {
                allow_future: true,
                ..clock()
            }
        )
        .is_ok());
        far.opened_at = Utc.with_ymd_and_hms(1969, 12, 31, 0, 0, 0).unwrap();
        assert!(check_new(&far, &[], clock())
            .unwrap_err()
            .reason
            .contains("before 1970"));
    }

    #[test]
    fn a_resolution_before_a_touch_is_allowed() {
        let mut c = Case::new("x", "v", at(0));
        c.resolved_at = Some(at(2));
        assert!(check_new(&c, &[touch(1), touch(3)], clock()).is_ok());
    }

    #[test]
    fn problems_a_case_already_had_do_not_hold_up_another_change() {
        let c = Case::new("x", "v", at(0));
        let old = time_problems(&c, &[touch(-2)], clock());
        assert!(refuse_new_problems(&old, time_problems(&c, &[touch(-2)], clock())).is_ok());
        let worse = time_problems(&c, &[touch(-2), touch(-3)], clock());
        assert!(refuse_new_problems(&old, worse).is_err());
    }
}
