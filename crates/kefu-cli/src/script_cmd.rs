//! `kefu script check|render|run FILE`: callback scripts (rules S1, S2) from the shell.
//!
//! Exit codes: 0 success (a script with only warnings is clean), 1 the script has errors (check) or the run did not
//! reach an end (run, input ended), 2 the file is unreadable or malformed, or a usage error (a locale the script
//! does not have, a missing `--var`).

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, FixedOffset, Utc};
use clap::{Subcommand, ValueEnum};
use kefu::machine::{Context, Instance, Principal};
use kefu::script::{Node, RunCommand, RunEvent, Script, ScriptRun, Severity, ValidScript};

const EXIT_CODES: &str = "\
Exit codes:
  0  success (check: no errors; warnings are printed but do not fail)
  1  check: the script has errors; run: the input ended (or could not be read) before the script did
  2  the file cannot be read or is not a script (malformed TOML/JSON), or a usage error
     (a --locale the script does not have, a missing --var)";

/// `kefu script ...`: check, draw and walk callback scripts (TOML, or JSON when the name ends in `.json`).
#[derive(Debug, Subcommand)]
#[command(after_help = EXIT_CODES)]
pub enum ScriptCommand {
    /// Print every finding of the script's validation, one per line, then a summary.
    ///
    /// Example: kefu script check crates/kefu/scripts/s1-regular-callback.toml
    #[command(after_help = EXIT_CODES)]
    Check {
        /// The script file.
        file: PathBuf,
    },
    /// Print the script as a Mermaid flowchart or a Graphviz DOT graph, texts in one locale.
    ///
    /// Example: kefu script render crates/kefu/scripts/s2-quiet-customer.toml --format dot --locale en
    #[command(after_help = EXIT_CODES)]
    Render {
        /// The script file.
        file: PathBuf,
        /// The picture's format.
        #[arg(long, value_enum, default_value_t = Format::Mermaid)]
        format: Format,
        /// The locale of the texts: one of the script's `locales` (default: the first).
        #[arg(long)]
        locale: Option<String>,
    },
    /// Walk the script interactively: texts on stderr, one answer per line on stdin, the callback record as JSON on
    /// stdout at the end.
    ///
    /// Answers: yes/no (是/否), a choice's number, value or text, free text, or an RFC 3339 instant. An empty line
    /// skips the question; `:abort REASON` aborts the run. An unreadable answer is explained and asked again, and
    /// so is a line that is not UTF-8 text (e.g. typed on a GBK terminal): the message gives its line number.
    ///
    /// Example: printf 'yes\n1\nA trade fair\n\nyes\n' | kefu script run crates/kefu/scripts/s1-regular-callback.toml --locale en --var company=Hongfeng --var customer=Wang
    #[command(after_help = EXIT_CODES, verbatim_doc_comment)]
    Run {
        /// The script file.
        file: PathBuf,
        /// The locale of the texts: one of the script's `locales` (default: the first).
        #[arg(long)]
        locale: Option<String>,
        /// A placeholder's value, `name=value`; repeat for each.
        #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
        vars: Vec<(String, String)>,
        /// The instant to record answers at (RFC 3339); the system clock when absent. For reproducible records.
        #[arg(long, value_name = "RFC3339", value_parser = crate::cli::parse_instant)]
        now: Option<DateTime<FixedOffset>>,
        /// Who is calling (recorded as the acting principal).
        #[arg(long, default_value = "agent")]
        agent: String,
    },
}

/// The picture formats.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    /// Mermaid `flowchart TD`.
    Mermaid,
    /// Graphviz DOT.
    Dot,
}

fn parse_var(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.trim().to_owned(), v.to_owned()))
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| format!("`{text}` is not NAME=VALUE"))
}

/// Runs one `kefu script` command; errors are printed here.
pub fn run(command: ScriptCommand) -> ExitCode {
    match command {
        ScriptCommand::Check { file } => check(&file),
        ScriptCommand::Render { file, format, locale } => {
            let (script, locale) = match load(&file).and_then(|script| {
                let locale = choose_locale(&script, locale, &file)?;
                Ok((script, locale))
            }) {
                Ok(loaded) => loaded,
                Err(code) => return code,
            };
            let text = match format {
                Format::Mermaid => script.to_mermaid(&locale),
                Format::Dot => script.to_dot(&locale),
            };
            out(&text);
            ExitCode::SUCCESS
        }
        ScriptCommand::Run { file, locale, vars, now, agent } => {
            let (script, locale) = match load(&file).and_then(|script| {
                let locale = choose_locale(&script, locale, &file)?;
                Ok((script, locale))
            }) {
                Ok(loaded) => loaded,
                Err(code) => return code,
            };
            let valid = match script.validate() {
                Ok(valid) => valid,
                Err(invalid) => {
                    eprintln!("error: {}: the script cannot run:", file.display());
                    for finding in invalid.errors() {
                        eprintln!("  {finding}");
                    }
                    return ExitCode::from(1);
                }
            };
            let stdin = std::io::stdin();
            walk(&valid, locale, vars.into_iter().collect(), now.map(|t| t.to_utc()), &agent, &mut stdin.lock())
        }
    }
}

fn load(file: &Path) -> Result<Script, ExitCode> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        eprintln!("error: {}: cannot read the script file: {e}", file.display());
        ExitCode::from(2)
    })?;
    let parsed = if file.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
        Script::from_json_str(&text)
    } else {
        Script::from_toml_str(&text)
    };
    parsed.map_err(|e| {
        eprintln!("error: {}: {}", file.display(), e.to_string().trim_end());
        ExitCode::from(2)
    })
}

