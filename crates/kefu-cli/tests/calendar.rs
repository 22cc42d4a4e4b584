//! `kefu calendar add|between|next-open|is-open|add-working-days`: answers computed by hand, errors, exit codes.
//!
//! The sample calendar is open Monday to Friday 09:00-12:00 and 13:30-18:00 (7.5 h a day) in Asia/Shanghai,
//! closed 1-7 October 2026 and open on the make-up Saturday 10 October.

mod common;

use common::{PRC, SAMPLE, kefu};
use predicates::prelude::*;

/// Runs `kefu calendar ARGS...`, asserts success and returns stdout without the final newline.
fn answer(args: &[&str]) -> String {
    let output = kefu().arg("calendar").args(args).output().expect("run kefu");
    assert!(output.status.success(), "kefu calendar {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("utf-8").trim_end_matches('\n').to_owned()
}

fn add(calendar: &str, at: &str, duration: &str) -> String {
    answer(&["add", "--calendar", calendar, "--at", at, "--duration", duration])
}

#[test]
fn add_crosses_the_national_day_holiday() {
    // 30 min on Wednesday 30 September, then 30 min on Thursday 8 October.
    assert_eq!(add(SAMPLE, "2026-09-30T17:30:00+08:00", "1h"), "2026-10-08T09:30:00+08:00");
}

#[test]
fn add_uses_the_make_up_saturday() {
    assert_eq!(add(SAMPLE, "2026-10-09T17:30:00+08:00", "1h"), "2026-10-10T09:30:00+08:00");
}

#[test]
fn add_skips_lunch_and_prints_the_calendar_offset() {
    // 30 min before lunch, 60 min after 13:30.
    assert_eq!(add(SAMPLE, "2026-10-09T11:30:00+08:00", "90m"), "2026-10-09T14:30:00+08:00");
    // The same instant given in UTC: the answer is still on Shanghai's clock.
    assert_eq!(add(SAMPLE, "2026-10-09T03:30:00Z", "PT90M"), "2026-10-09T14:30:00+08:00");
}

#[test]
fn add_ending_at_closing_time_returns_the_closing_instant() {
    assert_eq!(add(SAMPLE, "2026-10-09T17:00:00+08:00", "1h"), "2026-10-09T18:00:00+08:00");
}

#[test]
fn add_zero_on_a_holiday_gives_the_next_opening() {
    assert_eq!(add(SAMPLE, "2026-10-03T10:00:00+08:00", "0s"), "2026-10-08T09:00:00+08:00");
}

#[test]
fn duration_forms_are_exact_seconds_of_business_time() {
    let monday = "2026-10-12T09:00:00+08:00";
    // 72 h = 9 days of 7.5 h (to Thursday 22 October 18:00) + 4.5 h on Friday 23: 3 h before lunch, 1.5 h after.
    for form in ["3d", "72h", "P3D", "PT72H", "4320m"] {
        assert_eq!(add(SAMPLE, monday, form), "2026-10-23T15:00:00+08:00", "{form}");
    }
    for form in ["1h30m", "1h 30m", "90m", "PT1H30M", "PT90M", "5400s"] {
        assert_eq!(add(SAMPLE, monday, form), "2026-10-12T10:30:00+08:00", "{form}");
    }
    // 26 h = Monday, Tuesday, Wednesday (22.5 h) + 3 h + 0.5 h on Thursday.
    assert_eq!(add(SAMPLE, monday, "P1DT2H"), "2026-10-15T14:00:00+08:00");
    assert_eq!(add(SAMPLE, monday, "24h"), add(SAMPLE, monday, "P1D"));
}

#[test]
fn months_and_years_are_refused() {
    for form in ["P1M", "P1Y", "1month", "2y"] {
        kefu()
            .args(["calendar", "add", "--calendar", SAMPLE, "--at", "2026-10-12T09:00:00+08:00", "--duration", form])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("no fixed length"));
    }
}

