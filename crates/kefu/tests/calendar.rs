//! Business calendars: boundary rules, DST, holidays and make-up days, errors — each case with explicit instants.

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use chrono_tz::{America::New_York, Asia::Shanghai, Europe::Amsterdam, Tz};
use kefu::calendar::{Calendar, CalendarError, DefinitionError, LoadError};

type Result = std::result::Result<(), Box<dyn std::error::Error>>;
/// The sample Shanghai service-desk calendar the project ships (the example: National Day closed, a
/// make-up Saturday).
const DESK: &str = include_str!("fixtures/shanghai-2026-sample.toml");

fn at(tz: Tz, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    tz.with_ymd_and_hms(y, mo, d, h, mi, 0).single().expect("unambiguous test instant").to_utc()
}

fn desk() -> Calendar {
    Calendar::from_toml_str(DESK).expect("the issue's calendar loads")
}

#[test]
fn a_duration_ending_at_closing_time_returns_the_closing_instant() -> Result {
    let c = desk();
    assert_eq!(c.add(at(Shanghai, 2026, 11, 23, 11, 0), TimeDelta::hours(1))?, at(Shanghai, 2026, 11, 23, 12, 0));
    assert_eq!(c.add(at(Shanghai, 2026, 11, 23, 9, 0), TimeDelta::minutes(450))?, at(Shanghai, 2026, 11, 23, 18, 0));
    Ok(())
}

#[test]
fn adding_zero_outside_opening_hours_returns_the_next_opening() -> Result {
    let c = desk();
    assert_eq!(c.add(at(Shanghai, 2026, 11, 23, 12, 0), TimeDelta::zero())?, at(Shanghai, 2026, 11, 23, 13, 30));
    assert_eq!(c.add(at(Shanghai, 2026, 11, 20, 18, 0), TimeDelta::zero())?, at(Shanghai, 2026, 11, 23, 9, 0));
    assert_eq!(c.add(at(Shanghai, 2026, 11, 23, 10, 0), TimeDelta::zero())?, at(Shanghai, 2026, 11, 23, 10, 0));
    Ok(())
}

#[test]
fn opening_is_inclusive_and_closing_exclusive() -> Result {
    let c = desk();
    assert!(c.is_open(at(Shanghai, 2026, 11, 23, 9, 0))?);
    assert!(!c.is_open(at(Shanghai, 2026, 11, 23, 12, 0))?);
    assert!(c.is_open(at(Shanghai, 2026, 11, 23, 12, 0) - TimeDelta::seconds(1))?);
    Ok(())
}

#[test]
fn rule_b6_one_business_hour_across_the_national_day_holiday() -> Result {
    let c = desk();
    let found = at(Shanghai, 2026, 9, 30, 17, 30);
    assert_eq!(c.add(found, TimeDelta::hours(1))?, at(Shanghai, 2026, 10, 8, 9, 30));
    assert!(!c.is_open(at(Shanghai, 2026, 10, 5, 10, 0))?);
    Ok(())
}

#[test]
fn a_make_up_saturday_is_a_working_day() -> Result {
    let c = desk();
    assert_eq!(c.add(at(Shanghai, 2026, 10, 9, 17, 30), TimeDelta::hours(1))?, at(Shanghai, 2026, 10, 10, 9, 30));
    assert!(c.is_working_date(NaiveDate::from_ymd_opt(2026, 10, 10).unwrap()));
    assert!(!c.is_working_date(NaiveDate::from_ymd_opt(2026, 10, 17).unwrap()));
    Ok(())
}

#[test]
fn between_is_signed_and_counts_only_opening_hours() -> Result {
    let c = desk();
    let (a, b) = (at(Shanghai, 2026, 11, 20, 17, 0), at(Shanghai, 2026, 11, 23, 10, 0));
    assert_eq!(c.between(a, b)?, TimeDelta::hours(2));
    assert_eq!(c.between(b, a)?, TimeDelta::hours(-2));
    // A regular week is 5 × 7.5 h.
    assert_eq!(c.between(at(Shanghai, 2026, 11, 2, 0, 0), at(Shanghai, 2026, 11, 9, 0, 0))?, TimeDelta::minutes(2250));
    Ok(())
}

