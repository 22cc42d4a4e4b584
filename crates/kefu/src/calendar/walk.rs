//! The arithmetic: walking a calendar's opening intervals, and jumping over whole weeks with prefix sums.
//!
//! Instants are UTC nanoseconds since the epoch (`i64`, enough for the supported years), durations nanoseconds.
//!
//! A week (Monday to Sunday, local) is *regular* when it has no exception (holiday, make-up day) and its real open
//! time equals the nominal weekly hours: a clock change at 02:00 while the desk is closed leaves a week regular,
//! one inside opening hours does not. At build time the engine lists the irregular weeks with their real open time
//! and keeps prefix sums, so the open time between any two Mondays is one multiplication plus one lookup. `add` and
//! `between` therefore walk at most the two partial weeks at their ends, day by day, and do O(log n) arithmetic
//! for everything in between, where n is the number of irregular weeks: the span's length does not matter, and
//! neither does the number of holidays it crosses.

use super::spec::{DayNumber, Schedule, weekday_index};
use std::sync::Arc;

use super::zone::ZoneTable;

pub(crate) const NS: i64 = 1_000_000_000;
const DAY: i64 = 86_400;

/// Everything the walk needs, derived once from a calendar.
#[derive(Clone, Debug)]
pub(crate) struct Engine {
    zone: Arc<ZoneTable>,
    /// Mondays of the weeks whose open time is not `week_open`, ascending.
    irregular: Vec<DayNumber>,
    /// `open_prefix[k]` = Σ over the irregular weeks before the k-th of (their open time − `week_open`).
    open_prefix: Vec<i128>,
    /// Mondays of the weeks with an exception date (their working dates may differ from the week's), ascending.
    exception_weeks: Vec<DayNumber>,
    /// Open nanoseconds in a regular week.
    week_open: i64,
    /// Working dates in a regular week.
    week_working_days: i64,
    /// A Monday before every supported day: cumulative open time is counted from its start.
    origin: DayNumber,
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
    ///
    /// Cost: reading the zone once per process (see [`ZoneTable::shared`]), a walk of each week with an exception,
    /// and of the days around each clock change.
    pub(crate) fn build(tz: chrono_tz::Tz, schedule: &Schedule, from: i64, until: i64, limit: i64) -> Self {
        let zone = ZoneTable::shared(tz, from, until);
        let mut exception_weeks: Vec<DayNumber> = schedule.exceptions.iter().map(|(d, _)| monday_of(*d)).collect();
        exception_weeks.dedup();
        let week_open = schedule.week.iter().map(|h| i64::from(h.seconds())).sum::<i64>() * NS;
        let mut engine = Self {
            zone,
            irregular: Vec::new(),
            open_prefix: vec![0],
            exception_weeks,
            week_open,
            week_working_days: schedule.week.iter().filter(|h| !h.is_closed()).count() as i64,
            origin: monday_of((from.div_euclid(DAY)) as DayNumber),
            max_day: ((limit + DAY).div_euclid(DAY)) as DayNumber,
            limit: limit * NS,
        };
        // Weeks with an exception are walked whole: (Monday, real − nominal open time).
        let mut weeks: Vec<(DayNumber, i64)> = engine
            .exception_weeks
            .iter()
            .map(|&m| {
                (m, engine.walk_between(schedule, engine.day_start(m), engine.day_start(m + 7), m + 7) - week_open)
            })
            .collect();
        // A clock change alters a week's open time only on the open days around it; steady days are nominal.
        for day in engine.zone.unsteady_days() {
            let hours = schedule.hours_on(day);
            if hours.is_closed() || engine.exception_weeks.binary_search(&monday_of(day)).is_ok() {
                continue;
            }
            let real = engine.walk_between(schedule, engine.day_start(day), engine.day_start(day + 1), day + 1);
            let delta = real - i64::from(hours.seconds()) * NS;
            if delta != 0 {
                weeks.push((monday_of(day), delta));
            }
        }
        weeks.sort_by_key(|&(m, _)| m);
        let mut sum: i128 = 0;
        for (monday, delta) in weeks {
            sum += i128::from(delta);
            if engine.irregular.last() == Some(&monday) {
                // Several shifted days in one week: one entry, whose prefix carries their sum.
                if let Some(last) = engine.open_prefix.last_mut() {
                    *last = sum;
                }
            } else {
                engine.irregular.push(monday);
                engine.open_prefix.push(sum);
            }
        }
        engine
    }

    /// Open time from the start of `origin` to the start of the Monday `monday`.
    fn cumulative(&self, monday: DayNumber) -> i128 {
        let weeks = i128::from((monday - self.origin) / 7);
        weeks * i128::from(self.week_open) + self.open_prefix[self.irregular.partition_point(|&m| m < monday)]
    }

