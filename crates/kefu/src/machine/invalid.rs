//! [`InvalidState`]: a snapshot whose state breaks the machine's invariants, refused when it is read.

/// A machine state, read from a snapshot, that breaks the state's invariants: a corrupted or hand-edited snapshot.
///
/// Deserialising the state of any of kefu's machines checks its invariants and fails with this error (through
/// serde's custom error, so a JSON reader adds the line and column): a bad snapshot is refused when it is read
/// instead of panicking later in `status`, `deadlines` or `decide`. A store that cannot read a snapshot replays the
/// instance from its events.
///
/// # Example
///
/// ```
/// use kefu::machine::InvalidState;
/// use kefu::sla::ClockState;
///
/// // A clock that claims to be counting but was never started.
/// let err = serde_json::from_str::<ClockState>(r#"{"kind":"running"}"#).unwrap_err();
/// assert!(err.to_string().starts_with("invalid `sla_clock` state: `run` is missing for a `running` clock"), "{err}");
///
/// let direct = InvalidState::new("sla_clock", "run", "is missing for a `running` clock");
/// assert_eq!(direct.field, "run");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid `{machine}` state: `{field}` {problem}")]
pub struct InvalidState {
    /// The machine's name ([`Machine::NAME`](super::Machine::NAME)).
    pub machine: &'static str,
    /// The field at fault, as a path into the state (`run.fired`, `obligations[2].id`).
    pub field: String,
    /// What is wrong with it.
    pub problem: String,
}

impl InvalidState {
    /// The error for `field` of a `machine` state.
    #[must_use]
    pub fn new(machine: &'static str, field: impl Into<String>, problem: impl Into<String>) -> Self {
        Self { machine, field: field.into(), problem: problem.into() }
    }
}

/// Declares a machine state whose deserialisation checks its invariants: the struct as written (serialised as
/// derived), plus a private twin `Unchecked` with the same fields that serde reads first; the state's own
/// `fn check(&self) -> Result<(), InvalidState>` then accepts or refuses it. One per module.
macro_rules! checked_state {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $( $(#[$field_meta:meta])* $field_vis:vis $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(::serde::Deserialize)]
        #[serde(try_from = "Unchecked")]
        $vis struct $name {
            $( $(#[$field_meta])* $field_vis $field: $ty ),*
        }

        /// The state as read, before its invariants are checked.
        #[derive(::serde::Deserialize)]
        struct Unchecked {
            $( $(#[$field_meta])* $field: $ty ),*
        }

        impl ::core::convert::TryFrom<Unchecked> for $name {
            type Error = $crate::machine::InvalidState;

            fn try_from(raw: Unchecked) -> ::core::result::Result<Self, Self::Error> {
                let state = Self { $( $field: raw.$field ),* };
                state.check()?;
                Ok(state)
            }
        }
    };
}

pub(crate) use checked_state;
