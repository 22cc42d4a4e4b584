//! The script as data: [`Script`], its [`Node`]s and the small types they are made of.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Texts of one thing in several locales: locale tag (`zh-CN`, `en`, …) → text. Ordered, so that pictures and
/// hashes are stable. Texts may contain placeholders such as `{company}`, declared in [`Script::variables`].
pub type Texts = BTreeMap<String, String>;

/// A callback script (rules S1, S2): a dialogue graph an agent walks with a customer, as data.
///
/// Steps follow list order by default; a node's `next` jumps elsewhere, and a [`Node::Branch`] chooses the way on
/// from earlier answers (`if … else …`). The walk starts at [`start`](Self::start), or at the first node.
///
/// A `Script` is only a definition: [`validate`](Self::validate) it to get a
/// [`ValidScript`](super::ValidScript), the only thing that can be [run](super::ScriptRun) or is guaranteed to end.
///
/// # Example
///
/// ```
/// use kefu::script::{Node, Script};
///
/// let script = Script::from_toml_str(r#"
///     id = "hello"
///     version = 1
///     locales = ["zh-CN", "en"]
///     [variables.customer]
///
///     [[nodes]]
///     id = "greet"
///     kind = "question"
///     answer = "yes_no"
///     text = { zh-CN = "请问您是{customer}吗?", en = "Am I speaking with {customer}?" }
///
///     [[nodes]]
///     id = "bye"
///     kind = "end"
///     outcome = "completed"
///     text = { zh-CN = "再见!", en = "Goodbye!" }
/// "#)?;
/// assert_eq!(script.nodes.len(), 2);
/// assert!(matches!(&script.nodes[0], Node::Question { id, .. } if id == "greet"));
/// let valid = script.validate()?;
/// assert!(valid.warnings().is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Script {
    /// The script's stable id, e.g. `s1-regular-callback`.
    pub id: String,
    /// The script's version; a run is pinned to it (and to the content hash).
    pub version: u32,
    /// The script's title per locale.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub title: Texts,
    /// The locales every text must be given in, e.g. `["zh-CN", "en"]`.
    pub locales: Vec<String>,
    /// The placeholders the texts may use (`{company}`, `{agent}`, `{customer}`, `{closing_wish}`), by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub variables: BTreeMap<String, Variable>,
    /// The id of the first node; the first node of the list when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// The nodes, in list order (the default order of the steps).
    pub nodes: Vec<Node>,
}

/// A placeholder the texts may use, written `{name}` in a text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variable {
    /// What the value is, for people filling it in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The value per locale when the caller gives none (e.g. `closing_wish`: 工作愉快 / a pleasant working day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Texts>,
}

/// One step of a script. Written in TOML/JSON with `kind = "say" | "question" | "branch" | "schedule" | "problem" |
/// "end"`.
///
/// Every kind but `branch` and `end` goes on to `next`, or to the following node of the list when `next` is absent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Node {
    /// The agent says something; no answer is expected.
    Say {
        /// The node's id, unique in the script.
        id: String,
        /// What to say, per locale.
        text: Texts,
        /// Where to go on; the following node when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        next: Option<String>,
    },
    /// The agent asks; the run waits for the answer (or a skip). The node's id names the answer in conditions.
    Question {
        /// The node's id, unique in the script; conditions and `from` fields refer to it.
        id: String,
        /// The question, per locale.
        text: Texts,
        /// The kind of answer expected.
        answer: AnswerKind,
        /// The possible answers of an [`AnswerKind::Choice`] question.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        choices: Vec<Choice>,
        /// Which field of the callback record the answer fills (satisfaction, referral, …), if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        records: Option<RecordField>,
        /// Where to go on; the following node when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        next: Option<String>,
    },
    /// Chooses the way on from earlier answers: the first [`Route`] whose condition holds, else `default`.
    Branch {
        /// The node's id, unique in the script.
        id: String,
        /// The conditional ways on, tried in order. Written `cases` in the file.
        #[serde(default)]
        cases: Vec<Route>,
        /// Where to go when no case holds (required: a branch without it could strand a run).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default: Option<String>,
    },
    /// Schedules the next contact at the time the customer chose (the answer to a date-time question).
    Schedule {
        /// The node's id, unique in the script.
        id: String,
        /// The date-time question whose answer is the next contact.
        from: String,
        /// What the agent says while confirming, per locale.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<Texts>,
        /// Where to go on; the following node when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        next: Option<String>,
    },
    /// Records a problem the customer raised (the answer to a question), for the responsible department (rule B5).
    Problem {
        /// The node's id, unique in the script.
        id: String,
        /// The question whose answer describes the problem.
        from: String,
        /// The department the problem goes to, when the script knows it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        department: Option<String>,
        /// What the agent says to confirm the record, per locale.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<Texts>,
        /// Where to go on; the following node when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        next: Option<String>,
    },
    /// The end of the dialogue, with its outcome.
    End {
        /// The node's id, unique in the script.
        id: String,
        /// How the callback ended.
        outcome: Outcome,
        /// The closing words, per locale.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<Texts>,
        /// Never valid on an end node (finding `end-with-exit`); accepted by the loader so validation can say so.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        next: Option<String>,
    },
}

