//! The improvement (corrective) action machine: rules Q8 and O4 say findings are "tracked to completion", and this
//! is where — an owner, a due date on an SLA clock, progress notes, and a close that only a verifier other than the
//! owner can give.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::CalendarSet;
use crate::machine::{
    Context, Deadline, InvalidState, Kind, Machine, Rejection, Role, Transition, checked_state, decide,
};
use crate::sla::{Clock, ClockCommand, ClockError, ClockEvent, ClockKind, ClockState, SlaPolicy};

/// The improvement action machine (rules Q8, O4). Its configuration is the [`CalendarSet`] its due dates are
/// counted on.
///
/// - [`ActionCommand::Open`] names the subject, where the action comes from ([`ActionSource`]), its owner and the
///   [`SlaPolicy`] of its due date. The policy is an ordinary SLA policy: wall-clock, business time or working days
///   on a calendar, with warnings and an escalation ladder — an overdue action escalates like any clock.
/// - The owner (and anyone else) adds progress notes; the owner submits the action as done, which pauses the clock
///   while a verifier looks (the verifier's delay is not the owner's).
/// - A verifier other than the owner verifies it (closed: the clock is met, late or not) or rejects it (the clock
///   resumes). The owner verifying their own action is refused with [`ActionError::OwnerCannotVerify`].
///
/// # Example: a corrective action, late, escalated, then verified
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use kefu::calendar::{Calendar, CalendarSet};
/// use kefu::machine::{Context, Instance, Principal, Rejection};
/// use kefu::quality::{Action, ActionCommand, ActionError, ActionKind, ActionSource};
/// use kefu::sla::SlaPolicy;
///
/// let calendars: CalendarSet = [("office", Calendar::always_open(chrono_tz::Asia::Shanghai))].into_iter().collect();
/// let policy = SlaPolicy::business("O4 corrective action", TimeDelta::days(5), "office")
///     .with_escalation("service_supervisor", TimeDelta::zero())?;
/// let (inspector, owner, system) = (Principal::new("zhao.min"), Principal::new("li.na"), Principal::system());
/// let t0 = Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap();
/// let at = |days, who| Context::new(t0 + TimeDelta::days(days), who, &calendars);
///
/// let mut action = Instance::<Action>::new();
/// action.execute(&ActionCommand::Open {
///     subject: "Confirm the customer's identity before quoting prices".into(),
///     source: ActionSource::Review { contact: "call-2041".into(), scorecard: "o4-phone".into() },
///     owner: "li.na".into(),
///     policy,
/// }, &at(0, &inspector))?;
/// action.execute(&ActionCommand::Note { text: "Re-read the identity checklist".into() }, &at(2, &owner))?;
///
/// // Nobody submitted within five days: the tick records the breach and the escalation.
/// action.execute(&ActionCommand::Tick, &at(6, &system))?;
/// assert_eq!(action.kind(), ActionKind::Overdue);
/// assert_eq!(action.state().escalated_to(), vec!["service_supervisor"]);
///
/// action.execute(&ActionCommand::Submit { summary: "Checklist applied on 20 calls".into() }, &at(7, &owner))?;
/// // The owner cannot verify their own action.
/// let refused = action.execute(&ActionCommand::Verify { note: "done".into() }, &at(7, &owner)).unwrap_err();
/// assert!(matches!(refused.reason(), Some(ActionError::OwnerCannotVerify { .. })));
/// action.execute(&ActionCommand::Verify { note: "Ten sampled calls all pass".into() }, &at(8, &inspector))?;
/// assert_eq!(action.kind(), ActionKind::Closed);
/// assert_eq!(action.state().verified_by(), Some("zhao.min"));
/// assert_eq!(action.state().late(), Some(true));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Action;

/// The kinds of state of an improvement action.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Not opened yet.
    #[default]
    New,
    /// The owner is working on it; the due date is not past.
    Open,
    /// The due date is past: the clock breached and escalates along its ladder.
    Overdue,
    /// The owner says it is done; a verifier is to check it. The clock is paused.
    Submitted,
    /// Verified by someone other than the owner. Final.
    Closed,
    /// No longer needed (a duplicate, the finding was wrong). Final.
    Withdrawn,
}

