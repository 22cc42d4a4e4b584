//! Pictures of a script (Mermaid flowchart, Graphviz DOT), its texts with the placeholders filled in, and answers
//! read from what an agent types.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::validate::{Via, exits};
use super::{Answer, AnswerKind, Node, RunError, Script, Texts, ValidScript};

impl Script {
    /// The script as a Mermaid `flowchart TD`, texts in `locale` (a node's id where a text lacks it).
    ///
    /// Deterministic: nodes in list order with ids `n0`, `n1`, …; ways in list order, cases before the default.
    /// Shapes: question `[/…/]`, branch `{…}`, say `[…]`, schedule `[(…)]`, problem `[[…]]`, end `([…])`.
    /// Ways to missing nodes are left out (validation reports them).
    ///
    /// Cost: O(n + e + total text length): ids are looked up in a hash map built once.
    ///
    /// # Example
    ///
    /// ```
    /// use kefu::script::{Script, S1_TOML};
    ///
    /// let text = Script::from_toml_str(S1_TOML)?.to_mermaid("en");
    /// assert!(text.starts_with("flowchart TD\n"));
    /// assert!(text.contains("n1 -->|greeting = no| n2"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn to_mermaid(&self, locale: &str) -> String {
        let mut out = String::from("flowchart TD\n");
        let _ = writeln!(out, "    %% script: {} v{} ({locale})", self.id, self.version);
        for (i, node) in self.nodes.iter().enumerate() {
            let label = mermaid_text(&label(node, locale));
            let (open, close) = match node {
                Node::Question { .. } => ("[/", "/]"),
                Node::Branch { .. } => ("{", "}"),
                Node::Say { .. } => ("[", "]"),
                Node::Schedule { .. } => ("[(", ")]"),
                Node::Problem { .. } => ("[[", "]]"),
                Node::End { .. } => ("([", "])"),
            };
            let _ = writeln!(out, "    n{i}{open}\"{label}\"{close}");
        }
        let positions = self.positions();
        if let Some(start) = self.start_position(&positions) {
            let _ = writeln!(out, "    start((start)) --> n{start}");
        }
        for i in 0..self.nodes.len() {
            for (target, via) in exits(self, i) {
                let Some(&t) = positions.get(target) else { continue };
                match edge_label(via) {
                    Some(l) => {
                        let _ = writeln!(out, "    n{i} -->|{}| n{t}", mermaid_text(&l));
                    }
                    None => {
                        let _ = writeln!(out, "    n{i} --> n{t}");
                    }
                }
            }
        }
        out
    }

    /// The script as Graphviz DOT (`digraph`, top to bottom), texts in `locale`.
    ///
    /// Deterministic like [`to_mermaid`](Self::to_mermaid). Shapes: question parallelogram, branch diamond, say box,
    /// schedule cylinder, problem box with a double border (`peripheries=2`), end rounded with a double border.
    ///
    /// # Example
    ///
    /// ```
    /// use kefu::script::{Script, S2_TOML};
    ///
    /// let text = Script::from_toml_str(S2_TOML)?.to_dot("zh-CN");
    /// assert!(text.starts_with("digraph \"s2-quiet-customer\" {\n"));
    /// assert!(text.contains("还有其他原因吗?"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn to_dot(&self, locale: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "digraph \"{}\" {{", crate::dot::escape(&self.id));
        out.push_str("    rankdir=TB;\n    node [shape=box, fontsize=10];\n    start [shape=point, label=\"\"];\n");
        for (i, node) in self.nodes.iter().enumerate() {
            let shape = match node {
                Node::Question { .. } => "shape=parallelogram",
                Node::Branch { .. } => "shape=diamond",
                Node::Say { .. } => "shape=box",
                Node::Schedule { .. } => "shape=cylinder",
                Node::Problem { .. } => "shape=box, peripheries=2",
                Node::End { .. } => "shape=box, style=rounded, peripheries=2",
            };
            let _ = writeln!(out, "    n{i} [{shape}, label=\"{}\"];", crate::dot::escape(&label(node, locale)));
        }
        let positions = self.positions();
        if let Some(start) = self.start_position(&positions) {
            let _ = writeln!(out, "    start -> n{start};");
        }
        for i in 0..self.nodes.len() {
            for (target, via) in exits(self, i) {
                let Some(&t) = positions.get(target) else { continue };
                match edge_label(via) {
                    Some(l) => {
                        let _ = writeln!(out, "    n{i} -> n{t} [label=\"{}\"];", crate::dot::escape(&l));
                    }
                    None => {
                        let _ = writeln!(out, "    n{i} -> n{t};");
                    }
                }
            }
        }
        out.push_str("}\n");
        out
    }

    /// Each id's position (the first, if ids repeat), for drawing in linear time.
    fn positions(&self) -> HashMap<&str, usize> {
        let mut positions = HashMap::with_capacity(self.nodes.len());
        for (i, node) in self.nodes.iter().enumerate() {
            positions.entry(node.id()).or_insert(i);
        }
        positions
    }

    fn start_position(&self, positions: &HashMap<&str, usize>) -> Option<usize> {
        match &self.start {
            Some(id) => positions.get(id.as_str()).copied(),
            None if self.nodes.is_empty() => None,
            None => Some(0),
        }
    }

    /// A text in `locale` with its placeholders filled: from `values`, else the variable's default in `locale`;
    /// a placeholder with neither stays as written (`{customer}`).
    ///
    /// # Example
    ///
    /// ```
    /// use std::collections::{BTreeMap, HashMap};
    /// use kefu::script::{ValidScript, S1_TOML};
    ///
    /// let s1 = ValidScript::from_toml_str(S1_TOML)?;
    /// let values = BTreeMap::from([("company".to_owned(), "鸿枫化工".to_owned())]);
    /// let text = s1.script().fill(s1.node("close_satisfied").and_then(|n| n.text()).ok_or("no text")?, "zh-CN", &values);
    /// assert!(text.ends_with("祝您工作愉快,再见!"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn fill(&self, texts: &Texts, locale: &str, values: &BTreeMap<String, String>) -> String {
        let template = texts.get(locale).or_else(|| texts.values().next()).map_or("", String::as_str);
        let mut out = String::with_capacity(template.len());
        let mut rest = template;
        for name in super::validate::placeholders(template) {
            let marker = format!("{{{name}}}");
            if let Some(pos) = rest.find(&marker) {
                out.push_str(&rest[..pos]);
                let value = values.get(name).cloned().or_else(|| {
                    self.variables.get(name).and_then(|v| v.default.as_ref()).and_then(|d| d.get(locale).cloned())
                });
                out.push_str(value.as_deref().unwrap_or(&marker));
                rest = &rest[pos + marker.len()..];
            }
        }
        out.push_str(rest);
        out
    }
}

