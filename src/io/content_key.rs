//! A stable key for an imported case that has neither `ref` nor `uid`, made
//! from what the case says (vendor, opening time, title and its first touch),
//! so that importing the same file twice finds the same cases again.

use crate::domain::case::in_time_order;
use crate::domain::time::to_rfc3339;
use crate::domain::{Case, Touchpoint};
use chrono::SubsecRound;

/// Put before the key, so that people can tell it from a ref of their own.
pub const PREFIX: &str = "content-";

/// 64-bit FNV-1a: small, and the same on every machine and Rust version
/// (the standard library's hasher promises neither).
fn fnv1a(bytes: &[u8], mut hash: u64) -> u64 {
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// Whitespace runs as single spaces, ends trimmed.
fn folded(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The key: `content-` and 16 hex digits over the vendor (any case), the
/// opening time (to the millisecond), the title (whitespace folded) and the
/// first touch's time, channel, starter, outcome and note.
pub fn content_key(case: &Case, touches: &[Touchpoint]) -> String {
    let mut parts = vec![
        folded(&case.vendor).to_lowercase(),
        to_rfc3339(case.opened_at.trunc_subsecs(3)),
        folded(&case.title),
    ];
    let mut sorted = touches.to_vec();
    in_time_order(&mut sorted);
    if let Some(t) = sorted.first() {
        parts.push(to_rfc3339(t.at.trunc_subsecs(3)));
        parts.push(t.channel.to_string());
        parts.push(t.started_by.to_string());
        parts.push(t.outcome.to_string());
        parts.push(t.note.trim().to_string());
    }
    // A separator that text cannot contain keeps "ab"+"c" apart from "a"+"bc".
    let hash = parts.iter().fold(0xcbf2_9ce4_8422_2325, |h, p| {
        fnv1a(&[0], fnv1a(p.as_bytes(), h))
    });
    format!("{PREFIX}{hash:016x}")
}

/// Gives every case without `ref` or `uid` its content key as its `ref`.
pub fn fill_missing(case: &mut Case, touches: &[Touchpoint]) {
    let no_ref = case
        .reference
        .as_deref()
        .is_none_or(|r| r.trim().is_empty());
    if no_ref && case.uid.trim().is_empty() {
        case.reference = Some(content_key(case, touches));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Channel, StartedBy, TouchOutcome};
    use chrono::{TimeZone, Utc};

    #[test]
    fn same_content_same_key_and_any_change_another() {
        let at = Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap();
        let case = Case::new("Router  drops\nWi-Fi", "Acme", at);
        let touch = Touchpoint::new(
            at,
            Channel::new("phone").unwrap(),
            StartedBy::Customer,
            TouchOutcome::Sent,
        );
        let key = content_key(&case, std::slice::from_ref(&touch));
        assert_eq!(key.len(), PREFIX.len() + 16);
        let mut same = Case::new("Router drops Wi-Fi", "ACME", at);
        assert_eq!(content_key(&same, std::slice::from_ref(&touch)), key);
        same.title = "Router drops Wi-Fi again".into();
        assert_ne!(content_key(&same, std::slice::from_ref(&touch)), key);
        assert_ne!(content_key(&case, &[]), key);
        let mut other_note = touch.clone();
        other_note.note = "hello".into();
        assert_ne!(content_key(&case, &[other_note]), key);
        // A ref or a uid of the file's own is kept.
        let mut with_ref = case.clone();
        with_ref.reference = Some("mine".into());
        fill_missing(&mut with_ref, &[]);
        assert_eq!(with_ref.reference.as_deref(), Some("mine"));
        let mut bare = case.clone();
        fill_missing(&mut bare, &[touch]);
        assert_eq!(bare.reference, Some(key));
    }
}
