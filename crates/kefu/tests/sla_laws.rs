//! The laws of SLA clocks, property-tested on random calendars (Shanghai, Amsterdam, New York) and policies.
#![cfg(feature = "testing")]

use chrono::{DateTime, TimeDelta, Utc};
use kefu::calendar::{Calendar, CalendarSet};
use kefu::machine::{Context, Instance, Principal};
use kefu::sla::{Clock, ClockCommand, ClockEvent, ClockKind, ClockStatus, SlaPolicy, Target, Threshold};
use kefu::testing::calendar::{SHANGHAI_AMSTERDAM_NEW_YORK, any_calendar, any_instant};
use kefu::testing::machine::Laws;
use kefu::testing::sla::{any_clock_command, any_policy, business_policy};
use proptest::prelude::*;
use proptest::strategy::ValueTree;

const DESK: &str = "desk";

fn set(calendar: Calendar) -> CalendarSet {
    [(DESK, calendar)].into_iter().collect()
}

fn fail(e: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(e.to_string())
}

/// Sends a command at `now`, returning the events.
fn send(
    clock: &mut Instance<Clock>,
    command: ClockCommand,
    now: DateTime<Utc>,
    calendars: &CalendarSet,
) -> Result<Vec<ClockEvent>, TestCaseError> {
    clock.execute(&command, &Context::new(now, &Principal::system(), calendars)).map_err(fail)
}

fn started(policy: SlaPolicy, t: DateTime<Utc>, calendars: &CalendarSet) -> Result<Instance<Clock>, TestCaseError> {
    let mut clock = Instance::<Clock>::new();
    send(&mut clock, ClockCommand::Start(policy), t, calendars)?;
    Ok(clock)
}

