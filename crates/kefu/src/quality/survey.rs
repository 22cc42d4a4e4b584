//! Satisfaction surveys (rule Q8): a survey is a script graph (the callback scripts' format, validation, pictures
//! and locales) with scores on its answers; responses by phone, e-mail or questionnaire aggregate into scores per
//! question, per period and per specialist, and findings become improvement actions.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::action::{ActionCommand, ActionSource};
use super::load::{DefinitionErrors, Problem};
use super::period::{Period, Periodicity, zone_name};
use crate::error::excerpt;
use crate::script::{Answer, AnswerKind, Node, Outcome, RunState, Script, ValidScript};
use crate::sla::SlaPolicy;

/// How a survey reached the customer (rule Q8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// An agent walked the script with the customer on the phone.
    Phone,
    /// The customer answered an e-mail.
    Email,
    /// The customer filled in a questionnaire (paper or web form).
    Questionnaire,
}

impl Channel {
    /// The name as written in the file.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Phone => "phone",
            Self::Email => "email",
            Self::Questionnaire => "questionnaire",
        }
    }
}

/// When survey results are findings (rule Q8).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingRules {
    /// A scored question whose mean is under this is a finding.
    pub below: f64,
    /// Means over fewer answers than this are not findings (too few to judge).
    #[serde(default = "one")]
    pub min_answers: u32,
    /// The choice question whose answer names a complaint theme, if the survey asks one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
    /// A theme named this often in one period is a finding (a repeated complaint).
    #[serde(default = "three")]
    pub repeated: u32,
    /// How answers are grouped in time.
    #[serde(default)]
    pub period: Periodicity,
    /// The zone whose local dates the periods follow.
    #[serde(default = "zone_name::utc", with = "zone_name")]
    pub time_zone: Tz,
}

fn one() -> u32 {
    1
}

fn three() -> u32 {
    3
}

/// Who owns the improvement actions a survey's findings open, and under which SLA policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionRules {
    /// The owner of actions about the whole desk (a principal id, e.g. the service supervisor).
    pub owner: String,
    /// Whether a finding about one specialist's scores is owned by that specialist (else by `owner`).
    #[serde(default)]
    pub specialist_owns: bool,
    /// The due date and escalation of each action.
    pub policy: SlaPolicy,
}

/// The file's shape, before the script is validated.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SurveyFile {
    channels: Vec<Channel>,
    findings: FindingRules,
    #[serde(default)]
    scores: BTreeMap<String, BTreeMap<String, u32>>,
    actions: ActionRules,
    script: Script,
}

/// A satisfaction survey (rule Q8): a validated script, the score of each answer, and when results are findings.
///
/// The survey's id and version are its script's. Choice and yes/no questions are scored (`[scores.QUESTION]`,
/// value → points); a choice left out (`no_opinion`) is not counted.
///
/// # Example
///
/// ```
/// use std::collections::BTreeMap;
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use kefu::quality::{Channel, Survey, SurveyFinding};
/// use kefu::script::Answer;
///
/// let survey = Survey::from_toml_str(r#"
///     channels = ["email", "questionnaire"]
///     findings = { below = 3.5, min_answers = 2 }
///     actions = { owner = "wang.fang", policy = { name = "Q8 improvement", within = "72h" } }
///     [scores.overall]
///     good = 5
///     fair = 3
///     poor = 1
///     [script]
///     id = "q8-mini"
///     version = 1
///     locales = ["en"]
///     [[script.nodes]]
///     id = "overall"
///     kind = "question"
///     answer = "choice"
///     text.en = "How was our service?"
///     choices = [{ value = "good", text.en = "Good" }, { value = "fair", text.en = "Fair" }, { value = "poor", text.en = "Poor" }]
///     [[script.nodes]]
///     id = "end"
///     kind = "end"
///     outcome = "completed"
/// "#, "q8-mini.toml")?;
///
/// let t0 = Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap();
/// let answer = |v: &str| BTreeMap::from([("overall".to_owned(), Answer::choice(v))]);
/// let responses = vec![
///     survey.response(Channel::Email, "c-1", Some("li.na"), t0, answer("poor"))?,
///     survey.response(Channel::Questionnaire, "c-2", Some("li.na"), t0, answer("fair"))?,
///     survey.response(Channel::Email, "c-3", Some("zhou.jie"), t0, answer("good"))?,
/// ];
/// let scores = survey.aggregate(&responses)?;
/// assert_eq!(scores.question("overall").map(|s| s.mean()), Some(3.0));
/// assert_eq!(scores.specialist("li.na", "overall").map(|s| s.mean()), Some(2.0));
///
/// // Findings: the desk's mean 3.0 < 3.5, in general and that week; li.na's 2.0 (zhou.jie has one answer only).
/// let findings = survey.findings(&scores);
/// assert_eq!(findings.len(), 3);
/// let actions = survey.actions(&findings);
/// assert!(actions.iter().all(|a| matches!(a, kefu::quality::ActionCommand::Open { owner, .. } if owner == "wang.fang")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Survey {
    channels: Vec<Channel>,
    findings: FindingRules,
    scores: BTreeMap<String, BTreeMap<String, u32>>,
    actions: ActionRules,
    script: ValidScript,
}

