//! `kefu report monthly|quarterly`: the department's report of a month or a quarter (rules B7, B10, O5), read
//! from a store's event log, as Markdown, CSV, JSON or a self-contained HTML page.
//!
//! Exit codes: 0 success, 1 the store cannot be read (or the output written), 2 a usage or configuration error.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use kefu::report::{Period, Report, ReportError};
use kefu::store::Store;

use crate::config_cmd::{LoadFailure, load};

const EXIT_CODES: &str = "\
Exit codes:
  0    success
  1    the store cannot be opened or read, or the output cannot be written
  2    usage or configuration error: a malformed --month or --quarter, an unknown --store scheme, an unreadable
       or invalid --config file (each problem printed as FILE:LINE:COL: key.path: message)
  141  stdout's reader went away (`| head -1`)";

/// `kefu report ...`: compile the report of a period from the store's log.
///
/// Callbacks due and what became of them (every missed customer named, rule B10), survey answers, problems and
/// their cases, SLA compliance per policy, escalations, obligations, approvals, customers by standing, the KPIs of
/// rule O5 and the special feedback agreements of rule B7 (`[[reports.agreements]]` in kefu.toml).
#[derive(Debug, Subcommand)]
#[command(after_help = EXIT_CODES)]
pub enum ReportCommand {
    /// The monthly report (rule B7): callback results for the sales department.
    ///
    /// Example: kefu report monthly --month 2026-06 --store sqlite:kefu.db --format html --output june.html
    #[command(after_help = EXIT_CODES, verbatim_doc_comment)]
    Monthly {
        /// The month, `YYYY-MM`, in the configuration's time zone.
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
        /// Where from, how, where to.
        #[command(flatten)]
        common: Common,
    },
    /// The quarterly summary (rule B7).
    ///
    /// Example: kefu report quarterly --quarter 2026-Q2 --format json
    #[command(after_help = EXIT_CODES, verbatim_doc_comment)]
    Quarterly {
        /// The quarter, `YYYY-QN` (N from 1 to 4), in the configuration's time zone.
        #[arg(long, value_name = "YYYY-QN")]
        quarter: String,
        /// Where from, how, where to.
        #[command(flatten)]
        common: Common,
    },
}

/// The options every report takes.
#[derive(Debug, Args)]
pub struct Common {
    /// The store: `sqlite:FILE` or `postgres:URL` (e.g. postgres://user@host/db).
    #[arg(long, value_name = "sqlite:FILE|postgres:URL", default_value = "sqlite:kefu.db")]
    store: String,
    /// The PostgreSQL schema kefu's tables are in (with a postgres store).
    #[arg(long, value_name = "NAME", default_value = "kefu")]
    pg_schema: String,
    /// The department's configuration (its time zone and report agreements).
    #[arg(long, value_name = "FILE", default_value = "kefu.toml")]
    config: PathBuf,
    /// The output format.
    #[arg(long, value_enum, default_value_t = Format::Md)]
    format: Format,
    /// Write the report to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// How a report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Markdown tables.
    Md,
    /// CSV, one figure a line: table,row,column,value.
    Csv,
    /// The report as JSON.
    Json,
    /// One self-contained HTML page with SVG charts.
    Html,
}

const EXIT_STORE: u8 = 1;
const EXIT_USAGE: u8 = 2;
const EXIT_BROKEN_PIPE: u8 = 141;

fn fail(code: u8, message: &str) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "error: {message}");
    ExitCode::from(code)
}

/// Runs one `kefu report` command.
pub fn run(command: ReportCommand) -> ExitCode {
    let (flag, text, common, quarterly) = match &command {
        ReportCommand::Monthly { month, common } => ("--month", month, common, false),
        ReportCommand::Quarterly { quarter, common } => ("--quarter", quarter, common, true),
    };
    let period = match text.parse::<Period>() {
        Ok(p @ Period::Month { .. }) if !quarterly => p,
        Ok(p @ Period::Quarter { .. }) if quarterly => p,
        Ok(_) => {
            let shape = if quarterly { "a quarter such as 2026-Q2" } else { "a month such as 2026-06" };
            return fail(EXIT_USAGE, &format!("{flag}: `{text}` is not {shape}"));
        }
        Err(e) => return fail(EXIT_USAGE, &format!("{flag} {text}: {e}")),
    };
    let config = match load(&common.config) {
        Ok(config) => config,
        Err(LoadFailure::Unreadable(why)) => return fail(EXIT_USAGE, &format!("{}: {why}", common.config.display())),
        Err(LoadFailure::Invalid(errors)) => {
            let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
            return fail(EXIT_USAGE, &format!("--config:\n{}", lines.join("\n")));
        }
    };
    let report = match open_and_compile(&common.store, &common.pg_schema, &config, period) {
        Ok(report) => report,
        Err((code, message)) => return fail(code, &message),
    };
    let text = match common.format {
        Format::Md => report.to_markdown(),
        Format::Csv => report.to_csv(),
        Format::Html => report.to_html(),
        Format::Json => match serde_json::to_string_pretty(&report) {
            Ok(json) => json + "\n",
            Err(e) => return fail(EXIT_STORE, &format!("writing JSON: {e}")),
        },
    };
    write(common.output.as_deref(), &text)
}

/// Opens the store named by `--store` and compiles the report.
fn open_and_compile(
    store: &str,
    schema: &str,
    config: &kefu::desk::DeskConfig,
    period: Period,
) -> Result<Report, (u8, String)> {
    let compile = |s: &dyn Store| {
        Report::from_store(s, config, period).map_err(|e: ReportError| (EXIT_STORE, format!("--store {store}: {e}")))
    };
    if let Some(file) = store.strip_prefix("sqlite:") {
        // Opening would create an empty store; a report of nothing is a mistake, not a result.
        if !Path::new(file).is_file() {
            return Err((EXIT_STORE, format!("--store: no SQLite store at `{file}` (create one with `kefu init`)")));
        }
        let s = kefu_sqlite::SqliteStore::open(file).map_err(|e| (EXIT_STORE, format!("--store {store}: {e}")))?;
        return compile(&s);
    }
    if let Some(url) = store.strip_prefix("postgres:") {
        let options = kefu_postgres::Options::default().schema(schema);
        let s = kefu_postgres::PgStore::connect_with(url, &options)
            .map_err(|e| (EXIT_STORE, format!("--store postgres: {e}")))?;
        return compile(&s);
    }
    Err((EXIT_USAGE, format!("--store: `{store}` names no store; write sqlite:FILE or postgres:URL")))
}

fn write(output: Option<&Path>, text: &str) -> ExitCode {
    match output {
        Some(path) => match std::fs::write(path, text) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(EXIT_STORE, &format!("--output {}: {e}", path.display())),
        },
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(EXIT_BROKEN_PIPE),
                Err(e) => fail(EXIT_STORE, &format!("writing to stdout: {e}")),
            }
        }
    }
}
