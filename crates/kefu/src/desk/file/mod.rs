//! The configuration file, `kefu.toml`: a [`DeskConfig`] as text, loaded with every error located by file, line,
//! column and key path.
//!
//! ```toml
//! company = "鸿枫化工"
//! time_zone = "Asia/Shanghai"          # where days, months and quarters of reports begin
//! assignment = "working_date"          # or "open_at": who can be given work (rules C3, O1)
//!
//! [calendars]                          # by name; policies, people and departments refer to these names
//! office = { file = "calendars/prc-2026.toml" }         # a calendar file, relative to kefu.toml
//! contact-hours = { time_zone = "Asia/Shanghai", week = { mon = ["09:00-12:00", "13:30-20:00"] } }  # inline
//!
//! [[people]]                           # a desk::Person: id, name, roles, weight, skills, calendar, daily_capacity
//! id = "li.na"
//! roles = ["specialist"]
//!
//! [[departments]]                      # a desk::Department: id, name, head, calendar
//! id = "logistics"
//! head = "zhou.ming"
//!
//! [policies.lifecycle]                 # LifecyclePolicy fields, each overriding the domain's default
//! [policies.callback]                  # CallbackPolicy fields, likewise (quiet_hours = "contact-hours": rule B9)
//! [policies.cases.default]             # ClassPolicy fields, likewise; [[policies.cases.class]] replaces the rules
//! [approvals.c6]                       # an ApprovalChain replacing the domain's C6 (or C7) chain
//! [scripts]                            # regular = "s1-regular-callback", quiet = "s2-quiet-customer",
//!                                      # files = ["scripts/custom.toml"]; S1 and S2 are always there
//! [[campaigns]]                        # id, occasion, name, starts, within, select
//! [[reports.agreements]]               # rule B7: name, requested_by, customers, schedule (see report::ReportConfig)
//! [[tokens]]                           # principal, roles, sha256: who may call `kefu serve` (`kefu token create`)
//! ```
//!
//! [`load_toml`] and [`load_json`] read the file, the calendar and script files it names (through a function the
//! caller gives: the core does no I/O), build the [`DeskConfig`] and run [`DeskConfig::compile`]'s cross-checks, so
//! that no configuration fails later than its load. Every problem is a [`ConfigError`] — `FILE:LINE:COL: key.path:
//! message`, like a compiler's — and they come all at once: every section's shape errors, every referenced file's
//! errors, then (once all of that loads) every cross-check issue, each located where the value is written (or, for
//! a default the file does not write, at the innermost table that is written).

mod shape;
mod source;

use std::collections::BTreeMap;

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use self::shape::{CalendarSource, FileShape};
use self::source::{Source, beside};
use super::{ConfigIssue, DeskConfig, ScriptBook};
use crate::calendar::{Calendar, CalendarSet, DefinitionError};
use crate::case::CasePolicies;
use crate::script::Script;

/// The largest text the loader reads, for `kefu.toml` and for each file it references: 16 MiB. A configuration is
/// a few kilobytes; anything near this size is a mistake (or an attack) and is refused before parsing.
pub const MAX_CONFIG_BYTES: usize = 16 * 1024 * 1024;

/// One problem in a configuration, located: the file, the line and column (both from 1; the column counts
/// characters), the key path of the value at fault within that file (empty for a syntax error), and what is wrong.
///
/// Displays as a compiler does: `kefu.toml:12:12: people[1].calendar: names calendar `leave`, …`.
///
/// ```
/// use kefu::desk::ConfigError;
///
/// let error = ConfigError {
///     file: "kefu.toml".into(),
///     line: 12,
///     column: 12,
///     path: "people[1].calendar".into(),
///     message: "names calendar `leave`, which is not configured".into(),
/// };
/// assert_eq!(error.to_string(), "kefu.toml:12:12: people[1].calendar: names calendar `leave`, which is not configured");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub struct ConfigError {
    /// The file: the configuration's own name as the caller gave it, or a referenced file's name beside it
    /// (`config/calendars/prc-2026.toml`).
    pub file: String,
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, in characters.
    pub column: usize,
    /// The key path within `file` (`people[1].calendar`, `holidays[2].to`); empty when the text is not even TOML
    /// or JSON.
    pub path: String,
    /// What is wrong, and how to fix it.
    pub message: String,
}

