//! The laws of business-time arithmetic, property-tested on random calendars in Asia/Shanghai, Europe/Amsterdam
//! and America/New_York with random holidays and make-up days, and checked against an independent day-by-day
//! oracle that maps wall-clock times with chrono-tz directly.
#![cfg(feature = "testing")]

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use kefu::calendar::{Calendar, CalendarError};
use kefu::testing::calendar::{SHANGHAI_AMSTERDAM_NEW_YORK, any_business_duration, any_calendar, any_instant};
use proptest::prelude::*;

const ZONES: &[Tz] = SHANGHAI_AMSTERDAM_NEW_YORK;

/// A computation's answer; a result beyond the supported years discards the case (a calendar open five minutes a
/// week really does run past 2200 on a few hundred days of business time), any other error fails it.
fn ok<T>(r: Result<T, kefu::calendar::CalendarError>) -> Result<T, TestCaseError> {
    r.map_err(|e| match e {
        CalendarError::OutOfRange { .. } => TestCaseError::reject(e.to_string()),
        e => TestCaseError::fail(e.to_string()),
    })
}

/// The oracle's mapping of a wall-clock time: first occurrence for starts, last for ends, the jump for a gap.
fn map_local(tz: Tz, local: NaiveDateTime, earliest: bool) -> DateTime<Utc> {
    let mut probe = local;
    loop {
        match tz.from_local_datetime(&probe) {
            LocalResult::Single(t) => return t.to_utc(),
            LocalResult::Ambiguous(a, b) => return if earliest || probe != local { a.to_utc() } else { b.to_utc() },
            // Skipped by the clocks: the first wall-clock minute that exists again is the jump itself.
            LocalResult::None => probe += Duration::minutes(1),
        }
    }
}

/// The opening intervals of a local date, computed naively.
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

fn oracle_add(cal: &Calendar, t: DateTime<Utc>, d: TimeDelta) -> DateTime<Utc> {
    let mut remaining = d;
    let mut cursor = t;
    let mut date = cal.local(t).date_naive();
    loop {
        for (s, e) in oracle_intervals(cal, date) {
            let s = s.max(cursor);
            if e <= s {
                continue;
            }
            if remaining <= e - s {
                return s + remaining;
            }
            remaining -= e - s;
            cursor = e;
        }
        date = date.succ_opt().unwrap();
    }
}

fn oracle_between(cal: &Calendar, a: DateTime<Utc>, b: DateTime<Utc>) -> TimeDelta {
    let mut total = TimeDelta::zero();
    let mut cursor = a;
    let mut date = cal.local(a).date_naive();
    while date <= cal.local(b).date_naive() {
        for (s, e) in oracle_intervals(cal, date) {
            let (s, e) = (s.max(cursor), e.min(b));
            if e > s {
                total += e - s;
                cursor = e;
            }
        }
        date = date.succ_opt().unwrap();
    }
    total
}

