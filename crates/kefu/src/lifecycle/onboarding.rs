//! Onboarding (rules C5, C6): the contract starts the file clock, documents are ticked off the checklist, the file
//! gets its number, and trading waits for a complete file or an approved exception.

use super::error::LifecycleError;
use super::event::LifecycleEvent as E;
use super::machine::{Ctx, LifecycleKind, months_zone, non_empty, on_clock};
use super::state::LifecycleState;
use crate::sla::{ClockCommand, ClockEvent};

/// The file clock's events, wrapped.
pub(super) fn file_clock(events: Vec<ClockEvent>) -> impl Iterator<Item = E> {
    events.into_iter().map(|event| E::FileClock { event })
}

/// Rule C5: the contract was accepted; the checklist is copied from the policy and the file clock starts.
pub(super) fn contract_accepted(contract: &str, ctx: Ctx<'_, '_>) -> Result<Vec<E>, LifecycleError> {
    let policy = &ctx.config().policy;
    non_empty("contract", contract)?;
    policy.validate()?;
    months_zone(ctx)?;
    let mut events =
        vec![E::ContractAccepted { at: ctx.now(), contract: contract.to_owned(), documents: policy.documents.clone() }];
    events.extend(file_clock(on_clock(None, ClockCommand::Start(policy.file_within.clone()), "file", ctx)?));
    Ok(events)
}

/// Rule C5: a checklist document arrived (again: nothing happens).
pub(super) fn document_received(
    state: &LifecycleState,
    document: &str,
    ctx: Ctx<'_, '_>,
) -> Result<Vec<E>, LifecycleError> {
    if !state.documents.iter().any(|d| d == document) {
        return Err(LifecycleError::UnknownDocument {
            document: document.to_owned(),
            checklist: state.documents.clone(),
        });
    }
    if state.received.contains(document) {
        return Ok(Vec::new());
    }
    Ok(vec![E::DocumentReceived { at: ctx.now(), document: document.to_owned() }])
}

/// Rule C5: the file was created with its sequential number; the file clock is met.
pub(super) fn file_created(
    state: &LifecycleState,
    file_number: u64,
    ctx: Ctx<'_, '_>,
) -> Result<Vec<E>, LifecycleError> {
    if let Some(file_number) = state.file_number {
        return Err(LifecycleError::FileExists { file_number });
    }
    if file_number == 0 {
        return Err(LifecycleError::FileNumberZero);
    }
    let mut events: Vec<E> =
        file_clock(on_clock(state.file_clock.as_ref(), ClockCommand::Stop, "file", ctx)?).collect();
    events.push(E::FileCreated { at: ctx.now(), file_number, missing: state.missing_documents() });
    Ok(events)
}

/// Rule C6: trading with the documents still missing was approved.
pub(super) fn exception_approved(
    state: &LifecycleState,
    approval_id: &str,
    approver: &str,
    ctx: Ctx<'_, '_>,
) -> Result<Vec<E>, LifecycleError> {
    non_empty("approval_id", approval_id)?;
    non_empty("approver", approver)?;
    let missing = state.missing_documents();
    if missing.is_empty() {
        return Err(LifecycleError::NothingMissing);
    }
    Ok(vec![E::ExceptionApproved {
        at: ctx.now(),
        approval_id: approval_id.to_owned(),
        approver: approver.to_owned(),
        missing,
    }])
}

/// Rules C5 and C6: an onboarding customer trades only with a file, and a complete one or an approved exception.
pub(super) fn may_trade(state: &LifecycleState) -> Result<(), LifecycleError> {
    if state.kind != LifecycleKind::Onboarding {
        return Ok(());
    }
    if state.file_number.is_none() {
        return Err(LifecycleError::NoFile);
    }
    let missing = state.missing_documents();
    if !missing.is_empty() && state.exception.is_none() {
        return Err(LifecycleError::IncompleteFile { missing });
    }
    Ok(())
}
