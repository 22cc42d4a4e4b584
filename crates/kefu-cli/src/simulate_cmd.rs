//! `kefu simulate`: a synthetic chemical distributor's quarter played through the desk (`kefu::simulation`) on a
//! store of your choice, then summarised from the store's log.

mod summary;

use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use chrono::NaiveDate;
use clap::Args;
use kefu::desk::{ConfigError, Desk, DeskConfig};
use kefu::simulation::{Progress, Run, Scenario, SimulationError, simulate};
use kefu::store::{MemoryStore, Position, Store, StoreError};

use crate::config_cmd::{self, LoadFailure};
use crate::init_cmd;

pub use summary::Summary;

const EXIT_CODES: &str = "\
Exit codes:
  0  the simulation ran; the summary is on stdout (and in --json FILE)
  1  the store failed (cannot be opened or written), the simulation stopped, or the summary could not be written
  2  usage or input error: a malformed flag (named in the message), an unreadable or invalid configuration, a
     configuration the simulation cannot play, or a store that already holds data";

/// `kefu simulate [--config FILE] [--customers N] [--days D] [--start DATE] [--seed S] [--store STORE] [--json FILE]`.
///
/// Plays a chemical distributor's customers and service department against the desk in simulated time: the ERP's
/// facts (contracts, documents, files, orders, sales, overdue invoices, inquiries, credit changes), the specialists'
/// callbacks in their working hours and the customers' contact hours, the departments' and the supervisor's work on
/// cases, leadership's decisions. Every choice comes from one seeded generator: the same flags give the same log on
/// any store, and the same summary.
///
/// Without --config it plays the starter configuration of `kefu init` (鸿枫化工, Shanghai).
///
/// Example (a quarter of 1000 customers into a new SQLite file, the summary also as JSON):
///
///   kefu simulate --store sqlite:quarter.db --json summary.json
#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES, verbatim_doc_comment)]
pub struct SimulateArgs {
    /// The department's configuration (as for `kefu config check`); the starter of `kefu init` when omitted.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// How many customers.
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub customers: u32,
    /// How many days to simulate.
    #[arg(long, value_name = "D", default_value_t = 91, value_parser = clap::value_parser!(u32).range(1..=3660))]
    pub days: u32,
    /// The first day (a local date in the configuration's time zone).
    #[arg(long, value_name = "DATE", default_value = "2026-04-01", value_parser = parse_date)]
    pub start: NaiveDate,
    /// The seed of every random choice.
    #[arg(long, value_name = "S", default_value_t = 2026)]
    pub seed: u64,
    /// Where the desk keeps its log: `memory`, `sqlite:FILE` (created; it must not hold data yet) or `postgres:URL`
    /// (its schema must not hold data yet; see --schema).
    #[arg(long, value_name = "STORE", default_value = "memory", value_parser = StoreSpec::parse)]
    pub store: StoreSpec,
    /// The PostgreSQL schema of `--store postgres:URL`.
    #[arg(long, value_name = "NAME", default_value = "kefu")]
    pub schema: String,
    /// Also write the summary as one JSON object to FILE (`-` for stdout, instead of the text).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

/// Where the simulation's desk keeps its log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreSpec {
    /// In memory, gone at the end.
    Memory,
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL database.
    Postgres(String),
}

impl StoreSpec {
    /// Parses `memory`, `sqlite:FILE` or `postgres:URL` (a bare `postgres://…` or `postgresql://…` URL too).
    pub fn parse(text: &str) -> Result<Self, String> {
        if text == "memory" {
            return Ok(Self::Memory);
        }
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return Ok(Self::Postgres(text.to_owned()));
        }
        const EXPECTED: &str = "expected `memory`, `sqlite:FILE` or `postgres:URL`";
        match text.split_once(':') {
            Some(("sqlite", "")) => Err(format!("no file after `sqlite:` ({EXPECTED}, e.g. sqlite:quarter.db)")),
            Some(("sqlite", file)) => Ok(Self::Sqlite(PathBuf::from(file))),
            Some(("postgres", "")) => {
                Err(format!("no URL after `postgres:` ({EXPECTED}, e.g. postgres:postgres://user@localhost/db)"))
            }
            Some(("postgres", url)) => Ok(Self::Postgres(url.to_owned())),
            _ => Err(EXPECTED.to_owned()),
        }
    }
}

impl std::fmt::Display for StoreSpec {
    /// The store as messages name it; a PostgreSQL URL without its password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Memory => f.write_str("memory"),
            Self::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
            Self::Postgres(url) => write!(f, "postgres:{}", without_password(url)),
        }
    }
}

/// `scheme://user:secret@host/…` as `scheme://user:***@host/…`; anything else unchanged.
fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((user_info, host)) => match user_info.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|e| format!("not a date YYYY-MM-DD ({e})"))
}

