//! [`Instance`] and [`replay`]: a state with its version, folded from events or restored from a snapshot.

use core::fmt;

use chrono::{DateTime, Utc};

use serde::{Deserialize, Serialize};

use super::{Context, Deadline, Machine, Rejection, decide, next_deadline};

/// One instance of a machine: its current state and its version, the number of events applied since the initial
/// state.
///
/// - [`replay`] (or [`Instance::apply`] one event at a time) folds events into an instance.
/// - An `Instance` serializes with serde as `{"version": …, "state": …}`: a snapshot. Deserializing it restores the
///   instance without re-running any command or event; apply the events recorded after `version` to catch up.
/// - The version is what a store compares for optimistic concurrency: a command decided on version `n` appends its
///   events only if the log still ends at `n`.
///
/// # Example: snapshot and catch up
///
/// ```
/// use chrono::{Duration, TimeZone, Utc};
/// use kefu::approval::{Approval, ApprovalChain, ApprovalCommand};
/// use kefu::calendar::CalendarSet;
/// use kefu::machine::{Context, Instance, Principal, replay};
///
/// let t0 = Utc.with_ymd_and_hms(2025, 3, 3, 9, 0, 0).single().ok_or("bad date")?;
/// let calendars = CalendarSet::new();
/// let (clerk, gm) = (Principal::new("clerk"), Principal::new("wang").with_role("general_manager"));
///
/// let mut live = Instance::<Approval>::new();
/// let request = ApprovalCommand::Request { chain: ApprovalChain::c6_incomplete_file(), subject: "file 1042".into() };
/// let mut log = live.execute(&request, &Context::new(t0, &clerk, &calendars))?;
/// let snapshot = serde_json::to_string(&live)?;            // saved at version 1
///
/// let reject = ApprovalCommand::Reject { reason: "the licence is missing too".into() };
/// log.extend(live.execute(&reject, &Context::new(t0 + Duration::hours(1), &gm, &calendars))?);
///
/// let mut restored: Instance<Approval> = serde_json::from_str(&snapshot)?;
/// assert_eq!(restored.version(), 1);
/// let version = usize::try_from(restored.version())?;
/// restored.apply_all(&log[version..]);
/// assert_eq!(restored, live);
/// assert_eq!(replay::<Approval>(&log), live);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Serialize, Deserialize)]
#[serde(bound = "", deny_unknown_fields)]
pub struct Instance<M: Machine> {
    #[serde(deserialize_with = "stored_version")]
    version: u64,
    state: M::State,
}

/// The largest version a snapshot may carry: what a store's signed 64-bit version column holds. A corrupted
/// snapshot claiming more is refused when it is read, so that applying events to it cannot overflow.
pub const MAX_VERSION: u64 = i64::MAX as u64;

/// Reads a snapshot's version, refusing one above [`MAX_VERSION`].
fn stored_version<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    let version = u64::deserialize(deserializer)?;
    if version > MAX_VERSION {
        return Err(serde::de::Error::custom(format!(
            "version {version} is larger than any store holds ({MAX_VERSION}): the snapshot is corrupted"
        )));
    }
    Ok(version)
}

impl<M: Machine> Instance<M> {
    /// A new instance: [`Machine::initial`] at version 0.
    #[must_use]
    pub fn new() -> Self {
        Self { version: 0, state: M::initial() }
    }

    /// An instance restored from a saved state and its version (e.g. columns of a store's snapshot table).
    #[must_use]
    pub fn from_parts(state: M::State, version: u64) -> Self {
        Self { version, state }
    }

    /// The state and the version, taken apart.
    #[must_use]
    pub fn into_parts(self) -> (M::State, u64) {
        (self.state, self.version)
    }

    /// The current state.
    #[must_use]
    pub fn state(&self) -> &M::State {
        &self.state
    }

    /// The number of events applied since the initial state.
    #[must_use]
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The kind of the current state.
    #[must_use]
    pub fn kind(&self) -> M::StateKind {
        M::state_kind(&self.state)
    }

    /// Whether the current state is one of the machine's [final kinds](Machine::finals).
    #[must_use]
    pub fn is_final(&self) -> bool {
        M::finals().contains(&self.kind())
    }

    /// The machine's deadlines in the current state.
    #[must_use]
    pub fn deadlines(&self) -> Vec<Deadline> {
        M::deadlines(&self.state)
    }

    /// The earliest deadline in the current state, if any.
    #[must_use]
    pub fn next_deadline(&self) -> Option<Deadline> {
        next_deadline::<M>(&self.state)
    }

    /// Applies one event ([`Machine::evolve`]) and increments the version.
    ///
    /// The version saturates at `u64::MAX` rather than overflow: only a forged instance (built with
    /// [`from_parts`](Self::from_parts)) can get there, since a snapshot's version is at most [`MAX_VERSION`].
    pub fn apply(&mut self, event: &M::Event) {
        M::evolve(&mut self.state, event);
        self.version = self.version.saturating_add(1);
    }

