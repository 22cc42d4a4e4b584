//! The script as a graph of ways between nodes, and the questions validation asks of it: what is reachable, which
//! nodes form cycles, and which nodes every path from the start passes through (dominators).
//!
//! Every algorithm here is iterative and linear (or `e log n`) in time and memory, so that validation neither
//! overflows the stack nor grows quadratically, whatever the size of the script.

use std::collections::VecDeque;

use petgraph::Direction;
use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};

/// No node / not numbered.
const NONE: usize = usize::MAX;

/// The ways between a script's nodes (by position in the list).
pub(crate) struct Ways {
    graph: DiGraph<(), ()>,
    self_loop: Vec<bool>,
}

impl Ways {
    /// `n` nodes and no ways yet.
    pub(crate) fn new(n: usize) -> Self {
        let mut graph = DiGraph::with_capacity(n, n + n / 2);
        for _ in 0..n {
            graph.add_node(());
        }
        Self { graph, self_loop: vec![false; n] }
    }

    /// A way from `from` to `to`. Parallel ways are kept (they change nothing below) rather than searched for,
    /// which would cost the out-degree at each insert: quadratic for a branch with many cases.
    pub(crate) fn add(&mut self, from: usize, to: usize) {
        self.graph.add_edge(NodeIndex::new(from), NodeIndex::new(to), ());
        if from == to {
            self.self_loop[from] = true;
        }
    }

    /// Marks the nodes reachable from `starts`, forwards ([`Direction::Outgoing`]) or backwards. Breadth first.
    pub(crate) fn reachable(&self, starts: &[usize], direction: Direction) -> Vec<bool> {
        let mut seen = vec![false; self.graph.node_count()];
        let mut queue: VecDeque<usize> = VecDeque::new();
        for &s in starts {
            if !seen[s] {
                seen[s] = true;
                queue.push_back(s);
            }
        }
        while let Some(x) = queue.pop_front() {
            for y in self.graph.neighbors_directed(NodeIndex::new(x), direction) {
                if !seen[y.index()] {
                    seen[y.index()] = true;
                    queue.push_back(y.index());
                }
            }
        }
        seen
    }

    /// The cycles: strongly connected components with more than one node, or one node with a way to itself. Each
    /// lists its members in list order; the cycles come in the order of their first member. Also returns, for each
    /// node, the number of its component (cycle or not), to tell whether two nodes share a cycle.
    ///
    /// petgraph's Kosaraju is iterative (its Tarjan recurses once per node of a path, and overflowed the stack on
    /// long scripts).
    pub(crate) fn cycles(&self) -> (Vec<Vec<usize>>, Vec<usize>) {
        let mut component = vec![NONE; self.graph.node_count()];
        let mut cycles = Vec::new();
        for (k, scc) in kosaraju_scc(&self.graph).into_iter().enumerate() {
            for x in &scc {
                component[x.index()] = k;
            }
            if scc.len() > 1 || scc.first().is_some_and(|x| self.self_loop[x.index()]) {
                let mut members: Vec<usize> = scc.iter().map(|x| x.index()).collect();
                members.sort_unstable();
                cycles.push(members);
            }
        }
        cycles.sort_unstable_by_key(|members| members[0]);
        (cycles, component)
    }

    /// Which nodes every path from `start` passes through: the dominator tree, by Lengauer and Tarjan's algorithm
    /// (the simple version, with path compression: O(e log n)), written without recursion.
    pub(crate) fn dominators(&self, start: usize) -> Dominators {
        let n = self.graph.node_count();
        // 1. Depth-first numbering from the start: `order[k]` is the node numbered k, `parent` the tree parent.
        let mut number = vec![NONE; n];
        let mut order: Vec<usize> = Vec::new();
        let mut parent = vec![NONE; n];
        let mut stack = vec![(start, self.graph.neighbors(NodeIndex::new(start)))];
        number[start] = 0;
        order.push(start);
        while let Some((x, next)) = stack.last_mut() {
            let x = *x;
            match next.next() {
                Some(y) if number[y.index()] == NONE => {
                    let y = y.index();
                    number[y] = order.len();
                    order.push(y);
                    parent[y] = x;
                    stack.push((y, self.graph.neighbors(NodeIndex::new(y))));
                }
                Some(_) => {}
                None => {
                    stack.pop();
                }
            }
        }

        // 2. Semi-dominators, then immediate dominators (Appel, "Modern Compiler Implementation", 19.2).
        let mut semi = vec![NONE; n];
        let mut ancestor = vec![NONE; n];
        let mut best: Vec<usize> = (0..n).collect();
        let mut idom = vec![NONE; n];
        let mut same = vec![NONE; n];
        let mut bucket_head = vec![NONE; n];
        let mut bucket_next = vec![NONE; n];
        let mut path: Vec<usize> = Vec::new();
        // The node of lowest semi-dominator number on the forest path above `v`, compressing the path.
        let mut lowest = |v: usize, ancestor: &mut [usize], best: &mut [usize], semi: &[usize]| -> usize {
            path.clear();
            let mut u = v;
            while ancestor[u] != NONE && ancestor[ancestor[u]] != NONE {
                path.push(u);
                u = ancestor[u];
            }
            while let Some(w) = path.pop() {
                let a = ancestor[w];
                if number[semi[best[a]]] < number[semi[best[w]]] {
                    best[w] = best[a];
                }
                ancestor[w] = ancestor[a];
            }
            best[v]
        };
        for k in (1..order.len()).rev() {
            let v = order[k];
            let p = parent[v];
            let mut s = p;
            for u in self.graph.neighbors_directed(NodeIndex::new(v), Direction::Incoming) {
                let u = u.index();
                if number[u] == NONE {
                    continue; // a way from a node the start does not reach
                }
                let candidate =
                    if number[u] <= number[v] { u } else { semi[lowest(u, &mut ancestor, &mut best, &semi)] };
                if number[candidate] < number[s] {
                    s = candidate;
                }
            }
            semi[v] = s;
            bucket_next[v] = bucket_head[s];
            bucket_head[s] = v;
            ancestor[v] = p;
            best[v] = v;
            let mut w = std::mem::replace(&mut bucket_head[p], NONE);
            while w != NONE {
                let y = lowest(w, &mut ancestor, &mut best, &semi);
                if semi[y] == semi[w] {
                    idom[w] = p;
                } else {
                    same[w] = y;
                }
                w = bucket_next[w];
            }
        }
        for &v in order.iter().skip(1) {
            if same[v] != NONE {
                idom[v] = idom[same[v]];
            }
        }

        // 3. Number the dominator tree (entry and exit times), so that "d dominates v" is two comparisons.
        let mut first_child = vec![NONE; n];
        let mut next_sibling = vec![NONE; n];
        for &v in order.iter().skip(1).rev() {
            next_sibling[v] = first_child[idom[v]];
            first_child[idom[v]] = v;
        }
        let mut enter = vec![NONE; n];
        let mut exit = vec![NONE; n];
        let mut clock = 0;
        let mut stack = vec![start];
        enter[start] = clock;
        clock += 1;
        while let Some(&x) = stack.last() {
            // Enter x's next child, or leave x when none is left (`first_child` walks the siblings).
            let child = first_child[x];
            if child == NONE {
                exit[x] = clock;
                clock += 1;
                stack.pop();
            } else {
                first_child[x] = next_sibling[child];
                enter[child] = clock;
                clock += 1;
                stack.push(child);
            }
        }
        Dominators { enter, exit }
    }
}

