//! The `testing` module (being written).
