//! The crash test of kefu's stores (issue 5, §4 "Proof that nothing is lost").
//!
//! Writer and subscriber *processes* work on one store (a SQLite file or a PostgreSQL schema) and are killed with
//! SIGKILL at random moments, round after round. Then the log is checked:
//!
//! 1. every command a writer acknowledged (it prints the command's id and resulting version, and flushes, only after
//!    [`Runner::execute`] returned) is in the log, at that version, with the events the command decides; and every
//!    command, retried with the same idempotency key after a kill, was applied exactly once;
//! 2. each instance's versions are dense (`1..=n`, no gap, no duplicate) and log positions strictly increase;
//! 3. every armed deadline fired exactly once (writers interleave `execute` and [`Runner::tick`]; a clean tick at
//!    the end fires what is left);
//! 4. the outbox delivered every event at least once to a subscriber that is killed too (it saves its cursor after
//!    printing what it processed), and, de-duplicated by position, exactly once, with the right content.
//!
//! The workload: `LANES` writers, each with its own instances. Command `s` of lane `w` goes to instance
//! `r{w}-{s / BLOCK}` with idempotency key `k{w}-{s}` at logical time `t(s)`: the second command of each instance
//! arms its one deadline at `t(s + 2)`, the others add `s + 1`. After each command the writer ticks at `t(s)`, so
//! deadlines fire between (and race with) the adds on their instance.
//!
//! The processes are the test binary itself, re-run with [`ROLE`] set; see `tests/crash.rs`.

pub mod desk;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use kefu::machine::{Context, Principal};
use kefu::store::conformance::{Reminder, ReminderCommand, ReminderEvent};
use kefu::store::{Position, RecordedEvent, Runner, Store, decode_event};
use kefu_postgres::{Options as PgOptions, PgStore};
use kefu_sqlite::SqliteStore;

/// The environment variable that makes the test binary a child process: `writer <lane> <from> <to>`,
/// `subscriber`, or `desk-worker` ([`desk`]).
pub const ROLE: &str = "KEFU_CRASH_ROLE";
/// The environment variable naming the store of a child: `sqlite:<path>` or `pg:<schema>:<url>`.
pub const BACKEND: &str = "KEFU_CRASH_BACKEND";

/// Writers per round, each on its own instances.
pub const LANES: u64 = 2;
/// Commands per instance.
pub const BLOCK: u64 = 6;
/// The subscriber's name (its cursor).
pub const SUBSCRIBER: &str = "crash-subscriber";
/// Commands a writer is given per round (it is usually killed long before it is done).
pub const PER_ROUND: u64 = 1000;

/// 2026-03-02 09:00 UTC plus `minutes`.
///
/// # Panics
///
/// Never (a fixed valid date).
#[must_use]
pub fn t(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().expect("a valid date") + TimeDelta::minutes(minutes)
}

fn minutes(s: u64) -> i64 {
    i64::try_from(s).expect("a small command number")
}

/// Command `s` of lane `lane`: its instance, the command and its idempotency key.
#[must_use]
pub fn command(lane: u64, s: u64) -> (String, ReminderCommand, String) {
    let instance = format!("r{lane}-{}", s / BLOCK);
    let cmd = if s % BLOCK == 1 { ReminderCommand::Arm(t(minutes(s) + 2)) } else { ReminderCommand::Add(s + 1) };
    (instance, cmd, format!("k{lane}-{s}"))
}

/// The event command `s` of lane `lane` decides.
#[must_use]
pub fn expected_event(lane: u64, s: u64) -> ReminderEvent {
    match command(lane, s).1 {
        ReminderCommand::Arm(at) => ReminderEvent::Armed { at },
        ReminderCommand::Add(amount) => ReminderEvent::Added { amount },
        ReminderCommand::Tick => unreachable!("the workload has no explicit tick"),
    }
}

/// Where the store is.
#[derive(Clone, Debug)]
pub enum Backend {
    /// A SQLite file (default options: WAL, `synchronous = FULL`).
    Sqlite(PathBuf),
    /// A PostgreSQL schema.
    Postgres {
        /// The connection string.
        url: String,
        /// The schema (fresh per run).
        schema: String,
    },
}

