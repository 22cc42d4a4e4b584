//! Typed reading and writing: machine events and states to and from the JSON a store keeps.

use serde_json::Value;

use super::{NewEvent, Position, RecordedEvent, Snapshot, Store, StoreError, StoredInstance, Versioned};
use crate::machine::Instance;

/// Encodes an event of machine `M` for [`Append::events`](super::Append::events), in the current schema.
///
/// `instance` and `version` (the version the event will have) only label an error.
///
/// # Errors
///
/// [`StoreError::Serialization`] if the event does not serialize (e.g. a map with non-string keys).
///
/// # Example
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use kefu::sla::{Clock, ClockEvent};
/// use kefu::store::{decode_event, encode_event, Position, RecordedEvent};
///
/// let at = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().ok_or("bad date")?;
/// let event = ClockEvent::Breached { at };
/// let new = encode_event::<Clock>("case-1", 1, &event)?;
/// let recorded = RecordedEvent {
///     position: Position(1), instance: "case-1".into(), machine: "sla_clock".into(),
///     version: 1, schema: new.schema, at, payload: new.payload,
/// };
/// assert_eq!(decode_event::<Clock>(&recorded)?, event);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn encode_event<M: Versioned>(instance: &str, version: u64, event: &M::Event) -> Result<NewEvent, StoreError> {
    let payload = serde_json::to_string(event).map_err(|e| StoreError::Serialization {
        instance: instance.to_owned(),
        what: "event",
        version,
        position: Position::START,
        source: e.into(),
    })?;
    Ok(NewEvent { schema: M::EVENT_SCHEMA, payload })
}

/// Decodes a recorded event of machine `M`, upcasting it first if it was written in an older schema.
///
/// # Errors
///
/// - [`StoreError::SchemaTooNew`] if it was written in a schema newer than `M::EVENT_SCHEMA`;
/// - [`StoreError::Serialization`] (with the instance and log position) if it is not valid JSON, the upcast
///   fails, or the result is not an `M::Event`.
///
/// # Example
///
/// See [`encode_event`].
pub fn decode_event<M: Versioned>(event: &RecordedEvent) -> Result<M::Event, StoreError> {
    let fail = |source: super::error::BoxError| StoreError::Serialization {
        instance: event.instance.clone(),
        what: "event",
        version: event.version,
        position: event.position,
        source,
    };
    if event.schema > M::EVENT_SCHEMA {
        return Err(StoreError::SchemaTooNew {
            instance: event.instance.clone(),
            position: event.position,
            schema: event.schema,
            supported: M::EVENT_SCHEMA,
        });
    }
    if event.schema == M::EVENT_SCHEMA {
        return serde_json::from_str(&event.payload).map_err(|e| fail(e.into()));
    }
    let value: Value = serde_json::from_str(&event.payload).map_err(|e| fail(e.into()))?;
    let value = M::upcast(event.schema, value).map_err(|e| fail(e.into()))?;
    serde_json::from_value(value).map_err(|e| fail(e.into()))
}

/// Encodes an instance's state as a [`Snapshot`] in the current state schema.
///
/// # Errors
///
/// [`StoreError::Serialization`] if the state does not serialize.
///
/// # Example
///
/// ```
/// use kefu::approval::Approval;
/// use kefu::machine::Instance;
/// use kefu::store::encode_snapshot;
///
/// let snapshot = encode_snapshot("x-1", &Instance::<Approval>::new())?;
/// assert_eq!((snapshot.version, snapshot.schema), (0, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn encode_snapshot<M: Versioned>(instance: &str, at: &Instance<M>) -> Result<Snapshot, StoreError> {
    let state = serde_json::to_string(at.state()).map_err(|e| StoreError::Serialization {
        instance: instance.to_owned(),
        what: "snapshot",
        version: at.version(),
        position: Position::START,
        source: e.into(),
    })?;
    Ok(Snapshot { version: at.version(), schema: M::STATE_SCHEMA, state })
}

