//! The arithmetic: walking a calendar's opening intervals, skipping whole regular weeks at once.
//!
//! Instants are UTC nanoseconds since the epoch (`i64`, enough for the supported years), durations nanoseconds.
//! A week is *regular* when none of its dates is an exception (holiday, make-up day) and no UTC-offset transition
//! falls near it; a regular week is open for exactly the nominal weekly hours, so runs of regular weeks are skipped
//! with one multiplication. The walk therefore costs O(days in the irregular weeks crossed + log n), never O(span).

use super::spec::{DayNumber, Schedule, weekday_index};
use super::zone::ZoneTable;

pub(crate) const NS: i64 = 1_000_000_000;
const DAY: i64 = 86_400;
const WEEK_NS: i64 = 7 * DAY * NS;

/// Everything the walk needs, derived once from a calendar.
#[derive(Clone, Debug)]
pub(crate) struct Engine {
    zone: ZoneTable,
    /// Mondays of the weeks that must be walked day by day.
    irregular: Vec<DayNumber>,
    /// Open nanoseconds in a regular week.
    week_open: i64,
    /// Working dates in a regular week.
    week_working_days: i64,
    /// Last local day the walk may enter.
    max_day: DayNumber,
    /// Results must be before this instant (ns).
    limit: i64,
}

/// Why the walk stopped without an answer.
pub(crate) enum Stop {
    Never,
    OutOfRange,
}

fn monday_of(day: DayNumber) -> DayNumber {
    day - weekday_index(day) as DayNumber
}

impl Engine {
    /// Builds the engine; `from`/`until` are the UTC seconds the zone table covers, `limit` the first unsupported
    /// instant (seconds).
    pub(crate) fn build(tz: chrono_tz::Tz, schedule: &Schedule, from: i64, until: i64, limit: i64) -> Self {
        let zone = ZoneTable::build(tz, from, until);
        let mut irregular = zone.unsteady_weeks();
        irregular.extend(schedule.exceptions.iter().map(|(d, _)| monday_of(*d)));
        irregular.sort_unstable();
        irregular.dedup();
        let week_open = schedule.week.iter().map(|h| i64::from(h.seconds())).sum::<i64>() * NS;
        let week_working_days = schedule.week.iter().filter(|h| !h.is_closed()).count() as i64;
        Self {
            max_day: ((limit + DAY).div_euclid(DAY)) as DayNumber,
            limit: limit * NS,
            zone,
            irregular,
            week_open,
            week_working_days,
        }
    }

    /// The first irregular Monday at or after `monday`, or `None`.
    fn next_irregular(&self, monday: DayNumber) -> Option<DayNumber> {
        self.irregular.get(self.irregular.partition_point(|&d| d < monday)).copied()
    }

    fn is_regular_week(&self, monday: DayNumber) -> bool {
        self.irregular.binary_search(&monday).is_err()
    }

    /// Whole regular weeks available from `monday` (which must be regular) before the next irregular one.
    fn regular_run(&self, monday: DayNumber) -> i64 {
        self.next_irregular(monday).map_or(i64::MAX, |m| i64::from(m - monday) / 7)
    }

    /// UTC nanoseconds of the start of a local day.
    fn day_start(&self, day: DayNumber) -> i64 {
        let midnight = i64::from(day) * DAY;
        match self.zone.steady_offset(day) {
            Some(o) => (midnight - i64::from(o)) * NS,
            None => self.zone.to_utc(midnight, true) * NS,
        }
    }

    /// Calls `f(start, end)` for each opening interval of a local day, in order, as UTC nanoseconds, until it
    /// returns `Some`.
    ///
    /// Boundaries are the wall-clock times mapped to real instants: a start that occurs twice takes the first
    /// occurrence, an end the last (the repeated hour is open twice, as the wall clock says); a time skipped by the
    /// clocks maps to the jump; `24:00` is the next day's first midnight, so consecutive days never overlap.
    #[inline]
    fn each_interval<R>(
        &self,
        schedule: &Schedule,
        day: DayNumber,
        mut f: impl FnMut(i64, i64) -> Option<R>,
    ) -> Option<R> {
        let hours = schedule.hours_on(day);
        if hours.is_closed() {
            return None;
        }
        let midnight = i64::from(day) * DAY;
        if let Some(o) = self.zone.steady_offset(day) {
            let base = midnight - i64::from(o);
            for iv in hours.intervals() {
                let s = (base + i64::from(iv.start_seconds())) * NS;
                let e = (base + i64::from(iv.end_seconds())) * NS;
                if let Some(r) = f(s, e) {
                    return Some(r);
                }
            }
            return None;
        }
        for iv in hours.intervals() {
            let s = self.zone.to_utc(midnight + i64::from(iv.start_seconds()), true);
            let end = midnight + i64::from(iv.end_seconds());
            let e =
                if iv.end_seconds() == DAY as u32 { self.zone.to_utc(end, true) } else { self.zone.to_utc(end, false) };
            if e > s {
                if let Some(r) = f(s * NS, e * NS) {
                    return Some(r);
                }
            }
        }
        None
    }

