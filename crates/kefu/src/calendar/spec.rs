//! The serialisable shape of a calendar, as written in TOML or JSON, and its validation.

use core::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::MAX_HOLIDAY_DAYS;
use super::error::DefinitionError;
use super::hours::{DayHours, OpeningInterval};

/// Implements `Serialize` and `Deserialize` for a struct whose derives are `remote = "Self"` (inherent functions),
/// so that it is read from a table or an object only. serde's derive also accepts a sequence for a struct and
/// fills the fields by position (`["UTC", {...}]` as a calendar), which no one writes on purpose: refused, with a
/// message that says what is expected.
macro_rules! named_fields_only {
    ($ty:ident, $expecting:literal) => {
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                $ty::serialize(self, serializer)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Fields;
                impl<'de> serde::de::Visitor<'de> for Fields {
                    type Value = $ty;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<$ty, A::Error> {
                        $ty::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$ty, E> {
                        // serde's default message repeats the whole string, which can be megabytes.
                        let found = format!("string {}", super::error::quote(v));
                        Err(E::invalid_type(serde::de::Unexpected::Other(&found), &self))
                    }
                }
                // `deserialize_any`, not `deserialize_map`: a format then hands a wrong value to this visitor, whose
                // messages are short, rather than describing it whole itself.
                deserializer.deserialize_any(Fields)
            }
        }
    };
}

/// A calendar as written in a file: the input to [`Calendar::new`](super::Calendar::new).
///
/// ```toml
/// name = "Shanghai service desk"      # optional
/// time_zone = "Asia/Shanghai"         # IANA name
/// [week]                              # days left out are closed
/// mon = ["09:00-12:00", "13:30-18:00"]
/// sat = []
/// [[holidays]]                        # closed dates; `to` defaults to `from`
/// from = "2026-10-01"
/// to = "2026-10-07"
/// name = "National Day"
/// [[workdays]]                        # make-up working days (调休) with their own hours
/// date = "2026-10-10"
/// hours = ["09:00-12:00", "13:30-18:00"]
/// [covers]                            # optional: the dates the holidays and make-up days are known for
/// from = "2026-01-01"
/// to = "2026-12-31"
/// outside = "refuse"                  # default; "weekly" follows the plain week outside
/// ```
///
/// Only tables (objects in JSON) are read: a struct written as a positional list is refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct CalendarSpec {
    /// A name for messages and for referring to the calendar from policies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The IANA time zone whose wall clock the hours are written in.
    pub time_zone: String,
    /// Weekly opening hours.
    #[serde(default)]
    pub week: WeekSpec,
    /// Closed dates and date ranges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<HolidaySpec>,
    /// Make-up working days: open although the week says closed (or open with other hours).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workdays: Vec<WorkdaySpec>,
    /// The dates for which `holidays` and `workdays` are complete, and what a computation that needs another date
    /// does. `None`: every date outside the listed exceptions follows the plain week (nothing is refused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub covers: Option<CoverageSpec>,
}

named_fields_only!(CalendarSpec, "a calendar table (`time_zone = ...`, `[week]`, ...), not a list");

/// The dates a calendar's holidays and make-up days are known for (`covers` in a calendar file), both inclusive.
///
/// Holidays are decided year by year (the PRC's are published each November), so a calendar written for 2026
/// knows nothing of 2027's. A computation that needs the hours of a date outside `from..=to` is refused with
/// [`CalendarError::OutsideCoverage`](super::CalendarError::OutsideCoverage), unless `outside` is
/// [`OutsideCoverage::Weekly`].
///
/// ```
/// use kefu::calendar::{Calendar, CalendarError};
///
/// let desk = Calendar::from_toml_str(r#"
///     time_zone = "Asia/Shanghai"
///     week.mon = ["09:00-18:00"]
///     holidays = [{ from = "2026-10-01", to = "2026-10-07" }]
///     covers = { from = "2026-01-01", to = "2026-12-31" }
/// "#)?;
/// let next_year = "2027-03-01T10:00:00+08:00".parse::<chrono::DateTime<chrono::Utc>>()?;
/// assert!(matches!(desk.is_open(next_year), Err(CalendarError::OutsideCoverage { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct CoverageSpec {
    /// The first date covered.
    pub from: NaiveDate,
    /// The last date covered (inclusive).
    pub to: NaiveDate,
    /// What a computation needing a date outside `from..=to` does; [`OutsideCoverage::Refuse`] when left out.
    #[serde(default, skip_serializing_if = "OutsideCoverage::is_refuse")]
    pub outside: OutsideCoverage,
}

named_fields_only!(CoverageSpec, "a table `{ from = \"YYYY-MM-DD\", to = \"YYYY-MM-DD\" }`, not a list");

