//! Service quality (rules Q8, O4): improvement actions tracked to completion, satisfaction surveys, quality
//! scorecards, sampling, reviews and calibration.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use kefu::calendar::{Calendar, CalendarSet};
use kefu::machine::{Context, Instance, Machine, Principal, Rejection, TransitionGraph};
use kefu::quality::{Action, ActionCommand, ActionError, ActionEvent, ActionKind, ActionSource, ActionState};
use kefu::sla::{ClockEvent, SlaPolicy};

const DESK: &str = include_str!("fixtures/shanghai-2026-sample.toml");

fn calendars() -> CalendarSet {
    [("office", Calendar::from_toml_str(DESK).expect("the sample calendar"))].into_iter().collect()
}

fn local(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Shanghai.with_ymd_and_hms(2026, 11, day, hour, minute, 0).single().expect("unambiguous").to_utc()
}

/// Three working days on the office calendar, a warning at half time, then the supervisor and leadership.
fn three_working_days() -> SlaPolicy {
    SlaPolicy::working_days("Q8 improvement action", 3, "office")
        .with_warning(0.5)
        .and_then(|p| p.with_escalation("service_supervisor", TimeDelta::zero()))
        .and_then(|p| p.with_escalation("leadership", TimeDelta::hours(8)))
        .expect("a valid policy")
}

fn open_for(owner: &str) -> ActionCommand {
    ActionCommand::Open {
        subject: "Delivery times: agree a call-ahead with logistics".into(),
        source: ActionSource::Survey { survey: "q8-after-sale".into(), finding: "ask_delivery under 3.50".into() },
        owner: owner.into(),
        policy: three_working_days(),
    }
}

struct Desk {
    calendars: CalendarSet,
    owner: Principal,
    supervisor: Principal,
}

impl Desk {
    fn new() -> Self {
        Self {
            calendars: calendars(),
            owner: Principal::new("li.na").with_role("specialist"),
            supervisor: Principal::new("wang.fang").with_role("service_supervisor"),
        }
    }

    fn ctx<'a>(&'a self, who: &'a Principal, at: DateTime<Utc>) -> Context<'a, CalendarSet> {
        Context::new(at, who, &self.calendars)
    }
}

#[test]
fn rule_q8_an_improvement_action_is_due_on_the_business_calendar() {
    let desk = Desk::new();
    let mut action = Instance::<Action>::new();
    // Opened on Friday 20 November at 17:00: three working days later is Wednesday 25th, 17:00.
    action.execute(&open_for("li.na"), &desk.ctx(&desk.supervisor, local(20, 17, 0))).expect("opens");
    assert_eq!(action.kind(), ActionKind::Open);
    assert_eq!(action.state().owner(), Some("li.na"));
    assert_eq!(action.state().due_at(), Some(local(25, 17, 0)));
    assert_eq!(action.state().opened(), Some(("wang.fang", local(20, 17, 0))));
    // The first deadline is the half-time warning, in business time.
    assert_eq!(action.next_deadline().map(|d| d.label), Some("sla_warning"));
}

#[test]
fn rule_o4_an_overdue_action_escalates_along_its_ladder() {
    let desk = Desk::new();
    let mut action = Instance::<Action>::new();
    action.execute(&open_for("li.na"), &desk.ctx(&desk.supervisor, local(20, 17, 0))).expect("opens");
    let events =
        action.execute(&ActionCommand::Tick, &desk.ctx(&Principal::system(), local(27, 12, 0))).expect("ticks");
    assert_eq!(action.kind(), ActionKind::Overdue);
    let escalated: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            ActionEvent::Clock { event: ClockEvent::Escalated { to, at, .. } } => Some((to.as_str(), *at)),
            _ => None,
        })
        .collect();
    // Breached on Wednesday 17:00 and escalated at once; leadership 8 business hours later: Wednesday's last hour,
    // then Thursday 09:00-12:00 and 13:30-17:30.
    assert_eq!(escalated, vec![("service_supervisor", local(25, 17, 0)), ("leadership", local(26, 17, 30))]);
    assert_eq!(action.state().escalated_to(), vec!["service_supervisor", "leadership"]);
    assert_eq!(action.next_deadline(), None);
}

