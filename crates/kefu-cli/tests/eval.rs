//! `kefu calendar eval`: JSON lines in, JSON lines out, bad lines reported without stopping the batch.

mod common;

use common::{PRC, SAMPLE, kefu};
use predicates::prelude::*;

fn eval(calendar: &str, input: &str) -> Vec<String> {
    let output = kefu().args(["calendar", "eval", "--calendar", calendar]).write_stdin(input).output().expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("utf-8").lines().map(str::to_owned).collect()
}

#[test]
fn good_and_bad_lines_mixed() {
    let input = [
        r#"{"op":"add","at":"2026-09-30T17:30:00+08:00","seconds":3600}"#,
        r#"{"op":"add","at":"2026-10-09T17:30:00+08:00","seconds":3600}"#,
        r#"{"op":"between","from":"2026-09-30T17:30:00+08:00","to":"2026-10-08T09:30:00+08:00"}"#,
        "",
        r#"{"op":"add_working_days","at":"2026-10-09T15:00:00+08:00","days":1}"#,
        r#"{"op":"add","at":"not a time","seconds":60}"#,
        r#"{"op":"next_open","at":"2026-10-01T10:00:00Z"}"#,
        "   ",
        r#"{"op":"is_open","at":"2026-10-10T02:00:00Z"}"#,
        r#"{"op":"add","at":"2026-10-09T17:30:00+08:00","seconds":-5}"#,
        r#"{"op":"add","at":"2026-10-09T17:30:00+08:00","duration":"P1M"}"#,
        r#"{"op":"between","from":"2026-10-08T09:30:00+08:00","to":"2026-09-30T17:30:00+08:00"}"#,
        r#"{"op":"add","at":"2026-10-09T17:30:00+08:00","seconds":60,"colour":"red"}"#,
        r#"{"op":"add","at":"2026-10-09T17:30:00+08:00","duration":"1h30m"}"#,
        "{",
        r#"{"op":"add","at":"2300-01-01T00:00:00Z","seconds":1}"#,
    ]
    .join("\n");
    let out = eval(SAMPLE, &input);
    let expected: [&dyn Fn(&str) -> bool; 14] = [
        &|l| l == r#"{"at":"2026-10-08T09:30:00+08:00"}"#,
        &|l| l == r#"{"at":"2026-10-10T09:30:00+08:00"}"#,
        &|l| l == r#"{"seconds":3600}"#,
        &|l| l == r#"{"at":"2026-10-10T15:00:00+08:00"}"#,
        &|l| l.starts_with(r#"{"error":"line 6: `at`: `not a time` is not an RFC 3339 instant"#),
        &|l| l == r#"{"at":"2026-10-08T09:00:00+08:00"}"#,
        &|l| l == r#"{"open":true}"#,
        &|l| l.starts_with(r#"{"error":"line 10: negative duration"#),
        &|l| l.starts_with(r#"{"error":"line 11: `duration`: invalid duration `P1M`: months and years"#),
        &|l| l == r#"{"seconds":-3600}"#,
        &|l| l.starts_with(r#"{"error":"line 13: column "#) && l.contains("unknown field `colour`"),
        &|l| l == r#"{"at":"2026-10-10T10:00:00+08:00"}"#,
        &|l| l.starts_with(r#"{"error":"line 15: column 1: EOF while parsing"#),
        &|l| l.starts_with(r#"{"error":"line 16: "#) && l.contains("outside the supported years"),
    ];
    assert_eq!(out.len(), expected.len(), "{out:#?}");
    for (line, check) in out.iter().zip(expected) {
        assert!(check(line), "unexpected answer {line}\nall: {out:#?}");
        let _: serde_json::Value = serde_json::from_str(line).expect("each answer is JSON");
    }
}

#[test]
fn crossing_the_spring_festival_in_a_batch() {
    let out = eval(
        PRC,
        concat!(
            r#"{"op":"add","at":"2026-02-14T17:00:00+08:00","seconds":7200}"#,
            "\n",
            r#"{"op":"between","from":"2026-02-14T00:00:00+08:00","to":"2026-03-01T00:00:00+08:00"}"#,
            "\n",
        ),
    );
    assert_eq!(out, [r#"{"at":"2026-02-24T10:00:00+08:00"}"#, r#"{"seconds":162000}"#]);
}

#[test]
fn empty_input_gives_empty_output() {
    assert!(eval(SAMPLE, "").is_empty());
}

#[test]
fn flush_each_line_gives_the_same_answers() {
    kefu()
        .args(["calendar", "eval", "--calendar", SAMPLE, "--flush-each-line"])
        .write_stdin("{\"op\":\"is_open\",\"at\":\"2026-10-17T02:00:00Z\"}\n")
        .assert()
        .success()
        .stdout("{\"open\":false}\n");
}

#[test]
fn a_bad_calendar_stops_eval_before_reading_input() {
    kefu()
        .args(["calendar", "eval", "--calendar", "tests/fixtures/bad-interval.toml"])
        .write_stdin("{\"op\":\"is_open\",\"at\":\"2026-10-17T02:00:00Z\"}\n")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("week.mon"));
}

#[test]
fn a_multi_byte_character_in_a_duration_does_not_stop_the_batch() {
    // `P1é` once panicked inside the duration parser and killed the whole batch (exit 101, no answers).
    let out = eval(
        SAMPLE,
        concat!(
            r#"{"op":"add","at":"2026-10-09T17:30:00+08:00","duration":"P1é"}"#,
            "\n",
            r#"{"op":"add","at":"2026-10-09T17:30:00+08:00","duration":"PT1時"}"#,
            "\n",
            r#"{"op":"add","at":"2026-10-09T17:30:00+08:00","seconds":3600}"#,
            "\n",
        ),
    );
    assert_eq!(out.len(), 3, "{out:?}");
    assert!(out[0].starts_with(r#"{"error":"line 1: `duration`: invalid duration `P1é`"#), "{}", out[0]);
    assert!(out[1].starts_with(r#"{"error":"line 2: `duration`: invalid duration `PT1時`"#), "{}", out[1]);
    assert_eq!(out[2], r#"{"at":"2026-10-10T09:30:00+08:00"}"#);
}

#[test]
fn a_huge_line_is_one_short_error_and_the_batch_goes_on() {
    // 10 MB in one line: answered with an error of a few dozen bytes, the rest of the line skipped unread.
    let huge = format!(r#"{{"op":"next_open","at":"{}"}}"#, "9".repeat(10_000_000));
    let input = format!("{huge}\n{}\n", r#"{"op":"is_open","at":"2026-10-10 10:00"}"#);
    let out = eval(SAMPLE, &input);
    let error = format!(
        r#"{{"error":"line 1: the line is longer than 65536 bytes (its length: {} bytes); skipped"}}"#,
        huge.len()
    );
    assert_eq!(out, [error.as_str(), r#"{"open":true}"#]);
}

#[test]
fn local_times_in_a_batch_are_on_the_calendars_clock() {
    let out = eval(
        "tests/fixtures/new-york.toml",
        concat!(
            r#"{"op":"next_open","at":"2026-03-06 08:30"}"#,
            "\n",
            r#"{"op":"next_open","at":"2026-03-08T02:30"}"#,
            "\n",
        ),
    );
    assert_eq!(out[0], r#"{"at":"2026-03-06T09:00:00-05:00"}"#);
    assert!(
        out[1].starts_with(r#"{"error":"line 2: `at`: 2026-03-08 02:30:00 never occurs in America/New_York"#),
        "{}",
        out[1]
    );
}
