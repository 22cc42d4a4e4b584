//! The callback machine: due → assigned → attempted → rescheduled or done → record filed (rules B1–B5, B8, B9).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::due::{CallResult, Due, Problem, Window, is_reschedule};
use super::policy::CallbackConfig;
use crate::calendar::{CalendarError, UnknownCalendar};
use crate::lifecycle::ContactChannel;
use crate::machine::{Context, Deadline, InvalidState, Kind, Machine, Rejection, Transition, checked_state, decide};
use crate::script::CallbackRecord;
use crate::sla::{Clock, ClockCommand, ClockError, ClockEvent, ClockKind, ClockState};

/// The callback machine. Its configuration is a [`CallbackConfig`].
///
/// # Example: an after-sale callback, rescheduled out of the customer's lunch break (rules B3, B9, B4)
///
/// ```
/// use chrono::TimeZone;
/// use chrono_tz::Asia::Shanghai;
/// use kefu::calendar::{Calendar, CalendarSet};
/// use kefu::callback::{CallResult, Callback, CallbackCommand, CallbackConfig, CallbackKind, CallbackPolicy, Due};
/// use kefu::callback::ContactChannel;
/// use kefu::machine::{Context, Instance, Principal};
///
/// // B9: the customer may be called 09:00–12:00 and 13:30–20:00, every day.
/// let quiet = Calendar::from_toml_str(r#"
///     time_zone = "Asia/Shanghai"
///     week = { mon = ["09:00-12:00", "13:30-20:00"], tue = ["09:00-12:00", "13:30-20:00"],
///              wed = ["09:00-12:00", "13:30-20:00"], thu = ["09:00-12:00", "13:30-20:00"],
///              fri = ["09:00-12:00", "13:30-20:00"], sat = ["09:00-12:00", "13:30-20:00"],
///              sun = ["09:00-12:00", "13:30-20:00"] }
/// "#)?;
/// let calendars: CalendarSet = [("contact-hours", quiet)].into_iter().collect();
/// let policy = CallbackPolicy { quiet_hours: Some("contact-hours".into()), ..CallbackPolicy::default() };
/// let config = CallbackConfig::new(calendars, policy)?;
/// let local = |d, h, m| Shanghai.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap().to_utc();
/// let agent = Principal::new("wang.fang");
/// let at = |t| Context::new(t, &agent, &config);
///
/// let mut callback = Instance::<Callback>::new();
/// callback.execute(&CallbackCommand::Open(Due::after_sale("0042", "SO-7781", local(2, 10, 0))), &at(local(2, 10, 0)))?;
/// // B3: due within a week of the sale.
/// assert_eq!(callback.state().window().map(|w| w.by), Some(local(9, 10, 0)));
/// callback.execute(&CallbackCommand::Assign { specialist: "wang.fang".into() }, &at(local(3, 9, 0)))?;
/// callback.execute(&CallbackCommand::Attempt { channel: ContactChannel::Phone, reached: true }, &at(local(3, 9, 30)))?;
/// // "Not convenient — call me at 12:30": 12:30 is the customer's rest, so 13:30 (B9).
/// callback.execute(&CallbackCommand::Reschedule { to: Some(local(3, 12, 30)) }, &at(local(3, 9, 31)))?;
/// assert_eq!(callback.state().scheduled(), Some(local(3, 13, 30)));
///
/// callback.execute(&CallbackCommand::Attempt { channel: ContactChannel::Phone, reached: true }, &at(local(3, 13, 30)))?;
/// callback.execute(&CallbackCommand::Finish { result: CallResult::summary("satisfied") }, &at(local(3, 13, 35)))?;
/// // B4: the record form within 24 hours.
/// assert_eq!(callback.next_deadline().map(|d| d.at), Some(local(4, 13, 35)));
/// callback.execute(&CallbackCommand::File, &at(local(3, 15, 0)))?;
/// assert_eq!(callback.kind(), CallbackKind::Filed);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Callback;

/// The kinds of state of a callback.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallbackKind {
    /// Not opened yet.
    #[default]
    New,
    /// Due (or scheduled ahead), waiting to be distributed to a specialist (rule B2).
    Due,
    /// A specialist has it (rules B2, C3).
    Assigned,
    /// The customer was reached: the callback is under way (rule B1).
    Attempted,
    /// The customer asked to be called at another time, moved out of quiet hours (rule B9).
    Rescheduled,
    /// The callback is done; its record form is owed (rule B4).
    Done,
    /// The record form was filed. Final.
    Filed,
    /// The callback no longer applies (customer closed, handed to sales). Final.
    Cancelled,
}

