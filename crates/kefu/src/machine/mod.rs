//! Typed, durable state machines ("deciders"): the core every kefu workflow is built on.
//!
//! A machine is a [`Machine`] implementation: typed `State`, `Command` and `Event`, a transition table of
//! [`Transition`] rows over fieldless [`Kind`]s, and two pure functions:
//!
//! ```text
//! decide(&state, &command, &ctx) -> Result<Vec<Event>, Rejection>   // may this happen? what happened?
//! evolve(&mut state, &event)                                         // the new state, infallible
//! ```
//!
//! - [`decide`] checks the table first (is this kind of command declared in this kind of state?), then asks the
//!   machine's [`handle`](Machine::handle), then checks that the events lead to a declared kind of state. Every
//!   refusal is a typed [`Rejection`] naming the machine, the state and the command.
//! - [`Context`] carries `now`, the acting [`Principal`] and the machine's configuration: the core never reads a clock.
//! - [`Machine::deadlines`] lists the instants at which the machine wants a tick ([`Deadline`], [`next_deadline`]).
//! - [`Instance`] holds a state and its version (the number of events applied); [`replay`] folds events into one, and
//!   an `Instance` serializes with serde, so a saved snapshot is restored without re-running anything.
//! - [`TransitionGraph`] is the table as a [`petgraph`] graph (reachability, states that cannot finish), exported as
//!   Mermaid or Graphviz DOT text in declaration order.
//!
//! The examples below use the approval machine ([`Approval`](crate::approval::Approval), rules C6 and C7); its
//! source, or the SLA clock's, is a template for a machine of your own, and the
//! [`testing::machine`](crate::testing) documentation builds a small one from scratch.
//!
//! # Example: deciding, applying, replaying
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use kefu::approval::{Approval, ApprovalChain, ApprovalCommand, ApprovalKind};
//! use kefu::calendar::CalendarSet;
//! use kefu::machine::{Context, Instance, Principal, replay};
//! use kefu::sla::SlaPolicy;
//!
//! let now = Utc.with_ymd_and_hms(2025, 3, 3, 9, 0, 0).single().ok_or("bad date")?;
//! let calendars = CalendarSet::new(); // a wall-clock step limit needs no calendar
//! let clerk = Principal::new("clerk-1");
//! let director = Principal::new("li.wei").with_role("marketing_director");
//!
//! // Rule C6, with a day for the approver to decide.
//! let chain = ApprovalChain::c6_incomplete_file().with_step_sla(SlaPolicy::elapsed("decide within a day", Duration::hours(24)));
//! let mut log = Vec::new();
//! let mut instance = Instance::<Approval>::new();
//! let request = ApprovalCommand::Request { chain, subject: "trade on file 1042".into() };
//! log.extend(instance.execute(&request, &Context::new(now, &clerk, &calendars))?);
//! assert_eq!(instance.kind(), ApprovalKind::Pending);
//! assert_eq!(instance.next_deadline().map(|d| d.at), Some(now + Duration::hours(24)));
//!
//! let later = now + Duration::hours(2);
//! log.extend(instance.execute(&ApprovalCommand::Approve { note: None }, &Context::new(later, &director, &calendars))?);
//! assert_eq!(instance.kind(), ApprovalKind::Approved);
//!
//! // Events are the durable truth: folding them gives the same state and version.
//! assert_eq!(replay::<Approval>(&log), instance);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Example: pictures
//!
//! ```
//! use kefu::approval::Approval;
//! use kefu::machine::TransitionGraph;
//!
//! let graph = TransitionGraph::of::<Approval>();
//! assert!(graph.unreachable().is_empty());
//! assert!(graph.cannot_finish().is_empty());
//! let mermaid = graph.to_mermaid();
//! assert!(mermaid.starts_with("stateDiagram-v2\n"));
//! assert!(mermaid.contains("pending --> approved: approve"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::fmt::Debug;

