//! The SLA clock: a decider whose events (started, warned, breached, escalated, paused, resumed, met, cancelled)
//! are the obligation's audit trail.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::ClockError;
use super::measure::Ruler;
use super::policy::SlaPolicy;
use crate::calendar::CalendarSet;
use crate::duration;
use crate::machine::{Context, Deadline, InvalidState, Kind, Machine, Role, Transition, checked_state};

/// The SLA clock machine. Its configuration is the [`CalendarSet`] that business-time targets name.
#[derive(Clone, Copy, Debug)]
pub struct Clock;

/// The kinds of state a clock is in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockKind {
    /// Not started.
    #[default]
    Idle,
    /// Counting, not yet breached.
    Running,
    /// Counting past its due instant: breached, escalating along the ladder.
    Overdue,
    /// Stopped counting for a while (waiting for the customer, say); resumes where it left off.
    Paused,
    /// The obligation was met (on time or late). Final.
    Met,
    /// The obligation no longer applies. Final.
    Cancelled,
}

impl Kind for ClockKind {
    const ALL: &'static [Self] = &[Self::Idle, Self::Running, Self::Overdue, Self::Paused, Self::Met, Self::Cancelled];

    fn name(self) -> &'static str {
        match self {
            Self::Idle => "idle",
            Self::Running => "running",
            Self::Overdue => "overdue",
            Self::Paused => "paused",
            Self::Met => "met",
            Self::Cancelled => "cancelled",
        }
    }
}

/// What can be asked of a clock. The instant is the context's `now`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClockCommand {
    /// Start counting under a policy (a business-time clock counts from the next opening).
    Start(SlaPolicy),
    /// Stop counting for a while.
    Pause {
        /// Why, for the audit trail (e.g. "waiting for the customer's documents").
        reason: Option<String>,
    },
    /// Count again, from where the clock paused.
    Resume,
    /// The obligation is met.
    Stop,
    /// The obligation no longer applies.
    Cancel {
        /// Why, for the audit trail.
        reason: String,
    },
    /// Time has passed: record the warnings, breach and escalations that fell due. Harmless when nothing is due.
    Tick,
}

/// The kinds of [`ClockCommand`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[allow(missing_docs)] // one per command
pub enum ClockCommandKind {
    Start,
    Pause,
    Resume,
    Stop,
    Cancel,
    Tick,
}

impl Kind for ClockCommandKind {
    const ALL: &'static [Self] = &[Self::Start, Self::Pause, Self::Resume, Self::Stop, Self::Cancel, Self::Tick];

    fn name(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Pause => "pause",
            Self::Resume => "resume",
            Self::Stop => "stop",
            Self::Cancel => "cancel",
            Self::Tick => "tick",
        }
    }
}

/// A point on the clock's measured-time axis at which something happens, in the order they happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Threshold {
    /// A warning when this many thousandths of the target are used.
    Warning {
        /// Thousandths of the target (750 = 75%).
        permille: u16,
    },
    /// The target is used up: the obligation is breached.
    Breach,
    /// A rung of the escalation ladder (1 = first) is reached.
    Escalation {
        /// The rung, counted from 1.
        level: u16,
    },
}

