//! Shared fixtures for the kefu benchmarks: the calendars, the instants and spans measured, the `workclock`
//! baseline configured like each calendar, and the checks that kefu and workclock agree on every benchmarked input.
//!
//! The checks run in the benchmark setup (a disagreement aborts the run) and as unit tests
//! (`cargo test -p kefu-benches`).

pub mod quarter;

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, TimeDelta, TimeZone, Utc, Weekday};
use chrono_tz::Asia::Shanghai;
use jiff::{SignedDuration, Timestamp};
use kefu::calendar::{Calendar, CalendarSpec, OpeningInterval, OutsideCoverage};
use workclock::{Holidays, Schedule, Weekdays, WorkDay};

/// The issue's example: a Shanghai service desk with a lunch break, National Day 2026 off and the make-up Saturday
/// that follows it worked.
pub const SHANGHAI_TOML: &str = include_str!("../../examples/calendars/shanghai-2026-sample.toml");

/// The same desk with the full official PRC 2026 holiday list (国务院办公厅 2026 年部分节假日安排): seven holidays
/// (33 dates) and six make-up working days (调休).
pub const PRC_2026_TOML: &str = r#"
name = "PRC 2026"
time_zone = "Asia/Shanghai"
[week]
mon = ["09:00-12:00", "13:30-18:00"]
tue = ["09:00-12:00", "13:30-18:00"]
wed = ["09:00-12:00", "13:30-18:00"]
thu = ["09:00-12:00", "13:30-18:00"]
fri = ["09:00-12:00", "13:30-18:00"]
sat = []
sun = []

[[holidays]]
from = "2026-01-01"
to = "2026-01-03"
name = "New Year"
[[holidays]]
from = "2026-02-15"
to = "2026-02-23"
name = "Spring Festival"
[[holidays]]
from = "2026-04-04"
to = "2026-04-06"
name = "Qingming"
[[holidays]]
from = "2026-05-01"
to = "2026-05-05"
name = "Labour Day"
[[holidays]]
from = "2026-06-19"
to = "2026-06-21"
name = "Dragon Boat"
[[holidays]]
from = "2026-09-25"
to = "2026-09-27"
name = "Mid-Autumn"
[[holidays]]
from = "2026-10-01"
to = "2026-10-07"
name = "National Day"

[[workdays]]
date = "2026-01-04"
hours = ["09:00-12:00", "13:30-18:00"]
name = "New Year make-up (Sun)"
[[workdays]]
date = "2026-02-14"
hours = ["09:00-12:00", "13:30-18:00"]
name = "Spring Festival make-up (Sat)"
[[workdays]]
date = "2026-02-28"
hours = ["09:00-12:00", "13:30-18:00"]
name = "Spring Festival make-up (Sat)"
[[workdays]]
date = "2026-05-09"
hours = ["09:00-12:00", "13:30-18:00"]
name = "Labour Day make-up (Sat)"
[[workdays]]
date = "2026-09-20"
hours = ["09:00-12:00", "13:30-18:00"]
name = "National Day make-up (Sun)"
[[workdays]]
date = "2026-10-10"
hours = ["09:00-12:00", "13:30-18:00"]
name = "National Day make-up (Sat)"
"#;

/// The issue's calendar. The file covers 2026 only; the spans measured run into 2027, where it follows the plain
/// week (as workclock, which knows only the 2026 holidays, does).
pub fn shanghai() -> Calendar {
    Calendar::from_toml_str(SHANGHAI_TOML)
        .expect("the Shanghai calendar is valid")
        .with_outside_coverage(OutsideCoverage::Weekly)
}

/// The PRC 2026 calendar.
pub fn prc_2026() -> Calendar {
    Calendar::from_toml_str(PRC_2026_TOML).expect("the PRC 2026 calendar is valid")
}

/// An instant on the Shanghai wall clock.
pub fn shanghai_at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Shanghai.with_ymd_and_hms(y, m, d, h, min, 0).single().expect("Shanghai has no DST gaps").to_utc()
}

