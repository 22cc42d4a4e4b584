//! [`App`]: what every request shares — the desk, the tokens, the clock, the limits and the signals that wake the
//! ticker and the event stream's readers.

use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use kefu::desk::{Desk, ServiceToken};
use kefu::machine::Principal;
use kefu::store::Store;
use tokio::sync::watch;

use crate::problem::Problem;

/// Where the service reads the time: the desk reads no clock, so every request takes `now` from here.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

/// The system's clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        DateTime::<Utc>::from(std::time::SystemTime::now())
    }
}

/// A clock that stands still until told otherwise: for tests and rehearsals that walk a story through weeks.
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use kefu_http::{Clock, ManualClock};
///
/// let t0 = Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).single().ok_or("bad date")?;
/// let clock = ManualClock::new(t0);
/// clock.advance(TimeDelta::days(7));
/// assert_eq!(clock.now(), t0 + TimeDelta::days(7));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    /// A clock showing `at`.
    #[must_use]
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Mutex::new(at))
    }

    /// Sets the clock to `at`.
    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = at;
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: chrono::TimeDelta) {
        let mut now = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The service's limits.
#[derive(Clone, Debug)]
pub struct Options {
    /// The largest request body, in bytes (413 beyond it). Default 1 MiB.
    pub body_limit: usize,
    /// How long a request may take before it is answered 503 (the event stream excepted). Default 30 s.
    pub request_timeout: Duration,
    /// The longest a long-poll read of the event log waits for news. Default 25 s (below the request timeout).
    pub max_wait: Duration,
    /// The most events one read of the log returns. Default 1 000.
    pub max_events: usize,
    /// How often a waiting reader and the ticker look at the store for work written by other processes. Default 1 s.
    pub poll: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            body_limit: 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            max_wait: Duration::from_secs(25),
            max_events: 1_000,
            poll: Duration::from_secs(1),
        }
    }
}

/// Everything the handlers share.
pub struct App<S> {
    pub(crate) desk: Desk<S>,
    pub(crate) tokens: Vec<ServiceToken>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) options: Options,
    /// Bumped after every write of this process: long-polls and streams wake on it.
    pub(crate) written: watch::Sender<u64>,
    /// Set when the service shuts down: event streams end, so that the server can finish.
    pub(crate) closing: watch::Sender<bool>,
    /// Wakes the ticker after a write, so that reactions follow at once.
    pub(crate) wake: Mutex<Option<mpsc::Sender<()>>>,
}

impl<S: Store + Send + Sync + 'static> App<S> {
    /// The shared state of a service over `desk`, accepting `tokens` (usually the configuration's `[[tokens]]`),
    /// reading the time from `clock`.
    pub fn new(desk: Desk<S>, tokens: Vec<ServiceToken>, clock: Arc<dyn Clock>, options: Options) -> Arc<Self> {
        Arc::new(Self {
            desk,
            tokens,
            clock,
            options,
            written: watch::Sender::new(0),
            closing: watch::Sender::new(false),
            wake: Mutex::new(None),
        })
    }

    /// The desk.
    pub fn desk(&self) -> &Desk<S> {
        &self.desk
    }

    /// The current instant on the service's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Fires due deadlines and applies reactions at the clock's `now` (what the ticker does on its beat), then wakes
    /// the readers of the event log.
    ///
    /// # Errors
    ///
    /// The desk's error.
    pub fn tick(&self) -> Result<kefu::desk::TickReport, kefu::desk::DeskError> {
        let report = self.desk.tick(self.now());
        self.written.send_modify(|n| *n = n.wrapping_add(1));
        report
    }

    /// Ends the event streams: called when the service shuts down.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// The principal a bearer token acts as: the token's principal and roles, plus the roles the configuration
    /// gives that person. `None` for a token nobody configured.
    pub fn authenticate(&self, token: &str) -> Option<Principal> {
        let hash = kefu::desk::token_hash(token);
        let entry = self.tokens.iter().find(|t| t.sha256 == hash)?;
        let principal = entry.principal();
        Some(match self.desk.config().principal(&entry.principal) {
            Some(person) => {
                person.roles().fold(principal, |p, r| if p.has_role(r.as_str()) { p } else { p.with_role(r.clone()) })
            }
            None => principal,
        })
    }

    /// Records that this process wrote something: wakes the ticker and the readers of the log.
    pub(crate) fn wrote(&self) {
        self.written.send_modify(|n| *n = n.wrapping_add(1));
        if let Some(wake) = self.wake.lock().unwrap_or_else(PoisonError::into_inner).as_ref() {
            let _ = wake.send(());
        }
    }

    /// Runs `work` on the blocking pool (the desk and its stores are synchronous).
    pub(crate) async fn blocking<T: Send + 'static>(
        self: &Arc<Self>,
        work: impl FnOnce(&Self) -> Result<T, Problem> + Send + 'static,
    ) -> Result<T, Problem> {
        let app = Arc::clone(self);
        match tokio::task::spawn_blocking(move || work(&app)).await {
            Ok(result) => result,
            Err(e) => Err(Problem::internal(format!("the request's work failed: {e}"))),
        }
    }
}
