//! The `kefu` command-line tool: business-calendar arithmetic from the shell.
//!
//! `kefu calendar add|between|next-open|is-open|add-working-days|eval --calendar FILE ...` and
//! `kefu script check|render|run FILE`, `kefu staffing [plan]`; see `kefu --help`.

mod calendar_cmd;
mod cli;
mod error;
mod eval;
mod script_cmd;
mod staffing_cmd;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Calendar(command) => calendar_cmd::run(command),
        Command::Script(command) => return script_cmd::run(command),
        Command::Staffing(command) => return staffing_cmd::run(*command),
    };
    match result {
        Ok(()) => ExitCode::from(error::EXIT_OK),
        Err(e) => {
            eprintln!("error: {}", e.to_string().trim_end());
            ExitCode::from(e.exit_code())
        }
    }
}
