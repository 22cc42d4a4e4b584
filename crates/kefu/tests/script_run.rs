//! Script runs (rules S1, S2, B4, B5): scenarios with explicit instants, rejections, pictures.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use kefu::machine::{Context, Instance, Principal, Rejection, TransitionGraph, replay};
use kefu::script::{
    Answer, CallbackRecord, Outcome, RunCommand, RunError, RunKind, S1_TOML, S2_TOML, ScriptRun, ValidScript,
};

fn t0() -> DateTime<Utc> {
    // Monday 2 November 2026, 10:00 in Shanghai.
    Utc.with_ymd_and_hms(2026, 11, 2, 2, 0, 0).unwrap()
}

/// Drives a run with one answer every 15 seconds; `None` skips.
fn drive(script: &ValidScript, steps: &[(&str, Option<Answer>)]) -> (Instance<ScriptRun>, Vec<kefu::script::RunEvent>) {
    let agent = Principal::new("agent-7");
    let mut run = Instance::<ScriptRun>::new();
    let mut log = run.execute(&RunCommand::Start, &Context::new(t0(), &agent, script)).unwrap();
    for (k, (question, answer)) in steps.iter().enumerate() {
        let ctx = Context::new(t0() + TimeDelta::seconds(15 * (k as i64 + 1)), &agent, script);
        let command = match answer {
            Some(a) => RunCommand::answer(*question, a.clone()),
            None => RunCommand::skip(*question),
        };
        log.extend(run.execute(&command, &ctx).unwrap_or_else(|e| panic!("{question}: {e}")));
    }
    (run, log)
}

fn record(run: &Instance<ScriptRun>) -> CallbackRecord {
    run.state().record().expect("the run has ended")
}

fn s1() -> ValidScript {
    ValidScript::from_toml_str(S1_TOML).unwrap()
}

fn s2() -> ValidScript {
    ValidScript::from_toml_str(S2_TOML).unwrap()
}

#[test]
fn rule_s1_satisfied_customer_completes_without_problems() {
    let s1 = s1();
    let (run, log) = drive(
        &s1,
        &[
            ("greeting", Some(Answer::YesNo(true))),
            ("ask_satisfaction", Some(Answer::choice("satisfied"))),
            ("ask_channel", Some(Answer::text("展会"))),
            ("ask_suggestion", None),
            ("ask_referral", Some(Answer::YesNo(true))),
        ],
    );
    assert_eq!(run.kind(), RunKind::Completed);
    let r = record(&run);
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(r.satisfaction.as_deref(), Some("satisfied"));
    assert_eq!(r.referral, Some(true));
    assert_eq!(r.channel.as_deref(), Some("展会"));
    assert_eq!(r.suggestion, None);
    assert!(r.problems.is_empty());
    assert_eq!(
        r.path,
        [
            "greeting",
            "route_convenient",
            "ask_satisfaction",
            "route_satisfaction",
            "ask_channel",
            "ask_suggestion",
            "ask_referral",
            "route_closing",
            "close_satisfied"
        ]
    );
    assert_eq!(r.answers.len(), 5);
    assert_eq!(r.answers[4].at, t0() + TimeDelta::seconds(75));
    assert_eq!((r.started_at, r.ended_at), (t0(), t0() + TimeDelta::seconds(75)));
    assert_eq!(r.hash, s1.hash());
    assert_eq!(replay::<ScriptRun>(&log), run);
}

#[test]
fn rule_s1_rule_b5_unsatisfied_customer_raises_a_problem_and_gets_the_apology() {
    let (run, _) = drive(
        &s1(),
        &[
            ("greeting", Some(Answer::YesNo(true))),
            ("ask_satisfaction", Some(Answer::choice("so_so"))),
            ("ask_improve", Some(Answer::text("送货太慢"))),
            ("ask_channel", Some(Answer::text("朋友介绍"))),
            ("ask_suggestion", Some(Answer::text("提前通知发货时间"))),
            ("ask_referral", Some(Answer::YesNo(false))),
        ],
    );
    let r = record(&run);
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(r.problems.len(), 1);
    assert_eq!(r.problems[0].text, "送货太慢");
    assert_eq!(r.problems[0].node, "record_problem");
    assert_eq!(r.problems[0].at, t0() + TimeDelta::seconds(45));
    assert_eq!(r.satisfaction.as_deref(), Some("so_so"));
    assert_eq!(r.referral, Some(false));
    assert_eq!(r.path.last().map(String::as_str), Some("close_unsatisfied"));
}

