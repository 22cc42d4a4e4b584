//! [`Profile`]: a day's forecast of contacts per interval, given as data (TOML, JSON, CSV) or averaged from the
//! history of contact instants.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeDelta, Timelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::workload::positive;
use super::{Field, ProfileError, StaffingError};
use crate::duration;

const DAY_SECONDS: i64 = 86_400;

/// A day's forecast: the contacts expected in each interval of equal length, from a local time of day (`start`,
/// 00:00 by default) on, in an optional time zone. Interval `k` covers `[start + k × interval, start + (k+1) ×
/// interval)` of local wall-clock time, and the last one ends by midnight.
///
/// As text (TOML; JSON has the same keys):
///
/// ```toml
/// time_zone = "Asia/Shanghai"   # optional; needed to match specialists' calendars
/// interval = "30m"
/// start = "08:00"               # optional, 00:00 by default
/// contacts = [12, 30, 55, 61.5]
/// ```
///
/// or CSV, one interval a line, the interval length taken from the steps between the starts:
///
/// ```text
/// start,contacts
/// 08:00,12
/// 08:30,30
/// ```
///
/// ```
/// use chrono::{NaiveTime, TimeDelta};
/// use kefu::staffing::Profile;
///
/// let day = Profile::from_toml_str("interval = \"30m\"\nstart = \"08:00\"\ncontacts = [12, 30, 55]\n")?;
/// assert_eq!(day.interval(), TimeDelta::minutes(30));
/// assert_eq!(day.slots().nth(2), Some((NaiveTime::from_hms_opt(9, 0, 0).unwrap(), 55.0)));
/// assert_eq!(day, Profile::from_csv_str("start,contacts\n08:00,12\n08:30,30\n09:00,55\n")?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Profile {
    interval: TimeDelta,
    start: NaiveTime,
    contacts: Vec<f64>,
    time_zone: Option<Tz>,
}

/// The text shape of a profile.
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    time_zone: Option<String>,
    #[serde(with = "duration::human")]
    interval: TimeDelta,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    start: Option<String>,
    contacts: Vec<f64>,
}

impl Profile {
    /// A profile of `contacts` per `interval` from `start` (local time of day).
    ///
    /// # Errors
    ///
    /// A [`ProfileError`] when the interval is not more than zero, there are no intervals, a count is negative or
    /// not finite (`contacts[k]`), or the intervals run past midnight.
    pub fn new(interval: TimeDelta, start: NaiveTime, contacts: Vec<f64>) -> Result<Self, ProfileError> {
        if interval <= TimeDelta::zero() {
            return Err(ProfileError::new(
                "interval",
                format!("must be more than zero (got {})", duration::format(interval)),
            ));
        }
        if contacts.is_empty() {
            return Err(ProfileError::new("contacts", "no intervals: give at least one count"));
        }
        if let Some((k, c)) = contacts.iter().enumerate().find(|(_, c)| !(c.is_finite() && **c >= 0.0)) {
            return Err(ProfileError::new(
                format!("contacts[{k}]"),
                format!("must be a finite number of at least 0 (got {c})"),
            ));
        }
        let start_seconds = i64::from(start.num_seconds_from_midnight());
        let span = interval.num_seconds().saturating_mul(contacts.len() as i64);
        if start_seconds.saturating_add(span) > DAY_SECONDS {
            return Err(ProfileError::new(
                "contacts",
                format!(
                    "{} intervals of {} from {} run past midnight; a profile is one day",
                    contacts.len(),
                    duration::format(interval),
                    start.format("%H:%M")
                ),
            ));
        }
        Ok(Self { interval, start, contacts, time_zone: None })
    }

    /// The same profile, in the time zone `tz` (where its wall-clock times are read).
    #[must_use]
    pub fn with_time_zone(self, tz: Tz) -> Self {
        Self { time_zone: Some(tz), ..self }
    }

    /// Reads a profile from TOML text (see the [type documentation](Self) for the keys).
    ///
    /// # Errors
    ///
    /// Malformed TOML with line, column and key path, or an invalid profile ([`LoadError`](super::LoadError)).
    #[cfg(feature = "toml")]
    pub fn from_toml_str(text: &str) -> Result<Self, super::LoadError> {
        Self::from_file(crate::load::from_toml(text)?).map_err(crate::LoadError::Invalid)
    }

