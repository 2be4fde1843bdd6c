//! Parsing the times people type, and showing durations.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad time '{0}': use {FORMS}")]
pub struct BadTime(pub String);

/// The forms a time can take, as the forms' hints and the error list them.
pub const FORMS: &str = "now, 14:00 (today), tomorrow, yesterday (this time of day; or \
'tomorrow 09:30'), +1d / -2d / -3h / -30m / -1w, YYYY-MM-DD, 'YYYY-MM-DD HH:MM' (local time), \
'MM/DD/YYYY HH:MM AM', or RFC 3339 (2024-05-01T14:30:00Z)";

/// Parses a time as the spec's `AT`: RFC 3339, a date (local midnight), a
/// local date and time, `now`, a relative form such as `-2d`, `+3h`, a
/// local time of today (`14:00`), or `today`, `tomorrow`, `yesterday`
/// (at the current time of day, or at a time given after them).
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
    let lower = s.to_lowercase();
    let (day, rest) = lower.split_once(' ').unwrap_or((lower.as_str(), ""));
    let shift = match day {
        "today" => Some(0),
        "tomorrow" => Some(1),
        "yesterday" => Some(-1),
        _ => None,
    };
    let today = now.with_timezone(local).date_naive();
    if let Some(days) = shift {
        let date = today + Duration::days(days);
        let rest = rest.trim();
        let time = if rest.is_empty() {
            now.with_timezone(local).time()
        } else {
            NaiveTime::parse_from_str(rest, "%H:%M").map_err(|_| bad())?
        };
        return local_to_utc(date.and_time(time), local).ok_or_else(bad);
    }
    if let Ok(time) = NaiveTime::parse_from_str(s, "%H:%M") {
        return local_to_utc(today.and_time(time), local).ok_or_else(bad);
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
    // The United States' way, as help desks export it: month first, a
    // 12-hour clock with AM/PM (or a 24-hour one), local time.
    for fmt in [
        "%m/%d/%Y %I:%M %p",
        "%m/%d/%Y %I:%M%p",
        "%m/%d/%Y %I:%M:%S %p",
        "%m/%d/%Y %H:%M",
        "%m/%d/%Y %H:%M:%S",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(s, fmt) {
            return local_to_utc(naive, local).ok_or_else(bad);
        }
    }
    for fmt in ["%Y-%m-%d", "%m/%d/%Y"] {
        if let Ok(date) = NaiveDate::parse_from_str(s, fmt) {
            let naive = date.and_hms_opt(0, 0, 0).ok_or_else(bad)?;
            return local_to_utc(naive, local).ok_or_else(bad);
        }
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

/// The machine's clock, or the RFC 3339 time in CASEBOOK_CLOCK (benchmarks
/// and tests that need the real clock at a chosen instant); Err: that text.
pub fn machine_clock() -> Result<DateTime<Utc>, String> {
    match std::env::var("CASEBOOK_CLOCK") {
        Ok(t) => DateTime::parse_from_rfc3339(&t)
            .map(|x| x.with_timezone(&Utc))
            .map_err(|_| t),
        Err(_) => Ok(Utc::now()),
    }
}

/// A time as people read it here: local, to the minute ("2026-03-02 09:00").
pub fn local_text(t: DateTime<Utc>) -> String {
    t.with_timezone(&chrono::Local)
        .format("%Y-%m-%d %H:%M")
        .to_string()
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

/// Rewrites every "YYYY-MM-DD HH:MM UTC" in a text (flag explanations say
/// their times so) in the given zone, as "YYYY-MM-DD HH:MM": one clock on
/// screen. Anything else is left as it is.
pub fn localize_utc_times<Tz: TimeZone>(text: &str, zone: &Tz) -> String
where
    Tz::Offset: std::fmt::Display,
{
    const STAMP: usize = "2024-05-01 14:30".len();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find(" UTC") {
        let head = &rest[..pos];
        let parsed = head
            .len()
            .checked_sub(STAMP)
            .filter(|&start| head.is_char_boundary(start))
            .and_then(|start| {
                NaiveDateTime::parse_from_str(&head[start..], "%Y-%m-%d %H:%M")
                    .ok()
                    .map(|t| (start, t))
            });
        match parsed {
            Some((start, t)) => {
                out.push_str(&head[..start]);
                let local = t.and_utc().with_timezone(zone);
                out.push_str(&local.format("%Y-%m-%d %H:%M").to_string());
            }
            None => out.push_str(&rest[..pos + 4]),
        }
        rest = &rest[pos + 4..];
    }
    out.push_str(rest);
    out
}

/// A case's age in at most 7 characters, for table columns: "5h 12m",
/// "12d 16h", past 99 days only the days ("211d"), past a year "1y 32d".
pub fn age_text(d: Duration) -> String {
    // An age is never negative (a case logged ahead of the clock is 0m old).
    let d = d.max(Duration::zero());
    let days = d.num_days();
    if (100..365).contains(&days) {
        format!("{days}d")
    } else {
        short_duration(d)
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
    fn month_first_with_am_and_pm() {
        let la = FixedOffset::west_opt(7 * 3600).unwrap();
        let p = |s| parse_at(s, now(), &la).map(to_rfc3339);
        assert_eq!(p("05/01/2024 02:30 PM").unwrap(), "2024-05-01T21:30:00Z");
        assert_eq!(p("5/1/2024 2:30 pm").unwrap(), "2024-05-01T21:30:00Z");
        assert_eq!(p("05/01/2024 12:05 AM").unwrap(), "2024-05-01T07:05:00Z");
        assert_eq!(p("05/01/2024 12:05 PM").unwrap(), "2024-05-01T19:05:00Z");
        assert_eq!(p("05/01/2024 02:30PM").unwrap(), "2024-05-01T21:30:00Z");
        assert_eq!(p("05/01/2024 14:30").unwrap(), "2024-05-01T21:30:00Z");
        assert_eq!(p("05/01/2024").unwrap(), "2024-05-01T07:00:00Z");
        // Still refused: a 13th month, an hour past 12 with PM.
        assert!(p("13/01/2024 02:30 PM").is_err());
        assert!(p("05/01/2024 14:30 PM").is_err());
    }

    #[test]
    fn the_words_people_type() {
        // Now is 2024-05-10 05:00 in Los Angeles (UTC−7).
        let la = FixedOffset::west_opt(7 * 3600).unwrap();
        let p = |s| parse_at(s, now(), &la).map(to_rfc3339);
        assert_eq!(p("+1d").unwrap(), "2024-05-11T12:00:00Z");
        assert_eq!(p("tomorrow").unwrap(), "2024-05-11T12:00:00Z");
        assert_eq!(p("Yesterday").unwrap(), "2024-05-09T12:00:00Z");
        assert_eq!(p("today").unwrap(), "2024-05-10T12:00:00Z");
        // 14:00 in LA today is 21:00 UTC.
        assert_eq!(p("14:00").unwrap(), "2024-05-10T21:00:00Z");
        assert_eq!(p("tomorrow 09:30").unwrap(), "2024-05-11T16:30:00Z");
        // Late in the evening in LA it is already tomorrow in UTC: "today" is LA's.
        let late = Utc.with_ymd_and_hms(2024, 5, 11, 5, 0, 0).unwrap();
        assert_eq!(
            to_rfc3339(parse_at("08:00", late, &la).unwrap()),
            "2024-05-10T15:00:00Z"
        );
        assert!(parse_at("tomorrow noon", now(), &la).is_err());
        assert!(parse_at("25:00", now(), &la).is_err());
    }

    #[test]
    fn explanations_speak_the_local_clock() {
        let la = FixedOffset::west_opt(7 * 3600).unwrap();
        assert_eq!(
            localize_utc_times(
                "promised by 2026-11-22 15:43 UTC and 2026-11-23 01:00 UTC",
                &la
            ),
            "promised by 2026-11-22 08:43 and 2026-11-22 18:00"
        );
        assert_eq!(
            localize_utc_times("UTC is a zone; x UTC", &la),
            "UTC is a zone; x UTC"
        );
    }

    #[test]
    fn ages_fit_seven_characters() {
        assert_eq!(age_text(Duration::hours(211 * 24 + 16)), "211d");
        assert_eq!(age_text(Duration::hours(99 * 24 + 16)), "99d 16h");
        assert_eq!(age_text(Duration::days(397)), "1y 32d");
        assert_eq!(age_text(Duration::minutes(312)), "5h 12m");
    }

    #[test]
    fn rejects_what_is_not_a_time() {
        let utc = Utc;
        for bad in [
            "",
            "someday",
            "2024-13-01",
            "2024-02-30",
            "-2x",
            "-d",
            "12:30pm",
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
