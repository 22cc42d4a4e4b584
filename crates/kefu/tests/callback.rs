//! Callbacks (rules B1–B5, B8–B10, F1, F2): scenarios with explicit instants on the Shanghai calendar.
//!
//! 2026-11-20 is a Friday. The customers' contact hours (B9) are 09:00–12:00 and 13:30–20:00 every day; the service
//! desk is open 09:00–12:00 and 13:30–18:00 on weekdays.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use kefu::assign::{Item, Specialist, Team};
use kefu::calendar::{Calendar, CalendarSet};
use kefu::callback::{
    self, CallResult, Callback, CallbackCommand, CallbackConfig, CallbackError, CallbackEvent, CallbackKind,
    CallbackPolicy, CallbackPolicyError, Due, Occasion, Period, Problem, Reason, Status, coverage,
};
use kefu::case::{Origin, Standing};
use kefu::lifecycle::{
    C5_DOCUMENTS, ContactChannel, FollowUp, Lifecycle, LifecycleCommand, LifecycleConfig, LifecyclePolicy, Obligation,
};
use kefu::machine::{Context, Instance, Principal, Rejection, TransitionGraph, replay};
use kefu::script::{Answer, Outcome, RunCommand, S1_TOML, ScriptRun, ValidScript};
use kefu::sla::{ClockEvent, ClockKind, ClockStatus, SlaPolicy};

type Result = std::result::Result<(), Box<dyn std::error::Error>>;

const CONTACT_HOURS: &str = r#"
time_zone = "Asia/Shanghai"
[week]
mon = ["09:00-12:00", "13:30-20:00"]
tue = ["09:00-12:00", "13:30-20:00"]
wed = ["09:00-12:00", "13:30-20:00"]
thu = ["09:00-12:00", "13:30-20:00"]
fri = ["09:00-12:00", "13:30-20:00"]
sat = ["09:00-12:00", "13:30-20:00"]
sun = ["09:00-12:00", "13:30-20:00"]
"#;

const DESK: &str = r#"
time_zone = "Asia/Shanghai"
[week]
mon = ["09:00-12:00", "13:30-18:00"]
tue = ["09:00-12:00", "13:30-18:00"]
wed = ["09:00-12:00", "13:30-18:00"]
thu = ["09:00-12:00", "13:30-18:00"]
fri = ["09:00-12:00", "13:30-18:00"]
"#;

/// A customer who asked never to be called in the morning.
const AFTERNOONS_ONLY: &str = r#"
time_zone = "Asia/Shanghai"
[week]
mon = ["14:00-17:00"]
tue = ["14:00-17:00"]
wed = ["14:00-17:00"]
thu = ["14:00-17:00"]
fri = ["14:00-17:00"]
"#;

fn sh(d: u32, h: u32, m: u32) -> DateTime<Utc> {
    Shanghai.with_ymd_and_hms(2026, 11, d, h, m, 0).single().expect("unambiguous").to_utc()
}

fn calendars() -> CalendarSet {
    [
        ("contact-hours", Calendar::from_toml_str(CONTACT_HOURS).expect("valid")),
        ("service-desk", Calendar::from_toml_str(DESK).expect("valid")),
        ("afternoons-0077", Calendar::from_toml_str(AFTERNOONS_ONLY).expect("valid")),
    ]
    .into_iter()
    .collect()
}

fn config() -> CallbackConfig {
    let policy = CallbackPolicy { quiet_hours: Some("contact-hours".into()), ..CallbackPolicy::default() };
    CallbackConfig::new(calendars(), policy).expect("valid config")
}

/// Drives one callback, keeping every event for replay checks.
struct Run<'a> {
    config: &'a CallbackConfig,
    who: Principal,
    instance: Instance<Callback>,
    log: Vec<CallbackEvent>,
}

impl<'a> Run<'a> {
    fn new(config: &'a CallbackConfig) -> Self {
        Self { config, who: Principal::new("wang.fang"), instance: Instance::new(), log: Vec::new() }
    }

    fn exec(&mut self, command: CallbackCommand, at: DateTime<Utc>) -> std::result::Result<Vec<CallbackEvent>, String> {
        let events =
            self.instance.execute(&command, &Context::new(at, &self.who, self.config)).map_err(|e| e.to_string())?;
        self.log.extend(events.iter().cloned());
        Ok(events)
    }

