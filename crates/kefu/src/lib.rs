//! kefu (客服, "customer service"): a customer-service department's rules as typed, durable state machines.
//!
//! The crate documentation is assembled in the final step of the foundation issue.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod calendar;
pub mod duration;
pub mod machine;
pub mod sla;
#[cfg(feature = "testing")]
pub mod testing;