fn days(n: i64) -> TimeDelta {
    TimeDelta::days(n)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn add_agrees_with_the_day_by_day_oracle(cal in any_calendar(ZONES), t in any_instant(2025), d in any_business_duration(days(20))) {
        prop_assert_eq!(ok(cal.add(t, d))?, oracle_add(&cal, t, d));
    }

    #[test]
    fn between_agrees_with_the_day_by_day_oracle(cal in any_calendar(ZONES), a in any_instant(2025), span in 0i64..60 * 86_400) {
        let b = a + TimeDelta::seconds(span);
        prop_assert_eq!(ok(cal.between(a, b))?, oracle_between(&cal, a, b));
    }

    #[test]
    fn add_is_additive(cal in any_calendar(ZONES), t in any_instant(2025), a in any_business_duration(days(200)), b in any_business_duration(days(200))) {
        // b = 0 is the documented exception: add(t, a) may be a closing instant, and adding zero moves it on.
        prop_assume!(b > TimeDelta::zero());
        prop_assert_eq!(ok(cal.add(ok(cal.add(t, a))?, b))?, ok(cal.add(t, a + b))?);
    }

    #[test]
    fn between_undoes_add(cal in any_calendar(ZONES), t in any_instant(2025), d in any_business_duration(days(400))) {
        // From an open instant as the issue states it, and in fact from any instant.
        prop_assert_eq!(ok(cal.between(t, ok(cal.add(t, d))?))?, d);
    }

    #[test]
    fn between_undoes_add_from_an_open_instant(cal in any_calendar(ZONES), t in any_instant(2025), d in any_business_duration(days(400))) {
        let open = ok(cal.next_open(t))?;
        prop_assert!(ok(cal.is_open(open))?);
        prop_assert_eq!(ok(cal.between(open, ok(cal.add(open, d))?))?, d);
    }

    #[test]
    fn between_is_additive_and_antisymmetric(cal in any_calendar(ZONES), a in any_instant(2025), b in any_instant(2025), c in any_instant(2025)) {
        let (ab, bc, ac) = (ok(cal.between(a, b))?, ok(cal.between(b, c))?, ok(cal.between(a, c))?);
        prop_assert_eq!(ab + bc, ac);
        prop_assert_eq!(ok(cal.between(b, a))?, -ab);
    }

    #[test]
    fn add_is_monotone_in_start_and_duration(cal in any_calendar(ZONES), t1 in any_instant(2025), t2 in any_instant(2025), d1 in any_business_duration(days(100)), d2 in any_business_duration(days(100))) {
        let (t1, t2) = (t1.min(t2), t1.max(t2));
        let (d1, d2) = (d1.min(d2), d1.max(d2));
        prop_assert!(ok(cal.add(t1, d1))? <= ok(cal.add(t2, d1))?);
        prop_assert!(ok(cal.add(t1, d1))? <= ok(cal.add(t1, d2))?);
    }

    #[test]
    fn business_time_never_exceeds_elapsed_time(cal in any_calendar(ZONES), a in any_instant(2025), b in any_instant(2025)) {
        let (a, b) = (a.min(b), a.max(b));
        let business = ok(cal.between(a, b))?;
        prop_assert!(business >= TimeDelta::zero() && business <= b - a);
        // Adding the business time back never overshoots (zero is the exception: it moves to the next opening).
        if business > TimeDelta::zero() {
            prop_assert!(ok(cal.add(a, business))? <= b);
        }
    }

    #[test]
    fn an_always_open_calendar_is_plain_arithmetic(tz in proptest::sample::select(ZONES), t in any_instant(2025), d in any_business_duration(days(800)), b in any_instant(2025)) {
        let cal = Calendar::always_open(tz);
        prop_assert_eq!(ok(cal.add(t, d))?, t + d);
        prop_assert_eq!(ok(cal.between(t, b))?, b - t);
        prop_assert!(ok(cal.is_open(t))?);
    }

    #[test]
    fn results_land_inside_opening_hours_or_on_a_closing_boundary(cal in any_calendar(ZONES), t in any_instant(2025), d in any_business_duration(days(100))) {
        let r = ok(cal.add(t, d))?;
        if d.is_zero() {
            prop_assert!(ok(cal.is_open(r))?, "next opening {r} is not open");
        } else {
            // The last nanosecond counted was open; `r` itself is open or the instant the interval closed.
            prop_assert!(ok(cal.is_open(r - TimeDelta::nanoseconds(1)))?, "{r} does not end an open stretch");
        }
    }

    #[test]
    fn working_days_land_on_the_nth_working_date(cal in any_calendar(ZONES), t in any_instant(2025), n in 0u32..40) {
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
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn long_spans_agree_with_the_day_by_day_oracle(cal in any_calendar(ZONES), a in any_instant(2025), span in 0i64..700 * 86_400, d in any_business_duration(days(120))) {
        let b = a + TimeDelta::seconds(span);
        prop_assert_eq!(ok(cal.between(a, b))?, oracle_between(&cal, a, b));
        prop_assert_eq!(ok(cal.add(a, d))?, oracle_add(&cal, a, d));
    }
}
