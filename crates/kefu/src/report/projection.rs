//! The report projection: it follows the store's log with its own cursor and folds each event, in time
//! proportional to the new events, into the compact facts a [`Report`](super::Report) of any period is read from.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;

use super::ReportConfig;
use super::error::ReportError;
use crate::approval::{Approval, ApprovalEvent};
use crate::callback::{CallResult, Callback, CallbackEvent, ContactChannel, Reason};
use crate::case::{Case, CaseEvent, Class, Origin};
use crate::desk::DeskConfig;
use crate::lifecycle::{FollowUp, Lifecycle, LifecycleEvent, LifecycleKind};
use crate::machine::Machine;
use crate::sla::{Clock, ClockEvent, Target};
use crate::store::{Position, RecordedEvent, Store, decode_event};

/// How many log events [`Projection::catch_up`] reads per store call.
const BATCH: usize = 1024;

/// A name interned once: specialists, customers, policies, answers recur by the thousand.
pub(super) type Name = u32;

/// Interned names, in first-seen order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Names {
    list: Vec<String>,
    index: HashMap<String, Name>,
}

impl Names {
    fn intern(&mut self, text: &str) -> Name {
        if let Some(&n) = self.index.get(text) {
            return n;
        }
        let n = Name::try_from(self.list.len()).unwrap_or(Name::MAX);
        self.list.push(text.to_owned());
        self.index.insert(text.to_owned(), n);
        n
    }

    pub(super) fn get(&self, name: Name) -> &str {
        self.list.get(name as usize).map_or("", String::as_str)
    }

    pub(super) fn find(&self, text: &str) -> Option<Name> {
        self.index.get(text).copied()
    }
}

/// How an SLA policy measures time: open hours of a calendar, or the wall clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Business time (open hours, or working days) on a calendar.
    Business,
    /// Wall-clock time.
    Calendar,
}

/// A callback, as much of it as reports need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct CallbackFacts {
    pub(super) id: String,
    pub(super) customer: Name,
    pub(super) rule: &'static str,
    /// The window's end: the callback counts in the period this falls in (rule B10).
    pub(super) by: DateTime<Utc>,
    pub(super) assigned: Vec<(DateTime<Utc>, Name)>,
    pub(super) attempts: u32,
    /// Who made the last attempt: the callback's specialist when the run's reaction finishes it as the system.
    pub(super) last_caller: Option<Name>,
    pub(super) last_reached: Option<ContactChannel>,
    pub(super) first_rescheduled: Option<DateTime<Utc>>,
    pub(super) done: Option<(DateTime<Utc>, Name)>,
    pub(super) cancelled: Option<DateTime<Utc>>,
}

impl CallbackFacts {
    /// The specialist it counts for: who did it, else who held it when its window closed.
    pub(super) fn specialist(&self) -> Option<Name> {
        if let Some((at, by)) = self.done {
            if at < self.by {
                return Some(by);
            }
        }
        self.assigned.iter().rev().find(|(at, _)| *at < self.by).map(|(_, s)| *s)
    }
}

/// The S1/S2 answers of one callback record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Answers {
    pub(super) recorded: bool,
    pub(super) satisfaction: Option<Name>,
    pub(super) referral: Option<bool>,
    pub(super) heard: Option<Name>,
    pub(super) cooperation: Option<bool>,
}

/// How a case came to an end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Closing {
    Confirmed,
    Silence,
    Withdrawn,
}

impl Closing {
    pub(super) fn name(self) -> &'static str {
        match self {
            Self::Confirmed => "confirmed",
            Self::Silence => "closed_by_silence",
            Self::Withdrawn => "withdrawn",
        }
    }
}

/// Where a case stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum CaseStatus {
    Open,
    Referred,
    Resolved,
    Answered,
    Closed(Closing),
}

impl CaseStatus {
    pub(super) fn name(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Referred => "referred",
            Self::Resolved => "resolved",
            Self::Answered => "answered",
            Self::Closed(how) => how.name(),
        }
    }
}