impl Kind for ActionKind {
    const ALL: &'static [Self] =
        &[Self::New, Self::Open, Self::Overdue, Self::Submitted, Self::Closed, Self::Withdrawn];

    fn name(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Open => "open",
            Self::Overdue => "overdue",
            Self::Submitted => "submitted",
            Self::Closed => "closed",
            Self::Withdrawn => "withdrawn",
        }
    }
}

/// Where an improvement action comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ActionSource {
    /// A satisfaction survey's finding (rule Q8): a low score or a repeated complaint theme.
    Survey {
        /// The survey's id.
        survey: String,
        /// The finding, in words (e.g. `ask_delivery: mean 2.40 under 3.50 in 2026-W47`).
        finding: String,
    },
    /// A failed quality review of a contact (rule O4).
    Review {
        /// The contact reviewed.
        contact: String,
        /// The scorecard it was reviewed with.
        scorecard: String,
    },
    /// Anything else: an audit, a supervisor's observation, a complaint pattern found by hand.
    Other {
        /// What it is.
        note: String,
    },
}

/// What can be asked of an improvement action; the actor is the context's principal, the instant its `now`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionCommand {
    /// Open the action: its clock starts under `policy`.
    Open {
        /// What is to be improved or corrected.
        subject: String,
        /// Where it comes from.
        source: ActionSource,
        /// The principal id responsible for it.
        owner: String,
        /// The due date and its escalation ladder.
        policy: SlaPolicy,
    },
    /// A progress note.
    Note {
        /// What was done or found.
        text: String,
    },
    /// Another owner takes the action over (the clock runs on).
    Reassign {
        /// The new owner's principal id.
        owner: String,
    },
    /// The owner says the action is done; the clock pauses while it is verified.
    Submit {
        /// What was done.
        summary: String,
    },
    /// Someone other than the owner checked it: the action closes.
    Verify {
        /// What the check found.
        note: String,
    },
    /// Someone other than the owner checked it and it is not done: back to the owner, the clock resumes.
    Reject {
        /// What is missing.
        reason: String,
    },
    /// The action no longer applies; the clock is cancelled.
    Withdraw {
        /// Why.
        reason: String,
    },
    /// Time has passed: the clock records its warnings, breach and escalations.
    Tick,
}

/// The kinds of [`ActionCommand`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[allow(missing_docs)] // one per command
pub enum ActionCommandKind {
    Open,
    Note,
    Reassign,
    Submit,
    Verify,
    Reject,
    Withdraw,
    Tick,
}

impl Kind for ActionCommandKind {
    const ALL: &'static [Self] =
        &[Self::Open, Self::Note, Self::Reassign, Self::Submit, Self::Verify, Self::Reject, Self::Withdraw, Self::Tick];

    fn name(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Note => "note",
            Self::Reassign => "reassign",
            Self::Submit => "submit",
            Self::Verify => "verify",
            Self::Reject => "reject",
            Self::Withdraw => "withdraw",
            Self::Tick => "tick",
        }
    }
}

/// A fact in an improvement action's life. Every step says who (`by`, a principal id) and when (`at`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ActionEvent {
    /// The action was opened (its clock's `started` event follows).
    Opened {
        /// When.
        at: DateTime<Utc>,
        /// Who.
        by: String,
        /// What is to be improved.
        subject: String,
        /// Where it comes from.
        source: ActionSource,
        /// Who is responsible.
        owner: String,
    },
    /// A progress note.
    Noted {
        /// When.
        at: DateTime<Utc>,
        /// Who.
        by: String,
        /// The note.
        text: String,
    },
    /// The action changed owner.
    Reassigned {
        /// When.
        at: DateTime<Utc>,
        /// Who.
        by: String,
        /// The new owner.
        owner: String,
    },
    /// The owner submitted the action as done.
    Submitted {
        /// When.
        at: DateTime<Utc>,
        /// Who (the owner).
        by: String,
        /// What was done.
        summary: String,
    },
    /// A verifier confirmed the action: closed.
    Verified {
        /// When.
        at: DateTime<Utc>,
        /// Who (never the owner).
        by: String,
        /// What the check found.
        note: String,
    },
    /// A verifier sent the action back to its owner.
    Rejected {
        /// When.
        at: DateTime<Utc>,
        /// Who (never the owner).
        by: String,
        /// What is missing.
        reason: String,
    },
    /// The action was withdrawn.
    Withdrawn {
        /// When.
        at: DateTime<Utc>,
        /// Who.
        by: String,
        /// Why.
        reason: String,
    },
    /// An event of the action's due-date clock (started, warned, breached, escalated, paused, resumed, met,
    /// cancelled).
    Clock {
        /// The clock's event.
        event: ClockEvent,
    },
}

