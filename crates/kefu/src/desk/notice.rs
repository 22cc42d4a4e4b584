//! Notices: what the desk tells a role or a person — an escalation (rule B6), a breach, a missed callback (B10),
//! an approval's decision (C6, C7) — as a small machine, so that each is in the outbox exactly once and its
//! acknowledgement is on record.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::machine::{Context, Kind, Machine, Transition};

/// Who a notice is for.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Addressee {
    /// Everyone holding the role (`service_supervisor`, `department_head`, `leadership`, …).
    Role(String),
    /// One person, by id.
    Person(String),
}

impl core::fmt::Display for Addressee {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Role(role) => write!(f, "role `{role}`"),
            Self::Person(person) => write!(f, "`{person}`"),
        }
    }
}

/// What a notice is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Topic {
    /// An SLA clock escalated to the addressee's rung of its ladder (rule B6).
    Escalation {
        /// The clock's policy name.
        policy: String,
        /// The rung (1 = the first escalation).
        level: u16,
    },
    /// A callback's window closed without the callback (rule B10).
    MissedCallback,
    /// An approval was decided (rules C6, C7).
    Decision {
        /// Whether it was approved.
        approved: bool,
        /// The subject of the request.
        subject: String,
    },
    /// An item nobody could take is waiting on the assignment board (rules C3, B2).
    Unassigned {
        /// Why nobody could take it.
        reason: String,
    },
}

/// A notice machine. It needs no configuration.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use kefu::desk::{Addressee, Notice, NoticeCommand, NoticeKind, Topic};
/// use kefu::machine::{Context, Instance, Principal};
///
/// let now = Utc.with_ymd_and_hms(2026, 11, 2, 2, 0, 0).unwrap();
/// let mut notice = Instance::<Notice>::new();
/// let send = NoticeCommand::Send {
///     to: Addressee::Role("department_head".into()),
///     about: "case/0042/1".into(),
///     customer: Some("0042".into()),
///     topic: Topic::Escalation { policy: "B6 handle on the spot".into(), level: 1 },
/// };
/// notice.execute(&send, &Context::new(now, &Principal::system(), &()))?;
/// let head = Principal::new("zhou.ming").with_role("department_head");
/// notice.execute(&NoticeCommand::Acknowledge, &Context::new(now, &head, &()))?;
/// assert_eq!(notice.kind(), NoticeKind::Acknowledged);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Notice;

/// The kinds of state of a notice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// Not sent yet.
    #[default]
    New,
    /// Sent, waiting for the addressee.
    Sent,
    /// The addressee has seen it. Final.
    Acknowledged,
}

impl Kind for NoticeKind {
    const ALL: &'static [Self] = &[Self::New, Self::Sent, Self::Acknowledged];

    fn name(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Sent => "sent",
            Self::Acknowledged => "acknowledged",
        }
    }
}

/// What can be asked of a notice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoticeCommand {
    /// Send the notice.
    Send {
        /// Who it is for.
        to: Addressee,
        /// The instance it is about (`case/0042/cb-7/0`, …).
        about: String,
        /// The customer concerned, if any.
        customer: Option<String>,
        /// What happened.
        topic: Topic,
    },
    /// The addressee (someone holding the role, or the person) has seen it.
    Acknowledge,
}

/// The kinds of [`NoticeCommand`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[allow(missing_docs)] // one per command
pub enum NoticeCommandKind {
    Send,
    Acknowledge,
}

impl Kind for NoticeCommandKind {
    const ALL: &'static [Self] = &[Self::Send, Self::Acknowledge];

    fn name(self) -> &'static str {
        match self {
            Self::Send => "send",
            Self::Acknowledge => "acknowledge",
        }
    }
}

/// A fact in a notice's life.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum NoticeEvent {
    /// The notice was sent.
    Sent {
        /// When.
        at: DateTime<Utc>,
        /// Who it is for.
        to: Addressee,
        /// The instance it is about.
        about: String,
        /// The customer concerned.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        customer: Option<String>,
        /// What happened.
        topic: Topic,
    },
    /// The addressee saw it.
    Acknowledged {
        /// When.
        at: DateTime<Utc>,
        /// Who.
        by: String,
    },
}

/// A notice's state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeState {
    kind: NoticeKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sent: Option<SentNotice>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    acknowledged_by: Option<String>,
}

