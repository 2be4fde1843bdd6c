//! Reading a touch's note for words that say what came of it ("went silent",
//! "no record of"…), so the form can propose an outcome. Only a proposal:
//! the user takes it with one key, or ignores it.

use crate::domain::TouchOutcome;

/// An outcome the note points to, and the words that point to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Suggestion {
    pub outcome: TouchOutcome,
    pub phrase: &'static str,
}

/// Phrases per outcome, first match wins (in this order).
const PHRASES: &[(TouchOutcome, &[&str])] = &[
    (
        TouchOutcome::Dropped,
        &[
            "went silent",
            "hung up",
            "hang up",
            "line went dead",
            "call dropped",
            "got disconnected",
            "was disconnected",
            "chat closed",
            "chat ended",
            "silence",
        ],
    ),
    (
        TouchOutcome::NoRecord,
        &[
            "no record of",
            "no record",
            "no order in the system",
            "couldn't find my order",
            "could not find my order",
            "can't find my order",
        ],
    ),
    (
        TouchOutcome::Unreachable,
        &[
            "couldn't find a number",
            "could not find a number",
            "can't find a number",
            "cannot find a number",
            "no phone number",
            "no way to reach",
            "no way to contact",
            "hides the number",
        ],
    ),
    (
        TouchOutcome::Promise,
        &[
            "call back",
            "call me back",
            "get back to",
            "will call",
            "will email",
            "will look into",
            "promised",
        ],
    ),
];

/// The outcome a note suggests, if any. Case and curly apostrophes do not matter.
pub fn outcome_from_note(note: &str) -> Option<Suggestion> {
    let text = note.to_lowercase().replace(['\u{2019}', '\u{2018}'], "'");
    PHRASES.iter().find_map(|(outcome, phrases)| {
        phrases
            .iter()
            .find(|p| text.contains(*p))
            .map(|p| Suggestion {
                outcome: *outcome,
                phrase: p,
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_phrases() {
        let o = |s: &str| outcome_from_note(s).map(|s| s.outcome);
        assert_eq!(
            o("Rep went silent for a minute"),
            Some(TouchOutcome::Dropped)
        );
        assert_eq!(o("They HUNG UP on me"), Some(TouchOutcome::Dropped));
        assert_eq!(
            o("Said there is no record of my order"),
            Some(TouchOutcome::NoRecord)
        );
        assert_eq!(
            o("I couldn’t find a number anywhere"),
            Some(TouchOutcome::Unreachable)
        );
        assert_eq!(
            o("Agent will call back tomorrow"),
            Some(TouchOutcome::Promise)
        );
        assert_eq!(o("Fixed on the call"), None);
    }
}
