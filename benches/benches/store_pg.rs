//! PostgreSQL store benchmarks (see `benches/README.md`), each next to a raw SQL baseline in the same run. A plain
//! binary printing medians (`harness = false`, no criterion): criterion times one closure per iteration, which does
//! not fit the throughput of several worker threads draining a queue together.
//!
//! * `store_pg/tick/<k>_workers`: `DEADLINES` reminders armed with a due deadline; `k` threads, each with its own
//!   `PgStore` (as separate worker processes would have), call `Runner::tick(…, TICK_LIMIT)` until nothing is due.
//!   Deadlines fired per second, median of `ROUNDS`. `raw`: `k` threads, each with its own connection, run
//!   transactions of `DELETE … WHERE id IN (SELECT … ORDER BY due LIMIT TICK_LIMIT FOR UPDATE SKIP LOCKED)
//!   RETURNING id` plus one `INSERT` of an event row (same size as kefu's `Fired`) per deleted row, on tables of
//!   their own in the same schema, until the claim returns nothing.
//! * `store_pg/due/<size>`: a store of `<size>` reminders (`DUE_NOW` of them due), filled in bulk with
//!   `INSERT … SELECT generate_series` through `PgStore::with_client`. `open_and_find`: `PgStore::connect_with`
//!   (connection, `search_path`, migration check) plus `due(…, 100)`, next to `raw`: a new connection and kefu's own
//!   due query (`SELECT … ORDER BY due_s, due_ns, id LIMIT 100`) on the same table. `find`: `due(…, 100)` on an
//!   open store, next to the same query prepared on an open connection.
//!
//! Both sides use the server's `synchronous_commit` (on by default). The database is `KEFU_PG_URL` or
//! `postgres://postgres@127.0.0.1:5432/test`; everything happens in a fresh schema `kefu_bench_<pid>_<nanos>`,
//! dropped at the end. Sizes: `KEFU_BENCH_DEADLINES` (default 4 000 per round), `KEFU_BENCH_DUE_SIZE` (default
//! 1 000 000). If the database is unreachable, the benchmark says so and exits successfully.

use std::hint::black_box;
use std::sync::Barrier;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use kefu::machine::{Context, Principal};
use kefu::store::conformance::{Reminder, ReminderCommand};
use kefu::store::{Runner, Store};
use kefu_postgres::{Options, PgStore};
use postgres::{Client, NoTls};

const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/test";
/// Deadlines claimed per transaction, by `tick` and by the raw baseline.
const TICK_LIMIT: usize = 50;
/// Rounds per tick configuration; the median is reported.
const ROUNDS: usize = 5;
/// How many instances of the due store are due.
const DUE_NOW: i64 = 1_000;
/// Repetitions of `open_and_find` and of `find`.
const OPENS: usize = 30;
const FINDS: usize = 300;

fn t(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap() + TimeDelta::minutes(minutes)
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.replace('_', "").parse().ok()).unwrap_or(default)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
}

fn connect(url: &str, schema: &str) -> Client {
    let mut client = Client::connect(url, NoTls).unwrap();
    client.batch_execute(&format!("SET search_path TO \"{schema}\"")).unwrap();
    client
}

/// The benchmark's schema, dropped when the run ends (also on a panic).
struct Schema {
    url: String,
    name: String,
}

impl Drop for Schema {
    fn drop(&mut self) {
        let dropped = Client::connect(&self.url, NoTls)
            .and_then(|mut client| client.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{}\" CASCADE", self.name)));
        if let Err(e) = dropped {
            eprintln!("store_pg: could not drop schema {}: {e}", self.name);
        }
    }
}

/// What `Runner::execute(Arm(t(10)))` at `t(0)` stores for one reminder: the instance row and its one event.
struct Template {
    snapshot: String,
    snapshot_schema: i32,
    event_schema: i32,
    payload: String,
    /// The deadline as it appears in the snapshot and the payload, replaced per instance in the due store.
    at_text: String,
}

