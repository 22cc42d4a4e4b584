//! [`Desk`]: the department as one running system over any [`Store`].

use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, TimeDelta, Utc};

use super::board::Board;
use super::campaign::{CampaignCommand, CampaignRun};
use super::command::{DeskCommand, Fact};
use super::config::Compiled;
use super::error::{DeskError, refusal};
use super::ids;
use super::notice::Notice;
use super::profile::{Profile, ProfileCommand};
use super::reaction::{self, Lookup, inquiry_origin, reactions_for, standing_of};
use super::view::View;
use crate::approval::{Approval, ApprovalCommand, ApprovalState};
use crate::callback::{Callback, CallbackCommand, CallbackState, Due, Reason};
use crate::case::{Case, CaseCommand, CaseState};
use crate::lifecycle::{Lifecycle, LifecycleCommand, LifecycleError, LifecycleState};
use crate::machine::{Context, Machine, Principal, Rejection};
use crate::script::{RunState, ScriptRun, ValidScript};
use crate::store::{Commit, Position, RunError, Runner, Store, StoreError, Tickable, Versioned, load_or_new};

/// The subscriber name under which the desk keeps its reaction cursor in the store.
pub const REACTIONS_CURSOR: &str = "kefu.desk.reactions";

/// How many due instances of one machine a tick fires per store call, and how many log events a reaction pass
/// reads at once.
const BATCH: usize = 256;

/// How many fire-then-react rounds one [`Desk::tick`] runs at most before it reports that work keeps appearing.
const MAX_ROUNDS: usize = 1_000;

/// What a command or fact did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Done {
    /// The instance the command went to.
    pub instance: String,
    /// The commit (for a repeated idempotency key: the first one).
    pub commit: Commit,
    /// Whether the idempotency key had been used: nothing was decided or appended this time.
    pub duplicate: bool,
}

/// What [`Desk::submit`] did with a fact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submitted {
    /// The command it became, and its commit.
    pub done: Done,
    /// For an order refused because the file is incomplete (rule C6): the documents missing. `done` is then the
    /// request of the C6 approval, and the order is placed when the approval is granted.
    pub awaiting_approval: Option<Vec<String>>,
}

/// What [`Desk::tick`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TickReport {
    /// How many deadlines fired (each an append).
    pub fired: usize,
    /// How many log events the reactions read.
    pub events: usize,
    /// How many reaction steps appended something.
    pub steps: usize,
    /// Reaction steps the target machine refused, with why: legitimate no-ops such as cancelling a callback that
    /// was done meanwhile. Nothing is retried.
    pub refused: Vec<(String, String)>,
    /// Due instances whose tick was refused or could not be loaded; they stay due.
    pub stuck: Vec<(String, String)>,
}

/// The department as one running system: ERP facts and commands in, every machine's deadlines fired, and the
/// reactions between machines applied, each exactly once, over any [`Store`].
///
/// - [`submit`](Desk::submit) turns an ERP [`Fact`] into a command on the right instance (with the ERP's
///   idempotency key); [`execute`](Desk::execute) runs a command on any instance as a principal.
/// - [`tick`](Desk::tick) fires every machine's due deadlines at `now`, then follows the log from the desk's
///   durable cursor and applies the [reactions](super::REACTIONS), until nothing is left. Reactions' commands carry
///   keys derived from their source events, so several workers — or a worker that crashed between an append and
///   its cursor save — apply each one exactly once.
/// - Queries: [`worklist`](Desk::worklist), [`open_cases`](Desk::open_cases),
///   [`pending_approvals`](Desk::pending_approvals), [`notices`](Desk::notices), [`customer`](Desk::customer),
///   [`next_due`](Desk::next_due), answered from a view the desk folds from the log.
///
/// The desk reads no clock: every call takes `now`.
pub struct Desk<S> {
    store: S,
    setup: Compiled,
    runner: Runner,
    view: Mutex<View>,
    campaigns_scheduled: Mutex<bool>,
}