/// A notice as sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentNotice {
    /// When.
    pub at: DateTime<Utc>,
    /// Who it is for.
    pub to: Addressee,
    /// The instance it is about.
    pub about: String,
    /// The customer concerned.
    pub customer: Option<String>,
    /// What happened.
    pub topic: Topic,
}

impl NoticeState {
    /// The kind of state.
    #[must_use]
    pub fn kind(&self) -> NoticeKind {
        self.kind
    }

    /// The notice, once sent.
    #[must_use]
    pub fn sent(&self) -> Option<&SentNotice> {
        self.sent.as_ref()
    }

    /// Who acknowledged it.
    #[must_use]
    pub fn acknowledged_by(&self) -> Option<&str> {
        self.acknowledged_by.as_deref()
    }
}

/// Why a notice refused a command.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NoticeError {
    /// Someone the notice is not for tried to acknowledge it. How to fix: act as the addressee.
    #[error("the notice is for {to}; `{principal}` may not acknowledge it")]
    NotTheAddressee {
        /// Who tried.
        principal: String,
        /// Who it is for.
        to: Addressee,
    },
}

const TABLE: &[Transition<NoticeKind, NoticeCommandKind>] = &[
    Transition::new(NoticeKind::New, NoticeCommandKind::Send, &[NoticeKind::Sent]),
    Transition::new(NoticeKind::Sent, NoticeCommandKind::Acknowledge, &[NoticeKind::Acknowledged]),
];

impl Machine for Notice {
    const NAME: &'static str = "notice";
    type State = NoticeState;
    type Command = NoticeCommand;
    type Event = NoticeEvent;
    type Config = ();
    type Error = NoticeError;
    type StateKind = NoticeKind;
    type CommandKind = NoticeCommandKind;

    fn initial() -> NoticeState {
        NoticeState::default()
    }

    fn transitions() -> &'static [Transition<NoticeKind, NoticeCommandKind>] {
        TABLE
    }

    fn finals() -> &'static [NoticeKind] {
        &[NoticeKind::Acknowledged]
    }

    fn state_kind(state: &NoticeState) -> NoticeKind {
        state.kind
    }

    fn command_kind(command: &NoticeCommand) -> NoticeCommandKind {
        match command {
            NoticeCommand::Send { .. } => NoticeCommandKind::Send,
            NoticeCommand::Acknowledge => NoticeCommandKind::Acknowledge,
        }
    }

    fn handle(
        state: &NoticeState,
        command: &NoticeCommand,
        ctx: &Context<'_, ()>,
    ) -> Result<Vec<NoticeEvent>, NoticeError> {
        let now = ctx.now();
        match command {
            NoticeCommand::Send { to, about, customer, topic } => Ok(vec![NoticeEvent::Sent {
                at: now,
                to: to.clone(),
                about: about.clone(),
                customer: customer.clone(),
                topic: topic.clone(),
            }]),
            NoticeCommand::Acknowledge => {
                let principal = ctx.principal();
                let Some(sent) = &state.sent else { return Ok(Vec::new()) };
                let allowed = principal.is_system()
                    || match &sent.to {
                        Addressee::Role(role) => principal.has_role(role),
                        Addressee::Person(person) => principal.id() == person,
                    };
                if !allowed {
                    return Err(NoticeError::NotTheAddressee {
                        principal: principal.id().to_owned(),
                        to: sent.to.clone(),
                    });
                }
                Ok(vec![NoticeEvent::Acknowledged { at: now, by: principal.id().to_owned() }])
            }
        }
    }

    fn kind_after(state: &NoticeState, events: &[NoticeEvent]) -> NoticeKind {
        match events.last() {
            Some(NoticeEvent::Sent { .. }) => NoticeKind::Sent,
            Some(NoticeEvent::Acknowledged { .. }) => NoticeKind::Acknowledged,
            None => state.kind,
        }
    }

    fn evolve(state: &mut NoticeState, event: &NoticeEvent) {
        match event {
            NoticeEvent::Sent { at, to, about, customer, topic } => {
                state.kind = NoticeKind::Sent;
                state.sent = Some(SentNotice {
                    at: *at,
                    to: to.clone(),
                    about: about.clone(),
                    customer: customer.clone(),
                    topic: topic.clone(),
                });
            }
            NoticeEvent::Acknowledged { by, .. } => {
                state.kind = NoticeKind::Acknowledged;
                state.acknowledged_by = Some(by.clone());
            }
        }
    }
}
