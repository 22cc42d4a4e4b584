//! The customer lifecycle machine: the transition table, what the customer waits for, and the dispatch of each
//! command to the concern that owns it — onboarding (C5, C6), the briefing (C4), follow-up (F1, F2, B9) and
//! ownership (F3, F4).

use chrono::{DateTime, Months, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::briefing::{self, briefing_clock};
use super::command::{LifecycleCommand, LifecycleCommandKind};
use super::error::LifecycleError;
use super::event::LifecycleEvent;
use super::follow_up;
use super::obligation::{FollowUp, Withdrawal};
use super::onboarding::{self, file_clock};
use super::ownership::{self, Owner};
use super::policy::LifecycleConfig;
use super::state::LifecycleState;
use crate::machine::{Context, Deadline, Kind, Machine, Transition, allows, decide};
use crate::sla::{Clock, ClockCommand, ClockEvent, ClockState};

/// The customer lifecycle machine (rules C4–C6, F1–F4, B9). Its configuration is a [`LifecycleConfig`].
#[derive(Clone, Copy, Debug)]
pub struct Lifecycle;

/// The kinds of state a customer is in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LifecycleKind {
    /// Known, no contract yet.
    #[default]
    Prospect,
    /// Contract accepted: the file is due (C5), documents are collected, no order yet (C6).
    Onboarding,
    /// Ordering: the last order is less than a week old (F1).
    Active,
    /// No order for more than a week (F1).
    Quiet,
    /// No business for more than a month (F2).
    Lapsed,
    /// No longer a customer. Final.
    Closed,
}

impl Kind for LifecycleKind {
    const ALL: &'static [Self] =
        &[Self::Prospect, Self::Onboarding, Self::Active, Self::Quiet, Self::Lapsed, Self::Closed];

    fn name(self) -> &'static str {
        match self {
            Self::Prospect => "prospect",
            Self::Onboarding => "onboarding",
            Self::Active => "active",
            Self::Quiet => "quiet",
            Self::Lapsed => "lapsed",
            Self::Closed => "closed",
        }
    }
}

