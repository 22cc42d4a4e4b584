//! An ERP embedding kefu in-process: SLA clocks per ticket, an event log standing in for the ERP's table, a
//! scheduler driven by `next_deadline()`, and replay from the log. Every instant is explicit: no wall clock.
//!
//! The story (rules B5 and B6 of the domain), on the Shanghai service desk (Monday to Friday `09:00-12:00` and
//! `13:30-18:00`):
//!
//! - Friday 30 October 2026, 17:30: two callbacks find problems. T-1001 (an invoice the customer cannot open) and
//!   T-1002 (goods delivered damaged) must be handled within **1 business hour** (B6): half an hour left on Friday,
//!   the rest on Monday morning.
//! - 17:40: the feedback form of T-1003 (a quality complaint) reaches the quality department, which must contact the
//!   customer within **24 hours**, wall-clock (B5): weekends count.
//! - 17:50: the supervisor handles T-1001 on the spot: met.
//! - Saturday 05:40: T-1003 has used half its time (a warning); the department's on-call engineer calls the customer
//!   at 10:00: met.
//! - Monday 2 November: nobody handled T-1002. The scheduler's ticks record the warning (09:15), the breach and the
//!   escalation to the department head (09:30), then to leadership (10:30). Logistics resolves it at 11:00: met late.
//!
//! [`simulate`] runs the story; [`Simulation::report`] renders the timeline; [`replay_log`] rebuilds every clock
//! from the log alone.

use std::collections::{BTreeMap, HashMap};
use std::error::Error;
use std::fmt::Write as _;

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use kefu::calendar::{Calendar, CalendarSet};
use kefu::machine::{Context, Instance, Principal, replay};
use kefu::sla::{Clock, ClockCommand, ClockEvent, ClockStatus, SlaPolicy};

/// The name under which the ERP registers its service-desk calendar; policies refer to it.
pub const DESK: &str = "service-desk";

/// The ERP's SLA policies, as it would keep them in a settings table or file.
pub const POLICIES_TOML: &str = r#"
[b6_handle]
name = "B6 handle on the spot"
within = "1h"
calendar = "service-desk"
warn_at = [0.75]
escalate = [
  { to = "department_head", after = "0s" },
  { to = "leadership", after = "1h" },
]

[b5_first_contact]
name = "B5 department's first contact"
within = "24h"
warn_at = [0.5]
escalate = [{ to = "customer_service_supervisor", after = "0s" }]
"#;

/// A ticket id in the ERP.
pub type TicketId = &'static str;

/// Any error of the example: loading files, parsing, or a command a clock refused.
pub type AnyError = Box<dyn Error + Send + Sync>;

/// An instant on the Shanghai wall clock (the desk's), as the ERP's users would say it.
///
/// # Panics
///
/// On a date that does not exist; the story only uses valid ones.
#[must_use]
pub fn shanghai(month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Shanghai.with_ymd_and_hms(2026, month, day, hour, minute, 0).single().expect("a valid Shanghai instant").to_utc()
}

/// Loads the service-desk calendar shipped with the examples (`examples/calendars/shanghai-2026-sample.toml`).
///
/// # Errors
///
/// The file cannot be read, or is not a valid calendar.
pub fn load_calendars() -> Result<CalendarSet, AnyError> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../calendars/shanghai-2026-sample.toml");
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let desk = Calendar::from_toml_str(&text).map_err(|e| format!("{path}: {e}"))?;
    Ok([(DESK, desk)].into_iter().collect())
}

/// Reads the ERP's policies ([`POLICIES_TOML`]), keyed by their table name.
///
/// # Errors
///
/// A policy that does not parse (the message names the field).
pub fn load_policies() -> Result<BTreeMap<String, SlaPolicy>, AnyError> {
    Ok(toml::from_str(POLICIES_TOML)?)
}

/// One line of the timeline: when, which ticket, who acted, what happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// The instant it happened (for a threshold caught by a tick: the threshold's instant).
    pub at: DateTime<Utc>,
    /// The ticket, or `"-"` for a dashboard line.
    pub ticket: TicketId,
    /// Who acted: a user id, or `scheduler` for ticks.
    pub who: String,
    /// What happened, in words.
    pub text: String,
}

/// The ERP's SLA module: one clock per ticket, and the append-only event log it persists.
pub struct Erp {
    calendars: CalendarSet,
    clocks: HashMap<TicketId, Instance<Clock>>,
    log: Vec<(TicketId, ClockEvent)>,
    timeline: Vec<Line>,
}

impl Erp {
    /// An ERP with these calendars and no clocks yet.
    #[must_use]
    pub fn new(calendars: CalendarSet) -> Self {
        Self { calendars, clocks: HashMap::new(), log: Vec::new(), timeline: Vec::new() }
    }

