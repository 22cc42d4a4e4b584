//! Worker *processes* sharing one PostgreSQL schema fire the same due deadlines: each fires exactly once, and a
//! worker killed with SIGKILL mid-way loses nothing and leaves nothing claimed.
//!
//! The workers are this test binary itself, run again with `KEFU_PG_WORKER_SCHEMA` set: the `worker` test below is
//! their entry point (it does nothing in a normal run). `KEFU_PG_DEADLINES` sets how many deadlines (default 10 000).

mod common;

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{arm, fired_per_instance, t};
use kefu::machine::{Context, Principal};
use kefu::store::conformance::Reminder;
use kefu::store::{Runner, Store};
use kefu_postgres::{Options, PgStore};

const WORKER_SCHEMA: &str = "KEFU_PG_WORKER_SCHEMA";

/// A worker process's entry point: ticks until nothing is due, then prints how many deadlines it fired.
#[test]
fn worker() {
    let Ok(schema) = std::env::var(WORKER_SCHEMA) else { return };
    let url = std::env::var("KEFU_PG_URL").expect("the parent passes KEFU_PG_URL");
    let store = PgStore::connect_with(&url, &Options::default().schema(schema).pool_size(2)).expect("connect");
    let who = Principal::system();
    let ctx = Context::new(t(20), &who, &());
    let mut fired = 0;
    loop {
        let report = Runner::new().tick::<Reminder, _>(&store, &ctx, 50).expect("tick");
        assert!(report.failed.is_empty() && report.rejected.is_empty(), "{report:?}");
        fired += report.fired.len();
        if report.fired.is_empty() && store.due("reminder", t(20), 1).expect("due").is_empty() {
            break;
        }
    }
    println!("KEFU_FIRED {fired}");
}

fn spawn_workers(fixture: &common::Fixture, count: usize) -> Vec<Child> {
    let exe = std::env::current_exe().expect("the test binary");
    (0..count)
        .map(|_| {
            Command::new(&exe)
                .args(["worker", "--exact", "--nocapture", "--test-threads=1"])
                .env(WORKER_SCHEMA, fixture.schema())
                .env("KEFU_PG_URL", &fixture.url)
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("spawn a worker process")
        })
        .collect()
}

/// Waits for a worker; how many deadlines it says it fired (`None` if it was killed).
fn finish(mut child: Child) -> Option<usize> {
    let status = child.wait().expect("wait for a worker");
    let mut out = String::new();
    child.stdout.take().expect("piped stdout").read_to_string(&mut out).expect("read a worker's output");
    if !status.success() {
        return None;
    }
    // The harness prints `test worker ... ` on the same line.
    out.split("KEFU_FIRED ").nth(1).and_then(|rest| rest.split_whitespace().next()).and_then(|n| n.parse().ok())
}

fn deadlines(default: usize) -> usize {
    std::env::var("KEFU_PG_DEADLINES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[test]
fn four_worker_processes_fire_each_deadline_exactly_once() {
    if std::env::var_os(WORKER_SCHEMA).is_some() {
        return; // inside a worker
    }
    let Some(fixture) = common::fixture() else { return };
    let n = deadlines(10_000);
    arm(&fixture, n);
    let started = Instant::now();
    let fired: Vec<usize> = spawn_workers(&fixture, 4)
        .into_iter()
        .map(|c| finish(c).expect("a worker process failed (see its output above)"))
        .collect();
    eprintln!("{n} deadlines fired by 4 worker processes in {:?}: {fired:?} each", started.elapsed());
    assert_eq!(fired.iter().sum::<usize>(), n, "commits reported by the workers");
    let per_instance = fired_per_instance(&fixture);
    assert_eq!(per_instance.len(), n, "every deadline fired");
    assert!(per_instance.values().all(|&c| c == 1), "each exactly once");
}

/// One of three workers is killed with SIGKILL while ticking: its open claim dies with its connection, the others
/// fire the rest, and every deadline still fires exactly once.
#[test]
fn a_worker_process_killed_mid_tick_loses_nothing() {
    if std::env::var_os(WORKER_SCHEMA).is_some() {
        return;
    }
    let Some(fixture) = common::fixture() else { return };
    let n = deadlines(10_000) / 2;
    arm(&fixture, n);
    let mut workers = spawn_workers(&fixture, 3);
    // Kill the first worker once firing is under way (or done).
    let started = Instant::now();
    while fired_per_instance(&fixture).len() < n / 10 && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(20));
    }
    workers[0].kill().expect("SIGKILL a worker");
    let at_kill = fired_per_instance(&fixture).len();
    let results: Vec<Option<usize>> = workers.into_iter().map(finish).collect();
    eprintln!("killed worker 0 with {at_kill} of {n} deadlines fired; the workers reported {results:?}");
    assert!(results[0].is_none() && at_kill < n, "the worker was killed while deadlines were still due");
    assert!(results[1..].iter().all(Option::is_some), "the surviving workers finish: {results:?}");
    // A survivor may have stopped while the killed worker's claim was still held: tick once more, as a worker's
    // next beat would.
    let who = Principal::system();
    Runner::new().tick::<Reminder, _>(&*fixture, &Context::new(t(20), &who, &()), usize::MAX).expect("tick");
    let per_instance = fired_per_instance(&fixture);
    assert_eq!(per_instance.len(), n, "every deadline fired");
    assert!(per_instance.values().all(|&c| c == 1), "each exactly once");
}
