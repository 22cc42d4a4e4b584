//! The laws of business-time arithmetic, property-tested on random calendars with random holidays and make-up
//! days, and checked against an independent date-by-date oracle that maps wall-clock times with chrono-tz
//! directly (it shares no code with the calendar's engine or its zone tables).
//!
//! The zones: Asia/Shanghai, Europe/Amsterdam and America/New_York in 2025–2026; zones with awkward histories, each
//! in a year of its clock changes (`kefu::testing::calendar::AWKWARD_ZONES`: changes at or across midnight, 30-
//! and 45-minute offsets, a skipped date, +14); and any zone of the database in a year from 1970 to 2037. Half the
//! instants fall within days of a clock change.
#![cfg(feature = "testing")]

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use kefu::calendar::{Calendar, CalendarError};
use kefu::testing::calendar::{any_business_duration, any_calendar_in, any_instant_in, any_zone_and_year};
use proptest::prelude::*;

/// A computation's answer; a result beyond the supported years discards the case (a calendar open five minutes a
/// week really does run past 2200 on a few hundred days of business time), any other error fails it.
fn ok<T>(r: Result<T, kefu::calendar::CalendarError>) -> Result<T, TestCaseError> {
    r.map_err(|e| match e {
        CalendarError::OutOfRange { .. } => TestCaseError::reject(e.to_string()),
        e => TestCaseError::fail(e.to_string()),
    })
}

/// A random calendar in a zone and year from [`any_zone_and_year`], with inputs drawn for that zone and year.
fn case<S: Strategy>(inputs: impl Fn(Tz, i32) -> S + Clone) -> impl Strategy<Value = (Calendar, S::Value)> {
    any_zone_and_year().prop_flat_map(move |(tz, year)| (any_calendar_in(tz, year), inputs(tz, year)))
}

/// The oracle's mapping of a wall-clock time: its first occurrence for starts (`earliest`), its last for ends; a
/// time the clocks skip maps to the jump, the first instant after it.
fn map_local(tz: Tz, local: NaiveDateTime, earliest: bool) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.to_utc(),
        LocalResult::Ambiguous(a, b) => if earliest { a } else { b }.to_utc(),
        LocalResult::None => {
            // Skipped: find the first wall-clock second that exists again, a minute at a time, then back a second
            // at a time (a few offsets have seconds). Its first occurrence is the jump.
            let mut probe = local;
            while matches!(tz.from_local_datetime(&probe), LocalResult::None) {
                probe += Duration::minutes(1);
            }
            while !matches!(tz.from_local_datetime(&(probe - Duration::seconds(1))), LocalResult::None) {
                probe -= Duration::seconds(1);
            }
            tz.from_local_datetime(&probe).earliest().map(|t| t.to_utc()).unwrap_or_default()
        }
    }
}

/// The first instant of a local date.
fn date_start(tz: Tz, date: NaiveDate) -> DateTime<Utc> {
    map_local(tz, date.and_hms_opt(0, 0, 0).unwrap(), true)
}

/// The opening intervals of a local date, computed naively: each end of the wall-clock hours mapped on its own
/// (`24:00` is the next date's first instant).
fn oracle_intervals(cal: &Calendar, date: NaiveDate) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let tz = cal.time_zone();
    let midnight = date.and_hms_opt(0, 0, 0).unwrap();
    cal.hours_on(date)
        .iter()
        .map(|iv| {
            let s = map_local(tz, midnight + Duration::seconds(iv.start_seconds().into()), true);
            let end = midnight + Duration::seconds(iv.end_seconds().into());
            let e = map_local(tz, end, iv.end_seconds() == 86_400);
            (s, e)
        })
        .filter(|(s, e)| e > s)
        .collect()
}

