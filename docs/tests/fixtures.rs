//! A published crate's tests may read only files the crate ships, so the sample calendars and scripts they use are
//! copied into its `tests/fixtures/`. The repository keeps one source of truth: `examples/calendars/` for calendars,
//! `crates/kefu/scripts/` for scripts, `examples/quality/` for the quality definitions. This test fails when a copy differs from its source.
//!
//! After changing a source, refresh the copies with
//!
//! ```sh
//! KEFU_UPDATE_FIXTURES=1 cargo test -p kefu-guide --test fixtures
//! ```

use std::fs;
use std::path::{Path, PathBuf};

const UPDATE: &str = "KEFU_UPDATE_FIXTURES";

/// Where the originals live, relative to the repository root.
const SOURCES: [&str; 3] = ["examples/calendars", "crates/kefu/scripts", "examples/quality"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    let mut out: Vec<PathBuf> = entries.map(|e| e.expect("a directory entry").path()).filter(|p| p.is_file()).collect();
    out.sort();
    out
}

/// Every `(source, copy)` pair: a file in some crate's `tests/fixtures/` named like a file of a source folder.
fn copies() -> Vec<(PathBuf, PathBuf)> {
    let mut pairs = Vec::new();
    for krate in fs::read_dir(root().join("crates")).expect("crates/").map(|e| e.expect("a directory entry").path()) {
        for copy in files(&krate.join("tests/fixtures")) {
            let name = copy.file_name().expect("a file name");
            for source in SOURCES.map(|s| root().join(s).join(name)) {
                if source.is_file() {
                    pairs.push((source, copy.clone()));
                }
            }
        }
    }
    pairs
}

#[test]
fn test_fixtures_are_copies_of_their_sources() {
    let update = std::env::var_os(UPDATE).is_some();
    let pairs = copies();
    // The copies this repository relies on today; more may come.
    for expected in [
        "crates/kefu/tests/fixtures/shanghai-2026-sample.toml",
        "crates/kefu-cli/tests/fixtures/prc-2026.toml",
        "crates/kefu-cli/tests/fixtures/s1-regular-callback.toml",
    ] {
        assert!(pairs.iter().any(|(_, copy)| copy.ends_with(expected)), "{expected} is not found as a copy");
    }
    let mut stale = Vec::new();
    for (source, copy) in &pairs {
        let want = fs::read(source).expect("read a source");
        if fs::read(copy).ok().as_ref() != Some(&want) {
            if update {
                fs::write(copy, &want).expect("write a copy");
            } else {
                stale.push(format!("{} (from {})", copy.display(), source.display()));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale copies: {}; refresh them with `{UPDATE}=1 cargo test -p kefu-guide --test fixtures`",
        stale.join(", ")
    );
}