/// The locale asked for, or the script's first; a locale the script does not declare is a usage error (its texts
/// would all be missing). A script that declares none (an error `check` reports) is drawn in whatever is asked.
fn choose_locale(script: &Script, asked: Option<String>, file: &Path) -> Result<String, ExitCode> {
    let Some(first) = script.locales.first() else {
        return Ok(asked.unwrap_or_default());
    };
    match asked {
        None => Ok(first.clone()),
        Some(locale) if script.locales.contains(&locale) => Ok(locale),
        Some(locale) => {
            eprintln!(
                "error: {}: the script has no locale `{}`; its locales are: {}",
                file.display(),
                locale.escape_debug(),
                script.locales.join(", ")
            );
            Err(ExitCode::from(2))
        }
    }
}

fn check(file: &Path) -> ExitCode {
    let script = match load(file) {
        Ok(script) => script,
        Err(code) => return code,
    };
    let findings = script.check();
    for finding in &findings {
        out(&format!("{}: {finding}\n", file.display()));
    }
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    let warnings = findings.len() - errors;
    out(&format!("{}: {errors} error(s), {warnings} warning(s)\n", script.id));
    ExitCode::from(u8::from(errors > 0))
}

fn walk(
    script: &ValidScript,
    locale: String,
    values: BTreeMap<String, String>,
    now: Option<DateTime<Utc>>,
    agent: &str,
    input: &mut dyn BufRead,
) -> ExitCode {
    let missing: Vec<&String> = script
        .script()
        .variables
        .iter()
        .filter(|(name, v)| !values.contains_key(*name) && v.default.as_ref().is_none_or(|d| !d.contains_key(&locale)))
        .map(|(name, _)| name)
        .collect();
    if !missing.is_empty() {
        let names: Vec<String> = missing.iter().map(|n| format!("--var {n}=...")).collect();
        eprintln!("error: the script needs a value for {}", names.join(", "));
        return ExitCode::from(2);
    }
    let principal = Principal::new(agent);
    let clock = || now.unwrap_or_else(|| DateTime::<Utc>::from(std::time::SystemTime::now()));
    let mut run = Instance::<ScriptRun>::new();
    let mut err = std::io::stderr().lock();
    let say = |events: &[RunEvent], err: &mut dyn Write| {
        for event in events {
            if let RunEvent::Reached { node } = event {
                let Some(node) = script.node(node) else { continue };
                if let Some(text) = node.text() {
                    let _ = writeln!(err, "{}", script.script().fill(text, &locale, &values));
                }
                if let Node::Question { choices, .. } = node {
                    for (k, c) in choices.iter().enumerate() {
                        let _ = writeln!(err, "  {}. {}", k + 1, script.script().fill(&c.text, &locale, &values));
                    }
                }
            }
        }
    };
    match run.execute(&RunCommand::Start, &Context::new(clock(), &principal, script)) {
        Ok(events) => say(&events, &mut err),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    }
    let mut bytes: Vec<u8> = Vec::new();
    let mut line_number = 0usize;
    while !run.is_final() {
        let question = run.state().current().unwrap_or_default().to_owned();
        let _ = write!(err, "> ");
        let _ = err.flush();
        bytes.clear();
        let ended = match input.read_until(b'\n', &mut bytes) {
            Ok(0) => Some("input ended".to_owned()),
            Ok(_) => None,
            Err(e) => Some(format!("input unreadable: {e}")),
        };
        if let Some(reason) = ended {
            let _ = writeln!(err);
            let _ = run.execute(&RunCommand::abort(reason), &Context::new(clock(), &principal, script));
            break;
        }
        line_number += 1;
        // A line in another encoding (GBK 是 is CA C7) is not the end of the input: say which line, and ask again.
        let line = match std::str::from_utf8(&bytes) {
            Ok(line) => line,
            Err(e) => {
                let at = e.valid_up_to();
                let _ = writeln!(
                    err,
                    "! line {line_number} is not UTF-8 text (byte 0x{:02X} at byte {}); type the answer again in \
                     UTF-8 (a GBK or GB 18030 terminal needs switching to UTF-8)",
                    bytes[at],
                    at + 1
                );
                continue;
            }
        };
        let typed = line.trim();
        let command = if typed.is_empty() {
            RunCommand::skip(&question)
        } else if let Some(reason) = typed.strip_prefix(":abort") {
            RunCommand::abort(reason.trim())
        } else {
            match script.parse_answer(&question, typed) {
                Ok(answer) => RunCommand::answer(&question, answer),
                Err(e) => {
                    let _ = writeln!(err, "! {e}");
                    continue;
                }
            }
        };
        match run.execute(&command, &Context::new(clock(), &principal, script)) {
            Ok(events) => say(&events, &mut err),
            Err(e) => {
                let _ = writeln!(err, "! {e}");
            }
        }
    }
    let Some(record) = run.state().record() else {
        eprintln!("error: the run did not end");
        return ExitCode::from(1);
    };
    match serde_json::to_string_pretty(&record) {
        Ok(json) => out(&format!("{json}\n")),
        Err(e) => {
            eprintln!("error: cannot write the record: {e}");
            return ExitCode::from(1);
        }
    }
    let input_failed =
        record.abort_reason.as_deref().is_some_and(|r| r == "input ended" || r.starts_with("input unreadable"));
    if input_failed { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

/// Writes to stdout; a closed pipe (`| head`) is not an error worth a panic.
fn out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush());
}
