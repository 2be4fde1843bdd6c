//! Business calendars: an IANA zone, weekly opening hours, holidays, and
//! the arithmetic of open time between two instants.
//!
//! Opening hours are local wall times in the calendar's zone. Each opening
//! of a day is turned into real instants, so a daylight-saving change inside
//! an opening counts the time that really elapsed (an opening 00:00–04:00 on
//! the spring-forward night of New York lasts 3 hours, on the autumn night 5).
//! A wall time that does not exist (in a spring gap) means the first instant
//! after the gap; one that occurs twice (in an autumn overlap) means the
//! earlier reading for an opening's start and the later one for its end.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use std::collections::BTreeSet;

/// The built-in calendar: every hour of every day.
pub const ALWAYS_OPEN: &str = "24x7";

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadCalendar {
    #[error("unknown time zone '{0}': give an IANA name such as America/New_York or Europe/Paris")]
    Zone(String),
    #[error("bad hours '{0}': write days then times, such as \"mon-fri 09:00-17:00\" or \"sat 10:00-14:00\" (days mon…sun, times HH:MM up to 24:00, start before end)")]
    Hours(String),
    #[error("bad holiday '{0}': write it as YYYY-MM-DD")]
    Holiday(String),
    #[error("a calendar needs some opening hours")]
    NeverOpen,
}

/// A business calendar. Openings are minutes from local midnight, per
/// weekday (Monday first), sorted and merged.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    pub name: String,
    pub zone: Tz,
    /// What the user wrote, one line per `--hours`, kept for display.
    pub hours: Vec<String>,
    pub holidays: BTreeSet<NaiveDate>,
    week: [Vec<(u32, u32)>; 7],
}

fn parse_day(s: &str) -> Option<usize> {
    DAYS.iter().position(|d| s.eq_ignore_ascii_case(d))
}

