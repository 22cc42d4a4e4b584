//! Staffing benchmarks (rule O3), next to their baselines in the same group:
//!
//! `staffing/2000_erlangs`: 20 000 contacts per half hour, AHT 180 s, 80% within 20 s (2 000 Erlangs, about 2 050
//! agents under Erlang C).
//!
//! * `kefu_erlang_c_required`: `StaffingPolicy::required` under Erlang C — the search for the smallest count;
//! * `kefu_erlang_a_required`: the same under Erlang A, mean patience 3 minutes (about 1 900 agents);
//! * `one_count_erlang_c`, `one_count_erlang_a`: baselines — `StaffingPolicy::performance` at the answer only, the
//!   cost of evaluating one count (the Erlang B recurrence up to it, and for Erlang A its series);
//!
//! `staffing/100_erlangs`: 1 000 contacts per half hour, same AHT and target (about 110 agents).
//!
//! * `kefu_erlang_c_required`: as above;
//! * `naive_direct_erlang_c`: baseline — the textbook formula `C = (aⁿ/n!)(n/(n−a)) / (Σ_{k<n} aᵏ/k! +
//!   (aⁿ/n!)(n/(n−a)))` evaluated directly with powers and factorials in `f64` for n = ⌊a⌋+1, ⌊a⌋+2, … until the
//!   service level is met. It cannot run much beyond 100 Erlangs: `aⁿ` and `n!` overflow `f64` (from n = 171 for
//!   `n!`), the formula turns into ∞/∞ and the search never ends.

use std::hint::black_box;
use std::time::Duration;

use chrono::TimeDelta;
use criterion::{Criterion, criterion_main};
use kefu::staffing::{StaffingPolicy, Workload};

const AHT: f64 = 180.0;
const WITHIN: f64 = 20.0;
const SHARE: f64 = 0.8;

fn workload(contacts: f64) -> Workload {
    Workload::new(contacts, TimeDelta::minutes(30), TimeDelta::seconds(AHT as i64)).unwrap()
}

/// The textbook Erlang C, term by term: what a spreadsheet does. Returns the smallest count meeting the target.
fn naive_direct_agents(load: f64) -> u32 {
    assert!(load < 150.0, "the direct formula overflows beyond about 150 Erlangs");
    let factorial = |n: u32| (1..=n).map(f64::from).product::<f64>();
    let mut n = load.floor() as u32 + 1;
    loop {
        let nf = f64::from(n);
        let top = load.powi(n as i32) / factorial(n) * nf / (nf - load);
        let below: f64 = (0..n).map(|k| load.powi(k as i32) / factorial(k)).sum();
        let c = top / (below + top);
        let service_level = 1.0 - c * (-(nf - load) * WITHIN / AHT).exp();
        if service_level >= SHARE {
            return n;
        }
        n += 1;
    }
}

fn bench(c: &mut Criterion) {
    let erlang_c = StaffingPolicy::erlang_c("80/20s".parse().unwrap());
    let erlang_a = erlang_c.with_patience(TimeDelta::minutes(3)).unwrap();

    let big = workload(20_000.0);
    let need_c = erlang_c.required(&big).unwrap().for_service_level;
    let need_a = erlang_a.required(&big).unwrap().for_service_level;
    let mut group = c.benchmark_group("staffing/2000_erlangs");
    group.bench_function("kefu_erlang_c_required", |b| b.iter(|| erlang_c.required(black_box(&big)).unwrap()));
    group.bench_function("kefu_erlang_a_required", |b| b.iter(|| erlang_a.required(black_box(&big)).unwrap()));
    group.bench_function("one_count_erlang_c", |b| {
        b.iter(|| erlang_c.performance(black_box(&big), black_box(need_c)).unwrap())
    });
    group.bench_function("one_count_erlang_a", |b| {
        b.iter(|| erlang_a.performance(black_box(&big), black_box(need_a)).unwrap())
    });
    group.finish();

    let moderate = workload(1_000.0);
    // The baseline must answer the same question the same way before it is timed.
    assert_eq!(naive_direct_agents(moderate.erlangs()), erlang_c.required(&moderate).unwrap().for_service_level);
    let mut group = c.benchmark_group("staffing/100_erlangs");
    group.bench_function("kefu_erlang_c_required", |b| b.iter(|| erlang_c.required(black_box(&moderate)).unwrap()));
    group.bench_function("naive_direct_erlang_c", |b| b.iter(|| naive_direct_agents(black_box(moderate.erlangs()))));
    group.finish();
}

fn config() -> Criterion {
    // Short runs on a noisy, shared machine; command-line flags (`--measurement-time` …) still override these.
    Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3))
}

// `criterion_group!` generates an undocumented `pub fn benches`; keep the lint everywhere else.
#[allow(missing_docs)]
mod group {
    use super::{bench, config};
    use criterion::criterion_group;

    criterion_group! {
        name = benches;
        config = config();
        targets = bench
    }
}
criterion_main!(group::benches);
