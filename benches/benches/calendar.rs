//! Placeholder until the calendar benchmarks land.
fn main() {}
