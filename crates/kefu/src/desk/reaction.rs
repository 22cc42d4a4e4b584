//! Reactions: a recorded event of one machine becomes commands on other instances.
//!
//! [`REACTIONS`] declares every way one machine's event leads to another machine's command, like a transition
//! table; [`reactions_for`] computes the steps for one recorded event. Each step has a deterministic target and an
//! idempotency key derived from the source event ([`ids::reaction_key`]), so that applying a reaction twice — a
//! crash between the append and the cursor save, or two workers following the same log — appends nothing twice.
//! The desk refuses a step the table does not declare, so the pictures drawn from the table cannot drift.

use chrono::{DateTime, Utc};

use super::board::{Board, BoardCommand, BoardEvent};
use super::campaign::{CampaignEvent, CampaignRun};
use super::command::DeskCommand;
use super::config::{Compiled, SUPERVISOR};
use super::ids;
use super::notice::{Addressee, Notice, NoticeCommand, Topic};
use super::profile::{Profile, ProfileEvent};
use crate::approval::{Approval, ApprovalEvent, ApprovalState};
use crate::callback::{Callback, CallbackCommand, CallbackEvent, CallbackState, Due};
use crate::case::{Case, CaseCommand, CaseEvent, CaseState, Nature, Origin, Standing};
use crate::lifecycle::{ContactChannel, Lifecycle, LifecycleCommand, LifecycleEvent, LifecycleKind, LifecycleState};
use crate::machine::{Machine, Role};
use crate::script::{RunEvent, RunState, ScriptRun};
use crate::sla::ClockEvent;
use crate::store::{RecordedEvent, StoreError, decode_event};

/// One declared reaction: an event of one machine leads to a command on another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reaction {
    /// The machine whose event it follows.
    pub machine: &'static str,
    /// The event's type, as its JSON `type` spells it.
    pub event: &'static str,
    /// The machine the command goes to.
    pub target: &'static str,
    /// The command's kind, as the target's transition table spells it.
    pub command: &'static str,
    /// The rules it implements.
    pub rules: &'static str,
    /// Why, in a few words.
    pub why: &'static str,
}

const fn r(
    machine: &'static str,
    event: &'static str,
    target: &'static str,
    command: &'static str,
    rules: &'static str,
    why: &'static str,
) -> Reaction {
    Reaction { machine, event, target, command, rules, why }
}

const LIFECYCLE: &str = Lifecycle::NAME;
const PROFILE: &str = Profile::NAME;
const CALLBACK: &str = Callback::NAME;
const CASE: &str = Case::NAME;
const APPROVAL: &str = Approval::NAME;
const RUN: &str = ScriptRun::NAME;
const BOARD: &str = Board::NAME;
const NOTICE: &str = Notice::NAME;
const CAMPAIGN: &str = CampaignRun::NAME;

