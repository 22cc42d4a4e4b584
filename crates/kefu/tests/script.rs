//! Script graphs (rules S1, S2): loading, validation findings, and the shipped scripts.

use kefu::script::{Code, Node, S1_TOML, S2_TOML, Script, Severity, ValidScript};

fn s1() -> Script {
    Script::from_toml_str(S1_TOML).expect("S1 parses")
}

fn s2() -> Script {
    Script::from_toml_str(S2_TOML).expect("S2 parses")
}

fn codes(script: &Script) -> Vec<Code> {
    script.check().into_iter().map(|f| f.code).collect()
}

#[test]
fn rule_s1_and_s2_ship_in_zh_cn_and_en_and_validate_clean() {
    for script in [s1(), s2()] {
        assert_eq!(script.locales, ["zh-CN", "en"]);
        assert_eq!(script.check(), [], "{}", script.id);
        let valid = script.validate().expect("valid");
        assert!(valid.warnings().is_empty());
    }
}

#[test]
fn json_and_toml_give_the_same_script_and_hash() {
    let s1 = s1();
    let json = serde_json::to_string(&s1).unwrap();
    let back = Script::from_json_str(&json).unwrap();
    assert_eq!(back, s1);
    assert_eq!(back.content_hash(), s1.content_hash());
    let toml = toml::to_string(&s1).unwrap();
    assert_eq!(Script::from_toml_str(&toml).unwrap(), s1);
    assert_ne!(s1.content_hash(), s2().content_hash());
}

fn mutate(f: impl FnOnce(&mut Script)) -> Script {
    let mut s = s1();
    f(&mut s);
    s
}

fn node_mut<'a>(s: &'a mut Script, id: &str) -> &'a mut Node {
    let i = s.position(id).unwrap();
    &mut s.nodes[i]
}