impl ValidScript {
    /// [`Script::to_mermaid`] of the validated script.
    #[must_use]
    pub fn to_mermaid(&self, locale: &str) -> String {
        self.script().to_mermaid(locale)
    }

    /// [`Script::to_dot`] of the validated script.
    #[must_use]
    pub fn to_dot(&self, locale: &str) -> String {
        self.script().to_dot(locale)
    }

    /// Reads what an agent typed as an answer to `question`:
    ///
    /// - yes/no: `yes`, `y`, `是`, `好`, `方便`, `满意`, `愿意`, `可以` / `no`, `n`, `否`, `不`, `不方便`, …;
    /// - choice: the value, its 1-based number, or its text in any locale;
    /// - free text: the text as typed (trimmed);
    /// - date-time: RFC 3339 (`2026-11-03T15:00:00+08:00`).
    ///
    /// # Errors
    ///
    /// [`RunError::Unreadable`] with a hint, or [`RunError::UnknownQuestion`].
    ///
    /// # Example
    ///
    /// ```
    /// use kefu::script::{Answer, ValidScript, S1_TOML};
    ///
    /// let s1 = ValidScript::from_toml_str(S1_TOML)?;
    /// assert_eq!(s1.parse_answer("greeting", "是")?, Answer::YesNo(true));
    /// assert_eq!(s1.parse_answer("ask_satisfaction", "2")?, Answer::choice("so_so"));
    /// assert_eq!(s1.parse_answer("ask_satisfaction", "Not satisfied")?, Answer::choice("unsatisfied"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn parse_answer(&self, question: &str, input: &str) -> Result<Answer, RunError> {
        let Some(Node::Question { answer, choices, .. }) = self.node(question) else {
            return Err(RunError::UnknownQuestion { question: question.to_owned() });
        };
        let input = input.trim();
        let unreadable = |hint: String| RunError::Unreadable {
            question: question.to_owned(),
            expected: *answer,
            input: input.to_owned(),
            hint,
        };
        match answer {
            AnswerKind::YesNo => {
                let lower = input.to_lowercase();
                if ["yes", "y", "是", "是的", "好", "方便", "满意", "愿意", "可以", "有"].contains(&lower.as_str())
                {
                    Ok(Answer::YesNo(true))
                } else if ["no", "n", "否", "不", "不是", "不方便", "不愿意", "不可以", "没有", "无"]
                    .contains(&lower.as_str())
                {
                    Ok(Answer::YesNo(false))
                } else {
                    Err(unreadable(" (type yes or no)".into()))
                }
            }
            AnswerKind::Choice => {
                let by_number = input.parse::<usize>().ok().and_then(|k| k.checked_sub(1)).and_then(|k| choices.get(k));
                by_number
                    .or_else(|| {
                        choices.iter().find(|c| {
                            c.value.eq_ignore_ascii_case(input)
                                || c.text.values().any(|t| t.eq_ignore_ascii_case(input))
                        })
                    })
                    .map(|c| Answer::Choice(c.value.clone()))
                    .ok_or_else(|| {
                        let values: Vec<String> =
                            choices.iter().enumerate().map(|(k, c)| format!("{} {}", k + 1, c.value)).collect();
                        unreadable(format!(" (type one of: {})", values.join(", ")))
                    })
            }
            AnswerKind::FreeText if input.is_empty() => Err(unreadable(" (type some text, or skip)".into())),
            AnswerKind::FreeText => Ok(Answer::Text(input.to_owned())),
            AnswerKind::DateTime => DateTime::parse_from_rfc3339(input)
                .map(|t| Answer::DateTime(t.with_timezone(&Utc)))
                .map_err(|_| unreadable(" (type an RFC 3339 instant, e.g. 2026-11-03T15:00:00+08:00)".into())),
        }
    }
}

/// A node's label: its id, then its text in `locale` (or a summary for a branch, schedule and problem).
fn label(node: &Node, locale: &str) -> String {
    let text = node.text().and_then(|t| t.get(locale)).cloned();
    let detail = match node {
        Node::Branch { .. } => None,
        Node::Schedule { from, .. } => Some(format!("⏰ {from}")),
        Node::Problem { from, .. } => Some(format!("⚠ {from}")),
        Node::End { outcome, .. } => Some(format!("■ {}", outcome.name())),
        _ => None,
    };
    let mut out = node.id().to_owned();
    for part in [detail, text].into_iter().flatten() {
        out.push('\n');
        out.push_str(&part);
    }
    out
}

fn edge_label(via: Via<'_>) -> Option<String> {
    match via {
        Via::Next | Via::Following => None,
        Via::Route { question, is, .. } => Some(format!("{question} = {is}")),
        Via::Default => Some("else".to_owned()),
    }
}

/// Text inside a Mermaid `"…"` label: quotes as `#quot;`, line breaks as `<br/>`.
fn mermaid_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '\n' => out.push_str("<br/>"),
            '|' => out.push_str("#124;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
