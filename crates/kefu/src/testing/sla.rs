//! Strategies for SLA policies: targets, warnings and escalation ladders.

use chrono::TimeDelta;
use proptest::prelude::*;

use crate::sla::{ClockCommand, SlaPolicy};

/// A policy on the calendar named `calendar`: a wall-clock, business-time or working-day target, up to three
/// warnings and an escalation ladder of up to four rungs (0 to 4 hours apart).
pub fn any_policy(calendar: &'static str) -> impl Strategy<Value = SlaPolicy> {
    let target = prop_oneof![
        (1i64..72 * 3600).prop_map(|s| SlaPolicy::elapsed("elapsed", TimeDelta::seconds(s))),
        (1i64..40 * 3600).prop_map(move |s| SlaPolicy::business("business", TimeDelta::seconds(s), calendar)),
        (1u32..10).prop_map(move |d| SlaPolicy::working_days("working days", d, calendar)),
    ];
    let warnings = proptest::collection::btree_set(1u16..1000, 0..3);
    let ladder = proptest::collection::vec(0i64..4 * 3600, 0..4);
    (target, warnings, ladder).prop_map(|(mut policy, warnings, ladder)| {
        for w in warnings {
            policy = policy.with_warning(f64::from(w) / 1000.0).unwrap_or_else(|e| unreachable!("valid fraction: {e}"));
        }
        for (i, after) in ladder.into_iter().enumerate() {
            policy = policy
                .with_escalation(format!("level_{}", i + 1), TimeDelta::seconds(after))
                .unwrap_or_else(|e| unreachable!("a named rung with a delay of zero or more: {e}"));
        }
        policy
    })
}

/// A business-time policy on `calendar` with `within` of open time and no warnings or ladder: the shape of
/// "1 business hour to handle" (rule B6).
pub fn business_policy(calendar: &'static str, within: std::ops::Range<i64>) -> impl Strategy<Value = SlaPolicy> {
    within.prop_map(move |s| SlaPolicy::business("business", TimeDelta::seconds(s), calendar))
}

/// Commands for a [`Clock`](crate::sla::Clock) whose policies use the calendar named `calendar`: starts (with
/// [`any_policy`]), pauses, resumes, stops, cancellations and ticks, weighted towards ticks and pauses. Feed them to
/// [`Laws`](crate::testing::machine::Laws) to check the machine laws on random clock histories.
pub fn any_clock_command(calendar: &'static str) -> impl Strategy<Value = ClockCommand> {
    prop_oneof![
        1 => any_policy(calendar).prop_map(ClockCommand::Start),
        2 => Just(ClockCommand::Pause { reason: Some("waiting for the customer".into()) }),
        2 => Just(ClockCommand::Resume),
        1 => Just(ClockCommand::Stop),
        1 => Just(ClockCommand::Cancel { reason: "no longer needed".into() }),
        3 => Just(ClockCommand::Tick),
    ]
}
