//! What a batch or a rebalancing did: [`Batch`], [`Move`], [`Rebalance`].

use super::{ItemId, NoEligible, SpecialistId};

/// One item given to one specialist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    /// The item.
    pub item: ItemId,
    /// Who got it.
    pub specialist: SpecialistId,
}

/// The result of [`Team::assign_all`](super::Team::assign_all) (rule B2): every item of the batch is either in
/// `assigned` or in `unassigned`, each list in the batch's order — none is dropped (rule B10).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Batch {
    /// The items assigned, and to whom.
    pub assigned: Vec<Assignment>,
    /// The items nobody could take, each with the reasons; they are not in the team.
    pub unassigned: Vec<NoEligible>,
}

/// One item moved from one specialist to another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Move {
    /// The item.
    pub item: ItemId,
    /// Who held it.
    pub from: SpecialistId,
    /// Who holds it now.
    pub to: SpecialistId,
}

/// The result of [`Team::leave`](super::Team::leave) or [`Team::reassign_from`](super::Team::reassign_from): every
/// item the specialist held is either in `moves` or in `stranded`, in item-id order — none is lost.
///
/// After `leave`, stranded items are no longer in the team (the caller decides what to do with them); after
/// `reassign_from`, they stay with the specialist.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rebalance {
    /// The items moved, and to whom.
    pub moves: Vec<Move>,
    /// The items no other specialist could take, with the reasons.
    pub stranded: Vec<NoEligible>,
}