impl Kind for CallbackKind {
    const ALL: &'static [Self] = &[
        Self::New,
        Self::Due,
        Self::Assigned,
        Self::Attempted,
        Self::Rescheduled,
        Self::Done,
        Self::Filed,
        Self::Cancelled,
    ];

    fn name(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Due => "due",
            Self::Assigned => "assigned",
            Self::Attempted => "attempted",
            Self::Rescheduled => "rescheduled",
            Self::Done => "done",
            Self::Filed => "filed",
            Self::Cancelled => "cancelled",
        }
    }
}

/// What can be asked of a callback; the actor is the context's principal, the instant its `now`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallbackCommand {
    /// A callback falls due (rules B3, B8, F1, F2). Its window end, if not given, comes from the policy; its first
    /// contact instant is the window's start moved out of the customer's quiet hours (B9).
    Open(Due),
    /// Give (or move) the callback to a specialist (rules B2, C3: choose with [`Team`](crate::assign::Team)).
    Assign {
        /// The specialist's id.
        specialist: String,
    },
    /// A contact attempt on a channel (rule B1), refused during the customer's quiet hours (B9).
    Attempt {
        /// Phone, visit, service visit or SMS.
        channel: ContactChannel,
        /// Whether the customer was reached.
        reached: bool,
    },
    /// The customer chose another time (or none: as soon as their contact hours allow after now); it is moved out
    /// of their quiet hours (B9).
    Reschedule {
        /// The customer's chosen time; `None`: the next allowed instant.
        to: Option<DateTime<Utc>>,
    },
    /// The callback is done: the B4 record clock starts; problems found are announced (B5).
    Finish {
        /// The script run's record, or a summary.
        result: CallResult,
    },
    /// The record form is filed (rule B4): the record clock is met.
    File,
    /// The callback no longer applies.
    Cancel {
        /// Why.
        reason: String,
    },
    /// Time has passed: the due window closes (a miss, rule B10); the record clock warns, breaches, escalates.
    Tick,
}

impl CallbackCommand {
    /// The command a finished script run leads to: [`Reschedule`](Self::Reschedule) to the customer's chosen time
    /// (if any) when the run ended `rescheduled`, or `aborted` (the line dropped: the callback is not done, so it is
    /// tried again as soon as the contact hours allow); [`Finish`](Self::Finish) with the record when it ended
    /// `completed` or `refused` (the customer declined: the callback was made, and the record says so).
    ///
    /// ```
    /// use kefu::callback::CallbackCommand;
    /// # use chrono::{TimeZone, Utc};
    /// # use kefu::script::{CallbackRecord, ContentHash, Outcome};
    /// # let t = Utc.with_ymd_and_hms(2026, 11, 3, 1, 30, 0).unwrap();
    /// # let record = |outcome, next_contact| CallbackRecord {
    /// #     script: "s1".into(), version: 1, hash: ContentHash::from_sha256([0; 32]), started_at: t, ended_at: t, outcome,
    /// #     path: vec![], answers: vec![], problems: vec![], satisfaction: None, referral: None,
    /// #     continue_cooperation: None, channel: None, suggestion: None, reasons: vec![], next_contact,
    /// #     abort_reason: None,
    /// # };
    /// let later = t + chrono::TimeDelta::hours(4);
    /// assert_eq!(CallbackCommand::from_record(record(Outcome::Rescheduled, Some(later))),
    ///            CallbackCommand::Reschedule { to: Some(later) });
    /// assert_eq!(CallbackCommand::from_record(record(Outcome::Aborted, None)), CallbackCommand::Reschedule { to: None });
    /// assert!(matches!(CallbackCommand::from_record(record(Outcome::Completed, None)), CallbackCommand::Finish { .. }));
    /// ```
    #[must_use]
    pub fn from_record(record: CallbackRecord) -> Self {
        if is_reschedule(record.outcome) {
            Self::Reschedule { to: record.next_contact }
        } else {
            Self::Finish { result: record.into() }
        }
    }
}

/// The kinds of [`CallbackCommand`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[allow(missing_docs)] // one per command
pub enum CallbackCommandKind {
    Open,
    Assign,
    Attempt,
    Reschedule,
    Finish,
    File,
    Cancel,
    Tick,
}

