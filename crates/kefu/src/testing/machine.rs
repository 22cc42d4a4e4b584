//! Property tests for any [`Machine`]: random command sequences, driven on an explicit clock, checked against the
//! laws every well-behaved machine obeys.
//!
//! Build a [`Laws`] for your machine (its configuration, the principals who act, your invariant, how to tick it),
//! then either call [`Laws::run`] with a proptest strategy of commands, or use [`Laws::steps`] inside your own
//! `proptest!` block and check each case with [`Laws::check`].
//!
//! # The laws
//!
//! For every step of a random sequence (see [`Law`] for the exact wording):
//!
//! 1. [`decide`] is deterministic: deciding the same command twice gives the same result.
//! 2. A rejected command leaves no trace: no events, the instance (state and version) unchanged.
//! 3. No accepted command leads outside the table ([`Rejection::UndeclaredTransition`] never happens).
//! 4. A command accepted with no events leaves the state unchanged; with events, the version grows by their number,
//!    and [`Machine::kind_after`] predicts the kind folding them gives.
//! 5. Every state reached satisfies your invariant, and its kind is declared: the initial kind or one the table
//!    mentions; with the `json` feature, its snapshot (the [`Instance`] as JSON) reads back as the same instance.
//! 6. If a tick command is configured: when the state has a deadline, a tick at that deadline is accepted, and
//!    afterwards no deadline at or before that instant remains (deadlines are consumed, never left behind in the
//!    past).
//!
//! and at the end:
//!
//! 7. Replaying every emitted event from the initial state reproduces the final state and version.
//!
//! # Example
//!
//! A small machine — a door that a keyholder may lock, and that closes itself five minutes after being opened —
//! property-tested in a few lines:
//!
//! ```
//! use chrono::{DateTime, Duration, Utc};
//! use kefu::machine::{Context, Deadline, Kind, Machine, Principal, Transition};
//! use kefu::testing::machine::Laws;
//! use proptest::prelude::*;
//! use serde::{Deserialize, Serialize};
//!
//! struct Door;
//!
//! #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
//! enum State { Closed, Open { opened_at: DateTime<Utc>, closes_at: DateTime<Utc> }, Locked }
//! #[derive(Clone, Debug)]
//! enum Command { Open, Close, Lock, Unlock, Tick }
//! #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
//! enum Event { Opened { at: DateTime<Utc>, closes_at: DateTime<Utc> }, Closed, Locked, Unlocked }
//!
//! #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
//! enum S { Closed, Open, Locked }
//! impl Kind for S {
//!     const ALL: &'static [Self] = &[Self::Closed, Self::Open, Self::Locked];
//!     fn name(self) -> &'static str {
//!         match self { Self::Closed => "closed", Self::Open => "open", Self::Locked => "locked" }
//!     }
//! }
//! #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
//! enum C { Open, Close, Lock, Unlock, Tick }
//! impl Kind for C {
//!     const ALL: &'static [Self] = &[Self::Open, Self::Close, Self::Lock, Self::Unlock, Self::Tick];
//!     fn name(self) -> &'static str {
//!         match self {
//!             Self::Open => "open", Self::Close => "close", Self::Lock => "lock",
//!             Self::Unlock => "unlock", Self::Tick => "tick",
//!         }
//!     }
//! }
//!
//! #[derive(Debug, thiserror::Error)]
//! #[error("only a keyholder may do that")]
//! struct NotKeyholder;
//!
//! impl Machine for Door {
//!     const NAME: &'static str = "door";
//!     type State = State;
//!     type Command = Command;
//!     type Event = Event;
//!     type Config = Duration; // how long the door stays open
//!     type Error = NotKeyholder;
//!     type StateKind = S;
//!     type CommandKind = C;
//!
//!     fn initial() -> State { State::Closed }
//!     fn transitions() -> &'static [Transition<S, C>] {
//!         const TABLE: &[Transition<S, C>] = &[
//!             Transition::new(S::Closed, C::Open, &[S::Open]),
//!             Transition::new(S::Closed, C::Lock, &[S::Locked]),
//!             Transition::new(S::Open, C::Close, &[S::Closed]),
//!             Transition::new(S::Open, C::Tick, &[S::Closed]),
//!             Transition::new(S::Locked, C::Unlock, &[S::Closed]),
//!         ];
//!         TABLE
//!     }
//!     fn finals() -> &'static [S] { &[] } // a door lives forever
//!     fn state_kind(state: &State) -> S {
//!         match state { State::Closed => S::Closed, State::Open { .. } => S::Open, State::Locked => S::Locked }
//!     }
//!     fn command_kind(command: &Command) -> C {
//!         match command {
//!             Command::Open => C::Open, Command::Close => C::Close, Command::Lock => C::Lock,
//!             Command::Unlock => C::Unlock, Command::Tick => C::Tick,
//!         }
//!     }
//!     fn handle(state: &State, command: &Command, ctx: &Context<'_, Duration>) -> Result<Vec<Event>, NotKeyholder> {
//!         match (state, command) {
//!             (_, Command::Lock | Command::Unlock) if !ctx.principal().has_role("keyholder") => Err(NotKeyholder),
//!             (_, Command::Open) => Ok(vec![Event::Opened { at: ctx.now(), closes_at: ctx.now() + *ctx.config() }]),
//!             (_, Command::Close) => Ok(vec![Event::Closed]),
//!             (State::Open { closes_at, .. }, Command::Tick) if ctx.now() >= *closes_at => Ok(vec![Event::Closed]),
//!             (_, Command::Lock) => Ok(vec![Event::Locked]),
//!             (_, Command::Unlock) => Ok(vec![Event::Unlocked]),
//!             _ => Ok(vec![]), // an early tick
//!         }
//!     }
//!     fn evolve(state: &mut State, event: &Event) {
//!         *state = match event {
//!             Event::Opened { at, closes_at } => State::Open { opened_at: *at, closes_at: *closes_at },
//!             Event::Closed | Event::Unlocked => State::Closed,
//!             Event::Locked => State::Locked,
//!         };
//!     }
//!     fn deadlines(state: &State) -> Vec<Deadline> {
//!         match state {
//!             State::Open { closes_at, .. } => vec![Deadline::new(*closes_at, "auto_close")],
//!             _ => vec![],
//!         }
//!     }
//! }
//!
//! let commands = prop_oneof![
//!     Just(Command::Open), Just(Command::Close), Just(Command::Lock), Just(Command::Unlock), Just(Command::Tick),
//! ];
//! let open_for = Duration::minutes(5);
//! Laws::<Door>::new(&open_for)
//!     .principals(vec![Principal::new("visitor"), Principal::new("guard").with_role("keyholder")])
//!     .tick(|| Command::Tick)
//!     .invariant(|state| match state {
//!         State::Open { opened_at, closes_at } if *closes_at - *opened_at != open_for => {
//!             Err(format!("open at {opened_at} but closing at {closes_at}"))
//!         }
//!         _ => Ok(()),
//!     })
//!     .cases(64)
//!     .run(commands)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestError, TestRunner};

