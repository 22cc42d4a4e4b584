//! Property-testing support for your own calendars, policies and machines (feature `testing`).
//!
//! kefu's own laws are property-tested with these strategies; they are public so that an ERP's developers can
//! test *their* calendars and SLA policies the same way. Each strategy is a [`proptest`] strategy: combine them
//! with `prop_compose!` or `proptest!` as usual.
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
