//! Report benchmark (rules B7, B10, O5): a month's report over a log of one million events, and an incremental
//! update of 1 000 new events, each next to baselines in the same group.
//!
//! The log: a simulated quarter of a distributor (`kefu::simulation`, 1 July – 30 September 2026, Shanghai) run
//! once through a desk on the in-memory store, then replicated — every instance and customer id suffixed per
//! replica, events interleaved in time order and renumbered — until it holds one million events: the log of a
//! department that many times larger.
//!
//! * `report/month/1M_events`: `kefu_rebuild` folds the whole log into a fresh `Projection` and reads August's
//!   `Report`; `kefu_over` only reads the report from the built projection. Baselines: `decode_and_count` decodes
//!   every event the projection reads into its typed machine event and counts them (the floor of any typed fold),
//!   `count_by_machine` only counts events by machine name (no decoding).
//! * `report/incremental/1000_events`: `kefu_apply` applies the next 1 000 events (a fresh replica's, with new
//!   positions) to the projection of the whole log; `kefu_apply_over` applies them and reads August's report.
//!   Baseline: `decode_and_count` of the same 1 000 events.

use std::cell::Cell;
use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput, criterion_main};
use kefu::approval::Approval;
use kefu::callback::Callback;
use kefu::case::Case;
use kefu::desk::{Desk, DeskConfig, Person};
use kefu::lifecycle::Lifecycle;
use kefu::machine::Machine;
use kefu::report::{Period, Projection};
use kefu::simulation::{Scenario, simulate};
use kefu::sla::Clock;
use kefu::store::{MemoryStore, Position, RecordedEvent, Store, decode_event};
use serde_json::Value;

const EVENTS: usize = 1_000_000;
const CHUNK: usize = 1_000;

fn config() -> DeskConfig {
    let mut config = DeskConfig::new("鸿枫化工", chrono_tz::Asia::Shanghai).expect("the shipped scripts");
    let office = kefu_benches::shanghai();
    config.calendars = [("office", office.clone()), ("service-desk", office)].into_iter().collect();
    let people: [(&str, &[&str]); 9] = [
        ("zhang.wei", &["service_supervisor", "supervisor"]),
        ("li.na", &["specialist"]),
        ("wang.fang", &["specialist"]),
        ("chen.jing", &["specialist"]),
        ("liu.yang", &["specialist"]),
        ("zhou.ming", &["department_head"]),
        ("sun.li", &["marketing_director", "leadership"]),
        ("qian.hua", &["finance_supervisor"]),
        ("zhao.gang", &["general_manager", "leadership"]),
    ];
    for (id, roles) in people {
        let person = roles.iter().fold(Person::new(id, id), |p, r| p.with_role(*r));
        config.people.push(if person.is_specialist() { person.with_calendar("office") } else { person });
    }
    config.departments.push(kefu::desk::Department::new("logistics", "物流部").with_head("zhou.ming"));
    config
}

/// Suffixes every customer and callback id inside a payload, so that a replica's entities are its own.
fn suffix_ids(value: &mut Value, suffix: &str) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match (key.as_str(), &mut *v) {
                    ("customer" | "callback", Value::String(s)) => s.push_str(suffix),
                    _ => suffix_ids(v, suffix),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| suffix_ids(v, suffix)),
        _ => {}
    }
}

/// Replica `r` of `event`, at `position`.
fn replica(event: &RecordedEvent, r: usize, position: u64) -> RecordedEvent {
    let suffix = format!("~{r}");
    let mut payload: Value = serde_json::from_str(&event.payload).expect("JSON");
    suffix_ids(&mut payload, &suffix);
    RecordedEvent {
        position: Position(position),
        instance: format!("{}{suffix}", event.instance),
        payload: payload.to_string(),
        ..event.clone()
    }
}

/// Decodes every event a report reads into its typed event; counts them.
fn decode_and_count(events: &[RecordedEvent]) -> [usize; 5] {
    let mut counts = [0; 5];
    for e in events {
        let i = match e.machine.as_str() {
            Callback::NAME => decode_event::<Callback>(e).map(|_| 0),
            Case::NAME => decode_event::<Case>(e).map(|_| 1),
            Lifecycle::NAME => decode_event::<Lifecycle>(e).map(|_| 2),
            Approval::NAME => decode_event::<Approval>(e).map(|_| 3),
            Clock::NAME => decode_event::<Clock>(e).map(|_| 4),
            _ => continue,
        };
        if let Ok(i) = i {
            counts[i] += 1;
        }
    }
    counts
}

