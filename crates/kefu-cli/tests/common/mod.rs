//! Helpers shared by the integration tests: the `kefu` binary, run from the workspace root.

use std::path::Path;

use assert_cmd::Command;

/// The sample calendar of the issue (Shanghai, National Day 1-7 October 2026, make-up Saturday 10 October).
pub const SAMPLE: &str = "examples/calendars/shanghai-2026-sample.toml";
/// The PRC calendar of 2026.
pub const PRC: &str = "examples/calendars/prc-2026.toml";

/// `kefu` with the workspace root as working directory, so that paths read as in the README.
pub fn kefu() -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("kefu");
    cmd.current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."));
    cmd
}
