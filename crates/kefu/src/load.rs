//! Reading definitions (calendars, scripts) from TOML or JSON text, with the key path of a malformed value.
//!
//! Crate-private: each public loader converts [`Parse`] into its own `LoadError`, so that its error type names what
//! was being loaded while the parsing and the key-path tracking live here once.

/// Text that is malformed or does not have the expected shape: the parser's error (line and column) and the key
/// path of the value at fault (e.g. `week.mon[1]`, `nodes[3].next`), `None` at the top level.
#[derive(Debug)]
pub(crate) enum Parse {
    /// Malformed TOML.
    #[cfg(feature = "toml")]
    Toml {
        /// Key path of the value at fault.
        field: Option<String>,
        /// The parser's error.
        source: toml::de::Error,
    },
    /// Malformed JSON.
    #[cfg(feature = "json")]
    Json {
        /// Key path of the value at fault.
        field: Option<String>,
        /// The parser's error.
        source: serde_json::Error,
    },
}

/// `in `field`: ` before a parser's message when the key path is known.
#[cfg(any(feature = "toml", feature = "json"))]
pub(crate) fn in_field(field: &Option<String>) -> String {
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
pub(crate) fn from_toml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, Parse> {
    let de = toml::de::Deserializer::parse(text).map_err(|source| Parse::Toml { field: None, source })?;
    serde_path_to_error::deserialize(de).map_err(|e| Parse::Toml { field: key_path(e.path()), source: e.into_inner() })
}

/// Reads JSON text into `T`, tracking the key path of a malformed value; trailing text is an error.
#[cfg(feature = "json")]
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, Parse> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| Parse::Json { field: key_path(e.path()), source: e.into_inner() })?;
    de.end().map_err(|source| Parse::Json { field: None, source })?;
    Ok(value)
}
