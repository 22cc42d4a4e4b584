//! Durable stores: the contract every backend fulfils, an in-memory reference store and a runner on top
//! (crate feature `json`, on by default).
//!
//! Machines are pure; a [`Store`] gives their instances a home. The contract is small, synchronous and knows no
//! machine types — events and states travel as JSON text tagged with the machine's name and a schema version — so one
//! store holds every machine of an application and a backend (SQLite in `kefu-sqlite`, PostgreSQL in
//! `kefu-postgres`) is a thin adapter:
//!
//! | clause | method |
//! | --- | --- |
//! | load an instance: latest snapshot + the events after it | [`Store::load`], [`Store::instance_events`] |
//! | append a command's events atomically, if the instance is still at the expected version | [`Store::append`] |
//! | keep each instance's next deadline, written by the same append | [`Append::next_deadline`] |
//! | list the instances due at an instant, earliest first, limited | [`Store::due`] |
//! | fire due deadlines, each exactly once (claiming, for multi-worker backends) | [`Store::fire_due`] |
//! | read the log in commit order from a position (the outbox) | [`Store::read`] |
//! | a durable cursor per subscriber | [`Store::cursor`], [`Store::save_cursor`] |
//! | a repeated idempotency key returns the first commit, appends nothing | [`Append::key`], [`Store::commit_for_key`] |
//! | refuse the ids, keys and names no store can keep, the same way everywhere | [`check_id`] |
//!
//! On top of it, typed and generic over any store:
//!
//! - [`Versioned`] gives a machine event and state schema versions and an [`upcast`](Versioned::upcast) hook, so
//!   old events still load after an upgrade; [`Tickable`] names its tick command.
//! - [`load`] / [`load_or_new`] rebuild a typed [`Instance`](crate::machine::Instance).
//! - [`Runner::execute`] = load → [`decide`](crate::machine::decide) → append, retrying on conflict a bounded number
//!   of times; [`Runner::tick`] fires every due deadline exactly once.
//!
//! [`MemoryStore`] is the reference implementation: plain data structures behind a mutex, for tests, simulations
//! and doctests. With the `testing` feature, `kefu::store::conformance` is the one test suite every store must pass
//! (`kefu::store_conformance!` expands it into one `#[test]` per clause).
//!
//! # Example: run a command, find what is due, tick, read the outbox
//!
//! ```
//! use chrono::{TimeDelta, TimeZone, Utc};
//! use kefu::calendar::CalendarSet;
//! use kefu::machine::{Context, Principal};
//! use kefu::sla::{Clock, ClockCommand, SlaPolicy};
//! use kefu::store::{MemoryStore, Position, Runner, Store};
//!
//! let store = MemoryStore::new();
//! let runner = Runner::new();
//! let (system, calendars) = (Principal::system(), CalendarSet::new());
//! let t0 = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).single().ok_or("bad date")?;
//! let at = |hours| Context::new(t0 + TimeDelta::hours(hours), &system, &calendars);
//!
//! // Rule B5: first contact within 24 hours. The ERP's request id is the idempotency key.
//! let start = ClockCommand::Start(SlaPolicy::elapsed("B5 first contact", TimeDelta::hours(24)));
//! let first = runner.execute::<Clock, _>(&store, "case-1/b5", &start, &at(0), Some("req-1"))?;
//! let again = runner.execute::<Clock, _>(&store, "case-1/b5", &start, &at(0), Some("req-1"))?;
//! assert!(again.duplicate && again.commit == first.commit); // retried by the ERP: nothing appended twice
//!
//! assert!(store.due("sla_clock", t0 + TimeDelta::hours(23), 10)?.is_empty());
//! assert_eq!(store.due("sla_clock", t0 + TimeDelta::hours(25), 10)?.len(), 1);
//!
//! let report = runner.tick::<Clock, _>(&store, &at(25), 100)?;
//! assert_eq!(report.fired.len(), 1); // breached
//! assert!(runner.tick::<Clock, _>(&store, &at(25), 100)?.fired.is_empty()); // exactly once
//!
//! // The outbox: every event in commit order, and a cursor the subscriber keeps.
//! let events = store.read(store.cursor("erp")?, 100)?;
//! assert_eq!(events.len(), 2); // started, breached
//! store.save_cursor("erp", events[1].position)?;
//! assert!(store.read(store.cursor("erp")?, 100)?.is_empty());
//! assert!(store.cursor("erp")? > Position::START);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::{DateTime, Utc};

