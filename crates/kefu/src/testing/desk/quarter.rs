//! A simulated quarter: what the ERP and the people do, and when; played against a desk whose ticks the caller
//! provides.

use chrono::{DateTime, TimeDelta, Utc};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use super::{SUPERVISOR, quarter_end, quarter_start};
use crate::approval::ApprovalCommand;
use crate::callback::{CallResult, CallbackCommand, Problem};
use crate::case::{CaseCommand, InquiryChannel, Nature};
use crate::desk::{Desk, DeskCommand, DeskError, Fact};
use crate::lifecycle::{C5_DOCUMENTS, ContactChannel};
use crate::machine::Principal;
use crate::store::Store;

/// Something that happens in the quarter. Customers are numbered; customer `n` is `c{n}` to the desk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// The customer's sales contract is accepted (rules C3, C4, C5).
    Contract(usize),
    /// The customer sends its documents: all of them, or only the first three (its first order then waits for a
    /// C6 approval).
    Documents {
        /// The customer.
        customer: usize,
        /// Whether all the C5 documents arrive.
        all: bool,
    },
    /// The customer's file is created (rule C5).
    File(usize),
    /// The customer orders (rules F1, F2 reset; C6 when the file is incomplete).
    Order(usize),
    /// A sale is completed: the after-sale callback (rule B3).
    Sale(usize),
    /// An invoice of the customer is overdue (rule F3: it stays with sales).
    Overdue(usize),
    /// The overdue invoice is settled.
    Settled(usize),
    /// The customer is handed to sales (rule F4: its follow-ups are withdrawn).
    ToSales(usize),
    /// Sales hands the customer back.
    Back(usize),
    /// The customer phones with a question (rules Q1, Q2).
    Inquiry(usize),
    /// The customer leaves (rule C3: the specialist no longer holds it).
    Close(usize),
    /// Every specialist makes the callbacks due now; each call raises `problems` problems (rule B5), for the
    /// logistics department when `department`.
    Work {
        /// Problems each call raises.
        problems: usize,
        /// Whether they go to the logistics department rather than the service desk.
        department: bool,
    },
    /// The supervisor resolves every open case (rule B6).
    Resolve,
    /// The approvers decide every pending approval (rules C6, C7).
    Decide {
        /// Approve, or reject.
        approve: bool,
    },
}

/// What happens in a quarter: actions at hours after [`quarter_start`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// `(hours after the start, action)`, in any order ([`Plan::beats`] sorts them).
    pub actions: Vec<(u32, Action)>,
}

/// One moment of a played quarter: the desk is ticked, then the action (if any) happens, then the desk is ticked
/// again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Beat {
    /// When.
    pub at: DateTime<Utc>,
    /// The action and its number (part of the ERP's idempotency keys), or `None` for a plain beat.
    pub action: Option<(usize, Action)>,
}

impl Plan {
    /// The quarter's moments in time order: every action at its hour, and a beat every twelve hours in between, up
    /// to [`quarter_end`] (ties keep the plan's order; plain beats come first).
    #[must_use]
    pub fn beats(&self) -> Vec<Beat> {
        self.beats_every(TimeDelta::hours(12))
    }

    /// [`Plan::beats`] with a plain beat every `every` (at least an hour) instead of every twelve hours.
    #[must_use]
    pub fn beats_every(&self, every: TimeDelta) -> Vec<Beat> {
        let every = every.max(TimeDelta::hours(1));
        let mut actions: Vec<(DateTime<Utc>, &Action)> =
            self.actions.iter().map(|(hour, a)| (quarter_start() + TimeDelta::hours(i64::from(*hour)), a)).collect();
        actions.sort_by_key(|(at, _)| *at);
        let mut beats = Vec::new();
        let mut beat = quarter_start();
        let mut actions = actions.into_iter().peekable();
        let mut n = 0;
        while beat < quarter_end() || actions.peek().is_some() {
            match actions.peek() {
                Some((at, _)) if *at <= beat || beat >= quarter_end() => {
                    if let Some((at, action)) = actions.next() {
                        n += 1;
                        beats.push(Beat { at, action: Some((n, action.clone())) });
                    }
                }
                _ => {
                    beats.push(Beat { at: beat, action: None });
                    beat += every;
                }
            }
        }
        beats.push(Beat { at: quarter_end().max(beats.last().map_or(quarter_end(), |b| b.at)), action: None });
        beats
    }
}

