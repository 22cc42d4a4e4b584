//! Reading quality definitions (surveys, scorecards, sampling plans) from TOML, with every error located: the file,
//! the line and column, and the key path of the value at fault.

use core::fmt;

#[cfg(feature = "toml")]
use serde::de::DeserializeOwned;

use crate::error::excerpt;

/// The largest definition text read, in bytes: a larger one is refused before it is parsed.
pub const MAX_DEFINITION_BYTES: usize = 4 * 1024 * 1024;

/// One thing wrong in a quality definition, and where it is written.
///
/// Displayed as `file:line:column: key.path: problem`, like a compiler's message.
///
/// ```
/// use kefu::quality::{Problem, Scorecard};
///
/// let text = "id = \"c\"\nversion = 1\npass_mark = 0.8\n[[criteria]]\nid = \"x\"\nweight = 0\nmax = 5\n";
/// let errors = Scorecard::from_toml_str(text, "card.toml").unwrap_err();
/// let first = &errors.errors()[0];
/// assert_eq!((first.file.as_str(), first.line, first.path.as_str()), ("card.toml", 6, "criteria[0].weight"));
/// assert!(matches!(first.problem, Problem::OutOfRange { .. }));
/// assert_eq!(first.to_string(), "card.toml:6:10: criteria[0].weight: 0 is out of range: 1 to 1000");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{file}:{line}:{column}: {}{problem}", if path.is_empty() { String::new() } else { format!("{}: ", excerpt(path)) })]
pub struct DefinitionError {
    /// The file's name, as the caller gave it.
    pub file: String,
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, in characters.
    pub column: usize,
    /// The key path of the value at fault (`criteria[2].weight`, `script.nodes[3].next`); empty for the whole file.
    pub path: String,
    /// What is wrong.
    pub problem: Problem,
}

/// What is wrong in a quality definition. Each variant says how to fix it.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Problem {
    /// The text is larger than [`MAX_DEFINITION_BYTES`].
    #[error("the text has {bytes} bytes; definitions are limited to {} bytes", MAX_DEFINITION_BYTES)]
    TooBig {
        /// Its size.
        bytes: usize,
    },
    /// The text is not TOML. How to fix: see the parser's message.
    #[error("{0}")]
    Syntax(String),
    /// A value of the wrong type, an unknown key or a missing one. How to fix: see the message.
    #[error("{0}")]
    Shape(String),
    /// A number outside its range. How to fix: see the range.
    #[error("{value} is out of range: {range}")]
    OutOfRange {
        /// The value given.
        value: String,
        /// The range allowed, in words.
        range: &'static str,
    },
    /// An id given twice (a criterion, a scored choice). How to fix: rename one.
    #[error("`{}` is given twice", excerpt(.0))]
    Duplicate(String),
    /// A name that refers to nothing (a question the script lacks, a choice the question lacks). How to fix: use
    /// one of the names listed.
    #[error("`{}` is not {what} (known: {known})", excerpt(.name))]
    Unknown {
        /// The name given.
        name: String,
        /// What it should be, in words (`a question of the script`).
        what: &'static str,
        /// The names allowed.
        known: String,
    },
    /// An empty id or list where one is needed. How to fix: give it.
    #[error("{0}")]
    Missing(&'static str),
    /// A question scored or used as a theme that cannot be: only choice and yes/no questions have values to count.
    #[error("question `{}` is a {kind} question; only choice and yes/no questions are scored or counted", excerpt(.question))]
    NotCountable {
        /// The question.
        question: String,
        /// Its kind of answer.
        kind: &'static str,
    },
    /// The survey's script does not validate (rules S1, S2 validation, reused). How to fix: see the finding.
    #[error("{0}")]
    Script(crate::script::Finding),
    /// An SLA policy that does not validate. How to fix: see the policy's message.
    #[error("{0}")]
    Policy(String),
}

/// Every error of a definition that could not be loaded, in the order of the file (at least one).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub struct DefinitionErrors(pub(crate) Vec<DefinitionError>);

impl DefinitionErrors {
    /// The errors, in the order of the file.
    #[must_use]
    pub fn errors(&self) -> &[DefinitionError] {
        &self.0
    }
}

impl fmt::Display for DefinitionErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