#[test]
fn rule_q8_an_action_closes_only_when_verified_by_someone_else() {
    let desk = Desk::new();
    let mut action = Instance::<Action>::new();
    let t0 = local(23, 9, 0);
    action.execute(&open_for("li.na"), &desk.ctx(&desk.supervisor, t0)).expect("opens");
    action
        .execute(&ActionCommand::Note { text: "Called logistics".into() }, &desk.ctx(&desk.owner, local(23, 10, 0)))
        .expect("a note");
    // Verification needs a submission first.
    let early = action
        .execute(&ActionCommand::Verify { note: "ok".into() }, &desk.ctx(&desk.supervisor, local(23, 11, 0)))
        .unwrap_err();
    assert!(matches!(early, Rejection::NotAllowed { .. }), "{early}");
    // Only the owner submits.
    let by_other = action
        .execute(&ActionCommand::Submit { summary: "done".into() }, &desk.ctx(&desk.supervisor, local(23, 11, 0)))
        .unwrap_err();
    assert!(matches!(by_other.reason(), Some(ActionError::NotTheOwner { .. })), "{by_other}");
    action
        .execute(
            &ActionCommand::Submit { summary: "Call-ahead agreed".into() },
            &desk.ctx(&desk.owner, local(24, 10, 0)),
        )
        .expect("submits");
    assert_eq!(action.kind(), ActionKind::Submitted);
    assert_eq!(action.next_deadline(), None, "the clock is paused while waiting for verification");

    // The owner cannot verify: a typed reason, and nothing recorded.
    let version = action.version();
    let refused = action
        .execute(&ActionCommand::Verify { note: "all good".into() }, &desk.ctx(&desk.owner, local(24, 11, 0)))
        .unwrap_err();
    assert!(matches!(refused.reason(), Some(ActionError::OwnerCannotVerify { owner }) if owner == "li.na"));
    assert_eq!(
        refused.to_string(),
        "improvement_action: command `verify` refused in state `submitted`: `li.na` owns this action and cannot \
         verify it: verification is by someone other than the owner"
    );
    assert_eq!(action.version(), version);
    // Nor can the scheduler.
    let system = action
        .execute(&ActionCommand::Verify { note: "auto".into() }, &desk.ctx(&Principal::system(), local(24, 11, 0)))
        .unwrap_err();
    assert!(matches!(system.reason(), Some(ActionError::SystemCannotVerify)));

    action
        .execute(
            &ActionCommand::Verify { note: "Ten deliveries called ahead".into() },
            &desk.ctx(&desk.supervisor, local(24, 15, 0)),
        )
        .expect("verified");
    assert_eq!(action.kind(), ActionKind::Closed);
    assert_eq!(action.state().verified_by(), Some("wang.fang"));
    assert_eq!(action.state().late(), Some(false));
    assert_eq!(action.state().notes().len(), 1);
    assert!(Action::finals().contains(&action.kind()));
}

#[test]
fn rule_o4_a_rejected_submission_goes_back_and_the_waiting_time_is_not_counted() {
    let desk = Desk::new();
    let mut action = Instance::<Action>::new();
    action.execute(&open_for("li.na"), &desk.ctx(&desk.supervisor, local(23, 9, 0))).expect("opens");
    let due = action.state().due_at().expect("a due date");
    assert_eq!(due, local(26, 9, 0));
    action
        .execute(&ActionCommand::Submit { summary: "done".into() }, &desk.ctx(&desk.owner, local(23, 10, 0)))
        .expect("submits");
    // The verifier takes a whole working day (Tuesday 10:00 → Wednesday 10:00) to look.
    action
        .execute(
            &ActionCommand::Reject { reason: "No evidence attached".into() },
            &desk.ctx(&desk.supervisor, local(25, 10, 0)),
        )
        .expect("rejects");
    assert_eq!(action.kind(), ActionKind::Open);
    assert_eq!(action.state().rejections().len(), 1);
    assert_eq!(action.state().submission(), None);
    assert!(action.state().due_at().expect("due") > due, "the due date moved by the paused business time");
    // Back with the owner, who may reassign it.
    action
        .execute(&ActionCommand::Reassign { owner: "zhou.jie".into() }, &desk.ctx(&desk.supervisor, local(25, 11, 0)))
        .expect("reassigned");
    assert_eq!(action.state().owner(), Some("zhou.jie"));
    let same = action
        .execute(&ActionCommand::Reassign { owner: "zhou.jie".into() }, &desk.ctx(&desk.supervisor, local(25, 11, 0)))
        .unwrap_err();
    assert!(matches!(same.reason(), Some(ActionError::SameOwner { .. })));
}