#[test]
fn rule_c5_file_within_three_working_days_skips_the_holiday() -> Result {
    let c = desk();
    // Contract accepted Wednesday 30 September 15:00: working dates 8, 9 (Thu, Fri) and 10 October (make-up Sat).
    assert_eq!(c.add_working_days(at(Shanghai, 2026, 9, 30, 15, 0), 3)?, at(Shanghai, 2026, 10, 10, 15, 0));
    // At 12:30 the desk is at lunch: moved to the afternoon opening.
    assert_eq!(c.add_working_days(at(Shanghai, 2026, 11, 23, 12, 30), 1)?, at(Shanghai, 2026, 11, 24, 13, 30));
    assert_eq!(c.add_working_days(at(Shanghai, 2026, 11, 21, 8, 0), 0)?, at(Shanghai, 2026, 11, 23, 9, 0));
    Ok(())
}

fn night_shift(zone: &str) -> Calendar {
    let text = format!("time_zone = \"{zone}\"\n[week]\nsun = [\"01:00-04:00\"]\n");
    Calendar::from_toml_str(&text).expect("valid")
}

#[test]
fn dst_spring_forward_day_is_as_short_as_it_really_is() -> Result {
    // Amsterdam, Sunday 29 March 2026: 02:00 becomes 03:00, so 01:00-04:00 lasts two hours.
    let c = night_shift("Europe/Amsterdam");
    let (open, close) = (at(Amsterdam, 2026, 3, 29, 1, 0), at(Amsterdam, 2026, 3, 29, 4, 0));
    assert_eq!(close - open, TimeDelta::hours(2));
    assert_eq!(c.between(open, close)?, TimeDelta::hours(2));
    assert_eq!(c.add(open, TimeDelta::hours(2))?, close);
    Ok(())
}

#[test]
fn dst_fall_back_day_is_as_long_as_it_really_is() -> Result {
    // New York, Sunday 1 November 2026: 02:00 becomes 01:00 again, so 01:00-04:00 lasts four hours.
    let c = night_shift("America/New_York");
    let open = New_York.with_ymd_and_hms(2026, 11, 1, 1, 0, 0).earliest().unwrap().to_utc();
    let close = at(New_York, 2026, 11, 1, 4, 0);
    assert_eq!(c.between(open, close)?, TimeDelta::hours(4));
    assert_eq!(c.add(open, TimeDelta::hours(4))?, close);
    Ok(())
}

#[test]
fn an_opening_time_skipped_by_the_clocks_opens_at_the_jump() -> Result {
    let c = Calendar::from_toml_str("time_zone = \"Europe/Amsterdam\"\nweek.sun = [\"02:30-05:00\"]\n")?;
    // 2026-03-29 02:30 does not exist; the clocks jump from 02:00 to 03:00 at 01:00 UTC.
    let jump = Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap();
    assert_eq!(c.next_open(jump - TimeDelta::hours(3))?, jump);
    assert_eq!(c.between(jump - TimeDelta::hours(3), jump + TimeDelta::hours(5))?, TimeDelta::hours(2));
    Ok(())
}

#[test]
fn a_calendar_that_never_opens_again_is_an_error_not_a_hang() -> Result {
    // Open once, on a single make-up day: found, and after it nothing.
    let once = Calendar::from_toml_str(
        "name = \"once\"\ntime_zone = \"Asia/Shanghai\"\n[[workdays]]\ndate = \"2027-06-05\"\nhours = [\"10:00-11:00\"]\n",
    )?;
    let t = at(Shanghai, 2026, 1, 1, 8, 0);
    assert_eq!(once.next_open(t)?, at(Shanghai, 2027, 6, 5, 10, 0));
    let err = once.add(t, TimeDelta::hours(2)).unwrap_err();
    assert!(matches!(err, CalendarError::NeverOpen { .. }), "{err}");
    // The instant is shown on the calendar's wall clock, with its offset.
    assert_eq!(err.to_string(), "calendar `once` is never open at or after 2026-01-01T08:00:00+08:00");
    assert!(matches!(once.add_working_days(t, 2), Err(CalendarError::NeverOpen { .. })));
    Ok(())
}

