//! Customer lifecycle benchmark (rules C5, C6, F1–F4): 100 000 customers evolved through a simulated quarter
//! (1 October – 31 December 2026, Shanghai) of ERP facts, next to a baseline in the same group:
//!
//! * `kefu`: each customer starts active (contract, the eight C5 documents, file, first order in late September);
//!   its facts — orders, payments that become overdue and are settled, sales contacts, customer-service contacts —
//!   are sent in time order through `Instance::<Lifecycle>::execute`, and before each fact (and at the quarter's
//!   end) the customer is ticked at every deadline that has passed, as a store would: going quiet, lapsing, F2
//!   months, overdue obligations, the F3 take-over. Every event is decided and applied.
//! * `plain_fold`: the same facts folded into a plain struct (last order, debts, contacts) with no rules, no
//!   deadlines and no events.
//!
//! Throughput is counted in ERP facts (the same number for both), so criterion reports facts per second; the
//! setup prints how many lifecycle events (including ticks' events) one pass records.

use std::hint::black_box;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use criterion::{Criterion, Throughput, criterion_main};
use kefu::calendar::CalendarSet;
use kefu::lifecycle::{
    C5_DOCUMENTS, ContactChannel, Lifecycle, LifecycleCommand, LifecycleConfig, LifecycleKind, LifecyclePolicy,
};
use kefu::machine::{Context, Instance, Principal};
use kefu_benches::{shanghai, shanghai_at};

const CUSTOMERS: usize = 100_000;

/// The facts of the simulation, as indices into `palette()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
enum Fact {
    Order = 0,
    Overdue = 1,
    Settled = 2,
    SalesContact = 3,
    Phone = 4,
    Sms = 5,
}

fn palette() -> [LifecycleCommand; 6] {
    [
        LifecycleCommand::OrderPlaced { order: "SO".into() },
        LifecycleCommand::PaymentOverdue { invoice: "INV".into() },
        LifecycleCommand::PaymentSettled { invoice: "INV".into() },
        LifecycleCommand::SalesContactLogged,
        LifecycleCommand::ContactMade { channel: ContactChannel::Phone },
        LifecycleCommand::ContactMade { channel: ContactChannel::Sms },
    ]
}

/// A small deterministic generator (SplitMix64), so every run simulates the same quarter.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// One customer's quarter: `(seconds since the quarter's start, fact)`, in time order. Regular buyers order every
/// 3–10 days; a quarter of the customers stop ordering at some point (they go quiet, then lapse); one in five has a
/// payment overdue for 5–40 days; customer service makes 0–5 contacts; sales log a contact now and then.
fn quarter(rng: &mut Rng) -> Vec<(i64, Fact)> {
    const QUARTER: i64 = 92 * 86_400;
    let mut facts = Vec::new();
    let stops = if rng.below(4) == 0 { rng.below(QUARTER as u64) as i64 } else { QUARTER };
    let mut t = rng.below(5 * 86_400) as i64;
    while t < stops {
        facts.push((t, Fact::Order));
        t += 3 * 86_400 + rng.below(7 * 86_400) as i64;
    }
    if rng.below(5) == 0 {
        let from = rng.below((QUARTER - 41 * 86_400) as u64) as i64;
        facts.push((from, Fact::Overdue));
        facts.push((from + 5 * 86_400 + rng.below(35 * 86_400) as i64, Fact::Settled));
    }
    for _ in 0..rng.below(6) {
        let channel = if rng.below(2) == 0 { Fact::Phone } else { Fact::Sms };
        facts.push((rng.below(QUARTER as u64) as i64, channel));
    }
    if rng.below(3) == 0 {
        facts.push((rng.below(QUARTER as u64) as i64, Fact::SalesContact));
    }
    facts.sort_by_key(|&(t, _)| t);
    facts
}

