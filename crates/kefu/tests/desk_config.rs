//! The configuration file (`kefu.toml` and its JSON twin): every error is located by file, line, column and key
//! path — syntax, shape, referenced files, cross-checks — and all of them come at once; no configuration fails later
//! than its load.

use std::collections::BTreeMap;

use kefu::assign::Availability;
use kefu::desk::{ConfigError, ConfigErrors, DeskConfig, MAX_CONFIG_BYTES, load_json, load_toml};
use kefu::sla::Target;

/// A small, complete configuration: every role the default chains and ladders address is held.
const BASE: &str = r#"company = "鸿枫化工"
time_zone = "Asia/Shanghai"

[calendars]
office = { time_zone = "Asia/Shanghai", week = { mon = ["09:00-12:00", "13:30-18:00"], fri = ["09:00-12:00"] } }
service-desk = { file = "calendars/desk.toml" }
contact-hours = { time_zone = "Asia/Shanghai", week = { mon = ["09:00-20:00"], sat = ["10:00-18:00"] } }

[[people]]
id = "zhang.wei"
name = "张伟"
roles = ["service_supervisor", "supervisor"]

[[people]]
id = "li.na"
roles = ["specialist"]
weight = 2
calendar = "office"

[[people]]
id = "wang.fang"
roles = ["specialist"]

[[people]]
id = "zhou.ming"
roles = ["department_head"]

[[people]]
id = "qian.jun"
roles = ["marketing_director", "leadership"]

[[people]]
id = "zheng.hua"
roles = ["finance_supervisor"]

[[people]]
id = "feng.tao"
roles = ["general_manager", "leadership"]

[[departments]]
id = "logistics"
head = "zhou.ming"

[policies.callback]
quiet_hours = "contact-hours"
"#;

const DESK: &str = r#"time_zone = "Asia/Shanghai"
[week]
mon = ["09:00-18:00"]
tue = ["09:00-18:00"]
"#;

/// A script that forwards a problem to `warehouse`.
const WAREHOUSE_SCRIPT: &str = r#"id = "stock-check"
version = 1
locales = ["en"]

[[nodes]]
id = "ask"
kind = "question"
answer = "free_text"
text.en = "Anything wrong with the last delivery?"

[[nodes]]
id = "record"
kind = "problem"
from = "ask"
department = "warehouse"

[[nodes]]
id = "bye"
kind = "end"
outcome = "completed"
text.en = "Goodbye."
"#;

type Files = BTreeMap<&'static str, String>;

fn files() -> Files {
    [("calendars/desk.toml", DESK.to_owned()), ("scripts/stock.toml", WAREHOUSE_SCRIPT.to_owned())]
        .into_iter()
        .collect()
}

fn load_with(text: &str, files: &Files) -> Result<DeskConfig, ConfigErrors> {
    load_toml(text, "cfg/kefu.toml", &|name| files.get(name).cloned().ok_or_else(|| "no such file".to_owned()))
}

fn load(text: &str) -> Result<DeskConfig, ConfigErrors> {
    load_with(text, &files())
}

fn errors(text: &str) -> Vec<ConfigError> {
    errors_with(text, &files())
}

fn errors_with(text: &str, files: &Files) -> Vec<ConfigError> {
    match load_with(text, files) {
        Ok(_) => panic!("the configuration loaded:\n{text}"),
        Err(errors) => errors.0,
    }
}

/// Line and column (from 1) of the first occurrence of `needle` in `text`, plus `skip` characters.
fn at(text: &str, needle: &str, skip: usize) -> (usize, usize) {
    let offset = text.find(needle).unwrap_or_else(|| panic!("`{needle}` is not in the text"));
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (before.matches('\n').count() + 1, before[line_start..].chars().count() + 1 + skip)
}

fn position(e: &ConfigError) -> (usize, usize) {
    (e.line, e.column)
}

/// The single error of a configuration.
fn only(text: &str) -> ConfigError {
    let mut all = errors(text);
    assert_eq!(all.len(), 1, "{all:#?}");
    all.remove(0)
}

