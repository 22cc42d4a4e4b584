//! `kefu calendar add|between|next-open|is-open|add-working-days`: answers computed by hand, errors, exit codes.
//!
//! The sample calendar is open Monday to Friday 09:00-12:00 and 13:30-18:00 (7.5 h a day) in Asia/Shanghai,
//! closed 1-7 October 2026 and open on the make-up Saturday 10 October.

mod common;

use common::{PRC, SAMPLE, kefu, scratch_file};
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
        .args(["calendar", "add", "--calendar", SAMPLE, "--at", "2026-10-12 9am", "--duration", "1h"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("RFC 3339"));
}

#[test]
fn a_multi_byte_character_in_a_duration_is_a_usage_error_not_a_panic() {
    // `P1é` and `PT1時` once made the ISO 8601 parser slice inside a character and exit 101.
    for form in ["P1é", "PT1時", "P1時D", "1時間"] {
        kefu()
            .args(["calendar", "add", "--calendar", SAMPLE, "--at", "2026-10-12T09:00:00+08:00", "--duration", form])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!("invalid duration `{form}`")))
            .stderr(predicate::str::contains("panicked").not());
    }
}

#[test]
fn every_spelling_of_months_gets_the_same_message() {
    // `1mo` once got humantime's message, which lists months among the supported units.
    for form in ["1mo", "1month", "P1M", "1M", "2 years"] {
        kefu()
            .args(["calendar", "add", "--calendar", SAMPLE, "--at", "2026-10-12T09:00:00+08:00", "--duration", form])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "months and years have no fixed length, so they are not a business duration",
            ))
            .stderr(predicate::str::contains("add-working-days"))
            .stderr(predicate::str::contains("supported units").not());
    }
}

#[test]
fn long_values_are_cut_in_messages() {
    // The kernel takes arguments up to 128 KiB; the message quotes 80 characters and the size.
    let at = "9".repeat(100_000);
    let output = kefu().args(["calendar", "add", "-c", SAMPLE, "--at", &at, "--duration", "1h"]).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.len() < 1_000, "{} bytes of stderr", stderr.len());
    assert!(stderr.contains(&format!("invalid value '{}… (100000 bytes)' for '--at <TIME>'", &at[..80])), "{stderr}");
    let duration = format!("P{}", "1".repeat(100_000));
    let output = kefu()
        .args(["calendar", "add", "-c", SAMPLE, "--at", "2026-10-12T09:00:00Z", "--duration", &duration])
        .output();
    let stderr = output.map(|o| String::from_utf8_lossy(&o.stderr).into_owned()).expect("run");
    assert!(stderr.len() < 1_000 && stderr.contains("(100001 bytes)"), "{} bytes: {}", stderr.len(), &stderr[..300]);
}

#[cfg(unix)]
#[test]
fn an_endless_calendar_file_is_refused_at_the_limit() {
    kefu()
        .args(["calendar", "is-open", "-c", "/dev/zero", "--at", "2026-10-12T10:00:00Z"])
        .assert()
        .code(2)
        .stdout("")
        .stderr("error: /dev/zero: the calendar file is larger than 16 MiB, the limit for a calendar file\n");
}

#[test]
fn a_calendar_file_over_16_mib_is_refused_and_one_at_the_limit_is_read() {
    // A valid calendar padded with a comment to exactly 16 MiB is read; one byte more is refused.
    let calendar = std::fs::read(common::workspace().join(SAMPLE)).expect("the sample");
    let mut padded = calendar.clone();
    padded.extend_from_slice(b"#");
    padded.resize(16 * 1024 * 1024, b' ');
    let at_limit = scratch_file("at-limit.toml", &padded);
    padded.push(b' ');
    let over = scratch_file("over-limit.toml", &padded);
    let is_open = |path: &std::path::Path| {
        kefu().args(["calendar", "is-open", "--at", "2026-10-12T10:00:00+08:00", "-c"]).arg(path).assert()
    };
    is_open(&at_limit).success().stdout("true\n");
    is_open(&over).code(2).stderr(predicate::str::contains("over-limit.toml: the calendar file is larger than 16 MiB"));
    for path in [at_limit, over] {
        let _ = std::fs::remove_file(path);
    }
}

