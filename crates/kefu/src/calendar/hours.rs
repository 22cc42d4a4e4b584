//! Opening hours of one local day: the `"09:00-12:00"` strings of a calendar file.

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Seconds in a (nominal) local day; `24:00` is this many seconds after midnight.
pub(crate) const DAY_SECONDS: u32 = 86_400;

/// One opening interval of a local day, `start` inclusive, `end` exclusive, in local wall-clock time.
///
/// Written `"HH:MM-HH:MM"` (seconds optional: `"HH:MM:SS"`). `24:00` is accepted as an end and means the
/// next midnight. An interval never crosses midnight: write `22:00-24:00` on one day and `00:00-02:00` on the next.
///
/// ```
/// use kefu::calendar::OpeningInterval;
///
/// let morning: OpeningInterval = "09:00-12:00".parse()?;
/// assert_eq!(morning.seconds(), 3 * 3600);
/// assert_eq!(morning.to_string(), "09:00-12:00");
/// assert!("12:00-09:00".parse::<OpeningInterval>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OpeningInterval {
    start: u32,
    end: u32,
}

impl OpeningInterval {
    /// An interval from `start` to `end`, both in seconds after local midnight (`end` at most 86 400).
    ///
    /// Returns `None` unless `start < end <= 86_400`.
    pub fn from_seconds(start: u32, end: u32) -> Option<Self> {
        (start < end && end <= DAY_SECONDS).then_some(Self { start, end })
    }

    /// The whole day, `00:00-24:00`.
    pub const fn whole_day() -> Self {
        Self { start: 0, end: DAY_SECONDS }
    }

    /// Start, in seconds after local midnight.
    pub const fn start_seconds(self) -> u32 {
        self.start
    }

    /// End, in seconds after local midnight (86 400 for `24:00`).
    pub const fn end_seconds(self) -> u32 {
        self.end
    }

    /// Nominal length in seconds (the wall-clock length; on a DST day the real length may differ).
    pub const fn seconds(self) -> u32 {
        self.end - self.start
    }
}

/// Why a text is not an opening interval.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid opening interval {}: {reason}", super::error::quote(.text))]
pub struct IntervalParseError {
    /// The text that was read.
    pub text: String,
    /// What is wrong with it, and how to write it instead.
    pub reason: &'static str,
}

fn parse_clock(text: &str) -> Option<u32> {
    let mut parts = text.split(':');
    let field = |p: Option<&str>| -> Option<u32> {
        let p = p?;
        if p.len() != 2 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        p.parse().ok()
    };
    let h = field(parts.next())?;
    let m = field(parts.next())?;
    let s = match parts.next() {
        Some(p) => field(Some(p))?,
        None => 0,
    };
    if parts.next().is_some() || m > 59 || s > 59 || h > 24 || (h == 24 && (m, s) != (0, 0)) {
        return None;
    }
    Some(h * 3600 + m * 60 + s)
}

impl FromStr for OpeningInterval {
    type Err = IntervalParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let err = |reason| IntervalParseError { text: text.to_owned(), reason };
        let (a, b) = text.trim().split_once('-').ok_or_else(|| err("expected `HH:MM-HH:MM`, e.g. `09:00-12:00`"))?;
        let start = parse_clock(a.trim()).ok_or_else(|| err("the start is not a time `HH:MM` or `HH:MM:SS`"))?;
        let end = parse_clock(b.trim())
            .ok_or_else(|| err("the end is not a time `HH:MM` or `HH:MM:SS` (`24:00` allowed)"))?;
        if start == DAY_SECONDS {
            return Err(err("`24:00` can only end an interval"));
        }
        if end <= start {
            return Err(err(
                "the end is not after the start; an interval cannot cross midnight (split it as `22:00-24:00` and `00:00-02:00` on the next day)",
            ));
        }
        Ok(Self { start, end })
    }
}

fn write_clock(f: &mut fmt::Formatter<'_>, secs: u32) -> fmt::Result {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if s == 0 { write!(f, "{h:02}:{m:02}") } else { write!(f, "{h:02}:{m:02}:{s:02}") }
}

impl fmt::Display for OpeningInterval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_clock(f, self.start)?;
        f.write_str("-")?;
        write_clock(f, self.end)
    }
}

impl Serialize for OpeningInterval {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for OpeningInterval {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The opening intervals of one day, sorted, with touching intervals merged. Empty means closed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct DayHours {
    intervals: Vec<OpeningInterval>,
}

impl DayHours {
    /// Sorts and merges touching intervals; returns the first overlapping pair if there is one.
    pub(crate) fn new(mut intervals: Vec<OpeningInterval>) -> Result<Self, (OpeningInterval, OpeningInterval)> {
        intervals.sort();
        let mut merged: Vec<OpeningInterval> = Vec::with_capacity(intervals.len());
        for next in intervals {
            match merged.last_mut() {
                Some(last) if next.start < last.end => return Err((*last, next)),
                Some(last) if next.start == last.end => last.end = next.end,
                _ => merged.push(next),
            }
        }
        Ok(Self { intervals: merged })
    }

    pub(crate) fn intervals(&self) -> &[OpeningInterval] {
        &self.intervals
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.intervals.is_empty()
    }

    /// Nominal open seconds of the day.
    pub(crate) fn seconds(&self) -> u32 {
        self.intervals.iter().map(|i| i.seconds()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_minutes_seconds_and_end_of_day() {
        let i: OpeningInterval = "13:30-24:00".parse().unwrap();
        assert_eq!((i.start_seconds(), i.end_seconds()), (48_600, 86_400));
        let j: OpeningInterval = " 08:00:30 - 09:15 ".parse().unwrap();
        assert_eq!(j.to_string(), "08:00:30-09:15");
    }

    #[test]
    fn rejects_malformed_intervals_with_a_reason() {
        for bad in [
            "9:00-12:00",
            "09:00",
            "09:60-10:00",
            "24:00-24:00",
            "18:00-09:00",
            "25:00-26:00",
            "09:00-24:01",
            "aa:bb-cc:dd",
        ] {
            let err = bad.parse::<OpeningInterval>().unwrap_err();
            assert_eq!(err.text, bad, "{err}");
        }
    }

    #[test]
    fn merges_touching_and_refuses_overlapping() {
        let iv = |s: &str| s.parse::<OpeningInterval>().unwrap();
        let day = DayHours::new(vec![iv("13:00-18:00"), iv("09:00-13:00")]).unwrap();
        assert_eq!(day.intervals(), &[iv("09:00-18:00")]);
        assert_eq!(
            DayHours::new(vec![iv("09:00-12:00"), iv("11:00-14:00")]).unwrap_err(),
            (iv("09:00-12:00"), iv("11:00-14:00"))
        );
    }
}
