//! Validation: every finding at once ([`Script::check`]), and [`ValidScript`], the only scripts that can run.

use std::collections::{BTreeSet, HashMap, VecDeque};

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use super::{AnswerKind, Code, ContentHash, Finding, Invalid, Node, RecordField, Script, Texts};

/// The way out of a node, as written (or implied) in the script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Via<'a> {
    /// The node's explicit `next`.
    Next,
    /// No `next`: the following node of the list.
    Following,
    /// A branch case: `question` is `is`.
    Case { index: usize, question: &'a str, is: &'a str },
    /// A branch's `default`.
    Default,
}

impl Via<'_> {
    fn field(&self) -> String {
        match self {
            Self::Next => "next".to_owned(),
            Self::Following => "next".to_owned(),
            Self::Case { index, .. } => format!("cases[{index}].next"),
            Self::Default => "default".to_owned(),
        }
    }
}

/// The ways out of node `i`: `(target id, via)`, in order (cases first, then the default). An end has none (its
/// `next`, if any, is a finding, not a way).
pub(crate) fn exits(script: &Script, i: usize) -> Vec<(&str, Via<'_>)> {
    let node = &script.nodes[i];
    match node {
        Node::End { .. } => Vec::new(),
        Node::Branch { cases, default, .. } => {
            let mut out: Vec<(&str, Via<'_>)> = cases
                .iter()
                .enumerate()
                .map(|(index, c)| (c.next.as_str(), Via::Case { index, question: &c.question, is: &c.is }))
                .collect();
            if let Some(d) = default {
                out.push((d.as_str(), Via::Default));
            }
            out
        }
        _ => match node.next() {
            Some(next) => vec![(next, Via::Next)],
            None => script.nodes.get(i + 1).map(|n| vec![(n.id(), Via::Following)]).unwrap_or_default(),
        },
    }
}

/// Where a node leads, resolved to node positions (valid scripts only).
#[derive(Clone, Debug)]
pub(crate) enum Flow {
    /// Go on to this node.
    Next(usize),
    /// The first case whose question's latest answer is `is`, else the default.
    Branch { cases: Vec<(String, String, usize)>, default: usize },
    /// An end.
    Stop,
}

/// A script that passed validation: no error findings. Only a `ValidScript` can be [run](super::ScriptRun), and a
/// run of one always has a way to end.
///
/// Obtained with [`Script::validate`] (or the `from_*_str` loaders), never built directly. It keeps the warnings,
/// the [`ContentHash`] runs are pinned to, and the graph resolved to positions, so a run never looks anything up
/// twice.
///
/// # Example
///
/// ```
/// use kefu::script::{ValidScript, S1_TOML};
///
/// let s1 = ValidScript::from_toml_str(S1_TOML)?;
/// assert_eq!(s1.id(), "s1-regular-callback");
/// assert!(s1.warnings().is_empty());
/// assert_eq!(s1.start().id(), "greeting");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct ValidScript {
    script: Script,
    hash: ContentHash,
    warnings: Vec<Finding>,
    index: HashMap<String, usize>,
    flow: Vec<Flow>,
    start: usize,
}

impl PartialEq for ValidScript {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash && self.script == other.script
    }
}

