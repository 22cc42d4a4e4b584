//! The case machine: every step of a case is an event with who and when; its time limits run on embedded SLA
//! clocks, whose warnings, breaches and escalations are part of the case's trail.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::class::{Class, Origin, Standing};
use super::policy::{CaseConfig, TimeLimit};
use crate::machine::{Context, Deadline, InvalidState, Kind, Machine, Rejection, Transition, checked_state, decide};
use crate::sla::{Clock, ClockCommand, ClockError, ClockEvent, ClockKind, ClockState, SlaPolicy};

/// The case machine (rules B5, B6, Q2, Q4, Q7). Its configuration is a [`CaseConfig`].
///
/// # Example: a complaint, closed only when the customer confirms (rule Q7)
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use kefu::calendar::{Calendar, CalendarSet};
/// use kefu::case::{Case, CaseCommand, CaseConfig, CaseKind, CasePolicies, InquiryChannel, Nature, Origin, Standing};
/// use kefu::machine::{Context, Instance, Principal, Rejection};
///
/// let desk: CalendarSet = [("service-desk", Calendar::always_open(chrono_tz::Asia::Shanghai))].into_iter().collect();
/// let config = CaseConfig::new(desk, CasePolicies::default())?;
/// let (agent, t0) = (Principal::new("zhang.san"), Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap());
/// let at = |h| Context::new(t0 + TimeDelta::hours(h), &agent, &config);
///
/// let mut case = Instance::<Case>::new();
/// case.execute(&CaseCommand::Open {
///     origin: Origin::inquiry(InquiryChannel::Phone, "The drums were left in the rain"),
///     class: Nature::Complaint.into(),
///     customer: "0042".into(),
///     standing: Standing::Regular,
/// }, &at(0))?;
/// assert_eq!(case.kind(), CaseKind::Investigating);
/// // Handling comes after the investigation.
/// let early = case.execute(&CaseCommand::Resolve { resolution: "sorry".into() }, &at(1)).unwrap_err();
/// assert!(matches!(early, Rejection::NotAllowed { .. }));
///
/// case.execute(&CaseCommand::Verify { findings: "confirmed by the warehouse".into() }, &at(2))?;
/// case.execute(&CaseCommand::Resolve { resolution: "drums replaced".into() }, &at(5))?;
/// case.execute(&CaseCommand::Answer { text: "we replaced the drums".into() }, &at(6))?;
/// assert_eq!(case.state().close_after(), Some(t0 + TimeDelta::hours(6 + 168))); // a week of silence closes it
/// case.execute(&CaseCommand::Confirm, &at(30))?;
/// assert_eq!(case.kind(), CaseKind::Closed);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Case;

/// The kinds of state of a case.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    /// Not opened yet.
    #[default]
    New,
    /// A complaint accepted and under investigation and verification (rule Q7).
    Investigating,
    /// At the service desk: its supervisor resolves it on the spot or refers it (rule B6).
    Handling,
    /// Referred to a department: the feedback form is on its way (rule B5, 1 hour).
    Referred,
    /// The department has it: first contact or a solution plan within 24 hours, chased by customer service (B5).
    WithDepartment,
    /// Handled: a resolution is recorded; the customer is still to be told.
    Resolved,
    /// The customer has the answer; waiting for their confirmation (rules Q2, Q7).
    Answered,
    /// The customer confirmed, or stayed silent for the configured time. Final.
    Closed,
    /// The case was withdrawn (a duplicate, the customer took it back). Final.
    Withdrawn,
}

impl Kind for CaseKind {
    const ALL: &'static [Self] = &[
        Self::New,
        Self::Investigating,
        Self::Handling,
        Self::Referred,
        Self::WithDepartment,
        Self::Resolved,
        Self::Answered,
        Self::Closed,
        Self::Withdrawn,
    ];

    fn name(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Investigating => "investigating",
            Self::Handling => "handling",
            Self::Referred => "referred",
            Self::WithDepartment => "with_department",
            Self::Resolved => "resolved",
            Self::Answered => "answered",
            Self::Closed => "closed",
            Self::Withdrawn => "withdrawn",
        }
    }
}

