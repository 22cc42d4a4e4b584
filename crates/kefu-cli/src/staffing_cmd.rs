//! `kefu staffing`: agents for an interval's contacts (rule O3), Erlang C or Erlang A; `kefu staffing plan`: agents
//! per interval for a day's profile, against the team's shifts.
//!
//! Exit codes: 0 success, 1 the load cannot be served (more agents than --max-agents), 2 a usage or input error
//! (the message names the flag, or the file and the line).

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{NaiveDate, TimeDelta};
use clap::{Args, Subcommand};
use kefu::assign::{Specialist, Team};
use kefu::calendar::{Calendar, CalendarSet};
use kefu::duration;
use kefu::staffing::{
    Cover, DayPlan, Field, Model, Performance, Profile, ServiceTarget, StaffingError, StaffingPolicy, Workload,
};
use serde_json::{Map, Value, json};

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  the load cannot be served within --max-agents
  2  usage or input error: a malformed or out-of-range flag (named in the message), an unreadable or invalid
     profile or calendar file";

/// `kefu staffing --calls N --aht DUR --target P/DUR [...]`, or `kefu staffing plan --profile FILE [...]`.
///
/// Agents needed for a service level such as 80/20 (80% of contacts answered within 20 s), by Erlang C (nobody
/// hangs up) or, with --patience, Erlang A (waiting contacts hang up after that mean patience; they count as not
/// answered in time). Then: agents = max(minimum for the service level, ceil(load / max occupancy)), scheduled =
/// ceil(agents / (1 - shrinkage)).
///
/// Example (the textbook case: 14 agents on the phones, 20 on the schedule):
///
///   kefu staffing --calls 100 --interval 30m --aht 180s --target 80/20s --shrinkage 30% --max-occupancy 85%
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true, after_help = EXIT_CODES, verbatim_doc_comment)]
pub struct StaffingCommand {
    /// Plan a whole day from a profile instead.
    #[command(subcommand)]
    pub plan: Option<PlanCommand>,
    /// Contacts expected in the interval (fractions allowed: a forecast is an average).
    #[arg(long, value_name = "N", value_parser = parse_calls, required = true)]
    pub calls: Option<f64>,
    /// The interval's length: `30m`, `1h`, `PT15M`.
    #[arg(long, value_name = "DUR", value_parser = parse_duration, default_value = "30m")]
    pub interval: TimeDelta,
    /// The model, target, shrinkage and occupancy cap.
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `kefu staffing plan`.
#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Print the agents each interval of a day's profile needs; with --calendar-dir, the specialists on shift and
    /// the shortfalls.
    ///
    /// The profile is TOML (or JSON when the name ends in .json) or CSV (when it ends in .csv):
    ///
    ///   time_zone = "Asia/Shanghai"   # optional; needed with --calendar-dir unless --time-zone is given
    ///   interval = "30m"
    ///   start = "08:00"               # optional, 00:00 by default
    ///   contacts = [40, 85, 120, 160]
    ///
    ///   start,contacts                # CSV: the interval is the step between the starts
    ///   08:00,40
    ///   08:30,85
    ///
    /// Each file in --calendar-dir (*.toml, *.json) is one specialist's working calendar, named after the file: a
    /// specialist is on shift in an interval when their calendar is open for all of it. The people needed are the
    /// scheduled ones (shrinkage included: calendars show shifts, not breaks).
    ///
    /// Instead of --profile, --history FILE (one RFC 3339 instant per line) forecasts --date as the average of the
    /// same weekday's intervals over the --weeks before it.
    ///
    /// Examples:
    ///   kefu staffing plan --profile monday.toml --aht 3m --target 80/20s --shrinkage 30% \
    ///       --calendar-dir team/ --date 2026-11-02
    ///   kefu staffing plan --history calls.txt --date 2026-11-16 --weeks 4 --time-zone Asia/Shanghai \
    ///       --aht 3m --target 80/20s
    #[command(after_help = EXIT_CODES, verbatim_doc_comment)]
    Plan(PlanArgs),
}