/// Arms one reminder through the runner and reads back what it stored, so that bulk fills write the same rows.
fn template(store: &PgStore) -> Template {
    let who = Principal::system();
    let ctx = Context::new(t(0), &who, &());
    Runner::new().execute::<Reminder, _>(store, "template", &ReminderCommand::Arm(t(10)), &ctx, None).unwrap();
    store
        .with_client(|c| {
            let i = c
                .query_one(
                    "SELECT snapshot, snapshot_schema, version, snapshot_version, due_s FROM instance \
                     WHERE id = 'template'",
                    &[],
                )
                .unwrap();
            assert_eq!((i.get::<_, i64>(2), i.get::<_, Option<i64>>(3)), (1, Some(1)), "one event, snapshotted");
            assert_eq!(i.get::<_, i64>(4), t(10).timestamp());
            let e = c.query_one("SELECT schema, payload FROM event WHERE instance = 'template'", &[]).unwrap();
            c.batch_execute("DELETE FROM instance WHERE id = 'template'").unwrap();
            let at_text = serde_json::to_string(&t(10)).unwrap().trim_matches('"').to_owned();
            let template = Template {
                snapshot: i.get(0),
                snapshot_schema: i.get(1),
                event_schema: e.get(0),
                payload: e.get(1),
                at_text,
            };
            assert!(template.snapshot.contains(&template.at_text) && template.payload.contains(&template.at_text));
            template
        })
        .unwrap()
}

/// Inserts `n` reminders `<prefix>0000000 ..` as `Arm` leaves them, one event each, the `i`-th due at
/// `t(10) + i × step_minutes`, in one statement per table; moves the log head past the new events.
fn fill(store: &PgStore, tpl: &Template, prefix: &str, n: i64, step_minutes: i64) {
    let (base_s, step_s) = (t(10).timestamp(), step_minutes * 60);
    // The deadline's text in the JSON, per instance (chrono writes whole seconds as `…T09:10:00Z`).
    let at = "to_char(to_timestamp($4::bigint + g * $5::bigint) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";
    store
        .with_client(|c| {
            let mut tx = c.transaction().unwrap();
            tx.execute(
                &format!(
                    "INSERT INTO instance (id, machine, version, due_s, due_ns, due_label, snapshot_version, \
                     snapshot_schema, snapshot) \
                     SELECT $1 || lpad(g::text, 7, '0'), 'reminder', 1, $4::bigint + g * $5::bigint, 0, 'reminder', 1, $3::integer, \
                     replace($2, $6, {at}) FROM generate_series(0, $7::bigint - 1) g"
                ),
                &[&prefix, &tpl.snapshot, &tpl.snapshot_schema, &base_s, &step_s, &tpl.at_text, &n],
            )
            .unwrap();
            let head: i64 = tx.query_one("SELECT position FROM log_head", &[]).unwrap().get(0);
            tx.execute(
                &format!(
                    "INSERT INTO event (position, instance, version, machine, schema, at_s, at_ns, payload) \
                     SELECT $8::bigint + 1 + g, $1 || lpad(g::text, 7, '0'), 1, 'reminder', $3::integer, $9::bigint, 0, \
                     replace($2, $6, {at}) FROM generate_series(0, $7::bigint - 1) g"
                ),
                &[
                    &prefix,
                    &tpl.payload,
                    &tpl.event_schema,
                    &base_s,
                    &step_s,
                    &tpl.at_text,
                    &n,
                    &head,
                    &t(0).timestamp(),
                ],
            )
            .unwrap();
            tx.execute("UPDATE log_head SET position = position + $1", &[&n]).unwrap();
            tx.commit().unwrap();
            c.batch_execute("ANALYZE instance; ANALYZE event").unwrap();
        })
        .unwrap();
}

/// `k` workers, each with its own store on the schema, tick until nothing is due; returns (fired, elapsed).
fn kefu_round(url: &str, schema: &str, k: usize) -> (usize, Duration) {
    let barrier = Barrier::new(k + 1);
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..k)
            .map(|_| {
                let barrier = &barrier;
                s.spawn(move || {
                    let store = PgStore::connect_with(url, &Options::default().schema(schema).pool_size(2)).unwrap();
                    let who = Principal::system();
                    let ctx = Context::new(t(20), &who, &());
                    let runner = Runner::new();
                    barrier.wait();
                    let mut fired = 0;
                    loop {
                        let report = runner.tick::<Reminder, _>(&store, &ctx, TICK_LIMIT).unwrap();
                        assert!(report.failed.is_empty() && report.rejected.is_empty() && report.idle.is_empty());
                        fired += report.fired.len();
                        if report.fired.is_empty() && store.due("reminder", t(20), 1).unwrap().is_empty() {
                            return fired;
                        }
                    }
                })
            })
            .collect();
        barrier.wait();
        let started = Instant::now();
        let fired = workers.into_iter().map(|w| w.join().unwrap()).sum();
        (fired, started.elapsed())
    })
}

