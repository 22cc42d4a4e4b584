//! Laws of our VIP policy, property-tested with kefu's `testing` feature on random calendars in Shanghai,
//! Amsterdam and New York, and on the company's own calendars.
//!
//! Case counts are kept small so the whole suite stays fast in CI; raise `CASES` locally for a deeper search.

use chrono::{DateTime, TimeDelta, Utc};
use kefu::calendar::{Calendar, CalendarSet, OutsideCoverage};
use kefu::machine::{Context, Instance, Principal};
use kefu::sla::{Clock, ClockCommand, ClockEvent, ClockState, ClockStatus};
use kefu::testing::calendar::{SHANGHAI_AMSTERDAM_NEW_YORK, any_calendar, any_instant};
use kefu::testing::machine::{Laws, Step};
use kefu_example_policy_laws::{VIP_TARGET, company_calendars, vip_desk, vip_policy};
use proptest::prelude::*;
use proptest::test_runner::Config;

const CASES: u32 = 48;

/// A random calendar in one of the three zones, or one of the company's real calendars.
fn any_desk() -> impl Strategy<Value = Calendar> {
    // The company's files cover 2026; the instants drawn run into 2027, where these laws take the plain week.
    let ours: Vec<Calendar> = company_calendars()
        .expect("the company's calendars load")
        .iter()
        .map(|c| c.with_outside_coverage(OutsideCoverage::Weekly))
        .collect();
    prop_oneof![
        3 => any_calendar(SHANGHAI_AMSTERDAM_NEW_YORK),
        1 => proptest::sample::select(ours),
    ]
}

/// A VIP clock started at `start` on `calendars`.
fn started(calendars: &CalendarSet, start: DateTime<Utc>) -> Result<Instance<Clock>, TestCaseError> {
    let agent = Principal::new("agent");
    let mut clock = Instance::<Clock>::new();
    clock
        .execute(&ClockCommand::Start(vip_policy()), &Context::new(start, &agent, calendars))
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    Ok(clock)
}

fn due_of(clock: &Instance<Clock>) -> Result<DateTime<Utc>, TestCaseError> {
    clock.state().due_at().ok_or_else(|| TestCaseError::fail("a running clock has a due instant"))
}

fn fail(e: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(e.to_string())
}

#[test]
fn the_vip_policy_text_is_valid() {
    let policy = vip_policy();
    assert_eq!(policy.warnings_permille(), [500]);
    assert_eq!(policy.escalation().len(), 2);
}

