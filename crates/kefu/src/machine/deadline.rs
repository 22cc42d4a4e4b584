//! [`Deadline`]: an instant at which a machine wants to be ticked.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// An instant at which a machine wants a tick command, with a short label saying what falls due
/// (`"file_due"`, `"sla_breach"`, …).
///
/// A machine lists its deadlines with [`Machine::deadlines`](crate::machine::Machine::deadlines); a store keeps
/// the earliest per instance ([`next_deadline`](crate::machine::next_deadline)), so "what is due now?" is one
/// indexed query. Deadlines order by instant, then by label.
///
/// A deadline may lie in the past: an overdue obligation stays overdue until the machine is ticked. After a tick at
/// `now` is accepted, a well-behaved machine has no deadline at or before `now` left (the property-test helper checks
/// this).
///
/// # Example
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use kefu::machine::Deadline;
///
/// let at = Utc.with_ymd_and_hms(2025, 3, 3, 10, 0, 0).single().ok_or("bad date")?;
/// let due = Deadline::new(at, "first_response");
/// assert!(due.is_due(at));
/// assert!(!due.is_due(at - chrono::Duration::seconds(1)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Deadline {
    /// When the machine wants a tick.
    pub at: DateTime<Utc>,
    /// What falls due, a stable `snake_case` label a store can index or show.
    pub label: &'static str,
}

impl Deadline {
    /// A deadline at `at`, labelled `label`.
    #[must_use]
    pub const fn new(at: DateTime<Utc>, label: &'static str) -> Self {
        Self { at, label }
    }

    /// Whether the deadline has been reached at `now` (`at <= now`).
    #[must_use]
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        self.at <= now
    }
}
