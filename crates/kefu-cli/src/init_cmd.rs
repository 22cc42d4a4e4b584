//! `kefu init [DIR]`: writes a commented starter configuration — the customer-service department of a chemical
//! distributor in Shanghai, on the official PRC calendar of 2026 — and creates the SQLite store beside it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use kefu::desk::{ConfigErrors, DeskConfig, load_toml};

use crate::config_cmd::{self, LoadFailure, Summary};

const EXIT_CODES: &str = "\
Exit codes:
  0  the starter was written and checks clean
  1  a file could not be written, or the store could not be created
  2  kefu.toml (or the starter's calendar file) exists already and --force was not given";

/// The starter's files, relative to the directory, with their text. The templates live in `src/starter/`, inside
/// the crate, so that the packaged crate carries them.
const STARTER: [(&str, &str); 2] = [
    ("kefu.toml", include_str!("starter/kefu.toml")),
    ("calendars/prc-2026.toml", include_str!("starter/calendars/prc-2026.toml")),
];

/// The name the starter configuration goes by in messages when it is loaded without being written.
pub const STARTER_ORIGIN: &str = "kefu.toml (the starter of `kefu init`)";

/// The starter configuration as `kefu init` writes it, loaded from the text built into the binary: what
/// `kefu simulate` runs without `--config`.
pub fn starter() -> Result<DeskConfig, ConfigErrors> {
    let files = |name: &str| {
        STARTER
            .iter()
            .find(|(file, _)| *file == name)
            .map(|(_, text)| (*text).to_owned())
            .ok_or_else(|| format!("the starter has no file `{name}`"))
    };
    load_toml(STARTER[0].1, STARTER_ORIGIN, &files)
}

/// The SQLite store's file name, beside `kefu.toml`.
const STORE: &str = "kefu.db";

/// `kefu init [DIR] [--force]`.
#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES)]
pub struct InitArgs {
    /// The directory to write into; created when missing.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Overwrite kefu.toml and calendars/prc-2026.toml when they exist. The store (kefu.db) is never overwritten:
    /// an existing one is opened and kept, with its data.
    #[arg(long)]
    pub force: bool,
}

/// Writes the starter, creates the store, checks what was written.
pub fn run(args: InitArgs) -> ExitCode {
    let InitArgs { dir, force } = args;
    let existing: Vec<PathBuf> = STARTER.iter().map(|(name, _)| dir.join(name)).filter(|path| path.exists()).collect();
    if !existing.is_empty() && !force {
        for path in &existing {
            eprintln!("error: {} exists already; use --force to overwrite it", path.display());
        }
        return ExitCode::from(2);
    }
    for (name, text) in STARTER {
        let path = dir.join(name);
        if let Err(e) = write(&path, text) {
            eprintln!("error: {}: cannot write: {e}", path.display());
            return ExitCode::from(1);
        }
        println!("wrote {}", path.display());
    }

    let store = dir.join(STORE);
    let existed = store.exists();
    if let Err(e) = kefu_sqlite::SqliteStore::open(&store) {
        eprintln!("error: {}: cannot create the SQLite store: {e}", store.display());
        return ExitCode::from(1);
    }
    let verb = if existed { "kept" } else { "created" };
    println!("{verb} {} (the SQLite store: events, deadlines, outbox)", store.display());

    let config = dir.join("kefu.toml");
    match config_cmd::load(&config) {
        Ok(loaded) => println!("ok: {}", Summary::of(&loaded)),
        Err(LoadFailure::Invalid(errors)) => {
            // The starter is tested to check clean; this would be a bug in the shipped templates.
            for error in errors {
                eprintln!("{error}");
            }
            return ExitCode::from(1);
        }
        Err(LoadFailure::Unreadable(why)) => {
            eprintln!("error: {}: {why}", config.display());
            return ExitCode::from(1);
        }
    }
    println!(
        "next: put your own people, departments and dates in {}, then run `kefu config check {}`",
        config.display(),
        config.display()
    );
    ExitCode::SUCCESS
}

fn write(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, text)
}
