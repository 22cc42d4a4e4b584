//! Script benchmarks (rules S1, S2), each next to a baseline in the same group:
//!
//! * `script/validate/1000_nodes`: `kefu` parses a generated 1 000-node JSON script and validates it (every
//!   check, the petgraph SCCs and the asked-before-used dataflow); `validate_only` validates an already parsed copy;
//!   the baseline `serde_json_value` only parses the same text into a `serde_json::Value`.
//! * `script/run_s1/10000_runs`: `kefu` runs S1 10 000 times through the decider (start, five answers, every event
//!   applied, the record built); the baseline `match_loop` walks the same path 10 000 times with a hand-written
//!   match over node names, recording the answers in a `Vec`.
//!
//! At sizes where quadratic costs would show (each measured once per sample, ten samples):
//!
//! * `script/check/100000_nodes`: `check` (every finding of a parsed 100 000-node script); `parse_and_check`
//!   (the JSON text to findings); the baseline `serde_json_value` parses the same text into a `serde_json::Value`.
//! * `script/render/100000_nodes`: `mermaid` and `dot` draw the same parsed script; the baseline
//!   `serde_json_to_string` writes the same `Script` back as JSON (as much text, no graph).
//! * `script/check/30000_choices`: `check` of a question with 30 000 choices and a branch testing each; the baseline
//!   `serde_json_value` parses the script's JSON text.
//! * `script/run_s2/20000_answers`: one run of S2 with 10 000 reasons (20 005 answers, every event applied, the
//!   record built); the baseline `match_loop` walks the same answers with a hand-written loop, recording them.

use std::hint::black_box;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use criterion::{BatchSize, Criterion, criterion_main};
use kefu::machine::{Context, Instance, Principal};
use kefu::script::{Answer, RunCommand, S1_TOML, S2_TOML, Script, ScriptRun, ValidScript};

