//! Test helpers for users of kefu (crate feature `testing`): property-test your own machines and policies with
//! proptest.
//!
//! - [`machine`]: the laws every [`Machine`](crate::machine::Machine) must obey (rejections leave no trace, the
//!   table is followed, invariants hold, ticks consume due deadlines, replay reproduces the state), checked on random
//!   command sequences driven on an explicit clock.

pub mod machine;
