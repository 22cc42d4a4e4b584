//! The command line, declared with clap's derive API: `kefu calendar <command> --calendar FILE ...`.

use std::ffi::OsStr;
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, TimeDelta};
use clap::builder::TypedValueParser;
use clap::error::ErrorKind;
use clap::{Args, Parser, Subcommand};

use kefu::duration;
use kefu::error::excerpt;

use crate::instant::When;

/// The exit codes, shown after every command's help.
macro_rules! exit_codes {
    () => {
        "\
Exit codes:
  0    success
  1    the calendar cannot answer (an instant outside 1970..2200, a calendar that never opens),
       or reading stdin / writing stdout failed (a closed stdout, `>&-`, is such a failure)
  2    usage or input error: unknown flag, malformed instant or duration, a local time the clocks
       skip, an unreadable, invalid or too large (over 16 MiB) calendar file
  141  stdout's reader went away (`| head -1`): kefu stops quietly, with the code a shell
       gives a program stopped by SIGPIPE"
    };
}

const TOP_HELP: &str = concat!(
    "\
Examples:
  kefu calendar add --calendar examples/calendars/prc-2026.toml --at 2026-02-14T17:00:00+08:00 --duration 2h
  kefu calendar between -c examples/calendars/prc-2026.toml --from 2026-02-14T00:00:00+08:00 --to 2026-03-01T00:00:00Z
  echo '{\"op\":\"is_open\",\"at\":\"2026-10-10T10:00:00+08:00\"}' | kefu calendar eval -c examples/calendars/prc-2026.toml

",
    exit_codes!()
);

/// The rule for instants and the exit codes, after the help of every calendar command.
const CALENDAR_HELP: &str = concat!(
    "\
Instants:
  RFC 3339 with an offset (2026-10-09T17:30:00+08:00, 2026-10-09T09:30:00Z), or a local date and
  time without one (2026-10-09 17:30, 2026-10-09T17:30:00) read on the calendar's own clock.
  Where the clocks go back, a local time that occurs twice is the earlier instant; where they
  jump forward, a local time that never occurs is refused with an error naming the jump.

",
    exit_codes!()
);

/// kefu (客服): business-calendar arithmetic for customer-service deadlines, from the shell.
///
/// A calendar file gives a time zone, weekly opening hours, holidays and make-up working days (调休); see
/// examples/calendars/. `kefu calendar` answers "when is this due?", "how much business time passed?" and
/// "is the desk open?" on it, one question per call or a stream of them with `kefu calendar eval`.
#[derive(Debug, Parser)]
#[command(name = "kefu", version, after_help = TOP_HELP, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Business-time arithmetic on a calendar file (TOML, or JSON when the file ends in `.json`).
    #[command(subcommand, after_help = CALENDAR_HELP)]
    Calendar(CalendarCommand),
    /// Callback scripts (rules S1, S2): check, render, run.
    #[command(subcommand)]
    Script(crate::script_cmd::ScriptCommand),
    /// Write a commented starter configuration (kefu.toml and its calendar) and create the SQLite store (kefu.db).
    Init(crate::init_cmd::InitArgs),
    /// The department's configuration file: check it.
    #[command(subcommand)]
    Config(crate::config_cmd::ConfigCommand),
    /// Play a chemical distributor's quarter through the desk in simulated time and summarise it.
    Simulate(Box<crate::simulate_cmd::SimulateArgs>),
    /// Agents needed for a service level such as 80/20 (rule O3), by Erlang C or A; `plan` for a whole day.
    Staffing(Box<crate::staffing_cmd::StaffingCommand>),
    /// The monthly or quarterly report from a store's log (rules B7, B10, O5): md, csv, json or html.
    #[command(subcommand)]
    Report(crate::report_cmd::ReportCommand),
    /// Serve the department over HTTP for ERPs in any language (JSON API, event stream, OpenAPI at /openapi.json).
    Serve(Box<crate::serve_cmd::ServeArgs>),
    /// Bearer tokens of `kefu serve`: create one.
    #[command(subcommand)]
    Token(crate::token_cmd::TokenCommand),
}

