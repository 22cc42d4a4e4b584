//! [`Finding`]: one thing validation found in a script, with a stable [`Code`] and a [`Severity`].

use core::fmt;

use serde::{Deserialize, Serialize};

/// How bad a finding is. A script with any [`Severity::Error`] cannot be run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth fixing, but a run is still sure to end (an unreachable node, an unused variable, …).
    Warning,
    /// The script cannot be run until it is fixed.
    Error,
}

impl Severity {
    /// `warning` or `error`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $name:literal, $severity:ident;)*) => {
        /// What a [`Finding`] is about: a stable kebab-case code (`unknown-target`, …) that tools and tests can
        /// match on, with a fixed [`Severity`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        #[non_exhaustive]
        pub enum Code {
            $($(#[$doc])* $variant,)*
        }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable code, e.g. `unknown-target`.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// How bad a finding with this code is.
            #[must_use]
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }
        }
    };
}

codes! {
    /// The script declares no locale. Fix: `locales = ["zh-CN", "en"]`.
    NoLocales = "no-locales", Error;
    /// No node to start from: the script has no nodes, or `start` names none. Fix: add nodes or correct `start`.
    NoStart = "no-start", Error;
    /// Two nodes share an id. Fix: rename one (conditions and `next` fields refer to ids).
    DuplicateId = "duplicate-id", Error;
    /// A `next`, case or `default` names no node. Fix: correct the id or add the node.
    UnknownTarget = "unknown-target", Error;
    /// No way from the start leads to this node. Fix: link it, or delete it.
    Unreachable = "unreachable", Warning;
    /// A node that is not an end has no way on (the last node of the list without `next`). Fix: add `next` or an end.
    DeadEnd = "dead-end", Error;
    /// An end node has a `next`. Fix: delete `next`, or use another kind of node.
    EndWithExit = "end-with-exit", Error;
    /// A branch has no `default`, so a run could find no way on. Fix: add `default`.
    BranchWithoutDefault = "branch-without-default", Error;
    /// A condition or `from` names a node that is not a question. Fix: name a question node's id.
    UnknownQuestion = "unknown-question", Error;
    /// A condition tests a value the question cannot give (not `yes`/`no`, not among the choices, or a free-text or
    /// date-time question). Fix: use one of the question's values.
    ValueNotAChoice = "value-not-a-choice", Error;
    /// A question's kind does not fit its use: `schedule` needs a date-time question, `records = "referral"` a
    /// yes/no question, … Fix: change the question's `answer` or the reference.
    WrongAnswerKind = "wrong-answer-kind", Error;
    /// A choice question without choices or with two choices of the same value (or choices on another kind).
    BadChoices = "bad-choices", Error;
    /// On some path from the start, a condition or `from` uses a question before it has been asked. Fix: ask it
    /// earlier on every path, or move the use.
    NotYetAnswered = "not-yet-answered", Error;
    /// A cycle of nodes from which no end can be reached: a run entering it would never end. Fix: add a way out.
    CycleWithoutExit = "cycle-without-exit", Error;
    /// A cycle with no question in it: its branches see the same answers every time round, so a run entering it
    /// would loop forever. Fix: ask something inside the cycle, or break it.
    CycleWithoutQuestion = "cycle-without-question", Error;
    /// A cycle whose branches all route on answers given before it: each time round they see the same answers
    /// and take the same way, so for some answers a run would loop forever. Fix: branch inside the cycle on a
    /// question asked inside it (e.g. "anything else?"), as S2's reason loop does.
    CycleOnFixedAnswers = "cycle-on-fixed-answers", Error;
    /// A text uses a `{placeholder}` that is not declared in `variables`, so it has no value. Fix: declare it.
    UndeclaredPlaceholder = "undeclared-placeholder", Error;
    /// A declared variable no text uses.
    UnusedVariable = "unused-variable", Warning;
    /// A text lacks one of the script's locales (or is empty in it). Fix: add the translation.
    MissingText = "missing-text", Error;
    /// A text is given in a locale the script does not declare. Fix: declare the locale or delete the text.
    UndeclaredLocale = "undeclared-locale", Warning;
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing validation found: its [`Code`], [`Severity`], the node and field at fault and a message saying what to
/// change.
///
/// Displays as `error[unknown-target] node `ask_time`, field `next`: …`.
///
/// # Example
///
/// ```
/// use kefu::script::{Code, Script, Severity};
///
/// let script = Script::from_json_str(r#"{
///     "id": "x", "version": 1, "locales": ["en"],
///     "nodes": [{ "id": "hi", "kind": "say", "text": { "en": "Hi" }, "next": "nowhere" }]
/// }"#)?;
/// let findings = script.check();
/// assert_eq!(findings[0].code, Code::UnknownTarget);
/// assert_eq!(findings[0].severity, Severity::Error);
/// assert_eq!(findings[0].node.as_deref(), Some("hi"));
/// assert_eq!(findings[0].to_string(), "error[unknown-target] node `hi`, field `next`: no node has the id `nowhere`");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// What the finding is about.
    pub code: Code,
    /// How bad it is (always `code.severity()`).
    pub severity: Severity,
    /// The id of the node at fault, if the finding is about a node.
    pub node: Option<String>,
    /// The field at fault, e.g. `next`, `cases[1].is`, `text.en`, `start`.
    pub field: Option<String>,
    /// What is wrong, in words.
    pub message: String,
}

impl Finding {
    /// A finding with `code`'s severity.
    #[must_use]
    pub fn new(code: Code, node: Option<&str>, field: Option<String>, message: impl Into<String>) -> Self {
        Self { code, severity: code.severity(), node: node.map(str::to_owned), field, message: message.into() }
    }

    /// Whether the finding prevents running the script.
    #[must_use]
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]", self.severity.name(), self.code)?;
        match (&self.node, &self.field) {
            (Some(node), Some(field)) => write!(f, " node `{node}`, field `{field}`")?,
            (Some(node), None) => write!(f, " node `{node}`")?,
            (None, Some(field)) => write!(f, " field `{field}`")?,
            (None, None) => {}
        }
        write!(f, ": {}", self.message)
    }
}
