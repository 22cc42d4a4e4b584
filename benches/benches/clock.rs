//! SLA clock benchmarks, each next to its baselines in the same group (see `benches/README.md`):
//!
//! * `clock/status/<policy>`: `ClockState::status(now)` on a clock in its warning period;
//! * `clock/due_at/<policy>`: `ClockState::due_at()`;
//! * `clock/tick/<policy>`: `decide` + `evolve` of a `Tick` at the due instant (it records the breach and the first
//!   escalation), on a fresh copy of the state each iteration (the copy is not timed).
//!
//! `<policy>` is `elapsed` (24 wall-clock hours, rule B5) or `business` (1 business hour on the Shanghai desk, rule
//! B6), both started on Friday 30 October 2026 at 17:30 Shanghai time. Baselines: `compare_instants`, the floor of
//! any status check (`now >= due` on two `DateTime<Utc>`), and, for the business policy, `recompute_with_calendar`:
//! what a naive implementation does on every query, `Calendar::add(start, 1h)` from scratch, then the comparison.

use std::hint::black_box;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use criterion::{BatchSize, Criterion, criterion_main};
use kefu::calendar::{Calendar, CalendarSet};
use kefu::machine::{Context, Instance, Machine, Principal, decide};
use kefu::sla::{Clock, ClockCommand, ClockEvent, ClockState, ClockStatus, SlaPolicy};
use kefu_benches::{shanghai, shanghai_at};

/// One benchmarked clock: its state after the start (and the warning), the instants measured, and its calendar.
struct Case {
    label: &'static str,
    calendars: CalendarSet,
    calendar: Option<Calendar>,
    started: DateTime<Utc>,
    target: TimeDelta,
    /// A running clock, warning already recorded: the state `status`, `due_at` and the tick start from.
    state: ClockState,
    /// In the warning period, before the due instant.
    status_at: DateTime<Utc>,
    due: DateTime<Utc>,
}

fn case(label: &'static str, policy: SlaPolicy, warned_at: DateTime<Utc>, status_at: DateTime<Utc>) -> Case {
    let desk = shanghai();
    let calendars: CalendarSet = [("service-desk", desk.clone())].into_iter().collect();
    let system = Principal::system();
    let started = shanghai_at(2026, 10, 30, 17, 30);
    let target = match policy.target() {
        kefu::sla::Target::Elapsed(d) | kefu::sla::Target::Business { duration: d, .. } => *d,
        kefu::sla::Target::WorkingDays { .. } => unreachable!("not benchmarked"),
    };
    let calendar = policy.target().calendar().map(|_| desk);
    let mut clock = Instance::<Clock>::new();
    clock.execute(&ClockCommand::Start(policy), &Context::new(started, &system, &calendars)).unwrap();
    let warned = clock.execute(&ClockCommand::Tick, &Context::new(warned_at, &system, &calendars)).unwrap();
    assert!(matches!(warned.as_slice(), [ClockEvent::Warned { .. }]), "{label}: {warned:?}");
    let due = clock.state().due_at().unwrap();
    assert!(matches!(clock.state().status(status_at), ClockStatus::Warning { .. }), "{label}: in the warning period");
    Case { label, calendars, calendar, started, target, state: clock.into_parts().0, status_at, due }
}

fn cases() -> Vec<Case> {
    let elapsed = SlaPolicy::elapsed("B5 first contact", TimeDelta::hours(24))
        .with_warning(0.5)
        .unwrap()
        .with_escalation("supervisor", TimeDelta::zero())
        .unwrap();
    let business = SlaPolicy::business("B6 handle", TimeDelta::hours(1), "service-desk")
        .with_warning(0.75)
        .unwrap()
        .with_escalation("department_head", TimeDelta::zero())
        .unwrap()
        .with_escalation("leadership", TimeDelta::hours(1))
        .unwrap();
    let cases = vec![
        case("elapsed", elapsed, shanghai_at(2026, 10, 31, 5, 30), shanghai_at(2026, 10, 31, 13, 30)),
        case("business", business, shanghai_at(2026, 11, 2, 9, 15), shanghai_at(2026, 11, 2, 9, 20)),
    ];
    assert_eq!(cases[0].due, shanghai_at(2026, 10, 31, 17, 30));
    assert_eq!(cases[1].due, shanghai_at(2026, 11, 2, 9, 30));
    // The naive baseline computes the same due instant.
    assert_eq!(cases[1].calendar.as_ref().unwrap().add(cases[1].started, cases[1].target).unwrap(), cases[1].due);
    cases
}

/// The baselines every group has: the comparison floor, and the naive recomputation on the calendar.
fn baselines(group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>, case: &Case) {
    group.bench_function("compare_instants", |b| b.iter(|| black_box(case.status_at) >= black_box(case.due)));
    if let Some(calendar) = &case.calendar {
        group.bench_function("recompute_with_calendar", |b| {
            b.iter(|| {
                let due = calendar.add(black_box(case.started), black_box(case.target)).unwrap();
                black_box(case.status_at) >= due
            })
        });
    }
}

fn status(c: &mut Criterion) {
    for case in cases() {
        let mut group = c.benchmark_group(format!("clock/status/{}", case.label));
        group.bench_function("kefu", |b| b.iter(|| black_box(&case.state).status(black_box(case.status_at))));
        baselines(&mut group, &case);
        group.finish();
    }
}

fn due_at(c: &mut Criterion) {
    for case in cases() {
        let mut group = c.benchmark_group(format!("clock/due_at/{}", case.label));
        group.bench_function("kefu", |b| b.iter(|| black_box(&case.state).due_at()));
        baselines(&mut group, &case);
        group.finish();
    }
}

fn tick(c: &mut Criterion) {
    let system = Principal::system();
    for case in cases() {
        let ctx = Context::new(case.due, &system, &case.calendars);
        let events = decide::<Clock>(&case.state, &ClockCommand::Tick, &ctx).unwrap();
        assert!(matches!(events.as_slice(), [ClockEvent::Breached { .. }, ClockEvent::Escalated { level: 1, .. }]));
        let mut group = c.benchmark_group(format!("clock/tick/{}", case.label));
        group.bench_function("kefu", |b| {
            b.iter_batched_ref(
                || case.state.clone(),
                |state| {
                    let events = decide::<Clock>(state, black_box(&ClockCommand::Tick), black_box(&ctx)).unwrap();
                    for event in &events {
                        Clock::evolve(state, event);
                    }
                    events
                },
                BatchSize::SmallInput,
            )
        });
        baselines(&mut group, &case);
        group.finish();
    }
}

fn config() -> Criterion {
    // Short runs on a noisy, shared machine; command-line flags (`--measurement-time` …) still override these.
    Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3))
}

// `criterion_group!` generates an undocumented `pub fn benches`; keep the lint everywhere else.
#[allow(missing_docs)]
mod group {
    use super::{config, due_at, status, tick};
    use criterion::criterion_group;

    criterion_group! {
        name = benches;
        config = config();
        targets = status, due_at, tick
    }
}
criterion_main!(group::benches);