impl core::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

/// Every problem found in a configuration and the files it references, in file and line order.
///
/// Displays one [`ConfigError`] per line.
///
/// ```
/// use kefu::desk::load_toml;
///
/// let errors = load_toml("company = 1\ncolour = \"blue\"\n", "kefu.toml", &|name| Err(format!("no file {name}")))
///     .unwrap_err();
/// assert_eq!(errors.0.len(), 3); // `company` is not a string, `colour` is unknown, `time_zone` is missing
/// assert!(errors.to_string().lines().all(|line| line.starts_with("kefu.toml:")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl core::fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

/// Reads a referenced file by the name `kefu.toml` gives it (relative to the configuration's directory, as the
/// caller resolves it); `Err` says why it cannot be read.
pub type ReadFile<'a> = &'a dyn Fn(&str) -> Result<String, String>;

/// Loads a configuration from `kefu.toml` text: the file, the calendar and script files it names, and the
/// cross-checks of [`DeskConfig::compile`] — which therefore succeeds on the result.
///
/// `origin` is the file's name as errors show it (`kefu.toml`, `/etc/kefu/kefu.toml`); referenced files are shown
/// beside it. `files` reads a referenced file by the name written in the configuration (`calendars/prc-2026.toml`).
///
/// ```
/// use kefu::desk::load_toml;
///
/// let text = r#"
///     company = "鸿枫化工"
///     time_zone = "Asia/Shanghai"
///     [calendars]
///     office = { file = "calendars/office.toml" }
///     service-desk = { time_zone = "Asia/Shanghai", week = { mon = ["09:00-18:00"], tue = ["09:00-18:00"] } }
///     [[people]]
///     id = "zhang.wei"
///     roles = ["service_supervisor", "supervisor", "department_head", "leadership", "marketing_director",
///              "finance_supervisor", "general_manager"]
///     [[people]]
///     id = "li.na"
///     roles = ["specialist"]
///     weight = 2
/// "#;
/// let files = |name: &str| match name {
///     "calendars/office.toml" => Ok("time_zone = \"Asia/Shanghai\"\nweek = { mon = [\"09:00-18:00\"] }".to_owned()),
///     other => Err(format!("no file `{other}`")),
/// };
/// let config = load_toml(text, "kefu.toml", &files)?;
/// assert_eq!(config.company, "鸿枫化工");
/// assert_eq!(config.calendars.len(), 2);
/// let compiled = config.compile()?;
/// assert_eq!(compiled.specialists().count(), 1);
///
/// // A person on a calendar nobody configured: the error says where.
/// let broken = text.replace("weight = 2", "weight = 2\n    calendar = \"leave\"");
/// let errors = load_toml(&broken, "kefu.toml", &files).unwrap_err();
/// assert_eq!(errors.0[0].line, 15);
/// assert_eq!(errors.0[0].path, "people[1].calendar");
/// assert!(errors.to_string().starts_with("kefu.toml:15:16: people[1].calendar: names calendar `leave`"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// Every [`ConfigError`] found (see [`ConfigErrors`]): a syntax error stops the reading of that file; otherwise each
/// section of `kefu.toml` is read on its own, so all of their shape errors are reported together, with those of
/// every referenced file; the cross-checks run once everything has loaded.
#[cfg(feature = "toml")]
pub fn load_toml(text: &str, origin: &str, files: ReadFile<'_>) -> Result<DeskConfig, ConfigErrors> {
    Loader::new(origin, files).toml(text)
}