/// Every reaction of the desk, in the order the guide's picture draws them.
///
/// ```
/// use kefu::desk::REACTIONS;
///
/// // Every follow-up obligation gets its callback (rules F1, F2).
/// assert!(REACTIONS.iter().any(|r| r.machine == "customer_lifecycle" && r.event == "obligation_opened"
///     && r.target == "callback" && r.command == "open"));
/// ```
pub const REACTIONS: &[Reaction] = &[
    r(LIFECYCLE, "contract_accepted", BOARD, "take", "C3", "a new customer goes to a specialist"),
    r(LIFECYCLE, "follow_up_taken_over", BOARD, "take", "F3, C3", "taken over from sales: a specialist follows it"),
    r(BOARD, "given", LIFECYCLE, "specialist_assigned", "C3, C4", "the briefing clock starts"),
    r(BOARD, "given", CALLBACK, "assign", "B2, C3, O1", "the callback goes to the specialist"),
    r(BOARD, "waiting", NOTICE, "send", "B2, B10", "nobody can take it now: the supervisor is told"),
    r(PROFILE, "updated", LIFECYCLE, "set_contact_calendar", "B9", "the customer's quiet hours"),
    r(LIFECYCLE, "obligation_opened", CALLBACK, "open", "F1, F2", "each follow-up obligation gets its callback"),
    r(LIFECYCLE, "obligation_fulfilled", CALLBACK, "cancel", "F1, F2", "met by another contact: no longer needed"),
    r(LIFECYCLE, "obligation_withdrawn", CALLBACK, "cancel", "F4", "handed to sales or closed"),
    r(LIFECYCLE, "file_clock", NOTICE, "send", "C5, B6", "the file is late: escalated"),
    r(LIFECYCLE, "briefing_clock", NOTICE, "send", "C4, B6", "the briefing is late: escalated"),
    r(LIFECYCLE, "closed", BOARD, "release", "C3", "the customer's specialist has one fewer (or it stops waiting)"),
    r(CALLBACK, "opened", BOARD, "take", "B2, C3, O1", "a due callback is distributed"),
    r(CALLBACK, "finished", LIFECYCLE, "contact_made", "F1, F2", "the contact fulfils an obligation"),
    r(CALLBACK, "finished", BOARD, "release", "B2, C3, O1", "done: its specialist's load comes down"),
    r(CALLBACK, "cancelled", BOARD, "release", "B2, C3, O1", "not needed: released, even if never assigned"),
    r(CALLBACK, "problems_raised", CASE, "open", "B5", "one case per problem, to its department"),
    r(CALLBACK, "missed", NOTICE, "send", "B10", "a missed callback is reported"),
    r(CALLBACK, "clock", NOTICE, "send", "B4, B6", "the record form is late: escalated"),
    r(RUN, "ended", CALLBACK, "finish", "S1, S2, B4", "the script's record finishes the callback"),
    r(RUN, "ended", CALLBACK, "reschedule", "S1, S2, B9", "the customer asked for another time"),
    r(CASE, "clock", NOTICE, "send", "B5, B6", "a time limit breached: up the ladder"),
    r(APPROVAL, "approved", LIFECYCLE, "exception_approved", "C6", "trading with the incomplete file is allowed"),
    r(APPROVAL, "approved", LIFECYCLE, "order_placed", "C6", "the order that waited is placed"),
    r(APPROVAL, "approved", NOTICE, "send", "C6, C7", "the requester hears the decision"),
    r(APPROVAL, "rejected", NOTICE, "send", "C6, C7", "the requester hears the decision"),
    r(APPROVAL, "step_clock", NOTICE, "send", "C7, B6", "an approver is late: escalated"),
    r(CAMPAIGN, "launched", CALLBACK, "open", "B8", "each selected customer gets a callback"),
];

/// Whether [`REACTIONS`] declares that `event` of `machine` may lead to `command` on `target`.
#[must_use]
pub fn declared(machine: &str, event: &str, target: &str, command: &str) -> bool {
    REACTIONS.iter().any(|r| r.machine == machine && r.event == event && r.target == target && r.command == command)
}

/// One step of a reaction: a command on an instance, with its idempotency key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The instance the command goes to.
    pub target: String,
    /// The command.
    pub command: DeskCommand,
    /// The idempotency key, derived from the source event and the step's place among its steps.
    pub key: String,
    /// The source event's type.
    pub event: &'static str,
}

/// What reactions may read besides the event: the current state of instances (from the store).
pub trait Lookup {
    /// A customer's lifecycle.
    ///
    /// # Errors
    ///
    /// The store failed.
    fn lifecycle(&self, instance: &str) -> Result<Option<LifecycleState>, StoreError>;
    /// A callback.
    ///
    /// # Errors
    ///
    /// The store failed.
    fn callback(&self, instance: &str) -> Result<Option<CallbackState>, StoreError>;
    /// A case.
    ///
    /// # Errors
    ///
    /// The store failed.
    fn case(&self, instance: &str) -> Result<Option<CaseState>, StoreError>;
    /// An approval.
    ///
    /// # Errors
    ///
    /// The store failed.
    fn approval(&self, instance: &str) -> Result<Option<ApprovalState>, StoreError>;
    /// A script run.
    ///
    /// # Errors
    ///
    /// The store failed.
    fn run(&self, instance: &str) -> Result<Option<RunState>, StoreError>;
}