/// What can be asked of a case; the actor is the context's principal, the instant its `now`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CaseCommand {
    /// Open a case, classified at intake (rules Q2, Q3): a complaint is accepted for investigation (Q7); a callback
    /// problem naming its department goes to it (B5); anything else goes to the desk (B6).
    Open {
        /// Where it comes from.
        origin: Origin,
        /// Its class, which selects the SLA policies (Q4).
        class: Class,
        /// The customer's id in the ERP.
        customer: String,
        /// Regular or lapsed: what the department owes (B5).
        standing: Standing,
    },
    /// A first response to the customer (rule Q4).
    Respond {
        /// What was said.
        note: String,
    },
    /// The complaint is investigated and verified (rule Q7).
    Verify {
        /// What the investigation found.
        findings: String,
    },
    /// The supervisor cannot decide it: it goes to `department` (rules B5, B6).
    Refer {
        /// The responsible department.
        department: String,
    },
    /// The department acknowledges the feedback form (rule B5).
    Acknowledge,
    /// The department made first contact (regular customer) or answered with a solution plan (lapsed customer).
    Contact {
        /// The solution plan; required for a lapsed customer (B5 §2.4).
        plan: Option<String>,
    },
    /// Customer service chases the department (rule B5).
    Chase {
        /// What was said or agreed.
        note: String,
    },
    /// The case is handled: the resolution is recorded.
    Resolve {
        /// What was done or decided.
        resolution: String,
    },
    /// The answer is given to the customer.
    Answer {
        /// What the customer was told.
        text: String,
    },
    /// The customer confirms the answer: the case closes.
    Confirm,
    /// The customer is not satisfied: back to the desk.
    Reopen {
        /// Why.
        reason: String,
    },
    /// The case no longer applies; running clocks are cancelled.
    Withdraw {
        /// Why.
        reason: String,
    },
    /// Time has passed: clocks record their warnings, breaches and escalations; an answered case whose customer
    /// stayed silent long enough closes.
    Tick,
}

/// The kinds of [`CaseCommand`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[allow(missing_docs)] // one per command
pub enum CaseCommandKind {
    Open,
    Respond,
    Verify,
    Refer,
    Acknowledge,
    Contact,
    Chase,
    Resolve,
    Answer,
    Confirm,
    Reopen,
    Withdraw,
    Tick,
}

impl Kind for CaseCommandKind {
    const ALL: &'static [Self] = &[
        Self::Open,
        Self::Respond,
        Self::Verify,
        Self::Refer,
        Self::Acknowledge,
        Self::Contact,
        Self::Chase,
        Self::Resolve,
        Self::Answer,
        Self::Confirm,
        Self::Reopen,
        Self::Withdraw,
        Self::Tick,
    ];

    fn name(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Respond => "respond",
            Self::Verify => "verify",
            Self::Refer => "refer",
            Self::Acknowledge => "acknowledge",
            Self::Contact => "contact",
            Self::Chase => "chase",
            Self::Resolve => "resolve",
            Self::Answer => "answer",
            Self::Confirm => "confirm",
            Self::Reopen => "reopen",
            Self::Withdraw => "withdraw",
            Self::Tick => "tick",
        }
    }
}