/// The kind of a script node's answer, if it is a question.
fn question(script: &Script, id: &str) -> Option<(AnswerKind, Vec<String>)> {
    script.nodes.iter().find_map(|n| match n {
        Node::Question { id: q, answer, choices, .. } if q == id => {
            Some((*answer, choices.iter().map(|c| c.value.clone()).collect()))
        }
        _ => None,
    })
}

fn known_questions(script: &Script) -> String {
    let ids: Vec<&str> = script.nodes.iter().filter(|n| matches!(n, Node::Question { .. })).map(Node::id).collect();
    ids.join(", ")
}

impl Survey {
    /// Loads and checks a survey from TOML text; `file` names it in errors. The script is validated as any
    /// callback script is (every finding reported, located at its node).
    ///
    /// # Errors
    ///
    /// Every [`DefinitionError`](super::DefinitionError) found, located by file, line, column and key path.
    #[cfg(feature = "toml")]
    pub fn from_toml_str(text: &str, file: &str) -> Result<Self, DefinitionErrors> {
        let (raw, mut doc) = super::load::Doc::parse::<SurveyFile>(text, file)?;
        if raw.channels.is_empty() {
            doc.error("channels", Problem::Missing("a survey is sent by phone, email or questionnaire: name one"));
        }
        let rules = &raw.findings;
        if !(rules.below.is_finite() && rules.below > 0.0) {
            doc.error("findings.below", Problem::OutOfRange { value: rules.below.to_string(), range: "above 0" });
        }
        if rules.min_answers == 0 {
            doc.error("findings.min_answers", Problem::OutOfRange { value: "0".into(), range: "1 or more" });
        }
        if rules.repeated == 0 {
            doc.error("findings.repeated", Problem::OutOfRange { value: "0".into(), range: "1 or more" });
        }
        let countable = |doc: &mut super::load::Doc<'_>, path: String, id: &str| match question(&raw.script, id) {
            None => {
                let known = known_questions(&raw.script);
                doc.error(path, Problem::Unknown { name: id.to_owned(), what: "a question of the script", known });
                None
            }
            Some((kind @ (AnswerKind::FreeText | AnswerKind::DateTime), _)) => {
                doc.error(path, Problem::NotCountable { question: id.to_owned(), kind: kind.name() });
                None
            }
            Some((kind, choices)) => {
                Some(if kind == AnswerKind::YesNo { vec!["yes".to_owned(), "no".to_owned()] } else { choices })
            }
        };
        if let Some(theme) = &rules.theme {
            countable(&mut doc, "findings.theme".into(), theme);
        }
        for (q, points) in &raw.scores {
            let Some(values) = countable(&mut doc, format!("scores.{q}"), q) else { continue };
            for (value, score) in points {
                if !values.contains(value) {
                    let known = values.join(", ");
                    let problem = Problem::Unknown { name: value.clone(), what: "an answer of the question", known };
                    doc.error(format!("scores.{q}.{value}"), problem);
                }
                if *score > 1000 {
                    let problem = Problem::OutOfRange { value: score.to_string(), range: "0 to 1000 points" };
                    doc.error(format!("scores.{q}.{value}"), problem);
                }
            }
        }
        if raw.actions.owner.trim().is_empty() {
            doc.error("actions.owner", Problem::Missing("name the owner of the survey's improvement actions"));
        }
        if let Err(e) = raw.actions.policy.validate() {
            doc.error("actions.policy", Problem::Policy(e.to_string()));
        }
        let script = match raw.script.clone().validate() {
            Ok(valid) => Some(valid),
            Err(invalid) => {
                for finding in invalid.findings.into_iter().filter(|f| f.is_error()) {
                    let node = finding.node.as_deref().and_then(|n| raw.script.position(n));
                    let path = match (node, &finding.field) {
                        (Some(i), Some(field)) => format!("script.nodes[{i}].{field}"),
                        (Some(i), None) => format!("script.nodes[{i}]"),
                        (None, Some(field)) => format!("script.{field}"),
                        (None, None) => "script".to_owned(),
                    };
                    doc.error(path, Problem::Script(finding));
                }
                None
            }
        };
        match script {
            Some(script) if doc.errors.is_empty() => doc.finish(Self {
                channels: raw.channels,
                findings: raw.findings,
                scores: raw.scores,
                actions: raw.actions,
                script,
            }),
            _ => Err(doc.finish(()).err().unwrap_or_else(|| DefinitionErrors(Vec::new()))),
        }
    }

    /// The survey's id (its script's).
    #[must_use]
    pub fn id(&self) -> &str {
        self.script.id()
    }

    /// The survey's script: run it with [`ScriptRun`](crate::script::ScriptRun), draw it with
    /// [`ValidScript::to_mermaid`], in any of its locales.
    #[must_use]
    pub fn script(&self) -> &ValidScript {
        &self.script
    }

    /// The channels the survey is sent by.
    #[must_use]
    pub fn channels(&self) -> &[Channel] {
        &self.channels
    }

    /// When results are findings.
    #[must_use]
    pub fn finding_rules(&self) -> &FindingRules {
        &self.findings
    }

    /// The points of `answer` to `question`, if it is scored.
    #[must_use]
    pub fn points(&self, question: &str, answer: &Answer) -> Option<u32> {
        let value = match answer {
            Answer::YesNo(_) | Answer::Choice(_) => answer.value(),
            Answer::Text(_) | Answer::DateTime(_) => return None,
        };
        self.scores.get(question)?.get(&value).copied()
    }

    /// A response answered by e-mail or questionnaire (or by phone, from your own form): each answer is checked
    /// against the script's question.
    ///
    /// # Errors
    ///
    /// A [`SurveyError`]: a channel the survey is not sent by, an unknown question, a wrong kind of answer, a choice
    /// the question does not offer.
    pub fn response(
        &self,
        channel: Channel,
        respondent: &str,
        specialist: Option<&str>,
        at: DateTime<Utc>,
        answers: BTreeMap<String, Answer>,
    ) -> Result<Response, SurveyError> {
        if !self.channels.contains(&channel) {
            return Err(SurveyError::Channel { survey: self.id().to_owned(), channel });
        }
        for (q, answer) in &answers {
            let Some((kind, choices)) = question(self.script.script(), q) else {
                return Err(SurveyError::UnknownQuestion { question: q.clone() });
            };
            let fits = match (kind, answer) {
                (AnswerKind::YesNo, Answer::YesNo(_))
                | (AnswerKind::FreeText, Answer::Text(_))
                | (AnswerKind::DateTime, Answer::DateTime(_)) => true,
                (AnswerKind::Choice, Answer::Choice(v)) => {
                    if !choices.contains(v) {
                        return Err(SurveyError::NotAChoice { question: q.clone(), value: v.clone() });
                    }
                    true
                }
                _ => false,
            };
            if !fits {
                return Err(SurveyError::WrongKind { question: q.clone(), expected: kind });
            }
        }
        Ok(Response {
            survey: self.id().to_owned(),
            channel,
            respondent: respondent.to_owned(),
            specialist: specialist.map(str::to_owned),
            at,
            answers,
        })
    }

    /// A response from a finished run of the survey's script (by phone, or a questionnaire driven by a run): the
    /// latest answer to each question; skipped questions are left out.
    ///
    /// # Errors
    ///
    /// A [`SurveyError`]: the run is of another script, or did not complete.
    pub fn response_from_run(
        &self,
        run: &RunState,
        channel: Channel,
        respondent: &str,
        specialist: Option<&str>,
    ) -> Result<Response, SurveyError> {
        let pinned = run.pinned().map(|p| (p.script.as_str(), p.hash));
        if pinned != Some((self.id(), self.script.hash())) {
            return Err(SurveyError::OtherScript { survey: self.id().to_owned() });
        }
        if run.outcome() != Some(Outcome::Completed) {
            return Err(SurveyError::NotCompleted { outcome: run.outcome() });
        }
        let at = run.answers().last().map(|a| a.at).unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
        let answers: BTreeMap<String, Answer> =
            run.answers().iter().filter_map(|a| Some((a.question.clone(), a.answer.clone()?))).collect();
        self.response(channel, respondent, specialist, at, answers)
    }

    /// Aggregates responses into scores per question, per period and per specialist, and counts complaint themes
    /// per period.
    ///
    /// # Errors
    ///
    /// [`SurveyError::OtherSurvey`] for a response to another survey.
    pub fn aggregate(&self, responses: &[Response]) -> Result<Scores, SurveyError> {
        let mut scores = Scores::default();
        for response in responses {
            if response.survey != self.id() {
                return Err(SurveyError::OtherSurvey { survey: self.id().to_owned(), given: response.survey.clone() });
            }
            let period = Period::of(response.at, self.findings.period, self.findings.time_zone);
            for (q, answer) in &response.answers {
                if self.findings.theme.as_deref() == Some(q.as_str()) {
                    if let Answer::Choice(theme) = answer {
                        *scores.themes.entry((period, theme.clone())).or_default() += 1;
                    }
                }
                let Some(points) = self.points(q, answer) else { continue };
                scores.questions.entry(q.clone()).or_default().add(points);
                scores.periods.entry((period, q.clone())).or_default().add(points);
                if let Some(s) = &response.specialist {
                    scores.specialists.entry((s.clone(), q.clone())).or_default().add(points);
                }
            }
        }
        Ok(scores)
    }

    /// The findings of aggregated scores, in a stable order: low means overall, per period, per specialist; then
    /// repeated themes.
    #[must_use]
    pub fn findings(&self, scores: &Scores) -> Vec<SurveyFinding> {
        let rules = &self.findings;
        let low = |score: &Score| score.count >= rules.min_answers && score.mean() < rules.below;
        let finding = |question: &str, scope: Scope, score: &Score| SurveyFinding::LowScore {
            question: question.to_owned(),
            scope,
            mean: score.mean(),
            answers: score.count,
            below: rules.below,
        };
        let mut out = Vec::new();
        for (q, s) in scores.questions.iter().filter(|(_, s)| low(s)) {
            out.push(finding(q, Scope::All, s));
        }
        for ((p, q), s) in scores.periods.iter().filter(|(_, s)| low(s)) {
            out.push(finding(q, Scope::Period(*p), s));
        }
        for ((who, q), s) in scores.specialists.iter().filter(|(_, s)| low(s)) {
            out.push(finding(q, Scope::Specialist(who.clone()), s));
        }
        for ((period, theme), &count) in &scores.themes {
            if count >= rules.repeated {
                out.push(SurveyFinding::RepeatedTheme { theme: theme.clone(), period: *period, count });
            }
        }
        out
    }

    /// The improvement action each finding opens (rule Q8), as commands for new [`Action`](super::Action)
    /// instances; the caller applies them, so that findings are tracked to completion.
    #[must_use]
    pub fn actions(&self, findings: &[SurveyFinding]) -> Vec<ActionCommand> {
        findings
            .iter()
            .map(|finding| {
                let owner = match finding {
                    SurveyFinding::LowScore { scope: Scope::Specialist(who), .. } if self.actions.specialist_owns => {
                        who.clone()
                    }
                    _ => self.actions.owner.clone(),
                };
                ActionCommand::Open {
                    subject: format!("Survey `{}`: {finding}", self.id()),
                    source: ActionSource::Survey { survey: self.id().to_owned(), finding: finding.to_string() },
                    owner,
                    policy: self.actions.policy.clone(),
                }
            })
            .collect()
    }
}