/// Collects the steps of one source event, numbering their keys.
struct Steps<'a> {
    source: &'a RecordedEvent,
    steps: Vec<Step>,
}

impl Steps<'_> {
    fn push(&mut self, event: &'static str, target: String, command: DeskCommand) {
        let key = ids::reaction_key(&self.source.instance, self.source.version, self.steps.len());
        self.steps.push(Step { target, command, key, event });
    }

    /// A notice caused by this event; its instance id is derived from the event too.
    fn notice(&mut self, event: &'static str, to: Addressee, customer: Option<String>, topic: Topic) {
        let n = self.steps.iter().filter(|s| matches!(s.command, DeskCommand::Notice(_))).count();
        let target = ids::notice(&self.source.instance, self.source.version, n);
        let about = self.source.instance.clone();
        self.push(event, target, DeskCommand::Notice(NoticeCommand::Send { to, about, customer, topic }));
    }
}

/// The steps that follow one recorded event, in order. Events of machines the desk does not know, and events
/// that lead to nothing, give no step.
///
/// # Errors
///
/// The event does not decode as its machine's event, or a lookup failed.
pub fn reactions_for(event: &RecordedEvent, config: &Compiled, lookup: &dyn Lookup) -> Result<Vec<Step>, StoreError> {
    let mut steps = Steps { source: event, steps: Vec::new() };
    match event.machine.as_str() {
        LIFECYCLE => lifecycle(&decode_event::<Lifecycle>(event)?, &mut steps, lookup)?,
        PROFILE => profile(&decode_event::<Profile>(event)?, &mut steps, config),
        CALLBACK => callback(&decode_event::<Callback>(event)?, &mut steps, lookup)?,
        RUN => run(&decode_event::<ScriptRun>(event)?, &mut steps, lookup)?,
        CASE => case(&decode_event::<Case>(event)?, &mut steps, config, lookup)?,
        APPROVAL => approval(&decode_event::<Approval>(event)?, &mut steps, lookup)?,
        BOARD => board(&decode_event::<Board>(event)?, &mut steps),
        CAMPAIGN => campaign(&decode_event::<CampaignRun>(event)?, &mut steps, config),
        _ => {}
    }
    Ok(steps.steps)
}

/// The customer id behind a `customer/…` instance id, unescaped.
fn customer_of(instance: &str) -> Option<String> {
    let escaped = instance.strip_prefix("customer/")?;
    Some(escaped.replace("%2F", "/").replace("%25", "%"))
}

fn escalation(clock: &ClockEvent) -> Option<(u16, &Role)> {
    match clock {
        ClockEvent::Escalated { level, to, .. } => Some((*level, to)),
        _ => None,
    }
}

fn policy_name(clock: &crate::sla::ClockState) -> Option<String> {
    clock.policy().map(|p| p.name().to_owned())
}

/// A notice to the rung's role when a clock event is an escalation (rule B6).
fn clock_notice(
    steps: &mut Steps<'_>,
    name: &'static str,
    event: &ClockEvent,
    customer: Option<String>,
    policy: impl FnOnce() -> Result<Option<String>, StoreError>,
) -> Result<(), StoreError> {
    if let Some((level, to)) = escalation(event) {
        let policy = policy()?.unwrap_or_else(|| name.to_owned());
        steps.notice(name, Addressee::Role(to.as_str().to_owned()), customer, Topic::Escalation { policy, level });
    }
    Ok(())
}