impl Backend {
    /// The value of [`BACKEND`] for a child.
    #[must_use]
    pub fn to_env(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("sqlite:{}", path.display()),
            Self::Postgres { url, schema } => format!("pg:{schema}:{url}"),
        }
    }

    /// Parses a value of [`BACKEND`].
    ///
    /// # Panics
    ///
    /// If it is malformed.
    #[must_use]
    pub fn from_env(value: &str) -> Self {
        if let Some(path) = value.strip_prefix("sqlite:") {
            return Self::Sqlite(path.into());
        }
        let rest = value.strip_prefix("pg:").expect("sqlite:<path> or pg:<schema>:<url>");
        let (schema, url) = rest.split_once(':').expect("pg:<schema>:<url>");
        Self::Postgres { url: url.to_owned(), schema: schema.to_owned() }
    }

    /// Opens (and migrates) the store.
    ///
    /// # Panics
    ///
    /// If it cannot.
    #[must_use]
    pub fn open(&self) -> Box<dyn Store> {
        match self {
            Self::Sqlite(path) => Box::new(SqliteStore::open(path).expect("open the SQLite store")),
            Self::Postgres { url, schema } => Box::new(
                PgStore::connect_with(url, &PgOptions::default().schema(schema.clone()).pool_size(1))
                    .expect("connect to PostgreSQL"),
            ),
        }
    }
}

/// A writer: executes commands `from..to` of `lane` in order, printing `KEFU ACK <lane> <s> <version> <duplicate>`
/// after each (flushed), and ticks at the command's logical time after each.
///
/// # Panics
///
/// If a command or a tick fails.
pub fn writer(store: &dyn Store, lane: u64, from: u64, to: u64, out: &mut dyn Write) {
    let runner = Runner::new();
    let who = Principal::system();
    for s in from..to {
        let (instance, cmd, key) = command(lane, s);
        let ctx = Context::new(t(minutes(s)), &who, &());
        let done = runner
            .execute::<Reminder, _>(store, &instance, &cmd, &ctx, Some(&key))
            .unwrap_or_else(|e| panic!("lane {lane} command {s}: {e}"));
        writeln!(out, "KEFU ACK {lane} {s} {} {}", done.commit.to_version, u8::from(done.duplicate)).expect("stdout");
        out.flush().expect("flush stdout");
        let report = runner.tick::<Reminder, _>(store, &ctx, 10).expect("tick");
        assert!(report.failed.is_empty() && report.rejected.is_empty(), "{report:?}");
    }
}

/// A subscriber: reads the outbox from its cursor, prints `KEFU SEEN <position> <instance> <version>` per event
/// (flushed), then saves the cursor. With `drain`, stops when the outbox is empty; otherwise polls until killed.
///
/// # Panics
///
/// If the store fails.
pub fn subscriber(store: &dyn Store, drain: bool, out: &mut dyn Write) {
    loop {
        let cursor = store.cursor(SUBSCRIBER).expect("cursor");
        let page = store.read(cursor, 16).expect("read the outbox");
        let Some(last) = page.last() else {
            if drain {
                return;
            }
            std::thread::sleep(Duration::from_millis(2));
            continue;
        };
        for e in &page {
            writeln!(out, "KEFU SEEN {} {} {}", e.position, e.instance, e.version).expect("stdout");
        }
        out.flush().expect("flush stdout");
        store.save_cursor(SUBSCRIBER, last.position).expect("save the cursor");
    }
}

/// The entry point of a child process, if [`ROLE`] is set: runs the role and returns `true`.
///
/// # Panics
///
/// If the role is malformed or fails.
pub fn child_main() -> bool {
    let Ok(role) = std::env::var(ROLE) else { return false };
    let backend = Backend::from_env(&std::env::var(BACKEND).expect("the parent sets KEFU_CRASH_BACKEND"));
    let store = backend.open();
    let mut out = std::io::stdout().lock();
    writeln!(out, "KEFU READY").and_then(|()| out.flush()).expect("stdout");
    let words: Vec<&str> = role.split_whitespace().collect();
    match words.as_slice() {
        ["writer", lane, from, to] => {
            let n = |w: &str| w.parse::<u64>().expect("a number");
            writer(&*store, n(lane), n(from), n(to), &mut out);
        }
        ["subscriber"] => subscriber(&*store, false, &mut out),
        ["desk-worker"] => {
            drop(out); // the worker prints through its own locks
            desk::desk_worker(&*store);
        }
        _ => panic!("unknown role `{role}`"),
    }
    true
}

