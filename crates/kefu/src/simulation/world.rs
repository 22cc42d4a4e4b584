//! The simulated ERP: customers and the facts it reports about them.

use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;

use super::{Agenda, Happening, Run, Scenario, SimulationError};
use crate::case::{Class, InquiryChannel, Nature, Urgency};
use crate::desk::{Compiled, Desk, DeskError, Details, Fact};
use crate::lifecycle::C5_DOCUMENTS;
use crate::machine::Principal;
use crate::store::Store;

/// A simulated customer: how it behaves.
#[derive(Clone, Debug, PartialEq)]
pub struct Customer {
    /// Its id in the ERP.
    pub id: String,
    /// The mean number of days between its orders.
    pub order_every_days: f64,
    /// When it stops ordering, if it does.
    pub stops_at: Option<DateTime<Utc>>,
    /// The checklist documents it never sends (its first order then waits for the C6 approval).
    pub never_sends: Vec<usize>,
}

/// The ERP's next step for one customer.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Step {
    Contract,
    Document(usize),
    File,
    Order(u32),
    Sale(u32),
    Overdue(u32),
    Settled(u32),
    SalesContact,
    ToSales,
    Back,
    CreditChange,
    Inquiry(u32),
}

pub(crate) struct World {
    customers: Vec<Customer>,
    tz: Tz,
    end: DateTime<Utc>,
    next_file: u64,
}

/// Working hours in the desk's zone: 09:00 to 17:00 local.
fn business_moment(tz: Tz, day: DateTime<Utc>, rng: &mut fastrand::Rng) -> DateTime<Utc> {
    let local = day.with_timezone(&tz);
    let minutes = 9 * 60 + rng.u32(0..8 * 60);
    let at = local.date_naive().and_hms_opt(minutes / 60, minutes % 60, 0).unwrap_or(local.naive_local());
    at.and_local_timezone(tz).earliest().map_or(day, |t| t.to_utc())
}

fn days(d: f64) -> TimeDelta {
    TimeDelta::seconds((d * 86_400.0) as i64)
}

/// An exponential draw with mean `mean`.
fn exponential(rng: &mut fastrand::Rng, mean: f64) -> f64 {
    -mean * (1.0 - rng.f64()).ln()
}

impl World {
    pub(crate) fn new(
        scenario: &Scenario,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        setup: &Compiled,
        rng: &mut fastrand::Rng,
        agenda: &mut Agenda,
    ) -> Self {
        let tz = setup.config().time_zone;
        let span = (end - start).num_days().max(1);
        let mut customers = Vec::with_capacity(scenario.customers);
        for n in 0..scenario.customers {
            let stops = rng.f64() < 0.3;
            let customer = Customer {
                id: format!("C{n:05}"),
                order_every_days: 4.0 + rng.f64() * 16.0,
                stops_at: stops.then(|| start + days(rng.f64() * span as f64)),
                never_sends: if rng.f64() < 0.12 { vec![rng.usize(0..C5_DOCUMENTS.len())] } else { Vec::new() },
            };
            // Contracts arrive over the first third of the period (at most a month).
            let signed = start + TimeDelta::days(rng.i64(0..(span / 3).clamp(1, 30)));
            let signed = business_moment(tz, signed, rng);
            agenda.at(signed, Happening::Erp(n, Step::Contract));
            for d in 0..C5_DOCUMENTS.len() {
                if !customer.never_sends.contains(&d) {
                    agenda.at(signed + TimeDelta::hours(rng.i64(1..96)), Happening::Erp(n, Step::Document(d)));
                }
            }
            // Rule C5 asks for the file within 3 working days; most are on time, some are not.
            let file_after = if rng.f64() < 0.85 { rng.i64(2..60) } else { rng.i64(80..200) };
            agenda.at(signed + TimeDelta::hours(file_after), Happening::Erp(n, Step::File));
            agenda.at(signed + TimeDelta::hours(file_after + rng.i64(1..72)), Happening::Erp(n, Step::Order(1)));
            agenda.at(signed + days(exponential(rng, 20.0)), Happening::Erp(n, Step::SalesContact));
            if rng.f64() < 0.03 {
                agenda.at(signed + days(rng.f64() * span as f64), Happening::Erp(n, Step::ToSales));
            }
            if rng.f64() < 0.03 {
                agenda.at(signed + days(5.0 + rng.f64() * 40.0), Happening::Erp(n, Step::CreditChange));
            }
            if rng.f64() < 0.25 {
                agenda.at(signed + days(rng.f64() * span as f64), Happening::Erp(n, Step::Inquiry(1)));
            }
            customers.push(customer);
        }
        Self { customers, tz, end, next_file: 1 }
    }

