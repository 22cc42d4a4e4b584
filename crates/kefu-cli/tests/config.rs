//! `kefu config check FILE [--json]`: `ok: …`, or every problem as `FILE:LINE:COL: key.path: message`, exit 2.

use std::path::Path;

use assert_cmd::Command;
use predicates::str::contains;

fn kefu() -> Command {
    assert_cmd::cargo::cargo_bin_cmd!("kefu")
}

/// A valid configuration, one calendar inline and one by file.
const CONFIG: &str = r#"company = "鸿枫化工"
time_zone = "Asia/Shanghai"

[calendars]
office = { file = "calendars/office.toml" }
service-desk = { time_zone = "Asia/Shanghai", week = { mon = ["09:00-18:00"] } }

[[people]]
id = "zhang.wei"
roles = ["service_supervisor", "supervisor", "department_head", "leadership"]

[[people]]
id = "qian.jun"
roles = ["marketing_director", "finance_supervisor", "general_manager"]

[[people]]
id = "li.na"
roles = ["specialist"]
calendar = "office"

[[departments]]
id = "sales"
head = "zhang.wei"
"#;

const OFFICE: &str = "time_zone = \"Asia/Shanghai\"\n[week]\nmon = [\"09:00-12:00\", \"13:30-18:00\"]\n";

/// A directory holding `kefu.toml` (with `config`) and `calendars/office.toml`.
fn desk(config: &str) -> Result<tempfile::TempDir, Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    std::fs::create_dir(dir.path().join("calendars"))?;
    std::fs::write(dir.path().join("calendars/office.toml"), OFFICE)?;
    std::fs::write(dir.path().join("kefu.toml"), config)?;
    Ok(dir)
}

fn check(dir: &Path) -> assert_cmd::assert::Assert {
    kefu().args(["config", "check", "kefu.toml"]).current_dir(dir).assert()
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).map_or(0, |i| i + 1)
}

#[test]
fn a_valid_configuration_prints_what_it_holds() -> Result<(), Box<dyn std::error::Error>> {
    let dir = desk(CONFIG)?;
    check(dir.path())
        .success()
        .stdout("ok: 3 people (1 specialist), 1 department, 2 calendars, 2 scripts, 0 campaigns\n");
    Ok(())
}

#[test]
fn every_problem_is_printed_like_a_compiler_and_exits_2() -> Result<(), Box<dyn std::error::Error>> {
    let config = CONFIG
        .replace("calendar = \"office\"", "calendar = \"leave\"")
        .replace("head = \"zhang.wei\"", "head = \"nobody\"")
        .replace("\"general_manager\"]", "\"gm\"]");
    let dir = desk(&config)?;
    let output = check(dir.path()).code(2).stderr("error: 4 problems in kefu.toml\n").get_output().clone();
    let stdout = String::from_utf8(output.stdout)?;
    let default = "(this value is not written in the file: it is the default)";
    let expected = [
        // The C6 and C7 chains are the domain's defaults, not written in the file: located at its start.
        format!(
            "kefu.toml:1:1: approvals.c6.steps[0].any_of[1]: addresses role `general_manager`, which nobody holds {default}"
        ),
        format!(
            "kefu.toml:1:1: approvals.c7.steps[2].any_of[0]: addresses role `general_manager`, which nobody holds {default}"
        ),
        format!(
            "kefu.toml:{}:12: people[2].calendar: names calendar `leave`, which is not configured (known: office, service-desk)",
            line_of(&config, "\"leave\"")
        ),
        format!(
            "kefu.toml:{}:8: departments[0].head: `nobody` is not among the people",
            line_of(&config, "\"nobody\"")
        ),
    ];
    assert_eq!(stdout.lines().collect::<Vec<_>>(), expected, "{stdout}");
    Ok(())
}