/// The dominator tree of a script graph, numbered: node `d` dominates `v` when every path from the start to `v`
/// passes through `d`.
pub(crate) struct Dominators {
    enter: Vec<usize>,
    exit: Vec<usize>,
}

impl Dominators {
    /// Whether every path from the start to `v` passes through `d` before reaching `v` (`d` ≠ `v`). False when
    /// either is unreachable.
    pub(crate) fn strictly_dominates(&self, d: usize, v: usize) -> bool {
        d != v
            && self.enter[d] != NONE
            && self.enter[v] != NONE
            && self.enter[d] < self.enter[v]
            && self.exit[v] < self.exit[d]
    }
}

#[cfg(test)]
mod tests {
    use super::Ways;

    fn ways(n: usize, edges: &[(usize, usize)]) -> Ways {
        let mut w = Ways::new(n);
        for &(a, b) in edges {
            w.add(a, b);
        }
        w
    }

    /// The textbook example (Appel, figure 19.8, nodes renumbered from 0): every dominance against a brute-force
    /// answer ("remove d; is v still reachable?").
    #[test]
    fn dominators_agree_with_removing_the_node() {
        let edges = [
            (0, 1),
            (1, 2),
            (1, 4),
            (2, 3),
            (2, 5),
            (3, 1),
            (4, 5),
            (4, 6),
            (5, 7),
            (6, 7),
            (7, 8),
            (8, 7),
            (8, 9),
            (10, 9),
            (9, 9),
        ];
        let n = 11;
        let doms = ways(n, &edges).dominators(0);
        let reach = ways(n, &edges).reachable(&[0], petgraph::Direction::Outgoing);
        for d in 0..n {
            let without: Vec<(usize, usize)> = edges.iter().copied().filter(|&(a, b)| a != d && b != d).collect();
            let still =
                if d == 0 { vec![false; n] } else { ways(n, &without).reachable(&[0], petgraph::Direction::Outgoing) };
            for v in 0..n {
                let expected = d != v && reach[d] && reach[v] && !still[v];
                assert_eq!(doms.strictly_dominates(d, v), expected, "{d} dominates {v}?");
            }
        }
    }

    /// Random small graphs (a fixed linear congruential sequence, so the test is reproducible): dominance as the
    /// algorithm computes it equals its definition.
    #[test]
    fn dominators_agree_with_the_definition_on_random_graphs() {
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |below: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize % below
        };
        for _ in 0..400 {
            let n = 1 + next(12);
            let edges: Vec<(usize, usize)> = (0..next(3 * n + 1)).map(|_| (next(n), next(n))).collect();
            let start = next(n);
            let doms = ways(n, &edges).dominators(start);
            let reach = ways(n, &edges).reachable(&[start], petgraph::Direction::Outgoing);
            for d in 0..n {
                let without: Vec<(usize, usize)> = edges.iter().copied().filter(|&(a, b)| a != d && b != d).collect();
                let still = if d == start {
                    vec![false; n]
                } else {
                    ways(n, &without).reachable(&[start], petgraph::Direction::Outgoing)
                };
                for v in 0..n {
                    let expected = d != v && reach[d] && reach[v] && !still[v];
                    assert_eq!(doms.strictly_dominates(d, v), expected, "{edges:?} from {start}: {d} dominates {v}?");
                }
            }
        }
    }

    #[test]
    fn cycles_come_in_list_order_with_self_loops() {
        let (cycles, component) = ways(6, &[(0, 1), (1, 2), (2, 1), (3, 3), (4, 5), (5, 4), (2, 4)]).cycles();
        assert_eq!(cycles, [vec![1, 2], vec![3], vec![4, 5]]);
        assert_eq!(component[1], component[2]);
        assert_ne!(component[0], component[1]);
    }
}