#[test]
fn the_base_configuration_loads_and_compiles() -> Result<(), Box<dyn std::error::Error>> {
    let config = load(BASE)?;
    assert_eq!(config.company, "鸿枫化工");
    assert_eq!(config.time_zone, chrono_tz::Asia::Shanghai);
    assert_eq!(config.calendars.len(), 3);
    assert_eq!(config.people.len(), 7);
    assert_eq!(config.callback.quiet_hours.as_deref(), Some("contact-hours"));
    // Inline calendars are named after their key in messages.
    assert_eq!(config.calendars.get("office")?.name(), Some("office"));
    let compiled = config.compile()?;
    assert_eq!(compiled.specialists().count(), 2);
    assert_eq!(config.availability, Availability::WorkingDate);
    Ok(())
}

#[test]
fn a_syntax_error_is_located_at_its_line_and_column() {
    let text = BASE.replace("weight = 2", "weight = = 2");
    let e = only(&text);
    assert_eq!(e.file, "cfg/kefu.toml");
    assert_eq!(e.line, at(&text, "weight = = 2", 0).0);
    assert_eq!(e.path, "");
    assert!(e.to_string().starts_with(&format!("cfg/kefu.toml:{}:", e.line)), "{e}");
}

#[test]
fn a_value_of_the_wrong_type_is_located_with_its_key_path() {
    let text = BASE.replace("weight = 2", "weight = \"two\"");
    let e = only(&text);
    assert_eq!(e.path, "people[1].weight");
    assert_eq!(position(&e), at(&text, "\"two\"", 0));
    assert!(e.message.contains("expected u32"), "{e}");
}

#[test]
fn unknown_keys_are_errors_with_their_key_path() {
    // A typo at the top level, in a person, in a policy and in a campaign selector (`region` for `regions`).
    let text = format!(
        "colour = \"blue\"\n{}\n[[campaigns]]\nid = \"c\"\noccasion = \"anniversary\"\nstarts = \"2026-06-01\"\nselect = {{ region = [\"east\"] }}\n",
        BASE.replace("weight = 2", "wieght = 2").replace("quiet_hours =", "quiet_hour =")
    );
    let all = errors(&text);
    let found: Vec<(&str, (usize, usize))> = all.iter().map(|e| (e.path.as_str(), position(e))).collect();
    assert_eq!(
        found,
        [
            ("colour", at(&text, "colour", 0)),
            ("people[1].wieght", at(&text, "wieght", 0)),
            ("policies.callback.quiet_hour", at(&text, "quiet_hour", 0)),
            ("campaigns[0].select.region", at(&text, "region", 0)),
        ],
        "{all:#?}"
    );
    assert!(all[0].message.contains("unknown key `colour`"), "{}", all[0]);
    assert!(all[1].message.contains("unknown field `wieght`"), "{}", all[1]);
}

#[test]
fn every_sections_shape_errors_are_reported_together() {
    let text = BASE
        .replace("time_zone = \"Asia/Shanghai\"\n\n", "time_zone = \"Asia/Shangai\"\n\n")
        .replace("id = \"logistics\"", "id = 7")
        .replace("quiet_hours = \"contact-hours\"", "after_sale_within = \"a week\"");
    let all = errors(&text);
    let found: Vec<(&str, usize)> = all.iter().map(|e| (e.path.as_str(), e.line)).collect();
    assert_eq!(
        found,
        [
            ("time_zone", 2),
            ("departments[0].id", at(&text, "id = 7", 0).0),
            ("policies.callback.after_sale_within", at(&text, "after_sale_within", 0).0),
        ],
        "{all:#?}"
    );
    assert!(all[0].message.contains("unknown IANA time zone `Asia/Shangai`"), "{}", all[0]);
}

#[test]
fn company_and_time_zone_are_required() {
    let text = BASE.replace("company = \"鸿枫化工\"\ntime_zone = \"Asia/Shanghai\"\n", "");
    let all = errors(&text);
    assert_eq!(all.iter().map(|e| e.path.as_str()).collect::<Vec<_>>(), ["company", "time_zone"]);
    assert!(all.iter().all(|e| position(e) == (1, 1) && e.message.starts_with("is missing")), "{all:#?}");
}

