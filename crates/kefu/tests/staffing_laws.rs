//! The laws of staffing (rule O3), property-tested; Erlang A checked against an independent computation from the
//! birth-and-death chain, and against Erlang C as patience grows without bound.

use chrono::TimeDelta;
use kefu::staffing::{Performance, ServiceTarget, StaffingPolicy, Workload};
use proptest::prelude::*;

/// Floating-point slack for "rises" and "falls": values that agree to 1e-9 are equal. Erlang A's service level is
/// `1 −` a product of ratios of huge series taken in log space, good to about 1e-12 absolute; the laws are about
/// staffing, not the last digits.
const SLACK: f64 = 1e-9;

fn workload(contacts: f64, aht_seconds: i64) -> Workload {
    Workload::new(contacts, TimeDelta::minutes(30), TimeDelta::seconds(aht_seconds)).unwrap()
}

fn policy(share: f64, within: i64, patience: Option<i64>) -> StaffingPolicy {
    let c = StaffingPolicy::erlang_c(ServiceTarget::new(share, TimeDelta::seconds(within)).unwrap());
    match patience {
        None => c,
        Some(p) => c.with_patience(TimeDelta::seconds(p)).unwrap(),
    }
}

fn probabilities_in_range(p: &Performance) -> bool {
    let unit = |v: f64| (0.0..=1.0).contains(&v);
    unit(p.service_level)
        && unit(p.p_wait)
        && unit(p.occupancy)
        && p.p_abandon.is_none_or(unit)
        && p.asa_seconds.is_finite()
        && p.asa_seconds >= 0.0
}