/// Loads a configuration from JSON text of the same shape as `kefu.toml` (see [`load_toml`]).
///
/// ```
/// use kefu::desk::load_json;
///
/// let text = r#"{
///   "company": "Hongfeng",
///   "time_zone": "Asia/Shanghai",
///   "calendars": { "office": { "time_zone": "Asia/Shanghai", "week": { "mon": ["09:00-18:00"] } },
///                  "service-desk": { "time_zone": "Asia/Shanghai", "week": { "mon": ["09:00-18:00"] } } },
///   "people": [
///     { "id": "boss", "roles": ["service_supervisor", "supervisor", "department_head", "leadership",
///                               "marketing_director", "finance_supervisor", "general_manager"] },
///     { "id": "li.na", "roles": ["specialist"], "calendar": "leave" }
///   ]
/// }"#;
/// let errors = load_json(text, "kefu.json", &|name| Err(format!("no file {name}"))).unwrap_err();
/// assert_eq!(errors.to_string(), "kefu.json:9:59: people[1].calendar: names calendar `leave`, which is not \
///     configured (known: office, service-desk)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// As [`load_toml`], except that JSON's reader stops at the first shape error of the file.
#[cfg(feature = "json")]
pub fn load_json(text: &str, origin: &str, files: ReadFile<'_>) -> Result<DeskConfig, ConfigErrors> {
    Loader::new(origin, files).json(text)
}

/// One load: the caller's file reader, the sources read so far and the errors found.
struct Loader<'a> {
    origin: String,
    files: ReadFile<'a>,
    errors: Vec<ConfigError>,
    /// Script files read, by script id, to locate the cross-checks' issues about a script in its own file.
    script_sources: BTreeMap<String, Source>,
}

impl<'a> Loader<'a> {
    fn new(origin: &str, files: ReadFile<'a>) -> Self {
        Self { origin: origin.to_owned(), files, errors: Vec::new(), script_sources: BTreeMap::new() }
    }

    fn too_big(&mut self, name: &str, text: &str) -> bool {
        let big = text.len() > MAX_CONFIG_BYTES;
        if big {
            self.errors.push(ConfigError {
                file: name.to_owned(),
                line: 1,
                column: 1,
                path: String::new(),
                message: format!("the file has {} bytes; configuration files are limited to 16 MiB", text.len()),
            });
        }
        big
    }

    fn fail(mut self) -> ConfigErrors {
        self.errors.sort_by(|a, b| {
            (&a.file, a.line, a.column, &a.path, &a.message).cmp(&(&b.file, b.line, b.column, &b.path, &b.message))
        });
        // A file named twice (one calendar file for two calendars) reports its errors once.
        self.errors.dedup();
        ConfigErrors(self.errors)
    }

    #[cfg(feature = "toml")]
    fn toml(mut self, text: &str) -> Result<DeskConfig, ConfigErrors> {
        use serde::de::DeserializeOwned;
        use toml::de::{DeTable, DeValue};

        if self.too_big(&self.origin.clone(), text) {
            return Err(self.fail());
        }
        let (doc, syntax) = DeTable::parse_recoverable(text);
        if !syntax.is_empty() {
            // The parser recovers and goes on; what it finds later on the same line is mostly the first error's echo.
            let main = Source::unindexed(self.origin.clone(), text);
            for e in syntax {
                let error = main.error_at(e.span().map_or(0, |s| s.start), "", e.message());
                if self.errors.last().is_none_or(|last| last.line != error.line) {
                    self.errors.push(error);
                }
            }
            return Err(self.fail());
        }
        let main = Source::toml(self.origin.clone(), text, doc.get_ref());

        // Each section on its own, so that a mistake in one does not hide the others'.
        fn section<T: DeserializeOwned>(
            main: &Source,
            key: &str,
            value: toml::Spanned<DeValue<'_>>,
            errors: &mut Vec<ConfigError>,
        ) -> Option<T> {
            let whole = value.span();
            serde_path_to_error::deserialize(toml::de::ValueDeserializer::from(value))
                .map_err(|e| {
                    let path = key_path(key, e.path());
                    let inner = e.into_inner();
                    let at = toml_error_at(main, &path, inner.span().or(Some(whole)));
                    errors.push(main.error_at(at, path, inner.message()));
                })
                .ok()
        }
        let mut shape = FileShape::default();
        let errors = &mut self.errors;
        for (key, value) in doc.into_inner() {
            let name = key.get_ref().to_string();
            match name.as_str() {
                "company" => shape.company = section(&main, &name, value, errors),
                "time_zone" => shape.time_zone = section(&main, &name, value, errors),
                "calendars" => shape.calendars = section(&main, &name, value, errors).unwrap_or_default(),
                "people" => shape.people = section(&main, &name, value, errors).unwrap_or_default(),
                "departments" => shape.departments = section(&main, &name, value, errors).unwrap_or_default(),
                "policies" => shape.policies = section(&main, &name, value, errors).unwrap_or_default(),
                "approvals" => shape.approvals = section(&main, &name, value, errors).unwrap_or_default(),
                "scripts" => shape.scripts = section(&main, &name, value, errors).unwrap_or_default(),
                "campaigns" => shape.campaigns = section(&main, &name, value, errors).unwrap_or_default(),
                "assignment" => shape.assignment = section(&main, &name, value, errors).unwrap_or_default(),
                "reports" => shape.reports = section(&main, &name, value, errors).unwrap_or_default(),
                "tokens" => shape.tokens = section(&main, &name, value, errors).unwrap_or_default(),
                _ => errors.push(main.error_at(
                    key.span().start,
                    name.as_str(),
                    format!("unknown key `{name}`; the sections of the file are {}", shape::SECTIONS.join(", ")),
                )),
            }
        }
        self.finish(shape, &main)
    }

