//! The desk's queries: a specialist's worklist, open cases, pending approvals, notices, and the next deadline.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, TimeDelta, Utc};
use kefu::machine::Principal;
use kefu::store::Store;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{Items, PathOf};
use crate::app::App;
use crate::body::QueryOf;
use crate::problem::Problem;

/// How far ahead a worklist looks when `until` is not given.
const WORKLIST_AHEAD: TimeDelta = TimeDelta::hours(24);

/// The worklist's window.
#[derive(Debug, Deserialize, IntoParams)]
pub struct Until {
    /// The end of the window (RFC 3339); default: 24 hours from now.
    pub until: Option<DateTime<Utc>>,
}

/// A specialist's worklist: their open callbacks whose next contact is before `until`, earliest first (rules B2, B9).
#[utoipa::path(
    get,
    path = "/v1/worklists/{specialist}",
    tag = "queries",
    params(("specialist" = String, Path, description = "The specialist's id"), Until),
    responses((status = 200, body = Items)),
    security(("bearer" = []))
)]
pub async fn worklist<S: Store + Send + Sync + 'static>(
    State(app): State<Arc<App<S>>>,
    PathOf(specialist): PathOf<String>,
    QueryOf(window): QueryOf<Until>,
) -> Result<Response, Problem> {
    let items = app
        .blocking(move |app| {
            let until = window.until.unwrap_or_else(|| app.now() + WORKLIST_AHEAD);
            Items::of(app.desk.worklist(&specialist, until)?)
        })
        .await?;
    Ok(axum::Json(items).into_response())
}

/// Which department.
#[derive(Debug, Deserialize, IntoParams)]
pub struct DepartmentFilter {
    /// A department's id; all departments when absent.
    pub department: Option<String>,
}

/// The cases not yet closed, for one department or all, oldest first.
#[utoipa::path(
    get,
    path = "/v1/cases",
    tag = "queries",
    params(DepartmentFilter),
    responses((status = 200, body = Items)),
    security(("bearer" = []))
)]
pub async fn open_cases<S: Store + Send + Sync + 'static>(
    State(app): State<Arc<App<S>>>,
    QueryOf(filter): QueryOf<DepartmentFilter>,
) -> Result<Response, Problem> {
    let items = app.blocking(move |app| Items::of(app.desk.open_cases(filter.department.as_deref())?)).await?;
    Ok(axum::Json(items).into_response())
}

/// Which role.
#[derive(Debug, Deserialize, IntoParams)]
pub struct RoleFilter {
    /// A role (`general_manager`); every role of the token's principal when absent.
    pub role: Option<String>,
}

/// The approvals waiting for a decision a role may take (rules C6, C7), oldest first.
#[utoipa::path(
    get,
    path = "/v1/approvals",
    tag = "queries",
    params(RoleFilter),
    responses((status = 200, body = Items)),
    security(("bearer" = []))
)]
pub async fn pending_approvals<S: Store + Send + Sync + 'static>(
    State(app): State<Arc<App<S>>>,
    Extension(caller): Extension<Principal>,
    QueryOf(filter): QueryOf<RoleFilter>,
) -> Result<Response, Problem> {
    let roles: Vec<String> = match filter.role {
        Some(role) => vec![role],
        None => caller.roles().map(|r| r.as_str().to_owned()).collect(),
    };
    let items = app
        .blocking(move |app| {
            // One list however many roles ask: an approval two of them may decide appears once.
            let mut seen = BTreeMap::new();
            for role in &roles {
                for (id, state) in app.desk.pending_approvals(role)? {
                    seen.entry(id).or_insert(state);
                }
            }
            Items::of(seen.into_iter().collect())
        })
        .await?;
    Ok(axum::Json(items).into_response())
}

/// The notices not yet acknowledged for the token's principal (for one of their roles, or for them), oldest first:
/// escalations (rule B6), decisions, misses.
#[utoipa::path(
    get,
    path = "/v1/notices",
    tag = "queries",
    responses((status = 200, body = Items)),
    security(("bearer" = []))
)]
pub async fn notices<S: Store + Send + Sync + 'static>(
    State(app): State<Arc<App<S>>>,
    Extension(caller): Extension<Principal>,
) -> Result<Response, Problem> {
    let items = app.blocking(move |app| Items::of(app.desk.notices(&caller)?)).await?;
    Ok(axum::Json(items).into_response())
}

/// When the desk has work next.
#[derive(Debug, Serialize, ToSchema)]
pub struct NextDue {
    /// The earliest deadline of any instance; null when nothing waits.
    pub at: Option<DateTime<Utc>>,
    /// The service's clock.
    pub now: DateTime<Utc>,
}

/// The earliest deadline of any instance, and the service's clock.
#[utoipa::path(
    get,
    path = "/v1/next-due",
    tag = "queries",
    responses((status = 200, body = NextDue)),
    security(("bearer" = []))
)]
pub async fn next_due<S: Store + Send + Sync + 'static>(State(app): State<Arc<App<S>>>) -> Result<Response, Problem> {
    let body = app.blocking(|app| Ok(NextDue { at: app.desk.next_due()?, now: app.now() })).await?;
    Ok(axum::Json(body).into_response())
}
