//! The lifecycle quarter (rules C5, C6, F1–F4): customers' ERP facts over a quarter evolved through the lifecycle
//! machine alone, and the plain fold of the same facts. Shared by the `lifecycle` benchmark and the `desk`
//! benchmark, which sets the desk's end-to-end throughput beside it.

use chrono::{DateTime, TimeDelta, Utc};
use kefu::calendar::CalendarSet;
use kefu::lifecycle::{
    C5_DOCUMENTS, ContactChannel, Lifecycle, LifecycleCommand, LifecycleConfig, LifecycleKind, LifecyclePolicy,
};
use kefu::machine::{Context, Instance, Principal};

use crate::{shanghai, shanghai_at};

/// Every customer's quarter of facts, ready to run.
pub struct LifecycleQuarter {
    /// Each customer's facts, in time order.
    pub streams: Vec<Vec<(i64, Fact)>>,
    /// An active customer every run starts from.
    pub prototype: Instance<Lifecycle>,
    /// The lifecycle's configuration (the Shanghai sample calendar).
    pub config: LifecycleConfig,
    /// 1 October 2026, Shanghai.
    pub start: DateTime<Utc>,
}

impl LifecycleQuarter {
    /// The quarter of `customers` customers (seed 2026).
    #[must_use]
    pub fn new(customers: usize) -> Self {
        let calendars: CalendarSet = [("office", shanghai())].into_iter().collect();
        let config = LifecycleConfig::new(calendars, LifecyclePolicy::default());
        let prototype = active_customer(&config, &Principal::new("erp"));
        let mut rng = Rng(2026);
        let streams = (0..customers).map(|_| quarter(&mut rng)).collect();
        Self { streams, prototype, config, start: shanghai_at(2026, 10, 1, 0, 0) }
    }

    /// How many ERP facts one run sends.
    #[must_use]
    pub fn facts(&self) -> usize {
        self.streams.iter().map(Vec::len).sum()
    }

    /// Runs every customer through the machine; the lifecycle events and how many customers ended lapsed.
    #[must_use]
    pub fn run(&self) -> (usize, usize) {
        run_kefu(&self.streams, &self.prototype, &self.config, self.start)
    }
}

/// The facts of the simulation, as indices into [`palette`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Fact {
    /// An order.
    Order = 0,
    /// A payment fell overdue.
    Overdue = 1,
    /// It was settled.
    Settled = 2,
    /// Sales logged a contact.
    SalesContact = 3,
    /// Customer service called.
    Phone = 4,
    /// Customer service sent an SMS.
    Sms = 5,
}

/// The commands of the facts, by index.
pub fn palette() -> [LifecycleCommand; 6] {
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
pub struct Rng(pub u64);

impl Rng {
    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// One customer's quarter: `(seconds since the quarter's start, fact)`, in time order. Regular buyers order every
/// 3–10 days; a quarter of the customers stop ordering at some point (they go quiet, then lapse); one in five has a
/// payment overdue for 5–40 days; customer service makes 0–5 contacts; sales log a contact now and then.
pub fn quarter(rng: &mut Rng) -> Vec<(i64, Fact)> {
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
pub fn active_customer(config: &LifecycleConfig, erp: &Principal) -> Instance<Lifecycle> {
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
pub fn tick_until(
    customer: &mut Instance<Lifecycle>,
    until: DateTime<Utc>,
    config: &LifecycleConfig,
    system: &Principal,
) -> usize {
    customer.catch_up(&LifecycleCommand::Tick, &Context::new(until, system, config)).unwrap().len()
}

/// Evolves every customer through its quarter; returns the number of lifecycle events and how many ended lapsed.
pub fn run_kefu(
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
pub struct Plain {
    last_order: i64,
    orders: u32,
    owing: u32,
    contacts: u32,
    sales_contacts: u32,
}

/// Folds the same facts into a plain struct, no rules; a checksum.
pub fn run_plain(streams: &[Vec<(i64, Fact)>]) -> u64 {
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