/// `kefu calendar ...`: one computation per call, or a stream of them with `eval`.
///
/// Instants are RFC 3339 with an offset, or local times on the calendar's clock (see `CALENDAR_HELP` for the rule
/// where the clocks change); results are printed on the calendar's own wall clock with its UTC offset. Durations
/// are business time: exact seconds of open time.
#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Print the instant at which a business duration has passed after --at.
    ///
    /// Example (the National Day holiday is skipped):
    ///
    ///   kefu calendar add --calendar examples/calendars/shanghai-2026-sample.toml \
    ///       --at 2026-09-30T17:30:00+08:00 --duration 1h
    ///   2026-10-08T09:30:00+08:00
    ///
    /// A result at a closing time is that closing instant; adding 0 outside opening hours
    /// gives the next opening. `3d` is 72 hours of open time; to count working dates, use
    /// add-working-days.
    #[command(after_help = CALENDAR_HELP, verbatim_doc_comment)]
    Add {
        /// The calendar and its file.
        #[command(flatten)]
        calendar: CalendarArg,
        /// The start: RFC 3339 (2026-10-09T17:30:00+08:00) or a local time on the calendar's clock
        /// (2026-10-09 17:30).
        #[arg(long, value_name = "TIME", value_parser = Checked(When::parse))]
        at: When,
        /// Business time to add: `90m`, `1h`, `1h30m`, `3d` (= 72 h of open time), or ISO 8601 `PT1H`,
        /// `PT90M`, `P1DT2H`. Months and years are refused (no fixed length).
        #[arg(long, value_name = "DUR", value_parser = Checked(parse_duration), allow_hyphen_values = true)]
        duration: TimeDelta,
    },
    /// Print the business time from --from to --to, in whole seconds (negative when --to is earlier).
    ///
    /// Example: --from 2026-09-30T17:30:00+08:00 --to 2026-10-08T09:30:00+08:00 prints 3600 on the sample calendar.
    #[command(after_help = CALENDAR_HELP)]
    Between {
        /// The calendar and its file.
        #[command(flatten)]
        calendar: CalendarArg,
        /// The start: RFC 3339 or a local time on the calendar's clock.
        #[arg(long, value_name = "TIME", value_parser = Checked(When::parse))]
        from: When,
        /// The end: RFC 3339 or a local time on the calendar's clock.
        #[arg(long, value_name = "TIME", value_parser = Checked(When::parse))]
        to: When,
    },
    /// Print the first instant at or after --at at which the calendar is open (--at itself when open).
    #[command(after_help = CALENDAR_HELP)]
    NextOpen {
        /// The calendar and its file.
        #[command(flatten)]
        calendar: CalendarArg,
        /// The instant: RFC 3339 or a local time on the calendar's clock.
        #[arg(long, value_name = "TIME", value_parser = Checked(When::parse))]
        at: When,
    },
    /// Print `true` when the calendar is open at --at, else `false` (opening instant open, closing instant closed).
    #[command(after_help = CALENDAR_HELP)]
    IsOpen {
        /// The calendar and its file.
        #[command(flatten)]
        calendar: CalendarArg,
        /// The instant: RFC 3339 or a local time on the calendar's clock.
        #[arg(long, value_name = "TIME", value_parser = Checked(When::parse))]
        at: When,
    },
    /// Print the same local time of day N working dates after --at (moved to the next opening if closed then).
    ///
    /// A working date is any date with opening hours, make-up working days included. `--days 0` is `next-open`.
    #[command(after_help = CALENDAR_HELP)]
    AddWorkingDays {
        /// The calendar and its file.
        #[command(flatten)]
        calendar: CalendarArg,
        /// The start: RFC 3339 or a local time on the calendar's clock.
        #[arg(long, value_name = "TIME", value_parser = Checked(When::parse))]
        at: When,
        /// How many working dates to move forward.
        #[arg(long, value_name = "N")]
        days: u32,
    },
    /// Answer a stream of JSON requests from stdin, one JSON answer per line on stdout.
    ///
    /// Each input line is one JSON object with an "op"; instants are RFC 3339, or local times
    /// on the calendar's clock as for the other commands:
    ///
    ///   {"op":"add","at":"2026-10-09T17:30:00+08:00","seconds":3600}   -> {"at":"2026-10-10T09:30:00+08:00"}
    ///   {"op":"add","at":"...","duration":"1h30m"}                      -> {"at":"..."}
    ///   {"op":"between","from":"...","to":"..."}                        -> {"seconds":3600}
    ///   {"op":"add_working_days","at":"...","days":3}                   -> {"at":"..."}
    ///   {"op":"next_open","at":"..."}                                   -> {"at":"..."}
    ///   {"op":"is_open","at":"..."}                                     -> {"open":true}
    ///
    /// A line that cannot be answered gives {"error":"line N: ..."} (N counts every input line
    /// from 1) and the batch goes on; such lines do not change the exit code. A line longer
    /// than 64 KiB is answered with such an error without being read into memory.
    ///
    /// Blank lines (empty or only whitespace) are skipped and give no output line, so output
    /// line k answers the k-th non-blank input line.
    ///
    /// Output is buffered and flushed at the end; use --flush-each-line when another program
    /// waits for each answer before sending the next request.
    #[command(after_help = CALENDAR_HELP, verbatim_doc_comment)]
    Eval {
        /// The calendar and its file.
        #[command(flatten)]
        calendar: CalendarArg,
        /// Flush stdout after every answer (for interactive use through a pipe; slower for big batches).
        #[arg(long)]
        flush_each_line: bool,
    },
}

/// The `--calendar FILE` argument shared by every calendar command.
#[derive(Debug, Args)]
pub struct CalendarArg {
    /// Calendar file: TOML, or JSON when the name ends in `.json`. See examples/calendars/ for the format.
    #[arg(long = "calendar", short = 'c', value_name = "FILE")]
    pub path: PathBuf,
}

/// A clap value parser made of a function, whose error repeats the value cut to its first 80 characters
/// ([`excerpt`]); clap's own error for a function repeats the whole value.
#[derive(Clone, Copy)]
pub struct Checked<T>(pub fn(&str) -> Result<T, String>);

impl<T: Clone + Send + Sync + 'static> TypedValueParser for Checked<T> {
    type Value = T;

    fn parse_ref(&self, cmd: &clap::Command, arg: Option<&clap::Arg>, value: &OsStr) -> Result<T, clap::Error> {
        let text = value.to_string_lossy();
        (self.0)(&text).map_err(|reason| {
            let arg = arg.map_or_else(|| "...".to_owned(), ToString::to_string);
            let message = format!("invalid value '{}' for '{arg}': {reason}", excerpt(&text));
            cmd.clone().error(ErrorKind::ValueValidation, message)
        })
    }
}

/// Parses an RFC 3339 instant for clap, with a hint in the error.
pub fn parse_instant(text: &str) -> Result<DateTime<FixedOffset>, String> {
    DateTime::parse_from_rfc3339(text.trim()).map_err(|e| {
        format!("not an RFC 3339 instant ({e}); write e.g. 2026-10-09T17:30:00+08:00 or 2026-10-09T09:30:00Z")
    })
}

/// Parses a business duration for clap (see [`duration::parse`]).
fn parse_duration(text: &str) -> Result<TimeDelta, String> {
    duration::parse(text).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