/// The arguments of `kefu staffing plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The day's profile: TOML, JSON (.json) or CSV (.csv).
    #[arg(long, value_name = "FILE", required_unless_present = "history", conflicts_with = "history")]
    pub profile: Option<PathBuf>,
    /// Instead of a profile: past contacts, one RFC 3339 instant per line; the forecast for --date is the average of
    /// the same weekday's intervals over the --weeks before it, on the wall clock of --time-zone.
    #[arg(long, value_name = "FILE", requires_all = ["date", "time_zone"])]
    pub history: Option<PathBuf>,
    /// With --history: how many past weeks to average.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub weeks: u32,
    /// With --history: the intervals' length (dividing a day evenly).
    #[arg(long, value_name = "DUR", value_parser = parse_duration, default_value = "30m")]
    pub interval: TimeDelta,
    /// The model, target, shrinkage and occupancy cap.
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// A folder of calendars, one per specialist (*.toml, *.json; the file name is the specialist).
    #[arg(long, value_name = "DIR", requires = "date")]
    pub calendar_dir: Option<PathBuf>,
    /// The date planned (YYYY-MM-DD), to read the calendars on.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    /// The time zone of the profile's wall-clock times (an IANA name); by default the profile's time_zone.
    #[arg(long, value_name = "TZ")]
    pub time_zone: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// The flags that make a [`StaffingPolicy`], shared by both commands.
#[derive(Debug, Args)]
pub struct PolicyArgs {
    /// Average handling time (talk plus after-contact work): `180s`, `3m`, `PT3M`.
    #[arg(long, value_name = "DUR", value_parser = parse_duration, required = true)]
    pub aht: Option<TimeDelta>,
    /// Service-level target PERCENT/DURATION: `80/20s` is 80% answered within 20 seconds.
    #[arg(long, value_name = "P/DUR", value_parser = parse_target, required = true)]
    pub target: Option<ServiceTarget>,
    /// Share of scheduled time not available for contacts (breaks, training, absence): `30%`.
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent, default_value = "0%")]
    pub shrinkage: f64,
    /// Most time an agent should spend on contacts on average: `85%`.
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent, default_value = "100%")]
    pub max_occupancy: f64,
    /// Mean patience of a waiting contact: `5m`. Switches from Erlang C to Erlang A.
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub patience: Option<TimeDelta>,
    /// Refuse to plan more agents than this (a guard against mistyped volumes).
    #[arg(long, value_name = "N", default_value_t = kefu::staffing::DEFAULT_MAX_AGENTS)]
    pub max_agents: u32,
}

/// Why a staffing command failed, and its exit code.
struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    fn input(message: impl Into<String>) -> Self {
        Self { code: 2, message: message.into() }
    }

    /// An error of the core, with the field it names turned into the flag that set it.
    fn staffing(e: StaffingError) -> Self {
        match e {
            // The flags take percentages where the core takes shares.
            StaffingError::Invalid { field: field @ (Field::Shrinkage | Field::MaxOccupancy), value, .. } => {
                let given = value.parse::<f64>().map_or(value, percent);
                let range = if field == Field::Shrinkage {
                    "from 0% up to, not including, 100%"
                } else {
                    "more than 0%, at most 100%"
                };
                Self::input(format!("{}: must be {range} (got {given})", flag(field)))
            }
            StaffingError::Invalid { field, value, reason } => {
                Self::input(format!("{}: {reason} (got {value})", flag(field)))
            }
            StaffingError::Slot { start, source } => {
                let inner = Self::staffing(*source);
                Self {
                    code: inner.code,
                    message: format!("the interval from {}: {}", start.format("%H:%M"), inner.message),
                }
            }
            other => Self { code: 1, message: other.to_string() },
        }
    }
}

/// The flag that sets a field of the core.
fn flag(field: Field) -> &'static str {
    match field {
        Field::Contacts => "--calls",
        Field::Interval => "--interval",
        Field::Aht => "--aht",
        Field::TargetShare | Field::TargetWithin => "--target",
        Field::Patience => "--patience",
        Field::Shrinkage => "--shrinkage",
        Field::MaxOccupancy => "--max-occupancy",
        Field::Weeks => "--weeks",
        _ => field.name(),
    }
}

/// Runs one `kefu staffing` command; errors are printed here.
pub fn run(command: StaffingCommand) -> ExitCode {
    let result = match command.plan {
        Some(PlanCommand::Plan(args)) => plan(&args),
        None => single(&command),
    };
    match result {
        Ok(text) => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not worth a panic.
            let _ = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush());
            ExitCode::SUCCESS
        }
        Err(failure) => {
            eprintln!("error: {}", failure.message.trim_end());
            ExitCode::from(failure.code)
        }
    }
}