fn patience() -> impl Strategy<Value = Option<i64>> {
    prop_oneof![Just(None), (5i64..1_800).prop_map(Some)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// More agents never answer fewer in time, never abandon more, never wait more; all shares stay in [0, 1].
    #[test]
    fn rule_o3_service_level_rises_and_abandonment_falls_with_agents(
        contacts in 1.0f64..4_000.0,
        aht in 20i64..900,
        within in 0i64..120,
        patience in patience(),
    ) {
        let w = workload(contacts, aht);
        let policy = policy(0.8, within, patience);
        let first = (w.erlangs().floor() as u32 + 1).saturating_sub(40).max(1);
        let mut previous: Option<Performance> = None;
        for n in first..first + 80 {
            let Ok(p) = policy.performance(&w, n) else {
                prop_assert!(patience.is_none() && f64::from(n) <= w.erlangs());
                continue;
            };
            prop_assert!(probabilities_in_range(&p), "{p:?}");
            if let Some(q) = previous {
                prop_assert!(p.service_level >= q.service_level - SLACK, "{q:?} then {p:?}");
                prop_assert!(p.p_wait <= q.p_wait + SLACK, "{q:?} then {p:?}");
                prop_assert!(p.asa_seconds <= q.asa_seconds * (1.0 + 1e-9) + SLACK, "{q:?} then {p:?}");
                prop_assert!(p.occupancy <= q.occupancy + SLACK, "{q:?} then {p:?}");
                if let (Some(now), Some(before)) = (p.p_abandon, q.p_abandon) {
                    prop_assert!(now <= before + SLACK, "{q:?} then {p:?}");
                }
            }
            previous = Some(p);
        }
    }

    /// The requirement is the smallest count meeting the target: it meets it, and one fewer does not.
    #[test]
    fn rule_o3_the_minimal_count_meets_the_target_and_one_fewer_does_not(
        contacts in 0.5f64..6_000.0,
        aht in 20i64..900,
        share in 0.05f64..0.99,
        within in 0i64..120,
        patience in patience(),
    ) {
        let w = workload(contacts, aht);
        let policy = policy(share, within, patience);
        let need = policy.required(&w).unwrap();
        let n = need.for_service_level;
        prop_assert!(probabilities_in_range(&need.performance));
        prop_assert!(policy.performance(&w, n).unwrap().service_level >= share);
        if n > 0 {
            let fewer = policy.performance(&w, n - 1).map(|p| p.service_level);
            prop_assert!(fewer.is_err() || fewer.unwrap() < share, "{need:?}");
        }
        prop_assert!(need.agents >= n && need.scheduled >= need.agents);
    }

    /// More contacts or longer contacts never need fewer agents.
    #[test]
    fn rule_o3_agents_needed_rise_with_volume_and_with_aht(
        contacts in 1.0f64..3_000.0,
        more in 0.0f64..500.0,
        aht in 20i64..600,
        longer in 0i64..300,
        share in 0.5f64..0.95,
        within in 5i64..60,
        patience in patience(),
    ) {
        let policy = policy(share, within, patience);
        let base = policy.required(&workload(contacts, aht)).unwrap().for_service_level;
        let busier = policy.required(&workload(contacts + more, aht)).unwrap().for_service_level;
        let slower = policy.required(&workload(contacts, aht + longer)).unwrap().for_service_level;
        prop_assert!(busier >= base && slower >= base, "{base} {busier} {slower}");
    }

    /// Shrinkage and the occupancy cap only ever add people, by the documented rounding.
    #[test]
    fn rule_o3_shrinkage_and_the_occupancy_cap_follow_the_formula(
        contacts in 1.0f64..3_000.0,
        aht in 20i64..600,
        shrinkage in 0.0f64..0.6,
        cap in 0.5f64..1.0,
    ) {
        let w = workload(contacts, aht);
        let policy = policy(0.8, 20, None).with_shrinkage(shrinkage).unwrap().with_max_occupancy(cap).unwrap();
        let need = policy.required(&w).unwrap();
        let floor = (w.erlangs() / cap).ceil() as u32;
        prop_assert!(need.agents == need.for_service_level.max(floor) || need.agents + 1 == need.for_service_level.max(floor));
        prop_assert!(need.performance.occupancy <= cap + 1e-9);
        let gross = f64::from(need.agents) / (1.0 - shrinkage);
        prop_assert!(f64::from(need.scheduled) >= gross - 1e-6 && f64::from(need.scheduled) < gross + 1.0);
    }
}

/// Erlang A from first principles, for small systems: the stationary distribution of the birth-and-death chain
/// (states up to where their weight is negligible), and for a contact arriving behind `j` others the
/// competing-risk race of its patience against `j + 1` service starts. Its wait, when answered, passes stages of
/// rates `nμ + (i+1)θ` (i ahead); the distribution of that sum is computed by uniformisation.
fn oracle(n: u32, lambda: f64, aht: f64, patience: f64, within: f64) -> (f64, f64, f64, f64) {
    let (mu, theta, nf) = (1.0 / aht, 1.0 / patience, f64::from(n));
    // Weights relative to the state "n in the system".
    let below: f64 = (0..n)
        .rev()
        .scan(1.0, |w, k| {
            *w *= f64::from(k + 1) * mu / lambda;
            Some(*w)
        })
        .sum();
    let mut queue = vec![1.0];
    while *queue.last().unwrap() > 1e-20 * queue.iter().sum::<f64>() || queue.len() < 10 {
        let j = queue.len() as f64;
        let next = queue.last().unwrap() * lambda / (nf * mu + j * theta);
        queue.push(next);
    }
    let total = below + queue.iter().sum::<f64>();
    let (mut p_wait, mut p_abandon, mut answered_late, mut waited_answered) = (0.0, 0.0, 0.0, 0.0);
    for (j, weight) in queue.iter().enumerate() {
        let p = weight / total;
        let stages: Vec<f64> = (1..=j + 1).map(|i| nf * mu + i as f64 * theta).collect();
        let answered = nf * mu / (nf * mu + (j + 1) as f64 * theta);
        p_wait += p;
        p_abandon += p * (1.0 - answered);
        answered_late += p * answered * (1.0 - sum_of_exponentials_cdf(&stages, within));
        waited_answered += p * answered * stages.iter().map(|r| 1.0 / r).sum::<f64>();
    }
    let service_level = 1.0 - p_abandon - answered_late;
    (service_level, p_wait, p_abandon, waited_answered / (1.0 - p_abandon))
}

/// P(X_1 + … + X_m ≤ t) for independent exponentials of the given rates, by uniformisation: a discrete chain that
/// moves to the next stage with probability rate/Λ at each Poisson(Λt) tick.
fn sum_of_exponentials_cdf(rates: &[f64], t: f64) -> f64 {
    let big = rates.iter().copied().fold(0.0, f64::max);
    let mut stage = vec![0.0; rates.len() + 1];
    stage[0] = 1.0;
    let (mut poisson, mut done, mut k) = ((-big * t).exp(), 0.0, 0u32);
    let mut mass = 0.0;
    while mass < 1.0 - 1e-15 && k < 100_000 {
        done += poisson * stage[rates.len()];
        mass += poisson;
        // One tick.
        for s in (0..rates.len()).rev() {
            let moved = stage[s] * rates[s] / big;
            stage[s] -= moved;
            stage[s + 1] += moved;
        }
        k += 1;
        poisson *= big * t / f64::from(k);
    }
    done
}

#[test]
fn rule_o3_erlang_a_agrees_with_the_birth_and_death_chain() {
    // (agents, contacts per half hour, AHT s, patience s, within s)
    for (n, contacts, aht, patience, within) in [
        (1, 5.0, 180.0, 60.0, 20.0),
        (3, 40.0, 120.0, 30.0, 10.0),
        (5, 100.0, 90.0, 120.0, 20.0),
        (8, 100.0, 180.0, 300.0, 20.0), // 10 Erlangs on 8 agents: overload
        (12, 100.0, 180.0, 45.0, 30.0),
        (12, 100.0, 180.0, 600.0, 0.0),
    ] {
        let w = Workload::new(contacts, TimeDelta::minutes(30), TimeDelta::seconds(aht as i64)).unwrap();
        let p = policy(0.8, within as i64, Some(patience as i64)).performance(&w, n).unwrap();
        let (sl, wait, abandon, asa) = oracle(n, contacts / 1_800.0, aht, patience, within);
        let ok = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
        assert!(ok(p.service_level, sl), "n={n}: SL {} vs {sl}", p.service_level);
        assert!(ok(p.p_wait, wait), "n={n}: P(wait) {} vs {wait}", p.p_wait);
        assert!(ok(p.p_abandon.unwrap(), abandon), "n={n}: P(abandon) {:?} vs {abandon}", p.p_abandon);
        assert!(ok(p.asa_seconds, asa), "n={n}: ASA {} vs {asa}", p.asa_seconds);
        assert!(ok(p.occupancy, (contacts / 1_800.0) * aht * (1.0 - abandon) / f64::from(n)));
    }
}

#[test]
fn rule_o3_erlang_a_becomes_erlang_c_as_patience_grows() {
    for (contacts, aht, within) in [(100.0, 180.0, 20.0), (360.0, 240.0, 15.0), (2_000.0, 300.0, 30.0)] {
        let w = Workload::new(contacts, TimeDelta::minutes(30), TimeDelta::seconds(aht as i64)).unwrap();
        let c = policy(0.8, within as i64, None);
        let need = c.required(&w).unwrap();
        for n in [need.for_service_level, need.for_service_level + 3] {
            let exact = c.performance(&w, n).unwrap();
            let mut gaps = Vec::new();
            for patience in [1e5 as i64, 1e7 as i64, 1e9 as i64] {
                let a = policy(0.8, within as i64, Some(patience)).performance(&w, n).unwrap();
                gaps.push(
                    [
                        (a.service_level - exact.service_level).abs(),
                        (a.p_wait - exact.p_wait).abs(),
                        (a.asa_seconds - exact.asa_seconds).abs() / exact.asa_seconds,
                        a.p_abandon.unwrap(),
                    ]
                    .into_iter()
                    .fold(0.0, f64::max),
                );
            }
            // The gap shrinks like 1/patience (each hundredfold patience, a hundredfold smaller gap).
            assert!(gaps[0] > 50.0 * gaps[1] && gaps[1] > 50.0 * gaps[2], "gaps do not shrink: {gaps:?}");
            assert!(gaps[2] < 1e-5, "n={n}: {gaps:?}");
        }
        let patient = policy(0.8, within as i64, Some(1e9 as i64)).required(&w).unwrap();
        assert_eq!(patient.for_service_level, need.for_service_level);
    }
}