/// A fact in a clock's life, with the instant it happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClockEvent {
    /// The clock started under `policy`; it counts from `counting_from`.
    Started {
        /// When the start was commanded.
        at: DateTime<Utc>,
        /// When counting begins (the next opening, for business time).
        counting_from: DateTime<Utc>,
        /// The policy it runs under, copied so that the trail is self-contained.
        policy: SlaPolicy,
        /// The measured time the target allows.
        #[serde(with = "duration::human")]
        budget: TimeDelta,
        /// When each threshold (warnings, breach, escalations) falls due if the clock runs uninterrupted.
        schedule: Vec<DateTime<Utc>>,
    },
    /// A warning threshold was crossed.
    Warned {
        /// When it was crossed.
        at: DateTime<Utc>,
        /// Which fraction, in thousandths.
        permille: u16,
    },
    /// The due instant passed with the obligation unmet.
    Breached {
        /// The due instant.
        at: DateTime<Utc>,
    },
    /// A rung of the escalation ladder was reached.
    Escalated {
        /// When it was reached.
        at: DateTime<Utc>,
        /// The rung, counted from 1.
        level: u16,
        /// The role escalated to.
        to: Role,
    },
    /// Counting stopped for a while.
    Paused {
        /// When.
        at: DateTime<Utc>,
        /// Measured time used so far.
        #[serde(with = "duration::human")]
        consumed: TimeDelta,
        /// Why.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// Counting resumed; the remaining thresholds were rescheduled.
    Resumed {
        /// When.
        at: DateTime<Utc>,
        /// When each threshold not yet crossed now falls due.
        schedule: Vec<DateTime<Utc>>,
    },
    /// The obligation was met.
    Met {
        /// When.
        at: DateTime<Utc>,
        /// Whether the clock had breached.
        late: bool,
        /// Measured time used in all.
        #[serde(with = "duration::human")]
        consumed: TimeDelta,
    },
    /// The obligation was cancelled.
    Cancelled {
        /// When.
        at: DateTime<Utc>,
        /// Why.
        reason: String,
        /// Measured time used in all.
        #[serde(with = "duration::human")]
        consumed: TimeDelta,
    },
}

impl ClockEvent {
    /// The instant the fact happened.
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            ClockEvent::Started { at, .. }
            | ClockEvent::Warned { at, .. }
            | ClockEvent::Breached { at }
            | ClockEvent::Escalated { at, .. }
            | ClockEvent::Paused { at, .. }
            | ClockEvent::Resumed { at, .. }
            | ClockEvent::Met { at, .. }
            | ClockEvent::Cancelled { at, .. } => *at,
        }
    }
}