impl PolicyArgs {
    fn policy(&self) -> Result<StaffingPolicy, Failure> {
        let target = self.target.ok_or_else(|| Failure::input("--target is required"))?;
        let mut policy = StaffingPolicy::erlang_c(target)
            .with_shrinkage(self.shrinkage)
            .and_then(|p| p.with_max_occupancy(self.max_occupancy))
            .map_err(Failure::staffing)?
            .with_max_agents(self.max_agents);
        if let Some(patience) = self.patience {
            policy = policy.with_patience(patience).map_err(Failure::staffing)?;
        }
        Ok(policy)
    }

    fn aht(&self) -> Result<TimeDelta, Failure> {
        self.aht.ok_or_else(|| Failure::input("--aht is required"))
    }
}

fn single(command: &StaffingCommand) -> Result<String, Failure> {
    let calls = command.calls.ok_or_else(|| Failure::input("--calls is required"))?;
    let policy = command.policy.policy()?;
    let aht = command.policy.aht()?;
    let workload = Workload::new(calls, command.interval, aht).map_err(Failure::staffing)?;
    let need = policy.required(&workload).map_err(Failure::staffing)?;
    if command.json {
        let mut object = performance_json(&need.performance);
        object.insert("scheduled".into(), json!(need.scheduled));
        return Ok(format!("{}\n", Value::Object(object)));
    }
    let p = &need.performance;
    let target = policy.target();
    let mut out = String::new();
    let mut row = |label: &str, value: String| {
        let _ = writeln!(out, "{label:<16}{value}");
    };
    row("model", model_name(&policy));
    row(
        "load",
        format!(
            "{:.2} Erlangs ({} contacts in {}, AHT {})",
            need.erlangs,
            number(calls),
            duration::format(command.interval),
            duration::format(aht)
        ),
    );
    row("target", format!("{} within {}", percent(target.share()), duration::format(target.within())));
    let why = if need.agents > need.for_service_level {
        format!(
            "  (the target alone needs {}; raised to keep occupancy within {})",
            need.for_service_level,
            percent(policy.max_occupancy())
        )
    } else {
        String::new()
    };
    row("agents", format!("{}{why}", need.agents));
    row("scheduled", format!("{}  (shrinkage {})", need.scheduled, percent(policy.shrinkage())));
    row("service level", percent(p.service_level));
    row("waiting", percent(p.p_wait));
    row("ASA", format!("{:.1} s", p.asa_seconds));
    row("occupancy", percent(p.occupancy));
    if let Some(abandon) = p.p_abandon {
        row("abandoning", percent(abandon));
    }
    Ok(out)
}

fn plan(args: &PlanArgs) -> Result<String, Failure> {
    let tz = args
        .time_zone
        .as_deref()
        .map(|name| {
            name.trim().parse().map_err(|_| {
                Failure::input(format!(
                    "--time-zone: unknown time zone `{name}`; write an IANA name such as Asia/Shanghai"
                ))
            })
        })
        .transpose()?;
    let (profile, source) = match (&args.profile, &args.history) {
        (Some(path), _) => (read_profile(path)?, path),
        (None, Some(path)) => {
            let (Some(zone), Some(date)) = (tz, args.date) else {
                return Err(Failure::input("--history needs --date and --time-zone"));
            };
            let instants = read_history(path)?;
            (Profile::from_history(instants, zone, date, args.weeks, args.interval).map_err(Failure::staffing)?, path)
        }
        (None, None) => return Err(Failure::input("--profile or --history is required")),
    };
    let policy = args.policy.policy()?;
    let day = policy.plan(&profile, args.policy.aht()?).map_err(Failure::staffing)?;
    let cover = match &args.calendar_dir {
        None => None,
        Some(dir) => {
            let tz = tz.or(profile.time_zone()).ok_or_else(|| {
                Failure::input(format!(
                    "--time-zone: needed with --calendar-dir, since {} has no time_zone",
                    source.display()
                ))
            })?;
            let date = args.date.ok_or_else(|| Failure::input("--date is required with --calendar-dir"))?;
            let team = read_team(dir)?;
            Some(day.cover(&team, date, tz).map_err(Failure::staffing)?)
        }
    };
    Ok(if args.json { plan_json(&day, cover.as_ref()) } else { plan_table(&policy, &day, cover.as_ref()) })
}

