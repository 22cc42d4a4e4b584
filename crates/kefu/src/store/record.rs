//! The rows a [`Store`](super::Store) keeps: serialized events, snapshots, deadlines, commits.
//!
//! These are the *raw* shapes a backend stores and returns. They carry JSON text, never typed machine values, so
//! that one store holds every machine of an application and a backend never needs to know a machine's types. The
//! typed side ([`load`](super::load), [`Runner`](super::Runner)) encodes and decodes them.

use core::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::machine::Deadline;

/// A place in the global event log: events are numbered in commit order, from 1.
///
/// A reader that has seen position `p` never later sees a *new* event at a position `<= p`; that is what lets a
/// subscriber keep a single number as its cursor. Positions need not be dense (a backend may skip numbers).
///
/// # Example
///
/// ```
/// use kefu::store::Position;
///
/// assert_eq!(Position::START, Position(0));
/// assert!(Position(3) > Position::START);
/// assert_eq!(Position(42).to_string(), "42");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Position(pub u64);

impl Position {
    /// Before the first event: read from here to get the whole log.
    pub const START: Position = Position(0);
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// An instance's next deadline as a store keeps it: the instant and the machine's label for it.
///
/// # Example
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use kefu::machine::Deadline;
/// use kefu::store::StoredDeadline;
///
/// let at = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().ok_or("bad date")?;
/// let stored = StoredDeadline::from(Deadline::new(at, "file_due"));
/// assert_eq!(stored.label, "file_due");
/// assert!(stored.is_due(at));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct StoredDeadline {
    /// When the instance wants a tick.
    pub at: DateTime<Utc>,
    /// What falls due ([`Deadline::label`]).
    pub label: String,
}

impl StoredDeadline {
    /// Whether the deadline has been reached at `now` (`at <= now`).
    #[must_use]
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        self.at <= now
    }
}

impl From<Deadline> for StoredDeadline {
    fn from(d: Deadline) -> Self {
        Self { at: d.at, label: d.label.to_owned() }
    }
}

/// An event about to be appended: its JSON text and the schema version it was written in.
///
/// Build one with [`encode_event`](super::encode_event) rather than by hand.
///
/// # Example
///
/// ```
/// use kefu::store::NewEvent;
///
/// let event = NewEvent { schema: 1, payload: r#"{"type":"breached","at":"2026-03-02T09:00:00Z"}"#.into() };
/// assert_eq!(event.schema, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewEvent {
    /// The event schema version ([`Versioned::EVENT_SCHEMA`](super::Versioned::EVENT_SCHEMA) when written).
    pub schema: u32,
    /// The event as JSON text.
    pub payload: String,
}

/// An event as the log holds it.
///
/// # Example
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use kefu::store::{Position, RecordedEvent};
///
/// let event = RecordedEvent {
///     position: Position(7),
///     instance: "case-1".into(),
///     machine: "sla_clock".into(),
///     version: 2,
///     schema: 1,
///     at: Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().ok_or("bad date")?,
///     payload: "{}".into(),
/// };
/// assert_eq!(event.position, Position(7));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedEvent {
    /// Its place in the global log (commit order).
    pub position: Position,
    /// The instance it belongs to.
    pub instance: String,
    /// The machine's [`NAME`](crate::machine::Machine::NAME).
    pub machine: String,
    /// The instance's version after this event (the first event of an instance has version 1).
    pub version: u64,
    /// The event schema version it was written in.
    pub schema: u32,
    /// The instant of the decision that produced it (the context's `now`).
    pub at: DateTime<Utc>,
    /// The event as JSON text.
    pub payload: String,
}

/// A saved state: a cache that spares replaying an instance's whole history.
///
/// A snapshot whose `schema` is not the machine's current
/// [`STATE_SCHEMA`](super::Versioned::STATE_SCHEMA) is ignored on load and the instance is replayed from its events
/// (which are never deleted), so changing the state's shape needs no migration.
///
/// # Example
///
/// ```
/// use kefu::store::Snapshot;
///
/// let snapshot = Snapshot { version: 64, schema: 1, state: r#"{"kind":"running"}"#.into() };
/// assert_eq!(snapshot.version, 64);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The instance's version the state corresponds to.
    pub version: u64,
    /// The state schema version it was written in.
    pub schema: u32,
    /// The state as JSON text.
    pub state: String,
}

/// An instance as a store returns it: its head (version, next deadline), its latest snapshot and the events after it.
///
/// # Example
///
/// ```
/// use kefu::store::{MemoryStore, Store};
///
/// let store = MemoryStore::new();
/// assert!(store.load("nobody")?.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredInstance {
    /// The instance's id.
    pub instance: String,
    /// The machine it is an instance of.
    pub machine: String,
    /// The number of events in its history.
    pub version: u64,
    /// Its next deadline, as written by the latest append.
    pub next_deadline: Option<StoredDeadline>,
    /// The latest snapshot, if any.
    pub snapshot: Option<Snapshot>,
    /// The events after the snapshot (all of them without one), in version order.
    pub events: Vec<RecordedEvent>,
}