    fn ok(&mut self, command: CallbackCommand, at: DateTime<Utc>) -> Vec<CallbackEvent> {
        self.exec(command, at).expect("accepted")
    }

    fn assigned(config: &'a CallbackConfig, due: Due, at: DateTime<Utc>) -> Self {
        let mut run = Self::new(config);
        run.ok(CallbackCommand::Open(due), at);
        run.ok(CallbackCommand::Assign { specialist: "wang.fang".into() }, at);
        run
    }

    fn reach(&mut self, at: DateTime<Utc>) {
        self.ok(CallbackCommand::Attempt { channel: ContactChannel::Phone, reached: true }, at);
    }

    fn replays(&self) {
        assert_eq!(replay::<Callback>(&self.log), self.instance);
    }
}

fn attempt(channel: ContactChannel, reached: bool) -> CallbackCommand {
    CallbackCommand::Attempt { channel, reached }
}

fn finish(notes: &str) -> CallbackCommand {
    CallbackCommand::Finish { result: CallResult::summary(notes) }
}

#[test]
fn rule_b1_every_channel_counts_and_an_unreached_attempt_keeps_the_callback_assigned() {
    let config = config();
    let mut run = Run::assigned(&config, Due::after_sale("0042", "SO-1", sh(20, 9, 0)), sh(20, 9, 0));
    for (i, channel) in
        [ContactChannel::Phone, ContactChannel::Visit, ContactChannel::ServiceVisit].into_iter().enumerate()
    {
        run.ok(attempt(channel, false), sh(20, 10, i as u32));
        assert_eq!(run.instance.kind(), CallbackKind::Assigned, "not reached on {channel:?}");
    }
    run.ok(attempt(ContactChannel::Sms, true), sh(20, 10, 30));
    assert_eq!(run.instance.kind(), CallbackKind::Attempted);
    let channels: Vec<_> = run.instance.state().attempts().iter().map(|a| (a.channel, a.reached)).collect();
    assert_eq!(
        channels,
        [
            (ContactChannel::Phone, false),
            (ContactChannel::Visit, false),
            (ContactChannel::ServiceVisit, false),
            (ContactChannel::Sms, true)
        ]
    );
    run.replays();
}

#[test]
fn rule_b1_a_callback_is_attempted_only_once_distributed() {
    let config = config();
    let mut run = Run::new(&config);
    run.ok(CallbackCommand::Open(Due::after_sale("0042", "SO-1", sh(20, 9, 0))), sh(20, 9, 0));
    let err =
        run.instance.execute(&attempt(ContactChannel::Phone, true), &Context::new(sh(20, 10, 0), &run.who, &config));
    assert!(matches!(err, Err(Rejection::NotAllowed { state: "due", command: "attempt", .. })));
}

#[test]
fn rule_b2_callbacks_are_distributed_with_the_balanced_rule() -> Result {
    let config = config();
    let mut team = Team::new(CalendarSet::new());
    team.add(Specialist::new("li.wei"))?;
    team.add(Specialist::new("wang.fang"))?;
    let mut holders = Vec::new();
    for n in 1..=4 {
        let mut run = Run::new(&config);
        run.ok(CallbackCommand::Open(Due::after_sale(format!("00{n}"), "SO", sh(20, 9, 0))), sh(20, 9, 0));
        let command = callback::assign(&mut team, Item::new(format!("cb-{n}")), sh(20, 9, 0))?;
        run.ok(command, sh(20, 9, 0));
        holders.push(run.instance.state().specialist().map(str::to_owned).unwrap_or_default());
    }
    // C3: equal weights, ties to the smallest id: alternating, two each.
    assert_eq!(holders, ["li.wei", "wang.fang", "li.wei", "wang.fang"]);
    // An empty name is refused.
    let mut run = Run::new(&config);
    run.ok(CallbackCommand::Open(Due::after_sale("0042", "SO", sh(20, 9, 0))), sh(20, 9, 0));
    let err = run.exec(CallbackCommand::Assign { specialist: " ".into() }, sh(20, 9, 0)).unwrap_err();
    assert!(err.contains("name is empty"), "{err}");
    Ok(())
}

