//! kefu's store conformance suite against SQLite, one test per clause, each on a fresh file-backed database.

use std::ops::Deref;

use kefu_sqlite::SqliteStore;
use tempfile::TempDir;

/// A store in a temporary directory, removed when the test ends.
struct Fixture {
    store: SqliteStore,
    _dir: TempDir,
}

impl Deref for Fixture {
    type Target = SqliteStore;
    fn deref(&self) -> &SqliteStore {
        &self.store
    }
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = SqliteStore::open(dir.path().join("kefu.db")).expect("open the store");
    Fixture { store, _dir: dir }
}

kefu::store_conformance!(fixture);

/// The same clauses through `InTransaction`: each inside one open `BEGIN IMMEDIATE` transaction, as when an ERP
/// shares its transaction with kefu.
mod in_transaction {
    kefu::store_conformance!(
        with | clause | {
            super::fixture()
                .transaction(|tx| {
                    clause(tx);
                    Ok::<_, kefu::store::StoreError>(())
                })
                .expect("the transaction commits")
        }
    );
}
