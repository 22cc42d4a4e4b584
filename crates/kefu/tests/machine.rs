//! Tests of `kefu::machine` on a small ticket machine: open → in progress → closed, with a first-response deadline
//! that escalates the ticket when it passes.

use chrono::{DateTime, Duration, TimeZone, Utc};
use kefu::machine::{
    Context, Deadline, Instance, Kind, Machine, Principal, Rejection, Role, Transition, TransitionGraph, allows,
    decide, next_deadline, replay,
};
use serde::{Deserialize, Serialize};

type TestResult = Result<(), Box<dyn std::error::Error>>;

// ---------------------------------------------------------------------------------------------------------------
// The ticket machine
// ---------------------------------------------------------------------------------------------------------------

struct Policy {
    first_response: Duration,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
enum State {
    New,
    Open { opened_at: DateTime<Utc>, respond_by: DateTime<Utc> },
    Escalated { since: DateTime<Utc> },
    InProgress { agent: String, notes: u32 },
    Closed { resolution: String },
}

#[derive(Clone, Debug, PartialEq)]
enum Command {
    Open,
    Start,
    Note,
    Close { resolution: String },
    Tick,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
enum Event {
    Opened { at: DateTime<Utc>, respond_by: DateTime<Utc> },
    Escalated { at: DateTime<Utc> },
    Started { agent: String },
    Noted,
    Closed { resolution: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum S {
    New,
    Open,
    Escalated,
    InProgress,
    Closed,
}

impl Kind for S {
    const ALL: &'static [Self] = &[Self::New, Self::Open, Self::Escalated, Self::InProgress, Self::Closed];
    fn name(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Open => "open",
            Self::Escalated => "escalated",
            Self::InProgress => "in_progress",
            Self::Closed => "closed",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum C {
    Open,
    Start,
    Note,
    Close,
    Tick,
}

impl Kind for C {
    const ALL: &'static [Self] = &[Self::Open, Self::Start, Self::Note, Self::Close, Self::Tick];
    fn name(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Start => "start",
            Self::Note => "note",
            Self::Close => "close",
            Self::Tick => "tick",
        }
    }
}

#[derive(Debug, PartialEq, thiserror::Error)]
enum TicketError {
    #[error("`{0}` is not an agent")]
    NotAnAgent(String),
    #[error("only the assigned agent `{0}` may do that")]
    NotAssignee(String),
    #[error("a ticket is closed with a resolution")]
    EmptyResolution,
}

const TABLE: &[Transition<S, C>] = &[
    Transition::new(S::New, C::Open, &[S::Open]),
    Transition::new(S::Open, C::Start, &[S::InProgress]),
    Transition::new(S::Open, C::Tick, &[S::Escalated]),
    Transition::new(S::Escalated, C::Start, &[S::InProgress]),
    Transition::new(S::InProgress, C::Note, &[S::InProgress]),
    Transition::new(S::InProgress, C::Close, &[S::Closed]),
];

fn kind_of(state: &State) -> S {
    match state {
        State::New => S::New,
        State::Open { .. } => S::Open,
        State::Escalated { .. } => S::Escalated,
        State::InProgress { .. } => S::InProgress,
        State::Closed { .. } => S::Closed,
    }
}

fn handle(state: &State, command: &Command, ctx: &Context<'_, Policy>) -> Result<Vec<Event>, TicketError> {
    let now = ctx.now();
    let who = ctx.principal().id().to_owned();
    match (state, command) {
        (State::New, Command::Open) => {
            Ok(vec![Event::Opened { at: now, respond_by: now + ctx.config().first_response }])
        }
        (State::Open { .. } | State::Escalated { .. }, Command::Start) => {
            if ctx.principal().has_role("agent") {
                Ok(vec![Event::Started { agent: who }])
            } else {
                Err(TicketError::NotAnAgent(who))
            }
        }
        (State::Open { respond_by, .. }, Command::Tick) if now >= *respond_by => Ok(vec![Event::Escalated { at: now }]),
        (State::InProgress { agent, .. }, Command::Note | Command::Close { .. }) if *agent != who => {
            Err(TicketError::NotAssignee(agent.clone()))
        }
        (State::InProgress { .. }, Command::Note) => Ok(vec![Event::Noted]),
        (State::InProgress { .. }, Command::Close { resolution }) if resolution.trim().is_empty() => {
            Err(TicketError::EmptyResolution)
        }
        (State::InProgress { .. }, Command::Close { resolution }) => {
            Ok(vec![Event::Closed { resolution: resolution.clone() }])
        }
        _ => Ok(vec![]),
    }
}

fn evolve(state: &mut State, event: &Event) {
    match event {
        Event::Opened { at, respond_by } => *state = State::Open { opened_at: *at, respond_by: *respond_by },
        Event::Escalated { at } => *state = State::Escalated { since: *at },
        Event::Started { agent } => *state = State::InProgress { agent: agent.clone(), notes: 0 },
        Event::Noted => {
            if let State::InProgress { notes, .. } = state {
                *notes += 1;
            }
        }
        Event::Closed { resolution } => *state = State::Closed { resolution: resolution.clone() },
    }
}

/// Implements `Machine` for a unit struct with the ticket's rules and the given table: the real ticket and
/// deliberately broken variants share everything but the declaration.
macro_rules! ticket_machine {
    ($name:ident, $machine_name:literal, $table:expr) => {
        struct $name;
        impl Machine for $name {
            const NAME: &'static str = $machine_name;
            type State = State;
            type Command = Command;
            type Event = Event;
            type Config = Policy;
            type Error = TicketError;
            type StateKind = S;
            type CommandKind = C;
            fn initial() -> State {
                State::New
            }
            fn transitions() -> &'static [Transition<S, C>] {
                $table
            }
            fn finals() -> &'static [S] {
                &[S::Closed]
            }
            fn state_kind(state: &State) -> S {
                kind_of(state)
            }
            fn command_kind(command: &Command) -> C {
                match command {
                    Command::Open => C::Open,
                    Command::Start => C::Start,
                    Command::Note => C::Note,
                    Command::Close { .. } => C::Close,
                    Command::Tick => C::Tick,
                }
            }
            fn handle(state: &State, command: &Command, ctx: &Context<'_, Policy>) -> Result<Vec<Event>, TicketError> {
                handle(state, command, ctx)
            }
            fn evolve(state: &mut State, event: &Event) {
                evolve(state, event)
            }
            fn deadlines(state: &State) -> Vec<Deadline> {
                match state {
                    State::Open { respond_by, .. } => {
                        vec![Deadline::new(*respond_by, "first_response")]
                    }
                    _ => vec![],
                }
            }
        }
    };
}

ticket_machine!(Ticket, "ticket", TABLE);

// `start` from open is declared to stay open: a bug `decide` must catch.
const WRONG_TARGET: &[Transition<S, C>] = &[
    Transition::new(S::New, C::Open, &[S::Open]),
    Transition::new(S::Open, C::Start, &[S::Open]),
    Transition::new(S::InProgress, C::Close, &[S::Closed]),
];
ticket_machine!(WrongTarget, "wrong_target", WRONG_TARGET);

// Escalated is declared but nothing leads there; in-progress tickets can never close.
const LOPSIDED: &[Transition<S, C>] = &[
    Transition::new(S::New, C::Open, &[S::Open]),
    Transition::new(S::Open, C::Start, &[S::InProgress]),
    Transition::new(S::Escalated, C::Start, &[S::InProgress]),
    Transition::new(S::InProgress, C::Note, &[S::InProgress]),
    Transition::new(S::Open, C::Close, &[S::Closed]),
];
ticket_machine!(Lopsided, "lopsided", LOPSIDED);

// ---------------------------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------------------------

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 3, 9, 0, 0).single().expect("valid instant")
}

fn policy() -> Policy {
    Policy { first_response: Duration::hours(1) }
}

fn agent(id: &str) -> Principal {
    Principal::new(id).with_role("agent")
}

/// A ticket opened at `t0`.
fn opened(policy: &Policy) -> Result<(Instance<Ticket>, Vec<Event>), Rejection<TicketError>> {
    let customer = Principal::new("customer");
    let mut ticket = Instance::<Ticket>::new();
    let events = ticket.execute(&Command::Open, &Context::new(t0(), &customer, policy))?;
    Ok((ticket, events))
}

// ---------------------------------------------------------------------------------------------------------------
// decide: the table, refusals and machine bugs
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn command_not_in_the_table_is_rejected_with_machine_state_and_command_named() {
    let policy = policy();
    let someone = agent("ann");
    let ctx = Context::new(t0(), &someone, &policy);
    let err = decide::<Ticket>(&State::New, &Command::Close { resolution: "done".into() }, &ctx)
        .expect_err("close is not declared in state new");
    assert!(matches!(err, Rejection::NotAllowed { machine: "ticket", state: "new", command: "close" }));
    assert_eq!(err.to_string(), "ticket: command `close` is not allowed in state `new`");
    assert_eq!((err.machine(), err.state(), err.command()), ("ticket", "new", "close"));
    assert!(err.reason().is_none());
    assert!(!err.is_machine_bug());
    assert!(!allows::<Ticket>(S::New, C::Close));
    assert!(allows::<Ticket>(S::InProgress, C::Close));
}

#[test]
fn domain_refusal_carries_the_machines_reason() -> TestResult {
    let policy = policy();
    let (ticket, _) = opened(&policy)?;
    let bob = Principal::new("bob");
    let err = ticket.decide(&Command::Start, &Context::new(t0(), &bob, &policy)).expect_err("bob is no agent");
    assert_eq!(err.reason(), Some(&TicketError::NotAnAgent("bob".into())));
    assert_eq!(err.to_string(), "ticket: command `start` refused in state `open`: `bob` is not an agent");
    // The reason is in the message, not repeated as the error's source.
    assert!(std::error::Error::source(&err).is_none());
    Ok(())
}

#[test]
fn events_leading_outside_the_declared_targets_are_a_typed_machine_bug_not_a_panic() {
    let policy = policy();
    let ann = agent("ann");
    let mut broken =
        Instance::<WrongTarget>::from_parts(State::Open { opened_at: t0(), respond_by: t0() + Duration::hours(1) }, 1);
    let before = broken.clone();
    let err = broken.execute(&Command::Start, &Context::new(t0(), &ann, &policy)).expect_err("undeclared");
    assert!(err.is_machine_bug());
    assert!(matches!(err, Rejection::UndeclaredTransition { reached: "in_progress", .. }));
    assert_eq!(
        err.to_string(),
        "wrong_target: command `start` in state `open` would lead to undeclared state `in_progress` \
         (a bug in the machine: declare the transition or fix its handler)"
    );
    assert_eq!(broken, before, "nothing applied");
}

#[test]
fn rejected_commands_leave_no_trace() -> TestResult {
    let policy = policy();
    let (mut ticket, _) = opened(&policy)?;
    let before = ticket.clone();
    let bob = Principal::new("bob");
    assert!(ticket.execute(&Command::Start, &Context::new(t0(), &bob, &policy)).is_err());
    assert!(ticket.execute(&Command::Note, &Context::new(t0(), &bob, &policy)).is_err());
    assert_eq!(ticket, before);
    Ok(())
}

#[test]
fn only_the_assignee_may_close_and_only_with_a_resolution() -> TestResult {
    let policy = policy();
    let (mut ticket, _) = opened(&policy)?;
    let (ann, ben) = (agent("ann"), agent("ben"));
    ticket.execute(&Command::Start, &Context::new(t0(), &ann, &policy))?;
    let close = |resolution: &str| Command::Close { resolution: resolution.into() };

    let err = ticket.execute(&close("fixed"), &Context::new(t0(), &ben, &policy)).expect_err("not the assignee");
    assert_eq!(
        err.to_string(),
        "ticket: command `close` refused in state `in_progress`: only the assigned agent `ann` may do that"
    );
    let err = ticket.execute(&close("  "), &Context::new(t0(), &ann, &policy)).expect_err("empty resolution");
    assert_eq!(err.reason(), Some(&TicketError::EmptyResolution));

    ticket.execute(&close("replaced the valve"), &Context::new(t0(), &ann, &policy))?;
    assert_eq!(ticket.state(), &State::Closed { resolution: "replaced the valve".into() });
    assert!(ticket.is_final());
    Ok(())
}

#[test]
fn self_loops_are_declared_transitions() -> TestResult {
    let policy = policy();
    let (mut ticket, _) = opened(&policy)?;
    let ann = agent("ann");
    let ctx = Context::new(t0(), &ann, &policy);
    ticket.execute(&Command::Start, &ctx)?;
    ticket.execute(&Command::Note, &ctx)?;
    ticket.execute(&Command::Note, &ctx)?;
    assert_eq!(ticket.state(), &State::InProgress { agent: "ann".into(), notes: 2 });
    assert_eq!(ticket.version(), 4);
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------------
// Deadlines and ticks
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn an_early_tick_is_a_harmless_no_op_and_a_due_tick_escalates() -> TestResult {
    let policy = policy();
    let (mut ticket, _) = opened(&policy)?;
    let due = ticket.next_deadline().ok_or("an open ticket has a deadline")?;
    assert_eq!(due, Deadline::new(t0() + Duration::hours(1), "first_response"));

    let system = Principal::system();
    let early = ticket.execute(&Command::Tick, &Context::new(due.at - Duration::seconds(1), &system, &policy))?;
    assert!(early.is_empty());
    assert_eq!(ticket.version(), 1);

    let late = ticket.execute(&Command::Tick, &Context::new(due.at, &system, &policy))?;
    assert_eq!(late, vec![Event::Escalated { at: due.at }]);
    assert_eq!(ticket.kind(), S::Escalated);
    assert_eq!(ticket.next_deadline(), None);
    Ok(())
}

#[test]
fn next_deadline_is_the_earliest() {
    let a = Deadline::new(t0() + Duration::hours(2), "b");
    let b = Deadline::new(t0() + Duration::hours(1), "z");
    let c = Deadline::new(t0() + Duration::hours(1), "a");
    assert_eq!([a, b, c].into_iter().min(), Some(c));
    assert_eq!(next_deadline::<Ticket>(&State::New), None);
}

// ---------------------------------------------------------------------------------------------------------------
// Replay and snapshots
// ---------------------------------------------------------------------------------------------------------------

fn full_life(policy: &Policy) -> Result<(Instance<Ticket>, Vec<Event>), Rejection<TicketError>> {
    let (mut ticket, mut log) = opened(policy)?;
    let (system, ann) = (Principal::system(), agent("ann"));
    let at = |minutes| t0() + Duration::minutes(minutes);
    log.extend(ticket.execute(&Command::Tick, &Context::new(at(61), &system, policy))?);
    log.extend(ticket.execute(&Command::Start, &Context::new(at(70), &ann, policy))?);
    log.extend(ticket.execute(&Command::Note, &Context::new(at(80), &ann, policy))?);
    log.extend(ticket.execute(&Command::Close { resolution: "refund".into() }, &Context::new(at(90), &ann, policy))?);
    Ok((ticket, log))
}

#[test]
fn replaying_the_log_gives_the_live_instance() -> TestResult {
    let policy = policy();
    let (ticket, log) = full_life(&policy)?;
    assert_eq!(log.len(), 5);
    assert_eq!(replay::<Ticket>(&log), ticket);
    // Every prefix replays to a consistent version.
    for n in 0..=log.len() {
        assert_eq!(replay::<Ticket>(&log[..n]).version(), u64::try_from(n)?);
    }
    Ok(())
}

#[test]
fn a_snapshot_restores_without_rerunning_and_catches_up_with_later_events() -> TestResult {
    let policy = policy();
    let (ticket, log) = full_life(&policy)?;
    let middle = replay::<Ticket>(&log[..3]);
    let json = serde_json::to_string(&middle)?;
    insta::assert_snapshot!("ticket_snapshot_json", json);

    let mut restored: Instance<Ticket> = serde_json::from_str(&json)?;
    assert_eq!(restored, middle);
    restored.apply_all(&log[3..]);
    assert_eq!(restored, ticket);

    let (state, version) = restored.into_parts();
    assert_eq!(Instance::<Ticket>::from_parts(state, version), ticket);
    Ok(())
}

#[test]
fn snapshots_with_unknown_fields_are_refused() {
    let bad = r#"{"version":1,"state":{"state":"new"},"extra":true}"#;
    assert!(serde_json::from_str::<Instance<Ticket>>(bad).is_err());
}

#[test]
fn the_event_log_is_stable_json() -> TestResult {
    let (_, log) = full_life(&policy())?;
    insta::assert_snapshot!("ticket_events_json", serde_json::to_string_pretty(&log)?);
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------------
// Principals and context
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn principals_roles_and_context() -> TestResult {
    let li = Principal::new("li").with_role("marketing_director").with_role(Role::new("general_manager"));
    assert!(li.has_role("general_manager"));
    assert!(li.has_any_role(&["finance_supervisor", "marketing_director"]));
    assert!(!li.has_any_role::<&str>(&[]));
    assert_eq!(li.roles().map(Role::as_str).collect::<Vec<_>>(), ["general_manager", "marketing_director"]);
    assert!(!li.is_system());
    assert!(!Principal::new("system").is_system(), "the id alone does not make the system");
    assert!(Principal::system().is_system());

    let json = serde_json::to_string(&li)?;
    assert_eq!(json, r#"{"id":"li","roles":["general_manager","marketing_director"]}"#);
    assert_eq!(serde_json::from_str::<Principal>(&json)?, li);

    let policy = policy();
    let ctx = Context::new(t0(), &li, &policy);
    let later = ctx.at(t0() + Duration::hours(3));
    assert_eq!(later.now() - ctx.now(), Duration::hours(3));
    assert_eq!(later.principal().id(), "li");
    assert_eq!(later.config().first_response, Duration::hours(1));
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------------
// The graph and its pictures
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn the_graph_is_the_table() {
    let graph = TransitionGraph::of::<Ticket>();
    assert_eq!(graph.states().collect::<Vec<_>>(), S::ALL);
    let edges: Vec<_> = graph.edges().collect();
    let declared: Vec<_> = TABLE.iter().flat_map(|row| row.to.iter().map(move |&to| (row.from, row.on, to))).collect();
    assert_eq!(edges, declared);
    assert_eq!(graph.graph().node_count(), 5);
    assert_eq!(graph.initial(), S::New);
    assert_eq!(graph.finals(), &[S::Closed]);
    assert!(graph.unreachable().is_empty());
    assert!(graph.cannot_finish().is_empty());
    assert!(graph.reaches(S::New, S::Closed));
    assert!(graph.reaches(S::Escalated, S::Escalated));
    assert!(!graph.reaches(S::Closed, S::New));
    assert!(graph.node(S::Escalated).is_some());
}

#[test]
fn reachability_checks_find_orphans_and_traps() {
    let graph = TransitionGraph::of::<Lopsided>();
    assert_eq!(graph.unreachable(), vec![S::Escalated]);
    assert_eq!(graph.cannot_finish(), vec![S::Escalated, S::InProgress]);
}

#[test]
fn ticket_mermaid() {
    insta::assert_snapshot!("ticket_mermaid", TransitionGraph::of::<Ticket>().to_mermaid());
}

#[test]
fn ticket_dot() {
    insta::assert_snapshot!("ticket_dot", TransitionGraph::of::<Ticket>().to_dot());
}

#[test]
fn pictures_are_deterministic() {
    assert_eq!(TransitionGraph::of::<Ticket>().to_mermaid(), TransitionGraph::of::<Ticket>().to_mermaid());
    assert_eq!(TransitionGraph::of::<Ticket>().to_dot(), TransitionGraph::of::<Ticket>().to_dot());
}

// ---------------------------------------------------------------------------------------------------------------
// The property-test helper on the ticket machine
// ---------------------------------------------------------------------------------------------------------------

#[cfg(feature = "testing")]
mod laws {
    use kefu::testing::machine::{Law, Laws, Step};
    use proptest::prelude::*;

    use super::*;

    fn commands() -> impl Strategy<Value = Command> {
        prop_oneof![
            Just(Command::Open),
            Just(Command::Start),
            Just(Command::Note),
            Just(Command::Tick),
            prop_oneof![Just(""), Just("refund"), Just("fixed")]
                .prop_map(|r| Command::Close { resolution: r.to_owned() }),
        ]
    }

    fn invariant(policy: &Policy) -> impl Fn(&State) -> Result<(), String> + '_ {
        move |state| match state {
            State::Open { opened_at, respond_by } if *respond_by - *opened_at != policy.first_response => {
                Err(format!("respond_by {respond_by} is not {opened_at} + first response"))
            }
            State::Closed { resolution } if resolution.trim().is_empty() => Err("closed without resolution".into()),
            _ => Ok(()),
        }
    }

    fn laws(policy: &Policy) -> Laws<'_, Ticket> {
        Laws::<Ticket>::new(policy)
            .principals(vec![agent("ann"), agent("ben"), Principal::new("customer")])
            .tick(|| Command::Tick)
            .invariant(invariant(policy))
            .max_step(Duration::minutes(30))
    }

    #[test]
    fn the_ticket_machine_obeys_the_laws() -> TestResult {
        let policy = policy();
        laws(&policy).cases(256).run(commands())?;
        Ok(())
    }

    #[test]
    fn a_hand_written_sequence_is_checked_step_by_step() -> TestResult {
        let policy = policy();
        let cmd = |after_minutes, principal, command| Step::Command {
            after: Duration::minutes(after_minutes),
            principal,
            command,
        };
        let steps = [
            cmd(0, 2, Command::Open),
            cmd(5, 2, Command::Start), // customer: refused
            Step::TickAtNextDeadline,  // escalates at t0 + 1h
            cmd(1, 0, Command::Start),
            cmd(1, 1, Command::Note), // ben is not the assignee: refused
            cmd(1, 0, Command::Close { resolution: "fixed".into() }),
        ];
        let outcome = laws(&policy).check(&steps)?;
        assert_eq!((outcome.accepted, outcome.rejected), (4, 2));
        assert_eq!(outcome.instance.kind(), S::Closed);
        assert_eq!(outcome.now, t0_start() + Duration::minutes(63));
        assert_eq!(outcome.events.len(), 4);
        Ok(())
    }

    fn t0_start() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 1, 6, 0, 0, 0).single().expect("valid instant")
    }

    #[test]
    fn the_laws_catch_a_machine_that_leaves_its_table() {
        let policy = policy();
        let steps = [
            Step::Command { after: Duration::zero(), principal: 0, command: Command::Open },
            Step::Command { after: Duration::zero(), principal: 0, command: Command::Start },
        ];
        let violation = Laws::<WrongTarget>::new(&policy)
            .principals(vec![agent("ann")])
            .check(&steps)
            .expect_err("start leads to an undeclared state");
        assert_eq!(violation.law, Law::DeclaredTransition);
        assert_eq!(violation.step, 1);

        let failure = Laws::<WrongTarget>::new(&policy)
            .principals(vec![agent("ann")])
            .run(commands())
            .expect_err("random sequences find it too");
        assert!(failure.message.contains("accepted commands follow the table"), "{failure}");
        assert!(failure.sequence.contains("Start"), "{failure}");
    }

    #[test]
    fn the_laws_catch_a_broken_invariant() {
        let policy = policy();
        let steps = [Step::Command { after: Duration::zero(), principal: 0, command: Command::Open }];
        let violation = Laws::<Ticket>::new(&policy)
            .invariant(|state| if matches!(state, State::Open { .. }) { Err("no open tickets".into()) } else { Ok(()) })
            .check(&steps)
            .expect_err("open breaks the invariant");
        assert_eq!(violation.law, Law::Invariant);
        assert!(
            violation.to_string().starts_with("ticket: law \"the invariant holds\" broken at step 0: no open tickets")
        );
    }

    // The ticket's deadline stays in place when the tick cannot remove it: the law says a tick consumes it.
    const STUCK: &[Transition<S, C>] = &[
        Transition::new(S::New, C::Open, &[S::Open]),
        Transition::new(S::Open, C::Start, &[S::InProgress]),
        Transition::new(S::InProgress, C::Close, &[S::Closed]),
    ];
    ticket_machine!(Stuck, "stuck", STUCK);

    #[test]
    fn the_laws_catch_a_tick_the_table_refuses() {
        let policy = policy();
        let steps =
            [Step::Command { after: Duration::zero(), principal: 0, command: Command::Open }, Step::TickAtNextDeadline];
        let violation = Laws::<Stuck>::new(&policy).tick(|| Command::Tick).check(&steps).expect_err("tick refused");
        assert_eq!(violation.law, Law::TickAccepted);
        assert_eq!(violation.step, 1);
    }
}