    /// Reads a profile from JSON text with the same keys as TOML.
    ///
    /// # Errors
    ///
    /// Malformed JSON with line, column and key path, or an invalid profile ([`LoadError`](super::LoadError)).
    #[cfg(feature = "json")]
    pub fn from_json_str(text: &str) -> Result<Self, super::LoadError> {
        Self::from_file(crate::load::from_json(text)?).map_err(crate::LoadError::Invalid)
    }

    fn from_file(file: ProfileFile) -> Result<Self, ProfileError> {
        let start = match file.start.as_deref() {
            None => NaiveTime::MIN,
            Some(text) => parse_time(text).map_err(|reason| ProfileError::new("start", reason))?,
        };
        let profile = Self::new(file.interval, start, file.contacts)?;
        match file.time_zone {
            None => Ok(profile),
            Some(name) => {
                let tz = name.parse::<Tz>().map_err(|_| {
                    ProfileError::new(
                        "time_zone",
                        format!("unknown time zone `{name}`; write an IANA name such as `Asia/Shanghai`"),
                    )
                })?;
                Ok(profile.with_time_zone(tz))
            }
        }
    }

    /// Reads a profile from CSV text: an optional header line (`start,contacts`), then one line per interval with
    /// its local start time (`08:30`) and its contacts. The starts must rise in equal steps (the interval); blank
    /// lines and lines starting with `#` are skipped. A single line is read as a one-hour interval.
    ///
    /// # Errors
    ///
    /// A [`ProfileError`] naming the line.
    pub fn from_csv_str(text: &str) -> Result<Self, ProfileError> {
        let mut rows: Vec<(usize, NaiveTime, f64)> = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let number = index + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let at = || format!("line {number}");
            let mut fields = line.split(',').map(str::trim);
            let (Some(time), Some(count), None) = (fields.next(), fields.next(), fields.next()) else {
                return Err(ProfileError::new(at(), "expected two fields: start,contacts"));
            };
            if rows.is_empty() && time.eq_ignore_ascii_case("start") {
                continue; // the header
            }
            let time = parse_time(time).map_err(|reason| ProfileError::new(at(), format!("start: {reason}")))?;
            let count: f64 =
                count.parse().map_err(|_| ProfileError::new(at(), format!("contacts: not a number: `{count}`")))?;
            if !(count.is_finite() && count >= 0.0) {
                return Err(ProfileError::new(
                    at(),
                    format!("contacts: must be a finite number of at least 0 (got {count})"),
                ));
            }
            rows.push((number, time, count));
        }
        let Some(&(_, start, _)) = rows.first() else {
            return Err(ProfileError::new("line 1", "no intervals: write lines `start,contacts`, e.g. `08:00,12`"));
        };
        let interval = match rows.get(1) {
            Some(&(_, second, _)) => second - start,
            None => TimeDelta::hours(1),
        };
        for pair in rows.windows(2) {
            let ((_, a, _), (number, b, _)) = (pair[0], pair[1]);
            if b - a != interval || interval <= TimeDelta::zero() {
                return Err(ProfileError::new(
                    format!("line {number}"),
                    format!(
                        "starts must rise in equal steps: {} follows {} but the first step is {}",
                        b.format("%H:%M"),
                        a.format("%H:%M"),
                        duration::format(interval)
                    ),
                ));
            }
        }
        let (last_line, ..) = rows[rows.len() - 1];
        Self::new(interval, start, rows.into_iter().map(|(_, _, c)| c).collect())
            .map_err(|e| ProfileError::new(format!("line {last_line}"), e.to_string()))
    }

    /// The forecast for `date`: for each interval of the day (from 00:00, `interval` long, which must divide a day
    /// evenly), the average count of `contacts` in that interval on the same weekday of the `weeks` weeks before
    /// (`date − 7 days`, `date − 14 days`, …), on the wall clock of `tz`. A past day without contacts counts as 0.
    ///
    /// Pure: the instants are an input, in any order; those outside the weeks averaged are ignored. Cost:
    /// O(instants + intervals).
    ///
    /// ```
    /// use chrono::{NaiveDate, TimeDelta, TimeZone};
    /// use chrono_tz::Asia::Shanghai;
    /// use kefu::staffing::Profile;
    ///
    /// // Calls at 09:10 on the last two Mondays, and at 09:20 on the one before; forecast Monday 16 November.
    /// let calls = [(2026, 11, 9, 9, 10), (2026, 11, 2, 9, 10), (2026, 11, 2, 9, 20), (2026, 10, 26, 9, 20)]
    ///     .map(|(y, m, d, h, min)| Shanghai.with_ymd_and_hms(y, m, d, h, min, 0).unwrap().to_utc());
    /// let monday = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
    /// let day = Profile::from_history(calls, Shanghai, monday, 2, TimeDelta::minutes(30))?;
    /// assert_eq!(day.contacts().len(), 48);
    /// assert_eq!(day.contacts()[18], 1.5); // 09:00-09:30: 1 and 2 calls on the two Mondays averaged
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`StaffingError::Invalid`] naming [`Field::Interval`] (not dividing a day evenly) or [`Field::Weeks`] (0).
    pub fn from_history(
        contacts: impl IntoIterator<Item = DateTime<Utc>>,
        tz: Tz,
        date: NaiveDate,
        weeks: u32,
        interval: TimeDelta,
    ) -> Result<Self, StaffingError> {
        positive(Field::Interval, interval)?;
        let step = interval.num_seconds();
        if interval.subsec_nanos() != 0 || DAY_SECONDS % step != 0 {
            return Err(StaffingError::invalid(
                Field::Interval,
                duration::format(interval),
                "must divide a day evenly (e.g. 15m, 30m, 1h)",
            ));
        }
        if weeks == 0 {
            return Err(StaffingError::invalid(Field::Weeks, weeks, "must be at least 1"));
        }
        let past: BTreeSet<NaiveDate> =
            (1..=weeks).filter_map(|k| date.checked_sub_days(chrono::Days::new(7 * u64::from(k)))).collect();
        let mut counts = vec![0u64; (DAY_SECONDS / step) as usize];
        for t in contacts {
            let local = t.with_timezone(&tz);
            if local.weekday() == date.weekday() && past.contains(&local.date_naive()) {
                let slot = i64::from(local.num_seconds_from_midnight()) / step;
                counts[slot as usize] += 1;
            }
        }
        let average = counts.into_iter().map(|c| c as f64 / f64::from(weeks)).collect();
        // A whole day of intervals that divide it: always a valid profile.
        Ok(Self { interval, start: NaiveTime::MIN, contacts: average, time_zone: Some(tz) })
    }

    /// The interval's length.
    #[must_use]
    pub fn interval(&self) -> TimeDelta {
        self.interval
    }

    /// The local start of the first interval.
    #[must_use]
    pub fn start(&self) -> NaiveTime {
        self.start
    }

    /// The contacts per interval.
    #[must_use]
    pub fn contacts(&self) -> &[f64] {
        &self.contacts
    }

    /// The time zone of the wall-clock times, if given.
    #[must_use]
    pub fn time_zone(&self) -> Option<Tz> {
        self.time_zone
    }

    /// Each interval's local start time and contacts.
    pub fn slots(&self) -> impl Iterator<Item = (NaiveTime, f64)> + '_ {
        self.contacts.iter().enumerate().map(|(k, &c)| (self.slot_start(k), c))
    }

    /// The contacts of the whole day.
    #[must_use]
    pub fn total(&self) -> f64 {
        self.contacts.iter().sum()
    }

    pub(crate) fn slot_start(&self, k: usize) -> NaiveTime {
        // Within the day: checked by `new`.
        self.start + TimeDelta::seconds(self.interval.num_seconds() * k as i64)
    }
}

/// `HH:MM` or `HH:MM:SS`.
fn parse_time(text: &str) -> Result<NaiveTime, String> {
    text.trim().parse::<NaiveTime>().map_err(|_| format!("not a time of day: `{text}`; write e.g. 08:30"))
}
