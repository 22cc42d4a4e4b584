//! Four worker *processes* tick one desk on one PostgreSQL schema, concurrently, over a seeded quarter (rules F1,
//! F2, B5, B6, B10, C3): afterwards every reaction was applied exactly once — no callback, case or notice doubled,
//! none missing — and the log holds, instance by instance, the same events as the quarter played by one process on
//! the in-memory store.
//!
//! The workers are this test binary itself, run again with `KEFU_PG_DESK_WORKER_SCHEMA` set: the `desk_worker` test
//! below is their entry point (it does nothing in a normal run). The parent plays the ERP and the people; at every
//! beat it tells all four workers to tick at that instant and waits until each has. `KEFU_DESK_SEEDS` picks the
//! quarter (the first seed).

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use chrono::{DateTime, Utc};
use kefu::desk::{Desk, DeskError};
use kefu::store::{MemoryStore, Position, RecordedEvent, Store};
use kefu::testing::desk::{check_laws, check_reapply, quarter_end, run_quarter, sample_config, seeded_plan, seeds};
use kefu_postgres::{Options, PgStore};

const WORKER_SCHEMA: &str = "KEFU_PG_DESK_WORKER_SCHEMA";

/// A worker process's entry point: reads `tick <instant>` lines, ticks the desk at each and answers `KEFU TICKED`;
/// stops at the end of its input.
#[test]
fn desk_worker() {
    let Ok(schema) = std::env::var(WORKER_SCHEMA) else { return };
    let url = std::env::var("KEFU_PG_URL").expect("the parent passes KEFU_PG_URL");
    let store = PgStore::connect_with(&url, &Options::default().schema(schema).pool_size(2)).expect("connect");
    let desk = Desk::new(store, sample_config());
    let mut out = std::io::stdout().lock();
    for line in std::io::stdin().lock().lines() {
        let line = line.expect("read a command");
        let at: DateTime<Utc> = line.strip_prefix("tick ").and_then(|t| t.parse().ok()).expect("tick <instant>");
        let report = desk.tick(at).unwrap_or_else(|e| panic!("tick at {at}: {e}"));
        assert!(report.stuck.is_empty(), "stuck at {at}: {:?}", report.stuck);
        writeln!(out, "KEFU TICKED {} {}", report.fired, report.steps).and_then(|()| out.flush()).expect("stdout");
    }
}

/// A worker process and its pipes.
struct Worker {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

fn spawn_worker(fixture: &common::Fixture) -> Worker {
    let exe = std::env::current_exe().expect("the test binary");
    let mut child = Command::new(exe)
        .args(["desk_worker", "--exact", "--nocapture", "--test-threads=1"])
        .env(WORKER_SCHEMA, fixture.schema())
        .env("KEFU_PG_URL", &fixture.url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn a worker process");
    let stdin = child.stdin.take();
    let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
    Worker { child, stdin, stdout }
}

impl Worker {
    fn send(&mut self, at: DateTime<Utc>) {
        let stdin = self.stdin.as_mut().expect("the worker's input is open");
        writeln!(stdin, "tick {}", at.to_rfc3339()).and_then(|()| stdin.flush()).expect("a worker died");
    }

    /// Waits for the worker's answer: how many deadlines it fired and how many reaction steps it appended.
    fn ticked(&mut self) -> (usize, usize) {
        let mut line = String::new();
        loop {
            line.clear();
            let n = self.stdout.read_line(&mut line).expect("read a worker's output");
            assert!(n > 0, "a worker died (see its output above)");
            // The harness prints `test desk_worker ... ` on the first line.
            if let Some(rest) = line.split("KEFU TICKED ").nth(1) {
                let mut words = rest.split_whitespace().map(|w| w.parse::<usize>().expect("a count"));
                return (words.next().unwrap_or(0), words.next().unwrap_or(0));
            }
        }
    }
}

/// Each instance's event types, sorted (so that the order in which concurrent workers applied reactions to one
/// instance does not matter, but a doubled or missing event does).
fn event_types(log: &[RecordedEvent]) -> BTreeMap<String, Vec<String>> {
    let mut per_instance: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in log {
        // Every desk event is an internally tagged enum: its `type` is its kind.
        let kind = e.payload.split("\"type\":\"").nth(1).and_then(|r| r.split('"').next()).unwrap_or("?").to_owned();
        per_instance.entry(e.instance.clone()).or_default().push(kind);
    }
    for kinds in per_instance.values_mut() {
        kinds.sort();
    }
    per_instance
}

#[test]
fn four_worker_processes_tick_one_desk_and_apply_each_reaction_exactly_once() {
    if std::env::var_os(WORKER_SCHEMA).is_some() {
        return; // inside a worker
    }
    let Some(fixture) = common::fixture_named("kefu_desk_workers", Options::default().pool_size(2)) else { return };
    let seed = seeds().first().copied().unwrap_or_default();
    let plan = seeded_plan(seed);

    // The reference: the same quarter on one process and the in-memory store.
    let reference = Desk::new(MemoryStore::new(), sample_config());
    run_quarter(&reference, &plan, &mut |at| reference.tick(at).map(drop)).expect("the reference quarter");
    let expected = event_types(&reference.store().read(Position::START, usize::MAX).expect("read"));

    // The ERP and the people on this process; the ticks on four others, all at once.
    let erp = Desk::new(&*fixture, sample_config());
    let mut workers: Vec<Worker> = (0..4).map(|_| spawn_worker(&fixture)).collect();
    let mut work = vec![(0usize, 0usize); workers.len()];
    let mut tick = |at: DateTime<Utc>| -> Result<(), DeskError> {
        for w in &mut workers {
            w.send(at);
        }
        for (w, done) in workers.iter_mut().zip(&mut work) {
            let (fired, steps) = w.ticked();
            done.0 += fired;
            done.1 += steps;
        }
        Ok(())
    };
    run_quarter(&erp, &plan, &mut tick).expect("the quarter");
    for mut w in workers {
        drop(w.stdin.take()); // end of input: the worker stops
        let status = w.child.wait().expect("wait for a worker");
        assert!(status.success(), "a worker failed (see its output above)");
    }
    eprintln!("seed {seed}: (deadlines fired, reaction steps appended) per worker: {work:?}");
    assert!(work.iter().filter(|(fired, steps)| fired + steps > 0).count() > 1, "the work was shared: {work:?}");

    let tally = check_laws(&*fixture).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    assert!(tally.callbacks > 0 && tally.given > 0, "seed {seed}: the quarter did nothing: {tally:?}");
    check_reapply(&erp, quarter_end()).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    let got = event_types(&fixture.read(Position::START, usize::MAX).expect("read"));
    let differ: Vec<_> = expected
        .keys()
        .chain(got.keys())
        .filter(|id| expected.get(*id) != got.get(*id))
        .map(|id| (id, expected.get(id), got.get(id)))
        .take(5)
        .collect();
    assert!(
        differ.is_empty(),
        "seed {seed}: instances whose events differ from one process's (reference, got): {differ:#?}"
    );
}
