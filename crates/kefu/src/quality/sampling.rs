//! Sampling contacts for review (rule O4), as data: a share of each specialist's contacts per period, drawn at
//! random but reproducibly from a seed.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::load::{DefinitionErrors, Problem};
use super::period::{Period, Periodicity, zone_name};

/// A contact a specialist handled (a call, an e-mail, a chat): what sampling draws from and a review scores.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Contact {
    /// The contact's id in the ERP or the telephony system.
    pub id: String,
    /// The specialist who handled it (a principal id).
    pub specialist: String,
    /// When it took place.
    pub at: DateTime<Utc>,
}

impl Contact {
    /// A contact.
    #[must_use]
    pub fn new(id: impl Into<String>, specialist: impl Into<String>, at: DateTime<Utc>) -> Self {
        Self { id: id.into(), specialist: specialist.into(), at }
    }
}

/// A sampling plan (rule O4): which contacts quality inspectors review.
///
/// For each specialist and period, `share` of their contacts is drawn (rounded up), at least `min` (or all, if they
/// had fewer) and at most `max`. The draw is random but reproducible: each contact is ranked by a small seeded
/// hash of its id, so the same seed and contacts give the same sample on any machine, in any input order, and a
/// specialist's sample does not depend on anyone else's contacts. Change the seed to draw again.
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use kefu::quality::{Contact, SamplingPlan};
///
/// let plan = SamplingPlan::from_toml_str(r#"
///     share = 0.1
///     min = 2
///     max = 5
///     seed = 20261123
///     period = "week"
///     time_zone = "Asia/Shanghai"
/// "#, "sampling.toml")?;
/// let t0 = Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap();
/// let contacts: Vec<Contact> = (0..30)
///     .map(|i| Contact::new(format!("call-{i}"), if i % 3 == 0 { "li.na" } else { "zhou.jie" }, t0 + TimeDelta::hours(i)))
///     .collect();
/// let samples = plan.draw(&contacts)?;
/// // li.na had 10 contacts that week: 10% is 1, but at least 2. zhou.jie had 20: 10% is 2.
/// assert_eq!(samples.iter().map(|s| (s.specialist.as_str(), s.drawn.len(), s.out_of)).collect::<Vec<_>>(),
///            vec![("li.na", 2, 10), ("zhou.jie", 2, 20)]);
/// // The same again, whatever the order of the input.
/// let mut reversed = contacts.clone();
/// reversed.reverse();
/// assert_eq!(plan.draw(&reversed)?, samples);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SamplingPlan {
    /// The share drawn, in parts per million (written as a fraction, `share = 0.05`).
    #[serde(with = "ppm")]
    share: u32,
    #[serde(default)]
    min: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max: Option<u32>,
    seed: u64,
    #[serde(default)]
    period: Periodicity,
    #[serde(default = "zone_name::utc", with = "zone_name")]
    time_zone: Tz,
}

mod ppm {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(ppm: &u32, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(f64::from(*ppm) / 1_000_000.0)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
        let value = f64::deserialize(d)?;
        if !(0.0..=1.0).contains(&value) {
            return Err(serde::de::Error::custom(format!("{value} is out of range: a share from 0 to 1")));
        }
        // In [0, 1]: the product is in [0, 1e6].
        Ok((value * 1_000_000.0).round() as u32)
    }
}

/// The contacts drawn for one specialist in one period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sample {
    /// The specialist.
    pub specialist: String,
    /// The period.
    pub period: Period,
    /// The contacts drawn, in time order.
    pub drawn: Vec<Contact>,
    /// How many contacts the specialist had in the period.
    pub out_of: usize,
}

/// Why contacts could not be sampled.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SamplingError {
    /// Two contacts with the same id: the draw would depend on which is which. How to fix: give unique ids.
    #[error("contact `{}` is given twice", crate::error::excerpt(.id))]
    DuplicateContact {
        /// The id.
        id: String,
    },
}

