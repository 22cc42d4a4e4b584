//! Balanced assignment (rules C3, B2, O1): customers, callbacks and contacts go to the eligible specialist with the
//! lowest load relative to their ability.
//!
//! A [`Team`] holds the specialists — each with an ability **weight** (≥ 1), **skills** and optionally a
//! **calendar** (working days, leave) — and what each currently holds. Work is an [`Item`]: an id and the skills it
//! requires.
//!
//! # The rule
//!
//! 1. **Eligible**: the specialist holds every skill the item requires (rule O1) and is available at `now` per
//!    their calendar ([`Availability`]: working that date by default, or open at that instant). Without a calendar,
//!    always available.
//! 2. **Balanced**: among the eligible, the item goes to the one whose load/weight **after taking it**,
//!    `(load + 1) / weight`, is lowest (rule C3). Ratios are compared exactly, by cross-multiplication in integers.
//! 3. **Deterministic**: ties go to the smallest [`SpecialistId`].
//!
//! For equal weights this is "the least loaded specialist". For unequal weights, counting the item being given
//! keeps the largest load/weight as low as possible: with `(load + 1) / weight`, a weight-10 specialist takes the
//! first nine items of an empty team before a weight-1 colleague takes one, whereas comparing `load / weight`
//! would give the weight-1 specialist one of the first two items — already a load/weight of 1, ten times the
//! other's. (This is the D'Hondt rule of apportionment, with weights as votes and items as seats.)
//!
//! # Laws (property-tested in `tests/assign_laws.rs`)
//!
//! - No item is ever given to an ineligible specialist, by [`Team::assign`], [`Team::assign_all`],
//!   [`Team::leave`] or [`Team::reassign_from`].
//! - Same team, same items, same `now` → same assignments.
//! - **No improving move.** After any sequence of assignments and departures ([`Team::leave`]) in a team whose
//!   members are all eligible for every item, for every two specialists *i*, *j* with *i* holding at least one
//!   item: `load_i / weight_i ≤ (load_j + 1) / weight_j` — moving an item from *i* to *j* would not lower the
//!   larger of their two ratios. *Proof:* when *i* took its latest item its new ratio was the lowest
//!   `(load + 1) / weight` on offer, so at most `(load_j + 1) / weight_j` for *j*'s load then; *j*'s load has only
//!   grown since, and *i*'s has not changed. A departure removes a specialist and hands the items out by the same
//!   choice, so the argument still holds for those who remain.
//! - Consequences: with equal weights, loads differ by at most one, so each is within one unit of the ideal
//!   `n / k`; with any weights, each specialist holds at least `⌊n · weight / total weight⌋` items (if one held
//!   fewer, every ratio would be at most `n / total weight` by the law, and the loads would sum to less than *n*).
//! - With skills or availability restricting who may take what, no assignment rule that sees one item at a time
//!   can promise the law: the choice for each item is still the rule above (checked against an independent
//!   oracle), and [`Team::assign_all`] places the most constrained items first to come close.
//! - After [`Team::leave`] or [`Team::reassign_from`], each of the specialist's items is held by an eligible
//!   specialist or reported in [`Rebalance::stranded`]: none is lost.
//!
//! Releasing items ([`Team::release`]) can leave loads uneven; new work then flows to the least loaded first.
//!
//! # Cost
//!
//! With *k* specialists: [`Team::choose`] and [`Team::assign`] ask each distinct calendar once (see the
//! [calendar costs](crate::calendar#cost)) and compare in O(*k*). [`Team::assign_all`] asks the calendars once per
//! batch, groups the items by required skills, and then costs O(*k*) per item plus O(*n* log *n*) to order the
//! batch and record who holds what. 100 000 items over 50 specialists take a few times as long as a bare scan
//! implementing the same rule without ids or bookkeeping, and several times less than assigning them one by one
//! (`benches/benches/assign.rs`). Ids are shared text: cloning one does not copy it.
//!
//! # Example: a morning's distribution on the Shanghai desk (rules C3, B2)
//!
//! ```
//! use chrono::TimeZone;
//! use chrono_tz::Asia::Shanghai;
//! use kefu::assign::{Item, Specialist, Team};
//! use kefu::calendar::{Calendar, CalendarSet};
//!
//! let desk = Calendar::from_toml_str(r#"
//!     time_zone = "Asia/Shanghai"
//!     week = { mon = ["09:00-18:00"], tue = ["09:00-18:00"], wed = ["09:00-18:00"], thu = ["09:00-18:00"], fri = ["09:00-18:00"] }
//! "#)?;
//! let on_leave = Calendar::from_toml_str(r#"
//!     time_zone = "Asia/Shanghai"
//!     week = { mon = ["09:00-18:00"], tue = ["09:00-18:00"], wed = ["09:00-18:00"], thu = ["09:00-18:00"], fri = ["09:00-18:00"] }
//!     holidays = [{ from = "2026-11-02", to = "2026-11-06", name = "annual leave" }]
//! "#)?;
//! let calendars: CalendarSet = [("desk", desk), ("zhao.lei", on_leave)].into_iter().collect();
//!
//! let mut team = Team::new(calendars);
//! team.add(Specialist::new("li.wei").with_weight(2).with_skill("chemicals").with_calendar("desk"))?;
//! team.add(Specialist::new("wang.fang").with_skill("chemicals").with_calendar("desk"))?;
//! team.add(Specialist::new("zhao.lei").with_weight(3).with_skill("chemicals").with_calendar("zhao.lei"))?;
//!
//! // Monday 2 November 2026, 08:30: the consolidated callback list (B2) is distributed before the desk opens.
//! let now = Shanghai.with_ymd_and_hms(2026, 11, 2, 8, 30, 0).unwrap().to_utc();
//! let callbacks = (1..=6).map(|n| Item::new(format!("callback-{n}")).requiring("chemicals"));
//! let batch = team.assign_all(callbacks, now)?;
//! assert!(batch.unassigned.is_empty());
//! assert_eq!(team.load("li.wei"), Some(4)); // weight 2: twice wang.fang's share
//! assert_eq!(team.load("wang.fang"), Some(2));
//! assert_eq!(team.load("zhao.lei"), Some(0)); // on leave per their calendar
//!
//! // Nobody speaks English: the error says why each specialist was excluded.
//! let err = team.assign(Item::new("c-17").requiring("english"), now).unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "no eligible specialist for `c-17` (needs english): lacks english: li.wei, wang.fang, zhao.lei",
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod availability;
mod error;
mod id;
mod item;
mod outcome;
mod specialist;