    #[cfg(feature = "json")]
    fn json(mut self, text: &str) -> Result<DeskConfig, ConfigErrors> {
        if self.too_big(&self.origin.clone(), text) {
            return Err(self.fail());
        }
        let main = Source::json(self.origin.clone(), text);
        let mut de = serde_json::Deserializer::from_str(text);
        let parsed = serde_path_to_error::deserialize::<_, FileShape>(&mut de).map_err(|e| {
            let path = key_path("", e.path());
            (path, e.into_inner())
        });
        let shape = match parsed.and_then(|shape| de.end().map(|()| shape).map_err(|e| (String::new(), e))) {
            Ok(shape) => shape,
            Err((path, e)) => {
                self.errors.push(json_error(&main, &path, &e));
                return Err(self.fail());
            }
        };
        self.finish(shape, &main)
    }

    /// Everything after the main file's shape: referenced files, campaigns, then the cross-checks.
    fn finish(mut self, shape: FileShape, main: &Source) -> Result<DeskConfig, ConfigErrors> {
        let company = shape.company.ok_or_else(|| {
            main.error_at(0, "company", "is missing: write `company = \"…\"` (the name the scripts say as {company})")
        });
        let time_zone = shape.time_zone.map(|z| z.0).ok_or_else(|| {
            main.error_at(
                0,
                "time_zone",
                "is missing: write `time_zone = \"Asia/Shanghai\"` (where the days, months and quarters of reports \
                 begin)",
            )
        });
        let (company, time_zone) = match (company, time_zone) {
            (Ok(company), Ok(time_zone)) => (company, time_zone),
            (company, time_zone) => {
                // A key that is written but wrong has been reported already.
                let missing = company.err().into_iter().chain(time_zone.err());
                self.errors.extend(missing.filter(|e| !main.find(&e.path).exact));
                (String::new(), Tz::UTC)
            }
        };

        let mut calendars = CalendarSet::new();
        for (name, entry) in shape.calendars {
            let at = format!("calendars.{name}");
            match entry.source(&name) {
                Err((field, message)) => self.errors.push(main.error(join(&at, field), message)),
                Ok(CalendarSource::File(reference)) => {
                    if let Some(calendar) = self.calendar_file(main, &format!("{at}.file"), &reference) {
                        calendars.insert(name, calendar);
                    }
                }
                Ok(CalendarSource::Inline(spec)) => match Calendar::new(*spec) {
                    Ok(calendar) => {
                        calendars.insert(name, calendar);
                    }
                    Err(e) => {
                        let (path, message) = definition_error(&e);
                        self.errors.push(main.error(join(&at, &path), message));
                    }
                },
            }
        }

        let mut config = match DeskConfig::new(company, time_zone) {
            Ok(config) => config,
            Err(e) => {
                self.errors.push(main.error("scripts", format!("the built-in scripts do not load: {e}")));
                return Err(self.fail());
            }
        };
        let scripts = &mut config.scripts;
        for (i, reference) in shape.scripts.files.iter().enumerate() {
            self.script_file(main, &format!("scripts.files[{i}]"), reference, scripts);
        }
        if let Some(regular) = shape.scripts.regular {
            scripts.regular = regular;
        }
        if let Some(quiet) = shape.scripts.quiet {
            scripts.quiet = quiet;
        }

        let mut campaigns = Vec::with_capacity(shape.campaigns.len());
        for (i, entry) in shape.campaigns.into_iter().enumerate() {
            match entry.campaign(time_zone) {
                Ok(campaign) => campaigns.push(campaign),
                Err((field, message)) => self.errors.push(main.error(format!("campaigns[{i}].{field}"), message)),
            }
        }
        if !self.errors.is_empty() {
            return Err(self.fail());
        }

        config.calendars = calendars;
        config.people = shape.people;
        config.departments = shape.departments;
        config.lifecycle = shape.policies.lifecycle.unwrap_or_default();
        config.callback = shape.policies.callback.unwrap_or_default();
        config.cases = shape.policies.cases.map_or_else(CasePolicies::default, |c| c.apply(CasePolicies::default()));
        if let Some(c6) = shape.approvals.c6 {
            config.c6 = c6;
        }
        if let Some(c7) = shape.approvals.c7 {
            config.c7 = c7;
        }
        config.campaigns = campaigns;
        config.availability = shape.assignment;
        config.reports = shape.reports;
        config.tokens = shape.tokens;
        match config.compile() {
            Ok(_) => Ok(config),
            Err(issues) => {
                for issue in issues.0 {
                    let error = self.locate_issue(main, issue);
                    self.errors.push(error);
                }
                Err(self.fail())
            }
        }
    }

