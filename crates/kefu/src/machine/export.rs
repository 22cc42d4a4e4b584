//! Pictures of a [`TransitionGraph`]: Mermaid `stateDiagram-v2` and Graphviz DOT text.
//!
//! Both exporters are deterministic: states in node order ([`Kind::ALL`] order), transitions in table order, so the
//! text is stable under snapshot tests and diffs well in review.

use std::fmt::Write as _;

use petgraph::visit::EdgeRef;

use super::{Kind, TransitionGraph};

impl<S: Kind, C: Kind> TransitionGraph<S, C> {
    /// The graph as a Mermaid `stateDiagram-v2`.
    ///
    /// `[*]` points at the initial state and every final state points at `[*]`. State ids are the kinds' names,
    /// with any character other than ASCII letters, digits and `_` replaced by `_` (then a suffix if two names
    /// collide); a state whose id differs from its name is declared with its name as label.
    ///
    /// # Example
    ///
    /// ```
    /// use kefu::approval::Approval;
    /// use kefu::machine::TransitionGraph;
    ///
    /// let text = TransitionGraph::of::<Approval>().to_mermaid();
    /// assert!(text.starts_with("stateDiagram-v2\n"));
    /// assert!(text.contains("    [*] --> draft\n"));
    /// assert!(text.contains("    pending --> withdrawn: withdraw\n"));
    /// assert!(text.contains("    withdrawn --> [*]\n"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn to_mermaid(&self) -> String {
        let graph = self.graph();
        let ids = self.mermaid_ids();
        let mut out = String::from("stateDiagram-v2\n");
        // Writing into a `String` cannot fail.
        let _ = writeln!(out, "    %% machine: {}", self.machine());
        for n in graph.node_indices() {
            let name = graph[n].name();
            let id = &ids[n.index()];
            if id == name {
                let _ = writeln!(out, "    {id}");
            } else {
                let _ = writeln!(out, "    state \"{}\" as {id}", name.replace('"', "'"));
            }
        }
        if let Some(start) = self.node(self.initial()) {
            let _ = writeln!(out, "    [*] --> {}", ids[start.index()]);
        }
        for e in graph.edge_references() {
            let _ = writeln!(
                out,
                "    {} --> {}: {}",
                ids[e.source().index()],
                ids[e.target().index()],
                mermaid_label(e.weight().name())
            );
        }
        for n in graph.node_indices() {
            if self.is_final(graph[n]) {
                let _ = writeln!(out, "    {} --> [*]", ids[n.index()]);
            }
        }
        out
    }

    /// The graph as Graphviz DOT (`digraph`), left to right.
    ///
    /// Nodes get generated ids (`s0`, `s1`, … in node order) labelled with the kinds' names, so any name is safe.
    /// A point marks the start; final states have a double border.
    ///
    /// # Example
    ///
    /// ```
    /// use kefu::approval::Approval;
    /// use kefu::machine::TransitionGraph;
    ///
    /// let text = TransitionGraph::of::<Approval>().to_dot();
    /// assert!(text.starts_with("digraph \"approval\" {\n"));
    /// assert!(text.contains("    s1 -> s2 [label=\"approve\"];\n"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn to_dot(&self) -> String {
        let graph = self.graph();
        let mut out = String::new();
        let _ = writeln!(out, "digraph \"{}\" {{", crate::dot::escape(self.machine()));
        out.push_str("    rankdir=LR;\n");
        out.push_str("    node [shape=box, style=rounded];\n");
        out.push_str("    start [shape=point, label=\"\"];\n");
        for n in graph.node_indices() {
            let kind = graph[n];
            let extra = if self.is_final(kind) { ", peripheries=2" } else { "" };
            let _ = writeln!(out, "    s{} [label=\"{}\"{extra}];", n.index(), crate::dot::escape(kind.name()));
        }
        if let Some(start) = self.node(self.initial()) {
            let _ = writeln!(out, "    start -> s{};", start.index());
        }
        for e in graph.edge_references() {
            let _ = writeln!(
                out,
                "    s{} -> s{} [label=\"{}\"];",
                e.source().index(),
                e.target().index(),
                crate::dot::escape(e.weight().name())
            );
        }
        out.push_str("}\n");
        out
    }

    /// Mermaid ids by node index: sanitized names, made unique.
    fn mermaid_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = Vec::with_capacity(self.graph().node_count());
        for n in self.graph().node_indices() {
            let mut id: String = self.graph()[n]
                .name()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' })
                .collect();
            if id.is_empty() || id.starts_with(|c: char| c.is_ascii_digit()) {
                id.insert(0, 's');
            }
            if ids.contains(&id) {
                let _ = write!(id, "_{}", n.index());
            }
            ids.push(id);
        }
        ids
    }
}

/// A transition label Mermaid accepts: no line breaks, no `;`, `#` or `:` (which end or escape the label).
fn mermaid_label(name: &str) -> String {
    name.chars().map(|c| if c.is_control() || matches!(c, ';' | '#' | ':') { ' ' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::mermaid_label;
    use crate::machine::{Context, Kind, Machine, Transition, TransitionGraph};

    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
    enum Odd {
        Spaced,
        Clash,
        Digit,
    }

    impl Kind for Odd {
        const ALL: &'static [Self] = &[Self::Spaced, Self::Clash, Self::Digit];
        fn name(self) -> &'static str {
            match self {
                Self::Spaced => "in \"review\"",
                Self::Clash => "in _review_",
                Self::Digit => "2nd",
            }
        }
    }

    struct OddMachine;

    impl Machine for OddMachine {
        const NAME: &'static str = "odd\\one";
        type State = u8;
        type Command = ();
        type Event = u8;
        type Config = ();
        type Error = core::convert::Infallible;
        type StateKind = Odd;
        type CommandKind = Odd;
        fn initial() -> u8 {
            0
        }
        fn transitions() -> &'static [Transition<Odd, Odd>] {
            &[Transition { from: Odd::Spaced, on: Odd::Spaced, to: &[Odd::Clash, Odd::Digit] }]
        }
        fn finals() -> &'static [Odd] {
            &[Odd::Digit]
        }
        fn state_kind(_: &u8) -> Odd {
            Odd::Spaced
        }
        fn command_kind(_: &()) -> Odd {
            Odd::Spaced
        }
        fn handle(_: &u8, _: &(), _: &Context<'_, ()>) -> Result<Vec<u8>, Self::Error> {
            Ok(Vec::new())
        }
        fn evolve(_: &mut u8, _: &u8) {}
    }

    #[test]
    fn mermaid_ids_are_sanitized_unique_and_labelled() {
        let text = TransitionGraph::of::<OddMachine>().to_mermaid();
        assert!(text.contains("    state \"in 'review'\" as in__review_\n"), "{text}");
        assert!(text.contains("    state \"in _review_\" as in__review__1\n"), "{text}");
        assert!(text.contains("    state \"2nd\" as s2nd\n"), "{text}");
        assert!(text.contains("    in__review_ --> s2nd: in \"review\"\n"), "{text}");
        assert!(text.contains("    s2nd --> [*]\n"), "{text}");
    }

    #[test]
    fn dot_strings_are_escaped() {
        let text = TransitionGraph::of::<OddMachine>().to_dot();
        assert!(text.starts_with("digraph \"odd\\\\one\" {\n"), "{text}");
        assert!(text.contains("    s0 [label=\"in \\\"review\\\"\"];\n"), "{text}");
        assert_eq!(crate::dot::escape("a\nb\u{7}"), "a\\nb ");
        assert_eq!(mermaid_label("a:b;c#d\ne"), "a b c d e");
    }
}