impl Script {
    /// Every finding about the script, errors and warnings, in a stable order (script-level findings, then node by
    /// node in list order, then the graph checks). Never panics, whatever the script.
    ///
    /// Cost: O(n + e) for the graph checks (petgraph's Tarjan SCC, two breadth-first searches), plus the
    /// "asked before used" dataflow, O(passes · (n + e) · q / 64) for q questions (passes ≤ loop nesting + 2),
    /// plus one scan of every text. n nodes, e ways between them.
    ///
    /// # Example
    ///
    /// ```
    /// use kefu::script::{Code, Script};
    ///
    /// let script = Script::from_toml_str(r#"
    ///     id = "x"
    ///     version = 1
    ///     locales = ["zh-CN", "en"]
    ///     [[nodes]]
    ///     id = "hi"
    ///     kind = "say"
    ///     text = { en = "Hello {customer}" }
    /// "#)?;
    /// let codes: Vec<Code> = script.check().into_iter().map(|f| f.code).collect();
    /// assert_eq!(codes, [Code::MissingText, Code::UndeclaredPlaceholder, Code::DeadEnd]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn check(&self) -> Vec<Finding> {
        analyse(self).0
    }

    /// Validates the script: a [`ValidScript`] when no finding is an error (warnings are kept in it).
    ///
    /// # Errors
    ///
    /// [`Invalid`] with every finding when any is an error.
    pub fn validate(self) -> Result<ValidScript, Invalid> {
        let (findings, resolved) = analyse(&self);
        match resolved {
            Some((index, flow, start)) if !findings.iter().any(Finding::is_error) => {
                let hash = self.content_hash();
                Ok(ValidScript { script: self, hash, warnings: findings, index, flow, start })
            }
            _ => Err(Invalid { id: self.id.clone(), findings }),
        }
    }

    /// Reads a script from TOML, without validating it (see [`check`](Self::check), [`validate`](Self::validate)).
    ///
    /// # Errors
    ///
    /// [`LoadError::Toml`](crate::LoadError::Toml) with line, column and key path.
    #[cfg(feature = "toml")]
    pub fn from_toml_str(text: &str) -> Result<Self, super::LoadError> {
        crate::load::from_toml(text)
    }

    /// Reads a script from JSON, without validating it.
    ///
    /// # Errors
    ///
    /// [`LoadError::Json`](crate::LoadError::Json) with line, column and key path.
    #[cfg(feature = "json")]
    pub fn from_json_str(text: &str) -> Result<Self, super::LoadError> {
        crate::load::from_json(text)
    }

    /// The position of the node with this id (the first, if ids repeat).
    #[must_use]
    pub fn position(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.id() == id)
    }
}

impl ValidScript {
    /// Reads and validates a script from TOML.
    ///
    /// # Errors
    ///
    /// [`LoadError`](super::LoadError): malformed text, or [`Invalid`] with every finding.
    #[cfg(feature = "toml")]
    pub fn from_toml_str(text: &str) -> Result<Self, super::LoadError> {
        Ok(Script::from_toml_str(text)?.validate()?)
    }

    /// Reads and validates a script from JSON.
    ///
    /// # Errors
    ///
    /// [`LoadError`](super::LoadError): malformed text, or [`Invalid`] with every finding.
    #[cfg(feature = "json")]
    pub fn from_json_str(text: &str) -> Result<Self, super::LoadError> {
        Ok(Script::from_json_str(text)?.validate()?)
    }

    /// The script.
    #[must_use]
    pub fn script(&self) -> &Script {
        &self.script
    }

    /// The script, taken out (to edit it and validate again).
    #[must_use]
    pub fn into_script(self) -> Script {
        self.script
    }

    /// The script's id.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.script.id
    }

    /// The script's version.
    #[must_use]
    pub fn version(&self) -> u32 {
        self.script.version
    }

    /// The script's [`ContentHash`], computed once at validation.
    #[must_use]
    pub fn hash(&self) -> ContentHash {
        self.hash
    }

    /// The warnings validation found (no errors, by construction).
    #[must_use]
    pub fn warnings(&self) -> &[Finding] {
        &self.warnings
    }

    /// The node with this id.
    #[must_use]
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.index.get(id).map(|&i| &self.script.nodes[i])
    }

    /// The first node of a run.
    #[must_use]
    pub fn start(&self) -> &Node {
        &self.script.nodes[self.start]
    }

    pub(crate) fn start_index(&self) -> usize {
        self.start
    }

    pub(crate) fn index_of(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    pub(crate) fn flow(&self, i: usize) -> &Flow {
        &self.flow[i]
    }

    pub(crate) fn node_at(&self, i: usize) -> &Node {
        &self.script.nodes[i]
    }
}

type Resolved = (HashMap<String, usize>, Vec<Flow>, usize);