#[test]
fn rule_o4_a_withdrawn_action_cancels_its_clock() {
    let desk = Desk::new();
    let mut action = Instance::<Action>::new();
    action.execute(&open_for("li.na"), &desk.ctx(&desk.supervisor, local(23, 9, 0))).expect("opens");
    let events = action
        .execute(&ActionCommand::Withdraw { reason: "duplicate".into() }, &desk.ctx(&desk.supervisor, local(23, 9, 5)))
        .expect("withdrawn");
    assert!(matches!(events[0], ActionEvent::Clock { event: ClockEvent::Cancelled { .. } }));
    assert_eq!(action.kind(), ActionKind::Withdrawn);
    assert_eq!(action.next_deadline(), None);
}

#[test]
fn rule_o4_an_action_needs_an_owner_and_a_known_calendar() {
    let desk = Desk::new();
    let empty =
        Instance::<Action>::new().execute(&open_for(" "), &desk.ctx(&desk.supervisor, local(23, 9, 0))).unwrap_err();
    assert!(matches!(empty.reason(), Some(ActionError::Empty { field: "owner" })));
    let elsewhere = ActionCommand::Open {
        subject: "s".into(),
        source: ActionSource::Other { note: "audit".into() },
        owner: "li.na".into(),
        policy: SlaPolicy::business("x", TimeDelta::hours(8), "nowhere"),
    };
    let unknown =
        Instance::<Action>::new().execute(&elsewhere, &desk.ctx(&desk.supervisor, local(23, 9, 0))).unwrap_err();
    assert!(matches!(unknown.reason(), Some(ActionError::Clock(_))), "{unknown}");
    assert!(unknown.to_string().contains("nowhere"), "{unknown}");
}

