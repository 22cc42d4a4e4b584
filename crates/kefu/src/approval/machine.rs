//! The approval machine: a request walks its chain step by step; each decision is an event with who and when.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::chain::ApprovalChain;
use crate::calendar::CalendarSet;
use crate::machine::{
    Context, Deadline, InvalidState, Kind, Machine, Rejection, Role, Transition, allows, checked_state, decide,
};
use crate::sla::{Clock, ClockCommand, ClockError, ClockEvent, ClockState};

/// The approval machine (rules C6, C7). Its configuration is the [`CalendarSet`] that steps' SLA policies name.
#[derive(Clone, Copy, Debug)]
pub struct Approval;

/// The kinds of state of an approval.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalKind {
    /// Nothing asked yet.
    #[default]
    Draft,
    /// Waiting for the current step's decision.
    Pending,
    /// Every step approved. Final.
    Approved,
    /// A step rejected the request. Final.
    Rejected,
    /// The requester withdrew the request. Final.
    Withdrawn,
}

impl Kind for ApprovalKind {
    const ALL: &'static [Self] = &[Self::Draft, Self::Pending, Self::Approved, Self::Rejected, Self::Withdrawn];

    fn name(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Withdrawn => "withdrawn",
        }
    }
}

/// What can be asked of an approval; the actor is the context's principal, the instant its `now`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApprovalCommand {
    /// Ask for approval of `subject` along `chain`.
    Request {
        /// The chain to walk.
        chain: ApprovalChain,
        /// What is asked, e.g. "raise the credit limit of customer 0042 from 500 000 to 800 000".
        subject: String,
    },
    /// Approve the current step.
    Approve {
        /// An optional remark for the record.
        note: Option<String>,
    },
    /// Reject at the current step; ends the chain.
    Reject {
        /// Why, for the requester and the record.
        reason: String,
    },
    /// The requester takes the request back.
    Withdraw {
        /// Why.
        reason: String,
    },
    /// Time has passed: the current step's SLA clock records its reminders, breach and escalations.
    Tick,
}

/// The kinds of [`ApprovalCommand`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[allow(missing_docs)] // one per command
pub enum ApprovalCommandKind {
    Request,
    Approve,
    Reject,
    Withdraw,
    Tick,
}

impl Kind for ApprovalCommandKind {
    const ALL: &'static [Self] = &[Self::Request, Self::Approve, Self::Reject, Self::Withdraw, Self::Tick];

    fn name(self) -> &'static str {
        match self {
            Self::Request => "request",
            Self::Approve => "approve",
            Self::Reject => "reject",
            Self::Withdraw => "withdraw",
            Self::Tick => "tick",
        }
    }
}

/// A fact in an approval's life: every decision with who, in which role, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ApprovalEvent {
    /// The request was made.
    Requested {
        /// When.
        at: DateTime<Utc>,
        /// The requester's id.
        by: String,
        /// What is asked.
        subject: String,
        /// The chain, copied so that the record is self-contained.
        chain: ApprovalChain,
    },
    /// A step was approved.
    StepApproved {
        /// When.
        at: DateTime<Utc>,
        /// The step's position (0 = first).
        step: usize,
        /// The approver's id.
        by: String,
        /// The role in which they decided.
        role: Role,
        /// Their remark.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// The last step was approved: the request is granted.
    Approved {
        /// When.
        at: DateTime<Utc>,
    },
    /// A step rejected the request.
    Rejected {
        /// When.
        at: DateTime<Utc>,
        /// The step's position.
        step: usize,
        /// Who rejected.
        by: String,
        /// In which role.
        role: Role,
        /// Why.
        reason: String,
    },
    /// The requester withdrew the request.
    Withdrawn {
        /// When.
        at: DateTime<Utc>,
        /// Who (the requester).
        by: String,
        /// Why.
        reason: String,
    },
    /// An event of the current step's SLA clock.
    StepClock {
        /// The step's position.
        step: usize,
        /// The clock's event.
        event: ClockEvent,
    },
}

/// A decision recorded on a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// The step's position.
    pub step: usize,
    /// Who decided.
    pub by: String,
    /// In which role.
    pub role: Role,
    /// When.
    pub at: DateTime<Utc>,
    /// `None` for an approval, the reason for a rejection.
    pub rejected: Option<String>,
}

