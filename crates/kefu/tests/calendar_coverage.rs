//! Holiday coverage: a calendar declares the dates its holidays and make-up days are known for (`covers`); a
//! computation that needs another date is refused, naming the coverage and the date, unless the calendar opts
//! into the plain week outside it.

use chrono::{DateTime, Datelike as _, NaiveDate, TimeDelta, Utc};
use kefu::calendar::{Calendar, CalendarError, OutsideCoverage};

type Result = std::result::Result<(), Box<dyn std::error::Error>>;

/// The PRC's official 2026 calendar, as shipped: it declares that it covers 2026.
const PRC_2026: &str = include_str!("fixtures/prc-2026.toml");

fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("a valid test instant").to_utc()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid test date")
}

fn prc() -> Calendar {
    Calendar::from_toml_str(PRC_2026).expect("the shipped calendar loads")
}

/// The date an `OutsideCoverage` error names, after checking the coverage it names.
fn refused_date(r: std::result::Result<impl std::fmt::Debug, CalendarError>) -> NaiveDate {
    match r {
        Err(CalendarError::OutsideCoverage { calendar, from, to, date }) => {
            assert_eq!(calendar.as_deref(), Some("PRC 2026"));
            assert_eq!((from, to), (self::date(2026, 1, 1), self::date(2026, 12, 31)));
            date
        }
        other => panic!("expected OutsideCoverage, got {other:?}"),
    }
}

#[test]
fn every_query_needing_a_date_outside_the_coverage_is_refused() {
    let c = prc();
    // 2027's holidays are not in the file: nothing may be answered from them.
    let spring_2027 = instant("2027-02-10T10:00:00+08:00");
    assert_eq!(refused_date(c.is_open(spring_2027)), date(2027, 2, 10));
    assert_eq!(refused_date(c.next_open(spring_2027)), date(2027, 2, 10));
    assert_eq!(refused_date(c.add(spring_2027, TimeDelta::hours(1))), date(2027, 2, 10));
    assert_eq!(refused_date(c.add_working_days(spring_2027, 3)), date(2027, 2, 10));
    // Before the coverage too.
    assert_eq!(refused_date(c.is_open(instant("2025-12-31T10:00:00+08:00"))), date(2025, 12, 31));
    // From inside into the next year: the first date needed after the coverage is named.
    let last_evening = instant("2026-12-31T17:30:00+08:00");
    assert_eq!(refused_date(c.add(last_evening, TimeDelta::hours(1))), date(2027, 1, 1));
    assert_eq!(refused_date(c.next_open(instant("2026-12-31T18:30:00+08:00"))), date(2027, 1, 1));
    assert_eq!(refused_date(c.add_working_days(last_evening, 1)), date(2027, 1, 1));
    assert_eq!(refused_date(c.between(last_evening, instant("2027-01-04T10:00:00+08:00"))), date(2027, 1, 1));
    assert_eq!(refused_date(c.between(instant("2027-01-04T10:00:00+08:00"), last_evening)), date(2027, 1, 1));
    assert_eq!(refused_date(c.between(instant("2025-12-01T10:00:00+08:00"), last_evening)), date(2025, 12, 1));
    assert_eq!(refused_date(c.check_covered(date(2027, 1, 1))), date(2027, 1, 1));
}

#[test]
fn the_refusal_says_what_to_do() {
    let err = prc().is_open(instant("2027-02-10T10:00:00+08:00")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "calendar `PRC 2026` lists its holidays and make-up days for 2026-01-01..=2026-12-31 only, and this needs \
         2027-02-10; add that period and widen `covers`, or set `covers.outside = \"weekly\"` to follow the plain \
         week outside it"
    );
}

