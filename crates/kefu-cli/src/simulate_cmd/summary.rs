//! The summary of a simulated period, folded from the store's log: customers by standing, callback coverage (B10),
//! follow-up obligations (F1, F2), SLA clocks, escalations (B6), cases and approvals (C6, C7).
//!
//! Self-contained on purpose: it reads only the log (every event, in order), so that it can be replaced by the
//! library's reports without touching the command.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{NaiveDate, TimeDelta};
use kefu::approval::{Approval, ApprovalEvent, ApprovalKind, ApprovalState};
use kefu::callback::{Callback, CallbackEvent, CallbackState, Period, coverage};
use kefu::case::{Case, CaseEvent, CaseKind, CaseState};
use kefu::desk::{Compiled, Notice, NoticeEvent, Topic};
use kefu::lifecycle::{FollowUp, Lifecycle, LifecycleEvent, LifecycleState};
use kefu::machine::{Kind as _, Machine};
use kefu::simulation::{Run, Scenario};
use kefu::sla::ClockEvent;
use kefu::store::{Position, RecordedEvent, Store, StoreError, Versioned, decode_event};
use serde::Serialize;

/// How many events one read of the log takes.
const BATCH: usize = 4096;

/// What a simulation did, as `kefu simulate` prints it and writes it with `--json`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    /// What was simulated.
    pub scenario: ScenarioSummary,
    /// How much the simulation did.
    pub run: RunSummary,
    /// Customers at the end, by standing.
    pub customers: Customers,
    /// Callbacks and their coverage (rule B10).
    pub callbacks: Callbacks,
    /// The follow-up obligations of quiet (F1) and lapsed (F2) customers.
    pub obligations: Obligations,
    /// The SLA clocks, by policy name.
    pub sla: BTreeMap<String, Clocks>,
    /// The escalations of overdue clocks (rules B5, B6).
    pub escalations: Escalations,
    /// Cases (inquiries and problems found in callbacks).
    pub cases: Cases,
    /// Approvals (rules C6, C7), by chain.
    pub approvals: BTreeMap<String, Approvals>,
}

/// What was simulated.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ScenarioSummary {
    /// The company of the configuration.
    pub company: String,
    /// The first day.
    pub start: NaiveDate,
    /// The last day.
    pub end: NaiveDate,
    /// Days.
    pub days: u32,
    /// Customers simulated.
    pub customers: usize,
    /// The seed.
    pub seed: u64,
}

/// How much the simulation did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RunSummary {
    /// ERP facts submitted.
    pub facts: u64,
    /// Commands of the department's people.
    pub commands: u64,
    /// Facts and commands a machine refused (counted, not errors).
    pub refused: u64,
    /// Events in the log.
    pub events: u64,
}

/// Customers at the end, by standing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Customers {
    /// Customers with a lifecycle.
    pub total: usize,
    /// How many in each standing (`onboarding`, `active`, `quiet`, `lapsed`, `closed`).
    pub standing: BTreeMap<&'static str, usize>,
}

/// Callbacks and their coverage (rule B10).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Callbacks {
    /// Callbacks opened in the period.
    pub opened: usize,
    /// Callbacks whose due window closed in the period: each is done, missed or cancelled.
    pub due: usize,
    /// Of those, done before the window closed.
    pub done: usize,
    /// Of those, not done when the window closed (B10: reported, never dropped).
    pub missed: usize,
    /// Of those, cancelled before the window closed (customer handed to sales, closed).
    pub cancelled: usize,
    /// Callbacks still open at the end, whatever their window: the work carried into the next period.
    pub open: usize,
    /// done / (done + missed), in percent, two decimals; 100 when nothing was due.
    pub coverage: f64,
}

/// Counts of one kind of follow-up obligation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ObligationCounts {
    /// Opened in the period.
    pub opened: usize,
    /// Fulfilled by a contact.
    pub fulfilled: usize,
    /// Fell overdue (some were fulfilled late).
    pub overdue: usize,
    /// Withdrawn (the customer ordered again, was handed to sales or closed).
    pub withdrawn: usize,
    /// Still open at the end.
    pub open: usize,
}

/// The follow-up obligations: F1 (one call in the week after a customer went quiet) and F2 (two contacts a month
/// while lapsed).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Obligations {
    /// Rule F1.
    #[serde(rename = "F1")]
    pub f1: ObligationCounts,
    /// Rule F2.
    #[serde(rename = "F2")]
    pub f2: ObligationCounts,
}