#[test]
fn rule_b2_only_the_assigned_specialist_calls_finishes_and_files() {
    let config = config();
    let mut run = Run::assigned(&config, Due::after_sale("0042", "SO-7781", sh(20, 9, 0)), sh(20, 9, 0));
    // Another specialist cannot take over the call without a reassignment.
    run.who = Principal::new("li.wei");
    let err = run.exec(attempt(ContactChannel::Phone, true), sh(20, 10, 0)).unwrap_err();
    assert!(err.contains("assigned to `wang.fang`; `li.wei` may not act on it"), "{err}");
    // The assigned specialist can; the ERP importing a result acts as the system principal.
    run.who = Principal::new("wang.fang");
    run.reach(sh(20, 10, 0));
    run.who = Principal::system();
    run.ok(finish("satisfied"), sh(20, 10, 5));
    run.replays();
}

#[test]
fn rule_b3_after_sale_callback_is_due_within_a_week_and_missed_after_it() {
    let config = config();
    // The sale is completed on Friday at 17:30.
    let mut run = Run::assigned(&config, Due::after_sale("0042", "SO-7781", sh(20, 17, 30)), sh(20, 17, 30));
    let window = run.instance.state().window().expect("opened");
    assert_eq!((window.from, window.by), (sh(20, 17, 30), sh(27, 17, 30)));
    assert_eq!(run.instance.next_deadline().map(|d| (d.at, d.label)), Some((sh(27, 17, 30), "b10_window")));
    // A tick before the week is over changes nothing.
    assert!(run.ok(CallbackCommand::Tick, sh(27, 17, 29)).is_empty());
    // A week later, nothing done: a miss, at the window's end, and the callback stays open.
    let events = run.ok(CallbackCommand::Tick, sh(28, 9, 0));
    assert_eq!(events, [CallbackEvent::Missed { at: sh(27, 17, 30) }]);
    assert_eq!(run.instance.kind(), CallbackKind::Assigned);
    assert_eq!(run.instance.next_deadline(), None);
    run.replays();
}

#[test]
fn rule_b3_the_week_is_policy_and_a_regular_callback_names_its_window() -> Result {
    let policy = CallbackPolicy { after_sale_within: TimeDelta::days(5), ..CallbackPolicy::default() };
    let config = CallbackConfig::new(calendars(), policy)?;
    let mut run = Run::new(&config);
    run.ok(CallbackCommand::Open(Due::after_sale("0042", "SO-1", sh(20, 17, 30))), sh(20, 17, 30));
    assert_eq!(run.instance.state().window().map(|w| w.by), Some(sh(25, 17, 30)));

    // B3's later callbacks are "monthly, regular or irregular": the marketing department gives the window.
    let mut regular = Run::new(&config);
    let err = regular
        .instance
        .execute(
            &CallbackCommand::Open(Due { by: None, ..Due::regular("0042", sh(20, 9, 0), sh(30, 9, 0)) }),
            &Context::new(sh(20, 9, 0), &regular.who, &config),
        )
        .unwrap_err();
    assert!(matches!(err, Rejection::Refused { reason: CallbackError::NoWindow { rule: "B3" }, .. }));
    let empty = Due::regular("0042", sh(20, 9, 0), sh(20, 9, 0));
    assert!(regular.exec(CallbackCommand::Open(empty), sh(20, 9, 0)).unwrap_err().contains("window is empty"));
    regular.ok(CallbackCommand::Open(Due::regular("0042", sh(20, 9, 0), sh(30, 9, 0))), sh(20, 9, 0));
    assert_eq!(regular.instance.state().due().map(|d| &d.reason), Some(&Reason::Regular));
    Ok(())
}

#[test]
fn rule_b4_record_within_24_hours_of_a_regular_callback() {
    let config = config();
    let mut run = Run::assigned(&config, Due::after_sale("0042", "SO-1", sh(20, 9, 0)), sh(20, 9, 0));
    run.reach(sh(20, 17, 20));
    run.ok(finish("satisfied"), sh(20, 17, 30));
    let clock = run.instance.state().record_clock().expect("B4 clock started");
    assert_eq!(clock.due_at(), Some(sh(21, 17, 30))); // Saturday 17:30: wall-clock by default
    assert_eq!(run.instance.kind(), CallbackKind::Done);
    // Filed on Saturday morning: met on time.
    run.ok(CallbackCommand::File, sh(21, 10, 0));
    assert_eq!(run.instance.kind(), CallbackKind::Filed);
    assert_eq!(run.instance.state().record_clock().map(|c| c.kind()), Some(ClockKind::Met));
    assert_eq!(run.instance.next_deadline(), None);
    run.replays();
}

