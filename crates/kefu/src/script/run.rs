//! [`ScriptRun`]: a walk over a [`ValidScript`] as a decider (rules S1, S2), and the [`CallbackRecord`] it yields
//! (rule B4).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::validate::Flow;
use super::{AnswerKind, ContentHash, Node, Outcome, RecordField, RunError, ValidScript};
use crate::machine::{Context, Kind, Machine, Transition};

/// An answer to a question.
///
/// Serializes as `{"yes_no": true}`, `{"choice": "satisfied"}`, `{"text": "…"}` or `{"date_time": "…Z"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// To a yes/no question.
    YesNo(bool),
    /// To a choice question: the choice's value.
    Choice(String),
    /// To a free-text question.
    Text(String),
    /// To a date-time question.
    DateTime(DateTime<Utc>),
}

impl Answer {
    /// A choice answer.
    #[must_use]
    pub fn choice(value: impl Into<String>) -> Self {
        Self::Choice(value.into())
    }

    /// A free-text answer.
    #[must_use]
    pub fn text(text: impl Into<String>) -> Self {
        Self::Text(text.into())
    }

    /// The answer as a branch compares it and a record shows it: `yes`/`no`, the choice, the text, RFC 3339.
    #[must_use]
    pub fn value(&self) -> String {
        match self {
            Self::YesNo(true) => "yes".into(),
            Self::YesNo(false) => "no".into(),
            Self::Choice(v) | Self::Text(v) => v.clone(),
            Self::DateTime(t) => t.to_rfc3339(),
        }
    }

    fn matches(&self, is: &str) -> bool {
        match self {
            Self::YesNo(b) => is == if *b { "yes" } else { "no" },
            Self::Choice(v) => v == is,
            Self::Text(_) | Self::DateTime(_) => false,
        }
    }

    fn describe(&self) -> String {
        match self {
            Self::YesNo(_) => "a yes/no answer".into(),
            Self::Choice(v) => format!("the choice `{v}`"),
            Self::Text(_) => "free text".into(),
            Self::DateTime(_) => "a date-time".into(),
        }
    }
}

/// The script a run is pinned to: id, version and content hash, recorded when the run starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pin {
    /// The script's id.
    pub script: String,
    /// The script's version.
    pub version: u32,
    /// The script's content hash.
    pub hash: ContentHash,
}

/// One answer (or skip) of a run, with its time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerRecord {
    /// The question's id.
    pub question: String,
    /// The answer; `None` when the question was skipped.
    pub answer: Option<Answer>,
    /// When it was given.
    pub at: DateTime<Utc>,
}

/// A problem the customer raised during a run: for the responsible department within 1 hour (rule B5).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemRecord {
    /// The problem node that recorded it.
    pub node: String,
    /// The question whose answer describes it.
    pub question: String,
    /// The customer's words.
    pub text: String,
    /// The department named by the script, if any.
    pub department: Option<String>,
    /// When it was recorded.
    pub at: DateTime<Utc>,
}

/// The state of a [`ScriptRun`]: where the walk is, and everything the callback record needs.
///
/// Serializes with every answer in order; the index of each question's latest answer is rebuilt on reading, so
/// it never disagrees with the answers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "RunStateData")]
pub struct RunState {
    pinned: Option<Pin>,
    started_at: Option<DateTime<Utc>>,
    current: Option<String>,
    path: Vec<String>,
    answers: Vec<AnswerRecord>,
    recorded: Vec<(RecordField, Answer)>,
    problems: Vec<ProblemRecord>,
    next_contact: Option<DateTime<Utc>>,
    outcome: Option<Outcome>,
    ended_at: Option<DateTime<Utc>>,
    abort_reason: Option<String>,
    /// Question id → position in `answers` of its latest answer or skip: branches read it in O(1), however long
    /// the run (a reason loop with thousands of answers).
    #[serde(skip)]
    latest: HashMap<String, usize>,
}