mod codec;
#[cfg(feature = "testing")]
pub mod conformance;
mod error;
mod id;
mod memory;
mod record;
mod runner;
mod schema;

pub use codec::{decode_event, encode_event, encode_snapshot, load, load_or_new};
pub use error::{BoxError, StoreError};
pub use id::{IdKind, IdProblem, MAX_ID_BYTES, check_id};
pub use memory::MemoryStore;
pub use record::{
    Append, Appended, Commit, DueInstance, NewEvent, Position, RecordedEvent, Snapshot, StoredDeadline, StoredInstance,
};
pub use runner::{Executed, RunError, Runner, TickReport};
pub use schema::{Tickable, UpcastError, Versioned};

/// How many times [`Store::fire_due`]'s default implementation re-evaluates one instance whose append conflicted.
pub const FIRE_ATTEMPTS: u32 = 8;

/// The contract of a durable store, for any machine. Synchronous (blocking); adapters may add async wrappers.
///
/// Methods take `&self`: a store is a handle (a connection, a pool, a mutex around data) that several threads may
/// share if the backend allows. Every method is one atomic operation.
///
/// Run `kefu::store::conformance` (feature `testing`) against an implementation: it checks every clause below.
///
/// # Example
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use kefu::store::{Append, MemoryStore, NewEvent, Position, Store, StoreError};
///
/// let store = MemoryStore::new();
/// let at = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().ok_or("bad date")?;
/// let event = || vec![NewEvent { schema: 1, payload: "1".into() }];
/// store.append(&Append::new("n-1", "counter", 0, at).with_events(event()))?;
///
/// // A second writer that decided on version 0 too loses: a typed conflict, nothing appended.
/// let err = store.append(&Append::new("n-1", "counter", 0, at).with_events(event())).err().ok_or("expected a conflict")?;
/// assert!(matches!(err, StoreError::Conflict { expected: 0, actual: 1, .. }));
/// assert_eq!(store.read(Position::START, 10)?.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Store {
    /// The instance's head (machine, version, next deadline), its latest snapshot and the events after it, in version
    /// order; `None` if no command on it was ever appended.
    ///
    /// # Errors
    ///
    /// [`StoreError::InvalidId`] if `instance` breaks the [id rule](check_id); [`StoreError::Backend`].
    fn load(&self, instance: &str) -> Result<Option<StoredInstance>, StoreError>;

    /// The events of one instance with a version greater than `after`, in version order, at most `limit`.
    ///
    /// # Errors
    ///
    /// [`StoreError::InvalidId`] if `instance` breaks the [id rule](check_id); [`StoreError::Backend`].
    fn instance_events(&self, instance: &str, after: u64, limit: usize) -> Result<Vec<RecordedEvent>, StoreError>;

    /// Appends a command's events atomically — all or nothing — if the instance is still at `append.expected`.
    ///
    /// In the same atomic step: the events get versions `expected + 1 ..` and the next log positions; the
    /// instance's version becomes `append.to_version()`; its next deadline becomes `append.next_deadline`; the
    /// snapshot, if any, is kept; the key, if any, is recorded with the commit. An append with no events still checks
    /// the version and records the key and deadline.
    ///
    /// If `append.key` is already recorded for this instance, nothing is written and the first commit is returned
    /// as [`Appended::Duplicate`], whatever the expected version.
    ///
    /// # Errors
    ///
    /// - [`StoreError::Conflict`] if the instance is at another version (0 for an unknown instance);
    /// - [`StoreError::WrongMachine`] if the instance belongs to another machine;
    /// - [`StoreError::KeyReused`] if the key is recorded for another instance;
    /// - [`StoreError::InvalidId`] if the instance id, machine name or key breaks the [id rule](check_id);
    /// - [`StoreError::Backend`]. In every case nothing is written.
    fn append(&self, append: &Append) -> Result<Appended, StoreError>;

    /// The commit that recorded an idempotency key, if any.
    ///
    /// # Errors
    ///
    /// [`StoreError::InvalidId`] if `key` breaks the [id rule](check_id); [`StoreError::Backend`].
    fn commit_for_key(&self, key: &str) -> Result<Option<Commit>, StoreError>;

    /// The instances of `machine` whose next deadline is at or before `now`, earliest deadline first (ties by
    /// instance id), at most `limit`.
    ///
    /// # Errors
    ///
    /// [`StoreError::InvalidId`] if `machine` breaks the [id rule](check_id); [`StoreError::Backend`].
    fn due(&self, machine: &str, now: DateTime<Utc>, limit: usize) -> Result<Vec<DueInstance>, StoreError>;

    /// Fires up to `limit` due instances of `machine`, each exactly once: for every instance still due at `now`,
    /// calls `fire` with it loaded and appends what `fire` returns (`None` skips it). Returns the commits made.
    ///
    /// The default implementation is optimistic: [`Store::due`], then per instance [`Store::load`], `fire` and
    /// [`Store::append`] with the loaded version; on a conflict (another worker got there first) the instance is
    /// reloaded and, if still due, offered to `fire` again, up to [`FIRE_ATTEMPTS`] times. Backends shared by many
    /// workers may instead claim the rows in one short transaction (`SELECT … FOR UPDATE SKIP LOCKED`), call `fire`
    /// and append inside it, so that workers never contend for the same instance.
    ///
    /// # Errors
    ///
    /// [`StoreError::InvalidId`] if `machine` (or an append of `fire`) breaks the [id rule](check_id);
    /// [`StoreError::Backend`]; a conflict is never returned. What `fire` could not decide is for `fire` to record.
    fn fire_due(
        &self,
        machine: &str,
        now: DateTime<Utc>,
        limit: usize,
        fire: &mut dyn FnMut(&StoredInstance) -> Option<Append>,
    ) -> Result<Vec<Commit>, StoreError> {
        let mut commits = Vec::new();
        for due in self.due(machine, now, limit)? {
            for _ in 0..FIRE_ATTEMPTS {
                let Some(stored) = self.load(&due.instance)? else { break };
                if !stored.next_deadline.as_ref().is_some_and(|d| d.is_due(now)) {
                    break; // fired by someone else meanwhile
                }
                let Some(append) = fire(&stored) else { break };
                match self.append(&append) {
                    Ok(appended) => {
                        commits.push(appended.commit().clone());
                        break;
                    }
                    Err(StoreError::Conflict { .. }) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(commits)
    }

    /// Up to `limit` events with a position greater than `after`, in commit order: the outbox.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`].
    fn read(&self, after: Position, limit: usize) -> Result<Vec<RecordedEvent>, StoreError>;

    /// The position a subscriber has acknowledged ([`Position::START`] for a new subscriber).
    ///
    /// # Errors
    ///
    /// [`StoreError::InvalidId`] if `subscriber` breaks the [id rule](check_id); [`StoreError::Backend`].
    fn cursor(&self, subscriber: &str) -> Result<Position, StoreError>;

    /// Durably records that `subscriber` has processed every event up to `position`. Setting an earlier position
    /// rewinds (the subscriber will see those events again).
    ///
    /// # Errors
    ///
    /// [`StoreError::InvalidId`] if `subscriber` breaks the [id rule](check_id); [`StoreError::Backend`].
    fn save_cursor(&self, subscriber: &str, position: Position) -> Result<(), StoreError>;
}

impl<S: Store + ?Sized> Store for &S {
    fn load(&self, instance: &str) -> Result<Option<StoredInstance>, StoreError> {
        (**self).load(instance)
    }
    fn instance_events(&self, instance: &str, after: u64, limit: usize) -> Result<Vec<RecordedEvent>, StoreError> {
        (**self).instance_events(instance, after, limit)
    }
    fn append(&self, append: &Append) -> Result<Appended, StoreError> {
        (**self).append(append)
    }
    fn commit_for_key(&self, key: &str) -> Result<Option<Commit>, StoreError> {
        (**self).commit_for_key(key)
    }
    fn due(&self, machine: &str, now: DateTime<Utc>, limit: usize) -> Result<Vec<DueInstance>, StoreError> {
        (**self).due(machine, now, limit)
    }
    fn fire_due(
        &self,
        machine: &str,
        now: DateTime<Utc>,
        limit: usize,
        fire: &mut dyn FnMut(&StoredInstance) -> Option<Append>,
    ) -> Result<Vec<Commit>, StoreError> {
        (**self).fire_due(machine, now, limit, fire)
    }
    fn read(&self, after: Position, limit: usize) -> Result<Vec<RecordedEvent>, StoreError> {
        (**self).read(after, limit)
    }
    fn cursor(&self, subscriber: &str) -> Result<Position, StoreError> {
        (**self).cursor(subscriber)
    }
    fn save_cursor(&self, subscriber: &str, position: Position) -> Result<(), StoreError> {
        (**self).save_cursor(subscriber, position)
    }
}
