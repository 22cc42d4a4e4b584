//! Property tests for callbacks: random command histories obey the machine laws, keep the callback's invariant
//! (B9: no attempt and no scheduled contact in quiet hours; B4: a done callback always has its record clock) and
//! replay to the same state; the coverage report accounts for every due callback exactly once (B10).
#![cfg(feature = "testing")]

use std::collections::BTreeSet;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use kefu::calendar::{Calendar, CalendarSet};
use kefu::callback::{
    CallResult, Callback, CallbackCommand, CallbackCommandKind, CallbackConfig, CallbackKind, CallbackPolicy,
    CallbackState, Due, Occasion, Period, Problem, Status, coverage,
};
use kefu::case::Standing;
use kefu::lifecycle::ContactChannel;
use kefu::machine::{Context, Instance, Principal, allows};
use kefu::sla::ClockKind;
use kefu::testing::machine::{Laws, Step};
use proptest::prelude::*;

const CONTACT_HOURS: &str = r#"
time_zone = "Asia/Shanghai"
[week]
mon = ["09:00-12:00", "13:30-20:00"]
tue = ["09:00-12:00", "13:30-20:00"]
wed = ["09:00-12:00", "13:30-20:00"]
thu = ["09:00-12:00", "13:30-20:00"]
fri = ["09:00-12:00", "13:30-20:00"]
sat = ["10:00-12:00"]
"#;

fn config() -> CallbackConfig {
    let calendars: CalendarSet =
        [("contact-hours", Calendar::from_toml_str(CONTACT_HOURS).expect("valid"))].into_iter().collect();
    let policy = CallbackPolicy { quiet_hours: Some("contact-hours".into()), ..CallbackPolicy::default() };
    CallbackConfig::new(calendars, policy).expect("valid config")
}

fn friday_1730() -> DateTime<Utc> {
    Shanghai.with_ymd_and_hms(2026, 11, 20, 17, 30, 0).single().expect("unambiguous").to_utc()
}

fn monday_0900() -> DateTime<Utc> {
    Shanghai.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).single().expect("unambiguous").to_utc()
}

fn any_due() -> impl Strategy<Value = Due> {
    let t0 = friday_1730();
    let reason = prop_oneof![Just(0u8), Just(1), Just(2)];
    (reason, -48i64..96, 1i64..240, any::<bool>()).prop_map(move |(reason, from_h, len_h, lapsed)| {
        let from = t0 + TimeDelta::hours(from_h);
        let due = match reason {
            0 => Due::after_sale("0042", "SO-1", from),
            1 => Due::occasion("0042", Occasion::Anniversary, from),
            _ => Due::regular("0042", from, from + TimeDelta::hours(len_h)),
        };
        due.with_standing(if lapsed { Standing::Lapsed } else { Standing::Regular })
    })
}

fn any_channel() -> impl Strategy<Value = ContactChannel> {
    prop_oneof![
        Just(ContactChannel::Phone),
        Just(ContactChannel::Visit),
        Just(ContactChannel::ServiceVisit),
        Just(ContactChannel::Sms)
    ]
}

fn any_command() -> impl Strategy<Value = CallbackCommand> {
    prop_oneof![
        1 => any_due().prop_map(CallbackCommand::Open),
        2 => prop_oneof![Just("li.wei"), Just("wang.fang"), Just("")]
            .prop_map(|s| CallbackCommand::Assign { specialist: s.into() }),
        4 => (any_channel(), any::<bool>()).prop_map(|(channel, reached)| CallbackCommand::Attempt { channel, reached }),
        2 => prop::option::of(0i64..400)
            .prop_map(|h| CallbackCommand::Reschedule { to: h.map(|h| monday_0900() + TimeDelta::hours(h)) }),
        2 => prop_oneof![
            Just(CallResult::summary("fine")),
            Just(CallResult::Summary { notes: "late".into(), problems: vec![Problem::new("late", Some("logistics"))] }),
        ].prop_map(|result| CallbackCommand::Finish { result }),
        2 => Just(CallbackCommand::File),
        1 => Just(CallbackCommand::Cancel { reason: "handed to sales".into() }),
        3 => Just(CallbackCommand::Tick),
    ]
}