impl Kind for CallbackCommandKind {
    const ALL: &'static [Self] = &[
        Self::Open,
        Self::Assign,
        Self::Attempt,
        Self::Reschedule,
        Self::Finish,
        Self::File,
        Self::Cancel,
        Self::Tick,
    ];

    fn name(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Assign => "assign",
            Self::Attempt => "attempt",
            Self::Reschedule => "reschedule",
            Self::Finish => "finish",
            Self::File => "file",
            Self::Cancel => "cancel",
            Self::Tick => "tick",
        }
    }
}

/// A fact in a callback's life; every step says who (`by`, a principal id) and when (`at`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CallbackEvent {
    /// The callback fell due.
    Opened {
        /// When.
        at: DateTime<Utc>,
        /// Who.
        by: String,
        /// Whom, why, the window (`by` resolved from the policy) and the contact calendar (resolved too), so that
        /// replay needs no configuration.
        due: Due,
        /// The first contact instant: the window's start out of quiet hours (B9).
        scheduled: DateTime<Utc>,
    },
    /// The callback was given to a specialist.
    Assigned {
        /// When.
        at: DateTime<Utc>,
        /// Who distributed it.
        by: String,
        /// The specialist.
        specialist: String,
    },
    /// A contact attempt (rule B1).
    Attempted {
        /// When.
        at: DateTime<Utc>,
        /// Who.
        by: String,
        /// How.
        channel: ContactChannel,
        /// Whether the customer was reached.
        reached: bool,
    },
    /// The customer asked to be called at another time (rule B9).
    Rescheduled {
        /// When.
        at: DateTime<Utc>,
        /// Who.
        by: String,
        /// The customer's chosen time, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        requested: Option<DateTime<Utc>>,
        /// The next contact: the chosen time moved out of quiet hours.
        to: DateTime<Utc>,
    },
    /// The callback was done.
    Finished {
        /// When.
        at: DateTime<Utc>,
        /// Who.
        by: String,
        /// The script run's record or a summary.
        result: CallResult,
    },
    /// Problems the callback found (rule B5): the ERP opens a case for each ([`Problem::origin`]).
    ProblemsRaised {
        /// When.
        at: DateTime<Utc>,
        /// The problems, in the order raised.
        problems: Vec<Problem>,
    },
    /// The due window closed without a done callback (rule B10): reported, never dropped; the callback stays open.
    Missed {
        /// The window's end.
        at: DateTime<Utc>,
    },
    /// The record form was filed (rule B4).
    Filed {
        /// When.
        at: DateTime<Utc>,
        /// Who.
        by: String,
    },
    /// The callback was cancelled.
    Cancelled {
        /// When.
        at: DateTime<Utc>,
        /// Who.
        by: String,
        /// Why.
        reason: String,
    },
    /// An event of the B4 record clock.
    Clock {
        /// The clock's event.
        event: ClockEvent,
    },
}

impl CallbackEvent {
    /// When it happened.
    #[must_use]
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Self::Opened { at, .. }
            | Self::Assigned { at, .. }
            | Self::Attempted { at, .. }
            | Self::Rescheduled { at, .. }
            | Self::Finished { at, .. }
            | Self::ProblemsRaised { at, .. }
            | Self::Missed { at }
            | Self::Filed { at, .. }
            | Self::Cancelled { at, .. } => *at,
            Self::Clock { event } => event.at(),
        }
    }
}

/// A contact attempt recorded on a callback (rule B1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub by: String,
    /// How.
    pub channel: ContactChannel,
    /// Whether the customer was reached.
    pub reached: bool,
}

checked_state! {
    /// A callback's state.
    ///
    /// Reading one from a snapshot checks that it is a state a callback can be in (see [`InvalidState`]).
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
    pub struct CallbackState {
        kind: CallbackKind,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due: Option<Due>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        specialist: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scheduled: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attempts: Vec<Attempt>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        missed_at: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        done_at: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        result: Option<CallResult>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        filed_at: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cancelled_at: Option<DateTime<Utc>>,
        /// The B4 record clock, once the callback is done.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        record: Option<ClockState>,
    }
}

impl CallbackState {
    /// The kind of state.
    #[must_use]
    pub fn kind(&self) -> CallbackKind {
        self.kind
    }

