//! The desk's laws, checked on the log a quarter left in any store.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use super::{quarter_end, run_quarter, sample_config, seeded_plan};
use crate::approval::{Approval, ApprovalEvent};
use crate::callback::{Callback, CallbackEvent};
use crate::case::{Case, CaseEvent};
use crate::desk::{Board, BoardState, CampaignRun, Desk, Notice, NoticeEvent, Profile, REACTIONS_CURSOR, Topic, ids};
use crate::lifecycle::{Lifecycle, LifecycleEvent, LifecycleKind};
use crate::machine::{Machine, replay};
use crate::script::ScriptRun;
use crate::sla::ClockEvent;
use crate::store::{Position, RecordedEvent, Store, StoreError, Versioned, decode_event, load, load_or_new};

/// A desk law that does not hold: which, and how.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("desk law `{law}` broken: {message}")]
pub struct LawBroken {
    /// The law, by name (`one_callback_per_obligation`, …).
    pub law: &'static str,
    /// What was found.
    pub message: String,
}

fn broken(law: &'static str, message: impl Into<String>) -> LawBroken {
    LawBroken { law, message: message.into() }
}

fn store_failed(law: &'static str) -> impl Fn(StoreError) -> LawBroken {
    move |e| broken(law, format!("the store failed: {e}"))
}

/// What [`check_laws`] looked at, so that a test can tell a law that held from one that had nothing to check.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Events in the log.
    pub events: usize,
    /// Instances, each replayed.
    pub instances: usize,
    /// Follow-up obligations opened (F1, F2).
    pub obligations: usize,
    /// Callbacks opened, of any reason.
    pub callbacks: usize,
    /// Problems raised by calls (B5).
    pub problems: usize,
    /// Escalations of any clock (B6).
    pub escalations: usize,
    /// Missed callbacks (B10).
    pub missed: usize,
    /// Items given by the boards (C3, B2).
    pub given: usize,
}

fn events_of<'a, M: Versioned>(
    law: &'static str,
    log: &'a [RecordedEvent],
) -> Result<Vec<(&'a RecordedEvent, M::Event)>, LawBroken> {
    log.iter()
        .filter(|e| e.machine == M::NAME)
        .map(|e| decode_event::<M>(e).map(|d| (e, d)).map_err(store_failed(law)))
        .collect()
}

fn escalated(event: &ClockEvent) -> bool {
    matches!(event, ClockEvent::Escalated { .. })
}

/// Checks every law on the log in `store` (after a played quarter, ticked to its end):
///
/// - `one_callback_per_obligation` (F1, F2): every follow-up obligation has its callback, opened exactly once, and
///   no follow-up callback lacks its obligation; no callback of any kind is opened twice;
/// - `one_case_per_problem` (B5): every problem a call raised has exactly one case, and no problem case lacks its
///   problem;
/// - `one_notice_per_escalation` (B6): every escalation of any clock has exactly one notice about its instance;
/// - `one_report_per_missed_callback` (B10): every missed callback is reported to the supervisors exactly once;
/// - `board_loads_are_holdings` (C3, B2, O1): each specialist's load on the customer board is the number of
///   customers not closed that they hold, on the callback board the number of open callbacks assigned to them; no
///   closed item waits on a board;
/// - `replay_rebuilds_every_instance`: replaying an instance's events gives the state the store loads (its snapshot
///   plus the events after it).
///
/// # Errors
///
/// The first law found broken.
pub fn check_laws<S: Store + ?Sized>(store: &S) -> Result<Tally, LawBroken> {
    let log = store.read(Position::START, usize::MAX).map_err(store_failed("read the log"))?;
    let mut tally = Tally { events: log.len(), ..Tally::default() };
    one_callback_per_obligation(&log, &mut tally)?;
    one_case_per_problem(&log, &mut tally)?;
    one_notice_per_escalation(&log, &mut tally)?;
    one_report_per_missed_callback(&log, &mut tally)?;
    board_loads_are_holdings(store, &log, &mut tally)?;
    replay_rebuilds_every_instance(store, &log, &mut tally)?;
    Ok(tally)
}

