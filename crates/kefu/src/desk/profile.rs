//! A customer's details as the ERP sends them: name, contact, segment and region (what campaigns select on, rule
//! O2/B8), and the contact calendar (quiet hours, rule B9). Personal data lives here and nowhere else in the desk,
//! so that it can be kept confidential in one place (rule Q5).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::machine::{Context, Kind, Machine, Transition};

/// Details of a customer; in an update, `None` leaves a field as it was.
///
/// ```
/// use kefu::desk::Details;
///
/// let details = Details { segment: Some("distributor".into()), ..Details::default() };
/// assert!(details.name.is_none());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Details {
    /// The customer's name (personal data).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The contact person and phone number (personal data).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// The segment (`distributor`, `manufacturer`, …), for campaign selection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// The region, for campaign selection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The calendar of hours the customer may be contacted in (rule B9), by name in the configuration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_calendar: Option<String>,
}

impl Details {
    fn merge(&mut self, update: &Details) {
        let set = |field: &mut Option<String>, new: &Option<String>| {
            if new.is_some() {
                field.clone_from(new);
            }
        };
        set(&mut self.name, &update.name);
        set(&mut self.contact, &update.contact);
        set(&mut self.segment, &update.segment);
        set(&mut self.region, &update.region);
        set(&mut self.contact_calendar, &update.contact_calendar);
    }
}

/// The customer profile machine. It needs no configuration (the desk checks calendar names before updating).
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use kefu::desk::{Details, Profile, ProfileCommand};
/// use kefu::machine::{Context, Instance, Principal};
///
/// let now = Utc.with_ymd_and_hms(2026, 11, 2, 2, 0, 0).unwrap();
/// let erp = Principal::new("erp");
/// let ctx = Context::new(now, &erp, &());
/// let mut profile = Instance::<Profile>::new();
/// profile.execute(&ProfileCommand::Update(Details { region: Some("east".into()), ..Details::default() }), &ctx)?;
/// profile.execute(&ProfileCommand::Update(Details { segment: Some("distributor".into()), ..Details::default() }), &ctx)?;
/// assert_eq!(profile.state().details().region.as_deref(), Some("east"));
/// assert_eq!(profile.state().details().segment.as_deref(), Some("distributor"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Profile;

/// The kinds of state of a profile.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProfileKind {
    /// Nothing known yet.
    #[default]
    Unknown,
    /// Some details are known.
    Known,
}

impl Kind for ProfileKind {
    const ALL: &'static [Self] = &[Self::Unknown, Self::Known];

    fn name(self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::Known => "known",
        }
    }
}

/// What can be asked of a profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProfileCommand {
    /// Record the details given (fields left `None` keep their value).
    Update(Details),
}

/// The kinds of [`ProfileCommand`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[allow(missing_docs)] // one per command
pub enum ProfileCommandKind {
    Update,
}

impl Kind for ProfileCommandKind {
    const ALL: &'static [Self] = &[Self::Update];

    fn name(self) -> &'static str {
        "update"
    }
}

/// A fact about a customer's details.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ProfileEvent {
    /// Details were recorded.
    Updated {
        /// When.
        at: DateTime<Utc>,
        /// Who sent them.
        by: String,
        /// The fields that changed, with their new values.
        changes: Details,
    },
}

/// A profile's state: the details known.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileState {
    kind: ProfileKind,
    #[serde(default)]
    details: Details,
}

impl ProfileState {
    /// The details known.
    #[must_use]
    pub fn details(&self) -> &Details {
        &self.details
    }
}

const TABLE: &[Transition<ProfileKind, ProfileCommandKind>] = &[
    Transition::new(ProfileKind::Unknown, ProfileCommandKind::Update, &[ProfileKind::Known]),
    Transition::new(ProfileKind::Known, ProfileCommandKind::Update, &[ProfileKind::Known]),
];

impl Machine for Profile {
    const NAME: &'static str = "customer_profile";
    type State = ProfileState;
    type Command = ProfileCommand;
    type Event = ProfileEvent;
    type Config = ();
    type Error = core::convert::Infallible;
    type StateKind = ProfileKind;
    type CommandKind = ProfileCommandKind;

    fn initial() -> ProfileState {
        ProfileState::default()
    }

    fn transitions() -> &'static [Transition<ProfileKind, ProfileCommandKind>] {
        TABLE
    }

    fn finals() -> &'static [ProfileKind] {
        &[]
    }

    fn state_kind(state: &ProfileState) -> ProfileKind {
        state.kind
    }

    fn command_kind(_: &ProfileCommand) -> ProfileCommandKind {
        ProfileCommandKind::Update
    }

    fn handle(
        state: &ProfileState,
        command: &ProfileCommand,
        ctx: &Context<'_, ()>,
    ) -> Result<Vec<ProfileEvent>, core::convert::Infallible> {
        let ProfileCommand::Update(update) = command;
        // Only what changes is recorded; an update that changes nothing records nothing.
        let differs =
            |new: &Option<String>, old: &Option<String>| new.as_ref().filter(|n| Some(*n) != old.as_ref()).cloned();
        let old = &state.details;
        let changes = Details {
            name: differs(&update.name, &old.name),
            contact: differs(&update.contact, &old.contact),
            segment: differs(&update.segment, &old.segment),
            region: differs(&update.region, &old.region),
            contact_calendar: differs(&update.contact_calendar, &old.contact_calendar),
        };
        if changes == Details::default() {
            return Ok(Vec::new());
        }
        Ok(vec![ProfileEvent::Updated { at: ctx.now(), by: ctx.principal().id().to_owned(), changes }])
    }

    fn kind_after(_: &ProfileState, _: &[ProfileEvent]) -> ProfileKind {
        ProfileKind::Known
    }

    fn evolve(state: &mut ProfileState, event: &ProfileEvent) {
        let ProfileEvent::Updated { changes, .. } = event;
        state.kind = ProfileKind::Known;
        state.details.merge(changes);
    }
}
