//! `kefu simulate`: a synthetic distributor's quarter through the desk, on memory, SQLite and PostgreSQL, summarised
//! from the log. One seed gives byte-identical JSON on every store.

use assert_cmd::Command;
use predicates::str::contains;

fn kefu() -> Command {
    assert_cmd::cargo::cargo_bin_cmd!("kefu")
}

/// A small scenario: 60 customers over 30 days, enough for callbacks, cases, escalations and approvals.
const SMALL: [&str; 4] = ["--customers", "60", "--days", "30"];

/// Smaller for PostgreSQL, where every command is a round trip to the server.
const TINY: [&str; 4] = ["--customers", "15", "--days", "10"];

/// Runs a small simulation on `store` and returns its --json output.
fn summary_on(store: &str, dir: &std::path::Path) -> Result<String, Box<dyn std::error::Error>> {
    sized_summary_on(&SMALL, store, dir)
}

fn sized_summary_on(size: &[&str], store: &str, dir: &std::path::Path) -> Result<String, Box<dyn std::error::Error>> {
    let json = dir.join(format!("{}.json", store.replace([':', '/', '@', '.'], "_")));
    kefu().arg("simulate").args(size).args(["--store", store]).arg("--json").arg(&json).assert().success();
    Ok(std::fs::read_to_string(json)?)
}

#[test]
fn one_seed_gives_byte_identical_json_on_memory_and_sqlite() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let memory = summary_on("memory", tmp.path())?;
    let db = tmp.path().join("quarter.db");
    let sqlite = summary_on(&format!("sqlite:{}", db.display()), tmp.path())?;
    assert_eq!(memory, sqlite);
    // The log is really in the file.
    let store = kefu_sqlite::SqliteStore::open(&db)?;
    let events: i64 = store.with_connection(|c| c.query_row("SELECT count(*) FROM kefu_event", [], |r| r.get(0)))?;
    let summary: serde_json::Value = serde_json::from_str(&sqlite)?;
    assert_eq!(summary["run"]["events"].as_i64(), Some(events));
    Ok(())
}

#[test]
fn the_summary_has_the_report_keys_and_adds_up() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let summary: serde_json::Value = serde_json::from_str(&summary_on("memory", tmp.path())?)?;
    for key in ["customers", "callbacks", "obligations", "sla", "escalations", "cases", "approvals"] {
        assert!(summary.get(key).is_some(), "no `{key}` in {summary}");
    }
    let callbacks = &summary["callbacks"];
    for key in ["due", "done", "missed", "open", "coverage"] {
        assert!(callbacks.get(key).is_some(), "no `callbacks.{key}` in {callbacks}");
    }
    let count = |v: &serde_json::Value| v.as_u64().unwrap_or(u64::MAX);
    // Rule B10: every callback due in the period is accounted for exactly once.
    assert_eq!(
        count(&callbacks["due"]),
        count(&callbacks["done"]) + count(&callbacks["missed"]) + count(&callbacks["cancelled"])
    );
    assert!(count(&callbacks["done"]) > 0, "{callbacks}");
    assert_eq!(count(&summary["customers"]["total"]), 60);
    assert!(count(&summary["cases"]["opened"]) >= count(&summary["cases"]["closed"]));
    assert!(summary["sla"].as_object().is_some_and(|clocks| !clocks.is_empty()), "{}", summary["sla"]);
    Ok(())
}

#[test]
fn the_text_summary_names_each_part() -> Result<(), Box<dyn std::error::Error>> {
    let output = kefu().arg("simulate").args(SMALL).assert().success().get_output().stdout.clone();
    let text = String::from_utf8(output)?;
    for part in ["鸿枫化工: 60 customers, 2026-04-01 to 2026-04-30", "callbacks", "coverage", "obligations", "sla"]
    {
        assert!(text.contains(part), "no `{part}` in:\n{text}");
    }
    Ok(())
}