#[test]
fn rule_b4_record_within_1_hour_of_a_lapsed_customers_callback_breaches_and_escalates() {
    let config = config();
    let due = Due::after_sale("0042", "SO-1", sh(20, 9, 0)).with_standing(Standing::Lapsed);
    let mut run = Run::assigned(&config, due, sh(20, 9, 0));
    run.reach(sh(20, 17, 20));
    run.ok(finish("why no orders: prices"), sh(20, 17, 30));
    assert_eq!(run.instance.state().record_clock().and_then(|c| c.due_at()), Some(sh(20, 18, 30)));
    // Nobody files it: at 19:00 the clock has breached and gone to the supervisor.
    let events = run.ok(CallbackCommand::Tick, sh(20, 19, 0));
    assert!(events.iter().any(|e| matches!(e, CallbackEvent::Clock { event: ClockEvent::Breached { .. } })));
    assert!(events.iter().any(|e| matches!(e, CallbackEvent::Clock { event: ClockEvent::Escalated { .. } })));
    assert_eq!(
        run.instance.state().record_clock().map(|c| c.status(sh(20, 19, 0))),
        Some(ClockStatus::Breached { escalations: 1 })
    );
    run.ok(CallbackCommand::File, sh(20, 19, 10));
    assert_eq!(run.instance.state().filed_at(), Some(sh(20, 19, 10)));
    run.replays();
}

#[test]
fn rule_b4_the_record_limit_may_be_business_time() -> Result {
    let policy = CallbackPolicy {
        record_lapsed: SlaPolicy::business("B4 record within 1 business hour", TimeDelta::hours(1), "service-desk"),
        ..CallbackPolicy::default()
    };
    let config = CallbackConfig::new(calendars(), policy.clone())?;
    let due = Due::after_sale("0042", "SO-1", sh(20, 9, 0)).with_standing(Standing::Lapsed);
    let mut run = Run::assigned(&config, due, sh(20, 9, 0));
    run.reach(sh(20, 17, 20));
    run.ok(finish("fine"), sh(20, 17, 30));
    // Friday 17:30 plus one desk hour: Monday 09:30.
    assert_eq!(run.instance.state().record_clock().and_then(|c| c.due_at()), Some(sh(23, 9, 30)));
    // A policy naming a calendar that is not configured is refused up front.
    let err = CallbackConfig::new(CalendarSet::new(), policy).unwrap_err();
    assert!(matches!(err, CallbackPolicyError::UnknownCalendar { field: "record_lapsed", .. }));
    Ok(())
}

#[test]
fn rule_b5_problems_of_a_script_run_are_raised_for_cases() -> Result {
    let config = config();
    let s1 = ValidScript::from_toml_str(S1_TOML)?;
    let agent = Principal::new("wang.fang");
    let mut script = Instance::<ScriptRun>::new();
    let at = |m| Context::new(sh(20, 17, m), &agent, &s1);
    script.execute(&RunCommand::Start, &at(20))?;
    script.execute(&RunCommand::answer("greeting", Answer::YesNo(true)), &at(20))?;
    script.execute(&RunCommand::answer("ask_satisfaction", Answer::choice("unsatisfied")), &at(21))?;
    script.execute(&RunCommand::answer("ask_improve", Answer::text("Drums arrive dented")), &at(22))?;
    script.execute(&RunCommand::answer("ask_channel", Answer::text("A trade fair")), &at(23))?;
    script.execute(&RunCommand::skip("ask_suggestion"), &at(24))?;
    script.execute(&RunCommand::answer("ask_referral", Answer::YesNo(false)), &at(25))?;
    let record = script.state().record().ok_or("ended")?;
    assert_eq!(record.outcome, Outcome::Completed);

    let mut run = Run::assigned(&config, Due::after_sale("0042", "SO-1", sh(20, 9, 0)), sh(20, 9, 0));
    run.reach(sh(20, 17, 20));
    let events = run.ok(CallbackCommand::from_record(record.clone()), sh(20, 17, 26));
    let problems = events
        .iter()
        .find_map(|e| match e {
            CallbackEvent::ProblemsRaised { problems, .. } => Some(problems.clone()),
            _ => None,
        })
        .ok_or("problems raised")?;
    assert_eq!(problems, [Problem::new("Drums arrive dented", None)]);
    // The ERP opens a case from each problem.
    assert_eq!(problems[0].origin("cb-1"), Origin::from_problem("cb-1", &record.problems[0]));
    assert!(matches!(run.instance.state().result(), Some(CallResult::Script { .. })));
    run.replays();
    Ok(())
}

