//! Property-testing support for your own calendars, policies and machines (crate feature `testing`).
//!
//! kefu's own laws are property-tested with these helpers; they are public so that an ERP's developers can test
//! *their* calendars, SLA policies and machines the same way, with [`proptest`].
//!
//! - [`calendar`]: strategies for opening hours, holidays, make-up days, calendars, instants and durations.
//! - [`sla`]: strategies for SLA policies (targets, warnings, escalation ladders).
//! - [`machine`]: the laws every [`Machine`](crate::machine::Machine) must obey (rejections leave no trace, the
//!   table is followed, invariants hold, ticks consume due deadlines, replay reproduces the state), checked on random
//!   command sequences driven on an explicit clock.
//! - [`desk`] (features `toml` and `json` too): the [`Desk`](crate::desk::Desk)'s laws on any store — random
//!   quarters of ERP facts, every reaction applied exactly once, workers that crash — as one macro,
//!   [`desk_laws!`](crate::desk_laws), for a store crate's tests.
//!
//! ```
//! use chrono::TimeDelta;
//! use kefu::testing::calendar::{any_calendar, any_instant, SHANGHAI_AMSTERDAM_NEW_YORK};
//! use proptest::prelude::*;
//! use proptest::test_runner::{Config, TestRunner};
//!
//! // Law: business time never exceeds elapsed time, on random calendars in three zones.
//! let mut runner = TestRunner::new(Config { cases: 16, ..Config::default() });
//! let strategy = (any_calendar(SHANGHAI_AMSTERDAM_NEW_YORK), any_instant(2026), 0i64..200_000);
//! runner.run(&strategy, |(calendar, t, secs)| {
//!     let later = t + TimeDelta::seconds(secs);
//!     let business = calendar.between(t, later).map_err(|e| TestCaseError::fail(e.to_string()))?;
//!     prop_assert!(business <= later - t);
//!     Ok(())
//! })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod calendar;
#[cfg(all(feature = "toml", feature = "json"))]
pub mod desk;
pub mod fuzz;
pub mod lifecycle;
pub mod machine;
pub mod sla;
