//! Reading definitions (calendars, scripts) from TOML or JSON text, with the key path of a malformed value.
//!
//! The parsing and the key-path tracking live here once; each module's loaders return [`LoadError`] with their own
//! definition error.
//!
//! Messages stay short whatever the input: a parser's message may quote a whole line of the text, so each of its
//! lines is cut (see [`cut_lines`](crate::error::cut_lines)), and so is the key path.

use core::fmt;

use crate::error::cut_lines;
#[cfg(any(feature = "toml", feature = "json"))]
use crate::error::excerpt;

/// A definition text (a calendar, a script, …) that cannot be loaded: malformed TOML or JSON, with the line, the
/// column and the key path of the value at fault (each line of the parser's message cut to
/// [`LINE_CHARS`](crate::error::LINE_CHARS) characters), or a definition that parsed but is invalid (`E`: a calendar's
/// [`DefinitionError`](crate::calendar::DefinitionError), a script's [`Invalid`](crate::script::Invalid)).
///
/// Each module names its own: [`calendar::LoadError`](crate::calendar::LoadError),
/// [`script::LoadError`](crate::script::LoadError).
#[derive(Debug)]
#[non_exhaustive]
pub enum LoadError<E> {
    /// The TOML text is malformed or does not have the expected shape; the message gives line and column, and
    /// `field` the key path of the value at fault (e.g. `week.mon[1]`, `nodes[3].next`) when there is one.
    #[cfg(feature = "toml")]
    Toml {
        /// Key path of the value at fault.
        field: Option<String>,
        /// The parser's error.
        source: toml::de::Error,
    },
    /// The JSON text is malformed or does not have the expected shape; the message gives line and column, and
    /// `field` the key path of the value at fault when there is one.
    #[cfg(feature = "json")]
    Json {
        /// Key path of the value at fault.
        field: Option<String>,
        /// The parser's error.
        source: serde_json::Error,
    },
    /// The text parsed, but what it defines is invalid; the message names the field or node at fault. Its
    /// message is the definition error's, each line cut to [`LINE_CHARS`](crate::error::LINE_CHARS) characters
    /// (a definition error may quote a value whole).
    Invalid(E),
}

// By hand rather than with thiserror, which can neither infer `E: Display` for a message made by `cut_lines` nor
// leave `E` out of `source()` (the message already says all of it).
impl<E: fmt::Display> fmt::Display for LoadError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            #[cfg(feature = "toml")]
            Self::Toml { field, source } => write!(f, "{}{}", in_field(field), cut_lines(source)),
            #[cfg(feature = "json")]
            Self::Json { field, source } => write!(f, "{}{}", in_field(field), cut_lines(source)),
            Self::Invalid(e) => write!(f, "{}", cut_lines(e)),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for LoadError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            #[cfg(feature = "toml")]
            Self::Toml { source, .. } => Some(source),
            #[cfg(feature = "json")]
            Self::Json { source, .. } => Some(source),
            Self::Invalid(_) => None,
        }
    }
}

impl<E> From<E> for LoadError<E> {
    fn from(e: E) -> Self {
        Self::Invalid(e)
    }
}

/// `in `field`: ` before a parser's message when the key path is known.
#[cfg(any(feature = "toml", feature = "json"))]
fn in_field(field: &Option<String>) -> String {
    field.as_deref().map(|f| format!("in `{}`: ", excerpt(f))).unwrap_or_default()
}

/// The key path of a deserialisation error, `None` at the top level (where the message says enough).
#[cfg(any(feature = "toml", feature = "json"))]
fn key_path(path: &serde_path_to_error::Path) -> Option<String> {
    let text = path.to_string();
    (text != ".").then_some(text)
}

/// Reads TOML text into `T`, tracking the key path of a malformed value.
#[cfg(feature = "toml")]
pub(crate) fn from_toml<T: serde::de::DeserializeOwned, E>(text: &str) -> Result<T, LoadError<E>> {
    let de = toml::de::Deserializer::parse(text).map_err(|source| LoadError::Toml { field: None, source })?;
    serde_path_to_error::deserialize(de)
        .map_err(|e| LoadError::Toml { field: key_path(e.path()), source: e.into_inner() })
}

/// Reads JSON text into `T`, tracking the key path of a malformed value; trailing text is an error.
#[cfg(feature = "json")]
pub(crate) fn from_json<T: serde::de::DeserializeOwned, E>(text: &str) -> Result<T, LoadError<E>> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| LoadError::Json { field: key_path(e.path()), source: e.into_inner() })?;
    de.end().map_err(|source| LoadError::Json { field: None, source })?;
    Ok(value)
}

#[cfg(all(test, feature = "toml", feature = "json"))]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Shape {
        name: String,
        count: u32,
    }

    type Loaded = Result<Shape, LoadError<std::convert::Infallible>>;

    #[test]
    fn a_huge_bad_line_makes_a_short_message() {
        let huge = "x".repeat(1_000_000);
        for text in [
            format!("name = \"{huge}\"\ncount = \"{huge}\"\n"),
            format!("name = \"{huge}\ncount = 1\n"),
            format!("name = {huge}\ncount = 1\n"),
        ] {
            let loaded: Loaded = from_toml(&text);
            let message = loaded.expect_err("malformed").to_string();
            assert!(message.len() < 4 * crate::error::LINE_CHARS, "{} bytes: {}", message.len(), &message[..200]);
            assert!(message.contains("bytes)"), "{message}");
        }
        let json = format!("{{\"name\": \"n\", \"count\": \"{huge}\"}}");
        let loaded: Loaded = from_json(&json);
        let message = loaded.expect_err("a string count").to_string();
        assert!(message.len() < 2 * crate::error::LINE_CHARS, "{message}");
    }

    #[test]
    fn short_messages_are_unchanged() {
        let loaded: Loaded = from_toml("name = \"n\"\ncount = -1\n");
        let message = loaded.expect_err("negative count").to_string();
        assert!(message.starts_with("in `count`: TOML parse error at line 2, column 9"), "{message}");
        assert!(!message.contains('…'), "{message}");
    }
}