proptest! {
    #![proptest_config(Config { cases: CASES, failure_persistence: None, ..Config::default() })]

    /// Business time never runs faster than the wall clock: 30 business minutes are at least 30 real ones.
    #[test]
    fn never_due_before_thirty_wall_clock_minutes(calendar in any_desk(), start in any_instant(2026)) {
        let clock = started(&vip_desk(calendar), start)?;
        let due = due_of(&clock)?;
        prop_assert!(due >= start + VIP_TARGET, "due {due} is less than 30 minutes after {start}");
    }

    /// The due instant is an instant the desk is open, or the closing instant of an opening interval; and exactly
    /// 30 business minutes lie between the start of counting and it.
    #[test]
    fn due_instant_is_open_or_on_a_closing_boundary(calendar in any_desk(), start in any_instant(2026)) {
        let calendars = vip_desk(calendar.clone());
        let clock = started(&calendars, start)?;
        let due = due_of(&clock)?;
        let open = calendar.is_open(due).map_err(fail)?;
        let closing = calendar.is_open(due - TimeDelta::nanoseconds(1)).map_err(fail)?;
        prop_assert!(open || closing, "due {due} is neither open nor a closing boundary");
        let (_, counting_from) = clock.state().started().ok_or_else(|| fail("started"))?;
        prop_assert_eq!(calendar.between(counting_from, due).map_err(fail)?, VIP_TARGET);
    }

    /// A clock stopped before its due instant is met on time, and stays so however late its status is asked,
    /// even when the scheduler ticked it in between (e.g. for the half-time warning).
    #[test]
    fn met_before_due_is_never_late(
        calendar in any_desk(),
        start in any_instant(2026),
        fraction in 0.0f64..1.0,
        tick_first in any::<bool>(),
    ) {
        let calendars = vip_desk(calendar);
        let mut clock = started(&calendars, start)?;
        let due = due_of(&clock)?;
        // Somewhere in [start, due), to the second.
        let span = (due - start).num_seconds();
        let offset = ((span as f64 * fraction) as i64).min(span - 1).max(0);
        let stop_at = start + TimeDelta::seconds(offset);
        let system = Principal::system();
        if tick_first {
            clock.execute(&ClockCommand::Tick, &Context::new(stop_at, &system, &calendars)).map_err(fail)?;
        }
        let supervisor = Principal::new("supervisor").with_role("supervisor");
        let events =
            clock.execute(&ClockCommand::Stop, &Context::new(stop_at, &supervisor, &calendars)).map_err(fail)?;
        prop_assert!(matches!(events.last(), Some(ClockEvent::Met { late: false, .. })), "{events:?}");
        let breached = events.iter().any(|e| matches!(e, ClockEvent::Breached { .. }));
        prop_assert!(!breached, "breached before the due instant: {events:?}");
        for later in [due, due + TimeDelta::days(30)] {
            prop_assert_eq!(clock.state().status(later), ClockStatus::Met { late: false });
        }
    }

    /// Left alone, the clock warns at half time, breaches at the due instant, escalates to the supervisor then, and
    /// to leadership 30 business minutes later: in that order, each once, at non-decreasing instants.
    #[test]
    fn the_ladder_fires_in_order(calendar in any_desk(), start in any_instant(2026)) {
        let calendars = vip_desk(calendar.clone());
        let mut clock = started(&calendars, start)?;
        let due = due_of(&clock)?;
        let late = due + TimeDelta::days(60);
        let events = clock
            .execute(&ClockCommand::Tick, &Context::new(late, &Principal::system(), &calendars))
            .map_err(fail)?;
        let [
            ClockEvent::Warned { at: warned, permille: 500 },
            ClockEvent::Breached { at: breached },
            ClockEvent::Escalated { at: supervisor, level: 1, to: first },
            ClockEvent::Escalated { at: leadership, level: 2, to: second },
        ] = events.as_slice() else {
            return Err(fail(format!("unexpected events {events:?}")));
        };
        prop_assert_eq!((first.as_str(), second.as_str()), ("supervisor", "leadership"));
        prop_assert!(warned <= breached && *breached == due && supervisor == breached && leadership > supervisor);
        prop_assert_eq!(calendar.between(*supervisor, *leadership).map_err(fail)?, TimeDelta::minutes(30));
        prop_assert_eq!(clock.state().status(late), ClockStatus::Breached { escalations: 2 });
        prop_assert!(clock.next_deadline().is_none(), "the whole ladder fired: nothing left to tick");
    }

    /// kefu's machine laws (deterministic decisions, rejections leave no trace, the table is followed, ticks
    /// consume due deadlines, replay reproduces the clock) on random command sequences under the VIP policy, with
    /// our own invariant on every state reached.
    #[test]
    fn clock_obeys_the_machine_laws_under_the_vip_policy(
        calendar in any_desk(),
        start in any_instant(2026),
        steps in steps(),
    ) {
        let calendars = vip_desk(calendar);
        Laws::<Clock>::new(&calendars)
            .start(start)
            .principals(vec![Principal::new("agent"), Principal::new("supervisor").with_role("supervisor")])
            .tick(|| ClockCommand::Tick)
            .invariant(vip_invariant)
            .check(&steps)
            .map_err(fail)?;
    }
}

/// Random sequences of clock commands: mostly ticks and starts, sometimes a pause, resume, stop or cancel; steps of
/// up to 20 minutes, so that sequences cross warnings, breaches and closing times.
fn steps() -> impl Strategy<Value = Vec<Step<ClockCommand>>> {
    let commands = prop_oneof![
        3 => Just(ClockCommand::Tick),
        2 => Just(ClockCommand::Start(vip_policy())),
        2 => Just(ClockCommand::Pause { reason: Some("waiting for the customer".into()) }),
        2 => Just(ClockCommand::Resume),
        1 => Just(ClockCommand::Stop),
        1 => Just(ClockCommand::Cancel { reason: "customer withdrew".into() }),
    ];
    // `steps` does not borrow the configuration: any will do to build the strategy.
    let unused = CalendarSet::new();
    Laws::<Clock>::new(&unused).max_len(24).max_step(TimeDelta::minutes(20)).steps(commands)
}

/// Our invariant: a started clock runs the VIP budget; its due instant (when known) is never earlier than 30
/// wall-clock minutes after the start, pauses only push it later; and the ladder has two rungs at most.
fn vip_invariant(state: &ClockState) -> Result<(), String> {
    if let Some(budget) = state.budget() {
        if budget != VIP_TARGET {
            return Err(format!("budget {budget} is not 30 minutes"));
        }
    }
    if let (Some((started_at, _)), Some(due)) = (state.started(), state.due_at()) {
        if due < started_at + VIP_TARGET {
            return Err(format!("due {due} is less than 30 minutes after the start at {started_at}"));
        }
    }
    if state.escalations() > 2 {
        return Err(format!("{} escalations on a two-rung ladder", state.escalations()));
    }
    Ok(())
}