/// Every finding, and the resolved graph when the structure allows one.
#[allow(clippy::too_many_lines)] // one pass per check, in the order the findings are reported
fn analyse(script: &Script) -> (Vec<Finding>, Option<Resolved>) {
    let mut findings = Vec::new();
    let nodes = &script.nodes;
    let n = nodes.len();

    // Script level.
    if script.locales.is_empty() {
        findings.push(Finding::new(
            Code::NoLocales,
            None,
            Some("locales".into()),
            "the script declares no locale; write e.g. locales = [\"zh-CN\", \"en\"]",
        ));
    }
    let mut index: HashMap<String, usize> = HashMap::with_capacity(n);
    for (i, node) in nodes.iter().enumerate() {
        if let Some(&first) = index.get(node.id()) {
            findings.push(Finding::new(
                Code::DuplicateId,
                Some(node.id()),
                Some(format!("nodes[{i}].id")),
                format!("the id `{}` is already used by nodes[{first}]", node.id()),
            ));
        } else {
            index.insert(node.id().to_owned(), i);
        }
    }
    let start = match &script.start {
        Some(id) => {
            let found = index.get(id.as_str()).copied();
            if found.is_none() {
                findings.push(Finding::new(
                    Code::NoStart,
                    None,
                    Some("start".into()),
                    format!("`start` names `{id}`, but no node has that id"),
                ));
            }
            found
        }
        None if n == 0 => {
            findings.push(Finding::new(Code::NoStart, None, Some("nodes".into()), "the script has no nodes"));
            None
        }
        None => Some(0),
    };

    let texts = TextCheck { script, used: BTreeSet::new() };
    let mut texts = texts;
    texts.check(&mut findings, None, "title", &script.title, !script.title.is_empty());
    for (name, v) in &script.variables {
        if let Some(default) = &v.default {
            texts.check(&mut findings, None, &format!("variables.{name}.default"), default, true);
        }
    }

    // Node by node: texts, exits, references.
    let question = |id: &str| -> Option<(usize, AnswerKind, &[super::Choice])> {
        index.get(id).and_then(|&i| match &nodes[i] {
            Node::Question { answer, choices, .. } => Some((i, *answer, choices.as_slice())),
            _ => None,
        })
    };
    let mut uses: Vec<(usize, usize, String)> = Vec::new(); // (user node, question node, field)
    let mut graph: DiGraph<(), ()> = DiGraph::with_capacity(n, n + n / 2);
    for _ in 0..n {
        graph.add_node(());
    }
    let mut flow: Vec<Flow> = Vec::with_capacity(n);
    let mut structure_ok = start.is_some();
    for (i, node) in nodes.iter().enumerate() {
        let id = Some(node.id());
        if let Some(text) = node.text() {
            texts.check(&mut findings, id, "text", text, true);
        }
        let exits = exits(script, i);
        let mut resolved: Vec<usize> = Vec::with_capacity(exits.len());
        for (target, via) in &exits {
            match index.get(*target) {
                Some(&t) => {
                    graph.update_edge(NodeIndex::new(i), NodeIndex::new(t), ());
                    resolved.push(t);
                }
                None => {
                    structure_ok = false;
                    findings.push(Finding::new(
                        Code::UnknownTarget,
                        id,
                        Some(via.field()),
                        format!("no node has the id `{target}`"),
                    ));
                }
            }
        }
        match node {
            Node::End { next: Some(next), .. } => findings.push(Finding::new(
                Code::EndWithExit,
                id,
                Some("next".into()),
                format!("an end node cannot go on (to `{next}`); delete `next` or use another kind of node"),
            )),
            Node::End { .. } => {}
            Node::Branch { cases, default, .. } => {
                if default.is_none() {
                    structure_ok = false;
                    findings.push(Finding::new(
                        Code::BranchWithoutDefault,
                        id,
                        Some("default".into()),
                        "the branch has no `default`: when no case holds, the run would have no way on",
                    ));
                }
                for (k, case) in cases.iter().enumerate() {
                    match question(&case.question) {
                        None => findings.push(unknown_question(
                            node.id(),
                            &format!("cases[{k}].question"),
                            &case.question,
                            &index,
                        )),
                        Some((q, kind, choices)) => {
                            uses.push((i, q, format!("cases[{k}].question")));
                            let values: Vec<&str> = match kind {
                                AnswerKind::YesNo => vec!["yes", "no"],
                                AnswerKind::Choice => choices.iter().map(|c| c.value.as_str()).collect(),
                                AnswerKind::FreeText | AnswerKind::DateTime => Vec::new(),
                            };
                            if !values.contains(&case.is.as_str()) {
                                let message = if values.is_empty() {
                                    format!(
                                        "`{}` is a {} question; a branch can only test yes/no and choice answers",
                                        case.question,
                                        kind.name()
                                    )
                                } else {
                                    format!(
                                        "`{}` is not an answer of `{}` (one of: {})",
                                        case.is,
                                        case.question,
                                        values.join(", ")
                                    )
                                };
                                findings.push(Finding::new(
                                    Code::ValueNotAChoice,
                                    id,
                                    Some(format!("cases[{k}].is")),
                                    message,
                                ));
                            }
                        }
                    }
                }
            }
            Node::Schedule { from, .. } | Node::Problem { from, .. } => match question(from) {
                None => findings.push(unknown_question(node.id(), "from", from, &index)),
                Some((q, kind, _)) => {
                    uses.push((i, q, "from".into()));
                    if matches!(node, Node::Schedule { .. }) && kind != AnswerKind::DateTime {
                        findings.push(Finding::new(
                            Code::WrongAnswerKind,
                            id,
                            Some("from".into()),
                            format!("a schedule needs a date_time question; `{from}` is {}", kind.name()),
                        ));
                    }
                }
            },
            Node::Question { answer, choices, records, .. } => {
                for (k, c) in choices.iter().enumerate() {
                    texts.check(&mut findings, id, &format!("choices[{k}].text"), &c.text, true);
                }
                check_choices(&mut findings, node.id(), *answer, choices);
                if let Some(field) = records {
                    let fits = match field {
                        RecordField::Referral | RecordField::ContinueCooperation => *answer == AnswerKind::YesNo,
                        RecordField::Satisfaction => matches!(answer, AnswerKind::YesNo | AnswerKind::Choice),
                        RecordField::Suggestion | RecordField::Channel | RecordField::Reason => {
                            matches!(answer, AnswerKind::FreeText | AnswerKind::Choice)
                        }
                    };
                    if !fits {
                        findings.push(Finding::new(
                            Code::WrongAnswerKind,
                            id,
                            Some("records".into()),
                            format!("a {} question cannot fill the record's `{}`", answer.name(), field.name()),
                        ));
                    }
                }
            }
            Node::Say { .. } => {}
        }
        if exits.is_empty() && !matches!(node, Node::End { .. } | Node::Branch { .. }) {
            findings.push(Finding::new(
                Code::DeadEnd,
                id,
                Some("next".into()),
                "the last node of the list is not an end and has no `next`: the run would stop here",
            ));
            structure_ok = false;
        }
        flow.push(match node {
            Node::End { .. } => Flow::Stop,
            Node::Branch { cases, default, .. } => {
                let default = default.as_deref().and_then(|d| index.get(d).copied()).unwrap_or(usize::MAX);
                Flow::Branch {
                    cases: cases
                        .iter()
                        .map(|c| (c.question.clone(), c.is.clone(), index.get(&c.next).copied().unwrap_or(usize::MAX)))
                        .collect(),
                    default,
                }
            }
            _ => Flow::Next(resolved.first().copied().unwrap_or(usize::MAX)),
        });
    }
    for name in script.variables.keys() {
        if !texts.used.contains(name.as_str()) {
            findings.push(Finding::new(
                Code::UnusedVariable,
                None,
                Some(format!("variables.{name}")),
                format!("no text uses `{{{name}}}`"),
            ));
        }
    }

    // Graph checks.
    let reachable = match start {
        Some(s) => search(&graph, &[NodeIndex::new(s)], petgraph::Direction::Outgoing),
        None => vec![true; n], // nothing is reachable without a start; don't drown the real finding
    };
    for (i, node) in nodes.iter().enumerate() {
        if !reachable[i] {
            findings.push(Finding::new(Code::Unreachable, Some(node.id()), None, "no way from the start leads here"));
        }
    }
    let ends: Vec<NodeIndex> = (0..n).filter(|&i| matches!(nodes[i], Node::End { .. })).map(NodeIndex::new).collect();
    let can_end = search(&graph, &ends, petgraph::Direction::Incoming);
    for scc in tarjan_scc(&graph) {
        let first = scc.iter().map(|x| x.index()).min().unwrap_or(0);
        let cyclic = scc.len() > 1 || graph.contains_edge(scc[0], scc[0]);
        if !cyclic {
            continue;
        }
        let id = Some(nodes[first].id());
        let mut members: Vec<usize> = scc.iter().map(|x| x.index()).collect();
        members.sort_unstable();
        let names = members.iter().map(|&m| nodes[m].id()).collect::<Vec<_>>().join(" → ");
        if !can_end[first] {
            structure_ok = false;
            findings.push(Finding::new(
                Code::CycleWithoutExit,
                id,
                None,
                format!("the cycle {names} has no way out to an end"),
            ));
        }
        // Each time round, a branch whose cases all look at questions outside the cycle sees the same answers
        // and goes the same way; if every branch inside does, nothing said inside can ever lead out.
        let routes_on_fixed_answers = members.iter().all(|&m| match &nodes[m] {
            Node::Branch { cases, .. } => {
                cases.iter().all(|c| index.get(c.question.as_str()).is_none_or(|q| !members.contains(q)))
            }
            _ => true,
        });
        let asks = members.iter().any(|&m| matches!(nodes[m], Node::Question { .. }));
        if asks && routes_on_fixed_answers {
            structure_ok = false;
            findings.push(Finding::new(
                Code::CycleOnFixedAnswers,
                id,
                None,
                format!("the cycle {names} only routes on answers given before it, so some answers loop forever"),
            ));
        }
        if !asks {
            structure_ok = false;
            findings.push(Finding::new(
                Code::CycleWithoutQuestion,
                id,
                None,
                format!("the cycle {names} asks nothing, so it would go round forever"),
            ));
        }
    }

    // Dataflow: which questions have surely been asked on entering each node, on every path from the start.
    if let Some(s) = start {
        let asked = asked_on_entry(script, &graph, s, &reachable);
        for (user, q, field) in uses {
            if reachable[user] && !asked[user].contains(q) {
                findings.push(Finding::new(
                    Code::NotYetAnswered,
                    Some(nodes[user].id()),
                    Some(field),
                    format!("on some path from the start, `{}` has not been asked yet here", nodes[q].id()),
                ));
            }
        }
    }

    let resolved = match (structure_ok, start) {
        (true, Some(s)) => Some((index, flow, s)),
        _ => None,
    };
    (findings, resolved)
}

