//! `kefu init [DIR]`: the commented starter configuration of a chemical distributor in Shanghai, and its store.

use std::path::Path;

use assert_cmd::Command;
use predicates::str::contains;

fn kefu() -> Command {
    assert_cmd::cargo::cargo_bin_cmd!("kefu")
}

/// A file of this crate (its test fixtures are checked copies of the repository's examples).
fn in_crate(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

#[test]
fn init_writes_the_starter_creates_the_store_and_the_starter_checks_clean() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("hongfeng");
    kefu()
        .arg("init")
        .arg(&dir)
        .assert()
        .success()
        .stdout(contains("wrote"))
        .stdout(contains("created"))
        .stdout(contains("ok: 12 people (5 specialists), 4 departments, 3 calendars, 2 scripts, 1 campaign"));
    assert!(dir.join("kefu.toml").is_file());
    // The store is a SQLite database kefu can open.
    let header = std::fs::read(dir.join("kefu.db"))?;
    assert!(header.starts_with(b"SQLite format 3\0"));
    kefu_sqlite::SqliteStore::open(dir.join("kefu.db"))?;

    kefu()
        .args(["config", "check"])
        .arg(dir.join("kefu.toml"))
        .assert()
        .success()
        .stdout("ok: 12 people (5 specialists), 4 departments, 3 calendars, 2 scripts, 1 campaign\n");
    Ok(())
}

#[test]
fn init_writes_into_the_current_directory_by_default() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    kefu().arg("init").current_dir(tmp.path()).assert().success();
    kefu().args(["config", "check", "kefu.toml"]).current_dir(tmp.path()).assert().success();
    assert!(tmp.path().join("kefu.db").is_file());
    Ok(())
}

#[test]
fn the_starter_calendar_is_the_official_prc_2026_calendar() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    kefu().arg("init").arg(tmp.path()).assert().success();
    let written = std::fs::read_to_string(tmp.path().join("calendars/prc-2026.toml"))?;
    assert_eq!(written, std::fs::read_to_string(in_crate("tests/fixtures/prc-2026.toml"))?);
    Ok(())
}

#[test]
fn the_starter_explains_its_sections_with_rule_numbers() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    kefu().arg("init").arg(tmp.path()).assert().success();
    let text = std::fs::read_to_string(tmp.path().join("kefu.toml"))?;
    for section in [
        "[calendars]",
        "[[people]]",
        "[[departments]]",
        "[policies.lifecycle]",
        "[policies.callback]",
        "[policies.cases.default]",
        "[approvals.c7]",
        "[scripts]",
        "[[campaigns]]",
    ] {
        assert!(text.contains(section), "{section}");
    }
    for rule in
        ["C3", "C4", "C5", "C6", "C7", "F1", "F2", "F3", "B3", "B4", "B5", "B6", "B8", "B9", "Q4", "S1", "S2", "O1"]
    {
        assert!(text.contains(rule), "the starter does not cite rule {rule}");
    }
    Ok(())
}

#[test]
fn init_refuses_to_overwrite_a_configuration_without_force() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let config = tmp.path().join("kefu.toml");
    std::fs::write(&config, "# mine\n")?;
    kefu().arg("init").arg(tmp.path()).assert().code(2).stderr(contains("kefu.toml exists already; use --force"));
    assert_eq!(std::fs::read_to_string(&config)?, "# mine\n");
    assert!(!tmp.path().join("kefu.db").exists(), "nothing is written when refusing");

    // --force overwrites the configuration and keeps an existing store.
    kefu().arg("init").arg(tmp.path()).arg("--force").assert().success().stdout(contains("created"));
    assert!(std::fs::read_to_string(&config)?.contains("鸿枫化工"));
    kefu().arg("init").arg(tmp.path()).arg("--force").assert().success().stdout(contains("kept"));
    Ok(())
}

#[test]
fn init_where_a_file_is_in_the_way_fails_with_exit_1() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let blocker = tmp.path().join("blocker");
    std::fs::write(&blocker, "")?;
    kefu().arg("init").arg(&blocker).assert().code(1).stderr(contains("cannot write"));
    Ok(())
}
