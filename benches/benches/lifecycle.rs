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

use criterion::{Criterion, Throughput, criterion_main};
use kefu_benches::quarter::{LifecycleQuarter, run_plain};

const CUSTOMERS: usize = 100_000;

fn lifecycle(c: &mut Criterion) {
    let quarter = LifecycleQuarter::new(CUSTOMERS);
    let facts = quarter.facts();
    let (events, lapsed) = quarter.run();
    println!(
        "lifecycle/quarter: {CUSTOMERS} customers, {facts} ERP facts, {events} lifecycle events, {lapsed} lapsed at the end"
    );

    let mut group = c.benchmark_group("lifecycle/quarter/100000_customers");
    group.throughput(Throughput::Elements(facts as u64));
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(8));
    group.bench_function("kefu", |b| b.iter(|| black_box(&quarter).run()));
    group.bench_function("plain_fold", |b| b.iter(|| run_plain(black_box(&quarter.streams))));
    group.finish();
}

#[allow(missing_docs)]
mod group {
    use criterion::criterion_group;

    criterion_group!(benches, super::lifecycle);
}

criterion_main!(group::benches);
