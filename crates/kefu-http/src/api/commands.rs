//! Commands on callbacks, cases, approvals, script runs and notices, as a principal; and `GET /v1/instances/{id}`.
//!
//! The core is the authority: the service passes the caller's principal, and a refusal about who asked is 403, any
//! other refusal 422 with the core's reason. Nothing here re-implements a rule.

use std::sync::Arc;

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use kefu::approval::ApprovalCommand;
use kefu::callback::{CallResult, CallbackCommand};
use kefu::case::CaseCommand;
use kefu::desk::{DeskCommand, Done, NoticeCommand};
use kefu::lifecycle::ContactChannel;
use kefu::machine::{Kind as _, Machine, Principal};
use kefu::script::{Answer, RunCommand};
use kefu::store::{IdKind, Store, Versioned, check_id, load};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::PathOf;
use crate::app::App;
use crate::body::{IdempotencyKey, IfMatch, JsonBody, etag};
use crate::problem::Problem;

/// What a fact or command did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Outcome {
    /// The instance the command went to.
    pub instance: String,
    /// The instance's version after the command (also the `ETag`).
    pub version: u64,
    /// How many events the command recorded.
    pub events: u64,
    /// The log position of the command's last event, if it recorded any: read the event stream after it.
    pub position: Option<u64>,
    /// For an order refused because the customer's file is incomplete (rule C6): the documents missing; the
    /// instance is then the C6 approval, and the order is placed when it is granted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub awaiting_approval: Option<Vec<String>>,
}

impl Outcome {
    pub(crate) fn of(done: &Done) -> Self {
        Self {
            instance: done.instance.clone(),
            version: done.commit.to_version,
            events: done.commit.len(),
            position: done.commit.last.map(|p| p.0),
            awaiting_approval: None,
        }
    }
}

/// The response of a fact or command: 200 with the outcome and its `ETag`; a replay says so in
/// `Idempotent-Replayed: true`.
pub(crate) fn outcome_response(outcome: Outcome, replayed: bool) -> Response {
    let tag = etag(outcome.version);
    let mut response = axum::Json(outcome).into_response();
    if let Ok(tag) = HeaderValue::from_str(&tag) {
        response.headers_mut().insert(header::ETAG, tag);
    }
    if replayed {
        response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    response
}

/// The store key of a client's `Idempotency-Key`: scoped to the principal, so that two clients (or a client and
/// the desk's own reactions) never share a key by accident.
pub(crate) fn scoped_key(caller: &Principal, key: &str) -> String {
    format!("http/{}/{key}", caller.id())
}

/// Runs `command` on `instance` as `caller`: the instance must exist (unless `creates`), be at the `If-Match`
/// version if one is given, and the command runs with the client's idempotency key.
async fn run<S: Store + Send + Sync + 'static>(
    app: Arc<App<S>>,
    caller: Principal,
    instance: String,
    command: DeskCommand,
    creates: bool,
    if_match: IfMatch,
    key: Option<String>,
) -> Result<Response, Problem> {
    check_id(IdKind::Instance, &instance)?;
    tracing::info!(machine = command.machine(), command = command.kind_name(), "command");
    let key = key.map(|k| scoped_key(&caller, &k));
    let done = app
        .blocking(move |app| {
            let replay = match &key {
                Some(k) => app.desk.store().commit_for_key(k)?.is_some(),
                None => false,
            };
            // A replay answers as the first time did, whatever happened to the instance since.
            if !replay {
                let version = app.desk.store().load(&instance)?.map(|s| s.version);
                if version.is_none() && !creates {
                    return Err(Problem::not_found(format!("no instance `{instance}`")).with("instance", instance));
                }
                let current = version.unwrap_or(0);
                if let Some(expected) = if_match.0.filter(|expected| *expected != current) {
                    return Err(Problem::new(
                        StatusCode::PRECONDITION_FAILED,
                        "version-mismatch",
                        format!("`{instance}` is at version {current}, not {expected}: read it again"),
                    )
                    .with("instance", instance)
                    .with("current_version", current));
                }
            }
            let now = app.now();
            Ok(app.desk.execute(&instance, &command, &caller, now, key.as_deref())?)
        })
        .await?;
    if !done.duplicate {
        app.wrote();
    }
    Ok(outcome_response(Outcome::of(&done), done.duplicate))
}

