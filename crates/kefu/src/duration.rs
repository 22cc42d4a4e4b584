//! Durations as people write them in policy files and on the command line: `"1h"`, `"90m"`, `"24h"`, `"3d"`,
//! `"1h 30m"`, or ISO 8601 `"PT1H"` / `"P1DT2H"`.
//!
//! A business duration is an exact number of seconds of *open* time, so every unit has a fixed length: a day is
//! 24 hours (`"3d"` of business time is 72 open hours) and a week 7 × 24 hours. Months and years have no fixed
//! length and are refused in both notations. To count working *dates* use
//! [`Calendar::add_working_days`](crate::calendar::Calendar::add_working_days) (`within_working_days` in a policy).
//!
//! * The short form is read by [`humantime`]: numbers with units `ns us ms s m h d w` (and their long names),
//!   optionally separated by spaces: `90m`, `1h 30m`, `1h30m`, `2d4h`.
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

use chrono::TimeDelta;
use serde::{Deserialize, Deserializer, Serializer};

/// Why a text is not a business duration.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid duration `{text}`: {reason}")]
pub struct DurationError {
    /// The text that was given.
    pub text: String,
    /// What is wrong with it.
    pub reason: String,
}

/// The units of humantime that have no fixed length.
const CALENDAR_UNITS: &[&str] = &["months", "month", "M", "years", "year", "yr", "yrs", "y"];

const NO_MONTHS: &str = "months and years have no fixed length in business time; write days (`30d`, `P30D`) or hours";

/// Parses a business duration in the short (`1h30m`) or ISO 8601 (`PT1H30M`) form.
///
/// ```text
/// parse("90m")    == 5400 s      parse("PT90M")  == 5400 s
/// parse("3d")     == 259200 s    parse("P1DT2H") == 93600 s
/// parse("P1M")    -> error (months)
/// ```
pub fn parse(text: &str) -> Result<TimeDelta, DurationError> {
    let err = |reason: &str| DurationError { text: text.to_owned(), reason: reason.to_owned() };
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(err("empty; write e.g. `90m`, `1h30m`, `3d` or `PT1H`"));
    }
    if trimmed.starts_with(['P', 'p']) {
        return parse_iso(trimmed).map_err(err);
    }
    if trimmed.starts_with('-') {
        return Err(err("negative; business durations to add are zero or more"));
    }
    if trimmed.split(|c: char| !c.is_ascii_alphabetic()).any(|unit| CALENDAR_UNITS.contains(&unit)) {
        return Err(err(NO_MONTHS));
    }
    let std = humantime::parse_duration(trimmed)
        .map_err(|e| err(&format!("{e}; write e.g. `90m`, `1h30m`, `3d` or `PT1H`")))?;
    TimeDelta::from_std(std).map_err(|_| err("too long"))
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
    const fn seconds(self) -> i64 {
        match self {
            Self::Week => 7 * 86_400,
            Self::Day => 86_400,
            Self::Hour => 3_600,
            Self::Minute => 60,
            Self::Second => 1,
        }
    }
}

/// A strict ISO 8601 duration parser limited to the units with a fixed length (weeks, days, hours, minutes,
/// seconds). No maintained crate rejects both trailing garbage and months, so this small parser is our own.
fn parse_iso(text: &str) -> Result<TimeDelta, &'static str> {
    const SHAPE: &str = "expected ISO 8601 `PnW` or `PnDTnHnMnS`, e.g. `PT1H`, `PT90M`, `P1DT2H`";
    let body = &text[1..];
    let mut in_time = false;
    let mut last: Option<Part> = None;
    let mut total_ns: i64 = 0;
    let mut rest = body;
    let mut any = false;
    let mut weeks = false;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix(['T', 't']) {
            if in_time {
                return Err(SHAPE);
            }
            in_time = true;
            if after.is_empty() {
                return Err("`T` must be followed by hours, minutes or seconds");
            }
            rest = after;
            continue;
        }
        let digits = rest.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',')).ok_or(SHAPE)?;
        if digits == 0 {
            return Err(SHAPE);
        }
        let (number, tail) = rest.split_at(digits);
        let designator = tail.chars().next().ok_or(SHAPE)?.to_ascii_uppercase();
        rest = &tail[1..];
        let part = match (designator, in_time) {
            ('Y', false) | ('M', false) => return Err(NO_MONTHS),
            ('W', false) => Part::Week,
            ('D', false) => Part::Day,
            ('H', true) => Part::Hour,
            ('M', true) => Part::Minute,
            ('S', true) => Part::Second,
            _ => return Err(SHAPE),
        };
        if last.is_some_and(|l| l >= part) {
            return Err("designators repeated or out of order (the order is W or D, then T, H, M, S)");
        }
        last = Some(part);
        weeks |= part == Part::Week;
        let (whole, fraction) = match number.split_once(['.', ',']) {
            Some((w, f)) => (w, Some(f)),
            None => (number, None),
        };
        if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SHAPE);
        }
        let whole: i64 = whole.parse().map_err(|_| "a number is too large")?;
        let mut ns = whole.checked_mul(part.seconds()).and_then(|s| s.checked_mul(1_000_000_000)).ok_or("too long")?;
        if let Some(f) = fraction {
            if part != Part::Second || !rest.is_empty() {
                return Err("a fraction is allowed only on the seconds, the last part");
            }
            if f.is_empty() || f.len() > 9 || !f.bytes().all(|b| b.is_ascii_digit()) {
                return Err("the fraction of a second needs 1 to 9 digits");
            }
            let scale = 10_i64.pow(9 - f.len() as u32);
            let frac: i64 = f.parse().map_err(|_| SHAPE)?;
            ns = ns.checked_add(frac * scale).ok_or("too long")?;
        }
        total_ns = total_ns.checked_add(ns).ok_or("too long")?;
        any = true;
    }
    if !any {
        return Err(SHAPE);
    }
    if weeks && last != Some(Part::Week) {
        return Err("weeks cannot be combined with other units in ISO 8601 (write days instead, `P10D`)");
    }
    Ok(TimeDelta::nanoseconds(total_ns))
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
    fn error_names_the_text() {
        let e = parse("P1M").expect_err("months");
        assert!(e.to_string().starts_with("invalid duration `P1M`"), "{e}");
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
