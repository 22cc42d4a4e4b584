//! [`Period`]: the week or month a survey answer or a contact falls in, on the desk's local dates.

use core::fmt;

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// How answers and contacts are grouped in time: by ISO week (Monday to Sunday) or by calendar month.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Periodicity {
    /// ISO weeks, written `2026-W48`.
    #[default]
    Week,
    /// Calendar months, written `2026-11`.
    Month,
}

/// A week or a month, ordered in time.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use kefu::quality::{Period, Periodicity};
///
/// // Sunday 29 November 2026, 17:00 UTC, is already Monday in Shanghai: the next ISO week.
/// let at = Utc.with_ymd_and_hms(2026, 11, 29, 17, 0, 0).unwrap();
/// assert_eq!(Period::of(at, Periodicity::Week, chrono_tz::UTC).to_string(), "2026-W48");
/// assert_eq!(Period::of(at, Periodicity::Week, chrono_tz::Asia::Shanghai).to_string(), "2026-W49");
/// assert_eq!(Period::of(at, Periodicity::Month, chrono_tz::Asia::Shanghai).to_string(), "2026-11");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Period {
    /// An ISO week.
    Week {
        /// The ISO week-numbering year.
        year: i32,
        /// The week, 1 to 53.
        week: u32,
    },
    /// A calendar month.
    Month {
        /// The year.
        year: i32,
        /// The month, 1 to 12.
        month: u32,
    },
}

impl Period {
    /// The period of instant `at`, by its local date in `zone`.
    #[must_use]
    pub fn of(at: DateTime<Utc>, periodicity: Periodicity, zone: Tz) -> Self {
        let date = at.with_timezone(&zone).date_naive();
        match periodicity {
            Periodicity::Week => {
                let week = date.iso_week();
                Self::Week { year: week.year(), week: week.week() }
            }
            Periodicity::Month => Self::Month { year: date.year(), month: date.month() },
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Week { year, week } => write!(f, "{year}-W{week:02}"),
            Self::Month { year, month } => write!(f, "{year}-{month:02}"),
        }
    }
}

/// Serde for a time zone written by its IANA name (`Asia/Shanghai`).
pub(crate) mod zone_name {
    use chrono_tz::Tz;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(zone: &Tz, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(zone.name())
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Tz, D::Error> {
        let name = String::deserialize(d)?;
        name.parse::<Tz>().map_err(|_| {
            serde::de::Error::custom(format!("`{}` is not an IANA time zone", crate::error::excerpt(&name)))
        })
    }

    pub(crate) fn utc() -> Tz {
        chrono_tz::UTC
    }
}
