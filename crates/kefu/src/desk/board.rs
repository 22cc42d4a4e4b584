//! The assignment board: a durable count of what each specialist holds, so that customers (rule C3) and callbacks
//! (rule B2) are balanced across processes and restarts, with every decision in the audit trail.
//!
//! The board knows who holds each item, so that an item is released by its id alone — also when it closes before
//! the item itself recorded its specialist (a callback cancelled in the same pass that gave it out), or while it
//! still waits; otherwise that specialist's load would never come down and later assignments would skew (rules
//! C3, O1). An item nobody can take now (nobody with its skills works today) waits on the board, which asks for a
//! tick when the next working day begins somewhere in the team.

use std::collections::BTreeMap;

use chrono::{DateTime, Days, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::assign::{AssignError, Item, Team};
use crate::machine::{Context, Deadline, Kind, Machine, Transition};

/// The board machine (rules C3, B2, O1). Its configuration is the [`Team`] roster (holding nothing: the loads are
/// the board's own).
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use kefu::assign::{Specialist, Team};
/// use kefu::calendar::CalendarSet;
/// use kefu::desk::{Board, BoardCommand, BoardEvent};
/// use kefu::machine::{Context, Instance, Principal};
///
/// let mut team = Team::new(CalendarSet::new());
/// team.add(Specialist::new("li.wei").with_weight(2))?;
/// team.add(Specialist::new("wang.fang"))?;
/// let (system, now) = (Principal::system(), Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).unwrap());
/// let ctx = Context::new(now, &system, &team);
///
/// let mut board = Instance::<Board>::new();
/// for n in 0..3 {
///     board.execute(&BoardCommand::take(format!("customer-{n}")), &ctx)?;
/// }
/// assert_eq!(board.state().load("li.wei"), 2); // weight 2: twice the share
/// assert_eq!(board.state().load("wang.fang"), 1);
/// assert_eq!(board.state().holder("customer-0"), Some("li.wei"));
/// let events = board.execute(&BoardCommand::Release { item: "customer-0".into() }, &ctx)?;
/// assert!(matches!(&events[0], BoardEvent::Released { specialist, .. } if specialist == "li.wei"));
/// assert_eq!(board.state().load("li.wei"), 1);
/// // Released already: nothing more to do.
/// assert!(board.execute(&BoardCommand::Release { item: "customer-0".into() }, &ctx)?.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Board;

/// The board's one kind of state: it lives as long as the department.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BoardKind {
    /// Open for work.
    #[default]
    Open,
}

impl Kind for BoardKind {
    const ALL: &'static [Self] = &[Self::Open];

    fn name(self) -> &'static str {
        "open"
    }
}

/// What can be asked of a board.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BoardCommand {
    /// Give `item` to the eligible specialist with the lowest `(load + 1) / weight` (rule C3), or let it wait. An
    /// item someone holds already is not given twice.
    Take {
        /// The item's id (a customer id, a callback's instance id).
        item: String,
        /// The skills it needs (rule O1).
        skills: Vec<String>,
    },
    /// Nobody needs to hold `item` any more (done, cancelled, the customer left): its holder's load comes down, or
    /// it stops waiting. An item the board neither holds nor keeps waiting is released already: nothing happens.
    Release {
        /// The item's id.
        item: String,
    },
    /// Time has passed: waiting items are offered again.
    Tick,
}

impl BoardCommand {
    /// [`Take`](Self::Take) of an item that needs no particular skill.
    #[must_use]
    pub fn take(item: impl Into<String>) -> Self {
        Self::Take { item: item.into(), skills: Vec::new() }
    }
}

/// The kinds of [`BoardCommand`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[allow(missing_docs)] // one per command
pub enum BoardCommandKind {
    Take,
    Release,
    Tick,
}

impl Kind for BoardCommandKind {
    const ALL: &'static [Self] = &[Self::Take, Self::Release, Self::Tick];

    fn name(self) -> &'static str {
        match self {
            Self::Take => "take",
            Self::Release => "release",
            Self::Tick => "tick",
        }
    }
}