    /// A cross-check issue, located in `kefu.toml` or, for a script read from a file, in that file.
    fn locate_issue(&self, main: &Source, issue: ConfigIssue) -> ConfigError {
        if let Some(rest) = issue.path.strip_prefix("scripts.") {
            let script = self
                .script_sources
                .iter()
                .filter(|(id, _)| rest.strip_prefix(id.as_str()).is_some_and(|after| after.starts_with('.')))
                .max_by_key(|(id, _)| id.len());
            if let Some((id, source)) = script {
                return source.error(&rest[id.len() + 1..], issue.message);
            }
        }
        main.error(issue.path, issue.message)
    }

    /// Reads a referenced file through the caller's function, refusing one over [`MAX_CONFIG_BYTES`]. A failure is
    /// reported at `at` (the key path of the reference in `kefu.toml`).
    fn read(&mut self, main: &Source, at: &str, what: &str, reference: &str) -> Option<(String, String)> {
        let name = beside(&self.origin, reference);
        match (self.files)(reference) {
            Ok(text) if self.too_big(&name, &text) => None,
            Ok(text) => Some((name, text)),
            Err(why) => {
                self.errors.push(main.error(at, format!("cannot read the {what} file `{reference}`: {why}")));
                None
            }
        }
    }

    fn calendar_file(&mut self, main: &Source, at: &str, reference: &str) -> Option<Calendar> {
        let (name, text) = self.read(main, at, "calendar", reference)?;
        let loaded = match is_json(reference) {
            true => from_json(&name, &text, if_feature!("json", Calendar::from_json_str)),
            false => from_toml(&name, &text, if_feature!("toml", Calendar::from_toml_str)),
        };
        match loaded {
            Ok(calendar) => Some(calendar),
            Err(Loaded::Errors(errors)) => {
                self.errors.extend(errors);
                None
            }
            Err(Loaded::Invalid(source, e)) => {
                let (path, message) = definition_error(&e);
                self.errors.push(source.error(path, message));
                None
            }
        }
    }

