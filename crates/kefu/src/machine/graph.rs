//! [`TransitionGraph`]: a machine's transition table as a petgraph graph.

use std::collections::VecDeque;

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};

use super::{Kind, Machine};

/// A machine's transition table as a directed graph: one node per state kind, one edge per declared
/// `(from, on, to)` triple, weighted with the command kind.
///
/// Built from [`Machine::transitions`], the same declaration [`decide`](crate::machine::decide) enforces, so the
/// graph, the checks below and the pictures ([`to_mermaid`](Self::to_mermaid), [`to_dot`](Self::to_dot)) cannot
/// drift from the code.
///
/// Nodes are in [`Kind::ALL`] order (then any kind the table or the initial state mentions that `ALL` forgot); edges
/// are in table order, and within a row in `to` order. A state kind listed in `ALL` that the table never mentions
/// is still a node, which [`unreachable`](Self::unreachable) then reports.
///
/// Cost: building is O(k·r) for k state kinds and r rows; the checks are O(k + e) over e edges.
///
/// # Example
///
/// ```
/// use kefu::approval::{Approval, ApprovalKind};
/// use kefu::machine::TransitionGraph;
///
/// let graph = TransitionGraph::of::<Approval>();
/// assert_eq!(graph.machine(), "approval");
/// assert_eq!(graph.initial(), ApprovalKind::Draft);
/// assert_eq!(graph.graph().node_count(), 5);
/// assert_eq!(graph.graph().edge_count(), 6);
/// assert!(graph.unreachable().is_empty());
/// assert!(graph.cannot_finish().is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct TransitionGraph<S: Kind, C: Kind> {
    machine: &'static str,
    graph: DiGraph<S, C>,
    initial: S,
    finals: &'static [S],
}

impl<S: Kind, C: Kind> TransitionGraph<S, C> {
    /// The transition graph of machine `M`.
    #[must_use]
    pub fn of<M: Machine<StateKind = S, CommandKind = C>>() -> Self {
        let initial = M::state_kind(&M::initial());
        let finals = M::finals();
        let table = M::transitions();
        let mut graph = DiGraph::new();
        let mut nodes: Vec<(S, NodeIndex)> = Vec::new();
        let mut node = |graph: &mut DiGraph<S, C>, kind: S| match nodes.iter().find(|(k, _)| *k == kind) {
            Some(&(_, index)) => index,
            None => {
                let index = graph.add_node(kind);
                nodes.push((kind, index));
                index
            }
        };
        let mentioned = S::ALL
            .iter()
            .copied()
            .chain([initial])
            .chain(finals.iter().copied())
            .chain(table.iter().flat_map(|t| core::iter::once(t.from).chain(t.to.iter().copied())));
        for kind in mentioned {
            node(&mut graph, kind);
        }
        for row in table {
            let from = node(&mut graph, row.from);
            for &to in row.to {
                let to = node(&mut graph, to);
                graph.add_edge(from, to, row.on);
            }
        }
        Self { machine: M::NAME, graph, initial, finals }
    }

    /// The machine's name.
    #[must_use]
    pub fn machine(&self) -> &'static str {
        self.machine
    }

    /// The petgraph graph, for any algorithm petgraph offers.
    #[must_use]
    pub fn graph(&self) -> &DiGraph<S, C> {
        &self.graph
    }

    /// The petgraph graph, taken out.
    #[must_use]
    pub fn into_graph(self) -> DiGraph<S, C> {
        self.graph
    }

    /// The kind of the machine's initial state.
    #[must_use]
    pub fn initial(&self) -> S {
        self.initial
    }

    /// The machine's final kinds.
    #[must_use]
    pub fn finals(&self) -> &'static [S] {
        self.finals
    }

    /// Whether `kind` is one of the machine's final kinds.
    #[must_use]
    pub fn is_final(&self, kind: S) -> bool {
        self.finals.contains(&kind)
    }

    /// The node of a state kind, if the graph has one.
    #[must_use]
    pub fn node(&self, kind: S) -> Option<NodeIndex> {
        self.graph.node_indices().find(|&n| self.graph[n] == kind)
    }

    /// Every state kind in the graph, in node order.
    pub fn states(&self) -> impl Iterator<Item = S> + '_ {
        self.graph.node_weights().copied()
    }

    /// Whether the table declares a way (of any length) from `from` to `to`. A kind always reaches itself.
    #[must_use]
    pub fn reaches(&self, from: S, to: S) -> bool {
        match (self.node(from), self.node(to)) {
            (Some(a), Some(b)) => self.search(&[a], Direction::Outgoing)[b.index()],
            _ => false,
        }
    }

    /// The state kinds no sequence of commands can reach from the initial state, in node order.
    /// Empty for a well-formed machine.
    #[must_use]
    pub fn unreachable(&self) -> Vec<S> {
        let seen = self
            .node(self.initial)
            .map_or_else(|| vec![false; self.graph.node_count()], |start| self.search(&[start], Direction::Outgoing));
        self.unmarked(&seen)
    }

    /// The non-final state kinds from which no final kind can be reached, in node order: places an instance could
    /// get stuck forever. Empty for a well-formed machine that has final kinds; for a machine without final kinds
    /// (one that lives forever) this is every kind.
    #[must_use]
    pub fn cannot_finish(&self) -> Vec<S> {
        let finals: Vec<NodeIndex> = self.finals.iter().filter_map(|&k| self.node(k)).collect();
        let seen = self.search(&finals, Direction::Incoming);
        self.unmarked(&seen)
    }

    /// Breadth-first search from `starts`, along edges in `direction`; the marks by node index.
    fn search(&self, starts: &[NodeIndex], direction: Direction) -> Vec<bool> {
        let mut seen = vec![false; self.graph.node_count()];
        let mut queue: VecDeque<NodeIndex> = VecDeque::new();
        for &start in starts {
            if !seen[start.index()] {
                seen[start.index()] = true;
                queue.push_back(start);
            }
        }
        while let Some(n) = queue.pop_front() {
            for next in self.graph.neighbors_directed(n, direction) {
                if !seen[next.index()] {
                    seen[next.index()] = true;
                    queue.push_back(next);
                }
            }
        }
        seen
    }

    fn unmarked(&self, seen: &[bool]) -> Vec<S> {
        self.graph.node_indices().filter(|n| !seen[n.index()]).map(|n| self.graph[n]).collect()
    }

    /// Edges as `(from, on, to)` in declaration order.
    pub fn edges(&self) -> impl Iterator<Item = (S, C, S)> + '_ {
        use petgraph::visit::EdgeRef;
        self.graph.edge_references().map(|e| (self.graph[e.source()], *e.weight(), self.graph[e.target()]))
    }
}