/// A random action among `customers` customers, weighted roughly as a desk sees them.
pub fn any_action(customers: usize) -> impl Strategy<Value = Action> {
    let c = 0..customers.max(1);
    prop_oneof![
        3 => c.clone().prop_map(Action::Contract),
        3 => (c.clone(), any::<bool>()).prop_map(|(customer, all)| Action::Documents { customer, all }),
        3 => c.clone().prop_map(Action::File),
        6 => c.clone().prop_map(Action::Order),
        4 => c.clone().prop_map(Action::Sale),
        1 => c.clone().prop_map(Action::Overdue),
        1 => c.clone().prop_map(Action::Settled),
        1 => c.clone().prop_map(Action::ToSales),
        1 => c.clone().prop_map(Action::Back),
        1 => c.clone().prop_map(Action::Inquiry),
        1 => c.prop_map(Action::Close),
        6 => (0usize..3, any::<bool>()).prop_map(|(problems, department)| Action::Work { problems, department }),
        2 => Just(Action::Resolve),
        2 => any::<bool>().prop_map(|approve| Action::Decide { approve }),
    ]
}

/// A random quarter of `customers` customers: each signs in the first month, sends its documents (all, or a few),
/// gets its file and orders; around them, `random` random actions anywhere in the quarter.
pub fn any_plan(customers: usize, random: std::ops::Range<usize>) -> impl Strategy<Value = Plan> {
    let onboarding = prop::collection::vec((0u32..(30 * 24), any::<bool>()), customers);
    let hours = u32::try_from(super::QUARTER_DAYS * 24).unwrap_or(u32::MAX);
    let random = prop::collection::vec((0..hours, any_action(customers)), random);
    (onboarding, random).prop_map(|(onboarding, mut actions)| {
        for (c, (hour, all)) in onboarding.into_iter().enumerate() {
            actions.push((hour, Action::Contract(c)));
            actions.push((hour + 1, Action::Documents { customer: c, all }));
            actions.push((hour + 2, Action::File(c)));
            actions.push((hour + 3, Action::Order(c)));
        }
        Plan { actions }
    })
}

