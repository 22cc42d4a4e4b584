//! `kefu script check|render|run` (rules S1, S2): output and exit codes.

use std::path::Path;

use assert_cmd::Command;
use predicates::str::contains;

/// `kefu` with the crate's directory as working directory.
fn kefu() -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("kefu");
    cmd.current_dir(Path::new(env!("CARGO_MANIFEST_DIR")));
    cmd
}

// Copies of the scripts in `crates/kefu/scripts/` (kept identical by a test of the guide crate).
const S1: &str = "tests/fixtures/s1-regular-callback.toml";
const S2: &str = "tests/fixtures/s2-quiet-customer.toml";

#[test]
fn rule_s1_s2_check_clean_exits_0() {
    for file in [S1, S2] {
        kefu().args(["script", "check", file]).assert().success().stdout(contains("0 error(s), 0 warning(s)"));
    }
}

#[test]
fn check_prints_every_finding_and_exits_1_on_errors() {
    let dir = std::env::temp_dir().join(format!("kefu-script-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.json");
    std::fs::write(
        &file,
        r#"{"id":"bad","version":1,"locales":["zh-CN","en"],"nodes":[
            {"id":"a","kind":"say","text":{"en":"Hi {who}"},"next":"nowhere"},
            {"id":"a","kind":"end","outcome":"completed"}]}"#,
    )
    .unwrap();
    kefu()
        .args(["script", "check"])
        .arg(&file)
        .assert()
        .code(1)
        .stdout(contains("error[unknown-target] node `a`, field `next`"))
        .stdout(contains("error[duplicate-id]"))
        .stdout(contains("error[missing-text] node `a`, field `text.zh-CN`"))
        .stdout(contains("error[undeclared-placeholder]"));
    std::fs::write(&file, "{ not json").unwrap();
    kefu().args(["script", "check"]).arg(&file).assert().code(2).stderr(contains("bad.json"));
    kefu().args(["script", "check", "no/such/file.toml"]).assert().code(2).stderr(contains("cannot read"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn rule_s2_render_mermaid_and_dot_in_a_locale() {
    kefu()
        .args(["script", "render", S2, "--format", "mermaid", "--locale", "zh-CN"])
        .assert()
        .success()
        .stdout(predicates::str::starts_with("flowchart TD\n"))
        .stdout(contains("还有其他原因吗?"));
    kefu()
        .args(["script", "render", S2, "--format", "dot", "--locale", "en"])
        .assert()
        .success()
        .stdout(contains("digraph \"s2-quiet-customer\""))
        .stdout(contains("Is there anything else?"));
}

#[test]
fn rule_s1_run_reads_answers_from_stdin_and_prints_the_record() {
    kefu()
        .args([
            "script",
            "run",
            S1,
            "--locale",
            "en",
            "--var",
            "company=Hongfeng Chemical",
            "--var",
            "customer=Mr Wang",
        ])
        .args(["--now", "2026-11-02T10:00:00+08:00"])
        .write_stdin("yes\nso-so?\n2\nDeliveries are late\nA trade fair\n\nyes\n")
        .assert()
        .success()
        .stderr(contains(
            "Hello, this is the customer-service representative of Hongfeng Chemical. Am I speaking with Mr Wang?",
        ))
        .stderr(contains("cannot read `so-so?`"))
        .stderr(contains("Wishing you a pleasant working day, goodbye!"))
        .stdout(contains(r#""outcome": "completed""#))
        .stdout(contains(r#""satisfaction": "so_so""#))
        .stdout(contains(r#""text": "Deliveries are late""#))
        .stdout(contains(r#""referral": true"#));
}

#[test]
fn rule_s1_run_not_convenient_is_rescheduled() {
    kefu()
        .args(["script", "run", S1, "--var", "company=鸿枫化工", "--var", "customer=王先生"])
        .args(["--now", "2026-11-02T10:00:00+08:00"])
        .write_stdin("否\n2026-11-03T15:00:00+08:00\n")
        .assert()
        .success()
        .stdout(contains(r#""outcome": "rescheduled""#))
        .stdout(contains(r#""next_contact": "2026-11-03T07:00:00Z""#));
}

#[test]
fn run_needs_the_variables_and_input_ending_early_exits_1() {
    kefu().args(["script", "run", S2]).write_stdin("").assert().code(2).stderr(contains("--var agent=..."));
    kefu()
        .args(["script", "run", S2, "--var", "company=c", "--var", "agent=a", "--var", "customer=x"])
        .write_stdin("yes\n")
        .assert()
        .code(1)
        .stdout(contains(r#""abort_reason": "input ended""#));
}
