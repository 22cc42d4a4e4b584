//! Strategies for business calendars: opening hours, holidays, make-up days and instants.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Offset, TimeDelta, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use proptest::prelude::*;

use crate::calendar::{Calendar, CalendarSpec, HolidaySpec, OpeningInterval, WeekSpec, WorkdaySpec};

/// The three zones the issue asks the laws to hold on: one without DST and two with it.
pub const SHANGHAI_AMSTERDAM_NEW_YORK: &[Tz] =
    &[chrono_tz::Asia::Shanghai, chrono_tz::Europe::Amsterdam, chrono_tz::America::New_York];

/// Zones whose clock changes are awkward for calendar arithmetic, each with a year in which they change:
///
/// * clocks changed at or across local midnight, so that a date's hour is repeated after the next date began or
///   its midnight is skipped: America/St_Johns (00:01, 1988–2007), America/Goose_Bay (00:01 until 2010),
///   America/Moncton (00:01, 1993–2006), America/Havana (00:00/01:00), America/Santiago (24:00),
///   Africa/Cairo (Thursday/Friday midnight), Asia/Beirut (00:00);
/// * 30- and 45-minute offsets with daylight saving: Australia/Lord_Howe (30-minute DST), Pacific/Chatham
///   (+12:45/+13:45);
/// * a skipped date: Pacific/Apia jumped over 30 December 2011;
/// * the largest offset: Pacific/Kiritimati (+14 since it skipped 31 December 1994).
pub const AWKWARD_ZONES: &[(Tz, i32)] = &[
    (chrono_tz::America::St_Johns, 1995),
    (chrono_tz::America::Goose_Bay, 2005),
    (chrono_tz::America::Moncton, 2000),
    (chrono_tz::America::Havana, 2024),
    (chrono_tz::America::Santiago, 2024),
    (chrono_tz::Africa::Cairo, 2024),
    (chrono_tz::Asia::Beirut, 2024),
    (chrono_tz::Australia::Lord_Howe, 2025),
    (chrono_tz::Pacific::Chatham, 2025),
    (chrono_tz::Pacific::Apia, 2011),
    (chrono_tz::Pacific::Kiritimati, 1994),
];

/// A zone and a year to test calendars in: one of [`SHANGHAI_AMSTERDAM_NEW_YORK`] in 2025, one of
/// [`AWKWARD_ZONES`] in its year, or any zone of the tz database in a year from 1970 to 2037.
pub fn any_zone_and_year() -> impl Strategy<Value = (Tz, i32)> {
    prop_oneof![
        3 => proptest::sample::select(SHANGHAI_AMSTERDAM_NEW_YORK).prop_map(|tz| (tz, 2025)),
        6 => proptest::sample::select(AWKWARD_ZONES),
        2 => (proptest::sample::select(&chrono_tz::TZ_VARIANTS[..]), 1970i32..2038),
    ]
}

/// The opening hours of one day: up to three non-overlapping intervals on a five-minute grid, sometimes the whole
/// day, sometimes nothing.
pub fn any_day_hours() -> impl Strategy<Value = Vec<OpeningInterval>> {
    prop_oneof![
        2 => Just(Vec::new()),
        1 => Just(vec![OpeningInterval::whole_day()]),
        6 => proptest::collection::btree_set(0u32..=288, 2..=6).prop_map(|cuts| {
            // Sorted distinct cut points on a 5-minute grid, paired up into intervals.
            let cuts: Vec<u32> = cuts.into_iter().map(|c| c * 300).collect();
            cuts.chunks_exact(2).filter_map(|p| OpeningInterval::from_seconds(p[0], p[1])).collect()
        }),
    ]
}

/// A week of random opening hours.
pub fn any_week() -> impl Strategy<Value = WeekSpec> {
    proptest::array::uniform7(any_day_hours()).prop_map(|[mon, tue, wed, thu, fri, sat, sun]| WeekSpec {
        mon,
        tue,
        wed,
        thu,
        fri,
        sat,
        sun,
    })
}

/// A date in `year`, or in the year after it.
pub fn any_date(year: i32) -> impl Strategy<Value = NaiveDate> {
    (0i64..730).prop_map(move |d| NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default() + Duration::days(d))
}

/// A calendar in one of `zones` with a random week (open at least one day), up to eight holiday ranges of one to ten days and up to five
/// make-up working days (weekend dates outside the holidays) in the years 2025–2027.
pub fn any_calendar(zones: &'static [Tz]) -> impl Strategy<Value = Calendar> {
    proptest::sample::select(zones).prop_flat_map(|tz| any_calendar_in(tz, 2025))
}