/// Adds intervals to a sorted list of disjoint stretches, merging what overlaps or touches: the open set is the
/// union of every date's intervals, whichever date they belong to.
fn merge_into(union: &mut Vec<(DateTime<Utc>, DateTime<Utc>)>, more: Vec<(DateTime<Utc>, DateTime<Utc>)>) {
    union.extend(more);
    union.sort();
    let mut merged: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::with_capacity(union.len());
    for (s, e) in union.drain(..) {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    *union = merged;
}

/// Two dates of margin on each side: a date's intervals can reach into its neighbours' instants when a clock
/// change repeats an hour across midnight.
const MARGIN: Duration = Duration::days(2);

fn local_date(cal: &Calendar, t: DateTime<Utc>) -> NaiveDate {
    cal.local(t).date_naive()
}

fn oracle_is_open(cal: &Calendar, t: DateTime<Utc>) -> bool {
    let mut union = Vec::new();
    let mut date = local_date(cal, t) - MARGIN;
    while date <= local_date(cal, t) + MARGIN {
        merge_into(&mut union, oracle_intervals(cal, date));
        date = date.succ_opt().unwrap();
    }
    union.iter().any(|&(s, e)| s <= t && t < e)
}

/// The instant at which `d` of open time has passed since `t`; for zero, the first open instant at or after `t`.
///
/// Dates are added one at a time; the union is final before the next date's first instant (no later date has an
/// interval starting before its own first instant), so it is consumed up to there.
fn oracle_add(cal: &Calendar, t: DateTime<Utc>, d: TimeDelta) -> DateTime<Utc> {
    let tz = cal.time_zone();
    let mut union = Vec::new();
    let mut left = d;
    let mut cursor = t;
    let mut date = local_date(cal, t) - MARGIN;
    loop {
        merge_into(&mut union, oracle_intervals(cal, date));
        date = date.succ_opt().unwrap();
        let frontier = date_start(tz, date);
        for &(s, e) in &union {
            let (s, e) = (s.max(cursor), e.min(frontier));
            if e <= s {
                continue;
            }
            if left <= e - s {
                return s + left;
            }
            left -= e - s;
            cursor = e;
        }
        union.retain(|&(_, e)| e > cursor);
    }
}

fn oracle_between(cal: &Calendar, a: DateTime<Utc>, b: DateTime<Utc>) -> TimeDelta {
    let mut union = Vec::new();
    let mut date = local_date(cal, a) - MARGIN;
    while date <= local_date(cal, b) + MARGIN {
        merge_into(&mut union, oracle_intervals(cal, date));
        date = date.succ_opt().unwrap();
    }
    union.iter().map(|&(s, e)| (e.min(b) - s.max(a)).max(TimeDelta::zero())).sum()
}

fn days(n: i64) -> TimeDelta {
    TimeDelta::days(n)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

    #[test]
    fn add_agrees_with_the_day_by_day_oracle((cal, (t, d)) in case(|tz, y| (any_instant_in(tz, y), any_business_duration(days(20))))) {
        prop_assert_eq!(ok(cal.add(t, d))?, oracle_add(&cal, t, d));
    }

    #[test]
    fn between_agrees_with_the_day_by_day_oracle((cal, (a, span)) in case(|tz, y| (any_instant_in(tz, y), 0i64..60 * 86_400))) {
        let b = a + TimeDelta::seconds(span);
        prop_assert_eq!(ok(cal.between(a, b))?, oracle_between(&cal, a, b));
    }

    #[test]
    fn is_open_agrees_with_the_day_by_day_oracle((cal, t) in case(any_instant_in)) {
        prop_assert_eq!(ok(cal.is_open(t))?, oracle_is_open(&cal, t));
    }

    #[test]
    fn add_is_additive((cal, (t, a, b)) in case(|tz, y| (any_instant_in(tz, y), any_business_duration(days(200)), any_business_duration(days(200))))) {
        // b = 0 is the documented exception: add(t, a) may be a closing instant, and adding zero moves it on.
        prop_assume!(b > TimeDelta::zero());
        prop_assert_eq!(ok(cal.add(ok(cal.add(t, a))?, b))?, ok(cal.add(t, a + b))?);
    }

    #[test]
    fn between_undoes_add((cal, (t, d)) in case(|tz, y| (any_instant_in(tz, y), any_business_duration(days(400))))) {
        // From an open instant as the issue states it, and in fact from any instant.
        prop_assert_eq!(ok(cal.between(t, ok(cal.add(t, d))?))?, d);
    }

    #[test]
    fn between_undoes_add_from_an_open_instant((cal, (t, d)) in case(|tz, y| (any_instant_in(tz, y), any_business_duration(days(400))))) {
        let open = ok(cal.next_open(t))?;
        prop_assert!(ok(cal.is_open(open))?);
        prop_assert_eq!(ok(cal.between(open, ok(cal.add(open, d))?))?, d);
    }

    #[test]
    fn between_is_additive_and_antisymmetric((cal, (a, b, c)) in case(|tz, y| (any_instant_in(tz, y), any_instant_in(tz, y), any_instant_in(tz, y)))) {
        let (ab, bc, ac) = (ok(cal.between(a, b))?, ok(cal.between(b, c))?, ok(cal.between(a, c))?);
        prop_assert_eq!(ab + bc, ac);
        prop_assert_eq!(ok(cal.between(b, a))?, -ab);
    }

    #[test]
    fn add_is_monotone_in_start_and_duration((cal, (t1, t2, d1, d2)) in case(|tz, y| (any_instant_in(tz, y), any_instant_in(tz, y), any_business_duration(days(100)), any_business_duration(days(100))))) {
        let (t1, t2) = (t1.min(t2), t1.max(t2));
        let (d1, d2) = (d1.min(d2), d1.max(d2));
        prop_assert!(ok(cal.add(t1, d1))? <= ok(cal.add(t2, d1))?);
        prop_assert!(ok(cal.add(t1, d1))? <= ok(cal.add(t1, d2))?);
    }

    #[test]
    fn business_time_never_exceeds_elapsed_time((cal, (a, b)) in case(|tz, y| (any_instant_in(tz, y), any_instant_in(tz, y)))) {
        let (a, b) = (a.min(b), a.max(b));
        let business = ok(cal.between(a, b))?;
        prop_assert!(business >= TimeDelta::zero() && business <= b - a);
        // Adding the business time back never overshoots (zero is the exception: it moves to the next opening).
        if business > TimeDelta::zero() {
            prop_assert!(ok(cal.add(a, business))? <= b);
        }
    }

    #[test]
    fn an_always_open_calendar_is_plain_arithmetic((tz, t, d, b) in any_zone_and_year().prop_flat_map(|(tz, y)| (Just(tz), any_instant_in(tz, y), any_business_duration(days(800)), any_instant_in(tz, y)))) {
        let cal = Calendar::always_open(tz);
        prop_assert_eq!(ok(cal.add(t, d))?, t + d);
        prop_assert_eq!(ok(cal.between(t, b))?, b - t);
        prop_assert!(ok(cal.is_open(t))?);
    }

    #[test]
    fn results_land_inside_opening_hours_or_on_a_closing_boundary((cal, (t, d)) in case(|tz, y| (any_instant_in(tz, y), any_business_duration(days(100))))) {
        let r = ok(cal.add(t, d))?;
        if d.is_zero() {
            prop_assert!(ok(cal.is_open(r))?, "next opening {r} is not open");
        } else {
            // The last nanosecond counted was open; `r` itself is open or the instant the interval closed.
            prop_assert!(ok(cal.is_open(r - TimeDelta::nanoseconds(1)))?, "{r} does not end an open stretch");
        }
    }

    #[test]
    fn working_days_land_on_the_nth_working_date((cal, (t, n)) in case(|tz, y| (any_instant_in(tz, y), 0u32..40))) {
        let r = ok(cal.add_working_days(t, n))?;
        prop_assert!(ok(cal.is_open(r))?);
        // Count working dates strictly after t's date, up to the date reached before moving to the next opening.
        let tz = cal.time_zone();
        let start = cal.local(t).date_naive();
        let mut date = start;
        let mut left = n;
        while left > 0 {
            date = date.succ_opt().unwrap();
            if cal.is_working_date(date) { left -= 1; }
        }
        let local = date.and_time(cal.local(t).time());
        let wall = map_local(tz, local, true);
        prop_assert_eq!(r, oracle_add(&cal, wall, TimeDelta::zero()));
    }
}

proptest! {
    // Long spans cross many irregular weeks (holidays, make-up days, clock changes inside opening hours): the
    // prefix sums over whole weeks must agree with the naive walk.
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn long_spans_agree_with_the_day_by_day_oracle((cal, (a, span, d)) in case(|tz, y| (any_instant_in(tz, y), 0i64..700 * 86_400, any_business_duration(days(120))))) {
        let b = a + TimeDelta::seconds(span);
        prop_assert_eq!(ok(cal.between(a, b))?, oracle_between(&cal, a, b));
        prop_assert_eq!(ok(cal.add(a, d))?, oracle_add(&cal, a, d));
    }
}