/// A command on a callback (rules B1, B2, B4, B9).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "command", rename_all = "snake_case", deny_unknown_fields)]
pub enum CallbackAction {
    /// Give (or move) the callback to a specialist (rule B2).
    Assign {
        /// The specialist's id.
        specialist: String,
    },
    /// A contact attempt (rule B1), refused during the customer's quiet hours (B9).
    Attempt {
        /// `phone`, `visit`, `service_visit` or `sms`.
        #[schema(value_type = String, example = "phone")]
        channel: ContactChannel,
        /// Whether the customer was reached.
        reached: bool,
    },
    /// The customer chose another time, or none (the next allowed instant).
    Reschedule {
        /// The customer's chosen time.
        #[serde(default)]
        to: Option<DateTime<Utc>>,
    },
    /// The callback is done, summarised by the specialist (a script run finishes it by itself).
    Finish {
        /// What was said.
        notes: String,
        /// Problems raised, each `{ "text": …, "department": … }` (rule B5).
        #[serde(default)]
        #[schema(value_type = Vec<Object>)]
        problems: Vec<kefu::callback::Problem>,
    },
    /// The record form is filed (rule B4).
    File,
    /// The callback no longer applies.
    Cancel {
        /// Why.
        reason: String,
    },
}

impl From<CallbackAction> for CallbackCommand {
    fn from(action: CallbackAction) -> Self {
        match action {
            CallbackAction::Assign { specialist } => Self::Assign { specialist },
            CallbackAction::Attempt { channel, reached } => Self::Attempt { channel, reached },
            CallbackAction::Reschedule { to } => Self::Reschedule { to },
            CallbackAction::Finish { notes, problems } => {
                Self::Finish { result: CallResult::Summary { notes, problems } }
            }
            CallbackAction::File => Self::File,
            CallbackAction::Cancel { reason } => Self::Cancel { reason },
        }
    }
}

/// A command on a case (rules B5, B6, Q4, Q7).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "command", rename_all = "snake_case", deny_unknown_fields)]
pub enum CaseAction {
    /// A first response to the customer (rule Q4).
    Respond {
        /// What was said.
        note: String,
    },
    /// The complaint is investigated and verified (rule Q7).
    Verify {
        /// What was found.
        findings: String,
    },
    /// The case goes to a department (rules B5, B6).
    Refer {
        /// The department's id.
        department: String,
    },
    /// The department acknowledges the feedback form (rule B5).
    Acknowledge,
    /// The department made first contact, or (lapsed customer) answered with a plan.
    Contact {
        /// The solution plan; required for a lapsed customer.
        #[serde(default)]
        plan: Option<String>,
    },
    /// Customer service chases the department.
    Chase {
        /// What was said or agreed.
        note: String,
    },
    /// The case is handled.
    Resolve {
        /// What was done or decided.
        resolution: String,
    },
    /// The answer is given to the customer.
    Answer {
        /// What the customer was told.
        text: String,
    },
    /// The customer confirms the answer: the case closes.
    Confirm,
    /// The customer is not satisfied: back to the desk.
    Reopen {
        /// Why.
        reason: String,
    },
    /// The case no longer applies.
    Withdraw {
        /// Why.
        reason: String,
    },
}

impl From<CaseAction> for CaseCommand {
    fn from(action: CaseAction) -> Self {
        match action {
            CaseAction::Respond { note } => Self::Respond { note },
            CaseAction::Verify { findings } => Self::Verify { findings },
            CaseAction::Refer { department } => Self::Refer { department },
            CaseAction::Acknowledge => Self::Acknowledge,
            CaseAction::Contact { plan } => Self::Contact { plan },
            CaseAction::Chase { note } => Self::Chase { note },
            CaseAction::Resolve { resolution } => Self::Resolve { resolution },
            CaseAction::Answer { text } => Self::Answer { text },
            CaseAction::Confirm => Self::Confirm,
            CaseAction::Reopen { reason } => Self::Reopen { reason },
            CaseAction::Withdraw { reason } => Self::Withdraw { reason },
        }
    }
}

/// A decision on an approval (rules C6, C7).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "command", rename_all = "snake_case", deny_unknown_fields)]
pub enum ApprovalAction {
    /// Approve the current step.
    Approve {
        /// A remark for the record.
        #[serde(default)]
        note: Option<String>,
    },
    /// Reject at the current step; ends the chain.
    Reject {
        /// Why.
        reason: String,
    },
    /// The requester takes the request back.
    Withdraw {
        /// Why.
        reason: String,
    },
}

impl From<ApprovalAction> for ApprovalCommand {
    fn from(action: ApprovalAction) -> Self {
        match action {
            ApprovalAction::Approve { note } => Self::Approve { note },
            ApprovalAction::Reject { reason } => Self::Reject { reason },
            ApprovalAction::Withdraw { reason } => Self::Withdraw { reason },
        }
    }
}