#[test]
fn rule_b8_special_occasions_are_due_on_the_day() {
    let config = config();
    let occasions = [
        Occasion::Holiday { name: "Spring Festival".into() },
        Occasion::Anniversary,
        Occasion::Promotion { name: "new solvent line".into() },
    ];
    for occasion in occasions {
        let mut run = Run::new(&config);
        // 07:00 on the day: the first contact waits for the customer's contact hours (B9).
        run.ok(CallbackCommand::Open(Due::occasion("0042", occasion.clone(), sh(20, 7, 0))), sh(19, 18, 0));
        let state = run.instance.state();
        assert_eq!(state.due().map(|d| d.reason.rule()), Some("B8"));
        assert_eq!(state.window().map(|w| w.by), Some(sh(21, 7, 0)), "{occasion:?}");
        assert_eq!(state.scheduled(), Some(sh(20, 9, 0)));
    }
}

#[test]
fn rule_b9_a_reschedule_moves_out_of_quiet_hours() {
    let config = config();
    let mut run = Run::assigned(&config, Due::after_sale("0042", "SO-1", sh(20, 9, 0)), sh(20, 9, 0));
    run.reach(sh(20, 9, 30));
    // "Call me at half past twelve": lunch rest, so 13:30.
    let events = run.ok(CallbackCommand::Reschedule { to: Some(sh(20, 12, 30)) }, sh(20, 9, 31));
    assert!(matches!(events[..], [CallbackEvent::Rescheduled { requested, to, .. }]
        if requested == Some(sh(20, 12, 30)) && to == sh(20, 13, 30)));
    assert_eq!(run.instance.kind(), CallbackKind::Rescheduled);
    // An attempt at 12:45 would disturb the customer at rest: refused, with the next allowed instant.
    let err =
        run.instance.execute(&attempt(ContactChannel::Phone, true), &Context::new(sh(20, 12, 45), &run.who, &config));
    assert!(matches!(err, Err(Rejection::Refused { reason: CallbackError::QuietHours { next_open, .. }, .. })
        if next_open == sh(20, 13, 30)));
    // Not reached at 13:30; reached at 19:55; "call me at nine tonight": after 20:00, so tomorrow at 09:00.
    run.ok(attempt(ContactChannel::Phone, false), sh(20, 13, 30));
    assert_eq!(run.instance.kind(), CallbackKind::Rescheduled);
    run.reach(sh(20, 19, 55));
    run.ok(CallbackCommand::Reschedule { to: Some(sh(20, 21, 0)) }, sh(20, 19, 56));
    assert_eq!(run.instance.state().scheduled(), Some(sh(21, 9, 0)));
    // A time already past is refused.
    run.reach(sh(21, 9, 0));
    assert!(
        run.exec(CallbackCommand::Reschedule { to: Some(sh(21, 8, 0)) }, sh(21, 9, 1)).unwrap_err().contains("already")
    );
    run.replays();
}

#[test]
fn rule_b9_the_customers_own_contact_calendar_wins() {
    let config = config();
    let due = Due::after_sale("0077", "SO-9", sh(20, 9, 0)).with_contact_calendar("afternoons-0077");
    let mut run = Run::assigned(&config, due, sh(20, 9, 0));
    assert_eq!(run.instance.state().scheduled(), Some(sh(20, 14, 0)));
    assert!(run.exec(attempt(ContactChannel::Visit, true), sh(20, 10, 0)).unwrap_err().contains("B9"));
    run.ok(attempt(ContactChannel::Visit, true), sh(20, 14, 0));
    // Friday 17:00 is closing time: a call asked for at 18:00 goes to Monday 14:00.
    run.ok(CallbackCommand::Reschedule { to: Some(sh(20, 18, 0)) }, sh(20, 14, 5));
    assert_eq!(run.instance.state().scheduled(), Some(sh(23, 14, 0)));
}

