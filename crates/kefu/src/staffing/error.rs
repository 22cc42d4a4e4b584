//! The errors of staffing: an input out of range (naming the field), a load that cannot be served, a profile that
//! cannot be read, a calendar that cannot answer.

use core::fmt;

use crate::calendar::CalendarError;

/// An input of a staffing computation, as named in error messages (and mapped to a flag by the CLI).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// The contacts expected in the interval ([`Workload::new`](super::Workload::new)).
    Contacts,
    /// The interval's length.
    Interval,
    /// The average handling time.
    Aht,
    /// The share to answer within the target time ([`ServiceTarget::new`](super::ServiceTarget::new)).
    TargetShare,
    /// The target answer time.
    TargetWithin,
    /// The mean patience of Erlang A ([`StaffingPolicy::with_patience`](super::StaffingPolicy::with_patience)).
    Patience,
    /// The shrinkage ([`StaffingPolicy::with_shrinkage`](super::StaffingPolicy::with_shrinkage)).
    Shrinkage,
    /// The maximum occupancy ([`StaffingPolicy::with_max_occupancy`](super::StaffingPolicy::with_max_occupancy)).
    MaxOccupancy,
    /// The number of past weeks averaged ([`Profile::from_history`](super::Profile::from_history)).
    Weeks,
}

impl Field {
    /// The field's name: `contacts`, `interval`, `aht`, `target.share`, `target.within`, `patience`, `shrinkage`,
    /// `max_occupancy`, `weeks`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Contacts => "contacts",
            Self::Interval => "interval",
            Self::Aht => "aht",
            Self::TargetShare => "target.share",
            Self::TargetWithin => "target.within",
            Self::Patience => "patience",
            Self::Shrinkage => "shrinkage",
            Self::MaxOccupancy => "max_occupancy",
            Self::Weeks => "weeks",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a staffing computation has no answer.
///
/// ```
/// use chrono::TimeDelta;
/// use kefu::staffing::{Field, StaffingError, Workload};
///
/// let err = Workload::new(100.0, TimeDelta::minutes(30), TimeDelta::zero()).unwrap_err();
/// assert!(matches!(err, StaffingError::Invalid { field: Field::Aht, .. }));
/// assert_eq!(err.to_string(), "aht: must be more than zero (got 0s)");
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum StaffingError {
    /// An input is out of its range (negative, not a number, zero where a positive value is needed, a share
    /// outside its interval). Fix the named field.
    #[error("{field}: {reason} (got {value})")]
    Invalid {
        /// The input at fault.
        field: Field,
        /// The value given, as text.
        value: String,
        /// What the value must be.
        reason: &'static str,
    },
    /// Erlang C was asked about a count of agents no greater than the offered load: without abandonment the queue
    /// grows without end, so there is no service level to give. Add agents, or give a patience (Erlang A).
    #[error(
        "no steady state: {agents} agent(s) cannot keep up with {erlangs:.3} Erlangs when nobody hangs up \
         (Erlang C needs more agents than Erlangs; give a patience for Erlang A)"
    )]
    NoSteadyState {
        /// The agents asked about.
        agents: u32,
        /// The offered load in Erlangs (contacts × AHT / interval).
        erlangs: f64,
    },
    /// Meeting the target (or the occupancy cap) needs more agents than the policy's cap
    /// ([`StaffingPolicy::with_max_agents`](super::StaffingPolicy::with_max_agents)): the volume, the AHT or the
    /// interval is probably mistyped; raise the cap if it is not.
    #[error("the target needs more than {max_agents} agents (the cap) for {erlangs:.1} Erlangs")]
    TooManyAgents {
        /// The cap.
        max_agents: u32,
        /// The offered load in Erlangs.
        erlangs: f64,
    },
    /// A specialist's calendar could not say whether they are on shift in an interval.
    #[error("specialist `{specialist}`: {source}")]
    Calendar {
        /// The specialist.
        specialist: String,
        /// The calendar's error.
        source: CalendarError,
    },
    /// An interval of a day plan could not be planned; `source` says why.
    #[error("the interval from {}: {source}", .start.format("%H:%M"))]
    Slot {
        /// The interval's local start time.
        start: chrono::NaiveTime,
        /// Why.
        source: Box<StaffingError>,
    },
}

impl StaffingError {
    pub(crate) fn invalid(field: Field, value: impl fmt::Display, reason: &'static str) -> Self {
        Self::Invalid { field, value: value.to_string(), reason }
    }
}

/// A day profile that is not valid: the message names the field (`interval`, `start`, `contacts[3]`) or, for CSV,
/// the line.
///
/// ```
/// use kefu::staffing::Profile;
///
/// let err = Profile::from_csv_str("start,contacts\n08:00,12\n08:30,-1\n").unwrap_err();
/// assert_eq!(err.to_string(), "line 3: contacts: must be a finite number of at least 0 (got -1)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {reason}")]
pub struct ProfileError {
    /// Where: a key path (`contacts[3]`, `interval`) or `line N` of a CSV text.
    pub at: String,
    /// What is wrong.
    pub reason: String,
}

impl ProfileError {
    pub(crate) fn new(at: impl Into<String>, reason: impl Into<String>) -> Self {
        Self { at: at.into(), reason: reason.into() }
    }
}

/// A profile text that cannot be loaded: malformed TOML/JSON (with line, column and key path), or a profile that
/// parsed but is invalid ([`LoadError::Invalid`](crate::LoadError::Invalid)).
pub type LoadError = crate::LoadError<ProfileError>;