fn lifecycle(event: &LifecycleEvent, steps: &mut Steps<'_>, lookup: &dyn Lookup) -> Result<(), StoreError> {
    let instance = steps.source.instance.clone();
    let Some(customer) = customer_of(&instance) else { return Ok(()) };
    let board_take = |steps: &mut Steps<'_>, event| {
        steps.push(event, ids::CUSTOMER_BOARD.to_owned(), DeskCommand::Board(BoardCommand::take(customer.clone())));
    };
    match event {
        LifecycleEvent::ContractAccepted { .. } => board_take(steps, "contract_accepted"),
        LifecycleEvent::FollowUpTakenOver { .. } => {
            let state = lookup.lifecycle(&instance)?;
            if state.is_none_or(|s| s.specialist().is_none()) {
                board_take(steps, "follow_up_taken_over");
            }
        }
        LifecycleEvent::ObligationOpened(obligation) => {
            let state = lookup.lifecycle(&instance)?;
            let mut due = Due::follow_up(customer.clone(), obligation);
            if let Some(calendar) = state.as_ref().and_then(|s| s.contact_calendar()) {
                due = due.with_contact_calendar(calendar);
            }
            let target = ids::follow_up(&customer, obligation.id);
            steps.push("obligation_opened", target, DeskCommand::Callback(CallbackCommand::Open(due)));
        }
        LifecycleEvent::ObligationFulfilled { id, .. } => {
            let target = ids::follow_up(&customer, *id);
            // The callback that made the contact is done already; only a callback still open is cancelled.
            if lookup.callback(&target)?.is_some_and(|c| c.is_open()) {
                let reason = "the obligation was met by another contact".to_owned();
                steps.push("obligation_fulfilled", target, DeskCommand::Callback(CallbackCommand::Cancel { reason }));
            }
        }
        LifecycleEvent::ObligationWithdrawn { id, reason, .. } => {
            let target = ids::follow_up(&customer, *id);
            if lookup.callback(&target)?.is_some_and(|c| c.is_open()) {
                let reason = format!("the obligation was withdrawn ({reason:?})").to_lowercase();
                steps.push("obligation_withdrawn", target, DeskCommand::Callback(CallbackCommand::Cancel { reason }));
            }
        }
        LifecycleEvent::FileClock { event } => {
            clock_notice(steps, "file_clock", event, Some(customer.clone()), || {
                Ok(lookup.lifecycle(&instance)?.and_then(|s| s.file_clock().and_then(policy_name)))
            })?
        }
        LifecycleEvent::BriefingClock { event } => {
            clock_notice(steps, "briefing_clock", event, Some(customer.clone()), || {
                Ok(lookup.lifecycle(&instance)?.and_then(|s| s.briefing_clock().and_then(policy_name)))
            })?;
        }
        LifecycleEvent::Closed { .. } => {
            // By the item alone: the board may have given the customer out in this very pass, before the
            // lifecycle recorded its specialist (rule C3: the load must come down all the same).
            let release = BoardCommand::Release { item: customer.clone() };
            steps.push("closed", ids::CUSTOMER_BOARD.to_owned(), DeskCommand::Board(release));
        }
        _ => {}
    }
    Ok(())
}

fn profile(event: &ProfileEvent, steps: &mut Steps<'_>, config: &Compiled) {
    let ProfileEvent::Updated { changes, .. } = event;
    let Some(calendar) = &changes.contact_calendar else { return };
    let Some(customer) = steps.source.instance.strip_prefix("profile/") else { return };
    // The desk checks the name before it records it; a calendar removed from the configuration since is skipped.
    if config.calendars().get(calendar).is_ok() {
        let command = LifecycleCommand::SetContactCalendar { calendar: Some(calendar.clone()) };
        steps.push("updated", format!("customer/{customer}"), DeskCommand::Lifecycle(command));
    }
}