/// A step of a script run (rules S1, S2).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "command", rename_all = "snake_case", deny_unknown_fields)]
pub enum RunAction {
    /// Start the run of the callback (`run/{callback}/{n}`): S2 for a follow-up of a quiet or lapsed customer, S1
    /// otherwise.
    Start,
    /// Answer the question the run waits for: `answer` typed (`{"yes_no": true}`, `{"choice": "satisfied"}`,
    /// `{"text": "…"}`, `{"date_time": "…Z"}`), or `input` as the agent typed it (`是`, `2`, `Not satisfied`).
    Answer {
        /// The question answered (the current one).
        question: String,
        /// The answer, typed.
        #[serde(default)]
        #[schema(value_type = Option<Object>)]
        answer: Option<Answer>,
        /// The answer as typed, read by the script's rules.
        #[serde(default)]
        input: Option<String>,
    },
    /// Skip the current question.
    Skip {
        /// The question skipped.
        question: String,
    },
    /// Stop the run now.
    Abort {
        /// Why.
        reason: String,
    },
}

/// A command on a notice.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "command", rename_all = "snake_case", deny_unknown_fields)]
pub enum NoticeAction {
    /// The addressee has seen it.
    Acknowledge,
}

macro_rules! command_route {
    ($name:ident, $path:literal, $tag:literal, $body:ty, $what:literal, $wrap:expr) => {
        /// Runs a command on the instance as the token's principal; the core decides whether it may.
        #[utoipa::path(
            post,
            path = $path,
            tag = $tag,
            params(
                ("id" = String, Path, description = "The instance id, percent-encoded as one path segment"),
                ("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key returns the first response and records nothing"),
                ("If-Match" = Option<String>, Header, description = "The version the client saw (the ETag); another is 412"),
            ),
            request_body = $body,
            responses(
                (status = 200, description = "Done (or, for a repeated key, done before)", body = Outcome),
                (status = 400, description = "Malformed JSON or an unknown command", content_type = "application/problem+json"),
                (status = 403, description = "The rule does not allow this principal", content_type = "application/problem+json"),
                (status = 404, description = "No such instance", content_type = "application/problem+json"),
                (status = 412, description = "The instance is at another version than If-Match", content_type = "application/problem+json"),
                (status = 422, description = "A rule refused the command; nothing was recorded", content_type = "application/problem+json"),
            ),
            security(("bearer" = []))
        )]
        pub async fn $name<S: Store + Send + Sync + 'static>(
            State(app): State<Arc<App<S>>>,
            Extension(caller): Extension<Principal>,
            PathOf(id): PathOf<String>,
            if_match: IfMatch,
            IdempotencyKey(key): IdempotencyKey,
            JsonBody(action): JsonBody<$body>,
        ) -> Result<Response, Problem> {
            let wrap: fn($body) -> DeskCommand = $wrap;
            run(app, caller, id, wrap(action), false, if_match, key).await
        }
    };
}

command_route!(callback, "/v1/callbacks/{id}/commands", "commands", CallbackAction, "a callback", |a| {
    DeskCommand::Callback(a.into())
});
command_route!(case, "/v1/cases/{id}/commands", "commands", CaseAction, "a case", |a| DeskCommand::Case(a.into()));
command_route!(approval, "/v1/approvals/{id}/commands", "commands", ApprovalAction, "an approval", |a| {
    DeskCommand::Approval(a.into())
});
command_route!(notice, "/v1/notices/{id}/commands", "commands", NoticeAction, "a notice", |a| match a {
    NoticeAction::Acknowledge => DeskCommand::Notice(NoticeCommand::Acknowledge),
});

/// Runs a step of a script run as the token's principal: `start` creates the run, the others need it.
#[utoipa::path(
    post,
    path = "/v1/runs/{id}/commands",
    tag = "runs",
    params(
        ("id" = String, Path, description = "The run id (`run/{customer}/…/{n}`), percent-encoded as one path segment"),
        ("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key returns the first response and records nothing"),
        ("If-Match" = Option<String>, Header, description = "The version the client saw (the ETag); another is 412"),
    ),
    request_body = RunAction,
    responses(
        (status = 200, description = "Done (or, for a repeated key, done before)", body = Outcome),
        (status = 400, description = "Malformed JSON, an unknown command, or an answer that cannot be read", content_type = "application/problem+json"),
        (status = 404, description = "No such run", content_type = "application/problem+json"),
        (status = 412, description = "The run is at another version than If-Match", content_type = "application/problem+json"),
        (status = 422, description = "The run refused the step (a stale question, a wrong kind of answer)", content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn run_step<S: Store + Send + Sync + 'static>(
    State(app): State<Arc<App<S>>>,
    Extension(caller): Extension<Principal>,
    PathOf(id): PathOf<String>,
    if_match: IfMatch,
    IdempotencyKey(key): IdempotencyKey,
    JsonBody(action): JsonBody<RunAction>,
) -> Result<Response, Problem> {
    check_id(IdKind::Instance, &id)?;
    let (command, creates) = match action {
        RunAction::Start => (RunCommand::Start, true),
        RunAction::Answer { question, answer: Some(answer), input: None } => {
            (RunCommand::answer(question, answer), false)
        }
        RunAction::Answer { question, answer: None, input: Some(input) } => {
            let app = Arc::clone(&app);
            let (id, q) = (id.clone(), question.clone());
            let answer = app.blocking(move |app| super::runs::read_input(app, &id, &q, &input)).await?;
            (RunCommand::answer(question, answer), false)
        }
        RunAction::Answer { .. } => {
            return Err(Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid-body",
                "an answer needs exactly one of `answer` (typed) and `input` (as typed by the agent)",
            )
            .with("pointer", "/answer"));
        }
        RunAction::Skip { question } => (RunCommand::skip(question), false),
        RunAction::Abort { reason } => (RunCommand::abort(reason), false),
    };
    run(app, caller, id, DeskCommand::Run(command), creates, if_match, key).await
}