#[test]
fn rule_f1_f2_follow_up_obligations_become_lapsed_callbacks() {
    let config = config();
    let f1 =
        Obligation { id: 3, follow_up: FollowUp::F1Call, opened_at: sh(13, 9, 0), due: sh(20, 9, 0), overdue: false };
    let mut run = Run::new(&config);
    run.ok(CallbackCommand::Open(Due::follow_up("0042", &f1)), sh(13, 9, 0));
    let state = run.instance.state();
    assert_eq!(state.window().map(|w| (w.from, w.by)), Some((sh(13, 9, 0), sh(20, 9, 0))));
    assert_eq!(state.due().map(|d| (d.standing, d.reason.rule())), Some((Standing::Lapsed, "F1")));
    let f2 = FollowUp::F2Contact { month: "2026-11".into(), number: 2, of: 2 };
    let f2 = Obligation { id: 4, follow_up: f2, opened_at: sh(1, 0, 0), due: sh(16, 9, 0), overdue: false };
    assert!(matches!(Due::follow_up("0042", &f2).reason, Reason::FollowUp { obligation: 4, .. }));
}

#[test]
fn rule_b10_every_due_callback_is_accounted_for_and_misses_are_listed() {
    let config = config();
    let open = |customer: &str| {
        let mut run = Run::new(&config);
        run.ok(CallbackCommand::Open(Due::after_sale(customer, "SO", sh(2, 10, 0))), sh(2, 10, 0));
        run.ok(CallbackCommand::Assign { specialist: "wang.fang".into() }, sh(2, 10, 0));
        run
    };
    // Due by 9 November 10:00.
    let mut done = open("0001");
    done.reach(sh(3, 10, 0));
    done.ok(finish("fine"), sh(3, 10, 5));
    let mut late = open("0002");
    late.reach(sh(10, 10, 0));
    late.ok(finish("fine"), sh(10, 10, 5));
    let mut forgotten = open("0003");
    forgotten.ok(CallbackCommand::Tick, sh(9, 10, 0));
    assert_eq!(forgotten.instance.state().missed_at(), Some(sh(9, 10, 0)));
    let mut cancelled = open("0004");
    cancelled.ok(CallbackCommand::Cancel { reason: "handed to sales (F4)".into() }, sh(4, 10, 0));
    // Due by 5 December: still scheduled on 1 December.
    let mut ahead = Run::new(&config);
    ahead.ok(
        CallbackCommand::Open(Due::regular("0005", sh(20, 9, 0), sh(30, 23, 0) + TimeDelta::days(5))),
        sh(20, 9, 0),
    );
    let mut december = Run::new(&config);
    december.ok(CallbackCommand::Open(Due::regular("0006", sh(20, 9, 0), sh(25, 9, 0))), sh(20, 9, 0));

    let november = Period::new(sh(1, 0, 0), sh(30, 0, 0) + TimeDelta::days(1));
    let all = [
        ("cb-1", done.instance.state()),
        ("cb-2", late.instance.state()),
        ("cb-3", forgotten.instance.state()),
        ("cb-4", cancelled.instance.state()),
        ("cb-5", ahead.instance.state()),
        ("cb-6", december.instance.state()),
    ];
    let report = coverage(november, sh(26, 12, 0), all);
    let statuses: Vec<_> = report.entries.iter().map(|e| (e.id.as_str(), e.status)).collect();
    // cb-5's window closes in December: not November's.
    assert_eq!(
        statuses,
        [
            ("cb-1", Status::Done),
            ("cb-2", Status::Missed),
            ("cb-3", Status::Missed),
            ("cb-4", Status::Cancelled),
            ("cb-6", Status::Missed)
        ]
    );
    assert_eq!((report.due(), report.done, report.missed, report.cancelled, report.scheduled), (5, 1, 3, 1, 0));
    let missed: Vec<_> = report.missed_list().iter().map(|e| (e.customer.as_str(), e.done_at)).collect();
    assert_eq!(missed, [("0002", Some(sh(10, 10, 5))), ("0003", None), ("0006", None)]);
    assert_eq!(report.coverage().to_string(), "1/4");
    assert!(!report.is_full());

    // Seen on 24 November, cb-6 is still scheduled.
    let earlier = coverage(november, sh(24, 12, 0), all);
    assert_eq!((earlier.scheduled, earlier.missed), (1, 2));
}

