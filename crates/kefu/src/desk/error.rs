//! [`DeskError`]: why the desk did not do what it was asked.

use super::notice::NoticeError;
use crate::approval::ApprovalError;
use crate::callback::CallbackError;
use crate::lifecycle::LifecycleError;
use crate::machine::Rejection;
use crate::store::{StoreError, Versioned};

/// How a machine refused a command (see [`Rejection`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefusalKind {
    /// The transition table has no such command in that state.
    NotAllowed,
    /// The machine's rules refused it.
    Refused,
    /// The events would lead to an undeclared state: a bug in the machine.
    Undeclared,
}

/// Why the desk did not do what it was asked. Each variant says how to fix it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DeskError {
    /// The machine refused the command; nothing was recorded. How to fix: see the reason; when
    /// [`forbidden`](DeskError::is_forbidden), act as someone the rule allows.
    #[error("{instance}: {reason}")]
    Rejected {
        /// The instance.
        instance: String,
        /// Its machine.
        machine: &'static str,
        /// The state it was in.
        state: &'static str,
        /// The command's kind.
        command: &'static str,
        /// How it refused.
        kind: RefusalKind,
        /// Why, in words.
        reason: String,
        /// Whether the refusal is about who asked (a role or person the rule does not allow), not what.
        forbidden: bool,
    },
    /// The instance belongs to another machine than the command. How to fix: address the right instance.
    #[error("instance `{instance}` is a `{stored}`, not a `{requested}`")]
    WrongMachine {
        /// The instance.
        instance: String,
        /// The machine it belongs to.
        stored: String,
        /// The machine the command is for.
        requested: String,
    },
    /// A fact or command names something the configuration lacks. How to fix: correct it, or configure it.
    #[error("{field}: {message}")]
    Invalid {
        /// The field at fault.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A run's script is not configured (any more). How to fix: configure the script the run is pinned to.
    #[error("run `{instance}` needs script `{script}`, which is not configured")]
    UnknownScript {
        /// The run.
        instance: String,
        /// The script.
        script: String,
    },
    /// Nothing was ever recorded about the customer.
    #[error("no customer `{customer}` is known")]
    UnknownCustomer {
        /// The customer's id.
        customer: String,
    },
    /// Concurrent commands kept winning the race for the instance. How to fix: retry.
    #[error("instance `{instance}`: gave up after {attempts} attempts, each beaten by a concurrent command; retry")]
    Busy {
        /// The instance.
        instance: String,
        /// How many times it was tried.
        attempts: u32,
    },
    /// A reaction produced a step its table does not declare: a bug in kefu. How to fix: report it.
    #[error("undeclared reaction: `{event}` of `{machine}` led to `{command}` on `{target}`")]
    Undeclared {
        /// The source machine.
        machine: String,
        /// The source event.
        event: &'static str,
        /// The target machine.
        target: &'static str,
        /// The command.
        command: &'static str,
    },
    /// The store failed. How to fix: see the store's error; what was done before it stays done.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl DeskError {
    /// Whether the refusal is about who asked rather than what was asked: the HTTP service's 403.
    #[must_use]
    pub fn is_forbidden(&self) -> bool {
        matches!(self, Self::Rejected { forbidden: true, .. })
    }
}

/// Whether a machine's own refusal is about the principal (role, person) rather than the request.
trait Forbidding {
    fn forbidden(&self) -> bool {
        false
    }
}

impl Forbidding for LifecycleError {
    fn forbidden(&self) -> bool {
        matches!(self, Self::NotTheSpecialist { .. })
    }
}

impl Forbidding for CallbackError {
    fn forbidden(&self) -> bool {
        matches!(self, Self::NotTheSpecialist { .. })
    }
}

impl Forbidding for ApprovalError {
    fn forbidden(&self) -> bool {
        matches!(
            self,
            Self::NotAnApprover { .. }
                | Self::OwnRequest { .. }
                | Self::AlreadyDecided { .. }
                | Self::NotTheRequester { .. }
        )
    }
}

impl Forbidding for NoticeError {
    fn forbidden(&self) -> bool {
        matches!(self, Self::NotTheAddressee { .. })
    }
}

/// Whether `error`, a machine's own refusal, is about the principal.
fn is_forbidden(error: &dyn std::any::Any) -> bool {
    error.downcast_ref::<LifecycleError>().is_some_and(Forbidding::forbidden)
        || error.downcast_ref::<CallbackError>().is_some_and(Forbidding::forbidden)
        || error.downcast_ref::<ApprovalError>().is_some_and(Forbidding::forbidden)
        || error.downcast_ref::<NoticeError>().is_some_and(Forbidding::forbidden)
}

/// A machine's rejection as the desk reports it.
pub(super) fn refusal<M: Versioned>(instance: &str, rejection: Rejection<M::Error>) -> DeskError
where
    M::Error: 'static,
{
    let reason = rejection.to_string();
    let (state, command, kind, forbidden) = match &rejection {
        Rejection::NotAllowed { state, command, .. } => (*state, *command, RefusalKind::NotAllowed, false),
        Rejection::Refused { state, command, reason, .. } => {
            (*state, *command, RefusalKind::Refused, is_forbidden(reason))
        }
        Rejection::UndeclaredTransition { state, command, .. } => (*state, *command, RefusalKind::Undeclared, false),
    };
    DeskError::Rejected { instance: instance.to_owned(), machine: M::NAME, state, command, kind, reason, forbidden }
}