    /// Whom, why and when, once opened (the window's end and the contact calendar resolved).
    #[must_use]
    pub fn due(&self) -> Option<&Due> {
        self.due.as_ref()
    }

    /// The due window, once opened.
    #[must_use]
    pub fn window(&self) -> Option<Window> {
        self.due.as_ref().and_then(|d| Some(Window { from: d.from, by: d.by? }))
    }

    /// The specialist, once assigned.
    #[must_use]
    pub fn specialist(&self) -> Option<&str> {
        self.specialist.as_deref()
    }

    /// The next contact instant, out of quiet hours (rule B9), while the callback is open.
    #[must_use]
    pub fn scheduled(&self) -> Option<DateTime<Utc>> {
        self.scheduled
    }

    /// The contact attempts, in order (rule B1).
    #[must_use]
    pub fn attempts(&self) -> &[Attempt] {
        &self.attempts
    }

    /// When the due window closed without a done callback (rule B10).
    #[must_use]
    pub fn missed_at(&self) -> Option<DateTime<Utc>> {
        self.missed_at
    }

    /// When the callback was done.
    #[must_use]
    pub fn done_at(&self) -> Option<DateTime<Utc>> {
        self.done_at
    }

    /// What the callback produced, once done.
    #[must_use]
    pub fn result(&self) -> Option<&CallResult> {
        self.result.as_ref()
    }

    /// When the record form was filed (rule B4).
    #[must_use]
    pub fn filed_at(&self) -> Option<DateTime<Utc>> {
        self.filed_at
    }

    /// When the callback was cancelled.
    #[must_use]
    pub fn cancelled_at(&self) -> Option<DateTime<Utc>> {
        self.cancelled_at
    }

    /// The B4 record clock, once the callback is done.
    #[must_use]
    pub fn record_clock(&self) -> Option<&ClockState> {
        self.record.as_ref()
    }

    /// Whether the callback is still to be made (opened, neither done nor cancelled).
    #[must_use]
    pub fn is_open(&self) -> bool {
        matches!(
            self.kind,
            CallbackKind::Due | CallbackKind::Assigned | CallbackKind::Attempted | CallbackKind::Rescheduled
        )
    }

    /// Checks what every reachable callback state satisfies: a due callback with its window once opened; a
    /// specialist once assigned; a result, a done instant and the record clock once done; the instants of filing
    /// and cancelling with those kinds; a next contact instant exactly while open.
    fn check(&self) -> Result<(), InvalidState> {
        let bad = |field: &str, problem: String| Err(InvalidState::new(Callback::NAME, field, problem));
        let kind = self.kind;
        match (&self.due, kind) {
            (None, CallbackKind::New) => {}
            (None, _) => return bad("due", format!("is missing for a `{}` callback", kind.name())),
            (Some(_), CallbackKind::New) => return bad("due", "is set on a callback never opened".into()),
            (Some(due), _) => match due.by {
                Some(by) if by > due.from => {}
                _ => return bad("due.by", "does not close the window after it opens".into()),
            },
        }
        let assigned = matches!(
            kind,
            CallbackKind::Assigned
                | CallbackKind::Attempted
                | CallbackKind::Rescheduled
                | CallbackKind::Done
                | CallbackKind::Filed
        );
        if assigned && self.specialist.is_none() {
            return bad("specialist", format!("is missing for a `{}` callback", kind.name()));
        }
        let done = matches!(kind, CallbackKind::Done | CallbackKind::Filed);
        if done != (self.done_at.is_some() && self.result.is_some() && self.record.is_some()) {
            return bad(
                "done_at",
                format!("and the result and record clock do not match a `{}` callback", kind.name()),
            );
        }
        if (kind == CallbackKind::Filed) != self.filed_at.is_some() {
            return bad("filed_at", format!("does not match a `{}` callback", kind.name()));
        }
        if (kind == CallbackKind::Cancelled) != self.cancelled_at.is_some() {
            return bad("cancelled_at", format!("does not match a `{}` callback", kind.name()));
        }
        if self.is_open() != self.scheduled.is_some() {
            return bad("scheduled", format!("does not match a `{}` callback", kind.name()));
        }
        Ok(())
    }

    fn live_record(&self) -> Option<&ClockState> {
        self.record.as_ref().filter(|c| matches!(c.kind(), ClockKind::Running | ClockKind::Overdue | ClockKind::Paused))
    }
}