const TABLE: &[Transition<LifecycleKind, LifecycleCommandKind>] = {
    use LifecycleCommandKind as C;
    use LifecycleKind as S;
    &[
        Transition::new(S::Prospect, C::ContractAccepted, &[S::Onboarding]),
        Transition::new(S::Prospect, C::SalesContactLogged, &[S::Prospect]),
        Transition::new(S::Prospect, C::HandedToSales, &[S::Prospect]),
        Transition::new(S::Prospect, C::HandedBack, &[S::Prospect]),
        Transition::new(S::Prospect, C::SpecialistAssigned, &[S::Prospect]),
        Transition::new(S::Prospect, C::BriefingRecorded, &[S::Prospect]),
        Transition::new(S::Prospect, C::ContactMade, &[S::Prospect]),
        Transition::new(S::Prospect, C::SetContactCalendar, &[S::Prospect]),
        Transition::new(S::Prospect, C::Close, &[S::Closed]),
        Transition::new(S::Prospect, C::Tick, &[S::Prospect]),
        //
        Transition::new(S::Onboarding, C::DocumentReceived, &[S::Onboarding]),
        Transition::new(S::Onboarding, C::FileCreated, &[S::Onboarding]),
        Transition::new(S::Onboarding, C::ExceptionApproved, &[S::Onboarding]),
        Transition::new(S::Onboarding, C::OrderPlaced, &[S::Active]),
        Transition::new(S::Onboarding, C::SalesContactLogged, &[S::Onboarding]),
        Transition::new(S::Onboarding, C::HandedToSales, &[S::Onboarding]),
        Transition::new(S::Onboarding, C::HandedBack, &[S::Onboarding]),
        Transition::new(S::Onboarding, C::SpecialistAssigned, &[S::Onboarding]),
        Transition::new(S::Onboarding, C::BriefingRecorded, &[S::Onboarding]),
        Transition::new(S::Onboarding, C::ContactMade, &[S::Onboarding]),
        Transition::new(S::Onboarding, C::SetContactCalendar, &[S::Onboarding]),
        Transition::new(S::Onboarding, C::Close, &[S::Closed]),
        Transition::new(S::Onboarding, C::Tick, &[S::Onboarding]),
        //
        Transition::new(S::Active, C::OrderPlaced, &[S::Active]),
        Transition::new(S::Active, C::DocumentReceived, &[S::Active]),
        Transition::new(S::Active, C::PaymentOverdue, &[S::Active]),
        Transition::new(S::Active, C::PaymentSettled, &[S::Active]),
        Transition::new(S::Active, C::SalesContactLogged, &[S::Active]),
        Transition::new(S::Active, C::HandedToSales, &[S::Active]),
        Transition::new(S::Active, C::HandedBack, &[S::Active]),
        Transition::new(S::Active, C::SpecialistAssigned, &[S::Active]),
        Transition::new(S::Active, C::BriefingRecorded, &[S::Active]),
        Transition::new(S::Active, C::ContactMade, &[S::Active]),
        Transition::new(S::Active, C::SetContactCalendar, &[S::Active]),
        Transition::new(S::Active, C::Close, &[S::Closed]),
        Transition::new(S::Active, C::Tick, &[S::Active, S::Quiet, S::Lapsed]),
        //
        Transition::new(S::Quiet, C::OrderPlaced, &[S::Active]),
        Transition::new(S::Quiet, C::DocumentReceived, &[S::Quiet]),
        Transition::new(S::Quiet, C::PaymentOverdue, &[S::Quiet]),
        Transition::new(S::Quiet, C::PaymentSettled, &[S::Quiet]),
        Transition::new(S::Quiet, C::SalesContactLogged, &[S::Quiet]),
        Transition::new(S::Quiet, C::HandedToSales, &[S::Quiet]),
        Transition::new(S::Quiet, C::HandedBack, &[S::Quiet]),
        Transition::new(S::Quiet, C::SpecialistAssigned, &[S::Quiet]),
        Transition::new(S::Quiet, C::BriefingRecorded, &[S::Quiet]),
        Transition::new(S::Quiet, C::ContactMade, &[S::Quiet]),
        Transition::new(S::Quiet, C::SetContactCalendar, &[S::Quiet]),
        Transition::new(S::Quiet, C::Close, &[S::Closed]),
        Transition::new(S::Quiet, C::Tick, &[S::Quiet, S::Lapsed]),
        //
        Transition::new(S::Lapsed, C::OrderPlaced, &[S::Active]),
        Transition::new(S::Lapsed, C::DocumentReceived, &[S::Lapsed]),
        Transition::new(S::Lapsed, C::PaymentOverdue, &[S::Lapsed]),
        Transition::new(S::Lapsed, C::PaymentSettled, &[S::Lapsed]),
        Transition::new(S::Lapsed, C::SalesContactLogged, &[S::Lapsed]),
        Transition::new(S::Lapsed, C::HandedToSales, &[S::Lapsed]),
        Transition::new(S::Lapsed, C::HandedBack, &[S::Lapsed]),
        Transition::new(S::Lapsed, C::SpecialistAssigned, &[S::Lapsed]),
        Transition::new(S::Lapsed, C::BriefingRecorded, &[S::Lapsed]),
        Transition::new(S::Lapsed, C::ContactMade, &[S::Lapsed]),
        Transition::new(S::Lapsed, C::SetContactCalendar, &[S::Lapsed]),
        Transition::new(S::Lapsed, C::Close, &[S::Closed]),
        Transition::new(S::Lapsed, C::Tick, &[S::Lapsed]),
    ]
};

/// What falls due at a deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Due {
    FileClock,
    BriefingClock,
    Quiet,
    Lapse,
    Month,
    TakeOver,
    Obligation(u32),
}