/// A fact in a case's life. Every step says who (`by`, a principal id) and when (`at`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CaseEvent {
    /// The case was opened and classified.
    Opened {
        /// When.
        at: DateTime<Utc>,
        /// Who.
        by: String,
        /// Where it came from.
        origin: Origin,
        /// Its class.
        class: Class,
        /// The customer's id.
        customer: String,
        /// Regular or lapsed.
        standing: Standing,
        /// The silence after which an answered case closes by itself, from the class's policy (copied so that
        /// replay needs no configuration).
        #[serde(default, skip_serializing_if = "Option::is_none", with = "super::policy::opt_human")]
        confirm_silence: Option<chrono::TimeDelta>,
    },
    /// A first response was given.
    Responded {
        /// When.
        at: DateTime<Utc>,
        /// Who.
        by: String,
        /// What was said.
        note: String,
    },
    /// The complaint was investigated and verified.
    Verified {
        /// When.
        at: DateTime<Utc>,
        /// Who.
        by: String,
        /// What was found.
        findings: String,
    },
    /// The case was referred to a department.
    Referred {
        /// When.
        at: DateTime<Utc>,
        /// Who.
        by: String,
        /// The department.
        department: String,
    },
    /// The department acknowledged the feedback form.
    Acknowledged {
        /// When.
        at: DateTime<Utc>,
        /// Who, on the department's behalf.
        by: String,
        /// The department.
        department: String,
    },
    /// The department made first contact, or answered with a solution plan.
    Contacted {
        /// When.
        at: DateTime<Utc>,
        /// Who.
        by: String,
        /// The solution plan, if one was given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        plan: Option<String>,
    },
    /// Customer service chased the department.
    Chased {
        /// When.
        at: DateTime<Utc>,
        /// Who chased.
        by: String,
        /// The department chased.
        department: String,
        /// What was said or agreed.
        note: String,
    },
    /// The case was handled.
    Resolved {
        /// When.
        at: DateTime<Utc>,
        /// Who.
        by: String,
        /// What was done or decided.
        resolution: String,
    },
    /// The customer was given the answer.
    Answered {
        /// When.
        at: DateTime<Utc>,
        /// Who.
        by: String,
        /// What they were told.
        text: String,
        /// When the case closes by itself if the customer stays silent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        close_after: Option<DateTime<Utc>>,
    },
    /// The customer confirmed: closed.
    Confirmed {
        /// When.
        at: DateTime<Utc>,
        /// Who recorded the confirmation.
        by: String,
    },
    /// The customer stayed silent after the answer: closed.
    ClosedBySilence {
        /// When the silence ran out.
        at: DateTime<Utc>,
    },
    /// The customer was not satisfied: back to the desk.
    Reopened {
        /// When.
        at: DateTime<Utc>,
        /// Who.
        by: String,
        /// Why.
        reason: String,
    },
    /// The case was withdrawn.
    Withdrawn {
        /// When.
        at: DateTime<Utc>,
        /// Who.
        by: String,
        /// Why.
        reason: String,
    },
    /// An event of one time limit's SLA clock (started, warned, breached, escalated, met, cancelled).
    Clock {
        /// The time limit. Stored as `obligation`, the field's name in earlier event logs.
        #[serde(rename = "obligation")]
        limit: TimeLimit,
        /// The clock's event.
        event: ClockEvent,
    },
}

impl CaseEvent {
    /// The instant the fact happened.
    #[must_use]
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Self::Opened { at, .. }
            | Self::Responded { at, .. }
            | Self::Verified { at, .. }
            | Self::Referred { at, .. }
            | Self::Acknowledged { at, .. }
            | Self::Contacted { at, .. }
            | Self::Chased { at, .. }
            | Self::Resolved { at, .. }
            | Self::Answered { at, .. }
            | Self::Confirmed { at, .. }
            | Self::ClosedBySilence { at }
            | Self::Reopened { at, .. }
            | Self::Withdrawn { at, .. } => *at,
            Self::Clock { event, .. } => event.at(),
        }
    }
}

/// A chase recorded on a case (rule B5).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chase {
    /// Who chased.
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The department chased.
    pub department: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Opening {
    origin: Origin,
    class: Class,
    customer: String,
    standing: Standing,
    by: String,
    at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "super::policy::opt_human")]
    confirm_silence: Option<chrono::TimeDelta>,
}