use serde::Serialize;
use serde::de::DeserializeOwned;

mod context;
mod deadline;
mod export;
mod graph;
mod invalid;
mod kind;
mod rejection;
mod replay;
mod transition;

pub use context::{Context, Principal, Role};
pub use deadline::Deadline;
pub use graph::TransitionGraph;
pub use invalid::InvalidState;
pub(crate) use invalid::checked_state;
pub use kind::Kind;
pub use rejection::Rejection;
pub use replay::{Instance, MAX_VERSION, replay};
pub use transition::Transition;

/// A typed state machine: the decider of one workflow.
///
/// Implement the required items; call [`decide`] (or [`Instance::execute`]) rather than
/// [`handle`](Machine::handle) directly, because `decide` is where the transition table is enforced.
///
/// See [`Approval`](crate::approval::Approval) or [`Clock`](crate::sla::Clock) for complete, documented
/// implementations.
pub trait Machine {
    /// The machine's stable name, used in error messages and pictures (`snake_case`).
    const NAME: &'static str;

    /// The machine's state. Serializable so that instances can be snapshotted.
    type State: Clone + PartialEq + Debug + Serialize + DeserializeOwned;
    /// A request to the machine.
    type Command: Debug;
    /// A fact the machine recorded: the durable truth the state is folded from.
    type Event: Clone + PartialEq + Debug + Serialize + DeserializeOwned;
    /// The configuration a decision may consult (calendars, policies, …). Borrowed through the [`Context`].
    type Config: ?Sized;
    /// The machine's own domain refusals (wrong role, missing document, …). Use
    /// [`Infallible`](core::convert::Infallible) if the table says it all.
    type Error: std::error::Error + Send + Sync + 'static;
    /// The fieldless names of the machine's states.
    type StateKind: Kind;
    /// The fieldless names of the machine's commands.
    type CommandKind: Kind;

    /// The state of a new instance, before any event. It does not depend on configuration, so that replaying the
    /// same events always gives the same state.
    fn initial() -> Self::State;

    /// The transition table: the single declaration that drives [`decide`] and the [`TransitionGraph`].
    fn transitions() -> &'static [Transition<Self::StateKind, Self::CommandKind>];

    /// The kinds of state in which an instance's life is over. May be empty for machines that live forever
    /// (then [`TransitionGraph::cannot_finish`] is not a meaningful check).
    fn finals() -> &'static [Self::StateKind];

    /// The kind of a state.
    fn state_kind(state: &Self::State) -> Self::StateKind;

    /// The kind of a command.
    fn command_kind(command: &Self::Command) -> Self::CommandKind;

    /// The machine's rules for a command the table allows in this state: the events that happened, or the
    /// machine's reason to refuse. Called by [`decide`] only after the table check; must not panic on any input.
    ///
    /// Returning no events is allowed (e.g. a tick before anything is due) and changes nothing.
    ///
    /// # Errors
    ///
    /// The machine's own refusal, which [`decide`] wraps in [`Rejection::Refused`].
    fn handle(
        state: &Self::State,
        command: &Self::Command,
        ctx: &Context<'_, Self::Config>,
    ) -> Result<Vec<Self::Event>, Self::Error>;

    /// Applies one event to the state. Infallible: events are facts that already happened.
    fn evolve(state: &mut Self::State, event: &Self::Event);

    /// The kind of state `events` lead to from `state`, for [`decide`]'s table check.
    ///
    /// The default folds the events onto a clone of the state. Override it when the kind can be read off the events
    /// without cloning (a state with strings and vectors makes the clone the dearest part of a decision); it must
    /// agree with the fold, which the machine laws ([`testing::machine`](crate::testing)) check on every step.
    fn kind_after(state: &Self::State, events: &[Self::Event]) -> Self::StateKind {
        let mut next = state.clone();
        for event in events {
            Self::evolve(&mut next, event);
        }
        Self::state_kind(&next)
    }

