//! The `kefu` command-line tool: business-calendar arithmetic from the shell.
//!
//! `kefu calendar add|between|next-open|is-open|add-working-days|eval --calendar FILE ...` and
//! `kefu script check|render|run FILE`, `kefu staffing [plan]`, `kefu simulate`; see `kefu --help`.

mod calendar_cmd;
mod cli;
mod config_cmd;
mod error;
mod eval;
mod init_cmd;
mod input;
mod instant;
mod report_cmd;
mod script_cmd;
mod serve_cmd;
mod simulate_cmd;
mod staffing_cmd;
mod token_cmd;

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser;
use kefu::error::cut_lines;

use crate::cli::{Cli, Command};

/// A closed stdout (`kefu ... >&-`) cannot be told apart from a parent's `/dev/null`: Rust's runtime reopens a
/// closed descriptor on `/dev/null` before `main`, exactly as Python's `subprocess.DEVNULL` or Node's
/// `stdio: 'ignore'` hand it over. Treating one as an error would refuse the other, so kefu writes to it like to
/// any `/dev/null`; every real write error (a reader gone, a full disk) is reported with a failure code.
fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Calendar(command) => calendar_cmd::run(command),
        Command::Script(command) => return script_cmd::run(command),
        Command::Init(args) => return init_cmd::run(args),
        Command::Config(command) => return config_cmd::run(command),
        Command::Staffing(command) => return staffing_cmd::run(*command),
        Command::Simulate(args) => return simulate_cmd::run(*args),
        Command::Report(command) => return report_cmd::run(command),
        Command::Serve(args) => return serve_cmd::run(*args),
        Command::Token(command) => return token_cmd::run(command),
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
