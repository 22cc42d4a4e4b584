//! The errors of the `kefu` binary and the exit code each one maps to.

use std::path::PathBuf;

use kefu::calendar::{CalendarError, LoadError};

/// Exit code of a successful run.
pub const EXIT_OK: u8 = 0;
/// Exit code when the calendar cannot answer (an instant outside the supported years, a calendar that never
/// opens) or when reading stdin / writing stdout fails.
pub const EXIT_FAILURE: u8 = 1;
/// Exit code for usage and input errors: unknown flags, a malformed instant or duration, an unreadable or
/// invalid calendar file. (clap uses the same code for its own usage errors.)
pub const EXIT_USAGE: u8 = 2;

/// Everything that can stop a `kefu` command. Each message names what was wrong and where.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The calendar file could not be read from disk.
    #[error("{}: cannot read the calendar file: {source}", path.display())]
    ReadCalendar {
        /// The file given with `--calendar`.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The calendar file was read but is not a valid calendar; the message names the field and, for TOML, the
    /// line and column.
    #[error("{}: {source}", path.display())]
    LoadCalendar {
        /// The file given with `--calendar`.
        path: PathBuf,
        /// What is wrong in it (boxed: it is large and rare).
        source: Box<LoadError>,
    },
    /// The calendar could not compute the answer.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// Reading stdin or writing stdout failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done, e.g. `writing to stdout`.
        context: &'static str,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl CliError {
    /// The process exit code for this error (see `kefu --help`).
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::ReadCalendar { .. } | Self::LoadCalendar { .. } => EXIT_USAGE,
            Self::Calendar(_) | Self::Io { .. } => EXIT_FAILURE,
        }
    }

    /// Wraps an I/O error with what was being done.
    pub fn io(context: &'static str) -> impl FnOnce(std::io::Error) -> Self {
        move |source| Self::Io { context, source }
    }
}