fn one_callback_per_obligation(log: &[RecordedEvent], tally: &mut Tally) -> Result<(), LawBroken> {
    const LAW: &str = "one_callback_per_obligation";
    let mut obligations = BTreeSet::new();
    for (e, event) in events_of::<Lifecycle>(LAW, log)? {
        if let LifecycleEvent::ObligationOpened(o) = event {
            obligations.insert(ids::follow_up(e.instance.trim_start_matches("customer/"), o.id));
        }
    }
    let mut opened: BTreeMap<String, usize> = BTreeMap::new();
    for (e, event) in events_of::<Callback>(LAW, log)? {
        if matches!(event, CallbackEvent::Opened { .. }) {
            *opened.entry(e.instance.clone()).or_default() += 1;
        }
    }
    if let Some((id, n)) = opened.iter().find(|(_, n)| **n != 1) {
        return Err(broken(LAW, format!("callback {id} was opened {n} times")));
    }
    let follow_ups: BTreeSet<String> = opened.keys().filter(|id| id.contains("/follow-up/")).cloned().collect();
    if let Some(lacking) = obligations.difference(&follow_ups).next() {
        return Err(broken(LAW, format!("obligation {lacking} has no callback")));
    }
    if let Some(extra) = follow_ups.difference(&obligations).next() {
        return Err(broken(LAW, format!("follow-up callback {extra} has no obligation")));
    }
    tally.obligations = obligations.len();
    tally.callbacks = opened.len();
    Ok(())
}

fn one_case_per_problem(log: &[RecordedEvent], tally: &mut Tally) -> Result<(), LawBroken> {
    const LAW: &str = "one_case_per_problem";
    let mut problems = BTreeSet::new();
    for (e, event) in events_of::<Callback>(LAW, log)? {
        if let CallbackEvent::ProblemsRaised { problems: raised, .. } = event {
            for n in 1..=raised.len() {
                problems.insert(ids::problem_case(&e.instance, n));
            }
        }
    }
    let mut cases: BTreeMap<String, usize> = BTreeMap::new();
    for (e, event) in events_of::<Case>(LAW, log)? {
        if matches!(event, CaseEvent::Opened { .. }) && e.instance.contains("/problem-") {
            *cases.entry(e.instance.clone()).or_default() += 1;
        }
    }
    if let Some((id, n)) = cases.iter().find(|(_, n)| **n != 1) {
        return Err(broken(LAW, format!("case {id} was opened {n} times")));
    }
    let opened: BTreeSet<String> = cases.into_keys().collect();
    if let Some(lacking) = problems.difference(&opened).next() {
        return Err(broken(LAW, format!("problem {lacking} has no case")));
    }
    if let Some(extra) = opened.difference(&problems).next() {
        return Err(broken(LAW, format!("case {extra} has no problem")));
    }
    tally.problems = problems.len();
    Ok(())
}

fn one_notice_per_escalation(log: &[RecordedEvent], tally: &mut Tally) -> Result<(), LawBroken> {
    const LAW: &str = "one_notice_per_escalation";
    let mut escalations: BTreeMap<String, usize> = BTreeMap::new();
    let mut count = |instance: &str| *escalations.entry(instance.to_owned()).or_default() += 1;
    for (e, event) in events_of::<Lifecycle>(LAW, log)? {
        if matches!(&event, LifecycleEvent::FileClock { event } | LifecycleEvent::BriefingClock { event } if escalated(event))
        {
            count(&e.instance);
        }
    }
    for (e, event) in events_of::<Callback>(LAW, log)? {
        if matches!(&event, CallbackEvent::Clock { event } if escalated(event)) {
            count(&e.instance);
        }
    }
    for (e, event) in events_of::<Case>(LAW, log)? {
        if matches!(&event, CaseEvent::Clock { event, .. } if escalated(event)) {
            count(&e.instance);
        }
    }
    for (e, event) in events_of::<Approval>(LAW, log)? {
        if matches!(&event, ApprovalEvent::StepClock { event, .. } if escalated(event)) {
            count(&e.instance);
        }
    }
    let mut notices: BTreeMap<String, usize> = BTreeMap::new();
    for (_, event) in events_of::<Notice>(LAW, log)? {
        if let NoticeEvent::Sent { about, topic: Topic::Escalation { .. }, .. } = event {
            *notices.entry(about).or_default() += 1;
        }
    }
    if notices != escalations {
        let differs = escalations
            .keys()
            .chain(notices.keys())
            .find(|id| escalations.get(*id) != notices.get(*id))
            .map(|id| {
                let (e, n) = (escalations.get(id).copied().unwrap_or(0), notices.get(id).copied().unwrap_or(0));
                format!("{id}: {e} escalations, {n} notices")
            })
            .unwrap_or_default();
        return Err(broken(LAW, differs));
    }
    tally.escalations = escalations.values().sum();
    Ok(())
}