/// The callback's invariant: what each kind of state must and must not carry.
fn invariant(config: &CallbackConfig) -> impl Fn(&CallbackState) -> Result<(), String> + '_ {
    move |state| {
        let calendar = config.calendars.get("contact-hours").map_err(|e| e.to_string())?;
        let allowed = |t: DateTime<Utc>| calendar.is_open(t).map_err(|e| e.to_string());
        let kind = state.kind();
        if (kind == CallbackKind::New) != state.due().is_none() {
            return Err(format!("{kind:?} with due {:?}", state.due()));
        }
        if kind == CallbackKind::New {
            return Ok(());
        }
        let window = state.window().ok_or("an opened callback has a window")?;
        if window.by <= window.from {
            return Err(format!("empty window {window:?}"));
        }
        if let Some(missed) = state.missed_at() {
            if missed != window.by {
                return Err(format!("missed at {missed}, the window closes at {}", window.by));
            }
        }
        // B9: every attempt and every scheduled contact is in the customer's contact hours.
        for attempt in state.attempts() {
            if !allowed(attempt.at)? {
                return Err(format!("attempt at {} in quiet hours", attempt.at));
            }
        }
        match (state.is_open(), state.scheduled()) {
            (true, Some(t)) if !allowed(t)? => return Err(format!("scheduled at {t}, in quiet hours")),
            (true, None) => return Err("an open callback has no next contact".into()),
            (false, Some(t)) => return Err(format!("a closed callback still scheduled at {t}")),
            _ => {}
        }
        if matches!(kind, CallbackKind::Assigned | CallbackKind::Attempted | CallbackKind::Rescheduled)
            && state.specialist().is_none()
        {
            return Err(format!("{kind:?} without a specialist"));
        }
        if kind == CallbackKind::Attempted && !state.attempts().last().is_some_and(|a| a.reached) {
            return Err("attempted, but the last attempt did not reach the customer".into());
        }
        // B4: done means the record clock runs (or ran, once filed) under the standing's limit.
        let clock = state.record_clock();
        match kind {
            CallbackKind::Done | CallbackKind::Filed => {
                let clock = clock.ok_or("done without a record clock")?;
                let live = matches!(clock.kind(), ClockKind::Running | ClockKind::Overdue);
                if (kind == CallbackKind::Done) != live
                    || (kind == CallbackKind::Filed) != (clock.kind() == ClockKind::Met)
                {
                    return Err(format!("{kind:?} with the record clock {:?}", clock.kind()));
                }
                let standing = state.due().map(|d| d.standing).unwrap_or_default();
                let limit = if standing == Standing::Lapsed { TimeDelta::hours(1) } else { TimeDelta::hours(24) };
                if clock.budget() != Some(limit) {
                    return Err(format!("{standing:?} record clock with budget {:?}", clock.budget()));
                }
                if state.done_at().is_none() || state.result().is_none() {
                    return Err("done without its instant or result".into());
                }
            }
            _ if clock.is_some() => return Err(format!("{kind:?} with a record clock")),
            _ => {}
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_callback_histories_obey_the_laws_and_keep_the_invariant(steps in {
        // Most histories start along the happy path for a random number of steps (so that they reach the later
        // states: done, filed), then go on at random; the rest start with random commands on a new callback.
        let config = config();
        let prefix = (any_due(), any::<bool>()).prop_map(|(due, reschedule)| {
            let mut path = vec![
                CallbackCommand::Open(due),
                CallbackCommand::Assign { specialist: "li.wei".into() },
                CallbackCommand::Attempt { channel: ContactChannel::Phone, reached: true },
            ];
            if reschedule {
                path.push(CallbackCommand::Reschedule { to: Some(monday_0900() + TimeDelta::hours(3)) });
                path.push(CallbackCommand::Attempt { channel: ContactChannel::Sms, reached: true });
            }
            path.extend([CallbackCommand::Finish { result: CallResult::summary("fine") }, CallbackCommand::File]);
            path
        });
        (prefix, Laws::<Callback>::new(&config).max_len(24).steps(any_command()), 0..8usize).prop_map(|(path, steps, n)| {
            // Zero-length steps keep the prefix inside the contact hours of Monday morning, except the attempt
            // after a reschedule, which goes to the rescheduled time.
            let mut prefix: Vec<_> = path.into_iter().take(n).map(|command| {
                let after = match command {
                    CallbackCommand::Attempt { channel: ContactChannel::Sms, .. } => TimeDelta::hours(4) + TimeDelta::minutes(30),
                    _ => TimeDelta::zero(),
                };
                Step::Command { after, principal: 0, command }
            }).collect();
            prefix.extend(steps);
            prefix
        })
    }) {
        let config = config();
        let laws = Laws::<Callback>::new(&config)
            .principals(vec![Principal::new("li.wei"), Principal::new("chen.jing").with_role("service_supervisor")])
            .tick(|| CallbackCommand::Tick)
            .start(monday_0900())
            .max_step(TimeDelta::minutes(90))
            .invariant(invariant(&config));
        laws.check(&steps).map_err(|v| TestCaseError::fail(v.to_string()))?;
    }

    #[test]
    fn rule_b10_coverage_accounts_for_every_due_callback_exactly_once(
        histories in prop::collection::vec(
            (any_due(), prop::collection::vec((0i64..30, any_command()), 0..10)),
            0..12,
        ),
        period_start in -72i64..200,
        period_len in 1i64..400,
        report_after in 0i64..300,
    ) {
        let config = config();
        let t0 = friday_1730();
        let who = Principal::new("li.wei");
        let mut instances = Vec::new();
        let mut latest = t0;
        for (due, commands) in histories {
            let mut instance = Instance::<Callback>::new();
            let mut now = t0;
            let _ = instance.execute(&CallbackCommand::Open(due), &Context::new(now, &who, &config));
            for (hours, command) in commands {
                now += TimeDelta::hours(hours);
                let _ = instance.execute(&command, &Context::new(now, &who, &config));
            }
            latest = latest.max(now);
            instances.push(instance);
        }
        let at = latest + TimeDelta::hours(report_after);
        // Every instance ticked at the report's instant: the machine's own miss flag must agree with the report.
        for instance in instances.iter_mut().filter(|i| allows::<Callback>(i.kind(), CallbackCommandKind::Tick)) {
            instance.execute(&CallbackCommand::Tick, &Context::new(at, &who, &config))
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
        let period = Period::new(t0 + TimeDelta::hours(period_start), t0 + TimeDelta::hours(period_start + period_len));
        let ids: Vec<String> = (0..instances.len()).map(|i| format!("cb-{i}")).collect();
        let report = coverage(period, at, ids.iter().zip(instances.iter().map(Instance::state)));

        // Exactly the callbacks whose window closes in the period, each once.
        let expected: BTreeSet<&str> = ids.iter().zip(&instances)
            .filter(|(_, i)| i.state().window().is_some_and(|w| period.contains(w.by)))
            .map(|(id, _)| id.as_str())
            .collect();
        let listed: Vec<&str> = report.entries.iter().map(|e| e.id.as_str()).collect();
        prop_assert_eq!(listed.len(), expected.len());
        prop_assert_eq!(listed.iter().copied().collect::<BTreeSet<_>>(), expected);
        prop_assert_eq!(report.done + report.scheduled + report.missed + report.cancelled, report.due());

        for (entry, state) in report.entries.iter().map(|e| {
            let index: usize = e.id[3..].parse().unwrap_or(usize::MAX);
            (e, instances[index].state())
        }) {
            match entry.status {
                Status::Done => prop_assert!(state.done_at().is_some_and(|d| d < entry.window.by)),
                Status::Cancelled => prop_assert!(state.cancelled_at().is_some_and(|c| c < entry.window.by)),
                Status::Scheduled => {
                    prop_assert!(state.is_open() && entry.window.by > at);
                    prop_assert_eq!(state.missed_at(), None);
                }
                Status::Missed => {
                    prop_assert!(entry.window.by <= at);
                    prop_assert!(state.done_at().is_none_or(|d| d >= entry.window.by));
                    if state.is_open() {
                        prop_assert_eq!(state.missed_at(), Some(entry.window.by));
                    }
                }
            }
        }
        let missed: Vec<&str> = report.missed_list().iter().map(|e| e.id.as_str()).collect();
        prop_assert_eq!(missed.len(), report.missed);
        let fraction = report.coverage();
        let settled = (report.done + report.missed) as u64;
        if settled == 0 {
            prop_assert!(fraction.is_one());
        } else {
            prop_assert_eq!(fraction.numerator * settled, report.done as u64 * fraction.denominator);
        }
        prop_assert_eq!(report.is_full(), report.missed == 0);
    }
}
