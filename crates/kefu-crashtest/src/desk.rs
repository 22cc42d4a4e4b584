//! The desk's crash test (issue 9, §2): desk worker *processes* ticking one store are killed with SIGKILL at random
//! moments — among them, on purpose, between a reaction pass's appends and its cursor save — and replaced, while
//! the parent plays a seeded quarter of ERP facts (`kefu::testing::desk`). After the quarter, ticked to its end by
//! workers that were not killed, the desk's laws hold: no obligation lacks its callback, no problem its case, no
//! escalation its notice, nothing is doubled, each board's loads are what the specialists hold, replay rebuilds
//! every instance, and re-applying every reaction appends nothing.
//!
//! The protocol: a worker (role `desk-worker`) reads `tick <instant>` lines and answers `KEFU TICKED` after each
//! tick. Before it saves the desk's reaction cursor it prints `KEFU SAVING` and waits for `go`: the parent either
//! answers or kills it there, with the pass's appends durable and the cursor not saved. Other kills come at a
//! random moment of a tick. A beat is done when every worker ticked it through without being killed (a fresh worker
//! re-ticks the beat after a kill, as a restarted process would on its next beat).

use std::io::{BufRead, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use kefu::desk::{Desk, DeskError, REACTIONS_CURSOR};
use kefu::store::{Append, Appended, Commit, DueInstance, Position, RecordedEvent, Store, StoreError, StoredInstance};
use kefu::testing::desk::{check_laws, check_reapply, quarter_start, run_beats, sample_config, seeded_plan};

use super::{BACKEND, Backend, Config, ROLE};

/// Desk workers ticking each beat at once.
pub const DESK_WORKERS: usize = 2;

/// A store that stops before every save of the desk's reaction cursor: it prints `KEFU SAVING` and waits for a
/// line on standard input, so that the parent can kill the process right there.
struct Trap<S>(S);

impl<S: Store> Store for Trap<S> {
    fn load(&self, instance: &str) -> Result<Option<StoredInstance>, StoreError> {
        self.0.load(instance)
    }
    fn instance_events(&self, instance: &str, after: u64, limit: usize) -> Result<Vec<RecordedEvent>, StoreError> {
        self.0.instance_events(instance, after, limit)
    }
    fn append(&self, append: &Append) -> Result<Appended, StoreError> {
        self.0.append(append)
    }
    fn commit_for_key(&self, key: &str) -> Result<Option<Commit>, StoreError> {
        self.0.commit_for_key(key)
    }
    fn due(&self, machine: &str, now: DateTime<Utc>, limit: usize) -> Result<Vec<DueInstance>, StoreError> {
        self.0.due(machine, now, limit)
    }
    fn fire_due(
        &self,
        machine: &str,
        now: DateTime<Utc>,
        limit: usize,
        fire: &mut dyn FnMut(&StoredInstance) -> Option<Append>,
    ) -> Result<Vec<Commit>, StoreError> {
        self.0.fire_due(machine, now, limit, fire)
    }
    fn read(&self, after: Position, limit: usize) -> Result<Vec<RecordedEvent>, StoreError> {
        self.0.read(after, limit)
    }
    fn cursor(&self, subscriber: &str) -> Result<Position, StoreError> {
        self.0.cursor(subscriber)
    }
    fn save_cursor(&self, subscriber: &str, position: Position) -> Result<(), StoreError> {
        if subscriber == REACTIONS_CURSOR {
            let mut out = std::io::stdout().lock();
            writeln!(out, "KEFU SAVING").and_then(|()| out.flush()).expect("stdout");
            drop(out);
            let mut go = String::new();
            std::io::stdin().read_line(&mut go).expect("stdin");
        }
        self.0.save_cursor(subscriber, position)
    }
}

/// A desk worker process: ticks the desk over `store` at every `tick <instant>` line of standard input and answers
/// `KEFU TICKED <fired> <steps>`; returns at the end of its input.
///
/// # Panics
///
/// If a tick fails (that fails the test) or the input is malformed.
pub fn desk_worker(store: &dyn Store) {
    let desk = Desk::new(Trap(store), sample_config());
    loop {
        let mut line = String::new();
        if std::io::stdin().read_line(&mut line).expect("stdin") == 0 {
            return;
        }
        let at: DateTime<Utc> =
            line.trim().strip_prefix("tick ").and_then(|t| t.parse().ok()).unwrap_or_else(|| panic!("bad `{line}`"));
        let report = desk.tick(at).unwrap_or_else(|e| panic!("tick at {at}: {e}"));
        let mut out = std::io::stdout().lock();
        writeln!(out, "KEFU TICKED {} {}", report.fired, report.steps).and_then(|()| out.flush()).expect("stdout");
    }
}

/// What the desk's crash test saw.
#[derive(Debug, Default)]
pub struct DeskSummary {
    /// Beats played (each ticked through by every worker at the end).
    pub beats: usize,
    /// Workers killed while they waited to save the reaction cursor, their pass's appends made.
    pub killed_before_cursor_save: usize,
    /// Workers killed at a random moment of a tick.
    pub killed_mid_tick: usize,
    /// Ticks repeated because a worker was killed in them.
    pub repeated: usize,
    /// Events in the log at the end.
    pub events: usize,
    /// Callbacks opened, problems raised and escalations, as the laws counted them.
    pub callbacks: usize,
    /// Problems raised by calls.
    pub problems: usize,
    /// Escalations.
    pub escalations: usize,
    /// How long the run took.
    pub elapsed: Duration,
}

/// A running desk worker: its process, its input, and its output lines.
struct Worker {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
}

fn spawn(child: &dyn Fn() -> Command, backend: &Backend) -> Worker {
    let mut cmd = child();
    cmd.env(ROLE, "desk-worker")
        .env(BACKEND, backend.to_env())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    let mut process = cmd.spawn().expect("spawn a desk worker");
    let stdin = process.stdin.take().expect("piped stdin");
    let stdout = std::io::BufReader::new(process.stdout.take().expect("piped stdout"));
    let (send, lines) = channel();
    std::thread::spawn(move || {
        for line in stdout.lines() {
            let Ok(line) = line else { return };
            if let Some(i) = line.find("KEFU ") {
                if send.send(line[i + 5..].to_owned()).is_err() {
                    return;
                }
            }
        }
    });
    Worker { child: process, stdin, lines }
}

impl Worker {
    fn say(&mut self, line: &str) -> bool {
        writeln!(self.stdin, "{line}").and_then(|()| self.stdin.flush()).is_ok()
    }

    fn kill(mut self) {
        let _ = self.child.kill(); // SIGKILL; fails only if it has already been reaped
        let _ = self.child.wait();
    }
}

/// Starts a tick at `at` on `worker`; returns when to kill it at a random moment (one tick in sixteen, within
/// `max_kill_ms` but at most 50 ms), if at all.
fn start_tick(worker: &mut Worker, at: DateTime<Utc>, rng: &mut fastrand::Rng, config: &Config) -> Option<Instant> {
    let kill_at =
        (rng.u8(0..16) == 0).then(|| Instant::now() + Duration::from_millis(rng.u64(0..=config.max_kill_ms.min(50))));
    assert!(worker.say(&format!("tick {}", at.to_rfc3339())), "a desk worker died unasked (see its output above)");
    kill_at
}

/// Follows a started tick to its end: the worker is killed at its cursor save with probability 1/4, or at
/// `kill_at`; otherwise it is answered `go` and ticks through. Returns the worker if it lives.
fn finish_tick(
    mut worker: Worker,
    kill_at: Option<Instant>,
    rng: &mut fastrand::Rng,
    summary: &mut DeskSummary,
) -> Option<Worker> {
    loop {
        let wait = kill_at.map_or(Duration::from_secs(120), |k| k.saturating_duration_since(Instant::now()));
        match worker.lines.recv_timeout(wait) {
            Ok(line) if line.starts_with("READY") => {}
            Ok(line) if line.starts_with("SAVING") => {
                if rng.u8(0..4) == 0 {
                    worker.kill();
                    summary.killed_before_cursor_save += 1;
                    return None;
                }
                assert!(worker.say("go"), "a desk worker died unasked (see its output above)");
            }
            Ok(line) if line.starts_with("TICKED") => return Some(worker),
            Ok(line) => panic!("a desk worker said `{line}`"),
            Err(RecvTimeoutError::Timeout) if kill_at.is_some() => {
                worker.kill();
                summary.killed_mid_tick += 1;
                return None;
            }
            Err(_) => panic!("a desk worker died unasked or hung (see its output above)"),
        }
    }
}

/// Runs the desk's crash test on `backend` (created, migrated and empty): the first `days` days of the quarter
/// `seeded_plan(config.seed)` (91: all of it) with a plain beat a day, its ERP facts and the people's work done by this process, its ticks
/// by [`DESK_WORKERS`] worker processes that are killed and replaced; then the laws. `child` makes a command that
/// re-runs the test binary as a child.
///
/// # Panics
///
/// If a law is broken (that is the test), or a worker fails.
#[must_use]
pub fn run_desk(name: &str, backend: &Backend, config: &Config, days: i64, child: &dyn Fn() -> Command) -> DeskSummary {
    let started = Instant::now();
    let mut rng = fastrand::Rng::with_seed(config.seed);
    let mut summary = DeskSummary::default();
    let store = backend.open();
    let erp = Desk::new(&*store, sample_config());
    let until = quarter_start() + chrono::TimeDelta::days(days);
    // A plain beat a day: the kills come at ticks, and a day's deadlines all fire at its one beat.
    let plan = seeded_plan(config.seed);
    let beats: Vec<_> = plan.beats_every(chrono::TimeDelta::days(1)).into_iter().filter(|b| b.at <= until).collect();
    let end = beats.last().map_or(until, |b| b.at);
    let mut workers: Vec<Option<Worker>> = (0..DESK_WORKERS).map(|_| None).collect();
    let mut tick = |at: DateTime<Utc>| -> Result<(), DeskError> {
        summary.beats += 1;
        loop {
            // Every worker starts ticking the beat at once; then each is followed to its end (or killed), one
            // after the other, the others ticking meanwhile.
            let mut running = Vec::new();
            for slot in &mut workers {
                let mut worker = slot.take().unwrap_or_else(|| spawn(child, backend));
                let kill_at = start_tick(&mut worker, at, &mut rng, config);
                running.push((worker, kill_at));
            }
            let mut clean = true;
            for (slot, (worker, kill_at)) in workers.iter_mut().zip(running) {
                *slot = finish_tick(worker, kill_at, &mut rng, &mut summary);
                clean &= slot.is_some();
            }
            if clean {
                return Ok(());
            }
            summary.repeated += 1;
        }
    };
    run_beats(&erp, &beats, &mut tick).unwrap_or_else(|e| panic!("[{name}] seed {}: the quarter: {e}", config.seed));
    for worker in workers.into_iter().flatten() {
        worker.kill();
    }
    let tally = check_laws(&*store).unwrap_or_else(|e| panic!("[{name}] seed {}: {e}", config.seed));
    assert!(tally.given > 0, "[{name}] seed {}: nothing was ever assigned: {tally:?}", config.seed);
    check_reapply(&erp, end).unwrap_or_else(|e| panic!("[{name}] seed {}: {e}", config.seed));
    summary.events = tally.events;
    summary.callbacks = tally.callbacks;
    summary.problems = tally.problems;
    summary.escalations = tally.escalations;
    summary.elapsed = started.elapsed();
    eprintln!("[{name}] desk crash test, seed {}: {summary:?}", config.seed);
    summary
}