/// An active customer whose first order was on 28 September 2026 at 10:00 (contract, documents and file before).
fn active_customer(config: &LifecycleConfig, erp: &Principal) -> Instance<Lifecycle> {
    let at = shanghai_at(2026, 9, 28, 9, 0);
    let ctx = Context::new(at, erp, config);
    let mut customer = Instance::<Lifecycle>::new();
    customer.execute(&LifecycleCommand::ContractAccepted { contract: "HT".into() }, &ctx).unwrap();
    for d in C5_DOCUMENTS {
        customer.execute(&LifecycleCommand::DocumentReceived { document: d.into() }, &ctx).unwrap();
    }
    customer.execute(&LifecycleCommand::FileCreated { file_number: 1 }, &ctx).unwrap();
    let order = LifecycleCommand::OrderPlaced { order: "SO-0".into() };
    customer.execute(&order, &ctx.at(at + TimeDelta::hours(1))).unwrap();
    customer
}

/// Ticks `customer` at every deadline up to `until`, as a store would; returns the number of events.
fn tick_until(
    customer: &mut Instance<Lifecycle>,
    until: DateTime<Utc>,
    config: &LifecycleConfig,
    system: &Principal,
) -> usize {
    customer.catch_up(&LifecycleCommand::Tick, &Context::new(until, system, config)).unwrap().len()
}

/// Evolves every customer through its quarter; returns the number of lifecycle events and how many ended lapsed.
fn run_kefu(
    streams: &[Vec<(i64, Fact)>],
    prototype: &Instance<Lifecycle>,
    config: &LifecycleConfig,
    start: DateTime<Utc>,
) -> (usize, usize) {
    let (erp, system) = (Principal::new("erp"), Principal::system());
    let palette = palette();
    let end = start + TimeDelta::days(92);
    let (mut events, mut lapsed) = (0, 0);
    for stream in streams {
        let mut customer = prototype.clone();
        for &(secs, fact) in stream {
            let at = start + TimeDelta::seconds(secs);
            events += tick_until(&mut customer, at, config, &system);
            events += customer.execute(&palette[fact as usize], &Context::new(at, &erp, config)).unwrap().len();
        }
        events += tick_until(&mut customer, end, config, &system);
        lapsed += usize::from(customer.kind() == LifecycleKind::Lapsed);
    }
    (events, lapsed)
}

/// The baseline: the same facts folded into a plain struct, no rules.
#[derive(Default)]
struct Plain {
    last_order: i64,
    orders: u32,
    owing: u32,
    contacts: u32,
    sales_contacts: u32,
}

fn run_plain(streams: &[Vec<(i64, Fact)>]) -> u64 {
    let mut checksum = 0u64;
    for stream in streams {
        let mut c = Plain::default();
        for &(t, fact) in stream {
            match fact {
                Fact::Order => {
                    c.last_order = t;
                    c.orders += 1;
                }
                Fact::Overdue => c.owing += 1,
                Fact::Settled => c.owing = c.owing.saturating_sub(1),
                Fact::SalesContact => c.sales_contacts += 1,
                Fact::Phone | Fact::Sms => c.contacts += 1,
            }
        }
        checksum =
            checksum.wrapping_add(c.last_order as u64 + u64::from(c.orders + c.owing + c.contacts + c.sales_contacts));
    }
    checksum
}

fn lifecycle(c: &mut Criterion) {
    let calendars: CalendarSet = [("office", shanghai())].into_iter().collect();
    let config = LifecycleConfig::new(calendars, LifecyclePolicy::default());
    let prototype = active_customer(&config, &Principal::new("erp"));
    let start = shanghai_at(2026, 10, 1, 0, 0);
    let mut rng = Rng(2026);
    let streams: Vec<Vec<(i64, Fact)>> = (0..CUSTOMERS).map(|_| quarter(&mut rng)).collect();
    let facts: usize = streams.iter().map(Vec::len).sum();
    let (events, lapsed) = run_kefu(&streams, &prototype, &config, start);
    println!(
        "lifecycle/quarter: {CUSTOMERS} customers, {facts} ERP facts, {events} lifecycle events, {lapsed} lapsed at the end"
    );

    let mut group = c.benchmark_group("lifecycle/quarter/100000_customers");
    group.throughput(Throughput::Elements(facts as u64));
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(8));
    group.bench_function("kefu", |b| b.iter(|| run_kefu(black_box(&streams), &prototype, &config, start)));
    group.bench_function("plain_fold", |b| b.iter(|| run_plain(black_box(&streams))));
    group.finish();
}

#[allow(missing_docs)]
mod group {
    use criterion::criterion_group;

    criterion_group!(benches, super::lifecycle);
}

criterion_main!(group::benches);