impl Due {
    fn label(self, state: &LifecycleState) -> &'static str {
        match self {
            Due::FileClock => "c5_file",
            Due::BriefingClock => "c4_briefing",
            Due::Quiet => "f1_quiet",
            Due::Lapse => "f2_lapsed",
            Due::Month => "f2_month",
            Due::TakeOver => "f3_take_over",
            Due::Obligation(id) => match state.obligations.iter().find(|o| o.id == id).map(|o| &o.follow_up) {
                Some(FollowUp::F1Call) => "f1_call",
                _ => "f2_contact",
            },
        }
    }
}

/// Everything the customer waits for, with its instant (unordered).
fn dues(state: &LifecycleState) -> impl Iterator<Item = (DateTime<Utc>, Due)> + '_ {
    let clock = |c: &Option<ClockState>, due| c.as_ref().and_then(ClockState::next_threshold).map(|(_, at)| (at, due));
    let kind = state.kind;
    let service = state.owner == Owner::CustomerService;
    [
        clock(&state.file_clock, Due::FileClock),
        clock(&state.briefing_clock, Due::BriefingClock),
        state.quiet_at.filter(|_| kind == LifecycleKind::Active).map(|at| (at, Due::Quiet)),
        state.lapse_at.filter(|_| kind == LifecycleKind::Quiet).map(|at| (at, Due::Lapse)),
        state.f2_next_month.filter(|_| kind == LifecycleKind::Lapsed && service).map(|at| (at, Due::Month)),
        state.take_over_at().filter(|_| kind != LifecycleKind::Closed).map(|at| (at, Due::TakeOver)),
    ]
    .into_iter()
    .flatten()
    .chain(state.obligations.iter().filter(|o| !o.overdue).map(|o| (o.due, Due::Obligation(o.id))))
}

/// The context every handler gets.
pub(super) type Ctx<'a, 'c> = &'a Context<'c, LifecycleConfig>;

/// Runs a command on an embedded clock when the clock's table accepts it in its state; wraps its events.
pub(super) fn on_clock(
    clock: Option<&ClockState>,
    command: ClockCommand,
    which: &'static str,
    ctx: Ctx<'_, '_>,
) -> Result<Vec<ClockEvent>, LifecycleError> {
    let fresh = ClockState::default();
    let state = match (clock, &command) {
        (None, ClockCommand::Start(_)) => &fresh,
        (Some(c), _) => c,
        (None, _) => return Ok(Vec::new()),
    };
    if !allows::<Clock>(state.kind(), Clock::command_kind(&command)) {
        return Ok(Vec::new());
    }
    decide::<Clock>(state, &command, &ctx.with_config(&ctx.config().calendars))
        .map_err(|source| LifecycleError::Clock { clock: which, source: Box::new(source) })
}

/// The time zone whose wall clock says when a calendar month begins.
pub(super) fn months_zone(ctx: Ctx<'_, '_>) -> Result<Tz, LifecycleError> {
    Ok(ctx.config().calendars.get(&ctx.config().policy.months_calendar)?.time_zone())
}

/// `t` plus `n` calendar months on the wall clock of `tz` (the last day of a shorter month when the day is missing).
pub(super) fn add_months(tz: Tz, t: DateTime<Utc>, n: u32) -> Result<DateTime<Utc>, LifecycleError> {
    let local = t.with_timezone(&tz).naive_local();
    let moved = local.checked_add_months(Months::new(n)).ok_or(LifecycleError::TooFar { at: t })?;
    tz.from_local_datetime(&moved)
        .earliest()
        .or_else(|| tz.from_local_datetime(&(moved + TimeDelta::hours(1))).earliest())
        .map(|d| d.to_utc())
        .ok_or(LifecycleError::TooFar { at: t })
}

pub(super) fn non_empty(field: &'static str, value: &str) -> Result<(), LifecycleError> {
    if value.trim().is_empty() { Err(LifecycleError::Empty { field }) } else { Ok(()) }
}