/// The quarter of [`any_plan`]`(4, 10..40)` that `seed` picks, the same on every machine: for tests that replay one
/// story in several processes, or that name a failing quarter by its seed.
///
/// # Panics
///
/// Never (the strategy has no filter that could reject every value).
#[must_use]
pub fn seeded_plan(seed: u64) -> Plan {
    let mut bytes = [0u8; 32];
    for (i, chunk) in bytes.chunks_mut(8).enumerate() {
        let word = seed.wrapping_add(i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        chunk.copy_from_slice(&word.to_le_bytes());
    }
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    any_plan(4, 10..40)
        .new_tree(&mut runner)
        .unwrap_or_else(|e| unreachable!("any_plan rejects nothing: {e}"))
        .current()
}

/// Ignores a refusal (the people try things the rules forbid at that moment, as people do); keeps other errors.
fn refused_is_fine<T>(result: Result<T, DeskError>) -> Result<(), DeskError> {
    match result {
        Ok(_) | Err(DeskError::Rejected { .. }) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Does action number `n` at `at` on `desk`, as the ERP and the people would, without ticking. Every command has an
/// idempotency key derived from `n`, so a retried action appends nothing twice. Refusals are expected (a call to a
/// callback done meanwhile) and ignored.
///
/// # Errors
///
/// Any other [`DeskError`] (a store failure).
pub fn act<S: Store>(desk: &Desk<S>, n: usize, at: DateTime<Utc>, action: &Action) -> Result<(), DeskError> {
    let setup = desk.config();
    let erp = Principal::new("erp");
    let submit = |customer: usize, fact: Fact, key: String| {
        refused_is_fine(desk.submit(&format!("c{customer}"), &fact, &erp, at, &key))
    };
    let key = format!("erp-{n}");
    match action {
        Action::Contract(c) => submit(*c, Fact::ContractAccepted { contract: format!("HT-{c}") }, key),
        Action::Documents { customer, all } => {
            let documents = if *all { &C5_DOCUMENTS[..] } else { &C5_DOCUMENTS[..3] };
            for (i, d) in documents.iter().enumerate() {
                submit(*customer, Fact::DocumentReceived { document: (*d).into() }, format!("{key}-{i}"))?;
            }
            Ok(())
        }
        Action::File(c) => submit(*c, Fact::FileCreated { file_number: u64::try_from(*c).unwrap_or(0) + 1 }, key),
        Action::Order(c) => submit(*c, Fact::OrderPlaced { order: format!("SO-{n}") }, key),
        Action::Sale(c) => submit(*c, Fact::SaleCompleted { sale: format!("S-{n}") }, key),
        Action::Overdue(c) => submit(*c, Fact::PaymentOverdue { invoice: format!("INV-{c}") }, key),
        Action::Settled(c) => submit(*c, Fact::PaymentSettled { invoice: format!("INV-{c}") }, key),
        Action::ToSales(c) => submit(*c, Fact::HandedToSales, key),
        Action::Back(c) => submit(*c, Fact::HandedBack, key),
        Action::Inquiry(c) => submit(
            *c,
            Fact::Inquiry {
                reference: format!("Q-{n}"),
                channel: InquiryChannel::Phone,
                text: "When does the next batch ship?".into(),
                class: Nature::Price.into(),
            },
            key,
        ),
        Action::Close(c) => submit(*c, Fact::Closed { reason: "moved away".into() }, key),
        Action::Work { problems, department } => {
            for specialist in setup.specialists() {
                let agent = setup.principal(&specialist.id).cloned().unwrap_or_else(Principal::system);
                for (callback, _) in desk.worklist(&specialist.id, at + TimeDelta::seconds(1))? {
                    let attempt = CallbackCommand::Attempt { channel: ContactChannel::Phone, reached: true };
                    let problems = (0..*problems)
                        .map(|i| Problem::new(format!("problem {i}"), department.then_some("logistics")))
                        .collect();
                    let finish =
                        CallbackCommand::Finish { result: CallResult::Summary { notes: "called".into(), problems } };
                    for (step, command) in [("attempt", attempt), ("finish", finish)] {
                        let key = format!("{key}-{callback}-{step}");
                        refused_is_fine(desk.execute(
                            &callback,
                            &DeskCommand::Callback(command),
                            &agent,
                            at,
                            Some(&key),
                        ))?;
                    }
                }
            }
            Ok(())
        }
        Action::Resolve => {
            let supervisor = setup.principal(SUPERVISOR).cloned().unwrap_or_else(Principal::system);
            for (case, _) in desk.open_cases(None)? {
                let resolve = CaseCommand::Resolve { resolution: "done".into() };
                let key = format!("{key}-{case}");
                refused_is_fine(desk.execute(&case, &DeskCommand::Case(resolve), &supervisor, at, Some(&key)))?;
            }
            Ok(())
        }
        Action::Decide { approve } => {
            for role in ["general_manager", "marketing_director", "finance_supervisor"] {
                let person = setup.holders(role).next().map_or_else(Principal::system, |p| p.principal());
                for (approval, _) in desk.pending_approvals(role)? {
                    let command = if *approve {
                        ApprovalCommand::Approve { note: None }
                    } else {
                        ApprovalCommand::Reject { reason: "not now".into() }
                    };
                    let key = format!("{key}-{role}-{approval}");
                    refused_is_fine(desk.execute(&approval, &DeskCommand::Approval(command), &person, at, Some(&key)))?;
                }
            }
            Ok(())
        }
    }
}

/// Plays `plan` on `desk`: at every [`Beat`], `tick(at)`, then the action ([`act`]), then `tick(at)` again.
///
/// `tick` is how the desk's work gets done: `|at| desk.tick(at).map(drop)` on one process, or a message to
/// worker processes that tick the same store.
///
/// # Errors
///
/// The first error of `tick` or of an action.
pub fn run_quarter<S: Store>(
    desk: &Desk<S>,
    plan: &Plan,
    tick: &mut dyn FnMut(DateTime<Utc>) -> Result<(), DeskError>,
) -> Result<(), DeskError> {
    run_beats(desk, &plan.beats(), tick)
}

/// Plays some [`Beat`]s (a quarter's first weeks, say) as [`run_quarter`] plays them all.
///
/// # Errors
///
/// The first error of `tick` or of an action.
pub fn run_beats<S: Store>(
    desk: &Desk<S>,
    beats: &[Beat],
    tick: &mut dyn FnMut(DateTime<Utc>) -> Result<(), DeskError>,
) -> Result<(), DeskError> {
    for beat in beats {
        tick(beat.at)?;
        if let Some((n, action)) = &beat.action {
            act(desk, *n, beat.at, action)?;
            tick(beat.at)?;
        }
    }
    Ok(())
}