/// How a run is configured.
#[derive(Clone, Debug)]
pub struct Config {
    /// Kill rounds.
    pub rounds: u32,
    /// The seed of the kill moments.
    pub seed: u64,
    /// Each process is killed at a moment uniform in `0..=max_kill_ms` after it opened its store (one in eight:
    /// after it was spawned).
    pub max_kill_ms: u64,
}

impl Config {
    /// From the environment: `KEFU_CRASH_ROUNDS` (default `default_rounds`), `KEFU_CRASH_SEED` (default: from the
    /// clock), `KEFU_CRASH_MAX_KILL_MS` (default 250).
    ///
    /// # Panics
    ///
    /// If a variable is set but not a number.
    #[must_use]
    pub fn from_env(default_rounds: u32) -> Self {
        fn var<T: std::str::FromStr>(name: &str) -> Option<T> {
            std::env::var(name).ok().map(|v| v.parse().unwrap_or_else(|_| panic!("{name}=`{v}` is not a number")))
        }
        let seed = var("KEFU_CRASH_SEED").unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64 ^ u64::from(std::process::id()))
        });
        Self {
            rounds: var("KEFU_CRASH_ROUNDS").unwrap_or(default_rounds),
            seed,
            max_kill_ms: var("KEFU_CRASH_MAX_KILL_MS").unwrap_or(250),
        }
    }
}

/// What a run saw.
#[derive(Debug, Default)]
pub struct Summary {
    /// Processes killed with SIGKILL while running (not those that had already finished).
    pub killed: usize,
    /// Writer processes that finished their commands before their kill moment.
    pub finished: usize,
    /// Commands acknowledged (all of them, by the end).
    pub commands: u64,
    /// Of those, acknowledged by the killed-at-random processes (the rest by the clean finish).
    pub acked_in_rounds: u64,
    /// Retried commands whose first attempt had committed before the kill (answered from the key, not re-applied).
    pub recovered_by_key: u64,
    /// Events in the log.
    pub events: usize,
    /// Deadlines fired (one per instance).
    pub fired: usize,
    /// Events the subscriber saw more than once (killed between processing and saving its cursor).
    pub redelivered: usize,
    /// How long the run took.
    pub elapsed: Duration,
}

/// One line of a child's output.
enum Line {
    Ack { lane: u64, s: u64, version: u64, duplicate: bool },
    Seen { position: u64, instance: String, version: u64 },
}

/// The complete lines of `text` (a line cut by the kill is not acknowledged).
fn parse(text: &str) -> Vec<Line> {
    text.split_inclusive('\n')
        .filter(|l| l.ends_with('\n'))
        .filter_map(|l| l.find("KEFU ").map(|i| &l[i + 5..]))
        .filter(|l| !l.starts_with("READY"))
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            let n = |i: usize| w[i].parse::<u64>().unwrap_or_else(|_| panic!("bad line `{l}`"));
            match w[0] {
                "ACK" => Line::Ack { lane: n(1), s: n(2), version: n(3), duplicate: w[4] == "1" },
                "SEEN" => Line::Seen { position: n(1), instance: w[2].to_owned(), version: n(3) },
                _ => panic!("bad line `{l}`"),
            }
        })
        .collect()
}

/// What became of a child.
struct Ended {
    status: std::process::ExitStatus,
    output: String,
    writer: bool,
}

