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
macro_rules! in_transaction {
    ($($clause:ident),* $(,)?) => {
        mod in_transaction {
            $(
                #[test]
                fn $clause() {
                    let fixture = super::fixture();
                    fixture
                        .transaction(|tx| {
                            kefu::store::conformance::$clause(tx);
                            Ok::<_, kefu::store::StoreError>(())
                        })
                        .expect("the transaction commits");
                }
            )*
        }
    };
}

in_transaction!(
    load_unknown,
    append_then_load,
    conflict_is_typed_and_writes_nothing,
    new_instance_expects_version_zero,
    wrong_machine,
    next_deadline_kept_by_append,
    due_ordered_and_limited,
    log_in_commit_order,
    cursors,
    idempotency_key,
    rejection_leaves_no_trace,
    snapshots,
    old_events_upcast,
    runner_retries_on_conflict,
    runner_gives_up,
    tick_fires_once,
    tick_reevaluates_after_conflict,
    sla_clock_round_trip,
);