pub use availability::Availability;
pub use error::{AssignError, Exclusion, ExclusionReason, NoEligible, RosterError};
pub use id::{ItemId, SpecialistId};
pub use item::Item;
pub use outcome::{Assignment, Batch, Move, Rebalance};
pub use specialist::Specialist;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Utc};

use crate::calendar::{Calendar, CalendarSet};

/// A team of specialists and the work each holds: the supervisor's assignment board (rules C3, B2).
///
/// See the [module documentation](self) for the rule, its laws and its cost. The core never reads the clock:
/// every operation that depends on availability takes `now`.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use kefu::assign::{Item, Specialist, Team};
/// use kefu::calendar::CalendarSet;
///
/// let mut team = Team::new(CalendarSet::new());
/// team.add(Specialist::new("a"))?;
/// team.add(Specialist::new("b"))?;
/// let now = Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).unwrap();
/// assert_eq!(team.assign(Item::new("c-1"), now)?.as_str(), "a"); // tie: smallest id
/// assert_eq!(team.assign(Item::new("c-2"), now)?.as_str(), "b"); // least loaded
/// assert_eq!(team.holder("c-1").map(|s| s.as_str()), Some("a"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Team {
    calendars: CalendarSet,
    availability: Availability,
    /// Sorted by id, so that index order is the tie-break order.
    members: Vec<Member>,
    holders: HashMap<ItemId, SpecialistId>,
}

