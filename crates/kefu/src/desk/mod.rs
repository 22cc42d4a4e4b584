//! The department as one running system: configuration, reactions between machines, and the desk that runs them.
//!
//! (Work in progress: the configuration is here; the reactions and the runtime follow.)

mod config;

pub use config::{
    Campaign, Compiled, ConfigIssue, ConfigIssues, Department, DeskConfig, Person, SPECIALIST, SUPERVISOR, ScriptBook,
    Selector,
};