/// An instance: its machine, version, state (clocks, obligations and all), every pending deadline.
#[derive(Debug, Serialize, ToSchema)]
pub struct InstanceBody {
    /// The instance id.
    pub instance: String,
    /// Its machine (`customer_lifecycle`, `callback`, `case`, `approval`, `script_run`, …).
    pub machine: String,
    /// Its version: the number of events in its history (also the `ETag`).
    pub version: u64,
    /// The name of its state's kind (`quiet`, `assigned`, `handling`, …).
    pub kind: String,
    /// Whether it is in a final state.
    #[serde(rename = "final")]
    pub is_final: bool,
    /// The state as the machine serializes it: clocks, obligations, attempts, answers.
    #[schema(value_type = Object)]
    pub state: Value,
    /// Every deadline the instance waits for, earliest first (`[{ "at": …, "label": … }]`).
    #[schema(value_type = Vec<Object>)]
    pub deadlines: Vec<Value>,
}

fn describe<M: Versioned, S: Store>(store: &S, instance: &str, machine: &str) -> Result<InstanceBody, Problem> {
    let loaded = load::<M, _>(store, instance)?;
    let mut deadlines = loaded.deadlines();
    deadlines.sort_by_key(|d| d.at);
    Ok(InstanceBody {
        instance: instance.to_owned(),
        machine: machine.to_owned(),
        version: loaded.version(),
        kind: loaded.kind().name().to_owned(),
        is_final: loaded.is_final(),
        state: super::to_json(loaded.state())?,
        deadlines: deadlines.iter().map(|d| json!({ "at": d.at, "label": d.label })).collect(),
    })
}

/// Reads one instance, whatever its machine.
pub(crate) fn instance_body<S: Store>(store: &S, instance: &str) -> Result<InstanceBody, Problem> {
    use kefu::desk::{Board, CampaignRun, Notice, Profile};
    let Some(stored) = store.load(instance)? else {
        return Err(Problem::not_found(format!("no instance `{instance}`")).with("instance", instance));
    };
    let machine = stored.machine.as_str();
    match machine {
        m if m == kefu::lifecycle::Lifecycle::NAME => describe::<kefu::lifecycle::Lifecycle, _>(store, instance, m),
        m if m == Profile::NAME => describe::<Profile, _>(store, instance, m),
        m if m == kefu::callback::Callback::NAME => describe::<kefu::callback::Callback, _>(store, instance, m),
        m if m == kefu::case::Case::NAME => describe::<kefu::case::Case, _>(store, instance, m),
        m if m == kefu::approval::Approval::NAME => describe::<kefu::approval::Approval, _>(store, instance, m),
        m if m == kefu::script::ScriptRun::NAME => describe::<kefu::script::ScriptRun, _>(store, instance, m),
        m if m == Board::NAME => describe::<Board, _>(store, instance, m),
        m if m == Notice::NAME => describe::<Notice, _>(store, instance, m),
        m if m == CampaignRun::NAME => describe::<CampaignRun, _>(store, instance, m),
        other => {
            Err(Problem::not_found(format!("instance `{instance}` belongs to `{other}`, which the desk does not run")))
        }
    }
}

/// An instance: machine, version, state (clocks, deadlines, obligations). The `ETag` is its version.
#[utoipa::path(
    get,
    path = "/v1/instances/{id}",
    tag = "instances",
    params(("id" = String, Path, description = "The instance id, percent-encoded as one path segment")),
    responses(
        (status = 200, body = InstanceBody),
        (status = 404, description = "No such instance", content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn instance<S: Store + Send + Sync + 'static>(
    State(app): State<Arc<App<S>>>,
    PathOf(id): PathOf<String>,
) -> Result<Response, Problem> {
    check_id(IdKind::Instance, &id)?;
    let body = app.blocking(move |app| instance_body(app.desk.store(), &id)).await?;
    let tag = etag(body.version);
    let mut response = axum::Json(body).into_response();
    if let Ok(tag) = HeaderValue::from_str(&tag) {
        response.headers_mut().insert(header::ETAG, tag);
    }
    Ok(response)
}
