//! Instants as the user writes them: RFC 3339 with an offset, or a local date and time on the calendar's clock.
//!
//! A local time (`2026-09-30 17:30`, `2026-09-30T17:30:00`) is read on the calendar's own time zone. Where the
//! clocks go back, a local time occurs twice: it is the **earlier** of the two instants (the first time the clock
//! shows it). Where the clocks jump forward, a local time never occurs: it is **refused** with an error naming the
//! jump, since a deadline computed from a time that never happened is more likely a typo than a wish.

use std::fmt::{self, Display};

use chrono::{DateTime, FixedOffset, LocalResult, NaiveDateTime, Offset, TimeDelta, TimeZone, Utc};
use kefu::error::excerpt;

/// An instant as given: with an offset, or a local time still to be placed on a calendar's clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// RFC 3339, e.g. `2026-10-09T17:30:00+08:00`.
    Instant(DateTime<FixedOffset>),
    /// A date and time without an offset, e.g. `2026-10-09 17:30`.
    Local(NaiveDateTime),
}

/// The local forms, tried in this order after RFC 3339.
const LOCAL_FORMS: &[&str] = &["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M"];

impl When {
    /// Reads RFC 3339 first, then the local forms. The error says what is accepted (the caller adds the text, cut
    /// with [`excerpt`]).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let rfc3339 = match DateTime::parse_from_rfc3339(text) {
            Ok(t) => return Ok(Self::Instant(t)),
            Err(e) => e,
        };
        LOCAL_FORMS.iter().find_map(|form| NaiveDateTime::parse_from_str(text, form).ok()).map(Self::Local).ok_or_else(
            || {
                format!(
                    "not an RFC 3339 instant ({rfc3339}) nor a local date and time; write e.g. \
                     2026-10-09T17:30:00+08:00, 2026-10-09T09:30:00Z or 2026-10-09 17:30 (on the calendar's clock)"
                )
            },
        )
    }

    /// The instant, a local time being read on `zone`'s clock (the earlier instant when it occurs twice).
    pub fn resolve<Z>(self, zone: &Z) -> Result<DateTime<Utc>, NoSuchLocalTime>
    where
        Z: TimeZone + Display,
    {
        match self {
            Self::Instant(t) => Ok(t.to_utc()),
            Self::Local(local) => match zone.from_local_datetime(&local) {
                LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Ok(t.to_utc()),
                LocalResult::None => {
                    Err(NoSuchLocalTime { local, zone: zone.to_string(), jump: jump_over(zone, local) })
                }
            },
        }
    }
}

/// A local time that the clocks jump over.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct NoSuchLocalTime {
    /// The local time given.
    pub local: NaiveDateTime,
    /// The zone's name.
    pub zone: String,
    /// The wall-clock times just before and just after the jump, when found.
    pub jump: Option<(NaiveDateTime, NaiveDateTime)>,
}

impl Display for NoSuchLocalTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} never occurs in {}", self.local.format("%Y-%m-%d %H:%M:%S"), excerpt(&self.zone))?;
        if let Some((before, after)) = self.jump {
            write!(f, ": the clocks jump from {} to {} that day", before.format("%H:%M"), after.format("%H:%M"))?;
        }
        write!(f, "; give a time outside the jump, or an instant with its offset (RFC 3339)")
    }
}

/// The clock change around `local` (which the clocks skip): the wall-clock time the jump leaves and the one it
/// lands on. A change is found by bisection on the UTC instants within a day of `local`.
fn jump_over<Z: TimeZone>(zone: &Z, local: NaiveDateTime) -> Option<(NaiveDateTime, NaiveDateTime)> {
    let offset_at = |t: NaiveDateTime| zone.offset_from_utc_datetime(&t).fix();
    let (mut lo, mut hi) = (local - TimeDelta::days(1), local + TimeDelta::days(1));
    let (before, after) = (offset_at(lo), offset_at(hi));
    if before == after {
        return None;
    }
    // Invariant: the offset at `lo` is `before`, at `hi` it is not.
    while hi - lo > TimeDelta::seconds(1) {
        let mid = lo + (hi - lo) / 2;
        if offset_at(mid) == before { lo = mid } else { hi = mid }
    }
    let change = hi;
    Some((change + before, change + offset_at(change)))
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn local(text: &str) -> NaiveDateTime {
        match When::parse(text) {
            Ok(When::Local(t)) => t,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn local_forms() {
        let expected = NaiveDate::from_ymd_opt(2026, 9, 30).and_then(|d| d.and_hms_opt(17, 30, 0));
        for text in ["2026-09-30 17:30", "2026-09-30T17:30", "2026-09-30T17:30:00", " 2026-09-30 17:30:00.000 "] {
            assert_eq!(Some(local(text)), expected, "{text}");
        }
        assert!(matches!(When::parse("2026-09-30T17:30:00+08:00"), Ok(When::Instant(_))));
        for bad in ["2026-09-30", "17:30", "2026-09-30 5pm", "2026-02-30 10:00", "yesterday", "2026-09-30T17:30Z"] {
            let e = When::parse(bad).expect_err(bad);
            assert!(e.starts_with("not an RFC 3339 instant"), "{bad}: {e}");
        }
    }

    #[test]
    fn offsets_need_no_zone() {
        let t = When::parse("2026-10-09T17:30:00+08:00").and_then(|w| w.resolve(&Utc).map_err(|e| e.to_string()));
        assert_eq!(t.map(|t| t.to_rfc3339()), Ok("2026-10-09T09:30:00+00:00".to_owned()));
    }

    fn new_york() -> kefu::calendar::Calendar {
        let text = "time_zone = \"America/New_York\"\n[week]\nmon = [\"09:00-17:00\"]\n";
        kefu::calendar::Calendar::from_toml_str(text).expect("a calendar")
    }

    #[test]
    fn a_time_that_occurs_twice_is_the_earlier() {
        // Sunday 1 November 2026: at 02:00 EDT the clocks go back to 01:00 EST, so 01:30 occurs twice.
        let zone = new_york().time_zone();
        let t = When::Local(local("2026-11-01 01:30")).resolve(&zone).expect("ambiguous, not missing");
        assert_eq!(t.to_rfc3339(), "2026-11-01T05:30:00+00:00", "01:30 EDT (-04:00), not 01:30 EST");
    }

    #[test]
    fn a_time_the_clocks_jump_over_is_refused_with_the_jump() {
        // Sunday 8 March 2026: at 02:00 EST the clocks jump to 03:00 EDT.
        let zone = new_york().time_zone();
        let e = When::Local(local("2026-03-08 02:30")).resolve(&zone).expect_err("missing");
        assert_eq!(
            e.jump.map(|(a, b)| (a.to_string(), b.to_string())),
            Some(("2026-03-08 02:00:00".to_owned(), "2026-03-08 03:00:00".to_owned()))
        );
        assert!(
            e.to_string().starts_with(
                "2026-03-08 02:30:00 never occurs in America/New_York: the clocks jump from 02:00 to 03:00 that day"
            ),
            "{e}"
        );
        // Just before and at the end of the jump are fine.
        assert!(When::Local(local("2026-03-08 01:59:59")).resolve(&zone).is_ok());
        assert_eq!(
            When::Local(local("2026-03-08 03:00")).resolve(&zone).map(|t| t.to_rfc3339()),
            Ok("2026-03-08T07:00:00+00:00".to_owned())
        );
    }
}
