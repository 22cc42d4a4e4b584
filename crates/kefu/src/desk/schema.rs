//! The desk's machines as a store keeps them: schema versions and tick commands.

use super::board::{Board, BoardCommand};
use super::campaign::CampaignRun;
use super::notice::Notice;
use super::profile::Profile;
use crate::callback::{Callback, CallbackCommand};
use crate::case::{Case, CaseCommand};
use crate::lifecycle::{Lifecycle, LifecycleCommand};
use crate::script::ScriptRun;
use crate::store::{Tickable, Versioned};

impl Versioned for Lifecycle {}
impl Tickable for Lifecycle {
    fn tick() -> LifecycleCommand {
        LifecycleCommand::Tick
    }
}

impl Versioned for Callback {}
impl Tickable for Callback {
    fn tick() -> CallbackCommand {
        CallbackCommand::Tick
    }
}

impl Versioned for Case {}
impl Tickable for Case {
    fn tick() -> CaseCommand {
        CaseCommand::Tick
    }
}

impl Versioned for Board {
    /// 2: the state knows who holds each item (`held`); older snapshots are ignored and the board replayed.
    const STATE_SCHEMA: u32 = 2;
}
impl Tickable for Board {
    fn tick() -> BoardCommand {
        BoardCommand::Tick
    }
}

impl Versioned for ScriptRun {}
impl Versioned for Notice {}
impl Versioned for Profile {}
impl Versioned for CampaignRun {}
