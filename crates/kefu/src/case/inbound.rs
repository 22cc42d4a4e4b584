//! Inbound calls (rule Q3): a script the agent follows when a customer calls, and what its record becomes.
//!
//! The agent greets with the company's and their own name, records the problem, classifies it by nature (Q6) and
//! urgency (Q2), and either solves it on the call or says why not and what follows. A problem left open becomes a
//! case opened with that class, so that its limits (Q4) start at once; a solved one is only counted.
//!
//! The script is ordinary data ([`Q3_TOML`] is the shipped one, in Chinese and English); [`InboundScript`] checks
//! once, when it is built, that the questions it reads are there with the right kinds of answer, so that reading a
//! record later cannot fail on the script's shape.

use serde::{Deserialize, Serialize};

use super::{CaseCommand, Class, InquiryChannel, Nature, Origin, Standing, Urgency};
use crate::script::{AnswerKind, CallbackRecord, Node, ValidScript};

/// Rule Q3: the shipped inbound-call script (greeting, problem, nature, urgency, solved or what follows), in
/// `zh-CN` and `en`, as TOML.
pub const Q3_TOML: &str = include_str!("../../scripts/q3-inbound-call.toml");

/// The questions an inbound script must have, by id, with the kind of answer each takes.
const QUESTIONS: [(&str, AnswerKind); 5] = [
    (PROBLEM, AnswerKind::FreeText),
    (NATURE, AnswerKind::Choice),
    (URGENCY, AnswerKind::Choice),
    (SOLVED, AnswerKind::YesNo),
    (NEXT_STEP, AnswerKind::FreeText),
];
const PROBLEM: &str = "problem";
const NATURE: &str = "nature";
const URGENCY: &str = "urgency";
const SOLVED: &str = "solved";
const NEXT_STEP: &str = "next_step";

/// Why a script cannot serve for inbound calls, or a record cannot be read as one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InboundError {
    /// The script lacks a question the classification reads.
    #[error("script `{script}`: no question `{question}`; an inbound script asks it ({kind} answer)")]
    MissingQuestion {
        /// The script's id.
        script: String,
        /// The question's id.
        question: &'static str,
        /// The kind of answer it must take.
        kind: &'static str,
    },
    /// A node with the question's id is not a question of the right kind.
    #[error("script `{script}`, node `{question}`: must be a question with a {expected} answer, found {found}")]
    WrongQuestion {
        /// The script's id.
        script: String,
        /// The node's id.
        question: &'static str,
        /// The kind of answer it must take.
        expected: &'static str,
        /// What the node is.
        found: String,
    },
    /// A choice of `nature` or `urgency` names no nature or urgency kefu knows.
    #[error("script `{script}`, question `{question}`: choice `{value}` is not one of {allowed}")]
    UnknownChoice {
        /// The script's id.
        script: String,
        /// The question's id.
        question: &'static str,
        /// The choice's value.
        value: String,
        /// The values allowed.
        allowed: &'static str,
    },
    /// The record comes from another script (or another version of it).
    #[error("the record is of script `{found}`, not of the inbound script `{expected}`")]
    OtherScript {
        /// The inbound script's id and version.
        expected: String,
        /// The record's script and version.
        found: String,
    },
    /// The script shipped with the crate does not load (a packaging fault, not the caller's).
    #[error("the shipped inbound script does not load: {0}")]
    Shipped(String),
    /// The run ended without an answer the classification needs (skipped, or the call dropped before it).
    #[error("the record has no answer to `{question}`: the call cannot be classified")]
    Unanswered {
        /// The question's id.
        question: &'static str,
    },
}

/// What an inbound call comes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inbound {
    /// Solved on the call: nothing to open, the class is kept for the statistics.
    Solved {
        /// How the agent classified the problem.
        class: Class,
        /// The problem in the customer's words.
        problem: String,
    },
    /// Not solved: a case to open, classified as the agent said, and what the agent told the customer would follow.
    Open {
        /// The command that opens the case ([`CaseCommand::Open`]).
        open: CaseCommand,
        /// Why it could not be solved on the call and what follows, if the agent wrote it.
        next_step: Option<String>,
    },
}

/// Who called and on which channel: what the case needs besides the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caller {
    /// The customer's id in the ERP.
    pub customer: String,
    /// The channel the inquiry came on (phone for a call; Q1).
    pub channel: InquiryChannel,
    /// Regular or lapsed: what the department owes (B5).
    pub standing: Standing,
}