#[test]
fn the_table_is_well_formed_and_states_survive_serde() -> Result {
    let graph = TransitionGraph::of::<Callback>();
    assert!(graph.unreachable().is_empty());
    assert!(graph.cannot_finish().is_empty());
    let config = config();
    let mut run = Run::assigned(&config, Due::after_sale("0042", "SO-1", sh(20, 9, 0)), sh(20, 9, 0));
    run.reach(sh(20, 10, 0));
    run.ok(finish("fine"), sh(20, 10, 5));
    let json = serde_json::to_string(&run.instance)?;
    assert_eq!(serde_json::from_str::<Instance<Callback>>(&json)?, run.instance);
    let log = serde_json::to_string(&run.log)?;
    assert_eq!(serde_json::from_str::<Vec<CallbackEvent>>(&log)?, run.log);
    // The default policy as TOML, and back.
    let text = toml::to_string(&CallbackPolicy::default())?;
    assert_eq!(toml::from_str::<CallbackPolicy>(&text)?, CallbackPolicy::default());
    Ok(())
}

/// The month of a lapsed customer's second F2 contact is the month that reports it missed.
#[test]
fn rule_b10_a_missed_second_f2_contact_of_june_is_reported_in_june() -> Result {
    let office = Calendar::from_toml_str(include_str!("fixtures/shanghai-2026-sample.toml"))?;
    let lifecycle = LifecycleConfig::new([("office", office)].into_iter().collect(), LifecyclePolicy::default());
    let local = |m, d, h, min| Shanghai.with_ymd_and_hms(2026, m, d, h, min, 0).single().expect("unambiguous").to_utc();
    let (erp, system) = (Principal::new("erp"), Principal::system());
    let fact = |customer: &mut Instance<Lifecycle>, command: &LifecycleCommand, at| {
        customer.catch_up(&LifecycleCommand::Tick, &Context::new(at, &system, &lifecycle))?;
        customer.execute(command, &Context::new(at, &erp, &lifecycle))
    };

    // Ordered on 1 May, called once when quiet, lapsed on 1 June: June owes two F2 contacts.
    let mut customer = Instance::<Lifecycle>::new();
    fact(&mut customer, &LifecycleCommand::ContractAccepted { contract: "HT-0042".into() }, local(5, 1, 8, 0))?;
    for document in C5_DOCUMENTS {
        fact(&mut customer, &LifecycleCommand::DocumentReceived { document: document.into() }, local(5, 1, 8, 0))?;
    }
    fact(&mut customer, &LifecycleCommand::FileCreated { file_number: 42 }, local(5, 1, 8, 0))?;
    fact(&mut customer, &LifecycleCommand::OrderPlaced { order: "SO-1".into() }, local(5, 1, 10, 0))?;
    fact(&mut customer, &LifecycleCommand::ContactMade { channel: ContactChannel::Phone }, local(5, 9, 10, 0))?;
    customer.catch_up(&LifecycleCommand::Tick, &Context::new(local(6, 1, 10, 0), &system, &lifecycle))?;
    let owed = customer.state().obligations().to_vec();
    assert_eq!(owed.len(), 2);
    // The second is due at June's last second, not at the first instant of July.
    assert_eq!(owed[1].due, local(6, 30, 23, 59) + TimeDelta::seconds(59));

    // The ERP makes a callback of each; the first is done on 10 June, the second forgotten.
    let config = config();
    let mut first = Run::assigned(&config, Due::follow_up("0042", &owed[0]), local(6, 1, 10, 0));
    let mut second = Run::assigned(&config, Due::follow_up("0042", &owed[1]), local(6, 1, 10, 0));
    first.reach(local(6, 10, 10, 0));
    first.ok(finish("will order again in July"), local(6, 10, 10, 5));
    fact(&mut customer, &LifecycleCommand::ContactMade { channel: ContactChannel::Phone }, local(6, 10, 10, 0))?;
    let july = local(7, 1, 9, 0);
    let missed = second.instance.catch_up(&CallbackCommand::Tick, &Context::new(july, &system, &config))?;
    assert_eq!(missed, [CallbackEvent::Missed { at: owed[1].due }]);
    customer.catch_up(&LifecycleCommand::Tick, &Context::new(july, &system, &lifecycle))?;
    assert!(customer.state().obligations().iter().any(|o| o.id == owed[1].id && o.overdue));

    // June's report shows the miss; July's does not count it again.
    let callbacks = [("cb-1", first.instance.state()), ("cb-2", second.instance.state())];
    let june = coverage(Period::new(local(6, 1, 0, 0), local(7, 1, 0, 0)), july, callbacks);
    assert_eq!((june.due(), june.done, june.missed), (2, 1, 1));
    assert!(!june.is_full());
    assert_eq!(june.coverage().to_string(), "1/2");
    let listed = june.missed_list();
    assert!(matches!(
        &listed[0].reason,
        Reason::FollowUp { follow_up: FollowUp::F2Contact { month, number: 2, of: 2 }, .. } if month == "2026-06"
    ));
    let july_report = coverage(Period::new(local(7, 1, 0, 0), local(8, 1, 0, 0)), local(8, 1, 0, 0), callbacks);
    assert_eq!(july_report.due(), 0);
    Ok(())
}

