//! Durations as people write them in policy files and on the command line: `"1h"`, `"90m"`, `"24h"`, `"3d"`,
//! `"1h 30m"`, or ISO 8601 `"PT1H"` / `"P1DT2H"`.
//!
//! A business duration is an exact number of seconds of *open* time, so every unit has a fixed length: a day is
//! 24 hours (`"3d"` of business time is 72 open hours) and a week 7 × 24 hours. Months and years have no fixed
//! length and are refused in both notations. To count working *dates* use
//! [`Calendar::add_working_days`](crate::calendar::Calendar::add_working_days) (`within_working_days` in a policy).
//!
//! * The short form: numbers with units `ns us ms s m h d w` (or their names: `sec`, `min`, `hours`, `days`,
//!   `weeks`, …), optionally separated by spaces: `90m`, `1h 30m`, `1h30m`, `2d4h`, `1.5h`, `90 min`.
//! * The ISO 8601 form starts with `P`: `PnW`, or `PnD` and/or `T` followed by `nH`, `nM`, `nS` in that order,
//!   e.g. `PT1H`, `PT90M`, `P1DT2H`, `PT0.5S` (a fraction only on the seconds).
//!
//! ```
//! use chrono::TimeDelta;
//! use kefu::duration::parse;
//!
//! assert_eq!(parse("90m")?, TimeDelta::minutes(90));
//! assert_eq!(parse("1h 30m")?, TimeDelta::minutes(90));
//! assert_eq!(parse("PT1H30M")?, TimeDelta::minutes(90));
//! assert_eq!(parse("P1DT2H")?, TimeDelta::hours(26));
//! assert!(parse("P1M").is_err()); // months have no fixed length
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::iter::Peekable;
use core::str::Chars;

use chrono::TimeDelta;
use serde::{Deserialize, Deserializer, Serializer};

use crate::error::excerpt;

/// Why a text is not a business duration.
///
/// Its message repeats the text, cut to its first 80 characters when it is longer (see
/// [`excerpt`]); `text` holds all of it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid duration `{}`: {reason}", excerpt(.text))]
pub struct DurationError {
    /// The text that was given.
    pub text: String,
    /// What is wrong with it.
    pub reason: String,
}

/// The one message for months and years, whatever the notation (`P1M`, `1M`, `1mo`, `2months`, `1y`).
const NO_MONTHS: &str = "months and years have no fixed length, so they are not a business duration (a month has 28 \
                         to 31 days); write days (`30d`, `P30D`) or hours, or count working dates with a calendar \
                         rule (`within_working_days` in a policy, `kefu calendar add-working-days`)";

/// The examples every "how to write it" hint gives.
const EXAMPLES: &str = "write e.g. `90m`, `1h30m`, `3d` or `PT1H`";

const NANOS_PER_SECOND: i128 = 1_000_000_000;

/// Parses a business duration in the short (`1h30m`) or ISO 8601 (`PT1H30M`) form.
///
/// Total: any text gives a duration or a [`DurationError`], never a panic.
///
/// ```text
/// parse("90m")    == 5400 s      parse("PT90M")  == 5400 s
/// parse("3d")     == 259200 s    parse("P1DT2H") == 93600 s
/// parse("P1M")    -> error (months)
/// ```
pub fn parse(text: &str) -> Result<TimeDelta, DurationError> {
    let err = |reason: String| DurationError { text: text.to_owned(), reason };
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(err(format!("empty; {EXAMPLES}")));
    }
    let nanos = if let Some(body) = trimmed.strip_prefix(['P', 'p']) {
        parse_iso(body)
    } else if trimmed.starts_with('-') {
        Err("negative; business durations to add are zero or more".to_owned())
    } else {
        parse_short(trimmed)
    };
    nanos.and_then(to_delta).map_err(err)
}

/// A whole number of nanoseconds as a `TimeDelta`, if it fits.
fn to_delta(nanos: i128) -> Result<TimeDelta, String> {
    let secs = i64::try_from(nanos.div_euclid(NANOS_PER_SECOND)).map_err(|_| "too long".to_owned())?;
    let subsec = u32::try_from(nanos.rem_euclid(NANOS_PER_SECOND)).map_err(|_| "too long".to_owned())?;
    TimeDelta::new(secs, subsec).ok_or_else(|| "too long".to_owned())
}

/// A number as written, `12` or `1.25`: its whole part and the digits after the decimal separator.
struct Number {
    whole: u64,
    /// The digits after the separator as an integer, and how many there were (`1.025` is `(25, 3)`).
    fraction: Option<(u64, u32)>,
}

