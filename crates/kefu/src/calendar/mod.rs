//! Business calendars: when a service desk is open, and business-time arithmetic on real clocks.
//!
//! A [`Calendar`] is an IANA time zone, weekly opening hours (several intervals a day), holidays (closed dates or
//! date ranges) and **make-up working days** (调休: dates that are open although they fall on a weekend, with their
//! own hours). Every SLA clock measured in business time (rules B4, B5, B6, C4, C5 of the domain) runs on one, and
//! so do customers' quiet hours (B9).
//!
//! # Boundary rules
//!
//! * Opening intervals are half-open: open at `09:00:00`, closed at `12:00:00`.
//! * [`Calendar::add`] of a duration that ends exactly at a closing time returns **the closing instant**, not the
//!   next opening; adding zero to an instant outside opening hours returns **the next opening**.
//! * Business time is real elapsed time: on a daylight-saving day an interval lasts as long as it really does
//!   (`01:00-04:00` is two hours on the night clocks go forward, four on the night they go back). A wall-clock
//!   time skipped by the clocks maps to the instant of the jump; a repeated one opens at its first occurrence and
//!   closes at its last.
//! * The calendar is open on the union of every date's intervals as real time. When the clocks go back across
//!   midnight (America/St_Johns at 00:01 until 2007), a date's last hour reaches into instants of the next date;
//!   those instants are open, and counted once however many dates claim them.
//! * Arithmetic is defined for instants in the years [`SUPPORTED_YEARS`] (1970 to 2199); beyond that, and for a
//!   calendar that never opens again, the answer is a [`CalendarError`], never a hang. A calendar that has no
//!   opening hours at all is refused when it is defined ([`DefinitionError::NoOpeningHours`]).
//!
//! # Holiday coverage
//!
//! Holidays are known a year at a time. A calendar may declare the dates its holidays and make-up days are complete
//! for ([`CoverageSpec`], `covers = { from = "2026-01-01", to = "2026-12-31" }`); a computation that needs the hours
//! of a date outside them is then refused with [`CalendarError::OutsideCoverage`], naming the coverage and the
//! date, unless the calendar opts into the plain week outside (`covers.outside = "weekly"` in the file,
//! [`Calendar::with_outside_coverage`] in code). A calendar that declares no coverage follows the plain week on
//! every date it does not list, as before.
//!
//! ```
//! use chrono::{DateTime, TimeDelta, Utc};
//! use kefu::calendar::{Calendar, CalendarError};
//!
//! let desk = Calendar::from_toml_str(r#"
//!     time_zone = "Asia/Shanghai"
//!     week = { mon = ["09:00-18:00"], tue = ["09:00-18:00"], wed = ["09:00-18:00"], thu = ["09:00-18:00"],
//!              fri = ["09:00-18:00"] }
//!     holidays = [{ from = "2026-10-01", to = "2026-10-07", name = "National Day" }]
//!     covers = { from = "2026-01-01", to = "2026-12-31" }
//! "#)?;
//! let thursday: DateTime<Utc> = "2026-12-31T17:30:00+08:00".parse()?;
//! // Half an hour on 31 December, the rest on 1 January 2027, a holiday the calendar does not know of.
//! let err = desk.add(thursday, TimeDelta::hours(1)).unwrap_err();
//! assert!(matches!(err, CalendarError::OutsideCoverage { date, .. } if date.to_string() == "2027-01-01"), "{err}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Cost
//!
//! A time zone is read into a table of its offset changes once per process (about a millisecond: the instants from
//! the IANA database, the offsets from chrono-tz) and shared by every calendar in that zone. A calendar's first computation then lists its irregular weeks — those with a
//! holiday or make-up day, or a clock change inside opening hours — with prefix sums over them (tens of
//! microseconds). After that, `add` and `between` walk at most the two partial weeks at the ends of a span and jump
//! over everything in between in O(log n): the cost depends neither on the span's length nor on the number of
//! holidays crossed. `add_working_days` skips runs of weeks without exceptions and walks the weeks that have some.
//! Clones share all of it.
//!
//! # Example
//!
//! ```
//! use chrono::{TimeDelta, TimeZone};
//! use chrono_tz::Asia::Shanghai;
//! use kefu::calendar::Calendar;
//!
//! let desk = Calendar::from_toml_str(r#"
//!     time_zone = "Asia/Shanghai"
//!     [week]
//!     mon = ["09:00-12:00", "13:30-18:00"]
//!     tue = ["09:00-12:00", "13:30-18:00"]
//!     wed = ["09:00-12:00", "13:30-18:00"]
//!     thu = ["09:00-12:00", "13:30-18:00"]
//!     fri = ["09:00-12:00", "13:30-18:00"]
//!     [[holidays]]
//!     from = "2026-10-01"
//!     to = "2026-10-07"
//!     name = "National Day"
//!     [[workdays]]
//!     date = "2026-10-10"
//!     hours = ["09:00-12:00", "13:30-18:00"]
//! "#)?;
//!
//! // A problem reported on Wednesday 30 September at 17:30 must be handled within one business hour (rule B6):
//! // half an hour that evening, the rest on Thursday 8 October, after the National Day holiday.
//! let found = Shanghai.with_ymd_and_hms(2026, 9, 30, 17, 30, 0).unwrap().to_utc();
//! let due = desk.add(found, TimeDelta::hours(1))?;
//! assert_eq!(due, Shanghai.with_ymd_and_hms(2026, 10, 8, 9, 30, 0).unwrap().to_utc());
//! assert_eq!(desk.between(found, due)?, TimeDelta::hours(1));
//!
//! // Found on Friday 9 October at 17:30: the make-up Saturday that follows is a working day.
//! let found = Shanghai.with_ymd_and_hms(2026, 10, 9, 17, 30, 0).unwrap().to_utc();
//! let due = desk.add(found, TimeDelta::hours(1))?;
//! assert_eq!(due, Shanghai.with_ymd_and_hms(2026, 10, 10, 9, 30, 0).unwrap().to_utc());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod hours;
mod set;
mod spec;
mod walk;
mod zone;