/// Runs a child and SIGKILLs it `delay` after it said `KEFU READY` (its store is open), or after it was spawned if
/// `from_spawn` (a kill while it opens the store). A child that finishes first is not killed.
fn run_child(mut cmd: Command, backend: &Backend, role: &str, delay: Duration, from_spawn: bool) -> Ended {
    cmd.env(ROLE, role).env(BACKEND, backend.to_env()).stdout(Stdio::piped()).stderr(Stdio::inherit());
    let spawned = Instant::now();
    let mut child = cmd.spawn().expect("spawn a child process");
    let mut stdout = child.stdout.take().expect("piped stdout");
    let ready = Arc::new(AtomicBool::new(false));
    let reader = {
        let ready = Arc::clone(&ready);
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let mut buf = [0u8; 4096];
            loop {
                match stdout.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        bytes.extend_from_slice(&buf[..n]);
                        if !ready.load(Ordering::Relaxed) && bytes.windows(11).any(|w| w == b"KEFU READY\n") {
                            ready.store(true, Ordering::Relaxed);
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => panic!("reading a child's output: {e}"),
                }
            }
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let start = if from_spawn {
        spawned
    } else {
        loop {
            if ready.load(Ordering::Relaxed) {
                break Instant::now();
            }
            if child.try_wait().expect("poll a child").is_some() || spawned.elapsed() > Duration::from_secs(60) {
                break Instant::now();
            }
            std::thread::sleep(Duration::from_micros(500));
        }
    };
    if let Some(wait) = (start + delay).checked_duration_since(Instant::now()) {
        std::thread::sleep(wait);
    }
    let _ = child.kill(); // SIGKILL; fails only if it has already been reaped
    let status = child.wait().expect("wait for a child");
    let output = reader.join().expect("the reader thread");
    Ended { status, output, writer: role.starts_with("writer") }
}

/// Everything the parent learnt from the children.
#[derive(Default)]
struct Seen {
    /// `(lane, s)` → the version acknowledged.
    acked: BTreeMap<(u64, u64), u64>,
    /// Position → (instance, version), as delivered.
    delivered: BTreeMap<u64, (String, u64)>,
}

impl Seen {
    fn absorb(&mut self, text: &str, summary: &mut Summary) {
        let mut last_position = 0;
        for line in parse(text) {
            match line {
                Line::Ack { lane, s, version, duplicate } => {
                    let before = self.acked.insert((lane, s), version);
                    assert!(before.is_none_or(|v| v == version), "command {lane}/{s} acknowledged at two versions");
                    summary.recovered_by_key += u64::from(duplicate && before.is_none());
                }
                Line::Seen { position, instance, version } => {
                    assert!(position > last_position, "one subscriber saw positions out of order");
                    last_position = position;
                    let entry = (instance, version);
                    match self.delivered.get(&position) {
                        Some(first) => {
                            assert_eq!(first, &entry, "position {position} delivered with two contents");
                            summary.redelivered += 1;
                        }
                        None => {
                            self.delivered.insert(position, entry);
                        }
                    }
                }
            }
        }
    }
}

/// Runs the crash test against `backend` (created, migrated and empty): `config.rounds` rounds of `LANES` writers
/// and one subscriber killed at random moments, then a clean finish, then the checks. `child` makes a command that
/// re-runs the test binary as a child (see [`child_main`]).
///
/// # Panics
///
/// If a check fails (that is the test).
#[must_use]
pub fn run(name: &str, backend: &Backend, config: &Config, child: &dyn Fn() -> Command) -> Summary {
    let started = Instant::now();
    let mut rng = fastrand::Rng::with_seed(config.seed);
    let mut summary = Summary::default();
    let mut seen = Seen::default();
    let mut next = vec![0u64; LANES as usize];
    for _ in 0..config.rounds {
        let roles: Vec<(String, Duration, bool)> = (0..LANES)
            .map(|lane| {
                let from = next[lane as usize];
                format!("writer {lane} {from} {}", from + PER_ROUND)
            })
            .chain(std::iter::once("subscriber".to_owned()))
            .map(|role| (role, Duration::from_millis(rng.u64(0..=config.max_kill_ms)), rng.u8(0..8) == 0))
            .collect();
        let ended: Vec<Ended> = std::thread::scope(|scope| {
            let handles: Vec<_> = roles
                .iter()
                .map(|(role, delay, from_spawn)| {
                    let cmd = child();
                    scope.spawn(move || run_child(cmd, backend, role, *delay, *from_spawn))
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("a child's thread")).collect()
        });
        for p in ended {
            if p.status.success() {
                assert!(p.writer, "the subscriber only ends when killed");
                summary.finished += 1;
            } else {
                use std::os::unix::process::ExitStatusExt;
                assert_eq!(p.status.signal(), Some(9), "a child failed (see its output above): {}", p.status);
                summary.killed += 1;
            }
            seen.absorb(&p.output, &mut summary);
        }
        for lane in 0..LANES {
            // The acknowledged commands of a lane are a prefix: continue (retrying with the same key) after it.
            let n = &mut next[lane as usize];
            while seen.acked.contains_key(&(lane, *n)) {
                *n += 1;
            }
        }
    }

    summary.acked_in_rounds = seen.acked.len() as u64;

    // A clean finish: the in-flight commands, a tick far in the future, and the subscriber drained.
    let store = backend.open();
    let mut issued = vec![0u64; LANES as usize];
    let mut out = Vec::new();
    for lane in 0..LANES {
        // Retry the command that may have been in flight at the last kill (same key), then finish its instance's
        // block so that every instance of the workload is armed.
        let n = next[lane as usize];
        let end = (n + 1).div_ceil(BLOCK) * BLOCK;
        writer(&*store, lane, n, end, &mut out);
        issued[lane as usize] = end;
    }
    let who = Principal::system();
    let report = Runner::new().tick::<Reminder, _>(&*store, &Context::new(t(1_000_000), &who, &()), usize::MAX);
    let report = report.expect("the final tick");
    assert!(report.failed.is_empty() && report.rejected.is_empty(), "{report:?}");
    subscriber(&*store, true, &mut out);
    seen.absorb(&String::from_utf8(out).expect("utf-8"), &mut summary);

    check(&*store, &seen, &issued, &mut summary);
    summary.elapsed = started.elapsed();
    eprintln!("[{name}] seed {} rounds {}: {summary:?}", config.seed, config.rounds);
    summary
}

fn check(store: &dyn Store, seen: &Seen, issued: &[u64], summary: &mut Summary) {
    let log: Vec<RecordedEvent> = store.read(Position::START, usize::MAX).expect("read the log");
    summary.events = log.len();

    // 2. Positions strictly increase; per instance, versions are 1..=n.
    assert!(log.windows(2).all(|w| w[0].position < w[1].position), "log positions strictly increase");
    let mut per_instance: BTreeMap<&str, Vec<&RecordedEvent>> = BTreeMap::new();
    for e in &log {
        per_instance.entry(&e.instance).or_default().push(e);
    }
    for (instance, events) in &per_instance {
        let versions: Vec<u64> = events.iter().map(|e| e.version).collect();
        let dense: Vec<u64> = (1..=events.len() as u64).collect();
        assert_eq!(versions, dense, "instance {instance}: versions are dense");
        let head = store.load(instance).expect("load").expect("the instance exists");
        assert_eq!(head.version, events.len() as u64, "instance {instance}: head version");
    }

    // 1. Every command acknowledged, at the version it was acknowledged with, with its event; applied once.
    let mut commands_per_instance: BTreeMap<String, u64> = BTreeMap::new();
    for lane in 0..LANES {
        for s in 0..issued[lane as usize] {
            let version =
                *seen.acked.get(&(lane, s)).unwrap_or_else(|| panic!("command {lane}/{s} never acknowledged"));
            let (instance, _, key) = command(lane, s);
            let commit = store.commit_for_key(&key).expect("commit_for_key").expect("the key is recorded");
            assert_eq!((commit.instance.as_str(), commit.to_version), (instance.as_str(), version), "key {key}");
            let event = per_instance[instance.as_str()][usize::try_from(version - 1).expect("small")];
            let decoded = decode_event::<Reminder>(event).expect("decode");
            assert_eq!(decoded, expected_event(lane, s), "command {lane}/{s} at {instance} v{version}");
            *commands_per_instance.entry(instance).or_default() += 1;
        }
    }
    summary.commands = seen.acked.len() as u64;

    // 3. Every armed deadline fired exactly once; and nothing but the commands and the firings is in the log.
    for (instance, events) in &per_instance {
        let decoded: Vec<ReminderEvent> = events.iter().map(|e| decode_event::<Reminder>(e).expect("decode")).collect();
        let armed = decoded.iter().filter(|e| matches!(e, ReminderEvent::Armed { .. })).count();
        let fired = decoded.iter().filter(|e| matches!(e, ReminderEvent::Fired { .. })).count();
        assert_eq!(armed, 1, "instance {instance}: armed once");
        assert_eq!(fired, 1, "instance {instance}: its deadline fired exactly once");
        let commands = commands_per_instance.get(*instance).copied().unwrap_or_default();
        assert_eq!(decoded.len() as u64, commands + 1, "instance {instance}: each command applied exactly once");
        summary.fired += fired;
    }
    assert_eq!(per_instance.len(), commands_per_instance.len(), "no instance outside the workload");

    // 4. The outbox: every event delivered, de-duplicated exactly once, with its content.
    let expected: BTreeMap<u64, (String, u64)> =
        log.iter().map(|e| (e.position.0, (e.instance.clone(), e.version))).collect();
    let missing: Vec<u64> = expected.keys().filter(|p| !seen.delivered.contains_key(p)).copied().collect();
    assert!(missing.is_empty(), "events never delivered to the subscriber: positions {missing:?}");
    assert_eq!(seen.delivered, expected, "the de-duplicated deliveries are the log, exactly once");
    assert_eq!(store.cursor(SUBSCRIBER).expect("cursor"), log.last().map_or(Position::START, |e| e.position));
}