fn callback(event: &CallbackEvent, steps: &mut Steps<'_>, lookup: &dyn Lookup) -> Result<(), StoreError> {
    let instance = steps.source.instance.clone();
    let state = || lookup.callback(&instance);
    // Released by the item alone, whoever the callback says holds it: a callback cancelled in the pass that gave it
    // out never records its specialist, and one still waiting on the board must stop waiting (rules B2, C3, O1).
    // A missed callback (B10) is not released: it stays open, on its specialist's worklist, until done.
    let release = |steps: &mut Steps<'_>, event| {
        let release = BoardCommand::Release { item: instance.clone() };
        steps.push(event, ids::CALLBACK_BOARD.to_owned(), DeskCommand::Board(release));
    };
    match event {
        CallbackEvent::Opened { .. } => {
            steps.push(
                "opened",
                ids::CALLBACK_BOARD.to_owned(),
                DeskCommand::Board(BoardCommand::take(instance.clone())),
            );
        }
        CallbackEvent::Finished { .. } => {
            let state = state()?;
            if let Some(due) = state.as_ref().and_then(CallbackState::due) {
                // The channel the customer was reached on; a summary without a reached attempt counts as a call.
                let channel = state
                    .as_ref()
                    .and_then(|s| s.attempts().iter().rev().find(|a| a.reached).map(|a| a.channel))
                    .unwrap_or(ContactChannel::Phone);
                let target = ids::customer(&due.customer);
                steps.push("finished", target, DeskCommand::Lifecycle(LifecycleCommand::ContactMade { channel }));
            }
            release(steps, "finished");
        }
        CallbackEvent::Cancelled { .. } => release(steps, "cancelled"),
        CallbackEvent::ProblemsRaised { problems, .. } => {
            let state = state()?;
            let (customer, standing) = state
                .as_ref()
                .and_then(CallbackState::due)
                .map_or((String::new(), Standing::Regular), |d| (d.customer.clone(), d.standing));
            for (n, problem) in problems.iter().enumerate() {
                let open = CaseCommand::Open {
                    origin: problem.origin(instance.clone()),
                    class: Nature::AfterSales.into(),
                    customer: customer.clone(),
                    standing,
                };
                steps.push("problems_raised", ids::problem_case(&instance, n + 1), DeskCommand::Case(open));
            }
        }
        CallbackEvent::Missed { .. } => {
            let customer = state()?.and_then(|s| s.due().map(|d| d.customer.clone()));
            steps.notice("missed", Addressee::Role(SUPERVISOR.to_owned()), customer, Topic::MissedCallback);
        }
        CallbackEvent::Clock { event } => {
            let state = state()?;
            let customer = state.as_ref().and_then(|s| s.due().map(|d| d.customer.clone()));
            clock_notice(steps, "clock", event, customer, || {
                Ok(state.as_ref().and_then(|s| s.record_clock()).and_then(policy_name))
            })?;
        }
        _ => {}
    }
    Ok(())
}

fn run(event: &RunEvent, steps: &mut Steps<'_>, lookup: &dyn Lookup) -> Result<(), StoreError> {
    let RunEvent::Ended { .. } = event else { return Ok(()) };
    let Some(callback) = ids::callback_of_run(&steps.source.instance) else { return Ok(()) };
    let Some(record) = lookup.run(&steps.source.instance)?.and_then(|s| s.record()) else { return Ok(()) };
    let command = CallbackCommand::from_record(record);
    steps.push("ended", callback, DeskCommand::Callback(command));
    Ok(())
}

fn case(event: &CaseEvent, steps: &mut Steps<'_>, config: &Compiled, lookup: &dyn Lookup) -> Result<(), StoreError> {
    let CaseEvent::Clock { event, limit: obligation } = event else { return Ok(()) };
    let Some((level, to)) = escalation(event) else { return Ok(()) };
    let state = lookup.case(&steps.source.instance)?;
    let customer = state.as_ref().and_then(|s| s.customer().map(str::to_owned));
    // "Department head" means the head of the case's department when the configuration names one.
    let head = state
        .as_ref()
        .and_then(CaseState::department)
        .and_then(|d| config.department(d))
        .and_then(|d| d.head.clone())
        .filter(|_| to.as_str() == "department_head");
    let to = head.map_or_else(|| Addressee::Role(to.as_str().to_owned()), Addressee::Person);
    let policy = state
        .as_ref()
        .and_then(|s| s.clock(*obligation).and_then(|c| c.policy().map(|p| p.name().to_owned())))
        .unwrap_or_else(|| obligation.name().to_owned());
    steps.notice("clock", to, customer, Topic::Escalation { policy, level });
    Ok(())
}

