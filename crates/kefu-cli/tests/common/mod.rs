//! Helpers shared by the integration tests: the `kefu` binary, run from the crate's directory so that the tests use
//! only files the packaged crate ships (`tests/fixtures/`).

use std::path::Path;

use assert_cmd::Command;

/// The sample calendar of the issue (Shanghai, National Day 1-7 October 2026, make-up Saturday 10 October).
/// A copy of `examples/calendars/shanghai-2026-sample.toml` (kept identical by a test of the guide crate).
pub const SAMPLE: &str = "tests/fixtures/shanghai-2026-sample.toml";
/// The PRC calendar of 2026, a copy of `examples/calendars/prc-2026.toml`.
pub const PRC: &str = "tests/fixtures/prc-2026.toml";

/// `kefu` with the crate's directory as working directory.
pub fn kefu() -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("kefu");
    cmd.current_dir(Path::new(env!("CARGO_MANIFEST_DIR")));
    cmd
}
