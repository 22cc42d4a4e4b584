//! The desk's laws on PostgreSQL (rules F1, F2, B5, B6, B10, C3): seeded quarters of ERP facts and workers that
//! crash between a reaction's append and the cursor save, each in a schema of its own (`kefu_desk_…`,
//! `kefu::desk_laws!`); skipped (with the message `common::fixture` prints) without a server.

mod common;

kefu::desk_laws!(
    with | law | {
        if let Some(fixture) = common::fixture_named("kefu_desk", kefu_postgres::Options::default().pool_size(2)) {
            law(&*fixture)
        }
    }
);
