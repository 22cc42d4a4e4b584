//! Strategies for business calendars: opening hours, holidays, make-up days and instants.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeDelta, Utc, Weekday};
use chrono_tz::Tz;
use proptest::prelude::*;

use crate::calendar::{Calendar, CalendarSpec, HolidaySpec, OpeningInterval, WeekSpec, WorkdaySpec};

/// The three zones the issue asks the laws to hold on: one without DST and two with it.
pub const SHANGHAI_AMSTERDAM_NEW_YORK: &[Tz] =
    &[chrono_tz::Asia::Shanghai, chrono_tz::Europe::Amsterdam, chrono_tz::America::New_York];

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
fn any_date(year: i32) -> impl Strategy<Value = NaiveDate> {
    (0i64..730).prop_map(move |d| NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default() + Duration::days(d))
}

/// A calendar in one of `zones` with a random week (open at least one day), up to eight holiday ranges of one to ten days and up to five
/// make-up working days (weekend dates outside the holidays) in the years 2025–2027.
pub fn any_calendar(zones: &'static [Tz]) -> impl Strategy<Value = Calendar> {
    let holidays = proptest::collection::vec((any_date(2025), 0i64..10), 0..8);
    let workdays = proptest::collection::vec((any_date(2025), any_day_hours()), 0..5);
    (proptest::sample::select(zones), any_week(), holidays, workdays).prop_map(|(tz, mut week, holidays, workdays)| {
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
        let spec = CalendarSpec { name: None, time_zone: tz.name().to_owned(), week, holidays, workdays };
        Calendar::new(spec).unwrap_or_else(|e| unreachable!("the strategy builds valid calendars: {e}"))
    })
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