/// A case, as much of it as reports need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct CaseFacts {
    pub(super) class: Class,
    pub(super) from_callback: bool,
    pub(super) specialist: Option<Name>,
    pub(super) statuses: Vec<(DateTime<Utc>, CaseStatus)>,
}

/// How an approval was decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Decision {
    Approved,
    Rejected,
    Withdrawn,
}

/// An approval request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct ApprovalFacts {
    pub(super) chain: Name,
    pub(super) requested_at: DateTime<Utc>,
    pub(super) decided: Option<(DateTime<Utc>, Decision)>,
}

/// A follow-up obligation (rules F1, F2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct ObligationFacts {
    pub(super) rule: &'static str,
    pub(super) due: DateTime<Utc>,
    pub(super) fulfilled: Option<DateTime<Utc>>,
    pub(super) withdrawn: Option<DateTime<Utc>>,
}

/// A customer's lifecycle kinds over time, and the specialist who owns them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct CustomerFacts {
    pub(super) kinds: Vec<(DateTime<Utc>, LifecycleKind)>,
    pub(super) owner: Option<Name>,
}

impl CustomerFacts {
    /// The kind at `t`, if the customer was known by then.
    pub(super) fn kind_at(&self, t: DateTime<Utc>) -> Option<LifecycleKind> {
        self.kinds.iter().rev().find(|(at, _)| *at <= t).map(|(_, k)| *k)
    }
}

/// Something that happened at an instant and counts in the period that instant falls in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Activity {
    pub(super) at: DateTime<Utc>,
    pub(super) act: Act,
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Act {
    /// A contact attempt (rule B1).
    Attempt { specialist: Name, channel: ContactChannel, reached: bool },
    /// A callback was done, with the record's answers (rules S1, S2).
    Finished { callback: u32, specialist: Name, channel: Option<ContactChannel>, first_contact: bool, answers: Answers },
    /// Problems raised in a callback (rule B5).
    Problems { count: u32 },
    /// An SLA clock was met (late or not), after `consumed` of its measure.
    Met { policy: Name, consumed: TimeDelta, late: bool, owner: Option<Name> },
    /// An SLA clock breached.
    Breached { policy: Name, owner: Option<Name> },
    /// A clock escalated (rule B6).
    Escalated { level: u16 },
    /// A case was opened.
    CaseOpened { case: u32 },
    /// A case was closed.
    CaseClosed { how: Closing },
    /// An approval was requested.
    ApprovalOpened { approval: u32 },
    /// An approval was decided.
    ApprovalDecided { approval: u32, decision: Decision },
}

/// The report projection (rules B7, B10, O5): a fold of the department's event log — callbacks, lifecycles, cases,
/// SLA clocks, approvals — with a cursor, so that [`catch_up`](Projection::catch_up) reads only the events added
/// since the last call and each [`apply`](Projection::apply) costs the same whatever the log's length. A
/// [`Report`](super::Report) of any period is then read from it with [`over`](Projection::over).
///
/// Building it incrementally, in any chunks, gives the same reports as rebuilding it from the whole log; events
/// at or before the cursor are skipped, so re-reading is harmless.
///
/// ```
/// use kefu::report::{Period, Projection};
/// use kefu::store::MemoryStore;
///
/// let store = MemoryStore::new();
/// let mut projection = Projection::new(chrono_tz::Asia::Shanghai, Default::default());
/// assert_eq!(projection.catch_up(&store)?, 0); // an empty log
/// let june = projection.over(Period::month(2026, 6)?)?;
/// assert_eq!(june.callbacks.due, 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Projection {
    pub(super) tz: Tz,
    pub(super) config: ReportConfig,
    position: Position,
    pub(super) watermark: Option<DateTime<Utc>>,
    pub(super) events: u64,
    pub(super) names: Names,
    callback_index: HashMap<String, u32>,
    pub(super) callbacks: Vec<CallbackFacts>,
    pub(super) activities: Vec<Activity>,
    pub(super) customers: HashMap<Name, CustomerFacts>,
    case_index: HashMap<String, u32>,
    pub(super) cases: Vec<CaseFacts>,
    approval_index: HashMap<String, u32>,
    pub(super) approvals: Vec<ApprovalFacts>,
    pub(super) obligations: Vec<ObligationFacts>,
    obligation_index: HashMap<(Name, u32), usize>,
    /// Running clocks: (instance, which clock of it) → policy.
    clocks: HashMap<(String, u32), Name>,
    pub(super) measures: HashMap<Name, Measure>,
}