fn plan_table(policy: &StaffingPolicy, day: &DayPlan, cover: Option<&Cover>) -> String {
    let mut out = String::new();
    let abandon = matches!(policy.model(), Model::ErlangA { .. });
    let _ = write!(
        out,
        "{:<13} {:>9} {:>8} {:>7} {:>10} {:>8}",
        "interval", "contacts", "Erlangs", "agents", "scheduled", "service"
    );
    if abandon {
        out.push_str(" abandon");
    }
    if cover.is_some() {
        out.push_str(" on shift  short");
    }
    out.push('\n');
    for (k, slot) in day.slots.iter().enumerate() {
        let end = slot.start + day.interval;
        let r = &slot.requirement;
        let _ = write!(
            out,
            "{:<13} {:>9} {:>8.2} {:>7} {:>10} {:>8}",
            format!("{}-{}", slot.start.format("%H:%M"), end.format("%H:%M")),
            number(slot.contacts),
            r.erlangs,
            r.agents,
            r.scheduled,
            percent(r.performance.service_level),
        );
        if abandon {
            let _ = write!(out, " {:>7}", percent(r.performance.p_abandon.unwrap_or(0.0)));
        }
        if let Some(slot_cover) = cover.map(|c| &c.slots[k]) {
            let short = if slot_cover.shortfall > 0 { slot_cover.shortfall.to_string() } else { "-".into() };
            let _ = write!(out, " {:>8} {:>6}", slot_cover.on_shift, short);
        }
        out.push('\n');
    }
    let contacts: f64 = day.slots.iter().map(|s| s.contacts).sum();
    let _ = write!(out, "total {} contacts; peak {} agents", number(contacts), day.peak_agents());
    if let Some(cover) = cover {
        let short = cover.shortfalls().count();
        if short == 0 {
            out.push_str("; every interval covered");
        } else {
            let _ = write!(out, "; {short} interval(s) short");
        }
    }
    out.push('\n');
    out
}

fn plan_json(day: &DayPlan, cover: Option<&Cover>) -> String {
    let slots: Vec<Value> = day
        .slots
        .iter()
        .enumerate()
        .map(|(k, slot)| {
            let mut object = Map::new();
            object.insert("start".into(), json!(slot.start.format("%H:%M").to_string()));
            object.insert("contacts".into(), json!(slot.contacts));
            object.insert("erlangs".into(), json!(slot.requirement.erlangs));
            object.extend(performance_json(&slot.requirement.performance));
            object.insert("scheduled".into(), json!(slot.requirement.scheduled));
            if let Some(c) = cover.map(|c| &c.slots[k]) {
                object.insert("on_shift".into(), json!(c.on_shift));
                object.insert("shortfall".into(), json!(c.shortfall));
            }
            Value::Object(object)
        })
        .collect();
    format!("{}\n", json!({ "interval": duration::format(day.interval), "slots": slots }))
}

/// `agents`, `service_level`, `p_wait`, `asa_seconds`, `occupancy` and, under Erlang A, `p_abandon`.
fn performance_json(p: &Performance) -> Map<String, Value> {
    let mut object = Map::new();
    object.insert("agents".into(), json!(p.agents));
    object.insert("service_level".into(), json!(p.service_level));
    object.insert("p_wait".into(), json!(p.p_wait));
    object.insert("asa_seconds".into(), json!(p.asa_seconds));
    object.insert("occupancy".into(), json!(p.occupancy));
    if let Some(abandon) = p.p_abandon {
        object.insert("p_abandon".into(), json!(abandon));
    }
    object
}

fn model_name(policy: &StaffingPolicy) -> String {
    match policy.model() {
        Model::ErlangA { patience } => format!("Erlang A (mean patience {})", duration::format(patience)),
        _ => "Erlang C (nobody hangs up)".to_owned(),
    }
}

