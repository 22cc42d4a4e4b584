//! Who follows the customer up (rules F3, F4): customer service or sales; the debts that keep a customer with
//! sales, and sales' silence after which customer service takes over.

use serde::{Deserialize, Serialize};

use super::error::LifecycleError;
use super::event::LifecycleEvent as E;
use super::machine::{Ctx, Log, add_months, months_zone, non_empty};
use super::obligation::Withdrawal;
use super::state::LifecycleState;

/// Who follows up the customer (rules F3, F4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Owner {
    /// Customer service: the machine opens F1/F2 obligations.
    #[default]
    CustomerService,
    /// The sales department (F4); no obligations are opened until sales hand the customer back or stay silent for
    /// more than two months while the customer owes nothing (F3).
    Sales,
}

/// A payment became overdue: the customer owes money, which blocks the F3 take-over.
pub(super) fn payment_overdue(
    state: &LifecycleState,
    invoice: &str,
    ctx: Ctx<'_, '_>,
) -> Result<Vec<E>, LifecycleError> {
    non_empty("invoice", invoice)?;
    if state.overdue_invoices.contains(invoice) {
        return Ok(Vec::new());
    }
    Ok(vec![E::PaymentOverdue { at: ctx.now(), invoice: invoice.to_owned() }])
}

/// An overdue payment was settled; a payment that was never overdue changes nothing here.
pub(super) fn payment_settled(state: &LifecycleState, invoice: &str, ctx: Ctx<'_, '_>) -> Vec<E> {
    if !state.overdue_invoices.contains(invoice) {
        return Vec::new();
    }
    vec![E::PaymentSettled { at: ctx.now(), invoice: invoice.to_owned() }]
}

/// Rule F3: sales followed the customer up; their silence is counted again from now.
pub(super) fn sales_contact_logged(ctx: Ctx<'_, '_>) -> Result<Vec<E>, LifecycleError> {
    let now = ctx.now();
    let silent_until = add_months(months_zone(ctx)?, now, ctx.config().policy.sales_silent_months)?;
    Ok(vec![E::SalesContactLogged { at: now, silent_until }])
}

/// Rule F4: handed to sales, the customer stays with sales; customer service's open obligations are withdrawn.
pub(super) fn handed_to_sales(state: &LifecycleState, ctx: Ctx<'_, '_>) -> Result<Vec<E>, LifecycleError> {
    if state.owner == Owner::Sales {
        return Err(LifecycleError::AlreadyWithSales);
    }
    let now = ctx.now();
    let silent_until = add_months(months_zone(ctx)?, now, ctx.config().policy.sales_silent_months)?;
    let mut log = Log::new(state);
    log.withdraw_all(now, Withdrawal::HandedToSales);
    log.push(E::HandedToSales { at: now, silent_until });
    Ok(log.events)
}

/// Sales handed the customer back: customer service registers the obligations of the customer's state.
pub(super) fn handed_back(state: &LifecycleState, ctx: Ctx<'_, '_>) -> Result<Vec<E>, LifecycleError> {
    if state.owner != Owner::Sales {
        return Err(LifecycleError::NotWithSales);
    }
    let now = ctx.now();
    let mut log = Log::new(state);
    log.push(E::HandedBack { at: now });
    log.register(now, ctx)?;
    Ok(log.events)
}
