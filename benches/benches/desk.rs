//! The desk end to end (every rule chain at once): a synthetic distributor's ERP facts and its department's work
//! driven through the desk in simulated time (`kefu::simulation`), on the memory store and on SQLite, next to the
//! lifecycle machine alone running a quarter of ERP facts (the `lifecycle` benchmark's fixture) in the same run.
//!
//! Throughput is counted in ERP facts, so that the ratio of facts per second — desk over machine alone — is the
//! price of the wiring: the reactions between machines, the desk's query view, the store, the callbacks, cases,
//! clocks and approvals the facts set off. The setup prints how many events each run records (events per second
//! are those over the time).

use std::hint::black_box;
use std::time::Duration;

use chrono::NaiveDate;
use criterion::{BatchSize, Criterion, Throughput, criterion_main};
use kefu::calendar::Calendar;
use kefu::desk::{Compiled, Desk, DeskConfig, Person};
use kefu::simulation::{Run, Scenario, simulate};
use kefu::store::{MemoryStore, Position, Store};
use kefu_benches::quarter::LifecycleQuarter;
use kefu_benches::shanghai;
use kefu_sqlite::{Options, SqliteStore, Synchronous};

/// Customers and days of the desk's scenario: small enough for ten samples on each store in a minute or two.
const CUSTOMERS: usize = 100;
const DAYS: u32 = 30;
/// Customers of the lifecycle baseline.
const LIFECYCLE_CUSTOMERS: usize = 10_000;

/// Five specialists on the Shanghai sample calendar, a supervisor, a department head and leadership.
fn department() -> Compiled {
    let mut config = DeskConfig::new("鸿枫化工", chrono_tz::Asia::Shanghai).unwrap();
    let office: Calendar = shanghai();
    config.calendars = ["office", "service-desk"].into_iter().map(|n| (n, office.clone())).collect();
    let mut people = vec![
        ("zhang.wei", vec!["service_supervisor", "supervisor"]),
        ("zhou.ming", vec!["department_head"]),
        ("qian.jun", vec!["marketing_director", "leadership"]),
        ("zheng.hua", vec!["finance_supervisor"]),
        ("feng.tao", vec!["general_manager", "leadership"]),
    ];
    people.extend(["li.na", "wang.fang", "liu.yang", "chen.jing", "zhao.lei"].map(|id| (id, vec!["specialist"])));
    for (id, roles) in people {
        let mut person = roles.iter().fold(Person::new(id, id), |p, r| p.with_role(*r));
        person.calendar = Some("office".into());
        if person.is_specialist() {
            person.daily_capacity = Some(40);
        }
        config.people.push(person);
    }
    config.compile().unwrap()
}

fn scenario() -> Scenario {
    Scenario { customers: CUSTOMERS, days: DAYS, start: NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(), seed: 2026 }
}

/// One simulation on `store`; on SQLite each simulated day is one commit, as `kefu simulate` does.
fn play<S: Store>(store: &S, setup: &Compiled, day: &dyn Fn(&S)) -> Run {
    let desk = Desk::new(store, setup.clone());
    simulate(&desk, &scenario(), &mut |_| day(store)).unwrap()
}

fn events<S: Store>(store: &S) -> usize {
    store.read(Position::START, usize::MAX).unwrap().len()
}

fn fresh_sqlite() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let options = Options::default().synchronous(Synchronous::Normal);
    let store = SqliteStore::open_with(dir.path().join("desk.db"), &options).unwrap();
    store.begin_group().unwrap();
    (dir, store)
}

fn next_day(store: &SqliteStore) {
    store.commit_group().unwrap();
    store.begin_group().unwrap();
}

fn desk(c: &mut Criterion) {
    let setup = department();
    let store = MemoryStore::new();
    let run = play(&store, &setup, &|_| {});
    println!("desk/simulation: {CUSTOMERS} customers, {DAYS} days, {} ERP facts, {} events", run.facts, events(&store));
    let quarter = LifecycleQuarter::new(LIFECYCLE_CUSTOMERS);
    let (lifecycle_events, _) = quarter.run();
    println!(
        "desk/lifecycle_alone: {LIFECYCLE_CUSTOMERS} customers, {} ERP facts, {lifecycle_events} events",
        quarter.facts()
    );

    let mut group = c.benchmark_group("desk/erp_facts");
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(run.facts));
    group.bench_function("desk_memory", |b| b.iter(|| play(&MemoryStore::new(), black_box(&setup), &|_| {})));
    group.bench_function("desk_sqlite", |b| {
        b.iter_batched(
            fresh_sqlite,
            |(dir, store)| {
                let run = play(&store, black_box(&setup), &next_day);
                store.commit_group().unwrap();
                (dir, run)
            },
            BatchSize::PerIteration,
        );
    });
    group.throughput(Throughput::Elements(quarter.facts() as u64));
    group.bench_function("lifecycle_alone", |b| b.iter(|| black_box(&quarter).run()));
    group.finish();
}

#[allow(missing_docs)]
mod group {
    use criterion::criterion_group;

    criterion_group!(benches, super::desk);
}

criterion_main!(group::benches);
