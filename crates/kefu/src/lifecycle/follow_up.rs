//! Follow-up of quiet and lapsed customers (rules F1, F2, B9): orders move the quiet and lapse instants; going quiet
//! opens the F1 call, lapsing opens the F2 contacts of each calendar month; contacts fulfil them; quiet hours move
//! their due instants.

use chrono::{DateTime, Datelike, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;

use super::error::LifecycleError;
use super::event::LifecycleEvent as E;
use super::machine::{Ctx, LifecycleKind, Log, add_months, months_zone, non_empty};
use super::obligation::{FollowUp, Obligation, Withdrawal};
use super::onboarding::may_trade;
use super::policy::ContactChannel;
use super::state::LifecycleState;

/// An order: the customer is active, and goes quiet (F1) and lapses (F2) again without another one.
pub(super) fn order_placed(state: &LifecycleState, order: &str, ctx: Ctx<'_, '_>) -> Result<Vec<E>, LifecycleError> {
    non_empty("order", order)?;
    may_trade(state)?;
    let now = ctx.now();
    let policy = &ctx.config().policy;
    let quiet_at = now.checked_add_signed(policy.quiet_after).ok_or(LifecycleError::TooFar { at: now })?;
    let lapse_at = add_months(months_zone(ctx)?, now, policy.lapsed_after_months)?;
    let reactivated = matches!(state.kind, LifecycleKind::Quiet | LifecycleKind::Lapsed);
    Ok(vec![E::OrderPlaced { at: now, order: order.to_owned(), quiet_at, lapse_at, reactivated }])
}

/// Customer service contacted the customer: the contact fulfils the earliest open obligation its channel satisfies
/// (F1 asks for a call; F2 takes any channel), and is flagged if made in quiet hours (B9).
pub(super) fn contact_made(
    state: &LifecycleState,
    channel: ContactChannel,
    ctx: Ctx<'_, '_>,
) -> Result<Vec<E>, LifecycleError> {
    let now = ctx.now();
    let in_quiet_hours = match &state.contact_calendar {
        Some(name) => !ctx.config().calendars.get(name)?.is_open(now)?,
        None => false,
    };
    let mut events = vec![E::ContactMade { at: now, channel, in_quiet_hours }];
    let f1_channels = &ctx.config().policy.f1_channels;
    let fulfils = state.obligations.iter().filter(|o| o.accepts(channel, f1_channels)).min_by_key(|o| (o.due, o.id));
    if let Some(o) = fulfils {
        events.push(E::ObligationFulfilled { id: o.id, at: now, channel });
    }
    Ok(events)
}

/// Rule B9: sets (or clears) the calendar of the customer's contact hours.
pub(super) fn set_contact_calendar(
    state: &LifecycleState,
    calendar: Option<&str>,
    ctx: Ctx<'_, '_>,
) -> Result<Vec<E>, LifecycleError> {
    if let Some(name) = calendar {
        ctx.config().calendars.get(name)?;
    }
    if state.contact_calendar.as_deref() == calendar {
        return Ok(Vec::new());
    }
    Ok(vec![E::ContactCalendarSet { at: ctx.now(), calendar: calendar.map(str::to_owned) }])
}

/// The month of `t` in `tz` (`YYYY-MM`) and the instant the next month begins.
fn month_of(tz: Tz, t: DateTime<Utc>) -> Result<(String, DateTime<Utc>), LifecycleError> {
    let local = t.with_timezone(&tz);
    let (y, m) = (local.year(), local.month());
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    let next = (0..3)
        .find_map(|h| tz.with_ymd_and_hms(ny, nm, 1, h, 0, 0).earliest())
        .map(|d| d.to_utc())
        .ok_or(LifecycleError::TooFar { at: t })?;
    Ok((format!("{y:04}-{m:02}"), next))
}

impl Log {
    /// The contact instant `t` moved out of the customer's quiet hours (B9).
    fn contact_due(&self, t: DateTime<Utc>, ctx: Ctx<'_, '_>) -> Result<DateTime<Utc>, LifecycleError> {
        match &self.work.contact_calendar {
            Some(name) => Ok(ctx.config().calendars.get(name)?.next_open(t)?),
            None => Ok(t),
        }
    }

    fn open(
        &mut self,
        follow_up: FollowUp,
        at: DateTime<Utc>,
        due: DateTime<Utc>,
        ctx: Ctx<'_, '_>,
    ) -> Result<(), LifecycleError> {
        let due = self.contact_due(due, ctx)?;
        let id = self.work.obligations_opened + 1;
        self.push(E::ObligationOpened(Obligation { id, follow_up, opened_at: at, due, overdue: false }));
        Ok(())
    }

    /// F1: the calls due within `f1_call_within` after `at`.
    pub(super) fn open_f1(&mut self, at: DateTime<Utc>, ctx: Ctx<'_, '_>) -> Result<(), LifecycleError> {
        let policy = &ctx.config().policy;
        let due = at.checked_add_signed(policy.f1_call_within).ok_or(LifecycleError::TooFar { at })?;
        for _ in 0..policy.f1_calls {
            self.open(FollowUp::F1Call, at, due, ctx)?;
        }
        Ok(())
    }

    /// The F2 contact instant `t` of the month `at..next_month` moved out of the customer's quiet hours (B9) without
    /// leaving the month: when the next allowed instant lies in the next month, the contact is due at the end of the
    /// month's last allowed stretch instead; when the rest of the month has no allowed instant, it stays at `t`.
    fn contact_due_in_month(
        &self,
        t: DateTime<Utc>,
        at: DateTime<Utc>,
        next_month: DateTime<Utc>,
        ctx: Ctx<'_, '_>,
    ) -> Result<DateTime<Utc>, LifecycleError> {
        let Some(name) = &self.work.contact_calendar else { return Ok(t) };
        let calendar = ctx.config().calendars.get(name)?;
        let moved = calendar.next_open(t)?;
        if moved < next_month {
            return Ok(moved);
        }
        let allowed = calendar.between(at, next_month)?;
        if allowed <= TimeDelta::zero() {
            return Ok(t);
        }
        // A sum of business time that runs out exactly ends on the closing instant of the last allowed stretch.
        Ok(calendar.add(at, allowed)?.min(t))
    }

    /// F2: the contacts of the rest of `at`'s month, at regular times, every one due inside the month.
    ///
    /// The rule (F2 with B10): the k-th of the month's n contacts is due at the end of the k-th of n equal parts of
    /// what is left of the month, except that the last part ends at the month's last second rather than at the first
    /// instant of the next month — so each contact is due, missed and reported in its own month. Quiet hours move a
    /// due instant as [`contact_due_in_month`](Self::contact_due_in_month) says.
    pub(super) fn open_f2_month(&mut self, at: DateTime<Utc>, ctx: Ctx<'_, '_>) -> Result<(), LifecycleError> {
        let (month, next_month) = month_of(months_zone(ctx)?, at)?;
        self.push(E::F2Month { at, month: month.clone(), next_month });
        let of = ctx.config().policy.f2_contacts_per_month;
        let span = next_month - at;
        let last_second = (next_month - TimeDelta::seconds(1)).max(at);
        let n = i32::try_from(of).unwrap_or(i32::MAX);
        for number in 1..=of {
            let k = i32::try_from(number).unwrap_or(i32::MAX);
            let regular = (at + span / n * k).min(last_second);
            let due = self.contact_due_in_month(regular, at, next_month, ctx)?;
            let follow_up = FollowUp::F2Contact { month: month.clone(), number, of };
            let id = self.work.obligations_opened + 1;
            self.push(E::ObligationOpened(Obligation { id, follow_up, opened_at: at, due, overdue: false }));
        }
        Ok(())
    }

    /// The obligations customer service registers when it (again) owns a customer at `at`.
    pub(super) fn register(&mut self, at: DateTime<Utc>, ctx: Ctx<'_, '_>) -> Result<(), LifecycleError> {
        match self.work.kind {
            LifecycleKind::Quiet => self.open_f1(at, ctx),
            LifecycleKind::Lapsed => self.open_f2_month(at, ctx),
            _ => Ok(()),
        }
    }

    /// Withdraws every open obligation (the customer was closed, or handed to sales: F4).
    pub(super) fn withdraw_all(&mut self, at: DateTime<Utc>, reason: Withdrawal) {
        let ids: Vec<u32> = self.work.obligations.iter().map(|o| o.id).collect();
        for id in ids {
            self.push(E::ObligationWithdrawn { id, at, reason });
        }
    }
}