checked_state! {
    /// A case's state: the step it is at, what it came from, and the latest SLA clock of each time limit.
    ///
    /// Reading one from a snapshot checks that it is a state a case can be in (see [`InvalidState`]).
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use kefu::calendar::{Calendar, CalendarSet};
    /// use kefu::case::{Case, CaseCommand, CaseConfig, CasePolicies, InquiryChannel, Nature, TimeLimit, Origin, Standing};
    /// use kefu::machine::{Context, Instance, Principal};
    ///
    /// let desk: CalendarSet = [("service-desk", Calendar::always_open(chrono_tz::UTC))].into_iter().collect();
    /// let config = CaseConfig::new(desk, CasePolicies::default())?;
    /// let (agent, t0) = (Principal::new("zhang.san"), Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap());
    /// let mut case = Instance::<Case>::new();
    /// let open = CaseCommand::Open {
    ///     origin: Origin::inquiry(InquiryChannel::Chat, "Is there a discount for 20 tonnes?"),
    ///     class: Nature::Price.into(),
    ///     customer: "0042".into(),
    ///     standing: Standing::Regular,
    /// };
    /// case.execute(&open, &Context::new(t0, &agent, &config))?;
    /// // An inquiry runs two clocks at once: the first response (Q4) and the desk's hour (B6).
    /// assert_eq!(case.state().running().collect::<Vec<_>>(), [TimeLimit::Respond, TimeLimit::Handle]);
    /// assert_eq!(case.state().customer(), Some("0042"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
    pub struct CaseState {
        kind: CaseKind,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opening: Option<Opening>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        department: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        contacted: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        chases: Vec<Chase>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        resolution: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        close_after: Option<DateTime<Utc>>,
        /// One SLA clock per time limit that has applied so far (the latest run of each).
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        clocks: BTreeMap<TimeLimit, ClockState>,
    }
}

/// Whether a clock is still counting or paused (not idle, not met, not cancelled).
fn live(clock: &ClockState) -> bool {
    matches!(clock.kind(), ClockKind::Running | ClockKind::Overdue | ClockKind::Paused)
}

impl CaseState {
    /// The kind of state.
    #[must_use]
    pub fn kind(&self) -> CaseKind {
        self.kind
    }

    /// Where the case came from, once opened.
    #[must_use]
    pub fn origin(&self) -> Option<&Origin> {
        self.opening.as_ref().map(|o| &o.origin)
    }

    /// The case's class, once opened.
    #[must_use]
    pub fn class(&self) -> Option<Class> {
        self.opening.as_ref().map(|o| o.class)
    }

    /// The customer's id, once opened.
    #[must_use]
    pub fn customer(&self) -> Option<&str> {
        self.opening.as_ref().map(|o| o.customer.as_str())
    }

    /// The customer's standing, once opened.
    #[must_use]
    pub fn standing(&self) -> Option<Standing> {
        self.opening.as_ref().map(|o| o.standing)
    }

    /// Who opened the case, and when.
    #[must_use]
    pub fn opened(&self) -> Option<(&str, DateTime<Utc>)> {
        self.opening.as_ref().map(|o| (o.by.as_str(), o.at))
    }

    /// The responsible department, once one is named.
    #[must_use]
    pub fn department(&self) -> Option<&str> {
        self.department.as_deref()
    }

    /// When the department made first contact (or gave its solution plan).
    #[must_use]
    pub fn contacted(&self) -> Option<DateTime<Utc>> {
        self.contacted
    }

    /// The chases recorded, in order.
    #[must_use]
    pub fn chases(&self) -> &[Chase] {
        &self.chases
    }

    /// The resolution, once handled.
    #[must_use]
    pub fn resolution(&self) -> Option<&str> {
        self.resolution.as_deref()
    }

    /// When an answered case closes by itself if the customer stays silent.
    #[must_use]
    pub fn close_after(&self) -> Option<DateTime<Utc>> {
        self.close_after
    }

    /// The latest clock of `limit`, if that time limit has applied.
    #[must_use]
    pub fn clock(&self, limit: TimeLimit) -> Option<&ClockState> {
        self.clocks.get(&limit)
    }

    /// Every time limit's latest clock, in [`TimeLimit`] order.
    pub fn clocks(&self) -> impl Iterator<Item = (TimeLimit, &ClockState)> {
        self.clocks.iter().map(|(o, c)| (*o, c))
    }