impl<S: Store> Desk<S> {
    /// A desk over `store`, configured by `setup`.
    pub fn new(store: S, setup: Compiled) -> Self {
        Self {
            store,
            setup,
            runner: Runner::new(),
            view: Mutex::new(View::default()),
            campaigns_scheduled: Mutex::new(false),
        }
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The configuration.
    pub fn config(&self) -> &Compiled {
        &self.setup
    }

    /// Records an ERP fact about `customer` as `principal`, with the ERP's idempotency key: a retried fact returns
    /// the first result and appends nothing.
    ///
    /// | fact | becomes |
    /// | --- | --- |
    /// | customer details | an update of `profile/{customer}` (the contact calendar must be configured) |
    /// | contract, document, file, order, payments, sales contact, handed to / back from sales, closed | the lifecycle command on `customer/{customer}` |
    /// | an order refused because the file is incomplete | the C6 approval `approval/{customer}/c6/{order}` (rule C6) |
    /// | sale completed | the after-sale callback `callback/{customer}/sale/{sale}` (rule B3) |
    /// | credit-change request | the C7 approval `approval/{customer}/c7/{request}` (rule C7) |
    /// | inquiry | the case `case/{customer}/inquiry/{reference}` (rules Q1, Q2) |
    ///
    /// # Errors
    ///
    /// [`DeskError::Rejected`] when the machine refuses (nothing recorded), [`DeskError::Invalid`] for a fact
    /// naming something the configuration lacks, or a store failure.
    pub fn submit(
        &self,
        customer: &str,
        fact: &Fact,
        principal: &Principal,
        now: DateTime<Utc>,
        key: &str,
    ) -> Result<Submitted, DeskError> {
        if let Some(first) = self.store.commit_for_key(key)? {
            let awaiting = first.instance.starts_with("approval/") && matches!(fact, Fact::OrderPlaced { .. });
            let missing = if awaiting {
                Some(self.lifecycle_state(&ids::customer(customer))?.map(|s| s.missing_documents()).unwrap_or_default())
            } else {
                None
            };
            let instance = first.instance.clone();
            return Ok(Submitted {
                done: Done { instance, commit: first, duplicate: true },
                awaiting_approval: missing,
            });
        }
        let life = |command: LifecycleCommand| (ids::customer(customer), DeskCommand::Lifecycle(command));
        let (instance, command) = match fact {
            Fact::CustomerDetails(details) => {
                if let Some(calendar) = &details.contact_calendar {
                    if self.setup.calendars().get(calendar).is_err() {
                        return Err(DeskError::Invalid {
                            field: "contact_calendar",
                            message: format!("calendar `{calendar}` is not configured"),
                        });
                    }
                }
                (ids::profile(customer), DeskCommand::Profile(ProfileCommand::Update(details.clone())))
            }
            Fact::ContractAccepted { contract } => {
                life(LifecycleCommand::ContractAccepted { contract: contract.clone() })
            }
            Fact::DocumentReceived { document } => {
                life(LifecycleCommand::DocumentReceived { document: document.clone() })
            }
            Fact::FileCreated { file_number } => life(LifecycleCommand::FileCreated { file_number: *file_number }),
            Fact::OrderPlaced { order } => return self.place_order(customer, order, principal, now, key),
            Fact::PaymentOverdue { invoice } => life(LifecycleCommand::PaymentOverdue { invoice: invoice.clone() }),
            Fact::PaymentSettled { invoice } => life(LifecycleCommand::PaymentSettled { invoice: invoice.clone() }),
            Fact::SalesContact => life(LifecycleCommand::SalesContactLogged),
            Fact::HandedToSales => life(LifecycleCommand::HandedToSales),
            Fact::HandedBack => life(LifecycleCommand::HandedBack),
            Fact::Closed { reason } => life(LifecycleCommand::Close { reason: reason.clone() }),
            Fact::SaleCompleted { sale } => {
                let state = self.lifecycle_state(&ids::customer(customer))?;
                let mut due = Due::after_sale(customer, sale.clone(), now);
                if let Some(state) = &state {
                    due = due.with_standing(standing_of(state.kind()));
                    if let Some(calendar) = state.contact_calendar() {
                        due = due.with_contact_calendar(calendar);
                    }
                }
                (ids::after_sale(customer, sale), DeskCommand::Callback(CallbackCommand::Open(due)))
            }
            Fact::CreditChangeRequested { request, subject } => {
                let chain = self.setup.config().c7.clone();
                let command = ApprovalCommand::Request { chain, subject: subject.clone() };
                (ids::c7_approval(customer, request), DeskCommand::Approval(command))
            }
            Fact::Inquiry { reference, channel, text, class } => {
                let standing = self
                    .lifecycle_state(&ids::customer(customer))?
                    .map_or(Default::default(), |s| standing_of(s.kind()));
                let command = CaseCommand::Open {
                    origin: inquiry_origin(*channel, text),
                    class: *class,
                    customer: customer.to_owned(),
                    standing,
                };
                (ids::inquiry_case(customer, reference), DeskCommand::Case(command))
            }
        };
        let done = self.execute(&instance, &command, principal, now, Some(key))?;
        Ok(Submitted { done, awaiting_approval: None })
    }

    /// An order: placed, or — refused because documents are missing (rule C6) — held for the C6 approval chain.
    fn place_order(
        &self,
        customer: &str,
        order: &str,
        principal: &Principal,
        now: DateTime<Utc>,
        key: &str,
    ) -> Result<Submitted, DeskError> {
        let instance = ids::customer(customer);
        let command = LifecycleCommand::OrderPlaced { order: order.to_owned() };
        match self.run_ticking::<Lifecycle>(&instance, &command, self.setup.lifecycle(), principal, now, Some(key)) {
            Err(RunError::Rejected(Rejection::Refused {
                reason: LifecycleError::IncompleteFile { missing }, ..
            })) => {
                let subject = format!(
                    "order {order} of customer {customer}: trade although the file lacks {}",
                    missing.join(", ")
                );
                let request = ApprovalCommand::Request { chain: self.setup.config().c6.clone(), subject };
                let done = self.execute(
                    &ids::c6_approval(customer, order),
                    &DeskCommand::Approval(request),
                    principal,
                    now,
                    Some(key),
                )?;
                Ok(Submitted { done, awaiting_approval: Some(missing) })
            }
            other => Ok(Submitted { done: finish(&instance, other)?, awaiting_approval: None }),
        }
    }

    /// Runs `command` on `instance` as `principal` at `now`, with an optional idempotency key.
    ///
    /// An instance of a machine with deadlines is first ticked if one has passed, so that the command meets the
    /// state as it is at `now` (a customer who went quiet at 09:00 is quiet for an order at 10:00).
    ///
    /// # Errors
    ///
    /// [`DeskError::Rejected`] (with [`forbidden`](DeskError::is_forbidden) for a principal the rule does not
    /// allow), [`DeskError::WrongMachine`] when `instance` belongs to another machine, a script that is not
    /// configured, or a store failure.
    pub fn execute(
        &self,
        instance: &str,
        command: &DeskCommand,
        principal: &Principal,
        now: DateTime<Utc>,
        key: Option<&str>,
    ) -> Result<Done, DeskError> {
        let s = &self.setup;
        match command {
            DeskCommand::Lifecycle(c) => {
                finish(instance, self.run_ticking::<Lifecycle>(instance, c, s.lifecycle(), principal, now, key))
            }
            DeskCommand::Callback(c) => {
                finish(instance, self.run_ticking::<Callback>(instance, c, s.callback(), principal, now, key))
            }
            DeskCommand::Case(c) => {
                finish(instance, self.run_ticking::<Case>(instance, c, s.cases(), principal, now, key))
            }
            DeskCommand::Approval(c) => {
                finish(instance, self.run_ticking::<Approval>(instance, c, s.calendars(), principal, now, key))
            }
            DeskCommand::Board(c) => {
                finish(instance, self.run_ticking::<Board>(instance, c, s.team(), principal, now, key))
            }
            DeskCommand::Profile(c) => finish(instance, self.run::<Profile>(instance, c, &(), principal, now, key)),
            DeskCommand::Notice(c) => finish(instance, self.run::<Notice>(instance, c, &(), principal, now, key)),
            DeskCommand::Campaign(c) => {
                finish(instance, self.run::<CampaignRun>(instance, c, &(), principal, now, key))
            }
            DeskCommand::Run(c) => {
                let script = self.script_for_run(instance)?;
                finish(instance, self.run::<ScriptRun>(instance, c, script, principal, now, key))
            }
        }
    }

    fn run<M: Versioned>(
        &self,
        instance: &str,
        command: &M::Command,
        config: &M::Config,
        principal: &Principal,
        now: DateTime<Utc>,
        key: Option<&str>,
    ) -> Result<crate::store::Executed<M>, RunError<M::Error>> {
        self.runner.execute::<M, _>(&self.store, instance, command, &Context::new(now, principal, config), key)
    }

    /// [`Desk::run`] after a tick when the instance has a deadline at or before `now`.
    fn run_ticking<M: Versioned + Tickable>(
        &self,
        instance: &str,
        command: &M::Command,
        config: &M::Config,
        principal: &Principal,
        now: DateTime<Utc>,
        key: Option<&str>,
    ) -> Result<crate::store::Executed<M>, RunError<M::Error>> {
        let fresh_key = key.is_none_or(|k| matches!(self.store.commit_for_key(k), Ok(None)));
        if fresh_key {
            if let Some(stored) = self.store.load(instance)? {
                if stored.next_deadline.as_ref().is_some_and(|d| d.is_due(now)) {
                    let system = Principal::system();
                    // A refused or conflicting catch-up tick is not the caller's command: the command decides.
                    let _ = self.runner.execute::<M, _>(
                        &self.store,
                        instance,
                        &M::tick(),
                        &Context::new(now, &system, config),
                        None,
                    );
                }
            }
        }
        self.run::<M>(instance, command, config, principal, now, key)
    }

    /// The script a run walks: the one it is pinned to, or for a new run the one its callback calls for (S2 for
    /// follow-ups of quiet and lapsed customers, S1 otherwise).
    fn script_for_run(&self, instance: &str) -> Result<&ValidScript, DeskError> {
        let book = &self.setup.config().scripts;
        let pinned = load_or_new::<ScriptRun, _>(&self.store, instance)?.state().pinned().map(|p| p.script.clone());
        let id = match pinned {
            Some(id) => id,
            None => {
                let callback = ids::callback_of_run(instance).ok_or_else(|| DeskError::Invalid {
                    field: "instance",
                    message: format!("`{instance}` is not a run id (`run/…/N`)"),
                })?;
                let state = load_or_new::<Callback, _>(&self.store, &callback)?;
                match state.state().due().map(|d| &d.reason) {
                    Some(Reason::FollowUp { .. }) => book.quiet.clone(),
                    Some(_) => book.regular.clone(),
                    None => {
                        return Err(DeskError::Invalid {
                            field: "instance",
                            message: format!("callback `{callback}` of run `{instance}` is not open"),
                        });
                    }
                }
            }
        };
        book.get(&id).ok_or(DeskError::UnknownScript { instance: instance.to_owned(), script: id })
    }

    /// Fires every due deadline at `now` and applies the reactions until nothing is left.
    ///
    /// Call it on a beat, or at [`next_due`](Desk::next_due). Safe to call from several workers at once: each
    /// deadline fires once and each reaction applies once.
    ///
    /// # Errors
    ///
    /// A store failure (what was done before it stays done; call again), or [`DeskError::Busy`] when work kept
    /// appearing for a thousand rounds.
    pub fn tick(&self, now: DateTime<Utc>) -> Result<TickReport, DeskError> {
        self.schedule_campaigns(now)?;
        let mut report = TickReport::default();
        for _ in 0..MAX_ROUNDS {
            let fired = self.fire(now, &mut report)?;
            let stepped = self.react(now, &mut report)?;
            if fired == 0 && stepped == 0 {
                self.refresh()?;
                return Ok(report);
            }
        }
        Err(DeskError::Busy { instance: "the desk".into(), attempts: u32::try_from(MAX_ROUNDS).unwrap_or(u32::MAX) })
    }

    /// Schedules every configured campaign once per process (scheduling an unchanged campaign records nothing).
    fn schedule_campaigns(&self, now: DateTime<Utc>) -> Result<(), DeskError> {
        let mut done = self.campaigns_scheduled.lock().unwrap_or_else(PoisonError::into_inner);
        if *done {
            return Ok(());
        }
        let system = Principal::system();
        for campaign in &self.setup.config().campaigns {
            let instance = ids::campaign(&campaign.id);
            match self.run::<CampaignRun>(
                &instance,
                &CampaignCommand::Schedule(campaign.clone()),
                &(),
                &system,
                now,
                None,
            ) {
                // Launched already: the schedule is history.
                Ok(_) | Err(RunError::Rejected(Rejection::NotAllowed { .. })) => {}
                Err(e) => return Err(finish::<CampaignRun>(&instance, Err(e)).unwrap_err()),
            }
        }
        *done = true;
        Ok(())
    }

    /// Fires the due deadlines of every machine; returns how many fired.
    fn fire(&self, now: DateTime<Utc>, report: &mut TickReport) -> Result<usize, DeskError> {
        let s = &self.setup;
        let mut fired = 0;
        fired += self.fire_machine::<Lifecycle>(s.lifecycle(), now, report)?;
        fired += self.fire_machine::<Callback>(s.callback(), now, report)?;
        fired += self.fire_machine::<Case>(s.cases(), now, report)?;
        fired += self.fire_machine::<Approval>(s.calendars(), now, report)?;
        fired += self.fire_machine::<Board>(s.team(), now, report)?;
        fired += self.launch_campaigns(now, report)?;
        report.fired += fired;
        Ok(fired)
    }

    fn fire_machine<M: Versioned + Tickable>(
        &self,
        config: &M::Config,
        now: DateTime<Utc>,
        report: &mut TickReport,
    ) -> Result<usize, DeskError> {
        let system = Principal::system();
        let ctx = Context::new(now, &system, config);
        let mut fired = 0;
        loop {
            let tick = self.runner.tick::<M, _>(&self.store, &ctx, BATCH)?;
            fired += tick.fired.len();
            report.stuck.extend(tick.rejected.into_iter().map(|(id, r)| (id, r.to_string())));
            report.stuck.extend(tick.failed.into_iter().map(|(id, e)| (id, e.to_string())));
            if tick.fired.len() < BATCH {
                return Ok(fired);
            }
        }
    }

    /// Launches the campaigns whose start has come, for the customers their selectors pick now.
    fn launch_campaigns(&self, now: DateTime<Utc>, report: &mut TickReport) -> Result<usize, DeskError> {
        let due = self.store.due(CampaignRun::NAME, now, BATCH)?;
        if due.is_empty() {
            return Ok(0);
        }
        self.refresh()?;
        let system = Principal::system();
        let mut launched = 0;
        for instance in due {
            let state = load_or_new::<CampaignRun, _>(&self.store, &instance.instance)?;
            let Some(campaign) = state.state().campaign() else { continue };
            let customers = self.view().select(&campaign.select);
            let key = format!("launch/{}", instance.instance);
            match self.run::<CampaignRun>(
                &instance.instance,
                &CampaignCommand::Launch { customers },
                &(),
                &system,
                now,
                Some(&key),
            ) {
                Ok(done) => launched += usize::from(!done.duplicate),
                Err(RunError::Rejected(r)) => {
                    // Another worker may have launched it between our read and our command: then it is done, not
                    // stuck.
                    let now_state = load_or_new::<CampaignRun, _>(&self.store, &instance.instance)?;
                    if now_state.state().kind() != super::CampaignKind::Launched {
                        report.stuck.push((instance.instance.clone(), r.to_string()));
                    }
                }
                Err(e) => return Err(finish::<CampaignRun>(&instance.instance, Err(e)).unwrap_err()),
            }
        }
        Ok(launched)
    }

    /// Follows the log from the desk's cursor and applies every reaction; returns how many steps appended.
    fn react(&self, now: DateTime<Utc>, report: &mut TickReport) -> Result<usize, DeskError> {
        let system = Principal::system();
        let mut stepped = 0;
        loop {
            let events = self.store.read(self.store.cursor(REACTIONS_CURSOR)?, BATCH)?;
            let Some(last) = events.last().map(|e| e.position) else { return Ok(stepped) };
            for event in &events {
                report.events += 1;
                for step in reactions_for(event, &self.setup, &StoreLookup(&self.store))? {
                    let (target, command) = (step.command.machine(), step.command.kind_name());
                    if !reaction::declared(&event.machine, step.event, target, command) {
                        return Err(DeskError::Undeclared {
                            machine: event.machine.clone(),
                            event: step.event,
                            target,
                            command,
                        });
                    }
                    match self.execute(&step.target, &step.command, &system, now, Some(&step.key)) {
                        Ok(done) => stepped += usize::from(!done.duplicate && done.commit.first.is_some()),
                        Err(DeskError::Rejected { instance, reason, .. }) => report.refused.push((instance, reason)),
                        Err(e) => return Err(e),
                    }
                }
            }
            self.store.save_cursor(REACTIONS_CURSOR, last)?;
            report.steps += stepped;
            stepped = 0;
        }
    }

    /// Folds the log's new events into the query view.
    fn refresh(&self) -> Result<(), DeskError> {
        let mut view = self.view();
        loop {
            let events = self.store.read(view.position(), BATCH)?;
            if events.is_empty() {
                return Ok(());
            }
            for event in &events {
                view.apply(event)?;
            }
        }
    }

    fn view(&self) -> MutexGuard<'_, View> {
        self.view.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn lifecycle_state(&self, instance: &str) -> Result<Option<LifecycleState>, DeskError> {
        Ok(StoreLookup(&self.store).lifecycle(instance)?)
    }

    /// The earliest deadline of any instance, if any: when [`tick`](Desk::tick) has work next.
    ///
    /// # Errors
    ///
    /// A store failure.
    pub fn next_due(&self) -> Result<Option<DateTime<Utc>>, DeskError> {
        let far = DateTime::<Utc>::MAX_UTC - TimeDelta::days(1);
        let mut next: Option<DateTime<Utc>> = None;
        for machine in TICKED {
            if let Some(first) = self.store.due(machine, far, 1)?.first() {
                next = Some(next.map_or(first.deadline.at, |n| n.min(first.deadline.at)));
            }
        }
        Ok(next)
    }

    /// The open callbacks assigned to `specialist` whose next contact is before `until`, earliest first: what the
    /// specialist has to do (rules B2, B9).
    ///
    /// # Errors
    ///
    /// A store failure.
    pub fn worklist(&self, specialist: &str, until: DateTime<Utc>) -> Result<Vec<(String, CallbackState)>, DeskError> {
        self.refresh()?;
        Ok(self.view().worklist(specialist, until))
    }

    /// The cases not yet closed, for one department (`Some`) or all (`None`), oldest first.
    ///
    /// # Errors
    ///
    /// A store failure.
    pub fn open_cases(&self, department: Option<&str>) -> Result<Vec<(String, CaseState)>, DeskError> {
        self.refresh()?;
        Ok(self.view().open_cases(department))
    }

    /// The approvals waiting for a decision that `role` may take (rules C6, C7), oldest first.
    ///
    /// # Errors
    ///
    /// A store failure.
    pub fn pending_approvals(&self, role: &str) -> Result<Vec<(String, ApprovalState)>, DeskError> {
        self.refresh()?;
        Ok(self.view().pending_approvals(role))
    }

    /// The notices not yet acknowledged that are for `principal` (for one of their roles, or for them), oldest
    /// first.
    ///
    /// # Errors
    ///
    /// A store failure.
    pub fn notices(&self, principal: &Principal) -> Result<Vec<(String, super::NoticeState)>, DeskError> {
        self.refresh()?;
        Ok(self.view().notices(principal))
    }

    /// Everything the desk knows about a customer: the lifecycle (obligations, clocks), the details, the callbacks
    /// and the cases.
    ///
    /// # Errors
    ///
    /// [`DeskError::UnknownCustomer`] when nothing was ever recorded about it; a store failure.
    pub fn customer(&self, customer: &str) -> Result<super::CustomerView, DeskError> {
        self.refresh()?;
        let lifecycle = self.lifecycle_state(&ids::customer(customer))?;
        let details = load_or_new::<Profile, _>(&self.store, &ids::profile(customer))?.state().details().clone();
        let view = self.view();
        let callbacks = view.callbacks_of(customer);
        let cases = view.cases_of(customer);
        if lifecycle.is_none() && callbacks.is_empty() && cases.is_empty() && details == Default::default() {
            return Err(DeskError::UnknownCustomer { customer: customer.to_owned() });
        }
        Ok(super::CustomerView { customer: customer.to_owned(), lifecycle, details, callbacks, cases })
    }

    /// The position up to which the query view has folded the log.
    #[must_use]
    pub fn view_position(&self) -> Position {
        self.view().position()
    }
}

/// The machines whose instances have deadlines, as the store names them.
const TICKED: [&str; 6] = [Lifecycle::NAME, Callback::NAME, Case::NAME, Approval::NAME, Board::NAME, CampaignRun::NAME];

/// The outcome of running a command, as the desk reports it.
fn finish<M: Versioned>(
    instance: &str,
    result: Result<crate::store::Executed<M>, RunError<M::Error>>,
) -> Result<Done, DeskError>
where
    M::Error: 'static,
{
    match result {
        Ok(executed) => {
            Ok(Done { instance: instance.to_owned(), commit: executed.commit, duplicate: executed.duplicate })
        }
        Err(RunError::Rejected(rejection)) => Err(refusal::<M>(instance, rejection)),
        Err(RunError::Store(StoreError::WrongMachine { instance, stored, requested })) => {
            Err(DeskError::WrongMachine { instance, stored, requested })
        }
        Err(RunError::Store(e)) => Err(DeskError::Store(e)),
        Err(RunError::Exhausted { instance, attempts }) => Err(DeskError::Busy { instance, attempts }),
    }
}

/// Reactions' reads, straight from the store.
struct StoreLookup<'a, S>(&'a S);

impl<S: Store> StoreLookup<'_, S> {
    fn state<M: Versioned>(&self, instance: &str) -> Result<Option<M::State>, StoreError> {
        let (state, version) = load_or_new::<M, _>(self.0, instance)?.into_parts();
        Ok((version > 0).then_some(state))
    }
}

impl<S: Store> Lookup for StoreLookup<'_, S> {
    fn lifecycle(&self, instance: &str) -> Result<Option<LifecycleState>, StoreError> {
        self.state::<Lifecycle>(instance)
    }
    fn callback(&self, instance: &str) -> Result<Option<CallbackState>, StoreError> {
        self.state::<Callback>(instance)
    }
    fn case(&self, instance: &str) -> Result<Option<CaseState>, StoreError> {
        self.state::<Case>(instance)
    }
    fn approval(&self, instance: &str) -> Result<Option<ApprovalState>, StoreError> {
        self.state::<Approval>(instance)
    }
    fn run(&self, instance: &str) -> Result<Option<RunState>, StoreError> {
        self.state::<ScriptRun>(instance)
    }
}
