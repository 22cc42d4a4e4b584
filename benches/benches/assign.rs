//! Balanced-assignment benchmarks (rules C3, B2), next to their baselines in the same group:
//!
//! `assign/100k_items_50_specialists`: distributing 100 000 items (customers, callbacks) over 50 specialists on
//! Monday 2 November 2026 at 08:30 Shanghai time. Weights cycle 1, 2, 3; everyone holds `chemicals`, every fifth
//! `english`, every seventh `hazmat`; 45 work on the Shanghai desk calendar and 5 are on leave that week. Items:
//! 70% need no skill, 20% `chemicals`, 7% `english`, 3% `chemicals` + `hazmat`. The team and the items are cloned
//! per iteration outside the timing.
//!
//! * `kefu_assign_all`: `Team::assign_all` (calendars asked once per batch, candidates grouped by skills, most
//!   constrained items first);
//! * `kefu_assign_each`: `Team::assign` for each item in turn (calendars asked and every specialist scanned per
//!   item);
//! * `round_robin`: baseline floor — item *n* to specialist *n* mod 50, ignoring weights, skills and calendars, items
//!   moved into one `Vec` per specialist;
//! * `linear_scan`: baseline — the same rule as kefu (skills, availability, lowest `(load + 1) / weight`, smallest
//!   index) as a bare scan over precomputed skill bitmasks and a `Vec` of loads, without ids, maps or reports.

use std::hint::black_box;
use std::time::Duration;

use chrono::{DateTime, Utc};
use criterion::{BatchSize, Criterion, criterion_main};
use kefu::assign::{Item, Specialist, Team};
use kefu::calendar::{Calendar, CalendarSet};
use kefu_benches::{SHANGHAI_TOML, shanghai, shanghai_at};

const SPECIALISTS: usize = 50;
const ITEMS: usize = 100_000;
const SKILLS: [&str; 3] = ["chemicals", "english", "hazmat"];

struct Fixture {
    team: Team,
    items: Vec<Item>,
    now: DateTime<Utc>,
    /// For the baselines: per specialist (in id order) the weight, a skill bitmask and availability at `now`.
    bare: Vec<(u32, u8, bool)>,
    /// Per item, its skill bitmask.
    needs: Vec<u8>,
}

fn mask(skills: impl Iterator<Item = impl AsRef<str>>) -> u8 {
    skills.fold(0, |m, s| m | SKILLS.iter().position(|k| *k == s.as_ref()).map_or(0, |i| 1 << i))
}

fn fixture() -> Fixture {
    let leave = Calendar::from_toml_str(&format!(
        "{SHANGHAI_TOML}\n[[holidays]]\nfrom = \"2026-11-02\"\nto = \"2026-11-06\"\nname = \"annual leave\"\n"
    ))
    .unwrap();
    let calendars: CalendarSet = [("desk", shanghai()), ("leave", leave)].into_iter().collect();
    let mut team = Team::new(calendars);
    for n in 0..SPECIALISTS {
        let mut s = Specialist::new(format!("s{n:02}")).with_weight(1 + (n % 3) as u32).with_skill("chemicals");
        if n % 5 == 0 {
            s = s.with_skill("english");
        }
        if n % 7 == 0 {
            s = s.with_skill("hazmat");
        }
        team.add(s.with_calendar(if n % 10 == 3 { "leave" } else { "desk" })).unwrap();
    }
    let items: Vec<Item> = (0..ITEMS)
        .map(|n| {
            let item = Item::new(format!("customer-{n:06}"));
            match n % 100 {
                0..70 => item,
                70..90 => item.requiring("chemicals"),
                90..97 => item.requiring("english"),
                _ => item.requiring("chemicals").requiring("hazmat"),
            }
        })
        .collect();
    let now = shanghai_at(2026, 11, 2, 8, 30);
    let bare = team
        .specialists()
        .map(|s| (s.weight(), mask(s.skills()), team.is_available(s.id().as_str(), now).unwrap()))
        .collect();
    let needs = items.iter().map(|i| mask(i.required_skills())).collect();
    Fixture { team, items, now, bare, needs }
}