#[test]
fn a_calendar_without_any_opening_hours_is_refused_when_loaded() {
    for text in [
        "name = \"closed\"\ntime_zone = \"UTC\"\n",
        "time_zone = \"UTC\"\n[week]\nmon = []\nsun = []\n[[holidays]]\nfrom = \"2026-10-01\"\n",
    ] {
        let err = Calendar::from_toml_str(text).unwrap_err();
        assert!(matches!(err, LoadError::Invalid(DefinitionError::NoOpeningHours)), "{err}");
        assert!(err.to_string().contains("no opening hours"), "{err}");
    }
    let spec = kefu::calendar::CalendarSpec {
        name: None,
        time_zone: "UTC".into(),
        week: Default::default(),
        holidays: vec![],
        workdays: vec![],
        covers: None,
    };
    assert_eq!(Calendar::new(spec), Err(DefinitionError::NoOpeningHours));
}

#[test]
fn instants_outside_the_supported_years_are_errors() -> Result {
    let c = desk();
    let far = Utc.with_ymd_and_hms(2300, 1, 1, 0, 0, 0).unwrap();
    assert!(matches!(c.is_open(far), Err(CalendarError::OutOfRange { .. })));
    let t = at(Shanghai, 2026, 11, 23, 9, 0);
    // The sample calendar covers 2026 only: it refuses to run into 2027 (see calendar_coverage.rs) unless told to
    // follow the plain week there, and then runs out of supported years.
    let weekly = c.with_outside_coverage(kefu::calendar::OutsideCoverage::Weekly);
    assert!(matches!(weekly.add(t, TimeDelta::days(200 * 365)), Err(CalendarError::OutOfRange { .. })));
    assert!(matches!(c.add(t, TimeDelta::days(200 * 365)), Err(CalendarError::OutsideCoverage { .. })));
    assert!(matches!(c.add(t, TimeDelta::seconds(-1)), Err(CalendarError::NegativeDuration { seconds: -1 })));
    Ok(())
}

#[test]
fn long_spans_are_exact() -> Result {
    // A full year of the sample calendar: 52 weeks and a day minus the 5 closed National Day working days, plus the
    // make-up Saturday. 2026-01-01 is a Thursday; 2026 has 261 weekdays.
    let c = desk();
    let (a, b) = (at(Shanghai, 2026, 1, 1, 0, 0), at(Shanghai, 2027, 1, 1, 0, 0));
    assert_eq!(c.between(a, b)?, TimeDelta::minutes((261 - 5 + 1) * 450));
    assert_eq!(c.add(a, c.between(a, b)?)?, at(Shanghai, 2026, 12, 31, 18, 0));
    Ok(())
}

#[test]
fn definition_errors_name_the_field() {
    let err = |text: &str| Calendar::from_toml_str(text).unwrap_err().to_string();
    let e = err("time_zone = \"Asia/Shangai\"\n");
    assert!(e.contains("unknown IANA time zone `Asia/Shangai`"), "{e}");
    let e = err("time_zone = \"UTC\"\n[week]\nmon = [\"09:00-12:00\", \"11:00-13:00\"]\n");
    assert!(e.contains("week.mon") && e.contains("overlap"), "{e}");
    let e = err("time_zone = \"UTC\"\n[[holidays]]\nfrom = \"2026-10-07\"\nto = \"2026-10-01\"\n");
    assert!(e.contains("holidays[0]") && e.contains("before"), "{e}");
    let e = err(
        "time_zone = \"UTC\"\n[[holidays]]\nfrom = \"2026-10-01\"\n[[workdays]]\ndate = \"2026-10-01\"\nhours = [\"09:00-10:00\"]\n",
    );
    assert!(e.contains("workdays[0]") && e.contains("holidays[0]"), "{e}");
    let e = err("time_zone = \"UTC\"\n[week]\ntue = [\"9-12\"]\n");
    assert!(e.contains("line 3") && e.contains("`9-12`"), "{e}");
    let e = err("time_zone = \"UTC\"\n[week]\nmonday = []\n");
    assert!(e.contains("monday"), "{e}");
}