#[test]
fn rule_s1_not_convenient_is_rescheduled_at_the_customers_time() {
    let when = Utc.with_ymd_and_hms(2026, 11, 3, 7, 0, 0).unwrap(); // 15:00 the next day in Shanghai
    let (run, _) =
        drive(&s1(), &[("greeting", Some(Answer::YesNo(false))), ("ask_time", Some(Answer::DateTime(when)))]);
    assert_eq!(run.kind(), RunKind::Rescheduled);
    let r = record(&run);
    assert_eq!(r.outcome, Outcome::Rescheduled);
    assert_eq!(r.next_contact, Some(when));
    assert_eq!(r.path, ["greeting", "route_convenient", "ask_time", "schedule_next", "end_rescheduled"]);
}

#[test]
fn rule_s1_a_rescheduled_call_cannot_skip_its_time() {
    let script = s1();
    let agent = Principal::new("agent-7");
    let ctx = Context::new(t0(), &agent, &script);
    let mut run = Instance::<ScriptRun>::new();
    run.execute(&RunCommand::Start, &ctx).unwrap();
    run.execute(&RunCommand::answer("greeting", Answer::YesNo(false)), &ctx).unwrap();
    let before = run.clone();
    let err = run.execute(&RunCommand::skip("ask_time"), &ctx).unwrap_err();
    assert!(
        err.to_string().contains("`ask_time` cannot be skipped: `schedule_next` schedules the next contact"),
        "{err}"
    );
    assert_eq!(run, before, "refused without trace");
}

#[test]
fn rule_s2_not_convenient_is_rescheduled_at_the_customers_time() {
    let when = Utc.with_ymd_and_hms(2026, 11, 4, 1, 30, 0).unwrap();
    let (run, _) =
        drive(&s2(), &[("greeting", Some(Answer::YesNo(false))), ("ask_time", Some(Answer::DateTime(when)))]);
    assert_eq!(record(&run).next_contact, Some(when));
    assert_eq!(run.kind(), RunKind::Rescheduled);
}

#[test]
fn rule_s2_every_reason_is_recorded_one_by_one_and_each_is_a_problem() {
    let (run, _) = drive(
        &s2(),
        &[
            ("greeting", Some(Answer::YesNo(true))),
            ("ask_reason", Some(Answer::YesNo(true))),
            ("reason_detail", Some(Answer::text("价格比别家高"))),
            ("more_reasons", Some(Answer::YesNo(true))),
            ("reason_detail", Some(Answer::text("上次送货晚了两天"))),
            ("more_reasons", Some(Answer::YesNo(false))),
            ("ask_continue", Some(Answer::YesNo(true))),
            ("ask_suggestion", None),
            ("ask_referral", Some(Answer::YesNo(true))),
        ],
    );
    let r = record(&run);
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(r.reasons, ["价格比别家高", "上次送货晚了两天"]);
    assert_eq!(r.problems.iter().map(|p| p.text.as_str()).collect::<Vec<_>>(), r.reasons);
    assert_eq!(r.continue_cooperation, Some(true));
    assert_eq!(r.path.last().map(String::as_str), Some("close_problems"));
    assert!(r.path.contains(&"problems_recorded".to_owned()));
}

#[test]
fn rule_s2_no_problems_goes_straight_to_suggestions_and_thanks() {
    let (run, _) = drive(
        &s2(),
        &[
            ("greeting", Some(Answer::YesNo(true))),
            ("ask_reason", Some(Answer::YesNo(false))),
            ("ask_suggestion", Some(Answer::text("多发新品信息"))),
            ("ask_referral", Some(Answer::YesNo(true))),
        ],
    );
    let r = record(&run);
    assert!(r.problems.is_empty() && r.reasons.is_empty());
    assert_eq!(r.continue_cooperation, None);
    assert_eq!(r.path.last().map(String::as_str), Some("close_thanks"));
}