    /// Submits the ERP fact of `step` for customer `n` at `at`, then schedules what follows from it.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn perform<S: Store>(
        &mut self,
        desk: &Desk<S>,
        n: usize,
        step: Step,
        at: DateTime<Utc>,
        rng: &mut fastrand::Rng,
        agenda: &mut Agenda,
        run: &mut Run,
    ) -> Result<(), SimulationError> {
        let Some(customer) = self.customers.get(n).cloned() else { return Ok(()) };
        let tz = self.tz;
        let mut facts: Vec<Fact> = Vec::new();
        match step {
            Step::Contract => {
                let segments = ["distributor", "manufacturer", "trader"];
                let regions = ["east", "north", "south", "west"];
                let has_hours = desk.config().calendars().get("contact-hours").is_ok() && rng.f64() < 0.7;
                facts.push(Fact::CustomerDetails(Details {
                    name: Some(format!("Customer {n}")),
                    contact: None,
                    segment: Some(segments[rng.usize(0..segments.len())].to_owned()),
                    region: Some(regions[rng.usize(0..regions.len())].to_owned()),
                    contact_calendar: has_hours.then(|| "contact-hours".to_owned()),
                }));
                facts.push(Fact::ContractAccepted { contract: format!("HT-{n}") });
            }
            Step::Document(d) => facts.push(Fact::DocumentReceived { document: C5_DOCUMENTS[d].to_owned() }),
            Step::File => {
                facts.push(Fact::FileCreated { file_number: self.next_file });
                self.next_file += 1;
            }
            Step::Order(k) => {
                let stopped = customer.stops_at.is_some_and(|s| s <= at);
                if stopped && rng.f64() < 0.9 {
                    return Ok(()); // gone quiet for good: no more orders
                }
                facts.push(Fact::OrderPlaced { order: format!("SO-{n}-{k}") });
                let delivered = at + TimeDelta::hours(rng.i64(20..72));
                agenda.at(delivered, Happening::Erp(n, Step::Sale(k)));
                let next = at + days(exponential(rng, customer.order_every_days).max(0.5));
                let next = business_moment(tz, next, rng);
                if next < self.end {
                    agenda.at(next, Happening::Erp(n, Step::Order(k + 1)));
                }
            }
            Step::Sale(k) => {
                facts.push(Fact::SaleCompleted { sale: format!("SO-{n}-{k}") });
                if rng.f64() < 0.06 {
                    agenda.at(at + TimeDelta::days(30), Happening::Erp(n, Step::Overdue(k)));
                }
            }
            Step::Overdue(k) => {
                facts.push(Fact::PaymentOverdue { invoice: format!("INV-{n}-{k}") });
                agenda.at(at + TimeDelta::days(rng.i64(5..40)), Happening::Erp(n, Step::Settled(k)));
            }
            Step::Settled(k) => facts.push(Fact::PaymentSettled { invoice: format!("INV-{n}-{k}") }),
            Step::SalesContact => {
                facts.push(Fact::SalesContact);
                agenda.at(at + days(exponential(rng, 20.0).max(1.0)), Happening::Erp(n, Step::SalesContact));
            }
            Step::ToSales => {
                facts.push(Fact::HandedToSales);
                agenda.at(at + TimeDelta::days(rng.i64(10..30)), Happening::Erp(n, Step::Back));
            }
            Step::Back => facts.push(Fact::HandedBack),
            Step::CreditChange => facts.push(Fact::CreditChangeRequested {
                request: format!("CR-{n}"),
                subject: format!("raise the credit limit of customer {n} by 200 000"),
            }),
            Step::Inquiry(k) => {
                let natures =
                    [Nature::ProductUse, Nature::Price, Nature::AfterSales, Nature::Complaint, Nature::Suggestion];
                let channels = [InquiryChannel::Phone, InquiryChannel::Email, InquiryChannel::Chat];
                let urgency = if rng.f64() < 0.1 { Urgency::Urgent } else { Urgency::Normal };
                facts.push(Fact::Inquiry {
                    reference: format!("Q-{n}-{k}"),
                    channel: channels[rng.usize(0..channels.len())],
                    text: "a question about the latest delivery".to_owned(),
                    class: Class::new(natures[rng.usize(0..natures.len())], urgency),
                });
            }
        }
        let erp = Principal::new("erp");
        for fact in facts {
            run.facts += 1;
            let key = format!("sim-{}", run.facts);
            match desk.submit(&customer.id, &fact, &erp, at, &key) {
                Ok(_) => {}
                Err(DeskError::Rejected { .. } | DeskError::Invalid { .. }) => run.refused += 1,
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }
}
