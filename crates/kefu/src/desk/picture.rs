//! Pictures of the reactions table: which event of which machine leads to which command of which machine.

use std::fmt::Write as _;

use super::reaction::REACTIONS;
use crate::dot::escape;

/// The machines in the order they first appear in [`REACTIONS`], each once.
fn machines() -> Vec<&'static str> {
    let mut seen = Vec::new();
    for r in REACTIONS {
        for m in [r.machine, r.target] {
            if !seen.contains(&m) {
                seen.push(m);
            }
        }
    }
    seen
}

/// The reactions as a Mermaid flowchart: one node per machine, one edge per reaction labelled
/// `event → command (rules)`, in table order. Deterministic, so a snapshot of it holds.
///
/// ```
/// let text = kefu::desk::reactions_to_mermaid();
/// assert!(text.starts_with("flowchart LR\n"));
/// assert!(text.contains("customer_lifecycle -- \"obligation_opened → open (F1, F2)\" --> callback"));
/// ```
#[must_use]
pub fn reactions_to_mermaid() -> String {
    let mut out = String::from("flowchart LR\n");
    for m in machines() {
        let _ = writeln!(out, "    {m}([{m}])");
    }
    for r in REACTIONS {
        let label = format!("{} → {} ({})", r.event, r.command, r.rules).replace('"', "'");
        let _ = writeln!(out, "    {} -- \"{label}\" --> {}", r.machine, r.target);
    }
    out
}

/// The reactions as Graphviz DOT, in table order.
///
/// ```
/// let text = kefu::desk::reactions_to_dot();
/// assert!(text.starts_with("digraph reactions {\n"));
/// assert!(text.contains("\"callback\" -> \"case\" [label=\"problems_raised → open (B5)\"];"));
/// ```
#[must_use]
pub fn reactions_to_dot() -> String {
    let mut out = String::from("digraph reactions {\n    rankdir=LR;\n    node [shape=box, style=rounded];\n");
    for m in machines() {
        let _ = writeln!(out, "    \"{}\";", escape(m));
    }
    for r in REACTIONS {
        let label = format!("{} → {} ({})", r.event, r.command, r.rules);
        let _ =
            writeln!(out, "    \"{}\" -> \"{}\" [label=\"{}\"];", escape(r.machine), escape(r.target), escape(&label));
    }
    out.push_str("}\n");
    out
}