use crate::machine::{Context, Instance, Kind, Machine, Principal, Rejection, decide, replay};

/// One step of a generated sequence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step<C> {
    /// Advance the clock by `after` (negative durations count as zero), then send `command` as principal number
    /// `principal` (modulo the number of principals).
    Command {
        /// How far to advance the clock first.
        after: Duration,
        /// Index of the acting principal in [`Laws::principals`].
        principal: usize,
        /// The command.
        command: C,
    },
    /// If a tick is configured and the state has a deadline: advance the clock to the earliest deadline (if it lies
    /// ahead) and send the tick as [`Principal::system`]. Otherwise nothing.
    TickAtNextDeadline,
}

/// The law a machine broke (see the [module documentation](self)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Law {
    /// Deciding the same command on the same state with the same context twice gave different results.
    Deterministic,
    /// A rejected command changed the instance or emitted events.
    RejectionLeavesNoTrace,
    /// An accepted command led to a state kind its table row does not declare.
    DeclaredTransition,
    /// A command accepted with no events changed the state, or the version did not grow by the number of events.
    Accounting,
    /// The user's invariant failed.
    Invariant,
    /// A state's kind is neither the initial kind nor mentioned in the table.
    DeclaredKind,
    /// A tick at a due deadline was rejected.
    TickAccepted,
    /// After an accepted tick at `now`, a deadline at or before `now` remained.
    DeadlinesConsumed,
    /// Replaying the emitted events did not reproduce the final instance.
    Replay,
    /// [`Machine::kind_after`] disagreed with folding the events.
    KindAfter,
    /// A reached state's snapshot (its [`Instance`] as JSON) did not read back as the same instance — the state does
    /// not round-trip, or reading it refuses a state the machine reached. Checked with the `json` feature.
    Snapshot,
}

