//! [`Problem`]: every error of the service as `application/problem+json` (RFC 9457), with a stable `type` per kind.
//!
//! | kind (`type` is `urn:kefu:problem:{kind}`) | status | when |
//! | --- | --- | --- |
//! | `malformed-json` | 400 | the body is not JSON |
//! | `invalid-body` | 400 | the body is JSON of the wrong shape (the `pointer` says where) |
//! | `invalid-request` | 400 | a query parameter, header or id cannot be read |
//! | `unauthorized` | 401 | no bearer token, or an unknown one |
//! | `forbidden` | 403 | the rule does not allow this principal (the core's refusal), or the token lacks the role |
//! | `not-found` | 404 | no such instance, customer, calendar or route |
//! | `method-not-allowed` | 405 | the route exists, the method does not |
//! | `version-mismatch` | 412 | `If-Match` names another version than the instance's |
//! | `payload-too-large` | 413 | the body is over the limit |
//! | `unsupported-media-type` | 415 | a body that is not `application/json` |
//! | `refused` | 422 | a rule refused the command; `refusal`, `machine`, `state`, `command` and `reason` say which and why |
//! | `invalid` | 422 | a fact or command names something the configuration lacks (`field`) |
//! | `idempotency-key-reused` | 422 | the `Idempotency-Key` was first used for another instance |
//! | `calendar` | 422 | the calendar cannot answer (an instant out of range, a calendar that never opens) |
//! | `busy` | 503 | concurrent commands kept winning the race for the instance; retry |
//! | `unavailable` | 503 | the store failed, or the request took longer than the service's time limit |
//! | `internal` | 500 | a bug in kefu: report it |

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kefu::desk::{DeskError, RefusalKind};
use kefu::store::StoreError;
use serde_json::{Map, Value, json};

/// The media type of problem details (RFC 9457).
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An error response: status, a stable kind, a title per kind and a detail for this occurrence, plus extension
/// members (`reason`, `field`, `pointer`, `current_version`, …).
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// The HTTP status.
    pub status: StatusCode,
    /// The stable kind: the `type` is `urn:kefu:problem:{kind}`.
    pub kind: &'static str,
    /// What happened in this occurrence.
    pub detail: String,
    /// Extension members.
    pub extra: Map<String, Value>,
}

impl Problem {
    /// A problem of `kind` with `status` and `detail`, without extension members.
    #[must_use]
    pub fn new(status: StatusCode, kind: &'static str, detail: impl Into<String>) -> Self {
        Self { status, kind, detail: detail.into(), extra: Map::new() }
    }

    /// The same problem with one more extension member.
    #[must_use]
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.extra.insert(key.to_owned(), value.into());
        self
    }

    /// `type`: the problem's stable URI.
    #[must_use]
    pub fn type_uri(&self) -> String {
        format!("urn:kefu:problem:{}", self.kind)
    }

    /// 400 `invalid-request`.
    #[must_use]
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid-request", detail)
    }

    /// 404 `not-found`.
    #[must_use]
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", detail)
    }

    /// 403 `forbidden`.
    #[must_use]
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }

    /// 500 `internal`: a bug, never the caller's input.
    #[must_use]
    pub fn internal(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", detail)
    }

    /// 503 `unavailable`.
    #[must_use]
    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", detail)
    }

    /// The title of the problem's kind: the same for every occurrence.
    #[must_use]
    pub fn title(&self) -> &'static str {
        match self.kind {
            "malformed-json" => "The body is not JSON",
            "invalid-body" => "The body has the wrong shape",
            "invalid-request" => "The request cannot be read",
            "unauthorized" => "A valid bearer token is needed",
            "forbidden" => "Not allowed for this principal",
            "not-found" => "Not found",
            "method-not-allowed" => "Method not allowed",
            "version-mismatch" => "The instance is at another version",
            "payload-too-large" => "The body is too large",
            "unsupported-media-type" => "The body must be application/json",
            "refused" => "A rule refused the command",
            "invalid" => "The request names something the configuration lacks",
            "idempotency-key-reused" => "The idempotency key was used for another instance",
            "calendar" => "The calendar cannot answer",
            "busy" => "The instance is busy",
            "unavailable" => "The service cannot answer now",
            _ => "Internal error",
        }
    }

    /// The problem as its JSON document.
    #[must_use]
    pub fn body(&self) -> Value {
        let mut body = json!({
            "type": self.type_uri(),
            "title": self.title(),
            "status": self.status.as_u16(),
            "detail": self.detail,
        });
        if let Value::Object(map) = &mut body {
            for (k, v) in &self.extra {
                map.insert(k.clone(), v.clone());
            }
        }
        body
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = self.body().to_string();
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        match self.status {
            StatusCode::UNAUTHORIZED => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"kefu\""));
            }
            StatusCode::SERVICE_UNAVAILABLE => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            _ => {}
        }
        // The kind, for the access log (which never logs bodies).
        response.extensions_mut().insert(Kind(self.kind));
        response
    }
}

/// The kind of the problem a response carries, for the access log.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Kind(pub(crate) &'static str);

fn refusal_name(kind: RefusalKind) -> &'static str {
    match kind {
        RefusalKind::NotAllowed => "not_allowed",
        RefusalKind::Refused => "refused",
        RefusalKind::Undeclared => "undeclared",
    }
}

impl From<DeskError> for Problem {
    fn from(error: DeskError) -> Self {
        let detail = error.to_string();
        match error {
            DeskError::Rejected { instance, machine, state, command, kind, reason, forbidden } => {
                let problem = if forbidden {
                    Self::forbidden(detail)
                } else if kind == RefusalKind::Undeclared {
                    Self::internal(detail)
                } else {
                    Self::new(StatusCode::UNPROCESSABLE_ENTITY, "refused", detail)
                };
                problem
                    .with("instance", instance)
                    .with("machine", machine)
                    .with("state", state)
                    .with("command", command)
                    .with("refusal", refusal_name(kind))
                    .with("reason", reason)
            }
            DeskError::WrongMachine { instance, stored, requested } => Self::not_found(detail)
                .with("instance", instance)
                .with("machine", stored)
                .with("expected_machine", requested),
            DeskError::Invalid { field, .. } => {
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", detail).with("field", field)
            }
            DeskError::UnknownScript { instance, script } => {
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", detail)
                    .with("field", "script")
                    .with("instance", instance)
                    .with("script", script)
            }
            DeskError::UnknownCustomer { customer } => Self::not_found(detail).with("customer", customer),
            DeskError::Busy { instance, .. } => {
                Self::new(StatusCode::SERVICE_UNAVAILABLE, "busy", detail).with("instance", instance)
            }
            DeskError::Store(e) => e.into(),
            _ => Self::internal(detail),
        }
    }
}

impl From<StoreError> for Problem {
    fn from(error: StoreError) -> Self {
        let detail = error.to_string();
        match error {
            StoreError::InvalidId { .. } => Self::bad_request(detail),
            StoreError::UnknownInstance { instance } => Self::not_found(detail).with("instance", instance),
            StoreError::WrongMachine { instance, stored, requested } => Self::not_found(detail)
                .with("instance", instance)
                .with("machine", stored)
                .with("expected_machine", requested),
            StoreError::KeyReused { .. } => {
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, "idempotency-key-reused", detail)
            }
            StoreError::Conflict { .. } => Self::new(StatusCode::SERVICE_UNAVAILABLE, "busy", detail),
            StoreError::Serialization { .. } | StoreError::SchemaTooNew { .. } => Self::internal(detail),
            _ => Self::unavailable(detail),
        }
    }
}