/// The rule as a bare scan: returns each item's specialist index, or `usize::MAX` if nobody is eligible.
fn linear_scan(bare: &[(u32, u8, bool)], needs: &[u8]) -> Vec<usize> {
    let mut loads = vec![0u64; bare.len()];
    needs
        .iter()
        .map(|&need| {
            let mut best = usize::MAX;
            for (i, &(w, skills, available)) in bare.iter().enumerate() {
                if !available || need & !skills != 0 {
                    continue;
                }
                if best == usize::MAX || (loads[i] + 1) * u64::from(bare[best].0) < (loads[best] + 1) * u64::from(w) {
                    best = i;
                }
            }
            if best != usize::MAX {
                loads[best] += 1;
            }
            best
        })
        .collect()
}

fn round_robin(items: Vec<Item>) -> Vec<Vec<Item>> {
    let mut buckets: Vec<Vec<Item>> = (0..SPECIALISTS).map(|_| Vec::with_capacity(ITEMS / SPECIALISTS + 1)).collect();
    for (n, item) in items.into_iter().enumerate() {
        buckets[n % SPECIALISTS].push(item);
    }
    buckets
}

/// The checks the setup runs: kefu's batch and one-by-one results are complete and consistent, and every
/// specialist on leave gets nothing.
fn check(f: &Fixture) {
    let mut batch_team = f.team.clone();
    let batch = batch_team.assign_all(f.items.clone(), f.now).unwrap();
    assert_eq!(batch.assigned.len(), ITEMS, "everyone skilled is at work: nothing unassigned");
    let mut each_team = f.team.clone();
    for item in f.items.clone() {
        each_team.assign(item, f.now).unwrap();
    }
    for (n, s) in f.team.specialists().enumerate() {
        let id = s.id().as_str();
        let (batch_load, each_load) = (batch_team.load(id).unwrap(), each_team.load(id).unwrap());
        assert_eq!(batch_load == 0, !f.bare[n].2, "{id}: only those on leave get nothing");
        // Most-constrained-first may shift a few items between specialists, never many.
        assert!(batch_load.abs_diff(each_load) <= ITEMS / 100, "{id}: {batch_load} vs {each_load}");
    }
    // The bare scan implements the same rule as `assign` one by one.
    let scan = linear_scan(&f.bare, &f.needs);
    let names: Vec<String> = f.team.specialists().map(|s| s.id().to_string()).collect();
    for (item, &i) in f.items.iter().zip(&scan) {
        assert_eq!(each_team.holder(item.id().as_str()).map(|s| s.as_str()), Some(names[i].as_str()));
    }
}

fn assign(c: &mut Criterion) {
    let f = fixture();
    check(&f);
    let mut group = c.benchmark_group("assign/100k_items_50_specialists");
    group.sample_size(10);
    group.bench_function("kefu_assign_all", |b| {
        b.iter_batched(
            || (f.team.clone(), f.items.clone()),
            |(mut team, items)| {
                let batch = team.assign_all(items, black_box(f.now)).unwrap();
                (team, batch)
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("kefu_assign_each", |b| {
        b.iter_batched(
            || (f.team.clone(), f.items.clone()),
            |(mut team, items)| {
                for item in items {
                    team.assign(item, black_box(f.now)).unwrap();
                }
                team
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("round_robin", |b| {
        b.iter_batched(|| f.items.clone(), |items| round_robin(black_box(items)), BatchSize::PerIteration)
    });
    group.bench_function("linear_scan", |b| b.iter(|| linear_scan(black_box(&f.bare), black_box(&f.needs))));
    group.finish();
}

fn config() -> Criterion {
    // Short runs on a noisy, shared machine; command-line flags (`--measurement-time` …) still override these.
    Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(5))
}

// `criterion_group!` generates an undocumented `pub fn benches`; keep the lint everywhere else.
#[allow(missing_docs)]
mod group {
    use super::{assign, config};
    use criterion::criterion_group;

    criterion_group! {
        name = benches;
        config = config();
        targets = assign
    }
}
criterion_main!(group::benches);
