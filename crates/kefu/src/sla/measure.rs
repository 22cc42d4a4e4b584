//! How a clock measures time: on the wall clock, or in business time on a calendar.

use chrono::{DateTime, TimeDelta, Utc};

use super::ClockError;
use super::policy::Target;
use crate::calendar::{Calendar, CalendarSet};

/// The ruler a clock measures with, resolved against the configured calendars.
pub(crate) enum Ruler<'a> {
    Wall,
    Business(&'a Calendar),
}

impl<'a> Ruler<'a> {
    pub(crate) fn for_target(target: &Target, calendars: &'a CalendarSet) -> Result<Self, ClockError> {
        match target.calendar() {
            None => Ok(Ruler::Wall),
            Some(name) => Ok(Ruler::Business(calendars.get(name)?)),
        }
    }

    /// The instant at which `d` of measured time has passed since `t`.
    pub(crate) fn add(&self, t: DateTime<Utc>, d: TimeDelta) -> Result<DateTime<Utc>, ClockError> {
        match self {
            Ruler::Wall => t.checked_add_signed(d).ok_or(ClockError::TooFar { at: t }),
            Ruler::Business(c) => Ok(c.add(t, d)?),
        }
    }

    /// Measured time in `[a, b)`; zero when `b <= a`.
    pub(crate) fn between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> Result<TimeDelta, ClockError> {
        if b <= a {
            return Ok(TimeDelta::zero());
        }
        match self {
            Ruler::Wall => Ok(b - a),
            Ruler::Business(c) => Ok(c.between(a, b)?),
        }
    }

    /// `t` itself when it lies inside opening hours (or on the wall clock), else the next opening: where a
    /// business clock started at `t` begins to count.
    pub(crate) fn to_opening(&self, t: DateTime<Utc>) -> Result<DateTime<Utc>, ClockError> {
        match self {
            Ruler::Wall => Ok(t),
            Ruler::Business(c) => Ok(c.next_open(t)?),
        }
    }

    /// The budget a target gives a clock started at `t` (working days become the business time they span).
    pub(crate) fn budget(&self, target: &Target, t: DateTime<Utc>) -> Result<TimeDelta, ClockError> {
        match target {
            Target::Elapsed(d) | Target::Business { duration: d, .. } => Ok(*d),
            Target::WorkingDays { days, .. } => match self {
                Ruler::Business(c) => {
                    let due = c.add_working_days(t, *days)?;
                    Ok(c.between(c.next_open(t)?, due)?.max(TimeDelta::zero()))
                }
                // Only reachable for a target without a calendar, which `Target` cannot express: whole days.
                Ruler::Wall => Ok(TimeDelta::days(i64::from(*days))),
            },
        }
    }
}
