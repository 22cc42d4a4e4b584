//! The guide's code. Not published, and empty on purpose: this crate exists so that `cargo test --workspace` compiles
//! and runs every Rust example of the READMEs and of the guide as a doctest (below), and runs the tests in `tests/`
//! that keep the guide, its pictures, its links and the crates' test fixtures in step with the code.
//!
//! `tests/pages.rs` fails when a page of `src/` or a README is missing from the list below, so a new page cannot
//! escape being compiled.

/// Every page with Rust in it, as doctests. A block that must not compile is marked `rust,ignore` with a reason.
#[cfg(doctest)]
mod pages {
    #[doc = include_str!("../README.md")]
    mod readme {}
    #[doc = include_str!("../crates/kefu/README.md")]
    mod kefu_readme {}
    #[doc = include_str!("../crates/kefu-sqlite/README.md")]
    mod kefu_sqlite_readme {}
    #[doc = include_str!("../crates/kefu-postgres/README.md")]
    mod kefu_postgres_readme {}
    #[doc = include_str!("../crates/kefu-http/README.md")]
    mod kefu_http_readme {}
    #[doc = include_str!("../crates/kefu-cli/README.md")]
    mod kefu_cli_readme {}
    #[doc = include_str!("src/introduction.md")]
    mod introduction {}
    #[doc = include_str!("src/concepts/deciders.md")]
    mod deciders {}
    #[doc = include_str!("src/calendars.md")]
    mod calendars {}
    #[doc = include_str!("src/sla.md")]
    mod sla {}
    #[doc = include_str!("src/lifecycle.md")]
    mod lifecycle {}
    #[doc = include_str!("src/assignment.md")]
    mod assignment {}
    #[doc = include_str!("src/approvals.md")]
    mod approvals {}
    #[doc = include_str!("src/cases.md")]
    mod cases {}
    #[doc = include_str!("src/callbacks.md")]
    mod callbacks {}
    #[doc = include_str!("src/scripts.md")]
    mod scripts {}
    #[doc = include_str!("src/quality.md")]
    mod quality {}
    #[doc = include_str!("src/stores.md")]
    mod stores {}
    #[doc = include_str!("src/desk.md")]
    mod desk {}
    #[doc = include_str!("src/configuration.md")]
    mod configuration {}
    #[doc = include_str!("src/staffing.md")]
    mod staffing {}
    #[doc = include_str!("src/simulation.md")]
    mod simulation {}
    #[doc = include_str!("src/reports.md")]
    mod reports {}
    #[doc = include_str!("src/service.md")]
    mod service {}
    #[doc = include_str!("src/testing.md")]
    mod testing {}
    #[doc = include_str!("src/rules.md")]
    mod rules {}
    #[doc = include_str!("src/rule-index.md")]
    mod rule_index {}
    #[doc = include_str!("src/pictures.md")]
    mod pictures {}
}
