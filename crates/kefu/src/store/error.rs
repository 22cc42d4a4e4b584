//! [`StoreError`]: everything that can go wrong at the store boundary.

use super::{IdKind, IdProblem, Position};

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
    /// An instance id, machine name, idempotency key or subscriber name that no store accepts (see
    /// [`check_id`](super::check_id) for the rule). Nothing was read or written.
    ///
    /// How to fix: the id comes from the caller — usually the ERP's data; clean or reject it there.
    #[error("{kind} `{}` is refused: {problem}", .id.escape_debug())]
    InvalidId {
        /// Which kind of name.
        kind: IdKind,
        /// The name, cut to its first 64 characters (with `…`) if longer.
        id: String,
        /// Why it is refused.
        problem: IdProblem,
    },
    /// The backend gave up waiting — for a lock another session holds, for a statement that ran too long, for a
    /// connection or a server that does not answer. The operation did not take effect.
    ///
    /// How to fix: retry later ([`StoreError::is_retryable`]); if it persists, find what holds the lock or why the
    /// server is slow (the source names what it was waiting for), or raise the backend's timeout.
    #[error("{context}: gave up waiting ({what}): {source}")]
    Timeout {
        /// What the store was doing.
        context: String,
        /// Which limit ran out, e.g. `lock_timeout of 5s`.
        what: String,
        /// The backend's error.
        #[source]
        source: BoxError,
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

    /// A [`StoreError::Timeout`]: `what` limit ran out while the store was doing `context`.
    pub fn timeout(context: impl Into<String>, what: impl Into<String>, source: impl Into<BoxError>) -> Self {
        Self::Timeout { context: context.into(), what: what.into(), source: source.into() }
    }

    /// Whether the same operation, tried again later unchanged, may succeed: a [`StoreError::Timeout`] (a lock
    /// released, a server back). A [`StoreError::Conflict`] is not: the command must be decided again on the new
    /// state, which [`Runner`](super::Runner) does itself.
    ///
    /// # Example
    ///
    /// ```
    /// use kefu::store::StoreError;
    ///
    /// let err = StoreError::timeout("appending events", "lock_timeout of 5s", "canceling statement due to lock timeout");
    /// assert!(err.is_retryable());
    /// assert_eq!(err.to_string(), "appending events: gave up waiting (lock_timeout of 5s): canceling statement due to lock timeout");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Timeout { .. })
    }

    /// Whether this is a [`StoreError::Conflict`] (retrying after a reload may succeed).
    #[must_use]
    pub fn is_conflict(&self) -> bool {
        matches!(self, Self::Conflict { .. })
    }
}
