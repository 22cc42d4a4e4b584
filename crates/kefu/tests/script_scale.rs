//! Scripts far larger than S1 and S2 (rules S1, S2): validation, drawing and runs neither overflow the stack nor
//! take quadratic time or memory. Functional tests only: what is checked is that each completes with the right
//! answer (the timings are in `benches/benches/script.rs`).

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use kefu::machine::{Context, Instance, Principal};
use kefu::script::{
    Answer, AnswerKind, Choice, Code, Node, Outcome, RecordField, Route, RunCommand, S2_TOML, Script, ScriptRun,
    ValidScript,
};

fn en(text: impl Into<String>) -> BTreeMap<String, String> {
    BTreeMap::from([("en".to_owned(), text.into())])
}

fn script(nodes: Vec<Node>) -> Script {
    Script {
        id: "large".into(),
        version: 1,
        title: BTreeMap::new(),
        locales: vec!["en".into()],
        variables: BTreeMap::new(),
        start: None,
        nodes,
    }
}

/// `n` say nodes in a row (each going on to the following one), then an end.
fn chain(n: usize) -> Script {
    let mut nodes: Vec<Node> =
        (0..n).map(|k| Node::Say { id: format!("s{k}"), text: en(format!("Step {k}.")), next: None }).collect();
    nodes.push(Node::End { id: "end".into(), outcome: Outcome::Completed, text: Some(en("Goodbye.")), next: None });
    script(nodes)
}

/// Runs `f` on a thread with a 1 MiB stack (half the default of test threads, an eighth of a main thread's).
fn on_a_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(1 << 20).spawn(f).expect("a thread").join().expect("no panic")
}

/// The validator's strongly-connected-components pass used to recurse once per node of a path: a 30 000-node chain
/// overflowed a 2 MiB stack and aborted the process. It also kept a bit set per node (quadratic memory).
#[test]
fn rule_s1_a_200_000_node_chain_validates_draws_and_runs_on_a_1_mib_stack() {
    let (warnings, mermaid_lines, path) = on_a_small_stack(|| {
        let valid = chain(200_000).validate().expect("a chain is valid");
        let mermaid = valid.to_mermaid("en");
        let agent = Principal::new("agent-7");
        let mut run = Instance::<ScriptRun>::new();
        run.execute(&RunCommand::Start, &Context::new(DateTime::<Utc>::UNIX_EPOCH, &agent, &valid)).expect("starts");
        (valid.warnings().len(), mermaid.lines().count(), run.state().record().expect("ended").path.len())
    });
    assert_eq!(warnings, 0);
    // Header, comment, 200 001 nodes, the start arrow, 200 000 ways.
    assert_eq!(mermaid_lines, 2 + 200_001 + 1 + 200_000);
    assert_eq!(path, 200_001);
}

/// A cycle of 100 000 nodes with no question and no way out: found on a small stack, and the message lists a few
/// of its nodes and how many there are rather than all of them.
#[test]
fn a_100_000_node_cycle_is_reported_once_with_a_short_message() {
    let findings = on_a_small_stack(|| {
        let mut s = chain(100_000);
        s.nodes[99_999].set_next(Some("s0".into()));
        s.check()
    });
    let codes: Vec<Code> = findings.iter().map(|f| f.code).collect();
    assert_eq!(codes, [Code::Unreachable, Code::CycleWithoutExit, Code::CycleWithoutQuestion]);
    let cycle = &findings[1];
    assert_eq!(cycle.node.as_deref(), Some("s0"));
    assert!(cycle.message.contains("s0 → s1 → s2"), "{}", cycle.message);
    assert!(cycle.message.contains("(100000 in all)"), "{}", cycle.message);
    assert!(cycle.message.len() < 200, "{}", cycle.message);
}

/// "Asked before used" on a long script: a branch at the end tests the first question (asked on every path), and
/// another tests a question only one side of a fork asks.
#[test]
fn asked_before_used_holds_on_a_long_script() {
    let n = 50_000;
    let mut nodes = vec![Node::Question {
        id: "q0".into(),
        text: en("Convenient?"),
        answer: AnswerKind::YesNo,
        choices: Vec::new(),
        records: None,
        next: None,
    }];
    nodes.extend((0..n).map(|k| Node::Say { id: format!("s{k}"), text: en("…"), next: None }));
    let route = |question: &str, next: &str| Route { question: question.into(), is: "yes".into(), next: next.into() };
    nodes.push(Node::Branch { id: "fork".into(), cases: vec![route("q0", "q1")], default: Some("join".into()) });
    nodes.push(Node::Question {
        id: "q1".into(),
        text: en("Anything else?"),
        answer: AnswerKind::YesNo,
        choices: Vec::new(),
        records: None,
        next: None,
    });
    nodes.push(Node::Branch {
        id: "join".into(),
        cases: vec![route("q0", "end"), route("q1", "end")],
        default: Some("end".into()),
    });
    nodes.push(Node::End { id: "end".into(), outcome: Outcome::Completed, text: Some(en("Bye.")), next: None });
    let findings = on_a_small_stack(move || script(nodes).check());
    let found: Vec<(Code, Option<&str>, Option<&str>)> =
        findings.iter().map(|f| (f.code, f.node.as_deref(), f.field.as_deref())).collect();
    assert_eq!(found, [(Code::NotYetAnswered, Some("join"), Some("cases[1].question"))]);
}