#[test]
fn wrong_answers_are_refused_and_leave_no_trace() {
    let s1 = s1();
    let agent = Principal::new("agent-7");
    let ctx = Context::new(t0(), &agent, &s1);
    let mut run = Instance::<ScriptRun>::new();
    run.execute(&RunCommand::Start, &ctx).unwrap();
    let before = run.clone();
    let refuse = |run: &mut Instance<ScriptRun>, command: RunCommand| -> RunError {
        match run.execute(&command, &ctx) {
            Err(Rejection::Refused { reason, .. }) => reason,
            other => panic!("expected a refusal, got {other:?}"),
        }
    };
    assert!(matches!(
        refuse(&mut run, RunCommand::answer("ask_satisfaction", Answer::YesNo(true))),
        RunError::NotTheCurrentQuestion { .. }
    ));
    assert!(matches!(
        refuse(&mut run, RunCommand::answer("greeting", Answer::text("hm"))),
        RunError::WrongAnswerKind { .. }
    ));
    run.execute(&RunCommand::answer("greeting", Answer::YesNo(false)), &ctx).unwrap();
    let err = refuse(&mut run, RunCommand::answer("ask_time", Answer::DateTime(t0() - TimeDelta::hours(1))));
    assert!(matches!(err, RunError::NotInFuture { .. }), "{err}");
    assert_ne!(run, before);
    // Another script (or another version of this one) cannot continue the run.
    let s2 = s2();
    let other = Context::new(t0(), &agent, &s2);
    let err = run.execute(&RunCommand::skip("ask_time"), &other).unwrap_err();
    assert!(err.to_string().contains("pinned to script `s1-regular-callback@1#"), "{err}");
    // Nothing may follow an end, nor start twice.
    run.execute(&RunCommand::abort("line dropped"), &ctx).unwrap();
    assert_eq!(record(&run).outcome, Outcome::Aborted);
    assert_eq!(record(&run).abort_reason.as_deref(), Some("line dropped"));
    assert!(matches!(run.execute(&RunCommand::Start, &ctx), Err(Rejection::NotAllowed { .. })));
}

#[test]
fn the_run_machine_has_no_unreachable_state_and_every_state_can_end() {
    let graph = TransitionGraph::of::<ScriptRun>();
    assert_eq!(graph.cannot_finish(), []);
    insta::assert_snapshot!("script_run_machine_mermaid", graph.to_mermaid());
}

#[test]
fn rule_s1_pictures() {
    let s1 = s1();
    insta::assert_snapshot!("script_s1_mermaid_zh_cn", s1.to_mermaid("zh-CN"));
    insta::assert_snapshot!("script_s1_dot_en", s1.to_dot("en"));
}

#[test]
fn rule_s2_pictures() {
    let s2 = s2();
    insta::assert_snapshot!("script_s2_mermaid_en", s2.to_mermaid("en"));
    insta::assert_snapshot!("script_s2_dot_zh_cn", s2.to_dot("zh-CN"));
}

#[test]
fn the_callback_record_serializes_as_json() {
    let when = Utc.with_ymd_and_hms(2026, 11, 3, 7, 0, 0).unwrap();
    let (run, log) =
        drive(&s1(), &[("greeting", Some(Answer::YesNo(false))), ("ask_time", Some(Answer::DateTime(when)))]);
    let r = record(&run);
    assert_eq!(r.next_contact, Some(when));
    // The hash is in the snapshot on purpose: editing S1 must be a visible change (runs are pinned to it).
    insta::assert_snapshot!("script_record_json", serde_json::to_string_pretty(&r).unwrap());
    insta::assert_snapshot!("script_events_json", serde_json::to_string_pretty(&log).unwrap());
}

