//! The arithmetic: walking a calendar's opening intervals, and jumping over whole weeks with prefix sums.
//!
//! Instants are UTC nanoseconds since the epoch (`i64`, enough for the supported years), durations nanoseconds.
//!
//! **What is open.** Each local date's opening intervals become real intervals (a start at its wall-clock time's
//! first occurrence, an end at its last, a skipped time at the jump, `24:00` at the next date's first midnight).
//! The calendar is open on the union of all of them, and business time is the length of that union: a date's
//! intervals may reach into instants of a neighbouring date when a clock change repeats an hour across midnight
//! (America/St_Johns fell back at 00:01), and such an instant is open once, however many dates claim it.
//!
//! **Weeks.** Real time is cut into week slices, each from the first instant of a local Monday to the first
//! instant of the next one. A slice is *regular* when no date in it has an exception (holiday, make-up day) and
//! no local date in it is near a clock change: its open time is then the nominal weekly hours. At build time the
//! engine measures every other slice and keeps prefix sums of (real − nominal), so the open time between any two
//! slice boundaries is one multiplication plus one lookup. `add` and `between` walk at most the two partial slices
//! at their ends, date by date, and do O(log n) arithmetic for everything in between, where n is the number of
//! irregular slices: the span's length does not matter, and neither does the number of holidays it crosses.
//! Because every quantity is a measure of the same union over real time, `between` is additive by construction.

use std::sync::Arc;

use super::spec::{DayNumber, Schedule, weekday_index};
use super::zone::ZoneTable;

pub(crate) const NS: i64 = 1_000_000_000;
const DAY: i64 = 86_400;