#[test]
fn queries_within_the_coverage_are_answered_up_to_its_last_instant() -> Result {
    let c = prc();
    // The whole year: the span ends at the first instant of 2027, which it does not need.
    let (a, b) = (instant("2026-01-01T00:00:00+08:00"), instant("2027-01-01T00:00:00+08:00"));
    let year = c.between(a, b)?;
    assert_eq!(year, c.between(b, a)? * -1);
    // The open hours of every date of 2026, counted date by date.
    let mut minutes = 0;
    let mut d = date(2026, 1, 1);
    while d.year_ce().1 == 2026 {
        minutes += c.hours_on(d).iter().map(|iv| i64::from(iv.seconds()) / 60).sum::<i64>();
        d = d.succ_opt().unwrap();
    }
    assert_eq!(year, TimeDelta::minutes(minutes));
    // Adding the whole year lands on the last closing instant of 2026, which needs no date after it.
    assert_eq!(c.add(a, year)?, instant("2026-12-31T18:00:00+08:00"));
    assert!(!c.is_open(instant("2026-12-31T23:59:59+08:00"))?);
    assert_eq!(c.add_working_days(instant("2026-12-30T10:00:00+08:00"), 1)?, instant("2026-12-31T10:00:00+08:00"));
    // A zero span needs no date at all.
    assert_eq!(c.between(instant("2030-01-01T00:00:00Z"), instant("2030-01-01T00:00:00Z"))?, TimeDelta::zero());
    Ok(())
}

#[test]
fn opting_into_the_weekly_hours_answers_outside_the_coverage() -> Result {
    let refusing = prc();
    let t = instant("2026-12-31T17:30:00+08:00");
    // In code: a method returning the same calendar with the other policy.
    let weekly = refusing.with_outside_coverage(OutsideCoverage::Weekly);
    assert_eq!(weekly.covers().map(|c| c.outside), Some(OutsideCoverage::Weekly));
    // 1 January 2027 is a Friday, a plain working day for a calendar that does not know 2027's holidays.
    assert_eq!(weekly.add(t, TimeDelta::hours(1))?, instant("2027-01-01T09:30:00+08:00"));
    assert!(weekly.is_open(instant("2027-02-10T10:00:00+08:00"))?);
    // Inside the coverage both agree, holidays included.
    let national_day = instant("2026-09-30T17:30:00+08:00");
    assert_eq!(weekly.add(national_day, TimeDelta::hours(1))?, refusing.add(national_day, TimeDelta::hours(1))?);
    // Back to refusing; and in the file.
    assert_eq!(weekly.with_outside_coverage(OutsideCoverage::Refuse), refusing);
    let in_file = Calendar::from_toml_str(
        &PRC_2026.replace("to = \"2026-12-31\" }", "to = \"2026-12-31\", outside = \"weekly\" }"),
    )?;
    assert_eq!(in_file, weekly);
    assert_eq!(in_file.add(t, TimeDelta::hours(1))?, instant("2027-01-01T09:30:00+08:00"));
    Ok(())
}

#[test]
fn a_calendar_without_a_declared_coverage_follows_the_week_everywhere() -> Result {
    let undeclared = Calendar::from_toml_str(
        "time_zone = \"Asia/Shanghai\"\nweek.fri = [\"09:00-18:00\"]\n[[holidays]]\nfrom = \"2026-10-02\"\n",
    )?;
    assert!(undeclared.covers().is_none());
    assert!(undeclared.is_open(instant("2027-01-01T10:00:00+08:00"))?);
    assert!(undeclared.check_covered(date(2199, 1, 1)).is_ok());
    // And the method changes nothing.
    assert_eq!(undeclared.with_outside_coverage(OutsideCoverage::Refuse), undeclared);
    Ok(())
}

#[test]
fn coverage_round_trips_through_toml_and_json() -> Result {
    for c in [prc(), prc().with_outside_coverage(OutsideCoverage::Weekly)] {
        assert_eq!(Calendar::from_json_str(&serde_json::to_string(&c)?)?, c);
        assert_eq!(Calendar::from_toml_str(&toml::to_string(&c)?)?, c);
    }
    // The default policy is not written out.
    assert!(!toml::to_string(&prc())?.contains("outside"));
    Ok(())
}
