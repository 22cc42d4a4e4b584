//! Runs the simulated weekend and checks who breached, when, and that replay reproduces every clock.

use kefu::sla::{ClockEvent, ClockKind};
use kefu_example_erp_in_process::{shanghai, simulate};

#[test]
fn rule_b6_handled_on_the_spot_is_met_on_time() {
    let run = simulate().unwrap();
    let events: Vec<_> = run.events_of("T-1001").cloned().collect();
    assert_eq!(run.clocks["T-1001"].kind(), ClockKind::Met);
    assert!(matches!(events.last(), Some(ClockEvent::Met { at, late: false, .. }) if *at == shanghai(10, 30, 17, 50)));
    // Stopped before its first threshold: no warning, no breach.
    assert_eq!(events.len(), 2);
}

#[test]
fn rule_b6_unhandled_ticket_breaches_monday_and_escalates_to_leadership() {
    let run = simulate().unwrap();
    let events: Vec<_> = run.events_of("T-1002").skip(1).cloned().collect();
    assert_eq!(
        events,
        vec![
            // 30 business minutes on Friday evening, the rest on Monday 2 November from 09:00.
            ClockEvent::Warned { at: shanghai(11, 2, 9, 15), permille: 750 },
            ClockEvent::Breached { at: shanghai(11, 2, 9, 30) },
            ClockEvent::Escalated { at: shanghai(11, 2, 9, 30), level: 1, to: "department_head".into() },
            ClockEvent::Escalated { at: shanghai(11, 2, 10, 30), level: 2, to: "leadership".into() },
            // 30 minutes on Friday and 09:00-11:00 on Monday.
            ClockEvent::Met { at: shanghai(11, 2, 11, 0), late: true, consumed: chrono::TimeDelta::minutes(150) },
        ]
    );
    assert_eq!(run.clocks["T-1002"].state().escalations(), 2);
}

#[test]
fn rule_b5_elapsed_clock_counts_the_weekend_and_is_met_saturday() {
    let run = simulate().unwrap();
    let events: Vec<_> = run.events_of("T-1003").skip(1).cloned().collect();
    assert_eq!(events[0], ClockEvent::Warned { at: shanghai(10, 31, 5, 40), permille: 500 });
    assert!(matches!(events[1], ClockEvent::Met { at, late: false, .. } if at == shanghai(10, 31, 10, 0)));
    assert_eq!(events.len(), 2);
}

#[test]
fn only_t1002_breached_and_the_scheduler_woke_at_each_deadline_instant() {
    let run = simulate().unwrap();
    let breached: Vec<_> =
        run.log.iter().filter(|(_, e)| matches!(e, ClockEvent::Breached { .. })).map(|(t, _)| *t).collect();
    assert_eq!(breached, ["T-1002"]);
    // Saturday 05:40, Monday 09:15, 09:30 and 10:30.
    assert_eq!(run.wake_ups, 4);
    let dashboard = run.timeline.iter().find(|l| l.who == "dashboard").unwrap();
    assert_eq!(dashboard.text, "T-1002 warning 75% (due Mon 02 Nov 09:30)");
}

#[test]
fn replaying_the_log_reproduces_every_clock() {
    let run = simulate().unwrap();
    assert!(run.replay_matches());
    assert!(run.report().contains("reproduces every clock"));
}