/// Where the span benchmarks on the Shanghai calendar start: Tuesday 29 September 2026, 10:00, in the morning
/// session. The 1-hour and 1-day spans stay in regular days; from 1 week on the spans cross National Day, and from
/// 1 month on also the make-up Saturday 10 October.
pub fn span_start() -> DateTime<Utc> {
    shanghai_at(2026, 9, 29, 10, 0)
}

/// Where the 1-year span on the PRC 2026 calendar starts: Tuesday 30 December 2025, 10:00, so that the year to
/// 30 December 2026 crosses every 2026 holiday and make-up day.
pub fn prc_span_start() -> DateTime<Utc> {
    shanghai_at(2025, 12, 30, 10, 0)
}

/// The spans measured, as wall-clock lengths on the Shanghai clock (which has had no DST since 1991).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Span {
    /// One hour.
    Hour,
    /// One day (24 hours).
    Day,
    /// Seven days.
    Week,
    /// One calendar month.
    Month,
    /// One calendar year.
    Year,
}

impl Span {
    /// Every span, shortest first.
    pub const ALL: [Span; 5] = [Span::Hour, Span::Day, Span::Week, Span::Month, Span::Year];

    /// The short label used in benchmark names: `1h`, `1d`, `1w`, `1m`, `1y`.
    pub fn label(self) -> &'static str {
        match self {
            Span::Hour => "1h",
            Span::Day => "1d",
            Span::Week => "1w",
            Span::Month => "1m",
            Span::Year => "1y",
        }
    }

    /// The end of the span that starts at `start`.
    pub fn end(self, start: DateTime<Utc>) -> DateTime<Utc> {
        let local = start.with_timezone(&Shanghai);
        let end = match self {
            Span::Hour => Some(local + TimeDelta::hours(1)),
            Span::Day => local.checked_add_days(Days::new(1)),
            Span::Week => local.checked_add_days(Days::new(7)),
            Span::Month => local.checked_add_months(Months::new(1)),
            Span::Year => local.checked_add_months(Months::new(12)),
        };
        end.expect("the span ends on the wall clock").to_utc()
    }
}

/// One benchmarked input: a calendar, the same calendar as a workclock schedule, and a span `[start, end)`.
///
/// `between` is measured on `(start, end)`; `add` on `(start, business)`, where `business` is kefu's business time
/// in the span, so that both operations walk the same stretch of calendar. The elapsed baseline is `end - start`
/// and `start + business`.
#[derive(Clone, Debug)]
pub struct SpanCase {
    /// The benchmark id within its group: `1h` … `1y`, or `1y-prc2026`.
    pub label: String,
    /// The kefu calendar.
    pub calendar: Calendar,
    /// The same calendar in workclock, as far as workclock can express it (see [`workclock_schedule`]).
    pub workclock: Schedule,
    /// The start of the span.
    pub start: DateTime<Utc>,
    /// The end of the span.
    pub end: DateTime<Utc>,
    /// kefu's business time from `start` to `end`: the duration the `add` benchmarks add.
    pub business: TimeDelta,
    /// `start` as a jiff timestamp, for workclock.
    pub start_j: Timestamp,
    /// `end` as a jiff timestamp, for workclock.
    pub end_j: Timestamp,
    /// `business` as a jiff duration, for workclock.
    pub business_j: SignedDuration,
}

impl SpanCase {
    /// Builds a case and warms the kefu calendar (its zone table is built by the first computation).
    pub fn new(label: impl Into<String>, calendar: &Calendar, start: DateTime<Utc>, end: DateTime<Utc>) -> Self {
        let business = calendar.between(start, end).expect("the span is in the supported years");
        Self {
            label: label.into(),
            calendar: calendar.clone(),
            workclock: workclock_schedule(calendar.spec()),
            start,
            end,
            business,
            start_j: to_jiff(start),
            end_j: to_jiff(end),
            business_j: to_signed(business),
        }
    }
}

