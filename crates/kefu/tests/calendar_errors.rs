//! What a calendar's errors say: instants on the calendar's own wall clock, calendars refused when written as
//! positional lists, and user values cut short in messages.

use chrono::{TimeDelta, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use kefu::calendar::{Calendar, CalendarError, CalendarSet, DefinitionError, LoadError, OpeningInterval};

type Result = std::result::Result<(), Box<dyn std::error::Error>>;

fn weekdays(zone: &str) -> Calendar {
    Calendar::from_toml_str(&format!(
        "time_zone = \"{zone}\"\nweek.mon = [\"09:00-18:00\"]\nweek.fri = [\"09:00-18:00\"]\n"
    ))
    .expect("valid")
}

#[test]
fn out_of_range_errors_show_instants_on_the_calendars_wall_clock() -> Result {
    let c = weekdays("Asia/Shanghai");
    let far = Utc.with_ymd_and_hms(2300, 1, 1, 0, 0, 0).unwrap();
    let err = c.is_open(far).unwrap_err();
    assert_eq!(err.to_string(), "the instant 2300-01-01T08:00:00+08:00 falls outside the supported years 1970..2200");
    // Friday 30 December 2199, 17:00 in Shanghai: two business hours run into 2200.
    let late = Shanghai.with_ymd_and_hms(2199, 12, 30, 17, 0, 0).unwrap().to_utc();
    let err = c.add(late, TimeDelta::hours(2)).unwrap_err();
    assert!(matches!(err, CalendarError::OutOfRange { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "the result of adding 7200 s to 2199-12-30T17:00:00+08:00 falls outside the supported years 1970..2200"
    );
    Ok(())
}

#[test]
fn never_open_carries_the_instant_in_the_calendars_zone() -> Result {
    let once = Calendar::from_toml_str(
        "time_zone = \"America/New_York\"\n[[workdays]]\ndate = \"2026-06-06\"\nhours = [\"10:00-11:00\"]\n",
    )?;
    let t = Utc.with_ymd_and_hms(2026, 7, 1, 12, 0, 0).unwrap();
    match once.next_open(t) {
        Err(CalendarError::NeverOpen { after, .. }) => {
            assert_eq!(after.timezone(), chrono_tz::America::New_York);
            assert_eq!(after.to_rfc3339(), "2026-07-01T08:00:00-04:00");
        }
        other => panic!("expected NeverOpen, got {other:?}"),
    }
    Ok(())
}

fn json_error(text: &str) -> String {
    match Calendar::from_json_str(text) {
        Err(e @ LoadError::Json { .. }) => e.to_string(),
        other => panic!("expected a JSON error for {text}, got {other:?}"),
    }
}

#[test]
fn a_calendar_written_as_a_positional_list_is_refused() {
    // serde's derive would read these field by field in declaration order; each is refused, saying what is
    // expected, and with the key path of the list.
    let e = json_error(r#"["UTC", {"mon": ["09:00-17:00"]}]"#);
    assert!(e.contains("invalid type: sequence, expected a calendar table"), "{e}");
    let e = json_error(r#"{"time_zone": "UTC", "week": [["09:00-17:00"]]}"#);
    assert!(e.starts_with("in `week`: ") && e.contains("expected a table of weekdays"), "{e}");
    let e = json_error(r#"{"time_zone": "UTC", "week": {"mon": ["09:00-17:00"]}, "holidays": [["2026-10-01"]]}"#);
    assert!(e.starts_with("in `holidays[0]`: ") && e.contains("expected a holiday table"), "{e}");
    let e = json_error(r#"{"time_zone": "UTC", "workdays": [["2026-10-10", ["09:00-12:00"]]]}"#);
    assert!(e.starts_with("in `workdays[0]`: ") && e.contains("expected a make-up day table"), "{e}");
    let e =
        json_error(r#"{"time_zone": "UTC", "week": {"mon": ["09:00-17:00"]}, "covers": ["2026-01-01", "2026-12-31"]}"#);
    assert!(e.starts_with("in `covers`: ") && e.contains("not a list"), "{e}");
    // TOML can write a list where a table belongs too.
    let err = Calendar::from_toml_str("time_zone = \"UTC\"\nweek = [[\"09:00-17:00\"]]\n").unwrap_err();
    assert!(matches!(err, LoadError::Toml { .. }) && err.to_string().contains("table of weekdays"), "{err}");
    // The named shapes still load.
    let ok = Calendar::from_json_str(r#"{"time_zone": "UTC", "week": {"mon": ["09:00-17:00"]}}"#);
    assert!(ok.is_ok(), "{ok:?}");
}

#[test]
fn long_values_are_cut_in_messages() {
    let long = "x".repeat(10_000);
    // An unknown time zone.
    let err = Calendar::from_json_str(&format!(r#"{{"time_zone": "{long}", "week": {{"mon": ["09:00-17:00"]}}}}"#))
        .unwrap_err()
        .to_string();
    assert!(err.len() < 300, "{} bytes: {err}", err.len());
    assert!(err.contains(&format!("`{}…` (10000 characters)", "x".repeat(80))), "{err}");
    // A string where a table belongs.
    let err = Calendar::from_json_str(&format!(r#"{{"time_zone": "UTC", "week": "{long}"}}"#)).unwrap_err().to_string();
    assert!(
        err.len() < 300 && err.contains("invalid type: string `xxx") && err.contains("(10000 characters)"),
        "{err}"
    );
    // A malformed interval, read directly and inside a calendar.
    let text = format!("{}-09:00", "0".repeat(5_000));
    let err = text.parse::<OpeningInterval>().unwrap_err();
    assert_eq!(err.text, text, "the error keeps the whole value for programs");
    assert!(err.to_string().len() < 300 && err.to_string().contains("(5006 characters)"), "{err}");
    let err =
        Calendar::from_json_str(&format!(r#"{{"time_zone": "UTC", "week": {{"mon": ["{text}"]}}}}"#)).unwrap_err();
    assert!(err.to_string().len() < 400, "{err}");
    // A calendar's name in a computation error.
    let named = Calendar::from_toml_str(&format!(
        "name = \"{long}\"\ntime_zone = \"UTC\"\n[[workdays]]\ndate = \"2026-06-06\"\nhours = [\"10:00-11:00\"]\n"
    ))
    .expect("valid");
    let err = named.next_open(Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).unwrap()).unwrap_err();
    assert!(err.to_string().len() < 300 && err.to_string().contains("(10000 characters)"), "{err}");
    // An unknown calendar, and the known ones when there are thousands.
    let set: CalendarSet = (0..2_000).map(|i| (format!("customer-{i:04}"), weekdays("UTC"))).collect();
    let err = set.get(&long).unwrap_err();
    assert_eq!(err.name, long);
    let message = err.to_string();
    assert!(message.len() < 400, "{message}");
    assert!(message.contains("customer-0000, customer-0001") && message.contains("more)"), "{message}");
}

#[test]
fn definition_errors_of_coverage_name_the_field() {
    let err = |text: &str| Calendar::from_toml_str(text).unwrap_err();
    let base = "time_zone = \"UTC\"\nweek.mon = [\"09:00-17:00\"]\n";
    let e = err(&format!("{base}covers = {{ from = \"2026-12-31\", to = \"2026-01-01\" }}\n"));
    assert!(matches!(e, LoadError::Invalid(DefinitionError::CoverageEndsBeforeStart { .. })), "{e}");
    let e = err(&format!(
        "{base}covers = {{ from = \"2026-01-01\", to = \"2026-12-31\" }}\n[[holidays]]\nfrom = \"2026-12-31\"\nto = \"2027-01-02\"\n"
    ));
    assert_eq!(
        e.to_string(),
        "holidays[0].to: 2027-01-02 is outside the dates the calendar covers (2026-01-01..=2026-12-31); widen `covers` or correct the date"
    );
    let e = err(&format!(
        "{base}covers = {{ from = \"2026-01-01\", to = \"2026-12-31\" }}\n[[workdays]]\ndate = \"2025-12-27\"\nhours = [\"09:00-12:00\"]\n"
    ));
    assert!(
        matches!(&e, LoadError::Invalid(DefinitionError::OutsideCoverage { field, .. }) if field == "workdays[0].date"),
        "{e}"
    );
    let e = err(&format!("{base}covers = {{ from = \"2026-01-01\", to = \"2206-12-31\" }}\n"));
    assert!(e.to_string().starts_with("covers.to: 2206-12-31 is outside the supported years"), "{e}");
    let e = err(&format!("{base}covers = {{ from = \"2026-01-01\", to = \"2026-12-31\", outside = \"guess\" }}\n"));
    assert!(e.to_string().contains("expected `refuse` or `weekly`"), "{e}");
}