/// Everything the walk needs, derived once from a calendar.
#[derive(Clone, Debug)]
pub(crate) struct Engine {
    zone: Arc<ZoneTable>,
    /// Mondays of the week slices whose open time is not `week_open`, ascending.
    irregular: Vec<DayNumber>,
    /// `open_prefix[k]` = Σ over the irregular slices before the k-th of (their open time − `week_open`).
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
    /// Cost: reading the zone once per process (see [`ZoneTable::shared`]), then a walk of each week slice with
    /// an exception or a local date near a clock change.
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
        // Only a slice with an exception, or with a date whose offset is not steady, can differ from the nominal
        // week (see `ZoneTable::steady_offset`): measure those, keep the ones that do differ.
        let mut candidates: Vec<DayNumber> = engine.exception_weeks.clone();
        candidates.extend(engine.zone.unsteady_days().map(monday_of));
        candidates.sort_unstable();
        candidates.dedup();
        let mut sum: i128 = 0;
        for monday in candidates {
            if monday < engine.origin || monday > engine.max_day {
                continue;
            }
            let real = engine.walk_between(schedule, engine.day_start(monday), engine.day_start(monday + 7));
            if real != week_open {
                sum += i128::from(real - week_open);
                engine.irregular.push(monday);
                engine.open_prefix.push(sum);
            }
        }
        engine
    }

    /// Open time from the start of `origin`'s slice to the start of the slice of the Monday `monday`.
    fn cumulative(&self, monday: DayNumber) -> i128 {
        let weeks = i128::from((monday - self.origin) / 7);
        weeks * i128::from(self.week_open) + self.open_prefix[self.irregular.partition_point(|&m| m < monday)]
    }

    /// The local date of an instant.
    pub(crate) fn local_day(&self, t: i64) -> DayNumber {
        self.zone.local_day(t.div_euclid(NS))
    }

    /// The first Monday `m >= from` whose slice brings the cumulative open time to at least `target`
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

    /// UTC nanoseconds of the start of a local day: the first occurrence of its midnight, or the jump that skips
    /// it. Ascending in `day` (equal for the dates a jump skips whole).
    fn day_start(&self, day: DayNumber) -> i64 {
        let midnight = i64::from(day) * DAY;
        match self.zone.steady_offset(day) {
            Some(o) => (midnight - i64::from(o)) * NS,
            None => self.zone.to_utc(midnight, true) * NS,
        }
    }

    /// The Monday whose slice `[day_start(m), day_start(m + 7))` contains `t`. Usually the Monday of `t`'s local
    /// date; later when an hour repeated across midnight puts `t` after the next Monday's first midnight.
    fn week_of(&self, t: i64) -> DayNumber {
        let mut monday = monday_of(self.zone.local_day(t.div_euclid(NS)));
        while self.day_start(monday + 7) <= t {
            monday += 7;
        }
        monday
    }

    /// The local dates whose opening intervals can meet `[a, b)`: from `a`'s to `b`'s, widened by the zone's
    /// reach where a clock change is near (a date's intervals reach into its neighbours' instants only there).
    fn days_meeting(&self, a: i64, b: i64) -> (DayNumber, DayNumber) {
        let reach = self.zone.reach();
        let first = self.zone.local_day(a.div_euclid(NS));
        let last = self.zone.local_day(b.div_euclid(NS));
        let first = if self.zone.steady_offset(first).is_some() { first } else { first - reach };
        let last = if self.zone.steady_offset(last).is_some() { last } else { last + reach };
        (first, last.min(self.max_day))
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

    /// Calls `f(start, end)` for each stretch of the open union inside `[a, b)`, in time order, until it returns
    /// `Some`. Stretches from different dates that overlap are given once (the later one cut to what is new).
    ///
    /// Intervals start in date order (a date's first midnight is never after the next date's), so one cursor
    /// sweep measures the union exactly.
    fn walk<R>(&self, schedule: &Schedule, a: i64, b: i64, mut f: impl FnMut(i64, i64) -> Option<R>) -> Option<R> {
        let (first, last) = self.days_meeting(a, b);
        let mut cursor = a;
        for day in first..=last {
            let found = self.each_interval(schedule, day, |s, e| {
                let (s, e) = (s.max(cursor), e.min(b));
                if e <= s {
                    return None;
                }
                cursor = e;
                f(s, e)
            });
            if found.is_some() {
                return found;
            }
        }
        None
    }

    /// Whether the instant lies inside the open union (an interval's start inclusive, its end exclusive).
    pub(crate) fn is_open(&self, schedule: &Schedule, t: i64) -> bool {
        self.walk(schedule, t, t + 1, |_, _| Some(())).is_some()
    }

    /// Open time in `[a, b)`, walked date by date: for spans of a week or two.
    fn walk_between(&self, schedule: &Schedule, a: i64, b: i64) -> i64 {
        let mut total = 0;
        self.walk(schedule, a, b, |s, e| {
            total += e - s;
            None::<()>
        });
        total
    }

    /// Consumes `remaining` open time from `t`, walking no further than `b`. Returns the instant if it is reached
    /// (the start of the next open stretch for zero), or else the open time in `[t, b)`.
    fn walk_add(&self, schedule: &Schedule, t: i64, b: i64, remaining: i64) -> Result<i64, i64> {
        let mut left = remaining;
        let found = self.walk(schedule, t, b, |s, e| {
            if left <= e - s {
                return Some(s + left);
            }
            left -= e - s;
            None
        });
        found.ok_or(remaining - left)
    }

    /// The instant `d` (≥ 0) business nanoseconds after `t`.
    pub(crate) fn add(&self, schedule: &Schedule, t: i64, d: i64) -> Result<i64, Stop> {
        // Most additions end within `t`'s own slice: walk it before computing anything about whole weeks.
        let week = self.week_of(t);
        let first = week + 7;
        let consumed = match self.walk_add(schedule, t, self.day_start(first), d) {
            Ok(r) => return if r < self.limit { Ok(r) } else { Err(Stop::OutOfRange) },
            Err(consumed) => consumed,
        };
        // Whole slices: find the one in which the remaining time runs out (or, for zero, the next one open at all).
        let remaining = d - consumed;
        let base = self.cumulative(first);
        let monday = self.week_reaching(first, base + i128::from(remaining.max(1))).ok_or(Stop::Never)?;
        if monday > self.max_day {
            return Err(Stop::OutOfRange);
        }
        let before = i64::try_from(self.cumulative(monday) - base).map_err(|_| Stop::OutOfRange)?;
        let (start, end) = (self.day_start(monday), self.day_start(monday + 7));
        match self.walk_add(schedule, start, end, remaining - before) {
            Ok(r) if r < self.limit => Ok(r),
            _ => Err(Stop::OutOfRange),
        }
    }

    /// Business nanoseconds in `[a, b)`, `a <= b`.
    pub(crate) fn between(&self, schedule: &Schedule, a: i64, b: i64) -> i64 {
        let (first, last) = (self.week_of(a), self.week_of(b));
        if first == last {
            return self.walk_between(schedule, a, b);
        }
        let whole = self.cumulative(last) - self.cumulative(first + 7);
        self.walk_between(schedule, a, self.day_start(first + 7))
            + whole as i64
            + self.walk_between(schedule, self.day_start(last), b)
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
