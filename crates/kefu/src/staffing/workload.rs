//! [`Workload`]: how much work an interval brings, and [`ServiceTarget`]: how fast it must be answered.

use core::fmt;
use core::str::FromStr;

use chrono::TimeDelta;

use super::{Field, StaffingError};
use crate::duration;

/// The work expected in one interval: a number of contacts (calls, chats), the interval's length, and the average
/// handling time (AHT: talk plus after-contact work).
///
/// The contacts may be fractional (a forecast is an average). The offered load in Erlangs is
/// `contacts × AHT / interval`: how many agents would be busy if the work were spread perfectly evenly.
///
/// ```
/// use chrono::TimeDelta;
/// use kefu::staffing::Workload;
///
/// let w = Workload::new(100.0, TimeDelta::minutes(30), TimeDelta::seconds(180))?;
/// assert_eq!(w.erlangs(), 10.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Workload {
    contacts: f64,
    interval: TimeDelta,
    aht: TimeDelta,
}

impl Workload {
    /// `contacts` arriving in an `interval`, each taking `aht` on average.
    ///
    /// # Errors
    ///
    /// [`StaffingError::Invalid`] naming [`Field::Contacts`] (negative, not finite), [`Field::Interval`] or
    /// [`Field::Aht`] (zero or negative).
    pub fn new(contacts: f64, interval: TimeDelta, aht: TimeDelta) -> Result<Self, StaffingError> {
        if !(contacts.is_finite() && contacts >= 0.0) {
            return Err(StaffingError::invalid(Field::Contacts, contacts, "must be a finite number of at least 0"));
        }
        positive(Field::Interval, interval)?;
        positive(Field::Aht, aht)?;
        Ok(Self { contacts, interval, aht })
    }

    /// The contacts expected in the interval.
    #[must_use]
    pub fn contacts(&self) -> f64 {
        self.contacts
    }

    /// The interval's length.
    #[must_use]
    pub fn interval(&self) -> TimeDelta {
        self.interval
    }

    /// The average handling time.
    #[must_use]
    pub fn aht(&self) -> TimeDelta {
        self.aht
    }

    /// Arrivals per second.
    #[must_use]
    pub fn arrival_rate(&self) -> f64 {
        self.contacts / seconds(self.interval)
    }

    /// The offered load in Erlangs: `contacts × AHT / interval`.
    #[must_use]
    pub fn erlangs(&self) -> f64 {
        self.arrival_rate() * seconds(self.aht)
    }
}

/// A service-level target: `share` of the contacts answered within `within` — "80/20" is 80% within 20 seconds.
///
/// Reads and writes the usual short form `80/20s` (a percentage, a slash, a [duration](crate::duration); the `%`
/// is optional: `80%/20s`).
///
/// ```
/// use chrono::TimeDelta;
/// use kefu::staffing::ServiceTarget;
///
/// let target: ServiceTarget = "80/20s".parse()?;
/// assert_eq!(target, ServiceTarget::new(0.8, TimeDelta::seconds(20))?);
/// assert_eq!(target.to_string(), "80/20s");
/// assert!("120/20s".parse::<ServiceTarget>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ServiceTarget {
    share: f64,
    within: TimeDelta,
}

impl ServiceTarget {
    /// `share` (in `(0, 1]`) of the contacts answered within `within` (zero or more: within 0 s means "without
    /// waiting").
    ///
    /// # Errors
    ///
    /// [`StaffingError::Invalid`] naming [`Field::TargetShare`] or [`Field::TargetWithin`].
    pub fn new(share: f64, within: TimeDelta) -> Result<Self, StaffingError> {
        if !(share > 0.0 && share <= 1.0) {
            return Err(StaffingError::invalid(Field::TargetShare, share, "must be more than 0 and at most 1"));
        }
        if within < TimeDelta::zero() {
            return Err(StaffingError::invalid(Field::TargetWithin, duration::format(within), "must not be negative"));
        }
        Ok(Self { share, within })
    }

    /// The share to answer in time, in `(0, 1]`.
    #[must_use]
    pub fn share(&self) -> f64 {
        self.share
    }

    /// The answer time.
    #[must_use]
    pub fn within(&self) -> TimeDelta {
        self.within
    }
}

impl fmt::Display for ServiceTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Rounded to nine decimals, so that 0.955 shows as 95.5 rather than 95.49999999999999.
        let percent = (self.share * 100.0 * 1e9).round() / 1e9;
        write!(f, "{percent}/{}", duration::format(self.within).replace(' ', ""))
    }
}

impl FromStr for ServiceTarget {
    type Err = StaffingError;

    /// `PERCENT/DURATION`: `80/20s`, `80%/20s`, `90/PT15S`, `95.5/1m`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (share, within) = text
            .split_once('/')
            .ok_or_else(|| StaffingError::invalid(Field::TargetShare, text, "must be PERCENT/DURATION, e.g. 80/20s"))?;
        let percent = share.trim().trim_end_matches('%').trim();
        let percent: f64 = percent
            .parse()
            .map_err(|_| StaffingError::invalid(Field::TargetShare, share.trim(), "must be a percentage, e.g. 80"))?;
        if !(percent > 0.0 && percent <= 100.0) {
            return Err(StaffingError::invalid(
                Field::TargetShare,
                share.trim(),
                "must be more than 0% and at most 100%",
            ));
        }
        let within = duration::parse(within)
            .map_err(|e| StaffingError::invalid(Field::TargetWithin, e.text, "must be a duration, e.g. 20s"))?;
        Self::new(percent / 100.0, within)
    }
}

/// A duration's length in seconds, with its fraction.
pub(crate) fn seconds(d: TimeDelta) -> f64 {
    d.num_seconds() as f64 + f64::from(d.subsec_nanos()) / 1e9
}

pub(crate) fn positive(field: Field, d: TimeDelta) -> Result<(), StaffingError> {
    if d <= TimeDelta::zero() {
        return Err(StaffingError::invalid(field, duration::format(d), "must be more than zero"));
    }
    Ok(())
}