impl ActionEvent {
    /// The instant the fact happened.
    #[must_use]
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Self::Opened { at, .. }
            | Self::Noted { at, .. }
            | Self::Reassigned { at, .. }
            | Self::Submitted { at, .. }
            | Self::Verified { at, .. }
            | Self::Rejected { at, .. }
            | Self::Withdrawn { at, .. } => *at,
            Self::Clock { event } => event.at(),
        }
    }
}

/// A progress note on an action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// Who wrote it.
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The note.
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Opening {
    subject: String,
    source: ActionSource,
    by: String,
    at: DateTime<Utc>,
}

checked_state! {
    /// An improvement action's state: what it is about, who owns it, its notes and its due-date clock.
    ///
    /// Reading one from a snapshot checks that it is a state an action can be in (see [`InvalidState`]): an
    /// open action's clock runs, an overdue one's has breached, a submitted one's is paused, a closed one's is met
    /// and was verified by someone other than the owner.
    ///
    /// ```
    /// use kefu::quality::ActionState;
    ///
    /// let err = serde_json::from_str::<ActionState>(r#"{"kind":"closed"}"#).unwrap_err();
    /// assert!(err.to_string().starts_with("invalid `improvement_action` state: `opening`"), "{err}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
    pub struct ActionState {
        kind: ActionKind,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opening: Option<Opening>,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        owner: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        notes: Vec<Note>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        submitted: Option<Note>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        verified: Option<Note>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        rejections: Vec<Note>,
        #[serde(default)]
        clock: ClockState,
    }
}

impl ActionState {
    /// The kind of state.
    #[must_use]
    pub fn kind(&self) -> ActionKind {
        self.kind
    }

    /// What is to be improved, once opened.
    #[must_use]
    pub fn subject(&self) -> Option<&str> {
        self.opening.as_ref().map(|o| o.subject.as_str())
    }

    /// Where the action comes from, once opened.
    #[must_use]
    pub fn source(&self) -> Option<&ActionSource> {
        self.opening.as_ref().map(|o| &o.source)
    }

    /// Who opened it, and when.
    #[must_use]
    pub fn opened(&self) -> Option<(&str, DateTime<Utc>)> {
        self.opening.as_ref().map(|o| (o.by.as_str(), o.at))
    }

    /// The owner's principal id, once opened.
    #[must_use]
    pub fn owner(&self) -> Option<&str> {
        self.opening.as_ref().map(|_| self.owner.as_str())
    }

    /// The progress notes, in order.
    #[must_use]
    pub fn notes(&self) -> &[Note] {
        &self.notes
    }

    /// The latest submission (who, when, what was done), while submitted or once closed.
    #[must_use]
    pub fn submission(&self) -> Option<&Note> {
        self.submitted.as_ref()
    }

    /// The verification, once closed.
    #[must_use]
    pub fn verification(&self) -> Option<&Note> {
        self.verified.as_ref()
    }

    /// Who verified it, once closed.
    #[must_use]
    pub fn verified_by(&self) -> Option<&str> {
        self.verified.as_ref().map(|v| v.by.as_str())
    }

    /// The rejected submissions, in order (the verifier's reason as the note's text).
    #[must_use]
    pub fn rejections(&self) -> &[Note] {
        &self.rejections
    }

    /// The due-date clock (idle before the action is opened).
    #[must_use]
    pub fn clock(&self) -> &ClockState {
        &self.clock
    }

    /// The due instant, if the clock runs (it moves later by the time spent waiting for verification).
    #[must_use]
    pub fn due_at(&self) -> Option<DateTime<Utc>> {
        self.clock.due_at()
    }

    /// The roles the overdue action was escalated to, in order.
    #[must_use]
    pub fn escalated_to(&self) -> Vec<&str> {
        let Some(policy) = self.clock.policy() else { return Vec::new() };
        let rungs = usize::from(self.clock.escalations());
        policy.escalation().iter().take(rungs).map(|e| e.to.as_str()).collect()
    }