/// One customer's answers to a survey.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    /// The survey's id.
    pub survey: String,
    /// How it was answered.
    pub channel: Channel,
    /// The customer (an id in the ERP).
    pub respondent: String,
    /// The specialist the answers are about, if any.
    pub specialist: Option<String>,
    /// When it was answered.
    pub at: DateTime<Utc>,
    /// The answer to each question.
    pub answers: BTreeMap<String, Answer>,
}

/// Why a response could not be taken or aggregated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SurveyError {
    /// The survey is not sent by this channel.
    #[error("survey `{survey}` is not sent by {}", .channel.name())]
    Channel {
        /// The survey.
        survey: String,
        /// The channel.
        channel: Channel,
    },
    /// No question has this id.
    #[error("the survey has no question `{}`", excerpt(.question))]
    UnknownQuestion {
        /// The id given.
        question: String,
    },
    /// The answer is not of the kind the question expects.
    #[error("question `{question}` expects a {} answer", .expected.name())]
    WrongKind {
        /// The question.
        question: String,
        /// The kind expected.
        expected: AnswerKind,
    },
    /// A choice the question does not offer.
    #[error("question `{question}`: `{}` is not one of its choices", excerpt(.value))]
    NotAChoice {
        /// The question.
        question: String,
        /// The value given.
        value: String,
    },
    /// The run is of another script (or another version of it).
    #[error("the run is not of survey `{survey}`'s script")]
    OtherScript {
        /// The survey.
        survey: String,
    },
    /// The run has not completed (still running, refused, rescheduled or aborted).
    #[error("the run has not completed (outcome: {})", .outcome.map_or("none yet", Outcome::name))]
    NotCompleted {
        /// Its outcome, if it ended.
        outcome: Option<Outcome>,
    },
    /// A response to another survey.
    #[error("a response to survey `{}` cannot be counted for `{survey}`", excerpt(.given))]
    OtherSurvey {
        /// This survey.
        survey: String,
        /// The response's.
        given: String,
    },
}

