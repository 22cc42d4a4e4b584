//! A campaign's run (rule B8): scheduled from the configuration, launched at its start with the customers its
//! selector picked then, each of whom gets a special-occasion callback.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::config::Campaign;
use crate::machine::{Context, Deadline, Kind, Machine, Transition};

/// The campaign-run machine. It needs no configuration: the campaign travels in the `Schedule` command and the
/// desk chooses the customers at launch.
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use kefu::callback::Occasion;
/// use kefu::desk::{Campaign, CampaignRun, CampaignCommand, CampaignKind, Selector};
/// use kefu::machine::{Context, Instance, Principal};
///
/// let starts = Utc.with_ymd_and_hms(2027, 2, 10, 1, 0, 0).unwrap();
/// let campaign = Campaign {
///     id: "spring-2027".into(),
///     occasion: Occasion::Holiday { name: "Spring Festival".into() },
///     starts,
///     within: None,
///     select: Selector::default(),
/// };
/// let system = Principal::system();
/// let mut run = Instance::<CampaignRun>::new();
/// run.execute(&CampaignCommand::Schedule(campaign), &Context::new(starts - TimeDelta::days(30), &system, &()))?;
/// assert_eq!(run.next_deadline().map(|d| d.at), Some(starts));
/// run.execute(&CampaignCommand::Launch { customers: vec!["0042".into()] }, &Context::new(starts, &system, &()))?;
/// assert_eq!(run.kind(), CampaignKind::Launched);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct CampaignRun;

/// The kinds of state of a campaign run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CampaignKind {
    /// Not scheduled.
    #[default]
    New,
    /// Waiting for its start.
    Scheduled,
    /// The callbacks were opened. Final.
    Launched,
}

impl Kind for CampaignKind {
    const ALL: &'static [Self] = &[Self::New, Self::Scheduled, Self::Launched];

    fn name(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Scheduled => "scheduled",
            Self::Launched => "launched",
        }
    }
}

/// What can be asked of a campaign run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CampaignCommand {
    /// Schedule the campaign (again, if the configuration changed before it launched).
    Schedule(Campaign),
    /// Launch it for these customers.
    Launch {
        /// The customers selected, in id order.
        customers: Vec<String>,
    },
}

/// The kinds of [`CampaignCommand`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[allow(missing_docs)] // one per command
pub enum CampaignCommandKind {
    Schedule,
    Launch,
}

impl Kind for CampaignCommandKind {
    const ALL: &'static [Self] = &[Self::Schedule, Self::Launch];

    fn name(self) -> &'static str {
        match self {
            Self::Schedule => "schedule",
            Self::Launch => "launch",
        }
    }
}

/// A fact in a campaign's run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CampaignEvent {
    /// The campaign was scheduled.
    Scheduled {
        /// When.
        at: DateTime<Utc>,
        /// The campaign.
        campaign: Campaign,
    },
    /// The campaign was launched: each customer gets a callback.
    Launched {
        /// When.
        at: DateTime<Utc>,
        /// The customers selected.
        customers: Vec<String>,
    },
}

/// A campaign run's state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignState {
    kind: CampaignKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    campaign: Option<Campaign>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    customers: Vec<String>,
}

impl CampaignState {
    /// The kind of state.
    #[must_use]
    pub fn kind(&self) -> CampaignKind {
        self.kind
    }

    /// The campaign, once scheduled.
    #[must_use]
    pub fn campaign(&self) -> Option<&Campaign> {
        self.campaign.as_ref()
    }

    /// The customers it was launched for.
    #[must_use]
    pub fn customers(&self) -> &[String] {
        &self.customers
    }
}

const TABLE: &[Transition<CampaignKind, CampaignCommandKind>] = &[
    Transition::new(CampaignKind::New, CampaignCommandKind::Schedule, &[CampaignKind::Scheduled]),
    Transition::new(CampaignKind::Scheduled, CampaignCommandKind::Schedule, &[CampaignKind::Scheduled]),
    Transition::new(CampaignKind::Scheduled, CampaignCommandKind::Launch, &[CampaignKind::Launched]),
];

impl Machine for CampaignRun {
    const NAME: &'static str = "campaign";
    type State = CampaignState;
    type Command = CampaignCommand;
    type Event = CampaignEvent;
    type Config = ();
    type Error = core::convert::Infallible;
    type StateKind = CampaignKind;
    type CommandKind = CampaignCommandKind;

    fn initial() -> CampaignState {
        CampaignState::default()
    }

    fn transitions() -> &'static [Transition<CampaignKind, CampaignCommandKind>] {
        TABLE
    }

    fn finals() -> &'static [CampaignKind] {
        &[CampaignKind::Launched]
    }

    fn state_kind(state: &CampaignState) -> CampaignKind {
        state.kind
    }

    fn command_kind(command: &CampaignCommand) -> CampaignCommandKind {
        match command {
            CampaignCommand::Schedule(_) => CampaignCommandKind::Schedule,
            CampaignCommand::Launch { .. } => CampaignCommandKind::Launch,
        }
    }

    fn handle(
        state: &CampaignState,
        command: &CampaignCommand,
        ctx: &Context<'_, ()>,
    ) -> Result<Vec<CampaignEvent>, core::convert::Infallible> {
        let at = ctx.now();
        Ok(match command {
            // Scheduling the same campaign again records nothing.
            CampaignCommand::Schedule(campaign) if state.campaign.as_ref() == Some(campaign) => Vec::new(),
            CampaignCommand::Schedule(campaign) => vec![CampaignEvent::Scheduled { at, campaign: campaign.clone() }],
            CampaignCommand::Launch { customers } => vec![CampaignEvent::Launched { at, customers: customers.clone() }],
        })
    }

    fn kind_after(state: &CampaignState, events: &[CampaignEvent]) -> CampaignKind {
        match events.last() {
            Some(CampaignEvent::Scheduled { .. }) => CampaignKind::Scheduled,
            Some(CampaignEvent::Launched { .. }) => CampaignKind::Launched,
            None => state.kind,
        }
    }

    fn evolve(state: &mut CampaignState, event: &CampaignEvent) {
        match event {
            CampaignEvent::Scheduled { campaign, .. } => {
                state.kind = CampaignKind::Scheduled;
                state.campaign = Some(campaign.clone());
            }
            CampaignEvent::Launched { customers, .. } => {
                state.kind = CampaignKind::Launched;
                state.customers.clone_from(customers);
            }
        }
    }

    fn deadlines(state: &CampaignState) -> Vec<Deadline> {
        match (&state.campaign, state.kind) {
            (Some(c), CampaignKind::Scheduled) => vec![Deadline::new(c.starts, "launch")],
            _ => Vec::new(),
        }
    }
}
