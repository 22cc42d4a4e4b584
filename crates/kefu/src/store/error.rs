//! [`StoreError`]: everything that can go wrong at the store boundary.

use super::Position;

/// A boxed error from a backend or a decoder.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a store operation failed.
///
/// # Example
///
/// ```
/// use kefu::store::StoreError;
///
/// let err = StoreError::Conflict { instance: "case-1".into(), expected: 3, actual: 4 };
/// assert!(err.is_conflict());
/// assert_eq!(err.to_string(), "instance `case-1` is at version 4, not 3: another command was appended first; reload and decide again");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// Another command was appended to the instance after this one was decided (optimistic concurrency).
    ///
    /// How to fix: reload the instance and decide again; [`Runner`](super::Runner) does this for you, a bounded
    /// number of times.
    #[error(
        "instance `{instance}` is at version {actual}, not {expected}: another command was appended first; reload and decide again"
    )]
    Conflict {
        /// The instance's id.
        instance: String,
        /// The version the command was decided on.
        expected: u64,
        /// The version the store holds.
        actual: u64,
    },
    /// The store has no such instance.
    ///
    /// How to fix: check the id; an instance exists once a command on it has been appended.
    #[error("no instance `{instance}` in the store")]
    UnknownInstance {
        /// The instance's id.
        instance: String,
    },
    /// The id belongs to an instance of another machine.
    ///
    /// How to fix: ids are shared by all machines of a store; give each machine's instances distinct ids (e.g.
    /// prefix them with the machine's name).
    #[error("instance `{instance}` is a `{stored}`, not a `{requested}`")]
    WrongMachine {
        /// The instance's id.
        instance: String,
        /// The machine the store holds it as.
        stored: String,
        /// The machine it was asked for as.
        requested: String,
    },
    /// An idempotency key was reused for a different instance.
    ///
    /// How to fix: keys must be unique per command; derive them from the ERP's request id and the instance.
    #[error("idempotency key `{key}` was first used for instance `{first_instance}`, not `{instance}`")]
    KeyReused {
        /// The key.
        key: String,
        /// The instance it was first used for.
        first_instance: String,
        /// The instance it was used for now.
        instance: String,
    },
    /// An event or snapshot could not be encoded or decoded.
    ///
    /// How to fix: for decoding, an event written in an older schema needs an
    /// [`upcast`](super::Versioned::upcast) step to the current one.
    #[error(
        "instance `{instance}`: {what} at version {version} (log position {position}) could not be (de)serialized: {source}"
    )]
    Serialization {
        /// The instance's id.
        instance: String,
        /// `"event"` or `"snapshot"`.
        what: &'static str,
        /// The instance's version at that event or snapshot.
        version: u64,
        /// The event's log position ([`Position::START`] for a snapshot or an event not yet appended).
        position: Position,
        /// What went wrong.
        #[source]
        source: BoxError,
    },
    /// An event was written in a schema newer than this program knows: it was written by a newer version.
    ///
    /// How to fix: upgrade this program; never downgrade a program that writes to a store.
    #[error(
        "instance `{instance}`: event at log position {position} has schema {schema}, newer than the {supported} this program knows"
    )]
    SchemaTooNew {
        /// The instance's id.
        instance: String,
        /// The event's log position.
        position: Position,
        /// The event's schema.
        schema: u32,
        /// The newest schema this program knows.
        supported: u32,
    },
    /// The backend failed (I/O, a locked database, a lost connection, …).
    ///
    /// How to fix: see `source`; transient failures (busy, connection reset) can be retried.
    #[error("{context}: {source}")]
    Backend {
        /// What the store was doing.
        context: String,
        /// The backend's error.
        #[source]
        source: BoxError,
    },
}

impl StoreError {
    /// A [`StoreError::Backend`] saying what the store was doing.
    pub fn backend(context: impl Into<String>, source: impl Into<BoxError>) -> Self {
        Self::Backend { context: context.into(), source: source.into() }
    }

    /// Whether this is a [`StoreError::Conflict`] (retrying after a reload may succeed).
    #[must_use]
    pub fn is_conflict(&self) -> bool {
        matches!(self, Self::Conflict { .. })
    }
}
