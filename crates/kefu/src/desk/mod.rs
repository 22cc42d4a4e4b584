//! The department as one running system: configuration, reactions between machines, and the desk that runs them.
//!
//! (Work in progress: the configuration is here; the reactions and the runtime follow.)

mod config;
#[cfg(any(feature = "toml", feature = "json"))]
mod file;

pub use config::{
    Campaign, Compiled, ConfigIssue, ConfigIssues, Department, DeskConfig, Person, SPECIALIST, SUPERVISOR, ScriptBook,
    Selector,
};
#[cfg(feature = "json")]
pub use file::load_json;
#[cfg(feature = "toml")]
pub use file::load_toml;
#[cfg(any(feature = "toml", feature = "json"))]
pub use file::{ConfigError, ConfigErrors, MAX_CONFIG_BYTES, ReadFile};