impl fmt::Display for Law {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Deterministic => "decide is deterministic",
            Self::RejectionLeavesNoTrace => "a rejected command leaves no trace",
            Self::DeclaredTransition => "accepted commands follow the table",
            Self::Accounting => "events and versions add up",
            Self::Invariant => "the invariant holds",
            Self::DeclaredKind => "every state kind reached is declared",
            Self::TickAccepted => "a tick at a due deadline is accepted",
            Self::DeadlinesConsumed => "a tick leaves no due deadline behind",
            Self::Replay => "replaying the events reproduces the instance",
            Self::KindAfter => "kind_after agrees with folding the events",
            Self::Snapshot => "a snapshot reads back as the same instance",
        })
    }
}

/// A broken [`Law`], with the step (0-based index into the sequence; the sequence length for the final replay law)
/// and what was seen.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{machine}: law \"{law}\" broken at step {step}: {detail}")]
pub struct LawViolation {
    /// The machine's name.
    pub machine: &'static str,
    /// The law broken.
    pub law: Law,
    /// Where in the sequence.
    pub step: usize,
    /// What was seen.
    pub detail: String,
}

/// A failed [`Laws::run`]: the violation found for the smallest failing sequence proptest could shrink to.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}\nminimal failing sequence: {sequence}")]
pub struct LawFailure {
    /// The violation (or proptest's reason for aborting).
    pub message: String,
    /// The minimal failing sequence of steps, `Debug`-formatted (empty if proptest aborted).
    pub sequence: String,
}

/// What a sequence of steps did, when every law held.
pub struct Outcome<M: Machine> {
    /// The final instance.
    pub instance: Instance<M>,
    /// Every event emitted, in order.
    pub events: Vec<M::Event>,
    /// How many commands (including ticks) were accepted.
    pub accepted: usize,
    /// How many commands were rejected.
    pub rejected: usize,
    /// The clock at the end.
    pub now: DateTime<Utc>,
}

impl<M: Machine> fmt::Debug for Outcome<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Outcome")
            .field("instance", &self.instance)
            .field("events", &self.events)
            .field("accepted", &self.accepted)
            .field("rejected", &self.rejected)
            .field("now", &self.now)
            .finish()
    }
}

type Invariant<'a, S> = Box<dyn Fn(&S) -> Result<(), String> + 'a>;
type Tick<'a, C> = Box<dyn Fn() -> C + 'a>;

/// The laws of a machine, ready to be checked on given or random command sequences. A builder: start with
/// [`Laws::new`], then set what differs from the defaults.
///
/// See the [module documentation](self) for the laws and a complete example.
pub struct Laws<'a, M: Machine> {
    config: &'a M::Config,
    principals: Vec<Principal>,
    invariant: Invariant<'a, M::State>,
    tick: Option<Tick<'a, M::Command>>,
    start: DateTime<Utc>,
    max_step: Duration,
    max_len: usize,
    cases: Option<u32>,
}

impl<'a, M: Machine> Laws<'a, M> {
    /// Laws for machine `M` with `config`. Defaults: one principal `"tester"` without roles, an invariant that
    /// always holds, no tick, the clock starting at 2025-01-06T00:00:00Z, steps of up to one hour, sequences of up to
    /// 32 steps, and proptest's default number of cases (256, or `PROPTEST_CASES`).
    #[must_use]
    pub fn new(config: &'a M::Config) -> Self {
        Self {
            config,
            principals: vec![Principal::new("tester")],
            invariant: Box::new(|_| Ok(())),
            tick: None,
            start: DateTime::<Utc>::from_timestamp(1_736_121_600, 0).unwrap_or(DateTime::<Utc>::UNIX_EPOCH),
            max_step: Duration::hours(1),
            max_len: 32,
            cases: None,
        }
    }

    /// The principals who send commands; each generated command picks one. An empty list keeps the default.
    #[must_use]
    pub fn principals(mut self, principals: Vec<Principal>) -> Self {
        if !principals.is_empty() {
            self.principals = principals;
        }
        self
    }