/// A calendar in `tz` with a random week (open at least one day), up to eight holiday ranges of one to ten days
/// and up to five make-up working days (weekend dates outside the holidays) from `year` to two years later.
pub fn any_calendar_in(tz: Tz, year: i32) -> impl Strategy<Value = Calendar> {
    let holidays = proptest::collection::vec((any_date(year), 0i64..10), 0..8);
    let workdays = proptest::collection::vec((any_date(year), any_day_hours()), 0..5);
    (any_week(), holidays, workdays).prop_map(move |(mut week, holidays, workdays)| {
        if week.days().iter().all(|(_, hours)| hours.is_empty()) {
            // Keep every generated calendar open at least one day a week, so that every law has answers.
            week.wed = vec![OpeningInterval::from_seconds(9 * 3600, 17 * 3600).unwrap_or(OpeningInterval::whole_day())];
        }
        let holidays: Vec<HolidaySpec> = holidays
            .into_iter()
            .map(|(from, len)| HolidaySpec { from, to: Some(from + Duration::days(len)), name: None })
            .collect();
        let closed = |d: NaiveDate| holidays.iter().any(|h| h.from <= d && Some(d) <= h.to);
        let mut seen = Vec::new();
        let workdays = workdays
            .into_iter()
            .filter(|(date, hours)| {
                let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
                let keep = weekend && !hours.is_empty() && !closed(*date) && !seen.contains(date);
                seen.push(*date);
                keep
            })
            .map(|(date, hours)| WorkdaySpec { date, hours, name: None })
            .collect();
        let spec = CalendarSpec { name: None, time_zone: tz.name().to_owned(), week, holidays, workdays, covers: None };
        Calendar::new(spec).unwrap_or_else(|e| unreachable!("the strategy builds valid calendars: {e}"))
    })
}

/// Where `tz`'s offset changes in `year` and the year after, to within a day (UTC seconds): chrono-tz sampled
/// daily.
fn clock_changes(tz: Tz, year: i32) -> Vec<i64> {
    let start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default().and_hms_opt(0, 0, 0).unwrap_or_default();
    let start = start.and_utc().timestamp();
    let offset = |u: i64| {
        let t = DateTime::from_timestamp(u, 0).unwrap_or_default();
        tz.offset_from_utc_datetime(&t.naive_utc()).fix().local_minus_utc()
    };
    let mut changes = Vec::new();
    let mut before = offset(start);
    for u in (start..start + 2 * 366 * 86_400).step_by(86_400) {
        let now = offset(u);
        if now != before {
            changes.push(u);
            before = now;
        }
    }
    changes
}

/// An instant with second precision in `year` or the year after it; half of them within about three days of one
/// of `tz`'s clock changes in those years, when it has any, where calendar arithmetic is most likely to go wrong.
pub fn any_instant_in(tz: Tz, year: i32) -> impl Strategy<Value = DateTime<Utc>> {
    let changes = clock_changes(tz, year);
    let near = if changes.is_empty() {
        any_instant(year).boxed()
    } else {
        (proptest::sample::select(changes), -3 * 86_400i64..3 * 86_400)
            .prop_map(|(at, delta)| DateTime::from_timestamp(at + delta, 0).unwrap_or_default())
            .boxed()
    };
    prop_oneof![any_instant(year), near]
}

/// An instant with second precision in `year` or the year after it.
pub fn any_instant(year: i32) -> impl Strategy<Value = DateTime<Utc>> {
    let start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default().and_hms_opt(0, 0, 0).unwrap_or_default();
    let start = start.and_utc().timestamp();
    (0i64..2 * 365 * 86_400).prop_map(move |s| DateTime::from_timestamp(start + s, 0).unwrap_or_default())
}

/// A business duration from zero up to `max`, in whole seconds, biased towards short ones and round hours.
pub fn any_business_duration(max: TimeDelta) -> impl Strategy<Value = TimeDelta> {
    let max_s = max.num_seconds().max(1);
    prop_oneof![
        1 => Just(TimeDelta::zero()),
        3 => (0..max_s.min(4 * 3600)).prop_map(TimeDelta::seconds),
        2 => (0..max_s / 3600 + 1).prop_map(TimeDelta::hours),
        3 => (0..max_s).prop_map(TimeDelta::seconds),
    ]
}