impl Number {
    /// The number times `unit` nanoseconds, when that is a whole number of nanoseconds.
    fn times(&self, unit: i128) -> Result<i128, String> {
        let whole = i128::from(self.whole).checked_mul(unit).ok_or("too long")?;
        let Some((digits, places)) = self.fraction else { return Ok(whole) };
        let scaled = i128::from(digits).checked_mul(unit).ok_or("too long")?;
        let divisor = 10_i128.pow(places);
        if scaled % divisor != 0 {
            return Err("a fraction must come to a whole number of nanoseconds".to_owned());
        }
        whole.checked_add(scaled / divisor).ok_or_else(|| "too long".to_owned())
    }
}

/// Reads text one character at a time: no byte offsets, so no slicing that could split a character.
struct Scanner<'a> {
    chars: Peekable<Chars<'a>>,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        Self { chars: text.chars().peekable() }
    }

    fn peek(&mut self) -> Option<char> {
        self.chars.peek().copied()
    }

    fn skip_whitespace(&mut self) {
        while self.chars.next_if(|c| c.is_whitespace()).is_some() {}
    }

    /// Digits, then optionally a separator in `separators` and more digits. `None` when no digit comes next.
    fn number(&mut self, separators: &[char]) -> Option<Result<Number, String>> {
        let mut whole: Option<u64> = None;
        let mut overflow = false;
        while let Some(digit) = self.chars.next_if(char::is_ascii_digit).and_then(|c| c.to_digit(10)) {
            let next = whole.unwrap_or(0).checked_mul(10).and_then(|n| n.checked_add(u64::from(digit)));
            overflow |= next.is_none();
            whole = Some(next.unwrap_or(u64::MAX));
        }
        let whole = whole?;
        if overflow {
            return Some(Err("a number is too large".to_owned()));
        }
        if self.chars.next_if(|c| separators.contains(c)).is_none() {
            return Some(Ok(Number { whole, fraction: None }));
        }
        let (mut digits, mut places) = (0_u64, 0_u32);
        while let Some(digit) = self.chars.next_if(char::is_ascii_digit).and_then(|c| c.to_digit(10)) {
            places += 1;
            if places > 18 {
                return Some(Err("at most 18 digits after the decimal separator".to_owned()));
            }
            digits = digits * 10 + u64::from(digit);
        }
        if places == 0 {
            return Some(Err("a decimal separator must be followed by digits".to_owned()));
        }
        Some(Ok(Number { whole, fraction: Some((digits, places)) }))
    }

    /// A run of letters (a unit name), possibly empty.
    fn word(&mut self) -> String {
        let mut word = String::new();
        while let Some(c) = self.chars.next_if(|c| c.is_alphabetic()) {
            word.push(c);
        }
        word
    }
}

/// The length of a short-form unit in nanoseconds; `Err` with the reason for a unit that is not one. The names
/// are those of the humantime crate, which read this form before.
fn short_unit(unit: &str) -> Result<i128, String> {
    const MINUTE: i128 = 60 * NANOS_PER_SECOND;
    const HOUR: i128 = 60 * MINUTE;
    const DAY: i128 = 24 * HOUR;
    Ok(match unit {
        "ns" | "nsec" | "nanos" => 1,
        "us" | "µs" | "μs" | "usec" => 1_000,
        "ms" | "msec" | "millis" => 1_000_000,
        "s" | "sec" | "secs" | "second" | "seconds" => NANOS_PER_SECOND,
        "m" | "min" | "mins" | "minute" | "minutes" => MINUTE,
        "h" | "hr" | "hrs" | "hour" | "hours" => HOUR,
        "d" | "day" | "days" => DAY,
        "w" | "wk" | "wks" | "week" | "weeks" => 7 * DAY,
        "" => return Err(format!("a number needs a unit; {EXAMPLES}")),
        _ if is_calendar_unit(unit) => return Err(NO_MONTHS.to_owned()),
        _ => {
            return Err(format!(
                "unknown unit `{}`; the units are ns, us, ms, s, m, h, d, w (or sec, min, hours, days, weeks)",
                excerpt(unit)
            ));
        }
    })
}

/// Months and years, however they are abbreviated (`M` is a month, `m` a minute).
fn is_calendar_unit(unit: &str) -> bool {
    const NAMES: &[&str] =
        &["mo", "mos", "mon", "mons", "month", "months", "mth", "mths", "y", "yr", "yrs", "year", "years"];
    unit == "M" || NAMES.iter().any(|name| unit.eq_ignore_ascii_case(name))
}