impl SamplingPlan {
    /// A plan drawing `share` (0 to 1) of each specialist's contacts per ISO week in UTC, with `seed`.
    ///
    /// # Errors
    ///
    /// `share` outside 0 to 1 (or not a number): [`Problem::OutOfRange`].
    pub fn new(share: f64, seed: u64) -> Result<Self, Problem> {
        if !(0.0..=1.0).contains(&share) {
            return Err(Problem::OutOfRange { value: share.to_string(), range: "a share from 0 to 1" });
        }
        // In [0, 1]: the product is in [0, 1e6].
        let share = (share * 1_000_000.0).round() as u32;
        Ok(Self { share, min: 0, max: None, seed, period: Periodicity::Week, time_zone: chrono_tz::UTC })
    }

    /// The same plan with at least `min` and at most `max` contacts per specialist and period.
    ///
    /// # Errors
    ///
    /// `min` above `max`: [`Problem::OutOfRange`].
    pub fn with_bounds(mut self, min: u32, max: Option<u32>) -> Result<Self, Problem> {
        if max.is_some_and(|max| min > max) {
            return Err(Problem::OutOfRange { value: min.to_string(), range: "`min` at most `max`" });
        }
        self.min = min;
        self.max = max;
        Ok(self)
    }

    /// The same plan grouping by `period` on local dates in `zone`.
    #[must_use]
    pub fn with_period(mut self, period: Periodicity, zone: Tz) -> Self {
        self.period = period;
        self.time_zone = zone;
        self
    }

    /// Loads and checks a plan from TOML text; `file` names it in errors.
    ///
    /// # Errors
    ///
    /// Every [`DefinitionError`](super::DefinitionError) found, located by file, line, column and key path.
    #[cfg(feature = "toml")]
    pub fn from_toml_str(text: &str, file: &str) -> Result<Self, DefinitionErrors> {
        let (plan, mut doc) = super::load::Doc::parse::<Self>(text, file)?;
        if plan.max.is_some_and(|max| plan.min > max) {
            doc.error("min", Problem::OutOfRange { value: plan.min.to_string(), range: "`min` at most `max`" });
        }
        doc.finish(plan)
    }

    /// How many of `n` contacts are drawn.
    #[must_use]
    pub fn count(&self, n: usize) -> usize {
        let n64 = u64::try_from(n).unwrap_or(u64::MAX);
        let share = n64.saturating_mul(u64::from(self.share)).div_ceil(1_000_000);
        let mut k = share.max(u64::from(self.min));
        if let Some(max) = self.max {
            k = k.min(u64::from(max));
        }
        usize::try_from(k).unwrap_or(usize::MAX).min(n)
    }

    /// The rank of a contact in the draw: a small seeded hash of its id (FNV-1a, then a SplitMix64 finish so that
    /// ids differing in one character land far apart).
    #[must_use]
    pub fn rank(&self, contact_id: &str) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in self.seed.to_le_bytes().iter().chain(contact_id.as_bytes()) {
            h ^= u64::from(*byte);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        h ^ (h >> 31)
    }

    /// Draws the contacts to review: one [`Sample`] per specialist and period that had contacts, ordered by
    /// specialist then period.
    ///
    /// # Errors
    ///
    /// Two contacts with the same id: [`SamplingError::DuplicateContact`].
    pub fn draw(&self, contacts: &[Contact]) -> Result<Vec<Sample>, SamplingError> {
        let mut ids = BTreeSet::new();
        let mut groups: BTreeMap<(&str, Period), Vec<&Contact>> = BTreeMap::new();
        for contact in contacts {
            if !ids.insert(contact.id.as_str()) {
                return Err(SamplingError::DuplicateContact { id: contact.id.clone() });
            }
            let period = Period::of(contact.at, self.period, self.time_zone);
            groups.entry((contact.specialist.as_str(), period)).or_default().push(contact);
        }
        Ok(groups
            .into_iter()
            .map(|((specialist, period), mut group)| {
                let out_of = group.len();
                group.sort_by_cached_key(|c| (self.rank(&c.id), c.id.clone()));
                let mut drawn: Vec<Contact> = group.into_iter().take(self.count(out_of)).cloned().collect();
                drawn.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
                Sample { specialist: specialist.to_owned(), period, drawn, out_of }
            })
            .collect())
    }
}