/// A valid script of `n` nodes: blocks of question → branch → say, then an end.
fn generated(n: usize) -> String {
    use std::fmt::Write as _;
    let blocks = (n - 1) / 3;
    let mut nodes = Vec::with_capacity(n);
    for b in 0..blocks {
        let next = if b + 1 == blocks { "end".to_owned() } else { format!("q{}", b + 1) };
        nodes.push(format!(
            r#"{{"id":"q{b}","kind":"question","answer":"yes_no","text":{{"en":"Question {b} for {{customer}}?"}}}}"#
        ));
        nodes.push(format!(
            r#"{{"id":"b{b}","kind":"branch","cases":[{{"question":"q{b}","is":"yes","next":"s{b}"}}],"default":"{next}"}}"#
        ));
        nodes.push(format!(r#"{{"id":"s{b}","kind":"say","text":{{"en":"Noted {b}."}},"next":"{next}"}}"#));
    }
    nodes.push(r#"{"id":"end","kind":"end","outcome":"completed","text":{"en":"Goodbye."}}"#.to_owned());
    let mut out =
        String::from(r#"{"id":"generated","version":1,"locales":["en"],"variables":{"customer":{}},"nodes":["#);
    let _ = write!(out, "{}]}}", nodes.join(","));
    out
}

fn validate(c: &mut Criterion) {
    let text = generated(1000);
    let parsed = Script::from_json_str(&text).unwrap();
    assert_eq!(parsed.nodes.len(), 1000);
    assert!(parsed.clone().validate().is_ok(), "the generated script must be valid");
    let mut group = c.benchmark_group("script/validate/1000_nodes");
    group.bench_function("kefu", |b| b.iter(|| ValidScript::from_json_str(black_box(&text)).unwrap()));
    group.bench_function("validate_only", |b| {
        b.iter_batched(|| parsed.clone(), |s| s.validate().unwrap(), BatchSize::SmallInput)
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&text)).unwrap())
    });
    group.finish();
}

const ANSWERS: [(&str, &str); 5] = [
    ("greeting", "yes"),
    ("ask_satisfaction", "satisfied"),
    ("ask_channel", "A trade fair"),
    ("ask_suggestion", "More samples"),
    ("ask_referral", "yes"),
];

fn run_s1(c: &mut Criterion) {
    let s1 = ValidScript::from_toml_str(S1_TOML).unwrap();
    let agent = Principal::new("agent-7");
    let t0 = DateTime::<Utc>::UNIX_EPOCH + TimeDelta::days(20_760);
    let commands: Vec<RunCommand> =
        ANSWERS.iter().map(|(q, a)| RunCommand::answer(*q, s1.parse_answer(q, a).unwrap())).collect();
    let once = || {
        let ctx = Context::new(t0, &agent, &s1);
        let mut run = Instance::<ScriptRun>::new();
        run.execute(&RunCommand::Start, &ctx).unwrap();
        for command in &commands {
            run.execute(command, &ctx).unwrap();
        }
        run.state().record().unwrap()
    };
    assert_eq!(once().path.len(), 9);
    let mut group = c.benchmark_group("script/run_s1/10000_runs");
    group.sample_size(10).measurement_time(Duration::from_secs(8));
    group.bench_function("kefu", |b| {
        b.iter(|| {
            for _ in 0..10_000 {
                black_box(once());
            }
        })
    });
    group.bench_function("match_loop", |b| {
        b.iter(|| {
            for _ in 0..10_000 {
                black_box(match_loop(black_box(&ANSWERS)));
            }
        })
    });
    group.finish();
}

/// The hand-written baseline: S1's satisfied path as a match over node names.
fn match_loop(answers: &[(&str, &str)]) -> (Vec<&'static str>, Vec<(String, String)>) {
    let mut path = Vec::with_capacity(12);
    let mut recorded = Vec::with_capacity(6);
    let mut node = "greeting";
    let mut given = answers.iter();
    let mut satisfied = false;
    loop {
        path.push(node);
        node = match node {
            "greeting" => {
                if answer(&mut given, &mut recorded) == "yes" {
                    "ask_satisfaction"
                } else {
                    "ask_time"
                }
            }
            "ask_satisfaction" => {
                satisfied = answer(&mut given, &mut recorded) == "satisfied";
                if satisfied { "ask_channel" } else { "ask_improve" }
            }
            "ask_improve" => {
                answer(&mut given, &mut recorded);
                "ask_channel"
            }
            "ask_channel" => {
                answer(&mut given, &mut recorded);
                "ask_suggestion"
            }
            "ask_suggestion" => {
                answer(&mut given, &mut recorded);
                "ask_referral"
            }
            "ask_referral" => {
                answer(&mut given, &mut recorded);
                if satisfied { "close_satisfied" } else { "close_unsatisfied" }
            }
            _ => break,
        };
    }
    (path, recorded)
}

/// The next answer of the baseline, recorded.
fn answer<'a>(given: &mut std::slice::Iter<'_, (&'a str, &'a str)>, recorded: &mut Vec<(String, String)>) -> &'a str {
    let (q, a) = given.next().copied().unwrap_or(("", ""));
    recorded.push((q.to_owned(), a.to_owned()));
    a
}

fn check_and_render_large(c: &mut Criterion) {
    let text = generated(100_000);
    let parsed = Script::from_json_str(&text).unwrap();
    assert_eq!(parsed.check(), [], "the generated script must be clean");

    let mut group = c.benchmark_group("script/check/100000_nodes");
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    group.bench_function("check", |b| b.iter(|| black_box(&parsed).check()));
    group.bench_function("parse_and_check", |b| b.iter(|| Script::from_json_str(black_box(&text)).unwrap().check()));
    group.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&text)).unwrap())
    });
    group.finish();

    let mut group = c.benchmark_group("script/render/100000_nodes");
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    group.bench_function("mermaid", |b| b.iter(|| black_box(&parsed).to_mermaid("en")));
    group.bench_function("dot", |b| b.iter(|| black_box(&parsed).to_dot("en")));
    group.bench_function("serde_json_to_string", |b| b.iter(|| serde_json::to_string(black_box(&parsed)).unwrap()));
    group.finish();
}