/// The short form: one or more `<number><unit>`, spaces allowed around them, e.g. `1h 30m`, `1.5h`, `90 min`.
fn parse_short(text: &str) -> Result<i128, String> {
    let mut scanner = Scanner::new(text);
    let mut total: i128 = 0;
    loop {
        scanner.skip_whitespace();
        let Some(c) = scanner.peek() else { return Ok(total) };
        let number = match scanner.number(&['.']) {
            Some(number) => number?,
            None => return Err(format!("expected a number where `{c}` is; {EXAMPLES}")),
        };
        scanner.skip_whitespace();
        let unit = short_unit(&scanner.word())?;
        total = total.checked_add(number.times(unit)?).ok_or("too long")?;
        if let Some(c) = scanner.peek().filter(|c| !c.is_whitespace() && !c.is_ascii_digit()) {
            return Err(format!("unexpected `{c}` after a unit; {EXAMPLES}"));
        }
    }
}

/// One designator of an ISO 8601 duration, in the order they must appear.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    Week,
    Day,
    Hour,
    Minute,
    Second,
}

impl Part {
    const fn nanos(self) -> i128 {
        let seconds = match self {
            Self::Week => 7 * 86_400,
            Self::Day => 86_400,
            Self::Hour => 3_600,
            Self::Minute => 60,
            Self::Second => 1,
        };
        seconds * NANOS_PER_SECOND
    }
}

/// A strict ISO 8601 duration parser limited to the units with a fixed length (weeks, days, hours, minutes,
/// seconds); `body` is what follows the `P`. The crates we looked at accept months and years, fractions on any
/// unit or measure in `f32`, so this small parser is our own.
fn parse_iso(body: &str) -> Result<i128, String> {
    const SHAPE: &str = "expected ISO 8601 `PnW` or `PnDTnHnMnS`, e.g. `PT1H`, `PT90M`, `P1DT2H`";
    let mut scanner = Scanner::new(body);
    let mut in_time = false;
    let mut last: Option<Part> = None;
    let mut total: i128 = 0;
    let mut weeks = false;
    while let Some(c) = scanner.peek() {
        if c.eq_ignore_ascii_case(&'T') {
            scanner.chars.next();
            if in_time {
                return Err(SHAPE.to_owned());
            }
            in_time = true;
            if scanner.peek().is_none() {
                return Err("`T` must be followed by hours, minutes or seconds".to_owned());
            }
            continue;
        }
        let number = match scanner.number(&['.', ',']) {
            Some(number) => number?,
            None => return Err(SHAPE.to_owned()),
        };
        let designator = scanner.chars.next().ok_or(SHAPE)?.to_ascii_uppercase();
        let part = match (designator, in_time) {
            ('Y' | 'M', false) => return Err(NO_MONTHS.to_owned()),
            ('W', false) => Part::Week,
            ('D', false) => Part::Day,
            ('H', true) => Part::Hour,
            ('M', true) => Part::Minute,
            ('S', true) => Part::Second,
            _ => return Err(SHAPE.to_owned()),
        };
        if last.is_some_and(|l| l >= part) {
            return Err("designators repeated or out of order (the order is W or D, then T, H, M, S)".to_owned());
        }
        last = Some(part);
        weeks |= part == Part::Week;
        if let Some((_, places)) = number.fraction {
            if part != Part::Second || scanner.peek().is_some() {
                return Err("a fraction is allowed only on the seconds, the last part".to_owned());
            }
            if places > 9 {
                return Err("the fraction of a second needs 1 to 9 digits".to_owned());
            }
        }
        total = total.checked_add(number.times(part.nanos())?).ok_or("too long")?;
    }
    match last {
        None => Err(SHAPE.to_owned()),
        Some(part) if weeks && part != Part::Week => {
            Err("weeks cannot be combined with other units in ISO 8601 (write days instead, `P10D`)".to_owned())
        }
        Some(_) => Ok(total),
    }
}

/// Formats a duration the way [`parse`] reads it back, with hours as the largest unit so that no "day" appears
/// where business time is meant: `24h`, `37h 30m`, `1h 5s 250ms`, `0s`.
///
/// ```
/// use chrono::TimeDelta;
/// use kefu::duration::format;
///
/// assert_eq!(format(TimeDelta::hours(24)), "24h");
/// assert_eq!(format(TimeDelta::minutes(2250)), "37h 30m");
/// assert_eq!(format(TimeDelta::milliseconds(-1500)), "-1s 500ms");
/// ```
pub fn format(d: TimeDelta) -> String {
    use std::fmt::Write as _;
    if d.is_zero() {
        return "0s".to_owned();
    }
    let (sign, d) = if d < TimeDelta::zero() { ("-", -d) } else { ("", d) };
    let secs = d.num_seconds();
    let nanos = d.subsec_nanos();
    let parts = [
        (secs / 3600, "h"),
        (secs / 60 % 60, "m"),
        (secs % 60, "s"),
        (i64::from(nanos / 1_000_000), "ms"),
        (i64::from(nanos / 1_000 % 1_000), "us"),
        (i64::from(nanos % 1_000), "ns"),
    ];
    let mut out = String::from(sign);
    for (value, unit) in parts.into_iter().filter(|(v, _)| *v != 0) {
        if out.len() > sign.len() {
            out.push(' ');
        }
        // Writing to a String cannot fail.
        let _ = write!(out, "{value}{unit}");
    }
    out
}

