//! Helpers shared by the integration tests: the `kefu` binary, run from the crate's directory so that the tests use
//! only files the packaged crate ships (`tests/fixtures/`).

use std::path::Path;

use assert_cmd::Command;

/// The sample calendar of the issue (Shanghai, National Day 1-7 October 2026, make-up Saturday 10 October).
/// A copy of `examples/calendars/shanghai-2026-sample.toml` (kept identical by a test of the guide crate).
pub const SAMPLE: &str = "tests/fixtures/shanghai-2026-sample.toml";
/// The PRC calendar of 2026, a copy of `examples/calendars/prc-2026.toml`.
#[allow(dead_code)]
pub const PRC: &str = "tests/fixtures/prc-2026.toml";

/// `kefu` with the crate's directory as working directory.
pub fn kefu() -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("kefu");
    cmd.current_dir(Path::new(env!("CARGO_MANIFEST_DIR")));
    cmd
}

/// The path of the `kefu` binary, for tests that start it through a shell.
#[allow(dead_code)]
pub const KEFU: &str = env!("CARGO_BIN_EXE_kefu");

/// The crate's directory, where the tests run `kefu` (fixture paths are relative to it).
#[allow(dead_code)]
pub fn workspace() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// A file in the tests' scratch directory (cargo's `CARGO_TARGET_TMPDIR`), named after `name` and this process,
/// holding `bytes`. Removed by the caller (or left in target/).
#[allow(dead_code)]
pub fn scratch_file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("kefu-{}-{name}", std::process::id()));
    std::fs::write(&path, bytes).expect("write a scratch file");
    path
}
