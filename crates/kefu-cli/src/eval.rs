//! `kefu calendar eval`: a stream of JSON requests on stdin, one JSON answer per line on stdout.
//!
//! Built for large batches: input and output are buffered, the line buffer and the answer buffer are reused,
//! request strings are borrowed from the line (no copy unless they contain escapes), and answers are written
//! straight into the output buffer. Output is flushed once at the end, or after each answer on request.
//!
//! Bounded: a line is read into memory up to [`LINE_LIMIT`] bytes; a longer one is answered with an error and the
//! rest of it skipped without being kept. Error messages quote at most an excerpt of the values.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{BufRead, BufWriter, Read, Write};

use chrono::format::{Item, StrftimeItems};
use chrono::{DateTime, TimeDelta, Utc};
use kefu::calendar::Calendar;
use serde::Deserialize;

use crate::error::CliError;
use crate::instant::When;
use kefu::duration;
use kefu::error::{cut_lines, excerpt};

/// Size of the output buffer: big writes, few system calls.
const OUTPUT_BUFFER: usize = 64 * 1024;

/// The longest input line read into memory: 64 KiB, a hundred times any real request.
pub const LINE_LIMIT: usize = 64 * 1024;

/// The operations `eval` understands, for error messages.
const OPS: &str = "`add`, `between`, `add_working_days`, `next_open`, `is_open`";

/// One input line. Every field but `op` is optional here; each operation checks the ones it needs, so that the
/// error can say which field is missing or misplaced.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Request<'a> {
    #[serde(borrow)]
    op: Cow<'a, str>,
    #[serde(borrow, default)]
    at: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    from: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    to: Option<Cow<'a, str>>,
    #[serde(default)]
    seconds: Option<i64>,
    #[serde(borrow, default)]
    duration: Option<Cow<'a, str>>,
    #[serde(default)]
    days: Option<u32>,
}

impl Request<'_> {
    /// The names of the fields present, other than `op`.
    fn present(&self) -> impl Iterator<Item = &'static str> + '_ {
        [
            ("at", self.at.is_some()),
            ("from", self.from.is_some()),
            ("to", self.to.is_some()),
            ("seconds", self.seconds.is_some()),
            ("duration", self.duration.is_some()),
            ("days", self.days.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, present)| present.then_some(name))
    }

    /// Refuses fields the operation does not use: a misplaced field is usually a typing error.
    fn only(&self, allowed: &[&str]) -> Result<(), String> {
        match self.present().find(|f| !allowed.contains(f)) {
            Some(field) => {
                Err(format!("`{field}` is not a field of `{}` (its fields: {})", excerpt(&self.op), allowed.join(", ")))
            }
            None => Ok(()),
        }
    }
}

/// An answer, before it is written.
enum Answer {
    At(DateTime<Utc>),
    Seconds(i64),
    Open(bool),
}

/// Writes instants as RFC 3339 on the calendar's clock, without allocating per line.
struct InstantFormat {
    items: Vec<Item<'static>>,
}

impl InstantFormat {
    fn new() -> Self {
        // `%.f`: fractional seconds only when non-zero (3, 6 or 9 digits); `%:z`: `+08:00`.
        Self { items: StrftimeItems::new("%Y-%m-%dT%H:%M:%S%.f%:z").collect() }
    }
}

fn required<'a>(field: &'a Option<Cow<'_, str>>, name: &str, op: &str) -> Result<&'a str, String> {
    field.as_deref().ok_or_else(|| format!("`{op}` needs `{name}`"))
}

/// The instant in field `name`: RFC 3339, or a local time on the calendar's clock (see [`When::resolve`]).
fn instant(calendar: &Calendar, text: &str, name: &str) -> Result<DateTime<Utc>, String> {
    When::parse(text)
        .map_err(|e| format!("`{name}`: `{}` is {e}", excerpt(text)))?
        .resolve(&calendar.time_zone())
        .map_err(|e| format!("`{name}`: {e}"))
}

