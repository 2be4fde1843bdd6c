//! Parsing the times people type, and showing durations.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad time '{0}': use RFC 3339 (2024-05-01T14:30:00Z), YYYY-MM-DD, 'YYYY-MM-DD HH:MM' (local time), now, or -2d / -3h / -30m / -1w")]
pub struct BadTime(pub String);

/// Parses a time as the spec's `AT`: RFC 3339, a date (local midnight), a
/// local date and time, `now`, or a relative form such as `-2d`, `-3h`.
/// `now` and the local zone are given, so that the function is pure.
pub fn parse_at<Tz: TimeZone>(
    text: &str,
    now: DateTime<Utc>,
    local: &Tz,
) -> Result<DateTime<Utc>, BadTime> {
    let s = text.trim();
    let bad = || BadTime(text.to_string());
    if s.eq_ignore_ascii_case("now") {
        return Ok(now);
    }
    if let Some(rel) = s.strip_prefix('-').or_else(|| s.strip_prefix('+')) {
        let sign = if s.starts_with('-') { -1 } else { 1 };
        let (num, unit) = rel.split_at(rel.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?);
        let n: i64 = num.parse().map_err(|_| bad())?;
        if n > 100_000 {
            return Err(bad());
        }
        let d = match unit {
            "m" | "min" => Duration::minutes(n),
            "h" => Duration::hours(n),
            "d" => Duration::days(n),
            "w" => Duration::weeks(n),
            _ => return Err(bad()),
        };
        return Ok(now + d * sign);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(s, fmt) {
            return local_to_utc(naive, local).ok_or_else(bad);
        }
    }
    if let Ok(date) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let naive = date.and_hms_opt(0, 0, 0).ok_or_else(bad)?;
        return local_to_utc(naive, local).ok_or_else(bad);
    }
    Err(bad())
}

/// A logged time more than this far ahead of now is taken for a typo: the
/// app asks, the command line wants `--future`.
pub const FUTURE_SLACK: Duration = Duration::hours(24);

/// Whether a time a user logs is further ahead of now than a day.
pub fn far_ahead(at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    at > now + FUTURE_SLACK
}

/// A local wall-clock time in UTC; in a DST gap the time does not exist
/// (None); in an overlap the earlier reading is taken.
pub fn local_to_utc<Tz: TimeZone>(naive: NaiveDateTime, local: &Tz) -> Option<DateTime<Utc>> {
    match local.from_local_datetime(&naive) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, _) => Some(a.with_timezone(&Utc)),
        LocalResult::None => None,
    }
}

/// RFC 3339 in UTC, to the second (or the millisecond when there is one).
pub fn to_rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// Milliseconds since the epoch, the storage form.
pub fn to_millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub fn from_millis(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Hours as a float, the unit of every report figure.
pub fn hours(d: Duration) -> f64 {
    d.num_milliseconds() as f64 / 3_600_000.0
}

/// A short human duration: "45m", "5h 20m", "3d 4h", "2y 10d".
pub fn short_duration(d: Duration) -> String {
    let mins = d.num_minutes();
    let sign = if mins < 0 { "-" } else { "" };
    let m = mins.abs();
    let (days, hours, minutes) = (m / 1440, (m % 1440) / 60, m % 60);
    if days >= 365 {
        format!("{sign}{}y {}d", days / 365, days % 365)
    } else if days > 0 {
        format!("{sign}{days}d {hours}h")
    } else if hours > 0 {
        format!("{sign}{hours}h {minutes}m")
    } else {
        format!("{sign}{minutes}m")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 5, 10, 12, 0, 0).unwrap()
    }

    #[test]
    fn every_form_of_the_spec() {
        let la = FixedOffset::west_opt(7 * 3600).unwrap();
        let p = |s| parse_at(s, now(), &la).map(to_rfc3339);
        assert_eq!(p("now").unwrap(), "2024-05-10T12:00:00Z");
        assert_eq!(p("-2d").unwrap(), "2024-05-08T12:00:00Z");
        assert_eq!(p("-3h").unwrap(), "2024-05-10T09:00:00Z");
        assert_eq!(p("-30m").unwrap(), "2024-05-10T11:30:00Z");
        assert_eq!(p("-1w").unwrap(), "2024-05-03T12:00:00Z");
        assert_eq!(
            p("2019-03-01T09:00:00-08:00").unwrap(),
            "2019-03-01T17:00:00Z"
        );
        assert_eq!(p("2024-05-01").unwrap(), "2024-05-01T07:00:00Z");
        assert_eq!(p("2024-05-01 14:30").unwrap(), "2024-05-01T21:30:00Z");
    }

    #[test]
    fn rejects_what_is_not_a_time() {
        let utc = Utc;
        for bad in [
            "",
            "yesterday",
            "2024-13-01",
            "2024-02-30",
            "-2x",
            "-d",
            "12:30",
            "2024-05-01 25:00",
        ] {
            assert!(
                parse_at(bad, now(), &utc).is_err(),
                "{bad} should be rejected"
            );
        }
    }

    #[test]
    fn short_durations() {
        assert_eq!(short_duration(Duration::minutes(45)), "45m");
        assert_eq!(short_duration(Duration::minutes(320)), "5h 20m");
        assert_eq!(short_duration(Duration::hours(76)), "3d 4h");
        assert_eq!(short_duration(Duration::days(740)), "2y 10d");
    }
}