checked_state! {
    /// A clock's state: its kind and, once started, its run.
    ///
    /// Reading one from a snapshot checks that it is a state the clock can be in (see [`InvalidState`]).
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
    pub struct ClockState {
        kind: ClockKind,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        run: Option<Run>,
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Run {
    policy: SlaPolicy,
    #[serde(with = "duration::human")]
    budget: TimeDelta,
    started_at: DateTime<Utc>,
    counting_from: DateTime<Utc>,
    /// Thresholds crossed so far (they are crossed in order).
    fired: usize,
    /// Per threshold: when it was crossed, or (not yet crossed, while counting) when it falls due.
    at: Vec<DateTime<Utc>>,
    /// Measured time used before the current counting segment.
    #[serde(with = "duration::human")]
    consumed: TimeDelta,
    /// Start of the current counting segment, while counting.
    segment_start: Option<DateTime<Utc>>,
    /// Instant of the latest event: commands may not go back before it.
    last_at: DateTime<Utc>,
}

/// `budget × permille / 1000`, to the nanosecond.
fn fraction_of(budget: TimeDelta, permille: u16) -> TimeDelta {
    match budget.num_nanoseconds() {
        Some(ns) => TimeDelta::nanoseconds((i128::from(ns) * i128::from(permille) / 1000) as i64),
        None => TimeDelta::milliseconds(budget.num_milliseconds() / 1000 * i64::from(permille)),
    }
}

/// The thresholds of a policy with the measured time at which each is crossed, in order.
pub(crate) fn thresholds(policy: &SlaPolicy, budget: TimeDelta) -> Vec<(Threshold, TimeDelta)> {
    let warnings =
        policy.warnings_permille().iter().map(|&p| (Threshold::Warning { permille: p }, fraction_of(budget, p)));
    let mut position = budget;
    let escalations = policy.escalation().iter().enumerate().map(move |(i, e)| {
        // Saturates: a ladder longer than the representable time is due "never".
        position = position.checked_add(&e.after).unwrap_or(TimeDelta::MAX);
        (Threshold::Escalation { level: u16::try_from(i + 1).unwrap_or(u16::MAX) }, position)
    });
    warnings.chain([(Threshold::Breach, budget)]).chain(escalations).collect()
}

/// When each of `thresholds` falls due if counting from `from` with `consumed` already used, in order.
///
/// A working-day target is due at an instant a person would name: when its breach falls on a closing instant (the
/// end of the last open stretch), it moves to the next opening — the answer of
/// [`Calendar::add_working_days`](crate::calendar::Calendar::add_working_days) — which is the same business time.
/// Later thresholds never come before earlier ones.
fn schedule(
    ruler: &Ruler<'_>,
    policy: &SlaPolicy,
    thresholds: &[(Threshold, TimeDelta)],
    from: DateTime<Utc>,
    consumed: TimeDelta,
) -> Result<Vec<DateTime<Utc>>, ClockError> {
    let working_days = matches!(policy.target(), super::Target::WorkingDays { .. });
    let mut out: Vec<DateTime<Utc>> = Vec::with_capacity(thresholds.len());
    for &(threshold, position) in thresholds {
        let left = position.checked_sub(&consumed).unwrap_or(TimeDelta::zero()).max(TimeDelta::zero());
        let mut at = ruler.add(from, left)?;
        if working_days && threshold == Threshold::Breach {
            at = ruler.to_opening(at)?;
        }
        out.push(out.last().map_or(at, |&previous: &DateTime<Utc>| at.max(previous)));
    }
    Ok(out)
}

impl Run {
    fn breach_index(&self) -> usize {
        self.policy.warnings_permille().len()
    }

    fn breached(&self) -> bool {
        self.fired > self.breach_index()
    }

    fn thresholds(&self) -> Vec<(Threshold, TimeDelta)> {
        thresholds(&self.policy, self.budget)
    }

    /// Measured time used up to `now`.
    fn consumed_at(&self, ruler: &Ruler<'_>, now: DateTime<Utc>) -> Result<TimeDelta, ClockError> {
        match self.segment_start {
            Some(s) => self.consumed.checked_add(&ruler.between(s, now)?).ok_or(ClockError::TooFar { at: now }),
            None => Ok(self.consumed),
        }
    }

    /// Events for the thresholds that fell due at or before `now`, in order (only while counting).
    fn catch_up(&self, now: DateTime<Utc>) -> Vec<ClockEvent> {
        if self.segment_start.is_none() {
            return Vec::new();
        }
        let thresholds = self.thresholds();
        let mut events = Vec::new();
        for (&(threshold, _), &at) in thresholds.iter().zip(&self.at).skip(self.fired) {
            if at > now {
                break;
            }
            events.push(match threshold {
                Threshold::Warning { permille } => ClockEvent::Warned { at, permille },
                Threshold::Breach => ClockEvent::Breached { at },
                Threshold::Escalation { level } => {
                    // `thresholds` made one escalation per rung of this policy, so the rung is there.
                    let Some(rung) = self.policy.escalation().get(usize::from(level).saturating_sub(1)) else { break };
                    ClockEvent::Escalated { at, level, to: rung.to.clone() }
                }
            });
        }
        events
    }
}

const TABLE: &[Transition<ClockKind, ClockCommandKind>] = {
    use ClockCommandKind as C;
    use ClockKind as S;
    &[
        Transition::new(S::Idle, C::Start, &[S::Running]),
        Transition::new(S::Running, C::Tick, &[S::Running, S::Overdue]),
        Transition::new(S::Running, C::Pause, &[S::Paused]),
        Transition::new(S::Running, C::Stop, &[S::Met]),
        Transition::new(S::Running, C::Cancel, &[S::Cancelled]),
        Transition::new(S::Overdue, C::Tick, &[S::Overdue]),
        Transition::new(S::Overdue, C::Pause, &[S::Paused]),
        Transition::new(S::Overdue, C::Stop, &[S::Met]),
        Transition::new(S::Overdue, C::Cancel, &[S::Cancelled]),
        Transition::new(S::Paused, C::Resume, &[S::Running, S::Overdue]),
        Transition::new(S::Paused, C::Tick, &[S::Paused]),
        Transition::new(S::Paused, C::Stop, &[S::Met]),
        Transition::new(S::Paused, C::Cancel, &[S::Cancelled]),
    ]
};

impl Machine for Clock {
    const NAME: &'static str = "sla_clock";
    type State = ClockState;
    type Command = ClockCommand;
    type Event = ClockEvent;
    type Config = CalendarSet;
    type Error = ClockError;
    type StateKind = ClockKind;
    type CommandKind = ClockCommandKind;

    fn initial() -> ClockState {
        ClockState::default()
    }

    fn transitions() -> &'static [Transition<ClockKind, ClockCommandKind>] {
        TABLE
    }

    fn finals() -> &'static [ClockKind] {
        &[ClockKind::Met, ClockKind::Cancelled]
    }

    fn state_kind(state: &ClockState) -> ClockKind {
        state.kind
    }

    fn command_kind(command: &ClockCommand) -> ClockCommandKind {
        match command {
            ClockCommand::Start(_) => ClockCommandKind::Start,
            ClockCommand::Pause { .. } => ClockCommandKind::Pause,
            ClockCommand::Resume => ClockCommandKind::Resume,
            ClockCommand::Stop => ClockCommandKind::Stop,
            ClockCommand::Cancel { .. } => ClockCommandKind::Cancel,
            ClockCommand::Tick => ClockCommandKind::Tick,
        }
    }

    fn handle(
        state: &ClockState,
        command: &ClockCommand,
        ctx: &Context<'_, CalendarSet>,
    ) -> Result<Vec<ClockEvent>, ClockError> {
        let now = ctx.now();
        let Some(run) = &state.run else {
            // Only `Start` is declared for a clock without a run.
            let ClockCommand::Start(policy) = command else { return Ok(Vec::new()) };
            policy.validate()?;
            let ruler = Ruler::for_target(policy.target(), ctx.config())?;
            let counting_from = ruler.to_opening(now)?;
            let budget = ruler.budget(policy.target(), now)?;
            let schedule = schedule(&ruler, policy, &thresholds(policy, budget), counting_from, TimeDelta::zero())?;
            return Ok(vec![ClockEvent::Started { at: now, counting_from, policy: policy.clone(), budget, schedule }]);
        };
        if now < run.last_at {
            return Err(ClockError::TimeWentBackwards { last: run.last_at, now });
        }
        let ruler = Ruler::for_target(run.policy.target(), ctx.config())?;
        let mut events = run.catch_up(now);
        let breached = run.breached() || events.iter().any(|e| matches!(e, ClockEvent::Breached { .. }));
        match command {
            ClockCommand::Start(_) | ClockCommand::Tick => {}
            ClockCommand::Pause { reason } => {
                events.push(ClockEvent::Paused {
                    at: now,
                    consumed: run.consumed_at(&ruler, now)?,
                    reason: reason.clone(),
                });
            }
            ClockCommand::Resume => {
                let thresholds = run.thresholds();
                let remaining = thresholds.get(run.fired..).unwrap_or_default();
                let schedule = schedule(&ruler, &run.policy, remaining, now, run.consumed)?;
                events.push(ClockEvent::Resumed { at: now, schedule });
            }
            ClockCommand::Stop => {
                events.push(ClockEvent::Met { at: now, late: breached, consumed: run.consumed_at(&ruler, now)? });
            }
            ClockCommand::Cancel { reason } => {
                let consumed = run.consumed_at(&ruler, now)?;
                events.push(ClockEvent::Cancelled { at: now, reason: reason.clone(), consumed });
            }
        }
        Ok(events)
    }

    fn evolve(state: &mut ClockState, event: &ClockEvent) {
        if let ClockEvent::Started { at, counting_from, policy, budget, schedule } = event {
            state.kind = ClockKind::Running;
            state.run = Some(Run {
                policy: policy.clone(),
                budget: *budget,
                started_at: *at,
                counting_from: *counting_from,
                fired: 0,
                at: schedule.clone(),
                consumed: TimeDelta::zero(),
                segment_start: Some(*counting_from),
                last_at: *at,
            });
            return;
        }
        let Some(run) = state.run.as_mut() else { return };
        run.last_at = run.last_at.max(event.at());
        match event {
            ClockEvent::Started { .. } => {}
            ClockEvent::Warned { .. } | ClockEvent::Escalated { .. } => run.fired += 1,
            ClockEvent::Breached { .. } => {
                run.fired += 1;
                state.kind = ClockKind::Overdue;
            }
            ClockEvent::Paused { consumed, .. } => {
                run.consumed = *consumed;
                run.segment_start = None;
                state.kind = ClockKind::Paused;
            }
            ClockEvent::Resumed { at, schedule } => {
                for (slot, instant) in run.at.iter_mut().skip(run.fired).zip(schedule) {
                    *slot = *instant;
                }
                run.segment_start = Some(*at);
                state.kind = if run.breached() { ClockKind::Overdue } else { ClockKind::Running };
            }
            ClockEvent::Met { consumed, .. } | ClockEvent::Cancelled { consumed, .. } => {
                run.consumed = *consumed;
                run.segment_start = None;
                state.kind =
                    if matches!(event, ClockEvent::Met { .. }) { ClockKind::Met } else { ClockKind::Cancelled };
            }
        }
    }

    /// The kind is decided by the last event that changes it; no clone of the run is needed.
    fn kind_after(state: &ClockState, events: &[ClockEvent]) -> ClockKind {
        let mut kind = state.kind;
        let mut breached = state.run.as_ref().is_some_and(Run::breached);
        for event in events {
            kind = match event {
                ClockEvent::Started { .. } => ClockKind::Running,
                ClockEvent::Warned { .. } | ClockEvent::Escalated { .. } => kind,
                ClockEvent::Breached { .. } => {
                    breached = true;
                    ClockKind::Overdue
                }
                ClockEvent::Paused { .. } => ClockKind::Paused,
                ClockEvent::Resumed { .. } if breached => ClockKind::Overdue,
                ClockEvent::Resumed { .. } => ClockKind::Running,
                ClockEvent::Met { .. } => ClockKind::Met,
                ClockEvent::Cancelled { .. } => ClockKind::Cancelled,
            };
        }
        kind
    }

    fn deadlines(state: &ClockState) -> Vec<Deadline> {
        state.next_threshold().map(|(threshold, at)| Deadline::new(at, threshold.label())).into_iter().collect()
    }
}