fn secs(s: i64) -> TimeDelta {
    TimeDelta::seconds(s)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn pausing_for_business_time_p_delays_due_by_exactly_p(
        cal in any_calendar(SHANGHAI_AMSTERDAM_NEW_YORK),
        policy in business_policy(DESK, 60..20 * 3600),
        t0 in any_instant(2025),
        pause_at in 0.0f64..1.0,
        paused_for in 0i64..30 * 86_400,
    ) {
        let calendars = set(cal.clone());
        let mut clock = started(policy, t0, &calendars)?;
        let due_before = clock.state().due_at().ok_or_else(|| fail("running clock without due"))?;
        // Pause before the due instant: once it has passed, the breach is a recorded fact and no pause moves it.
        let t1 = t0 + TimeDelta::seconds(((due_before - t0).num_seconds() as f64 * pause_at) as i64);
        prop_assume!(t1 < due_before);
        let t2 = t1 + secs(paused_for);
        send(&mut clock, ClockCommand::Pause { reason: None }, t1, &calendars)?;
        prop_assert_eq!(clock.state().due_at().is_some(), clock.state().status(t1) != ClockStatus::Paused { breached: false });
        send(&mut clock, ClockCommand::Resume, t2, &calendars)?;
        let due_after = clock.state().due_at().ok_or_else(|| fail("resumed clock without due"))?;
        let p = cal.between(t1, t2).map_err(fail)?;
        prop_assert_eq!(cal.between(due_before, due_after).map_err(fail)?, p);
    }

    #[test]
    fn due_is_never_before_start_plus_target_in_elapsed_time(
        cal in any_calendar(SHANGHAI_AMSTERDAM_NEW_YORK),
        policy in any_policy(DESK),
        t0 in any_instant(2025),
    ) {
        let calendars = set(cal);
        let clock = started(policy.clone(), t0, &calendars)?;
        let due = clock.state().due_at().ok_or_else(|| fail("running clock without due"))?;
        match policy.target() {
            Target::Elapsed(d) => prop_assert_eq!(due, t0 + *d),
            Target::Business { duration, .. } => prop_assert!(due >= t0 + *duration),
            Target::WorkingDays { .. } => prop_assert!(due >= t0),
        }
    }

    #[test]
    fn a_running_clock_is_breached_exactly_from_its_due_instant(
        cal in any_calendar(SHANGHAI_AMSTERDAM_NEW_YORK),
        policy in any_policy(DESK),
        t0 in any_instant(2025),
        probe in -86_400i64..86_400,
    ) {
        let calendars = set(cal);
        let clock = started(policy, t0, &calendars)?;
        let due = clock.state().due_at().ok_or_else(|| fail("running clock without due"))?;
        let now = (due + secs(probe)).max(t0);
        let breached = matches!(clock.state().status(now), ClockStatus::Breached { .. });
        prop_assert_eq!(breached, now >= due, "status {:?} at {} with due {}", clock.state().status(now), now, due);
        // The same answer once a tick has recorded what fell due.
        let mut ticked = clock.clone();
        send(&mut ticked, ClockCommand::Tick, now, &calendars)?;
        prop_assert_eq!(ticked.state().kind() == ClockKind::Overdue, now >= due);
    }

    #[test]
    fn met_before_due_is_never_breached(
        cal in any_calendar(SHANGHAI_AMSTERDAM_NEW_YORK),
        policy in any_policy(DESK),
        t0 in any_instant(2025),
        fraction in 0.0f64..1.0,
    ) {
        let calendars = set(cal);
        let mut clock = started(policy, t0, &calendars)?;
        let due = clock.state().due_at().ok_or_else(|| fail("running clock without due"))?;
        let stop = t0 + TimeDelta::milliseconds(((due - t0).num_milliseconds() as f64 * fraction) as i64);
        prop_assume!(stop < due);
        let events = send(&mut clock, ClockCommand::Stop, stop, &calendars)?;
        let breached = events.iter().any(|e| matches!(e, ClockEvent::Breached { .. }));
        prop_assert!(!breached);
        prop_assert_eq!(clock.state().status(stop + TimeDelta::days(400)), ClockStatus::Met { late: false });
    }

    #[test]
    fn warnings_and_escalations_fire_in_order_and_each_once(
        cal in any_calendar(SHANGHAI_AMSTERDAM_NEW_YORK),
        policy in any_policy(DESK),
        t0 in any_instant(2025),
        ticks in proptest::collection::vec(0i64..2 * 86_400, 1..12),
    ) {
        let calendars = set(cal);
        let mut clock = started(policy.clone(), t0, &calendars)?;
        let mut now = t0;
        let mut fired = Vec::new();
        for step in ticks {
            now += secs(step);
            for e in send(&mut clock, ClockCommand::Tick, now, &calendars)? {
                prop_assert!(e.at() <= now, "{e:?} fired before it was due at {now}");
                fired.push(e);
            }
        }
        // Exactly the thresholds due by `now`, in the policy's order, each once, at non-decreasing instants.
        let expected: Vec<Threshold> = {
            let warnings = policy.warnings_permille().iter().map(|&p| Threshold::Warning { permille: p });
            let ladder = (1..=policy.escalation().len()).map(|l| Threshold::Escalation { level: l as u16 });
            warnings.chain([Threshold::Breach]).chain(ladder).collect()
        };
        let seen: Vec<Threshold> = fired.iter().map(|e| match e {
            ClockEvent::Warned { permille, .. } => Threshold::Warning { permille: *permille },
            ClockEvent::Breached { .. } => Threshold::Breach,
            ClockEvent::Escalated { level, .. } => Threshold::Escalation { level: *level },
            other => panic!("a tick emitted {other:?}"),
        }).collect();
        prop_assert_eq!(&seen[..], &expected[..seen.len()]);
        prop_assert!(fired.windows(2).all(|w| w[0].at() <= w[1].at()));
        if let Some((_, next)) = clock.state().next_threshold() {
            prop_assert!(next > now, "threshold due at {next} left unfired at {now}");
        }
    }

    #[test]
    fn a_working_day_clock_is_due_when_add_working_days_says(
        cal in any_calendar(SHANGHAI_AMSTERDAM_NEW_YORK),
        days in 1u32..15,
        t0 in any_instant(2025),
    ) {
        let calendars = set(cal.clone());
        let clock = started(SlaPolicy::working_days("C5", days, DESK), t0, &calendars)?;
        prop_assert_eq!(clock.state().due_at(), Some(cal.add_working_days(t0, days).map_err(fail)?));
    }

    #[test]
    fn a_business_clock_started_while_closed_counts_from_the_next_opening(
        cal in any_calendar(SHANGHAI_AMSTERDAM_NEW_YORK),
        policy in business_policy(DESK, 60..8 * 3600),
        t0 in any_instant(2025),
    ) {
        let calendars = set(cal.clone());
        let clock = started(policy, t0, &calendars)?;
        let (_, counting_from) = clock.state().started().ok_or_else(|| fail("not started"))?;
        prop_assert_eq!(counting_from, cal.next_open(t0).map_err(fail)?);
        prop_assert_eq!(clock.state().elapsed(counting_from, &calendars).map_err(fail)?, TimeDelta::zero());
    }
}

#[test]
fn random_clock_histories_obey_the_machine_laws_and_replay() {
    let mut runner_calendars = proptest::test_runner::TestRunner::deterministic();
    for _ in 0..4 {
        let cal =
            any_calendar(SHANGHAI_AMSTERDAM_NEW_YORK).new_tree(&mut runner_calendars).expect("calendar").current();
        let calendars = set(cal);
        let laws = Laws::<Clock>::new(&calendars)
            .tick(|| ClockCommand::Tick)
            .start("2025-06-02T08:00:00Z".parse().expect("instant"))
            .max_step(TimeDelta::hours(30))
            .cases(64)
            .invariant(|state| {
                // A counting clock always knows its due instant; a finished one never counts.
                match state.kind() {
                    ClockKind::Running | ClockKind::Overdue if state.due_at().is_none() => {
                        Err("counting without a due instant".into())
                    }
                    ClockKind::Met | ClockKind::Cancelled | ClockKind::Paused if state.next_threshold().is_some() => {
                        Err("a threshold scheduled while not counting".into())
                    }
                    _ => Ok(()),
                }
            });
        if let Err(failure) = laws.run(any_clock_command(DESK)) {
            panic!("{failure}");
        }
    }
}