impl Projection {
    /// An empty projection for a desk in time zone `tz` (where months and weeks begin), with the report
    /// configuration (rule B7's agreements).
    #[must_use]
    pub fn new(tz: Tz, config: ReportConfig) -> Self {
        Self {
            tz,
            config,
            position: Position::START,
            watermark: None,
            events: 0,
            names: Names::default(),
            callback_index: HashMap::new(),
            callbacks: Vec::new(),
            activities: Vec::new(),
            customers: HashMap::new(),
            case_index: HashMap::new(),
            cases: Vec::new(),
            approval_index: HashMap::new(),
            approvals: Vec::new(),
            obligations: Vec::new(),
            obligation_index: HashMap::new(),
            clocks: HashMap::new(),
            measures: HashMap::new(),
        }
    }

    /// An empty projection for a desk configured by `config` (its time zone and its `[reports]` section).
    #[must_use]
    pub fn for_desk(config: &DeskConfig) -> Self {
        Self::new(config.time_zone, config.reports.clone())
    }

    /// The last log position applied ([`Position::START`] before any).
    #[must_use]
    pub fn position(&self) -> Position {
        self.position
    }

    /// The latest decision instant in the log so far: the log's own "now", up to which reports count missed
    /// callbacks and overdue obligations.
    #[must_use]
    pub fn watermark(&self) -> Option<DateTime<Utc>> {
        self.watermark
    }

    /// Reads every event after the cursor from `store` and applies it; returns how many were read.
    ///
    /// # Errors
    ///
    /// A store failure, or [`ReportError::Event`] for an event that cannot be decoded (the cursor stays before it).
    pub fn catch_up<S: Store + ?Sized>(&mut self, store: &S) -> Result<usize, ReportError> {
        let mut read = 0;
        loop {
            let batch = store.read(self.position, BATCH)?;
            if batch.is_empty() {
                return Ok(read);
            }
            read += batch.len();
            for event in &batch {
                self.apply(event)?;
            }
        }
    }

    /// Folds one log event. Events at or before the cursor are skipped; machines reports do not read (boards,
    /// notices, profiles, script runs — a run's record reaches the report through its callback) only move the
    /// cursor.
    ///
    /// # Errors
    ///
    /// [`ReportError::Event`] if the event's payload is not the machine's event (nothing is applied).
    pub fn apply(&mut self, event: &RecordedEvent) -> Result<(), ReportError> {
        if event.position <= self.position {
            return Ok(());
        }
        let fail = |source| ReportError::Event {
            position: event.position,
            instance: event.instance.clone(),
            machine: event.machine.clone(),
            source: Box::new(source),
        };
        match event.machine.as_str() {
            Callback::NAME => self.callback(&event.instance, decode_event::<Callback>(event).map_err(fail)?),
            Case::NAME => self.case(&event.instance, decode_event::<Case>(event).map_err(fail)?),
            Lifecycle::NAME => self.lifecycle(&event.instance, decode_event::<Lifecycle>(event).map_err(fail)?),
            Approval::NAME => self.approval(&event.instance, decode_event::<Approval>(event).map_err(fail)?),
            Clock::NAME => {
                let clock = decode_event::<Clock>(event).map_err(fail)?;
                self.clock(&event.instance, 0, &clock, None);
            }
            _ => {}
        }
        self.position = event.position;
        self.events += 1;
        self.watermark = Some(self.watermark.map_or(event.at, |w| w.max(event.at)));
        Ok(())
    }