fn parse_minutes(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

/// Parses one `--hours` value: days (`mon`, `mon-fri`, `sat,sun`, wrapping
/// ranges such as `fri-mon`) then one or more times (`09:00-12:00,13:00-17:00`).
pub fn parse_hours(text: &str) -> Result<Vec<(usize, u32, u32)>, BadCalendar> {
    let bad = || BadCalendar::Hours(text.to_string());
    let mut parts = text.split_whitespace();
    let (Some(days), Some(times), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    let mut day_list = Vec::new();
    for item in days.split(',') {
        match item.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (parse_day(a).ok_or_else(bad)?, parse_day(b).ok_or_else(bad)?);
                let mut d = a;
                loop {
                    day_list.push(d);
                    if d == b {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => day_list.push(parse_day(item).ok_or_else(bad)?),
        }
    }
    let mut out = Vec::new();
    for range in times.split(',') {
        let (a, b) = range.split_once('-').ok_or_else(bad)?;
        let (a, b) = (
            parse_minutes(a).ok_or_else(bad)?,
            parse_minutes(b).ok_or_else(bad)?,
        );
        if a >= b {
            return Err(bad());
        }
        out.extend(day_list.iter().map(|&d| (d, a, b)));
    }
    Ok(out)
}

/// Parses a list of holidays (YYYY-MM-DD).
pub fn parse_holidays(texts: &[String]) -> Result<BTreeSet<NaiveDate>, BadCalendar> {
    texts
        .iter()
        .map(|t| {
            NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d")
                .map_err(|_| BadCalendar::Holiday(t.clone()))
        })
        .collect()
}

impl Calendar {
    /// A calendar from what the user typed: a zone name, `--hours` lines and holidays.
    pub fn new(
        name: &str,
        zone: &str,
        hours: &[String],
        holidays: BTreeSet<NaiveDate>,
    ) -> Result<Calendar, BadCalendar> {
        let zone: Tz = zone
            .trim()
            .parse()
            .map_err(|_| BadCalendar::Zone(zone.to_string()))?;
        let mut week: [Vec<(u32, u32)>; 7] = Default::default();
        for line in hours {
            for (d, a, b) in parse_hours(line)? {
                week[d].push((a, b));
            }
        }
        if week.iter().all(Vec::is_empty) {
            return Err(BadCalendar::NeverOpen);
        }
        for day in &mut week {
            day.sort_unstable();
            let mut merged: Vec<(u32, u32)> = Vec::new();
            for &(a, b) in day.iter() {
                match merged.last_mut() {
                    Some(last) if a <= last.1 => last.1 = last.1.max(b),
                    _ => merged.push((a, b)),
                }
            }
            *day = merged;
        }
        Ok(Calendar {
            name: name.to_string(),
            zone,
            hours: hours.to_vec(),
            holidays,
            week,
        })
    }

    /// The built-in `24x7` calendar: calendar hours.
    pub fn always_open() -> Calendar {
        let mut cal = Calendar::new(
            ALWAYS_OPEN,
            "UTC",
            &["mon-sun 00:00-24:00".into()],
            BTreeSet::new(),
        )
        .unwrap_or_else(|_| unreachable!("the built-in calendar parses"));
        cal.hours = vec!["every day, all day (UTC)".into()];
        cal
    }

    /// A local wall time (minutes from a date's midnight) as an instant.
    fn instant(&self, date: NaiveDate, minutes: u32, is_end: bool) -> DateTime<Utc> {
        let mut naive = date.and_time(chrono::NaiveTime::MIN) + Duration::minutes(minutes.into());
        // A wall time in a spring gap: the first wall time after it that exists.
        for _ in 0..=48 * 60 {
            match self.zone.from_local_datetime(&naive) {
                LocalResult::Single(t) => return t.with_timezone(&Utc),
                LocalResult::Ambiguous(early, late) => {
                    return if is_end { late } else { early }.with_timezone(&Utc)
                }
                LocalResult::None => naive += Duration::minutes(1),
            }
        }
        naive.and_utc()
    }

    /// The openings of one local date, as instants; none on a holiday.
    fn openings(
        &self,
        date: NaiveDate,
    ) -> impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)> + '_ {
        let day = if self.holidays.contains(&date) {
            &[][..]
        } else {
            &self.week[date.weekday().num_days_from_monday() as usize][..]
        };
        day.iter()
            .map(move |&(a, b)| (self.instant(date, a, false), self.instant(date, b, true)))
    }

    fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.zone).date_naive()
    }

    /// Open time between two instants (zero when `to` is not after `from`).
    pub fn open_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        let mut total = Duration::zero();
        if to <= from {
            return total;
        }
        let mut date = self.local_date(from).pred_opt().unwrap_or(NaiveDate::MIN);
        let last = self.local_date(to).succ_opt().unwrap_or(NaiveDate::MAX);
        while date <= last {
            for (a, b) in self.openings(date) {
                let (a, b) = (a.max(from), b.min(to));
                if b > a {
                    total += b - a;
                }
            }
            match date.succ_opt() {
                Some(d) => date = d,
                None => break,
            }
        }
        total
    }

    /// The instant at which `amount` of open time has elapsed from `from`;
    /// None if the calendar is not open that long in the next ten years.
    pub fn add_open(&self, from: DateTime<Utc>, amount: Duration) -> Option<DateTime<Utc>> {
        if amount <= Duration::zero() {
            return Some(from);
        }
        let mut left = amount;
        let mut date = self.local_date(from).pred_opt()?;
        for _ in 0..3660 {
            for (a, b) in self.openings(date) {
                let a = a.max(from);
                if b <= a {
                    continue;
                }
                if b - a >= left {
                    return Some(a + left);
                }
                left -= b - a;
            }
            date = date.succ_opt()?;
        }
        None
    }

    /// The opening hours in the canonical form, one line per weekday that opens.
    pub fn week_lines(&self) -> Vec<String> {
        let hm = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
        DAYS.iter()
            .zip(&self.week)
            .filter(|(_, v)| !v.is_empty())
            .map(|(d, v)| {
                let times: Vec<String> = v
                    .iter()
                    .map(|&(a, b)| format!("{}-{}", hm(a), hm(b)))
                    .collect();
                format!("{d} {}", times.join(","))
            })
            .collect()
    }

    pub fn weekday_opens(&self, day: Weekday) -> bool {
        !self.week[day.num_days_from_monday() as usize].is_empty()
    }
}
