//! Report periods (rule B7): calendar months and quarters — or any run of whole days — in the desk's time zone.

use core::fmt;
use core::str::FromStr;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::error::PeriodError;

/// A span of whole local days a report covers: a calendar month (`2026-06`), a quarter (`2026-Q2`) or any run of
/// days (`2026-07-01..2026-07-15`, the end excluded). It is calendar-only; [`Period::bounds`] places it in a time
/// zone, so that a month begins at local midnight of its first day wherever the desk is.
///
/// ```
/// use kefu::report::Period;
///
/// let june = Period::month(2026, 6)?;
/// assert_eq!(june.to_string(), "2026-06");
/// assert_eq!("2026-Q2".parse::<Period>()?, Period::quarter(2026, 2)?);
/// assert_eq!(Period::quarter(2026, 2)?.months().len(), 3);
///
/// let (start, end) = june.bounds(chrono_tz::Asia::Shanghai)?;
/// assert_eq!(start.to_rfc3339(), "2026-05-31T16:00:00+00:00"); // local midnight, 1 June
/// assert_eq!(end.to_rfc3339(), "2026-06-30T16:00:00+00:00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    /// A calendar month.
    Month {
        /// The year.
        year: i32,
        /// The month, 1–12.
        month: u32,
    },
    /// A calendar quarter: Q1 is January to March.
    Quarter {
        /// The year.
        year: i32,
        /// The quarter, 1–4.
        quarter: u32,
    },
    /// Whole days from `from` up to `to` (excluded), e.g. a simulation's run.
    Days {
        /// The first day.
        from: NaiveDate,
        /// The first day after the period.
        to: NaiveDate,
    },
}

impl Period {
    /// The calendar month `month` (1–12) of `year`.
    ///
    /// # Errors
    ///
    /// [`PeriodError::Month`] for a month outside 1–12 or a year chrono cannot hold.
    pub fn month(year: i32, month: u32) -> Result<Self, PeriodError> {
        if NaiveDate::from_ymd_opt(year, month, 1).is_none() || first_of(year, month + 1).is_none() {
            return Err(PeriodError::Month { year, month });
        }
        Ok(Self::Month { year, month })
    }

    /// The calendar quarter `quarter` (1–4) of `year`.
    ///
    /// # Errors
    ///
    /// [`PeriodError::Quarter`] for a quarter outside 1–4 or a year chrono cannot hold.
    pub fn quarter(year: i32, quarter: u32) -> Result<Self, PeriodError> {
        if !(1..=4).contains(&quarter) || NaiveDate::from_ymd_opt(year, 1, 1).is_none() || first_of(year, 13).is_none()
        {
            return Err(PeriodError::Quarter { year, quarter });
        }
        Ok(Self::Quarter { year, quarter })
    }

    /// The days from `from` up to `to` (excluded).
    ///
    /// # Errors
    ///
    /// [`PeriodError::Days`] unless `from` is before `to`.
    pub fn days(from: NaiveDate, to: NaiveDate) -> Result<Self, PeriodError> {
        if from >= to {
            return Err(PeriodError::Days { from, to });
        }
        Ok(Self::Days { from, to })
    }

    /// The first day of the period.
    #[must_use]
    pub fn first_day(&self) -> NaiveDate {
        match *self {
            Self::Month { year, month } => first_of(year, month),
            Self::Quarter { year, quarter } => first_of(year, quarter.saturating_mul(3).saturating_sub(2)),
            Self::Days { from, .. } => Some(from),
        }
        .unwrap_or(NaiveDate::MIN)
    }

    /// The first day after the period.
    #[must_use]
    pub fn end_day(&self) -> NaiveDate {
        match *self {
            Self::Month { year, month } => first_of(year, month.saturating_add(1)),
            Self::Quarter { year, quarter } => first_of(year, quarter.saturating_mul(3).saturating_add(1)),
            Self::Days { to, .. } => Some(to),
        }
        .unwrap_or(NaiveDate::MAX)
    }

