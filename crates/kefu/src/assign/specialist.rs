//! [`Specialist`]: who can take work, how much, with which skills, and when.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::SpecialistId;

/// A service specialist as the supervisor sees them for assignment (rule C3): an id, an ability **weight**, skills,
/// and optionally the name of their calendar (working hours, leave) in the team's
/// [`CalendarSet`](crate::calendar::CalendarSet).
///
/// A specialist of weight 2 is meant to carry twice the load of one of weight 1. The weight must be at least 1;
/// [`Team::add`](super::Team::add) refuses 0. A specialist without a calendar is always available.
///
/// ```
/// use kefu::assign::Specialist;
///
/// let li = Specialist::new("li.wei").with_weight(2).with_skill("chemicals").with_calendar("li.wei");
/// assert_eq!(li.weight(), 2);
/// assert!(li.has_skill("chemicals"));
/// assert_eq!(li.calendar(), Some("li.wei"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Specialist {
    id: SpecialistId,
    #[serde(default = "one")]
    weight: u32,
    #[serde(default)]
    skills: BTreeSet<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    calendar: Option<String>,
}

fn one() -> u32 {
    1
}

impl Specialist {
    /// A specialist of weight 1, without skills or calendar.
    #[must_use]
    pub fn new(id: impl Into<SpecialistId>) -> Self {
        Self { id: id.into(), weight: 1, skills: BTreeSet::new(), calendar: None }
    }

    /// The same specialist with ability weight `weight` (at least 1, checked by [`Team::add`](super::Team::add)).
    #[must_use]
    pub fn with_weight(mut self, weight: u32) -> Self {
        self.weight = weight;
        self
    }

    /// The same specialist, also holding `skill` (a product line, a language, a channel of rule O1, …).
    #[must_use]
    pub fn with_skill(mut self, skill: impl Into<String>) -> Self {
        self.skills.insert(skill.into());
        self
    }

    /// The same specialist, available per the calendar of that name in the team's calendar set.
    #[must_use]
    pub fn with_calendar(mut self, name: impl Into<String>) -> Self {
        self.calendar = Some(name.into());
        self
    }

    /// The specialist's id.
    #[must_use]
    pub fn id(&self) -> &SpecialistId {
        &self.id
    }

    /// The ability weight.
    #[must_use]
    pub fn weight(&self) -> u32 {
        self.weight
    }

    /// The skills held, in alphabetical order.
    pub fn skills(&self) -> impl Iterator<Item = &str> {
        self.skills.iter().map(String::as_str)
    }

    /// Whether the specialist holds `skill`.
    #[must_use]
    pub fn has_skill(&self, skill: &str) -> bool {
        self.skills.contains(skill)
    }

    /// The name of the specialist's calendar, if they have one.
    #[must_use]
    pub fn calendar(&self) -> Option<&str> {
        self.calendar.as_deref()
    }

    pub(crate) fn skill_set(&self) -> &BTreeSet<String> {
        &self.skills
    }
}
