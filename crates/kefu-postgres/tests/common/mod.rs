//! Test fixtures: a store in a schema of its own (`kefu_test_<pid>_<n>_<nanos>`), dropped when the test ends, so that
//! tests run in parallel against one database.
//!
//! The database is `KEFU_PG_URL`, or `postgres://postgres@127.0.0.1:5432/test`. When it is unreachable, tests are
//! skipped with a message if `KEFU_PG_URL` is unset (a machine without PostgreSQL) and fail if it is set (CI).

#![allow(dead_code)]

use std::ops::Deref;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    format!("kefu_test_{}_{}_{nanos}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
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

pub fn fixture() -> Option<Fixture> {
    fixture_with(Options::default().pool_size(4))
}