/// The serialized fields of [`RunState`], read before the index is rebuilt.
#[derive(Deserialize)]
struct RunStateData {
    pinned: Option<Pin>,
    started_at: Option<DateTime<Utc>>,
    current: Option<String>,
    path: Vec<String>,
    answers: Vec<AnswerRecord>,
    recorded: Vec<(RecordField, Answer)>,
    problems: Vec<ProblemRecord>,
    next_contact: Option<DateTime<Utc>>,
    outcome: Option<Outcome>,
    ended_at: Option<DateTime<Utc>>,
    abort_reason: Option<String>,
}

impl From<RunStateData> for RunState {
    fn from(data: RunStateData) -> Self {
        let mut latest = HashMap::new();
        for (k, a) in data.answers.iter().enumerate() {
            latest.insert(a.question.clone(), k);
        }
        Self {
            pinned: data.pinned,
            started_at: data.started_at,
            current: data.current,
            path: data.path,
            answers: data.answers,
            recorded: data.recorded,
            problems: data.problems,
            next_contact: data.next_contact,
            outcome: data.outcome,
            ended_at: data.ended_at,
            abort_reason: data.abort_reason,
            latest,
        }
    }
}

impl RunState {
    /// The script the run is pinned to (`None` before the start).
    #[must_use]
    pub fn pinned(&self) -> Option<&Pin> {
        self.pinned.as_ref()
    }

    /// The question the run is waiting for, or the end node it stopped at.
    #[must_use]
    pub fn current(&self) -> Option<&str> {
        self.current.as_deref()
    }

    /// The nodes visited so far, in order.
    #[must_use]
    pub fn path(&self) -> &[String] {
        &self.path
    }

    /// The answers and skips so far, in order.
    #[must_use]
    pub fn answers(&self) -> &[AnswerRecord] {
        &self.answers
    }

    /// The problems raised so far.
    #[must_use]
    pub fn problems(&self) -> &[ProblemRecord] {
        &self.problems
    }

    /// How the run ended, once it has.
    #[must_use]
    pub fn outcome(&self) -> Option<Outcome> {
        self.outcome
    }

    /// The latest answer to `question` (`None` if never answered, or skipped the last time). O(1).
    #[must_use]
    pub fn latest(&self, question: &str) -> Option<&Answer> {
        self.latest.get(question).and_then(|&k| self.answers.get(k)).and_then(|a| a.answer.as_ref())
    }

    /// Adds an answer or skip, keeping the index of latest answers.
    fn push_answer(&mut self, record: AnswerRecord) {
        let k = self.answers.len();
        match self.latest.get_mut(record.question.as_str()) {
            Some(slot) => *slot = k,
            None => {
                self.latest.insert(record.question.clone(), k);
            }
        }
        self.answers.push(record);
    }

    /// The callback record (rule B4), once the run has ended; `None` before.
    #[must_use]
    pub fn record(&self) -> Option<CallbackRecord> {
        let pin = self.pinned.clone()?;
        let last = |field: RecordField| self.recorded.iter().rev().find(|(f, _)| *f == field).map(|(_, a)| a);
        let yes = |field| match last(field) {
            Some(Answer::YesNo(b)) => Some(*b),
            _ => None,
        };
        Some(CallbackRecord {
            script: pin.script,
            version: pin.version,
            hash: pin.hash,
            started_at: self.started_at?,
            ended_at: self.ended_at?,
            outcome: self.outcome?,
            path: self.path.clone(),
            answers: self.answers.clone(),
            problems: self.problems.clone(),
            satisfaction: last(RecordField::Satisfaction).map(Answer::value),
            referral: yes(RecordField::Referral),
            continue_cooperation: yes(RecordField::ContinueCooperation),
            channel: last(RecordField::Channel).map(Answer::value),
            suggestion: last(RecordField::Suggestion).map(Answer::value),
            reasons: self.recorded.iter().filter(|(f, _)| *f == RecordField::Reason).map(|(_, a)| a.value()).collect(),
            next_contact: self.next_contact,
            abort_reason: self.abort_reason.clone(),
        })
    }
}