/// What one command appends, atomically: its events, the instance's new next deadline, optionally a snapshot, and
/// optionally the command's idempotency key.
///
/// Build one with the typed helpers ([`Runner`](super::Runner)) rather than by hand.
///
/// # Example
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use kefu::store::{Append, Appended, MemoryStore, NewEvent, Store};
///
/// let store = MemoryStore::new();
/// let at = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().ok_or("bad date")?;
/// let append = Append::new("door-1", "door", 0, at)
///     .with_events(vec![NewEvent { schema: 1, payload: r#""opened""#.into() }])
///     .with_key("request-17");
/// let Appended::New(commit) = store.append(&append)? else { return Err("expected a new commit".into()) };
/// assert_eq!((commit.from_version, commit.to_version), (0, 1));
///
/// // The same key again: the first commit, nothing appended.
/// assert_eq!(store.append(&append)?, Appended::Duplicate(commit));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Append {
    /// The instance's id.
    pub instance: String,
    /// The machine's name; an existing instance of another machine is an error.
    pub machine: String,
    /// The version the command was decided on: the append fails with
    /// [`StoreError::Conflict`](super::StoreError::Conflict) unless the instance is still at it (0 for a new
    /// instance).
    pub expected: u64,
    /// The instant of the decision (recorded on each event).
    pub at: DateTime<Utc>,
    /// The events, in order; they get versions `expected + 1 ..`.
    pub events: Vec<NewEvent>,
    /// The instance's next deadline after the events (replaces the stored one).
    pub next_deadline: Option<StoredDeadline>,
    /// A snapshot to keep, at version `expected + events.len()`.
    pub snapshot: Option<Snapshot>,
    /// The command's idempotency key: if a commit already holds it, the append returns that commit and writes
    /// nothing.
    pub key: Option<String>,
}

impl Append {
    /// An append to `instance` of `machine`, decided on version `expected` at instant `at`, with no events yet.
    #[must_use]
    pub fn new(instance: impl Into<String>, machine: impl Into<String>, expected: u64, at: DateTime<Utc>) -> Self {
        Self {
            instance: instance.into(),
            machine: machine.into(),
            expected,
            at,
            events: Vec::new(),
            next_deadline: None,
            snapshot: None,
            key: None,
        }
    }

    /// The same append, with these events.
    #[must_use]
    pub fn with_events(mut self, events: Vec<NewEvent>) -> Self {
        self.events = events;
        self
    }

    /// The same append, setting the instance's next deadline.
    #[must_use]
    pub fn with_next_deadline(mut self, deadline: Option<StoredDeadline>) -> Self {
        self.next_deadline = deadline;
        self
    }

    /// The same append, with a snapshot.
    #[must_use]
    pub fn with_snapshot(mut self, snapshot: Snapshot) -> Self {
        self.snapshot = Some(snapshot);
        self
    }

    /// The same append, with an idempotency key.
    #[must_use]
    pub fn with_key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// The version the instance has after this append.
    #[must_use]
    pub fn to_version(&self) -> u64 {
        self.expected + self.events.len() as u64
    }
}

/// What an append wrote: the instance's versions before and after, and the log positions of its events.
///
/// # Example
///
/// ```
/// use kefu::store::{Commit, Position};
///
/// let commit = Commit { instance: "case-1".into(), from_version: 2, to_version: 4, first: Some(Position(10)), last: Some(Position(11)) };
/// assert_eq!(commit.len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commit {
    /// The instance's id.
    pub instance: String,
    /// The version the command was decided on.
    pub from_version: u64,
    /// The version after the command's events.
    pub to_version: u64,
    /// The log position of the first event (`None` if the command had no events).
    pub first: Option<Position>,
    /// The log position of the last event (`None` if the command had no events).
    pub last: Option<Position>,
}

impl Commit {
    /// The number of events committed.
    #[must_use]
    pub fn len(&self) -> u64 {
        self.to_version - self.from_version
    }

    /// Whether the command committed no events (an accepted no-op, kept for its idempotency key).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The result of [`Store::append`](super::Store::append).
///
/// # Example
///
/// ```
/// use kefu::store::{Appended, Commit};
///
/// let commit = Commit { instance: "case-1".into(), from_version: 0, to_version: 1, first: None, last: None };
/// assert!(Appended::Duplicate(commit.clone()).is_duplicate());
/// assert_eq!(Appended::New(commit.clone()).commit(), &commit);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Appended {
    /// The events were appended.
    New(Commit),
    /// The idempotency key was already used by this commit; nothing was written.
    Duplicate(Commit),
}

impl Appended {
    /// The commit, new or first.
    #[must_use]
    pub fn commit(&self) -> &Commit {
        match self {
            Self::New(c) | Self::Duplicate(c) => c,
        }
    }

    /// Whether nothing was written because the key was already used.
    #[must_use]
    pub fn is_duplicate(&self) -> bool {
        matches!(self, Self::Duplicate(_))
    }
}

/// An instance whose next deadline has been reached, as listed by [`Store::due`](super::Store::due).
///
/// # Example
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use kefu::store::{DueInstance, StoredDeadline};
///
/// let at = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().ok_or("bad date")?;
/// let due = DueInstance { instance: "case-1".into(), version: 3, deadline: StoredDeadline { at, label: "sla_breach".into() } };
/// assert!(due.deadline.is_due(at));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DueInstance {
    /// The instance's id.
    pub instance: String,
    /// Its version when listed.
    pub version: u64,
    /// Its next deadline.
    pub deadline: StoredDeadline,
}