/// The span cases: each [`Span`] on the issue's calendar from [`span_start`], then the 1-year span on PRC 2026
/// from [`prc_span_start`].
pub fn span_cases() -> Vec<SpanCase> {
    let desk = shanghai();
    let mut cases: Vec<SpanCase> =
        Span::ALL.iter().map(|span| SpanCase::new(span.label(), &desk, span_start(), span.end(span_start()))).collect();
    let prc = prc_2026();
    cases.push(SpanCase::new("1y-prc2026", &prc, prc_span_start(), Span::Year.end(prc_span_start())));
    cases
}

/// A chrono instant as a jiff timestamp.
pub fn to_jiff(t: DateTime<Utc>) -> Timestamp {
    Timestamp::new(t.timestamp(), t.timestamp_subsec_nanos() as i32).expect("in jiff's range")
}

/// A jiff timestamp as a chrono instant.
pub fn from_jiff(t: Timestamp) -> DateTime<Utc> {
    DateTime::from_timestamp(t.as_second(), t.subsec_nanosecond() as u32).expect("in chrono's range")
}

/// A chrono duration as a jiff duration.
pub fn to_signed(d: TimeDelta) -> SignedDuration {
    SignedDuration::new(d.num_seconds(), d.subsec_nanos())
}

/// A jiff duration as a chrono duration.
pub fn from_signed(d: SignedDuration) -> TimeDelta {
    TimeDelta::new(d.as_secs(), 0).expect("in range") + TimeDelta::nanoseconds(i64::from(d.subsec_nanos()))
}

fn jiff_time(seconds: u32) -> jiff::civil::Time {
    // 24:00 becomes 00:00, which workclock reads as "until midnight" (an overnight end).
    let s = seconds % 86_400;
    jiff::civil::time((s / 3600) as i8, (s / 60 % 60) as i8, (s % 60) as i8, 0)
}

fn jiff_date(d: NaiveDate) -> jiff::civil::Date {
    jiff::civil::date(d.year() as i16, d.month() as i8, d.day() as i8)
}

/// The calendar's definition as a workclock schedule, as closely as workclock's API allows.
///
/// * Weekly hours: one `WorkDay` rule per distinct opening interval, on the weekdays that have it (here
///   `09:00-12:00` and `13:30-18:00`, Monday to Friday). Same half-open intervals as kefu.
/// * Holidays: every date of every holiday range, as one `Holidays` rule (whole local days, like kefu).
/// * Time zone: the calendar's IANA zone. (workclock reads it through jiff from the system tz database, kefu from
///   chrono-tz's bundled copy; for Asia/Shanghai, with no DST since 1991, they agree.)
/// * **Make-up working days (调休) cannot be expressed**: workclock's working hours are per weekday, with no rule for
///   a single date. They are left out, so on spans that cross a make-up day workclock counts less business time
///   than the real calendar (7.5 h per make-up day here) and does less work per call.
pub fn workclock_schedule(spec: &CalendarSpec) -> Schedule {
    const DAYS: [jiff::civil::Weekday; 7] = [
        jiff::civil::Weekday::Monday,
        jiff::civil::Weekday::Tuesday,
        jiff::civil::Weekday::Wednesday,
        jiff::civil::Weekday::Thursday,
        jiff::civil::Weekday::Friday,
        jiff::civil::Weekday::Saturday,
        jiff::civil::Weekday::Sunday,
    ];
    let mut intervals: Vec<(OpeningInterval, Vec<jiff::civil::Weekday>)> = Vec::new();
    for (day, (_, hours)) in DAYS.iter().zip(spec.week_days()) {
        for &interval in hours {
            match intervals.iter_mut().find(|(i, _)| *i == interval) {
                Some((_, days)) => days.push(*day),
                None => intervals.push((interval, vec![*day])),
            }
        }
    }
    let mut builder = Schedule::builder().time_zone(spec.time_zone.clone());
    for (interval, days) in intervals {
        let days: Weekdays = days.into_iter().collect();
        builder =
            builder.rule(WorkDay::new(jiff_time(interval.start_seconds()), jiff_time(interval.end_seconds()), days));
    }
    let dates: Vec<jiff::civil::Date> = spec
        .holidays
        .iter()
        .flat_map(|h| h.from.iter_days().take_while(move |d| *d <= h.to.unwrap_or(h.from)))
        .map(jiff_date)
        .collect();
    if !dates.is_empty() {
        builder = builder.rule(Holidays::new(dates));
    }
    builder.build().expect("the workclock schedule is valid")
}