fn unknown_question(node: &str, field: &str, question: &str, index: &HashMap<String, usize>) -> Finding {
    let message = if index.contains_key(question) {
        format!("`{question}` is not a question node")
    } else {
        format!("no question has the id `{question}`")
    };
    Finding::new(Code::UnknownQuestion, Some(node), Some(field.to_owned()), message)
}

fn check_choices(findings: &mut Vec<Finding>, id: &str, answer: AnswerKind, choices: &[super::Choice]) {
    if answer == AnswerKind::Choice && choices.is_empty() {
        findings.push(Finding::new(
            Code::BadChoices,
            Some(id),
            Some("choices".into()),
            "a choice question needs at least one choice",
        ));
    }
    if answer != AnswerKind::Choice && !choices.is_empty() {
        findings.push(Finding::new(
            Code::BadChoices,
            Some(id),
            Some("choices".into()),
            format!("a {} question takes no choices; use answer = \"choice\"", answer.name()),
        ));
    }
    for (k, c) in choices.iter().enumerate() {
        if choices[..k].iter().any(|d| d.value == c.value) {
            findings.push(Finding::new(
                Code::BadChoices,
                Some(id),
                Some(format!("choices[{k}].value")),
                format!("the value `{}` is already a choice", c.value),
            ));
        }
    }
}