#[derive(Clone, Debug)]
struct Member {
    specialist: Specialist,
    calendar: Option<Calendar>,
    items: BTreeMap<ItemId, Item>,
}

impl Member {
    fn load(&self) -> usize {
        self.items.len()
    }

    fn missing_skills(&self, item: &Item) -> Vec<String> {
        item.skill_set().difference(self.specialist.skill_set()).cloned().collect()
    }
}

/// Whether giving the next item to a specialist with load `la` and weight `wa` leaves a lower load/weight than
/// giving it to one with `lb`, `wb`: `(la+1)/wa < (lb+1)/wb`, compared exactly by cross-multiplication.
fn lower((la, wa): (usize, u32), (lb, wb): (usize, u32)) -> bool {
    (la as u128 + 1) * u128::from(wb) < (lb as u128 + 1) * u128::from(wa)
}

/// Per member (by index): `None` when available, or why not.
type Mask = Vec<Option<ExclusionReason>>;

impl Team {
    /// An empty team whose specialists' calendars are looked up in `calendars`, with
    /// [`Availability::WorkingDate`].
    #[must_use]
    pub fn new(calendars: CalendarSet) -> Self {
        Self { calendars, availability: Availability::default(), members: Vec::new(), holders: HashMap::new() }
    }

    /// The same team, deciding availability as `availability` says.
    #[must_use]
    pub fn with_availability(mut self, availability: Availability) -> Self {
        self.availability = availability;
        self
    }

    /// How availability is decided.
    #[must_use]
    pub fn availability(&self) -> Availability {
        self.availability
    }

    /// The calendars specialists' calendar names refer to.
    #[must_use]
    pub fn calendars(&self) -> &CalendarSet {
        &self.calendars
    }

