//! kefu's store conformance suite against PostgreSQL, one test per clause, each in a schema of its own.

mod common;

macro_rules! conformance {
    ($($clause:ident),* $(,)?) => {
        $(
            #[test]
            fn $clause() {
                let Some(fixture) = common::fixture() else { return };
                kefu::store::conformance::$clause(&*fixture);
            }
        )*

        /// Every clause of the suite has a test here (a new clause fails this until it is added above).
        #[test]
        fn every_clause_is_run() {
            assert_eq!(kefu::store::conformance::CLAUSES, [$(stringify!($clause)),*]);
        }
    };
}

conformance!(
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