/// A question with 30 000 choices and a branch testing each of them: checking compared every choice with every
/// earlier one and rebuilt the list of values for each case (quadratic).
#[test]
fn rule_s1_a_question_with_30_000_choices_checks_and_runs() {
    let n = 30_000;
    let choices: Vec<Choice> =
        (0..n).map(|k| Choice { value: format!("c{k}"), text: en(format!("Choice number {k}")) }).collect();
    let mut nodes = vec![Node::Question {
        id: "pick".into(),
        text: en("Which one?"),
        answer: AnswerKind::Choice,
        choices,
        records: Some(RecordField::Satisfaction),
        next: None,
    }];
    nodes.push(Node::Branch {
        id: "route".into(),
        cases: (0..n).map(|k| Route { question: "pick".into(), is: format!("c{k}"), next: "last".into() }).collect(),
        default: Some("end".into()),
    });
    nodes.push(Node::Say { id: "last".into(), text: en("The last one!"), next: None });
    nodes.push(Node::End { id: "end".into(), outcome: Outcome::Completed, text: Some(en("Bye.")), next: None });
    let script = script(nodes);
    assert_eq!(script.check(), []);
    let valid = script.clone().validate().expect("valid");

    let agent = Principal::new("agent-7");
    let ctx = Context::new(DateTime::<Utc>::UNIX_EPOCH, &agent, &valid);
    let mut run = Instance::<ScriptRun>::new();
    run.execute(&RunCommand::Start, &ctx).expect("starts");
    assert!(run.execute(&RunCommand::answer("pick", Answer::choice("c30000")), &ctx).is_err());
    run.execute(&RunCommand::answer("pick", Answer::choice("c29999")), &ctx).expect("a choice");
    let record = run.state().record().expect("ended");
    assert_eq!(record.path, ["pick", "route", "last", "end"]);
    assert_eq!(record.satisfaction.as_deref(), Some("c29999"));

    // A repeated value at the far end is found, naming the first; a wrong case lists a few values, not 30 000.
    let mut bad = script;
    if let Node::Question { choices, .. } = &mut bad.nodes[0] {
        choices.push(Choice { value: "c7".into(), text: en("Seven again") });
    }
    if let Node::Branch { cases, .. } = &mut bad.nodes[1] {
        cases[0].is = "nothing".into();
    }
    let findings = bad.check();
    let codes: Vec<Code> = findings.iter().map(|f| f.code).collect();
    assert_eq!(codes, [Code::BadChoices, Code::ValueNotAChoice]);
    assert!(findings[0].message.contains("(choices[7])"), "{}", findings[0].message);
    assert!(findings[1].message.contains("… (30001 in all)"), "{}", findings[1].message);
}

/// Rule S2 step 3 records every reason one by one: a customer with 10 000 reasons gives 20 000 answers in the loop.
/// Each command used to clone the whole run (every answer so far) and scan the answers for the latest one.
#[test]
fn rule_s2_a_run_with_20_000_answers_in_the_reason_loop_ends_with_every_reason() {
    let s2 = ValidScript::from_toml_str(S2_TOML).expect("S2");
    let agent = Principal::new("agent-7");
    let t0 = DateTime::<Utc>::UNIX_EPOCH + TimeDelta::days(20_760);
    let ctx = Context::new(t0, &agent, &s2);
    let mut run = Instance::<ScriptRun>::new();
    run.execute(&RunCommand::Start, &ctx).expect("starts");
    run.execute(&RunCommand::answer("greeting", Answer::YesNo(true)), &ctx).expect("convenient");
    run.execute(&RunCommand::answer("ask_reason", Answer::YesNo(true)), &ctx).expect("reasons");
    let reasons = 10_000;
    for k in 0..reasons {
        run.execute(&RunCommand::answer("reason_detail", Answer::text(format!("reason {k}"))), &ctx).expect("reason");
        let more = k + 1 < reasons;
        run.execute(&RunCommand::answer("more_reasons", Answer::YesNo(more)), &ctx).expect("more?");
    }
    run.execute(&RunCommand::answer("ask_continue", Answer::YesNo(true)), &ctx).expect("continue");
    run.execute(&RunCommand::skip("ask_suggestion"), &ctx).expect("skip");
    run.execute(&RunCommand::answer("ask_referral", Answer::YesNo(true)), &ctx).expect("referral");
    let record = run.state().record().expect("ended");
    assert_eq!(record.outcome, Outcome::Completed);
    assert_eq!(record.reasons.len(), reasons);
    assert_eq!(record.reasons.last().map(String::as_str), Some("reason 9999"));
    assert_eq!(record.problems.len(), reasons);
    assert_eq!(record.answers.len(), 2 * reasons + 5);
    assert_eq!(record.path.last().map(String::as_str), Some("close_problems"));
}

/// Drawing looked every way's target up by scanning the node list (quadratic).
#[test]
fn a_40_000_node_script_is_drawn_with_every_way() {
    let s = chain(40_000);
    let dot = s.to_dot("en");
    assert_eq!(dot.matches(" -> ").count(), 40_000 + 1); // every way, and the start arrow
    assert!(dot.contains("n39999 -> n40000;"));
}
