//! [`Rejection`]: why [`decide`](crate::machine::decide) refused a command.

/// Why a command was rejected. A rejected command emits no events and so leaves no trace in the log.
///
/// Every variant names the machine ([`Machine::NAME`](crate::machine::Machine::NAME)), the kind of state the
/// instance was in and the kind of command, using [`Kind::name`](crate::machine::Kind::name).
///
/// The machine's own reason (`E`) is part of the message of [`Rejection::Refused`] and is reachable with
/// [`Rejection::reason`]; it is deliberately *not* also returned by
/// [`Error::source`](std::error::Error::source), so error reporters do not print it twice.
///
/// # Example
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use kefu::approval::{Approval, ApprovalCommand};
/// use kefu::calendar::CalendarSet;
/// use kefu::machine::{decide, Context, Machine, Principal, Rejection};
///
/// let now = Utc.with_ymd_and_hms(2025, 3, 3, 9, 0, 0).single().ok_or("bad date")?;
/// let (calendars, clerk) = (CalendarSet::new(), Principal::new("clerk"));
/// let ctx = Context::new(now, &clerk, &calendars);
///
/// // Nothing was requested yet, so there is nothing to approve.
/// let err = decide::<Approval>(&Approval::initial(), &ApprovalCommand::Approve { note: None }, &ctx)
///     .err().ok_or("expected a rejection")?;
/// assert!(matches!(err, Rejection::NotAllowed { .. }));
/// assert_eq!(err.to_string(), "approval: command `approve` is not allowed in state `draft`");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection<E> {
    /// The transition table has no row for this kind of command in this kind of state.
    ///
    /// How to fix: send a command the state accepts (see the machine's picture), or, if the machine should accept
    /// it, declare the row in [`Machine::transitions`](crate::machine::Machine::transitions).
    #[error("{machine}: command `{command}` is not allowed in state `{state}`")]
    NotAllowed {
        /// The machine's name.
        machine: &'static str,
        /// The kind of state the instance was in.
        state: &'static str,
        /// The kind of command.
        command: &'static str,
    },
    /// The table allows the command here, but the machine's rules refused it (wrong role, missing data, …).
    ///
    /// How to fix: see `reason`, the machine's own error.
    #[error("{machine}: command `{command}` refused in state `{state}`: {reason}")]
    Refused {
        /// The machine's name.
        machine: &'static str,
        /// The kind of state the instance was in.
        state: &'static str,
        /// The kind of command.
        command: &'static str,
        /// The machine's own reason.
        reason: E,
    },
    /// The machine accepted the command but its events lead to a kind of state the table does not declare for this
    /// command. This is a bug in the machine, surfaced as an error instead of a panic; nothing was applied.
    ///
    /// How to fix: add `reached` to the row's `to` kinds, or fix the machine's `handle`/`evolve`.
    #[error(
        "{machine}: command `{command}` in state `{state}` would lead to undeclared state `{reached}` \
         (a bug in the machine: declare the transition or fix its handler)"
    )]
    UndeclaredTransition {
        /// The machine's name.
        machine: &'static str,
        /// The kind of state the instance was in.
        state: &'static str,
        /// The kind of command.
        command: &'static str,
        /// The kind of state the events would have led to.
        reached: &'static str,
    },
}

impl<E> Rejection<E> {
    /// The name of the machine that rejected the command.
    #[must_use]
    pub fn machine(&self) -> &'static str {
        match self {
            Self::NotAllowed { machine, .. }
            | Self::Refused { machine, .. }
            | Self::UndeclaredTransition { machine, .. } => machine,
        }
    }

    /// The kind of state the instance was in.
    #[must_use]
    pub fn state(&self) -> &'static str {
        match self {
            Self::NotAllowed { state, .. } | Self::Refused { state, .. } | Self::UndeclaredTransition { state, .. } => {
                state
            }
        }
    }

    /// The kind of command that was rejected.
    #[must_use]
    pub fn command(&self) -> &'static str {
        match self {
            Self::NotAllowed { command, .. }
            | Self::Refused { command, .. }
            | Self::UndeclaredTransition { command, .. } => command,
        }
    }

    /// The machine's own reason, for [`Rejection::Refused`].
    #[must_use]
    pub fn reason(&self) -> Option<&E> {
        match self {
            Self::Refused { reason, .. } => Some(reason),
            _ => None,
        }
    }

    /// Whether this rejection reveals a bug in the machine rather than a refused request.
    #[must_use]
    pub fn is_machine_bug(&self) -> bool {
        matches!(self, Self::UndeclaredTransition { .. })
    }
}
