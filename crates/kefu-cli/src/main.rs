//! The `kefu` command-line tool: business-calendar arithmetic from the shell.
//!
//! `kefu calendar add|between|next-open|is-open|add-working-days|eval --calendar FILE ...` and
//! `kefu script check|render|run FILE`; see `kefu --help`.

mod calendar_cmd;
mod cli;
mod error;
mod eval;
mod input;
mod instant;
mod script_cmd;

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser;
use kefu::error::cut_lines;

use crate::cli::{Cli, Command};

fn main() -> ExitCode {
    // Before anything else can open a file and take descriptor 1's place.
    if stdout_was_closed() {
        let _ = writeln!(
            std::io::stderr(),
            "error: stdout is closed (`>&-`), so the answer cannot be printed; to discard it, redirect it to \
             /dev/null for writing (`>/dev/null`)"
        );
        return ExitCode::from(error::EXIT_FAILURE);
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Calendar(command) => calendar_cmd::run(command),
        Command::Script(command) => return script_cmd::run(command),
    };
    match result {
        Ok(()) => ExitCode::from(error::EXIT_OK),
        // The reader has gone (`| head -1`): nothing to say, and no one to say it to on stdout.
        Err(e) if e.is_broken_pipe() => ExitCode::from(e.exit_code()),
        Err(e) => {
            // A failing stderr leaves only the exit code to tell; it must not turn into a panic.
            let _ = writeln!(std::io::stderr(), "error: {}", cut_lines(e.to_string().trim_end()));
            ExitCode::from(e.exit_code())
        }
    }
}

/// Whether the caller closed stdout (`kefu ... >&-`).
///
/// Rust's runtime reopens a closed standard descriptor on `/dev/null`, for reading and writing, before `main`
/// runs (so that no file opened later takes its number); writes then vanish without an error. A shell's
/// `>/dev/null` opens it for writing only. So stdout on `/dev/null` that can also be read is the mark of a
/// closed stdout. (A parent that hands over `/dev/null` opened for reading and writing, as some process
/// libraries do for "ignore the output", is taken the same way; the message says how to discard output instead.)
#[cfg(unix)]
fn stdout_was_closed() -> bool {
    use std::io::Read as _;
    use std::os::fd::AsFd as _;
    use std::os::unix::fs::{FileTypeExt as _, MetadataExt as _};

    let Ok(fd) = std::io::stdout().as_fd().try_clone_to_owned() else {
        // Not even a descriptor to duplicate: closed, and not reopened.
        return true;
    };
    let stdout = std::fs::File::from(fd);
    let (Ok(meta), Ok(null)) = (stdout.metadata(), std::fs::metadata("/dev/null")) else { return false };
    let is_null = meta.file_type().is_char_device() && meta.rdev() == null.rdev();
    // Reading /dev/null gives end of file at once; reading a write-only descriptor fails.
    is_null && (&stdout).read(&mut [0_u8; 1]).is_ok()
}

#[cfg(not(unix))]
fn stdout_was_closed() -> bool {
    false
}
