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

/// A temporary directory for one test, removed at the end.
struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("kefu-script-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn file(&self, name: &str, text: &str) -> std::path::PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A line typed on a GBK terminal (是 is CA C7) used to end the run as if the input had ended. It is now named
/// by its line number and asked again; the answers after it carry on.
#[test]
fn rule_s1_run_names_a_line_that_is_not_utf8_and_asks_again() {
    let mut input = b"\xca\xc7\n".to_vec();
    input.extend_from_slice("yes\n1\n展会\n\nyes\n".as_bytes());
    kefu()
        .args(["script", "run", S1, "--locale", "en", "--var", "company=Hongfeng", "--var", "customer=Wang"])
        .args(["--now", "2026-11-02T10:00:00+08:00"])
        .write_stdin(input)
        .assert()
        .success()
        .stderr(contains("! line 1 is not UTF-8 text (byte 0xCA at byte 1)"))
        .stdout(contains(r#""outcome": "completed""#))
        .stdout(contains(r#""channel": "展会""#));
    // A bad line further down names its own line; the lines before it counted.
    kefu()
        .args(["script", "run", S1, "--locale", "en", "--var", "company=Hongfeng", "--var", "customer=Wang"])
        .args(["--now", "2026-11-02T10:00:00+08:00"])
        .write_stdin(b"yes\nsatisfied\nA trade \xff fair\nA trade fair\n\nyes\n".to_vec())
        .assert()
        .success()
        .stderr(contains("! line 3 is not UTF-8 text (byte 0xFF at byte 9)"))
        .stdout(contains(r#""channel": "A trade fair""#));
}

/// An unknown locale drew bare ids (render) and ran without texts until `closing_wish` had no value (run): both
/// now refuse it, naming the script's locales.
#[test]
fn render_and_run_refuse_a_locale_the_script_does_not_have() {
    for format in ["mermaid", "dot"] {
        kefu()
            .args(["script", "render", S2, "--format", format, "--locale", "fr"])
            .assert()
            .code(2)
            .stdout("")
            .stderr(contains("the script has no locale `fr`; its locales are: zh-CN, en"));
    }
    kefu()
        .args([
            "script",
            "run",
            S2,
            "--locale",
            "en-US",
            "--var",
            "company=c",
            "--var",
            "agent=a",
            "--var",
            "customer=x",
        ])
        .write_stdin("yes\n")
        .assert()
        .code(2)
        .stdout("")
        .stderr(contains("the script has no locale `en-US`; its locales are: zh-CN, en"));
}

/// Without `--locale`, render uses the script's first locale (it used `zh-CN`, which an English-only script lacks).
#[test]
fn render_defaults_to_the_scripts_first_locale() {
    let scratch = Scratch::new("locale");
    let file = scratch.file(
        "hello.toml",
        "id = \"hello\"\nversion = 1\nlocales = [\"en\"]\n[[nodes]]\nid = \"bye\"\nkind = \"end\"\noutcome = \"completed\"\ntext.en = \"Goodbye!\"\n",
    );
    kefu().args(["script", "render"]).arg(&file).assert().success().stdout(contains("Goodbye!"));
}

/// The help's examples are what users copy: each one runs, as written, from the workspace root (rules S1, S2).
#[cfg(unix)]
#[test]
fn every_example_in_the_script_help_runs_as_written() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    if !root.join("crates/kefu/scripts").is_dir() {
        // A packaged kefu-cli (`.ci/package-check`) has no workspace around it; the repository's run checks this.
        eprintln!("skipped: the help's examples name files of the repository, which is not here");
        return;
    }
    let bin = Path::new(env!("CARGO_BIN_EXE_kefu"));
    let path = format!("{}:{}", bin.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());
    for sub in ["check", "render", "run"] {
        let help = kefu().args(["script", sub, "--help"]).output().unwrap();
        let help = String::from_utf8(help.stdout).unwrap();
        let examples: Vec<&str> =
            help.lines().filter_map(|l| l.trim().strip_prefix("Example: ")).filter(|e| e.contains("kefu ")).collect();
        assert!(!examples.is_empty(), "`kefu script {sub} --help` has no example:\n{help}");
        for example in examples {
            let output = std::process::Command::new("sh")
                .args(["-c", example])
                .env("PATH", &path)
                .current_dir(&root)
                .output()
                .unwrap();
            assert!(
                output.status.success(),
                "`{example}` exited with {}:\n{}{}",
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
}

/// A 90 000-node script aborted `kefu script check` with a stack overflow (exit 134): it is now checked, drawn
/// and run like a small one.
#[test]
fn a_90_000_node_script_is_checked_drawn_and_run() {
    let n = 90_000;
    let mut nodes: Vec<String> =
        (0..n).map(|k| format!(r#"{{"id":"s{k}","kind":"say","text":{{"en":"Step {k}."}}}}"#)).collect();
    nodes.push(r#"{"id":"end","kind":"end","outcome":"completed","text":{"en":"Goodbye."}}"#.to_owned());
    let scratch = Scratch::new("large");
    let file = scratch
        .file("chain.json", &format!(r#"{{"id":"chain","version":1,"locales":["en"],"nodes":[{}]}}"#, nodes.join(",")));
    kefu().args(["script", "check"]).arg(&file).assert().success().stdout(contains("chain: 0 error(s), 0 warning(s)"));
    kefu()
        .args(["script", "render", "--format", "dot"])
        .arg(&file)
        .assert()
        .success()
        .stdout(contains("n89999 -> n90000;"));
    kefu()
        .args(["script", "run"])
        .arg(&file)
        .args(["--now", "2026-11-02T10:00:00+08:00"])
        .write_stdin("")
        .assert()
        .success()
        .stdout(contains(r#""outcome": "completed""#));
}
