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
    /// The same locale is declared twice in `locales`. Fix: delete the repeat.
    DuplicateLocale = "duplicate-locale", Warning;
    /// An id is empty or only white space: the script's `id`, a node's `id`, a choice's `value` or a locale. Such an
    /// id cannot be told apart from "none" (an empty line skips a question in `kefu script run`). Fix: name it.
    EmptyId = "empty-id", Error;
    /// An id (the script's, a node's, a choice's value, a locale) contains a control character (a line break, a
    /// tab, an escape sequence, …) or an invisible formatting character (zero-width space, bidirectional override,
    /// byte-order mark). Ids are written into every event and printed on terminals, where such characters hide or
    /// disguise what the id is. Fix: use visible characters only.
    UnprintableId = "unprintable-id", Error;
    /// An id (the script's, a node's, a choice's value, a locale) is longer than
    /// [`MAX_ID_BYTES`](super::MAX_ID_BYTES) bytes of UTF-8; ids are copied into every event of a run. Fix: shorten
    /// it (the text is where the words go).
    IdTooLong = "id-too-long", Error;
    /// An id starts or ends with white space, so it looks like another id that does not. Fix: trim it.
    PaddedId = "padded-id", Warning;
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
    /// Two choices of a question read the same in a locale (ignoring case and surrounding spaces): the agent cannot
    /// tell them apart, and a typed answer picks the first. Fix: word them differently.
    DuplicateChoiceText = "duplicate-choice-text", Warning;
    /// A branch tests the same question and value twice: the later case can never be taken. Fix: delete it, or
    /// test another value.
    DuplicateCase = "duplicate-case", Warning;
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
    /// A text lacks one of the script's locales (or is empty, or only white space, in it). Fix: add the translation.
    MissingText = "missing-text", Error;
    /// A text contains a control character other than a line break or a tab (e.g. a terminal escape sequence):
    /// texts are shown to agents, and such characters can rewrite what the screen shows. Fix: delete it.
    UnprintableText = "unprintable-text", Error;
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
/// Displays as `error[unknown-target] node `ask_time`, field `next`: …`, with control and invisible formatting
/// characters shown as escapes (`\u{202e}`), so that printing a finding about a hostile script is safe.
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
            (Some(node), Some(field)) => write!(f, " node `{}`, field `{}`", Visible(node), Visible(field))?,
            (Some(node), None) => write!(f, " node `{}`", Visible(node))?,
            (None, Some(field)) => write!(f, " field `{}`", Visible(field))?,
            (None, None) => {}
        }
        write!(f, ": {}", Visible(&self.message))
    }
}

/// Whether `c` is invisible on a screen yet changes what is shown: zero-width characters, bidirectional controls,
/// the byte-order mark (Unicode format characters that matter for ids).
pub(crate) fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{00ad}' | '\u{061c}' | '\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206f}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}')
}

/// Text written with control and invisible formatting characters as escapes (`\n`, `\u{202e}`).
struct Visible<'a>(&'a str);

impl fmt::Display for Visible<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            if c.is_control() || is_invisible_format(c) {
                write!(f, "{}", c.escape_default())?;
            } else {
                fmt::Write::write_char(f, c)?;
            }
        }
        Ok(())
    }
}
