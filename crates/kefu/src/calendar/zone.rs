//! A time zone's UTC offsets over the supported years, as a flat table of transitions.
//!
//! chrono-tz answers "what is the offset at this instant?" well, but calendar arithmetic also needs "is there any
//! transition within this local day?" and "where is the next one?", which it does not expose. We therefore read the
//! zone once, when a calendar first computes, into a sorted table. Local days without a transition (nearly all of
//! them) then map wall-clock times to instants with one subtraction.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{DateTime, Offset, TimeZone};
use chrono_tz::Tz;

use super::spec::DayNumber;

/// Seconds in a nominal day.
const DAY: i64 = 86_400;
/// Sampling step when reading the zone: transitions less than a week apart would be missed, and no zone in the
/// tz database has such a pair within the supported years (the property tests compare against chrono-tz).
const STEP: i64 = 7 * DAY;

#[derive(Clone, Debug)]
pub(crate) struct ZoneTable {
    /// UTC seconds at which the offset changes, ascending.
    at: Vec<i64>,
    /// `offsets[i]` is in effect before `at[i]`; the last entry after the last transition.
    offsets: Vec<i32>,
    /// Local days from which on (until the next entry) the offset is steady (`Some`) or not (`None`): a day
    /// within a day of a transition is unsteady. Ascending; the first entry starts before every supported day.
    days: Vec<(DayNumber, Option<i32>)>,
    /// How many local dates away a date's opening intervals can reach: 1 plus the whole days of the largest
    /// backward jump (a repeated hour reaches into the neighbouring date; a jump back of a day or more would
    /// reach further).
    reach: DayNumber,
}

fn chrono_offset(tz: Tz, utc_secs: i64) -> i32 {
    let naive = DateTime::from_timestamp(utc_secs, 0).unwrap_or_default().naive_utc();
    tz.offset_from_utc_datetime(&naive).fix().local_minus_utc()
}

/// Zone tables already read, by time zone and range: a pure function of its key, so sharing it is memoisation, not
/// state. Thousands of calendars in a handful of zones (customers' quiet hours, rule B9) then pay the reading once.
static SHARED: OnceLock<Mutex<Tables>> = OnceLock::new();

/// Zone tables by (zone, first second, last second).
type Tables = HashMap<(Tz, i64, i64), Arc<ZoneTable>>;

impl ZoneTable {
    /// The table of `tz` between the two UTC instants (seconds), read once per process and shared.
    pub(crate) fn shared(tz: Tz, from: i64, until: i64) -> Arc<ZoneTable> {
        let cache = SHARED.get_or_init(Default::default);
        // A poisoned lock only means another thread panicked while inserting; the map itself is still sound.
        if let Some(table) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&(tz, from, until)) {
            return Arc::clone(table);
        }
        // Read outside the lock: two threads may both read a new zone once; the first insert wins.
        let table = Arc::new(Self::build(tz, from, until));
        let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
        Arc::clone(map.entry((tz, from, until)).or_insert(table))
    }

    /// Reads `tz` between the two UTC instants (seconds).
    pub(crate) fn build(tz: Tz, from: i64, until: i64) -> Self {
        let mut at = Vec::new();
        let mut offsets = vec![chrono_offset(tz, from)];
        let mut x = from;
        let mut before = offsets[0];
        while x < until {
            let y = (x + STEP).min(until);
            let after = chrono_offset(tz, y);
            if after != before {
                // The first second at which `after` holds: bisect (x, y].
                let (mut lo, mut hi) = (x, y);
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2;
                    if chrono_offset(tz, mid) == before { lo = mid } else { hi = mid }
                }
                at.push(hi);
                offsets.push(after);
                before = after;
            }
            x = y;
        }
        Self::from_transitions(at, offsets)
    }

    /// The table of the given transitions (`offsets` has one more entry than `at`).
    fn from_transitions(at: Vec<i64>, offsets: Vec<i32>) -> Self {
        let back = offsets.windows(2).map(|w| i64::from(w[0]) - i64::from(w[1])).max().unwrap_or(0).max(0);
        let reach = 1 + (back / DAY) as DayNumber;
        let days = steady_days(&at, &offsets, reach);
        Self { at, offsets, days, reach }
    }

    /// The offset (seconds east of UTC) at a UTC instant.
    #[inline]
    pub(crate) fn offset_at(&self, utc: i64) -> i32 {
        self.offsets[self.at.partition_point(|&t| t <= utc)]
    }

    /// The local day of a UTC instant (seconds).
    #[inline]
    pub(crate) fn local_day(&self, utc: i64) -> DayNumber {
        (utc + i64::from(self.offset_at(utc))).div_euclid(DAY) as DayNumber
    }

    /// Seconds since local midnight of a UTC instant.
    pub(crate) fn local_second_of_day(&self, utc: i64) -> i64 {
        (utc + i64::from(self.offset_at(utc))).rem_euclid(DAY)
    }

    /// How many local dates away from its own a date's opening intervals can reach (see the field).
    #[inline]
    pub(crate) fn reach(&self) -> DayNumber {
        self.reach
    }

    /// The local days within a day of a transition (those whose [`steady_offset`](Self::steady_offset) is `None`),
    /// ascending.
    pub(crate) fn unsteady_days(&self) -> impl Iterator<Item = DayNumber> + '_ {
        self.days.windows(2).filter(|w| w[0].1.is_none()).flat_map(|w| w[0].0..w[1].0)
    }

    /// The offset in force during the whole of a local day, if no transition falls within a day of it.
    ///
    /// Cost: one binary search over the zone's transitions.
    #[inline]
    pub(crate) fn steady_offset(&self, day: DayNumber) -> Option<i32> {
        let i = self.days.partition_point(|&(d, _)| d <= day);
        self.days[i.saturating_sub(1)].1
    }

    /// The UTC instant of a local wall-clock time (local seconds since the epoch, as if the zone were UTC).
    ///
    /// A time that occurs twice (the hour repeated when clocks go back) gives the `earliest` or the latest of the
    /// two; a time that does not occur (skipped when clocks go forward) gives the instant the clocks jumped, the
    /// first real instant after it.
    pub(crate) fn to_utc(&self, local: i64, earliest: bool) -> i64 {
        // Offsets never exceed ±26 h, so every candidate lies within two days.
        let lo = self.at.partition_point(|&t| t < local - 2 * DAY);
        let hi = self.at.partition_point(|&t| t <= local + 2 * DAY);
        let mut found: Option<i64> = None;
        for &o in &self.offsets[lo..=hi] {
            let u = local - i64::from(o);
            if self.offset_at(u) == o {
                found = Some(match found {
                    Some(f) if earliest => f.min(u),
                    Some(f) => f.max(u),
                    None => u,
                });
            }
        }
        if let Some(u) = found {
            return u;
        }
        // In a gap: the transition whose skipped wall-clock span contains `local`.
        for i in lo..hi {
            let (t, before, after) = (self.at[i], i64::from(self.offsets[i]), i64::from(self.offsets[i + 1]));
            if t + before <= local && local < t + after {
                return t;
            }
        }
        local - i64::from(self.offset_at(local))
    }
}