/// Collects events while applying them to a working copy, so that later decisions see earlier ones.
pub(super) struct Log {
    pub(super) work: LifecycleState,
    pub(super) events: Vec<LifecycleEvent>,
}

impl Log {
    pub(super) fn new(state: &LifecycleState) -> Self {
        Self { work: state.clone(), events: Vec::new() }
    }

    pub(super) fn push(&mut self, event: LifecycleEvent) {
        self.work.apply(&event);
        self.events.push(event);
    }

    pub(super) fn extend(&mut self, events: impl IntoIterator<Item = LifecycleEvent>) {
        for event in events {
            self.push(event);
        }
    }

    /// Records everything that fell due at or before `ctx.now()`, earliest first, each at its own instant.
    fn catch_up(&mut self, ctx: Ctx<'_, '_>) -> Result<(), LifecycleError> {
        let now = ctx.now();
        while let Some((at, due)) = dues(&self.work).filter(|(at, _)| *at <= now).min() {
            match due {
                Due::FileClock => {
                    let events = on_clock(self.work.file_clock.as_ref(), ClockCommand::Tick, "file", ctx)?;
                    self.extend(file_clock(events));
                }
                Due::BriefingClock => {
                    let events = on_clock(self.work.briefing_clock.as_ref(), ClockCommand::Tick, "briefing", ctx)?;
                    self.extend(briefing_clock(events));
                }
                Due::Quiet => {
                    self.push(LifecycleEvent::WentQuiet { at });
                    if self.work.owner == Owner::CustomerService {
                        self.open_f1(at, ctx)?;
                    }
                }
                Due::Lapse => {
                    self.push(LifecycleEvent::Lapsed { at });
                    if self.work.owner == Owner::CustomerService {
                        self.open_f2_month(at, ctx)?;
                    }
                }
                Due::Month => self.open_f2_month(at, ctx)?,
                Due::TakeOver => {
                    self.push(LifecycleEvent::FollowUpTakenOver { at });
                    self.register(at, ctx)?;
                }
                Due::Obligation(id) => self.push(LifecycleEvent::ObligationOverdue { id, at }),
            }
        }
        Ok(())
    }
}

/// The customer is closed: obligations withdrawn, clocks cancelled.
fn close(state: &LifecycleState, reason: &str, ctx: Ctx<'_, '_>) -> Result<Vec<LifecycleEvent>, LifecycleError> {
    let now = ctx.now();
    let mut log = Log::new(state);
    log.withdraw_all(now, Withdrawal::Closed);
    let cancel = || ClockCommand::Cancel { reason: "customer closed".to_owned() };
    log.extend(file_clock(on_clock(state.file_clock.as_ref(), cancel(), "file", ctx)?));
    log.extend(briefing_clock(on_clock(state.briefing_clock.as_ref(), cancel(), "briefing", ctx)?));
    log.push(LifecycleEvent::Closed { at: now, reason: reason.to_owned() });
    Ok(log.events)
}

impl Machine for Lifecycle {
    const NAME: &'static str = "customer_lifecycle";
    type State = LifecycleState;
    type Command = LifecycleCommand;
    type Event = LifecycleEvent;
    type Config = LifecycleConfig;
    type Error = LifecycleError;
    type StateKind = LifecycleKind;
    type CommandKind = LifecycleCommandKind;

    fn initial() -> LifecycleState {
        LifecycleState::default()
    }