#[test]
fn rule_b9_a_script_run_the_customer_reschedules_is_moved_out_of_quiet_hours() -> Result {
    let config = config();
    let s1 = ValidScript::from_toml_str(S1_TOML)?;
    let agent = Principal::new("wang.fang");
    let mut script = Instance::<ScriptRun>::new();
    let at = |m| Context::new(sh(20, 19, m), &agent, &s1);
    script.execute(&RunCommand::Start, &at(40))?;
    // S1 step 2: "not convenient" — "call me at nine tonight".
    script.execute(&RunCommand::answer("greeting", Answer::YesNo(false)), &at(41))?;
    script.execute(&RunCommand::answer("ask_time", Answer::DateTime(sh(20, 21, 0))), &at(42))?;
    let record = script.state().record().ok_or("ended")?;
    assert_eq!(record.outcome, Outcome::Rescheduled);

    let mut run = Run::assigned(&config, Due::after_sale("0042", "SO-1", sh(20, 9, 0)), sh(20, 9, 0));
    run.reach(sh(20, 19, 40));
    run.ok(CallbackCommand::from_record(record.clone()), sh(20, 19, 43));
    // After 20:00 the customer rests: Saturday 09:00.
    assert_eq!(run.instance.kind(), CallbackKind::Rescheduled);
    assert_eq!(run.instance.state().scheduled(), Some(sh(21, 9, 0)));
    // No time chosen (the line dropped at 11:50): as soon as the contact hours allow — after lunch.
    run.reach(sh(21, 11, 45));
    run.ok(CallbackCommand::Reschedule { to: None }, sh(21, 12, 5));
    assert_eq!(run.instance.state().scheduled(), Some(sh(21, 13, 30)));
    run.replays();
    Ok(())
}

#[test]
fn every_reason_survives_serde_and_cites_its_rule() -> Result {
    let f2 = FollowUp::F2Contact { month: "2026-11".into(), number: 1, of: 2 };
    let obligation = Obligation { id: 9, follow_up: f2, opened_at: sh(1, 0, 0), due: sh(8, 9, 0), overdue: false };
    let dues = [
        (Due::after_sale("0042", "SO-1", sh(20, 9, 0)), "B3"),
        (Due::regular("0042", sh(20, 9, 0), sh(27, 9, 0)), "B3"),
        (Due::follow_up("0042", &obligation), "F2"),
        (Due::occasion("0042", Occasion::Holiday { name: "元旦".into() }, sh(20, 9, 0)), "B8"),
        (Due::occasion("0042", Occasion::Anniversary, sh(20, 9, 0)).with_contact_calendar("afternoons-0077"), "B8"),
    ];
    for (due, rule) in dues {
        assert_eq!(due.reason.rule(), rule);
        let json = serde_json::to_string(&due)?;
        assert_eq!(serde_json::from_str::<Due>(&json)?, due, "{json}");
    }
    let json = serde_json::to_value(Due::follow_up("0042", &obligation))?;
    assert_eq!(json["reason"]["reason"], "follow_up");
    assert_eq!(json["reason"]["follow_up"]["rule"], "f2_contact");
    Ok(())
}
