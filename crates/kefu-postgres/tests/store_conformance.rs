//! kefu's store conformance suite against PostgreSQL, one test per clause, each in a schema of its own.

mod common;

// Each clause in a schema of its own; skipped (with the message `common::fixture` prints) without a server.
kefu::store_conformance!(
    with | clause | {
        if let Some(fixture) = common::fixture() {
            clause(&*fixture)
        }
    }
);
