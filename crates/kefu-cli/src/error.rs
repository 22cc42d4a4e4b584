//! The errors of the `kefu` binary and the exit code each one maps to.

use std::path::PathBuf;

use kefu::calendar::{CalendarError, LoadError};

use crate::instant::NoSuchLocalTime;

/// Exit code of a successful run.
pub const EXIT_OK: u8 = 0;
/// Exit code when the calendar cannot answer (an instant outside the supported years, a calendar that never
/// opens) or when reading stdin / writing stdout fails (stdout closed, disk full).
pub const EXIT_FAILURE: u8 = 1;
/// Exit code for usage and input errors: unknown flags, a malformed instant or duration, an unreadable, too large
/// or invalid calendar file. (clap uses the same code for its own usage errors.)
pub const EXIT_USAGE: u8 = 2;
/// Exit code when the reader of stdout went away (`kefu ... | head -1`): nothing more is printed, not even an
/// error, and the code is the one a shell reports for a program stopped by SIGPIPE (128 + 13), as it does for the
/// coreutils.
pub const EXIT_BROKEN_PIPE: u8 = 141;

/// Everything that can stop a `kefu` command. Each message names what was wrong and where.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A file given on the command line could not be read from disk.
    #[error("{}: cannot read the {what} file: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the file should hold: `calendar`, `script`.
        what: &'static str,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A file given on the command line is larger than the limit for its kind (a calendar is a few kilobytes;
    /// the limit keeps `-c /dev/zero` from eating the memory).
    #[error("{}: the {what} file is larger than {} MiB, the limit for a {what} file", path.display(), limit / (1024 * 1024))]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// What the file should hold.
        what: &'static str,
        /// The limit in bytes.
        limit: u64,
    },
    /// A file given on the command line is not UTF-8 text.
    #[error("{}: the {what} file is not UTF-8 text (the bytes from offset {valid_up_to} on are not)", path.display())]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// What the file should hold.
        what: &'static str,
        /// How many bytes from the start are valid UTF-8.
        valid_up_to: usize,
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
    /// A local time given without an offset does not exist on the calendar's clock (the clocks jump over it).
    #[error("--{flag}: {source}")]
    NoSuchLocalTime {
        /// The flag, e.g. `at`.
        flag: &'static str,
        /// The time and the jump over it.
        source: NoSuchLocalTime,
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
            _ if self.is_broken_pipe() => EXIT_BROKEN_PIPE,
            Self::Read { .. }
            | Self::TooLarge { .. }
            | Self::NotUtf8 { .. }
            | Self::LoadCalendar { .. }
            | Self::NoSuchLocalTime { .. } => EXIT_USAGE,
            Self::Calendar(_) | Self::Io { .. } => EXIT_FAILURE,
        }
    }

    /// Whether stdout's reader went away: the run stops quietly (see [`EXIT_BROKEN_PIPE`]).
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Self::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }

    /// Wraps an I/O error with what was being done.
    pub fn io(context: &'static str) -> impl FnOnce(std::io::Error) -> Self {
        move |source| Self::Io { context, source }
    }
}