/// Loads an instance of machine `M`: its snapshot (if current) plus the events after it.
///
/// # Errors
///
/// [`StoreError::UnknownInstance`] if the store has no such instance, [`StoreError::WrongMachine`] if it is an
/// instance of another machine, or a decoding error (see [`decode_event`]).
///
/// # Example
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use kefu::approval::{Approval, ApprovalChain, ApprovalCommand, ApprovalKind};
/// use kefu::calendar::CalendarSet;
/// use kefu::machine::{Context, Principal};
/// use kefu::store::{load, MemoryStore, Runner};
///
/// let store = MemoryStore::new();
/// let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().ok_or("bad date")?;
/// let (clerk, calendars) = (Principal::new("clerk"), CalendarSet::new());
/// let request = ApprovalCommand::Request { chain: ApprovalChain::c6_incomplete_file(), subject: "file 1042".into() };
/// Runner::new().execute::<Approval, _>(&store, "x-1", &request, &Context::new(now, &clerk, &calendars), None)?;
///
/// let instance = load::<Approval, _>(&store, "x-1")?;
/// assert_eq!(instance.kind(), ApprovalKind::Pending);
/// assert!(load::<Approval, _>(&store, "x-2").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load<M: Versioned, S: Store + ?Sized>(store: &S, instance: &str) -> Result<Instance<M>, StoreError> {
    match store.load(instance)? {
        Some(stored) => rebuild(store, &stored),
        None => Err(StoreError::UnknownInstance { instance: instance.to_owned() }),
    }
}

/// Like [`load`], but an instance the store does not have yet is a new one ([`Instance::new`]).
///
/// # Errors
///
/// As [`load`], except [`StoreError::UnknownInstance`].
///
/// # Example
///
/// ```
/// use kefu::approval::Approval;
/// use kefu::store::{load_or_new, MemoryStore};
///
/// assert_eq!(load_or_new::<Approval, _>(&MemoryStore::new(), "x-1")?.version(), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load_or_new<M: Versioned, S: Store + ?Sized>(store: &S, instance: &str) -> Result<Instance<M>, StoreError> {
    match store.load(instance)? {
        Some(stored) => rebuild(store, &stored),
        None => Ok(Instance::new()),
    }
}

/// Folds a stored instance into a typed one. A snapshot in another state schema (or one that no longer decodes) is
/// ignored: the instance is then replayed from all its events.
pub(crate) fn rebuild<M: Versioned, S: Store + ?Sized>(
    store: &S,
    stored: &StoredInstance,
) -> Result<Instance<M>, StoreError> {
    if stored.machine != M::NAME {
        return Err(StoreError::WrongMachine {
            instance: stored.instance.clone(),
            stored: stored.machine.clone(),
            requested: M::NAME.to_owned(),
        });
    }
    let restored = stored.snapshot.as_ref().filter(|s| s.schema == M::STATE_SCHEMA).and_then(|s| {
        serde_json::from_str::<M::State>(&s.state).ok().map(|state| Instance::from_parts(state, s.version))
    });
    let (mut instance, fetched);
    let events: &[RecordedEvent] = match restored {
        Some(at) => {
            instance = at;
            &stored.events
        }
        None => {
            instance = Instance::new();
            if stored.snapshot.is_some() {
                fetched = store.instance_events(&stored.instance, 0, usize::MAX)?;
                &fetched
            } else {
                &stored.events
            }
        }
    };
    for event in events {
        if event.version != instance.version() + 1 {
            return Err(StoreError::Serialization {
                instance: stored.instance.clone(),
                what: "event",
                version: event.version,
                position: event.position,
                source: format!("expected version {}, the history has a gap", instance.version() + 1).into(),
            });
        }
        instance.apply(&decode_event::<M>(event)?);
    }
    Ok(instance)
}
