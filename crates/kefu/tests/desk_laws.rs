//! The desk's laws over random ERP fact streams across a simulated quarter (rules F1, F2, B5, B6, B10, C3), on the
//! in-memory store, with the kit every store crate runs (`kefu::testing::desk`):
//!
//! - every follow-up obligation gets exactly one callback;
//! - every problem a callback raises gets exactly one case;
//! - every escalation of any clock gets exactly one notice, every missed callback exactly one report;
//! - each board's loads are what the specialists hold (nothing leaks over a quarter);
//! - replaying the log rebuilds the state of every instance;
//! - applying the reactions a second time (a crash between the appends and the cursor save) changes nothing.
#![cfg(all(feature = "testing", feature = "toml", feature = "json"))]

use kefu::desk::Desk;
use kefu::store::MemoryStore;
use kefu::testing::desk::{any_plan, check_laws, check_reapply, quarter_end, run_quarter, sample_config};
use proptest::prelude::*;

// The seeded quarters and the crashing workers, as SQLite and PostgreSQL run them.
kefu::desk_laws!(|| Box::new(MemoryStore::new()));

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, max_shrink_iters: 64, ..ProptestConfig::default() })]

    #[test]
    fn desk_laws_hold_over_a_random_quarter(plan in any_plan(4, 10..40)) {
        let desk = Desk::new(MemoryStore::new(), sample_config());
        run_quarter(&desk, &plan, &mut |at| desk.tick(at).map(drop)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let tally = check_laws(desk.store()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(tally.callbacks > 0, "{:?}", tally);
        check_reapply(&desk, quarter_end()).map_err(|e| TestCaseError::fail(e.to_string()))?;
    }
}
