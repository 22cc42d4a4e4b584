//! The simulated department: specialists making callbacks, departments and the supervisor working cases,
//! leadership deciding approvals.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

use super::walk::walk;
use super::{Agenda, Happening, Run, SimulationError};
use crate::callback::{CallbackCommand, CallbackState, Reason};
use crate::case::{CaseCommand, CaseKind, CaseState, Standing};
use crate::desk::{Compiled, Desk, DeskCommand, DeskError, SUPERVISOR};
use crate::lifecycle::ContactChannel as Channel;
use crate::machine::{Machine, Principal};
use crate::store::Store;

/// One specialist: who, with their principal, calendar and daily capacity.
struct Specialist {
    id: String,
    principal: Principal,
    calendar: Option<String>,
    capacity: Option<u32>,
}

pub(crate) struct Staff {
    specialists: Vec<Specialist>,
    supervisor: Principal,
    /// Who decides each approval step role.
    approvers: BTreeMap<String, Principal>,
    /// Who acts for each department (its head, or a stand-in).
    departments: BTreeMap<String, Principal>,
    /// Calls made per specialist and local date.
    made: BTreeMap<(String, NaiveDate), u32>,
    /// When an unreached customer is tried again.
    retry: BTreeMap<String, DateTime<Utc>>,
}

impl Staff {
    pub(crate) fn new(setup: &Compiled) -> Self {
        let specialists = setup
            .specialists()
            .map(|p| Specialist {
                id: p.id.clone(),
                principal: p.principal(),
                calendar: p.calendar.clone(),
                capacity: p.daily_capacity,
            })
            .collect();
        let first = |role: &str| setup.holders(role).next().map(crate::desk::Person::principal);
        let supervisor = first(SUPERVISOR).unwrap_or_else(Principal::system);
        let mut approvers = BTreeMap::new();
        for chain in [&setup.config().c6, &setup.config().c7] {
            for step in &chain.steps {
                for role in &step.any_of {
                    if let Some(p) = first(role.as_str()) {
                        approvers.entry(role.as_str().to_owned()).or_insert(p);
                    }
                }
            }
        }
        let departments = setup
            .config()
            .departments
            .iter()
            .map(|d| {
                let head = d.head.as_deref().and_then(|h| setup.principal(h)).cloned();
                (d.id.clone(), head.unwrap_or_else(|| Principal::new(format!("{}-desk", d.id))))
            })
            .collect();
        Self { specialists, supervisor, approvers, departments, made: BTreeMap::new(), retry: BTreeMap::new() }
    }

    /// One working hour ending at `now`: calls, case steps and approval decisions of whoever is at work.
    pub(crate) fn work_hour<S: Store>(
        &mut self,
        desk: &Desk<S>,
        now: DateTime<Utc>,
        rng: &mut fastrand::Rng,
        agenda: &mut Agenda,
        run: &mut Run,
    ) -> Result<(), SimulationError> {
        let setup = desk.config();
        let office_open = setup.calendars().get("office").map_or(true, |c| c.is_open(now).unwrap_or(false));
        for s in 0..self.specialists.len() {
            let working = match &self.specialists[s].calendar {
                Some(name) => setup.calendars().get(name).is_ok_and(|c| c.is_open(now).unwrap_or(false)),
                None => office_open,
            };
            if working {
                self.calls(desk, s, now, rng, agenda, run)?;
            }
        }
        if office_open {
            self.cases(desk, now, rng, agenda, run)?;
            self.approvals(desk, now, rng, run)?;
        }
        Ok(())
    }

