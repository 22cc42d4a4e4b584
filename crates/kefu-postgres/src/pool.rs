//! A small blocking connection pool: up to `size` connections, opened on demand, each with its prepared
//! statements; a connection that broke is dropped rather than returned.

use std::ops::{Deref, DerefMut};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use kefu::store::StoreError;
use postgres::{Client, Config, NoTls};

use crate::ops::{Statements, backend};

/// One connection with its prepared statements.
pub(crate) struct Conn {
    pub(crate) client: Client,
    pub(crate) statements: Statements,
}

struct State {
    idle: Vec<Conn>,
    open: usize,
}

pub(crate) struct Pool {
    config: Config,
    /// Run once on every new connection (`SET search_path …`, `SET synchronous_commit …`).
    setup: String,
    size: usize,
    wait: Duration,
    state: Mutex<State>,
    returned: Condvar,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool").field("size", &self.size).field("setup", &self.setup).finish_non_exhaustive()
    }
}

impl Pool {
    pub(crate) fn new(config: Config, setup: String, size: usize, wait: Duration) -> Self {
        Self {
            config,
            setup,
            size: size.max(1),
            wait,
            state: Mutex::new(State { idle: Vec::new(), open: 0 }),
            returned: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Opens a connection outside the pool (for the migrations).
    pub(crate) fn connect(&self) -> Result<Client, StoreError> {
        self.config.connect(NoTls).map_err(backend("connecting to PostgreSQL"))
    }

    /// A connection: an idle one, a new one if fewer than `size` are open, or the next one returned (waiting up to
    /// the pool's timeout).
    pub(crate) fn get(&self) -> Result<Pooled<'_>, StoreError> {
        let deadline = Instant::now() + self.wait;
        let mut state = self.lock();
        loop {
            if let Some(conn) = state.idle.pop() {
                return Ok(Pooled { pool: self, conn: Some(conn) });
            }
            if state.open < self.size {
                state.open += 1;
                drop(state);
                return match self.open() {
                    Ok(conn) => Ok(Pooled { pool: self, conn: Some(conn) }),
                    Err(e) => {
                        self.lock().open -= 1;
                        self.returned.notify_one();
                        Err(e)
                    }
                };
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(StoreError::backend(
                    "waiting for a PostgreSQL connection",
                    format!("all {} connections of the pool stayed busy for {:?}", self.size, self.wait),
                ));
            }
            state = self.returned.wait_timeout(state, left).unwrap_or_else(PoisonError::into_inner).0;
        }
    }

    fn open(&self) -> Result<Conn, StoreError> {
        let mut client = self.connect()?;
        client.batch_execute(&self.setup).map_err(backend("configuring a PostgreSQL connection"))?;
        Ok(Conn { client, statements: Statements::new() })
    }
}

/// A connection borrowed from the pool, given back when dropped.
pub(crate) struct Pooled<'a> {
    pool: &'a Pool,
    conn: Option<Conn>,
}

impl Deref for Pooled<'_> {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        self.conn.as_ref().unwrap_or_else(|| unreachable!("a pooled connection is present until dropped"))
    }
}

impl DerefMut for Pooled<'_> {
    fn deref_mut(&mut self) -> &mut Conn {
        self.conn.as_mut().unwrap_or_else(|| unreachable!("a pooled connection is present until dropped"))
    }
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        let mut state = self.pool.lock();
        match self.conn.take() {
            // A panic may have left a transaction open; a closed connection is of no use: drop both.
            Some(conn) if !conn.client.is_closed() && !std::thread::panicking() => state.idle.push(conn),
            _ => state.open -= 1,
        }
        drop(state);
        self.pool.returned.notify_one();
    }
}
