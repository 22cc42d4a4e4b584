//! The assignment errors: one enum for building a team ([`RosterError`]), one for assigning work
//! ([`AssignError`]), and the report of an item nobody can take ([`NoEligible`]).

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};

use super::{Item, ItemId, SpecialistId};
use crate::calendar::{CalendarError, UnknownCalendar};

/// A specialist that cannot join the team. Nothing was changed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RosterError {
    /// A weight of 0 would make the specialist's load/weight undefined. Give every specialist a weight of at
    /// least 1; to stop giving someone new work, remove them with [`Team::leave`](super::Team::leave).
    #[error("specialist `{specialist}` has weight 0; ability weights must be at least 1")]
    ZeroWeight {
        /// The specialist.
        specialist: SpecialistId,
    },
    /// The team already has a specialist with this id. Ids must be unique; use another, or remove the first.
    #[error("the team already has a specialist `{specialist}`")]
    DuplicateSpecialist {
        /// The id given twice.
        specialist: SpecialistId,
    },
    /// The specialist names a calendar the team's [`CalendarSet`](crate::calendar::CalendarSet) does not have.
    /// Add the calendar to the set, or correct the name.
    #[error("specialist `{specialist}`: {source}")]
    UnknownCalendar {
        /// The specialist.
        specialist: SpecialistId,
        /// The unknown name, with the names the set has.
        source: UnknownCalendar,
    },
}

/// An assignment that could not be made. Nothing was changed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AssignError {
    /// Nobody can take the item now: every specialist lacks a required skill or is unavailable. The report names
    /// the item, its skills and why each specialist was excluded; train or add a specialist, or try again when
    /// someone is back.
    #[error(transparent)]
    NoEligible(Box<NoEligible>),
    /// No specialist of that id is in the team.
    #[error("no specialist `{specialist}` in the team")]
    UnknownSpecialist {
        /// The id asked for.
        specialist: SpecialistId,
    },
    /// No item of that id is assigned in the team.
    #[error("no item `{item}` is assigned in the team")]
    UnknownItem {
        /// The id asked for.
        item: ItemId,
    },
    /// The item is already assigned: item ids are unique in a team. [`Team::release`](super::Team::release) it
    /// first to assign it anew.
    #[error("item `{item}` is already assigned to `{specialist}`")]
    AlreadyAssigned {
        /// The item.
        item: ItemId,
        /// Who holds it.
        specialist: SpecialistId,
    },
    /// A batch lists the same item twice. Consolidate the list first (rule B2).
    #[error("item `{item}` appears twice in the batch")]
    DuplicateInBatch {
        /// The item.
        item: ItemId,
    },
    /// A specialist's calendar cannot say whether they are available at that instant (it is outside the supported
    /// years).
    #[error("specialist `{specialist}`: calendar `{calendar}`: {source}")]
    Calendar {
        /// The specialist.
        specialist: SpecialistId,
        /// The calendar's name in the team's set.
        calendar: String,
        /// What the calendar said.
        source: CalendarError,
    },
}

impl From<NoEligible> for AssignError {
    fn from(e: NoEligible) -> Self {
        AssignError::NoEligible(Box::new(e))
    }
}

/// Why nobody can take an item: the item (returned whole, so that nothing is lost — rule B10) and, for each
/// specialist of the team in id order, why they were excluded.
///
/// Its message groups the specialists by reason:
/// `` no eligible specialist for `c-17` (needs chemicals, english): lacks english: li.wei, zhao.lei; off on 2026-10-12 by their calendar: wang.fang ``.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoEligible {
    /// The item nobody could take.
    pub item: Item,
    /// Every specialist considered, in id order, with the reason they were excluded.
    pub excluded: Vec<Exclusion>,
}

/// One specialist excluded from taking an item, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exclusion {
    /// The specialist.
    pub specialist: SpecialistId,
    /// Why.
    pub reason: ExclusionReason,
}

/// Why a specialist was not eligible for an item.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExclusionReason {
    /// The specialist lacks these required skills (alphabetical).
    MissingSkills(Vec<String>),
    /// The specialist's calendar has no working hours on the date (in the calendar's time zone): off, on leave, a
    /// holiday. Used with [`Availability::WorkingDate`](super::Availability::WorkingDate).
    NotWorking {
        /// The calendar's name.
        calendar: String,
        /// The local date.
        date: NaiveDate,
    },
    /// The specialist's calendar is closed at the instant. Used with
    /// [`Availability::OpenAt`](super::Availability::OpenAt).
    Closed {
        /// The calendar's name.
        calendar: String,
        /// The instant.
        at: DateTime<Utc>,
    },
    /// The specialist is the one whose items are being moved away
    /// ([`Team::reassign_from`](super::Team::reassign_from)).
    GivingUp,
}

impl fmt::Display for ExclusionReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExclusionReason::MissingSkills(skills) => write!(f, "lacks {}", skills.join(", ")),
            ExclusionReason::NotWorking { date, .. } => write!(f, "off on {date} by their calendar"),
            ExclusionReason::Closed { at, .. } => write!(f, "calendar closed at {}", at.to_rfc3339()),
            ExclusionReason::GivingUp => f.write_str("giving the items up"),
        }
    }
}

/// At most this many names per reason in a message; the rest are counted.
const NAMES_SHOWN: usize = 5;

impl fmt::Display for NoEligible {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no eligible specialist for `{}`", self.item.id())?;
        let skills: Vec<&str> = self.item.required_skills().collect();
        if skills.is_empty() {
            f.write_str(" (needs no skill)")?;
        } else {
            write!(f, " (needs {})", skills.join(", "))?;
        }
        if self.excluded.is_empty() {
            return f.write_str(": the team has no specialists");
        }
        // Group specialists by reason, in order of first appearance: one clause per distinct reason.
        let mut groups: Vec<(String, Vec<&SpecialistId>)> = Vec::new();
        for e in &self.excluded {
            let reason = e.reason.to_string();
            match groups.iter_mut().find(|(r, _)| *r == reason) {
                Some((_, names)) => names.push(&e.specialist),
                None => groups.push((reason, vec![&e.specialist])),
            }
        }
        for (i, (reason, names)) in groups.iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { "; " })?;
            write!(f, "{reason}: ")?;
            for (j, name) in names.iter().take(NAMES_SHOWN).enumerate() {
                if j > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{name}")?;
            }
            if names.len() > NAMES_SHOWN {
                write!(f, " and {} more", names.len() - NAMES_SHOWN)?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for NoEligible {}