    /// Sends a command to a ticket's clock at `now` as `who`; appends the events to the log.
    ///
    /// # Errors
    ///
    /// The clock's rejection: nothing is appended then.
    pub fn command(
        &mut self,
        ticket: TicketId,
        command: &ClockCommand,
        now: DateTime<Utc>,
        who: &Principal,
    ) -> Result<(), AnyError> {
        let ctx = Context::new(now, who, &self.calendars);
        // Decide first: a rejected command leaves no trace, not even an empty clock in the map.
        let events = match self.clocks.get(ticket) {
            Some(clock) => clock.decide(command, &ctx)?,
            None => Instance::<Clock>::new().decide(command, &ctx)?,
        };
        // A real ERP appends `events` to its table here, in one transaction, expecting the clock's version
        // (optimistic concurrency); only then does it apply them to the cached instance.
        let clock = self.clocks.entry(ticket).or_default();
        let actor = if who.is_system() { "scheduler".to_owned() } else { who.id().to_owned() };
        for event in events {
            clock.apply(&event);
            let text = describe(&event, clock, &self.calendars);
            self.timeline.push(Line { at: event.at(), ticket, who: actor.clone(), text });
            self.log.push((ticket, event));
        }
        Ok(())
    }

    /// The earliest deadline over all clocks: when the ERP's scheduler should wake up next.
    #[must_use]
    pub fn next_deadline(&self) -> Option<DateTime<Utc>> {
        self.clocks.values().filter_map(|c| c.next_deadline()).map(|d| d.at).min()
    }

    /// What the scheduler does when it wakes at `now`: tick every clock with a deadline at or before `now`
    /// (in ticket order, so the log does not depend on the map's order).
    ///
    /// # Errors
    ///
    /// A rejected tick (never happens for a well-behaved machine; the laws example checks it).
    pub fn tick_due(&mut self, now: DateTime<Utc>) -> Result<(), AnyError> {
        let mut due: Vec<TicketId> = self
            .clocks
            .iter()
            .filter(|(_, c)| c.next_deadline().is_some_and(|d| d.is_due(now)))
            .map(|(t, _)| *t)
            .collect();
        due.sort_unstable();
        for ticket in due {
            self.command(ticket, &ClockCommand::Tick, now, &Principal::system())?;
        }
        Ok(())
    }

    /// A dashboard line: each open clock's status at `now`, from its schedule alone (no tick needed).
    pub fn dashboard(&mut self, now: DateTime<Utc>) {
        let mut tickets: Vec<_> = self.clocks.iter().filter(|(_, c)| !c.is_final()).collect();
        tickets.sort_unstable_by_key(|(t, _)| **t);
        let parts: Vec<String> = tickets
            .into_iter()
            .map(|(ticket, clock)| {
                let due = clock.state().due_at().map_or_else(|| "-".to_owned(), |d| local(d, &self.calendars));
                format!("{ticket} {} (due {due})", status_text(clock.state().status(now)))
            })
            .collect();
        self.timeline.push(Line { at: now, ticket: "-", who: "dashboard".into(), text: parts.join("; ") });
    }
}

/// Something that happens in the story at an instant.
enum Action {
    Command { ticket: TicketId, command: ClockCommand, who: Principal },
    Dashboard,
}

/// The result of a run: the clocks, the log, the timeline.
pub struct Simulation {
    /// The calendars the clocks ran on.
    pub calendars: CalendarSet,
    /// The live clocks, per ticket.
    pub clocks: HashMap<TicketId, Instance<Clock>>,
    /// The event log, in the order it was appended: the ERP's `sla_event` table.
    pub log: Vec<(TicketId, ClockEvent)>,
    /// The timeline, in the order things were recorded.
    pub timeline: Vec<Line>,
    /// How many times the scheduler woke up.
    pub wake_ups: usize,
}

/// Rebuilds every ticket's clock from the event log alone, as the ERP would after a restart.
#[must_use]
pub fn replay_log(log: &[(TicketId, ClockEvent)]) -> HashMap<TicketId, Instance<Clock>> {
    let mut per_ticket: HashMap<TicketId, Vec<&ClockEvent>> = HashMap::new();
    for (ticket, event) in log {
        per_ticket.entry(ticket).or_default().push(event);
    }
    per_ticket.into_iter().map(|(ticket, events)| (ticket, replay::<Clock>(events))).collect()
}

