//! Calendars by name, as SLA policies refer to them.

use std::collections::BTreeMap;

use super::Calendar;

/// A set of calendars keyed by name: the service desk's hours, a department's, customers' quiet hours.
///
/// Policies name calendars (`calendar = "service-desk"`) rather than embedding them, so that one definition serves
/// every clock and a change of holidays reaches them all.
///
/// ```
/// use kefu::calendar::{Calendar, CalendarSet};
///
/// let mut calendars = CalendarSet::new();
/// calendars.insert("utc", Calendar::always_open(chrono_tz::UTC));
/// assert!(calendars.get("utc").is_ok());
/// let err = calendars.get("desk").unwrap_err();
/// assert_eq!(err.to_string(), "unknown calendar `desk` (known: utc)");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CalendarSet {
    calendars: BTreeMap<String, Calendar>,
}

/// A policy named a calendar the set does not have.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown calendar {} (known: {})", super::error::quote(.name), known_names(.known))]
pub struct UnknownCalendar {
    /// The name asked for.
    pub name: String,
    /// The names the set has, sorted.
    pub known: Vec<String>,
}

/// The known names for a message: as many as fit in [`QUOTE_MAX`](super::error::QUOTE_MAX) characters, then how
/// many more there are (a set can hold thousands of customers' quiet hours).
fn known_names(known: &[String]) -> String {
    let mut text = String::new();
    for (i, name) in known.iter().enumerate() {
        if i > 0 && text.chars().count() + name.chars().count() > super::error::QUOTE_MAX {
            return format!("{text}, … {} more", known.len() - i);
        }
        if i > 0 {
            text.push_str(", ");
        }
        text.push_str(&super::error::shorten(name));
    }
    text
}

impl CalendarSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a calendar under a name; returns the one it replaced.
    pub fn insert(&mut self, name: impl Into<String>, calendar: Calendar) -> Option<Calendar> {
        self.calendars.insert(name.into(), calendar)
    }

    /// The calendar of that name.
    pub fn get(&self, name: &str) -> Result<&Calendar, UnknownCalendar> {
        self.calendars
            .get(name)
            .ok_or_else(|| UnknownCalendar { name: name.to_owned(), known: self.calendars.keys().cloned().collect() })
    }

    /// The names and calendars, in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Calendar)> {
        self.calendars.iter().map(|(n, c)| (n.as_str(), c))
    }

    /// How many calendars the set holds.
    pub fn len(&self) -> usize {
        self.calendars.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.calendars.is_empty()
    }
}

impl<N: Into<String>> FromIterator<(N, Calendar)> for CalendarSet {
    fn from_iter<I: IntoIterator<Item = (N, Calendar)>>(iter: I) -> Self {
        Self { calendars: iter.into_iter().map(|(n, c)| (n.into(), c)).collect() }
    }
}