/// Runs pinned by an older kefu carry a 64-bit FNV-1a hash (16 hex digits). Their events and records still read and
/// are written back unchanged, but such a pin cannot show which script the run started on: the run refuses to go
/// on and accepts only an abort, after which the callback is tried again (rule B10: nothing is lost).
#[test]
fn rule_s1_a_run_pinned_with_a_legacy_fnv_hash_reads_but_only_aborts() {
    let s1 = s1();
    let (run, log) = drive(&s1, &[("greeting", Some(Answer::YesNo(true)))]);
    let mut json = serde_json::to_value(&log).unwrap();
    json[0]["pin"]["hash"] = "be51f552dec9cafa".into();
    let old: Vec<kefu::script::RunEvent> = serde_json::from_value(json).unwrap();
    let mut legacy = replay::<ScriptRun>(&old);
    assert!(legacy.state().pinned().unwrap().hash.is_legacy());
    assert_eq!(legacy.state().current(), run.state().current());

    let agent = Principal::new("agent-7");
    let ctx = Context::new(t0() + TimeDelta::minutes(1), &agent, &s1);
    let before = legacy.clone();
    for command in
        [RunCommand::answer("ask_satisfaction", Answer::choice("satisfied")), RunCommand::skip("ask_satisfaction")]
    {
        match legacy.execute(&command, &ctx) {
            Err(Rejection::Refused { reason: reason @ RunError::LegacyPin { .. }, .. }) => {
                assert!(reason.to_string().contains("s1-regular-callback@1#be51f552dec9cafa"), "{reason}");
                assert!(reason.to_string().contains("abort the run and start a new one"), "{reason}");
            }
            other => panic!("expected a legacy-pin refusal, got {other:?}"),
        }
    }
    assert_eq!(legacy, before);
    legacy.execute(&RunCommand::abort("kefu upgraded: pinned with FNV-1a"), &ctx).unwrap();
    let r = record(&legacy);
    assert_eq!(r.outcome, Outcome::Aborted);
    assert_eq!(serde_json::to_value(&r).unwrap()["hash"], "be51f552dec9cafa");
    assert_eq!(
        kefu::callback::CallbackCommand::from_record(r),
        kefu::callback::CallbackCommand::Reschedule { to: None }
    );
}

/// A hash that is neither form is refused when reading, with the expected form in the message.
#[test]
fn a_malformed_pin_is_refused_when_read() {
    let (_, log) = drive(&s1(), &[]);
    let mut json = serde_json::to_value(&log).unwrap();
    json[0]["pin"]["hash"] = "md5:0123".into();
    let err = serde_json::from_value::<Vec<kefu::script::RunEvent>>(json).unwrap_err();
    assert!(err.to_string().contains("write `sha256:` and 64 hex digits"), "{err}");
}

/// A run's state read back from JSON answers branches exactly as the original (the index of latest answers is
/// rebuilt on reading, never stored).
#[test]
fn rule_s2_a_run_restored_from_json_goes_on_like_the_original() {
    let s2 = s2();
    let (run, _) = drive(
        &s2,
        &[
            ("greeting", Some(Answer::YesNo(true))),
            ("ask_reason", Some(Answer::YesNo(true))),
            ("reason_detail", Some(Answer::text("价格偏高"))),
            ("more_reasons", Some(Answer::YesNo(true))),
            ("reason_detail", Some(Answer::text("送货慢"))),
            ("more_reasons", Some(Answer::YesNo(true))),
        ],
    );
    let json = serde_json::to_string(&run).unwrap();
    assert!(!json.contains("latest"), "the index is not part of the stored state: {json}");
    let mut restored: Instance<ScriptRun> = serde_json::from_str(&json).unwrap();
    assert_eq!(restored, run);
    let mut original = run;
    let agent = Principal::new("agent-7");
    let ctx = Context::new(t0() + TimeDelta::minutes(5), &agent, &s2);
    assert_eq!(restored.state().latest("reason_detail"), Some(&Answer::text("送货慢")));
    for command in [
        RunCommand::skip("reason_detail"),
        RunCommand::answer("more_reasons", Answer::YesNo(false)),
        RunCommand::answer("ask_continue", Answer::YesNo(true)),
        RunCommand::skip("ask_suggestion"),
        RunCommand::answer("ask_referral", Answer::YesNo(true)),
    ] {
        assert_eq!(restored.execute(&command, &ctx).unwrap(), original.execute(&command, &ctx).unwrap());
    }
    assert_eq!(restored, original);
    assert_eq!(restored.state().latest("reason_detail"), None, "skipped the last time");
    assert_eq!(record(&restored).path.last().map(String::as_str), Some("close_problems"));
}