    /// The first Monday `m >= from` whose week brings the cumulative open time to at least `target`
    /// (`cumulative(m + 7) >= target`), given `cumulative(from) < target`.
    fn week_reaching(&self, from: DayNumber, target: i128) -> Option<DayNumber> {
        let k0 = self.irregular.partition_point(|&m| m < from);
        let k = k0 + self.irregular[k0..].partition_point(|&m| self.cumulative(m + 7) < target);
        let irregular = self.irregular.get(k).copied();
        // Before that irregular week lies a run of regular weeks, each adding `week_open`.
        let run_start = if k == k0 { from } else { self.irregular[k - 1] + 7 };
        if self.week_open == 0 {
            return irregular;
        }
        let short = target - self.cumulative(run_start);
        let weeks = ((short + i128::from(self.week_open) - 1) / i128::from(self.week_open) - 1).max(0);
        let monday = i128::from(run_start) + 7 * weeks;
        let monday = DayNumber::try_from(monday).unwrap_or(DayNumber::MAX);
        Some(irregular.map_or(monday, |m| m.min(monday)))
    }

    fn exception_run(&self, monday: DayNumber) -> i64 {
        let next = self.exception_weeks.get(self.exception_weeks.partition_point(|&d| d < monday));
        next.map_or(i64::MAX, |&m| i64::from(m - monday) / 7)
    }

    fn next_exception_week(&self, monday: DayNumber) -> Option<DayNumber> {
        self.exception_weeks.get(self.exception_weeks.partition_point(|&d| d < monday)).copied()
    }

    fn has_exception(&self, monday: DayNumber) -> bool {
        self.exception_weeks.binary_search(&monday).is_ok()
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

    /// Open time in `[a, b)` by walking the local dates from `a`'s up to, not including, `until`: for spans of a
    /// week or two.
    fn walk_between(&self, schedule: &Schedule, a: i64, b: i64, until: DayNumber) -> i64 {
        let mut total = 0;
        let mut cursor = a;
        let mut day = self.zone.local_day(a.div_euclid(NS));
        while day < until.min(self.max_day + 1) {
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

    /// Walks the local dates from `t`'s up to, not including, `until`, consuming `remaining`. Returns the instant
    /// if it is reached, or else the open time consumed.
    fn walk_add(&self, schedule: &Schedule, t: i64, remaining: i64, until: DayNumber) -> Result<i64, i64> {
        let mut left = remaining;
        let mut cursor = t;
        let mut day = self.zone.local_day(t.div_euclid(NS));
        while day < until.min(self.max_day + 1) {
            let found = self.each_interval(schedule, day, |s, e| {
                let s = s.max(cursor);
                if e <= s {
                    return None;
                }
                if left <= e - s {
                    return Some(s + left);
                }
                left -= e - s;
                cursor = e;
                None
            });
            if let Some(r) = found {
                return Ok(r);
            }
            day += 1;
        }
        Err(remaining - left)
    }

    /// The first Monday after `t`'s week whose start is not before `t` (a repeated hour at midnight can put the
    /// next Monday's first midnight before `t`).
    fn next_monday(&self, t: i64) -> DayNumber {
        let mut monday = monday_of(self.zone.local_day(t.div_euclid(NS))) + 7;
        while self.day_start(monday) < t {
            monday += 7;
        }
        monday
    }

    /// The instant `d` (≥ 0) business nanoseconds after `t`.
    pub(crate) fn add(&self, schedule: &Schedule, t: i64, d: i64) -> Result<i64, Stop> {
        // Most additions end within `t`'s own week: walk it before computing anything about whole weeks.
        let mut first = monday_of(self.zone.local_day(t.div_euclid(NS))) + 7;
        let mut walked = self.walk_add(schedule, t, d, first);
        if walked.is_err() && self.day_start(first) < t {
            first = self.next_monday(t);
            walked = self.walk_add(schedule, t, d, first);
        }
        let consumed = match walked {
            Ok(r) => return if r < self.limit { Ok(r) } else { Err(Stop::OutOfRange) },
            Err(consumed) => consumed,
        };
        // Whole weeks: find the one in which the remaining time runs out (or, for zero, the next one open at all).
        let remaining = d - consumed;
        let base = self.cumulative(first);
        let monday = self.week_reaching(first, base + i128::from(remaining.max(1))).ok_or(Stop::Never)?;
        if monday > self.max_day {
            return Err(Stop::OutOfRange);
        }
        let before = i64::try_from(self.cumulative(monday) - base).map_err(|_| Stop::OutOfRange)?;
        match self.walk_add(schedule, self.day_start(monday), remaining - before, monday + 7) {
            Ok(r) if r < self.limit => Ok(r),
            _ => Err(Stop::OutOfRange),
        }
    }

    /// Business nanoseconds in `[a, b)`, `a <= b`.
    pub(crate) fn between(&self, schedule: &Schedule, a: i64, b: i64) -> i64 {
        let first = self.next_monday(a);
        let last = monday_of(self.zone.local_day(b.div_euclid(NS)));
        if first > last {
            return self.walk_between(schedule, a, b, last + 7);
        }
        let (s1, s2) = (self.day_start(first), self.day_start(last));
        let whole = self.cumulative(last) - self.cumulative(first);
        self.walk_between(schedule, a, s1, first) + whole as i64 + self.walk_between(schedule, s2, b, last + 7)
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
            if weekday_index(day) == 0 && !self.has_exception(day) {
                if self.week_working_days == 0 {
                    day = self.next_exception_week(day).ok_or(Stop::Never)? - 1;
                    continue;
                }
                if remaining > self.week_working_days {
                    let k = self.exception_run(day).min((remaining - 1) / self.week_working_days);
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
