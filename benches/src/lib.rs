//! Shared fixtures for the kefu benchmarks.
