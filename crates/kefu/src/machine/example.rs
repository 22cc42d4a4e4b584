//! A small, complete machine used by the documentation: the approval of an exception for incomplete documents
//! (rule C6). Read the source as a template for your own machines.
//!
//! ```text
//! draft --request--> requested --approve--> approved
//!                              --reject---> rejected
//!                              --tick-----> expired     (nobody decided within `valid_for`)
//! ```
//!
//! - Only a principal holding one of the policy's approver roles (by default the marketing director or the general
//!   manager) may approve or reject, and never the principal who asked.
//! - A request expires `valid_for` after it was made; the machine exposes that instant as its deadline, and a tick at
//!   or after it records the expiry. A tick before it does nothing.
//!
//! # Example
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use kefu::machine::example::{Exception, ExceptionCommand, ExceptionError, ExceptionKind, ExceptionPolicy};
//! use kefu::machine::{Context, Instance, Principal, Rejection};
//!
//! let t0 = Utc.with_ymd_and_hms(2025, 3, 3, 9, 0, 0).single().ok_or("bad date")?;
//! let policy = ExceptionPolicy::default();
//! let clerk = Principal::new("clerk-1");
//! let mut exception = Instance::<Exception>::new();
//! exception.execute(&ExceptionCommand::Request, &Context::new(t0, &clerk, &policy))?;
//!
//! // The clerk has no approver role.
//! let err = exception.execute(&ExceptionCommand::Approve, &Context::new(t0, &clerk, &policy))
//!     .err().ok_or("expected a refusal")?;
//! assert!(matches!(err, Rejection::Refused { reason: ExceptionError::NotAnApprover { .. }, .. }));
//!
//! // Nobody decides; the scheduler ticks at the deadline.
//! let due = exception.next_deadline().ok_or("expected a deadline")?;
//! assert_eq!(due.at, t0 + Duration::hours(24));
//! let system = Principal::system();
//! exception.execute(&ExceptionCommand::Tick, &Context::new(due.at, &system, &policy))?;
//! assert_eq!(exception.kind(), ExceptionKind::Expired);
//! assert_eq!(exception.next_deadline(), None);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{Context, Deadline, Kind, Machine, Role, Transition};

/// The exception-approval machine (rule C6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exception;

/// Configuration of [`Exception`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExceptionPolicy {
    /// Roles allowed to approve or reject; holding any one suffices.
    pub approver_roles: Vec<Role>,
    /// How long a request stays open before it expires.
    pub valid_for: Duration,
}

impl Default for ExceptionPolicy {
    /// Rule C6: the marketing director or the general manager; requests expire after 24 hours.
    fn default() -> Self {
        Self {
            approver_roles: vec![Role::new("marketing_director"), Role::new("general_manager")],
            valid_for: Duration::hours(24),
        }
    }
}

/// The state of an [`Exception`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ExceptionState {
    /// Nothing requested yet.
    Draft,
    /// Waiting for an approver.
    Requested {
        /// Who asked.
        by: String,
        /// When the request lapses.
        expires_at: DateTime<Utc>,
    },
    /// Approved: the file may be entered and trading may start.
    Approved {
        /// Who approved.
        by: String,
    },
    /// Rejected by an approver.
    Rejected {
        /// Who rejected.
        by: String,
    },
    /// Nobody decided in time.
    Expired,
}

/// The kinds of [`ExceptionState`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ExceptionKind {
    /// [`ExceptionState::Draft`].
    Draft,
    /// [`ExceptionState::Requested`].
    Requested,
    /// [`ExceptionState::Approved`].
    Approved,
    /// [`ExceptionState::Rejected`].
    Rejected,
    /// [`ExceptionState::Expired`].
    Expired,
}

impl Kind for ExceptionKind {
    const ALL: &'static [Self] = &[Self::Draft, Self::Requested, Self::Approved, Self::Rejected, Self::Expired];

    fn name(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Requested => "requested",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Expired => "expired",
        }
    }
}

/// A command to an [`Exception`]. The acting principal comes from the [`Context`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExceptionCommand {
    /// Ask for an exception.
    Request,
    /// Approve the request.
    Approve,
    /// Reject the request.
    Reject,
    /// The scheduler's tick: records the expiry once it is due.
    Tick,
}

/// The kinds of [`ExceptionCommand`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ExceptionCommandKind {
    /// [`ExceptionCommand::Request`].
    Request,
    /// [`ExceptionCommand::Approve`].
    Approve,
    /// [`ExceptionCommand::Reject`].
    Reject,
    /// [`ExceptionCommand::Tick`].
    Tick,
}

impl Kind for ExceptionCommandKind {
    const ALL: &'static [Self] = &[Self::Request, Self::Approve, Self::Reject, Self::Tick];

    fn name(self) -> &'static str {
        match self {
            Self::Request => "request",
            Self::Approve => "approve",
            Self::Reject => "reject",
            Self::Tick => "tick",
        }
    }
}