/// A validated script checked to carry the questions an inbound call is classified by (rule Q3).
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use kefu::case::{Caller, Inbound, InboundScript, InquiryChannel, Nature, Standing, Urgency};
/// use kefu::machine::{Context, Instance, Principal};
/// use kefu::script::{Answer, RunCommand, ScriptRun};
///
/// let inbound = InboundScript::shipped()?;
/// let at = Utc.with_ymd_and_hms(2026, 6, 1, 2, 0, 0).unwrap();
/// let agent = Principal::new("li.na");
/// let mut run = Instance::<ScriptRun>::new();
/// let ctx = Context::new(at, &agent, inbound.script());
/// run.execute(&RunCommand::Start, &ctx)?;
/// for (question, answer) in [
///     ("problem", Answer::text("The drums arrived dented")),
///     ("nature", Answer::choice("complaint")),
///     ("urgency", Answer::choice("urgent")),
///     ("solved", Answer::YesNo(false)),
///     ("next_step", Answer::text("Logistics checks the delivery today")),
/// ] {
///     run.execute(&RunCommand::answer(question, answer), &ctx)?;
/// }
/// let record = run.state().record().ok_or("the run has ended")?;
/// let caller = Caller { customer: "0042".into(), channel: InquiryChannel::Phone, standing: Standing::Regular };
/// let Inbound::Open { open, next_step } = inbound.outcome(&record, &caller)? else { panic!("not solved") };
/// assert!(matches!(open, kefu::case::CaseCommand::Open { class, .. }
///     if class.nature == Nature::Complaint && class.urgency == Urgency::Urgent));
/// assert_eq!(next_step.as_deref(), Some("Logistics checks the delivery today"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct InboundScript {
    script: ValidScript,
}

impl InboundScript {
    /// Checks that `script` asks `problem` (free text), `nature` and `urgency` (choices whose values are kefu's
    /// natures and urgencies), `solved` (yes/no) and `next_step` (free text).
    ///
    /// # Errors
    ///
    /// The first question missing or of the wrong kind, or a choice naming an unknown nature or urgency.
    pub fn new(script: ValidScript) -> Result<Self, InboundError> {
        let id = script.id().to_owned();
        for (question, kind) in QUESTIONS {
            let Some(node) = script.node(question) else {
                return Err(InboundError::MissingQuestion { script: id, question, kind: kind.name() });
            };
            let wrong = |found: String| InboundError::WrongQuestion {
                script: id.clone(),
                question,
                expected: kind.name(),
                found,
            };
            let Node::Question { answer, choices, .. } = node else {
                return Err(wrong(format!("a {} node", node.kind())));
            };
            if *answer != kind {
                return Err(wrong(format!("a {} answer", answer.name())));
            }
            for choice in choices {
                let known = match question {
                    NATURE => parse::<Nature>(&choice.value).is_some(),
                    URGENCY => parse::<Urgency>(&choice.value).is_some(),
                    _ => true,
                };
                if !known {
                    return Err(InboundError::UnknownChoice {
                        script: id,
                        question,
                        value: choice.value.clone(),
                        allowed: if question == NATURE {
                            "product_use, price, after_sales, complaint, suggestion"
                        } else {
                            "low, normal, urgent"
                        },
                    });
                }
            }
        }
        Ok(Self { script })
    }

    /// The shipped script ([`Q3_TOML`]; crate feature `toml`).
    ///
    /// # Errors
    ///
    /// [`InboundError::Shipped`] if the file shipped with the crate does not load (a test makes sure it does).
    #[cfg(feature = "toml")]
    pub fn shipped() -> Result<Self, InboundError> {
        let script = ValidScript::from_toml_str(Q3_TOML).map_err(|e| InboundError::Shipped(e.to_string()))?;
        Self::new(script)
    }

    /// The script, to start runs of.
    #[must_use]
    pub fn script(&self) -> &ValidScript {
        &self.script
    }

    /// What the call recorded in `record` comes to: solved, or a case to open for `caller`, classified by the
    /// agent's answers (the latest answer to each question counts, as in every record).
    ///
    /// # Errors
    ///
    /// A record of another script, or one without the problem, its class or whether it was solved.
    pub fn outcome(&self, record: &CallbackRecord, caller: &Caller) -> Result<Inbound, InboundError> {
        if record.script != self.script.id() || record.hash != self.script.hash() {
            return Err(InboundError::OtherScript {
                expected: format!("{} v{}", self.script.id(), self.script.script().version),
                found: format!("{} v{}", record.script, record.version),
            });
        }
        let answer = |question: &'static str| {
            record.answers.iter().rev().find(|a| a.question == question).and_then(|a| a.answer.as_ref())
        };
        let required =
            |question: &'static str| answer(question).map(|a| a.value()).ok_or(InboundError::Unanswered { question });
        let problem = required(PROBLEM)?;
        // `new` checked every choice, and a run only accepts a question's own choices.
        let nature = parse::<Nature>(&required(NATURE)?).ok_or(InboundError::Unanswered { question: NATURE })?;
        let urgency = parse::<Urgency>(&required(URGENCY)?).ok_or(InboundError::Unanswered { question: URGENCY })?;
        let class = Class::new(nature, urgency);
        if required(SOLVED)? == "yes" {
            return Ok(Inbound::Solved { class, problem });
        }
        let open = CaseCommand::Open {
            origin: Origin::inquiry(caller.channel, problem),
            class,
            customer: caller.customer.clone(),
            standing: caller.standing,
        };
        Ok(Inbound::Open { open, next_step: answer(NEXT_STEP).map(|a| a.value()) })
    }
}

/// A snake_case name read as one of kefu's enums (natures, urgencies), the way their serde names are written.
fn parse<T: serde::de::DeserializeOwned>(value: &str) -> Option<T> {
    T::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(value)).ok()
}