    /// Once closed: whether it was closed after its due date.
    #[must_use]
    pub fn late(&self) -> Option<bool> {
        match (self.kind, self.clock.status(DateTime::<Utc>::MIN_UTC)) {
            (ActionKind::Closed, crate::sla::ClockStatus::Met { late }) => Some(late),
            _ => None,
        }
    }

    /// Checks what every reachable action state satisfies.
    fn check(&self) -> Result<(), InvalidState> {
        let bad = |field: &str, problem: String| Err(InvalidState::new(Action::NAME, field, problem));
        let kind = self.kind;
        if (kind == ActionKind::New) != self.opening.is_none() {
            return bad("opening", format!("does not match a `{}` action", kind.name()));
        }
        if kind != ActionKind::New && self.owner.trim().is_empty() {
            return bad("owner", format!("is missing for a `{}` action", kind.name()));
        }
        let clock = match kind {
            ActionKind::New => ClockKind::Idle,
            ActionKind::Open => ClockKind::Running,
            ActionKind::Overdue => ClockKind::Overdue,
            ActionKind::Submitted => ClockKind::Paused,
            ActionKind::Closed => ClockKind::Met,
            ActionKind::Withdrawn => ClockKind::Cancelled,
        };
        if self.clock.kind() != clock {
            return bad(
                "clock",
                format!("is `{}`; a `{}` action's clock is `{}`", self.clock.kind().name(), kind.name(), clock.name()),
            );
        }
        if matches!(kind, ActionKind::Submitted | ActionKind::Closed) && self.submitted.is_none() {
            return bad("submitted", format!("is missing for a `{}` action", kind.name()));
        }
        match (&self.verified, kind) {
            (None, ActionKind::Closed) => return bad("verified", "is missing for a `closed` action".into()),
            (Some(_), k) if k != ActionKind::Closed => {
                return bad("verified", format!("is present on a `{}` action", k.name()));
            }
            (Some(v), _) if v.by == self.owner => {
                return bad("verified.by", format!("is the owner `{}`: the owner cannot verify", self.owner));
            }
            _ => {}
        }
        Ok(())
    }
}

/// Why an improvement action refused a command (beyond the transition table's refusals).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ActionError {
    /// The owner cannot verify (or reject) their own action: verification is by someone else (rules Q8, O4). How
    /// to fix: have a supervisor or a quality inspector verify it.
    #[error("`{owner}` owns this action and cannot verify it: verification is by someone other than the owner")]
    OwnerCannotVerify {
        /// The owner.
        owner: String,
    },
    /// Only the owner submits the action as done. How to fix: the owner submits, or reassign it first.
    #[error("only the owner `{owner}` submits this action as done, not `{by}`")]
    NotTheOwner {
        /// The owner.
        owner: String,
        /// Who tried.
        by: String,
    },
    /// The scheduler does not verify: a person checks the work. How to fix: verify as a person.
    #[error("the system principal cannot verify an action: a person checks the work")]
    SystemCannotVerify,
    /// A reassignment to the current owner. How to fix: name another owner.
    #[error("`{owner}` already owns this action")]
    SameOwner {
        /// The owner.
        owner: String,
    },
    /// A required text is empty (subject, owner, note, summary, reason). How to fix: write it.
    #[error("`{field}` is empty")]
    Empty {
        /// The field.
        field: &'static str,
    },
    /// The due-date clock refused (e.g. its policy names a calendar the configuration lacks, or the command is
    /// earlier than the clock's latest event). How to fix: see the clock's reason.
    #[error("due-date clock: {0}")]
    Clock(Box<Rejection<ClockError>>),
}