/// The raw baseline's tables, in the same schema.
const RAW_TABLES: &str = "CREATE TABLE raw_due (id text COLLATE \"C\" PRIMARY KEY, due_s bigint NOT NULL, \
     due_ns integer NOT NULL); CREATE INDEX raw_due_at ON raw_due (due_s, due_ns, id); \
     CREATE TABLE raw_event (position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, instance text NOT NULL, \
     version bigint NOT NULL, machine text NOT NULL, schema integer NOT NULL, at_s bigint NOT NULL, \
     at_ns integer NOT NULL, payload text NOT NULL, UNIQUE (instance, version))";

fn raw_fill(url: &str, schema: &str, prefix: &str, n: i64) {
    let mut c = connect(url, schema);
    c.execute(
        "INSERT INTO raw_due (id, due_s, due_ns) SELECT $1 || lpad(g::text, 7, '0'), $2::bigint, 0 \
         FROM generate_series(0, $3::bigint - 1) g",
        &[&prefix, &t(10).timestamp(), &n],
    )
    .unwrap();
    c.batch_execute("ANALYZE raw_due").unwrap();
}

/// `k` workers, each with its own connection, claim-delete due rows and insert one event row each.
fn raw_round(url: &str, schema: &str, k: usize, payload: &str) -> (usize, Duration) {
    let barrier = Barrier::new(k + 1);
    let now = t(20).timestamp();
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..k)
            .map(|_| {
                let barrier = &barrier;
                s.spawn(move || {
                    let mut c = connect(url, schema);
                    let claim = c
                        .prepare(
                            "DELETE FROM raw_due WHERE id IN (SELECT id FROM raw_due WHERE (due_s, due_ns) <= ($1, 0) \
                             ORDER BY due_s, due_ns, id LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING id",
                        )
                        .unwrap();
                    let insert = c
                        .prepare(
                            "INSERT INTO raw_event (instance, version, machine, schema, at_s, at_ns, payload) \
                             VALUES ($1, 2, 'reminder', 2, $2, 0, $3)",
                        )
                        .unwrap();
                    barrier.wait();
                    let mut fired = 0;
                    loop {
                        let mut tx = c.transaction().unwrap();
                        let ids = tx.query(&claim, &[&now, &(TICK_LIMIT as i64)]).unwrap();
                        for row in &ids {
                            tx.execute(&insert, &[&row.get::<_, &str>(0), &now, &payload]).unwrap();
                        }
                        tx.commit().unwrap();
                        if ids.is_empty() {
                            return fired;
                        }
                        fired += ids.len();
                    }
                })
            })
            .collect();
        barrier.wait();
        let started = Instant::now();
        let fired = workers.into_iter().map(|w| w.join().unwrap()).sum();
        (fired, started.elapsed())
    })
}

fn tick(url: &str, schema: &str, store: &PgStore, tpl: &Template) {
    let n = env_usize("KEFU_BENCH_DEADLINES", 4_000);
    // What kefu writes for a `Fired` at t(10): the raw event rows carry the same payload.
    let fired_payload = tpl.payload.replace("armed", "fired");
    store.with_client(|c| c.batch_execute(RAW_TABLES).unwrap()).unwrap();
    for k in [1, 4] {
        let (mut kefu, mut raw) = (Vec::new(), Vec::new());
        for round in 0..ROUNDS {
            fill(store, tpl, &format!("t{k}-{round}-"), n as i64, 0);
            let (fired, took) = kefu_round(url, schema, k);
            assert_eq!(fired, n, "every deadline fired once");
            kefu.push(n as f64 / took.as_secs_f64());
            raw_fill(url, schema, &format!("t{k}-{round}-"), n as i64);
            let (fired, took) = raw_round(url, schema, k, &fired_payload);
            assert_eq!(fired, n, "every raw row claimed once");
            raw.push(n as f64 / took.as_secs_f64());
        }
        let (kefu, raw) = (median(kefu), median(raw));
        println!(
            "store_pg/tick/{k}_workers ({n} deadlines, {TICK_LIMIT} a transaction, median of {ROUNDS}): \
             kefu {kefu:.0}/s  raw {raw:.0}/s  raw/kefu {:.2}x",
            raw / kefu
        );
    }
}

