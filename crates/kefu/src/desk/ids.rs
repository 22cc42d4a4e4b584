//! The desk's instance ids: deterministic, readable, one prefix per machine.
//!
//! | instance | id |
//! | --- | --- |
//! | a customer's lifecycle | `customer/{customer}` |
//! | a customer's details | `profile/{customer}` |
//! | the after-sale callback of a sale (B3) | `callback/{customer}/sale/{sale}` |
//! | the callback of a follow-up obligation (F1, F2) | `callback/{customer}/follow-up/{obligation}` |
//! | a campaign's callback (B8) | `callback/{customer}/campaign/{campaign}` |
//! | the case of a callback's n-th problem (B5) | `case/{customer}/{callback key}/problem-{n}` |
//! | the case of an inbound inquiry (Q1) | `case/{customer}/inquiry/{reference}` |
//! | a script run of a callback | `run/{customer}/{callback key}/{n}` |
//! | the C6 approval of a refused order | `approval/{customer}/c6/{order}` |
//! | the C7 approval of a credit-change request | `approval/{customer}/c7/{request}` |
//! | an assignment board | `board/customers`, `board/callbacks` |
//! | a notice | `notice/{source instance}/{version}/{n}` |
//! | a campaign's run | `campaign/{campaign}` |
//!
//! The parts that come from the ERP (customer, sale, order, request, reference, campaign) are escaped so that a
//! `/` in them cannot be mistaken for a separator: `%` becomes `%25` and `/` becomes `%2F`.

/// Escapes one part of an id.
fn part(text: &str) -> String {
    if !text.contains(['%', '/']) {
        return text.to_owned();
    }
    text.replace('%', "%25").replace('/', "%2F")
}

/// The lifecycle instance of a customer.
///
/// ```
/// assert_eq!(kefu::desk::ids::customer("0042"), "customer/0042");
/// assert_eq!(kefu::desk::ids::customer("a/b"), "customer/a%2Fb");
/// ```
#[must_use]
pub fn customer(customer: &str) -> String {
    format!("customer/{}", part(customer))
}

/// The profile instance of a customer.
#[must_use]
pub fn profile(customer: &str) -> String {
    format!("profile/{}", part(customer))
}

/// The after-sale callback of sale `sale` (rule B3).
///
/// ```
/// assert_eq!(kefu::desk::ids::after_sale("0042", "SO-7"), "callback/0042/sale/SO-7");
/// ```
#[must_use]
pub fn after_sale(customer: &str, sale: &str) -> String {
    format!("callback/{}/sale/{}", part(customer), part(sale))
}

/// The callback of follow-up obligation number `obligation` (rules F1, F2).
#[must_use]
pub fn follow_up(customer: &str, obligation: u32) -> String {
    format!("callback/{}/follow-up/{obligation}", part(customer))
}

/// The special-occasion callback of campaign `campaign` (rule B8).
#[must_use]
pub fn campaign_callback(customer: &str, campaign: &str) -> String {
    format!("callback/{}/campaign/{}", part(customer), part(campaign))
}

/// The case of the `n`-th problem (from 1) raised in callback `callback` (rule B5).
///
/// ```
/// use kefu::desk::ids;
/// assert_eq!(ids::problem_case(&ids::after_sale("0042", "SO-7"), 1), "case/0042/sale/SO-7/problem-1");
/// ```
#[must_use]
pub fn problem_case(callback: &str, n: usize) -> String {
    let rest = callback.strip_prefix("callback/").unwrap_or(callback);
    format!("case/{rest}/problem-{n}")
}

/// The case of an inbound inquiry with the ERP's reference (rule Q1).
#[must_use]
pub fn inquiry_case(customer: &str, reference: &str) -> String {
    format!("case/{}/inquiry/{}", part(customer), part(reference))
}

/// The `n`-th script run (from 1) of callback `callback`.
///
/// ```
/// use kefu::desk::ids;
/// let callback = ids::after_sale("0042", "SO-7");
/// let run = ids::run(&callback, 1);
/// assert_eq!(run, "run/0042/sale/SO-7/1");
/// assert_eq!(ids::callback_of_run(&run).as_deref(), Some(callback.as_str()));
/// ```
#[must_use]
pub fn run(callback: &str, n: u32) -> String {
    let rest = callback.strip_prefix("callback/").unwrap_or(callback);
    format!("run/{rest}/{n}")
}

/// The callback a script run belongs to, from the run's id.
#[must_use]
pub fn callback_of_run(run: &str) -> Option<String> {
    let rest = run.strip_prefix("run/")?;
    let (callback, n) = rest.rsplit_once('/')?;
    n.parse::<u32>().ok()?;
    Some(format!("callback/{callback}"))
}

/// The C6 approval of order `order`, refused because the customer's file is incomplete.
#[must_use]
pub fn c6_approval(customer: &str, order: &str) -> String {
    format!("approval/{}/c6/{}", part(customer), part(order))
}

/// The C7 approval of the credit-change request `request`.
#[must_use]
pub fn c7_approval(customer: &str, request: &str) -> String {
    format!("approval/{}/c7/{}", part(customer), part(request))
}

/// The board customers are assigned on (rule C3).
pub const CUSTOMER_BOARD: &str = "board/customers";
/// The board callbacks are distributed on (rule B2).
pub const CALLBACK_BOARD: &str = "board/callbacks";

/// The `n`-th notice (from 0) caused by event `version` of instance `source`.
#[must_use]
pub fn notice(source: &str, version: u64, n: usize) -> String {
    format!("notice/{source}/{version}/{n}")
}

/// The run of campaign `campaign`.
#[must_use]
pub fn campaign(campaign: &str) -> String {
    format!("campaign/{}", part(campaign))
}

/// The idempotency key of the `n`-th step (from 0) a reaction takes for event `version` of instance `source`.
#[must_use]
pub fn reaction_key(source: &str, version: u64, n: usize) -> String {
    format!("react/{source}/{version}/{n}")
}