/// Breadth-first marks from `starts` along `direction`.
fn search(graph: &DiGraph<(), ()>, starts: &[NodeIndex], direction: petgraph::Direction) -> Vec<bool> {
    let mut seen = vec![false; graph.node_count()];
    let mut queue: VecDeque<NodeIndex> = VecDeque::new();
    for &s in starts {
        if !seen[s.index()] {
            seen[s.index()] = true;
            queue.push_back(s);
        }
    }
    while let Some(x) = queue.pop_front() {
        for y in graph.neighbors_directed(x, direction) {
            if !seen[y.index()] {
                seen[y.index()] = true;
                queue.push_back(y);
            }
        }
    }
    seen
}

/// A fixed-size set of node positions.
#[derive(Clone, PartialEq, Eq)]
struct Bits(Vec<u64>);

impl Bits {
    fn empty(n: usize) -> Self {
        Self(vec![0; n.div_ceil(64)])
    }
    fn full(n: usize) -> Self {
        Self(vec![u64::MAX; n.div_ceil(64)])
    }
    fn contains(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
    fn insert(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn intersect(&mut self, other: &Self) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a &= *b;
        }
    }
}

/// For each node, the questions asked on every path from the start to it (a forward "must" dataflow: the meet is
/// intersection, a question node adds itself on the way out). Iterated to the fixpoint over the reachable nodes.
fn asked_on_entry(script: &Script, graph: &DiGraph<(), ()>, start: usize, reachable: &[bool]) -> Vec<Bits> {
    let n = script.nodes.len();
    let mut entry: Vec<Bits> = (0..n).map(|i| if i == start { Bits::empty(n) } else { Bits::full(n) }).collect();
    let order: Vec<usize> = {
        // Breadth-first order from the start: predecessors mostly come first, so few passes are needed.
        let mut order = Vec::with_capacity(n);
        let mut seen = vec![false; n];
        let mut queue = VecDeque::from([start]);
        seen[start] = true;
        while let Some(x) = queue.pop_front() {
            order.push(x);
            for y in graph.neighbors(NodeIndex::new(x)) {
                if !seen[y.index()] {
                    seen[y.index()] = true;
                    queue.push_back(y.index());
                }
            }
        }
        order
    };
    let exit = |entry: &[Bits], i: usize| {
        let mut out = entry[i].clone();
        if matches!(script.nodes[i], Node::Question { .. }) {
            out.insert(i);
        }
        out
    };
    let mut changed = true;
    while changed {
        changed = false;
        for &i in &order {
            if i == start {
                continue;
            }
            let mut meet = Bits::full(n);
            for p in graph.neighbors_directed(NodeIndex::new(i), petgraph::Direction::Incoming) {
                if reachable[p.index()] {
                    meet.intersect(&exit(&entry, p.index()));
                }
            }
            if meet != entry[i] {
                entry[i] = meet;
                changed = true;
            }
        }
    }
    entry
}