/// The callback record form (客户回访记录表, rule B4) a finished run yields: to be filed within 24 hours of a regular
/// callback and within 1 hour of a callback to a lapsed customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallbackRecord {
    /// The script's id.
    pub script: String,
    /// The script's version.
    pub version: u32,
    /// The script's content hash.
    pub hash: ContentHash,
    /// When the run started.
    pub started_at: DateTime<Utc>,
    /// When it ended.
    pub ended_at: DateTime<Utc>,
    /// How it ended.
    pub outcome: Outcome,
    /// Every node visited, in order.
    pub path: Vec<String>,
    /// Every answer and skip, with its time.
    pub answers: Vec<AnswerRecord>,
    /// The problems raised, for the departments (rule B5).
    pub problems: Vec<ProblemRecord>,
    /// The satisfaction answer (`satisfied`, `so_so`, …), if asked and answered.
    pub satisfaction: Option<String>,
    /// Whether the customer would recommend the products, if asked and answered.
    pub referral: Option<bool>,
    /// Whether the customer would keep working together once the problems are solved (S2).
    pub continue_cooperation: Option<bool>,
    /// How the customer first heard of the products (S1).
    pub channel: Option<String>,
    /// The customer's suggestions (rule B8).
    pub suggestion: Option<String>,
    /// The reasons the customer gave for not ordering (S2), in order.
    pub reasons: Vec<String>,
    /// The next contact, when the callback was rescheduled and the customer chose a time.
    pub next_contact: Option<DateTime<Utc>>,
    /// Why the run was aborted, if it was.
    pub abort_reason: Option<String>,
}

/// A command to a [`ScriptRun`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunCommand {
    /// Start the run on the context's script: pin it, walk to the first question (or an end).
    Start,
    /// Answer the question the run waits for, then walk to the next question or an end.
    Answer {
        /// The question answered (must be the current one: a stale answer is refused).
        question: String,
        /// The answer.
        answer: Answer,
    },
    /// Skip the question the run waits for (the customer would not say); branches on it take their defaults.
    Skip {
        /// The question skipped (must be the current one).
        question: String,
    },
    /// Stop the run now (line dropped, wrong person, …): it ends `aborted`.
    Abort {
        /// Why.
        reason: String,
    },
}

impl RunCommand {
    /// [`RunCommand::Answer`].
    #[must_use]
    pub fn answer(question: impl Into<String>, answer: Answer) -> Self {
        Self::Answer { question: question.into(), answer }
    }

    /// [`RunCommand::Skip`].
    #[must_use]
    pub fn skip(question: impl Into<String>) -> Self {
        Self::Skip { question: question.into() }
    }

    /// [`RunCommand::Abort`].
    #[must_use]
    pub fn abort(reason: impl Into<String>) -> Self {
        Self::Abort { reason: reason.into() }
    }
}

/// What happened in a [`ScriptRun`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum RunEvent {
    /// The run started on this script.
    Started {
        /// The script it is pinned to.
        pin: Pin,
        /// When.
        at: DateTime<Utc>,
    },
    /// The walk entered a node.
    Reached {
        /// The node's id.
        node: String,
    },
    /// A question was answered.
    Answered {
        /// The question.
        question: String,
        /// The answer.
        answer: Answer,
        /// The record field the answer fills, if any.
        records: Option<RecordField>,
        /// When.
        at: DateTime<Utc>,
    },
    /// A question was skipped.
    Skipped {
        /// The question.
        question: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// A problem node recorded the customer's problem.
    ProblemRaised(ProblemRecord),
    /// A schedule node set the next contact (none when the time question was skipped).
    Scheduled {
        /// The schedule node.
        node: String,
        /// The customer's chosen time.
        next_contact: Option<DateTime<Utc>>,
    },
    /// The walk reached an end node, or the run was aborted.
    Ended {
        /// How.
        outcome: Outcome,
        /// Why, for an abort.
        reason: Option<String>,
        /// When.
        at: DateTime<Utc>,
    },
}

/// The kinds of [`RunState`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RunKind {
    /// Not started.
    NotStarted,
    /// Waiting for an answer.
    Asking,
    /// Ended: completed.
    Completed,
    /// Ended: rescheduled.
    Rescheduled,
    /// Ended: refused.
    Refused,
    /// Ended: aborted.
    Aborted,
}

impl Kind for RunKind {
    const ALL: &'static [Self] =
        &[Self::NotStarted, Self::Asking, Self::Completed, Self::Rescheduled, Self::Refused, Self::Aborted];