#[test]
fn definition_errors_are_typed() {
    let spec = kefu::calendar::CalendarSpec {
        name: None,
        time_zone: "UTC".into(),
        week: Default::default(),
        holidays: vec![],
        workdays: vec![kefu::calendar::WorkdaySpec {
            date: NaiveDate::from_ymd_opt(2026, 1, 3).unwrap(),
            hours: vec![],
            name: None,
        }],
        covers: None,
    };
    assert!(matches!(Calendar::new(spec), Err(DefinitionError::WorkdayWithoutHours { index: 0, .. })));
    assert!(matches!(Calendar::from_json_str("{\"time_zone\": 3}"), Err(LoadError::Json { .. })));
}

#[test]
fn calendars_round_trip_through_toml_and_json() -> Result {
    let c = desk();
    let json = serde_json::to_string(&c)?;
    assert_eq!(Calendar::from_json_str(&json)?, c);
    let toml_text = toml::to_string(&c)?;
    assert_eq!(Calendar::from_toml_str(&toml_text)?, c);
    Ok(())
}

/// St. John's (America/St_Johns) put its clocks back at 00:01 from 1988 to 2007: on Sunday 29 October 1995, 00:01
/// daylight time became 23:01 standard time on Saturday 28 October again, so Saturday's last hour and Sunday's first
/// minute both happened twice.
fn st_johns_weekends() -> Calendar {
    Calendar::from_toml_str(
        "time_zone = \"America/St_Johns\"\nweek.sat = [\"23:30-23:59\"]\nweek.sun = [\"12:00-13:00\"]\n",
    )
    .expect("valid")
}

fn rfc3339(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("a valid test instant").to_utc()
}

#[test]
fn an_hour_repeated_across_midnight_counts_in_whole_weeks_too() -> Result {
    let c = st_johns_weekends();
    let (a, b) = (rfc3339("1995-10-21T00:00:00-02:30"), rfc3339("1995-11-05T00:00:00-03:30"));
    // Saturday 28 October opens at the first 23:30 (-02:30) and closes at the last 23:59 (-03:30): 89 minutes.
    let saturday = (rfc3339("1995-10-28T23:30:00-02:30"), rfc3339("1995-10-28T23:59:00-03:30"));
    assert_eq!(saturday.1 - saturday.0, TimeDelta::minutes(89));
    assert_eq!(c.between(saturday.0 - TimeDelta::hours(1), saturday.1 + TimeDelta::hours(1))?, TimeDelta::minutes(89));
    // Three Saturdays of 29, 29 and 89 minutes and two Sundays of an hour.
    let total = TimeDelta::minutes(29 + 60 + 89 + 60 + 29);
    assert_eq!(total, TimeDelta::seconds(16_020));
    assert_eq!(c.between(a, b)?, total);
    let split = rfc3339("1995-10-29T12:00:00-03:30");
    assert_eq!(c.between(a, split)? + c.between(split, b)?, total);
    assert_eq!(c.add(a, total)?, rfc3339("1995-11-04T23:59:00-03:30"));
    Ok(())
}

#[test]
fn the_first_minute_of_sunday_inside_saturdays_repeated_hour_is_open() -> Result {
    let c = st_johns_weekends();
    // 00:00:30 daylight time on Sunday falls between Saturday's opening (23:30 -02:30) and its closing (23:59 -03:30).
    let t = rfc3339("1995-10-29T00:00:30-02:30");
    assert!(c.is_open(t)?);
    assert_eq!(c.next_open(t)?, t);
    assert_eq!(c.between(t, t + TimeDelta::seconds(30))?, TimeDelta::seconds(30));
    // Sunday's first repeated minute, at standard time, comes after Saturday's closing: closed.
    assert!(!c.is_open(rfc3339("1995-10-29T00:00:30-03:30"))?);
    Ok(())
}