    /// The time limits whose clocks are running or paused.
    pub fn running(&self) -> impl Iterator<Item = TimeLimit> + '_ {
        self.clocks.iter().filter(|(_, c)| live(c)).map(|(o, _)| *o)
    }

    /// Checks what every reachable case state satisfies: opened unless new; a department once referred; a
    /// resolution once resolved; every clock in the map started.
    fn check(&self) -> Result<(), InvalidState> {
        let bad = |field: &str, problem: String| Err(InvalidState::new(Case::NAME, field, problem));
        let kind = self.kind;
        if (kind == CaseKind::New) != self.opening.is_none() {
            return bad("opening", format!("does not match a `{}` case", kind.name()));
        }
        if matches!(kind, CaseKind::Referred | CaseKind::WithDepartment) && self.department.is_none() {
            return bad("department", format!("is missing for a `{}` case", kind.name()));
        }
        if matches!(kind, CaseKind::Resolved | CaseKind::Answered) && self.resolution.is_none() {
            return bad("resolution", format!("is missing for a `{}` case", kind.name()));
        }
        if let Some((limit, _)) = self.clocks.iter().find(|(_, c)| c.kind() == ClockKind::Idle) {
            return bad(&format!("clocks.{}", limit.name()), "was never started".into());
        }
        Ok(())
    }

    fn live_clock(&self, limit: TimeLimit) -> Option<&ClockState> {
        self.clocks.get(&limit).filter(|c| live(c))
    }
}

/// Why a case refused a command (beyond the transition table's refusals).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CaseError {
    /// A lapsed customer is owed a solution plan, not just a call (rule B5 §2.4). How to fix: give the plan.
    #[error("customer `{customer}` is lapsed: the department answers with a solution plan (rule B5)")]
    PlanRequired {
        /// The customer's id.
        customer: String,
    },
    /// The department's first contact is already recorded. How to fix: record further talks as chases or resolve.
    #[error("the department's first contact is already recorded (at {at})")]
    AlreadyContacted {
        /// When it was recorded.
        at: DateTime<Utc>,
    },
    /// A referral without a department. How to fix: name the responsible department.
    #[error("a case is referred to a named department; the name is empty")]
    NoDepartment,
    /// A time limit's clock refused (e.g. its policy counts on a calendar the configuration lacks, or the command
    /// is earlier than the clock's latest event). How to fix: see the clock's reason.
    #[error("{} clock: {source}", limit.name())]
    Clock {
        /// The time limit.
        limit: TimeLimit,
        /// The clock's refusal.
        source: Box<Rejection<ClockError>>,
    },
}

const TABLE: &[Transition<CaseKind, CaseCommandKind>] = {
    use CaseCommandKind as C;
    use CaseKind as S;
    &[
        Transition::new(S::New, C::Open, &[S::Investigating, S::Handling, S::Referred]),
        Transition::new(S::Investigating, C::Respond, &[S::Investigating]),
        Transition::new(S::Investigating, C::Verify, &[S::Handling]),
        Transition::new(S::Investigating, C::Tick, &[S::Investigating]),
        Transition::new(S::Investigating, C::Withdraw, &[S::Withdrawn]),
        Transition::new(S::Handling, C::Respond, &[S::Handling]),
        Transition::new(S::Handling, C::Refer, &[S::Referred]),
        Transition::new(S::Handling, C::Resolve, &[S::Resolved]),
        Transition::new(S::Handling, C::Tick, &[S::Handling]),
        Transition::new(S::Handling, C::Withdraw, &[S::Withdrawn]),
        Transition::new(S::Referred, C::Acknowledge, &[S::WithDepartment]),
        Transition::new(S::Referred, C::Chase, &[S::Referred]),
        Transition::new(S::Referred, C::Respond, &[S::Referred]),
        Transition::new(S::Referred, C::Tick, &[S::Referred]),
        Transition::new(S::Referred, C::Withdraw, &[S::Withdrawn]),
        Transition::new(S::WithDepartment, C::Contact, &[S::WithDepartment]),
        Transition::new(S::WithDepartment, C::Chase, &[S::WithDepartment]),
        Transition::new(S::WithDepartment, C::Respond, &[S::WithDepartment]),
        Transition::new(S::WithDepartment, C::Resolve, &[S::Resolved]),
        Transition::new(S::WithDepartment, C::Tick, &[S::WithDepartment]),
        Transition::new(S::WithDepartment, C::Withdraw, &[S::Withdrawn]),
        Transition::new(S::Resolved, C::Respond, &[S::Resolved]),
        Transition::new(S::Resolved, C::Answer, &[S::Answered]),
        Transition::new(S::Resolved, C::Tick, &[S::Resolved]),
        Transition::new(S::Resolved, C::Withdraw, &[S::Withdrawn]),
        Transition::new(S::Answered, C::Confirm, &[S::Closed]),
        Transition::new(S::Answered, C::Reopen, &[S::Handling]),
        Transition::new(S::Answered, C::Tick, &[S::Answered, S::Closed]),
    ]
};