    fn activity(&mut self, at: DateTime<Utc>, act: Act) {
        self.activities.push(Activity { at, act });
    }

    fn callback(&mut self, instance: &str, event: CallbackEvent) {
        if let CallbackEvent::Opened { due, .. } = &event {
            let by = due.by.unwrap_or(due.from);
            let rule = match &due.reason {
                Reason::FollowUp { follow_up: FollowUp::F1Call, .. } => "F1",
                Reason::FollowUp { .. } => "F2",
                other => other.rule(),
            };
            let customer = self.names.intern(&due.customer);
            let n = u32::try_from(self.callbacks.len()).unwrap_or(u32::MAX);
            self.callbacks.push(CallbackFacts {
                id: instance.to_owned(),
                customer,
                rule,
                by,
                assigned: Vec::new(),
                attempts: 0,
                last_caller: None,
                last_reached: None,
                first_rescheduled: None,
                done: None,
                cancelled: None,
            });
            self.callback_index.insert(instance.to_owned(), n);
            return;
        }
        let Some(&n) = self.callback_index.get(instance) else { return };
        let i = n as usize;
        match event {
            CallbackEvent::Opened { .. } => {}
            CallbackEvent::Assigned { at, specialist, .. } => {
                let s = self.names.intern(&specialist);
                if let Some(cb) = self.callbacks.get_mut(i) {
                    cb.assigned.push((at, s));
                }
            }
            CallbackEvent::Attempted { at, by, channel, reached } => {
                let specialist = self.names.intern(&by);
                if let Some(cb) = self.callbacks.get_mut(i) {
                    cb.attempts += 1;
                    cb.last_caller = Some(specialist);
                    if reached {
                        cb.last_reached = Some(channel);
                    }
                }
                self.activity(at, Act::Attempt { specialist, channel, reached });
            }
            CallbackEvent::Rescheduled { at, .. } => {
                if let Some(cb) = self.callbacks.get_mut(i) {
                    cb.first_rescheduled.get_or_insert(at);
                }
            }
            CallbackEvent::Finished { at, by, result } => {
                let by = self.names.intern(&by);
                let answers = match &result {
                    CallResult::Script { record } => Answers {
                        recorded: true,
                        satisfaction: record.satisfaction.as_deref().map(|s| self.names.intern(s)),
                        referral: record.referral,
                        heard: record.channel.as_deref().map(|s| self.names.intern(s)),
                        cooperation: record.continue_cooperation,
                    },
                    CallResult::Summary { .. } => Answers::default(),
                };
                let Some(cb) = self.callbacks.get_mut(i) else { return };
                // The one who called, else the holder, else whoever recorded it.
                let holder = cb.assigned.last().map(|(_, s)| *s);
                let specialist = cb.last_caller.or(holder).unwrap_or(by);
                cb.done = Some((at, specialist));
                let first_contact = cb.attempts <= 1 && cb.first_rescheduled.is_none();
                let channel = cb.last_reached;
                self.activity(at, Act::Finished { callback: n, specialist, channel, first_contact, answers });
            }
            CallbackEvent::ProblemsRaised { at, problems } => {
                let count = u32::try_from(problems.len()).unwrap_or(u32::MAX);
                self.activity(at, Act::Problems { count });
            }
            CallbackEvent::Cancelled { at, .. } => {
                if let Some(cb) = self.callbacks.get_mut(i) {
                    cb.cancelled.get_or_insert(at);
                }
            }
            CallbackEvent::Missed { .. } | CallbackEvent::Filed { .. } => {}
            CallbackEvent::Clock { event } => {
                let owner = self.callbacks.get(i).and_then(|cb| cb.done.map(|(_, s)| s));
                self.clock(instance, 0, &event, owner);
            }
        }
    }