fn one_report_per_missed_callback(log: &[RecordedEvent], tally: &mut Tally) -> Result<(), LawBroken> {
    const LAW: &str = "one_report_per_missed_callback";
    let mut missed: BTreeMap<String, usize> = BTreeMap::new();
    for (e, event) in events_of::<Callback>(LAW, log)? {
        if matches!(event, CallbackEvent::Missed { .. }) {
            *missed.entry(e.instance.clone()).or_default() += 1;
        }
    }
    let mut reports: BTreeMap<String, usize> = BTreeMap::new();
    for (_, event) in events_of::<Notice>(LAW, log)? {
        if let NoticeEvent::Sent { about, topic: Topic::MissedCallback, .. } = event {
            *reports.entry(about).or_default() += 1;
        }
    }
    if let Some((id, n)) = missed.iter().find(|(id, n)| reports.get(*id) != Some(*n)) {
        let r = reports.get(id).copied().unwrap_or(0);
        return Err(broken(LAW, format!("callback {id} was missed {n} times and reported {r} times")));
    }
    if let Some(id) = reports.keys().find(|id| !missed.contains_key(*id)) {
        return Err(broken(LAW, format!("{id} was reported missed but never was")));
    }
    tally.missed = missed.len();
    Ok(())
}

fn board_loads_are_holdings<S: Store + ?Sized>(
    store: &S,
    log: &[RecordedEvent],
    tally: &mut Tally,
) -> Result<(), LawBroken> {
    const LAW: &str = "board_loads_are_holdings";
    let board = |id: &str| -> Result<BoardState, LawBroken> {
        Ok(load_or_new::<Board, _>(store, id).map_err(store_failed(LAW))?.state().clone())
    };
    let mut customers: BTreeMap<String, usize> = BTreeMap::new();
    let mut callbacks: BTreeMap<String, usize> = BTreeMap::new();
    let mut closed = BTreeSet::new();
    let instances: BTreeSet<(&str, &str)> = log.iter().map(|e| (e.machine.as_str(), e.instance.as_str())).collect();
    for (machine, id) in instances {
        if machine == Lifecycle::NAME {
            let state = load::<Lifecycle, _>(store, id).map_err(store_failed(LAW))?;
            match (state.state().kind(), state.state().specialist()) {
                (LifecycleKind::Closed, _) => {
                    closed.insert(id.trim_start_matches("customer/").to_owned());
                }
                (_, Some(s)) => *customers.entry(s.to_owned()).or_default() += 1,
                (_, None) => {}
            }
        } else if machine == Callback::NAME {
            let state = load::<Callback, _>(store, id).map_err(store_failed(LAW))?;
            match (state.state().is_open(), state.state().specialist()) {
                (true, Some(s)) => *callbacks.entry(s.to_owned()).or_default() += 1,
                (true, None) => {}
                (false, _) => {
                    closed.insert(id.to_owned());
                }
            }
        }
    }
    for (name, held) in [(ids::CUSTOMER_BOARD, customers), (ids::CALLBACK_BOARD, callbacks)] {
        let state = board(name)?;
        let loads: BTreeMap<String, usize> =
            state.loads().iter().filter(|(_, n)| **n > 0).map(|(s, n)| (s.clone(), *n as usize)).collect();
        if loads != held {
            return Err(broken(LAW, format!("{name}: the loads are {loads:?} but the specialists hold {held:?}")));
        }
        if let Some(w) = state.waiting().iter().find(|w| closed.contains(&w.item)) {
            return Err(broken(LAW, format!("{name}: {} waits although it is closed", w.item)));
        }
    }
    tally.given = log.iter().filter(|e| e.machine == Board::NAME && e.payload.contains(r#""type":"given""#)).count();
    Ok(())
}

/// Replaying an instance's events gives the state the store loads (from its snapshot).
fn replays<M: Versioned, S: Store + ?Sized>(store: &S, id: &str, events: &[&RecordedEvent]) -> Result<(), LawBroken>
where
    M::State: PartialEq + std::fmt::Debug,
{
    const LAW: &str = "replay_rebuilds_every_instance";
    let decoded =
        events.iter().map(|e| decode_event::<M>(e)).collect::<Result<Vec<_>, _>>().map_err(store_failed(LAW))?;
    let replayed = replay::<M>(&decoded);
    let loaded = load::<M, _>(store, id).map_err(store_failed(LAW))?;
    if loaded != replayed {
        return Err(broken(
            LAW,
            format!("replaying {id} gives {:?}, the store loads {:?}", replayed.state(), loaded.state()),
        ));
    }
    Ok(())
}

fn replay_rebuilds_every_instance<S: Store + ?Sized>(
    store: &S,
    log: &[RecordedEvent],
    tally: &mut Tally,
) -> Result<(), LawBroken> {
    const LAW: &str = "replay_rebuilds_every_instance";
    let mut by_instance: BTreeMap<&str, Vec<&RecordedEvent>> = BTreeMap::new();
    for e in log {
        by_instance.entry(e.instance.as_str()).or_default().push(e);
    }
    for (id, events) in &by_instance {
        match events.first().map_or("", |e| e.machine.as_str()) {
            Lifecycle::NAME => replays::<Lifecycle, S>(store, id, events)?,
            Callback::NAME => replays::<Callback, S>(store, id, events)?,
            Case::NAME => replays::<Case, S>(store, id, events)?,
            Approval::NAME => replays::<Approval, S>(store, id, events)?,
            ScriptRun::NAME => replays::<ScriptRun, S>(store, id, events)?,
            Board::NAME => replays::<Board, S>(store, id, events)?,
            Notice::NAME => replays::<Notice, S>(store, id, events)?,
            Profile::NAME => replays::<Profile, S>(store, id, events)?,
            CampaignRun::NAME => replays::<CampaignRun, S>(store, id, events)?,
            other => {
                return Err(broken(LAW, format!("{id} belongs to machine `{other}`, which the desk does not run")));
            }
        }
    }
    tally.instances = by_instance.len();
    Ok(())
}

/// Applying every reaction a second time changes nothing: the desk's cursor is rewound to the start (as if a
/// worker had crashed before ever saving it), the desk ticks at `now`, and no step appends and the log does not
/// grow.
///
/// # Errors
///
/// `reapplying_changes_nothing` when something was appended, or the store failed.
pub fn check_reapply<S: Store>(desk: &Desk<S>, now: DateTime<Utc>) -> Result<(), LawBroken> {
    const LAW: &str = "reapplying_changes_nothing";
    let store = desk.store();
    let before = store.read(Position::START, usize::MAX).map_err(store_failed(LAW))?.len();
    store.save_cursor(REACTIONS_CURSOR, Position::START).map_err(store_failed(LAW))?;
    let again = desk.tick(now).map_err(|e| broken(LAW, format!("the tick failed: {e}")))?;
    let after = store.read(Position::START, usize::MAX).map_err(store_failed(LAW))?.len();
    if again.steps != 0 || after != before {
        return Err(broken(LAW, format!("{} steps appended {} events the second time", again.steps, after - before)));
    }
    Ok(())
}

/// The law [`desk_laws!`](crate::desk_laws) runs per seed: the quarter [`seeded_plan`]`(seed)` played on a desk
/// over `store` (fresh and empty) with the [`sample_config`], ticked on the one process; then [`check_laws`] and
/// [`check_reapply`].
///
/// # Panics
///
/// When a law is broken or the store fails, naming the seed.
pub fn quarter_law(store: &dyn Store, seed: u64) {
    let desk = Desk::new(store, sample_config());
    let plan = seeded_plan(seed);
    run_quarter(&desk, &plan, &mut |at| desk.tick(at).map(drop))
        .unwrap_or_else(|e| panic!("seed {seed}: playing the quarter failed: {e}"));
    let tally = check_laws(store).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    assert!(tally.callbacks > 0 && tally.given > 0, "seed {seed}: the quarter did nothing: {tally:?}");
    check_reapply(&desk, quarter_end()).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
}
