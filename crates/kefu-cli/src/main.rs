//! The `kefu` command-line tool.
fn main() {}
