//! [`Availability`]: what "available at `now`" means for a specialist with a calendar.

use serde::{Deserialize, Serialize};

/// How a specialist's calendar decides whether they can be given work at `now`.
///
/// A specialist without a calendar is always available. A specialist who becomes unavailable **keeps** the items
/// they hold; only [`Team::reassign_from`](super::Team::reassign_from) or [`Team::leave`](super::Team::leave) move
/// them.
///
/// ```
/// use kefu::assign::{Availability, Team};
/// use kefu::calendar::CalendarSet;
///
/// let team = Team::new(CalendarSet::new());
/// assert_eq!(team.availability(), Availability::WorkingDate);
/// let desk = Team::new(CalendarSet::new()).with_availability(Availability::OpenAt);
/// assert_eq!(desk.availability(), Availability::OpenAt);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    /// Available if the calendar has working hours on `now`'s date, in the calendar's own time zone: the
    /// supervisor's morning distribution of customers and callbacks (rules C3, B2) reaches everyone who works
    /// that day, even before the desk opens, and nobody who is off or on leave. The default.
    #[default]
    WorkingDate,
    /// Available only if the calendar is open at the instant `now`: live distribution of inbound contacts to whoever
    /// is on shift (rule O1).
    OpenAt,
}