/// Answers one request.
fn answer(calendar: &Calendar, request: &Request<'_>) -> Result<Answer, String> {
    let op = request.op.as_ref();
    let calendar_error = |e: kefu::calendar::CalendarError| e.to_string();
    match op {
        "add" => {
            request.only(&["at", "seconds", "duration"])?;
            let at = instant(calendar, required(&request.at, "at", op)?, "at")?;
            let d = match (request.seconds, request.duration.as_deref()) {
                (Some(s), None) => TimeDelta::try_seconds(s).ok_or_else(|| format!("`seconds`: {s} is too large"))?,
                (None, Some(text)) => duration::parse(text).map_err(|e| format!("`duration`: {e}"))?,
                (Some(_), Some(_)) => return Err("`add` takes `seconds` or `duration`, not both".to_owned()),
                (None, None) => return Err("`add` needs `seconds` (or `duration`)".to_owned()),
            };
            calendar.add(at, d).map(Answer::At).map_err(calendar_error)
        }
        "between" => {
            request.only(&["from", "to"])?;
            let from = instant(calendar, required(&request.from, "from", op)?, "from")?;
            let to = instant(calendar, required(&request.to, "to", op)?, "to")?;
            calendar.between(from, to).map(|d| Answer::Seconds(d.num_seconds())).map_err(calendar_error)
        }
        "add_working_days" => {
            request.only(&["at", "days"])?;
            let at = instant(calendar, required(&request.at, "at", op)?, "at")?;
            let days = request.days.ok_or("`add_working_days` needs `days`")?;
            calendar.add_working_days(at, days).map(Answer::At).map_err(calendar_error)
        }
        "next_open" => {
            request.only(&["at"])?;
            let at = instant(calendar, required(&request.at, "at", op)?, "at")?;
            calendar.next_open(at).map(Answer::At).map_err(calendar_error)
        }
        "is_open" => {
            request.only(&["at"])?;
            let at = instant(calendar, required(&request.at, "at", op)?, "at")?;
            calendar.is_open(at).map(Answer::Open).map_err(calendar_error)
        }
        other => Err(format!("unknown op `{}` (expected one of {OPS})", excerpt(other))),
    }
}

/// A JSON syntax or shape error, with the column instead of serde_json's "line 1 column N" suffix.
fn json_error(e: &serde_json::Error) -> String {
    let message = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = message.strip_suffix(suffix.as_str()).unwrap_or(&message);
    format!("column {}: {message}", e.column())
}