fn due(url: &str, schema: &str, tpl: &Template) {
    let size = env_usize("KEFU_BENCH_DUE_SIZE", 1_000_000);
    // A schema of its own, so the tick rounds' rows are not in the table.
    let due_schema = format!("{schema}_due");
    let _drop = Schema { url: url.to_owned(), name: due_schema.clone() };
    let options = Options::default().schema(&due_schema).pool_size(1);
    let filled = PgStore::connect_with(url, &options).unwrap();
    let started = Instant::now();
    // Deadlines a minute apart from t(10): the first DUE_NOW are due at `now`.
    fill(&filled, tpl, "r-", size as i64, 1);
    eprintln!("store_pg/due: filled {size} instances (and their events) in {:.1?}", started.elapsed());
    let now = t(10 + DUE_NOW - 1);
    assert_eq!(filled.due("reminder", now, usize::MAX).unwrap().len(), DUE_NOW as usize);
    drop(filled);

    let (s, ns) = (now.timestamp(), 0i32);
    let sql = "SELECT id, version, due_s, due_ns, due_label FROM instance \
               WHERE machine = $1 AND due_s IS NOT NULL AND (due_s, due_ns) <= ($2, $3) ORDER BY due_s, due_ns, id \
               LIMIT $4";
    let micros = |d: Duration| d.as_secs_f64() * 1e6;
    let (mut kefu_open, mut raw_open) = (Vec::new(), Vec::new());
    for _ in 0..OPENS {
        let started = Instant::now();
        let store = PgStore::connect_with(url, &options).unwrap();
        assert_eq!(black_box(store.due("reminder", black_box(now), 100).unwrap()).len(), 100);
        kefu_open.push(micros(started.elapsed()));
        drop(store);
        let started = Instant::now();
        let mut c = connect(url, &due_schema);
        let rows = c.query(sql, &[&"reminder", &s, &ns, &100i64]).unwrap();
        assert_eq!(black_box(rows).len(), 100);
        raw_open.push(micros(started.elapsed()));
    }
    let store = PgStore::connect_with(url, &options).unwrap();
    let mut c = connect(url, &due_schema);
    let statement = c.prepare(sql).unwrap();
    let (mut kefu_find, mut raw_find) = (Vec::new(), Vec::new());
    for _ in 0..FINDS {
        let started = Instant::now();
        black_box(store.due("reminder", black_box(now), 100).unwrap());
        kefu_find.push(micros(started.elapsed()));
        let started = Instant::now();
        // Rows decoded as kefu's are (the row into owned values), so both sides do the same client work.
        let rows = c.query(&statement, &[&"reminder", &s, &ns, &100i64]).unwrap();
        let decoded: Vec<(String, i64, i64, i32, String)> =
            rows.iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4))).collect();
        black_box(decoded);
        raw_find.push(micros(started.elapsed()));
    }
    for (name, kefu, raw) in [("open_and_find", kefu_open, raw_open), ("find", kefu_find, raw_find)] {
        let (kefu, raw) = (median(kefu), median(raw));
        println!(
            "store_pg/due/{size}/{name} ({DUE_NOW} due, first 100): kefu {kefu:.0} µs  raw {raw:.0} µs  kefu/raw {:.2}x",
            kefu / raw
        );
    }
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument is not supported (the whole run takes well under 2 min).
    let url = std::env::var("KEFU_PG_URL").ok().filter(|u| !u.is_empty()).unwrap_or_else(|| DEFAULT_URL.to_owned());
    let probe = url.parse::<postgres::Config>().map_err(|e| e.to_string()).and_then(|mut config| {
        config.connect_timeout(Duration::from_secs(5));
        config.connect(NoTls).map(drop).map_err(|e| e.to_string())
    });
    if let Err(e) = probe {
        println!(
            "store_pg: SKIPPED, PostgreSQL is unreachable at `{url}` ({e}); set KEFU_PG_URL to a reachable database"
        );
        return;
    }
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let schema = format!("kefu_bench_{}_{nanos}", std::process::id());
    let _drop = Schema { url: url.clone(), name: schema.clone() };
    let store = PgStore::connect_with(&url, &Options::default().schema(&schema).pool_size(1)).unwrap();
    let tpl = template(&store);
    let started = Instant::now();
    tick(&url, &schema, &store, &tpl);
    due(&url, &schema, &tpl);
    eprintln!("store_pg: done in {:.1?}", started.elapsed());
}