/// The count and sum of the points given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    /// How many scored answers.
    pub count: u32,
    /// Their points, added.
    pub sum: u64,
}

impl Score {
    fn add(&mut self, points: u32) {
        self.count = self.count.saturating_add(1);
        self.sum = self.sum.saturating_add(u64::from(points));
    }

    /// The mean (0 without answers).
    #[must_use]
    pub fn mean(&self) -> f64 {
        if self.count == 0 { 0.0 } else { self.sum as f64 / f64::from(self.count) }
    }
}

/// A survey's aggregated scores.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scores {
    questions: BTreeMap<String, Score>,
    periods: BTreeMap<(Period, String), Score>,
    specialists: BTreeMap<(String, String), Score>,
    themes: BTreeMap<(Period, String), u32>,
}

impl Scores {
    /// All answers to `question`.
    #[must_use]
    pub fn question(&self, question: &str) -> Option<&Score> {
        self.questions.get(question)
    }

    /// The answers to `question` in `period`.
    #[must_use]
    pub fn period(&self, period: Period, question: &str) -> Option<&Score> {
        self.periods.get(&(period, question.to_owned()))
    }

    /// The answers to `question` about `specialist`.
    #[must_use]
    pub fn specialist(&self, specialist: &str, question: &str) -> Option<&Score> {
        self.specialists.get(&(specialist.to_owned(), question.to_owned()))
    }