/// The locale and placeholder checks of every text.
struct TextCheck<'a> {
    script: &'a Script,
    used: BTreeSet<&'a str>,
}

impl<'a> TextCheck<'a> {
    fn check(&mut self, findings: &mut Vec<Finding>, node: Option<&str>, field: &str, texts: &'a Texts, needed: bool) {
        if needed {
            for locale in &self.script.locales {
                if texts.get(locale).is_none_or(|t| t.trim().is_empty()) {
                    findings.push(Finding::new(
                        Code::MissingText,
                        node,
                        Some(format!("{field}.{locale}")),
                        format!("no `{locale}` text"),
                    ));
                }
            }
        }
        for (locale, text) in texts {
            if !self.script.locales.contains(locale) {
                findings.push(Finding::new(
                    Code::UndeclaredLocale,
                    node,
                    Some(format!("{field}.{locale}")),
                    format!("`{locale}` is not among the script's locales"),
                ));
            }
            for name in placeholders(text) {
                if self.script.variables.contains_key(name) {
                    self.used.insert(name);
                } else {
                    findings.push(Finding::new(
                        Code::UndeclaredPlaceholder,
                        node,
                        Some(format!("{field}.{locale}")),
                        format!("`{{{name}}}` is not a declared variable, so it has no value"),
                    ));
                }
            }
        }
    }
}

/// The placeholders of a text: `{name}` where name is ASCII letters, digits, `_` or `-`. Other braces are text.
pub(crate) fn placeholders(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    core::iter::from_fn(move || {
        loop {
            let open = rest.find('{')?;
            let after = &rest[open + 1..];
            let len = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).unwrap_or(after.len());
            if len > 0 && after[len..].starts_with('}') {
                rest = &after[len + 1..];
                return Some(&after[..len]);
            }
            rest = after;
        }
    })
}
