//! The store conformance suite against the in-memory reference store: one test per clause.
#![cfg(all(feature = "testing", feature = "json"))]

use kefu::store::MemoryStore;

kefu::store_conformance!(|| Box::new(MemoryStore::new()));

#[test]
fn clauses_listed_match_the_suite() {
    // `run` runs every clause too; a store passing it passes the per-clause tests above.
    kefu::store::conformance::run(|| Box::new(MemoryStore::new()));
    assert_eq!(kefu::store::conformance::CLAUSES.len(), 19);
}