/// What a computation does when it needs a date outside a calendar's declared coverage ([`CoverageSpec`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum OutsideCoverage {
    /// Refuse with [`CalendarError::OutsideCoverage`](super::CalendarError::OutsideCoverage), naming the date
    /// and the coverage (`outside = "refuse"`, the default): better no answer than one that ignores next year's
    /// holidays.
    #[default]
    Refuse,
    /// Answer with the plain weekly hours outside the coverage, as if no date there were a holiday or a make-up
    /// day (`outside = "weekly"`).
    Weekly,
}

impl OutsideCoverage {
    fn is_refuse(&self) -> bool {
        *self == Self::Refuse
    }
}

/// Opening hours per weekday; a missing day is closed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
#[allow(missing_docs)] // the fields are the weekdays
pub struct WeekSpec {
    #[serde(default)]
    pub mon: Vec<OpeningInterval>,
    #[serde(default)]
    pub tue: Vec<OpeningInterval>,
    #[serde(default)]
    pub wed: Vec<OpeningInterval>,
    #[serde(default)]
    pub thu: Vec<OpeningInterval>,
    #[serde(default)]
    pub fri: Vec<OpeningInterval>,
    #[serde(default)]
    pub sat: Vec<OpeningInterval>,
    #[serde(default)]
    pub sun: Vec<OpeningInterval>,
}

named_fields_only!(WeekSpec, "a table of weekdays (`mon = [\"09:00-17:00\"]`, ...), not a list");

impl WeekSpec {
    /// The same hours on Monday to Friday, closed at the weekend.
    pub fn weekdays(hours: &[OpeningInterval]) -> Self {
        Self {
            mon: hours.to_vec(),
            tue: hours.to_vec(),
            wed: hours.to_vec(),
            thu: hours.to_vec(),
            fri: hours.to_vec(),
            ..Self::default()
        }
    }

    /// The same hours every day of the week.
    pub fn every_day(hours: &[OpeningInterval]) -> Self {
        Self { sat: hours.to_vec(), sun: hours.to_vec(), ..Self::weekdays(hours) }
    }

    /// The days in Monday-first order, with their field names.
    pub(crate) fn days(&self) -> [(&'static str, &[OpeningInterval]); 7] {
        [
            ("mon", &self.mon),
            ("tue", &self.tue),
            ("wed", &self.wed),
            ("thu", &self.thu),
            ("fri", &self.fri),
            ("sat", &self.sat),
            ("sun", &self.sun),
        ]
    }
}

/// A closed date, or an inclusive range of closed dates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct HolidaySpec {
    /// First closed date.
    pub from: NaiveDate,
    /// Last closed date (inclusive); defaults to `from`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
    /// What the holiday is called.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

named_fields_only!(HolidaySpec, "a holiday table (`{ from = \"YYYY-MM-DD\", to = ..., name = ... }`), not a list");

/// A make-up working day (调休): a date that is open with the given hours, whatever the week says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct WorkdaySpec {
    /// The date.
    pub date: NaiveDate,
    /// Its opening hours (at least one interval).
    pub hours: Vec<OpeningInterval>,
    /// Why it is a working day, e.g. `"make-up day for National Day"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

named_fields_only!(WorkdaySpec, "a make-up day table (`{ date = \"YYYY-MM-DD\", hours = [...] }`), not a list");

/// Days since 1970-01-01 (negative before).
pub(crate) type DayNumber = i32;

/// 1970-01-01 counted from 0001-01-01 (`NaiveDate::num_days_from_ce`).
const EPOCH_DAYS_FROM_CE: i32 = 719_163;

pub(crate) fn day_number(date: NaiveDate) -> DayNumber {
    date.num_days_from_ce() - EPOCH_DAYS_FROM_CE
}

/// The date of a day number (every day of the supported years has one).
pub(crate) fn date_of(day: DayNumber) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(day + EPOCH_DAYS_FROM_CE).unwrap_or_default()
}

/// The first and last day outside which computations are refused: the coverage, when it refuses.
pub(crate) fn refused_outside(covers: Option<&CoverageSpec>) -> Option<(DayNumber, DayNumber)> {
    covers.filter(|c| c.outside == OutsideCoverage::Refuse).map(|c| (day_number(c.from), day_number(c.to)))
}

/// Monday = 0 … Sunday = 6. 1970-01-01 was a Thursday.
pub(crate) fn weekday_index(day: DayNumber) -> usize {
    (day + 3).rem_euclid(7) as usize
}

/// A validated schedule: the week and the dated exceptions, sorted by day.
#[derive(Clone, Debug)]
pub(crate) struct Schedule {
    pub(crate) week: [DayHours; 7],
    /// Dates whose hours differ from the week: holidays (closed) and make-up working days.
    pub(crate) exceptions: Vec<(DayNumber, DayHours)>,
    /// The dates outside which a computation is refused (first and last, inclusive): the declared coverage when
    /// it refuses, `None` when there is none or it follows the week outside.
    pub(crate) refuse_outside: Option<(DayNumber, DayNumber)>,
}

