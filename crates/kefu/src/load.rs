//! Reading definitions (calendars, scripts) from TOML or JSON text, with the key path of a malformed value.
//!
//! The parsing and the key-path tracking live here once; each module's loaders return [`LoadError`] with their own
//! definition error.

/// A definition text (a calendar, a script, …) that cannot be loaded: malformed TOML or JSON, with the line, the
/// column and the key path of the value at fault, or a definition that parsed but is invalid (`E`: a calendar's
/// [`DefinitionError`](crate::calendar::DefinitionError), a script's [`Invalid`](crate::script::Invalid)).
///
/// Each module names its own: [`calendar::LoadError`](crate::calendar::LoadError),
/// [`script::LoadError`](crate::script::LoadError).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError<E> {
    /// The TOML text is malformed or does not have the expected shape; the message gives line and column, and
    /// `field` the key path of the value at fault (e.g. `week.mon[1]`, `nodes[3].next`) when there is one.
    #[cfg(feature = "toml")]
    #[error("{}{source}", in_field(.field))]
    Toml {
        /// Key path of the value at fault.
        field: Option<String>,
        /// The parser's error.
        source: toml::de::Error,
    },
    /// The JSON text is malformed or does not have the expected shape; the message gives line and column, and
    /// `field` the key path of the value at fault when there is one.
    #[cfg(feature = "json")]
    #[error("{}{source}", in_field(.field))]
    Json {
        /// Key path of the value at fault.
        field: Option<String>,
        /// The parser's error.
        source: serde_json::Error,
    },
    /// The text parsed, but what it defines is invalid; the message names the field or node at fault.
    #[error(transparent)]
    Invalid(#[from] E),
}

/// `in `field`: ` before a parser's message when the key path is known.
#[cfg(any(feature = "toml", feature = "json"))]
fn in_field(field: &Option<String>) -> String {
    field.as_deref().map(|f| format!("in `{f}`: ")).unwrap_or_default()
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
