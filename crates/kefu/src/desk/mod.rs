//! The department as one running system: one configuration, the reactions between machines, and the [`Desk`]
//! that runs them over any store.
//!
//! Machines never call each other. Three nouns join them into a department:
//!
//! - [`DeskConfig`]: the department's whole configuration — calendars, people and roles, departments, every
//!   machine's policy, scripts, campaigns — checked at once by [`DeskConfig::compile`].
//! - A **reaction** ([`REACTIONS`]): a recorded event of one machine becomes commands on other instances, each with
//!   a deterministic target ([`ids`]) and an idempotency key derived from the source event.
//! - The [`Desk`]: ERP [`Fact`]s and commands in; [`Desk::tick`] fires every machine's deadlines and follows the log
//!   with a durable cursor to apply the reactions, each exactly once, on one process or many.
//!
//! Besides the domain's machines the desk runs four small ones of its own: the assignment [`Board`] (who holds
//! how much, rules C3 and B2), [`Notice`]s to roles and people (escalations, B6), customer [`Profile`]s (details,
//! B9) and [`CampaignRun`]s (B8).

mod board;
mod campaign;
mod command;
mod config;
mod error;
#[cfg(any(feature = "toml", feature = "json"))]
mod file;
pub mod ids;
mod notice;
mod picture;
mod profile;
mod reaction;
mod runtime;
mod schema;
mod token;
mod view;

pub use board::{Board, BoardCommand, BoardCommandKind, BoardEvent, BoardKind, BoardState, WaitingItem};
pub use campaign::{CampaignCommand, CampaignCommandKind, CampaignEvent, CampaignKind, CampaignRun, CampaignState};
pub use command::{DeskCommand, Fact};
pub use config::{
    Campaign, Compiled, ConfigIssue, ConfigIssues, Department, DeskConfig, Person, SPECIALIST, SUPERVISOR, ScriptBook,
    Selector,
};
pub use error::{DeskError, RefusalKind};
#[cfg(feature = "json")]
pub use file::load_json;
#[cfg(feature = "toml")]
pub use file::load_toml;
#[cfg(any(feature = "toml", feature = "json"))]
pub use file::{ConfigError, ConfigErrors, MAX_CONFIG_BYTES, ReadFile};
pub use notice::{
    Addressee, Notice, NoticeCommand, NoticeCommandKind, NoticeError, NoticeEvent, NoticeKind, NoticeState, SentNotice,
    Topic,
};
pub use picture::{reactions_to_dot, reactions_to_mermaid};
pub use profile::{Details, Profile, ProfileCommand, ProfileCommandKind, ProfileEvent, ProfileKind, ProfileState};
pub use reaction::{Lookup, REACTIONS, Reaction, Step, declared, reactions_for};
pub use runtime::{Desk, Done, REACTIONS_CURSOR, Submitted, TickReport};
pub use token::{ServiceToken, hash as token_hash};
pub use view::CustomerView;