impl Threshold {
    /// The deadline label stores index: `sla_warning`, `sla_breach`, `sla_escalation`.
    pub fn label(self) -> &'static str {
        match self {
            Threshold::Warning { .. } => "sla_warning",
            Threshold::Breach => "sla_breach",
            Threshold::Escalation { .. } => "sla_escalation",
        }
    }
}

/// Where a clock stands at an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ClockStatus {
    /// Not started.
    NotStarted,
    /// Counting, no warning yet.
    Running,
    /// Counting, past a warning fraction (the highest one crossed, in thousandths).
    Warning {
        /// Thousandths of the target.
        permille: u16,
    },
    /// Counting past the due instant; `escalations` rungs of the ladder reached.
    Breached {
        /// Rungs reached.
        escalations: u16,
    },
    /// Not counting for a while.
    Paused {
        /// Whether it had breached before pausing.
        breached: bool,
    },
    /// Met, on time or late.
    Met {
        /// Whether it had breached.
        late: bool,
    },
    /// Cancelled.
    Cancelled,
}

impl core::fmt::Display for ClockStatus {
    /// `running`, `warning (75%)`, `breached (2 escalations)`, `paused`, `paused (breached)`, `met`, `met late`,
    /// `cancelled`, `not started`: for dashboards and timelines.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match *self {
            ClockStatus::NotStarted => f.write_str("not started"),
            ClockStatus::Running => f.write_str("running"),
            ClockStatus::Warning { permille } if permille % 10 == 0 => write!(f, "warning ({}%)", permille / 10),
            ClockStatus::Warning { permille } => write!(f, "warning ({}.{}%)", permille / 10, permille % 10),
            ClockStatus::Breached { escalations: 0 } => f.write_str("breached"),
            ClockStatus::Breached { escalations: 1 } => f.write_str("breached (1 escalation)"),
            ClockStatus::Breached { escalations } => write!(f, "breached ({escalations} escalations)"),
            ClockStatus::Paused { breached: false } => f.write_str("paused"),
            ClockStatus::Paused { breached: true } => f.write_str("paused (breached)"),
            ClockStatus::Met { late: false } => f.write_str("met"),
            ClockStatus::Met { late: true } => f.write_str("met late"),
            ClockStatus::Cancelled => f.write_str("cancelled"),
        }
    }
}