fn count_by_machine(events: &[RecordedEvent]) -> usize {
    events
        .iter()
        .filter(|e| matches!(e.machine.as_str(), "callback" | "case" | "customer_lifecycle" | "approval" | "sla_clock"))
        .count()
}

fn report(c: &mut Criterion) {
    let config = config();
    let desk = Desk::new(MemoryStore::new(), config.compile().expect("the configuration is whole"));
    let scenario = Scenario { customers: 300, days: 92, seed: 2026, ..Scenario::default() };
    simulate(&desk, &scenario, &mut |_| {}).expect("the simulation runs");
    let base = desk.store().read(Position::START, usize::MAX).expect("the log");
    let replicas = EVENTS.div_ceil(base.len());
    let mut log = Vec::with_capacity(base.len() * replicas);
    for event in &base {
        for r in 0..replicas {
            if log.len() < EVENTS {
                let position = log.len() as u64 + 1;
                log.push(replica(event, r, position));
            }
        }
    }
    let august = Period::month(2026, 8).expect("a month");
    let mut built = Projection::for_desk(&config);
    for e in &log {
        built.apply(e).expect("every event decodes");
    }
    let month = built.over(august).expect("a report");
    println!(
        "report: {} simulated events x {replicas} replicas = {} events; August: {} callbacks due, {} done, {} missed, {} contacts",
        base.len(),
        log.len(),
        month.callbacks.due,
        month.callbacks.done,
        month.callbacks.missed,
        month.kpis.team.contacts
    );

    let mut group = c.benchmark_group("report/month/1M_events");
    group.throughput(Throughput::Elements(log.len() as u64));
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(20));
    group.bench_function("kefu_rebuild", |b| {
        b.iter(|| {
            let mut p = Projection::for_desk(&config);
            for e in black_box(&log) {
                p.apply(e).expect("decodes");
            }
            p.over(august).expect("a report")
        });
    });
    group.bench_function("kefu_over", |b| b.iter(|| black_box(&built).over(august).expect("a report")));
    group.bench_function("decode_and_count", |b| b.iter(|| decode_and_count(black_box(&log))));
    group.bench_function("count_by_machine", |b| b.iter(|| count_by_machine(black_box(&log))));
    group.finish();

    // The next events: a fresh replica's, in windows of 1 000 consecutive events of the simulated log.
    let next_position = Cell::new(log.len() as u64);
    let next_window = Cell::new(0usize);
    let fresh = || {
        let start = (next_window.get() * CHUNK) % base.len().saturating_sub(CHUNK).max(1);
        next_window.set(next_window.get() + 1);
        let r = replicas + next_window.get();
        base[start..(start + CHUNK).min(base.len())]
            .iter()
            .map(|e| {
                next_position.set(next_position.get() + 1);
                replica(e, r, next_position.get())
            })
            .collect::<Vec<_>>()
    };
    let sample = fresh();
    let mut group = c.benchmark_group("report/incremental/1000_events");
    group.throughput(Throughput::Elements(CHUNK as u64));
    group.sample_size(50).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(5));
    let mut live = built.clone();
    group.bench_function("kefu_apply", |b| {
        b.iter_batched(
            fresh,
            |chunk| {
                for e in &chunk {
                    live.apply(e).expect("decodes");
                }
            },
            BatchSize::SmallInput,
        );
    });
    let mut live = built.clone();
    group.bench_function("kefu_apply_over", |b| {
        b.iter_batched(
            fresh,
            |chunk| {
                for e in &chunk {
                    live.apply(e).expect("decodes");
                }
                live.over(august).expect("a report")
            },
            BatchSize::SmallInput,
        );
    });
    group.bench_function("decode_and_count", |b| b.iter(|| decode_and_count(black_box(&sample))));
    group.finish();
}

#[allow(missing_docs)]
mod group {
    use criterion::criterion_group;

    criterion_group!(benches, super::report);
}

criterion_main!(group::benches);