/// A parsed definition text: the deserialised value, and where each key is written, so that the checks after
/// deserialisation can locate what they find.
#[cfg(feature = "toml")]
pub(crate) struct Doc<'a> {
    file: &'a str,
    text: &'a str,
    root: toml::de::DeTable<'a>,
    pub(crate) errors: Vec<DefinitionError>,
}

#[cfg(feature = "toml")]
impl<'a> Doc<'a> {
    /// Parses `text` (named `file` in messages) and deserialises it into `T`.
    pub(crate) fn parse<T: DeserializeOwned>(text: &'a str, file: &'a str) -> Result<(T, Self), DefinitionErrors> {
        let at_start = |problem| DefinitionErrors(vec![error_at(file, text, 0, String::new(), problem)]);
        if text.len() > MAX_DEFINITION_BYTES {
            return Err(at_start(Problem::TooBig { bytes: text.len() }));
        }
        let root = toml::de::DeTable::parse(text).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start);
            DefinitionErrors(vec![error_at(file, text, at, String::new(), Problem::Syntax(e.message().to_owned()))])
        })?;
        let doc = Self { file, text, root: root.into_inner(), errors: Vec::new() };
        let de = toml::de::Deserializer::parse(text).map_err(|e| at_start(Problem::Syntax(e.message().to_owned())))?;
        match serde_path_to_error::deserialize::<_, T>(de) {
            Ok(value) => Ok((value, doc)),
            Err(e) => {
                let path = e.path().to_string();
                let path = if path == "." { String::new() } else { path };
                let inner = e.into_inner();
                let at = inner.span().map_or_else(|| doc.offset(&path), |s| s.start);
                Err(DefinitionErrors(vec![error_at(file, text, at, path, Problem::Shape(inner.message().to_owned()))]))
            }
        }
    }

    /// Records `problem` about the value at `path`.
    pub(crate) fn error(&mut self, path: impl Into<String>, problem: Problem) {
        let path = path.into();
        let at = self.offset(&path);
        self.errors.push(error_at(self.file, self.text, at, path, problem));
    }

    /// `value` if nothing was recorded, else every error in the order of the file.
    pub(crate) fn finish<T>(mut self, value: T) -> Result<T, DefinitionErrors> {
        if self.errors.is_empty() {
            return Ok(value);
        }
        self.errors.sort_by(|a, b| (a.line, a.column, &a.path).cmp(&(b.line, b.column, &b.path)));
        Err(DefinitionErrors(self.errors))
    }

    /// Byte offset where the value at `path` is written, or the innermost enclosing value that is.
    fn offset(&self, path: &str) -> usize {
        use toml::de::DeValue;
        let mut table = &self.root;
        let mut at = 0;
        let mut rest = path;
        loop {
            rest = rest.strip_prefix('.').unwrap_or(rest);
            if rest.is_empty() {
                return at;
            }
            // The longest key of this table that the path goes on with (keys may contain dots).
            let Some((key, value)) = table
                .iter()
                .filter(|(k, _)| {
                    rest.strip_prefix(&**k.get_ref())
                        .is_some_and(|after| after.is_empty() || after.starts_with(['.', '[']))
                })
                .max_by_key(|(k, _)| k.get_ref().len())
            else {
                return at;
            };
            rest = &rest[key.get_ref().len()..];
            let mut value = value;
            at = if value.span().is_empty() { key.span().start } else { value.span().start };
            // Array indices, `[2]`, possibly several.
            while let Some(after) = rest.strip_prefix('[') {
                let Some((index, after)) = after.split_once(']') else { return at };
                let DeValue::Array(items) = value.get_ref() else { return at };
                let Some(item) = index.parse::<usize>().ok().and_then(|i| items.get(i)) else { return at };
                value = item;
                at = item.span().start;
                rest = after;
            }
            match value.get_ref() {
                DeValue::Table(inner) => table = inner,
                _ => return at,
            }
        }
    }
}

/// The error at byte offset `at` of `text`.
#[cfg(feature = "toml")]
fn error_at(file: &str, text: &str, at: usize, path: String, problem: Problem) -> DefinitionError {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    DefinitionError {
        file: file.to_owned(),
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
        path,
        problem,
    }
}