/// A fact on the board: who was given what, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BoardEvent {
    /// The item went to a specialist.
    Given {
        /// When.
        at: DateTime<Utc>,
        /// The item.
        item: String,
        /// The specialist.
        specialist: String,
    },
    /// Nobody could take the item now; it waits until `retry_at`.
    Waiting {
        /// When.
        at: DateTime<Utc>,
        /// The item.
        item: String,
        /// The skills it needs.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        skills: Vec<String>,
        /// Why nobody could take it.
        reason: String,
        /// When it is offered again: the start of the next date on which someone in the team works.
        retry_at: DateTime<Utc>,
    },
    /// The item was given back (done, cancelled, or the customer left).
    Released {
        /// When.
        at: DateTime<Utc>,
        /// The item.
        item: String,
        /// Who held it.
        specialist: String,
    },
    /// An item that waited is no longer needed: it will not be offered again.
    Withdrawn {
        /// When.
        at: DateTime<Utc>,
        /// The item.
        item: String,
    },
}

/// An item waiting on the board.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingItem {
    /// The item.
    pub item: String,
    /// The skills it needs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<String>,
    /// When it is offered again.
    pub retry_at: DateTime<Utc>,
}

/// The board's state: each specialist's load, who holds each item, and the items waiting for someone.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardState {
    #[serde(default)]
    loads: BTreeMap<String, u32>,
    /// Item → the specialist holding it; a specialist's load is the number of items they hold here.
    #[serde(default)]
    held: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    waiting: Vec<WaitingItem>,
}

impl BoardState {
    /// How many items `specialist` holds.
    #[must_use]
    pub fn load(&self, specialist: &str) -> u32 {
        self.loads.get(specialist).copied().unwrap_or(0)
    }

    /// Every specialist's load, by id (specialists who never held anything are absent).
    #[must_use]
    pub fn loads(&self) -> &BTreeMap<String, u32> {
        &self.loads
    }

    /// Who holds `item`, if anyone.
    #[must_use]
    pub fn holder(&self, item: &str) -> Option<&str> {
        self.held.get(item).map(String::as_str)
    }

    /// The items waiting for someone to take them, oldest first.
    #[must_use]
    pub fn waiting(&self) -> &[WaitingItem] {
        &self.waiting
    }
}

const TABLE: &[Transition<BoardKind, BoardCommandKind>] = &[
    Transition::new(BoardKind::Open, BoardCommandKind::Take, &[BoardKind::Open]),
    Transition::new(BoardKind::Open, BoardCommandKind::Release, &[BoardKind::Open]),
    Transition::new(BoardKind::Open, BoardCommandKind::Tick, &[BoardKind::Open]),
];

/// How far ahead the board looks for a working date before it retries the next day anyway.
const LOOK_AHEAD_DAYS: u64 = 60;

impl Machine for Board {
    const NAME: &'static str = "board";
    type State = BoardState;
    type Command = BoardCommand;
    type Event = BoardEvent;
    type Config = Team;
    type Error = AssignError;
    type StateKind = BoardKind;
    type CommandKind = BoardCommandKind;

    fn initial() -> BoardState {
        BoardState::default()
    }