#[test]
fn malformed_durations_and_instants_are_usage_errors() {
    kefu()
        .args(["calendar", "add", "--calendar", SAMPLE, "--at", "2026-10-12T09:00:00+08:00", "--duration", "PT1X"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid duration `PT1X`"));
    kefu()
        .args(["calendar", "add", "--calendar", SAMPLE, "--at", "2026-10-12T09:00:00+08:00", "--duration", "-1h"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("negative"));
    kefu()
        .args(["calendar", "add", "--calendar", SAMPLE, "--at", "2026-10-12 09:00", "--duration", "1h"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("RFC 3339"));
}

#[test]
fn between_is_signed_whole_seconds() {
    let between = |from: &str, to: &str| answer(&["between", "--calendar", SAMPLE, "--from", from, "--to", to]);
    assert_eq!(between("2026-09-30T17:30:00+08:00", "2026-10-08T09:30:00+08:00"), "3600");
    assert_eq!(between("2026-10-08T09:30:00+08:00", "2026-09-30T17:30:00+08:00"), "-3600");
    // Friday 9 and the make-up Saturday 10 October: 2 × 7.5 h.
    assert_eq!(between("2026-10-09T00:00:00+08:00", "2026-10-11T00:00:00+08:00"), "54000");
}

#[test]
fn next_open() {
    let next = |at: &str| answer(&["next-open", "--calendar", SAMPLE, "--at", at]);
    assert_eq!(next("2026-10-01T10:00:00+08:00"), "2026-10-08T09:00:00+08:00");
    assert_eq!(next("2026-10-09T12:30:00+08:00"), "2026-10-09T13:30:00+08:00");
    assert_eq!(next("2026-10-09T10:00:00+08:00"), "2026-10-09T10:00:00+08:00");
}

#[test]
fn is_open() {
    let open = |at: &str| answer(&["is-open", "--calendar", SAMPLE, "--at", at]);
    assert_eq!(open("2026-10-10T10:00:00+08:00"), "true", "make-up Saturday");
    assert_eq!(open("2026-10-17T10:00:00+08:00"), "false", "ordinary Saturday");
    assert_eq!(open("2026-10-05T10:00:00+08:00"), "false", "National Day");
    assert_eq!(open("2026-10-09T12:00:00+08:00"), "false", "closing instant");
    assert_eq!(open("2026-10-09T13:30:00+08:00"), "true", "opening instant");
}

#[test]
fn add_working_days() {
    let add = |at: &str, days: &str| answer(&["add-working-days", "--calendar", SAMPLE, "--at", at, "--days", days]);
    assert_eq!(add("2026-09-30T15:00:00+08:00", "1"), "2026-10-08T15:00:00+08:00");
    assert_eq!(add("2026-10-09T15:00:00+08:00", "1"), "2026-10-10T15:00:00+08:00");
    // Saturday 12:30 is lunch time: moved to the opening at 13:30.
    assert_eq!(add("2026-10-09T12:30:00+08:00", "1"), "2026-10-10T13:30:00+08:00");
    assert_eq!(add("2026-10-03T10:00:00+08:00", "0"), "2026-10-08T09:00:00+08:00");
}

#[test]
fn prc_2026_spring_festival() {
    // Saturday 14 February is a make-up working day: 1 h there, then closed 15-23 February, 1 h on Tuesday 24.
    assert_eq!(add(PRC, "2026-02-14T17:00:00+08:00", "2h"), "2026-02-24T10:00:00+08:00");
    // Friday 13 February 17:00 + 2 h: 1 h on Friday, 1 h on the make-up Saturday.
    assert_eq!(add(PRC, "2026-02-13T17:00:00+08:00", "2h"), "2026-02-14T10:00:00+08:00");
    // 14 Feb (make-up), 24-27 Feb, 28 Feb (make-up): 6 days of 7.5 h.
    assert_eq!(
        answer(&[
            "between",
            "--calendar",
            PRC,
            "--from",
            "2026-02-14T00:00:00+08:00",
            "--to",
            "2026-03-01T00:00:00+08:00"
        ]),
        "162000"
    );
    assert_eq!(
        answer(&["add-working-days", "--calendar", PRC, "--at", "2026-02-13T10:00:00+08:00", "--days", "2"]),
        "2026-02-24T10:00:00+08:00"
    );
}

#[test]
fn prc_2026_other_make_up_days() {
    let open = |at: &str| answer(&["is-open", "--calendar", PRC, "--at", at]);
    for day in ["2026-01-04", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"] {
        assert_eq!(open(&format!("{day}T10:00:00+08:00")), "true", "{day} is a make-up working day");
    }
    for day in ["2026-01-02", "2026-04-06", "2026-05-05", "2026-06-19", "2026-09-25", "2026-10-07"] {
        assert_eq!(open(&format!("{day}T10:00:00+08:00")), "false", "{day} is a holiday");
    }
}

#[test]
fn dst_zones_print_the_offset_of_the_day() {
    let ny = "examples/calendars/new-york.toml";
    // Friday 6 March 2026, 13:30 UTC is 08:30 EST; Saturday noon UTC leads to Monday 9 March, now EDT.
    assert_eq!(answer(&["next-open", "-c", ny, "--at", "2026-03-06T13:30:00Z"]), "2026-03-06T09:00:00-05:00");
    assert_eq!(answer(&["next-open", "-c", ny, "--at", "2026-03-07T12:00:00Z"]), "2026-03-09T09:00:00-04:00");
    assert_eq!(answer(&["is-open", "-c", ny, "--at", "2026-03-09T13:30:00Z"]), "true");
    let ams = "examples/calendars/amsterdam.toml";
    // Friday 23 October 16:00: 1 h on Friday, 4 h on Saturday (10:00-14:00), 1 h on Monday 26 after the clocks
    // went back.
    assert_eq!(add(ams, "2026-10-23T16:00:00+02:00", "6h"), "2026-10-26T09:30:00+01:00");
    assert_eq!(add(ams, "2026-10-23T16:00:00+02:00", "5h"), "2026-10-24T14:00:00+02:00");
}

#[test]
fn json_calendars_are_read_by_extension() {
    kefu()
        .args(["calendar", "is-open", "-c", "crates/kefu-cli/tests/fixtures/unknown-zone.json"])
        .args(["--at", "2026-10-12T10:00:00Z"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown-zone.json: time_zone: unknown IANA time zone `Mars/Olympus`"));
}

#[test]
fn a_malformed_calendar_names_the_file_the_field_and_the_line() {
    kefu()
        .args(["calendar", "is-open", "-c", "crates/kefu-cli/tests/fixtures/bad-interval.toml"])
        .args(["--at", "2026-10-12T10:00:00Z"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::starts_with(
            "error: crates/kefu-cli/tests/fixtures/bad-interval.toml: in `week.mon[1]`",
        ))
        .stderr(predicate::str::contains("line 4, column 7"))
        .stderr(predicate::str::contains("invalid opening interval `18:00-13:30`"));
}

#[test]
fn an_invalid_calendar_names_the_file_and_the_field() {
    kefu()
        .args(["calendar", "next-open", "-c", "crates/kefu-cli/tests/fixtures/overlapping.toml"])
        .args(["--at", "2026-10-12T10:00:00Z"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "overlapping.toml: week.tue: opening intervals `09:00-12:00` and `11:00-18:00` overlap",
        ));
}

#[test]
fn a_missing_calendar_file_is_an_input_error() {
    kefu()
        .args(["calendar", "is-open", "-c", "no/such/calendar.toml", "--at", "2026-10-12T10:00:00Z"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/calendar.toml: cannot read the calendar file"));
}

#[test]
fn an_instant_outside_the_supported_years_exits_1() {
    kefu()
        .args(["calendar", "add", "-c", SAMPLE, "--at", "2300-01-01T00:00:00Z", "--duration", "1h"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("outside the supported years"));
}

#[test]
fn usage_errors_exit_2() {
    kefu().assert().code(2);
    kefu().args(["calendar", "add", "-c", SAMPLE]).assert().code(2).stderr(predicate::str::contains("--at"));
    kefu().args(["calendar", "teleport"]).assert().code(2);
}

#[test]
fn help_and_version() {
    kefu().arg("--version").assert().success().stdout(predicate::str::starts_with("kefu 0.1.0"));
    kefu()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Exit codes:"))
        .stdout(predicate::str::contains("calendar"));
    kefu()
        .args(["calendar", "eval", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Blank lines"))
        .stdout(predicate::str::contains("--flush-each-line"));
    kefu()
        .args(["calendar", "add", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("PT1H"))
        .stdout(predicate::str::contains("2  usage or input error"));
}

#[test]
fn a_calendar_without_opening_hours_is_refused_when_loaded_naming_the_file() {
    let path = std::env::temp_dir().join(format!("kefu-cli-closed-{}.toml", std::process::id()));
    std::fs::write(&path, "time_zone = \"UTC\"\n[week]\nsat = []\n").expect("write a temporary calendar");
    let assert = kefu()
        .args(["calendar", "is-open", "-c"])
        .arg(&path)
        .args(["--at", "2026-10-12T10:00:00Z"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(format!("{}: the calendar has no opening hours", path.display())));
    drop(assert);
    let _ = std::fs::remove_file(&path);
}

#[test]
fn a_date_outside_the_calendars_coverage_is_refused_naming_both() {
    // The PRC calendar lists 2026's holidays only: whether 1 January 2027 is worked is not known to it.
    kefu()
        .args(["calendar", "add", "-c", PRC, "--at", "2026-12-31T17:30:00+08:00", "--duration", "1h"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("calendar `PRC 2026` lists its holidays and make-up days for 2026-01-01..=2026-12-31 only, and this needs 2027-01-01"));
}
