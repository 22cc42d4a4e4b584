//! Durations as people write them in policy files: `"1h"`, `"90m"`, `"24h"`, `"3d"`, `"1h 30m"`, or ISO 8601
//! `"PT1H"` / `"P1DT2H"`.
//!
//! A day here is exactly 24 hours: business durations are measured in seconds of open time, so `"3d"` of
//! business time is 72 open hours. To count working *dates* use
//! [`Calendar::add_working_days`](crate::calendar::Calendar::add_working_days) (`within_working_days` in a policy).
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

/// A text that is not a duration.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid duration `{text}`: {reason} (write e.g. `90m`, `1h`, `3d`, `1h 30m` or ISO 8601 `PT1H`)")]
pub struct DurationError {
    /// The text that was read.
    pub text: String,
    /// What is wrong with it.
    pub reason: String,
}

/// Parses a duration in the short form (`1h`, `90m`, `1h 30m`, `3d`; via `humantime`) or ISO 8601 (`PT1H`,
/// `P1DT2H`, `PT0.5S`; days taken as 24 h, weeks as 7 days; years and months refused).
pub fn parse(text: &str) -> Result<TimeDelta, DurationError> {
    let trimmed = text.trim();
    let err = |reason: &str| DurationError { text: text.to_owned(), reason: reason.to_owned() };
    let std = if trimmed.starts_with(['P', 'p']) {
        parse_iso(trimmed).ok_or_else(|| err("not an ISO 8601 duration of weeks, days, hours, minutes and seconds"))?
    } else {
        humantime::parse_duration(trimmed).map_err(|e| err(&e.to_string()))?
    };
    TimeDelta::from_std(std).map_err(|_| err("too long"))
}

/// `PnW`, `PnDTnHnMnS` (fractional seconds allowed). Designators must come in order, each at most once.
fn parse_iso(text: &str) -> Option<std::time::Duration> {
    let body = &text[1..];
    let (date, time) = match body.split_once(['T', 't']) {
        Some((d, t)) if !t.is_empty() => (d, Some(t)),
        Some(_) => return None,
        None => (body, None),
    };
    if date.is_empty() && time.is_none() {
        return None;
    }
    let mut seconds: f64 = 0.0;
    let mut take = |part: &str, units: &[(char, f64)]| -> Option<()> {
        let mut rest = part;
        let mut allowed = units;
        while !rest.is_empty() {
            let end = rest.find(|c: char| c.is_ascii_alphabetic())?;
            let (number, unit) = (&rest[..end], rest[end..].chars().next()?.to_ascii_uppercase());
            let pos = allowed.iter().position(|(u, _)| *u == unit)?;
            let value: f64 = number.parse().ok().filter(|v: &f64| v.is_finite() && *v >= 0.0)?;
            if number.contains('.') && unit != 'S' {
                return None;
            }
            seconds += value * allowed[pos].1;
            allowed = &allowed[pos + 1..];
            rest = &rest[end + 1..];
        }
        Some(())
    };
    take(date, &[('W', 604_800.0), ('D', 86_400.0)])?;
    if let Some(time) = time {
        take(time, &[('H', 3_600.0), ('M', 60.0), ('S', 1.0)])?;
    }
    std::time::Duration::try_from_secs_f64(seconds).ok()
}

/// Formats a duration the way [`parse`] reads it back, e.g. `1h 30m`.
pub fn format(d: TimeDelta) -> String {
    match d.to_std() {
        Ok(std) => humantime::format_duration(std).to_string(),
        Err(_) => format!("-{}", humantime::format_duration((-d).to_std().unwrap_or_default())),
    }
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

    #[test]
    fn short_and_iso_forms() {
        for (text, secs) in [
            ("90m", 5400),
            ("1h", 3600),
            ("24h", 86_400),
            ("3d", 259_200),
            ("1h30m", 5400),
            ("45s", 45),
            ("PT1H", 3600),
            ("PT90M", 5400),
            ("P1DT2H", 93_600),
            ("P1W", 604_800),
            ("PT1.5S", 1),
            ("pt2h", 7200),
        ] {
            assert_eq!(parse(text).map(|d| d.num_seconds()), Ok(secs), "{text}");
        }
    }

    #[test]
    fn refuses_what_has_no_fixed_length_or_no_sense() {
        for bad in ["", "P", "PT", "P1M", "P1Y", "PT1H2H", "PT2M1H", "P1.5D", "-1h", "1 fortnight", "PTXH"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn formats_round_trip() {
        for d in [TimeDelta::minutes(90), TimeDelta::hours(24), TimeDelta::seconds(1)] {
            assert_eq!(parse(&format(d)), Ok(d));
        }
    }
}