/// Why a callback refused a command (beyond the transition table's refusals).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CallbackError {
    /// Someone other than the assigned specialist tried to call, finish or file the callback (rules B2, C3).
    /// How to fix: act as the assigned specialist, or reassign the callback first.
    #[error("the callback is assigned to `{specialist}`; `{principal}` may not act on it")]
    NotTheSpecialist {
        /// Who tried.
        principal: String,
        /// The assigned specialist.
        specialist: String,
    },
    /// The reason has no default window and none was given. How to fix: set [`Due::by`].
    #[error("a {rule} callback needs an explicit window end (`by`)")]
    NoWindow {
        /// The reason's rule.
        rule: &'static str,
    },
    /// The window ends before it starts. How to fix: give a later `by`.
    #[error("the due window is empty: from {from} by {by}")]
    EmptyWindow {
        /// Its start.
        from: DateTime<Utc>,
        /// Its end.
        by: DateTime<Utc>,
    },
    /// An empty specialist id. How to fix: name the specialist.
    #[error("a callback is assigned to a named specialist; the name is empty")]
    NoSpecialist,
    /// Rule B9: the customer is at rest. How to fix: try again at `next_open`.
    #[error("rule B9: {at} is in the customer's quiet hours; contact allowed from {next_open}")]
    QuietHours {
        /// The attempt's instant.
        at: DateTime<Utc>,
        /// The next instant contact is allowed.
        next_open: DateTime<Utc>,
    },
    /// A reschedule to a time already past. How to fix: ask the customer for a later time.
    #[error("cannot reschedule to {to}: it is already {now}")]
    InThePast {
        /// The requested time.
        to: DateTime<Utc>,
        /// The decision's instant.
        now: DateTime<Utc>,
    },
    /// An instant out of range.
    #[error("{from} plus the policy's window is out of range")]
    TooFar {
        /// The window's start.
        from: DateTime<Utc>,
    },
    /// The contact calendar is not configured.
    #[error(transparent)]
    UnknownCalendar(#[from] UnknownCalendar),
    /// The contact calendar could not answer (never open, out of range).
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// The B4 record clock refused.
    #[error("record clock: {0}")]
    Clock(Box<Rejection<ClockError>>),
}

const TABLE: &[Transition<CallbackKind, CallbackCommandKind>] = {
    use CallbackCommandKind as C;
    use CallbackKind as S;
    &[
        Transition::new(S::New, C::Open, &[S::Due]),
        Transition::new(S::Due, C::Assign, &[S::Assigned]),
        Transition::new(S::Due, C::Tick, &[S::Due]),
        Transition::new(S::Due, C::Cancel, &[S::Cancelled]),
        Transition::new(S::Assigned, C::Assign, &[S::Assigned]),
        Transition::new(S::Assigned, C::Attempt, &[S::Assigned, S::Attempted]),
        Transition::new(S::Assigned, C::Tick, &[S::Assigned]),
        Transition::new(S::Assigned, C::Cancel, &[S::Cancelled]),
        Transition::new(S::Attempted, C::Reschedule, &[S::Rescheduled]),
        Transition::new(S::Attempted, C::Finish, &[S::Done]),
        Transition::new(S::Attempted, C::Tick, &[S::Attempted]),
        Transition::new(S::Attempted, C::Cancel, &[S::Cancelled]),
        Transition::new(S::Rescheduled, C::Assign, &[S::Rescheduled]),
        Transition::new(S::Rescheduled, C::Attempt, &[S::Rescheduled, S::Attempted]),
        Transition::new(S::Rescheduled, C::Tick, &[S::Rescheduled]),
        Transition::new(S::Rescheduled, C::Cancel, &[S::Cancelled]),
        Transition::new(S::Done, C::File, &[S::Filed]),
        Transition::new(S::Done, C::Tick, &[S::Done]),
    ]
};

type Ctx<'a, 'b> = &'b Context<'a, CallbackConfig>;

/// The contact calendar's next allowed instant at or after `t` (rule B9).
fn contact_due(calendar: Option<&str>, t: DateTime<Utc>, ctx: Ctx<'_, '_>) -> Result<DateTime<Utc>, CallbackError> {
    match calendar {
        Some(name) => Ok(ctx.config().calendars.get(name)?.next_open(t)?),
        None => Ok(t),
    }
}

