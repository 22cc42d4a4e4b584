//! What can go wrong building a report: a period that does not exist, an event the projection cannot read, a store
//! that fails.

use chrono::NaiveDate;
use chrono_tz::Tz;

use crate::store::{Position, StoreError};

/// A period that cannot be built or read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PeriodError {
    /// A month outside 1–12 (or a year out of range).
    #[error("no month {month} in year {year} (months are 1-12)")]
    Month {
        /// The year given.
        year: i32,
        /// The month given.
        month: u32,
    },
    /// A quarter outside 1–4 (or a year out of range).
    #[error("no quarter {quarter} in year {year} (quarters are 1-4)")]
    Quarter {
        /// The year given.
        year: i32,
        /// The quarter given.
        quarter: u32,
    },
    /// A run of days that ends before it begins.
    #[error("the period {from}..{to} is empty: the first day must come before the end day")]
    Days {
        /// The first day.
        from: NaiveDate,
        /// The end day (excluded).
        to: NaiveDate,
    },
    /// Text that is no period.
    #[error("`{text}` is not a period: write a month `2026-06`, a quarter `2026-Q2` or days `2026-07-01..2026-07-15`")]
    Parse {
        /// The text.
        text: String,
    },
    /// A day without any instant in the zone.
    #[error("{day} has no instant in time zone {zone}")]
    Zone {
        /// The day.
        day: NaiveDate,
        /// The zone.
        zone: Tz,
    },
}

/// Why a report could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// An event of a machine the report reads could not be decoded (an unknown shape, a schema too new).
    #[error("event at log position {position} of `{instance}` ({machine}): {source}")]
    Event {
        /// Its position in the log.
        position: Position,
        /// Its instance.
        instance: String,
        /// Its machine.
        machine: String,
        /// What was wrong (boxed: a store error is large and rare).
        #[source]
        source: Box<StoreError>,
    },
    /// The period is not valid in the desk's time zone.
    #[error(transparent)]
    Period(#[from] PeriodError),
    /// Reading the log failed (boxed: a store error is large and rare).
    #[error("reading the event log: {0}")]
    Store(Box<StoreError>),
}

impl From<StoreError> for ReportError {
    fn from(e: StoreError) -> Self {
        Self::Store(Box::new(e))
    }
}