    fn script_file(&mut self, main: &Source, at: &str, reference: &str, book: &mut ScriptBook) {
        let Some((name, text)) = self.read(main, at, "script", reference) else { return };
        let loaded = match is_json(reference) {
            true => from_json(&name, &text, if_feature!("json", Script::from_json_str)),
            false => from_toml(&name, &text, if_feature!("toml", Script::from_toml_str)),
        };
        let (source, script) = match loaded {
            Ok(script) => (indexed(&name, &text, is_json(reference)), script),
            Err(Loaded::Errors(errors)) => return self.errors.extend(errors),
            // Reading a script does not validate it; validation follows.
            Err(Loaded::Invalid(source, invalid)) => {
                return self.errors.push(source.error("", invalid.to_string()));
            }
        };
        let findings = script.check();
        if findings.iter().any(|f| f.is_error()) {
            for finding in findings.iter().filter(|f| f.is_error()) {
                let node = finding.node.as_deref().and_then(|id| script.position(id)).map(|n| format!("nodes[{n}]"));
                let path = match (node, finding.field.as_deref()) {
                    (Some(node), Some(field)) => format!("{node}.{field}"),
                    (Some(node), None) => node,
                    (None, field) => field.unwrap_or_default().to_owned(),
                };
                self.errors.push(source.error(path, format!("{} [{}]", finding.message, finding.code)));
            }
            return;
        }
        let id = script.id.clone();
        if let Some(taken) = book.scripts.get(&id) {
            let by = match self.script_sources.get(&id) {
                Some(other) => format!("the script of `{}`", other.name),
                None => format!("the built-in script `{}` (v{})", taken.id(), taken.version()),
            };
            return self.errors.push(source.error("id", format!("script id `{id}` is already taken by {by}")));
        }
        match script.validate() {
            Ok(valid) => {
                book.scripts.insert(id.clone(), valid);
                self.script_sources.insert(id, source);
            }
            Err(invalid) => self.errors.push(source.error("", invalid.to_string())),
        }
    }
}

fn join(at: &str, field: &str) -> String {
    match (at.is_empty(), field.is_empty()) {
        (_, true) => at.to_owned(),
        (true, false) => field.to_owned(),
        (false, false) => format!("{at}.{field}"),
    }
}

/// `key` followed by a serde path (`people` + `[2].calendar`).
fn key_path(key: &str, path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = key.to_owned();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => break,
        }
    }
    out
}

/// Where a TOML reader's error is: where its key path is written when that lies within the span the reader gives
/// (which, for an element of an array, is the whole array), else the start of that span.
#[cfg(feature = "toml")]
fn toml_error_at(source: &Source, path: &str, span: Option<core::ops::Range<usize>>) -> usize {
    let found = source.find(path);
    match span {
        Some(span) if !(found.exact && span.contains(&found.at)) => span.start,
        _ => found.at,
    }
}

fn is_json(reference: &str) -> bool {
    reference.to_ascii_lowercase().ends_with(".json")
}

/// A referenced file that did not load: located errors, or a definition that is invalid (to be located in the
/// indexed source).
enum Loaded<E> {
    Errors(Vec<ConfigError>),
    Invalid(Source, E),
}

/// A source indexed for locating key paths (its text has parsed).
fn indexed(name: &str, text: &str, json: bool) -> Source {
    if json {
        return Source::json(name, text);
    }
    #[cfg(feature = "toml")]
    if let Ok(doc) = toml::de::DeTable::parse(text) {
        return Source::toml(name, text, doc.get_ref());
    }
    Source::unindexed(name, text)
}

/// `Some(loader)` when the crate is built with the format's feature, else `None` (the loader does not exist then).
macro_rules! if_feature {
    ($feature:literal, $loader:expr) => {{
        #[cfg(feature = $feature)]
        let loader: Option<TextLoader<_, _>> = Some($loader);
        #[cfg(not(feature = $feature))]
        let loader: Option<TextLoader<_, _>> = None;
        loader
    }};
}
use if_feature;

/// A text loader of the core (`Calendar::from_toml_str`, `Script::from_json_str`, …).
type TextLoader<T, E> = fn(&str) -> Result<T, crate::LoadError<E>>;