/// The clocks of one SLA policy.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Clocks {
    /// Clocks started.
    pub started: usize,
    /// Met within the limit.
    pub met: usize,
    /// Breached (some were met late afterwards).
    pub breached: usize,
    /// Met after the limit.
    pub late: usize,
    /// Cancelled (what they measured no longer applies).
    pub cancelled: usize,
    /// met / (met + breached), in percent, two decimals; 100 when none was settled.
    pub compliance: f64,
}

/// The escalations of overdue clocks.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Escalations {
    /// Escalation steps taken.
    pub total: usize,
    /// By the policy whose clock escalated.
    pub by_policy: BTreeMap<String, usize>,
    /// By the role it escalated to.
    pub by_role: BTreeMap<String, usize>,
    /// Escalation notices sent to people and roles.
    pub notices: usize,
}

/// Cases.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Cases {
    /// Opened in the period.
    pub opened: usize,
    /// Closed: confirmed by the customer, or closed after the customer's silence (Q7).
    pub closed: usize,
    /// Withdrawn.
    pub withdrawn: usize,
    /// Still open at the end.
    pub open: usize,
}

/// The approvals of one chain.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Approvals {
    /// Requested.
    pub requested: usize,
    /// Approved by every step.
    pub approved: usize,
    /// Rejected at some step.
    pub rejected: usize,
    /// Withdrawn.
    pub withdrawn: usize,
    /// Waiting for a decision at the end.
    pub pending: usize,
}

/// A percentage with two decimals; 100 for 0/0.
#[allow(clippy::cast_precision_loss)] // counts far below 2^52
fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 { 100.0 } else { (part as f64 * 10_000.0 / whole as f64).round() / 100.0 }
}

/// Everything the fold keeps while reading the log.
#[derive(Default)]
struct Fold {
    events: u64,
    lifecycles: BTreeMap<String, LifecycleState>,
    callbacks: BTreeMap<String, CallbackState>,
    cases: BTreeMap<String, CaseState>,
    approvals: BTreeMap<String, ApprovalState>,
    /// The kind of each open obligation, by customer instance and obligation id.
    obligation_kind: BTreeMap<(String, u32), bool>,
    obligations: Obligations,
    /// The policy of each clock, by instance and the clock's place in it.
    clock_policy: BTreeMap<(String, String), String>,
    sla: BTreeMap<String, Clocks>,
    escalations: Escalations,
    cases_opened: usize,
    approvals_requested: BTreeMap<String, usize>,
}

fn fold<M: Versioned>(states: &mut BTreeMap<String, M::State>, event: &RecordedEvent) -> Result<M::Event, StoreError>
where
    M::State: Default,
{
    let decoded = decode_event::<M>(event)?;
    M::evolve(states.entry(event.instance.clone()).or_default(), &decoded);
    Ok(decoded)
}