use core::fmt;
use core::ops::Range;
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use error::{CalendarError, DefinitionError, LoadError};
pub use hours::{IntervalParseError, OpeningInterval};
pub use set::{CalendarSet, UnknownCalendar};
pub use spec::{CalendarSpec, CoverageSpec, HolidaySpec, OutsideCoverage, WeekSpec, WorkdaySpec};

use spec::{DayNumber, Schedule, date_of, day_number, refused_outside};
use walk::{Engine, NS, Stop};

/// The calendar years in which instants can be computed with: 1970 up to, not including, 2200.
pub const SUPPORTED_YEARS: Range<i32> = 1970..2200;

/// The longest holiday range accepted, in days (about ten years): longer ranges are taken for typing errors.
pub const MAX_HOLIDAY_DAYS: i32 = 3_660;

/// UTC seconds of 2200-01-01T00:00:00Z, the first unsupported instant.
const LIMIT_SECS: i64 = 7_258_118_400;
/// The zone table reaches a month beyond the supported instants on both sides, for local days at the edges.
const TABLE_MARGIN_SECS: i64 = 31 * 86_400;

/// A business calendar: a time zone, weekly opening hours, holidays and make-up working days.
///
/// Cheap to clone (shared). Built from a [`CalendarSpec`], or loaded from TOML/JSON text with
/// [`Calendar::from_toml_str`] and [`Calendar::from_json_str`]; serialises back to the same shape. See the
/// [module documentation](self) for the boundary rules and the cost of each operation.
#[derive(Clone)]
pub struct Calendar {
    inner: Arc<Inner>,
}

struct Inner {
    spec: CalendarSpec,
    tz: Tz,
    schedule: Schedule,
    engine: OnceLock<Engine>,
}

fn from_nanos(n: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_nanos(n)
}