#[test]
fn json_to_stdout_with_a_dash() -> Result<(), Box<dyn std::error::Error>> {
    let output = kefu().arg("simulate").args(["--customers", "5", "--days", "7", "--json", "-"]).output()?;
    assert!(output.status.success());
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    assert_eq!(summary["scenario"]["customers"].as_u64(), Some(5));
    Ok(())
}

#[test]
fn a_store_that_holds_data_is_refused() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let store = format!("sqlite:{}", tmp.path().join("kefu.db").display());
    let small = ["--customers", "3", "--days", "3"];
    kefu().arg("simulate").args(small).args(["--store", &store]).assert().success();
    kefu()
        .arg("simulate")
        .args(small)
        .args(["--store", &store])
        .assert()
        .code(2)
        .stderr(contains("--store sqlite:"))
        .stderr(contains("already holds data"));
    Ok(())
}

#[test]
fn a_malformed_store_is_a_usage_error_naming_the_flag() {
    for bad in ["mysql://x", "sqlite:", "postgres:", "memory:"] {
        kefu()
            .arg("simulate")
            .args(["--store", bad])
            .assert()
            .code(2)
            .stderr(contains("--store"))
            .stderr(contains("sqlite:FILE"));
    }
}

#[test]
fn a_store_that_cannot_be_opened_fails_naming_it() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let inside_a_file = tmp.path().join("not-a-dir");
    std::fs::write(&inside_a_file, "x")?;
    let store = format!("sqlite:{}", inside_a_file.join("kefu.db").display());
    kefu()
        .arg("simulate")
        .args(["--store", &store])
        .assert()
        .code(1)
        .stderr(contains("cannot open the store"))
        .stderr(contains("not-a-dir"));
    Ok(())
}

#[test]
fn an_unreadable_or_invalid_configuration_is_named() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let missing = tmp.path().join("missing.toml");
    kefu().arg("simulate").arg("--config").arg(&missing).assert().code(2).stderr(contains("missing.toml"));
    let invalid = tmp.path().join("kefu.toml");
    std::fs::write(&invalid, "company = \"x\"\ntime_zone = \"Mars/Olympus\"\n")?;
    kefu()
        .arg("simulate")
        .arg("--config")
        .arg(&invalid)
        .assert()
        .code(2)
        .stderr(contains("kefu.toml:2:"))
        .stderr(contains("time_zone"));
    Ok(())
}

#[test]
fn a_configuration_without_specialists_cannot_be_simulated() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let config = tmp.path().join("kefu.toml");
    std::fs::write(&config, "company = \"x\"\ntime_zone = \"Asia/Shanghai\"\n")?;
    kefu()
        .arg("simulate")
        .arg("--config")
        .arg(&config)
        .assert()
        .code(2)
        .stderr(contains("kefu.toml"))
        .stderr(contains("specialist"));
    Ok(())
}

/// The same summary on PostgreSQL, in a schema of its own, when `KEFU_PG_URL` (or the default local server) is
/// reachable; skipped otherwise.
#[test]
fn one_seed_gives_the_same_json_on_postgres() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("KEFU_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let schema = format!("kefu_cli_simulate_{}", std::process::id());
    let options = kefu_postgres::Options::default()
        .schema(schema.clone())
        .connect_timeout(Some(std::time::Duration::from_secs(3)));
    let Ok(probe) = kefu_postgres::PgStore::connect_with(&url, &options) else {
        eprintln!("skipped: PostgreSQL at {url} is not reachable");
        return Ok(());
    };
    let tmp = tempfile::tempdir()?;
    let json = tmp.path().join("pg.json");
    let result = kefu()
        .arg("simulate")
        .args(TINY)
        .args(["--store", &format!("postgres:{url}"), "--schema", &schema])
        .arg("--json")
        .arg(&json)
        .output();
    probe.with_client(|c| c.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE")))??;
    let output = result?;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(std::fs::read_to_string(json)?, sized_summary_on(&TINY, "memory", tmp.path())?);
    Ok(())
}
