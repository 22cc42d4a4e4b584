//! `POST /v1/customers/{customer}/facts`: what the ERP reports, and `GET /v1/customers/{customer}`.

use std::sync::Arc;

use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use kefu::desk::{Fact, ids};
use kefu::machine::Principal;
use kefu::store::{IdKind, Store, check_id};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::commands::{Outcome, outcome_response, scoped_key};
use super::{Item, PathOf, to_json};
use crate::app::App;
use crate::body::{IdempotencyKey, JsonBody};
use crate::problem::Problem;

/// The role a token needs to report ERP facts.
pub const ERP_ROLE: &str = "erp";

/// Records an ERP fact about a customer (rules C3–C7, F3, F4, B3, Q1): it becomes a command on the right instance;
/// the rest follows by reactions. Needs the `erp` role.
#[utoipa::path(
    post,
    path = "/v1/customers/{customer}/facts",
    tag = "facts",
    params(
        ("customer" = String, Path, description = "The ERP's customer id"),
        ("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key returns the first response and records nothing"),
    ),
    request_body(
        content = Object,
        description = "A fact, tagged by `fact`: customer_details, contract_accepted, document_received, file_created, \
            order_placed, payment_overdue, payment_settled, sales_contact, handed_to_sales, handed_back, sale_completed, \
            credit_change_requested, inquiry, closed",
        example = json!({"fact": "order_placed", "order": "SO-7781"})
    ),
    responses(
        (status = 200, description = "Recorded (or, for a repeated key, recorded before)", body = Outcome),
        (status = 400, description = "Malformed JSON or an unknown fact", content_type = "application/problem+json"),
        (status = 401, description = "No valid token", content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the `erp` role", content_type = "application/problem+json"),
        (status = 413, description = "The body is too large", content_type = "application/problem+json"),
        (status = 422, description = "A rule refused it; nothing was recorded", content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn submit<S: Store + Send + Sync + 'static>(
    State(app): State<Arc<App<S>>>,
    Extension(caller): Extension<Principal>,
    PathOf(customer): PathOf<String>,
    IdempotencyKey(key): IdempotencyKey,
    JsonBody(fact): JsonBody<Fact>,
) -> Result<Response, Problem> {
    if !caller.has_role(ERP_ROLE) {
        return Err(Problem::forbidden("reporting ERP facts needs a token with the `erp` role").with("role", ERP_ROLE));
    }
    check_id(IdKind::Instance, &ids::customer(&customer))?;
    tracing::info!(fact = fact.name(), "fact");
    let key = key.map(|k| scoped_key(&caller, &k));
    let result = app
        .blocking(move |app| {
            let now = app.now();
            // Without the client's key, one of our own: the desk's submit always takes one.
            let key = key.unwrap_or_else(|| format!("http/unkeyed/{}", uuid_like(app)));
            let submitted = app.desk.submit(&customer, &fact, &caller, now, &key)?;
            Ok(submitted)
        })
        .await?;
    if !result.done.duplicate {
        app.wrote();
    }
    let mut outcome = Outcome::of(&result.done);
    outcome.awaiting_approval = result.awaiting_approval;
    Ok(outcome_response(outcome, result.done.duplicate))
}

/// A key unique to this process and moment, for a fact sent without an `Idempotency-Key`.
fn uuid_like<S: Store + Send + Sync + 'static>(app: &App<S>) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{}/{}/{n}", std::process::id(), app.now().timestamp_nanos_opt().unwrap_or_default())
}

/// Everything the desk knows about a customer.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerBody {
    /// The customer's id.
    pub customer: String,
    /// The lifecycle (standing, specialist, obligations F1/F2, clocks C4/C5); null before the first lifecycle fact.
    #[schema(value_type = Option<Object>)]
    pub lifecycle: Option<Value>,
    /// The details the ERP sent (personal data).
    #[schema(value_type = Object)]
    pub details: Value,
    /// The customer's callbacks.
    pub callbacks: Vec<Item>,
    /// The customer's cases.
    pub cases: Vec<Item>,
}

/// Everything the desk knows about a customer: lifecycle, details, callbacks and cases.
#[utoipa::path(
    get,
    path = "/v1/customers/{customer}",
    tag = "facts",
    params(("customer" = String, Path, description = "The ERP's customer id")),
    responses(
        (status = 200, body = CustomerBody),
        (status = 404, description = "Nothing was ever recorded about the customer", content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn customer<S: Store + Send + Sync + 'static>(
    State(app): State<Arc<App<S>>>,
    PathOf(customer): PathOf<String>,
) -> Result<Response, Problem> {
    check_id(IdKind::Instance, &ids::customer(&customer))?;
    let view = app.blocking(move |app| Ok(app.desk.customer(&customer)?)).await?;
    let body = CustomerBody {
        customer: view.customer,
        lifecycle: view.lifecycle.as_ref().map(to_json).transpose()?,
        details: to_json(&view.details)?,
        callbacks: super::Items::of(view.callbacks)?.items,
        cases: super::Items::of(view.cases)?.items,
    };
    Ok(axum::Json(body).into_response())
}