    /// An SLA clock's event, wherever it is embedded; `which` tells apart the clocks of one instance.
    fn clock(&mut self, instance: &str, which: u32, event: &ClockEvent, owner: Option<Name>) {
        let key = (instance.to_owned(), which);
        match event {
            ClockEvent::Started { policy, .. } => {
                let name = self.names.intern(policy.name());
                let measure = match policy.target() {
                    Target::Elapsed(_) => Measure::Calendar,
                    Target::Business { .. } | Target::WorkingDays { .. } => Measure::Business,
                };
                self.measures.entry(name).or_insert(measure);
                self.clocks.insert(key, name);
            }
            ClockEvent::Breached { at } => {
                if let Some(&policy) = self.clocks.get(&key) {
                    self.activity(*at, Act::Breached { policy, owner });
                }
            }
            ClockEvent::Escalated { at, level, .. } => {
                if self.clocks.contains_key(&key) {
                    self.activity(*at, Act::Escalated { level: *level });
                }
            }
            ClockEvent::Met { at, late, consumed } => {
                if let Some(policy) = self.clocks.remove(&key) {
                    self.activity(*at, Act::Met { policy, consumed: *consumed, late: *late, owner });
                }
            }
            ClockEvent::Cancelled { .. } => {
                self.clocks.remove(&key);
            }
            ClockEvent::Warned { .. } | ClockEvent::Paused { .. } | ClockEvent::Resumed { .. } => {}
        }
    }

    fn case(&mut self, instance: &str, event: CaseEvent) {
        if let CaseEvent::Opened { at, origin, class, customer, .. } = &event {
            let customer = self.names.intern(customer);
            let (from_callback, specialist) = match origin {
                Origin::Callback { callback, .. } => {
                    let done_by = self.callback_index.get(callback.as_str()).and_then(|&n| {
                        self.callbacks
                            .get(n as usize)
                            .and_then(|cb| cb.done.map(|(_, s)| s).or_else(|| cb.specialist()))
                    });
                    (true, done_by)
                }
                Origin::Inquiry { .. } => (false, self.customers.get(&customer).and_then(|c| c.owner)),
            };
            let n = u32::try_from(self.cases.len()).unwrap_or(u32::MAX);
            self.cases.push(CaseFacts {
                class: *class,
                from_callback,
                specialist,
                statuses: vec![(*at, CaseStatus::Open)],
            });
            self.case_index.insert(instance.to_owned(), n);
            self.activity(*at, Act::CaseOpened { case: n });
            return;
        }
        let Some(&n) = self.case_index.get(instance) else { return };
        let status = |at: DateTime<Utc>, s: CaseStatus| Some((at, s));
        let change = match &event {
            CaseEvent::Referred { at, .. } => status(*at, CaseStatus::Referred),
            CaseEvent::Resolved { at, .. } => status(*at, CaseStatus::Resolved),
            CaseEvent::Answered { at, .. } => status(*at, CaseStatus::Answered),
            CaseEvent::Confirmed { at, .. } => status(*at, CaseStatus::Closed(Closing::Confirmed)),
            CaseEvent::ClosedBySilence { at } => status(*at, CaseStatus::Closed(Closing::Silence)),
            CaseEvent::Withdrawn { at, .. } => status(*at, CaseStatus::Closed(Closing::Withdrawn)),
            CaseEvent::Reopened { at, .. } => status(*at, CaseStatus::Open),
            CaseEvent::Clock { limit, event } => {
                let which = limit_index(*limit);
                self.clock(instance, which, event, None);
                None
            }
            _ => None,
        };
        if let Some((at, s)) = change {
            if let CaseStatus::Closed(how) = s {
                self.activity(at, Act::CaseClosed { how });
            }
            if let Some(case) = self.cases.get_mut(n as usize) {
                case.statuses.push((at, s));
            }
        }
    }

