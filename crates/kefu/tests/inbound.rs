//! Inbound calls (rule Q3): the shipped script, what its record becomes, and scripts that cannot serve.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use kefu::case::{
    Caller, Case, CaseCommand, CaseKind, CasePolicies, Inbound, InboundError, InboundScript, InquiryChannel, Nature,
    Origin, Q3_TOML, Standing, Urgency,
};
use kefu::machine::{Context, Instance, Principal};
use kefu::script::{Answer, CallbackRecord, RunCommand, S1_TOML, ScriptRun, ValidScript};

type Result = std::result::Result<(), Box<dyn std::error::Error>>;

fn t0() -> DateTime<Utc> {
    // Tuesday 2 June 2026, 10:00 in Shanghai.
    Utc.with_ymd_and_hms(2026, 6, 2, 2, 0, 0).unwrap()
}

/// Walks the inbound script with one answer every 20 seconds and returns its record.
fn call(
    inbound: &InboundScript,
    answers: &[(&str, Answer)],
) -> std::result::Result<CallbackRecord, Box<dyn std::error::Error>> {
    let agent = Principal::new("li.na");
    let mut run = Instance::<ScriptRun>::new();
    run.execute(&RunCommand::Start, &Context::new(t0(), &agent, inbound.script()))?;
    for (k, (question, answer)) in answers.iter().enumerate() {
        let at = t0() + TimeDelta::seconds(20 * (i64::try_from(k)? + 1));
        run.execute(&RunCommand::answer(*question, answer.clone()), &Context::new(at, &agent, inbound.script()))?;
    }
    Ok(run.state().record().ok_or("the run has ended")?)
}

fn caller() -> Caller {
    Caller { customer: "0042".into(), channel: InquiryChannel::Phone, standing: Standing::Regular }
}

#[test]
fn rule_q3_the_shipped_script_greets_with_company_and_agent_in_both_locales() -> Result {
    let inbound = InboundScript::shipped()?;
    let script = inbound.script().script();
    assert_eq!(script.id, "q3-inbound-call");
    let greeting = script.nodes.first().ok_or("a first node")?;
    let texts = greeting.text().ok_or("the greeting speaks")?;
    for locale in ["zh-CN", "en"] {
        let text = texts.get(locale).ok_or(locale)?;
        assert!(text.contains("{company}") && text.contains("{agent}"), "{locale}: {text}");
    }
    assert!(inbound.script().warnings().is_empty(), "{:?}", inbound.script().warnings());
    Ok(())
}

#[test]
fn rule_q3_a_problem_not_solved_on_the_call_opens_a_case_classified_as_the_agent_said() -> Result {
    let inbound = InboundScript::shipped()?;
    let record = call(
        &inbound,
        &[
            ("problem", Answer::text("桶装溶剂到货时有破损")),
            ("nature", Answer::choice("after_sales")),
            ("urgency", Answer::choice("urgent")),
            ("solved", Answer::YesNo(false)),
            ("next_step", Answer::text("物流部今天核实,明天回复")),
        ],
    )?;
    let Inbound::Open { open, next_step } = inbound.outcome(&record, &caller())? else {
        return Err("an unsolved problem opens a case".into());
    };
    assert_eq!(next_step.as_deref(), Some("物流部今天核实,明天回复"));
    let CaseCommand::Open { origin, class, customer, standing } = &open else { return Err("an Open command".into()) };
    assert_eq!((class.nature, class.urgency), (Nature::AfterSales, Urgency::Urgent));
    assert_eq!(origin, &Origin::inquiry(InquiryChannel::Phone, "桶装溶剂到货时有破损"));
    assert_eq!((customer.as_str(), *standing), ("0042", Standing::Regular));

    // The command opens a real case whose Q4 limits start at once (Q2: classified at intake).
    let calendars: kefu::calendar::CalendarSet =
        [(kefu::case::SERVICE_DESK, kefu::calendar::Calendar::always_open(chrono_tz::Asia::Shanghai))]
            .into_iter()
            .collect();
    let config = kefu::case::CaseConfig::new(calendars, CasePolicies::default())?;
    let mut case = Instance::<Case>::new();
    case.execute(&open, &Context::new(record.ended_at, &Principal::new("li.na"), &config))?;
    assert_ne!(case.kind(), CaseKind::Closed);
    assert!(case.next_deadline().is_some(), "the class's limits run");
    Ok(())
}

