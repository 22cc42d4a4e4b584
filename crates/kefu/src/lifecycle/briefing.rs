//! The hand-over briefing (rule C4): assigning a specialist starts a clock; the specialist's record of the talk
//! with the sales representative stops it.

use super::error::LifecycleError;
use super::event::LifecycleEvent as E;
use super::machine::{Ctx, non_empty, on_clock};
use super::state::LifecycleState;
use crate::sla::{ClockCommand, ClockEvent};

/// The briefing clock's events, wrapped.
pub(super) fn briefing_clock(events: Vec<ClockEvent>) -> impl Iterator<Item = E> {
    events.into_iter().map(|event| E::BriefingClock { event })
}

/// A specialist was assigned (rule C3, decided elsewhere): the previous assignment's clock is cancelled and a new
/// briefing clock starts. The same specialist again changes nothing.
pub(super) fn specialist_assigned(
    state: &LifecycleState,
    specialist: &str,
    ctx: Ctx<'_, '_>,
) -> Result<Vec<E>, LifecycleError> {
    non_empty("specialist", specialist)?;
    if state.specialist.as_deref() == Some(specialist) {
        return Ok(Vec::new());
    }
    let cancel = ClockCommand::Cancel { reason: format!("customer reassigned to {specialist}") };
    let mut events: Vec<E> =
        briefing_clock(on_clock(state.briefing_clock.as_ref(), cancel, "briefing", ctx)?).collect();
    events.push(E::SpecialistAssigned { at: ctx.now(), specialist: specialist.to_owned() });
    let start = ClockCommand::Start(ctx.config().policy.briefing_within.clone());
    events.extend(briefing_clock(on_clock(None, start, "briefing", ctx)?));
    Ok(events)
}

/// Rule C4: the assigned specialist talks with the sales representative and records it (or the ERP imports the
/// record as the system principal); once per assignment.
pub(super) fn briefing_recorded(
    state: &LifecycleState,
    notes: &str,
    ctx: Ctx<'_, '_>,
) -> Result<Vec<E>, LifecycleError> {
    let Some(specialist) = state.specialist.as_deref() else {
        return Err(LifecycleError::NoSpecialist);
    };
    let by = ctx.principal();
    if by.id() != specialist && !by.is_system() {
        return Err(LifecycleError::NotTheSpecialist {
            principal: by.id().to_owned(),
            specialist: specialist.to_owned(),
        });
    }
    if let Some(at) = state.briefed_at {
        return Err(LifecycleError::AlreadyBriefed { at });
    }
    let mut events: Vec<E> =
        briefing_clock(on_clock(state.briefing_clock.as_ref(), ClockCommand::Stop, "briefing", ctx)?).collect();
    events.push(E::BriefingRecorded { at: ctx.now(), by: by.id().to_owned(), notes: notes.to_owned() });
    Ok(events)
}
