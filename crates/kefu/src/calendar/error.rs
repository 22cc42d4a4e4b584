//! The calendar's errors: one enum for defining a calendar, one for computing with it.
//!
//! Messages show instants on the calendar's own wall clock, with its offset (`2026-10-08T09:30:00+08:00`), and
//! quote user values cut to [`QUOTE_MAX`] characters: a megabyte of garbage in a file gives a one-line message.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;

use super::hours::OpeningInterval;

/// The most characters of a user's value a message repeats.
pub(crate) const QUOTE_MAX: usize = 80;

/// A user's value for a message: whole when short, else its first [`QUOTE_MAX`] characters and an ellipsis.
pub(crate) fn shorten(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(QUOTE_MAX) {
        None => Cow::Borrowed(text),
        Some((end, _)) => Cow::Owned(format!("{}…", &text[..end])),
    }
}

/// A user's value for a message, in backticks, [shortened](shorten) with its whole length when long
/// (`` `aaaa…` (12000 characters) ``).
pub(crate) fn quote(text: &str) -> String {
    let short = shorten(text);
    match short {
        Cow::Borrowed(_) => format!("`{text}`"),
        Cow::Owned(short) => format!("`{short}` ({} characters)", text.chars().count()),
    }
}

/// A calendar definition that cannot be used. Each variant names the field at fault (`week.mon`,
/// `holidays[2].to`, …) so the message points at the line to change.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DefinitionError {
    /// `time_zone` is not an IANA time-zone name. Use a name such as `Asia/Shanghai` or `Europe/Amsterdam`.
    #[error("time_zone: unknown IANA time zone {} (expected a name such as `Asia/Shanghai`)", quote(.name))]
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
    /// Every day of the week is closed and there is no make-up working day: the calendar would never open, and
    /// every computation would fail. Give at least one day hours.
    #[error(
        "the calendar has no opening hours: every day of `week` is closed and there are no `workdays` (give a day hours, e.g. `week.mon = [\"09:00-17:00\"]`)"
    )]
    NoOpeningHours,
    /// `covers.to` is before `covers.from`.
    #[error("covers: `to` ({to}) is before `from` ({from})")]
    CoverageEndsBeforeStart {
        /// First covered date.
        from: NaiveDate,
        /// Last covered date.
        to: NaiveDate,
    },
    /// A holiday or make-up day outside the dates the calendar declares it covers: widen `covers`, or correct the
    /// date.
    #[error(
        "{field}: {date} is outside the dates the calendar covers ({from}..={to}); widen `covers` or correct the date"
    )]
    OutsideCoverage {
        /// Where the date is, e.g. `holidays[2].to`.
        field: String,
        /// The date.
        date: NaiveDate,
        /// First covered date.
        from: NaiveDate,
        /// Last covered date.
        to: NaiveDate,
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

/// A computation the calendar cannot answer. Instants are on the calendar's wall clock.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// The calendar has no opening hours at or after the instant (within the supported years): it is never open.
    #[error("calendar{} is never open at or after {}", label(.calendar), .after.to_rfc3339())]
    NeverOpen {
        /// The calendar's name, if it has one.
        calendar: Option<String>,
        /// The instant from which an opening was sought, in the calendar's time zone.
        after: DateTime<Tz>,
    },
    /// An instant, or a result, outside the supported years.
    #[error("{what} falls outside the supported years {}..{}", super::SUPPORTED_YEARS.start, super::SUPPORTED_YEARS.end)]
    OutOfRange {
        /// What was out of range, e.g. `the instant 2300-01-01T08:00:00+08:00` or `the result of adding 7200 s to
        /// 2199-12-31T17:00:00+08:00`.
        what: String,
    },
    /// The computation needs the hours of a date outside the dates the calendar's holidays and make-up days are
    /// declared for (its `covers`), and the calendar refuses to guess them. Add that period's holidays and widen
    /// `covers`, or opt into the plain week outside it (`covers.outside = "weekly"`,
    /// [`Calendar::with_outside_coverage`](super::Calendar::with_outside_coverage)).
    #[error(
        "calendar{} lists its holidays and make-up days for {from}..={to} only, and this needs {date}; add that period and widen `covers`, or set `covers.outside = \"weekly\"` to follow the plain week outside it",
        label(.calendar)
    )]
    OutsideCoverage {
        /// The calendar's name, if it has one.
        calendar: Option<String>,
        /// The first covered date.
        from: NaiveDate,
        /// The last covered date.
        to: NaiveDate,
        /// The first date needed outside them.
        date: NaiveDate,
    },
    /// A negative duration where only durations of zero or more are meaningful (use [`Calendar::between`](super::Calendar::between) to measure backwards).
    #[error("negative duration {seconds} s: business durations to add must be zero or more")]
    NegativeDuration {
        /// The duration that was given, in seconds.
        seconds: i64,
    },
}

fn label(name: &Option<String>) -> String {
    name.as_deref().map(|n| format!(" {}", quote(n))).unwrap_or_default()
}

/// A calendar text that cannot be loaded: malformed TOML/JSON (with line, column and key path), or a definition
/// error naming its field ([`LoadError::Invalid`](crate::LoadError::Invalid)).
pub type LoadError = crate::LoadError<DefinitionError>;