checked_state! {
    /// An approval's state.
    ///
    /// Reading one from a snapshot checks that it is a state the approval can be in (see [`InvalidState`]): the
    /// decisions match the chain's steps, in order.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
    pub struct ApprovalState {
        kind: ApprovalKind,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        request: Option<Request>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        decisions: Vec<Decision>,
        /// The current step's SLA clock, when the step has a policy.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        clock: Option<ClockState>,
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Request {
    chain: ApprovalChain,
    subject: String,
    by: String,
    at: DateTime<Utc>,
}

impl ApprovalState {
    /// The kind of state.
    pub fn kind(&self) -> ApprovalKind {
        self.kind
    }

    /// What is asked, once requested.
    #[must_use]
    pub fn subject(&self) -> Option<&str> {
        self.request.as_ref().map(|r| r.subject.as_str())
    }

    /// The chain being walked, once requested.
    pub fn chain(&self) -> Option<&ApprovalChain> {
        self.request.as_ref().map(|r| &r.chain)
    }

    /// Who asked, and when.
    pub fn requested(&self) -> Option<(&str, DateTime<Utc>)> {
        self.request.as_ref().map(|r| (r.by.as_str(), r.at))
    }

    /// The decisions so far, in order.
    pub fn decisions(&self) -> &[Decision] {
        &self.decisions
    }

    /// The position of the step awaiting a decision, while pending.
    pub fn current_step(&self) -> Option<usize> {
        (self.kind == ApprovalKind::Pending).then_some(self.approved_steps())
    }

    /// The current step's SLA clock, if it has one.
    pub fn step_clock(&self) -> Option<&ClockState> {
        self.clock.as_ref()
    }

    fn approved_steps(&self) -> usize {
        self.decisions.iter().filter(|d| d.rejected.is_none()).count()
    }

    /// Checks what every reachable approval state satisfies: a request once asked, a chain of steps each naming a
    /// role, one decision per step in order (a rejection only last), and a kind that matches them.
    fn check(&self) -> Result<(), InvalidState> {
        let bad = |field: &str, problem: String| Err(InvalidState::new(Approval::NAME, field, problem));
        let Some(request) = &self.request else {
            return match (self.kind, self.decisions.is_empty() && self.clock.is_none()) {
                (ApprovalKind::Draft, true) => Ok(()),
                (ApprovalKind::Draft, false) => bad("decisions", "are recorded on a draft".into()),
                (kind, _) => bad("request", format!("is missing for a `{}` approval", kind.name())),
            };
        };
        let steps = request.chain.steps.len();
        if self.kind == ApprovalKind::Draft {
            return bad("request", "is present on a draft".into());
        }
        if steps == 0 {
            return bad("request.chain.steps", "is empty".into());
        }
        if let Some(i) = request.chain.steps.iter().position(|s| s.any_of.is_empty()) {
            return bad(&format!("request.chain.steps[{i}].any_of"), "names no role".into());
        }
        for (i, decision) in self.decisions.iter().enumerate() {
            if decision.step != i || i >= steps {
                return bad(
                    &format!("decisions[{i}].step"),
                    format!("is {}; the chain has {steps} steps", decision.step),
                );
            }
            if decision.rejected.is_some() && i + 1 != self.decisions.len() {
                return bad(&format!("decisions[{i}]"), "rejects, but later steps were decided".into());
            }
        }
        let rejected = self.decisions.last().is_some_and(|d| d.rejected.is_some());
        let approved = self.approved_steps();
        let fits = match self.kind {
            ApprovalKind::Draft => false,
            ApprovalKind::Pending | ApprovalKind::Withdrawn => !rejected && approved < steps,
            ApprovalKind::Approved => !rejected && approved == steps && self.clock.is_none(),
            ApprovalKind::Rejected => rejected,
        };
        if fits { Ok(()) } else { bad("kind", format!("is `{}` after {approved} of {steps} steps", self.kind.name())) }
    }
}

/// Why an approval refused a command (beyond the transition table's refusals).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApprovalError {
    /// A chain without steps cannot be walked.
    #[error("chain `{chain}` has no steps")]
    EmptyChain {
        /// The chain's name.
        chain: String,
    },
    /// A step that nobody may decide.
    #[error("chain `{chain}`: step {step} (`{name}`) names no role in `any_of`")]
    StepWithoutRoles {
        /// The chain's name.
        chain: String,
        /// The step's position.
        step: usize,
        /// The step's name.
        name: String,
    },
    /// The principal holds none of the current step's roles.
    #[error("`{principal}` may not decide step `{step}`: it needs one of {}", roles.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", "))]
    NotAnApprover {
        /// The acting principal.
        principal: String,
        /// The current step's name.
        step: String,
        /// The roles that may decide it.
        roles: Vec<Role>,
    },
    /// Nobody decides their own request.
    #[error("`{principal}` asked for this and may not decide it")]
    OwnRequest {
        /// The acting principal (the requester).
        principal: String,
    },
    /// The same person may not decide two steps of a chain (unless the chain allows it).
    #[error("`{principal}` already decided step {step} of this request")]
    AlreadyDecided {
        /// The acting principal.
        principal: String,
        /// The step they decided.
        step: usize,
    },
    /// Only the requester may withdraw a request.
    #[error("only the requester `{requester}` may withdraw this request, not `{principal}`")]
    NotTheRequester {
        /// The acting principal.
        principal: String,
        /// Who asked.
        requester: String,
    },
    /// The step awaiting a decision is not in the chain: the state was not produced by this machine (a snapshot that
    /// was edited by hand). How to fix: restore the instance from its events.
    #[error("step {step} is not in the chain, which has {steps} steps")]
    NoSuchStep {
        /// The step's position.
        step: usize,
        /// How many steps the chain has.
        steps: usize,
    },
    /// The step's SLA clock refused (e.g. its policy names an unknown calendar).
    #[error("step {step}: {source}")]
    StepClock {
        /// The step's position.
        step: usize,
        /// The clock's refusal.
        source: Box<Rejection<ClockError>>,
    },
}

const TABLE: &[Transition<ApprovalKind, ApprovalCommandKind>] = {
    use ApprovalCommandKind as C;
    use ApprovalKind as S;
    &[
        Transition::new(S::Draft, C::Request, &[S::Pending]),
        Transition::new(S::Pending, C::Approve, &[S::Pending, S::Approved]),
        Transition::new(S::Pending, C::Reject, &[S::Rejected]),
        Transition::new(S::Pending, C::Withdraw, &[S::Withdrawn]),
        Transition::new(S::Pending, C::Tick, &[S::Pending]),
    ]
};

/// Runs a command on a step's clock and wraps its events.
fn on_clock(
    step: usize,
    clock: &ClockState,
    command: ClockCommand,
    ctx: &Context<'_, CalendarSet>,
) -> Result<Vec<ApprovalEvent>, ApprovalError> {
    let events = decide::<Clock>(clock, &command, ctx)
        .map_err(|source| ApprovalError::StepClock { step, source: Box::new(source) })?;
    Ok(events.into_iter().map(|event| ApprovalEvent::StepClock { step, event }).collect())
}

/// Starts step `step`'s clock, if the step has a policy.
fn start_step(
    chain: &ApprovalChain,
    step: usize,
    ctx: &Context<'_, CalendarSet>,
) -> Result<Vec<ApprovalEvent>, ApprovalError> {
    match chain.steps.get(step).and_then(|s| s.sla.clone()) {
        Some(policy) => on_clock(step, &ClockState::default(), ClockCommand::Start(policy), ctx),
        None => Ok(Vec::new()),
    }
}

/// Runs a command on the current step's clock — a tick, a stop (the step was decided) or a cancellation (the
/// request was withdrawn) — when the step has a clock whose table accepts that command in its state.
fn current_clock(
    state: &ApprovalState,
    step: usize,
    command: ClockCommand,
    ctx: &Context<'_, CalendarSet>,
) -> Result<Vec<ApprovalEvent>, ApprovalError> {
    match &state.clock {
        Some(clock) if allows::<Clock>(clock.kind(), Clock::command_kind(&command)) => {
            on_clock(step, clock, command, ctx)
        }
        _ => Ok(Vec::new()),
    }
}

/// The role in which `ctx`'s principal may decide the current step, checking every rule of C6/C7.
fn decider_role(
    state: &ApprovalState,
    request: &Request,
    ctx: &Context<'_, CalendarSet>,
) -> Result<(usize, Role), ApprovalError> {
    let principal = ctx.principal();
    let step = state.approved_steps();
    let steps = request.chain.steps.len();
    let current = request.chain.steps.get(step).ok_or(ApprovalError::NoSuchStep { step, steps })?;
    if principal.id() == request.by {
        return Err(ApprovalError::OwnRequest { principal: principal.id().to_owned() });
    }
    if !request.chain.same_person_may_decide_twice {
        if let Some(d) = state.decisions.iter().find(|d| d.by == principal.id()) {
            return Err(ApprovalError::AlreadyDecided { principal: principal.id().to_owned(), step: d.step });
        }
    }
    let role = current.any_of.iter().find(|r| principal.has_role(r)).ok_or_else(|| ApprovalError::NotAnApprover {
        principal: principal.id().to_owned(),
        step: current.name.clone(),
        roles: current.any_of.clone(),
    })?;
    Ok((step, role.clone()))
}

impl Machine for Approval {
    const NAME: &'static str = "approval";
    type State = ApprovalState;
    type Command = ApprovalCommand;
    type Event = ApprovalEvent;
    type Config = CalendarSet;
    type Error = ApprovalError;
    type StateKind = ApprovalKind;
    type CommandKind = ApprovalCommandKind;

    fn initial() -> ApprovalState {
        ApprovalState::default()
    }

    fn transitions() -> &'static [Transition<ApprovalKind, ApprovalCommandKind>] {
        TABLE
    }

    fn finals() -> &'static [ApprovalKind] {
        &[ApprovalKind::Approved, ApprovalKind::Rejected, ApprovalKind::Withdrawn]
    }

    fn state_kind(state: &ApprovalState) -> ApprovalKind {
        state.kind
    }

    fn command_kind(command: &ApprovalCommand) -> ApprovalCommandKind {
        match command {
            ApprovalCommand::Request { .. } => ApprovalCommandKind::Request,
            ApprovalCommand::Approve { .. } => ApprovalCommandKind::Approve,
            ApprovalCommand::Reject { .. } => ApprovalCommandKind::Reject,
            ApprovalCommand::Withdraw { .. } => ApprovalCommandKind::Withdraw,
            ApprovalCommand::Tick => ApprovalCommandKind::Tick,
        }
    }

    fn handle(
        state: &ApprovalState,
        command: &ApprovalCommand,
        ctx: &Context<'_, CalendarSet>,
    ) -> Result<Vec<ApprovalEvent>, ApprovalError> {
        let now = ctx.now();
        let by = || ctx.principal().id().to_owned();
        let Some(request) = &state.request else {
            // Only `Request` is declared before there is a request.
            let ApprovalCommand::Request { chain, subject } = command else { return Ok(Vec::new()) };
            if chain.steps.is_empty() {
                return Err(ApprovalError::EmptyChain { chain: chain.name.clone() });
            }
            if let Some((step, s)) = chain.steps.iter().enumerate().find(|(_, s)| s.any_of.is_empty()) {
                return Err(ApprovalError::StepWithoutRoles { chain: chain.name.clone(), step, name: s.name.clone() });
            }
            let mut events =
                vec![ApprovalEvent::Requested { at: now, by: by(), subject: subject.clone(), chain: chain.clone() }];
            events.extend(start_step(chain, 0, ctx)?);
            return Ok(events);
        };
        let step = state.approved_steps();
        match command {
            ApprovalCommand::Request { .. } => Ok(Vec::new()),
            ApprovalCommand::Tick => current_clock(state, step, ClockCommand::Tick, ctx),
            ApprovalCommand::Approve { note } => {
                let (step, role) = decider_role(state, request, ctx)?;
                let mut events = current_clock(state, step, ClockCommand::Stop, ctx)?;
                events.push(ApprovalEvent::StepApproved { at: now, step, by: by(), role, note: note.clone() });
                if step + 1 == request.chain.steps.len() {
                    events.push(ApprovalEvent::Approved { at: now });
                } else {
                    events.extend(start_step(&request.chain, step + 1, ctx)?);
                }
                Ok(events)
            }
            ApprovalCommand::Reject { reason } => {
                let (step, role) = decider_role(state, request, ctx)?;
                let mut events = current_clock(state, step, ClockCommand::Stop, ctx)?;
                events.push(ApprovalEvent::Rejected { at: now, step, by: by(), role, reason: reason.clone() });
                Ok(events)
            }
            ApprovalCommand::Withdraw { reason } => {
                if ctx.principal().id() != request.by {
                    return Err(ApprovalError::NotTheRequester { principal: by(), requester: request.by.clone() });
                }
                let mut events = current_clock(state, step, ClockCommand::Cancel { reason: reason.clone() }, ctx)?;
                events.push(ApprovalEvent::Withdrawn { at: now, by: by(), reason: reason.clone() });
                Ok(events)
            }
        }
    }

    fn evolve(state: &mut ApprovalState, event: &ApprovalEvent) {
        match event {
            ApprovalEvent::Requested { at, by, subject, chain } => {
                state.kind = ApprovalKind::Pending;
                state.request =
                    Some(Request { chain: chain.clone(), subject: subject.clone(), by: by.clone(), at: *at });
            }
            ApprovalEvent::StepApproved { at, step, by, role, .. } => {
                state.decisions.push(Decision {
                    step: *step,
                    by: by.clone(),
                    role: role.clone(),
                    at: *at,
                    rejected: None,
                });
                state.clock = None;
            }
            ApprovalEvent::Approved { .. } => state.kind = ApprovalKind::Approved,
            ApprovalEvent::Rejected { at, step, by, role, reason } => {
                state.decisions.push(Decision {
                    step: *step,
                    by: by.clone(),
                    role: role.clone(),
                    at: *at,
                    rejected: Some(reason.clone()),
                });
                state.kind = ApprovalKind::Rejected;
            }
            ApprovalEvent::Withdrawn { .. } => state.kind = ApprovalKind::Withdrawn,
            ApprovalEvent::StepClock { event, .. } => {
                let clock = state.clock.get_or_insert_with(ClockState::default);
                Clock::evolve(clock, event);
            }
        }
    }

    fn deadlines(state: &ApprovalState) -> Vec<Deadline> {
        match (&state.clock, state.kind) {
            (Some(clock), ApprovalKind::Pending) => Clock::deadlines(clock),
            _ => Vec::new(),
        }
    }
}