#[test]
fn an_invalid_inline_calendar_is_located_at_its_field() {
    let text = BASE.replace(r#"sat = ["10:00-18:00"]"#, r#"sat = ["10:00-18:00", "12:00-13:00"]"#);
    let e = only(&text);
    assert_eq!(e.path, "calendars.contact-hours.week.sat");
    assert_eq!(e.line, at(&text, "contact-hours =", 0).0);
    assert!(e.message.contains("overlap"), "{e}");

    let text = BASE.replace(r#"mon = ["09:00-20:00"]"#, r#"mon = ["20:00-09:00"]"#);
    let e = only(&text);
    assert_eq!(e.path, "calendars.contact-hours.week.mon[0]");
    assert_eq!(position(&e), at(&text, "\"20:00-09:00\"", 0));
}

#[test]
fn an_inline_calendar_needs_a_time_zone_and_cannot_also_name_a_file() {
    let text = BASE.replace(
        "service-desk = { file = \"calendars/desk.toml\" }",
        "service-desk = { file = \"calendars/desk.toml\", week = { mon = [\"09:00-18:00\"] } }\nspare = { week = {} }",
    );
    let all = errors(&text);
    let found: Vec<(&str, usize)> = all.iter().map(|e| (e.path.as_str(), e.line)).collect();
    assert_eq!(
        found,
        [("calendars.service-desk.file", at(&text, "service-desk", 0).0), ("calendars.spare", at(&text, "spare", 0).0)]
    );
}

#[test]
fn a_missing_referenced_file_is_reported_where_it_is_named() {
    let mut files = files();
    files.remove("calendars/desk.toml");
    let e = errors_with(BASE, &files).remove(0);
    assert_eq!(e.file, "cfg/kefu.toml");
    assert_eq!(e.path, "calendars.service-desk.file");
    assert_eq!(position(&e), at(BASE, "\"calendars/desk.toml\"", 0));
    assert_eq!(e.message, "cannot read the calendar file `calendars/desk.toml`: no such file");
}

#[test]
fn a_broken_referenced_calendar_is_located_in_that_file() {
    // Malformed TOML.
    let mut files = files();
    files.insert("calendars/desk.toml", DESK.replace("tue = ", "tue = ["));
    let e = errors_with(BASE, &files).remove(0);
    assert_eq!((e.file.as_str(), e.line), ("cfg/calendars/desk.toml", 4));

    // The right shape, a bad value.
    files.insert("calendars/desk.toml", DESK.replace("tue = [\"09:00-18:00\"]", "tue = [\"09:00-18:00\", \"9am\"]"));
    let e = errors_with(BASE, &files).remove(0);
    assert_eq!((e.file.as_str(), e.path.as_str(), e.line, e.column), ("cfg/calendars/desk.toml", "week.tue[1]", 4, 23));

    // Parsed, but an invalid definition: the holiday ends before it starts.
    files.insert("calendars/desk.toml", format!("{DESK}[[holidays]]\nfrom = \"2026-10-07\"\nto = \"2026-10-01\"\n"));
    let e = errors_with(BASE, &files).remove(0);
    assert_eq!(
        (e.file.as_str(), e.path.as_str(), e.line, e.column),
        ("cfg/calendars/desk.toml", "holidays[0].to", 7, 6)
    );
    assert_eq!(e.message, "`to` (2026-10-01) is before `from` (2026-10-07)");
}

#[test]
fn a_referenced_json_calendar_is_read_as_json() -> Result<(), Box<dyn std::error::Error>> {
    let text = BASE.replace("calendars/desk.toml", "calendars/desk.json");
    let mut files = files();
    files.insert("calendars/desk.json", r#"{"time_zone": "Asia/Shanghai", "week": {"mon": ["09:00-18:00"]}}"#.into());
    assert!(load_with(&text, &files)?.calendars.get("service-desk").is_ok());

    files.insert("calendars/desk.json", "{\"time_zone\": \"Asia/Shanghai\",\n \"week\": {\"mon\": [\"9-18\"]}}".into());
    let e = errors_with(&text, &files).remove(0);
    assert_eq!((e.file.as_str(), e.path.as_str(), e.line), ("cfg/calendars/desk.json", "week.mon[0]", 2));
    Ok(())
}

#[test]
fn a_referenced_file_larger_than_the_limit_is_refused_unread() {
    let mut files = files();
    files.insert("calendars/desk.toml", format!("{DESK}#{}", "x".repeat(MAX_CONFIG_BYTES)));
    let e = errors_with(BASE, &files).remove(0);
    assert_eq!((e.file.as_str(), e.line), ("cfg/calendars/desk.toml", 1));
    assert!(e.message.contains("limited to 16 MiB"), "{e}");
}

#[test]
fn rule_b5_a_department_a_script_forwards_to_must_be_configured() {
    let text = format!("{BASE}\n[scripts]\nfiles = [\"scripts/stock.toml\"]\n");
    let e = only(&text);
    // Located in the script's own file, at the problem node's `department`.
    assert_eq!(e.file, "cfg/scripts/stock.toml");
    assert_eq!(e.path, "nodes[1].department");
    assert_eq!(position(&e), at(WAREHOUSE_SCRIPT, "\"warehouse\"", 0));
    assert!(e.message.contains("department `warehouse`, which is not configured"), "{e}");

    let fixed = text.replace("[[departments]]", "[[departments]]\nid = \"warehouse\"\n\n[[departments]]");
    let config = load(&fixed).unwrap_or_else(|e| panic!("{e}"));
    assert!(config.scripts.get("stock-check").is_some());
}

#[test]
fn rules_s1_s2_a_broken_script_file_is_located_in_that_file() {
    let mut files = files();
    files
        .insert("scripts/stock.toml", WAREHOUSE_SCRIPT.replace("from = \"ask\"", "from = \"ask\"\nnext = \"nowhere\""));
    let text = format!("{BASE}\n[scripts]\nfiles = [\"scripts/stock.toml\"]\n");
    let e = errors_with(&text, &files).remove(0);
    assert_eq!((e.file.as_str(), e.path.as_str()), ("cfg/scripts/stock.toml", "nodes[1].next"));
    assert_eq!(e.line, at(&files["scripts/stock.toml"], "next = \"nowhere\"", 0).0);
    assert!(e.message.ends_with("[unknown-target]"), "{e}");

    // A script may not take a built-in script's id.
    files.insert("scripts/stock.toml", WAREHOUSE_SCRIPT.replace("stock-check", "s1-regular-callback"));
    let e = errors_with(&text, &files).remove(0);
    assert_eq!((e.file.as_str(), e.path.as_str(), e.line), ("cfg/scripts/stock.toml", "id", 1));
    assert!(e.message.contains("already taken by the built-in script"), "{e}");

    // An unreadable script file is reported where it is named.
    let text = format!("{BASE}\n[scripts]\nfiles = [\"scripts/none.toml\"]\n");
    let e = errors(&text).remove(0);
    assert_eq!((e.path.as_str(), position(&e)), ("scripts.files[0]", at(&text, "\"scripts/none.toml\"", 0)));
}

/// One dangling name per case: the single issue it causes, at the line where the name is written.
#[test]
fn every_dangling_name_is_caught_at_load() {
    let cases: [(&str, String, &str, &str); 9] = [
        (
            "a person's calendar",
            BASE.replace("calendar = \"office\"", "calendar = \"leave\""),
            "people[1].calendar",
            "\"leave\"",
        ),
        (
            "a department's calendar",
            BASE.replace("head = \"zhou.ming\"", "head = \"zhou.ming\"\ncalendar = \"warehouse-hours\""),
            "departments[0].calendar",
            "\"warehouse-hours\"",
        ),
        (
            "a department's head",
            BASE.replace("head = \"zhou.ming\"", "head = \"zhou.min\""),
            "departments[0].head",
            "\"zhou.min\"",
        ),
        (
            "rule B9: the quiet hours",
            BASE.replace("quiet_hours = \"contact-hours\"", "quiet_hours = \"contact\""),
            "policies.callback.quiet_hours",
            "\"contact\"",
        ),
        (
            "the months calendar",
            format!("{BASE}\n[policies.lifecycle]\nmonths_calendar = \"calendar-months\"\n"),
            "policies.lifecycle.months_calendar",
            "\"calendar-months\"",
        ),
        (
            "rule B4: a record clock's calendar",
            format!("{BASE}record_lapsed = {{ name = \"B4\", within = \"1h\", calendar = \"desk\" }}\n"),
            "policies.callback.record_lapsed.calendar",
            "\"desk\"",
        ),
        (
            "rule Q4: a case policy's calendar",
            format!(
                "{BASE}\n[policies.cases.default]\nrespond = {{ name = \"Q4\", within = \"2h\", calendar = \"helpdesk\" }}\n"
            ),
            "policies.cases.default.respond.calendar",
            "\"helpdesk\"",
        ),
        ("rule S1: the regular script", format!("{BASE}\n[scripts]\nregular = \"s1\"\n"), "scripts.regular", "\"s1\""),
        ("rule S2: the quiet script", format!("{BASE}\n[scripts]\nquiet = \"s2\"\n"), "scripts.quiet", "\"s2\""),
    ];
    for (what, text, path, needle) in cases {
        let all = errors(&text);
        assert_eq!(all.len(), 1, "{what}: {all:#?}");
        assert_eq!((all[0].path.as_str(), position(&all[0])), (path, at(&text, needle, 0)), "{what}: {}", all[0]);
        assert!(!all[0].message.contains("not written"), "{what}: {}", all[0]);
    }
}

#[test]
fn rule_b6_a_role_nobody_holds_is_reported_where_it_is_addressed() {
    let text = format!(
        "{BASE}\n[policies.cases.default]\nhandle = {{ name = \"B6\", within = \"1h\", escalate = [{{ to = \"supervisor\", after = \"0s\" }}, {{ to = \"board\", after = \"1h\" }}] }}\n"
    );
    let e = only(&text);
    assert_eq!(e.path, "policies.cases.default.handle.escalate[1].to");
    assert_eq!(e.line, at(&text, "to = \"board\"", 0).0);
    assert_eq!(e.message, "addresses role `board`, which nobody holds");
}

#[test]
fn a_person_listed_twice_is_refused() {
    let text = BASE.replace("id = \"wang.fang\"", "id = \"li.na\"");
    let e = only(&text);
    assert_eq!(e.path, "people[2].id");
    assert_eq!(position(&e), at(&text, "\"li.na\"\nroles = [\"specialist\"]\n\n[[people]]\nid = \"zhou", 0));
    assert_eq!(e.message, "`li.na` is given to two people");
}

#[test]
fn a_campaign_selector_naming_an_empty_or_repeated_value_is_refused() {
    let text = format!(
        "{BASE}\n[[campaigns]]\nid = \"spring\"\noccasion = \"promotion\"\nname = \"spring sale\"\nstarts = \"2026-03-02\"\nselect = {{ regions = [\"east\", \"\", \"east\"] }}\n"
    );
    let all = errors(&text);
    let paths: Vec<&str> = all.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["campaigns[0].select.regions[1]", "campaigns[0].select.regions[2]"]);
    assert_eq!(all[0].line, at(&text, "select =", 0).0);
}

#[test]
fn a_default_that_names_a_missing_calendar_is_reported_at_the_innermost_table_written() {
    // Without `office`, the defaults of the C5 file clock and of the months calendar dangle; so does Li Na's calendar.
    let text =
        BASE.replace("office = {", "main-office = {").replace("calendar = \"office\"", "calendar = \"main-office\"");
    let all = errors(&text);
    let found: Vec<(&str, usize, bool)> =
        all.iter().map(|e| (e.path.as_str(), e.line, e.message.contains("not written in the file"))).collect();
    // Not written: located at the innermost table that is, `policies` (opened by `[policies.callback]`).
    let policies = at(&text, "[policies.callback]", 0).0;
    assert_eq!(
        found,
        [
            ("policies.lifecycle.file_within.calendar", policies, true),
            ("policies.lifecycle.months_calendar", policies, true),
        ],
        "{all:#?}"
    );
    assert!(all[0].message.starts_with("names calendar `office`, which is not configured"), "{}", all[0]);

    // With a `[policies.lifecycle]` table, they are located at its header.
    let text = format!("{text}\n[policies.lifecycle]\nquiet_after = \"10d\"\n");
    let all = errors(&text);
    assert!(all.iter().all(|e| e.line == at(&text, "[policies.lifecycle]", 0).0), "{all:#?}");
}

#[test]
fn every_cross_check_issue_is_reported_at_once_in_line_order() {
    let text = format!(
        "{}\n[scripts]\nquiet = \"s2\"\n[[campaigns]]\nid = \"x\"\noccasion = \"anniversary\"\nstarts = \"2026-06-01\"\nwithin = \"0s\"\n",
        BASE.replace("calendar = \"office\"", "calendar = \"leave\"")
            .replace("id = \"wang.fang\"", "id = \"zhang.wei\"")
            .replace("head = \"zhou.ming\"", "head = \"nobody\"")
            .replace("roles = [\"finance_supervisor\"]", "roles = []")
            .replace("quiet_hours = \"contact-hours\"", "quiet_hours = \"rest\"")
    );
    let all = errors(&text);
    let found: Vec<(&str, usize)> = all.iter().map(|e| (e.path.as_str(), e.line)).collect();
    let mut expected = vec![
        ("people[1].calendar", at(&text, "calendar = \"leave\"", 0).0),
        ("people[2].id", at(&text, "id = \"zhang.wei\"\nroles = [\"specialist\"]", 0).0),
        ("departments[0].head", at(&text, "head = \"nobody\"", 0).0),
        ("policies.callback.quiet_hours", at(&text, "quiet_hours", 0).0),
        ("scripts.quiet", at(&text, "quiet = \"s2\"", 0).0),
        ("campaigns[0].within", at(&text, "within = \"0s\"", 0).0),
        // The C7 chain's `check` step is the domain's default: not written, so located at the start of the file.
        ("approvals.c7.steps[1].any_of[0]", 1),
    ];
    expected.sort_by_key(|(_, line)| *line);
    assert_eq!(found, expected, "{all:#?}");
}

#[test]
fn policies_override_the_domains_defaults_field_by_field() -> Result<(), Box<dyn std::error::Error>> {
    let text = format!(
        "{BASE}\n[policies.lifecycle]\nquiet_after = \"10d\"\n\n[policies.cases.default]\nhandle = {{ name = \"B6 (business)\", within = \"1h\", calendar = \"office\" }}\n"
    );
    let config = load(&text)?;
    assert_eq!(config.lifecycle.quiet_after, chrono::TimeDelta::days(10));
    assert_eq!(config.lifecycle.f2_contacts_per_month, 2, "the default stays");
    assert_eq!(config.cases.default.handle.target().calendar(), Some("office"));
    assert_eq!(config.cases.default.forward.name(), "B5 feedback to the department", "the default stays");
    assert_eq!(config.cases.classes.len(), 3, "the default per-class rules stay");

    // `class`, when given, replaces the rules.
    let text = format!(
        "{text}\n[[policies.cases.class]]\nurgency = \"urgent\"\nhandle = {{ name = \"urgent\", within = \"15m\" }}\n"
    );
    let config = load(&text)?;
    assert_eq!(config.cases.classes.len(), 1);
    assert_eq!(
        config.cases.classes[0].handle.as_ref().map(|p| p.target().clone()),
        Some(Target::Elapsed(chrono::TimeDelta::minutes(15)))
    );
    Ok(())
}

#[test]
fn rule_c7_an_approval_chain_replaces_the_domains() -> Result<(), Box<dyn std::error::Error>> {
    let text = format!(
        "{BASE}\n[approvals.c7]\nname = \"C7 (small)\"\n[[approvals.c7.steps]]\nname = \"sign\"\nany_of = [\"general_manager\"]\n"
    );
    let config = load(&text)?;
    assert_eq!(config.c7.steps.len(), 1);
    assert_eq!(config.c6.steps[0].any_of.len(), 2, "C6 stays the domain's");
    Ok(())
}

#[test]
fn rule_b8_a_campaign_starts_in_the_desks_time_zone_unless_an_offset_is_given() -> Result<(), Box<dyn std::error::Error>>
{
    let campaign = |starts: &str| {
        format!(
            "{BASE}\n[[campaigns]]\nid = \"mid-autumn\"\noccasion = \"holiday\"\nname = \"中秋节\"\nstarts = {starts}\nwithin = \"1d\"\n"
        )
    };
    let nine = "2026-09-24T01:00:00Z".parse::<chrono::DateTime<chrono::Utc>>()?;
    for starts in
        ["2026-09-24T09:00:00", "2026-09-24T09:00:00+08:00", "\"2026-09-24T09:00:00\"", "\"2026-09-24T01:00:00Z\""]
    {
        let config = load(&campaign(starts))?;
        assert_eq!(config.campaigns[0].starts, nine, "{starts}");
        assert_eq!(config.campaigns[0].within, Some(chrono::TimeDelta::days(1)));
    }
    let text = campaign("\"the 24th\"");
    let e = only(&text);
    assert_eq!((e.path.as_str(), e.line), ("campaigns[0].starts", at(&text, "starts =", 0).0));

    // A holiday needs its name.
    let text = campaign("2026-09-24").replace("name = \"中秋节\"\n", "");
    let e = only(&text);
    assert_eq!((e.path.as_str(), e.line), ("campaigns[0].occasion", at(&text, "occasion =", 0).0));
    Ok(())
}

#[test]
fn rules_c3_o1_assignment_reads_open_at() -> Result<(), Box<dyn std::error::Error>> {
    let config =
        load(&BASE.replace(
            "time_zone = \"Asia/Shanghai\"\n\n",
            "time_zone = \"Asia/Shanghai\"\nassignment = \"open_at\"\n\n",
        ))?;
    assert_eq!(config.availability, Availability::OpenAt);
    Ok(())
}

#[test]
fn the_json_twin_loads_the_same_configuration() -> Result<(), Box<dyn std::error::Error>> {
    let value: toml::Value = toml::from_str(BASE)?;
    let json = serde_json::to_string_pretty(&value)?;
    let from_json = load_json(&json, "kefu.json", &|name| files().get(name).cloned().ok_or_else(|| "none".into()))
        .map_err(|e| e.to_string())?;
    let from_toml = load(BASE)?;
    assert_eq!(from_json.people, from_toml.people);
    assert_eq!(from_json.departments, from_toml.departments);
    assert_eq!(from_json.callback, from_toml.callback);

    // A shape error, and a cross-check issue, both located.
    let bad = json.replacen("\"weight\": 2", "\"weight\": -2", 1);
    let e = load_json(&bad, "kefu.json", &|_| Ok(DESK.to_owned())).map_err(|e| e.0).err().unwrap_or_default();
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!((e[0].path.as_str(), e[0].line), ("people[1].weight", at(&bad, "\"weight\": -2", 0).0));

    let bad = json.replacen("\"calendar\": \"office\"", "\"calendar\": \"leave\"", 1);
    let e = load_json(&bad, "kefu.json", &|_| Ok(DESK.to_owned())).map_err(|e| e.0).err().unwrap_or_default();
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!((e[0].path.as_str(), position(&e[0])), ("people[1].calendar", at(&bad, "\"leave\"", 0)));
    Ok(())
}

mod hostile {
    use proptest::prelude::*;

    use super::*;

    fn no_files(name: &str) -> Result<String, String> {
        Err(format!("no file {name}"))
    }

    #[test]
    fn a_huge_text_is_refused_before_parsing() {
        let text = format!("company = \"{}\"", "x".repeat(MAX_CONFIG_BYTES));
        for result in [load_toml(&text, "big.toml", &no_files), load_json(&text, "big.json", &no_files)] {
            let errors = result.err().map(|e| e.0).unwrap_or_default();
            assert_eq!(errors.len(), 1);
            assert!(errors[0].message.contains("limited to 16 MiB"), "{}", errors[0]);
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        for text in [
            format!("a = {}{}", "[".repeat(100_000), "]".repeat(100_000)),
            format!("a = {}1{}", "{ b = ".repeat(50_000), " }".repeat(50_000)),
            format!("[a]\n{}b = 1", "a.".repeat(20_000)),
        ] {
            assert!(load_toml(&text, "deep.toml", &no_files).is_err());
        }
        let json = format!("{{\"a\": {}{}}}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(load_json(&json, "deep.json", &no_files).is_err());
    }

    #[test]
    fn binary_input_is_an_error() {
        let bytes: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        let text = String::from_utf8_lossy(&bytes);
        let errors = load_toml(&text, "kefu.toml", &no_files).err().map(|e| e.0).unwrap_or_default();
        assert!(!errors.is_empty());
        assert!(errors.iter().all(|e| e.line >= 1 && e.column >= 1));
        assert!(load_json(&text, "kefu.json", &no_files).is_err());
        assert!(load_toml("company = \"a\0b\"\0", "kefu.toml", &no_files).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

        /// Whatever a broken editor or a hostile user leaves of the file, the loader answers with located errors.
        #[test]
        fn any_damage_to_the_file_gives_located_errors(cut in 0..BASE.len(), len in 0usize..40, junk in "[\\[\\]{}=\",.a-z0-9 \n\t\\\\]{0,12}") {
            let mut text = BASE.to_owned();
            let start = (0..=cut).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
            let end = (start + len..=text.len()).find(|&i| text.is_char_boundary(i)).unwrap_or(text.len());
            text.replace_range(start..end, &junk);
            let lines = text.lines().count().max(1);
            if let Err(errors) = load_toml(&text, "kefu.toml", &|name| files().get(name).cloned().ok_or_else(|| "none".into())) {
                prop_assert!(!errors.0.is_empty());
                for e in &errors.0 {
                    prop_assert!(e.line >= 1 && e.column >= 1, "{}", e);
                    if e.file == "kefu.toml" {
                        prop_assert!(e.line <= lines + 1, "{} (the text has {} lines)", e, lines);
                    }
                }
            }
        }

        /// Arbitrary text never panics either loader.
        #[test]
        fn any_text_is_answered(text in "\\PC{0,200}") {
            let _ = load_toml(&text, "kefu.toml", &no_files);
            let _ = load_json(&text, "kefu.json", &no_files);
        }
    }
}

#[test]
fn rule_q4_the_default_case_policies_need_the_service_desk_calendar_and_say_so_at_load() {
    // `CasePolicies::default()` counts Q4's first responses on `service-desk`: without that calendar every default
    // `respond` policy dangles, each reported (with a note that it is a default) rather than failing later.
    let text = BASE.replace("service-desk = { file = \"calendars/desk.toml\" }\n", "");
    let all = errors(&text);
    let paths: Vec<&str> = all.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "policies.cases.class[1].respond.calendar",
            "policies.cases.class[2].respond.calendar",
            "policies.cases.default.respond.calendar",
        ]
    );
    assert!(all.iter().all(|e| e.message.contains("`service-desk`") && e.message.contains("not written")), "{all:#?}");
}

#[test]
fn service_tokens_are_kept_as_hashes_and_a_malformed_hash_is_located() -> Result<(), Box<dyn std::error::Error>> {
    let hash = kefu::desk::token_hash("kefu_secret");
    let text = format!("{BASE}\n[[tokens]]\nprincipal = \"erp\"\nroles = [\"erp\"]\nsha256 = \"{hash}\"\n");
    let config = load(&text)?;
    assert_eq!(config.tokens.len(), 1);
    assert!(config.tokens[0].matches("kefu_secret"));
    assert!(config.tokens[0].principal().has_role("erp"));

    let broken = text.replace(&hash, "kefu_secret");
    let e = only(&broken);
    assert_eq!(e.path, "tokens[0].sha256");
    assert_eq!(position(&e), at(&broken, "\"kefu_secret\"", 0));
    assert!(e.message.contains("SHA-256"), "{e}");
    Ok(())
}