/// Extension to read a [`kefu::calendar::WeekSpec`] day by day, Monday first.
trait WeekDays {
    fn week_days(&self) -> [(Weekday, &[OpeningInterval]); 7];
}

impl WeekDays for CalendarSpec {
    fn week_days(&self) -> [(Weekday, &[OpeningInterval]); 7] {
        let w = &self.week;
        [
            (Weekday::Mon, &w.mon[..]),
            (Weekday::Tue, &w.tue[..]),
            (Weekday::Wed, &w.wed[..]),
            (Weekday::Thu, &w.thu[..]),
            (Weekday::Fri, &w.fri[..]),
            (Weekday::Sat, &w.sat[..]),
            (Weekday::Sun, &w.sun[..]),
        ]
    }
}

/// The same definition without its make-up working days: what workclock is configured with.
pub fn without_workdays(calendar: &Calendar) -> Calendar {
    let mut spec = calendar.spec().clone();
    spec.workdays.clear();
    Calendar::new(spec).expect("removing make-up days keeps the calendar valid")
}

/// A naive oracle, independent of both libraries' engines: the opening intervals of one local date, read straight
/// from the definition (a make-up day's own hours; nothing on a holiday; else the weekday's hours), as UTC instants.
/// Only for zones without DST, like Asia/Shanghai.
fn oracle_day(spec: &CalendarSpec, date: NaiveDate) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let hours: &[OpeningInterval] = if let Some(w) = spec.workdays.iter().find(|w| w.date == date) {
        &w.hours
    } else if spec.holidays.iter().any(|h| h.from <= date && date <= h.to.unwrap_or(h.from)) {
        &[]
    } else {
        spec.week_days()[date.weekday().num_days_from_monday() as usize].1
    };
    let midnight = Shanghai.from_local_datetime(&date.and_hms_opt(0, 0, 0).unwrap()).single().unwrap().to_utc();
    hours
        .iter()
        .map(|i| {
            (
                midnight + TimeDelta::seconds(i64::from(i.start_seconds())),
                midnight + TimeDelta::seconds(i64::from(i.end_seconds())),
            )
        })
        .collect()
}

/// The oracle's business time in `[a, b)`, `a <= b`: day by day.
pub fn oracle_between(spec: &CalendarSpec, a: DateTime<Utc>, b: DateTime<Utc>) -> TimeDelta {
    let (first, last) = (a.with_timezone(&Shanghai).date_naive(), b.with_timezone(&Shanghai).date_naive());
    first
        .iter_days()
        .take_while(|d| *d <= last)
        .flat_map(|d| oracle_day(spec, d))
        .map(|(open, close)| (close.min(b) - open.max(a)).max(TimeDelta::zero()))
        .sum()
}

/// The oracle's `add(t, d)` for `d > 0`: day by day until `d` of opening time has passed.
pub fn oracle_add(spec: &CalendarSpec, t: DateTime<Utc>, d: TimeDelta) -> DateTime<Utc> {
    let mut left = d;
    for date in t.with_timezone(&Shanghai).date_naive().iter_days().take(20 * 366) {
        for (open, close) in oracle_day(spec, date) {
            let open = open.max(t);
            if close <= open {
                continue;
            }
            if left <= close - open {
                return open + left;
            }
            left -= close - open;
        }
    }
    panic!("the oracle found no answer within 20 years")
}

