//! [`Reminder`]: a tiny machine for the conformance suite, with a deadline and an event schema at version 2.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::machine::{Context, Deadline, Kind, Machine, Transition};
use crate::store::{Tickable, UpcastError, Versioned};

/// A counter with an alarm: `Add` adds to a total, `Arm` sets a deadline, `Tick` at or after it fires the alarm.
///
/// Its events are at schema 2: schema 1 called the amount of `added` `n`; [`Versioned::upcast`] renames it.
///
/// # Example
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use kefu::machine::{Context, Instance, Principal};
/// use kefu::store::conformance::{Reminder, ReminderCommand};
///
/// let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().ok_or("bad date")?;
/// let who = Principal::system();
/// let mut r = Instance::<Reminder>::new();
/// r.execute(&ReminderCommand::Add(2), &Context::new(now, &who, &()))?;
/// r.execute(&ReminderCommand::Arm(now), &Context::new(now, &who, &()))?;
/// assert_eq!(r.next_deadline().map(|d| d.at), Some(now));
/// r.execute(&ReminderCommand::Tick, &Context::new(now, &who, &()))?;
/// assert_eq!((r.state().total, r.state().fired, r.next_deadline()), (2, 1, None));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Reminder;

/// The state of a [`Reminder`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderState {
    /// The sum of the amounts added.
    pub total: u64,
    /// When the alarm is due, if armed.
    pub due: Option<DateTime<Utc>>,
    /// How many times the alarm fired.
    pub fired: u32,
}

/// A command to a [`Reminder`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReminderCommand {
    /// Add to the total (zero is refused).
    Add(u64),
    /// Set the alarm.
    Arm(DateTime<Utc>),
    /// Fire the alarm if it is due.
    Tick,
}

/// What happened to a [`Reminder`] (event schema 2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ReminderEvent {
    /// An amount was added.
    Added {
        /// The amount (called `n` in schema 1).
        amount: u64,
    },
    /// The alarm was set.
    Armed {
        /// When it is due.
        at: DateTime<Utc>,
    },
    /// The alarm fired.
    Fired {
        /// When it was due.
        at: DateTime<Utc>,
    },
}

/// Why a [`Reminder`] refused a command.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("adding zero is not allowed")]
pub struct ZeroAmount;

/// The one kind of state of a [`Reminder`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReminderKind {
    /// Always.
    Live,
}

impl Kind for ReminderKind {
    const ALL: &'static [Self] = &[Self::Live];
    fn name(self) -> &'static str {
        "live"
    }
}

/// The kinds of [`ReminderCommand`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[allow(missing_docs)] // one per command
pub enum ReminderCommandKind {
    Add,
    Arm,
    Tick,
}

impl Kind for ReminderCommandKind {
    const ALL: &'static [Self] = &[Self::Add, Self::Arm, Self::Tick];
    fn name(self) -> &'static str {
        match self {
            Self::Add => "add",
            Self::Arm => "arm",
            Self::Tick => "tick",
        }
    }
}

impl Machine for Reminder {
    const NAME: &'static str = "reminder";
    type State = ReminderState;
    type Command = ReminderCommand;
    type Event = ReminderEvent;
    type Config = ();
    type Error = ZeroAmount;
    type StateKind = ReminderKind;
    type CommandKind = ReminderCommandKind;

    fn initial() -> ReminderState {
        ReminderState::default()
    }

    fn transitions() -> &'static [Transition<ReminderKind, ReminderCommandKind>] {
        const LIVE: &[ReminderKind] = &[ReminderKind::Live];
        const TABLE: &[Transition<ReminderKind, ReminderCommandKind>] = &[
            Transition::new(ReminderKind::Live, ReminderCommandKind::Add, LIVE),
            Transition::new(ReminderKind::Live, ReminderCommandKind::Arm, LIVE),
            Transition::new(ReminderKind::Live, ReminderCommandKind::Tick, LIVE),
        ];
        TABLE
    }

    fn finals() -> &'static [ReminderKind] {
        &[]
    }

    fn state_kind(_: &ReminderState) -> ReminderKind {
        ReminderKind::Live
    }

    fn command_kind(command: &ReminderCommand) -> ReminderCommandKind {
        match command {
            ReminderCommand::Add(_) => ReminderCommandKind::Add,
            ReminderCommand::Arm(_) => ReminderCommandKind::Arm,
            ReminderCommand::Tick => ReminderCommandKind::Tick,
        }
    }

    fn handle(
        state: &ReminderState,
        command: &ReminderCommand,
        ctx: &Context<'_, ()>,
    ) -> Result<Vec<ReminderEvent>, ZeroAmount> {
        match command {
            ReminderCommand::Add(0) => Err(ZeroAmount),
            ReminderCommand::Add(amount) => Ok(vec![ReminderEvent::Added { amount: *amount }]),
            ReminderCommand::Arm(at) => Ok(vec![ReminderEvent::Armed { at: *at }]),
            ReminderCommand::Tick => Ok(match state.due {
                Some(at) if at <= ctx.now() => vec![ReminderEvent::Fired { at }],
                _ => Vec::new(),
            }),
        }
    }

    fn evolve(state: &mut ReminderState, event: &ReminderEvent) {
        match event {
            ReminderEvent::Added { amount } => state.total += amount,
            ReminderEvent::Armed { at } => state.due = Some(*at),
            ReminderEvent::Fired { .. } => {
                state.due = None;
                state.fired += 1;
            }
        }
    }

    fn deadlines(state: &ReminderState) -> Vec<Deadline> {
        state.due.map(|at| Deadline::new(at, "reminder")).into_iter().collect()
    }
}

impl Versioned for Reminder {
    const EVENT_SCHEMA: u32 = 2;

    fn upcast(schema: u32, mut event: Value) -> Result<Value, UpcastError> {
        match schema {
            1 => {
                if event.get("type").and_then(Value::as_str) == Some("added") {
                    let n = event
                        .as_object_mut()
                        .and_then(|o| o.remove("n"))
                        .ok_or_else(|| UpcastError::new("schema 1 `added` event without `n`"))?;
                    event["amount"] = n;
                }
                Ok(event)
            }
            _ => Err(UpcastError::new(format!("no reminder event schema {schema}"))),
        }
    }
}

impl Tickable for Reminder {
    fn tick() -> ReminderCommand {
        ReminderCommand::Tick
    }
}