impl ClockState {
    /// Checks what every reachable clock state satisfies, so that no accessor or decision can trip over a snapshot.
    fn check(&self) -> Result<(), InvalidState> {
        let bad = |field: &str, problem: String| Err(InvalidState::new(Clock::NAME, field, problem));
        let Some(run) = &self.run else {
            return match self.kind {
                ClockKind::Idle => Ok(()),
                kind => bad("run", format!("is missing for a `{}` clock", kind.name())),
            };
        };
        if self.kind == ClockKind::Idle {
            return bad("run", "is present on an idle clock".into());
        }
        let thresholds = run.policy.warnings_permille().len() + 1 + run.policy.escalation().len();
        if run.at.len() != thresholds {
            return bad("run.at", format!("holds {} instants; the policy has {thresholds} thresholds", run.at.len()));
        }
        if run.fired > thresholds {
            return bad("run.fired", format!("is {}, past the policy's {thresholds} thresholds", run.fired));
        }
        if run.at.windows(2).any(|pair| pair[1] < pair[0]) {
            return bad("run.at", "is not in time order".into());
        }
        if run.budget < TimeDelta::zero() || run.consumed < TimeDelta::zero() {
            return bad("run", "has a negative budget or consumed time".into());
        }
        if run.counting_from < run.started_at || run.last_at < run.started_at {
            return bad("run", "counts or records events before it started".into());
        }
        let counting = matches!(self.kind, ClockKind::Running | ClockKind::Overdue);
        if counting != run.segment_start.is_some() {
            return bad("run.segment_start", format!("does not match a `{}` clock", self.kind.name()));
        }
        match self.kind {
            ClockKind::Running if run.breached() => bad("kind", "is `running` past the breach".into()),
            ClockKind::Overdue if !run.breached() => bad("kind", "is `overdue` before the breach".into()),
            _ => Ok(()),
        }
    }