/// Strips the line terminator (`\n` or `\r\n`).
fn trim_newline(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Reads and drops the rest of a line that is too long, up to and including its `\n`; returns how many bytes it
/// had before the `\n`.
fn skip_line<R: BufRead>(input: &mut R) -> std::io::Result<usize> {
    let mut skipped = 0;
    loop {
        let buffer = match input.fill_buf() {
            Ok(buffer) => buffer,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buffer.is_empty() {
            return Ok(skipped);
        }
        match buffer.iter().position(|&b| b == b'\n') {
            Some(newline) => {
                input.consume(newline + 1);
                return Ok(skipped + newline);
            }
            None => {
                let used = buffer.len();
                input.consume(used);
                skipped += used;
            }
        }
    }
}

/// Answers every line of `input` on `output` (see `kefu calendar eval --help` for the format).
///
/// Lines that cannot be answered give `{"error":"line N: ..."}` and the stream goes on; blank lines are skipped;
/// a line longer than [`LINE_LIMIT`] is answered with an error and skipped. Only I/O errors stop it.
pub fn run<R: BufRead, W: Write>(
    calendar: &Calendar,
    mut input: R,
    output: W,
    flush_each_line: bool,
) -> Result<(), CliError> {
    let mut output = BufWriter::with_capacity(OUTPUT_BUFFER, output);
    let format = InstantFormat::new();
    let tz = calendar.time_zone();
    let mut line = Vec::with_capacity(256);
    let mut answer_text = String::with_capacity(128);
    let mut number: u64 = 0;
    loop {
        line.clear();
        // One byte more than the limit (or the line's `\n`) tells a line that fits from one that does not.
        let mut bounded = (&mut input).take(LINE_LIMIT as u64 + 1);
        if bounded.read_until(b'\n', &mut line).map_err(CliError::io("reading stdin"))? == 0 {
            break;
        }
        number += 1;
        let too_long = line.len() > LINE_LIMIT && line.last() != Some(&b'\n');
        let result = if too_long {
            let length = line.len() + skip_line(&mut input).map_err(CliError::io("reading stdin"))?;
            Err(format!("the line is longer than {LINE_LIMIT} bytes (its length: {length} bytes); skipped"))
        } else {
            let text = trim_newline(&line);
            if text.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            std::str::from_utf8(text)
                .map_err(|e| format!("not UTF-8 ({e})"))
                .and_then(|text| serde_json::from_str::<Request<'_>>(text).map_err(|e| json_error(&e)))
                .and_then(|request| answer(calendar, &request))
        };
        answer_text.clear();
        // Writing to a String cannot fail.
        let _ = match result {
            Ok(Answer::At(t)) => {
                write!(answer_text, "{{\"at\":\"{}\"}}", t.with_timezone(&tz).format_with_items(format.items.iter()))
            }
            Ok(Answer::Seconds(s)) => write!(answer_text, "{{\"seconds\":{s}}}"),
            Ok(Answer::Open(open)) => write!(answer_text, "{{\"open\":{open}}}"),
            Err(message) => {
                let error = serde_json::json!({ "error": format!("line {number}: {}", cut_lines(&message)) });
                write!(answer_text, "{error}")
            }
        };
        answer_text.push('\n');
        output.write_all(answer_text.as_bytes()).map_err(CliError::io("writing to stdout"))?;
        if flush_each_line {
            output.flush().map_err(CliError::io("writing to stdout"))?;
        }
    }
    output.flush().map_err(CliError::io("writing to stdout"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
        time_zone = "Asia/Shanghai"
        [week]
        mon = ["09:00-12:00", "13:30-18:00"]
        tue = ["09:00-12:00", "13:30-18:00"]
        wed = ["09:00-12:00", "13:30-18:00"]
        thu = ["09:00-12:00", "13:30-18:00"]
        fri = ["09:00-12:00", "13:30-18:00"]
        [[holidays]]
        from = "2026-10-01"
        to = "2026-10-07"
        [[workdays]]
        date = "2026-10-10"
        hours = ["09:00-12:00", "13:30-18:00"]
    "#;

    fn eval(input: &str) -> Vec<String> {
        let calendar = Calendar::from_toml_str(SAMPLE).expect("sample calendar");
        let mut out = Vec::new();
        run(&calendar, input.as_bytes(), &mut out, false).expect("eval");
        String::from_utf8(out).expect("utf-8").lines().map(str::to_owned).collect()
    }

    #[test]
    fn answers_each_operation() {
        let out = eval(concat!(
            r#"{"op":"add","at":"2026-10-09T17:30:00+08:00","seconds":3600}"#,
            "\n",
            r#"{"op":"between","from":"2026-09-30T17:30:00+08:00","to":"2026-10-08T09:30:00+08:00"}"#,
            "\r\n",
            r#"{"op":"is_open","at":"2026-10-10T10:00:00+08:00"}"#,
            "\n",
            r#"{"op":"next_open","at":"2026-10-01T10:00:00+08:00"}"#,
            "\n",
            r#"{"op":"add","at":"2026-10-09T09:00:00.5+08:00","duration":"PT1H"}"#,
        ));
        assert_eq!(
            out,
            [
                r#"{"at":"2026-10-10T09:30:00+08:00"}"#,
                r#"{"seconds":3600}"#,
                r#"{"open":true}"#,
                r#"{"at":"2026-10-08T09:00:00+08:00"}"#,
                r#"{"at":"2026-10-09T10:00:00.500+08:00"}"#,
            ]
        );
    }

    #[test]
    fn bad_lines_are_reported_and_the_batch_goes_on() {
        let out = eval(concat!(
            "not json\n",
            "\n",
            r#"{"op":"add","at":"2026-10-09T17:30:00+08:00"}"#,
            "\n",
            r#"{"op":"between","at":"2026-10-09T17:30:00+08:00"}"#,
            "\n",
            r#"{"op":"fly"}"#,
            "\n",
            r#"{"op":"next_open","at":"yesterday"}"#,
            "\n",
            r#"{"op":"is_open","at":"2026-10-10T10:00:00+08:00"}"#,
            "\n",
        ));
        assert_eq!(out.len(), 6, "{out:?}");
        assert!(out[0].starts_with(r#"{"error":"line 1: column "#), "{}", out[0]);
        assert!(out[1].contains("line 3: `add` needs `seconds`"), "{}", out[1]);
        assert!(out[2].contains("line 4: `at` is not a field of `between`"), "{}", out[2]);
        assert!(out[3].contains("line 5: unknown op `fly`"), "{}", out[3]);
        assert!(out[4].contains("line 6: `at`: `yesterday` is not an RFC 3339 instant"), "{}", out[4]);
        assert_eq!(out[5], r#"{"open":true}"#);
    }

    #[test]
    fn a_multi_byte_character_in_a_duration_is_one_error_line() {
        // Once a panic that killed the whole batch.
        let out = eval(concat!(
            r#"{"op":"add","at":"2026-10-09T17:30:00+08:00","duration":"P1é"}"#,
            "\n",
            r#"{"op":"add","at":"2026-10-09T17:30:00+08:00","duration":"PT1時"}"#,
            "\n",
            r#"{"op":"is_open","at":"2026-10-10T10:00:00+08:00"}"#,
        ));
        assert_eq!(out.len(), 3, "{out:?}");
        assert!(out[0].starts_with(r#"{"error":"line 1: `duration`: invalid duration `P1é`"#), "{}", out[0]);
        assert!(out[1].starts_with(r#"{"error":"line 2: `duration`: invalid duration `PT1時`"#), "{}", out[1]);
        assert_eq!(out[2], r#"{"open":true}"#);
    }

    #[test]
    fn a_line_over_the_limit_is_answered_and_skipped() {
        let good = r#"{"op":"is_open","at":"2026-10-10T10:00:00+08:00"}"#;
        // A request padded with spaces to exactly the limit still fits.
        let at_limit = format!("{good}{}", " ".repeat(LINE_LIMIT - good.len()));
        let too_long = format!("{good}{}", " ".repeat(3 * LINE_LIMIT));
        let out = eval(&format!("{at_limit}\n{too_long}\n{good}\n{too_long}"));
        assert_eq!(out.len(), 4, "{out:?}");
        assert_eq!(out[0], r#"{"open":true}"#);
        let expected = format!(
            r#"{{"error":"line 2: the line is longer than {LINE_LIMIT} bytes (its length: {} bytes); skipped"}}"#,
            too_long.len()
        );
        assert_eq!(out[1], expected);
        assert_eq!(out[2], r#"{"open":true}"#);
        assert!(out[3].starts_with(r#"{"error":"line 4: the line is longer"#), "{}", out[3]);
    }

    #[test]
    fn long_values_are_cut_in_error_lines() {
        let huge = "9".repeat(50_000);
        let out = eval(&format!(
            concat!(
                r#"{{"op":"next_open","at":"{huge}"}}"#,
                "\n",
                r#"{{"op":"{huge}"}}"#,
                "\n",
                r#"{{"op":"add","at":"2026-10-09T17:30:00+08:00","duration":"{huge}"}}"#,
                "\n",
                r#"{{"op":"add","at":"2026-10-09T17:30:00+08:00","seconds":"{huge}"}}"#,
            ),
            huge = huge
        ));
        assert_eq!(out.len(), 4, "{out:?}");
        for line in &out {
            assert!(line.len() < 1_000, "{} bytes: {}", line.len(), &line[..200]);
            assert!(line.contains("… (50000 bytes)") || line.contains("bytes)"), "{line}");
        }
        assert!(out[0].contains(&format!("`at`: `{}… (50000 bytes)` is not an RFC 3339 instant", &huge[..80])));
    }

    #[test]
    fn local_times_are_read_on_the_calendars_clock() {
        let out = eval(concat!(
            r#"{"op":"add","at":"2026-09-30 17:30","seconds":3600}"#,
            "\n",
            r#"{"op":"is_open","at":"2026-10-10T10:00"}"#,
        ));
        assert_eq!(out, [r#"{"at":"2026-10-08T09:30:00+08:00"}"#, r#"{"open":true}"#]);
    }
}
