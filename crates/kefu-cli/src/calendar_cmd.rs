//! The `kefu calendar` commands: load the calendar file, compute, print one answer.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use chrono::{DateTime, SecondsFormat, Utc};
use kefu::calendar::Calendar;

use crate::cli::CalendarCommand;
use crate::error::CliError;
use crate::eval;
use crate::input;
use crate::instant::When;

/// Reads and validates a calendar file: JSON when the name ends in `.json` (any case), TOML otherwise.
///
/// Errors name the file, then the field at fault (`week.mon`, `holidays[2].to`, ...) and, for TOML, the line
/// and column. A file over [`input::FILE_LIMIT`] is refused unread.
pub fn load(path: &Path) -> Result<Calendar, CliError> {
    let text = input::read_text(path, "calendar")?;
    let is_json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let loaded = if is_json { Calendar::from_json_str(&text) } else { Calendar::from_toml_str(&text) };
    loaded.map_err(|source| CliError::LoadCalendar { path: path.to_owned(), source: Box::new(source) })
}

/// Appends `t` as RFC 3339 on the calendar's wall clock, with its UTC offset (`2026-10-10T09:30:00+08:00`);
/// fractional seconds only when there are any.
pub fn write_instant(out: &mut String, calendar: &Calendar, t: DateTime<Utc>) {
    // Writing to a String cannot fail.
    let _ = write!(out, "{}", calendar.local(t).to_rfc3339_opts(SecondsFormat::AutoSi, false));
}

/// The instant given with `--flag`, a local time being read on the calendar's clock (see [`When::resolve`]).
fn instant(calendar: &Calendar, flag: &'static str, when: When) -> Result<DateTime<Utc>, CliError> {
    when.resolve(&calendar.time_zone()).map_err(|source| CliError::NoSuchLocalTime { flag, source })
}

/// Runs one `kefu calendar` command, printing its answer on stdout.
pub fn run(command: CalendarCommand) -> Result<(), CliError> {
    let mut answer = String::new();
    match command {
        CalendarCommand::Add { calendar, at, duration } => {
            let calendar = load(&calendar.path)?;
            let due = calendar.add(instant(&calendar, "at", at)?, duration)?;
            write_instant(&mut answer, &calendar, due);
        }
        CalendarCommand::Between { calendar, from, to } => {
            let calendar = load(&calendar.path)?;
            let d = calendar.between(instant(&calendar, "from", from)?, instant(&calendar, "to", to)?)?;
            let _ = write!(answer, "{}", d.num_seconds());
        }
        CalendarCommand::NextOpen { calendar, at } => {
            let calendar = load(&calendar.path)?;
            let open = calendar.next_open(instant(&calendar, "at", at)?)?;
            write_instant(&mut answer, &calendar, open);
        }
        CalendarCommand::IsOpen { calendar, at } => {
            let calendar = load(&calendar.path)?;
            let _ = write!(answer, "{}", calendar.is_open(instant(&calendar, "at", at)?)?);
        }
        CalendarCommand::AddWorkingDays { calendar, at, days } => {
            let calendar = load(&calendar.path)?;
            let due = calendar.add_working_days(instant(&calendar, "at", at)?, days)?;
            write_instant(&mut answer, &calendar, due);
        }
        CalendarCommand::Eval { calendar, flush_each_line } => {
            let calendar = load(&calendar.path)?;
            let stdin = std::io::stdin().lock();
            let stdout = std::io::stdout().lock();
            return eval::run(&calendar, stdin, stdout, flush_each_line);
        }
    }
    answer.push('\n');
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(answer.as_bytes()).and_then(|()| stdout.flush()).map_err(CliError::io("writing to stdout"))
}