impl Schedule {
    pub(crate) fn hours_on(&self, day: DayNumber) -> &DayHours {
        match self.exceptions.binary_search_by_key(&day, |(d, _)| *d) {
            Ok(i) => &self.exceptions[i].1,
            Err(_) => &self.week[weekday_index(day)],
        }
    }
}

fn check_year(field: impl FnOnce() -> String, date: NaiveDate) -> Result<(), DefinitionError> {
    if super::SUPPORTED_YEARS.contains(&date.year()) {
        Ok(())
    } else {
        Err(DefinitionError::DateOutOfRange { field: field(), date })
    }
}

fn day_hours(field: impl FnOnce() -> String, intervals: &[OpeningInterval]) -> Result<DayHours, DefinitionError> {
    DayHours::new(intervals.to_vec()).map_err(|(first, second)| DefinitionError::OverlappingHours {
        field: field(),
        first,
        second,
    })
}

impl CalendarSpec {
    /// Checks everything but the time zone and builds the schedule.
    pub(crate) fn schedule(&self) -> Result<Schedule, DefinitionError> {
        let days = self.week.days();
        let mut week: [DayHours; 7] = Default::default();
        for (slot, (field, hours)) in week.iter_mut().zip(days) {
            *slot = day_hours(|| format!("week.{field}"), hours)?;
        }
        if let Some(c) = &self.covers {
            check_year(|| "covers.from".to_owned(), c.from)?;
            check_year(|| "covers.to".to_owned(), c.to)?;
            if c.to < c.from {
                return Err(DefinitionError::CoverageEndsBeforeStart { from: c.from, to: c.to });
            }
        }
        // A listed exception outside the declared coverage contradicts it (or the year is mistyped).
        let covered = |field: &dyn Fn() -> String, date: NaiveDate| match &self.covers {
            Some(c) if date < c.from || date > c.to => {
                Err(DefinitionError::OutsideCoverage { field: field(), date, from: c.from, to: c.to })
            }
            _ => Ok(()),
        };

        // Holidays as (day, index of the declaring entry), so that conflicts can name both entries.
        let mut closed: Vec<(DayNumber, usize)> = Vec::new();
        for (index, h) in self.holidays.iter().enumerate() {
            let to = h.to.unwrap_or(h.from);
            check_year(|| format!("holidays[{index}].from"), h.from)?;
            check_year(|| format!("holidays[{index}].to"), to)?;
            covered(&|| format!("holidays[{index}].from"), h.from)?;
            covered(&|| format!("holidays[{index}].to"), to)?;
            if to < h.from {
                return Err(DefinitionError::HolidayEndsBeforeStart { index, from: h.from, to });
            }
            let (a, b) = (day_number(h.from), day_number(to));
            if b - a >= MAX_HOLIDAY_DAYS {
                return Err(DefinitionError::HolidayTooLong { index, from: h.from, to });
            }
            closed.extend((a..=b).map(|d| (d, index)));
        }
        // Overlapping holiday ranges are harmless: the first declaration is kept.
        closed.sort_by_key(|&(d, i)| (d, i));
        closed.dedup_by_key(|(d, _)| *d);

        let mut open: Vec<(DayNumber, usize, DayHours)> = Vec::new();
        for (index, w) in self.workdays.iter().enumerate() {
            check_year(|| format!("workdays[{index}].date"), w.date)?;
            covered(&|| format!("workdays[{index}].date"), w.date)?;
            if w.hours.is_empty() {
                return Err(DefinitionError::WorkdayWithoutHours { index, date: w.date });
            }
            let hours = day_hours(|| format!("workdays[{index}].hours"), &w.hours)?;
            let day = day_number(w.date);
            if let Some(&(_, first, _)) = open.iter().find(|(d, _, _)| *d == day) {
                return Err(DefinitionError::DuplicateWorkday { index, first, date: w.date });
            }
            if let Ok(i) = closed.binary_search_by_key(&day, |&(d, _)| d) {
                return Err(DefinitionError::WorkdayIsHoliday { index, holiday: closed[i].1, date: w.date });
            }
            open.push((day, index, hours));
        }

        let mut exceptions: Vec<(DayNumber, DayHours)> =
            closed.into_iter().map(|(d, _)| (d, DayHours::default())).collect();
        exceptions.extend(open.into_iter().map(|(d, _, h)| (d, h)));
        exceptions.sort_by_key(|(d, _)| *d);
        if week.iter().all(DayHours::is_closed) && self.workdays.is_empty() {
            // Every computation would fail; say so now, where the file is named, not at the first query.
            return Err(DefinitionError::NoOpeningHours);
        }
        Ok(Schedule { week, exceptions, refuse_outside: refused_outside(self.covers.as_ref()) })
    }
}