/// Serde helpers: `#[serde(with = "kefu::duration::human")]` on a `TimeDelta` field reads `"1h"`, `"PT1H"` or a
/// number of seconds, and writes `"1h"`.
pub mod human {
    use super::*;

    /// Serialises as text, e.g. `"1h 30m"`.
    pub fn serialize<S: Serializer>(d: &TimeDelta, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format(*d))
    }

    /// Reads text (`"1h"`, `"PT1H"`) or a whole number of seconds.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<TimeDelta, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Seconds(i64),
            Text(String),
        }
        match Raw::deserialize(deserializer)? {
            Raw::Seconds(s) if s >= 0 => Ok(TimeDelta::seconds(s)),
            Raw::Seconds(s) => Err(serde::de::Error::custom(format!("negative duration {s}"))),
            Raw::Text(t) => parse(&t).map_err(serde::de::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(text: &str) -> i64 {
        match parse(text) {
            Ok(d) => d.num_seconds(),
            Err(e) => panic!("{text}: {e}"),
        }
    }

    #[test]
    fn short_forms() {
        assert_eq!(secs("90m"), 5_400);
        assert_eq!(secs("1h"), 3_600);
        assert_eq!(secs("24h"), 86_400);
        assert_eq!(secs("3d"), 3 * 86_400);
        assert_eq!(secs("1h30m"), 5_400);
        assert_eq!(secs("1h 30m"), 5_400);
        assert_eq!(secs("45s"), 45);
        assert_eq!(secs("1w"), 7 * 86_400);
        assert_eq!(secs("0s"), 0);
        assert_eq!(parse("1500ms").map(|d| d.num_milliseconds()), Ok(1_500));
    }

    #[test]
    fn iso_forms() {
        assert_eq!(secs("PT1H"), 3_600);
        assert_eq!(secs("PT90M"), 5_400);
        assert_eq!(secs("P1DT2H"), 93_600);
        assert_eq!(secs("P3D"), 3 * 86_400);
        assert_eq!(secs("PT1H30M15S"), 5_415);
        assert_eq!(secs("P2W"), 14 * 86_400);
        assert_eq!(secs("pt1h"), 3_600);
        assert_eq!(parse("PT0.25S").map(|d| d.num_milliseconds()), Ok(250));
        assert_eq!(parse("PT1,5S").map(|d| d.num_milliseconds()), Ok(1_500));
    }

    #[test]
    fn months_and_years_are_rejected() {
        for text in ["P1M", "P1Y", "P1Y2M3D", "1M", "2months", "1y", "1year", "3d 1y"] {
            let e = parse(text).expect_err(text);
            assert!(e.to_string().contains("no fixed length"), "{text}: {e}");
        }
    }

    #[test]
    fn malformed_forms_are_rejected() {
        for text in [
            "",
            "  ",
            "P",
            "PT",
            "P1",
            "PT1",
            "P1H",
            "PT1D",
            "P1DT",
            "PT1H1H",
            "PT1M1H",
            "PT1HX",
            "P1W2D",
            "PT1.5H",
            "PT1.S",
            "PT.5S",
            "P-1D",
            "1x",
            "-1h",
            "h",
            "PT1.0000000001S",
            "P99999999999999999999D",
        ] {
            assert!(parse(text).is_err(), "{text:?} was accepted");
        }
    }

    #[test]
    fn multi_byte_characters_are_errors_not_panics() {
        // Once a panic: the designator was taken as one byte and the rest sliced after it.
        for text in ["P1é", "PT1時", "P1時DT", "PTé", "Pé", "P1.é", "1é", "1時間", "é", "PT1H時", "P1DT1Hé"]
        {
            assert!(parse(text).is_err(), "{text:?} was accepted");
        }
        let e = parse("PT1時").expect_err("a CJK designator");
        assert!(e.to_string().starts_with("invalid duration `PT1時`: expected ISO 8601"), "{e}");
    }

    #[test]
    fn months_get_one_message_in_every_notation() {
        let reason = |text: &str| parse(text).expect_err(text).reason;
        let expected = reason("P1M");
        for text in
            ["1mo", "1month", "2months", "1M", "3 mos", "1mth", "1y", "1yr", "2 years", "1Month", "P1Y", "1d 1mo"]
        {
            assert_eq!(reason(text), expected, "{text}");
        }
        assert!(expected.contains("not a business duration") && expected.contains("30d"), "{expected}");
        assert!(expected.contains("add-working-days"), "{expected}");
    }

    #[test]
    fn short_forms_read_as_before() {
        // The forms humantime accepted, with the same values.
        assert_eq!(secs("1.5h"), 5_400);
        assert_eq!(secs("90 min"), 5_400);
        assert_eq!(secs("1 hour 30 minutes"), 5_400);
        assert_eq!(secs("2d4h"), 52 * 3_600);
        assert_eq!(secs("1wk"), 7 * 86_400);
        assert_eq!(secs(" 10s "), 10);
        assert_eq!(parse("2µs"), Ok(TimeDelta::microseconds(2)));
        assert_eq!(parse("250 millis"), Ok(TimeDelta::milliseconds(250)));
        assert_eq!(parse("0.5ms"), Ok(TimeDelta::microseconds(500)));
    }

    #[test]
    fn short_form_errors_say_what_to_write() {
        let reason = |text: &str| parse(text).expect_err(text).reason;
        assert!(reason("90").contains("needs a unit"), "{}", reason("90"));
        assert!(reason("1x").starts_with("unknown unit `x`; the units are"), "{}", reason("1x"));
        assert!(reason("h").starts_with("expected a number where `h` is"), "{}", reason("h"));
        assert!(reason("1h-30m").contains("unexpected `-`"), "{}", reason("1h-30m"));
        assert!(reason("1.h").contains("followed by digits"), "{}", reason("1.h"));
        assert!(reason("0.5ns").contains("whole number of nanoseconds"), "{}", reason("0.5ns"));
        assert!(reason("99999999999999999999h").contains("too large"));
        assert!(reason("9999999999999999999w").contains("too long"));
    }

    #[test]
    fn a_long_text_is_cut_in_the_message_but_kept_in_the_error() {
        let text = format!("P{}", "1".repeat(10_000));
        let e = parse(&text).expect_err("no designator");
        assert_eq!(e.text, text);
        let message = e.to_string();
        assert!(message.len() < 400, "{message}");
        assert!(message.contains("… (10001 bytes)"), "{message}");
    }

    #[test]
    fn error_names_the_text() {
        let e = parse("P1M").expect_err("months");
        assert!(e.to_string().starts_with("invalid duration `P1M`"), "{e}");
    }

    proptest::proptest! {
        /// The parser is total: any text is a duration or a typed error, never a panic.
        #[test]
        fn any_text_parses_or_is_refused(text in "\\PC*") {
            let _ = parse(&text);
        }

        /// The same for texts made of the characters the grammar cares about, multi-byte ones included.
        #[test]
        fn near_misses_parse_or_are_refused(text in "[PpTt0-9.,WDHMSwdhms éµ時-]{0,16}") {
            if let Err(e) = parse(&text) {
                proptest::prop_assert_eq!(&e.text, &text);
                proptest::prop_assert!(!e.reason.is_empty());
            }
        }

        /// `format` writes what `parse` reads back exactly, for every duration from 0 to 100 000 years.
        #[test]
        fn formatted_durations_round_trip(secs in 0_i64..3_155_760_000_000, nanos in 0_u32..1_000_000_000) {
            let d = TimeDelta::new(secs, nanos).ok_or_else(|| proptest::test_runner::TestCaseError::fail("range"))?;
            proptest::prop_assert_eq!(parse(&format(d)), Ok(d));
        }

        /// ISO 8601 texts built from parts read as the sum of the parts.
        #[test]
        fn iso_parts_add_up(d in 0_i64..1_000, h in 0_i64..1_000, m in 0_i64..1_000, s in 0_i64..1_000) {
            let text = format!("P{d}DT{h}H{m}M{s}S");
            let expected = TimeDelta::days(d) + TimeDelta::hours(h) + TimeDelta::minutes(m) + TimeDelta::seconds(s);
            proptest::prop_assert_eq!(parse(&text), Ok(expected));
        }
    }

    #[test]
    fn formats_round_trip() {
        for d in
            [TimeDelta::minutes(90), TimeDelta::hours(24), TimeDelta::seconds(1), TimeDelta::nanoseconds(1_500_000_007)]
        {
            assert_eq!(parse(&format(d)), Ok(d));
        }
    }
}