#[test]
fn validation_names_each_finding_code() {
    let cases: Vec<(Code, Script)> = vec![
        (Code::NoLocales, mutate(|s| s.locales.clear())),
        (Code::NoStart, mutate(|s| s.start = Some("nowhere".into()))),
        (Code::NoStart, mutate(|s| s.nodes.clear())),
        (
            Code::DuplicateId,
            mutate(|s| {
                let n = s.nodes[2].clone();
                s.nodes.insert(3, n);
            }),
        ),
        (Code::UnknownTarget, mutate(|s| node_mut(s, "record_problem").set_next(Some("gone".into())))),
        (
            Code::Unreachable,
            mutate(|s| {
                if let Node::Branch { default, .. } = node_mut(s, "route_closing") {
                    *default = Some("close_satisfied".into())
                }
            }),
        ),
        (
            Code::DeadEnd,
            mutate(|s| {
                let last = s.nodes.pop().unwrap();
                s.nodes.push(Node::Say { id: last.id().into(), text: last.text().unwrap().clone(), next: None });
            }),
        ),
        (Code::EndWithExit, mutate(|s| node_mut(s, "end_rescheduled").set_next(Some("greeting".into())))),
        (
            Code::BranchWithoutDefault,
            mutate(|s| {
                if let Node::Branch { default, .. } = node_mut(s, "route_closing") {
                    *default = None
                }
            }),
        ),
        (
            Code::UnknownQuestion,
            mutate(|s| {
                if let Node::Branch { cases, .. } = node_mut(s, "route_closing") {
                    cases[0].question = "route_convenient".into()
                }
            }),
        ),
        (
            Code::ValueNotAChoice,
            mutate(|s| {
                if let Node::Branch { cases, .. } = node_mut(s, "route_closing") {
                    cases[0].is = "delighted".into()
                }
            }),
        ),
        (
            Code::WrongAnswerKind,
            mutate(|s| {
                if let Node::Schedule { from, .. } = node_mut(s, "schedule_next") {
                    *from = "greeting".into()
                }
            }),
        ),
        (
            Code::BadChoices,
            mutate(|s| {
                if let Node::Question { choices, .. } = node_mut(s, "ask_satisfaction") {
                    choices.push(choices[0].clone())
                }
            }),
        ),
        (
            Code::NotYetAnswered,
            mutate(|s| {
                if let Node::Branch { cases, .. } = node_mut(s, "route_convenient") {
                    cases[0].question = "ask_satisfaction".into();
                    cases[0].is = "satisfied".into()
                }
            }),
        ),
        (
            Code::CycleWithoutExit,
            mutate(|s| {
                node_mut(s, "ask_referral").set_next(Some("ask_channel".into()));
            }),
        ),
        (
            Code::CycleWithoutQuestion,
            mutate(|s| {
                node_mut(s, "record_problem").set_next(Some("route_closing".into()));
                if let Node::Branch { default, .. } = node_mut(s, "route_closing") {
                    *default = Some("record_problem".into())
                }
            }),
        ),
        (
            Code::CycleOnFixedAnswers,
            Script::from_toml_str(
                r#"
                id = "fixed-loop"
                version = 1
                locales = ["en"]
                [[nodes]]
                id = "convenient"
                kind = "question"
                answer = "yes_no"
                text.en = "Is now convenient?"
                [[nodes]]
                id = "ask_more"
                kind = "question"
                answer = "free_text"
                text.en = "Tell us more."
                [[nodes]]
                id = "route"
                kind = "branch"
                cases = [{ question = "convenient", is = "yes", next = "ask_more" }]
                default = "done"
                [[nodes]]
                id = "done"
                kind = "end"
                outcome = "completed"
                text.en = "Goodbye."
                "#,
            )
            .expect("the script parses"),
        ),
        (
            Code::UndeclaredPlaceholder,
            mutate(|s| {
                s.variables.remove("company");
            }),
        ),
        (
            Code::UnusedVariable,
            mutate(|s| {
                s.variables.insert("agent".into(), Default::default());
            }),
        ),
        (
            Code::MissingText,
            mutate(|s| {
                if let Node::Question { text, .. } = node_mut(s, "ask_channel") {
                    text.remove("en");
                }
            }),
        ),
        (
            Code::UndeclaredLocale,
            mutate(|s| {
                if let Node::Question { text, .. } = node_mut(s, "ask_channel") {
                    text.insert("fr".into(), "Comment ?".into());
                }
            }),
        ),
    ];
    let mut seen: Vec<Code> = Vec::new();
    for (code, script) in cases {
        let found = codes(&script);
        assert!(found.contains(&code), "{code}: found {found:?}");
        let invalid = script.clone().validate();
        assert_eq!(invalid.is_err(), code.severity() == Severity::Error, "{code}: {found:?}");
        seen.push(code);
    }
    for code in Code::ALL {
        assert!(seen.contains(code), "no test for {code}");
    }
}

#[test]
fn all_findings_come_at_once_with_node_and_field() {
    let script = mutate(|s| {
        node_mut(s, "record_problem").set_next(Some("gone".into()));
        if let Node::Question { text, .. } = node_mut(s, "ask_channel") {
            text.remove("zh-CN");
        }
        s.variables.remove("customer");
    });
    let findings = script.check();
    let codes: Vec<Code> = findings.iter().map(|f| f.code).collect();
    assert!(codes.contains(&Code::UnknownTarget) && codes.contains(&Code::MissingText), "{codes:?}");
    assert!(codes.contains(&Code::UndeclaredPlaceholder));
    let target = findings.iter().find(|f| f.code == Code::UnknownTarget).unwrap();
    assert_eq!(target.node.as_deref(), Some("record_problem"));
    assert_eq!(target.field.as_deref(), Some("next"));
    let err = script.validate().unwrap_err();
    assert!(err.errors().count() >= 3);
    assert!(err.to_string().starts_with("script `s1-regular-callback` has "), "{err}");
}

#[test]
fn load_errors_name_line_and_field() {
    let err = ValidScript::from_toml_str(
        "id = \"x\"\nversion = 1\nlocales = [\"en\"]\n[[nodes]]\nid = \"a\"\nkind = \"ask\"\n",
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("line") || text.contains("nodes"), "{text}");
    let err = ValidScript::from_json_str(r#"{"id":"x","version":"one","locales":[],"nodes":[]}"#).unwrap_err();
    assert!(err.to_string().starts_with("in `version`: "), "{err}");
}