    /// Adds a specialist, holding nothing.
    ///
    /// Errors: a weight of 0, an id already in the team, a calendar name the team's set does not have.
    ///
    /// ```
    /// use kefu::assign::{RosterError, Specialist, Team};
    /// use kefu::calendar::CalendarSet;
    ///
    /// let mut team = Team::new(CalendarSet::new());
    /// team.add(Specialist::new("li.wei"))?;
    /// let err = team.add(Specialist::new("li.wei")).unwrap_err();
    /// assert!(matches!(err, RosterError::DuplicateSpecialist { .. }));
    /// let err = team.add(Specialist::new("wang.fang").with_weight(0)).unwrap_err();
    /// assert_eq!(err.to_string(), "specialist `wang.fang` has weight 0; ability weights must be at least 1");
    /// let err = team.add(Specialist::new("zhao.lei").with_calendar("leave")).unwrap_err();
    /// assert_eq!(err.to_string(), "specialist `zhao.lei`: unknown calendar `leave` (known: )");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add(&mut self, specialist: Specialist) -> Result<(), RosterError> {
        let id = specialist.id().clone();
        if specialist.weight() == 0 {
            return Err(RosterError::ZeroWeight { specialist: id });
        }
        let at = match self.position(id.as_str()) {
            Ok(_) => return Err(RosterError::DuplicateSpecialist { specialist: id }),
            Err(at) => at,
        };
        let calendar = match specialist.calendar() {
            Some(name) => Some(
                self.calendars
                    .get(name)
                    .map_err(|source| RosterError::UnknownCalendar { specialist: id, source })?
                    .clone(),
            ),
            None => None,
        };
        self.members.insert(at, Member { specialist, calendar, items: BTreeMap::new() });
        Ok(())
    }

    /// The specialists, in id order.
    pub fn specialists(&self) -> impl Iterator<Item = &Specialist> {
        self.members.iter().map(|m| &m.specialist)
    }

    /// The specialist of that id.
    #[must_use]
    pub fn specialist(&self, id: &str) -> Option<&Specialist> {
        self.member(id).map(|m| &m.specialist)
    }

    /// How many items the specialist holds, or `None` if they are not in the team.
    #[must_use]
    pub fn load(&self, id: &str) -> Option<usize> {
        self.member(id).map(Member::load)
    }

    /// The items the specialist holds, in item-id order (empty if they are not in the team).
    pub fn items_of(&self, id: &str) -> impl Iterator<Item = &Item> {
        self.member(id).into_iter().flat_map(|m| m.items.values())
    }

    /// Who holds the item, if anyone.
    #[must_use]
    pub fn holder(&self, item: &str) -> Option<&SpecialistId> {
        self.holders.get(item)
    }

    /// How many items the team holds in all.
    #[must_use]
    pub fn total_load(&self) -> usize {
        self.holders.len()
    }

    /// Whether the specialist may be given work at `now` per their calendar and the team's [`Availability`]
    /// (skills aside).
    ///
    /// Errors: an unknown specialist; an instant the calendar cannot answer for.
    pub fn is_available(&self, id: &str, now: DateTime<Utc>) -> Result<bool, AssignError> {
        let member = self.member(id).ok_or_else(|| AssignError::UnknownSpecialist { specialist: id.into() })?;
        Ok(self.unavailability(member, now)?.is_none())
    }

    /// Who would get `item` at `now`, without assigning it: the eligible specialist with the lowest
    /// `(load + 1) / weight`, ties to the smallest id (rule C3). Pure: the team is unchanged.
    ///
    /// Errors: nobody eligible ([`AssignError::NoEligible`], naming why each specialist was excluded); the item
    /// is already assigned; a calendar that cannot answer for `now`.
    ///
    /// Cost: one calendar query per specialist with a calendar, and O(*k*) comparisons.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use kefu::assign::{Item, Specialist, Team};
    /// use kefu::calendar::CalendarSet;
    ///
    /// let mut team = Team::new(CalendarSet::new());
    /// team.add(Specialist::new("li.wei").with_skill("chemicals"))?;
    /// team.add(Specialist::new("wang.fang"))?;
    /// let now = Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).unwrap();
    /// let item = Item::new("c-1").requiring("chemicals");
    /// assert_eq!(team.choose(&item, now)?.as_str(), "li.wei");
    /// assert_eq!(team.load("li.wei"), Some(0)); // nothing assigned
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn choose(&self, item: &Item, now: DateTime<Utc>) -> Result<SpecialistId, AssignError> {
        self.check_unassigned(item.id())?;
        let mask = self.mask(now, None)?;
        self.best_for(item, &mask)
            .map(|i| self.members[i].specialist.id().clone())
            .ok_or_else(|| AssignError::from(NoEligible { item: item.clone(), excluded: self.exclusions(item, &mask) }))
    }

    /// Who would get `item` at `now` if each specialist held `load(id)` items rather than what this team holds: the
    /// rule of [`Team::choose`] (eligible by skills and calendar, lowest `(load + 1) / weight`, ties to the smallest
    /// id) over loads kept elsewhere — a durable board of counts, for instance.
    ///
    /// Errors: nobody eligible ([`AssignError::NoEligible`]); a calendar that cannot answer for `now`.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use kefu::assign::{Item, Specialist, Team};
    /// use kefu::calendar::CalendarSet;
    ///
    /// let mut team = Team::new(CalendarSet::new());
    /// team.add(Specialist::new("li.wei"))?;
    /// team.add(Specialist::new("wang.fang"))?;
    /// let now = Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).unwrap();
    /// let loads = |id: &str| if id == "li.wei" { 3 } else { 1 };
    /// assert_eq!(team.choose_by_loads(&Item::new("c-9"), now, loads)?.as_str(), "wang.fang");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn choose_by_loads(
        &self,
        item: &Item,
        now: DateTime<Utc>,
        load: impl Fn(&str) -> usize,
    ) -> Result<SpecialistId, AssignError> {
        let mask = self.mask(now, None)?;
        let eligible = (0..self.members.len()).filter(|&i| self.eligible(i, item, &mask));
        self.best_among(eligible, |i| load(self.members[i].specialist.id().as_str()))
            .map(|i| self.members[i].specialist.id().clone())
            .ok_or_else(|| AssignError::from(NoEligible { item: item.clone(), excluded: self.exclusions(item, &mask) }))
    }

    /// Assigns `item` to the specialist [`Team::choose`] names and returns who it is (rule C3).
    ///
    /// Errors as for `choose`; on an error nothing changes.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use kefu::assign::{Item, Specialist, Team};
    /// use kefu::calendar::CalendarSet;
    ///
    /// let mut team = Team::new(CalendarSet::new());
    /// team.add(Specialist::new("senior").with_weight(3))?;
    /// team.add(Specialist::new("junior"))?;
    /// let now = Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).unwrap();
    /// for n in 0..8 {
    ///     team.assign(Item::new(format!("customer-{n}")), now)?;
    /// }
    /// assert_eq!((team.load("senior"), team.load("junior")), (Some(6), Some(2)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn assign(&mut self, item: Item, now: DateTime<Utc>) -> Result<SpecialistId, AssignError> {
        let who = self.choose(&item, now)?;
        self.insert(item, &who);
        Ok(who)
    }

    /// Distributes a consolidated list of items at `now` (rule B2, with rule C3 for each item), and reports every
    /// item as assigned or unassigned — none is dropped (B10).
    ///
    /// The most constrained items go first — those with the fewest eligible specialists, then in list order — so
    /// that items only a few can take do not find them already loaded with items anyone could take. With equal
    /// constraints the list order is kept, and the result is the same as calling [`Team::assign`] for each item in
    /// turn.
    ///
    /// Errors, before anything changes: an item listed twice or already assigned; a calendar that cannot answer
    /// for `now`.
    ///
    /// Cost: one calendar query per specialist for the whole batch, then O(*k*) per item and O(*n* log *n*).
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use kefu::assign::{Item, Specialist, Team};
    /// use kefu::calendar::CalendarSet;
    ///
    /// let mut team = Team::new(CalendarSet::new());
    /// team.add(Specialist::new("a").with_skill("english"))?;
    /// team.add(Specialist::new("b"))?;
    /// let now = Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).unwrap();
    /// let batch = team.assign_all(
    ///     [Item::new("1"), Item::new("2").requiring("english"), Item::new("3").requiring("russian")],
    ///     now,
    /// )?;
    /// // "2" needs English and goes first, to `a`; "1" then goes to the less loaded `b`.
    /// let got: Vec<_> = batch.assigned.iter().map(|a| (a.item.as_str(), a.specialist.as_str())).collect();
    /// assert_eq!(got, [("1", "b"), ("2", "a")]);
    /// assert_eq!(batch.unassigned[0].item.id().as_str(), "3");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn assign_all(
        &mut self,
        items: impl IntoIterator<Item = Item>,
        now: DateTime<Utc>,
    ) -> Result<Batch, AssignError> {
        let items: Vec<Item> = items.into_iter().collect();
        let mut seen = HashSet::with_capacity(items.len());
        for item in &items {
            self.check_unassigned(item.id())?;
            if !seen.insert(item.id()) {
                return Err(AssignError::DuplicateInBatch { item: item.id().clone() });
            }
        }
        drop(seen);
        let mask = self.mask(now, None)?;
        let (placed, stranded) = self.distribute(items, &mask);
        let assigned = placed
            .into_iter()
            .map(|(item, i)| Assignment { item, specialist: self.members[i].specialist.id().clone() })
            .collect();
        Ok(Batch { assigned, unassigned: stranded })
    }

    /// Records an assignment made elsewhere, as it is — e.g. loading the current assignments from the ERP's
    /// database — without checking skills, availability or balance.
    ///
    /// Errors: an unknown specialist; an item already assigned.
    ///
    /// ```
    /// use kefu::assign::{Item, Specialist, Team};
    /// use kefu::calendar::CalendarSet;
    ///
    /// let mut team = Team::new(CalendarSet::new());
    /// team.add(Specialist::new("li.wei"))?;
    /// team.place(Item::new("c-1"), "li.wei")?;
    /// assert_eq!(team.load("li.wei"), Some(1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn place(&mut self, item: Item, to: &str) -> Result<(), AssignError> {
        self.check_unassigned(item.id())?;
        let i = self.index(to)?;
        let who = self.members[i].specialist.id().clone();
        self.insert(item, &who);
        Ok(())
    }

    /// Takes an item off its holder — it is done, or goes elsewhere — and returns who held it and the item. The
    /// holder's load drops by one.
    ///
    /// Errors: no such item assigned.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use kefu::assign::{Item, Specialist, Team};
    /// use kefu::calendar::CalendarSet;
    ///
    /// let mut team = Team::new(CalendarSet::new());
    /// team.add(Specialist::new("li.wei"))?;
    /// let now = Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).unwrap();
    /// team.assign(Item::new("callback-1"), now)?;
    /// let (holder, item) = team.release("callback-1")?;
    /// assert_eq!((holder.as_str(), item.id().as_str()), ("li.wei", "callback-1"));
    /// assert_eq!(team.load("li.wei"), Some(0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn release(&mut self, item: &str) -> Result<(SpecialistId, Item), AssignError> {
        let holder = self.holders.remove(item).ok_or_else(|| AssignError::UnknownItem { item: item.into() })?;
        let i = self.position(holder.as_str()).unwrap_or_else(|_| unreachable!("a holder is a member"));
        let taken = self.members[i].items.remove(item).unwrap_or_else(|| unreachable!("a holder holds its item"));
        Ok((holder, taken))
    }

    /// Removes a specialist from the team and reassigns each of their items, in item-id order (most constrained
    /// first, as in [`Team::assign_all`]), to the rest by the same rule at `now`.
    ///
    /// Returns the moves, and the items nobody else could take ([`Rebalance::stranded`]), which are no longer in
    /// the team: none is lost.
    ///
    /// Errors, before anything changes: an unknown specialist; a calendar that cannot answer for `now`.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use kefu::assign::{Item, Specialist, Team};
    /// use kefu::calendar::CalendarSet;
    ///
    /// let mut team = Team::new(CalendarSet::new());
    /// for id in ["a", "b", "c"] {
    ///     team.add(Specialist::new(id).with_skill("chemicals"))?;
    /// }
    /// let now = Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).unwrap();
    /// team.assign_all((0..6).map(|n| Item::new(format!("c-{n}")).requiring("chemicals")), now)?;
    /// let rebalance = team.leave("b", now)?;
    /// assert_eq!(rebalance.moves.len(), 2);
    /// assert!(rebalance.stranded.is_empty());
    /// assert_eq!((team.load("a"), team.load("c")), (Some(3), Some(3)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn leave(&mut self, id: &str, now: DateTime<Utc>) -> Result<Rebalance, AssignError> {
        let i = self.index(id)?;
        let mut mask = self.mask(now, Some(i))?;
        mask.remove(i);
        let member = self.members.remove(i);
        for item in member.items.keys() {
            self.holders.remove(item);
        }
        let from = member.specialist.id().clone();
        Ok(self.move_away(from, member.items.into_values().collect(), &mask))
    }

    /// Moves every item of a specialist who stays in the team — back from leave later, say — to the others by the
    /// same rule at `now`. A specialist who becomes unavailable keeps their items until this is called.
    ///
    /// Items nobody else can take stay with the specialist and are reported in [`Rebalance::stranded`].
    ///
    /// Errors, before anything changes: an unknown specialist; a calendar that cannot answer for `now`.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use kefu::assign::{Item, Specialist, Team};
    /// use kefu::calendar::CalendarSet;
    ///
    /// let mut team = Team::new(CalendarSet::new());
    /// team.add(Specialist::new("a").with_skill("english"))?;
    /// team.add(Specialist::new("b"))?;
    /// let now = Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).unwrap();
    /// team.place(Item::new("c-1"), "a")?;
    /// team.place(Item::new("c-2").requiring("english"), "a")?;
    /// let rebalance = team.reassign_from("a", now)?;
    /// assert_eq!(rebalance.moves[0].to.as_str(), "b");
    /// assert_eq!(rebalance.stranded[0].item.id().as_str(), "c-2"); // only `a` speaks English
    /// assert_eq!(team.holder("c-2").map(|s| s.as_str()), Some("a"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reassign_from(&mut self, id: &str, now: DateTime<Utc>) -> Result<Rebalance, AssignError> {
        let i = self.index(id)?;
        let mask = self.mask(now, Some(i))?;
        let items = std::mem::take(&mut self.members[i].items);
        for item in items.keys() {
            self.holders.remove(item);
        }
        let from = self.members[i].specialist.id().clone();
        let rebalance = self.move_away(from.clone(), items.into_values().collect(), &mask);
        for stranded in &rebalance.stranded {
            self.insert(stranded.item.clone(), &from);
        }
        Ok(rebalance)
    }

    // ----- internals -----

    fn position(&self, id: &str) -> Result<usize, usize> {
        self.members.binary_search_by(|m| m.specialist.id().as_str().cmp(id))
    }

    fn member(&self, id: &str) -> Option<&Member> {
        self.position(id).ok().map(|i| &self.members[i])
    }

    fn index(&self, id: &str) -> Result<usize, AssignError> {
        self.position(id).map_err(|_| AssignError::UnknownSpecialist { specialist: id.into() })
    }

    fn check_unassigned(&self, item: &ItemId) -> Result<(), AssignError> {
        match self.holders.get(item) {
            Some(holder) => Err(AssignError::AlreadyAssigned { item: item.clone(), specialist: holder.clone() }),
            None => Ok(()),
        }
    }

    fn insert(&mut self, item: Item, to: &SpecialistId) {
        let i = self.position(to.as_str()).unwrap_or_else(|_| unreachable!("assignments go to members"));
        self.holders.insert(item.id().clone(), to.clone());
        self.members[i].items.insert(item.id().clone(), item);
    }

    /// Why the member is unavailable at `now`, or `None`.
    fn unavailability(&self, m: &Member, now: DateTime<Utc>) -> Result<Option<ExclusionReason>, AssignError> {
        let Some(calendar) = &m.calendar else { return Ok(None) };
        let name = || m.specialist.calendar().unwrap_or_default().to_owned();
        Ok(match self.availability {
            Availability::WorkingDate => {
                let date = calendar.local(now).date_naive();
                (!calendar.is_working_date(date)).then(|| ExclusionReason::NotWorking { calendar: name(), date })
            }
            Availability::OpenAt => {
                let open = calendar.is_open(now).map_err(|source| AssignError::Calendar {
                    specialist: m.specialist.id().clone(),
                    calendar: name(),
                    source,
                })?;
                (!open).then(|| ExclusionReason::Closed { calendar: name(), at: now })
            }
        })
    }

    /// Every member's availability at `now`; `giving_up` is excluded as such. Each distinct calendar is asked once.
    fn mask(&self, now: DateTime<Utc>, giving_up: Option<usize>) -> Result<Mask, AssignError> {
        let mut asked: Vec<(&str, Option<ExclusionReason>)> = Vec::new();
        let mut mask = Vec::with_capacity(self.members.len());
        for (i, m) in self.members.iter().enumerate() {
            let reason = match m.specialist.calendar() {
                _ if Some(i) == giving_up => Some(ExclusionReason::GivingUp),
                None => None,
                Some(name) => match asked.iter().find(|(n, _)| *n == name) {
                    Some((_, reason)) => reason.clone(),
                    None => {
                        let reason = self.unavailability(m, now)?;
                        asked.push((name, reason.clone()));
                        reason
                    }
                },
            };
            mask.push(reason);
        }
        Ok(mask)
    }

    fn eligible(&self, i: usize, item: &Item, mask: &Mask) -> bool {
        mask[i].is_none() && item.skill_set().is_subset(self.members[i].specialist.skill_set())
    }

    /// The best of the candidates (ascending indices) given their loads: lowest (load+1)/weight, then smallest
    /// index (= id).
    fn best_among(&self, candidates: impl IntoIterator<Item = usize>, load: impl Fn(usize) -> usize) -> Option<usize> {
        let key = |i: usize| (load(i), self.members[i].specialist.weight());
        candidates.into_iter().reduce(|best, i| if lower(key(i), key(best)) { i } else { best })
    }

    fn best_for(&self, item: &Item, mask: &Mask) -> Option<usize> {
        self.best_among((0..self.members.len()).filter(|&i| self.eligible(i, item, mask)), |i| self.members[i].load())
    }

    fn exclusions(&self, item: &Item, mask: &Mask) -> Vec<Exclusion> {
        self.members
            .iter()
            .zip(mask)
            .map(|(m, unavailable)| {
                let missing = m.missing_skills(item);
                let reason = if missing.is_empty() {
                    unavailable.clone().unwrap_or_else(|| unreachable!("only ineligible members are excluded"))
                } else {
                    ExclusionReason::MissingSkills(missing)
                };
                Exclusion { specialist: m.specialist.id().clone(), reason }
            })
            .collect()
    }

    /// Assigns `items` (unassigned, distinct ids), most constrained first, then in the given order. Returns the
    /// placed items (item, member index) and the stranded ones, each in the given order.
    fn distribute(&mut self, items: Vec<Item>, mask: &Mask) -> (Vec<(ItemId, usize)>, Vec<NoEligible>) {
        // Candidate lists per distinct set of required skills: most batches have a handful.
        let mut groups: HashMap<&BTreeSet<String>, usize> = HashMap::new();
        let mut candidates: Vec<Vec<usize>> = Vec::new();
        let group_of: Vec<usize> = items
            .iter()
            .map(|item| {
                *groups.entry(item.skill_set()).or_insert_with(|| {
                    candidates.push((0..self.members.len()).filter(|&i| self.eligible(i, item, mask)).collect());
                    candidates.len() - 1
                })
            })
            .collect();
        drop(groups);
        let mut order: Vec<usize> = (0..items.len()).collect();
        order.sort_by_key(|&n| candidates[group_of[n]].len()); // stable: list order within equal constraint
        let mut loads: Vec<usize> = self.members.iter().map(Member::load).collect();
        let mut chosen: Vec<Option<usize>> = vec![None; items.len()];
        for &n in &order {
            if let Some(i) = self.best_among(candidates[group_of[n]].iter().copied(), |i| loads[i]) {
                chosen[n] = Some(i);
                loads[i] += 1;
            }
        }
        self.holders.reserve(items.len());
        let mut placed = Vec::with_capacity(items.len());
        let mut stranded = Vec::new();
        for (item, chosen) in items.into_iter().zip(chosen) {
            match chosen {
                Some(i) => {
                    let id = item.id().clone();
                    self.holders.insert(id.clone(), self.members[i].specialist.id().clone());
                    self.members[i].items.insert(id.clone(), item);
                    placed.push((id, i));
                }
                None => {
                    let excluded = self.exclusions(&item, mask);
                    stranded.push(NoEligible { item, excluded });
                }
            }
        }
        (placed, stranded)
    }

    /// Distributes the items a specialist gives up (in item-id order) and reports the moves.
    fn move_away(&mut self, from: SpecialistId, items: Vec<Item>, mask: &Mask) -> Rebalance {
        let (placed, stranded) = self.distribute(items, mask);
        let moves = placed
            .into_iter()
            .map(|(item, i)| Move { item, from: from.clone(), to: self.members[i].specialist.id().clone() })
            .collect();
        Rebalance { moves, stranded }
    }
}