/// A question with `n` choices and a branch with a case for each: the shape that made `check` quadratic.
fn many_choices(n: usize) -> String {
    let choices: Vec<String> =
        (0..n).map(|k| format!(r#"{{"value":"c{k}","text":{{"en":"Choice number {k}"}}}}"#)).collect();
    let cases: Vec<String> = (0..n).map(|k| format!(r#"{{"question":"pick","is":"c{k}","next":"last"}}"#)).collect();
    format!(
        r#"{{"id":"choices","version":1,"locales":["en"],"nodes":[
            {{"id":"pick","kind":"question","answer":"choice","text":{{"en":"Which one?"}},"choices":[{}]}},
            {{"id":"route","kind":"branch","cases":[{}],"default":"end"}},
            {{"id":"last","kind":"say","text":{{"en":"The last one!"}}}},
            {{"id":"end","kind":"end","outcome":"completed","text":{{"en":"Bye."}}}}]}}"#,
        choices.join(","),
        cases.join(",")
    )
}

fn check_many_choices(c: &mut Criterion) {
    let text = many_choices(30_000);
    let parsed = Script::from_json_str(&text).unwrap();
    assert_eq!(parsed.check(), [], "the script must be clean");
    let mut group = c.benchmark_group("script/check/30000_choices");
    group.sample_size(10).measurement_time(Duration::from_secs(8));
    group.bench_function("check", |b| b.iter(|| black_box(&parsed).check()));
    group.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&text)).unwrap())
    });
    group.finish();
}

/// S2 with `reasons` reasons: the commands of the whole run.
fn s2_commands(s2: &ValidScript, reasons: usize) -> Vec<RunCommand> {
    let yes = |q: &str| RunCommand::answer(q, s2.parse_answer(q, "yes").unwrap());
    let mut commands = vec![yes("greeting"), yes("ask_reason")];
    for k in 0..reasons {
        commands.push(RunCommand::answer("reason_detail", Answer::text(format!("reason {k}"))));
        commands.push(RunCommand::answer("more_reasons", Answer::YesNo(k + 1 < reasons)));
    }
    commands.extend([yes("ask_continue"), RunCommand::skip("ask_suggestion"), yes("ask_referral")]);
    commands
}

fn run_s2_long(c: &mut Criterion) {
    let s2 = ValidScript::from_toml_str(S2_TOML).unwrap();
    let agent = Principal::new("agent-7");
    let t0 = DateTime::<Utc>::UNIX_EPOCH + TimeDelta::days(20_760);
    let commands = s2_commands(&s2, 10_000);
    assert_eq!(commands.len(), 20_005);
    let once = || {
        let ctx = Context::new(t0, &agent, &s2);
        let mut run = Instance::<ScriptRun>::new();
        run.execute(&RunCommand::Start, &ctx).unwrap();
        for command in &commands {
            run.execute(command, &ctx).unwrap();
        }
        run.state().record().unwrap()
    };
    assert_eq!(once().reasons.len(), 10_000);
    let mut group = c.benchmark_group("script/run_s2/20000_answers");
    group.sample_size(10).measurement_time(Duration::from_secs(8));
    group.bench_function("kefu", |b| b.iter(|| black_box(once())));
    group.bench_function("match_loop", |b| b.iter(|| black_box(s2_match_loop(black_box(&commands)))));
    group.finish();
}

/// The hand-written baseline of S2's reason loop: answers recorded with their question, reasons and problems
/// collected, the path kept, with a match over node names.
fn s2_match_loop(commands: &[RunCommand]) -> (Vec<&'static str>, Vec<(String, String)>, Vec<String>) {
    let mut path = Vec::new();
    let mut answers = Vec::new();
    let mut reasons = Vec::new();
    let mut node = "greeting";
    for command in commands {
        let (question, value) = match command {
            RunCommand::Answer { question, answer } => (question.as_str(), answer.value()),
            RunCommand::Skip { question } => (question.as_str(), String::new()),
            _ => continue,
        };
        answers.push((question.to_owned(), value.clone()));
        path.push(node);
        node = match node {
            "greeting" => "ask_reason",
            "ask_reason" => "reason_detail",
            "reason_detail" => {
                reasons.push(value);
                path.push("record_reason");
                "more_reasons"
            }
            "more_reasons" if value == "yes" => "reason_detail",
            "more_reasons" => "ask_continue",
            "ask_continue" => "ask_suggestion",
            "ask_suggestion" => "ask_referral",
            _ => "close_problems",
        };
    }
    path.push(node);
    (path, answers, reasons)
}

#[allow(missing_docs)]
mod group {
    use super::{check_and_render_large, check_many_choices, run_s1, run_s2_long, validate};
    use criterion::criterion_group;

    criterion_group!(benches, validate, run_s1, check_and_render_large, check_many_choices, run_s2_long);
}
criterion_main!(group::benches);