    /// Applies events in order.
    pub fn apply_all<'e>(&mut self, events: impl IntoIterator<Item = &'e M::Event>)
    where
        M::Event: 'e,
    {
        for event in events {
            self.apply(event);
        }
    }

    /// Decides a command on the current state without applying it (see [`decide`]).
    ///
    /// # Errors
    ///
    /// The [`Rejection`] from [`decide`].
    pub fn decide(
        &self,
        command: &M::Command,
        ctx: &Context<'_, M::Config>,
    ) -> Result<Vec<M::Event>, Rejection<M::Error>> {
        decide::<M>(&self.state, command, ctx)
    }

    /// Decides a command and, if accepted, applies its events; returns them so the caller can append them to its
    /// log. A rejected command changes nothing.
    ///
    /// # Errors
    ///
    /// The [`Rejection`] from [`decide`]; the instance is unchanged.
    pub fn execute(
        &mut self,
        command: &M::Command,
        ctx: &Context<'_, M::Config>,
    ) -> Result<Vec<M::Event>, Rejection<M::Error>> {
        let events = self.decide(command, ctx)?;
        self.apply_all(&events);
        Ok(events)
    }

    /// Ticks the instance at each of its deadlines up to `ctx.now()`, earliest first, and returns the events — what
    /// a store's scheduler does before anything else is decided, so that a fact sent at `ctx.now()` meets the state
    /// as it is at that instant, and every time-driven event carries the instant it fell due.
    ///
    /// - `tick` is the machine's tick command (`ClockCommand::Tick`, `LifecycleCommand::Tick`, …); each tick is
    ///   decided with `ctx` moved to the deadline's instant (never earlier than the previous tick), as `ctx`'s
    ///   principal — usually [`Principal::system`](super::Principal::system).
    /// - All or nothing: if a tick is rejected, the instance is left as it was and the rejection returned.
    /// - It stops when no deadline at or before `ctx.now()` is left, or when a tick leaves a deadline at or before
    ///   its own instant in place (a machine that breaks the tick law of `testing::machine`): it never loops.
    ///
    /// Cost: one tick per distinct deadline instant reached, plus one clone of the state when anything is due.
    ///
    /// # Errors
    ///
    /// The first tick's [`Rejection`]; nothing is applied.
    ///
    /// # Example: catching up before a fact
    ///
    /// ```
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// use kefu::calendar::CalendarSet;
    /// use kefu::machine::{Context, Instance, Principal};
    /// use kefu::sla::{Clock, ClockCommand, ClockEvent, SlaPolicy};
    ///
    /// let policy = SlaPolicy::elapsed("B5 first contact", TimeDelta::hours(24))
    ///     .with_warning(0.75)?
    ///     .with_escalation("leadership", TimeDelta::hours(2))?;
    /// let (calendars, system, agent) = (CalendarSet::new(), Principal::system(), Principal::new("li.wei"));
    /// let t0 = Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).unwrap();
    /// let mut clock = Instance::<Clock>::new();
    /// clock.execute(&ClockCommand::Start(policy), &Context::new(t0, &agent, &calendars))?;
    ///
    /// // Nobody ticked for 30 hours; the contact is made now. Catch up first, then record the fact.
    /// let now = t0 + TimeDelta::hours(30);
    /// let fell_due = clock.catch_up(&ClockCommand::Tick, &Context::new(now, &system, &calendars))?;
    /// assert_eq!(fell_due.iter().map(ClockEvent::at).collect::<Vec<_>>(), [18, 24, 26].map(|h| t0 + TimeDelta::hours(h)));
    /// assert!(clock.next_deadline().is_none_or(|d| d.at > now));
    /// clock.execute(&ClockCommand::Stop, &Context::new(now, &agent, &calendars))?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn catch_up(
        &mut self,
        tick: &M::Command,
        ctx: &Context<'_, M::Config>,
    ) -> Result<Vec<M::Event>, Rejection<M::Error>> {
        let now = ctx.now();
        if self.next_deadline().is_none_or(|d| !d.is_due(now)) {
            return Ok(Vec::new()); // nothing due: no clone
        }
        let mut work = self.clone();
        let mut events = Vec::new();
        let mut previous: Option<DateTime<Utc>> = None;
        while let Some(due) = work.next_deadline().filter(|d| d.is_due(now)) {
            let at = previous.map_or(due.at, |p| p.max(due.at));
            if previous == Some(at) {
                break; // the previous tick left a deadline at or before its instant: ticking again would not help
            }
            events.extend(work.execute(tick, &ctx.at(at))?);
            previous = Some(at);
        }
        *self = work;
        Ok(events)
    }
}

/// Folds events, in order, from the machine's initial state: the instance they describe.
///
/// Cost: one [`Machine::evolve`] per event.
///
/// # Example
///
/// ```
/// use kefu::approval::Approval;
/// use kefu::machine::{replay, Instance};
///
/// assert_eq!(replay::<Approval>(&[]), Instance::<Approval>::new());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn replay<'e, M: Machine>(events: impl IntoIterator<Item = &'e M::Event>) -> Instance<M>
where
    M::Event: 'e,
{
    let mut instance = Instance::new();
    instance.apply_all(events);
    instance
}

impl<M: Machine> Default for Instance<M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<M: Machine> Clone for Instance<M> {
    fn clone(&self) -> Self {
        Self { version: self.version, state: self.state.clone() }
    }
}

impl<M: Machine> PartialEq for Instance<M> {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version && self.state == other.state
    }
}

impl<M: Machine> fmt::Debug for Instance<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Instance")
            .field("machine", &M::NAME)
            .field("version", &self.version)
            .field("state", &self.state)
            .finish()
    }
}