fn approval(event: &ApprovalEvent, steps: &mut Steps<'_>, lookup: &dyn Lookup) -> Result<(), StoreError> {
    let instance = steps.source.instance.clone();
    // `approval/{customer}/{c6|c7}/{reference}`
    let mut parts = instance.splitn(4, '/').skip(1);
    let (Some(customer), Some(chain), Some(reference)) = (parts.next(), parts.next(), parts.next()) else {
        return Ok(());
    };
    let unescape = |s: &str| s.replace("%2F", "/").replace("%25", "%");
    let (customer_id, reference) = (unescape(customer), unescape(reference));
    match event {
        ApprovalEvent::Approved { .. } | ApprovalEvent::Rejected { .. } => {
            let approved = matches!(event, ApprovalEvent::Approved { .. });
            let name = if approved { "approved" } else { "rejected" };
            let state = lookup.approval(&instance)?;
            if approved && chain == "c6" {
                let approver =
                    state.as_ref().and_then(|s| s.decisions().last().map(|d| d.by.clone())).unwrap_or_default();
                let target = format!("customer/{customer}");
                let exception = LifecycleCommand::ExceptionApproved { approval_id: instance.clone(), approver };
                steps.push(name, target.clone(), DeskCommand::Lifecycle(exception));
                steps.push(name, target, DeskCommand::Lifecycle(LifecycleCommand::OrderPlaced { order: reference }));
            }
            if let Some((requester, subject)) = state
                .as_ref()
                .and_then(|s| s.requested().map(|(by, _)| by.to_owned()))
                .zip(state.as_ref().and_then(|s| s.subject().map(str::to_owned)))
            {
                let topic = Topic::Decision { approved, subject };
                steps.notice(name, Addressee::Person(requester), Some(customer_id), topic);
            }
        }
        ApprovalEvent::StepClock { event, .. } => {
            if let Some((level, to)) = escalation(event) {
                let policy = lookup
                    .approval(&instance)?
                    .and_then(|s| s.step_clock().and_then(|c| c.policy().map(|p| p.name().to_owned())))
                    .unwrap_or_else(|| "approval step".to_owned());
                steps.notice(
                    "step_clock",
                    Addressee::Role(to.as_str().to_owned()),
                    Some(customer_id),
                    Topic::Escalation { policy, level },
                );
            }
        }
        _ => {}
    }
    Ok(())
}

fn board(event: &BoardEvent, steps: &mut Steps<'_>) {
    let pool = steps.source.instance.clone();
    match event {
        BoardEvent::Given { item, specialist, .. } if pool == ids::CUSTOMER_BOARD => {
            let command = LifecycleCommand::SpecialistAssigned { specialist: specialist.clone() };
            steps.push("given", ids::customer(item), DeskCommand::Lifecycle(command));
        }
        BoardEvent::Given { item, specialist, .. } if pool == ids::CALLBACK_BOARD => {
            let command = CallbackCommand::Assign { specialist: specialist.clone() };
            steps.push("given", item.clone(), DeskCommand::Callback(command));
        }
        BoardEvent::Waiting { reason, .. } => {
            let topic = Topic::Unassigned { reason: reason.clone() };
            steps.notice("waiting", Addressee::Role(SUPERVISOR.to_owned()), None, topic);
        }
        _ => {}
    }
}

fn campaign(event: &CampaignEvent, steps: &mut Steps<'_>, config: &Compiled) {
    let CampaignEvent::Launched { customers, .. } = event else { return };
    let Some(c) = config.config().campaigns.iter().find(|c| ids::campaign(&c.id) == steps.source.instance) else {
        return;
    };
    let by: Option<DateTime<Utc>> = c.within.map(|w| c.starts + w);
    for customer in customers {
        let mut due = Due::occasion(customer.clone(), c.occasion.clone(), c.starts);
        if let Some(by) = by {
            due = due.with_by(by);
        }
        let target = ids::campaign_callback(customer, &c.id);
        steps.push("launched", target, DeskCommand::Callback(CallbackCommand::Open(due)));
    }
}

/// Whether a customer's lifecycle kind makes a callback to it one for a lapsed customer (rule B4 §2.4).
#[must_use]
pub(super) fn standing_of(kind: LifecycleKind) -> Standing {
    match kind {
        LifecycleKind::Quiet | LifecycleKind::Lapsed => Standing::Lapsed,
        _ => Standing::Regular,
    }
}

/// The origin of an inquiry's case (rule Q1).
pub(super) fn inquiry_origin(channel: crate::case::InquiryChannel, text: &str) -> Origin {
    Origin::inquiry(channel, text)
}