    /// The kind of state.
    pub fn kind(&self) -> ClockKind {
        self.kind
    }

    /// The policy the clock runs under, once started.
    pub fn policy(&self) -> Option<&SlaPolicy> {
        self.run.as_ref().map(|r| &r.policy)
    }

    /// The measured time the target allows, once started.
    pub fn budget(&self) -> Option<TimeDelta> {
        self.run.as_ref().map(|r| r.budget)
    }

    /// When the clock was started and when it began counting.
    pub fn started(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        self.run.as_ref().map(|r| (r.started_at, r.counting_from))
    }

    /// The due instant: while counting, when the target runs out; after a breach, when it did. `None` before the
    /// start, while paused (it depends on when counting resumes) and for a clock ended before its due instant.
    pub fn due_at(&self) -> Option<DateTime<Utc>> {
        let run = self.run.as_ref()?;
        if run.segment_start.is_some() || run.breached() { run.at.get(run.breach_index()).copied() } else { None }
    }

    /// The warnings of the policy with their instants, in order, as `(permille, at)`: a warning already crossed
    /// gives the instant it was crossed; one not yet crossed, while the clock counts, the instant it falls due
    /// (pauses move it, as they move [`due_at`](Self::due_at)). A warning not crossed while the clock is paused or
    /// over has no instant and is left out; so is every warning before the start.
    ///
    /// ```
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// use kefu::calendar::CalendarSet;
    /// use kefu::machine::{Context, Instance, Principal};
    /// use kefu::sla::{Clock, ClockCommand, SlaPolicy};
    ///
    /// let policy = SlaPolicy::elapsed("B5 first contact", TimeDelta::hours(24)).with_warning(0.5)?.with_warning(0.75)?;
    /// let (calendars, system) = (CalendarSet::new(), Principal::system());
    /// let t0 = Utc.with_ymd_and_hms(2026, 11, 20, 1, 0, 0).unwrap();
    /// let at = |hours| Context::new(t0 + TimeDelta::hours(hours), &system, &calendars);
    ///
    /// let mut clock = Instance::<Clock>::new();
    /// clock.execute(&ClockCommand::Start(policy), &at(0))?;
    /// assert_eq!(clock.state().warnings(), [(500, t0 + TimeDelta::hours(12)), (750, t0 + TimeDelta::hours(18))]);
    ///
    /// // The 50% warning is crossed; then the clock pauses, so the 75% warning has no instant until it resumes.
    /// clock.execute(&ClockCommand::Pause { reason: None }, &at(14))?;
    /// assert_eq!(clock.state().warnings(), [(500, t0 + TimeDelta::hours(12))]);
    /// clock.execute(&ClockCommand::Resume, &at(16))?;
    /// assert_eq!(clock.state().warnings()[1], (750, t0 + TimeDelta::hours(20)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn warnings(&self) -> Vec<(u16, DateTime<Utc>)> {
        let Some(run) = &self.run else { return Vec::new() };
        let counting = run.segment_start.is_some();
        run.policy
            .warnings_permille()
            .iter()
            .zip(&run.at)
            .enumerate()
            .filter(|(i, _)| *i < run.fired || counting)
            .map(|(_, (&permille, &at))| (permille, at))
            .collect()
    }

    /// The next threshold not yet crossed and its instant, while counting.
    pub fn next_threshold(&self) -> Option<(Threshold, DateTime<Utc>)> {
        let run = self.run.as_ref()?;
        run.segment_start?;
        let (threshold, _) = *run.thresholds().get(run.fired)?;
        Some((threshold, *run.at.get(run.fired)?))
    }

    /// Escalation rungs recorded so far.
    pub fn escalations(&self) -> u16 {
        self.run.as_ref().map_or(0, |r| u16::try_from(r.fired.saturating_sub(r.breach_index() + 1)).unwrap_or(u16::MAX))
    }

    /// The status at `now`, from the schedule alone: it does not wait for ticks. A counting clock is breached
    /// exactly when `now >= due_at`.
    pub fn status(&self, now: DateTime<Utc>) -> ClockStatus {
        let Some(run) = &self.run else { return ClockStatus::NotStarted };
        match self.kind {
            ClockKind::Idle => ClockStatus::NotStarted,
            ClockKind::Met => ClockStatus::Met { late: run.breached() },
            ClockKind::Cancelled => ClockStatus::Cancelled,
            ClockKind::Paused => ClockStatus::Paused { breached: run.breached() },
            ClockKind::Running | ClockKind::Overdue => {
                let ahead = run.at.get(run.fired..).unwrap_or_default();
                let crossed = run.fired + ahead.iter().take_while(|&&at| at <= now).count();
                let b = run.breach_index();
                match crossed.checked_sub(1).map(|last| run.policy.warnings_permille().get(last)) {
                    _ if crossed > b => {
                        ClockStatus::Breached { escalations: u16::try_from(crossed - b - 1).unwrap_or(u16::MAX) }
                    }
                    Some(Some(&permille)) => ClockStatus::Warning { permille },
                    _ => ClockStatus::Running,
                }
            }
        }
    }

    /// Measured time used up to `now` (business time for a business target).
    ///
    /// # Errors
    ///
    /// The calendar the policy names is not in `calendars`, or `now` is outside the calendar's supported years.
    pub fn elapsed(&self, now: DateTime<Utc>, calendars: &CalendarSet) -> Result<TimeDelta, ClockError> {
        let Some(run) = &self.run else { return Ok(TimeDelta::zero()) };
        run.consumed_at(&Ruler::for_target(run.policy.target(), calendars)?, now)
    }

    /// Measured time left before the due instant at `now`; negative once breached.
    ///
    /// # Errors
    ///
    /// As for [`elapsed`](Self::elapsed).
    pub fn remaining(&self, now: DateTime<Utc>, calendars: &CalendarSet) -> Result<TimeDelta, ClockError> {
        let Some(run) = &self.run else { return Ok(TimeDelta::zero()) };
        run.budget.checked_sub(&self.elapsed(now, calendars)?).ok_or(ClockError::TooFar { at: now })
    }
}