#[test]
fn a_calendar_file_that_is_not_utf8_is_refused() {
    let path = scratch_file("latin1.toml", b"time_zone = \"Europe/Z\xfcrich\"\n");
    kefu()
        .args(["calendar", "is-open", "--at", "2026-10-12T10:00:00Z", "-c"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("latin1.toml: the calendar file is not UTF-8 text"));
    let _ = std::fs::remove_file(path);
}

#[test]
fn local_times_are_read_on_the_calendars_clock() {
    for at in ["2026-09-30 17:30", "2026-09-30T17:30", "2026-09-30T17:30:00"] {
        assert_eq!(add(SAMPLE, at, "1h"), "2026-10-08T09:30:00+08:00", "{at}");
    }
    let between = answer(&["between", "-c", SAMPLE, "--from", "2026-09-30 17:30", "--to", "2026-10-08 09:30"]);
    assert_eq!(between, "3600");
    // New York in winter is UTC-5: 08:30 local is before the 09:00 opening.
    let ny = "tests/fixtures/new-york.toml";
    assert_eq!(answer(&["next-open", "-c", ny, "--at", "2026-03-06 08:30"]), "2026-03-06T09:00:00-05:00");
}

/// A New York calendar open around the clock, to see which instant a local time is.
fn always_open_new_york() -> std::path::PathBuf {
    let day = "[\"00:00-24:00\"]";
    let week: Vec<String> =
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].iter().map(|d| format!("{d} = {day}")).collect();
    let text = format!("time_zone = \"America/New_York\"\n[week]\n{}\n", week.join("\n"));
    scratch_file("always-open-new-york.toml", text.as_bytes())
}

#[test]
fn a_local_time_that_occurs_twice_is_the_earlier() {
    // Sunday 1 November 2026: at 02:00 EDT the clocks go back to 01:00 EST; 01:30 is first EDT, then EST.
    let calendar = always_open_new_york();
    let path = calendar.to_str().expect("a UTF-8 path");
    assert_eq!(
        answer(&["add", "-c", path, "--at", "2026-11-01 01:30", "--duration", "0s"]),
        "2026-11-01T01:30:00-04:00"
    );
    assert_eq!(
        answer(&["add", "-c", path, "--at", "2026-11-01 01:30", "--duration", "1h"]),
        "2026-11-01T01:30:00-05:00"
    );
    let _ = std::fs::remove_file(calendar);
}

#[test]
fn a_local_time_the_clocks_skip_is_refused_naming_the_jump() {
    // Sunday 8 March 2026: at 02:00 EST the clocks jump to 03:00 EDT; 02:30 never happens.
    let calendar = always_open_new_york();
    kefu()
        .args(["calendar", "add", "--at", "2026-03-08 02:30", "--duration", "1h", "-c"])
        .arg(&calendar)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "error: --at: 2026-03-08 02:30:00 never occurs in America/New_York: the clocks jump from 02:00 to 03:00",
        ));
    assert_eq!(
        answer(&["add", "-c", calendar.to_str().expect("UTF-8"), "--at", "2026-03-08 03:00", "--duration", "0s"]),
        "2026-03-08T03:00:00-04:00"
    );
    let _ = std::fs::remove_file(calendar);
}

/// Runs `script` with `sh -c`, from the workspace root, with `$KEFU` the binary.
#[cfg(unix)]
fn shell(script: &str) -> std::process::Output {
    std::process::Command::new("sh")
        .args(["-c", script])
        .env("KEFU", common::KEFU)
        .current_dir(common::workspace())
        .output()
        .expect("run sh")
}

