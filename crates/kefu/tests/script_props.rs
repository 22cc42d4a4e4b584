//! Property tests of script runs and validation (rules S1, S2): random answers always end a valid run or are
//! rejected without trace; validation finds planted defects and never panics on arbitrary input.
#![cfg(feature = "testing")]

use chrono::{DateTime, TimeDelta, Utc};
use kefu::machine::{Context, Instance, Principal};
use kefu::script::{Answer, Code, Node, RunCommand, S1_TOML, S2_TOML, Script, ScriptRun, ValidScript};
use kefu::testing::machine::Laws;
use proptest::prelude::*;

fn scripts() -> [ValidScript; 2] {
    [ValidScript::from_toml_str(S1_TOML).unwrap(), ValidScript::from_toml_str(S2_TOML).unwrap()]
}

fn questions(script: &ValidScript) -> Vec<String> {
    script.script().nodes.iter().filter(|n| matches!(n, Node::Question { .. })).map(|n| n.id().to_owned()).collect()
}

fn any_answer() -> impl Strategy<Value = Answer> {
    prop_oneof![
        any::<bool>().prop_map(Answer::YesNo),
        prop::sample::select(vec!["satisfied", "so_so", "unsatisfied", "delighted"]).prop_map(Answer::choice),
        "[a-z 价格送货]{0,8}".prop_map(Answer::Text),
        (-10i64..400).prop_map(|d| Answer::DateTime(DateTime::<Utc>::UNIX_EPOCH + TimeDelta::days(20_090 + d))),
    ]
}

fn any_command(questions: Vec<String>) -> impl Strategy<Value = RunCommand> {
    let q = prop::sample::select(questions);
    prop_oneof![
        1 => Just(RunCommand::Start),
        6 => (q.clone(), any_answer()).prop_map(|(q, a)| RunCommand::answer(q, a)),
        2 => q.prop_map(RunCommand::skip),
        1 => Just(RunCommand::abort("line dropped")),
    ]
}

#[test]
fn rule_s1_s2_random_commands_obey_the_machine_laws() {
    for script in scripts() {
        Laws::<ScriptRun>::new(&script)
            .principals(vec![Principal::new("agent-7")])
            .max_len(40)
            .cases(96)
            .invariant(|state| match state.record() {
                Some(r) if r.path.is_empty() => Err("an ended run has an empty path".into()),
                _ => Ok(()),
            })
            .run(any_command(questions(&script)))
            .unwrap_or_else(|failure| panic!("{}: {failure}", script.id()));
    }
}