    /// A specialist calls the callbacks whose time has come, within their capacity for the day.
    fn calls<S: Store>(
        &mut self,
        desk: &Desk<S>,
        s: usize,
        now: DateTime<Utc>,
        rng: &mut fastrand::Rng,
        agenda: &mut Agenda,
        run: &mut Run,
    ) -> Result<(), SimulationError> {
        let setup = desk.config();
        let date = now.with_timezone(&setup.config().time_zone).date_naive();
        let (id, agent, capacity) = {
            let sp = &self.specialists[s];
            (sp.id.clone(), sp.principal.clone(), sp.capacity)
        };
        for (callback, state) in desk.worklist(&id, now + TimeDelta::seconds(1))? {
            let made = self.made.entry((id.clone(), date)).or_default();
            if capacity.is_some_and(|c| *made >= c) {
                return Ok(());
            }
            if self.retry.get(&callback).is_some_and(|t| *t > now) {
                continue;
            }
            // Rule B9: only inside the customer's contact hours.
            let calendar = state.due().and_then(|d| d.contact_calendar.as_deref());
            if let Some(name) = calendar {
                if !setup.calendars().get(name).is_ok_and(|c| c.is_open(now).unwrap_or(false)) {
                    continue;
                }
            }
            *made += 1;
            self.call(desk, &callback, &state, &agent, now, rng, agenda, run)?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn call<S: Store>(
        &mut self,
        desk: &Desk<S>,
        callback: &str,
        state: &CallbackState,
        agent: &Principal,
        now: DateTime<Utc>,
        rng: &mut fastrand::Rng,
        agenda: &mut Agenda,
        run: &mut Run,
    ) -> Result<(), SimulationError> {
        let reached = rng.f64() < 0.8;
        let attempt = CallbackCommand::Attempt { channel: Channel::Phone, reached };
        if !act(desk, callback, DeskCommand::Callback(attempt), agent, now, run)? {
            return Ok(());
        }
        if !reached {
            self.retry.insert(callback.to_owned(), now + TimeDelta::hours(rng.i64(3..26)));
            return Ok(());
        }
        let book = &desk.config().config().scripts;
        let script = match state.due().map(|d| &d.reason) {
            Some(Reason::FollowUp { .. }) => book.get(&book.quiet),
            _ => book.get(&book.regular),
        };
        let Some(record) = script.and_then(|script| walk(script, now, agent, rng)) else { return Ok(()) };
        let ended = record.ended_at.max(now);
        let command = CallbackCommand::from_record(record);
        let finished = matches!(command, CallbackCommand::Finish { .. });
        if act(desk, callback, DeskCommand::Callback(command), agent, ended, run)? && finished {
            // Rule B4: the record form, usually at once, sometimes the next day.
            let late = rng.f64() < 0.05;
            let filed =
                ended + if late { TimeDelta::hours(rng.i64(25..40)) } else { TimeDelta::minutes(rng.i64(5..50)) };
            agenda.at(filed, Happening::File { callback: callback.to_owned(), specialist: agent.id().to_owned() });
        }
        Ok(())
    }

    /// The specialist files the record form (rule B4).
    pub(crate) fn file<S: Store>(
        &mut self,
        desk: &Desk<S>,
        callback: &str,
        specialist: &str,
        at: DateTime<Utc>,
        run: &mut Run,
    ) -> Result<(), SimulationError> {
        let agent = desk.config().principal(specialist).cloned().unwrap_or_else(|| Principal::new(specialist));
        act(desk, callback, DeskCommand::Callback(CallbackCommand::File), &agent, at, run)?;
        Ok(())
    }

    /// The customer confirms the answer (most do), or stays silent until the case closes by itself (rule Q7).
    pub(crate) fn customer_answers<S: Store>(
        &mut self,
        desk: &Desk<S>,
        case: &str,
        at: DateTime<Utc>,
        rng: &mut fastrand::Rng,
        run: &mut Run,
    ) -> Result<(), SimulationError> {
        if rng.f64() < 0.8 {
            act(desk, case, DeskCommand::Case(CaseCommand::Confirm), &self.supervisor.clone(), at, run)?;
        }
        Ok(())
    }

    /// Departments and the supervisor move the open cases on, each step with some chance per hour.
    fn cases<S: Store>(
        &mut self,
        desk: &Desk<S>,
        now: DateTime<Utc>,
        rng: &mut fastrand::Rng,
        agenda: &mut Agenda,
        run: &mut Run,
    ) -> Result<(), SimulationError> {
        let departments: Vec<String> = self.departments.keys().cloned().collect();
        for (id, case) in desk.open_cases(None)? {
            let kind = crate::case::Case::state_kind(&case);
            let dept = self.department_of(&case);
            let supervisor = self.supervisor.clone();
            let (who, command) = match kind {
                CaseKind::Investigating if rng.f64() < 0.4 => {
                    (supervisor, CaseCommand::Verify { findings: "confirmed with the warehouse".into() })
                }
                CaseKind::Handling if rng.f64() < 0.25 && !departments.is_empty() => {
                    let department = departments[rng.usize(0..departments.len())].clone();
                    (supervisor, CaseCommand::Refer { department })
                }
                CaseKind::Handling if rng.f64() < 0.5 => {
                    (supervisor, CaseCommand::Resolve { resolution: "settled on the spot".into() })
                }
                CaseKind::Referred if rng.f64() < 0.7 => (dept, CaseCommand::Acknowledge),
                CaseKind::WithDepartment if case.contacted().is_none() && rng.f64() < 0.15 => {
                    let plan =
                        (case.standing() == Some(Standing::Lapsed)).then(|| "a replacement next week".to_owned());
                    (dept, CaseCommand::Contact { plan })
                }
                CaseKind::WithDepartment if case.contacted().is_some() && rng.f64() < 0.2 => {
                    (dept, CaseCommand::Resolve { resolution: "fixed".into() })
                }
                CaseKind::Resolved if rng.f64() < 0.6 => {
                    agenda.at(now + TimeDelta::hours(rng.i64(1..72)), Happening::Confirm { case: id.clone() });
                    (supervisor, CaseCommand::Answer { text: "here is what we did".into() })
                }
                _ => continue,
            };
            act(desk, &id, DeskCommand::Case(command), &who, now, run)?;
        }
        Ok(())
    }

    fn department_of(&self, case: &CaseState) -> Principal {
        case.department()
            .and_then(|d| self.departments.get(d).cloned())
            .unwrap_or_else(|| Principal::new(format!("{}-desk", case.department().unwrap_or("department"))))
    }

    /// Leadership decides pending approvals, most of them yes.
    fn approvals<S: Store>(
        &mut self,
        desk: &Desk<S>,
        now: DateTime<Utc>,
        rng: &mut fastrand::Rng,
        run: &mut Run,
    ) -> Result<(), SimulationError> {
        for (role, who) in self.approvers.clone() {
            for (id, _) in desk.pending_approvals(&role)? {
                if rng.f64() < 0.3 {
                    let command = if rng.f64() < 0.85 {
                        crate::approval::ApprovalCommand::Approve { note: None }
                    } else {
                        crate::approval::ApprovalCommand::Reject { reason: "not this quarter".into() }
                    };
                    act(desk, &id, DeskCommand::Approval(command), &who, now, run)?;
                }
            }
        }
        Ok(())
    }
}

/// Runs a person's command; a refusal is counted, not an error. Whether it was accepted.
fn act<S: Store>(
    desk: &Desk<S>,
    instance: &str,
    command: DeskCommand,
    who: &Principal,
    at: DateTime<Utc>,
    run: &mut Run,
) -> Result<bool, SimulationError> {
    run.commands += 1;
    match desk.execute(instance, &command, who, at, None) {
        Ok(_) => Ok(true),
        Err(DeskError::Rejected { .. }) => {
            run.refused += 1;
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}
