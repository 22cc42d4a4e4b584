//! The `machine` module (being written).