const TABLE: &[Transition<ActionKind, ActionCommandKind>] = {
    use ActionCommandKind as C;
    use ActionKind as S;
    &[
        Transition::new(S::New, C::Open, &[S::Open]),
        Transition::new(S::Open, C::Note, &[S::Open]),
        Transition::new(S::Open, C::Reassign, &[S::Open]),
        Transition::new(S::Open, C::Submit, &[S::Submitted]),
        Transition::new(S::Open, C::Tick, &[S::Open, S::Overdue]),
        Transition::new(S::Open, C::Withdraw, &[S::Withdrawn]),
        Transition::new(S::Overdue, C::Note, &[S::Overdue]),
        Transition::new(S::Overdue, C::Reassign, &[S::Overdue]),
        Transition::new(S::Overdue, C::Submit, &[S::Submitted]),
        Transition::new(S::Overdue, C::Tick, &[S::Overdue]),
        Transition::new(S::Overdue, C::Withdraw, &[S::Withdrawn]),
        Transition::new(S::Submitted, C::Note, &[S::Submitted]),
        Transition::new(S::Submitted, C::Verify, &[S::Closed]),
        Transition::new(S::Submitted, C::Reject, &[S::Open, S::Overdue]),
        Transition::new(S::Submitted, C::Tick, &[S::Submitted]),
        Transition::new(S::Submitted, C::Withdraw, &[S::Withdrawn]),
    ]
};

/// Runs `command` on the action's clock and wraps its events.
fn on_clock(
    clock: &ClockState,
    command: &ClockCommand,
    ctx: &Context<'_, CalendarSet>,
) -> Result<Vec<ActionEvent>, ActionError> {
    let events = decide::<Clock>(clock, command, ctx).map_err(|e| ActionError::Clock(Box::new(e)))?;
    Ok(events.into_iter().map(|event| ActionEvent::Clock { event }).collect())
}

/// `text`, or the error for an empty `field`.
fn required(field: &'static str, text: &str) -> Result<(), ActionError> {
    if text.trim().is_empty() { Err(ActionError::Empty { field }) } else { Ok(()) }
}

/// Refuses the owner and the system as verifiers.
fn verifier(state: &ActionState, ctx: &Context<'_, CalendarSet>) -> Result<(), ActionError> {
    let who = ctx.principal();
    if who.id() == state.owner {
        return Err(ActionError::OwnerCannotVerify { owner: state.owner.clone() });
    }
    if who.is_system() || who.has_role(Role::SYSTEM) {
        return Err(ActionError::SystemCannotVerify);
    }
    Ok(())
}

impl Machine for Action {
    const NAME: &'static str = "improvement_action";
    type State = ActionState;
    type Command = ActionCommand;
    type Event = ActionEvent;
    type Config = CalendarSet;
    type Error = ActionError;
    type StateKind = ActionKind;
    type CommandKind = ActionCommandKind;

    fn initial() -> ActionState {
        ActionState::default()
    }