impl Calendar {
    /// Validates a definition and builds the calendar.
    ///
    /// ```
    /// use kefu::calendar::{Calendar, CalendarSpec, WeekSpec};
    ///
    /// let spec = CalendarSpec {
    ///     name: Some("support".into()),
    ///     time_zone: "Europe/Amsterdam".into(),
    ///     week: WeekSpec::weekdays(&["08:30-17:00".parse()?]),
    ///     holidays: vec![],
    ///     workdays: vec![],
    ///     covers: None,
    /// };
    /// let calendar = Calendar::new(spec)?;
    /// assert_eq!(calendar.name(), Some("support"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(spec: CalendarSpec) -> Result<Self, DefinitionError> {
        let tz: Tz =
            spec.time_zone.parse().map_err(|_| DefinitionError::UnknownTimeZone { name: spec.time_zone.clone() })?;
        let schedule = spec.schedule()?;
        Ok(Self { inner: Arc::new(Inner { spec, tz, schedule, engine: OnceLock::new() }) })
    }

    /// A calendar open every second of every day in `tz`: business time equals elapsed time.
    pub fn always_open(tz: Tz) -> Self {
        let spec = CalendarSpec {
            name: None,
            time_zone: tz.name().to_owned(),
            week: WeekSpec::every_day(&[OpeningInterval::whole_day()]),
            holidays: Vec::new(),
            workdays: Vec::new(),
            covers: None,
        };
        let schedule = spec.schedule().unwrap_or_else(|_| unreachable!("a whole-day week is valid"));
        Self { inner: Arc::new(Inner { spec, tz, schedule, engine: OnceLock::new() }) }
    }

    /// Loads a calendar from TOML text (the shape of [`CalendarSpec`]).
    ///
    /// Errors give the line, the column and the key path: a malformed interval, an unknown field, a bad date, or
    /// a definition error naming its field.
    ///
    /// ```
    /// use kefu::calendar::Calendar;
    ///
    /// let err = Calendar::from_toml_str("time_zone = \"Asia/Shanghai\"\n[week]\nmon = [\"09:00-08:00\"]\n")
    ///     .unwrap_err();
    /// assert!(err.to_string().starts_with("in `week.mon[0]`: TOML parse error at line 3"), "{err}");
    /// ```
    #[cfg(feature = "toml")]
    pub fn from_toml_str(text: &str) -> Result<Self, LoadError> {
        Ok(Self::new(crate::load::from_toml(text)?)?)
    }

    /// Loads a calendar from JSON text (the shape of [`CalendarSpec`]).
    ///
    /// ```
    /// use kefu::calendar::Calendar;
    ///
    /// let c = Calendar::from_json_str(r#"{"time_zone": "UTC", "week": {"sat": ["10:00-14:00"]}}"#)?;
    /// assert_eq!(c.time_zone(), chrono_tz::UTC);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "json")]
    pub fn from_json_str(text: &str) -> Result<Self, LoadError> {
        Ok(Self::new(crate::load::from_json(text)?)?)
    }

    /// The calendar's name, if its definition gives one.
    pub fn name(&self) -> Option<&str> {
        self.inner.spec.name.as_deref()
    }

    /// The time zone whose wall clock the opening hours follow.
    pub fn time_zone(&self) -> Tz {
        self.inner.tz
    }

    /// The definition the calendar was built from.
    pub fn spec(&self) -> &CalendarSpec {
        &self.inner.spec
    }

    /// The dates the calendar's holidays and make-up days are declared for, and what happens outside them; `None`
    /// when the definition declares no coverage (every date outside the listed exceptions follows the week).
    pub fn covers(&self) -> Option<&CoverageSpec> {
        self.inner.spec.covers.as_ref()
    }

    /// The same calendar with another policy for dates outside its declared coverage; unchanged when it declares
    /// none. This is the opt-in in code, for a calendar file that refuses (the default):
    /// [`OutsideCoverage::Weekly`] answers with the plain week outside the coverage, as if no date there were a
    /// holiday or a make-up day.
    ///
    /// ```
    /// use chrono::{DateTime, Utc};
    /// use kefu::calendar::{Calendar, CalendarError, OutsideCoverage};
    ///
    /// let desk = Calendar::from_toml_str(r#"
    ///     name = "desk"
    ///     time_zone = "Asia/Shanghai"
    ///     week.mon = ["09:00-18:00"]
    ///     covers = { from = "2026-01-01", to = "2026-12-31" }
    /// "#)?;
    /// let t: DateTime<Utc> = "2026-12-28T17:30:00+08:00".parse()?;
    /// // One hour from Monday 28 December 17:30 runs into 2027, which the calendar does not cover.
    /// let err = desk.add(t, chrono::TimeDelta::hours(1)).unwrap_err();
    /// assert!(matches!(err, CalendarError::OutsideCoverage { .. }));
    /// assert!(err.to_string().contains("2026-01-01..=2026-12-31"), "{err}");
    /// assert!(err.to_string().contains("needs 2027-01-01"), "{err}");
    ///
    /// let weekly = desk.with_outside_coverage(OutsideCoverage::Weekly);
    /// assert_eq!(weekly.add(t, chrono::TimeDelta::hours(1))?, "2027-01-04T09:30:00+08:00".parse::<DateTime<Utc>>()?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_outside_coverage(&self, outside: OutsideCoverage) -> Self {
        let Some(covers) = self.inner.spec.covers.filter(|c| c.outside != outside) else { return self.clone() };
        let mut spec = self.inner.spec.clone();
        spec.covers = Some(CoverageSpec { outside, ..covers });
        let mut schedule = self.inner.schedule.clone();
        schedule.refuse_outside = refused_outside(spec.covers.as_ref());
        // The arithmetic does not depend on the policy: share what was already built.
        let engine = self.inner.engine.get().cloned().map(OnceLock::from).unwrap_or_default();
        Self { inner: Arc::new(Inner { spec, tz: self.inner.tz, schedule, engine }) }
    }

    /// Whether a computation may use the hours of `date`: `Err` with
    /// [`CalendarError::OutsideCoverage`] when the calendar declares a coverage that refuses and `date` is
    /// outside it. [`hours_on`](Self::hours_on) and [`is_working_date`](Self::is_working_date) report the
    /// definition and do not check; call this first where it matters.
    pub fn check_covered(&self, date: NaiveDate) -> Result<(), CalendarError> {
        let day = day_number(date);
        self.needs(day, day)
    }

    /// An instant on the calendar's wall clock, for display.
    pub fn local(&self, t: DateTime<Utc>) -> DateTime<Tz> {
        t.with_timezone(&self.inner.tz)
    }

    /// The opening hours of a date (empty when closed), holidays and make-up days taken into account.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use kefu::calendar::Calendar;
    ///
    /// let c = Calendar::from_toml_str(r#"
    ///     time_zone = "Asia/Shanghai"
    ///     week.mon = ["09:00-12:00"]
    ///     [[workdays]]
    ///     date = "2026-10-10"
    ///     hours = ["10:00-16:00"]
    /// "#)?;
    /// let saturday = NaiveDate::from_ymd_opt(2026, 10, 10).unwrap();
    /// assert_eq!(c.hours_on(saturday), ["10:00-16:00".parse()?]);
    /// assert!(c.is_working_date(saturday));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn hours_on(&self, date: NaiveDate) -> &[OpeningInterval] {
        self.inner.schedule.hours_on(day_number(date)).intervals()
    }

    /// Whether a date has any opening hours.
    pub fn is_working_date(&self, date: NaiveDate) -> bool {
        !self.hours_on(date).is_empty()
    }

    fn engine(&self) -> &Engine {
        self.inner.engine.get_or_init(|| {
            Engine::build(
                self.inner.tz,
                &self.inner.schedule,
                -TABLE_MARGIN_SECS,
                LIMIT_SECS + TABLE_MARGIN_SECS,
                LIMIT_SECS,
            )
        })
    }

    /// An instant as the arithmetic's nanoseconds, if it lies in the supported years.
    fn nanos(&self, t: DateTime<Utc>) -> Result<i64, CalendarError> {
        match t.timestamp_nanos_opt() {
            Some(n) if (0..LIMIT_SECS * NS).contains(&n) => Ok(n),
            _ => Err(CalendarError::OutOfRange { what: format!("the instant {}", self.local(t).to_rfc3339()) }),
        }
    }

    /// Why a walk stopped, as an error. A walk that had to go past the end of a refusing coverage to stop needed
    /// a date after it first.
    fn stop(&self, stop: Stop, after: DateTime<Utc>, what: impl FnOnce() -> String) -> CalendarError {
        if let Some((_, to)) = self.inner.schedule.refuse_outside {
            return self.outside(to + 1);
        }
        match stop {
            Stop::Never => {
                CalendarError::NeverOpen { calendar: self.inner.spec.name.clone(), after: self.local(after) }
            }
            Stop::OutOfRange => CalendarError::OutOfRange { what: what() },
        }
    }

    /// Refuses a computation that needs the local dates `first..=last` when some of them lie outside a refusing
    /// coverage, naming the first such date.
    fn needs(&self, first: DayNumber, last: DayNumber) -> Result<(), CalendarError> {
        match self.inner.schedule.refuse_outside {
            Some((from, _)) if first < from => Err(self.outside(first)),
            Some((_, to)) if last > to => Err(self.outside(first.max(to + 1))),
            _ => Ok(()),
        }
    }

    /// [`needs`](Self::needs) for the local dates of two instants (ns); free when nothing is refused.
    fn needs_instants(&self, engine: &Engine, first: i64, last: i64) -> Result<(), CalendarError> {
        if self.inner.schedule.refuse_outside.is_none() {
            return Ok(());
        }
        self.needs(engine.local_day(first), engine.local_day(last))
    }

    fn outside(&self, day: DayNumber) -> CalendarError {
        let (from, to) = self.inner.spec.covers.map(|c| (c.from, c.to)).unwrap_or_default();
        CalendarError::OutsideCoverage { calendar: self.inner.spec.name.clone(), from, to, date: date_of(day) }
    }

    /// Whether the calendar is open at `t` (opening instant included, closing instant excluded).
    ///
    /// Cost: O(log n) in the number of exceptions and clock changes.
    pub fn is_open(&self, t: DateTime<Utc>) -> Result<bool, CalendarError> {
        let n = self.nanos(t)?;
        let engine = self.engine();
        self.needs_instants(engine, n, n)?;
        Ok(engine.is_open(&self.inner.schedule, n))
    }

    /// The first instant at or after `t` at which the calendar is open (`t` itself when open).
    ///
    /// ```
    /// use chrono::TimeZone;
    /// use chrono_tz::America::New_York;
    /// use kefu::calendar::{Calendar, CalendarSpec, WeekSpec};
    ///
    /// let c = Calendar::new(CalendarSpec {
    ///     name: None,
    ///     time_zone: "America/New_York".into(),
    ///     week: WeekSpec::weekdays(&["09:00-17:00".parse()?]),
    ///     holidays: vec![],
    ///     workdays: vec![],
    ///     covers: None,
    /// })?;
    /// let friday_evening = New_York.with_ymd_and_hms(2026, 11, 20, 19, 0, 0).unwrap().to_utc();
    /// let monday = New_York.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap().to_utc();
    /// assert_eq!(c.next_open(friday_evening)?, monday);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn next_open(&self, t: DateTime<Utc>) -> Result<DateTime<Utc>, CalendarError> {
        self.add(t, TimeDelta::zero())
    }

    /// The instant at which `d` of business time has passed since `t`.
    ///
    /// `d` must be zero or more. A result at a closing time is that closing instant; adding zero outside opening
    /// hours gives the next opening. Laws (property-tested): `add(add(t, a), b) == add(t, a + b)` for `b > 0`;
    /// `between(t, add(t, d)) == d` for every `t`; monotone in `t` and `d`.
    ///
    /// Cost: independent of `d` and of the holidays crossed: a walk over at most two weeks of days plus
    /// O(log n) arithmetic, n being the number of irregular weeks (holidays, make-up days, clock changes inside
    /// opening hours).
    pub fn add(&self, t: DateTime<Utc>, d: TimeDelta) -> Result<DateTime<Utc>, CalendarError> {
        let start = self.nanos(t)?;
        if d < TimeDelta::zero() {
            return Err(CalendarError::NegativeDuration { seconds: d.num_seconds() });
        }
        let engine = self.engine();
        self.needs_instants(engine, start, start)?;
        let what = || format!("the result of adding {} s to {}", d.num_seconds(), self.local(t).to_rfc3339());
        let d_ns = d.num_nanoseconds().ok_or_else(|| self.stop(Stop::OutOfRange, t, what))?;
        let r = engine.add(&self.inner.schedule, start, d_ns).map_err(|s| self.stop(s, t, what))?;
        // A result after some open time is decided by the dates up to its last open instant; a next opening, by
        // its own date.
        self.needs_instants(engine, start, if d_ns > 0 { r - 1 } else { r })?;
        Ok(from_nanos(r))
    }

    /// The business time between two instants: positive when `a <= b`, negative (and of equal size) otherwise.
    ///
    /// Additive: `between(a, b) + between(b, c) == between(a, c)`. Never more than the elapsed time.
    ///
    /// Cost: like [`add`](Self::add), independent of the span's length.
    pub fn between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> Result<TimeDelta, CalendarError> {
        let (x, y) = (self.nanos(a)?, self.nanos(b)?);
        let engine = self.engine();
        if x != y {
            // The span [min, max) needs the dates from its first instant's to its last's.
            self.needs_instants(engine, x.min(y), x.max(y) - 1)?;
        }
        let ns = if x <= y {
            engine.between(&self.inner.schedule, x, y)
        } else {
            -engine.between(&self.inner.schedule, y, x)
        };
        Ok(TimeDelta::nanoseconds(ns))
    }

    /// The same local time of day on the `n`-th working date after `t`'s local date (a working date has any
    /// opening hours), moved to the next opening if the calendar is closed then. `n = 0` is [`next_open`](Self::next_open).
    ///
    /// This is how "within 3 days" is often meant (rule C5): counted in working dates, not in hours.
    ///
    /// ```
    /// use chrono::TimeZone;
    /// use chrono_tz::Asia::Shanghai;
    /// use kefu::calendar::Calendar;
    ///
    /// let c = Calendar::from_toml_str(r#"
    ///     time_zone = "Asia/Shanghai"
    ///     [week]
    ///     mon = ["09:00-18:00"]
    ///     tue = ["09:00-18:00"]
    ///     wed = ["09:00-18:00"]
    ///     thu = ["09:00-18:00"]
    ///     fri = ["09:00-18:00"]
    /// "#)?;
    /// // Contract accepted Thursday 2026-11-19 at 15:00: the file is due three working days later, Tuesday 15:00.
    /// let accepted = Shanghai.with_ymd_and_hms(2026, 11, 19, 15, 0, 0).unwrap().to_utc();
    /// let due = c.add_working_days(accepted, 3)?;
    /// assert_eq!(due, Shanghai.with_ymd_and_hms(2026, 11, 24, 15, 0, 0).unwrap().to_utc());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_working_days(&self, t: DateTime<Utc>, n: u32) -> Result<DateTime<Utc>, CalendarError> {
        let start = self.nanos(t)?;
        let engine = self.engine();
        self.needs_instants(engine, start, start)?;
        let what = || format!("the result of adding {n} working days to {}", self.local(t).to_rfc3339());
        let r = engine.add_working_days(&self.inner.schedule, start, n).map_err(|s| self.stop(s, t, what))?;
        self.needs_instants(engine, start, r)?;
        Ok(from_nanos(r))
    }
}

impl fmt::Debug for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Calendar").field("spec", &self.inner.spec).finish()
    }
}

impl PartialEq for Calendar {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner) || self.inner.spec == other.inner.spec
    }
}

impl Eq for Calendar {}

impl TryFrom<CalendarSpec> for Calendar {
    type Error = DefinitionError;

    fn try_from(spec: CalendarSpec) -> Result<Self, Self::Error> {
        Self::new(spec)
    }
}

impl Serialize for Calendar {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.inner.spec.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Calendar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spec = <CalendarSpec as Deserialize>::deserialize(deserializer)?;
        Self::new(spec).map_err(serde::de::Error::custom)
    }
}