#[test]
fn json_prints_the_problems_as_one_object() -> Result<(), Box<dyn std::error::Error>> {
    let config = CONFIG.replace("calendar = \"office\"", "calendar = \"leave\"");
    let dir = desk(&config)?;
    let output = kefu().args(["config", "check", "--json", "kefu.toml"]).current_dir(dir.path()).output()?;
    assert_eq!(output.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    assert_eq!(report["ok"], false);
    assert_eq!(report["summary"], serde_json::Value::Null);
    let errors = report["errors"].as_array().ok_or("no errors array")?;
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["file"], "kefu.toml");
    assert_eq!(errors[0]["line"], line_of(&config, "\"leave\""));
    assert_eq!(errors[0]["column"], 12);
    assert_eq!(errors[0]["path"], "people[2].calendar");

    let dir = desk(CONFIG)?;
    let output = kefu().args(["config", "check", "--json", "kefu.toml"]).current_dir(dir.path()).output()?;
    assert!(output.status.success());
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    assert_eq!(report["ok"], true);
    assert_eq!(report["summary"]["specialists"], 1);
    assert_eq!(report["errors"], serde_json::json!([]));
    Ok(())
}

#[test]
fn a_referenced_file_is_read_beside_the_configuration_and_its_errors_name_it() -> Result<(), Box<dyn std::error::Error>>
{
    let dir = desk(CONFIG)?;
    // Checked from elsewhere: the calendar file is still found beside kefu.toml.
    kefu().args(["config", "check"]).arg(dir.path().join("kefu.toml")).assert().success();

    std::fs::write(dir.path().join("calendars/office.toml"), OFFICE.replace("13:30-18:00", "11:30-18:00"))?;
    check(dir.path()).code(2).stdout(contains("calendars/office.toml:3:7: week.mon: opening intervals"));

    std::fs::remove_file(dir.path().join("calendars/office.toml"))?;
    check(dir.path()).code(2).stdout(contains(format!(
        "kefu.toml:{}:19: calendars.office.file: cannot read the calendar file `calendars/office.toml`",
        line_of(CONFIG, "office = {")
    )));

    std::fs::write(dir.path().join("calendars/office.toml"), [0xff_u8, 0xfe, 0x00, 0x41])?;
    check(dir.path()).code(2).stdout(contains("not UTF-8 text"));
    Ok(())
}

#[test]
fn a_syntax_error_is_located() -> Result<(), Box<dyn std::error::Error>> {
    let dir = desk(&CONFIG.replace("[[departments]]", "[[departments]"))?;
    check(dir.path()).code(2).stdout(contains(format!("kefu.toml:{}:", line_of(CONFIG, "[[departments]]"))));
    Ok(())
}

#[test]
fn a_json_configuration_is_checked_too() -> Result<(), Box<dyn std::error::Error>> {
    let dir = desk(CONFIG)?;
    let value: toml::Value = toml::from_str(CONFIG)?;
    std::fs::write(dir.path().join("kefu.json"), serde_json::to_string_pretty(&value)?)?;
    kefu()
        .args(["config", "check", "kefu.json"])
        .current_dir(dir.path())
        .assert()
        .success()
        .stdout(contains("ok: 3 people"));
    Ok(())
}

#[test]
fn an_unreadable_huge_or_binary_file_is_refused_with_exit_2() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    kefu()
        .args(["config", "check", "missing.toml"])
        .current_dir(dir.path())
        .assert()
        .code(2)
        .stderr(contains("cannot read the configuration"));

    std::fs::write(dir.path().join("binary.toml"), [0x00_u8, 0x9f, 0x92, 0x96, 0xff])?;
    kefu()
        .args(["config", "check", "binary.toml"])
        .current_dir(dir.path())
        .assert()
        .code(2)
        .stderr(contains("not UTF-8 text"));

    let huge = std::fs::File::create(dir.path().join("huge.toml"))?;
    huge.set_len(16 * 1024 * 1024 + 1)?;
    kefu()
        .args(["config", "check", "huge.toml"])
        .current_dir(dir.path())
        .assert()
        .code(2)
        .stderr(contains("larger than 16 MiB"));

    std::fs::write(dir.path().join("deep.toml"), format!("a = {}{}", "[".repeat(200_000), "]".repeat(200_000)))?;
    kefu()
        .args(["config", "check", "deep.toml"])
        .current_dir(dir.path())
        .assert()
        .code(2)
        .stdout(contains("deep.toml:1:"));
    Ok(())
}