    fn transitions() -> &'static [Transition<ActionKind, ActionCommandKind>] {
        TABLE
    }

    fn finals() -> &'static [ActionKind] {
        &[ActionKind::Closed, ActionKind::Withdrawn]
    }

    fn state_kind(state: &ActionState) -> ActionKind {
        state.kind
    }

    fn command_kind(command: &ActionCommand) -> ActionCommandKind {
        match command {
            ActionCommand::Open { .. } => ActionCommandKind::Open,
            ActionCommand::Note { .. } => ActionCommandKind::Note,
            ActionCommand::Reassign { .. } => ActionCommandKind::Reassign,
            ActionCommand::Submit { .. } => ActionCommandKind::Submit,
            ActionCommand::Verify { .. } => ActionCommandKind::Verify,
            ActionCommand::Reject { .. } => ActionCommandKind::Reject,
            ActionCommand::Withdraw { .. } => ActionCommandKind::Withdraw,
            ActionCommand::Tick => ActionCommandKind::Tick,
        }
    }

    fn handle(
        state: &ActionState,
        command: &ActionCommand,
        ctx: &Context<'_, CalendarSet>,
    ) -> Result<Vec<ActionEvent>, ActionError> {
        let at = ctx.now();
        let by = || ctx.principal().id().to_owned();
        let mut events = Vec::new();
        match command {
            ActionCommand::Open { subject, source, owner, policy } => {
                required("subject", subject)?;
                required("owner", owner)?;
                let opened = ActionEvent::Opened {
                    at,
                    by: by(),
                    subject: subject.clone(),
                    source: source.clone(),
                    owner: owner.clone(),
                };
                events.push(opened);
                events.extend(on_clock(&ClockState::default(), &ClockCommand::Start(policy.clone()), ctx)?);
            }
            ActionCommand::Tick => events = on_clock(&state.clock, &ClockCommand::Tick, ctx)?,
            ActionCommand::Note { text } => {
                required("text", text)?;
                // The clock records what fell due before the note, so the trail stays in time order.
                events = on_clock(&state.clock, &ClockCommand::Tick, ctx)?;
                events.push(ActionEvent::Noted { at, by: by(), text: text.clone() });
            }
            ActionCommand::Reassign { owner } => {
                required("owner", owner)?;
                if *owner == state.owner {
                    return Err(ActionError::SameOwner { owner: owner.clone() });
                }
                events = on_clock(&state.clock, &ClockCommand::Tick, ctx)?;
                events.push(ActionEvent::Reassigned { at, by: by(), owner: owner.clone() });
            }
            ActionCommand::Submit { summary } => {
                required("summary", summary)?;
                if ctx.principal().id() != state.owner {
                    return Err(ActionError::NotTheOwner { owner: state.owner.clone(), by: by() });
                }
                let pause = ClockCommand::Pause { reason: Some("waiting for verification".into()) };
                events = on_clock(&state.clock, &pause, ctx)?;
                events.push(ActionEvent::Submitted { at, by: by(), summary: summary.clone() });
            }
            ActionCommand::Verify { note } => {
                required("note", note)?;
                verifier(state, ctx)?;
                events = on_clock(&state.clock, &ClockCommand::Stop, ctx)?;
                events.push(ActionEvent::Verified { at, by: by(), note: note.clone() });
            }
            ActionCommand::Reject { reason } => {
                required("reason", reason)?;
                verifier(state, ctx)?;
                events = on_clock(&state.clock, &ClockCommand::Resume, ctx)?;
                events.push(ActionEvent::Rejected { at, by: by(), reason: reason.clone() });
            }
            ActionCommand::Withdraw { reason } => {
                required("reason", reason)?;
                let cancel = ClockCommand::Cancel { reason: format!("action withdrawn: {reason}") };
                events = on_clock(&state.clock, &cancel, ctx)?;
                events.push(ActionEvent::Withdrawn { at, by: by(), reason: reason.clone() });
            }
        }
        Ok(events)
    }

    fn evolve(state: &mut ActionState, event: &ActionEvent) {
        match event {
            ActionEvent::Opened { at, by, subject, source, owner } => {
                state.kind = ActionKind::Open;
                state.owner = owner.clone();
                state.opening =
                    Some(Opening { subject: subject.clone(), source: source.clone(), by: by.clone(), at: *at });
            }
            ActionEvent::Noted { at, by, text } => {
                state.notes.push(Note { by: by.clone(), at: *at, text: text.clone() });
            }
            ActionEvent::Reassigned { owner, .. } => state.owner = owner.clone(),
            ActionEvent::Submitted { at, by, summary } => {
                state.kind = ActionKind::Submitted;
                state.submitted = Some(Note { by: by.clone(), at: *at, text: summary.clone() });
            }
            ActionEvent::Verified { at, by, note } => {
                state.kind = ActionKind::Closed;
                state.verified = Some(Note { by: by.clone(), at: *at, text: note.clone() });
            }
            ActionEvent::Rejected { at, by, reason } => {
                state.rejections.push(Note { by: by.clone(), at: *at, text: reason.clone() });
                state.submitted = None;
            }
            ActionEvent::Withdrawn { .. } => state.kind = ActionKind::Withdrawn,
            ActionEvent::Clock { event } => Clock::evolve(&mut state.clock, event),
        }
        // While the owner works on it, open or overdue follows the clock (a breach makes it overdue; a rejected
        // submission goes back to whichever the clock says).
        if matches!(event, ActionEvent::Clock { .. } | ActionEvent::Rejected { .. })
            && matches!(state.kind, ActionKind::Open | ActionKind::Overdue | ActionKind::Submitted)
        {
            match state.clock.kind() {
                ClockKind::Running => state.kind = ActionKind::Open,
                ClockKind::Overdue => state.kind = ActionKind::Overdue,
                _ => {}
            }
        }
    }

    fn deadlines(state: &ActionState) -> Vec<Deadline> {
        if matches!(state.kind, ActionKind::Open | ActionKind::Overdue) {
            Clock::deadlines(&state.clock)
        } else {
            Vec::new()
        }
    }
}