/// Runs the story of the [crate documentation](crate): the human actions in order, and between them the scheduler
/// waking at each `next_deadline()` to tick the clocks that are due.
///
/// # Errors
///
/// The calendar or the policies do not load, or a clock refuses a command.
pub fn simulate() -> Result<Simulation, AnyError> {
    let policies = load_policies()?;
    let policy = |key: &str| policies.get(key).cloned().ok_or_else(|| format!("no policy `{key}`"));
    let li_na = Principal::new("li.na").with_role("specialist");
    let zhang = Principal::new("zhang.wei").with_role("supervisor");
    let quality = Principal::new("chen.qi").with_role("quality_engineer");
    let logistics = Principal::new("wang.fang").with_role("department_head");

    let start = |ticket, key: &str, who: &Principal| -> Result<Action, AnyError> {
        Ok(Action::Command { ticket, command: ClockCommand::Start(policy(key)?), who: who.clone() })
    };
    let stop = |ticket, who: &Principal| Action::Command { ticket, command: ClockCommand::Stop, who: who.clone() };
    let script: Vec<(DateTime<Utc>, Action)> = vec![
        (shanghai(10, 30, 17, 30), start("T-1001", "b6_handle", &li_na)?),
        (shanghai(10, 30, 17, 30), start("T-1002", "b6_handle", &li_na)?),
        (shanghai(10, 30, 17, 40), start("T-1003", "b5_first_contact", &li_na)?),
        (shanghai(10, 30, 17, 50), stop("T-1001", &zhang)),
        (shanghai(10, 31, 10, 0), stop("T-1003", &quality)),
        (shanghai(11, 2, 9, 20), Action::Dashboard),
        (shanghai(11, 2, 11, 0), stop("T-1002", &logistics)),
    ];

    let mut erp = Erp::new(load_calendars()?);
    let mut wake_ups = 0;
    let mut script = script.into_iter().peekable();
    loop {
        let next_action = script.peek().map(|(at, _)| *at);
        let next_deadline = erp.next_deadline();
        // The scheduler wakes first when a deadline comes before (or with) the next human action.
        if let Some(deadline) = next_deadline.filter(|d| next_action.is_none_or(|at| *d <= at)) {
            wake_ups += 1;
            erp.tick_due(deadline)?;
        } else if let Some((at, action)) = script.next() {
            match action {
                Action::Command { ticket, command, who } => erp.command(ticket, &command, at, &who)?,
                Action::Dashboard => erp.dashboard(at),
            }
        } else {
            break;
        }
        if wake_ups > 100 {
            return Err("the scheduler woke more than 100 times: a clock keeps a deadline in the past".into());
        }
    }
    Ok(Simulation { calendars: erp.calendars, clocks: erp.clocks, log: erp.log, timeline: erp.timeline, wake_ups })
}

impl Simulation {
    /// Whether replaying the log reproduces every live clock (state and version).
    #[must_use]
    pub fn replay_matches(&self) -> bool {
        replay_log(&self.log) == self.clocks
    }

    /// The events of one ticket, in order.
    pub fn events_of(&self, ticket: TicketId) -> impl Iterator<Item = &ClockEvent> {
        self.log.iter().filter(move |(t, _)| *t == ticket).map(|(_, e)| e)
    }

    /// The timeline, the final state of each clock and the replay check, as text.
    #[must_use]
    pub fn report(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Shanghai service desk, Asia/Shanghai wall clock\n");
        for line in &self.timeline {
            let _ =
                writeln!(out, "{}  {:<7} {:<10} {}", local(line.at, &self.calendars), line.ticket, line.who, line.text);
        }
        let _ = writeln!(out, "\nThe scheduler woke {} times (once per due deadline instant).", self.wake_ups);
        let _ = writeln!(out, "\nFinal state:");
        let mut tickets: Vec<_> = self.clocks.iter().collect();
        tickets.sort_unstable_by_key(|(t, _)| **t);
        for (ticket, clock) in tickets {
            let policy = clock.state().policy().map_or("-", SlaPolicy::name);
            let _ = writeln!(
                out,
                "  {ticket}  {policy:<32} {:<14} {} events, {} escalation(s)",
                format!("{:?}", clock.kind()),
                clock.version(),
                clock.state().escalations(),
            );
        }
        let verdict = if self.replay_matches() { "reproduces every clock" } else { "DOES NOT reproduce the clocks" };
        let _ = writeln!(out, "\nReplaying the {} logged events {verdict}.", self.log.len());
        out
    }
}

fn local(t: DateTime<Utc>, calendars: &CalendarSet) -> String {
    let tz = calendars.get(DESK).map_or(Shanghai, Calendar::time_zone);
    t.with_timezone(&tz).format("%a %d %b %H:%M").to_string()
}

fn status_text(status: ClockStatus) -> String {
    match status {
        ClockStatus::Warning { permille } => format!("warning {}%", permille / 10),
        ClockStatus::Breached { escalations } => format!("breached, {escalations} escalation(s)"),
        other => format!("{other:?}").to_lowercase(),
    }
}

fn describe(event: &ClockEvent, clock: &Instance<Clock>, calendars: &CalendarSet) -> String {
    match event {
        ClockEvent::Started { policy, counting_from, .. } => {
            let due = clock.state().due_at().map_or_else(|| "-".to_owned(), |d| local(d, calendars));
            format!("started \"{}\", counting from {}, due {due}", policy.name(), local(*counting_from, calendars))
        }
        ClockEvent::Warned { permille, .. } => format!("warning: {}% of the target used", permille / 10),
        ClockEvent::Breached { .. } => "BREACHED: the due instant passed unhandled".to_owned(),
        ClockEvent::Escalated { level, to, .. } => format!("escalated (level {level}) to {to}"),
        ClockEvent::Paused { reason, .. } => format!("paused ({})", reason.as_deref().unwrap_or("no reason")),
        ClockEvent::Resumed { .. } => "resumed".to_owned(),
        ClockEvent::Met { late: false, .. } => "met on time".to_owned(),
        ClockEvent::Met { late: true, .. } => "met LATE".to_owned(),
        ClockEvent::Cancelled { reason, .. } => format!("cancelled ({reason})"),
    }
}