fn on_record(
    clock: &ClockState,
    command: &ClockCommand,
    ctx: Ctx<'_, '_>,
) -> Result<Vec<CallbackEvent>, CallbackError> {
    let events = decide::<Clock>(clock, command, &ctx.with_config(&ctx.config().calendars))
        .map_err(|source| CallbackError::Clock(Box::new(source)))?;
    Ok(events.into_iter().map(|event| CallbackEvent::Clock { event }).collect())
}

impl Machine for Callback {
    const NAME: &'static str = "callback";
    type State = CallbackState;
    type Command = CallbackCommand;
    type Event = CallbackEvent;
    type Config = CallbackConfig;
    type Error = CallbackError;
    type StateKind = CallbackKind;
    type CommandKind = CallbackCommandKind;

    fn initial() -> CallbackState {
        CallbackState::default()
    }

    fn transitions() -> &'static [Transition<CallbackKind, CallbackCommandKind>] {
        TABLE
    }

    fn finals() -> &'static [CallbackKind] {
        &[CallbackKind::Filed, CallbackKind::Cancelled]
    }

    fn state_kind(state: &CallbackState) -> CallbackKind {
        state.kind
    }

    fn command_kind(command: &CallbackCommand) -> CallbackCommandKind {
        match command {
            CallbackCommand::Open(_) => CallbackCommandKind::Open,
            CallbackCommand::Assign { .. } => CallbackCommandKind::Assign,
            CallbackCommand::Attempt { .. } => CallbackCommandKind::Attempt,
            CallbackCommand::Reschedule { .. } => CallbackCommandKind::Reschedule,
            CallbackCommand::Finish { .. } => CallbackCommandKind::Finish,
            CallbackCommand::File => CallbackCommandKind::File,
            CallbackCommand::Cancel { .. } => CallbackCommandKind::Cancel,
            CallbackCommand::Tick => CallbackCommandKind::Tick,
        }
    }

    fn handle(
        state: &CallbackState,
        command: &CallbackCommand,
        ctx: &Context<'_, CallbackConfig>,
    ) -> Result<Vec<CallbackEvent>, CallbackError> {
        let at = ctx.now();
        let by = || ctx.principal().id().to_owned();
        let policy = &ctx.config().policy;
        let calendar = state.due.as_ref().and_then(|d| d.contact_calendar.as_deref());
        let mut events = Vec::new();
        // Rules B2, C3: once distributed, the call, its result and its record are the assigned specialist's (or
        // the ERP's, acting as the system principal).
        if let (
            Some(specialist),
            CallbackCommand::Attempt { .. } | CallbackCommand::Finish { .. } | CallbackCommand::File,
        ) = (state.specialist.as_deref(), command)
        {
            let principal = ctx.principal();
            if principal.id() != specialist && !principal.is_system() {
                return Err(CallbackError::NotTheSpecialist {
                    principal: principal.id().to_owned(),
                    specialist: specialist.to_owned(),
                });
            }
        }
        match command {
            CallbackCommand::Open(due) => {
                let window_end = match (due.by, due.reason.default_window(policy)) {
                    (Some(end), _) => end,
                    (None, Some(d)) => {
                        due.from.checked_add_signed(d).ok_or(CallbackError::TooFar { from: due.from })?
                    }
                    (None, None) => return Err(CallbackError::NoWindow { rule: due.reason.rule() }),
                };
                if window_end <= due.from {
                    return Err(CallbackError::EmptyWindow { from: due.from, by: window_end });
                }
                let mut due = due.clone();
                due.by = Some(window_end);
                due.contact_calendar = due.contact_calendar.or_else(|| policy.quiet_hours.clone());
                // Rule B9: the first contact is the window's start, out of the customer's quiet hours.
                let scheduled = contact_due(due.contact_calendar.as_deref(), due.from, ctx)?;
                events.push(CallbackEvent::Opened { at, by: by(), due, scheduled });
            }
            CallbackCommand::Assign { specialist } => {
                if specialist.trim().is_empty() {
                    return Err(CallbackError::NoSpecialist);
                }
                events.push(CallbackEvent::Assigned { at, by: by(), specialist: specialist.clone() });
            }
            CallbackCommand::Attempt { channel, reached } => {
                // Rule B9: never disturb the customer at rest, whatever the channel.
                let next_open = contact_due(calendar, at, ctx)?;
                if next_open != at {
                    return Err(CallbackError::QuietHours { at, next_open });
                }
                events.push(CallbackEvent::Attempted { at, by: by(), channel: *channel, reached: *reached });
            }
            CallbackCommand::Reschedule { to } => {
                if let Some(to) = to.filter(|to| *to < at) {
                    return Err(CallbackError::InThePast { to, now: at });
                }
                let moved = contact_due(calendar, to.unwrap_or(at), ctx)?;
                events.push(CallbackEvent::Rescheduled { at, by: by(), requested: *to, to: moved });
            }
            CallbackCommand::Finish { result } => {
                events.push(CallbackEvent::Finished { at, by: by(), result: result.clone() });
                // Rule B5: problems go to the departments — the ERP opens a case for each.
                let problems = result.problems();
                if !problems.is_empty() {
                    events.push(CallbackEvent::ProblemsRaised { at, problems });
                }
                // Rule B4: the record form within 24 hours (regular) or 1 hour (lapsed customer).
                let standing = state.due.as_ref().map(|d| d.standing).unwrap_or_default();
                let start = ClockCommand::Start(policy.record(standing).clone());
                events.extend(on_record(&ClockState::default(), &start, ctx)?);
            }
            CallbackCommand::File => {
                if let Some(clock) = state.live_record() {
                    events.extend(on_record(clock, &ClockCommand::Stop, ctx)?);
                }
                events.push(CallbackEvent::Filed { at, by: by() });
            }
            CallbackCommand::Cancel { reason } => {
                events.push(CallbackEvent::Cancelled { at, by: by(), reason: reason.clone() });
            }
            CallbackCommand::Tick => {
                // Rule B10: a window that closes without a done callback is a miss, recorded at its end.
                if let Some(end) = missing_at(state).filter(|end| *end <= at) {
                    events.push(CallbackEvent::Missed { at: end });
                }
                if let Some(clock) = state.live_record() {
                    events.extend(on_record(clock, &ClockCommand::Tick, ctx)?);
                }
            }
        }
        Ok(events)
    }

    fn evolve(state: &mut CallbackState, event: &CallbackEvent) {
        match event {
            CallbackEvent::Opened { due, scheduled, .. } => {
                state.kind = CallbackKind::Due;
                state.due = Some(due.clone());
                state.scheduled = Some(*scheduled);
            }
            CallbackEvent::Assigned { specialist, .. } => {
                if state.kind == CallbackKind::Due {
                    state.kind = CallbackKind::Assigned;
                }
                state.specialist = Some(specialist.clone());
            }
            CallbackEvent::Attempted { at, by, channel, reached } => {
                state.attempts.push(Attempt { at: *at, by: by.clone(), channel: *channel, reached: *reached });
                if *reached {
                    state.kind = CallbackKind::Attempted;
                }
            }
            CallbackEvent::Rescheduled { to, .. } => {
                state.kind = CallbackKind::Rescheduled;
                state.scheduled = Some(*to);
            }
            CallbackEvent::Finished { at, result, .. } => {
                state.kind = CallbackKind::Done;
                state.done_at = Some(*at);
                state.scheduled = None;
                state.result = Some(result.clone());
            }
            CallbackEvent::ProblemsRaised { .. } => {}
            CallbackEvent::Missed { at } => state.missed_at = Some(*at),
            CallbackEvent::Filed { at, .. } => {
                state.kind = CallbackKind::Filed;
                state.filed_at = Some(*at);
            }
            CallbackEvent::Cancelled { at, .. } => {
                state.kind = CallbackKind::Cancelled;
                state.cancelled_at = Some(*at);
                state.scheduled = None;
            }
            CallbackEvent::Clock { event } => {
                if matches!(event, ClockEvent::Started { .. }) {
                    state.record = Some(ClockState::default());
                }
                if let Some(clock) = state.record.as_mut() {
                    Clock::evolve(clock, event);
                }
            }
        }
    }

    fn deadlines(state: &CallbackState) -> Vec<Deadline> {
        let mut deadlines: Vec<Deadline> = state.live_record().map(Clock::deadlines).unwrap_or_default();
        if let Some(end) = missing_at(state) {
            deadlines.push(Deadline::new(end, "b10_window"));
        }
        deadlines
    }
}

/// The window's end while the callback is open and not yet marked missed.
fn missing_at(state: &CallbackState) -> Option<DateTime<Utc>> {
    if state.is_open() && state.missed_at.is_none() { state.due.as_ref().and_then(|d| d.by) } else { None }
}