    /// The invariant every reached state must satisfy: `Err` explains what is wrong.
    #[must_use]
    pub fn invariant(mut self, invariant: impl Fn(&M::State) -> Result<(), String> + 'a) -> Self {
        self.invariant = Box::new(invariant);
        self
    }

    /// How to make the machine's tick command. Enables [`Step::TickAtNextDeadline`] and law 6.
    #[must_use]
    pub fn tick(mut self, tick: impl Fn() -> M::Command + 'a) -> Self {
        self.tick = Some(Box::new(tick));
        self
    }

    /// The instant the clock starts at.
    #[must_use]
    pub fn start(mut self, start: DateTime<Utc>) -> Self {
        self.start = start;
        self
    }

    /// The longest a generated step advances the clock (whole seconds, uniformly from zero).
    #[must_use]
    pub fn max_step(mut self, max_step: Duration) -> Self {
        self.max_step = max_step;
        self
    }

    /// The longest generated sequence.
    #[must_use]
    pub fn max_len(mut self, max_len: usize) -> Self {
        self.max_len = max_len;
        self
    }

    /// The number of random sequences [`Laws::run`] checks.
    #[must_use]
    pub fn cases(mut self, cases: u32) -> Self {
        self.cases = Some(cases);
        self
    }

    /// A strategy of step sequences built from a strategy of commands: up to [`max_len`](Self::max_len) steps,
    /// about one in five a [`Step::TickAtNextDeadline`]. Use it in your own `proptest!` with [`Laws::check`].
    pub fn steps<S>(&self, commands: S) -> impl Strategy<Value = Vec<Step<M::Command>>> + use<S, M>
    where
        S: Strategy<Value = M::Command>,
    {
        let max_secs = self.max_step.num_seconds().max(0);
        let principals = self.principals.len();
        let command = (0..=max_secs, 0..principals, commands).prop_map(|(secs, principal, command)| Step::Command {
            after: Duration::seconds(secs),
            principal,
            command,
        });
        let tick = Just(()).prop_map(|()| Step::TickAtNextDeadline);
        proptest::collection::vec(prop_oneof![4 => command, 1 => tick], 0..=self.max_len)
    }

    /// Checks the laws on random sequences of `commands` (proptest shrinks a failure to a minimal sequence). Failure
    /// persistence is off: nothing is written to disk.
    ///
    /// # Errors
    ///
    /// A [`LawFailure`] with the violation and the minimal failing sequence.
    pub fn run<S>(&self, commands: S) -> Result<(), LawFailure>
    where
        S: Strategy<Value = M::Command>,
    {
        let mut config = Config { failure_persistence: None, ..Config::default() };
        if let Some(cases) = self.cases {
            config.cases = cases;
        }
        let mut runner = TestRunner::new(config);
        runner
            .run(&self.steps(commands), |steps| {
                self.check(&steps).map(drop).map_err(|v| TestCaseError::fail(v.to_string()))
            })
            .map_err(|error| match error {
                TestError::Fail(reason, steps) => {
                    LawFailure { message: reason.message().to_owned(), sequence: format!("{steps:?}") }
                }
                TestError::Abort(reason) => {
                    LawFailure { message: reason.message().to_owned(), sequence: String::new() }
                }
            })
    }

