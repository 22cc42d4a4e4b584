//! The script's errors: loading ([`LoadError`]), validation ([`Invalid`]) and running ([`RunError`]).

use chrono::{DateTime, Utc};

use super::{AnswerKind, ContentHash, Finding};

/// A script that did not pass validation: every finding, errors and warnings, in the order found.
///
/// How to fix: read each error finding; its code, node and field say what to change.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("script `{id}` has {} error(s); the first: {}", self.errors().count(), first_error(.findings))]
pub struct Invalid {
    /// The script's id.
    pub id: String,
    /// Every finding (at least one is an error).
    pub findings: Vec<Finding>,
}

impl Invalid {
    /// The findings that prevent running the script.
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.is_error())
    }
}

fn first_error(findings: &[Finding]) -> String {
    findings.iter().find(|f| f.is_error()).map(ToString::to_string).unwrap_or_default()
}

/// A script text that cannot be loaded: malformed TOML/JSON (with line, column and key path), or a script that does
/// not validate ([`LoadError::Invalid`](crate::LoadError::Invalid), with every finding).
pub type LoadError = crate::LoadError<Invalid>;

/// Why a [script run](super::ScriptRun) refused a command. The run is unchanged.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The run was started on another script, version or content. How to fix: decide with the script the run
    /// was started on (its id, version and hash are in [`RunState::pinned`](super::RunState::pinned)).
    #[error("the run is pinned to script `{pinned}` but was given `{given}`")]
    ScriptChanged {
        /// `id@version#hash` of the script the run started on.
        pinned: String,
        /// `id@version#hash` of the script given now.
        given: String,
    },
    /// The run was pinned by an older kefu with a 64-bit FNV-1a hash, which is not collision-resistant, so it cannot
    /// show the script is the one the run started on (see [`ContentHash`]). Only an abort is accepted: abort the run
    /// (the callback is then tried again) and start a new one, which is pinned with SHA-256.
    #[error(
        "the run is pinned to script `{pinned}` with a legacy FNV-1a hash, which cannot be checked: abort the run and start a new one"
    )]
    LegacyPin {
        /// `id@version#hash` of the script the run started on.
        pinned: String,
    },
    /// The question cannot be skipped: a `schedule` node reads its answer as the next contact, and a rescheduled
    /// call needs a time. Ask again, or abort the run.
    #[error("`{question}` cannot be skipped: `{schedule}` schedules the next contact from its answer")]
    NeededForSchedule {
        /// The question.
        question: String,
        /// The schedule node that reads it.
        schedule: String,
    },
    /// The command names another question than the one the run is waiting for (a stale screen, a double submit).
    #[error("the run is waiting for an answer to `{expected}`, not `{given}`")]
    NotTheCurrentQuestion {
        /// The question the run waits for.
        expected: String,
        /// The question named.
        given: String,
    },
    /// The answer is not of the kind the question expects.
    #[error("question `{question}` expects a {} answer, not {given}", .expected.name())]
    WrongAnswerKind {
        /// The question.
        question: String,
        /// What it expects.
        expected: AnswerKind,
        /// What was given.
        given: String,
    },
    /// A choice that is not among the question's choices.
    #[error("question `{question}`: `{value}` is not one of the choices ({})", .choices.join(", "))]
    NotAChoice {
        /// The question.
        question: String,
        /// The value given.
        value: String,
        /// The values allowed.
        choices: Vec<String>,
    },
    /// An empty free-text answer. Use a skip instead.
    #[error("question `{question}`: the answer is empty (skip the question instead)")]
    EmptyAnswer {
        /// The question.
        question: String,
    },
    /// A date-time answer ("when would suit you?") that is not after the moment it is given.
    #[error("question `{question}`: {at} is not in the future (now is {now})")]
    NotInFuture {
        /// The question.
        question: String,
        /// The instant given.
        at: DateTime<Utc>,
        /// The moment of the answer.
        now: DateTime<Utc>,
    },
    /// Text that cannot be read as an answer to the question (see [`ValidScript::parse_answer`](super::ValidScript::parse_answer)).
    #[error("question `{question}`: cannot read `{input}` as a {} answer{hint}", .expected.name())]
    Unreadable {
        /// The question.
        question: String,
        /// The kind expected.
        expected: AnswerKind,
        /// The text given.
        input: String,
        /// What to type instead.
        hint: String,
    },
    /// No question has this id.
    #[error("the script has no question `{question}`")]
    UnknownQuestion {
        /// The id given.
        question: String,
    },
    /// The walk went round without asking anything. Cannot happen on a validated script (finding
    /// `cycle-without-question`); reported instead of looping forever.
    #[error("the walk from `{from}` visited {steps} nodes without reaching a question or an end")]
    Loop {
        /// Where the walk began.
        from: String,
        /// How many nodes it visited.
        steps: usize,
    },
}

impl RunError {
    pub(crate) fn changed(pinned: (&str, u32, ContentHash), given: (&str, u32, ContentHash)) -> Self {
        Self::ScriptChanged {
            pinned: format!("{}@{}#{}", pinned.0, pinned.1, pinned.2),
            given: format!("{}@{}#{}", given.0, given.1, given.2),
        }
    }
}