/// The breakpoints of [`ZoneTable::steady_offset`]: the local days around each transition (under either offset,
/// `reach` days of margin on both sides) are unsteady; between them the offset after the previous transition holds.
///
/// The margin is what makes a steady day simple: its wall-clock times occur once, at one offset; no other date's
/// opening intervals reach into its instants; and its own stay within them.
fn steady_days(at: &[i64], offsets: &[i32], reach: DayNumber) -> Vec<(DayNumber, Option<i32>)> {
    let local_day = |t: i64, o: i32| (t + i64::from(o)).div_euclid(DAY) as DayNumber;
    let mut days = vec![(DayNumber::MIN, Some(offsets[0]))];
    for (i, &t) in at.iter().enumerate() {
        let (before, after) = (offsets[i], offsets[i + 1]);
        let first = local_day(t, before.min(after)) - reach;
        let last = local_day(t, before.max(after)) + reach;
        // Merge with the previous unsteady stretch when they touch or overlap.
        match days.last() {
            Some(&(d, Some(_))) if d >= first => {
                days.pop();
            }
            Some(&(_, None)) => {}
            _ => days.push((first, None)),
        }
        days.push((last + 1, Some(after)));
    }
    days
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str) -> (Tz, ZoneTable) {
        let tz: Tz = name.parse().unwrap();
        (tz, ZoneTable::build(tz, 0, 7_258_118_400))
    }

    #[test]
    fn offsets_agree_with_chrono_tz() {
        for name in
            ["Asia/Shanghai", "Europe/Amsterdam", "America/New_York", "Australia/Lord_Howe", "Africa/Casablanca"]
        {
            let (tz, t) = table(name);
            // A deterministic spread of instants, including both sides of every transition.
            let mut probes: Vec<i64> = (0..20_000).map(|i| i * 362_867 + 17).collect();
            probes.extend(t.at.iter().flat_map(|&x| [x - 1, x, x + 1]));
            for u in probes {
                assert_eq!(t.offset_at(u), chrono_offset(tz, u), "{name} at {u}");
            }
        }
    }

    #[test]
    fn steady_days_have_one_offset_from_midnight_to_midnight() {
        for name in ["Europe/Amsterdam", "America/New_York", "Australia/Lord_Howe", "Asia/Shanghai"] {
            let (_, t) = table(name);
            let mut steady = 0;
            for day in -10..84_000 {
                let midnight = i64::from(day) * DAY;
                if let Some(o) = t.steady_offset(day) {
                    steady += 1;
                    let start = midnight - i64::from(o);
                    for probe in [start - 1, start, start + DAY / 2, start + DAY, start + DAY + 1] {
                        assert_eq!(t.offset_at(probe), o, "{name} day {day}");
                    }
                }
            }
            assert!(steady > 80_000, "{name}: only {steady} steady days");
        }
    }

    #[test]
    fn local_times_in_gaps_and_overlaps() {
        let (_, t) = table("Europe/Amsterdam");
        // 2026-03-29 02:30 does not exist (clocks jump 02:00 -> 03:00 CET->CEST at 01:00 UTC).
        let local = 1_774_751_400; // 2026-03-29T02:30:00 as if UTC
        assert_eq!(t.to_utc(local, true), 1_774_746_000); // 01:00 UTC, the jump
        // 2026-10-25 02:30 happens twice: 00:30 UTC (CEST) and 01:30 UTC (CET).
        let local = 1_792_895_400; // 2026-10-25T02:30:00 as if UTC
        assert_eq!(t.to_utc(local, true), 1_792_888_200);
        assert_eq!(t.to_utc(local, false), 1_792_891_800);
    }
}