    fn name(self) -> &'static str {
        match self {
            Self::NotStarted => "not_started",
            Self::Asking => "asking",
            Self::Completed => "completed",
            Self::Rescheduled => "rescheduled",
            Self::Refused => "refused",
            Self::Aborted => "aborted",
        }
    }
}

/// The kinds of [`RunCommand`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RunCommandKind {
    /// [`RunCommand::Start`].
    Start,
    /// [`RunCommand::Answer`].
    Answer,
    /// [`RunCommand::Skip`].
    Skip,
    /// [`RunCommand::Abort`].
    Abort,
}

impl Kind for RunCommandKind {
    const ALL: &'static [Self] = &[Self::Start, Self::Answer, Self::Skip, Self::Abort];

    fn name(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Answer => "answer",
            Self::Skip => "skip",
            Self::Abort => "abort",
        }
    }
}

/// A run of a [`ValidScript`] (rules S1, S2) as a [`Machine`]: the script is the configuration
/// ([`Context::config`]), so a run can only be decided with a validated script, and every command after the start
/// checks it is still the same one (id, version, [`ContentHash`]). A run pinned by an older kefu with a legacy
/// FNV-1a hash accepts only an abort ([`RunError::LegacyPin`]).
///
/// ```text
/// not_started --start--> asking | completed | rescheduled | refused
/// asking --answer/skip--> asking | completed | rescheduled | refused
/// asking --abort--> aborted
/// ```
///
/// Each command walks from the node it stands on through say, branch, schedule and problem nodes to the next
/// question (the run waits) or an end (the run is over); every node entered is a [`RunEvent::Reached`], so the
/// path is in the log. See the [module example](super) for a whole callback.
///
/// Cost of a command: the nodes walked and the routes tested on the way, each in O(1) (a choice in O(log c)),
/// whatever the length of the run so far: nothing is cloned or scanned per answer given before.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScriptRun;

const TO: &[RunKind] = &[RunKind::Asking, RunKind::Completed, RunKind::Rescheduled, RunKind::Refused];

impl Machine for ScriptRun {
    const NAME: &'static str = "script_run";
    type State = RunState;
    type Command = RunCommand;
    type Event = RunEvent;
    type Config = ValidScript;
    type Error = RunError;
    type StateKind = RunKind;
    type CommandKind = RunCommandKind;

    fn initial() -> RunState {
        RunState::default()
    }