fn read_profile(path: &Path) -> Result<Profile, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::input(format!("{}: cannot read the profile: {e}", path.display())))?;
    let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let parsed = match extension.as_deref() {
        Some("csv") => Profile::from_csv_str(&text).map_err(|e| e.to_string()),
        Some("json") => Profile::from_json_str(&text).map_err(|e| e.to_string()),
        _ => Profile::from_toml_str(&text).map_err(|e| e.to_string()),
    };
    parsed.map_err(|e| Failure::input(format!("{}: {e}", path.display())))
}

/// The forecast from a file of past contact instants (one RFC 3339 instant per line; blank lines and `#` comments
/// skipped).
fn read_history(path: &Path) -> Result<Vec<chrono::DateTime<chrono::Utc>>, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::input(format!("{}: cannot read the history: {e}", path.display())))?;
    let mut instants = Vec::new();
    for (k, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let t = chrono::DateTime::parse_from_rfc3339(line).map_err(|e| {
            Failure::input(format!("{}: line {}: not an RFC 3339 instant ({e}): `{line}`", path.display(), k + 1))
        })?;
        instants.push(t.to_utc());
    }
    Ok(instants)
}

/// Every `*.toml` / `*.json` file of `dir` is one specialist's calendar, named after the file, in name order.
fn read_team(dir: &Path) -> Result<Team, Failure> {
    let unreadable =
        |e: std::io::Error| Failure::input(format!("{}: cannot read the calendar folder: {e}", dir.display()));
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(unreadable)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml") || e.eq_ignore_ascii_case("json")))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Failure::input(format!("{}: no calendars (*.toml, *.json) in the folder", dir.display())));
    }
    let mut calendars = CalendarSet::new();
    let mut names = Vec::new();
    for file in &files {
        let name = file.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
        let text = std::fs::read_to_string(file)
            .map_err(|e| Failure::input(format!("{}: cannot read the calendar file: {e}", file.display())))?;
        let calendar = if file.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
            Calendar::from_json_str(&text)
        } else {
            Calendar::from_toml_str(&text)
        }
        .map_err(|e| Failure::input(format!("{}: {}", file.display(), e.to_string().trim_end())))?;
        calendars.insert(name.clone(), calendar);
        names.push(name);
    }
    let mut team = Team::new(calendars);
    for name in names {
        team.add(Specialist::new(name.as_str()).with_calendar(name.as_str()))
            .map_err(|e| Failure::input(format!("{}: {e}", dir.display())))?;
    }
    Ok(team)
}

/// `0.888` → `88.8%`.
fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// A count without a needless `.0`: `100`, `12.5`.
fn number(value: f64) -> String {
    if value.fract() == 0.0 { format!("{value:.0}") } else { format!("{value:.1}") }
}

fn parse_calls(text: &str) -> Result<f64, String> {
    let value: f64 = text.trim().parse().map_err(|_| "not a number of contacts; write e.g. 100".to_owned())?;
    if !(value.is_finite() && value >= 0.0) {
        return Err("must be a finite number of contacts, 0 or more".to_owned());
    }
    Ok(value)
}

fn parse_duration(text: &str) -> Result<TimeDelta, String> {
    duration::parse(text).map_err(|e| e.to_string())
}

fn parse_target(text: &str) -> Result<ServiceTarget, String> {
    text.parse::<ServiceTarget>().map_err(|e| match e {
        StaffingError::Invalid { reason, .. } => format!("{reason}; write PERCENT/DURATION, e.g. 80/20s"),
        other => other.to_string(),
    })
}

/// `30%`, or `30` (a percentage as well). A bare number below 1 is refused: `0.3` is more likely a fraction meant as
/// 30% than 0.3%.
fn parse_percent(text: &str) -> Result<f64, String> {
    let trimmed = text.trim();
    let (number, has_sign) = match trimmed.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (trimmed, false),
    };
    let value: f64 = number.parse().map_err(|_| "not a percentage; write e.g. 30%".to_owned())?;
    if !(0.0..=100.0).contains(&value) {
        return Err("must be a percentage from 0% to 100%".to_owned());
    }
    if !has_sign && value > 0.0 && value < 1.0 {
        return Err(format!(
            "ambiguous: write {}% for a share of {value}, or {value}% if that is meant",
            value * 100.0
        ));
    }
    Ok(value / 100.0)
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|e| format!("not a date ({e}); write e.g. 2026-11-02"))
}
