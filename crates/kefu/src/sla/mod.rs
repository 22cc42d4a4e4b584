//! The `sla` module (being written).