    /// The instants at which the machine wants a tick command, in any order. Empty by default.
    fn deadlines(state: &Self::State) -> Vec<Deadline> {
        let _ = state;
        Vec::new()
    }
}

/// Decides a command: the events it produces, or why it is rejected. Pure: reads nothing but its arguments.
///
/// 1. If the table has no row for `(state kind, command kind)`: [`Rejection::NotAllowed`].
/// 2. Otherwise [`Machine::handle`] runs; its refusal becomes [`Rejection::Refused`].
/// 3. [`Machine::kind_after`] gives the kind the events lead to (by default, folding them on a clone); if they are not
///    empty and that kind is not among the
///    declared `to` kinds: [`Rejection::UndeclaredTransition`] (a machine bug, reported rather than panicking).
///
/// Cost: one scan of the table, the machine's `handle`, and one clone of the state plus the fold of the events.
///
/// # Errors
///
/// A [`Rejection`] as described above; nothing is applied in any case.
///
/// # Example
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use kefu::approval::{Approval, ApprovalChain, ApprovalCommand, ApprovalEvent};
/// use kefu::calendar::CalendarSet;
/// use kefu::machine::{decide, Context, Machine, Principal};
///
/// let now = Utc.with_ymd_and_hms(2025, 3, 3, 9, 0, 0).single().ok_or("bad date")?;
/// let (clerk, calendars) = (Principal::new("clerk-1"), CalendarSet::new());
/// let request = ApprovalCommand::Request { chain: ApprovalChain::c6_incomplete_file(), subject: "file 1042".into() };
/// let events = decide::<Approval>(&Approval::initial(), &request, &Context::new(now, &clerk, &calendars))?;
/// assert!(matches!(events.as_slice(), [ApprovalEvent::Requested { .. }]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn decide<M: Machine>(
    state: &M::State,
    command: &M::Command,
    ctx: &Context<'_, M::Config>,
) -> Result<Vec<M::Event>, Rejection<M::Error>> {
    let from = M::state_kind(state);
    let on = M::command_kind(command);
    let rows = || M::transitions().iter().filter(move |t| t.from == from && t.on == on);
    if rows().next().is_none() {
        return Err(Rejection::NotAllowed { machine: M::NAME, state: from.name(), command: on.name() });
    }
    let events = M::handle(state, command, ctx).map_err(|reason| Rejection::Refused {
        machine: M::NAME,
        state: from.name(),
        command: on.name(),
        reason,
    })?;
    if events.is_empty() {
        return Ok(events);
    }
    let reached = M::kind_after(state, &events);
    if rows().any(|t| t.leads_to(reached)) {
        Ok(events)
    } else {
        Err(Rejection::UndeclaredTransition {
            machine: M::NAME,
            state: from.name(),
            command: on.name(),
            reached: reached.name(),
        })
    }
}

/// Whether the table declares command kind `on` in state kind `from` (without running the machine).
///
/// # Example
///
/// ```
/// use kefu::approval::{Approval, ApprovalCommandKind as C, ApprovalKind as S};
/// use kefu::machine::allows;
///
/// assert!(allows::<Approval>(S::Draft, C::Request));
/// assert!(!allows::<Approval>(S::Draft, C::Approve));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn allows<M: Machine>(from: M::StateKind, on: M::CommandKind) -> bool {
    M::transitions().iter().any(|t| t.from == from && t.on == on)
}

/// The earliest of the machine's deadlines in `state`, if any: the instant a store should tick the instance next.
///
/// # Example
///
/// ```
/// use kefu::approval::Approval;
/// use kefu::machine::{next_deadline, Machine};
///
/// assert_eq!(next_deadline::<Approval>(&Approval::initial()), None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn next_deadline<M: Machine>(state: &M::State) -> Option<Deadline> {
    M::deadlines(state).into_iter().min()
}
