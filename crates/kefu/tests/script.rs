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
        (Code::DuplicateLocale, mutate(|s| s.locales.push("en".into()))),
        (Code::EmptyId, mutate(|s| s.id = String::new())),
        (Code::UnprintableId, mutate(|s| s.id = "s1\u{1b}[2J".into())),
        (Code::IdTooLong, mutate(|s| s.id = "s".repeat(kefu::script::MAX_ID_BYTES + 1))),
        (Code::PaddedId, mutate(|s| s.id = "s1 ".into())),
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
            Code::DuplicateChoiceText,
            mutate(|s| {
                if let Node::Question { choices, .. } = node_mut(s, "ask_satisfaction") {
                    let en = choices[0].text["en"].to_uppercase();
                    choices[1].text.insert("en".into(), format!(" {en} "));
                }
            }),
        ),
        (
            Code::DuplicateCase,
            mutate(|s| {
                if let Node::Branch { cases, .. } = node_mut(s, "route_closing") {
                    let mut again = cases[0].clone();
                    again.next = "close_unsatisfied".into();
                    cases.push(again);
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
            Code::UnprintableText,
            mutate(|s| {
                if let Node::Question { text, .. } = node_mut(s, "ask_channel") {
                    text.insert("en".into(), "\u{1b}]0;pwned\u{7}How did you hear of us?".into());
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

/// Renames a node of S1 and every reference to it.
fn rename(s: &mut Script, from: &str, to: &str) {
    let fix = |x: &mut String| {
        if x == from {
            *x = to.to_owned();
        }
    };
    for node in &mut s.nodes {
        match node {
            Node::Say { id, next, .. } | Node::Question { id, next, .. } | Node::End { id, next, .. } => {
                fix(id);
                next.as_mut().map(fix);
            }
            Node::Schedule { id, from, next, .. } | Node::Problem { id, from, next, .. } => {
                fix(id);
                fix(from);
                next.as_mut().map(fix);
            }
            Node::Branch { id, cases, default } => {
                fix(id);
                default.as_mut().map(fix);
                for route in cases {
                    fix(&mut route.question);
                    fix(&mut route.next);
                }
            }
        }
    }
}

/// Rule S1: ids that cannot be told apart from nothing, or that hide what they are, are refused — even when every
/// reference agrees with them — and the finding names the node and the field.
#[test]
fn rule_s1_empty_blank_and_control_character_node_ids_are_refused() {
    for (bad, code) in [
        ("", Code::EmptyId),
        ("   ", Code::EmptyId),
        ("ask\nchannel", Code::UnprintableId),
        ("ask\u{202e}lennahc", Code::UnprintableId),
        ("ask\u{200b}channel", Code::UnprintableId),
        ("\u{0}", Code::UnprintableId),
    ] {
        let script = mutate(|s| rename(s, "ask_channel", bad));
        let findings = script.check();
        let finding = findings.iter().find(|f| f.code == code).unwrap_or_else(|| panic!("{bad:?}: {findings:?}"));
        assert_eq!((finding.node.as_deref(), finding.field.as_deref()), (Some(bad), Some("id")));
        assert_eq!(findings.iter().filter(|f| f.is_error()).count(), 1, "{bad:?}: only the id is wrong: {findings:?}");
        assert!(script.validate().is_err(), "{bad:?}");
    }
    // A long id is refused; one at the limit is fine.
    let limit = "q".repeat(kefu::script::MAX_ID_BYTES);
    assert_eq!(codes(&mutate(|s| rename(s, "ask_channel", &limit))), []);
    let over = format!("{limit}q");
    assert_eq!(codes(&mutate(|s| rename(s, "ask_channel", &over))), [Code::IdTooLong]);
    // Padding is a warning: the script still runs.
    let padded = mutate(|s| rename(s, "ask_channel", " ask_channel"));
    assert_eq!(codes(&padded), [Code::PaddedId]);
    assert!(padded.validate().is_ok());
}

#[test]
fn choice_values_and_locales_get_the_id_checks_too() {
    let script = mutate(|s| {
        s.locales.push(" ".into());
        if let Node::Question { choices, .. } = node_mut(s, "ask_satisfaction") {
            choices[2].value = "un\tsatisfied".into();
        }
    });
    let findings = script.check();
    let at = |code| findings.iter().find(|f| f.code == code).map(|f| (f.node.clone(), f.field.clone()));
    assert_eq!(at(Code::EmptyId), Some((None, Some("locales[2]".into()))));
    assert_eq!(at(Code::UnprintableId), Some((Some("ask_satisfaction".into()), Some("choices[2].value".into()))));
}

/// Printing a finding about a hostile script prints no control characters: they are shown as escapes.
#[test]
fn findings_display_control_and_invisible_characters_as_escapes() {
    let script = mutate(|s| rename(s, "ask_channel", "ask\u{1b}[31m\u{202e}"));
    let text: Vec<String> = script.check().iter().map(ToString::to_string).collect();
    assert_eq!(text.len(), 1, "{text:?}");
    assert!(text[0].contains(r"node `ask\u{1b}[31m\u{202e}`, field `id`"), "{}", text[0]);
    assert!(!text[0].chars().any(|c| c.is_control() || c == '\u{202e}'), "{}", text[0]);
}

/// Duplicate choice values were found by comparing each choice with every earlier one; they are now hashed, and
/// the finding names the first.
#[test]
fn a_duplicate_choice_value_names_the_first() {
    let script = mutate(|s| {
        if let Node::Question { choices, .. } = node_mut(s, "ask_satisfaction") {
            let mut again = choices[0].clone();
            for t in again.text.values_mut() {
                t.push_str(" (again)");
            }
            choices.push(again);
        }
    });
    let finding = script.check().into_iter().find(|f| f.code == Code::BadChoices).expect("a finding");
    assert_eq!(finding.field.as_deref(), Some("choices[3].value"));
    assert!(finding.message.contains("choices[0]"), "{}", finding.message);
}

/// The content hash is SHA-256, written `sha256:<64 hex digits>`, and a run's pin and record carry it.
#[test]
fn rule_s1_the_content_hash_is_sha256_with_its_prefix() {
    let hash = s1().content_hash();
    let text = hash.to_string();
    assert!(text.starts_with("sha256:"), "{text}");
    assert_eq!(text.len(), "sha256:".len() + 64);
    assert!(text["sha256:".len()..].bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    assert_eq!(text.parse::<kefu::script::ContentHash>(), Ok(hash));
    assert!(!hash.is_legacy());
    // One changed character anywhere changes it.
    let edited = mutate(|s| {
        if let Node::Question { text, .. } = node_mut(s, "ask_channel") {
            text.get_mut("en").unwrap().push('.');
        }
    });
    assert_ne!(edited.content_hash(), hash);
    assert_eq!(serde_json::to_value(hash).unwrap(), serde_json::Value::String(text));
}

/// `script::Route` is the Rust name of a branch's `if`; the file keeps its words (`cases`, `question`, `is`, `next`).
#[test]
fn rule_s1_routes_keep_their_file_names() {
    let json = serde_json::to_value(s1()).unwrap();
    let branch = json["nodes"].as_array().unwrap().iter().find(|n| n["id"] == "route_convenient").unwrap();
    assert_eq!(branch["cases"], serde_json::json!([{ "question": "greeting", "is": "no", "next": "ask_time" }]));
    let route: kefu::script::Route =
        serde_json::from_value(serde_json::json!({ "question": "q", "is": "yes", "next": "n" })).unwrap();
    assert_eq!(route.next, "n");
}
