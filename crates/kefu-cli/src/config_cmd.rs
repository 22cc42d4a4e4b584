//! `kefu config check FILE`: validates a department's configuration (`kefu.toml`, or JSON of the same shape) and the
//! calendar and script files it names, like a compiler: every problem as `FILE:LINE:COL: key.path: message`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use kefu::desk::{ConfigError, DeskConfig, MAX_CONFIG_BYTES, load_json, load_toml};

const EXIT_CODES: &str = "\
Exit codes:
  0  the configuration is valid (and every file it names)
  2  it has problems (each printed as FILE:LINE:COL: key.path: message), or it cannot be read";

/// `kefu config ...`: the department's configuration file.
#[derive(Debug, Subcommand)]
#[command(after_help = EXIT_CODES)]
pub enum ConfigCommand {
    /// Check a configuration: print `ok: …` with what it holds, or every problem, one per line.
    ///
    /// Files it names (calendars, scripts) are read relative to its directory. The checks are those of loading:
    /// the file's shape (unknown keys are errors), the files it names, and every cross-check — each calendar,
    /// person, department, role and script a policy, chain, script or campaign names must exist.
    ///
    /// Example: kefu config check kefu.toml
    #[command(after_help = EXIT_CODES)]
    Check {
        /// The configuration file: TOML, or JSON when the name ends in `.json`.
        file: PathBuf,
        /// Print the result as one JSON object: {"ok": bool, "summary": {...} | null, "errors": [{file, line,
        /// column, path, message}, ...]}.
        #[arg(long)]
        json: bool,
    },
}

/// Exit code of a configuration with problems, or one that cannot be read.
const EXIT_INVALID: u8 = 2;

/// Why a configuration could not be loaded.
pub enum LoadFailure {
    /// The file itself cannot be read.
    Unreadable(String),
    /// It was read, and has these problems.
    Invalid(Vec<ConfigError>),
}

/// Runs one `kefu config` command.
pub fn run(command: ConfigCommand) -> ExitCode {
    match command {
        ConfigCommand::Check { file, json } => check(&file, json),
    }
}

fn check(file: &Path, json: bool) -> ExitCode {
    let loaded = load(file);
    if json {
        let (ok, summary, errors) = match &loaded {
            Ok(config) => (true, Some(Summary::of(config)), Vec::new()),
            Err(LoadFailure::Invalid(errors)) => (false, None, errors.clone()),
            Err(LoadFailure::Unreadable(why)) => {
                let error = ConfigError {
                    file: file.display().to_string(),
                    line: 1,
                    column: 1,
                    path: String::new(),
                    message: why.clone(),
                };
                (false, None, vec![error])
            }
        };
        let report = serde_json::json!({ "ok": ok, "summary": summary, "errors": errors });
        out(&format!("{report}\n"));
        return if ok { ExitCode::SUCCESS } else { ExitCode::from(EXIT_INVALID) };
    }
    match loaded {
        Ok(config) => {
            out(&format!("ok: {}\n", Summary::of(&config)));
            ExitCode::SUCCESS
        }
        Err(LoadFailure::Invalid(errors)) => {
            // The problems on stdout, one per line for editors and scripts; the count on stderr.
            out(&errors.iter().map(|e| format!("{e}\n")).collect::<String>());
            let s = if errors.len() == 1 { "" } else { "s" };
            eprintln!("error: {} problem{s} in {}", errors.len(), file.display());
            ExitCode::from(EXIT_INVALID)
        }
        Err(LoadFailure::Unreadable(why)) => {
            eprintln!("error: {}: {why}", file.display());
            ExitCode::from(EXIT_INVALID)
        }
    }
}

/// Loads a configuration file and the files it names (relative to its directory), each at most 16 MiB.
pub fn load(file: &Path) -> Result<DeskConfig, LoadFailure> {
    let text =
        read_limited(file).map_err(|why| LoadFailure::Unreadable(format!("cannot read the configuration: {why}")))?;
    let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
    let files = move |name: &str| read_limited(&dir.join(name));
    let origin = file.display().to_string();
    let loaded = if is_json(file) { load_json(&text, &origin, &files) } else { load_toml(&text, &origin, &files) };
    loaded.map_err(|errors| LoadFailure::Invalid(errors.0))
}

fn is_json(file: &Path) -> bool {
    file.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// Reads a UTF-8 text file of at most [`MAX_CONFIG_BYTES`], without reading more than that from it; the error
/// says why, without the file's name (the caller names it).
pub fn read_limited(path: &Path) -> Result<String, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let limit = u64::try_from(MAX_CONFIG_BYTES).unwrap_or(u64::MAX);
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    if bytes.len() > MAX_CONFIG_BYTES {
        return Err("the file is larger than 16 MiB; configuration files are limited to that".to_owned());
    }
    String::from_utf8(bytes)
        .map_err(|e| format!("not UTF-8 text (an invalid byte at offset {})", e.utf8_error().valid_up_to()))
}

/// What a valid configuration holds, as `kefu config check` reports it.
#[derive(Debug, serde::Serialize)]
pub struct Summary {
    people: usize,
    specialists: usize,
    departments: usize,
    calendars: usize,
    scripts: usize,
    campaigns: usize,
}

impl Summary {
    /// The counts of `config`.
    pub fn of(config: &DeskConfig) -> Self {
        Self {
            people: config.people.len(),
            specialists: config.people.iter().filter(|p| p.is_specialist()).count(),
            departments: config.departments.len(),
            calendars: config.calendars.len(),
            scripts: config.scripts.scripts.len(),
            campaigns: config.campaigns.len(),
        }
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        write!(
            f,
            "{} ({}), {}, {}, {}, {}",
            plural(self.people, "person", "people"),
            plural(self.specialists, "specialist", "specialists"),
            plural(self.departments, "department", "departments"),
            plural(self.calendars, "calendar", "calendars"),
            plural(self.scripts, "script", "scripts"),
            plural(self.campaigns, "campaign", "campaigns"),
        )
    }
}

fn out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush());
}
