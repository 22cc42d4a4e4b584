//! A synthetic chemical distributor's quarter, driven through a [`Desk`] in simulated time (crate feature
//! `simulation`).
//!
//! [`simulate`] plays an ERP and a service department against the desk, every instant explicit and every random
//! choice drawn from one seeded generator, so that one seed gives the same log on any store:
//!
//! - **The ERP.** Customers sign contracts (rule C5) over the first weeks, send their documents — some late, some
//!   never, so that their first order waits for the C6 approval — get their files and order at their own pace.
//!   Some stop ordering and go quiet, then lapse (F1, F2); sales are completed a few days after each order (B3);
//!   invoices fall overdue and are settled; sales hand a few customers over and back (F3, F4); a few customers ask
//!   for a credit change (C7) or send an inquiry (Q1).
//! - **The specialists** work only in the hours their calendars open, with a daily capacity: they call the
//!   callbacks on their worklists whose time has come, inside the customers' contact hours (B9); a customer is
//!   reached or not; a reached one walks the S1 or S2 script with random answers, sometimes raising problems; the
//!   record form is filed, usually at once, sometimes late (B4). What they cannot reach in time is missed (B10).
//! - **The departments** acknowledge, contact and resolve the cases forwarded to them, not always within their
//!   limits, so that clocks breach and escalate (B5, B6); the supervisor handles what stays on the desk or refers
//!   it; customers confirm answers or stay silent (Q7); leadership decides approvals.
//!
//! The desk is ticked every simulated hour; what it reports is in its store's log.

mod staff;
mod walk;
mod world;

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};

use crate::desk::{Desk, DeskError};
use crate::store::Store;

pub use world::Customer;

/// What to simulate.
///
/// ```
/// use kefu::simulation::Scenario;
///
/// let scenario = Scenario::default();
/// assert_eq!((scenario.customers, scenario.days), (1000, 91));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// How many customers.
    pub customers: usize,
    /// How many days.
    pub days: u32,
    /// The first day, in the desk's time zone.
    pub start: NaiveDate,
    /// The seed of every random choice.
    pub seed: u64,
}

impl Default for Scenario {
    /// 1 000 customers over a quarter from 1 July 2026, seed 2026.
    fn default() -> Self {
        Self {
            customers: 1000,
            days: 91,
            start: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap_or(NaiveDate::MIN),
            seed: 2026,
        }
    }
}

/// Where a simulation is, for a progress bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Days simulated so far.
    pub day: u32,
    /// Days in all.
    pub days: u32,
    /// ERP facts submitted so far.
    pub facts: u64,
}

/// What a simulation did (the department's figures are in the store's log; see the reports).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Run {
    /// The first instant simulated.
    pub start: DateTime<Utc>,
    /// The first instant after the simulation.
    pub end: DateTime<Utc>,
    /// ERP facts submitted.
    pub facts: u64,
    /// Commands the department's people ran (calls, case steps, decisions).
    pub commands: u64,
    /// Desk ticks.
    pub ticks: u64,
    /// Commands refused by a machine's rules (a rare race of the simulated people against a clock; counted, not
    /// errors).
    pub refused: u64,
}

/// Why a simulation stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimulationError {
    /// The configuration lacks what the simulation needs. How to fix: add it (the message says what).
    #[error("the configuration cannot be simulated: {0}")]
    Config(String),
    /// The desk failed (a store error, not a refusal).
    #[error(transparent)]
    Desk(#[from] DeskError),
}

/// Something that happens at an instant: an ERP fact for a customer, or a person's follow-up.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Happening {
    /// The ERP's next step for customer `n`.
    Erp(usize, world::Step),
    /// A specialist files a callback's record form (B4).
    File { callback: String, specialist: String },
    /// The customer answers a case's answer: confirms, or stays silent (Q7).
    Confirm { case: String },
}

/// The simulated instants in order, ties broken by insertion order.
pub(crate) struct Agenda {
    queue: BinaryHeap<Reverse<(DateTime<Utc>, u64, Happening)>>,
    seq: u64,
}

impl Agenda {
    fn new() -> Self {
        Self { queue: BinaryHeap::new(), seq: 0 }
    }