    /// Every scored question, in id order.
    pub fn questions(&self) -> impl Iterator<Item = (&str, &Score)> {
        self.questions.iter().map(|(q, s)| (q.as_str(), s))
    }

    /// Every (period, question) with answers, in time order.
    pub fn periods(&self) -> impl Iterator<Item = (Period, &str, &Score)> {
        self.periods.iter().map(|((p, q), s)| (*p, q.as_str(), s))
    }

    /// Every (specialist, question) with answers.
    pub fn specialists(&self) -> impl Iterator<Item = (&str, &str, &Score)> {
        self.specialists.iter().map(|((w, q), s)| (w.as_str(), q.as_str(), s))
    }

    /// How often each complaint theme was named, per period.
    pub fn themes(&self) -> impl Iterator<Item = (Period, &str, u32)> {
        self.themes.iter().map(|((p, t), c)| (*p, t.as_str(), *c))
    }

    /// The specialists with answers, in id order.
    #[must_use]
    pub fn specialist_ids(&self) -> BTreeSet<&str> {
        self.specialists.keys().map(|(w, _)| w.as_str()).collect()
    }
}

/// What a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "scope", content = "of", rename_all = "snake_case")]
pub enum Scope {
    /// Every answer.
    All,
    /// The answers of one period.
    Period(Period),
    /// The answers about one specialist.
    Specialist(String),
}

/// A survey finding (rule Q8): what must turn into an improvement action.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SurveyFinding {
    /// A scored question's mean under the threshold.
    LowScore {
        /// The question.
        question: String,
        /// Over which answers.
        scope: Scope,
        /// The mean.
        mean: f64,
        /// How many answers.
        answers: u32,
        /// The threshold.
        below: f64,
    },
    /// A complaint theme named repeatedly in one period.
    RepeatedTheme {
        /// The theme (the choice's value).
        theme: String,
        /// The period.
        period: Period,
        /// How often.
        count: u32,
    },
}

impl core::fmt::Display for SurveyFinding {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::LowScore { question, scope, mean, answers, below } => {
                write!(f, "`{question}` scored {mean:.2} over {answers} answer(s), under {below:.2}")?;
                match scope {
                    Scope::All => Ok(()),
                    Scope::Period(p) => write!(f, " in {p}"),
                    Scope::Specialist(who) => write!(f, " for `{who}`"),
                }
            }
            Self::RepeatedTheme { theme, period, count } => {
                write!(f, "complaint theme `{theme}` named {count} times in {period}")
            }
        }
    }
}
