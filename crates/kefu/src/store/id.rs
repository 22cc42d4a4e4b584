//! The one rule for the names that cross the store boundary, checked the same way by every store (see
//! [`check_id`]).

use std::fmt;

use super::{Append, StoreError};

/// The longest id, key or name a store accepts, in bytes of UTF-8.
pub const MAX_ID_BYTES: usize = 512;

/// How many characters of a refused id [`StoreError::InvalidId`] keeps to name it.
const SHOWN_CHARS: usize = 64;

/// Which kind of name a store refused.
///
/// # Example
///
/// ```
/// use kefu::store::IdKind;
///
/// assert_eq!(IdKind::Key.to_string(), "idempotency key");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IdKind {
    /// An instance id.
    Instance,
    /// A machine's name.
    Machine,
    /// A command's idempotency key.
    Key,
    /// A log subscriber's name (its cursor's key).
    Subscriber,
}

impl fmt::Display for IdKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Instance => "instance id",
            Self::Machine => "machine name",
            Self::Key => "idempotency key",
            Self::Subscriber => "subscriber name",
        })
    }
}

/// Why a store refused an id (see [`check_id`] for the rule).
///
/// # Example
///
/// ```
/// use kefu::store::IdProblem;
///
/// let problem = IdProblem::ControlCharacter { at: 4, code: 0 };
/// assert_eq!(problem.to_string(), "it contains the control character U+0000 at byte 4 (no store accepts control characters)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IdProblem {
    /// The id is empty.
    Empty,
    /// The id is longer than [`MAX_ID_BYTES`].
    TooLong {
        /// Its length in bytes.
        bytes: usize,
    },
    /// The id contains a control character (NUL, tab, newline, DEL, …).
    ControlCharacter {
        /// The character's byte offset in the id.
        at: usize,
        /// The character's code point.
        code: u32,
    },
}

impl fmt::Display for IdProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("it is empty"),
            Self::TooLong { bytes } => write!(f, "it is {bytes} bytes long, more than the {MAX_ID_BYTES} allowed"),
            Self::ControlCharacter { at, code } => write!(
                f,
                "it contains the control character U+{code:04X} at byte {at} (no store accepts control characters)"
            ),
        }
    }
}

/// What is wrong with `id` as a name of any kind, if anything.
fn problem(id: &str) -> Option<IdProblem> {
    if id.is_empty() {
        return Some(IdProblem::Empty);
    }
    if id.len() > MAX_ID_BYTES {
        return Some(IdProblem::TooLong { bytes: id.len() });
    }
    id.char_indices().find(|(_, c)| c.is_control()).map(|(at, c)| IdProblem::ControlCharacter { at, code: c.into() })
}

/// Checks `id` against the rule every store applies: `Ok` if any store accepts it, else a
/// [`StoreError::InvalidId`] naming it (cut to 64 characters) and saying why. Stores call it on every instance id,
/// machine name, idempotency key and subscriber name they are handed, before touching their data, so that an id
/// one store keeps is never refused by another.
///
/// The rule: not empty, at most [`MAX_ID_BYTES`] bytes of UTF-8, and no control character (Unicode category Cc:
/// NUL, tab, newline, DEL, the C1 controls). Everything else is allowed: any language, spaces, punctuation (`/` is
/// the usual separator). Why these limits and no others:
///
/// - PostgreSQL cannot store NUL in text at all, while SQLite and memory can: without a shared rule the same id
///   would work on one store and fail on another.
/// - Ids are indexed, and PostgreSQL refuses index entries over about 2.7 kB: an unbounded id would work until the
///   day a long one arrives. 512 bytes is generous for an ERP's keys (`customer/42/callback/2026-03`, UUIDs).
/// - Control characters in ids break logs, terminals and CSV exports, and are never meant: they are bugs upstream.
///
/// # Errors
///
/// [`StoreError::InvalidId`].
///
/// # Example
///
/// ```
/// use kefu::store::{check_id, IdKind, IdProblem, StoreError};
///
/// check_id(IdKind::Instance, "customer/42/callback")?;
/// let err = check_id(IdKind::Instance, "case\0-1").err().ok_or("a NUL is refused")?;
/// assert!(matches!(err, StoreError::InvalidId { problem: IdProblem::ControlCharacter { at: 4, code: 0 }, .. }));
/// assert_eq!(err.to_string(), r"instance id `case\0-1` is refused: it contains the control character U+0000 at byte 4 (no store accepts control characters)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_id(kind: IdKind, id: &str) -> Result<(), StoreError> {
    match problem(id) {
        None => Ok(()),
        Some(problem) => Err(StoreError::InvalidId { kind, id: shown(id), problem }),
    }
}

/// The id as an error names it: its first [`SHOWN_CHARS`] characters, with `…` if it was cut.
fn shown(id: &str) -> String {
    match id.char_indices().nth(SHOWN_CHARS) {
        Some((cut, _)) => format!("{}…", &id[..cut]),
        None => id.to_owned(),
    }
}

impl Append {
    /// Checks the append's instance id, machine name and key with [`check_id`]; stores call it before writing.
    ///
    /// # Errors
    ///
    /// [`StoreError::InvalidId`] for the first one refused.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use kefu::store::{Append, IdKind, StoreError};
    ///
    /// let at = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().ok_or("bad date")?;
    /// Append::new("case-1", "sla_clock", 0, at).with_key("req-1").check_ids()?;
    /// let err = Append::new("case-1", "sla_clock", 0, at).with_key("").check_ids().err().ok_or("an empty key")?;
    /// assert!(matches!(err, StoreError::InvalidId { kind: IdKind::Key, .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_ids(&self) -> Result<(), StoreError> {
        check_id(IdKind::Instance, &self.instance)?;
        check_id(IdKind::Machine, &self.machine)?;
        self.key.as_deref().map_or(Ok(()), |key| check_id(IdKind::Key, key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule() {
        assert_eq!(problem("case-1/b5"), None);
        assert_eq!(problem("客服 案例 #1 ✓"), None);
        assert_eq!(problem(&"é".repeat(MAX_ID_BYTES / 2)), None, "exactly the limit in bytes");
        assert_eq!(problem(""), Some(IdProblem::Empty));
        assert_eq!(problem(&"x".repeat(MAX_ID_BYTES + 1)), Some(IdProblem::TooLong { bytes: MAX_ID_BYTES + 1 }));
        assert_eq!(problem("a\tb"), Some(IdProblem::ControlCharacter { at: 1, code: 9 }));
        assert_eq!(problem("é\u{7f}"), Some(IdProblem::ControlCharacter { at: 2, code: 0x7f }));
        assert_eq!(problem("x\u{85}"), Some(IdProblem::ControlCharacter { at: 1, code: 0x85 }), "C1 controls too");
    }

    #[test]
    fn a_long_id_is_cut_in_the_error() {
        let long = "案".repeat(1000);
        let Err(StoreError::InvalidId { id, kind: IdKind::Subscriber, .. }) = check_id(IdKind::Subscriber, &long)
        else {
            panic!("a long id is refused");
        };
        assert_eq!(id.chars().count(), SHOWN_CHARS + 1);
        assert!(id.ends_with('…'));
        assert_eq!(shown("short"), "short");
    }
}