#[test]
fn rule_q3_a_problem_solved_on_the_call_opens_nothing_and_keeps_its_class() -> Result {
    let inbound = InboundScript::shipped()?;
    let record = call(
        &inbound,
        &[
            ("problem", Answer::text("How much for 20 drums?")),
            ("nature", Answer::choice("price")),
            ("urgency", Answer::choice("low")),
            ("solved", Answer::YesNo(true)),
        ],
    )?;
    let outcome = inbound.outcome(&record, &caller())?;
    assert_eq!(
        outcome,
        Inbound::Solved {
            class: kefu::case::Class::new(Nature::Price, Urgency::Low),
            problem: "How much for 20 drums?".into()
        }
    );
    Ok(())
}

#[test]
fn rule_q3_a_record_of_another_script_or_without_its_class_is_refused() -> Result {
    let inbound = InboundScript::shipped()?;
    // A run of S1 is not an inbound call.
    let s1 = ValidScript::from_toml_str(S1_TOML)?;
    let agent = Principal::new("li.na");
    let mut run = Instance::<ScriptRun>::new();
    run.execute(&RunCommand::Start, &Context::new(t0(), &agent, &s1))?;
    run.execute(&RunCommand::Abort { reason: "line dropped".into() }, &Context::new(t0(), &agent, &s1))?;
    let other = run.state().record().ok_or("aborted runs have a record")?;
    assert!(matches!(inbound.outcome(&other, &caller()), Err(InboundError::OtherScript { .. })));

    // The line dropped after the problem was told: it cannot be classified.
    let mut run = Instance::<ScriptRun>::new();
    run.execute(&RunCommand::Start, &Context::new(t0(), &agent, inbound.script()))?;
    run.execute(
        &RunCommand::answer("problem", Answer::text("the invoice is wrong")),
        &Context::new(t0(), &agent, inbound.script()),
    )?;
    run.execute(&RunCommand::Abort { reason: "line dropped".into() }, &Context::new(t0(), &agent, inbound.script()))?;
    let dropped = run.state().record().ok_or("a record")?;
    let error = inbound.outcome(&dropped, &caller()).unwrap_err();
    assert_eq!(error, InboundError::Unanswered { question: "nature" });
    assert_eq!(error.to_string(), "the record has no answer to `nature`: the call cannot be classified");
    Ok(())
}

#[test]
fn rule_q3_a_script_without_the_classifying_questions_cannot_serve_and_says_what_is_missing() -> Result {
    // S1 asks none of them.
    let s1 = ValidScript::from_toml_str(S1_TOML)?;
    let error = InboundScript::new(s1).unwrap_err();
    assert_eq!(
        error.to_string(),
        "script `s1-regular-callback`: no question `problem`; an inbound script asks it (free_text answer)"
    );

    // An urgency choice kefu does not know.
    let odd = Q3_TOML.replace("{ value = \"urgent\"", "{ value = \"asap\"");
    let error = InboundScript::new(ValidScript::from_toml_str(&odd)?).unwrap_err();
    assert!(
        matches!(&error, InboundError::UnknownChoice { question: "urgency", value, .. } if value == "asap"),
        "{error}"
    );

    // What follows asked as yes or no.
    let odd = Q3_TOML.replace(
        "id = \"next_step\"\nkind = \"question\"\nanswer = \"free_text\"",
        "id = \"next_step\"\nkind = \"question\"\nanswer = \"yes_no\"",
    );
    assert_ne!(odd, Q3_TOML, "the replacement applies");
    let error = InboundScript::new(ValidScript::from_toml_str(&odd)?).unwrap_err();
    assert_eq!(
        error.to_string(),
        "script `q3-inbound-call`, node `next_step`: must be a question with a free_text answer, found a yes_no answer"
    );
    Ok(())
}