#[cfg(target_os = "linux")]
#[test]
fn a_failed_write_is_a_failure_with_a_message() {
    // /dev/full refuses every write (ENOSPC): the answer is lost, and kefu must say so rather than exit 0.
    for command in [
        format!("\"$KEFU\" calendar add -c {SAMPLE} --at 2026-09-30T17:30:00+08:00 --duration 1h >/dev/full"),
        format!(
            "echo '{{\"op\":\"is_open\",\"at\":\"2026-10-10T10:00:00+08:00\"}}' | \"$KEFU\" calendar eval -c {SAMPLE} >/dev/full"
        ),
    ] {
        let output = shell(&command);
        assert_eq!(output.status.code(), Some(1), "{command}");
        assert!(String::from_utf8_lossy(&output.stderr).starts_with("error: "), "{command}");
    }
    // Discarding the output the usual ways is not an error: a closed stdout is reopened on /dev/null by Rust's
    // runtime before `main`, indistinguishable from a parent's /dev/null (see main.rs).
    for redirect in [">/dev/null", ">&-"] {
        let output = shell(&format!(
            "\"$KEFU\" calendar add -c {SAMPLE} --at 2026-09-30T17:30:00+08:00 --duration 1h {redirect}"
        ));
        assert!(output.status.success(), "{redirect}: {}", String::from_utf8_lossy(&output.stderr));
    }
}

#[test]
fn a_broken_pipe_stops_quietly_with_141() {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new(common::KEFU)
        .args(["calendar", "eval", "-c", SAMPLE])
        .current_dir(common::workspace())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start kefu");
    // The reader goes away before kefu has anything to write.
    drop(child.stdout.take());
    if let Some(mut stdin) = child.stdin.take() {
        let line = "{\"op\":\"is_open\",\"at\":\"2026-10-10T10:00:00+08:00\"}\n".repeat(10_000);
        // kefu may stop reading once its writes fail: a failed write here is expected.
        let _ = stdin.write_all(line.as_bytes());
    }
    let output = child.wait_with_output().expect("wait for kefu");
    assert_eq!(output.status.code(), Some(141));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "", "quiet");
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
    let ny = "tests/fixtures/new-york.toml";
    // Friday 6 March 2026, 13:30 UTC is 08:30 EST; Saturday noon UTC leads to Monday 9 March, now EDT.
    assert_eq!(answer(&["next-open", "-c", ny, "--at", "2026-03-06T13:30:00Z"]), "2026-03-06T09:00:00-05:00");
    assert_eq!(answer(&["next-open", "-c", ny, "--at", "2026-03-07T12:00:00Z"]), "2026-03-09T09:00:00-04:00");
    assert_eq!(answer(&["is-open", "-c", ny, "--at", "2026-03-09T13:30:00Z"]), "true");
    let ams = "tests/fixtures/amsterdam.toml";
    // Friday 23 October 16:00: 1 h on Friday, 4 h on Saturday (10:00-14:00), 1 h on Monday 26 after the clocks
    // went back.
    assert_eq!(add(ams, "2026-10-23T16:00:00+02:00", "6h"), "2026-10-26T09:30:00+01:00");
    assert_eq!(add(ams, "2026-10-23T16:00:00+02:00", "5h"), "2026-10-24T14:00:00+02:00");
}

#[test]
fn json_calendars_are_read_by_extension() {
    kefu()
        .args(["calendar", "is-open", "-c", "tests/fixtures/unknown-zone.json"])
        .args(["--at", "2026-10-12T10:00:00Z"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown-zone.json: time_zone: unknown IANA time zone `Mars/Olympus`"));
}

#[test]
fn a_malformed_calendar_names_the_file_the_field_and_the_line() {
    kefu()
        .args(["calendar", "is-open", "-c", "tests/fixtures/bad-interval.toml"])
        .args(["--at", "2026-10-12T10:00:00Z"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::starts_with("error: tests/fixtures/bad-interval.toml: in `week.mon[1]`"))
        .stderr(predicate::str::contains("line 4, column 7"))
        .stderr(predicate::str::contains("invalid opening interval `18:00-13:30`"));
}

#[test]
fn an_invalid_calendar_names_the_file_and_the_field() {
    kefu()
        .args(["calendar", "next-open", "-c", "tests/fixtures/overlapping.toml"])
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
        .stdout(predicate::str::contains("2    usage or input error"))
        .stdout(predicate::str::contains("141  stdout's reader went away"));
    // The rule for local times where the clocks change is stated.
    kefu()
        .args(["calendar", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("a local time that occurs twice is the earlier instant"))
        .stdout(predicate::str::contains("a local time that never occurs is refused"));
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
