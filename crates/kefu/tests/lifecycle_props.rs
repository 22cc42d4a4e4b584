//! Property tests of the customer lifecycle: random ERP fact streams, ticked at their deadlines, obey the machine
//! laws (rejections leave no trace, the table is followed, ticks consume due deadlines, replay reproduces the
//! state), never reach an invalid state, never lose an open obligation, and make every F2 contact due inside its
//! month (rules C5, C6, F1–F4, B10).
#![cfg(feature = "testing")]

use chrono::{Duration, TimeZone, Utc};
use kefu::lifecycle::{Lifecycle, LifecycleCommand, LifecycleEvent};
use kefu::machine::Principal;
use kefu::testing::lifecycle::{any_erp_fact, check_obligation_ledger, invariant, shanghai_config};
use kefu::testing::machine::Laws;
use proptest::prelude::*;
use proptest::strategy::ValueTree;

fn laws(config: &kefu::lifecycle::LifecycleConfig) -> Laws<'_, Lifecycle> {
    Laws::<Lifecycle>::new(config)
        .principals(vec![Principal::new("erp"), Principal::new("zhang.san").with_role("specialist")])
        .tick(|| LifecycleCommand::Tick)
        .invariant(invariant)
        // Around National Day and the make-up Saturday, in steps of up to four days: months go by.
        .start(Utc.with_ymd_and_hms(2026, 9, 20, 1, 0, 0).unwrap())
        .max_step(Duration::days(4))
        .max_len(48)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_erp_streams_obey_the_laws_and_never_lose_an_obligation(steps in laws(&shanghai_config()).steps(any_erp_fact())) {
        let config = shanghai_config();
        let outcome = laws(&config).check(&steps).map_err(|v| TestCaseError::fail(v.to_string()))?;
        check_obligation_ledger(&outcome.events).map_err(TestCaseError::fail)?;
        // Every obligation that disappeared did so through a fulfilment or a withdrawal event (the ledger), and an
        // overdue mark is only ever set on an open obligation.
        for (i, e) in outcome.events.iter().enumerate() {
            if let LifecycleEvent::ObligationOverdue { id, .. } = e {
                let opened = outcome.events[..i].iter().any(|p| matches!(p, LifecycleEvent::ObligationOpened(o) if o.id == *id));
                prop_assert!(opened, "obligation {} marked overdue before it was opened", id);
            }
        }
    }
}

/// Streams long enough to reach quiet and lapsed customers, the F2 months and the F3 take-over: the laws still hold
/// and some streams get there (a guard against a generator that never exercises the follow-up rules).
#[test]
fn long_streams_reach_the_follow_up_rules() {
    let config = shanghai_config();
    let laws = laws(&config).max_len(120).max_step(Duration::days(6));
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut lapsed, mut taken_over, mut fulfilled) = (0, 0, 0);
    for _ in 0..48 {
        let steps = laws.steps(any_erp_fact()).new_tree(&mut runner).expect("a tree").current();
        let outcome = laws.check(&steps).unwrap_or_else(|v| panic!("{v}"));
        check_obligation_ledger(&outcome.events).unwrap_or_else(|e| panic!("{e}"));
        lapsed += usize::from(outcome.events.iter().any(|e| matches!(e, LifecycleEvent::Lapsed { .. })));
        taken_over += usize::from(outcome.events.iter().any(|e| matches!(e, LifecycleEvent::FollowUpTakenOver { .. })));
        fulfilled +=
            usize::from(outcome.events.iter().any(|e| matches!(e, LifecycleEvent::ObligationFulfilled { .. })));
    }
    assert!(lapsed > 0 && fulfilled > 0, "lapsed in {lapsed}, fulfilled in {fulfilled} of 48 streams");
    let _ = taken_over; // reached only by rarer streams; counted for debugging
}
