//! Validation: every finding at once ([`Script::check`]), and [`ValidScript`], the only scripts that can run.

use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap, HashSet};

use petgraph::Direction;

use super::finding::is_invisible_format;
use super::graph::Ways;
use super::{AnswerKind, Choice, Code, ContentHash, Finding, Invalid, Node, RecordField, Script, Texts};

/// The longest id validation accepts, in bytes of UTF-8 (finding [`Code::IdTooLong`]): the script's id, node ids,
/// choice values and locales are copied into every event of a run, so they stay short; the words go in the texts.
pub const MAX_ID_BYTES: usize = 256;

/// The way out of a node, as written (or implied) in the script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Via<'a> {
    /// The node's explicit `next`.
    Next,
    /// No `next`: the following node of the list.
    Following,
    /// A branch's route (`cases[index]`): `question` is `is`.
    Route { index: usize, question: &'a str, is: &'a str },
    /// A branch's `default`.
    Default,
}

impl Via<'_> {
    fn field(&self) -> String {
        match self {
            Self::Next => "next".to_owned(),
            Self::Following => "next".to_owned(),
            Self::Route { index, .. } => format!("cases[{index}].next"),
            Self::Default => "default".to_owned(),
        }
    }
}

/// The ways out of node `i`: `(target id, via)`, in order (routes first, then the default). An end has none (its
/// `next`, if any, is a finding, not a way).
pub(crate) fn exits(script: &Script, i: usize) -> Vec<(&str, Via<'_>)> {
    let node = &script.nodes[i];
    match node {
        Node::End { .. } => Vec::new(),
        Node::Branch { cases, default, .. } => {
            let mut out: Vec<(&str, Via<'_>)> = cases
                .iter()
                .enumerate()
                .map(|(index, r)| (r.next.as_str(), Via::Route { index, question: &r.question, is: &r.is }))
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
    /// The first route whose question's latest answer is `is`, else the default.
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
    /// Question position → the first schedule node reading its answer (such a question cannot be skipped).
    scheduled_from: HashMap<usize, usize>,
    /// Choice question position → its choices' positions sorted by value, to look a value up in O(log c).
    choices_by_value: HashMap<usize, Vec<usize>>,
}

impl PartialEq for ValidScript {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash && self.script == other.script
    }
}

impl Script {
    /// Every finding about the script, errors and warnings, in a stable order (script-level findings, then node by
    /// node in list order, then the graph checks, cycles in the order of their first node). Never panics, whatever
    /// the script, and needs no more stack for a long script than for a short one.
    ///
    /// Cost: O(n + e) for the graph checks (petgraph's Kosaraju SCC, two breadth-first searches), O(e log n) for
    /// "asked before used" (a question used at a node must dominate it: Lengauer–Tarjan), and one scan of every
    /// text and choice (hashed, so a question with thousands of choices costs linear time). Memory O(n + e + total
    /// text length). n nodes, e ways between them.
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
            Some(Resolved { index, flow, start, scheduled_from }) if !findings.iter().any(Finding::is_error) => {
                let hash = self.content_hash();
                let choices_by_value = sorted_choices(&self);
                Ok(ValidScript {
                    script: self,
                    hash,
                    warnings: findings,
                    index,
                    flow,
                    start,
                    scheduled_from,
                    choices_by_value,
                })
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

    /// The position of the node with this id (the first, if ids repeat). Cost: a scan of the list (a
    /// [`ValidScript`] looks ids up in a hash map: [`ValidScript::node`]).
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

    /// The schedule node that reads the answer to the question at position `question`, if any.
    pub(crate) fn schedule_reading(&self, question: usize) -> Option<&Node> {
        self.scheduled_from.get(&question).map(|&i| &self.script.nodes[i])
    }

    /// Whether the choice question at position `question` has a choice of this value. O(log c).
    pub(crate) fn has_choice(&self, question: usize, value: &str) -> bool {
        let (Some(sorted), Node::Question { choices, .. }) =
            (self.choices_by_value.get(&question), self.node_at(question))
        else {
            return false;
        };
        sorted.binary_search_by(|&k| choices[k].value.as_str().cmp(value)).is_ok()
    }
}

/// For each choice question, its choices' positions sorted by value.
fn sorted_choices(script: &Script) -> HashMap<usize, Vec<usize>> {
    let mut out = HashMap::new();
    for (i, node) in script.nodes.iter().enumerate() {
        if let Node::Question { answer: AnswerKind::Choice, choices, .. } = node {
            let mut sorted: Vec<usize> = (0..choices.len()).collect();
            sorted.sort_unstable_by(|&a, &b| choices[a].value.cmp(&choices[b].value));
            out.insert(i, sorted);
        }
    }
    out
}

/// The graph of a script whose structure allows a run, resolved to positions.
struct Resolved {
    index: HashMap<String, usize>,
    flow: Vec<Flow>,
    start: usize,
    scheduled_from: HashMap<usize, usize>,
}

/// At most this many items are listed in a message (the values of a question, the nodes of a cycle).
const LISTED: usize = 10;

/// `a, b, c` — or the first [`LISTED`] and how many there are in all.
fn listed<'a>(items: impl ExactSizeIterator<Item = &'a str>, separator: &str) -> String {
    let total = items.len();
    let mut shown: Vec<&str> = items.take(LISTED).collect();
    if total > LISTED {
        shown.push("…");
        return format!("{} ({total} in all)", shown.join(separator));
    }
    shown.join(separator)
}

/// Every finding, and the resolved graph when the structure allows one.
#[allow(clippy::too_many_lines)] // one pass per check, in the order the findings are reported
fn analyse(script: &Script) -> (Vec<Finding>, Option<Resolved>) {
    let mut findings = Vec::new();
    let nodes = &script.nodes;
    let n = nodes.len();

    // Script level.
    check_id(&mut findings, None, "id".into(), "the script's id", &script.id);
    if script.locales.is_empty() {
        findings.push(Finding::new(
            Code::NoLocales,
            None,
            Some("locales".into()),
            "the script declares no locale; write e.g. locales = [\"zh-CN\", \"en\"]",
        ));
    }
    let mut declared: HashSet<&str> = HashSet::with_capacity(script.locales.len());
    for (k, locale) in script.locales.iter().enumerate() {
        check_id(&mut findings, None, format!("locales[{k}]"), "the locale", locale);
        if !declared.insert(locale.as_str()) {
            findings.push(Finding::new(
                Code::DuplicateLocale,
                None,
                Some(format!("locales[{k}]")),
                format!("`{locale}` is already declared"),
            ));
        }
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

    let mut texts = TextCheck { script, declared: &declared, used: BTreeSet::new() };
    texts.check(&mut findings, None, "title", &script.title, !script.title.is_empty());
    for (name, v) in &script.variables {
        if let Some(default) = &v.default {
            texts.check(&mut findings, None, &format!("variables.{name}.default"), default, true);
        }
    }

    // Node by node: ids, texts, exits, references.
    let question = |id: &str| -> Option<(usize, AnswerKind, &[Choice])> {
        index.get(id).and_then(|&i| match &nodes[i] {
            Node::Question { answer, choices, .. } => Some((i, *answer, choices.as_slice())),
            _ => None,
        })
    };
    // The values of each choice question a branch tests, hashed once.
    let mut values_of: HashMap<usize, HashSet<&str>> = HashMap::new();
    let mut uses: Vec<(usize, usize, String)> = Vec::new(); // (user node, question node, field)
    let mut ways = Ways::new(n);
    let mut flow: Vec<Flow> = Vec::with_capacity(n);
    let mut scheduled_from: HashMap<usize, usize> = HashMap::new();
    let mut structure_ok = start.is_some();
    for (i, node) in nodes.iter().enumerate() {
        let id = Some(node.id());
        check_id(&mut findings, id, "id".into(), "the node's id", node.id());
        if let Some(text) = node.text() {
            texts.check(&mut findings, id, "text", text, true);
        }
        let exits = exits(script, i);
        let mut resolved: Vec<usize> = Vec::with_capacity(exits.len());
        for (target, via) in &exits {
            match index.get(*target) {
                Some(&t) => {
                    ways.add(i, t);
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
                let mut tested: HashSet<(&str, &str)> = HashSet::with_capacity(cases.len());
                for (k, route) in cases.iter().enumerate() {
                    if !tested.insert((route.question.as_str(), route.is.as_str())) {
                        findings.push(Finding::new(
                            Code::DuplicateCase,
                            id,
                            Some(format!("cases[{k}]")),
                            format!(
                                "an earlier case already tests `{}` = `{}`, so this one is never taken",
                                route.question, route.is
                            ),
                        ));
                    }
                    let Some((q, kind, choices)) = question(&route.question) else {
                        findings.push(unknown_question(
                            node.id(),
                            &format!("cases[{k}].question"),
                            &route.question,
                            &index,
                        ));
                        continue;
                    };
                    uses.push((i, q, format!("cases[{k}].question")));
                    let fits = match kind {
                        AnswerKind::YesNo => route.is == "yes" || route.is == "no",
                        AnswerKind::Choice => values_of
                            .entry(q)
                            .or_insert_with(|| choices.iter().map(|c| c.value.as_str()).collect())
                            .contains(route.is.as_str()),
                        AnswerKind::FreeText | AnswerKind::DateTime => false,
                    };
                    if !fits {
                        let message = match kind {
                            AnswerKind::FreeText | AnswerKind::DateTime => format!(
                                "`{}` is a {} question; a branch can only test yes/no and choice answers",
                                route.question,
                                kind.name()
                            ),
                            AnswerKind::YesNo => {
                                format!("`{}` is not an answer of `{}` (one of: yes, no)", route.is, route.question)
                            }
                            AnswerKind::Choice => format!(
                                "`{}` is not an answer of `{}` (one of: {})",
                                route.is,
                                route.question,
                                listed(choices.iter().map(|c| c.value.as_str()), ", ")
                            ),
                        };
                        findings.push(Finding::new(Code::ValueNotAChoice, id, Some(format!("cases[{k}].is")), message));
                    }
                }
            }
            Node::Schedule { from, .. } | Node::Problem { from, .. } => match question(from) {
                None => findings.push(unknown_question(node.id(), "from", from, &index)),
                Some((q, kind, _)) => {
                    uses.push((i, q, "from".into()));
                    if matches!(node, Node::Schedule { .. }) {
                        scheduled_from.entry(q).or_insert(i);
                        if kind != AnswerKind::DateTime {
                            findings.push(Finding::new(
                                Code::WrongAnswerKind,
                                id,
                                Some("from".into()),
                                format!("a schedule needs a date_time question; `{from}` is {}", kind.name()),
                            ));
                        }
                    }
                }
            },
            Node::Question { answer, choices, records, .. } => {
                for (k, c) in choices.iter().enumerate() {
                    check_id(&mut findings, id, format!("choices[{k}].value"), "the choice's value", &c.value);
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
                        .map(|r| (r.question.clone(), r.is.clone(), index.get(&r.next).copied().unwrap_or(usize::MAX)))
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
        Some(s) => ways.reachable(&[s], Direction::Outgoing),
        None => vec![true; n], // nothing is reachable without a start; don't drown the real finding
    };
    for (i, node) in nodes.iter().enumerate() {
        if !reachable[i] {
            findings.push(Finding::new(Code::Unreachable, Some(node.id()), None, "no way from the start leads here"));
        }
    }
    let ends: Vec<usize> = (0..n).filter(|&i| matches!(nodes[i], Node::End { .. })).collect();
    let can_end = ways.reachable(&ends, Direction::Incoming);
    let (cycles, component) = ways.cycles();
    for members in cycles {
        let first = members[0];
        let id = Some(nodes[first].id());
        let names = listed(members.iter().map(|&m| nodes[m].id()), " → ");
        if !can_end[first] {
            structure_ok = false;
            findings.push(Finding::new(
                Code::CycleWithoutExit,
                id,
                None,
                format!("the cycle {names} has no way out to an end"),
            ));
        }
        // Each time round, a branch whose routes all look at questions outside the cycle sees the same answers
        // and goes the same way; if every branch inside does, nothing said inside can ever lead out.
        let routes_on_fixed_answers = members.iter().all(|&m| match &nodes[m] {
            Node::Branch { cases, .. } => {
                cases.iter().all(|r| index.get(r.question.as_str()).is_none_or(|&q| component[q] != component[m]))
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

    // Asked before used: a question has surely been asked on entering a node when every path from the start to
    // the node passes through it, i.e. when it dominates the node.
    if let Some(s) = start {
        let dominators = ways.dominators(s);
        for (user, q, field) in uses {
            if reachable[user] && !dominators.strictly_dominates(q, user) {
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
        (true, Some(start)) => Some(Resolved { index, flow, start, scheduled_from }),
        _ => None,
    };
    (findings, resolved)
}

/// The checks every id gets (the script's, a node's, a choice's value, a locale): not empty, printable, not too
/// long, not padded with white space. `what` names it in the message.
fn check_id(findings: &mut Vec<Finding>, node: Option<&str>, field: String, what: &str, id: &str) {
    if id.trim().is_empty() {
        let message = if id.is_empty() { format!("{what} is empty") } else { format!("{what} is only white space") };
        findings.push(Finding::new(Code::EmptyId, node, Some(field), message));
        return;
    }
    if let Some(c) = id.chars().find(|&c| c.is_control() || is_invisible_format(c)) {
        findings.push(Finding::new(
            Code::UnprintableId,
            node,
            Some(field),
            format!("{what} `{id}` contains the invisible character U+{:04X}", u32::from(c)),
        ));
    } else if id.len() > MAX_ID_BYTES {
        findings.push(Finding::new(
            Code::IdTooLong,
            node,
            Some(field),
            format!("{what} is {} bytes long; at most {MAX_ID_BYTES} are allowed", id.len()),
        ));
    } else if id.trim() != id {
        findings.push(Finding::new(
            Code::PaddedId,
            node,
            Some(field),
            format!("{what} `{id}` starts or ends with white space"),
        ));
    }
}

fn unknown_question(node: &str, field: &str, question: &str, index: &HashMap<String, usize>) -> Finding {
    let message = if index.contains_key(question) {
        format!("`{question}` is not a question node")
    } else {
        format!("no question has the id `{question}`")
    };
    Finding::new(Code::UnknownQuestion, Some(node), Some(field.to_owned()), message)
}

/// The choices of a question: present exactly for choice questions, distinct values, distinct texts. Linear
/// (hashed), however many choices there are.
fn check_choices(findings: &mut Vec<Finding>, id: &str, answer: AnswerKind, choices: &[Choice]) {
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
    let mut values: HashMap<&str, usize> = HashMap::with_capacity(choices.len());
    let mut wordings: HashMap<(&str, String), usize> = HashMap::new();
    for (k, c) in choices.iter().enumerate() {
        match values.entry(c.value.as_str()) {
            Entry::Occupied(first) => findings.push(Finding::new(
                Code::BadChoices,
                Some(id),
                Some(format!("choices[{k}].value")),
                format!("the value `{}` is already a choice (choices[{}])", c.value, first.get()),
            )),
            Entry::Vacant(slot) => {
                slot.insert(k);
            }
        }
        for (locale, text) in &c.text {
            let wording = text.trim().to_ascii_lowercase();
            if wording.is_empty() {
                continue; // a missing text, reported as such
            }
            match wordings.entry((locale.as_str(), wording)) {
                Entry::Occupied(first) => findings.push(Finding::new(
                    Code::DuplicateChoiceText,
                    Some(id),
                    Some(format!("choices[{k}].text.{locale}")),
                    format!("choices[{}] already reads `{}` in `{locale}`", first.get(), text.trim()),
                )),
                Entry::Vacant(slot) => {
                    slot.insert(k);
                }
            }
        }
    }
}

/// The locale, placeholder and character checks of every text.
struct TextCheck<'a> {
    script: &'a Script,
    declared: &'a HashSet<&'a str>,
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
            if !self.declared.contains(locale.as_str()) {
                findings.push(Finding::new(
                    Code::UndeclaredLocale,
                    node,
                    Some(format!("{field}.{locale}")),
                    format!("`{locale}` is not among the script's locales"),
                ));
            }
            if let Some(c) = text.chars().find(|&c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
                findings.push(Finding::new(
                    Code::UnprintableText,
                    node,
                    Some(format!("{field}.{locale}")),
                    format!(
                        "the text contains the control character U+{:04X}; only line breaks and tabs are allowed",
                        u32::from(c)
                    ),
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