/// Runs `command` on a clock and wraps its events.
fn on_clock(
    limit: TimeLimit,
    clock: &ClockState,
    command: &ClockCommand,
    ctx: &Context<'_, CaseConfig>,
) -> Result<Vec<CaseEvent>, CaseError> {
    let events = decide::<Clock>(clock, command, &ctx.with_config(&ctx.config().calendars))
        .map_err(|source| CaseError::Clock { limit, source: Box::new(source) })?;
    Ok(events.into_iter().map(|event| CaseEvent::Clock { limit, event }).collect())
}

/// Starts a fresh clock for `limit` under `policy` (a new run replaces an ended one, e.g. after a reopen).
fn start(limit: TimeLimit, policy: &SlaPolicy, ctx: &Context<'_, CaseConfig>) -> Result<Vec<CaseEvent>, CaseError> {
    on_clock(limit, &ClockState::default(), &ClockCommand::Start(policy.clone()), ctx)
}

/// Starts `limit`'s clock under the case's class policy, when the class has one.
fn start_for(state: &CaseState, limit: TimeLimit, ctx: &Context<'_, CaseConfig>) -> Result<Vec<CaseEvent>, CaseError> {
    let Some(opening) = &state.opening else { return Ok(Vec::new()) };
    let class = ctx.config().policies.for_class(opening.class);
    match class.policy(limit, opening.standing) {
        Some(policy) => start(limit, policy, ctx),
        None => Ok(Vec::new()),
    }
}

/// Runs `command` (stop, cancel, tick) on `limit`'s clock if it is live.
fn settle(
    state: &CaseState,
    limit: TimeLimit,
    command: &ClockCommand,
    ctx: &Context<'_, CaseConfig>,
) -> Result<Vec<CaseEvent>, CaseError> {
    match state.live_clock(limit) {
        Some(clock) => on_clock(limit, clock, command, ctx),
        None => Ok(Vec::new()),
    }
}

/// Runs `command` on every live clock, in [`TimeLimit`] order.
fn settle_all(
    state: &CaseState,
    command: &ClockCommand,
    ctx: &Context<'_, CaseConfig>,
) -> Result<Vec<CaseEvent>, CaseError> {
    let mut events = Vec::new();
    for limit in TimeLimit::ALL {
        events.extend(settle(state, limit, command, ctx)?);
    }
    Ok(events)
}

impl Machine for Case {
    const NAME: &'static str = "case";
    type State = CaseState;
    type Command = CaseCommand;
    type Event = CaseEvent;
    type Config = CaseConfig;
    type Error = CaseError;
    type StateKind = CaseKind;
    type CommandKind = CaseCommandKind;

    fn initial() -> CaseState {
        CaseState::default()
    }

