//! The desk's laws on SQLite (rules F1, F2, B5, B6, B10, C3): seeded quarters of ERP facts and workers that crash
//! between a reaction's append and the cursor save, each on a fresh file-backed database (`kefu::desk_laws!`).

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

kefu::desk_laws!(fixture);