#[test]
fn rule_o4_a_corrupt_action_snapshot_is_an_error_not_a_panic() {
    for (text, field) in [
        (r#"{"kind":"open"}"#, "opening"),
        (
            r#"{"kind":"open","opening":{"subject":"s","source":{"type":"other","note":"n"},"by":"a","at":"2026-11-23T01:00:00Z"},"owner":"li.na"}"#,
            "clock",
        ),
        (r#"{"kind":"new","owner":"x","verified":{"by":"x","at":"2026-11-23T01:00:00Z","text":"t"}}"#, "verified"),
    ] {
        let err = serde_json::from_str::<ActionState>(text).unwrap_err();
        assert!(err.to_string().contains(&format!("`{field}`")), "{text}: {err}");
    }
    // A real closed action reads back, and one whose verifier is edited to be the owner is refused.
    let desk = Desk::new();
    let mut action = Instance::<Action>::new();
    action.execute(&open_for("li.na"), &desk.ctx(&desk.supervisor, local(23, 9, 0))).expect("opens");
    action
        .execute(&ActionCommand::Submit { summary: "s".into() }, &desk.ctx(&desk.owner, local(23, 10, 0)))
        .expect("ok");
    action
        .execute(&ActionCommand::Verify { note: "v".into() }, &desk.ctx(&desk.supervisor, local(23, 11, 0)))
        .expect("ok");
    let json = serde_json::to_string(action.state()).expect("writes");
    assert_eq!(serde_json::from_str::<ActionState>(&json).expect("reads"), *action.state());
    let forged =
        json.replace(r#""by":"wang.fang","at":"2026-11-23T03:00:00Z""#, r#""by":"li.na","at":"2026-11-23T03:00:00Z""#);
    assert_ne!(forged, json);
    let err = serde_json::from_str::<ActionState>(&forged).unwrap_err();
    assert!(err.to_string().contains("the owner cannot verify"), "{err}");
}

#[test]
fn rule_o4_the_action_picture_is_complete() {
    let graph = TransitionGraph::of::<Action>();
    assert!(graph.unreachable().is_empty());
    assert!(graph.cannot_finish().is_empty());
    let mermaid = graph.to_mermaid();
    assert!(mermaid.contains("submitted --> closed: verify"), "{mermaid}");
    assert!(mermaid.contains("open --> overdue: tick"), "{mermaid}");
    assert!(!mermaid.contains("open --> closed"), "only a verification closes an action");
}

// ---- Satisfaction surveys (rule Q8) ----

mod surveys {
    use std::collections::BTreeMap;

    use chrono::{DateTime, TimeDelta, Utc};
    use kefu::machine::{Context, Instance, Principal};
    use kefu::quality::{ActionCommand, Channel, Period, Problem, Scope, Survey, SurveyError, SurveyFinding};
    use kefu::script::{Answer, RunCommand, ScriptRun};

    use super::local;

    const SURVEY: &str = include_str!("fixtures/q8-after-sale-survey.toml");

    fn survey() -> Survey {
        Survey::from_toml_str(SURVEY, "q8-after-sale-survey.toml").expect("the sample survey validates")
    }

    fn answers(overall: &str, delivery: &str, theme: Option<&str>) -> BTreeMap<String, Answer> {
        let mut out = BTreeMap::from([
            ("ask_overall".to_owned(), Answer::choice(overall)),
            ("ask_delivery".to_owned(), Answer::choice(delivery)),
        ]);
        if let Some(theme) = theme {
            out.insert("ask_theme".into(), Answer::choice(theme));
        }
        out
    }

    #[test]
    fn rule_q8_the_sample_survey_validates_in_chinese_and_english() {
        let survey = survey();
        assert_eq!(survey.id(), "q8-after-sale");
        assert_eq!(survey.channels(), [Channel::Phone, Channel::Email, Channel::Questionnaire]);
        assert_eq!(survey.script().script().locales, ["zh-CN", "en"]);
        assert!(survey.script().warnings().is_empty(), "{:?}", survey.script().warnings());
        // Drawn like any script, in both locales.
        assert!(survey.script().to_mermaid("zh-CN").contains("您对我们这次的服务总体满意吗"));
        assert!(survey.script().to_dot("en").contains("Would you recommend"));
    }

    #[test]
    fn rule_q8_a_phone_survey_is_a_script_run() {
        let survey = survey();
        let agent = Principal::new("zhou.jie");
        let t0 = local(23, 10, 0);
        let at = |s| Context::new(t0 + TimeDelta::seconds(s), &agent, survey.script());
        let mut run = Instance::<ScriptRun>::new();
        run.execute(&RunCommand::Start, &at(0)).expect("starts");
        run.execute(&RunCommand::answer("ask_overall", Answer::choice("unsatisfied")), &at(10)).expect("answer");
        run.execute(&RunCommand::answer("ask_delivery", Answer::choice("very_late")), &at(20)).expect("answer");
        run.execute(&RunCommand::answer("ask_theme", Answer::choice("delivery")), &at(30)).expect("answer");
        run.execute(&RunCommand::skip("ask_details"), &at(40)).expect("skip");
        run.execute(&RunCommand::answer("ask_recommend", Answer::YesNo(false)), &at(50)).expect("answer");
        let response =
            survey.response_from_run(run.state(), Channel::Phone, "c-0042", Some("li.na")).expect("a response");
        assert_eq!(response.answers.len(), 4, "the skipped question is left out");
        assert_eq!(response.at, t0 + TimeDelta::seconds(50));
        assert_eq!(survey.points("ask_delivery", &response.answers["ask_delivery"]), Some(1));
        assert_eq!(survey.points("ask_recommend", &Answer::YesNo(false)), Some(1));

        // A run that has not ended is not a response.
        let mut half = Instance::<ScriptRun>::new();
        half.execute(&RunCommand::Start, &at(0)).expect("starts");
        let err = survey.response_from_run(half.state(), Channel::Phone, "c-1", None).unwrap_err();
        assert!(matches!(err, SurveyError::NotCompleted { outcome: None }));
    }

    #[test]
    fn rule_q8_answers_by_email_and_questionnaire_are_checked_against_the_script() {
        let survey = survey();
        let t = local(23, 10, 0);
        let ok = survey.response(Channel::Email, "c-1", None, t, answers("satisfied", "on_time", None));
        assert!(ok.is_ok());
        let bad_choice = survey.response(Channel::Questionnaire, "c-1", None, t, answers("great", "on_time", None));
        assert!(matches!(bad_choice, Err(SurveyError::NotAChoice { .. })));
        let wrong_kind = survey.response(
            Channel::Email,
            "c-1",
            None,
            t,
            BTreeMap::from([("ask_recommend".to_owned(), Answer::text("yes"))]),
        );
        assert!(matches!(wrong_kind, Err(SurveyError::WrongKind { .. })));
        let unknown =
            survey.response(Channel::Email, "c-1", None, t, BTreeMap::from([("nope".to_owned(), Answer::YesNo(true))]));
        assert!(matches!(unknown, Err(SurveyError::UnknownQuestion { .. })));
    }

    fn week_of_responses(survey: &Survey) -> Vec<kefu::quality::Response> {
        let mut out = Vec::new();
        let mut add = |day: u32, who: &str, overall: &str, delivery: &str, theme: Option<&str>| {
            let at: DateTime<Utc> = local(day, 15, 0);
            let response = survey
                .response(
                    Channel::Email,
                    &format!("c-{day}-{who}-{overall}"),
                    Some(who),
                    at,
                    answers(overall, delivery, theme),
                )
                .expect("a valid response");
            out.push(response);
        };
        // Week 48 (23–29 November): li.na's customers are unhappy with deliveries; zhou.jie's are not.
        add(23, "li.na", "unsatisfied", "very_late", Some("delivery"));
        add(24, "li.na", "very_unsatisfied", "very_late", Some("delivery"));
        add(25, "li.na", "unsatisfied", "a_little_late", Some("delivery"));
        add(24, "zhou.jie", "very_satisfied", "on_time", None);
        add(25, "zhou.jie", "satisfied", "on_time", None);
        add(26, "zhou.jie", "very_satisfied", "on_time", None);
        // Week 49: better.
        add(30, "li.na", "satisfied", "on_time", None);
        out
    }

    #[test]
    fn rule_q8_scores_aggregate_per_question_period_and_specialist() {
        let survey = survey();
        let scores = survey.aggregate(&week_of_responses(&survey)).expect("aggregates");
        let overall = scores.question("ask_overall").expect("answers");
        assert_eq!((overall.count, overall.sum), (7, 2 + 1 + 2 + 5 + 4 + 5 + 4));
        let w48 = Period::Week { year: 2026, week: 48 };
        let w49 = Period::Week { year: 2026, week: 49 };
        assert_eq!(scores.period(w48, "ask_delivery").map(|s| (s.count, s.sum)), Some((6, 1 + 1 + 3 + 5 + 5 + 5)));
        assert_eq!(scores.period(w49, "ask_delivery").map(|s| (s.count, s.sum)), Some((1, 5)));
        assert_eq!(scores.specialist("li.na", "ask_overall").map(|s| s.count), Some(4));
        assert_eq!(scores.specialist("zhou.jie", "ask_delivery").map(|s| s.mean()), Some(5.0));
        assert_eq!(scores.themes().collect::<Vec<_>>(), vec![(w48, "delivery", 3)]);
    }

    #[test]
    fn rule_q8_low_scores_and_repeated_complaints_open_improvement_actions() {
        let survey = survey();
        let scores = survey.aggregate(&week_of_responses(&survey)).expect("aggregates");
        let findings = survey.findings(&scores);
        let described: Vec<String> = findings.iter().map(ToString::to_string).collect();
        assert_eq!(
            described,
            [
                "`ask_overall` scored 3.29 over 7 answer(s), under 3.50",
                "`ask_delivery` scored 3.33 over 6 answer(s), under 3.50 in 2026-W48",
                "`ask_overall` scored 3.17 over 6 answer(s), under 3.50 in 2026-W48",
                "`ask_delivery` scored 2.50 over 4 answer(s), under 3.50 for `li.na`",
                "`ask_overall` scored 2.25 over 4 answer(s), under 3.50 for `li.na`",
                "complaint theme `delivery` named 3 times in 2026-W48",
            ]
        );
        assert!(matches!(&findings[0], SurveyFinding::LowScore { scope: Scope::All, answers: 7, .. }));
        assert!(matches!(&findings[3], SurveyFinding::LowScore { scope: Scope::Specialist(w), .. } if w == "li.na"));
        let actions = survey.actions(&findings);
        let owners: Vec<&str> = actions
            .iter()
            .map(|a| match a {
                ActionCommand::Open { owner, .. } => owner.as_str(),
                other => panic!("not an opening: {other:?}"),
            })
            .collect();
        // li.na owns the actions about her scores; the supervisor owns the repeated theme.
        assert_eq!(owners, ["wang.fang", "wang.fang", "wang.fang", "li.na", "li.na", "wang.fang"]);
    }

    #[test]
    fn rule_q8_a_survey_definition_error_is_located() {
        let broken = SURVEY.replace("[scores.ask_recommend]\nyes = 5", "[scores.ask_recommend]\nmaybe = 5");
        let errors = Survey::from_toml_str(&broken, "survey.toml").unwrap_err();
        let first = &errors.errors()[0];
        assert_eq!(first.path, "scores.ask_recommend.maybe");
        assert_eq!(first.file, "survey.toml");
        assert_eq!(first.line, broken.lines().position(|l| l == "maybe = 5").map(|i| i + 1).unwrap_or(0));
        assert!(matches!(&first.problem, Problem::Unknown { name, .. } if name == "maybe"));

        // A script error is a script finding, located at its node.
        let dangling = SURVEY.replace("default = \"ask_recommend\"", "default = \"ask_nothing\"");
        let errors = Survey::from_toml_str(&dangling, "survey.toml").unwrap_err();
        let script = errors.errors().iter().find(|e| matches!(e.problem, Problem::Script(_))).expect("a finding");
        assert!(script.path.starts_with("script.nodes[3]"), "{script}");
        assert_eq!(script.line, dangling.lines().position(|l| l.contains("ask_nothing")).map(|i| i + 1).unwrap_or(0));

        // A scored free-text question cannot be scored.
        let text =
            SURVEY.replace("[scores.ask_recommend]", "[scores.ask_details]\nanything = 1\n[scores.ask_recommend]");
        let errors = Survey::from_toml_str(&text, "survey.toml").unwrap_err();
        assert!(errors.errors().iter().any(|e| matches!(e.problem, Problem::NotCountable { .. })), "{errors}");
    }
}

// ---- Quality monitoring (rule O4) ----

mod monitoring {
    use std::collections::BTreeMap;

    use chrono::TimeDelta;
    use kefu::machine::{Context, Instance, Principal};
    use kefu::quality::{
        Action, ActionCommand, ActionKind, Calibration, CalibrationError, Contact, Problem, ReviewError, SamplingPlan,
        Scorecard, Survey,
    };

    use super::{calendars, local};

    const CARD: &str = include_str!("fixtures/o4-phone-scorecard.toml");
    const SAMPLING: &str = include_str!("fixtures/o4-sampling.toml");

    fn card() -> Scorecard {
        Scorecard::from_toml_str(CARD, "o4-phone-scorecard.toml").expect("the sample scorecard")
    }

    fn inspector(id: &str) -> Principal {
        Principal::new(id).with_role("quality_inspector")
    }

    fn scores(values: [u32; 6]) -> BTreeMap<String, u32> {
        ["greeting", "identity", "understanding", "solution", "courtesy", "promises"]
            .into_iter()
            .map(str::to_owned)
            .zip(values)
            .collect()
    }

    fn contact() -> Contact {
        Contact::new("call-2041", "li.na", local(23, 10, 0))
    }

    #[test]
    fn rule_o4_a_review_totals_the_weighted_points() {
        let card = card();
        let review = card
            .review(&contact(), &inspector("zhao.min"), local(24, 9, 0), scores([5, 1, 4, 4, 5, 1]))
            .expect("a review");
        // Weights 1, 2, 3, 3, 1, 2 (12 in all): 1 + 2 + 3·0.8 + 3·0.8 + 1 + 2 = 10.8 of 12 = 900‰.
        assert_eq!(review.verdict.permille, 900);
        assert!(review.verdict.passed);
        assert_eq!(review.corrective_action(card.corrective_action().expect("a policy")), None);
    }

    #[test]
    fn rule_o4_a_critical_item_fails_a_review_on_its_own() {
        let card = card();
        // Everything perfect but the identity was not confirmed: 10 of 12 points, 833‰, over the mark — failed.
        let review = card
            .review(&contact(), &inspector("zhao.min"), local(24, 9, 0), scores([5, 0, 5, 5, 5, 1]))
            .expect("a review");
        assert_eq!(review.verdict.permille, 833);
        assert!(review.verdict.reaches_mark);
        assert!(!review.verdict.passed);
        assert_eq!(review.verdict.critical_failures, ["identity"]);
    }

    #[test]
    fn rule_o4_a_failed_review_yields_a_corrective_action_for_the_specialist() {
        let card = card();
        let review = card
            .review(&contact(), &inspector("zhao.min"), local(24, 9, 0), scores([3, 1, 2, 2, 3, 1]))
            .expect("a review");
        assert!(!review.verdict.passed && review.verdict.critical_failures.is_empty());
        let open = review.corrective_action(card.corrective_action().expect("a policy")).expect("an action");
        let ActionCommand::Open { owner, subject, .. } = &open else { panic!("not an opening: {open:?}") };
        assert_eq!(owner, "li.na");
        assert!(subject.starts_with("Contact call-2041: scored 633‰"), "{subject}"); // 7.6 of 12 points
        // Applied by the caller, it runs on the office calendar: five working days, Tuesday 24 November 09:00 to
        // Tuesday 1 December 09:00.
        let calendars = calendars();
        let inspector = inspector("zhao.min");
        let mut action = Instance::<Action>::new();
        action.execute(&open, &Context::new(local(24, 9, 0), &inspector, &calendars)).expect("opens");
        assert_eq!(action.kind(), ActionKind::Open);
        let due = chrono::TimeZone::with_ymd_and_hms(&chrono_tz::Asia::Shanghai, 2026, 12, 1, 9, 0, 0).unwrap();
        assert_eq!(action.state().due_at(), Some(due.to_utc()));
    }

    #[test]
    fn rule_o4_reviews_are_by_inspectors_of_other_peoples_contacts() {
        let card = card();
        let at = local(24, 9, 0);
        let all = scores([5, 1, 5, 5, 5, 1]);
        let not = card.review(&contact(), &Principal::new("wang.fang"), at, all.clone()).unwrap_err();
        assert!(matches!(not, ReviewError::NotAnInspector { .. }));
        let own = card.review(&contact(), &inspector("li.na"), at, all.clone()).unwrap_err();
        assert!(matches!(own, ReviewError::OwnContact { .. }));
        let mut missing = all.clone();
        missing.remove("solution");
        assert!(matches!(
            card.review(&contact(), &inspector("zhao.min"), at, missing),
            Err(ReviewError::MissingScore { criterion }) if criterion == "solution"
        ));
        let mut over = all.clone();
        over.insert("identity".into(), 2);
        assert!(matches!(card.review(&contact(), &inspector("zhao.min"), at, over), Err(ReviewError::OverMax { .. })));
        let mut extra = all;
        extra.insert("smile".into(), 1);
        assert!(matches!(
            card.review(&contact(), &inspector("zhao.min"), at, extra),
            Err(ReviewError::UnknownCriterion { .. })
        ));
    }

    #[test]
    fn rule_o4_calibration_reports_the_disagreement_per_criterion_and_overall() {
        let card = card();
        let at = local(24, 9, 0);
        let zhao = card.review(&contact(), &inspector("zhao.min"), at, scores([5, 1, 4, 4, 5, 1])).expect("review");
        let qian = card.review(&contact(), &inspector("qian.yu"), at, scores([4, 1, 2, 4, 5, 0])).expect("review");
        let report = Calibration::compare(&card, &zhao, &qian).expect("comparable");
        assert_eq!(report.inspectors, ("zhao.min".to_owned(), "qian.yu".to_owned()));
        let gaps: Vec<(&str, u32, bool)> =
            report.disagreements().map(|g| (g.criterion.as_str(), g.gap, g.beyond_tolerance)).collect();
        assert_eq!(gaps, vec![("greeting", 1, false), ("understanding", 2, true), ("promises", 1, false)]);
        // 900‰ against (0.8 + 2 + 1.2 + 2.4 + 1 + 0) / 12 = 616‰; one passed the call, the other failed it.
        assert_eq!(report.overall, (900, 616));
        assert_eq!(report.overall_gap, 284);
        assert!(!report.verdicts_agree);

        assert!(matches!(Calibration::compare(&card, &zhao, &zhao), Err(CalibrationError::SameInspector { .. })));
        let other = Contact::new("call-9", "li.na", local(23, 11, 0));
        let elsewhere = card.review(&other, &inspector("qian.yu"), at, scores([5, 1, 5, 5, 5, 1])).expect("review");
        assert!(matches!(
            Calibration::compare(&card, &zhao, &elsewhere),
            Err(CalibrationError::DifferentContacts { .. })
        ));
    }

    fn week_of_contacts() -> Vec<Contact> {
        let mut out = Vec::new();
        for i in 0..200 {
            let who = ["li.na", "zhou.jie", "chen.bo"][i % 3];
            out.push(Contact::new(format!("call-{i:04}"), who, local(23, 9, 0) + TimeDelta::minutes(i as i64 * 20)));
        }
        out
    }

    #[test]
    fn rule_o4_sampling_draws_a_share_of_each_specialists_week_reproducibly() {
        let plan = SamplingPlan::from_toml_str(SAMPLING, "o4-sampling.toml").expect("the sample plan");
        let contacts = week_of_contacts();
        let samples = plan.draw(&contacts).expect("draws");
        // 200 contacts over about 2.8 days of one week: 67, 67 and 66 per specialist; 5% rounded up is 4.
        let shape: Vec<(&str, usize, usize)> =
            samples.iter().map(|s| (s.specialist.as_str(), s.drawn.len(), s.out_of)).collect();
        assert_eq!(shape, vec![("chen.bo", 4, 66), ("li.na", 4, 67), ("zhou.jie", 4, 67)]);
        for sample in &samples {
            assert!(sample.drawn.iter().all(|c| c.specialist == sample.specialist));
        }
        // Reproducible, and another seed draws others.
        assert_eq!(plan.draw(&contacts).expect("draws"), samples);
        let reseeded = SamplingPlan::from_toml_str(&SAMPLING.replace("20261123", "7"), "o4-sampling.toml")
            .expect("plan")
            .draw(&contacts)
            .expect("draws");
        assert_ne!(reseeded, samples);
        // Duplicate ids are refused.
        let mut twice = contacts.clone();
        twice.push(contacts[0].clone());
        assert!(plan.draw(&twice).is_err());
    }

    #[test]
    fn rule_o4_loader_errors_name_file_key_path_and_line() {
        let cases: [(&str, &str, &str, usize); 6] = [
            // (what is changed, into what, the key path, the line)
            (
                "weight = 3\nmax = 5\n\n[[criteria]]\nid = \"solution\"",
                "weight = 3\nmax = 11\n\n[[criteria]]\nid = \"solution\"",
                "criteria[2].max",
                0,
            ),
            ("id = \"courtesy\"", "id = \"greeting\"", "criteria[4].id", 0),
            ("pass_mark = 0.8", "pass_mark = 1.8", "pass_mark", 0),
            ("pass_mark = 0.8", "pass_mark = \"high\"", "pass_mark", 0),
            ("calibration_tolerance = 1", "calibration_tolerance = 1\nsurprise = true", "", 0),
            ("within_working_days = 5", "within_working_days = 0", "corrective_action", 0),
        ];
        for (from, to, path, _) in cases {
            let text = CARD.replacen(from, to, 1);
            assert_ne!(text, CARD, "{from}");
            let errors = Scorecard::from_toml_str(&text, "card.toml").unwrap_err();
            let first = &errors.errors()[0];
            assert_eq!(first.file, "card.toml");
            assert!(first.path == path || (path.is_empty() && first.to_string().contains("surprise")), "{to}: {first}");
            assert!(first.line > 1, "{to}: {first}");
            assert!(first.to_string().starts_with(&format!("card.toml:{}:", first.line)), "{first}");
        }
        let plan = SamplingPlan::from_toml_str("share = 0.1\nmin = 5\nmax = 2\nseed = 1\n", "s.toml").unwrap_err();
        assert_eq!((plan.errors()[0].path.as_str(), plan.errors()[0].line), ("min", 2));
        let zone =
            SamplingPlan::from_toml_str("share = 0.1\nseed = 1\ntime_zone = \"Mars/Olympus\"\n", "s.toml").unwrap_err();
        assert_eq!((zone.errors()[0].path.as_str(), zone.errors()[0].line), ("time_zone", 3));
    }

    #[test]
    fn rule_o4_hostile_definitions_are_errors_not_panics() {
        let deep = format!("x = {}1{}", "[".repeat(5_000), "]".repeat(5_000));
        let huge = "#".repeat(kefu::quality::MAX_DEFINITION_BYTES + 1);
        let hostile = [
            String::new(),
            "\u{0}\u{feff}".to_owned(),
            "[[criteria]]\n[[criteria]]\n".to_owned(),
            "id = \"c\"\nversion = -1\npass_mark = nan\ncriteria = []\n".to_owned(),
            "id = \"c\"\nversion = 1\npass_mark = 0.8\ncriteria = [{ id = \"\u{202e}x\", weight = 4294967295, max = 0 }]\n".to_owned(),
            deep,
            "share = inf\nseed = -1\n".to_owned(),
            "share = 0.5\nseed = 1\nperiod = \"fortnight\"\n".to_owned(),
            "channels = []\n[script]\nid = 1\n".to_owned(),
            "a.b.c.d = 1\n\"quoted.key\" = 2\n[scores.\"x.y\"]\nz = 1\n".to_owned(),
        ];
        for text in hostile.iter().chain([&huge]) {
            let card = Scorecard::from_toml_str(text, "h.toml").unwrap_err();
            let plan = SamplingPlan::from_toml_str(text, "h.toml");
            let survey = Survey::from_toml_str(text, "h.toml").unwrap_err();
            for e in card.errors().iter().chain(survey.errors()) {
                assert!(e.line >= 1 && e.column >= 1, "{e}");
                assert!(e.to_string().len() < 2_000, "a short message: {} bytes", e.to_string().len());
            }
            assert!(plan.is_err() || text.starts_with("share = 0.5"), "{:?}", &text[..text.len().min(40)]);
        }
        let too_big = Scorecard::from_toml_str(&huge, "h.toml").unwrap_err();
        assert!(matches!(too_big.errors()[0].problem, Problem::TooBig { .. }));
    }
}