    /// The months of a quarter, in order; a month is its own single month; a run of days has none.
    #[must_use]
    pub fn months(&self) -> Vec<Period> {
        match *self {
            Self::Month { .. } => vec![*self],
            Self::Quarter { year, quarter } if (1..=4).contains(&quarter) => {
                (3 * quarter - 2..=3 * quarter).map(|month| Self::Month { year, month }).collect()
            }
            Self::Quarter { .. } => Vec::new(),
            Self::Days { .. } => Vec::new(),
        }
    }

    /// The period's first instant and the first instant after it: local midnight of the first day and of the end
    /// day in `tz`. Where a zone skips midnight (a DST change at 00:00), the day begins at its first existing
    /// instant.
    ///
    /// # Errors
    ///
    /// [`PeriodError::Days`] for a period built by hand that has no days (a month 13); [`PeriodError::Zone`] if a
    /// day has no instant at all in `tz` (it cannot happen with the IANA zones).
    pub fn bounds(&self, tz: Tz) -> Result<(DateTime<Utc>, DateTime<Utc>), PeriodError> {
        // A period built by hand with a month 13 or a quarter 0 has no days.
        if self.first_day() >= self.end_day() || self.first_day() == NaiveDate::MIN {
            return Err(PeriodError::Days { from: self.first_day(), to: self.end_day() });
        }
        Ok((day_start(self.first_day(), tz)?, day_start(self.end_day(), tz)?))
    }
}

/// The first day of month `month` of `year`, where month 13 is January of the next year.
fn first_of(year: i32, month: u32) -> Option<NaiveDate> {
    if month == 13 {
        NaiveDate::from_ymd_opt(year.checked_add(1)?, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month, 1)
    }
}

/// The first instant of local day `day` in `tz`.
pub(super) fn day_start(day: NaiveDate, tz: Tz) -> Result<DateTime<Utc>, PeriodError> {
    let midnight = day.and_time(NaiveTime::MIN);
    // A gap at midnight is at most a few hours; step forward a quarter-hour at a time to its end.
    (0..=96)
        .find_map(|step| tz.from_local_datetime(&(midnight + Duration::minutes(15 * step))).earliest())
        .map(|t| t.to_utc())
        .ok_or(PeriodError::Zone { day, zone: tz })
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Month { year, month } => write!(f, "{year:04}-{month:02}"),
            Self::Quarter { year, quarter } => write!(f, "{year:04}-Q{quarter}"),
            Self::Days { from, to } => write!(f, "{from}..{to}"),
        }
    }
}

impl FromStr for Period {
    type Err = PeriodError;

    /// Reads `2026-06`, `2026-Q2` (or `2026-q2`) and `2026-07-01..2026-07-15`.
    fn from_str(text: &str) -> Result<Self, PeriodError> {
        let bad = || PeriodError::Parse { text: text.to_owned() };
        let text = text.trim();
        if let Some((from, to)) = text.split_once("..") {
            let day = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| bad());
            return Self::days(day(from)?, day(to)?);
        }
        let (year, rest) = text.split_once('-').ok_or_else(bad)?;
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        if let Some(q) = rest.strip_prefix(['Q', 'q']) {
            if q.len() != 1 {
                return Err(bad());
            }
            return Self::quarter(year, q.parse().map_err(|_| bad())?);
        }
        if rest.len() != 2 || !rest.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        Self::month(year, rest.parse().map_err(|_| bad())?)
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The local Monday that begins the week of `t` in `tz`.
pub(super) fn week_of(t: DateTime<Utc>, tz: Tz) -> NaiveDate {
    let day = t.with_timezone(&tz).date_naive();
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_every_shape() {
        for text in ["2026-06", "2026-Q2", "2026-07-01..2026-07-15", "2026-12", "2026-Q4"] {
            assert_eq!(text.parse::<Period>().map(|p| p.to_string()).as_deref(), Ok(text));
        }
        for bad in ["2026-13", "2026-Q5", "2026-6", "26-06", "2026-Q", "2026-07-15..2026-07-01", "", "x"] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_quarter_is_its_months_end_to_end() {
        let q = Period::quarter(2026, 4).unwrap();
        let months = q.months();
        assert_eq!(months.first().map(Period::first_day), Some(q.first_day()));
        assert_eq!(months.last().map(Period::end_day), Some(q.end_day()));
        assert_eq!(q.end_day(), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
    }
}