    fn transitions() -> &'static [Transition<BoardKind, BoardCommandKind>] {
        TABLE
    }

    fn finals() -> &'static [BoardKind] {
        &[]
    }

    fn state_kind(_: &BoardState) -> BoardKind {
        BoardKind::Open
    }

    fn command_kind(command: &BoardCommand) -> BoardCommandKind {
        match command {
            BoardCommand::Take { .. } => BoardCommandKind::Take,
            BoardCommand::Release { .. } => BoardCommandKind::Release,
            BoardCommand::Tick => BoardCommandKind::Tick,
        }
    }

    fn handle(
        state: &BoardState,
        command: &BoardCommand,
        ctx: &Context<'_, Team>,
    ) -> Result<Vec<BoardEvent>, AssignError> {
        let now = ctx.now();
        match command {
            BoardCommand::Take { item, .. } if state.held.contains_key(item) => Ok(Vec::new()),
            BoardCommand::Take { item, skills } => {
                let mut loads = state.loads.clone();
                Ok(vec![offer(&mut loads, item, skills, ctx)?])
            }
            BoardCommand::Release { item } => {
                if let Some(specialist) = state.held.get(item) {
                    Ok(vec![BoardEvent::Released { at: now, item: item.clone(), specialist: specialist.clone() }])
                } else if state.waiting.iter().any(|w| &w.item == item) {
                    Ok(vec![BoardEvent::Withdrawn { at: now, item: item.clone() }])
                } else {
                    Ok(Vec::new())
                }
            }
            BoardCommand::Tick => {
                let mut loads = state.loads.clone();
                let mut events = Vec::new();
                for waiting in state.waiting.iter().filter(|w| w.retry_at <= now) {
                    events.push(offer(&mut loads, &waiting.item, &waiting.skills, ctx)?);
                }
                Ok(events)
            }
        }
    }

    fn kind_after(_: &BoardState, _: &[BoardEvent]) -> BoardKind {
        BoardKind::Open
    }

    fn evolve(state: &mut BoardState, event: &BoardEvent) {
        match event {
            BoardEvent::Given { item, specialist, .. } => {
                state.waiting.retain(|w| &w.item != item);
                *state.loads.entry(specialist.clone()).or_default() += 1;
                state.held.insert(item.clone(), specialist.clone());
            }
            BoardEvent::Waiting { item, skills, retry_at, .. } => {
                state.waiting.retain(|w| &w.item != item);
                state.waiting.push(WaitingItem { item: item.clone(), skills: skills.clone(), retry_at: *retry_at });
            }
            BoardEvent::Withdrawn { item, .. } => state.waiting.retain(|w| &w.item != item),
            BoardEvent::Released { item, specialist, .. } => {
                state.held.remove(item);
                if let Some(load) = state.loads.get_mut(specialist) {
                    *load = load.saturating_sub(1);
                    if *load == 0 {
                        state.loads.remove(specialist);
                    }
                }
            }
        }
    }

    fn deadlines(state: &BoardState) -> Vec<Deadline> {
        state
            .waiting
            .iter()
            .map(|w| w.retry_at)
            .min()
            .map(|at| Deadline::new(at, "retry_waiting"))
            .into_iter()
            .collect()
    }
}

/// Gives `item` to the best eligible specialist given `loads` (and counts it), or records that it waits.
fn offer(
    loads: &mut BTreeMap<String, u32>,
    item: &str,
    skills: &[String],
    ctx: &Context<'_, Team>,
) -> Result<BoardEvent, AssignError> {
    let (team, now) = (ctx.config(), ctx.now());
    let wanted = skills.iter().fold(Item::new(item), |i, s| i.requiring(s.clone()));
    let load = |id: &str| loads.get(id).copied().map_or(0, |n| n as usize);
    match team.choose_by_loads(&wanted, now, load) {
        Ok(who) => {
            *loads.entry(who.as_str().to_owned()).or_default() += 1;
            Ok(BoardEvent::Given { at: now, item: item.to_owned(), specialist: who.as_str().to_owned() })
        }
        Err(AssignError::NoEligible(none)) => Ok(BoardEvent::Waiting {
            at: now,
            item: item.to_owned(),
            skills: skills.to_vec(),
            reason: none.to_string(),
            retry_at: next_working_start(team, now),
        }),
        Err(e) => Err(e),
    }
}

/// The start (local midnight) of the next date after `now` on which some specialist's calendar has working hours,
/// or the next UTC day when nobody works within [`LOOK_AHEAD_DAYS`] (a team on leave must still be retried).
fn next_working_start(team: &Team, now: DateTime<Utc>) -> DateTime<Utc> {
    let fallback = now.checked_add_days(Days::new(1)).unwrap_or(now);
    let mut best: Option<DateTime<Utc>> = None;
    for name in team.specialists().filter_map(|s| s.calendar()) {
        let Ok(calendar) = team.calendars().get(name) else { continue };
        let today = calendar.local(now).date_naive();
        for offset in 1..=LOOK_AHEAD_DAYS {
            let Some(date) = today.checked_add_days(Days::new(offset)) else { break };
            if calendar.is_working_date(date) {
                let midnight = date.and_time(chrono::NaiveTime::MIN);
                if let Some(start) = calendar.time_zone().from_local_datetime(&midnight).earliest().map(|t| t.to_utc())
                {
                    best = Some(best.map_or(start, |b| b.min(start)));
                }
                break;
            }
        }
    }
    // A specialist without a calendar is always available; they never leave an item waiting.
    best.filter(|b| *b > now).unwrap_or(fallback)
}