    fn lifecycle(&mut self, instance: &str, event: LifecycleEvent) {
        let customer = self.names.intern(&customer_of(instance));
        let at = event.at();
        let facts = self.customers.entry(customer).or_default();
        if facts.kinds.is_empty() {
            facts.kinds.push((at, LifecycleKind::Prospect));
        }
        let kind = match &event {
            LifecycleEvent::ContractAccepted { .. } => Some(LifecycleKind::Onboarding),
            LifecycleEvent::OrderPlaced { .. } => Some(LifecycleKind::Active),
            LifecycleEvent::WentQuiet { .. } => Some(LifecycleKind::Quiet),
            LifecycleEvent::Lapsed { .. } => Some(LifecycleKind::Lapsed),
            LifecycleEvent::Closed { .. } => Some(LifecycleKind::Closed),
            _ => None,
        };
        if let Some(kind) = kind {
            facts.kinds.push((at, kind));
        }
        match event {
            LifecycleEvent::SpecialistAssigned { specialist, .. } => {
                let s = self.names.intern(&specialist);
                if let Some(facts) = self.customers.get_mut(&customer) {
                    facts.owner = Some(s);
                }
            }
            LifecycleEvent::ObligationOpened(o) => {
                let rule = o.follow_up.rule();
                self.obligation_index.insert((customer, o.id), self.obligations.len());
                self.obligations.push(ObligationFacts { rule, due: o.due, fulfilled: None, withdrawn: None });
            }
            LifecycleEvent::ObligationFulfilled { id, at, .. } => {
                if let Some(o) = self.obligation_index.get(&(customer, id)).and_then(|&i| self.obligations.get_mut(i)) {
                    o.fulfilled.get_or_insert(at);
                }
            }
            LifecycleEvent::ObligationWithdrawn { id, at, .. } => {
                if let Some(o) = self.obligation_index.get(&(customer, id)).and_then(|&i| self.obligations.get_mut(i)) {
                    o.withdrawn.get_or_insert(at);
                }
            }
            LifecycleEvent::FileClock { event } => self.clock(instance, 0, &event, None),
            LifecycleEvent::BriefingClock { event } => self.clock(instance, 1, &event, None),
            _ => {}
        }
    }

    fn approval(&mut self, instance: &str, event: ApprovalEvent) {
        if let ApprovalEvent::Requested { at, chain, .. } = &event {
            let chain = self.names.intern(&chain.name);
            let n = u32::try_from(self.approvals.len()).unwrap_or(u32::MAX);
            self.approvals.push(ApprovalFacts { chain, requested_at: *at, decided: None });
            self.approval_index.insert(instance.to_owned(), n);
            self.activity(*at, Act::ApprovalOpened { approval: n });
            return;
        }
        let Some(&n) = self.approval_index.get(instance) else { return };
        let decided = match &event {
            ApprovalEvent::Approved { at } => Some((*at, Decision::Approved)),
            ApprovalEvent::Rejected { at, .. } => Some((*at, Decision::Rejected)),
            ApprovalEvent::Withdrawn { at, .. } => Some((*at, Decision::Withdrawn)),
            ApprovalEvent::StepClock { step, event } => {
                let which = u32::try_from(*step).unwrap_or(u32::MAX);
                self.clock(instance, which, event, None);
                None
            }
            _ => None,
        };
        if let Some((at, decision)) = decided {
            if let Some(a) = self.approvals.get_mut(n as usize) {
                a.decided.get_or_insert((at, decision));
            }
            self.activity(at, Act::ApprovalDecided { approval: n, decision });
        }
    }
}

/// Tells apart a case's four clocks.
fn limit_index(limit: crate::case::TimeLimit) -> u32 {
    crate::case::TimeLimit::ALL.iter().position(|l| *l == limit).map_or(u32::MAX, |i| i as u32)
}

/// The customer's ERP id from a lifecycle instance id (`customer/{id}`, with `%2F` and `%25` escapes).
fn customer_of(instance: &str) -> String {
    let id = instance.strip_prefix("customer/").unwrap_or(instance);
    if id.contains('%') { id.replace("%2F", "/").replace("%25", "%") } else { id.to_owned() }
}