    fn transitions() -> &'static [Transition<RunKind, RunCommandKind>] {
        const TABLE: &[Transition<RunKind, RunCommandKind>] = &[
            Transition::new(RunKind::NotStarted, RunCommandKind::Start, TO),
            Transition::new(RunKind::Asking, RunCommandKind::Answer, TO),
            Transition::new(RunKind::Asking, RunCommandKind::Skip, TO),
            Transition::new(RunKind::Asking, RunCommandKind::Abort, &[RunKind::Aborted]),
        ];
        TABLE
    }

    fn finals() -> &'static [RunKind] {
        &[RunKind::Completed, RunKind::Rescheduled, RunKind::Refused, RunKind::Aborted]
    }

    fn state_kind(state: &RunState) -> RunKind {
        kind(state.outcome, state.pinned.is_some())
    }

    /// Read off the events: only `Started` and `Ended` change the kind. Folding them on a clone of the state (the
    /// default) would copy every answer of the run on every command, quadratic over a long run.
    fn kind_after(state: &RunState, events: &[RunEvent]) -> RunKind {
        let mut outcome = state.outcome;
        let mut pinned = state.pinned.is_some();
        for event in events {
            match event {
                RunEvent::Started { .. } => pinned = true,
                RunEvent::Ended { outcome: ended, .. } => outcome = Some(*ended),
                _ => {}
            }
        }
        kind(outcome, pinned)
    }

    fn command_kind(command: &RunCommand) -> RunCommandKind {
        match command {
            RunCommand::Start => RunCommandKind::Start,
            RunCommand::Answer { .. } => RunCommandKind::Answer,
            RunCommand::Skip { .. } => RunCommandKind::Skip,
            RunCommand::Abort { .. } => RunCommandKind::Abort,
        }
    }

    fn handle(
        state: &RunState,
        command: &RunCommand,
        ctx: &Context<'_, ValidScript>,
    ) -> Result<Vec<RunEvent>, RunError> {
        let script = ctx.config();
        let now = ctx.now();
        if let Some(pin) = &state.pinned {
            if pin.hash.is_legacy() {
                // A 64-bit FNV-1a pin cannot show which script the run started on; an abort reads no script.
                if !matches!(command, RunCommand::Abort { .. }) {
                    return Err(RunError::LegacyPin { pinned: format!("{}@{}#{}", pin.script, pin.version, pin.hash) });
                }
            } else if pin.hash != script.hash() || pin.version != script.version() || pin.script != script.id() {
                return Err(RunError::changed(
                    (&pin.script, pin.version, pin.hash),
                    (script.id(), script.version(), script.hash()),
                ));
            }
        }
        let mut events = Vec::new();
        match command {
            RunCommand::Start => {
                let pin = Pin { script: script.id().to_owned(), version: script.version(), hash: script.hash() };
                events.push(RunEvent::Started { pin, at: now });
                walk(script, state, None, script.start_index(), now, &mut events)?;
            }
            RunCommand::Answer { question, answer } => {
                let at = current_question(script, state, question)?;
                check_answer(script, at, answer, now)?;
                let records = match script.node_at(at) {
                    Node::Question { records, .. } => *records,
                    _ => None,
                };
                events.push(RunEvent::Answered {
                    question: question.clone(),
                    answer: answer.clone(),
                    records,
                    at: now,
                });
                let next = step(script, state, Some((question, Some(answer))), at);
                walk(script, state, Some((question, Some(answer))), next, now, &mut events)?;
            }
            RunCommand::Skip { question } => {
                let at = current_question(script, state, question)?;
                // A rescheduled call without a time would leave the next contact unknown (rules B9, B10).
                if let Some(schedule) = script.schedule_reading(at) {
                    return Err(RunError::NeededForSchedule {
                        question: question.clone(),
                        schedule: schedule.id().to_owned(),
                    });
                }
                events.push(RunEvent::Skipped { question: question.clone(), at: now });
                let next = step(script, state, Some((question, None)), at);
                walk(script, state, Some((question, None)), next, now, &mut events)?;
            }
            RunCommand::Abort { reason } => {
                events.push(RunEvent::Ended { outcome: Outcome::Aborted, reason: Some(reason.clone()), at: now });
            }
        }
        Ok(events)
    }

    fn evolve(state: &mut RunState, event: &RunEvent) {
        match event {
            RunEvent::Started { pin, at } => {
                state.pinned = Some(pin.clone());
                state.started_at = Some(*at);
            }
            RunEvent::Reached { node } => {
                state.path.push(node.clone());
                state.current = Some(node.clone());
            }
            RunEvent::Answered { question, answer, records, at } => {
                state.push_answer(AnswerRecord { question: question.clone(), answer: Some(answer.clone()), at: *at });
                if let Some(field) = records {
                    state.recorded.push((*field, answer.clone()));
                }
            }
            RunEvent::Skipped { question, at } => {
                state.push_answer(AnswerRecord { question: question.clone(), answer: None, at: *at });
            }
            RunEvent::ProblemRaised(problem) => state.problems.push(problem.clone()),
            RunEvent::Scheduled { next_contact, .. } => state.next_contact = *next_contact,
            RunEvent::Ended { outcome, reason, at } => {
                state.outcome = Some(*outcome);
                state.ended_at = Some(*at);
                state.abort_reason.clone_from(reason);
            }
        }
    }
}

/// The kind of a run with this outcome, started or not.
fn kind(outcome: Option<Outcome>, started: bool) -> RunKind {
    match (outcome, started) {
        (Some(Outcome::Completed), _) => RunKind::Completed,
        (Some(Outcome::Rescheduled), _) => RunKind::Rescheduled,
        (Some(Outcome::Refused), _) => RunKind::Refused,
        (Some(Outcome::Aborted), _) => RunKind::Aborted,
        (None, false) => RunKind::NotStarted,
        (None, true) => RunKind::Asking,
    }
}