/// What happened to an [`Exception`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ExceptionEvent {
    /// A request was made.
    Requested {
        /// Who asked.
        by: String,
        /// When.
        at: DateTime<Utc>,
        /// When it lapses.
        expires_at: DateTime<Utc>,
    },
    /// An approver approved.
    Approved {
        /// Who.
        by: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// An approver rejected.
    Rejected {
        /// Who.
        by: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// The request lapsed.
    Expired {
        /// When the expiry was recorded.
        at: DateTime<Utc>,
    },
}

/// Why an [`Exception`] refused a command.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExceptionError {
    /// The principal holds none of the approver roles. Ask someone who does (rule C6).
    #[error("`{principal}` holds none of the approver roles")]
    NotAnApprover {
        /// The principal's id.
        principal: String,
    },
    /// The principal asked for the exception and may not decide it. Ask another approver.
    #[error("`{principal}` requested this exception and may not decide it")]
    SelfDecision {
        /// The principal's id.
        principal: String,
    },
    /// The request lapsed at `expires_at`. Make a new request.
    #[error("the request expired at {expires_at}")]
    Expired {
        /// When the request lapsed.
        expires_at: DateTime<Utc>,
    },
}

const TABLE: &[Transition<ExceptionKind, ExceptionCommandKind>] = {
    use ExceptionCommandKind as C;
    use ExceptionKind as S;
    &[
        Transition::new(S::Draft, C::Request, &[S::Requested]),
        Transition::new(S::Requested, C::Approve, &[S::Approved]),
        Transition::new(S::Requested, C::Reject, &[S::Rejected]),
        Transition::new(S::Requested, C::Tick, &[S::Expired]),
    ]
};

impl Machine for Exception {
    const NAME: &'static str = "exception";
    type State = ExceptionState;
    type Command = ExceptionCommand;
    type Event = ExceptionEvent;
    type Config = ExceptionPolicy;
    type Error = ExceptionError;
    type StateKind = ExceptionKind;
    type CommandKind = ExceptionCommandKind;

    fn initial() -> ExceptionState {
        ExceptionState::Draft
    }

    fn transitions() -> &'static [Transition<ExceptionKind, ExceptionCommandKind>] {
        TABLE
    }

    fn finals() -> &'static [ExceptionKind] {
        &[ExceptionKind::Approved, ExceptionKind::Rejected, ExceptionKind::Expired]
    }

    fn state_kind(state: &ExceptionState) -> ExceptionKind {
        match state {
            ExceptionState::Draft => ExceptionKind::Draft,
            ExceptionState::Requested { .. } => ExceptionKind::Requested,
            ExceptionState::Approved { .. } => ExceptionKind::Approved,
            ExceptionState::Rejected { .. } => ExceptionKind::Rejected,
            ExceptionState::Expired => ExceptionKind::Expired,
        }
    }

    fn command_kind(command: &ExceptionCommand) -> ExceptionCommandKind {
        match command {
            ExceptionCommand::Request => ExceptionCommandKind::Request,
            ExceptionCommand::Approve => ExceptionCommandKind::Approve,
            ExceptionCommand::Reject => ExceptionCommandKind::Reject,
            ExceptionCommand::Tick => ExceptionCommandKind::Tick,
        }
    }

    fn handle(
        state: &ExceptionState,
        command: &ExceptionCommand,
        ctx: &Context<'_, ExceptionPolicy>,
    ) -> Result<Vec<ExceptionEvent>, ExceptionError> {
        let now = ctx.now();
        let who = ctx.principal().id().to_owned();
        match (state, command) {
            (ExceptionState::Draft, ExceptionCommand::Request) => {
                Ok(vec![ExceptionEvent::Requested {
                    by: who,
                    at: now,
                    // Saturate rather than panic on an absurd policy.
                    expires_at: now.checked_add_signed(ctx.config().valid_for).unwrap_or(DateTime::<Utc>::MAX_UTC),
                }])
            }
            (ExceptionState::Requested { by, expires_at }, ExceptionCommand::Approve | ExceptionCommand::Reject) => {
                if !ctx.principal().has_any_role(&ctx.config().approver_roles) {
                    return Err(ExceptionError::NotAnApprover { principal: who });
                }
                if *by == who {
                    return Err(ExceptionError::SelfDecision { principal: who });
                }
                if now >= *expires_at {
                    return Err(ExceptionError::Expired { expires_at: *expires_at });
                }
                Ok(vec![if *command == ExceptionCommand::Approve {
                    ExceptionEvent::Approved { by: who, at: now }
                } else {
                    ExceptionEvent::Rejected { by: who, at: now }
                }])
            }
            (ExceptionState::Requested { expires_at, .. }, ExceptionCommand::Tick) if now >= *expires_at => {
                Ok(vec![ExceptionEvent::Expired { at: now }])
            }
            // A tick before the deadline, or a pair the table already excludes: nothing happens.
            _ => Ok(Vec::new()),
        }
    }

    fn evolve(state: &mut ExceptionState, event: &ExceptionEvent) {
        *state = match event {
            ExceptionEvent::Requested { by, expires_at, .. } => {
                ExceptionState::Requested { by: by.clone(), expires_at: *expires_at }
            }
            ExceptionEvent::Approved { by, .. } => ExceptionState::Approved { by: by.clone() },
            ExceptionEvent::Rejected { by, .. } => ExceptionState::Rejected { by: by.clone() },
            ExceptionEvent::Expired { .. } => ExceptionState::Expired,
        };
    }

    fn deadlines(state: &ExceptionState) -> Vec<Deadline> {
        match state {
            ExceptionState::Requested { expires_at, .. } => {
                vec![Deadline::new(*expires_at, "request_expires")]
            }
            _ => Vec::new(),
        }
    }
}