    pub(crate) fn at(&mut self, t: DateTime<Utc>, what: Happening) {
        self.seq += 1;
        self.queue.push(Reverse((t, self.seq, what)));
    }

    fn pop_until(&mut self, until: DateTime<Utc>) -> Option<(DateTime<Utc>, Happening)> {
        if self.queue.peek().is_some_and(|Reverse((t, _, _))| *t < until) {
            self.queue.pop().map(|Reverse((t, _, what))| (t, what))
        } else {
            None
        }
    }
}

/// Runs the scenario against `desk`, reporting progress once per simulated day.
///
/// The desk's configuration must have at least one specialist; departments, approvers and a `contact-hours`
/// calendar are used when present (`kefu init` writes such a configuration).
///
/// # Errors
///
/// [`SimulationError::Config`] when nobody can take a callback; a store failure through the desk.
///
/// # Example
///
/// ```
/// # use kefu::calendar::Calendar;
/// # use kefu::desk::{Desk, DeskConfig, Person};
/// # use kefu::store::MemoryStore;
/// use kefu::simulation::{Scenario, simulate};
///
/// # let mut config = DeskConfig::new("鸿枫化工", chrono_tz::Asia::Shanghai)?;
/// # let office = Calendar::always_open(chrono_tz::Asia::Shanghai);
/// # config.calendars = ["office", "service-desk"].into_iter().map(|n| (n, office.clone())).collect();
/// # for (id, roles) in [("zhang.wei", &["service_supervisor", "supervisor"][..]), ("li.na", &["specialist"]),
/// #     ("zhou.ming", &["department_head"]), ("sun.li", &["marketing_director", "leadership"]),
/// #     ("qian.hua", &["finance_supervisor"]), ("zhao.gang", &["general_manager", "leadership"])] {
/// #     config.people.push(roles.iter().fold(Person::new(id, id), |p, r| p.with_role(*r)));
/// # }
/// let desk = Desk::new(MemoryStore::new(), config.compile()?);
/// let scenario = Scenario { customers: 5, days: 14, ..Scenario::default() };
/// let run = simulate(&desk, &scenario, &mut |_| {})?;
/// assert!(run.facts > 5);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn simulate<S: Store>(
    desk: &Desk<S>,
    scenario: &Scenario,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Run, SimulationError> {
    let setup = desk.config();
    if setup.specialists().next().is_none() {
        return Err(SimulationError::Config("nobody holds the `specialist` role".into()));
    }
    let tz = setup.config().time_zone;
    let midnight = scenario.start.and_time(chrono::NaiveTime::MIN);
    let start = tz
        .from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.to_utc())
        .ok_or_else(|| SimulationError::Config(format!("{} does not begin in {tz}", scenario.start)))?;
    let end = start + TimeDelta::days(i64::from(scenario.days));

    let mut rng = fastrand::Rng::with_seed(scenario.seed);
    let mut agenda = Agenda::new();
    let mut world = world::World::new(scenario, start, end, setup, &mut rng, &mut agenda);
    let mut staff = staff::Staff::new(setup);
    let mut run = Run { start, end, ..Run::default() };

    let mut now = start;
    let mut day = 0;
    while now < end {
        let next = now + TimeDelta::hours(1);
        // Everything that happens within the hour, in order; the desk ticked before each, so that the machines
        // meet every fact in the state it finds them at that instant.
        while let Some((at, what)) = agenda.pop_until(next) {
            desk.tick(at)?;
            run.ticks += 1;
            match what {
                Happening::Erp(n, step) => world.perform(desk, n, step, at, &mut rng, &mut agenda, &mut run)?,
                Happening::File { callback, specialist } => staff.file(desk, &callback, &specialist, at, &mut run)?,
                Happening::Confirm { case } => staff.customer_answers(desk, &case, at, &mut rng, &mut run)?,
            }
        }
        desk.tick(next)?;
        run.ticks += 1;
        staff.work_hour(desk, next, &mut rng, &mut agenda, &mut run)?;
        now = next;
        let today = u32::try_from((now - start).num_days()).unwrap_or(u32::MAX);
        if today != day {
            day = today;
            progress(&Progress { day, days: scenario.days, facts: run.facts });
        }
    }
    desk.tick(end)?;
    run.ticks += 1;
    Ok(run)
}