/// Why `kefu simulate` stopped. Each message names what and where.
#[derive(Debug, thiserror::Error)]
pub enum SimulateError {
    /// The configuration file cannot be read.
    #[error("{}: {why}", path.display())]
    Unreadable {
        /// The file given with --config.
        path: PathBuf,
        /// Why.
        why: String,
    },
    /// The configuration has problems, each located (`FILE:LINE:COL: key.path: message`).
    #[error("{} problem{} in {origin}:\n{}", errors.len(), if errors.len() == 1 { "" } else { "s" },
        errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Invalid {
        /// The configuration's name.
        origin: String,
        /// The problems.
        errors: Vec<ConfigError>,
    },
    /// The configuration cannot be simulated (no specialist, a start the time zone skips).
    #[error("{origin}: {source}")]
    Unplayable {
        /// The configuration's name.
        origin: String,
        /// What it lacks.
        source: Box<SimulationError>,
    },
    /// The store cannot be opened.
    #[error("--store {store}: cannot open the store: {source}")]
    Open {
        /// The store.
        store: String,
        /// The store's error.
        source: StoreError,
    },
    /// The store holds data already: a simulation writes a whole synthetic log and must not mix it with another.
    #[error(
        "--store {store}: the store already holds data (its log begins with an event of `{instance}`); a simulation \
         writes a whole synthetic log: use a new SQLite file or an empty PostgreSQL schema (--schema)"
    )]
    NotEmpty {
        /// The store.
        store: String,
        /// The instance of the first event in it.
        instance: String,
    },
    /// The simulation stopped: the store failed under it.
    #[error("--store {store}: the simulation stopped on day {day}: {source}")]
    Stopped {
        /// The store.
        store: String,
        /// The last day reported done.
        day: u32,
        /// Why.
        source: Box<SimulationError>,
    },
    /// Reading the log back for the summary failed.
    #[error("--store {store}: reading the log for the summary: {source}")]
    Summary {
        /// The store.
        store: String,
        /// Why.
        source: StoreError,
    },
    /// Writing the summary failed.
    #[error("{what}: {source}")]
    Write {
        /// Where: `stdout` or the --json file.
        what: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl SimulateError {
    fn exit_code(&self) -> u8 {
        match self {
            Self::Unreadable { .. } | Self::Invalid { .. } | Self::Unplayable { .. } | Self::NotEmpty { .. } => 2,
            Self::Open { .. } | Self::Stopped { .. } | Self::Summary { .. } | Self::Write { .. } => 1,
        }
    }
}

/// Runs `kefu simulate`.
pub fn run(args: SimulateArgs) -> ExitCode {
    match simulate_cmd(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(SimulateError::Write { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::from(crate::error::EXIT_BROKEN_PIPE)
        }
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

fn simulate_cmd(args: &SimulateArgs) -> Result<(), SimulateError> {
    let (config, origin) = load_config(args.config.as_deref())?;
    let scenario = Scenario {
        customers: usize::try_from(args.customers).unwrap_or(usize::MAX),
        days: args.days,
        start: args.start,
        seed: args.seed,
    };
    let store_name = args.store.to_string();
    let open = |source| SimulateError::Open { store: store_name.clone(), source };
    let outcome = match &args.store {
        StoreSpec::Memory => play(MemoryStore::new(), config, &scenario, &origin, &store_name)?,
        StoreSpec::Sqlite(path) => {
            // A synthetic log: a power cut may lose its last commits (never corrupt it), which costs nothing here
            // and spares a disk sync per command (see kefu-sqlite, "Choosing a sync mode").
            let options = kefu_sqlite::Options::default().synchronous(kefu_sqlite::Synchronous::Normal);
            let store = kefu_sqlite::SqliteStore::open_with(path, &options).map_err(open)?;
            play(store, config, &scenario, &origin, &store_name)?
        }
        StoreSpec::Postgres(url) => {
            let options = kefu_postgres::Options::default().schema(args.schema.clone()).pool_size(2);
            let store = kefu_postgres::PgStore::connect_with(url, &options).map_err(open)?;
            play(store, config, &scenario, &origin, &store_name)?
        }
    };
    let _ = writeln!(
        std::io::stderr(),
        "simulated in {:.1} s ({} ERP facts, {} events)",
        outcome.seconds,
        outcome.summary.run.facts,
        outcome.summary.run.events
    );
    let json = outcome.summary.to_json();
    match args.json.as_deref() {
        Some(path) if path == Path::new("-") => return write_stdout(&json),
        Some(path) => std::fs::write(path, &json)
            .map_err(|source| SimulateError::Write { what: path.display().to_string(), source })?,
        None => {}
    }
    write_stdout(&outcome.summary.to_string())
}

fn write_stdout(text: &str) -> Result<(), SimulateError> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|source| SimulateError::Write { what: "writing to stdout".into(), source })
}

/// The configuration and its name for messages: the --config file, or the starter.
fn load_config(path: Option<&Path>) -> Result<(DeskConfig, String), SimulateError> {
    match path {
        Some(path) => {
            let origin = path.display().to_string();
            match config_cmd::load(path) {
                Ok(config) => Ok((config, origin)),
                Err(LoadFailure::Unreadable(why)) => Err(SimulateError::Unreadable { path: path.to_owned(), why }),
                Err(LoadFailure::Invalid(errors)) => Err(SimulateError::Invalid { origin, errors }),
            }
        }
        None => {
            let origin = init_cmd::STARTER_ORIGIN.to_owned();
            init_cmd::starter()
                .map(|config| (config, origin.clone()))
                .map_err(|errors| SimulateError::Invalid { origin, errors: errors.0 })
        }
    }
}

/// What a simulation gave.
struct Outcome {
    summary: Summary,
    seconds: f64,
}

/// Simulates on `store` (which must be empty) and summarises its log.
fn play<S: Store + Grouping>(
    store: S,
    config: DeskConfig,
    scenario: &Scenario,
    origin: &str,
    store_name: &str,
) -> Result<Outcome, SimulateError> {
    let stored = |source| SimulateError::Open { store: store_name.to_owned(), source };
    if let Some(first) = store.read(Position::START, 1).map_err(stored)?.first() {
        return Err(SimulateError::NotEmpty { store: store_name.to_owned(), instance: first.instance.clone() });
    }
    let setup = config.compile().map_err(|issues| SimulateError::Invalid {
        origin: origin.to_owned(),
        errors: issues
            .0
            .into_iter()
            .map(|issue| ConfigError {
                file: origin.to_owned(),
                line: 1,
                column: 1,
                path: issue.path,
                message: issue.message,
            })
            .collect(),
    })?;
    let desk = Desk::new(store, setup);
    let started = Instant::now();
    let mut bar = ProgressBar::new(scenario.days);
    let mut last_day = 0;
    let mut group_failed = None;
    desk.store().begin().map_err(stored)?;
    let run = simulate(&desk, scenario, &mut |p: &Progress| {
        last_day = p.day;
        bar.show(p);
        // A day's writes in one commit; a failure stops the report (the simulation itself then fails on its store).
        if group_failed.is_none() {
            group_failed = desk.store().commit().and_then(|()| desk.store().begin()).err();
        }
    });
    bar.finish();
    let stopped = |source| SimulateError::Stopped { store: store_name.to_owned(), day: last_day, source };
    let run: Run = match run {
        Ok(run) => run,
        Err(source @ SimulationError::Config(_)) => {
            return Err(SimulateError::Unplayable { origin: origin.to_owned(), source: Box::new(source) });
        }
        Err(source) => return Err(stopped(Box::new(source))),
    };
    if let Some(e) = group_failed.or_else(|| desk.store().commit().err()) {
        return Err(stopped(Box::new(SimulationError::Desk(e.into()))));
    }
    let seconds = started.elapsed().as_secs_f64();
    let summary = Summary::of(desk.store(), desk.config(), scenario, &run)
        .map_err(|source| SimulateError::Summary { store: store_name.to_owned(), source })?;
    Ok(Outcome { summary, seconds })
}

/// How a store groups the simulation's writes: one commit per simulated day where that saves work.
trait Grouping {
    /// Opens a group.
    fn begin(&self) -> Result<(), StoreError> {
        Ok(())
    }
    /// Commits the group.
    fn commit(&self) -> Result<(), StoreError> {
        Ok(())
    }
}

impl Grouping for MemoryStore {}

/// Each command is a transaction of its own: PostgreSQL's commits are cheap next to its round trips.
impl Grouping for kefu_postgres::PgStore {}

/// A commit (a WAL write) per command would cost more than the command.
impl Grouping for kefu_sqlite::SqliteStore {
    fn begin(&self) -> Result<(), StoreError> {
        self.begin_group()
    }
    fn commit(&self) -> Result<(), StoreError> {
        self.commit_group()
    }
}

/// A progress bar on stderr, only when stderr is a terminal (never in pipes, logs or tests).
struct ProgressBar(Option<indicatif::ProgressBar>);

impl ProgressBar {
    fn new(days: u32) -> Self {
        if !std::io::stderr().is_terminal() {
            return Self(None);
        }
        let bar = indicatif::ProgressBar::new(u64::from(days));
        let style = indicatif::ProgressStyle::with_template("{elapsed:>4} [{bar:40}] day {pos}/{len}  {msg}")
            .map(|s| s.progress_chars("=> "));
        if let Ok(style) = style {
            bar.set_style(style);
        }
        Self(Some(bar))
    }

    fn show(&mut self, progress: &Progress) {
        if let Some(bar) = &self.0 {
            bar.set_position(u64::from(progress.day));
            bar.set_message(format!("{} ERP facts", progress.facts));
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.0.take() {
            bar.finish_and_clear();
        }
    }
}
