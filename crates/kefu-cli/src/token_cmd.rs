//! `kefu token create --principal NAME --role ROLE [--config FILE]`: a new bearer token for `kefu serve`, printed
//! once; only its SHA-256 is written to the configuration, as a `[[tokens]]` entry.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use kefu::desk::ServiceToken;

use crate::config_cmd::{self, LoadFailure};

const EXIT_CODES: &str = "\
Exit codes:
  0  the token was created: printed on stdout, its hash appended to the configuration
  1  the configuration could not be written, or no random bytes could be had
  2  the configuration is invalid or unreadable, or the arguments are";

/// `kefu token ...`: the bearer tokens of `kefu serve`.
#[derive(Debug, Subcommand)]
#[command(after_help = EXIT_CODES)]
pub enum TokenCommand {
    /// Create a token: print it once, and keep only its SHA-256 in the configuration's `[[tokens]]`.
    ///
    /// Example: kefu token create --principal erp --role erp
    ///
    /// The token acts as PRINCIPAL with the given roles; when PRINCIPAL is a person of the configuration, their
    /// roles apply too. Store the printed token where the client keeps secrets: it cannot be shown again.
    #[command(after_help = EXIT_CODES)]
    Create(CreateArgs),
}

/// `kefu token create`'s arguments.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The principal the token acts as: a person's id, or a system's name (`erp`).
    #[arg(long, value_name = "NAME")]
    pub principal: String,
    /// A role the token holds (repeat for several): `erp` to report ERP facts, or any role of the rules.
    #[arg(long = "role", value_name = "ROLE")]
    pub roles: Vec<String>,
    /// The configuration file to add the token to.
    #[arg(long, value_name = "FILE", default_value = "kefu.toml")]
    pub config: PathBuf,
}

/// Runs one `kefu token` command.
pub fn run(command: TokenCommand) -> ExitCode {
    match command {
        TokenCommand::Create(args) => create(&args),
    }
}

fn create(args: &CreateArgs) -> ExitCode {
    let principal = args.principal.trim();
    if principal.is_empty() || principal.chars().any(char::is_control) {
        eprintln!("error: --principal must be a name without control characters");
        return ExitCode::from(2);
    }
    if args.roles.iter().any(|r| r.trim().is_empty() || r.chars().any(char::is_control)) {
        eprintln!("error: --role must be a name without control characters");
        return ExitCode::from(2);
    }
    if let Err(code) = check(&args.config) {
        return code;
    }
    let token = match new_token() {
        Ok(token) => token,
        Err(e) => {
            eprintln!("error: no random bytes for the token: {e}");
            return ExitCode::from(1);
        }
    };
    let entry = ServiceToken::new(principal, args.roles.iter().map(|r| r.trim().to_owned()), &token);
    if let Err(e) = append(&args.config, &entry) {
        eprintln!("error: {}: cannot add the token: {e}", args.config.display());
        return ExitCode::from(1);
    }
    // Reloading proves the file still checks clean with the entry.
    if let Err(code) = check(&args.config) {
        return code;
    }
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{token}").and_then(|()| stdout.flush());
    eprintln!(
        "added a token for `{principal}` to {} (only its SHA-256 is kept: store the token now, it cannot be shown again)",
        args.config.display()
    );
    ExitCode::SUCCESS
}

fn check(config: &Path) -> Result<(), ExitCode> {
    match config_cmd::load(config) {
        Ok(_) => Ok(()),
        Err(LoadFailure::Unreadable(why)) => {
            eprintln!("error: {}: {why}", config.display());
            Err(ExitCode::from(2))
        }
        Err(LoadFailure::Invalid(errors)) => {
            for error in errors {
                eprintln!("{error}");
            }
            Err(ExitCode::from(2))
        }
    }
}

/// `kefu_` and 32 random bytes in hexadecimal: 256 bits from the operating system.
fn new_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().fold(String::from("kefu_"), |mut out, b| {
        use std::fmt::Write as _;
        let _ = write!(out, "{b:02x}");
        out
    }))
}

/// Appends the entry as a `[[tokens]]` table: the rest of the file, comments included, stays as written. A JSON
/// configuration gets the entry in its `tokens` array (JSON has no comments to keep).
fn append(config: &Path, entry: &ServiceToken) -> std::io::Result<()> {
    let text = std::fs::read_to_string(config)?;
    if config.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
        let mut doc: serde_json::Value = serde_json::from_str(&text).map_err(std::io::Error::other)?;
        let entry = serde_json::to_value(entry).map_err(std::io::Error::other)?;
        let Some(object) = doc.as_object_mut() else {
            return Err(std::io::Error::other("the configuration is not a JSON object"));
        };
        match object.entry("tokens").or_insert_with(|| serde_json::Value::Array(Vec::new())) {
            serde_json::Value::Array(tokens) => tokens.push(entry),
            _ => return Err(std::io::Error::other("`tokens` is not an array")),
        }
        let pretty = serde_json::to_string_pretty(&doc).map_err(std::io::Error::other)? + "\n";
        let temporary = config.with_extension("json.tmp");
        std::fs::write(&temporary, pretty)?;
        return std::fs::rename(&temporary, config);
    }
    let mut table = String::new();
    if !text.is_empty() && !text.ends_with('\n') {
        table.push('\n');
    }
    // Control characters were refused: escaping the backslash and the quote makes any name a TOML basic string.
    let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    table.push_str("\n[[tokens]]\n");
    table.push_str(&format!("principal = {}\n", quote(&entry.principal)));
    let roles: Vec<String> = entry.roles.iter().map(|r| quote(r.as_str())).collect();
    table.push_str(&format!("roles = [{}]\n", roles.join(", ")));
    table.push_str(&format!("sha256 = \"{}\"\n", entry.sha256));
    let mut file = std::fs::OpenOptions::new().append(true).open(config)?;
    file.write_all(table.as_bytes())?;
    file.sync_all()
}
