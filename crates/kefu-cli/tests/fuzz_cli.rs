//! Fuzzing the `kefu` binary: `calendar eval` batches of mutated and random request lines, mutated `--at` and
//! `--duration` values, mutated calendar files. The laws: `eval` answers every non-blank line with one JSON object
//! (an answer or an error) and exits 0, whatever the lines; no input makes kefu panic (exit 101); every refusal
//! exits 1 or 2 with a message on stderr.
//!
//! Each case starts the binary once, so the case counts are modest (a batch holds hundreds of lines);
//! `KEFU_FUZZ_CASES=N` raises them (docs/src/testing.md).

mod common;

use common::{SAMPLE, kefu, scratch_file};
use kefu::testing::fuzz::{Mutant, arbitrary_bytes, config, mutated};
use proptest::prelude::*;

/// One valid request of each operation, and a few near misses.
const REQUESTS: &[&str] = &[
    r#"{"op":"add","at":"2026-10-09T17:30:00+08:00","seconds":3600}"#,
    r#"{"op":"add","at":"2026-09-30 17:30","duration":"1h30m"}"#,
    r#"{"op":"add","at":"2026-10-09T17:30:00Z","duration":"P1DT2H"}"#,
    r#"{"op":"between","from":"2026-09-30T17:30:00+08:00","to":"2026-10-08T09:30:00+08:00"}"#,
    r#"{"op":"add_working_days","at":"2026-10-09T15:00:00+08:00","days":3}"#,
    r#"{"op":"next_open","at":"2026-10-01T10:00:00Z"}"#,
    r#"{"op":"is_open","at":"2026-10-10T10:00"}"#,
    r#"{"op":"add","at":"2026-10-09T17:30:00+08:00","duration":"P1é"}"#,
];

/// A line of a batch: mostly mutated requests, some random bytes.
fn line() -> impl Strategy<Value = Mutant> {
    let seeds: Vec<Vec<u8>> = REQUESTS.iter().map(|r| r.as_bytes().to_vec()).collect();
    prop_oneof![6 => mutated(seeds, 4), 1 => arbitrary_bytes()]
}

/// The lines `eval` answers: split on `\n`, without a `\r` before it, skipping blank ones (as the binary does).
fn answered_lines(input: &[u8]) -> usize {
    let body = input.strip_suffix(b"\n").unwrap_or(input);
    body.split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .count()
}

proptest! {
    #![proptest_config(config(32))]

    /// A batch of up to 400 lines: one JSON answer per non-blank line, exit 0, nothing on stderr.
    #[test]
    fn eval_answers_every_line(lines in proptest::collection::vec(line(), 1..400)) {
        let input: Vec<u8> = lines.iter().flat_map(|l| l.bytes.iter().copied().chain([b'\n'])).collect();
        let output = kefu().args(["calendar", "eval", "-c", SAMPLE]).write_stdin(input.clone()).output().expect("run");
        let stderr = String::from_utf8_lossy(&output.stderr);
        prop_assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr);
        prop_assert!(stderr.is_empty(), "stderr: {}", stderr);
        let stdout = String::from_utf8(output.stdout).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let answers: Vec<&str> = stdout.lines().collect();
        prop_assert_eq!(answers.len(), answered_lines(&input));
        for answer in answers {
            let value: serde_json::Value =
                serde_json::from_str(answer).map_err(|e| TestCaseError::fail(format!("{e}: {answer}")))?;
            let keys: Vec<&String> = value.as_object().map(|o| o.keys().collect()).unwrap_or_default();
            prop_assert!(
                matches!(keys.as_slice(), [k] if ["at", "seconds", "open", "error"].contains(&k.as_str())),
                "{}", answer
            );
        }
    }

    /// Mutated `--at` and `--duration` values: an answer, or exit 1 or 2 with a message.
    #[test]
    fn command_line_values(
        at in mutated(vec![b"2026-09-30T17:30:00+08:00".to_vec(), b"2026-09-30 17:30".to_vec()], 3),
        duration in mutated(vec![b"1h".to_vec(), b"PT1H30M".to_vec(), b"P1DT2H".to_vec(), b"90 min".to_vec()], 3),
    ) {
        // An argument cannot hold a NUL byte.
        let arg = |m: &Mutant| m.text().replace('\0', "");
        let output = kefu()
            .args(["calendar", "add", "-c", SAMPLE, "--at", &arg(&at), "--duration", &arg(&duration)])
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&output.stderr);
        match output.status.code() {
            Some(0) => prop_assert!(stderr.is_empty(), "{}", stderr),
            Some(1 | 2) => prop_assert!(stderr.starts_with("error: "), "{}", stderr),
            code => prop_assert!(false, "exit {:?}: {}", code, stderr),
        }
    }

    /// Mutated calendar files through `is-open`.
    #[test]
    fn calendar_files(file in mutated(vec![
        include_bytes!("fixtures/shanghai-2026-sample.toml").to_vec(),
        include_bytes!("fixtures/new-york.toml").to_vec(),
    ], 6)) {
        let path = scratch_file("fuzz-calendar.toml", &file.bytes);
        let output = kefu()
            .args(["calendar", "is-open", "--at", "2026-10-12 10:00", "-c"])
            .arg(&path)
            .output()
            .expect("run");
        let _ = std::fs::remove_file(&path);
        let stderr = String::from_utf8_lossy(&output.stderr);
        match output.status.code() {
            Some(0) => prop_assert!(stderr.is_empty(), "{}", stderr),
            Some(1 | 2) => prop_assert!(stderr.starts_with("error: "), "{}", stderr),
            code => prop_assert!(false, "exit {:?}: {}", code, stderr),
        }
    }
}