/// Skipping every question from any state ends the run within as many steps as the script has nodes (a skip takes
/// every branch's default): a run never strands.
/// Ends a run without aborting: the law that a run never strands.
fn finish_by_skipping(script: &ValidScript, run: &mut Instance<ScriptRun>, now: DateTime<Utc>) -> Result<(), String> {
    let agent = Principal::new("agent-7");
    let ctx = Context::new(now, &agent, script);
    if run.state().pinned().is_none() {
        run.execute(&RunCommand::Start, &ctx).map_err(|e| e.to_string())?;
    }
    for _ in 0..=script.script().nodes.len() {
        if run.is_final() {
            return Ok(());
        }
        let question = run.state().current().ok_or("asking without a question")?.to_owned();
        // Skip what can be skipped; a time the next contact is scheduled from must be given (a later time).
        if run.execute(&RunCommand::skip(question.clone()), &ctx).is_err() {
            let later = Answer::DateTime(now + TimeDelta::days(1));
            run.execute(&RunCommand::answer(question, later), &ctx).map_err(|e| e.to_string())?;
        }
    }
    if run.is_final() { Ok(()) } else { Err(format!("still at {:?}", run.state().current())) }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn rule_s1_s2_random_answer_sequences_always_end(which in 0usize..2, answers in prop::collection::vec((any::<bool>(), any_answer()), 0..30)) {
        let script = &scripts()[which];
        let agent = Principal::new("agent-7");
        let now = DateTime::<Utc>::UNIX_EPOCH + TimeDelta::days(20_090);
        let ctx = Context::new(now, &agent, script);
        let mut run = Instance::<ScriptRun>::new();
        run.execute(&RunCommand::Start, &ctx).unwrap();
        for (skip, answer) in answers {
            if run.is_final() { break; }
            let q = run.state().current().unwrap().to_owned();
            let command = if skip { RunCommand::skip(q) } else { RunCommand::answer(q, answer) };
            let before = run.clone();
            if run.execute(&command, &ctx).is_err() {
                prop_assert_eq!(&run, &before); // rejected without trace
            }
        }
        finish_by_skipping(script, &mut run, now).map_err(TestCaseError::fail)?;
        let record = run.state().record().unwrap();
        prop_assert_eq!(record.path.last().map(String::as_str), run.state().current());
    }

    #[test]
    fn validation_finds_every_planted_defect(which in 0usize..2, victim in any::<prop::sample::Index>(), mutation in 0u8..5) {
        let script = scripts()[which].script().clone();
        let mut s = script.clone();
        let i = victim.index(s.nodes.len());
        let id = s.nodes[i].id().to_owned();
        let expected = match mutation {
            0 => {
                // Remove a node that something points at (not the start): its referrers now point nowhere.
                let referred = s.nodes.iter().any(|n| n.next() == Some(id.as_str())
                    || matches!(n, Node::Branch { cases, default, .. } if default.as_deref() == Some(id.as_str()) || cases.iter().any(|c| c.next == id)));
                prop_assume!(i > 0 && referred);
                s.nodes.remove(i);
                Code::UnknownTarget
            }
            1 => {
                prop_assume!(!matches!(s.nodes[i], Node::End { .. } | Node::Branch { .. }));
                s.nodes[i].set_next(Some("missing-node".into()));
                Code::UnknownTarget
            }
            2 => {
                let copy = s.nodes[i].clone();
                s.nodes.push(copy);
                Code::DuplicateId
            }
            3 => {
                let Some(text) = text_mut(&mut s.nodes[i]) else { return Ok(()) };
                text.remove("en");
                Code::MissingText
            }
            _ => {
                let Some(text) = text_mut(&mut s.nodes[i]) else { return Ok(()) };
                for t in text.values_mut() { t.push_str(" {weather}"); }
                Code::UndeclaredPlaceholder
            }
        };
        let codes: Vec<Code> = s.check().iter().map(|f| f.code).collect();
        prop_assert!(codes.contains(&expected), "{:?} planted at {}, found {:?}", expected, id, codes);
        prop_assert!(s.validate().is_err());
    }

    #[test]
    fn the_loader_never_panics_on_random_text(text in "\\PC{0,200}") {
        if let Ok(script) = Script::from_toml_str(&text) { let _ = script.check(); }
        if let Ok(script) = Script::from_json_str(&text) { let _ = script.check(); }
    }

    #[test]
    fn validation_never_panics_on_arbitrary_scripts(value in arbitrary_script()) {
        let text = value.to_string();
        if let Ok(script) = Script::from_json_str(&text) {
            let findings = script.check();
            let valid = script.clone().validate();
            prop_assert_eq!(valid.is_ok(), !findings.iter().any(|f| f.is_error()));
            let _ = (script.to_mermaid("en"), script.to_dot("zh-CN"));
            if let Ok(valid) = valid {
                let mut run = Instance::<ScriptRun>::new();
                finish_by_skipping(&valid, &mut run, DateTime::<Utc>::UNIX_EPOCH).map_err(TestCaseError::fail)?;
            }
        }
    }
}

fn text_mut(node: &mut Node) -> Option<&mut kefu::script::Texts> {
    match node {
        Node::Say { text, .. } | Node::Question { text, .. } => Some(text),
        Node::Schedule { text, .. } | Node::Problem { text, .. } | Node::End { text, .. } => text.as_mut(),
        Node::Branch { .. } => None,
    }
}

/// JSON-ish scripts over a small alphabet of ids, so that references often resolve and the graph checks run.
fn arbitrary_script() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::json;
    let id = || prop::sample::select(vec!["a", "b", "c", "d", "e"]);
    let texts = prop::sample::select(vec![json!({"en": "hi"}), json!({"en": "hi {x}", "zh-CN": "你好"}), json!({})]);
    let node = (0u8..7, id(), id(), id(), texts, prop::option::of(id()), prop::sample::select(vec!["yes", "no", "v"]))
        .prop_map(|(kind, me, a, b, text, next, is)| match kind {
            0 => json!({"id": me, "kind": "say", "text": text, "next": next}),
            1 => json!({"id": me, "kind": "question", "answer": "yes_no", "text": text, "next": next}),
            2 => json!({"id": me, "kind": "question", "answer": "choice", "choices": [{"value": "v", "text": text}], "text": text}),
            3 => json!({"id": me, "kind": "branch", "cases": [{"question": a, "is": is, "next": b}], "default": next}),
            4 => json!({"id": me, "kind": "problem", "from": a, "next": next}),
            5 => json!({"id": me, "kind": "schedule", "from": a}),
            _ => json!({"id": me, "kind": "end", "outcome": "completed", "next": if is == "v" { next } else { None }}),
        });
    (prop::collection::vec(node, 0..8), prop::option::of(id()), any::<bool>()).prop_map(|(nodes, start, locales)| {
        let nodes: Vec<serde_json::Value> = nodes
            .into_iter()
            .map(|mut n| {
                if let Some(obj) = n.as_object_mut() {
                    obj.retain(|_, v| !v.is_null());
                }
                n
            })
            .collect();
        let mut s =
            json!({"id": "fuzz", "version": 1, "locales": if locales { vec!["en"] } else { vec![] }, "nodes": nodes});
        if let Some(start) = start {
            s["start"] = json!(start);
        }
        s
    })
}