    /// Whether the instant lies inside an opening interval (start inclusive, end exclusive).
    pub(crate) fn is_open(&self, schedule: &Schedule, t: i64) -> bool {
        let day = self.zone.local_day(t.div_euclid(NS));
        self.each_interval(schedule, day, |s, e| (s <= t && t < e).then_some(())).is_some()
    }

    /// The instant `d` (≥ 0) business nanoseconds after `t`.
    pub(crate) fn add(&self, schedule: &Schedule, t: i64, d: i64) -> Result<i64, Stop> {
        let mut remaining = d;
        let mut cursor = t;
        let mut day = self.zone.local_day(t.div_euclid(NS));
        loop {
            if day > self.max_day {
                return Err(Stop::OutOfRange);
            }
            if weekday_index(day) == 0 && self.is_regular_week(day) && self.day_start(day) >= cursor {
                if self.week_open == 0 {
                    // Nothing opens before the next irregular week, if there is one.
                    day = self.next_irregular(day).ok_or(Stop::Never)?;
                    continue;
                }
                if remaining > self.week_open {
                    // Skip whole weeks but never the one in which the result lies (its closing boundary matters).
                    let k = self.regular_run(day).min((remaining - 1) / self.week_open);
                    remaining -= k * self.week_open;
                    day = day.saturating_add(DayNumber::try_from(7 * k).unwrap_or(DayNumber::MAX));
                    continue;
                }
            }
            let found = self.each_interval(schedule, day, |s, e| {
                let s = s.max(cursor);
                if e <= s {
                    return None;
                }
                if remaining <= e - s {
                    return Some(s + remaining);
                }
                remaining -= e - s;
                cursor = e;
                None
            });
            if let Some(r) = found {
                return if r < self.limit { Ok(r) } else { Err(Stop::OutOfRange) };
            }
            day += 1;
        }
    }

    /// Business nanoseconds in `[a, b)`, `a <= b`.
    pub(crate) fn between(&self, schedule: &Schedule, a: i64, b: i64) -> i64 {
        let mut total = 0;
        let mut cursor = a;
        let mut day = self.zone.local_day(a.div_euclid(NS));
        while day <= self.max_day {
            let start = self.day_start(day);
            if start >= b {
                break;
            }
            if weekday_index(day) == 0 && self.is_regular_week(day) && start >= cursor {
                // Within a run of regular weeks the offset is constant, so each week lasts exactly WEEK_NS.
                let k = self.regular_run(day).min((b - start) / WEEK_NS);
                if k > 0 {
                    total += k * self.week_open;
                    cursor = start + k * WEEK_NS;
                    day += (7 * k) as DayNumber;
                    continue;
                }
            }
            self.each_interval(schedule, day, |s, e| {
                let (s, e) = (s.max(cursor), e.min(b));
                if e > s {
                    total += e - s;
                    cursor = e;
                }
                None::<()>
            });
            day += 1;
        }
        total
    }

    /// The same local time of day on the `n`-th working date after the local date of `t`, then the next opening.
    pub(crate) fn add_working_days(&self, schedule: &Schedule, t: i64, n: u32) -> Result<i64, Stop> {
        let secs = t.div_euclid(NS);
        let sub = t.rem_euclid(NS);
        let mut day = self.zone.local_day(secs);
        let time_of_day = self.zone.local_second_of_day(secs);
        let mut remaining = i64::from(n);
        while remaining > 0 {
            day += 1;
            if day > self.max_day {
                return Err(Stop::OutOfRange);
            }
            if weekday_index(day) == 0 && self.is_regular_week(day) {
                if self.week_working_days == 0 {
                    day = self.next_irregular(day).ok_or(Stop::Never)? - 1;
                    continue;
                }
                if remaining > self.week_working_days {
                    let k = self.regular_run(day).min((remaining - 1) / self.week_working_days);
                    remaining -= k * self.week_working_days;
                    day = day.saturating_add(DayNumber::try_from(7 * k).unwrap_or(DayNumber::MAX)) - 1;
                    continue;
                }
            }
            if !schedule.hours_on(day).is_closed() {
                remaining -= 1;
            }
        }
        let local = i64::from(day) * DAY + time_of_day;
        let at = self.zone.to_utc(local, true) * NS + sub;
        self.add(schedule, at, 0)
    }
}
