//! [`Item`]: a piece of work to assign, with the skills it needs.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::ItemId;

/// Something to assign to a specialist: a customer (rule C3), a callback from the consolidated list (B2), an inbound
/// contact (O1) — anything with an id and the skills it requires. A specialist is eligible only if they hold
/// **every** required skill.
///
/// ```
/// use kefu::assign::Item;
///
/// let callback = Item::new("callback-17").requiring("chemicals").requiring("english");
/// assert_eq!(callback.id().as_str(), "callback-17");
/// assert_eq!(callback.required_skills().collect::<Vec<_>>(), ["chemicals", "english"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    id: ItemId,
    #[serde(default)]
    skills: BTreeSet<String>,
}

impl Item {
    /// An item that any specialist may take.
    #[must_use]
    pub fn new(id: impl Into<ItemId>) -> Self {
        Self { id: id.into(), skills: BTreeSet::new() }
    }

    /// The same item, also requiring `skill`.
    #[must_use]
    pub fn requiring(mut self, skill: impl Into<String>) -> Self {
        self.skills.insert(skill.into());
        self
    }

    /// The item's id.
    #[must_use]
    pub fn id(&self) -> &ItemId {
        &self.id
    }

    /// The skills required, in alphabetical order.
    pub fn required_skills(&self) -> impl Iterator<Item = &str> {
        self.skills.iter().map(String::as_str)
    }

    pub(crate) fn skill_set(&self) -> &BTreeSet<String> {
        &self.skills
    }
}
