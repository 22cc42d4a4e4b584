//! Test fixtures: a store in a schema of its own (`kefu_test_<pid>_<n>_<nanos>`), dropped when the test ends, so that
//! tests run in parallel against one database.
//!
//! The database is `KEFU_PG_URL`, or `postgres://postgres@127.0.0.1:5432/test`. When it is unreachable, tests are
//! skipped with a message if `KEFU_PG_URL` is unset (a machine without PostgreSQL) and fail if it is set (CI).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::ops::Deref;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use kefu::machine::{Context, Principal};
use kefu::store::conformance::{Reminder, ReminderCommand, ReminderEvent};
use kefu::store::{Position, Runner, Store, decode_event};
use kefu_postgres::{Options, PgStore};

pub const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The connection string, if the database is reachable; `None` (after saying why) if the tests must be skipped.
pub fn url() -> Option<String> {
    static REACHABLE: OnceLock<Option<String>> = OnceLock::new();
    REACHABLE
        .get_or_init(|| {
            let from_env = std::env::var("KEFU_PG_URL").ok().filter(|u| !u.is_empty());
            let url = from_env.clone().unwrap_or_else(|| DEFAULT_URL.to_owned());
            let probe = url.parse::<postgres::Config>().map_err(|e| e.to_string()).and_then(|mut config| {
                config.connect_timeout(Duration::from_secs(5));
                config.connect(postgres::NoTls).map(drop).map_err(|e| e.to_string())
            });
            match (probe, from_env) {
                (Ok(()), _) => Some(url),
                (Err(e), Some(_)) => panic!("KEFU_PG_URL is set but PostgreSQL at `{url}` is unreachable: {e}"),
                (Err(e), None) => {
                    eprintln!(
                        "SKIPPED: PostgreSQL is unreachable at `{url}` ({e}) and KEFU_PG_URL is unset; \
                         set KEFU_PG_URL to run the kefu-postgres tests"
                    );
                    None
                }
            }
        })
        .clone()
}

/// A fresh schema name for one test.
pub fn schema_name() -> String {
    schema_name_with("kefu_test")
}

/// A fresh schema name for one test, starting with `prefix` (so that a suite's schemas are told apart).
pub fn schema_name_with(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    format!("{prefix}_{}_{}_{nanos}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

/// A store in its own schema; the schema is dropped with it.
pub struct Fixture {
    pub store: PgStore,
    pub url: String,
}

impl Deref for Fixture {
    type Target = PgStore;
    fn deref(&self) -> &PgStore {
        &self.store
    }
}

impl Fixture {
    /// Another store (its own pool, as another process would have) on the same schema.
    pub fn another(&self, options: Options) -> PgStore {
        PgStore::connect_with(&self.url, &options.schema(self.store.schema())).expect("connect a second store")
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let schema = self.store.schema().to_owned();
        let dropped = self.store.with_client(|c| c.batch_execute(&format!("DROP SCHEMA \"{schema}\" CASCADE")));
        if !matches!(dropped, Ok(Ok(()))) && !std::thread::panicking() {
            panic!("dropping test schema {schema}: {dropped:?}");
        }
    }
}

/// A store in a fresh schema, or `None` if the tests are skipped.
pub fn fixture_with(options: Options) -> Option<Fixture> {
    let url = url()?;
    let store = PgStore::connect_with(&url, &options.schema(schema_name())).expect("open the store");
    Some(Fixture { store, url })
}

/// A store in a fresh schema named `<prefix>_<pid>_<n>_<nanos>`, or `None` if the tests are skipped.
pub fn fixture_named(prefix: &str, options: Options) -> Option<Fixture> {
    let url = url()?;
    let store = PgStore::connect_with(&url, &options.schema(schema_name_with(prefix))).expect("open the store");
    Some(Fixture { store, url })
}

pub fn fixture() -> Option<Fixture> {
    fixture_with(Options::default().pool_size(4))
}

/// 2026-03-02 09:00 UTC plus `minutes`.
pub fn t(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().expect("a valid date") + TimeDelta::minutes(minutes)
}

/// Arms `n` reminders `r-0 ..` due at `t(10)`, from 4 threads with `synchronous_commit = off` (setup speed).
pub fn arm(fixture: &Fixture, n: usize) {
    const THREADS: usize = 4;
    std::thread::scope(|s| {
        for k in 0..THREADS {
            s.spawn(move || {
                let setup = fixture.another(Options::default().synchronous_commit(false).pool_size(1));
                let who = Principal::system();
                let ctx = Context::new(t(0), &who, &());
                for i in (k..n).step_by(THREADS) {
                    Runner::new()
                        .execute::<Reminder, _>(&setup, &format!("r-{i}"), &ReminderCommand::Arm(t(10)), &ctx, None)
                        .expect("arm a reminder");
                }
            });
        }
    });
}

/// Every `Fired` event in the log, counted per instance.
pub fn fired_per_instance(store: &PgStore) -> BTreeMap<String, usize> {
    let mut fired = BTreeMap::new();
    let mut after = Position::START;
    loop {
        let page = store.read(after, 1000).expect("read the log");
        let Some(last) = page.last() else { return fired };
        after = last.position;
        for e in &page {
            if matches!(decode_event::<Reminder>(e), Ok(ReminderEvent::Fired { .. })) {
                *fired.entry(e.instance.clone()).or_default() += 1;
            }
        }
    }
}

/// `url` with one more parameter (`key=value`), as a URL query parameter or a key-value pair.
pub fn with_param(url: &str, param: &str) -> String {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        format!("{url}{}{param}", if url.contains('?') { '&' } else { '?' })
    } else {
        format!("{url} {param}")
    }
}
