//! The calendar's errors: one enum for defining a calendar, one for computing with it.

use chrono::{DateTime, NaiveDate, Utc};

use super::hours::OpeningInterval;

/// A calendar definition that cannot be used. Each variant names the field at fault (`week.mon`,
/// `holidays[2].to`, …) so the message points at the line to change.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DefinitionError {
    /// `time_zone` is not an IANA time-zone name. Use a name such as `Asia/Shanghai` or `Europe/Amsterdam`.
    #[error("time_zone: unknown IANA time zone `{name}` (expected a name such as `Asia/Shanghai`)")]
    UnknownTimeZone {
        /// The name that was given.
        name: String,
    },
    /// Two opening intervals of one day overlap. Merge them or correct one end.
    #[error("{field}: opening intervals `{first}` and `{second}` overlap")]
    OverlappingHours {
        /// Where the day's hours are defined, e.g. `week.mon` or `workdays[0].hours`.
        field: String,
        /// The earlier interval.
        first: OpeningInterval,
        /// The interval that starts before `first` ends.
        second: OpeningInterval,
    },
    /// A holiday range ends before it starts.
    #[error("holidays[{index}]: `to` ({to}) is before `from` ({from})")]
    HolidayEndsBeforeStart {
        /// Position of the holiday in the list.
        index: usize,
        /// First closed date.
        from: NaiveDate,
        /// Last closed date.
        to: NaiveDate,
    },
    /// A holiday range longer than [`MAX_HOLIDAY_DAYS`](super::MAX_HOLIDAY_DAYS). Split it or check the years.
    #[error("holidays[{index}]: the range {from}..={to} is longer than {max} days; check the years", max = super::MAX_HOLIDAY_DAYS)]
    HolidayTooLong {
        /// Position of the holiday in the list.
        index: usize,
        /// First closed date.
        from: NaiveDate,
        /// Last closed date.
        to: NaiveDate,
    },
    /// A make-up working day without any opening hours. Give it `hours`, or delete it.
    #[error("workdays[{index}]: the make-up working day {date} has no hours")]
    WorkdayWithoutHours {
        /// Position of the working day in the list.
        index: usize,
        /// Its date.
        date: NaiveDate,
    },
    /// The same date is declared a make-up working day twice.
    #[error("workdays[{index}]: {date} is already a make-up working day (workdays[{first}])")]
    DuplicateWorkday {
        /// Position of the second declaration.
        index: usize,
        /// Position of the first declaration.
        first: usize,
        /// The date.
        date: NaiveDate,
    },
    /// A date is both a holiday and a make-up working day. Remove it from one of the two lists.
    #[error("workdays[{index}]: {date} is also a holiday (holidays[{holiday}])")]
    WorkdayIsHoliday {
        /// Position of the working day.
        index: usize,
        /// Position of the holiday range that contains the date.
        holiday: usize,
        /// The date.
        date: NaiveDate,
    },
    /// A date outside the years this library computes with.
    #[error("{field}: {date} is outside the supported years {}..{}", super::SUPPORTED_YEARS.start, super::SUPPORTED_YEARS.end)]
    DateOutOfRange {
        /// Where the date is.
        field: String,
        /// The date.
        date: NaiveDate,
    },
}

/// A computation the calendar cannot answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// The calendar has no opening hours at or after the instant (within the supported years): it is never open.
    #[error("calendar{} is never open at or after {}", label(.calendar), .after.to_rfc3339())]
    NeverOpen {
        /// The calendar's name, if it has one.
        calendar: Option<String>,
        /// The instant from which an opening was sought.
        after: DateTime<Utc>,
    },
    /// An instant, or a result, outside the supported years.
    #[error("{what} falls outside the supported years {}..{}", super::SUPPORTED_YEARS.start, super::SUPPORTED_YEARS.end)]
    OutOfRange {
        /// What was out of range, e.g. `the instant 2300-01-01T00:00:00Z` or `the result of adding 500 years`.
        what: String,
    },
    /// A negative duration where only durations of zero or more are meaningful (use [`Calendar::between`](super::Calendar::between) to measure backwards).
    #[error("negative duration {seconds} s: business durations to add must be zero or more")]
    NegativeDuration {
        /// The duration that was given, in seconds.
        seconds: i64,
    },
}

fn label(name: &Option<String>) -> String {
    name.as_deref().map(|n| format!(" `{n}`")).unwrap_or_default()
}

/// A calendar text that cannot be loaded: malformed TOML/JSON (with line, column and key path), or a definition
/// error naming its field ([`LoadError::Invalid`](crate::LoadError::Invalid)).
pub type LoadError = crate::LoadError<DefinitionError>;