impl Fold {
    fn apply(&mut self, event: &RecordedEvent) -> Result<(), StoreError> {
        self.events += 1;
        let instance = event.instance.as_str();
        match event.machine.as_str() {
            Lifecycle::NAME => match fold::<Lifecycle>(&mut self.lifecycles, event)? {
                LifecycleEvent::FileClock { event: clock } => self.clock(instance, "file", &clock),
                LifecycleEvent::BriefingClock { event: clock } => self.clock(instance, "briefing", &clock),
                LifecycleEvent::ObligationOpened(obligation) => {
                    let f1 = matches!(obligation.follow_up, FollowUp::F1Call);
                    self.obligation_kind.insert((instance.to_owned(), obligation.id), f1);
                    self.obligations_of(f1).opened += 1;
                }
                LifecycleEvent::ObligationOverdue { id, .. } => {
                    if let Some(f1) = self.obligation_kind.get(&(instance.to_owned(), id)).copied() {
                        self.obligations_of(f1).overdue += 1;
                    }
                }
                LifecycleEvent::ObligationFulfilled { id, .. } => {
                    if let Some(f1) = self.obligation_kind.remove(&(instance.to_owned(), id)) {
                        self.obligations_of(f1).fulfilled += 1;
                    }
                }
                LifecycleEvent::ObligationWithdrawn { id, .. } => {
                    if let Some(f1) = self.obligation_kind.remove(&(instance.to_owned(), id)) {
                        self.obligations_of(f1).withdrawn += 1;
                    }
                }
                _ => {}
            },
            Callback::NAME => {
                if let CallbackEvent::Clock { event: clock } = fold::<Callback>(&mut self.callbacks, event)? {
                    self.clock(instance, "record", &clock);
                }
            }
            Case::NAME => match fold::<Case>(&mut self.cases, event)? {
                CaseEvent::Opened { .. } => self.cases_opened += 1,
                CaseEvent::Clock { limit, event: clock } => self.clock(instance, &format!("{limit:?}"), &clock),
                _ => {}
            },
            Approval::NAME => match fold::<Approval>(&mut self.approvals, event)? {
                ApprovalEvent::Requested { chain, .. } => {
                    *self.approvals_requested.entry(chain.name).or_default() += 1;
                }
                ApprovalEvent::StepClock { step, event: clock } => self.clock(instance, &step.to_string(), &clock),
                _ => {}
            },
            Notice::NAME => {
                if let NoticeEvent::Sent { topic: Topic::Escalation { .. }, .. } = decode_event::<Notice>(event)? {
                    self.escalations.notices += 1;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn obligations_of(&mut self, f1: bool) -> &mut ObligationCounts {
        if f1 { &mut self.obligations.f1 } else { &mut self.obligations.f2 }
    }

    /// Counts a clock's event under its policy (named when the clock starts).
    fn clock(&mut self, instance: &str, place: &str, event: &ClockEvent) {
        let slot = (instance.to_owned(), place.to_owned());
        if let ClockEvent::Started { policy, .. } = event {
            self.clock_policy.insert(slot.clone(), policy.name().to_owned());
        }
        let Some(policy) = self.clock_policy.get(&slot).cloned() else { return };
        let clocks = self.sla.entry(policy.clone()).or_default();
        match event {
            ClockEvent::Started { .. } => clocks.started += 1,
            ClockEvent::Met { late: false, .. } => clocks.met += 1,
            ClockEvent::Met { late: true, .. } => clocks.late += 1,
            ClockEvent::Breached { .. } => clocks.breached += 1,
            ClockEvent::Cancelled { .. } => clocks.cancelled += 1,
            ClockEvent::Escalated { to, .. } => {
                self.escalations.total += 1;
                *self.escalations.by_policy.entry(policy).or_default() += 1;
                *self.escalations.by_role.entry(to.as_str().to_owned()).or_default() += 1;
            }
            ClockEvent::Warned { .. } | ClockEvent::Paused { .. } | ClockEvent::Resumed { .. } => {}
        }
    }
}

impl Summary {
    /// Folds `store`'s whole log into the summary of the simulated period.
    ///
    /// # Errors
    ///
    /// A store failure, or an event that cannot be decoded.
    pub fn of<S: Store>(store: &S, setup: &Compiled, scenario: &Scenario, run: &Run) -> Result<Self, StoreError> {
        let mut fold = Fold::default();
        let mut position = Position::START;
        loop {
            let events = store.read(position, BATCH)?;
            let Some(last) = events.last() else { break };
            position = last.position;
            for event in &events {
                fold.apply(event)?;
            }
        }
        Ok(fold.finish(setup, scenario, run))
    }
}

impl Fold {
    fn finish(mut self, setup: &Compiled, scenario: &Scenario, run: &Run) -> Summary {
        let mut customers = Customers { total: self.lifecycles.len(), standing: BTreeMap::new() };
        for state in self.lifecycles.values() {
            *customers.standing.entry(state.kind().name()).or_default() += 1;
        }

        let report = coverage(Period::new(run.start, run.end), run.end, self.callbacks.iter());
        let callbacks = Callbacks {
            opened: self.callbacks.len(),
            due: report.due(),
            done: report.done,
            missed: report.missed,
            cancelled: report.cancelled,
            open: self.callbacks.values().filter(|c| c.is_open()).count(),
            coverage: percent(report.done, report.done + report.missed),
        };

        let open: Vec<bool> = self.obligation_kind.values().copied().collect();
        for f1 in open {
            self.obligations_of(f1).open += 1;
        }

        for clocks in self.sla.values_mut() {
            clocks.compliance = percent(clocks.met, clocks.met + clocks.breached);
        }

        let kinds: Vec<CaseKind> = self.cases.values().map(CaseState::kind).collect();
        let cases = Cases {
            opened: self.cases_opened,
            closed: kinds.iter().filter(|k| **k == CaseKind::Closed).count(),
            withdrawn: kinds.iter().filter(|k| **k == CaseKind::Withdrawn).count(),
            open: kinds.iter().filter(|k| !Case::finals().contains(k)).count(),
        };

        let mut approvals: BTreeMap<String, Approvals> = BTreeMap::new();
        for (chain, requested) in &self.approvals_requested {
            approvals.entry(chain.clone()).or_default().requested = *requested;
        }
        for state in self.approvals.values() {
            let Some(chain) = state.chain() else { continue };
            let counts = approvals.entry(chain.name.clone()).or_default();
            match state.kind() {
                ApprovalKind::Approved => counts.approved += 1,
                ApprovalKind::Rejected => counts.rejected += 1,
                ApprovalKind::Withdrawn => counts.withdrawn += 1,
                ApprovalKind::Pending => counts.pending += 1,
                ApprovalKind::Draft => {}
            }
        }

        let tz = setup.config().time_zone;
        let last_day = (run.end - TimeDelta::seconds(1)).with_timezone(&tz).date_naive();
        Summary {
            scenario: ScenarioSummary {
                company: setup.config().company.clone(),
                start: scenario.start,
                end: last_day,
                days: scenario.days,
                customers: scenario.customers,
                seed: scenario.seed,
            },
            run: RunSummary { facts: run.facts, commands: run.commands, refused: run.refused, events: self.events },
            customers,
            callbacks,
            obligations: self.obligations,
            sla: self.sla,
            escalations: self.escalations,
            cases,
            approvals,
        }
    }
}

impl Summary {
    /// The summary as pretty-printed JSON with a final newline; keys in a fixed order, so that one seed gives the
    /// same bytes on every store.
    #[must_use]
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        text.push('\n');
        text
    }
}

/// `12345` as `12 345`.
fn n(value: impl Into<u64>) -> String {
    let digits = value.into().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

fn u(value: usize) -> String {
    n(u64::try_from(value).unwrap_or(u64::MAX))
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.scenario;
        writeln!(
            f,
            "{}: {} customers, {} to {} ({} days), seed {}",
            s.company,
            u(s.customers),
            s.start,
            s.end,
            s.days,
            s.seed
        )?;
        let r = &self.run;
        writeln!(
            f,
            "  run          {} ERP facts, {} commands of people, {} refused, {} events",
            n(r.facts),
            n(r.commands),
            n(r.refused),
            n(r.events)
        )?;
        let standing: Vec<String> = self.customers.standing.iter().map(|(k, v)| format!("{} {k}", u(*v))).collect();
        writeln!(f, "  customers    {}: {}", u(self.customers.total), standing.join(", "))?;
        let c = &self.callbacks;
        writeln!(
            f,
            "  callbacks    {} opened; due {}: {} done, {} missed, {} cancelled; coverage {:.2}% (B10); {} open at the end",
            u(c.opened),
            u(c.due),
            u(c.done),
            u(c.missed),
            u(c.cancelled),
            c.coverage,
            u(c.open)
        )?;
        for (rule, o) in [("F1", &self.obligations.f1), ("F2", &self.obligations.f2)] {
            writeln!(
                f,
                "  obligations  {rule}: {} opened, {} fulfilled, {} overdue, {} withdrawn, {} open",
                u(o.opened),
                u(o.fulfilled),
                u(o.overdue),
                u(o.withdrawn),
                u(o.open)
            )?;
        }
        for (policy, k) in &self.sla {
            writeln!(
                f,
                "  sla          {policy}: {} started, {} met, {} breached ({} met late), {} cancelled; {:.2}% in time",
                u(k.started),
                u(k.met),
                u(k.breached),
                u(k.late),
                u(k.cancelled),
                k.compliance
            )?;
        }
        let e = &self.escalations;
        let to: Vec<String> = e.by_role.iter().map(|(role, v)| format!("{} to {role}", u(*v))).collect();
        writeln!(f, "  escalations  {} ({}); {} notices", u(e.total), to.join(", "), u(e.notices))?;
        let k = &self.cases;
        writeln!(
            f,
            "  cases        {} opened, {} closed, {} withdrawn, {} open at the end",
            u(k.opened),
            u(k.closed),
            u(k.withdrawn),
            u(k.open)
        )?;
        for (chain, a) in &self.approvals {
            writeln!(
                f,
                "  approvals    {chain}: {} requested, {} approved, {} rejected, {} withdrawn, {} pending",
                u(a.requested),
                u(a.approved),
                u(a.rejected),
                u(a.withdrawn),
                u(a.pending)
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{n, percent};

    #[test]
    fn percentages_have_two_decimals_and_nothing_due_is_full() {
        assert_eq!(percent(2, 3), 66.67);
        assert_eq!(percent(0, 0), 100.0);
        assert_eq!(percent(5, 5), 100.0);
    }

    #[test]
    fn thousands_are_grouped_by_spaces() {
        assert_eq!(n(0u64), "0");
        assert_eq!(n(1234u64), "1 234");
        assert_eq!(n(1_234_567u64), "1 234 567");
    }
}
