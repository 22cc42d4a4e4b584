//! Property test (rules S1, S2): whatever happens to the bytes of a shipped script file — flipped bits, bytes
//! inserted, deleted or overwritten, stretches repeated or cut — loading, checking, validating, hashing, drawing
//! and running it never panics. A bad file gets an error or findings, never a crash.

use chrono::{DateTime, TimeDelta, Utc};
use kefu::machine::{Context, Instance, Principal};
use kefu::script::{Answer, RunCommand, S1_TOML, S2_TOML, Script, ScriptRun, ValidScript};
use proptest::prelude::*;

/// One change to a file's bytes, at a position taken modulo the length.
#[derive(Clone, Debug)]
enum Mutation {
    FlipBit { at: usize, bit: u8 },
    Overwrite { at: usize, byte: u8 },
    Insert { at: usize, byte: u8 },
    Delete { at: usize, len: usize },
    Repeat { at: usize, len: usize },
    Truncate { at: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    // Bytes that matter to TOML and JSON are likely, and so are plain letters (which keep a file readable, so that
    // the checks after loading get exercised too).
    let byte = prop_oneof![
        1 => prop::sample::select(b"\"'{}[]=,:.\n\r\t #\\\0\x1b0_-".to_vec()),
        1 => any::<u8>(),
        2 => b'a'..=b'z',
    ];
    let at = any::<usize>();
    prop_oneof![
        (at, 0u8..8).prop_map(|(at, bit)| Mutation::FlipBit { at, bit }),
        (at, byte.clone()).prop_map(|(at, byte)| Mutation::Overwrite { at, byte }),
        (at, byte).prop_map(|(at, byte)| Mutation::Insert { at, byte }),
        (at, 1usize..40).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (at, 1usize..200).prop_map(|(at, len)| Mutation::Repeat { at, len }),
        at.prop_map(|at| Mutation::Truncate { at }),
    ]
}

fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    let len = bytes.len().max(1);
    match *mutation {
        Mutation::FlipBit { at, bit } => {
            if let Some(b) = bytes.get_mut(at % len) {
                *b ^= 1 << bit;
            }
        }
        Mutation::Overwrite { at, byte } => {
            if let Some(b) = bytes.get_mut(at % len) {
                *b = byte;
            }
        }
        Mutation::Insert { at, byte } => bytes.insert(at % (bytes.len() + 1), byte),
        Mutation::Delete { at, len: n } => {
            let from = at % len;
            let to = (from + n).min(bytes.len());
            bytes.drain(from.min(to)..to);
        }
        Mutation::Repeat { at, len: n } => {
            let from = at % len;
            let to = (from + n).min(bytes.len());
            let copy: Vec<u8> = bytes.get(from..to).map(<[u8]>::to_vec).unwrap_or_default();
            bytes.splice(to..to, copy);
        }
        Mutation::Truncate { at } => bytes.truncate(at % len),
    }
}

/// Everything a program does with a script file, none of which may panic.
fn exercise(text: &str, json: bool) -> Result<(), TestCaseError> {
    let loaded = if json { Script::from_json_str(text) } else { Script::from_toml_str(text) };
    let Ok(script) = loaded else { return Ok(()) };
    let findings = script.check();
    for finding in &findings {
        let _ = finding.to_string();
    }
    let _ = script.content_hash();
    let mut locales = script.locales.clone();
    locales.push("fr".into());
    for locale in &locales {
        let _ = (script.to_mermaid(locale), script.to_dot(locale));
    }
    let valid = script.clone().validate();
    prop_assert_eq!(valid.is_ok(), !findings.iter().any(|f| f.is_error()));
    if let Ok(valid) = valid {
        walk(&valid)?;
    }
    Ok(())
}

/// A run to its end: a plausible answer to each question (its text, typed back), or a skip.
fn walk(script: &ValidScript) -> Result<(), TestCaseError> {
    let agent = Principal::new("agent-7");
    let now = DateTime::<Utc>::UNIX_EPOCH + TimeDelta::days(20_760);
    let ctx = Context::new(now, &agent, script);
    let mut run = Instance::<ScriptRun>::new();
    run.execute(&RunCommand::Start, &ctx).map_err(|e| TestCaseError::fail(e.to_string()))?;
    for _ in 0..=script.script().nodes.len() * 2 {
        if run.is_final() {
            return Ok(());
        }
        let question = run.state().current().unwrap_or_default().to_owned();
        for typed in ["yes", "1", "some text", "2030-01-01T09:00:00+08:00"] {
            let _ = script.parse_answer(&question, typed);
        }
        let answer = script
            .parse_answer(&question, "2030-01-01T09:00:00+08:00")
            .or_else(|_| script.parse_answer(&question, "1"));
        let command = match answer {
            Ok(answer) => RunCommand::answer(question.clone(), answer),
            Err(_) => RunCommand::skip(question.clone()),
        };
        if run.execute(&command, &ctx).is_err() {
            let later = Answer::DateTime(now + TimeDelta::days(1));
            if run.execute(&RunCommand::answer(question.clone(), later), &ctx).is_err() {
                run.execute(&RunCommand::skip(question), &ctx).map_err(|e| TestCaseError::fail(e.to_string()))?;
            }
        }
        if let Some(record) = run.state().record() {
            let _ = serde_json::to_string(&record);
        }
    }
    prop_assert!(run.is_final(), "a valid script's run did not end");
    Ok(())
}

/// The shipped files, and the same scripts written as JSON.
fn files() -> Vec<(Vec<u8>, bool)> {
    let mut out = Vec::new();
    for toml in [S1_TOML, S2_TOML] {
        out.push((toml.as_bytes().to_vec(), false));
        let script = Script::from_toml_str(toml).expect("a shipped script");
        out.push((serde_json::to_vec_pretty(&script).expect("JSON"), true));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn rule_s1_s2_mutated_script_files_never_panic(
        which in 0usize..4,
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let (mut bytes, json) = files().swap_remove(which);
        for m in &mutations {
            apply(&mut bytes, m);
        }
        match String::from_utf8(bytes) {
            Ok(text) => exercise(&text, json)?,
            // A file that is not UTF-8 is refused before parsing (the CLI reads it as text); parse what is left
            // once the bad bytes are replaced, to keep exercising the loader.
            Err(e) => exercise(&String::from_utf8_lossy(e.as_bytes()), json)?,
        }
    }
}
