//! [`Versioned`] and [`Tickable`]: what a store and the runner need to know about a machine beyond [`Machine`].

use serde_json::Value;

use crate::approval::{Approval, ApprovalCommand};
use crate::machine::Machine;
use crate::sla::{Clock, ClockCommand};

/// A machine whose events and states can be stored: the schema versions of its JSON, and how to read old events.
///
/// Bump [`EVENT_SCHEMA`](Versioned::EVENT_SCHEMA) whenever an event's JSON changes shape, and teach
/// [`upcast`](Versioned::upcast) to rewrite the old shape into the new one: events are the durable truth and are
/// never rewritten in the store, so old events must still load after an upgrade. Bump
/// [`STATE_SCHEMA`](Versioned::STATE_SCHEMA) whenever the state's JSON changes shape: old snapshots are then
/// ignored and instances are replayed from their events.
///
/// # Example
///
/// ```
/// use kefu::store::{UpcastError, Versioned};
/// use kefu::approval::Approval;
/// # use serde_json::{json, Value};
///
/// // kefu's own machines start at schema 1.
/// assert_eq!(<Approval as Versioned>::EVENT_SCHEMA, 1);
///
/// // What a machine at schema 2 that renamed a field writes in `upcast`:
/// fn upcast(schema: u32, mut event: Value) -> Result<Value, UpcastError> {
///     if schema == 1 {
///         let n = event.as_object_mut().and_then(|o| o.remove("n")).ok_or_else(|| UpcastError::new("schema 1 event without `n`"))?;
///         event["amount"] = n;
///     }
///     Ok(event)
/// }
/// assert_eq!(upcast(1, json!({"type": "added", "n": 3}))?, json!({"type": "added", "amount": 3}));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Versioned: Machine {
    /// The schema version of the events this program writes. Starts at 1.
    const EVENT_SCHEMA: u32 = 1;
    /// The schema version of the state snapshots this program writes. Starts at 1.
    const STATE_SCHEMA: u32 = 1;

    /// Rewrites an event written in schema `schema` (older than [`EVENT_SCHEMA`](Versioned::EVENT_SCHEMA)) into the
    /// current schema. Called only for older events; the default knows none.
    ///
    /// # Errors
    ///
    /// An [`UpcastError`] saying why the event cannot be read; the store reports it as
    /// [`StoreError::Serialization`](super::StoreError::Serialization) with the instance and the log position.
    fn upcast(schema: u32, event: Value) -> Result<Value, UpcastError> {
        let _ = event;
        Err(UpcastError::new(format!("`{}` has no upcast from event schema {schema}", Self::NAME)))
    }
}

/// A machine the runner can tick: the command to send when one of its deadlines is reached.
///
/// # Example
///
/// ```
/// use kefu::sla::{Clock, ClockCommand};
/// use kefu::store::Tickable;
///
/// assert_eq!(<Clock as Tickable>::tick(), ClockCommand::Tick);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Tickable: Machine {
    /// The tick command.
    fn tick() -> Self::Command;
}

/// Why an old event could not be rewritten into the current schema.
///
/// # Example
///
/// ```
/// use kefu::store::UpcastError;
///
/// assert_eq!(UpcastError::new("missing field `n`").to_string(), "missing field `n`");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UpcastError(String);

impl UpcastError {
    /// An error with this message.
    #[must_use]
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl Versioned for Clock {}

impl Tickable for Clock {
    fn tick() -> ClockCommand {
        ClockCommand::Tick
    }
}

impl Versioned for Approval {}

impl Tickable for Approval {
    fn tick() -> ApprovalCommand {
        ApprovalCommand::Tick
    }
}