/// Checks one case: kefu against the oracle, workclock against the oracle for the definition it can express
/// (without make-up days), kefu without make-up days against workclock exactly, and — when the span crosses no
/// make-up day — kefu itself against workclock. Returns a description of the first disagreement.
pub fn check(case: &SpanCase) -> Result<(), String> {
    let spec = case.calendar.spec();
    let twin = without_workdays(&case.calendar);
    let (s, e, d) = (case.start, case.end, case.business);
    let kefu_add = case.calendar.add(s, d).map_err(|err| err.to_string())?;
    let twin_between = twin.between(s, e).map_err(|err| err.to_string())?;
    let twin_add = twin.add(s, d).map_err(|err| err.to_string())?;
    let wc_between = from_signed(case.workclock.between(case.start_j, case.end_j));
    let wc_add = from_jiff(case.workclock.add(case.start_j, case.business_j).map_err(|err| err.to_string())?);
    let label = &case.label;
    let fail = |what: &str, a: String, b: String| Err(format!("{label}: {what}: {a} != {b}"));

    if d != oracle_between(spec, s, e) {
        return fail("kefu between vs oracle", format!("{d}"), format!("{}", oracle_between(spec, s, e)));
    }
    if kefu_add != oracle_add(spec, s, d) {
        return fail("kefu add vs oracle", kefu_add.to_rfc3339(), oracle_add(spec, s, d).to_rfc3339());
    }
    let twin_spec = twin.spec();
    if wc_between != oracle_between(twin_spec, s, e) {
        let o = oracle_between(twin_spec, s, e);
        return fail("workclock between vs oracle (no make-up days)", format!("{wc_between}"), format!("{o}"));
    }
    if wc_add != oracle_add(twin_spec, s, d) {
        let o = oracle_add(twin_spec, s, d);
        return fail("workclock add vs oracle (no make-up days)", wc_add.to_rfc3339(), o.to_rfc3339());
    }
    if twin_between != wc_between {
        return fail("kefu (no make-up days) between vs workclock", format!("{twin_between}"), format!("{wc_between}"));
    }
    if twin_add != wc_add {
        return fail("kefu (no make-up days) add vs workclock", twin_add.to_rfc3339(), wc_add.to_rfc3339());
    }
    if !crosses_make_up_day(case) && (d != wc_between || kefu_add != wc_add) {
        return fail(
            "kefu vs workclock (no make-up day crossed)",
            format!("{d} / {}", kefu_add.to_rfc3339()),
            format!("{wc_between} / {}", wc_add.to_rfc3339()),
        );
    }
    Ok(())
}

/// Whether a make-up day falls on a local date the case's span (or workclock's `add`, which may run further) reaches.
pub fn crosses_make_up_day(case: &SpanCase) -> bool {
    let first = case.start.with_timezone(&Shanghai).date_naive();
    let reach = case.end.max(oracle_add(without_workdays(&case.calendar).spec(), case.start, case.business));
    let last = reach.with_timezone(&Shanghai).date_naive();
    case.calendar.spec().workdays.iter().any(|w| first <= w.date && w.date <= last)
}

/// The `add_working_days` input: 3 working days from [`span_start`], across National Day: Wednesday 30 September,
/// Thursday 8 and Friday 9 October, so Friday 9 October 10:00.
pub fn working_days_case() -> (DateTime<Utc>, u32, DateTime<Utc>) {
    (span_start(), 3, shanghai_at(2026, 10, 9, 10, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_span_case_agrees() {
        for case in span_cases() {
            check(&case).unwrap();
        }
    }

    #[test]
    fn make_up_days_are_what_separates_the_libraries() {
        // PRC 2026, one year: six make-up days of 7.5 h each that workclock cannot know about.
        let case = span_cases().into_iter().find(|c| c.label == "1y-prc2026").unwrap();
        let wc = from_signed(case.workclock.between(case.start_j, case.end_j));
        assert_eq!(case.business - wc, TimeDelta::minutes(6 * 450));
        assert!(crosses_make_up_day(&case));
        let hour = span_cases().into_iter().find(|c| c.label == "1h").unwrap();
        assert!(!crosses_make_up_day(&hour));
    }

    #[test]
    fn working_days_case_is_friday_after_national_day() {
        let (t, n, expected) = working_days_case();
        assert_eq!(shanghai().add_working_days(t, n).unwrap(), expected);
    }

    #[test]
    fn prc_2026_has_the_official_list() {
        let spec = prc_2026().spec().clone();
        let off: usize = spec.holidays.iter().map(|h| (h.to.unwrap() - h.from).num_days() as usize + 1).sum();
        assert_eq!((spec.holidays.len(), off, spec.workdays.len()), (7, 33, 6));
    }
}