    fn transitions() -> &'static [Transition<CaseKind, CaseCommandKind>] {
        TABLE
    }

    fn finals() -> &'static [CaseKind] {
        &[CaseKind::Closed, CaseKind::Withdrawn]
    }

    fn state_kind(state: &CaseState) -> CaseKind {
        state.kind
    }

    fn command_kind(command: &CaseCommand) -> CaseCommandKind {
        match command {
            CaseCommand::Open { .. } => CaseCommandKind::Open,
            CaseCommand::Respond { .. } => CaseCommandKind::Respond,
            CaseCommand::Verify { .. } => CaseCommandKind::Verify,
            CaseCommand::Refer { .. } => CaseCommandKind::Refer,
            CaseCommand::Acknowledge => CaseCommandKind::Acknowledge,
            CaseCommand::Contact { .. } => CaseCommandKind::Contact,
            CaseCommand::Chase { .. } => CaseCommandKind::Chase,
            CaseCommand::Resolve { .. } => CaseCommandKind::Resolve,
            CaseCommand::Answer { .. } => CaseCommandKind::Answer,
            CaseCommand::Confirm => CaseCommandKind::Confirm,
            CaseCommand::Reopen { .. } => CaseCommandKind::Reopen,
            CaseCommand::Withdraw { .. } => CaseCommandKind::Withdraw,
            CaseCommand::Tick => CaseCommandKind::Tick,
        }
    }

    fn handle(
        state: &CaseState,
        command: &CaseCommand,
        ctx: &Context<'_, CaseConfig>,
    ) -> Result<Vec<CaseEvent>, CaseError> {
        let at = ctx.now();
        let by = || ctx.principal().id().to_owned();
        let Some(opening) = &state.opening else {
            // Only `Open` is declared before the case is open.
            let CaseCommand::Open { origin, class, customer, standing } = command else { return Ok(Vec::new()) };
            let policy = ctx.config().policies.for_class(*class);
            let mut events = vec![CaseEvent::Opened {
                at,
                by: by(),
                origin: origin.clone(),
                class: *class,
                customer: customer.clone(),
                standing: *standing,
                confirm_silence: policy.confirm_silence,
            }];
            // Rule Q4: an inquiry's customer waits for a first response.
            if let (true, Some(respond)) = (origin.awaits_response(), &policy.respond) {
                events.extend(start(TimeLimit::Respond, respond, ctx)?);
            }
            // Rule B5: a problem whose department is known goes to it within the hour; otherwise the desk
            // handles it on the spot (B6), a complaint after its investigation (Q7).
            if origin.department().is_some() && !class.is_complaint() {
                events.extend(start(TimeLimit::Forward, &policy.forward, ctx)?);
            } else {
                events.extend(start(TimeLimit::Handle, &policy.handle, ctx)?);
            }
            return Ok(events);
        };
        let mut events = Vec::new();
        match command {
            CaseCommand::Open { .. } => {}
            CaseCommand::Tick => {
                events = settle_all(state, &ClockCommand::Tick, ctx)?;
                if let Some(close) = state.close_after.filter(|c| state.kind == CaseKind::Answered && *c <= at) {
                    events.push(CaseEvent::ClosedBySilence { at: close });
                }
            }
            CaseCommand::Respond { note } => {
                events = settle(state, TimeLimit::Respond, &ClockCommand::Stop, ctx)?;
                events.push(CaseEvent::Responded { at, by: by(), note: note.clone() });
            }
            CaseCommand::Verify { findings } => {
                events.push(CaseEvent::Verified { at, by: by(), findings: findings.clone() });
            }
            CaseCommand::Refer { department } => {
                if department.trim().is_empty() {
                    return Err(CaseError::NoDepartment);
                }
                // Rule B6: deciding on the spot that it belongs to another department is handling it.
                events = settle(state, TimeLimit::Handle, &ClockCommand::Stop, ctx)?;
                events.push(CaseEvent::Referred { at, by: by(), department: department.clone() });
                events.extend(start_for(state, TimeLimit::Forward, ctx)?);
            }
            CaseCommand::Acknowledge => {
                events = settle(state, TimeLimit::Forward, &ClockCommand::Stop, ctx)?;
                let department = state.department.clone().unwrap_or_default();
                events.push(CaseEvent::Acknowledged { at, by: by(), department });
                events.extend(start_for(state, TimeLimit::Department, ctx)?);
            }
            CaseCommand::Contact { plan } => {
                if let Some(at) = state.contacted {
                    return Err(CaseError::AlreadyContacted { at });
                }
                if opening.standing == Standing::Lapsed && plan.as_deref().is_none_or(|p| p.trim().is_empty()) {
                    return Err(CaseError::PlanRequired { customer: opening.customer.clone() });
                }
                events = settle(state, TimeLimit::Department, &ClockCommand::Stop, ctx)?;
                events.push(CaseEvent::Contacted { at, by: by(), plan: plan.clone() });
            }
            CaseCommand::Chase { note } => {
                let department = state.department.clone().unwrap_or_default();
                events.push(CaseEvent::Chased { at, by: by(), department, note: note.clone() });
            }
            CaseCommand::Resolve { resolution } => {
                events = settle(state, TimeLimit::Handle, &ClockCommand::Stop, ctx)?;
                events.extend(settle(state, TimeLimit::Department, &ClockCommand::Stop, ctx)?);
                events.push(CaseEvent::Resolved { at, by: by(), resolution: resolution.clone() });
            }
            CaseCommand::Answer { text } => {
                events = settle(state, TimeLimit::Respond, &ClockCommand::Stop, ctx)?;
                let close_after = opening.confirm_silence.and_then(|s| at.checked_add_signed(s));
                events.push(CaseEvent::Answered { at, by: by(), text: text.clone(), close_after });
            }
            CaseCommand::Confirm => events.push(CaseEvent::Confirmed { at, by: by() }),
            CaseCommand::Reopen { reason } => {
                events.push(CaseEvent::Reopened { at, by: by(), reason: reason.clone() });
                events.extend(start_for(state, TimeLimit::Handle, ctx)?);
            }
            CaseCommand::Withdraw { reason } => {
                events = settle_all(state, &ClockCommand::Cancel { reason: format!("case withdrawn: {reason}") }, ctx)?;
                events.push(CaseEvent::Withdrawn { at, by: by(), reason: reason.clone() });
            }
        }
        Ok(events)
    }

    fn evolve(state: &mut CaseState, event: &CaseEvent) {
        match event {
            CaseEvent::Opened { at, by, origin, class, customer, standing, confirm_silence } => {
                state.kind = if class.is_complaint() {
                    CaseKind::Investigating
                } else if origin.department().is_some() {
                    CaseKind::Referred
                } else {
                    CaseKind::Handling
                };
                if !class.is_complaint() {
                    state.department = origin.department().map(str::to_owned);
                }
                state.opening = Some(Opening {
                    origin: origin.clone(),
                    class: *class,
                    customer: customer.clone(),
                    standing: *standing,
                    by: by.clone(),
                    at: *at,
                    confirm_silence: *confirm_silence,
                });
            }
            CaseEvent::Responded { .. } | CaseEvent::Clock { .. } => {}
            CaseEvent::Verified { .. } => state.kind = CaseKind::Handling,
            CaseEvent::Referred { department, .. } => {
                state.kind = CaseKind::Referred;
                state.department = Some(department.clone());
                state.contacted = None;
            }
            CaseEvent::Acknowledged { .. } => state.kind = CaseKind::WithDepartment,
            CaseEvent::Contacted { at, .. } => state.contacted = Some(*at),
            CaseEvent::Chased { at, by, department, .. } => {
                state.chases.push(Chase { by: by.clone(), at: *at, department: department.clone() });
            }
            CaseEvent::Resolved { resolution, .. } => {
                state.kind = CaseKind::Resolved;
                state.resolution = Some(resolution.clone());
            }
            CaseEvent::Answered { close_after, .. } => {
                state.kind = CaseKind::Answered;
                state.close_after = *close_after;
            }
            CaseEvent::Confirmed { .. } | CaseEvent::ClosedBySilence { .. } => {
                state.kind = CaseKind::Closed;
                state.close_after = None;
            }
            CaseEvent::Reopened { .. } => {
                state.kind = CaseKind::Handling;
                state.close_after = None;
                state.resolution = None;
            }
            CaseEvent::Withdrawn { .. } => state.kind = CaseKind::Withdrawn,
        }
        if let CaseEvent::Clock { limit, event } = event {
            if matches!(event, ClockEvent::Started { .. }) {
                state.clocks.insert(*limit, ClockState::default());
            }
            if let Some(clock) = state.clocks.get_mut(limit) {
                Clock::evolve(clock, event);
            }
        }
    }

    fn deadlines(state: &CaseState) -> Vec<Deadline> {
        let mut deadlines: Vec<Deadline> =
            state.clocks.values().filter(|c| live(c)).flat_map(Clock::deadlines).collect();
        if let (CaseKind::Answered, Some(at)) = (state.kind, state.close_after) {
            deadlines.push(Deadline::new(at, "confirm_silence"));
        }
        deadlines
    }
}
