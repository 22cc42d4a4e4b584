//! `kefu report monthly|quarterly` against a real SQLite store filled by a simulated month of the starter's
//! department (rules B7, B10, O5).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;
use chrono::NaiveDate;
use kefu::desk::Desk;
use kefu::simulation::{Scenario, simulate};
use predicates::str::contains;

type Result = std::result::Result<(), Box<dyn std::error::Error>>;

fn kefu() -> Command {
    assert_cmd::cargo::cargo_bin_cmd!("kefu")
}

/// A directory with the starter (`kefu init`) whose store holds a simulated June 2026, made once per test binary.
fn department() -> &'static Path {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DIR.get_or_init(|| {
        let tmp = tempfile::tempdir().expect("a temporary directory");
        let dir = tmp.path().join("hongfeng");
        kefu().arg("init").arg(&dir).assert().success();
        let text = std::fs::read_to_string(dir.join("kefu.toml")).expect("the starter");
        let base = dir.clone();
        let files = move |name: &str| std::fs::read_to_string(base.join(name)).map_err(|e| e.to_string());
        let mut config = kefu::desk::load_toml(&text, "kefu.toml", &files).expect("the starter loads");
        // The starter's campaign is left out of the simulated desk: its run's first event does not load back
        // (`unknown field occasion`, a desk issue outside the reports); reports do not read campaigns.
        config.campaigns.clear();
        let options = kefu_sqlite::Options::default().synchronous(kefu_sqlite::Synchronous::Normal);
        let store = kefu_sqlite::SqliteStore::open_with(dir.join("kefu.db"), &options).expect("the store");
        let desk = Desk::new(store, config.compile().expect("the starter is whole"));
        let start = NaiveDate::from_ymd_opt(2026, 6, 1).expect("a day");
        let scenario = Scenario { customers: 25, days: 35, start, seed: 11 };
        simulate(&desk, &scenario, &mut |_| {}).expect("the simulation runs");
        (tmp, dir)
    })
    .1
}

fn report(args: &[&str]) -> Command {
    let dir = department();
    let mut cmd = kefu();
    cmd.arg("report").args(args);
    cmd.arg("--store").arg(format!("sqlite:{}", dir.join("kefu.db").display()));
    cmd.arg("--config").arg(dir.join("kefu.toml"));
    cmd
}

#[test]
fn rule_b7_the_monthly_report_as_json_carries_every_section() -> Result {
    let out = report(&["monthly", "--month", "2026-06", "--format", "json"]).assert().success().get_output().clone();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(json["period"], "2026-06");
    assert_eq!(json["time_zone"], "Asia/Shanghai");
    for key in ["customers", "callbacks", "obligations", "sla", "escalations", "cases", "approvals", "kpis", "survey"] {
        assert!(json.get(key).is_some(), "{key}");
    }
    let callbacks = &json["callbacks"];
    let due = callbacks["due"].as_u64().ok_or("due")?;
    assert!(due > 0, "the simulated month had callbacks due");
    let fates: u64 = ["done", "missed", "open", "cancelled"].iter().filter_map(|k| callbacks[*k].as_u64()).sum();
    assert_eq!(fates, due);
    // Rule B10: every missed callback is named.
    assert_eq!(callbacks["missed_list"].as_array().map(Vec::len), callbacks["missed"].as_u64().map(|m| m as usize));
    Ok(())
}

#[test]
fn rule_b7_the_quarterly_report_sums_its_months() -> Result {
    let json = |args: &[&str]| -> std::result::Result<serde_json::Value, Box<dyn std::error::Error>> {
        let out = report(args).assert().success().get_output().stdout.clone();
        Ok(serde_json::from_slice(&out)?)
    };
    let q2 = json(&["quarterly", "--quarter", "2026-Q2", "--format", "json"])?;
    let june = json(&["monthly", "--month", "2026-06", "--format", "json"])?;
    // April and May are empty in the log: the quarter's callbacks are June's.
    assert_eq!(q2["callbacks"]["due"], june["callbacks"]["due"]);
    assert_eq!(q2["kpis"]["team"]["contacts"], june["kpis"]["team"]["contacts"]);
    Ok(())
}

#[test]
fn rule_o5_every_format_renders_the_kpis() -> Result {
    let md = report(&["monthly", "--month", "2026-06"]).assert().success().get_output().stdout.clone();
    let md = String::from_utf8(md)?;
    assert!(md.starts_with("# Report 2026-06\n"));
    assert!(md.contains("## KPIs (rule O5)") && md.contains("| team |"));

    report(&["monthly", "--month", "2026-06", "--format", "csv"])
        .assert()
        .success()
        .stdout(predicates::str::starts_with("table,row,column,value\r\n"))
        .stdout(contains("KPIs (rule O5),team,contacts,"));

    let tmp = tempfile::tempdir()?;
    let page = tmp.path().join("june.html");
    let page_arg = page.to_str().ok_or("a UTF-8 path")?;
    report(&["monthly", "--month", "2026-06", "--format", "html", "--output", page_arg]).assert().success().stdout("");
    let html = std::fs::read_to_string(&page)?;
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<svg") && !html.contains("<script"));
    Ok(())
}

#[test]
fn bad_periods_stores_and_configurations_are_refused_with_the_flag_named() -> Result {
    report(&["monthly", "--month", "2026-13"]).assert().code(2).stderr(contains("--month")).stderr(contains("2026-13"));
    report(&["monthly", "--month", "2026-Q2"]).assert().code(2).stderr(contains("is not a month"));
    report(&["quarterly", "--quarter", "2026-06"]).assert().code(2).stderr(contains("is not a quarter"));

    let dir = department();
    let config = dir.join("kefu.toml");
    kefu()
        .args(["report", "monthly", "--month", "2026-06", "--store", "mysql:x", "--config"])
        .arg(&config)
        .assert()
        .code(2)
        .stderr(contains("--store: `mysql:x` names no store"));
    kefu()
        .args(["report", "monthly", "--month", "2026-06", "--store", "sqlite:/nonexistent/kefu.db", "--config"])
        .arg(&config)
        .assert()
        .code(1)
        .stderr(contains("no SQLite store at `/nonexistent/kefu.db`"));
    let tmp = tempfile::tempdir()?;
    let broken = tmp.path().join("kefu.toml");
    std::fs::write(&broken, "company = \"x\"\ntime_zone = \"Mars/Olympus\"\n")?;
    kefu()
        .args(["report", "monthly", "--month", "2026-06", "--config"])
        .arg(&broken)
        .assert()
        .code(2)
        .stderr(contains("unknown IANA time zone"));
    Ok(())
}