/// The position of the current question, if `question` names it.
fn current_question(script: &ValidScript, state: &RunState, question: &str) -> Result<usize, RunError> {
    let current = state.current.as_deref().unwrap_or_default();
    if current != question {
        return Err(RunError::NotTheCurrentQuestion { expected: current.to_owned(), given: question.to_owned() });
    }
    script.index_of(current).ok_or_else(|| RunError::UnknownQuestion { question: question.to_owned() })
}

fn check_answer(script: &ValidScript, at: usize, answer: &Answer, now: DateTime<Utc>) -> Result<(), RunError> {
    let Node::Question { id, answer: kind, choices, .. } = script.node_at(at) else {
        return Err(RunError::UnknownQuestion { question: script.node_at(at).id().to_owned() });
    };
    let wrong = || RunError::WrongAnswerKind { question: id.clone(), expected: *kind, given: answer.describe() };
    match (kind, answer) {
        (AnswerKind::YesNo, Answer::YesNo(_)) => Ok(()),
        (AnswerKind::Choice, Answer::Choice(v)) if script.has_choice(at, v) => Ok(()),
        (AnswerKind::Choice, Answer::Choice(v)) => Err(RunError::NotAChoice {
            question: id.clone(),
            value: v.clone(),
            choices: choices.iter().map(|c| c.value.clone()).collect(),
        }),
        (AnswerKind::FreeText, Answer::Text(t)) if t.trim().is_empty() => {
            Err(RunError::EmptyAnswer { question: id.clone() })
        }
        (AnswerKind::FreeText, Answer::Text(_)) => Ok(()),
        (AnswerKind::DateTime, Answer::DateTime(t)) if *t <= now => {
            Err(RunError::NotInFuture { question: id.clone(), at: *t, now })
        }
        (AnswerKind::DateTime, Answer::DateTime(_)) => Ok(()),
        _ => Err(wrong()),
    }
}

/// The latest answer to `question`, counting the one being given in this command.
fn lookup<'a>(state: &'a RunState, pending: Option<(&str, Option<&'a Answer>)>, question: &str) -> Option<&'a Answer> {
    match pending {
        Some((q, answer)) if q == question => answer,
        _ => state.latest(question),
    }
}

/// Where the walk goes after node `at` (not an end).
fn step(script: &ValidScript, state: &RunState, pending: Option<(&str, Option<&Answer>)>, at: usize) -> usize {
    match script.flow(at) {
        Flow::Next(next) => *next,
        Flow::Branch { cases, default } => cases
            .iter()
            .find(|(q, is, _)| lookup(state, pending, q).is_some_and(|a| a.matches(is)))
            .map_or(*default, |(_, _, next)| *next),
        Flow::Stop => at,
    }
}

/// Walks from node `from` (entering it) to the next question or an end, emitting the events on the way.
fn walk(
    script: &ValidScript,
    state: &RunState,
    pending: Option<(&str, Option<&Answer>)>,
    from: usize,
    now: DateTime<Utc>,
    events: &mut Vec<RunEvent>,
) -> Result<(), RunError> {
    let limit = script.script().nodes.len() + 1;
    let mut at = from;
    for _ in 0..limit {
        let node = script.node_at(at);
        events.push(RunEvent::Reached { node: node.id().to_owned() });
        match node {
            Node::Question { .. } => return Ok(()),
            Node::End { outcome, .. } => {
                events.push(RunEvent::Ended { outcome: *outcome, reason: None, at: now });
                return Ok(());
            }
            Node::Problem { id, from, department, .. } => {
                if let Some(answer) = lookup(state, pending, from) {
                    events.push(RunEvent::ProblemRaised(ProblemRecord {
                        node: id.clone(),
                        question: from.clone(),
                        text: answer.value(),
                        department: department.clone(),
                        at: now,
                    }));
                }
            }
            Node::Schedule { id, from, .. } => {
                let next_contact = match lookup(state, pending, from) {
                    Some(Answer::DateTime(t)) => Some(*t),
                    _ => None,
                };
                events.push(RunEvent::Scheduled { node: id.clone(), next_contact });
            }
            Node::Say { .. } | Node::Branch { .. } => {}
        }
        at = step(script, state, pending, at);
    }
    Err(RunError::Loop { from: script.node_at(from).id().to_owned(), steps: limit })
}
