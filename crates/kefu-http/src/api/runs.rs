//! A script run step by step for an agent's screen: the current node's text in a chosen locale, its answers.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kefu::desk::{Profile, ids};
use kefu::machine::{Kind as _, Machine, Principal};
use kefu::script::{Answer, AnswerKind, Node, ScriptRun, ValidScript};
use kefu::store::{IdKind, Store, check_id, load, load_or_new};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::PathOf;
use crate::app::App;
use crate::body::QueryOf;
use crate::problem::Problem;

/// The locale of the screen.
#[derive(Debug, Deserialize, IntoParams)]
pub struct Locale {
    /// A locale of the script (`zh-CN`, `en`); the script's first when absent or not offered.
    pub locale: Option<String>,
}

/// One possible answer of a choice question.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChoiceBody {
    /// The value to answer with (`{"choice": value}`).
    pub value: String,
    /// How it reads in the locale.
    pub text: String,
}

/// The node the run is at.
#[derive(Debug, Serialize, ToSchema)]
pub struct NodeBody {
    /// The node's id (the `question` of an answer).
    pub id: String,
    /// `question` while the run waits; `end` once it ended.
    pub kind: String,
    /// What the agent says or asks, in the locale, placeholders filled.
    pub text: Option<String>,
    /// The kind of answer expected: `yes_no`, `choice`, `free_text`, `date_time`.
    pub answer: Option<String>,
    /// The choices of a choice question.
    pub choices: Vec<ChoiceBody>,
}

/// An agent's screen of a run.
#[derive(Debug, Serialize, ToSchema)]
pub struct Screen {
    /// The run.
    pub instance: String,
    /// The script it is pinned to, and its version.
    pub script: String,
    /// The script's version.
    pub script_version: u32,
    /// The locale of the texts.
    pub locale: String,
    /// The locales the script offers.
    pub locales: Vec<String>,
    /// The run's state: `asking`, `completed`, `rescheduled`, `refused`, `aborted`.
    pub state: String,
    /// The run's version (the `If-Match` of the next step).
    pub version: u64,
    /// The node the run waits at (a question) or ended at.
    pub node: Option<NodeBody>,
    /// What the agent said on the way to it since the previous question, in order (say, problem, schedule nodes).
    pub said: Vec<String>,
}

fn script_of<'a, S: Store>(
    app: &'a App<S>,
    id: &str,
) -> Result<(&'a ValidScript, kefu::machine::Instance<ScriptRun>), Problem> {
    let run = load::<ScriptRun, _>(app.desk.store(), id)?;
    let pin = run.state().pinned().ok_or_else(|| Problem::not_found(format!("run `{id}` has not started")))?;
    let script = app.desk.config().config().scripts.get(&pin.script).ok_or_else(|| {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            format!("run `{id}` is pinned to script `{}`, which is not configured", pin.script),
        )
        .with("field", "script")
    })?;
    Ok((script, run))
}

/// Reads an answer as the agent typed it, by the rules of the run's script.
pub(crate) fn read_input<S: Store>(app: &App<S>, id: &str, question: &str, input: &str) -> Result<Answer, Problem> {
    let (script, _) = script_of(app, id)?;
    script
        .parse_answer(question, input)
        .map_err(|e| Problem::new(StatusCode::BAD_REQUEST, "invalid-body", e.to_string()).with("pointer", "/input"))
}

/// The agent's screen of a script run: the question it waits at, in a locale, with its choices; what was said on
/// the way. Answer it with `POST /v1/runs/{id}/commands`.
#[utoipa::path(
    get,
    path = "/v1/runs/{id}/screen",
    tag = "runs",
    params(("id" = String, Path, description = "The run id, percent-encoded as one path segment"), Locale),
    responses(
        (status = 200, body = Screen),
        (status = 404, description = "No such run, or not started", content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn screen<S: Store + Send + Sync + 'static>(
    State(app): State<Arc<App<S>>>,
    Extension(caller): Extension<Principal>,
    PathOf(id): PathOf<String>,
    QueryOf(locale): QueryOf<Locale>,
) -> Result<Response, Problem> {
    check_id(IdKind::Instance, &id)?;
    let screen = app
        .blocking(move |app| {
            let (script, run) = script_of(app, &id)?;
            let book = script.script();
            let locale = locale
                .locale
                .filter(|l| book.locales.contains(l))
                .or_else(|| book.locales.first().cloned())
                .unwrap_or_default();
            let values = placeholders(app, &id, &caller)?;
            let fill = |texts: &kefu::script::Texts| book.fill(texts, &locale, &values);
            let state = run.state();
            let node = state.current().and_then(|n| script.node(n));
            let node_body = node.map(|node| match node {
                Node::Question { id, text, answer, choices, .. } => NodeBody {
                    id: id.clone(),
                    kind: node.kind().to_owned(),
                    text: Some(fill(text)),
                    answer: Some(answer_name(*answer).to_owned()),
                    choices: choices
                        .iter()
                        .map(|c| ChoiceBody { value: c.value.clone(), text: fill(&c.text) })
                        .collect(),
                },
                other => NodeBody {
                    id: other.id().to_owned(),
                    kind: other.kind().to_owned(),
                    text: other.text().map(fill),
                    answer: None,
                    choices: Vec::new(),
                },
            });
            // The nodes passed since the last question, whose words the agent says before this one.
            let path = state.path();
            let from = path.iter().rposition(|n| {
                Some(n.as_str()) != state.current() && matches!(script.node(n), Some(Node::Question { .. }))
            });
            let said = path[from.map_or(0, |i| i + 1)..]
                .iter()
                .filter(|n| Some(n.as_str()) != state.current())
                .filter_map(|n| script.node(n).and_then(Node::text).map(fill))
                .collect();
            Ok(Screen {
                instance: id.clone(),
                script: script.id().to_owned(),
                script_version: script.version(),
                locale,
                locales: book.locales.clone(),
                state: ScriptRun::state_kind(state).name().to_owned(),
                version: run.version(),
                node: node_body,
                said,
            })
        })
        .await?;
    Ok(axum::Json(screen).into_response())
}

fn answer_name(kind: AnswerKind) -> &'static str {
    kind.name()
}

/// The values of the scripts' placeholders: the company, the agent, the customer.
fn placeholders<S: Store>(app: &App<S>, run: &str, caller: &Principal) -> Result<BTreeMap<String, String>, Problem> {
    let config = app.desk.config().config();
    let mut values = BTreeMap::new();
    values.insert("company".to_owned(), config.company.clone());
    let agent = config.people.iter().find(|p| p.id == caller.id()).map_or(caller.id(), |p| p.name.as_str());
    values.insert("agent".to_owned(), agent.to_owned());
    // The customer's id is the run id's first part, escaped as the desk's ids are.
    if let Some(customer) = run.strip_prefix("run/").and_then(|r| r.split('/').next()) {
        let customer = customer.replace("%2F", "/").replace("%25", "%");
        let profile = load_or_new::<Profile, _>(app.desk.store(), &ids::profile(&customer))?;
        let name = profile.state().details().name.clone().unwrap_or(customer);
        values.insert("customer".to_owned(), name);
    }
    Ok(values)
}