    /// Runs one sequence of steps from a new instance and checks every law; deterministic, so it also serves for
    /// regression cases written by hand.
    ///
    /// # Errors
    ///
    /// The first [`LawViolation`].
    pub fn check(&self, steps: &[Step<M::Command>]) -> Result<Outcome<M>, LawViolation> {
        let fail = |law, step, detail: String| LawViolation { machine: M::NAME, law, step, detail };
        let system = Principal::system();
        let mut instance = Instance::<M>::new();
        let mut events = Vec::new();
        let (mut accepted, mut rejected) = (0, 0);
        let mut now = self.start;
        self.check_state(&instance, 0)?;
        for (index, step) in steps.iter().enumerate() {
            let (command, principal, is_tick, tick_holder);
            match step {
                Step::Command { after, principal: p, command: c } => {
                    now = now.checked_add_signed((*after).max(Duration::zero())).unwrap_or(now);
                    command = c;
                    principal = &self.principals[p % self.principals.len()];
                    is_tick = false;
                }
                Step::TickAtNextDeadline => {
                    let (Some(make_tick), Some(due)) = (&self.tick, instance.next_deadline()) else {
                        continue;
                    };
                    now = now.max(due.at);
                    tick_holder = make_tick();
                    command = &tick_holder;
                    principal = &system;
                    is_tick = true;
                }
            }
            let ctx = Context::new(now, principal, self.config);
            let before = instance.clone();
            let first = decide::<M>(instance.state(), command, &ctx);
            let second = decide::<M>(instance.state(), command, &ctx);
            if !same(&first, &second) {
                return Err(fail(Law::Deterministic, index, format!("{command:?} gave {first:?}, then {second:?}")));
            }
            match instance.execute(command, &ctx) {
                Err(rejection) => {
                    rejected += 1;
                    if rejection.is_machine_bug() {
                        return Err(fail(Law::DeclaredTransition, index, rejection.to_string()));
                    }
                    if instance != before {
                        return Err(fail(
                            Law::RejectionLeavesNoTrace,
                            index,
                            format!("{rejection} but the instance changed from {before:?} to {instance:?}"),
                        ));
                    }
                    if is_tick {
                        return Err(fail(
                            Law::TickAccepted,
                            index,
                            format!("tick at {now} with a due deadline: {rejection}"),
                        ));
                    }
                }
                Ok(emitted) => {
                    accepted += 1;
                    let predicted = M::kind_after(before.state(), &emitted);
                    if predicted != M::state_kind(instance.state()) {
                        return Err(fail(
                            Law::KindAfter,
                            index,
                            format!("kind_after predicted {predicted:?}, folding gave {:?}", instance.kind()),
                        ));
                    }
                    let grown = instance.version().checked_sub(before.version());
                    if grown != u64::try_from(emitted.len()).ok()
                        || (emitted.is_empty() && instance.state() != before.state())
                    {
                        return Err(fail(
                            Law::Accounting,
                            index,
                            format!("{} events took {before:?} to {instance:?}", emitted.len()),
                        ));
                    }
                    events.extend(emitted);
                    self.check_state(&instance, index)?;
                    if is_tick {
                        if let Some(left) = instance.deadlines().into_iter().filter(|d| d.is_due(now)).min() {
                            return Err(fail(
                                Law::DeadlinesConsumed,
                                index,
                                format!("after a tick at {now}, deadline {left:?} is still due"),
                            ));
                        }
                    }
                }
            }
        }
        let replayed = replay::<M>(&events);
        if replayed != instance {
            return Err(fail(
                Law::Replay,
                steps.len(),
                format!("replay gave {replayed:?}, the live instance is {instance:?}"),
            ));
        }
        Ok(Outcome { instance, events, accepted, rejected, now })
    }

    fn check_state(&self, instance: &Instance<M>, step: usize) -> Result<(), LawViolation> {
        let fail = |law, detail: String| LawViolation { machine: M::NAME, law, step, detail };
        let kind = instance.kind();
        let initial = M::state_kind(&M::initial());
        let declared = kind == initial || M::transitions().iter().any(|t| t.from == kind || t.leads_to(kind));
        if !declared {
            return Err(fail(Law::DeclaredKind, format!("state kind `{}` is not in the table", kind.name())));
        }
        (self.invariant)(instance.state())
            .map_err(|why| fail(Law::Invariant, format!("{why}; state: {:?}", instance.state())))?;
        #[cfg(feature = "json")]
        {
            let json =
                serde_json::to_string(instance).map_err(|e| fail(Law::Snapshot, format!("cannot write: {e}")))?;
            match serde_json::from_str::<Instance<M>>(&json) {
                Ok(restored) if restored == *instance => {}
                Ok(restored) => return Err(fail(Law::Snapshot, format!("{json} read back as {restored:?}"))),
                Err(e) => return Err(fail(Law::Snapshot, format!("{json} does not read back: {e}"))),
            }
        }
        Ok(())
    }
}

/// Whether two decisions are the same: equal events, or rejections with the same message.
fn same<E: PartialEq, R: fmt::Display>(a: &Result<Vec<E>, Rejection<R>>, b: &Result<Vec<E>, Rejection<R>>) -> bool {
    match (a, b) {
        (Ok(a), Ok(b)) => a == b,
        (Err(a), Err(b)) => a.to_string() == b.to_string(),
        _ => false,
    }
}