    fn transitions() -> &'static [Transition<LifecycleKind, LifecycleCommandKind>] {
        TABLE
    }

    fn finals() -> &'static [LifecycleKind] {
        &[LifecycleKind::Closed]
    }

    fn state_kind(state: &LifecycleState) -> LifecycleKind {
        state.kind
    }

    fn command_kind(command: &LifecycleCommand) -> LifecycleCommandKind {
        use LifecycleCommand as C;
        use LifecycleCommandKind as K;
        match command {
            C::ContractAccepted { .. } => K::ContractAccepted,
            C::DocumentReceived { .. } => K::DocumentReceived,
            C::FileCreated { .. } => K::FileCreated,
            C::ExceptionApproved { .. } => K::ExceptionApproved,
            C::OrderPlaced { .. } => K::OrderPlaced,
            C::PaymentOverdue { .. } => K::PaymentOverdue,
            C::PaymentSettled { .. } => K::PaymentSettled,
            C::SalesContactLogged => K::SalesContactLogged,
            C::HandedToSales => K::HandedToSales,
            C::HandedBack => K::HandedBack,
            C::SpecialistAssigned { .. } => K::SpecialistAssigned,
            C::BriefingRecorded { .. } => K::BriefingRecorded,
            C::ContactMade { .. } => K::ContactMade,
            C::SetContactCalendar { .. } => K::SetContactCalendar,
            C::Close { .. } => K::Close,
            C::Tick => K::Tick,
        }
    }

    fn handle(
        state: &LifecycleState,
        command: &LifecycleCommand,
        ctx: &Context<'_, LifecycleConfig>,
    ) -> Result<Vec<LifecycleEvent>, LifecycleError> {
        use LifecycleCommand as C;
        let now = ctx.now();
        if let Some(last) = state.last_at.filter(|&last| now < last) {
            return Err(LifecycleError::TimeWentBackwards { last, now });
        }
        match command {
            C::Tick => {
                if !dues(state).any(|(at, _)| at <= now) {
                    return Ok(Vec::new()); // nothing due: no clone
                }
                let mut log = Log::new(state);
                log.catch_up(ctx)?;
                Ok(log.events)
            }
            C::ContractAccepted { contract } => onboarding::contract_accepted(contract, ctx),
            C::DocumentReceived { document } => onboarding::document_received(state, document, ctx),
            C::FileCreated { file_number } => onboarding::file_created(state, *file_number, ctx),
            C::ExceptionApproved { approval_id, approver } => {
                onboarding::exception_approved(state, approval_id, approver, ctx)
            }
            C::OrderPlaced { order } => follow_up::order_placed(state, order, ctx),
            C::PaymentOverdue { invoice } => ownership::payment_overdue(state, invoice, ctx),
            C::PaymentSettled { invoice } => Ok(ownership::payment_settled(state, invoice, ctx)),
            C::SalesContactLogged => ownership::sales_contact_logged(ctx),
            C::HandedToSales => ownership::handed_to_sales(state, ctx),
            C::HandedBack => ownership::handed_back(state, ctx),
            C::SpecialistAssigned { specialist } => briefing::specialist_assigned(state, specialist, ctx),
            C::BriefingRecorded { notes } => briefing::briefing_recorded(state, notes, ctx),
            C::ContactMade { channel } => follow_up::contact_made(state, *channel, ctx),
            C::SetContactCalendar { calendar } => follow_up::set_contact_calendar(state, calendar.as_deref(), ctx),
            C::Close { reason } => close(state, reason, ctx),
        }
    }

    fn evolve(state: &mut LifecycleState, event: &LifecycleEvent) {
        state.apply(event);
    }

    /// The kind changes only on a handful of events; no clone of the state is needed.
    fn kind_after(state: &LifecycleState, events: &[LifecycleEvent]) -> LifecycleKind {
        events.iter().fold(state.kind, |kind, event| match event {
            LifecycleEvent::ContractAccepted { .. } => LifecycleKind::Onboarding,
            LifecycleEvent::OrderPlaced { .. } => LifecycleKind::Active,
            LifecycleEvent::WentQuiet { .. } => LifecycleKind::Quiet,
            LifecycleEvent::Lapsed { .. } => LifecycleKind::Lapsed,
            LifecycleEvent::Closed { .. } => LifecycleKind::Closed,
            _ => kind,
        })
    }

    fn deadlines(state: &LifecycleState) -> Vec<Deadline> {
        dues(state).map(|(at, due)| Deadline::new(at, due.label(state))).collect()
    }
}