impl Node {
    /// The node's id.
    #[must_use]
    pub fn id(&self) -> &str {
        match self {
            Self::Say { id, .. }
            | Self::Question { id, .. }
            | Self::Branch { id, .. }
            | Self::Schedule { id, .. }
            | Self::Problem { id, .. }
            | Self::End { id, .. } => id,
        }
    }

    /// The node's kind as written in the file (`say`, `question`, …).
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Say { .. } => "say",
            Self::Question { .. } => "question",
            Self::Branch { .. } => "branch",
            Self::Schedule { .. } => "schedule",
            Self::Problem { .. } => "problem",
            Self::End { .. } => "end",
        }
    }

    /// The node's own text, if it has one.
    #[must_use]
    pub fn text(&self) -> Option<&Texts> {
        match self {
            Self::Say { text, .. } | Self::Question { text, .. } => Some(text),
            Self::Schedule { text, .. } | Self::Problem { text, .. } | Self::End { text, .. } => text.as_ref(),
            Self::Branch { .. } => None,
        }
    }

    /// The explicit `next` of the node, if it has one.
    #[must_use]
    pub fn next(&self) -> Option<&str> {
        match self {
            Self::Say { next, .. }
            | Self::Question { next, .. }
            | Self::Schedule { next, .. }
            | Self::Problem { next, .. }
            | Self::End { next, .. } => next.as_deref(),
            Self::Branch { .. } => None,
        }
    }

    /// Sets (or clears) the explicit `next`; does nothing on a branch (use its cases and default).
    pub fn set_next(&mut self, target: Option<String>) {
        match self {
            Self::Say { next, .. }
            | Self::Question { next, .. }
            | Self::Schedule { next, .. }
            | Self::Problem { next, .. }
            | Self::End { next, .. } => *next = target,
            Self::Branch { .. } => {}
        }
    }
}

/// The kind of answer a question expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    /// Yes or no; conditions test `"yes"` or `"no"`.
    YesNo,
    /// One of the question's [`Choice`]s; conditions test a choice's `value`.
    Choice,
    /// Free text, e.g. what the customer is not satisfied with.
    FreeText,
    /// An instant, e.g. when a call would suit the customer. Must lie after the moment it is given.
    DateTime,
}

impl AnswerKind {
    /// The name as written in the file.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::YesNo => "yes_no",
            Self::Choice => "choice",
            Self::FreeText => "free_text",
            Self::DateTime => "date_time",
        }
    }
}

/// One possible answer of a choice question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// The stable value conditions and records use, e.g. `satisfied`.
    pub value: String,
    /// How the choice reads, per locale.
    pub text: Texts,
}

/// One conditional way on of a [`Node::Branch`] (an `if` of the branch, written in its `cases` list): when the latest
/// answer to `question` is `is`, go to `next`.
///
/// Named `Route` so as not to be confused with a problem case ([`case::Case`](crate::case::Case)); the file keeps
/// its words (`cases = [{ question = …, is = …, next = … }]`).
///
/// # Example
///
/// ```
/// use kefu::script::{Node, Route, Script, S1_TOML};
///
/// let s1 = Script::from_toml_str(S1_TOML)?;
/// let routes: &[Route] = s1
///     .nodes
///     .iter()
///     .find_map(|n| match n {
///         Node::Branch { id, cases, .. } if id == "route_convenient" => Some(cases.as_slice()),
///         _ => None,
///     })
///     .ok_or("no such branch")?;
/// assert_eq!(routes[0], Route { question: "greeting".into(), is: "no".into(), next: "ask_time".into() });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// The id of the question node whose latest answer is tested. A skipped question matches no case.
    pub question: String,
    /// The value tested: `yes`/`no` for a yes/no question, a choice's value for a choice question.
    pub is: String,
    /// Where to go when the answer is `is`.
    pub next: String,
}

/// How a callback ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The dialogue ran to its end.
    Completed,
    /// The customer had no time; the next contact is scheduled (S1 step 2, S2 step 2).
    Rescheduled,
    /// The customer declined the callback.
    Refused,
    /// The run was interrupted (line dropped, wrong person, …) by an explicit abort.
    Aborted,
}

impl Outcome {
    /// The name as written in the file and the record.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Completed => "completed",
            Self::Rescheduled => "rescheduled",
            Self::Refused => "refused",
            Self::Aborted => "aborted",
        }
    }
}

/// A field of the callback record (rule B4) that a question's answer fills.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordField {
    /// Satisfaction with the service (a choice or yes/no question).
    Satisfaction,
    /// Willingness to recommend the products to friends (a yes/no question).
    Referral,
    /// Willingness to keep working together once the problems are solved (S2; a yes/no question).
    ContinueCooperation,
    /// Suggestions on products and service (rule B8).
    Suggestion,
    /// How the customer first heard of the products (S1 step 4).
    Channel,
    /// Why the customer stopped ordering (S2 step 3).
    Reason,
}

impl RecordField {
    /// The name as written in the file.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Satisfaction => "satisfaction",
            Self::Referral => "referral",
            Self::ContinueCooperation => "continue_cooperation",
            Self::Suggestion => "suggestion",
            Self::Channel => "channel",
            Self::Reason => "reason",
        }
    }
}