/// The error of a file in a format this build cannot read.
fn unsupported<E>(name: &str, text: &str, format: &str, other: &str) -> Loaded<E> {
    Loaded::Errors(vec![Source::unindexed(name, text).error_at(
        0,
        "",
        format!(
            "this kefu was built without {format} support (feature `{}`); give the file as {other}",
            format.to_lowercase()
        ),
    )])
}

fn from_toml<T, E>(name: &str, text: &str, load: Option<TextLoader<T, E>>) -> Result<T, Loaded<E>> {
    let Some(load) = load else { return Err(unsupported(name, text, "TOML", "JSON")) };
    load(text).map_err(|e| match e {
        #[cfg(feature = "toml")]
        crate::LoadError::Toml { field, source } => {
            let file = indexed(name, text, false);
            let path = field.unwrap_or_default();
            let at = toml_error_at(&file, &path, source.span());
            Loaded::Errors(vec![file.error_at(at, path, source.message())])
        }
        #[cfg(feature = "json")]
        crate::LoadError::Json { field, source } => {
            Loaded::Errors(vec![json_error(&Source::unindexed(name, text), &field.unwrap_or_default(), &source)])
        }
        crate::LoadError::Invalid(e) => Loaded::Invalid(indexed(name, text, false), e),
    })
}

fn from_json<T, E>(name: &str, text: &str, load: Option<TextLoader<T, E>>) -> Result<T, Loaded<E>> {
    let Some(load) = load else { return Err(unsupported(name, text, "JSON", "TOML")) };
    load(text).map_err(|e| match e {
        #[cfg(feature = "json")]
        crate::LoadError::Json { field, source } => {
            Loaded::Errors(vec![json_error(&Source::json(name, text), &field.unwrap_or_default(), &source)])
        }
        #[cfg(feature = "toml")]
        crate::LoadError::Toml { field, source } => Loaded::Errors(vec![Source::unindexed(name, text).error_at(
            source.span().map_or(0, |s| s.start),
            field.unwrap_or_default(),
            source.message(),
        )]),
        crate::LoadError::Invalid(e) => Loaded::Invalid(indexed(name, text, true), e),
    })
}

/// A JSON reader's error, at its line and column (or, when it has none, where the path is written).
#[cfg(feature = "json")]
fn json_error(source: &Source, path: &str, e: &serde_json::Error) -> ConfigError {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = text.strip_suffix(&suffix).unwrap_or(&text).to_owned();
    if e.line() == 0 {
        return source.error_at(source.find(path).at, path, message);
    }
    ConfigError { file: source.name.clone(), line: e.line(), column: e.column().max(1), path: path.to_owned(), message }
}

/// The key path (within the calendar) of a definition error, and its message without the path it starts with.
fn definition_error(e: &DefinitionError) -> (String, String) {
    let path = match e {
        DefinitionError::UnknownTimeZone { .. } => "time_zone".to_owned(),
        DefinitionError::OverlappingHours { field, .. } | DefinitionError::DateOutOfRange { field, .. } => {
            field.clone()
        }
        DefinitionError::HolidayEndsBeforeStart { index, .. } => format!("holidays[{index}].to"),
        DefinitionError::HolidayTooLong { index, .. } => format!("holidays[{index}]"),
        DefinitionError::WorkdayWithoutHours { index, .. } => format!("workdays[{index}].hours"),
        DefinitionError::DuplicateWorkday { index, .. } | DefinitionError::WorkdayIsHoliday { index, .. } => {
            format!("workdays[{index}].date")
        }
        DefinitionError::NoOpeningHours => "week".to_owned(),
        DefinitionError::CoverageEndsBeforeStart { .. } => "covers.to".to_owned(),
        DefinitionError::OutsideCoverage { field, .. } => field.clone(),
    };
    let text = e.to_string();
    let message = match text.split_once(": ") {
        Some((head, tail)) if path.starts_with(head) => tail.to_owned(),
        _ => text,
    };
    (path, message)
}
