//! A callback script walked with a customer who answers at random (rules S1, S2).

use chrono::{DateTime, TimeDelta, Utc};

use crate::machine::{Context, Instance, Principal};
use crate::script::{Answer, AnswerKind, CallbackRecord, Node, RunCommand, ScriptRun, ValidScript};

/// The most questions one simulated call answers before the agent gives up (a loop the customer keeps taking).
const MAX_STEPS: usize = 64;

/// What dissatisfied customers say; the problems the departments get.
const COMPLAINTS: [&str; 5] = [
    "Deliveries arrive two days late",
    "The drums were dented on arrival",
    "The invoice did not match the order",
    "Nobody answered our last e-mail",
    "The price went up without notice",
];

/// Walks `script` from `at` as `agent`, the customer answering at random; the record when the run ends.
pub(crate) fn walk(
    script: &ValidScript,
    at: DateTime<Utc>,
    agent: &Principal,
    rng: &mut fastrand::Rng,
) -> Option<CallbackRecord> {
    let mut run = Instance::<ScriptRun>::new();
    let mut now = at;
    run.execute(&RunCommand::Start, &Context::new(now, agent, script)).ok()?;
    let mut yes_streak = 0;
    for _ in 0..MAX_STEPS {
        if run.state().outcome().is_some() {
            return run.state().record();
        }
        let id = run.state().current()?.to_owned();
        let Some(Node::Question { answer, choices, .. }) = script.node(&id) else { return run.state().record() };
        now += TimeDelta::seconds(rng.i64(10..60));
        let command = match answer {
            // Most customers have two minutes; a "yes" that loops (another reason?) gets rarer each time.
            AnswerKind::YesNo => {
                let p = if id == "greeting" { 0.9 } else { 0.5 / f64::from(1 + yes_streak) };
                let yes = rng.f64() < p;
                yes_streak = if yes { yes_streak + 1 } else { 0 };
                RunCommand::answer(id, Answer::YesNo(yes))
            }
            AnswerKind::Choice => {
                let roll = rng.f64();
                let pick = if roll < 0.7 {
                    0
                } else if roll < 0.9 {
                    1.min(choices.len() - 1)
                } else {
                    choices.len() - 1
                };
                match choices.get(pick) {
                    Some(choice) => RunCommand::answer(id, Answer::choice(choice.value.clone())),
                    None => RunCommand::skip(id),
                }
            }
            AnswerKind::FreeText if rng.f64() < 0.2 => RunCommand::skip(id),
            AnswerKind::FreeText => RunCommand::answer(id, Answer::text(COMPLAINTS[rng.usize(0..COMPLAINTS.len())])),
            AnswerKind::DateTime => RunCommand::answer(id, Answer::DateTime(now + TimeDelta::days(1))),
        };
        if run.execute(&command, &Context::new(now, agent, script)).is_err() {
            let abort = RunCommand::Abort { reason: "the line dropped".into() };
            run.execute(&abort, &Context::new(now, agent, script)).ok()?;
        }
    }
    if run.state().outcome().is_none() {
        let abort = RunCommand::Abort { reason: "the call ran too long".into() };
        run.execute(&abort, &Context::new(now, agent, script)).ok()?;
    }
    run.state().record()
}
